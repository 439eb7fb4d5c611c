"""The template of the gouvernance piece."""

from __future__ import annotations

from .blocs import tableau_instances
from .modele import Modele


def gouvernance() -> Modele:
    m = Modele("gouvernance", "Présentation de la gouvernance du projet")
    m.bloc_titre()

    m.h1("1. Principes de gouvernance et mutualisation")
    m.p("Le projet associe {{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }} et "
        "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }} autour d'une solution unique, {{ solution.nom_complet }}, et "
        "d'une gouvernance commune. {{ porteur.raison_sociale|le|premiere_majuscule }}, porteur du projet, en assure la coordination "
        "et l'interface avec {{ guichet.destinataire }}.")
    m.h2("Organisation de la mutualisation")
    m.p("{{ gouvernance.mutualisation }}")
    m.p("La mutualisation porte sur le choix de la solution et son achat, conduit en commun{% if solution.achat %} "
        "{{ solution.achat }}{% endif %}, sur le paramétrage commun, la formation des professionnels, le suivi des "
        "cibles d'usage et la gestion des financements. Elle est formalisée par {% if 'convention' in pieces %}la convention de partenariat conclue "
        "entre les organismes et par {% endif %}la lettre d'engagement signée par chaque organisme gestionnaire.")

    m.h1("2. Équipe projet")
    m.tableau([("Rôle", 4.4, "g"), ("Nom", 3.8, "g"), ("Fonction", 6.4, "g"), ("Temps dédié", 2.4, "c")],
              ["**{{ r.role }}**", "{{ r.nom }}", "{{ r.fonction }}", "{{ r.etp }}"],
              boucle="for r in gouvernance.equipe")
    m.p("Le chef de projet pilote le déploiement du DUI dans l'ensemble des ESSMS, coordonne les référents et "
        "l'éditeur, organise les instances de gouvernance et suit l'atteinte des cibles d'usage. Le délégué à la "
        "protection des données veille à la conformité des traitements au RGPD (registre, analyse d'impact, "
        "information des personnes) ; le responsable des systèmes d'information garantit l'intégration technique "
        "et la sécurité ; le responsable de traitement porte les décisions relatives aux données du DUI.")

    m.h1("3. Référents des structures")
    m.p("Chaque structure dispose d'un référent, relais du chef de projet auprès de ses équipes pour le "
        "paramétrage, la recette, la formation et le suivi des usages ; à défaut d'un référent propre à la "
        "structure, le référent de son organisme gestionnaire en tient lieu :", garder=True)
    m.tableau([("Organisme gestionnaire", 4.0, "g"), ("Structures", 5.8, "g"), ("Référent", 3.2, "g"),
               ("Fonction", 4.0, "g")],
              ["**{{ r.organisme }}**", "{{ r.structures }}", "{{ r.nom }}", "{{ r.fonction }}"],
              boucle="for r in gouvernance.referents", compact=True)
    m.p("Le responsable de traitement du DUI est {{ gouvernance.responsable_traitement.avec_fonction }}.")

    m.h1("4. Instances de gouvernance")
    tableau_instances(m)
    m.p("Chaque réunion donne lieu à un relevé de décisions diffusé à l'ensemble des organismes gestionnaires. Les "
        "indicateurs d'usage de chaque ESSMS y sont présentés dès la mise en service de la première vague, et les "
        "écarts aux cibles donnent lieu à un plan d'actions correctives.")

    m.h1("5. Assistance à maîtrise d'ouvrage")
    m.balise("if gouvernance.amoa.prevue")
    m.p("{{ gouvernance.amoa.prestataire }}")
    m.balise("endif")
    m.balise("if gouvernance.amoa.finance")
    m.p("Le forfait de pilotage du projet prévu pour les regroupements de petits organismes gestionnaires est "
        "sollicité ({{ gouvernance.amoa.montant }}). Il finance l'animation des groupes de travail métier, la "
        "préparation et le suivi de la recette, le pilotage et la gestion financière du projet, ainsi que le suivi "
        "des cibles d'usage et des actions correctives.")
    m.balise("elif gouvernance.amoa.financement_demande")
    m.p("Le forfait de pilotage du projet est demandé mais n'est pas retenu dans le plan de financement, ses "
        "conditions n'étant pas réunies (voir la synthèse financière de la note de présentation).")
    m.balise("endif")
    m.balise("if not gouvernance.amoa.prevue")
    m.p("Le projet est piloté par les équipes des organismes gestionnaires, sans prestation d'assistance à maîtrise "
        "d'ouvrage.")
    m.balise("endif")
    return m
