"""The deposit archive: one file per deposit slot in profile order, a manifest and a bordereau.

The bordereau is a plain UTF-8 text file (``00-bordereau.txt``): a PDF would need LibreOffice, and
an xlsx carries timestamps in its metadata and zip entries; text is readable everywhere, holds no
hidden metadata and is byte-for-byte reproducible as is. The whole archive is reproducible: fixed
entry dates and attributes, sorted entries. Piece files are read through ``lecture`` (regular files,
bounded size), hashed in blocks and streamed into the zip: a big file is never whole in memory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dossier.checklist import (A_SIGNER, EXTENSIONS_MODIFIABLES, INVALIDE, MANQUANT, PRESENT, EtatPiece,
                               ResultatChecklist, verifier_dossier)
from dossier.errors import DossierError, SortieExistante, raison_systeme
from dossier.fichiers import fichier_temporaire
from dossier.lecture import BLOC, TAILLE_MAX_PIECE, LectureRefusee, empreinte, ouvrir
from dossier.profiles import Profil

DATE_ZIP = (1980, 1, 1, 0, 0, 0)
ATTRIBUTS_ZIP = 0o100644 << 16  # regular file, rw-r--r--
UNIX = 3
BORDEREAU = "00-bordereau.txt"
MANIFESTE = "manifest.json"
FORMATS = ("pdf", "office", "les-deux")
TAILLE_MAX_ARCHIVE = 1 << 62  # the archive we just wrote is hashed whatever its size


class DossierIncomplet(DossierError):
    """The checklist fails and ``--incomplet`` was not given: no archive is written."""

    def __init__(self, resultat: ResultatChecklist):
        self.resultat = resultat
        echecs = "; ".join(f"{_sans_signee(e.piece)} : {_premier_probleme(e)}" for e in _echecs(resultat) if e.requis)
        super().__init__(f"dossier incomplet, archive non créée ({echecs}) ; "
                         "utiliser --incomplet pour l'archiver quand même")


@dataclass(frozen=True)
class EntreeArchive:
    """One piece file in the archive, as listed by the manifest."""

    slug: str
    libelle: str
    fichier: str
    nom_original: str
    taille: int
    sha256: str
    chemin: Path


@dataclass(frozen=True)
class InfoArchive:
    """What was written: the archive, its pieces, and the checklist it was built from."""

    chemin: Path
    taille: int
    sha256: str
    entrees: tuple[EntreeArchive, ...]
    controles_en_echec: tuple[dict, ...]
    resultat: ResultatChecklist


def construire_archive(dossier: Path, sortie: Path, profil: Profil, projet=None, projet_dir: Path | None = None,
                       *, force: bool = False, incomplet: bool = False, format: str = "pdf",
                       fichier_projet: Path | None = None) -> InfoArchive:
    """Check ``dossier`` and write the deposit zip to ``sortie`` atomically.

    ``force`` only allows replacing an existing archive; ``incomplet`` archives a folder whose checklist
    fails (the failing checks are recorded in the manifest). Without it, an invalid optional piece is
    left out and recorded there too. ``format`` chooses the file of each slot: ``pdf`` (the PDF when the
    folder has one, else the office file), ``office`` (the office file when there is one), ``les-deux``.
    The archive may never be a piece of ``dossier``, the project file, or anything but a regular file.
    """
    if format not in FORMATS:
        raise DossierError(f"format inconnu « {format} » (formats : {', '.join(FORMATS)})")
    sortie = Path(sortie)
    _verifier_sortie(sortie, force, fichier_projet)
    resultat = verifier_dossier(dossier, profil, projet, projet_dir)
    _refuser_sortie_dans_le_dossier(sortie, resultat)
    if not resultat.complet and not incomplet:
        raise DossierIncomplet(resultat)
    entrees = _entrees(resultat, incomplet, format)
    archivees = {e.slug for e in entrees}
    controles = tuple(_controle_en_echec(e, e.piece.slug in archivees) for e in _echecs(resultat))
    textes = {MANIFESTE: _manifeste(profil, entrees, controles, not resultat.complet),
              BORDEREAU: _bordereau(resultat, entrees, controles, projet).encode("utf-8")}
    with fichier_temporaire(sortie) as tmp:
        _ecrire_zip(tmp, textes, {e.fichier: e.chemin for e in entrees})
    taille, sha256 = empreinte(sortie, TAILLE_MAX_ARCHIVE)
    return InfoArchive(chemin=sortie, taille=taille, sha256=sha256, entrees=tuple(entrees),
                       controles_en_echec=controles, resultat=resultat)


def _verifier_sortie(sortie: Path, force: bool, fichier_projet: Path | None) -> None:
    """Refuse an output that is a folder, not a regular file (``/dev/…``), the project file, or exists
    without ``force``."""
    try:
        etat = sortie.stat()
    except FileNotFoundError:
        etat = None
    except OSError as e:
        raise DossierError(f"archive {sortie} inaccessible : {raison_systeme(e)}") from None
    if etat is not None and stat.S_ISDIR(etat.st_mode):
        raise DossierError(f"{sortie} est un dossier : indiquer le chemin du fichier .zip à écrire")
    if etat is not None and not stat.S_ISREG(etat.st_mode):
        raise DossierError(f"{sortie} n'est pas un fichier ordinaire : indiquer le chemin d'un fichier .zip")
    if fichier_projet is not None and sortie.resolve() == Path(fichier_projet).resolve():
        raise DossierError(f"{sortie} est le fichier projet : choisir un autre nom pour l'archive")
    if etat is not None and not force:
        raise SortieExistante(f"l'archive {sortie} existe déjà ; utiliser --force pour la remplacer")


def _refuser_sortie_dans_le_dossier(sortie: Path, resultat: ResultatChecklist) -> None:
    """The archive may not replace a file the checklist read, nor sit in the deposit folder, where
    the next checklist would take it for a piece (or a file GALIS does not accept)."""
    cible = sortie.resolve()
    if cible in {f.resolve() for e in resultat.pieces for f in e.fichiers}:
        raise DossierError(f"{sortie} est une pièce du dossier de dépôt : écrire l'archive ailleurs")
    if cible.parent == resultat.dossier:
        raise DossierError(f"{sortie} est dans le dossier de dépôt, où l'archive serait lue comme une pièce : "
                           "l'écrire ailleurs")


def _echecs(resultat: ResultatChecklist) -> list[EtatPiece]:
    return [e for e in resultat.pieces if e.statut in (MANQUANT, INVALIDE, A_SIGNER)]


def _premier_probleme(etat: EtatPiece) -> str:
    return next((c.message for c in etat.problemes if c.niveau == "erreur"), etat.statut)


def choisir_fichiers(fichiers: tuple[Path, ...], format: str) -> list[Path]:
    """The file(s) of one slot put in the archive (see ``construire_archive``)."""
    pdfs = [f for f in fichiers if f.suffix.lower() == ".pdf"]
    autres = [f for f in fichiers if f.suffix.lower() != ".pdf"]
    if format == "les-deux":
        return pdfs[:1] + autres[:1]
    return ((autres or pdfs) if format == "office" else (pdfs or autres))[:1]


def _entrees(resultat: ResultatChecklist, incomplet: bool, format: str) -> list[EntreeArchive]:
    """One entry per file kept, named ``NN-slug.ext``; with ``incomplet``, invalid pieces are kept,
    from the files of the slot that can be read at all (regular, not too big)."""
    entrees = []
    retenus = (PRESENT, INVALIDE, A_SIGNER) if incomplet else (PRESENT,)
    for etat in resultat.pieces:
        if etat.statut not in retenus:
            continue
        empreintes = {}
        for chemin in etat.fichiers:
            try:
                empreintes[chemin] = empreinte(chemin, TAILLE_MAX_PIECE)
            except (LectureRefusee, OSError) as e:
                if etat.statut != INVALIDE:
                    raison = e.raison if isinstance(e, LectureRefusee) else raison_systeme(e)
                    raise DossierError(f"pièce « {etat.piece.libelle} » ({chemin.name}) illisible : {raison}") from None
        for chemin in choisir_fichiers(tuple(empreintes), format):
            taille, sha256 = empreintes[chemin]
            entrees.append(EntreeArchive(
                slug=etat.piece.slug, libelle=etat.piece.libelle,
                fichier=f"{etat.piece.numero:02d}-{etat.piece.slug}{chemin.suffix.lower()}",
                nom_original=chemin.name, taille=taille, sha256=sha256, chemin=chemin))
    return entrees


def _controle_en_echec(etat: EtatPiece, dans_archive: bool) -> dict:
    return {
        "slug": etat.piece.slug,
        "statut": etat.statut,
        "requis": etat.requis,
        "problemes": [c.message for c in etat.problemes if c.niveau == "erreur"],
        "dans_archive": dans_archive,
    }


def _manifeste(profil: Profil, entrees: list[EntreeArchive], controles: tuple[dict, ...], incomplet: bool) -> bytes:
    document = {
        "profil": profil.nom,
        "incomplet": incomplet,
        "source": profil.source,
        "pieces": [
            {"slug": e.slug, "libelle": e.libelle, "fichier": e.fichier, "nom_original": e.nom_original,
             "taille": e.taille, "sha256": e.sha256}
            for e in entrees
        ],
    }
    if controles:
        document["controles_en_echec"] = list(controles)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_STATUTS_BORDEREAU = {MANQUANT: "MANQUANTE", INVALIDE: "INVALIDE", A_SIGNER: "À SIGNER", "non_requis": "non requise",
                      "indetermine": "non fournie (exigence indéterminée sans projet)"}


def _bordereau(resultat: ResultatChecklist, entrees: list[EntreeArchive], controles: tuple[dict, ...],
               projet) -> str:
    """The human-readable list of the deposit, one block per piece of the profile."""
    profil = resultat.profil
    lignes = ["BORDEREAU DE DÉPÔT — ESMS numérique", "",
              f"Profil : {profil.nom} — {profil.libelle}", f"Source : {profil.source}"]
    if projet is not None:
        lignes += [f"Projet : {projet.intitule}", f"Porteur : {projet.porteur.raison_sociale}"]
    lignes.append("")
    par_piece: dict[str, list[EntreeArchive]] = {}
    for entree in entrees:
        par_piece.setdefault(entree.slug, []).append(entree)
    for etat in resultat.pieces:
        fichiers = par_piece.get(etat.piece.slug, [])
        lignes.append(f"{etat.piece.numero:02d}. {libelle_bordereau(etat, fichiers)}")
        for e in fichiers:
            lignes.append(f"    {e.fichier} (original : {e.nom_original}, {_octets(e.taille)})")
        if not fichiers:
            lignes.append(f"    {_STATUTS_BORDEREAU[etat.statut]}")
    if controles:
        lignes += ["", "Contrôles en échec :"]
        lignes += [f"  - {_sans_signee(profil.piece(c['slug']))} ({_STATUTS_BORDEREAU.get(c['statut'], c['statut']).lower()}) : "
                   f"{' ; '.join(c['problemes'])}" for c in controles]
    lignes += ["", f"{len({e.fichier for e in entrees})} fichier(s) dans l'archive, "
                   f"détail et empreintes dans {MANIFESTE}."]
    return "\n".join(lignes) + "\n"


def _sans_signee(piece) -> str:
    """The name of a piece to sign without « signée », which only the file's status may say."""
    return re.sub(r"\s+signée\b", "", piece.libelle) if piece.signee else piece.libelle


def libelle_bordereau(etat: EtatPiece, fichiers: list[EntreeArchive]) -> str:
    """The piece's name; for a piece to sign, « signée » only when the file archived was accepted as
    signed (a scan or a signed PDF, not the generated file nor an office file)."""
    if not etat.piece.signee:
        return etat.piece.libelle
    libelle = _sans_signee(etat.piece)
    if etat.statut == A_SIGNER:
        return f"{libelle} — À SIGNER (fichier généré par dossier, non signé)"
    if etat.statut == PRESENT and fichiers and all(
            Path(e.fichier).suffix.lower() not in EXTENSIONS_MODIFIABLES for e in fichiers):
        return f"{libelle} — signée"
    if fichiers:
        return f"{libelle} — NON SIGNÉE (fichier modifiable, à remplacer par le scan signé)"
    return libelle


def _octets(taille: int) -> str:
    return f"{taille:,}".replace(",", "\u202f") + " octets"


def _info(nom: str, taille: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(nom, date_time=DATE_ZIP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ATTRIBUTS_ZIP
    info.create_system = UNIX
    info.file_size = taille
    return info


def _ecrire_zip(cible: Path, textes: dict[str, bytes], fichiers: dict[str, Path]) -> None:
    """A reproducible zip: sorted entries, fixed dates and attributes, deflated; piece files streamed."""
    with zipfile.ZipFile(cible, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for nom in sorted(textes | fichiers):
            if nom in textes:
                archive.writestr(_info(nom), textes[nom])
                continue
            with ouvrir(fichiers[nom], TAILLE_MAX_PIECE) as source:
                taille = os.fstat(source.fileno()).st_size
                with archive.open(_info(nom, taille), "w", force_zip64=taille > zipfile.ZIP64_LIMIT // 2) as dest:
                    shutil.copyfileobj(source, dest, BLOC)
