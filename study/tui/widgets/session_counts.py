"""New / learning / due counts, coloured the way learners of Anki expect."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

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
