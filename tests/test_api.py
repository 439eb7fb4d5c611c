"""dossier.api: the public functions the portal calls return data, never print nor exit."""

import json

from dossier import api

import fabrique


def test_lire_projet_valide_et_invalide(tmp_path, capsys):
    lu = api.lire_projet(fabrique.EXEMPLE)
    assert lu.valide and lu.intitule == "DUI partagé des ESSMS du Bocage normand"
    assert lu.donnees["essms"][0]["finess_et"]
    donnees = json.loads(fabrique.EXEMPLE.read_text("utf-8"))
    donnees["essms"][0]["finess_et"] = "12345"
    del donnees["porteur"]["siret"]
    chemin = tmp_path / "p.json"
    chemin.write_text(json.dumps(donnees), "utf-8")
    lu = api.lire_projet(chemin, "p.json")
    assert not lu.valide and lu.projet is None
    assert lu.intitule == donnees["intitule"]  # the title of an invalid file is still known
    chemins = {p.chemin for p in lu.problemes}
    assert "essms[0].finess_et" in chemins or any("finess_et" in c for c in chemins)
    assert any("siret" in c for c in chemins)
    casse = tmp_path / "casse.json"
    casse.write_text("{pas du json", "utf-8")
    lu = api.lire_projet(casse)
    assert not lu.valide and lu.donnees is None and lu.problemes
    assert capsys.readouterr() == ("", "")


def test_etat_projet_et_echeance():
    import datetime as dt

    projet = api.lire_projet(fabrique.EXEMPLE).projet
    etat = api.etat_projet(projet, dt.date(2023, 9, 1))
    assert etat.recevable and etat.financement is not None
    assert etat.echeance == dt.date(2023, 9, 15) and etat.jours_restants == 14
    assert api.region_de_depot(projet) == "Normandie"


def test_comparer_donnees_en_francais():
    avant = {"intitule": "A", "porteur": {"adresse": "1 rue"}, "essms": [{"finess_et": "1", "nom": "X"}]}
    apres = {"intitule": "B", "porteur": {}, "essms": [{"finess_et": "1", "nom": "X"}, {"finess_et": "2"}]}
    changements = {(c.libelle, c.genre) for c in api.comparer_donnees(avant, apres)}
    assert ("Intitulé", "modification") in changements
    assert ("Porteur › Adresse", "suppression") in changements
    assert ("ESSMS 2 › FINESS ET", "ajout") in changements


def test_comparer_dans_l_ordre_du_fichier_sans_cases_vides():
    avant = {"essms": [{"nom": f"E{i}", "sad": False} for i in range(1, 12)]}
    apres = {"essms": [{"nom": f"E{i}!"} for i in range(1, 12)]}
    libelles = [c.libelle for c in api.comparer_donnees(avant, apres)]
    assert libelles[:3] == ["ESSMS 1 › Nom", "ESSMS 2 › Nom", "ESSMS 3 › Nom"]  # not ESSMS 1, 10, 11
    assert len(libelles) == 11  # an unticked box is not a change
