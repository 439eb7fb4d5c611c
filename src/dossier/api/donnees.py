"""Differences between two versions of a project's data, named in French (the portal's « versions »)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Changement", "comparer_donnees", "libelle_chemin"]


@dataclass(frozen=True)
class Changement:
    """One field that differs between two versions: ``genre`` is ajout, modification or suppression."""

    chemin: str
    libelle: str
    genre: str
    avant: Any = None
    apres: Any = None


def _aplatir(valeur: Any, chemin: str, sortie: dict[str, Any]) -> None:
    if isinstance(valeur, dict):
        for cle, v in valeur.items():
            _aplatir(v, f"{chemin}.{cle}" if chemin else str(cle), sortie)
    elif isinstance(valeur, list) and any(isinstance(v, (dict, list)) for v in valeur):
        for i, v in enumerate(valeur):
            _aplatir(v, f"{chemin}[{i + 1}]", sortie)
    elif valeur not in (None, "", [], {}) and valeur is not False:  # False: a box left unticked
        sortie[chemin] = valeur


def libelle_chemin(chemin: str) -> str:
    """Return the French label of a field path: ``essms[2].finess_et`` -> ``ESSMS 2 › FINESS ET``. Never raises."""
    from ..fiche.disposition import libelle_nom

    parties = []
    for morceau in chemin.split("."):
        m = re.fullmatch(r"(.+?)\[(\d+)\]", morceau)
        parties.append(f"{libelle_nom(m.group(1))} {m.group(2)}" if m else libelle_nom(morceau))
    return " › ".join(parties)


def comparer_donnees(avant: dict | None, apres: dict | None) -> list[Changement]:
    """Return the fields added, changed and removed between two project data (raw dicts, as
    ``ProjetLu.donnees``), in the file's order, each with its French label. Never raises."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _aplatir(avant or {}, "", a)
    _aplatir(apres or {}, "", b)
    changements = []
    for chemin in list(a) + [c for c in b if c not in a]:  # the file's order, not alphabetical
        if chemin not in a:
            changements.append(Changement(chemin, libelle_chemin(chemin), "ajout", None, b[chemin]))
        elif chemin not in b:
            changements.append(Changement(chemin, libelle_chemin(chemin), "suppression", a[chemin], None))
        elif a[chemin] != b[chemin]:
            changements.append(Changement(chemin, libelle_chemin(chemin), "modification", a[chemin], b[chemin]))
    return changements
