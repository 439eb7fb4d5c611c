"""dossier's public API behind every command: each operation returns data, prints nothing, exits never;
problems are raised (DossierError and its subclasses), every one at once for a project."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import dossier
from dossier.errors import DossierError, ProjetInvalide, SortieExistante

import fabrique

JOUR = dt.date(2023, 9, 1)


def test_projet_cree_valide_controle_finance(tmp_path, capsys):
    chemin = tmp_path / "projet.json"
    assert dossier.creer_projet(chemin, exemple=True) == "aap-normandie-2023"
    assert json.loads(chemin.read_text("utf-8"))["intitule"] == fabrique.charger()["intitule"]
    with pytest.raises(SortieExistante):
        dossier.creer_projet(chemin)  # never overwrites
    validation = dossier.valider_projet(chemin)
    assert len(validation.projet.essms) == 17
    assert [m.chemin for m in validation.a_completer] == ["porteur.commune"]  # the example leaves it to the signature
    controles = dossier.controles_du_projet(validation.projet, JOUR)
    assert dossier.recevable(controles) and all(c.id and c.message for c in controles)
    fin = dossier.financement_du_projet(validation.projet, JOUR)
    assert fin.totaux["total"] == dossier.etat_projet(validation.projet, JOUR).financement.totaux["total"] > 0
    assert dossier.choisir_profil(validation.projet).nom == "aap-normandie-2023"
    assert dossier.choisir_profil(None, "kit-idf-2023").nom == "kit-idf-2023"
    schema = dossier.ecrire_schema(tmp_path / "s.json")
    assert json.loads(schema.read_text("utf-8"))["properties"]["essms"]
    with pytest.raises(SortieExistante):
        dossier.ecrire_schema(schema)
    assert capsys.readouterr() == ("", "")


def test_projet_invalide_leve_tous_les_problemes(tmp_path, capsys):
    donnees = fabrique.charger()
    del donnees["porteur"]["siret"]
    donnees["essms"][0]["finess_et"] = "12345"
    chemin = fabrique.ecrire(tmp_path / "p.json", donnees)
    with pytest.raises(ProjetInvalide) as e:
        dossier.valider_projet(chemin)
    chemins = " ".join(p.chemin for p in e.value.problemes)
    assert "siret" in chemins and "finess_et" in chemins
    with pytest.raises(DossierError):
        dossier.charger_projet(tmp_path / "absent.json")
    assert capsys.readouterr() == ("", "")


def test_fiche_aller_retour(tmp_path, capsys):
    fiche = dossier.exporter_fiche_projet(fabrique.EXEMPLE, tmp_path / "fiche.xlsx")
    with pytest.raises(SortieExistante):
        dossier.exporter_fiche_projet(fabrique.EXEMPLE, fiche)
    importee = dossier.importer_fiche(fiche, tmp_path / "relu.json")
    relu = json.loads((tmp_path / "relu.json").read_text("utf-8"))
    assert importee.sortie == tmp_path / "relu.json" and len(importee.projet.essms) == 17
    assert relu["intitule"] == fabrique.charger()["intitule"]
    assert len(relu["essms"]) == len(fabrique.charger()["essms"])
    assert dossier.reperes_fiche(fiche).cellule("intitule").count("!") == 1
    assert dossier.reperes_fiche(fabrique.EXEMPLE) is None
    assert capsys.readouterr() == ("", "")


def test_import_essms_n_ecrit_rien_sur_un_probleme(tmp_path, capsys):
    projet = fabrique.ecrire(tmp_path / "p.json", fabrique.charger())
    avant = projet.read_bytes()
    liste = tmp_path / "liste.csv"
    liste.write_text("finess_et;nom;organisme\n12345;Inconnu;og-inconnu\n", "utf-8")
    fait = dossier.importer_essms(liste, projet, ecrire=True)
    assert fait.problemes and not fait.ecrit
    assert projet.read_bytes() == avant
    assert capsys.readouterr() == ("", "")


def test_usages_et_rapport(tmp_path, capsys):
    projet = dossier.charger_projet(fabrique.EXEMPLE)
    lu = dossier.mesurer_usages(fabrique.RACINE / "examples" / "mesures-normandie-2023.csv", projet)
    assert lu.resultat.essms and isinstance(lu.alertes, list)
    resultat, alertes = dossier.calculer_usages_fichier(fabrique.RACINE / "examples" / "mesures-normandie-2023.csv", projet)
    assert alertes == lu.alertes and len(resultat.essms) == len(lu.resultat.essms)
    assert dossier.ecrire_modele_mesures(projet, tmp_path / "m.xlsx") > 0 and (tmp_path / "m.xlsx").stat().st_size
    assert isinstance(dossier.empechements_solde(lu.resultat), list)
    assert capsys.readouterr() == ("", "")


def test_modeles(tmp_path, capsys):
    noms = [nom for nom, _ in dossier.lister_modeles()]
    assert {"attestation-mutualisation.docx", "convention.docx"} <= set(noms)
    assert dossier.verifier_modeles() == []
    assert capsys.readouterr() == ("", "")
