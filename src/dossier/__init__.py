"""dossier : dossier de financement ESMS numérique à partir d'un fichier projet JSON."""

__version__ = "0.1.0"
