import sys

from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "dossier.portail"
    label = "portail"
    verbose_name = "Portail dossier"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        # the task worker starts its LibreOffice instances at once (PDF generation), not on the first job
        if sys.argv[1:2] == ["db_worker"] and settings.PORTAIL_PDF and getattr(settings, "PORTAIL_PRECHAUFFAGE", True):
            from .taches import prechauffer

            prechauffer()
