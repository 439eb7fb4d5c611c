"""What went wrong in a Word template, in French: the sandbox's refusals, the time limit, the place (tag)
of an error and the translation of Jinja's English messages (syntax errors, unknown fields)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError


class ModeleInterdit(SecurityError):
    """A template tried something a template may not do; the message is French."""


class DelaiDepasse(BaseException):
    """The time limit of a piece is over (a BaseException: the template cannot catch it)."""


class ErreurModele(Exception):
    """An error raised while rendering one part of a template, with the passage (tag) it came from."""

    def __init__(self, cause: BaseException, passage: str):
        super().__init__(str(cause))
        self.cause = cause
        self.passage = passage


def passage_fautif(source: str, e: BaseException) -> str:
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
        return f"syntaxe Jinja invalide ({message_syntaxe(e)}){verifier}"
    if isinstance(e, TypeError) and "no loader" in str(e):
        return "inclusion d'un autre modèle interdite (include, import, extends)"
    if isinstance(e, TemplateError):
        return f"erreur de modèle ({_message(e)})"
    francais = next((m for t, m in _ERREURS_PYTHON.items() if isinstance(e, t)), "erreur pendant le rendu")
    return f"{francais} ({type(e).__name__})"


def _champ_inconnu(e: UndefinedError) -> str:
    """« nom » of the field Jinja reports as undefined (its message is English)."""
    trouve = re.search(r"'([^']*)' is undefined|has no attribute '([^']*)'", _message(e))
    return f"« {trouve.group(1) or trouve.group(2)} »" if trouve else _message(e)


def _message(e: BaseException) -> str:
    return str(getattr(e, "message", None) or e)


def message_syntaxe(e: TemplateSyntaxError) -> str:
    """Jinja's English syntax error in French (used by the renderer and by ``templates check``)."""
    m = e.message or str(e)
    traductions = [
        (r"Unexpected end of template\. Jinja was looking for the following tags: (.*?)\. "
         r"The innermost block that needs to be closed is '(\w+)'\.",
         lambda g: f"bloc « {g[2]} » non fermé (balise attendue : {_ou(g[1])})"),
        (r"Encountered unknown tag '(\w+)'\. Jinja was looking for the following tags: (.*?)\. "
         r"The innermost block that needs to be closed is '(\w+)'\.",
         lambda g: f"balise « {g[1]} » inattendue dans le bloc « {g[3]} » (balise attendue : {_ou(g[2])})"),
        (r"Encountered unknown tag '(\w+)'.*", lambda g: f"balise inconnue « {g[1]} »"),
        (r"No filter named '(\w+)'.*", lambda g: f"filtre inconnu « {g[1]} »"),
        (r"No test named '(\w+)'.*", lambda g: f"test inconnu « {g[1]} »"),
        (r"unexpected end of template, expected '(.*)'\.", lambda g: f"fin du modèle atteinte, « {g[1]} » attendu"),
        (r"unexpected '(.*)'", lambda g: f"caractère inattendu « {g[1]} »"),
        (r"expected token '(.*)', got '(.*)'", lambda g: f"« {g[1]} » attendu, « {g[2]} » trouvé"),
    ]
    for motif, francais in traductions:
        trouve = re.match(motif, m, re.DOTALL)
        if trouve:
            return francais(trouve)
    return m


def _ou(balises: str) -> str:
    return balises.replace("'", "").replace(" or ", " ou ")
