"""Usage targets and the balance (solde): measures template, usage rates, report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Probleme
from ..model import Projet

__all__ = ["UsagesMesures", "calculer_usages_fichier", "ecrire_modele_mesures", "ecrire_rapport_usages",
           "empechements_solde", "mesurer_usages"]


@dataclass
class UsagesMesures:
    """The computed usages (``usages.indicateurs.Resultat``: rates per ESSMS, gaps to targets,
    ``bloquants``, solde), the measures' warnings, and how many rows are periods not measured yet."""

    resultat: object
    alertes: list[Probleme] = field(default_factory=list)
    non_mesurees: int = 0


def mesurer_usages(mesures: str | Path, projet: Projet) -> UsagesMesures:
    """Compute the usage rates, the gaps to the campaign's targets and the solde of a project from a
    measures file (.xlsx or .csv). Returns :class:`UsagesMesures`. Raises MesuresInvalides (a
    DossierError with ``problemes``, each named by row or cell) with every problem of the file."""
    from ..campaigns import charger_campagne
    from ..usages.indicateurs import calculer_usages
    from ..usages.mesures import lire_mesures

    lues = lire_mesures(mesures, projet)
    return UsagesMesures(calculer_usages(projet, charger_campagne(projet.campagne), lues), lues.alertes,
                         lues.non_mesurees)


def calculer_usages_fichier(mesures: Path, projet: Projet):
    """Return ``(resultat, alertes)`` of :func:`mesurer_usages` (the portal's form). Raises MesuresInvalides."""
    lu = mesurer_usages(mesures, projet)
    return lu.resultat, lu.alertes


def ecrire_modele_mesures(projet: Projet, sortie: str | Path, nb_mois: int = 12, force: bool = False) -> int:
    """Write the measures workbook to fill (one row per ESSMS and period, first period 3 months) and
    return its number of rows. Raises SortieExistante when it exists and ``force`` is false."""
    from ..usages.rapport import ecrire_modele

    return ecrire_modele(projet, Path(sortie), nb_mois, force)


def ecrire_rapport_usages(resultat, sortie: str | Path, force: bool = False,
                          entrees: tuple[Path, ...] = ()) -> list[Path]:
    """Write the usage report (Word, charts, workbooks) and the expenses statement into the folder
    ``sortie`` and return the files written. Raises SortieExistante when the folder exists and ``force``
    is false, DossierError when it would replace one of ``entrees`` or cannot be written."""
    from ..usages.rapport import ecrire_rapport

    return ecrire_rapport(resultat, Path(sortie), force, entrees=entrees)


def empechements_solde(resultat) -> list[str]:
    """Return why the solde cannot be requested yet (French sentences; empty: it can). Never raises."""
    from ..usages.demande import empechements

    return empechements(resultat)
