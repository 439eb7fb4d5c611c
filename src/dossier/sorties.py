"""Outputs of the commands: JSON documents (contract.md) and French terminal tables (rich)."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from babel.numbers import format_decimal
from rich.table import Table

from .campaigns import Campagne, campagnes_disponibles, charger_campagne
from .errors import Probleme
from .render.formatting import montant, pourcentage
from .rules import Controle, Financement, recevable


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
        },
        "sources": fin.sources,
    }


def check_json(controles: list[Controle]) -> dict:
    return {"recevable": recevable(controles), "controles": [c.json() for c in controles]}


# --------------------------------------------------------------------------- terminal


def afficher_problemes(console: Console, problemes: list[Probleme]) -> None:
    for p in problemes:
        console.print(f"  - {p}", markup=False, highlight=False)


def afficher_check(console: Console, controles: list[Controle]) -> None:
    echecs = [c for c in controles if not c.ok]
    for c in echecs:
        console.print(f"[bold]{c.niveau.upper()}[/bold] {c.id} : ", end="", style="red" if c.niveau == "erreur" else "yellow")
        console.print(c.message, markup=False, highlight=False)
    n_err = sum(1 for c in echecs if c.niveau == "erreur")
    n_al = len(echecs) - n_err
    bilan = "recevable" if recevable(controles) else "NON RECEVABLE"
    console.print(
        f"{bilan} : {len(controles)} contrôles, {len(controles) - len(echecs)} conformes, "
        f"{n_err} erreur{'s' if n_err > 1 else ''}, {n_al} alerte{'s' if n_al > 1 else ''}",
        style="bold green" if recevable(controles) else "bold red", markup=False,
    )


def afficher_financement(console: Console, fin: Financement) -> None:
    p = fin.projet
    g = fin.guichet
    tva = p.porteur.regime_tva
    guichet = f"régional — ARS {g.ars}" if g.guichet == "regional" else "national — CNSA"
    console.print(f"{p.intitule}", style="bold", markup=False)
    console.print(
        f"Campagne {fin.campagne.annee} · {'acquisition' if p.type_projet == 'acquisition' else 'mise à niveau'} · "
        f"{len(p.essms)} ESSMS · région(s) : {', '.join(g.regions)}{' (multirégional)' if g.multiregional else ''} · "
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
        console.print(f"SONS (versé directement à l'éditeur, hors subvention) : Prestation Ségur {montant(fin.sons.total)}, "
                      f"dont avance {montant(fin.sons.avance)}", markup=False, highlight=False)
    for c in fin.alertes:
        console.print(f"{c.niveau.upper()} {c.id} : {c.message}", style="yellow", markup=False, highlight=False)
    console.print("Sources : " + " ; ".join(fin.sources), style="dim", markup=False, highlight=False)


def afficher_campagnes(console: Console) -> None:
    table = Table(title="Campagnes connues", title_justify="left")
    for col in ("Campagne", "Données", "Sources"):
        table.add_column(col)
    for annee in campagnes_disponibles():
        c: Campagne = charger_campagne(annee)
        statut = "complètes" if c.complete else "guichet et calendrier seulement (montants non renseignés)"
        table.add_row(annee, statut, "\n".join(c.sources.values()))
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
    if rapport.marqueurs:
        console.print(f"{len(rapport.marqueurs)} texte(s) à compléter dans le projet :", style="bold yellow", markup=False)
        for m in rapport.marqueurs:
            console.print(f"  - {m}", markup=False, highlight=False)
    else:
        console.print(f"{len(rapport.fichiers)} fichier(s) écrit(s), aucun texte à compléter", style="green", markup=False)
