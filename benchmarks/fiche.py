"""Benchmark: import of a 2 000-ESSMS fiche projet, enrichment against a 100 000-row FINESS extract.

Each command runs as a fresh process; time and peak memory (ru_maxrss of the children) are printed.
Usage: .venv/bin/python benchmarks/fiche.py
"""

from __future__ import annotations

import csv
import json
import resource
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
    subprocess.run(DOSSIER + args, check=False, stdout=subprocess.DEVNULL)
    duree = time.perf_counter() - debut
    pic = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{libelle} : {duree:.2f} s, mémoire maximale {pic:.0f} Mio")


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
        mesurer("finess completer, 1er passage (lecture + index)", ["finess", "completer", "--extrait", str(rep / "extrait.csv"), "--projet", str(rep / "petit.json")])
        mesurer("finess completer, avec l'index", ["finess", "completer", "--extrait", str(rep / "extrait.csv"), "--projet", str(rep / "petit.json")])


if __name__ == "__main__":
    main()
