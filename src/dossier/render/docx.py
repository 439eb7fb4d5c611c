"""Render a Word piece from its docxtpl template and the shared context.

Autoescaping is on: ``& < > " '`` in the project's texts come out as typed; line breaks become real
Word line breaks (docxtpl turns ``\\n`` into ``<w:br/>``). A field unknown to the context or a
Jinja syntax error in a template (typically an exported template edited by the user) stops the
rendering with a French message pointing to ``dossier templates check``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError

from ..errors import DossierError
from .contexte import ContexteRendu, pluriel, premiere_majuscule

PROPRIETES = ("author", "comments", "identifier", "language", "subject", "title")
LONGUEUR_PROPRIETE = 255
FILTRES = {"pluriel": pluriel, "premiere_majuscule": premiere_majuscule}


def environnement(undefined: type = StrictUndefined) -> Environment:
    """The Jinja environment of the Word templates (autoescape, French filters)."""
    env = Environment(autoescape=True, undefined=undefined, keep_trailing_newline=True)
    env.filters.update(FILTRES)
    return env


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

_TEXTE_WORD = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*[\n\t][^<]*)</w:t>")


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
        character, see ``contexte.nettoyer``), which grew with the number of ESSMS.
        """

        def resolve_listing(self, xml: str) -> str:
            return _TEXTE_WORD.sub(_sauts_de_ligne, xml)

        def map_tree(self, tree) -> None:
            """Put the rendered body in the document in linear time.

            lxml (up to 6.x at least, ``proxy._fixCNs``) caches the namespace of a moved node under
            its *new* pointer only, so the ``xml:`` namespace of ``xml:space`` is never found in the
            cache: moving a body holding n ``xml:space`` attributes into the document (docxtpl's
            ``root.replace``) costs O(n²) in one C call that Ctrl-C cannot interrupt (minutes at
            100 000 ESSMS). The attributes are taken off while the body moves, then put back.
            """
            espaces = [(element, element.attrib.pop(ESPACE_XML)) for element in tree.xpath("descendant-or-self::*[@xml:space]")]
            super().map_tree(tree)
            for element, valeur in espaces:
                element.set(ESPACE_XML, valeur)

        def render_properties(self, context, jinja_env=None) -> None:
            """Document properties (title, author...) rendered like docxtpl does, cut to the
            255 characters a core property may hold (a long project title must not fail)."""
            env = jinja_env or environnement()
            proprietes = self.docx.core_properties
            for nom in PROPRIETES:
                initial = getattr(proprietes, nom)
                if initial and ("{{" in initial or "{%" in initial):
                    rendu = env.from_string(initial).render(context)
                    setattr(proprietes, nom, " ".join(rendu.split())[:LONGUEUR_PROPRIETE])

    return Modele


def rendre_docx(fichier_slug: str, contexte: ContexteRendu, dest: Path, modeles: Path | None = None) -> None:
    """Render ``<fichier_slug>.docx`` with ``contexte`` and write it to ``dest``."""
    chemin = chemin_modele(fichier_slug, modeles)
    modele = _classe_modele()(str(chemin))
    try:
        modele.render(contexte.donnees, jinja_env=environnement(), autoescape=True)
    except UndefinedError as e:
        raise DossierError(
            f"modèle {chemin.name} : champ inconnu ({_message(e)}) ; vérifier le modèle avec "
            f"« dossier templates check{' ' + str(modeles) if modeles else ''} »"
        ) from None
    except TemplateSyntaxError as e:
        raise DossierError(
            f"modèle {chemin.name} : syntaxe Jinja invalide ({e.message}) ; vérifier le modèle avec "
            f"« dossier templates check{' ' + str(modeles) if modeles else ''} »"
        ) from None
    except TemplateError as e:
        raise DossierError(f"modèle {chemin.name} : erreur de modèle ({_message(e)})") from None
    except Exception as e:  # a template Word cannot parse (corrupt file, broken XML)
        if not isinstance(e, (OSError, DossierError)) and chemin.parent != dossier_modeles():
            raise DossierError(f"modèle {chemin.name} illisible ou corrompu : {e}") from None
        raise
    modele.save(str(dest))


def _message(e: Exception) -> str:
    return str(getattr(e, "message", None) or e)
