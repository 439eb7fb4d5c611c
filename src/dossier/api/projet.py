"""The project: read it (JSON or fiche) with every problem, validate it, check its recevabilité,
compute its financing and deadline, choose its deposit profile, write a new one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..campaigns import Campagne, charger_campagne
from ..errors import DossierError, Probleme, ProjetInvalide
from ..model import Projet
from ..profiles import Profil, charger_profil
from ..rules import Controle, Financement, ars_pivot, calculer_financement, verifier_recevabilite
from ..rules import recevable as _recevable
from ..squelette import a_completer as _a_completer

__all__ = [
    "EtatProjet", "ProjetLu", "Validation", "a_completer", "charger_projet", "choisir_profil", "controles_du_projet",
    "creer_projet", "echeance", "ecrire_schema", "etat_projet", "financement_du_projet", "lire_projet",
    "origine_liste", "profil_du_projet", "profils_regionaux", "recevable", "region_de_depot", "reperes_fiche", "valider_projet",
]


def region_de_depot(projet: Projet) -> str:
    """Return the région of the ARS where the project is deposited (the pivot ARS of a multi-région project). Never raises."""
    return ars_pivot(projet)


def recevable(controles: list[Controle]) -> bool:
    """Return True when no check of level erreur failed (the project may be deposited). Never raises."""
    return _recevable(controles)


def a_completer(projet: Projet) -> list:
    """Return the fields still empty that a complete dossier needs (``ACompleter``: path, label), in
    the file's order; an empty list when nothing is missing. Never raises."""
    return _a_completer(projet)


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
    """Read a JSON project or a fiche (by extension) with all its problems.

    Returns a :class:`ProjetLu`: the project (None when invalid), its raw data, every problem (field
    path, or ``Feuille!C7`` for a fiche), what is left to fill and, for a fiche, its cells. Never
    raises for a bad file (not even ProjetInvalide): an unreadable file is one problem. ``nom`` is the file name shown in messages (the path by default). The raw data of an invalid file
    is kept (JSON-ready: dates as text, amounts as numbers) so that a caller can show its title or diff it.
    """
    from ..fiche import est_fiche
    from ..fiche.json_projet import _json, projet_json
    from ..model import lire_json

    chemin = Path(chemin)
    nom = nom or str(chemin)
    donnees = lecture = None
    try:
        if est_fiche(chemin):
            from ..fiche.lecture import lire_classeur, valider_lecture

            lecture = lire_classeur(chemin)
            donnees = lecture.donnees
            projet = valider_lecture(lecture, nom)
        else:
            from ..model import charger_projet

            projet = charger_projet(chemin)
    except ProjetInvalide as e:
        if donnees is None and not est_fiche(chemin):
            donnees = _json_brut(chemin)
        return ProjetLu(None, _json(donnees) if isinstance(donnees, dict) else None, list(e.problemes))
    except DossierError as e:
        return ProjetLu(None, None, [Probleme("", e.message)])
    manques = _a_completer(projet)
    cellules = {}
    if lecture is not None:
        from ..fiche.lecture import localiser

        for m in manques:
            ref = localiser(lecture, Probleme(m.chemin, "")).chemin.split(" (")[0]
            if "!" in ref:
                cellules[m.chemin] = ref
    return ProjetLu(projet, lire_json(projet_json(projet)), [], manques, cellules)


def _json_brut(chemin: Path) -> dict | None:
    """The raw data of an invalid JSON project (bounded read), None when it is not a JSON object."""
    from ..lecture import lire_octets
    from ..lecture import TAILLE_MAX_PROJET
    from ..model import lire_json

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
    """Return the closing date of the campaign's deposit window for the project's guichet (None when
    the campaign does not give it). Never raises."""
    from ..rules import determiner_guichet

    cloture = campagne.parametre(f"calendrier.{determiner_guichet(projet, campagne).cle_calendrier}.cloture")
    return cloture.valeur if cloture is not None else None


def etat_projet(projet: Projet, aujourdhui: dt.date | None = None) -> EtatProjet:
    """Return the :class:`EtatProjet` of a valid project on ``aujourdhui`` (today by default):
    recevabilité checks, financing (or why it cannot be computed), deposit deadline. Raises DossierError
    only when the project's campaign has no data."""
    aujourdhui = aujourdhui or dt.date.today()
    campagne = charger_campagne(projet.campagne)
    controles = verifier_recevabilite(projet, campagne, aujourdhui)
    try:
        fin, erreur = calculer_financement(projet, campagne, aujourdhui), None
    except DossierError as e:
        fin, erreur = None, e.message
    date = echeance(projet, campagne)
    return EtatProjet(controles, _recevable(controles), fin, erreur, date,
                      (date - aujourdhui).days if date else None)


def profil_du_projet(projet: Projet | None) -> Profil:
    """Return the deposit profile (:class:`dossier.profiles.Profil`) of the project: the one it names,
    else chosen from its région and campaign (the national list, kit-idf-2023, when there is no
    project). Raises DossierError for a profile name that does not exist."""
    from ..rules.profil_depot import profil_du_projet as profil

    return profil(projet) if projet is not None else charger_profil("kit-idf-2023")




def charger_projet(chemin: str | Path) -> Projet:
    """Return the validated project of a JSON project file or of a fiche (by its extension).

    Raises ProjetInvalide with every problem at once (field path, or ``Feuille!C7`` for a fiche), and
    DossierError when the file cannot be read."""
    from ..fiche import charger_projet_ou_fiche

    return charger_projet_ou_fiche(chemin)


@dataclass
class Validation:
    """A valid project and the fields still to fill (named by sheet and cell for a fiche)."""

    projet: Projet
    a_completer: list


def valider_projet(chemin: str | Path) -> Validation:
    """Validate a project file (JSON or fiche): return a :class:`Validation` (the project and what is
    left to fill). Raises ProjetInvalide with every problem, DossierError when the file cannot be read."""
    projet = charger_projet(chemin)
    manques, reperes = _a_completer(projet), reperes_fiche(chemin)
    return Validation(projet, reperes.a_completer(manques) if reperes else manques)


def reperes_fiche(chemin: str | Path):
    """Return what names a fiche's fields by sheet and cell (``texte(message)``, ``cellule(chemin)``,
    ``a_completer(manques)``), or None for a JSON project. Raises DossierError for an unreadable fiche."""
    from ..fiche import reperes_fiche as reperes

    return reperes(chemin)


def controles_du_projet(projet: Projet, aujourdhui: dt.date | None = None) -> list[Controle]:
    """Return the recevabilité checks of the call for projects on ``aujourdhui`` (today by default);
    the project is recevable when :func:`recevable` is true of them. Raises DossierError when the
    project's campaign has no data."""
    return verifier_recevabilite(projet, charger_campagne(projet.campagne), aujourdhui or dt.date.today())


def financement_du_projet(projet: Projet, aujourdhui: dt.date | None = None) -> Financement:
    """Return the financing of the project (guichet, forfaits per ESSMS, small OG, SAAD proration,
    advance and balance, with sources). Raises DossierError when an amount is unknown (never guessed)."""
    return calculer_financement(projet, charger_campagne(projet.campagne), aujourdhui or dt.date.today())


def choisir_profil(projet: Projet | None = None, nom: str | None = None) -> Profil:
    """Return the deposit profile named ``nom``, else the project's (:func:`profil_du_projet`), else
    the default list. Raises DossierError for an unknown profile name."""
    from ..rules.profil_depot import profil_du_projet as profil, profil_par_defaut

    if nom:
        return charger_profil(nom)
    return profil(projet) if projet is not None else profil_par_defaut()


def profils_regionaux() -> dict[str, str]:
    """Return the régions whose ARS has its own deposit profile, with that profile's name. Never raises."""
    from ..squelette import profils_regionaux as profils

    return profils()


def origine_liste(profil: Profil, projet: Projet | None = None) -> str | None:
    """Return the French sentence saying the profile's list of pieces comes from another call than the
    project's (None when it is the project's own). Never raises."""
    from ..rules.profil_depot import origine_liste as origine

    return origine(profil, projet)


def creer_projet(chemin: str | Path, exemple: bool = False, region: str | None = None, fiche: bool = False) -> str:
    """Write a project skeleton (or the reference example with ``exemple``) to ``chemin``, as JSON or,
    with ``fiche``, as an Excel fiche (.xlsx); ``region`` chooses the deposit profile of its ARS.

    Returns the name of the deposit profile. Never overwrites: raises SortieExistante when the file
    exists, DossierError for a fiche whose name is not .xlsx."""
    import json

    from ..affichage import nom_affichable
    from ..errors import SortieExistante
    from ..fichiers import ecrire_atomique
    from ..squelette import squelette_json

    chemin = Path(chemin)
    if chemin.exists():
        raise SortieExistante(f"{nom_affichable(chemin)} existe déjà : choisir un autre nom (init n'écrase jamais un fichier)")
    contenu, profil = squelette_json(exemple, region)
    if fiche:
        from ..fiche import EXTENSIONS_FICHE, ecrire_fiche

        if chemin.suffix.lower() not in EXTENSIONS_FICHE:
            raise DossierError(f"{nom_affichable(chemin)} : une fiche projet est un classeur Excel (nom en .xlsx)")
        donnees = json.loads(contenu) if exemple else ({"porteur": {"region": region}} if region else None)
        ecrire_fiche(donnees, chemin)
    else:
        ecrire_atomique(chemin, contenu.encode("utf-8"))
    return profil


def ecrire_schema(chemin: str | Path, force: bool = False) -> Path:
    """Write the JSON schema of the project file (every field, its type and description) to ``chemin``;
    returns the path. Raises SortieExistante when the file exists and ``force`` is false."""
    from ..affichage import nom_affichable
    from ..errors import SortieExistante
    from ..fichiers import ecrire_atomique
    from ..schema import schema_texte

    chemin = Path(chemin)
    if chemin.exists() and not force:
        raise SortieExistante(f"{nom_affichable(chemin)} existe déjà : ajouter --force pour le remplacer")
    ecrire_atomique(chemin, schema_texte().encode("utf-8"))
    return chemin
