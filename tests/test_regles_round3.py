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


# --------------------------------------------------------------------------- 3. 2025 AHI exemption

def test_exemption_2025_seulement_pour_les_ahi_non_eligibles_au_sons():
    """Instruction 2025/100 (Care Insight, source secondaire) : « Les établissements d’accueil, d’hébergement
    et d’insertion (AHI) deviennent éligibles au programme SONS, et l’obligation d’atteindre des cibles d’usage
    pour la messagerie sécurisée de santé (MSSanté) et le dossier médical partagé (DMP)/Mon Espace Santé est
    levée pour les AHI non éligibles au SONS. »"""
    from dossier.campaigns import cibles_usage

    cibles = {c.id: c for c in cibles_usage(charger_campagne("2025"))}
    assert cibles["mssante"].s_applique("AHI")  # eligible to SONS by default: the target applies
    assert not cibles["mssante"].s_applique("AHI", eligible_sons=False)
    assert not cibles["dmp"].s_applique("AHI", eligible_sons=False)
    assert cibles["dossiers_actifs"].s_applique("AHI", eligible_sons=False)
    assert cibles["mssante"].s_applique("PA", eligible_sons=False)
    assert "source secondaire" in cibles["mssante"].exemption.source
    assert "levée pour les AHI non éligibles au SONS" in cibles["mssante"].exemption.citation


def test_ahi_eligibles_au_sons_alerte_solution_candidate_au_referencement():
    """DSIH (source secondaire) : « pour les AHI éligibles au SONS, la règle reste stricte : la solution
    numérique choisie devra être candidate au référencement Ségur dès la signature de la convention avec
    l’ARS. »"""
    d = generer_projet(16, campagne="2025", categories=("214", "500"), referencement="en_cours")
    c = _controle(d, "ahi-sons", dt.date(2025, 10, 1))
    assert (c.ok, c.niveau) == (False, "alerte") and "candidate au référencement Ségur" in c.message
    assert c.essms == tuple(e["finess_et"] for e in d["essms"][::2])
    for e in d["essms"][::2]:
        e["eligible_sons"] = False
    c = _controle(d, "ahi-sons", dt.date(2025, 10, 1))
    assert c.ok and "non éligibles au SONS" in c.message
    assert _controle(generer_projet(16, categories=("214", "500")), "ahi-sons").ok  # 2023: sans objet


# --------------------------------------------------------------------------- 6. referencing per domain

def test_referencement_par_domaine_ms1_ms2():
    """Webinaire SONS 2024 : « solutions sont référencées Ségur pour MS1 (PA/PH/DOM) », « … pour MS2
    (PDE/PDS) » ; AAP Normandie 2023 : « conforme au Dossier de Spécification de Référencement Ségur vague 1
    du domaine concerné »."""
    d = generer_projet(15, categories=["500"] * 13 + ["177", "500"])  # 177: MECS (PDE)
    mecs = d["essms"][13]
    c = _controle(d, "referencement-domaines")  # absent: read as MS1, alerte
    assert (c.ok, c.niveau, c.essms) == (False, "alerte", (mecs["finess_et"],)) and "lu comme MS1" in c.message
    d["solution"]["referencement_domaines"] = ["MS1"]
    c = _controle(d, "referencement-domaines")
    assert (c.ok, c.niveau, c.essms) == (False, "erreur", (mecs["finess_et"],))
    assert "MS2" in c.message and "du domaine concerné" in c.message and "ESSMS n° 14" in c.message
    assert not _fin(d).recevable
    d["solution"]["referencement_domaines"] = ["MS1", "MS2"]
    assert _controle(d, "referencement-domaines").ok
    d["solution"]["referencement_domaines"] = ["MS2"]
    c = _controle(d, "referencement-domaines")
    assert c.niveau == "erreur" and len(c.essms) == 14


def test_referencement_domaines_valeur_inconnue_refusee():
    from dossier.errors import ProjetInvalide

    d = generer_projet(15)
    d["solution"]["referencement_domaines"] = ["MS3"]
    with pytest.raises(ProjetInvalide) as e:
        projet_de(d)
    assert "solution.referencement_domaines" in " ".join(str(p) for p in e.value.problemes)


def test_exemples_sans_pde_ni_pds_restent_conformes():
    for chemin in fabrique.fichiers_exemples():
        d = fabrique.charger(chemin)
        assert _controle(d, "referencement-domaines").ok, chemin


# --------------------------------------------------------------------------- 8. 2022 portée nationale

def test_portee_nationale_2022_guichet_national_sous_50_essms():
    """Présentation 2022 : « < 50 ESSMS mais portée nationale* » → AAP national ; « * Concerne des opérateurs
    qui ont une délégation pour gérer des missions particulières »."""
    from dossier.rules import determiner_guichet

    d = generer_projet(20, campagne="2022")
    assert determiner_guichet(projet_de(d), charger_campagne("2022")).guichet == "regional"
    d["portee_nationale"] = True
    g = determiner_guichet(projet_de(d), charger_campagne("2022"))
    assert (g.guichet, g.ars) == ("national", None)
    c = _controle(d, "portee-nationale", dt.date(2022, 6, 1))
    assert c.ok and "délégation pour gérer des missions particulières" in c.message
    d = generer_projet(20)
    d["portee_nationale"] = True
    assert determiner_guichet(projet_de(d), charger_campagne("2023")).guichet == "regional"
    c = _controle(d, "portee-nationale")
    assert (c.ok, c.niveau) == (False, "alerte") and "à confirmer avec l'ARS" in c.message


# --------------------------------------------------------------------------- 12. 2025/100: PJM

def test_2025_services_pjm_sans_dui_reference():
    """FAQ ANS (source secondaire) : « Pour les établissement PJM, il n'y a pas d'obligation de s'équiper
    d'un éditeur référencé Ségur. »"""
    jour = dt.date(2025, 10, 1)
    d = generer_projet(15, campagne="2025", categories=("340",), referencement="non_reference")
    c = _controle(d, "referencement-segur", jour)
    assert c.ok and "PJM" in c.message
    d = generer_projet(15, campagne="2025", categories=("340", "500"), referencement="non_reference")
    c = _controle(d, "referencement-segur", jour)
    assert c.niveau == "erreur" and c.essms == tuple(e["finess_et"] for e in d["essms"][1::2])
    d = generer_projet(15, campagne="2023", categories=("340",), referencement="non_reference")
    assert _controle(d, "referencement-segur").niveau == "erreur"  # no such text for 2023


def test_mesures_2025_ahi_eligible_au_sons_garde_ses_cibles(tmp_path):
    from dossier.usages.indicateurs import calculer_usages
    from dossier.usages.mesures import lire_mesures

    d = generer_projet(16, campagne="2025", categories=("214", "500"))
    projet = projet_de(d)
    ahi = projet.essms[0]
    chemin = tmp_path / "m.csv"
    chemin.write_text("finess_et;debut;fin;mssante_messages;dmp_alimentes;personnes_projet;file_active;dossiers_actifs;"
                      "dossiers_projet_personnalise;dossiers_agenda\n" f"{ahi.finess_et};2025-06;2025-08;0;0;60;100;95;90;95\n", "utf-8")
    res = calculer_usages(projet, charger_campagne("2025"), lire_mesures(chemin, projet))
    assert res.essms[0].atteint is False  # eligible to SONS (default): MSSanté and DMP targets apply


# --------------------------------------------------------------------------- 4. minimum size, national profile

def test_taille_minimale_2023_profil_national_alerte_citant_le_kit():
    """Kit ARS IDF 2023 : « Les ARS apprécieront, au cas par cas, si le regroupement de moins de 15 ESSMS (ou 8
    pour les territoires ultra-marins et la Corse) est éligible à l'aide. »"""
    d = generer_projet(12, profil="cnsa-2023")
    c = _controle(d, "taille-minimale")
    assert (c.ok, c.niveau) == (False, "alerte")
    assert "Les ARS apprécieront, au cas par cas" in c.message and "Kit ESMS numérique" in c.message
    assert _fin(d).recevable
    d = generer_projet(12, profil="normandie-2023")  # the AAP Normandie level stays an alerte
    assert _controle(d, "taille-minimale").niveau == "alerte"
    d = generer_projet(12, campagne="2022")  # 2022 texts: « regroupement a minima de 15 ESSMS »
    assert _controle(d, "taille-minimale", dt.date(2022, 6, 1)).niveau == "erreur"


# --------------------------------------------------------------------------- 5. 2022 mise à niveau, referenced only

@pytest.mark.parametrize("ref", ["non_reference", "en_cours"])
def test_2022_mise_a_niveau_solution_non_referencee_refusee(tmp_path, capsys, ref):
    """Présentation 2022 : « La solution DUI que je fais évoluer doit être « référencée Ségur » »: no amount
    (exit 2, like 2023 non-referenced), and check gives « en cours » the same erreur as « non référencé »."""
    d = generer_projet(35, campagne="2022", type_projet="mise_a_niveau", referencement=ref)
    with pytest.raises(MontantsInconnus) as e:
        _fin(d)
    assert "doit être « référencée Ségur »" in str(e.value)
    c = _controle(d, "referencement-segur", dt.date(2022, 6, 1))
    assert (c.ok, c.niveau) == (False, "erreur") and "doit être « référencée Ségur »" in c.message
    fichier = fabrique.ecrire(tmp_path / "p.json", d)
    code, texte = lancer(capsys, "financement", fichier, "--json")
    assert code == 2 and "référencée Ségur" in texte
    d = generer_projet(35, campagne="2022", type_projet="mise_a_niveau")
    assert _fin(d).totaux["total"] == 175000  # « Exemple : J'ai 35 ESSMS alors j'obtiens 175 k€ »


# --------------------------------------------------------------------------- 7. 2024 minimum size and windows

def test_2024_taille_minimale_et_ouverture_nationale_sources_secondaires():
    """Géroscopie (source secondaire) : « les groupements constitués de 15 ESSMS ou plus, situés dans une même
    région (8 pour la Corse et les territoires ultramarins) » ; « l'appel à projet national s'ouvre le 15
    février » ; the national closing day is unknown: an alerte « non vérifiable »."""
    c = charger_campagne("2024")
    assert (c.valeur("taille_minimale.essms"), c.valeur("taille_minimale.essms_corse_outre_mer")) == (15, 8)
    assert "source secondaire" in c.parametre("taille_minimale.essms").source
    jour = dt.date(2024, 5, 1)
    petit = _controle(generer_projet(12, campagne="2024"), "taille-minimale", jour)
    assert (petit.ok, petit.niveau) == (False, "erreur") and "minimum est de 15" in petit.message
    assert _controle(generer_projet(8, campagne="2024", departements=("9704",)), "taille-minimale", jour).ok
    national = generer_projet(50, campagne="2024", departements=["14", "75"], date_depot="2024-05-15")
    cal = _controle(national, "calendrier", jour)
    assert (cal.niveau, cal.ok) == ("alerte", False) and "non vérifiable" in cal.message and "15 février 2024" in cal.message
    national["depot"]["date"] = "2024-02-01"
    cal = _controle(national, "calendrier", jour)
    assert (cal.niveau, cal.ok) == ("erreur", False) and "avant l'ouverture" in cal.message
    regional = _controle(generer_projet(15, campagne="2024", date_depot="2024-09-16"), "calendrier", jour)
    assert regional.niveau == "erreur"  # « au 15 septembre pour les autres »


# --------------------------------------------------------------------------- citations (items 7, 11, 12)

def test_citations_hors_textes_conserves_viennent_de_sources_secondaires_etiquetees():
    """The stored texts' citations are checked word for word (test_regles_revisees); a citation from a page not
    stored here must come from a source labelled « source secondaire » with its web address."""
    from dossier.campaigns import campagnes_disponibles

    vus = 0
    for annee in campagnes_disponibles():
        c = charger_campagne(annee)
        for chemin, p, cle in c.parametres():
            if p.citation and cle not in c.fichiers:
                vus += 1
                assert p.source.startswith("source secondaire"), f"{annee} {chemin}"
                assert c.adresses[cle].startswith("https://"), f"{annee} {chemin}"
    assert vus >= 5


def test_campagnes_sources_affiche_les_valeurs_secondaires(capsys):
    code, texte = lancer(capsys, "campagnes", "--sources")
    assert code == 0
    plat = " ".join(texte.split())
    for extrait in ("Géroscopie", "source secondaire", "taille_minimale.essms", "calendrier.national.ouverture",
                    "referencement.domaine_ms2", "guichet.portee_nationale", "non_cumul.version_installee"):
        assert extrait in plat, extrait


# --------------------------------------------------------------------------- 9. 2022 small OG, national project

def test_2022_projet_national_petits_og_alerte_par_financement_demande():
    """Présentation 2022 : « Si des organismes de petite taille participent au projet national, ils peuvent
    obtenir les financements spécifiques pour l'équipement matériel. Ces situations sont étudiées au cas par
    cas. »: an alerte for each item requested (equipment, pilotage / AMOA, SAD)."""
    jour = dt.date(2022, 6, 1)
    d = generer_projet(60, campagne="2022", organismes=[52, 8], amoa=True, sad=True, mise_en_concurrence="sad",
                       materiel=[None] * 52 + [5000] * 8)
    amoa = _controle(d, "amoa-petits-og", jour)
    assert (amoa.ok, amoa.niveau) == (False, "alerte")
    assert "pilotage / AMOA des petits OG apprécié au cas par cas" in amoa.message
    assert "forfait SAD des petits OG apprécié au cas par cas" in amoa.message
    assert amoa.message.count("à confirmer avec la CNSA") == 2 and "Ces situations sont étudiées au cas par cas" in amoa.message
    materiel = _controle(d, "materiel-petits-og", jour)
    assert (materiel.ok, materiel.niveau) == (False, "alerte") and "matériel des petits OG apprécié au cas par cas" in materiel.message
    regional = generer_projet(20, campagne="2022", organismes=[12, 8], amoa=True)
    assert "cas par cas" not in _controle(regional, "amoa-petits-og", jour).message


# --------------------------------------------------------------------------- 10. SONS amounts are indicative

def test_sons_indicatif_bareme_avec_l_exemple_de_la_presentation(tmp_path, capsys):
    """Présentation 2022 : « Mon éditeur percevra directement la « Prestation Ségur » selon le barème défini dans
    le financement SONS : dans ce cas, il percevra 1 232 € / ESSMS, soit 43 120 € au total. » — an example of
    the SONS scale, shown as « indicatif (barème SONS) », never as a computed right."""
    d = generer_projet(35, campagne="2022", type_projet="mise_a_niveau")
    j = financement_json(_fin(d))
    assert j["sons"]["nature"] == "indicatif (barème SONS)"
    assert "il percevra 1 232 € / ESSMS, soit 43 120 € au total" in j["sons"]["exemple"]
    assert j["sons"]["prestation_segur_total"] == 43120 and "17 520" not in j["sons"]["exemple"]
    d = generer_projet(35, type_projet="mise_a_niveau", organismes=[27, 8])
    j = financement_json(_fin(d))
    assert "43 120" in j["sons"]["exemple"] and "soit 17 520 € au total" in j["sons"]["exemple"]
    assert "repris de 2022 : aucun texte 2023 ne donne ce barème" in j["sons"]["exemple"]  # 2023 reuses them
    fichier = fabrique.ecrire(tmp_path / "p.json", d)
    code, texte = lancer(capsys, "financement", fichier)
    assert code == 0 and "indicatif (barème SONS)" in " ".join(texte.split())


# --------------------------------------------------------------------------- 11. citations

def test_cibles_2023_citees_mot_pour_mot():
    """AAP Normandie 2023 : « (nombre de messages envoyés via la MS Santé / nombre de personnes accompagnées
    pouvant bénéficier d’un projet d’accueil et d’accompagnement) x 100 70% » ; the DMP target from the kit IDF
    (the AAP's row is cut by a footnote)."""
    from dossier.campaigns import cibles_usage

    for c in cibles_usage(charger_campagne("2023")):
        pourcent = f"{int(c.cible.valeur * 100)}"
        assert c.cible.citation and pourcent in c.cible.citation, c.id
    for annee in ("2022", "2025"):
        assert all("repris de 2023" in c.cible.note for c in cibles_usage(charger_campagne(annee)))


def test_avance_sons_citee_au_webinaire_2023():
    """Webinaire SONS du 21 mars 2023 (001) : « Mon éditeur opère toutes les démarches auprès de l'ASP, obtient
    une avance de 30% et réalise la prestation »."""
    for annee in ("2022", "2023"):
        p = charger_campagne(annee).parametre("sons.avance_editeur")
        assert "21 mars 2023" in p.source and "avance de 30%" in p.citation
        assert annee == "2023" or "repris de 2023" in p.note


def test_valeurs_reprises_de_2023_dites_dans_chaque_sortie(tmp_path, capsys):
    """The 2022 advance and durations come from 2023 texts: every output that shows them says « repris de 2023 »."""
    d = generer_projet(35, campagne="2022", type_projet="mise_a_niveau")
    j = financement_json(_fin(d))
    assert {r["parametre"] for r in j["valeurs_reprises"]} == {"versements.avance", "sons.avance_editeur"}
    assert all(r["note"] == "repris de 2023" for r in j["valeurs_reprises"])
    assert "repris de 2023" in _controle(d, "duree-indicative", dt.date(2022, 6, 1)).message
    fichier = fabrique.ecrire(tmp_path / "p.json", d)
    code, texte = lancer(capsys, "financement", fichier)
    assert code == 0 and "part de l'avance : repris de 2023" in texte
    assert financement_json(_fin(generer_projet(15)))["valeurs_reprises"] == []  # 2023: its own texts


# --------------------------------------------------------------------------- 12. 2025/100 in campagnes

def test_campagnes_informe_du_transfert_vers_sons_et_refuse_toujours_2025(tmp_path, capsys):
    """Care Insight (source secondaire) : « Une enveloppe de 6,5 M€ est transférée du budget du programme ESMS
    numérique vers le programme SONS ((Système Ouvert et Non Sélectif), Vague 2 »: information only; the 2025
    per-ESSMS amounts remain unknown: financement still refuses."""
    code, texte = lancer(capsys, "campagnes")
    plat = " ".join(texte.split())
    assert code == 0 and "Campagne 2025, pour information : 6,5 M€" in plat and "SONS (vague 2)" in plat
    assert "services PJM : pas d'obligation d'un DUI référencé Ségur" in plat and "source secondaire" in plat
    fichier = fabrique.ecrire(tmp_path / "p.json", generer_projet(15, campagne="2025"))
    code, texte = lancer(capsys, "financement", fichier)
    assert code == 2 and "montants de la campagne 2025 non renseignés" in " ".join(texte.split())


# --------------------------------------------------------------------------- contract round 3: the fiche

def test_nouvelles_cles_dans_la_fiche_aller_retour(tmp_path):
    """contract.md, revised (round 3): the new optional keys appear in the fiche and come back from it."""
    from dossier.fiche import charger_fiche, donnees_projet, ecrire_fiche

    d = fabrique.charger(fabrique.EXEMPLE)
    d["solution"]["referencement_domaines"] = ["MS1", "MS2"]
    d["portee_nationale"] = True
    spasad = next(e for e in d["essms"] if e["categorie"] == "209")
    spasad["heures_saad"]["soins"] = 1500
    d["essms"][0]["eligible_sons"] = False
    ecrire_fiche(d, tmp_path / "fiche.xlsx")
    retour = donnees_projet(charger_fiche(tmp_path / "fiche.xlsx"))
    assert retour["solution"]["referencement_domaines"] == ["MS1", "MS2"]
    assert retour["portee_nationale"] is True and retour["essms"][0]["eligible_sons"] is False
    assert next(e for e in retour["essms"] if e["categorie"] == "209")["heures_saad"]["soins"] == 1500
