"""FINESS completion (admin uploads the extract; changes shown before a new version) and usages."""

import sys

from aides_portail import RACINE, envoi, envoi_json, texte

sys.path.insert(0, str(RACINE / "tests"))


def test_completer_depuis_finess(comptes, client_de, donnees_exemple, tmp_path, django_capture_on_commit_callbacks):
    import extrait_finess

    from dossier.portail.models import Projet

    extrait = extrait_finess.ecrire_extrait(tmp_path)
    admin = client_de(comptes["admin"])
    assert client_de(comptes["porteur"]).post("/administration/finess/").status_code == 403
    r = admin.post("/administration/finess/", {"fichier": envoi(extrait.read_bytes(), extrait.name, "text/csv")})
    assert r.status_code == 302, texte(r)
    # a project whose first ESSMS is the extract's EHPAD, its name left empty
    donnees_exemple["essms"][0]["finess_et"] = extrait_finess.EHPAD
    donnees_exemple["essms"][0]["nom"] = ""
    c = client_de(comptes["porteur"])
    assert c.post("/projets/nouveau/", {"fichier": envoi_json(donnees_exemple)}).status_code == 302
    projet = Projet.objects.get()
    r = c.post(f"/projets/{projet.pk}/finess/")
    assert r.status_code == 200
    page = texte(r)
    assert "EHPAD Les Tilleuls; site nord" in page and "complété" in page
    assert projet.versions.count() == 1  # nothing kept yet
    r = c.post(f"/projets/{projet.pk}/finess/garder/", {"version": "1", "extrait": r.context["extrait"].sha256})
    assert r.status_code == 302
    v2 = projet.versions.get(numero=2)
    assert v2.contenu["essms"][0]["nom"] == "EHPAD Les Tilleuls; site nord"
    assert "complété depuis FINESS" in v2.origine
    # a stale preview is refused
    assert c.post(f"/projets/{projet.pk}/finess/garder/", {"version": "1", "extrait": "x"}).status_code == 409


def test_usages_mesures_et_rapport(projet_porteur, comptes, client_de, django_capture_on_commit_callbacks):
    import io
    import zipfile

    c = client_de(comptes["porteur"])
    mesures = (RACINE / "examples" / "mesures-normandie-2023.csv").read_bytes()
    r = c.post(f"/projets/{projet_porteur.pk}/usages/mesures/", {"fichier": envoi(mesures, "mesures.csv", "text/csv")})
    assert r.status_code == 302
    page = texte(c.get(f"/projets/{projet_porteur.pk}/usages/"))
    assert "EHPAD Les Tilleuls" in page and "Taux par ESSMS" in page
    r = c.get(f"/projets/{projet_porteur.pk}/usages/graphiques/mssante.png")
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG"
    assert c.get(f"/projets/{projet_porteur.pk}/usages/rapport.zip").status_code == 404  # not prepared yet
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/projets/{projet_porteur.pk}/usages/rapport/")
    assert r.status_code == 302
    from dossier.portail.models import Tache

    tache = Tache.objects.get(projet=projet_porteur, genre="usages")
    assert tache.etat == "terminee", tache.raison
    assert "Télécharger le rapport (zip)" in texte(c.get(f"/projets/{projet_porteur.pk}/usages/"))
    r = c.get(f"/projets/{projet_porteur.pk}/usages/rapport.zip")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    noms = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content))).namelist()
    assert any(n.endswith(".docx") for n in noms)
    assert client_de(comptes["porteur2"]).get(f"/projets/{projet_porteur.pk}/usages/graphiques/mssante.png").status_code == 404


def test_administration(comptes, client_de):
    admin = client_de(comptes["admin"])
    assert "Créer un compte" in texte(admin.get("/administration/"))
    r = admin.post("/administration/", {"compte-email": "nouvelle@exemple.fr", "compte-role": "consultant",
                                        "compte-mot_de_passe": "Cheval-Agrafe-Batterie-44"})
    assert r.status_code == 302
    r = admin.post("/administration/", {"compte-email": "nouvelle@exemple.fr", "compte-role": "consultant",
                                        "compte-mot_de_passe": "Cheval-Agrafe-Batterie-44"})
    assert r.status_code == 400 and "existe déjà" in texte(r)
    assert admin.post("/administration/reglages/", {"reglages-conservation_mois": "24"}).status_code == 302
    from dossier.portail.models import Reglages

    assert Reglages.courant().conservation_mois == 24
    assert client_de(comptes["consultant"]).get("/administration/").status_code == 403


def test_desactiver_un_compte(comptes, client_de, client):
    from aides_portail import MOT_DE_PASSE

    admin = client_de(comptes["admin"])
    assert admin.post(f"/administration/comptes/{comptes['porteur2'].pk}/activation/").status_code == 302
    comptes["porteur2"].refresh_from_db()
    assert not comptes["porteur2"].is_active
    r = client.post("/connexion/", {"username": "autre.porteur@exemple.fr", "password": MOT_DE_PASSE})
    assert r.status_code == 200  # refused
    assert admin.post(f"/administration/comptes/{comptes['admin'].pk}/activation/").status_code == 403
    assert client_de(comptes["consultant"]).post(f"/administration/comptes/{comptes['porteur'].pk}/activation/").status_code == 403
