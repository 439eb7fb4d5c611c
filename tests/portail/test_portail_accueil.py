"""Home page: the portfolio table (issue 24 item 4) of a consultant, a porteur and a relecteur;
filters, server-side sort, the Excel export read back."""

from __future__ import annotations

import html
import io
import json
import re

import openpyxl
import pytest

from aides_portail import EXEMPLE, RACINE, envoi, envoi_json, texte


def _creer(c, donnees: dict, nom: str = "projet.json"):
    from dossier.portail.models import Projet

    r = c.post("/projets/nouveau/", {"fichier": envoi_json(donnees, nom)})
    assert r.status_code == 302, r.content[:500]
    return Projet.objects.get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))


@pytest.fixture
def portefeuille_consultant(comptes, client_de):
    """The consultant's projects: the reference example (deposited in 2023), one deposited before the
    window (non recevable), one without a deposit date (deadline passed), one invalid, one of 2022 in
    another région."""
    import fabrique

    from dossier.portail.portefeuille import vider_cache

    vider_cache()
    c = client_de(comptes["consultant"])
    exemple = json.loads(EXEMPLE.read_text("utf-8"))
    projets = {"exemple": _creer(c, exemple)}
    hors = json.loads(json.dumps(exemple))
    hors["intitule"], hors["depot"]["date"] = "Projet hors fenêtre", "2023-01-02"
    projets["hors"] = _creer(c, hors)
    sans_date = json.loads(json.dumps(exemple))
    sans_date["intitule"] = "Projet sans date de dépôt"
    del sans_date["depot"]["date"]
    projets["sans_date"] = _creer(c, sans_date)
    invalide = json.loads(json.dumps(exemple))
    invalide["intitule"] = "Projet incomplet"
    del invalide["porteur"]["siret"]
    projets["invalide"] = _creer(c, invalide)
    autre = fabrique.generer_projet(3, campagne="2022", date_depot=None, departements=("35",))
    autre["intitule"] = "Projet breton 2022"
    projets["autre"] = _creer(c, autre)
    return c, projets


def _page(c, url: str = "/") -> str:
    r = c.get(url)
    assert r.status_code == 200
    return html.unescape(texte(r))


def _lignes(page: str) -> list[str]:
    """The body rows of the portfolio table, as text (tags removed)."""
    corps = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in corps.split("</tr>") if "<t" in r]


def _ligne(page: str, intitule: str) -> str:
    trouvees = [x for x in _lignes(page) if intitule in x]
    assert len(trouvees) == 1, (intitule, _lignes(page))
    return trouvees[0]


ATTENDU = {  # intitulé: (statut, words of the next action), from the portfolio library
    "DUI partagé des ESSMS du Bocage normand": ("solde à demander", "mesurer les usages (onglet « Usages ») pour demander le solde"),
    "Projet hors fenêtre": ("non recevable", "lever 1 erreur de recevabilité : dépôt prévu le 2 janvier 2023"),
    "Projet sans date de dépôt": ("échéance dépassée", "échéance dépassée depuis le 15/09/2023"),
    "Projet incomplet": ("invalide", "compléter 1 champ (voir l'état du projet)"),
    "Projet breton 2022": ("non recevable", "le minimum est de 15 ESSMS"),
}


def test_consultant_voit_statuts_et_prochaine_action(portefeuille_consultant):
    c, _ = portefeuille_consultant
    page = _page(c)
    assert "5 projets" in page
    for intitule, (statut, action) in ATTENDU.items():
        ligne = _ligne(page, intitule)
        assert statut in ligne and action in ligne, ligne
    exemple = _ligne(page, "DUI partagé des ESSMS du Bocage normand")
    assert "Normandie" in exemple and "2023" in exemple and "15/09/2023" in exemple and "recevable" in exemple
    assert "non générées" in exemple and "non mesurés" in exemple
    assert "1 problème" in _ligne(page, "Projet incomplet")
    # labelled filters (GET form, no JavaScript) and the export link
    for champ, libelle in (("region", "Région"), ("campagne", "Campagne"), ("statut", "Statut")):
        assert f'<label for="filtre-{champ}">{libelle}</label>' in page
        assert f'<select id="filtre-{champ}" name="{champ}">' in page
    assert 'method="get"' in page and "Exporter en Excel" in page


def test_etranger_ne_voit_pas_les_projets(portefeuille_consultant, comptes, client_de, client):
    page = _page(client_de(comptes["porteur2"]))
    assert "Aucun projet pour l'instant" in page
    assert not any(i in page for i in ATTENDU)
    assert client.get("/").status_code == 302  # anonymous: to the login page
    r = client_de(comptes["porteur2"]).get("/portefeuille.xlsx")
    classeur = openpyxl.load_workbook(io.BytesIO(r.content))
    assert classeur["Projets"].max_row == 1  # the header only


def test_membre_en_lecture_seule_voit_la_ligne(portefeuille_consultant, comptes, client_de):
    from dossier.portail.models import Membre

    _, projets = portefeuille_consultant
    Membre.objects.create(projet=projets["hors"], utilisateur=comptes["porteur2"], droit="lecture")
    page = _page(client_de(comptes["porteur2"]))
    assert "1 projet " in page and "non recevable" in _ligne(page, "Projet hors fenêtre")
    assert "Projet sans date de dépôt" not in page


def test_filtres(portefeuille_consultant):
    c, _ = portefeuille_consultant
    page = _page(c, "/?region=Bretagne")
    assert [x.split(" ", 2)[:2] for x in _lignes(page)] == [["Projet", "breton"]]
    assert "1 projet sur 5" in page and '<option value="Bretagne" selected>' in page
    page = _page(c, "/?statut=non+recevable")
    assert sorted(i for i in ATTENDU if i in page) == ["Projet breton 2022", "Projet hors fenêtre"]
    page = _page(c, "/?campagne=2023&statut=invalide")
    assert len(_lignes(page)) == 1 and "Projet incomplet" in _lignes(page)[0]
    page = _page(c, "/?region=Corse")
    assert "Aucun projet ne correspond à ces filtres." in page
    assert len(_lignes(_page(c, "/?tri=nimporte&statut=inconnu"))) == 1  # unknown values: no crash, no row


def test_tri_par_les_entetes(portefeuille_consultant):
    c, _ = portefeuille_consultant
    page = _page(c, "/?region=Normandie")
    assert 'href="?region=Normandie&amp;tri=statut"' in texte(c.get("/?region=Normandie"))
    assert 'href="?region=Normandie&tri=echeance"' in page and 'href="?region=Normandie&tri=region"' in page
    ordre = lambda page: [next(i for i in ATTENDU if i in x) for x in _lignes(page)]  # noqa: E731
    assert ordre(_page(c, "/?tri=statut")) == ["Projet incomplet", "Projet breton 2022", "Projet hors fenêtre",
                                               "Projet sans date de dépôt", "DUI partagé des ESSMS du Bocage normand"]
    par_region = ordre(_page(c, "/?tri=region"))
    assert par_region[0] == "Projet breton 2022" and par_region[-1] == "Projet incomplet"  # no région: last
    par_echeance = ordre(_page(c, "/?tri=echeance"))
    assert par_echeance[0] == "Projet breton 2022" and par_echeance[-1] == "Projet incomplet"  # 2022 first, none last
    assert 'aria-sort="ascending"' in _page(c, "/?tri=echeance")


def test_export_excel_relu(portefeuille_consultant):
    c, _ = portefeuille_consultant
    r = c.get("/portefeuille.xlsx?region=Normandie&tri=statut")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="portefeuille-\d{4}-\d{2}-\d{2}\.xlsx"', r["Content-Disposition"])
    classeur = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = classeur["Projets"]
    titres = [cellule.value for cellule in ws[1]]
    col = {t: titres.index(t) for t in ("Intitulé", "Statut", "Prochaine action", "Région", "Bloquant")}
    lignes = [[cellule.value for cellule in ligne] for ligne in ws.iter_rows(min_row=2)]
    # the filtered table as shown: the invalid file (no région yet) and the Breton project are left out
    assert [x[col["Intitulé"]] for x in lignes] == ["Projet hors fenêtre", "Projet sans date de dépôt",
                                                    "DUI partagé des ESSMS du Bocage normand"]
    for x in lignes:
        statut, action = ATTENDU[x[col["Intitulé"]]]
        assert x[col["Statut"]] == statut and action in x[col["Prochaine action"]]
    assert {x[col["Région"]] for x in lignes} == {"Normandie"}
    assert [x[col["Bloquant"]] for x in lignes] == ["oui", "oui", "non"]
    totaux = [[cellule.value for cellule in ligne] for ligne in classeur["Totaux"].iter_rows(min_row=2)]
    assert ["Normandie", "2023", 3, 3, 2] == totaux[0][:5]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref
    assert ws.cell(2, 1).value == "projet.json (version 1)"
    assert re.fullmatch(r"http://testserver/projets/\d+/", ws.cell(2, 1).hyperlink.target)  # the project's page


def test_export_post_405(portefeuille_consultant):
    c, _ = portefeuille_consultant
    assert c.post("/portefeuille.xlsx").status_code == 405


def test_relecteur_avant_et_apres_transmission(portefeuille_consultant, comptes, client_de):
    from dossier.portail.models import Membre

    c, projets = portefeuille_consultant
    relecteur = client_de(comptes["relecteur"])
    page = _page(relecteur)
    assert "Projets transmis pour relecture" in page and not any(i in page for i in ATTENDU)
    for cle in ("hors", "autre"):
        assert c.post(f"/projets/{projets[cle].pk}/transmettre/").status_code == 302
    page = _page(relecteur)
    assert [x for x in _lignes(page) if "Projet hors fenêtre" in x] and "Projet breton 2022" not in page
    assert "non recevable" in _ligne(page, "Projet hors fenêtre") and "Nouveau projet" not in page
    assert "Projet sans date de dépôt" not in page  # not transmitted
    bretagne = _page(client_de(comptes["relecteur_bretagne"]))
    assert "Projet breton 2022" in bretagne and "Projet hors fenêtre" not in bretagne
    classeur = openpyxl.load_workbook(io.BytesIO(relecteur.get("/portefeuille.xlsx").content))
    assert [ligne[1].value for ligne in classeur["Projets"].iter_rows(min_row=2)] == ["Projet hors fenêtre"]
    assert not Membre.objects.filter(utilisateur=comptes["relecteur"]).exists()


def test_ligne_suit_pieces_et_mesures(portefeuille_consultant, django_capture_on_commit_callbacks):
    """The cached row is computed again when pieces are generated or measures uploaded."""
    c, projets = portefeuille_consultant
    pk = projets["exemple"].pk
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(f"/projets/{pk}/pieces/generer/").status_code == 302
    ligne = _ligne(_page(c), "DUI partagé des ESSMS du Bocage normand")
    assert "non générées" not in ligne and "à signer :" in ligne and "Lettre d'engagement" in ligne
    assert "fenêtre close" in ligne and "dépassée" not in ligne  # deposited in the window: not « dépassée »
    mesures = (RACINE / "examples" / "mesures-normandie-2023.csv").read_bytes()
    r = c.post(f"/projets/{pk}/usages/mesures/", {"fichier": envoi(mesures, "mesures.csv", "text/csv")})
    assert r.status_code == 302
    ligne = _ligne(_page(c), "DUI partagé des ESSMS du Bocage normand")
    assert "solde bloqué" in ligne and "2 ESSMS sous les cibles d'usage" in ligne and "2 ESSMS bloquants" in ligne
