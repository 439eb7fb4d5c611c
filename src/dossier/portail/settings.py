"""Django settings of the portal, from the environment only.

``DOSSIER_DONNEES`` (required): the data folder, holding ``cle-secrete`` (made by
``dossier.portail.donnees.preparer``), ``portail.sqlite3`` and ``fichiers/`` (content by sha256).
``DOSSIER_BASE``: ``postgresql://…`` to use PostgreSQL (psycopg 3) instead of SQLite.
``DOSSIER_HTTPS=1``: the portal is served over HTTPS (behind a reverse proxy setting X-Forwarded-Proto):
Secure cookies, HSTS, redirect to HTTPS (``DOSSIER_REDIRECTION_HTTPS=0`` to leave it to the proxy).
``DOSSIER_HOTES``: allowed host names (comma-separated, default any); ``DOSSIER_ORIGINES``: trusted origins.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

try:
    DONNEES = Path(os.environ["DOSSIER_DONNEES"]).resolve()
except KeyError:
    raise ImproperlyConfigured("DOSSIER_DONNEES (dossier de données du portail) n'est pas défini") from None

BASE_DIR = Path(__file__).resolve().parent
FICHIERS = DONNEES / "fichiers"


def _cle_secrete() -> str:
    chemin = DONNEES / "cle-secrete"
    try:
        cle = chemin.read_text("utf-8").strip()
    except OSError:
        raise ImproperlyConfigured(f"clé secrète absente : {chemin} (lancer « dossier serve » une première fois)") from None
    if len(cle) < 32:
        raise ImproperlyConfigured(f"clé secrète trop courte : {chemin}")
    return cle


SECRET_KEY = _cle_secrete()
DEBUG = os.environ.get("DOSSIER_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DOSSIER_HOTES", "*").split(",") if h.strip()]
HTTPS = os.environ.get("DOSSIER_HTTPS") == "1"
# Behind a reverse proxy: the public origins (https://portail.exemple.fr) that forms are posted from.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DOSSIER_ORIGINES", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "dossier.portail.apps.PortailConfig",
]

MIDDLEWARE = [
    "dossier.portail.intergiciels.TailleMaximale",
    "dossier.portail.intergiciels.ReferenceErreur",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dossier.portail.vues.second_facteur.SecondFacteur",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dossier.portail.urls"
WSGI_APPLICATION = "dossier.portail.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "dossier.portail.droits.contexte",
    ]},
}]


def _base() -> dict:
    url = os.environ.get("DOSSIER_BASE", "")
    if url.startswith(("postgresql://", "postgres://")):
        u = urlsplit(url)
        return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(u.path.lstrip("/")) or "dossier",
                "USER": unquote(u.username or ""), "PASSWORD": unquote(u.password or ""),
                "HOST": u.hostname or "", "PORT": str(u.port or ""), "CONN_MAX_AGE": 60,
                "OPTIONS": {"connect_timeout": 10}}
    if url:
        raise ImproperlyConfigured("DOSSIER_BASE doit être une adresse postgresql://… (vide : SQLite)")
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DONNEES / "portail.sqlite3"),
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"}}


DATABASES = {"default": _base()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if os.environ.get("DOSSIER_TACHES_IMMEDIATES") == "1":  # tests: a job runs inside the request
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
#: Generated pieces come with their PDF (LibreOffice); DOSSIER_PDF=0 makes Word/Excel only (tests).
PORTAIL_PDF = os.environ.get("DOSSIER_PDF", "1") != "0"
#: The worker starts its LibreOffice instances as it starts (DOSSIER_PRECHAUFFAGE=0: on its first job).
PORTAIL_PRECHAUFFAGE = os.environ.get("DOSSIER_PRECHAUFFAGE", "1") != "0"

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portail:connexion"
LOGIN_REDIRECT_URL = "portail:accueil"
LOGOUT_REDIRECT_URL = "portail:connexion"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "portail/bloque.html"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(DONNEES / "static")

# Uploads: nothing kept in memory past 2.5 Mo; the request cap (413) is enforced by TailleMaximale.
TAILLE_MAX_FICHIER = 20 * 1024 * 1024
TAILLE_MAX_REQUETE = TAILLE_MAX_FICHIER + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = None
FILE_UPLOAD_PERMISSIONS = 0o600

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("DOSSIER_REDIRECTION_HTTPS", "1") == "1"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "loggers": {
        "dossier.portail": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
CSRF_FAILURE_VIEW = "dossier.portail.vues.erreurs.csrf_refuse"
