"""URLs of the portal (French paths)."""

from pathlib import Path

from django.urls import include, path, re_path
from django.views.static import serve

from .vues import accueil, connexion, erreurs, finess, pages, pieces, projet, second_facteur, usages, versions

motifs = [
    path("", accueil.accueil, name="accueil"),
    path("portefeuille.xlsx", accueil.exporter_portefeuille, name="exporter_portefeuille"),
    path("connexion/", connexion.Connexion.as_view(), name="connexion"),
    path("deconnexion/", connexion.Deconnexion.as_view(), name="deconnexion"),
    path("invitation/<str:jeton>/", connexion.invitation, name="invitation"),
    path("projets/nouveau/", accueil.nouveau_projet, name="nouveau"),
    path("projets/<int:pk>/", projet.page_projet, name="projet"),
    path("projets/<int:pk>/transmettre/", projet.transmettre, name="transmettre"),
    path("projets/<int:pk>/inviter/", projet.inviter, name="inviter"),
    path("projets/<int:pk>/exporter/", projet.exporter, name="exporter"),
    path("projets/<int:pk>/supprimer/", projet.supprimer, name="supprimer"),
    path("projets/<int:pk>/versions/", versions.deposer, name="deposer"),
    path("projets/<int:pk>/versions/<int:numero>/", versions.telecharger_version, name="version"),
    path("projets/<int:pk>/differences/", versions.differences, name="differences"),
    path("projets/<int:pk>/fiche/", versions.fiche, name="fiche"),
    path("projets/<int:pk>/pieces/generer/", pieces.generer, name="generer"),
    path("projets/<int:pk>/pieces/progression/", pieces.progression, name="progression"),
    path("projets/<int:pk>/pieces/<int:piece>/", pieces.telecharger_piece, name="piece"),
    path("projets/<int:pk>/pieces/<int:piece>/apercu/", pieces.apercu_piece, name="apercu"),
    path("projets/<int:pk>/porteur/<slug:slug>/", pieces.deposer_piece, name="deposer_piece"),
    path("projets/<int:pk>/porteur/fichiers/<int:piece>/", pieces.telecharger_piece_deposee, name="piece_deposee"),
    path("projets/<int:pk>/archive/", pieces.archive, name="archive"),
    path("projets/<int:pk>/finess/", finess.completer, name="finess"),
    path("projets/<int:pk>/finess/garder/", finess.garder, name="finess_garder"),
    path("projets/<int:pk>/usages/", usages.page_usages, name="usages"),
    path("projets/<int:pk>/usages/mesures/", usages.deposer_mesures, name="mesures"),
    path("projets/<int:pk>/usages/rapport/", usages.rapport, name="rapport_usages"),
    path("projets/<int:pk>/usages/rapport.zip", usages.telecharger_rapport, name="telecharger_rapport"),
    path("projets/<int:pk>/usages/graphiques/<slug:indicateur>.png", usages.graphique, name="graphique"),
    path("second-facteur/", second_facteur.second_facteur, name="second_facteur"),
    path("donnees-personnelles/", pages.donnees_personnelles, name="donnees_personnelles"),
    path("accessibilite/", pages.accessibilite, name="accessibilite"),
    path("administration/", pages.administration, name="administration"),
    path("administration/comptes/<int:compte>/activation/", pages.activer_compte, name="activer_compte"),
    path("administration/reglages/", pages.reglages, name="reglages"),
    path("administration/finess/", finess.deposer_extrait, name="extrait_finess"),
]

STATIQUES = Path(__file__).resolve().parent / "static"

urlpatterns = [
    # The portal's own CSS and htmx, shipped in the package (no user content is ever served from here).
    re_path(r"^static/(?P<path>portail/[A-Za-z0-9._-]+)$", serve, {"document_root": STATIQUES}),
    path("", include((motifs, "portail"))),
]

handler400 = erreurs.requete_invalide
handler403 = erreurs.interdit
handler404 = erreurs.introuvable
handler500 = erreurs.erreur_serveur
