"""Generate the Word templates of the dossier (templates/*.docx) with python-docx.

    PYTHONPATH=src python3 -m tools.modeles_word [DOSSIER]     # from the repository; default: templates/

The templates are docxtpl (Jinja) documents: ``{{ champ }}`` inside a run, ``{%p … %}`` alone in a
paragraph, ``{%tr … %}`` alone in a table row. Every Jinja tag is written inside one single run, so
that ``dossier templates check`` finds no split tag. The fields come from
``dossier.render.contextes`` (see its docstring); the wording here is the standard wording a
consultant edits in the exported templates.

Layout: A4 portrait (the ESSMS table of the note in a landscape section), Arial, sober blue
headings, tables with borders and a shaded header row, amounts right-aligned, header with the
project title and the porteur, footer with the piece, the date and "Page X sur Y".
Files are written with fixed zip timestamps so that regenerating them gives the same bytes.

One module per template (``note_de_presentation``, ``convention``…), each a function returning its
``Modele``; ``modele`` is the builder, ``styles`` the colours, styles and low-level XML helpers,
``blocs`` the blocks several templates share.
"""

from __future__ import annotations

from pathlib import Path

from .attestation_mutualisation import attestation_mutualisation
from .conduite_du_changement import conduite_du_changement
from .convention import convention
from .gouvernance import gouvernance
from .lettre_engagement import lettre_engagement
from .modele import Modele
from .note_de_presentation import note_de_presentation
from .strategie_deploiement import strategie_deploiement

__all__ = ["MODELES", "Modele", "RACINE", "generer"]

#: Repository root (the default output is its ``templates/``).
RACINE = Path(__file__).resolve().parent.parent.parent

MODELES = {
    "note-de-presentation": note_de_presentation,
    "gouvernance": gouvernance,
    "convention": convention,
    "lettre-engagement": lettre_engagement,
    "attestation-mutualisation": attestation_mutualisation,
    "strategie-deploiement": strategie_deploiement,
    "conduite-du-changement": conduite_du_changement,
}


def generer(dossier: Path) -> list[Path]:
    dossier.mkdir(parents=True, exist_ok=True)
    ecrits = []
    for slug, fabrique in MODELES.items():
        chemin = dossier / f"{slug}.docx"
        fabrique().enregistrer(chemin)
        ecrits.append(chemin)
    return ecrits

