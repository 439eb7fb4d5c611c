"""Writing the project workbook: one sheet per part of the project, a form or tables per block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import identifiers as ids
from ..fichiers import fichier_temporaire
from ..model import ANNEES_PLAUSIBLES

# Charter styles and cell helpers shared with the Excel pieces.
from ..render.charte import poser_bandeaux
from ..render.classeurs.commun import ajuster_hauteurs, ecrire, note
from ..render.classeurs.commun import nouveau_classeur as classeur
from .disposition import FEUILLES, Bloc, Champ, disposition
from .valeurs import NON, OUI, libelle_categorie, libelle_choix
from .valeurs import cellule as convertir

FEUILLE_LISEZ_MOI = "Lisez-moi"
FEUILLE_LISTES = "Listes"
LIGNE_PREMIER_BLOC = 4
#: Empty rows offered under each table of an empty workbook (and covered by data validation below the data).
LIGNES_VIDES = {"essms": 20, "organismes": 3}
LIGNES_VIDES_DEFAUT = 5
LIGNES_VALIDEES = 500

_STYLES = {"finess": "code", "siret": "code", "categorie": "code", "date": "date", "montant": "montant",
           "nombre": "heures-decimales", "entier": "nombre", "booleen": "code", "choix": "code", "region": "code"}
_LARGEURS = {"finess": 13, "siret": 18, "categorie": 34, "date": 12, "montant": 14, "nombre": 11, "entier": 10,
             "booleen": 9, "choix": 18, "region": 22, "entiers": 14}
_ANNEES = frozenset({"annee", "numero", "vague"})

LISEZ_MOI = (
    ("Fiche projet ESMS numérique", "titre"),
    ("Cette fiche décrit votre projet : qui le porte, les organismes gestionnaires (OG), les établissements et "
     "services (ESSMS), la solution logicielle, la gouvernance, le planning, les coûts et les textes du dossier. "
     "Votre consultant la transforme en dossier de financement complet.", "valeur"),
    ("Comment la remplir", "etiquette"),
    ("• Chaque onglet correspond à une partie du projet. Remplissez les cellules encadrées ; le commentaire de "
     "chaque en-tête (petit triangle rouge) explique ce qui est attendu et si c'est obligatoire.", "valeur"),
    ("• Une ligne par organisme, par ESSMS, par jalon, par poste de coût… Ajoutez des lignes sous les tableaux "
     "au besoin ; les lignes vides sont ignorées.", "valeur"),
    ("• Dates au format JJ/MM/AAAA ; montants en euros (12 000,50 € est compris) ; oui / non pour les questions "
     "fermées ; les listes déroulantes proposent les valeurs admises.", "valeur"),
    ("• Numéros FINESS à 9 caractères : si Excel a supprimé le zéro initial, il est rétabli à la lecture.", "valeur"),
    ("• Onglet « ESSMS » : le numéro FINESS ET et l'organisme suffisent ; le nom, la catégorie, la commune et le "
     "FINESS EJ peuvent être complétés depuis l'extrait FINESS public (dossier finess completer).", "valeur"),
    ("• Onglet « Matériels » : le détail du devis de matériel de chaque ESSMS, rattaché par son FINESS ET.", "valeur"),
    ("• Onglet « Textes » : une idée par ligne pour les objectifs, enjeux, points d'attention, interfaces.", "valeur"),
    ("Ne renommez pas les onglets ni les titres des tableaux ; l'ordre des colonnes peut changer.", "note"),
    ("Relecture : dossier fiche import FICHE.xlsx -o projet.json signale chaque problème avec sa cellule.", "note"),
)


def _valeur(donnees: Any, chemin: tuple[str, ...]) -> Any:
    for cle in chemin:
        if not isinstance(donnees, dict):
            return None
        donnees = donnees.get(cle)
    return donnees


def _style(champ: Champ) -> str:
    if champ.genre == "entier" and champ.chemin[-1] in _ANNEES:
        return "annee"
    return _STYLES.get(champ.genre, "texte")


class _Validations:
    """Data validations of a sheet, one per kind of cell, with the lists on the hidden sheet « Listes »."""

    def __init__(self, ws: Worksheet, listes: dict[str, str]):
        self.ws, self.listes, self.regles = ws, listes, {}

    def _regle(self, champ: Champ) -> DataValidation | None:
        genre = champ.genre
        cle = (genre, champ.choix)
        if cle in self.regles:
            return self.regles[cle]
        erreur = f"Valeur non conforme : {champ.aide}"
        if genre in ("choix", "booleen", "region", "categorie"):
            source = {"booleen": "booleen", "region": "region", "categorie": "categorie"}.get(genre) or "|".join(map(str, champ.choix))
            regle = DataValidation("list", formula1=self.listes[source], allow_blank=True)
        elif genre in ("nombre", "montant"):
            regle = DataValidation("decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        elif genre == "entier":
            regle = DataValidation("whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        elif genre == "date":
            regle = DataValidation("date", operator="between", formula1=f"DATE({ANNEES_PLAUSIBLES[0]},1,1)",
                                   formula2=f"DATE({ANNEES_PLAUSIBLES[1]},12,31)", allow_blank=True)
        elif genre in ("finess", "siret"):
            regle = DataValidation("textLength", operator="equal" if genre == "finess" else "greaterThanOrEqual",
                                   formula1="9" if genre == "finess" else "14", allow_blank=True)
        else:
            regle = None
        if regle is not None:
            regle.errorStyle = "warning"
            regle.error, regle.errorTitle = erreur[:255], "Fiche projet"
            regle.prompt, regle.promptTitle = champ.aide[:255], champ.libelle[:32]
            regle.showErrorMessage = regle.showInputMessage = True
            self.ws.add_data_validation(regle)
        self.regles[cle] = regle
        return regle

    def ajouter(self, champ: Champ, plage: str) -> None:
        regle = self._regle(champ)
        if regle is not None:
            regle.add(plage)


def _listes(wb) -> dict[str, str]:
    """The hidden sheet of validation lists; returns the formula of each list by key."""
    ws = wb.create_sheet(FEUILLE_LISTES)
    ws.sheet_state = "hidden"
    colonnes: dict[str, list[str]] = {
        "booleen": [OUI, NON], "region": list(ids.REGIONS),
        "categorie": [libelle_categorie(c) for c in sorted(ids._categories())],
    }
    for bloc in disposition():
        for champ in bloc.champs:
            if champ.genre == "choix":
                colonnes["|".join(map(str, champ.choix))] = [libelle_choix(c) for c in champ.choix]
    formules = {}
    for i, (cle, valeurs) in enumerate(colonnes.items(), start=1):
        lettre = get_column_letter(i)
        ws.cell(1, i, cle)
        for j, valeur in enumerate(valeurs, start=2):
            ws.cell(j, i, valeur)
        formules[cle] = f"{quote_sheetname(FEUILLE_LISTES)}!${lettre}$2:${lettre}${len(valeurs) + 1}"
    return formules


def _commenter(cellule, champ: Champ) -> None:
    commentaire = Comment(champ.aide, "dossier")
    commentaire.width, commentaire.height = 320, 110
    cellule.comment = commentaire


def _ecrire_formulaire(ws: Worksheet, ligne: int, bloc: Bloc, objet: Any, validations: _Validations) -> int:
    """Label / value rows; an empty workbook (``objet`` None) proposes the model's defaults."""
    for champ in bloc.champs:
        valeur = _valeur(objet, champ.chemin) if objet is not None else champ.defaut
        elements = (valeur or [None]) if champ.genre == "textes" else [valeur]
        etiquette = ecrire(ws, ligne, 1, champ.libelle + (" *" if champ.obligatoire else ""), "etiquette")
        _commenter(etiquette, champ)
        for element in elements:
            ecrire(ws, ligne, 2, convertir(champ, element) if champ.genre != "textes" else element, _style(champ))
            validations.ajouter(champ, f"B{ligne}")
            ligne += 1
    return ligne


def _lignes_tableau(bloc: Bloc, donnees: dict | None) -> list[dict]:
    """Rows of a table: its items, or for a nested table the items of every parent with their key."""
    if bloc.dictionnaire:
        return [{"cle": k, "valeur": v} for k, v in (_valeur(donnees, bloc.chemin) or {}).items()]
    if bloc.parent is None:
        return list(_valeur(donnees, bloc.chemin) or [])
    lignes = []
    reste = bloc.chemin[len(bloc.parent):]
    for numero, parent in enumerate(_valeur(donnees, bloc.parent) or [], start=1):
        cle = parent.get(bloc.cle_parent) if bloc.cle_parent else str(numero)
        lignes += [{**element, "@parent": cle} for element in _valeur(parent, reste) or []]
    return lignes


def _ecrire_tableau(ws: Worksheet, ligne: int, bloc: Bloc, donnees: dict | None, validations: _Validations) -> int:
    for colonne, champ in enumerate(bloc.champs, start=1):
        _commenter(ecrire(ws, ligne, colonne, champ.libelle + (" *" if champ.obligatoire else ""), "entete"), champ)
    lignes = _lignes_tableau(bloc, donnees)
    vides = LIGNES_VIDES.get(bloc.nom, LIGNES_VIDES_DEFAUT) if not lignes else 1
    for numero, element in enumerate(lignes + [{}] * vides, start=ligne + 1):
        for colonne, champ in enumerate(bloc.champs, start=1):
            ecrire(ws, numero, colonne, convertir(champ, _valeur(element, champ.chemin)), _style(champ))
    for colonne, champ in enumerate(bloc.champs, start=1):
        lettre = get_column_letter(colonne)
        validations.ajouter(champ, f"{lettre}{ligne + 1}:{lettre}{ligne + len(lignes) + LIGNES_VALIDEES}")
    return ligne + len(lignes) + vides + 1


def _largeurs(ws: Worksheet, blocs: list[Bloc]) -> None:
    if all(not b.tableau for b in blocs):
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 42, 90
        return
    largeurs: dict[int, float] = {1: 42 if any(not b.tableau for b in blocs) else 0}
    for bloc in blocs:
        if bloc.tableau:
            for colonne, champ in enumerate(bloc.champs, start=1):
                large = len(bloc.champs) > COLONNES_ETROITES  # many columns: narrower, headers wrap
                largeur = _LARGEURS.get(champ.genre, (20 if large else 30) if len(bloc.champs) > 3 else 60)
                largeur = min(largeur, 24) if large else largeur
                largeurs[colonne] = max(largeurs.get(colonne, 0), largeur,
                                        min(len(champ.libelle) * 0.9 + 3, 16 if large else 24))
    if any(not b.tableau for b in blocs):
        largeurs[2] = max(largeurs.get(2, 0), 60)
    for colonne, largeur in largeurs.items():
        ws.column_dimensions[get_column_letter(colonne)].width = largeur


#: Column width units an A4 page prints at 100 % (measured on LibreOffice's PDF): portrait, landscape.
LARGEUR_PORTRAIT, LARGEUR_PAYSAGE = 150, 220
#: A sheet is printed one page wide down to this scale; wider (the ESSMS table), over several pages
#: side by side (left to right, then down), the first column repeated on each.
ECHELLE_MIN = 0.66
COLONNES_ETROITES = 12  # tables with more columns get narrower ones


def _mise_en_page(ws: Worksheet, ligne_figee: int) -> None:
    """Print each sheet as a readable form: portrait when it fits, else landscape; fit to one page wide
    (several side by side only for the widest tables), title rows (and first column) on every page."""
    ws.freeze_panes = ws.cell(ligne_figee, 1)
    ws.print_title_rows = f"1:{ligne_figee - 1}"
    largeur = sum(d.width or 0 for d in ws.column_dimensions.values())
    paysage = largeur > LARGEUR_PORTRAIT
    ws.page_setup.orientation = "landscape" if paysage else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    capacite = (LARGEUR_PAYSAGE if paysage else LARGEUR_PORTRAIT) / ECHELLE_MIN
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = max(1, -(-int(largeur) // int(capacite))), 0
    if ws.page_setup.fitToWidth > 1:
        ws.print_title_cols = "A:A"
        ws.page_setup.pageOrder = "overThenDown"
    ws.print_options.horizontalCentered = False
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    poser_bandeaux(ws)
    ajuster_hauteurs(ws, 2)


_CONSIGNES = {
    "Porteur": "Le projet et la structure qui dépose le dossier. Les libellés suivis de * sont obligatoires.",
    "Organismes": "Un organisme gestionnaire (OG) par ligne ; son identifiant court (colonne « Id ») sert dans les autres onglets.",
    "ESSMS": "Un établissement ou service par ligne ; « Organisme » reprend l'identifiant de son OG.",
    "Solution": "Le logiciel retenu et son éditeur.",
    "Gouvernance": "Les personnes et instances du projet.",
    "Planning": "Dates au format JJ/MM/AAAA.",
    "Coûts": "Montants en euros ; un poste de coût par ligne.",
    "Matériels": "Le détail du devis de matériel, une ligne par article, rattachée à l'ESSMS par son FINESS ET.",
    "Textes": "Textes du dossier ; pour les listes, une idée par ligne (laisser la colonne A vide pour continuer).",
    "Dépenses": "Dépenses payées (demande de solde), une par ligne.",
}


def _feuille(wb, nom: str, blocs: list[Bloc], donnees: dict | None, listes: dict[str, str]) -> None:
    ws = wb.create_sheet(nom)
    ecrire(ws, 1, 1, f"{nom} — fiche projet", "titre")
    ws.row_dimensions[1].height = 22
    _largeurs(ws, blocs)
    note(ws, 2, _CONSIGNES.get(nom, ""), max(2, max((len(b.champs) for b in blocs if b.tableau), default=2)))
    validations = _Validations(ws, listes)
    ligne = LIGNE_PREMIER_BLOC
    seul_tableau = len(blocs) == 1 and blocs[0].tableau
    for bloc in blocs:
        ecrire(ws, ligne, 1, bloc.titre, "groupe")
        ligne += 1
        if bloc.tableau:
            ligne = _ecrire_tableau(ws, ligne, bloc, donnees, validations) + 1
        else:
            objet = _valeur(donnees, bloc.chemin) if donnees is not None else None
            ligne = _ecrire_formulaire(ws, ligne, bloc, {} if donnees is not None and objet is None else objet,
                                       validations) + 1
    _mise_en_page(ws, LIGNE_PREMIER_BLOC + 2 if seul_tableau else 3)


def _lisez_moi(wb) -> None:
    ws = wb.create_sheet(FEUILLE_LISEZ_MOI)
    ws.column_dimensions["A"].width = 110
    for ligne, (texte, style) in enumerate(LISEZ_MOI, start=1):
        ecrire(ws, ligne, 1, texte, style)
    ecrire(ws, len(LISEZ_MOI) + 2, 1, "Onglets : " + ", ".join(nom for nom, _ in FEUILLES), "note")
    _mise_en_page(ws, 2)


def classeur_fiche(donnees: dict | None = None):
    """The workbook of a project given as model data (``Projet.model_dump()``) or raw JSON data; None: empty."""
    wb = classeur(None)
    _lisez_moi(wb)
    listes = _listes(wb)
    for nom, _ in FEUILLES:
        blocs = [b for b in disposition() if b.feuille == nom]
        if blocs:
            _feuille(wb, nom, blocs, donnees, listes)
    wb.move_sheet(FEUILLE_LISTES, offset=len(wb.sheetnames))
    wb.properties.creator = "dossier"
    wb.properties.title = "Fiche projet ESMS numérique"
    return wb


def ecrire_fiche(donnees: dict | None, dest: Path) -> None:
    """Write the workbook atomically to ``dest``."""
    wb = classeur_fiche(donnees)
    with fichier_temporaire(dest) as tmp:
        wb.save(tmp)
