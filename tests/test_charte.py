"""The charter of the Excel workbooks (templates/classeurs.xlsx): shipped in sync with the code,
edited by a consultant, applied by ``render --templates``, linted by ``templates check``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from dossier.cli import main
from dossier.render import modeles as m
from dossier.render.charte import FEUILLE_CHARTE, LIGNE_ENTETE, NOM_CHARTE
from dossier.render.docx import dossier_modeles
from dossier.render.classeurs.commun import EXEMPLES, MONTANT, STYLES

RACINE = Path(__file__).resolve().parent.parent
EXEMPLE = RACINE / "examples" / "normandie-2023-acquisition.json"
XLSX = ("06-planning-projet.xlsx", "07-planning-deploiement.xlsx", "08-planning-conduite.xlsx",
        "09-plan-de-financement.xlsx", "11-declaration-heures-saad.xlsx", "14-plan-implantation-materiel.xlsx")


def lignes_charte(chemin: Path) -> dict[str, int]:
    ws = load_workbook(chemin)[FEUILLE_CHARTE]
    return {ws.cell(r, 1).value: r for r in range(LIGNE_ENTETE + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def rendre(tmp_path: Path, nom: str, *options: str) -> Path:
    sortie = tmp_path / nom
    assert main(["render", str(EXEMPLE), "-o", str(sortie), *options]) == 0
    return sortie


def apparence(c) -> tuple[str, ...]:
    """A cell's font, fill, border and alignment, comparable (openpyxl's style proxies are not)."""
    return tuple(repr(getattr(c, nom)) for nom in ("font", "fill", "border", "alignment"))


def cellule_de_style(wb, style: str):
    for ws in wb.worksheets:
        for ligne in ws.iter_rows():
            for c in ligne:
                if c.style == style and c.value not in (None, ""):
                    return c
    raise AssertionError(f"aucune cellule de style {style}")


def test_charte_livree_a_jour(tmp_path):
    """templates/classeurs.xlsx is what tools/charte_classeurs.py writes from the code's styles."""
    subprocess.run([sys.executable, str(RACINE / "tools" / "charte_classeurs.py"), str(tmp_path)], check=True,
                   env={"PYTHONPATH": str(RACINE / "src"), "PATH": "/usr/bin:/bin"}, capture_output=True)
    genere, livre = load_workbook(tmp_path / NOM_CHARTE)[FEUILLE_CHARTE], load_workbook(dossier_modeles() / NOM_CHARTE)[FEUILLE_CHARTE]
    assert [[c.value for c in l] for l in genere.iter_rows()] == [[c.value for c in l] for l in livre.iter_rows()], \
        "relancer « PYTHONPATH=src python tools/charte_classeurs.py »"
    for a, b in zip(genere["B"], livre["B"]):
        assert apparence(a) == apparence(b), a.coordinate


def test_chaque_style_a_sa_ligne_dans_la_charte():
    assert set(EXEMPLES) == set(STYLES)
    assert list(lignes_charte(dossier_modeles() / NOM_CHARTE)) == list(STYLES)


def test_charte_non_modifiee_rend_les_memes_classeurs(tmp_path):
    m.exporter_modeles(tmp_path / "modeles")
    sans = rendre(tmp_path, "sans", "--pieces", "planning,plan-de-financement")
    avec = rendre(tmp_path, "avec", "--pieces", "planning,plan-de-financement", "--templates", str(tmp_path / "modeles"))
    for nom in ("06-planning-projet.xlsx", "07-planning-deploiement.xlsx", "09-plan-de-financement.xlsx"):
        a, b = load_workbook(sans / nom), load_workbook(avec / nom)
        for wa, wb_ in zip(a.worksheets, b.worksheets):
            assert [(c.value, c.number_format, *apparence(c)) for l in wa.iter_rows() for c in l] == \
                   [(c.value, c.number_format, *apparence(c)) for l in wb_.iter_rows() for c in l]
            assert wa.oddFooter.left.text == wb_.oddFooter.left.text == "&A"
            assert wa.oddFooter.right.text == wb_.oddFooter.right.text == "Page &P / &N"


def test_charte_modifiee_appliquee_a_tous_les_classeurs(tmp_path):
    """A consultant changes the title font, the header fill of the tables and the footer: every
    workbook follows, number formats stay French, the cached charter does not leak into a later run."""
    modeles = tmp_path / "modeles"
    m.exporter_modeles(modeles)
    chemin = modeles / NOM_CHARTE
    wb = load_workbook(chemin)
    ws = wb[FEUILLE_CHARTE]
    rangs = lignes_charte(chemin)
    ws.cell(rangs["titre"], 2).font = Font(name="Arial", size=18, bold=True, color="C00000")
    ws.cell(rangs["entete"], 2).fill = PatternFill("solid", fgColor="FFE699")
    ws.cell(rangs["montant"], 2).number_format = "0.00"  # ignored: formats stay dossier's
    ws.oddHeader.center.text = "Association Les Tilleuls && CCAS — « confidentiel »"
    ws.oddFooter.left.text, ws.oddFooter.right.text = "&A", "&P/&N"
    wb.save(chemin)
    assert m.verifier_modeles(modeles) == []

    avec = rendre(tmp_path, "avec", "--templates", str(modeles))
    for nom in XLSX:
        classeur = load_workbook(avec / nom)
        titre = classeur.worksheets[0]["A1"]
        assert (titre.font.name, titre.font.sz, titre.font.color.rgb) == ("Arial", 18, "00C00000"), nom
        assert cellule_de_style(classeur, "entete").fill.fgColor.rgb == "00FFE699", nom
        for feuille in classeur.worksheets:
            assert feuille.oddHeader.center.text == "Association Les Tilleuls && CCAS — « confidentiel »"
            assert (feuille.oddFooter.left.text, feuille.oddFooter.right.text) == ("&A", "&P/&N")
    financement = load_workbook(avec / "09-plan-de-financement.xlsx")
    assert cellule_de_style(financement, "montant").number_format == MONTANT

    sans = rendre(tmp_path, "sans")
    titre = load_workbook(sans / "06-planning-projet.xlsx").worksheets[0]["A1"]
    assert titre.font.name == "Calibri" and titre.font.sz == 14


def test_charte_invalide_signalee_et_refusee_au_rendu(tmp_path, capsys):
    modeles = tmp_path / "modeles"
    m.exporter_modeles(modeles)
    chemin = modeles / NOM_CHARTE
    wb = load_workbook(chemin)
    wb[FEUILLE_CHARTE].cell(lignes_charte(chemin)["titre"], 1).value = "titr"
    wb.save(chemin)
    problemes = m.verifier_modeles(modeles)
    assert [p.message.split(" (")[0] for p in problemes] == ["style inconnu « titr »"]
    assert problemes[0].chemin == f"{NOM_CHARTE} : {FEUILLE_CHARTE}!A{LIGNE_ENTETE + 1}"
    assert main(["templates", "check", str(modeles)]) == 1
    capsys.readouterr()
    sortie = tmp_path / "out"
    assert main(["render", str(EXEMPLE), "-o", str(sortie), "--templates", str(modeles)]) == 2
    texte = " ".join(capsys.readouterr().err.split())
    assert "charte des classeurs invalide" in texte and "titr" in texte and "Traceback" not in texte
    assert not sortie.exists() or not [p for p in sortie.iterdir() if not p.name.startswith(".")]


def test_charte_sans_feuille(tmp_path):
    modeles = tmp_path / "modeles"
    m.exporter_modeles(modeles)
    wb = load_workbook(modeles / NOM_CHARTE)
    wb[FEUILLE_CHARTE].title = "Feuil1"
    wb.save(modeles / NOM_CHARTE)
    assert [p.message for p in m.verifier_modeles(modeles)] == [
        f"feuille « {FEUILLE_CHARTE} » absente de la charte des classeurs"]


@pytest.mark.parametrize("style", ["titre", "montant"])
def test_style_absent_de_la_charte_garde_l_apparence_par_defaut(tmp_path, style):
    """A row deleted from the charter: that style keeps dossier's appearance (not an error)."""
    modeles = tmp_path / "modeles"
    m.exporter_modeles(modeles)
    wb = load_workbook(modeles / NOM_CHARTE)
    wb[FEUILLE_CHARTE].delete_rows(lignes_charte(modeles / NOM_CHARTE)[style])
    wb.save(modeles / NOM_CHARTE)
    assert m.verifier_modeles(modeles) == []
    sortie = rendre(tmp_path, "out", "--pieces", "plan-de-financement", "--templates", str(modeles))
    cellule = cellule_de_style(load_workbook(sortie / "09-plan-de-financement.xlsx"), style)
    assert cellule.font.name == "Calibri"
