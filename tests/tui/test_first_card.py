"""`study review` and `study` from a first screen read before SQLAlchemy loads
(study.services.first_card).

The card is on screen while the workspace is still opening; the learner can reveal and
grade it at once, and the grade is saved as soon as the session has taken over.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from study.domain.clock import FixedClock
from study.domain.errors import StorageError
from study.services import first_card
from study.services.first_card import FirstView, read_first_home, read_first_view
from study.services.queue import DeckScope
from study.services.workspace import Workspace
from study.tui.app import StudyApp
from study.tui.screens.home import HomeScreen
from study.tui.screens.review import ReviewScreen

from .conftest import make_workspace, screen_text, settle
from .test_review import Timer, graded, shown_card


class SlowOpener:
    """Opens the workspace only when the test lets it, as a slow disk would."""

    def __init__(self, workspace: Workspace | None, error: Exception | None = None) -> None:
        self.workspace = workspace
        self.error = error
        self.release = threading.Event()
        self.calls = 0

    def __call__(self) -> Workspace:
        self.calls += 1
        if not self.release.wait(timeout=30):
            raise TimeoutError("the test never let the workspace open")
        if self.error is not None:
            raise self.error
        assert self.workspace is not None
        return self.workspace


@pytest.fixture(autouse=True)
def no_bundled_decks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_card, "bundled_deck_files", lambda: [])


def first_view(tmp_path: Path, workspace: Workspace, clock: FixedClock) -> FirstView:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    first = read_first_view(url, "default", workspace.settings, DeckScope(), clock.now())
    assert first is not None
    return first


def app_from(first: FirstView, opener: SlowOpener, workspace: Workspace) -> StudyApp:
    return StudyApp(
        None,
        start="review",
        first=first,
        opener=opener,
        settings=workspace.settings,
        timer=Timer(),
    )


async def until(pilot: Pilot[None], condition: object) -> None:
    for _ in range(200):
        if callable(condition) and condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never got there")


async def test_the_card_is_shown_and_graded_while_the_workspace_opens(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock)
    try:
        opener = SlowOpener(workspace)
        app = app_from(first_view(tmp_path, workspace, clock), opener, workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.opened is None
            assert shown_card(app) == "avn-name"
            assert "What is the other name of avascular necrosis?" in screen_text(app)
            assert "new 6" in screen_text(app)
            await pilot.press("space")
            await pilot.pause()
            assert "Osteonecrosis" in screen_text(app)
            assert "1d" in screen_text(app)  # the grades' intervals are there before the session
            await pilot.press("4")
            await pilot.press("5")  # a second grade while the first waits: ignored
            await pilot.pause()
            assert graded(workspace) == []  # the session has not taken over yet
            await until(pilot, lambda: opener.calls == 1)
            opener.release.set()
            await until(pilot, lambda: shown_card(app) == "avn-risk#c1")
            await settle(pilot)
            assert app.opened is workspace
            assert graded(workspace) == [("avn-name", 4, "new", 0)]
            await pilot.press("escape")  # started on review alone: home comes in its place
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert "Spine and hip" in screen_text(app)
    finally:
        workspace.close()


async def test_a_workspace_that_cannot_open_is_one_clear_message(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock)
    try:
        opener = SlowOpener(None, StorageError("the database file is damaged; restore a backup"))
        app = app_from(first_view(tmp_path, workspace, clock), opener, workspace)
        opener.release.set()
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "cannot start" in screen_text(app))
            text = screen_text(app)
            assert "the database file is damaged; restore a backup" in text
            assert "Traceback" not in text
    finally:
        workspace.close()


async def test_study_draws_the_deck_list_first_and_enter_waits_for_the_workspace(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock)
    try:
        url = f"sqlite:///{tmp_path / 'study.db'}"
        home = read_first_home(url, "default", workspace.settings, clock.now())
        assert home is not None
        opener = SlowOpener(workspace)
        app = StudyApp(
            None, first_home=home, opener=opener, settings=workspace.settings, timer=Timer()
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: opener.calls == 1)  # began once the list was drawn
            assert isinstance(app.screen, HomeScreen)
            assert "Spine and hip" in screen_text(app) and app.opened is None
            # The workspace opens a moment after Enter: the key waits for it, not lost.
            threading.Timer(0.3, opener.release.set).start()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            await settle(pilot)
            assert shown_card(app) == "avn-name"
            assert app.opened is workspace and opener.calls == 1
    finally:
        workspace.close()
