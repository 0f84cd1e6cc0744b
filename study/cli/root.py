"""The `study` command group, and the console script that turns every error into one line."""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

import click

from study import __version__
from study.cli.common import Options, fail, say, started
from study.cli.deck_commands import cards, copy_deck, decks, import_, unbury, unflag
from study.cli.exchange import export_anki, generate, import_anki
from study.cli.profiles import profile
from study.cli.progress import class_command, log_command, stats
from study.cli.settings import config
from study.cli.studying import review, run_tui
from study.cli.upkeep import backup_command, doctor_command
from study.services.explain import explain


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="URL", help="Database: an SQLAlchemy URL or a file (else STUDY_DB).")
@click.option(
    "--profile", metavar="NAME", help="Learner profile (else STUDY_PROFILE, else 'default')."
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(__version__, prog_name="study")
@click.pass_context
def cli(ctx: click.Context, db: str | None, profile: str | None, debug: bool) -> None:
    """Spaced repetition in the terminal: study, export to Anki, see your progress.

    Without a command, opens the study app on your decks.
    """
    ctx.obj = Options(db, profile, debug)
    if ctx.invoked_subcommand not in (None, "review"):
        started()  # only the app's start waits for the first screen (see main)
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj, start="home")


for command in (
    review,
    import_,
    copy_deck,
    cards,
    unflag,
    unbury,
    decks,
    config,
    profile,
    generate,
    export_anki,
    import_anki,
    stats,
    class_command,
    log_command,
    doctor_command,
    backup_command,
):
    cli.add_command(command)


# Options of `study` itself: typed after a command, click's "No such option" hid where they go.
_GLOBAL_OPTIONS = ("--db", "--profile", "--debug")


def main() -> None:
    """The console script: run the CLI, turning every error into one clear line.

    ``--debug`` (a global option, before the command) shows the traceback instead.
    """
    # Starting the app makes a few hundred thousand objects that live as long as the
    # process (SQLAlchemy, pydantic and Textual classes, the schema). The cyclic garbage
    # collector would walk them all several times before the first card is drawn: about
    # a tenth of `study review`'s start (issue 9). So it pauses until the database is
    # open (started(), called by opened() and by every command but the app), and then
    # gc.freeze() leaves what the start made out of its later rounds.
    gc.disable()
    context: click.Context | None = None
    try:
        with cli.make_context("study", sys.argv[1:]) as context:
            cli.invoke(context)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        fail("interrupted", 130)
    except click.UsageError as error:
        where = error.ctx.command_path if error.ctx else "study"
        if isinstance(error, click.NoSuchOption) and error.option_name in _GLOBAL_OPTIONS:
            name, command = error.option_name, where.removeprefix("study ")
            value = "" if name == "--debug" else " ..."  # a flag
            fail(f"{name} goes before the command: `study {name}{value} {command} ...`", 2)
        fail(f"{error.format_message().rstrip('.')} (see `{where} --help`)", error.exit_code)
    except click.ClickException as error:
        fail(error.format_message(), error.exit_code)
    except Exception as error:
        options = context.obj if context is not None else None
        if isinstance(options, Options) and options.debug:
            raise
        _fail_with(error, options)
    finally:
        gc.enable()


def _fail_with(error: Exception, options: Options | None) -> NoReturn:
    """Exit with the one line that explains ``error`` (see :func:`main`)."""
    if isinstance(error, BrokenPipeError):
        # The reader went away (`study cards | head`): stop quietly.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushed at exit, never read
        sys.exit(1)
    explanation = explain(error, db=options.db if options else None)
    for problem in explanation.problems:
        say(problem, err=True)
    fail(explanation.line, explanation.exit_code)
