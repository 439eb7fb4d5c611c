"""Identifiers (identifiers.md): FINESS check key, département and région, SIRET, categories."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fabrique
from dossier import identifiers as ids

# The valid real numbers listed in identifiers.md.
FINESS_REELS = ["010000024", "010780054", "970302287", "980501506", "2A0000170", "2B0000442", "830212155"]


# --------------------------------------------------------------------------- FINESS


@pytest.mark.parametrize("numero", FINESS_REELS)
def test_finess_reels_acceptes(numero):
    assert ids.finess_valide(numero)
    assert ids.erreur_finess(numero) is None


def _variantes_a_un_chiffre(numero: str):
    """Every number differing from ``numero`` by one digit (or, for Corsica, 2A <-> 2B)."""
    for i, c in enumerate(numero):
        if c.isdigit():
            for d in "0123456789":
                if d != c:
                    yield numero[:i] + d + numero[i + 1:]
        else:
            yield numero[:i] + {"A": "B", "B": "A"}[c] + numero[i + 1:]


@pytest.mark.parametrize("numero", FINESS_REELS)
def test_tout_changement_d_un_chiffre_est_rejete(numero):
    variantes = list(_variantes_a_un_chiffre(numero))
    assert len(variantes) >= 9 * 8
    acceptees = [v for v in variantes if ids.finess_valide(v) or ids.erreur_finess(v) is None]
    assert acceptees == []


@pytest.mark.parametrize("numero", FINESS_REELS)
def test_message_de_cle_invalide(numero):
    faux = fabrique.finess_invalide(numero)
    assert ids.erreur_finess(faux) == f"clé de contrôle FINESS invalide « {faux} »"


def test_corse_lue_21_et_22():
    # identifiers.md: 2A is read as 21 and 2B as 22 before applying Luhn.
    assert ids.finess_valide("2A0000170") and fabrique.luhn_valide("210000170")
    assert ids.finess_valide("2B0000442") and fabrique.luhn_valide("220000442")
    assert not ids.finess_valide("2B0000170")
    assert not ids.finess_valide("2A0000442")


@pytest.mark.parametrize("numero", ["1A0000170", "3B0000442", "2C0000170", "A20000170", "2A000017A"])
def test_lettres_hors_corse_refusees(numero):
    assert not ids.finess_valide(ids.normaliser_finess(numero))
    assert ids.erreur_finess(numero) is not None


@pytest.mark.parametrize("numero", ["01000002", "0100000245", "", "01-000-002-4", "O10000024"])
def test_finess_mal_forme(numero):
    message = ids.erreur_finess(numero)
    assert message is not None and "FINESS" in message


@pytest.mark.parametrize("saisie", ["01 000 002 4", " 010000024 ", "010 000 024", "2a 0000170", "97 03 02 287"])
def test_espaces_ignores(saisie):
    assert ids.erreur_finess(saisie) is None
    assert ids.normaliser_finess(saisie) == re.sub(r"\s", "", saisie).upper()


@given(st.sampled_from(["01", "14", "2A", "2B", "75", "95", "9701", "9704", "9805"]), st.integers(0, 9999))
def test_finess_generes_valides_et_cle_unique(prefixe, numero):
    """The generator of the tests and the product agree; exactly one key digit is valid."""
    valide = fabrique.finess(prefixe, numero)
    assert ids.finess_valide(valide)
    cles = [d for d in "0123456789" if ids.finess_valide(valide[:-1] + d)]
    assert cles == [valide[-1]]


# --------------------------------------------------------------------------- département and région

# Table of identifiers.md, typed from the specification (not from the code).
TABLE_REGIONS = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "9701",
    "Martinique": "9702",
    "Guyane": "9703",
    "La Réunion": "9704",
    "Mayotte": "9805",
}
DEPARTEMENTS = [(dep, region) for region, deps in TABLE_REGIONS.items() for dep in deps.split()]


def test_table_complete():
    assert len(DEPARTEMENTS) == 94 + 2 + 5  # 01-95 without 20, 2A and 2B, 5 overseas
    assert set(ids.REGIONS) == set(TABLE_REGIONS)


@pytest.mark.parametrize("dep,region", DEPARTEMENTS)
def test_region_de_chaque_departement(dep, region):
    numero = fabrique.finess(dep, 123)
    assert ids.departement(numero) == dep
    assert ids.region_du_finess(numero) == region


@pytest.mark.parametrize("numero,dep,region", [
    ("010000024", "01", "Auvergne-Rhône-Alpes"),
    ("970302287", "9703", "Guyane"),
    ("980501506", "9805", "Mayotte"),
    ("2A0000170", "2A", "Corse"),
    ("2B0000442", "2B", "Corse"),
    ("830212155", "83", "Provence-Alpes-Côte d'Azur"),
])
def test_region_des_numeros_reels(numero, dep, region):
    assert ids.departement(numero) == dep
    assert ids.region_du_finess(numero) == region


def test_wallis_et_futuna_hors_region():
    numero = fabrique.finess("9806", 42)
    assert ids.departement(numero) == "9806"
    assert ids.region_du_finess(numero) is None


@pytest.mark.parametrize("prefixe,attendu", [
    ("2A", True), ("2B", True), ("9701", True), ("9702", True), ("9703", True), ("9704", True),
    ("9805", True), ("9806", True), ("20", False), ("14", False), ("75", False), ("01", False), ("95", False),
])
def test_corse_ou_outre_mer(prefixe, attendu):
    assert ids.corse_ou_outre_mer(fabrique.finess(prefixe, 7)) is attendu


# --------------------------------------------------------------------------- SIRET

SIRET_VALIDES = ["73282932000074", "77912345400018", "26140321600029", "44455566800037"]


@pytest.mark.parametrize("numero", SIRET_VALIDES)
def test_siret_valide(numero):
    assert ids.erreur_siret(numero) is None


@pytest.mark.parametrize("numero", SIRET_VALIDES)
def test_siret_un_chiffre_change_refuse(numero):
    for i in range(14):
        for d in "0123456789":
            if d != numero[i]:
                faux = numero[:i] + d + numero[i + 1:]
                if faux.startswith("356000000"):
                    continue
                assert ids.erreur_siret(faux) is not None, faux


@pytest.mark.parametrize("numero", ["35600000000048", "356 000 000 00048"])
def test_siret_la_poste_siege(numero):
    assert ids.erreur_siret(numero) is None


@pytest.mark.parametrize("numero", ["35600000049837", "35600000012341"])
def test_siret_la_poste_exception(numero):
    # La Poste (SIREN 356000000): its establishments' SIRET need not satisfy Luhn over 14 digits.
    assert not fabrique.luhn_valide(numero)
    assert ids.erreur_siret(numero) is None


def test_siret_luhn_sur_le_siren_aussi():
    faux = fabrique.siret_cle_siren_fausse(12_345_678)
    assert fabrique.luhn_valide(faux) and not fabrique.luhn_valide(faux[:9])
    assert ids.erreur_siret(faux) is not None


@pytest.mark.parametrize("numero", ["7328293200007", "732829320000745", "7328293200007A", "SIRET"])
def test_siret_mal_forme(numero):
    message = ids.erreur_siret(numero)
    assert message is not None and "SIRET invalide" in message


@pytest.mark.parametrize("numero", ["", "  "])
def test_siret_vide_manquant(numero):
    """Issue 20 item 17. Before: « SIRET invalide «  » »."""
    assert ids.erreur_siret(numero) == "SIRET manquant (14 chiffres)"


def test_siret_espaces_et_format():
    assert ids.erreur_siret("732 829 320 00074") is None
    assert ids.normaliser_siret("732 829 320 00074") == "73282932000074"
    assert ids.formater_siret("73282932000074") == "732 829 320 00074"
    assert ids.formater_siret("12345678900012") == "123 456 789 00012"


@given(st.integers(10_000_000, 99_999_999))
def test_siret_generes_valides(n):
    s = fabrique.siret(n)
    assert len(s) == 14 and ids.erreur_siret(s) is None


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize("code,sigle,secteur", [
    ("183", "IME", "PH"), ("255", "MAS", "PH"), ("354", "SSIAD", "DOM"), ("246", "ESAT", "PH"),
    ("500", "EHPAD", "PA"), ("460", "SAA", "DOM"), ("209", "SAAS", "DOM"), ("177", "MECS", "PDE"),
    ("214", "CHRS", "AHI"), ("197", "CSAPA", "PDS"), ("437", "FAM", "PH"), ("182", "SESSAD", "PH"),
])
def test_codes_de_categorie(code, sigle, secteur):
    c = ids.categorie(code)
    assert c is not None and c.eligible
    assert c.libelle.startswith(sigle)
    assert c.secteur == secteur


@pytest.mark.parametrize("faux_code,sigle", [("182", "IME"), ("437", "MAS"), ("460", "SSIAD"), ("249", "ESAT")])
def test_codes_errones_des_tables_publiques(faux_code, sigle):
    """identifiers.md warns against IME = 182, MAS = 437, SSIAD = 460, ESAT = 249."""
    assert not ids.categorie(faux_code).libelle.startswith(sigle)


@pytest.mark.parametrize("code", ["362", "101", "106", "109", "122", "128", "141", "146", "355", "365", "699"])
def test_categories_non_eligibles(code):
    c = ids.categorie(code)
    assert c is not None and not c.eligible


def test_categorie_inconnue():
    assert ids.categorie("999") is None


def _table_de_la_spec() -> list[tuple[str, str, str]]:
    chemin = fabrique.SPEC / "identifiers.md"
    if not chemin.exists():
        pytest.skip("spécification partagée absente")
    lignes = re.findall(r"^\| (\d{3}) \| (.+?) \| (.+?) \|$", chemin.read_text("utf-8"), re.M)
    assert len(lignes) > 50
    return lignes


def test_table_des_categories_conforme_a_la_spec():
    for code, libelle, secteur in _table_de_la_spec():
        c = ids.categorie(code)
        assert c is not None, code
        if "not eligible" in secteur:
            assert not c.eligible, code
        else:
            assert c.eligible, code
            assert c.secteur == secteur, (code, c.secteur, secteur)
            assert c.libelle == libelle, (code, c.libelle, libelle)


def test_siret_chiffres_non_ascii():
    """python-stdnum reads full-width digits as digits: the stored SIRET must then be ASCII."""
    saisie = "７７９１２３４５４００018"
    if ids.erreur_siret(saisie) is None:
        assert ids.normaliser_siret(saisie) == "77912345400018"


@pytest.mark.parametrize("saisie", ["１４０１００１１６", "١٤٠١٠٠١١٦"])
def test_finess_chiffres_non_ascii_refuses(saisie):
    assert ids.erreur_finess(saisie) is not None
