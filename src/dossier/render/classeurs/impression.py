"""Print setup of the workbooks' sheets: A4 landscape, frozen panes, merged header values, row
heights, and page breaks that keep blocks of rows on one page."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..charte import poser_bandeaux
from .commun import _LARGEUR_VALEURS, ajuster_hauteurs, largeur_colonne


def mise_en_page(ws: Worksheet, ligne_entete: int, premiere_donnee: int, derniere_colonne: int,
                 colonne_figee: int = 1, lignes_titres: str | None = None,
                 blocs: Sequence[tuple[int, int]] = ()) -> None:
    """Print setup, frozen panes, header values merged, row heights; call once the widths are set.

    ``blocs`` (first, last row) are kept on one page each: the sheet is then printed at a scale
    computed from its column widths, with manual page breaks before a block that would not fit
    (Excel ignores manual breaks in "fit to page" mode)."""
    fin_fusion, largeur = 2, largeur_colonne(ws, 2)
    while fin_fusion < derniere_colonne or largeur < _LARGEUR_VALEURS:
        fin_fusion += 1
        largeur += largeur_colonne(ws, fin_fusion)
    for ligne in (2, 3, 4):
        ws.merge_cells(start_row=ligne, start_column=2, end_row=ligne, end_column=fin_fusion)
    ws.freeze_panes = ws.cell(premiere_donnee, colonne_figee)
    ws.print_title_rows = lignes_titres or f"{ligne_entete}:{ligne_entete}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.75
    ws.page_margins.footer = 0.3
    poser_bandeaux(ws)
    ajuster_hauteurs(ws, 2)
    if blocs:
        _sauts_de_page(ws, blocs, ligne_entete)


#: A4 landscape, in points, less the margins set by ``mise_en_page``.
_LARGEUR_IMPRIMABLE = 842 - 2 * 0.4 * 72
_HAUTEUR_IMPRIMABLE = 595 - (0.5 + 0.75) * 72
_HAUTEUR_PAR_DEFAUT = 15.0  # a row without explicit height (a generous estimate)


def _largeur_points(ws: Worksheet) -> float:
    """Printed width of the used columns, in points: a unit of column width is the width of a "0"
    of the default font, 5.25 pt in Calibri but 7 pt in the DejaVu Sans LibreOffice falls back to
    without Calibri or Carlito; the wider one is taken."""
    return sum(7 * largeur_colonne(ws, c) + 4 for c in range(1, ws.max_column + 1))


def _hauteur(ws: Worksheet, ligne: int) -> float:
    dimension = ws.row_dimensions.get(ligne)
    if dimension is not None and dimension.hidden:
        return 0.0
    return (dimension.height if dimension is not None and dimension.height else None) or _HAUTEUR_PAR_DEFAUT


def _sauts_de_page(ws: Worksheet, blocs: Sequence[tuple[int, int]], ligne_titres: int) -> None:
    """Scale to the page width and break pages so that no block is split (one too tall for a page
    starts a page and runs on)."""
    echelle = max(10, min(100, int(100 * _LARGEUR_IMPRIMABLE / (_largeur_points(ws) * 1.04))))
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = echelle
    page = _HAUTEUR_IMPRIMABLE * 100 / echelle * 0.97
    fins = dict(blocs)
    utilise, ligne, derniere = 0.0, 1, ws.max_row  # max_row scans every cell: read it once
    while ligne <= derniere:
        fin = max(fins.get(ligne, ligne), ligne)
        hauteur = sum(_hauteur(ws, r) for r in range(ligne, fin + 1))
        if utilise and utilise + hauteur > page:
            ws.row_breaks.append(Break(id=ligne - 1))
            utilise = _hauteur(ws, ligne_titres) if ligne > ligne_titres else 0.0
        utilise += hauteur
        ligne = fin + 1
