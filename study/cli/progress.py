"""Progress: `stats`, `class` (for a tutor) and `log` (the review log)."""

from __future__ import annotations

import json
import sys

import click

from study.cli.common import (
    Options,
    deck_option,
    fail,
    opened,
    progress_options,
    scope_for,
    tag_option,
)


@click.command()
@progress_options("Days of history to show.")
@click.pass_obj
def stats(
    options: Options, decks: tuple[str, ...], tag: str | None, days: int, as_json: bool
) -> None:
    """Progress statistics: cards by state, today, streak, forecast, retention, topics.

    Cancelled grades never count. --days sets the window of the history, the hour of
    day, the answer time and the per-deck and per-topic reviews and retention.
    """
    from study.services.stats import compute_stats, stats_json

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

    from study.services.stats_render import render_stats

    console = Console(soft_wrap=False)
    console.print(render_stats(figures, console.width))


@click.command("class")
@progress_options("Days of the window (reviews, study days, retention).")
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
    from study.services.class_stats import CSV_COLUMNS, class_csv_rows, class_json, class_report

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

        from study.services.class_render import render_class

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


@click.command("log")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="CSV with a header row, for a spreadsheet (formulas neutralised).",
)
@deck_option
@tag_option
@click.pass_obj
def log_command(options: Options, as_csv: bool, decks: tuple[str, ...], tag: str | None) -> None:
    """The review log, oldest first: every grade that counts (cancelled ones left out).

    Columns: study date, local time, deck, card, question, grade, kind (new, review,
    drill, cram), interval in days and E-Factor after the grade, answer time.
    """
    from study.domain.cards import printable, spreadsheet_cell
    from study.services.stats import review_log

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
