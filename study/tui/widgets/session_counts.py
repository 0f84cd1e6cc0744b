"""New / learning / due counts, coloured the way learners of Anki expect."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from study.domain.config import Settings
from study.services.queue import Waiting

NEW_STYLE = "bold $text-primary"
LEARNING_STYLE = "bold $text-error"
DUE_STYLE = "bold $text-success"
ZERO_STYLE = "$text-muted"


def count_parts(new: int, learning: int, due: int) -> list[str | tuple[str, str]]:
    """``new 3  learning 1  due 12`` as styled parts (a zero is dimmed)."""
    parts: list[str | tuple[str, str]] = []
    for name, value, style in (
        ("new", new, NEW_STYLE),
        ("learning", learning, LEARNING_STYLE),
        ("due", due, DUE_STYLE),
    ):
        if parts:
            parts.append("  ")
        parts += [(f"{name} ", "$text-muted"), (str(value), style if value else ZERO_STYLE)]
    return parts


class SessionCounts(Static):
    """The counts left in a session."""

    def show(self, new: int, learning: int, due: int) -> None:
        self.update(Content.assemble(*count_parts(new, learning, due)))


def duration(ms: int) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min``."""
    seconds = ms // 1000
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def held_back(waiting: Waiting) -> str:
    """``12 new cards and 30 reviews``: what the daily limits hold back ("" if nothing)."""
    parts = []
    if waiting.new:
        parts.append(plural(waiting.new, "new card"))
    if waiting.due:
        parts.append(plural(waiting.due, "review"))
    return " and ".join(parts)


def extra_today(waiting: Waiting, settings: Settings) -> tuple[int, int]:
    """How far "study more today" raises the limits: what waits, a day's worth at most."""
    return min(waiting.new, settings.new_per_day), min(waiting.due, settings.reviews_per_day)


def more_label(new: int, reviews: int) -> str:
    """``study more today (12 new cards)`` ("" when there is nothing more)."""
    held = held_back(Waiting(new=new, due=reviews))
    return f"study more today ({held})" if held else ""


def plural(count: int, word: str) -> str:
    """``1 card``, ``2 cards``."""
    return f"{count} {word}{'' if count == 1 else 's'}"
