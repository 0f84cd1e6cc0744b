"""What every command shares: the global options, opening the workspace, printing one
clear line, failing, and the options several commands take."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from study.domain.config import Settings
from study.domain.decks import DeckError
from study.services.explain import PROBLEMS_ON_THE_COMMAND_LINE, problem_lines

if TYPE_CHECKING:  # the database and session modules are imported when a command needs them
    from study.services.queue import DeckScope
    from study.services.workspace import Workspace


@dataclass
class Options:
    """The global options, given before the command."""

    db: str | None
    profile: str | None
    debug: bool

    def workspace(
        self,
        *,
        sync_bundled: bool = True,
        settings: Settings | None = None,
        read_only: bool = False,
    ) -> Workspace:
        from study.services.workspace import open_workspace

        return open_workspace(
            self.db,
            self.profile,
            settings=settings,
            sync_bundled=sync_bundled,
            create_profile=False,  # a mistyped --profile is an error, not a new learner
            read_only=read_only,
        )


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line to stderr and exit.

    The message may quote a file or a database (a deck file's key, a driver's message):
    it goes through the same filter as card text, so it cannot act on the terminal.
    """
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    say(f"study: {one_line}", err=True)
    sys.exit(code)


def say(line: str, *, err: bool = False) -> None:
    """Print one line that may quote a file, made printable (on one line)."""
    from study.domain.cards import printable

    click.echo(printable(line, keep_newlines=False), err=err)


@contextmanager
def opened(
    options: Options, *, sync_bundled: bool = True, read_only: bool = False
) -> Iterator[Workspace]:
    """The workspace for a command, closed afterwards; ``read_only`` for a command that
    only reads (it then also works on a full disk or in a read-only folder)."""
    workspace = options.workspace(sync_bundled=sync_bundled, read_only=read_only)
    if workspace.note:
        say(f"note: {workspace.note}", err=True)
    started()
    for notice in workspace.notices:
        click.echo(f"study: {notice}", err=True)
    try:
        yield workspace
    finally:
        workspace.close()


def scope_for(
    workspace: Workspace, decks: tuple[str, ...] | list[str], tag: str | None
) -> DeckScope:
    """The cards a command works on: ``--deck`` (with child decks) and ``--tag``."""
    from study.services.queue import DeckScope
    from study.storage.decks import resolve_decks

    if not decks:
        return DeckScope(None, tag)
    with workspace.database.session() as session:
        ids = sorted({i for d in decks for i in resolve_decks(session, d)})
    return DeckScope(ids, tag)


def started() -> None:
    """The start is over: turn the cyclic garbage collector back on (see :func:`main`)."""
    gc.freeze()
    gc.enable()


def say_problems(error: DeckError) -> None:
    """A deck file's problems, one ``path:line: message`` each (at most 50)."""
    for line in problem_lines(error, PROBLEMS_ON_THE_COMMAND_LINE):
        say(line, err=True)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on a terminal; None when output is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


F = TypeVar("F", bound=Callable[..., object])

deck_option = click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
tag_option = click.option(
    "--tag",
    metavar="T",
    help="Only cards with this tag or its children (T::...); case-insensitive.",
)


def progress_options(days_help: str) -> Callable[[F], F]:
    """``--deck``, ``--tag``, ``--days`` and ``--json``: the options of `stats` and `class`;
    ``days_help`` says what each counts in its window."""
    options = (
        deck_option,
        tag_option,
        click.option(
            "--days",
            type=click.IntRange(1, 36500),
            default=30,
            show_default=True,
            help=days_help,
        ),
        click.option(
            "--json", "as_json", is_flag=True, help="One JSON object (keys in the README)."
        ),
    )

    def decorate(command: F) -> F:
        for option in reversed(options):  # click lists options in the order they are applied
            command = option(command)
        return command

    return decorate
