"""checklist: recognising files by name, opening them, deciding each piece's status."""

from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from checklist_fixtures import (
    EXEMPLE, classeur_rempli, docx, pdf, pdf_tronque, pieces_generees, projet_exemple, xlsx, zip_quelconque,
)
from dossier.checklist import afficher_checklist, normaliser_nom, reconnaitre, verifier_dossier
from dossier.errors import DossierError
from dossier.profiles import charger_profil

CNSA = charger_profil("cnsa-2023")
NORMANDIE = charger_profil("normandie-2023")


def statuts(resultat) -> dict[str, str]:
    return {e.piece.slug: e.statut for e in resultat.pieces}


def etat(resultat, slug):
    return next(e for e in resultat.pieces if e.piece.slug == slug)


def messages(resultat, slug) -> str:
    return " | ".join(c.message for c in etat(resultat, slug).problemes)


@pytest.fixture
def depot(tmp_path) -> Path:
    dossier = tmp_path / "depot"
    dossier.mkdir()
    return dossier


@pytest.fixture
def depot_normandie(depot) -> Path:
    pieces_generees(depot, NORMANDIE)
    return depot


@pytest.fixture
def depot_cnsa(depot) -> Path:
    pieces_generees(depot, CNSA)
    pdf(depot / "RIB Association Tilleuls.PDF")
    return depot


# --- recognising names ---------------------------------------------------------------------

def test_normaliser_nom():
    assert normaliser_nom("RIB Association Tilleuls") == "rib-association-tilleuls"
    assert normaliser_nom("Lettre d'engagement – CCAS de Vire") == "lettre-d-engagement-ccas-de-vire"
    assert normaliser_nom("Étude_de  couverture DPI") == "etude-de-couverture-dpi"


@pytest.mark.parametrize("nom, profil, attendus", [
    ("RIB Association Tilleuls.PDF", CNSA, ["rib"]),
    ("Relevé d'identité bancaire.pdf", CNSA, ["rib"]),
    ("Publication Journal Officiel 2012.pdf", CNSA, ["publication-jo"]),
    ("Autodiagnostic ANAP Tilleuls.pdf", CNSA, ["autodiagnostic-anap"]),
    ("Lettre d'engagement CCAS.pdf", CNSA, ["lettre-engagement"]),
    ("05-planning.xlsx", CNSA, ["planning"]),
    ("06-plan-de-financement.xlsx", CNSA, ["plan-de-financement"]),
    ("11-materiels.xlsx", CNSA, ["liste-materiels"]),
    ("06-planning-projet.xlsx", NORMANDIE, ["planning-projet"]),
    ("07-planning-deploiement.xlsx", NORMANDIE, ["planning-deploiement"]),
    ("08-planning-conduite.xlsx", NORMANDIE, ["planning-conduite"]),
    ("Planning projet.xlsx", NORMANDIE, ["planning-projet"]),
    ("06-planning.xlsx", NORMANDIE, []),
    ("11-liste-materiels.xlsx", CNSA, ["liste-materiels"]),
    ("14-plan-implantation-materiel.xlsx", NORMANDIE, ["plan-implantation-materiel"]),
    ("09-plan-de-financement.xlsx", NORMANDIE, ["plan-de-financement"]),
    ("14-materiels.xlsx", NORMANDIE, ["plan-implantation-materiel"]),
    ("01-note-de-presentation.docx", NORMANDIE, ["note-de-presentation"]),
    ("05-conduite-du-changement.docx", NORMANDIE, ["conduite-du-changement"]),
    ("Note de présentation générale.pdf", NORMANDIE, ["note-de-presentation"]),
    ("distribution des tâches.pdf", CNSA, []),
    ("scan0001.pdf", CNSA, []),
])
def test_reconnaitre(nom, profil, attendus):
    reconnue = reconnaitre(nom, profil)
    assert ([reconnue[0].slug] if reconnue else []) == attendus


def test_un_fichier_ne_remplit_qu_un_emplacement():
    """Between equal matches, the piece numbered like the file's prefix wins, else the first one."""
    assert reconnaitre("11-materiels.xlsx", CNSA) == (CNSA.piece("liste-materiels"), True)
    assert reconnaitre("planning-projet.xlsx", NORMANDIE) == (NORMANDIE.piece("planning-projet"), False)
    bis = replace(NORMANDIE.piece("plan-de-financement"), slug="plan-bis", numero=16,
                  synonymes=("plan-de-financement",))
    double = replace(NORMANDIE, pieces=NORMANDIE.pieces + (bis,))
    assert reconnaitre("16-plan-de-financement.xlsx", double)[0].slug == "plan-bis"
    assert reconnaitre("09-plan-de-financement.xlsx", double)[0].slug == "plan-de-financement"
    assert reconnaitre("plan-de-financement.xlsx", double)[0].slug == "plan-de-financement"


# --- complete folders ----------------------------------------------------------------------

def test_dossier_cnsa_complet_avec_projet(depot_cnsa, tmp_path):
    projet, dossier_projet = projet_exemple(tmp_path, porteur={**_porteur_exemple(), "statut_juridique": "SCIC"})
    resultat = verifier_dossier(depot_cnsa, CNSA, projet, dossier_projet)
    assert statuts(resultat) == {
        "note-de-presentation": "present", "gouvernance": "present", "convention": "present",
        "lettre-engagement": "present", "planning": "present", "plan-de-financement": "present",
        "strategie-deploiement": "present", "conduite-du-changement": "present", "rib": "present",
        "declaration-heures-saad": "present", "liste-materiels": "present",
        "autorisation-entite-nationale": "non_requis", "autodiagnostic-anap": "non_requis",
        "statuts": "non_requis", "publication-jo": "non_requis",
    }
    assert resultat.complet
    assert etat(resultat, "rib").fichiers == (depot_cnsa / "RIB Association Tilleuls.PDF",)
    assert resultat.non_reconnus == ()


def _porteur_exemple() -> dict:
    import json

    return json.loads(EXEMPLE.read_text("utf-8"))["porteur"]


def test_statuts_et_journal_officiel_requis_pour_une_association(depot_cnsa, tmp_path):
    projet, dossier_projet = projet_exemple(tmp_path)  # porteur: association loi 1901
    resultat = verifier_dossier(depot_cnsa, CNSA, projet, dossier_projet)
    for slug in ("statuts", "publication-jo"):
        assert etat(resultat, slug).statut == "manquant" and etat(resultat, slug).requis is True
        assert etat(resultat, slug).condition == "le porteur est une association (statut juridique : association loi 1901)"
    assert not resultat.complet
    pdf(depot_cnsa / "Statuts Association Tilleuls.pdf")
    pdf(depot_cnsa / "Journal officiel 2012.pdf")
    resultat = verifier_dossier(depot_cnsa, CNSA, projet, dossier_projet)
    assert statuts(resultat)["statuts"] == statuts(resultat)["publication-jo"] == "present"
    assert resultat.complet


def test_piece_a_signer_en_docx_est_une_alerte(depot_cnsa):
    resultat = verifier_dossier(depot_cnsa, CNSA)
    convention = etat(resultat, "convention")
    assert convention.statut == "present"
    assert [c.niveau for c in convention.problemes] == ["alerte"]
    assert "scan signé" in convention.problemes[0].message
    assert resultat.complet


def test_piece_signee_en_pdf_sans_alerte(depot_cnsa):
    (depot_cnsa / "03-convention.docx").unlink()
    pdf(depot_cnsa / "03-convention-signee.pdf")
    convention = etat(verifier_dossier(depot_cnsa, CNSA), "convention")
    assert convention.statut == "present" and convention.problemes == ()


def test_dossier_normandie_json(depot_normandie, tmp_path):
    projet, dossier_projet = projet_exemple(tmp_path)
    document = verifier_dossier(depot_normandie, NORMANDIE, projet, dossier_projet).to_json()
    assert document["profil"] == "aap-normandie-2023" and document["complet"] is True  # current name of normandie-2023
    pieces = {p["slug"]: p for p in document["pieces"]}
    assert [p["slug"] for p in document["pieces"]] == [p.slug for p in NORMANDIE.pieces]
    assert {s: p["statut"] for s, p in pieces.items()} == {
        "note-de-presentation": "present", "gouvernance": "present",
        "attestation-mutualisation": "present", "strategie-deploiement": "present",
        "conduite-du-changement": "present", "planning-projet": "present",
        "planning-deploiement": "present", "planning-conduite": "present",
        "plan-de-financement": "present", "lettre-engagement": "present",
        "declaration-heures-saad": "present", "autorisation-entite-nationale": "non_requis",
        "etude-couverture-dpi": "non_requis", "plan-implantation-materiel": "present",
        "autres": "non_requis",
    }
    for slug, nom in (("planning-projet", "06-planning-projet.xlsx"),
                      ("planning-deploiement", "07-planning-deploiement.xlsx"),
                      ("planning-conduite", "08-planning-conduite.xlsx")):
        assert pieces[slug]["fichiers"] == [nom]
    fichiers = [f for p in document["pieces"] for f in p["fichiers"]]
    assert len(fichiers) == len(set(fichiers))  # one file, one slot
    saad = pieces["declaration-heures-saad"]
    assert saad["requis"] is True
    assert saad["condition"].startswith("le projet compte 3 ESSMS d'aide à domicile")
    assert pieces["etude-couverture-dpi"]["requis"] is False
    assert pieces["gouvernance"] == {
        "slug": "gouvernance", "libelle": "Gouvernance du projet", "statut": "present",
        "requis": True, "condition": None, "fichiers": ["02-gouvernance.docx"], "problemes": [],
    }
    assert document["non_reconnus"] == []


def test_gouvernance_absente_rend_le_dossier_incomplet(depot_normandie):
    (depot_normandie / "02-gouvernance.docx").unlink()
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert not resultat.complet
    gouvernance = etat(resultat, "gouvernance")
    assert gouvernance.statut == "manquant"
    assert [(c.niveau, c.message) for c in gouvernance.problemes] == [("erreur", "pièce obligatoire absente")]
    console = Console(record=True, width=200)
    afficher_checklist(resultat, console)
    sortie = console.export_text()
    assert "Gouvernance du projet" in sortie and "manquante" in sortie
    assert "dossier incomplet" in sortie


def test_sans_projet_les_pieces_conditionnelles_sont_indeterminees(depot):
    pieces_generees(depot, NORMANDIE)
    (depot / "11-declaration-heures-saad.xlsx").unlink()
    resultat = verifier_dossier(depot, NORMANDIE)
    for slug in ("declaration-heures-saad", "autorisation-entite-nationale", "etude-couverture-dpi"):
        e = etat(resultat, slug)
        assert e.statut == "indetermine" and e.requis is None
        assert "indéterminé sans projet" in e.condition
    assert etat(resultat, "plan-implantation-materiel").statut == "present"
    assert resultat.complet
    console = Console(record=True, width=200)
    afficher_checklist(resultat, console)
    assert "indiquer --projet" in console.export_text()


def test_piece_conditionnelle_requise_absente(depot_normandie, tmp_path):
    (depot_normandie / "11-declaration-heures-saad.xlsx").unlink()
    projet, dossier_projet = projet_exemple(tmp_path)
    resultat = verifier_dossier(depot_normandie, NORMANDIE, projet, dossier_projet)
    assert etat(resultat, "declaration-heures-saad").statut == "manquant"
    assert not resultat.complet


def test_fichiers_caches_ignores(depot_normandie):
    (depot_normandie / ".DS_Store").write_bytes(b"\0\0")
    (depot_normandie / "~$02-gouvernance.docx").write_bytes(b"verrou")
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert resultat.non_reconnus == () and resultat.complet


def test_dossier_introuvable(tmp_path):
    with pytest.raises(DossierError, match="dossier introuvable"):
        verifier_dossier(tmp_path / "absent", NORMANDIE)


# --- files that GALIS would reject ---------------------------------------------------------

def _vide(chemin):
    chemin.write_bytes(b"")


def _pdf_chiffre(chemin):
    pdf(chemin, mot_de_passe="x")


def _pdf_nomme_docx(chemin):
    pdf(chemin)


def _docx_a_completer(chemin):
    docx(chemin, "Contexte du projet", "[À COMPLÉTER : contexte]")


def _docx_entete_jinja(chemin):
    docx(chemin, "Gouvernance", entete="{{ porteur.raison_sociale }}")


def _xlsx_nomme_docx(chemin):
    classeur_rempli(chemin, ["Feuil1"])


@pytest.mark.parametrize("nom, fabrique, attendu", [
    ("02-gouvernance.docx", _vide, "02-gouvernance.docx : fichier vide"),
    ("02-gouvernance.pdf", pdf_tronque, "PDF tronqué"),
    ("02-gouvernance.pdf", _pdf_chiffre, "02-gouvernance.pdf : PDF protégé par mot de passe"),
    ("02-gouvernance.docx", zip_quelconque, "n'est pas un document Word (contenu : archive ZIP)"),
    ("02-gouvernance.docx", _xlsx_nomme_docx, "n'est pas un document Word (contenu : classeur Excel)"),
    ("02-gouvernance.docx", _pdf_nomme_docx, "contenu incohérent avec l'extension .docx (contenu : PDF)"),
    ("02-gouvernance.docx", _docx_a_completer, "« [À COMPLÉTER : contexte] »"),
    ("02-gouvernance.docx", _docx_entete_jinja, "« {{ porteur.raison_sociale }} »"),
])
def test_fichier_invalide(depot_normandie, nom, fabrique, attendu):
    (depot_normandie / "02-gouvernance.docx").unlink()
    fabrique(depot_normandie / nom)
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    gouvernance = etat(resultat, "gouvernance")
    assert gouvernance.statut == "invalide"
    assert attendu in messages(resultat, "gouvernance")
    assert all(c.niveau == "erreur" for c in gouvernance.problemes)
    assert not resultat.complet


def test_docx_corrompu(depot_normandie):
    chemin = depot_normandie / "02-gouvernance.docx"
    chemin.write_bytes(chemin.read_bytes()[:2000])
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert "document Word corrompu ou illisible" in messages(resultat, "gouvernance")


def test_marqueur_dans_un_classeur(depot_normandie):
    xlsx(depot_normandie / "09-plan-de-financement.xlsx",
         {"Coûts du projet": [["Poste", "Montant"], ["[À COMPLÉTER : poste]", 1000]]})
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert etat(resultat, "plan-de-financement").statut == "invalide"
    assert "1 passage(s) non complété(s)" in messages(resultat, "plan-de-financement")


def test_phase_sans_jalon_du_planning_rendu_est_une_feuille_vide(depot_normandie, tmp_path):
    """The planning written by ``render`` for a project without change-management jalons has the
    title block (Projet, Porteur, Date, Période…), the table header and a marker, but no task: that
    sheet is empty (and the marker is reported), while the two others are filled."""
    import json

    from dossier.model import charger_projet
    from dossier.render.pieces import rendre_dossier

    donnees = json.loads(EXEMPLE.read_text("utf-8"))
    donnees["planning"]["jalons"] = [j for j in donnees["planning"]["jalons"] if j["phase"] != "conduite_changement"]
    chemin = tmp_path / "projet.json"
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), "utf-8")
    rendu = tmp_path / "rendu"
    rendre_dossier(charger_projet(chemin), rendu, selection=["planning"])
    assert sorted(f.name for f in rendu.iterdir()) == [
        "06-planning-projet.xlsx", "07-planning-deploiement.xlsx", "08-planning-conduite.xlsx"]
    for fichier in rendu.iterdir():
        fichier.replace(depot_normandie / fichier.name)
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert statuts(resultat)["planning-conduite"] == "invalide"
    assert "feuille « Conduite du changement » vide" in messages(resultat, "planning-conduite")
    assert "1 passage(s) non complété(s)" in messages(resultat, "planning-conduite")
    for slug, feuille in (("planning-projet", "Projet"), ("planning-deploiement", "Déploiement")):
        assert f"« {feuille} » vide" not in messages(resultat, slug)


def test_feuille_vide_du_planning(depot_normandie):
    """The sheet a planning slot's workbook is expected to hold is checked when present; a user's own
    workbook with other sheet names is taken as it is."""
    xlsx(depot_normandie / "07-planning-deploiement.xlsx", {"Déploiement": [["Tâche", "Début"]],
                                                             "Notes": [["Vague", "Début"], ["1", "2024-01-08"]]})
    xlsx(depot_normandie / "08-planning-conduite.xlsx", {"Feuil1": [["Tâche", "Début"], ["Ateliers", "2024-01-08"]]})
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert statuts(resultat)["planning-projet"] == "present"
    assert statuts(resultat)["planning-deploiement"] == "invalide"
    assert "07-planning-deploiement.xlsx : feuille « Déploiement » vide" in messages(resultat, "planning-deploiement")
    assert statuts(resultat)["planning-conduite"] == "present"


def test_classeur_vide(depot_normandie):
    xlsx(depot_normandie / "09-plan-de-financement.xlsx", {"Coûts du projet": [["Poste", "Montant"]]})
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert "classeur sans aucune donnée" in messages(resultat, "plan-de-financement")


def test_extensions_refusees(depot_cnsa):
    (depot_cnsa / "RIB Association Tilleuls.PDF").unlink()
    (depot_cnsa / "RIB Association Tilleuls.jpeg").write_bytes(b"\xff\xd8\xff\xe0")
    (depot_cnsa / "photo.jpeg").write_bytes(b"\xff\xd8\xff\xe0")
    (depot_cnsa / "Statuts.odt").write_bytes(b"PK\x03\x04")
    resultat = verifier_dossier(depot_cnsa, CNSA)
    assert {n.fichier: n.probleme for n in resultat.non_reconnus} == {
        "RIB Association Tilleuls.jpeg": "extension non acceptée par GALIS (.jpeg) ; couvrirait la pièce « RIB du porteur »",
        "Statuts.odt": "extension non acceptée par GALIS (.odt) ; couvrirait la pièce « Statuts »",
        "photo.jpeg": "extension non acceptée par GALIS (.jpeg)",
    }
    assert etat(resultat, "rib").statut == "invalide" and etat(resultat, "rib").fichiers == ()
    assert etat(resultat, "statuts").statut == "invalide"
    assert not resultat.complet


def test_jpg_accepte_et_controle(depot_cnsa):
    (depot_cnsa / "Statuts.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 16)
    (depot_cnsa / "Journal officiel.gif").write_bytes(b"%PDF-1.4 pas un gif")
    resultat = verifier_dossier(depot_cnsa, CNSA)
    assert etat(resultat, "statuts").statut == "present"
    assert etat(resultat, "publication-jo").statut == "invalide"
    assert resultat.complet  # optional pieces do not decide completeness


def test_lien_casse_illisible(depot_normandie):
    (depot_normandie / "02-gouvernance.docx").unlink()
    (depot_normandie / "02-gouvernance.pdf").symlink_to(depot_normandie / "absent.pdf")
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert etat(resultat, "gouvernance").statut == "invalide"
    assert "02-gouvernance.pdf : fichier illisible" in messages(resultat, "gouvernance")


def test_fichier_sans_piece(depot_normandie):
    pdf(depot_normandie / "scan0001.pdf")
    resultat = verifier_dossier(depot_normandie, NORMANDIE)
    assert [(n.fichier, n.probleme) for n in resultat.non_reconnus] == [
        ("scan0001.pdf", "ne correspond à aucune pièce du profil aap-normandie-2023")]


# --- the project's `pieces` map ------------------------------------------------------------

def test_pieces_nommees_par_le_projet(depot_cnsa, tmp_path):
    (depot_cnsa / "RIB Association Tilleuls.PDF").unlink()
    pdf(depot_cnsa / "scan0001.pdf")
    (tmp_path / "banque").mkdir()
    pdf(tmp_path / "banque" / "releve.pdf")
    projet, dossier_projet = projet_exemple(tmp_path, pieces={
        "rib": "banque/releve.pdf", "statuts": "depot/scan0001.pdf",
        "publication-jo": "absent.pdf", "kbis": "kbis.pdf",
    })
    resultat = verifier_dossier(depot_cnsa, CNSA, projet, dossier_projet)
    assert etat(resultat, "rib").statut == "present"
    assert etat(resultat, "rib").fichiers == ((tmp_path / "banque" / "releve.pdf").resolve(),)
    assert etat(resultat, "statuts").fichiers == (depot_cnsa.resolve() / "scan0001.pdf",)
    assert etat(resultat, "publication-jo").statut == "invalide"
    assert "absent.pdf : fichier indiqué par le projet introuvable" in messages(resultat, "publication-jo")
    assert [n.fichier for n in resultat.non_reconnus] == ["kbis.pdf"]
    assert not resultat.complet  # the porteur is an association: its JO publication is required


# --- pieces to sign (issue 20 item 1, pieces.md revised round 3) ------------------------------------

def _rendre(tmp_path, pieces: str, pdf_aussi: bool = False) -> Path:
    from dossier.model import charger_projet
    from dossier.render.pieces import rendre_dossier

    sortie = tmp_path / "rendu"
    rendre_dossier(charger_projet(EXEMPLE), sortie, selection=pieces.split(","), pdf=pdf_aussi)
    return sortie


def _pdf_avec_texte(chemin: Path, texte: bytes = b"BT /F1 12 Tf 72 720 Td (Attestation) Tj ET") -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    ecrivain = PdfWriter()
    page = ecrivain.add_blank_page(width=595, height=842)
    flux = DecodedStreamObject()
    flux.set_data(texte)
    page[NameObject("/Contents")] = ecrivain._add_object(flux)
    with chemin.open("wb") as f:
        ecrivain.write(f)
    return chemin


def test_piece_generee_non_signee_est_a_signer(tmp_path):
    """Before: the generated attestation was « présente » (docx: an alerte only)."""
    sortie = _rendre(tmp_path, "attestation-mutualisation,note-de-presentation")
    resultat = verifier_dossier(sortie, NORMANDIE, projet_exemple(tmp_path)[0])
    assert statuts(resultat)["attestation-mutualisation"] == "a_signer"
    assert statuts(resultat)["note-de-presentation"] == "present"  # not a piece to sign
    assert "non signé" in messages(resultat, "attestation-mutualisation")
    assert not resultat.complet
    document = resultat.to_json()
    piece = next(p for p in document["pieces"] if p["slug"] == "attestation-mutualisation")
    assert piece["statut"] == "a_signer" and piece["problemes"][0]["niveau"] == "erreur"
    console = Console(record=True, width=200)
    afficher_checklist(resultat, console)
    assert "à signer" in console.export_text()


def test_marques_office_lisibles(tmp_path):
    import zipfile

    sortie = _rendre(tmp_path, "attestation-mutualisation,note-de-presentation")
    with zipfile.ZipFile(sortie / "03-attestation-mutualisation.docx") as z:
        core, app = z.read("docProps/core.xml").decode(), z.read("docProps/app.xml").decode()
    assert "<cp:contentStatus>à signer</cp:contentStatus>" in core and "dossier:" in core
    assert "<Application>dossier</Application>" in app
    with zipfile.ZipFile(sortie / "01-note-de-presentation.docx") as z:
        assert "à signer" not in z.read("docProps/core.xml").decode()
        assert "<Application>dossier</Application>" in z.read("docProps/app.xml").decode()


def test_docx_genere_modifie_n_est_plus_le_fichier_genere(tmp_path):
    from docx import Document

    sortie = _rendre(tmp_path, "attestation-mutualisation")
    chemin = sortie / "03-attestation-mutualisation.docx"
    document = Document(str(chemin))
    document.add_paragraph("Fait à Saint-Lô, signé.")
    document.save(str(chemin))  # python-docx keeps the core properties: the empreinte tells
    resultat = verifier_dossier(sortie, NORMANDIE, projet_exemple(tmp_path)[0])
    assert statuts(resultat)["attestation-mutualisation"] == "present"
    assert "encore au format .docx" in messages(resultat, "attestation-mutualisation")


def test_pdf_marque_a_signer_puis_scan_accepte(tmp_path, depot):
    from dossier.render.marquage import marquer_pdf

    genere = _pdf_avec_texte(depot / "03-attestation-mutualisation.pdf")
    marquer_pdf(genere, a_signer=True)
    resultat = verifier_dossier(depot, NORMANDIE)
    assert statuts(resultat)["attestation-mutualisation"] == "a_signer"
    # the porteur prints, signs, scans: a PDF made otherwise replaces the generated one
    _pdf_avec_texte(depot / "03-attestation-mutualisation.pdf", b"q 595 0 0 842 0 0 cm Q")
    assert statuts(verifier_dossier(depot, NORMANDIE))["attestation-mutualisation"] == "present"


def test_pdf_genere_avec_champ_de_signature_accepte(depot):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    from dossier.render.marquage import marquer_pdf

    chemin = _pdf_avec_texte(depot / "03-attestation-mutualisation.pdf")
    marquer_pdf(chemin, a_signer=True)
    ecrivain = PdfWriter(clone_from=PdfReader(chemin))
    signature = DictionaryObject({NameObject("/Type"): NameObject("/Sig"),
                                  NameObject("/Filter"): NameObject("/Adobe.PPKLite")})
    champ = DictionaryObject({NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject("Signature1"),
                              NameObject("/V"): ecrivain._add_object(signature)})
    ecrivain._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ecrivain._add_object(champ)]),
         NameObject("/SigFlags"): TextStringObject("3")})
    with chemin.open("wb") as f:
        ecrivain.write(f)
    assert statuts(verifier_dossier(depot, NORMANDIE))["attestation-mutualisation"] == "present"


def test_generee_et_scan_dans_le_meme_emplacement(tmp_path):
    sortie = _rendre(tmp_path, "attestation-mutualisation")
    pdf(sortie / "03-attestation-mutualisation.pdf")  # the scan, beside the generated docx
    resultat = verifier_dossier(sortie, NORMANDIE, projet_exemple(tmp_path)[0])
    assert statuts(resultat)["attestation-mutualisation"] == "present"
    assert messages(resultat, "attestation-mutualisation") == ""  # no « encore au format .docx » beside the scan


def test_pdf_genere_avec_signature_dessinee_accepte(depot):
    """A signature drawn on the generated PDF (an annotation) makes it another file than the generated one."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    from dossier.render.marquage import marquer_pdf

    chemin = _pdf_avec_texte(depot / "03-attestation-mutualisation.pdf")
    marquer_pdf(chemin, a_signer=True)
    ecrivain = PdfWriter(clone_from=PdfReader(chemin))
    encre = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Ink"),
                              NameObject("/Rect"): ArrayObject([])})
    ecrivain.pages[0][NameObject("/Annots")] = ArrayObject([ecrivain._add_object(encre)])
    with chemin.open("wb") as f:
        ecrivain.write(f)
    assert statuts(verifier_dossier(depot, NORMANDIE))["attestation-mutualisation"] == "present"


@pytest.mark.slow
def test_pdf_converti_par_render_est_a_signer(tmp_path):
    from pypdf import PdfReader

    sortie = _rendre(tmp_path, "attestation-mutualisation", pdf_aussi=True)
    infos = PdfReader(sortie / "03-attestation-mutualisation.pdf").metadata
    assert infos["/Creator"] == "dossier" and infos["/DossierStatut"] == "à signer"
    (sortie / "03-attestation-mutualisation.docx").unlink()
    resultat = verifier_dossier(sortie, NORMANDIE, projet_exemple(tmp_path)[0])
    assert statuts(resultat)["attestation-mutualisation"] == "a_signer"


def test_lien_vers_un_fichier_special_nomme(depot):
    """Issue 20 item 18. Before: « pièce obligatoire absente » for the RIB."""
    (depot / "09-rib.pdf").symlink_to("/dev/zero")
    resultat = verifier_dossier(depot, CNSA)
    assert statuts(resultat)["rib"] == "invalide"
    assert "09-rib.pdf : lien vers un fichier spécial (/dev/zero, périphérique)" in messages(resultat, "rib")
    assert "absente" not in messages(resultat, "rib")
    assert any("lien vers un fichier spécial" in n.probleme for n in resultat.non_reconnus)


def test_sous_dossier_ni_fichier_non_reconnu(depot):
    """Issue 20 item 17 (make demo): out/fiche, out/usages beside the pieces are not « fichiers non reconnus »."""
    (depot / "fiche").mkdir()
    (depot / "fiche" / "fiche-projet.xlsx").write_bytes(b"x")
    resultat = verifier_dossier(depot, NORMANDIE)
    console = Console(record=True, width=200)
    afficher_checklist(resultat, console)
    texte = console.export_text()
    assert "fichier non reconnu" not in texte and "fiche-projet" not in texte
    assert "sous-dossier(s) ignoré(s) : fiche" in texte
    assert resultat.to_json()["non_reconnus"] == [{"fichier": "fiche", "probleme": "sous-dossier ignoré"}]


def test_convention_a_signer_sans_libelle_contradictoire(tmp_path):
    """Before: the kit-idf-2023 slot read « Convention signée entre les structures parties au projet »
    beside the status « à signer ». The name says what the piece is, « signature requise » what it needs,
    the status what its file is."""
    from dossier.model import charger_projet
    from dossier.render.pieces import rendre_dossier

    depot = tmp_path / "depot"
    rendre_dossier(charger_projet(Path(__file__).resolve().parent.parent / "examples" / "outre-mer-8-essms.json"),
                   depot, selection=["convention"])
    resultat = verifier_dossier(depot, CNSA)
    assert etat(resultat, "convention").statut == "a_signer"
    piece = next(p for p in resultat.to_json()["pieces"] if p["slug"] == "convention")
    assert piece["libelle"] == "Convention entre les structures parties au projet"
    console = Console(record=True, width=250)
    afficher_checklist(resultat, console)
    ligne = next(l for l in console.export_text().splitlines() if "Convention" in l)
    assert "Convention entre les structures parties au projet (signature requise)" in ligne and "à signer" in ligne
    assert "signée" not in console.export_text()
    assert CNSA.source.startswith("ARS Île-de-France, Kit ESMS numérique")  # the profile's source is kept
