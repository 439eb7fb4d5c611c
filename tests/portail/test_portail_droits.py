"""Every URL of a project answers 404 to whoever may not see it (GET and POST), without its title."""

import pytest

from aides_portail import texte

ADRESSES_GET = ["", "versions/1/", "differences/?de=1&a=1", "fiche/", "pieces/progression/", "pieces/1/",
                "pieces/1/apercu/", "porteur/fichiers/1/", "usages/", "usages/graphiques/mssante.png", "usages/rapport.zip"]
ADRESSES_POST = ["transmettre/", "inviter/", "exporter/", "supprimer/", "versions/", "pieces/generer/",
                 "porteur/rib/", "archive/", "finess/", "finess/garder/", "usages/mesures/", "usages/rapport/"]


@pytest.mark.parametrize("qui", ["porteur2", "consultant", "relecteur", "relecteur_bretagne"])
def test_etranger_404_partout(projet_porteur, comptes, client_de, qui):
    c = client_de(comptes[qui])
    base = f"/projets/{projet_porteur.pk}/"
    for adresse in ADRESSES_GET:
        r = c.get(base + adresse)
        assert r.status_code == 404, adresse
        assert "Bocage" not in texte(r)
    for adresse in ADRESSES_POST:
        r = c.post(base + adresse)
        assert r.status_code == 404, adresse
        assert "Bocage" not in texte(r)


def test_projet_inexistant_404(comptes, client_de):
    assert client_de(comptes["admin"]).get("/projets/999999/").status_code == 404
