"""Accounts: made by the administrator (``dossier comptes creer``) or through an invitation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation

from ..errors import DossierError
from ..identifiers import REGIONS
from .models import ROLES, Profil

ROLES_VALIDES = [r for r, _ in ROLES]


class CompteInvalide(DossierError):
    """A French message: bad role, région, email, password, or an account that exists already."""


def normaliser_email(email: str) -> str:
    return (email or "").strip().lower()


def _region(nom: str) -> str:
    """The région's official name, whatever the case; CompteInvalide when unknown."""
    for r in REGIONS:
        if r.casefold() == nom.strip().casefold():
            return r
    raise CompteInvalide(f"région inconnue : « {nom} » (régions : {', '.join(REGIONS)})")


def creer_compte(email: str, role: str, regions: list[str], mot_de_passe: str) -> None:
    """Create an account; raise CompteInvalide (French message) on a bad role, région, email, password
    or when the address has an account already."""
    email = normaliser_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise CompteInvalide(f"adresse électronique invalide : « {email} »") from None
    if role not in ROLES_VALIDES:
        raise CompteInvalide(f"rôle inconnu : « {role} » (rôles : {', '.join(ROLES_VALIDES)})")
    regions = [_region(r) for r in regions]
    if role == "relecteur" and not regions:
        raise CompteInvalide("un relecteur lit les projets de sa région : indiquer au moins une région (--region)")
    Utilisateur = get_user_model()
    if Utilisateur.objects.filter(username=email).exists():
        raise CompteInvalide(f"un compte existe déjà pour {email}")
    utilisateur = Utilisateur(username=email, email=email)
    try:
        with translation.override("fr"):
            validate_password(mot_de_passe, utilisateur)
    except ValidationError as e:
        raise CompteInvalide("mot de passe refusé : " + " ".join(e.messages)) from None
    with transaction.atomic():
        utilisateur.set_password(mot_de_passe)
        utilisateur.is_staff = role == "administrateur"
        utilisateur.save()
        Profil.objects.create(utilisateur=utilisateur, role=role, regions=regions)
