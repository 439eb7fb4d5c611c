"""The sandbox of the Word templates (``Bac``): Jinja's immutable sandbox (no Python internals, no
loader for ``include``/``import``/``extends``), with bounded loops (``range``), bounded strings (``*``,
``+``, ``~``, ``%``, filters and string methods), a bounded output and a time limit per piece."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter

from .bornes import (STRUCTURELS, FormatInvalide, TropGrand, message_interne, taille_format, taille_pourcent,
                     valeur_interne)
from .contextes.francais import a, de, le, pluriel, premiere_majuscule
from .erreurs_modele import DelaiDepasse, ModeleInterdit, raison_modele

#: French filters of the templates: plurals, capitals, and the article or preposition before a name
#: (``{{ porteur.raison_sociale|de }}`` -> "de l'Association X", "du CCAS", "d'Aide & Domicile").
FILTRES = {"pluriel": pluriel, "premiere_majuscule": premiere_majuscule, "de": de, "le": le, "a": a}
RANGE_MAX = 10_000  # items of one range()
ITERATIONS_MAX = 1_000_000  # items of all the range() of one piece
TEXTE_MAX = 1_000_000  # characters (or items) one operation of a template may produce
SORTIE_MAX = 256 * 1024 * 1024  # characters of a rendered part (a 20 000-ESSMS note is far below)
DELAI_PIECE = 120.0  # seconds per piece (DOSSIER_DELAI_MODELE); a 20 000-ESSMS note takes a few


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
