"""Render a Word piece from its docxtpl template and the shared context.

Autoescaping is on: ``& < > " '`` in the project's texts come out as typed; line breaks become real
Word line breaks (docxtpl turns ``\\n`` into ``<w:br/>``). A field unknown to the context or a
Jinja syntax error in a template (typically an exported template edited by the user) stops the
rendering with a French message pointing to ``dossier templates check``.

Templates are files consultants exchange by email: they are rendered in Jinja's immutable sandbox
(no Python internals, no loader for ``include``/``import``/``extends``), with bounded loops
(``range``), bounded strings (``*``, ``+``, ``~``, ``%``, filters and string methods), a bounded
output and a time limit per piece (``bac.Bac``); what went wrong is said in French by ``erreurs_modele``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from xml.parsers import expat

from ..errors import DossierError
from ..lecture import lire_modele
from .bac import delai_piece, environnement
from .contextes.commun import ContexteRendu
from .erreurs_modele import DelaiDepasse, ErreurModele, passage_fautif, raison_modele

PROPRIETES = ("author", "comments", "identifier", "language", "subject", "title")
LONGUEUR_PROPRIETE = 255


def dossier_modeles() -> Path:
    """Folder of the templates shipped in the package (``dossier.templates``).

    Installed, the top-level ``templates/`` folder is the package ``dossier.templates``; run from a
    source checkout (``PYTHONPATH=src``), it is the ``templates/`` folder next to ``src/``.
    """
    try:
        return Path(str(resources.files("dossier.templates")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[3] / "templates"


def chemin_modele(fichier_slug: str, modeles: Path | None = None, extension: str = "docx") -> Path:
    """Template of a piece: from ``modeles`` when it has one, else the packaged one."""
    nom = f"{fichier_slug}.{extension}"
    if modeles is not None and (Path(modeles) / nom).is_file():
        return Path(modeles) / nom
    chemin = dossier_modeles() / nom
    if not chemin.is_file():
        raise DossierError(f"modèle Word introuvable pour la pièce « {fichier_slug} » ({nom})")
    return chemin


#: ``xml:space``, the only attribute of the ``xml:`` namespace Word writes (on ``w:t``, ``w:instrText``...).
ESPACE_XML = "{http://www.w3.org/XML/1998/namespace}space"


@contextmanager
def sans_espaces_xml(element) -> Iterator[None]:
    """Take the ``xml:space`` attributes off ``element``'s subtree while it moves to another lxml
    document, then put them back: lxml re-resolves their namespace against every earlier one, O(n²)
    in one C call (see ``map_tree``)."""
    espaces = [(e, e.attrib.pop(ESPACE_XML)) for e in element.xpath("descendant-or-self::*[@xml:space]")]
    try:
        yield
    finally:
        for e, valeur in espaces:
            e.set(ESPACE_XML, valeur)

_TEXTE_WORD = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*[\n\t][^<]*)</w:t>")


#: Template tags after which docxtpl must re-count table columns (``fix_tables``), tested on the
#: template's text once Word's markup is removed (a tag may be split over several runs).
_COLONNES_VARIABLES = re.compile(r"\{%-?\s*(?:tc|colspan|hm)\b")
_BALISE_WORD = re.compile(r"<[^>]*>")
_ID_DESSIN = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')
_CORPS_VIDE = b"<w:body/>"


@dataclass
class _CorpsTexte:
    """The rendered body of a Word document kept as XML text (see ``Modele.fix_tables``)."""

    xml: str


def _bien_forme(xml: str) -> bool:
    """Whether ``xml`` is well-formed, checked by expat without building a tree."""
    try:
        expat.ParserCreate().Parse(xml, True)
    except expat.ExpatError:
        return False
    return True


def _sauts_de_ligne(m: re.Match) -> str:
    texte = m.group(2).replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    texte = texte.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    return f'<w:t xml:space="preserve">{texte}</w:t>'


@cache
def _classe_modele():
    from docxtpl import DocxTemplate

    class Modele(DocxTemplate):
        """docxtpl template whose line breaks and tabs become real Word breaks and tabs.

        One regular expression over the text nodes replaces docxtpl's per-paragraph, per-run
        ``resolve_listing`` (same result for ``\n`` and ``\t``; the context holds no other control
        character, see ``contextes.commun.nettoyer``), which grew with the number of ESSMS. The rendered
        body is not parsed into a tree when no table can change columns (``fix_tables``), and is
        moved into the document in linear time when it is (``map_tree``).
        """

        #: Keep the rendered body as text until ``save`` when possible; False when the caller needs
        #: the python-docx tree (``modele.docx``) of the rendered document.
        corps_en_texte = True

        def resolve_listing(self, xml: str) -> str:
            return _TEXTE_WORD.sub(_sauts_de_ligne, xml)

        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            try:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            except (Exception, DelaiDepasse) as e:
                raise ErreurModele(e, passage_fautif(re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml), e)) from None

        def build_xml(self, context, jinja_env=None) -> str:
            source = _BALISE_WORD.sub("", self.get_xml())
            self.colonnes_variables = _COLONNES_VARIABLES.search(source) is not None
            self.corps_rendu = None
            return super().build_xml(context, jinja_env)

        def fix_tables(self, xml: str):
            """Keep the rendered body as text when no table can have gained or lost columns.

            docxtpl parses the whole rendered body into an lxml tree to re-count the columns of
            tables whose cells come from ``{%tc`` loops (or ``colspan``/``hm``), then python-docx
            serialises that tree again: 1.8 million elements, 440 MB at 10 000 ESSMS. Without such
            tags the columns are those of the template: the body stays text (checked well-formed
            by expat, which builds nothing) and is put into ``document.xml`` at ``save``. An
            ill-formed body goes docxtpl's way (its parser repairs what it can).
            """
            if not self.corps_en_texte or self.colonnes_variables or not _bien_forme(xml):
                return super().fix_tables(xml)
            return _CorpsTexte(xml)

        def fix_docpr_ids(self, tree) -> None:
            if not isinstance(tree, _CorpsTexte):
                return super().fix_docpr_ids(tree)

            def numero(m: re.Match) -> str:
                self.docx_ids_index += 1
                return f"{m.group(1)}{self.docx_ids_index}{m.group(2)}"

            tree.xml = _ID_DESSIN.sub(numero, tree.xml)

        def map_tree(self, tree) -> None:
            """Put the rendered body in the document in linear time.

            lxml (up to 6.x at least, ``proxy._fixCNs``) caches the namespace of a moved node under
            its *new* pointer only, so the ``xml:`` namespace of ``xml:space`` is never found in the
            cache: moving a body holding n ``xml:space`` attributes into the document (docxtpl's
            ``root.replace``) costs O(n²) in one C call that Ctrl-C cannot interrupt (minutes at
            100 000 ESSMS). The attributes are taken off while the body moves, then put back.
            """
            if isinstance(tree, _CorpsTexte):
                self.corps_rendu = tree.xml  # the template's body stays (its sections) until save
                return
            with sans_espaces_xml(tree):
                super().map_tree(tree)

        def save(self, filename, *args, **kwargs) -> None:
            if getattr(self, "corps_rendu", None) is not None:
                self._inserer_corps()
            super().save(filename, *args, **kwargs)

        def _inserer_corps(self) -> None:
            """Make the main part's XML the document with the rendered body text in place of its body.

            The main part is replaced by a part holding those bytes, the way docxtpl replaces
            rendered headers and footers (``map_headers_footers_xml``).
            """
            from docx.opc.constants import RELATIONSHIP_TYPE
            from docx.opc.oxml import serialize_part_xml
            from docx.opc.part import Part

            racine = self.docx.element
            racine.replace(racine.body, racine.makeelement(racine.body.tag))
            avant, apres = serialize_part_xml(racine).split(_CORPS_VIDE)
            corps, self.corps_rendu = self.corps_rendu.encode("utf-8"), None
            ancienne = self.docx.part
            nouvelle = Part(ancienne.partname, ancienne.content_type, b"".join((avant, corps, apres)), ancienne.package)
            for rel in ancienne.rels.values():
                nouvelle.load_rel(rel.reltype, rel._target, rel.rId, rel.is_external)
            for rel in ancienne.package.rels.values():
                if rel.reltype == RELATIONSHIP_TYPE.OFFICE_DOCUMENT:
                    rel._target = nouvelle

        def render_properties(self, context, jinja_env=None) -> None:
            """Document properties (title, author...) rendered in the same sandbox, cut to the
            255 characters a core property may hold (a long project title must not fail)."""
            env = jinja_env or environnement()
            proprietes = self.docx.core_properties
            for nom in PROPRIETES:
                initial = getattr(proprietes, nom)
                if initial and ("{{" in initial or "{%" in initial):
                    try:
                        rendu = env.from_string(initial).render(context)
                    except (Exception, DelaiDepasse) as e:
                        raise ErreurModele(e, initial) from None
                    setattr(proprietes, nom, " ".join(rendu.split())[:LONGUEUR_PROPRIETE])

    return Modele


#: Pieces rendered once per OG, each OG's copy in its own section (``lettres``).
PAR_ORGANISME = ("lettre-engagement",)


def contextes_du_modele(fichier_slug: str, donnees: dict) -> list[dict]:
    """The contexts a template is rendered with: one per OG for a letter, else the dossier's."""
    if fichier_slug in PAR_ORGANISME:
        from .lettres import contextes_par_organisme

        return contextes_par_organisme(donnees)
    return [donnees]



def charger_modele(chemin: Path):
    """The docxtpl template at ``chemin``, read through the guard of ``lecture`` (regular file,
    bounded size, zip directory checked before anything is inflated)."""
    modele = _classe_modele()(io.BytesIO(lire_modele(chemin)))
    try:
        modele.init_docx()
    except Exception:  # not a Word file, corrupt zip, invalid XML
        raise DossierError(f"modèle {chemin.name} illisible ou corrompu") from None
    return modele


def rendre_docx(fichier_slug: str, contexte: ContexteRendu, dest: Path, modeles: Path | None = None) -> None:
    """Render ``<fichier_slug>.docx`` with ``contexte`` and write it to ``dest``."""
    chemin = chemin_modele(fichier_slug, modeles)
    if fichier_slug in PAR_ORGANISME:
        from .lettres import rendre_lettres

        document = rendre_lettres(lambda donnees: _rendre(chemin, donnees, modeles, arbre=True).docx, contexte.donnees)
        document.save(str(dest))
    else:
        _rendre(chemin, contexte.donnees, modeles).save(str(dest))


def _rendre(chemin: Path, donnees: dict, modeles: Path | None, arbre: bool = False):
    """The docxtpl template ``chemin`` rendered with ``donnees`` in the sandbox; with ``arbre``, its body
    is kept as a python-docx tree (the letters are assembled from it), else as text until ``save``."""
    modele = charger_modele(chemin)
    modele.corps_en_texte = not arbre
    env = environnement()
    try:
        with delai_piece(env):
            modele.render(donnees, jinja_env=env, autoescape=True)
    except ErreurModele as e:
        balise = f" dans « {e.passage} »" if e.passage else ""
        raise DossierError(f"modèle {chemin.name}{balise} : {raison_modele(e.cause, modeles)}") from None
    except DelaiDepasse as e:
        raise DossierError(f"modèle {chemin.name} : {raison_modele(e)}") from None
    except Exception as e:  # a template whose XML docxtpl cannot put back together
        if isinstance(e, (OSError, DossierError)) or chemin.parent == dossier_modeles():
            raise
        raise DossierError(f"modèle {chemin.name} illisible ou corrompu : {e}") from None
    return modele
