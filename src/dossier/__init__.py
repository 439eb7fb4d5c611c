"""dossier : dossier de financement ESMS numérique à partir d'un fichier projet JSON ou d'une fiche Excel.

Utiliser dossier depuis Python (each function returns data, never prints, never exits; problems are
raised as ``dossier.errors.DossierError`` and its subclasses ``ProjetInvalide`` and ``SortieExistante``)::

    import dossier
    projet = dossier.charger_projet("examples/normandie-2023-acquisition.json")
    financement = dossier.financement_du_projet(projet)
    dossier.recevable(dossier.controles_du_projet(projet))
    dossier.rendre_dossier(projet, "sortie")

The functions come from ``dossier.api`` and are imported on first use: ``import dossier`` stays
instant and the command line (``dossier.cli``) starts as fast as before.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (13 ms)

if TYPE_CHECKING:  # the names below, for type checkers and readers; at run time: __getattr__
    from .api import *  # noqa: F403

# The public API (``dossier.api.__all__``), spelt out so that ``dir(dossier)`` and ``help(dossier)``
# list it without importing anything.
_API = (
    "Changement", "EtatProjet", "FicheImportee", "ImportEssms", "ProjetLu", "Recherches", "ResultatFiness",
    "UsagesMesures", "Validation",
    "a_completer", "ajouter_structures", "calculer_usages_fichier", "charger_projet", "chercher_finess",
    "choisir_profil", "comparer_donnees", "completer_finess", "completer_finess_projet", "construire_archive",
    "controles_du_projet", "creer_projet", "decouvrir_portefeuille", "echeance", "ecrire_classeur_portefeuille", "ecrire_modele_mesures", "ecrire_rapport_usages",
    "ecrire_schema", "empechements_solde", "etat_projet", "exporter_fiche", "exporter_fiche_projet",
    "exporter_modeles", "financement_du_projet", "importer_essms", "importer_fiche", "libelle_chemin",
    "lire_portefeuille", "lire_projet", "lister_modeles", "mesurer_usages", "origine_liste", "portefeuille_en_json", "profil_du_projet", "profils_regionaux", "recevable",
    "region_de_depot", "rendre_dossier", "rendre_portefeuille", "reperes_fiche", "valider_projet", "verifier_dossier", "verifier_modeles",
)
__all__ = ["__version__", *_API]


def __getattr__(nom: str):
    """Import ``dossier.api`` on first use of one of its names."""
    if nom in _API:
        from . import api

        valeur = getattr(api, nom)
        globals()[nom] = valeur
        return valeur
    raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")


def __dir__() -> list[str]:
    """The module's names and the public API's, for dir() and help()."""
    return sorted(set(globals()) | set(_API))
