"""Recevabilité (rules.md §2): every check of the table, in its order; a project is recevable when no erreur fails."""

from __future__ import annotations

import datetime as dt

from .. import identifiers as ids
from ..campaigns import Campagne
from ..errors import MontantsInconnus
from ..francais import date_longue, montant
from ..model import Projet
from .calendrier import c_calendrier, c_duree_indicative
from .coherence import controles_coherence
from .controles import ALERTE, ERREUR, Controle, _noms, _ok, accord
from .financement import Financement, _montants
from .forfaits import amoa_demandee, sans_mise_a_niveau
from .paiements import cout_total
from .petits_og import c_amoa_petits_og, c_materiel_petits_og
from .referencement import c_dpi_ght, c_referencement_segur


def c_essms_eligibles(projet: Projet, campagne: Campagne) -> Controle:
    inconnues = [e for e in projet.essms if e.info_categorie is None and not e.eligibilite_confirmee]
    confirmees = [e for e in projet.essms if e.info_categorie is None and e.eligibilite_confirmee]
    exclues = [e for e in projet.essms if e.info_categorie is not None and not e.info_categorie.eligible]
    if exclues or inconnues:
        parts = []
        if exclues:
            parts.append("catégories non éligibles (sanitaire, USLD) : " + "; ".join(
                f"{e.nom} ({e.finess_et}, catégorie {e.categorie} {e.info_categorie.libelle})" for e in exclues))
        if inconnues:
            parts.append("catégories absentes de la table des ESSMS (confirmer avec eligibilite_confirmee) : " + "; ".join(
                f"{e.nom} ({e.finess_et}, catégorie {e.categorie})" for e in inconnues))
        return Controle("essms-eligibles", ERREUR, False, " ; ".join(parts), tuple(e.finess_et for e in exclues + inconnues))
    if confirmees:
        return Controle("essms-eligibles", ALERTE, False,
                        "éligibilité confirmée par le porteur pour des catégories hors table : " + "; ".join(
                            f"{e.nom} ({e.finess_et}, catégorie {e.categorie})" for e in confirmees),
                        tuple(e.finess_et for e in confirmees))
    n = len(projet.essms)
    return _ok("essms-eligibles", f"{accord(n, 'ESSMS relève', 'ESSMS relèvent')} de catégories éligibles")


def c_taille_minimale(projet: Projet, campagne: Campagne, niveau: str = ERREUR) -> Controle:
    outre_mer = all(ids.corse_ou_outre_mer(e.finess_et) for e in projet.essms)
    p = campagne.parametre("taille_minimale.essms_corse_outre_mer" if outre_mer else "taille_minimale.essms")
    n = len(projet.essms)
    if p is None:
        return Controle("taille-minimale", ALERTE, False, f"non vérifiable : la campagne {campagne.annee} ne fixe pas de taille minimale dans les données")
    lieu = " (Corse ou outre-mer)" if outre_mer else ""
    if n < p.valeur:
        ars = campagne.parametre("taille_minimale.appreciation_ars") if niveau == ALERTE else None
        texte = f" ; {ars.source} : « {ars.citation} »" if ars and ars.citation else ""
        return Controle("taille-minimale", niveau, False, f"{n} ESSMS : le minimum est de {p.valeur} ESSMS{lieu}{texte}")
    return _ok("taille-minimale", f"{n} ESSMS (minimum {p.valeur}{lieu})", niveau)


def c_nouvelle_operation(projet: Projet, campagne: Campagne) -> Controle:
    signe = projet.solution.contrat_editeur_date
    p = campagne.parametre("instruction.date")
    if projet.type_projet != "acquisition":
        return _ok("nouvelle-operation", "sans objet pour une mise à niveau")
    if signe is None:
        return _ok("nouvelle-operation", "contrat éditeur non encore signé")
    if p is not None and signe < p.valeur:
        return Controle("nouvelle-operation", ERREUR, False,
                        f"contrat éditeur signé le {date_longue(signe)}, avant l'instruction du {date_longue(p.valeur)} ({p.source}) : l'opération n'est pas nouvelle")
    return _ok("nouvelle-operation", f"contrat éditeur signé le {date_longue(signe)}, après l'instruction de la campagne")


def _anterieurs(id_: str, attribut: str, financement: str):
    def controle(projet: Projet, campagne: Campagne) -> Controle:
        fautifs = [e for e in projet.essms if getattr(e.financements_anterieurs, attribut)]
        if fautifs:
            return Controle(id_, ERREUR, False, f"ESSMS ayant déjà reçu {financement} : {_noms(fautifs)}",
                            tuple(e.finess_et for e in fautifs))
        return _ok(id_, f"aucun ESSMS n'a déjà reçu {financement}")
    return controle


c_fonds_europeens = _anterieurs("fonds-europeens", "europeen", "des fonds européens (FEDER, FSE…) pour cette opération")


c_esms_numerique_anterieur = _anterieurs("esms-numerique-anterieur", "esms_numerique", "un financement ESMS numérique")


c_sons_autre_solution = _anterieurs("sons-autre-solution", "sons_autre_solution", "un financement SONS pour un autre logiciel")


def c_solution_unique(projet: Projet, campagne: Campagne) -> Controle:
    cible = projet.solution.logiciel.strip().casefold()
    if projet.type_projet == "mise_a_niveau":
        autres = [e for e in projet.essms if e.logiciel_actuel and e.logiciel_actuel.strip().casefold() != cible]
        if autres:
            return Controle("solution-unique", ERREUR, False,
                            f"mise à niveau : ces ESSMS n'utilisent pas aujourd'hui {projet.solution.logiciel} : "
                            + "; ".join(f"{e.nom} ({e.finess_et}, {e.logiciel_actuel})" for e in autres),
                            tuple(e.finess_et for e in autres))
    return _ok("solution-unique", f"une solution unique pour tous les ESSMS : {projet.solution.logiciel}")


def c_entite_nationale(projet: Projet, campagne: Campagne) -> Controle:
    sans = [og for og in projet.organismes if og.entite_nationale and not og.entite_nationale.autorisation]
    if sans:
        return Controle("entite-nationale", ERREUR, False, "autorisation écrite de l'entité nationale manquante : " + "; ".join(
            f"{og.raison_sociale} ({og.entite_nationale.nom})" for og in sans))
    return _ok("entite-nationale", "aucun organisme rattaché à une entité nationale sans autorisation")


def c_heures_saad(projet: Projet, campagne: Campagne) -> Controle:
    attendue = int(campagne.annee) - 1
    decalees = [e for e in projet.essms if e.heures_saad and e.heures_saad.annee != attendue]
    if decalees:
        return Controle("heures-saad", ALERTE, False, f"heures déclarées pour une autre année que {attendue} (N-1) : "
                        + "; ".join(f"{e.nom} ({e.heures_saad.annee})" for e in decalees), tuple(e.finess_et for e in decalees))
    n = sum(1 for e in projet.essms if e.heures_saad)
    return _ok("heures-saad", f"{accord(n, 'déclaration', 'déclarations')} d'heures SAAD de l'année {attendue}" if n
               else "aucun service d'aide à domicile")


def c_regroupement_initial(projet: Projet, campagne: Campagne) -> Controle:
    r = projet.regroupement_initial
    if r is None:
        return _ok("regroupement-initial", "sans objet : le projet ne rejoint pas un regroupement déjà financé", ALERTE)
    return Controle(
        "regroupement-initial", ALERTE, False,
        f"le projet rejoint le regroupement « {r.nom} » (convention du {date_longue(r.convention_date)}) : sous le minimum "
        "d'ESSMS, il pourra être recevable aux conditions cumulatives appréciées par l'ARS : un élargissement régulier au "
        "regard du contrat ou du marché public du regroupement initial, et sans risque excessif pour son projet "
        "(délais, atteinte des cibles d'usage de chaque ESSMS)")


def c_non_cumul(projet: Projet, campagne: Campagne) -> Controle:
    """Revised (issue 21): an alerte per ESSMS already on the Ségur version; the project stays recevable."""
    if projet.type_projet != "mise_a_niveau":
        return _ok("non-cumul", "sans objet pour une acquisition", ALERTE)
    from .cumul import message_non_cumul

    installees = [e for e in projet.essms if sans_mise_a_niveau(projet, e)]
    if installees:
        return Controle("non-cumul", ALERTE, False, message_non_cumul(projet, campagne, installees),
                        tuple(e.finess_et for e in installees))
    return _ok("non-cumul", "aucun ESSMS n'a déjà la version Ségur installée", ALERTE)


def c_couts_couverts(projet: Projet, campagne: Campagne, fin: Financement | None) -> Controle:
    """Every aid item requested has its cost, and the aid does not exceed the costs (rules.md §2)."""
    if fin is None:
        return Controle("couts-couverts", ALERTE, False, f"non vérifiable : montants de la campagne {campagne.annee} non renseignés")
    c = projet.couts
    if c is None or not (c.postes or c.rh):
        return Controle("couts-couverts", ALERTE, False, "non vérifiable : coûts du projet non renseignés (couts.postes, couts.rh)")
    natures = {p.nature for p in c.postes or []}
    t = fin.totaux
    attendus = {
        "logiciel": (t["logiciel"] > 0, "logiciel" in natures, "postes de nature « logiciel »"),
        "matériel": (any(e.materiel for e in projet.essms), "materiel" in natures, "postes de nature « materiel »"),
        "pilotage / AMOA": (amoa_demandee(projet), bool({"amoa"} & natures or c.rh), "postes « amoa » ou lignes couts.rh"),
        "SAD": (projet.sad_demande, bool({"prestations", "amoa"} & natures), "postes « prestations » ou « amoa »"),
    }
    manques = [f"{aide} demandé sans coût correspondant ({ou})" for aide, (demande, couvert, ou) in attendus.items()
               if demande and not couvert]
    cout = cout_total(c)
    if t["total"] > cout:
        manques.append(f"aides supérieures aux coûts : {montant(t['total'])} d'aides pour {montant(cout)} de coûts")
    if manques:
        return Controle("couts-couverts", ALERTE, False, " ; ".join(manques))
    return _ok("couts-couverts", f"chaque aide demandée a ses coûts ; aides ({montant(t['total'])}) dans la limite des coûts "
               f"({montant(cout)})", ALERTE)


def c_organismes_sans_essms(projet: Projet, campagne: Campagne) -> Controle:
    vides = [og.raison_sociale for og in projet.organismes if not projet.essms_de(og.id)]
    if vides:
        return Controle("organisme-sans-essms", ALERTE, False, "organismes sans ESSMS dans le projet : " + ", ".join(vides))
    return _ok("organisme-sans-essms", "chaque organisme apporte au moins un ESSMS", ALERTE)


def niveau_taille_minimale(projet: Projet, campagne: Campagne | None = None) -> str:
    """Level of ``taille-minimale``: the profile's, alerte when the project joins a financed grouping or when
    the campaign's texts leave smaller groupings to the ARS (``taille_minimale.appreciation_ars``, issue 21)."""
    from .profil_depot import profil_du_projet

    if projet.regroupement_initial or (campagne is not None and campagne.valeur("taille_minimale.appreciation_ars")):
        return ALERTE
    return profil_du_projet(projet).taille_minimale_niveau


def verifier_recevabilite(projet: Projet, campagne: Campagne, aujourdhui: dt.date | None = None,
                          niveau_taille: str | None = None, montants: Financement | None = None) -> list[Controle]:
    """Every recevabilité check of rules.md §2, in the order of the table.

    ``niveau_taille`` overrides the level of ``taille-minimale`` (default: ``niveau_taille_minimale``);
    ``montants`` are the project's amounts when already computed (``couts-couverts``).
    """
    from .secteurs import controles_secteurs

    aujourdhui = aujourdhui or dt.date.today()
    if montants is None:
        try:
            montants = _montants(projet, campagne)
        except MontantsInconnus:
            montants = None
    controles = [
        c_essms_eligibles(projet, campagne),
        c_taille_minimale(projet, campagne, niveau_taille or niveau_taille_minimale(projet, campagne)),
        _ok("finess-geographiques", f"{accord(len(projet.essms), 'FINESS géographique valide', 'FINESS géographiques valides et distincts')} (contrôlé à la lecture du projet)"),
        _ok("siret-porteur", "SIRET du porteur valide (contrôlé à la lecture du projet)"),
        c_nouvelle_operation(projet, campagne),
        c_fonds_europeens(projet, campagne),
        c_esms_numerique_anterieur(projet, campagne),
        c_sons_autre_solution(projet, campagne),
        c_solution_unique(projet, campagne),
        c_referencement_segur(projet, campagne),
        *controles_secteurs(projet, campagne),
        c_entite_nationale(projet, campagne),
        c_heures_saad(projet, campagne),
        c_amoa_petits_og(projet, campagne),
        c_materiel_petits_og(projet, campagne),
        c_duree_indicative(projet, campagne),
        c_calendrier(projet, campagne, aujourdhui),
        c_dpi_ght(projet, campagne),
        c_regroupement_initial(projet, campagne),
        c_non_cumul(projet, campagne),
        c_couts_couverts(projet, campagne, montants),
        c_organismes_sans_essms(projet, campagne),
        controles_coherence(projet, campagne),  # deposit profile and CNSA milestones
    ]
    return [c for resultat in controles for c in (resultat if isinstance(resultat, list) else [resultat])]
