"""Déposer une version (JSON and fiche), problems with their cells, diff in French, downloads."""

import io

import pytest

from aides_portail import envoi, envoi_json, texte


def _fiche(donnees, tmp_path, **changements) -> bytes:
    """The fiche of the data, with cells changed: changements = {"Feuille!C7": valeur}."""
    from openpyxl import load_workbook

    from dossier import api

    dest = tmp_path / "fiche.xlsx"
    api.exporter_fiche(donnees, dest)
    if changements:
        wb = load_workbook(dest)
        for ref, valeur in changements.items():
            feuille, cellule = ref.split("!")
            wb[feuille][cellule] = valeur
        wb.save(dest)
    return dest.read_bytes()


def test_version_json_puis_difference(projet_porteur, comptes, client_de, donnees_exemple):
    c = client_de(comptes["porteur"])
    donnees_exemple["intitule"] = "DUI partagé, second dépôt"
    donnees_exemple["porteur"]["adresse"] = "1 rue Neuve, 14000 Caen"
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi_json(donnees_exemple, "v2.json")})
    assert r.status_code == 302
    projet_porteur.refresh_from_db()
    assert projet_porteur.intitule == "DUI partagé, second dépôt"
    assert projet_porteur.versions.count() == 2
    page = texte(c.get(f"/projets/{projet_porteur.pk}/differences/?de=1&a=2"))
    assert "Intitulé" in page and "DUI partagé, second dépôt" in page
    assert "Porteur › Adresse" in page and "modifié" in page
    v1 = projet_porteur.versions.get(numero=1)
    with pytest.raises(ValueError):
        v1.save()  # a version is never modified


def test_fiche_avec_erreurs_nomme_les_cellules(projet_porteur, comptes, client_de, donnees_exemple, tmp_path):
    from openpyxl import load_workbook

    from dossier import api

    dest = tmp_path / "ref.xlsx"
    api.exporter_fiche(donnees_exemple, dest)
    ws = load_workbook(dest)["ESSMS"]
    # two mistakes typed in the reference fiche: the FINESS of the first two ESSMS
    ligne = None
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.replace(" ", "") == donnees_exemple["essms"][0]["finess_et"]:
                ligne = cell.row
                colonne = cell.column_letter
    assert ligne, "FINESS of the first ESSMS not found in the fiche"
    contenu = _fiche(donnees_exemple, tmp_path, **{f"ESSMS!{colonne}{ligne}": "12345", f"ESSMS!{colonne}{ligne + 1}": "ABC"})
    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi(contenu, "fiche-erreurs.xlsx")})
    assert r.status_code == 302
    v = projet_porteur.versions.get(numero=2)
    assert not v.valide
    page = texte(c.get(f"/projets/{projet_porteur.pk}/"))
    assert f"ESSMS!{colonne}{ligne}" in page and f"ESSMS!{colonne}{ligne + 1}" in page
    assert "problèmes à corriger" in page


def test_telecharger_fiche_et_version(projet_porteur, comptes, client_de):
    from openpyxl import load_workbook

    c = client_de(comptes["porteur"])
    r = c.get(f"/projets/{projet_porteur.pk}/fiche/")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert "ESSMS" in wb.sheetnames
    r = c.get(f"/projets/{projet_porteur.pk}/versions/1/")
    assert r.status_code == 200 and 'filename="projet-' in r["Content-Disposition"]
    assert r["Content-Type"] == "application/json"


def test_refus_format_et_fichier_vide(projet_porteur, comptes, client_de):
    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi(b"<script>alert(1)</script>", "x.html")})
    assert r.status_code == 400 and "format non accepté" in texte(r)
    assert "<script>alert" not in texte(r)
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi(b"", "vide.json")})
    assert r.status_code == 400 and "vide" in texte(r)


def test_nouveau_projet_depuis_json_illisible(comptes, client_de):
    c = client_de(comptes["consultant"])
    assert "Fiche projet ou fichier JSON" in texte(c.get("/projets/nouveau/"))
    r = c.post("/projets/nouveau/", {"fichier": envoi(b"{pas du json", "casse.json")})
    assert r.status_code == 400 and "illisible" in texte(r)
    assert client_de(comptes["relecteur"]).get("/projets/nouveau/").status_code == 403


def test_reste_a_remplir_en_cellules_pour_une_fiche(projet_porteur, comptes, client_de, donnees_exemple, tmp_path):
    """A valid fiche with an optional field left empty: the page names its cell."""
    donnees_exemple["porteur"].pop("commune", None)
    c = client_de(comptes["porteur"])
    r = c.post(f"/projets/{projet_porteur.pk}/versions/", {"fichier": envoi(_fiche(donnees_exemple, tmp_path), "f.xlsx")})
    assert r.status_code == 302
    v = projet_porteur.versions.get(numero=2)
    assert v.valide and v.cellules.get("porteur.commune", "").startswith("Porteur!")
    assert f"cellule <code>{v.cellules['porteur.commune']}</code>" in texte(c.get(f"/projets/{projet_porteur.pk}/"))
