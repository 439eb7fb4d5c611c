"""The workbook charter helpers the usage workbooks share with the dossier's workbooks."""

from ..render.classeurs.commun import (
    MOIS,
    ecrire,
    en_tetes,
    entete,
    formule,
    largeur_texte,
    largeurs,
    note,
    nouveau_classeur,
)
from ..render.classeurs.impression import mise_en_page
from ..render.classeurs.financement import NATURES

__all__ = ["MOIS", "NATURES", "ecrire", "en_tetes", "entete", "entete_du_jour", "formule", "largeur_texte", "largeurs",
           "mise_en_page", "note", "nouveau_classeur"]


def entete_du_jour(ws, titre: str, projet) -> int:
    """The charter's sheet header, dated today: a usage-stage workbook is not dated like the deposit."""
    import datetime as dt

    suivante = entete(ws, titre, projet)
    ecrire(ws, 4, 2, dt.date.today(), "valeur-date")
    return suivante
