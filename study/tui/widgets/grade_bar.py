"""The six SM-2 grades with their meanings and what each would do to the card."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widget import Widget

from study.domain.sm2 import GRADE_MEANINGS, PASSING_GRADE
from study.services.queue import GradePreview

GRADE_STYLES = {
    0: "bold $text-error",
    1: "bold $text-error",
    2: "bold $text-error",
    3: "bold $text-warning",
    4: "bold $text-success",
    5: "bold $text-success",
}


def outcome_label(preview: GradePreview) -> str:
    """What a grade does, in a few words: ``6d``, ``1d · again today``, ``again``, ``done``."""
    if preview.interval is None:
        return "again today" if preview.comes_back_today else "done"
    label = preview.label
    return f"{label} · again today" if preview.comes_back_today else label


# Compact (a short terminal): two lines of three grades, each with a word or two.
SHORT_MEANINGS = {
    0: "blackout",
    1: "wrong, knew it",
    2: "wrong, easy",
    3: "hard",
    4: "hesitant",
    5: "perfect",
}


def short_outcome(preview: GradePreview) -> str:
    """``6d``, ``1d ↺`` (comes back today), ``again``, ``done``."""
    if preview.interval is None:
        return "again" if preview.comes_back_today else "done"
    return f"{preview.label} ↺" if preview.comes_back_today else preview.label


class GradeBar(Widget):
    """One line per grade: the key, its meaning, the interval it would give; on a short
    terminal (``compact``) two lines of three, so the card above keeps the room."""

    DEFAULT_CSS = (Path(__file__).parent / "grade_bar.tcss").read_text(encoding="utf-8")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.previews: dict[int, GradePreview] = {}
        self.compact = False
        self.border_title = "Grade"

    def show(self, previews: dict[int, GradePreview], *, compact: bool = False) -> None:
        self.previews = previews
        self.compact = compact
        self.border_subtitle = "↺ again today" if compact else ""
        self.refresh(layout=True)

    def _render_compact(self, width: int) -> Content:
        cell = width // 3
        lines: list[Content] = []
        for row in ((0, 1, 2), (3, 4, 5)):
            cells: list[Content] = []
            for grade in row:
                preview = self.previews.get(grade)
                right = short_outcome(preview) if preview else ""
                meaning = SHORT_MEANINGS[grade]
                room = cell - 4 - len(right) - 2
                if len(meaning) > room:
                    meaning = meaning[: max(room - 1, 0)] + "…"
                gap = " " * max(cell - 4 - len(meaning) - len(right) - 1, 1)
                cells.append(
                    Content.assemble(
                        (f" {grade} ", GRADE_STYLES[grade] + " reverse"),
                        " ",
                        (meaning, "" if grade >= PASSING_GRADE else "$text-muted"),
                        gap,
                        (right, "bold"),
                        " ",
                    )
                )
            lines.append(Content("").join(cells))
        return Content("\n").join(lines)

    def render(self) -> Content:
        width = max(self.content_region.width, 30)
        if self.compact:
            return self._render_compact(width)
        lines: list[Content] = []
        for grade in range(6):
            preview = self.previews.get(grade)
            right = outcome_label(preview) if preview else ""
            meaning = GRADE_MEANINGS[grade]
            room = width - 4 - len(right) - 1
            if len(meaning) > room:
                meaning = meaning[: max(room - 1, 0)] + "…"
            gap = " " * max(width - 4 - len(meaning) - len(right), 1)
            lines.append(
                Content.assemble(
                    (f" {grade} ", GRADE_STYLES[grade] + " reverse"),
                    " ",
                    (meaning, "" if grade >= PASSING_GRADE else "$text-muted"),
                    gap,
                    (right, "bold" if preview and not preview.comes_back_today else "$text-muted"),
                )
            )
        return Content("\n").join(lines)
