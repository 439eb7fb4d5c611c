"""Render the generated pieces of a project's profile into a folder, atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..campaigns import charger_campagne
from ..errors import DossierError, SortieExistante, raison_systeme
from ..interruption import a_nettoyer
from ..model import Projet
from ..profiles import FichierGenere, Profil, charger_profil, evaluer_condition, faits_du_projet
from ..rules import Controle, Financement, calculer_financement


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


def fichiers_a_rendre(profil: Profil, projet: Projet, selection: list[str] | None = None) -> list[FichierGenere]:
    """Generated files of the profile whose pieces are required or whose condition holds; optionally a selection."""
    faits = faits_du_projet(projet)
    retenus = [
        f for f in profil.fichiers_generes()
        if any(p.requis or (p.condition and evaluer_condition(p.condition, faits)[0]) for p in f.pieces)
    ]
    if not selection:
        return retenus
    connus = {f.slug: f for f in retenus} | {p.slug: f for f in retenus for p in f.pieces}
    inconnus = [s for s in selection if s not in connus]
    if inconnus:
        raise DossierError(
            f"pièce(s) inconnue(s) ou non requise(s) pour ce projet : {', '.join(inconnus)} ; "
            f"pièces générables : {', '.join(f.slug for f in retenus)}"
        )
    choisis = {connus[s].slug for s in selection}
    return [f for f in retenus if f.slug in choisis]


def _rendre_fichier(f: FichierGenere, dest: Path, projet: Projet, fin: Financement, contexte, modeles: Path | None) -> None:
    if f.format == "docx":
        from .docx import rendre_docx

        rendre_docx(f.slug, contexte, dest, modeles)
    else:
        from .xlsx import rendre_xlsx

        rendre_xlsx(f.slug, projet, fin, dest, modeles)


def rendre_dossier(
    projet: Projet,
    sortie: Path,
    *,
    selection: list[str] | None = None,
    pdf: bool = False,
    force: bool = False,
    modeles: Path | None = None,
    progression: Callable[[str], None] | None = None,
) -> RapportRendu:
    """Write every generated piece as ``NN-slug.ext`` (and its PDF); nothing partial is ever left behind."""
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    profil = charger_profil(projet.depot.profil)
    a_rendre = fichiers_a_rendre(profil, projet, selection)
    noms = [f.nom for f in a_rendre] + ([f"{f.nom.rsplit('.', 1)[0]}.pdf" for f in a_rendre] if pdf else [])
    existants = [n for n in noms if (sortie / n).exists()]
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
        from .contexte import construire_contexte

        contexte = construire_contexte(projet, fin, profil)
        rapport.marqueurs = list(contexte.marqueurs)
    if any(f.slug == "planning" for f in a_rendre):
        from .xlsx import phases_sans_jalon

        rapport.marqueurs += phases_sans_jalon(projet).values()
    try:
        sortie.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=sortie, prefix=".rendu-") as tmp, \
                a_nettoyer(chemin=tmp):
            tmp = Path(tmp)
            for f in a_rendre:
                if progression:
                    progression(f.nom)
                _rendre_fichier(f, tmp / f.nom, projet, fin, contexte, modeles)
            if pdf:
                from .pdf import convertir_en_pdf

                if progression:
                    progression("conversion PDF (LibreOffice)")
                convertir_en_pdf([tmp / f.nom for f in a_rendre], tmp)
            _remplacer(tmp, sortie, noms)
            rapport.fichiers = [FichierEcrit(nom, (sortie / nom).stat().st_size) for nom in noms]
    except OSError as e:
        raise DossierError(f"écriture impossible dans {sortie} : {raison_systeme(e)}") from None
    return rapport


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
