"""Which deposit profile (list of pieces) applies to a project, and whether the one it names fits.

A profile's list comes from one call's text (``campagne`` and ``regions`` of its TOML file). A project
names its profile in ``depot.profil`` (former names accepted), or leaves it out: the profile is then the
list of its région's call for its campaign when the tool has it, else the default list (the kit of the
ARS Île-de-France, used as the national list). Where the list is not the project's own call's, the pieces
do not cite that call, ``checklist`` says where the list comes from (to confirm with the ARS), and
``check`` gives an alerte when the project named a profile of another région or campaign.
"""

from __future__ import annotations

from ..profiles import Profil, charger_profil, profils_disponibles

def profil_par_defaut() -> Profil:
    """The list used where the tool has none for the project's région and campaign."""
    return next(p for p in map(charger_profil, profils_disponibles()) if p.par_defaut)


def profil_propre(campagne: str, region: str | None) -> Profil | None:
    """The list of the call of ``region`` for ``campagne`` when the tool has it."""
    return next((p for p in map(charger_profil, profils_disponibles()) if p.propre_a(campagne, region)), None)


def choisir_profil(campagne: str, region: str | None) -> Profil:
    """The région's own list for this campaign, else the default list."""
    return profil_propre(campagne, region) or profil_par_defaut()


def region_du_projet(projet) -> str:
    """The région of the ARS the project is deposited with (``rules.ars_pivot``)."""
    from .guichet import ars_pivot

    return ars_pivot(projet)


def profil_du_projet(projet) -> Profil:
    """``depot.profil`` when given (a former name is accepted), else chosen from région and campaign."""
    depot = getattr(projet, "depot", None)
    nom = getattr(depot, "profil", None)
    if nom:
        return charger_profil(nom)
    return choisir_profil(projet.campagne, region_du_projet(projet))


def nom_profil_du_projet(projet) -> str:
    return profil_du_projet(projet).nom


def origine_liste(profil: Profil, projet=None) -> str | None:
    """« liste établie d'après … : à confirmer auprès de l'ARS » when the list is not the project's own
    call's (or, without a project, when it is the default list); None when it is."""
    if projet is not None:
        region = region_du_projet(projet)
        if profil.propre_a(projet.campagne, region):
            return None
        aupres = f"l'ARS {region}"
    elif not profil.par_defaut:
        return None
    else:
        aupres = "l'ARS"
    return f"liste établie d'après « {profil.source} » : à confirmer auprès de {aupres}"


def ecarts_profil(projet) -> list[str]:
    """Why the profile the project names belongs to another région or campaign (empty when it fits)."""
    depot = getattr(projet, "depot", None)
    nom = getattr(depot, "profil", None)
    if not nom:
        return []
    profil = charger_profil(nom)
    region = region_du_projet(projet)
    if profil.propre_a(projet.campagne, region):
        return []
    ecarts = []
    if profil.campagne != projet.campagne:
        ecarts.append(f"le profil « {nom} » est la liste de la campagne {profil.campagne} ({profil.source}), "
                      f"le projet relève de la campagne {projet.campagne}")
    propre = profil_propre(projet.campagne, region)
    if not profil.par_defaut and region not in profil.regions:
        ecarts.append(f"le profil « {nom} » est la liste de l'ARS {', '.join(profil.regions)}, le projet est "
                      f"déposé auprès de l'ARS {region}")
    if propre is not None and propre.nom != profil.nom:
        ecarts.append(f"l'ARS {region} a sa propre liste pour la campagne {projet.campagne} : profil "
                      f"« {propre.nom} » (laisser depot.profil vide pour la retenir)")
    return ecarts
