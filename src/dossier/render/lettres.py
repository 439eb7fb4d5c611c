"""The lettre d'engagement: one letter per OG in one file, each letter its own Word section.

docxtpl cannot repeat a section (its header and footer), so the letter template is rendered once per
OG, with ``og`` in the context, and the rendered documents are assembled here with python-docx: the
body of each letter ends with its own section properties (its own header and footer parts, copied
with the images they show, page numbers restarting at 1). The section break is carried by the last
paragraph of each letter, so no empty paragraph can spill onto a blank page.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.hdrftr import FooterPart, HeaderPart

#: Relationship attributes (r:id, r:embed, r:link...) of WordprocessingML.
_NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: First id of the end-of-letter bookmarks (far above the ids a user template may use).
SIGNETS = 90000
_PARTIES = {qn("w:headerReference"): (HeaderPart, RT.HEADER), qn("w:footerReference"): (FooterPart, RT.FOOTER)}


def contextes_par_organisme(donnees: dict) -> list[dict]:
    """The template context of each OG's letter: the dossier's, with ``og`` set to that OG."""
    return [{**donnees, "og": og} for og in donnees["organismes"]]


def rendre_lettres(rendre: Callable[[dict], Document], donnees: dict) -> Document:
    """Render the letter of every OG with ``rendre`` (template + context -> document) and assemble them."""
    return assembler([rendre(ctx) for ctx in contextes_par_organisme(donnees)])


def assembler(lettres: list[Document]) -> Document:
    """One document whose sections are ``lettres`` in order (the first one receives the others)."""
    base = lettres[0]
    corps = base.element.body
    sections = [_section_finale(base)]
    _compter_pages(base, sections[0], base, 1)
    for numero, doc in enumerate(lettres[1:], start=2):
        section = _section_finale(doc)
        _copier_entetes(section, doc, base)
        _compter_pages(doc, section, base, numero)
        contenu = [e for e in doc.element.body.iterchildren() if e.tag != qn("w:sectPr")]
        for element in contenu:
            _copier_relations(element, doc.part, base.part)
        _porter_section(sections[-1], corps)
        for element in contenu:
            _deplacer(element, corps)
        sections.append(section)
    corps.append(sections[-1])
    _numeroter_dessins(base)
    return base


def _deplacer(element, parent) -> None:
    """Append ``element``, from another document, to ``parent`` one child at a time: lxml moves a
    subtree between documents in time quadratic in its size (seconds for an OG's table of thousands of
    ESSMS, in one C call), while each row moves in a few microseconds."""
    if len(element) < 100:
        parent.append(element)
        return
    copie = parent.makeelement(element.tag, element.attrib)
    copie.text, copie.tail = element.text, element.tail
    parent.append(copie)
    for enfant in list(element):
        copie.append(enfant)


def _compter_pages(doc: Document, sect, cible: Document, numero: int) -> None:
    """"Page X sur Y" of one letter: Y is the page number of a bookmark on the letter's last paragraph.

    Word knows SECTIONPAGES, but LibreOffice shows its cached value ("Page 2 sur 1"); a PAGEREF to the
    end of the letter prints the letter's page count in both, since each letter's numbering starts at 1.
    """
    signet = f"_fin_lettre_{numero}"
    dernier = [p for p in doc.element.body.iterchildren(qn("w:p"))][-1]
    debut, fin = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    debut.set(qn("w:id"), str(SIGNETS + numero))
    debut.set(qn("w:name"), signet)
    fin.set(qn("w:id"), str(SIGNETS + numero))
    dernier.append(debut)
    dernier.append(fin)
    for reference in sect.iterchildren(qn("w:footerReference")):
        pied = cible.part.rels[reference.get(qn("r:id"))].target_part.element
        for champ in pied.iter(qn("w:fldSimple")):
            if champ.get(qn("w:instr")).split()[:1] == ["SECTIONPAGES"]:
                champ.set(qn("w:instr"), f"PAGEREF {signet} \\h")


def _section_finale(doc: Document):
    """The body's own ``w:sectPr``, detached from it."""
    sect = doc.element.body.find(qn("w:sectPr"))
    doc.element.body.remove(sect)
    return sect


def _porter_section(sect, corps) -> None:
    """End the content written so far with ``sect``, carried by its last paragraph (a new empty one only
    when the content ends with a table)."""
    dernier = corps[-1] if len(corps) else None
    if dernier is None or dernier.tag != qn("w:p"):
        dernier = OxmlElement("w:p")
        corps.append(dernier)
    ppr = dernier.get_or_add_pPr()
    for ancien in ppr.findall(qn("w:sectPr")):
        ppr.remove(ancien)
    ppr.append(sect)


def _copier_entetes(sect, source: Document, cible: Document) -> None:
    """Give ``sect`` (from ``source``) headers and footers of its own in ``cible``'s package."""
    for reference in sect:
        if reference.tag not in _PARTIES:
            continue
        classe, type_relation = _PARTIES[reference.tag]
        partie_source = source.part.rels[reference.get(qn("r:id"))].target_part
        partie = classe.new(cible.part.package)
        partie._element = copy.deepcopy(partie_source.element)
        _copier_relations(partie._element, partie_source, partie)
        reference.set(qn("r:id"), cible.part.relate_to(partie, type_relation))


def _copier_relations(element, source, cible) -> None:
    """Re-point the relationships used in ``element`` (images, links) from part ``source`` to ``cible``."""
    for noeud in element.iter():
        for attribut, rid in list(noeud.attrib.items()):
            if not attribut.startswith(_NS_R) or rid not in source.rels:
                continue
            relation = source.rels[rid]
            if relation.is_external:
                nouveau = cible.relate_to(relation.target_ref, relation.reltype, is_external=True)
            elif relation.reltype == RT.IMAGE:
                image = cible.package.get_or_add_image_part(io.BytesIO(relation.target_part.blob))
                nouveau = cible.relate_to(image, RT.IMAGE)
            else:
                nouveau = cible.relate_to(relation.target_part, relation.reltype)
            noeud.set(attribut, nouveau)


def _numeroter_dessins(doc: Document) -> None:
    """Unique ids for the drawings of the assembled letters (Word refuses duplicates)."""
    parties: Iterable = [doc.element.body] + [
        r.target_part.element for r in doc.part.rels.values() if r.reltype in (RT.HEADER, RT.FOOTER)
    ]
    numero = 0
    for partie in parties:
        for dessin in partie.iter(qn("wp:docPr")):
            numero += 1
            dessin.set("id", str(numero))
