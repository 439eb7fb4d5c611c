"""bundle: the reproducible deposit archive, its manifest, its refusals and its atomic writing."""

import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from checklist_fixtures import docx, pdf, pieces_generees, projet_exemple
from dossier.bundle import DossierIncomplet, construire_archive
from dossier.errors import DossierError, SortieExistante
from dossier.profiles import charger_profil

EXEMPLE_CNSA = Path(__file__).resolve().parent.parent / "examples" / "outre-mer-8-essms.json"

CNSA = charger_profil("cnsa-2023")
NORMANDIE = charger_profil("normandie-2023")


@pytest.fixture
def depot(tmp_path) -> Path:
    dossier = tmp_path / "depot"
    dossier.mkdir()
    pieces_generees(dossier, NORMANDIE)
    return dossier


@pytest.fixture
def projet(tmp_path):
    return projet_exemple(tmp_path)


@pytest.fixture
def sorties(tmp_path) -> Path:
    dossier = tmp_path / "sorties"
    dossier.mkdir()
    return dossier


def manifeste(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as z:
        return json.loads(z.read("manifest.json"))


def noms(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as z:
        return z.namelist()


def test_archive_complete(depot, projet, sorties):
    info = construire_archive(depot, sorties / "depot.zip", NORMANDIE, *projet)
    assert noms(info.chemin) == [
        "00-bordereau.txt", "01-note-de-presentation.docx", "02-gouvernance.docx",
        "03-attestation-mutualisation.docx", "04-strategie-deploiement.docx",
        "05-conduite-du-changement.docx", "06-planning-projet.xlsx", "07-planning-deploiement.xlsx",
        "08-planning-conduite.xlsx", "09-plan-de-financement.xlsx",
        "10-lettre-engagement.docx", "11-declaration-heures-saad.xlsx",
        "14-plan-implantation-materiel.xlsx", "manifest.json",
    ]
    document = manifeste(info.chemin)
    assert document["profil"] == "aap-normandie-2023" and "controles_en_echec" not in document
    pieces = document["pieces"]
    assert [p["slug"] for p in pieces[5:8]] == ["planning-projet", "planning-deploiement", "planning-conduite"]
    assert [p["fichier"] for p in pieces[5:8]] == ["06-planning-projet.xlsx", "07-planning-deploiement.xlsx",
                                                 "08-planning-conduite.xlsx"]
    gouvernance = next(p for p in pieces if p["slug"] == "gouvernance")
    contenu = (depot / "02-gouvernance.docx").read_bytes()
    assert gouvernance == {
        "slug": "gouvernance", "libelle": "Gouvernance du projet", "fichier": "02-gouvernance.docx",
        "nom_original": "02-gouvernance.docx", "taille": len(contenu),
        "sha256": hashlib.sha256(contenu).hexdigest(),
    }
    assert info.sha256 == hashlib.sha256(info.chemin.read_bytes()).hexdigest()


def test_entrees_zip_deterministes(depot, sorties):
    info = construire_archive(depot, sorties / "depot.zip", NORMANDIE)
    with zipfile.ZipFile(info.chemin) as z:
        for entree in z.infolist():
            assert entree.date_time == (1980, 1, 1, 0, 0, 0)
            assert entree.compress_type == zipfile.ZIP_DEFLATED
            assert entree.external_attr == 0o100644 << 16


def test_deux_executions_identiques(depot, projet, sorties):
    premiere = construire_archive(depot, sorties / "a.zip", NORMANDIE, *projet)
    for fichier in depot.iterdir():
        os.utime(fichier, (1_700_000_000, 1_700_000_000))
    seconde = construire_archive(depot, sorties / "b.zip", NORMANDIE, *projet)
    assert premiere.sha256 == seconde.sha256
    assert premiere.chemin.read_bytes() == seconde.chemin.read_bytes()


def test_bordereau_lisible(depot, projet, sorties):
    info = construire_archive(depot, sorties / "depot.zip", NORMANDIE, *projet)
    with zipfile.ZipFile(info.chemin) as z:
        texte = z.read("00-bordereau.txt").decode("utf-8")
    assert "Projet : DUI partagé des ESSMS du Bocage normand" in texte
    assert "02. Gouvernance du projet\n    02-gouvernance.docx (original : 02-gouvernance.docx" in texte
    assert "13. Étude de couverture des besoins du DUI par un DPI\n    non requise" in texte


def test_refus_si_incomplet_rien_n_est_ecrit(depot, sorties):
    (depot / "02-gouvernance.docx").unlink()
    with pytest.raises(DossierIncomplet) as exc:
        construire_archive(depot, sorties / "depot.zip", NORMANDIE)
    assert "Gouvernance du projet : pièce obligatoire absente" in exc.value.message
    assert "gouvernance :" not in exc.value.message  # pieces named in French, not by their ids
    assert exc.value.exit_code == 2
    assert list(sorties.iterdir()) == []


def test_force_enregistre_les_controles_en_echec(depot, sorties):
    (depot / "02-gouvernance.docx").unlink()
    docx(depot / "04-strategie-deploiement.docx", "[À COMPLÉTER : stratégie]")
    with pytest.raises(DossierIncomplet, match="--incomplet"):
        construire_archive(depot, sorties / "depot.zip", NORMANDIE, force=True)  # --force only replaces
    info = construire_archive(depot, sorties / "depot.zip", NORMANDIE, incomplet=True)
    assert "04-strategie-deploiement.docx" in noms(info.chemin)
    assert manifeste(info.chemin)["incomplet"] is True
    echecs = {c["slug"]: c for c in manifeste(info.chemin)["controles_en_echec"]}
    assert echecs["gouvernance"] == {"slug": "gouvernance", "statut": "manquant", "requis": True,
                                     "problemes": ["pièce obligatoire absente"], "dans_archive": False}
    assert echecs["strategie-deploiement"]["dans_archive"] is True


def test_piece_facultative_invalide_ecartee(depot, sorties):
    (depot / "autres-autodiagnostic.pdf").write_bytes(b"")
    info = construire_archive(depot, sorties / "depot.zip", NORMANDIE)
    assert not any("autres" in n for n in noms(info.chemin))
    assert manifeste(info.chemin)["controles_en_echec"] == [{
        "slug": "autres", "statut": "invalide", "requis": False,
        "problemes": ["autres-autodiagnostic.pdf : fichier vide"], "dans_archive": False}]


def test_un_seul_fichier_par_piece_et_rib(tmp_path, sorties):
    depot = tmp_path / "cnsa"
    depot.mkdir()
    pieces_generees(depot, CNSA)
    (depot / "04-lettre-engagement.docx").unlink()
    pdf(depot / "Lettre d'engagement CCAS.pdf")
    pdf(depot / "Lettre d'engagement Tilleuls.pdf")
    pdf(depot / "RIB Association Tilleuls.PDF")
    info = construire_archive(depot, sorties / "depot.zip", CNSA)
    assert {"04-lettre-engagement.pdf", "09-rib.pdf"} <= set(noms(info.chemin))
    assert not any(re.search(r"-\d\.", n) for n in noms(info.chemin))  # one name rule: NN-slug.ext
    rib = next(p for p in manifeste(info.chemin)["pieces"] if p["slug"] == "rib")
    assert rib["nom_original"] == "RIB Association Tilleuls.PDF"


def test_archive_existante_refusee_sans_force(depot, sorties):
    sortie = sorties / "depot.zip"
    sortie.write_bytes(b"ancienne")
    with pytest.raises(SortieExistante, match="existe déjà"):
        construire_archive(depot, sortie, NORMANDIE)
    assert sortie.read_bytes() == b"ancienne"
    construire_archive(depot, sortie, NORMANDIE, force=True)
    assert zipfile.is_zipfile(sortie)


def _echec(*args, **kwargs):
    raise OSError(28, "disque plein")


def _ecriture_interrompue(source, dest, taille=0):
    dest.write(source.read(100))
    raise OSError(28, "disque plein")


@pytest.mark.parametrize("cible, remplacement", [
    ("zipfile.ZipFile.writestr", _echec),
    ("shutil.copyfileobj", _ecriture_interrompue),
    ("os.replace", _echec),
])
def test_echec_pendant_l_ecriture_ne_laisse_rien(depot, sorties, monkeypatch, cible, remplacement):
    monkeypatch.setattr(cible, remplacement)
    with pytest.raises((OSError, DossierError), match="disque plein|plus d.espace disponible sur le disque"):
        construire_archive(depot, sorties / "depot.zip", NORMANDIE)
    assert list(sorties.iterdir()) == []


def test_echec_en_remplacant_conserve_l_ancienne_archive(depot, sorties, monkeypatch):
    sortie = sorties / "depot.zip"
    sortie.write_bytes(b"ancienne")
    monkeypatch.setattr("shutil.copyfileobj", _ecriture_interrompue)
    with pytest.raises(DossierError, match="écriture impossible"):
        construire_archive(depot, sortie, NORMANDIE, force=True)
    assert [p.name for p in sorties.iterdir()] == ["depot.zip"]
    assert sortie.read_bytes() == b"ancienne"


# --------------------------------------------------------------------------- hostile outputs and inputs

def lancer(capsys, *args) -> tuple[int, str]:
    from dossier.cli import main

    code = main([str(a) for a in args])
    sortie = capsys.readouterr()
    return code, " ".join((sortie.out + sortie.err).split())


def test_sortie_piece_ou_projet_refusee_meme_avec_force(depot, projet, capsys, tmp_path):
    piece = depot / "01-note-de-presentation.docx"
    avant = piece.read_bytes()
    code, texte = lancer(capsys, "bundle", depot, "-o", piece, "--force")
    assert code == 2 and "est une pièce du dossier de dépôt" in texte
    code, texte = lancer(capsys, "bundle", depot, "-o", depot / "depot.zip")  # would be read as a piece
    assert code == 2 and "est dans le dossier de dépôt" in texte
    assert piece.read_bytes() == avant and not (depot / "depot.zip").exists()
    from fabrique import EXEMPLE

    copie = tmp_path / "exemple.json"
    copie.write_bytes(EXEMPLE.read_bytes())
    code, texte = lancer(capsys, "bundle", depot, "-o", copie, "--projet", copie, "--force", "--incomplet")
    assert code == 2 and "est le fichier projet" in texte
    assert copie.read_bytes() == EXEMPLE.read_bytes()


@pytest.mark.parametrize("sortie", ["/dev/null", "/dev/full"])
def test_sortie_non_ordinaire_refusee(depot, capsys, sortie):
    code, texte = lancer(capsys, "bundle", depot, "-o", sortie, "--force")
    assert code == 2 and "n'est pas un fichier ordinaire" in texte


def test_force_et_incomplet_separes_en_cli(depot, sorties, capsys):
    (depot / "02-gouvernance.docx").unlink()
    code, texte = lancer(capsys, "bundle", depot, "-o", sorties / "a.zip", "--force")
    assert code == 2 and "--incomplet" in texte and not (sorties / "a.zip").exists()
    code, texte = lancer(capsys, "bundle", depot, "-o", sorties / "a.zip", "--incomplet")
    assert code == 0 and manifeste(sorties / "a.zip")["incomplet"] is True
    code, texte = lancer(capsys, "bundle", depot, "-o", sorties / "a.zip", "--incomplet")
    assert code == 2 and "existe déjà" in texte


def test_format_pdf_office_les_deux(depot, sorties):
    pdf(depot / "01-note-de-presentation.pdf")
    nom = "01-note-de-presentation"
    par_defaut = noms(construire_archive(depot, sorties / "a.zip", NORMANDIE).chemin)
    assert f"{nom}.pdf" in par_defaut and f"{nom}.docx" not in par_defaut
    office = noms(construire_archive(depot, sorties / "b.zip", NORMANDIE, format="office").chemin)
    assert f"{nom}.docx" in office and f"{nom}.pdf" not in office
    deux = noms(construire_archive(depot, sorties / "c.zip", NORMANDIE, format="les-deux").chemin)
    assert {f"{nom}.docx", f"{nom}.pdf"} <= set(deux)
    assert "02-gouvernance.docx" in deux  # a slot without PDF keeps its office file


def test_fifo_lien_externe_et_fichier_trop_gros(depot, sorties, tmp_path):
    os.mkfifo(depot / "autres-tube.pdf")
    externe = tmp_path / "secret.pdf"
    pdf(externe)
    (depot / "autres-lien.pdf").symlink_to(externe)
    with (depot / "10-lettre-engagement.pdf").open("wb") as f:
        f.truncate(2 * 1024 ** 3)  # 2 Go, sparse
    info = construire_archive(depot, sorties / "depot.zip", NORMANDIE, incomplet=True)
    resultat = {e.piece.slug: e for e in info.resultat.pieces}
    messages = [c.message for c in resultat["lettre-engagement"].problemes]
    assert any("10-lettre-engagement.pdf : fichier trop volumineux (2 Go ; limite 20 Mo)" in m for m in messages)
    refuses = {n.fichier: n.probleme for n in info.resultat.non_reconnus}
    assert "lien symbolique vers l'extérieur du dossier" in refuses["autres-lien.pdf"]
    assert not any("autres" in n for n in noms(info.chemin))
    assert "10-lettre-engagement.docx" in noms(info.chemin)  # the readable file of the slot
    assert any("autres-tube.pdf : pas un fichier ordinaire (tube nommé (FIFO))" in c.message
               for c in resultat["autres"].problemes)


def test_fichiers_lus_par_blocs(depot, sorties):
    import tracemalloc

    gros = depot / "autres-annexe.pdf"
    with gros.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.write(os.urandom(15 * 1024 * 1024))
        f.write(b"\n%%EOF\n")
    tracemalloc.start()
    try:
        from dossier.lecture import empreinte

        taille, somme = empreinte(gros, 20 * 1024 * 1024)
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert taille == gros.stat().st_size and somme == hashlib.sha256(gros.read_bytes()).hexdigest()
    assert pic < 4 * 1024 * 1024


def _bordereau(archive: Path) -> str:
    with zipfile.ZipFile(archive) as z:
        return z.read("00-bordereau.txt").decode("utf-8")


def test_convention_generee_non_signee_n_est_pas_dite_signee(tmp_path, sorties):
    """Before: the tool's own convention was archived and listed as « Convention signée »."""
    from dossier.model import charger_projet
    from dossier.render.pieces import rendre_dossier

    depot = tmp_path / "cnsa"
    depot.mkdir()
    pieces_generees(depot, CNSA)
    rendre_dossier(charger_projet(EXEMPLE_CNSA), depot, selection=["convention"], force=True)
    pdf(depot / "09-rib.pdf")
    with pytest.raises(DossierIncomplet) as exc:
        construire_archive(depot, sorties / "refus.zip", CNSA)
    assert "Convention entre les structures parties au projet : fichier généré par dossier, non signé" \
        in exc.value.message and "signée" not in exc.value.message
    construire_archive(depot, sorties / "incomplet.zip", CNSA, incomplet=True)
    texte = _bordereau(sorties / "incomplet.zip")
    assert "Convention entre les structures parties au projet — À SIGNER" in texte
    assert "Convention signée" not in texte and "— signée" not in texte
    # the signed scan replaces the generated convention
    (depot / "03-convention.docx").unlink()
    pdf(depot / "03-convention.pdf")
    construire_archive(depot, sorties / "signe.zip", CNSA, incomplet=True)
    texte = _bordereau(sorties / "signe.zip")
    assert "Convention entre les structures parties au projet — signée" in texte


def test_bundle_nomme_le_lien_vers_un_fichier_special(tmp_path, sorties):
    """Issue 20 items 17 and 18: the refusal names the piece in French and the link's reason."""
    depot = tmp_path / "cnsa"
    depot.mkdir()
    pieces_generees(depot, CNSA)
    (depot / "09-rib.pdf").symlink_to("/dev/zero")
    with pytest.raises(DossierIncomplet) as exc:
        construire_archive(depot, sorties / "d.zip", CNSA)
    assert "RIB du porteur : 09-rib.pdf : lien vers un fichier spécial (/dev/zero" in exc.value.message
    assert "pièce obligatoire absente" not in exc.value.message and not (sorties / "d.zip").exists()
