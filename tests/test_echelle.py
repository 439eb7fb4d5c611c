"""Scale: a 2 000-ESSMS project (``benchmarks/render.py``'s ``variante(2000)``) goes through every command."""

from __future__ import annotations

import importlib.util
import json
import time
from decimal import Decimal

import pytest

import fabrique
from dossier.cli import main

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
