"""The template of the lettre d'engagement (one letter per OG, ``Lettre``)."""

from __future__ import annotations

from docx.oxml.ns import qn

from .blocs import POINTILLES, bloc_signature, tableau_essms_simple
from .modele import Modele
from .styles import el


class Lettre(Modele):
    """The letter of one OG: its letterhead in the header, its name in the footer, pages numbered from 1
    and counted within the letter (``dossier.render.lettres`` renders it once per OG, one section each)."""

    ENTETE = ["**{{ og.raison_sociale }}**",
              "{% if og.statut_juridique %}{{ og.statut_juridique|premiere_majuscule }} – {% endif %}"
              "{{ og.identification }}"]
    PIED = " – {{ og.raison_sociale }} – {{ date }}"
    TOTAL_PAGES = "SECTIONPAGES"

    def __init__(self, cle_titre: str, libelle: str):
        super().__init__(cle_titre, libelle)
        sect = self.doc.sections[0]._sectPr
        suivants = [sect.find(qn(f"w:{t}")) for t in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "docGrid")]
        suivant = next((e for e in suivants if e is not None), None)
        numerotation = el("w:pgNumType", start="1")  # schema order: before cols, docGrid...
        if suivant is None:
            sect.append(numerotation)
        else:
            suivant.addprevious(numerotation)


def lettre_engagement() -> Modele:
    m = Lettre("lettre", "Lettre d'engagement")
    m.p("À l'attention de {{ guichet.autorite }}", aligne="g", retrait=8.5, apres=14, avant=6)
    m.p("**Objet : lettre d'engagement – projet « {{ titre }} » – programme ESMS numérique, campagne "
        "{{ campagne }} ({{ instruction }})**", aligne="g", apres=10)
    m.p("Madame, Monsieur,")
    m.p("Je {{ og.representant.soussigne }}, {{ og.representant.complet }}, agissant en qualité de "
        "{{ og.representant.qualite }}, confirme la "
        "participation de notre organisme au projet « {{ titre }} » "
        "{% if og.est_porteur %}que nous portons pour le compte du regroupement{% else %}porté par "
        "{{ porteur.raison_sociale|le }}{% endif %}, qui réunit "
        "{{ nb_organismes|pluriel('organisme gestionnaire', 'organismes gestionnaires') }} et "
        "{{ nb_essms|pluriel('ESSMS', 'ESSMS') }}. J'engage notre organisme à :", garder=True)
    for texte in (
        "déployer dans ses ESSMS listés ci-dessous la solution commune au regroupement, "
        "{{ solution.nom_complet }} ({{ solution.editeur }}), {{ solution.referencement }}, à l'exclusion de "
        "toute autre solution de DUI ;",
        "participer à la gouvernance du projet et à ses travaux de paramétrage, de recette et de formation, en "
        "désignant un référent et en dégageant le temps nécessaire de ses équipes ;",
        "mettre en œuvre les services et référentiels socles et tout faire pour atteindre, dans chacun de ses "
        "ESSMS, les cibles d'usage du programme ESMS numérique, dont dépend le versement du solde de l'aide ;",
        "transmettre au porteur les indicateurs d'usage et les justificatifs de dépenses nécessaires au suivi du "
        "projet{% if 'convention' in pieces %}, et respecter la convention de partenariat conclue entre les "
        "organismes du regroupement{% else %}, et appliquer les décisions prises par les instances communes du "
        "projet{% endif %}.",
    ):
        m.puce(texte)
    m.p("ESSMS concernés par le présent engagement ({{ og.nb_essms }}) :", gras=True, garder=True, avant=4)
    tableau_essms_simple(m, "for e in og.essms", avec_og=False)
    m.p("Le montant prévisionnel de l'aide ESMS numérique correspondant à ces ESSMS s'élève à "
        "{{ og.financement.total }} ({{ regime_tva }}){% if og.est_porteur and financement.a_amoa %}, dont "
        "{{ og.financement.pilotage }} au titre du pilotage du projet{% endif %}.")
    m.p("Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.", garder=True)
    bloc_signature(m, "Fait à " + POINTILLES + ", le {{ date }}", "{{ og.representant.complet }}",
                   "{{ og.representant.fonction }}", "Signature et cachet de l'organisme")
    return m
