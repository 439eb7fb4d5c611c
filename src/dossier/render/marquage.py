"""Marking of the files ``render`` (and ``usages rapport``) writes: generator « dossier » and, for a
piece to sign, « à signer » with an empreinte of the content (see ``dossier.marques``).

Called on the finished files in the temporary folder, before they are moved into place: the Office
files once written, the PDFs once converted. Zip entries keep their dates and order, so marking does
not change whether an Office file is reproducible.
"""

from __future__ import annotations

import copy
import os
import shutil
import zipfile
from pathlib import Path

from ..marques import (A_SIGNER, CLE_EMPREINTE_PDF, CLE_STATUT_PDF, GENERATEUR, PREFIXE_EMPREINTE,
                       empreinte_office, empreinte_pdf)

_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def marquer(chemin: Path, a_signer: bool) -> None:
    """Mark one generated file (docx, xlsx or pdf) in place; a file that cannot be marked is an error
    in French (never a half-marked file: the marked copy replaces it only once complete)."""
    from ..errors import DossierError

    extension = chemin.suffix.lower()
    try:
        if extension == ".pdf":
            marquer_pdf(chemin, a_signer)
        elif extension in (".docx", ".xlsx"):
            marquer_office(chemin, a_signer)
    except OSError:
        raise
    except Exception as e:  # a damaged file from a custom template, or from LibreOffice
        chemin.with_name(chemin.name + ".marque").unlink(missing_ok=True)
        raise DossierError(f"{chemin.name} : marquage des propriétés impossible ({e})") from None


def marquer_office(chemin: Path, a_signer: bool) -> None:
    """Rewrite the zip with marked properties; the other entries are streamed, one at a time."""
    tmp = chemin.with_name(chemin.name + ".marque")
    with zipfile.ZipFile(chemin) as archive:
        if "docProps/core.xml" not in archive.namelist():
            return  # no properties part to carry the marks (never so for python-docx and openpyxl output)
        empreinte = empreinte_office(archive)
        with zipfile.ZipFile(tmp, "w") as sortie:
            for info in archive.infolist():
                if info.filename == "docProps/core.xml":
                    sortie.writestr(info, _proprietes(archive.read(info), a_signer, empreinte))
                elif info.filename == "docProps/app.xml":
                    sortie.writestr(info, _application(archive.read(info)))
                else:
                    copie = copy.copy(info)  # writing sets offsets on its ZipInfo: not on the source's
                    with archive.open(info) as source, sortie.open(copie, "w", force_zip64=info.file_size > 1 << 30) as dest:
                        shutil.copyfileobj(source, dest, 1 << 20)
    os.replace(tmp, chemin)


def _fixer(racine, espace: str, nom: str, valeur: str) -> None:
    element = racine.find(f"{{{espace}}}{nom}")
    if element is None:
        element = racine.makeelement(f"{{{espace}}}{nom}", nsmap={})
        racine.append(element)
    element.text = valeur


def _proprietes(xml: bytes, a_signer: bool, empreinte: str) -> bytes:
    from lxml import etree

    racine = etree.fromstring(xml)
    _fixer(racine, _DC, "identifier", PREFIXE_EMPREINTE + empreinte)
    if a_signer:
        _fixer(racine, _CP, "contentStatus", A_SIGNER)
    return etree.tostring(racine, xml_declaration=True, encoding="UTF-8", standalone=True)


def _application(xml: bytes) -> bytes:
    from lxml import etree

    racine = etree.fromstring(xml)
    _fixer(racine, _EP, "Application", GENERATEUR)
    return etree.tostring(racine, xml_declaration=True, encoding="UTF-8", standalone=True)


def marquer_pdf(chemin: Path, a_signer: bool) -> None:
    from pypdf import PdfReader, PdfWriter

    lecteur = PdfReader(chemin)
    ecrivain = PdfWriter(clone_from=lecteur)
    infos = {"/Creator": GENERATEUR}
    if a_signer:
        infos |= {CLE_STATUT_PDF: A_SIGNER, CLE_EMPREINTE_PDF: empreinte_pdf(lecteur)}
    ecrivain.add_metadata(infos)
    tmp = chemin.with_name(chemin.name + ".marque")
    with open(tmp, "wb") as f:
        ecrivain.write(f)
    os.replace(tmp, chemin)
