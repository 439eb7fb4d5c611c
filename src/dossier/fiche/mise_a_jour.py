"""Writing changes back into the porteur's own workbook (``essms import --ecrire``, ``finess completer
--ecrire``, ``finess chercher --ajouter`` on a fiche).

The workbook is never rebuilt from the data: only the cells whose value changed are written, and new
list items (ESSMS) go to the empty rows under their table, in the porteur's columns, with the style of
the row above. Sheets the porteur added, comments, formatting and validations are kept. What openpyxl
cannot keep (images, charts, shapes, macros, pivot tables) or a change with no cell to go to (a column
the porteur removed, no free row under a table) is refused, saying what would be lost or what is missing.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import Any, Iterator

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from ..affichage import nom_affichable
from ..errors import DossierError
from ..fichiers import fichier_temporaire
from ..lecture import TAILLE_MAX_TABLEAU, lire_octets
from .disposition import disposition
from .lecture import Lecture, lire_classeur
from .reperes import champ_du_chemin
from .valeurs import cellule as convertir

#: Parts of an xlsx that openpyxl drops on saving, with what the porteur would lose.
_PERDUS = (("xl/media/", "images"), ("xl/charts/", "graphiques"), ("xl/drawings/drawing", "formes ou images"),
           ("xl/vbaProject", "macros"), ("xl/pivotTables/", "tableaux croisés dynamiques"),
           ("xl/slicers/", "segments"), ("xl/embeddings/", "objets incorporés"))


def _pertes(contenu: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        noms = archive.namelist()
    return sorted({quoi for prefixe, quoi in _PERDUS if any(n.startswith(prefixe) for n in noms)})


def _differences(avant: Any, apres: Any, chemin: tuple = ()) -> Iterator[tuple[tuple, Any, bool]]:
    """(path, new value, new list item) of what changed from ``avant`` to ``apres``."""
    if isinstance(avant, dict) and isinstance(apres, dict):
        for cle in dict.fromkeys([*avant, *apres]):
            if cle not in apres:
                yield chemin + (cle,), None, False
            else:
                yield from _differences(avant.get(cle), apres[cle], chemin + (cle,))
    elif (isinstance(avant, list) and isinstance(apres, list) and all(isinstance(x, dict) for x in avant + apres)
          and (avant or apres)):
        for i, element in enumerate(apres):
            if i < len(avant):
                yield from _differences(avant[i], element, chemin + (i,))
            else:
                yield chemin + (i,), element, True
        for i in range(len(apres), len(avant)):
            yield chemin + (i,), None, True
    elif avant is None and isinstance(apres, dict):
        yield from _differences({}, apres, chemin)
    elif avant != apres:
        yield chemin, apres, False


def _feuilles(ref: str) -> tuple[str, str]:
    feuille, _, coordonnee = ref.rpartition("!")
    return feuille, coordonnee


def _ecritures(lecture: Lecture, apres: dict) -> tuple[list[tuple[str, str, Any]], list[str]]:
    """Cells to write (sheet, coordinate, value) and what cannot be written (French reasons)."""
    ecritures, impossibles = [], []
    for chemin, valeur, nouvel_element in _differences(lecture.donnees, apres):
        nom = ".".join(str(p) for p in chemin)
        if nouvel_element:
            if valeur is None:
                impossibles.append(f"{nom} : suppression d'une ligne (à faire dans la fiche)")
                continue
            ecritures += _nouvelle_ligne(lecture, chemin, valeur, impossibles)
            continue
        trouve = champ_du_chemin(chemin)
        ref = lecture.cellules.get(chemin)
        if trouve is None or ref is None or "!" not in ref or not ref.split("!")[1][:1].isalpha():
            impossibles.append(f"{nom} : aucune cellule de la fiche pour cette valeur (colonne ou libellé absent)")
            continue
        if trouve[1].genre == "textes":
            impossibles.append(f"{nom} : liste de textes (à modifier dans la fiche)")
            continue
        feuille, coordonnee = _feuilles(ref)
        ecritures.append((feuille, coordonnee, convertir(trouve[1], valeur)))
    return ecritures, impossibles


def _nouvelle_ligne(lecture: Lecture, chemin: tuple, element: dict, impossibles: list[str]) -> list:
    liste, index = chemin[:-1], chemin[-1]
    tableau = lecture.tableaux.get(liste)
    bloc = next((b for b in disposition() if b.chemin == liste and b.tableau and b.parent is None), None)
    if tableau is None or bloc is None:
        impossibles.append(f"{'.'.join(map(str, chemin))} : tableau « {liste[-1]} » introuvable dans la fiche")
        return []
    deja = sum(1 for c in lecture.cellules if len(c) == len(liste) + 1 and c[:-1] == liste and isinstance(c[-1], int))
    ligne = tableau.derniere + 1 + (index - deja)
    if tableau.limite is not None and ligne > tableau.limite:
        impossibles.append(f"{tableau.feuille} : plus de ligne libre sous le tableau « {bloc.titre} » "
                           f"(ligne {ligne}) : y insérer des lignes vides")
        return []
    ecritures = []
    for sous_chemin, valeur, _ in _differences({}, element):
        champ = next((c for c in bloc.champs if c.chemin == sous_chemin), None)
        colonne = tableau.colonnes.get(sous_chemin)
        if champ is None or colonne is None:
            libelle = champ.libelle if champ else ".".join(map(str, sous_chemin))
            impossibles.append(f"{tableau.feuille} : colonne « {libelle} » absente (valeur de la ligne {ligne})")
            continue
        ecritures.append((tableau.feuille, f"{get_column_letter(colonne)}{ligne}", convertir(champ, valeur)))
    return ecritures


def mettre_a_jour(chemin: Path, apres: dict) -> int:
    """Write into the workbook at ``chemin`` the cells where ``apres`` differs from what it holds;
    returns the number of cells written. Refuses (DossierError, nothing written) what it cannot keep."""
    lecture = lire_classeur(chemin)
    ecritures, impossibles = _ecritures(lecture, apres)
    contenu = lire_octets(chemin, TAILLE_MAX_TABLEAU)
    pertes = _pertes(contenu)
    if pertes:
        impossibles.insert(0, f"la fiche contient des {', '.join(pertes)} que l'écriture ferait perdre")
    if impossibles:
        raise DossierError(f"fiche {nom_affichable(chemin)} non modifiée : " + " ; ".join(impossibles)
                           + " — écrire plutôt dans un fichier projet JSON (dossier fiche import)")
    if not ecritures:
        return 0
    wb = load_workbook(io.BytesIO(contenu), keep_vba=False, rich_text=True)
    for feuille, coordonnee, valeur in ecritures:
        ws = wb[feuille]
        cellule = ws[coordonnee]
        colonne, ligne = coordinate_from_string(coordonnee)
        if cellule.value is None and ligne > 1 and not cellule.has_style:
            cellule._style = copy.copy(ws[f"{colonne}{ligne - 1}"]._style)
        cellule.value = valeur
    with fichier_temporaire(chemin) as tmp:
        wb.save(tmp)
    return len(ecritures)
