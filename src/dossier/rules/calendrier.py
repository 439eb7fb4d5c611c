"""Calendar checks (rules.md §2): the campaign window of the guichet, the indicative duration."""

from __future__ import annotations

import datetime as dt

from ..campaigns import Campagne
from ..francais import date_longue
from ..model import Projet
from .controles import ALERTE, ERREUR, Controle, _ok
from .guichet import determiner_guichet


def _ajouter_mois(date: dt.date, mois: int) -> dt.date:
    m = date.month - 1 + mois
    annee, mois_ = date.year + m // 12, m % 12 + 1
    for jour in range(date.day, 27, -1):
        try:
            return dt.date(annee, mois_, jour)
        except ValueError:
            continue
    return dt.date(annee, mois_, min(date.day, 28))


def c_duree_indicative(projet: Projet, campagne: Campagne) -> Controle:
    if determiner_guichet(projet, campagne).guichet == "national":
        return _ok("duree-indicative", "sans objet pour un projet national", ALERTE)
    cle = "durees.acquisition_mois" if projet.type_projet == "acquisition" else "durees.mise_a_niveau_mois"
    mois = campagne.valeur(cle, 18 if projet.type_projet == "acquisition" else 9)
    note = campagne.parametre(cle).note if campagne.parametre(cle) else None
    repris = f" ({note})" if note and "repris" in note else ""  # issue 21: say so wherever shown
    pl = projet.planning
    if not pl or not pl.debut or not pl.fin_deploiement:
        return Controle("duree-indicative", ALERTE, False, "non vérifiable : planning.debut et planning.fin_deploiement non renseignés")
    limite = _ajouter_mois(pl.debut, mois)
    if pl.fin_deploiement > limite:
        return Controle("duree-indicative", ALERTE, False,
                        f"fin du déploiement le {date_longue(pl.fin_deploiement)} : au-delà de la durée indicative de {mois} mois{repris} ({date_longue(limite)})")
    return _ok("duree-indicative", f"déploiement terminé dans la durée indicative de {mois} mois{repris}", ALERTE)


def c_calendrier(projet: Projet, campagne: Campagne, aujourdhui: dt.date) -> Controle:
    g = determiner_guichet(projet, campagne)
    ouverture = campagne.parametre(f"calendrier.{g.cle_calendrier}.ouverture")
    cloture = campagne.parametre(f"calendrier.{g.cle_calendrier}.cloture")
    libelle = {"regional": "régional", "multiregional": "régional multirégional", "national": "national"}[g.cle_calendrier]
    if ouverture is not None and cloture is None:  # issue 21: 2024 national, opening only
        date = projet.depot.date or aujourdhui
        ouvre = f"ouverture du guichet {libelle} le {date_longue(ouverture.valeur)} ({ouverture.source})"
        if date < ouverture.valeur:
            return Controle("calendrier", ERREUR if projet.depot.date else ALERTE, False,
                            f"dépôt {'prévu ' if projet.depot.date else 'jugé sur la date du jour, '}le {date_longue(date)}, avant l'{ouvre}")
        return Controle("calendrier", ALERTE, False, f"non vérifiable : date de clôture du guichet {libelle} de la campagne "
                        f"{campagne.annee} inconnue ({ouvre})")
    if ouverture is None or cloture is None:
        return Controle("calendrier", ALERTE, False, f"non vérifiable : pas de fenêtre de dépôt connue pour le guichet {libelle} de la campagne {campagne.annee}")
    fenetre = (f"fenêtre de dépôt du guichet {libelle}, du {date_longue(ouverture.valeur)} au {date_longue(cloture.valeur)} "
               f"({ouverture.source})")
    date = projet.depot.date
    if date is not None:
        if not ouverture.valeur <= date <= cloture.valeur:
            return Controle("calendrier", ERREUR, False, f"dépôt prévu le {date_longue(date)}, hors de la {fenetre}")
        return _ok("calendrier", f"dépôt prévu le {date_longue(date)}, dans la {fenetre}")
    if not ouverture.valeur <= aujourdhui <= cloture.valeur:
        return Controle("calendrier", ALERTE, False,
                        f"date de dépôt non renseignée : aujourd'hui ({date_longue(aujourdhui)}) est hors de la {fenetre}")
    return Controle("calendrier", ALERTE, False,
                    f"date de dépôt non renseignée : jugé sur la date du jour ({date_longue(aujourdhui)}), dans la {fenetre}")
