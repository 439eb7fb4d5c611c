"""Checking the content of one file: what GALIS would reject (wrong content for the extension, a PDF
truncated, encrypted or without pages, a damaged Office file, an empty workbook or sheet) and the
unfilled template markers left in it; also whether it is a generated file still to be signed."""

from __future__ import annotations

import logging
import os
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

from dossier.errors import raison_systeme
from dossier.lecture import TAILLE_MAX_PIECE, LectureRefusee, ouvrir, probleme_zip
from dossier.marques import fichier_a_signer
from dossier.profiles import ETIQUETTES_ENTETE

from .resultats import ERREUR, Constat

MARQUEURS = ("[a completer", "{{", "{%")  # compared with accent-free, lower-case text

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

