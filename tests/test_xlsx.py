"""Excel pieces (render/classeurs): content read back with openpyxl, formulas recalculated by LibreOffice."""

from __future__ import annotations

import copy
import re
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import fabrique
import libreoffice
from dossier.dates_projet import constat_jalons_cnsa, dates_projet
from dossier.campaigns import charger_campagne
from dossier.francais import FORMAT_EXCEL_DATE, FORMAT_EXCEL_MONTANT
from dossier.render.classeurs import FICHIERS_XLSX, marqueurs_xlsx, rendre_xlsx
from dossier.render.classeurs.commun import POURCENT
from dossier.render.classeurs.financement import FEUILLES_FINANCEMENT
from dossier.render.classeurs.materiels import FEUILLE_MATERIELS
from dossier.render.classeurs.planning import FEUILLES_PLANNING, JALONS_CNSA, jalons_cnsa_absents
from dossier.render.classeurs.saad import COLONNES_SAAD, FEUILLE_SAAD
from dossier.rules import calculer_financement

HOSTILE = 'Tâche & <b>gras</b> "guillemets" \'apostrophe\'\nligne 2 — é è ç œ 🚀'
FORMULE = "=SUM(1,2) n'est pas une formule"
CONTROLE = "Contrôle\x01caché"


# --------------------------------------------------------------------------- variants of the example


def _exemple() -> dict:
    return copy.deepcopy(fabrique.charger())


def _hostile() -> dict:
    """The example with hostile texts everywhere, and one ESSMS whose quote has no lines."""
    d = _exemple()
    d["intitule"] = HOSTILE
    d["porteur"]["raison_sociale"] = FORMULE
    d["planning"]["jalons"][0]["libelle"] = HOSTILE
    d["planning"]["jalons"][0]["responsable"] = FORMULE
    d["couts"]["postes"][0]["libelle"] = HOSTILE
    d["couts"]["rh"][0]["fonction"] = FORMULE
    d["couts"]["ressources_autres"][0]["libelle"] = HOSTILE
    d["essms"][0]["materiel"]["lignes"][0]["designation"] = HOSTILE
    d["essms"][0]["materiel"]["lignes"][0]["emplacement"] = FORMULE
    d["essms"][14]["nom"] = HOSTILE
    d["essms"][14]["heures_saad"]["financement_autres"] = FORMULE
    del d["essms"][9]["materiel"]["lignes"]  # EHPAD Les Hortensias: "Devis global" 9 800
    return d


def _grand_og() -> dict:
    """Tilleuls manages 20 ESSMS: not a small OG, its equipment is not financed."""
    d = _exemple()
    d["organismes"][0]["nb_essms_total"] = 20
    return d


def _jalons_manquants() -> dict:
    d = _exemple()
    d["planning"]["jalons"] = [j for j in d["planning"]["jalons"]
                               if "VSR" not in j["libelle"] and "usage" not in j["libelle"]]
    return d


def _aides_superieures() -> dict:
    """Costs far below the aid: negative self-financing; no planning end (balance year unknown): only a start."""
    d = _exemple()
    d["couts"]["postes"] = d["couts"]["postes"][:1]
    d["couts"]["rh"] = []
    d["planning"] = {"debut": d["planning"]["debut"]}
    for e in d["essms"]:
        e.pop("vague", None)
    return d


def _nu() -> dict:
    """No planning, no costs, no equipment, no home help."""
    d = _exemple()
    for cle in ("planning", "couts"):
        del d[cle]
    for e in d["essms"]:
        e.pop("materiel", None)
        e.pop("vague", None)
    d["essms"] = [e for e in d["essms"] if "heures_saad" not in e]
    return d


VARIANTES = {"exemple": _exemple, "hostile": _hostile, "grand-og": _grand_og,
             "jalons-manquants": _jalons_manquants, "aides-superieures": _aides_superieures, "nu": _nu}


class Rendu:
    def __init__(self, donnees: dict, dossier: Path, nom: str):
        self.projet = fabrique.projet_de(donnees)
        self.fin = calculer_financement(self.projet, charger_campagne(self.projet.campagne))
        self.fichiers = {}
        for slug in FICHIERS_XLSX:
            chemin = dossier / f"{nom}-{slug}.xlsx"
            rendre_xlsx(slug, self.projet, self.fin, chemin)
            self.fichiers[slug] = chemin
        self._classeurs = {}

    def classeur(self, slug: str):
        if slug not in self._classeurs:
            self._classeurs[slug] = load_workbook(self.fichiers[slug])
        return self._classeurs[slug]


@pytest.fixture(scope="module")
def rendus(tmp_path_factory) -> dict[str, Rendu]:
    dossier = tmp_path_factory.mktemp("xlsx")
    return {nom: Rendu(fabrique_variante(), dossier, nom) for nom, fabrique_variante in VARIANTES.items()}


@pytest.fixture(scope="module")
def recalcules(rendus, tmp_path_factory) -> dict[tuple[str, str], object]:
    """Every rendered workbook recalculated by one LibreOffice process: (variant, slug) -> values."""
    if not libreoffice.SOFFICE:
        pytest.skip(libreoffice.RAISON_ABSENT)
    base = tmp_path_factory.mktemp("recalcul")
    fichiers = {(nom, slug): chemin for nom, r in rendus.items() for slug, chemin in r.fichiers.items()}
    convertis = libreoffice.recalculer(list(fichiers.values()), base / "sortie", base / "profil")
    return {cle: load_workbook(convertis[chemin], data_only=True) for cle, chemin in fichiers.items()}


def lignes(ws) -> list[tuple]:
    return [tuple(c.value for c in ligne) for ligne in ws.iter_rows()]


def ligne_de(ws, texte: str, colonne: int = 1) -> int:
    """Row number of the first cell of ``colonne`` whose value is ``texte`` (or starts with it)."""
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, colonne).value
        if isinstance(v, str) and (v == texte or v.startswith(texte)):
            return r
    raise AssertionError(f"« {texte} » absent de la colonne {colonne} de la feuille {ws.title}")


def ligne_entete(ws, premier: str) -> int:
    r = ligne_de(ws, premier)
    assert ws.cell(r, 1).style == "entete"
    return r


def colonne_montant(ws) -> int:
    """Column of the amounts of the resources (header "Montant") in the sheet « Plan pluriannuel »."""
    ligne = ligne_de(ws, "Ressources")
    return next(c.column for c in ws[ligne] if c.value == "Montant")


def en_date(v) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


def proche(a, b, tol=0.005) -> bool:
    return abs(float(a) - float(b)) <= tol


# --------------------------------------------------------------------------- all workbooks


def test_noms_des_feuilles(rendus):
    r = rendus["exemple"]
    assert r.classeur("planning").sheetnames == list(FEUILLES_PLANNING)
    assert r.classeur("plan-de-financement").sheetnames == list(FEUILLES_FINANCEMENT)
    assert r.classeur("declaration-heures-saad").sheetnames == [FEUILLE_SAAD]
    assert r.classeur("materiels").sheetnames == [FEUILLE_MATERIELS]


def test_les_feuilles_attendues_par_les_profils(rendus):
    """The checklist looks for these sheets (profiles' `feuille`)."""
    from dossier.profiles import charger_profil

    for profil in ("cnsa-2023", "normandie-2023"):
        for piece in charger_profil(profil).pieces:
            if piece.format == "xlsx" and piece.feuille:
                assert rendus["exemple"].classeur(piece.modele).sheetnames == [piece.feuille]


@pytest.mark.parametrize("slug", FICHIERS_XLSX)
def test_titre_porteur_et_date_en_tete_de_chaque_feuille(rendus, slug):
    r = rendus["exemple"]
    for ws in r.classeur(slug).worksheets:
        assert isinstance(ws["A1"].value, str) and ws["A1"].value.strip()
        assert (ws["A2"].value, ws["B2"].value) == ("Projet", r.projet.intitule)
        assert (ws["A3"].value, ws["B3"].value) == ("Porteur", r.projet.porteur.raison_sociale)
        assert ws["A4"].value == "Date"
        assert en_date(ws["B4"].value) == dt.date(2023, 5, 15)
        assert ws["B4"].is_date and ws["B4"].number_format.endswith(FORMAT_EXCEL_DATE)


def test_date_du_jour_sans_date_de_depot(tmp_path):
    d = _exemple()
    del d["depot"]["date"]
    projet = fabrique.projet_de(d)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    rendre_xlsx("materiels", projet, fin, tmp_path / "m.xlsx")
    assert en_date(load_workbook(tmp_path / "m.xlsx").active["B4"].value) == dt.date.today()


@pytest.mark.parametrize("slug", FICHIERS_XLSX)
def test_mise_en_page(rendus, slug):
    for ws in rendus["exemple"].classeur(slug).worksheets:
        assert ws.page_setup.orientation == "landscape"
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        else:  # scale computed so that the columns fit the page width, with manual page breaks
            largeur = sum(7 * (ws.column_dimensions[get_column_letter(c)].width or 8.43) + 4
                          for c in range(1, ws.max_column + 1))
            assert largeur * ws.page_setup.scale / 100 <= 842 - 0.8 * 72
        assert ws.freeze_panes is not None
        assert ws.print_title_rows
        assert ws.column_dimensions["A"].width >= 25


def test_classeur_inconnu(rendus, tmp_path):
    r = rendus["exemple"]
    with pytest.raises(ValueError, match="classeur inconnu"):
        rendre_xlsx("note-de-presentation", r.projet, r.fin, tmp_path / "x.xlsx")


@pytest.mark.parametrize("chemin", fabrique.fichiers_exemples(), ids=fabrique.ids_de(fabrique.fichiers_exemples()))
def test_tous_les_exemples_se_rendent(chemin, tmp_path):
    from dossier.model import charger_projet

    projet = charger_projet(chemin)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    for slug in FICHIERS_XLSX:
        rendre_xlsx(slug, projet, fin, tmp_path / f"{slug}.xlsx")
        assert load_workbook(tmp_path / f"{slug}.xlsx").worksheets


# --------------------------------------------------------------------------- planning


@pytest.mark.parametrize("phase, feuille", [("projet", "Projet"), ("deploiement", "Déploiement"),
                                            ("conduite_changement", "Conduite du changement")])
def test_une_ligne_par_jalon_avec_duree_en_formule(rendus, phase, feuille):
    r = rendus["exemple"]
    ws = r.classeur("planning")[feuille]
    jalons = sorted((j for j in r.projet.planning.jalons if j.phase == phase), key=lambda j: (j.debut, j.fin))
    assert jalons
    premiere = ligne_entete(ws, "Tâche / jalon") + 1
    for i, j in enumerate(jalons):
        ligne = premiere + i
        assert ws.cell(ligne, 1).value == j.libelle
        assert en_date(ws.cell(ligne, 2).value) == j.debut and ws.cell(ligne, 2).is_date
        assert en_date(ws.cell(ligne, 3).value) == j.fin
        assert ws.cell(ligne, 4).value == f"=C{ligne}-B{ligne}+1"
        assert ws.cell(ligne, 5).value == j.responsable


def test_bandeau_mensuel_sur_toute_la_duree(rendus):
    ws_s = rendus["exemple"].classeur("planning")
    for ws in ws_s.worksheets:
        entete = ligne_entete(ws, "Tâche / jalon")
        mois = [en_date(c.value) for c in ws[entete][5:]]
        assert mois[0] == dt.date(2023, 9, 1) and mois[-1] == dt.date(2025, 6, 1)
        assert len(mois) == 22 and all(m.day == 1 for m in mois)
        assert ws.cell(entete, 6).number_format.endswith("mmm yy")
        regles = [(str(plage.sqref), regle) for plage in ws.conditional_formatting for regle in plage.rules]
        assert len(regles) == 1
        plage, regle = regles[0]
        assert plage.startswith(f"F{entete + 1}:AA")  # 22 months: F to AA
        assert "$B" in regle.formula[0] and "$C" in regle.formula[0] and regle.dxf.fill is not None


def test_deploiement_une_ligne_par_essms_aux_dates_de_sa_vague(rendus):
    r = rendus["exemple"]
    ws = r.classeur("planning")["Déploiement"]
    vagues = {v.numero: v for v in r.projet.planning.vagues}
    for e in r.projet.essms:
        ligne = ligne_de(ws, f"{e.nom} ({e.finess_et}) — vague {e.vague}")
        assert en_date(ws.cell(ligne, 2).value) == vagues[e.vague].debut
        assert en_date(ws.cell(ligne, 3).value) == vagues[e.vague].fin
        assert ws.cell(ligne, 4).value == f"=C{ligne}-B{ligne}+1"
        assert ws.cell(ligne, 5).value == r.projet.organisme(e.organisme).raison_sociale


def test_jalons_cnsa_tous_presents_dans_l_exemple(rendus):
    r = rendus["exemple"]
    assert jalons_cnsa_absents(r.projet.planning.jalons) == []
    ws = r.classeur("planning")["Projet"]
    note = ws.cell(ligne_de(ws, "Jalons CNSA"), 1).value
    assert f"les {len(JALONS_CNSA)} jalons attendus figurent au planning" in note


def test_jalons_cnsa_manquants_listes_sans_dates_inventees(rendus):
    r = rendus["jalons-manquants"]
    absents = [j.cle for j in jalons_cnsa_absents(r.projet.planning.jalons)]
    assert absents == ["vsr", "usages"]
    ws = r.classeur("planning")["Projet"]
    textes = [v for ligne in lignes(ws) for v in ligne if isinstance(v, str)]
    # a finding for the author (check alerte, render item), never a line of the deposited piece
    assert not any("Jalons CNSA" in t or "VSR" in t for t in textes)
    constat = constat_jalons_cnsa(r.projet)
    assert "vérification de service régulier (VSR)" in constat and "mesure des usages" in constat


def test_jalons_cnsa_reconnus_par_mots_cles(projet_de, donnees_exemple):
    jalons = [
        {"phase": "projet", "libelle": libelle, "debut": "2024-01-01", "fin": "2024-01-31"}
        for libelle in ("Démarrage", "Sélection de l'éditeur", "Contractualisation", "Configuration",
                        "Recette", "Plan de formation", "Vérification de service régulier",
                        "Suivi des indicateurs d'usage", "Clôture")
    ]
    donnees_exemple["planning"]["jalons"] = jalons
    projet = projet_de(donnees_exemple)
    assert [j.cle for j in jalons_cnsa_absents(projet.planning.jalons)] == ["deploiement"]
    jalons.append({"phase": "deploiement", "libelle": "Bascule", "debut": "2024-02-01", "fin": "2024-02-28"})
    # "usager" (dossier usager) is not a usage measure
    jalons[7]["libelle"] = "Paramétrage du dossier usager"
    projet = projet_de(donnees_exemple)
    assert [j.cle for j in jalons_cnsa_absents(projet.planning.jalons)] == ["usages"]


def test_planning_sans_donnees(rendus):
    wb = rendus["nu"].classeur("planning")
    assert wb.sheetnames == list(FEUILLES_PLANNING)
    for feuille in ("Projet", "Conduite du changement"):
        marqueur = wb[feuille].cell(ligne_de(wb[feuille], "[À COMPLÉTER"), 1).value
        assert marqueur == f"[À COMPLÉTER : jalons de la phase « {feuille} » du planning (libellé, début, fin, responsable)]"
        assert wb[feuille]["B5"].value == "[À COMPLÉTER : dates du planning (début du projet, jalons datés)]"
    assert marqueurs_xlsx("planning-conduite", rendus["nu"].projet) == [
        "dates du planning (début du projet, jalons datés)",
        "jalons de la phase « Conduite du changement » du planning (libellé, début, fin, responsable)"]
    assert not any("Jalons CNSA" in str(v) for ligne in lignes(wb["Projet"]) for v in ligne)
    assert ligne_de(wb["Déploiement"], "Déploiement par ESSMS")
    ws = wb["Déploiement"]
    ligne = ligne_de(ws, "EHPAD Les Tilleuls")
    assert "vague non renseignée" in ws.cell(ligne, 1).value
    assert ws.cell(ligne, 2).value is None and ws.cell(ligne, 4).value is None


# --------------------------------------------------------------------------- plan de financement


def test_couts_du_projet_et_totaux_sumif(rendus):
    r = rendus["exemple"]
    ws = r.classeur("plan-de-financement")["Coûts du projet"]
    premiere = ligne_entete(ws, "Poste") + 1
    postes = r.projet.couts.postes
    for i, p in enumerate(postes):
        assert ws.cell(premiere + i, 1).value == p.libelle
        assert ws.cell(premiere + i, 3).value == p.annee
        assert ws.cell(premiere + i, 4).value == p.montant
        assert ws.cell(premiere + i, 4).number_format.endswith(FORMAT_EXCEL_MONTANT)
    annee = ligne_de(ws, "Total par année") + 1
    assert ws.cell(annee, 1).value == 2023
    assert ws.cell(annee, 4).value.startswith("=SUMIF($C$")
    nature = ligne_de(ws, "Total par nature") + 1
    assert ws.cell(nature, 1).value == "Logiciel"
    assert ws.cell(nature, 4).value.startswith("=SUMIF($B$")


def test_couts_rh_formules(rendus):
    ws = rendus["exemple"].classeur("plan-de-financement")["Coûts RH"]
    ligne = ligne_de(ws, "Chef de projet DUI")
    assert [ws.cell(ligne, c).value for c in range(2, 5)] == [0.8, 52000, "2023, 2024, 2025"]
    assert ws.cell(ligne_entete(ws, "Fonction"), 5).value == 2023
    assert ws.cell(ligne, 5).value.startswith("=IF(ISNUMBER(SEARCH(")


def test_plan_pluriannuel_aides_egales_au_financement(rendus):
    r = rendus["exemple"]
    ws = r.classeur("plan-de-financement")["Plan pluriannuel"]
    col = colonne_montant(ws)
    attendus = {
        "Aide ESMS numérique — forfait usages": r.fin.totaux["usages"],
        "Aide ESMS numérique — forfait logiciel": r.fin.totaux["logiciel"],
        "Aide ESMS numérique — matériel": r.fin.totaux["materiel"],
        "Aide ESMS numérique — pilotage / AMOA": r.fin.totaux["amoa"],
        "Aide ESMS numérique — aide à l'achat via le SAD": r.fin.totaux["sad"],
        "Fonds propres des organismes": Decimal(120000),
    }
    for libelle, valeur in attendus.items():
        cellule = ws.cell(ligne_de(ws, libelle), col)
        assert isinstance(cellule.value, int | float) and Decimal(str(cellule.value)) == valeur, libelle
    aide, avance, solde = (ligne_de(ws, x) for x in ("Total de l'aide", "dont avance", "dont solde"))
    lettre = ws.cell(aide, col).column_letter
    assert ws.cell(avance, col).value == f"=ROUND({lettre}{aide}*0.5,2)"
    assert ws.cell(solde, col).value == f"={lettre}{aide}-{lettre}{avance}"
    annees = {ws.cell(ligne_de(ws, "Ressources"), c).value: c for c in range(2, col)}
    assert ws.cell(avance, annees[r.projet.planning.debut.year]).value == f"={lettre}{avance}"
    assert ws.cell(solde, annees[r.projet.planning.fin_deploiement.year]).value == f"={lettre}{solde}"
    assert ws.cell(ligne_de(ws, "Autofinancement"), col).value.startswith("=")
    assert ws.cell(ligne_de(ws, "Contrôle : emplois − ressources"), col).value.startswith("=")
    rh = r.classeur("plan-de-financement")["Coûts RH"]
    total_rh = ligne_de(rh, "Total des coûts RH")
    assert ws.cell(ligne_de(ws, "Coûts des ressources humaines"), 2).value == f"='Coûts RH'!E{total_rh}"


@pytest.mark.slow
def test_plan_de_financement_recalcule(rendus, recalcules):
    r = rendus["exemple"]
    wb = recalcules[("exemple", "plan-de-financement")]
    ws = wb["Plan pluriannuel"]
    col = colonne_montant(ws)
    valeur = lambda libelle, c=col: ws.cell(ligne_de(ws, libelle), c).value  # noqa: E731
    assert proche(valeur("Total de l'aide ESMS numérique"), r.fin.totaux["total"], 0.001)
    assert proche(valeur("Total de l'aide ESMS numérique"), 508583.16, 0.001)
    assert valeur("Contrôle : emplois − ressources") == pytest.approx(0, abs=1e-6)
    postes = sum(p.montant for p in r.projet.couts.postes)
    rh = sum(x.cout_annuel * len(x.annees) for x in r.projet.couts.rh)
    assert proche(valeur("Total des emplois"), postes + rh)
    assert proche(valeur("Autofinancement"), postes + rh - r.fin.totaux["total"] - 120000)
    assert valeur("dont avance") == pytest.approx(float(r.fin.avance), abs=0.001)
    assert valeur("dont solde") == pytest.approx(float(r.fin.solde), abs=0.001)
    # per year: 2024 = 114 000 + 18 700 + 36 200 + 63 700 (projet) and 52 000 + 61 500 (RH)
    assert valeur("Coûts du projet (hors RH)", 3) == pytest.approx(232600)
    assert valeur("Coûts des ressources humaines", 3) == pytest.approx(113500)
    couts = wb["Coûts du projet"]
    assert couts.cell(ligne_de(couts, "Total des coûts du projet"), 4).value == pytest.approx(float(postes))
    nature = ligne_de(couts, "Total par nature")
    assert couts.cell(nature + 1, 4).value == pytest.approx(266000)  # Logiciel
    assert couts.cell(nature + 8, 4).value == pytest.approx(float(postes))


# --------------------------------------------------------------------------- déclaration des heures SAAD


def test_saad_colonnes_de_l_annexe_et_formules(rendus):
    r = rendus["exemple"]
    ws = r.classeur("declaration-heures-saad")[FEUILLE_SAAD]
    entete = ligne_entete(ws, "Nom de la structure")
    assert tuple(c.value for c in ws[entete]) == COLONNES_SAAD
    assert ws.cell(entete, 7).value == "Heures dépendance hors APA/PCH"  # col. G of annexe 1
    assert ws.cell(ligne_de(ws, "Année des heures déclarées (N-1)"), 2).value == 2022
    declarants = [e for e in r.projet.essms if e.heures_saad]
    assert len(declarants) == 3
    for i, e in enumerate(declarants):
        ligne = entete + 1 + i
        h = e.heures_saad
        assert [ws.cell(ligne, c).value for c in range(1, 9)] == [
            e.nom, e.finess_ej, e.finess_et, h.total, h.apa, h.pch, h.dependance_autres, h.financement_autres]
        assert ws.cell(ligne, 3).data_type == "s"
        # issue 21: column K, the SPASAD nursing hours, count in the médico-social share
        assert ws.cell(ligne, 11).value == (h.soins or 0)
        assert ws.cell(ligne, 9).value == f"=IF(D{ligne}>0,(E{ligne}+F{ligne}+G{ligne}+K{ligne})/D{ligne},\"\")"
        assert ws.cell(ligne, 10).value.startswith(f"=IF(D{ligne}>0,")
        assert ws.cell(ligne, 9).number_format == POURCENT
    assert ws.cell(entete + 4, 1).value == "Total"


@pytest.mark.slow
def test_saad_pourcentages_recalcules_egaux_a_part_ms(rendus, recalcules):
    r = rendus["exemple"]
    ws = recalcules[("exemple", "declaration-heures-saad")][FEUILLE_SAAD]
    entete = ligne_de(ws, "Nom de la structure")
    lignes_saad = [le for le in r.fin.essms if le.essms.heures_saad]
    for i, le in enumerate(lignes_saad):
        ligne = entete + 1 + i
        assert ws.cell(ligne, 1).value == le.essms.nom
        assert ws.cell(ligne, 9).value == pytest.approx(float(le.part_ms), abs=1e-12)
        assert ws.cell(ligne, 10).value == pytest.approx(1 - float(le.part_ms), abs=1e-12)
    assert ws.cell(entete + 1, 9).value == pytest.approx(42000 / 52000)


def test_saad_sans_declarant(rendus):
    ws = rendus["nu"].classeur("declaration-heures-saad")[FEUILLE_SAAD]
    assert ligne_de(ws, "Aucun ESSMS ne déclare d'heures")


def test_saad_annee_autre_que_n_moins_1_signalee(tmp_path, donnees_exemple, projet_de):
    donnees_exemple["essms"][15]["heures_saad"]["annee"] = 2021
    projet = projet_de(donnees_exemple)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    rendre_xlsx("declaration-heures-saad", projet, fin, tmp_path / "s.xlsx")
    ws = load_workbook(tmp_path / "s.xlsx").active
    assert "SAA Aide & Domicile Coutances (2021)" in ws.cell(ligne_de(ws, "Heures d'une autre année"), 1).value


# --------------------------------------------------------------------------- matériels


def _bloc(ws, nom: str) -> dict[str, int]:
    """Rows of the block of one ESSMS: group title, first item, subtotal, financed amount."""
    titre = ligne_de(ws, f"{nom} — FINESS ET")
    sous_total = next(r for r in range(titre, ws.max_row + 1) if ws.cell(r, 1).value == "Sous-total du devis")
    return {"titre": titre, "premiere": titre + 1, "sous_total": sous_total, "finance": sous_total + 1}


def test_materiels_lignes_et_formules(rendus):
    r = rendus["exemple"]
    ws = r.classeur("materiels")[FEUILLE_MATERIELS]
    entete = ligne_entete(ws, "Désignation")
    assert [c.value for c in ws[entete]] == ["Désignation", "Quantité", "Prix unitaire", "Total",
                                             "Référence du devis", "Emplacement"]
    equipes = [e for e in r.projet.essms if e.materiel]
    assert len(equipes) == 4
    for e in equipes:
        b = _bloc(ws, e.nom)
        for i, l in enumerate(e.materiel.lignes):
            ligne = b["premiere"] + i
            assert [ws.cell(ligne, c).value for c in (1, 2, 3, 5, 6)] == [
                l.designation, l.quantite, l.prix_unitaire, e.materiel.reference_devis, l.emplacement]
            assert ws.cell(ligne, 4).value == f"=B{ligne}*C{ligne}"
        assert b["sous_total"] == b["premiere"] + len(e.materiel.lignes)
        assert ws.cell(b["sous_total"], 4).value == f"=SUM(D{b['premiere']}:D{b['sous_total'] - 1})"
        assert ws.cell(b["finance"], 4).value.startswith("=MIN($D$")
    plafond = ligne_de(ws, "Plafond par ESSMS")
    assert ws.cell(plafond, 4).value == r.fin.campagne.valeur("petits_og.materiel_plafond") == 20000


@pytest.mark.slow
def test_materiels_recalcules_egaux_au_financement(rendus, recalcules):
    for variante in ("exemple", "hostile", "grand-og"):
        r = rendus[variante]
        ws = recalcules[(variante, "materiels")][FEUILLE_MATERIELS]
        for le in r.fin.essms:
            if le.essms.materiel is None:
                continue
            b = _bloc(ws, le.essms.nom)
            assert ws.cell(b["sous_total"], 4).value == pytest.approx(float(le.essms.materiel.devis)), variante
            assert ws.cell(b["finance"], 4).value == pytest.approx(float(le.materiel)), (variante, le.essms.nom)
        total = ws.cell(ligne_de(ws, "Total financé"), 4).value
        assert total == pytest.approx(float(r.fin.totaux["materiel"]))
    ws = recalcules[("exemple", "materiels")][FEUILLE_MATERIELS]
    parc = _bloc(ws, "EHPAD Résidence du Parc")
    assert ws.cell(parc["sous_total"], 4).value == pytest.approx(23500)
    assert ws.cell(parc["finance"], 4).value == pytest.approx(20000)
    assert ws.cell(parc["finance"], 5).value == "plafond appliqué"
    tilleuls = _bloc(ws, "EHPAD Les Tilleuls")
    assert ws.cell(tilleuls["finance"], 5).value == "dans la limite du plafond"


def test_devis_global_sans_lignes(rendus):
    ws = rendus["hostile"].classeur("materiels")[FEUILLE_MATERIELS]
    b = _bloc(ws, "EHPAD Les Hortensias")
    assert [ws.cell(b["premiere"], c).value for c in (1, 2, 3, 5)] == ["Devis global", 1, 9800, "DV-2023-121"]
    assert b["sous_total"] == b["premiere"] + 1


def test_organisme_non_petit_materiel_non_finance(rendus):
    r = rendus["grand-og"]
    ws = r.classeur("materiels")[FEUILLE_MATERIELS]
    b = _bloc(ws, "EHPAD Résidence du Parc")
    assert ws.cell(b["finance"], 4).value == 0
    assert "non financé" in ws.cell(b["finance"], 5).value
    assert ws.cell(_bloc(ws, "EHPAD Les Hortensias")["finance"], 4).value.startswith("=MIN(")


# --------------------------------------------------------------------------- texts, numbers, dates


def _textes(wb) -> list[str]:
    return [v for ws in wb.worksheets for ligne in lignes(ws) for v in ligne if isinstance(v, str)]


def _verifier_textes_hostiles(classeurs: dict[str, object]) -> None:
    plan, materiels, planning, saad = (classeurs[s] for s in
                                       ("plan-de-financement", "materiels", "planning", "declaration-heures-saad"))
    for wb in classeurs.values():
        for ws in wb.worksheets:
            assert ws["B2"].value == HOSTILE and ws["B3"].value == FORMULE
    assert HOSTILE in _textes(plan["Coûts du projet"].parent)
    assert FORMULE in [ligne[0] for ligne in lignes(plan["Coûts RH"])]
    assert HOSTILE in [ligne[0] for ligne in lignes(plan["Plan pluriannuel"])]
    assert HOSTILE in [ligne[0] for ligne in lignes(materiels[FEUILLE_MATERIELS])]
    assert FORMULE in [ligne[5] for ligne in lignes(materiels[FEUILLE_MATERIELS])]
    assert HOSTILE in [ligne[0] for ligne in lignes(planning["Projet"])]
    assert FORMULE in [ligne[4] for ligne in lignes(planning["Projet"])]
    assert HOSTILE in [ligne[0] for ligne in lignes(saad[FEUILLE_SAAD])]
    assert FORMULE in [ligne[7] for ligne in lignes(saad[FEUILLE_SAAD])]


def test_caractere_de_controle_remplace_sans_plantage(tmp_path):
    """The model refuses control characters; the renderer still never crashes on one."""
    r = Rendu(_exemple(), tmp_path, "x")
    jalon = next(j for j in r.projet.planning.jalons if j.phase == "conduite_changement")
    jalon.libelle = CONTROLE
    rendre_xlsx("planning", r.projet, r.fin, tmp_path / "p.xlsx")
    ws = load_workbook(tmp_path / "p.xlsx")["Conduite du changement"]
    assert "Contrôle\ufffdcaché" in [ligne[0] for ligne in lignes(ws)]


def test_textes_hostiles_intacts(rendus):
    r = rendus["hostile"]
    _verifier_textes_hostiles({slug: r.classeur(slug) for slug in FICHIERS_XLSX})
    ws = r.classeur("materiels")[FEUILLE_MATERIELS]
    cellule = next(c for ligne in ws.iter_rows() for c in ligne if c.value == FORMULE)
    assert cellule.data_type == "s"  # a text starting with "=" stays a text


@pytest.mark.slow
def test_textes_hostiles_intacts_apres_libreoffice(recalcules):
    _verifier_textes_hostiles({slug: recalcules[("hostile", slug)] for slug in FICHIERS_XLSX})


def test_nombres_et_dates_restent_des_nombres_et_des_dates(rendus):
    r = rendus["exemple"]
    ws = r.classeur("materiels")[FEUILLE_MATERIELS]
    for ligne in ws.iter_rows(min_row=ligne_entete(ws, "Désignation") + 1):
        for c in ligne:
            if c.column in (2, 3, 4) and c.value is not None:
                assert isinstance(c.value, int | float) or str(c.value).startswith("="), c.coordinate
    for ws in r.classeur("planning").worksheets:
        for ligne in ws.iter_rows(min_row=ligne_entete(ws, "Tâche / jalon") + 1, max_col=3, min_col=2):
            for c in ligne:
                assert c.value is None or c.is_date or str(c.value).startswith(("=MIN(", "=MAX(")), c.coordinate
    ws = r.classeur("declaration-heures-saad")[FEUILLE_SAAD]
    entete = ligne_entete(ws, "Nom de la structure")
    assert all(isinstance(ws.cell(entete + 1, c).value, int | float) for c in range(4, 8))


def test_classeurs_sans_donnees(rendus):
    r = rendus["nu"]
    plan = r.classeur("plan-de-financement")
    assert ligne_de(plan["Coûts du projet"], "Aucun poste de coût")
    assert ligne_de(plan["Coûts RH"], "Aucun coût de ressources humaines")
    ws = r.classeur("materiels")[FEUILLE_MATERIELS]
    assert ligne_de(ws, "Aucun financement de matériel demandé")


@pytest.mark.slow
def test_plan_sans_couts_recalcule(rendus, recalcules):
    """Without costs the aid is balanced by a negative self-financing, and the check stays at 0."""
    r = rendus["nu"]
    ws = recalcules[("nu", "plan-de-financement")]["Plan pluriannuel"]
    col = colonne_montant(ws)
    assert col == 2  # no year: only the total column
    assert ws.cell(ligne_de(ws, "Contrôle : emplois − ressources"), col).value == pytest.approx(0, abs=1e-6)
    assert ws.cell(ligne_de(ws, "Autofinancement"), col).value == pytest.approx(-float(r.fin.totaux["total"]))


def test_phase_sans_jalon_listee_par_render(tmp_path, donnees_exemple, projet_de):
    """A phase without jalons is a marker in its sheet and a text to complete in render's report."""
    from dossier.render.pieces import rendre_dossier

    donnees_exemple["planning"]["jalons"] = [
        j for j in donnees_exemple["planning"]["jalons"] if j["phase"] != "conduite_changement"]
    rapport = rendre_dossier(projet_de(donnees_exemple), tmp_path / "out", selection=["planning"])
    a_completer = [m for m in rapport.marqueurs if m.startswith("jalons de la phase")]
    assert a_completer == ["jalons de la phase « Conduite du changement » du planning (libellé, début, fin, responsable)"]
    ws = load_workbook(tmp_path / "out" / "08-planning-conduite.xlsx")["Conduite du changement"]
    assert ws.cell(ligne_de(ws, "[À COMPLÉTER"), 1).value == f"[À COMPLÉTER : {a_completer[0]}]"
    for nom in ("06-planning-projet.xlsx", "07-planning-deploiement.xlsx"):
        assert not any("[À COMPLÉTER" in v for ligne in lignes(load_workbook(tmp_path / "out" / nom).active)
                       for v in ligne if isinstance(v, str))


# --------------------------------------------------------------------------- one workbook per deposit slot


@pytest.mark.parametrize("modele, feuille", [("planning-projet", "Projet"), ("planning-deploiement", "Déploiement"),
                                             ("planning-conduite", "Conduite du changement")])
def test_un_classeur_par_planning(rendus, modele, feuille):
    wb = rendus["exemple"].classeur(modele)
    assert wb.sheetnames == [feuille]
    assert wb[feuille]["A1"].value == rendus["exemple"].classeur("planning")[feuille]["A1"].value


def test_synthese_du_planning_projet_seul_sur_ses_lignes_repliees(rendus):
    ws = rendus["exemple"].classeur("planning-projet")["Projet"]
    r = ligne_de(ws, "Synthèse : déploiement")
    fin = ligne_de(ws, "Synthèse : conduite du changement") - 1
    assert ws.cell(r, 2).value == f"=MIN(B{r + 1}:B{fin})" and ws.cell(r, 3).value == f"=MAX(C{r + 1}:C{fin})"
    assert ws.cell(r, 4).value == f"=C{r}-B{r}+1"
    for ligne in range(r + 1, fin + 1):
        assert ws.row_dimensions[ligne].hidden and ws.row_dimensions[ligne].outlineLevel == 1
    assert not ws.row_dimensions[r].hidden
    assert ligne_de(ws, "EHPAD Les Tilleuls") > r  # the deployment rows, folded under the synthesis


def test_synthese_du_planning_a_trois_feuilles_renvoie_aux_feuilles(rendus):
    wb = rendus["exemple"].classeur("planning")
    ws, dep = wb["Projet"], wb["Déploiement"]
    premiere = ligne_entete(dep, "Tâche / jalon") + 1
    derniere = ligne_de(dep, "Barres du diagramme") - 2
    r = ligne_de(ws, "Synthèse : déploiement")
    assert ws.cell(r, 2).value == f"=MIN('Déploiement'!B{premiere}:B{derniere})"
    assert ws.cell(r, 3).value == f"=MAX('Déploiement'!C{premiere}:C{derniere})"
    assert not any(ws.row_dimensions[x].hidden for x in range(1, ws.max_row + 1))


@pytest.mark.slow
def test_synthese_du_planning_recalculee(rendus, recalcules):
    r = rendus["exemple"]
    pl = r.projet.planning
    for phase, libelle in (("deploiement", "Synthèse : déploiement"),
                           ("conduite_changement", "Synthèse : conduite du changement")):
        dates = [d for j in pl.jalons if j.phase == phase for d in (j.debut, j.fin)]
        if phase == "deploiement":
            dates += [d for v in pl.vagues for d in (v.debut, v.fin) if any(e.vague == v.numero for e in r.projet.essms)]
        for modele in ("planning", "planning-projet"):
            ws = recalcules[("exemple", modele)]["Projet"]
            ligne = ligne_de(ws, libelle)
            assert (en_date(ws.cell(ligne, 2).value), en_date(ws.cell(ligne, 3).value)) == (min(dates), max(dates))


# --------------------------------------------------------------------------- plan de financement that holds


@pytest.mark.slow
@pytest.mark.parametrize("variante", ["exemple", "aides-superieures", "hostile"])
def test_ressources_par_annee_egales_a_l_aide_au_centime(rendus, recalcules, variante):
    r = rendus[variante]
    ws = recalcules[(variante, "plan-de-financement")]["Plan pluriannuel"]
    col = colonne_montant(ws)
    aide = ligne_de(ws, "Total de l'aide ESMS numérique")
    par_annee = [ws.cell(aide, c).value or 0 for c in range(2, col)]
    total = Decimal(str(ws.cell(aide, col).value)).quantize(Decimal("0.01"))
    assert total == r.fin.totaux["total"]
    avance = Decimal(str(ws.cell(ligne_de(ws, "dont avance"), col).value)).quantize(Decimal("0.01"))
    assert avance == r.fin.avance
    if dates_projet(r.projet).fin_projet:
        assert Decimal(str(sum(par_annee))).quantize(Decimal("0.01")) == r.fin.totaux["total"]
        annees = [ws.cell(ligne_de(ws, "Ressources"), c).value for c in range(2, col)]
        assert par_annee[annees.index(r.projet.planning.debut.year)] == pytest.approx(float(r.fin.avance), abs=0.001)
    else:  # the balance's year is unknown: a marker, and only the advance is placed in a year
        assert Decimal(str(sum(par_annee))).quantize(Decimal("0.01")) == r.fin.avance
        assert "[À COMPLÉTER : date de fin du projet" in ws.cell(ligne_de(ws, "dont solde"), 1).value


def test_aides_superieures_aux_couts_controle_en_rouge(rendus):
    ws = rendus["aides-superieures"].classeur("plan-de-financement")["Plan pluriannuel"]
    col = colonne_montant(ws)
    controle = ws.cell(ligne_de(ws, "Contrôle : emplois − ressources"), col).coordinate
    auto = ws.cell(ligne_de(ws, "Autofinancement"), col).coordinate
    regles = {str(plage.sqref): [regle for regle in plage.rules] for plage in ws.conditional_formatting}
    assert regles[controle][0].formula == [f"OR(ROUND({controle},2)<>0,{auto}<0)"]
    assert regles[controle][0].dxf.fill.fgColor.rgb.endswith("F4B6B6")
    assert marqueurs_xlsx("plan-de-financement", rendus["aides-superieures"].projet) == [
        "date de fin du projet (année de la demande et du versement du solde)"]
    assert marqueurs_xlsx("plan-de-financement", rendus["exemple"].projet) == []


@pytest.mark.slow
def test_aides_superieures_aux_couts_recalcule(recalcules):
    ws = recalcules[("aides-superieures", "plan-de-financement")]["Plan pluriannuel"]
    col = colonne_montant(ws)
    assert ws.cell(ligne_de(ws, "Autofinancement"), col).value < 0
    ligne = ligne_de(ws, "Contrôle : emplois − ressources")
    assert ws.cell(ligne + 1, 1).value.startswith("Aides supérieures aux coûts")
    repartition = ligne_de(ws, "Total de l'autofinancement")
    assert ws.cell(repartition, col).value == 0  # nothing left to share
    ws = recalcules[("exemple", "plan-de-financement")]["Plan pluriannuel"]
    assert ws.cell(ligne_de(ws, "Contrôle : emplois − ressources") + 1, 1).value in (None, "")


@pytest.mark.slow
def test_repartition_de_l_autofinancement_par_og(rendus, recalcules):
    r = rendus["exemple"]
    ws = recalcules[("exemple", "plan-de-financement")]["Plan pluriannuel"]
    col = colonne_montant(ws)
    auto = ws.cell(ligne_de(ws, "Autofinancement"), col).value
    compte = {og.id: sum(e.organisme == og.id for e in r.projet.essms) for og in r.projet.organismes}
    montants = []
    for og in r.projet.organismes:
        ligne = ligne_de(ws, og.raison_sociale)
        assert ws.cell(ligne, col - 1).value == pytest.approx(compte[og.id] / len(r.projet.essms))
        montants.append(ws.cell(ligne, col).value)
    assert sum(montants) == pytest.approx(auto, abs=0.001)
    assert ws.cell(ligne_de(ws, "Total de l'autofinancement"), col).value == pytest.approx(auto, abs=0.001)
    assert "au prorata du nombre d'ESSMS" in ws.cell(ligne_de(ws, "Répartition au prorata"), 1).value


def test_repartition_declaree_de_l_autofinancement(tmp_path):
    d = _exemple()
    ids = [og["id"] for og in d["organismes"]]
    d["couts"]["repartition_autofinancement"] = [{"organisme": i, "part": p} for i, p in zip(ids, (0.5, 0.3, 0.2))]
    r = Rendu(d, tmp_path, "parts")
    ws = r.classeur("plan-de-financement")["Plan pluriannuel"]
    col = colonne_montant(ws)
    parts = [ws.cell(ligne_de(ws, og.raison_sociale), col - 1).value for og in r.projet.organismes]
    assert parts == [0.5, 0.3, 0.2][:len(parts)]
    assert ligne_de(ws, "Répartition selon la répartition arrêtée entre les organismes")


# --------------------------------------------------------------------------- SAAD, plumbing, page breaks


def test_saad_certifie_exact_par_og(rendus):
    r = rendus["exemple"]
    ws = r.classeur("declaration-heures-saad")[FEUILLE_SAAD]
    ogs = {e.organisme for e in r.projet.essms if e.heures_saad}
    assert ogs
    for og_id in ogs:
        og = r.projet.organisme(og_id)
        ligne = ligne_de(ws, f"Certifié exact — {og.raison_sociale}")
        assert [(ws.cell(ligne + i, 1).value, ws.cell(ligne + i, 2).value) for i in range(1, 5)] == [
            ("Nom", og.representant.nom), ("Fonction", og.representant.fonction),
            ("Date", None), ("Signature et cachet", None)]
        assert ws.row_dimensions[ligne + 4].height >= 40


@pytest.mark.slow
def test_pourcentages_a_la_francaise_dans_le_pdf(rendus, tmp_path):
    """LibreOffice prints « 80,8 % » (comma, space before the sign)."""
    import subprocess

    from pypdf import PdfReader

    if not libreoffice.SOFFICE:
        pytest.skip(libreoffice.RAISON_ABSENT)
    source = rendus["exemple"].fichiers["declaration-heures-saad"]
    subprocess.run([libreoffice.SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=300)
    texte = "".join(page.extract_text() for page in PdfReader(tmp_path / (source.stem + ".pdf")).pages)
    assert "80,8\u00a0%" in texte or "80,8 %" in texte


PLOMBERIE = re.compile(r"\b(couts|planning|essms|porteur|depot|organismes|gouvernance)(\[\])?\.[a-z_]+|\[\]\.|\bMIN\(|\bMAX\(")


@pytest.mark.parametrize("variante", list(VARIANTES))
def test_aucune_plomberie_dans_les_textes(rendus, variante):
    for slug in FICHIERS_XLSX:
        for ws in rendus[variante].classeur(slug).worksheets:
            for ligne in ws.iter_rows():
                for c in ligne:
                    if isinstance(c.value, str) and c.data_type != "f":
                        assert not PLOMBERIE.search(c.value), (slug, ws.title, c.coordinate, c.value)


def test_les_blocs_de_materiel_et_les_totaux_ne_sont_jamais_coupes(tmp_path):
    """Many equipped ESSMS: page breaks fall between ESSMS blocks, and the grand totals stay with
    the last block."""
    d = _exemple()
    modele = next(e["materiel"] for e in d["essms"] if e.get("materiel"))
    for e in d["essms"]:
        e["materiel"] = copy.deepcopy(modele)
    r = Rendu(d, tmp_path, "beaucoup")
    ws = r.classeur("materiels")[FEUILLE_MATERIELS]
    titres = [x for x in range(1, ws.max_row + 1) if str(ws.cell(x, 1).value).count("— FINESS ET")]
    sauts = [b.id for b in ws.row_breaks.brk]
    assert sauts and not ws.sheet_properties.pageSetUpPr.fitToPage
    debuts = {t - 1 for t in titres}  # a break just before a block's title row
    assert set(sauts) <= debuts
    assert sauts[-1] <= titres[-1] - 1  # the totals are after the last block, on its page


def test_quadrillage_des_mois_seulement_jusqu_au_seuil(tmp_path, monkeypatch):
    """Every month cell of a task row carries the Gantt grid style; past LIGNES_QUADRILLEES rows (a
    sheet of thousands of ESSMS) the grid is left out, the bars stay (conditional formatting) and a
    note says so."""
    from dossier.model import charger_projet
    from dossier.render.classeurs import planning

    projet = charger_projet(fabrique.EXEMPLE)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    for seuil, quadrille in ((planning.LIGNES_QUADRILLEES, True), (5, False)):
        monkeypatch.setattr(planning, "LIGNES_QUADRILLEES", seuil)
        dest = tmp_path / f"deploiement-{seuil}.xlsx"
        rendre_xlsx("planning-deploiement", projet, fin, dest)
        ws = load_workbook(dest)["Déploiement"]
        r = ligne_de(ws, "EHPAD Les Tilleuls")
        styles = {ws.cell(r, c).style for c in range(6, ws.max_column + 1)}
        assert (styles == {"gantt"}) is quadrille, styles
        assert ws.conditional_formatting, "les barres restent"
        note = any(isinstance(c.value, str) and "quadrillage des mois n'est pas tracé" in c.value
                   for ligne in ws.iter_rows() for c in ligne)
        assert note is not quadrille
