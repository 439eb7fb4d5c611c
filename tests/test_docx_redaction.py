"""Word pieces a consultant signs as they come out (issue 12): French around names, rows that hold
together, sources of the project's own campaign and profile, referents per structure, risks per OG,
the grouping's commitments. The three examples are rendered with their own profile and read back.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

import fabrique
from dossier.campaigns import charger_campagne
from dossier.model import charger_projet
from dossier.rules.profil_depot import profil_du_projet
from dossier.profiles import charger_profil
from dossier.render.contextes.francais import a, de, le
from dossier.francais import montant
from dossier.rules import ars_pivot, calculer_financement
from test_docx import CHEMIN_JSON, rendre_tout, tableau_avec, tableaux, texte_de

EXEMPLES = sorted((fabrique.RACINE / "examples").glob("*.json"))


# --------------------------------------------------------------------------- French around names


@pytest.mark.parametrize("nom, avec_de, avec_le, avec_a", [
    # a vowel or a mute h: elision
    ("Aide & Domicile du Pays Saint-Lois", "d'Aide & Domicile du Pays Saint-Lois", "Aide & Domicile du Pays Saint-Lois",
     "à Aide & Domicile du Pays Saint-Lois"),
    ("Entraide du Sud", "d'Entraide du Sud", "Entraide du Sud", "à Entraide du Sud"),
    ("Association Les Tilleuls", "de l'Association Les Tilleuls", "l'Association Les Tilleuls",
     "à l'Association Les Tilleuls"),
    ("Hôpital local de Vire", "de l'Hôpital local de Vire", "l'Hôpital local de Vire", "à l'Hôpital local de Vire"),
    ("Établissement public de Caen", "de l'Établissement public de Caen", "l'Établissement public de Caen",
     "à l'Établissement public de Caen"),
    # names starting with an article
    ("Le Clos Normand", "du Clos Normand", "le Clos Normand", "au Clos Normand"),
    ("La Source", "de la Source", "la Source", "à la Source"),
    ("Les Tilleuls du Bocage", "des Tilleuls du Bocage", "les Tilleuls du Bocage", "aux Tilleuls du Bocage"),
    ("L'Arche en Pays d'Auge", "de l'Arche en Pays d'Auge", "l'Arche en Pays d'Auge", "à l'Arche en Pays d'Auge"),
    # acronyms
    ("CCAS de Vire Normandie", "du CCAS de Vire Normandie", "le CCAS de Vire Normandie", "au CCAS de Vire Normandie"),
    ("ADMR de la Manche", "de l'ADMR de la Manche", "l'ADMR de la Manche", "à l'ADMR de la Manche"),
    ("MSA Côtes normandes", "de la MSA Côtes normandes", "la MSA Côtes normandes", "à la MSA Côtes normandes"),
    # common nouns with their gender
    ("Fondation Bon Sauveur", "de la Fondation Bon Sauveur", "la Fondation Bon Sauveur", "à la Fondation Bon Sauveur"),
    ("Centre Saint-Jean", "du Centre Saint-Jean", "le Centre Saint-Jean", "au Centre Saint-Jean"),
    # a consonant, an aspirated h: no article, no elision
    ("Bocage Solidarité", "de Bocage Solidarité", "Bocage Solidarité", "à Bocage Solidarité"),
    ("Handi'Cap Services", "de Handi'Cap Services", "Handi'Cap Services", "à Handi'Cap Services"),
])
def test_article_et_preposition_devant_un_nom(nom, avec_de, avec_le, avec_a):
    assert (de(nom), le(nom), a(nom)) == (avec_de, avec_le, avec_a)


def _texte_de_tout(chemins: dict[str, Path]) -> str:
    return "\n".join(texte_de(c) for c in chemins.values())


@pytest.fixture(scope="module")
def exemples(tmp_path_factory) -> dict[str, tuple]:
    """{example name: ({slug: path}, contexte, projet)} rendered with the example's own profile."""
    rendus = {}
    for chemin in EXEMPLES:
        projet = charger_projet(chemin)
        chemins, contexte, _ = rendre_tout(projet, projet.depot.profil, tmp_path_factory.mktemp(chemin.stem))
        rendus[chemin.stem] = (chemins, contexte, projet)
    return rendus


def test_trois_exemples(exemples):
    assert set(exemples) == {"normandie-2023-acquisition", "mise-a-niveau-2022", "outre-mer-8-essms"}


@pytest.mark.parametrize("exemple", [c.stem for c in EXEMPLES])
def test_grammaire_autour_des_noms(exemples, exemple):
    chemins, _, projet = exemples[exemple]
    texte = _texte_de_tout(chemins)
    assert not re.search(r"\bde [AEIOUÉ]", texte), re.search(r".{30}\bde [AEIOUÉ].{30}", texte)
    assert not re.search(r"\bque [aeiou]", texte), re.search(r".{30}\bque [aeiou].{30}", texte)
    for nom in [projet.porteur.raison_sociale] + [og.raison_sociale for og in projet.organismes]:
        for avant in ("de", "par", "que", "à"):
            if le(nom) != nom or nom[0] in "AEIOUÉ":
                assert f"{avant} {nom}" not in texte, (avant, nom)


def test_grammaire_dans_les_phrases_de_l_exemple(exemples):
    chemins, _, _ = exemples["normandie-2023-acquisition"]
    lettre = texte_de(chemins["lettre-engagement"])
    assert "porté par l'Association Les Tilleuls du Bocage" in lettre
    attestation = texte_de(chemins["attestation-mutualisation"])
    assert "en qualité de directrice générale de l'Association Les Tilleuls du Bocage, porteur" in attestation
    gouvernance = texte_de(chemins["gouvernance"])
    assert "L'Association Les Tilleuls du Bocage, porteur du projet" in gouvernance


# --------------------------------------------------------------------------- no plumbing, the right sources


@pytest.mark.parametrize("exemple", [c.stem for c in EXEMPLES])
def test_ni_chemin_json_ni_formule(exemples, exemple):
    texte = _texte_de_tout(exemples[exemple][0])
    assert not CHEMIN_JSON.search(texte), CHEMIN_JSON.search(texte)
    assert not re.search(r"\b(MIN|MAX|SUM|SOMME|IF|SI)\(", texte)
    assert "[À COMPLÉTER" not in texte and "{{" not in texte and "{%" not in texte


@pytest.mark.parametrize("exemple", [c.stem for c in EXEMPLES])
def test_sources_de_la_campagne_et_du_profil(exemples, exemple):
    """Pieces cite the campaign's instruction, and the profile's call only when it is the call of the
    project's région for its campaign (a 2022 dossier does not cite the 2023 AAP Normandie, a La Réunion
    dossier not the Île-de-France kit)."""
    chemins, _, projet = exemples[exemple]
    campagne = charger_campagne(projet.campagne)
    profil = profil_du_projet(projet)
    propre = profil.propre_a(projet.campagne, ars_pivot(projet))
    assert propre == (exemple == "normandie-2023-acquisition")
    sources = campagne.sources["instruction"] + (f"\u00a0; {profil.source}" if propre else "")
    for chemin in chemins.values():
        texte = texte_de(chemin)
        assert campagne.sources["instruction"] in texte, chemin.name
        if propre and "lettre" not in chemin.name:
            assert profil.source in texte, chemin.name
        if not propre:
            assert profil.source not in texte, chemin.name
            assert "Île-de-France" not in texte and "annexe 1 de l'appel" not in texte, chemin.name
        if projet.campagne != "2023":
            assert "2023" not in " ".join(l for l in texte.splitlines() if "ARS Normandie" in l), chemin.name
        assert campagne.sources.get("aap_normandie", "§") not in texte
        for ligne in texte.splitlines():
            if ligne.startswith("Sources\u00a0:"):
                assert ligne == f"Sources\u00a0: {sources}.", ligne


def test_un_dossier_de_la_reunion_ne_cite_pas_l_ars_normandie(exemples):
    chemins, _, _ = exemples["outre-mer-8-essms"]
    texte = _texte_de_tout(chemins)
    assert "Normandie" not in texte
    assert "ARS La Réunion" in texte


# --------------------------------------------------------------------------- page layout


@pytest.mark.parametrize("exemple", [c.stem for c in EXEMPLES])
def test_lignes_insecables_entetes_repetes_totaux_attaches(exemples, exemple):
    for chemin in exemples[exemple][0].values():
        doc = Document(str(chemin))
        for table in doc.tables:
            lignes = table._tbl.findall(qn("w:tr"))
            assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in lignes), chemin.name
            premiere = lignes[0]
            if premiere.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None:
                assert all(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for tr in lignes[1:])
            texte_derniere = "".join(t.text or "" for t in lignes[-1].iter(qn("w:t")))
            if texte_derniere.startswith("Total") and len(lignes) > 2:
                avant = lignes[-2]
                assert all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
                           for p in avant.iter(qn("w:p"))), (chemin.name, texte_derniere)


def _garde(paragraphe) -> bool:
    return paragraphe._p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None


@pytest.mark.parametrize("exemple", [c.stem for c in EXEMPLES])
def test_bloc_de_signature_attache_au_paragraphe_precedent(exemples, exemple):
    chemins = exemples[exemple][0]
    signees = [chemins[s] for s in ("convention", "lettre-engagement", "attestation-mutualisation") if s in chemins]
    assert len(signees) == 2
    for chemin in signees:
        paragraphes = Document(str(chemin)).paragraphs
        faits = [i for i, p in enumerate(paragraphes) if p.text.startswith("Fait ")]
        assert faits, chemin.name
        for i in faits:
            assert _garde(paragraphes[i]) and _garde(paragraphes[i - 1]), (chemin.name, paragraphes[i].text)
            signataire = [p for p in paragraphes[i + 1:i + 3] if p.style.name == "Signature"]
            assert all(_garde(p) for p in signataire)  # name and function stay with "Fait à"


def test_lettre_sans_page_blanche_ni_paragraphe_vide_de_fin(exemples):
    """The section break rides on each letter's last paragraph: nothing can spill onto an empty page."""
    for chemins, _, projet in exemples.values():
        doc = Document(str(chemins["lettre-engagement"]))
        corps = doc.element.body
        porteurs = [p for p in corps.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
        assert len(porteurs) == len(projet.organismes) - 1
        assert all("Signature et cachet" in "".join(t.text for t in p.iter(qn("w:t"))) for p in porteurs)
        assert not any(br.get(qn("w:type")) == "page" for br in corps.iter(qn("w:br")))


# --------------------------------------------------------------------------- gouvernance and risks per structure


def _rendu(donnees: dict, tmp_path: Path, profil: str = "cnsa-2023"):
    projet = fabrique.projet_de(donnees)
    return rendre_tout(projet, profil, tmp_path)


def test_referent_de_chaque_structure(donnees_exemple, tmp_path):
    d = copy.deepcopy(donnees_exemple)
    d["essms"][0]["referent"] = {"civilite": "Mme", "nom": "Inès Roy", "fonction": "Infirmière coordinatrice"}
    d["gouvernance"]["referents"] = [r for r in d["gouvernance"]["referents"] if r["organisme"] != "ccas-vire"]
    d["essms"][9]["referent"] = {"nom": "Luc Marie", "fonction": "Directeur"}  # a CCAS structure
    chemins, contexte, _ = _rendu(d, tmp_path)
    referents = tableau_avec(chemins["gouvernance"], "Référent")
    par_structure = {s: l for l in referents[1:] for s in l[1].splitlines()}
    assert len(par_structure) == 17  # every structure has its row
    assert par_structure["EHPAD Les Tilleuls"][2:] == ["Mme Inès Roy", "Infirmière coordinatrice"]
    tilleuls = next(r["nom"] for r in d["gouvernance"]["referents"] if r["organisme"] == "tilleuls")
    assert par_structure["EHPAD Résidence du Parc"][2] == tilleuls
    assert par_structure["EHPAD Les Hortensias"][2] == "Luc Marie"
    # the other CCAS structures have neither their own nor their OG's referent: one marker for the OG
    assert par_structure["EHPAD La Source"][2].startswith("[À COMPLÉTER : référent de l'organisme « CCAS")
    assert [m for m in contexte.marqueurs if "référent" in m] == [
        "référent de l'organisme « CCAS de Vire Normandie » ou de chacune de ses structures (nom et fonction) "
        "(champ : gouvernance.referents ou essms[].referent)"]


def test_risques_par_organisme_et_par_structure(donnees_exemple, tmp_path):
    d = copy.deepcopy(donnees_exemple)
    d["conduite_changement"]["risques"] += [
        {"risque": "Départ du directeur", "niveau": "faible", "action": "Binôme de direction", "organisme": "ccas-vire"},
        {"risque": "Réseau & Wi-Fi <faibles>", "niveau": "élevé", "action": "Bornes Wi-Fi",
         "finess_et": d["essms"][14]["finess_et"]},
    ]
    chemins, _, _ = _rendu(d, tmp_path)
    texte = texte_de(chemins["conduite-du-changement"])
    assert "Risques propres au CCAS de Vire Normandie" in texte
    assert "Risques propres à Aide & Domicile du Pays Saint-Lois" in texte
    assert "Risques propres à l'Association" not in texte  # no risk of its own
    groupe = tableau_avec(chemins["conduite-du-changement"], "Niveau")
    assert [l[0] for l in groupe[1:]] == ["Résistance au changement", "Retard de l'éditeur"]
    par_og = [t for t in tableaux(chemins["conduite-du-changement"]) if t[0][0] == "Structure"]
    assert par_og[0][1] == ["Ensemble de l'organisme", "Départ du directeur", "Faible", "Binôme de direction"]
    assert par_og[1][1] == [d["essms"][14]["nom"], "Réseau & Wi-Fi <faibles>", "Élevé", "Bornes Wi-Fi"]


# --------------------------------------------------------------------------- the grouping's commitments


def _autofinancement(projet) -> tuple:
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    c = projet.couts
    couts = sum(p.montant for p in c.postes) + sum(r.cout_annuel * len(r.annees) for r in c.rh)
    return couts, couts - fin.totaux["total"] - sum(r.montant for r in c.ressources_autres)


def test_engagements_du_regroupement_par_nombre_d_essms(exemples):
    chemins, _, projet = exemples["normandie-2023-acquisition"]
    texte = texte_de(chemins["attestation-mutualisation"])
    assert "pour une durée au moins égale à celle du projet" in texte
    assert "mutualiser les moyens dédiés au projet" in texte
    assert "au prorata du nombre d'ESSMS de chaque organisme" in texte
    couts, reste = _autofinancement(projet)
    assert montant(couts) in texte and montant(reste) in texte
    table = tableau_avec(chemins["attestation-mutualisation"], "Autofinancement")
    assert [l[1] for l in table[1:-1]] == ["52,9\u202f%", "29,4\u202f%", "17,6\u202f%"]
    assert table[-1][2] == montant(reste)
    assert sum(_euros(l[2]) for l in table[1:-1]) == _euros(montant(reste))
    assert "Fait à …………………………, le 15 mai 2023" in texte  # no commune: a dotted line, not a marker


def _euros(texte: str) -> Decimal:
    return Decimal(re.sub(r"[^\d,]", "", texte).replace(",", "."))


def test_repartition_donnee_et_commune_du_porteur(donnees_exemple, tmp_path):
    d = copy.deepcopy(donnees_exemple)
    d["couts"]["repartition_autofinancement"] = [
        {"organisme": "tilleuls", "part": 0.5}, {"organisme": "ccas-vire", "part": 0.3},
        {"organisme": "aide-domicile", "part": 0.2}]
    d["porteur"]["commune"] = "Saint-Lô"
    chemins, contexte, _ = _rendu(d, tmp_path)
    texte = texte_de(chemins["convention"])
    assert "selon la répartition arrêtée entre les organismes" in texte
    assert "pour une durée au moins égale à celle du projet" in texte
    _, reste = _autofinancement(fabrique.projet_de(d))
    table = tableau_avec(chemins["convention"], "Autofinancement")
    assert [l[1] for l in table[1:-1]] == ["50,0\u202f%", "30,0\u202f%", "20,0\u202f%"]
    assert table[1][2] == montant(round(reste * Decimal("0.5"), 2))
    assert "à Saint-Lô, le" in texte
    assert contexte.marqueurs == []
