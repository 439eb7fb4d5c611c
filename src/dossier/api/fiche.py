"""The fiche (Excel project workbook) and the porteur's list of ESSMS: export, import, merge."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Probleme, ProjetInvalide
from ..model import Projet

__all__ = ["FicheImportee", "ImportEssms", "exporter_fiche", "exporter_fiche_projet", "importer_essms", "importer_fiche"]


def exporter_fiche(donnees: dict | None, dest: Path) -> None:
    """Write the fiche (Excel workbook) of raw project data (None: an empty fiche) to ``dest``, to be
    filled again; returns None. Raises DossierError when it cannot be written."""
    from ..fiche import ecrire_fiche

    ecrire_fiche(donnees, dest)


def exporter_fiche_projet(projet: str | Path, sortie: str | Path, force: bool = False) -> Path:
    """Write the fiche of a project file (JSON or fiche) to ``sortie`` and return its path.

    Raises ProjetInvalide for an invalid project, SortieExistante when ``sortie`` exists and ``force``
    is false, DossierError when ``sortie`` is the project itself or cannot be written."""
    from ..fiche import donnees_projet, ecrire_fiche
    from ..fiche.garde import verifier_sortie
    from ..verrous import verrou_projet
    from .projet import charger_projet

    verifier_sortie(Path(sortie), Path(projet), force)
    donnees = donnees_projet(charger_projet(projet))
    _creer_dossier_parent(Path(sortie))
    with verrou_projet(sortie, True):  # a project file another command may be rewriting
        ecrire_fiche(donnees, Path(sortie))
    return Path(sortie)


def _creer_dossier_parent(sortie: Path) -> None:
    """The folder of an output file is created when missing, as ``render`` creates its folder."""
    from ..errors import DossierError, raison_systeme

    try:
        sortie.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DossierError(f"écriture impossible dans {sortie.parent} : {raison_systeme(e)}") from None


@dataclass
class FicheImportee:
    """A fiche read back: the valid project, the JSON file written, the notes on what was repaired."""

    projet: Projet
    sortie: Path
    notes: list[str] = field(default_factory=list)


def importer_fiche(fichier: str | Path, sortie: str | Path, force: bool = False) -> FicheImportee:
    """Read a filled fiche and write its project as JSON to ``sortie`` (nothing written on a problem).

    Returns a :class:`FicheImportee`. Raises ProjetInvalide with every problem named by sheet and cell
    (its ``notes`` attribute holds the reader's notes), SortieExistante when ``sortie`` exists and
    ``force`` is false, DossierError for an unreadable workbook."""
    from ..fiche import lire_classeur, valider_lecture
    from ..fiche.garde import verifier_sortie
    from ..fiche.json_projet import projet_json
    from ..fichiers import ecrire_atomique
    from ..verrous import verrou_projet

    verifier_sortie(Path(sortie), Path(fichier), force)
    lecture = lire_classeur(Path(fichier))
    try:
        projet = valider_lecture(lecture, str(fichier))
    except ProjetInvalide as e:
        e.notes = list(lecture.notes)
        raise
    _creer_dossier_parent(Path(sortie))
    with verrou_projet(sortie, True):
        ecrire_atomique(Path(sortie), projet_json(projet).encode("utf-8"))
    return FicheImportee(projet, Path(sortie), list(lecture.notes))


@dataclass
class ImportEssms:
    """What the porteur's list does to the project (``resultat``: an ``import_essms.Import`` with
    ajouts, changements, inchanges), the problems of the list, the reader's notes, whether it was written."""

    resultat: object
    problemes: list[Probleme]
    notes: list[str]
    ecrit: bool


def importer_essms(liste: str | Path, projet: str | Path, organisme: str | None = None,
                   ecrire: bool = False) -> ImportEssms:
    """Merge the porteur's list of ESSMS (.xlsx or .csv) into a project file (JSON or fiche); with
    ``ecrire`` and no problem, write the completed project (under the project's lock: no lost update).

    Returns an :class:`ImportEssms`; its ``problemes`` (rows of the list, unknown OG…) are not raised:
    nothing is written when there are some. Raises DossierError for an unreadable list or project."""
    from ..fiche.brut import ecrire_brut, lire_brut
    from ..import_essms import appliquer, fusionner, lignes_liste, lire_liste
    from ..verrous import verrou_projet

    chemin = Path(liste)
    lus, problemes, notes = lire_liste(lignes_liste(chemin), chemin.name)
    with verrou_projet(projet, ecrire):  # read under the lock: no lost update
        donnees = lire_brut(Path(projet))
        resultat = fusionner(donnees, lus, chemin.name, organisme)
        problemes = problemes + resultat.problemes
        ecrit = ecrire and not problemes
        if ecrit:
            appliquer(donnees, resultat)
            ecrire_brut(donnees, Path(projet))
    return ImportEssms(resultat, problemes, notes, ecrit)
