"""The command line speaks French from end to end, and holds on any terminal.

Click's own words (help, usage line, errors) come from the French catalogue shipped in the package
(``locale/fr/LC_MESSAGES/click.po``, compiled at build time). The English words that must never
reach a user are read from that catalogue's msgids, plus the few Click strings gettext does not
carry (type names used as metavars, the group's usage line). Then: a terminal that cannot encode
U+202F or accents (cp1252, ASCII, LANG=C) gets approximate characters instead of a crash, file
names are shown with their control characters escaped, and a reader leaving the pipe early
(``| head``) ends the command quietly.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import fabrique
from dossier.affichage import APPROCHE, nom_affichable
from dossier.cli import cli, main

EXEMPLE = str(fabrique.EXEMPLE)
LOCALE = resources.files("dossier") / "locale"
PO = LOCALE / "fr" / "LC_MESSAGES" / "click.po"
#: Click strings that do not go through gettext: metavars made from type names, usage-line defaults.
HORS_CATALOGUE = ["TEXT", "INTEGER", "FLOAT", "BOOLEAN", "FILENAME", "COMMAND", "ARGS", "COMMAND1"]
#: English words of Click that are also French words of the domain ("cibles d'usage"): Click's own use
#: of them is caught by its exact form (``Usage:``) instead.
AUSSI_FRANCAIS = {"usage"}
FORMES_ANGLAISES = re.compile(r"\bUsage:")


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def _mots(texte: str) -> set[str]:
    sans_variables = re.sub(r"\{[^}]*\}|%\([^)]*\)[a-z]", " ", texte)
    return {m.lower() for m in re.findall(r"[A-Za-z]{2,}", sans_variables)}


def _mots_anglais() -> set[str]:
    """Words of Click's English messages (msgids) that no French translation uses."""
    anglais, francais = set(), set()
    for message in _catalogue():
        if not message.id:
            continue
        for msgid in (message.id,) if isinstance(message.id, str) else message.id:
            anglais |= _mots(msgid)
        for msgstr in (message.string,) if isinstance(message.string, str) else message.string:
            francais |= _mots(msgstr)
    return (anglais - francais - AUSSI_FRANCAIS) | {m.lower() for m in HORS_CATALOGUE}


MOTS_ANGLAIS = _mots_anglais()


def anglais_dans(texte: str) -> list[str]:
    """Click's English words in ``texte``, file paths and option names (``--help``, the contract's) set aside."""
    sans_noms = re.sub(r"(?<![\w'])--?[A-Za-z][\w-]*|/[^\s']*", " ", texte)
    formes = FORMES_ANGLAISES.findall(texte)
    return sorted({m for m in re.findall(r"[A-Za-z]+", sans_noms) if m.lower() in MOTS_ANGLAIS} | set(formes))


def executer(capsys, args: list[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    sortie = capsys.readouterr()
    return code, sortie.out + sortie.err


def chemins_de_commandes(groupe: click.Group, prefixe: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the Click tree (groups included), e.g. ("templates", "check")."""
    chemins = [prefixe]
    for nom, commande in groupe.commands.items():
        if isinstance(commande, click.Group):
            chemins += chemins_de_commandes(commande, (*prefixe, nom))
        else:
            chemins.append((*prefixe, nom))
    return chemins


# --------------------------------------------------------------------------- the catalogue


def test_la_liste_des_mots_anglais_est_celle_de_click():
    # the list the other tests check against is real: Click's words, not a handful
    assert len(MOTS_ANGLAIS) > 100
    assert {"missing", "such", "directory", "file", "required", "show", "invalid", "got", "text"} <= MOTS_ANGLAIS
    assert not {"options", "arguments", "version", "usage"} & MOTS_ANGLAIS  # the same words in French
    assert anglais_dans("Error: Missing argument 'PROJET'.") == ["Error", "Missing"]
    assert anglais_dans("Usage: dossier check") == ["Usage:"] and not anglais_dans("cibles d'usage")


def test_chaque_message_de_click_installe_est_traduit():
    """Every message Click marks for translation, in the installed Click, has a French translation."""
    traductions = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in _catalogue() if m.id}
    extraits = {msg if isinstance(msg, str) else msg[0]
                for _, _, msg, _, _ in extract_from_dir(os.path.dirname(click.__file__)) if msg}
    assert len(extraits) > 50
    manquants = sorted(m for m in extraits if not traductions.get(m) or not all(
        traductions[m] if isinstance(traductions[m], tuple) else (traductions[m],)))
    assert not manquants, f"messages de Click {click.__name__} sans traduction française : {manquants}"


def test_catalogue_compile_livre_avec_le_paquet():
    traduction = gettext.translation("click", str(LOCALE), languages=["fr"])  # raises if the .mo is absent
    assert traduction.gettext("Usage:") == "Utilisation :"
    assert traduction.ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 2) \
        == "l'option {name!r} attend {nargs} valeurs."


def test_francais_pour_click_seulement_sans_toucher_l_environnement(capsys):
    avant = dict(os.environ)
    code, texte = executer(capsys, ["--help"])
    assert code == 0 and "Utilisation : dossier" in texte
    assert dict(os.environ) == avant  # LibreOffice and other subprocesses get the user's environment
    assert gettext.gettext("Usage:") == "Usage:"  # gettext of other libraries is left alone


# --------------------------------------------------------------------------- help and errors


@pytest.mark.parametrize("chemin", chemins_de_commandes(cli), ids=lambda c: " ".join(c) or "dossier")
def test_aide_sans_anglais(capsys, chemin):
    code, texte = executer(capsys, [*chemin, "--help"])
    assert code == 0, texte
    assert texte.startswith(f"Utilisation : {' '.join(('dossier', *chemin))} [OPTIONS]")
    assert "Afficher cette aide et quitter." in texte
    assert not anglais_dans(texte), f"anglais dans l'aide de « {' '.join(chemin)} » : {anglais_dans(texte)}\n{texte}"


def test_groupe_sans_sous_commande_affiche_l_aide_en_francais(capsys):
    code, texte = executer(capsys, ["templates"])
    assert code == 2
    assert "COMMANDE [ARGUMENTS]..." in texte and "Commandes:" in texte
    assert not anglais_dans(texte), texte


def _invocations_erronees(tmp: Path) -> list[tuple[list[str], str]]:
    """Wrong invocations, each with a French fragment its message must hold."""
    return [
        (["--inconnue"], "option inconnue : '--inconnue'"),
        (["check", "--jsn", EXEMPLE], "Vouliez-vous dire '--json' ?"),
        (["validate"], "argument manquant 'PROJET'"),
        (["validate", str(tmp)], "Fichier attendu"),
        (["checklist", EXEMPLE], "Dossier attendu"),
        (["render", EXEMPLE, "--templates", EXEMPLE, "-o", str(tmp / "out")], "Dossier attendu"),
        (["financer", EXEMPLE], "commande inconnue : 'financer'"),
        (["templates", "lister"], "commande inconnue : 'lister'"),
        (["validate", EXEMPLE, "en-trop"], "argument en trop (en-trop)"),
        (["validate", EXEMPLE, "un", "deux"], "arguments en trop (un deux)"),
        (["render", EXEMPLE, "-o"], "l'option '-o' attend une valeur"),
        (["render", EXEMPLE], "option manquante '-o' / '--sortie'"),
        (["checklist", str(tmp), "--profil"], "l'option '--profil' attend une valeur"),
        (["--debug=oui", "campagnes"], "ne prend pas de valeur"),
        (["bundle", str(tmp)], "option manquante"),
    ]


def test_invocations_erronees_en_francais(capsys, tmp_path):
    for args, attendu in _invocations_erronees(tmp_path):
        code, texte = executer(capsys, args)
        assert code == 2, (args, texte)
        assert texte.startswith("erreur : "), (args, texte)
        assert attendu in " ".join(texte.split()), (args, texte)
        assert not anglais_dans(texte), f"anglais pour {args} : {anglais_dans(texte)}\n{texte}"
        assert "Traceback" not in texte


def test_types_de_click_en_francais(tmp_path):
    """Choices, ranges and existence checks, as any new option would use them, answer in French."""

    @click.command()
    @click.option("--format", type=click.Choice(["office", "pdf"]))
    @click.option("--nombre", type=click.IntRange(1, 9))
    @click.option("--date", type=click.DateTime(["%Y-%m-%d"]))
    @click.argument("modeles", type=click.Path(exists=True))
    def commande(**_):
        pass

    cas = [
        (["--format", "odt", str(tmp_path)], "'odt' n'est pas l'une des valeurs 'office', 'pdf'"),
        (["--nombre", "12", str(tmp_path)], "12 est hors de l'intervalle 1<=x<=9"),
        (["--nombre", "douze", str(tmp_path)], "'douze' n'est pas un nombre valide"),
        (["--date", "15/06/2023", str(tmp_path)], "ne respecte pas le format"),
        ([str(tmp_path / "absent")], "Chemin '" + str(tmp_path / "absent") + "' introuvable"),
    ]
    for args, attendu in cas:
        with pytest.raises(click.UsageError) as e:
            commande.main(args, standalone_mode=False)
        message = e.value.format_message()
        assert attendu in message, (args, message)
        assert not anglais_dans(message), (args, message)
    aide = commande.get_help(click.Context(commande, info_name="commande"))
    assert not anglais_dans(aide), aide


def test_francais_quelle_que_soit_la_langue_de_l_utilisateur(tmp_path):
    env = {**os.environ, "LANG": "en_US.UTF-8", "LANGUAGE": "en", "LC_ALL": "en_US.UTF-8"}
    fait = subprocess.run([sys.executable, "-m", "dossier", "validate", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert fait.returncode == 2
    assert "Fichier attendu" in fait.stderr and not anglais_dans(fait.stderr), fait.stderr


# --------------------------------------------------------------------------- terminals


def test_nom_affichable_echappe_les_caracteres_de_controle():
    assert nom_affichable("a\x1b[31mb\nc\u202ed\x7f.json") == "a\\x1b[31mb\\nc\\u202ed\\x7f.json"
    assert nom_affichable(os.fsdecode(b"caf\xe9.json")) == "caf\\udce9.json"  # undecodable byte of a name
    assert nom_affichable(Path("dépôt « 2023 ».zip")) == "dépôt « 2023 ».zip"


def test_sortie_approchee_sur_un_terminal_limite():
    assert "1\u202f234,50\xa0€ éà «x»".encode("ascii", APPROCHE) == b"1 234,50 ? ea ?x?"
    assert "1\u202f234,50\xa0€ « é »".encode("cp1252", APPROCHE).decode("cp1252") == "1 234,50\xa0€ « é »"


def test_noms_de_fichiers_echappes_dans_les_messages(capsys, tmp_path):
    hostile = tmp_path / "projet\x1b[2J\nfaux.json"
    code, texte = executer(capsys, ["init", str(hostile)])
    assert code == 0, texte
    assert hostile.is_file()
    assert "\x1b" not in texte and "projet\\x1b[2J\\nfaux.json" in texte
    code, texte = executer(capsys, ["init", str(hostile)])
    assert code == 2 and "\x1b" not in texte and "projet\\x1b[2J\\nfaux.json existe déjà" in texte


def _dossier(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environnement = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, env=environnement, timeout=120)


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "cp1252"}, {"PYTHONIOENCODING": "ascii"},
                                 {"LANG": "C", "LC_ALL": "C"}], ids=["cp1252", "ascii", "LANG=C"])
def test_terminal_non_utf8_sans_plantage(capsys, tmp_path, env):
    encodage = env.get("PYTHONIOENCODING", "utf-8")
    code, texte = executer(capsys, ["financement", "--json", EXEMPLE])
    total = json.loads(texte)["totaux"]["total"]
    montant = f"{total:,.2f}".replace(",", " ").replace(".", ",")
    commandes = [(["financement", EXEMPLE], {0}), (["check", EXEMPLE], {0, 1})]
    if encodage == "cp1252":
        commandes.append((["render", EXEMPLE, "-o", str(tmp_path / "out"), "--pieces", "note-de-presentation"], {0, 1}))
    for args, codes in commandes:
        fait = _dossier(args, **env)
        sortie, erreur = fait.stdout.decode(encodage), fait.stderr.decode(encodage)
        assert fait.returncode in codes, (args, sortie, erreur)
        assert "Traceback" not in erreur and "Error" not in erreur, erreur
        if args[0] == "financement":
            assert montant in sortie.replace("\u202f", " "), sortie
    assert (tmp_path / "out" / "01-note-de-presentation.docx").is_file() or encodage != "cp1252"


def test_tube_ferme_tot_sans_trace(tmp_path):
    """`dossier financement gros.json | head -1`: no traceback, no "Exception ignored" line."""
    projet = fabrique.ecrire(tmp_path / "gros.json", fabrique.generer_projet(800))
    # The table (over 100 kB, more than a pipe holds) is written line by line: a write meets the closed
    # pipe, and dossier exits 1 as Click does. The JSON is one write, which the system may cut short
    # without an error (exit 0).
    for args, codes in ((["financement", str(projet)], {1}), (["financement", "--json", str(projet)], {0, 1})):
        processus = subprocess.Popen([sys.executable, "-m", "dossier", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        processus.stdout.read(100)
        processus.stdout.close()
        erreur = processus.stderr.read().decode()
        assert processus.wait(timeout=60) in codes, erreur
        assert erreur == "", erreur


# --------------------------------------------------------------------------- issue 20 item 17: CLI leftovers


def test_init_nomme_une_commande_qui_ecrit_le_schema(capsys, tmp_path, monkeypatch):
    """Before: init told to follow schemas/projet.schema.json, absent outside the repository."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "projet.json"]) == 0
    sortie = " ".join(capsys.readouterr().out.split())
    assert "schemas/" not in sortie and "« dossier schema projet.schema.json »" in sortie
    assert main(["schema", "projet.schema.json"]) == 0
    schema = json.loads((tmp_path / "projet.schema.json").read_text("utf-8"))
    assert "porteur" in schema["properties"] and "essms" in schema["properties"]
    assert main(["schema", "projet.schema.json"]) == 2  # never overwritten without --force
    assert main(["schema", "projet.schema.json", "--force"]) == 0


def test_init_exemple_ne_dit_pas_de_le_completer(capsys, tmp_path):
    assert main(["init", str(tmp_path / "exemple.json"), "--exemple"]) == 0
    sortie = " ".join(capsys.readouterr().out.split())
    assert "compléter" not in sortie and "exemple complet écrit" in sortie and "dossier render" in sortie


def test_siret_vide_manquant(capsys, tmp_path):
    donnees = json.loads(Path(EXEMPLE).read_text("utf-8"))
    donnees["porteur"]["siret"] = ""
    fichier = tmp_path / "p.json"
    fichier.write_text(json.dumps(donnees, ensure_ascii=False), "utf-8")
    assert main(["validate", str(fichier)]) == 1
    sortie = capsys.readouterr().out
    assert "porteur.siret : SIRET manquant" in sortie and "«  »" not in sortie


def test_aide_dit_json_ou_fiche(capsys):
    for commande in ([], ["validate"], ["check"], ["render"], ["checklist"], ["bundle"], ["usages", "calculer"]):
        with pytest.raises(SystemExit):
            cli.main([*commande, "--help"], prog_name="dossier", standalone_mode=True)
        aide = " ".join(capsys.readouterr().out.split())
        assert "JSON ou fiche Excel" in aide, commande
        assert "fichier projet JSON." not in aide


def test_make_demo_n_ecrit_pas_la_fiche_dans_le_dossier_de_depot():
    makefile = (fabrique.RACINE / "Makefile").read_text("utf-8")
    assert "-o out/fiche-projet.xlsx" not in makefile and "-o out/fiche/fiche-projet.xlsx" in makefile
