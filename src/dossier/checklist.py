"""Completeness and validity of a deposit folder against a profile (pieces.md, "checklist").

Pure library: ``verifier_dossier`` returns a ``ResultatChecklist``; ``afficher_checklist`` is the
only function that prints (a rich table for the CLI).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

from rich.markup import escape

from dossier.errors import DossierError, raison_systeme
from dossier.liens import motif_lien
from dossier.lecture import TAILLE_MAX_PIECE, LectureRefusee, ouvrir, probleme_zip
from dossier.marques import MESSAGE_A_SIGNER, fichier_a_signer
from dossier.profiles import (
    ETIQUETTES_ENTETE, FaitsProjet, Piece, Profil, decrire_condition, evaluer_condition, faits_du_projet)

EXTENSIONS_ACCEPTEES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".png", ".jpg", ".gif")
EXTENSIONS_MODIFIABLES = (".doc", ".docx", ".xls", ".xlsx")
MARQUEURS = ("[a completer", "{{", "{%")  # compared with accent-free, lower-case text

ERREUR, ALERTE = "erreur", "alerte"
PRESENT, MANQUANT, INVALIDE, NON_REQUIS, INDETERMINE = (
    "present", "manquant", "invalide", "non_requis", "indetermine")
A_SIGNER = "a_signer"  # a piece to sign whose only file(s) are the ones ``render`` made, unchanged

_SIGNATURES = {  # magic bytes -> detected content
    b"%PDF": "pdf", b"PK\x03\x04": "zip", b"\xd0\xcf\x11\xe0": "ole",
    b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif",
}
_CONTENU_ATTENDU = {
    ".pdf": "pdf", ".docx": "zip", ".xlsx": "zip", ".doc": "ole", ".xls": "ole",
    ".png": "png", ".jpg": "jpeg", ".gif": "gif",
}
_NOMS_CONTENUS = {
    "pdf": "PDF", "zip": "archive ZIP", "ole": "document Office 97-2003", "png": "image PNG",
    "jpeg": "image JPEG", "gif": "image GIF", "docx": "document Word", "xlsx": "classeur Excel",
}
_PARTIE_ZIP = {".docx": ("word/document.xml", "docx"), ".xlsx": ("xl/workbook.xml", "xlsx")}


# --- results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Constat:
    """A problem found on a piece: ``niveau`` is "erreur" (blocking) or "alerte"."""

    niveau: str
    message: str


@dataclass(frozen=True)
class EtatPiece:
    """The verdict on one piece of the profile; ``requis`` is None when it cannot be decided."""

    piece: Piece
    statut: str
    requis: bool | None
    condition: str | None
    fichiers: tuple[Path, ...]
    problemes: tuple[Constat, ...]


@dataclass(frozen=True)
class NonReconnu:
    fichier: str
    probleme: str


@dataclass(frozen=True)
class ResultatChecklist:
    profil: Profil
    dossier: Path
    pieces: tuple[EtatPiece, ...]
    non_reconnus: tuple[NonReconnu, ...]

    @property
    def complet(self) -> bool:
        """Every required piece is present and valid (alertes do not count)."""
        return all(e.statut == PRESENT for e in self.pieces if e.requis)

    def nom_fichier(self, chemin: Path) -> str:
        """A file as shown to the user: relative to the folder when inside it."""
        try:
            return chemin.relative_to(self.dossier).as_posix()
        except ValueError:
            return str(chemin)

    def to_json(self) -> dict:
        """The ``checklist --json`` document of pieces.md (a dict ready for ``json.dumps``)."""
        return {
            "profil": self.profil.nom,
            "complet": self.complet,
            "pieces": [
                {"slug": e.piece.slug, "libelle": e.piece.libelle, "statut": e.statut,
                 "requis": e.requis, "condition": e.condition,
                 "fichiers": [self.nom_fichier(f) for f in e.fichiers],
                 "problemes": [{"niveau": c.niveau, "message": c.message} for c in e.problemes]}
                for e in self.pieces
            ],
            "non_reconnus": [{"fichier": n.fichier, "probleme": n.probleme} for n in self.non_reconnus],
        }


# --- recognising files ---------------------------------------------------------------------

def normaliser_nom(nom: str) -> str:
    """Lower case, accents removed, every run of separators as a single ``-``."""
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", nom) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")


def _score(nom: str, piece: Piece) -> tuple[int, bool]:
    """Length of the longest key of ``piece`` the normalised stem matches, and whether that key
    is the name of the workbook builder making it (``materiels``), so the piece's sheet must be there."""
    meilleur = (0, False)
    prefixes = [(piece.slug, False)]
    if piece.modele and piece.modele != piece.slug:
        prefixes.append((piece.modele, True))
    for cle, par_classeur in prefixes:
        if (nom == cle or nom.startswith(cle + "-")) and len(cle) > meilleur[0]:
            meilleur = (len(cle), par_classeur)
    for synonyme in piece.synonymes:
        if f"-{synonyme}-" in f"-{nom}-" and len(synonyme) > meilleur[0]:
            meilleur = (len(synonyme), False)
    return meilleur


def reconnaitre(nom_fichier: str, profil: Profil) -> tuple[Piece, bool] | None:
    """The one piece (deposit slot) a file name stands for, with whether it matched through the name
    of the workbook builder; None when it stands for none.

    The longest match wins; between pieces matched equally, the one numbered like the file's
    ``NN-`` prefix, else the first of the profile: a file never fills two slots."""
    normalise = normaliser_nom(Path(nom_fichier).stem)
    numero = re.match(r"^(\d{1,2})-", normalise)
    nom = normalise[numero.end():] if numero else normalise
    scores = [(piece, *_score(nom, piece)) for piece in profil.pieces]
    meilleur = max((s for _, s, _ in scores), default=0)
    if meilleur == 0:
        return None
    ex_aequo = [(piece, par_classeur) for piece, s, par_classeur in scores if s == meilleur]
    rang = int(numero.group(1)) if numero else None
    return next((c for c in ex_aequo if c[0].numero == rang), ex_aequo[0])


# --- checking one file ---------------------------------------------------------------------

@dataclass
class ControleFichier:
    """What opening a file found: its problems and, for a workbook, which sheets are filled."""

    constats: list[Constat] = field(default_factory=list)
    feuilles: dict[str, bool] | None = None
    a_signer: bool = False  # carries the marks of a generated file still to sign (``marques``)

    def erreur(self, nom: str, message: str) -> None:
        self.constats.append(Constat(ERREUR, f"{nom} : {message}"))


def controler_fichier(chemin: Path, textes_projet: frozenset[str] = frozenset()) -> ControleFichier:
    """Open a file with an accepted extension and report what would make GALIS reject it.

    Only a regular file of at most ``TAILLE_MAX_PIECE`` is read; ``textes_projet`` are lines typed in
    the project file, which may look like template tags without being leftovers."""
    controle = ControleFichier()
    try:
        with ouvrir(chemin, TAILLE_MAX_PIECE) as f:
            _controler_contenu(f, chemin, controle, textes_projet)
            if not controle.constats:
                controle.a_signer = fichier_a_signer(f, chemin.suffix.lower())
    except LectureRefusee as e:
        controle.erreur(chemin.name, e.raison)
    except OSError as e:  # broken link, no permission...
        controle.erreur(chemin.name, f"fichier illisible ({raison_systeme(e)})")
    return controle


def _controler_contenu(f: BinaryIO, chemin: Path, controle: ControleFichier, textes_projet: frozenset[str]) -> None:
    nom, extension = chemin.name, chemin.suffix.lower()
    if os.fstat(f.fileno()).st_size == 0:
        controle.erreur(nom, "fichier vide")
        return
    contenu = _contenu_detecte(f.read(1024))
    if contenu != _CONTENU_ATTENDU[extension]:
        detecte = _NOMS_CONTENUS.get(contenu, "non reconnu")
        controle.erreur(nom, f"contenu incohérent avec l'extension {extension} (contenu : {detecte})")
        return
    if extension == ".pdf":
        _controler_pdf(f, nom, controle)
    elif extension in _PARTIE_ZIP:
        _controler_office(f, nom, extension, controle, textes_projet)


def _contenu_detecte(debut: bytes) -> str | None:
    if b"%PDF-" in debut:
        return "pdf"
    return next((c for magie, c in _SIGNATURES.items() if debut.startswith(magie)), None)


@contextmanager
def _pypdf_silencieux():
    """pypdf logs warnings on damaged files; the checklist reports them itself."""
    journal = logging.getLogger("pypdf")
    niveau = journal.level
    journal.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        journal.setLevel(niveau)


def _controler_pdf(f: BinaryIO, nom: str, controle: ControleFichier) -> None:
    from pypdf import PdfReader

    f.seek(max(0, os.fstat(f.fileno()).st_size - 1024))
    if b"%%EOF" not in f.read():
        controle.erreur(nom, "PDF tronqué (marqueur de fin absent)")
        return
    try:
        with _pypdf_silencieux():
            f.seek(0)
            lecteur = PdfReader(f)
            if lecteur.is_encrypted and not lecteur.decrypt(""):
                controle.erreur(nom, "PDF protégé par mot de passe")
                return
            if len(lecteur.pages) == 0:
                controle.erreur(nom, "PDF sans aucune page")
    except Exception:  # pypdf raises many kinds of errors on damaged files
        controle.erreur(nom, "PDF illisible ou corrompu")


def _controler_office(f: BinaryIO, nom: str, extension: str, controle: ControleFichier,
                      textes_projet: frozenset[str]) -> None:
    partie, genre = _PARTIE_ZIP[extension]
    try:
        with zipfile.ZipFile(f) as archive:
            probleme = probleme_zip(archive)
            if probleme:
                controle.erreur(nom, probleme)
                return
            noms = set(archive.namelist())
            if partie not in noms:
                autre = next((g for p, g in _PARTIE_ZIP.values() if p in noms), "zip")
                controle.erreur(nom, f"n'est pas un {_NOMS_CONTENUS[genre]} "
                                     f"(contenu : {_NOMS_CONTENUS[autre]})")
                return
            textes = _textes_docx(archive) if genre == "docx" else _textes_xlsx(f, nom, controle)
    except Exception:  # zipfile, XML and openpyxl errors all mean a damaged file
        controle.erreur(nom, f"{_NOMS_CONTENUS[genre]} corrompu ou illisible")
        return
    _signaler_marqueurs(nom, textes, controle, textes_projet)


def _textes_docx(archive: zipfile.ZipFile) -> list[str]:
    """Text of every paragraph of every XML part of a Word file (body, headers, footers, notes).

    Parsed as a stream, each paragraph dropped once read: memory stays small for a large part."""
    textes = []
    for nom in sorted(archive.namelist()):
        if nom.startswith("word/") and nom.endswith(".xml"):
            with archive.open(nom) as flux:
                for _, element in ElementTree.iterparse(flux):
                    if element.tag.endswith("}p"):
                        textes.append("".join(t.text or "" for t in element.iterfind(".//{*}t")))
                        element.clear()
    return textes


def _textes_xlsx(f: BinaryIO, nom: str, controle: ControleFichier) -> list[str]:
    """Text cells of a workbook; records on ``controle`` which sheets hold a filled table.

    A sheet is filled when, apart from the title block written by ``render`` (« Projet »,
    « Porteur », « Date »…), a table header is followed by a row of at least two values: a
    planning sheet with its header and no task is empty. The workbook is empty when no
    sheet has any value below its first row."""
    from openpyxl import load_workbook

    f.seek(0)
    classeur = load_workbook(f, read_only=True)
    try:
        textes, controle.feuilles, donnees = [], {}, False
        for feuille in classeur.worksheets:
            entete = remplie = False
            for numero, ligne in enumerate(feuille.iter_rows(values_only=True), start=1):
                valeurs = [v for v in ligne if v not in (None, "")]
                textes.extend(v for v in valeurs if isinstance(v, str))
                donnees = donnees or (numero > 1 and bool(valeurs))
                if len(valeurs) < 2 or valeurs[0] in ETIQUETTES_ENTETE:
                    continue
                remplie = remplie or entete
                entete = True
            controle.feuilles[feuille.title] = remplie
    finally:
        classeur.close()
    if not donnees:
        controle.erreur(nom, "classeur sans aucune donnée")
    return textes


def _signaler_marqueurs(nom: str, textes: list[str], controle: ControleFichier,
                        textes_projet: frozenset[str] = frozenset()) -> None:
    """Unfilled markers left in a file; passages typed in the project file (``textes_projet``) are
    the user's own text, not leftovers, even when they look like template tags."""
    restants = [t.strip() for t in textes if any(m in normaliser_texte(_sans(t, textes_projet)) for m in MARQUEURS)]
    if restants:
        exemple = restants[0] if len(restants[0]) <= 60 else restants[0][:57] + "…"
        controle.erreur(nom, f"{len(restants)} passage(s) non complété(s), par exemple « {exemple} »")


def _sans(texte: str, passages: frozenset[str]) -> str:
    for passage in passages:
        if passage in texte:
            texte = texte.replace(passage, "")
    return texte


def textes_du_projet(projet) -> frozenset[str]:
    """Lines of the project's texts that hold a template-like marker (``{{``, ``{%``)."""
    if projet is None:
        return frozenset()
    lignes: set[str] = set()

    def parcourir(valeur) -> None:
        if isinstance(valeur, str):
            lignes.update(l.strip() for l in valeur.splitlines() if "{{" in l or "{%" in l)
        elif isinstance(valeur, dict):
            for v in valeur.values():
                parcourir(v)
        elif isinstance(valeur, (list, tuple)):
            for v in valeur:
                parcourir(v)

    parcourir(projet.model_dump(mode="json"))
    lignes.discard("")
    return frozenset(lignes)


def normaliser_texte(texte: str) -> str:
    """Lower case without accents, for marker detection."""
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)).lower()


# --- the folder ----------------------------------------------------------------------------

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


SOUS_DOSSIER = "sous-dossier ignoré"


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


# --- display -------------------------------------------------------------------------------

_STATUTS_AFFICHES = {
    PRESENT: ("présente", "green"), MANQUANT: ("manquante", "bold red"), INVALIDE: ("invalide", "bold red"),
    A_SIGNER: ("à signer", "bold red"),
    NON_REQUIS: ("non requise", "dim"), INDETERMINE: ("indéterminée", "yellow"),
}


def afficher_checklist(resultat: ResultatChecklist, console) -> None:
    """Print the checklist as a rich table (one row per piece), the files not recognised and a
    one-line summary; ``console`` is a ``rich.console.Console``."""
    from rich.table import Table

    table = Table(title=f"Pièces du dépôt — profil {resultat.profil.nom}", show_lines=False)
    for colonne in ("N°", "Pièce", "Statut", "Fichier(s)", "Problème / condition"):
        table.add_column(colonne, overflow="fold")
    for etat in resultat.pieces:
        libelle, style = _STATUTS_AFFICHES[etat.statut]
        fichiers = "\n".join(escape(resultat.nom_fichier(f)) for f in etat.fichiers) or "—"
        table.add_row(f"{etat.piece.numero:02d}", escape(etat.piece.libelle), f"[{style}]{libelle}[/]",
                      fichiers, _detail(etat))
    console.print(table)
    sous_dossiers = [n.fichier for n in resultat.non_reconnus if n.probleme == SOUS_DOSSIER]
    for non_reconnu in resultat.non_reconnus:
        if non_reconnu.probleme != SOUS_DOSSIER:
            console.print(f"[yellow]fichier non reconnu[/] {escape(non_reconnu.fichier)} : "
                          f"{escape(non_reconnu.probleme)}", highlight=False)
    if sous_dossiers:  # GALIS takes files: a folder beside the pieces is not one of them
        console.print(f"[dim]sous-dossier(s) ignoré(s) : {escape(', '.join(sous_dossiers))}[/]", highlight=False)
    style = "green" if resultat.complet else "bold red"
    console.print(f"[{style}]{escape(resume_checklist(resultat))}[/]", highlight=False)


def _detail(etat: EtatPiece) -> str:
    lignes = [f"[red]{escape(c.message)}[/]" if c.niveau == ERREUR else f"[yellow]alerte : {escape(c.message)}[/]"
              for c in etat.problemes]
    if etat.condition:
        lignes.append(f"[dim]{escape(etat.condition)}[/]")
    return "\n".join(lignes)


def resume_checklist(resultat: ResultatChecklist) -> str:
    """One French line: complete or not, with the counts that matter."""
    compte = {s: sum(e.statut == s for e in resultat.pieces) for s in _STATUTS_AFFICHES}
    alertes = sum(c.niveau == ALERTE for e in resultat.pieces for c in e.problemes)
    parties = [f"{compte[PRESENT]} présente(s)"]
    if compte[MANQUANT]:
        parties.append(f"{compte[MANQUANT]} manquante(s)")
    if compte[INVALIDE]:
        parties.append(f"{compte[INVALIDE]} invalide(s)")
    if compte[A_SIGNER]:
        parties.append(f"{compte[A_SIGNER]} à signer")
    if alertes:
        parties.append(f"{alertes} alerte(s)")
    if compte[INDETERMINE]:
        parties.append(f"{compte[INDETERMINE]} indéterminée(s) : indiquer --projet pour les évaluer")
    fichiers = [n for n in resultat.non_reconnus if n.probleme != SOUS_DOSSIER]
    if fichiers:
        parties.append(f"{len(fichiers)} fichier(s) non reconnu(s)")
    etat = "dossier complet" if resultat.complet else "dossier incomplet"
    return f"{etat} : {', '.join(parties)}"
