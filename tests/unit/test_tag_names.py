"""Tag and deck names in the statistics' tables stay whole words (issue 16)."""

from __future__ import annotations

from rich.console import Console

from study.services.stats import GroupFigures, Retention, StateCounts
from study.services.stats_render import _group_table


def test_tag_names_are_not_broken_in_the_middle_of_a_word_at_80_columns() -> None:
    groups = [
        GroupFigures(tag, tag, StateCounts(total=3, new=3), 1, 12, Retention(10, 9))
        for tag in ("avascular-necrosis", "hip", "vertebral-fracture")
    ]
    console = Console(width=60, record=True, color_system=None)
    console.print(_group_table(groups, "tag"))
    text = console.export_text()
    assert "avascular-necrosis" in text and "vertebral-fracture" in text
    assert len([line for line in text.splitlines() if line.strip()]) == 2 + len(groups)
