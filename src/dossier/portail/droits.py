"""Who may see what. A project one may not see is 404 (its title never shown); a read-only user on a
change is 403.

- administrateur: every project (to export or delete it), and the accounts;
- consultant and porteur: the projects they are a member of (read or write as their membership says);
- relecteur: read-only, the projects of their région(s) once transmitted for review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Membre, Projet, Transmission


def role(utilisateur) -> str | None:
    if not getattr(utilisateur, "is_authenticated", False):
        return None
    profil = getattr(utilisateur, "profil", None)
    return profil.role if profil else None


def regions(utilisateur) -> list[str]:
    profil = getattr(utilisateur, "profil", None)
    return list(profil.regions) if profil else []


def projets_visibles(utilisateur) -> QuerySet[Projet]:
    r = role(utilisateur)
    if r is None:
        return Projet.objects.none()
    if r == "administrateur":
        return Projet.objects.all()
    membre = Q(membres__utilisateur=utilisateur)
    if r == "relecteur":
        transmis = Exists(Transmission.objects.filter(projet=OuterRef("pk")))
        return Projet.objects.filter(membre | (Q(region__in=regions(utilisateur)) & transmis)).distinct()
    return Projet.objects.filter(membre).distinct()


@dataclass(frozen=True)
class Acces:
    projet: Projet
    ecriture: bool  # may upload, generate, invite, transmit
    membre: bool
    gestion: bool  # may export and delete (members with write access, administrator)


def acces(utilisateur, projet: Projet) -> Acces | None:
    r = role(utilisateur)
    if r is None:
        return None
    m = Membre.objects.filter(projet=projet, utilisateur=utilisateur).first()
    if r == "relecteur":
        if m is None and not (projet.region in regions(utilisateur) and projet.transmis):
            return None
        return Acces(projet, False, m is not None, False)
    if m is not None:
        ecrit = m.droit == "ecriture"
        return Acces(projet, ecrit, True, ecrit or r == "administrateur")
    if r == "administrateur":
        return Acces(projet, False, False, True)
    return None


def projet_ou_404(request, pk: int, ecriture: bool = False, gestion: bool = False) -> Acces:
    """The project and the user's access; 404 when not visible, 403 when a change is not allowed."""
    projet = Projet.objects.filter(pk=pk).first()
    a = acces(request.user, projet) if projet is not None else None
    if a is None:
        raise Http404("projet introuvable")
    if (ecriture and not a.ecriture) or (gestion and not a.gestion):
        raise PermissionDenied("action réservée aux membres du projet ayant le droit d'écriture")
    return a


def peut_creer_projet(utilisateur) -> bool:
    return role(utilisateur) in ("consultant", "porteur")


def peut_inviter(utilisateur, a: Acces) -> bool:
    """A consultant member with write access, or the administrator (member or not)."""
    r = role(utilisateur)
    return (a.ecriture and r == "consultant") or r == "administrateur"


def peut_forcer_archive(utilisateur, a: Acces) -> bool:
    return a.ecriture and role(utilisateur) in ("consultant", "administrateur")


def contexte(request) -> dict:
    """Template context: the user's role."""
    return {"role": role(getattr(request, "user", None))}
