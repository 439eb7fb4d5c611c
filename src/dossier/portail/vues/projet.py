"""The project page (sections: versions, état, FINESS, pièces générées, pièces du porteur, usages,
journal), « Transmettre pour relecture », invitations, export and deletion."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import api
from .. import stockage
from ..droits import peut_forcer_archive, peut_inviter, projet_ou_404, role
from ..journal import LIBELLES, consigner
from ..models import ExtraitFiness, Invitation, Transmission
from .outils import projet_de_version
from .pieces import contexte_pieces


def contexte_etat(version) -> dict:
    """Problems, what is left to fill, recevabilité, financing and deadline of the current version."""
    projet = projet_de_version(version)
    if projet is None:
        return {"modele": None}
    etat = api.etat_projet(projet)
    manques = [{"rubrique": m.rubrique, "chemin": m.chemin, "description": m.description,
                "cellule": (version.cellules or {}).get(m.chemin)} for m in api.a_completer(projet)]
    return {"modele": projet, "etat": etat, "a_completer": manques}


@login_required
@require_GET
def page_projet(request, pk: int):
    a = projet_ou_404(request, pk)
    projet = a.projet
    versions = list(projet.versions.select_related("auteur"))
    courante = versions[0] if versions else None
    contexte = {
        "acces": a, "projet": projet, "versions": versions, "courante": courante,
        "transmissions": list(projet.transmissions.select_related("par")),
        "journal": [(j, LIBELLES.get(j.action, j.action)) for j in projet.journal.all()[:100]],
        "peut_inviter": peut_inviter(request.user, a), "peut_forcer": peut_forcer_archive(request.user, a),
        "invitations": [i for i in projet.invitations.all() if i.valable] if peut_inviter(request.user, a) else [],
        "membres": projet.membres.select_related("utilisateur"),
        "extrait_finess": ExtraitFiness.objects.first(), "administrateur": role(request.user) == "administrateur",
        "aujourdhui": dt.date.today(),
    }
    contexte.update(contexte_etat(courante))
    contexte.update(contexte_pieces(projet, courante, contexte.get("modele")))
    return render(request, "portail/projet.html", contexte)


@login_required
@require_POST
def transmettre(request, pk: int):
    a = projet_ou_404(request, pk, ecriture=True)
    with transaction.atomic():
        Transmission.objects.create(projet=a.projet, par=request.user)
        consigner(request.user, "transmission", "", a.projet)
    return redirect(reverse("portail:projet", args=[pk]) + "#transmission")


@login_required
@require_POST
def inviter(request, pk: int):
    a = projet_ou_404(request, pk)
    from django.core.exceptions import PermissionDenied
    from django.core.validators import validate_email
    from django.core.exceptions import ValidationError

    from ..comptes import normaliser_email

    if not peut_inviter(request.user, a):
        raise PermissionDenied("seuls les consultants et les administrateurs invitent")
    email = normaliser_email(request.POST.get("email", ""))
    try:
        validate_email(email)
    except ValidationError:
        return HttpResponse("Adresse électronique invalide.", status=400, content_type="text/plain; charset=utf-8")
    droit = "lecture" if request.POST.get("droit") == "lecture" else "ecriture"
    inv = Invitation.objects.create(projet=a.projet, email=email, droit=droit, cree_par=request.user,
                                    expire_le=timezone.now() + dt.timedelta(days=7))
    consigner(request.user, "invitation", f"{email} ({inv.get_droit_display().lower()}, valable 7 jours)", a.projet)
    return redirect(reverse("portail:projet", args=[pk]) + "#membres")


@login_required
@require_POST
def exporter(request, pk: int):
    """Everything the portal keeps on the project, as a zip: versions, pieces, journal (JSON)."""
    a = projet_ou_404(request, pk, gestion=True)
    projet = a.projet
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
        for v in projet.versions.all():
            with stockage.ouvrir(v.sha256) as f:
                z.writestr(f"versions/{v.numero:03d}{v.extension}", f.read())
        for p in projet.pieces_deposees.all():
            with stockage.ouvrir(p.sha256) as f:
                z.writestr(f"pieces-du-porteur/{p.slug}-{p.pk}{p.extension}", f.read())
        journal = [{"le": j.le.isoformat(), "qui": j.email, "action": j.action, "detail": j.detail}
                   for j in projet.journal.order_by("le")]
        membres = [{"email": m.utilisateur.email, "droit": m.droit} for m in projet.membres.select_related("utilisateur")]
        z.writestr("projet.json", json.dumps({"intitule": projet.intitule, "region": projet.region,
                                              "membres": membres, "journal": journal}, ensure_ascii=False, indent=2))
    consigner(request.user, "export", "", projet)
    reponse = HttpResponse(tampon.getvalue(), content_type="application/zip")
    reponse["Content-Disposition"] = f'attachment; filename="export-projet-{projet.pk}.zip"'
    return reponse


@login_required
@require_POST
def supprimer(request, pk: int):
    a = projet_ou_404(request, pk, gestion=True)
    if request.POST.get("confirmation") != "supprimer":
        return render(request, "portail/erreur.html", {"statut": 400, "message":
                      "Pour supprimer le projet, tapez « supprimer » dans le champ de confirmation."}, status=400)
    intitule = a.projet.intitule
    with transaction.atomic():
        consigner(request.user, "suppression", f"projet n° {a.projet.pk} « {intitule} »", None)
        a.projet.delete()
    return redirect("portail:accueil")
