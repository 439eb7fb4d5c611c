"""Rules as the texts say, round 3 (issue 21): each test quotes the text it follows.

Expected amounts are typed from the texts (rates, hours), never read back from the campaign data.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

import fabrique
from fabrique import generer_projet, heures, projet_de
from dossier.campaigns import charger_campagne
from dossier.errors import MontantsInconnus
from dossier.rules import calculer_financement, verifier_recevabilite
from dossier.sorties import financement_json
from test_cli_engine import lancer

AUJOURDHUI = dt.date(2023, 5, 1)


def _controles(donnees: dict, aujourdhui: dt.date = AUJOURDHUI) -> list:
    p = projet_de(donnees)
    return verifier_recevabilite(p, charger_campagne(p.campagne), aujourdhui)


def _controle(donnees: dict, id_: str, aujourdhui: dt.date = AUJOURDHUI):
    return next(c for c in _controles(donnees, aujourdhui) if c.id == id_)


def _fin(donnees: dict):
    p = projet_de(donnees)
    return calculer_financement(p, charger_campagne(p.campagne), AUJOURDHUI)


# --------------------------------------------------------------------------- 1. SPASAD nursing hours

def test_soins_infirmiers_comptes_eligibles_seul_le_confort_est_proratise():
    """AAP Normandie 2023 : « Dans le cas des ESSMS proposant à la fois un accompagnement aux activités
    essentielles à la vie et des services d’aide à la personne dits de « confort » […], l’aide est modulée au
    prorata du nombre d’heures éligibles » ; kit IDF : « (seule la partie de leur activité d'accompagnement aux
    activités essentielles à la vie sera prise en compte) ». Nursing hours are not confort."""
    d = generer_projet(15, categories=["500"] * 14 + ["209"])
    spasad = d["essms"][14]
    spasad["heures_saad"] = heures(2022, total=30000, apa=21000, pch=4000, dependance=3000)
    sans = _fin(d).essms[14]
    assert sans.usages == Decimal("6533.33")  # 7 000 × 28 000 / 30 000: the 2 000 other hours count as confort
    spasad["heures_saad"]["soins"] = 1500
    avec = _fin(d).essms[14]
    assert avec.part_ms == Decimal(29500) / Decimal(30000)
    assert avec.usages == Decimal("6883.33") and avec.logiciel == Decimal("13766.67")  # 7 000 / 14 000 × 29 500 / 30 000
    spasad["heures_saad"]["soins"] = 2000
    j = financement_json(_fin(d))
    assert j["essms"][14]["part_ms"] == 1.0 and j["essms"][14]["usages"] == 7000


def test_heures_de_soins_au_dela_du_total_refusees_avec_le_chemin():
    d = generer_projet(15, categories=["500"] * 14 + ["209"])
    d["essms"][14]["heures_saad"] = dict(heures(2022, total=30000, apa=21000, pch=4000, dependance=3000), soins=2001)
    from dossier.errors import ProjetInvalide
    with pytest.raises(ProjetInvalide) as e:
        projet_de(d)
    texte = " ".join(str(p) for p in e.value.problemes)
    assert "essms[14].heures_saad" in texte and "soins" in texte


def test_soins_cites_dans_les_donnees_de_campagne():
    for annee in ("2022", "2023"):
        p = charger_campagne(annee).parametre("saad.soins_eligibles")
        assert p.valeur is True and "activités essentielles à la vie" in p.citation


# --------------------------------------------------------------------------- 2. non-cumul per ESSMS

def test_version_segur_installee_alerte_par_essms_projet_recevable():
    """Webinaire SONS 2024 (000) : « Je dispose de la version référencée Ségur ou postérieure » → « Je ne peux
    pas cumuler les deux financements »: that ESSMS gets no SONS Prestation Ségur nor software forfait; the
    text does not say which financing remains: « à confirmer avec l'ARS »."""
    d = generer_projet(16, type_projet="mise_a_niveau")
    d["essms"][3]["version_segur_installee"] = True
    c = _controle(d, "non-cumul")
    assert (c.ok, c.niveau, c.essms) == (False, "alerte", (d["essms"][3]["finess_et"],))
    assert "Je ne peux pas cumuler les deux financements" in c.message and "à confirmer avec l'ARS" in c.message
    assert "forfait usages non compté (5" in c.message
    fin = _fin(d)
    assert fin.recevable
    assert (fin.essms[3].usages, fin.essms[3].logiciel) == (0, 0)
    assert fin.totaux["usages"] == 15 * 5000
    assert len(fin.sons.par_essms) == 15 and fin.sons.total == 15 * 1232
    assert "sous le minimum" not in c.message  # 15 others still meet the minimum


def test_version_segur_installee_sous_le_minimum_sans_eux_alerte():
    d = generer_projet(15, type_projet="mise_a_niveau")
    d["essms"][0]["version_segur_installee"] = True
    c = _controle(d, "non-cumul")
    assert c.niveau == "alerte" and "14 ESSMS financés, sous le minimum de 15" in c.message
    assert _fin(d).recevable
