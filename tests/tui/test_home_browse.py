"""Home, Browse, Help, Stats and the command palette, driven with the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select
from textual import events
from textual.binding import Binding
from textual.widgets import DataTable, Input, OptionList

from study.domain.clock import FixedClock
from study.services.library import import_deck_files
from study.services.workspace import Workspace
from study.storage.models import CardState
from study.tui.app import StudyApp
from study.tui.host import error_message
from study.tui.screens.browse import BrowseScreen
from study.tui.screens.dialogs import CramDialog, HistoryScreen, ImportDialog
from study.tui.screens.help import HelpScreen, help_content
from study.tui.screens.home import HomeScreen
from study.tui.screens.review import ReviewScreen
from study.tui.screens.stats import StatsScreen

from .conftest import make_workspace, screen_text, settle, write_decks

ARRHYTHMIA_DECK = """[deck]
id = "arrhythmia"
version = 1
name = "Cardiology::Arrhythmia"
description = "A child of the Cardiology deck"

[[cards]]
id = "af-anticoagulation"
type = "basic"
front = "Which score guides anticoagulation in atrial fibrillation?"
back = "CHA2DS2-VASc"
"""

_DECK_CELL = re.compile(r"│ [│├└─ ]*(.*?)\s{2,}\d")


def nested_workspace(tmp_path: Path, clock: FixedClock) -> Workspace:
    """Cardiology (a card) with a child deck Arrhythmia (a card); Orthopaedics::Spine and hip."""
    workspace = make_workspace(tmp_path, clock, decks=("spine", "cardio"))
    deck = tmp_path / "arrhythmia.toml"
    deck.write_text(ARRHYTHMIA_DECK, encoding="utf-8")
    import_deck_files(workspace.database, [deck], clock.now())
    return workspace


def deck_rows(app: StudyApp) -> dict[str, list[str]]:
    """The deck tree as shown: each name (with its fold marker) and its counts."""
    rows = {}
    for line in screen_text(app).splitlines():
        if match := _DECK_CELL.search(line):
            rows[match.group(1)] = line[match.end(1) :].split()[:4]
    return rows


def cursor_deck(app: StudyApp) -> object:
    """The key of the row under the cursor: a deck's full name, or "__all__"."""
    table = app.screen.query_one("#decks", DataTable)
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


async def test_home_shows_the_deck_tree_with_todays_counts(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine", "cardio"))
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = deck_rows(app)
        assert list(rows) == ["All decks", "Cardiology", "▾ Orthopaedics", "Spine and hip"]
        # new (a card per note, siblings buried), learning, due, cards
        assert rows["All decks"] == ["7", "0", "0", "8"]
        assert rows["Spine and hip"] == ["6", "0", "0", "7"]
        assert "Today nothing studied yet" in screen_text(app)
    workspace.close()


async def test_enter_studies_the_selected_deck_only(tmp_path: Path, clock: FixedClock) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine", "cardio"))
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # Cardiology
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.view is not None and screen.view.card is not None
        assert screen.view.card.card_id == "af-rate"
        await pilot.press("space", "5")
        await settle(pilot)
        assert "Session over" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "1 answered · 100% correct" in screen_text(app)
        assert "streak 1 day" in screen_text(app)
    workspace.close()


async def test_folding_a_deck_hides_its_children_and_unfolding_shows_them(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = nested_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert list(deck_rows(app)) == [
            "All decks",
            "▾ Cardiology",
            "Arrhythmia",
            "▾ Orthopaedics",
            "Spine and hip",
        ]
        await pilot.press("down", "left")
        await settle(pilot)
        rows = deck_rows(app)
        assert list(rows) == ["All decks", "▸ Cardiology", "▾ Orthopaedics", "Spine and hip"]
        assert rows["▸ Cardiology"] == ["2", "0", "0", "2"]  # still the subtree's totals
        assert cursor_deck(app) == "Cardiology"
        await pilot.press("right")
        await settle(pilot)
        assert "Arrhythmia" in deck_rows(app)
        assert cursor_deck(app) == "Cardiology"
        await pilot.press("space")  # space folds and unfolds too
        await settle(pilot)
        assert "Arrhythmia" not in deck_rows(app) and "▸ Cardiology" in deck_rows(app)
        await pilot.press("space")
        await settle(pilot)
        assert "Arrhythmia" in deck_rows(app)
        assert cursor_deck(app) == "Cardiology"
    workspace.close()


async def test_left_on_a_child_goes_to_its_parent_and_right_goes_down_into_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = nested_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        assert cursor_deck(app) == "Cardiology::Arrhythmia"
        await pilot.press("left")
        assert cursor_deck(app) == "Cardiology"
        await pilot.press("right")  # open already: into its first child
        assert cursor_deck(app) == "Cardiology::Arrhythmia"
        await pilot.press("right")  # a leaf: nothing to open
        assert cursor_deck(app) == "Cardiology::Arrhythmia"
        await pilot.press("left", "left")  # up to Cardiology, then fold it
        await settle(pilot)
        assert "Arrhythmia" not in deck_rows(app)
        await pilot.press("left")  # folded: up to the All decks row
        assert cursor_deck(app) == "__all__"
        await pilot.press("left", "right")  # All decks has nothing to fold
        await settle(pilot)
        assert list(deck_rows(app))[:2] == ["All decks", "▸ Cardiology"]
    workspace.close()


async def test_enter_on_a_folded_deck_studies_its_child_decks_too(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = nested_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "left", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert sorted(screen.scope.deck_ids or []) == ["arrhythmia", "cardio"]
        assert "new 2" in screen_text(app)
    workspace.close()


async def test_folds_and_the_cursor_stay_when_the_counts_are_read_again(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = nested_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "left", "down", "left")  # fold Cardiology and Orthopaedics
        await pilot.press("up", "enter")  # study Cardiology
        await settle(pilot)
        await pilot.press("space", "5", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        rows = deck_rows(app)
        assert list(rows) == ["All decks", "▸ Cardiology", "▸ Orthopaedics"]
        assert rows["▸ Cardiology"] == ["1", "0", "0", "2"]  # one new card seen
        assert cursor_deck(app) == "Cardiology"
    workspace.close()


async def test_folds_and_the_cursor_stay_when_the_theme_or_the_size_changes(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = nested_workspace(tmp_path, clock)
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "left")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert cursor_deck(app) == "Cardiology"
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert cursor_deck(app) == "Cardiology"
        assert "▸ Cardiology" in deck_rows(app)
    workspace.close()


async def test_home_without_decks_says_how_to_get_one(tmp_path: Path, clock: FixedClock) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No decks yet. Press i to import a deck file" in screen_text(app)
    workspace.close()


async def test_import_dialog_imports_a_deck_file(tmp_path: Path, clock: FixedClock) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine",))
    path = write_decks(tmp_path / "more")[1]
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "cardio: 1 added" in text
        assert "Cardiology" in text
    workspace.close()


async def test_import_dialog_shows_the_problems_and_imports_nothing(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine",))
    broken = tmp_path / "broken.toml"
    broken.write_text('[deck]\nid = "x"\nname = "X"\n\n[[cards]]\nid = "a"\ntype = "basic"\n')
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one(Input).value = str(broken)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportDialog)
        text = screen_text(app)
        assert "missing 'front' in card" in text and "Nothing was imported." in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    workspace.close()


async def test_cram_can_be_chosen_by_tag(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CramDialog)
        text = screen_text(app)
        assert "tag  avn  2" in text and "tag  hip  3" in text  # notes per tag
        choices = app.screen.choices
        tag_hip = next(key for key, (scope, _) in choices.items() if scope.tag == "hip")
        app.screen.query_one(OptionList).highlighted = list(choices).index(tag_hip)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.cram
        assert "Cram tag hip" in screen_text(app)
    workspace.close()


async def test_browse_filters_by_text_and_state_and_suspends(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "1–7 of 7 cards" in screen_text(app)
        await pilot.press("slash", *"necrosis")
        await settle(pilot)
        assert "1–3 of 3 cards" in screen_text(app)
        await pilot.press("enter")  # back to the table
        await pilot.press("S")  # suspend the first match
        await settle(pilot)
        with workspace.database.session() as session:
            suspended = session.exec(select(CardState).where(CardState.suspended)).all()
        assert [s.card_id for s in suspended] == ["avn-name"]
        assert "avn-name suspended" in screen_text(app)
        await pilot.press("S")  # and unsuspend it
        await settle(pilot)
        with workspace.database.session() as session:
            assert not session.exec(select(CardState).where(CardState.suspended)).all()
    workspace.close()


async def test_browse_orders_by_a_key_and_by_a_column_header(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert "by deck and file order" in screen_text(app)
        await pilot.press("O")
        await settle(pilot)
        assert "by due date, soonest first" in screen_text(app)
        table = app.screen.query_one("#cards", DataTable)
        x = 0
        for column in table.ordered_columns:
            if column.key.value == "Laps":
                break
            x += column.get_render_width(table)
        await pilot.click("#cards", offset=(x + 1, 0))  # the "Laps" header
        await settle(pilot)
        assert "by lapses, most first" in screen_text(app)
    workspace.close()


async def test_browse_opens_a_cards_history(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "3")  # study: avn-name graded 3
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        assert "2026-03-02  new" in text
        assert "What is the other name of avascular necrosis?" in text
    workspace.close()


async def test_help_lists_every_key_and_the_grade_meanings(workspace: Workspace) -> None:
    text = help_content().plain
    for binding in ReviewScreen.BINDINGS + HomeScreen.BINDINGS + BrowseScreen.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.action.startswith("grade("):
            assert "0-5" in text
        else:
            assert binding.description in text
    assert "correct after hesitation" in text and "complete blackout" in text
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    workspace.close()


async def test_stats_screen_opens_and_goes_back(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert "Statistics" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    workspace.close()


async def test_the_command_palette_lists_the_screens_actions(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Study", "Cram", "Browse", "Stats", "Import", "Help"} <= set(titles)
        await pilot.press("ctrl+p", *"brow", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
    workspace.close()


async def test_the_theme_follows_the_setting_and_toggles(tmp_path: Path, clock: FixedClock) -> None:
    from study.domain.config import Settings, load_settings, save_settings

    save_settings(Settings(theme="light"))
    workspace = make_workspace(tmp_path, clock, Settings(timezone="UTC", theme="light"))
    app = StudyApp(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == "textual-dark"
    workspace.close()
    # The choice is remembered for the next start (STUDY_HOME is this test's own).
    assert load_settings().theme == "dark"


def test_errors_become_one_clear_line() -> None:
    import sqlite3

    import sqlalchemy as sa

    from study.domain.decks import DeckError
    from study.storage.database import StorageError

    assert error_message(StorageError("cannot open the database")) == "cannot open the database"
    locked = sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
    assert error_message(locked).startswith("database error (disk I/O error)")
    problems = DeckError([f"deck.toml:{n}: bad" for n in range(1, 9)])
    assert error_message(problems).splitlines()[-1] == "... and 3 more problems"
    assert "Traceback" not in error_message(RuntimeError("boom"))


async def test_keys_typed_fast_after_slash_never_act_on_the_table(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        driver = app._driver
        assert driver is not None
        for key in ("slash", *"sciatica"):  # one burst, as a fast typist or a paste sends it
            event = events.Key(key, "/" if key == "slash" else key)
            event.set_sender(app)
            driver.send_message(event)
        await settle(pilot)
        assert app.focused is app.screen.query_one(Input)
    with workspace.database.session() as session:
        # the "s" of "sciatica" must not reach the table's suspend key
        assert not session.exec(select(CardState).where(CardState.suspended)).all()
    workspace.close()
