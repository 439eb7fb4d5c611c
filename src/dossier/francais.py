"""French formatting shared by the terminal, Word and Excel (babel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern

LOCALE = "fr_FR"
ESPACE_FINE = "\u202f"  # narrow no-break space: thousands separator
ESPACE_INSECABLE = "\u00a0"

#: Excel number formats (French display whatever the reader's locale, numbers stay numbers).
FORMAT_EXCEL_MONTANT = '#,##0.00\\ "€"'
FORMAT_EXCEL_NOMBRE = "#,##0"
FORMAT_EXCEL_HEURES = "#,##0.##"
FORMAT_EXCEL_POURCENT = "0.0%"
FORMAT_EXCEL_DATE = "dd/mm/yyyy"


@cache
def _motif(decimales: int) -> NumberPattern:
    """The parsed number pattern (babel parses a pattern given as text at every call)."""
    return parse_pattern("#,##0" + ("." + "0" * decimales if decimales else ""))


@cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


@lru_cache(maxsize=8192)
def nombre(valeur: Decimal | int | float, decimales: int = 0) -> str:
    """``1234567`` -> ``1 234 567`` (narrow no-break space); remembered, since a dossier formats the same
    forfaits for every ESSMS (equal numbers give the same text: ``7000`` and ``Decimal("7000.00")``)."""
    return format_decimal(valeur, format=_motif(decimales), locale=_locale()).replace(ESPACE_INSECABLE, ESPACE_FINE)


def montant(valeur: Decimal | int | float) -> str:
    """``1234567.5`` -> ``1 234 567,50 €``."""
    return f"{nombre(valeur, 2)}{ESPACE_INSECABLE}€"


def pourcentage(part: Decimal | float, decimales: int = 1) -> str:
    """``0.8077`` -> ``80,8 %``."""
    return f"{nombre(Decimal(str(part)) * 100, decimales)}{ESPACE_FINE}%"


def date_longue(date: dt.date | None) -> str:
    """``2024-03-01`` -> ``1er mars 2024``; ``2023-01-16`` -> ``16 janvier 2023``."""
    if date is None:
        return ""
    texte = format_date(date, "d MMMM y", locale=LOCALE)
    return "1er" + texte[1:] if date.day == 1 else texte


def date_courte(date: dt.date | None) -> str:
    """``2024-03-01`` -> ``01/03/2024``."""
    return date.strftime("%d/%m/%Y") if date else ""
