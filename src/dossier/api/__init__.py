"""Public API of dossier for programs (the portal, scripts): each function returns data, never prints,
never exits; problems are raised as ``dossier.errors.DossierError`` (French message, ``exit_code``) or
its subclasses ``ProjetInvalide`` (every problem at once in ``problemes``) and ``SortieExistante``.

- the project: :func:`lire_projet` (every problem, never raises), :func:`charger_projet`,
  :func:`valider_projet`, :func:`controles_du_projet` and :func:`recevable`,
  :func:`financement_du_projet`, :func:`etat_projet`, :func:`creer_projet`, :func:`ecrire_schema`;
- the deposit folder: :func:`rendre_dossier`, :func:`verifier_dossier` (checklist),
  :func:`construire_archive` (bundle), :func:`choisir_profil`, the templates;
- the fiche and the ESSMS: :func:`exporter_fiche_projet`, :func:`importer_fiche`, :func:`importer_essms`,
  :func:`completer_finess_projet`, :func:`chercher_finess`;
- the usages: :func:`mesurer_usages`, :func:`ecrire_modele_mesures`, :func:`ecrire_rapport_usages`;
- the portfolio: :func:`decouvrir_portefeuille`, :func:`lire_portefeuille`, :func:`portefeuille_en_json`,
  :func:`ecrire_classeur_portefeuille`, :func:`rendre_portefeuille`.
"""

from __future__ import annotations

from .donnees import Changement, comparer_donnees, libelle_chemin
from .fiche import FicheImportee, ImportEssms, exporter_fiche, exporter_fiche_projet, importer_essms, importer_fiche
from .finess import Recherches, ResultatFiness, ajouter_structures, chercher_finess, completer_finess, completer_finess_projet
from .pieces import construire_archive, exporter_modeles, lister_modeles, rendre_dossier, verifier_dossier, verifier_modeles
from .portefeuille import (
    decouvrir_portefeuille, ecrire_classeur_portefeuille, lire_portefeuille, portefeuille_en_json, rendre_portefeuille,
)
from .projet import (
    EtatProjet, ProjetLu, Validation, a_completer, charger_projet, choisir_profil, controles_du_projet, creer_projet,
    echeance, ecrire_schema, etat_projet, financement_du_projet, lire_projet, origine_liste, profil_du_projet, profils_regionaux,
    recevable, region_de_depot, reperes_fiche, valider_projet,
)
from .usages import (
    UsagesMesures, calculer_usages_fichier, ecrire_modele_mesures, ecrire_rapport_usages, empechements_solde,
    mesurer_usages,
)

__all__ = [
    "Changement", "EtatProjet", "FicheImportee", "ImportEssms", "ProjetLu", "Recherches", "ResultatFiness",
    "UsagesMesures", "Validation",
    "a_completer", "ajouter_structures", "calculer_usages_fichier", "charger_projet", "chercher_finess",
    "choisir_profil", "comparer_donnees", "completer_finess", "completer_finess_projet", "construire_archive",
    "controles_du_projet", "creer_projet", "decouvrir_portefeuille", "echeance", "ecrire_classeur_portefeuille", "ecrire_modele_mesures", "ecrire_rapport_usages",
    "ecrire_schema", "empechements_solde", "etat_projet", "exporter_fiche", "exporter_fiche_projet",
    "exporter_modeles", "financement_du_projet", "importer_essms", "importer_fiche", "libelle_chemin",
    "lire_portefeuille", "lire_projet", "lister_modeles", "mesurer_usages", "origine_liste", "portefeuille_en_json", "profil_du_projet", "profils_regionaux", "recevable",
    "region_de_depot", "rendre_dossier", "rendre_portefeuille", "reperes_fiche", "valider_projet", "verifier_dossier", "verifier_modeles",
]
