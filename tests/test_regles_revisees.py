"""Revised rules (issue 13) from the texts' own cases, and the campaign data's citations."""

from __future__ import annotations

import re

import pytest

import fabrique
from dossier.campaigns import campagnes_disponibles, charger_campagne

SOURCES = fabrique.RACINE.parent / "shared" / "sources"


def _normaliser(texte: str) -> str:
    """Text of a source without its markup (Markdown bold, HTML tags), blanks collapsed."""
    texte = re.sub(r"</?[a-zA-Z][^>]*>", " ", texte.replace("**", "").replace("\\*", "*"))
    return re.sub(r"\s+", " ", texte).strip()


def _parametres_cites():
    for annee in campagnes_disponibles():
        c = charger_campagne(annee)
        for chemin, p, cle in c.parametres():
            if cle in c.fichiers:
                yield pytest.param(c, chemin, p, cle, id=f"{annee}:{chemin}")


@pytest.mark.skipif(not SOURCES.is_dir(), reason="textes sources absents (../shared/sources)")
@pytest.mark.parametrize("campagne, chemin, parametre, cle", list(_parametres_cites()))
def test_chaque_valeur_cite_un_extrait_du_texte_qui_la_contient(campagne, chemin, parametre, cle):
    assert parametre.citation, f"{campagne.annee} {chemin} : source conservée ({cle}) mais pas d'extrait cité"
    texte = _normaliser((SOURCES / campagne.fichiers[cle]).read_text("utf-8"))
    assert _normaliser(parametre.citation) in texte, f"{campagne.annee} {chemin} : extrait absent de {campagne.fichiers[cle]}"


def test_chaque_source_citee_est_declaree():
    for annee in campagnes_disponibles():
        c = charger_campagne(annee)
        assert set(c.fichiers) <= set(c.sources)
        for chemin, _, cle in c.parametres():
            assert cle in c.sources, f"{annee} {chemin} : source « {cle} » non déclarée"


def test_valeurs_2022_citees_comme_les_textes_le_disent():
    c = charger_campagne("2022")
    assert c.parametre("petits_og.seuil_corse_outre_mer") is None  # rules.md §11
    assert "webinaire" in c.parametre("sons.avance_editeur").source
    assert "Obtenir une aide à l'investissement numérique" in c.parametre("calendrier.national.ouverture").source
    for chemin in ("durees.acquisition_mois", "durees.mise_a_niveau_mois", "versements.avance"):
        assert "repris de 2023" in c.parametre(chemin).note


def test_fenetre_nationale_2023_du_webinaire_sons():
    c = charger_campagne("2023")
    ouverture, cloture = c.parametre("calendrier.national.ouverture"), c.parametre("calendrier.national.cloture")
    assert (ouverture.valeur.isoformat(), cloture.valeur.isoformat()) == ("2023-02-15", "2023-06-15")
    assert "21 mars 2023" in ouverture.source
