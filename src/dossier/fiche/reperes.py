"""JSON paths of the project (``organismes[0].nb_essms_total``, ``note.contexte``) named as a fiche
user sees them: the sheet and cell of the workbook, with the cell's label (``Organismes!F6 « Nombre
ESSMS total »``). Used by ``validate``, ``render`` and their « à compléter » lists when the project is a fiche.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .disposition import Bloc, Champ, disposition
from .lecture import Lecture, chemin_de, lire_classeur

_CHAMP_JSON = re.compile(r"\(champ : ([^()]+)\)")


def champ_du_chemin(chemin: tuple) -> tuple[Bloc, Champ] | None:
    """Block and field of a leaf path (``("essms", 3, "nom")``, ``("porteur", "siret")``)."""
    for bloc in disposition():
        if bloc.parent is not None or bloc.dictionnaire:
            continue
        n = len(bloc.chemin)
        if chemin[:n] != bloc.chemin:
            continue
        element = bloc.tableau and len(chemin) > n and isinstance(chemin[n], int)
        if bloc.tableau and not element:
            continue
        reste = chemin[n + 1:] if element else chemin[n:]
        champ = next((c for c in bloc.champs if c.chemin == reste), None)
        if champ is not None:
            return bloc, champ
    return None


def _a_colonne(ref: str | None) -> bool:
    return bool(ref) and "!" in ref and ref.rpartition("!")[2][:1].isalpha()


class Reperes:
    """Names the cell of a JSON path in one workbook (as read: moved rows and columns followed)."""

    def __init__(self, lecture: Lecture):
        self.lecture = lecture

    def cellule(self, chemin_json: str) -> str:
        chemin = chemin_de(chemin_json)
        trouve = champ_du_chemin(chemin)
        ref = self.lecture.cellules.get(chemin)
        if trouve is not None:
            bloc, champ = trouve
            if _a_colonne(ref):
                return f"{ref} « {champ.libelle} »"
            if bloc.tableau:
                ligne = self.lecture.cellules.get(chemin[:len(bloc.chemin) + 1], "")
                ou = f"ligne {ligne.rpartition('!')[2]}, " if ligne else ""
                return f"{bloc.feuille}, {ou}colonne « {champ.libelle} » (à ajouter au tableau « {bloc.titre} »)"
            return f"{bloc.feuille}, « {champ.libelle} » (libellé à rétablir dans « {bloc.titre} »)"
        for n in range(len(chemin) - 1, 0, -1):  # an object or list: its first cell, or its table
            ref = self.lecture.cellules.get(chemin[:n])
            if ref:
                return f"{ref} ({chemin_json})"
        bloc = next((b for b in disposition() if b.chemin and chemin[:len(b.chemin)] == b.chemin), None)
        if bloc is None:
            bloc = next((b for b in disposition() if b.chemin and b.chemin[:len(chemin)] == chemin), None)
        return f"{bloc.feuille if bloc else 'Porteur'}, « {bloc.titre if bloc else chemin_json} »"

    def texte(self, texte: str) -> str:
        """``… (champ : note.contexte)`` -> ``… (cellule : Textes!B12 « Contexte »)``."""
        return _CHAMP_JSON.sub(lambda m: f"(cellule : {self.cellule(m.group(1).strip())})", texte)

    def a_completer(self, manques: list) -> list:
        return [dataclasses.replace(m, chemin=self.cellule(m.chemin)) for m in manques]


def reperes(chemin: str | Path) -> Reperes:
    return Reperes(lire_classeur(Path(chemin)))
