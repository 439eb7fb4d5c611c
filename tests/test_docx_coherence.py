"""The generated pieces agree with each other and with the project (issue 20, items 2 to 8 and 16).

References follow the project's campaign and région, one set of project dates everywhere, the balance
in the year of the project's end, findings for the author outside the pieces, INSEE départements,
SAAD rows and totals with one format, French no-break spaces and signatory wording.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

import fabrique
from dossier.cli import main
from dossier.dates_projet import dates_projet
from dossier.campaigns import charger_campagne
from dossier.model import charger_projet
from dossier.rules.profil_depot import choisir_profil, profil_du_projet
from dossier.profiles import charger_profil
from dossier.render.pieces import rendre_dossier
from dossier.rules import verifier_recevabilite
from test_docx import texte_de

EXEMPLES = fabrique.RACINE / "examples"
NORMANDIE = EXEMPLES / "normandie-2023-acquisition.json"
OUTRE_MER = EXEMPLES / "outre-mer-8-essms.json"
MISE_A_NIVEAU = EXEMPLES / "mise-a-niveau-2022.json"
NBSP = "\u00a0"


def lancer(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    sortie = capsys.readouterr()
    return code, sortie.out + sortie.err


@pytest.fixture(scope="module")
def rendus(tmp_path_factory) -> dict[str, tuple]:
    """{name: (project, folder, report)}: the three examples and the La Réunion 2023 and Normandie 2022
    variants, each rendered with the profile it names or the one chosen for it."""
    projets = {chemin.stem: charger_projet(chemin) for chemin in (NORMANDIE, OUTRE_MER, MISE_A_NIVEAU)}
    projets["la-reunion-2023"] = fabrique.projet_de(fabrique.variante_la_reunion_2023())
    projets["normandie-2022"] = fabrique.projet_de(fabrique.variante_normandie_2022())
    resultat = {}
    for nom, projet in projets.items():
        dossier = tmp_path_factory.mktemp(nom)
        resultat[nom] = (projet, dossier, rendre_dossier(projet, dossier))
    return resultat


def fichier(dossier: Path, slug: str) -> Path:
    return next(dossier.glob(f"[0-9][0-9]-{slug}.*"))


def textes_word(dossier: Path) -> dict[str, str]:
    return {f.name: texte_de(f) for f in sorted(dossier.glob("*.docx"))}


def textes_classeur(chemin: Path) -> list[str]:
    wb = load_workbook(chemin)
    return [str(c.value) for ws in wb.worksheets for ligne in ws.iter_rows() for c in ligne if c.value is not None]


# --------------------------------------------------------------------------- item 2: references, profiles


def test_anciens_noms_de_profil_admis():
    assert charger_profil("cnsa-2023").nom == "kit-idf-2023"
    assert charger_profil("normandie-2023").nom == "aap-normandie-2023"
    assert charger_projet(NORMANDIE).depot.profil == "normandie-2023"  # the example keeps working unchanged
    assert profil_du_projet(charger_projet(NORMANDIE)).nom == "aap-normandie-2023"


@pytest.mark.parametrize("nom", ["outre-mer-8-essms", "la-reunion-2023", "normandie-2022", "mise-a-niveau-2022"])
def test_les_pieces_ne_citent_pas_l_appel_d_une_autre_region_ou_campagne(rendus, nom):
    projet, dossier, _ = rendus[nom]
    instruction = charger_campagne(projet.campagne).sources["instruction"]
    textes = textes_word(dossier)
    for nom_fichier, texte in textes.items():
        assert instruction in texte, nom_fichier
        assert "Île-de-France" not in texte and "Kit ESMS" not in texte, nom_fichier
        assert "appel à projets ESMS numérique 2023" not in texte, nom_fichier
        assert "annexe 1 de l'appel à projets" not in texte, nom_fichier
    for classeur in dossier.glob("*.xlsx"):
        assert not any("annexe 1 de l'AAP" in t or "Île-de-France" in t for t in textes_classeur(classeur))


def test_le_projet_normand_2023_cite_son_appel(rendus):
    _, dossier, _ = rendus["normandie-2023-acquisition"]
    note = texte_de(fichier(dossier, "note-de-presentation"))
    assert f"ARS Normandie, appel à projets ESMS numérique 2023, annexe 2" in note


def test_checklist_dit_d_ou_vient_la_liste(rendus, capsys):
    code, texte = lancer(capsys, "checklist", rendus["outre-mer-8-essms"][1], "--projet", OUTRE_MER, "--json")
    document = json.loads(texte)
    assert document["profil"] == "kit-idf-2023"
    assert document["origine_liste"].startswith("liste établie d'après « ARS Île-de-France, Kit ESMS numérique")
    assert document["origine_liste"].endswith(": à confirmer auprès de l'ARS La Réunion")
    code, texte = lancer(capsys, "checklist", rendus["normandie-2023-acquisition"][1], "--projet", NORMANDIE, "--json")
    assert "origine_liste" not in json.loads(texte)
    code, texte = lancer(capsys, "checklist", rendus["mise-a-niveau-2022"][1], "--projet", MISE_A_NIVEAU)
    assert "à confirmer auprès de l'ARS Normandie" in " ".join(texte.split())


def _controle(projet, id_):
    return next(c for c in verifier_recevabilite(projet, charger_campagne(projet.campagne)) if c.id == id_)


def test_check_alerte_sur_un_profil_d_une_autre_campagne_ou_region():
    c = _controle(charger_projet(MISE_A_NIVEAU), "profil-depot")  # 2022 project, profile of the 2023 call
    assert c.niveau == "alerte" and not c.ok
    assert "campagne 2023" in c.message and "campagne 2022" in c.message
    d = fabrique.charger()
    d["depot"]["profil"] = "cnsa-2023"  # a Normandie 2023 project on the default list
    c = _controle(fabrique.projet_de(d), "profil-depot")
    assert not c.ok and "l'ARS Normandie a sa propre liste" in c.message and "aap-normandie-2023" in c.message
    d = fabrique.charger(OUTRE_MER)
    d["depot"]["profil"] = "normandie-2023"  # La Réunion project on the Normandie list
    c = _controle(fabrique.projet_de(d), "profil-depot")
    assert not c.ok and "l'ARS Normandie" in c.message and "l'ARS La Réunion" in c.message
    assert _controle(charger_projet(NORMANDIE), "profil-depot").ok
    assert _controle(charger_projet(OUTRE_MER), "profil-depot").ok


# --------------------------------------------------------------------------- item 3: profile chosen


def test_profil_choisi_d_apres_region_et_campagne(rendus):
    assert choisir_profil("2023", "Normandie").nom == "aap-normandie-2023"
    assert choisir_profil("2022", "Normandie").nom == "kit-idf-2023"
    assert choisir_profil("2023", "La Réunion").nom == "kit-idf-2023"
    d = fabrique.charger()
    del d["depot"]["profil"]
    projet = fabrique.projet_de(d)
    assert projet.depot.profil is None and profil_du_projet(projet).nom == "aap-normandie-2023"
    d["depot"]["profil"] = ""  # an empty fiche cell
    assert profil_du_projet(fabrique.projet_de(d)).nom == "aap-normandie-2023"
    assert fichier(rendus["la-reunion-2023"][1], "convention").name == "03-convention.docx"  # kit list
    assert not list(rendus["normandie-2022"][1].glob("*attestation-mutualisation*"))


def test_init_ne_fige_pas_le_profil(tmp_path, capsys):
    code, texte = lancer(capsys, "init", tmp_path / "p.json", "--region", "Normandie")
    assert code == 0 and "aap-normandie-2023" in texte
    assert json.loads((tmp_path / "p.json").read_text("utf-8"))["depot"]["profil"] is None


# --------------------------------------------------------------------------- item 4: one set of dates


def test_une_seule_fin_de_projet_dans_toutes_les_pieces(rendus):
    projet, dossier, _ = rendus["normandie-2023-acquisition"]
    dates = dates_projet(projet)
    assert (dates.debut.isoformat(), dates.fin_deploiement.isoformat(), dates.fin_projet.isoformat()) == (
        "2023-09-01", "2025-01-31", "2025-06-30")
    periode = "du 1er septembre 2023 au 30 juin 2025"
    for slug in ("attestation-mutualisation", "strategie-deploiement"):
        texte = " ".join(texte_de(fichier(dossier, slug)).split())
        assert periode in texte, slug
        assert "fin du déploiement le 31 janvier 2025" in texte or "le déploiement s'achève le 31 janvier 2025" in texte
        assert "du 1er septembre 2023 au 31 janvier 2025" not in texte, slug
    convention = " ".join(texte_de(fichier(rendus["outre-mer-8-essms"][1], "convention")).split())
    assert "court du 1er septembre 2023 au 30 avril 2025 (fin du déploiement le 20 décembre 2024" in convention
    for slug in ("planning-projet", "planning-deploiement", "planning-conduite"):
        ws = load_workbook(fichier(dossier, slug)).worksheets[0]
        ligne = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Période du projet")
        assert (ws.cell(ligne, 2).value.date(), ws.cell(ligne, 3).value.date()) == (dates.debut, dates.fin_projet)


# --------------------------------------------------------------------------- item 5: balance year


def test_solde_dans_l_annee_de_fin_du_projet(rendus):
    projet, dossier, _ = rendus["outre-mer-8-essms"]
    assert dates_projet(projet).fin_projet.year == 2025 and projet.planning.fin_deploiement.year == 2024
    ws = load_workbook(fichier(dossier, "plan-de-financement"))["Plan pluriannuel"]
    ligne = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("dont solde"))
    entete = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Ressources")
    annees = {ws.cell(entete, c).value: c for c in range(2, ws.max_column + 1) if isinstance(ws.cell(entete, c).value, int)}
    assert str(ws.cell(ligne, annees[2025]).value).startswith("=")  # the balance is booked in 2025
    assert ws.cell(ligne, annees[2024]).value is None


# --------------------------------------------------------------------------- item 6: findings outside pieces


def test_jalons_cnsa_absents_hors_des_pieces(rendus, capsys):
    projet, dossier, rapport = rendus["mise-a-niveau-2022"]
    assert rapport.constats and "choix de la solution" in rapport.constats[0]
    for classeur in dossier.glob("*.xlsx"):
        assert not any("Jalons CNSA absents" in t or "à ajouter" in t for t in textes_classeur(classeur))
    c = _controle(projet, "jalons-cnsa")
    assert c.niveau == "alerte" and not c.ok and "choix de la solution" in c.message
    code, texte = lancer(capsys, "render", MISE_A_NIVEAU, "-o", dossier, "--force")
    assert code == 1
    assert "1 texte(s) à compléter" in texte and "aucun texte à compléter" not in texte
    assert "jalons CNSA absents du planning" in " ".join(texte.split())
    assert rendus["normandie-2023-acquisition"][2].constats == []


# --------------------------------------------------------------------------- item 7: INSEE département


def test_departement_outre_mer_code_insee_et_nom(rendus):
    _, dossier, _ = rendus["outre-mer-8-essms"]
    note = texte_de(fichier(dossier, "note-de-presentation"))
    assert "(9704)" not in note
    assert f"situés dans 1{NBSP}département (974{NBSP}– La Réunion)" in " ".join(note.split(" \n"))
    doc = Document(str(fichier(dossier, "note-de-presentation")))
    table = next(t for t in doc.tables if "Dép." in [c.text for c in t.rows[0].cells])
    col = [c.text for c in table.rows[0].cells].index("Dép.")
    assert {r.cells[col].text for r in table.rows[1:]} == {"974"}


# --------------------------------------------------------------------------- item 8: SAAD rows and totals


def test_saad_lignes_et_total_au_meme_format(rendus):
    _, dossier, _ = rendus["outre-mer-8-essms"]
    ws = load_workbook(fichier(dossier, "declaration-heures-saad")).worksheets[0]
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Total")
    ligne = next(r for r in range(1, total) if ws.cell(r, 7).value == 1875.5)
    assert ws.cell(ligne, 7).number_format.endswith("#,##0.00")
    assert ws.cell(total, 7).number_format == ws.cell(ligne, 7).number_format
    assert ws.cell(ligne, 4).number_format == ws.cell(total, 4).number_format  # whole hours: both without decimals


# --------------------------------------------------------------------------- item 16: French typography


def test_espaces_insecables_et_qualite_du_signataire(rendus):
    _, dossier, _ = rendus["normandie-2023-acquisition"]
    lettre = texte_de(fichier(dossier, "lettre-engagement"))
    assert f"au projet «{NBSP}" in lettre and f"{NBSP}»" in lettre
    assert "agissant en qualité de vice-président du CCAS de Vire Normandie, confirme" in lettre
    assert "Vice-président" not in lettre.split("Fait à")[0].split("agissant en qualité de")[-1]
    assert "l'organisme gestionnaire CCAS" not in lettre
    attestation = texte_de(fichier(dossier, "attestation-mutualisation"))
    assert f"9{NBSP}ESSMS, porteur du projet{NBSP};" in attestation
    assert f"Le projet réunit les organismes gestionnaires suivants{NBSP}:" in attestation
    convention = " ".join(texte_de(fichier(rendus["outre-mer-8-essms"][1], "convention")).split())
    assert "ayant pour représentant légal M. Jean-Marc Payet, directeur général, dûment" in convention
    ws = load_workbook(fichier(dossier, "planning-projet")).worksheets[0]
    ligne = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Période du projet")
    assert '"du "' in ws.cell(ligne, 2).number_format and '"au "' in ws.cell(ligne, 3).number_format


def test_synthese_financiere_gardee_avec_la_suite(rendus):
    _, dossier, _ = rendus["normandie-2023-acquisition"]
    doc = Document(str(fichier(dossier, "note-de-presentation")))
    paragraphes = doc.paragraphs
    i = next(i for i, p in enumerate(paragraphes) if p.text == "7. Synthèse financière")
    assert paragraphes[i + 1].paragraph_format.keep_with_next  # the heading, its paragraph and the table
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Organisme gestionnaire"
                 and "Pilotage (AMOA, SAD)" in [c.text for c in t.rows[0].cells])
    largeur = table.columns[1].width or table.rows[0].cells[1].width
    assert largeur.cm >= 1.6  # « ESSMS » on one line, not « ESS/MS »


def test_validate_dit_le_profil_choisi_et_l_ecart(tmp_path, capsys):
    fichier = fabrique.ecrire(tmp_path / "la-reunion.json", fabrique.variante_la_reunion_2023())
    code, texte = lancer(capsys, "validate", fichier)
    assert code == 0
    assert "profil de dépôt : kit-idf-2023, choisi d'après la région La Réunion et la campagne 2023" in texte
    code, texte = lancer(capsys, "validate", MISE_A_NIVEAU)
    texte = " ".join(texte.split())
    assert code == 0 and "ALERTE profil-depot : le profil « normandie-2023 » est la liste de la campagne 2023" in texte


def test_fiche_sans_profil_le_projet_suit_la_region(tmp_path, capsys):
    code, texte = lancer(capsys, "init", tmp_path / "fiche.xlsx", "--fiche", "--region", "Normandie")
    assert code == 0 and "aap-normandie-2023" in texte
    ws = load_workbook(tmp_path / "fiche.xlsx")
    valeurs = [str(c.value) for f in ws.worksheets for ligne in f.iter_rows() for c in ligne if c.value is not None]
    assert not any(v in ("cnsa-2023", "kit-idf-2023", "normandie-2023", "aap-normandie-2023") for v in valeurs)
