"""Reading the public FINESS extract (open data, spec finess-extract.md): its header and its ``structureet``
rows, streamed and hashed while read.

The extract (~100 000 rows) is read row by row; only the rows asked for are kept. The primitives here
are shared by the lookups (``finess``) and the cached index (``finess_index``), which import this
module and not each other's.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from . import identifiers as ids
from .errors import DossierError, raison_systeme
from .lecture import TAILLE_MAX_EXTRAIT, LectureRefusee, ouvrir, raison_csv

SECTION_ET = "structureet"
#: Overseas département codes of the extract -> INSEE code and ARS région (None: no ARS région).
OUTRE_MER = {"9A": ("971", "Guadeloupe"), "9B": ("972", "Martinique"), "9C": ("973", "Guyane"),
             "9D": ("974", "La Réunion"), "9E": ("975", None), "9F": ("976", "Mayotte"),
             "9G": ("977", None), "9H": ("978", None), "9J": ("986", None)}
_COLONNES = {"finess_et": 1, "finess_ej": 2, "rs": 3, "rslongue": 4, "commune_code": 12, "departement": 13,
             "libdepartement": 14, "ligneacheminement": 15, "categorie": 18, "libcategorie": 19, "siret": 22}
BLOC_LU = 1 << 20
BLOC_CLE = 64 * 1024  # first and last bytes hashed into the quick key of the index
_CEDEX = re.compile(r"\s+CEDEX(\s+\d+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Structure:
    """One establishment (ET) of the extract."""

    finess_et: str
    finess_ej: str
    rs: str
    rslongue: str
    commune_code: str
    departement: str
    libdepartement: str
    ligneacheminement: str
    categorie: str
    libcategorie: str
    siret: str

    @property
    def nom(self) -> str:
        return self.rslongue or self.rs

    @property
    def commune(self) -> str:
        """Town of the postal line (``97306 CAYENNE CEDEX`` -> ``CAYENNE``)."""
        ville = re.sub(r"^\d{5}\s*", "", self.ligneacheminement)
        return _CEDEX.sub("", ville).strip()

    @property
    def siret_valide(self) -> str:
        """The ET's SIRET when the extract gives a valid one (often empty), else ``""``."""
        return ids.normaliser_siret(self.siret) if self.siret and ids.erreur_siret(self.siret) is None else ""

    @property
    def departement_insee(self) -> str:
        return OUTRE_MER.get(self.departement, (self.departement, None))[0]

    @property
    def region(self) -> str | None:
        if self.departement in OUTRE_MER:
            return OUTRE_MER[self.departement][1]
        return next((r for r, deps in ids.REGIONS.items() if self.departement in deps), None)

    @property
    def eligible(self) -> bool:
        info = ids.categorie(self.categorie)
        return bool(info and info.eligible)


@dataclass
class Extrait:
    """What a pass over the extract found: its date, the structures kept, invalid rows."""

    chemin: Path
    date: dt.date | None = None
    version: str = ""
    lignes_invalides: int = 0
    sha256: str = ""  # of the whole file, once it was streamed to its end

    @property
    def libelle(self) -> str:
        from babel.dates import format_date

        return f"extrait FINESS du {format_date(self.date, 'd MMMM y', locale='fr_FR')}" if self.date else "extrait FINESS"


def _debut(chemin: Path, taille: int = 4 << 20) -> bytes:
    """The first ``taille`` bytes of the extract, which must be a regular file of bounded size (a FIFO
    or a device is refused at once, never waited on)."""
    try:
        with ouvrir(chemin, TAILLE_MAX_EXTRAIT) as f:
            return f.read(taille)
    except FileNotFoundError:
        raise DossierError(f"extrait FINESS introuvable : {chemin}") from None
    except LectureRefusee as e:
        raise DossierError(f"extrait FINESS {chemin} : {e.raison}") from None
    except OSError as e:
        raise DossierError(f"extrait FINESS illisible : {chemin} ({raison_systeme(e)})") from None


class _Empreinte(io.RawIOBase):
    """A binary stream that hashes (sha256) what is read through it."""

    def __init__(self, brut):
        self.brut, self.somme = brut, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, tampon) -> int:
        n = self.brut.readinto(tampon)
        if n:
            self.somme.update(memoryview(tampon)[:n])
        return n

    def close(self) -> None:
        self.brut.close()
        super().close()


def _texte(chemin: Path, empreinte: _Empreinte | None = None) -> io.TextIOBase:
    """The extract as text: UTF-8, else Windows-1252 (checked on its first megabytes), hashed while read."""
    debut = _debut(chemin)
    try:
        debut.decode("utf-8")
        encodage = "utf-8-sig"
    except UnicodeDecodeError as e:
        encodage = "utf-8-sig" if e.start > len(debut) - 4 else "cp1252"
    flux = _Empreinte(chemin.open("rb", buffering=0)) if empreinte is None else empreinte
    return io.TextIOWrapper(io.BufferedReader(flux, BLOC_LU), encoding=encodage, errors="replace", newline="")


def _entete(extrait: Extrait, ligne: list[str]) -> None:
    if len(ligne) < 4 or ligne[0] != "finess" or ligne[1] != "etalab":
        raise DossierError(f"{extrait.chemin} n'est pas un extrait FINESS (première ligne « finess;etalab;version;date » attendue)")
    extrait.version = ligne[2]
    try:
        extrait.date = dt.date.fromisoformat(ligne[3])
    except ValueError:
        extrait.date = None


_INDICES = tuple(_COLONNES.values())
_LARGEUR = max(_INDICES) + 1
_DOUBLES = str.maketrans("0123456789", "0246813579")  # digit -> digit sum of its double
_FORMAT = re.compile(r"[0-9][0-9AB][0-9]{7}")


def finess_ligne_valide(finess: str) -> bool:
    """``identifiers.finess_valide`` of a normalised number, fast enough for every row of the extract."""
    if not _FORMAT.fullmatch(finess):
        return False
    tete = finess[:2]
    if not tete.isdigit():
        if tete not in ("2A", "2B"):
            return False
        finess = ("21" if tete == "2A" else "22") + finess[2:]
    return sum(map(int, finess[-1::-2] + finess[-2::-2].translate(_DOUBLES))) % 10 == 0


def _normaliser(finess: str) -> str:
    return finess.replace(" ", "").upper()


def _valeurs(ligne: list[str]) -> tuple[str, ...] | None:
    """The kept columns of a ``structureet`` row (missing trailing ones empty), None when its FINESS is invalid."""
    if len(ligne) < _LARGEUR:
        ligne = ligne + [""] * (_LARGEUR - len(ligne))
    valeurs = [ligne[i].strip() for i in _INDICES]
    valeurs[0], valeurs[1] = _normaliser(valeurs[0]), _normaliser(valeurs[1])
    return tuple(valeurs) if finess_ligne_valide(valeurs[0]) else None


def _lignes(chemin: Path) -> tuple[Extrait, Iterator[list[str]]]:
    """The extract's header, and an iterator over its raw ``structureet`` rows (once consumed,
    ``extrait.sha256`` is the hash of the whole file). A CSV error is a French DossierError naming the
    line where its row starts.

    The reader is strict: without it, Python's csv module takes the end of the file inside a quoted field
    as the field's end, so a short extract whose last field opens a quote and never closes it was read
    without error (a long one only failed on the field size limit)."""
    extrait = Extrait(Path(chemin))
    empreinte = _Empreinte(extrait.chemin.open("rb", buffering=0))
    flux = _texte(extrait.chemin, empreinte)
    lecteur = csv.reader(flux, delimiter=";", quotechar='"', strict=True)
    debut = 1  # line where the row being read starts

    def erreur(e: csv.Error) -> DossierError:
        fin = f", ligne {lecteur.line_num}" if lecteur.line_num != debut else ""
        raison = raison_csv(str(e), ";", fin=fin, illisible="ligne CSV illisible")
        return DossierError(f"extrait FINESS {extrait.chemin} ligne {debut} : {raison}")

    try:
        _entete(extrait, next(lecteur, []))
    except csv.Error as e:
        flux.close()
        raise erreur(e) from None
    except BaseException:
        flux.close()
        raise

    def lignes() -> Iterator[list[str]]:
        nonlocal debut
        with flux:
            try:
                debut = lecteur.line_num + 1
                for ligne in lecteur:
                    if ligne and ligne[0] == SECTION_ET:
                        yield ligne
                    debut = lecteur.line_num + 1
            except csv.Error as e:
                raise erreur(e) from None
            extrait.sha256 = empreinte.somme.hexdigest()

    return extrait, lignes()


def _valides(extrait: Extrait, lignes: Iterable[list[str]]) -> Iterator[tuple[str, ...]]:
    """Kept columns of the rows whose FINESS ET is valid; the others are counted in ``extrait``."""
    for ligne in lignes:
        valeurs = _valeurs(ligne)
        if valeurs is None:
            extrait.lignes_invalides += 1
        else:
            yield valeurs


def parcourir(chemin: Path) -> tuple[Extrait, Iterator[Structure]]:
    """The extract's header, and an iterator over its valid ET rows (invalid ones counted in the Extrait)."""
    extrait, lignes = _lignes(chemin)
    return extrait, (Structure(*valeurs) for valeurs in _valides(extrait, lignes))




#: Columns of the cached index, in the order of ``Structure``.
_CHAMPS = [f.name for f in fields(Structure)]
