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
