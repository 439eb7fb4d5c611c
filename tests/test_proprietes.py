"""Property-based tests of the rules (hypothesis): they must hold for every project, not only the examples.

- forfaits: each ESSMS line equals an independent oracle written from rules.md §4–§6 (exact fractions,
  half-up rounding to the cent), and the totals equal the sum of the ESSMS lines and of the OG lines,
  for any project size from 1 to 2 000 ESSMS;
- degressivity: rank 49 gets the full rate, rank 50 the reduced one;
- SAAD proration: 0 <= part_ms <= 1 and 0 <= prorated amount <= full rate;
- guichet: monotone in the number of ESSMS (national at n, same régions => national at n + 1);
- FINESS key: every single-digit change and every adjacent transposition of a valid number is rejected,
  except the transpositions 0 <-> 9, which Luhn cannot detect (and which are therefore accepted).
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import fabrique
from dossier import identifiers as ids
from dossier.campaigns import campagnes_disponibles, charger_campagne
from dossier.errors import MontantsInconnus
from dossier.model import Essms, valider
from dossier.rules import (
    calculer_financement,
    determiner_guichet,
    forfait_prorate,
    guichet,
    part_ms,
    taux_au_rang,
)
from dossier.sorties import financement_json

def propriete(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------- oracle (rules.md, by hand)

#: rules.md §4: (usages full, usages reduced), (logiciel full, logiciel reduced); absent = refused.
FORFAITS = {
    ("2023", "acquisition", "reference"): ((7000, 2000), (14000, 3000)),
    ("2023", "acquisition", "en_cours"): ((7000, 2000), (14000, 3000)),
    ("2023", "mise_a_niveau", "reference"): ((5000, 2000), (0, 0)),
    ("2023", "mise_a_niveau", "en_cours"): ((5000, 2000), (0, 0)),
    ("2022", "acquisition", "reference"): ((7000, 2000), (14500, 3000)),
    ("2022", "acquisition", "en_cours"): ((7000, 2000), (12000, 1000)),
    ("2022", "acquisition", "non_reference"): ((7000, 2000), (12000, 1000)),
    ("2022", "mise_a_niveau", "reference"): ((5000, 2000), (0, 0)),
}  # 2022 mise à niveau en_cours / non_reference: refused (issue 21, « doit être « référencée Ségur » »)
DERNIER_PLEIN = 49  # rules.md §4: "the first 49 ESSMS get the full rate, the 50th and following the reduced rate"
PLAFOND_MATERIEL = 20000
AMOA = 100000
SAD_2022 = 15000
CENT = Fraction(1, 100)


def arrondi_oracle(x: Fraction) -> Decimal:
    """Round an exact amount to the cent, half up (amounts are never negative)."""
    cents = (x / CENT + Fraction(1, 2)).__floor__()
    return Decimal(cents) / 100


def montant_oracle(taux: int, heures: dict | None) -> Decimal:
    """rules.md §6: rate × (apa + pch + dependance_autres) / total, rounded once."""
    if heures is None:
        return arrondi_oracle(Fraction(taux))
    ms = sum(Fraction(str(heures[k])) for k in ("apa", "pch", "dependance_autres"))
    return arrondi_oracle(Fraction(taux) * ms / Fraction(str(heures["total"])))


def corse_ou_outre_mer(finess: str) -> bool:
    return finess[:2] in ("2A", "2B", "97", "98")


def og_petit(donnees: dict, og: dict) -> bool:
    """rules.md §5, §11: size = max(declared total, ESSMS in the project) < 15 (2023: 8 when all in
    Corsica/overseas; 2022 has no overseas threshold)."""
    siens = [e for e in donnees["essms"] if e["organisme"] == og["id"]]
    taille = max(og.get("nb_essms_total") or 0, len(siens))
    outre_mer = siens and all(corse_ou_outre_mer(e["finess_et"]) for e in siens)
    seuil = 8 if outre_mer and donnees["campagne"] != "2022" else 15
    return taille < seuil


# --------------------------------------------------------------------------- project generator


def _heures(rnd: random.Random, annee: int) -> dict:
    """A coherent hours declaration (MS hours <= total, total > 0), with cents, and the edge cases."""
    total = rnd.choice([1, 3, 7, 100, rnd.randint(1, 10**8)])
    forme = rnd.random()
    if forme < 0.15:
        parts = [0, 0, 0]  # part_ms = 0
    elif forme < 0.3:
        a = rnd.randint(0, total)
        b = rnd.randint(0, total - a)
        parts = [a, b, total - a - b]  # part_ms = 1
    else:
        a = rnd.randint(0, total)
        b = rnd.randint(0, total - a)
        parts = [a, b, rnd.randint(0, total - a - b)]
    en_heures = [p / 100 if p % 100 else p // 100 for p in [total, *parts]]
    return {"annee": annee - 1, "total": en_heures[0], "apa": en_heures[1], "pch": en_heures[2],
            "dependance_autres": en_heures[3], "financement_autres": "caisse de retraite"}


CAS = sorted(FORFAITS)
DEPARTEMENTS = ["14", "50", "61", "75", "13", "2A", "2B", "9701", "9704", "9805", "33"]
CATEGORIES = ["500", "460", "183", "209", "354", "214", "246"]


class Recette:
    """The drawn parameters of a project: hypothesis reports these, not a 2 000-ESSMS dict."""

    def __init__(self, **parametres):
        self.parametres = parametres

    def __repr__(self) -> str:
        return "Recette(" + ", ".join(f"{k}={v!r}" for k, v in self.parametres.items()) + ")"

    def donnees(self) -> dict:
        p = self.parametres
        n, tailles, (campagne, type_projet, referencement) = p["n"], p["tailles"], p["cas"]
        rnd = random.Random(p["graine"])
        totaux = {"projet": True, "aucun": False, "plus": [t + rnd.randint(0, 20) for t in tailles]}[p["declare"]]
        devis = {
            "aucun": None,
            "tous": [rnd.choice([0, 1, 0.01, 19999.99, 20000, 20000.01, 50000, rnd.randint(0, 40000)]) for _ in range(n)],
            "certains": [rnd.choice([None, None, rnd.randint(0, 30000) + rnd.choice([0, 0.5, 0.99])]) for _ in range(n)],
        }[p["materiel"]]
        donnees = fabrique.generer_projet(
            n, campagne=campagne, type_projet=type_projet, referencement=referencement, organismes=tailles,
            nb_essms_total=totaux, departements=p["departements"], categories=p["categories"], amoa=p["amoa"],
            sad=p["sad"], materiel=devis, mise_en_concurrence=p["mise_en_concurrence"], porteur_og=p["porteur_og"],
        )
        for e in donnees["essms"]:
            if "heures_saad" in e:
                e["heures_saad"] = _heures(rnd, int(campagne))
            elif rnd.random() < 0.05:  # a home-help service whatever its category (contract.md: "saad": true)
                e["saad"] = True
                e["heures_saad"] = _heures(rnd, int(campagne))
        if p["melange"]:
            rnd.shuffle(donnees["essms"])  # ranks follow the file order, not the OG order
        return donnees


@st.composite
def projets(draw, maxi: int = 2000) -> Recette:
    """A valid project: 1..maxi ESSMS over 1..5 OG, any campaign case the data can compute."""
    n = draw(st.one_of(st.integers(1, 70), st.integers(1, maxi)))
    nb_og = draw(st.integers(1, min(5, n)))
    coupures = sorted(draw(st.lists(st.integers(1, n - 1), min_size=nb_og - 1, max_size=nb_og - 1, unique=True))) if nb_og > 1 else []
    return Recette(
        n=n,
        tailles=[b - a for a, b in zip([0, *coupures], [*coupures, n])],
        cas=draw(st.sampled_from(CAS)),
        graine=draw(st.integers(0, 2**32)),
        declare=draw(st.sampled_from(["projet", "aucun", "plus"])),
        materiel=draw(st.sampled_from(["aucun", "tous", "certains"])),
        departements=draw(st.lists(st.sampled_from(DEPARTEMENTS), min_size=1, max_size=4)),
        categories=draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4)),
        amoa=draw(st.booleans()),
        sad=draw(st.booleans()),
        mise_en_concurrence=draw(st.sampled_from(["sad", "appel_offres", None])),
        porteur_og=draw(st.sampled_from([0, None])),
        melange=draw(st.booleans()),
    )


def _dec(x) -> Decimal:
    return Decimal(str(x))


# --------------------------------------------------------------------------- forfaits and totals


@propriete(60)
@given(projets())
def test_totaux_egaux_aux_sommes_des_lignes(recette):
    donnees = recette.donnees()
    projet = valider(donnees)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    (u_plein, u_reduit), (l_plein, l_reduit) = FORFAITS[(donnees["campagne"], donnees["type_projet"],
                                                          donnees["solution"]["referencement_segur"])]
    ogs = {og["id"]: og for og in donnees["organismes"]}
    petits = {i: og_petit(donnees, og) for i, og in ogs.items()}

    # every ESSMS line, against the oracle
    assert [le.rang for le in fin.essms] == list(range(1, len(donnees["essms"]) + 1))
    for le, e in zip(fin.essms, donnees["essms"]):
        plein = le.rang <= DERNIER_PLEIN
        h = e.get("heures_saad")
        assert le.essms.finess_et == e["finess_et"]
        assert le.usages == montant_oracle(u_plein if plein else u_reduit, h), (le.rang, h)
        assert le.logiciel == montant_oracle(l_plein if plein else l_reduit, h), (le.rang, h)
        devis = (e.get("materiel") or {}).get("devis")
        attendu = min(Decimal(PLAFOND_MATERIEL), _dec(devis)) if devis is not None and petits[e["organisme"]] else Decimal(0)
        assert le.materiel == attendu
        assert 0 <= le.part_ms <= 1

    # project items (rules.md §5)
    # revised: 2022 at least one small OG, 2023 every OG small (no accord_ars in these projects)
    ouverts = any(petits.values()) if donnees["campagne"] == "2022" else all(petits.values())
    amoa = Decimal(AMOA) if donnees["gouvernance"]["amoa"]["financement_demande"] and ouverts else Decimal(0)
    sad = Decimal(SAD_2022) if (donnees.get("sad_demande") and ouverts and donnees["campagne"] == "2022"
                                and donnees["type_projet"] == "acquisition"
                                and donnees["solution"].get("mise_en_concurrence") == "sad") else Decimal(0)
    t = fin.totaux
    assert t["amoa"] == amoa and t["sad"] == sad

    # totals = sum of the ESSMS lines = sum of the OG lines
    for poste in ("usages", "logiciel", "materiel"):
        assert t[poste] == sum((getattr(le, poste) for le in fin.essms), Decimal(0)), poste
    for poste in ("usages", "logiciel", "materiel", "amoa", "sad"):
        assert t[poste] == sum((getattr(o, poste) for o in fin.organismes), Decimal(0)), poste
    assert t["total"] == sum((le.total for le in fin.essms), Decimal(0)) + amoa + sad
    assert t["total"] == sum((o.total for o in fin.organismes), Decimal(0))

    # each OG line is the sum of its ESSMS
    for o in fin.organismes:
        siens = [le for le in fin.essms if le.essms.organisme == o.id]
        if o.id in ogs:
            assert o.petit == petits[o.id]
            assert o.nb_essms == len(siens)
            for poste in ("usages", "logiciel", "materiel"):
                assert getattr(o, poste) == sum((getattr(le, poste) for le in siens), Decimal(0))
        else:  # the extra line of a porteur that is not an OG carries only the project items
            assert o.id == "porteur" and not siens
    assert {o.id for o in fin.organismes} >= set(ogs)

    # advance and balance (rules.md §7)
    assert fin.avance == arrondi_oracle(Fraction(str(t["total"])) / 2)
    assert fin.avance + fin.solde == t["total"]

    # the JSON output (contract.md) says the same, with numbers that add up
    doc = json.loads(json.dumps(financement_json(fin)))
    assert doc["nb_essms"] == len(donnees["essms"])
    for poste in ("usages", "logiciel", "materiel"):
        assert sum(_dec(l[poste]) for l in doc["essms"]) == _dec(doc["totaux"][poste])
    for poste in ("usages", "logiciel", "materiel", "amoa", "sad", "total"):
        assert sum(_dec(o[poste]) for o in doc["organismes"]) == _dec(doc["totaux"][poste])
    assert _dec(doc["versements"]["avance"]) + _dec(doc["versements"]["solde"]) == _dec(doc["totaux"]["total"])


@pytest.mark.parametrize("n", [1, 49, 50, 51, 2000])
def test_totaux_aux_tailles_limites(n):
    """The same sums at the sizes that matter (1, the degressivity boundary, 2 000), several OG."""
    tailles = [n] if n < 3 else [n // 3, n // 3, n - 2 * (n // 3)]
    donnees = fabrique.generer_projet(n, organismes=tailles, categories=["500", "460", "183"],
                                      departements=["14", "75"], materiel=25000.5, nb_essms_total=False)
    fin = calculer_financement(valider(donnees), charger_campagne("2023"))
    t = fin.totaux
    for poste in ("usages", "logiciel", "materiel"):
        assert t[poste] == sum((getattr(le, poste) for le in fin.essms), Decimal(0))
        assert t[poste] == sum((getattr(o, poste) for o in fin.organismes), Decimal(0))
    assert t["total"] == sum((o.total for o in fin.organismes), Decimal(0))
    # 460 ESSMS carry part MS 0.9 (fabrique.heures): 7 000 × 0.9 = 6 300 at full rate
    pleins = min(n, DERNIER_PLEIN)
    reduits = n - pleins
    cats = [donnees["essms"][i]["categorie"] for i in range(n)]
    attendu_usages = sum(Decimal(7000 if r < DERNIER_PLEIN else 2000) * (Decimal("0.9") if c == "460" else 1)
                         for r, c in enumerate(cats))
    assert t["usages"] == attendu_usages
    assert len([le for le in fin.essms if le.rang > DERNIER_PLEIN]) == reduits


@pytest.mark.parametrize("cas", [("2023", "acquisition", "non_reference"), ("2023", "mise_a_niveau", "non_reference"),
                                 ("2022", "mise_a_niveau", "non_reference"), ("2022", "mise_a_niveau", "en_cours")])
def test_cas_sans_montant_refuse(cas):
    """rules.md §4: 2023 has no forfait for a non-referenced software: refuse, never guess."""
    campagne, type_projet, ref = cas
    projet = valider(fabrique.generer_projet(20, campagne=campagne, type_projet=type_projet, referencement=ref))
    with pytest.raises(MontantsInconnus):
        calculer_financement(projet, charger_campagne(campagne))


# --------------------------------------------------------------------------- degressivity


@pytest.mark.parametrize("annee", ["2022", "2023"])
def test_rang_dernier_plein_des_campagnes(annee):
    assert charger_campagne(annee).valeur("degressivite.rang_dernier_plein") == DERNIER_PLEIN


@given(st.integers(1, 100_000), st.integers(0, 10**6), st.integers(0, 10**6))
def test_taux_au_rang(rang, plein, reduit):
    attendu = plein if rang <= DERNIER_PLEIN else reduit
    assert taux_au_rang(rang, (plein, reduit), DERNIER_PLEIN) == attendu


def test_frontiere_49_50():
    assert taux_au_rang(49, (7000, 2000), 49) == 7000
    assert taux_au_rang(50, (7000, 2000), 49) == 2000
    fin = calculer_financement(valider(fabrique.generer_projet(50)), charger_campagne("2023"))
    r49, r50 = fin.essms[48], fin.essms[49]
    assert (r49.rang, r49.usages, r49.logiciel) == (49, 7000, 14000)
    assert (r50.rang, r50.usages, r50.logiciel) == (50, 2000, 3000)


# --------------------------------------------------------------------------- SAAD proration


def _essms_saad(heures: dict) -> Essms:
    return Essms.model_validate({"finess_et": fabrique.finess("14", 1234), "nom": "SAAD", "categorie": "460",
                                 "organisme": "og1", "heures_saad": heures})


@propriete(300)
@given(st.randoms(use_true_random=False), st.integers(0, 10**6), st.sampled_from([0, 1, 99]))
@example(random.Random(0), 7000, 0)
def test_part_ms_et_proratisation(rnd, taux_euros, taux_cents):
    heures = _heures(rnd, 2023)
    e = _essms_saad(heures)
    p = part_ms(e)
    assert 0 <= p <= 1
    taux = Decimal(taux_euros) + Decimal(taux_cents) / 100
    m = forfait_prorate(taux, e)
    assert 0 <= m <= taux
    assert m == m.quantize(Decimal("0.01"))
    ms = sum(Fraction(str(heures[k])) for k in ("apa", "pch", "dependance_autres"))
    assert m == arrondi_oracle(Fraction(str(taux)) * ms / Fraction(str(heures["total"])))
    if ms == Fraction(str(heures["total"])):
        assert p == 1 and m == taux


def test_proratisation_sans_heures_taux_plein():
    e = Essms.model_validate({"finess_et": fabrique.finess("14", 1234), "nom": "EHPAD", "categorie": "500",
                              "organisme": "og1"})
    assert part_ms(e) == 1
    assert forfait_prorate(Decimal(7000), e) == 7000


# --------------------------------------------------------------------------- guichet


def _guichet_oracle(annee: str, n: int, nb_regions: int) -> str:
    """rules.md §3."""
    if n < 50:
        return "regional"
    if annee == "2022":
        return "national"
    return "national" if nb_regions > 1 else "regional"


@given(st.sampled_from(campagnes_disponibles()), st.one_of(st.integers(1, 120), st.integers(1, 10**6)), st.integers(1, 18))
def test_guichet_monotone(annee, n, nb_regions):
    c = charger_campagne(annee)
    g = guichet(c, n, nb_regions)
    assert g == _guichet_oracle(annee, n, nb_regions)
    if g == "national":
        assert guichet(c, n + 1, nb_regions) == "national"


def test_guichet_monotone_exhaustif_autour_du_seuil():
    for annee in campagnes_disponibles():
        c = charger_campagne(annee)
        for r in range(1, 19):
            vu_national = False
            for n in range(1, 200):
                g = guichet(c, n, r)
                assert not (vu_national and g == "regional"), (annee, n, r)
                vu_national = vu_national or g == "national"


@propriete(25)
@given(st.integers(1, 120), st.lists(st.sampled_from(DEPARTEMENTS), min_size=1, max_size=3),
       st.sampled_from(["2022", "2023", "2024", "2025"]))
def test_guichet_monotone_sur_projets(n, departements, annee):
    """Adding an ESSMS in a région already present never turns a national project regional."""
    donnees = fabrique.generer_projet(n + 1, campagne=annee, departements=departements)
    plus = valider(donnees)
    donnees["essms"] = donnees["essms"][:n]
    moins = valider(donnees)
    assume(set(e.region_effective for e in plus.essms) == set(e.region_effective for e in moins.essms))
    c = charger_campagne(annee)
    if determiner_guichet(moins, c).guichet == "national":
        assert determiner_guichet(plus, c).guichet == "national"


# --------------------------------------------------------------------------- FINESS check key

PREFIXES = [dep for deps in ids.REGIONS.values() for dep in deps] + ["9806"]


@st.composite
def finess_valides(draw) -> str:
    prefixe = draw(st.sampled_from(PREFIXES))
    return fabrique.finess(prefixe, draw(st.integers(0, 10 ** (8 - len(prefixe)) - 1)))


def _rejete(numero: str) -> bool:
    return not ids.finess_valide(numero) and ids.erreur_finess(numero) is not None


@given(finess_valides())
@example("010000024").via("identifiers.md")
@example("2A0000170").via("identifiers.md")
@example("2B0000442").via("identifiers.md")
@example("970302287").via("identifiers.md")
def test_finess_changement_d_un_chiffre_rejete(numero):
    assert ids.finess_valide(numero) and ids.erreur_finess(numero) is None
    for i, c in enumerate(numero):
        if c.isdigit():
            autres = [d for d in "0123456789" if d != c]
        else:  # Corsica: 2A <-> 2B (a letter replaced by a digit is not a digit change: 2A reads as 21 by design)
            autres = [{"A": "B", "B": "A"}[c]]
        for d in autres:
            faux = numero[:i] + d + numero[i + 1:]
            assert _rejete(faux), f"{faux} (de {numero}) accepté"


@given(finess_valides())
@example("010000024").via("identifiers.md")
@example("2A0000170").via("identifiers.md")
@example("140090002").via("a 0-9 pair")
def test_finess_transposition_adjacente_rejetee_sauf_0_9(numero):
    assert ids.finess_valide(numero)
    vus_0_9 = 0
    for i in range(len(numero) - 1):
        a, b = numero[i], numero[i + 1]
        if a == b:
            continue
        faux = numero[:i] + b + a + numero[i + 2:]
        if {a, b} == {"0", "9"}:
            # Luhn cannot see it: 0 doubled is 0 and 9 doubled is 9, so the sum is unchanged.
            assert ids.finess_valide(faux), f"{faux}: Luhn ne détecte pas 0<->9, le numéro reste valide"
            vus_0_9 += 1
        else:
            assert _rejete(faux), f"{faux} (transposition {i} de {numero}) accepté"
    if numero == "140090002":
        assert vus_0_9 == 2


@propriete(30)
@given(st.integers(0, 16), st.data())
def test_finess_altere_refuse_par_le_modele(index, data):
    """Through the model: a one-digit change of an ESSMS FINESS ET is reported on that very field."""
    donnees = fabrique.charger()
    numero = donnees["essms"][index]["finess_et"]
    i = data.draw(st.integers(0, 8))
    d = data.draw(st.sampled_from([x for x in "0123456789" if x != numero[i]]))
    donnees["essms"][index]["finess_et"] = numero[:i] + d + numero[i + 1:]
    from dossier.errors import ProjetInvalide

    with pytest.raises(ProjetInvalide) as exc:
        valider(donnees)
    chemins = [p.chemin for p in exc.value.problemes]
    assert f"essms[{index}].finess_et" in chemins
