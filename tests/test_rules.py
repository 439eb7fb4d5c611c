"""Rules of the programme (rules.md): worked examples, guichet, ARS pivot, recevabilité, SAAD, payment.

Expected amounts are computed here from the text of rules.md (rates typed from the spec, exact
fractions, half-up rounding), never read back from the campaign data of the product.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fabrique
from fabrique import generer_projet, projet_de
from dossier.campaigns import charger_campagne
from dossier.errors import MontantsInconnus
from dossier.francais import date_longue
from dossier.rules import calculer_financement, determiner_guichet, guichet, verifier_recevabilite
from dossier.sorties import financement_json

# Rates of rules.md §4, typed from the specification: (full for ranks 1-49, reduced from the 50th).
TAUX = {
    ("2023", "acquisition", "reference"): {"usages": (7000, 2000), "logiciel": (14000, 3000)},
    ("2023", "acquisition", "en_cours"): {"usages": (7000, 2000), "logiciel": (14000, 3000)},
    ("2023", "mise_a_niveau", "reference"): {"usages": (5000, 2000), "logiciel": (0, 0)},
    ("2022", "acquisition", "reference"): {"usages": (7000, 2000), "logiciel": (14500, 3000)},
    ("2022", "acquisition", "non_reference"): {"usages": (7000, 2000), "logiciel": (12000, 1000)},
    ("2022", "acquisition", "en_cours"): {"usages": (7000, 2000), "logiciel": (12000, 1000)},
    ("2022", "mise_a_niveau", "reference"): {"usages": (5000, 2000), "logiciel": (0, 0)},
}
AUJOURDHUI = dt.date(2023, 5, 15)
IDS_CONTROLES = [
    "essms-eligibles", "taille-minimale", "finess-geographiques", "siret-porteur", "nouvelle-operation",
    "fonds-europeens", "esms-numerique-anterieur", "sons-autre-solution", "solution-unique",
    "referencement-segur", "referencement-domaines", "ahi-sons", "portee-nationale", "entite-nationale", "heures-saad", "amoa-petits-og", "materiel-petits-og",
    "duree-indicative", "calendrier", "dpi-ght", "regroupement-initial", "non-cumul", "couts-couverts",
    "organisme-sans-essms", "profil-depot", "jalons-cnsa",
]


def arrondi(x: Fraction | Decimal | int) -> Decimal:
    """Half-up rounding to the cent of a non-negative exact amount (rules.md §6, §7)."""
    f = Fraction(x)
    assert f >= 0
    centimes = (f * 100 + Fraction(1, 2)).__floor__()
    return Decimal(centimes) / 100


def fin(donnees: dict):
    return calculer_financement(projet_de(donnees), charger_campagne(donnees["campagne"]))


def controles(donnees: dict, aujourdhui: dt.date = AUJOURDHUI, niveau_taille: str = "erreur") -> dict:
    p = projet_de(donnees)
    return {c.id: c for c in verifier_recevabilite(p, charger_campagne(p.campagne), aujourdhui, niveau_taille)}


def controle(donnees: dict, id_: str, **kw):
    return controles(donnees, **kw)[id_]


def echec(donnees: dict, id_: str, niveau: str, **kw):
    c = controle(donnees, id_, **kw)
    assert not c.ok, c
    assert c.niveau == niveau, c
    assert c.message
    return c


def attendu_forfaits(n: int, taux: tuple[int, int]) -> int:
    return sum(taux[0] if rang <= 49 else taux[1] for rang in range(1, n + 1))


def og(f, og_id: str):
    return f.ligne_og(og_id)


# --------------------------------------------------------------------------- worked examples (§4, §5, §7)


def test_2022_46_essms_acquisition_referencee():
    f = fin(generer_projet(46, campagne="2022"))
    t = f.totaux
    assert (t["usages"], t["logiciel"], t["total"]) == (322_000, 667_000, 989_000)
    assert t["materiel"] == t["amoa"] == t["sad"] == 0


def test_2022_46_essms_acquisition_non_referencee():
    f = fin(generer_projet(46, campagne="2022", referencement="non_reference"))
    assert f.totaux["total"] == 874_000
    assert f.totaux["logiciel"] == 46 * 12_000


def test_2022_72_essms_mise_a_niveau():
    f = fin(generer_projet(72, campagne="2022", type_projet="mise_a_niveau"))
    assert f.totaux["usages"] == 291_000
    assert f.totaux["logiciel"] == 0
    assert f.totaux["total"] == 291_000
    assert f.guichet.guichet == "national"


def test_64_essms_49_pleins_puis_15_reduits():
    """rules.md: the 64-ESSMS example of the 2022 presentation is wrong; 49 full, then reduced."""
    f = fin(generer_projet(64, campagne="2022"))
    assert f.totaux["usages"] == 49 * 7000 + 15 * 2000 == 373_000
    assert f.totaux["logiciel"] == 49 * 14_500 + 15 * 3000 == 755_500
    assert f.totaux["usages"] != 50 * 7000 + 14 * 2000
    rangs = {le.rang: le for le in f.essms}
    assert (rangs[49].usages, rangs[49].logiciel) == (7000, 14_500)
    assert (rangs[50].usages, rangs[50].logiciel) == (2000, 3000)
    assert [le.rang for le in f.essms] == list(range(1, 65))


@pytest.mark.parametrize("cle", sorted(TAUX))
@pytest.mark.parametrize("n", [1, 15, 49, 50, 51, 80])
def test_degressivite_selon_le_rang(cle, n):
    campagne, type_projet, ref = cle
    f = fin(generer_projet(n, campagne=campagne, type_projet=type_projet, referencement=ref))
    for poste, taux in TAUX[cle].items():
        assert f.totaux[poste] == attendu_forfaits(n, taux), poste


def _petit_og_de_8(campagne="2022", type_projet="acquisition", referencement="reference", autre=7, **kw):
    """An OG of 8 ESSMS (porteur, quotes of 20 000 € each), grouped with another OG."""
    return generer_projet(
        8 + autre, campagne=campagne, type_projet=type_projet, referencement=referencement,
        organismes=[8, autre], materiel=[20_000] * 8 + [None] * autre, amoa=True,
        sad=type_projet == "acquisition", mise_en_concurrence="sad", **kw,
    )


def test_petit_og_de_8_acquisition_referencee():
    ligne = og(fin(_petit_og_de_8()), "og1")
    assert (ligne.usages, ligne.logiciel, ligne.materiel, ligne.amoa, ligne.sad) == (56_000, 116_000, 160_000, 100_000, 15_000)
    assert ligne.total == 447_000


def test_petit_og_de_8_acquisition_non_referencee():
    assert og(fin(_petit_og_de_8(referencement="non_reference")), "og1").total == 427_000


def test_petit_og_de_8_mise_a_niveau():
    ligne = og(fin(_petit_og_de_8(type_projet="mise_a_niveau")), "og1")
    assert (ligne.usages, ligne.logiciel, ligne.materiel, ligne.amoa, ligne.sad) == (40_000, 0, 160_000, 100_000, 0)
    assert ligne.total == 300_000


def test_amoa_et_sad_2022_ouverts_a_un_projet_avec_un_petit_og():
    """2022 presentation: "projet avec un ou des OG de moins de 15 ESSMS", subject to the ARS decision."""
    f = fin(_petit_og_de_8(autre=15))
    ligne = og(f, "og1")
    assert (ligne.amoa, ligne.sad) == (100_000, 15_000)
    assert ligne.materiel == 160_000  # equipment follows the OG's own size
    assert og(f, "og2").materiel == 0
    assert "amoa-petits-og" in {c.id for c in f.alertes}
    assert "sous réserve de la décision de l'ARS" in echec(_petit_og_de_8(autre=15), "amoa-petits-og", "alerte").message


def test_amoa_sans_aucun_petit_og_erreur():
    d = generer_projet(30, organismes=[15, 15], amoa=True)
    assert fin(d).totaux["amoa"] == 0
    assert "aucun organisme n'est un petit OG" in echec(d, "amoa-petits-og", "erreur").message


def test_sad_exige_la_mise_en_concurrence_par_le_sad():
    d = _petit_og_de_8()
    d["solution"]["mise_en_concurrence"] = "appel_offres"
    assert fin(d).totaux["sad"] == 0
    assert fin(d).totaux["amoa"] == 100_000
    assert "SAD" in echec(d, "amoa-petits-og", "erreur").message


def test_sad_pas_pour_une_mise_a_niveau():
    d = _petit_og_de_8(type_projet="mise_a_niveau")
    d["sad_demande"] = True
    assert fin(d).totaux["sad"] == 0
    echec(d, "amoa-petits-og", "erreur")


def test_sad_absent_des_textes_2023():
    d = _petit_og_de_8(campagne="2023")
    assert d["sad_demande"] is True
    f = fin(d)
    assert f.totaux["sad"] == 0
    assert f.totaux["amoa"] == 100_000
    echec(d, "amoa-petits-og", "alerte")


def test_amoa_portee_par_une_ligne_porteur_pour_un_gcsms():
    d = generer_projet(15, organismes=[8, 7], amoa=True, porteur_og=None)
    f = fin(d)
    porteur = og(f, "porteur")
    assert porteur.amoa == 100_000 and porteur.usages == 0
    assert sum(o.total for o in f.organismes) == f.totaux["total"]


def test_taille_og_declaree_plus_grande_que_le_projet():
    """An OG's size is the larger of nb_essms_total and its ESSMS in the project."""
    d = _petit_og_de_8(nb_essms_total=[20, 7])
    f = fin(d)
    assert og(f, "og1").petit is False
    assert og(f, "og1").materiel == 0 and og(f, "og2").petit is True
    echec(d, "materiel-petits-og", "erreur")
    echec(d, "amoa-petits-og", "alerte")  # 2022: one small OG is enough, the ARS decides


@pytest.mark.parametrize("n,petit", [(7, True), (8, False)])
def test_seuil_des_petits_og_outre_mer(n, petit):
    d = generer_projet(n, departements=["9704"], materiel=5000, amoa=True)
    f = fin(d)
    assert og(f, "og1").petit is petit
    assert f.totaux["materiel"] == (5000 * n if petit else 0)
    assert f.totaux["amoa"] == (100_000 if petit else 0)


@pytest.mark.parametrize("n,petit", [(14, True), (15, False)])
def test_seuil_des_petits_og_metropole(n, petit):
    f = fin(generer_projet(n, materiel=5000))
    assert og(f, "og1").petit is petit
    assert f.totaux["materiel"] == (5000 * n if petit else 0)


@pytest.mark.parametrize("campagne", ["2022", "2023"])
@pytest.mark.parametrize("devis,finance", [(25_000, 20_000), (20_000, 20_000), (9_800.5, Decimal("9800.5")), (0, 0)])
def test_materiel_plafonne_au_devis(campagne, devis, finance):
    f = fin(generer_projet(15, campagne=campagne, organismes=[8, 7], materiel=devis))
    assert all(le.materiel == finance for le in f.essms)


# --------------------------------------------------------------------------- SONS (§7)


@pytest.mark.parametrize("campagne", ["2022", "2023"])
@pytest.mark.parametrize("n,total", [(35, 43_120), (72, 88_704)])
def test_sons(campagne, n, total):
    f = fin(generer_projet(n, campagne=campagne, type_projet="mise_a_niveau"))
    assert f.sons.total == total
    assert financement_json(f)["sons"]["prestation_segur_total"] == total


def test_sons_petit_og_de_8():
    f = fin(_petit_og_de_8(type_projet="mise_a_niveau", autre=15, nb_essms_total=[8, 15]))
    montants = {e.finess_et: m for e, m in f.sons.par_essms}
    siens = [e.finess_et for e in f.projet.essms_de("og1")]
    assert sum(montants[x] for x in siens) == 17_520
    assert all(montants[e.finess_et] == 1232 for e in f.projet.essms_de("og2"))
    assert f.sons.total == 17_520 + 15 * 1232


def test_pas_de_sons_pour_une_acquisition(exemple):
    from dossier.model import charger_projet

    f = calculer_financement(charger_projet(exemple), charger_campagne("2023"))
    assert f.sons is None and financement_json(f)["sons"] is None


# --------------------------------------------------------------------------- reference example (contract.md)


def _heures_ms(h: dict) -> Fraction:
    return Fraction(str(h["apa"])) + Fraction(str(h["pch"])) + Fraction(str(h["dependance_autres"]))


def test_exemple_de_reference(exemple):
    donnees = fabrique.charger(exemple)
    j = financement_json(fin(donnees))
    assert j["totaux"] == {"usages": 116127.72, "logiciel": 232255.44, "materiel": 60200, "amoa": 100000,
                           "sad": 0, "total": 508583.16}
    assert j["versements"] == {"avance": 254291.58, "solde": 254291.58}
    assert (j["campagne"], j["type_projet"], j["regime_tva"], j["nb_essms"]) == ("2023", "acquisition", "TTC", 17)
    assert (j["regions"], j["multiregional"], j["guichet"], j["ars"]) == (["Normandie"], False, "regional", "Normandie")
    assert j["essms"][0] == {"finess_et": "140100116", "nom": "EHPAD Les Tilleuls", "organisme": "tilleuls", "rang": 1,
                             "part_ms": 1.0, "usages": 7000, "logiciel": 14000, "materiel": 18000, "total": 39000}
    tilleuls = j["organismes"][0]
    assert {k: tilleuls[k] for k in ("id", "petit", "nb_essms", "nb_essms_total", "usages", "logiciel", "materiel", "amoa", "total")} == {
        "id": "tilleuls", "petit": True, "nb_essms": 9, "nb_essms_total": 11, "usages": 63000, "logiciel": 126000,
        "materiel": 50400, "amoa": 100000, "total": 339400}
    assert j["alertes"] == [] and j["sons"] is None and j["sources"]


def test_exemple_lignes_sommees(exemple):
    donnees = fabrique.charger(exemple)
    f = fin(donnees)
    for poste in ("usages", "logiciel", "materiel"):
        assert sum(getattr(le, poste) for le in f.essms) == f.totaux[poste]
        for o in f.organismes:
            assert sum(getattr(le, poste) for le in f.essms if le.essms.organisme == o.id) == getattr(o, poste)
    for poste in ("usages", "logiciel", "materiel", "amoa", "sad", "total"):
        assert sum(getattr(o, poste) for o in f.organismes) == f.totaux[poste]
    assert sum(le.total for le in f.essms) + f.totaux["amoa"] + f.totaux["sad"] == f.totaux["total"]


def test_exemple_proratisation_saad(exemple):
    donnees = fabrique.charger(exemple)
    f = fin(donnees)
    lignes = {le.essms.finess_et: le for le in f.essms}
    for e in donnees["essms"]:
        le = lignes[e["finess_et"]]
        h = e.get("heures_saad")
        part = _heures_ms(h) / Fraction(str(h["total"])) if h else Fraction(1)
        assert le.usages == arrondi(7000 * part)
        assert le.logiciel == arrondi(14000 * part)
    assert lignes["500300173"].usages == Decimal("5653.85")
    assert lignes["500300173"].logiciel == Decimal("11307.69")


# --------------------------------------------------------------------------- SAAD proration (§6)


def _avec_saad(h: dict, n: int = 15, campagne: str = "2023") -> dict:
    d = generer_projet(n, campagne=campagne)
    d["essms"][0]["categorie"] = "460"
    d["essms"][0]["heures_saad"] = h
    return d


def test_proratisation_arrondie_une_seule_fois_demi_superieur():
    # 7000 × 12 030 / 16 000 = 5 263,125 → 5 263,13 (half up; half-even would give 5 263,12).
    f = fin(_avec_saad({"annee": 2022, "total": 16000, "apa": 12030, "pch": 0, "dependance_autres": 0}))
    assert f.essms[0].usages == Decimal("5263.13")
    assert f.essms[0].logiciel == Decimal("10526.25")


def test_part_ms_jamais_arrondie_avant():
    # 2/3: 7000 × 2/3 = 4 666,67; with part_ms rounded to 0.6667 first it would be 4 666,90.
    f = fin(_avec_saad({"annee": 2022, "total": 3000, "apa": 1000, "pch": 500, "dependance_autres": 500}))
    assert f.essms[0].usages == Decimal("4666.67")
    assert f.essms[0].logiciel == Decimal("9333.33")
    assert f.essms[0].part_ms == Fraction(2, 3) or abs(float(f.essms[0].part_ms) - 2 / 3) < 1e-12


def test_saad_au_rang_reduit():
    d = generer_projet(55, departements=["14", "75"])
    d["essms"][52]["categorie"] = "209"
    d["essms"][52]["heures_saad"] = {"annee": 2022, "total": 900, "apa": 300, "pch": 0, "dependance_autres": 0}
    le = fin(d).essms[52]
    assert le.rang == 53
    assert (le.usages, le.logiciel) == (arrondi(Fraction(2000, 3)), arrondi(Fraction(3000, 3)))


def test_heures_saad_sur_une_autre_categorie_proratisent():
    d = generer_projet(15)
    d["essms"][3]["heures_saad"] = {"annee": 2022, "total": 100, "apa": 50, "pch": 0, "dependance_autres": 0}
    assert fin(d).essms[3].usages == 3500


heures_st = st.integers(1, 200_000).flatmap(
    lambda total: st.tuples(st.just(total), st.integers(0, total)).flatmap(
        lambda t: st.tuples(st.just(t[0]), st.integers(0, t[1]), st.integers(0, t[1]))
        .map(lambda u: (u[0], min(u[1], u[2]), abs(u[1] - u[2]), t[1] - max(u[1], u[2])))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heures_st, st.sampled_from([0, 1, 2]))
def test_proratisation_propriete(h, dixiemes):
    total, apa, pch, dep = h
    echelle = Fraction(1, 10 ** dixiemes)
    valeurs = [Fraction(x) * echelle for x in (total, apa, pch, dep)]
    nombres = [float(v) if dixiemes else int(v) for v in valeurs]
    saisie = dict(zip(("total", "apa", "pch", "dependance_autres"), nombres), annee=2022)
    f = fin(_avec_saad(saisie))
    part = (valeurs[1] + valeurs[2] + valeurs[3]) / valeurs[0]
    assert f.essms[0].usages == arrondi(7000 * part)
    assert f.essms[0].logiciel == arrondi(14000 * part)
    assert f.avance + f.solde == f.totaux["total"]
    assert f.avance == arrondi(Fraction(f.totaux["total"]) / 2)


# --------------------------------------------------------------------------- payment (§7)


def test_avance_et_solde_total_a_centime_impair():
    f = fin(_avec_saad({"annee": 2022, "total": 16000, "apa": 12031, "pch": 0, "dependance_autres": 0}))
    saad = arrondi(Fraction(7000 * 12031, 16000)) + arrondi(Fraction(14000 * 12031, 16000))
    total = 14 * 21000 + saad
    assert f.totaux["total"] == total == Decimal("309790.69")
    assert f.avance == arrondi(Fraction(total) / 2) == Decimal("154895.35")
    assert f.solde == Decimal("154895.34")
    assert f.avance + f.solde == total


# --------------------------------------------------------------------------- guichet (§3)

GUICHETS = [
    ("2022", 1, 1, "regional"), ("2022", 49, 1, "regional"), ("2022", 49, 3, "regional"),
    ("2022", 50, 1, "national"), ("2022", 50, 2, "national"), ("2022", 200, 1, "national"),
] + [
    (c, n, r, g) for c in ("2023", "2024", "2025") for n, r, g in [
        (1, 1, "regional"), (49, 1, "regional"), (49, 4, "regional"), (50, 1, "regional"),
        (120, 1, "regional"), (50, 2, "national"), (120, 5, "national")]
]


@pytest.mark.parametrize("campagne,n,regions,attendu", GUICHETS)
def test_table_des_guichets(campagne, n, regions, attendu):
    assert guichet(charger_campagne(campagne), n, regions) == attendu


@pytest.mark.parametrize("campagne,n,departements,attendu,ars", [
    ("2022", 50, ["14"], "national", None),
    ("2022", 49, ["14", "75"], "regional", "Normandie"),
    ("2023", 50, ["14", "27", "50"], "regional", "Normandie"),
    ("2023", 50, ["14", "75"], "national", None),
    ("2023", 49, ["14", "75"], "regional", "Normandie"),
    ("2024", 60, ["75", "14"], "national", None),
    ("2025", 60, ["9704"], "regional", "La Réunion"),
])
def test_guichet_du_projet(campagne, n, departements, attendu, ars):
    p = projet_de(generer_projet(n, campagne=campagne, departements=departements))
    g = determiner_guichet(p, charger_campagne(campagne))
    assert g.guichet == attendu
    assert g.ars == ars
    region = {"14": "Normandie", "27": "Normandie", "50": "Normandie", "75": "Île-de-France", "9704": "La Réunion"}
    assert g.multiregional is (len({region[d] for d in departements}) > 1)


def test_region_surchargee_par_essms():
    d = generer_projet(50)
    d["essms"][10]["region"] = "Bretagne"
    p = projet_de(d)
    g = determiner_guichet(p, charger_campagne("2023"))
    assert g.regions == ["Normandie", "Bretagne"]
    assert g.guichet == "national"


def _sans_porteur_ej(d: dict) -> dict:
    d["porteur"].pop("finess_ej", None)
    d["porteur"].pop("region", None)
    return d


def test_ars_pivot_region_du_porteur():
    d = generer_projet(15)
    d["porteur"]["region"] = "Bretagne"
    assert determiner_guichet(projet_de(d), charger_campagne("2023")).ars == "Bretagne"


def test_ars_pivot_finess_ej_du_porteur():
    d = generer_projet(15, departements=["75", "14", "14"])
    d["porteur"]["finess_ej"] = fabrique.finess("9704", 77)
    assert determiner_guichet(projet_de(d), charger_campagne("2023")).ars == "La Réunion"


@pytest.mark.parametrize("departements,n,attendu", [
    (["14", "75", "75"], 15, "Île-de-France"),  # most ESSMS
    (["75", "14"], 16, "Île-de-France"),  # tie: first in the file
    (["14", "75"], 16, "Normandie"),
    (["2A", "9704", "9704", "13"], 16, "La Réunion"),
])
def test_ars_pivot_region_majoritaire(departements, n, attendu):
    d = _sans_porteur_ej(generer_projet(n, departements=departements, porteur_og=None))
    assert determiner_guichet(projet_de(d), charger_campagne("2023")).ars == attendu


def test_ars_pivot_compte_les_regions_surchargees():
    d = _sans_porteur_ej(generer_projet(15, departements=["14", "75"], porteur_og=None))
    for e in d["essms"][:4]:
        e["region"] = "Île-de-France"
    # 8 in Normandie by FINESS, minus 2 overridden → 6; Île-de-France 7 + 2 = 9
    assert determiner_guichet(projet_de(d), charger_campagne("2023")).ars == "Île-de-France"


# --------------------------------------------------------------------------- recevabilité (§2)


def test_liste_des_controles(exemple):
    assert list(controles(fabrique.charger(exemple))) == IDS_CONTROLES


def test_exemple_recevable(exemple):
    tous = controles(fabrique.charger(exemple), niveau_taille="alerte")
    assert [c.id for c in tous.values() if not c.ok] == []


def test_projet_genere_recevable():
    tous = controles(generer_projet(15))
    # a generated project declares no costs: their coverage is not verifiable (alerte)
    # and it names the default list while its région (Normandie) has its own call: an alerte
    assert [c.id for c in tous.values() if not c.ok] == ["couts-couverts", "profil-depot"]
    assert tous["couts-couverts"].niveau == "alerte" and "non vérifiable" in tous["couts-couverts"].message


@pytest.mark.parametrize("categorie", ["362", "101", "699"])
def test_essms_non_eligible(categorie):
    d = generer_projet(15)
    d["essms"][4]["categorie"] = categorie
    c = echec(d, "essms-eligibles", "erreur")
    assert c.essms == (d["essms"][4]["finess_et"],)
    assert "ESSMS n° 5" in c.message


def test_categorie_inconnue():
    d = generer_projet(15)
    d["essms"][2]["categorie"] = "999"
    assert echec(d, "essms-eligibles", "erreur").essms == (d["essms"][2]["finess_et"],)
    d["essms"][2]["eligibilite_confirmee"] = True
    assert echec(d, "essms-eligibles", "alerte").essms == (d["essms"][2]["finess_et"],)


def test_categorie_non_eligible_meme_confirmee():
    d = generer_projet(15)
    d["essms"][2]["categorie"] = "362"
    d["essms"][2]["eligibilite_confirmee"] = True
    echec(d, "essms-eligibles", "erreur")


def test_taille_minimale():
    echec(generer_projet(14), "taille-minimale", "erreur")
    echec(generer_projet(14), "taille-minimale", "alerte", niveau_taille="alerte")
    assert controle(generer_projet(15), "taille-minimale").ok


@pytest.mark.parametrize("departements", [["9704"], ["9701", "9702"], ["2A", "2B"], ["9805", "2A", "9703"]])
def test_taille_minimale_corse_outre_mer(departements):
    assert controle(generer_projet(8, departements=departements), "taille-minimale").ok
    echec(generer_projet(7, departements=departements), "taille-minimale", "erreur")


def test_taille_minimale_mixte_metropole_outre_mer():
    echec(generer_projet(9, departements=["9704", "9704", "14"]), "taille-minimale", "erreur")


@pytest.mark.parametrize("campagne,date,ok", [
    ("2023", "2023-01-15", False), ("2023", "2023-01-16", True), ("2023", "2023-06-01", True),
    ("2022", "2022-02-07", False), ("2022", "2022-02-08", True),
])
def test_nouvelle_operation(campagne, date, ok):
    d = generer_projet(15, campagne=campagne)
    d["solution"]["contrat_editeur_date"] = date
    if ok:
        assert controle(d, "nouvelle-operation").ok
    else:
        message = echec(d, "nouvelle-operation", "erreur").message
        assert date_longue(dt.date.fromisoformat(date)) in message and date not in message


def test_nouvelle_operation_sans_objet_pour_une_mise_a_niveau():
    d = generer_projet(15, type_projet="mise_a_niveau")
    d["solution"]["contrat_editeur_date"] = "2019-01-01"
    assert controle(d, "nouvelle-operation").ok


@pytest.mark.parametrize("id_,cle", [
    ("fonds-europeens", "europeen"),
    ("esms-numerique-anterieur", "esms_numerique"),
    ("sons-autre-solution", "sons_autre_solution"),
])
def test_financements_anterieurs(id_, cle):
    d = generer_projet(15)
    d["essms"][6]["financements_anterieurs"] = {cle: True}
    c = echec(d, id_, "erreur")
    assert c.essms == (d["essms"][6]["finess_et"],)
    # generated projects declare no costs, and name the default list in Normandie (which has its own)
    autres = set(IDS_CONTROLES) - {id_, "couts-couverts", "profil-depot"}
    assert all(c.ok for k, c in controles(d).items() if k in autres)


def test_solution_unique_mise_a_niveau():
    d = generer_projet(15, type_projet="mise_a_niveau")
    assert controle(d, "solution-unique").ok
    d["essms"][1]["logiciel_actuel"] = "Autre logiciel"
    c = echec(d, "solution-unique", "erreur")
    assert c.essms == (d["essms"][1]["finess_et"],) and "Autre logiciel" in c.message


def test_solution_unique_logiciel_actuel_absent_admis():
    d = generer_projet(15, type_projet="mise_a_niveau")
    del d["essms"][1]["logiciel_actuel"]
    assert controle(d, "solution-unique").ok


@pytest.mark.parametrize("campagne,type_projet,ref,dpi,niveau", [
    ("2023", "acquisition", "non_reference", False, "erreur"),
    ("2023", "acquisition", "en_cours", False, "alerte"),
    ("2023", "acquisition", "non_reference", True, "erreur"),  # a GHT's DPI in the médico-social corridor
    ("2023", "mise_a_niveau", "non_reference", False, "erreur"),
    ("2023", "mise_a_niveau", "en_cours", False, "alerte"),
    ("2022", "acquisition", "non_reference", False, "alerte"),
    ("2022", "acquisition", "en_cours", False, "alerte"),
    ("2022", "mise_a_niveau", "non_reference", False, "erreur"),
])
def test_referencement_segur(campagne, type_projet, ref, dpi, niveau):
    d = generer_projet(15, campagne=campagne, type_projet=type_projet, referencement=ref,
                       categories=["500", "183", "354"])
    d["solution"]["dpi_ght"] = dpi
    echec(d, "referencement-segur", niveau)


def test_referencement_2022_non_reference_hors_pa_ph_dom():
    d = generer_projet(15, campagne="2022", referencement="non_reference", categories=["500", "183", "354"])
    d["essms"][5]["categorie"] = "177"
    c = echec(d, "referencement-segur", "erreur")
    assert c.essms == (d["essms"][5]["finess_et"],)
    assert "ESSMS n° 6" in c.message


def test_referencement_reference_conforme():
    for campagne in ("2022", "2023"):
        assert controle(generer_projet(15, campagne=campagne), "referencement-segur").ok


def test_entite_nationale():
    d = generer_projet(15)
    d["organismes"][0]["entite_nationale"] = {"nom": "Fédération nationale", "autorisation": False}
    assert "Fédération nationale" in echec(d, "entite-nationale", "erreur").message
    d["organismes"][0]["entite_nationale"]["autorisation"] = True
    assert controle(d, "entite-nationale").ok


def test_heures_saad_annee_n_moins_1(exemple):
    d = fabrique.charger(exemple)
    assert controle(d, "heures-saad").ok
    d["essms"][15]["heures_saad"]["annee"] = 2021
    c = echec(d, "heures-saad", "alerte")
    assert c.essms == ("500300256",)


def test_amoa_grand_og():
    echec(generer_projet(15, amoa=True), "amoa-petits-og", "erreur")
    assert fin(generer_projet(15, amoa=True)).totaux["amoa"] == 0


def test_amoa_taille_non_declaree():
    d = generer_projet(15, organismes=[8, 7], nb_essms_total=False, amoa=True)
    echec(d, "amoa-petits-og", "alerte")
    f = fin(d)
    assert f.totaux["amoa"] == 100_000
    assert "amoa-petits-og" in {c.id for c in f.alertes}


def test_amoa_conforme():
    assert controle(generer_projet(15, organismes=[8, 7], amoa=True), "amoa-petits-og").ok


def test_materiel_grand_og():
    d = generer_projet(20, organismes=[15, 5], materiel=10_000)
    c = echec(d, "materiel-petits-og", "erreur")
    assert set(c.essms) == {e["finess_et"] for e in d["essms"][:15]}
    f = fin(d)
    assert og(f, "og1").materiel == 0 and og(f, "og2").materiel == 50_000
    assert "materiel-petits-og" in {c.id for c in f.alertes}


def test_materiel_projet_national_au_cas_par_cas():
    d = generer_projet(50, organismes=[5, 45], departements=["14", "75"], materiel=[10_000] * 5 + [None] * 45)
    assert determiner_guichet(projet_de(d), charger_campagne("2023")).guichet == "national"
    echec(d, "materiel-petits-og", "alerte")


def test_materiel_taille_non_declaree():
    d = generer_projet(15, organismes=[8, 7], nb_essms_total=False, materiel=1000)
    echec(d, "materiel-petits-og", "alerte")
    assert fin(d).totaux["materiel"] == 15_000


@pytest.mark.parametrize("type_projet,fin_deploiement,ok", [
    ("acquisition", "2025-03-01", True), ("acquisition", "2025-03-02", False),
    ("mise_a_niveau", "2024-06-01", True), ("mise_a_niveau", "2024-06-02", False),
])
def test_duree_indicative(type_projet, fin_deploiement, ok):
    d = generer_projet(15, type_projet=type_projet)
    d["planning"] = {"debut": "2023-09-01", "fin_deploiement": fin_deploiement}
    if ok:
        assert controle(d, "duree-indicative").ok
    else:
        echec(d, "duree-indicative", "alerte")


def test_duree_indicative_sans_planning():
    assert "non vérifiable" in echec(generer_projet(15, planning=False), "duree-indicative", "alerte").message


def test_duree_indicative_sans_objet_pour_un_projet_national():
    d = generer_projet(50, departements=["14", "75"])
    d["planning"] = {"debut": "2023-09-01", "fin_deploiement": "2026-12-31"}
    assert controle(d, "duree-indicative").ok


@pytest.mark.parametrize("campagne,n,departements,date,niveau", [
    ("2023", 15, ["14"], "2023-01-14", "erreur"),
    ("2023", 15, ["14"], "2023-01-15", None),
    ("2023", 15, ["14"], "2023-09-15", None),
    ("2023", 15, ["14"], "2023-09-16", "erreur"),
    ("2023", 15, ["14", "75"], "2023-06-15", None),
    ("2023", 15, ["14", "75"], "2023-06-16", "erreur"),
    ("2023", 50, ["14"], "2023-09-15", None),
    ("2022", 15, ["14"], "2022-03-14", "erreur"),
    ("2022", 15, ["14"], "2022-09-30", None),
    ("2022", 15, ["14"], "2022-10-01", "erreur"),
    ("2022", 50, ["14"], "2022-05-17", "erreur"),
    ("2022", 50, ["14"], "2022-07-18", None),
    ("2022", 50, ["14"], "2022-07-19", "erreur"),
    ("2024", 15, ["14"], "2024-09-15", None),
    ("2024", 15, ["14"], "2024-09-16", "erreur"),
    ("2024", 15, ["14", "75"], "2024-06-01", None),
    ("2024", 15, ["14", "75"], "2024-06-02", "erreur"),
    ("2023", 50, ["14", "75"], "2023-02-15", None),  # national 15/02–15/06 (SONS webinar, 21 March 2023)
    ("2023", 50, ["14", "75"], "2023-06-15", None),
    ("2023", 50, ["14", "75"], "2023-02-14", "erreur"),
    ("2024", 50, ["14", "75"], "2024-05-15", "alerte"),
    ("2025", 15, ["14"], "2025-06-02", "alerte"),
])
def test_calendrier(campagne, n, departements, date, niveau):
    d = generer_projet(n, campagne=campagne, departements=departements, date_depot=date)
    if niveau is None:
        assert controle(d, "calendrier").ok
    else:
        c = echec(d, "calendrier", niveau)
        if niveau == "alerte":
            assert "non vérifiable" in c.message
        else:
            assert date_longue(dt.date.fromisoformat(date)) in c.message


@pytest.mark.parametrize("aujourdhui,dedans", [(dt.date(2023, 5, 1), True), (dt.date(2023, 10, 1), False)])
def test_calendrier_sans_date_de_depot(aujourdhui, dedans):
    """contract.md depot.date: judged on today's date, with an alerte saying so."""
    d = generer_projet(15, date_depot=None)
    c = echec(d, "calendrier", "alerte", aujourdhui=aujourdhui)
    assert "date de dépôt non renseignée" in c.message and date_longue(aujourdhui) in c.message
    assert ("est hors de la" in c.message) is not dedans
    assert "1er mai 2023" in c.message or not dedans


@pytest.mark.parametrize("categorie", ["177", "197"])
def test_dpi_ght_dui_en_place_etendu_aux_pde_pds(categorie):
    """AAP Normandie 2023 annexe 2: a DUI already in use extended to PDE/PDS structures."""
    d = generer_projet(15)
    d["essms"][0]["categorie"] = categorie
    assert controle(d, "dpi-ght").ok  # a PDE/PDS ESSMS alone does not call for the study
    d["essms"][1]["logiciel_actuel"] = d["solution"]["logiciel"]
    assert echec(d, "dpi-ght", "alerte").essms == (d["essms"][0]["finess_et"],)
    d["essms"][0]["logiciel_actuel"] = d["solution"]["logiciel"]  # already uses it: no extension
    assert controle(d, "dpi-ght").ok


def test_dpi_ght_solution():
    d = generer_projet(15)
    d["solution"]["dpi_ght"] = True
    echec(d, "dpi-ght", "alerte")


def test_organisme_sans_essms():
    d = generer_projet(15)
    d["organismes"].append({"id": "vide", "raison_sociale": "Organisme sans ESSMS", "finess_ej": fabrique.finess("14", 8888),
                            "representant": fabrique.personne()})
    assert "Organisme sans ESSMS" in echec(d, "organisme-sans-essms", "alerte").message


def test_controles_du_modele_listes_comme_conformes():
    tous = controles(generer_projet(15, categories=["500", "460"]))
    for id_ in ("finess-geographiques", "siret-porteur", "heures-saad"):
        assert tous[id_].ok and tous[id_].niveau == "erreur"


def test_json_des_controles(exemple):
    c = controles(fabrique.charger(exemple))["taille-minimale"].json()
    assert set(c) == {"id", "niveau", "ok", "message", "essms"}
    json.dumps(c)


# --------------------------------------------------------------------------- campaigns without amounts


@pytest.mark.parametrize("campagne", ["2024", "2025"])
def test_montants_inconnus(campagne):
    with pytest.raises(MontantsInconnus) as e:
        fin(generer_projet(15, campagne=campagne))
    assert f"montants de la campagne {campagne} non renseignés" in e.value.message


@pytest.mark.parametrize("type_projet", ["acquisition", "mise_a_niveau"])
def test_2023_non_reference_refuse(type_projet):
    with pytest.raises(MontantsInconnus) as e:
        fin(generer_projet(15, type_projet=type_projet, referencement="non_reference"))
    assert "forfait" in e.value.message and "non référencée" in e.value.message
