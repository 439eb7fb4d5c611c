"""Login (email + password, throttled by django-axes), logout, and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..comptes import CompteInvalide, creer_compte, normaliser_email
from ..journal import consigner
from ..models import Invitation, Membre


class FormulaireConnexion(AuthenticationForm):
    username = forms.EmailField(label="Adresse électronique", max_length=254,
                                widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(label="Mot de passe", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return normaliser_email(self.cleaned_data["username"])


class Connexion(auth_views.LoginView):
    template_name = "portail/connexion.html"
    authentication_form = FormulaireConnexion
    redirect_authenticated_user = True


class Deconnexion(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class FormulaireInvitation(forms.Form):
    mot_de_passe = forms.CharField(label="Choisir un mot de passe (12 caractères au moins)", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


@require_http_methods(["GET", "POST"])
def invitation(request, jeton: str):
    """A one-time link: an existing account joins the project (logged in as that account); a new
    address chooses a password and gets a porteur account."""
    inv = get_object_or_404(Invitation, jeton=jeton)
    if not inv.valable:
        return render(request, "portail/invitation.html", {"perimee": True}, status=410)
    Utilisateur = get_user_model()
    existant = Utilisateur.objects.filter(username=inv.email).first()
    formulaire = FormulaireInvitation(request.POST or None) if existant is None else None
    if request.method == "POST":
        if existant is not None and request.user != existant:
            return redirect(f"/connexion/?next={request.path}")
        if existant is None and formulaire.is_valid():
            try:
                creer_compte(inv.email, "porteur", [], formulaire.cleaned_data["mot_de_passe"])
            except CompteInvalide as e:
                formulaire.add_error("mot_de_passe", e.message)
        if existant is not None or not formulaire.errors:
            utilisateur = existant or Utilisateur.objects.get(username=inv.email)
            with transaction.atomic():
                verrou = Invitation.objects.select_for_update().get(pk=inv.pk)
                if verrou.utilisee_le is not None:
                    return render(request, "portail/invitation.html", {"perimee": True}, status=410)
                verrou.utilisee_le = timezone.now()
                verrou.save(update_fields=["utilisee_le"])
                Membre.objects.update_or_create(projet=inv.projet, utilisateur=utilisateur,
                                                defaults={"droit": inv.droit})
                consigner(utilisateur, "adhesion", f"par invitation ({inv.get_droit_display().lower()})", inv.projet)
            if existant is None:
                login(request, utilisateur, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portail:projet", pk=inv.projet.pk)
    return render(request, "portail/invitation.html", {"invitation": inv, "existant": existant, "form": formulaire})
