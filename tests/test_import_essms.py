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


def test_longue_liste_tableau_borne_et_resume_complet(tmp_path, capsys):
    """A list of 1 000 ESSMS: the table shows the first 200 rows (changes first), the counts cover all."""
    from dossier.fiche.affichage import LIGNES_AFFICHEES

    projet, d = _projet(tmp_path)
    ej = d["organismes"][0]["finess_ej"]
    liste = tmp_path / "liste.csv"
    liste.write_text("FINESS ET;FINESS EJ;Nom\n" + f"{d['essms'][0]['finess_et']};{ej};Renommé\n"
                     + "".join(f"{fabrique.finess('14', 20_000 + n)};{ej};R{n}\n" for n in range(1_000)), "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(projet)]) == 0
    sortie = capsys.readouterr().out
    assert "1000 à ajouter, 1 à modifier" in sortie and f"… {1_001 - LIGNES_AFFICHEES} autre(s) ligne(s)" in sortie
    assert sortie.count("ajouter ") + sortie.count("modifier ") <= LIGNES_AFFICHEES + 1
    assert sortie.index("Renommé") < sortie.index("R0 ")


def test_csv_guillemet_non_referme_en_fin_de_liste_refuse(tmp_path, capsys):
    """A short list whose last field opens a quote and never closes it was read without error (the csv
    module ends the field at the end of the file): it is refused, naming the file and the line, and the
    project is not written."""
    projet, d = _projet(tmp_path)
    ej = d["organismes"][0]["finess_ej"]
    liste = tmp_path / "liste.csv"
    liste.write_text("N° FINESS géographique;Nom de l'établissement;Catégorie;N° FINESS EJ\n"
                     f"{fabrique.finess('01', 2_001)};\"Résidence des Prés;500;{ej}\n", "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(projet), "--ecrire"]) == 2
    erreur = capsys.readouterr().err
    assert "liste.csv ligne 2 : guillemet « \" » non refermé avant la fin du fichier" in " ".join(erreur.split())
    assert json.loads(projet.read_text("utf-8")) == d
    liste.write_text("N° FINESS géographique;Nom de l'établissement;Catégorie;N° FINESS EJ\n"
                     f"{fabrique.finess('01', 2_001)};\"Résidence\" des Prés;500;{ej}\n", "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(projet)]) == 2
    assert "guillemet « \" » mal placé" in " ".join(capsys.readouterr().err.split())
