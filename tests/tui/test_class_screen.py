"""The Class screen: offered on the home screen once the database holds two profiles,
showing every learner to a tutor and nothing of the others to a learner."""

from __future__ import annotations

from pathlib import Path

from study.domain.clock import FixedClock
from study.services.workspace import open_workspace
from study.storage.learners import get_or_create_learner
from study.tui.app import StudyApp
from study.tui.screens.class_view import ClassScreen
from study.tui.screens.home import HomeScreen

from .conftest import make_workspace, screen_text, settle


async def test_the_class_key_does_nothing_with_one_profile(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Class" not in screen_text(app)  # not in the footer
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    workspace.close()


async def test_a_tutor_sees_every_learner_on_the_class_screen(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock)  # the first profile: the tutor
    workspace.database.write(lambda s: get_or_create_learner(s, "ann", clock.now()))
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ClassScreen)
        text = screen_text(app)
        assert "ann" in text and "default" in text and "Hardest cards" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    workspace.close()


async def test_a_learner_is_told_the_class_is_for_a_tutor(
    tmp_path: Path, clock: FixedClock
) -> None:
    make_workspace(tmp_path, clock).close()  # 'default' created the database
    workspace = open_workspace(
        f"sqlite:///{tmp_path / 'study.db'}", "ann", clock=clock, sync_bundled=False
    )
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        text = screen_text(app)
        assert "the class view is for a tutor" in text
        assert "default" not in text
    workspace.close()
