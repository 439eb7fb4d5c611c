"""Word pieces (pieces.md, "What each generated piece contains"): rendered from the reference example
in both profiles and read back with python-docx; markers for missing narrative text; text with
XML-special characters, line breaks and emoji; user templates; templates in sync with their generator.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

import fabrique
from dossier.campaigns import charger_campagne
from dossier.errors import DossierError
from dossier.model import charger_projet
from dossier.profiles import charger_profil
from dossier.render.contextes.construction import construire_contexte
from dossier.render.contextes.francais import le
from dossier.render.docx import dossier_modeles, rendre_docx
from dossier.francais import ESPACE_FINE, montant
from dossier.rules import calculer_financement

PROFILS = ("cnsa-2023", "normandie-2023")
SLUGS = ("note-de-presentation", "gouvernance", "convention", "lettre-engagement", "attestation-mutualisation",
         "strategie-deploiement", "conduite-du-changement")
MARQUEUR = "[À COMPLÉTER"


# --------------------------------------------------------------------------- helpers


def rendre_tout(projet, profil: str, dossier: Path, modeles: Path | None = None):
    """Render every Word piece of the profile; {slug: path}, and the context."""
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    prof = charger_profil(profil)
    contexte = construire_contexte(projet, fin, prof)
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = {}
    for f in prof.fichiers_generes():
        if f.format == "docx":
            chemins[f.slug] = dossier / f.nom
            rendre_docx(f.slug, contexte, chemins[f.slug], modeles)
    return chemins, contexte, fin


def paragraphes_de(doc) -> list[str]:
    """Text of every paragraph of the body (tables included, in document order), headers and footers."""
    textes = [Paragraph(p, None).text for p in doc.element.body.iter(qn("w:p"))]
    for section in doc.sections:
        for partie in (section.header, section.footer):
            textes += [p.text for p in partie.paragraphs]
    return textes


def texte_de(chemin: Path) -> str:
    return "\n".join(paragraphes_de(Document(str(chemin))))


def tableaux(chemin: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(chemin)).tables]


def tableau_avec(chemin: Path, entete: str) -> list[list[str]]:
    """The first table whose header row has a cell equal to ``entete``."""
    return next(t for t in tableaux(chemin) if entete in t[0])


def sauts_de_page(chemin: Path) -> int:
    corps = Document(str(chemin)).element.body
    return sum(1 for br in corps.iter(qn("w:br")) if br.get(qn("w:type")) == "page")


@pytest.fixture(scope="module")
def exemple_projet():
    return charger_projet(fabrique.EXEMPLE)


@pytest.fixture(scope="module")
def rendus(exemple_projet, tmp_path_factory):
    """{profil: ({slug: path}, contexte, financement)} for the reference example."""
    return {p: rendre_tout(exemple_projet, p, tmp_path_factory.mktemp(p)) for p in PROFILS}


def sans_narratif(donnees: dict) -> dict:
    d = copy.deepcopy(donnees)
    for cle in ("note", "deploiement", "conduite_changement", "gouvernance"):
        d.pop(cle, None)
    return d


# --------------------------------------------------------------------------- the reference example


def test_pieces_word_de_chaque_profil(rendus):
    assert set(rendus["cnsa-2023"][0]) == {"note-de-presentation", "gouvernance", "convention", "lettre-engagement",
                                           "strategie-deploiement", "conduite-du-changement"}
    assert set(rendus["normandie-2023"][0]) == {"note-de-presentation", "gouvernance", "attestation-mutualisation",
                                                "lettre-engagement", "strategie-deploiement", "conduite-du-changement"}


@pytest.mark.parametrize("profil", PROFILS)
def test_exemple_sans_marqueur(rendus, profil):
    chemins, contexte, _ = rendus[profil]
    assert contexte.marqueurs == []
    for chemin in chemins.values():
        texte = texte_de(chemin)
        assert MARQUEUR not in texte, chemin.name
        assert "{{" not in texte and "{%" not in texte, chemin.name


@pytest.mark.parametrize("profil", PROFILS)
def test_chaque_piece_montre_titre_porteur_et_date(rendus, exemple_projet, profil):
    for chemin in rendus[profil][0].values():
        doc = Document(str(chemin))
        entete = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
        pied = "\n".join(p.text for s in doc.sections for p in s.footer.paragraphs)
        if "lettre" in chemin.name:  # the header is the OG's letterhead; title and porteur in the letter
            entete = texte_de(chemin)
        assert exemple_projet.intitule in entete, chemin.name
        assert exemple_projet.porteur.raison_sociale in entete, chemin.name
        assert "15 mai 2023" in pied, chemin.name
        assert "Page" in pied
        # the page number is a Word field, not frozen text
        assert any("PAGE" in (f.get(qn("w:instr")) or "") for s in doc.sections
                   for f in s.footer._element.iter(qn("w:fldSimple")))


@pytest.mark.parametrize("profil", PROFILS)
def test_mise_en_page_a4(rendus, profil):
    for chemin in rendus[profil][0].values():
        for section in Document(str(chemin)).sections:
            dims = sorted([round(section.page_width.cm, 1), round(section.page_height.cm, 1)])
            assert dims == [21.0, 29.7], chemin.name
            assert section.left_margin.cm >= 1.5


def test_note_liste_tous_les_essms(rendus, exemple_projet):
    chemin = rendus["normandie-2023"][0]["note-de-presentation"]
    table = tableau_avec(chemin, "Libellé de la catégorie")
    entete, lignes = table[0], table[1:]
    assert entete == ["N°", "Établissement ou service", "FINESS ET", "FINESS EJ", "Cat.", "Libellé de la catégorie",
                      "Secteur", "Dép.", "Région", "Organisme gestionnaire"]
    assert [l[2] for l in lignes] == [e.finess_et for e in exemple_projet.essms]
    assert len(lignes) == 17
    par_finess = {l[2]: l for l in lignes}
    for e in exemple_projet.essms:
        ligne = par_finess[e.finess_et]
        og = exemple_projet.organisme(e.organisme)
        assert ligne[1] == e.nom
        assert ligne[3] == (e.finess_ej or og.finess_ej)
        assert ligne[4] == e.categorie
        assert ligne[5] == e.info_categorie.libelle
        assert ligne[6] == e.info_categorie.libelle_secteur
        assert ligne[7] == e.finess_et[:2]
        assert ligne[8] == "Normandie"
        assert ligne[9] == og.raison_sociale
    saa = par_finess["500300173"]
    assert saa[1] == "SAA Aide & Domicile Saint-Lô"
    assert saa[9] == "Aide & Domicile du Pays Saint-Lois"


def test_note_repartition_par_secteur_et_categorie(rendus):
    chemin = rendus["cnsa-2023"][0]["note-de-presentation"]
    secteurs = {l[0]: l[1] for l in tableau_avec(chemin, "Nombre d'ESSMS")[1:]}
    assert secteurs == {"Personnes âgées": "9", "Personnes handicapées": "4", "Domicile": "4", "Total": "17"}
    categories = {l[0]: l[3] for l in tableau_avec(chemin, "Catégorie FINESS")[1:] if l[0]}
    assert categories["500"] == "6" and categories["460"] == "2" and categories["209"] == "1"


def test_textes_avec_caracteres_speciaux_intacts(rendus):
    chemin = rendus["cnsa-2023"][0]["note-de-presentation"]
    texte = texte_de(chemin)
    assert "Reprise des données des outils « maison » du SAA" in texte
    assert "Aide & Domicile du Pays Saint-Lois" in texte
    assert "Couverture réseau insuffisante dans 3 EHPAD (< 10 Mb/s)" in texte
    assert "&amp;" not in texte and "&lt;" not in texte
    assert "Référents de proximité & temps dédié" in texte_de(rendus["cnsa-2023"][0]["conduite-du-changement"])


@pytest.mark.parametrize("profil", PROFILS)
def test_synthese_financiere_egale_au_financement(rendus, profil):
    chemins, _, fin = rendus[profil]
    chemin = chemins["note-de-presentation"]
    texte = texte_de(chemin)
    total = montant(fin.totaux["total"])
    assert total == f"508{ESPACE_FINE}583,16\u00a0€"
    for valeur in (fin.totaux["usages"], fin.totaux["logiciel"], fin.totaux["materiel"], fin.totaux["amoa"],
                   fin.avance, fin.solde):
        assert montant(valeur) in texte
    par_og = tableau_avec(chemin, "Pilotage (AMOA, SAD)")
    lignes = {l[0]: l for l in par_og[1:]}
    for lo in fin.organismes:
        ligne = lignes[lo.raison_sociale]
        assert ligne[1:] == [str(lo.nb_essms), montant(lo.usages), montant(lo.logiciel), montant(lo.materiel),
                             montant(lo.amoa + lo.sad), montant(lo.total)]
    assert lignes["Total du projet"][-1] == total
    detail = tableau_avec(chemin, "Part MS")
    par_finess = {l[2]: l for l in detail[1:]}
    for le in fin.essms:
        ligne = par_finess[le.essms.finess_et]
        assert ligne[4:] == [montant(le.usages), montant(le.logiciel), montant(le.materiel), montant(le.total)]
    assert par_finess["500300173"][3] == "80,8\u202f%"


def test_note_guichet_et_solution(rendus):
    texte = texte_de(rendus["cnsa-2023"][0]["note-de-presentation"])
    assert "appel à projets régional" in texte
    assert "ARS Normandie" in texte
    assert "Éditeur Médico-Social SAS" in texte and "DUI Horizon" in texte
    assert "Solution référencée Ségur" in texte
    for service in ("MSSanté", "DMP", "INS", "Pro Santé Connect"):
        assert service in texte


def test_convention_repartition_et_signatures(rendus, exemple_projet):
    chemins, _, fin = rendus["cnsa-2023"]
    chemin = chemins["convention"]
    texte = texte_de(chemin)
    for titre in ("Objet", "Porteur du Projet", "Engagements des Parties", "Financement et répartition",
                  "Gouvernance", "Durée", "Retrait d'une Partie", "Résiliation"):
        assert re.search(rf"Article \d+ – {titre}", texte), titre
    for og in exemple_projet.organismes:
        assert og.raison_sociale in texte
        assert og.representant.nom in texte
    repartition = {l[0]: l[-1] for l in tableau_avec(chemin, "Pilotage (AMOA, SAD)")[1:]}
    assert repartition == {**{lo.raison_sociale: montant(lo.total) for lo in fin.organismes},
                           "Total du projet": montant(fin.totaux["total"])}
    signatures = [t for t in tableaux(chemin) if any("signature" in c for row in t for c in row)][0]
    assert len(signatures) == len(exemple_projet.organismes)
    assert [row[0].splitlines()[0] for row in signatures] == [f"Pour {le(og.raison_sociale)}" for og in exemple_projet.organismes]
    assert "Pour l'Association Les Tilleuls du Bocage" in texte and "Pour le CCAS de Vire Normandie" in texte
    annexe = tableau_avec(chemin, "Catégorie")
    assert len(annexe) - 1 == 17


def sections_de(chemin: Path) -> list[list[str]]:
    """Text of the body paragraphs of each section (a section ends with a paragraph carrying a sectPr)."""
    sections, courante = [], []
    for p in Document(str(chemin)).element.body.iter(qn("w:p")):
        courante.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            sections.append(courante)
            courante = []
    return [*sections, courante]


@pytest.mark.parametrize("profil", PROFILS)
def test_lettre_une_section_par_organisme(rendus, exemple_projet, profil):
    chemin = rendus[profil][0]["lettre-engagement"]
    doc = Document(str(chemin))
    assert sauts_de_page(chemin) == 0  # sections, not page breaks: no empty page between letters
    assert len(doc.sections) == len(exemple_projet.organismes) == 3
    for section, corps, og in zip(doc.sections, sections_de(chemin), exemple_projet.organismes):
        entete = "\n".join(p.text for p in section.header.paragraphs)
        pied = "\n".join(p.text for p in section.footer.paragraphs)
        assert og.raison_sociale in entete and og.finess_ej in entete
        assert "SIRET " + og.siret[:3] in entete
        assert og.raison_sociale in pied and "15 mai 2023" in pied
        autres = [o.raison_sociale for o in exemple_projet.organismes if o.id != og.id]
        assert not any(nom in entete + pied for nom in autres)
        # page numbering restarts at 1 in each letter, "Page X sur Y" counts this letter's pages
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        champs = [f.get(qn("w:instr")) for f in section.footer._element.iter(qn("w:fldSimple"))]
        assert champs[0] == "PAGE" and champs[1].startswith("PAGEREF _fin_lettre_")
        signet = champs[1].split()[1]
        assert any(b.get(qn("w:name")) == signet for b in doc.element.body.iter(qn("w:bookmarkStart")))
        texte = "\n".join(corps)
        assert og.representant.nom in texte and "Signature et cachet" in texte
        for e in exemple_projet.essms:
            assert (e.finess_et in texte) == (e.organisme == og.id), (og.id, e.finess_et)
    # each section has header and footer parts of its own
    parties = {s.header.part.partname for s in doc.sections} | {s.footer.part.partname for s in doc.sections}
    assert len(parties) == 6


def _png() -> bytes:
    import struct
    import zlib

    def bloc(type_, donnees):
        return struct.pack(">I", len(donnees)) + type_ + donnees + struct.pack(">I", zlib.crc32(type_ + donnees))

    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x1f\x38\x64" * 2 for _ in range(2)))
    return b"\x89PNG\r\n\x1a\n" + bloc(b"IHDR", ihdr) + bloc(b"IDAT", pixels) + bloc(b"IEND", b"")


def test_lettre_logo_de_l_entete_dans_chaque_section(exemple_projet, tmp_path):
    """A user template with a logo in its header: every letter's header shows it (relationships copied)."""
    import io

    modeles = tmp_path / "modeles"
    modeles.mkdir()
    doc = Document(str(dossier_modeles() / "lettre-engagement.docx"))
    doc.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(_png()))
    doc.save(str(modeles / "lettre-engagement.docx"))
    chemins, _, _ = rendre_tout(exemple_projet, "cnsa-2023", tmp_path / "out", modeles)
    rendu = Document(str(chemins["lettre-engagement"]))
    assert len(rendu.sections) == 3
    ids = []
    for section in rendu.sections:
        entete = section.header
        images = [b.get(qn("r:embed")) for b in entete._element.iter(qn("a:blip"))]
        assert len(images) == 1
        assert entete.part.related_parts[images[0]].blob == _png()
        ids += [d.get("id") for d in entete._element.iter(qn("wp:docPr"))]
    assert len(ids) == len(set(ids)) == 3


def test_attestation_signee_par_le_porteur(rendus, exemple_projet):
    texte = texte_de(rendus["normandie-2023"][0]["attestation-mutualisation"])
    assert "Je soussignée, Mme Claire Lemarchand" in texte
    assert "atteste" in texte
    for e in exemple_projet.essms:
        assert e.finess_et in texte
    assert "DUI Horizon 5.2" in texte
    assert "Comité de pilotage" in texte
    assert "système d'acquisition dynamique" in texte


def test_gouvernance(rendus):
    chemin = rendus["normandie-2023"][0]["gouvernance"]
    equipe = tableau_avec(chemin, "Temps dédié")
    assert ["Chef de projet", "Thomas Lefèvre", "Chef de projet DUI (recrutement interne)", "0,8 ETP"] in equipe
    referents = tableau_avec(chemin, "Référent")
    assert referents[0] == ["Organisme gestionnaire", "Structures", "Référent", "Fonction"]
    ccas = next(l for l in referents if l[0] == "CCAS de Vire Normandie")
    assert ccas[2] == "Paul Lecoq"
    # the OG's ESSMS, one per line (real line breaks), covered by the OG's referent
    assert ccas[1].splitlines()[0] == "EHPAD Les Hortensias" and len(ccas[1].splitlines()) == 5
    assert "Le responsable de traitement du DUI est Claire Lemarchand, Directrice générale." in texte_de(chemin)
    instances = tableau_avec(chemin, "Fréquence")
    assert [l[0] for l in instances[1:]] == ["Comité de pilotage", "Comité projet"]


def test_strategie_vagues_et_cibles(rendus):
    chemin = rendus["cnsa-2023"][0]["strategie-deploiement"]
    vagues = tableau_avec(chemin, "Période")
    assert [l[0] for l in vagues[1:]] == ["Vague 1", "Vague 2", "Vague 3"]
    assert vagues[1][1] == "du 1er\u00a0mars\u00a02024 au 31\u00a0mai\u00a02024"  # a date is never split over two lines
    assert vagues[1][2].splitlines() == ["EHPAD Les Tilleuls", "EHPAD Résidence du Parc", "EHPAD Les Hortensias",
                                         "EHPAD La Source"]
    cibles = tableau_avec(chemin, "Mode de calcul")
    assert [l[2] for l in cibles[1:]] == ["70\u202f%", "70\u202f%", "90\u202f%", "90\u202f%", "90\u202f%"]
    texte = texte_de(chemin)
    for mot in ("vérification d'aptitude (VA)", "vérification de service régulier (VSR)", "Reprise des données",
                "Paramétrage", "Formation", "hébergeur certifié", "mois écoulé"):
        assert mot in texte, mot


def test_conduite_formation_par_essms_et_risques(rendus, exemple_projet):
    chemin = rendus["normandie-2023"][0]["conduite-du-changement"]
    formation = tableau_avec(chemin, "Professionnels à former")
    lignes = {l[0]: l[3] for l in formation[1:]}
    for e in exemple_projet.essms:
        assert lignes[e.nom] == str(e.professionnels)
    assert lignes["Total"] == "629"
    risques = tableau_avec(chemin, "Niveau")
    assert risques[1:] == [["Résistance au changement", "Moyen", "Référents de proximité & temps dédié"],
                           ["Retard de l'éditeur", "Élevé", "Pénalités contractuelles et jalons suivis en COPIL"]]


# --------------------------------------------------------------------------- markers


CHAMP = re.compile(r"\(champ : ([^)]+)\)$")
#: A JSON path of the project (``note.contexte``, ``couts.postes``, ``gouvernance.instances[0].role``).
CHEMIN_JSON = re.compile(r"\b(?:note|deploiement|conduite_changement|gouvernance|planning|couts|essms|porteur|"
                         r"financement|organismes|solution)(?:\[\d*\])?\.[a-z_]+")


def champs(marqueurs: list[str]) -> list[str]:
    """The JSON path each marker of ``render`` points to ("what (champ : path)")."""
    return [CHAMP.search(m).group(1) for m in marqueurs]


def test_marqueurs_sans_textes_narratifs(donnees_exemple, projet_de, tmp_path):
    projet = projet_de(sans_narratif(donnees_exemple))
    chemins, contexte, _ = rendre_tout(projet, "cnsa-2023", tmp_path)
    attendus = ["note.contexte", "note.enjeux", "note.objectifs", "note.points_attention",
                "gouvernance.chef_de_projet", "gouvernance.dpo", "gouvernance.rsi",
                "gouvernance.responsable_traitement", "gouvernance.instances",
                "gouvernance.referents ou essms[].referent",
                "gouvernance.mutualisation", "deploiement.strategie", "deploiement.reprise_donnees",
                "deploiement.interfaces", "deploiement.services_socles", "conduite_changement.groupe_travail",
                "conduite_changement.communication", "conduite_changement.formation",
                "conduite_changement.sensibilisation", "conduite_changement.risques"]
    for cle in attendus:
        assert cle in champs(contexte.marqueurs), cle
    assert len(contexte.marqueurs) == len(set(contexte.marqueurs))
    tous = "\n".join(texte_de(c) for c in chemins.values())
    # the document shows what to write, in French words only; render lists where to write it
    for m in contexte.marqueurs:
        quoi = CHAMP.sub("", m).strip()
        assert f"[À COMPLÉTER : {quoi}]" in tous, m
    assert not CHEMIN_JSON.search(tous), CHEMIN_JSON.search(tous)
    assert "[À COMPLÉTER : contexte du projet et situation actuelle des structures]" in texte_de(
        chemins["note-de-presentation"])
    assert "[À COMPLÉTER : cartographie des risques" in texte_de(chemins["conduite-du-changement"])
    # one referent marker per OG, in the referents table, covering all its structures
    referents = tableau_avec(chemins["gouvernance"], "Référent")
    assert len(referents) - 1 == len(projet.organismes)
    assert all(l[2].startswith("[À COMPLÉTER : référent de l'organisme") for l in referents[1:])


def test_marqueurs_seulement_pour_les_cles_narratives(donnees_exemple, projet_de):
    d = sans_narratif(donnees_exemple)
    for cle in ("planning", "couts"):
        d.pop(cle)
    for e in d["essms"]:
        for cle in ("commune", "places", "professionnels", "personnes_accompagnees", "vague"):
            e.pop(cle, None)
    for cle in ("adresse", "statut_juridique"):
        d["porteur"].pop(cle)
    projet = projet_de(d)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    contexte = construire_contexte(projet, fin, charger_profil("normandie-2023"))
    prefixes = ("note.", "deploiement.", "conduite_changement.", "gouvernance.")
    assert contexte.marqueurs and all(c.startswith(prefixes) for c in champs(contexte.marqueurs))


def test_texte_vide_ou_liste_vide_compte_comme_absent(donnees_exemple, projet_de):
    d = copy.deepcopy(donnees_exemple)
    d["note"]["contexte"] = "   "
    d["note"]["objectifs"] = []
    d["deploiement"]["interfaces"] = [""]
    d["gouvernance"]["instances"][0]["role"] = ""
    d["conduite_changement"]["risques"][0].pop("action")
    projet = projet_de(d)
    fin = calculer_financement(projet, charger_campagne(projet.campagne))
    contexte = construire_contexte(projet, fin, charger_profil("cnsa-2023"))
    assert champs(contexte.marqueurs) == ["note.contexte", "note.objectifs", "gouvernance.instances[0].role",
                                          "deploiement.interfaces", "conduite_changement.risques[0].action"]
    assert contexte.marqueurs[0] == "contexte du projet et situation actuelle des structures (champ : note.contexte)"


# --------------------------------------------------------------------------- awkward text


TEXTE_PIEGE = "Ligne 1 : R&D <urgent> \"cité\" l'équipe\nLigne 2 🚀 — fin\ttabulée"


def test_caracteres_speciaux_sauts_de_ligne_et_emoji(donnees_exemple, projet_de, tmp_path):
    d = copy.deepcopy(donnees_exemple)
    d["intitule"] = "Projet <DUI> & \"partage\" 🤝"
    d["note"]["contexte"] = TEXTE_PIEGE
    d["note"]["objectifs"] = ["Objectif & <priorité>", "Deux\nlignes"]
    d["organismes"][1]["raison_sociale"] = "CCAS d'Évreux & <Cie> 😀"
    d["conduite_changement"]["risques"][0]["action"] = "Action A\nAction B & C"
    d["gouvernance"]["mutualisation"] = "Texte saisi sous Windows\r\navec CRLF"
    projet = projet_de(d)
    chemins, _, _ = rendre_tout(projet, "cnsa-2023", tmp_path)
    for chemin in chemins.values():
        Document(str(chemin))  # opens
    note = Document(str(chemins["note-de-presentation"]))
    paragraphes = paragraphes_de(note)
    # the line break is a real Word break: one paragraph, two lines
    contexte = next(p for p in note.paragraphs if p.text.startswith("Ligne 1"))
    assert contexte.text == TEXTE_PIEGE
    assert len(list(contexte._p.iter(qn("w:br")))) == 1
    assert len(list(contexte._p.iter(qn("w:tab")))) == 1
    assert "Objectif & <priorité>" in paragraphes
    entete = note.sections[0].header.paragraphs[0].text
    assert "Projet <DUI> & \"partage\" 🤝" in entete
    texte = texte_de(chemins["lettre-engagement"])
    assert "CCAS d'Évreux & <Cie> 😀" in texte
    risques = tableau_avec(chemins["conduite-du-changement"], "Niveau")
    assert risques[1][2] == "Action A\nAction B & C"
    gouvernance = texte_de(chemins["gouvernance"])
    assert "Texte saisi sous Windows\navec CRLF" in gouvernance
    assert note.core_properties.author == "Association Les Tilleuls du Bocage"
    assert note.core_properties.title.endswith("Projet <DUI> & \"partage\" 🤝")


@pytest.mark.slow
def test_caracteres_speciaux_ouverts_par_libreoffice(donnees_exemple, projet_de, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice absent")
    d = copy.deepcopy(donnees_exemple)
    d["note"]["contexte"] = TEXTE_PIEGE
    projet = projet_de(d)
    chemins, _, _ = rendre_tout(projet, "normandie-2023", tmp_path / "docx")
    from dossier.render.pdf import convertir_en_pdf

    pdfs = convertir_en_pdf(list(chemins.values()), tmp_path)
    assert all(p.stat().st_size > 1000 for p in pdfs)


# --------------------------------------------------------------------------- other projects


def test_porteur_gcsms_partie_a_la_convention(generer_projet, projet_de, tmp_path):
    d = generer_projet(16, organismes=[6, 10], porteur_og=None, amoa=True, categories=("500", "460"))
    projet = projet_de(d)
    chemins, contexte, fin = rendre_tout(projet, "cnsa-2023", tmp_path)
    assert [p["raison_sociale"] for p in contexte.donnees["parties"]] == [
        "GCSMS du territoire", "Organisme gestionnaire n° 1", "Organisme gestionnaire n° 2"]
    texte = texte_de(chemins["convention"])
    assert "Pour le GCSMS du territoire" in texte
    repartition = {l[0]: l[-1] for l in tableau_avec(chemins["convention"], "Pilotage (AMOA, SAD)")[1:]}
    assert repartition["GCSMS du territoire"] == montant(fin.ligne_og("porteur").total)
    assert len(Document(str(chemins["lettre-engagement"])).sections) == 2  # one per OG; the GCSMS signs the convention


def test_grand_projet_national(generer_projet, projet_de, tmp_path):
    d = generer_projet(60, organismes=[30, 30], departements=("14", "75"), categories=("500", "183", "460"))
    projet = projet_de(d)
    chemins, contexte, fin = rendre_tout(projet, "cnsa-2023", tmp_path)
    assert contexte.donnees["guichet"]["national"]
    note = texte_de(chemins["note-de-presentation"])
    assert "appel à projets national" in note and "CNSA" in note
    assert len(tableau_avec(chemins["note-de-presentation"], "Libellé de la catégorie")) == 61
    assert montant(fin.totaux["total"]) in note
    assert len(Document(str(chemins["lettre-engagement"])).sections) == 2


# --------------------------------------------------------------------------- templates


def test_modele_utilisateur_prioritaire_et_repli(exemple_projet, tmp_path):
    modeles = tmp_path / "modeles"
    modeles.mkdir()
    doc = Document(str(dossier_modeles() / "gouvernance.docx"))
    doc.add_paragraph("Logo et mention ajoutés : {{ porteur.raison_sociale }}")
    doc.save(str(modeles / "gouvernance.docx"))
    chemins, _, _ = rendre_tout(exemple_projet, "normandie-2023", tmp_path / "out", modeles)
    assert "Logo et mention ajoutés : Association Les Tilleuls du Bocage" in texte_de(chemins["gouvernance"])
    assert "Logo et mention" not in texte_de(chemins["note-de-presentation"])  # packaged template used


def test_modele_utilisateur_avec_champ_inconnu(exemple_projet, tmp_path):
    modeles = tmp_path / "modeles"
    modeles.mkdir()
    doc = Document(str(dossier_modeles() / "gouvernance.docx"))
    doc.add_paragraph("{{ porteur.raison_socile }}")
    doc.save(str(modeles / "gouvernance.docx"))
    fin = calculer_financement(exemple_projet, charger_campagne(exemple_projet.campagne))
    contexte = construire_contexte(exemple_projet, fin, charger_profil("cnsa-2023"))
    with pytest.raises(DossierError, match="champ inconnu.*raison_socile.*templates check"):
        rendre_docx("gouvernance", contexte, tmp_path / "g.docx", modeles)
    (modeles / "convention.docx").write_bytes(b"pas un docx")
    with pytest.raises(DossierError, match="convention.docx illisible"):
        rendre_docx("convention", contexte, tmp_path / "c.docx", modeles)


def test_modeles_a_jour_avec_leur_generateur(tmp_path):
    """templates/*.docx are exactly what tools/modeles_word generates (byte for byte)."""
    racine = fabrique.RACINE
    subprocess.run([sys.executable, "-m", "tools.modeles_word", str(tmp_path)], check=True, cwd=racine,
                   capture_output=True, env={"PYTHONPATH": str(racine / "src"), "PATH": ""})
    for slug in SLUGS:
        genere = (tmp_path / f"{slug}.docx").read_bytes()
        livre = (racine / "templates" / f"{slug}.docx").read_bytes()
        assert genere == livre, f"{slug}.docx : relancer « python -m tools.modeles_word »"


def test_balises_dans_un_seul_segment():
    """Every Jinja tag of the shipped templates sits in one run (Word-editable, lint-clean)."""
    from dossier.render.modeles import balises_coupees

    for slug in SLUGS:
        doc = Document(str(dossier_modeles() / f"{slug}.docx"))
        assert balises_coupees(doc.element) == [], slug


def test_titre_tres_long(donnees_exemple, projet_de, tmp_path):
    d = copy.deepcopy(donnees_exemple)
    d["intitule"] = "Établissement " * 30
    d["porteur"]["raison_sociale"] = "Association " * 30
    chemins, _, _ = rendre_tout(projet_de(d), "cnsa-2023", tmp_path)
    note = Document(str(chemins["note-de-presentation"]))
    assert len(note.core_properties.title) <= 255
    assert note.core_properties.author.startswith("Association Association")
    assert ("Établissement " * 30).strip() in texte_de(chemins["note-de-presentation"])


def test_mise_a_niveau_et_sad_2022(generer_projet, projet_de, tmp_path):
    d = generer_projet(20, campagne="2022", type_projet="mise_a_niveau", organismes=[8, 12], amoa=True)
    chemins, _, fin = rendre_tout(projet_de(d), "cnsa-2023", tmp_path / "man")
    note = texte_de(chemins["note-de-presentation"])
    assert "il s'agit de la mise à niveau" in note
    assert "sans objet\u00a0: mise à niveau financée par le dispositif SONS" in note
    assert montant(fin.sons.total) in note
    assert "Aide à l'achat via le SAD" not in note
    d = generer_projet(20, campagne="2022", organismes=[8, 12], amoa=True, sad=True, mise_en_concurrence="sad")
    chemins, _, fin = rendre_tout(projet_de(d), "cnsa-2023", tmp_path / "sad")
    synthese = tableau_avec(chemins["note-de-presentation"], "Forfait développement des usages")
    assert ["Aide à l'achat via le SAD", montant(fin.totaux["sad"])] in synthese
    assert fin.totaux["sad"] > 0
