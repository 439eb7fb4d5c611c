"""Render a Word piece from its docxtpl template and the shared context.

Autoescaping is on: ``& < > " '`` in the project's texts come out as typed; line breaks become real
Word line breaks (docxtpl turns ``\\n`` into ``<w:br/>``). A field unknown to the context or a
Jinja syntax error in a template (typically an exported template edited by the user) stops the
rendering with a French message pointing to ``dossier templates check``.

Templates are files consultants exchange by email: they are rendered in Jinja's immutable sandbox
(no Python internals, no loader for ``include``/``import``/``extends``), with bounded loops
(``range``), bounded strings (``*``, ``+``, ``~``, ``%``, filters and string methods), a bounded
output and a time limit per piece (``Bac``).
"""

from __future__ import annotations

import io
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from xml.parsers import expat

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter, SecurityError

from ..errors import DossierError
from ..lecture import lire_modele
from .bornes import (STRUCTURELS, FormatInvalide, TropGrand, message_interne, taille_format, taille_pourcent,
                     valeur_interne)
from .contextes.commun import ContexteRendu
from .contextes.francais import a, de, le, pluriel, premiere_majuscule

PROPRIETES = ("author", "comments", "identifier", "language", "subject", "title")
LONGUEUR_PROPRIETE = 255
#: French filters of the templates: plurals, capitals, and the article or preposition before a name
#: (``{{ porteur.raison_sociale|de }}`` -> "de l'Association X", "du CCAS", "d'Aide & Domicile").
FILTRES = {"pluriel": pluriel, "premiere_majuscule": premiere_majuscule, "de": de, "le": le, "a": a}
RANGE_MAX = 10_000  # items of one range()
ITERATIONS_MAX = 1_000_000  # items of all the range() of one piece
TEXTE_MAX = 1_000_000  # characters (or items) one operation of a template may produce
SORTIE_MAX = 256 * 1024 * 1024  # characters of a rendered part (a 20 000-ESSMS note is far below)
DELAI_PIECE = 120.0  # seconds per piece (DOSSIER_DELAI_MODELE); a 20 000-ESSMS note takes a few


class ModeleInterdit(SecurityError):
    """A template tried something a template may not do; the message is French."""


class DelaiDepasse(BaseException):
    """The time limit of a piece is over (a BaseException: the template cannot catch it)."""


class _Generateur(CodeGenerator):
    """Jinja's code generator, with ``~`` going through the environment (bounded size)."""

    def _output_child_to_const(self, node, frame, finalize) -> str:
        """Constant output is escaped before ``finalize`` sees it: a value that is not data (``{{ 'x'.upper }}``)
        is left to the runtime, where ``Bac.imprimable`` refuses it."""
        if not isinstance(node, nodes.TemplateData) and valeur_interne(node.as_const(frame.eval_ctx)) is not None:
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.concatener((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _taille(valeur) -> int:
    return len(valeur) if isinstance(valeur, (str, bytes, list, tuple, dict, set, frozenset)) else 0


def _borner(taille: int, quoi: str) -> None:
    if taille > TEXTE_MAX:
        raise ModeleInterdit(f"{quoi} trop grand ({taille} éléments ; limite {TEXTE_MAX})")


class Bac(ImmutableSandboxedEnvironment):
    """The sandbox of the Word templates: Jinja's immutable sandbox, plus bounds on loops, sizes,
    output and time (checked at every call, attribute access and operator of the template)."""

    code_generator_class = _Generateur
    intercepted_binops = frozenset({"*", "+", "%", "**"})

    def __init__(self, undefined: type, delai: float) -> None:
        super().__init__(autoescape=True, undefined=undefined, keep_trailing_newline=True, finalize=self.imprimable)
        for nom in ("lipsum", "cycler", "joiner", "namespace"):
            self.globals.pop(nom, None)
        self.globals["range"] = self.intervalle
        self.filters = {nom: self._filtre_borne(f) for nom, f in self.filters.items()}
        self.filters.update(FILTRES)
        self.echeance = time.monotonic() + delai
        self.iterations = 0

    # time ------------------------------------------------------------------------------------
    def surveiller(self) -> None:
        if time.monotonic() > self.echeance:
            raise DelaiDepasse()

    # bounded operations ----------------------------------------------------------------------
    def intervalle(self, *args):
        """``range`` limited to RANGE_MAX items, ITERATIONS_MAX for the whole piece."""
        self.surveiller()
        intervalle = range(*args)
        if len(intervalle) > RANGE_MAX:
            raise ModeleInterdit(f"range() de {len(intervalle)} éléments (limite {RANGE_MAX})")
        self.iterations += len(intervalle)
        if self.iterations > ITERATIONS_MAX:
            raise ModeleInterdit(f"trop d'itérations de range() dans la pièce (limite {ITERATIONS_MAX})")
        return intervalle

    def call_binop(self, context, operator, left, right):
        self.surveiller()
        if operator == "*":
            for sequence, nombre in ((left, right), (right, left)):
                if _taille(sequence) and isinstance(nombre, int):
                    _borner(_taille(sequence) * nombre, "texte ou liste")
        elif operator == "+":
            _borner(_taille(left) + _taille(right), "texte ou liste")
        elif operator == "%" and isinstance(left, str):
            self.imprimable(right)
            self._borner_pourcent(left, right)
        elif operator == "**" and isinstance(right, (int, float)) and abs(right) > 100:
            raise ModeleInterdit(f"puissance trop grande ({right})")
        resultat = super().call_binop(context, operator, left, right)
        if isinstance(resultat, int) and resultat.bit_length() > 4096:
            raise ModeleInterdit("nombre trop grand")
        return resultat

    def concatener(self, parties):
        """The ``~`` operator, bounded."""
        self.surveiller()
        textes = [str(self.imprimable(p)) for p in parties]
        _borner(sum(map(len, textes)), "texte")
        return markup_join(parties)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self.surveiller()
        cible = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # str.format comes wrapped
        __self._borner_appel(getattr(__obj, "__name__", ""), cible, args, kwargs)
        resultat = super().call(__context, __obj, *args, **kwargs)
        _borner(_taille(resultat), "résultat")
        return resultat

    def getattr(self, obj, attribute):
        self.surveiller()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.surveiller()
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj, attribute):
        raise ModeleInterdit(f"accès interdit à un attribut interne « {attribute} »")

    def concat(self, morceaux) -> str:
        """The output of a template (``Template.render``): bounded, joined by blocks (a list of
        millions of one-character pieces would cost more than the text), the deadline checked."""
        blocs, bloc, taille = [], [], 0
        for morceau in morceaux:
            taille += len(morceau)
            if taille > SORTIE_MAX:
                raise ModeleInterdit(f"document produit trop grand (limite {SORTIE_MAX} caractères)")
            bloc.append(morceau)
            if len(bloc) == 4096:
                blocs.append("".join(bloc))
                bloc.clear()
                self.surveiller()
        blocs.append("".join(bloc))
        return "".join(blocs)

    def _filtre_borne(self, filtre):
        """A builtin filter called only with bounded arguments and returning a bounded result."""
        passe_contexte = hasattr(filtre, "jinja_pass_arg")

        def borne(*args, **kwargs):
            self.surveiller()
            valeur, *autres = args[1:] if passe_contexte else args
            nom = filtre.__name__.removeprefix("do_")
            if nom not in STRUCTURELS:  # a filter that makes text of its values: no internals
                self.imprimable((valeur, autres, kwargs))
            self._borner_appel("%" if nom == "format" else nom, valeur, autres, kwargs)
            if nom == "format" and isinstance(valeur, str):  # the filter is a « % »
                self._borner_pourcent(valeur, kwargs or tuple(autres))
            resultat = filtre(*args, **kwargs)
            _borner(_taille(resultat), "résultat de filtre")
            return resultat

        borne.__name__ = filtre.__name__
        if passe_contexte:
            borne.jinja_pass_arg = filtre.jinja_pass_arg
        return borne

    def _borner_appel(self, nom: str, cible, args, kwargs) -> None:
        """Numbers given to a call (widths, counts), and what ``replace``/``join``/``format`` make."""
        valeurs = [*args, *kwargs.values()]
        for v in valeurs:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) > TEXTE_MAX:
                raise ModeleInterdit(f"nombre trop grand en argument ({v})")
        if nom == "join" and isinstance(cible, (list, tuple)):  # the join filter
            _borner(sum(_taille(x) for x in cible) + len(cible) * _taille(valeurs[0] if valeurs else ""), "texte")
        if not isinstance(cible, str):
            return
        largeurs = [v for v in valeurs if isinstance(v, int) and not isinstance(v, bool)]
        if nom == "replace" and len(valeurs) >= 2 and isinstance(valeurs[1], str):
            _borner(len(cible) + (len(cible) + 1) * len(valeurs[1]), "texte")
        if nom in ("format", "format_map", "join"):
            self.imprimable((args, kwargs))
        if nom in ("format", "format_map"):
            self._borner_format(cible, tuple(args) if nom == "format" else (),
                                kwargs if nom == "format" else (args[0] if args else {}))
        elif nom == "join" and valeurs and isinstance(valeurs[0], (list, tuple)):
            _borner(sum(_taille(x) for x in valeurs[0]) + len(cible) * len(valeurs[0]), "texte")
        elif nom == "translate" and valeurs and isinstance(valeurs[0], dict):
            _borner(len(cible) * max([_taille(v) for v in valeurs[0].values()] + [1]), "texte")
        elif nom in ("indent", "center", "ljust", "rjust", "zfill", "wordwrap", "expandtabs") and largeurs:
            _borner(len(cible) + largeurs[0] * (cible.count("\n") + cible.count("\t") + 1), "texte")

    def _borner_format(self, gabarit: str, args: tuple = (), kwargs=None) -> None:
        """``gabarit.format(*args, **kwargs)`` bounded before it is built (see ``bornes``)."""
        if args or kwargs or "{" in gabarit:
            formateur = SandboxedFormatter(self)
            with _bornes_en_francais():
                _borner(taille_format(gabarit, args, kwargs or {}, lambda nom, a, k: formateur.get_field(nom, a, k)[0],
                                      TEXTE_MAX), "texte formaté")

    def imprimable(self, valeur):
        """``valeur`` unchanged if it holds data only: a function, a method or an object of the engine
        (``{{ range }}``, ``{{ self }}``) never reaches a document (see ``bornes.valeur_interne``)."""
        interne = valeur_interne(valeur)
        if interne is not None:
            raise ModeleInterdit(message_interne(interne))
        return valeur

    def _borner_pourcent(self, gabarit: str, droite) -> None:
        with _bornes_en_francais():
            _borner(taille_pourcent(gabarit, droite, TEXTE_MAX), "texte formaté")


@contextmanager
def _bornes_en_francais() -> Iterator[None]:
    try:
        yield
    except (TropGrand, FormatInvalide) as e:
        raise ModeleInterdit(str(e)) from None
    except (LookupError, AttributeError, TypeError, ValueError) as e:  # a field the format cannot find
        raise ModeleInterdit(f"format impossible à évaluer ({raison_modele(e)})") from None


def environnement(undefined: type = StrictUndefined, delai: float | None = None) -> Bac:
    """The Jinja environment of the Word templates: the sandbox ``Bac``, autoescape, French filters."""
    return Bac(undefined, delai if delai is not None else float(os.environ.get("DOSSIER_DELAI_MODELE", DELAI_PIECE)))


@contextmanager
def delai_piece(env: Bac):
    """Interrupt a rendering stuck in a loop without calls once ``env``'s deadline is over.

    Uses SIGALRM in the main thread (elsewhere, only the sandbox's own checks apply); a timer
    already running (a test runner's) is restored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def sonner(signum, frame):
        raise DelaiDepasse()

    precedent = signal.signal(signal.SIGALRM, sonner)
    restant, _ = signal.setitimer(signal.ITIMER_REAL, max(env.echeance - time.monotonic(), 0.001))
    debut = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, precedent)
        if restant:
            signal.setitimer(signal.ITIMER_REAL, max(restant - (time.monotonic() - debut), 0.001))


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
                raise ErreurModele(e, _passage(re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml), e)) from None

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


class ErreurModele(Exception):
    """An error raised while rendering one part of a template, with the passage (tag) it came from."""

    def __init__(self, cause: BaseException, passage: str):
        super().__init__(str(cause))
        self.cause = cause
        self.passage = passage


def _passage(source: str, e: BaseException) -> str:
    """Text of the template line (one paragraph, as docxtpl lays it out) where ``e`` happened."""
    ligne = getattr(e, "lineno", None)
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            ligne = tb.tb_lineno
        tb = tb.tb_next
    lignes = source.splitlines()
    if not ligne or not 0 < ligne <= len(lignes):
        return ""
    texte = " ".join(re.sub(r"<[^>]+>", "", lignes[ligne - 1]).split())
    return texte if len(texte) <= 120 else texte[:117] + "…"


_ERREURS_PYTHON = {
    ZeroDivisionError: "division par zéro",
    OverflowError: "nombre trop grand",
    RecursionError: "récursion trop profonde",
    MemoryError: "mémoire insuffisante pour ce modèle",
    TypeError: "opération impossible sur ces valeurs",
    ValueError: "valeur invalide pour cette opération",
    KeyError: "clé absente",
    IndexError: "indice hors de la liste",
    AttributeError: "attribut absent",
}


def raison_modele(e: BaseException, modeles: Path | None = None) -> str:
    """What went wrong in a template, in French."""
    verifier = f" ; vérifier le modèle avec « dossier templates check{' ' + str(modeles) if modeles else ''} »"
    if isinstance(e, ModeleInterdit):
        return str(e)
    if isinstance(e, SecurityError):
        return "opération interdite dans un modèle (bac à sable)"
    if isinstance(e, DelaiDepasse):
        return "temps de rendu dépassé (boucle trop longue ?)"
    if isinstance(e, UndefinedError):
        return f"champ inconnu ({_champ_inconnu(e)}){verifier}"
    if isinstance(e, TemplateSyntaxError):
        from .modeles import _message_syntaxe

        return f"syntaxe Jinja invalide ({_message_syntaxe(e)}){verifier}"
    if isinstance(e, TypeError) and "no loader" in str(e):
        return "inclusion d'un autre modèle interdite (include, import, extends)"
    if isinstance(e, TemplateError):
        return f"erreur de modèle ({_message(e)})"
    francais = next((m for t, m in _ERREURS_PYTHON.items() if isinstance(e, t)), "erreur pendant le rendu")
    return f"{francais} ({type(e).__name__})"


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


def _champ_inconnu(e: UndefinedError) -> str:
    """« nom » of the field Jinja reports as undefined (its message is English)."""
    trouve = re.search(r"'([^']*)' is undefined|has no attribute '([^']*)'", _message(e))
    return f"« {trouve.group(1) or trouve.group(2)} »" if trouve else _message(e)


def _message(e: BaseException) -> str:
    return str(getattr(e, "message", None) or e)
