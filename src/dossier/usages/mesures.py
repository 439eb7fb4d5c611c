"""The measures file (usages.md): its columns, the periods a project expects, reading and validating it.

A month is an int ``annee * 12 + mois - 1`` so that periods compare and follow each other by ``+ 1``.
Reading is all-or-nothing: every problem of the file is collected with its line (CSV) or cell
(workbook), and ``MesuresInvalides`` is raised before any measure is returned.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import DossierError, Probleme
from ..lecture import lignes_csv, ouvrir_classeur
from ..model import Essms, Projet


@dataclass(frozen=True)
class Colonne:
    cle: str
    libelle: str
    obligatoire: bool = True


#: The columns of the measures file, in the order of the template (usages.md).
COLONNES = (
    Colonne("finess_et", "FINESS ET"),
    Colonne("nom", "ESSMS", obligatoire=False),
    Colonne("debut", "Premier mois"),
    Colonne("fin", "Dernier mois"),
    Colonne("mssante_messages", "Messages envoyés via MSSanté"),
    Colonne("dmp_alimentes", "DMP alimentés avec au moins un document"),
    Colonne("personnes_projet", "Personnes pouvant bénéficier d'un projet d'accueil et d'accompagnement"),
    Colonne("file_active", "Personnes accompagnées (file active)"),
    Colonne("dossiers_actifs", "Dossiers actifs"),
    Colonne("dossiers_projet_personnalise", "Dossiers actifs avec un projet personnalisé"),
    Colonne("dossiers_agenda", "Dossiers actifs avec au moins un événement d'agenda"),
    Colonne("eprescription", "E-prescriptions importées (facultatif)", obligatoire=False),
    Colonne("eparcours", "Échanges avec une plateforme e-parcours (facultatif)", obligatoire=False),
)
COMPTES = tuple(c.cle for c in COLONNES[4:])
COMPTES_OBLIGATOIRES = tuple(c.cle for c in COLONNES[4:] if c.obligatoire)
#: numerator -> denominator it may not exceed (the formula caps at 100 %).
PLAFONDS = {
    "dmp_alimentes": "personnes_projet",
    "dossiers_projet_personnalise": "dossiers_actifs",
    "dossiers_agenda": "dossiers_actifs",
}
#: numerator -> denominator: a zero denominator with a non-zero numerator is an error.
RATIOS = {"mssante_messages": "personnes_projet", **PLAFONDS, "dossiers_actifs": "file_active"}
FEUILLE = "Mesures"
DUREE_PREMIERE_MESURE = 3  # months (rules.md §8)


class MesuresInvalides(DossierError):
    """The measures file cannot be used; carries every problem at once."""

    def __init__(self, fichier: str, problemes: list[Probleme]):
        self.problemes = problemes
        n = len(problemes)
        super().__init__(f"fichier de mesures invalide ({fichier}) : {n} problème{'s' if n > 1 else ''}")


# --------------------------------------------------------------------------- months


def mois(annee: int, numero: int) -> int:
    return annee * 12 + numero - 1


def mois_de(date: dt.date) -> int:
    return mois(date.year, date.month)


def texte_mois(m: int) -> str:
    """``mois(2024, 6)`` -> ``2024-06``."""
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def date_mois(m: int) -> dt.date:
    return dt.date(m // 12, m % 12 + 1, 1)


_MOIS = re.compile(r"^(\d{4})-(\d{2})$")


def lire_mois(valeur) -> int | None:
    """``2024-06`` (or a date cell) -> month; None when it is not a month."""
    if isinstance(valeur, dt.date):
        return mois_de(valeur)
    return _lire_texte_mois(str(valeur).strip())


@lru_cache(maxsize=4096)
def _lire_texte_mois(texte: str) -> int | None:
    m = _MOIS.match(texte)
    if m and 1 <= int(m[2]) <= 12:
        return mois(int(m[1]), int(m[2]))
    return None


# --------------------------------------------------------------------------- expected periods


@dataclass(frozen=True)
class Periode:
    essms: Essms
    debut: int
    fin: int


def debut_des_mesures(projet: Projet, essms: Essms) -> int | None:
    """First measured month of an ESSMS: the month after its wave ends, else after planning.fin_deploiement."""
    planning = projet.planning
    if planning is None:
        return None
    vague = next((v for v in planning.vagues or [] if v.numero == essms.vague), None)
    fin = vague.fin if vague else planning.fin_deploiement
    return None if fin is None else mois_de(fin) + 1


def periodes_attendues(projet: Projet, nb_mois: int) -> list[Periode]:
    """The rows of the template: per ESSMS a first period of 3 months, then single months, ``nb_mois`` in all.

    Raises DossierError naming the ESSMS whose start cannot be told from the planning.
    """
    sans_date = [e.nom for e in projet.essms if debut_des_mesures(projet, e) is None]
    if sans_date:
        raise DossierError("début des mesures inconnu (planning.vagues ou planning.fin_deploiement à renseigner) pour : "
                           + ", ".join(sans_date))
    periodes = []
    for e in projet.essms:
        debut = debut_des_mesures(projet, e)
        periodes.append(Periode(e, debut, debut + DUREE_PREMIERE_MESURE - 1))
        periodes += [Periode(e, m, m) for m in range(debut + DUREE_PREMIERE_MESURE, debut + nb_mois)]
    return periodes


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class Mesure:
    """One row of the measures file: an ESSMS, a period and its counts (None: optional count not given)."""

    finess_et: str
    debut: int
    fin: int
    comptes: dict[str, int | None]
    position: str  # line or cell, for messages


@dataclass
class Mesures:
    lignes: list[Mesure]
    alertes: list[Probleme] = field(default_factory=list)
    non_mesurees: int = 0  # rows of the template whose counts are all empty: periods not measured yet

    def par_essms(self) -> dict[str, list[Mesure]]:
        """Rows per FINESS ET, in period order."""
        groupes: dict[str, list[Mesure]] = {}
        for m in self.lignes:
            groupes.setdefault(m.finess_et, []).append(m)
        for liste in groupes.values():
            liste.sort(key=lambda m: (m.debut, m.fin))
        return groupes


def _normaliser(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", sans_accents.lower()).strip()


_EN_TETES = {_normaliser(n): c.cle for c in COLONNES for n in (c.cle, c.libelle)}


@lru_cache(maxsize=65536)
def _finess_texte(texte: str) -> str:
    return re.sub(r"\s+", "", texte).removesuffix(".0")


def _finess(valeur) -> str:
    return _finess_texte(str(valeur if valeur is not None else ""))


def _vide(valeur) -> bool:
    return valeur is None or (isinstance(valeur, str) and not valeur.strip())


def _entier(valeur) -> int | None:
    """A count: int ≥ 0 (a whole float cell, or digits with spaces), None when it is not one."""
    if isinstance(valeur, bool):
        return None
    if isinstance(valeur, int):
        return valeur if valeur >= 0 else None
    if isinstance(valeur, float):
        return int(valeur) if valeur.is_integer() and valeur >= 0 else None
    texte = str(valeur).strip()
    if texte.isdigit() and len(texte) <= CHIFFRES_MAX:
        return int(texte)
    texte = re.sub(r"[\s\u00a0\u202f]", "", texte)
    return int(texte) if texte.isdigit() and len(texte) <= CHIFFRES_MAX else None


CHIFFRES_MAX = 15  # digits of a count (no usage count reaches 10^15; int() of 4 300+ digits raises)


def chiffres_non_ascii(brut: dict, ici) -> list[Probleme]:
    """Cells typed with digits other than 0-9 (Arabic-Indic ``١٢``, full-width ``５``…): an erreur each,
    never read as numbers (Python's ``int`` and ``\\d`` would take them)."""
    return [Probleme(ici(cle), f"chiffres autres que 0 à 9 dans « {valeur} » : saisir la valeur avec les chiffres 0 à 9")
            for cle, valeur in brut.items()
            if cle != "nom" and isinstance(valeur, str) and not valeur.isascii()
            and any(c.isdigit() or unicodedata.category(c) == "Nd" for c in valeur)]


class _Lecteur:
    """Collects the problems of rows given as {key: raw value} with a way to name a cell."""

    def __init__(self, projet: Projet, nommer):
        self.finess = {_finess(e.finess_et): e for e in projet.essms}
        self.nommer = nommer  # (row index, key) -> "ligne 3 (cle)" or "Mesures!C7"
        self.erreurs: list[Probleme] = []
        self.alertes: list[Probleme] = []
        self.lignes: list[Mesure] = []
        self.vus: dict[tuple[str, int, int], str] = {}
        self.non_mesurees = 0

    def ligne(self, rang: int, brut: dict) -> None:
        if all(_vide(brut.get(cle)) for cle in COMPTES):
            # a pre-filled row of the template (ESSMS and period) without any count: not measured yet
            self.non_mesurees += not all(_vide(v) for v in brut.values())
            return
        ici = lambda cle: self.nommer(rang, cle)  # noqa: E731
        erreurs = chiffres_non_ascii(brut, ici)
        finess = _finess(brut.get("finess_et"))
        if finess not in self.finess:
            erreurs.append(Probleme(ici("finess_et"), f"FINESS ET « {finess} » absent du projet" if finess
                                    else "FINESS ET manquant"))
        bornes = {}
        for cle in ("debut", "fin"):
            bornes[cle] = lire_mois(brut.get(cle)) if not _vide(brut.get(cle)) else None
            if bornes[cle] is None:
                erreurs.append(Probleme(ici(cle), f"mois attendu au format AAAA-MM, lu « {brut.get(cle) or ''} »"))
        comptes: dict[str, int | None] = {}
        for cle in COMPTES:
            valeur = brut.get(cle)
            if type(valeur) is str and valeur.isdigit() and len(valeur) <= CHIFFRES_MAX:  # the common case, kept fast (2 000 ESSMS × 24 months)
                comptes[cle] = int(valeur)
                continue
            if _vide(valeur):
                comptes[cle] = None
                if cle in COMPTES_OBLIGATOIRES:
                    erreurs.append(Probleme(ici(cle), "valeur manquante (nombre entier ≥ 0)"))
                continue
            comptes[cle] = _entier(valeur)
            if comptes[cle] is None:
                erreurs.append(Probleme(ici(cle), f"nombre entier ≥ 0 attendu, lu « {valeur} »"))
        erreurs += self._coherence(rang, comptes)
        if None not in bornes.values() and bornes["fin"] < bornes["debut"]:
            erreurs.append(Probleme(ici("fin"), "le dernier mois précède le premier"))
        if not erreurs:
            cle_periode = (finess, bornes["debut"], bornes["fin"])
            if cle_periode in self.vus:
                erreurs.append(Probleme(ici("finess_et"), f"deuxième ligne pour cet ESSMS et cette période (déjà en {self.vus[cle_periode]})"))
            else:
                self.vus[cle_periode] = ici("finess_et")
                self.lignes.append(Mesure(finess, bornes["debut"], bornes["fin"], comptes, ici("finess_et")))
        self.erreurs += erreurs

    def _coherence(self, rang: int, c: dict[str, int | None]) -> list[Probleme]:
        problemes = []
        for numerateur, denominateur in RATIOS.items():
            n, d = c.get(numerateur), c.get(denominateur)
            if n is None or d is None:
                continue
            if d == 0 and n > 0:
                problemes.append(Probleme(self.nommer(rang, numerateur), f"{n} pour un dénominateur nul ({denominateur} = 0)"))
            elif numerateur in PLAFONDS and n > d:
                problemes.append(Probleme(self.nommer(rang, numerateur), f"{numerateur} ({n}) supérieur à {denominateur} ({d})"))
            elif numerateur == "dossiers_actifs" and n > d:
                self.alertes.append(Probleme(self.nommer(rang, numerateur),
                                             f"dossiers_actifs ({n}) supérieur à file_active ({d}) : dossiers de personnes sorties encore mis à jour ?"))
        return problemes

    def periodes(self) -> None:
        """Alertes on the sequence of each ESSMS: first period of 3 months, then single contiguous months."""
        for liste in Mesures(self.lignes).par_essms().values():
            for i, m in enumerate(liste):
                duree = m.fin - m.debut + 1
                attendue = DUREE_PREMIERE_MESURE if i == 0 else 1
                if duree != attendue:
                    self.alertes.append(Probleme(m.position, f"période de {duree} mois ({texte_mois(m.debut)} à {texte_mois(m.fin)}) : "
                                                 f"{'la première mesure couvre 3 mois' if i == 0 else 'les mesures suivantes couvrent un mois'}"))
                if i and m.debut != liste[i - 1].fin + 1:
                    self.alertes.append(Probleme(m.position, f"période non contiguë : {texte_mois(m.debut)} après {texte_mois(liste[i - 1].fin)}"))


def _colonnes(en_tetes: list, nommer_entete) -> tuple[dict[int, str], list[Probleme]]:
    """Position -> key of the recognised headers, and the problems (missing or repeated columns)."""
    positions: dict[int, str] = {}
    problemes = []
    for i, titre in enumerate(en_tetes):
        cle = _EN_TETES.get(_normaliser(str(titre))) if titre is not None else None
        if cle is None:
            continue
        if cle in positions.values():
            problemes.append(Probleme(nommer_entete(i), f"colonne {cle} en double"))
        positions[i] = cle
    manquantes = [c.cle for c in COLONNES if c.obligatoire and c.cle not in positions.values()]
    if manquantes:
        problemes.append(Probleme(nommer_entete(None), "colonne(s) absente(s) : " + ", ".join(manquantes)))
    return positions, problemes


def _lire_csv(chemin: Path, projet: Projet) -> _Lecteur:
    lignes = lignes_csv(chemin, "fichier de mesures")
    if not lignes:
        raise MesuresInvalides(str(chemin), [Probleme("ligne 1", "fichier vide : en-têtes attendus")])
    positions, problemes = _colonnes(lignes[0], lambda i: "ligne 1" + (f" (colonne {i + 1})" if i is not None else ""))
    lecteur = _Lecteur(projet, lambda rang, cle: f"ligne {rang} ({cle})")
    lecteur.erreurs += problemes
    if not problemes:
        for rang, valeurs in enumerate(lignes[1:], start=2):
            lecteur.ligne(rang, {cle: valeurs[i] if i < len(valeurs) else None for i, cle in positions.items()})
    return lecteur


def _lire_classeur(chemin: Path, projet: Projet) -> _Lecteur:
    from openpyxl.utils import get_column_letter

    wb = ouvrir_classeur(chemin, "fichier de mesures")
    ws = wb[FEUILLE] if FEUILLE in wb.sheetnames else wb.worksheets[0]
    lignes = list(ws.iter_rows(values_only=True))
    wb.close()
    rang_entete = next((i for i, l in enumerate(lignes[:30]) if any(_EN_TETES.get(_normaliser(str(v))) == "finess_et"
                                                                   for v in l if v is not None)), None)
    feuille = ws.title.replace("'", "''")
    cellule = lambda ligne, i: f"{feuille}!{get_column_letter(i + 1)}{ligne}"  # noqa: E731
    if rang_entete is None:
        raise MesuresInvalides(str(chemin), [Probleme(f"{feuille}!A1", "ligne d'en-têtes introuvable (colonne « FINESS ET » attendue)")])
    positions, problemes = _colonnes(list(lignes[rang_entete]),
                                     lambda i: cellule(rang_entete + 1, i if i is not None else 0))
    par_cle = {cle: i for i, cle in positions.items()}
    lecteur = _Lecteur(projet, lambda rang, cle: cellule(rang, par_cle[cle]))
    lecteur.erreurs += problemes
    if not problemes:
        for rang, valeurs in enumerate(lignes[rang_entete + 1:], start=rang_entete + 2):
            lecteur.ligne(rang, {cle: valeurs[i] if i < len(valeurs) else None for i, cle in positions.items()})
    return lecteur


def lire_mesures(chemin: Path | str, projet: Projet) -> Mesures:
    """Read and validate a measures file (CSV or the workbook of ``usages modele``); all or nothing."""
    chemin = Path(chemin)
    lecteur = _lire_classeur(chemin, projet) if chemin.suffix.lower() in (".xlsx", ".xlsm") else _lire_csv(chemin, projet)
    if lecteur.erreurs:
        raise MesuresInvalides(str(chemin), lecteur.erreurs)
    lecteur.periodes()
    return Mesures(lecteur.lignes, lecteur.alertes, lecteur.non_mesurees)
