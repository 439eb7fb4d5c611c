"""The template of the stratégie de déploiement."""

from __future__ import annotations

from .modele import Modele


def strategie_deploiement() -> Modele:
    m = Modele("strategie", "Stratégie de déploiement")
    m.bloc_titre()

    m.h1("1. Principes de déploiement")
    m.p("{{ deploiement.strategie }}")
    m.p("Le déploiement est conduit par le chef de projet avec les référents de chaque organisme et l'éditeur. "
        "Chaque vague suit les mêmes étapes : préparation (diagnostic des équipements et du réseau, démarches "
        "auprès de l'Agence du numérique en santé), paramétrage et reprise des données, recette, formation, mise "
        "en service, puis accompagnement des usages jusqu'à l'atteinte des cibles.")

    m.h1("2. Calendrier et vagues de déploiement")
    m.p("Le projet se déroule {{ planning.periode }}{% if planning.duree %} ; le déploiement s'achève le "
        "{{ planning.fin_deploiement }} ({{ planning.duree }} après le démarrage du projet){% endif %}"
        "{% if planning.fin_apres_deploiement %}, le projet se clôt ensuite par le bilan et la demande de solde"
        "{% endif %}. Les ESSMS sont déployés en "
        "{{ vagues|length|pluriel('vague', 'vagues') }} :", garder=True)
    m.tableau([("Vague", 2.2, "g"), ("Période", 4.2, "g"), ("ESSMS", 6.0, "g"), ("Nombre d'ESSMS", 1.9, "c"),
               ("Professionnels", 2.7, "c")],
              ["**{{ v.libelle }}**", "{{ v.periode }}", "{{ v.noms_essms }}", "{{ v.nb_essms }}",
               "{{ v.professionnels }}"],
              boucle="for v in vagues", compact=True)
    m.balise("if planning.jalons_projet_deploiement")
    m.h2("Jalons du projet")
    m.tableau([("Jalon", 7.4, "g"), ("Début", 3.0, "c"), ("Fin", 3.0, "c"), ("Responsable", 3.6, "g")],
              ["{{ j.libelle }}", "{{ j.debut }}", "{{ j.fin }}", "{{ j.responsable }}"],
              boucle="for j in planning.jalons_projet_deploiement", compact=True)
    m.balise("endif")
    m.p("Le planning détaillé (diagrammes de Gantt du projet, du déploiement et de la conduite du changement) "
        "est joint au dossier.")

    m.h1("3. Hébergement et architecture technique")
    m.p("Mode d'hébergement retenu : {{ solution.hebergement }}.")
    m.p("L'architecture technique est validée avec le responsable des systèmes d'information : accès des ESSMS à "
        "la solution (débit et couverture réseau, postes et terminaux mobiles), sauvegardes, continuité "
        "d'activité et réversibilité des données en fin de contrat. {% if solution.hebergement_code == 'interne' %}"
        "Les serveurs sont exploités par le regroupement sous la responsabilité du RSI, dans le respect de la "
        "politique générale de sécurité des systèmes d'information de santé (PGSSI-S).{% else %}Les données de "
        "santé sont hébergées par un hébergeur certifié HDS, dans les conditions fixées par le contrat conclu "
        "avec l'éditeur.{% endif %}")

    m.h1("4. Reprise des données")
    m.p("{{ deploiement.reprise_donnees }}")
    m.p("Le périmètre de la reprise (dossiers actifs, historique, documents) est arrêté en comité projet ; un "
        "essai de reprise est recetté avant la mise en service de chaque vague.")

    m.h1("5. Paramétrage")
    m.p("Le paramétrage commun (référentiels, trames de projet personnalisé, profils et droits d'accès, agenda, "
        "documents types) est construit avec le groupe de travail des utilisateurs, puis décliné pour les "
        "spécificités de chaque secteur et de chaque ESSMS. Les interfaces suivantes sont prévues :", garder=True)
    m.puces("deploiement.interfaces")

    m.h1("6. Recette : vérification d'aptitude et vérification de service régulier")
    m.p("À l'issue de l'installation et du paramétrage, l'éditeur présente la vérification d'aptitude (VA) : le "
        "porteur s'assure, sur la base de scénarios de recette établis avec les référents, que la solution est "
        "conforme au contrat et au paramétrage validé, puis signe le procès-verbal de VA, transmis à "
        "{{ guichet.destinataire }}.")
    m.p("Après la mise en service, la vérification de service régulier (VSR) constate le fonctionnement stable de "
        "la solution en conditions réelles d'utilisation ; son procès-verbal est également transmis à "
        "{{ guichet.destinataire }}.")

    m.h1("7. Formation")
    m.p("{{ conduite.formation }}")
    m.balise("if formation.complet")
    m.p("Au total, {{ formation.total }} professionnels sont à former ; le détail par ESSMS figure dans le plan "
        "de conduite du changement.")
    m.balise("endif")

    m.h1("8. Déploiement des services et référentiels socles")
    m.p("Le déploiement des services et référentiels socles conditionne l'atteinte des cibles d'usage ; il est "
        "intégré au planning de chaque vague : contrat d'adhésion à l'Agence du numérique en santé, enregistrement "
        "des professionnels dans le RPPS+, commande des certificats logiciels et des moyens d'identification "
        "électronique (e-CPS, cartes CPx), ouverture des boîtes aux lettres MSSanté, qualification des identités "
        "(INS). Services déployés :", garder=True)
    m.puces("deploiement.services_socles")

    m.h1("9. Cibles d'usage et modalités de mesure")
    m.p("Le solde de l'aide est conditionné à l'atteinte, dans chaque ESSMS, des cibles d'usage suivantes :",
        garder=True)
    m.tableau([("Indicateur", 5.0, "g"), ("Mode de calcul", 10.0, "g"), ("Cible", 2.0, "c")],
              ["{{ c.indicateur }}", "{{ c.calcul }}", "**{{ c.cible }}**"], boucle="for c in cibles_usage",
              compact=True)
    m.p("Chaque indicateur est calculé sur le mois écoulé, à chaque fin de mois, à partir des données extraites "
        "du DUI (première mesure sur une période de trois mois). Le chef de projet consolide les résultats par "
        "ESSMS et les présente en comité de pilotage ; les écarts aux cibles donnent lieu à des actions "
        "correctives (formation complémentaire, ajustement du paramétrage, accompagnement des équipes). Les "
        "indicateurs facultatifs (prescriptions électroniques importées, échanges avec une plateforme e-parcours) "
        "sont suivis lorsque les conditions sont réunies.")
    m.p("Sources : {{ sources }}.", style="Note")
    return m
