"""The public FINESS extract (open data, spec finess-extract.md): cached index, lookup, completion.

The extract is read by ``finess_extrait`` (streaming reader); an index (sqlite, ``finess_index``)
is written beside it, keyed by the extract's content (sha256, with a quick key of size, times,
inode and first and last blocks), so that a consultant
running many projects reads it once; a read-only folder only costs the index.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import identifiers as ids
from .finess_extrait import (  # noqa: F401  (re-exported: the reader's public names)
    OUTRE_MER, SECTION_ET, Extrait, Structure, _COLONNES, _debut, _lignes, _normaliser, _valides,
    finess_ligne_valide, parcourir)
from .finess_index import _cle, _ecrire_index, _index


def chemin_index(extrait: Path) -> Path:
    return extrait.with_name(f".{extrait.name}.index")


class Recherche:
    """Lookups in one extract.

    The first use of an extract streams it (one project: under a second) and leaves a marker beside it;
    the second use builds the index, which every later use reads (a consultant running many projects).
    A changed extract (other content) starts again; a read-only folder always streams.
    """

    def __init__(self, chemin: str | Path, indexer: bool = True):
        self.chemin = Path(chemin)
        _debut(self.chemin, 0)  # exists and is a regular file of bounded size
        self.base: sqlite3.Connection | None = None
        if indexer:
            index, cle = chemin_index(self.chemin), _cle(self.chemin)
            etat, self.base = _index(index, cle, self.chemin)
            if etat != "complet" and _ecrire_index(self.chemin, index, cle, complet=etat == "vu") and etat == "vu":
                self.base = _index(index, cle, self.chemin)[1]
        self.extrait = self._extrait()

    def _extrait(self) -> Extrait:
        if self.base is None:
            extrait, lignes = _lignes(self.chemin)
            lignes.close()
            return extrait
        meta = dict(self.base.execute("select cle, valeur from meta"))
        return Extrait(self.chemin, dt.date.fromisoformat(meta["date"]) if meta["date"] else None,
                       meta["version"], int(meta["invalides"]))

    def _selection(self, colonne: str, valeurs: Iterable[str]) -> list[Structure]:
        valeurs = sorted(set(valeurs))
        if self.base is not None:
            trouvees = []
            for debut in range(0, len(valeurs), 500):
                morceau = valeurs[debut:debut + 500]
                requete = f"select * from et where {colonne} in ({', '.join('?' * len(morceau))})"
                trouvees += [Structure(*r) for r in self.base.execute(requete, morceau)]
            return trouvees
        voulues, position = set(valeurs), _COLONNES[colonne]
        self.extrait, lignes = _lignes(self.chemin)
        choisies = (ligne for ligne in lignes if len(ligne) > position and _normaliser(ligne[position]) in voulues)
        return [Structure(*v) for v in _valides(self.extrait, choisies)]

    def par_et(self, finess: Iterable[str]) -> dict[str, Structure]:
        return {s.finess_et: s for s in self._selection("finess_et", finess)}

    def par_ej(self, finess_ej: str) -> list[Structure]:
        return self._selection("finess_ej", [finess_ej])

    def fermer(self) -> None:
        if self.base is not None:
            self.base.close()


# --------------------------------------------------------------------------- enriching a project

#: ESSMS fields filled from the extract, with the Structure attribute giving each.
CHAMPS_COMPLETES = (("nom", "nom"), ("finess_ej", "finess_ej"), ("categorie", "categorie"), ("commune", "commune"),
                    ("siret", "siret_valide"))


@dataclass
class Constat:
    """One finding of ``completer`` on an ESSMS: a field filled, a disagreement, an absence."""

    finess_et: str
    genre: str  # "complete", "desaccord", "absent", "region"
    champ: str = ""
    avant: str = ""
    apres: str = ""


def completer(essms: list[dict], trouvees: dict[str, Structure], remplacer: bool = False) -> list[Constat]:
    """Fill the ESSMS (raw project data, changed in place) from their structure in the extract."""
    constats = []
    for e in essms:
        brut = e.get("finess_et")
        if not isinstance(brut, str) or ids.erreur_finess(brut):
            continue
        finess = ids.normaliser_finess(brut)
        structure = trouvees.get(finess)
        if structure is None:
            constats.append(Constat(finess, "absent"))
            continue
        for champ, attribut in CHAMPS_COMPLETES:
            nouveau, actuel = getattr(structure, attribut), e.get(champ)
            if not nouveau or actuel == nouveau or champ == "finess_ej" and isinstance(actuel, str) and ids.normaliser_finess(actuel) == nouveau:
                continue
            if actuel in (None, ""):
                e[champ] = nouveau
                constats.append(Constat(finess, "complete", champ, "", nouveau))
            elif remplacer:
                e[champ] = nouveau
                constats.append(Constat(finess, "complete", champ, str(actuel), nouveau))
            elif champ in ("categorie", "finess_ej"):
                constats.append(Constat(finess, "desaccord", champ, str(actuel), nouveau))
        if ids.region_du_finess(finess) is None and structure.region and not e.get("region"):
            e["region"] = structure.region
            constats.append(Constat(finess, "complete", "region", "", structure.region))
    return constats
