"""The template of the convention de regroupement."""

from __future__ import annotations

from .blocs import POINTILLES, engagements_regroupement, tableau_essms_simple, tableau_financement_og, tableau_instances
from .modele import Modele


def convention() -> Modele:
    m = Modele("convention", "Convention de partenariat")
    m.bloc_titre("Pour la mise en œuvre du projet « {{ titre }} » dans le cadre du programme ESMS numérique",
                 cartouche=[("Porteur du projet", "{{ porteur.raison_sociale }}"),
                            ("Parties", "{{ noms_parties }}"),
                            ("Projet de convention", "{{ date }}"),
                            ("Références", "{{ sources }}")])
    m.p("**Entre les soussignés :**", garder=True)
    m.balise("for o in parties")
    m.p("**{{ o.raison_sociale }}**{% if o.statut_juridique %}, {{ o.statut_juridique }}{% endif %}, "
        "{{ o.identification }}, ayant pour représentant légal {{ o.representant.complet }}, {{ o.representant.fonction_phrase }}, dûment "
        "habilité{{ o.representant.accord }} à l'effet des présentes{% if o.est_porteur %}, porteur du "
        "projet{% endif %} ;", retrait=0.6)
    m.balise("endfor")
    m.p("ci-après désignés ensemble « les Parties » et individuellement « la Partie ».")
    m.p("Il a été convenu ce qui suit.", gras=True)

    m.h1("Préambule")
    m.p("Le programme ESMS numérique, volet social et médico-social du Ségur du numérique en santé, finance "
        "l'équipement des établissements et services sociaux et médico-sociaux (ESSMS) en dossier usager "
        "informatisé (DUI) référencé Ségur et le développement de ses usages ({{ instruction }}). Il s'adresse à "
        "des projets portés par des regroupements, afin de mutualiser l'achat, le déploiement de la solution et "
        "l'accompagnement au changement.")
    m.p("C'est dans ce cadre que les Parties ont décidé de s'associer pour conduire ensemble le projet "
        "« {{ titre }} » : {{ libelle_type_projet }} commune à leurs {{ nb_essms }} ESSMS.")

    m.h1("Article 1 – Objet")
    m.p("La présente convention a pour objet de définir les conditions dans lesquelles les Parties conduisent "
        "ensemble le projet « {{ titre }} » (ci-après « le Projet »), présenté au titre de la campagne "
        "{{ campagne }} du programme ESMS numérique auprès de {{ guichet.destinataire }} : désignation du porteur "
        "du Projet, engagements de chacune des Parties, répartition de l'aide, gouvernance, durée, modalités de "
        "retrait et de résiliation.")

    m.h1("Article 2 – Porteur du Projet")
    m.p("Les Parties désignent {{ porteur.raison_sociale|le }} comme porteur du Projet. À ce titre, le porteur :",
        garder=True)
    for texte in (
        "dépose la demande de financement sur le téléservice GALIS (« PAI numérique ») au nom de l'ensemble des "
        "Parties et est l'interlocuteur unique de {{ guichet.destinataire }} ;",
        "signe la convention de financement avec {{ guichet.destinataire }} et perçoit l'aide ESMS numérique "
        "(avance et solde) ;",
        "reverse à chaque Partie la part de l'aide qui lui revient, dans les conditions de l'article 5 ;",
        "coordonne la mise en œuvre du Projet, anime sa gouvernance et rend compte de son avancement et de "
        "l'atteinte des cibles d'usage ;",
        "produit les justificatifs demandés pour le versement du solde : procès-verbaux de vérification "
        "d'aptitude et de vérification de service régulier, indicateurs d'usage, état récapitulatif des "
        "dépenses.",
    ):
        m.puce(texte)

    m.h1("Article 3 – Périmètre du Projet")
    m.p("Le Projet porte sur les {{ nb_essms }} ESSMS listés en annexe, identifiés par leur numéro FINESS "
        "géographique. Tous ces ESSMS sont équipés de la même solution, {{ solution.nom_complet }}, éditée par "
        "{{ solution.editeur }}, {{ solution.referencement }}.")

    m.h1("Article 4 – Engagements des Parties")
    m.p("Chaque Partie s'engage à :", garder=True)
    for texte in (
        "déployer la solution commune dans l'ensemble de ses ESSMS parties au Projet, selon le planning arrêté "
        "par le comité de pilotage, et n'utiliser aucune autre solution de DUI pour ces ESSMS ;",
        "désigner un référent et dégager le temps nécessaire de ses équipes pour le paramétrage, la recette, la "
        "formation et le suivi des usages ;",
        "participer aux instances de gouvernance du Projet et appliquer les décisions prises collectivement ;",
        "mettre en œuvre les services et référentiels socles (MSSanté, DMP, INS, Pro Santé Connect) et accomplir "
        "les démarches nécessaires auprès de l'Agence du numérique en santé ;",
        "mettre en œuvre les actions nécessaires à l'atteinte des cibles d'usage du programme et transmettre "
        "chaque mois au porteur les indicateurs d'usage de ses ESSMS ;",
        "transmettre au porteur les justificatifs de ses dépenses et toute information demandée par "
        "{{ guichet.destinataire }} ;",
        "ne solliciter, pour les mêmes ESSMS et la même opération, ni autre financement ESMS numérique, ni "
        "financement européen, ni financement SONS pour une autre solution ;",
        "informer sans délai les autres Parties de toute difficulté de nature à compromettre le Projet.",
    ):
        m.puce(texte)
    m.p("Le porteur s'engage en outre à exercer les missions définies à l'article 2 avec diligence et en toute "
        "transparence à l'égard des autres Parties.")
    engagements_regroupement(m)

    m.h1("Article 5 – Financement et répartition de l'aide")
    m.p("L'aide ESMS numérique sollicitée s'élève à **{{ financement.total }}** ({{ regime_tva }}), calculée selon "
        "les forfaits de la campagne {{ campagne }}. Elle se répartit entre les Parties comme suit :", garder=True)
    tableau_financement_og(m)
    m.p("L'aide est versée au porteur en deux temps : une avance de {{ financement.taux_avance }} "
        "({{ financement.avance }}) à la signature de la convention de financement, puis le solde "
        "({{ financement.solde }}) en fin de Projet, sous réserve de l'atteinte des cibles d'usage et de la "
        "justification des dépenses. Le porteur reverse à chaque Partie sa quote-part de chaque versement, au "
        "prorata des montants ci-dessus, dans un délai de trente jours suivant sa réception."
        "{% if financement.a_amoa %} Le forfait de pilotage est conservé par le porteur, qui l'affecte au "
        "pilotage commun du Projet.{% endif %}")
    m.p("Si le montant accordé diffère du montant sollicité, ou si une part de l'aide n'est pas versée ou doit être "
        "reversée, la répartition est ajustée au prorata des montants ci-dessus, sauf lorsque l'écart est imputable "
        "aux seuls ESSMS d'une Partie, qui le supporte alors seule.")

    m.h1("Article 6 – Gouvernance")
    m.p("Le Projet est piloté par les instances suivantes, où chaque Partie est représentée :", garder=True)
    tableau_instances(m)
    m.p("Le comité de pilotage arrête le planning, valide le paramétrage commun, suit le budget et l'atteinte des "
        "cibles d'usage et statue sur toute question relative à l'exécution de la présente convention. Ses "
        "décisions sont prises par consensus ou, à défaut, à la majorité des Parties présentes ou représentées.")

    m.h1("Article 7 – Durée")
    m.p("La présente convention prend effet à la date de sa signature par la dernière des Parties. Elle est "
        "conclue pour la durée du Projet{% if planning.renseigne %}, dont le calendrier prévisionnel court "
        "{{ planning.periode }}{% if planning.fin_apres_deploiement %} (fin du déploiement le "
        "{{ planning.fin_deploiement }}, puis bilan et demande de solde){% endif %}{% endif %}, et prend fin au versement du solde de l'aide et à l'achèvement des "
        "reversements entre les Parties. Les stipulations relatives aux justificatifs et aux reversements "
        "demeurent applicables jusqu'au terme des contrôles de {{ guichet.destinataire }}.")

    m.h1("Article 8 – Données personnelles et sécurité")
    m.p("Chaque Partie demeure responsable des traitements de données à caractère personnel mis en œuvre pour les "
        "personnes accompagnées par ses ESSMS. Les Parties s'appuient sur le délégué à la protection des données "
        "et le responsable de traitement désignés dans la gouvernance du Projet, formalisent leurs obligations "
        "respectives au titre du règlement général sur la protection des données, notamment dans le contrat conclu "
        "avec l'éditeur, et veillent à ce que les données de santé soient hébergées dans les conditions prévues "
        "par le code de la santé publique.")

    m.h1("Article 9 – Retrait d'une Partie")
    m.p("Toute Partie peut se retirer du Projet par lettre recommandée avec accusé de réception adressée au "
        "porteur, moyennant un préavis de trois mois. Le porteur en informe sans délai les autres Parties et "
        "{{ guichet.destinataire }}. La Partie qui se retire reste tenue des engagements pris jusqu'à la date "
        "d'effet de son retrait ; elle reverse au porteur les sommes perçues au titre de ses ESSMS dont "
        "{{ guichet.destinataire }} demanderait le remboursement, et supporte seule les conséquences financières "
        "de son retrait. Les autres Parties poursuivent le Projet et adaptent, en comité de pilotage, le planning "
        "et la répartition de l'aide.")

    m.h1("Article 10 – Résiliation")
    m.p("En cas de manquement grave d'une Partie à ses obligations, non réparé dans un délai de trente jours "
        "suivant une mise en demeure adressée par le porteur par lettre recommandée avec accusé de réception, le "
        "comité de pilotage peut prononcer l'exclusion de cette Partie, qui produit les effets d'un retrait. La "
        "présente convention est résiliée de plein droit si le financement du Projet est refusé ou retiré par "
        "{{ guichet.destinataire }}, ou si les Parties en décident ainsi à l'unanimité ; les sommes perçues sont "
        "alors reversées dans les conditions fixées par {{ guichet.destinataire }}.")

    m.h1("Article 11 – Règlement des différends")
    m.p("Les Parties s'efforcent de régler à l'amiable, au sein du comité de pilotage, tout différend relatif à "
        "l'interprétation ou à l'exécution de la présente convention. À défaut d'accord dans un délai de deux "
        "mois, le différend est porté devant la juridiction compétente dans le ressort du siège du porteur.",
        garder=True)

    m.p("Fait en {{ parties|length }} exemplaires originaux, à {{ fait_a }}, le " + POINTILLES, avant=10,
        garder=True)
    m.signatures("for o in parties", "{{ o.raison_sociale|le }}",
                 ["{{ o.representant.complet }}", "{{ o.representant.fonction }}"])

    m.h1("Annexe – ESSMS parties au Projet", nouvelle_page=True)
    tableau_essms_simple(m)
    return m
