"""The template of the note de présentation générale du projet."""

from __future__ import annotations

from .blocs import tableau_financement_og
from .modele import Modele


def note_de_presentation() -> Modele:
    m = Modele("note", "Note de présentation générale du projet")
    m.bloc_titre()

    m.h1("1. Porteur du projet et organismes gestionnaires")
    m.h2("1.1 Porteur du projet")
    m.cles_valeurs([
        ("Raison sociale", "**{{ porteur.raison_sociale }}**"),
        ("Statut juridique", "{{ porteur.statut_juridique or 'non renseigné' }}"),
        ("SIRET", "{{ porteur.siret }}"),
        ("FINESS juridique (EJ)", "{{ porteur.finess_ej or 'non renseigné' }}"),
        ("Adresse", "{{ porteur.adresse or 'non renseignée' }}"),
        ("Représentant légal", "{{ porteur.representant.avec_fonction }}"),
        ("Contact", "{{ porteur.representant.email or 'non renseigné' }}"),
        ("ARS de rattachement", "{{ porteur.region }}"),
    ])
    m.p("", apres=2)
    m.h2("1.2 Organismes gestionnaires parties au projet")
    m.p("Le regroupement réunit {{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }}, "
        "qui gèrent ensemble les {{ nb_essms }} ESSMS du projet :")
    m.tableau([("Organisme gestionnaire", 3.9, "g"), ("Statut juridique", 2.5, "g"), ("SIRET", 3.1, "c"),
               ("FINESS EJ", 2.1, "c"), ("Représentant légal", 3.8, "g"), ("ESSMS", 1.6, "c")],
              ["**{{ o.raison_sociale }}**{% if o.est_porteur %} (porteur){% endif %}",
               "{{ o.statut_juridique or '—' }}", "{{ o.siret or '—' }}", "{{ o.finess_ej }}",
               "{{ o.representant.complet }}\n{{ o.representant.fonction }}", "{{ o.nb_essms }}"],
              boucle="for o in organismes", compact=True)

    m.h1("2. Contexte et compréhension des enjeux du programme")
    m.p("Le programme ESMS numérique, volet social et médico-social du Ségur du numérique en santé porté par "
        "la CNSA et la Délégation au numérique en santé, vise à équiper l'ensemble des établissements et services "
        "sociaux et médico-sociaux d'un dossier usager informatisé (DUI) interopérable et référencé Ségur, et à en "
        "développer l'usage effectif au bénéfice de chaque personne accompagnée : échanges sécurisés avec les "
        "partenaires du parcours par la messagerie sécurisée de santé (MSSanté), alimentation du dossier médical "
        "partagé (DMP) de Mon espace santé, identification fiable des personnes par l'identité nationale de santé "
        "(INS) et authentification des professionnels par Pro Santé Connect.")
    m.p("Le présent projet s'inscrit dans ce cadre : il s'agit de {{ type_projet_article }} pour "
        "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, dans le cadre de la campagne {{ campagne }} "
        "({{ instruction }}).")
    m.h2("2.1 Contexte du projet")
    m.p("{{ note.contexte }}")
    m.h2("2.2 Enjeux pour le regroupement")
    m.puces("note.enjeux")

    m.h1("3. Ambition et objectifs du projet")
    m.p("Les objectifs du projet portent à la fois sur la vision commune du regroupement, sur la feuille de route "
        "numérique des organismes et sur l'usage du DUI par les professionnels :")
    m.puces("note.objectifs")
    m.p("Leur atteinte sera mesurée par les cibles d'usage du programme ESMS numérique, qui conditionnent le "
        "versement du solde de l'aide : utilisation de MSSanté et du DMP ({{ cibles_usage[0].cible }}), dossiers "
        "actifs, dossiers avec un projet personnalisé et dossiers avec un événement d'agenda "
        "({{ cibles_usage[2].cible }}). Leurs modalités de mesure sont décrites dans la stratégie de déploiement.")

    m.h1("4. Périmètre du projet")
    m.p("Le projet porte sur {{ nb_essms|pluriel('ESSMS', 'ESSMS') }}, identifiés chacun par son numéro FINESS "
        "géographique (ET), situés dans {{ territoire.nb_departements|pluriel('département', 'départements') }} "
        "({{ territoire.departements }}) {% if territoire.nb_regions > 1 %}des régions{% else %}de la région{% endif %} "
        "{{ territoire.regions }}. La liste exacte des ESSMS, avec leur numéro FINESS géographique, leur catégorie, "
        "leur secteur et leur organisme gestionnaire, figure en annexe de la présente note.")
    m.h2("4.1 Répartition par secteur")
    m.tableau([("Secteur", 9.0, "g"), ("Nombre d'ESSMS", 4.0, "c"), ("Part", 4.0, "c")],
              ["{{ s.libelle }}", "{{ s.nb }}", "{{ s.part }}"], boucle="for s in secteurs",
              total=["Total", "{{ nb_essms }}", "100 %"])
    m.h2("4.2 Répartition par catégorie d'établissement")
    m.tableau([("Code", 1.6, "c"), ("Catégorie FINESS", 8.4, "g"), ("Secteur", 4.6, "g"), ("ESSMS", 2.4, "c")],
              ["{{ c.code }}", "{{ c.libelle }}", "{{ c.secteur }}", "{{ c.nb }}"],
              boucle="for c in categories", total=["", "Total", "", "{{ nb_essms }}"])


    m.h1("5. Solution retenue")
    m.cles_valeurs([
        ("Éditeur", "{{ solution.editeur }}"),
        ("Logiciel et version", "{{ solution.logiciel }}{% if solution.version %}, version {{ solution.version }}{% endif %}"),
        ("Référencement Ségur", "Solution {{ solution.referencement }}"),
        ("Hébergement", "{{ solution.hebergement|premiere_majuscule }}"),
        ("Mode d'acquisition", "{{ solution.mise_en_concurrence|premiere_majuscule }}"),
        ("Contrat avec l'éditeur", "{{ solution.contrat|premiere_majuscule }}"),
    ])
    m.p("", apres=2)
    m.p("Tous les ESSMS du projet utiliseront la même solution, {{ solution.nom_complet }}, "
        "{{ solution.referencement }}.{% if solution.en_cours %} Le référencement Ségur interviendra avant le "
        "démarrage de la phase de paramétrage, conformément aux conditions de l'appel à projets.{% endif %}"
        "{% if solution.dpi_ght %} La solution est le dossier patient informatisé (DPI) du groupement hospitalier "
        "de territoire : une étude de couverture des besoins du DUI par ce DPI est jointe au dossier.{% endif %}")
    m.h2("5.1 Reprise des données")
    m.p("{{ deploiement.reprise_donnees }}")
    m.h2("5.2 Périmètre fonctionnel et interfaces")
    m.p("Le DUI couvre le dossier de la personne accompagnée dans toutes ses dimensions : admission et données "
        "administratives, évaluations, projet personnalisé, transmissions et suivi de l'accompagnement, agenda et "
        "planification, ainsi que le volet soins lorsque l'ESSMS en assure. Il est interfacé avec :")
    m.puces("deploiement.interfaces")
    m.h2("5.3 Services et référentiels socles")
    m.p("La solution intègre les services et référentiels socles exigés par le référencement Ségur ; leur mise en "
        "œuvre est planifiée dans chaque ESSMS :")
    m.puces("deploiement.services_socles")

    m.h1("6. Points d'attention")
    m.p("Les points d'attention suivants ont été identifiés lors de la préparation du projet :")
    m.puces("note.points_attention")
    m.p("Un diagnostic des équipements (postes, terminaux mobiles) et des réseaux est conduit dans chaque structure "
        "avant son déploiement{% if financement.a_materiel %} ; les équipements nécessaires aux ESSMS des petits "
        "organismes gestionnaires font l'objet d'une demande de financement sur devis ({{ financement.materiel }} "
        "pour {{ financement.nb_essms_materiel|pluriel('ESSMS', 'ESSMS') }}){% endif %}. Un diagnostic de "
        "cybersécurité établit le niveau de maturité de chaque organisme et le plan d'action associé, en "
        "s'appuyant sur les mesures de protection recommandées par l'Agence du numérique en santé. Les risques du "
        "projet et les actions préventives et correctives associées sont présentés dans le plan de conduite du "
        "changement.")

    m.h1("7. Synthèse financière")
    m.p("Les montants sont calculés selon les règles de la campagne {{ campagne }} du programme ESMS numérique, "
        "en euros {{ regime_tva }} (régime de TVA du porteur). Les forfaits forment une subvention unique.",
        garder=True)
    m.cles_valeurs([
        ("Forfait développement des usages", "{{ financement.usages }}"),
        ("Forfait équipement logiciel", "{% if financement.a_logiciel %}{{ financement.logiciel }}{% else %}"
                                        "sans objet : mise à niveau financée par le dispositif SONS{% endif %}"),
        ("Équipement matériel (petits organismes gestionnaires)", "{{ financement.materiel }}"),
        ("Pilotage du projet / AMOA (petits organismes gestionnaires)", "{{ financement.amoa }}"),
        ("Aide à l'achat via le SAD", "{{ financement.sad }}"),
        ("Aide ESMS numérique sollicitée", "{{ financement.total }}"),
        ("Avance ({{ financement.taux_avance }}, à la signature de la convention)", "{{ financement.avance }}"),
        ("Solde ({{ financement.taux_solde }}, en fin de projet)", "{{ financement.solde }}"),
    ], largeur_cle=11.0, alignement_valeur="d", conditions={4: "financement.a_sad"}, gras_lignes=(5,))
    m.p("", apres=2)
    m.h2("7.1 Répartition par organisme gestionnaire")
    tableau_financement_og(m)
    m.h2("7.2 Détail par ESSMS")
    m.tableau([("N°", 0.7, "c"), ("Établissement ou service", 3.8, "g"), ("FINESS ET", 2.1, "c"),
               ("Part MS", 1.4, "c"), ("Usages", 2.2, "d"), ("Logiciel", 2.2, "d"), ("Matériel", 2.2, "d"),
               ("Total", 2.2, "d")],
              ["{{ e.rang }}", "{{ e.nom }}", "{{ e.finess_et }}", "{{ e.part_ms }}", "{{ e.usages }}",
               "{{ e.logiciel }}", "{{ e.materiel }}", "{{ e.total }}"],
              boucle="for e in essms", compact=True,
              total=["", "Total des ESSMS (hors pilotage du projet)", "", "", "{{ financement.usages }}",
                     "{{ financement.logiciel }}",
                     "{{ financement.materiel }}", "{{ financement.usages_logiciel_materiel }}"])
    m.balise("if financement.a_prorata")
    m.p("Pour les services d'aide à domicile, les forfaits sont proratisés selon la part médico-sociale de "
        "l'activité (heures APA, PCH et dépendance hors APA/PCH de l'année précédente rapportées au total des "
        "heures réalisées, selon la déclaration des heures jointe au dossier) ; le matériel n'est pas proratisé.")
    m.balise("endif")
    m.p("L'aide est versée en deux temps : une avance de {{ financement.taux_avance }} ({{ financement.avance }}) à "
        "la signature de la convention avec {{ guichet.destinataire }}, puis le solde ({{ financement.solde }}) en "
        "fin de projet, sous réserve de l'atteinte des cibles d'usage et de la production d'un état récapitulatif "
        "des dépenses visé par le comptable public ou le commissaire aux comptes.", garder=True)  # with its sources
    m.balise("if financement.sons")
    m.p("Pour information, la mise à niveau du logiciel est financée directement à l'éditeur par le dispositif "
        "SONS (« Prestation Ségur ») : {{ financement.sons.total }}, hors aide ESMS numérique.")
    m.balise("endif")
    m.balise("if financement.alertes")
    m.p("Points de vigilance sur les montants :", gras=True, garder=True)
    m.puces("financement.alertes", "a")
    m.balise("endif")
    m.p("Sources : {{ sources }}.", style="Note")

    m.h1("8. Guichet de dépôt")
    m.p("Le projet regroupe {{ nb_essms|pluriel('ESSMS', 'ESSMS') }} situés dans "
        "{{ guichet.nb_regions|pluriel('région', 'régions') }} ({{ guichet.regions }}). "
        "{% if guichet.national %}Compte tenu du nombre d'ESSMS et de leur répartition sur plusieurs régions, il "
        "relève de l'appel à projets national : le dossier est déposé sur GALIS (téléservice « PAI numérique ») en "
        "choisissant le financeur « {{ guichet.financeur }} ».{% else %}Il relève de l'appel à projets "
        "régional{% if guichet.multiregional %} (projet multirégional){% endif %} : le dossier est déposé sur GALIS "
        "(téléservice « PAI numérique ») auprès de l'ARS {{ guichet.ars }}, ARS de rattachement du porteur, en "
        "choisissant le financeur « {{ guichet.financeur }} ».{% endif %}")

    m.paysage()
    m.h1("Annexe – Liste des ESSMS parties au projet")
    m.tableau([("N°", 0.8, "c"), ("Établissement ou service", 4.9, "g"), ("FINESS ET", 2.1, "c"),
               ("FINESS EJ", 2.1, "c"), ("Cat.", 0.9, "c"), ("Libellé de la catégorie", 4.5, "g"),
               ("Secteur", 2.6, "g"), ("Dép.", 1.1, "c"), ("Région", 2.2, "g"), ("Organisme gestionnaire", 4.5, "g")],
              ["{{ e.rang }}", "{{ e.nom }}", "{{ e.finess_et }}", "{{ e.finess_ej }}", "{{ e.categorie_code }}",
               "{{ e.categorie_libelle }}", "{{ e.secteur_libelle }}", "{{ e.departement }}", "{{ e.region }}",
               "{{ e.organisme }}"],
              boucle="for e in essms", compact=True)
    return m
