"""Size of a string formatting, estimated before it is built (the template sandbox's bounds).

``'{0:{1}}'.format(1, '2500000000')`` takes its width from an argument, ``'%*d' % (999999999, 1)``
from a ``*``, ``('%(a)s' * 160000) % {'a': 'x' * 999999}`` repeats a long value: checking the result
once built is too late (gigabytes). These functions read the format string and the arguments the way
Python will, and return an upper bound of the result's length (widths, precisions, the length of each
value), or raise ``FormatInvalide`` for what they cannot bound (then the sandbox refuses the
operation). A mapping key or a field is resolved with the sandbox's own attribute access.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from string import Formatter
from typing import Any, Callable

from markupsafe import Markup


class FormatInvalide(Exception):
    """A format string whose result size cannot be bounded; the message is French."""


class TropGrand(Exception):
    """A width or precision over the limit; the message is French."""


#: Characters a Markup format may produce for one character of a value (``"`` -> ``&#34;``).
EXPANSION_MARKUP = 5
_SPEC = re.compile(r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?z?#?0?(?P<width>\d+)?[,_]?"
                   r"(?:\.(?P<precision>\d+))?(?P<type>[a-zA-Z%])?", re.DOTALL)


def _entier(texte: str | None, limite: int, quoi: str) -> int:
    if not texte:
        return 0
    if len(texte) > 12 or int(texte) > limite:
        raise TropGrand(f"{quoi} de format trop grande ({texte[:20]} ; limite {limite})")
    return int(texte)


def _longueur_valeur(valeur: Any, precision: int | None, nombre: bool) -> int:
    """An upper bound of the length of ``valeur`` formatted without width."""
    if isinstance(valeur, str) and not nombre:
        n = len(valeur)
        return min(n, precision) if precision is not None else n
    if isinstance(valeur, bool):
        return 5
    if isinstance(valeur, int):
        return valeur.bit_length() + 4 + (precision or 0) + valeur.bit_length() // 3
    if isinstance(valeur, Decimal):
        if not valeur.is_finite():
            return 10
        t = valeur.as_tuple()
        chiffres = len(t.digits) + abs(t.exponent)
        return 2 * chiffres + 12 + (precision or 6)
    if isinstance(valeur, float):
        return 2 * 330 + 12 + (precision or 6)
    if nombre:  # a number format of something else: Python converts or refuses
        return 2 * 330 + 12 + (precision or 6)
    texte = str(valeur)
    return min(len(texte), precision) if precision is not None else len(texte)


def taille_champ(valeur: Any, spec: str, limite: int) -> int:
    """Upper bound of ``format(valeur, spec)``."""
    if isinstance(valeur, (dt.date, dt.time)) and not _SPEC.fullmatch(spec):
        return 64 + 40 * len(spec)  # strftime: a directive gives at most a few dozen characters
    m = _SPEC.fullmatch(spec)
    if m is None:
        raise FormatInvalide(f"spécification de format non reconnue « {spec[:40]} »")
    largeur = _entier(m["width"], limite, "largeur")
    precision = _entier(m["precision"], limite, "précision") if m["precision"] is not None else None
    nombre = bool(m["type"]) and m["type"] not in "s"
    return max(largeur, _longueur_valeur(valeur, precision, nombre))


def taille_format(gabarit: str, args: tuple, kwargs: Mapping, champ: Callable[[str, tuple, Mapping], Any],
                  limite: int, profondeur: int = 2) -> int:
    """Upper bound of ``gabarit.format(*args, **kwargs)``; ``champ(nom, args, kwargs)`` resolves a
    field name (``0``, ``a.b``, ``x[1]``) like the sandbox does."""
    if profondeur < 0:
        raise FormatInvalide("format imbriqué trop profond")
    total = 0
    auto = 0
    try:
        morceaux = list(Formatter().parse(gabarit))
    except ValueError as e:
        raise FormatInvalide(f"format invalide ({e})") from None
    for texte, nom, spec, conversion in morceaux:
        total += len(texte)
        if nom is None:
            continue
        if nom == "" or nom[0] in ".[":
            nom = f"{auto}{nom}"
            auto += 1
        valeur = champ(nom, args, kwargs)
        if conversion in ("r", "a"):
            valeur = repr(valeur) if conversion == "r" else ascii(valeur)
        elif conversion == "s":
            valeur = str(valeur)
        spec = spec or ""
        if "{" in spec:
            if taille_format(spec, args, kwargs, champ, limite, profondeur - 1) > 200:
                raise FormatInvalide("spécification de format imbriquée trop longue")
            spec = _developper(spec, args, kwargs, champ)
        taille = taille_champ(valeur, spec, limite)
        total += taille * EXPANSION_MARKUP if isinstance(gabarit, Markup) and not isinstance(valeur, (int, float, Decimal)) else taille
        if total > limite:
            return total
    return total


def _developper(spec: str, args: tuple, kwargs: Mapping, champ) -> str:
    """The nested fields of a format spec replaced by their (already bounded, short) values."""
    parties = []
    auto = 0
    for texte, nom, sous_spec, conversion in Formatter().parse(spec):
        parties.append(texte)
        if nom is None:
            continue
        if nom == "" or nom[0] in ".[":
            nom = f"{auto}{nom}"
            auto += 1
        valeur = champ(nom, args, kwargs)
        if conversion:
            valeur = repr(valeur) if conversion == "r" else ascii(valeur) if conversion == "a" else str(valeur)
        parties.append(format(valeur, sous_spec or ""))
    return "".join(parties)


# --------------------------------------------------------------------------- printf-style (%)

_CONVERSION = re.compile(r"(?P<flags>[-#0 +]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]?(?P<type>.)?", re.DOTALL)


def taille_pourcent(gabarit: str, droite: Any, limite: int) -> int:
    """Upper bound of ``gabarit % droite`` (``*`` widths and precisions taken from the arguments)."""
    if isinstance(droite, tuple):
        valeurs, table = list(droite), None
    elif isinstance(droite, Mapping) and not isinstance(droite, str):
        valeurs, table = [droite], droite
    else:
        valeurs, table = [droite], None
    rang = 0

    def suivante():
        nonlocal rang
        if rang >= len(valeurs):
            raise FormatInvalide("pas assez d'arguments pour le format")
        rang += 1
        return valeurs[rang - 1]

    total = 0
    i = 0
    n = len(gabarit)
    while i < n:
        j = gabarit.find("%", i)
        if j < 0:
            total += n - i
            break
        total += j - i
        i = j + 1
        valeur_cle, a_cle = None, False
        if i < n and gabarit[i] == "(":
            if table is None:
                raise FormatInvalide("format à clés sans table de valeurs")
            niveau, k = 1, i + 1
            while k < n and niveau:
                niveau += {"(": 1, ")": -1}.get(gabarit[k], 0)
                k += 1
            if niveau:
                raise FormatInvalide("clé de format non refermée")
            cle = gabarit[i + 1:k - 1]
            try:
                valeur_cle = table[cle]
            except (KeyError, TypeError):
                raise FormatInvalide(f"clé de format absente « {cle[:40]} »") from None
            i, a_cle = k, True
        m = _CONVERSION.match(gabarit, i)
        i = m.end()
        type_ = m["type"]
        if type_ is None:
            raise FormatInvalide("format incomplet")
        if type_ == "%":
            total += 1
            continue
        largeur = m["width"]
        largeur = abs(_nombre_etoile(suivante())) if largeur == "*" else largeur
        precision = m["precision"]
        if precision == "*":
            precision = _nombre_etoile(suivante())
        largeur = _entier(str(largeur), limite, "largeur") if largeur else 0
        precision = _entier(str(max(int(precision), 0)), limite, "précision") if precision not in (None, "") else None
        valeur = valeur_cle if a_cle else suivante()
        if type_ in ("r", "a"):
            valeur = repr(valeur) if type_ == "r" else ascii(valeur)
        nombre = type_ not in "sra" and type_ != "c"
        base = 1 if type_ == "c" else _longueur_valeur(valeur, precision, nombre)
        if isinstance(gabarit, Markup) and not nombre:
            base *= EXPANSION_MARKUP
        total += max(largeur, base)
        if total > limite:
            return total
    return total


def _nombre_etoile(valeur: Any) -> int:
    if not isinstance(valeur, int) or isinstance(valeur, bool):
        raise FormatInvalide("« * » demande un nombre entier")
    return valeur


# --------------------------------------------------------------------------- what a document may print

_DONNEES = (str, int, float, Decimal, dt.date, dt.time, type(None))
#: Filters that return or reorder values without turning them into text (what they return is
#: checked where it is printed or turned into text).
STRUCTURELS = frozenset({"attr", "batch", "count", "d", "default", "dictsort", "first", "groupby", "items", "last",
                         "length", "list", "map", "max", "min", "random", "reject", "rejectattr", "reverse",
                         "select", "selectattr", "slice", "sort", "unique", "abs", "round", "int", "float", "sum",
                         "tojson", "bool"})


def valeur_interne(valeur: Any) -> Any:
    """The first value in ``valeur`` (containers searched) that is not data: a function, a bound
    method, a class, an object of the template engine (``self``, ``loop``, a macro); else None."""
    from jinja2 import Undefined

    pile = [(valeur, 0)]
    while pile:
        v, profondeur = pile.pop()
        if isinstance(v, (_DONNEES, Undefined)):
            continue
        if profondeur < 32 and isinstance(v, (list, tuple, set, frozenset)):
            pile.extend((x, profondeur + 1) for x in v)
        elif profondeur < 32 and isinstance(v, dict):
            pile.extend((x, profondeur + 1) for paire in v.items() for x in paire)
        else:
            return v
    return None


def message_interne(valeur: Any) -> str:
    quoi = "fonction ou méthode" if callable(valeur) else f"objet {type(valeur).__name__}"
    return (f"valeur interne ({quoi}) : un modèle n'imprime que des textes, des nombres et des dates "
            "(appeler la fonction, ou imprimer un champ)")


#: Names the engine binds to a function or one of its objects: printed bare, they would put Python's
#: description of an object (« <bound method … at 0x…> ») in a document.
_INTERNES = {"range": "fonction", "dict": "fonction", "self": "objet du moteur de modèles", "loop": "objet de boucle",
             "caller": "fonction"}


def internes_imprimes(arbre) -> list[tuple[str, str, int]]:
    """(name, what it is, line) of each internal name of a parsed template used other than called
    (``range(3)``) or read through an attribute (``loop.index``, ``self.bloc()``): ``{{ range }}``,
    ``{{ range|pprint }}``, ``{{ self }}``."""
    from jinja2 import nodes

    lies = {n.name for n in arbre.find_all(nodes.Name) if n.ctx in ("store", "param")}
    appeles = {id(n.node) for n in arbre.find_all(nodes.Call)}
    lus = {id(n.node) for n in arbre.find_all((nodes.Getattr, nodes.Getitem))}
    return [(n.name, _INTERNES[n.name], n.lineno) for n in arbre.find_all(nodes.Name)
            if n.ctx == "load" and n.name in _INTERNES and n.name not in lies and id(n) not in appeles
            and not (id(n) in lus and n.name in ("self", "loop"))]
