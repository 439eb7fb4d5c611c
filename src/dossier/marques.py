"""Marks ``render`` puts in the pieces it writes, and how ``checklist`` reads them back (pieces.md,
revised round 3).

A generated file says who made it and whether it must be signed: in an Office file (docx, xlsx) the
core properties (``cp:contentStatus`` « à signer », ``dc:identifier`` ``dossier:<empreinte>``) and the
application (``Application`` « dossier » in ``docProps/app.xml``); in a PDF the document information
(``/Creator`` « dossier », and the keys ``/DossierStatut`` and ``/DossierEmpreinte``).

The empreinte is a hash of what a person would change by editing the file (the Office parts other
than the properties; the PDF's page contents and annotations), so a file edited after ``render`` is no
longer taken for the generated one. A file carrying the marks, unchanged, with no signature (no
signature field in a PDF, no ``_xmlsignatures`` in an Office file) is still to be signed.

Low level: read by ``checklist``, written by ``render/marquage``; imports nothing of the project.
"""

from __future__ import annotations

import hashlib
import zipfile
from typing import BinaryIO

GENERATEUR = "dossier"
A_SIGNER = "à signer"
PREFIXE_EMPREINTE = "dossier:"
PARTIES_PROPRIETES = ("docProps/core.xml", "docProps/app.xml")
CLE_STATUT_PDF = "/DossierStatut"
CLE_EMPREINTE_PDF = "/DossierEmpreinte"
MESSAGE_A_SIGNER = ("fichier généré par dossier, non signé : le faire signer et déposer le scan "
                    "(ou le PDF signé électroniquement)")


def empreinte_office(archive: zipfile.ZipFile) -> str:
    """Hash of every part of an Office file except its properties (names and contents, sorted)."""
    h = hashlib.sha256()
    for nom in sorted(archive.namelist()):
        if nom in PARTIES_PROPRIETES:
            continue
        h.update(nom.encode("utf-8") + b"\0")
        with archive.open(nom) as flux:
            for bloc in iter(lambda: flux.read(1 << 20), b""):
                h.update(bloc)
        h.update(b"\0")
    return h.hexdigest()[:32]


def empreinte_pdf(lecteur) -> str:
    """Hash of a PDF's pages as drawn: content streams and the kinds of annotations (a drawn or stamped
    signature adds one) of every page; ``lecteur`` is a ``pypdf.PdfReader``."""
    h = hashlib.sha256()
    for page in lecteur.pages:
        contenu = page.get_contents()
        h.update(contenu.get_data() if contenu is not None else b"")
        annotations = page.get("/Annots")
        for annotation in (annotations.get_object() if annotations is not None else []):
            h.update(str(annotation.get_object().get("/Subtype")).encode())
        h.update(b"\0page\0")
    return h.hexdigest()[:32]


def pdf_signe(lecteur) -> bool:
    """The PDF holds a signature: a form field of type ``/Sig`` with a value, or a ``/Perms`` entry."""
    racine = lecteur.trailer["/Root"]
    if "/Perms" in racine:
        return True
    try:
        champs = lecteur.get_fields() or {}
    except Exception:  # damaged form: no signature read
        return False
    return any(c.get("/FT") == "/Sig" and c.get("/V") is not None for c in champs.values())


def pdf_a_signer(lecteur) -> bool:
    """The PDF is the one ``render`` marked « à signer », unchanged, and holds no signature."""
    infos = lecteur.metadata or {}
    if infos.get(CLE_STATUT_PDF) != A_SIGNER or not infos.get(CLE_EMPREINTE_PDF):
        return False
    if pdf_signe(lecteur):
        return False
    return infos.get(CLE_EMPREINTE_PDF) == empreinte_pdf(lecteur)


def office_a_signer(archive: zipfile.ZipFile) -> bool:
    """The Office file is the one ``render`` marked « à signer », unchanged, and holds no signature."""
    from xml.etree import ElementTree

    if "docProps/core.xml" not in archive.namelist():
        return False
    if any(n.startswith("_xmlsignatures/") for n in archive.namelist()):
        return False
    with archive.open("docProps/core.xml") as flux:
        racine = ElementTree.parse(flux).getroot()
    valeurs = {e.tag.rsplit("}", 1)[-1]: (e.text or "") for e in racine}
    identifiant = valeurs.get("identifier", "")
    if valeurs.get("contentStatus") != A_SIGNER or not identifiant.startswith(PREFIXE_EMPREINTE):
        return False
    return identifiant[len(PREFIXE_EMPREINTE):] == empreinte_office(archive)


def fichier_a_signer(f: BinaryIO, extension: str) -> bool:
    """``f`` (an open, already checked piece file) is a generated file still to be signed."""
    f.seek(0)
    try:
        if extension == ".pdf":
            from pypdf import PdfReader

            return pdf_a_signer(PdfReader(f))
        if extension in (".docx", ".xlsx"):
            with zipfile.ZipFile(f) as archive:
                return office_a_signer(archive)
    except Exception:  # damaged file: its other checks report it
        return False
    return False
