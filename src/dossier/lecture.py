"""Bounded reading of the files a user hands over (project file, templates, deposit pieces, tables).

Only regular files are read: a FIFO, device or socket is refused before any read (the file is
opened with ``O_NONBLOCK`` and checked with ``fstat``, so a FIFO never blocks). Sizes are bounded,
and a zip (docx, xlsx) is judged on its central directory (entry count, declared uncompressed size,
compression ratio) before anything is inflated: ``zipfile`` never inflates more than an entry's
declared size, so the directory bounds what reading it may cost.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import io
import os
import stat
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import DossierError, raison_systeme

MO = 1024 * 1024
# GALIS takes pieces of a few Mo (scans, signed PDFs, office files); 20 Mo is well above any real
# piece of the dossier, and low enough that checking and archiving a folder stays cheap.
TAILLE_MAX_PIECE = 20 * MO
TAILLE_MAX_PROJET = 50 * MO  # a 100 000-ESSMS project file is about 40 Mo
TAILLE_MAX_MODELE = 20 * MO
TAILLE_MAX_EXTRAIT = 200 * MO  # the public FINESS extract (≈ 25 Mo for ≈ 100 000 rows), read as a stream
TAILLE_MAX_TABLEAU = 50 * MO  # a fiche, an ESSMS list or a measures file (2 000 ESSMS × 24 months: a few Mo)
ZIP_ENTREES_MAX = 10_000
ZIP_TAILLE_MAX = 512 * MO  # declared uncompressed total (a 20 000-ESSMS note is a few tens of Mo)
ZIP_RATIO_MAX = 200  # per entry above ZIP_RATIO_SEUIL: deflate bombs reach ~1000
ZIP_RATIO_SEUIL = 10 * MO
BLOC = MO


class LectureRefusee(DossierError):
    """A file that is not read: ``raison`` says why, without the file's name (the caller names it)."""

    def __init__(self, chemin: Path | str, raison: str):
        self.chemin = Path(chemin)
        self.raison = raison
        super().__init__(f"{chemin} : {raison}")


def taille_lisible(octets: int) -> str:
    """``20 Mo``, ``1,5 Go``: sizes in the messages."""
    for unite, facteur in (("Go", 1024 * MO), ("Mo", MO), ("ko", 1024)):
        if octets >= facteur:
            return f"{octets / facteur:.1f}".replace(".0", "").replace(".", ",") + f" {unite}"
    return f"{octets} octets"


def _nature(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "c'est un dossier"
    if stat.S_ISFIFO(mode):
        return "tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "périphérique"
    return "type inconnu"


@contextmanager
def ouvrir(chemin: Path | str, taille_max: int) -> Iterator[BinaryIO]:
    """Open a regular file of at most ``taille_max`` bytes for reading; ``LectureRefusee`` otherwise.

    ``OSError`` (missing file, permission) goes through, for the caller to name in its own words."""
    try:
        fd = os.open(chemin, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if e.errno == errno.ENXIO:  # a socket cannot be opened
            raise LectureRefusee(chemin, "pas un fichier ordinaire (socket)") from None
        raise
    try:
        etat = os.fstat(fd)
        if not stat.S_ISREG(etat.st_mode):
            raise LectureRefusee(chemin, f"pas un fichier ordinaire ({_nature(etat.st_mode)})")
        if etat.st_size > taille_max:
            raise LectureRefusee(chemin, f"fichier trop volumineux ({taille_lisible(etat.st_size)} ; "
                                         f"limite {taille_lisible(taille_max)})")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        fichier = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fichier:
        yield fichier


def lire_octets(chemin: Path | str, taille_max: int) -> bytes:
    """The whole content of a regular file of at most ``taille_max`` bytes (a growing file is cut)."""
    with ouvrir(chemin, taille_max) as f:
        contenu = f.read(taille_max + 1)
    if len(contenu) > taille_max:
        raise LectureRefusee(chemin, f"fichier trop volumineux (limite {taille_lisible(taille_max)})")
    return contenu


def empreinte(chemin: Path | str, taille_max: int) -> tuple[int, str]:
    """Size and sha256 of a regular file, read in blocks (never whole in memory)."""
    somme, taille = hashlib.sha256(), 0
    with ouvrir(chemin, taille_max) as f:
        while bloc := f.read(BLOC):
            somme.update(bloc)
            taille += len(bloc)
    return taille, somme.hexdigest()


def probleme_zip(archive: zipfile.ZipFile) -> str | None:
    """Why a zip must not be inflated (too many entries, too big, bomb-like ratio), or None."""
    infos = archive.infolist()
    if len(infos) > ZIP_ENTREES_MAX:
        return f"archive de {len(infos)} éléments (limite {ZIP_ENTREES_MAX})"
    total = sum(i.file_size for i in infos)
    if total > ZIP_TAILLE_MAX:
        return (f"contenu décompressé déclaré de {taille_lisible(total)} "
                f"(limite {taille_lisible(ZIP_TAILLE_MAX)}) : bombe de décompression probable")
    for info in infos:
        if info.file_size > ZIP_RATIO_SEUIL and info.file_size > ZIP_RATIO_MAX * max(info.compress_size, 1):
            return (f"élément {info.filename} compressé {info.file_size // max(info.compress_size, 1)} fois "
                    f"(limite {ZIP_RATIO_MAX}) : bombe de décompression probable")
    return None


def verifier_zip(source: Path | str | BinaryIO, nom: Path | str) -> None:
    """Raise ``LectureRefusee`` naming ``nom`` when the zip at ``source`` must not be inflated.

    A file that is not a zip at all is left for the caller's reader to report."""
    try:
        with zipfile.ZipFile(source) as archive:
            probleme = probleme_zip(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return
    if probleme:
        raise LectureRefusee(nom, probleme)


def lire_modele(chemin: Path) -> bytes:
    """The bytes of a template (docx, xlsx), refused when not a regular file, too big or a zip bomb."""
    try:
        contenu = lire_octets(chemin, TAILLE_MAX_MODELE)
    except OSError as e:
        raise DossierError(f"modèle {chemin.name} : fichier illisible ({raison_systeme(e)})") from None
    except LectureRefusee as e:
        raise DossierError(f"modèle {chemin.name} : {e.raison}") from None
    try:
        verifier_zip(io.BytesIO(contenu), chemin)
    except LectureRefusee as e:
        raise DossierError(f"modèle {chemin.name} : {e.raison}") from None
    return contenu


# --------------------------------------------------------------------------- tables people fill in


def _octets_de_tableau(chemin: Path, quoi: str) -> bytes:
    """The bytes of a table file (``quoi``: "fiche projet", "liste d'ESSMS"…), or a French DossierError."""
    try:
        return lire_octets(chemin, TAILLE_MAX_TABLEAU)
    except FileNotFoundError:
        raise DossierError(f"{quoi} introuvable : {chemin}") from None
    except LectureRefusee as e:
        raise DossierError(f"{quoi} {chemin} : {e.raison}") from None
    except OSError as e:
        raise DossierError(f"{quoi} illisible : {chemin} ({raison_systeme(e)})") from None


#: Bounds of a table people fill in (a sheet of a workbook, a CSV): an OG has at most a few thousand
#: ESSMS, a fiche's widest table about forty columns; what lies past them is refused, never padded.
LIGNES_MAX = 100_000  # a measures file of 2 000 ESSMS × 24 months is 48 000 rows
COLONNES_MAX = 200
LONGUEUR_MAX_ENTETE = 64 * 1024  # characters of a CSV's first line (200 headers of 300 characters)


def _separe(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def lignes_feuille(ws, quoi: str, lignes_max: int = LIGNES_MAX, colonnes_max: int = COLONNES_MAX,
                   colonnes_lues: int | None = None) -> Iterator[tuple]:
    """The rows of a read-only sheet, streamed, each cut to ``colonnes_lues`` values (default
    ``colonnes_max``); a sheet that declares (or holds) more than ``lignes_max`` rows or ``colonnes_max``
    columns is refused (French DossierError).

    openpyxl pads every missing row to the sheet's declared width: a single far cell (``XFD1048576``)
    would make a million rows of 16 384 values; reading is therefore bounded before any row is made."""
    from openpyxl.utils import get_column_letter

    hauteur, largeur = ws.max_row or 0, ws.max_column or 0
    if hauteur > lignes_max or largeur > colonnes_max:
        raise DossierError(
            f"{quoi} : la feuille « {ws.title} » s'étend jusqu'à la cellule {get_column_letter(min(largeur, 16384) or 1)}"
            f"{hauteur} ; au plus {_separe(lignes_max)} lignes et {colonnes_max} colonnes sont lues : "
            "supprimer les lignes et colonnes au-delà (ou répartir la liste)")
    for numero, ligne in enumerate(ws.iter_rows(max_row=lignes_max + 1, max_col=min(colonnes_lues or colonnes_max, colonnes_max), values_only=True),
                                   start=1):
        if numero > lignes_max:
            if any(v is not None for v in ligne):
                raise DossierError(f"{quoi} : la feuille « {ws.title} » a plus de {_separe(lignes_max)} lignes (limite)")
            return
        yield tuple(ligne)


def ouvrir_classeur(chemin: Path, quoi: str):
    """The workbook at ``chemin`` (read only, cell values), read through the guard: regular file,
    bounded size, zip directory checked before openpyxl inflates anything."""
    from openpyxl import load_workbook

    contenu = _octets_de_tableau(chemin, quoi)
    try:
        verifier_zip(io.BytesIO(contenu), chemin)
    except LectureRefusee as e:
        raise DossierError(f"{quoi} {chemin} : {e.raison}") from None
    try:
        return load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on a damaged file
        raise DossierError(f"{quoi} illisible : {chemin} (ce n'est pas un classeur .xlsx valide)") from None


def flux_csv(chemin: Path, quoi: str, lignes_max: int = LIGNES_MAX, colonnes_max: int = COLONNES_MAX) -> Iterator[list[str]]:
    """Rows of a CSV people export, streamed: UTF-8 (with or without BOM), else Windows-1252; ``;`` or
    ``,``, whichever the header line uses more. Each row is cut to ``colonnes_max`` fields; a first line
    over ``LONGUEUR_MAX_ENTETE`` characters, more than ``lignes_max`` rows, a field over the csv module's
    limit or an unbalanced quote are refused in French, naming the file and the line."""
    contenu = _octets_de_tableau(chemin, quoi)
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        texte = contenu.decode("cp1252", errors="replace")
    del contenu
    fin = texte.find("\n", 0, LONGUEUR_MAX_ENTETE + 2)
    premiere = texte[:fin if fin >= 0 else LONGUEUR_MAX_ENTETE + 1].rstrip("\r")
    if len(premiere) > LONGUEUR_MAX_ENTETE:
        raise DossierError(f"{quoi} {chemin} : première ligne (en-têtes) de plus de {_separe(LONGUEUR_MAX_ENTETE)} "
                           "caractères : ce n'est pas une liste lisible")
    separateur = ";" if premiere.count(";") >= premiere.count(",") else ","
    # strict: without it, the end of the file inside a quoted field would end the field silently (the
    # rest of the list swallowed into one cell, without error)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    try:
        for ligne in lecteur:
            if lecteur.line_num > lignes_max + 1 and lecteur.line_num > 1:
                if any(v.strip() for v in ligne):
                    raise DossierError(f"{quoi} {chemin} : plus de {_separe(lignes_max)} lignes (limite)")
                continue
            yield ligne[:colonnes_max]
    except csv.Error as e:
        raise DossierError(f"{quoi} {chemin} ligne {lecteur.line_num} : {raison_csv(str(e), separateur)}") from None


def raison_csv(message: str, separateur: str, *, fin: str = "",
               illisible: str = "ligne CSV illisible (guillemets mal placés ?)") -> str:
    """The French reason of a strict csv reader's error ``message``; ``fin`` follows the reason of a quote
    left open at the end of the file, ``illisible`` is the reason of any other error."""
    if "field larger" in message:
        return "champ de plus de 131 072 caractères ou guillemet « \" » non refermé"
    if "unexpected end of data" in message:
        return f"guillemet « \" » non refermé avant la fin du fichier{fin}"
    if "expected after" in message:
        return (f"guillemet « \" » mal placé : un champ entre guillemets doit être suivi de « {separateur} » "
                "(un guillemet dans un champ s'écrit doublé « \"\" »)")
    return illisible


def lignes_csv(chemin: Path, quoi: str) -> list[list[str]]:
    """Every row of a CSV people export (see ``flux_csv``)."""
    return list(flux_csv(chemin, quoi))
