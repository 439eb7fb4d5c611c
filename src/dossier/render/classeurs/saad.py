"""The déclaration des heures SAAD workbook (annexe 1 of the AAP Normandie 2023).

The columns follow the annexe: its column G holds the "heures dépendance hors APA/PCH" and the next
column asks for the type of financing *of column G*.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...model import Organisme, Projet
from ...rules import Financement
from .commun import HEURES_DECIMALES, en_tetes, entete, ecrire, formule, largeur_texte, largeurs, ligne_styles, note
from .impression import mise_en_page

FEUILLE_SAAD = "Déclaration des heures"

#: Columns of annexe 1 of the AAP Normandie 2023 (modèle de déclaration des heures), A to J.
COLONNES_SAAD = (
    "Nom de la structure",
    "FINESS EJ",
    "FINESS ET",
    "Nombre d'heures réalisées par la structure",
    "Heures APA",
    "Heures PCH",
    "Heures dépendance hors APA/PCH",
    "Type de financement (heures de la col. G)",
    "% total activités MS",
    "% total activités de confort",
    "Heures de soins infirmiers (SPASAD)",  # issue 21: nursing hours are eligible, not confort
)


def construire_declaration_saad(wb: Workbook, projet: Projet, fin: Financement) -> None:
    ws = wb.create_sheet(FEUILLE_SAAD)
    ligne = entete(ws, "Déclaration des heures dédiées à l'activité médico-sociale", projet)  # no other call cited
    annee_n1 = int(fin.campagne.annee) - 1
    ecrire(ws, ligne, 1, "Année des heures déclarées (N-1)", "etiquette")
    ecrire(ws, ligne, 2, annee_n1, "valeur-annee")
    declarants = [e for e in projet.essms if e.heures_saad is not None]
    autres_annees = [e for e in declarants if e.heures_saad.annee != annee_n1]
    ligne += 1
    if autres_annees:
        note(ws, ligne, "Heures d'une autre année que N-1 : " + ", ".join(
            f"{e.nom} ({e.heures_saad.annee})" for e in autres_annees) + ".", len(COLONNES_SAAD))
        ligne += 1
    ligne_entete = ligne + 1
    en_tetes(ws, ligne_entete, COLONNES_SAAD)
    ws.row_dimensions[ligne_entete].height = 56
    finess_ej_og = {og.id: og.finess_ej for og in projet.organismes}
    decimales = _colonnes_decimales(declarants)
    premiere = ligne_entete + 1
    for n, e in enumerate(declarants):
        r = premiere + n
        h = e.heures_saad
        ecrire(ws, r, 1, e.nom, "texte")
        ecrire(ws, r, 2, e.finess_ej or finess_ej_og.get(e.organisme, ""), "code")
        ecrire(ws, r, 3, e.finess_et, "code")
        for col, valeur in zip(range(4, 8), _heures(h)):  # one format per column: rows and total agree
            ecrire(ws, r, col, valeur, "heures-decimales" if col in decimales else "heures")
        ecrire(ws, r, 8, h.financement_autres or "", "texte")
        soins = h.soins or 0
        ecrire(ws, r, 11, soins, "heures" if soins == int(soins) else "heures-decimales")
        formule(ws, r, 9, f"=IF(D{r}>0,(E{r}+F{r}+G{r}+K{r})/D{r},\"\")", "pourcent")
        formule(ws, r, 10, f"=IF(D{r}>0,(D{r}-E{r}-F{r}-G{r}-K{r})/D{r},\"\")", "pourcent")
    if not declarants:
        ecrire(ws, premiere, 1, "Aucun ESSMS ne déclare d'heures", "texte")
        ligne_styles(ws, premiere, 2, 11, "vide")
    derniere = premiere + max(len(declarants), 1) - 1
    total = derniere + 1
    ecrire(ws, total, 1, "Total", "total")
    ligne_styles(ws, total, 2, 3, "total")
    for col in range(4, 8):
        c = get_column_letter(col)
        cellule = formule(ws, total, col, f"=SUM({c}{premiere}:{c}{derniere})", "total-heures")
        if col in decimales:
            cellule.number_format = HEURES_DECIMALES
    ecrire(ws, total, 8, "", "total")
    formule(ws, total, 11, f"=SUM(K{premiere}:K{derniere})", "total-heures")
    formule(ws, total, 9, f"=IF(D{total}>0,(E{total}+F{total}+G{total}+K{total})/D{total},\"\")", "total-pourcent")
    formule(ws, total, 10, f"=IF(D{total}>0,(D{total}-E{total}-F{total}-G{total}-K{total})/D{total},\"\")", "total-pourcent")
    r = total + 2
    for texte_note in (
        "% total activités MS : part des heures APA, PCH, dépendance hors APA/PCH et soins infirmiers (SPASAD, "
        "colonne K) dans les heures réalisées ; "
        "% total activités de confort : part des autres heures réalisées.",
        "Les forfaits usages et logiciel de chaque structure sont modulés au prorata de son activité médico-sociale "
        "(les pourcentages affichés sont arrondis, le calcul ne l'est pas).",
    ):
        note(ws, r, texte_note, len(COLONNES_SAAD))
        r += 1
    blocs = [(derniere, total)]  # the total stays with the last declared row
    for og_id in dict.fromkeys(e.organisme for e in declarants):
        blocs.append(_certifie_exact(ws, r + 1, projet.organisme(og_id)))
        r = blocs[-1][1] + 1
    largeurs(ws, {1: largeur_texte([e.nom for e in declarants] + ["Année des heures déclarées (N-1)"], 28, 50),
                   2: 12, 3: 12, 4: 16, 5: 12, 6: 12, 7: 16,
                   8: largeur_texte([e.heures_saad.financement_autres or "" for e in declarants], 24, 48),
                   9: 12, 10: 12, 11: 16})
    mise_en_page(ws, ligne_entete, premiere, len(COLONNES_SAAD), 2, blocs=blocs)


def _heures(h) -> tuple:
    return (h.total, h.apa, h.pch, h.dependance_autres)


def _colonnes_decimales(declarants) -> set[int]:
    """Columns (4 to 7) where a declared number of hours has decimals: the whole column, total included,
    shows two decimals (a row of 1 875,50 h and a total rounded to 1 876 would not agree)."""
    return {col for e in declarants for col, valeur in zip(range(4, 8), _heures(e.heures_saad))
            if valeur is not None and valeur != valeur.to_integral_value()}


#: Rows of the signature block of each OG (label, what is written, height of the row).
_LIGNES_CERTIFIE = ("Nom", "Fonction", "Date", "Signature et cachet")


def _certifie_exact(ws: Worksheet, r: int, og: Organisme) -> tuple[int, int]:
    """The OG's « certifié exact » block (name, function, date, signature); returns its rows."""
    ecrire(ws, r, 1, f"Certifié exact — {og.raison_sociale} (FINESS EJ {og.finess_ej})", "groupe")
    ligne_styles(ws, r, 2, 5, "groupe")
    valeurs = (og.representant.nom, og.representant.fonction, "", "")
    for n, (etiquette, valeur) in enumerate(zip(_LIGNES_CERTIFIE, valeurs), start=r + 1):
        ecrire(ws, n, 1, etiquette, "texte")
        ecrire(ws, n, 2, valeur, "texte")
        ligne_styles(ws, n, 3, 5, "texte")
        ws.merge_cells(start_row=n, start_column=2, end_row=n, end_column=5)
    ws.row_dimensions[r + len(_LIGNES_CERTIFIE)].height = 48
    return r, r + len(_LIGNES_CERTIFIE)


