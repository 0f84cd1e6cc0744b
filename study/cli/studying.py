"""The study app: `study` (the home screen) and `study review`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from study.cli.common import Options, deck_option, opened, scope_for, started, tag_option
from study.domain.config import load_settings

if TYPE_CHECKING:
    from study.services.workspace import Workspace


def run_tui(
    options: Options,
    *,
    start: str,
    decks: tuple[str, ...] = (),
    tag: str | None = None,
    cram: bool = False,
) -> None:
    """Open the Textual app."""
    if _from_first_screen(options, start, decks, tag, cram):
        return
    from study.tui.app import run_app

    with opened(options) as workspace:
        scope = scope_for(workspace, decks, tag)
        run_app(workspace, start=start, scope=scope, cram=cram)


def _from_first_screen(
    options: Options, start: str, decks: tuple[str, ...], tag: str | None, cram: bool
) -> bool:
    """Run the app from its first screen (the deck list, or review's first card) read
    with sqlite3 before SQLAlchemy loads (issue 9); False when :mod:`study.services.first_card`
    says the ordinary start must run."""
    from study.domain.clock import SystemClock
    from study.domain.config import database_url, profile_name
    from study.services.first_card import read_first_home, read_first_view
    from study.services.queue import DeckScope

    settings = load_settings()
    scope = DeckScope(None, tag)
    url, profile, now = database_url(options.db), profile_name(options.profile), SystemClock().now()
    if start == "review":
        first = read_first_view(url, profile, settings, scope, now, decks=decks, cram=cram)
        first_home = None
    elif decks:
        return False
    else:
        first, first_home = None, read_first_home(url, profile, settings, now)
    if first is None and first_home is None:
        return False
    from study.tui.app import run_from_first_screen

    def opener() -> Workspace:
        # The settings the first screen was read with: the session then plans alike.
        workspace = options.workspace(settings=settings)
        started()
        return workspace

    run_from_first_screen(
        opener,
        settings,
        profile=profile,
        first=first,
        first_home=first_home,
        scope=first.scope if first is not None else scope,
        cram=cram,
    )
    return True


@click.command()
@deck_option
@tag_option
@click.option("--cram", is_flag=True, help="Study ahead of schedule; the schedule is not changed.")
@click.pass_obj
def review(options: Options, decks: tuple[str, ...], tag: str | None, cram: bool) -> None:
    """Open the review screen directly."""
    run_tui(options, start="review", decks=decks, tag=tag, cram=cram)
