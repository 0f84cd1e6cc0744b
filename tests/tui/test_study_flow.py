"""The study flow in the app as a learner coming from Anki meets it (issue 16): undo of
any action, unflag and unbury, a browse that shows the card and cannot be mistyped,
help everywhere, the profile and the theme."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from textual import events
from textual.widgets import DataTable, Input

from study.domain.clock import FixedClock
from study.domain.config import Settings, load_settings
from study.services.browse import CardLocation
from study.services.library import import_deck_files
from study.services.queue import DeckScope
from study.services.workspace import Workspace, open_workspace
from study.storage.models import CardState
from study.tui.app import StudyApp
from study.tui.screens.browse import BrowseScreen
from study.tui.screens.help import HelpScreen
from study.tui.screens.stats import StatsScreen

from .conftest import make_workspace, screen_text, settle
from .test_review import Timer, answer, review_app, shown_card, state


def flags(workspace: Workspace) -> dict[str, tuple[bool, bool, bool]]:
    """Per card with a schedule: (suspended, buried, flagged)."""
    with workspace.database.session() as session:
        rows = session.exec(select(CardState)).all()
        return {s.card_id: (s.suspended, s.buried_until is not None, s.flagged) for s in rows}


# ---------------------------------------------------------------- review: undo and unflag


async def test_u_takes_back_a_suspend_then_the_grade_before_it(workspace: Workspace) -> None:
    timer = Timer()
    app = review_app(workspace, timer)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await answer(pilot, timer, "5")  # avn-name
        assert shown_card(app) == "avn-risk#c1"
        await pilot.press("s")
        await settle(pilot)
        assert shown_card(app) == "markup"
        await pilot.press("u")
        await settle(pilot)
        assert shown_card(app) == "avn-risk#c1"
        assert "Undone: the suspension" in screen_text(app)
        assert flags(workspace)["avn-risk#c1"] == (False, False, False)
        await pilot.press("u")
        await settle(pilot)
        assert shown_card(app) == "avn-name"
    kept = state(workspace, "avn-name")
    assert kept is not None and kept.reviews == 0


async def test_f_on_a_flagged_card_unflags_it_and_u_flags_it_again(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"typo", "enter")
        await settle(pilot)
        assert flags(workspace)["avn-name"][2]
        await pilot.press("f")
        await settle(pilot)
        assert "Flag removed" in screen_text(app)
        assert not flags(workspace)["avn-name"][2]
        await pilot.press("u")
        await settle(pilot)
        assert flags(workspace)["avn-name"][2]


async def test_u_takes_back_an_edit_and_the_deck_file_is_as_it_was(
    workspace: Workspace, tmp_path: Path
) -> None:
    spine = tmp_path / "decks" / "spine.toml"
    before = spine.read_text(encoding="utf-8")

    def editor(app: StudyApp, location: CardLocation) -> str | None:
        location.path.write_text(before.replace("Osteonecrosis", "Bone death"), "utf-8")
        return None

    app = review_app(workspace, run_editor=editor)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "Bone death" in spine.read_text(encoding="utf-8")
        await pilot.press("u")
        await settle(pilot)
        assert "the edit" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert "Osteonecrosis" in screen_text(app)
    assert spine.read_text(encoding="utf-8") == before


# ---------------------------------------------------------------- browse


async def open_browse(app: StudyApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(app.screen, BrowseScreen)


async def test_a_word_typed_on_the_browse_table_searches_and_changes_nothing(
    workspace: Workspace,
) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(app, pilot)
        await pilot.press(*"sci")  # one key at a time
        await settle(pilot)
        assert app.screen.query_one(Input).value == "sci"
        await pilot.press(*["backspace"] * 3, "escape")
        await settle(pilot)
        driver = app._driver
        assert driver is not None
        for key in "sciatica":  # one burst, as a fast typist or a paste sends it
            event = events.Key(key, key)
            event.set_sender(app)
            driver.send_message(event)
        await settle(pilot)
        assert app.screen.query_one(Input).value == "sciatica"
        assert "1–1 of 1 cards" in screen_text(app)
    assert flags(workspace) == {}


async def test_browse_unflags_unburies_and_filters_buried_cards(
    workspace: Workspace, clock: FixedClock
) -> None:
    from study.services.session import StudySession

    session = StudySession(workspace.database, workspace.learner_id, workspace.settings, clock)
    session.flag("unclear")  # avn-name
    session.bury()  # avn-name, then avn-risk#c1 is shown
    app = StudyApp(workspace)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_browse(app, pilot)
        assert "BF" in screen_text(app)  # buried, flagged
        app.screen.query_one("#browse-state").value = "buried"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "1–1 of 1 cards" in screen_text(app)
        app.screen.query_one(DataTable).focus()
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert "No cards match." in screen_text(app)
    assert flags(workspace)["avn-name"] == (False, False, False)


async def test_browse_shows_a_preview_of_the_selected_card_at_80_columns(
    workspace: Workspace,
) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(app, pilot)
        await pilot.press("down")
        await settle(pilot)
        text = screen_text(app)
        # The two cloze siblings differ only at their end: the table shows it whole.
        assert "include [drug] and alcohol." in text and "steroids and [...]." in text
        assert "avn-risk#c1 · Orthopaedics::Spine and hip · new" in text
        assert "→ steroids" in text


async def test_question_mark_opens_the_help_on_browse_and_stats(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("b", "s"):
            await settle(pilot)
            if key == "s":
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BrowseScreen if key == "b" else StatsScreen)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()


# ---------------------------------------------------------------- the app


async def test_the_palette_lists_help_once(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Help") == 1


async def test_a_theme_picked_in_the_palette_is_remembered(workspace: Workspace) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "nord"  # what the palette's "Change theme" does
        await pilot.pause()
        await pilot.pause()
    assert load_settings().theme == "nord"
    again = StudyApp(workspace, settings=load_settings())
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_the_title_names_a_profile_other_than_default(
    tmp_path: Path, clock: FixedClock
) -> None:
    make_workspace(tmp_path, clock).close()
    workspace = open_workspace(
        f"sqlite:///{tmp_path / 'study.db'}",
        "alice",
        clock=clock,
        settings=Settings(timezone="UTC"),
        sync_bundled=False,
    )
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "study · profile alice" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "profile alice" in screen_text(app).splitlines()[0]
    workspace.close()


# ---------------------------------------------------------------- what the screens say


async def test_studied_counts_one_card_and_its_drill_as_one_card(workspace: Workspace) -> None:
    timer = Timer()
    app = StudyApp(workspace, start="review", scope=DeckScope(tag="avn"), timer=timer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for grade in ("5", "2", "5"):  # avn-name, avn-risk#c1 (c2 buried), its drill
            await answer(pilot, timer, grade)
        text = screen_text(app)
        assert "Studied  2 cards (3 answers with drills)" in text


async def test_a_deck_of_suspended_cards_says_so_not_import_a_deck(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, Settings(timezone="UTC", leech_threshold=1))
    scope = DeckScope(["cardio"])
    import_deck_files(workspace.database, [tmp_path / "decks" / "cardio.toml"], clock.now())
    timer = Timer()
    app = StudyApp(workspace, start="review", scope=scope, timer=timer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await answer(pilot, timer, "5")
    clock.advance(days=1)
    app = StudyApp(workspace, start="review", scope=scope, timer=timer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await answer(pilot, timer, "0")  # the first lapse: a leech, suspended
        text = screen_text(app)
        assert "nothing is scheduled" in text and "no cards are scheduled" not in text
    app = StudyApp(workspace, start="review", scope=scope, timer=timer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "is suspended: unsuspend them in Browse" in text
        assert "import a deck" not in text
    workspace.close()


async def test_the_daily_limit_is_said_with_what_waits_and_m_studies_more(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, Settings(timezone="UTC", new_per_day=2))
    timer = Timer()
    app = StudyApp(workspace, timer=timer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await answer(pilot, timer, "5")
        await answer(pilot, timer, "5")
        text = screen_text(app)
        assert "Daily limit reached: 4 new cards wait." in text
        assert "m: study more today (2 new cards)" in text
        await pilot.press("m")
        await settle(pilot)
        assert shown_card(app) == "markup"
        await pilot.press("escape")
        await settle(pilot)
        assert "Daily limit reached: 4 new cards wait here. m: study more today." in screen_text(
            app
        )
        await pilot.press("m")
        await settle(pilot)
        assert shown_card(app) == "markup"
    workspace.close()


async def test_the_review_header_counts_equal_the_home_screens_after_a_suspend(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, Settings(timezone="UTC", new_per_day=3))
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "new 3" in screen_text(app).splitlines()[0]
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert "new 3" in screen_text(app).splitlines()[0]
        await pilot.press("escape")
        await settle(pilot)
        assert "To study new 3" in screen_text(app)
    workspace.close()


# ---------------------------------------------------------------- 80x24


LONG_DECK = """[deck]
id = "long"
name = "Long"

[[cards]]
id = "long-answer"
front = "What are the red flags of low back pain?"
back = "{back}"
extra = "{extra}"
note = "Checked against the guideline; the last line of the note is THE END."
"""


async def test_a_long_answer_at_80x24_says_it_goes_on_and_scrolls_to_its_end(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    back = "; ".join(f"red flag number {n} of the spine" for n in range(1, 13))
    extra = " ".join(f"Extra line {n} about the spine." for n in range(1, 9))
    path = tmp_path / "decks" / "long.toml"
    path.write_text(LONG_DECK.format(back=back, extra=extra), encoding="utf-8")
    import_deck_files(workspace.database, [path], clock.now())
    app = review_app(workspace)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        text = screen_text(app)
        assert "▼ more below" in text and "END." not in text
        assert " 5  perfect" in text  # the grades stay, on two lines
        await pilot.press("pagedown", "pagedown", "pagedown")
        await settle(pilot)
        assert "END." in screen_text(app)
        assert "▲ the start is above" in screen_text(app)
    workspace.close()


async def test_a_message_covers_neither_the_card_nor_the_grade_previews(
    workspace: Workspace,
) -> None:
    from textual.widgets._toast import Toast

    app = review_app(workspace)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"typo", "enter")
        await settle(pilot)
        message = app.screen.query_one("#review-message")
        assert "Flagged" in screen_text(app) and message.display
        assert not list(app.screen.query(Toast)), "no toast over the card"
        for part in ("#question", "#answer", "#grades"):
            assert not message.region.overlaps(app.screen.query_one(part).region), part


async def test_the_grade_panel_is_centred_under_the_card_at_120x40(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        grades = app.screen.query_one("#grades").region
        answer_box = app.screen.query_one("#answer").region
        assert (grades.x, grades.width) == (answer_box.x, answer_box.width)


async def test_stats_from_the_home_screen_are_of_the_selected_deck(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine", "cardio"))
    app = StudyApp(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        keys = [str(row.key.value) for row in table.ordered_rows]
        table.move_cursor(row=keys.index("Cardiology"))
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        assert "Statistics · Cardiology" in text and "(decks cardio)" in text
        assert "total       1" in text  # not the 8 cards of every deck
    workspace.close()
