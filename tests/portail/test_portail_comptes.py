"""comptes.creer_compte: French errors on a bad role, région, address, password or a duplicate."""

import pytest

from dossier.portail.comptes import CompteInvalide, creer_compte

from aides_portail import MOT_DE_PASSE


@pytest.mark.django_db
def test_creer_compte_et_refus():
    creer_compte("Marie.Dupont@Exemple.fr ", "relecteur", ["normandie"], MOT_DE_PASSE)
    from django.contrib.auth import get_user_model

    u = get_user_model().objects.get(username="marie.dupont@exemple.fr")
    assert u.profil.role == "relecteur" and u.profil.regions == ["Normandie"]
    assert u.password.startswith("argon2")
    with pytest.raises(CompteInvalide, match="existe déjà"):
        creer_compte("marie.dupont@exemple.fr", "porteur", [], MOT_DE_PASSE)
    with pytest.raises(CompteInvalide, match="rôle inconnu"):
        creer_compte("a@exemple.fr", "chef", [], MOT_DE_PASSE)
    with pytest.raises(CompteInvalide, match="région inconnue"):
        creer_compte("a@exemple.fr", "relecteur", ["Atlantide"], MOT_DE_PASSE)
    with pytest.raises(CompteInvalide, match="au moins une région"):
        creer_compte("a@exemple.fr", "relecteur", [], MOT_DE_PASSE)
    with pytest.raises(CompteInvalide, match="adresse électronique invalide"):
        creer_compte("pas-une-adresse", "porteur", [], MOT_DE_PASSE)
    with pytest.raises(CompteInvalide, match="mot de passe refusé.*trop court"):
        creer_compte("b@exemple.fr", "porteur", [], "court")
