"""Benchmark: import of a 2 000-ESSMS fiche projet, enrichment against a 100 000-row FINESS extract.

Each command runs as a fresh process; its wall time, its CPU time and its own peak memory (os.wait4
rusage) are printed (on a shared machine the CPU time is the steadier figure).
Usage: .venv/bin/python benchmarks/fiche.py
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE / "tests"))
import fabrique  # noqa: E402

DOSSIER = [str(Path(sys.executable).parent / "dossier")]


def mesurer(libelle: str, args: list[str]) -> None:
    debut = time.perf_counter()
    processus = subprocess.Popen(DOSSIER + args, stdout=subprocess.DEVNULL)
    _, statut, usage = os.wait4(processus.pid, 0)
    processus.returncode = os.waitstatus_to_exitcode(statut)
    duree = time.perf_counter() - debut
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{libelle} : {duree:.2f} s ({cpu:.2f} s de processeur), mémoire maximale {usage.ru_maxrss / 1024:.0f} Mio"
          f" (code {processus.returncode})")


def extrait(chemin: Path, projet: dict, n: int = 100_000) -> None:
    with chemin.open("w", encoding="utf-8", newline="") as f:
        f.write("finess;etalab;100;2026-05-12\n")
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        ej = projet["organismes"][0]["finess_ej"]
        for i in range(n):
            et = fabrique.finess("14", 1_000 + i)
            w.writerow(["structureet", et, ej, f"EHPAD {i}", f"EHPAD n° {i}", "", "", "1", "R", "DES LILAS", "", "",
                        "118", "14", "CALVADOS", "14000 CAEN", "", "", "500", "EHPAD", "4401", "", "", "", "", "", "",
                        "", "2001-01-01", "2001-01-01", "2024-01-01", "", ""])


def main() -> None:
    with tempfile.TemporaryDirectory() as rep:
        rep = Path(rep)
        projet = fabrique.generer_projet(2_000)
        fabrique.ecrire(rep / "p.json", projet)
        subprocess.run(DOSSIER + ["fiche", "export", str(rep / "p.json"), "-o", str(rep / "f.xlsx")], check=True,
                       stdout=subprocess.DEVNULL)
        mesurer("fiche import (2 000 ESSMS)", ["fiche", "import", str(rep / "f.xlsx"), "-o", str(rep / "q.json")])
        extrait(rep / "extrait.csv", projet)
        petit = dict(projet, essms=[{"finess_et": e["finess_et"], "organisme": "og1"} for e in projet["essms"][:20]])
        (rep / "petit.json").write_text(json.dumps(petit), "utf-8")
        completer = ["finess", "completer", "--extrait", str(rep / "extrait.csv"), "--projet", str(rep / "petit.json")]
        mesurer("finess completer, 20 ESSMS, 1re utilisation de l'extrait (lecture en continu)", completer)
        mesurer("finess completer, 2e utilisation (construction de l'index)", completer)
        mesurer("finess completer, utilisations suivantes (index)", completer)
        completer[-1] = str(rep / "p.json")
        mesurer("finess completer, 2 000 ESSMS (index)", completer)


if __name__ == "__main__":
    main()
