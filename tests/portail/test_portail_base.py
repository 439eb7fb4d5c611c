"""The database the tests run on is the one DOSSIER_TEST_BASE names (PostgreSQL in CI), else SQLite in WAL mode."""

import os

import pytest


@pytest.mark.django_db
def test_base_de_donnees():
    from django.db import connection

    if os.environ.get("DOSSIER_TEST_BASE"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as c:
            c.execute("pragma foreign_keys")
            assert c.fetchone()[0] == 1


def test_reglages_de_securite(settings):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.LANGUAGE_CODE == "fr-fr" and settings.TIME_ZONE == "Europe/Paris"
    assert settings.SESSION_COOKIE_HTTPONLY and settings.X_FRAME_OPTIONS == "DENY"
    assert settings.TASKS["default"]["BACKEND"] in ("django_tasks_db.DatabaseBackend",
                                                    "django_tasks.backends.immediate.ImmediateBackend")
