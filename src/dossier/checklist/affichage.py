"""The checklist in the terminal: a rich table, the files not recognised and a one-line summary.

The only part of ``checklist`` that prints; the rest returns data.
"""

from __future__ import annotations

from rich.markup import escape

from .resultats import (
    A_SIGNER, ALERTE, ERREUR, INDETERMINE, INVALIDE, MANQUANT, NON_REQUIS, PRESENT, SOUS_DOSSIER, EtatPiece,
    ResultatChecklist, libelle_affiche)

_STATUTS_AFFICHES = {
    PRESENT: ("présente", "green"), MANQUANT: ("manquante", "bold red"), INVALIDE: ("invalide", "bold red"),
    A_SIGNER: ("à signer", "bold red"),
    NON_REQUIS: ("non requise", "dim"), INDETERMINE: ("indéterminée", "yellow"),
}


def afficher_checklist(resultat: ResultatChecklist, console) -> None:
    """Print the checklist as a rich table (one row per piece), the files not recognised and a
    one-line summary; ``console`` is a ``rich.console.Console``."""
    from rich.table import Table

    table = Table(title=f"Pièces du dépôt — profil {resultat.profil.nom}", show_lines=False)
    for colonne in ("N°", "Pièce", "Statut", "Fichier(s)", "Problème / condition"):
        table.add_column(colonne, overflow="fold")
    for etat in resultat.pieces:
        libelle, style = _STATUTS_AFFICHES[etat.statut]
        fichiers = "\n".join(escape(resultat.nom_fichier(f)) for f in etat.fichiers) or "—"
        table.add_row(f"{etat.piece.numero:02d}", escape(libelle_affiche(etat.piece)), f"[{style}]{libelle}[/]",
                      fichiers, _detail(etat))
    console.print(table)
    sous_dossiers = [n.fichier for n in resultat.non_reconnus if n.probleme == SOUS_DOSSIER]
    for non_reconnu in resultat.non_reconnus:
        if non_reconnu.probleme != SOUS_DOSSIER:
            console.print(f"[yellow]fichier non reconnu[/] {escape(non_reconnu.fichier)} : "
                          f"{escape(non_reconnu.probleme)}", highlight=False)
    if sous_dossiers:  # GALIS takes files: a folder beside the pieces is not one of them
        console.print(f"[dim]sous-dossier(s) ignoré(s) : {escape(', '.join(sous_dossiers))}[/]", highlight=False)
    style = "green" if resultat.complet else "bold red"
    console.print(f"[{style}]{escape(resume_checklist(resultat))}[/]", highlight=False)


def _detail(etat: EtatPiece) -> str:
    lignes = [f"[red]{escape(c.message)}[/]" if c.niveau == ERREUR else f"[yellow]alerte : {escape(c.message)}[/]"
              for c in etat.problemes]
    if etat.condition:
        lignes.append(f"[dim]{escape(etat.condition)}[/]")
    return "\n".join(lignes)


def resume_checklist(resultat: ResultatChecklist) -> str:
    """One French line: complete or not, with the counts that matter."""
    compte = {s: sum(e.statut == s for e in resultat.pieces) for s in _STATUTS_AFFICHES}
    alertes = sum(c.niveau == ALERTE for e in resultat.pieces for c in e.problemes)
    parties = [f"{compte[PRESENT]} présente(s)"]
    if compte[MANQUANT]:
        parties.append(f"{compte[MANQUANT]} manquante(s)")
    if compte[INVALIDE]:
        parties.append(f"{compte[INVALIDE]} invalide(s)")
    if compte[A_SIGNER]:
        parties.append(f"{compte[A_SIGNER]} à signer")
    if alertes:
        parties.append(f"{alertes} alerte(s)")
    if compte[INDETERMINE]:
        parties.append(f"{compte[INDETERMINE]} indéterminée(s) : indiquer --projet pour les évaluer")
    fichiers = [n for n in resultat.non_reconnus if n.probleme != SOUS_DOSSIER]
    if fichiers:
        parties.append(f"{len(fichiers)} fichier(s) non reconnu(s)")
    etat = "dossier complet" if resultat.complet else "dossier incomplet"
    return f"{etat} : {', '.join(parties)}"
