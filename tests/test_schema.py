"""JSON Schema of the project file: kept in sync with the model, and accepting the examples."""

from __future__ import annotations

import json

import jsonschema
import pytest

import fabrique
from dossier.schema import schema_texte

FICHIER_SCHEMA = fabrique.RACINE / "schemas" / "projet.schema.json"

# Top-level keys of the project file (contract.md), typed from the specification.
CLES_CONTRAT = {
    "version", "campagne", "type_projet", "intitule", "depot", "porteur", "organismes", "solution", "essms",
    "gouvernance", "planning", "couts", "note", "deploiement", "conduite_changement", "sad_demande", "pieces",
    "regroupement_initial", "depenses",
    "portee_nationale",  # contract.md, revised (round 3)
}
REQUISES_CONTRAT = {"version", "campagne", "type_projet", "intitule", "porteur", "organismes", "solution", "essms"}
CLES_ESSMS = {
    "finess_et", "finess_ej", "nom", "categorie", "organisme", "region", "commune", "places", "professionnels",
    "personnes_accompagnees", "vague", "eligibilite_confirmee", "logiciel_actuel", "saad", "heures_saad",
    "materiel", "financements_anterieurs", "version_segur_installee", "referent",
    "eligible_sons",  # contract.md, revised (round 3)
}
#: Optional keys the product adds to an ESSMS (contract.md: "the model may add optional keys").
AJOUTS_ESSMS = {"siret"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(FICHIER_SCHEMA.read_text("utf-8"))


def test_schema_a_jour():
    assert FICHIER_SCHEMA.exists(), "schemas/projet.schema.json absent : lancer « make schema »"
    assert FICHIER_SCHEMA.read_text("utf-8") == schema_texte(), (
        "schemas/projet.schema.json est périmé par rapport au modèle : lancer « make schema » et committer le fichier"
    )


def test_schema_conforme_au_contrat(schema):
    assert set(schema["properties"]) == CLES_CONTRAT
    assert set(schema["required"]) == REQUISES_CONTRAT
    assert set(schema["$defs"]["Essms"]["properties"]) == CLES_ESSMS | AJOUTS_ESSMS
    assert not set(schema["$defs"]["Essms"].get("required", ())) & AJOUTS_ESSMS
    assert set(schema["$defs"]["Essms"]["required"]) == {"finess_et", "nom", "categorie", "organisme"}


def _resoudre(schema: dict, noeud: dict) -> dict:
    while "$ref" in noeud:
        noeud = schema["$defs"][noeud["$ref"].rsplit("/", 1)[-1]]
    return noeud


def _problemes(schema: dict, noeud: dict, valeur, chemin: str) -> list[str]:
    """Required keys, unknown keys and JSON types of ``valeur`` against ``noeud`` (a small walker)."""
    noeud = _resoudre(schema, noeud)
    if "anyOf" in noeud:
        essais = [_problemes(schema, n, valeur, chemin) for n in noeud["anyOf"]]
        return [] if any(not e for e in essais) else min(essais, key=len)
    types = noeud.get("type")
    if types == "object" or "properties" in noeud:
        if not isinstance(valeur, dict):
            return [f"{chemin} : objet attendu"]
        problemes = [f"{chemin}.{k} : requis" for k in noeud.get("required", []) if k not in valeur]
        proprietes = noeud.get("properties", {})
        if noeud.get("additionalProperties") is False:
            problemes += [f"{chemin}.{k} : inconnu" for k in valeur if k not in proprietes]
        for k, v in valeur.items():
            if k in proprietes:
                problemes += _problemes(schema, proprietes[k], v, f"{chemin}.{k}")
            elif isinstance(noeud.get("additionalProperties"), dict):
                problemes += _problemes(schema, noeud["additionalProperties"], v, f"{chemin}.{k}")
        return problemes
    if types == "array":
        if not isinstance(valeur, list):
            return [f"{chemin} : liste attendue"]
        return [p for i, v in enumerate(valeur) for p in _problemes(schema, noeud.get("items", {}), v, f"{chemin}[{i}]")]
    attendu = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "null": type(None)}.get(types)
    if attendu and (not isinstance(valeur, attendu) or (types != "boolean" and isinstance(valeur, bool))):
        return [f"{chemin} : {types} attendu"]
    if "enum" in noeud and valeur not in noeud["enum"]:
        return [f"{chemin} : hors énumération"]
    if "const" in noeud and valeur != noeud["const"]:
        return [f"{chemin} : valeur constante attendue"]
    return []


EXEMPLES = fabrique.fichiers_exemples()


@pytest.mark.parametrize("fichier", EXEMPLES, ids=fabrique.ids_de(EXEMPLES))
def test_exemples_conformes_au_schema(schema, fichier):
    assert _problemes(schema, schema, fabrique.charger(fichier), "projet") == []


def test_le_parcours_detecte_une_cle_requise_absente(schema):
    d = fabrique.charger()
    del d["essms"][0]["categorie"]
    del d["porteur"]["siret"]
    d["solution"]["inconnue"] = 1
    assert sorted(_problemes(schema, schema, d, "projet")) == [
        "projet.essms[0].categorie : requis", "projet.porteur.siret : requis", "projet.solution.inconnue : inconnu"]


@pytest.mark.parametrize("fichier", EXEMPLES, ids=fabrique.ids_de(EXEMPLES))
def test_exemples_valides_par_jsonschema(schema, fichier):
    jsonschema.Draft202012Validator(schema).validate(fabrique.charger(fichier))


def test_projet_genere_valide_par_jsonschema(schema):
    d = fabrique.generer_projet(20, organismes=[10, 10], categories=["500", "460"], departements=["14", "2A", "9704"],
                                materiel=1000, amoa=True, sad=True, campagne="2022")
    jsonschema.Draft202012Validator(schema).validate(d)


def _proprietes(schema: dict):
    """(path, property schema) of every property of the schema's objects."""
    objets = [("", schema)] + [(nom, d) for nom, d in schema["$defs"].items()]
    for nom, objet in objets:
        for cle, prop in objet.get("properties", {}).items():
            yield f"{nom}.{cle}" if nom else cle, prop


def _valeurs_admises(schema: dict, prop: dict) -> list:
    noeuds = prop.get("anyOf", [prop])
    return [v for n in noeuds for v in _resoudre(schema, n).get("enum", [])] + (
        [prop["const"]] if "const" in prop else [])


def test_chaque_champ_est_decrit_en_francais(schema):
    """The skeleton documents itself: every field carries a description (a workbook is also made of them)."""
    sans = [chemin for chemin, prop in _proprietes(schema) if not prop.get("description")]
    assert sans == []


def test_chaque_code_liste_ses_valeurs_dans_sa_description(schema):
    manques = []
    for chemin, prop in _proprietes(schema):
        if chemin.endswith(".region"):  # the 18 régions: listed by the schema's enum itself
            continue
        for valeur in _valeurs_admises(schema, prop):
            if isinstance(valeur, str) and valeur not in prop["description"]:
                manques.append(f"{chemin} : {valeur}")
    assert manques == []
