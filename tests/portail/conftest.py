"""Portal tests: Django configured on a fresh data folder (SQLite, or PostgreSQL when
DOSSIER_TEST_BASE=postgresql://… is set), jobs run inside the request, no PDF (LibreOffice) by default."""

from __future__ import annotations

import json
import os
import sys
import secrets
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
_DONNEES = Path(tempfile.mkdtemp(prefix="dossier-portail-tests-"))
(_DONNEES / "cle-secrete").write_text(secrets.token_urlsafe(50), "utf-8")
os.environ["DOSSIER_DONNEES"] = str(_DONNEES)
os.environ["DJANGO_SETTINGS_MODULE"] = "dossier.portail.settings"
os.environ.setdefault("DOSSIER_TACHES_IMMEDIATES", "1")
os.environ.setdefault("DOSSIER_PDF", "0")
if os.environ.get("DOSSIER_TEST_BASE"):
    os.environ["DOSSIER_BASE"] = os.environ["DOSSIER_TEST_BASE"]
else:
    os.environ.pop("DOSSIER_BASE", None)

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402

from aides_portail import EXEMPLE, MOT_DE_PASSE, envoi_json  # noqa: E402


@pytest.fixture
def comptes(db, settings):
    """One account per role, plus a second porteur and a relecteur of another région (a fast hasher:
    argon2 takes most of a second per password on a loaded machine; test_portail_comptes checks argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth import get_user_model

    from dossier.portail.comptes import creer_compte

    definitions = {
        "porteur": ("porteur@exemple.fr", "porteur", []),
        "porteur2": ("autre.porteur@exemple.fr", "porteur", []),
        "consultant": ("consultant@exemple.fr", "consultant", []),
        "relecteur": ("relecteur.normandie@exemple.fr", "relecteur", ["Normandie"]),
        "relecteur_bretagne": ("relecteur.bretagne@exemple.fr", "relecteur", ["Bretagne"]),
        "admin": ("admin@exemple.fr", "administrateur", []),
    }
    Utilisateur = get_user_model()
    resultat = {}
    for cle, (email, role, regions) in definitions.items():
        creer_compte(email, role, regions, MOT_DE_PASSE)
        resultat[cle] = Utilisateur.objects.get(username=email)
    return resultat


@pytest.fixture
def client_de(client):
    """``client_de(user)``: a test client logged in as that user (a fresh client each call)."""
    from django.test import Client

    def fabriquer(utilisateur):
        c = Client()
        c.force_login(utilisateur, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return fabriquer


@pytest.fixture
def donnees_exemple() -> dict:
    return json.loads(EXEMPLE.read_text("utf-8"))


@pytest.fixture
def projet_porteur(comptes, donnees_exemple, client_de, django_capture_on_commit_callbacks):
    """A project the porteur created from the reference example (version 1, valid)."""
    from dossier.portail.models import Projet

    c = client_de(comptes["porteur"])
    reponse = c.post("/projets/nouveau/", {"fichier": envoi_json(donnees_exemple)})
    assert reponse.status_code == 302, reponse.content[:500]
    return Projet.objects.get(intitule=donnees_exemple["intitule"])
