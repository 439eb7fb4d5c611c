"""The home page's portfolio (issue 24 item 4): one row per visible project, made by the portfolio
library (``dossier.portefeuille.analyser_projet``) from the project's current version, its deposit
folder (generated + uploaded pieces, rebuilt from the stored files) and its latest measures file.

Rows are cached in the process, keyed by everything they depend on (version hash, last generation,
uploaded pieces, measures, today's date), so the home page stays quick with many projects: a row is
computed again only when its project changed. Nothing here forks (a web server's thread calls it).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..portefeuille import STATUTS, EntreeProjet, LignePortefeuille, analyser_projet, trier
from ..portefeuille.tableau import TRIS, Portefeuille, totaux_par_groupe
from . import depot, stockage
from .models import Mesures, Projet

TAILLE_CACHE = 5000
_CACHE: OrderedDict[tuple, LignePortefeuille] = OrderedDict()
_VERROU = threading.Lock()

#: The library's next actions name CLI commands; the portal names its own buttons and tabs.
_MOTS_DU_PORTAIL = (
    (" (dossier validate)", " (voir l'état du projet)"),
    ("générer les pièces (dossier render)", "générer les pièces (« Générer les pièces »)"),
    ("mesurer les usages (mesures.csv)", "mesurer les usages (onglet « Usages »)"),
)


@dataclass
class LigneAccueil:
    projet: Projet
    ligne: LignePortefeuille


@dataclass
class Filtres:
    region: str = ""
    campagne: str = ""
    statut: str = ""
    tri: str = ""

    @classmethod
    def de(cls, get) -> Filtres:
        tri = get.get("tri", "")
        return cls(get.get("region", "").strip(), get.get("campagne", "").strip(), get.get("statut", "").strip(),
                   tri if tri in TRIS else "")

    def garde(self, x: LignePortefeuille) -> bool:
        return ((not self.region or x.region == self.region) and (not self.campagne or x.campagne == self.campagne)
                and (not self.statut or x.statut == self.statut))

    def parametres(self, **remplace) -> str:
        """The query string of these filters with some values replaced (links of the column headers)."""
        from urllib.parse import urlencode

        valeurs = {"region": self.region, "campagne": self.campagne, "statut": self.statut, "tri": self.tri}
        valeurs.update(remplace)
        return urlencode({k: v for k, v in valeurs.items() if v})


def _mesures(projet: Projet) -> Mesures | None:
    return Mesures.objects.filter(projet=projet).order_by("-cree_le", "-pk").first()


def _cle(projet: Projet, version, aujourdhui: dt.date) -> tuple:
    generation = depot.derniere_generation(projet)
    deposees = tuple(sorted((slug, p.sha256) for slug, p in depot.pieces_deposees(projet).items()))
    mesures = _mesures(projet)
    return (projet.pk, version.pk if version else None, version.sha256 if version else None,
            (generation.pk, generation.fin) if generation else None, deposees,
            (mesures.pk, mesures.sha256) if mesures else None, aujourdhui)


def _analyser(projet: Projet, version, aujourdhui: dt.date) -> LignePortefeuille:
    from .vues.outils import projet_de_version

    if version is None:
        return LignePortefeuille(projet.intitule, intitule=projet.intitule, erreur="aucune version déposée",
                                 prochaine_action="déposer une fiche projet ou un fichier JSON")
    fichier = f"{version.nom_original} (version {version.numero})"
    modele = projet_de_version(version)
    with tempfile.TemporaryDirectory(prefix="dossier-portefeuille-") as tmp:
        tmp = Path(tmp)
        if modele is None:  # invalid: the library reads the stored file and counts its problems
            chemin = stockage.copier_vers(version.sha256, tmp / f"projet{version.extension}")
            ligne = analyser_projet(EntreeProjet(fichier, chemin), aujourdhui)
        else:
            dossier_depot = None
            if depot.derniere_generation(projet) is not None or depot.pieces_deposees(projet):
                dossier_depot = tmp / "depot"
                dossier_depot.mkdir()
                depot.construire(projet, modele, dossier_depot)
            mesures, chemin_mesures = _mesures(projet), None
            if mesures is not None:
                chemin_mesures = stockage.copier_vers(mesures.sha256, tmp / f"mesures{mesures.extension}")
            ligne = analyser_projet(EntreeProjet(fichier, None, modele, dossier_depot, chemin_mesures), aujourdhui)
    ligne.chemin = None  # the working copies are gone
    for cli, portail in _MOTS_DU_PORTAIL:
        ligne.prochaine_action = ligne.prochaine_action.replace(cli, portail)
    return ligne


def ligne_du_projet(projet: Projet, aujourdhui: dt.date | None = None) -> LignePortefeuille:
    """The portfolio row of one project (cached while the project does not change)."""
    aujourdhui = aujourdhui or dt.date.today()
    version = projet.version_courante()
    cle = _cle(projet, version, aujourdhui)
    with _VERROU:
        if cle in _CACHE:
            _CACHE.move_to_end(cle)
            return _CACHE[cle]
    ligne = _analyser(projet, version, aujourdhui)
    with _VERROU:
        _CACHE[cle] = ligne
        while len(_CACHE) > TAILLE_CACHE:
            _CACHE.popitem(last=False)
    return ligne


def vider_cache() -> None:
    with _VERROU:
        _CACHE.clear()


@dataclass
class Tableau:
    lignes: list[LigneAccueil]  # filtered and sorted
    toutes: list[LigneAccueil]
    filtres: Filtres
    aujourdhui: dt.date

    @property
    def regions(self) -> list[str]:
        return sorted({x.ligne.region for x in self.toutes if x.ligne.region})

    @property
    def campagnes(self) -> list[str]:
        return sorted({x.ligne.campagne for x in self.toutes if x.ligne.campagne})

    @property
    def statuts(self) -> list[str]:
        presents = {x.ligne.statut for x in self.toutes}
        return [s for s in STATUTS if s in presents]

    def portefeuille(self) -> Portefeuille:
        """The filtered rows as the library's portfolio (for the Excel export)."""
        lignes = [x.ligne for x in self.lignes]
        return Portefeuille(lignes, self.aujourdhui, None, totaux_par_groupe(lignes))


def tableau(projets, filtres: Filtres, aujourdhui: dt.date | None = None) -> Tableau:
    """The rows of ``projets``, filtered and sorted as ``filtres`` say (default order: most recent project)."""
    aujourdhui = aujourdhui or dt.date.today()
    toutes = [LigneAccueil(p, ligne_du_projet(p, aujourdhui)) for p in projets]
    gardees = [x for x in toutes if filtres.garde(x.ligne)]
    if filtres.tri:
        rang = {id(x.ligne): x for x in gardees}
        gardees = [rang[id(ligne)] for ligne in trier([x.ligne for x in gardees], filtres.tri)]
    return Tableau(gardees, toutes, filtres, aujourdhui)
