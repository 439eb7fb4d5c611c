"""The README's « Utiliser dossier depuis Python » example runs as written (doctest), and help(dossier)
shows the public API with a docstring per function."""

from __future__ import annotations

import doctest
import pydoc
import re

import fabrique


def bloc_python_du_readme() -> str:
    texte = (fabrique.RACINE / "README.md").read_text("utf-8")
    section = re.search(r"^## Utiliser dossier depuis Python\s*$(.*?)(?=^## )", texte, re.M | re.S)
    assert section, "section « Utiliser dossier depuis Python » absente du README"
    bloc = re.search(r"^```pycon\s*$(.*?)^```\s*$", section.group(1), re.M | re.S)
    assert bloc, "pas de bloc ```pycon dans « Utiliser dossier depuis Python »"
    return bloc.group(1)


def test_exemple_python_du_readme(monkeypatch, capsys):
    monkeypatch.chdir(fabrique.RACINE)  # the example reads examples/… from the repository's root
    exemple = doctest.DocTestParser().get_doctest(bloc_python_du_readme(), {}, "README", "README.md", 0)
    assert len(exemple.examples) >= 8
    lanceur = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    lanceur.run(exemple)
    resultat = lanceur.summarize(verbose=False)
    assert resultat.failed == 0, capsys.readouterr().out


def test_help_dossier_montre_l_api():
    import dossier
    import dossier.api

    texte = pydoc.render_doc(dossier, renderer=pydoc.plaintext)
    for nom in dossier.api.__all__:
        objet = getattr(dossier, nom)
        assert objet is getattr(dossier.api, nom)
        assert (objet.__doc__ or "").strip(), f"{nom} sans docstring"
        if callable(objet) and not isinstance(objet, type):  # a function says what it returns and raises
            assert "eturn" in objet.__doc__ and "aise" in objet.__doc__, f"{nom} : ce qu'elle rend, ce qu'elle lève ?"
        assert re.search(rf"^    (class )?{nom}\b", texte, re.M), f"{nom} absent de help(dossier)"
    assert set(dossier.__all__) == {"__version__", *dossier.api.__all__}
