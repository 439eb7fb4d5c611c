"""Builders of test data: valid FINESS and SIRET numbers, and whole valid projects.

The check keys are computed here from the text of identifiers.md (Luhn, Corsica read as 21/22),
independently of ``dossier.identifiers``, so that the tests can catch a wrong implementation.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any, Iterable, Sequence

RACINE = Path(__file__).resolve().parent.parent
EXEMPLE = RACINE / "examples" / "normandie-2023-acquisition.json"
EXEMPLES_PARTAGES = RACINE.parent / "shared" / "examples"
SPEC = RACINE.parent / "shared" / "spec"


# --------------------------------------------------------------------------- Luhn, FINESS, SIRET


def luhn_somme(chiffres: str) -> int:
    """Luhn sum: digits doubled from the second-to-last leftwards."""
    total = 0
    for i, c in enumerate(reversed(chiffres)):
        n = int(c)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10


def luhn_valide(chiffres: str) -> bool:
    return chiffres.isdigit() and luhn_somme(chiffres) == 0


def cle_luhn(debut: str) -> str:
    """The digit to append to ``debut`` so that the whole string satisfies Luhn."""
    return str((10 - luhn_somme(debut + "0")) % 10)


def _chiffres_finess(finess: str) -> str:
    return {"2A": "21", "2B": "22"}.get(finess[:2], finess[:2]) + finess[2:]


def finess_valide(finess: str) -> bool:
    """Reference implementation of identifiers.md, for the tests."""
    return len(finess) == 9 and luhn_valide(_chiffres_finess(finess))


def finess(prefixe: str, numero: int) -> str:
    """A valid FINESS: the département prefix (``14``, ``2A``, ``9704``), ``numero`` zero-padded, the key."""
    corps = f"{prefixe}{numero:0{8 - len(prefixe)}d}"
    if len(corps) != 8:
        raise ValueError(f"numéro {numero} trop grand pour le préfixe {prefixe}")
    return corps + cle_luhn(_chiffres_finess(corps))


def finess_invalide(valide: str) -> str:
    """The same number with a wrong check key."""
    return valide[:-1] + str((int(valide[-1]) + 1) % 10)


def siret(numero: int) -> str:
    """A valid SIRET (Luhn on the SIREN and on the 14 digits), never La Poste's SIREN."""
    siren = f"{(numero % 10**8):08d}"
    siren += cle_luhn(siren)
    if siren == "356000000":
        return siret(numero + 1)
    nic = "0001"
    return siren + nic + cle_luhn(siren + nic)


def siret_cle_siren_fausse(numero: int) -> str:
    """14 digits satisfying Luhn, whose SIREN does not: invalid."""
    base = f"{(numero % 10**8):08d}"
    siren = base + str((int(cle_luhn(base)) + 1) % 10)
    nic = "0001"
    return siren + nic + cle_luhn(siren + nic)


# --------------------------------------------------------------------------- projects

#: A deposit date inside the regional (and national, for 2022) window of each campaign.
DATES_DEPOT = {"2022": "2022-06-01", "2023": "2023-05-15", "2024": "2024-05-15", "2025": "2025-06-02"}


def personne(nom: str = "Claire Lemarchand", fonction: str = "Directrice générale") -> dict:
    return {"civilite": "Mme", "nom": nom, "fonction": fonction}


def heures(annee: int, total: float = 10000, apa: float = 6000, pch: float = 2000, dependance: float = 1000) -> dict:
    return {"annee": annee, "total": total, "apa": apa, "pch": pch, "dependance_autres": dependance,
            "financement_autres": "caisse de retraite"}


def generer_projet(
    n_essms: int,
    *,
    campagne: str = "2023",
    type_projet: str = "acquisition",
    referencement: str = "reference",
    organismes: Sequence[int] | None = None,
    nb_essms_total: Sequence[int | None] | None | bool = True,
    departements: Sequence[str] = ("14",),
    categories: Sequence[str] = ("500",),
    amoa: bool = False,
    sad: bool = False,
    materiel: float | None | Sequence[float | None] = None,
    mise_en_concurrence: str | None = "appel_offres",
    porteur_og: int | None = 0,
    planning: bool = True,
    date_depot: str | None = "defaut",
    profil: str = "cnsa-2023",
    decalage: int = 0,
) -> dict:
    """A valid project (as JSON data) with ``n_essms`` ESSMS.

    - ``organismes``: the number of ESSMS of each OG, in file order (default: one OG with all);
    - ``nb_essms_total``: True declares each OG's project count, False declares none, or a list;
    - ``departements`` / ``categories``: cycled over the ESSMS (FINESS prefixes, category codes);
      home-help categories (460, 209) get an hours declaration of year N-1 (part MS 0.9);
    - ``materiel``: a quote (€) for every ESSMS, or one per ESSMS (None: no equipment);
    - ``porteur_og``: index of the OG that is the porteur (None: a distinct GCSMS porteur);
    - ``decalage``: shifts the generated FINESS/SIRET numbers (to build distinct projects).
    """
    organismes = list(organismes or [n_essms])
    if sum(organismes) != n_essms:
        raise ValueError("la somme des ESSMS des organismes doit valoir n_essms")
    if nb_essms_total is True:
        totaux: list[int | None] = list(organismes)
    elif nb_essms_total is False or nb_essms_total is None:
        totaux = [None] * len(organismes)
    else:
        totaux = list(nb_essms_total)
    annee = int(campagne)
    ogs = []
    for k, taille in enumerate(organismes):
        og = {
            "id": f"og{k + 1}",
            "raison_sociale": f"Organisme gestionnaire n° {k + 1}",
            "finess_ej": finess(departements[0], 9_000 + k + decalage),
            "siret": siret(41_000_000 + k * 17 + decalage),
            "statut_juridique": "association loi 1901",
            "representant": personne(f"Représentant {k + 1}", "Président"),
        }
        if totaux[k] is not None:
            og["nb_essms_total"] = totaux[k]
        ogs.append(og)
    if isinstance(materiel, (int, float)) or materiel is None:
        devis = [materiel] * n_essms
    else:
        devis = list(materiel)
    appartenance = list(itertools.chain.from_iterable([k] * t for k, t in enumerate(organismes)))
    essms = []
    for i in range(n_essms):
        dep = departements[i % len(departements)]
        cat = categories[i % len(categories)]
        e: dict[str, Any] = {
            "finess_et": finess(dep, 1_000 + i + decalage),
            "nom": f"ESSMS n° {i + 1}",
            "categorie": cat,
            "organisme": ogs[appartenance[i]]["id"],
            "commune": "Commune",
            "professionnels": 20,
        }
        if cat in ("460", "209"):
            e["heures_saad"] = heures(annee - 1)
        if devis[i] is not None:
            e["materiel"] = {"devis": devis[i], "reference_devis": f"DV-{i + 1}"}
        if type_projet == "mise_a_niveau":
            e["logiciel_actuel"] = "Logiciel DUI"
        essms.append(e)
    if porteur_og is None:
        porteur = {"raison_sociale": "GCSMS du territoire", "siret": siret(52_000_000 + decalage),
                   "statut_juridique": "GCSMS", "regime_tva": "TTC", "representant": personne()}
    else:
        og = ogs[porteur_og]
        porteur = {"raison_sociale": og["raison_sociale"], "siret": og["siret"], "finess_ej": og["finess_ej"],
                   "regime_tva": "TTC", "representant": personne()}
    solution = {"editeur": "Éditeur SAS", "logiciel": "Logiciel DUI", "version": "5",
                "referencement_segur": referencement, "hebergement": "saas"}
    if mise_en_concurrence:
        solution["mise_en_concurrence"] = mise_en_concurrence
    projet: dict[str, Any] = {
        "version": 1,
        "campagne": campagne,
        "type_projet": type_projet,
        "intitule": f"Projet de test ({n_essms} ESSMS)",
        "depot": {"profil": profil},
        "porteur": porteur,
        "organismes": ogs,
        "solution": solution,
        "essms": essms,
        "gouvernance": {"amoa": {"financement_demande": amoa}},
    }
    if date_depot == "defaut":
        date_depot = DATES_DEPOT[campagne]
    if date_depot:
        projet["depot"]["date"] = date_depot
    if planning:
        projet["planning"] = {"debut": f"{annee}-09-01", "fin_deploiement": f"{annee + 1}-05-31"}
    if sad:
        projet["sad_demande"] = True
    return projet


def projet_de(donnees: dict):
    """The validated ``Projet`` of JSON data (raises ProjetInvalide)."""
    from dossier.model import valider

    return valider(copy.deepcopy(donnees))


def charger(chemin: Path = EXEMPLE) -> dict:
    return json.loads(Path(chemin).read_text("utf-8"))


def ecrire(chemin: Path, donnees: dict) -> Path:
    chemin.write_text(json.dumps(donnees, ensure_ascii=False, indent=2), encoding="utf-8")
    return chemin


def fichiers_exemples() -> list[Path]:
    """Every example project of the repository and, when present, of the shared folder."""
    fichiers = sorted((RACINE / "examples").glob("*.json"))
    if EXEMPLES_PARTAGES.is_dir():
        fichiers += sorted(EXEMPLES_PARTAGES.glob("*.json"))
    return fichiers


def ids_de(fichiers: Iterable[Path]) -> list[str]:
    return [f"{p.parent.parent.name}/{p.parent.name}/{p.name}" for p in fichiers]


# --------------------------------------------------------------------------- variants of the examples


def _annee_precedente(valeur: Any) -> Any:
    """Every ISO date of the data one year earlier, and every year number (heures_saad.annee) too."""
    if isinstance(valeur, dict):
        return {k: (v - 1 if k == "annee" and isinstance(v, int) else _annee_precedente(v)) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [_annee_precedente(v) for v in valeur]
    if isinstance(valeur, str) and len(valeur) == 10 and valeur[4] == "-" and valeur[:4].isdigit():
        mois_jour = "02-28" if valeur[5:] == "02-29" else valeur[5:]
        return f"{int(valeur[:4]) - 1:04d}-{mois_jour}"
    return valeur


def variante_la_reunion_2023() -> dict:
    """The overseas example (La Réunion, campaign 2023) without a deposit profile: chosen from région and campaign."""
    d = charger(RACINE / "examples" / "outre-mer-8-essms.json")
    d["depot"].pop("profil", None)
    return d


def variante_normandie_2022() -> dict:
    """The Normandie reference example moved to the 2022 campaign (every date a year earlier), without a
    deposit profile: the tool has no Normandie 2022 list, the default one is chosen."""
    d = _annee_precedente(charger())
    d["campagne"] = "2022"
    d["depot"].pop("profil", None)
    return d
