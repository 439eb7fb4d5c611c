"""Command line of dossier: parse, call the public API (``dossier.api``), print, exit code (0 done,
1 problems found, 2 cannot do).

One module per group of commands; this one holds the root group, the one place where every group is
registered (those of other faces too), and the entry point ``run`` (console script ``dossier``).
"""

from __future__ import annotations

import sys
import traceback

import click

from .commun import AIDE, Groupe, console, erreurs, option_aide  # first: Click speaks French before any command is made
from .. import __version__, interruption
from ..affichage import flux_tolerants, nom_affichable, taire_sortie, texte_affichable
from ..errors import DossierError, ProjetInvalide, raison_systeme
from ..sorties import afficher_problemes
from . import fiche as _fiche, pieces as _pieces, projet as _projet, usages as _usages

__all__ = ["cli", "console", "erreurs", "main", "run"]


@click.group(cls=Groupe, context_settings=AIDE, help="Dossier de financement ESMS numérique (Ségur du numérique) à partir d'un fichier projet (JSON ou fiche Excel).")
@click.version_option(__version__, "--version", message="dossier %(version)s", help="Afficher la version et quitter.")
@click.option("--debug", is_flag=True, help="Afficher la trace complète des erreurs inattendues.")
@option_aide
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    ctx.obj = {"debug": debug}


# --------------------------------------------------------------------------- the commands, registered here only

for _module in (_projet, _pieces, _fiche, _usages):
    for _commande in _module.COMMANDES:
        cli.add_command(_commande)


def _enregistrer_autres_faces() -> None:
    """The groups of the other faces: the portfolio and the portal's (serve, comptes, portail). Their modules
    import Django and the portfolio only when one of their commands runs."""
    from .portail import enregistrer as enregistrer_portail
    from .portefeuille import portefeuille

    cli.add_command(portefeuille)
    enregistrer_portail(cli, Groupe, option_aide)


_enregistrer_autres_faces()


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never a traceback (unless --debug), French messages, exit codes 0/1/2."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    flux_tolerants()
    interruption.installer()
    try:
        code = cli.main(args=args, prog_name="dossier", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help())
        return 2
    except click.UsageError as e:
        erreurs.print(f"erreur : {texte_affichable(e.format_message())}", style="red", markup=False)
        if e.ctx is not None:
            erreurs.print(f"aide : {e.ctx.command_path} --help", markup=False)
        return 2
    except ProjetInvalide as e:
        erreurs.print(texte_affichable(e.message), style="bold red", markup=False)
        afficher_problemes(erreurs, e.problemes)
        return e.exit_code
    except DossierError as e:
        erreurs.print(f"erreur : {texte_affichable(e.message)}", style="red", markup=False)
        return e.exit_code
    except (click.Abort, KeyboardInterrupt):
        erreurs.print(interruption.MESSAGE, style="red", markup=False)
        return 2
    except click.exceptions.Exit as e:
        return e.exit_code
    except BrokenPipeError:  # the reader left (`| head`): stop quietly, exit 1 as Click does
        taire_sortie()
        return 1
    except OSError as e:  # an operating-system error no command caught: French reason, file named
        nom = f"{nom_affichable(e.filename)} : " if e.filename else ""
        erreurs.print(f"erreur : {nom}{raison_systeme(e)}", style="red", markup=False)
        return 2
    except Exception as e:  # noqa: BLE001 - last resort: one French line, never a traceback
        if debug:
            traceback.print_exc()
        erreurs.print(f"erreur inattendue : {type(e).__name__} : {texte_affichable(str(e))} (relancer avec --debug pour la trace)", style="red", markup=False)
        return 2


def run() -> None:
    interruption.superviser()
    sys.exit(main())
