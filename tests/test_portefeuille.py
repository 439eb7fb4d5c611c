"""dossier portefeuille: one row per project (status, next action), JSON, workbook, --rendre."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

import fabrique
from dossier.cli import main
from dossier.fiche import charger_projet_ou_fiche, ecrire_fiche, donnees_projet
from dossier.portefeuille import (
    EntreeProjet, analyser_projet, construire_portefeuille, decouvrir, portefeuille_json,
)
from dossier.portefeuille.classeur import TITRES, ecrire_classeur
from dossier.profiles import charger_profil
from dossier.render.pieces import rendre_dossier

AUJOURDHUI = dt.date(2023, 5, 1)  # campaign 2023 open (regional window 15/01 – 15/09/2023)
LETTRE = "Lettre d'engagement"  # libellé of the piece in profile normandie-2023


def _pdf(chemin: Path) -> None:
    w = PdfWriter()
    w.add_blank_page(595, 842)
    with chemin.open("wb") as f:
        w.write(f)


@pytest.fixture(scope="module")
def dossier_portefeuille(tmp_path_factory) -> Path:
    """valide (a fiche), non-recevable, echeance-depassee (2022, no deposit date), casse.json, signature
    (deposit folder whose letter is still a .docx), usages (measures with 2 ESSMS under the targets)."""
    racine = tmp_path_factory.mktemp("portefeuille")
    exemple = fabrique.charger()
    (racine / "valide").mkdir()
    ecrire_fiche(donnees_projet(charger_projet_ou_fiche(fabrique.EXEMPLE)), racine / "valide" / "fiche-tilleuls.xlsx")
    openpyxl.Workbook().save(racine / "valide" / "notes.xlsx")  # not a fiche: ignored
    hors_fenetre = json.loads(json.dumps(exemple))
    hors_fenetre["depot"]["date"] = "2023-01-02"  # before the window opens: an erreur-level check
    hors_fenetre["intitule"] = "Projet hors fenêtre"
    fabrique.ecrire(racine / "non-recevable.json", hors_fenetre)
    fabrique.ecrire(racine / "echeance-depassee.json", fabrique.generer_projet(15, campagne="2022", date_depot=None))
    (racine / "casse.json").write_text("{ pas du JSON", encoding="utf-8")
    signature = racine / "signature"
    signature.mkdir()
    shutil.copy(fabrique.EXEMPLE, signature / "projet.json")
    rendre_dossier(charger_projet_ou_fiche(fabrique.EXEMPLE), signature / "depot")
    profil = charger_profil("normandie-2023")
    for office in sorted([*(signature / "depot").glob("*.docx"), *(signature / "depot").glob("*.xlsx")]):
        piece = profil.piece(office.stem.split("-", 1)[1])
        if piece is not None and piece.signee and piece.slug != "lettre-engagement":
            _pdf(office.with_suffix(".pdf"))  # the signed scan
            office.unlink()
    usages = racine / "usages"
    usages.mkdir()
    shutil.copy(fabrique.EXEMPLE, usages / "projet.json")
    shutil.copy(fabrique.RACINE / "examples" / "mesures-normandie-2023.csv", usages / "mesures.csv")
    return racine


@pytest.fixture(scope="module")
def portefeuille(dossier_portefeuille):
    p = construire_portefeuille(dossier_portefeuille, AUJOURDHUI, processus=2)
    return {x.fichier: x for x in p.lignes}, p


ATTENDU = {  # fichier -> (statut, start of the next action, bloquant)
    "valide/fiche-tilleuls.xlsx": ("à compléter", "compléter 1 champ", False),
    "non-recevable.json": ("non recevable", "lever 1 erreur de recevabilité : dépôt prévu le", True),
    "echeance-depassee.json": ("échéance dépassée", "échéance dépassée depuis le 30/09/2022", True),
    "casse.json": ("fichier illisible", "rendre le fichier lisible : JSON invalide", True),
    "signature/projet.json": ("à signer", "faire signer les lettres des OG Association Les Tilleuls du Bocage, CCAS de Vire", False),
    "usages/projet.json": ("solde bloqué", "2 ESSMS sous les cibles d'usage", True),
}


def test_decouverte_fiches_depot_et_mesures(dossier_portefeuille):
    entrees = {e.fichier: e for e in decouvrir(dossier_portefeuille)}
    assert sorted(entrees) == sorted(ATTENDU)  # notes.xlsx (not a fiche) and depot/ pieces are not projects
    assert entrees["signature/projet.json"].depot == dossier_portefeuille / "signature" / "depot"
    assert entrees["usages/projet.json"].mesures == dossier_portefeuille / "usages" / "mesures.csv"
    assert entrees["non-recevable.json"].depot is None and entrees["non-recevable.json"].mesures is None


def test_chaque_ligne_statut_et_prochaine_action(portefeuille):
    lignes, p = portefeuille
    for fichier, (statut, action, bloquant) in ATTENDU.items():
        x = lignes[fichier]
        assert (x.statut, x.bloquant) == (statut, bloquant), fichier
        assert x.prochaine_action.startswith(action), (fichier, x.prochaine_action)
    assert p.bloquant
    valide = lignes["valide/fiche-tilleuls.xlsx"]
    assert valide.valide and valide.recevable and valide.nb_essms == 17 and valide.region == "Normandie"
    assert valide.echeance == dt.date(2023, 9, 15) and valide.jours_restants == 137
    assert str(valide.aide_totale) == "508583.16" and valide.avance + valide.solde == valide.aide_totale
    signature = lignes["signature/projet.json"]
    assert signature.a_signer == [LETTRE] and signature.pieces_manquantes == []
    assert lignes["usages/projet.json"].essms_bloquants == ["610100786", "500300330"]
    assert lignes["usages/projet.json"].derniere_periode == "2025-10"
    assert lignes["casse.json"].erreur.startswith("JSON invalide") and not lignes["casse.json"].valide


def test_projet_en_memoire_pour_le_portail(exemple):
    """The portal passes a loaded project (a stored version), no file."""
    x = analyser_projet(EntreeProjet("version 3", projet=charger_projet_ou_fiche(exemple)), AUJOURDHUI)
    assert x.valide and x.intitule == "DUI partagé des ESSMS du Bocage normand" and x.statut == "à compléter"


def test_json_cles_et_code_retour(dossier_portefeuille, capsys):
    code = main(["portefeuille", str(dossier_portefeuille), "--json", "--date", AUJOURDHUI.isoformat()])
    assert code == 1  # some project has a blocking problem
    sortie = json.loads(capsys.readouterr().out)
    cles = {"fichier", "intitule", "porteur", "region", "campagne", "nb_essms", "valide", "problemes", "recevable",
            "aide_totale", "avance", "solde", "date_depot", "echeance", "jours_restants", "pieces_manquantes",
            "a_signer", "essms_bloquants", "prochaine_action", "erreur"}
    projets = {o["fichier"]: o for o in sortie["projets"]}
    assert set(projets) == set(ATTENDU)
    for fichier, (statut, action, _) in ATTENDU.items():
        assert cles <= set(projets[fichier]), fichier
        assert projets[fichier]["statut"] == statut and projets[fichier]["prochaine_action"].startswith(action)
    assert projets["casse.json"]["recevable"] is None and projets["casse.json"]["erreur"]
    assert projets["non-recevable.json"]["recevable"] is False
    assert projets["valide/fiche-tilleuls.xlsx"]["echeance"] == "2023-09-15"
    assert projets["valide/fiche-tilleuls.xlsx"]["aide_totale"] == 508583.16
    assert projets["signature/projet.json"]["a_signer"] == [LETTRE]
    assert sortie["totaux"]["projets"] == 6 and sortie["totaux"]["illisibles"] == 1
    assert sortie["totaux"]["bloquants"] == 4


def test_tableau_texte_et_tri(dossier_portefeuille, capsys):
    code = main(["portefeuille", str(dossier_portefeuille), "--trier", "statut", "--date", "2023-05-01"])
    sortie = capsys.readouterr().out
    assert code == 1
    assert sortie.index("casse.json") < sortie.index("non-recevable.json") < sortie.index("fiche-tilleuls.xlsx")
    assert "faire signer les lettres des OG" in sortie and "6 projet(s)" in sortie


def test_tout_va_bien_code_0(tmp_path, capsys):
    ecrire_fiche(donnees_projet(charger_projet_ou_fiche(fabrique.EXEMPLE)), tmp_path / "fiche.xlsx")
    assert main(["portefeuille", str(tmp_path), "--date", "2023-05-01"]) == 0


def test_classeur_relu(dossier_portefeuille, portefeuille, tmp_path, capsys):
    dest = tmp_path / "portefeuille.xlsx"
    code = main(["portefeuille", str(dossier_portefeuille), "--xlsx", str(dest), "--date", "2023-05-01"])
    assert code == 1 and dest.is_file()
    wb = openpyxl.load_workbook(dest)
    ws = wb["Projets"]
    assert [c.value for c in ws[1]] == TITRES and ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(TITRES))}7"
    colonne = {t: i for i, t in enumerate(TITRES)}
    lignes = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert set(lignes) == set(ATTENDU)
    for fichier, (statut, action, bloquant) in ATTENDU.items():
        r = lignes[fichier]
        assert r[colonne["Statut"]].value == statut
        assert r[colonne["Prochaine action"]].value.startswith(action)
        assert r[colonne["Bloquant"]].value == ("oui" if bloquant else "non")
    valide = lignes["valide/fiche-tilleuls.xlsx"]
    assert valide[colonne["Aide totale"]].value == pytest.approx(508583.16)
    assert valide[colonne["Échéance"]].value.date() == dt.date(2023, 9, 15)
    assert valide[0].hyperlink.target == "../" + dossier_portefeuille.name + "/valide/fiche-tilleuls.xlsx" \
        or valide[0].hyperlink.target.endswith("valide/fiche-tilleuls.xlsx")
    regles = [r for plage in ws.conditional_formatting for r in plage.rules]
    assert any("Bloquant" not in f and '="oui"' in f for r in regles for f in r.formula)
    assert any("<=30" in f for r in regles for f in r.formula)
    totaux = wb["Totaux"]
    assert [c.value for c in totaux[1]][:3] == ["Région", "Campagne", "Projets"]
    derniere = [c.value for c in totaux[totaux.max_row - 2]]
    assert derniere[0] == "Total" and derniere[2] == 6
    assert main(["portefeuille", str(dossier_portefeuille), "--xlsx", str(dest)]) == 2  # no overwrite without --force


def test_classeur_ne_remplace_pas_une_fiche(dossier_portefeuille, capsys):
    fiche = dossier_portefeuille / "valide" / "fiche-tilleuls.xlsx"
    avant = fiche.read_bytes()
    assert main(["portefeuille", str(dossier_portefeuille), "--xlsx", str(fiche), "--force"]) == 2
    assert fiche.read_bytes() == avant
    assert "fichier projet du portefeuille" in capsys.readouterr().err


def test_dossier_introuvable(tmp_path, capsys):
    assert main(["portefeuille", str(tmp_path / "absent")]) == 2
    assert "dossier introuvable" in capsys.readouterr().err


def test_rendre_sans_pdf_continue_apres_un_echec(dossier_portefeuille, tmp_path, capsys):
    sortie = tmp_path / "rendu"
    code = main(["portefeuille", str(dossier_portefeuille), "--rendre", str(sortie), "--date", "2023-05-01"])
    texte = capsys.readouterr().out
    assert code == 1  # casse.json is not rendered
    assert "échec : casse.json" in texte and "5 projet(s) rendu(s)" in texte
    assert sorted(d.name for d in sortie.iterdir()) == ["echeance-depassee", "non-recevable", "signature-projet",
                                                         "usages-projet", "valide-fiche-tilleuls"]
    assert (sortie / "usages-projet" / "10-lettre-engagement.docx").is_file()


def test_ecrire_classeur_vide(tmp_path):
    p = construire_portefeuille(tmp_path, AUJOURDHUI)
    ecrire_classeur(p, tmp_path / "vide.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "vide.xlsx")
    assert wb["Projets"].max_row == 1 and portefeuille_json(p)["totaux"]["projets"] == 0


@pytest.mark.slow
def test_rendre_pdf_libreoffice_tue_en_cours_de_route(tmp_path):
    """kill -9 of the warm LibreOffice after the first project: the next conversion starts a new one and
    every PDF of every project is made."""
    import os
    import signal

    from dossier.portefeuille.rendu import rendre_portefeuille
    from dossier.render.convertisseur import Convertisseur

    (tmp_path / "projets").mkdir()
    for i in range(3):
        fabrique.ecrire(tmp_path / "projets" / f"p{i}.json", fabrique.generer_projet(15, decalage=10 * i))
    p = construire_portefeuille(tmp_path / "projets", AUJOURDHUI)
    tues = []
    with Convertisseur() as c:
        def apres(resultat):
            if not tues:
                tues.append(c.etat()["pid"])
                os.kill(tues[0], signal.SIGKILL)

        resultats = rendre_portefeuille(decouvrir(tmp_path / "projets"), p.lignes, tmp_path / "sortie", pdf=True,
                                        convertisseur=c, processus=2, progression=apres)
        assert c.etat()["demarrages"] >= 2
    assert [r.ok for r in resultats] == [True] * 3, [r.message for r in resultats]
    for i in range(3):
        dossier = tmp_path / "sortie" / f"p{i}"
        sources = sorted(f.stem for f in dossier.iterdir() if f.suffix in (".docx", ".xlsx"))
        assert sources and sorted(f.stem for f in dossier.glob("*.pdf")) == sources
        assert all(len(PdfReader(f).pages) >= 1 for f in dossier.glob("*.pdf"))


def test_classeur_abime_est_une_ligne_en_erreur_et_fifo_ignoree(tmp_path):
    import os

    (tmp_path / "abime.xlsx").write_bytes(b"PK\x03\x04 tronque")
    os.mkfifo(tmp_path / "tube.json")  # never opened: a FIFO would block a reader
    p = construire_portefeuille(tmp_path, AUJOURDHUI)
    assert [x.fichier for x in p.lignes] == ["abime.xlsx"]
    assert p.lignes[0].statut == "fichier illisible" and p.lignes[0].erreur and p.bloquant


def test_projet_invalide_champs_a_completer(tmp_path):
    donnees = fabrique.charger()
    del donnees["porteur"]["siret"]
    del donnees["intitule"]
    donnees["essms"][0]["finess_et"] = "123"
    fabrique.ecrire(tmp_path / "incomplet.json", donnees)
    x = construire_portefeuille(tmp_path, AUJOURDHUI).lignes[0]
    assert (x.statut, x.valide, x.problemes, x.recevable) == ("invalide", False, 3, None)
    assert x.prochaine_action == "compléter 2 champs et corriger 1 problème (dossier validate)"
    assert x.porteur == "Association Les Tilleuls du Bocage" and x.nb_essms == 17 and x.erreur is None


def test_date_fr_est_celle_de_francais():
    """The portfolio's dates come from ``francais`` (it had its own copy of the short French date)."""
    import datetime as dt

    from dossier import francais
    from dossier.portefeuille import analyse

    assert analyse.date_fr is francais.date_courte
    assert analyse.date_fr(dt.date(2024, 3, 1)) == "01/03/2024" and analyse.date_fr(None) == ""
