"""The public FINESS extract: complete a project's ESSMS, find the structures of an organisme."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DossierError, Probleme, ProjetInvalide

__all__ = ["Recherches", "ResultatFiness", "ajouter_structures", "chercher_finess", "completer_finess",
           "completer_finess_projet"]


@dataclass
class ResultatFiness:
    """The completed raw data (a copy), the findings per ESSMS (``finess.Constat``: genre among
    complete, absent, desaccord…), the extract's label, and (for a project file) the problems left
    before validation and whether the file was written."""

    donnees: dict
    constats: list
    extrait: str
    problemes: list[Probleme] = field(default_factory=list)
    ecrit: bool = False
    source: object = None  # the ``finess.Extrait`` read (date, version, invalid rows)


def _completer(donnees: dict, extrait: Path, remplacer: bool):
    from ..finess import Recherche, completer

    essms = [e for e in donnees.get("essms") or [] if isinstance(e, dict)]
    recherche = Recherche(extrait)
    try:
        trouvees = recherche.par_et(str(e.get("finess_et", "")).replace(" ", "") for e in essms)
        constats = completer(essms, trouvees, remplacer)
    finally:
        recherche.fermer()
    return constats, recherche.extrait


def completer_finess(donnees: dict, extrait: Path, remplacer: bool = False) -> ResultatFiness:
    """Fill name, FINESS EJ, category and commune of the ESSMS of raw project data (not changed: the
    result holds a completed copy) from the public FINESS extract; ``remplacer`` also replaces values
    that differ. Returns a :class:`ResultatFiness`. Raises DossierError for an unreadable extract."""
    donnees = copy.deepcopy(donnees)
    constats, lu = _completer(donnees, extrait, remplacer)
    return ResultatFiness(donnees, constats, lu.libelle, source=lu)


def completer_finess_projet(projet: str | Path, extrait: str | Path, ecrire: bool = False,
                            remplacer: bool = False) -> ResultatFiness:
    """Complete the ESSMS of a project file (JSON or fiche) from the FINESS extract, and write it back
    with ``ecrire`` (under its lock). Returns a :class:`ResultatFiness` whose ``problemes`` are those the
    project still has before « dossier validate ». Raises DossierError for an unreadable file or extract."""
    from ..fiche.brut import ecrire_brut, lire_brut
    from ..model import valider
    from ..verrous import verrou_projet

    with verrou_projet(projet, ecrire):
        donnees = lire_brut(Path(projet))
        constats, lu = _completer(donnees, Path(extrait), remplacer)
        try:
            valider(copy.deepcopy(donnees), str(projet))
            problemes = []
        except ProjetInvalide as e:
            problemes = list(e.problemes)
        if ecrire:
            ecrire_brut(donnees, Path(projet))
    return ResultatFiness(donnees, constats, lu.libelle, problemes, ecrire, lu)


@dataclass
class Recherches:
    """The structures of an organisme in the extract, eligible ESSMS first, and the extract read."""

    structures: list
    extrait: object


def chercher_finess(extrait: str | Path, ej: str) -> Recherches:
    """Return the structures of the organisme whose FINESS EJ is ``ej`` in the extract (eligible ones
    first, then by FINESS ET). Raises DossierError for an invalid FINESS EJ or an unreadable extract."""
    from .. import identifiers as ids
    from ..finess import Recherche

    if ids.erreur_finess(ej):
        raise DossierError(f"--ej : {ids.erreur_finess(ej)}")
    recherche = Recherche(extrait)
    try:
        structures = sorted(recherche.par_ej(ids.normaliser_finess(ej)), key=lambda s: (not s.eligible, s.finess_et))
    finally:
        recherche.fermer()
    return Recherches(structures, recherche.extrait)


def ajouter_structures(projet: str | Path, structures: list, organisme: str, source: str) -> int:
    """Add to a project file the eligible structures it does not have yet, attached to ``organisme``;
    ``source`` names where they come from. Returns how many were added. Raises DossierError for an
    unreadable or unwritable project file."""
    from ..fiche.brut import ecrire_brut, lire_brut
    from ..import_essms import appliquer, fusionner
    from ..verrous import verrou_projet

    with verrou_projet(projet, True):
        donnees = lire_brut(Path(projet))
        nouveaux = [(0, {"finess_et": s.finess_et, "finess_ej": s.finess_ej, "nom": s.nom, "categorie": s.categorie,
                         "commune": s.commune, "organisme": organisme}) for s in structures if s.eligible]
        resultat = fusionner(donnees, nouveaux, source, organisme)
        resultat.changements = []
        appliquer(donnees, resultat)
        ecrire_brut(donnees, Path(projet))
    return len(resultat.ajouts)
