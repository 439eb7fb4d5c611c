"""What ``checklist`` finds (pieces.md, "checklist"): the statuses, the findings and the result of a folder.

Also the lists of file extensions GALIS accepts; every other module of the package builds these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dossier.profiles import Piece, Profil

EXTENSIONS_ACCEPTEES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".png", ".jpg", ".gif")
EXTENSIONS_MODIFIABLES = (".doc", ".docx", ".xls", ".xlsx")

ERREUR, ALERTE = "erreur", "alerte"
PRESENT, MANQUANT, INVALIDE, NON_REQUIS, INDETERMINE = (
    "present", "manquant", "invalide", "non_requis", "indetermine")
A_SIGNER = "a_signer"  # a piece to sign whose only file(s) are the ones ``render`` made, unchanged
SOUS_DOSSIER = "sous-dossier ignoré"  # the « problème » of a folder found among the pieces
#: Said beside the name of a piece to sign, whatever its status: the name says what the piece is, this what
#: it needs, the status what its file is (« à signer », « présente »). Same words in the portal's
#: « Pièces du porteur » (portail/templates/portail/sections/pieces_porteur.html).
MENTION_SIGNATURE = "signature requise"


def libelle_affiche(piece: Piece) -> str:
    """The piece's name as shown to a porteur or a reviewer: with « (signature requise) » for a piece to sign."""
    return f"{piece.libelle} ({MENTION_SIGNATURE})" if piece.signee else piece.libelle


@dataclass(frozen=True)
class Constat:
    """A problem found on a piece: ``niveau`` is "erreur" (blocking) or "alerte"."""

    niveau: str
    message: str


@dataclass(frozen=True)
class EtatPiece:
    """The verdict on one piece of the profile; ``requis`` is None when it cannot be decided."""

    piece: Piece
    statut: str
    requis: bool | None
    condition: str | None
    fichiers: tuple[Path, ...]
    problemes: tuple[Constat, ...]


@dataclass(frozen=True)
class NonReconnu:
    fichier: str
    probleme: str


@dataclass(frozen=True)
class ResultatChecklist:
    profil: Profil
    dossier: Path
    pieces: tuple[EtatPiece, ...]
    non_reconnus: tuple[NonReconnu, ...]

    @property
    def complet(self) -> bool:
        """Every required piece is present and valid (alertes do not count)."""
        return all(e.statut == PRESENT for e in self.pieces if e.requis)

    def nom_fichier(self, chemin: Path) -> str:
        """A file as shown to the user: relative to the folder when inside it."""
        try:
            return chemin.relative_to(self.dossier).as_posix()
        except ValueError:
            return str(chemin)

    def to_json(self) -> dict:
        """The ``checklist --json`` document of pieces.md (a dict ready for ``json.dumps``)."""
        return {
            "profil": self.profil.nom,
            "complet": self.complet,
            "pieces": [
                {"slug": e.piece.slug, "libelle": e.piece.libelle, "statut": e.statut,
                 "requis": e.requis, "condition": e.condition,
                 "fichiers": [self.nom_fichier(f) for f in e.fichiers],
                 "problemes": [{"niveau": c.niveau, "message": c.message} for c in e.problemes]}
                for e in self.pieces
            ],
            "non_reconnus": [{"fichier": n.fichier, "probleme": n.probleme} for n in self.non_reconnus],
        }

