"""Cross-field coherence of a project (identifiers unique, references to ESSMS and OG that exist), and its JSON Schema."""

from __future__ import annotations

import difflib
from typing import Any

from .. import identifiers as ids
from ..errors import Probleme
from .projet import Projet

# --------------------------------------------------------------------------- cross-field coherence


def _dicts(valeur: Any) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(valeur) if isinstance(v, dict)] if isinstance(valeur, list) else []


def _finess_norm(valeur: Any) -> str | None:
    return ids.normaliser_finess(valeur) if isinstance(valeur, str) and ids.erreur_finess(valeur) is None else None


def _coherence(d: dict) -> list[Probleme]:
    """Rules across objects, checked on the raw data so they show even when fields are wrong."""
    problemes: list[Probleme] = []
    essms = _dicts(d.get("essms"))
    organismes = _dicts(d.get("organismes"))

    vus: dict[str, int] = {}
    for i, e in essms:
        f = _finess_norm(e.get("finess_et"))
        if f is None:
            continue
        if f in vus:
            problemes.append(Probleme(f"essms[{i}].finess_et", f"FINESS ET « {f} » en double (déjà essms[{vus[f]}])"))
        else:
            vus[f] = i

    ids_og: dict[str, int] = {}
    for i, og in organismes:
        oid = og.get("id")
        if isinstance(oid, str):
            if oid in ids_og:
                problemes.append(Probleme(f"organismes[{i}].id", f"identifiant « {oid} » en double (déjà organismes[{ids_og[oid]}])"))
            else:
                ids_og[oid] = i
    problemes += _references_og(essms, ids_og, "essms", "organisme")
    gouv = d.get("gouvernance")
    if isinstance(gouv, dict):
        problemes += _references_og(_dicts(gouv.get("referents")), ids_og, "gouvernance.referents", "organisme")
    couts = d.get("couts")
    if isinstance(couts, dict):
        problemes += _references_og(_dicts(couts.get("repartition_autofinancement")), ids_og,
                                    "couts.repartition_autofinancement", "organisme")
    problemes += _references_og(_dicts(d.get("depenses")), ids_og, "depenses", "organisme")
    conduite = d.get("conduite_changement")
    if isinstance(conduite, dict):
        risques = _dicts(conduite.get("risques"))
        problemes += _references_og(risques, ids_og, "conduite_changement.risques", "organisme")
        problemes += _references_essms(risques, essms, "conduite_changement.risques")

    planning = d.get("planning")
    vagues = _dicts(planning.get("vagues")) if isinstance(planning, dict) else []
    if vagues:
        numeros = {v.get("numero") for _, v in vagues if isinstance(v.get("numero"), int)}
        for i, e in essms:
            if isinstance(e.get("vague"), int) and e["vague"] not in numeros:
                connus = ", ".join(str(n) for n in sorted(n for n in numeros if isinstance(n, int)))
                problemes.append(Probleme(f"essms[{i}].vague", f"vague {e['vague']} absente de planning.vagues ({connus})"))

    for i, og in organismes:
        total = og.get("nb_essms_total")
        if isinstance(total, int) and not isinstance(total, bool):
            dans_projet = sum(1 for _, e in essms if e.get("organisme") == og.get("id"))
            if total < dans_projet:
                problemes.append(Probleme(
                    f"organismes[{i}].nb_essms_total",
                    f"{total} ESSMS déclarés au total, mais {dans_projet} ESSMS de cet organisme dans le projet",
                ))
    return problemes


def _references_essms(objets: list[tuple[int, dict]], essms: list[tuple[int, dict]], base: str) -> list[Probleme]:
    """``finess_et`` of an object names an ESSMS of the project (of its ``organisme`` when given)."""
    og_de = {f: e.get("organisme") for _, e in essms if (f := _finess_norm(e.get("finess_et")))}
    problemes = []
    for i, o in objets:
        f = _finess_norm(o.get("finess_et"))
        if f is None:
            continue
        if f not in og_de:
            problemes.append(Probleme(f"{base}[{i}].finess_et", f"FINESS ET « {f} » absent des ESSMS du projet"))
        elif isinstance(o.get("organisme"), str) and og_de[f] != o["organisme"]:
            problemes.append(Probleme(f"{base}[{i}].finess_et",
                                      f"l'ESSMS {f} relève de l'organisme « {og_de[f]} », pas de « {o['organisme']} »"))
    return problemes


def _references_og(objets: list[tuple[int, dict]], ids_og: dict[str, int], base: str, cle: str) -> list[Probleme]:
    problemes = []
    for i, o in objets:
        ref = o.get(cle)
        if isinstance(ref, str) and ref not in ids_og:
            proche = difflib.get_close_matches(ref, list(ids_og), n=1)
            conseil = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
            problemes.append(Probleme(f"{base}[{i}].{cle}", f"organisme « {ref} » inconnu{conseil} ; organismes déclarés : {', '.join(ids_og) or 'aucun'}"))
    return problemes


def schema_json() -> dict:
    """JSON Schema of the project file (exported to schemas/projet.schema.json)."""
    schema = Projet.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Projet ESMS numérique (dossier)"
    return schema
