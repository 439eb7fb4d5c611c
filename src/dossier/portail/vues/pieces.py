"""Pièces générées (job, progress, download, preview), pièces du porteur (one slot per piece),
the live checklist and the deposit archive."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ... import api
from ...bundle import DossierIncomplet
from ...checklist import EXTENSIONS_ACCEPTEES
from ...errors import DossierError
from .. import apercus, depot, stockage
from ..droits import peut_forcer_archive, projet_ou_404
from ..journal import consigner
from ..models import PieceDeposee, PieceGeneree
from .outils import EnvoiRefuse, nom_affiche, projet_de_version, telechargement, verifier_envoi

FORMATS_PORTEUR = tuple(sorted(EXTENSIONS_ACCEPTEES))


def checklist(projet, modele):
    """The checklist of the folder (generated + uploaded), or None without a valid version."""
    if modele is None:
        return None
    with tempfile.TemporaryDirectory(prefix="dossier-depot-") as tmp:
        depot.construire(projet, modele, Path(tmp))
        return api.verifier_dossier(Path(tmp), api.profil_du_projet(modele), modele, Path(tmp))


def contexte_pieces(projet, version, modele) -> dict:
    tache = projet.taches.filter(genre="pieces").first()
    profil = api.profil_du_projet(modele) if modele is not None else None
    deposees = depot.pieces_deposees(projet)
    resultat = checklist(projet, modele)
    etats = {e.piece.slug: e for e in resultat.pieces} if resultat else {}
    slots = [{"piece": p, "depose": deposees.get(p.slug), "etat": etats.get(p.slug)}
             for p in depot.emplacements(profil)] if profil else []
    generation = depot.derniere_generation(projet)
    perimee = generation is not None and version is not None and generation.version_id != version.pk
    return {"tache": tache, "generation_perimee": generation.version.numero if perimee else None, "generees": depot.par_piece(depot.pieces_generees(projet)), "slots": slots, "checklist": resultat,
            "formats_porteur": ", ".join(FORMATS_PORTEUR), "taille_max_mo": settings.TAILLE_MAX_FICHIER // (1024 * 1024)}


@login_required
@require_POST
def generer(request, pk: int):
    from ..taches import lancer_generation

    a = projet_ou_404(request, pk, ecriture=True)
    version = a.projet.version_courante()
    if projet_de_version(version) is None:
        return render(request, "portail/erreur.html", {"statut": 409, "message":
                      "La version courante du projet n'est pas valide : corrigez-la avant de générer les pièces."},
                      status=409)
    if not a.projet.taches.filter(genre="pieces", etat__in=["en_attente", "en_cours"]).exists():
        lancer_generation(a.projet, version, request.user)
    if request.htmx:
        return _progression(request, a)
    return redirect(reverse("portail:projet", args=[pk]) + "#pieces-generees")


@login_required
@require_GET
def progression(request, pk: int):
    return _progression(request, projet_ou_404(request, pk))


def _progression(request, a):
    tache = a.projet.taches.filter(genre="pieces").first()
    return render(request, "portail/partiels/progression.html",
                  {"projet": a.projet, "acces": a, "tache": tache,
                   "generees": depot.par_piece(depot.pieces_generees(a.projet))})


@login_required
@require_GET
def telecharger_piece(request, pk: int, piece: int):
    a = projet_ou_404(request, pk)
    p = PieceGeneree.objects.filter(projet=a.projet, pk=piece).first()
    if p is None:
        raise Http404("pièce introuvable")
    consigner(request.user, "telechargement", p.nom, a.projet)
    return telechargement(p.sha256, p.nom)


@login_required
@require_GET
def apercu_piece(request, pk: int, piece: int):
    """A PNG of a generated PDF's first page, served as an image of our own; made on the first request
    (poppler) and kept, so that the worker is free for the next job as soon as the pieces are stored."""
    a = projet_ou_404(request, pk)
    p = PieceGeneree.objects.filter(projet=a.projet, pk=piece, nom__endswith=".pdf").first()
    if p is None:
        raise Http404("aperçu introuvable")
    if not p.apercu:
        p.apercu = apercus.premiere_page(p.sha256)
        if not p.apercu:
            raise Http404("aperçu impossible à produire")
        PieceGeneree.objects.filter(pk=p.pk).update(apercu=p.apercu)
    reponse = FileResponse(stockage.ouvrir(p.apercu), content_type="image/png")
    reponse["Content-Disposition"] = "inline"
    return reponse


@login_required
@require_POST
def deposer_piece(request, pk: int, slug: str):
    a = projet_ou_404(request, pk, ecriture=True)
    modele = projet_de_version(a.projet.version_courante())
    profil = api.profil_du_projet(modele)
    if profil.piece(slug) is None or profil.piece(slug) not in depot.emplacements(profil):
        raise Http404("pièce inconnue")
    envoi = request.FILES.get("fichier")
    try:
        ext = verifier_envoi(envoi, FORMATS_PORTEUR)
    except EnvoiRefuse as e:
        return render(request, "portail/erreur.html", {"statut": 400, "message": f"Pièce refusée : {e}."}, status=400)
    sha, taille = stockage.stocker_envoi(envoi)
    with transaction.atomic():
        PieceDeposee.objects.create(projet=a.projet, slug=slug, extension=ext, nom_original=nom_affiche(envoi.name),
                                    sha256=sha, taille=taille, auteur=request.user)
        consigner(request.user, "piece", f"{profil.piece(slug).libelle} ({nom_affiche(envoi.name)})", a.projet)
    if request.htmx:  # the section again, with the checklist of the folder as it is now
        contexte = {"projet": a.projet, "acces": a, "peut_forcer": peut_forcer_archive(request.user, a)}
        contexte.update(contexte_pieces(a.projet, a.projet.version_courante(), modele))
        return render(request, "portail/sections/pieces_porteur.html", contexte)
    return redirect(reverse("portail:projet", args=[pk]) + "#pieces-porteur")


@login_required
@require_GET
def telecharger_piece_deposee(request, pk: int, piece: int):
    a = projet_ou_404(request, pk)
    p = PieceDeposee.objects.filter(projet=a.projet, pk=piece).first()
    if p is None:
        raise Http404("pièce introuvable")
    consigner(request.user, "telechargement", f"{p.slug} ({p.nom_original})", a.projet)
    return telechargement(p.sha256, f"{p.slug}{p.extension}")


@login_required
@require_POST
def archive(request, pk: int):
    """The deposit zip (bundle); refused with the checklist's reasons while incomplete, unless a
    consultant forces it (journaled)."""
    a = projet_ou_404(request, pk)
    modele = projet_de_version(a.projet.version_courante())
    if modele is None:
        return render(request, "portail/erreur.html", {"statut": 409, "message":
                      "La version courante du projet n'est pas valide."}, status=409)
    generation = depot.derniere_generation(a.projet)
    courante = a.projet.version_courante()
    if generation is not None and generation.version_id != courante.pk:
        return render(request, "portail/erreur.html", {"statut": 409, "message":
                      f"Les pièces générées datent de la version {generation.version.numero} ; la version courante est "
                      f"la {courante.numero} : générez à nouveau les pièces avant l'archive de dépôt."}, status=409)
    forcer = request.POST.get("forcer") == "1"
    if forcer and not peut_forcer_archive(request.user, a):
        forcer = False
    with tempfile.TemporaryDirectory(prefix="dossier-archive-") as tmp:
        dossier = Path(tmp) / "depot"
        dossier.mkdir()
        depot.construire(a.projet, modele, dossier)
        sortie = Path(tmp) / "archive.zip"
        try:
            info = api.construire_archive(dossier, sortie, api.profil_du_projet(modele), modele, dossier,
                                          incomplet=forcer)
        except DossierIncomplet as e:
            return render(request, "portail/archive_refusee.html",
                          {"projet": a.projet, "checklist": e.resultat, "acces": a,
                           "peut_forcer": peut_forcer_archive(request.user, a)}, status=409)
        except DossierError as e:
            return render(request, "portail/erreur.html", {"statut": 409, "message": e.message}, status=409)
        sha, _ = stockage.stocker_fichier(info.chemin)
    action = "archive_forcee" if forcer and info.controles_en_echec else "archive"
    consigner(request.user, action, f"sha256 {sha[:12]}…", a.projet)
    return telechargement(sha, f"depot-projet-{a.projet.pk}.zip", "application/zip")
