"""The portal (``dossier serve``): a Django project over the dossier library, for porteurs,
consultants and reviewers. Settings: ``dossier.portail.settings`` (environment ``DOSSIER_DONNEES``)."""
