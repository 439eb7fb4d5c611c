"""« Générer les pièces » with PDF (DOSSIER_PDF=1): the worker's job converts through the warm
LibreOffice instances shared by the worker process, kept running from one job to the next (issue 23
item 8), one per core, converting each piece while the next one is rendered."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.slow


def _generer(c, projet, capture):
    with capture(execute=True):
        assert c.post(f"/projets/{projet.pk}/pieces/generer/").status_code == 302


def test_pdf_par_le_libreoffice_chaud_du_worker(projet_porteur, comptes, client_de, settings, monkeypatch,
                                                django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    from dossier.portail.models import PieceGeneree, Tache
    from dossier.render.conversions import arreter_groupe_partage as arreter_partage, groupe_partage

    settings.PORTAIL_PDF = True
    arreter_partage()
    monkeypatch.setenv("DOSSIER_INSTANCES_LIBREOFFICE", "2")
    partage = groupe_partage()
    assert partage.nombre == 2 and not partage.actif()
    c = client_de(comptes["porteur"])
    try:
        _generer(c, projet_porteur, django_capture_on_commit_callbacks)
        premiere = Tache.objects.filter(projet=projet_porteur).first()
        assert premiere.etat == "terminee", premiere.raison
        assert premiere.parametres == {"pdf": True}
        # the job started the shared instances (still running after the job: warm for the next one)
        assert groupe_partage() is partage and partage.actif()
        pids = [i._pont.pid for i in partage.instances]
        # both instances converted pieces of this job (each knows its LibreOffice pid once it started)
        assert all(e["pid"] for e in partage.etat())
        pdfs = PieceGeneree.objects.filter(tache=premiere, nom__endswith=".pdf")
        assert "01-note-de-presentation.pdf" in {p.nom for p in pdfs}
        offices = PieceGeneree.objects.filter(tache=premiere).exclude(nom__endswith=".pdf")
        assert {p.nom.rsplit(".", 1)[0] for p in pdfs} == {p.nom.rsplit(".", 1)[0] for p in offices}
        note = pdfs.get(nom="01-note-de-presentation.pdf")
        r = c.get(f"/projets/{projet_porteur.pk}/pieces/{note.pk}/")
        assert r["Content-Type"] == "application/pdf"
        lecteur = PdfReader(io.BytesIO(b"".join(r.streaming_content)))
        assert "Bocage" in "".join(page.extract_text() or "" for page in lecteur.pages[:2])
        assert not note.apercu  # the first page's picture is made when first asked for, not by the job
        r = c.get(f"/projets/{projet_porteur.pk}/pieces/{note.pk}/apercu/")
        assert r.status_code == 200 and r["Content-Type"] == "image/png"
        assert b"".join(r.streaming_content).startswith(b"\x89PNG\r\n")
        note.refresh_from_db()
        assert note.apercu  # kept: the next request serves the same picture
        # a second job reuses the same LibreOffice (no new start)
        _generer(c, projet_porteur, django_capture_on_commit_callbacks)
        seconde = Tache.objects.filter(projet=projet_porteur).first()
        assert seconde.pk != premiere.pk and seconde.etat == "terminee", seconde.raison
        assert partage.actif() and [i._pont.pid for i in partage.instances] == pids
        assert PieceGeneree.objects.filter(tache=seconde, nom__endswith=".pdf").count() == pdfs.count()
    finally:
        arreter_partage()


def test_sans_pdf_le_convertisseur_ne_demarre_pas(projet_porteur, comptes, client_de, settings,
                                                  django_capture_on_commit_callbacks):
    """DOSSIER_PDF=0 (test mode): no PDF, and LibreOffice is not started."""
    from dossier.portail.models import PieceGeneree, Tache
    from dossier.render.conversions import arreter_groupe_partage as arreter_partage, groupe_partage

    settings.PORTAIL_PDF = False
    arreter_partage()
    _generer(client_de(comptes["porteur"]), projet_porteur, django_capture_on_commit_callbacks)
    tache = Tache.objects.get(projet=projet_porteur)
    assert tache.etat == "terminee" and tache.parametres == {"pdf": False}
    assert not PieceGeneree.objects.filter(tache=tache, nom__endswith=".pdf").exists()
    assert not groupe_partage().actif()
