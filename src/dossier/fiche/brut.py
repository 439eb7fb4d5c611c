"""Project data not yet valid (JSON or workbook), for the commands whose job is to complete it."""

from __future__ import annotations

from pathlib import Path

from ..errors import DossierError, Probleme, ProjetInvalide, raison_systeme
from ..fichiers import ecrire_atomique
from ..model import lire_json
from . import est_fiche
from .ecriture import ecrire_fiche
from .json_projet import donnees_json
from .lecture import lire_classeur


def lire_brut(chemin: Path) -> dict:
    """The project data of a JSON file or a workbook, unvalidated (unreadable values are refused)."""
    if est_fiche(chemin):
        lecture = lire_classeur(chemin)
        if lecture.problemes:
            raise ProjetInvalide(str(chemin), lecture.problemes)
        return lecture.donnees
    try:
        texte = chemin.read_text("utf-8-sig")
    except FileNotFoundError:
        raise DossierError(f"fichier projet introuvable : {chemin}") from None
    except (OSError, UnicodeDecodeError) as e:
        raison = raison_systeme(e) if isinstance(e, OSError) else "pas encodé en UTF-8"
        raise DossierError(f"fichier projet illisible : {chemin} ({raison})") from None
    donnees = lire_json(texte, str(chemin))
    if not isinstance(donnees, dict):
        raise ProjetInvalide(str(chemin), [Probleme("", "le projet doit être un objet JSON ({ … })")])
    return donnees


def ecrire_brut(donnees: dict, chemin: Path) -> None:
    """Write the project data back in the same format, atomically."""
    if est_fiche(chemin):
        if chemin.exists():  # the porteur's workbook: only the changed cells are written
            from .mise_a_jour import mettre_a_jour

            mettre_a_jour(chemin, donnees)
        else:
            ecrire_fiche(donnees, chemin)
    else:
        ecrire_atomique(chemin, donnees_json(donnees).encode("utf-8"))
