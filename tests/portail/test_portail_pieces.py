"""Pièces générées (job, progress, names, download), pièces du porteur, checklist and deposit archive."""

import io
import zipfile

from aides_portail import envoi, envoi_json, texte

PDF_MINIMAL = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    tampon = io.BytesIO()
    w.write(tampon)
    return tampon.getvalue()


def _generer(c, projet, capture):
    with capture(execute=True):
        r = c.post(f"/projets/{projet.pk}/pieces/generer/")
    assert r.status_code == 302


def test_generer_les_pieces(projet_porteur, comptes, client_de, django_capture_on_commit_callbacks):
    from dossier.portail.models import PieceGeneree, Tache

    c = client_de(comptes["porteur"])
    _generer(c, projet_porteur, django_capture_on_commit_callbacks)
    tache = Tache.objects.get(projet=projet_porteur)
    assert tache.etat == "terminee", tache.raison
    assert all(e["etat"] == "fait" for e in tache.progression)
    noms = list(PieceGeneree.objects.filter(projet=projet_porteur).values_list("nom", flat=True))
    assert "01-note-de-presentation.docx" in noms
    page = texte(c.get(f"/projets/{projet_porteur.pk}/"))
    assert "01-note-de-presentation.docx" in page
    piece = PieceGeneree.objects.get(projet=projet_porteur, nom="01-note-de-presentation.docx")
    r = c.get(f"/projets/{projet_porteur.pk}/pieces/{piece.pk}/")
    assert r["Content-Disposition"] == 'attachment; filename="01-note-de-presentation.docx"'
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    from docx import Document

    texte_docx = "\n".join(p.text for p in Document(io.BytesIO(b"".join(r.streaming_content))).paragraphs)
    assert "Bocage" in texte_docx
    # progress partial (htmx) and a stranger gets 404 on the file
    assert "Terminée" in texte(c.get(f"/projets/{projet_porteur.pk}/pieces/progression/", HTTP_HX_REQUEST="true"))
    assert client_de(comptes["porteur2"]).get(f"/projets/{projet_porteur.pk}/pieces/{piece.pk}/").status_code == 404


def test_generer_par_htmx_rend_la_progression(projet_porteur, comptes, client_de, django_capture_on_commit_callbacks):
    """Regression: the htmx POST answered 405 (it called the GET-only progress view)."""
    c = client_de(comptes["porteur"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/projets/{projet_porteur.pk}/pieces/generer/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert 'id="progression"' in texte(r)


def test_tache_interrompue_reprise_puis_echouee(projet_porteur, comptes):
    from dossier.portail.models import Tache
    from dossier.portail.taches import TENTATIVES_MAX, reprendre_interrompues

    t = Tache.objects.create(projet=projet_porteur, version=projet_porteur.version_courante(), genre="pieces",
                             etat="en_cours", tentatives=TENTATIVES_MAX)
    assert reprendre_interrompues() == 1
    t.refresh_from_db()
    assert t.etat == "echouee" and "interrompue" in t.raison


def test_archive_refusee_puis_forcee(projet_porteur, comptes, client_de, django_capture_on_commit_callbacks,
                                     donnees_exemple):
    from dossier.portail.models import Journal, Membre

    c = client_de(comptes["porteur"])
    donnees_exemple["depot"]["profil"] = "cnsa-2023"  # the national list asks for RIB, statuts, JO
    assert c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi_json(donnees_exemple)}).status_code == 302
    _generer(c, projet_porteur, django_capture_on_commit_callbacks)
    r = c.post(f"/projets/{projet_porteur.pk}/archive/")
    assert r.status_code == 409
    assert "Archive de dépôt refusée" in texte(r) and "manquante" in texte(r)
    assert "Forcer" not in texte(r)  # a porteur may not force
    # the porteur uploads a RIB: its slot is filled
    r = c.post(f"/projets/{projet_porteur.pk}/porteur/rib/", {"fichier": envoi(_pdf(), "RIB banque.pdf", "application/pdf")})
    assert r.status_code == 302
    page = texte(c.get(f"/projets/{projet_porteur.pk}/"))
    assert "RIB banque.pdf" in page
    # a consultant member forces the archive: journaled, the zip holds the pieces
    Membre.objects.create(projet=projet_porteur, utilisateur=comptes["consultant"], droit="ecriture")
    cons = client_de(comptes["consultant"])
    r = cons.post(f"/projets/{projet_porteur.pk}/archive/", {"forcer": "1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    noms = z.namelist()
    assert any("rib" in n.lower() for n in noms), noms
    assert any("note-de-presentation" in n for n in noms)
    assert Journal.objects.filter(projet=projet_porteur, action="archive_forcee").exists()


def test_piece_du_porteur_refusee(projet_porteur, comptes, client_de):
    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/porteur/lettre-engagement/", {"fichier": envoi(b"MZ\x90\x00", "lettre.exe")})
    assert r.status_code == 400 and "format non accepté" in texte(r)
    assert c.post(f"/projets/{projet_porteur.pk}/porteur/inconnue/", {}).status_code == 404


def test_conservation_supprime_les_projets_expires(projet_porteur, comptes):
    import datetime as dt
    import os
    import time

    from django.utils import timezone

    from dossier.portail import stockage
    from dossier.portail.conservation import purger
    from dossier.portail.models import Journal, Projet

    sha = projet_porteur.version_courante().sha256
    assert purger() == (0, 0)
    os.utime(stockage.chemin(sha), (time.time() - 3 * 86400,) * 2)
    plus_tard = timezone.now() + dt.timedelta(days=40 * 31)
    assert purger(plus_tard) == (1, 1)
    assert not Projet.objects.exists()
    assert not stockage.chemin(sha).exists()
    assert Journal.objects.filter(action="suppression", detail__contains="durée de conservation").exists()


def test_commande_purger_conservation(db):
    from io import StringIO

    from django.core.management import call_command

    sortie = StringIO()
    call_command("purger_conservation", stdout=sortie)
    assert "projet(s) supprimé(s)" in sortie.getvalue()


def test_piece_deposee_par_htmx_rend_la_checklist(projet_porteur, comptes, client_de):
    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/porteur/lettre-engagement/",
               {"fichier": envoi(_pdf(), "lettre signée.pdf", "application/pdf")}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    page = texte(r)
    assert page.lstrip().startswith("<section id=\"pieces-porteur\"") or 'id="pieces-porteur"' in page[:200]
    assert "lettre signée.pdf" in page and "Checklist du dossier de dépôt" in page


def test_archive_refusee_si_les_pieces_datent_d_une_autre_version(projet_porteur, comptes, client_de,
                                                                    django_capture_on_commit_callbacks, donnees_exemple):
    c = client_de(comptes["porteur"])
    _generer(c, projet_porteur, django_capture_on_commit_callbacks)
    donnees_exemple["intitule"] = "Nouvel intitulé"
    assert c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi_json(donnees_exemple)}).status_code == 302
    assert "générées à partir de la version 1" in texte(c.get(f"/projets/{projet_porteur.pk}/"))
    r = c.post(f"/projets/{projet_porteur.pk}/archive/")
    assert r.status_code == 409 and "datent de la version 1" in texte(r)


def test_statut_a_signer_en_francais():
    """The checklist's « à signer » status (generated piece not signed yet) reads in French on the page,
    not as its code ``a_signer``."""
    from dossier.portail.templatetags.francais import statut

    assert statut("a_signer") == "à signer"


def test_serve_applique_la_duree_de_conservation(projet_porteur, comptes, monkeypatch):
    """``dossier serve`` applies the retention period at start and once a day (its supervisor calls
    ``purger_conservation``): an expired project is deleted and the deletion said on the terminal."""
    import datetime as dt

    from django.utils import timezone

    from dossier.portail import conservation, serveur
    from dossier.portail.models import Projet

    plus_tard = timezone.now() + dt.timedelta(days=40 * 31)
    original = conservation.purger
    monkeypatch.setattr(conservation, "purger", lambda: original(plus_tard))
    messages = []
    serveur.purger_conservation(messages.append)
    assert not Projet.objects.exists()
    assert messages and "1 projet(s)" in messages[0], messages


def test_convention_a_signer_meme_libelle_que_la_checklist(projet_porteur, comptes, client_de,
                                                          django_capture_on_commit_callbacks, donnees_exemple):
    """Before: « Convention signée entre les structures parties au projet (signée) » beside « à signer ».
    The « Pièces du porteur » section shows the checklist's wording: the name, « (signature requise) »,
    and the status of the file."""
    import re

    from dossier.checklist import MENTION_SIGNATURE

    c = client_de(comptes["porteur"])
    donnees_exemple["depot"]["profil"] = "kit-idf-2023"
    assert c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi_json(donnees_exemple)}).status_code == 302
    _generer(c, projet_porteur, django_capture_on_commit_callbacks)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", texte(c.get(f"/projets/{projet_porteur.pk}/"))))
    attendu = f"Convention entre les structures parties au projet ({MENTION_SIGNATURE})"
    assert f"{attendu} à signer" in page, page  # the slot: name, then its state
    assert f"{attendu} : à signer" in page  # the checklist below it
    assert "signée entre" not in page and "(signée)" not in page
