"""The deposit archive: the checked pieces in profile order, a manifest and a bordereau.

The bordereau is a plain UTF-8 text file (``00-bordereau.txt``): a PDF would need LibreOffice, and
an xlsx carries timestamps in its metadata and zip entries; text is readable everywhere, holds no
hidden metadata and is byte-for-byte reproducible as is. The whole archive is reproducible: fixed
entry dates and attributes, sorted entries, content read once and hashed from the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dossier.checklist import INVALIDE, MANQUANT, PRESENT, EtatPiece, ResultatChecklist, verifier_dossier
from dossier.errors import DossierError, SortieExistante
from dossier.fichiers import ecrire_atomique
from dossier.profiles import Profil

DATE_ZIP = (1980, 1, 1, 0, 0, 0)
ATTRIBUTS_ZIP = 0o100644 << 16  # regular file, rw-r--r--
UNIX = 3
BORDEREAU = "00-bordereau.txt"
MANIFESTE = "manifest.json"


class DossierIncomplet(DossierError):
    """The checklist fails and ``--force`` was not given: no archive is written."""

    def __init__(self, resultat: ResultatChecklist):
        self.resultat = resultat
        echecs = "; ".join(f"{e.piece.slug} : {_premier_probleme(e)}" for e in _echecs(resultat) if e.requis)
        super().__init__(f"dossier incomplet, archive non créée ({echecs}) ; "
                         "utiliser --force pour l'archiver quand même")


@dataclass(frozen=True)
class EntreeArchive:
    """One piece file in the archive, as listed by the manifest."""

    slug: str
    libelle: str
    fichier: str
    nom_original: str
    taille: int
    sha256: str


@dataclass(frozen=True)
class InfoArchive:
    """What was written: the archive, its pieces, and the checklist it was built from."""

    chemin: Path
    taille: int
    sha256: str
    entrees: tuple[EntreeArchive, ...]
    controles_en_echec: tuple[dict, ...]
    resultat: ResultatChecklist


def construire_archive(dossier: Path, sortie: Path, profil: Profil, projet=None,
                       projet_dir: Path | None = None, force: bool = False) -> InfoArchive:
    """Check ``dossier`` and write the deposit zip to ``sortie`` atomically.

    Refused (nothing written) when ``sortie`` exists or the checklist fails, unless ``force``; when
    forced, the failing checks are recorded in the manifest. Without ``force``, an invalid optional
    piece is left out of the archive and recorded there too.
    """
    sortie = Path(sortie)
    if sortie.is_dir():
        raise DossierError(f"{sortie} est un dossier : indiquer le chemin du fichier .zip à écrire")
    if sortie.exists() and not force:
        raise SortieExistante(f"l'archive {sortie} existe déjà ; utiliser --force pour la remplacer")
    resultat = verifier_dossier(dossier, profil, projet, projet_dir)
    if not resultat.complet and not force:
        raise DossierIncomplet(resultat)
    contenus, entrees = _pieces_archivees(resultat, force)
    controles = tuple(_controle_en_echec(e, force) for e in _echecs(resultat))
    contenus[MANIFESTE] = _manifeste(profil, entrees, controles)
    contenus[BORDEREAU] = _bordereau(resultat, entrees, controles, projet).encode("utf-8")
    donnees = _zip(contenus)
    ecrire_atomique(sortie, donnees)
    return InfoArchive(chemin=sortie, taille=len(donnees), sha256=hashlib.sha256(donnees).hexdigest(),
                       entrees=tuple(entrees), controles_en_echec=controles, resultat=resultat)


def _echecs(resultat: ResultatChecklist) -> list[EtatPiece]:
    return [e for e in resultat.pieces if e.statut in (MANQUANT, INVALIDE)]


def _premier_probleme(etat: EtatPiece) -> str:
    return next((c.message for c in etat.problemes if c.niveau == "erreur"), etat.statut)


def _pieces_archivees(resultat: ResultatChecklist, force: bool) -> tuple[dict[str, bytes], list[EntreeArchive]]:
    """Archive name -> content of every file kept, and one manifest entry per (piece, file).

    A piece's files are ``NN-slug.ext``, ``NN-slug-2.ext``…; a file covering several pieces (the
    planning workbook) is stored once, named after the generated file it is."""
    contenus: dict[str, bytes] = {}
    noms: dict[Path, str] = {}
    entrees = []
    retenus = (PRESENT, INVALIDE) if force else (PRESENT,)
    for etat in resultat.pieces:
        if etat.statut not in retenus:
            continue
        for rang, chemin in enumerate(etat.fichiers, start=1):
            if chemin not in noms:
                noms[chemin] = _nom_dans_archive(etat, chemin, rang, resultat)
                contenus[noms[chemin]] = chemin.read_bytes()
            contenu = contenus[noms[chemin]]
            entrees.append(EntreeArchive(
                slug=etat.piece.slug, libelle=etat.piece.libelle, fichier=noms[chemin],
                nom_original=chemin.name, taille=len(contenu), sha256=hashlib.sha256(contenu).hexdigest()))
    return contenus, entrees


def _nom_dans_archive(etat: EtatPiece, chemin: Path, rang: int, resultat: ResultatChecklist) -> str:
    piece = etat.piece
    partage = sum(chemin in e.fichiers for e in resultat.pieces) > 1
    slug = piece.fichier if partage and piece.fichier else piece.slug
    suffixe = f"-{rang}" if rang > 1 else ""
    return f"{piece.numero:02d}-{slug}{suffixe}{chemin.suffix.lower()}"


def _controle_en_echec(etat: EtatPiece, force: bool) -> dict:
    return {
        "slug": etat.piece.slug,
        "statut": etat.statut,
        "requis": etat.requis,
        "problemes": [c.message for c in etat.problemes if c.niveau == "erreur"],
        "dans_archive": force and etat.statut == INVALIDE,
    }


def _manifeste(profil: Profil, entrees: list[EntreeArchive], controles: tuple[dict, ...]) -> bytes:
    document = {
        "profil": profil.nom,
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


_STATUTS_BORDEREAU = {MANQUANT: "MANQUANTE", INVALIDE: "INVALIDE", "non_requis": "non requise",
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
        lignes.append(f"{etat.piece.numero:02d}. {etat.piece.libelle}")
        fichiers = par_piece.get(etat.piece.slug, [])
        for e in fichiers:
            lignes.append(f"    {e.fichier} (original : {e.nom_original}, {_octets(e.taille)})")
        if not fichiers:
            lignes.append(f"    {_STATUTS_BORDEREAU[etat.statut]}")
    if controles:
        lignes += ["", "Contrôles en échec :"]
        lignes += [f"  - {c['slug']} ({c['statut']}) : {' ; '.join(c['problemes'])}" for c in controles]
    lignes += ["", f"{len({e.fichier for e in entrees})} fichier(s) dans l'archive, "
                   f"détail et empreintes dans {MANIFESTE}."]
    return "\n".join(lignes) + "\n"


def _octets(taille: int) -> str:
    return f"{taille:,}".replace(",", "\u202f") + " octets"


def _zip(contenus: dict[str, bytes]) -> bytes:
    """A reproducible zip: sorted entries, fixed dates and attributes, deflated."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for nom in sorted(contenus):
            info = zipfile.ZipInfo(nom, date_time=DATE_ZIP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ATTRIBUTS_ZIP
            info.create_system = UNIX
            archive.writestr(info, contenus[nom])
    return tampon.getvalue()
