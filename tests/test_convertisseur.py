"""The warm LibreOffice converter: same PDFs as the cold batch, restarted when it dies, stopped at the end."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

import fabrique
from dossier.errors import LibreOfficeIndisponible
from dossier.fiche import charger_projet_ou_fiche
from dossier.render.convertisseur import Convertisseur
from dossier.render.pdf import convertir_en_pdf
from dossier.render.pieces import rendre_dossier

pytestmark = pytest.mark.skipif(subprocess.run(["which", "soffice"], capture_output=True).returncode != 0,
                                reason="LibreOffice (soffice) introuvable")


def _docx(chemin: Path, texte: str) -> Path:
    d = docx.Document()
    d.add_paragraph(texte)
    d.save(chemin)
    return chemin


def _texte(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def assert_memes_pdf(froid: Path, chaud: Path) -> list[str]:
    """The same PDFs in both folders (names, page counts, text), at least ten; their names."""
    froids = sorted(p.name for p in froid.glob("*.pdf"))
    assert froids == sorted(p.name for p in chaud.glob("*.pdf")) and len(froids) >= 10
    for nom in froids:
        assert len(PdfReader(froid / nom).pages) == len(PdfReader(chaud / nom).pages), nom
        assert _texte(froid / nom) == _texte(chaud / nom), nom
    return froids


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def test_sans_module_uno_message_francais(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_PYTHON_UNO", str(tmp_path / "absent"))
    with Convertisseur() as c, pytest.raises(LibreOfficeIndisponible, match="python3-uno"):
        c.convertir_en_pdf([_docx(tmp_path / "a.docx", "bonjour")], tmp_path)


@pytest.mark.slow
def test_redemarre_apres_kill_9_et_s_arrete(tmp_path):
    c = Convertisseur()
    try:
        c.convertir_en_pdf([_docx(tmp_path / "un.docx", "premier document")], tmp_path)
        etat = c.etat()
        assert etat["demarrages"] == 1
        os.kill(etat["pid"], signal.SIGKILL)
        pdfs = c.convertir_en_pdf([_docx(tmp_path / "deux.docx", "deuxième document")], tmp_path)
        assert "deuxième document" in _texte(pdfs[0])
        apres = c.etat()
        assert apres["demarrages"] == 2 and apres["pid"] != etat["pid"]
        profil = Path(c.adresse).parent
        assert profil.is_dir()
    finally:
        c.arreter()
    assert not _vivant(apres["pid"]) and not profil.exists()


@pytest.mark.slow
def test_fichier_illisible_puis_conversion_suivante(tmp_path):
    with Convertisseur() as c:
        faux = tmp_path / "faux.docx"
        faux.write_bytes(b"PK\x03\x04 ceci n'est pas un document")
        with pytest.raises(LibreOfficeIndisponible, match="faux.docx"):
            c.convertir_en_pdf([faux], tmp_path)
        pdfs = c.convertir_en_pdf([_docx(tmp_path / "bon.docx", "après l'échec")], tmp_path)
        assert "après l'échec" in _texte(pdfs[0])


@pytest.mark.slow
def test_delai_depasse_puis_nouveau_libreoffice(tmp_path):
    with Convertisseur(delai=0.001) as c:
        with pytest.raises(LibreOfficeIndisponible, match="ne répond pas"):
            c.convertir_en_pdf([_docx(tmp_path / "lent.docx", "trop lent")], tmp_path)
        c.delai = 120
        pdfs = c.convertir_en_pdf([_docx(tmp_path / "ok.docx", "à temps")], tmp_path)
        assert "à temps" in _texte(pdfs[0])


def _convertir_ailleurs(args) -> str:
    convertisseur, source, dossier = args
    return str(convertisseur.convertir_en_pdf([Path(source)], Path(dossier))[0])


@pytest.mark.slow
def test_copie_dans_un_autre_processus_est_cliente(tmp_path):
    with Convertisseur() as c:
        sources = [_docx(tmp_path / f"p{i}.docx", f"document {i}") for i in range(3)]
        with ProcessPoolExecutor(max_workers=2) as pool:
            pdfs = list(pool.map(_convertir_ailleurs, [(c, s, tmp_path) for s in sources]))
        assert [f"document {i}" in _texte(Path(p)) for i, p in enumerate(pdfs)] == [True] * 3
        assert c.etat()["demarrages"] == 1  # one LibreOffice for the three
        copie = pickle.loads(pickle.dumps(c))
        copie.arreter()  # not the owner: does nothing
        assert c.etat()["demarrages"] == 1


@pytest.mark.slow
def test_memes_pdf_que_la_conversion_a_froid(tmp_path):
    projet = charger_projet_ou_fiche(fabrique.EXEMPLE)
    rendre_dossier(projet, tmp_path / "froid", pdf=True)
    with Convertisseur() as c:  # one instance: the batch path of rendre_dossier (the group pipelines)
        rendre_dossier(projet, tmp_path / "chaud", pdf=True, convertisseur=c)
    assert_memes_pdf(tmp_path / "froid", tmp_path / "chaud")


@pytest.mark.slow
def test_cold_path_unchanged_by_default(tmp_path):
    """``convertir_en_pdf`` (cold batch) still converts on its own, no warm instance involved."""
    pdfs = convertir_en_pdf([_docx(tmp_path / "froid.docx", "à froid")], tmp_path)
    assert "à froid" in _texte(pdfs[0])


def test_dossiers_d_instances_mortes_supprimes_seulement(tmp_path, monkeypatch):
    """A warm instance's folder is removed once its owner is dead, never by age (the cold path's rule)."""
    import tempfile

    from dossier.render import convertisseur as module
    from dossier.render.pdf import nettoyer_profils_perimes

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    mort = subprocess.Popen(["true"])
    mort.wait()
    perime, vivant = tmp_path / f"{module.PREFIXE_INSTANCE}mort", tmp_path / f"{module.PREFIXE_INSTANCE}vivant"
    for dossier, pid in ((perime, mort.pid), (vivant, os.getpid())):
        dossier.mkdir()
        (dossier / module.PROPRIETAIRE).write_text(str(pid))
        os.utime(dossier, (0, 0))  # very old: the cold path's cleanup must still leave it
    nettoyer_profils_perimes(1)
    assert perime.is_dir() and vivant.is_dir()
    module.nettoyer_instances_perimees()
    assert not perime.exists() and vivant.is_dir()
