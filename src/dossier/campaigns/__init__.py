"""Campaign data: one TOML file per campaign year, each value with the text it comes from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ..errors import DossierError, MontantsInconnus


@dataclass(frozen=True)
class Parametre:
    """A value of a campaign and the reference of the text it comes from."""

    valeur: Any
    source: str
    note: str | None = None
    citation: str | None = None  # excerpt of the source text that contains the value


@dataclass(frozen=True)
class Campagne:
    annee: str
    statut: str  # "complete" or "guichet" (guichet rule and calendar only)
    sources: dict[str, str]
    donnees: dict
    fichiers: dict[str, str] = field(default_factory=dict)  # source key -> stored text holding the citations
    adresses: dict[str, str] = field(default_factory=dict)  # source key -> web address (sources not stored here)

    @property
    def complete(self) -> bool:
        return self.statut == "complete"

    def parametre(self, chemin: str) -> Parametre | None:
        """The parameter at a dotted path (``petits_og.amoa``), None when the campaign lacks it."""
        noeud: Any = self.donnees
        for cle in chemin.split("."):
            if not isinstance(noeud, dict) or cle not in noeud:
                return None
            noeud = noeud[cle]
        if not isinstance(noeud, dict) or "valeur" not in noeud:
            return None
        return self._parametre(noeud)

    def _parametre(self, noeud: dict) -> Parametre:
        return Parametre(noeud["valeur"], self.sources.get(noeud["source"], noeud["source"]), noeud.get("note"),
                         noeud.get("citation"))

    def parametres(self) -> list[tuple[str, Parametre, str]]:
        """Every value of the campaign, in file order: (dotted path, parameter, source key)."""
        trouves: list[tuple[str, Parametre, str]] = []

        def parcourir(noeud: Any, chemin: str) -> None:
            if isinstance(noeud, dict) and "valeur" in noeud:
                trouves.append((chemin, self._parametre(noeud), noeud["source"]))
            elif isinstance(noeud, dict):
                for cle, fils in noeud.items():
                    if cle not in ("sources", "fichiers", "adresses"):
                        parcourir(fils, f"{chemin}.{cle}" if chemin else cle)
            elif isinstance(noeud, list):
                for i, fils in enumerate(noeud):
                    parcourir(fils.get("cible", fils) if isinstance(fils, dict) else fils, f"{chemin}[{i}]")
                    if isinstance(fils, dict) and "exemption" in fils:
                        parcourir(fils["exemption"], f"{chemin}[{i}].exemption")

        parcourir(self.donnees, "")
        return trouves

    def valeur(self, chemin: str, defaut: Any = None) -> Any:
        p = self.parametre(chemin)
        return defaut if p is None else p.valeur

    def exiger(self, chemin: str, quoi: str) -> Parametre:
        """The parameter, or MontantsInconnus naming what the campaign data lacks."""
        p = self.parametre(chemin)
        if p is None:
            voir = "; ".join(self.sources.values())
            if not self.complete:
                raise MontantsInconnus(
                    f"montants de la campagne {self.annee} non renseignés ({quoi}) : les données de cette "
                    f"campagne ne contiennent que le guichet et le calendrier (voir {voir})"
                )
            raise MontantsInconnus(f"la campagne {self.annee} ne prévoit pas de montant pour {quoi} (voir {voir})")
        return p


@dataclass(frozen=True)
class CibleUsage:
    """A usage target (condition of the balance, rules.md §8); ``exemption``: FINESS sectors it does not apply to
    when the structure is not eligible to SONS (instruction 2025/100: AHI non éligibles au SONS)."""

    id: str
    indicateur: str
    calcul: str
    cible: Parametre
    exemption: Parametre | None = None

    def s_applique(self, secteur: str | None, eligible_sons: bool = True) -> bool:
        return self.exemption is None or secteur not in self.exemption.valeur or eligible_sons


def informations(campagne: Campagne) -> list[Parametre]:
    """Facts of the campaign shown for information only (``[[informations]]``: no rule reads them)."""
    return [campagne._parametre(i) for i in campagne.donnees.get("informations", [])]


def cibles_usage(campagne: Campagne) -> list[CibleUsage]:
    """The usage targets of the campaign; MontantsInconnus when its data does not carry them."""
    cibles = campagne.donnees.get("cibles_usage")
    if not cibles:
        raise MontantsInconnus(f"cibles d'usage de la campagne {campagne.annee} non renseignées")
    return [CibleUsage(c["id"], c["indicateur"], c["calcul"], campagne._parametre(c["cible"]),
                       campagne._parametre(c["exemption"]) if "exemption" in c else None)
            for c in cibles]


def campagnes_disponibles() -> list[str]:
    dossier = resources.files(__package__)
    return sorted(f.name.removesuffix(".toml") for f in dossier.iterdir() if f.name[:4].isdigit() and f.name.endswith(".toml"))


@cache
def charger_campagne(annee: str) -> Campagne:
    if annee not in campagnes_disponibles():
        raise DossierError(f"campagne inconnue « {annee} » ; campagnes disponibles : {', '.join(campagnes_disponibles())}")
    d = tomllib.loads(resources.files(__package__).joinpath(f"{annee}.toml").read_text("utf-8"))
    return Campagne(annee=d["annee"], statut=d["statut"], sources=d["sources"], donnees=d, fichiers=d.get("fichiers", {}),
                    adresses=d.get("adresses", {}))
