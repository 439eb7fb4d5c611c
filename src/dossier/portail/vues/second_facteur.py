"""Second factor (TOTP, django-otp), required of administrators and relecteurs when the
administrator's setting says so: the first time, the account's key is shown to add to an
authenticator app; then a 6-digit code is asked after each login."""

from __future__ import annotations

import base64

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..droits import role
from ..journal import consigner
from ..models import Reglages

ROLES_CONCERNES = ("administrateur", "relecteur")
CHEMINS_LIBRES = ("/second-facteur/", "/deconnexion/", "/static/", "/donnees-personnelles/", "/accessibilite/")


def exige(utilisateur) -> bool:
    return role(utilisateur) in ROLES_CONCERNES and Reglages.courant().exiger_totp


class SecondFacteur:
    """Middleware (after OTPMiddleware): an administrator or relecteur not verified by TOTP is sent to
    the second-factor page while the setting is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        u = getattr(request, "user", None)
        if (u is not None and u.is_authenticated and not request.path.startswith(CHEMINS_LIBRES)
                and not u.is_verified() and exige(u)):
            return redirect(f"/second-facteur/?next={request.path}")
        return self.get_response(request)


@login_required
@require_http_methods(["GET", "POST"])
def second_facteur(request):
    suite = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(suite, allowed_hosts={request.get_host()}):
        suite = "/"
    appareil = TOTPDevice.objects.filter(user=request.user).first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(user=request.user, name="application", confirmed=False)
    erreur = None
    if request.method == "POST":
        code = "".join(c for c in request.POST.get("code", "") if c.isdigit())
        if appareil.verify_token(code):
            if not appareil.confirmed:
                appareil.confirmed = True
                appareil.save(update_fields=["confirmed"])
                consigner(request.user, "compte", "second facteur (TOTP) activé")
            otp_login(request, appareil)
            return redirect(suite)
        erreur = "Code incorrect ou expiré : saisissez le code à 6 chiffres affiché maintenant par l'application."
    cle = base64.b32encode(appareil.bin_key).decode().rstrip("=") if not appareil.confirmed else None
    return render(request, "portail/second_facteur.html",
                  {"cle": cle, "uri": appareil.config_url if cle else None, "erreur": erreur, "next": suite},
                  status=400 if erreur else 200)
