"""Security of the portal: headers, CSRF, request-size cap (413 in French), error pages with a reference."""

import logging
import re

from aides_portail import envoi, texte


def test_entetes_de_securite(comptes, client_de):
    r = client_de(comptes["porteur"]).get("/")
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in texte(r) and "onclick" not in texte(r)


def test_cookies_httponly_samesite(comptes, client):
    from aides_portail import MOT_DE_PASSE

    r = client.post("/connexion/", {"username": "porteur@exemple.fr", "password": MOT_DE_PASSE})
    assert r.status_code == 302
    session = r.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_post_sans_jeton_csrf_refuse(projet_porteur, comptes):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(comptes["porteur"], backend="django.contrib.auth.backends.ModelBackend")
    r = c.post(f"/projets/{projet_porteur.pk}/transmettre/")
    assert r.status_code == 403
    assert "formulaire a expiré" in texte(r)
    assert not projet_porteur.transmissions.exists()


def test_envoi_trop_gros_413_en_francais(projet_porteur, comptes, client_de):
    c = client_de(comptes["porteur"])
    gros = envoi(b"0" * (22 * 1024 * 1024), "gros.json")
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": gros})
    assert r.status_code == 413
    assert "Fichier trop volumineux" in texte(r) and "20 Mo" in texte(r)
    assert projet_porteur.versions.count() == 1


def test_erreur_500_avec_reference_sans_trace(projet_porteur, comptes, client_de, monkeypatch, caplog):
    from dossier import api

    def panne(*args, **kwargs):
        raise RuntimeError("secret interne")

    monkeypatch.setattr(api, "etat_projet", panne)
    with caplog.at_level(logging.ERROR, logger="dossier.portail"):
        r = client_de(comptes["porteur"]).get(f"/projets/{projet_porteur.pk}/")
    assert r.status_code == 500
    page = texte(r)
    assert "Erreur du serveur" in page and "secret interne" not in page and "Traceback" not in page
    reference = re.search(r"référence : <strong>([0-9A-F]{8})</strong>", page).group(1)
    assert any(reference in m for m in caplog.messages)


def test_page_404_en_francais(comptes, client_de):
    r = client_de(comptes["porteur"]).get("/nulle-part/")
    assert r.status_code == 404 and "Page introuvable" in texte(r)


def test_pages_publiques(client):
    assert "Données personnelles" in texte(client.get("/donnees-personnelles/"))
    assert "Déclaration d'accessibilité" in texte(client.get("/accessibilite/"))
    assert client.get("/static/portail/htmx.min.js").status_code == 200
    assert client.get("/static/../settings.py").status_code == 404


def test_envoi_sans_longueur_annoncee_refuse(projet_porteur, comptes, client_de):
    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi(b"{}", "p.json")},
               HTTP_TRANSFER_ENCODING="chunked")
    assert r.status_code == 411 and "taille de la requête" in texte(r)


def test_page_d_erreur_porte_une_reference_journalisee(projet_porteur, comptes, client_de, caplog):
    with caplog.at_level(logging.WARNING, logger="dossier.portail"):
        r = client_de(comptes["porteur2"]).get(f"/projets/{projet_porteur.pk}/")
    reference = re.search(r"référence ([0-9A-F]{8})", texte(r)).group(1)
    assert any(reference in m and "404" in m for m in caplog.messages)
