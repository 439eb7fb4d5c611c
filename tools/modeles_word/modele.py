"""The builder of one Word template (``Modele``): page layout, header and footer, paragraphs, tables."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .styles import (
    A4, BORDURE, FOND_CLE, FOND_ENTETE, FOND_TOTAL, GRIS_TEXTE, LARGEUR_PAYSAGE, LARGEUR_PORTRAIT, MARGE_V, alleger,
    bordure_paragraphe, champ, definir_styles, ecrire_runs, el, fond_cellule, normaliser_zip)


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
        definir_styles(self.doc)
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
                ecrire_runs(entete, morceau)
        bordure_paragraphe(entete, "bottom")
        pied = section.footer.paragraphs[0]
        pied.style = self.doc.styles["Footer"]
        pied.paragraph_format.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.RIGHT)
        bordure_paragraphe(pied, "top")
        ecrire_runs(pied, f"{{{{ titres.{self.cle_titre} }}}}")
        ecrire_runs(pied, self.PIED)
        pied.add_run("\tPage ")
        champ(pied, "PAGE")
        pied.add_run(" sur ")
        champ(pied, self.TOTAL_PAGES)

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
        ecrire_runs(par, texte, gras=gras, italique=italique)
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
            bordures.append(el(f"w:{cote}", val="single", sz="4", space="0", color=BORDURE))
        tblpr.append(bordures)
        tblpr.append(el("w:tblLayout", type="fixed"))
        marges = OxmlElement("w:tblCellMar")
        for cote, valeur in (("left", "85"), ("right", "85")):
            marges.append(el(f"w:{cote}", w=valeur, type="dxa"))
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
            trpr.append(el("w:trHeight", val=str(int(hauteur * 567)), hRule="atLeast"))
        for cellule, texte, largeur, al in zip(row.cells, textes, largeurs, alignements):
            cellule.width = Cm(largeur)
            par = cellule.paragraphs[0]
            par.style = self.doc.styles[style]
            if al == "d":
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif al == "c":
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            ecrire_runs(par, texte, gras=gras)
            if garder:
                par.paragraph_format.keep_with_next = True
            if fond:
                fond_cellule(cellule, fond)
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
            fond_cellule(row.cells[0], FOND_CLE)
            if i in gras_lignes:
                fond_cellule(row.cells[1], FOND_TOTAL)
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
        ecrire_runs(gauche, f"Pour **{nom}**")
        for ligne in lignes:
            par = row.cells[0].add_paragraph(style="Signature")
            ecrire_runs(par, ligne)
        ecrire_runs(row.cells[1].paragraphs[0], cadre, italique=True, couleur=GRIS_TEXTE)
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
        alleger(self.doc)
        tampon = io.BytesIO()
        self.doc.save(tampon)
        chemin.write_bytes(normaliser_zip(tampon.getvalue()))
