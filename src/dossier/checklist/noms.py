"""Recognising a file of the deposit folder by its name: which piece (deposit slot) it stands for."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from dossier.profiles import Piece, Profil

def normaliser_nom(nom: str) -> str:
    """Lower case, accents removed, every run of separators as a single ``-``."""
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", nom) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")


def _score(nom: str, piece: Piece) -> tuple[int, bool]:
    """Length of the longest key of ``piece`` the normalised stem matches, and whether that key
    is the name of the workbook builder making it (``materiels``), so the piece's sheet must be there."""
    meilleur = (0, False)
    prefixes = [(piece.slug, False)]
    if piece.modele and piece.modele != piece.slug:
        prefixes.append((piece.modele, True))
    for cle, par_classeur in prefixes:
        if (nom == cle or nom.startswith(cle + "-")) and len(cle) > meilleur[0]:
            meilleur = (len(cle), par_classeur)
    for synonyme in piece.synonymes:
        if f"-{synonyme}-" in f"-{nom}-" and len(synonyme) > meilleur[0]:
            meilleur = (len(synonyme), False)
    return meilleur


def reconnaitre(nom_fichier: str, profil: Profil) -> tuple[Piece, bool] | None:
    """The one piece (deposit slot) a file name stands for, with whether it matched through the name
    of the workbook builder; None when it stands for none.

    The longest match wins; between pieces matched equally, the one numbered like the file's
    ``NN-`` prefix, else the first of the profile: a file never fills two slots."""
    normalise = normaliser_nom(Path(nom_fichier).stem)
    numero = re.match(r"^(\d{1,2})-", normalise)
    nom = normalise[numero.end():] if numero else normalise
    scores = [(piece, *_score(nom, piece)) for piece in profil.pieces]
    meilleur = max((s for _, s, _ in scores), default=0)
    if meilleur == 0:
        return None
    ex_aequo = [(piece, par_classeur) for piece, s, par_classeur in scores if s == meilleur]
    rang = int(numero.group(1)) if numero else None
    return next((c for c in ex_aequo if c[0].numero == rang), ex_aequo[0])

