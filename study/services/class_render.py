"""The class view for people: rich tables, shown by `study class` and the Class screen.

Core code (rich, never textual). Learner names, card text and tags go through
:func:`study.domain.cards.printable` into rich ``Text``, never into markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from study.domain.cards import printable
from study.services.class_stats import (
    DEFAULT_DAYS,
    MIN_RETENTION_REVIEWS,
    ClassReport,
    class_report,
)
from study.services.stats import Retention
from study.services.stats_render import section

if TYPE_CHECKING:
    from study.services.workspace import Workspace


def render_class(report: ClassReport, width: int = 80) -> RenderableType:
    """The learners' table, then the hardest cards and the weakest tags."""
    heading = Text(f"Class on {report.today.isoformat()}", style="bold")
    heading.append(
        f"  (reviews, study days and retention over the last {report.days} days)", style="dim"
    )
    return Group(
        heading,
        _learners(report, min(width, 120)),
        section("Hardest cards", "lowest retention across the class, then most lapses"),
        _hardest(report, min(width, 120)),
        section("Weakest topics", "tags by the class's retention"),
        _weakest(report),
    )


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=index == 0)
    return table


def _learners(report: ClassReport, width: int) -> RenderableType:
    if not report.learners:
        return Text("no learners yet", style="dim")
    table = _table(
        "learner", "rev", "days", "strk", "new", "lrn", "yng", "mat", "ret", "due", "late", "last"
    )
    # The figures keep their width (about 60 columns); the names get the rest.
    table.columns[0].max_width = max(8, width - 61)
    table.columns[0].overflow = "ellipsis"
    for column in table.columns[1:]:
        column.min_width = max(3, len(str(column.header)))
    table.columns[-1].min_width = len("99d ago")
    for row in report.learners:
        cards = row.cards
        table.add_row(
            Text(printable(row.learner, keep_newlines=False)),
            str(row.reviews),
            str(row.study_days),
            str(row.streak),
            str(cards.new),
            str(cards.learning),
            str(cards.young),
            str(cards.mature),
            _percent(row.retention),
            str(row.due_today),
            Text(str(row.overdue), style="bold red" if row.overdue else ""),
            _day(row.last_studied, report.today),
        )
    legend = Text(
        "rev reviews · strk streak · lrn/yng/mat learning/young/mature cards · "
        "ret true retention · due today · late overdue",
        style="dim",
    )
    return Group(table, legend)


def _hardest(report: ClassReport, width: int) -> RenderableType:
    if not report.hardest_cards:
        return Text("no card has been failed yet", style="dim")
    table = _table("card", "question", "learners", "retention", "lapses")
    for column in table.columns[2:]:
        column.min_width = len(str(column.header))
    # The question gets what the card ids and the figures leave (at 80 columns a fixed
    # 40 squeezed the figures to "…"), two columns between each.
    ids = max(len(printable(card.card_id, keep_newlines=False)) for card in report.hardest_cards)
    figures = sum(len(str(column.header)) for column in table.columns[2:])
    table.columns[1].justify = "left"
    table.columns[1].max_width = max(12, width - ids - figures - 2 * 4)
    table.columns[1].no_wrap = True
    table.columns[1].overflow = "ellipsis"
    unranked = False
    for card in report.hardest_cards:
        retention = _percent(card.retention)
        if card.retention.reviews < MIN_RETENTION_REVIEWS and card.retention.reviews:
            # ranked by lapses, not by this figure: shown apart so the order reads right
            retention, unranked = f"({retention})", True
        table.add_row(
            Text(printable(card.card_id, keep_newlines=False)),
            Text(printable(card.question, keep_newlines=False)),
            str(card.learners),
            retention,
            str(card.lapses),
        )
    if not unranked:
        return table
    note = Text(
        f"(…) fewer than {MIN_RETENTION_REVIEWS} reviews: ranked as 100%, then by lapses",
        style="dim",
    )
    return Group(table, note)


def _weakest(report: ClassReport) -> RenderableType:
    if not report.weakest_tags:
        return Text("not enough reviews of any topic yet", style="dim")
    table = _table("tag", "cards", "reviews", "retention", "lapses")
    for tag in report.weakest_tags:
        table.add_row(
            Text(printable(tag.tag, keep_newlines=False)),
            str(tag.cards),
            str(tag.retention.reviews),
            _percent(tag.retention),
            str(tag.lapses),
        )
    return table


def _percent(retention: Retention) -> str:
    percent = retention.percent
    return "-" if percent is None else f"{percent:.0f}%"


def _day(day: date | None, today: date) -> str:
    if day is None:
        return "never"
    if day == today:
        return "today"
    return f"{(today - day).days}d ago"


def class_renderable(workspace: Workspace, width: int = 80) -> RenderableType:
    """The class view of the workspace's tutor, for the TUI's Class screen (called in a
    worker thread); NotATutorError for a learner who is not a tutor."""
    report = class_report(
        workspace.database, workspace.learner_id, workspace.today(), days=DEFAULT_DAYS
    )
    return render_class(report, width)
