"""Profiles as data: numbering, generated files, conditions on project facts."""

import json
import types
from pathlib import Path

import pytest

from dossier.errors import DossierError
from dossier.profiles import (
    FaitsProjet, charger_profil, decrire_condition, evaluer_condition, faits_du_projet,
    profils_disponibles,
)

EXEMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "normandie-2023-acquisition.json")


def test_profils_disponibles():
    assert profils_disponibles() == ["aap-normandie-2023", "kit-idf-2023"]


def test_profil_inconnu_liste_les_profils_connus():
    with pytest.raises(DossierError) as exc:
        charger_profil("bretagne-2023")
    assert "bretagne-2023" in exc.value.message
    assert "aap-normandie-2023, kit-idf-2023, cnsa-2023, normandie-2023" in exc.value.message


def test_cnsa_pieces_dans_l_ordre_de_pieces_md():
    profil = charger_profil("cnsa-2023")
    assert [p.slug for p in profil.pieces] == [
        "note-de-presentation", "gouvernance", "convention", "lettre-engagement", "planning",
        "plan-de-financement", "strategie-deploiement", "conduite-du-changement", "rib",
        "declaration-heures-saad", "liste-materiels", "autorisation-entite-nationale",
        "autodiagnostic-anap", "statuts", "publication-jo",
    ]
    assert [p.numero for p in profil.pieces] == list(range(1, 16))
    assert "Île-de-France" in profil.source


def test_cnsa_fichiers_generes():
    fichiers = charger_profil("cnsa-2023").fichiers_generes()
    assert [f.nom for f in fichiers] == [
        "01-note-de-presentation.docx", "02-gouvernance.docx", "03-convention.docx",
        "04-lettre-engagement.docx", "05-planning.xlsx", "06-plan-de-financement.xlsx",
        "07-strategie-deploiement.docx", "08-conduite-du-changement.docx",
        "10-declaration-heures-saad.xlsx", "11-liste-materiels.xlsx",
    ]
    assert {f.slug: f.modele for f in fichiers}["liste-materiels"] == "materiels"
    assert {f.slug: f.modele for f in fichiers}["planning"] == "planning"


def test_normandie_un_fichier_par_emplacement():
    profil = charger_profil("normandie-2023")
    fichiers = {f.nom: f for f in profil.fichiers_generes()}
    assert list(fichiers) == [
        "01-note-de-presentation.docx", "02-gouvernance.docx", "03-attestation-mutualisation.docx",
        "04-strategie-deploiement.docx", "05-conduite-du-changement.docx", "06-planning-projet.xlsx",
        "07-planning-deploiement.xlsx", "08-planning-conduite.xlsx",
        "09-plan-de-financement.xlsx", "10-lettre-engagement.docx",
        "11-declaration-heures-saad.xlsx", "14-plan-implantation-materiel.xlsx",
    ]
    assert [(f.piece.slug, f.modele, f.piece.feuille) for f in fichiers.values() if f.slug.startswith("planning")] == [
        ("planning-projet", "planning-projet", "Projet"),
        ("planning-deploiement", "planning-deploiement", "Déploiement"),
        ("planning-conduite", "planning-conduite", "Conduite du changement"),
    ]
    assert fichiers["14-plan-implantation-materiel.xlsx"].modele == "materiels"
    assert profil.pieces[-1].slug == "autres" and profil.pieces[-1].numero == 15


@pytest.mark.parametrize("nom", ["cnsa-2023", "normandie-2023"])
def test_pieces_signees_et_synonymes(nom):
    profil = charger_profil(nom)
    signees = {p.slug for p in profil.pieces if p.signee}
    # the SAAD declaration is « certifié exact » by the porteur (pieces.md, revised round 3)
    assert signees <= {"convention", "lettre-engagement", "attestation-mutualisation", "declaration-heures-saad"}
    assert "lettre-engagement" in signees
    for piece in profil.pieces:
        assert not (piece.requis and piece.condition)
        assert all(s == s.lower() and " " not in s for s in piece.synonymes)


def test_synonymes_de_reference():
    cnsa = charger_profil("cnsa-2023")
    assert "releve-d-identite-bancaire" in cnsa.piece("rib").synonymes
    assert "journal-officiel" in cnsa.piece("publication-jo").synonymes
    assert "autodiagnostic" in cnsa.piece("autodiagnostic-anap").synonymes


def _projet_exemple():
    with open(EXEMPLE, encoding="utf-8") as f:
        return json.load(f, object_hook=lambda d: types.SimpleNamespace(**d))


def test_faits_du_projet_exemple():
    faits = faits_du_projet(_projet_exemple())
    assert faits.essms_domicile == (
        "SAA Aide & Domicile Saint-Lô", "SAA Aide & Domicile Coutances", "SAAS du Pays Saint-Lois")
    assert len(faits.essms_materiel) == 4
    assert faits.og_entite_nationale == () and faits.dpi_ght is False and faits.essms_pde_pds == ()


def test_conditions_expliquees_en_francais():
    faits = faits_du_projet(_projet_exemple())
    requis, raison = evaluer_condition("saad", faits)
    assert requis and raison.startswith("le projet compte 3 ESSMS d'aide à domicile")
    assert evaluer_condition("materiel", faits)[0] is True
    assert evaluer_condition("entite_nationale", faits) == (
        False, "aucun organisme n'est rattaché à une entité nationale")
    assert evaluer_condition("dpi", faits)[0] is False


def test_condition_dpi_par_ght_ou_par_secteur():
    assert evaluer_condition("dpi", FaitsProjet(dpi_ght=True)) == (True, "la solution est le DPI d'un GHT")
    requis, raison = evaluer_condition("dpi", FaitsProjet(essms_pde_pds=("MECS Les Pins",)))
    assert requis and "MECS Les Pins" in raison


def test_domicile_par_saad_ou_heures():
    projet = types.SimpleNamespace(
        essms=[types.SimpleNamespace(nom="SSIAD", categorie="354", saad=True),
               types.SimpleNamespace(nom="Foyer", categorie="252", heures_saad={"total": 1}),
               types.SimpleNamespace(nom="EHPAD", categorie="500")],
        organismes=[types.SimpleNamespace(raison_sociale="OG", entite_nationale={"nom": "APF"})],
        solution=types.SimpleNamespace(dpi_ght=None),
    )
    faits = faits_du_projet(projet)
    assert faits.essms_domicile == ("SSIAD", "Foyer")
    assert faits.og_entite_nationale == ("OG",)


def test_condition_association_sur_le_statut_du_porteur():
    faits = faits_du_projet(_projet_exemple())
    assert evaluer_condition("association", faits) == (
        True, "le porteur est une association (statut juridique : association loi 1901)")
    assert evaluer_condition("association", FaitsProjet(statut_porteur="Établissement public communal")) == (
        False, "le porteur n'est pas une association (statut juridique : Établissement public communal)")
    requis, raison = evaluer_condition("association", FaitsProjet())
    assert not requis and "statut juridique du porteur non renseigné" in raison
    cnsa = charger_profil("cnsa-2023")
    assert cnsa.piece("statuts").condition == cnsa.piece("publication-jo").condition == "association"
    assert decrire_condition("association") == "requise si le porteur est une association"


def test_decrire_condition():
    assert decrire_condition("saad") == "requise si le projet compte un ESSMS d'aide à domicile"


def test_niveau_de_la_taille_minimale_par_profil():
    assert charger_profil("cnsa-2023").taille_minimale_niveau == "erreur"
    assert charger_profil("normandie-2023").taille_minimale_niveau == "alerte"
