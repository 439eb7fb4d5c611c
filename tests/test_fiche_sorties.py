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
