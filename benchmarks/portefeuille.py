"""Benchmark of ``dossier portefeuille`` (issue 24), every run a fresh process, ratios in the same run.

Usage: ``python benchmarks/portefeuille.py [--projets 100] [--rendus 20] [--sans-rendu]``

1. Table: ``dossier portefeuille DIR --json`` over ``--projets`` generated projects of 15 to 50 ESSMS,
   against the sum of as many separate ``dossier financement PROJET --json`` calls (goal ≤ 0.2×).
2. Rendering: ``dossier portefeuille DIR --rendre SORTIE --pdf`` of ``--rendus`` projects of 50 ESSMS (one
   warm LibreOffice, both cores), against the sum of as many separate ``dossier render --pdf`` calls
   (a cold LibreOffice each; goal ≤ 0.35×).

Projects are variants of the reference example (``benchmarks/render.py``: same OGs, new valid FINESS).
A run whose exit code is not 0 or 1 is flagged: its time would measure a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import variante  # noqa: E402

RACINE = Path(__file__).resolve().parent.parent
DOSSIER = [sys.executable, "-m", "dossier"]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RACINE / "src"), env.get("PYTHONPATH")]))
    return env


def lancer(args: list[str]) -> float:
    debut = time.perf_counter()
    fin = subprocess.run([*DOSSIER, *args], capture_output=True, env=_env())
    duree = time.perf_counter() - debut
    if fin.returncode not in (0, 1):
        print(f"  ÉCHEC (code {fin.returncode}) : dossier {' '.join(args)}\n{fin.stderr.decode()[-500:]}", file=sys.stderr)
    return duree


def generer(dossier: Path, tailles: list[int]) -> list[Path]:
    dossier.mkdir(parents=True)
    chemins = []
    for i, n in enumerate(tailles):
        projet = variante(n)
        projet["intitule"] = f"{projet['intitule']} — projet {i + 1:03d}"
        chemin = dossier / f"projet-{i + 1:03d}.json"
        chemin.write_text(json.dumps(projet, ensure_ascii=False), "utf-8")
        chemins.append(chemin)
    return chemins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projets", type=int, default=100)
    parser.add_argument("--rendus", type=int, default=20)
    parser.add_argument("--sans-rendu", action="store_true")
    parser.add_argument("--sans-tableau", action="store_true")
    args = parser.parse_args()
    resultats = {"coeurs": os.cpu_count(), "charge": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-portefeuille-") as tmp:
        tmp = Path(tmp)
        tailles = [15 + (i * 7) % 36 for i in range(0 if args.sans_tableau else args.projets)]  # 15 to 50 ESSMS
        projets = generer(tmp / "tableau", tailles)
        if projets:
            print(f"1. tableau : {len(projets)} projets de 15 à 50 ESSMS ({sum(tailles)} ESSMS)")
            somme = sum(lancer(["financement", str(p), "--json"]) for p in projets)
            tableau = lancer(["portefeuille", str(tmp / "tableau"), "--json"])
            resultats["tableau"] = {"projets": len(projets), "financement_somme_s": round(somme, 2),
                                    "portefeuille_s": round(tableau, 2), "ratio": round(tableau / somme, 3)}
            print(f"   {len(projets)} × dossier financement : {somme:.1f} s ; dossier portefeuille : {tableau:.1f} s ; "
                  f"ratio {tableau / somme:.3f} (objectif ≤ 0,2)")
        if not args.sans_rendu and args.rendus:
            rendus = generer(tmp / "rendu", [50] * args.rendus)
            print(f"2. rendu PDF : {len(rendus)} projets de 50 ESSMS")
            froid = sum(lancer(["render", str(p), "-o", str(tmp / "froid" / p.stem), "--pdf"]) for p in rendus)
            chaud = lancer(["portefeuille", str(tmp / "rendu"), "--rendre", str(tmp / "chaud"), "--pdf"])
            pdfs_froid = len(list((tmp / "froid").rglob("*.pdf")))
            pdfs_chaud = len(list((tmp / "chaud").rglob("*.pdf")))
            resultats["rendu"] = {"projets": len(rendus), "render_somme_s": round(froid, 2),
                                  "portefeuille_rendre_s": round(chaud, 2), "ratio": round(chaud / froid, 3),
                                  "pdf_froid": pdfs_froid, "pdf_chaud": pdfs_chaud}
            print(f"   {len(rendus)} × dossier render --pdf : {froid:.1f} s ({pdfs_froid} PDF) ; "
                  f"portefeuille --rendre --pdf : {chaud:.1f} s ({pdfs_chaud} PDF) ; ratio {chaud / froid:.3f} "
                  f"(objectif ≤ 0,35)")
    print(json.dumps(resultats, ensure_ascii=False))


if __name__ == "__main__":
    main()
