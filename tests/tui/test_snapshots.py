"""Snapshots of every screen at 80x24 and 120x40, on a fixed clock and fixed answer times.

Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at every
changed SVG (the report, or an SVG viewer) before committing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.queue import DeckScope
from study.services.session import StudySession
from study.storage.learners import get_or_create_learner
from study.tui.app import StudyApp

from .conftest import START, make_workspace, settle, write_decks

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


class StepTimer:
    """Each reading of the timer is 2 seconds after the last: every answer takes 2 s or more."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 2.0
        return self.now


def build(
    tmp_path: Path,
    *,
    start: str = "home",
    settings: Settings | None = None,
    decks: tuple[str, ...] = ("spine", "cardio"),
) -> StudyApp:
    workspace = make_workspace(tmp_path, FixedClock(START), settings, decks=decks)
    return StudyApp(workspace, start=start, scope=DeckScope(), timer=StepTimer())


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the database, press keys one by one, waiting after each."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build(tmp_path), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_home_folded(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """Orthopaedics folded: its child deck hidden, its counts those of the whole subtree."""
    assert snap_compare(
        build(tmp_path), terminal_size=size, run_before=keys("down", "down", "left")
    )


@pytest.mark.parametrize("size", SIZES)
def test_home_without_decks(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, decks=())
    assert snap_compare(app, terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_review_question(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, start="review", decks=("spine",))
    assert snap_compare(app, terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_review_answer_with_grades(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build(tmp_path, start="review", decks=("spine",))
    assert snap_compare(app, terminal_size=size, run_before=keys("space"))


@pytest.mark.parametrize("size", SIZES)
def test_review_cloze_question(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, start="review", decks=("spine",))
    assert snap_compare(app, terminal_size=size, run_before=keys("space", "5"))


@pytest.mark.parametrize("size", SIZES)
def test_review_cloze_revealed(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, start="review", decks=("spine",))
    assert snap_compare(app, terminal_size=size, run_before=keys("space", "5", "space"))


@pytest.mark.parametrize("size", SIZES)
def test_review_literal_markup(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, start="review", decks=("spine",))
    pressed = ("space", "5", "space", "5", "space")
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))


@pytest.mark.parametrize("size", SIZES)
def test_review_end_summary(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    settings = Settings(timezone="UTC", new_per_day=2)
    app = build(tmp_path, start="review", settings=settings, decks=("spine",))
    pressed = ("space", "5", "space", "4")
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))


@pytest.mark.parametrize("size", SIZES)
def test_review_nothing_due(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    settings = Settings(timezone="UTC", new_per_day=1)
    app = build(tmp_path, settings=settings, decks=("spine",))
    pressed = ("enter", "space", "5", "escape", "enter")
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))


@pytest.mark.parametrize("size", SIZES)
def test_source_passage(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, start="review", decks=("spine",))
    assert snap_compare(app, terminal_size=size, run_before=keys("i"))


@pytest.mark.parametrize("size", SIZES)
def test_browse(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path)
    assert snap_compare(
        app, terminal_size=size, run_before=keys("enter", "space", "3", "escape", "b")
    )


@pytest.mark.parametrize("size", SIZES)
def test_card_history(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, decks=("spine",))
    pressed = ("enter", "space", "3", "space", "5", "space", "4", "escape", "b", "H")
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build(tmp_path), terminal_size=size, run_before=keys("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_stats(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build(tmp_path), terminal_size=size, run_before=keys("s"))


@pytest.mark.parametrize("size", SIZES)
def test_class(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path)  # 'default' created the database: the tutor
    workspace = app.workspace
    for name, grades in (("ana", (5, 4, 1, 5, 2)), ("=ben", (1, 1, 3))):
        learner = workspace.database.write(
            lambda s, name=name: get_or_create_learner(s, name, START)
        )
        assert learner.id is not None
        session = StudySession(workspace.database, learner.id, workspace.settings, workspace.clock)
        for grade in grades:
            session.grade(grade, answer_ms=2000)
    assert snap_compare(app, terminal_size=size, run_before=keys("l"))


@pytest.mark.parametrize("size", SIZES)
def test_import_dialog(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build(tmp_path), terminal_size=size, run_before=keys("i"))


@pytest.mark.parametrize("size", SIZES)
def test_copy_bundled_deck_dialog(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """e on a bundled deck's card: the offer to copy it, saying where the copy goes."""
    monkeypatch.setenv("STUDY_HOME", "/home/learner/study")  # a path the snapshot can show
    workspace = make_workspace(tmp_path, FixedClock(START), decks=())
    spine = write_decks(tmp_path / "decks")[:1]
    import_deck_files(workspace.database, spine, START, bundled=True)
    app = StudyApp(workspace, start="review", scope=DeckScope(), timer=StepTimer())
    assert snap_compare(app, terminal_size=size, run_before=keys("e"))


@pytest.mark.parametrize("size", SIZES)
def test_cram_dialog(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await keys("c")(pilot)
        pilot.app.screen.query_one(OptionList).highlighted = 0
        await settle(pilot)

    assert snap_compare(build(tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_light_theme(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, start="review", settings=Settings(timezone="UTC", theme="light"))
    assert snap_compare(app, terminal_size=size, run_before=keys("space"))


@pytest.mark.parametrize("size", SIZES)
def test_review_long_answer(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """An answer with extra and note longer than 80x24 shows: the line under it says so."""
    from study.services.library import import_deck_files

    from .test_study_flow import LONG_DECK

    app = build(tmp_path, start="review", decks=())
    back = "; ".join(f"red flag number {n} of the spine" for n in range(1, 13))
    extra = " ".join(f"Extra line {n} about the spine." for n in range(1, 9))
    path = tmp_path / "decks" / "long.toml"
    path.write_text(LONG_DECK.format(back=back, extra=extra), encoding="utf-8")
    assert app.opened is not None
    import_deck_files(app.opened.database, [path], START)
    assert snap_compare(app, terminal_size=size, run_before=keys("space"))


@pytest.mark.parametrize("size", SIZES)
def test_home_daily_limit_reached(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The limit held new cards back: the line under the decks says how many wait (m)."""
    app = build(tmp_path, settings=Settings(timezone="UTC", new_per_day=1), decks=("spine",))
    pressed = ("down", "enter", "space", "5", "escape")
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))
