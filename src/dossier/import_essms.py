"""Import of a porteur's own list of ESSMS (xlsx or csv) into a project: match, compare, merge."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import identifiers as ids
from .errors import DossierError, Probleme
from .fiche.disposition import disposition
from .fiche.lecture import Correspondance
from .fiche.valeurs import lire, vide
from .lecture import flux_csv, lignes_feuille, ouvrir_classeur

LIGNES_ENTETE_CHERCHEES = 20
#: Rows of an ESSMS list: an OG manages at most a few thousand ESSMS (the largest, a few hundred sites).
ESSMS_MAX = 20_000


@dataclass
class Import:
    """What the list would do to the project: rows to add, to change, to leave; problems; repairs."""

    ajouts: list[dict] = field(default_factory=list)
    changements: list[tuple[dict, dict]] = field(default_factory=list)  # (ESSMS of the project, new values)
    inchanges: list[dict] = field(default_factory=list)
    problemes: list[Probleme] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def lignes_liste(chemin: Path) -> Iterator[tuple]:
    """Rows of the list (first sheet of a workbook, or a csv with ; or , in UTF-8 or Windows-1252),
    streamed and bounded: at most ``ESSMS_MAX`` rows and ``COLONNES_MAX`` columns (refused beyond)."""
    if chemin.suffix.lower() in (".xlsx", ".xlsm"):
        wb = ouvrir_classeur(chemin, "liste d'ESSMS")
        try:
            yield from lignes_feuille(wb.worksheets[0], f"liste d'ESSMS {chemin.name}", ESSMS_MAX + LIGNES_ENTETE_CHERCHEES)
        finally:
            wb.close()
        return
    for ligne in flux_csv(chemin, "liste d'ESSMS", ESSMS_MAX + LIGNES_ENTETE_CHERCHEES):
        yield tuple(ligne)


def _bloc_essms():
    return next(b for b in disposition() if b.chemin == ("essms",))


def lire_liste(lignes: Iterable[tuple], nom: str) -> tuple[list[tuple[int, dict]], list[Probleme], list[str]]:
    """ESSMS of the list's rows (with their line number), problems and repair notes (one pass)."""
    lignes = iter(lignes)
    correspondance = Correspondance(_bloc_essms().champs)
    debut = [ligne for _, ligne in zip(range(LIGNES_ENTETE_CHERCHEES), lignes)]
    champs_lus = [[correspondance.champ(v) if not vide(v) else None for v in ligne] for ligne in debut]
    candidates = [(sum(c is not None for c in champs), n) for n, champs in enumerate(champs_lus)]
    score, entete = max(candidates, default=(0, 0), key=lambda c: (c[0], -c[1]))
    if score == 0 or not any(c is not None and c.nom == "finess_et" for c in champs_lus[entete]):
        raise DossierError(f"{nom} : aucune colonne de numéro FINESS ET reconnue (ex. « N° FINESS géographique »)")
    colonnes = {}
    for i, champ in enumerate(champs_lus[entete]):
        if champ is not None and champ not in colonnes.values():
            colonnes[i] = champ
    essms, problemes, notes = [], [], []
    suite = itertools.chain(debut[entete + 1:], lignes)
    for n, ligne in enumerate(suite, start=entete + 2):
        if n > ESSMS_MAX + entete + 1:
            raise DossierError(f"{nom} : plus de {str(ESSMS_MAX)[:-3]}\u202f{str(ESSMS_MAX)[-3:]} ESSMS (limite) : répartir la liste")
        if all(vide(v) for v in ligne):
            continue
        en_erreur = False
        element: dict[str, Any] = {}
        for i, champ in colonnes.items():
            brut = ligne[i] if i < len(ligne) else None
            if vide(brut):
                continue
            try:
                valeur, note = lire(champ, brut)
            except ValueError as e:
                problemes.append(Probleme(f"{nom} ligne {n} ({champ.nom})", str(e)))
                en_erreur = True
                continue
            if note:
                notes.append(f"{nom} ligne {n} ({champ.nom}) : {note}")
            element[champ.nom] = valeur
        if "finess_et" not in element:
            if not en_erreur:
                problemes.append(Probleme(f"{nom} ligne {n}", "numéro FINESS ET absent"))
            continue
        essms.append((n, element))
    return essms, problemes, notes


def fusionner(donnees: dict, essms: list[tuple[int, dict]], nom: str, organisme: str | None) -> Import:
    """Attach each ESSMS to the OG of its FINESS EJ (else ``organisme``) and compare it with the project."""
    resultat = Import()
    ogs = [og for og in donnees.get("organismes") or [] if isinstance(og, dict)]
    par_ej = {ids.normaliser_finess(og["finess_ej"]): og["id"] for og in ogs
              if isinstance(og.get("finess_ej"), str) and isinstance(og.get("id"), str)}
    if organisme is not None and organisme not in {og.get("id") for og in ogs}:
        raise DossierError(f"organisme « {organisme} » absent du projet ; organismes : {', '.join(str(og.get('id')) for og in ogs) or 'aucun'}")
    existants = {ids.normaliser_finess(e["finess_et"]): e for e in donnees.get("essms") or []
                 if isinstance(e, dict) and isinstance(e.get("finess_et"), str)}
    for n, element in essms:
        og = par_ej.get(element.get("finess_ej", "")) or element.get("organisme") or organisme
        if og is None:
            resultat.problemes.append(Probleme(
                f"{nom} ligne {n}",
                f"l'ESSMS {element['finess_et']} ne se rattache à aucun organisme du projet "
                f"(FINESS EJ « {element.get('finess_ej', 'absent')} » inconnu) : préciser --organisme"))
            continue
        element["organisme"] = og
        actuel = existants.get(element["finess_et"])
        if actuel is None:
            resultat.ajouts.append(element)
        elif all(actuel.get(k) == v for k, v in element.items()):
            resultat.inchanges.append(actuel)
        else:
            resultat.changements.append((actuel, element))
    return resultat


def appliquer(donnees: dict, resultat: Import) -> None:
    """Merge the import into the project data (in place)."""
    for actuel, nouveau in resultat.changements:
        actuel.update(nouveau)
    donnees.setdefault("essms", []).extend(resultat.ajouts)
