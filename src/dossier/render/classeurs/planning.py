"""The planning workbook: Gantt sheets « Projet », « Déploiement », « Conduite du changement ».

- the Gantt band is drawn by **conditional formatting** on the start/end cells
  (``$B<fin du mois`` and ``$C>=début du mois``): editing a date in the workbook moves the bar;
- the CNSA milestones are looked for in ``planning.jalons`` by keywords (``dossier.calendrier``); missing
  ones are a finding for the author (``check`` alerte, ``render`` item to settle), never text in the sheet
  and never given invented dates;
- the project's period is ``dossier.calendrier.dates_projet``, the same in every piece.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...dates_projet import JALONS_CNSA, JalonCnsa, dates_projet, jalons_cnsa_absents  # noqa: F401 (re-exported)
from ...model import Jalon, Projet
from ...profiles import ETIQUETTES_ENTETE
from ...rules import Financement
from ..contextes.commun import MARQUEUR
from .commun import (
    DATE, FR, en_tetes, entete, ecrire, formule, largeur_texte, largeurs, ligne_styles, note, reference_feuille)
from .impression import mise_en_page


_BARRES = {
    "projet": PatternFill("solid", fgColor="2E75B6", bgColor="2E75B6"),
    "deploiement": PatternFill("solid", fgColor="548235", bgColor="548235"),
    "conduite_changement": PatternFill("solid", fgColor="C55A11", bgColor="C55A11"),
}

# --------------------------------------------------------------------------- planning

_PHASES = {
    "projet": ("Projet", "Planning du projet"),
    "deploiement": ("Déploiement", "Planning du déploiement du DUI"),
    "conduite_changement": ("Conduite du changement", "Planning de la conduite du changement"),
}
PHASES = tuple(_PHASES)
FEUILLES_PLANNING = tuple(nom for nom, _ in _PHASES.values())
_COLONNES_PLANNING = ("Tâche / jalon", "Début", "Fin", "Durée", "Responsable")
_PREMIER_MOIS = len(_COLONNES_PLANNING) + 1


@dataclass(frozen=True)
class _Tache:
    libelle: str
    debut: dt.date | None
    fin: dt.date | None
    responsable: str = ""
    genre: str = "tache"  # "tache", "synthese", "detail" (folded under a synthesis) or "groupe" (no dates)
    renvoi: tuple[str, int, int] | None = None  # synthesis over rows of another sheet: (sheet, first, last)


def _mois(debut: dt.date, fin: dt.date) -> list[dt.date]:
    mois, courant = [], debut.replace(day=1)
    while courant <= fin:
        mois.append(courant)
        courant = (courant + dt.timedelta(days=32)).replace(day=1)
    return mois


def _periode_projet(projet: Projet) -> tuple[dt.date, dt.date] | None:
    return dates_projet(projet).periode


def _jalons(projet: Projet, phase: str) -> list[Jalon]:
    jalons = projet.planning.jalons or [] if projet.planning else []
    return sorted((j for j in jalons if j.phase == phase), key=lambda j: (j.debut, j.fin))


def _taches_projet(projet: Projet, details: dict[str, list[_Tache]],
                   lignes_details: dict[str, tuple[int, int]]) -> list[_Tache]:
    """Project jalons, then one synthesis row per other phase that has dates: a MIN/MAX formula over
    that phase's sheet (``lignes_details``: first and last task rows) or, when the workbook has no
    such sheet, over its task rows folded under the synthesis row."""
    taches = [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "projet")]
    for phase in ("deploiement", "conduite_changement"):
        if not any(d.debut and d.fin for d in details[phase]):
            continue
        nom = _PHASES[phase][0]
        if phase in lignes_details:
            taches.append(_Tache(f"Synthèse : {nom.lower()} (détail dans la feuille « {nom} »)", None, None,
                                 genre="synthese", renvoi=(nom, *lignes_details[phase])))
        else:
            taches.append(_Tache(f"Synthèse : {nom.lower()} (détail dans son planning, lignes repliées ci-dessous)",
                                 None, None, genre="synthese"))
            taches += [replace(d, genre="detail" if d.genre == "tache" else d.genre) for d in details[phase]]
    return taches


def _taches_deploiement(projet: Projet) -> list[_Tache]:
    taches = [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "deploiement")]
    vagues = {v.numero: v for v in (projet.planning.vagues or [])} if projet.planning else {}
    noms_og = {og.id: og.raison_sociale for og in projet.organismes}
    taches.append(_Tache("Déploiement par ESSMS", None, None, "", "groupe"))
    rangs = sorted(range(len(projet.essms)), key=lambda i: (projet.essms[i].vague is None, projet.essms[i].vague or 0, i))
    for i in rangs:
        e = projet.essms[i]
        vague = vagues.get(e.vague) if e.vague is not None else None
        precision = f"vague {e.vague}" if e.vague is not None else "vague non renseignée"
        if e.vague is not None and vague is None:
            precision += ", dates non renseignées"
        libelle = f"{e.nom} ({e.finess_et}) — {precision}"
        taches.append(_Tache(libelle, vague.debut if vague else None, vague.fin if vague else None,
                             noms_og.get(e.organisme, e.organisme)))
    return taches


def _taches_conduite(projet: Projet) -> list[_Tache]:
    return [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "conduite_changement")]


def phases_sans_jalon(projet: Projet) -> dict[str, str]:
    """What to complete, by phase, for the planning sheets without jalons of their own (project or
    change management); the sheet shows it as a marker and ``render`` lists it."""
    return {phase: f"jalons de la phase « {_PHASES[phase][0]} » du planning (libellé, début, fin, responsable)"
            for phase in ("projet", "conduite_changement") if not _jalons(projet, phase)}


PERIODE_MANQUANTE = "dates du planning (début du projet, jalons datés)"


def marqueurs_planning(projet: Projet, phases: Iterable[str] = PHASES) -> list[str]:
    """What the ``[À COMPLÉTER : …]`` markers of the planning sheets of ``phases`` ask for (``render`` lists them)."""
    manquants = phases_sans_jalon(projet)
    marqueurs = [] if _periode_projet(projet) else [PERIODE_MANQUANTE]
    return marqueurs + [manquants[p] for p in phases if p in manquants]


def construire_planning(wb: Workbook, projet: Projet, fin: Financement, phases: Sequence[str] = PHASES) -> None:
    """The Gantt sheets of ``phases`` (all three by default; one for a workbook per deposit slot)."""
    periode = _periode_projet(projet)
    mois = _mois(*periode) if periode else []
    manquants = phases_sans_jalon(projet)
    details = {"deploiement": _taches_deploiement(projet), "conduite_changement": _taches_conduite(projet)}
    lignes_details: dict[str, tuple[int, int]] = {}
    for phase in (p for p in PHASES if p in phases and p != "projet"):
        taches = details[phase]
        if phase in manquants:
            taches = [_Tache(MARQUEUR.format(manquants[phase]), None, None)] + taches
        nom, titre = _PHASES[phase]
        lignes_details[phase] = _feuille_planning(wb.create_sheet(nom), titre, projet, taches, mois, phase, periode, [])
    if "projet" in phases:
        taches = _taches_projet(projet, details, lignes_details)
        if "projet" in manquants:
            taches.insert(0, _Tache(MARQUEUR.format(manquants["projet"]), None, None))
        nom, titre = _PHASES["projet"]
        _feuille_planning(wb.create_sheet(nom, 0), titre, projet, taches, mois, "projet", periode,
                          _note_jalons_cnsa(projet))


def _note_jalons_cnsa(projet: Projet) -> list[str]:
    """The CNSA milestones, when the planning shows them all; a missing one is the author's to settle
    (``calendrier.constat_jalons_cnsa``), never a line of the piece."""
    if jalons_cnsa_absents(projet.planning.jalons or [] if projet.planning else []):
        return []
    return [ (f"Jalons CNSA : les {len(JALONS_CNSA)} jalons attendus figurent au planning ("
            + ", ".join(j.libelle for j in JALONS_CNSA) + ").")]


def _feuille_planning(ws: Worksheet, titre: str, projet: Projet, taches: list[_Tache], mois: list[dt.date],
                      phase: str, periode: tuple[dt.date, dt.date] | None, notes: list[str]) -> tuple[int, int]:
    """One Gantt sheet; returns its first and last task rows."""
    ligne = entete(ws, titre, projet)
    dates = dates_projet(projet)
    ecrire(ws, ligne, 1, ETIQUETTES_ENTETE[3], "etiquette")
    if periode:  # « du 01/09/2023 » « au 30/06/2025 »: dates kept as dates, the words in their format
        ecrire(ws, ligne, 2, periode[0], "valeur-date").number_format = f'{FR}"du "{DATE.removeprefix(FR)}'
        ecrire(ws, ligne, 3, periode[1], "valeur-date").number_format = f'{FR}"au "{DATE.removeprefix(FR)}'
    else:
        ecrire(ws, ligne, 2, MARQUEUR.format(PERIODE_MANQUANTE), "valeur")
        ws.merge_cells(start_row=ligne, start_column=2, end_row=ligne, end_column=len(_COLONNES_PLANNING))
    if dates.fin_deploiement:
        ligne += 1
        ecrire(ws, ligne, 1, ETIQUETTES_ENTETE[4], "etiquette")
        ecrire(ws, ligne, 2, dates.fin_deploiement, "valeur-date")
    ligne_entete = ligne + 2
    en_tetes(ws, ligne_entete, _COLONNES_PLANNING)
    for i, debut_mois in enumerate(mois):
        ecrire(ws, ligne_entete, _PREMIER_MOIS + i, debut_mois, "entete-mois")
    ws.row_dimensions[ligne_entete].height = 42
    premiere = ligne_entete + 1
    derniere = premiere + len(taches) - 1
    derniere_colonne = _PREMIER_MOIS + len(mois) - 1
    quadrillage = len(taches) <= LIGNES_QUADRILLEES
    if not quadrillage:
        notes = notes + [f"Au-delà de {LIGNES_QUADRILLEES:,} lignes, le quadrillage des mois n'est pas tracé (les barres "
                         "le sont) : le classeur reste rapide à ouvrir.".replace(",", "\u202f")]
    for r, tache in enumerate(taches, start=premiere):
        if tache.genre == "groupe":
            ecrire(ws, r, 1, tache.libelle, "groupe")
            ligne_styles(ws, r, 2, max(derniere_colonne, len(_COLONNES_PLANNING)), "groupe")
        elif tache.genre == "synthese":
            _ligne_synthese(ws, r, tache, _lignes_repliees(taches, r - premiere))
        else:
            _ligne_tache(ws, r, tache)
        if quadrillage and tache.genre not in ("groupe", "detail"):  # folded detail rows: bars only
            ligne_styles(ws, r, _PREMIER_MOIS, derniere_colonne, "gantt")
        if tache.genre == "detail" or (tache.genre == "groupe" and r > premiere
                                       and taches[r - premiere - 1].genre in ("synthese", "detail")):
            ws.row_dimensions[r].outlineLevel = 1
            ws.row_dimensions[r].hidden = True
    ws.sheet_properties.outlinePr.summaryBelow = False
    if mois:
        premier = get_column_letter(_PREMIER_MOIS)
        plage = f"{premier}{premiere}:{get_column_letter(derniere_colonne)}{derniere}"
        condition = (f'AND(ISNUMBER($B{premiere}),ISNUMBER($C{premiere}),'
                     f'$B{premiere}<DATE(YEAR({premier}${ligne_entete}),MONTH({premier}${ligne_entete})+1,1),'
                     f'$C{premiere}>={premier}${ligne_entete})')
        ws.conditional_formatting.add(plage, FormulaRule(formula=[condition], fill=_BARRES[phase], stopIfTrue=False))
    ligne_note = derniere + 2
    for texte_note in notes + ["Barres du diagramme : mises en forme conditionnelles calculées sur les dates de début et "
                               "de fin (modifier une date déplace la barre). Durée en jours calendaires."]:
        note(ws, ligne_note, texte_note, len(_COLONNES_PLANNING))
        ligne_note += 1
    largeurs(ws, {
        1: largeur_texte([t.libelle for t in taches] + [_COLONNES_PLANNING[0]], 28, 58),
        2: 13.5, 3: 13.5, 4: 8,
        5: largeur_texte([t.responsable for t in taches] + [_COLONNES_PLANNING[4]], 14, 30),
    })
    for i in range(len(mois)):
        ws.column_dimensions[get_column_letter(_PREMIER_MOIS + i)].width = 3.6
    mise_en_page(ws, ligne_entete, premiere, len(_COLONNES_PLANNING), 2)
    return premiere, derniere


#: Rows of a Gantt sheet up to which each month cell is drawn with its grid (27 cells a row: beyond a
#: few thousand ESSMS, the grid alone made most of the cells of the dossier).
LIGNES_QUADRILLEES = 2000


def _lignes_repliees(taches: list[_Tache], rang: int) -> int:
    """How many rows after the synthesis at ``rang`` are folded under it."""
    n = 0
    while rang + n + 1 < len(taches) and taches[rang + n + 1].genre in ("detail", "groupe"):
        n += 1
    return n


def _ligne_tache(ws: Worksheet, r: int, tache: _Tache) -> None:
    ecrire(ws, r, 1, tache.libelle, "texte")
    if tache.debut and tache.fin:
        ecrire(ws, r, 2, tache.debut, "date")
        ecrire(ws, r, 3, tache.fin, "date")
        formule(ws, r, 4, f"=C{r}-B{r}+1", "jours")
    else:
        ligne_styles(ws, r, 2, 4, "vide")
    ecrire(ws, r, 5, tache.responsable, "texte")


def _ligne_synthese(ws: Worksheet, r: int, tache: _Tache, repliees: int) -> None:
    """A synthesis row: earliest start and latest end of the detail rows (another sheet's or folded ones)."""
    if tache.renvoi:
        feuille, premiere, derniere = tache.renvoi
        prefixe = reference_feuille(feuille) + "!"
    else:
        prefixe, premiere, derniere = "", r + 1, r + repliees
    ecrire(ws, r, 1, tache.libelle, "synthese")
    formule(ws, r, 2, f"=MIN({prefixe}B{premiere}:B{derniere})", "synthese-date")
    formule(ws, r, 3, f"=MAX({prefixe}C{premiere}:C{derniere})", "synthese-date")
    formule(ws, r, 4, f"=C{r}-B{r}+1", "synthese-jours")
    ecrire(ws, r, 5, "", "synthese")
