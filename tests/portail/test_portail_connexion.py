"""Login: French labels, errors, throttling (django-axes), invitations by one-time link."""

from aides_portail import MOT_DE_PASSE, texte


def test_formulaire_de_connexion(client, db):
    page = texte(client.get("/connexion/"))
    assert '<label for="id_username">Adresse électronique</label>' in page
    assert '<label for="id_password">Mot de passe</label>' in page
    assert "Se connecter" in page


def test_connexion_et_erreur(comptes, client):
    r = client.post("/connexion/", {"username": "Porteur@Exemple.fr", "password": "mauvais"})
    assert r.status_code == 200 and "Adresse électronique ou mot de passe incorrect" in texte(r)
    r = client.post("/connexion/", {"username": "porteur@exemple.fr", "password": MOT_DE_PASSE})
    assert r.status_code == 302 and r["Location"] == "/"


def test_trop_d_essais_bloque(comptes, client):
    for _ in range(5):
        client.post("/connexion/", {"username": "porteur@exemple.fr", "password": "mauvais"})
    r = client.post("/connexion/", {"username": "porteur@exemple.fr", "password": MOT_DE_PASSE})
    assert "temporairement bloquée" in texte(r)


def test_invitation_a_usage_unique(projet_porteur, comptes, client_de, client):
    from dossier.portail.models import Invitation, Membre

    # a porteur may not invite; the consultant member may
    assert client_de(comptes["porteur"]).post(f"/projets/{projet_porteur.pk}/inviter/", {"email": "x@exemple.fr"}).status_code == 403
    Membre.objects.create(projet=projet_porteur, utilisateur=comptes["consultant"], droit="ecriture")
    c = client_de(comptes["consultant"])
    assert c.post(f"/projets/{projet_porteur.pk}/inviter/", {"email": "nouveau@exemple.fr"}).status_code == 302
    inv = Invitation.objects.get(email="nouveau@exemple.fr")
    assert f"/invitation/{inv.jeton}/" in texte(c.get(f"/projets/{projet_porteur.pk}/"))
    r = client.post(f"/invitation/{inv.jeton}/", {"mot_de_passe": "Cheval-Agrafe-Batterie-43"})
    assert r.status_code == 302
    assert Membre.objects.filter(projet=projet_porteur, utilisateur__username="nouveau@exemple.fr").exists()
    assert client.get(f"/projets/{projet_porteur.pk}/").status_code == 200
    assert client.get(f"/invitation/{inv.jeton}/").status_code == 410  # used once


def test_second_facteur_exige_des_relecteurs(projet_porteur, comptes, client_de):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dossier.portail.models import Reglages

    r = Reglages.courant()
    r.exiger_totp = True
    r.save()
    assert client_de(comptes["porteur"]).get("/").status_code == 200  # porteurs are not asked
    c = client_de(comptes["relecteur"])
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/second-facteur/")
    page = texte(c.get("/second-facteur/"))
    assert "Code à 6 chiffres" in page and "clé" in page
    assert c.post("/second-facteur/", {"code": "000000"}).status_code == 400
    appareil = TOTPDevice.objects.get(user=comptes["relecteur"])
    appareil.throttle_reset()  # a failed code delays the next try (django-otp throttling)
    code = f"{totp(appareil.bin_key):06d}"
    r = c.post("/second-facteur/", {"code": code, "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/").status_code == 200
    appareil.refresh_from_db()
    assert appareil.confirmed


def test_administrateur_invite_sans_etre_membre(projet_porteur, comptes, client_de):
    from dossier.portail.models import Invitation

    admin = client_de(comptes["admin"])
    assert admin.post(f"/projets/{projet_porteur.pk}/inviter/", {"email": "ars@exemple.fr", "droit": "lecture"}).status_code == 302
    assert Invitation.objects.get(email="ars@exemple.fr").droit == "lecture"
    # a relecteur reading a transmitted project may not invite
    client_de(comptes["porteur"]).post(f"/projets/{projet_porteur.pk}/transmettre/")
    rel = client_de(comptes["relecteur"])
    assert rel.post(f"/projets/{projet_porteur.pk}/inviter/", {"email": "z@exemple.fr"}).status_code == 403


def test_mot_de_passe_jamais_journalise(comptes, client, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        client.post("/connexion/", {"username": "porteur@exemple.fr", "password": "Secret-Tres-Particulier-9"})
        client.post("/connexion/", {"username": "porteur@exemple.fr", "password": MOT_DE_PASSE})
    assert "Secret-Tres-Particulier-9" not in caplog.text and MOT_DE_PASSE not in caplog.text
