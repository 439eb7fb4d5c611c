"""The FINESS extract: streaming reader, cached index, project enrichment (finess completer, chercher)."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fabrique
from dossier.cli import main
from dossier.errors import DossierError
from dossier import identifiers as ids
from dossier.finess import Recherche, chemin_index, finess_ligne_valide, parcourir
from extrait_finess import (CORSE, EHPAD, EJ_CALVADOS, EJ_MANCHE, FERME, HOPITAL, LIEU_DE_VIE, NOM_GUILLEMETS, REUNION,
                            SSIAD_MANCHE_EJ_CALVADOS, ecrire_extrait)


@pytest.mark.parametrize("encodage", ["utf-8", "cp1252"])
def test_lecture_en_continu(tmp_path, encodage):
    extrait, structures = parcourir(ecrire_extrait(tmp_path, encodage))
    par_et = {s.finess_et: s for s in structures}
    assert extrait.date.isoformat() == "2026-05-12" and extrait.libelle == "extrait FINESS du 12 mai 2026"
    assert extrait.lignes_invalides == 1
    assert par_et[LIEU_DE_VIE].nom == NOM_GUILLEMETS
    assert par_et[EHPAD].nom == "EHPAD Les Tilleuls; site nord" and par_et[EHPAD].commune == "CAEN"
    assert par_et[SSIAD_MANCHE_EJ_CALVADOS].finess_ej == EJ_CALVADOS
    assert par_et[SSIAD_MANCHE_EJ_CALVADOS].commune == "CHERBOURG"
    assert par_et[CORSE].region == "Corse"
    assert (par_et[REUNION].departement_insee, par_et[REUNION].region) == ("974", "La Réunion")
    assert len(par_et) == len([s for s in par_et.values()]) == 7  # short row kept, geolocalisation ignored


def _etat(index):
    base = sqlite3.connect(index)
    try:
        return dict(base.execute("select cle, valeur from meta"))["complet"]
    finally:
        base.close()


def test_index_cache_et_dossier_en_lecture_seule(tmp_path):
    chemin = ecrire_extrait(tmp_path)
    index = chemin_index(chemin)
    assert Recherche(chemin).par_et([EHPAD])[EHPAD].categorie == "500"  # first use: streamed, marker left
    assert _etat(index) == "non"
    assert Recherche(chemin).par_et([CORSE])[CORSE].finess_ej == EJ_MANCHE  # second use: index built
    assert _etat(index) == "oui"
    avant = index.stat().st_mtime_ns
    recherche = Recherche(chemin)
    assert recherche.par_ej(EJ_CALVADOS) and recherche.extrait.lignes_invalides == 1
    assert index.stat().st_mtime_ns == avant  # reused
    os.utime(chemin, ns=(avant + 10**9, avant + 10**9))  # touched, same content: the index is kept
    Recherche(chemin)
    assert _etat(index) == "oui"
    chemin.write_bytes(chemin.read_bytes() + b"structureet;x\n")  # other content: back to a marker
    Recherche(chemin)
    assert _etat(index) == "non"
    if os.geteuid() != 0:
        lecture_seule = tmp_path / "ro"
        lecture_seule.mkdir()
        copie = ecrire_extrait(lecture_seule)
        lecture_seule.chmod(0o555)
        try:
            assert Recherche(copie).par_ej(EJ_CALVADOS) and Recherche(copie).par_et([REUNION])
            assert not chemin_index(copie).exists()
        finally:
            lecture_seule.chmod(0o755)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["14", "2A", "2B", "97", "01", "3A", "AB"]), st.text("0123456789", min_size=7, max_size=7))
def test_cle_rapide_des_lignes_egale_a_celle_des_identifiants(tete, corps):
    assert finess_ligne_valide(tete + corps) == ids.finess_valide(tete + corps)


def _projet_minimal(tmp_path, essms):
    d = fabrique.generer_projet(1, nb_essms_total=False)
    d["essms"] = [{"finess_et": f, "organisme": "og1"} for f in essms]
    return fabrique.ecrire(tmp_path / "projet.json", d)


def test_completer_un_projet_qui_n_a_que_des_finess_et(tmp_path, capsys):
    extrait = ecrire_extrait(tmp_path)
    espace = EHPAD[:3] + " " + EHPAD[3:]
    projet = _projet_minimal(tmp_path, [espace, REUNION, SSIAD_MANCHE_EJ_CALVADOS])
    assert main(["finess", "completer", "--extrait", str(extrait), "--projet", str(projet), "--ecrire"]) == 0
    d = json.loads(projet.read_text("utf-8"))
    e = d["essms"][0]
    assert (e["nom"], e["categorie"], e["finess_ej"], e["commune"]) == ("EHPAD Les Tilleuls; site nord", "500", EJ_CALVADOS, "CAEN")
    assert d["essms"][2]["finess_ej"] == EJ_CALVADOS
    assert e["siret"] == fabrique.siret(1)  # the extract's SIRET of the ET, when it gives a valid one
    assert "siret" not in d["essms"][1]
    assert main(["validate", str(projet)]) == 0
    assert "extrait FINESS du 12 mai 2026" in capsys.readouterr().out


def test_completer_signale_absents_et_desaccords_sans_remplacer(tmp_path, capsys):
    extrait = ecrire_extrait(tmp_path)
    d = fabrique.generer_projet(2)
    d["essms"][0].update(finess_et=EHPAD, categorie="502", nom="Mon EHPAD")
    d["essms"][1]["finess_et"] = FERME
    projet = fabrique.ecrire(tmp_path / "projet.json", d)
    assert main(["finess", "completer", "--extrait", str(extrait), "--projet", str(projet), "--ecrire"]) == 1
    sortie = capsys.readouterr().out
    assert "fermée ou numéro FINESS erroné" in sortie and FERME in sortie and "non remplacé" in sortie
    apres = json.loads(projet.read_text("utf-8"))["essms"][0]
    assert (apres["categorie"], apres["nom"]) == ("502", "Mon EHPAD")
    main(["finess", "completer", "--extrait", str(extrait), "--projet", str(projet), "--ecrire", "--remplacer"])
    apres = json.loads(projet.read_text("utf-8"))["essms"][0]
    assert (apres["categorie"], apres["nom"]) == ("500", "EHPAD Les Tilleuls; site nord")


def test_chercher_les_structures_d_un_ej_et_ajouter_les_eligibles(tmp_path, capsys):
    extrait = ecrire_extrait(tmp_path)
    projet = fabrique.ecrire(tmp_path / "projet.json", fabrique.generer_projet(1, nb_essms_total=False))
    assert main(["finess", "chercher", "--extrait", str(extrait), "--ej", EJ_CALVADOS, "--ajouter",
                 "--projet", str(projet), "--organisme", "og1"]) == 0
    sortie = capsys.readouterr().out
    assert sortie.index(EHPAD) < sortie.index(HOPITAL) and "non : " in sortie.split(HOPITAL)[1].split("\n")[0]
    ajoutes = {e["finess_et"] for e in json.loads(projet.read_text("utf-8"))["essms"]}
    assert {EHPAD, LIEU_DE_VIE, SSIAD_MANCHE_EJ_CALVADOS} <= ajoutes and HOPITAL not in ajoutes
    assert main(["validate", str(projet)]) == 0


def test_extrait_qui_n_en_est_pas_un(tmp_path, capsys):
    faux = tmp_path / "faux.csv"
    faux.write_text("a;b;c\n", "utf-8")
    projet = fabrique.ecrire(tmp_path / "projet.json", fabrique.generer_projet(1, nb_essms_total=False))
    assert main(["finess", "completer", "--extrait", str(faux), "--projet", str(projet)]) == 2
    assert "n'est pas un extrait FINESS" in capsys.readouterr().err


# --------------------------------------------------------------------------- issue 19 items 6 and 11


def _deux_utilisations(chemin):
    Recherche(chemin).fermer()
    Recherche(chemin).fermer()
    assert _etat(chemin_index(chemin)) == "oui"


def test_extrait_reecrit_meme_taille_meme_date_index_reconstruit(tmp_path, capsys):
    chemin = ecrire_extrait(tmp_path)
    _deux_utilisations(chemin)
    etat = chemin.stat()
    contenu = chemin.read_bytes()
    autre = contenu.replace(b"SSIAD du Cotentin", b"SSIAD du Bessin!!")
    assert len(autre) == len(contenu) and autre != contenu
    with chemin.open("r+b") as f:  # rewritten in place: same inode, same size
        f.write(autre)
    os.utime(chemin, ns=(etat.st_atime_ns, etat.st_mtime_ns))  # and the same modification time
    assert chemin.stat().st_mtime_ns == etat.st_mtime_ns and chemin.stat().st_size == etat.st_size
    projet = _projet_minimal(tmp_path, [SSIAD_MANCHE_EJ_CALVADOS])
    main(["finess", "completer", "--extrait", str(chemin), "--projet", str(projet), "--ecrire"])
    noms = [e.get("nom") for e in json.loads(projet.read_text("utf-8"))["essms"]]
    assert noms == ["SSIAD du Bessin!!"]


def _alterer(index, requete):
    base = sqlite3.connect(index)
    base.executescript(requete)
    base.commit()
    base.close()


@pytest.mark.parametrize("requete", [
    "alter table et add column intrus;",
    "delete from meta where cle = 'version';",
    "update meta set valeur = '2026-13-45' where cle = 'date';",
    "update meta set valeur = 'beaucoup' where cle = 'invalides';",
    "drop table et;",
    "drop table meta;",
    "update et set rs = 12 where rowid = 1;",
])
def test_index_altere_ignore_et_reconstruit(tmp_path, capsys, requete):
    chemin = ecrire_extrait(tmp_path)
    _deux_utilisations(chemin)
    _alterer(chemin_index(chemin), requete)
    projet = _projet_minimal(tmp_path, [EHPAD])
    assert main(["finess", "completer", "--extrait", str(chemin), "--projet", str(projet)]) == 0
    assert "EHPAD Les Tilleuls" in capsys.readouterr().out
    Recherche(chemin).fermer()  # the altered index was replaced: a marker, then a clean index
    assert _etat(chemin_index(chemin)) == "oui"
    assert Recherche(chemin).par_et([EHPAD])[EHPAD].rs


@pytest.mark.parametrize("ligne", ['structureet;"140000001;jamais refermé\n' + "structureet;1;2;3\n" * 10_000, "structureet;" + "x" * 140_000 + "\n"])
def test_extrait_champ_trop_long_ou_guillemet_non_referme(tmp_path, capsys, ligne):
    chemin = ecrire_extrait(tmp_path)
    with chemin.open("a", encoding="utf-8") as f:
        f.write(ligne + "structureet;x\n" * 5)
    projet = _projet_minimal(tmp_path, [EHPAD])
    assert main(["finess", "completer", "--extrait", str(chemin), "--projet", str(projet)]) == 2
    erreur = capsys.readouterr().err
    assert "extrait FINESS" in erreur and " ligne " in erreur and "131 072" in erreur and "Error" not in erreur
    assert not list(tmp_path.glob("*.tmp"))


def _extrait_court_guillemet_ouvert(tmp_path):
    """Three lines: the header, one good row, and a last row whose last field opens a quote never closed."""
    chemin = tmp_path / "etalab-cs1100502-stock-20260512-0336.csv"
    bonne = ecrire_extrait(tmp_path).read_text(encoding="utf-8").splitlines()[1]
    chemin.write_text(f"finess;etalab;100;2026-05-12\n{bonne}\nstructureet;{HOPITAL};{EJ_CALVADOS};\"CH jamais refermé\n",
                      encoding="utf-8")
    return chemin


def _erreur_guillemet(message, chemin, ligne):
    assert f"extrait FINESS {chemin} ligne {ligne} : guillemet « \" » non refermé" in message, message
    assert "Error" not in message and "Traceback" not in message


def test_extrait_court_guillemet_non_referme_en_fin_de_fichier(tmp_path):
    # Regression: Python's csv module, not strict, took the end of file as the end of the quoted field,
    # so a short extract was read without error (only a long one hit the field size limit).
    chemin = _extrait_court_guillemet_ouvert(tmp_path)
    extrait, structures = parcourir(chemin)
    with pytest.raises(DossierError) as e:
        list(structures)
    _erreur_guillemet(str(e.value), chemin, 3)
    with pytest.raises(DossierError) as e:  # non-indexed lookup
        Recherche(chemin, indexer=False).par_et([EHPAD])
    _erreur_guillemet(str(e.value), chemin, 3)
    for _ in range(2):  # indexed: the first use streams, the second builds the index
        with pytest.raises(DossierError) as e:
            Recherche(chemin).par_et([EHPAD])
        _erreur_guillemet(str(e.value), chemin, 3)
    assert not list(tmp_path.glob("*.tmp"))
    assert _etat(chemin_index(chemin)) == "non"  # never a complete index of a broken extract


def test_extrait_guillemet_non_referme_cli_court_et_long(tmp_path, capsys):
    court = _extrait_court_guillemet_ouvert(tmp_path)
    projet = _projet_minimal(tmp_path, [EHPAD])
    for _ in range(3):  # streamed, then index built (refused), then again
        assert main(["finess", "completer", "--extrait", str(court), "--projet", str(projet)]) == 2
        _erreur_guillemet(capsys.readouterr().err, court, 3)
    (tmp_path / "long").mkdir()
    long_ = ecrire_extrait(tmp_path / "long")
    with long_.open("a", encoding="utf-8") as f:
        f.write("structureet;1;2;3\n" * 20_000 + f"structureet;{HOPITAL};{EJ_CALVADOS};\"jamais refermé\n")
    derniere = len(long_.read_text(encoding="utf-8").splitlines())
    assert main(["finess", "completer", "--extrait", str(long_), "--projet", str(projet)]) == 2
    _erreur_guillemet(capsys.readouterr().err, long_, derniere)
    assert "EHPAD Les Tilleuls" not in projet.read_text(encoding="utf-8")


def test_extrait_guillemet_mal_place(tmp_path):
    chemin = ecrire_extrait(tmp_path)
    with chemin.open("a", encoding="utf-8") as f:
        f.write(f"structureet;{HOPITAL};{EJ_CALVADOS};\"CH\" de Caen;\n")
    with pytest.raises(DossierError) as e:
        Recherche(chemin, indexer=False).par_et([EHPAD])
    assert f"ligne {len(chemin.read_text(encoding='utf-8').splitlines())} : guillemet « \" » mal placé" in str(e.value)
