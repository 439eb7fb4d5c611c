"""The deposit folder of a project, built in a working folder from the stored files: the pieces the
last generation wrote and the pieces the porteur uploaded, named so the checklist recognises them."""

from __future__ import annotations

from pathlib import Path

from .. import api
from . import stockage
from .models import PieceDeposee, PieceGeneree, Tache


def derniere_generation(projet) -> Tache | None:
    return projet.taches.filter(genre="pieces", etat="terminee").order_by("-fin").first()


def pieces_generees(projet) -> list[PieceGeneree]:
    tache = derniere_generation(projet)
    return list(tache.pieces.all()) if tache else []


def par_piece(generees: list[PieceGeneree]) -> list[dict]:
    """One row per piece: its Word/Excel file, its PDF and the preview (``NN-slug`` groups them)."""
    lignes: dict[str, dict] = {}
    for g in generees:
        base, _, ext = g.nom.rpartition(".")
        ligne = lignes.setdefault(base, {"nom": base, "office": None, "pdf": None})
        ligne["pdf" if ext == "pdf" else "office"] = g
    return list(lignes.values())


def pieces_deposees(projet) -> dict[str, PieceDeposee]:
    """The latest upload of each slot."""
    derniere: dict[str, PieceDeposee] = {}
    for p in PieceDeposee.objects.filter(projet=projet).order_by("cree_le"):
        derniere[p.slug] = p
    return derniere


def emplacements(profil) -> list:
    """The pieces the porteur gives: those no template makes, and the signed ones (scanned after signature)."""
    return [p for p in profil.pieces if not p.modele or p.signee]


def construire(projet, modele, dossier: Path) -> None:
    """Write the deposit folder into ``dossier`` (which exists and is empty)."""
    profil = api.profil_du_projet(modele)
    deposees = pieces_deposees(projet)
    signees = {slug for slug in deposees if (profil.piece(slug) and profil.piece(slug).signee)}
    for g in pieces_generees(projet):
        if any(g.nom.split("-", 1)[-1].rsplit(".", 1)[0] == slug for slug in signees):
            continue  # the signed scan replaces the generated, unsigned file
        stockage.copier_vers(g.sha256, dossier / g.nom)
    for slug, d in deposees.items():
        piece = profil.piece(slug)
        if piece is None:
            continue
        stockage.copier_vers(d.sha256, dossier / f"{piece.numero:02d}-{slug}{d.extension}")
