"""Hostile workbooks and CSV lists (issue 19 items 7, 8, 9, 11): far cells, huge headers, a million rows.

Each attack runs the real command in a subprocess under an address-space limit (``RLIMIT_AS``), so a
regression that pads a sheet to 16 384 columns or holds a million rows fails (MemoryError, exit ≠ 2)
instead of swapping the machine. The commands must refuse in French, exit 2, without a traceback.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest
from openpyxl import Workbook

import fabrique
from dossier.fiche import donnees_projet, ecrire_fiche

MEMOIRE_MAX = 1536 * 1024 * 1024  # the whole interpreter with openpyxl and pydantic stays well under this
GARDE = 300  # seconds: a hang guard for the subprocess, not a timing assertion


def _limiter() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMOIRE_MAX, MEMOIRE_MAX))


def _dossier(*arguments: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", *arguments], capture_output=True, text=True,
                          preexec_fn=_limiter, timeout=GARDE, cwd=cwd, env={**os.environ, "COLUMNS": "200"})


def _refus(resultat: subprocess.CompletedProcess, *mots: str) -> None:
    assert resultat.returncode == 2, resultat.stdout + resultat.stderr
    assert "Traceback" not in resultat.stderr and "inattendue" not in resultat.stderr, resultat.stderr
    for mot in mots:
        assert mot in resultat.stderr, resultat.stderr


def _projet(tmp_path):
    d = fabrique.generer_projet(1, nb_essms_total=False)
    return fabrique.ecrire(tmp_path / "projet.json", d), d


def _cellule_lointaine(chemin, titre="ESSMS", entetes=("FINESS ET", "Nom")):
    wb = Workbook()
    ws = wb.active
    ws.title = titre
    ws.append(list(entetes))
    ws["XFD1048576"] = "x"
    wb.save(chemin)
    return chemin


def test_liste_xlsx_a_cellule_lointaine(tmp_path):
    projet, _ = _projet(tmp_path)
    liste = _cellule_lointaine(tmp_path / "liste.xlsx")
    assert liste.stat().st_size < 10_000
    _refus(_dossier("essms", "import", str(liste), "--projet", str(projet)), "XFD1048576", "lignes")


@pytest.mark.parametrize("commande", ["validate", "fiche import"])
def test_fiche_a_cellule_lointaine(tmp_path, commande):
    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(fabrique.projet_de(fabrique.generer_projet(1))), fiche)
    from openpyxl import load_workbook

    wb = load_workbook(fiche)
    wb["ESSMS"]["XFD1048576"] = "x"
    wb.save(fiche)
    arguments = [*commande.split(), str(fiche)] + (["-o", str(tmp_path / "p.json")] if "import" in commande else [])
    _refus(_dossier(*arguments), "« ESSMS »", "XFD1048576")
    assert not (tmp_path / "p.json").exists()


def test_fiche_colonnes_du_porteur_lues_dans_la_limite(tmp_path):
    """A fiche whose sheet is a little wider than its tables (the porteur's own column) still reads."""
    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(fabrique.projet_de(fabrique.generer_projet(1))), fiche)
    from openpyxl import load_workbook

    wb = load_workbook(fiche)
    wb["ESSMS"]["CV3"] = "remarque du porteur"
    wb.save(fiche)
    resultat = _dossier("validate", str(fiche))
    assert resultat.returncode in (0, 1), resultat.stderr


def test_csv_entete_immense(tmp_path):
    projet, _ = _projet(tmp_path)
    liste = tmp_path / "liste.csv"
    liste.write_text("FINESS ET;" + "Nom de l'établissement " * 200_000 + "\n140000001;x\n", "utf-8")  # ≈ 4,6 Mo
    _refus(_dossier("essms", "import", str(liste), "--projet", str(projet)), "première ligne")


def test_csv_entete_de_cellules_longues_dans_la_limite(tmp_path, capsys):
    """Header cells of 2 000 characters each (under the line bound) are not matched: linear, exit 2."""
    from dossier.cli import main

    projet, _ = _projet(tmp_path)
    liste = tmp_path / "liste.csv"
    liste.write_text(";".join(["x" * 2_000] * 30) + "\n1;2\n", "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(projet)]) == 2
    assert "aucune colonne de numéro FINESS ET" in capsys.readouterr().err


def test_csv_champ_trop_long_ou_guillemet_non_referme(tmp_path, capsys):
    from dossier.cli import main

    projet, d = _projet(tmp_path)
    ej = d["organismes"][0]["finess_ej"]
    liste = tmp_path / "liste.csv"
    liste.write_text(f"FINESS ET;FINESS EJ;Nom\n140000001;{ej};\"Nom jamais refermé\n" + "suite\n" * 30_000, "utf-8")
    assert main(["essms", "import", str(liste), "--projet", str(projet)]) == 2
    erreur = capsys.readouterr().err
    assert "liste.csv ligne" in erreur and "131" in erreur and "Error" not in erreur


@pytest.mark.slow
def test_csv_d_un_million_de_lignes(tmp_path):
    projet, d = _projet(tmp_path)
    ej = d["organismes"][0]["finess_ej"]
    liste = tmp_path / "liste.csv"
    with liste.open("w", encoding="utf-8") as f:
        f.write("FINESS ET;FINESS EJ;Nom\n")
        ligne = f"{fabrique.finess('14', 5)};{ej};Résidence\n"
        f.writelines([ligne] * 1_000_000)
    _refus(_dossier("essms", "import", str(liste), "--projet", str(projet)), "20", "limite")


def test_liste_au_plafond_lue_en_entier(tmp_path, capsys):
    """A list of 20 000 rows (the limit) is read: same ESSMS repeated, one to add."""
    from dossier.import_essms import ESSMS_MAX, lire_liste

    lignes = [("FINESS ET", "Nom")] + [(fabrique.finess("14", 5), "R")] * ESSMS_MAX
    essms, problemes, _ = lire_liste(lignes, "liste.csv")
    assert len(essms) == ESSMS_MAX and not problemes
    with pytest.raises(Exception, match="limite"):
        lire_liste(lignes + [(fabrique.finess("14", 5), "R")], "liste.csv")


def test_mesures_compte_de_5000_chiffres(tmp_path):
    """A count of 5 000 digits: an erreur naming the file's line and column (was int()'s English error)."""
    from dossier.usages.mesures import MesuresInvalides, lire_mesures

    projet = fabrique.projet_de(fabrique.generer_projet(2))
    e = projet.essms[0].finess_et
    chemin = tmp_path / "m.csv"
    chemin.write_text("finess_et;debut;fin;mssante_messages;dmp_alimentes;personnes_projet;file_active;dossiers_actifs;"
                      f"dossiers_projet_personnalise;dossiers_agenda\n{e};2024-06;2024-08;{'1' * 5_000};1;10;10;10;1;1\n"
                      f"{e};2024-09;2024-09;1;{'2' * 4_400};10;10;10;1;1\n", "utf-8")
    with pytest.raises(MesuresInvalides) as exc:
        lire_mesures(chemin, projet)
    problemes = [str(p) for p in exc.value.problemes]
    assert any(p.startswith("ligne 2 (mssante_messages)") and "entier" in p for p in problemes), problemes
    assert any(p.startswith("ligne 3 (dmp_alimentes)") and "entier" in p for p in problemes), problemes


def test_liste_xlsx_entetes_immenses(tmp_path):
    """Header cells of 20 000 characters in 60 columns: not fuzzy-matched (was quadratic), exit 2."""
    projet, _ = _projet(tmp_path)
    wb = Workbook()
    ws = wb.active
    for _ in range(3):  # random text: the workbook is not a compression bomb, only long headers
        ws.append(["FINESS ET " + os.urandom(10_000).hex() for _ in range(60)])
    wb.save(tmp_path / "liste.xlsx")
    _refus(_dossier("essms", "import", str(tmp_path / "liste.xlsx"), "--projet", str(projet)),
           "aucune colonne de numéro FINESS ET")


@pytest.mark.slow
def test_fiche_de_trop_de_lignes(tmp_path):
    """A fiche whose ESSMS sheet holds more rows than the stated limit is refused, naming the sheet."""
    from openpyxl import load_workbook

    from dossier.lecture import LIGNES_MAX

    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(fabrique.projet_de(fabrique.generer_projet(1))), fiche)
    wb = load_workbook(fiche)
    ws = wb["ESSMS"]
    for ligne in range(ws.max_row + 1, LIGNES_MAX + 10):
        ws.cell(ligne, 1, "140000001")
    wb.save(fiche)
    _refus(_dossier("validate", str(fiche)), "« ESSMS »", "100")
