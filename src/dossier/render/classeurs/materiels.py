"""The equipment workbook: priced list per ESSMS and where each item goes (plan d'implantation)."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook

from ...model import Projet
from ...rules import Financement
from .commun import (en_tetes, entete, ecrire, formule, fusionner, largeur_texte, largeurs, libelle_tva, ligne_styles,
                     note)
from .impression import mise_en_page

FEUILLE_MATERIELS = "Matériels"

_SOUS_TOTAL_DEVIS = "Sous-total du devis"
_MONTANT_FINANCE = "Montant financé par l'aide ESMS numérique"


def _somme_si(premiere: int, derniere: int, libelle: str) -> str:
    """Sum of column D over the rows labelled ``libelle``: one ``+D…`` per ESSMS would pass Excel's
    8 192-character formula limit from about 1 100 equipped ESSMS (Excel then calls the file corrupt)."""
    return f'=SUMIF($A${premiere}:$A${derniere},"{libelle}",$D${premiere}:$D${derniere})'


def construire_materiels(wb: Workbook, projet: Projet, fin: Financement) -> None:
    ws = wb.create_sheet(FEUILLE_MATERIELS)
    ligne = entete(ws, "Liste chiffrée des matériels et plan d'implantation", projet)
    plafond = fin.campagne.valeur("petits_og.materiel_plafond", 20000)
    ecrire(ws, ligne, 1, "Plafond par ESSMS (ESSMS d'un petit organisme gestionnaire)", "etiquette")
    ecrire(ws, ligne, 4, Decimal(str(plafond)), "valeur-montant")
    cellule_plafond = f"$D${ligne}"
    note(ws, ligne + 1, libelle_tva(projet) + " Montant financé : le devis dans la limite du plafond pour un ESSMS d'un "
          "petit organisme gestionnaire, 0 sinon.", 6)
    ligne_entete = ligne + 3
    colonnes = ("Désignation", "Quantité", "Prix unitaire", "Total", "Référence du devis", "Emplacement")
    en_tetes(ws, ligne_entete, colonnes)
    lignes_fin = {le.essms.finess_et: le for le in fin.essms}
    petits = {o.id: o.petit for o in fin.organismes}
    noms_og = {og.id: og.raison_sociale for og in projet.organismes}
    r = ligne_entete
    textes_a, textes_f = [], []
    equipes = [e for e in projet.essms if e.materiel is not None]
    blocs = []
    for e in equipes:
        m = e.materiel
        r += 1
        debut_bloc = r
        groupe = f"{e.nom} — FINESS ET {e.finess_et} — {noms_og.get(e.organisme, e.organisme)}"
        ecrire(ws, r, 1, groupe, "groupe")
        ligne_styles(ws, r, 2, 6, "groupe")
        lignes = m.lignes or []
        premiere = r + 1
        if lignes:
            for l in lignes:
                r += 1
                ecrire(ws, r, 1, l.designation, "texte")
                ecrire(ws, r, 2, l.quantite, "nombre")
                ecrire(ws, r, 3, l.prix_unitaire, "montant")
                formule(ws, r, 4, f"=B{r}*C{r}", "montant")
                ecrire(ws, r, 5, m.reference_devis or "", "texte")
                ecrire(ws, r, 6, l.emplacement or "", "texte")
                textes_a.append(l.designation)
                textes_f.append(l.emplacement or "")
        else:
            r += 1
            ecrire(ws, r, 1, "Devis global", "texte")
            ecrire(ws, r, 2, 1, "nombre")
            ecrire(ws, r, 3, m.devis, "montant")
            formule(ws, r, 4, f"=B{r}*C{r}", "montant")
            ecrire(ws, r, 5, m.reference_devis or "", "texte")
            ecrire(ws, r, 6, "", "texte")
        r += 1
        r_sous_total = r
        ecrire(ws, r, 1, _SOUS_TOTAL_DEVIS, "total")
        ligne_styles(ws, r, 2, 3, "total")
        formule(ws, r, 4, f"=SUM(D{premiere}:D{r - 1})", "total-montant")
        ligne_styles(ws, r, 5, 6, "total")
        r += 1
        ecrire(ws, r, 1, _MONTANT_FINANCE, "texte")
        ligne_styles(ws, r, 2, 3, "vide")
        ligne_fin = lignes_fin.get(e.finess_et)
        if petits.get(e.organisme):
            formule(ws, r, 4, f"=MIN({cellule_plafond},D{r_sous_total})", "total-montant")
            formule(ws, r, 5, f'=IF(D{r_sous_total}>{cellule_plafond},"plafond appliqué","dans la limite du plafond")',
                     "texte")
        else:
            ecrire(ws, r, 4, ligne_fin.materiel if ligne_fin else Decimal(0), "total-montant")
            ecrire(ws, r, 5, "non financé : organisme gestionnaire non « petit »", "texte")
        fusionner(ws, r, 5, 6)
        blocs.append((debut_bloc, r))
    if not equipes:
        r += 1
        ecrire(ws, r, 1, "Aucun financement de matériel demandé", "texte")
        ligne_styles(ws, r, 2, 6, "vide")
    r += 2
    ecrire(ws, r, 1, "Total des devis", "total")
    ligne_styles(ws, r, 2, 3, "total")
    formule(ws, r, 4, _somme_si(ligne_entete + 1, r - 2, _SOUS_TOTAL_DEVIS), "total-montant")
    ligne_styles(ws, r, 5, 6, "total")
    r += 1
    ecrire(ws, r, 1, "Total financé par l'aide ESMS numérique (matériel)", "total")
    ligne_styles(ws, r, 2, 3, "total")
    formule(ws, r, 4, _somme_si(ligne_entete + 1, r - 3, _MONTANT_FINANCE), "total-montant")
    ligne_styles(ws, r, 5, 6, "total")
    largeurs(ws, {1: largeur_texte(textes_a + [_MONTANT_FINANCE], 36, 55),
                   2: 10, 3: 14, 4: 15, 5: 22, 6: largeur_texte(textes_f + ["Emplacement"], 18, 40)})
    if blocs:  # the grand totals stay with the last block
        blocs[-1] = (blocs[-1][0], r)
    mise_en_page(ws, ligne_entete, ligne_entete + 1, 6, blocs=blocs or [(r - 1, r)])
