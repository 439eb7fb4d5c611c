"""Templates: list, export (no overwrite without force), lint (Jinja syntax, unknown fields, split tags)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from dossier.cli import main
from dossier.errors import DossierError, SortieExistante
from dossier.render import modeles as m
from dossier.render.docx import dossier_modeles

SLUGS = ("note-de-presentation", "gouvernance", "convention", "lettre-engagement", "attestation-mutualisation",
         "strategie-deploiement", "conduite-du-changement")


def modele_modifie(dossier: Path, slug: str, *paragraphes, runs: list[tuple[str, bool]] | None = None) -> Path:
    """A copy of a shipped template with paragraphs (or one paragraph made of ``runs``) appended."""
    doc = Document(str(dossier_modeles() / f"{slug}.docx"))
    for texte in paragraphes:
        doc.add_paragraph(texte)
    if runs:
        par = doc.add_paragraph()
        for texte, gras in runs:
            par.add_run(texte).bold = gras
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / f"{slug}.docx"
    doc.save(str(chemin))
    return chemin


def messages(problemes, fichier: str | None = None) -> list[str]:
    return [p.message for p in problemes if fichier is None or p.chemin == fichier]


# --------------------------------------------------------------------------- list, export


def test_lister_modeles_word():
    liste = dict(m.lister_modeles())
    for slug in SLUGS:
        assert f"{slug}.docx" in liste
        assert liste[f"{slug}.docx"]  # a French description
    assert "Lettre d'engagement" in liste["lettre-engagement.docx"]


def test_lister_inclut_les_modeles_excel(tmp_path, monkeypatch):
    for slug in SLUGS:
        shutil.copy(dossier_modeles() / f"{slug}.docx", tmp_path)
    shutil.copy(dossier_modeles() / "gouvernance.docx", tmp_path / "planning.xlsx")  # any file: listed by name
    monkeypatch.setattr(m, "dossier_modeles", lambda: tmp_path)
    noms = [nom for nom, _ in m.lister_modeles()]
    assert noms[-1] == "planning.xlsx"  # Word templates first, then Excel
    assert dict(m.lister_modeles())["planning.xlsx"].startswith("Planning")


def test_exporter_puis_refuser_sans_force(tmp_path):
    copies = m.exporter_modeles(tmp_path / "mes-modeles", force=False)
    assert sorted(p.name for p in copies) == sorted([f"{s}.docx" for s in SLUGS] + ["classeurs.xlsx"])
    for p in copies:
        assert p.read_bytes() == (dossier_modeles() / p.name).read_bytes()
    modifie = tmp_path / "mes-modeles" / "gouvernance.docx"
    modifie.write_bytes(b"modifie par l'utilisateur")
    with pytest.raises(SortieExistante, match="--force"):
        m.exporter_modeles(tmp_path / "mes-modeles", force=False)
    assert modifie.read_bytes() == b"modifie par l'utilisateur"
    m.exporter_modeles(tmp_path / "mes-modeles", force=True)
    assert modifie.read_bytes() == (dossier_modeles() / "gouvernance.docx").read_bytes()
    assert not [p for p in (tmp_path / "mes-modeles").iterdir() if p.name.startswith(".")]  # no temp left


def test_exporter_vers_un_fichier(tmp_path):
    (tmp_path / "fichier").write_text("x")
    with pytest.raises(DossierError, match="n'est pas un dossier"):
        m.exporter_modeles(tmp_path / "fichier", force=True)


def test_modeles_exportes_valides(tmp_path):
    m.exporter_modeles(tmp_path, force=False)
    assert m.verifier_modeles(tmp_path) == []


# --------------------------------------------------------------------------- lint


def test_modeles_livres_sans_probleme():
    assert m.verifier_modeles() == []
    assert m.verifier_modeles(None) == []


def test_champ_inconnu(tmp_path):
    modele_modifie(tmp_path, "gouvernance", "Représenté par {{ porteur.representant.nom_complet }}",
                   "{{ budget_total }}", "{% for e in essms %}{{ e.finess_geo }}{% endfor %}")
    msgs = messages(m.verifier_modeles(tmp_path), "gouvernance.docx")
    assert any(x.startswith("champ inconnu « porteur.representant.nom_complet »") for x in msgs), msgs
    assert "champ inconnu « budget_total »" in msgs
    assert any(x.startswith("champ inconnu « essms[].finess_geo »") for x in msgs), msgs
    assert len(msgs) == 3


def test_champ_inconnu_avec_suggestion(tmp_path):
    modele_modifie(tmp_path, "convention", "{{ porteur.raison_socile }}")
    assert messages(m.verifier_modeles(tmp_path)) == [
        "champ inconnu « porteur.raison_socile » (vouliez-vous dire « raison_sociale » ?)"]


def test_champ_inconnu_dans_une_branche_non_prise(tmp_path):
    # the reference example is regional: the national branch is only checked statically
    modele_modifie(tmp_path, "note-de-presentation", "{% if guichet.national %}{{ guichet.adresse_cnsa }}{% endif %}")
    assert messages(m.verifier_modeles(tmp_path)) == ["champ inconnu « guichet.adresse_cnsa »"]


def test_champs_connus_acceptes(tmp_path):
    modele_modifie(tmp_path, "convention", "{{ titre|upper }} {{ nb_essms|pluriel('ESSMS', 'ESSMS') }}",
                   "{% if note is defined %}{{ note.contexte|default('') }}{% endif %}",
                   "{% for og in organismes %}{{ og.referent is defined }}{{ loop.index }}{% endfor %}")
    assert m.verifier_modeles(tmp_path) == []


def test_erreur_de_syntaxe(tmp_path):
    modele_modifie(tmp_path, "strategie-deploiement", "{% if planning.renseigne %}jamais fermé")
    modele_modifie(tmp_path, "gouvernance", "{{ titre }")
    modele_modifie(tmp_path, "convention", "{{ titre|en_majuscules }}")
    problemes = m.verifier_modeles(tmp_path)
    strategie = messages(problemes, "strategie-deploiement.docx")
    assert len(strategie) == 1 and strategie[0].startswith("syntaxe Jinja invalide : bloc « if » non fermé")
    assert "jamais fermé" in strategie[0]
    assert any(x.startswith("syntaxe Jinja invalide") for x in messages(problemes, "gouvernance.docx"))
    assert messages(problemes, "convention.docx") == [
        "syntaxe Jinja invalide : filtre inconnu « en_majuscules » (près de « {{ titre|en_majuscules }} »)"]


def test_balise_coupee_entre_deux_segments(tmp_path):
    # what Word does when a part of the tag is retyped or formatted: two runs
    modele_modifie(tmp_path, "attestation-mutualisation",
                   runs=[("Porteur : {{ porteur.raison", False), ("_sociale }} fin", True)])
    modele_modifie(tmp_path, "gouvernance", runs=[("{", False), ("{ titre }}", False)])
    modele_modifie(tmp_path, "convention", runs=[("{% if nb_essms > 1 ", False), ("%}s{% endif %}", False)])
    problemes = m.verifier_modeles(tmp_path)
    assert any("balise coupée" in x and "{{ porteur.raison_sociale }}" in x
               for x in messages(problemes, "attestation-mutualisation.docx"))
    assert any("balise coupée" in x and "{{ titre }}" in x for x in messages(problemes, "gouvernance.docx"))
    assert any("balise coupée" in x and "{% if nb_essms > 1 %}" in x for x in messages(problemes, "convention.docx"))


def test_balise_coupee_dans_l_entete(tmp_path):
    doc = Document(str(dossier_modeles() / "conduite-du-changement.docx"))
    par = doc.sections[0].footer.add_paragraph()
    par.add_run("{{ date")
    par.add_run(" }}")
    doc.save(str(tmp_path / "conduite-du-changement.docx"))
    assert any("balise coupée" in x for x in messages(m.verifier_modeles(tmp_path)))


def test_balise_non_refermee(tmp_path):
    modele_modifie(tmp_path, "gouvernance", "Texte {{ titre suivi de rien")
    assert any(x.startswith("balise non refermée") for x in messages(m.verifier_modeles(tmp_path)))


def test_fichiers_illisibles_et_noms_inconnus(tmp_path):
    (tmp_path / "convention.docx").write_bytes(b"ceci n'est pas un docx")
    shutil.copy(dossier_modeles() / "gouvernance.docx", tmp_path / "gouvernance-v2.docx")
    (tmp_path / "planning.xlsx").write_bytes(b"pas un classeur")
    (tmp_path / "classeurs.xlsx").write_bytes(b"pas un classeur")
    problemes = m.verifier_modeles(tmp_path)
    assert messages(problemes, "convention.docx") == ["fichier Word illisible ou corrompu"]
    assert messages(problemes, "gouvernance-v2.docx")[0].startswith("nom de modèle inconnu")
    assert messages(problemes, "planning.xlsx")[0].startswith("classeur ignoré par « dossier render »")
    assert messages(problemes, "classeurs.xlsx") == [
        "charte des classeurs illisible (ce n'est pas un classeur .xlsx valide)"]


def test_dossier_absent_ou_vide(tmp_path):
    with pytest.raises(DossierError, match="introuvable"):
        m.verifier_modeles(tmp_path / "absent")
    assert messages(m.verifier_modeles(tmp_path)) == ["aucun modèle .docx ou .xlsx dans ce dossier"]


# --------------------------------------------------------------------------- command line


def test_cli_templates(tmp_path, capsys):
    assert main(["templates", "list"]) == 0
    assert "note-de-presentation.docx" in capsys.readouterr().out
    assert main(["templates", "check"]) == 0
    capsys.readouterr()
    assert main(["templates", "export", str(tmp_path / "m")]) == 0
    assert main(["templates", "export", str(tmp_path / "m")]) == 2
    capsys.readouterr()
    modele_modifie(tmp_path / "m", "gouvernance", "{{ porteur.raison_socile }}")
    assert main(["templates", "check", str(tmp_path / "m")]) == 1
    sortie = capsys.readouterr()
    assert "raison_socile" in sortie.out + sortie.err


def test_ancien_modele_de_lettre_signale(tmp_path):
    """A letter template exported before letters became one section per OG still loops over every OG:
    each letter would repeat them all, so `templates check` asks for a fresh export."""
    from docx import Document

    from dossier.render.modeles import verifier_modele_word

    doc = Document()
    doc.add_paragraph("{% for og in organismes %}{{ og.raison_sociale }}{% endfor %}")
    chemin = tmp_path / "lettre-engagement.docx"
    doc.save(chemin)
    messages = [p.message for p in verifier_modele_word(chemin)]
    assert any("version précédente" in m and "ré-exporter" in m for m in messages), messages
    doc = Document()
    doc.add_paragraph("{{ og.raison_sociale }}")
    doc.save(chemin)
    assert not any("version précédente" in p.message for p in verifier_modele_word(chemin))
