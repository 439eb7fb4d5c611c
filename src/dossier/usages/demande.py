"""Whether the solde can be requested now, and why not (issue 20 item 10).

The balance is paid on the usage targets reached by every ESSMS and on the état récapitulatif des
dépenses (usages.md; AAP Normandie 2023, « Conditions de versement des aides »). While either is
missing, the tool says what the solde *would be* and that it cannot be requested yet.
"""

from __future__ import annotations

from .indicateurs import Resultat


def empechements(res: Resultat) -> list[str]:
    """French reasons the solde cannot be requested yet; empty when it can."""
    raisons = []
    n = len(res.bloquants)
    if n:
        raisons.append(f"{n} ESSMS n'atteigne{'nt' if n > 1 else ''} pas encore {'leurs' if n > 1 else 'ses'} "
                       f"cibles d'usage ({', '.join(r.essms.nom for r in res.bloquants)})")
    if not res.projet.depenses:
        raisons.append("aucune dépense dans le projet (clé depenses) : l'état récapitulatif des dépenses est vide")
    return raisons


def phrase_solde(res: Resultat, montant_texte: str) -> str:
    """« Solde demandé : … » when it can be requested, else what it would be and why not."""
    raisons = empechements(res)
    if not raisons:
        return f"Solde demandé : {montant_texte}"
    return (f"Solde qui serait demandé : {montant_texte} ; il ne peut pas encore être demandé : "
            + " ; ".join(raisons))
