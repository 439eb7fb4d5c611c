"""A small FINESS extract in the exact format of the spec (finess-extract.md), built by the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import fabrique

EJ_CALVADOS = fabrique.finess("14", 9_000)
EJ_MANCHE = fabrique.finess("50", 9_001)
EHPAD = fabrique.finess("14", 1_000)
SSIAD_MANCHE_EJ_CALVADOS = fabrique.finess("50", 1_001)  # its EJ is in another département
LIEU_DE_VIE = fabrique.finess("14", 1_002)
HOPITAL = fabrique.finess("14", 1_003)
CORSE = fabrique.finess("2A", 1_004)
REUNION = fabrique.finess("9704", 1_005)
FERME = fabrique.finess("14", 1_006)  # closed: absent from the stock file
NOM_GUILLEMETS = 'LIEU DE VIE "MAVOUNA MEMA 1"'


def _ligne(et: str, ej: str, rs: str, commune: str, dep: str, libdep: str, acheminement: str, cat: str,
           libcat: str, siret: str = "") -> list[str]:
    champs = ["structureet", et, ej, rs.upper()[:38], rs, "", "", "1", "R", "DES LILAS", "", "", commune, dep,
              libdep, acheminement, "0231000000", "", cat, libcat, "4401", "agrégat", siret, "8710A", "21",
              "ARS", "", "", "2001-01-01", "2001-01-01", "2024-01-01", ""]
    return champs + [""]  # rows end with a trailing ";"


LIGNES = [
    _ligne(EHPAD, EJ_CALVADOS, "EHPAD Les Tilleuls; site nord", "118", "14", "CALVADOS", "14000 CAEN", "500", "EHPAD",
           fabrique.siret(1)),
    _ligne(SSIAD_MANCHE_EJ_CALVADOS, EJ_CALVADOS, "SSIAD du Cotentin", "129", "50", "MANCHE", "50100 CHERBOURG CEDEX",
           "354", "SSIAD"),
    _ligne(LIEU_DE_VIE, EJ_CALVADOS, NOM_GUILLEMETS, "118", "14", "CALVADOS", "14000 CAEN", "500", "EHPAD"),
    _ligne(HOPITAL, EJ_CALVADOS, "Centre hospitalier", "118", "14", "CALVADOS", "14000 CAEN", "355", "CH"),
    _ligne(CORSE, EJ_MANCHE, "EHPAD d'Ajaccio", "004", "2A", "CORSE DU SUD", "20000 AJACCIO", "500", "EHPAD"),
    _ligne(REUNION, EJ_MANCHE, "EHPAD de Saint-Denis", "411", "9D", "LA REUNION", "97400 SAINT DENIS", "500", "EHPAD"),
]


def ecrire_extrait(dossier: Path, encodage: str = "utf-8", nom: str = "etalab-cs1100502-stock-20260512-0336.csv") -> Path:
    tampon = io.StringIO()
    tampon.write("finess;etalab;100;2026-05-12\n")
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\n")
    for ligne in LIGNES:
        ecrivain.writerow(ligne)
    ecrivain.writerow(["structureet", "123456789", EJ_CALVADOS, "FAUX"])  # invalid FINESS, short row
    ecrivain.writerow(["structureet", fabrique.finess("14", 1_007), EJ_MANCHE, "COURTE"])  # short row, valid
    ecrivain.writerow(["geolocalisation", EHPAD, "455000.1", "6900000.2", "IGN", "2024-01-01"])
    chemin = dossier / nom
    chemin.write_bytes(tampon.getvalue().encode(encodage))
    return chemin
