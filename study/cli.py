"""The command line: parses arguments, calls the core, prints. No business logic here.

Every failure the learner can cause prints one line saying what is wrong and what to do,
and exits non-zero (2 for bad input, 1 for everything else); ``--debug`` shows the
traceback.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from study import __version__
from study.config import (
    DESCRIPTIONS,
    Settings,
    SettingsError,
    check_profile_name,
    fields_of,
    load_settings,
    save_settings,
    set_setting,
    settings_path,
    shown_value,
)
from study.decks import DeckError
from study.errors import UserError

if TYPE_CHECKING:  # the database and session modules are imported when a command needs them
    from study.queue import DeckScope
    from study.workspace import Workspace


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
        from study.workspace import open_workspace

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
    from study.cards import printable

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
    from study.queue import DeckScope
    from study.storage.repository import resolve_decks

    if not decks:
        return DeckScope(None, tag)
    with workspace.database.session() as session:
        ids = sorted({i for d in decks for i in resolve_decks(session, d)})
    return DeckScope(ids, tag)


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
    with sqlite3 before SQLAlchemy loads (issue 9); False when :mod:`study.first_card`
    says the ordinary start must run."""
    from study.clock import SystemClock
    from study.config import database_url, profile_name
    from study.first_card import read_first_home, read_first_view
    from study.queue import DeckScope

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


@cli.command()
@click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
@click.option("--tag", metavar="T", help="Only cards with this tag.")
@click.option("--cram", is_flag=True, help="Study ahead of schedule; the schedule is not changed.")
@click.pass_obj
def review(options: Options, decks: tuple[str, ...], tag: str | None, cram: bool) -> None:
    """Open the review screen directly."""
    run_tui(options, start="review", decks=decks, tag=tag, cram=cram)


@cli.command("import")
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
    from study.library import import_deck_files, replaced_bundled_decks

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


@cli.command("copy-deck")
@click.argument("deck", metavar="DECK")
@click.pass_obj
def copy_deck(options: Options, deck: str) -> None:
    """Copy a bundled deck (id or name) with its material into your decks folder to edit it.

    The copy takes the deck over as `study import --replace` does, keeping your progress;
    later versions of the bundled deck are reported, not applied. Prints the copy's path.
    """
    from study.library import copy_bundled_deck

    with opened(options) as workspace:
        copied = copy_bundled_deck(workspace.database, deck, workspace.clock.now())
    if copied.existed:
        say("note: your copy was there already; it was imported as it is", err=True)
    say(str(copied.path))


@cli.command()
@click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
@click.option("--tag", metavar="T", help="Only cards with this tag.")
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
    from study.storage.repository import card_rows

    with opened(options, read_only=True) as workspace:
        scope = scope_for(workspace, decks, tag)
        with workspace.database.session() as session:
            rows = card_rows(
                session, workspace.learner_id, workspace.today(), deck_ids=scope.deck_ids, tag=tag
            )
    if flagged:
        rows = [r for r in rows if r.flagged]
    if buried:
        rows = [r for r in rows if r.buried]
    if as_json:
        click.echo(json.dumps([_card_json(r) for r in rows], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from study.cards import printable

    table = Table(box=None, pad_edge=False)
    # Ids whole (they are copied into other commands); the question gives way instead.
    widest = max((len(printable(r.content.card_id)) for r in rows), default=4)
    table.add_column("card", no_wrap=True, min_width=widest)
    for name in ("question", "state", "due"):
        table.add_column(name)
    for row in rows:
        words = [
            row.state,
            *(w for w in ("suspended", "buried", "leech", "flagged") if getattr(row, w)),
        ]
        if row.flagged and row.flag_reason:
            words.append(f"({printable(row.flag_reason, keep_newlines=False)})")
        state = " ".join(words)
        table.add_row(
            Text(printable(row.content.card_id)),
            Text(printable(row.content.question, keep_newlines=False)),
            Text(state),
            Text(row.due_day.isoformat() if row.due_day else ""),
        )
    Console(soft_wrap=False).print(table)
    click.echo(f"{len(rows)} card{'' if len(rows) == 1 else 's'}")


def _change_cards(options: Options, card_ids: tuple[str, ...], change: str, done: str) -> None:
    from study.browse import change_cards

    with opened(options) as workspace:
        workspace.database.write(
            lambda session: change_cards(
                session, workspace.learner_id, list(card_ids), change, workspace.clock.now()
            )
        )
    click.echo(f"{len(card_ids)} card{'' if len(card_ids) == 1 else 's'} {done}")


@cli.command()
@click.argument("card_ids", nargs=-1, required=True, metavar="CARD...")
@click.pass_obj
def unflag(options: Options, card_ids: tuple[str, ...]) -> None:
    """Take the flag off cards (`study cards --flagged` lists flagged cards)."""
    _change_cards(options, card_ids, "unflag", "unflagged")


@cli.command()
@click.argument("card_ids", nargs=-1, required=True, metavar="CARD...")
@click.pass_obj
def unbury(options: Options, card_ids: tuple[str, ...]) -> None:
    """Show buried cards again today (`study cards --buried` lists buried cards)."""
    _change_cards(options, card_ids, "unbury", "unburied: they can be studied today")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one object per deck.")
@click.pass_obj
def decks(options: Options, as_json: bool) -> None:
    """List decks as a tree with today's new / learning / due counts."""
    from study.library import replaced_bundled_decks
    from study.overview import overview

    with opened(options, read_only=True) as workspace:
        with workspace.database.reader() as reader:
            tree = overview(reader, workspace.learner_id, workspace.settings, workspace.today())
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

    from study.cards import printable

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
        "suspended": row.suspended,
        "leech": row.leech,
        "flagged": row.flagged,
        "flag_reason": row.flag_reason,
        "due": row.due_day.isoformat() if row.due_day else None,
        "interval": row.interval,
        "easiness": row.ease_hundredths / 100,
        "reviews": row.reviews,
        "lapses": row.lapses,
        "edited": row.edited,
    }


@cli.command()
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
    from study.queue import SEPARATOR
    from study.storage.repository import NotFoundError, list_decks

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


@cli.group()
def profile() -> None:
    """Learner profiles: one database holds several learners."""


@profile.command("list")
@click.pass_obj
def profile_list(options: Options) -> None:
    """List profiles with their number of reviews (a learner sees only its own)."""
    from study.storage.repository import visible_learners

    with opened(options, read_only=True) as workspace, workspace.database.session() as session:
        for learner, reviews in visible_learners(session, workspace.learner_id):
            mark = "*" if learner.id == workspace.learner_id else " "
            say(f"{mark} {learner.name}  ({reviews} reviews)")


@profile.command("add")
@click.argument("name")
@click.option("--tutor", is_flag=True, help="A tutor: sees the class (only a tutor may add one).")
@click.pass_obj
def profile_add(options: Options, name: str, tutor: bool) -> None:
    """Add a profile (or make an existing one a tutor)."""
    from study.storage.repository import get_or_create_learner, make_tutor

    check_profile_name(name)
    with opened(options) as workspace:
        now, viewer = workspace.clock.now(), workspace.learner_id
        workspace.database.write(
            lambda s: (
                make_tutor(s, viewer, name, now) if tutor else get_or_create_learner(s, name, now)
            )
        )
    click.echo(f"{'tutor' if tutor else 'profile'} {name!r} ready; use it with --profile {name}")


@profile.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_obj
def profile_rename(options: Options, old: str, new: str) -> None:
    """Rename a profile; its history follows."""
    from study.storage.repository import rename_learner, require_tutor_or_self

    check_profile_name(new)
    with opened(options) as workspace:
        viewer = workspace.learner_id

        def rename(session: Any) -> None:
            require_tutor_or_self(session, viewer, old, "rename")
            rename_learner(session, old, new)

        workspace.database.write(rename)
    click.echo(f"profile {old!r} is now {new!r}")


@profile.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def profile_remove(options: Options, name: str, yes: bool) -> None:
    """Remove a profile with its whole review history (asks first)."""
    from study.storage.repository import find_learner, remove_learner, require_tutor_or_self

    with opened(options) as workspace:
        with workspace.database.session() as session:
            find_learner(session, name)
            require_tutor_or_self(session, workspace.learner_id, name, "remove")
        if not yes and not click.confirm(
            f"Remove profile {name!r} and its whole review history?", default=False
        ):
            fail("nothing removed", 1)
        workspace.database.write(lambda s: remove_learner(s, name))
    click.echo(f"profile {name!r} removed")


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Deck file to write.")
@click.option("--deck-name", help="The deck's name (Parent::Child allowed).")
@click.option("--report", is_flag=True, help="List every dropped candidate with its reason.")
@click.option("--import", "then_import", is_flag=True, help="Import the deck after writing it.")
@click.option(
    "--allow-identifiers",
    is_flag=True,
    help="Keep sentences that look like patient identifiers (dates of birth, NHS or "
    "hospital numbers, titled names beside clinical detail); left out by default.",
)
@click.pass_obj
def generate(
    options: Options,
    sources: tuple[Path, ...],
    output: Path | None,
    deck_name: str | None,
    report: bool,
    then_import: bool,
    allow_identifiers: bool,
) -> None:
    """Generate a deck file of cards from study material (text or Markdown).

    When the deck file exists, cards you edited there (edited = true) are kept, and so
    are cards you added by hand; the deck's version goes up if anything changed.
    """
    from dataclasses import replace

    from study.cardgen import generate_deck
    from study.cardgen.merge import merge_with_existing
    from study.decks import load_deck, write_deck
    from study.material import MaterialError, gather_material

    output = output or Path(sources[0].stem + ".toml")
    if output.is_dir():
        fail(f"{output} is a folder; give a deck file name with -o", 2)
    try:
        existing = load_deck(output) if output.exists() else None
    except DeckError as error:  # the deck file to merge into: nothing was imported
        _say_problems(error)
        fail(f"nothing was written; fix {output} above, or give another file with -o", 2)
    try:
        material = gather_material(
            sources, output.parent, existing.material if existing is not None else ()
        )
    except (MaterialError, OSError) as error:
        fail(f"cannot copy the material beside {output}: {error}", 2)
    with _progress_bar("generating") as progress:
        generation = generate_deck(
            material,
            deck_dir=output.parent.resolve(),
            deck_name=deck_name,
            progress=progress,
            allow_identifiers=allow_identifiers,
        )
    deck = generation.deck
    if existing is not None:
        deck = merge_with_existing(deck, existing)
        if deck_name:
            deck = replace(deck, name=deck_name)
    try:
        write_deck(deck, output)
    except OSError as error:
        fail(f"cannot write {output} ({error.strerror}); choose another place with -o", 1)
    for source, copy in zip(sources, material, strict=True):
        if copy != source:
            say(f"{source} copied to {copy}: a deck file reads material only in its folder")
    kept = sum(1 for note in deck.notes if note.edited)
    click.echo(
        f"{output}: {replace(generation, deck=deck).counts()}, {kept} edited by hand kept, "
        f"{len(generation.drops)} dropped"
        + ("; --report lists them" if generation.drops and not report else "")
    )
    if report:
        for line in generation.report_lines():
            click.echo(line)
    if then_import:
        from study.library import import_deck_files

        with opened(options) as workspace:
            [result] = import_deck_files(workspace.database, [output], workspace.clock.now())
        click.echo(f"imported {result.deck_id}: {result.added} added, {result.updated} updated")


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
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


@cli.command("export-anki")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The .apkg file to write.")
@click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
@click.option("--with-progress", is_flag=True, help="Carry your schedule and review log into Anki.")
@click.option(
    "--anki",
    "anki_path",
    type=click.Path(path_type=Path),
    help="Anki's collection.anki2 (or a package exported from Anki) to merge tags with.",
)
@click.option("--no-anki", is_flag=True, help="Do not read Anki's collection.")
@click.option("--force", is_flag=True, help="Replace an existing file study did not write.")
@click.option(
    "--overwrite-anki", is_flag=True, help="Send your text even where Anki's copy changed later."
)
@click.pass_obj
def export_anki(
    options: Options,
    output: Path | None,
    decks: tuple[str, ...],
    with_progress: bool,
    anki_path: Path | None,
    no_anki: bool,
    force: bool,
    overwrite_anki: bool,
) -> None:
    """Export decks to an Anki package (.apkg).

    Writes study.apkg (or DECK-ID.apkg for one deck) in the current folder. Importing
    a later export updates the edited notes in Anki instead of duplicating them. With
    --with-progress, import with "Import any learning progress": Anki takes the
    schedule of cards it does not have yet, so progress travels with the first import.
    Anki's collection (found when there is one profile, or --anki) is read so that tags
    added in Anki are kept and the output says what Anki will add and update.
    An existing file is replaced only if it is a package study wrote (or with --force).
    """
    from study.anki_export import export_anki as write_package
    from study.anki_export import plan_summary
    from study.anki_import import anki_copy, find_anki_collection

    anki_path = None if no_anki else anki_path or find_anki_collection()
    anki = anki_copy(anki_path) if anki_path is not None else None
    with opened(options, read_only=True) as workspace:
        scope = scope_for(workspace, decks, None)
        with _progress_bar("exporting") as progress:
            result = write_package(
                workspace.database,
                workspace.learner_id,
                output,
                deck_ids=scope.deck_ids,
                with_progress=with_progress,
                now=workspace.clock.now(),
                settings=workspace.settings,
                progress=progress,
                anki=anki,
                force=force,
                overwrite_anki=overwrite_anki,
            )
    reviews = f", {result.reviews} reviews" if with_progress else ""
    click.echo(
        f"{result.path}: {result.notes} notes, {result.cards} cards, {result.decks} decks{reviews}"
    )
    for line in plan_summary(result.plan, anki_path):
        click.echo(line, err=line.startswith("warning"))


@cli.command("import-anki")
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--deck-prefix", default="", metavar="P", help="Put the decks under P::.")
@click.option(
    "--with-progress", is_flag=True, help="Take each card's schedule and the review log too."
)
@click.pass_obj
def import_anki(options: Options, package: Path, deck_prefix: str, with_progress: bool) -> None:
    """Import an Anki package (.apkg or .colpkg): notes, tags, decks, and your progress.

    Notes of any note type come in as plain text (media are listed, not imported);
    importing the package again updates them in place. With --with-progress, each
    card's schedule becomes SM-2's and Anki's review log is added to your history;
    where a card has progress here too, the later last review wins.
    """
    from study.anki_import import import_anki as read_package

    with opened(options) as workspace:
        result = read_package(
            workspace.database,
            workspace.learner_id,
            package,
            deck_prefix=deck_prefix,
            with_progress=with_progress,
            now=workspace.clock.now(),
            settings=workspace.settings,
        )
    for line in result.summary(with_progress):
        click.echo(line)
    for skipped in result.skipped:
        click.echo(f"warning: {skipped}", err=True)


@cli.command()
@click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
@click.option("--tag", metavar="T", help="Only cards with this tag.")
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    default=30,
    show_default=True,
    help="Days of history to show.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object (keys in the README).")
@click.pass_obj
def stats(
    options: Options, decks: tuple[str, ...], tag: str | None, days: int, as_json: bool
) -> None:
    """Progress statistics: cards by state, today, streak, forecast, retention, topics.

    Cancelled grades never count. --days sets the window of the history, the hour of
    day, the answer time and the per-deck and per-topic reviews and retention.
    """
    from study.stats import compute_stats, stats_json

    with opened(options, read_only=True) as workspace:
        scope = scope_for(workspace, decks, tag)
        figures = compute_stats(
            workspace.database,
            workspace.learner_id,
            workspace.settings,
            workspace.today(),
            deck_ids=scope.deck_ids,
            tag=tag,
            days=days,
        )
    if as_json:
        click.echo(json.dumps(stats_json(figures), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from study.stats_render import render_stats

    console = Console(soft_wrap=False)
    console.print(render_stats(figures, console.width))


@cli.command("class")
@click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
@click.option("--tag", metavar="T", help="Only cards with this tag.")
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    default=30,
    show_default=True,
    help="Days of the window (reviews, study days, retention).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object (keys in the README).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV, one row per learner, for a spreadsheet.")
@click.pass_obj
def class_command(
    options: Options,
    decks: tuple[str, ...],
    tag: str | None,
    days: int,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The class, for a tutor: every learner's progress, the hardest cards, the weakest tags.

    Per learner: reviews, study days and true retention in the window, streak, cards by
    state, due today, overdue, last study day. Only a tutor may see it.
    """
    from study.class_stats import CSV_COLUMNS, class_csv_rows, class_json, class_report

    if as_json and as_csv:
        fail("give --json or --csv, not both", 2)
    with opened(options) as workspace:
        scope = scope_for(workspace, decks, tag)
        report = class_report(
            workspace.database,
            workspace.learner_id,
            workspace.today(),
            deck_ids=scope.deck_ids,
            tag=tag,
            days=days,
        )
    if as_json:
        click.echo(json.dumps(class_json(report), ensure_ascii=False, indent=2))
    elif as_csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(class_csv_rows(report))
        sys.stdout.flush()
    else:
        from rich.console import Console

        from study.class_render import render_class

        console = Console(soft_wrap=False)
        console.print(render_class(report, console.width))


LOG_COLUMNS = (
    "date",
    "time",
    "deck",
    "card",
    "question",
    "grade",
    "kind",
    "interval",
    "easiness",
    "answer_seconds",
)


@cli.command("log")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="CSV with a header row, for a spreadsheet (formulas neutralised).",
)
@click.option(
    "--deck", "decks", multiple=True, metavar="D", help="Deck id or name (with child decks)."
)
@click.option("--tag", metavar="T", help="Only cards with this tag.")
@click.pass_obj
def log_command(options: Options, as_csv: bool, decks: tuple[str, ...], tag: str | None) -> None:
    """The review log, oldest first: every grade that counts (cancelled ones left out).

    Columns: study date, local time, deck, card, question, grade, kind (new, review,
    drill, cram), interval in days and E-Factor after the grade, answer time.
    """
    from study.cards import printable, spreadsheet_cell
    from study.stats import review_log

    with opened(options, read_only=True) as workspace:
        scope = scope_for(workspace, decks, tag)
        entries = review_log(
            workspace.database,
            workspace.learner_id,
            workspace.settings.zone,
            deck_ids=scope.deck_ids,
            tag=tag,
        )
        if as_csv:
            import csv

            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(LOG_COLUMNS)
            for entry in entries:
                writer.writerow(
                    (
                        entry.day.isoformat(),
                        entry.at.strftime("%H:%M:%S"),
                        spreadsheet_cell(entry.deck_id),
                        spreadsheet_cell(entry.card_id),
                        spreadsheet_cell(entry.question),
                        entry.grade,
                        entry.kind,
                        entry.interval,
                        f"{entry.ease_hundredths / 100:.2f}",
                        f"{entry.answer_ms / 1000:.1f}",
                    )
                )
            sys.stdout.flush()
            return
        from rich.console import Console
        from rich.text import Text

        console = Console(soft_wrap=True, highlight=False)
        console.print(
            Text("date        time   grade kind    ivl     EF    secs  card: question", "bold")
        )
        count = 0
        for entry in entries:
            line = Text(
                f"{entry.day.isoformat()}  {entry.at.strftime('%H:%M')}  {entry.grade:>5} "
                f"{entry.kind:<7} {entry.interval:>4}d {entry.ease_hundredths / 100:>5.2f} "
                f"{entry.answer_ms / 1000:>6.1f}  "
            )
            line.append(printable(entry.card_id, keep_newlines=False), style="cyan")
            question = printable(entry.question, keep_newlines=False)
            if len(line) + 2 + len(question) <= console.width:
                line.append(": " + question)
                console.print(line, no_wrap=True, crop=True)
            else:  # a narrow terminal: the question under the line, whole, not cut to 4 letters
                console.print(line, no_wrap=True, overflow="ellipsis", crop=True)
                console.print(Text("    " + question), overflow="fold")
            count += 1
        console.print(Text(f"{count} grades (cancelled grades left out)", style="dim"))


@cli.command("doctor")
@click.option(
    "--repair",
    is_flag=True,
    help="Back up, then fix what is safe to fix; the review log is never touched.",
)
@click.pass_obj
def doctor_command(options: Options, repair: bool) -> None:
    """Check the database: integrity, schema version, counts, rows that point nowhere.

    Exits with status 1 when a problem is left. Works on a damaged database too.
    """
    from study import maintenance
    from study.clock import SystemClock, study_day
    from study.config import database_url

    path = maintenance.database_file(database_url(options.db))
    settings = load_settings()
    now = SystemClock().now()
    today = study_day(now, settings.zone, settings.day_starts_at)
    report = maintenance.doctor(path, today=today)
    _print_report(report)
    if repair:
        result = maintenance.repair(path, today=today, now=now)
        click.echo(f"repair: the database before it is kept at {result.backup}")
        for what, number in result.fixed.items():
            if number:
                click.echo(f"repair: fixed {number} {what}")
        click.echo("repair: rebuilt every index and compacted the file")
        report = result.after
        click.echo("after the repair:")
        _print_report(report)
    if not report.healthy:
        sys.exit(1)


def _print_report(report: Any) -> None:
    from study.storage.database import SCHEMA_VERSION

    click.echo(f"database: {report.path}")
    if report.note:
        say(f"note: {report.note}")
    if report.opened:
        click.echo(f"integrity: {'ok' if report.integrity == ['ok'] else 'FAILED'}")
        click.echo(f"foreign keys: {report.foreign_keys or 'ok'}")
        click.echo(
            f"schema version: {report.schema_version} (this study reads up to {SCHEMA_VERSION})"
        )
    if report.counts:
        counts = report.counts
        click.echo(
            f"counts: {counts['decks']} decks, {counts['notes']} notes, {counts['cards']} cards, "
            f"{counts['learners']} learners, {counts['reviews']} reviews "
            f"({counts['cancelled']} cancelled by undo)"
        )
    stale = ", ".join(f"{n} {what}" for what, n in report.stale.items() if n)
    if stale:
        click.echo(f"left-over marks (harmless; --repair clears them): {stale}")
    newest = report.newest_backup
    click.echo(
        f"newest backup: {newest.taken_at:%Y-%m-%d %H:%M} UTC ({newest.path})"
        if newest
        else "newest backup: none yet (`study backup` makes one)"
    )
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    click.echo("healthy" if report.healthy else f"{len(report.problems)} problems found")


@cli.command("backup")
@click.option("--list", "list_only", is_flag=True, help="List the backups, newest first.")
@click.option(
    "--restore",
    "restore_from",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Replace the database with this backup (a path, or a name from --list).",
)
@click.option("--yes", is_flag=True, help="Restore without asking for confirmation.")
@click.pass_obj
def backup_command(options: Options, list_only: bool, restore_from: Path | None, yes: bool) -> None:
    """Back up the database now; --list the backups; --restore one.

    Backups are consistent copies in backups/ next to the database. One is also made
    once a day on first use and before every upgrade of the database.
    """
    from study import maintenance
    from study.clock import SystemClock
    from study.config import database_url

    if list_only and restore_from is not None:
        fail("give --list or --restore, not both", 2)
    path = maintenance.database_file(database_url(options.db))
    settings = load_settings()
    now = SystemClock().now()
    if list_only:
        backups = maintenance.list_backups(path)
        click.echo(f"{maintenance.backup_folder(path)} (the newest {settings.backups_kept} kept)")
        for info in backups:
            click.echo(
                f"  {info.path.name}  {info.taken_at:%Y-%m-%d %H:%M:%S} UTC  "
                f"{info.size / 1024:.0f} KB"
            )
        if not backups:
            click.echo("  no backups yet; `study backup` makes one")
        for copy in maintenance.other_copies(path):
            click.echo(f"  {copy.name}  (kept by a restore or repair; never deleted)")
        return
    if restore_from is None:
        made = maintenance.make_backup(path, now=now, kept=settings.backups_kept)
        click.echo(f"backed up to {made}")
        return
    source = restore_from
    if not source.exists() and (maintenance.backup_folder(path) / source.name).exists():
        source = maintenance.backup_folder(path) / source.name
    version = maintenance.check_backup(source)
    question = (
        f"Replace {path} with the backup {source} (schema version {version})? "
        "The current database is kept in the backups folder."
    )
    try:
        confirmed = yes or click.confirm(question, default=False)
    except click.exceptions.Abort:  # no answer (end of input): the safe choice
        confirmed = False
    if not confirmed:
        fail("nothing restored (answer y, or pass --yes)", 1)
    result = maintenance.restore(source, path, now=now)
    click.echo(f"restored {source}")
    if result.kept_copy is not None:
        click.echo(f"the database it replaced is kept at {result.kept_copy}")


def started() -> None:
    """The start is over: turn the cyclic garbage collector back on (see :func:`main`)."""
    gc.freeze()
    gc.enable()


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


def _say_problems(error: DeckError) -> None:
    """A deck file's problems, one ``path:line: message`` each (at most 50)."""
    for problem in error.problems[:50]:
        say(problem, err=True)
    if len(error.problems) > 50:
        click.echo(f"... and {len(error.problems) - 50} more problems", err=True)


def _fail_with(error: Exception, options: Options | None) -> NoReturn:
    """Exit with the one line that explains ``error`` (see :func:`main`)."""
    import sqlite3

    import sqlalchemy as sa

    from study.config import database_url
    from study.storage.database import StorageError, explain_error

    if isinstance(error, DeckError):
        _say_problems(error)
        fail("nothing was imported; fix the problems above and import again", 2)
    if isinstance(error, UserError):
        fail(str(error), 2)
    if isinstance(error, StorageError):
        fail(str(error), 1)
    if isinstance(error, sa.exc.DBAPIError | sqlite3.Error):
        reason = str(error.orig) if isinstance(error, sa.exc.DBAPIError) else str(error)
        try:
            url = database_url(options.db if options else None)
        except (OSError, RuntimeError):
            url = "the database"
        fail(explain_error(url, reason), 1)
    if isinstance(error, BrokenPipeError):
        # The reader went away (`study cards | head`): stop quietly.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushed at exit, never read
        sys.exit(1)
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        fail(f"{error.strerror or error}{where}; check the path and its permissions", 1)
    if isinstance(error, MemoryError):
        fail("out of memory; close other programs or work on smaller files", 1)
    fail(
        f"unexpected error: {type(error).__name__}: {error}; run again as "
        "`study --debug ...` and report the traceback",
        1,
    )
