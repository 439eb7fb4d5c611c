from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "dossier.portail"
    label = "portail"
    verbose_name = "Portail dossier"
    default_auto_field = "django.db.models.BigAutoField"
