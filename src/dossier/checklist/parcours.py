"""The deposit folder: its files gathered for each piece of the profile, and the state of every piece
(present, missing, invalid, to sign, not required, undetermined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dossier.errors import DossierError
from dossier.liens import motif_lien
from dossier.marques import MESSAGE_A_SIGNER
from dossier.profiles import FaitsProjet, Piece, Profil, decrire_condition, evaluer_condition, faits_du_projet

from .contenu import ControleFichier, controler_fichier, textes_du_projet
from .noms import reconnaitre
from .resultats import (
    A_SIGNER, ALERTE, ERREUR, EXTENSIONS_ACCEPTEES, EXTENSIONS_MODIFIABLES, INDETERMINE, INVALIDE, MANQUANT,
    NON_REQUIS, PRESENT, SOUS_DOSSIER, Constat, EtatPiece, NonReconnu, ResultatChecklist)

@dataclass
class _Collecte:
    """Files gathered for each piece slug while scanning the folder."""

    fichiers: dict[str, list[tuple[Path, bool]]] = field(default_factory=dict)
    constats: dict[str, list[Constat]] = field(default_factory=dict)
    non_reconnus: list[NonReconnu] = field(default_factory=list)

    def ajouter(self, slug: str, chemin: Path, par_classeur: bool) -> None:
        self.fichiers.setdefault(slug, []).append((chemin, par_classeur))

    def signaler(self, slug: str, constat: Constat) -> None:
        self.constats.setdefault(slug, []).append(constat)


def verifier_dossier(dossier: Path, profil: Profil, projet=None,
                     projet_dir: Path | None = None) -> ResultatChecklist:
    """Check a deposit folder against a profile; ``projet`` (a ``dossier.model.Projet``) decides
    conditional pieces and may name user files in its ``pieces`` map, relative to ``projet_dir``."""
    dossier = Path(dossier).resolve()
    if not dossier.is_dir():
        raise DossierError(f"dossier introuvable : {dossier}")
    collecte = _Collecte()
    explicites = _pieces_du_projet(projet, Path(projet_dir or "."), profil, collecte)
    for chemin in _fichiers_candidats(dossier, explicites, collecte, profil):
        _classer(chemin, dossier, profil, explicites, collecte)
    faits = faits_du_projet(projet) if projet is not None else None
    textes = textes_du_projet(projet)
    controles: dict[Path, ControleFichier] = {}
    for chemin, _ in (f for fichiers in collecte.fichiers.values() for f in fichiers):
        if chemin not in controles:
            controles[chemin] = controler_fichier(chemin, textes)
    etats = tuple(_etat_piece(piece, faits, collecte, controles) for piece in profil.pieces)
    return ResultatChecklist(profil=profil, dossier=dossier, pieces=etats,
                             non_reconnus=tuple(collecte.non_reconnus))


def _pieces_du_projet(projet, projet_dir: Path, profil: Profil, collecte: _Collecte) -> dict[Path, str]:
    """Files the project's ``pieces`` map assigns explicitly, resolved path -> piece slug."""
    explicites = {}
    for slug, relatif in (getattr(projet, "pieces", None) or {}).items():
        chemin = (projet_dir / relatif).resolve()
        if profil.piece(slug) is None:
            collecte.non_reconnus.append(NonReconnu(
                str(relatif), f"pièce « {slug} » inconnue du profil {profil.nom} (clé pieces du projet)"))
        elif not chemin.exists():
            collecte.signaler(slug, Constat(ERREUR, f"{relatif} : fichier indiqué par le projet introuvable"))
        else:
            explicites[chemin] = slug
    return explicites


def _fichiers_candidats(dossier: Path, explicites: dict[Path, str], collecte: _Collecte,
                        profil: Profil) -> list[Path]:
    """Visible files of the folder, sorted, then the project's files kept outside it."""
    candidats = []
    for chemin in sorted(dossier.iterdir()):
        if chemin.name.startswith((".", "~$")):
            continue
        if chemin.is_symlink() and not chemin.resolve().is_relative_to(dossier):
            reconnue = reconnaitre(chemin.name, profil)
            _refuser(chemin.name, motif_lien(chemin), reconnue[0] if reconnue else None, collecte)
        elif chemin.is_dir():
            collecte.non_reconnus.append(NonReconnu(chemin.name, SOUS_DOSSIER))
        else:
            candidats.append(chemin)
    return candidats + sorted(c for c in explicites if c.parent != dossier)


def _classer(chemin: Path, dossier: Path, profil: Profil, explicites: dict[Path, str],
             collecte: _Collecte) -> None:
    """Attach a file to the piece it stands for, or report it as not recognised."""
    reconnue = (profil.piece(explicites[chemin]), False) if chemin in explicites else reconnaitre(chemin.name, profil)
    nom = chemin.name if chemin.parent == dossier else str(chemin)
    extension = chemin.suffix.lower()
    if extension not in EXTENSIONS_ACCEPTEES:
        _refuser(nom, f"extension non acceptée par GALIS ({extension or 'aucune'})",
                 reconnue[0] if reconnue else None, collecte)
    elif reconnue is None:
        collecte.non_reconnus.append(NonReconnu(nom, f"ne correspond à aucune pièce du profil {profil.nom}"))
    else:
        collecte.ajouter(reconnue[0].slug, chemin, reconnue[1])



def _refuser(nom: str, motif: str, piece: Piece | None, collecte: _Collecte) -> None:
    """A file that is not taken (GALIS would not accept it, or it is not read): reported, with the
    piece it would cover."""
    collecte.non_reconnus.append(NonReconnu(nom, motif + (f" ; couvrirait la pièce « {piece.libelle} »" if piece else "")))
    if piece:
        collecte.signaler(piece.slug, Constat(ERREUR, f"{nom} : {motif}"))


def _etat_piece(piece: Piece, faits: FaitsProjet | None, collecte: _Collecte,
                controles: dict[Path, ControleFichier]) -> EtatPiece:
    requis, condition = _exigence(piece, faits)
    fichiers = collecte.fichiers.get(piece.slug, [])
    constats = list(collecte.constats.get(piece.slug, []))
    if fichiers:
        constats = [Constat(ALERTE, c.message) for c in constats]  # a valid file is there anyway
    for chemin, par_classeur in fichiers:
        controle = controles[chemin]  # every file was checked once, with the project's texts (verifier_dossier)
        constats += controle.constats + _constats_de_piece(piece, chemin, par_classeur, controle)
    if any(c.niveau == ERREUR for c in constats):
        statut = INVALIDE
    elif fichiers and piece.signee and all(controles[c].a_signer for c, _ in fichiers):
        statut = A_SIGNER
        constats = [c for c in constats if "pièce à signer, encore au format" not in c.message]
        constats.append(Constat(ERREUR, MESSAGE_A_SIGNER))
    elif fichiers:
        statut = PRESENT
        if piece.signee and any(c.suffix.lower() not in EXTENSIONS_MODIFIABLES and not controles[c].a_signer
                                for c, _ in fichiers):  # the signed scan is there: the draft beside it is fine
            constats = [c for c in constats if "pièce à signer, encore au format" not in c.message]
    elif requis:
        statut = MANQUANT
        constats.append(Constat(ERREUR, "pièce obligatoire absente"))
    else:
        statut = INDETERMINE if requis is None else NON_REQUIS
    return EtatPiece(piece=piece, statut=statut, requis=requis, condition=condition,
                     fichiers=tuple(c for c, _ in fichiers), problemes=tuple(constats))


def _exigence(piece: Piece, faits: FaitsProjet | None) -> tuple[bool | None, str | None]:
    """Whether the piece is required (None: cannot tell without the project) and why."""
    if piece.condition is None:
        return piece.requis, None
    if faits is None:
        return None, f"{decrire_condition(piece.condition)} (indéterminé sans projet)"
    return evaluer_condition(piece.condition, faits)


def _constats_de_piece(piece: Piece, chemin: Path, par_classeur: bool,
                       controle: ControleFichier) -> list[Constat]:
    """Checks that depend on the piece: its sheet in the workbook (present when the file was named
    after the workbook builder, filled whenever present), its signature."""
    constats = []
    if piece.feuille and controle.feuilles is not None:
        if piece.feuille not in controle.feuilles:
            if par_classeur:
                constats.append(Constat(ERREUR, f"{chemin.name} : feuille « {piece.feuille} » absente"))
        elif not controle.feuilles[piece.feuille]:
            constats.append(Constat(ERREUR, f"{chemin.name} : feuille « {piece.feuille} » vide"))
    if piece.signee and chemin.suffix.lower() in EXTENSIONS_MODIFIABLES:
        constats.append(Constat(ALERTE, f"{chemin.name} : pièce à signer, encore au format "
                                        f"{chemin.suffix.lower()} ; déposer le scan signé (PDF)"))
    return constats

