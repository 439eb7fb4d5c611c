"""The template of the conduite du changement."""

from __future__ import annotations

from .modele import Modele


def conduite_du_changement() -> Modele:
    m = Modele("conduite", "Plan de conduite du changement")
    m.bloc_titre()

    m.h1("1. Démarche")
    m.p("La conduite du changement accompagne les professionnels des {{ nb_essms }} ESSMS dans l'appropriation du "
        "DUI et des nouveaux usages numériques. Elle repose sur l'implication des futurs utilisateurs, une "
        "communication régulière, la formation de tous les professionnels et des actions de sensibilisation en "
        "amont du déploiement ; elle est pilotée par le chef de projet avec les référents de chaque organisme.")

    m.h1("2. Groupe de travail des utilisateurs")
    m.p("{{ conduite.groupe_travail }}")

    m.h1("3. Plan de communication")
    m.p("{{ conduite.communication }}")

    m.h1("4. Stratégie de formation")
    m.p("{{ conduite.formation }}")
    m.p("Professionnels à former par ESSMS :", garder=True)
    m.tableau([("Établissement ou service", 6.2, "g"), ("Organisme gestionnaire", 5.2, "g"), ("Vague", 1.6, "c"),
               ("Professionnels à former", 4.0, "c")],
              ["{{ e.nom }}", "{{ e.organisme }}", "{{ e.vague }}", "{{ e.professionnels }}"],
              boucle="for e in essms", compact=True,
              total=["Total", "", "", "{{ formation.total }}"])

    m.h1("5. Sensibilisation avant le déploiement")
    m.p("{{ conduite.sensibilisation }}")

    m.h1("6. Cartographie des risques")
    m.balise("if conduite.risques")
    m.p("Les risques identifiés à l'échelle du regroupement, et les actions préventives et correctives "
        "associées, sont les suivants :", garder=True)
    m.tableau([("Risque", 6.0, "g"), ("Niveau", 2.0, "c"), ("Actions préventives et correctives", 9.0, "g")],
              ["{{ r.risque }}", "{% cellbg r.couleur %}**{{ r.niveau }}**", "{{ r.action }}"],
              boucle="for r in conduite.risques")
    m.balise("endif")
    m.balise("for o in conduite.risques_par_og")
    m.h2("Risques propres {{ o.organisme|a }}")
    m.tableau([("Structure", 3.6, "g"), ("Risque", 4.6, "g"), ("Niveau", 1.8, "c"),
               ("Actions préventives et correctives", 7.0, "g")],
              ["{{ r.structure }}", "{{ r.risque }}", "{% cellbg r.couleur %}**{{ r.niveau }}**", "{{ r.action }}"],
              boucle="for r in o.risques")
    m.balise("endfor")
    m.p("La cartographie des risques est revue à chaque comité de pilotage ; chaque référent la complète des "
        "risques propres à ses structures.")

    m.balise("if planning.jalons_conduite")
    m.h1("7. Calendrier de la conduite du changement")
    m.tableau([("Action", 7.4, "g"), ("Début", 3.0, "c"), ("Fin", 3.0, "c"), ("Responsable", 3.6, "g")],
              ["{{ j.libelle }}", "{{ j.debut }}", "{{ j.fin }}", "{{ j.responsable }}"],
              boucle="for j in planning.jalons_conduite", compact=True)
    m.balise("endif")
    return m
