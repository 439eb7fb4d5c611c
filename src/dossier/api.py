"""Public functions of dossier for programs (the portal, scripts): each returns data, never prints, never exits.

A project file is read with :func:`lire_projet` (every problem at once), then :func:`etat_projet`
gives its recevabilité, financing and deposit deadline; :func:`rendre_dossier`, :func:`verifier_dossier`
and :func:`construire_archive` make, check and bundle the deposit folder; :func:`comparer_donnees`
lists what changed between two versions of a project, in French field names; :func:`completer_finess`
fills the ESSMS of raw project data from the public FINESS extract; :func:`calculer_usages_fichier`
computes the usage rates from a measures file.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bundle import InfoArchive, construire_archive
from .campaigns import Campagne, charger_campagne
from .checklist import ResultatChecklist, verifier_dossier
from .errors import DossierError, Probleme, ProjetInvalide
from .model import Projet
from .profiles import Profil, charger_profil
from .rules import Controle, Financement, ars_pivot, calculer_financement, recevable, verifier_recevabilite

from .squelette import a_completer  # noqa: E402 - fields still empty that a complete dossier needs

#: The région of the ARS where the project is deposited.
region_de_depot = ars_pivot

__all__ = [
    "a_completer", "Changement", "EtatProjet", "InfoArchive", "ProjetLu", "ResultatChecklist", "ResultatFiness",
    "calculer_usages_fichier", "comparer_donnees", "completer_finess", "construire_archive", "echeance",
    "etat_projet", "exporter_fiche", "lire_projet", "profil_du_projet", "region_de_depot", "rendre_dossier", "verifier_dossier",
]


@dataclass
class ProjetLu:
    """A project file read: the validated project (None when invalid), its raw data (None when the
    file cannot even be read), every problem (field path or ``Feuille!C7``), and what is left to fill."""

    projet: Projet | None
    donnees: dict | None
    problemes: list[Probleme] = field(default_factory=list)
    a_completer: list = field(default_factory=list)
    cellules: dict[str, str] = field(default_factory=dict)  # fiche: field path left to fill -> "Feuille!B5"

    @property
    def valide(self) -> bool:
        return self.projet is not None

    @property
    def intitule(self) -> str | None:
        """The project's title, even from an invalid file when it can be read."""
        if self.projet is not None:
            return self.projet.intitule
        valeur = (self.donnees or {}).get("intitule")
        return valeur.strip() if isinstance(valeur, str) and valeur.strip() else None


def lire_projet(chemin: str | Path, nom: str | None = None) -> ProjetLu:
    """Read a JSON project or a fiche (by extension) with all its problems; never raises ProjetInvalide.

    ``nom`` is the file name shown in messages (the path by default). The raw data of an invalid file
    is kept (JSON-ready: dates as text, amounts as numbers) so that a caller can show its title or diff it.
    """
    from .fiche import est_fiche
    from .fiche.json_projet import _json, projet_json
    from .model import lire_json
    from .squelette import a_completer

    chemin = Path(chemin)
    nom = nom or str(chemin)
    donnees = lecture = None
    try:
        if est_fiche(chemin):
            from .fiche.lecture import lire_classeur, valider_lecture

            lecture = lire_classeur(chemin)
            donnees = lecture.donnees
            projet = valider_lecture(lecture, nom)
        else:
            from .model import charger_projet

            projet = charger_projet(chemin)
    except ProjetInvalide as e:
        if donnees is None and not est_fiche(chemin):
            donnees = _json_brut(chemin)
        return ProjetLu(None, _json(donnees) if isinstance(donnees, dict) else None, list(e.problemes))
    except DossierError as e:
        return ProjetLu(None, None, [Probleme("", e.message)])
    manques = a_completer(projet)
    cellules = {}
    if lecture is not None:
        from .fiche.lecture import localiser

        for m in manques:
            ref = localiser(lecture, Probleme(m.chemin, "")).chemin.split(" (")[0]
            if "!" in ref:
                cellules[m.chemin] = ref
    return ProjetLu(projet, lire_json(projet_json(projet)), [], manques, cellules)


def _json_brut(chemin: Path) -> dict | None:
    """The raw data of an invalid JSON project (bounded read), None when it is not a JSON object."""
    from .lecture import lire_octets
    from .lecture import TAILLE_MAX_PROJET
    from .model import lire_json

    try:
        donnees = lire_json(lire_octets(chemin, TAILLE_MAX_PROJET).decode("utf-8-sig"), str(chemin))
    except (DossierError, OSError, UnicodeDecodeError):
        return None
    return donnees if isinstance(donnees, dict) else None


@dataclass
class EtatProjet:
    """Recevabilité checks, the financing (None when amounts are unknown) and the deposit deadline."""

    controles: list[Controle]
    recevable: bool
    financement: Financement | None
    erreur_financement: str | None
    echeance: dt.date | None
    jours_restants: int | None


def echeance(projet: Projet, campagne: Campagne) -> dt.date | None:
    """Closing date of the campaign's deposit window for the project's guichet (None when unknown)."""
    from .rules import determiner_guichet

    cloture = campagne.parametre(f"calendrier.{determiner_guichet(projet, campagne).cle_calendrier}.cloture")
    return cloture.valeur if cloture is not None else None


def etat_projet(projet: Projet, aujourdhui: dt.date | None = None) -> EtatProjet:
    """Everything the « État » of a project shows, computed once."""
    aujourdhui = aujourdhui or dt.date.today()
    campagne = charger_campagne(projet.campagne)
    controles = verifier_recevabilite(projet, campagne, aujourdhui)
    try:
        fin, erreur = calculer_financement(projet, campagne, aujourdhui), None
    except DossierError as e:
        fin, erreur = None, e.message
    date = echeance(projet, campagne)
    return EtatProjet(controles, recevable(controles), fin, erreur, date,
                      (date - aujourdhui).days if date else None)


def profil_du_projet(projet: Projet | None) -> Profil:
    """The deposit profile of the project (cnsa-2023 when there is no project)."""
    return charger_profil(projet.depot.profil if projet is not None else "cnsa-2023")


def rendre_dossier(projet: Projet, sortie: Path, **options):
    """Render the project's pieces into ``sortie`` (see ``dossier.render.pieces.rendre_dossier``)."""
    from .render.pieces import rendre_dossier as rendre

    return rendre(projet, sortie, **options)


def exporter_fiche(donnees: dict | None, dest: Path) -> None:
    """Write the fiche (Excel workbook) of project data, to be filled again."""
    from .fiche import ecrire_fiche

    ecrire_fiche(donnees, dest)


@dataclass(frozen=True)
class Changement:
    """One field that differs between two versions: ``genre`` is ajout, modification or suppression."""

    chemin: str
    libelle: str
    genre: str
    avant: Any = None
    apres: Any = None


def _aplatir(valeur: Any, chemin: str, sortie: dict[str, Any]) -> None:
    if isinstance(valeur, dict):
        for cle, v in valeur.items():
            _aplatir(v, f"{chemin}.{cle}" if chemin else str(cle), sortie)
    elif isinstance(valeur, list) and any(isinstance(v, (dict, list)) for v in valeur):
        for i, v in enumerate(valeur):
            _aplatir(v, f"{chemin}[{i + 1}]", sortie)
    elif valeur not in (None, "", [], {}) and valeur is not False:  # False: a box left unticked
        sortie[chemin] = valeur


def libelle_chemin(chemin: str) -> str:
    """French label of a field path: ``essms[2].finess_et`` -> ``ESSMS 2 › FINESS ET``."""
    import re

    from .fiche.disposition import libelle_nom

    parties = []
    for morceau in chemin.split("."):
        m = re.fullmatch(r"(.+?)\[(\d+)\]", morceau)
        parties.append(f"{libelle_nom(m.group(1))} {m.group(2)}" if m else libelle_nom(morceau))
    return " › ".join(parties)


def comparer_donnees(avant: dict | None, apres: dict | None) -> list[Changement]:
    """Fields added, changed and removed between two project data, in path order."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _aplatir(avant or {}, "", a)
    _aplatir(apres or {}, "", b)
    changements = []
    for chemin in list(a) + [c for c in b if c not in a]:  # the file's order, not alphabetical
        if chemin not in a:
            changements.append(Changement(chemin, libelle_chemin(chemin), "ajout", None, b[chemin]))
        elif chemin not in b:
            changements.append(Changement(chemin, libelle_chemin(chemin), "suppression", a[chemin], None))
        elif a[chemin] != b[chemin]:
            changements.append(Changement(chemin, libelle_chemin(chemin), "modification", a[chemin], b[chemin]))
    return changements


@dataclass
class ResultatFiness:
    """The completed raw data (a copy), the findings per ESSMS, and the extract's label."""

    donnees: dict
    constats: list
    extrait: str


def completer_finess(donnees: dict, extrait: Path, remplacer: bool = False) -> ResultatFiness:
    """Fill name, FINESS EJ, category and commune of the ESSMS from the public FINESS extract."""
    from .finess import Recherche, completer

    donnees = copy.deepcopy(donnees)
    essms = [e for e in donnees.get("essms") or [] if isinstance(e, dict)]
    recherche = Recherche(extrait)
    try:
        trouvees = recherche.par_et(str(e.get("finess_et", "")).replace(" ", "") for e in essms)
        constats = completer(essms, trouvees, remplacer)
    finally:
        recherche.fermer()
    return ResultatFiness(donnees, constats, recherche.extrait.libelle)


def calculer_usages_fichier(mesures: Path, projet: Projet):
    """Usage rates, gaps and solde of a project from a measures file (raises MesuresInvalides)."""
    from .usages.indicateurs import calculer_usages
    from .usages.mesures import lire_mesures

    lues = lire_mesures(mesures, projet)
    return calculer_usages(projet, charger_campagne(projet.campagne), lues), lues.alertes
