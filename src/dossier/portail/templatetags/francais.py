"""French formatting in templates (amounts, dates), from the library's formatting."""

from __future__ import annotations

from django import template

from ...render.formatting import date_courte, date_longue, montant, nombre

register = template.Library()


@register.filter
def euros(valeur):
    return "" if valeur is None else montant(valeur)


@register.filter
def entier(valeur):
    return "" if valeur is None else nombre(valeur)


@register.filter
def date_fr(valeur):
    return "" if valeur is None else date_longue(valeur)


@register.filter
def date_fr_courte(valeur):
    return "" if valeur is None else date_courte(valeur)


@register.filter
def octets(valeur):
    from ...lecture import taille_lisible

    return taille_lisible(int(valeur or 0))


_STATUTS = {"present": "présente", "manquant": "manquante", "invalide": "invalide", "non_requis": "non requise",
            "indetermine": "indéterminée"}


@register.filter
def statut(valeur):
    """A checklist status in French words."""
    return _STATUTS.get(valeur, valeur)
