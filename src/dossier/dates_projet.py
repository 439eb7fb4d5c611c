"""The project's dates, defined once for every piece: start, end of deployment, end of the project.

The end of the project is the end of its last dated step (usually the « Fin du projet (bilan et
demande de solde) » milestone): the balance is requested then, so the plannings, the attestation,
the convention, the strategy and the pluriannual plan all use these three dates.

Also the CNSA milestones a planning must show (pieces.md, planning): which of them no jalon covers
is a finding for the author (a ``check`` alerte, a ``render`` item to settle), never text in a piece.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DatesProjet:
    """Start, end of deployment and end of the project (balance request); None when unknown."""

    debut: dt.date | None
    fin_deploiement: dt.date | None
    fin_projet: dt.date | None

    @property
    def periode(self) -> tuple[dt.date, dt.date] | None:
        """(start, end of the project) when both are known."""
        return (self.debut, self.fin_projet) if self.debut and self.fin_projet else None


def _fins(planning) -> list[dt.date]:
    """Every end date of the planning (the start alone says nothing of the end)."""
    fins = [planning.fin_deploiement] if planning.fin_deploiement else []
    return fins + [j.fin for j in planning.jalons or []] + [v.fin for v in planning.vagues or []]


def _debuts(planning) -> list[dt.date]:
    debuts = [planning.debut] if planning.debut else []
    return debuts + [j.debut for j in planning.jalons or []] + [v.debut for v in planning.vagues or []]


def dates_projet(projet) -> DatesProjet:
    """The three dates of ``projet`` (a ``dossier.model.Projet``).

    Start: the earliest date of the planning (``planning.debut`` normally). End of deployment:
    ``planning.fin_deploiement``, else the end of the last wave or deployment jalon. End of the project:
    the latest end date of the planning (jalons, waves, end of deployment); unknown with a start only."""
    pl = getattr(projet, "planning", None)
    if pl is None:
        return DatesProjet(None, None, None)
    debuts, fins = _debuts(pl), _fins(pl)
    fin_deploiement = pl.fin_deploiement
    if fin_deploiement is None:
        fins_deploiement = [v.fin for v in pl.vagues or []] + [j.fin for j in pl.jalons or [] if j.phase == "deploiement"]
        fin_deploiement = max(fins_deploiement) if fins_deploiement else None
    debut = min(debuts + fins) if debuts or fins else None
    return DatesProjet(debut, fin_deploiement, max(fins) if fins else None)


def duree_mois(debut: dt.date, fin: dt.date) -> int:
    """Months from ``debut`` to ``fin``, a started month counting when its day is reached (1er sept. → 31 janv.: 5)."""
    return (fin.year - debut.year) * 12 + fin.month - debut.month + (1 if fin.day >= debut.day else 0)


# --------------------------------------------------------------------------- CNSA milestones


@dataclass(frozen=True)
class JalonCnsa:
    cle: str
    libelle: str
    motifs: tuple[str, ...]
    phase: str | None = None  # any jalon of this phase counts


JALONS_CNSA = (
    JalonCnsa("lancement", "lancement du projet", (r"\blancement", r"\bdemarrage", r"\bkick")),
    JalonCnsa("choix", "choix de la solution (mise en concurrence / SAD)",
              (r"\bchoix\b", r"mise en concurrence", r"\bselection", r"\bsad\b", r"appel d.offres", r"\bconsultation")),
    JalonCnsa("contrat", "signature du contrat avec l'éditeur", (r"\bcontrat", r"\bcontractualisation")),
    JalonCnsa("parametrage", "paramétrage", (r"\bparametrage", r"\bconfiguration")),
    JalonCnsa("va", "vérification d'aptitude (VA)", (r"verification d.aptitude", r"\bva\b", r"\brecette")),
    JalonCnsa("formation", "formation", (r"\bformation",)),
    JalonCnsa("deploiement", "déploiement", (r"\bdeploiement", r"\bvagues?\b", r"\bbascule", r"mise en production"),
              phase="deploiement"),
    JalonCnsa("vsr", "vérification de service régulier (VSR)", (r"service regulier", r"\bvsr\b")),
    JalonCnsa("usages", "mesure des usages", (r"\busages?\b", r"\bcibles?\b", r"\bindicateurs?\b")),
    JalonCnsa("fin", "fin du projet", (r"\bfin (du|de) projet", r"\bcloture", r"\bbilan\b")),
)


def _normaliser(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return sans_accents.lower().replace("’", "'")


def jalons_cnsa_absents(jalons: Iterable) -> list[JalonCnsa]:
    """The CNSA milestones that no jalon of the planning covers (matched by keywords)."""
    jalons = list(jalons)
    textes = [_normaliser(j.libelle) for j in jalons]
    absents = []
    for attendu in JALONS_CNSA:
        trouve = any(j.phase == attendu.phase for j in jalons) if attendu.phase else False
        trouve = trouve or any(re.search(m, t) for m in attendu.motifs for t in textes)
        if not trouve:
            absents.append(attendu)
    return absents


def constat_jalons_cnsa(projet) -> str | None:
    """What the author must add to the planning when CNSA milestones are missing (None when none is),
    in French; only for a planning that has jalons (one without any is asked for by the pieces' markers)."""
    pl = getattr(projet, "planning", None)
    jalons = (pl.jalons or []) if pl else []
    if not jalons:
        return None
    absents = jalons_cnsa_absents(jalons)
    if not absents:
        return None
    return ("jalons CNSA absents du planning, à ajouter à planning.jalons (libellé, début, fin ; aucune date "
            "n'est supposée) : " + ", ".join(j.libelle for j in absents))
