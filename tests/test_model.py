"""The project model (contract.md): what makes the file itself wrong, reported all at once, in French."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fabrique
from fabrique import generer_projet
from dossier.errors import DossierError, ProjetInvalide
from dossier.model import Projet, charger_projet, lire_json, valider


def problemes(donnees) -> dict[str, str]:
    """Path -> message of every problem of ``donnees`` (fails when the data is valid)."""
    with pytest.raises(ProjetInvalide) as e:
        valider(donnees)
    assert e.value.problemes, "ProjetInvalide sans problème"
    resultat: dict[str, str] = {}
    for p in e.value.problemes:
        resultat[p.chemin] = (resultat[p.chemin] + " | " + p.message) if p.chemin in resultat else p.message
    return resultat


def un_probleme(donnees, chemin: str, *fragments: str) -> str:
    trouves = problemes(donnees)
    assert chemin in trouves, trouves
    for f in fragments:
        assert f in trouves[chemin], trouves[chemin]
    return trouves[chemin]


# --------------------------------------------------------------------------- valid files


def test_exemple_de_reference(exemple):
    p = charger_projet(exemple)
    assert isinstance(p, Projet)
    assert (len(p.essms), len(p.organismes)) == (17, 3)
    assert p.essms[14].heures_saad.total == 52000
    assert p.depot.profil == "normandie-2023"


@pytest.mark.parametrize("n", [1, 15, 80])
def test_projets_generes_valides(n):
    p = valider(generer_projet(n, categories=["500", "460", "183", "209"], organismes=[n // 2, n - n // 2] if n > 1 else None))
    assert len(p.essms) == n


def test_valeurs_par_defaut(donnees_exemple):
    del donnees_exemple["depot"]
    p = valider(donnees_exemple)
    assert p.depot.profil is None and p.depot.date is None  # profile chosen from région and campaign
    assert p.sad_demande is False
    assert p.essms[0].financements_anterieurs.europeen is False


def test_null_optionnel_equivaut_a_absent(donnees_exemple):
    d = donnees_exemple
    d["porteur"]["finess_ej"] = None
    d["porteur"]["adresse"] = None
    d["solution"]["version"] = None
    d["essms"][0]["commune"] = None
    d["essms"][0]["materiel"] = None
    d["gouvernance"] = None
    d["planning"] = None
    p = valider(d)
    assert p.porteur.finess_ej is None and p.essms[0].materiel is None and p.planning is None


def test_espaces_dans_les_identifiants(donnees_exemple):
    donnees_exemple["essms"][0]["finess_et"] = "14 010 011 6"
    donnees_exemple["porteur"]["siret"] = "779 123 454 00018"
    p = valider(donnees_exemple)
    assert p.essms[0].finess_et == "140100116"
    assert p.porteur.siret == "77912345400018"


def test_montants_decimaux_exacts():
    d = generer_projet(15, organismes=[8, 7])
    d["essms"][0]["materiel"] = {"devis": 0.3, "lignes": [{"designation": "Câble", "quantite": 3, "prix_unitaire": 0.1}]}
    assert valider(d).essms[0].materiel.devis == Decimal("0.3")


def test_wallis_et_futuna_avec_region():
    d = generer_projet(15)
    d["essms"][0]["finess_et"] = fabrique.finess("9806", 12)
    un_probleme(d, "essms[0]", "region")
    d["essms"][0]["region"] = "Normandie"
    assert valider(d).essms[0].region_effective == "Normandie"


# --------------------------------------------------------------------------- every problem at once, with its path


def test_tous_les_problemes_d_un_coup(donnees_exemple):
    d = donnees_exemple
    d["essms"][3]["finess_et"] = "610100456"
    d["essms"][5]["finess_et"] = "14010060"
    del d["porteur"]["siret"]
    d["organismes"][1]["siret"] = "26140321600028"
    d["solution"]["referencement_segur"] = "oui"
    d["essms"][14]["heures_saad"]["apa"] = -1
    trouves = problemes(d)
    assert set(trouves) >= {"essms[3].finess_et", "essms[5].finess_et", "porteur.siret", "organismes[1].siret",
                            "solution.referencement_segur", "essms[14].heures_saad.apa"}
    assert trouves["essms[3].finess_et"] == "clé de contrôle FINESS invalide « 610100456 »"
    assert "mal formé" in trouves["essms[5].finess_et"]
    assert trouves["porteur.siret"] == "champ obligatoire absent"
    assert "SIRET invalide" in trouves["organismes[1].siret"]
    assert "reference" in trouves["solution.referencement_segur"] and "en_cours" in trouves["solution.referencement_segur"]
    assert "négatif" in trouves["essms[14].heures_saad.apa"]


def test_format_du_message(donnees_exemple):
    donnees_exemple["essms"][3]["finess_et"] = "610 100 456"
    with pytest.raises(ProjetInvalide) as e:
        valider(donnees_exemple, "projet.json")
    assert [str(p) for p in e.value.problemes] == ["essms[3].finess_et : clé de contrôle FINESS invalide « 610 100 456 »"]
    assert e.value.message == "projet invalide (projet.json) : 1 problème"
    assert e.value.exit_code == 2


@pytest.mark.parametrize("chemin,valeur,fragment", [
    ("version", 2, "valeurs possibles"),
    ("campagne", "2026", "2025"),
    ("campagne", 2023, "valeurs possibles"),
    ("type_projet", "acquisition_dui", "mise_a_niveau"),
    ("intitule", "", "vide"),
    ("intitule", 12, "texte"),
    ("porteur.regime_tva", "HTVA", "TTC"),
    ("porteur.region", "Normandy", "Normandie"),
    ("depot.profil", "idf-2023", "cnsa-2023"),
    ("depot.date", "15/05/2023", "AAAA-MM-JJ"),
    ("depot.date", "2023-02-30", "date impossible"),
    ("organismes", [], "vide"),
    ("essms", [], "vide"),
    ("essms", {}, "liste"),
    ("essms[0].categorie", "50", "3 chiffres"),
    ("essms[0].categorie", 500, "texte"),
    ("essms[0].places", -3, "négatif"),
    ("essms[0].places", 12.5, "entier"),
    ("essms[0].places", True, "entier"),
    ("essms[0].places", "84", "entier"),
    ("essms[0].eligibilite_confirmee", "oui", "true ou false"),
    ("essms[0].materiel.devis", 18000.123, "2 décimales"),
    ("essms[0].materiel.devis", "18000", "nombre"),
    ("essms[14].heures_saad.total", -52000, "négatif"),
    ("essms[14].heures_saad.annee", "2022", "entier"),
    ("solution.contrat_editeur_date", "2023-13-01", "date impossible"),
    ("solution.hebergement", "cloud", "saas"),
    ("planning.debut", "2023-9-1", "AAAA-MM-JJ"),
    ("gouvernance.amoa.financement_demande", 1, "true ou false"),
    ("conduite_changement.risques[0].niveau", "eleve", "élevé"),
    ("couts.postes[0].nature", "licence", "logiciel"),
    ("porteur.representant.nom", None, "texte"),
])
def test_valeurs_refusees(donnees_exemple, chemin, valeur, fragment):
    _poser(donnees_exemple, chemin, valeur)
    un_probleme(donnees_exemple, chemin, fragment)


def _poser(d, chemin: str, valeur):
    parties = chemin.replace("]", "").replace("[", ".").split(".")
    for p in parties[:-1]:
        d = d[int(p)] if p.isdigit() else d[p]
    d[int(parties[-1]) if parties[-1].isdigit() else parties[-1]] = valeur


@pytest.mark.parametrize("chemin", [
    "version", "campagne", "type_projet", "intitule", "porteur", "organismes", "solution", "essms",
    "porteur.raison_sociale", "porteur.siret", "porteur.regime_tva", "porteur.representant",
    "organismes[0].id", "organismes[0].finess_ej", "organismes[0].representant",
    "solution.editeur", "solution.logiciel", "solution.referencement_segur",
    "essms[0].finess_et", "essms[0].nom", "essms[0].categorie", "essms[0].organisme",
    "essms[14].heures_saad.apa", "essms[0].materiel.devis",
])
def test_cles_obligatoires(donnees_exemple, chemin):
    parties = chemin.replace("]", "").replace("[", ".").split(".")
    d = donnees_exemple
    for p in parties[:-1]:
        d = d[int(p)] if p.isdigit() else d[p]
    del d[parties[-1]]
    un_probleme(donnees_exemple, chemin, "obligatoire")


@pytest.mark.parametrize("chemin,faute,correcte", [
    ("", "campagnes", "campagne"),
    ("porteur", "regime_tav", "regime_tva"),
    ("essms[2]", "finess_geo", "finess_et"),
    ("essms[14].heures_saad", "dependances_autres", "dependance_autres"),
    ("gouvernance", "chef_projet", "chef_de_projet"),
    ("organismes[0]", "nb_essms_totaux", "nb_essms_total"),
])
def test_cle_inconnue_avec_suggestion(donnees_exemple, chemin, faute, correcte):
    d = donnees_exemple
    for p in chemin.replace("]", "").replace("[", ".").split(".") if chemin else []:
        d = d[int(p)] if p.isdigit() else d[p]
    d[faute] = d.pop(correcte, "valeur")
    complet = f"{chemin}.{faute}" if chemin else faute
    un_probleme(donnees_exemple, complet, f"clé inconnue « {faute} »", f"vouliez-vous dire « {correcte} »")


# --------------------------------------------------------------------------- cross-field coherence


def test_finess_et_en_double(donnees_exemple):
    donnees_exemple["essms"][5]["finess_et"] = "140 100 116"
    un_probleme(donnees_exemple, "essms[5].finess_et", "140100116", "double", "essms[0]")


def test_identifiant_d_organisme_en_double(donnees_exemple):
    donnees_exemple["organismes"][1]["id"] = "tilleuls"
    un_probleme(donnees_exemple, "organismes[1].id", "double")


def test_organisme_inconnu(donnees_exemple):
    donnees_exemple["essms"][2]["organisme"] = "tileuls"
    un_probleme(donnees_exemple, "essms[2].organisme", "« tileuls » inconnu", "vouliez-vous dire « tilleuls »")
    donnees_exemple["gouvernance"]["referents"][1]["organisme"] = "ccas"
    un_probleme(donnees_exemple, "gouvernance.referents[1].organisme", "inconnu")


def test_vague_inconnue(donnees_exemple):
    donnees_exemple["essms"][2]["vague"] = 4
    un_probleme(donnees_exemple, "essms[2].vague", "vague 4")


def test_nb_essms_total_trop_petit(donnees_exemple):
    donnees_exemple["organismes"][0]["nb_essms_total"] = 8
    un_probleme(donnees_exemple, "organismes[0].nb_essms_total", "9")


def test_lignes_differentes_du_devis(donnees_exemple):
    donnees_exemple["essms"][0]["materiel"]["devis"] = 18001
    un_probleme(donnees_exemple, "essms[0].materiel", "18000", "18001")


@pytest.mark.parametrize("categorie,saad", [("460", False), ("209", False), ("500", True)])
def test_aide_a_domicile_sans_heures(categorie, saad):
    d = generer_projet(15)
    d["essms"][4]["categorie"] = categorie
    d["essms"][4]["saad"] = saad
    un_probleme(d, "essms[4]", "heures_saad", "ESSMS n° 5")


@pytest.mark.parametrize("heures,fragment", [
    ({"total": 0, "apa": 0, "pch": 0, "dependance_autres": 0}, "nul"),
    ({"total": 100, "apa": 60, "pch": 30, "dependance_autres": 11}, "supérieures"),
    ({"total": 100, "apa": -1, "pch": 30, "dependance_autres": 11}, "négatif"),
])
def test_heures_saad_incoherentes(heures, fragment):
    d = generer_projet(15, categories=["460"])
    d["essms"][2]["heures_saad"] = {"annee": 2022, **heures}
    trouves = problemes(d)
    assert any(c.startswith("essms[2].heures_saad") and fragment in m for c, m in trouves.items()), trouves


def test_periode_inversee(donnees_exemple):
    donnees_exemple["planning"]["fin_deploiement"] = "2023-08-01"
    un_probleme(donnees_exemple, "planning", "précède")


def test_regions_admises_listees(donnees_exemple):
    donnees_exemple["essms"][0]["region"] = "Bourgogne"
    message = un_probleme(donnees_exemple, "essms[0].region", "région inconnue")
    assert "Bourgogne-Franche-Comté" in message and "La Réunion" in message


# --------------------------------------------------------------------------- reading the file


def test_bom_accepte(tmp_path, exemple):
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + exemple.read_bytes())
    assert len(charger_projet(f).essms) == 17


def test_non_utf8(tmp_path, exemple):
    f = tmp_path / "latin1.json"
    f.write_bytes(exemple.read_text("utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(ProjetInvalide) as e:
        charger_projet(f)
    assert "UTF-8" in str(e.value.problemes[0])


def test_json_invalide_ligne_et_colonne():
    with pytest.raises(ProjetInvalide) as e:
        lire_json('{\n  "version": 1,\n  "campagne" "2023"\n}')
    assert "ligne 3, colonne 14" in str(e.value.problemes[0])


def test_cle_repetee():
    texte = json.dumps(generer_projet(15), ensure_ascii=False)
    texte = texte.replace('"campagne": "2023"', '"campagne": "2023", "campagne": "2022"', 1)
    with pytest.raises(ProjetInvalide) as e:
        valider(lire_json(texte))
    assert any(p.chemin == "campagne" and "répétée" in p.message for p in e.value.problemes)


@pytest.mark.parametrize("constante", ["NaN", "Infinity", "-Infinity"])
def test_constantes_non_json(constante):
    texte = json.dumps(generer_projet(15)).replace('"professionnels": 20', f'"professionnels": {constante}', 1)
    with pytest.raises(ProjetInvalide):
        valider(lire_json(texte))


@pytest.mark.parametrize("donnees", [[], "projet", 3, None])
def test_racine_non_objet(donnees):
    with pytest.raises(ProjetInvalide) as e:
        valider(donnees)
    assert "objet JSON" in e.value.problemes[0].message


def test_numero_de_vague_mal_type(donnees_exemple):
    """A wave number of the wrong type is a validation problem, not a crash (found by the fuzz test)."""
    donnees_exemple["planning"]["vagues"][1]["numero"] = []
    un_probleme(donnees_exemple, "planning.vagues[1].numero", "entier")
    donnees_exemple["planning"]["vagues"][1]["numero"] = {"n": 2}
    un_probleme(donnees_exemple, "planning.vagues[1].numero", "entier")


def test_imbrication_profonde():
    with pytest.raises(ProjetInvalide):
        valider(lire_json('{"note": ' + "[" * 100_000 + "]" * 100_000 + "}"))


def test_fichier_absent(tmp_path):
    with pytest.raises(DossierError) as e:
        charger_projet(tmp_path / "absent.json")
    assert not isinstance(e.value, ProjetInvalide)
    assert "introuvable" in e.value.message


# --------------------------------------------------------------------------- robustness

_valeurs_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**15, 10**15) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda enfants: st.lists(enfants, max_size=3) | st.dictionaries(st.text(max_size=8), enfants, max_size=3),
    max_leaves=6,
)


def _feuilles(valeur, chemin=()):
    if isinstance(valeur, dict):
        for k, v in valeur.items():
            yield from _feuilles(v, chemin + (k,))
    elif isinstance(valeur, list):
        for i, v in enumerate(valeur):
            yield from _feuilles(v, chemin + (i,))
    yield chemin


_EXEMPLE = fabrique.charger()
_CHEMINS = [c for c in _feuilles(_EXEMPLE) if c]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_CHEMINS), _valeurs_json), min_size=1, max_size=4))
def test_fuzz_jamais_d_exception_inattendue(remplacements):
    d = copy.deepcopy(_EXEMPLE)
    for chemin, valeur in remplacements:
        cible = d
        try:
            for p in chemin[:-1]:
                cible = cible[p]
            cible[chemin[-1]] = valeur
        except (KeyError, IndexError, TypeError):
            continue
    try:
        valider(d)
    except ProjetInvalide as e:
        assert e.problemes and all(isinstance(p.message, str) and p.message for p in e.problemes)


def test_siret_stocke_en_chiffres_ascii(donnees_exemple):
    """A SIRET typed with full-width digits is refused, or stored as 14 ASCII digits (else the porteur's OG
    is not recognised and the AMOA forfait moves to a separate line)."""
    donnees_exemple["porteur"]["siret"] = "７７９１２３４５４００018"
    try:
        p = valider(donnees_exemple)
    except ProjetInvalide as e:
        assert [x.chemin for x in e.problemes] == ["porteur.siret"]
    else:
        assert p.porteur.siret == "77912345400018"


@pytest.mark.parametrize("code", ["٥٠٠", "５００", "50O"])
def test_categorie_chiffres_ascii(donnees_exemple, code):
    donnees_exemple["essms"][0]["categorie"] = code
    un_probleme(donnees_exemple, "essms[0].categorie", "3 chiffres")


def test_date_chiffres_non_ascii(donnees_exemple):
    donnees_exemple["depot"]["date"] = "２０２３-05-15"
    un_probleme(donnees_exemple, "depot.date", "date")
