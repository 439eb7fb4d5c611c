"""Profiles of a GALIS deposit (the pieces a call for projects asks for), read from TOML data.

A profile lists its pieces in order; a piece may be required, conditional on project facts, or
optional, and may be covered by a generated file (possibly one sheet of a workbook).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from dossier.errors import DossierError

FORMATS_GENERES = ("docx", "xlsx")
NIVEAUX_REGLE = ("erreur", "alerte")
CATEGORIES_DOMICILE = ("460", "209")
SECTEURS_DPI = ("PDE", "PDS")
#: Labels of the title block above the table of every generated workbook sheet: ``render`` writes
#: them, ``checklist`` does not count their rows as data.
ETIQUETTES_ENTETE = ("Projet", "Porteur", "Date", "Période du projet", "Fin du déploiement")


@dataclass(frozen=True)
class Piece:
    """One piece of a profile."""

    slug: str
    libelle: str
    requis: bool
    condition: str | None
    fichier: str | None
    format: str | None
    feuille: str | None
    signee: bool
    synonymes: tuple[str, ...]
    numero: int


@dataclass(frozen=True)
class FichierGenere:
    """A file written by ``render``, covering one or several pieces."""

    numero: int
    slug: str
    format: str
    pieces: tuple[Piece, ...]

    @property
    def nom(self) -> str:
        return f"{self.numero:02d}-{self.slug}.{self.format}"


@dataclass(frozen=True)
class Profil:
    """The ordered list of pieces of one call for projects, and the level of the ``taille-minimale``
    rule (rules.md §2) under that call: "erreur" or "alerte"."""

    nom: str
    libelle: str
    source: str
    pieces: tuple[Piece, ...]
    taille_minimale_niveau: str = "erreur"
    regions: tuple[str, ...] = ()  # régions whose ARS uses this profile (``dossier init --region``)

    def fichiers_generes(self) -> list[FichierGenere]:
        """One entry per generated file, numbered after the first piece it covers."""
        couvertes: dict[str, list[Piece]] = {}
        for piece in self.pieces:
            if piece.fichier:
                couvertes.setdefault(piece.fichier, []).append(piece)
        return [
            FichierGenere(numero=p[0].numero, slug=slug, format=p[0].format, pieces=tuple(p))
            for slug, p in couvertes.items()
        ]

    def piece(self, slug: str) -> Piece | None:
        return next((p for p in self.pieces if p.slug == slug), None)


@dataclass(frozen=True)
class FaitsProjet:
    """The facts of a project that piece conditions depend on."""

    essms_domicile: tuple[str, ...] = ()
    essms_materiel: tuple[str, ...] = ()
    og_entite_nationale: tuple[str, ...] = ()
    dpi_ght: bool = False
    essms_pde_pds: tuple[str, ...] = ()


def _dossier_profils():
    return resources.files("dossier.campaigns").joinpath("profils")


def profils_disponibles() -> list[str]:
    """Names of the profiles shipped with the package, sorted."""
    return sorted(f.name.removesuffix(".toml") for f in _dossier_profils().iterdir()
                  if f.name.endswith(".toml"))


def charger_profil(nom: str) -> Profil:
    """Read a profile by name; an unknown name is a DossierError listing the known ones."""
    connus = profils_disponibles()
    if nom not in connus:
        raise DossierError(f"profil inconnu « {nom} » ; profils disponibles : {', '.join(connus)}")
    donnees = tomllib.loads(_dossier_profils().joinpath(f"{nom}.toml").read_text("utf-8"))
    pieces = tuple(_piece(d, numero) for numero, d in enumerate(donnees["pieces"], start=1))
    _verifier_unicite(nom, pieces)
    niveau = donnees.get("taille_minimale_niveau", "erreur")
    if niveau not in NIVEAUX_REGLE:
        raise ValueError(f"profil {nom} : niveau de taille-minimale inconnu « {niveau} »")
    return Profil(nom=donnees["nom"], libelle=donnees["libelle"], source=donnees["source"],
                  pieces=pieces, taille_minimale_niveau=niveau, regions=tuple(donnees.get("regions", ())))


def _piece(d: dict, numero: int) -> Piece:
    piece = Piece(
        slug=d["slug"], libelle=d["libelle"], requis=d.get("requis", False),
        condition=d.get("condition"), fichier=d.get("fichier"), format=d.get("format"),
        feuille=d.get("feuille"), signee=d.get("signee", False),
        synonymes=tuple(d.get("synonymes", ())), numero=numero,
    )
    if piece.condition is not None and piece.condition not in CONDITIONS:
        raise ValueError(f"pièce {piece.slug} : condition inconnue « {piece.condition} »")
    if piece.requis and piece.condition is not None:
        raise ValueError(f"pièce {piece.slug} : requise et conditionnelle à la fois")
    if (piece.fichier is None) != (piece.format is None) or piece.format not in (None, *FORMATS_GENERES):
        raise ValueError(f"pièce {piece.slug} : fichier généré et format incohérents")
    return piece


def _verifier_unicite(nom: str, pieces: tuple[Piece, ...]) -> None:
    slugs = [p.slug for p in pieces]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"profil {nom} : slug de pièce en double")


# --- conditions on project facts -------------------------------------------------------------

def _liste(noms: tuple[str, ...]) -> str:
    return ", ".join(noms)


def _condition_saad(f: FaitsProjet) -> tuple[bool, str]:
    if f.essms_domicile:
        return True, f"le projet compte {len(f.essms_domicile)} ESSMS d'aide à domicile ({_liste(f.essms_domicile)})"
    return False, "le projet ne compte aucun ESSMS d'aide à domicile"


def _condition_materiel(f: FaitsProjet) -> tuple[bool, str]:
    if f.essms_materiel:
        return True, (f"un financement de matériel est demandé pour {len(f.essms_materiel)} ESSMS "
                      f"({_liste(f.essms_materiel)})")
    return False, "aucun financement de matériel n'est demandé"


def _condition_entite_nationale(f: FaitsProjet) -> tuple[bool, str]:
    if f.og_entite_nationale:
        return True, f"organisme rattaché à une entité nationale : {_liste(f.og_entite_nationale)}"
    return False, "aucun organisme n'est rattaché à une entité nationale"


def _condition_dpi(f: FaitsProjet) -> tuple[bool, str]:
    if f.dpi_ght:
        return True, "la solution est le DPI d'un GHT"
    if f.essms_pde_pds:
        return True, (f"le DUI déjà utilisé dans le projet s'étend à {len(f.essms_pde_pds)} ESSMS des secteurs PDE ou PDS "
                      f"({_liste(f.essms_pde_pds)})")
    return False, "la solution n'est pas le DPI d'un GHT et aucun DUI déjà utilisé ne s'étend à des ESSMS PDE ou PDS"


CONDITIONS: dict[str, tuple[str, Callable[[FaitsProjet], tuple[bool, str]]]] = {
    "saad": ("si le projet compte un ESSMS d'aide à domicile", _condition_saad),
    "materiel": ("si un financement de matériel est demandé", _condition_materiel),
    "entite_nationale": ("si un organisme est rattaché à une entité nationale",
                         _condition_entite_nationale),
    "dpi": ("si la solution est le DPI d'un GHT ou si un DUI déjà utilisé s'étend à des ESSMS PDE ou PDS",
            _condition_dpi),
}


def decrire_condition(condition: str) -> str:
    """French wording of a condition, for when no project is given: "requise si …"."""
    return f"requise {CONDITIONS[condition][0]}"


def evaluer_condition(condition: str, faits: FaitsProjet) -> tuple[bool, str]:
    """Whether a conditional piece is required for these facts, with the French reason."""
    return CONDITIONS[condition][1](faits)


def faits_du_projet(projet) -> FaitsProjet:
    """Facts of a ``dossier.model.Projet`` (or any object with the same attributes)."""
    from dossier.identifiers import categorie

    essms = list(projet.essms)

    def secteur(e) -> str | None:
        cat = categorie(e.categorie)
        return cat.secteur if cat else None

    solution = getattr(projet, "solution", None)
    logiciel = (getattr(solution, "logiciel", None) or "").strip().casefold()

    def utilise(e) -> bool:  # rules.md §2 dpi-ght (revised): a DUI already in use extended to PDE/PDS
        return bool(logiciel) and (getattr(e, "logiciel_actuel", None) or "").strip().casefold() == logiciel

    dui_en_place = any(utilise(e) for e in essms)
    return FaitsProjet(
        essms_domicile=tuple(e.nom for e in essms if _a_domicile(e)),
        essms_materiel=tuple(e.nom for e in essms if getattr(e, "materiel", None)),
        og_entite_nationale=tuple(o.raison_sociale for o in projet.organismes
                                  if getattr(o, "entite_nationale", None)),
        dpi_ght=bool(getattr(solution, "dpi_ght", False)),
        essms_pde_pds=tuple(e.nom for e in essms if dui_en_place and secteur(e) in SECTEURS_DPI and not utilise(e)),
    )


def _a_domicile(essms) -> bool:
    return (essms.categorie in CATEGORIES_DOMICILE or bool(getattr(essms, "saad", False))
            or getattr(essms, "heures_saad", None) is not None)
