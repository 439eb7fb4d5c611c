"""Builders of deposit files for the checklist and bundle tests (PDF, Word, Excel, broken files)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from pypdf import PdfWriter

from dossier.profiles import Profil

EXEMPLE = Path(__file__).resolve().parent.parent / "examples" / "normandie-2023-acquisition.json"

FEUILLES = {  # sheets of each workbook, by builder (profile piece's ``modele``)
    "planning": ["Projet", "Déploiement", "Conduite du changement"],
    "planning-projet": ["Projet"],
    "planning-deploiement": ["Déploiement"],
    "planning-conduite": ["Conduite du changement"],
    "plan-de-financement": ["Coûts du projet", "Coûts RH", "Plan pluriannuel"],
    "declaration-heures-saad": ["Heures SAAD"],
    "materiels": ["Matériels"],
}


def pdf(chemin: Path, mot_de_passe: str | None = None) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if mot_de_passe:
        writer.encrypt(mot_de_passe)
    with chemin.open("wb") as f:
        writer.write(f)
    return chemin


def pdf_tronque(chemin: Path) -> Path:
    tampon = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(tampon)
    chemin.write_bytes(tampon.getvalue()[: len(tampon.getvalue()) // 2])
    return chemin


def docx(chemin: Path, *paragraphes: str, entete: str | None = None) -> Path:
    document = Document()
    for texte in paragraphes or ("Projet DUI partagé des ESSMS du Bocage normand",):
        document.add_paragraph(texte)
    if entete:
        document.sections[0].header.paragraphs[0].text = entete
    document.save(chemin)
    return chemin


def xlsx(chemin: Path, feuilles: dict[str, list[list]]) -> Path:
    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, lignes in feuilles.items():
        feuille = classeur.create_sheet(titre)
        for ligne in lignes:
            feuille.append(ligne)
    classeur.save(chemin)
    return chemin


def classeur_rempli(chemin: Path, titres: list[str]) -> Path:
    return xlsx(chemin, {t: [["Tâche", "Début", "Fin"], ["Lancement", "2023-09-01", "2023-09-15"]]
                         for t in titres})


def zip_quelconque(chemin: Path) -> Path:
    with zipfile.ZipFile(chemin, "w") as archive:
        archive.writestr("notes.txt", "ceci n'est pas un document Word")
    return chemin


def pieces_generees(dossier: Path, profil: Profil) -> list[str]:
    """Write one valid file per generated file of the profile, named as ``render`` does."""
    for fichier in profil.fichiers_generes():
        chemin = dossier / fichier.nom
        if fichier.format == "docx":
            docx(chemin, f"{fichier.slug} : projet DUI partagé", entete="Association Les Tilleuls du Bocage")
        else:
            classeur_rempli(chemin, FEUILLES[fichier.modele])
    return [f.nom for f in profil.fichiers_generes()]


def projet_exemple(dossier: Path, **modifications):
    """The reference project, changed by ``modifications``, written to ``dossier`` and loaded by the
    model; returns the project and the file's folder."""
    from dossier.model import charger_projet

    donnees = json.loads(EXEMPLE.read_text("utf-8"))
    donnees.update(modifications)
    chemin = dossier / "projet.json"
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), "utf-8")
    return charger_projet(chemin), dossier
