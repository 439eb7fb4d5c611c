"""Excel pieces: planning, plan de financement, déclaration des heures SAAD, liste des matériels.

Workbooks are built in code (their template is the charter ``classeurs.xlsx``, see ``charte``):
styles are a handful of named styles registered once per workbook, cells keep numbers, dates and formulas (French number formats), and
every sheet opens with the project title, the porteur and the date of the dossier.

Choices a reader of the workbooks should know:

- the Gantt band of the planning is drawn by **conditional formatting** on the start/end cells
  (``$B<fin du mois`` and ``$C>=début du mois``): editing a date in the workbook moves the bar;
- the CNSA milestones are looked for in ``planning.jalons`` by keywords; missing ones are listed in a
  note line of the sheet « Projet », never given invented dates;
- in the SAAD declaration the columns follow annexe 1 of the AAP Normandie 2023: the annexe's column G
  holds the "heures dépendance hors APA/PCH" and the next column asks for the type of financing
  *of column G*;
- aid figures (plan de financement) are written as numbers taken from ``Financement``; everything
  derived from them or from the project's costs is a live formula;
- number formats are those of ``formatting`` prefixed with the French locale tag ``[$-40C]``, so that
  LibreOffice (and the PDF it makes) shows ``1 234,50 €`` and French month names whatever its locale;
- row heights of wrapped texts are estimated here, since generated files are not re-measured on opening.
"""

from __future__ import annotations

import datetime as dt
import re
from copy import copy
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Jalon, Projet
from ..profiles import ETIQUETTES_ENTETE
from ..rules import Financement
from .charte import Charte, StyleCharte, charger_charte, ecrire_charte, poser_bandeaux
from .contexte import MARQUEUR
from .formatting import (
    FORMAT_EXCEL_DATE,
    FORMAT_EXCEL_MONTANT,
    FORMAT_EXCEL_NOMBRE,
    FORMAT_EXCEL_POURCENT,
    montant,
    nombre,
)

FICHIERS_XLSX = ("planning", "plan-de-financement", "declaration-heures-saad", "materiels")

FEUILLES_PLANNING = ("Projet", "Déploiement", "Conduite du changement")
FEUILLES_FINANCEMENT = ("Coûts du projet", "Coûts RH", "Plan pluriannuel")
FEUILLE_SAAD = "Déclaration des heures"
FEUILLE_MATERIELS = "Matériels"

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
)

NATURES = {
    "logiciel": "Logiciel",
    "materiel": "Matériel",
    "prestations": "Prestations",
    "amoa": "AMOA / pilotage",
    "formation": "Formation",
    "reprise_donnees": "Reprise de données",
    "autre": "Autre",
}

#: ``[$-40C]`` (French) makes LibreOffice, and Excel for month names, display French separators and
#: names whatever the reader's locale; the formats themselves are those of ``formatting``.
FR = "[$-40C]"
MONTANT = FR + FORMAT_EXCEL_MONTANT
NOMBRE = FR + FORMAT_EXCEL_NOMBRE
POURCENT = FR + FORMAT_EXCEL_POURCENT
DATE = FR + FORMAT_EXCEL_DATE
MOIS = FR + "mmm yy"
ANNEE = "0"
JOURS = '0" j"'
HEURES_DECIMALES = FR + "#,##0.00"
ETP = FR + "0.0#"


# --------------------------------------------------------------------------- CNSA milestones


@dataclass(frozen=True)
class JalonCnsa:
    cle: str
    libelle: str
    motifs: tuple[str, ...]
    phase: str | None = None  # any jalon of this phase counts


JALONS_CNSA = (
    JalonCnsa("lancement", "lancement du projet", (r"\blancement", r"\bdemarrage", r"\bkick")),
    JalonCnsa("choix", "choix de la solution (mise en concurrence / SAD)",
              (r"\bchoix\b", r"mise en concurrence", r"\bselection", r"\bsad\b", r"appel d.offres", r"\bconsultation")),
    JalonCnsa("contrat", "signature du contrat avec l'éditeur", (r"\bcontrat", r"\bcontractualisation")),
    JalonCnsa("parametrage", "paramétrage", (r"\bparametrage", r"\bconfiguration")),
    JalonCnsa("va", "vérification d'aptitude (VA)", (r"verification d.aptitude", r"\bva\b", r"\brecette")),
    JalonCnsa("formation", "formation", (r"\bformation",)),
    JalonCnsa("deploiement", "déploiement", (r"\bdeploiement", r"\bvagues?\b", r"\bbascule", r"mise en production"),
              phase="deploiement"),
    JalonCnsa("vsr", "vérification de service régulier (VSR)", (r"service regulier", r"\bvsr\b")),
    JalonCnsa("usages", "mesure des usages", (r"\busages?\b", r"\bcibles?\b", r"\bindicateurs?\b")),
    JalonCnsa("fin", "fin du projet", (r"\bfin (du|de) projet", r"\bcloture", r"\bbilan\b")),
)


def _normaliser(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return sans_accents.lower().replace("’", "'")


def jalons_cnsa_absents(jalons: Iterable[Jalon]) -> list[JalonCnsa]:
    """The CNSA milestones that no jalon of the planning covers (matched by keywords)."""
    jalons = list(jalons)
    textes = [_normaliser(j.libelle) for j in jalons]
    absents = []
    for attendu in JALONS_CNSA:
        trouve = any(j.phase == attendu.phase for j in jalons) if attendu.phase else False
        trouve = trouve or any(re.search(m, t) for m in attendu.motifs for t in textes)
        if not trouve:
            absents.append(attendu)
    return absents


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
_BARRES = {
    "projet": PatternFill("solid", fgColor="2E75B6", bgColor="2E75B6"),
    "deploiement": PatternFill("solid", fgColor="548235", bgColor="548235"),
    "conduite_changement": PatternFill("solid", fgColor="C55A11", bgColor="C55A11"),
}

# name: (font, fill, border, alignment, number format)
_STYLES: dict[str, tuple] = {
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
_EXEMPLES: dict[str, tuple[object, str]] = {
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
            for nom, (police, fond, bordure, alignement, _) in _STYLES.items()}


def ecrire_charte_par_defaut(dest: Path) -> None:
    """Write the shipped charter ``classeurs.xlsx`` (see ``charte``)."""
    exemples = {nom: (valeur, usage, _STYLES[nom][4]) for nom, (valeur, usage) in _EXEMPLES.items()}
    ecrire_charte(dest, styles_par_defaut(), exemples)


class _Fusions(MultiCellRange):
    """A sheet's merged ranges, each added in O(1).

    openpyxl's ``MultiCellRange.add`` first compares the new range with every range already merged,
    so ``merge_cells`` once per ESSMS (the materials sheet) cost O(n²). The renderer never merges a
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


def _classeur(charte: Charte | None) -> Workbook:
    """An empty workbook with the named styles, as the charter (``--templates``) changes them."""
    wb = _Classeur()
    wb.remove(wb.active)
    defauts = styles_par_defaut()
    for nom, (*_, format_) in _STYLES.items():
        apparence = charte.styles.get(nom, defauts[nom]) if charte else defauts[nom]
        style = NamedStyle(name=nom)
        apparence.appliquer(style)
        if format_ is not None:
            style.number_format = format_
        wb.add_named_style(style)
    wb.calculation.fullCalcOnLoad = True  # no cached values: Excel recomputes on opening
    return wb


# --------------------------------------------------------------------------- cell helpers


def _nettoyer(texte: str) -> str:
    """Characters XML 1.0 cannot carry are replaced (a libellé must never crash the rendering)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", texte)


def _nombre(valeur: Decimal | int | float) -> int | float:
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    return valeur


def _ecrire(ws: Worksheet, ligne: int, colonne: int, valeur, style: str):
    """Write one cell: text stays text (even "=…"), numbers numbers, dates dates, "=…" formulas only via _formule."""
    cellule = ws.cell(ligne, colonne)
    if isinstance(valeur, str):
        cellule.value = _nettoyer(valeur)
        cellule.data_type = "s"
    elif isinstance(valeur, Decimal):
        cellule.value = _nombre(valeur)
    else:
        cellule.value = valeur
    ws.parent.styler(cellule, style)
    return cellule


def _formule(ws: Worksheet, ligne: int, colonne: int, formule: str, style: str):
    cellule = ws.cell(ligne, colonne)
    cellule.value = formule
    ws.parent.styler(cellule, style)
    return cellule


def _ligne_styles(ws: Worksheet, ligne: int, premiere: int, derniere: int, style: str) -> None:
    for colonne in range(premiere, derniere + 1):
        ws.parent.styler(ws.cell(ligne, colonne), style)


_STYLES_RENVOYES = frozenset({"valeur", "texte", "texte-retrait", "synthese", "total", "controle", "note", "entete"})
_STYLES_GRAS = frozenset({"entete", "total", "controle"})
_HAUTEUR_LIGNE = 13.0
_CARACTERES_PAR_UNITE = 1.2  # Calibri 10 pt characters per unit of column width (a "0" of Calibri 11)
_LARGEUR_VALEURS = 40  # minimum width of the merged header values


def _largeur(ws: Worksheet, colonne: int) -> float:
    lettre = get_column_letter(colonne)
    dimension = ws.column_dimensions.get(lettre)
    return dimension.width if dimension is not None and dimension.width else 8.43


def _lignes(texte: str, largeur: float, gras: bool = False) -> int:
    """Lines a wrapped text needs in a column ``largeur`` wide (a conservative estimate)."""
    capacite = max(1, int(largeur * (_CARACTERES_PAR_UNITE - (0.2 if gras else 0))) - 1)
    return sum(max(1, -(-len(ligne) // capacite)) for ligne in texte.split("\n"))


def _note(ws: Worksheet, ligne: int, texte: str, derniere_colonne: int) -> None:
    """A note line merged over the table's width (so it neither widens the print area nor gets cut)."""
    _ecrire(ws, ligne, 1, texte, "note")
    if derniere_colonne > 1:
        ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=derniere_colonne)


def _ajuster_hauteurs(ws: Worksheet, premiere: int) -> None:
    """Row heights for wrapped texts (neither Excel nor LibreOffice grows rows of a generated file reliably).

    Call once the column widths are set; merged cells count with the width of their whole range.
    """
    fusions = {(m.min_row, m.min_col): sum(_largeur(ws, c) for c in range(m.min_col, m.max_col + 1))
               for m in ws.merged_cells.ranges}
    largeurs: dict[int, float] = {}
    for ligne in ws.iter_rows(min_row=premiere):
        besoin = 1
        for cellule in ligne:
            valeur = cellule.value
            if not isinstance(valeur, str) or cellule.data_type == "f" or cellule.style not in _STYLES_RENVOYES:
                continue
            largeur = fusions.get((cellule.row, cellule.column))
            if largeur is None:
                largeur = largeurs.get(cellule.column) or largeurs.setdefault(cellule.column, _largeur(ws, cellule.column))
            besoin = max(besoin, _lignes(valeur, largeur, cellule.style in _STYLES_GRAS))
        if besoin > 1:
            dimension = ws.row_dimensions[ligne[0].row]
            dimension.height = max(dimension.height or 0, _HAUTEUR_LIGNE * besoin + 2)


def _feuille_ref(nom: str) -> str:
    return "'" + nom.replace("'", "''") + "'"


def _largeur_texte(textes: Iterable[str], minimum: float, maximum: float) -> float:
    """Column width for texts (longest line), between ``minimum`` and ``maximum``."""
    plus_long = max((len(l) for t in textes for l in str(t).splitlines() or [""]), default=0)
    return max(minimum, min(maximum, plus_long * 1.05 + 2))


def _largeurs(ws: Worksheet, largeurs: dict[int, float]) -> None:
    for colonne, largeur in largeurs.items():
        ws.column_dimensions[get_column_letter(colonne)].width = largeur


def _date_dossier(projet: Projet) -> dt.date:
    return projet.depot.date or dt.date.today()


def _entete(ws: Worksheet, titre: str, projet: Projet) -> int:
    """Title, project, porteur and date at the top of a sheet (rows 1 to 4); returns the next free row.

    ``_mise_en_page`` merges the values over the table's width, so that the date never shows as "###"
    and a long title wraps instead of running off the page.
    """
    _ecrire(ws, 1, 1, titre, "titre")
    ws.row_dimensions[1].height = 22
    valeurs = ((projet.intitule, "valeur"), (projet.porteur.raison_sociale, "valeur"),
               (_date_dossier(projet), "valeur-date"))
    for ligne, (etiquette, (valeur, style)) in enumerate(zip(ETIQUETTES_ENTETE, valeurs), start=2):
        _ecrire(ws, ligne, 1, etiquette, "etiquette")
        _ecrire(ws, ligne, 2, valeur, style)
    return 5


def _mise_en_page(ws: Worksheet, ligne_entete: int, premiere_donnee: int, derniere_colonne: int,
                  colonne_figee: int = 1, lignes_titres: str | None = None) -> None:
    """Print setup, frozen panes, header values merged, row heights; call once the widths are set."""
    fin_fusion, largeur = 2, _largeur(ws, 2)
    while fin_fusion < derniere_colonne or largeur < _LARGEUR_VALEURS:
        fin_fusion += 1
        largeur += _largeur(ws, fin_fusion)
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
    _ajuster_hauteurs(ws, 2)


def _en_tetes(ws: Worksheet, ligne: int, titres: Sequence[str], premiere: int = 1) -> None:
    for i, titre in enumerate(titres):
        _ecrire(ws, ligne, premiere + i, titre, "entete")


# --------------------------------------------------------------------------- entry point


def rendre_xlsx(fichier_slug: str, projet: Projet, fin: Financement, dest: Path, modeles: Path | None = None) -> None:
    """Write the workbook ``fichier_slug`` (one of FICHIERS_XLSX) of ``projet`` to ``dest``.

    The workbooks are built in code; the charter ``classeurs.xlsx`` of ``modeles`` (``--templates``),
    when there is one, sets the appearance of their cell styles and their header and footer.
    """
    constructeurs = {
        "planning": _planning,
        "plan-de-financement": _plan_de_financement,
        "declaration-heures-saad": _declaration_saad,
        "materiels": _materiels,
    }
    if fichier_slug not in constructeurs:
        raise ValueError(f"classeur inconnu « {fichier_slug} » ; classeurs : {', '.join(FICHIERS_XLSX)}")
    charte = charger_charte(modeles, frozenset(_STYLES))
    wb = _classeur(charte)
    wb.properties.title = f"{projet.intitule} — {fichier_slug}"
    wb.properties.creator = projet.porteur.raison_sociale
    wb.properties.language = "fr-FR"
    constructeurs[fichier_slug](wb, projet, fin)
    if charte:
        for ws in wb.worksheets:
            poser_bandeaux(ws, charte.entete, charte.pied)
    wb.save(Path(dest))


# --------------------------------------------------------------------------- planning

_PHASES = {
    "projet": ("Projet", "Planning du projet"),
    "deploiement": ("Déploiement", "Planning du déploiement du DUI"),
    "conduite_changement": ("Conduite du changement", "Planning de la conduite du changement"),
}
_COLONNES_PLANNING = ("Tâche / jalon", "Début", "Fin", "Durée", "Responsable")
_PREMIER_MOIS = len(_COLONNES_PLANNING) + 1


@dataclass(frozen=True)
class _Tache:
    libelle: str
    debut: dt.date | None
    fin: dt.date | None
    responsable: str = ""
    genre: str = "tache"  # "tache", "synthese" or "groupe" (section title, no dates)


def _mois(debut: dt.date, fin: dt.date) -> list[dt.date]:
    mois, courant = [], debut.replace(day=1)
    while courant <= fin:
        mois.append(courant)
        courant = (courant + dt.timedelta(days=32)).replace(day=1)
    return mois


def _periode_projet(projet: Projet) -> tuple[dt.date, dt.date] | None:
    pl = projet.planning
    if pl is None:
        return None
    dates = [d for d in (pl.debut, pl.fin_deploiement) if d]
    dates += [d for j in pl.jalons or [] for d in (j.debut, j.fin)]
    dates += [d for v in pl.vagues or [] for d in (v.debut, v.fin)]
    return (min(dates), max(dates)) if dates else None


def _jalons(projet: Projet, phase: str) -> list[Jalon]:
    jalons = projet.planning.jalons or [] if projet.planning else []
    return sorted((j for j in jalons if j.phase == phase), key=lambda j: (j.debut, j.fin))


def _taches_projet(projet: Projet) -> list[_Tache]:
    taches = [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "projet")]
    for phase, renvoi in (("deploiement", "Déploiement"), ("conduite_changement", "Conduite du changement")):
        dates = [d for j in _jalons(projet, phase) for d in (j.debut, j.fin)]
        if phase == "deploiement" and projet.planning:
            dates += [d for v in projet.planning.vagues or [] for d in (v.debut, v.fin)]
        if dates:
            taches.append(_Tache(f"Synthèse : {renvoi.lower()} (détail dans la feuille dédiée)",
                                 min(dates), max(dates), "", "synthese"))
    return taches


def _taches_deploiement(projet: Projet) -> list[_Tache]:
    taches = [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "deploiement")]
    vagues = {v.numero: v for v in (projet.planning.vagues or [])} if projet.planning else {}
    noms_og = {og.id: og.raison_sociale for og in projet.organismes}
    taches.append(_Tache("Déploiement par ESSMS", None, None, "", "groupe"))
    rangs = sorted(range(len(projet.essms)), key=lambda i: (projet.essms[i].vague is None, projet.essms[i].vague or 0, i))
    for i in rangs:
        e = projet.essms[i]
        vague = vagues.get(e.vague) if e.vague is not None else None
        precision = f"vague {e.vague}" if e.vague is not None else "vague non renseignée"
        if e.vague is not None and vague is None:
            precision += ", dates non renseignées"
        libelle = f"{e.nom} ({e.finess_et}) — {precision}"
        taches.append(_Tache(libelle, vague.debut if vague else None, vague.fin if vague else None,
                             noms_og.get(e.organisme, e.organisme)))
    return taches


def _taches_conduite(projet: Projet) -> list[_Tache]:
    return [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "conduite_changement")]


def phases_sans_jalon(projet: Projet) -> dict[str, str]:
    """What to complete, by phase, for the planning sheets without jalons of their own (project or
    change management); the sheet shows it as a marker and ``render`` lists it."""
    return {phase: f"planning.jalons — jalons de la phase « {_PHASES[phase][0]} » (libellé, début, fin, responsable)"
            for phase in ("projet", "conduite_changement") if not _jalons(projet, phase)}


def _planning(wb: Workbook, projet: Projet, fin: Financement) -> None:
    periode = _periode_projet(projet)
    mois = _mois(*periode) if periode else []
    absents = jalons_cnsa_absents(projet.planning.jalons or [] if projet.planning else [])
    manquants = phases_sans_jalon(projet)
    taches = {
        "projet": _taches_projet(projet),
        "deploiement": _taches_deploiement(projet),
        "conduite_changement": _taches_conduite(projet),
    }
    for phase, (nom, titre) in _PHASES.items():
        ws = wb.create_sheet(nom)
        notes = []
        if phase == "projet":
            if absents:
                notes.append("Jalons CNSA absents du planning (à ajouter dans planning.jalons, aucune date n'est "
                             "supposée ici) : " + ", ".join(j.libelle for j in absents) + ".")
            else:
                notes.append(f"Jalons CNSA : les {len(JALONS_CNSA)} jalons attendus figurent au planning ("
                             + ", ".join(j.libelle for j in JALONS_CNSA) + ").")
        if phase in manquants:
            taches[phase].insert(0, _Tache(MARQUEUR.format(manquants[phase]), None, None))
        _feuille_planning(ws, titre, projet, taches[phase], mois, phase, periode, notes)


def _feuille_planning(ws: Worksheet, titre: str, projet: Projet, taches: list[_Tache], mois: list[dt.date],
                      phase: str, periode: tuple[dt.date, dt.date] | None, notes: list[str]) -> None:
    ligne = _entete(ws, titre, projet)
    pl = projet.planning
    _ecrire(ws, ligne, 1, ETIQUETTES_ENTETE[3], "etiquette")
    if periode:
        _ecrire(ws, ligne, 2, periode[0], "valeur-date")
        _ecrire(ws, ligne, 3, periode[1], "valeur-date")
    else:
        _ecrire(ws, ligne, 2, "non renseignée (planning.debut, planning.jalons)", "valeur")
        ws.merge_cells(start_row=ligne, start_column=2, end_row=ligne, end_column=len(_COLONNES_PLANNING))
    if pl and pl.fin_deploiement:
        ligne += 1
        _ecrire(ws, ligne, 1, ETIQUETTES_ENTETE[4], "etiquette")
        _ecrire(ws, ligne, 2, pl.fin_deploiement, "valeur-date")
    entete = ligne + 2
    _en_tetes(ws, entete, _COLONNES_PLANNING)
    for i, debut_mois in enumerate(mois):
        _ecrire(ws, entete, _PREMIER_MOIS + i, debut_mois, "entete-mois")
    ws.row_dimensions[entete].height = 42
    premiere = entete + 1
    derniere_colonne = _PREMIER_MOIS + len(mois) - 1
    for n, tache in enumerate(taches):
        r = premiere + n
        if tache.genre == "groupe":
            _ecrire(ws, r, 1, tache.libelle, "groupe")
            _ligne_styles(ws, r, 2, max(derniere_colonne, len(_COLONNES_PLANNING)), "groupe")
            continue
        suffixe = "synthese-" if tache.genre == "synthese" else ""
        _ecrire(ws, r, 1, tache.libelle, "synthese" if suffixe else "texte")
        if tache.debut and tache.fin:
            _ecrire(ws, r, 2, tache.debut, suffixe + "date")
            _ecrire(ws, r, 3, tache.fin, suffixe + "date")
            _formule(ws, r, 4, f"=C{r}-B{r}+1", suffixe + "jours")
        else:
            _ligne_styles(ws, r, 2, 4, "synthese" if suffixe else "vide")
        _ecrire(ws, r, 5, tache.responsable, "synthese" if suffixe else "texte")
        _ligne_styles(ws, r, _PREMIER_MOIS, derniere_colonne, "gantt")
    derniere = premiere + len(taches) - 1
    if mois:
        premier = get_column_letter(_PREMIER_MOIS)
        plage = f"{premier}{premiere}:{get_column_letter(derniere_colonne)}{derniere}"
        condition = (f'AND(ISNUMBER($B{premiere}),ISNUMBER($C{premiere}),'
                     f'$B{premiere}<DATE(YEAR({premier}${entete}),MONTH({premier}${entete})+1,1),'
                     f'$C{premiere}>={premier}${entete})')
        ws.conditional_formatting.add(plage, FormulaRule(formula=[condition], fill=_BARRES[phase], stopIfTrue=False))
    ligne_note = derniere + 2
    for note in notes + ["Barres du diagramme : mises en forme conditionnelles calculées sur les dates de début et "
                         "de fin (modifier une date déplace la barre). Durée en jours calendaires."]:
        _note(ws, ligne_note, note, len(_COLONNES_PLANNING))
        ligne_note += 1
    _largeurs(ws, {
        1: _largeur_texte([t.libelle for t in taches] + [_COLONNES_PLANNING[0]], 28, 58),
        2: 11.5, 3: 11.5, 4: 8,
        5: _largeur_texte([t.responsable for t in taches] + [_COLONNES_PLANNING[4]], 14, 30),
    })
    for i in range(len(mois)):
        ws.column_dimensions[get_column_letter(_PREMIER_MOIS + i)].width = 3.6
    _mise_en_page(ws, entete, premiere, len(_COLONNES_PLANNING), 2)


# --------------------------------------------------------------------------- plan de financement


def _annees(projet: Projet) -> list[int]:
    c = projet.couts
    if c is None:
        return []
    annees = {p.annee for p in c.postes or []} | {a for r in c.rh or [] for a in r.annees}
    return sorted(annees)


def _libelle_tva(projet: Projet) -> str:
    return f"Montants {projet.porteur.regime_tva} (régime de TVA du porteur)."


def _plan_de_financement(wb: Workbook, projet: Projet, fin: Financement) -> None:
    annees = _annees(projet)
    couts = _feuille_couts(wb.create_sheet(FEUILLES_FINANCEMENT[0]), projet)
    rh = _feuille_rh(wb.create_sheet(FEUILLES_FINANCEMENT[1]), projet, annees)
    _feuille_plan(wb.create_sheet(FEUILLES_FINANCEMENT[2]), projet, fin, annees, couts, rh)


@dataclass(frozen=True)
class _PlageCouts:
    premiere: int
    derniere: int
    total: int


def _feuille_couts(ws: Worksheet, projet: Projet) -> _PlageCouts:
    ligne = _entete(ws, "Plan de financement — coûts du projet", projet)
    _note(ws, ligne, _libelle_tva(projet) + " Coûts de ressources humaines : feuille « Coûts RH ».", 4)
    entete = ligne + 1
    _en_tetes(ws, entete, ("Poste", "Nature", "Année", "Montant"))
    postes = list(projet.couts.postes or []) if projet.couts else []
    premiere = entete + 1
    for n, p in enumerate(postes):
        r = premiere + n
        _ecrire(ws, r, 1, p.libelle, "texte")
        _ecrire(ws, r, 2, NATURES[p.nature], "texte")
        _ecrire(ws, r, 3, p.annee, "annee")
        _ecrire(ws, r, 4, p.montant, "montant")
    if not postes:
        _ecrire(ws, premiere, 1, "Aucun poste de coût renseigné (couts.postes)", "texte")
        _ligne_styles(ws, premiere, 2, 4, "vide")
    derniere = premiere + max(len(postes), 1) - 1
    validation = DataValidation(type="list", formula1='"' + ",".join(NATURES.values()) + '"', allow_blank=True)
    validation.error = "Nature de coût : " + ", ".join(NATURES.values())
    ws.add_data_validation(validation)
    validation.add(f"B{premiere}:B{derniere}")
    total = derniere + 1
    _ecrire(ws, total, 1, "Total des coûts du projet", "total")
    _ligne_styles(ws, total, 2, 3, "total")
    _formule(ws, total, 4, f"=SUM(D{premiere}:D{derniere})", "total-montant")

    plage_annee, plage_nature, plage_montant = (f"${c}${premiere}:${c}${derniere}" for c in "CBD")
    r = total + 2
    for titre, criteres, plage, style in (
        ("Total par année", sorted({p.annee for p in postes}), plage_annee, "annee-gauche"),
        ("Total par nature", list(NATURES.values()), plage_nature, "texte"),
    ):
        _en_tetes(ws, r, (titre, "", "", "Montant"))
        debut = r + 1
        for critere in criteres:
            r += 1
            _ecrire(ws, r, 1, critere, style)
            _ligne_styles(ws, r, 2, 3, "vide")
            _formule(ws, r, 4, f"=SUMIF({plage},A{r},{plage_montant})", "montant")
        r += 1
        _ecrire(ws, r, 1, "Total", "total")
        _ligne_styles(ws, r, 2, 3, "total")
        _formule(ws, r, 4, f"=SUM(D{debut}:D{r - 1})" if criteres else "=0", "total-montant")
        r += 2

    _largeurs(ws, {1: _largeur_texte([p.libelle for p in postes] + ["Total des coûts du projet"], 30, 60),
                   2: 20, 3: 9, 4: 16})
    _mise_en_page(ws, entete, premiere, 4)
    return _PlageCouts(premiere, derniere, total)


def _feuille_rh(ws: Worksheet, projet: Projet, annees: list[int]) -> dict[int, str]:
    """Returns, per year, the cell (A1 reference) of that year's total of HR costs."""
    ligne = _entete(ws, "Plan de financement — coûts des ressources humaines", projet)
    _note(ws, ligne, _libelle_tva(projet) + " Le coût annuel est celui de la fonction à l'ETP indiqué "
          "(il n'est pas multiplié par l'ETP) ; il est compté pour chaque année listée.", 5 + len(annees))
    entete = ligne + 1
    _en_tetes(ws, entete, ("Fonction", "ETP", "Coût annuel (à cet ETP)", "Années"))
    premiere_annee = 5
    for i, annee in enumerate(annees):
        _ecrire(ws, entete, premiere_annee + i, annee, "entete-cout-annee")
    col_total = premiere_annee + len(annees)
    _ecrire(ws, entete, col_total, "Total", "entete")
    postes = list(projet.couts.rh or []) if projet.couts else []
    premiere = entete + 1
    for n, p in enumerate(postes):
        r = premiere + n
        _ecrire(ws, r, 1, p.fonction, "texte")
        _ecrire(ws, r, 2, p.etp, "etp")
        _ecrire(ws, r, 3, p.cout_annuel, "montant")
        _ecrire(ws, r, 4, ", ".join(str(a) for a in sorted(p.annees)), "code")
        for i in range(len(annees)):
            c = get_column_letter(premiere_annee + i)
            _formule(ws, r, premiere_annee + i, f"=IF(ISNUMBER(SEARCH({c}${entete},$D{r})),$C{r},0)", "montant")
        _formule(ws, r, col_total, _somme_ligne(r, premiere_annee, col_total - 1), "montant")
    if not postes:
        _ecrire(ws, premiere, 1, "Aucun coût de ressources humaines renseigné (couts.rh)", "texte")
        _ligne_styles(ws, premiere, 2, col_total, "vide")
    derniere = premiere + max(len(postes), 1) - 1
    total = derniere + 1
    _ecrire(ws, total, 1, "Total des coûts RH", "total")
    _ligne_styles(ws, total, 2, 4, "total")
    for col in range(premiere_annee, col_total + 1):
        c = get_column_letter(col)
        _formule(ws, total, col, f"=SUM({c}{premiere}:{c}{derniere})", "total-montant")
    _largeurs(ws, {1: _largeur_texte([p.fonction for p in postes] + ["Total des coûts RH"], 30, 55),
                   2: 7, 3: 16, 4: _largeur_texte([", ".join(map(str, p.annees)) for p in postes], 12, 30)})
    _largeurs(ws, {col: 15 for col in range(premiere_annee, col_total + 1)})
    _mise_en_page(ws, entete, premiere, col_total)
    return {annee: f"{get_column_letter(premiere_annee + i)}{total}" for i, annee in enumerate(annees)}


def _somme_ligne(r: int, premiere: int, derniere: int) -> str:
    if derniere < premiere:
        return "=0"
    return f"=SUM({get_column_letter(premiere)}{r}:{get_column_letter(derniere)}{r})"


def _feuille_plan(ws: Worksheet, projet: Projet, fin: Financement, annees: list[int], couts: _PlageCouts,
                  rh: dict[int, str]) -> None:
    ligne = _entete(ws, "Plan de financement pluriannuel", projet)
    t = fin.totaux
    _note(ws, ligne, _libelle_tva(projet) + f" Aide ESMS numérique calculée selon les règles de la campagne "
          f"{fin.campagne.annee} : {montant(t['total'])}.", 2 + len(annees))
    entete = ligne + 1
    col_total = 2 + len(annees)
    lt = get_column_letter(col_total)
    _ecrire(ws, entete, 1, "Emplois", "entete")
    for i, annee in enumerate(annees):
        _ecrire(ws, entete, 2 + i, annee, "entete-annee")
    _ecrire(ws, entete, col_total, "Total", "entete")

    feuille_couts = _feuille_ref(FEUILLES_FINANCEMENT[0])
    feuille_rh = _feuille_ref(FEUILLES_FINANCEMENT[1])
    r_couts, r_rh, r_emplois = entete + 1, entete + 2, entete + 3
    _ecrire(ws, r_couts, 1, "Coûts du projet (hors RH)", "texte")
    _ecrire(ws, r_rh, 1, "Coûts des ressources humaines", "texte")
    _ecrire(ws, r_emplois, 1, "Total des emplois", "total")
    plage = lambda c: f"{feuille_couts}!${c}${couts.premiere}:${c}${couts.derniere}"  # noqa: E731
    for i, annee in enumerate(annees):
        c = get_column_letter(2 + i)
        _formule(ws, r_couts, 2 + i, f"=SUMIF({plage('C')},{c}${entete},{plage('D')})", "montant")
        _formule(ws, r_rh, 2 + i, f"={feuille_rh}!{rh[annee]}", "montant")
        _formule(ws, r_emplois, 2 + i, f"={c}{r_couts}+{c}{r_rh}", "total-montant")
    for r, style in ((r_couts, "montant"), (r_rh, "montant"), (r_emplois, "total-montant")):
        _formule(ws, r, col_total, _somme_ligne(r, 2, col_total - 1), style)

    r = r_emplois + 2
    _ecrire(ws, r, 1, "Ressources", "entete")
    _ligne_styles(ws, r, 2, col_total - 1, "entete")
    _ecrire(ws, r, col_total, "Montant", "entete")
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
        _ecrire(ws, r, 1, libelle, "texte")
        _ligne_styles(ws, r, 2, col_total - 1, "vide")
        _ecrire(ws, r, col_total, valeur, "montant")
    r_aide = r + 1
    _ecrire(ws, r_aide, 1, "Total de l'aide ESMS numérique", "total")
    _ligne_styles(ws, r_aide, 2, col_total - 1, "total")
    _formule(ws, r_aide, col_total, f"=SUM({lt}{debut_aide}:{lt}{r_aide - 1})", "total-montant")
    pct_avance = nombre(fin.avance_taux * 100)
    pct_solde = nombre((1 - fin.avance_taux) * 100)
    r = r_aide
    for libelle, valeur in (
        (f"dont avance ({pct_avance} % à la signature de la convention avec l'ARS)", fin.avance),
        (f"dont solde ({pct_solde} % en fin de projet, selon l'atteinte des cibles d'usage)", fin.solde),
    ):
        r += 1
        _ecrire(ws, r, 1, libelle, "texte-retrait")
        _ligne_styles(ws, r, 2, col_total - 1, "vide")
        _ecrire(ws, r, col_total, valeur, "montant-retrait")
    autres = list(projet.couts.ressources_autres or []) if projet.couts else []
    debut_autres = r + 1
    for ressource in autres:
        r += 1
        _ecrire(ws, r, 1, ressource.libelle, "texte")
        _ligne_styles(ws, r, 2, col_total - 1, "vide")
        _ecrire(ws, r, col_total, ressource.montant, "montant")
    somme_autres = f"SUM({lt}{debut_autres}:{lt}{r})" if autres else "0"
    r_auto = r + 1
    _ecrire(ws, r_auto, 1, "Autofinancement (solde à la charge des organismes)", "texte")
    _ligne_styles(ws, r_auto, 2, col_total - 1, "vide")
    _formule(ws, r_auto, col_total, f"={lt}{r_emplois}-{lt}{r_aide}-{somme_autres}", "montant")
    r_ressources = r_auto + 1
    _ecrire(ws, r_ressources, 1, "Total des ressources", "total")
    _ligne_styles(ws, r_ressources, 2, col_total - 1, "total")
    _formule(ws, r_ressources, col_total, f"={lt}{r_aide}+{somme_autres}+{lt}{r_auto}", "total-montant")
    r_controle = r_ressources + 2
    _ecrire(ws, r_controle, 1, "Contrôle : emplois − ressources (doit être nul)", "controle")
    _ligne_styles(ws, r_controle, 2, col_total - 1, "controle")
    _formule(ws, r_controle, col_total, f"={lt}{r_emplois}-{lt}{r_ressources}", "controle-montant")
    _note(ws, r_controle + 2, "L'aide ESMS numérique est une subvention forfaitaire unique versée pour "
          f"{pct_avance} % à la signature de la convention et pour {pct_solde} % en fin de projet ; les "
          "montants de l'aide sont ceux du calcul de financement, au centime.", col_total)
    libelles = [libelle for libelle, _ in lignes_aide] + [x.libelle for x in autres]
    _largeurs(ws, {1: _largeur_texte(libelles + ["Contrôle : emplois − ressources (doit être nul)"], 40, 70)})
    _largeurs(ws, {col: 15 for col in range(2, col_total + 1)})
    _mise_en_page(ws, entete, entete + 1, col_total, 2)


# --------------------------------------------------------------------------- déclaration des heures SAAD


def _declaration_saad(wb: Workbook, projet: Projet, fin: Financement) -> None:
    ws = wb.create_sheet(FEUILLE_SAAD)
    ligne = _entete(ws, "Déclaration des heures dédiées à l'activité médico-sociale (annexe 1 de l'AAP)", projet)
    annee_n1 = int(fin.campagne.annee) - 1
    _ecrire(ws, ligne, 1, "Année des heures déclarées (N-1)", "etiquette")
    _ecrire(ws, ligne, 2, annee_n1, "valeur-annee")
    declarants = [e for e in projet.essms if e.heures_saad is not None]
    autres_annees = [e for e in declarants if e.heures_saad.annee != annee_n1]
    ligne += 1
    if autres_annees:
        _note(ws, ligne, "Heures d'une autre année que N-1 : " + ", ".join(
            f"{e.nom} ({e.heures_saad.annee})" for e in autres_annees) + ".", len(COLONNES_SAAD))
        ligne += 1
    entete = ligne + 1
    _en_tetes(ws, entete, COLONNES_SAAD)
    ws.row_dimensions[entete].height = 56
    finess_ej_og = {og.id: og.finess_ej for og in projet.organismes}
    premiere = entete + 1
    for n, e in enumerate(declarants):
        r = premiere + n
        h = e.heures_saad
        _ecrire(ws, r, 1, e.nom, "texte")
        _ecrire(ws, r, 2, e.finess_ej or finess_ej_og.get(e.organisme, ""), "code")
        _ecrire(ws, r, 3, e.finess_et, "code")
        for col, valeur in zip(range(4, 8), (h.total, h.apa, h.pch, h.dependance_autres)):
            _ecrire(ws, r, col, valeur, "heures" if valeur == valeur.to_integral_value() else "heures-decimales")
        _ecrire(ws, r, 8, h.financement_autres or "", "texte")
        _formule(ws, r, 9, f"=IF(D{r}>0,(E{r}+F{r}+G{r})/D{r},\"\")", "pourcent")
        _formule(ws, r, 10, f"=IF(D{r}>0,(D{r}-E{r}-F{r}-G{r})/D{r},\"\")", "pourcent")
    if not declarants:
        _ecrire(ws, premiere, 1, "Aucun ESSMS ne déclare d'heures (essms[].heures_saad)", "texte")
        _ligne_styles(ws, premiere, 2, 10, "vide")
    derniere = premiere + max(len(declarants), 1) - 1
    total = derniere + 1
    _ecrire(ws, total, 1, "Total", "total")
    _ligne_styles(ws, total, 2, 3, "total")
    for col in range(4, 8):
        c = get_column_letter(col)
        _formule(ws, total, col, f"=SUM({c}{premiere}:{c}{derniere})", "total-heures")
    _ecrire(ws, total, 8, "", "total")
    _formule(ws, total, 9, f"=IF(D{total}>0,(E{total}+F{total}+G{total})/D{total},\"\")", "total-pourcent")
    _formule(ws, total, 10, f"=IF(D{total}>0,(D{total}-E{total}-F{total}-G{total})/D{total},\"\")", "total-pourcent")
    r = total + 2
    for note in (
        "% total activités MS = (heures APA + heures PCH + heures dépendance hors APA/PCH) / heures réalisées ; "
        "% total activités de confort = le reste.",
        "Les forfaits usages et logiciel de chaque structure sont modulés au prorata de son activité médico-sociale "
        "(les pourcentages affichés sont arrondis, le calcul ne l'est pas).",
    ):
        _note(ws, r, note, len(COLONNES_SAAD))
        r += 1
    _largeurs(ws, {1: _largeur_texte([e.nom for e in declarants] + ["Année des heures déclarées (N-1)"], 28, 50),
                   2: 12, 3: 12, 4: 16, 5: 12, 6: 12, 7: 16,
                   8: _largeur_texte([e.heures_saad.financement_autres or "" for e in declarants], 24, 48),
                   9: 12, 10: 12})
    _mise_en_page(ws, entete, premiere, len(COLONNES_SAAD), 2)


# --------------------------------------------------------------------------- matériels


_SOUS_TOTAL_DEVIS = "Sous-total du devis"
_MONTANT_FINANCE = "Montant financé par l'aide ESMS numérique"


def _somme_si(premiere: int, derniere: int, libelle: str) -> str:
    """Sum of column D over the rows labelled ``libelle``: one ``+D…`` per ESSMS would pass Excel's
    8 192-character formula limit from about 1 100 equipped ESSMS (Excel then calls the file corrupt)."""
    return f'=SUMIF($A${premiere}:$A${derniere},"{libelle}",$D${premiere}:$D${derniere})'


def _materiels(wb: Workbook, projet: Projet, fin: Financement) -> None:
    ws = wb.create_sheet(FEUILLE_MATERIELS)
    ligne = _entete(ws, "Liste chiffrée des matériels et plan d'implantation", projet)
    plafond = fin.campagne.valeur("petits_og.materiel_plafond", 20000)
    _ecrire(ws, ligne, 1, "Plafond par ESSMS (ESSMS d'un petit organisme gestionnaire)", "etiquette")
    _ecrire(ws, ligne, 4, Decimal(str(plafond)), "valeur-montant")
    cellule_plafond = f"$D${ligne}"
    _note(ws, ligne + 1, _libelle_tva(projet) + " Montant financé = MIN(plafond ; devis) pour un ESSMS d'un "
          "petit organisme gestionnaire, 0 sinon.", 6)
    entete = ligne + 3
    colonnes = ("Désignation", "Quantité", "Prix unitaire", "Total", "Référence du devis", "Emplacement")
    _en_tetes(ws, entete, colonnes)
    lignes_fin = {le.essms.finess_et: le for le in fin.essms}
    petits = {o.id: o.petit for o in fin.organismes}
    noms_og = {og.id: og.raison_sociale for og in projet.organismes}
    r = entete
    textes_a, textes_f = [], []
    equipes = [e for e in projet.essms if e.materiel is not None]
    for e in equipes:
        m = e.materiel
        r += 1
        groupe = f"{e.nom} — FINESS ET {e.finess_et} — {noms_og.get(e.organisme, e.organisme)}"
        _ecrire(ws, r, 1, groupe, "groupe")
        _ligne_styles(ws, r, 2, 6, "groupe")
        lignes = m.lignes or []
        premiere = r + 1
        if lignes:
            for l in lignes:
                r += 1
                _ecrire(ws, r, 1, l.designation, "texte")
                _ecrire(ws, r, 2, l.quantite, "nombre")
                _ecrire(ws, r, 3, l.prix_unitaire, "montant")
                _formule(ws, r, 4, f"=B{r}*C{r}", "montant")
                _ecrire(ws, r, 5, m.reference_devis or "", "texte")
                _ecrire(ws, r, 6, l.emplacement or "", "texte")
                textes_a.append(l.designation)
                textes_f.append(l.emplacement or "")
        else:
            r += 1
            _ecrire(ws, r, 1, "Devis global", "texte")
            _ecrire(ws, r, 2, 1, "nombre")
            _ecrire(ws, r, 3, m.devis, "montant")
            _formule(ws, r, 4, f"=B{r}*C{r}", "montant")
            _ecrire(ws, r, 5, m.reference_devis or "", "texte")
            _ecrire(ws, r, 6, "", "texte")
        r += 1
        r_sous_total = r
        _ecrire(ws, r, 1, _SOUS_TOTAL_DEVIS, "total")
        _ligne_styles(ws, r, 2, 3, "total")
        _formule(ws, r, 4, f"=SUM(D{premiere}:D{r - 1})", "total-montant")
        _ligne_styles(ws, r, 5, 6, "total")
        r += 1
        _ecrire(ws, r, 1, _MONTANT_FINANCE, "texte")
        _ligne_styles(ws, r, 2, 3, "vide")
        ligne_fin = lignes_fin.get(e.finess_et)
        if petits.get(e.organisme):
            _formule(ws, r, 4, f"=MIN({cellule_plafond},D{r_sous_total})", "total-montant")
            _formule(ws, r, 5, f'=IF(D{r_sous_total}>{cellule_plafond},"plafond appliqué","dans la limite du plafond")',
                     "texte")
        else:
            _ecrire(ws, r, 4, ligne_fin.materiel if ligne_fin else Decimal(0), "total-montant")
            _ecrire(ws, r, 5, "non financé : organisme gestionnaire non « petit »", "texte")
        ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=6)
    if not equipes:
        r += 1
        _ecrire(ws, r, 1, "Aucun financement de matériel demandé (essms[].materiel)", "texte")
        _ligne_styles(ws, r, 2, 6, "vide")
    r += 2
    _ecrire(ws, r, 1, "Total des devis", "total")
    _ligne_styles(ws, r, 2, 3, "total")
    _formule(ws, r, 4, _somme_si(entete + 1, r - 2, _SOUS_TOTAL_DEVIS), "total-montant")
    _ligne_styles(ws, r, 5, 6, "total")
    r += 1
    _ecrire(ws, r, 1, "Total financé par l'aide ESMS numérique (matériel)", "total")
    _ligne_styles(ws, r, 2, 3, "total")
    _formule(ws, r, 4, _somme_si(entete + 1, r - 3, _MONTANT_FINANCE), "total-montant")
    _ligne_styles(ws, r, 5, 6, "total")
    _largeurs(ws, {1: _largeur_texte(textes_a + [_MONTANT_FINANCE], 36, 55),
                   2: 10, 3: 14, 4: 15, 5: 22, 6: _largeur_texte(textes_f + ["Emplacement"], 18, 40)})
    _mise_en_page(ws, entete, entete + 1, 6)
