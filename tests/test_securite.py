"""Hostile templates and hostile files: the sandbox, the bounds on resources, regular files only.

Hostile templates are copies of a shipped template whose ``word/document.xml`` (or core properties)
is rewritten in the zip; each is tried through ``dossier templates check`` and ``dossier render``:
no side effect (a shell command would create a marker file) and a French error.
"""

from __future__ import annotations

import os
import re
import socket
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

import fabrique
from dossier.cli import main
from dossier.errors import DossierError
from dossier.lecture import LectureRefusee, lire_octets, verifier_zip
from dossier.render.bac import delai_piece, environnement
from dossier.render.docx import dossier_modeles
from dossier.render.erreurs_modele import DelaiDepasse, ModeleInterdit

PIECE = "attestation-mutualisation"


def lancer(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    sortie = capsys.readouterr()
    return code, " ".join((sortie.out + sortie.err).split())


def reecrire_zip(source: Path, dest: Path, modifier: dict) -> Path:
    """Copy the zip ``source`` to ``dest`` with some entries' text changed by ``modifier[nom](texte)``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as entree, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as sortie:
        for info in entree.infolist():
            contenu = entree.read(info.filename)
            if info.filename in modifier:
                contenu = modifier[info.filename](contenu.decode("utf-8")).encode("utf-8")
            sortie.writestr(info, contenu)
    return dest


def modele_hostile(dossier: Path, balise: str, slug: str = PIECE) -> Path:
    """A copy of a shipped template with one paragraph holding ``balise`` before the end of the body."""
    paragraphe = f"<w:p><w:r><w:t>{escape(balise)}</w:t></w:r></w:p>"
    ajout = {"word/document.xml": lambda xml: xml.replace("<w:sectPr", paragraphe + "<w:sectPr", 1)}
    return reecrire_zip(dossier_modeles() / f"{slug}.docx", dossier / f"{slug}.docx", ajout)


@pytest.fixture
def marqueur(tmp_path) -> Path:
    return tmp_path / "PWNED"


def evasions(marqueur: Path) -> list[str]:
    """Known ways out of a Jinja template; each would create ``marqueur`` or print Python internals."""
    cmd = f"touch {marqueur}"
    return [
        "{{ ''.__class__.__mro__ }}",
        f"{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}",
        f"{{{{ joiner.__init__.__globals__.os.popen('{cmd}').read() }}}}",
        f"{{{{ namespace.__init__.__globals__.os.popen('{cmd}').read() }}}}",
        f"{{{{ lipsum.__globals__['os'].popen('{cmd}').read() }}}}",
        f"{{{{ self.__init__.__globals__.__builtins__.__import__('os').popen('{cmd}') }}}}",
        f"{{{{ config.__class__.__init__.__globals__['os'].popen('{cmd}') }}}}",
        f"{{{{ request.application.__globals__.__builtins__.__import__('os').popen('{cmd}') }}}}",
        "{{ ''.__class__.__base__.__subclasses__() }}",
        "{{ porteur.__class__.__init__.__globals__ }}",
        "{{ ''['__class__'] }}",
        "{{ porteur|attr('__class__') }}",
        f"{{% for c in ''.__class__.__base__.__subclasses__() %}}{{{{ c('{cmd}', shell=True) }}}}{{% endfor %}}",
        "{% include '/etc/passwd' %}",
        "{% import 'macros.docx' as m %}",
        "{% extends 'base.docx' %}",
    ]


_ANGLAIS = re.compile(r"is undefined|is unsafe|not safely|no loader|Traceback|Error:", re.I)
_FRANCAIS = ("interdit", "champ inconnu", "inclusion", "interdite")


def test_evasions_refusees_par_templates_check_et_render(tmp_path, capsys, marqueur):
    for numero, balise in enumerate(evasions(marqueur)):
        modeles = tmp_path / f"m{numero}"
        modele_hostile(modeles, balise)
        code, texte = lancer(capsys, "templates", "check", modeles)
        assert code == 1, (balise, texte)
        assert "modèles valides" not in texte
        assert any(mot in texte for mot in _FRANCAIS) and not _ANGLAIS.search(texte), (balise, texte)
        sortie = tmp_path / f"sortie{numero}"
        code, texte = lancer(capsys, "render", fabrique.EXEMPLE, "-o", sortie, "--templates", modeles, "--pieces", PIECE)
        assert code == 2, (balise, texte)
        assert f"{PIECE}.docx" in texte and any(mot in texte for mot in _FRANCAIS), (balise, texte)
        assert not _ANGLAIS.search(texte) and "object at 0x" not in texte and "<class" not in texte, texte
        assert not marqueur.exists(), balise
        assert not sortie.exists() or not any(sortie.iterdir())


def test_templates_check_situe_l_inclusion(tmp_path, capsys):
    modele_hostile(tmp_path, "Annexe : {% include 'annexe.docx' %}")
    code, texte = lancer(capsys, "templates", "check", tmp_path)
    assert code == 1
    assert "balise « include » interdite" in texte and "près de « Annexe :" in texte


def test_proprietes_du_document_dans_le_meme_bac(tmp_path, capsys, marqueur):
    titre = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marqueur}').read() }}}}"
    propriete = {"docProps/core.xml": lambda xml: re.sub(r"<dc:title>.*?</dc:title>|<dc:title/>",
                                                         f"<dc:title>{escape(titre)}</dc:title>", xml)}
    chemin = reecrire_zip(dossier_modeles() / f"{PIECE}.docx", tmp_path / "m" / f"{PIECE}.docx", propriete)
    assert "cycler" in zipfile.ZipFile(chemin).read("docProps/core.xml").decode()
    code, texte = lancer(capsys, "templates", "check", chemin.parent)
    assert code == 1 and "accès interdit à un attribut interne « __init__ »" in texte
    code, texte = lancer(capsys, "render", fabrique.EXEMPLE, "-o", tmp_path / "s", "--templates", chemin.parent,
                         "--pieces", PIECE)
    assert code == 2 and "accès interdit à un attribut interne" in texte
    assert not marqueur.exists()


@pytest.mark.parametrize("balise, message", [
    ("{% for x in range(10**9) %}x{% endfor %}", "nombre trop grand"),
    ("{% for x in range(20000) %}x{% endfor %}", "range() de 20000 éléments"),
    ("{{ 'x' * 3000000000 }}", "trop grand"),
    ("{{ 'x'|center(3000000000) }}", "nombre trop grand"),
    ("{{ 'x'.ljust(2000000000) }}", "nombre trop grand"),
    ("{{ '{:>999999999}'.format(1) }}", "largeur de format trop grande"),
    ("{{ '%0999999999d' % 1 }}", "largeur de format trop grande"),
    ("{% set a = 'x' * 900000 %}{{ a ~ a }}", "texte trop grand"),
    ("{{ 'ab'|replace('a', 'x' * 900000) }}", "texte trop grand"),
    ("{{ (['x' * 900000] * 5)|join }}", "texte trop grand"),
    ("{{ ('a' * 400000)|wordwrap(999999) }}", "texte trop grand"),
    ("{{ (1 / 0) }}", "division par zéro"),
])
def test_ressources_bornees_et_erreurs_en_francais(tmp_path, capsys, balise, message):
    modele_hostile(tmp_path / "m", balise)
    code, texte = lancer(capsys, "render", fabrique.EXEMPLE, "-o", tmp_path / "s", "--templates", tmp_path / "m",
                         "--pieces", PIECE)
    assert code == 2 and message in texte and f"modèle {PIECE}.docx" in texte, texte
    assert balise.split()[1][:4] in texte  # the tag is quoted
    code, texte = lancer(capsys, "templates", "check", tmp_path / "m")
    assert code == 1 and message in texte, texte


def test_delai_par_piece_interrompt_une_boucle_sans_appel():
    env = environnement(delai=0.3)
    gabarit = env.from_string("{% for a in range(1000) %}{% for b in range(999) %}{% for c in l %}"
                              "{% endfor %}{% endfor %}{% endfor %}")
    with pytest.raises(DelaiDepasse), delai_piece(env):
        gabarit.render(l=list(range(1000)))


def test_delai_par_piece_en_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DOSSIER_DELAI_MODELE", "0.3")
    modele_hostile(tmp_path / "m", "{% for a in range(1000) %}{% for b in range(999) %}{% for c in essms %}"
                                   "{% endfor %}{% endfor %}{% endfor %}")
    code, texte = lancer(capsys, "render", fabrique.EXEMPLE, "-o", tmp_path / "s", "--templates", tmp_path / "m",
                         "--pieces", PIECE)
    assert code == 2 and "temps de rendu dépassé" in texte


def test_globaux_dangereux_absents_et_listes_immuables():
    env = environnement()
    for nom in ("cycler", "joiner", "lipsum", "namespace"):
        assert nom not in env.globals
    with pytest.raises(ModeleInterdit):
        env.from_string("{% set l = [1] %}{{ l.append(2) }}").render()
    assert env.from_string("{{ x }} &").render(x="<w:t>&") == "&lt;w:t&gt;&amp; &"


# --------------------------------------------------------------------------- bounded reading

def bombe(chemin: Path, taille: int = 12 * 1024 * 1024, nom: str = "word/document.xml") -> Path:
    """A small zip declaring a big, highly compressed entry (a decompression bomb)."""
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(nom, b"\0" * taille)
    return chemin


def test_bombe_zip_refusee_avant_decompression(tmp_path):
    chemin = bombe(tmp_path / "b.docx")
    assert chemin.stat().st_size < 100_000
    with pytest.raises(LectureRefusee, match="bombe de décompression"):
        verifier_zip(chemin, chemin.name)
    with zipfile.ZipFile(tmp_path / "n.docx", "w") as z:
        for i in range(10_001):
            z.writestr(f"x/{i}", "")
    with pytest.raises(LectureRefusee, match="10001 éléments"):
        verifier_zip(tmp_path / "n.docx", "n.docx")


def test_modele_bombe_refuse(tmp_path, capsys):
    bombe((tmp_path / "m").mkdir() or tmp_path / "m" / f"{PIECE}.docx")
    code, texte = lancer(capsys, "templates", "check", tmp_path / "m")
    assert code == 1 and "bombe de décompression" in texte
    code, texte = lancer(capsys, "render", fabrique.EXEMPLE, "-o", tmp_path / "s", "--templates", tmp_path / "m",
                         "--pieces", PIECE)
    assert code == 2 and "bombe de décompression" in texte and f"{PIECE}.docx" in texte


def test_fifo_et_peripherique_ne_bloquent_pas(tmp_path):
    fifo = tmp_path / "tube.json"
    os.mkfifo(fifo)
    with pytest.raises(LectureRefusee, match="pas un fichier ordinaire.*FIFO"):
        lire_octets(fifo, 100)
    with pytest.raises(LectureRefusee, match="pas un fichier ordinaire.*périphérique"):
        lire_octets("/dev/zero", 100)
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(tmp_path / "s.json"))
        with pytest.raises(LectureRefusee, match="pas un fichier ordinaire \\(socket\\)"):
            lire_octets(tmp_path / "s.json", 100)


@pytest.mark.parametrize("commande", [["validate"], ["check"], ["financement"], ["render", "-o", "SORTIE"],
                                      ["checklist", "DOSSIER", "--projet"]])
def test_projet_non_ordinaire_sortie_2(tmp_path, capsys, commande):
    fifo = tmp_path / "projet.json"
    os.mkfifo(fifo)
    for projet in (fifo, Path("/dev/zero")):
        args = [a.replace("SORTIE", str(tmp_path / "s")).replace("DOSSIER", str(tmp_path)) for a in commande]
        code, texte = lancer(capsys, *args[:1], *args[1:], projet) if commande[0] == "checklist" else \
            lancer(capsys, args[0], projet, *args[1:])
        assert code == 2, (commande, texte)
        assert "pas un fichier ordinaire" in texte


def test_projet_trop_gros(tmp_path, capsys):
    gros = tmp_path / "gros.json"
    with gros.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: nothing written on disk
    code, texte = lancer(capsys, "validate", gros)
    assert code == 2 and "fichier trop volumineux" in texte and "limite 50 Mo" in texte


def test_erreur_systeme_du_modele_en_francais(tmp_path):
    from dossier.lecture import lire_modele

    with pytest.raises(DossierError, match="fichier illisible \\(fichier ou dossier introuvable\\)"):
        lire_modele(tmp_path / "absent.docx")


def test_charte_bombe_refusee(tmp_path, capsys):
    modeles = tmp_path / "m"
    modeles.mkdir()
    bombe(modeles / "classeurs.xlsx", nom="xl/workbook.xml")
    code, texte = lancer(capsys, "templates", "check", modeles)
    assert code == 1 and "classeurs.xlsx" in texte and "bombe de décompression" in texte


@pytest.mark.parametrize("commande", [
    ["validate", "TABLEAU.xlsx"],
    ["fiche", "import", "TABLEAU.xlsx", "-o", "SORTIE.json"],
    ["essms", "import", "TABLEAU.csv", "--projet", "EXEMPLE"],
    ["essms", "import", "TABLEAU.xlsx", "--projet", "EXEMPLE"],
    ["usages", "calculer", "TABLEAU.csv", "--projet", "EXEMPLE"],
    ["usages", "calculer", "TABLEAU.xlsx", "--projet", "EXEMPLE"],
])
def test_tableaux_d_autrui_lus_avec_bornes(tmp_path, capsys, commande):
    """A fiche, an ESSMS list or a measures file that is a FIFO, or a workbook that is a zip bomb, is
    refused at once in French (exit 2), never read until it blocks or fills the memory."""
    extension = next(a for a in commande if a.startswith("TABLEAU")).split(".")[1]
    for nature in ("fifo", "bombe") if extension == "xlsx" else ("fifo",):
        tableau = tmp_path / f"{nature}.{extension}"
        if nature == "fifo":
            os.mkfifo(tableau)
        else:
            bombe(tableau, nom="xl/workbook.xml")
        args = [str(tableau) if a.startswith("TABLEAU") else str(fabrique.EXEMPLE) if a == "EXEMPLE"
                else str(tmp_path / a) if a == "SORTIE.json" else a for a in commande]
        code, texte = lancer(capsys, *args)
        attendu = "pas un fichier ordinaire" if nature == "fifo" else "bombe de décompression"
        assert code == 2 and attendu in texte and tableau.name in texte, (commande, nature, texte)
        assert not (tmp_path / "SORTIE.json").exists()


def test_extrait_finess_non_ordinaire_refuse(tmp_path, capsys):
    """The FINESS extract is streamed, but only from a regular file: a FIFO is refused, never waited on."""
    fifo = tmp_path / "etalab-cs1100502-stock-20260512-0336.csv"
    os.mkfifo(fifo)
    code, texte = lancer(capsys, "finess", "completer", "--extrait", fifo, "--projet", fabrique.EXEMPLE)
    assert code == 2 and "pas un fichier ordinaire" in texte and fifo.name in texte


# --------------------------------------------------------------------------- sizes bounded before they are built

MEMOIRE_MAX = 512 * 1024 * 1024  # a render of the example needs well under 400 Mo of address space


def _sous_limite_memoire():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMOIRE_MAX, MEMOIRE_MAX))


def dossier_sous_limite(*args) -> tuple[int, str]:
    """``dossier *args`` in a subprocess whose address space is limited to ``MEMOIRE_MAX``: an
    operation that builds gigabytes fails instead of swapping (MemoryError would say « mémoire
    insuffisante », not the bound's message)."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(fabrique.RACINE / "src"))
    proc = subprocess.run([sys.executable, "-m", "dossier", *map(str, args)], env=env, capture_output=True,
                          preexec_fn=_sous_limite_memoire, timeout=120)
    return proc.returncode, " ".join((proc.stdout + proc.stderr).decode("utf-8", "replace").split())


@pytest.mark.parametrize("balise, message", [
    ("{{ '{0:{1}}'.format(1, '2500000000') }}", "largeur de format trop grande"),
    ("{{ '{:>{w}}'.format(1, w='2500000000') }}", "largeur de format trop grande"),
    ("{{ '{:.{p}f}'.format(1.5, p='999999999') }}", "précision de format trop grande"),
    ("{{ '%*d' % (999999999, 1) }}", "largeur de format trop grande"),
    ("{{ '%.*f' % (999999999, 1.5) }}", "précision de format trop grande"),
    ("{{ ('%(a)s' * 160000) % {'a': 'x' * 999999} }}", "texte formaté trop grand"),
    ("{{ ('{0}' * 300000).format('x' * 999999) }}", "texte formaté trop grand"),
    ("{{ ('{a}' * 300000).format_map({'a': 'x' * 999999}) }}", "texte formaté trop grand"),
    ("{{ ('%s' * 300000)|format(*(['x' * 999999] * 300000)) }}", "trop grand"),
    ("{{ ('a' * 900000).translate({97: 'x' * 999999}) }}", "texte trop grand"),
])
def test_formats_bornes_avant_construction(tmp_path, balise, message):
    """Widths and precisions taken from strings, keywords and ``*`` arguments, and ``%`` results, are
    bounded before the string is built (these reached 1.8 to 3.3 Go)."""
    modele_hostile(tmp_path / "m", balise)
    code, texte = dossier_sous_limite("render", fabrique.EXEMPLE, "-o", tmp_path / "s", "--templates", tmp_path / "m",
                                      "--pieces", PIECE)
    assert code == 2 and message in texte and f"modèle {PIECE}.docx" in texte, texte
    assert balise[3:12] in texte, texte  # the tag is quoted
    assert "mémoire insuffisante" not in texte and not _ANGLAIS.search(texte), texte
    code, texte = dossier_sous_limite("templates", "check", tmp_path / "m")
    assert code == 1 and message in texte and f"{PIECE}.docx" in texte, texte


def test_formats_ordinaires_inchanges():
    env = environnement()
    gabarit = ("{{ '{:>8}|{:.2f}|{x}'.format('ab', 3.14159, x=2) }} {{ '%s et %05.1f'|format('a', 2.5) }} "
               "{{ '{0[nom]:^5}'.format(p) }} {{ '%(n)s-%(m)03d' % {'n': 'a', 'm': 7} }} {{ '%-*s|' % (4, 'b') }}")
    assert env.from_string(gabarit).render(p={"nom": "A"}) == "      ab|3.14|2 a et 002.5   A   a-007 b   |"


# --------------------------------------------------------------------------- no internals in a document


@pytest.mark.parametrize("balise", [
    "{{ range|pprint }}",
    "{{ self }}",
    "{{ range }}",
    "{{ self|string }}",
    "{{ 'Réf. ' ~ dict }}",
    "{{ '%s' % range }}",
    "{{ [range]|join(', ') }}",
    "{{ porteur.raison_sociale.upper }}",
    "{% for e in essms %}{{ loop.cycle }}{% endfor %}",
])
def test_aucun_interne_dans_un_document(tmp_path, capsys, balise):
    """A bound method, the template reference, a loop object… never reach a document (was printed:
    « <bound method Bac.intervalle of <dossier.render.docx.Bac object at 0x…>> »,
    « <TemplateReference None> »); render refuses with the tag, templates check flags it."""
    modele_hostile(tmp_path / "m", balise)
    code, texte = lancer(capsys, "render", fabrique.EXEMPLE, "-o", tmp_path / "s", "--templates", tmp_path / "m",
                         "--pieces", PIECE)
    assert code == 2 and "valeur interne" in texte and f"modèle {PIECE}.docx" in texte, texte
    assert balise[:8] in texte and " at 0x" not in texte and "TemplateReference None" not in texte, texte
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())
    code, texte = lancer(capsys, "templates", "check", tmp_path / "m")
    assert code == 1 and "valeur interne" in texte, texte


def test_templates_check_situe_la_valeur_interne(tmp_path, capsys):
    modele_hostile(tmp_path, "Objet : {% if false %}{{ range|pprint }}{% endif %}")  # a branch no context visits
    code, texte = lancer(capsys, "templates", "check", tmp_path)
    assert code == 1
    assert "valeur interne « range » (fonction) utilisée comme une valeur" in texte and "près de « Objet :" in texte


def test_internes_appeles_ou_lus_restent_permis():
    env = environnement()
    gabarit = "{% for i in range(2) %}{{ loop.index }}{{ [1, 2]|join('-') }}{{ 'a'.upper() }}{% endfor %}{{ dict(a=1).a }}"
    assert env.from_string(gabarit).render() == "11-2A21-2A1"
