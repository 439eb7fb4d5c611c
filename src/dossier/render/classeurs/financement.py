"""The plan de financement workbook: « Coûts du projet », « Coûts RH », « Plan pluriannuel ».

Aid figures are written as numbers taken from ``Financement``; everything derived from them (total,
advance and balance, their years) or from the project's costs is a live formula. The advance is
``ROUND(total × rate; 2)`` and the balance the rest, as ``Financement`` computes them; a negative
self-financing (aid above costs) turns the control cell red.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...dates_projet import dates_projet
from ...model import Projet
from ...rules import Financement, parts_autofinancement
from ..contextes.commun import MARQUEUR
from ...francais import montant, nombre
from .commun import (
    en_tetes, entete, ecrire, formule, largeur_texte, largeurs, libelle_tva, ligne_styles, note, reference_feuille,
    somme_ligne)
from .impression import mise_en_page

FEUILLES_FINANCEMENT = ("Coûts du projet", "Coûts RH", "Plan pluriannuel")

NATURES = {
    "logiciel": "Logiciel",
    "materiel": "Matériel",
    "prestations": "Prestations",
    "amoa": "AMOA / pilotage",
    "formation": "Formation",
    "reprise_donnees": "Reprise de données",
    "autre": "Autre",
}


def _annees(projet: Projet) -> list[int]:
    c = projet.couts
    if c is None:
        return []
    annees = {p.annee for p in c.postes or []} | {a for r in c.rh or [] for a in r.annees}
    return sorted(annees)



def construire_plan_de_financement(wb: Workbook, projet: Projet, fin: Financement) -> None:
    annees = _annees(projet)
    couts = _feuille_couts(wb.create_sheet(FEUILLES_FINANCEMENT[0]), projet)
    rh = _feuille_rh(wb.create_sheet(FEUILLES_FINANCEMENT[1]), projet, annees)
    _feuille_plan(wb.create_sheet(FEUILLES_FINANCEMENT[2]), projet, fin, _annees_du_plan(projet, annees), couts, rh)


@dataclass(frozen=True)
class _PlageCouts:
    premiere: int
    derniere: int
    total: int


def _feuille_couts(ws: Worksheet, projet: Projet) -> _PlageCouts:
    ligne = entete(ws, "Plan de financement — coûts du projet", projet)
    note(ws, ligne, libelle_tva(projet) + " Coûts de ressources humaines : feuille « Coûts RH ».", 4)
    ligne_entete = ligne + 1
    en_tetes(ws, ligne_entete, ("Poste", "Nature", "Année", "Montant"))
    postes = list(projet.couts.postes or []) if projet.couts else []
    premiere = ligne_entete + 1
    for n, p in enumerate(postes):
        r = premiere + n
        ecrire(ws, r, 1, p.libelle, "texte")
        ecrire(ws, r, 2, NATURES[p.nature], "texte")
        ecrire(ws, r, 3, p.annee, "annee")
        ecrire(ws, r, 4, p.montant, "montant")
    if not postes:
        ecrire(ws, premiere, 1, "Aucun poste de coût renseigné", "texte")
        ligne_styles(ws, premiere, 2, 4, "vide")
    derniere = premiere + max(len(postes), 1) - 1
    validation = DataValidation(type="list", formula1='"' + ",".join(NATURES.values()) + '"', allow_blank=True)
    validation.error = "Nature de coût : " + ", ".join(NATURES.values())
    ws.add_data_validation(validation)
    validation.add(f"B{premiere}:B{derniere}")
    total = derniere + 1
    ecrire(ws, total, 1, "Total des coûts du projet", "total")
    ligne_styles(ws, total, 2, 3, "total")
    formule(ws, total, 4, f"=SUM(D{premiere}:D{derniere})", "total-montant")

    plage_annee, plage_nature, plage_montant = (f"${c}${premiere}:${c}${derniere}" for c in "CBD")
    r = total + 2
    for titre, criteres, plage, style in (
        ("Total par année", sorted({p.annee for p in postes}), plage_annee, "annee-gauche"),
        ("Total par nature", list(NATURES.values()), plage_nature, "texte"),
    ):
        en_tetes(ws, r, (titre, "", "", "Montant"))
        debut = r + 1
        for critere in criteres:
            r += 1
            ecrire(ws, r, 1, critere, style)
            ligne_styles(ws, r, 2, 3, "vide")
            formule(ws, r, 4, f"=SUMIF({plage},A{r},{plage_montant})", "montant")
        r += 1
        ecrire(ws, r, 1, "Total", "total")
        ligne_styles(ws, r, 2, 3, "total")
        formule(ws, r, 4, f"=SUM(D{debut}:D{r - 1})" if criteres else "=0", "total-montant")
        r += 2

    largeurs(ws, {1: largeur_texte([p.libelle for p in postes] + ["Total des coûts du projet"], 30, 60),
                   2: 20, 3: 9, 4: 16})
    mise_en_page(ws, ligne_entete, premiere, 4)
    return _PlageCouts(premiere, derniere, total)


def _feuille_rh(ws: Worksheet, projet: Projet, annees: list[int]) -> dict[int, str]:
    """Returns, per year, the cell (A1 reference) of that year's total of HR costs."""
    ligne = entete(ws, "Plan de financement — coûts des ressources humaines", projet)
    note(ws, ligne, libelle_tva(projet) + " Le coût annuel est celui de la fonction à l'ETP indiqué "
          "(il n'est pas multiplié par l'ETP) ; il est compté pour chaque année listée.", 5 + len(annees))
    ligne_entete = ligne + 1
    en_tetes(ws, ligne_entete, ("Fonction", "ETP", "Coût annuel (à cet ETP)", "Années"))
    premiere_annee = 5
    for i, annee in enumerate(annees):
        ecrire(ws, ligne_entete, premiere_annee + i, annee, "entete-cout-annee")
    col_total = premiere_annee + len(annees)
    ecrire(ws, ligne_entete, col_total, "Total", "entete")
    postes = list(projet.couts.rh or []) if projet.couts else []
    premiere = ligne_entete + 1
    for n, p in enumerate(postes):
        r = premiere + n
        ecrire(ws, r, 1, p.fonction, "texte")
        ecrire(ws, r, 2, p.etp, "etp")
        ecrire(ws, r, 3, p.cout_annuel, "montant")
        ecrire(ws, r, 4, ", ".join(str(a) for a in sorted(p.annees)), "code")
        for i in range(len(annees)):
            c = get_column_letter(premiere_annee + i)
            formule(ws, r, premiere_annee + i, f"=IF(ISNUMBER(SEARCH({c}${ligne_entete},$D{r})),$C{r},0)", "montant")
        formule(ws, r, col_total, somme_ligne(r, premiere_annee, col_total - 1), "montant")
    if not postes:
        ecrire(ws, premiere, 1, "Aucun coût de ressources humaines renseigné", "texte")
        ligne_styles(ws, premiere, 2, col_total, "vide")
    derniere = premiere + max(len(postes), 1) - 1
    total = derniere + 1
    ecrire(ws, total, 1, "Total des coûts RH", "total")
    ligne_styles(ws, total, 2, 4, "total")
    for col in range(premiere_annee, col_total + 1):
        c = get_column_letter(col)
        formule(ws, total, col, f"=SUM({c}{premiere}:{c}{derniere})", "total-montant")
    largeurs(ws, {1: largeur_texte([p.fonction for p in postes] + ["Total des coûts RH"], 30, 55),
                   2: 7, 3: 16, 4: largeur_texte([", ".join(map(str, p.annees)) for p in postes], 12, 30)})
    largeurs(ws, {col: 15 for col in range(premiere_annee, col_total + 1)})
    mise_en_page(ws, ligne_entete, premiere, col_total)
    return {annee: f"{get_column_letter(premiere_annee + i)}{total}" for i, annee in enumerate(annees)}



def _annees_du_plan(projet: Projet, annees: list[int]) -> list[int]:
    """Years of the pluriannual sheet: those of the costs, and those of the advance and the balance."""
    dates = dates_projet(projet)
    versements = {d.year for d in (dates.debut, dates.fin_projet) if d}
    return sorted(set(annees) | versements)


def marqueurs_financement(projet: Projet) -> list[str]:
    """What the ``[À COMPLÉTER : …]`` markers of the pluriannual sheet ask for (``render`` lists them)."""
    dates = dates_projet(projet)
    return [quoi for quoi, date in ((_DEBUT_MANQUANT, dates.debut), (_FIN_MANQUANTE, dates.fin_projet)) if not date]


_DEBUT_MANQUANT = "date de début du projet (année de versement de l'avance)"
_FIN_MANQUANTE = "date de fin du projet (année de la demande et du versement du solde)"


def _feuille_plan(ws: Worksheet, projet: Projet, fin: Financement, annees: list[int], couts: _PlageCouts,
                  rh: dict[int, str]) -> None:
    ligne = entete(ws, "Plan de financement pluriannuel", projet)
    t = fin.totaux
    col_total = 2 + len(annees)
    note(ws, ligne, libelle_tva(projet) + f" Aide ESMS numérique calculée selon les règles de la campagne "
         f"{fin.campagne.annee} : {montant(t['total'])}.", col_total)
    ligne_entete = ligne + 1
    lt = get_column_letter(col_total)
    colonne_annee = {annee: 2 + i for i, annee in enumerate(annees)}
    en_tetes(ws, ligne_entete, ("Emplois",))
    for annee, col in colonne_annee.items():
        ecrire(ws, ligne_entete, col, annee, "entete-annee")
    ecrire(ws, ligne_entete, col_total, "Total", "entete")

    feuille_couts = reference_feuille(FEUILLES_FINANCEMENT[0])
    feuille_rh = reference_feuille(FEUILLES_FINANCEMENT[1])
    r_couts, r_rh, r_emplois = ligne_entete + 1, ligne_entete + 2, ligne_entete + 3
    ecrire(ws, r_couts, 1, "Coûts du projet (hors RH)", "texte")
    ecrire(ws, r_rh, 1, "Coûts des ressources humaines", "texte")
    ecrire(ws, r_emplois, 1, "Total des emplois", "total")
    plage = lambda c: f"{feuille_couts}!${c}${couts.premiere}:${c}${couts.derniere}"  # noqa: E731
    for annee, col in colonne_annee.items():
        c = get_column_letter(col)
        formule(ws, r_couts, col, f"=SUMIF({plage('C')},{c}${ligne_entete},{plage('D')})", "montant")
        formule(ws, r_rh, col, f"={feuille_rh}!{rh[annee]}" if annee in rh else "=0", "montant")
        formule(ws, r_emplois, col, f"={c}{r_couts}+{c}{r_rh}", "total-montant")
    for r, style in ((r_couts, "montant"), (r_rh, "montant"), (r_emplois, "total-montant")):
        formule(ws, r, col_total, somme_ligne(r, 2, col_total - 1), style)

    r = r_emplois + 2
    en_tetes(ws, r, ("Ressources",))
    for annee, col in colonne_annee.items():
        ecrire(ws, r, col, annee, "entete-annee")
    ecrire(ws, r, col_total, "Montant", "entete")
    lignes_aide = (
        ("Aide ESMS numérique — forfait usages", t["usages"]),
        ("Aide ESMS numérique — forfait logiciel", t["logiciel"]),
        ("Aide ESMS numérique — matériel (ESSMS de petits organismes gestionnaires)", t["materiel"]),
        ("Aide ESMS numérique — pilotage / AMOA", t["amoa"]),
        ("Aide ESMS numérique — aide à l'achat via le SAD", t["sad"]),
    )
    debut_aide = r + 1
    for libelle, valeur in lignes_aide:
        r += 1
        ecrire(ws, r, 1, libelle, "texte")
        ligne_styles(ws, r, 2, col_total - 1, "vide")
        ecrire(ws, r, col_total, valeur, "montant")
    r_aide, r_avance, r_solde = r + 1, r + 2, r + 3
    ecrire(ws, r_aide, 1, "Total de l'aide ESMS numérique", "total")
    formule(ws, r_aide, col_total, f"=SUM({lt}{debut_aide}:{lt}{r_aide - 1})", "total-montant")
    for col in colonne_annee.values():
        c = get_column_letter(col)
        formule(ws, r_aide, col, f"={c}{r_avance}+{c}{r_solde}", "total-montant")
    dates = dates_projet(projet)  # the balance is paid at the end of the project, not of the deployment
    taux = format(fin.avance_taux, "f")
    pct_avance, pct_solde = nombre(fin.avance_taux * 100), nombre((1 - fin.avance_taux) * 100)
    for r, libelle, total, date, manquant in (
        (r_avance, f"dont avance ({pct_avance} % à la signature de la convention avec l'ARS)",
         f"=ROUND({lt}{r_aide}*{taux},2)", dates.debut, _DEBUT_MANQUANT),
        (r_solde, f"dont solde ({pct_solde} % en fin de projet, selon l'atteinte des cibles d'usage)",
         f"={lt}{r_aide}-{lt}{r_avance}", dates.fin_projet, _FIN_MANQUANTE),
    ):
        ecrire(ws, r, 1, libelle if date else f"{libelle} {MARQUEUR.format(manquant)}", "texte-retrait")
        ligne_styles(ws, r, 2, col_total - 1, "vide")
        formule(ws, r, col_total, total, "montant-retrait")
        if date:
            formule(ws, r, colonne_annee[date.year], f"={lt}{r}", "montant-retrait")
    autres = list(projet.couts.ressources_autres or []) if projet.couts else []
    r = r_solde
    debut_autres = r + 1
    for ressource in autres:
        r += 1
        ecrire(ws, r, 1, ressource.libelle, "texte")
        ligne_styles(ws, r, 2, col_total - 1, "vide")
        ecrire(ws, r, col_total, ressource.montant, "montant")
    somme_autres = f"SUM({lt}{debut_autres}:{lt}{r})" if autres else "0"
    r_auto = r + 1
    ecrire(ws, r_auto, 1, "Autofinancement (solde à la charge des organismes)", "texte")
    ligne_styles(ws, r_auto, 2, col_total - 1, "vide")
    formule(ws, r_auto, col_total, f"={lt}{r_emplois}-{lt}{r_aide}-{somme_autres}", "montant")
    r_ressources = r_auto + 1
    ecrire(ws, r_ressources, 1, "Total des ressources", "total")
    ligne_styles(ws, r_ressources, 2, col_total - 1, "total")
    formule(ws, r_ressources, col_total, f"={lt}{r_aide}+{somme_autres}+{lt}{r_auto}", "total-montant")
    r_controle = r_ressources + 2
    ecrire(ws, r_controle, 1, "Contrôle : emplois − ressources (doit être nul)", "controle")
    ligne_styles(ws, r_controle, 2, col_total - 1, "controle")
    formule(ws, r_controle, col_total, f"={lt}{r_emplois}-{lt}{r_ressources}", "controle-montant")
    _signaler_aides_superieures(ws, f"{lt}{r_controle}", f"{lt}{r_auto}", col_total)
    r = _repartition(ws, projet, r_controle + 3, f"{lt}{r_auto}", col_total)
    note(ws, r + 1, "L'aide ESMS numérique est une subvention forfaitaire unique versée pour "
         f"{pct_avance} % à la signature de la convention (année du début du projet) et pour {pct_solde} % en fin "
         "de projet (année de la fin du projet, bilan et demande de solde) ; les montants de l'aide sont ceux du calcul de financement, "
         "au centime.", col_total)
    libelles = [libelle for libelle, _ in lignes_aide] + [x.libelle for x in autres]
    largeurs(ws, {1: largeur_texte(libelles + ["Contrôle : emplois − ressources (doit être nul)"], 40, 70)})
    largeurs(ws, {col: 15 for col in range(2, max(col_total, 3) + 1)})
    mise_en_page(ws, ligne_entete, ligne_entete + 1, col_total, 2,
                 blocs=[(ligne_entete, r_emplois), (debut_aide - 1, r_ressources), (r_controle, r + 1)])


_ROUGE = PatternFill("solid", fgColor="F4B6B6", bgColor="F4B6B6")


def _signaler_aides_superieures(ws: Worksheet, controle: str, autofinancement: str, col_total: int) -> None:
    """The control cell turns red when uses and resources differ or when the aid exceeds the costs
    (negative self-financing); the row below says why in words."""
    ligne = ws[controle].row + 1
    ws.conditional_formatting.add(controle, FormulaRule(
        formula=[f"OR(ROUND({controle},2)<>0,{autofinancement}<0)"], fill=_ROUGE, font=Font(bold=True, color="9C0006")))
    ws.conditional_formatting.add(autofinancement, FormulaRule(formula=[f"{autofinancement}<0"], fill=_ROUGE))
    formule(ws, ligne, 1, f'=IF({autofinancement}<0,"Aides supérieures aux coûts : l\'autofinancement est négatif ; '
                          f'revoir les coûts ou l\'aide demandée.","")', "note")
    if col_total > 1:
        ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=col_total)


def _repartition(ws: Worksheet, projet: Projet, r: int, autofinancement: str, col_total: int) -> int:
    """The self-financing split between the OG (rounded to the cent, the last one takes the rest);
    returns the last row written."""
    parts, regle = parts_autofinancement(projet)
    col_part, col_montant = (col_total - 1, col_total) if col_total >= 3 else (2, 3)
    noms = {og.id: og.raison_sociale for og in projet.organismes}
    en_tetes(ws, r, ("Répartition de l'autofinancement entre les organismes gestionnaires",))
    ligne_styles(ws, r, 2, col_part - 1, "entete")
    en_tetes(ws, r, ("Part", "Montant"), col_part)
    base = f"MAX({autofinancement},0)"
    premiere = r + 1
    for n, (og_id, part) in enumerate(parts, start=premiere):
        ecrire(ws, n, 1, noms.get(og_id, og_id), "texte")
        ligne_styles(ws, n, 2, col_part - 1, "vide")
        ecrire(ws, n, col_part, part, "pourcent")
        p, m = get_column_letter(col_part), get_column_letter(col_montant)
        dernier = n == premiere + len(parts) - 1
        formule(ws, n, col_montant, f"={base}-SUM({m}{premiere}:{m}{n - 1})" if dernier and n > premiere
                else f"=ROUND({base}*{p}{n},2)", "montant")
    r = premiere + len(parts)
    m = get_column_letter(col_montant)
    ecrire(ws, r, 1, "Total de l'autofinancement", "total")
    ligne_styles(ws, r, 2, col_montant - 1, "total")
    formule(ws, r, col_part, f"=SUM({get_column_letter(col_part)}{premiere}:{get_column_letter(col_part)}{r - 1})",
            "total-pourcent")
    formule(ws, r, col_montant, f"=SUM({m}{premiere}:{m}{r - 1})", "total-montant")
    note(ws, r + 1, f"Répartition {regle} ; montants arrondis au centime, le dernier organisme prend le reste.",
         max(col_total, col_montant))
    return r + 1
