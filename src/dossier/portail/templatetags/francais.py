"""French formatting in templates (amounts, dates), from the library's formatting."""

from __future__ import annotations

from django import template

from ...francais import date_courte, date_longue, montant, nombre

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
            "indetermine": "indéterminée", "a_signer": "à signer"}


@register.filter
def statut(valeur):
    """A checklist status in French words."""
    return _STATUTS.get(valeur, valeur)


@register.filter
def valeur(v):
    """A field value as text: oui/non, lists joined, numbers in French."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return nombre(v, 0 if float(v).is_integer() else 2)
    return v


@register.simple_tag(takes_context=True)
def reference_erreur(context):
    """The reference of an error page rendered without one by its view: made here and logged, so that
    the page and the server log carry the same reference."""
    from ..intergiciels import log, reference

    ref = context.get("reference") or reference()
    if not context.get("reference"):
        request = context.get("request")
        log.warning("réponse %s (référence %s) : %s %s", context.get("statut"), ref,
                    getattr(request, "method", "-"), getattr(request, "path", "-"))
    return ref
