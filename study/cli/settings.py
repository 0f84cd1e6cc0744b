"""`study config`: show or change the settings."""

from __future__ import annotations

import click

from study.cli.common import Options, opened
from study.domain.config import (
    DESCRIPTIONS,
    SettingsError,
    fields_of,
    load_settings,
    save_settings,
    set_setting,
    settings_path,
    shown_value,
)


@click.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--deck", metavar="D", help="Set a daily limit for one deck (deck id or name).")
@click.pass_obj
def config(options: Options, key: str | None, value: str | None, deck: str | None) -> None:
    """Show the settings, one setting, or set one: study config KEY VALUE."""
    settings = load_settings()
    if key is None:
        click.echo(f"# {settings_path()}")
        for name in fields_of(settings):
            shown = shown_value(getattr(settings, name))
            click.echo(f"{name} = {shown}    # {DESCRIPTIONS[name]}")
        for deck_id, limits in sorted(settings.deck_limits.items()):
            own = [(k, getattr(limits, k)) for k in ("new_per_day", "reviews_per_day")]
            shown = ", ".join(f"{k} = {v}" for k, v in own if v is not None)
            click.echo(f"[decks.{deck_id}] {shown}")
        return
    if value is None:
        if key not in DESCRIPTIONS:
            raise SettingsError(f"unknown setting {key!r}; `study config` lists them")
        if deck is not None and key in ("new_per_day", "reviews_per_day"):
            limits = settings.limits_for(_deck_id(options, deck))
            click.echo(shown_value(getattr(limits, key)))
            return
        click.echo(shown_value(getattr(settings, key)))
        return
    if deck is not None and key in ("new_per_day", "reviews_per_day"):
        deck = _deck_id(options, deck)
    settings = set_setting(settings, key, value, deck)
    save_settings(settings)
    click.echo(f"{key} = {value}" + (f" for deck {deck}" if deck else ""))


def _deck_id(options: Options, query: str) -> str:
    """The id of the one deck named or identified by ``query`` (limits are stored by id),
    or the name of a parent that is only a name prefix (``Orthopaedics``)."""
    from study.domain.decks import SEPARATOR
    from study.storage.decks import list_decks
    from study.storage.errors import NotFoundError

    with opened(options, read_only=True) as workspace, workspace.database.session() as session:
        decks = list_decks(session)
    for deck in decks:
        if query in (deck.id, deck.name):
            return deck.id
    for deck in decks:
        if deck.name.casefold() == query.casefold():
            return deck.id
    prefix = (query + SEPARATOR).casefold()
    for deck in decks:
        if deck.name.casefold().startswith(prefix):
            return deck.name[: len(query)]
    raise NotFoundError(f"no deck {query!r}; `study cards` or the home screen lists decks")
