"""Screens at 80 columns and after a resize: every key of the footer readable, the
figures drawn for the terminal's width, a message gone once read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from study.domain.clock import FixedClock
from study.services.stats_render import stats_renderable
from study.services.workspace import Workspace
from study.storage.learners import get_or_create_learner
from study.tui.app import StudyApp
from study.tui.screens import stats as stats_screen
from study.tui.screens.stats import StatsScreen
from study.tui.widgets.footer import WIDE

from .conftest import make_workspace, screen_text, settle
from .test_review import review_app


async def test_a_tutors_home_footer_ends_with_quit_at_80_columns(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock)
    workspace.database.write(lambda s: get_or_create_learner(s, "ann", clock.now()))
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "l Class" in footer and footer.rstrip().endswith("q Quit")
        assert "palette" not in footer
        await pilot.resize_terminal(WIDE, 30)
        await settle(pilot)
        assert "^p palette" in screen_text(app).splitlines()[-1]
    workspace.close()


async def test_the_figures_are_drawn_again_for_a_wider_terminal(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    widths: list[int] = []

    def recording(workspace: Workspace, width: int, deck_ids: list[str] | None) -> Any:
        widths.append(width)
        return stats_renderable(workspace, width, deck_ids)

    monkeypatch.setattr(stats_screen, "stats_renderable", recording)
    workspace = make_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StatsScreen())
        await settle(pilot)
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        await pilot.resize_terminal(120, 40)  # taller only: nothing to draw again
        await settle(pilot)
    assert widths == [70, 110]
    workspace.close()


async def test_a_message_goes_away_by_itself(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.say("Flag removed (u: undo).", timeout=0.05)  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.pause(0.2)
        assert "Flag removed" not in screen_text(app)
