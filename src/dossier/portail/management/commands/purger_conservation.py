"""``purger_conservation``: delete the projects past the retention period and the unreferenced files."""

from django.core.management.base import BaseCommand

from ...conservation import purger


class Command(BaseCommand):
    help = "Supprimer les projets dont la durée de conservation est dépassée, et les fichiers qui ne servent plus."

    def handle(self, *args, **options):
        projets, fichiers = purger()
        self.stdout.write(f"{projets} projet(s) supprimé(s), {fichiers} fichier(s) orphelin(s) supprimé(s)")
