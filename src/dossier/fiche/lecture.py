"""Reading the project workbook back into project data, every problem located by sheet and cell.

Blocks are found by their title in column A, columns and form rows by their header (normalised,
synonyms, small typos), so moved rows and reordered or renamed columns still read. Model errors
(``essms[3].finess_et``) are mapped back to the cell the value came from.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import Probleme, ProjetInvalide
from ..lecture import lignes_feuille, ouvrir_classeur
from ..model import Projet, valider
from .disposition import Bloc, Champ, disposition, normaliser
from .valeurs import lire, vide

#: Other headers people use for a field (last part of its path), e.g. in their own ESSMS lists.
SYNONYMES: dict[str, tuple[str, ...]] = {
    "finess_et": ("N° FINESS géographique", "FINESS géographique", "FINESS ET", "N° FINESS ET",
                  "N° FINESS établissement", "FINESS établissement", "FINESS"),
    "finess_ej": ("FINESS juridique", "N° FINESS juridique", "N° FINESS EJ", "FINESS EJ", "FINESS de l'OG"),
    "nom": ("Nom de l'établissement", "Raison sociale", "Établissement", "Nom de la structure", "Dénomination"),
    "categorie": ("Catégorie", "Code catégorie", "Catégorie FINESS", "Catégorie d'établissement"),
    "commune": ("Ville", "Commune d'implantation"),
    "places": ("Capacité", "Nombre de places", "Capacité autorisée"),
    "organisme": ("OG", "Organisme gestionnaire", "Id organisme"),
    "siret": ("N° SIRET",),
}
SEUIL_RESSEMBLANCE = 0.85
COLONNES_EN_PLUS = 20  # columns read past a sheet's widest table (a porteur's own columns are noted, not read)
LONGUEUR_MAX_LIBELLE = 300  # characters of a header or form label (the fiche's longest is under 100)


@dataclass
class Lecture:
    """What a workbook gave: project data, where each value came from, problems and repair notes."""

    donnees: dict = field(default_factory=dict)
    cellules: dict[tuple, str] = field(default_factory=dict)  # path -> "Feuille!B5"
    problemes: list[Probleme] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chemins_en_erreur: set[tuple] = field(default_factory=set)
    tableaux: dict[tuple, "Tableau"] = field(default_factory=dict)  # top-level tables, to write rows back

    def probleme(self, ref: str, champ: str, message: str, chemin: tuple | None = None) -> None:
        self.problemes.append(Probleme(f"{ref} ({champ})" if champ else ref, message))
        if chemin is not None:
            self.chemins_en_erreur.add(chemin)


@dataclass
class Tableau:
    """Where a table was read: sheet, header row, column of each field, last row with data, and the
    last row it may grow into (None: nothing below it on the sheet)."""

    feuille: str
    entete: int
    colonnes: dict[tuple, int]
    derniere: int
    limite: int | None


def _poser(donnees: dict, chemin: tuple, valeur: Any) -> None:
    for cle in chemin[:-1]:
        donnees = donnees.setdefault(cle, {})
    donnees[chemin[-1]] = valeur


def _cles(champ: Champ) -> set[str]:
    return {normaliser(champ.libelle), normaliser(champ.nom), normaliser(champ.nom.replace(".", "_"))}


class Correspondance:
    """Finds the field of a header or a form label."""

    def __init__(self, champs: list[Champ]):
        self.champs = champs
        self.exacts = {cle: c for c in champs for cle in _cles(c)}
        self.synonymes = {normaliser(s): c for c in champs if len(c.chemin) == 1
                          for s in SYNONYMES.get(c.chemin[-1], ())}

    def champ(self, entete: Any) -> Champ | None:
        texte = str(entete)
        if len(texte) > LONGUEUR_MAX_LIBELLE:  # no header is that long: not compared (difflib is quadratic)
            return None
        cle = normaliser(texte.replace("*", ""))
        if not cle:
            return None
        trouve = self.exacts.get(cle) or self.synonymes.get(cle)
        if trouve is None:
            proches = difflib.get_close_matches(cle, list(self.exacts), n=1, cutoff=SEUIL_RESSEMBLANCE)
            trouve = self.exacts[proches[0]] if proches else None
        return trouve


def _vide_ligne(valeurs: tuple) -> bool:
    return all(vide(v) for v in valeurs)


def _ref(ws: Worksheet, ligne: int, colonne: int) -> str:
    return f"{ws.title}!{get_column_letter(colonne)}{ligne}"


def _feuille(wb, nom: str) -> Worksheet | None:
    return next((wb[n] for n in wb.sheetnames if normaliser(n) == normaliser(nom)), None)


def _etendues(ws: Worksheet, blocs: list[Bloc], lignes: list[tuple]) -> dict[int, tuple[int, int]]:
    """Rows (first, last) of each block of the sheet, found by its title in column A."""
    titres = {normaliser(b.titre): i for i, b in enumerate(blocs)}
    debuts = []
    for numero, valeurs in enumerate(lignes, start=1):
        if valeurs and normaliser(valeurs[0] or "") in titres and _vide_ligne(valeurs[1:]):
            debuts.append((numero, titres[normaliser(valeurs[0])]))
    if not debuts and len(blocs) == 1:
        debuts = [(0, 0)]
    etendues = {}
    for k, (debut, i) in enumerate(debuts):
        fin = debuts[k + 1][0] - 1 if k + 1 < len(debuts) else len(lignes)
        etendues.setdefault(i, (debut + 1, fin))
    return etendues


def _lire_cellule(lecture: Lecture, ref: str, champ: Champ, brut: Any, chemin: tuple) -> Any:
    try:
        valeur, note = lire(champ, brut)
    except ValueError as e:
        lecture.probleme(ref, champ.nom, str(e), chemin)
        return None
    if note:
        lecture.notes.append(f"{ref} ({champ.nom}) : {note}")
    return valeur


def _formulaire(lecture: Lecture, ws: Worksheet, bloc: Bloc, lignes: list[tuple], debut: int, fin: int) -> None:
    correspondance = Correspondance(bloc.champs)
    courant: Champ | None = None
    for numero in range(debut, fin + 1):
        valeurs = lignes[numero - 1] + (None, None)
        etiquette, brut = valeurs[0], valeurs[1]
        if not vide(etiquette):
            courant = correspondance.champ(etiquette)
            if courant is None:
                if not vide(brut):
                    lecture.probleme(_ref(ws, numero, 1), "", f"libellé inconnu « {str(etiquette).strip()} » : valeur non lue")
                continue
            lecture.cellules.setdefault(bloc.chemin + courant.chemin, _ref(ws, numero, 2))
        if vide(brut):
            continue
        ref = _ref(ws, numero, 2)
        if courant is None:
            lecture.probleme(ref, "", "valeur sans libellé en colonne A : non lue")
            continue
        chemin = bloc.chemin + courant.chemin
        if courant.genre == "textes":
            liste = _valeur_ou_liste(lecture.donnees, chemin)
            lecture.cellules[chemin + (len(liste),)] = ref
            liste.append(brut if isinstance(brut, str) else str(brut))
        elif etiquette is None or vide(etiquette):
            lecture.probleme(ref, courant.nom, "une seule valeur attendue (ligne de continuation)")
        else:
            valeur = _lire_cellule(lecture, ref, courant, brut, chemin)
            if valeur is not None:
                _poser(lecture.donnees, chemin, valeur)


def _valeur_ou_liste(donnees: dict, chemin: tuple) -> list:
    for cle in chemin[:-1]:
        donnees = donnees.setdefault(cle, {})
    return donnees.setdefault(chemin[-1], [])


def _entetes(lecture: Lecture, ws: Worksheet, bloc: Bloc, lignes: list[tuple], debut: int, fin: int) -> tuple[int, dict[int, Champ]]:
    """Row of the table's headers and the field of each column (unknown headers are noted)."""
    correspondance = Correspondance(bloc.champs)
    candidates = [n for n in range(debut, fin + 1) if not _vide_ligne(lignes[n - 1])]
    if not candidates:
        return fin, {}
    # The header row is the first non-empty one, or (no title found) the one that matches best.
    ligne = candidates[0] if debut > 1 else max(candidates[:30], key=lambda n: sum(
        correspondance.champ(v) is not None for v in lignes[n - 1] if not vide(v)))
    colonnes: dict[int, Champ] = {}
    for colonne, entete in enumerate(lignes[ligne - 1], start=1):
        if vide(entete):
            continue
        champ = correspondance.champ(entete)
        if champ is None:
            lecture.notes.append(f"{_ref(ws, ligne, colonne)} : colonne « {str(entete).strip()} » inconnue, ignorée")
        elif champ in colonnes.values():
            lecture.probleme(_ref(ws, ligne, colonne), champ.nom, f"colonne « {champ.libelle} » en double")
        else:
            colonnes[colonne] = champ
    return ligne, colonnes


def _tableau(lecture: Lecture, ws: Worksheet, bloc: Bloc, lignes: list[tuple], debut: int, fin: int,
             parents: dict[tuple, dict[str, int]]) -> None:
    entete, colonnes = _entetes(lecture, ws, bloc, lignes, debut, fin)
    lecture.cellules.setdefault(bloc.chemin, _ref(ws, entete + 1, 1))
    derniere = entete
    for numero in range(entete + 1, fin + 1):
        valeurs = lignes[numero - 1]
        if _vide_ligne(valeurs):
            continue
        derniere = numero
        element: dict = {}
        origine: dict[tuple, str] = {}
        for colonne, champ in colonnes.items():
            ref = _ref(ws, numero, colonne)
            origine[champ.chemin] = ref
            brut = valeurs[colonne - 1] if colonne <= len(valeurs) else None
            if vide(brut):
                continue
            valeur = _lire_cellule(lecture, ref, champ, brut, ("@", ws.title, numero) + champ.chemin)
            if valeur is not None:
                _poser(element, champ.chemin, valeur)
        _ranger(lecture, bloc, element, origine, parents, f"{ws.title}!{numero}")
    if bloc.parent is None and not bloc.dictionnaire:
        lecture.tableaux[bloc.chemin] = Tableau(ws.title, entete, {c.chemin: n for n, c in colonnes.items()}, derniere,
                                                None if fin >= len(lignes) else fin)


def _ranger(lecture: Lecture, bloc: Bloc, element: dict, origine: dict[tuple, str],
            parents: dict[tuple, dict[str, int]], ligne: str) -> None:
    """Put a row's item into the project data, remembering the cell of each of its fields."""
    if bloc.dictionnaire:
        if "cle" in element:
            _poser(lecture.donnees, bloc.chemin + (element["cle"],), element.get("valeur", ""))
            lecture.cellules[bloc.chemin + (element["cle"],)] = origine[("valeur",)]
        return
    if bloc.parent is None:
        cible_chemin = bloc.chemin
    else:
        cle = element.pop("@parent", None)
        index = parents.get(bloc.parent, {}).get(normaliser(cle)) if cle is not None else None
        if index is None:
            ref = origine.get(("@parent",), ligne)
            quoi = f"« {cle} » ne désigne aucune ligne de {bloc.parent[-1]}" if cle else "ligne non rattachée"
            lecture.probleme(ref, bloc.champs[0].libelle, quoi)
            return
        cible_chemin = bloc.parent + (index,) + bloc.chemin[len(bloc.parent):]
    liste = _valeur_ou_liste_chemin(lecture.donnees, cible_chemin)
    index = len(liste)
    liste.append(element)
    for chemin, ref in origine.items():
        lecture.cellules[cible_chemin + (index,) + chemin] = ref
    lecture.cellules[cible_chemin + (index,)] = ligne
    if bloc.parent is None:
        cle_parent = next((c for c in ("finess_et", "id") if c in element), None)
        if cle_parent:
            parents.setdefault(bloc.chemin, {})[normaliser(element[cle_parent])] = index


def _valeur_ou_liste_chemin(donnees: Any, chemin: tuple) -> list:
    for k, cle in enumerate(chemin[:-1]):
        suivant = chemin[k + 1]
        if isinstance(donnees, list):
            donnees = donnees[cle]
        else:
            donnees = donnees.setdefault(cle, [] if isinstance(suivant, int) else {})
    return donnees.setdefault(chemin[-1], [])


def lire_classeur(chemin: Path) -> Lecture:
    """Read the workbook into project data (not validated), with cells, problems and notes."""
    wb = ouvrir_classeur(chemin, "fiche projet")
    lecture = Lecture()
    parents: dict[tuple, dict[str, int]] = {}
    par_feuille: dict[str, list[Bloc]] = {}
    for bloc in disposition():
        par_feuille.setdefault(bloc.feuille, []).append(bloc)
    for nom, blocs in par_feuille.items():
        ws = _feuille(wb, nom)
        if ws is None:
            continue
        largeur = max(2, *(len(b.champs) for b in blocs)) + COLONNES_EN_PLUS
        lignes = list(lignes_feuille(ws, f"fiche projet {chemin.name}", colonnes_lues=largeur))
        etendues = _etendues(ws, blocs, lignes)
        for i, bloc in enumerate(blocs):
            if i not in etendues:
                continue
            debut, fin = etendues[i]
            if bloc.tableau:
                _tableau(lecture, ws, bloc, lignes, debut, fin, parents)
            else:
                _formulaire(lecture, ws, bloc, lignes, debut, fin)
    wb.close()
    return lecture


# --------------------------------------------------------------------------- model errors -> cells

_INDEX = re.compile(r"\[(\d+)\]")


def chemin_de(texte: str) -> tuple:
    """``essms[3].materiel.devis`` -> ``("essms", 3, "materiel", "devis")``."""
    parties: list = []
    for morceau in texte.split("."):
        nom = _INDEX.split(morceau)
        parties += [int(p) if i % 2 else p for i, p in enumerate(nom) if p != ""]
    return tuple(parties)


ABSENT = "champ obligatoire absent"


def _nom_relatif(chemin: tuple) -> str:
    """Name of a field within its row or form (``essms[3].referent.nom`` -> ``referent.nom``)."""
    debut = max((i + 1 for i, p in enumerate(chemin) if isinstance(p, int)), default=0)
    if debut == 0:
        debut = max((len(b.chemin) for b in disposition() if not b.tableau and chemin[:len(b.chemin)] == b.chemin
                     and len(b.chemin) < len(chemin)), default=0)
    return ".".join(str(p) for p in chemin[debut:])


def _objet_absent(lecture: Lecture, probleme: Probleme) -> list[Probleme] | None:
    """A whole form left empty: one problem per required cell; a whole table: its first row."""
    chemin = chemin_de(probleme.chemin) if probleme.chemin else None
    if probleme.message != ABSENT or chemin is None:
        return None
    bloc = next((b for b in disposition() if b.chemin == chemin), None)
    if bloc is None:
        return None
    if bloc.tableau:
        ref = lecture.cellules.get(chemin, bloc.feuille)
        return [Probleme(f"{ref} ({probleme.chemin})", f"aucune ligne remplie dans « {bloc.titre} » : au moins une attendue")]
    return [Probleme(f"{lecture.cellules.get(chemin + c.chemin, bloc.feuille)} ({c.nom})", ABSENT)
            for c in bloc.champs if c.obligatoire]


def localiser(lecture: Lecture, probleme: Probleme) -> Probleme:
    """A model problem with its sheet and cell (or the row, or the sheet) in place of its path."""
    chemin = chemin_de(probleme.chemin) if probleme.chemin else ()
    champ = _nom_relatif(chemin)
    for n in range(len(chemin), 0, -1):
        ref = lecture.cellules.get(chemin[:n])
        if ref:
            return Probleme(f"{ref} ({champ or probleme.chemin})", probleme.message)
    feuille = next((b.feuille for b in disposition() if chemin[:len(b.chemin)] == b.chemin and b.chemin), "Porteur")
    return Probleme(f"{feuille} ({probleme.chemin})" if probleme.chemin else feuille, probleme.message)


def valider_lecture(lecture: Lecture, fichier: str) -> Projet:
    """Validate the data read; raise ProjetInvalide with every problem located in the workbook."""
    problemes = list(lecture.problemes)
    try:
        projet = valider(lecture.donnees, fichier)
    except ProjetInvalide as e:
        for p in e.problemes:
            if not _deja_signale(lecture, p):
                problemes += _objet_absent(lecture, p) or [localiser(lecture, p)]
        projet = None
    if problemes or projet is None:
        raise ProjetInvalide(fichier, list(dict.fromkeys(problemes)))
    return projet


def _deja_signale(lecture: Lecture, probleme: Probleme) -> bool:
    """A missing value whose cell was rejected while reading is not reported twice."""
    ref = lecture.cellules.get(chemin_de(probleme.chemin)) if probleme.chemin else None
    return ref is not None and any(p.chemin.startswith(ref + " ") for p in lecture.problemes)


def charger_fiche(chemin: str | Path) -> Projet:
    chemin = Path(chemin)
    return valider_lecture(lire_classeur(chemin), str(chemin))
