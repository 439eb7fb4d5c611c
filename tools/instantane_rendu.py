"""Golden comparison of rendered dossiers: a normalised snapshot of every generated piece.

    PYTHONPATH=src python3 tools/instantane_rendu.py INSTANTANE.json            # write the snapshot
    PYTHONPATH=src python3 tools/instantane_rendu.py INSTANTANE.json --comparer # compare with it

Renders every example of ``examples/`` (Word and Excel, no PDF) into a temporary folder and records,
per file, the text of the Word paragraphs and table cells (in document order, headers and footers
included) and every cell value of every sheet (formulas as written). Dates of the day of rendering are
replaced by a placeholder so that two runs on different days compare equal. Used before and after a
refactoring that must not change any output: the two snapshots must be identical.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

RACINE = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _aujourdhui() -> list[str]:
    jour = dt.date.today()
    from babel.dates import format_date

    return [jour.strftime("%d/%m/%Y"), format_date(jour, "d MMMM y", locale="fr_FR"), jour.isoformat()]


def _normaliser(texte: str, dates: list[str]) -> str:
    for date in dates:
        texte = texte.replace(date, "<AUJOURD'HUI>")
    return re.sub(r"\s+", " ", texte).strip()


def textes_docx(chemin: Path, dates: list[str]) -> list[str]:
    lignes = []
    with zipfile.ZipFile(chemin) as archive:
        for nom in sorted(archive.namelist()):
            if not re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", nom):
                continue
            racine = ElementTree.fromstring(archive.read(nom))
            for paragraphe in racine.iter(f"{W}p"):
                texte = "".join(t.text or "" for t in paragraphe.iter(f"{W}t"))
                if texte.strip():
                    lignes.append(f"{nom}: {_normaliser(texte, dates)}")
    return lignes


def valeurs_xlsx(chemin: Path, dates: list[str]) -> list[str]:
    from openpyxl import load_workbook

    lignes = []
    classeur = load_workbook(chemin)
    for feuille in classeur.worksheets:
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                if cellule.value is None:
                    continue
                valeur = cellule.value
                if isinstance(valeur, (dt.date, dt.datetime)):
                    valeur = valeur.isoformat()
                if isinstance(valeur, str):
                    valeur = _normaliser(valeur, dates)
                lignes.append(f"{feuille.title}!{cellule.coordinate}: {valeur!r}")
    return lignes


def instantane() -> dict[str, list[str]]:
    from dossier.model import charger_projet
    from dossier.render.pieces import rendre_dossier

    dates = _aujourdhui()
    resultat: dict[str, list[str]] = {}
    for exemple in sorted((RACINE / "examples").glob("*.json")):
        with tempfile.TemporaryDirectory() as tmp:
            sortie = Path(tmp) / "sortie"
            rendre_dossier(charger_projet(exemple), sortie)
            for fichier in sorted(sortie.iterdir()):
                cle = f"{exemple.stem}/{fichier.name}"
                if fichier.suffix == ".docx":
                    resultat[cle] = textes_docx(fichier, dates)
                elif fichier.suffix == ".xlsx":
                    resultat[cle] = valeurs_xlsx(fichier, dates)
    return resultat


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    cible = Path(argv[0])
    actuel = instantane()
    if "--comparer" not in argv:
        cible.write_text(json.dumps(actuel, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{cible} : {len(actuel)} fichiers")
        return 0
    attendu = json.loads(cible.read_text(encoding="utf-8"))
    ecarts = 0
    for cle in sorted(set(attendu) | set(actuel)):
        if attendu.get(cle) != actuel.get(cle):
            ecarts += 1
            avant, apres = attendu.get(cle) or [], actuel.get(cle) or []
            print(f"== {cle} : {len(avant)} lignes avant, {len(apres)} après")
            for a, b in zip(avant, apres):
                if a != b:
                    print(f"  - {a}\n  + {b}")
                    break
    print("identiques" if not ecarts else f"{ecarts} fichiers différents")
    return 1 if ecarts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
