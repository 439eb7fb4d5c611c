"""Colours, sizes, low-level XML helpers, the styles of every template and the fixed-bytes zip."""

from __future__ import annotations

import io
import re
import zipfile

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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


def el(tag: str, **attrs: str) -> OxmlElement:
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


def ecrire_runs(paragraphe, texte: str, gras: bool = False, italique: bool = False,
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


def champ(paragraphe, instruction: str, taille: float | None = None) -> None:
    """A simple field (PAGE, NUMPAGES) with a cached value."""
    fld = el("w:fldSimple", instr=instruction)
    r = OxmlElement("w:r")
    if taille:
        rpr = OxmlElement("w:rPr")
        rpr.append(el("w:sz", val=str(int(taille * 2))))
        r.append(rpr)
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraphe._p.append(fld)


def bordure_paragraphe(paragraphe, cote: str = "bottom", couleur: str = BORDURE, epaisseur: int = 6) -> None:
    ppr = paragraphe._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    bdr.append(el(f"w:{cote}", val="single", sz=str(epaisseur), space="4", color=couleur))


def fond_cellule(cellule, couleur: str) -> None:
    tcpr = cellule._tc.get_or_add_tcPr()
    tcpr.append(el("w:shd", val="clear", color="auto", fill=couleur))


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
    rpr.append(el("w:lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"))


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


def definir_styles(doc) -> None:
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
    bdr.append(el("w:bottom", val="single", sz="6", space="2", color=BORDURE))
    ppr.append(bdr)


def alleger(doc) -> None:
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


def normaliser_zip(contenu: bytes) -> bytes:
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
