"""Render every valid project of a portfolio into ``SORTIE/<projet>/``, both cores, one warm LibreOffice."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import DossierError
from .analyse import LignePortefeuille
from .decouverte import EntreeProjet


@dataclass(frozen=True)
class ProjetRendu:
    fichier: str
    dossier: Path | None
    ok: bool
    message: str
    fichiers: int = 0


def nom_de_dossier(fichier: str) -> str:
    """``regions/normandie/Projet Tilleuls.json`` -> ``regions-normandie-projet-tilleuls``."""
    sans_extension = fichier.rsplit(".", 1)[0] if "." in fichier.rsplit("/", 1)[-1] else fichier
    texte = unicodedata.normalize("NFKD", sans_extension).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", texte).strip("-")[:120] or "projet"


def _rendre_un(args: tuple) -> ProjetRendu:
    entree, dest, pdf, force, convertisseur = args
    from ..fiche import charger_projet_ou_fiche
    from ..render.pieces import rendre_dossier

    try:
        projet = entree.projet or charger_projet_ou_fiche(entree.chemin)
        rapport = rendre_dossier(projet, dest, pdf=pdf, force=force, convertisseur=convertisseur)
    except DossierError as e:
        return ProjetRendu(entree.fichier, dest, False, e.message)
    except (OSError, ValueError) as e:
        return ProjetRendu(entree.fichier, dest, False, f"{type(e).__name__} : {e}")
    marqueurs = f" ; {len(rapport.marqueurs)} champ(s) à compléter dans les pièces" if rapport.marqueurs else ""
    return ProjetRendu(entree.fichier, dest, True, f"{len(rapport.fichiers)} fichier(s) écrit(s){marqueurs}",
                       len(rapport.fichiers))


def _prechauffer_rendu() -> None:
    """Import the renderers once in the parent: the forked workers inherit them instead of each
    importing docxtpl, openpyxl and the contexts on its first project."""
    from ..fiche import charger_projet_ou_fiche  # noqa: F401
    from ..render import classeurs, contextes, docx, pieces  # noqa: F401


def rendre_portefeuille(entrees: list[EntreeProjet], lignes: list[LignePortefeuille], sortie: Path, *,
                        pdf: bool = False, force: bool = False, processus: int | None = None, convertisseur=None,
                        progression: Callable[[ProjetRendu], None] | None = None) -> list[ProjetRendu]:
    """Render the projects whose row is valid; the others are reported as not rendered.

    With ``pdf``, every conversion goes through warm LibreOffice instances (``convertisseur``, or a group
    of one per core started here and stopped at the end: ``render.conversions``). A project that fails is reported and the others go on."""
    from ..render.conversions import GroupeConvertisseurs

    sortie = Path(sortie)
    par_fichier = {e.fichier: e for e in entrees}
    resultats: list[ProjetRendu] = []
    taches, noms = [], set()
    for ligne in lignes:
        if not ligne.valide:
            raison = ligne.erreur or f"projet invalide ({ligne.problemes} problème(s))"
            resultats.append(ProjetRendu(ligne.fichier, None, False, f"non rendu : {raison}"))
            continue
        nom = nom_de_dossier(ligne.fichier)
        while nom in noms:
            nom += "-bis"
        noms.add(nom)
        taches.append((par_fichier[ligne.fichier], sortie / nom, pdf))
    for r in resultats:
        if progression:
            progression(r)
    if not taches:
        return resultats
    _prechauffer_rendu()
    propre = pdf and convertisseur is None
    if propre:
        convertisseur = GroupeConvertisseurs()
    try:
        if pdf:
            convertisseur.demarrer()  # the same instances for every project, started before the workers
        arguments = [(e, d, p, force, convertisseur if pdf else None) for e, d, p in taches]
        # one worker per core (measured on 2 cores, 6 projects of 50 ESSMS with --pdf: 1 worker 32 s,
        # 2 workers 17-23 s, 3 workers 22-33 s: LibreOffice is then starved of CPU)
        processus = min(processus or os.cpu_count() or 1, len(arguments))
        if processus <= 1:
            for a in arguments:
                resultats.append(_rendre_un(a))
                if progression:
                    progression(resultats[-1])
        else:
            with ProcessPoolExecutor(max_workers=processus) as pool:
                for r in pool.map(_rendre_un, arguments):
                    resultats.append(r)
                    if progression:
                        progression(r)
    finally:
        if propre:
            convertisseur.arreter()
    return resultats
