"""The project workbook: generated from the model, exact round trip, reads what people type, locates problems."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import fabrique
from dossier.cli import main
from dossier.fiche import charger_fiche, donnees_projet, ecrire_fiche
from dossier.fiche.disposition import chemins_de_la_fiche, chemins_du_modele
from dossier.model import charger_projet


def test_chaque_champ_du_modele_a_sa_cellule():
    manquants = set(chemins_du_modele()) - chemins_de_la_fiche()
    assert not manquants, f"champs du modèle sans colonne ni cellule dans la fiche : {sorted(manquants)}"


@pytest.mark.parametrize("fichier", fabrique.fichiers_exemples(), ids=fabrique.ids_de(fabrique.fichiers_exemples()))
def test_aller_retour_exemples(tmp_path, fichier):
    projet = charger_projet(fichier)
    ecrire_fiche(donnees_projet(projet), tmp_path / "fiche.xlsx")
    assert charger_fiche(tmp_path / "fiche.xlsx") == projet


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 6), domicile=st.booleans(), materiel=st.one_of(st.none(), st.integers(0, 50_000)),
       texte=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip))
def test_aller_retour_projets_generes(tmp_path, n, domicile, materiel, texte):
    d = fabrique.generer_projet(n, categories=("460", "500") if domicile else ("500",), materiel=materiel)
    d["intitule"] = texte + " & <x> \"y\"\nz"
    d["note"] = {"objectifs": [texte, "second objectif"]}
    projet = fabrique.projet_de(d)
    ecrire_fiche(donnees_projet(projet), tmp_path / "fiche.xlsx")
    assert charger_fiche(tmp_path / "fiche.xlsx") == projet


def test_xlsx_json_xlsx_garde_chaque_valeur(tmp_path):
    fiche = tmp_path / "fiche.xlsx"
    assert main(["fiche", "export", str(fabrique.EXEMPLE), "-o", str(fiche)]) == 0
    assert main(["fiche", "import", str(fiche), "-o", str(tmp_path / "p.json")]) == 0
    assert main(["fiche", "export", str(tmp_path / "p.json"), "-o", str(tmp_path / "f2.xlsx")]) == 0
    a, b = load_workbook(fiche), load_workbook(tmp_path / "f2.xlsx")
    assert a.sheetnames == b.sheetnames
    for ws in a.worksheets:
        assert [[c.value for c in r] for r in ws.iter_rows()] == [[c.value for c in r] for r in b[ws.title].iter_rows()]


def test_fiche_lisible_en_excel(tmp_path):
    fiche = tmp_path / "fiche.xlsx"
    assert main(["init", "--fiche", str(fiche)]) == 0
    wb = load_workbook(fiche)
    assert wb.sheetnames[:10] == ["Lisez-moi", "Porteur", "Organismes", "ESSMS", "Solution", "Gouvernance",
                                  "Planning", "Coûts", "Matériels", "Textes"]
    ws = wb["ESSMS"]
    assert ws.freeze_panes == "A6"
    entetes = {c.value: c for c in ws[5] if c.value}
    assert "FINESS ET *" in entetes and entetes["FINESS ET *"].comment.text
    regles = {str(r.sqref).split(":")[0][:1]: r for r in ws.data_validations.dataValidation}
    assert regles["A"].type == "textLength" and regles["A"].formula1 == "9"
    listes = [[c.value for (c,) in wb["Listes"][r.formula1.split("!")[1].replace("$", "")]]
              for r in ws.data_validations.dataValidation if r.type == "list"]
    assert any(["500 — EHPAD"] == [v for v in liste if v.startswith("500 ")] for liste in listes)
    assert main(["init", "--fiche", str(fiche)]) == 2  # never overwrites


def _fiche_remplie(tmp_path):
    """The reference example exported, then filled the way people do."""
    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(charger_projet(fabrique.EXEMPLE)), fiche)
    wb = load_workbook(fiche)
    ws = wb["ESSMS"]
    entetes = {c.value: c.column for c in ws[5] if c.value}
    col_places = entetes["Places"]
    ws.cell(6, col_places).value = " 45 "  # number as text with spaces
    ws.cell(5, entetes["Commune"]).value = "Comune"  # typo in a header
    ws.cell(6, entetes["Organisme *"]).value = ws.cell(6, entetes["Organisme *"]).value + "  "  # trailing spaces
    ws.cell(7, entetes["Catégorie *"]).value = 500  # code typed as a number, without its label
    ws.cell(6, entetes["Éligibilité confirmée"]).value = "Oui"
    ws.insert_rows(8, 2)  # blank rows in the middle of the table
    ws.cell(5, entetes["Nom *"]).value = "Nom de l'établissement"  # renamed header
    ws.move_range(f"A5:A40", rows=0, cols=40)  # FINESS ET column moved to the far right
    wb["Porteur"]["B10"].value = "15/05/2023"
    wb.save(fiche)
    return fiche


def test_fiche_remplie_comme_on_le_fait(tmp_path, capsys):
    fiche = _fiche_remplie(tmp_path)
    wb = load_workbook(fiche)
    ws = wb["Coûts"]
    montant = next(c for r in ws.iter_rows() for c in r if isinstance(c.value, (int, float)) and c.value > 1000)
    montant.value = f"{montant.value:,.2f} €".replace(",", " ").replace(".", ",")
    wb.save(fiche)
    sortie = tmp_path / "p.json"
    assert main(["fiche", "import", str(fiche), "-o", str(sortie)]) == 0
    projet = charger_projet(sortie)
    assert projet.essms[0].places == 45 and projet.essms[0].eligibilite_confirmee
    assert projet.essms[0].organisme == charger_projet(fabrique.EXEMPLE).essms[0].organisme
    assert projet.essms[1].categorie == "500"
    assert [e.commune for e in projet.essms] == [e.commune for e in charger_projet(fabrique.EXEMPLE).essms]
    assert projet.depot.date.isoformat() == "2023-05-15"
    assert main(["validate", str(fiche)]) == 0


def test_zero_initial_perdu_retabli_et_signale(tmp_path, capsys):
    d = fabrique.generer_projet(2, departements=("01",), nb_essms_total=False)
    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(fabrique.projet_de(d)), fiche)
    wb = load_workbook(fiche)
    wb["ESSMS"]["A6"].value = int(d["essms"][0]["finess_et"])  # Excel turned it into a number
    wb.save(fiche)
    assert main(["fiche", "import", str(fiche), "-o", str(tmp_path / "p.json")]) == 0
    assert "zéro initial rétabli" in capsys.readouterr().out
    assert charger_projet(tmp_path / "p.json").essms[0].finess_et == d["essms"][0]["finess_et"]


def test_chaque_probleme_avec_sa_cellule_et_rien_n_est_ecrit(tmp_path, capsys):
    fiche = tmp_path / "fiche.xlsx"
    ecrire_fiche(donnees_projet(charger_projet(fabrique.EXEMPLE)), fiche)
    wb = load_workbook(fiche)
    ws = wb["ESSMS"]
    ws["A7"].value = fabrique.finess_invalide(ws["A7"].value)
    ws["D8"].value = None  # required name removed
    ws["F9"].value = "inconnu"  # unknown OG
    ws["I10"].value = "beaucoup"  # places
    wb["Planning"]["B5"].value = "31/02/2024"
    wb.save(fiche)
    sortie = tmp_path / "p.json"
    assert main(["fiche", "import", str(fiche), "-o", str(sortie)]) == 2
    err = capsys.readouterr().err
    for attendu in ("ESSMS!A7 (finess_et) : clé de contrôle FINESS invalide", "ESSMS!D8 (nom) : champ obligatoire absent",
                    "ESSMS!F9 (organisme) : organisme « inconnu » inconnu", "ESSMS!I10 (places) : nombre illisible",
                    "Planning!B5 (debut) : date illisible"):
        assert attendu in err
    assert not sortie.exists()


def test_fiche_vide_chaque_cellule_obligatoire_signalee(tmp_path, capsys):
    fiche = tmp_path / "fiche.xlsx"
    assert main(["init", "--fiche", str(fiche)]) == 0
    assert main(["fiche", "import", str(fiche), "-o", str(tmp_path / "p.json")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "(raison_sociale) : champ obligatoire absent" in err and "Porteur!B" in err
    assert "ESSMS!A6 (essms) : aucune ligne remplie" in err and "(editeur) : champ obligatoire absent" in err
    assert "(version)" not in err  # the single admitted value is proposed


HOSTILE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(str.strip)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(libelle=HOSTILE, montant=st.decimals(0, 10**6, places=2), part=st.sampled_from(["0.3333333333333333", "0.5"]))
def test_aller_retour_listes_imbriquees(tmp_path, libelle, montant, part):
    d = fabrique.charger()
    d["gouvernance"]["instances"][0]["composition"] = libelle + "\n& <b> « x »"
    d["planning"]["jalons"][0]["libelle"] = "=SOMME(A1) " + libelle
    d["couts"]["postes"][0].update(libelle=libelle, montant=float(montant))
    d["pieces"] = {"rib": libelle, "statuts": "statuts.pdf"}
    d["couts"]["repartition_autofinancement"] = [{"organisme": og["id"], "part": float(part)} for og in d["organismes"][:2]]
    d["couts"]["repartition_autofinancement"][1]["part"] = 1 - float(part)
    projet = fabrique.projet_de(d)
    ecrire_fiche(donnees_projet(projet), tmp_path / "fiche.xlsx")
    assert charger_fiche(tmp_path / "fiche.xlsx") == projet
