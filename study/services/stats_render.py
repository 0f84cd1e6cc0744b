"""Statistics for people: rich tables, terminal plots and a calendar heatmap.

Core code (rich and plotext, never textual): ``study stats`` prints
:func:`render_stats`, and the TUI's Stats screen shows the same renderable. Everything
fits 80 columns. Card text goes through :func:`study.domain.cards.printable` into rich ``Text``
objects, never into markup, so a card cannot inject styles or terminal escapes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from study.domain.cards import printable
from study.services.stats import (
    Bucket,
    DayFigures,
    GroupFigures,
    HardCard,
    Retention,
    Stats,
    compute_stats,
)

if TYPE_CHECKING:
    from study.services.workspace import Workspace

# plotext draws on one global figure: one plot at a time (the TUI renders in a thread).
_PLOT_LOCK = threading.Lock()
# Heatmap levels: glyph and style, from no reviews to the busiest days; the glyphs alone
# tell the levels apart on a terminal without colour.
_LEVELS = (
    ("·", "grey42"),
    ("░", "green4"),
    ("▒", "green3"),
    ("▓", "green1"),
    ("█", "bright_green"),
)
_WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def render_stats(stats: Stats, width: int = 80) -> RenderableType:
    """Every section of the statistics, stacked, for a console ``width`` columns wide."""
    width = max(40, width)
    plot_width = min(width, 100)
    parts: list[RenderableType] = [
        _heading(stats),
        _overview(stats),
        section("Reviews per day", f"last {stats.days} days"),
        _bar_plot(
            [d.day.strftime("%m-%d") for d in stats.history],
            [d.reviews for d in stats.history],
            plot_width,
        ),
        section("Calendar", "reviews per day over the last year"),
        calendar_heatmap(stats.calendar, stats.today, width=width),
        section("Forecast", "cards due per day; today includes overdue cards"),
        _bar_plot(
            [f.day.strftime("%m-%d") for f in stats.forecast],
            [f.due for f in stats.forecast],
            plot_width,
        ),
        section("True retention", "scheduled reviews graded 3 or more"),
        _retention_table(stats),
        section("Intervals", "cards by days until their next review"),
        _bar_plot(
            [_bucket_label(b, whole=True) for b in stats.intervals],
            [b.cards for b in stats.intervals],
            plot_width,
        ),
        section("E-Factors", "cards by easiness"),
        _bucket_table(stats.ease),
        section("Hour of day", f"reviews by hour, last {stats.days} days"),
        _hours(stats),
        section("Decks", f"reviews and retention over the last {stats.days} days"),
        _group_table(stats.decks, "deck"),
        section("Topics", f"tags; reviews and retention over the last {stats.days} days"),
        _group_table(stats.tags, "tag"),
        section("Hardest cards", ""),
        _hard_table("lowest E-Factor", stats.lowest_ease, width),
        _hard_table("most lapses", stats.most_lapses, width),
        _hard_table("leeches", stats.leeches, width),
    ]
    return Group(*parts)


def calendar_heatmap(
    days: Sequence[DayFigures], today: date, *, width: int = 80, weeks: int = 53
) -> Text:
    """Reviews per day as a GitHub-style calendar: a column per week, a row per weekday.

    Days without reviews may be left out of ``days`` (``Stats.calendar`` leaves them
    out). The darkest glyph marks the busiest quarter of study days. Fits ``width``
    columns by showing fewer weeks.
    """
    counts = {d.day: d.reviews for d in days}
    weeks = max(1, min(weeks, width - 5))
    last_monday = today - timedelta(days=today.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    busy = sorted(n for day, n in counts.items() if n > 0 and first <= day <= today)
    thresholds = [busy[len(busy) * q // 4] for q in (1, 2, 3)] if busy else []

    def level(n: int) -> int:
        if n <= 0:
            return 0
        return 1 + sum(1 for t in thresholds if n > t)

    text = Text(no_wrap=True)
    text.append("    ")
    months = ""
    for week in range(weeks):
        monday = first + timedelta(weeks=week)
        label = monday.strftime("%b") if monday.day <= 7 else ""
        if label and len(months) <= week:
            months = months.ljust(week) + label
    text.append(months[:weeks].ljust(weeks) + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{_WEEKDAYS[weekday]:<4}", style="dim")
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            if day > today:
                text.append(" ")
                continue
            glyph, style = _LEVELS[level(counts.get(day, 0))]
            text.append(glyph, style=style)
        text.append("\n")
    text.append("    less ", style="dim")
    for glyph, style in _LEVELS:
        text.append(glyph, style=style)
    text.append(" more", style="dim")
    return text


# ---------------------------------------------------------------- sections


def _heading(stats: Stats) -> Text:
    scope = []
    if stats.deck_ids is not None:
        scope.append("decks " + ", ".join(stats.deck_ids))
    if stats.tag is not None:
        scope.append(f"tag {stats.tag}")
    text = Text(f"Statistics for {stats.today.isoformat()}", style="bold")
    text.append(f"  ({'; '.join(printable(s) for s in scope) or 'all decks'})", style="dim")
    return text


def section(title: str, note: str) -> Text:
    """A section's title, with a note beside it."""
    text = Text("\n" + title, style="bold cyan")
    if note:
        text.append(f"  {note}", style="dim")
    return text


def _overview(stats: Stats) -> Table:
    """Cards by state beside today's work and the streak."""
    cards = stats.cards
    left = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left")
    left.add_column("cards", style="bold")
    left.add_column("", justify="right")
    for label, value in (
        ("new", cards.new),
        ("learning", cards.learning),
        ("young", cards.young),
        ("mature", cards.mature),
        ("total", cards.total),
        ("suspended", cards.suspended),
        ("leeches", cards.leech),
    ):
        left.add_row(label, str(value))
    today = stats.today_figures
    right = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    right.add_column("today", style="bold")
    right.add_column("", justify="right")
    right.add_row("reviews", str(today.reviews))
    right.add_row("time", _duration(today.time_ms))
    right.add_row("correct", _percent(today.correct_percent))
    right.add_row("new cards", str(today.new_cards))
    right.add_row("streak", _days(stats.streak_current))
    right.add_row("longest streak", _days(stats.streak_longest))
    right.add_row("all reviews", str(stats.reviews_total))
    average = stats.average_answer_ms
    right.add_row("answer time", f"{average / 1000:.1f} s" if average is not None else "-")
    grid = Table.grid(padding=(0, 4))
    grid.add_row(left, right)
    return grid


def _bar_plot(labels: Sequence[str], values: Sequence[int], width: int) -> Text:
    """A plotext bar chart as rich Text (bars in green), or a note when all are zero."""
    if not any(values):
        return Text("  nothing yet", style="dim")
    import plotext

    with _PLOT_LOCK:
        figure = plotext.figure
        figure.clear()
        figure.plot_size(width, 12)
        figure.theme("colorless")
        bars = figure.bar(list(labels), list(values))
        ticks = whole_ticks(max(values))
        figure.ruler("y").lim(0, ticks[-1])
        figure.ruler("y").ticks(ticks, [str(t) for t in ticks])
        figure.draw(bars)
        drawn = figure.build().string()
        figure.clear()
    text = Text.from_ansi(drawn, no_wrap=True)
    text.highlight_regex(r"[█▀▄▌▐▖▗▘▙▚▛▜▝▞▟]+", "green")
    return text


def whole_ticks(top: int) -> list[int]:
    """Y-axis ticks for counts up to ``top``: whole numbers, steps of 1, 2 or 5 times a
    power of ten, at most five of them (plotext's own ticks read 0.5 review)."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if step * 4 >= top:
                return list(range(0, -(-top // step) * step + 1, step))
        scale *= 10


def _retention_table(stats: Stats) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("")
    for column in ("young", "mature", "all"):
        table.add_column(column, justify="right")
    labels = {"day": "today", "week": "last 7 days", "month": "last 30 days", "year": "last year"}
    for period in stats.retention:
        table.add_row(
            labels.get(period.period, period.period),
            _retention(period.young),
            _retention(period.mature),
            _retention(period.all),
        )
    return table


def _retention(retention: Retention) -> str:
    if not retention.reviews:
        return "-"
    return f"{_percent(retention.percent)} of {retention.reviews}"


def _bucket_label(bucket: Bucket, *, whole: bool) -> str:
    def number(value: float) -> str:
        return str(int(value)) if whole else f"{value:.1f}"

    if bucket.high is None:
        return f"{number(bucket.low)}+"
    if whole and bucket.low == bucket.high:
        return number(bucket.low)
    return f"{number(bucket.low)}-{number(bucket.high)}"


def _bucket_table(buckets: Sequence[Bucket]) -> RenderableType:
    """A horizontal histogram: one line per bucket with a bar scaled to the largest."""
    if not buckets:
        return Text("  nothing yet", style="dim")
    most = max(b.cards for b in buckets) or 1
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="dim")
    table.add_column()
    table.add_column(justify="right")
    for bucket in buckets:
        label = f"{bucket.low:.1f}-{bucket.high - 0.01:.2f}" if bucket.high else f"{bucket.low}"
        bar = Text("█" * max(1 if bucket.cards else 0, round(40 * bucket.cards / most)), "green")
        table.add_row(label, bar, str(bucket.cards))
    return table


def _hours(stats: Stats) -> RenderableType:
    """Reviews per hour as a one-line sparkline under the hours 0-23."""
    reviews = [h.reviews for h in stats.hours]
    if not any(reviews):
        return Text("  nothing yet", style="dim")
    ticks = " ▁▂▃▄▅▆▇█"
    most = max(reviews)
    text = Text("  ")
    for n in reviews:
        text.append(ticks[0 if n == 0 else max(1, round(8 * n / most))] * 2, style="green")
        text.append(" ")
    text.append("\n  ")
    text.append(" ".join(f"{h:02d}" for h in range(24)), style="dim")
    busiest = max(stats.hours, key=lambda h: h.reviews)
    text.append(f"\n  busiest: {busiest.hour:02d}:00-{busiest.hour:02d}:59", style="dim")
    text.append(
        f" ({busiest.reviews} reviews, {_percent(_share(busiest.correct, busiest.reviews))}"
    )
    text.append(" correct)")
    return text


def _group_table(groups: Sequence[GroupFigures], kind: str) -> RenderableType:
    if not groups:
        return Text("  none", style="dim")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    # One line per name, whole up to 24 columns, then cut with an ellipsis: folded, a
    # tag such as avascular-necrosis broke in the middle of a word.
    longest = max(len(printable(g.name, keep_newlines=False)) for g in groups)
    table.add_column(kind, no_wrap=True, overflow="ellipsis", min_width=min(longest, 24))
    for column in ("new", "learn", "young", "mature", "due", "revs", "retention"):
        table.add_column(column, justify="right")
    for group in groups:
        cards = group.cards
        table.add_row(
            Text(printable(group.name, keep_newlines=False)),
            str(cards.new),
            str(cards.learning),
            str(cards.young),
            str(cards.mature),
            str(group.due),
            str(group.reviews),
            _percent(group.retention.percent),
        )
    return table


def _hard_table(title: str, cards: Sequence[HardCard], width: int) -> RenderableType:
    if not cards:
        return Text(f"  {title}: none", style="dim")
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    # Fixed widths: the numbers always show, the question takes what is left.
    card_width = min(20, max(len(c.card_id) for c in cards))
    question_width = max(10, width - card_width - 4 - 5 - 6 - 6 - 8)
    table.add_column("card", no_wrap=True, overflow="ellipsis", max_width=card_width)
    table.add_column("question", no_wrap=True, overflow="ellipsis", max_width=question_width)
    table.add_column("EF", justify="right", no_wrap=True)
    table.add_column("lapses", justify="right", no_wrap=True)
    table.add_column("ivl", justify="right", no_wrap=True)
    for card in cards:
        table.add_row(
            Text(printable(card.card_id, keep_newlines=False)),
            Text(printable(card.question, keep_newlines=False)),
            f"{card.ease_hundredths / 100:.2f}",
            str(card.lapses),
            f"{card.interval}d",
        )
    return table


# ---------------------------------------------------------------- numbers


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def stats_renderable(
    workspace: Workspace, width: int = 80, deck_ids: Sequence[str] | None = None
) -> RenderableType:
    """The whole statistics of the workspace's learner (of ``deck_ids``, None: every
    deck) as one rich renderable: what the TUI's Stats screen shows (it calls this in a
    worker thread), as ``study stats`` prints :func:`render_stats`."""
    stats = compute_stats(
        workspace.database,
        workspace.learner_id,
        workspace.settings,
        workspace.today(),
        deck_ids=deck_ids,
    )
    return render_stats(stats, width)
