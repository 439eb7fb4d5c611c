"""Usage targets and the balance request: measures file, rates, verdicts, report files read back."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import fabrique
from dossier.campaigns import charger_campagne
from dossier.cli import main
from dossier.francais import montant
from dossier.rules import calculer_financement
from dossier.usages.indicateurs import INDICATEURS, calculer_usages
from dossier.usages.mesures import MesuresInvalides, lire_mesures, periodes_attendues, texte_mois
from dossier.usages.rapport import (
    FICHIER_DEPENSES,
    FICHIER_RAPPORT,
    FICHIER_TAUX,
    ecrire_modele,
    ecrire_rapport,
    fichier_graphique,
)
from dossier.usages.sorties import resultat_json, taux_texte, verdict

NOM_HOSTILE = 'EHPAD « Les Tilleuls » & <Cie> "A"\nannexe [bold]'
EXEMPLE_MESURES = fabrique.RACINE / "examples" / "mesures-normandie-2023.csv"
EN_TETES = ("finess_et;debut;fin;mssante_messages;dmp_alimentes;personnes_projet;file_active;dossiers_actifs;"
            "dossiers_projet_personnalise;dossiers_agenda")


def _csv(chemin: Path, lignes: list[str], en_tetes: str = EN_TETES, encodage: str = "utf-8") -> Path:
    chemin.write_bytes(("\n".join([en_tetes, *lignes]) + "\n").encode(encodage))
    return chemin


@pytest.fixture
def petit_projet(projet_de, generer_projet):
    """15 ESSMS, planning.fin_deploiement 2024-05-31: measures start in June 2024."""
    return projet_de(generer_projet(15))


def _resultat(projet, chemin):
    return calculer_usages(projet, charger_campagne(projet.campagne), lire_mesures(chemin, projet))


def _indicateurs(json_essms: dict) -> dict:
    return {i["id"]: i for i in json_essms["indicateurs"]}


# --------------------------------------------------------------------------- periods and rates


def test_periodes_attendues_premiere_sur_trois_mois(petit_projet):
    periodes = [p for p in periodes_attendues(petit_projet, 5) if p.essms is petit_projet.essms[0]]
    assert [(texte_mois(p.debut), texte_mois(p.fin)) for p in periodes] == [
        ("2024-06", "2024-08"), ("2024-09", "2024-09"), ("2024-10", "2024-10")]


def test_periodes_suivent_la_vague_de_l_essms(exemple):
    from dossier.model import charger_projet

    p = charger_projet(exemple)
    premieres = {per.essms.finess_et: texte_mois(per.debut) for per in periodes_attendues(p, 3)}
    assert premieres["140100116"] == "2024-06"  # wave 1 ends 2024-05-31
    assert premieres["140100603"] == "2025-02"  # wave 3 ends 2025-01-31


def test_taux_calcules_a_la_main(tmp_path, petit_projet):
    e = petit_projet.essms[0].finess_et
    chemin = _csv(tmp_path / "m.csv", [
        # first measure over three months: its rates alone decide while it is the latest
        f"{e};2024-06;2024-08;150;20;60;100;50;10;10",
        f"{e};2024-09;2024-09;45;41;60;100;90;70;81",
    ])
    res = resultat_json(_resultat(petit_projet, chemin))
    premier = res["essms"][0]
    assert premier["periode"] == "2024-09"
    i = _indicateurs(premier)
    assert i["mssante"] == {"id": "mssante", "taux": 0.75, "cible": 0.7, "atteint": True, "manque": 0}
    # 41/60 < 70 %: ceil(0.7 × 60) = 42, one more DMP
    assert i["dmp"]["taux"] == round(41 / 60, 6) and i["dmp"]["atteint"] is False and i["dmp"]["manque"] == 1
    # 90/100 is exactly 90 % (0.9 × 100 in floats is 90.00000000000001: the exact computation must not ask for 91)
    assert i["dossiers_actifs"] == {"id": "dossiers_actifs", "taux": 0.9, "cible": 0.9, "atteint": True, "manque": 0}
    # 70/90: ceil(0.9 × 90) = 81, 11 missing
    assert i["projet_personnalise"]["manque"] == 11 and i["projet_personnalise"]["atteint"] is False
    assert i["agenda"]["atteint"] is True
    assert premier["atteint"] is False
    assert res["bloquants"][0] == e
    assert len(res["bloquants"]) == 15  # the 14 ESSMS without any measure block too
    assert res["essms"][1]["periode"] is None and res["essms"][1]["atteint"] is False


def test_premiere_mesure_seule(tmp_path, petit_projet):
    e = petit_projet.essms[0].finess_et
    chemin = _csv(tmp_path / "m.csv", [f"{e};2024-06;2024-08;150;50;60;100;95;90;95"])
    r = _resultat(petit_projet, chemin).essms[0]
    assert r.periode == "2024-08"
    assert {i.indicateur.id: i.taux for i in r.indicateurs}["mssante"] == Decimal(150) / 60
    assert r.atteint
    assert verdict(r.ecarts) == "cibles atteintes"


def test_ecart_en_francais(tmp_path, petit_projet):
    e = petit_projet.essms[0].finess_et
    chemin = _csv(tmp_path / "m.csv", [f"{e};2024-06;2024-08;150;50;60;100;100;78;100"])
    r = _resultat(petit_projet, chemin).essms[0]
    assert r.ecarts == ["il manque 12 dossiers actifs avec projet personnalisé"]


def test_exemption_2025_ahi(tmp_path, projet_de, generer_projet):
    d = generer_projet(16, campagne="2025", categories=("214", "500"))
    d["essms"][0]["eligible_sons"] = False  # issue 21: only AHI not eligible to SONS are exempt
    projet = projet_de(d)
    chr_s, ehpad = projet.essms[0], projet.essms[1]
    assert chr_s.info_categorie.secteur == "AHI"
    # no MSSanté message, no DMP fed: exempt for the AHI structure, blocking for the EHPAD
    chemin = _csv(tmp_path / "m.csv", [f"{e.finess_et};2025-06;2025-08;0;0;60;100;95;90;95" for e in (chr_s, ehpad)])
    res = _resultat(projet, chemin)
    donnees = resultat_json(res)
    ahi, autre = donnees["essms"][0], donnees["essms"][1]
    assert ahi["atteint"] is True
    assert _indicateurs(ahi)["mssante"]["cible"] is None and _indicateurs(ahi)["dmp"]["atteint"] is None
    assert _indicateurs(ahi)["dossiers_actifs"]["cible"] == 0.9
    assert autre["atteint"] is False and _indicateurs(autre)["mssante"]["manque"] == 42
    assert "(sans cible)" in taux_texte(res.essms[0].indicateurs[0])
    # 2025 campaign data carries no amounts: the solde is unknown, never guessed
    assert donnees["solde"] is None and "2025" in res.solde_inconnu


def test_2023_sans_exemption(tmp_path, projet_de, generer_projet):
    projet = projet_de(generer_projet(15, categories=("214", "500")))
    e = projet.essms[0].finess_et
    res = _resultat(projet, _csv(tmp_path / "m.csv", [f"{e};2024-06;2024-08;0;0;60;100;95;90;95"]))
    assert res.essms[0].atteint is False


def test_solde_par_og(tmp_path, projet_de, generer_projet):
    projet = projet_de(generer_projet(17, organismes=[5, 5, 7], amoa=False))
    res = _resultat(projet, _csv(tmp_path / "m.csv", []))
    fin = calculer_financement(projet, charger_campagne("2023"))
    assert res.solde.montant == fin.solde
    for og in res.solde.par_organisme:
        ligne = fin.ligne_og(og.organisme)
        assert og.total == ligne.total and og.montant == ligne.total - (ligne.total * Decimal("0.5")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert res.solde.ecart_arrondi == fin.solde - sum(o.montant for o in res.solde.par_organisme)


# --------------------------------------------------------------------------- bad measures files


def test_erreurs_csv_chacune_avec_sa_ligne(tmp_path, petit_projet):
    e = petit_projet.essms[0].finess_et
    chemin = _csv(tmp_path / "m.csv", [
        "140000000;2024-06;2024-08;1;1;10;10;10;1;1",        # 2: unknown FINESS
        f"{e};2024-13;2024-08;1;1;10;10;10;1;1",              # 3: not a month
        f"{e};2024-09;2024-09;1;1;10;10;10;11;1",             # 4: projet personnalisé above dossiers actifs
        f"{e};2024-10;2024-10;1;12;10;10;10;1;1",             # 5: DMP above personnes_projet
        f"{e};2024-11;2024-11;1;1;10;0;3;1;1",                # 6: zero denominator, non-zero numerator
        f"{e};2024-12;2024-12;1;1;10;10;10;1;1",              # 7
        f"{e};2024-12;2024-12;1;1;10;10;10;1;1",              # 8: same ESSMS and period again
        f"{e};2025-01;2025-01;un;1;10;10;10;1;;",             # 9: not an integer, missing agenda
    ])
    with pytest.raises(MesuresInvalides) as exc:
        lire_mesures(chemin, petit_projet)
    problemes = [str(p) for p in exc.value.problemes]
    attendus = {
        "ligne 2 (finess_et)": "absent du projet",
        "ligne 3 (debut)": "AAAA-MM",
        "ligne 4 (dossiers_projet_personnalise)": "supérieur à dossiers_actifs",
        "ligne 5 (dmp_alimentes)": "supérieur à personnes_projet",
        "ligne 6 (dossiers_actifs)": "dénominateur nul",
        "ligne 8 (finess_et)": "ligne 7",
        "ligne 9 (mssante_messages)": "entier",
        "ligne 9 (dossiers_agenda)": "manquante",
    }
    for position, mot in attendus.items():
        assert any(p.startswith(position) and mot in p for p in problemes), (position, problemes)
    assert len(problemes) == len(attendus)


def test_cli_mesures_invalides_code_2(tmp_path, exemple, capsys):
    chemin = _csv(tmp_path / "m.csv", ["140100116;2024-06;2024-08;1;50;10;10;10;1;1"])
    assert main(["usages", "calculer", str(chemin), "--projet", str(exemple)]) == 2
    err = capsys.readouterr().err
    assert "ligne 2 (dmp_alimentes)" in err and "Traceback" not in err


def test_alertes_periodes_et_file_active(tmp_path, petit_projet):
    e = petit_projet.essms[0].finess_et
    chemin = _csv(tmp_path / "m.csv", [
        f"{e};2024-06;2024-07;1;1;10;10;10;1;1",  # first period of 2 months
        f"{e};2024-09;2024-09;1;1;10;10;12;1;1",  # gap after 2024-07, dossiers actifs above file active
    ])
    mesures = lire_mesures(chemin, petit_projet)
    textes = [str(a) for a in mesures.alertes]
    assert any(t.startswith("ligne 2") and "3 mois" in t for t in textes)
    assert any(t.startswith("ligne 3") and "non contiguë" in t for t in textes)
    assert any(t.startswith("ligne 3 (dossiers_actifs)") and "file_active" in t for t in textes)


def test_csv_libelles_francais_windows_1252_virgule(tmp_path, petit_projet):
    from dossier.usages.mesures import COLONNES

    e = petit_projet.essms[0].finess_et
    en_tetes = ",".join(c.libelle for c in COLONNES if c.cle != "nom" and c.obligatoire)
    chemin = _csv(tmp_path / "m.csv", [f"{e},2024-06,2024-08,45,50,60,100,95,90,95"], en_tetes, "cp1252")
    assert lire_mesures(chemin, petit_projet).lignes[0].comptes["dmp_alimentes"] == 50


# --------------------------------------------------------------------------- template workbook


def test_modele_rempli_puis_relu(tmp_path, petit_projet):
    from openpyxl import load_workbook

    dest = tmp_path / "MESURES.xlsx"
    n = ecrire_modele(petit_projet, dest, 4)
    assert n == 15 * 2
    wb = load_workbook(dest)
    ws = wb["Mesures"]
    entetes = [c.value for c in ws[6]]
    assert entetes[0] == "FINESS ET" and "Dossiers actifs" in entetes
    assert ws["C7"].value == "2024-06" and ws["D7"].value == "2024-08" and ws["C8"].value == "2024-09"
    for ligne in range(7, 7 + n):
        for colonne, valeur in zip("EFGHIJK", (45, 50, 60, 100, 95, 90, 95)):
            ws[f"{colonne}{ligne}"] = valeur
    ws["F9"] = 61  # DMP above personnes_projet
    ws["J10"] = "beaucoup"
    wb.save(dest)
    with pytest.raises(MesuresInvalides) as exc:
        lire_mesures(dest, petit_projet)
    positions = sorted(p.chemin for p in exc.value.problemes)
    assert positions == ["Mesures!F9", "Mesures!J10"]
    ws["F9"], ws["J10"] = 50, 90
    wb.save(dest)
    res = _resultat(petit_projet, dest)
    assert all(r.atteint for r in res.essms) and res.essms[0].periode == "2024-09"


def test_modele_rempli_un_mois_seulement(tmp_path, exemple, capsys):
    """Issue 20 item 9. Before: filling only the first period gave 1 000+ problems and exit 2."""
    from openpyxl import load_workbook

    dest = tmp_path / "MESURES.xlsx"
    assert main(["usages", "modele", "-o", str(dest), "--projet", str(exemple)]) == 0
    assert "une ligne laissée vide est une période pas encore mesurée" in " ".join(capsys.readouterr().out.split())
    wb = load_workbook(dest)
    ws = wb["Mesures"]
    premieres, n = set(), 0
    for ligne in range(7, ws.max_row + 1):
        finess = ws[f"A{ligne}"].value
        if finess and finess not in premieres:  # first period of each ESSMS only
            premieres.add(finess)
            for colonne, valeur in zip("EFGHIJK", (45, 50, 60, 100, 95, 90, 95)):
                ws[f"{colonne}{ligne}"] = valeur
        elif finess:
            n += 1
    wb.save(dest)
    capsys.readouterr()
    code = main(["usages", "calculer", str(dest), "--projet", str(exemple), "--json"])
    sortie = capsys.readouterr()
    assert code == 0, sortie.err
    assert len(json.loads(sortie.out)["essms"]) == 17
    assert sortie.err.count("ligne(s) sans aucune mesure ignorée(s)") == 1 and f"{n} ligne(s)" in sortie.err
    # a row half filled is still an erreur
    ws["E9"] = 12
    wb.save(dest)
    assert main(["usages", "calculer", str(dest), "--projet", str(exemple)]) == 2


@pytest.mark.parametrize("valeur", ["١٢", "５", "1２"])
def test_chiffres_non_ascii_refuses(tmp_path, petit_projet, valeur):
    """Issue 19 item 15. Before: ``١٢`` was read as 12 and ``５`` as 5."""
    e = petit_projet.essms[0].finess_et
    chemin = _csv(tmp_path / "m.csv", [f"{e};2024-06;2024-08;{valeur};20;60;100;50;10;10",
                                        f"{e};٢٠٢٤-٠٩;2024-09;45;41;60;100;90;70;81"])
    with pytest.raises(MesuresInvalides) as exc:
        lire_mesures(chemin, petit_projet)
    problemes = {p.chemin: p.message for p in exc.value.problemes}
    assert set(problemes) == {"ligne 2 (mssante_messages)", "ligne 3 (debut)"}
    assert f"« {valeur} »" in problemes["ligne 2 (mssante_messages)"] and "chiffres 0 à 9" in problemes["ligne 2 (mssante_messages)"]


def test_chiffres_non_ascii_cli_code_2(tmp_path, exemple, capsys):
    chemin = _csv(tmp_path / "m.csv", ["140100116;2024-06;2024-08;١٢;5;10;10;10;1;1"])
    assert main(["usages", "calculer", str(chemin), "--projet", str(exemple)]) == 2
    err = capsys.readouterr().err
    assert "ligne 2 (mssante_messages)" in err and "١٢" in err


def test_modele_ne_remplace_pas_sans_force(tmp_path, exemple):
    dest = tmp_path / "M.xlsx"
    dest.write_text("à garder")
    assert main(["usages", "modele", "-o", str(dest), "--projet", str(exemple)]) == 2
    assert dest.read_text() == "à garder"


# --------------------------------------------------------------------------- example, CLI, report


def test_exemple_deux_essms_bloquent(exemple, capsys):
    assert main(["usages", "calculer", str(EXEMPLE_MESURES), "--projet", str(exemple), "--json"]) == 1
    donnees = json.loads(capsys.readouterr().out)
    assert set(donnees) == {"essms", "bloquants", "solde"}
    assert len(donnees["essms"]) == 17 and len(donnees["bloquants"]) == 2
    from dossier.model import charger_projet

    fin = calculer_financement(charger_projet(exemple), charger_campagne("2023"))
    assert donnees["solde"]["montant"] == float(fin.solde)
    assert [o["organisme"] for o in donnees["solde"]["par_organisme"]] == [o.id for o in fin.organismes]


@pytest.fixture(scope="module")
def rapport_exemple(tmp_path_factory):
    donnees = fabrique.charger()
    donnees["essms"][0]["nom"] = NOM_HOSTILE
    donnees["depenses"] = [
        {"organisme": "tilleuls", "nature": "logiciel", "libelle": "Licences DUI & <maintenance> \"an 1\"",
         "fournisseur": "Éditeur SAS", "facture": "F-2024-001", "date": "2024-03-15", "montant": 120000.5},
        {"organisme": "tilleuls", "nature": "formation", "libelle": "Formation\nréférents", "date": "2024-04-02", "montant": 8400},
        {"organisme": "tilleuls", "nature": "logiciel", "libelle": "Paramétrage", "date": "2024-02-01", "montant": 15000},
        {"organisme": "ccas-vire", "nature": "materiel", "libelle": "Tablettes", "facture": "T-9", "date": "2024-05-20", "montant": 6200.25},
    ]
    projet = fabrique.projet_de(donnees)
    res = calculer_usages(projet, charger_campagne("2023"), lire_mesures(EXEMPLE_MESURES, projet))
    sortie = tmp_path_factory.mktemp("rapport") / "REP"
    fichiers = ecrire_rapport(res, sortie)
    return res, sortie, fichiers


def test_rapport_word_relu(rapport_exemple):
    from docx import Document

    res, sortie, _ = rapport_exemple
    document = Document(str(sortie / FICHIER_RAPPORT))
    texte = "\n".join(p.text for p in document.paragraphs)
    assert "Rapport d'atteinte des cibles d'usage" in texte
    # two ESSMS block it (issue 20 item 10): what it would be, and why it cannot be requested yet
    assert f"Solde qui serait demandé : {montant(res.solde.montant)} ; il ne peut pas encore être demandé : " \
           "2 ESSMS n'atteignent pas encore leurs cibles d'usage" in texte
    assert "Solde demandé" not in texte
    assert "{{" not in texte
    tableau = next(t for t in document.tables if t.rows[0].cells[0].text == "FINESS ET")
    lignes = {row.cells[0].text: [c.text for c in row.cells] for row in tableau.rows[1:]}
    assert len(lignes) == 17
    for r in res.essms:
        cellules = lignes[r.essms.finess_et]
        assert cellules[3:8] == [taux_texte(i) for i in r.indicateurs]
        assert cellules[8] == verdict(r.ecarts)
    assert "il manque 12 dossiers actifs avec projet personnalisé" in "".join(c[8] for c in lignes.values())
    assert lignes[res.essms[0].essms.finess_et][1] == NOM_HOSTILE
    solde = next(t for t in document.tables if t.rows[0].cells[0].text == "Organisme")
    assert solde.rows[-1].cells[3].text == montant(res.solde.montant)
    assert len(document.inline_shapes) == len(INDICATEURS)
    entete = document.sections[0].header.paragraphs[0].text
    assert res.projet.intitule in entete and "{{" not in entete


def test_classeur_taux_relu_avec_graphique(rapport_exemple):
    from openpyxl import load_workbook

    res, sortie, _ = rapport_exemple
    wb = load_workbook(sortie / FICHIER_TAUX)
    assert wb.sheetnames == [i.libelle for i in INDICATEURS]
    for ind in INDICATEURS:
        ws = wb[ind.libelle]
        assert len(ws._charts) == 1
        mois = {ws.cell(6, c).value.strftime("%Y-%m"): c for c in range(3, ws.max_column + 1) if ws.cell(6, c).value}
        for ligne, r in enumerate(res.essms, start=7):
            assert ws.cell(ligne, 1).value == r.essms.finess_et
            for m in r.mesures:
                attendu = m.comptes[ind.numerateur] / m.comptes[ind.denominateur]
                assert ws.cell(ligne, mois[texte_mois(m.fin)]).value == pytest.approx(attendu)
        assert ws.cell(7 + len(res.essms), 2).value == "Cible"


def test_graphiques_png_non_vides(rapport_exemple):
    import numpy as np
    from matplotlib import image

    _, sortie, _ = rapport_exemple
    for ind in INDICATEURS:
        pixels = image.imread(sortie / fichier_graphique(ind))
        assert pixels.shape[0] > 300 and pixels.shape[1] > 500
        assert float(np.var(pixels[..., :3])) > 0.001
        rvb = (pixels[..., :3] * 255).astype(np.uint32)
        couleurs = np.unique(rvb[..., 0] << 16 | rvb[..., 1] << 8 | rvb[..., 2])
        assert len(couleurs) > 20


def test_etat_des_depenses_relu(rapport_exemple):
    from openpyxl import load_workbook

    res, sortie, _ = rapport_exemple
    ws = load_workbook(sortie / FICHIER_DEPENSES)["Dépenses"]
    valeurs = [[c.value for c in ligne] for ligne in ws.iter_rows(min_row=7)]
    libelles = [v[2] for v in valeurs]
    assert "Licences DUI & <maintenance> \"an 1\"" in libelles and "Formation\nréférents" in libelles
    # logiciel lines of the OG in date order, then their subtotal formula
    i = libelles.index("Paramétrage")
    assert libelles[i + 1].startswith("Licences") and valeurs[i + 2][0] == "Sous-total logiciel"
    assert valeurs[i + 2][6] == f"=SUBTOTAL(9,G{7 + i}:G{8 + i})"
    totaux = [v for v in valeurs if v[0] and str(v[0]).startswith("Total")]
    assert [t[0] for t in totaux] == ["Total Association Les Tilleuls du Bocage", "Total CCAS de Vire Normandie", "Total des dépenses"]
    assert all(str(t[6]).startswith("=SUBTOTAL(9,") for t in totaux)
    montants = [v[6] for v in valeurs if isinstance(v[6], (int, float))]
    assert sum(montants[:4]) == pytest.approx(120000.5 + 8400 + 15000 + 6200.25)
    texte = " ".join(str(v[0]) for v in valeurs if v[0])
    assert "comptable public" in texte and "commissaire aux comptes" in texte


def test_etat_des_depenses_marque_a_signer(rapport_exemple):
    """Issue 20 item 1: the état récapitulatif is certified by the porteur, marked « à signer »."""
    import zipfile

    from dossier.marques import office_a_signer

    _, sortie, _ = rapport_exemple
    with zipfile.ZipFile(sortie / FICHIER_DEPENSES) as archive:
        assert office_a_signer(archive)
        assert "<Application>dossier</Application>" in archive.read("docProps/app.xml").decode()


@pytest.mark.slow
def test_rapport_dossier_existant_et_force(tmp_path, exemple):
    sortie = tmp_path / "REP"
    sortie.mkdir()
    (sortie / "garde.txt").write_text("x")
    args = ["usages", "rapport", str(EXEMPLE_MESURES), "--projet", str(exemple), "-o", str(sortie)]
    assert main(args) == 2
    assert (sortie / "garde.txt").exists()
    assert main([*args, "--force"]) == 2  # --force replaces a previous report only
    assert (sortie / "garde.txt").read_text() == "x"
    (sortie / "garde.txt").unlink()
    assert main([*args, "--force"]) == 1  # written; the solde cannot be requested yet (two ESSMS block it)
    (sortie / FICHIER_RAPPORT).write_bytes(b"ancien rapport")
    assert main([*args, "--force"]) == 1
    assert (sortie / FICHIER_RAPPORT).read_bytes() != b"ancien rapport"
    assert [p.name for p in tmp_path.iterdir()] == ["REP"]  # no temporary folder left beside it


def test_calculer_terminal(exemple, capsys):
    assert main(["usages", "calculer", str(EXEMPLE_MESURES), "--projet", str(exemple)]) == 1
    sortie = " ".join(capsys.readouterr().out.split())
    assert "il manque 12 dossiers" in sortie and "il manque 27 DMP" in sortie  # the table may wrap the rest
    assert "2 ESSMS bloquent la demande de solde" in sortie and "Solde qui serait demandé" in sortie
    assert "il ne peut pas encore être demandé" in sortie and "Solde demandé" not in sortie


def _mesures_atteintes(chemin: Path, projet_json: Path) -> Path:
    """A measures file where every ESSMS of the project reaches its targets on its first period."""
    from dossier.model import charger_projet

    projet = charger_projet(projet_json)
    lignes = [f"{p.essms.finess_et};{texte_mois(p.debut)};{texte_mois(p.fin)};45;50;60;100;95;90;95"
              for p in periodes_attendues(projet, 3)]
    return _csv(chemin, lignes)


def test_rapport_solde_demandable_ou_non(tmp_path, exemple, capsys):
    """Issue 20 item 10. Before: « Solde demandé » and exit 0 while the expenses were missing."""
    from docx import Document

    mesures = _mesures_atteintes(tmp_path / "m.csv", exemple)
    code = main(["usages", "rapport", str(mesures), "--projet", str(exemple), "-o", str(tmp_path / "R1")])
    sortie = " ".join(capsys.readouterr().out.split())
    assert code == 1 and (tmp_path / "R1" / FICHIER_RAPPORT).is_file()
    assert "il ne peut pas encore être demandé : aucune dépense dans le projet" in sortie
    assert "ESSMS n'atteigne" not in sortie
    donnees = json.loads(Path(exemple).read_text("utf-8"))
    donnees["depenses"] = [{"organisme": donnees["organismes"][0]["id"], "nature": "logiciel", "libelle": "Licences",
                            "date": "2024-03-15", "montant": 1000}]
    avec = tmp_path / "avec-depenses.json"
    avec.write_text(json.dumps(donnees, ensure_ascii=False), "utf-8")
    code = main(["usages", "rapport", str(mesures), "--projet", str(avec), "-o", str(tmp_path / "R2")])
    sortie = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "Solde demandé : " in sortie and "ne peut pas" not in sortie
    texte = "\n".join(p.text for p in Document(str(tmp_path / "R2" / FICHIER_RAPPORT)).paragraphs)
    assert "Solde demandé : " in texte and "4. Montant du solde demandé" in texte


def test_campagne_sans_cibles_refusee(tmp_path, projet_de, generer_projet):
    from dossier.errors import MontantsInconnus

    projet = projet_de(generer_projet(15, campagne="2024"))
    with pytest.raises(MontantsInconnus, match="cibles d'usage de la campagne 2024"):
        _resultat(projet, _csv(tmp_path / "m.csv", []))


def test_solde_ecart_d_arrondi_par_og(projet_de, generer_projet, capsys):
    """Two OGs with a total of 6 999,93 € each: each advance rounds 3 499,965 up, the project's does not."""
    from dossier.usages.indicateurs import calculer_solde

    donnees = generer_projet(15, organismes=[1, 1, 13], categories=("460", "460") + ("500",) * 13)
    for e in donnees["essms"][:2]:
        e["heures_saad"] = fabrique.heures(2022, total=1000, apa=333.33, pch=0, dependance=0)
    solde = calculer_solde(projet_de(donnees), charger_campagne("2023"))
    assert [o.total for o in solde.par_organisme[:2]] == [Decimal("6999.93")] * 2
    assert [o.avance for o in solde.par_organisme[:2]] == [Decimal("3499.97")] * 2
    assert solde.montant == Decimal("143499.93")
    assert sum(o.montant for o in solde.par_organisme) == Decimal("143499.92")
    assert solde.ecart_arrondi == Decimal("0.01")


# --------------------------------------------------------------------------- pagination (issue 20 item 11)


def test_rapport_word_regles_de_pagination(rapport_exemple):
    """Before: rows split across pages without a repeated header; headings left alone at a page's foot."""
    from docx import Document
    from docx.oxml.ns import qn

    _, sortie, _ = rapport_exemple
    document = Document(str(sortie / FICHIER_RAPPORT))
    for tableau in document.tables:
        rangees = tableau._tbl.tr_lst
        assert all(r.trPr is not None and r.trPr.find(qn("w:cantSplit")) is not None for r in rangees)
        assert rangees[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rangees[1:])
    paragraphes = document.paragraphs
    titres = [p for p in paragraphes if p.style.name.startswith("Heading")]
    assert len(titres) >= 4 + len(INDICATEURS)
    assert all(p.paragraph_format.keep_with_next for p in titres)
    images = [i for i, p in enumerate(paragraphes) if p._p.xpath(".//w:drawing")]
    assert len(images) == len(INDICATEURS)
    for i in images:  # heading and its note kept with the chart that follows
        assert paragraphes[i - 1].paragraph_format.keep_with_next and paragraphes[i - 2].paragraph_format.keep_with_next


@pytest.mark.slow
def test_rapport_pdf_chaque_graphique_avec_son_titre(rapport_exemple, tmp_path):
    from pypdf import PdfReader

    from dossier.render.pdf import convertir_en_pdf

    _, sortie, _ = rapport_exemple
    (pdf,) = convertir_en_pdf([sortie / FICHIER_RAPPORT], tmp_path)
    pages = PdfReader(pdf).pages
    for ind in INDICATEURS:
        titre = f"{ind.libelle} (cible"
        (page,) = [p for p in pages if any(l.startswith(titre) for l in p.extract_text().splitlines())]
        assert _images_dessinees(page) == 1, f"le graphique « {ind.libelle} » n'est pas sur la page de son titre"
    entetes = [p for p in pages if "FINESS ET" in p.extract_text()]
    assert len(entetes) >= 2  # the 17-row table runs over two pages, its header repeated


def _images_dessinees(page) -> int:
    """Image XObjects the page's content stream draws (LibreOffice shares one resource dictionary)."""
    import re

    objets = page["/Resources"].get_object().get("/XObject", {})
    noms = re.findall(rb"/([^\s/]+)\s+Do\b", page.get_contents().get_data())
    return sum(objets["/" + n.decode()].get_object().get("/Subtype") == "/Image" for n in noms if "/" + n.decode() in objets)
