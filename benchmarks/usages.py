"""Time ``dossier usages calculer --json`` as a fresh process on a large generated project.

Usage: ``python benchmarks/usages.py [--essms 2000] [--mois 24] [--repetitions 3]``

The project is the reference example grown to ``--essms`` ESSMS (``render.variante``); the measures
file has, per ESSMS, a first period of 3 months then single months, ``--mois`` months in all, with
counts that reach the targets except for one ESSMS in ten. Target: under 2 s for 2 000 ESSMS × 24 months.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import dossier_cmd, mesurer, variante  # noqa: E402

EN_TETES = ("finess_et;debut;fin;mssante_messages;dmp_alimentes;personnes_projet;file_active;dossiers_actifs;"
            "dossiers_projet_personnalise;dossiers_agenda")


def mesures_csv(projet: dict, nb_mois: int) -> str:
    lignes = [EN_TETES]
    debut = 2024 * 12 + 5  # June 2024
    for i, e in enumerate(projet["essms"]):
        periodes = [(debut, debut + 2)] + [(m, m) for m in range(debut + 3, debut + nb_mois)]
        for k, (d, f) in enumerate(periodes):
            actifs = 80 + k
            pp = actifs if i % 10 else actifs - 12
            lignes.append(f"{e['finess_et']};{d // 12}-{d % 12 + 1:02d};{f // 12}-{f % 12 + 1:02d};"
                          f"{70 + k};{60 + k};{90 + k};{90 + k};{actifs};{pp};{actifs}")
    return "\n".join(lignes) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--essms", type=int, default=2000)
    parser.add_argument("--mois", type=int, default=24)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as rep:
        projet = variante(args.essms)
        chemin_projet = Path(rep) / "projet.json"
        chemin_projet.write_text(json.dumps(projet, ensure_ascii=False), "utf-8")
        chemin_mesures = Path(rep) / "mesures.csv"
        chemin_mesures.write_text(mesures_csv(projet, args.mois), "utf-8")
        commande = [*dossier_cmd(), "usages", "calculer", str(chemin_mesures), "--projet", str(chemin_projet), "--json"]
        runs = [mesurer(commande) for _ in range(args.repetitions)]
    codes = {code for *_, code in runs}
    lignes = args.essms * (args.mois - 2)
    print(f"{args.essms} ESSMS × {args.mois} mois ({lignes} lignes de mesures) : "
          f"médiane {statistics.median(d for d, *_ in runs):.2f} s, mémoire max {max(m for _, m, _ in runs):.0f} Mio, "
          f"code(s) de sortie {sorted(codes)}" + ("" if codes <= {0, 1} else " — ÉCHEC : le temps mesure une erreur"))


if __name__ == "__main__":
    main()
