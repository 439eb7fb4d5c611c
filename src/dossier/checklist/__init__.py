"""Completeness and validity of a deposit folder against a profile (pieces.md, "checklist").

Pure library: ``verifier_dossier`` returns a ``ResultatChecklist``; ``afficher_checklist`` is the
only function that prints (a rich table for the CLI). The parts, each changing for its own reasons:

- ``resultats``: statuses, findings and the result of a folder (``ResultatChecklist.to_json``);
- ``noms``: which piece a file stands for, by its name (``reconnaitre``);
- ``contenu``: what one file holds (PDF, Office, markers left, generated file still to sign);
- ``parcours``: the folder walk and the state of every piece (``verifier_dossier``);
- ``affichage``: the terminal table and summary.
"""

from __future__ import annotations

from .affichage import afficher_checklist, resume_checklist
from .contenu import MARQUEURS, ControleFichier, controler_fichier, normaliser_texte, textes_du_projet
from .noms import normaliser_nom, reconnaitre
from .parcours import verifier_dossier
from .resultats import (
    A_SIGNER, ALERTE, ERREUR, EXTENSIONS_ACCEPTEES, EXTENSIONS_MODIFIABLES, INDETERMINE, INVALIDE, MANQUANT,
    MENTION_SIGNATURE, NON_REQUIS, PRESENT, SOUS_DOSSIER, Constat, EtatPiece, NonReconnu, ResultatChecklist,
    libelle_affiche)

__all__ = [
    "A_SIGNER", "ALERTE", "ERREUR", "EXTENSIONS_ACCEPTEES", "EXTENSIONS_MODIFIABLES", "INDETERMINE", "INVALIDE",
    "MANQUANT", "MARQUEURS", "MENTION_SIGNATURE", "NON_REQUIS", "PRESENT", "SOUS_DOSSIER", "Constat",
    "ControleFichier", "EtatPiece", "NonReconnu", "ResultatChecklist", "afficher_checklist", "controler_fichier",
    "libelle_affiche", "normaliser_nom", "normaliser_texte", "reconnaitre", "resume_checklist", "textes_du_projet",
    "verifier_dossier",
]
