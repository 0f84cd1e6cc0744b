"""The six SM-2 grades with their meanings and what each would do to the card."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widget import Widget

from study.queue import GradePreview
from study.sm2 import GRADE_MEANINGS, PASSING_GRADE

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


class GradeBar(Widget):
    """One line per grade: the key, its meaning, the interval it would give."""

    DEFAULT_CSS = (Path(__file__).parent / "grade_bar.tcss").read_text(encoding="utf-8")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.previews: dict[int, GradePreview] = {}
        self.border_title = "Grade"

    def show(self, previews: dict[int, GradePreview]) -> None:
        self.previews = previews
        self.refresh(layout=True)

    def render(self) -> Content:
        width = max(self.content_region.width, 30)
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
