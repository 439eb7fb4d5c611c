"""A newcomer's first minutes: clone the repository and run the README's two commands as written.

The commands are read from the fenced ``sh`` block of the README's "Démarrage rapide" section (not
copied here), run in a fresh ``git clone`` of this repository, and must succeed; ``out/`` must then
hold every generated piece of the reference example's profile (Word/Excel and their PDF).

The nested ``make test`` would run this very test again: the child gets ``DOSSIER_NOUVEAU_VENU=1`` and
this test skips itself when it is set. To keep CI time reasonable the nested suite runs without the
slow tests (``PYTEST_ADDOPTS="-m 'not slow' -x -q"``). Needs ``git`` and the package index (the
clone's ``make`` creates a virtual environment and pip-installs the package into it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import fabrique

DRAPEAU = "DOSSIER_NOUVEAU_VENU"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get(DRAPEAU) == "1", reason="déjà dans le test du nouveau venu (pas de récursion)"),
]


def commandes_du_readme(readme: Path) -> list[str]:
    """The commands of the first ```sh block of the "Démarrage rapide" section."""
    texte = readme.read_text("utf-8")
    section = re.search(r"^## Démarrage rapide\s*$(.*?)(?=^## )", texte, re.M | re.S)
    assert section, "section « Démarrage rapide » absente du README"
    bloc = re.search(r"^```sh\s*$(.*?)^```\s*$", section.group(1), re.M | re.S)
    assert bloc, "pas de bloc ```sh dans « Démarrage rapide »"
    commandes = [l.strip() for l in bloc.group(1).splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commandes, "bloc ```sh vide"
    return commandes


def test_commandes_du_readme_lues():
    commandes = commandes_du_readme(fabrique.RACINE / "README.md")
    assert len(commandes) == 2, commandes  # the README promises "deux commandes"


def _prerequis() -> str | None:
    """Why the test cannot run here, or None."""
    for outil in ("git", "make"):
        if shutil.which(outil) is None:
            return f"{outil} absent"
    if not (fabrique.RACINE / ".git").exists():
        return "pas un dépôt git"
    # Can pip obtain the dependencies (package index, or the configured mirrors / find-links)?
    dest = tempfile.mkdtemp(prefix="nouveau-venu-pip-")
    try:
        essai = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", dest, "docxtpl"],
            capture_output=True, text=True, timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"index de paquets injoignable ({e})"
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    if essai.returncode != 0:
        return "index de paquets injoignable : " + (essai.stderr.strip().splitlines() or ["pip download a échoué"])[-1]
    return None


def _fin(texte: str, n: int = 60) -> str:
    return "\n".join(texte.splitlines()[-n:])


def test_nouveau_venu(tmp_path):
    raison = _prerequis()
    if raison:
        pytest.skip(raison)
    clone = tmp_path / "dossier"
    subprocess.run(["git", "clone", "--quiet", str(fabrique.RACINE), str(clone)], check=True, timeout=300)
    commandes = commandes_du_readme(clone / "README.md")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "MAKEFLAGS")}
    env[DRAPEAU] = "1"
    env["PYTEST_ADDOPTS"] = "-m 'not slow' -x -q -p no:cacheprovider"
    sorties = {}
    for commande in commandes:
        fait = subprocess.run(["bash", "-c", commande], cwd=clone, env=env, capture_output=True, text=True, timeout=1500)
        sorties[commande] = fait.stdout
        assert fait.returncode == 0, (
            f"« {commande} » a échoué (code {fait.returncode}) dans un clone neuf :\n"
            f"{_fin(fait.stdout)}\n--- stderr ---\n{_fin(fait.stderr, 30)}"
        )

    from dossier.model import charger_projet
    from dossier.profiles import charger_profil
    from dossier.render.pieces import fichiers_a_rendre

    projet = charger_projet(clone / "examples" / "normandie-2023-acquisition.json")
    attendus = [f.nom for f in fichiers_a_rendre(charger_profil(projet.depot.profil), projet)]
    assert attendus, "le profil de l'exemple ne génère aucune pièce"
    out = clone / "out"
    assert out.is_dir(), "make demo n'a pas créé out/"
    presents = {p.name: p.stat().st_size for p in out.iterdir()}
    manquants = [n for n in attendus if not presents.get(n)]
    assert not manquants, f"pièces absentes ou vides dans out/ : {manquants} (présentes : {sorted(presents)})"
    pdf = [n.rsplit(".", 1)[0] + ".pdf" for n in attendus]
    manquants = [n for n in pdf if not presents.get(n)]
    assert not manquants, f"PDF absents ou vides dans out/ : {manquants}"
    assert not [n for n in presents if n.startswith(".rendu-")]
    # issue 20 item 17: the fiche is not written among the deposit's files; the demo ends with a
    # checklist naming what the porteur must add and what they must sign
    assert "fiche-projet.xlsx" not in presents and (out / "fiche" / "fiche-projet.xlsx").is_file()
    demo = sorties.get("make demo", "")
    derniere = demo[demo.rfind("Pièces du dépôt"):]
    assert "manquante" in derniere and "à signer" in derniere, _fin(demo)
    assert "fichier non reconnu" not in demo
