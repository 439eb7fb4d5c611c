"""Outputs of the commands: JSON documents (contract.md) and French terminal tables (rich)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rich.console import Console
from babel.numbers import format_decimal
from rich.table import Table
from rich.text import Text

from .campaigns import Campagne, campagnes_disponibles, charger_campagne, informations
from .errors import Probleme
from .francais import date_longue, montant, nombre, pourcentage
from .rules.cumul import valeurs_reprises
from .rules import Controle, Financement, accord, recevable


def nombre_json(valeur: Decimal) -> int | float:
    """Decimal euros as a JSON number (integer when whole)."""
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


def financement_json(fin: Financement) -> dict:
    p = fin.projet
    t = fin.totaux
    return {
        "campagne": fin.campagne.annee,
        "type_projet": p.type_projet,
        "regime_tva": p.porteur.regime_tva,
        "nb_essms": len(p.essms),
        "regions": fin.guichet.regions,
        "multiregional": fin.guichet.multiregional,
        "guichet": fin.guichet.guichet,
        "ars": fin.guichet.ars,
        "essms": [
            {
                "finess_et": le.essms.finess_et, "nom": le.essms.nom, "organisme": le.essms.organisme,
                "rang": le.rang, "part_ms": float(le.part_ms), "usages": nombre_json(le.usages),
                "logiciel": nombre_json(le.logiciel), "materiel": nombre_json(le.materiel),
                "total": nombre_json(le.total),
            }
            for le in fin.essms
        ],
        "organismes": [
            {
                "id": o.id, "raison_sociale": o.raison_sociale, "petit": o.petit, "nb_essms": o.nb_essms,
                "nb_essms_total": o.nb_essms_total, "usages": nombre_json(o.usages),
                "logiciel": nombre_json(o.logiciel), "materiel": nombre_json(o.materiel),
                "amoa": nombre_json(o.amoa), "sad": nombre_json(o.sad), "total": nombre_json(o.total),
            }
            for o in fin.organismes
        ],
        "totaux": {k: nombre_json(v) for k, v in t.items()},
        "versements": {"avance": nombre_json(fin.avance), "solde": nombre_json(fin.solde)},
        "alertes": [c.json() for c in fin.alertes],
        "sons": None if fin.sons is None else {
            "prestation_segur_total": nombre_json(fin.sons.total),
            "avance_editeur": nombre_json(fin.sons.avance),
            "solde_editeur": nombre_json(fin.sons.total - fin.sons.avance),
            "par_essms": [{"finess_et": e.finess_et, "nom": e.nom, "montant": nombre_json(m)} for e, m in fin.sons.par_essms],
            "source": fin.sons.source,
            "nature": fin.sons.nature,
            "exemple": fin.sons.exemple,
        },
        "valeurs_reprises": valeurs_reprises(fin.campagne, fin.sons is not None),
        "sources": fin.sources,
        "recevable": fin.recevable,
        "controles_en_echec": list(dict.fromkeys(c.id for c in fin.controles_en_echec)),
    }


def check_json(controles: list[Controle]) -> dict:
    return {"recevable": recevable(controles), "controles": [c.json() for c in controles]}


# --------------------------------------------------------------------------- terminal


def afficher_problemes(console: Console, problemes: list[Probleme]) -> None:
    for p in problemes:
        console.print(f"  - {p}", markup=False, highlight=False)


def _resultat(c: Controle) -> tuple[str, str]:
    """French result of a check and its colour."""
    if c.ok:
        return "conforme", "green"
    return ("erreur", "red") if c.niveau == "erreur" else ("à revoir", "yellow")


def afficher_profil(console: Console, p) -> None:
    """The deposit profile, said when chosen from région and campaign; an alerte when the one named belongs
    to another région or campaign (``validate``)."""
    from .rules.profil_depot import ecarts_profil, profil_du_projet, region_du_projet

    profil = profil_du_projet(p)
    choix = "" if p.depot.profil else f", choisi d'après la région {region_du_projet(p)} et la campagne {p.campagne}"
    console.print(f"profil de dépôt : {profil.nom}{choix}", markup=False, highlight=False)
    for ecart in ecarts_profil(p):
        console.print(f"ALERTE profil-depot : {ecart}", style="yellow", markup=False, highlight=False)


def afficher_a_completer(console: Console, manques: list) -> None:
    """``validate``'s second list: the fields a complete dossier still needs, by section of the fiche.

    Fields of one list item (``essms[3]``) are shown on one line."""
    if not manques:
        console.print("rien à compléter : le dossier est complet", style="green", markup=False)
        return
    console.print(f"à compléter pour un dossier complet ({accord(len(manques), 'champ', 'champs')}) :", style="bold yellow",
                  markup=False)
    rubrique = None
    groupes: dict[str, list] = {}
    for m in manques:
        parent, _, champ = m.chemin.rpartition(".")
        cle = parent if parent.endswith("]") else m.chemin
        groupes.setdefault((m.rubrique, cle), []).append((champ, m))
    for (nom, cle), champs in groupes.items():
        if nom != rubrique:
            rubrique = nom
            console.print(f"  {nom}", style="bold", markup=False)
        if len(champs) == 1:
            console.print(f"    - {champs[0][1]}", markup=False, highlight=False)
        else:
            console.print(f"    - {cle} : " + ", ".join(champ for champ, _ in champs), markup=False, highlight=False)


def afficher_check(console: Console, controles: list[Controle]) -> None:
    """Every check run, as a table (id, niveau, résultat, message), then the summary line."""
    table = Table(title="Contrôles de recevabilité", title_justify="left")
    table.add_column("Contrôle", no_wrap=True)
    table.add_column("Niveau", no_wrap=True)
    table.add_column("Résultat", no_wrap=True)
    table.add_column("Message")
    for c in controles:
        resultat, couleur = _resultat(c)
        table.add_row(c.id, c.niveau, Text(resultat, style=couleur), Text(c.message))
    console.print(table)
    echecs = [c for c in controles if not c.ok]
    n_err = sum(1 for c in echecs if c.niveau == "erreur")
    n_al = len(echecs) - n_err
    bilan = "recevable" if recevable(controles) else "NON RECEVABLE"
    console.print(
        f"{bilan} : {accord(len(controles), 'contrôle', 'contrôles')}, "
        f"{accord(len(controles) - len(echecs), 'conforme', 'conformes')}, "
        f"{accord(n_err, 'erreur', 'erreurs')}, {accord(n_al, 'alerte', 'alertes')}",
        style="bold green" if recevable(controles) else "bold red", markup=False,
    )


def afficher_echecs(console: Console, fin: Financement) -> None:
    """The failed erreur-level checks of a non-recevable project, before its amounts (rules.md §10)."""
    echecs = fin.controles_en_echec
    console.print(f"NON RECEVABLE : {accord(len(echecs), 'contrôle en échec', 'contrôles en échec')} "
                  "(montants calculés à titre indicatif)", style="bold red", markup=False)
    for c in echecs:
        console.print(f"ERREUR {c.id} : {c.message}", style="red", markup=False, highlight=False)


def afficher_financement(console: Console, fin: Financement) -> None:
    if not fin.recevable:
        afficher_echecs(console, fin)
    p = fin.projet
    g = fin.guichet
    tva = p.porteur.regime_tva
    guichet = f"régional — ARS {g.ars}" if g.guichet == "regional" else "national — CNSA"
    console.print(f"{p.intitule}", style="bold", markup=False)
    console.print(
        f"Campagne {fin.campagne.annee} · {'acquisition' if p.type_projet == 'acquisition' else 'mise à niveau'} · "
        f"{len(p.essms)} ESSMS · {'régions' if len(g.regions) > 1 else 'région'} : {', '.join(g.regions)}{' (multirégional)' if g.multiregional else ''} · "
        f"guichet {guichet} · montants {tva}", markup=False, highlight=False,
    )
    table = Table(title=f"Forfaits par ESSMS ({tva})", title_justify="left")
    for col in ("Rang", "ESSMS", "FINESS ET", "Part MS", "Usages", "Logiciel", "Matériel", "Total"):
        table.add_column(col, justify="left" if col in ("ESSMS", "FINESS ET") else "right", no_wrap=col != "ESSMS")
    for le in fin.essms:
        table.add_row(str(le.rang), le.essms.nom, le.essms.finess_et,
                      pourcentage(le.part_ms) if le.essms.heures_saad else "", montant(le.usages),
                      montant(le.logiciel), montant(le.materiel), montant(le.total))
    console.print(table)
    og = Table(title="Par organisme gestionnaire", title_justify="left")
    for col in ("Organisme", "Petit OG", "ESSMS", "Usages", "Logiciel", "Matériel", "AMOA", "SAD", "Total"):
        og.add_column(col, justify="left" if col == "Organisme" else "right", no_wrap=col != "Organisme")
    for o in fin.organismes:
        petit = "" if o.petit is None else ("oui" if o.petit else "non")
        og.add_row(o.raison_sociale, petit, str(o.nb_essms), montant(o.usages), montant(o.logiciel),
                   montant(o.materiel), montant(o.amoa), montant(o.sad), montant(o.total))
    t = fin.totaux
    og.add_row("Total", "", str(len(p.essms)), *(montant(t[k]) for k in ("usages", "logiciel", "materiel", "amoa", "sad", "total")),
               style="bold")
    console.print(og)
    console.print(f"Avance (à la signature de la convention) : {montant(fin.avance)} · solde (fin de projet) : {montant(fin.solde)}",
                  markup=False, highlight=False)
    if fin.sons:
        console.print(f"SONS (versé directement à l'éditeur, hors subvention), {fin.sons.nature} : Prestation Ségur "
                      f"{montant(fin.sons.total)}, dont avance {montant(fin.sons.avance)}", markup=False, highlight=False)
        if fin.sons.exemple:
            console.print(f"  montants tirés de l'exemple : {fin.sons.exemple}", markup=False, highlight=False)
    for r in valeurs_reprises(fin.campagne, fin.sons is not None):
        console.print(f"{r['libelle']} : {r['note']} ({r['source']})", style="dim", markup=False, highlight=False)
    for c in fin.alertes:
        if c not in fin.controles_en_echec:  # those were printed first
            console.print(f"{c.niveau.upper()} {c.id} : {c.message}", style="yellow", markup=False, highlight=False)
    console.print("Sources : " + " ; ".join(fin.sources), style="dim", markup=False, highlight=False)


def afficher_campagnes(console: Console, avec_sources: bool = False) -> None:
    table = Table(title="Campagnes connues", title_justify="left")
    for col in ("Campagne", "Données", "Sources"):
        table.add_column(col)
    for annee in campagnes_disponibles():
        c: Campagne = charger_campagne(annee)
        statut = "complètes" if c.complete else "guichet et calendrier seulement (montants non renseignés)"
        table.add_row(annee, statut, "\n".join(c.sources.values()))
    console.print(table)
    for annee in campagnes_disponibles():  # facts no rule reads (issue 21: 2025/100)
        for info in informations(charger_campagne(annee)):
            console.print(f"Campagne {annee}, pour information : {info.valeur} ({info.source} : « {info.citation} »)"
                          + (f" — {info.note}" if info.note else ""), markup=False, highlight=False)
    if avec_sources:
        for annee in campagnes_disponibles():
            afficher_sources(console, charger_campagne(annee))


#: Campaign values that are euros (the others are counts, ranks, dates or shares).
_EUROS = ("forfaits.", "petits_og.materiel_plafond", "petits_og.amoa", "petits_og.sad", "sons.prestation_segur")


def valeur_lisible(chemin: str, valeur: Any) -> str:
    """A campaign value in French: ``7 000 € / 2 000 €``, ``15 février 2023``, ``30 %``, ``oui``."""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dt.date):
        return date_longue(valeur)
    if isinstance(valeur, float):
        return pourcentage(valeur, 0)
    if isinstance(valeur, list):
        return " / ".join(valeur_lisible(chemin, v) for v in valeur)
    if isinstance(valeur, int):
        return f"{nombre(valeur)}\u00a0€" if chemin.startswith(_EUROS) else nombre(valeur)
    return str(valeur)


def afficher_sources(console: Console, c: Campagne) -> None:
    """Every value of a campaign with its source, note and the excerpt of the text that contains it."""
    table = Table(title=f"Campagne {c.annee} : valeurs et sources", title_justify="left")
    for col in ("Paramètre", "Valeur", "Source", "Extrait du texte"):
        table.add_column(col, no_wrap=col == "Paramètre")
    for chemin, p, cle in c.parametres():
        ou = f" ({c.fichiers[cle]})" if cle in c.fichiers else (f" ({c.adresses[cle]})" if cle in c.adresses else "")
        source = p.source + ou + (f" — {p.note}" if p.note else "")
        table.add_row(chemin, valeur_lisible(chemin, p.valeur), Text(source),
                      Text(f"« {p.citation} »" if p.citation else "—"))
    console.print(table)


def taille_lisible(octets: int) -> str:
    """``12345`` -> ``12,1 ko``."""
    if octets < 1024:
        return f"{octets} o"
    return f"{format_decimal(octets / 1024, format='#,##0.0', locale='fr_FR')} ko"


def afficher_rendu(console: Console, rapport) -> None:
    table = Table(title=f"Pièces écrites dans {rapport.dossier}", title_justify="left")
    table.add_column("Fichier")
    table.add_column("Taille", justify="right")
    for f in rapport.fichiers:
        table.add_row(f.nom, taille_lisible(f.taille))
    console.print(table)
    for c in rapport.alertes:
        console.print(f"{c.niveau.upper()} {c.id} : {c.message}", style="yellow", markup=False, highlight=False)
    a_completer = list(rapport.marqueurs) + list(getattr(rapport, "constats", []))
    if a_completer:
        console.print(f"{len(a_completer)} texte(s) à compléter dans le projet :", style="bold yellow", markup=False)
        for m in a_completer:
            console.print(f"  - {m}", markup=False, highlight=False)
    else:
        console.print(f"{len(rapport.fichiers)} fichier(s) écrit(s), aucun texte à compléter", style="green", markup=False)
