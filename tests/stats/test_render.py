"""How the statistics are drawn for people: axes a learner can read."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from study.services.stats_render import _bar_plot, whole_ticks


@given(st.integers(1, 10_000_000))
def test_count_axes_tick_whole_numbers_up_past_the_top(top: int) -> None:
    ticks = whole_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top
    assert 2 <= len(ticks) <= 5
    step = ticks[1]
    assert all(b - a == step for a, b in itertools.pairwise(ticks))
    assert str(step).strip("0") in ("1", "2", "5")


def test_a_chart_of_a_few_reviews_labels_its_axis_in_whole_reviews() -> None:
    drawn = _bar_plot(["Mon", "Tue", "Wed"], [1, 3, 0], 60).plain
    labels = re.findall(r"^\s*([\d.]+)┤", drawn, flags=re.M)
    assert labels == ["3", "2", "1", "0"]
