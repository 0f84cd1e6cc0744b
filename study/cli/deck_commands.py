"""Decks and cards: `import`, `copy-deck`, `decks`, `cards`, `unflag`, `unbury`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from study.cli.common import Options, deck_option, opened, say, scope_for, tag_option


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Let a file take over a deck id of a bundled deck or of another file's deck.",
)
@click.pass_obj
def import_(options: Options, paths: tuple[Path, ...], replace: bool) -> None:
    """Import deck files; edited cards are updated in place and keep their progress.

    Every file is checked first; on any problem nothing is imported. A file whose deck
    id belongs to a bundled deck or to a deck imported from another file is refused
    unless --replace is given.
    """
    from study.services.library import import_deck_files, replaced_bundled_decks

    with opened(options) as workspace:
        results = import_deck_files(
            workspace.database, list(paths), workspace.clock.now(), replace=replace
        )
        notes = replaced_bundled_decks(workspace.database)
    for result in results:
        click.echo(
            f"{result.deck_id}: {result.added} added, {result.updated} updated, "
            f"{result.retired} retired, {result.unchanged} unchanged"
        )
        for warning in result.warnings:
            say(f"warning: {warning}", err=True)
    for note in notes:
        say(f"note: {note}", err=True)


@click.command("copy-deck")
@click.argument("deck", metavar="DECK")
@click.pass_obj
def copy_deck(options: Options, deck: str) -> None:
    """Copy a bundled deck (id or name) with its material into your decks folder to edit it.

    The copy takes the deck over as `study import --replace` does, keeping your progress;
    later versions of the bundled deck are reported, not applied. Prints the copy's path.
    """
    from study.services.library import copy_bundled_deck

    with opened(options) as workspace:
        copied = copy_bundled_deck(workspace.database, deck, workspace.clock.now())
    if copied.existed:
        say("note: your copy was there already; it was imported as it is", err=True)
    say(str(copied.path))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one object per deck.")
@click.pass_obj
def decks(options: Options, as_json: bool) -> None:
    """List decks as a tree with today's new / learning / due counts."""
    from study.services.library import replaced_bundled_decks
    from study.services.overview import overview

    with opened(options, read_only=True) as workspace:
        with workspace.database.store() as store:
            tree = overview(store, workspace.learner_id, workspace.settings, workspace.today())
        notes = replaced_bundled_decks(workspace.database)
    for note in notes:
        say(f"note: {note}", err=True)
    rows = tree.flat()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": node.deck_id,
                        "name": node.path,
                        "new": node.counts.new,
                        "learning": node.counts.learning,
                        "due": node.counts.due,
                        "cards": node.cards,
                    }
                    for node in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from study.domain.cards import printable

    table = Table("deck", "id", "new", "learning", "due", "cards", box=None, pad_edge=False)
    for node in rows:
        table.add_row(
            Text("  " * node.depth + printable(node.label, keep_newlines=False)),
            Text(node.deck_id or ""),
            str(node.counts.new),
            str(node.counts.learning),
            str(node.counts.due),
            str(node.cards),
        )
    Console(soft_wrap=False).print(table)


@click.command()
@deck_option
@tag_option
@click.option("--flagged", is_flag=True, help="Only cards flagged as wrong or unclear.")
@click.option("--buried", is_flag=True, help="Only cards buried until the next study day.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one object per card.")
@click.pass_obj
def cards(
    options: Options,
    decks: tuple[str, ...],
    tag: str | None,
    flagged: bool,
    buried: bool,
    as_json: bool,
) -> None:
    """List cards (suspended and buried ones included; retired ones left out)."""
    from study.storage.cards import card_rows

    with opened(options, read_only=True) as workspace:
        scope = scope_for(workspace, decks, tag)
        with workspace.database.session() as session:
            rows = card_rows(
                session, workspace.learner_id, workspace.today(), deck_ids=scope.deck_ids, tag=tag
            )
    if flagged:
        rows = [r for r in rows if r.schedule.flagged]
    if buried:
        rows = [r for r in rows if r.buried]
    if as_json:
        click.echo(json.dumps([_card_json(r) for r in rows], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from study.domain.cards import printable

    table = Table(box=None, pad_edge=False)
    # Ids whole (they are copied into other commands); the question gives way instead.
    widest = max((len(printable(r.content.card_id)) for r in rows), default=4)
    table.add_column("card", no_wrap=True, min_width=widest)
    for name in ("question", "state", "due"):
        table.add_column(name)
    for row in rows:
        held = row.schedule
        marks = (
            ("suspended", held.suspended),
            ("buried", row.buried),
            ("leech", held.leech),
            ("flagged", held.flagged),
        )
        words = [row.state, *(word for word, on in marks if on)]
        if row.schedule.flagged and row.schedule.flag_reason:
            words.append(f"({printable(row.schedule.flag_reason, keep_newlines=False)})")
        state = " ".join(words)
        table.add_row(
            Text(printable(row.content.card_id)),
            Text(printable(row.content.question, keep_newlines=False)),
            Text(state),
            Text(row.schedule.due_day.isoformat() if row.schedule.due_day else ""),
        )
    Console(soft_wrap=False).print(table)
    click.echo(f"{len(rows)} card{'' if len(rows) == 1 else 's'}")


def _card_json(row: Any) -> dict[str, Any]:
    content = row.content
    return {
        "id": content.card_id,
        "note": content.note_id,
        "deck": content.deck_id,
        "deck_name": row.deck_name,
        "type": content.type,
        "question": content.question,
        "answer": content.answer,
        "extra": content.extra,
        "tags": list(content.tags),
        "source": {"file": content.source_file, "sentence": content.source_sentence},
        "state": row.state,
        "suspended": row.schedule.suspended,
        "leech": row.schedule.leech,
        "flagged": row.schedule.flagged,
        "flag_reason": row.schedule.flag_reason,
        "due": row.schedule.due_day.isoformat() if row.schedule.due_day else None,
        "interval": row.schedule.interval,
        "easiness": row.schedule.ease_hundredths / 100,
        "reviews": row.schedule.reviews,
        "lapses": row.schedule.lapses,
        "edited": row.edited,
    }


def _change_cards(options: Options, card_ids: tuple[str, ...], change: str, done: str) -> None:
    from study.services.browse import change_cards

    with opened(options) as workspace:
        workspace.database.write(
            lambda session: change_cards(
                session, workspace.learner_id, list(card_ids), change, workspace.clock.now()
            )
        )
    click.echo(f"{len(card_ids)} card{'' if len(card_ids) == 1 else 's'} {done}")


@click.command()
@click.argument("card_ids", nargs=-1, required=True, metavar="CARD...")
@click.pass_obj
def unflag(options: Options, card_ids: tuple[str, ...]) -> None:
    """Take the flag off cards (`study cards --flagged` lists flagged cards)."""
    _change_cards(options, card_ids, "unflag", "unflagged")


@click.command()
@click.argument("card_ids", nargs=-1, required=True, metavar="CARD...")
@click.pass_obj
def unbury(options: Options, card_ids: tuple[str, ...]) -> None:
    """Show buried cards again today (`study cards --buried` lists buried cards)."""
    _change_cards(options, card_ids, "unbury", "unburied: they can be studied today")
