"""The portal's records: accounts' roles, projects, members, immutable versions, pieces, jobs, journal."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

ROLES = [("administrateur", "Administrateur"), ("consultant", "Consultant"), ("porteur", "Porteur"),
         ("relecteur", "Relecteur (GRADeS / ARS)")]
DROITS = [("lecture", "Lecture"), ("ecriture", "Lecture et écriture")]


class Immuable(models.Model):
    """A row written once: saving it again or deleting it one by one is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_autoriser", False):
            raise ValueError(f"{type(self).__name__} est immuable")
        super().save(*args, **kwargs)


class Profil(models.Model):
    utilisateur = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profil")
    role = models.CharField("rôle", max_length=20, choices=ROLES)
    regions = models.JSONField("régions", default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.utilisateur.email} ({self.role})"


class Projet(models.Model):
    intitule = models.CharField("intitulé", max_length=500)
    region = models.CharField("région", max_length=100, blank=True)
    campagne = models.CharField(max_length=10, blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return self.intitule

    def version_courante(self) -> Version | None:
        return self.versions.order_by("-numero").first()

    @property
    def transmis(self) -> bool:
        return self.transmissions.exists()


class Membre(models.Model):
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="membres")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions")
    droit = models.CharField(max_length=10, choices=DROITS, default="ecriture")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["projet", "utilisateur"], name="membre_unique")]


class Version(Immuable):
    """One upload of the project file, never modified: the stored file (by sha256) and its reading."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveIntegerField("numéro")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField("déposée le", default=timezone.now)
    sha256 = models.CharField(max_length=64)
    taille = models.PositiveBigIntegerField(default=0)
    nom_original = models.CharField("nom du fichier déposé", max_length=255)  # a label, never a path
    format = models.CharField(max_length=5, choices=[("json", "JSON"), ("xlsx", "Fiche Excel")])
    contenu = models.JSONField("données du projet", null=True)
    problemes = models.JSONField(default=list)
    cellules = models.JSONField(default=dict)  # fiche: field left to fill -> "Feuille!B5"
    resume = models.JSONField(default=dict)  # no longer filled (the pages compute the état); kept for older rows
    origine = models.CharField(max_length=200, blank=True)  # e.g. « complété depuis FINESS (extrait …) »

    class Meta:
        ordering = ["-numero"]
        constraints = [models.UniqueConstraint(fields=["projet", "numero"], name="version_unique")]

    @property
    def valide(self) -> bool:
        return not self.problemes

    @property
    def extension(self) -> str:
        return ".xlsx" if self.format == "xlsx" else ".json"


class Tache(models.Model):
    """A background job of a project (generate the pieces, usage report), with its progress per piece."""

    GENRES = [("pieces", "Génération des pièces"), ("usages", "Rapport d'usages")]
    ETATS = [("en_attente", "En attente"), ("en_cours", "En cours"), ("terminee", "Terminée"), ("echouee", "Échouée")]

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="taches")
    version = models.ForeignKey(Version, null=True, on_delete=models.CASCADE, related_name="+")
    genre = models.CharField(max_length=10, choices=GENRES)
    etat = models.CharField("état", max_length=12, choices=ETATS, default="en_attente")
    progression = models.JSONField(default=list)  # [{"nom": "01-…docx", "etat": "fait"|"a_faire"}]
    raison = models.TextField(blank=True)
    tentatives = models.PositiveIntegerField(default=0)
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)
    debut = models.DateTimeField(null=True)
    fin = models.DateTimeField(null=True)
    id_resultat = models.CharField(max_length=64, blank=True)
    parametres = models.JSONField(default=dict)

    class Meta:
        ordering = ["-cree_le"]

    @property
    def active(self) -> bool:
        return self.etat in ("en_attente", "en_cours")


class PieceGeneree(models.Model):
    """A file the render job wrote, under the name ``render`` gives it (its download name)."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="pieces_generees")
    tache = models.ForeignKey(Tache, on_delete=models.CASCADE, related_name="pieces")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="+")
    nom = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    taille = models.PositiveBigIntegerField()
    apercu = models.CharField(max_length=64, blank=True)  # sha256 of a PNG of the first page

    class Meta:
        ordering = ["nom"]


class PieceDeposee(models.Model):
    """A piece only the porteur can give (RIB, statuts, signed letter…), for one slot of the profile."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="pieces_deposees")
    slug = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    nom_original = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    taille = models.PositiveBigIntegerField()
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug", "-cree_le"]


class Mesures(models.Model):
    """A usage measures file of a project and the result computed from it (JSON)."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="mesures")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="+")
    nom_original = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    resultat = models.JSONField(null=True)
    problemes = models.JSONField(default=list)
    rapport = models.CharField(max_length=64, blank=True)  # sha256 of the report zip
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-cree_le"]


def _jeton() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A one-time link to join a project (the account is made on first use if it does not exist)."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="invitations")
    jeton = models.CharField(max_length=64, unique=True, default=_jeton)
    email = models.EmailField("adresse électronique")
    droit = models.CharField(max_length=10, choices=DROITS, default="ecriture")
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)
    expire_le = models.DateTimeField()
    utilisee_le = models.DateTimeField(null=True)

    @property
    def valable(self) -> bool:
        return self.utilisee_le is None and timezone.now() < self.expire_le


class Transmission(Immuable):
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="transmissions")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(default=timezone.now)


class Journal(Immuable):
    """Append-only record of who did what, when (the project's rows go with the project when deleted)."""

    projet = models.ForeignKey(Projet, null=True, on_delete=models.CASCADE, related_name="journal")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.CharField(max_length=254, blank=True)  # kept when the account is removed
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)
    le = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-le", "-id"]


class ExtraitFiness(models.Model):
    """The public FINESS extract the administrator uploaded (the latest is used)."""

    sha256 = models.CharField(max_length=64)
    nom_original = models.CharField(max_length=255)
    taille = models.PositiveBigIntegerField()
    par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-le"]


class Reglages(models.Model):
    """Settings the administrator sets (one row)."""

    conservation_mois = models.PositiveIntegerField(
        "durée de conservation (mois)", default=36,
        help_text="Après ce délai sans activité, un projet et ses fichiers sont supprimés.")
    exiger_totp = models.BooleanField("exiger un second facteur (TOTP) des administrateurs et relecteurs", default=False)

    @classmethod
    def courant(cls) -> Reglages:
        return cls.objects.get_or_create(pk=1)[0]
