"""What every command group of the command line shares: Click in French, the group class, the help
option, the two consoles (results on stdout, errors and progress on stderr), JSON printing."""

from __future__ import annotations

import gettext
import importlib
import json
import sys
from importlib import resources

import click
from rich.console import Console

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
erreurs = Console(stderr=True, highlight=False, soft_wrap=True)  # a message is never cut inside a file name


# Click names its parameter types in English (the default metavar of an option: TEXT, INTEGER…).
_NOMS_DES_TYPES = {
    click.types.StringParamType: "texte", click.types.IntParamType: "entier", click.types.IntRange: "entier",
    click.types.FloatParamType: "nombre", click.types.FloatRange: "nombre", click.types.BoolParamType: "oui/non",
    click.types.DateTime: "date", click.types.File: "fichier", click.types.UUIDParameterType: "uuid",
}


def _click_en_francais() -> None:
    """Make Click speak French, whatever the user's locale, through its own gettext calls.

    Click's modules call ``gettext.gettext`` / ``ngettext``, which take the language from the
    environment at each call; binding, in Click's modules only, the same two names to the French
    catalogue (``locale/fr/LC_MESSAGES/click.mo``, compiled at build time) changes neither the
    environment passed to subprocesses (LibreOffice) nor gettext for other libraries. Runs before the
    commands are declared (every command module imports this one first): Click translates some words
    (``file``, ``directory``) when a parameter is made. The type names Click does not pass through
    gettext are set here too.
    """
    for paresseux in ("click.shell_completion", "click._termui_impl"):  # imported by Click on first use
        importlib.import_module(paresseux)
    with resources.as_file(resources.files("dossier") / "locale") as repertoire:
        francais = gettext.translation("click", repertoire, languages=["fr"], fallback=True)
    for nom, module in list(sys.modules.items()):
        if nom == "click" or nom.startswith("click."):
            if getattr(module, "_", None) is gettext.gettext:
                module._ = francais.gettext
            if getattr(module, "ngettext", None) is gettext.ngettext:
                module.ngettext = francais.ngettext
    for type_, nom in _NOMS_DES_TYPES.items():
        type_.name = nom


_click_en_francais()


class Groupe(click.Group):
    """Click group whose usage line names the subcommand in French (Click does not translate it)."""

    group_class = type  # subgroups (`templates`) are Groupe as well

    def __init__(self, *args, subcommand_metavar: str = "COMMANDE [ARGUMENTS]...", **kwargs) -> None:
        super().__init__(*args, subcommand_metavar=subcommand_metavar, **kwargs)


AIDE = {"help_option_names": ["-h", "--help"]}
option_aide = click.help_option("-h", "--help", help="Afficher cette aide et quitter.")


def imprimer_json(donnees: dict) -> None:
    click.echo(json.dumps(donnees, ensure_ascii=False, indent=2))


def afficher_notes(notes: list[str]) -> None:
    for note in notes:
        console.print(f"note : {note}", style="yellow", markup=False)


_imprimer_json = imprimer_json  # the name the portfolio's command uses
