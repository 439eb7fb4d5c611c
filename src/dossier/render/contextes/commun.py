"""What every part of the Word pieces' context shares: the marker of missing text, the context itself,
text cleaning for Word XML, small formatting helpers and ``Redacteur``, the base of the builder."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal

from ... import identifiers as ids
from ...francais import ESPACE_FINE, ESPACE_INSECABLE, LOCALE, date_longue, nombre
from ...model import Personne, Projet
from ...profiles import Profil
from ...rules import Financement
from .francais import fonction_dans_une_phrase

MARQUEUR = "[À COMPLÉTER : {}]"
NON_RENSEIGNE = "non renseigné"
#: "Fait à" without a commune: a dotted line to fill at signature (not a marker).
POINTILLES = "…………………………"

# XML 1.0 forbids these characters; Word would refuse the file. \t and \n are kept (tab, line break).
_INTERDITS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class ContexteRendu:
    """The Jinja context of the Word pieces and the ``[À COMPLÉTER`` markers it contains."""

    donnees: dict
    marqueurs: list[str] = field(default_factory=list)

    def a_completer(self, quoi: str, champ: str) -> str:
        """A visible marker for missing narrative text, in French words only (the document never shows
        a JSON path); recorded once as "what (champ : path)" so that ``render`` says where to fill it."""
        entree = f"{quoi} (champ : {champ})"
        if entree not in self.marqueurs:
            self.marqueurs.append(entree)
        return MARQUEUR.format(quoi)


# --------------------------------------------------------------------------- small helpers


def nettoyer(texte: str) -> str:
    """Text safe for Word XML: CR/LF normalised to line breaks, forbidden control characters removed."""
    return _INTERDITS_XML.sub("", texte.replace("\r\n", "\n").replace("\r", "\n"))


_A_NETTOYER = re.compile("\r|" + _INTERDITS_XML.pattern)  # what ``nettoyer`` changes


def _nettoyer_tout(donnees: dict) -> dict:
    """``nettoyer`` every text of the context, in place and without recursion (the context of a
    20 000-ESSMS dossier holds about a million values; most texts need nothing)."""
    pile: list = [donnees]
    while pile:
        conteneur = pile.pop()
        for cle, valeur in (conteneur.items() if isinstance(conteneur, dict) else enumerate(conteneur)):
            if isinstance(valeur, str):
                if _A_NETTOYER.search(valeur):
                    conteneur[cle] = nettoyer(valeur)
            elif isinstance(valeur, (dict, list)):
                pile.append(valeur)
    return donnees


def _present(texte: str | None) -> bool:
    return texte is not None and texte.strip() != ""


def _decimal(valeur: Decimal | int | None) -> str:
    """``0.8`` -> ``0,8`` ; ``1`` -> ``1`` (no useless decimals)."""
    if valeur is None:
        return ""
    return format_decimal(valeur, format="#,##0.##", locale=LOCALE).replace(ESPACE_INSECABLE, ESPACE_FINE)


def _entier(valeur: int | None) -> str:
    return NON_RENSEIGNE if valeur is None else nombre(valeur)


def _date_insecable(date: dt.date) -> str:
    """``30 septembre 2024`` never split over two lines (no-break spaces)."""
    return date_longue(date).replace(" ", ESPACE_INSECABLE)


def _periode(debut: dt.date | None, fin: dt.date | None) -> str:
    if debut and fin:
        return f"du {_date_insecable(debut)} au {_date_insecable(fin)}"
    if debut:
        return f"à partir du {_date_insecable(debut)}"
    if fin:
        return f"jusqu'au {_date_insecable(fin)}"
    return "dates à préciser dans le planning"


def _lignes(textes: list[str]) -> str:
    """Several values in one table cell, one per line (real line breaks in Word)."""
    return "\n".join(textes)


def personne(p: Personne | None) -> dict:
    """A person as the templates use it; every key always present."""
    if p is None:
        return {"civilite": "", "nom": "", "fonction": "", "email": "", "complet": "",
                "avec_fonction": "", "fonction_phrase": "", "soussigne": "soussigné(e)", "accord": "(e)",
                "renseigne": False}
    complet = f"{p.civilite} {p.nom}" if _present(p.civilite) else p.nom
    civ = (p.civilite or "").strip().lower().rstrip(".")
    accord = {"mme": "e", "madame": "e", "mlle": "e", "m": "", "monsieur": ""}.get(civ, "(e)")
    return {
        "civilite": p.civilite or "", "nom": p.nom, "fonction": p.fonction, "email": p.email or "",
        "complet": complet, "avec_fonction": f"{complet}, {p.fonction}", "soussigne": f"soussigné{accord}",
        "fonction_phrase": fonction_dans_une_phrase(p.fonction),
        "accord": accord,
        "renseigne": True,
    }


def _identification(siret: str | None, finess_ej: str | None) -> str:
    parts = []
    if siret:
        parts.append(f"SIRET {ids.formater_siret(siret)}")
    if finess_ej:
        parts.append(f"FINESS EJ {finess_ej}")
    return " – ".join(parts)


class Redacteur:
    """The builder's state (project, funding, profile, context) and how narrative text becomes a marker."""

    def __init__(self, projet: Projet, fin: Financement, profil: Profil):
        self.projet = projet
        self.fin = fin
        self.profil = profil
        self.ctx = ContexteRendu({})

    # narrative text: the value, or a recorded marker
    def texte(self, valeur: str | None, cle: str, quoi: str) -> str:
        return valeur if _present(valeur) else self.ctx.a_completer(quoi, cle)

    def textes(self, valeurs: list[str] | None, cle: str, quoi: str) -> list[str]:
        presents = [v for v in (valeurs or []) if _present(v)]
        return presents or [self.ctx.a_completer(quoi, cle)]

    def membre(self, p: Personne | None, cle: str, quoi: str) -> dict:
        d = personne(p)
        if p is None:
            marqueur = self.ctx.a_completer(f"{quoi} (nom et fonction)", cle)
            d.update(nom=marqueur, complet=marqueur, avec_fonction=marqueur, fonction="—")
        return d
