"""The charter of the Excel workbooks: the template ``classeurs.xlsx`` a consultant edits.

The workbooks are built in code (their rows, formulas and Gantt bands follow the project), so their
template is not a workbook to fill but a *charter*: the sheet « Charte » lists every cell style the
workbooks use, one sample cell per style (column B). Changing the font, colour, fill, borders or
alignment of a sample cell (or the cell style of the same name) changes every cell of that style in
the rendered workbooks; the header and footer of the sheet (page setup) become those of every sheet.
Number formats stay those of ``dossier`` (French amounts, dates and percentages): a sample cell's
number format is ignored.
"""

from __future__ import annotations

import datetime as dt
import io
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import DossierError, Probleme
from ..lecture import lire_modele

NOM_CHARTE = "classeurs.xlsx"
FEUILLE_CHARTE = "Charte"
COLONNES = ("Style", "Exemple", "Utilisé pour")
LIGNE_ENTETE = 4
#: Footer of every sheet: sheet name, page number (left, centre, right; None for an empty part, which
#: openpyxl must not write as an empty section, since it would read the next one into it).
PIED_DEFAUT = ("&A", None, "Page &P / &N")
#: Creation date of the shipped charter (fixed; openpyxl still stamps the save time as its modification
#: date, so regenerating it changes its bytes, not its content, which tests/test_charte.py compares).
DATE_CHARTE = dt.datetime(2023, 1, 1)


@dataclass(frozen=True)
class StyleCharte:
    """The appearance of one cell style: what the charter may change."""

    police: Font
    fond: PatternFill | None = None
    bordure: Border | None = None
    alignement: Alignment | None = None

    def appliquer(self, cible) -> None:
        """Give this appearance to a cell or a NamedStyle (what is None keeps the default)."""
        cible.font = copy(self.police)
        for attribut, valeur in (("fill", self.fond), ("border", self.bordure), ("alignment", self.alignement)):
            if valeur is not None:
                setattr(cible, attribut, copy(valeur))


@dataclass
class Charte:
    """Styles by name, and the header and footer of every sheet as (left, centre, right) texts in
    Excel's header codes (``&A`` sheet name, ``&P`` page, ``&&`` a literal ampersand)."""

    styles: dict[str, StyleCharte] = field(default_factory=dict)
    entete: tuple[str | None, str | None, str | None] = (None, None, None)
    pied: tuple[str | None, str | None, str | None] = PIED_DEFAUT


def poser_bandeaux(ws: Worksheet, entete: tuple[str | None, ...] = (None, None, None),
                   pied: tuple[str | None, ...] = PIED_DEFAUT) -> None:
    """Set the header and footer (left, centre, right texts) of a sheet."""
    for bandeau, textes in ((ws.oddHeader, entete), (ws.oddFooter, pied)):
        bandeau.left.text, bandeau.center.text, bandeau.right.text = textes


def ecrire_charte(dest: Path, styles: dict[str, StyleCharte], exemples: dict[str, tuple[object, str, str | None]]) -> None:
    """Write the charter workbook: one row per style, its sample cell in that style (sample value,
    number format) and what it is for."""
    wb = Workbook()
    ws = wb.active
    ws.title = FEUILLE_CHARTE
    ws["A1"] = "Charte des classeurs Excel du dossier"
    ws["A1"].font = Font(name="Calibri", size=14, bold=True, color="1F4E79")
    ws["A2"] = ("Modifiez la police, la couleur, le fond, les bordures ou l'alignement des cellules de la colonne "
                "« Exemple » : chaque cellule du même style des classeurs générés prendra cette apparence. "
                "L'en-tête et le pied de page de cette feuille (Mise en page) deviennent ceux de chaque feuille. "
                "Les formats de nombre (montants, dates, pourcentages) restent ceux de dossier. "
                "Ne renommez pas les styles de la colonne « Style ».")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = 60
    for i, titre in enumerate(COLONNES, start=1):
        ws.cell(LIGNE_ENTETE, i, titre).font = Font(name="Calibri", size=10, bold=True)
    for ligne, (nom, style) in enumerate(styles.items(), start=LIGNE_ENTETE + 1):
        valeur, usage, format_ = exemples[nom]
        ws.cell(ligne, 1, nom)
        exemple = ws.cell(ligne, 2, valeur if valeur != "" else None)
        if format_:
            exemple.number_format = format_
        style.appliquer(exemple)
        ws.cell(ligne, 3, usage)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 70
    poser_bandeaux(ws)
    wb.properties.creator = "dossier"
    wb.properties.title = "Charte des classeurs Excel"
    wb.properties.created = DATE_CHARTE
    wb.save(dest)


def _textes(entete) -> tuple[str | None, str | None, str | None]:
    return tuple((partie.text or None) for partie in (entete.left, entete.center, entete.right))


def _style_de(cellule) -> StyleCharte:
    """The appearance of a sample cell; an empty fill, border or alignment counts as none."""
    fond, bordure, alignement = copy(cellule.fill), copy(cellule.border), copy(cellule.alignment)
    cotes = (bordure.left, bordure.right, bordure.top, bordure.bottom)
    return StyleCharte(
        copy(cellule.font),
        None if getattr(fond, "patternType", "gradient") is None else fond,
        bordure if any(c is not None and c.style for c in cotes) else None,
        None if alignement == Alignment() else alignement,
    )


def _lire(chemin: Path, noms: frozenset[str]) -> tuple[Charte, list[Probleme]]:
    """The charter of ``chemin`` and its problems (unreadable file, missing sheet, unknown style)."""
    nom = chemin.name
    try:
        contenu = lire_modele(chemin)  # regular file, bounded size, zip directory checked first
    except DossierError as e:
        return Charte(), [Probleme(nom, e.message.removeprefix(f"modèle {nom} : "))]
    try:
        wb = load_workbook(io.BytesIO(contenu))
    except Exception:  # openpyxl raises many types on a damaged file
        return Charte(), [Probleme(nom, "charte des classeurs illisible (ce n'est pas un classeur .xlsx valide)")]
    if FEUILLE_CHARTE not in wb.sheetnames:
        return Charte(), [Probleme(nom, f"feuille « {FEUILLE_CHARTE} » absente de la charte des classeurs")]
    ws: Worksheet = wb[FEUILLE_CHARTE]
    charte, problemes = Charte(), []
    for ligne in range(LIGNE_ENTETE + 1, ws.max_row + 1):
        style = ws.cell(ligne, 1).value
        if style in (None, ""):
            continue
        if style not in noms:
            problemes.append(Probleme(f"{nom} : {FEUILLE_CHARTE}!A{ligne}",
                                      f"style inconnu « {style} » (styles : {', '.join(sorted(noms))})"))
            continue
        charte.styles[style] = _style_de(ws.cell(ligne, 2))
    if any(_textes(ws.oddHeader)) or any(_textes(ws.oddFooter)):
        charte.entete, charte.pied = _textes(ws.oddHeader), _textes(ws.oddFooter)
    return charte, problemes


def verifier_charte(chemin: Path, noms: frozenset[str]) -> list[Probleme]:
    """Problems of a charter file (for ``dossier templates check``)."""
    return _lire(chemin, noms)[1]


@lru_cache(maxsize=4)
def _charte_en_cache(chemin: Path, _mtime: float, noms: frozenset[str]) -> Charte:
    charte, problemes = _lire(chemin, noms)
    if problemes:
        raise DossierError(f"charte des classeurs invalide : {problemes[0]} (voir « dossier templates check »)")
    return charte


def charger_charte(modeles: Path | None, noms: frozenset[str]) -> Charte | None:
    """The charter of the folder ``modeles`` (``--templates``), or None when it has none."""
    if modeles is None or not (Path(modeles) / NOM_CHARTE).is_file():
        return None
    chemin = (Path(modeles) / NOM_CHARTE).resolve()
    return _charte_en_cache(chemin, chemin.stat().st_mtime, noms)
