"""Costs and resources of a project: total cost, other resources, self-financing split between the OG."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ..model import Projet
from .guichet import arrondi


def cout_total(couts) -> Decimal:
    """Project costs: postes, plus rh lines over their years (ressources_autres excluded)."""
    if couts is None:
        return Decimal(0)
    postes = sum((p.montant for p in couts.postes or []), Decimal(0))
    return postes + sum((r.cout_annuel * len(r.annees) for r in couts.rh or []), Decimal(0))


def ressources_autres(couts) -> Decimal:
    return sum((r.montant for r in (couts.ressources_autres or [] if couts else [])), Decimal(0))


def parts_autofinancement(projet: Projet) -> tuple[list[tuple[str, Decimal]], str]:
    """Share of the self-financing of each OG (id, fraction) and the rule that gives it (contract.md):
    ``couts.repartition_autofinancement`` when given, else the OG's number of ESSMS."""
    c = projet.couts
    if c and c.repartition_autofinancement:
        return ([(p.organisme, Decimal(p.part)) for p in c.repartition_autofinancement],
                "selon la répartition arrêtée entre les organismes")
    compte = Counter(e.organisme for e in projet.essms)
    return ([(og.id, Decimal(compte[og.id]) / len(projet.essms)) for og in projet.organismes if compte[og.id]],
            "au prorata du nombre d'ESSMS de chaque organisme")


def repartir(montant: Decimal, parts: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """``montant`` split by ``parts`` to the cent; the last share takes the rounding rest."""
    lignes, reparti = [], Decimal(0)
    for n, (cle, part) in enumerate(parts, start=1):
        somme = montant - reparti if n == len(parts) else arrondi(montant * part)
        reparti += somme
        lignes.append((cle, somme))
    return lignes
