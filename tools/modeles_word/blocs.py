"""Blocks shared by several templates: financing, instances and ESSMS tables, signature, grouping commitments."""

from __future__ import annotations

from .modele import Modele

COLONNES_FINANCEMENT_OG = [
    ("Organisme gestionnaire", 3.0, "g"), ("ESSMS", 1.7, "c"), ("Usages", 2.45, "d"), ("Logiciel", 2.45, "d"),
    ("Matériel", 2.45, "d"), ("Pilotage (AMOA, SAD)", 2.45, "d"), ("Total", 2.5, "d"),
]
CELLULES_FINANCEMENT_OG = [
    "{{ l.raison_sociale }}", "{{ l.nb_essms }}", "{{ l.usages }}", "{{ l.logiciel }}", "{{ l.materiel }}",
    "{{ l.pilotage }}", "{{ l.total }}",
]
TOTAL_FINANCEMENT = [
    "Total du projet", "{{ nb_essms }}", "{{ financement.usages }}", "{{ financement.logiciel }}",
    "{{ financement.materiel }}", "{{ financement.pilotage }}", "{{ financement.total }}",
]


def tableau_financement_og(m: Modele) -> None:
    m.tableau(COLONNES_FINANCEMENT_OG, CELLULES_FINANCEMENT_OG, boucle="for l in financement.lignes",
              total=TOTAL_FINANCEMENT, compact=True)


def tableau_instances(m: Modele) -> None:
    m.tableau([("Instance", 3.2, "g"), ("Composition", 5.6, "g"), ("Fréquence", 2.4, "g"), ("Rôle", 5.8, "g")],
              ["**{{ i.nom }}**", "{{ i.composition }}", "{{ i.frequence }}", "{{ i.role }}"],
              boucle="for i in gouvernance.instances")


def tableau_essms_simple(m: Modele, boucle: str = "for e in essms", avec_og: bool = True) -> None:
    colonnes = [("Établissement ou service", 5.6, "g"), ("FINESS ET", 2.1, "c"), ("Catégorie", 4.6, "g")]
    cellules = ["{{ e.nom }}", "{{ e.finess_et }}", "{{ e.categorie_code }} – {{ e.categorie_libelle }}"]
    if avec_og:
        colonnes.append(("Organisme gestionnaire", 4.7, "g"))
        cellules.append("{{ e.organisme }}")
    else:
        colonnes.append(("Commune", 4.7, "g"))
        cellules.append("{{ e.commune }}")
    m.tableau(colonnes, cellules, boucle=boucle, compact=True)


POINTILLES = "…………………………"


def bloc_signature(m: Modele, fait_a: str, nom: str, fonction: str, cadre: str) -> None:
    """Place, date, signatory and signature space, kept together and with the paragraph before."""
    m.p(fait_a, style="Signature", retrait=8.5, avant=8, garder=True)
    m.p(nom, style="Signature", retrait=8.5, gras=True, garder=True)
    m.p(fonction, style="Signature", retrait=8.5, garder=True)
    m.p(cadre, style="Note", retrait=8.5)


def engagements_regroupement(m: Modele) -> None:
    """The two conditions of the call for projects on the grouping, and the split of its remaining cost."""
    m.p("Conformément aux conditions de l'appel à projets, les membres du regroupement s'engagent :", garder=True)
    m.puce("à maintenir le regroupement pour une durée au moins égale à celle du projet{% if planning.renseigne %}, "
           "dont le calendrier prévisionnel court {{ planning.periode }}{% if planning.fin_apres_deploiement %} "
           "(fin du déploiement le {{ planning.fin_deploiement }}, puis bilan et demande de solde){% endif %}"
           "{% endif %} ;")
    m.puce("à mutualiser les moyens dédiés au projet : solution, paramétrage, formation, pilotage et suivi des "
           "usages.")
    m.balise("if regroupement.initial")
    m.p("Le projet rejoint le regroupement « {{ regroupement.initial.nom }} », déjà financé par le programme, dont la "
        "convention a été signée le {{ regroupement.initial.date }}.")
    m.balise("endif")
    m.balise("if regroupement.a_couts")
    m.p("Le coût du projet ({{ regroupement.couts }}) non couvert par l'aide ESMS numérique ({{ financement.total }}) "
        "et par les autres ressources ({{ regroupement.autres }}) reste à la charge des organismes gestionnaires "
        "(autofinancement) : {{ regroupement.autofinancement }}, réparti {{ regroupement.regle }} :", garder=True)
    m.tableau([("Organisme gestionnaire", 9.0, "g"), ("Part", 3.0, "c"), ("Autofinancement", 5.0, "d")],
              ["{{ l.organisme }}", "{{ l.part }}", "{{ l.montant }}"], boucle="for l in regroupement.repartition",
              total=["Total", "100\u202f%", "{{ regroupement.autofinancement }}"], compact=True)
    m.balise("else")
    m.p("Le coût du projet non couvert par l'aide ESMS numérique et par les autres ressources (autofinancement) "
        "est réparti entre les organismes gestionnaires {{ regroupement.regle }} :", garder=True)
    m.balise("for l in regroupement.repartition")
    m.puce("{{ l.organisme }} : {{ l.part }} ;")
    m.balise("endfor")
    m.balise("endif")
