"""Project page and its rights: member OK, stranger 404, relecteur only after transmission and in
their région, read-only member 403 on changes, GET on a POST view 405 (French pages)."""

import pytest

from aides_portail import envoi_json, texte


def test_membre_voit_son_projet(projet_porteur, comptes, client_de):
    r = client_de(comptes["porteur"]).get(f"/projets/{projet_porteur.pk}/")
    assert r.status_code == 200
    page = texte(r)
    assert "DUI partagé des ESSMS du Bocage normand" in page
    assert "Déposer une version" in page and "Fiche projet ou fichier JSON" in page
    assert "Générer les pièces" in page and "Transmettre pour relecture" in page
    assert "recevable" in page and "Échéance de dépôt" in page


def test_inconnu_404_sans_intitule(projet_porteur, comptes, client_de):
    for cle in ("porteur2", "consultant", "relecteur", "relecteur_bretagne"):
        c = client_de(comptes[cle])
        for url in (f"/projets/{projet_porteur.pk}/", f"/projets/{projet_porteur.pk}/versions/1/",
                    f"/projets/{projet_porteur.pk}/fiche/", f"/projets/{projet_porteur.pk}/usages/"):
            r = c.get(url)
            assert r.status_code == 404, (cle, url)
            assert "Bocage" not in texte(r)
            assert "Page introuvable" in texte(r)


def test_relecteur_apres_transmission(projet_porteur, comptes, client_de):
    porteur = client_de(comptes["porteur"])
    assert porteur.post(f"/projets/{projet_porteur.pk}/transmettre/").status_code == 302
    r = client_de(comptes["relecteur"]).get(f"/projets/{projet_porteur.pk}/")
    assert r.status_code == 200
    page = texte(r)
    assert "lecture seule" in page
    assert 'type="file"' not in page and "Générer les pièces" not in page
    assert client_de(comptes["relecteur_bretagne"]).get(f"/projets/{projet_porteur.pk}/").status_code == 404
    # the relecteur reads but changes nothing
    rel = client_de(comptes["relecteur"])
    r = rel.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi_json({"intitule": "x"})})
    assert r.status_code == 403
    assert "Bocage" not in texte(r)
    assert "transmis le projet pour relecture" in texte(client_de(comptes["porteur"]).get(f"/projets/{projet_porteur.pk}/"))


def test_membre_en_lecture_seule_403(projet_porteur, comptes, client_de):
    from dossier.portail.models import Membre

    Membre.objects.create(projet=projet_porteur, utilisateur=comptes["porteur2"], droit="lecture")
    c = client_de(comptes["porteur2"])
    assert c.get(f"/projets/{projet_porteur.pk}/").status_code == 200
    for url in ("versions/", "transmettre/", "pieces/generer/", "porteur/rib/", "supprimer/", "inviter/"):
        assert c.post(f"/projets/{projet_porteur.pk}/{url}").status_code == 403, url


@pytest.mark.parametrize("url", ["versions/", "transmettre/", "pieces/generer/", "archive/", "exporter/", "supprimer/",
                                 "inviter/", "finess/", "usages/mesures/"])
def test_get_sur_une_vue_post_405(projet_porteur, comptes, client_de, url):
    r = client_de(comptes["porteur"]).get(f"/projets/{projet_porteur.pk}/{url}")
    assert r.status_code == 405
    assert "Méthode non autorisée" in texte(r)
    assert "POST" in r["Allow"]


def test_accueil_liste_mes_projets(projet_porteur, comptes, client_de):
    page = texte(client_de(comptes["porteur"]).get("/"))
    assert "Bocage normand" in page and "Nouveau projet" in page and "Normandie" in page
    assert "Bocage normand" not in texte(client_de(comptes["porteur2"]).get("/"))
    relecteur = texte(client_de(comptes["relecteur"]).get("/"))
    assert "Nouveau projet" not in relecteur and "Bocage normand" not in relecteur
    client_de(comptes["porteur"]).post(f"/projets/{projet_porteur.pk}/transmettre/")
    assert "Bocage normand" in texte(client_de(comptes["relecteur"]).get("/"))
    assert "Bocage normand" not in texte(client_de(comptes["relecteur_bretagne"]).get("/"))


def test_anonyme_renvoye_a_la_connexion(projet_porteur, client):
    r = client.get(f"/projets/{projet_porteur.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/connexion/")


def test_export_et_suppression_journalises(projet_porteur, comptes, client_de):
    import io
    import zipfile

    from dossier.portail.models import Journal, Projet

    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/exporter/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    noms = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).namelist()
    assert "versions/001.json" in noms and "projet.json" in noms
    assert Journal.objects.filter(projet=projet_porteur, action="export").exists()
    assert c.post(f"/projets/{projet_porteur.pk}/supprimer/", {"confirmation": "non"}).status_code == 400
    assert c.post(f"/projets/{projet_porteur.pk}/supprimer/", {"confirmation": "supprimer"}).status_code == 302
    assert not Projet.objects.filter(pk=projet_porteur.pk).exists()
    # the project's journal goes with it (personal data); only the deletion itself is kept
    assert list(Journal.objects.values_list("action", flat=True)) == ["suppression"]
    assert Journal.objects.get().email == "porteur@exemple.fr"


def test_accueil_sans_resume_de_version(projet_porteur, comptes, client_de):
    """The home page reads the portfolio's rows: the upload no longer computes a summary for it (8 ms of
    CPU per upload; before, ``resume`` was filled and read by nothing)."""
    v = projet_porteur.version_courante()
    assert v.resume == {}
    page = texte(client_de(comptes["porteur"]).get("/"))
    assert "15/09/2023" in page and "recevable" in page
