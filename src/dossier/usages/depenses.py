"""The « état récapitulatif des dépenses » of the balance request, from the project's ``depenses``.

Lines grouped by OG then nature; subtotals and totals are ``SUBTOTAL(9, …)`` formulas (a total over a
range holding subtotals counts each amount once); a signature block for the comptable public or the
commissaire aux comptes closes the sheet.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Depense, Projet
from .classeurs import NATURES, ecrire, en_tetes, entete_du_jour, formule, largeur_texte, largeurs, mise_en_page, note, nouveau_classeur
from .indicateurs import Solde

TITRES = ("Organisme", "Nature", "Libellé", "Fournisseur", "Facture", "Date", "Montant")
COLONNE_MONTANT = len(TITRES)
LIGNE_ENTETE = 6


def _libelle_large(ws, ligne: int, libelle: str, style: str) -> None:
    """A label merged over every column but the amount's."""
    ecrire(ws, ligne, 1, libelle, style)
    for colonne in range(2, COLONNE_MONTANT):
        ecrire(ws, ligne, colonne, "", style)
    ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=COLONNE_MONTANT - 1)


def _sous_total(ws, ligne: int, premiere: int, derniere: int, libelle: str, style: str) -> None:
    _libelle_large(ws, ligne, libelle, style)
    formule(ws, ligne, COLONNE_MONTANT, f"=SUBTOTAL(9,G{premiere}:G{derniere})", f"{style}-montant")


def _lignes_og(ws, ligne: int, og: str, depenses: list[Depense]) -> int:
    """Expense lines of one OG grouped by nature, each nature with its subtotal; returns the next row."""
    for nature, libelle_nature in NATURES.items():
        lignes = [d for d in depenses if d.nature == nature]
        if not lignes:
            continue
        premiere = ligne
        for d in sorted(lignes, key=lambda d: d.date):
            for colonne, (valeur, style) in enumerate(
                    ((og, "texte"), (libelle_nature, "texte"), (d.libelle, "texte"), (d.fournisseur or "", "texte"),
                     (d.facture or "", "texte"), (d.date, "date"), (d.montant, "montant")), start=1):
                ecrire(ws, ligne, colonne, valeur, style)
            ligne += 1
        _sous_total(ws, ligne, premiere, ligne - 1, f"Sous-total {libelle_nature.lower()}", "controle")
        ligne += 1
    return ligne


def _signatures(ws, ligne: int) -> None:
    textes = (
        ("Certifié exact et conforme aux écritures comptables.", "etiquette"),
        ("Le comptable public / le commissaire aux comptes (rayer la mention inutile)", "etiquette"),
        ("Nom et qualité :", "valeur"),
        ("Date :", "valeur"),
        ("Signature et cachet :", "valeur"),
    )
    for decalage, (texte, style) in enumerate(textes):
        ecrire(ws, ligne + decalage, 1, texte, style)
    ecrire(ws, ligne, 5, "Le représentant légal du porteur", "etiquette")
    ecrire(ws, ligne + 2, 5, "Nom et qualité :", "valeur")
    ecrire(ws, ligne + 4, 5, "Signature :", "valeur")


def ecrire_etat_depenses(projet: Projet, solde: Solde | None, dest: Path) -> None:
    depenses = projet.depenses or []
    wb = nouveau_classeur(None)
    ws = wb.create_sheet("Dépenses")
    entete_du_jour(ws, "État récapitulatif des dépenses", projet)
    en_tetes(ws, LIGNE_ENTETE, TITRES)
    ligne = LIGNE_ENTETE + 1
    for og in projet.organismes:
        les_siennes = [d for d in depenses if d.organisme == og.id]
        if not les_siennes:
            continue
        premiere = ligne
        ligne = _lignes_og(ws, ligne, og.raison_sociale, les_siennes)
        _sous_total(ws, ligne, premiere, ligne - 1, f"Total {og.raison_sociale}", "total")
        ligne += 1
    _sous_total(ws, ligne, LIGNE_ENTETE + 1, max(ligne - 1, LIGNE_ENTETE + 1), "Total des dépenses", "total")
    ligne += 1
    if solde is not None:
        _libelle_large(ws, ligne, "Aide accordée (financement)", "texte")
        ecrire(ws, ligne, COLONNE_MONTANT, sum(o.total for o in solde.par_organisme), "montant")
        ligne += 1
    if not depenses:
        note(ws, ligne, "Aucune dépense dans le fichier projet (clé « depenses ») : compléter le projet puis relancer.",
             COLONNE_MONTANT)
        ligne += 1
    _signatures(ws, ligne + 2)
    largeurs(ws, {1: largeur_texte([og.raison_sociale for og in projet.organismes], 16, 30), 2: 18, 3: largeur_texte([d.libelle for d in depenses], 24, 50),
                  4: largeur_texte([d.fournisseur or "" for d in depenses], 14, 30), 5: 16, 6: 11, 7: 15})
    mise_en_page(ws, LIGNE_ENTETE, LIGNE_ENTETE + 1, COLONNE_MONTANT)
    wb.save(dest)
    from ..render.marquage import marquer

    marquer(dest, a_signer=True)  # « certifié exact » by the porteur: a piece to sign
