"""Several warm LibreOffice instances converting in parallel, and conversions started while the pieces
are rendered (``render/conversions.py``): same PDFs as the cold batch, every file converted once, a
failure waits for the other conversions and says which file, in French."""

from __future__ import annotations

import pickle
import subprocess
import time
from pathlib import Path

import pytest

import fabrique
from dossier.errors import LibreOfficeIndisponible
from dossier.fiche import charger_projet_ou_fiche
from dossier.render.conversions import GroupeConvertisseurs, instances_par_defaut
from dossier.render.pieces import rendre_dossier
from test_convertisseur import _docx, _texte, assert_memes_pdf

pytestmark = pytest.mark.skipif(subprocess.run(["which", "soffice"], capture_output=True).returncode != 0,
                                reason="LibreOffice (soffice) introuvable")


def test_nombre_d_instances(monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCES_LIBREOFFICE", "3")
    assert instances_par_defaut() == 3 and GroupeConvertisseurs().nombre == 3
    monkeypatch.setenv("DOSSIER_INSTANCES_LIBREOFFICE", "99")
    assert instances_par_defaut() == 8
    monkeypatch.setenv("DOSSIER_INSTANCES_LIBREOFFICE", "0")
    assert instances_par_defaut() == 1
    monkeypatch.setenv("DOSSIER_INSTANCES_LIBREOFFICE", "beaucoup")
    assert 1 <= instances_par_defaut() <= 4


@pytest.mark.slow
def test_conversions_paralleles_dans_l_ordre_et_par_les_deux_instances(tmp_path):
    sources = [_docx(tmp_path / f"piece-{i}.docx", f"document numéro {i}") for i in range(6)]
    with GroupeConvertisseurs(2) as groupe:
        pdfs = groupe.convertir_en_pdf(sources, tmp_path)
        assert [p.name for p in pdfs] == [f"piece-{i}.pdf" for i in range(6)]
        assert [f"document numéro {i}" in _texte(p) for i, p in enumerate(pdfs)] == [True] * 6
        etats = groupe.etat()
        assert len(etats) == 2 and all(e["pid"] for e in etats)  # both LibreOffice instances worked
        assert len({e["pid"] for e in etats}) == 2
        pids = [i._pont.pid for i in groupe.instances]
    assert not any(i.actif() for i in groupe.instances)  # stopped at the end of the block
    assert pids


@pytest.mark.slow
def test_un_echec_attend_les_autres_et_nomme_le_fichier(tmp_path):
    faux = tmp_path / "faux.docx"
    faux.write_bytes(b"PK\x03\x04 ceci n'est pas un document")
    bons = [_docx(tmp_path / f"bon-{i}.docx", f"bon {i}") for i in range(3)]
    with GroupeConvertisseurs(2) as groupe:
        with pytest.raises(LibreOfficeIndisponible, match="faux.docx"):
            groupe.convertir_en_pdf([bons[0], faux, *bons[1:]], tmp_path)
        # every other conversion was finished before the failure was raised (nothing left writing)
        assert all((tmp_path / f"bon-{i}.pdf").stat().st_size > 0 for i in range(3))
        # and the group still converts afterwards
        assert "après" in _texte(groupe.convertir_en_pdf([_docx(tmp_path / "apres.docx", "après")], tmp_path)[0])


@pytest.mark.slow
def test_lot_interrompu_n_ecrit_plus_rien_apres_sa_sortie(tmp_path):
    """An error while rendering (inside the batch) cancels the conversions not started and waits for
    those under way: once the block is left, nothing writes in the folder any more."""
    sources = [_docx(tmp_path / f"p{i}.docx", f"p {i}") for i in range(8)]
    with GroupeConvertisseurs(1) as groupe:
        groupe.demarrer()
        with pytest.raises(RuntimeError, match="rendu interrompu"):
            with groupe.lot(tmp_path) as lot:
                for s in sources:
                    lot.ajouter(s)
                raise RuntimeError("rendu interrompu")
        assert all(f.done() for f in lot.en_cours)
        avant = sorted(p.name for p in tmp_path.glob("*.pdf"))
        time.sleep(1)
        assert sorted(p.name for p in tmp_path.glob("*.pdf")) == avant
        assert len(avant) < len(sources) or all(f.result() for f in lot.en_cours if not f.cancelled())


@pytest.mark.slow
def test_rendu_avec_groupe_memes_pdf_que_a_froid(tmp_path):
    projet = charger_projet_ou_fiche(fabrique.EXEMPLE)
    rendre_dossier(projet, tmp_path / "froid", pdf=True)
    etapes: list[str] = []
    with GroupeConvertisseurs(2) as groupe:
        rendre_dossier(projet, tmp_path / "chaud", pdf=True, convertisseur=groupe, progression=etapes.append)
    froids = assert_memes_pdf(tmp_path / "froid", tmp_path / "chaud")
    assert etapes[-1] == "conversion PDF (LibreOffice)" and len(etapes) == len(froids) + 1
    assert not list((tmp_path / "chaud").glob(".rendu-*"))  # no working folder left


def _convertir_ailleurs(args) -> str:
    groupe, source, dossier = args
    return str(groupe.convertir_en_pdf([Path(source)], Path(dossier))[0])


@pytest.mark.slow
def test_copie_dans_un_autre_processus_cliente_des_memes_instances(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with GroupeConvertisseurs(2) as groupe:
        sources = [_docx(tmp_path / f"c{i}.docx", f"copie {i}") for i in range(4)]
        with ProcessPoolExecutor(max_workers=2) as pool:
            pdfs = list(pool.map(_convertir_ailleurs, [(groupe, s, tmp_path) for s in sources]))
        assert [f"copie {i}" in _texte(Path(p)) for i, p in enumerate(pdfs)] == [True] * 4
        assert [e["demarrages"] for e in groupe.etat()] == [1, 1]  # no other LibreOffice was started
        copie = pickle.loads(pickle.dumps(groupe))
        assert all(i.adresse for i in copie.instances)
