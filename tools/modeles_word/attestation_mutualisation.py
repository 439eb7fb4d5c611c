"""The template of the attestation de mutualisation."""

from __future__ import annotations

from .blocs import bloc_signature, engagements_regroupement, tableau_essms_simple
from .modele import Modele


def attestation_mutualisation() -> Modele:
    m = Modele("attestation", "Attestation de la réalité de la mutualisation")
    m.bloc_titre("Projet « {{ titre }} »",
                 cartouche=[("Porteur du projet", "{{ porteur.raison_sociale }} – {{ porteur.identification }}"),
                            ("Périmètre", "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, "
                                          "{{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }}"),
                            ("Date", "{{ date }}"),
                            ("Références", "{{ sources }}")])
    m.p("Je {{ porteur.representant.soussigne }}, {{ porteur.representant.complet }}, agissant en qualité de "
        "{{ porteur.representant.qualite }}, porteur du projet « {{ titre }} » "
        "présenté au titre de la campagne {{ campagne }} du programme ESMS numérique, atteste de la réalité de la "
        "mutualisation mise en œuvre dans ce projet, qui se traduit par :")

    m.h2("1. Un regroupement d'organismes gestionnaires et d'ESSMS")
    m.p("Le projet réunit les organismes gestionnaires suivants :", garder=True)
    m.balise("for og in organismes")
    m.puce("**{{ og.raison_sociale }}** ({{ og.identification }}) : "
           "{{ og.nb_essms|pluriel('ESSMS', 'ESSMS') }}{% if og.est_porteur %}, porteur du projet{% endif %} ;")
    m.balise("endfor")
    m.p("et les {{ nb_essms }} ESSMS suivants, identifiés par leur numéro FINESS géographique :", garder=True)
    tableau_essms_simple(m)

    m.h2("2. Une solution unique et partagée")
    m.p("L'ensemble des ESSMS utilisera la même solution de dossier usager informatisé, {{ solution.nom_complet }}, "
        "éditée par {{ solution.editeur }}, {{ solution.referencement }}, avec un paramétrage commun construit par "
        "les professionnels des différents organismes. Hébergement : {{ solution.hebergement }}.")

    m.h2("3. Une gouvernance commune")
    m.p("Le projet est conduit par un chef de projet commun, {{ gouvernance.chef_de_projet.avec_fonction }}, et "
        "piloté par des instances où chaque organisme gestionnaire est représenté :", garder=True)
    m.balise("for i in gouvernance.instances")
    m.puce("**{{ i.nom }}** ({{ i.frequence }}) : {{ i.composition }} – {{ i.role }}")
    m.balise("endfor")
    m.p("{{ gouvernance.mutualisation }}")

    m.h2("4. Des achats et des prestations mutualisés")
    m.p("L'achat de la solution est conduit en commun pour l'ensemble des organismes"
        "{% if solution.achat %}, {{ solution.achat }}{% endif %}. "
        "Le paramétrage, la reprise des données et la formation des professionnels sont commandés et suivis en "
        "commun{% if financement.a_materiel %} ; les équipements matériels des ESSMS des petits organismes "
        "gestionnaires sont chiffrés sur devis dans le cadre du projet{% endif %}. L'aide ESMS numérique "
        "sollicitée, {{ financement.total }}, est répartie entre les organismes selon les règles arrêtées "
        "collectivement.")

    m.h2("5. Les engagements du regroupement")
    engagements_regroupement(m)

    m.p("J'atteste l'exactitude des informations ci-dessus. Fait pour servir et valoir ce que de droit.", avant=6,
        garder=True)
    bloc_signature(m, "Fait à {{ fait_a }}, le {{ date }}", "{{ porteur.representant.complet }}",
                   "{{ porteur.representant.fonction }}, {{ porteur.raison_sociale }}", "Signature et cachet du porteur")
    return m
