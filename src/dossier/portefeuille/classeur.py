"""The portfolio as an Excel workbook: one row per project, and totals by région and campaign."""

from __future__ import annotations

import io
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..fichiers import ecrire_atomique
from .analyse import LignePortefeuille, date_fr
from .tableau import Portefeuille

FORMAT_EUROS = '#,##0.00 "€"'
FORMAT_DATE = "DD/MM/YYYY"
ORANGE = PatternFill("solid", start_color="FFE0B2", end_color="FFE0B2")
ROUGE = PatternFill("solid", start_color="F8C7C3", end_color="F8C7C3")
ENTETE = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
SEUIL_ECHEANCE = 30  # days: a deadline this close is coloured


def _liste(valeurs: list[str] | None) -> str | None:
    return None if valeurs is None else ("; ".join(valeurs) or "aucune")


def _oui_non(v: bool | None) -> str | None:
    return None if v is None else ("oui" if v else "non")


#: (header, width, value of a row, number format)
COLONNES = (
    ("Fichier", 32, lambda x: x.fichier, None),
    ("Intitulé", 40, lambda x: x.intitule, None),
    ("Porteur", 30, lambda x: x.porteur, None),
    ("Région", 18, lambda x: x.region, None),
    ("Campagne", 12, lambda x: x.campagne, None),
    ("Guichet", 12, lambda x: x.guichet, None),
    ("ESSMS", 8, lambda x: x.nb_essms, "0"),
    ("Statut", 18, lambda x: x.statut, None),
    ("Bloquant", 11, lambda x: _oui_non(x.bloquant), None),
    ("Prochaine action", 50, lambda x: x.prochaine_action, None),
    ("Valide", 8, lambda x: _oui_non(x.valide) if x.erreur is None else None, None),
    ("Problèmes", 12, lambda x: x.problemes if x.erreur is None else None, "0"),
    ("Recevable", 12, lambda x: _oui_non(x.recevable) if x.valide else None, None),
    ("Erreurs de recevabilité", 12, lambda x: x.erreurs_recevabilite if x.valide else None, "0"),
    ("Alertes de recevabilité", 12, lambda x: x.alertes_recevabilite if x.valide else None, "0"),
    ("Aide totale", 15, lambda x: x.aide_totale, FORMAT_EUROS),
    ("Avance", 15, lambda x: x.avance, FORMAT_EUROS),
    ("Solde", 15, lambda x: x.solde, FORMAT_EUROS),
    ("Date de dépôt prévue", 12, lambda x: x.date_depot, FORMAT_DATE),
    ("Échéance", 12, lambda x: x.echeance, FORMAT_DATE),
    ("Jours restants", 10, lambda x: x.jours_restants, "0"),
    ("Pièces manquantes", 36, lambda x: _liste(x.pieces_manquantes), None),
    ("Pièces à corriger", 30, lambda x: _liste(x.pieces_invalides), None),
    ("À signer", 30, lambda x: _liste(x.a_signer), None),
    ("ESSMS bloquants (FINESS ET)", 24, lambda x: _liste(x.essms_bloquants), None),
    ("Dernière période mesurée", 12, lambda x: x.derniere_periode, None),
    ("Erreur", 40, lambda x: x.erreur or x.erreur_mesures or x.montants_inconnus, None),
)
TITRES = [c[0] for c in COLONNES]


def _lien(ligne: LignePortefeuille, dest: Path) -> str | None:
    """Link to the project file, relative to the workbook's folder (the pair can move together)."""
    if ligne.chemin is None:
        return None
    return Path(os.path.relpath(Path(ligne.chemin).resolve(), Path(dest).resolve().parent)).as_posix()


def _entete(ws, titres: list[str], largeurs: list[int]) -> None:
    ws.append(titres)
    for i, largeur in enumerate(largeurs, 1):
        cellule = ws.cell(1, i)
        cellule.font, cellule.fill = Font(bold=True, color="FFFFFF"), ENTETE
        cellule.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = largeur
    ws.row_dimensions[1].height = 45


def _lignes(ws, n: int) -> int:
    """Text lines the tallest wrapped cell of row ``n`` needs (openpyxl does not size rows)."""
    hauteur = 1
    for cellule in ws[n]:
        if isinstance(cellule.value, str):
            largeur = ws.column_dimensions[cellule.column_letter].width or 10
            hauteur = max(hauteur, -(-len(cellule.value) // max(1, int(largeur * 1.1))))
    return min(hauteur, 15)


def feuille_projets(wb: Workbook, p: Portefeuille, dest: Path) -> None:
    ws = wb.active
    ws.title = "Projets"
    _entete(ws, TITRES, [c[1] for c in COLONNES])
    for n, x in enumerate(p.lignes, 2):
        ws.append([valeur(x) for _, _, valeur, _ in COLONNES])
        for i, (_, _, _, fmt) in enumerate(COLONNES, 1):
            cellule = ws.cell(n, i)
            cellule.alignment = Alignment(wrap_text=True, vertical="top")
            if fmt:
                cellule.number_format = fmt
        ws.row_dimensions[n].height = 15 * _lignes(ws, n)
        lien = _lien(x, dest)
        if lien:
            ws.cell(n, 1).hyperlink = lien
            ws.cell(n, 1).font = Font(color="0563C1", underline="single")
    derniere = max(2, len(p.lignes) + 1)
    fin = get_column_letter(len(COLONNES))
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{fin}{derniere}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 2, 0  # 26 columns: two A3 pages wide
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    jours = get_column_letter(TITRES.index("Jours restants") + 1)
    bloquant = get_column_letter(TITRES.index("Bloquant") + 1)
    plage = f"A2:{fin}{derniere}"
    ws.conditional_formatting.add(plage, FormulaRule(formula=[f'${bloquant}2="oui"'], fill=ROUGE, stopIfTrue=True))
    ws.conditional_formatting.add(
        plage, FormulaRule(formula=[f"AND(ISNUMBER(${jours}2),${jours}2>=0,${jours}2<={SEUIL_ECHEANCE})"], fill=ORANGE))


def feuille_totaux(wb: Workbook, p: Portefeuille) -> None:
    ws = wb.create_sheet("Totaux")
    titres = ["Région", "Campagne", "Projets", "Valides", "Recevables", "Bloquants", "Aide totale", "Avance", "Solde"]
    _entete(ws, titres, [24, 17, 10, 10, 13, 13, 19, 19, 19])
    for g in p.groupes:
        ws.append([g.region, g.campagne, g.projets, g.valides, g.recevables, g.bloquants, g.aide_totale, g.avance,
                   g.solde])
    t = p.totaux
    ws.append(["Total", None, t["projets"], t["valides"], t["recevables"], t["bloquants"], t["aide_totale"],
               t["avance"], t["solde"]])
    for ligne in ws.iter_rows(min_row=2):
        for cellule in ligne[6:]:
            cellule.number_format = FORMAT_EUROS
    for cellule in ws[ws.max_row]:
        cellule.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{max(2, ws.max_row - 1)}"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.cell(ws.max_row + 2, 1, f"Portefeuille au {date_fr(p.aujourdhui)} : {t['projets']} projet(s), "
                               f"montants des projets valides dont les montants sont connus.")


def classeur_portefeuille(p: Portefeuille, dest: Path) -> bytes:
    wb = Workbook()
    feuille_projets(wb, p, dest)
    feuille_totaux(wb, p)
    wb.properties.title = "Portefeuille de projets ESMS numérique"
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


def ecrire_classeur(p: Portefeuille, dest: Path) -> None:
    """Write the workbook atomically (the caller checks --force)."""
    ecrire_atomique(Path(dest), classeur_portefeuille(p, Path(dest)))
