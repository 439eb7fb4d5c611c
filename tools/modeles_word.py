"""Generate the Word templates of the dossier (templates/*.docx) with python-docx.

    PYTHONPATH=src python3 tools/modeles_word.py [DOSSIER]     # default: templates/

The templates are docxtpl (Jinja) documents: ``{{ champ }}`` inside a run, ``{%p … %}`` alone in a
paragraph, ``{%tr … %}`` alone in a table row. Every Jinja tag is written inside one single run, so
that ``dossier templates check`` finds no split tag. The fields come from
``dossier.render.contextes`` (see its docstring); the wording here is the standard wording a
consultant edits in the exported templates.

Layout: A4 portrait (the ESSMS table of the note in a landscape section), Arial, sober blue
headings, tables with borders and a shaded header row, amounts right-aligned, header with the
project title and the porteur, footer with the piece, the date and "Page X sur Y".
Files are written with fixed zip timestamps so that regenerating them gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

RACINE = Path(__file__).resolve().parent.parent
POLICE = "Arial"
BLEU = "1F3864"
BLEU_MOYEN = "2E5395"
GRIS_TEXTE = "595959"
FOND_ENTETE = "D9E2F3"
FOND_TOTAL = "F2F2F2"
FOND_CLE = "EEF2F8"
BORDURE = "8EA2C4"
A4 = (Cm(21.0), Cm(29.7))
MARGE_H, MARGE_V = Cm(2.0), Cm(2.2)
LARGEUR_PORTRAIT = 17.0  # cm of text width
LARGEUR_PAYSAGE = 25.7

_BALISE = re.compile(r"\{[{%#]|[}%#]\}")


# --------------------------------------------------------------------------- low-level helpers


def _rgb(hexa: str) -> RGBColor:
    return RGBColor.from_string(hexa)


def _el(tag: str, **attrs: str) -> OxmlElement:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e


def _verifier_run(texte: str) -> None:
    """A run holds whole Jinja tags only (the split-tag lint must find nothing)."""
    for ouvre, ferme in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
        if texte.count(ouvre) != texte.count(ferme):
            raise ValueError(f"balise Jinja incomplète dans un segment : {texte!r}")


#: French typography: a no-break space inside « » and before ; : ? ! (never a lone sign at a line start or end).
_TYPO = (("« ", "«\u00a0"), (" »", "\u00a0»"), (" ;", "\u00a0;"), (" :", "\u00a0:"), (" ?", "\u00a0?"),
         (" !", "\u00a0!"))


def typographie(texte: str) -> str:
    """``texte`` with the no-break spaces of French typography (the Jinja tags hold none of these signs)."""
    for avant, apres in _TYPO:
        texte = texte.replace(avant, apres)
    return texte


def _runs(paragraphe, texte: str, gras: bool = False, italique: bool = False,
          taille: float | None = None, couleur: str | None = None) -> None:
    """Add ``texte`` to a paragraph; ``**…**`` toggles bold; ``\\n`` is a line break."""
    texte = typographie(texte)
    for i, morceau in enumerate(texte.split("**")):
        if not morceau:
            continue
        _verifier_run(morceau)
        run = paragraphe.add_run(morceau)
        run.bold = gras != (i % 2 == 1) or None
        if italique:
            run.italic = True
        if taille:
            run.font.size = Pt(taille)
        if couleur:
            run.font.color.rgb = _rgb(couleur)


def _champ(paragraphe, instruction: str, taille: float | None = None) -> None:
    """A simple field (PAGE, NUMPAGES) with a cached value."""
    fld = _el("w:fldSimple", instr=instruction)
    r = OxmlElement("w:r")
    if taille:
        rpr = OxmlElement("w:rPr")
        rpr.append(_el("w:sz", val=str(int(taille * 2))))
        r.append(rpr)
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraphe._p.append(fld)


def _bordure_paragraphe(paragraphe, cote: str = "bottom", couleur: str = BORDURE, epaisseur: int = 6) -> None:
    ppr = paragraphe._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    bdr.append(_el(f"w:{cote}", val="single", sz=str(epaisseur), space="4", color=couleur))


def _fond_cellule(cellule, couleur: str) -> None:
    tcpr = cellule._tc.get_or_add_tcPr()
    tcpr.append(_el("w:shd", val="clear", color="auto", fill=couleur))


def _polices_explicites(doc) -> None:
    """Drop theme fonts (Word would show Calibri/Cambria) and set French as the language."""
    styles = doc.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
        for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
            rfonts.set(qn(f"w:{attr}"), POLICE)
    defaut = styles.find(qn("w:docDefaults"))
    rpr = defaut.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for lang in rpr.findall(qn("w:lang")):
        rpr.remove(lang)
    rpr.append(_el("w:lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"))


def _style_paragraphe(doc, nom: str, base: str = "Normal", taille: float = 10, gras: bool = False,
                      couleur: str | None = None, avant: float = 0, apres: float = 6,
                      interligne: float | None = None, alignement=None, italique: bool = False):
    styles = doc.styles
    try:
        style = styles[nom]
    except KeyError:
        style = styles.add_style(nom, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if base and base != nom else None
    style.quick_style = True
    f = style.font
    f.name = POLICE
    f.size = Pt(taille)
    f.bold = gras
    f.italic = italique
    f.color.rgb = _rgb(couleur) if couleur else None
    pf = style.paragraph_format
    pf.space_before = Pt(avant)
    pf.space_after = Pt(apres)
    if interligne:
        pf.line_spacing = interligne
    if alignement is not None:
        pf.alignment = alignement
    return style


def _styles(doc) -> None:
    _style_paragraphe(doc, "Normal", base="", taille=10, apres=6, interligne=1.12,
                      alignement=WD_ALIGN_PARAGRAPH.JUSTIFY, couleur="1A1A1A")
    _style_paragraphe(doc, "Title", taille=20, gras=True, couleur=BLEU, avant=6, apres=4, interligne=1.0,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    titre = doc.styles["Title"]
    tppr = titre.element.get_or_add_pPr()
    for bdr in tppr.findall(qn("w:pBdr")):
        tppr.remove(bdr)
    _style_paragraphe(doc, "Subtitle", taille=13, couleur=BLEU_MOYEN, apres=12, interligne=1.0,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    doc.styles["Subtitle"].font.italic = False
    surtitre = _style_paragraphe(doc, "Surtitre", taille=8.5, gras=True, couleur=BLEU_MOYEN, apres=2,
                                 alignement=WD_ALIGN_PARAGRAPH.LEFT)
    surtitre.font.all_caps = True
    for niveau, taille, avant, apres in ((1, 13, 16, 6), (2, 11, 10, 4), (3, 10, 8, 3)):
        st = _style_paragraphe(doc, f"Heading {niveau}", taille=taille, gras=True,
                               couleur=BLEU if niveau == 1 else BLEU_MOYEN, avant=avant, apres=apres,
                               interligne=1.0, alignement=WD_ALIGN_PARAGRAPH.LEFT)
        st.paragraph_format.keep_with_next = True
        st.font.italic = False
    _bordure_paragraphe_style(doc.styles["Heading 1"])
    _style_paragraphe(doc, "List Bullet", taille=10, apres=3, interligne=1.12,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _style_paragraphe(doc, "Tableau", taille=9, apres=1.5, avant=1.5, interligne=1.0,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _style_paragraphe(doc, "Tableau compact", taille=8, apres=1, avant=1, interligne=1.0,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _style_paragraphe(doc, "Note", taille=8, italique=True, couleur=GRIS_TEXTE, apres=4, avant=2,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _style_paragraphe(doc, "Signature", taille=10, apres=2, interligne=1.0, alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _style_paragraphe(doc, "Header", taille=8, couleur=GRIS_TEXTE, apres=0, interligne=1.0,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _style_paragraphe(doc, "Footer", taille=8, couleur=GRIS_TEXTE, apres=0, interligne=1.0,
                      alignement=WD_ALIGN_PARAGRAPH.LEFT)
    for nom in ("Header", "Footer"):  # python-docx's default tab stops (Letter width) would catch the tab
        ppr = doc.styles[nom].element.get_or_add_pPr()
        for tabs in ppr.findall(qn("w:tabs")):
            ppr.remove(tabs)
    _polices_explicites(doc)


def _bordure_paragraphe_style(style) -> None:
    ppr = style.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bdr.append(_el("w:bottom", val="single", sz="6", space="2", color=BORDURE))
    ppr.append(bdr)


def _alleger(doc) -> None:
    """Keep only what the template uses: python-docx's default package carries ~800 kB of styles
    (stylesWithEffects, 170 styles, latent styles), a thumbnail of another document and custom XML;
    parsing them would cost every rendering."""
    for rels, inutiles in ((doc.part.package.rels, ("thumbnail",)),
                           (doc.part.rels, ("stylesWithEffects", "customXml", "webSettings"))):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in inutiles:
                rels.pop(rid)
    styles = doc.styles.element
    parties = [doc.element] + [s.header._element for s in doc.sections] + [s.footer._element for s in doc.sections]
    utilises: set[str] = set()
    for partie in parties:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyle"):
            utilises.update(e.get(qn("w:val")) for e in partie.iter(qn(tag)))
    par_id = {st.get(qn("w:styleId")): st for st in styles.iterchildren(qn("w:style"))}
    utilises.update(i for i, st in par_id.items() if st.get(qn("w:default")) == "1")
    a_voir = list(utilises)
    while a_voir:  # base styles, linked and next styles
        st = par_id.get(a_voir.pop())
        if st is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            e = st.find(qn(tag))
            if e is not None and e.get(qn("w:val")) not in utilises:
                utilises.add(e.get(qn("w:val")))
                a_voir.append(e.get(qn("w:val")))
    for i, st in par_id.items():
        if i not in utilises:
            styles.remove(st)
    latents = styles.find(qn("w:latentStyles"))
    if latents is not None:
        styles.remove(latents)


def _normaliser_zip(contenu: bytes) -> bytes:
    """Same bytes for the same content: fixed timestamps, deflate."""
    source = zipfile.ZipFile(io.BytesIO(contenu))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            nouveau = zipfile.ZipInfo(info.filename, date_time=(2023, 1, 1, 0, 0, 0))
            nouveau.compress_type = zipfile.ZIP_DEFLATED
            nouveau.external_attr = 0o644 << 16
            z.writestr(nouveau, source.read(info.filename))
    return sortie.getvalue()


# --------------------------------------------------------------------------- the builder


class Modele:
    """A Word template under construction."""

    #: Header lines (``**…**`` bold) and footer text of a piece; a letter overrides them with the OG's.
    ENTETE = ["**{{ titre }}**\t{{ porteur.raison_sociale }}"]
    PIED = " – {{ porteur.raison_sociale }} – {{ date }}"
    #: Field counting the pages of "Page X sur Y": the whole document, or one letter (section).
    TOTAL_PAGES = "NUMPAGES"

    def __init__(self, cle_titre: str, libelle: str):
        self.cle_titre = cle_titre  # key of ``titres`` in the context: the piece's title
        self.libelle = libelle
        self.doc = Document()
        _styles(self.doc)
        self.largeur = LARGEUR_PORTRAIT
        section = self.doc.sections[0]
        self._mise_en_page(section, paysage=False)
        self._entete_pied(section)
        corps = self.doc.element.body
        for p in list(corps.iterchildren(qn("w:p"))):
            corps.remove(p)

    # page layout ---------------------------------------------------------------------------

    def _mise_en_page(self, section, paysage: bool) -> None:
        largeur, hauteur = A4
        section.orientation = WD_ORIENT.LANDSCAPE if paysage else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (hauteur, largeur) if paysage else (largeur, hauteur)
        marge_laterale = Cm(2.0)
        section.left_margin = section.right_margin = marge_laterale
        section.top_margin = MARGE_V
        section.bottom_margin = Cm(2.0)
        section.header_distance = Cm(1.0)
        section.footer_distance = Cm(1.0)
        self.largeur = LARGEUR_PAYSAGE if paysage else LARGEUR_PORTRAIT

    def _entete_pied(self, section) -> None:
        tab = Cm(self.largeur)
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        for i, ligne in enumerate(self.ENTETE):
            entete = section.header.paragraphs[0] if i == 0 else section.header.add_paragraph()
            entete.style = self.doc.styles["Header"]
            entete.paragraph_format.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.RIGHT)
            for j, morceau in enumerate(ligne.split("\t")):
                if j:
                    entete.add_run("\t")
                _runs(entete, morceau)
        _bordure_paragraphe(entete, "bottom")
        pied = section.footer.paragraphs[0]
        pied.style = self.doc.styles["Footer"]
        pied.paragraph_format.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.RIGHT)
        _bordure_paragraphe(pied, "top")
        _runs(pied, f"{{{{ titres.{self.cle_titre} }}}}")
        _runs(pied, self.PIED)
        pied.add_run("\tPage ")
        _champ(pied, "PAGE")
        pied.add_run(" sur ")
        _champ(pied, self.TOTAL_PAGES)

    def paysage(self) -> None:
        """Start a new landscape section (new page)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._mise_en_page(section, paysage=True)
        self._entete_pied(section)

    def portrait(self) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._mise_en_page(section, paysage=False)
        self._entete_pied(section)

    # paragraphs ----------------------------------------------------------------------------

    def p(self, texte: str, style: str = "Normal", gras: bool = False, italique: bool = False,
          aligne: str | None = None, avant: float | None = None, apres: float | None = None,
          garder: bool = False, retrait: float | None = None):
        par = self.doc.add_paragraph(style=style)
        _runs(par, texte, gras=gras, italique=italique)
        pf = par.paragraph_format
        if aligne:
            pf.alignment = {"g": WD_ALIGN_PARAGRAPH.LEFT, "d": WD_ALIGN_PARAGRAPH.RIGHT,
                            "c": WD_ALIGN_PARAGRAPH.CENTER, "j": WD_ALIGN_PARAGRAPH.JUSTIFY}[aligne]
        if avant is not None:
            pf.space_before = Pt(avant)
        if apres is not None:
            pf.space_after = Pt(apres)
        if garder:
            pf.keep_with_next = True
        if retrait is not None:
            pf.left_indent = Cm(retrait)
        return par

    def balise(self, tag: str) -> None:
        """A paragraph-level docxtpl tag (``{%p … %}``): the whole paragraph is replaced."""
        self.p(f"{{%p {tag} %}}", apres=0)

    def h1(self, texte: str, nouvelle_page: bool = False) -> None:
        """A heading; ``nouvelle_page``: it starts a page (no page-break paragraph that could be left alone
        on an otherwise blank page)."""
        self.p(texte, style="Heading 1").paragraph_format.page_break_before = nouvelle_page or None

    def h2(self, texte: str) -> None:
        self.p(texte, style="Heading 2")

    def puce(self, texte: str) -> None:
        self.p(texte, style="List Bullet")

    def puces(self, liste: str, element: str = "x") -> None:
        """One bullet per item of a context list of strings."""
        self.balise(f"for {element} in {liste}")
        self.puce(f"{{{{ {element} }}}}")
        self.balise("endfor")

    def bloc_titre(self, sous_titre: str = "{{ titre }}", cartouche: list[tuple[str, str]] | None = None) -> None:
        self.p("Programme ESMS numérique – campagne {{ campagne }}", style="Surtitre")
        self.p(f"{{{{ titres.{self.cle_titre} }}}}", style="Title")
        self.p(sous_titre, style="Subtitle")
        lignes = cartouche if cartouche is not None else [
            ("Porteur du projet", "{{ porteur.raison_sociale }}"),
            ("Projet", "{{ nature_projet }}"),
            ("Périmètre", "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, "
                          "{{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }}"),
            ("Dépôt", "{{ guichet.financeur }} – {{ date }}"),
            ("Références", "{{ sources }}"),
        ]
        self.cles_valeurs(lignes, largeur_cle=4.0)
        self.p("", apres=4)

    # tables --------------------------------------------------------------------------------

    def _table(self, largeurs: list[float]):
        table = self.doc.add_table(rows=0, cols=len(largeurs))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tblpr = table._tbl.tblPr
        for e in tblpr.findall(qn("w:tblStyle")):
            tblpr.remove(e)
        total = sum(largeurs)
        tblw = tblpr.find(qn("w:tblW"))
        if tblw is None:
            tblw = OxmlElement("w:tblW")
            tblpr.append(tblw)
        tblw.set(qn("w:w"), str(int(total * 567)))
        tblw.set(qn("w:type"), "dxa")
        bordures = OxmlElement("w:tblBorders")
        for cote in ("top", "left", "bottom", "right", "insideH", "insideV"):
            bordures.append(_el(f"w:{cote}", val="single", sz="4", space="0", color=BORDURE))
        tblpr.append(bordures)
        tblpr.append(_el("w:tblLayout", type="fixed"))
        marges = OxmlElement("w:tblCellMar")
        for cote, valeur in (("left", "85"), ("right", "85")):
            marges.append(_el(f"w:{cote}", w=valeur, type="dxa"))
        tblpr.append(marges)
        grille = table._tbl.tblGrid
        for col, largeur in zip(grille.findall(qn("w:gridCol")), largeurs):
            col.set(qn("w:w"), str(int(largeur * 567)))
        return table

    def _ligne(self, table, textes: list[str], largeurs: list[float], alignements: str, style: str,
               gras: bool = False, fond: str | None = None, entete: bool = False, hauteur: float | None = None,
               garder: bool = False):
        """A table row that never splits across pages; ``garder``: kept with the next row."""
        row = table.add_row()
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if entete:
            trpr.append(OxmlElement("w:tblHeader"))
        if hauteur:
            trpr.append(_el("w:trHeight", val=str(int(hauteur * 567)), hRule="atLeast"))
        for cellule, texte, largeur, al in zip(row.cells, textes, largeurs, alignements):
            cellule.width = Cm(largeur)
            par = cellule.paragraphs[0]
            par.style = self.doc.styles[style]
            if al == "d":
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif al == "c":
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _runs(par, texte, gras=gras)
            if garder:
                par.paragraph_format.keep_with_next = True
            if fond:
                _fond_cellule(cellule, fond)
        return row

    def tableau(self, colonnes: list[tuple[str, float, str]], cellules: list[str] | None = None,
                boucle: str | None = None, total: list[str] | None = None, compact: bool = False,
                avant: list[list[str]] | None = None, entete: bool = True) -> None:
        """A table: shaded header row repeated on each page, optional ``{%tr for %}`` row, optional bold
        total row. Rows never split; the last item before a total is kept with it (the loop runs over
        all items but the last, then the last one in a row kept with the total).

        ``colonnes``: (header, width in cm, alignment g/d/c). Widths are scaled to the text width.
        """
        largeurs = [c[1] for c in colonnes]
        echelle = self.largeur / sum(largeurs)
        largeurs = [round(w * echelle, 2) for w in largeurs]
        alignements = "".join(c[2] for c in colonnes)
        style = "Tableau compact" if compact else "Tableau"
        table = self._table(largeurs)
        if entete:
            self._ligne(table, [c[0] for c in colonnes], largeurs, alignements.replace("d", "c"), style,
                        gras=True, fond=FOND_ENTETE, entete=True)
        for ligne in avant or []:
            self._ligne(table, ligne, largeurs, alignements, style)
        vide = [""] * (len(colonnes) - 1)
        tranches = [(boucle, False)]
        if boucle and total:
            tranches = [(f"{boucle}[:-1]", False), (f"{boucle}[-1:]", True)]
        for tranche, garder in tranches:
            if tranche:
                self._ligne(table, [f"{{%tr {tranche} %}}"] + vide, largeurs, alignements, style)
            if cellules:
                self._ligne(table, cellules, largeurs, alignements, style, garder=garder)
            if tranche:
                self._ligne(table, ["{%tr endfor %}"] + vide, largeurs, alignements, style)
        if total:
            self._ligne(table, total, largeurs, alignements, style, gras=True, fond=FOND_TOTAL)
        self.p("", apres=2)

    def cles_valeurs(self, lignes: list[tuple[str, str]], largeur_cle: float = 5.5,
                     alignement_valeur: str = "g", conditions: dict[int, str] | None = None,
                     gras_lignes: tuple[int, ...] = ()) -> None:
        """A two-column table: shaded labels on the left. ``conditions``: row index -> Jinja test."""
        largeurs = [largeur_cle, self.largeur - largeur_cle]
        table = self._table(largeurs)
        for i, (cle, valeur) in enumerate(lignes):
            condition = (conditions or {}).get(i)
            if condition:
                self._ligne(table, [f"{{%tr if {condition} %}}", ""], largeurs, "gg", "Tableau")
            row = self._ligne(table, [cle, valeur], largeurs, "g" + alignement_valeur, "Tableau",
                              gras=i in gras_lignes)
            _fond_cellule(row.cells[0], FOND_CLE)
            if i in gras_lignes:
                _fond_cellule(row.cells[1], FOND_TOTAL)
            for run in row.cells[0].paragraphs[0].runs:
                run.bold = True
            if condition:
                self._ligne(table, ["{%tr endif %}", ""], largeurs, "gg", "Tableau")
        for row in table.rows[:-1]:  # a short table stays on one page
            for cellule in row.cells:
                for par in cellule.paragraphs:
                    par.paragraph_format.keep_with_next = True

    def signatures(self, boucle: str, nom: str, lignes: list[str], cadre: str = "Date, signature et cachet :") -> None:
        """One signature block per item: identity on the left, space to sign on the right."""
        largeurs = [self.largeur * 0.5, self.largeur * 0.5]
        table = self._table(largeurs)
        self._ligne(table, [f"{{%tr {boucle} %}}", ""], largeurs, "gg", "Signature")
        row = self._ligne(table, ["", ""], largeurs, "gg", "Signature", hauteur=3.2)
        gauche = row.cells[0].paragraphs[0]
        _runs(gauche, f"Pour **{nom}**")
        for ligne in lignes:
            par = row.cells[0].add_paragraph(style="Signature")
            _runs(par, ligne)
        _runs(row.cells[1].paragraphs[0], cadre, italique=True, couleur=GRIS_TEXTE)
        self._ligne(table, ["{%tr endfor %}", ""], largeurs, "gg", "Signature")
        self.p("", apres=2)

    # output --------------------------------------------------------------------------------

    def enregistrer(self, chemin: Path) -> None:
        cp = self.doc.core_properties
        cp.title = f"{self.libelle} – {{{{ titre|safe }}}}"
        cp.subject = "Programme ESMS numérique – dossier de financement"
        cp.author = "{{ porteur.raison_sociale|safe }}"
        cp.last_modified_by = "dossier"
        cp.comments = "Modèle généré par tools/modeles_word.py (dossier)"
        cp.keywords = "ESMS numérique; DUI; Ségur"
        cp.language = "fr-FR"
        cp.created = cp.modified = dt.datetime(2023, 1, 1)
        cp.revision = 1
        _alleger(self.doc)
        tampon = io.BytesIO()
        self.doc.save(tampon)
        chemin.write_bytes(_normaliser_zip(tampon.getvalue()))


# --------------------------------------------------------------------------- shared blocks

COLONNES_FINANCEMENT_OG = [
    ("Organisme gestionnaire", 3.0, "g"), ("ESSMS", 1.7, "c"), ("Usages", 2.45, "d"), ("Logiciel", 2.45, "d"),
    ("Matériel", 2.45, "d"), ("Pilotage (AMOA, SAD)", 2.45, "d"), ("Total", 2.5, "d"),
]
CELLULES_FINANCEMENT_OG = [
    "{{ l.raison_sociale }}", "{{ l.nb_essms }}", "{{ l.usages }}", "{{ l.logiciel }}", "{{ l.materiel }}",
    "{{ l.pilotage }}", "{{ l.total }}",
]
TOTAL_FINANCEMENT = [
    "Total du projet", "{{ nb_essms }}", "{{ financement.usages }}", "{{ financement.logiciel }}",
    "{{ financement.materiel }}", "{{ financement.pilotage }}", "{{ financement.total }}",
]


def tableau_financement_og(m: Modele) -> None:
    m.tableau(COLONNES_FINANCEMENT_OG, CELLULES_FINANCEMENT_OG, boucle="for l in financement.lignes",
              total=TOTAL_FINANCEMENT, compact=True)


def tableau_instances(m: Modele) -> None:
    m.tableau([("Instance", 3.2, "g"), ("Composition", 5.6, "g"), ("Fréquence", 2.4, "g"), ("Rôle", 5.8, "g")],
              ["**{{ i.nom }}**", "{{ i.composition }}", "{{ i.frequence }}", "{{ i.role }}"],
              boucle="for i in gouvernance.instances")


def tableau_essms_simple(m: Modele, boucle: str = "for e in essms", avec_og: bool = True) -> None:
    colonnes = [("Établissement ou service", 5.6, "g"), ("FINESS ET", 2.1, "c"), ("Catégorie", 4.6, "g")]
    cellules = ["{{ e.nom }}", "{{ e.finess_et }}", "{{ e.categorie_code }} – {{ e.categorie_libelle }}"]
    if avec_og:
        colonnes.append(("Organisme gestionnaire", 4.7, "g"))
        cellules.append("{{ e.organisme }}")
    else:
        colonnes.append(("Commune", 4.7, "g"))
        cellules.append("{{ e.commune }}")
    m.tableau(colonnes, cellules, boucle=boucle, compact=True)


POINTILLES = "…………………………"


def bloc_signature(m: Modele, fait_a: str, nom: str, fonction: str, cadre: str) -> None:
    """Place, date, signatory and signature space, kept together and with the paragraph before."""
    m.p(fait_a, style="Signature", retrait=8.5, avant=8, garder=True)
    m.p(nom, style="Signature", retrait=8.5, gras=True, garder=True)
    m.p(fonction, style="Signature", retrait=8.5, garder=True)
    m.p(cadre, style="Note", retrait=8.5)


def engagements_regroupement(m: Modele) -> None:
    """The two conditions of the call for projects on the grouping, and the split of its remaining cost."""
    m.p("Conformément aux conditions de l'appel à projets, les membres du regroupement s'engagent :", garder=True)
    m.puce("à maintenir le regroupement pour une durée au moins égale à celle du projet{% if planning.renseigne %}, "
           "dont le calendrier prévisionnel court {{ planning.periode }}{% if planning.fin_apres_deploiement %} "
           "(fin du déploiement le {{ planning.fin_deploiement }}, puis bilan et demande de solde){% endif %}"
           "{% endif %} ;")
    m.puce("à mutualiser les moyens dédiés au projet : solution, paramétrage, formation, pilotage et suivi des "
           "usages.")
    m.balise("if regroupement.initial")
    m.p("Le projet rejoint le regroupement « {{ regroupement.initial.nom }} », déjà financé par le programme, dont la "
        "convention a été signée le {{ regroupement.initial.date }}.")
    m.balise("endif")
    m.balise("if regroupement.a_couts")
    m.p("Le coût du projet ({{ regroupement.couts }}) non couvert par l'aide ESMS numérique ({{ financement.total }}) "
        "et par les autres ressources ({{ regroupement.autres }}) reste à la charge des organismes gestionnaires "
        "(autofinancement) : {{ regroupement.autofinancement }}, réparti {{ regroupement.regle }} :", garder=True)
    m.tableau([("Organisme gestionnaire", 9.0, "g"), ("Part", 3.0, "c"), ("Autofinancement", 5.0, "d")],
              ["{{ l.organisme }}", "{{ l.part }}", "{{ l.montant }}"], boucle="for l in regroupement.repartition",
              total=["Total", "100\u202f%", "{{ regroupement.autofinancement }}"], compact=True)
    m.balise("else")
    m.p("Le coût du projet non couvert par l'aide ESMS numérique et par les autres ressources (autofinancement) "
        "est réparti entre les organismes gestionnaires {{ regroupement.regle }} :", garder=True)
    m.balise("for l in regroupement.repartition")
    m.puce("{{ l.organisme }} : {{ l.part }} ;")
    m.balise("endfor")
    m.balise("endif")


# --------------------------------------------------------------------------- the pieces


def note_de_presentation() -> Modele:
    m = Modele("note", "Note de présentation générale du projet")
    m.bloc_titre()

    m.h1("1. Porteur du projet et organismes gestionnaires")
    m.h2("1.1 Porteur du projet")
    m.cles_valeurs([
        ("Raison sociale", "**{{ porteur.raison_sociale }}**"),
        ("Statut juridique", "{{ porteur.statut_juridique or 'non renseigné' }}"),
        ("SIRET", "{{ porteur.siret }}"),
        ("FINESS juridique (EJ)", "{{ porteur.finess_ej or 'non renseigné' }}"),
        ("Adresse", "{{ porteur.adresse or 'non renseignée' }}"),
        ("Représentant légal", "{{ porteur.representant.avec_fonction }}"),
        ("Contact", "{{ porteur.representant.email or 'non renseigné' }}"),
        ("ARS de rattachement", "{{ porteur.region }}"),
    ])
    m.p("", apres=2)
    m.h2("1.2 Organismes gestionnaires parties au projet")
    m.p("Le regroupement réunit {{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }}, "
        "qui gèrent ensemble les {{ nb_essms }} ESSMS du projet :")
    m.tableau([("Organisme gestionnaire", 3.9, "g"), ("Statut juridique", 2.5, "g"), ("SIRET", 3.1, "c"),
               ("FINESS EJ", 2.1, "c"), ("Représentant légal", 3.8, "g"), ("ESSMS", 1.6, "c")],
              ["**{{ o.raison_sociale }}**{% if o.est_porteur %} (porteur){% endif %}",
               "{{ o.statut_juridique or '—' }}", "{{ o.siret or '—' }}", "{{ o.finess_ej }}",
               "{{ o.representant.complet }}\n{{ o.representant.fonction }}", "{{ o.nb_essms }}"],
              boucle="for o in organismes", compact=True)

    m.h1("2. Contexte et compréhension des enjeux du programme")
    m.p("Le programme ESMS numérique, volet social et médico-social du Ségur du numérique en santé porté par "
        "la CNSA et la Délégation au numérique en santé, vise à équiper l'ensemble des établissements et services "
        "sociaux et médico-sociaux d'un dossier usager informatisé (DUI) interopérable et référencé Ségur, et à en "
        "développer l'usage effectif au bénéfice de chaque personne accompagnée : échanges sécurisés avec les "
        "partenaires du parcours par la messagerie sécurisée de santé (MSSanté), alimentation du dossier médical "
        "partagé (DMP) de Mon espace santé, identification fiable des personnes par l'identité nationale de santé "
        "(INS) et authentification des professionnels par Pro Santé Connect.")
    m.p("Le présent projet s'inscrit dans ce cadre : il s'agit de {{ type_projet_article }} pour "
        "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, dans le cadre de la campagne {{ campagne }} "
        "({{ instruction }}).")
    m.h2("2.1 Contexte du projet")
    m.p("{{ note.contexte }}")
    m.h2("2.2 Enjeux pour le regroupement")
    m.puces("note.enjeux")

    m.h1("3. Ambition et objectifs du projet")
    m.p("Les objectifs du projet portent à la fois sur la vision commune du regroupement, sur la feuille de route "
        "numérique des organismes et sur l'usage du DUI par les professionnels :")
    m.puces("note.objectifs")
    m.p("Leur atteinte sera mesurée par les cibles d'usage du programme ESMS numérique, qui conditionnent le "
        "versement du solde de l'aide : utilisation de MSSanté et du DMP ({{ cibles_usage[0].cible }}), dossiers "
        "actifs, dossiers avec un projet personnalisé et dossiers avec un événement d'agenda "
        "({{ cibles_usage[2].cible }}). Leurs modalités de mesure sont décrites dans la stratégie de déploiement.")

    m.h1("4. Périmètre du projet")
    m.p("Le projet porte sur {{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, identifiés chacun par son numéro FINESS "
        "géographique (ET), situés dans {{ territoire.nb_departements|pluriel('département', 'départements') }} "
        "({{ territoire.departements }}) {% if territoire.nb_regions > 1 %}des régions{% else %}de la région{% endif %} "
        "{{ territoire.regions }}. La liste exacte des ESSMS, avec leur numéro FINESS géographique, leur catégorie, "
        "leur secteur et leur organisme gestionnaire, figure en annexe de la présente note.")
    m.h2("4.1 Répartition par secteur")
    m.tableau([("Secteur", 9.0, "g"), ("Nombre d'ESSMS", 4.0, "c"), ("Part", 4.0, "c")],
              ["{{ s.libelle }}", "{{ s.nb }}", "{{ s.part }}"], boucle="for s in secteurs",
              total=["Total", "{{ nb_essms }}", "100 %"])
    m.h2("4.2 Répartition par catégorie d'établissement")
    m.tableau([("Code", 1.6, "c"), ("Catégorie FINESS", 8.4, "g"), ("Secteur", 4.6, "g"), ("ESSMS", 2.4, "c")],
              ["{{ c.code }}", "{{ c.libelle }}", "{{ c.secteur }}", "{{ c.nb }}"],
              boucle="for c in categories", total=["", "Total", "", "{{ nb_essms }}"])


    m.h1("5. Solution retenue")
    m.cles_valeurs([
        ("Éditeur", "{{ solution.editeur }}"),
        ("Logiciel et version", "{{ solution.logiciel }}{% if solution.version %}, version {{ solution.version }}{% endif %}"),
        ("Référencement Ségur", "Solution {{ solution.referencement }}"),
        ("Hébergement", "{{ solution.hebergement|premiere_majuscule }}"),
        ("Mode d'acquisition", "{{ solution.mise_en_concurrence|premiere_majuscule }}"),
        ("Contrat avec l'éditeur", "{{ solution.contrat|premiere_majuscule }}"),
    ])
    m.p("", apres=2)
    m.p("Tous les ESSMS du projet utiliseront la même solution, {{ solution.nom_complet }}, "
        "{{ solution.referencement }}.{% if solution.en_cours %} Le référencement Ségur interviendra avant le "
        "démarrage de la phase de paramétrage, conformément aux conditions de l'appel à projets.{% endif %}"
        "{% if solution.dpi_ght %} La solution est le dossier patient informatisé (DPI) du groupement hospitalier "
        "de territoire : une étude de couverture des besoins du DUI par ce DPI est jointe au dossier.{% endif %}")
    m.h2("5.1 Reprise des données")
    m.p("{{ deploiement.reprise_donnees }}")
    m.h2("5.2 Périmètre fonctionnel et interfaces")
    m.p("Le DUI couvre le dossier de la personne accompagnée dans toutes ses dimensions : admission et données "
        "administratives, évaluations, projet personnalisé, transmissions et suivi de l'accompagnement, agenda et "
        "planification, ainsi que le volet soins lorsque l'ESSMS en assure. Il est interfacé avec :")
    m.puces("deploiement.interfaces")
    m.h2("5.3 Services et référentiels socles")
    m.p("La solution intègre les services et référentiels socles exigés par le référencement Ségur ; leur mise en "
        "œuvre est planifiée dans chaque ESSMS :")
    m.puces("deploiement.services_socles")

    m.h1("6. Points d'attention")
    m.p("Les points d'attention suivants ont été identifiés lors de la préparation du projet :")
    m.puces("note.points_attention")
    m.p("Un diagnostic des équipements (postes, terminaux mobiles) et des réseaux est conduit dans chaque structure "
        "avant son déploiement{% if financement.a_materiel %} ; les équipements nécessaires aux ESSMS des petits "
        "organismes gestionnaires font l'objet d'une demande de financement sur devis ({{ financement.materiel }} "
        "pour {{ financement.nb_essms_materiel|pluriel('ESSMS', 'ESSMS') }}){% endif %}. Un diagnostic de "
        "cybersécurité établit le niveau de maturité de chaque organisme et le plan d'action associé, en "
        "s'appuyant sur les mesures de protection recommandées par l'Agence du numérique en santé. Les risques du "
        "projet et les actions préventives et correctives associées sont présentés dans le plan de conduite du "
        "changement.")

    m.h1("7. Synthèse financière")
    m.p("Les montants sont calculés selon les règles de la campagne {{ campagne }} du programme ESMS numérique, "
        "en euros {{ regime_tva }} (régime de TVA du porteur). Les forfaits forment une subvention unique.",
        garder=True)
    m.cles_valeurs([
        ("Forfait développement des usages", "{{ financement.usages }}"),
        ("Forfait équipement logiciel", "{% if financement.a_logiciel %}{{ financement.logiciel }}{% else %}"
                                        "sans objet : mise à niveau financée par le dispositif SONS{% endif %}"),
        ("Équipement matériel (petits organismes gestionnaires)", "{{ financement.materiel }}"),
        ("Pilotage du projet / AMOA (petits organismes gestionnaires)", "{{ financement.amoa }}"),
        ("Aide à l'achat via le SAD", "{{ financement.sad }}"),
        ("Aide ESMS numérique sollicitée", "{{ financement.total }}"),
        ("Avance ({{ financement.taux_avance }}, à la signature de la convention)", "{{ financement.avance }}"),
        ("Solde ({{ financement.taux_solde }}, en fin de projet)", "{{ financement.solde }}"),
    ], largeur_cle=11.0, alignement_valeur="d", conditions={4: "financement.a_sad"}, gras_lignes=(5,))
    m.p("", apres=2)
    m.h2("7.1 Répartition par organisme gestionnaire")
    tableau_financement_og(m)
    m.h2("7.2 Détail par ESSMS")
    m.tableau([("N°", 0.7, "c"), ("Établissement ou service", 3.8, "g"), ("FINESS ET", 2.1, "c"),
               ("Part MS", 1.4, "c"), ("Usages", 2.2, "d"), ("Logiciel", 2.2, "d"), ("Matériel", 2.2, "d"),
               ("Total", 2.2, "d")],
              ["{{ e.rang }}", "{{ e.nom }}", "{{ e.finess_et }}", "{{ e.part_ms }}", "{{ e.usages }}",
               "{{ e.logiciel }}", "{{ e.materiel }}", "{{ e.total }}"],
              boucle="for e in essms", compact=True,
              total=["", "Total des ESSMS (hors pilotage du projet)", "", "", "{{ financement.usages }}",
                     "{{ financement.logiciel }}",
                     "{{ financement.materiel }}", "{{ financement.usages_logiciel_materiel }}"])
    m.balise("if financement.a_prorata")
    m.p("Pour les services d'aide à domicile, les forfaits sont proratisés selon la part médico-sociale de "
        "l'activité (heures APA, PCH et dépendance hors APA/PCH de l'année précédente rapportées au total des "
        "heures réalisées, selon la déclaration des heures jointe au dossier) ; le matériel n'est pas proratisé.")
    m.balise("endif")
    m.p("L'aide est versée en deux temps : une avance de {{ financement.taux_avance }} ({{ financement.avance }}) à "
        "la signature de la convention avec {{ guichet.destinataire }}, puis le solde ({{ financement.solde }}) en "
        "fin de projet, sous réserve de l'atteinte des cibles d'usage et de la production d'un état récapitulatif "
        "des dépenses visé par le comptable public ou le commissaire aux comptes.", garder=True)  # with its sources
    m.balise("if financement.sons")
    m.p("Pour information, la mise à niveau du logiciel est financée directement à l'éditeur par le dispositif "
        "SONS (« Prestation Ségur ») : {{ financement.sons.total }}, hors aide ESMS numérique.")
    m.balise("endif")
    m.balise("if financement.alertes")
    m.p("Points de vigilance sur les montants :", gras=True, garder=True)
    m.puces("financement.alertes", "a")
    m.balise("endif")
    m.p("Sources : {{ sources }}.", style="Note")

    m.h1("8. Guichet de dépôt")
    m.p("Le projet regroupe {{ nb_essms|pluriel('ESSMS', 'ESSMS') }} situés dans "
        "{{ guichet.nb_regions|pluriel('région', 'régions') }} ({{ guichet.regions }}). "
        "{% if guichet.national %}Compte tenu du nombre d'ESSMS et de leur répartition sur plusieurs régions, il "
        "relève de l'appel à projets national : le dossier est déposé sur GALIS (téléservice « PAI numérique ») en "
        "choisissant le financeur « {{ guichet.financeur }} ».{% else %}Il relève de l'appel à projets "
        "régional{% if guichet.multiregional %} (projet multirégional){% endif %} : le dossier est déposé sur GALIS "
        "(téléservice « PAI numérique ») auprès de l'ARS {{ guichet.ars }}, ARS de rattachement du porteur, en "
        "choisissant le financeur « {{ guichet.financeur }} ».{% endif %}")

    m.paysage()
    m.h1("Annexe – Liste des ESSMS parties au projet")
    m.tableau([("N°", 0.8, "c"), ("Établissement ou service", 4.9, "g"), ("FINESS ET", 2.1, "c"),
               ("FINESS EJ", 2.1, "c"), ("Cat.", 0.9, "c"), ("Libellé de la catégorie", 4.5, "g"),
               ("Secteur", 2.6, "g"), ("Dép.", 1.1, "c"), ("Région", 2.2, "g"), ("Organisme gestionnaire", 4.5, "g")],
              ["{{ e.rang }}", "{{ e.nom }}", "{{ e.finess_et }}", "{{ e.finess_ej }}", "{{ e.categorie_code }}",
               "{{ e.categorie_libelle }}", "{{ e.secteur_libelle }}", "{{ e.departement }}", "{{ e.region }}",
               "{{ e.organisme }}"],
              boucle="for e in essms", compact=True)
    return m


def gouvernance() -> Modele:
    m = Modele("gouvernance", "Présentation de la gouvernance du projet")
    m.bloc_titre()

    m.h1("1. Principes de gouvernance et mutualisation")
    m.p("Le projet associe {{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }} et "
        "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }} autour d'une solution unique, {{ solution.nom_complet }}, et "
        "d'une gouvernance commune. {{ porteur.raison_sociale|le|premiere_majuscule }}, porteur du projet, en assure la coordination "
        "et l'interface avec {{ guichet.destinataire }}.")
    m.h2("Organisation de la mutualisation")
    m.p("{{ gouvernance.mutualisation }}")
    m.p("La mutualisation porte sur le choix de la solution et son achat, conduit en commun{% if solution.achat %} "
        "{{ solution.achat }}{% endif %}, sur le paramétrage commun, la formation des professionnels, le suivi des "
        "cibles d'usage et la gestion des financements. Elle est formalisée par {% if 'convention' in pieces %}la convention de partenariat conclue "
        "entre les organismes et par {% endif %}la lettre d'engagement signée par chaque organisme gestionnaire.")

    m.h1("2. Équipe projet")
    m.tableau([("Rôle", 4.4, "g"), ("Nom", 3.8, "g"), ("Fonction", 6.4, "g"), ("Temps dédié", 2.4, "c")],
              ["**{{ r.role }}**", "{{ r.nom }}", "{{ r.fonction }}", "{{ r.etp }}"],
              boucle="for r in gouvernance.equipe")
    m.p("Le chef de projet pilote le déploiement du DUI dans l'ensemble des ESSMS, coordonne les référents et "
        "l'éditeur, organise les instances de gouvernance et suit l'atteinte des cibles d'usage. Le délégué à la "
        "protection des données veille à la conformité des traitements au RGPD (registre, analyse d'impact, "
        "information des personnes) ; le responsable des systèmes d'information garantit l'intégration technique "
        "et la sécurité ; le responsable de traitement porte les décisions relatives aux données du DUI.")

    m.h1("3. Référents des structures")
    m.p("Chaque structure dispose d'un référent, relais du chef de projet auprès de ses équipes pour le "
        "paramétrage, la recette, la formation et le suivi des usages ; à défaut d'un référent propre à la "
        "structure, le référent de son organisme gestionnaire en tient lieu :", garder=True)
    m.tableau([("Organisme gestionnaire", 4.0, "g"), ("Structures", 5.8, "g"), ("Référent", 3.2, "g"),
               ("Fonction", 4.0, "g")],
              ["**{{ r.organisme }}**", "{{ r.structures }}", "{{ r.nom }}", "{{ r.fonction }}"],
              boucle="for r in gouvernance.referents", compact=True)
    m.p("Le responsable de traitement du DUI est {{ gouvernance.responsable_traitement.avec_fonction }}.")

    m.h1("4. Instances de gouvernance")
    tableau_instances(m)
    m.p("Chaque réunion donne lieu à un relevé de décisions diffusé à l'ensemble des organismes gestionnaires. Les "
        "indicateurs d'usage de chaque ESSMS y sont présentés dès la mise en service de la première vague, et les "
        "écarts aux cibles donnent lieu à un plan d'actions correctives.")

    m.h1("5. Assistance à maîtrise d'ouvrage")
    m.balise("if gouvernance.amoa.prevue")
    m.p("{{ gouvernance.amoa.prestataire }}")
    m.balise("endif")
    m.balise("if gouvernance.amoa.finance")
    m.p("Le forfait de pilotage du projet prévu pour les regroupements de petits organismes gestionnaires est "
        "sollicité ({{ gouvernance.amoa.montant }}). Il finance l'animation des groupes de travail métier, la "
        "préparation et le suivi de la recette, le pilotage et la gestion financière du projet, ainsi que le suivi "
        "des cibles d'usage et des actions correctives.")
    m.balise("elif gouvernance.amoa.financement_demande")
    m.p("Le forfait de pilotage du projet est demandé mais n'est pas retenu dans le plan de financement, ses "
        "conditions n'étant pas réunies (voir la synthèse financière de la note de présentation).")
    m.balise("endif")
    m.balise("if not gouvernance.amoa.prevue")
    m.p("Le projet est piloté par les équipes des organismes gestionnaires, sans prestation d'assistance à maîtrise "
        "d'ouvrage.")
    m.balise("endif")
    return m


def convention() -> Modele:
    m = Modele("convention", "Convention de partenariat")
    m.bloc_titre("Pour la mise en œuvre du projet « {{ titre }} » dans le cadre du programme ESMS numérique",
                 cartouche=[("Porteur du projet", "{{ porteur.raison_sociale }}"),
                            ("Parties", "{{ noms_parties }}"),
                            ("Projet de convention", "{{ date }}"),
                            ("Références", "{{ sources }}")])
    m.p("**Entre les soussignés :**", garder=True)
    m.balise("for o in parties")
    m.p("**{{ o.raison_sociale }}**{% if o.statut_juridique %}, {{ o.statut_juridique }}{% endif %}, "
        "{{ o.identification }}, ayant pour représentant légal {{ o.representant.complet }}, {{ o.representant.fonction_phrase }}, dûment "
        "habilité{{ o.representant.accord }} à l'effet des présentes{% if o.est_porteur %}, porteur du "
        "projet{% endif %} ;", retrait=0.6)
    m.balise("endfor")
    m.p("ci-après désignés ensemble « les Parties » et individuellement « la Partie ».")
    m.p("Il a été convenu ce qui suit.", gras=True)

    m.h1("Préambule")
    m.p("Le programme ESMS numérique, volet social et médico-social du Ségur du numérique en santé, finance "
        "l'équipement des établissements et services sociaux et médico-sociaux (ESSMS) en dossier usager "
        "informatisé (DUI) référencé Ségur et le développement de ses usages ({{ instruction }}). Il s'adresse à "
        "des projets portés par des regroupements, afin de mutualiser l'achat, le déploiement de la solution et "
        "l'accompagnement au changement.")
    m.p("C'est dans ce cadre que les Parties ont décidé de s'associer pour conduire ensemble le projet "
        "« {{ titre }} » : {{ libelle_type_projet }} commune à leurs {{ nb_essms }} ESSMS.")

    m.h1("Article 1 – Objet")
    m.p("La présente convention a pour objet de définir les conditions dans lesquelles les Parties conduisent "
        "ensemble le projet « {{ titre }} » (ci-après « le Projet »), présenté au titre de la campagne "
        "{{ campagne }} du programme ESMS numérique auprès de {{ guichet.destinataire }} : désignation du porteur "
        "du Projet, engagements de chacune des Parties, répartition de l'aide, gouvernance, durée, modalités de "
        "retrait et de résiliation.")

    m.h1("Article 2 – Porteur du Projet")
    m.p("Les Parties désignent {{ porteur.raison_sociale|le }} comme porteur du Projet. À ce titre, le porteur :",
        garder=True)
    for texte in (
        "dépose la demande de financement sur le téléservice GALIS (« PAI numérique ») au nom de l'ensemble des "
        "Parties et est l'interlocuteur unique de {{ guichet.destinataire }} ;",
        "signe la convention de financement avec {{ guichet.destinataire }} et perçoit l'aide ESMS numérique "
        "(avance et solde) ;",
        "reverse à chaque Partie la part de l'aide qui lui revient, dans les conditions de l'article 5 ;",
        "coordonne la mise en œuvre du Projet, anime sa gouvernance et rend compte de son avancement et de "
        "l'atteinte des cibles d'usage ;",
        "produit les justificatifs demandés pour le versement du solde : procès-verbaux de vérification "
        "d'aptitude et de vérification de service régulier, indicateurs d'usage, état récapitulatif des "
        "dépenses.",
    ):
        m.puce(texte)

    m.h1("Article 3 – Périmètre du Projet")
    m.p("Le Projet porte sur les {{ nb_essms }} ESSMS listés en annexe, identifiés par leur numéro FINESS "
        "géographique. Tous ces ESSMS sont équipés de la même solution, {{ solution.nom_complet }}, éditée par "
        "{{ solution.editeur }}, {{ solution.referencement }}.")

    m.h1("Article 4 – Engagements des Parties")
    m.p("Chaque Partie s'engage à :", garder=True)
    for texte in (
        "déployer la solution commune dans l'ensemble de ses ESSMS parties au Projet, selon le planning arrêté "
        "par le comité de pilotage, et n'utiliser aucune autre solution de DUI pour ces ESSMS ;",
        "désigner un référent et dégager le temps nécessaire de ses équipes pour le paramétrage, la recette, la "
        "formation et le suivi des usages ;",
        "participer aux instances de gouvernance du Projet et appliquer les décisions prises collectivement ;",
        "mettre en œuvre les services et référentiels socles (MSSanté, DMP, INS, Pro Santé Connect) et accomplir "
        "les démarches nécessaires auprès de l'Agence du numérique en santé ;",
        "mettre en œuvre les actions nécessaires à l'atteinte des cibles d'usage du programme et transmettre "
        "chaque mois au porteur les indicateurs d'usage de ses ESSMS ;",
        "transmettre au porteur les justificatifs de ses dépenses et toute information demandée par "
        "{{ guichet.destinataire }} ;",
        "ne solliciter, pour les mêmes ESSMS et la même opération, ni autre financement ESMS numérique, ni "
        "financement européen, ni financement SONS pour une autre solution ;",
        "informer sans délai les autres Parties de toute difficulté de nature à compromettre le Projet.",
    ):
        m.puce(texte)
    m.p("Le porteur s'engage en outre à exercer les missions définies à l'article 2 avec diligence et en toute "
        "transparence à l'égard des autres Parties.")
    engagements_regroupement(m)

    m.h1("Article 5 – Financement et répartition de l'aide")
    m.p("L'aide ESMS numérique sollicitée s'élève à **{{ financement.total }}** ({{ regime_tva }}), calculée selon "
        "les forfaits de la campagne {{ campagne }}. Elle se répartit entre les Parties comme suit :", garder=True)
    tableau_financement_og(m)
    m.p("L'aide est versée au porteur en deux temps : une avance de {{ financement.taux_avance }} "
        "({{ financement.avance }}) à la signature de la convention de financement, puis le solde "
        "({{ financement.solde }}) en fin de Projet, sous réserve de l'atteinte des cibles d'usage et de la "
        "justification des dépenses. Le porteur reverse à chaque Partie sa quote-part de chaque versement, au "
        "prorata des montants ci-dessus, dans un délai de trente jours suivant sa réception."
        "{% if financement.a_amoa %} Le forfait de pilotage est conservé par le porteur, qui l'affecte au "
        "pilotage commun du Projet.{% endif %}")
    m.p("Si le montant accordé diffère du montant sollicité, ou si une part de l'aide n'est pas versée ou doit être "
        "reversée, la répartition est ajustée au prorata des montants ci-dessus, sauf lorsque l'écart est imputable "
        "aux seuls ESSMS d'une Partie, qui le supporte alors seule.")

    m.h1("Article 6 – Gouvernance")
    m.p("Le Projet est piloté par les instances suivantes, où chaque Partie est représentée :", garder=True)
    tableau_instances(m)
    m.p("Le comité de pilotage arrête le planning, valide le paramétrage commun, suit le budget et l'atteinte des "
        "cibles d'usage et statue sur toute question relative à l'exécution de la présente convention. Ses "
        "décisions sont prises par consensus ou, à défaut, à la majorité des Parties présentes ou représentées.")

    m.h1("Article 7 – Durée")
    m.p("La présente convention prend effet à la date de sa signature par la dernière des Parties. Elle est "
        "conclue pour la durée du Projet{% if planning.renseigne %}, dont le calendrier prévisionnel court "
        "{{ planning.periode }}{% if planning.fin_apres_deploiement %} (fin du déploiement le "
        "{{ planning.fin_deploiement }}, puis bilan et demande de solde){% endif %}{% endif %}, et prend fin au versement du solde de l'aide et à l'achèvement des "
        "reversements entre les Parties. Les stipulations relatives aux justificatifs et aux reversements "
        "demeurent applicables jusqu'au terme des contrôles de {{ guichet.destinataire }}.")

    m.h1("Article 8 – Données personnelles et sécurité")
    m.p("Chaque Partie demeure responsable des traitements de données à caractère personnel mis en œuvre pour les "
        "personnes accompagnées par ses ESSMS. Les Parties s'appuient sur le délégué à la protection des données "
        "et le responsable de traitement désignés dans la gouvernance du Projet, formalisent leurs obligations "
        "respectives au titre du règlement général sur la protection des données, notamment dans le contrat conclu "
        "avec l'éditeur, et veillent à ce que les données de santé soient hébergées dans les conditions prévues "
        "par le code de la santé publique.")

    m.h1("Article 9 – Retrait d'une Partie")
    m.p("Toute Partie peut se retirer du Projet par lettre recommandée avec accusé de réception adressée au "
        "porteur, moyennant un préavis de trois mois. Le porteur en informe sans délai les autres Parties et "
        "{{ guichet.destinataire }}. La Partie qui se retire reste tenue des engagements pris jusqu'à la date "
        "d'effet de son retrait ; elle reverse au porteur les sommes perçues au titre de ses ESSMS dont "
        "{{ guichet.destinataire }} demanderait le remboursement, et supporte seule les conséquences financières "
        "de son retrait. Les autres Parties poursuivent le Projet et adaptent, en comité de pilotage, le planning "
        "et la répartition de l'aide.")

    m.h1("Article 10 – Résiliation")
    m.p("En cas de manquement grave d'une Partie à ses obligations, non réparé dans un délai de trente jours "
        "suivant une mise en demeure adressée par le porteur par lettre recommandée avec accusé de réception, le "
        "comité de pilotage peut prononcer l'exclusion de cette Partie, qui produit les effets d'un retrait. La "
        "présente convention est résiliée de plein droit si le financement du Projet est refusé ou retiré par "
        "{{ guichet.destinataire }}, ou si les Parties en décident ainsi à l'unanimité ; les sommes perçues sont "
        "alors reversées dans les conditions fixées par {{ guichet.destinataire }}.")

    m.h1("Article 11 – Règlement des différends")
    m.p("Les Parties s'efforcent de régler à l'amiable, au sein du comité de pilotage, tout différend relatif à "
        "l'interprétation ou à l'exécution de la présente convention. À défaut d'accord dans un délai de deux "
        "mois, le différend est porté devant la juridiction compétente dans le ressort du siège du porteur.",
        garder=True)

    m.p("Fait en {{ parties|length }} exemplaires originaux, à {{ fait_a }}, le " + POINTILLES, avant=10,
        garder=True)
    m.signatures("for o in parties", "{{ o.raison_sociale|le }}",
                 ["{{ o.representant.complet }}", "{{ o.representant.fonction }}"])

    m.h1("Annexe – ESSMS parties au Projet", nouvelle_page=True)
    tableau_essms_simple(m)
    return m


class Lettre(Modele):
    """The letter of one OG: its letterhead in the header, its name in the footer, pages numbered from 1
    and counted within the letter (``dossier.render.lettres`` renders it once per OG, one section each)."""

    ENTETE = ["**{{ og.raison_sociale }}**",
              "{% if og.statut_juridique %}{{ og.statut_juridique|premiere_majuscule }} – {% endif %}"
              "{{ og.identification }}"]
    PIED = " – {{ og.raison_sociale }} – {{ date }}"
    TOTAL_PAGES = "SECTIONPAGES"

    def __init__(self, cle_titre: str, libelle: str):
        super().__init__(cle_titre, libelle)
        sect = self.doc.sections[0]._sectPr
        suivants = [sect.find(qn(f"w:{t}")) for t in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "docGrid")]
        suivant = next((e for e in suivants if e is not None), None)
        numerotation = _el("w:pgNumType", start="1")  # schema order: before cols, docGrid...
        if suivant is None:
            sect.append(numerotation)
        else:
            suivant.addprevious(numerotation)


def lettre_engagement() -> Modele:
    m = Lettre("lettre", "Lettre d'engagement")
    m.p("À l'attention de {{ guichet.autorite }}", aligne="g", retrait=8.5, apres=14, avant=6)
    m.p("**Objet : lettre d'engagement – projet « {{ titre }} » – programme ESMS numérique, campagne "
        "{{ campagne }} ({{ instruction }})**", aligne="g", apres=10)
    m.p("Madame, Monsieur,")
    m.p("Je {{ og.representant.soussigne }}, {{ og.representant.complet }}, agissant en qualité de "
        "{{ og.representant.qualite }}, confirme la "
        "participation de notre organisme au projet « {{ titre }} » "
        "{% if og.est_porteur %}que nous portons pour le compte du regroupement{% else %}porté par "
        "{{ porteur.raison_sociale|le }}{% endif %}, qui réunit "
        "{{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }} et "
        "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}. J'engage notre organisme à :", garder=True)
    for texte in (
        "déployer dans ses ESSMS listés ci-dessous la solution commune au regroupement, "
        "{{ solution.nom_complet }} ({{ solution.editeur }}), {{ solution.referencement }}, à l'exclusion de "
        "toute autre solution de DUI ;",
        "participer à la gouvernance du projet et à ses travaux de paramétrage, de recette et de formation, en "
        "désignant un référent et en dégageant le temps nécessaire de ses équipes ;",
        "mettre en œuvre les services et référentiels socles et tout faire pour atteindre, dans chacun de ses "
        "ESSMS, les cibles d'usage du programme ESMS numérique, dont dépend le versement du solde de l'aide ;",
        "transmettre au porteur les indicateurs d'usage et les justificatifs de dépenses nécessaires au suivi du "
        "projet{% if 'convention' in pieces %}, et respecter la convention de partenariat conclue entre les "
        "organismes du regroupement{% else %}, et appliquer les décisions prises par les instances communes du "
        "projet{% endif %}.",
    ):
        m.puce(texte)
    m.p("ESSMS concernés par le présent engagement ({{ og.nb_essms }}) :", gras=True, garder=True, avant=4)
    tableau_essms_simple(m, "for e in og.essms", avec_og=False)
    m.p("Le montant prévisionnel de l'aide ESMS numérique correspondant à ces ESSMS s'élève à "
        "{{ og.financement.total }} ({{ regime_tva }}){% if og.est_porteur and financement.a_amoa %}, dont "
        "{{ og.financement.pilotage }} au titre du pilotage du projet{% endif %}.")
    m.p("Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.", garder=True)
    bloc_signature(m, "Fait à " + POINTILLES + ", le {{ date }}", "{{ og.representant.complet }}",
                   "{{ og.representant.fonction }}", "Signature et cachet de l'organisme")
    return m


def attestation_mutualisation() -> Modele:
    m = Modele("attestation", "Attestation de la réalité de la mutualisation")
    m.bloc_titre("Projet « {{ titre }} »",
                 cartouche=[("Porteur du projet", "{{ porteur.raison_sociale }} – {{ porteur.identification }}"),
                            ("Périmètre", "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, "
                                          "{{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }}"),
                            ("Date", "{{ date }}"),
                            ("Références", "{{ sources }}")])
    m.p("Je {{ porteur.representant.soussigne }}, {{ porteur.representant.complet }}, agissant en qualité de "
        "{{ porteur.representant.qualite }}, porteur du projet « {{ titre }} » "
        "présenté au titre de la campagne {{ campagne }} du programme ESMS numérique, atteste de la réalité de la "
        "mutualisation mise en œuvre dans ce projet, qui se traduit par :")

    m.h2("1. Un regroupement d'organismes gestionnaires et d'ESSMS")
    m.p("Le projet réunit les organismes gestionnaires suivants :", garder=True)
    m.balise("for og in organismes")
    m.puce("**{{ og.raison_sociale }}** ({{ og.identification }}) : "
           "{{ og.nb_essms|pluriel('ESSMS', 'ESSMS') }}{% if og.est_porteur %}, porteur du projet{% endif %} ;")
    m.balise("endfor")
    m.p("et les {{ nb_essms }} ESSMS suivants, identifiés par leur numéro FINESS géographique :", garder=True)
    tableau_essms_simple(m)

    m.h2("2. Une solution unique et partagée")
    m.p("L'ensemble des ESSMS utilisera la même solution de dossier usager informatisé, {{ solution.nom_complet }}, "
        "éditée par {{ solution.editeur }}, {{ solution.referencement }}, avec un paramétrage commun construit par "
        "les professionnels des différents organismes. Hébergement : {{ solution.hebergement }}.")

    m.h2("3. Une gouvernance commune")
    m.p("Le projet est conduit par un chef de projet commun, {{ gouvernance.chef_de_projet.avec_fonction }}, et "
        "piloté par des instances où chaque organisme gestionnaire est représenté :", garder=True)
    m.balise("for i in gouvernance.instances")
    m.puce("**{{ i.nom }}** ({{ i.frequence }}) : {{ i.composition }} – {{ i.role }}")
    m.balise("endfor")
    m.p("{{ gouvernance.mutualisation }}")

    m.h2("4. Des achats et des prestations mutualisés")
    m.p("L'achat de la solution est conduit en commun pour l'ensemble des organismes"
        "{% if solution.achat %}, {{ solution.achat }}{% endif %}. "
        "Le paramétrage, la reprise des données et la formation des professionnels sont commandés et suivis en "
        "commun{% if financement.a_materiel %} ; les équipements matériels des ESSMS des petits organismes "
        "gestionnaires sont chiffrés sur devis dans le cadre du projet{% endif %}. L'aide ESMS numérique "
        "sollicitée, {{ financement.total }}, est répartie entre les organismes selon les règles arrêtées "
        "collectivement.")

    m.h2("5. Les engagements du regroupement")
    engagements_regroupement(m)

    m.p("J'atteste l'exactitude des informations ci-dessus. Fait pour servir et valoir ce que de droit.", avant=6,
        garder=True)
    bloc_signature(m, "Fait à {{ fait_a }}, le {{ date }}", "{{ porteur.representant.complet }}",
                   "{{ porteur.representant.fonction }}, {{ porteur.raison_sociale }}", "Signature et cachet du porteur")
    return m


def strategie_deploiement() -> Modele:
    m = Modele("strategie", "Stratégie de déploiement")
    m.bloc_titre()

    m.h1("1. Principes de déploiement")
    m.p("{{ deploiement.strategie }}")
    m.p("Le déploiement est conduit par le chef de projet avec les référents de chaque organisme et l'éditeur. "
        "Chaque vague suit les mêmes étapes : préparation (diagnostic des équipements et du réseau, démarches "
        "auprès de l'Agence du numérique en santé), paramétrage et reprise des données, recette, formation, mise "
        "en service, puis accompagnement des usages jusqu'à l'atteinte des cibles.")

    m.h1("2. Calendrier et vagues de déploiement")
    m.p("Le projet se déroule {{ planning.periode }}{% if planning.duree %} ; le déploiement s'achève le "
        "{{ planning.fin_deploiement }} ({{ planning.duree }} après le démarrage du projet){% endif %}"
        "{% if planning.fin_apres_deploiement %}, le projet se clôt ensuite par le bilan et la demande de solde"
        "{% endif %}. Les ESSMS sont déployés en "
        "{{ vagues|length|pluriel('vague', 'vagues') }} :", garder=True)
    m.tableau([("Vague", 2.2, "g"), ("Période", 4.2, "g"), ("ESSMS", 6.0, "g"), ("Nombre d'ESSMS", 1.9, "c"),
               ("Professionnels", 2.7, "c")],
              ["**{{ v.libelle }}**", "{{ v.periode }}", "{{ v.noms_essms }}", "{{ v.nb_essms }}",
               "{{ v.professionnels }}"],
              boucle="for v in vagues", compact=True)
    m.balise("if planning.jalons_projet_deploiement")
    m.h2("Jalons du projet")
    m.tableau([("Jalon", 7.4, "g"), ("Début", 3.0, "c"), ("Fin", 3.0, "c"), ("Responsable", 3.6, "g")],
              ["{{ j.libelle }}", "{{ j.debut }}", "{{ j.fin }}", "{{ j.responsable }}"],
              boucle="for j in planning.jalons_projet_deploiement", compact=True)
    m.balise("endif")
    m.p("Le planning détaillé (diagrammes de Gantt du projet, du déploiement et de la conduite du changement) "
        "est joint au dossier.")

    m.h1("3. Hébergement et architecture technique")
    m.p("Mode d'hébergement retenu : {{ solution.hebergement }}.")
    m.p("L'architecture technique est validée avec le responsable des systèmes d'information : accès des ESSMS à "
        "la solution (débit et couverture réseau, postes et terminaux mobiles), sauvegardes, continuité "
        "d'activité et réversibilité des données en fin de contrat. {% if solution.hebergement_code == 'interne' %}"
        "Les serveurs sont exploités par le regroupement sous la responsabilité du RSI, dans le respect de la "
        "politique générale de sécurité des systèmes d'information de santé (PGSSI-S).{% else %}Les données de "
        "santé sont hébergées par un hébergeur certifié HDS, dans les conditions fixées par le contrat conclu "
        "avec l'éditeur.{% endif %}")

    m.h1("4. Reprise des données")
    m.p("{{ deploiement.reprise_donnees }}")
    m.p("Le périmètre de la reprise (dossiers actifs, historique, documents) est arrêté en comité projet ; un "
        "essai de reprise est recetté avant la mise en service de chaque vague.")

    m.h1("5. Paramétrage")
    m.p("Le paramétrage commun (référentiels, trames de projet personnalisé, profils et droits d'accès, agenda, "
        "documents types) est construit avec le groupe de travail des utilisateurs, puis décliné pour les "
        "spécificités de chaque secteur et de chaque ESSMS. Les interfaces suivantes sont prévues :", garder=True)
    m.puces("deploiement.interfaces")

    m.h1("6. Recette : vérification d'aptitude et vérification de service régulier")
    m.p("À l'issue de l'installation et du paramétrage, l'éditeur présente la vérification d'aptitude (VA) : le "
        "porteur s'assure, sur la base de scénarios de recette établis avec les référents, que la solution est "
        "conforme au contrat et au paramétrage validé, puis signe le procès-verbal de VA, transmis à "
        "{{ guichet.destinataire }}.")
    m.p("Après la mise en service, la vérification de service régulier (VSR) constate le fonctionnement stable de "
        "la solution en conditions réelles d'utilisation ; son procès-verbal est également transmis à "
        "{{ guichet.destinataire }}.")

    m.h1("7. Formation")
    m.p("{{ conduite.formation }}")
    m.balise("if formation.complet")
    m.p("Au total, {{ formation.total }} professionnels sont à former ; le détail par ESSMS figure dans le plan "
        "de conduite du changement.")
    m.balise("endif")

    m.h1("8. Déploiement des services et référentiels socles")
    m.p("Le déploiement des services et référentiels socles conditionne l'atteinte des cibles d'usage ; il est "
        "intégré au planning de chaque vague : contrat d'adhésion à l'Agence du numérique en santé, enregistrement "
        "des professionnels dans le RPPS+, commande des certificats logiciels et des moyens d'identification "
        "électronique (e-CPS, cartes CPx), ouverture des boîtes aux lettres MSSanté, qualification des identités "
        "(INS). Services déployés :", garder=True)
    m.puces("deploiement.services_socles")

    m.h1("9. Cibles d'usage et modalités de mesure")
    m.p("Le solde de l'aide est conditionné à l'atteinte, dans chaque ESSMS, des cibles d'usage suivantes :",
        garder=True)
    m.tableau([("Indicateur", 5.0, "g"), ("Mode de calcul", 10.0, "g"), ("Cible", 2.0, "c")],
              ["{{ c.indicateur }}", "{{ c.calcul }}", "**{{ c.cible }}**"], boucle="for c in cibles_usage",
              compact=True)
    m.p("Chaque indicateur est calculé sur le mois écoulé, à chaque fin de mois, à partir des données extraites "
        "du DUI (première mesure sur une période de trois mois). Le chef de projet consolide les résultats par "
        "ESSMS et les présente en comité de pilotage ; les écarts aux cibles donnent lieu à des actions "
        "correctives (formation complémentaire, ajustement du paramétrage, accompagnement des équipes). Les "
        "indicateurs facultatifs (prescriptions électroniques importées, échanges avec une plateforme e-parcours) "
        "sont suivis lorsque les conditions sont réunies.")
    m.p("Sources : {{ sources }}.", style="Note")
    return m


def conduite_du_changement() -> Modele:
    m = Modele("conduite", "Plan de conduite du changement")
    m.bloc_titre()

    m.h1("1. Démarche")
    m.p("La conduite du changement accompagne les professionnels des {{ nb_essms }} ESSMS dans l'appropriation du "
        "DUI et des nouveaux usages numériques. Elle repose sur l'implication des futurs utilisateurs, une "
        "communication régulière, la formation de tous les professionnels et des actions de sensibilisation en "
        "amont du déploiement ; elle est pilotée par le chef de projet avec les référents de chaque organisme.")

    m.h1("2. Groupe de travail des utilisateurs")
    m.p("{{ conduite.groupe_travail }}")

    m.h1("3. Plan de communication")
    m.p("{{ conduite.communication }}")

    m.h1("4. Stratégie de formation")
    m.p("{{ conduite.formation }}")
    m.p("Professionnels à former par ESSMS :", garder=True)
    m.tableau([("Établissement ou service", 6.2, "g"), ("Organisme gestionnaire", 5.2, "g"), ("Vague", 1.6, "c"),
               ("Professionnels à former", 4.0, "c")],
              ["{{ e.nom }}", "{{ e.organisme }}", "{{ e.vague }}", "{{ e.professionnels }}"],
              boucle="for e in essms", compact=True,
              total=["Total", "", "", "{{ formation.total }}"])

    m.h1("5. Sensibilisation avant le déploiement")
    m.p("{{ conduite.sensibilisation }}")

    m.h1("6. Cartographie des risques")
    m.balise("if conduite.risques")
    m.p("Les risques identifiés à l'échelle du regroupement, et les actions préventives et correctives "
        "associées, sont les suivants :", garder=True)
    m.tableau([("Risque", 6.0, "g"), ("Niveau", 2.0, "c"), ("Actions préventives et correctives", 9.0, "g")],
              ["{{ r.risque }}", "{% cellbg r.couleur %}**{{ r.niveau }}**", "{{ r.action }}"],
              boucle="for r in conduite.risques")
    m.balise("endif")
    m.balise("for o in conduite.risques_par_og")
    m.h2("Risques propres {{ o.organisme|a }}")
    m.tableau([("Structure", 3.6, "g"), ("Risque", 4.6, "g"), ("Niveau", 1.8, "c"),
               ("Actions préventives et correctives", 7.0, "g")],
              ["{{ r.structure }}", "{{ r.risque }}", "{% cellbg r.couleur %}**{{ r.niveau }}**", "{{ r.action }}"],
              boucle="for r in o.risques")
    m.balise("endfor")
    m.p("La cartographie des risques est revue à chaque comité de pilotage ; chaque référent la complète des "
        "risques propres à ses structures.")

    m.balise("if planning.jalons_conduite")
    m.h1("7. Calendrier de la conduite du changement")
    m.tableau([("Action", 7.4, "g"), ("Début", 3.0, "c"), ("Fin", 3.0, "c"), ("Responsable", 3.6, "g")],
              ["{{ j.libelle }}", "{{ j.debut }}", "{{ j.fin }}", "{{ j.responsable }}"],
              boucle="for j in planning.jalons_conduite", compact=True)
    m.balise("endif")
    return m


MODELES = {
    "note-de-presentation": note_de_presentation,
    "gouvernance": gouvernance,
    "convention": convention,
    "lettre-engagement": lettre_engagement,
    "attestation-mutualisation": attestation_mutualisation,
    "strategie-deploiement": strategie_deploiement,
    "conduite-du-changement": conduite_du_changement,
}


def generer(dossier: Path) -> list[Path]:
    dossier.mkdir(parents=True, exist_ok=True)
    ecrits = []
    for slug, fabrique in MODELES.items():
        chemin = dossier / f"{slug}.docx"
        fabrique().enregistrer(chemin)
        ecrits.append(chemin)
    return ecrits


if __name__ == "__main__":
    cible = Path(sys.argv[1]) if len(sys.argv) > 1 else RACINE / "templates"
    for chemin in generer(cible):
        print(chemin)
