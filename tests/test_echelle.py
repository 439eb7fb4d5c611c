"""Scale: a 2 000-ESSMS project goes through every command; large renders stay interruptible; the Word
body kept as text (no lxml tree) gives the same document as docxtpl's tree."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import load_workbook

import fabrique
from dossier.campaigns import charger_campagne
from dossier.cli import main
from dossier.profiles import charger_profil
from dossier.render import docx as docx_rendu
from dossier.render.contextes.construction import construire_contexte
from dossier.render.docx import dossier_modeles, rendre_docx
from dossier.render.classeurs import rendre_xlsx
from dossier.rules import calculer_financement
from fabrique import projet_de

N = 2000


def _bench():
    spec = importlib.util.spec_from_file_location("bench_render", fabrique.RACINE / "benchmarks" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def grand_projet(tmp_path_factory):
    donnees = _bench().variante(N)
    chemin = tmp_path_factory.mktemp("echelle") / f"projet-{N}.json"
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), "utf-8")
    return chemin, donnees


def executer(capsys, args):
    capsys.readouterr()
    debut = time.perf_counter()
    code = main(args)
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err, time.perf_counter() - debut


def _d(x) -> Decimal:
    return Decimal(str(x))


def test_variante_du_benchmark():
    bench = _bench()
    for n in (1, 15, 17, 50, 500, 2000):
        d = bench.variante(n)
        assert len(d["essms"]) == n
        finess = [e["finess_et"] for e in d["essms"]]
        assert len(set(finess)) == n and all(fabrique.finess_valide(f) for f in finess)


@pytest.mark.slow
def test_2000_essms_toutes_commandes(grand_projet, capsys, tmp_path):
    chemin, donnees = grand_projet
    code, out, err, duree = executer(capsys, ["validate", str(chemin)])
    assert code == 0, err
    assert f"projet valide : {N} ESSMS, 3 organismes" in out

    code_check, out, err, _ = executer(capsys, ["check", str(chemin), "--json"])
    assert code_check in (0, 1), err
    controles = {c["id"]: c for c in json.loads(out)["controles"]}
    assert controles["taille-minimale"]["ok"]

    code, out, err, _ = executer(capsys, ["financement", str(chemin), "--json"])
    assert code == code_check, err  # rules.md §10: computed, exit 1 when check finds it non recevable
    fin = json.loads(out)
    assert fin["nb_essms"] == N and len(fin["essms"]) == N
    assert fin["guichet"] == "regional"  # 2023, one région (Normandie): regional even at 2 000 ESSMS
    assert [l["rang"] for l in fin["essms"]] == list(range(1, N + 1))
    for poste in ("usages", "logiciel", "materiel"):
        assert sum(_d(l[poste]) for l in fin["essms"]) == _d(fin["totaux"][poste]), poste
    for poste in ("usages", "logiciel", "materiel", "amoa", "sad", "total"):
        assert sum(_d(o[poste]) for o in fin["organismes"]) == _d(fin["totaux"][poste]), poste
    assert _d(fin["versements"]["avance"]) + _d(fin["versements"]["solde"]) == _d(fin["totaux"]["total"])
    # degressivity: 49 full rates, 1 951 reduced ones (prorated for the home-help services)
    pleins = [l for l in fin["essms"] if l["rang"] <= 49]
    assert all(_d(l["usages"]) == 7000 * _d(l["part_ms"]) for l in pleins if l["part_ms"] == 1)
    assert all(_d(l["usages"]) <= 2000 for l in fin["essms"][49:])

    code, out, err, _ = executer(capsys, ["financement", str(chemin)])
    assert code == code_check and "Traceback" not in out + err

    sortie = tmp_path / "out"
    code, out, err, duree = executer(capsys, ["render", str(chemin), "-o", str(sortie)])
    assert code in (0, 1), out + err
    ecrits = sorted(p.name for p in sortie.iterdir())
    assert ecrits and not any(n.startswith(".") for n in ecrits)
    assert all((sortie / n).stat().st_size > 0 for n in ecrits)
    print(f"\nrendu de {N} ESSMS : {duree:.1f} s, {len(ecrits)} fichiers")


# --------------------------------------------------------------------------- interruption at scale


def _processus(args: list[str], **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(fabrique.RACINE / "src"))
    return subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


def _terminer(proc: subprocess.Popen, sig: int) -> tuple[float, str]:
    """Send ``sig``; seconds until the process ended, and what it printed."""
    proc.send_signal(sig)
    debut = time.monotonic()
    try:
        sortie, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return time.monotonic() - debut, sortie.decode("utf-8", "replace")


# A command line whose child stays in one C call that holds the GIL (catastrophic backtracking in
# ``re``): no Python handler can run in it, only the supervising parent can end it.
BLOQUE = """
import re, sys, tempfile
from pathlib import Path
from dossier import interruption
interruption.superviser()
dossier = Path(tempfile.mkdtemp(prefix=".rendu-", dir=sys.argv[1]))
(dossier / "piece.docx").write_bytes(b"partiel")
with interruption.a_nettoyer(chemin=dossier):
    print("pret", flush=True)
    re.match(r"(a+)+$", "a" * 64 + "b")
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interruption_pendant_un_long_appel_c(tmp_path, sig):
    proc = _processus(["-c", BLOQUE, str(tmp_path)])
    assert proc.stdout.readline().decode().strip() == "pret"
    duree, texte = _terminer(proc, sig)
    assert proc.returncode == 2, texte
    assert "interrompu : aucun fichier partiel n'a été laissé" in texte
    assert "Traceback" not in texte
    assert duree < 2, f"{duree:.1f} s pour s'arrêter"
    assert list(tmp_path.iterdir()) == []


def test_commande_tuee_avec_son_superviseur(tmp_path):
    """``kill -9`` of the supervising parent also ends its child, even stuck in a C call: no command
    is ever left running alone (it would spin until the end of its call)."""
    proc = _processus(["-c", BLOQUE + "print('fini', flush=True)\n", str(tmp_path)])
    assert proc.stdout.readline().decode().strip() == "pret"
    enfants = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert len(enfants) == 1
    proc.kill()
    proc.wait()
    limite = time.monotonic() + 5
    while Path(f"/proc/{enfants[0]}").exists() and "Z" not in _etat(enfants[0]):
        assert time.monotonic() < limite, "la commande a survécu à son superviseur"
        time.sleep(0.05)


def _etat(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (FileNotFoundError, IndexError):
        return "Z"


def test_code_de_sortie_transmis(tmp_path):
    """The supervising parent exits with the command's own code and output."""
    proc = _processus(["-m", "dossier", "validate", str(tmp_path / "absent.json")])
    sortie, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "fichier projet introuvable" in sortie.decode()


@pytest.fixture(scope="module")
def projet_5000(tmp_path_factory):
    chemin = tmp_path_factory.mktemp("echelle") / "projet-5000.json"
    chemin.write_text(json.dumps(_bench().variante(5000), ensure_ascii=False), "utf-8")
    return chemin


@pytest.mark.slow
@pytest.mark.parametrize("attente", [0.2, 2.5])
def test_sigterm_pendant_un_grand_rendu(projet_5000, tmp_path, attente):
    """5 000 ESSMS: SIGTERM while the pieces are written ends the render within 2 s, leaving nothing."""
    sortie = tmp_path / "dossier"
    proc = _processus(["-m", "dossier", "render", str(projet_5000), "-o", str(sortie)])
    limite = time.monotonic() + 120
    while not list(sortie.glob(".rendu-*")):
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.monotonic() < limite, "le rendu n'a jamais commencé"
        time.sleep(0.02)
    time.sleep(attente)
    assert proc.poll() is None, "rendu terminé avant le signal : augmenter la taille"
    duree, texte = _terminer(proc, signal.SIGTERM)
    assert proc.returncode == 2, texte
    assert "interrompu : aucun fichier partiel n'a été laissé" in texte
    assert duree < 2, f"{duree:.1f} s pour s'arrêter"
    # nothing left: the folder this render created is removed, or at worst left empty
    assert not sortie.exists() or sorted(p.name for p in sortie.iterdir()) == []


# --------------------------------------------------------------------------- Word body kept as text


def _structure(chemin: Path) -> list[tuple]:
    with zipfile.ZipFile(chemin) as z:
        racine = etree.fromstring(z.read("word/document.xml"))
    return [(e.tag, dict(e.attrib), e.text, e.tail) for e in racine.iter()]


def test_corps_en_texte_comme_l_arbre_de_docxtpl(tmp_path, monkeypatch):
    """Every Word piece of a 40-ESSMS project: same document whether the rendered body stays text or
    goes through docxtpl's lxml tree (hostile texts included)."""
    donnees = _bench().variante(40)
    donnees["essms"][0]["nom"] = "EHPAD « Les <Tilleuls> » & fils\n2e ligne\tcolonne 'x' \"y\""
    projet = projet_de(donnees)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    contexte = construire_contexte(projet, fin, charger_profil(projet.depot.profil))
    slugs = sorted(p.stem for p in dossier_modeles().glob("*.docx"))
    assert len(slugs) >= 6
    for slug in slugs:
        rendre_docx(slug, contexte, tmp_path / f"{slug}-texte.docx")
    monkeypatch.setattr(docx_rendu, "_COLONNES_VARIABLES", re.compile(""))  # every template: tree path
    for slug in slugs:
        rendre_docx(slug, contexte, tmp_path / f"{slug}-arbre.docx")
        assert _structure(tmp_path / f"{slug}-texte.docx") == _structure(tmp_path / f"{slug}-arbre.docx"), slug
    assert "Les <Tilleuls> » & fils" in "\n".join(
        c.text for t in Document(tmp_path / "note-de-presentation-texte.docx").tables for r in t.rows for c in r.cells)


def test_colonnes_ajoutees_par_tc(tmp_path):
    """A ``{%tc`` loop adds columns: the table grid is re-counted (docxtpl's tree path)."""
    doc = Document()
    cellules = doc.add_table(rows=1, cols=3).rows[0].cells
    for cellule, texte in zip(cellules, ["{%tc for c in colonnes %}", "{{ c }}", "{%tc endfor %}"]):
        cellule.text = texte
    modele = tmp_path / "modele.docx"
    doc.save(modele)
    rendu = docx_rendu._classe_modele()(str(modele))
    rendu.render({"colonnes": ["a", "b", "c", "d", "e"]}, jinja_env=docx_rendu.environnement(), autoescape=True)
    rendu.save(tmp_path / "rendu.docx")
    table = Document(tmp_path / "rendu.docx").tables[0]
    assert [c.text for c in table.rows[0].cells] == ["a", "b", "c", "d", "e"]
    assert len(table._tbl.tblGrid.findall(qn("w:gridCol"))) == 5


def test_identifiants_de_dessins_renumerotes():
    modele = docx_rendu._classe_modele()(str(dossier_modeles() / "gouvernance.docx"))
    modele.docx_ids_index = 1000
    corps = docx_rendu._CorpsTexte('<wp:docPr id="1" name="a"/><w:t>id="7"</w:t><wp:docPr name="b" id="1" descr="x"/>')
    modele.fix_docpr_ids(corps)
    assert corps.xml == '<wp:docPr id="1001" name="a"/><w:t>id="7"</w:t><wp:docPr name="b" id="1002" descr="x"/>'


@pytest.mark.slow
def test_formules_sous_la_limite_d_excel(tmp_path):
    """8 000 ESSMS (2 000 with equipment): no formula of the materials list passes Excel's 8 192 characters."""
    projet = projet_de(_bench().variante(8000))
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    rendre_xlsx("materiels", projet, fin, tmp_path / "materiels.xlsx")
    ws = load_workbook(tmp_path / "materiels.xlsx").active
    formules = [c.value for ligne in ws.iter_rows() for c in ligne if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formules) > 4000
    assert max(map(len, formules)) <= 8192
