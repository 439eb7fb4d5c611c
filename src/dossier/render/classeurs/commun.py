"""Cell helpers shared by every workbook: named styles of the charter, cells, title block, page setup.

Choices a reader of the workbooks should know:

- styles are a handful of named styles registered once per workbook (``nouveau_classeur``), their
  appearance coming from the charter ``classeurs.xlsx`` (see ``charte``);
- number formats are those of ``dossier.francais`` prefixed with the French locale tag ``[$-40C]``, so that
  LibreOffice (and the PDF it makes) shows ``1 234,50 €`` and French month names whatever its locale;
- row heights of wrapped texts are estimated here, since generated files are not re-measured on opening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ...model import Projet
from ...profiles import ETIQUETTES_ENTETE
from ..charte import Charte, StyleCharte, ecrire_charte
from ...francais import FORMAT_EXCEL_DATE, FORMAT_EXCEL_MONTANT, FORMAT_EXCEL_NOMBRE

#: ``[$-40C]`` (French) makes LibreOffice, and Excel for month names, display French separators and
#: names whatever the reader's locale; the formats themselves are those of ``dossier.francais``.
FR = "[$-40C]"
MONTANT = FR + FORMAT_EXCEL_MONTANT
NOMBRE = FR + FORMAT_EXCEL_NOMBRE
#: French percentages: "80,8 %" (a no-break space before the sign).
POURCENT = FR + '0.0"\u00a0"%'
DATE = FR + FORMAT_EXCEL_DATE
MOIS = FR + "mmm yy"
ANNEE = "0"
JOURS = '0" j"'
HEURES_DECIMALES = FR + "#,##0.00"
ETP = FR + "0.0#"

# --------------------------------------------------------------------------- styles

_GRIS = Side(style="thin", color="A6A6A6")
_GRIS_CLAIR = Side(style="thin", color="D9D9D9")
_BORDURE = Border(left=_GRIS, right=_GRIS, top=_GRIS, bottom=_GRIS)
_BORDURE_GANTT = Border(left=_GRIS_CLAIR, right=_GRIS_CLAIR, top=_GRIS_CLAIR, bottom=_GRIS_CLAIR)
_BORDURE_TOTAL = Border(left=_GRIS, right=_GRIS, top=Side(style="medium", color="404040"), bottom=_GRIS)
_FOND_ENTETE = PatternFill("solid", fgColor="DCE6F1")
_FOND_GROUPE = PatternFill("solid", fgColor="F2F2F2")
_FOND_TOTAL = PatternFill("solid", fgColor="E7EEF7")
_FOND_CONTROLE = PatternFill("solid", fgColor="E2EFDA")
_BLEU = "1F4E79"
_GRAS = Font(name="Calibri", size=10, bold=True)
_NORMAL = Font(name="Calibri", size=10)
_ITALIQUE = Font(name="Calibri", size=10, italic=True)
_NOTE = Font(name="Calibri", size=9, italic=True, color="595959")
_TITRE = Font(name="Calibri", size=14, bold=True, color=_BLEU)
_ENTETE_POLICE = Font(name="Calibri", size=10, bold=True, color=_BLEU)
_MOIS_POLICE = Font(name="Calibri", size=9, color=_BLEU)
_HAUT = Alignment(vertical="top", wrap_text=True)
_HAUT_RETRAIT = Alignment(vertical="top", wrap_text=True, indent=1)
_CENTRE = Alignment(horizontal="center", vertical="top")
_ENTETE_ALIGNEMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MOIS_ALIGNEMENT = Alignment(horizontal="center", vertical="center", text_rotation=90)
_GAUCHE = Alignment(horizontal="left", vertical="top")
_HAUT_SEUL = Alignment(vertical="top")

#: Gantt bar colours per phase.
STYLES: dict[str, tuple] = {
    "titre": (_TITRE, None, None, None, None),
    "etiquette": (_GRAS, None, None, _HAUT_SEUL, None),
    "valeur": (_NORMAL, None, None, _HAUT, None),
    "valeur-date": (_NORMAL, None, None, _GAUCHE, DATE),
    "valeur-annee": (_NORMAL, None, None, _GAUCHE, ANNEE),
    "valeur-montant": (_GRAS, None, None, _GAUCHE, MONTANT),
    "note": (_NOTE, None, None, Alignment(vertical="top", wrap_text=True), None),
    "entete": (_ENTETE_POLICE, _FOND_ENTETE, _BORDURE, _ENTETE_ALIGNEMENT, None),
    "entete-annee": (_ENTETE_POLICE, _FOND_ENTETE, _BORDURE, _ENTETE_ALIGNEMENT, ANNEE),
    "entete-cout-annee": (_ENTETE_POLICE, _FOND_ENTETE, _BORDURE, _ENTETE_ALIGNEMENT, '"Coût "0'),
    "entete-mois": (_MOIS_POLICE, _FOND_ENTETE, _BORDURE, _MOIS_ALIGNEMENT, MOIS),
    "texte": (_NORMAL, None, _BORDURE, _HAUT, None),
    "texte-retrait": (_ITALIQUE, None, _BORDURE, _HAUT_RETRAIT, None),
    "code": (_NORMAL, None, _BORDURE, _CENTRE, "@"),
    "date": (_NORMAL, None, _BORDURE, _CENTRE, DATE),
    "jours": (_NORMAL, None, _BORDURE, _CENTRE, JOURS),
    "annee": (_NORMAL, None, _BORDURE, _CENTRE, ANNEE),
    "annee-gauche": (_NORMAL, None, _BORDURE, Alignment(horizontal="left", vertical="top"), ANNEE),
    "nombre": (_NORMAL, None, _BORDURE, _CENTRE, NOMBRE),
    "etp": (_NORMAL, None, _BORDURE, _CENTRE, ETP),
    "heures": (_NORMAL, None, _BORDURE, _HAUT_SEUL, NOMBRE),
    "heures-decimales": (_NORMAL, None, _BORDURE, _HAUT_SEUL, HEURES_DECIMALES),
    "montant": (_NORMAL, None, _BORDURE, _HAUT_SEUL, MONTANT),
    "montant-retrait": (_ITALIQUE, None, _BORDURE, _HAUT_SEUL, MONTANT),
    "pourcent": (_NORMAL, None, _BORDURE, _CENTRE, POURCENT),
    "vide": (_NORMAL, None, _BORDURE, None, None),
    "gantt": (_NORMAL, None, _BORDURE_GANTT, None, None),
    "groupe": (_GRAS, _FOND_GROUPE, _BORDURE, Alignment(vertical="top"), None),
    "synthese": (_ITALIQUE, _FOND_GROUPE, _BORDURE, _HAUT, None),
    "synthese-date": (_ITALIQUE, _FOND_GROUPE, _BORDURE, _CENTRE, DATE),
    "synthese-jours": (_ITALIQUE, _FOND_GROUPE, _BORDURE, _CENTRE, JOURS),
    "total": (_GRAS, _FOND_TOTAL, _BORDURE_TOTAL, Alignment(vertical="top", wrap_text=True), None),
    "total-montant": (_GRAS, _FOND_TOTAL, _BORDURE_TOTAL, _HAUT_SEUL, MONTANT),
    "total-heures": (_GRAS, _FOND_TOTAL, _BORDURE_TOTAL, _HAUT_SEUL, NOMBRE),
    "total-pourcent": (_GRAS, _FOND_TOTAL, _BORDURE_TOTAL, _CENTRE, POURCENT),
    "controle": (_GRAS, _FOND_CONTROLE, _BORDURE_TOTAL, Alignment(vertical="top", wrap_text=True), None),
    "controle-montant": (_GRAS, _FOND_CONTROLE, _BORDURE_TOTAL, _HAUT_SEUL, MONTANT),
}


#: What each style is for, with the sample value the charter (``classeurs.xlsx``) shows in it.
EXEMPLES: dict[str, tuple[object, str]] = {
    "titre": ("Planning du projet", "titre de chaque feuille (ligne 1)"),
    "etiquette": ("Porteur", "étiquettes du bloc d'en-tête (Projet, Porteur, Date, Période)"),
    "valeur": ("Association Les Tilleuls", "valeurs texte du bloc d'en-tête"),
    "valeur-date": (dt.date(2023, 5, 15), "date du dossier et dates de période dans le bloc d'en-tête"),
    "valeur-annee": (2024, "année dans le bloc d'en-tête"),
    "valeur-montant": (508583.16, "montant mis en avant hors tableau"),
    "note": ("Jalons CNSA : les 10 jalons attendus figurent au planning.", "notes sous les tableaux"),
    "entete": ("Tâche / jalon", "en-têtes de colonnes des tableaux"),
    "entete-annee": (2024, "en-têtes de colonnes des années (plan pluriannuel)"),
    "entete-cout-annee": (2024, "en-têtes « Coût 2024 » (coûts RH)"),
    "entete-mois": (dt.date(2023, 9, 1), "mois du bandeau du diagramme de Gantt"),
    "texte": ("Paramétrage de la solution", "cellules texte des tableaux"),
    "texte-retrait": ("dont avance (50 %)", "sous-lignes en retrait (avance, solde)"),
    "code": ("140000011", "numéros FINESS et codes"),
    "date": (dt.date(2024, 3, 1), "dates des tableaux"),
    "jours": (92, "durées en jours (formules)"),
    "annee": (2024, "années des tableaux"),
    "annee-gauche": (2024, "années alignées à gauche"),
    "nombre": (12, "nombres (quantités, ESSMS)"),
    "etp": (0.5, "équivalents temps plein"),
    "heures": (35000, "heures (déclaration SAAD)"),
    "heures-decimales": (1250.5, "heures avec décimales"),
    "montant": (12000, "montants en euros"),
    "montant-retrait": (6000, "montants des sous-lignes en retrait"),
    "pourcent": (0.85, "pourcentages (formules)"),
    "vide": ("", "cellules vides encadrées d'un tableau"),
    "gantt": ("", "cases du diagramme de Gantt (la barre est une mise en forme conditionnelle)"),
    "groupe": ("Déploiement par ESSMS", "lignes de regroupement"),
    "synthese": ("Synthèse : déploiement", "lignes de synthèse du planning projet"),
    "synthese-date": (dt.date(2024, 3, 1), "dates des lignes de synthèse"),
    "synthese-jours": (337, "durées des lignes de synthèse"),
    "total": ("Total", "libellés des lignes de total"),
    "total-montant": (508583.16, "montants des lignes de total"),
    "total-heures": (42000, "heures des lignes de total"),
    "total-pourcent": (1, "pourcentages des lignes de total"),
    "controle": ("Contrôle : emplois − ressources", "libellé de la ligne de contrôle"),
    "controle-montant": (0, "montant de la ligne de contrôle (doit valoir 0)"),
}


def styles_par_defaut() -> dict[str, StyleCharte]:
    """The appearance of every cell style as ``dossier`` ships it (what the charter starts from)."""
    return {nom: StyleCharte(police, fond, bordure, alignement)
            for nom, (police, fond, bordure, alignement, _) in STYLES.items()}


def ecrire_charte_par_defaut(dest: Path) -> None:
    """Write the shipped charter ``classeurs.xlsx`` (see ``charte``)."""
    exemples = {nom: (valeur, usage, STYLES[nom][4]) for nom, (valeur, usage) in EXEMPLES.items()}
    ecrire_charte(dest, styles_par_defaut(), exemples)


class _Fusions(MultiCellRange):
    """A sheet's merged ranges, each added in O(1).

    openpyxl's ``MultiCellRange.add`` first compares the new range with every range already merged,
    so ``merge_cells`` once per ESSMS (the materials sheet) cost O(n²). The workbooks never merge a
    range twice nor overlapping ranges: a set insertion is enough.
    """

    def add(self, coord) -> None:
        self.ranges.add(coord)


class _Classeur(Workbook):
    """Workbook whose sheets merge cells (see ``_Fusions``) and take named styles in constant time."""

    def __init__(self) -> None:
        super().__init__()
        self.formats_des_styles: dict[str, object] = {}

    def styler(self, cellule, style: str) -> None:
        """``cellule.style = style`` without openpyxl's per-assignment search through the list of
        style names (a third of the planning's time): the cell format a named style gives is the
        same for every cell, so it is computed once and copied."""
        format_ = self.formats_des_styles.get(style)
        if format_ is None:
            cellule.style = style
            self.formats_des_styles[style] = copy(cellule._style)
        else:
            cellule._style = copy(format_)

    def create_sheet(self, title=None, index=None) -> Worksheet:
        ws = super().create_sheet(title, index)
        ws.merged_cells = _Fusions()
        return ws


def nouveau_classeur(charte: Charte | None) -> Workbook:
    """An empty workbook with the named styles, as the charter (``--templates``) changes them."""
    wb = _Classeur()
    wb.remove(wb.active)
    defauts = styles_par_defaut()
    for nom, (*_, format_) in STYLES.items():
        apparence = charte.styles.get(nom, defauts[nom]) if charte else defauts[nom]
        style = NamedStyle(name=nom)
        apparence.appliquer(style)
        if format_ is not None:
            style.number_format = format_
        wb.add_named_style(style)
    wb.calculation.fullCalcOnLoad = True  # no cached values: Excel recomputes on opening
    return wb


# --------------------------------------------------------------------------- cell helpers


def nettoyer(texte: str) -> str:
    """Characters XML 1.0 cannot carry are replaced (a libellé must never crash the rendering)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", texte)


def _nombre(valeur: Decimal | int | float) -> int | float:
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    return valeur


def ecrire(ws: Worksheet, ligne: int, colonne: int, valeur, style: str):
    """Write one cell: text stays text (even "=…"), numbers numbers, dates dates, "=…" formulas only via formule."""
    cellule = ws.cell(ligne, colonne)
    if isinstance(valeur, str):
        cellule.value = nettoyer(valeur)
        cellule.data_type = "s"
    elif isinstance(valeur, Decimal):
        cellule.value = _nombre(valeur)
    else:
        cellule.value = valeur
    styler(cellule, style)
    return cellule


def formule(ws: Worksheet, ligne: int, colonne: int, texte: str, style: str):
    """Write a formula (``texte`` starts with "=") in a cell of that style."""
    cellule = ws.cell(ligne, colonne)
    cellule.value = texte
    styler(cellule, style)
    return cellule


def fusionner(ws: Worksheet, ligne: int, premiere: int, derniere: int) -> None:
    """Merge a row's cells from column ``premiere`` to ``derniere``, keeping each cell's own style.

    ``ws.merge_cells`` re-derives the borders of every merged range from its first cell (about 2 ms a
    merge, the materials sheet's main cost at thousands of ESSMS); the cells here are already styled,
    so the covered ones only become merged cells with the style they had."""
    plage = MergedCellRange(ws, f"{get_column_letter(premiere)}{ligne}:{get_column_letter(derniere)}{ligne}")
    ws.merged_cells.add(plage)
    for colonne in range(premiere + 1, derniere + 1):
        ancienne = ws._cells.get((ligne, colonne))
        cellule = MergedCell(ws, row=ligne, column=colonne)
        if ancienne is not None:
            cellule._style = copy(ancienne._style)
        ws._cells[(ligne, colonne)] = cellule


def ligne_styles(ws: Worksheet, ligne: int, premiere: int, derniere: int, style: str) -> None:
    """Give a style to the cells of a row from column ``premiere`` to ``derniere``."""
    for colonne in range(premiere, derniere + 1):
        styler(ws.cell(ligne, colonne), style)


def styler(cellule, style: str) -> None:
    """Give a named style to a cell (in constant time in a workbook of ``nouveau_classeur``)."""
    classeur = cellule.parent.parent
    if isinstance(classeur, _Classeur):
        classeur.styler(cellule, style)
    else:
        cellule.style = style


_STYLES_RENVOYES = frozenset({"valeur", "texte", "texte-retrait", "synthese", "total", "controle", "note", "entete"})
_STYLES_GRAS = frozenset({"entete", "total", "controle"})
_HAUTEUR_LIGNE = 13.0
_CARACTERES_PAR_UNITE = 1.2  # Calibri 10 pt characters per unit of column width (a "0" of Calibri 11)
_LARGEUR_VALEURS = 40  # minimum width of the merged header values


def largeur_colonne(ws: Worksheet, colonne: int) -> float:
    """Width of a column (Excel's default when unset)."""
    lettre = get_column_letter(colonne)
    dimension = ws.column_dimensions.get(lettre)
    return dimension.width if dimension is not None and dimension.width else 8.43


def _lignes(texte: str, largeur: float, gras: bool = False) -> int:
    """Lines a wrapped text needs in a column ``largeur`` wide (a conservative estimate)."""
    capacite = max(1, int(largeur * (_CARACTERES_PAR_UNITE - (0.2 if gras else 0))) - 1)
    return sum(max(1, -(-len(ligne) // capacite)) for ligne in texte.split("\n"))


def note(ws: Worksheet, ligne: int, texte: str, derniere_colonne: int) -> None:
    """A note line merged over the table's width (so it neither widens the print area nor gets cut)."""
    ecrire(ws, ligne, 1, texte, "note")
    if derniere_colonne > 1:
        ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=derniere_colonne)


def ajuster_hauteurs(ws: Worksheet, premiere: int) -> None:
    """Row heights for wrapped texts (neither Excel nor LibreOffice grows rows of a generated file reliably).

    Call once the column widths are set; merged cells count with the width of their whole range.
    """
    fusions = {(m.min_row, m.min_col): sum(largeur_colonne(ws, c) for c in range(m.min_col, m.max_col + 1))
               for m in ws.merged_cells.ranges}
    connues: dict[int, float] = {}
    besoins: dict[int, int] = {}
    for (rang, colonne), cellule in ws._cells.items():  # existing cells only: iter_rows would create the others
        valeur = cellule.value
        if rang < premiere or not isinstance(valeur, str) or cellule.data_type == "f" or cellule.style not in _STYLES_RENVOYES:
            continue
        largeur = fusions.get((rang, colonne))
        if largeur is None:
            largeur = connues.get(colonne) or connues.setdefault(colonne, largeur_colonne(ws, colonne))
        besoins[rang] = max(besoins.get(rang, 1), _lignes(valeur, largeur, cellule.style in _STYLES_GRAS))
    for rang, besoin in besoins.items():
        if besoin > 1:
            dimension = ws.row_dimensions[rang]
            dimension.height = max(dimension.height or 0, _HAUTEUR_LIGNE * besoin + 2)


def reference_feuille(nom: str) -> str:
    """A sheet name quoted for a formula (``'Coûts RH'``)."""
    return "'" + nom.replace("'", "''") + "'"


def largeur_texte(textes: Iterable[str], minimum: float, maximum: float) -> float:
    """Column width for texts (longest line), between ``minimum`` and ``maximum``."""
    plus_long = max((len(l) for t in textes for l in str(t).splitlines() or [""]), default=0)
    return max(minimum, min(maximum, plus_long * 1.05 + 2))


def largeurs(ws: Worksheet, par_colonne: dict[int, float]) -> None:
    """Set column widths (column number -> width)."""
    for colonne, largeur in par_colonne.items():
        ws.column_dimensions[get_column_letter(colonne)].width = largeur


def date_dossier(projet: Projet) -> dt.date:
    """Date shown in the title block: the deposit date, else today."""
    return projet.depot.date or dt.date.today()


def entete(ws: Worksheet, titre: str, projet: Projet) -> int:
    """Title, project, porteur and date at the top of a sheet (rows 1 to 4); returns the next free row.

    ``mise_en_page`` merges the values over the table's width, so that the date never shows as "###"
    and a long title wraps instead of running off the page.
    """
    ecrire(ws, 1, 1, titre, "titre")
    ws.row_dimensions[1].height = 22
    valeurs = ((projet.intitule, "valeur"), (projet.porteur.raison_sociale, "valeur"),
               (date_dossier(projet), "valeur-date"))
    for ligne, (etiquette, (valeur, style)) in enumerate(zip(ETIQUETTES_ENTETE, valeurs), start=2):
        ecrire(ws, ligne, 1, etiquette, "etiquette")
        ecrire(ws, ligne, 2, valeur, style)
    return 5


def en_tetes(ws: Worksheet, ligne: int, titres: Sequence[str], premiere: int = 1) -> None:
    """Column headers of a table, from column ``premiere``."""
    for i, titre in enumerate(titres):
        ecrire(ws, ligne, premiere + i, titre, "entete")


def libelle_tva(projet: Projet) -> str:
    """The note saying whether amounts are HT or TTC."""
    return f"Montants {projet.porteur.regime_tva} (régime de TVA du porteur)."


def somme_ligne(r: int, premiere: int, derniere: int) -> str:
    """Formula summing row ``r`` over columns ``premiere`` to ``derniere`` (``=0`` when empty)."""
    if derniere < premiere:
        return "=0"
    return f"=SUM({get_column_letter(premiere)}{r}:{get_column_letter(derniere)}{r})"

