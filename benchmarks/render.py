"""Time ``dossier render`` as a fresh process on generated variants of the reference example.

Usage: ``python benchmarks/render.py [--tailles 15,50,500,2000] [--repetitions 3] [--sans-pdf] [--pdf-max 2000]``
(``make bench-echelle``: 2 000 to 40 000 ESSMS without PDF.)

For each size, a project with that many ESSMS is generated from the reference example (same OG,
new valid FINESS numbers), then ``dossier render`` runs in a new process, without and with ``--pdf``
(up to ``--pdf-max`` ESSMS); the table gives the median wall time, the median CPU time (user +
system of the process and its children: steadier than wall time on a shared machine) and the peak
memory (RSS) of the largest process of the run (``dossier`` itself, or LibreOffice with ``--pdf``: ``wait4`` reports the
maximum over the process and its waited-for descendants). Runs from a source checkout without
installation (``src/`` is put on ``PYTHONPATH`` when ``dossier`` is not importable); a run whose exit
code is not 0 or 1 is flagged, since its time would measure a failure.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdnum import luhn

RACINE = Path(__file__).resolve().parent.parent
EXEMPLE = RACINE / "examples" / "normandie-2023-acquisition.json"


def finess(departement: str, numero: int) -> str:
    """A valid FINESS ET of a metropolitan département (Luhn check key)."""
    corps = f"{departement}{numero:06d}"
    return corps + luhn.calc_check_digit(corps)


def variante(n: int) -> dict:
    """The reference example with ``n`` ESSMS (its ESSMS repeated with new FINESS ET, same OG)."""
    projet = json.loads(EXEMPLE.read_text("utf-8"))
    modeles = projet["essms"]
    essms = []
    for i in range(n):
        e = copy.deepcopy(modeles[i % len(modeles)])
        e["finess_et"] = finess(e["finess_et"][:2], 100000 + i)
        if i >= len(modeles):
            e["nom"] = f"{e['nom']} ({i // len(modeles) + 1})"
        essms.append(e)
    projet["essms"] = essms
    for og in projet["organismes"]:
        og["nb_essms_total"] = max(og.get("nb_essms_total") or 0, sum(1 for e in essms if e["organisme"] == og["id"]))
    projet["intitule"] = f"{projet['intitule']} — {n} ESSMS"
    return projet


def dossier_cmd() -> list[str]:
    exe = shutil.which("dossier", path=str(Path(sys.executable).parent)) or shutil.which("dossier")
    return [exe] if exe else [sys.executable, "-m", "dossier"]


def environnement() -> dict[str, str]:
    """The environment of the measured processes: ``src/`` on PYTHONPATH when dossier is not installed."""
    env = dict(os.environ)
    if importlib.util.find_spec("dossier") is None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RACINE / "src"), env.get("PYTHONPATH")]))
    return env


def mesurer(commande: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MiB and exit code of one fresh process."""
    debut = time.perf_counter()
    proc = subprocess.Popen(commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environnement())
    _, statut, usage = os.wait4(proc.pid, 0)
    duree = time.perf_counter() - debut
    proc.returncode = os.waitstatus_to_exitcode(statut)
    return duree, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tailles", default="15,50,500,2000")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--sans-pdf", action="store_true", help="ne pas mesurer --pdf")
    parser.add_argument("--pdf-max", type=int, default=2000, help="plus grande taille mesurée avec --pdf")
    args = parser.parse_args()
    tailles = [int(t) for t in args.tailles.split(",")]
    modes = [False] if args.sans_pdf or not shutil.which("soffice") else [False, True]
    lignes = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in tailles:
            projet = Path(tmp) / f"projet-{n}.json"
            projet.write_text(json.dumps(variante(n), ensure_ascii=False), "utf-8")
            for pdf in modes:
                if pdf and n > args.pdf_max:
                    continue
                mesures = []
                for k in range(args.repetitions):
                    sortie = Path(tmp) / f"out-{n}-{pdf}-{k}"
                    cmd = [*dossier_cmd(), "render", str(projet), "-o", str(sortie)] + (["--pdf"] if pdf else [])
                    mesures.append(mesurer(cmd))
                codes = {m[3] for m in mesures}
                lignes.append((n, pdf, statistics.median(m[0] for m in mesures), statistics.median(m[1] for m in mesures),
                               max(m[2] for m in mesures), codes))
                print(f"  {n} ESSMS{' --pdf' if pdf else ''} : {lignes[-1][2]:.2f} s ({lignes[-1][3]:.2f} s CPU, "
                      f"{lignes[-1][4]:.0f} Mio)", file=sys.stderr)
                if not codes <= {0, 1}:
                    print(f"  ATTENTION : code(s) {sorted(codes)} : le rendu a échoué, la durée ne mesure pas un rendu",
                          file=sys.stderr)
    print(f"{'ESSMS':>6} | {'PDF':>4} | {'médiane (s)':>11} | {'CPU (s)':>7} | {'s / ESSMS':>9} | {'RSS max (Mio)':>13} | codes")
    print("-" * 76)
    for n, pdf, duree, cpu, rss, codes in lignes:
        echec = "" if codes <= {0, 1} else "  ÉCHEC"
        print(f"{n:>6} | {'oui' if pdf else 'non':>4} | {duree:>11.2f} | {cpu:>7.2f} | {duree / n:>9.4f} | {rss:>13.0f} | "
              f"{sorted(codes)}{echec}")


if __name__ == "__main__":
    main()
