"""Render the generated pieces of a project's profile into a folder, atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from ..affichage import nom_affichable
from ..campaigns import charger_campagne
from ..errors import DossierError, SortieExistante, raison_systeme
from ..interruption import a_nettoyer
from ..model import Projet
from ..profiles import FichierGenere, Profil, evaluer_condition, faits_du_projet
from ..rules import Controle, Financement, calculer_financement
from ..rules.profil_depot import profil_du_projet
from ..verrous import verrou


@dataclass(frozen=True)
class FichierEcrit:
    nom: str
    taille: int


@dataclass
class RapportRendu:
    dossier: Path
    fichiers: list[FichierEcrit] = field(default_factory=list)
    marqueurs: list[str] = field(default_factory=list)
    alertes: list[Controle] = field(default_factory=list)
    constats: list[str] = field(default_factory=list)  # findings the author must settle, never in a piece

    @property
    def a_completer(self) -> bool:
        """Markers or findings left: ``render`` exits 1."""
        return bool(self.marqueurs or self.constats)


def fichiers_a_rendre(profil: Profil, projet: Projet, selection: list[str] | None = None) -> list[FichierGenere]:
    """Generated files (one per piece) of the profile whose piece is required or whose condition holds;
    optionally a selection (see ``_choisi``)."""
    faits = faits_du_projet(projet)
    retenus = [
        f for f in profil.fichiers_generes()
        if f.piece.requis or (f.piece.condition and evaluer_condition(f.piece.condition, faits)[0])
    ]
    if not selection:
        return retenus
    inconnus = [s for s in selection if not any(_choisi(f, s) for f in retenus)]
    if inconnus:
        raise DossierError(
            f"pièce(s) inconnue(s) ou non requise(s) pour ce projet : {', '.join(inconnus)} ; "
            f"pièces générables : {', '.join(f.slug for f in retenus)}"
        )
    return [f for f in retenus if any(_choisi(f, s) for s in selection)]


def _choisi(f: FichierGenere, nom: str) -> bool:
    """A name selects the piece of that slug, the pieces made by that template or workbook, and the
    pieces whose slug extends it (``planning``: ``planning-projet``, ``planning-deploiement``…)."""
    return nom in (f.slug, f.modele) or f.slug.startswith(nom + "-")


def _rendre_fichier(f: FichierGenere, dest: Path, projet: Projet, fin: Financement, contexte, modeles: Path | None) -> None:
    if f.format == "docx":
        from .docx import rendre_docx

        rendre_docx(f.modele, contexte, dest, modeles)
    else:
        from .classeurs import rendre_xlsx

        rendre_xlsx(f.modele, projet, fin, dest, modeles)


ATTENTE_VERROU = 5.0  # seconds a second render into the same folder waits before giving up
VERROU = ".dossier-rendu.verrou"


def rendre_dossier(projet: Projet, sortie: Path, **options) -> RapportRendu:
    """Render into ``sortie`` (see ``_rendre``) holding its lock; the folder is not left behind, empty,
    when this run created it and failed. Leftovers of a killed run are removed first."""
    sortie = Path(sortie)
    cree = not sortie.exists()
    try:
        sortie.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DossierError(f"écriture impossible dans {sortie} : {raison_systeme(e)}") from None
    try:
        with verrou_dossier(sortie):
            nettoyer_restes(sortie)
            return _rendre(projet, sortie, **options)
    finally:
        if cree:
            _supprimer_si_vide(sortie)


def verrou_dossier(dossier: Path, attente: float | None = None):
    """Hold the advisory lock of an output folder (``flock`` on a hidden file, removed on release).

    Waits up to ``attente`` seconds for another render to finish, then gives up with exit 2."""
    return verrou(dossier / VERROU, attente=ATTENTE_VERROU if attente is None else attente,
                  occupe=f"dossier de sortie en cours d'écriture par un autre rendu : {dossier} ; "
                         "relancer quand il sera terminé",
                  inaccessible=f"écriture impossible dans {dossier}")


def nettoyer_restes(dossier: Path) -> None:
    """Remove the ``.rendu-*`` folders a killed render left (only called holding the folder's lock)."""
    for reste in dossier.glob(".rendu-*"):
        if reste.is_dir() and not reste.is_symlink():
            shutil.rmtree(reste, ignore_errors=True)


def _supprimer_si_vide(dossier: Path) -> None:
    try:
        dossier.rmdir()
    except OSError:  # not empty: the pieces were written
        pass


def _rendre(
    projet: Projet,
    sortie: Path,
    *,
    selection: list[str] | None = None,
    pdf: bool = False,
    force: bool = False,
    modeles: Path | None = None,
    progression: Callable[[str], None] | None = None,
    entrees: tuple[Path, ...] = (),
    convertisseur=None,
) -> RapportRendu:
    """Write every generated piece as ``NN-slug.ext`` (and its PDF); nothing partial is ever left behind.

    ``convertisseur``: a warm LibreOffice (``convertisseur.Convertisseur``) for the PDFs instead of a cold batch."""
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    profil = profil_du_projet(projet)
    a_rendre = fichiers_a_rendre(profil, projet, selection)
    noms = [f.nom for f in a_rendre] + ([f"{f.nom.rsplit('.', 1)[0]}.pdf" for f in a_rendre] if pdf else [])
    existants = [n for n in noms if (sortie / n).exists()]
    _ne_remplace_pas_d_entree(sortie, existants, entrees)
    if existants and not force:
        raise SortieExistante(f"{sortie} contient déjà {', '.join(existants)} : relancer avec --force pour remplacer")
    if modeles is not None and not modeles.is_dir():
        raise DossierError(f"dossier de modèles introuvable : {modeles}")
    if pdf:
        from .pdf import trouver_soffice

        trouver_soffice()
    rapport = RapportRendu(sortie, alertes=fin.alertes)
    contexte = None
    if any(f.format == "docx" for f in a_rendre):
        from .contextes.construction import construire_contexte

        contexte = construire_contexte(projet, fin, profil)
        rapport.marqueurs = list(contexte.marqueurs)
    if any(f.format == "xlsx" for f in a_rendre):
        from .classeurs import marqueurs_xlsx

        rapport.marqueurs += list(dict.fromkeys(m for f in a_rendre if f.format == "xlsx"
                                                for m in marqueurs_xlsx(f.modele, projet)))
    if any(f.modele.startswith("planning") for f in a_rendre):
        from ..rules.coherence import constats_rendu

        rapport.constats = constats_rendu(projet)
    try:
        with tempfile.TemporaryDirectory(dir=sortie, prefix=".rendu-") as tmp, a_nettoyer(chemin=tmp):
            tmp = Path(tmp)
            # a group of warm LibreOffice instances converts each piece while the next one is rendered
            lot = convertisseur.lot(tmp) if pdf and hasattr(convertisseur, "lot") else None
            with lot or nullcontext():
                for f in a_rendre:
                    if progression:
                        progression(f.nom)
                    _rendre_fichier(f, tmp / f.nom, projet, fin, contexte, modeles)
                    _marquer([f], tmp, ".office")
                    if lot is not None:
                        lot.ajouter(tmp / f.nom)
                if pdf and progression:
                    progression("conversion PDF (LibreOffice)")
            if pdf:
                if lot is None:
                    from .pdf import convertir_en_pdf

                    convertir = convertisseur.convertir_en_pdf if convertisseur is not None else convertir_en_pdf
                    convertir([tmp / f.nom for f in a_rendre], tmp)
                _marquer(a_rendre, tmp, ".pdf")
            _remplacer(tmp, sortie, noms)
            rapport.fichiers = [FichierEcrit(nom, (sortie / nom).stat().st_size) for nom in noms]
    except OSError as e:
        raise DossierError(f"écriture impossible dans {sortie} : {raison_systeme(e)}") from None
    return rapport


def _ne_remplace_pas_d_entree(sortie: Path, existants: list[str], entrees: tuple[Path, ...]) -> None:
    """An output never replaces an input (the project file, whatever ``--force`` says)."""
    for nom in existants:
        for entree in entrees:
            try:
                meme = os.path.samefile(sortie / nom, entree)
            except OSError:
                continue
            if meme:
                raise DossierError(f"la pièce {nom} remplacerait le fichier d'entrée {nom_affichable(entree)} : une "
                                   "sortie ne remplace jamais une entrée ; choisir un autre dossier de sortie")


def _marquer(a_rendre: list[FichierGenere], tmp: Path, genre: str) -> None:
    """Generator and « à signer » marks (``marquage``) on the Office files or on their PDFs."""
    from .marquage import marquer

    for f in a_rendre:
        chemin = tmp / f.nom if genre == ".office" else tmp / f"{f.nom.rsplit('.', 1)[0]}.pdf"
        marquer(chemin, f.piece.signee)


def _remplacer(tmp: Path, sortie: Path, noms: list[str]) -> None:
    """Move the rendered files into ``sortie`` all together: on failure, the previous pieces come back.

    The previous pieces are kept as hard links (copies where links are impossible) until every new
    file is in place, so a failing rename, even a failing disk, never leaves old and new pieces mixed.
    """
    sauvegarde = tmp / ".anciens"
    sauvegarde.mkdir()
    anciens = {nom for nom in noms if (sortie / nom).exists()}
    for nom in anciens:
        try:
            os.link(sortie / nom, sauvegarde / nom)
        except OSError:
            shutil.copy2(sortie / nom, sauvegarde / nom)
    places: list[str] = []
    try:
        for nom in noms:
            os.replace(tmp / nom, sortie / nom)
            places.append(nom)
    except BaseException:
        for nom in places:
            if nom in anciens:
                _restaurer(sauvegarde / nom, sortie / nom)
            else:
                (sortie / nom).unlink(missing_ok=True)
        raise


def _restaurer(copie: Path, cible: Path) -> None:
    try:
        os.replace(copie, cible)
    except OSError:
        shutil.copyfile(copie, cible)
