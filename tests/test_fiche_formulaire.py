"""Issue 20 on the fiche: it reads like a form (labels, categories, page setup, cells named) and a
JSON → fiche → JSON round trip gives back the user's own file."""

from __future__ import annotations

import json

import pytest

import fabrique
from dossier.cli import main


@pytest.mark.parametrize("fichier", fabrique.fichiers_exemples(), ids=fabrique.ids_de(fabrique.fichiers_exemples()))
def test_aller_retour_json_fiche_json_sans_valeurs_ajoutees(tmp_path, fichier):
    assert main(["fiche", "export", str(fichier), "-o", str(tmp_path / "f.xlsx")]) == 0
    assert main(["fiche", "import", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "p.json")]) == 0
    assert json.loads((tmp_path / "p.json").read_text("utf-8")) == json.loads(fichier.read_text("utf-8"))


def test_aller_retour_projet_minimal_sans_defauts(tmp_path):
    d = fabrique.generer_projet(1, nb_essms_total=False)
    projet = fabrique.ecrire(tmp_path / "p.json", d)
    assert main(["fiche", "export", str(projet), "-o", str(tmp_path / "f.xlsx")]) == 0
    assert main(["fiche", "import", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "q.json")]) == 0
    relu = json.loads((tmp_path / "q.json").read_text("utf-8"))
    assert relu == json.loads(projet.read_text("utf-8"))
    for cle in ("eligibilite_confirmee", "saad", "financements_anterieurs", "version_segur_installee"):
        assert cle not in json.dumps(relu) or cle in json.dumps(d)


# --------------------------------------------------------------------------- item 14: cells, not JSON paths


def _fiche_incomplete(tmp_path):
    d = fabrique.charger(fabrique.RACINE / "examples" / "mise-a-niveau-2022.json")
    d["note"].pop("contexte", None)
    d["organismes"][0].pop("nb_essms_total", None)
    projet = fabrique.ecrire(tmp_path / "p.json", d)
    assert main(["fiche", "export", str(projet), "-o", str(tmp_path / "f.xlsx")]) == 0
    return tmp_path / "f.xlsx"


def test_validate_fiche_a_completer_nomme_feuille_et_cellule(tmp_path, capsys):
    fiche = _fiche_incomplete(tmp_path)
    capsys.readouterr()
    assert main(["validate", str(fiche)]) == 0
    sortie = capsys.readouterr().out
    assert "Organismes!J6 « Nombre ESSMS total »" in sortie and "Textes!B5 « Contexte »" in sortie
    assert "organismes[0]" not in sortie and "note.contexte" not in sortie


def test_render_fiche_a_completer_nomme_la_cellule(tmp_path, capsys):
    fiche = _fiche_incomplete(tmp_path)
    capsys.readouterr()
    assert main(["render", str(fiche), "-o", str(tmp_path / "d"), "--pieces", "note"]) == 1
    sortie = capsys.readouterr().out
    assert "(cellule : Textes!B5 « Contexte »)" in sortie and "champ : note.contexte" not in sortie


def test_reperes_suivent_une_colonne_deplacee(tmp_path):
    from openpyxl import load_workbook

    from dossier.fiche.reperes import reperes

    fiche = _fiche_incomplete(tmp_path)
    wb = load_workbook(fiche)
    wb["Organismes"].insert_cols(1)
    wb.save(fiche)
    assert reperes(fiche).cellule("organismes[0].nb_essms_total") == "Organismes!K6 « Nombre ESSMS total »"
    assert reperes(fiche).cellule("organismes[0].inconnu").startswith("Organismes!6")
