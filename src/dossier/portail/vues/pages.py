"""Information pages (données personnelles, accessibilité) and the administrator's page (accounts,
FINESS extract, retention period, second factor)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ...identifiers import REGIONS
from ..comptes import CompteInvalide, creer_compte
from ..droits import role
from ..journal import consigner
from ..models import ROLES, ExtraitFiness, Reglages


@require_GET
def donnees_personnelles(request):
    return render(request, "portail/donnees_personnelles.html", {"reglages": Reglages.courant()})


@require_GET
def accessibilite(request):
    return render(request, "portail/accessibilite.html")


class FormulaireCompte(forms.Form):
    email = forms.EmailField(label="Adresse électronique")
    role = forms.ChoiceField(label="Rôle", choices=ROLES)
    regions = forms.MultipleChoiceField(label="Région(s) (relecteurs)", required=False,
                                        choices=[(r, r) for r in REGIONS])
    mot_de_passe = forms.CharField(label="Mot de passe initial (12 caractères au moins)", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class FormulaireReglages(forms.ModelForm):
    class Meta:
        model = Reglages
        fields = ["conservation_mois", "exiger_totp"]


def _administrateur(request) -> None:
    if role(request.user) != "administrateur":
        raise PermissionDenied("réservé à l'administrateur")


@login_required
@require_http_methods(["GET", "POST"])
def administration(request):
    _administrateur(request)
    formulaire = FormulaireCompte(request.POST or None, prefix="compte")
    reglages = FormulaireReglages(None, instance=Reglages.courant(), prefix="reglages")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        try:
            creer_compte(d["email"], d["role"], d["regions"], d["mot_de_passe"])
        except CompteInvalide as e:
            formulaire.add_error(None, e.message)
        else:
            consigner(request.user, "compte", f"création de {d['email']} ({d['role']})")
            return redirect("portail:administration")
    comptes = get_user_model().objects.select_related("profil").order_by("username")
    return render(request, "portail/administration.html", {
        "form": formulaire, "reglages": reglages, "comptes": comptes, "extrait": ExtraitFiness.objects.first()},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def reglages(request):
    _administrateur(request)
    formulaire = FormulaireReglages(request.POST, instance=Reglages.courant(), prefix="reglages")
    if formulaire.is_valid():
        formulaire.save()
        consigner(request.user, "reglages", f"conservation {formulaire.cleaned_data['conservation_mois']} mois")
    return redirect("portail:administration")


@login_required
@require_POST
def activer_compte(request, compte: int):
    """Deactivate (or reactivate) an account: a deactivated account can no longer log in."""
    _administrateur(request)
    utilisateur = get_user_model().objects.filter(pk=compte).first()
    if utilisateur is None or utilisateur == request.user:
        raise PermissionDenied("compte introuvable ou le vôtre")
    utilisateur.is_active = not utilisateur.is_active
    utilisateur.save(update_fields=["is_active"])
    consigner(request.user, "compte", f"{utilisateur.email} {'réactivé' if utilisateur.is_active else 'désactivé'}")
    return redirect("portail:administration")
