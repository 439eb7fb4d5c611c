"""Issue 19 on the fiche commands: an output never replaces an input, output names escaped, project locks."""

from __future__ import annotations

import json
import os

import pytest

import fabrique
from dossier.cli import main
from dossier.fiche import donnees_projet, ecrire_fiche


def _fiche(tmp_path):
    projet = fabrique.projet_de(fabrique.generer_projet(1))
    ecrire_fiche(donnees_projet(projet), tmp_path / "fiche.xlsx")
    return tmp_path / "fiche.xlsx"


@pytest.mark.parametrize("force", [False, True])
def test_fiche_import_ne_remplace_jamais_la_fiche_lue(tmp_path, capsys, force):
    fiche = _fiche(tmp_path)
    avant = fiche.read_bytes()
    code = main(["fiche", "import", str(fiche), "-o", str(fiche)] + (["--force"] if force else []))
    assert code == 2
    assert "est le fichier lu" in capsys.readouterr().err
    assert fiche.read_bytes() == avant


@pytest.mark.parametrize("force", [False, True])
def test_fiche_export_ne_remplace_jamais_le_projet_lu(tmp_path, capsys, force):
    projet = fabrique.ecrire(tmp_path / "P.json", fabrique.generer_projet(1))
    avant = projet.read_bytes()
    autre_nom = tmp_path / "sous" / ".." / "P.json"
    (tmp_path / "sous").mkdir()
    code = main(["fiche", "export", str(projet), "-o", str(autre_nom)] + (["--force"] if force else []))
    assert code == 2
    assert "est le fichier lu" in capsys.readouterr().err
    assert projet.read_bytes() == avant


def test_lien_physique_vers_l_entree_refuse(tmp_path, capsys):
    projet = fabrique.ecrire(tmp_path / "P.json", fabrique.generer_projet(1))
    os.link(projet, tmp_path / "lien.xlsx")
    avant = projet.read_bytes()
    assert main(["fiche", "export", str(projet), "-o", str(tmp_path / "lien.xlsx"), "--force"]) == 2
    assert projet.read_bytes() == avant


def test_nom_de_sortie_echappe(tmp_path, capsys):
    fiche = _fiche(tmp_path)
    nom = tmp_path / "p\x1b[31m\nrouge.json"
    assert main(["fiche", "import", str(fiche), "-o", str(nom)]) == 0
    sortie = capsys.readouterr().out
    assert "\x1b" not in sortie and "\\x1b[31m\\nrouge.json" in sortie
    assert json.loads(nom.read_text("utf-8"))["essms"]
    nom2 = tmp_path / "f\x1b]0;x\x07.xlsx"
    assert main(["fiche", "export", str(nom), "-o", str(nom2)]) == 0
    sortie = capsys.readouterr().out
    assert "\x1b" not in sortie and "\x07" not in sortie and "\\x1b]0;x\\x07.xlsx" in sortie


# --------------------------------------------------------------------------- item 5: lost update

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from dossier import verrous  # noqa: E402
from dossier.verrous import chemin_verrou, verrou_fichier  # noqa: E402


def _liste(chemin, finess, ej):
    chemin.write_text(f"FINESS ET;FINESS EJ;Nom\n{finess};{ej};Nouveau {finess}\n", "utf-8")
    return chemin


def _projet_et_listes(tmp_path):
    d = fabrique.generer_projet(1, nb_essms_total=False)
    projet = fabrique.ecrire(tmp_path / "projet.json", d)
    ej = d["organismes"][0]["finess_ej"]
    a = _liste(tmp_path / "a.csv", fabrique.finess("14", 7_001), ej)
    b = _liste(tmp_path / "b.csv", fabrique.finess("14", 7_002), ej)
    return projet, a, b


def test_projet_verrouille_ecriture_refusee_apres_attente(tmp_path, capsys, monkeypatch):
    projet, a, _ = _projet_et_listes(tmp_path)
    avant = projet.read_bytes()
    monkeypatch.setattr(verrous, "ATTENTE_VERROU", 0.3)
    with verrou_fichier(projet):
        assert main(["essms", "import", str(a), "--projet", str(projet), "--ecrire"]) == 2
    assert "en cours de modification par une autre commande" in capsys.readouterr().err
    assert projet.read_bytes() == avant
    assert not chemin_verrou(projet).exists()


def _ouvert_par_un_processus(chemin: str) -> bool:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            if any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == chemin for fd in os.listdir(f"/proc/{pid}/fd")):
                return True
        except OSError:
            continue
    return False


def _attend_le_verrou(processus, verrou: Path) -> bool:
    """True once a process of the command (its worker) has the lock file open: it is waiting on it."""
    for _ in range(600):
        if _ouvert_par_un_processus(str(verrou)):
            return True
        if processus.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def test_deux_imports_simultanes_aucune_liste_perdue(tmp_path):
    projet, a, b = _projet_et_listes(tmp_path)
    commande = [sys.executable, "-m", "dossier", "essms", "import"]
    with verrou_fichier(projet):
        premier = subprocess.Popen(commande + [str(a), "--projet", str(projet), "--ecrire"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert _attend_le_verrou(premier, chemin_verrou(projet).resolve())
        # Meanwhile the project changes (another writer): the waiting import must re-read it.
        d = json.loads(projet.read_text("utf-8"))
        d["essms"].append({"finess_et": fabrique.finess("14", 7_003), "organisme": "og1"})
        fabrique.ecrire(projet, d)
    assert premier.wait(timeout=60) == 0, premier.stderr.read().decode()
    second = subprocess.run(commande + [str(b), "--projet", str(projet), "--ecrire"], capture_output=True)
    assert second.returncode == 0, second.stderr.decode()
    finess = {e["finess_et"] for e in json.loads(projet.read_text("utf-8"))["essms"]}
    assert {fabrique.finess("14", n) for n in (7_001, 7_002, 7_003)} <= finess


# --------------------------------------------------------------------------- item 4: the porteur's workbook kept


def _fiche_du_porteur(tmp_path):
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    d = fabrique.generer_projet(1, nb_essms_total=False)
    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(fabrique.projet_de(d)), fiche)
    wb = load_workbook(fiche)
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Penser à relancer l'éditeur"
    wb["Porteur"]["B5"].comment = Comment("vu avec la directrice", "Porteur")
    wb["ESSMS"]["B7"].font = Font(bold=True, color="FF0000")
    wb.save(fiche)
    return fiche, d


def test_essms_import_ecrit_dans_la_fiche_du_porteur_sans_rien_perdre(tmp_path, capsys):
    from openpyxl import load_workbook

    from dossier.fiche import charger_fiche

    fiche, d = _fiche_du_porteur(tmp_path)
    ej = d["organismes"][0]["finess_ej"]
    nouveau = fabrique.finess("14", 7_101)
    liste = tmp_path / "liste.csv"
    liste.write_text(f"FINESS ET;FINESS EJ;Nom;Catégorie\n{nouveau};{ej};Résidence ajoutée;500 - EHPAD\n"
                     f"{d['essms'][0]['finess_et']};{ej};Nom corrigé;500\n", "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(fiche), "--ecrire"]) == 0
    wb = load_workbook(fiche)
    assert "Notes" in wb.sheetnames and wb["Notes"]["A1"].value == "Penser à relancer l'éditeur"
    assert wb["Porteur"]["B5"].comment.text == "vu avec la directrice"
    assert wb["ESSMS"]["B7"].font.bold and wb["ESSMS"]["B7"].font.color.rgb == "00FF0000"
    projet = charger_fiche(fiche)
    assert [(e.finess_et, e.nom) for e in projet.essms] == [(d["essms"][0]["finess_et"], "Nom corrigé"),
                                                           (nouveau, "Résidence ajoutée")]


def test_fiche_avec_image_refusee_en_disant_ce_qui_serait_perdu(tmp_path, capsys):
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    fiche, d = _fiche_du_porteur(tmp_path)
    PILImage.new("RGB", (10, 10), "red").save(tmp_path / "logo.png")
    wb = load_workbook(fiche)
    wb["Notes"].add_image(Image(str(tmp_path / "logo.png")), "C3")
    wb.save(fiche)
    avant = fiche.read_bytes()
    liste = tmp_path / "liste.csv"
    liste.write_text(f"FINESS ET;Nom\n{d['essms'][0]['finess_et']};Nom corrigé\n", "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(fiche), "--organisme", "og1", "--ecrire"]) == 2
    assert "images" in capsys.readouterr().err
    assert fiche.read_bytes() == avant


def test_finess_completer_ecrit_dans_la_fiche_du_porteur(tmp_path, capsys):
    from openpyxl import load_workbook

    from dossier.fiche.lecture import lire_classeur
    from extrait_finess import EHPAD, ecrire_extrait

    fiche, d = _fiche_du_porteur(tmp_path)
    from openpyxl import load_workbook as charger

    wb = charger(fiche)
    ws = wb["ESSMS"]
    entetes = {str(c.value).rstrip(" *"): c.column for c in ws[5] if c.value}
    ws.cell(6, entetes["FINESS ET"], EHPAD)
    for colonne in ("Nom", "Catégorie", "Commune"):
        ws.cell(6, entetes[colonne]).value = None
    wb.save(fiche)
    extrait = ecrire_extrait(tmp_path)
    main(["finess", "completer", "--extrait", str(extrait), "--projet", str(fiche), "--ecrire"])
    lecture = lire_classeur(fiche)
    assert lecture.donnees["essms"][0]["nom"] == "EHPAD Les Tilleuls; site nord"
    assert lecture.donnees["essms"][0]["commune"] == "CAEN"
    assert "Notes" in load_workbook(fiche).sheetnames


def test_fiche_import_attend_le_verrou_du_projet_ecrit(tmp_path, capsys, monkeypatch):
    fiche = _fiche(tmp_path)
    sortie = tmp_path / "p.json"
    sortie.write_text("{}", "utf-8")
    monkeypatch.setattr(verrous, "ATTENTE_VERROU", 0.3)
    with verrou_fichier(sortie):
        assert main(["fiche", "import", str(fiche), "-o", str(sortie), "--force"]) == 2
    assert "en cours de modification" in capsys.readouterr().err and sortie.read_text("utf-8") == "{}"
    assert main(["fiche", "import", str(fiche), "-o", str(sortie), "--force"]) == 0


def test_fiche_export_et_import_creent_le_dossier_de_sortie(tmp_path):
    """`make demo` writes the fiche into out/fiche/, a folder that does not exist yet in a fresh clone:
    the lock beside the output made the export fail (« fichier ou dossier introuvable »)."""
    from dossier.cli import main

    fiche = tmp_path / "nouveau" / "fiche" / "fiche.xlsx"
    assert main(["fiche", "export", str(fabrique.EXEMPLE), "-o", str(fiche)]) == 0
    assert fiche.is_file()
    projet = tmp_path / "autre" / "projet.json"
    assert main(["fiche", "import", str(fiche), "-o", str(projet)]) == 0
    assert projet.is_file()
