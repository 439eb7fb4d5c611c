"""The planning workbook: Gantt sheets « Projet », « Déploiement », « Conduite du changement ».

- the Gantt band is drawn by **conditional formatting** on the start/end cells
  (``$B<fin du mois`` and ``$C>=début du mois``): editing a date in the workbook moves the bar;
- the CNSA milestones are looked for in ``planning.jalons`` by keywords; missing ones are listed in a
  note line of the sheet « Projet », never given invented dates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...model import Jalon, Projet
from ...profiles import ETIQUETTES_ENTETE
from ...rules import Financement
from ..contexte import MARQUEUR
from .commun import en_tetes, entete, ecrire, formule, largeur_texte, largeurs, ligne_styles, mise_en_page, note

FEUILLES_PLANNING = ("Projet", "Déploiement", "Conduite du changement")

@dataclass(frozen=True)
class JalonCnsa:
    cle: str
    libelle: str
    motifs: tuple[str, ...]
    phase: str | None = None  # any jalon of this phase counts


JALONS_CNSA = (
    JalonCnsa("lancement", "lancement du projet", (r"\blancement", r"\bdemarrage", r"\bkick")),
    JalonCnsa("choix", "choix de la solution (mise en concurrence / SAD)",
              (r"\bchoix\b", r"mise en concurrence", r"\bselection", r"\bsad\b", r"appel d.offres", r"\bconsultation")),
    JalonCnsa("contrat", "signature du contrat avec l'éditeur", (r"\bcontrat", r"\bcontractualisation")),
    JalonCnsa("parametrage", "paramétrage", (r"\bparametrage", r"\bconfiguration")),
    JalonCnsa("va", "vérification d'aptitude (VA)", (r"verification d.aptitude", r"\bva\b", r"\brecette")),
    JalonCnsa("formation", "formation", (r"\bformation",)),
    JalonCnsa("deploiement", "déploiement", (r"\bdeploiement", r"\bvagues?\b", r"\bbascule", r"mise en production"),
              phase="deploiement"),
    JalonCnsa("vsr", "vérification de service régulier (VSR)", (r"service regulier", r"\bvsr\b")),
    JalonCnsa("usages", "mesure des usages", (r"\busages?\b", r"\bcibles?\b", r"\bindicateurs?\b")),
    JalonCnsa("fin", "fin du projet", (r"\bfin (du|de) projet", r"\bcloture", r"\bbilan\b")),
)


def _normaliser(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return sans_accents.lower().replace("’", "'")


def jalons_cnsa_absents(jalons: Iterable[Jalon]) -> list[JalonCnsa]:
    """The CNSA milestones that no jalon of the planning covers (matched by keywords)."""
    jalons = list(jalons)
    textes = [_normaliser(j.libelle) for j in jalons]
    absents = []
    for attendu in JALONS_CNSA:
        trouve = any(j.phase == attendu.phase for j in jalons) if attendu.phase else False
        trouve = trouve or any(re.search(m, t) for m in attendu.motifs for t in textes)
        if not trouve:
            absents.append(attendu)
    return absents


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
_COLONNES_PLANNING = ("Tâche / jalon", "Début", "Fin", "Durée", "Responsable")
_PREMIER_MOIS = len(_COLONNES_PLANNING) + 1


@dataclass(frozen=True)
class _Tache:
    libelle: str
    debut: dt.date | None
    fin: dt.date | None
    responsable: str = ""
    genre: str = "tache"  # "tache", "synthese" or "groupe" (section title, no dates)


def _mois(debut: dt.date, fin: dt.date) -> list[dt.date]:
    mois, courant = [], debut.replace(day=1)
    while courant <= fin:
        mois.append(courant)
        courant = (courant + dt.timedelta(days=32)).replace(day=1)
    return mois


def _periode_projet(projet: Projet) -> tuple[dt.date, dt.date] | None:
    pl = projet.planning
    if pl is None:
        return None
    dates = [d for d in (pl.debut, pl.fin_deploiement) if d]
    dates += [d for j in pl.jalons or [] for d in (j.debut, j.fin)]
    dates += [d for v in pl.vagues or [] for d in (v.debut, v.fin)]
    return (min(dates), max(dates)) if dates else None


def _jalons(projet: Projet, phase: str) -> list[Jalon]:
    jalons = projet.planning.jalons or [] if projet.planning else []
    return sorted((j for j in jalons if j.phase == phase), key=lambda j: (j.debut, j.fin))


def _taches_projet(projet: Projet) -> list[_Tache]:
    taches = [_Tache(j.libelle, j.debut, j.fin, j.responsable or "") for j in _jalons(projet, "projet")]
    for phase, renvoi in (("deploiement", "Déploiement"), ("conduite_changement", "Conduite du changement")):
        dates = [d for j in _jalons(projet, phase) for d in (j.debut, j.fin)]
        if phase == "deploiement" and projet.planning:
            dates += [d for v in projet.planning.vagues or [] for d in (v.debut, v.fin)]
        if dates:
            taches.append(_Tache(f"Synthèse : {renvoi.lower()} (détail dans la feuille dédiée)",
                                 min(dates), max(dates), "", "synthese"))
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
    return {phase: f"planning.jalons — jalons de la phase « {_PHASES[phase][0]} » (libellé, début, fin, responsable)"
            for phase in ("projet", "conduite_changement") if not _jalons(projet, phase)}


def construire_planning(wb: Workbook, projet: Projet, fin: Financement) -> None:
    periode = _periode_projet(projet)
    mois = _mois(*periode) if periode else []
    absents = jalons_cnsa_absents(projet.planning.jalons or [] if projet.planning else [])
    manquants = phases_sans_jalon(projet)
    taches = {
        "projet": _taches_projet(projet),
        "deploiement": _taches_deploiement(projet),
        "conduite_changement": _taches_conduite(projet),
    }
    for phase, (nom, titre) in _PHASES.items():
        ws = wb.create_sheet(nom)
        notes = []
        if phase == "projet":
            if absents:
                notes.append("Jalons CNSA absents du planning (à ajouter dans planning.jalons, aucune date n'est "
                             "supposée ici) : " + ", ".join(j.libelle for j in absents) + ".")
            else:
                notes.append(f"Jalons CNSA : les {len(JALONS_CNSA)} jalons attendus figurent au planning ("
                             + ", ".join(j.libelle for j in JALONS_CNSA) + ").")
        if phase in manquants:
            taches[phase].insert(0, _Tache(MARQUEUR.format(manquants[phase]), None, None))
        _feuille_planning(ws, titre, projet, taches[phase], mois, phase, periode, notes)


def _feuille_planning(ws: Worksheet, titre: str, projet: Projet, taches: list[_Tache], mois: list[dt.date],
                      phase: str, periode: tuple[dt.date, dt.date] | None, notes: list[str]) -> None:
    ligne = entete(ws, titre, projet)
    pl = projet.planning
    ecrire(ws, ligne, 1, ETIQUETTES_ENTETE[3], "etiquette")
    if periode:
        ecrire(ws, ligne, 2, periode[0], "valeur-date")
        ecrire(ws, ligne, 3, periode[1], "valeur-date")
    else:
        ecrire(ws, ligne, 2, "non renseignée (planning.debut, planning.jalons)", "valeur")
        ws.merge_cells(start_row=ligne, start_column=2, end_row=ligne, end_column=len(_COLONNES_PLANNING))
    if pl and pl.fin_deploiement:
        ligne += 1
        ecrire(ws, ligne, 1, ETIQUETTES_ENTETE[4], "etiquette")
        ecrire(ws, ligne, 2, pl.fin_deploiement, "valeur-date")
    ligne_entete = ligne + 2
    en_tetes(ws, ligne_entete, _COLONNES_PLANNING)
    for i, debut_mois in enumerate(mois):
        ecrire(ws, ligne_entete, _PREMIER_MOIS + i, debut_mois, "entete-mois")
    ws.row_dimensions[ligne_entete].height = 42
    premiere = ligne_entete + 1
    derniere_colonne = _PREMIER_MOIS + len(mois) - 1
    for n, tache in enumerate(taches):
        r = premiere + n
        if tache.genre == "groupe":
            ecrire(ws, r, 1, tache.libelle, "groupe")
            ligne_styles(ws, r, 2, max(derniere_colonne, len(_COLONNES_PLANNING)), "groupe")
            continue
        suffixe = "synthese-" if tache.genre == "synthese" else ""
        ecrire(ws, r, 1, tache.libelle, "synthese" if suffixe else "texte")
        if tache.debut and tache.fin:
            ecrire(ws, r, 2, tache.debut, suffixe + "date")
            ecrire(ws, r, 3, tache.fin, suffixe + "date")
            formule(ws, r, 4, f"=C{r}-B{r}+1", suffixe + "jours")
        else:
            ligne_styles(ws, r, 2, 4, "synthese" if suffixe else "vide")
        ecrire(ws, r, 5, tache.responsable, "synthese" if suffixe else "texte")
        ligne_styles(ws, r, _PREMIER_MOIS, derniere_colonne, "gantt")
    derniere = premiere + len(taches) - 1
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
        2: 11.5, 3: 11.5, 4: 8,
        5: largeur_texte([t.responsable for t in taches] + [_COLONNES_PLANNING[4]], 14, 30),
    })
    for i in range(len(mois)):
        ws.column_dimensions[get_column_letter(_PREMIER_MOIS + i)].width = 3.6
    mise_en_page(ws, ligne_entete, premiere, len(_COLONNES_PLANNING), 2)


