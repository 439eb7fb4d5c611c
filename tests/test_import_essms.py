"""Import of the porteur's own ESSMS list (csv or xlsx): header synonyms, repairs, OG matching, --ecrire."""

from __future__ import annotations

import json

from openpyxl import Workbook

import fabrique
from dossier.cli import main


def _projet(tmp_path):
    d = fabrique.generer_projet(1, nb_essms_total=False)
    return fabrique.ecrire(tmp_path / "projet.json", d), d


def test_csv_windows_1252_point_virgule(tmp_path, capsys):
    projet, d = _projet(tmp_path)
    ej = d["organismes"][0]["finess_ej"]
    nouveau = fabrique.finess("01", 2_000)
    liste = tmp_path / "liste.csv"
    liste.write_bytes((
        "N° FINESS géographique;Nom de l'établissement;Catégorie;N° FINESS EJ;Capacité\n"
        f"{nouveau[1:]};Résidence « Les Prés » & co;500 - EHPAD;{ej};  12 \n"
        ";;;;\n"
        f"{d['essms'][0]['finess_et']};Nom changé;500;{ej};\n"
    ).encode("cp1252"))
    assert main(["essms", "import", str(liste), "--projet", str(projet)]) == 0
    sortie = capsys.readouterr().out
    assert "1 à ajouter, 1 à modifier" in sortie and "zéro initial rétabli" in sortie
    assert json.loads(projet.read_text("utf-8")) == d  # nothing written without --ecrire
    assert main(["essms", "import", str(liste), "--projet", str(projet), "--ecrire"]) == 0
    apres = json.loads(projet.read_text("utf-8"))["essms"]
    assert apres[0]["nom"] == "Nom changé"
    assert apres[1] == {"finess_et": nouveau, "nom": "Résidence « Les Prés » & co", "categorie": "500",
                        "finess_ej": ej, "places": 12, "organisme": "og1"}
    assert main(["validate", str(projet)]) == 0


def test_xlsx_ligne_sans_organisme_est_une_erreur_qui_nomme_sa_ligne(tmp_path, capsys):
    projet, d = _projet(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["Liste des établissements"])
    ws.append(["FINESS ET", "Raison sociale", "FINESS juridique"])
    ws.append([fabrique.finess("14", 3_000), "Foyer", fabrique.finess("14", 8_888)])
    wb.save(tmp_path / "liste.xlsx")
    assert main(["essms", "import", str(tmp_path / "liste.xlsx"), "--projet", str(projet), "--ecrire"]) == 2
    assert "liste.xlsx ligne 3 : l'ESSMS" in capsys.readouterr().err
    assert json.loads(projet.read_text("utf-8")) == d
    assert main(["essms", "import", str(tmp_path / "liste.xlsx"), "--projet", str(projet), "--organisme", "og1"]) == 0  # --organisme attaches it
