"""Cards in and out: `generate` (from study material), `export-anki`, `import-anki`."""

from __future__ import annotations

from pathlib import Path

import click

from study.cli.common import (
    Options,
    deck_option,
    fail,
    opened,
    progress_bar,
    say,
    say_problems,
    scope_for,
)
from study.domain.decks import DeckError


@click.command()
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

    from study.domain.decks.reading import load_deck
    from study.domain.decks.writing import write_deck
    from study.domain.material import MaterialError, gather_material
    from study.services.cardgen import generate_deck
    from study.services.cardgen.merge import merge_with_existing

    output = output or Path(sources[0].stem + ".toml")
    if output.is_dir():
        fail(f"{output} is a folder; give a deck file name with -o", 2)
    try:
        existing = load_deck(output) if output.exists() else None
    except DeckError as error:  # the deck file to merge into: nothing was imported
        say_problems(error)
        fail(f"nothing was written; fix {output} above, or give another file with -o", 2)
    try:
        material = gather_material(
            sources, output.parent, existing.material if existing is not None else ()
        )
    except (MaterialError, OSError) as error:
        fail(f"cannot copy the material beside {output}: {error}", 2)
    with progress_bar("generating") as progress:
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
        from study.services.library import import_deck_files

        with opened(options) as workspace:
            [result] = import_deck_files(workspace.database, [output], workspace.clock.now())
        click.echo(f"imported {result.deck_id}: {result.added} added, {result.updated} updated")


@click.command("export-anki")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The .apkg file to write.")
@deck_option
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
    from study.services.anki_export import export_anki as write_package
    from study.services.anki_export import plan_summary
    from study.services.anki_import import anki_copy, find_anki_collection

    anki_path = None if no_anki else anki_path or find_anki_collection()
    anki = anki_copy(anki_path) if anki_path is not None else None
    with opened(options, read_only=True) as workspace:
        scope = scope_for(workspace, decks, None)
        with progress_bar("exporting") as progress:
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


@click.command("import-anki")
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
    from study.services.anki_import import import_anki as read_package

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
