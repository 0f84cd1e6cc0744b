"""Whole review sessions driven with the keyboard (Textual's Pilot) on a temporary database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.decks.reading import load_deck
from study.services.browse import CardLocation
from study.services.cardgen.merge import merge_with_existing
from study.services.library import import_deck_files
from study.services.queue import DeckScope
from study.services.workspace import Workspace
from study.storage.database import StorageError
from study.storage.models import CardState, Deck, Review
from study.storage.schedules import not_cancelled
from study.tui.app import StudyApp
from study.tui.screens.dialogs import CopyDeckDialog, PassageScreen
from study.tui.screens.review import ReviewScreen

from .conftest import make_workspace, screen_text, settle, write_decks


class Timer:
    """A monotonic clock the test moves: answer times become exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def review_app(workspace: Workspace, timer: Timer | None = None, **kwargs: object) -> StudyApp:
    return StudyApp(workspace, start="review", scope=DeckScope(), timer=timer or Timer(), **kwargs)  # type: ignore[arg-type]


def graded(workspace: Workspace) -> list[tuple[str, int | None, str, int]]:
    """The grades in the log that count: (card, grade, kind, answer ms), in order."""
    with workspace.database.session() as session:
        rows = session.exec(
            select(Review).where(Review.kind != "undo", not_cancelled()).order_by(col(Review.id))
        ).all()
        return [(r.card_id, r.grade, r.kind, r.answer_ms) for r in rows]


def state(workspace: Workspace, card_id: str) -> CardState | None:
    with workspace.database.session() as session:
        return session.get(CardState, (workspace.learner_id, card_id))


def shown_card(app: StudyApp) -> str | None:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen.view.card.card_id if screen.view and screen.view.card else None


async def answer(pilot, timer: Timer, grade: str, seconds: float = 2.5) -> None:  # type: ignore[no-untyped-def]
    timer.now += seconds
    await pilot.press("space")
    await pilot.press(grade)
    await settle(pilot)


async def test_a_whole_session_saves_exactly_the_grades_given(workspace: Workspace) -> None:
    timer = Timer()
    app = review_app(workspace, timer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shown_card(app) == "avn-name"
        await answer(pilot, timer, "5")
        assert shown_card(app) == "avn-risk#c1"
        await answer(pilot, timer, "2")  # below 4: drilled again this session
        assert shown_card(app) == "markup"
        await answer(pilot, timer, "4")
        assert shown_card(app) == "avn-risk#c1", "the drilled card comes back"
        assert "again: drill" in screen_text(app)
        await answer(pilot, timer, "5")
        assert shown_card(app) == "back-pain"
        await pilot.press("u")  # undo the drill answer: the drilled card is shown again
        await settle(pilot)
        assert shown_card(app) == "avn-risk#c1"
        await answer(pilot, timer, "4")
        assert shown_card(app) == "back-pain"
        await pilot.press("b")
        await settle(pilot)
        assert shown_card(app) == "hip-fracture"
        await pilot.press("s")
        await settle(pilot)
        assert shown_card(app) == "sciatica"
        await answer(pilot, timer, "5")
        assert shown_card(app) is None
        text = screen_text(app)
        assert "Session over" in text
        assert "4 cards (5 answers with drills)" in text and "80%" in text  # a drill is no card
        assert "tomorrow (Tue 3 Mar 2026)" in text

    assert graded(workspace) == [
        ("avn-name", 5, "new", 2500),
        ("avn-risk#c1", 2, "new", 2500),
        ("markup", 4, "new", 2500),
        ("avn-risk#c1", 4, "drill", 2500),
        ("sciatica", 5, "new", 2500),
    ]
    back_pain = state(workspace, "back-pain")
    assert back_pain is not None and back_pain.buried_until == workspace.today() + timedelta(1)
    hip = state(workspace, "hip-fracture")
    assert hip is not None and hip.suspended and hip.reviews == 0


async def test_a_second_grade_key_while_saving_is_ignored(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("space", "5", "5", "3")
        await settle(pilot)
        assert [g[:2] for g in graded(workspace)] == [("avn-name", 5)]
        assert shown_card(app) == "avn-risk#c1"
        assert app.screen.phase == "question"  # type: ignore[attr-defined]


async def test_grade_keys_do_nothing_before_the_answer_is_shown(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert graded(workspace) == []
        assert shown_card(app) == "avn-name"


async def test_grades_show_their_meaning_and_the_interval_they_would_give(
    workspace: Workspace,
) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "perfect response" not in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        text = screen_text(app)
        assert "complete blackout" in text and "perfect response" in text
        assert "1d · again today" in text  # grades below 4 come back today
        assert "Osteonecrosis" in text


async def test_card_text_is_shown_literally(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await answer(pilot, Timer(), "5")
        await answer(pilot, Timer(), "5")
        assert shown_card(app) == "markup"
        text = screen_text(app)
        assert "[bold]not bold[/] <b>tag</b> ␛[31mred" in text
        await pilot.press("space")
        await pilot.pause()
        assert "[red]still plain[/red]" in screen_text(app)


async def test_a_cloze_hides_its_deletion_then_reveals_it_in_context(
    workspace: Workspace,
) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await answer(pilot, Timer(), "5")
        text = screen_text(app)
        assert "include [drug] and alcohol." in text
        assert "steroids" not in text
        await pilot.press("space")
        await pilot.pause()
        assert "include steroids and alcohol." in screen_text(app)


async def test_with_nothing_due_the_screen_says_when_the_next_card_is(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, Settings(timezone="UTC", new_per_day=1))
    app = review_app(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        await answer(pilot, Timer(), "5")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # study again: the one new card of today is done
        await settle(pilot)
        text = screen_text(app)
        assert "Nothing due now in All decks." in text
        assert "The next cards are due tomorrow (Tue 3 Mar 2026)." in text
    workspace.close()


async def test_a_card_that_becomes_a_leech_is_announced(tmp_path: Path, clock: FixedClock) -> None:
    settings = Settings(timezone="UTC", leech_threshold=1, new_per_day=1)
    workspace = make_workspace(tmp_path, clock, settings)
    app = review_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await answer(pilot, Timer(), "5")
    clock.advance(days=1)
    app = review_app(workspace)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert shown_card(app) == "avn-name"
        await answer(pilot, Timer(), "1")
        assert "it is now a leech" in screen_text(app)
    leech = state(workspace, "avn-name")
    assert leech is not None and leech.leech and leech.suspended
    workspace.close()


async def test_flagging_saves_the_reason(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"out of date", "enter")
        await settle(pilot)
        assert shown_card(app) == "avn-name", "flagging does not move on"
    flagged = state(workspace, "avn-name")
    assert flagged is not None and flagged.flagged and flagged.flag_reason == "out of date"


async def test_the_source_passage_opens_with_the_sentence(workspace: Workspace) -> None:
    app = review_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, PassageScreen)
        assert app.screen.passage.text[app.screen.passage.start : app.screen.passage.end] == (
            "It is also called osteonecrosis."
        )
        assert "It is also called osteonecrosis." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_editing_a_card_reimports_it_and_keeps_its_progress(
    workspace: Workspace, tmp_path: Path
) -> None:
    opened: list[CardLocation] = []

    def editor(app: StudyApp, location: CardLocation) -> str | None:
        opened.append(location)
        text = location.path.read_text(encoding="utf-8")
        location.path.write_text(text.replace("Osteonecrosis", "Osteonecrosis (AVN)"), "utf-8")
        return None

    app = review_app(workspace, run_editor=editor)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await answer(pilot, Timer(), "3")  # avn-name comes back as a drill
        await answer(pilot, Timer(), "5")
        assert shown_card(app) == "avn-name"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert "Osteonecrosis (AVN)" in screen_text(app)
    spine = (tmp_path / "decks" / "spine.toml").resolve()
    assert opened == [CardLocation(spine, 8)]  # the line of its [[cards]] header
    kept = state(workspace, "avn-name")
    assert kept is not None and (kept.reviews, kept.interval) == (1, 1)


async def test_an_edited_card_is_marked_edited_so_regenerating_keeps_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    def editor(app: StudyApp, location: CardLocation) -> str | None:
        text = location.path.read_text(encoding="utf-8")
        location.path.write_text(text.replace("Osteonecrosis", "Osteonecrosis (AVN)"), "utf-8")
        return None

    app = review_app(workspace, run_editor=editor)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "marked edited" in screen_text(app)
    spine = tmp_path / "decks" / "spine.toml"
    deck = load_deck(spine)
    assert deck.version == 2
    assert [n.id for n in deck.notes if n.edited] == ["avn-name"]
    # Generating again from the material keeps the hand edit.
    regenerated = merge_with_existing(replace(deck, notes=()), deck)
    assert next(n for n in regenerated.notes if n.id == "avn-name").back == "Osteonecrosis (AVN)"


async def test_quitting_the_editor_unchanged_says_nothing_was_changed(
    workspace: Workspace, tmp_path: Path
) -> None:
    spine = tmp_path / "decks" / "spine.toml"
    before = spine.read_bytes()
    app = review_app(workspace, run_editor=lambda app, location: None)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "Nothing was changed" in screen_text(app)
        assert "re-imported" not in screen_text(app)
    assert spine.read_bytes() == before


async def test_without_an_editor_set_e_says_so_instead_of_opening_vi(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = review_app(workspace)  # the real runner: it would suspend the app and run vi
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "no editor is set" in screen_text(app)
        assert shown_card(app) == "avn-name"


def bundled_workspace(tmp_path: Path, clock: FixedClock) -> Workspace:
    """A workspace whose spine deck was imported as a bundled deck (as the app's are)."""
    workspace = make_workspace(tmp_path, clock, decks=())
    import_deck_files(
        workspace.database, write_decks(tmp_path / "decks")[:1], clock.now(), bundled=True
    )
    return workspace


async def test_e_on_a_bundled_deck_offers_a_copy_and_cancelling_changes_nothing(
    tmp_path: Path, clock: FixedClock, study_home: Path
) -> None:
    workspace = bundled_workspace(tmp_path, clock)
    opened: list[CardLocation] = []
    app = review_app(workspace, run_editor=lambda app, location: opened.append(location))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CopyDeckDialog)
        shown = " ".join(screen_text(app).replace("│", " ").split())
        assert "Orthopaedics::Spine and hip ships with study" in shown
        assert "/decks/spine/spine.toml and edit the copy?" in shown
        assert "later versions of the bundled deck are then reported, not applied" in shown
        await pilot.press("n")
        await settle(pilot)
        assert shown_card(app) == "avn-name"
    assert opened == []
    assert not (study_home / "decks").exists()
    with workspace.database.session() as session:
        deck = session.get(Deck, "spine")
        assert deck is not None and deck.bundled
    workspace.close()


async def test_e_on_a_bundled_deck_copies_it_and_edits_the_copy_keeping_progress(
    tmp_path: Path, clock: FixedClock, study_home: Path
) -> None:
    workspace = bundled_workspace(tmp_path, clock)
    opened: list[CardLocation] = []

    def editor(app: StudyApp, location: CardLocation) -> str | None:
        opened.append(location)
        text = location.path.read_text(encoding="utf-8")
        location.path.write_text(text.replace("Osteonecrosis", "Osteonecrosis (AVN)"), "utf-8")
        return None

    app = review_app(workspace, run_editor=editor)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await answer(pilot, Timer(), "3")  # avn-name comes back as a drill
        await answer(pilot, Timer(), "5")
        assert shown_card(app) == "avn-name"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "marked edited" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert "Osteonecrosis (AVN)" in screen_text(app)
    copy = study_home / "decks" / "spine" / "spine.toml"
    assert opened == [CardLocation(copy.resolve(), 8)]
    original = tmp_path / "decks" / "spine.toml"
    assert "(AVN)" not in original.read_text(encoding="utf-8")  # the bundled file untouched
    assert (copy.parent / "material" / "spine.txt").read_bytes() == (
        original.parent / "material" / "spine.txt"
    ).read_bytes()
    deck = load_deck(copy)
    assert deck.version == 2
    assert [n.id for n in deck.notes if n.edited] == ["avn-name"]
    with workspace.database.session() as session:
        row = session.get(Deck, "spine")
        assert row is not None and not row.bundled and row.file_path == str(copy.resolve())
    kept = state(workspace, "avn-name")
    assert kept is not None and (kept.reviews, kept.interval) == (1, 1)
    workspace.close()


async def test_a_session_that_cannot_start_shows_a_message_not_a_traceback(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise StorageError("the database file is damaged; restore a backup")

    monkeypatch.setattr("study.services.session.StudySession", broken)
    app = review_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "This session cannot start." in text
        assert "the database file is damaged; restore a backup" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)


async def test_with_no_decks_review_says_there_is_nothing_to_study(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    app = review_app(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "There are no cards to study here" in screen_text(app)
    workspace.close()


async def test_cram_logs_answers_without_changing_the_schedule(workspace: Workspace) -> None:
    app = StudyApp(workspace, start="review", scope=DeckScope(None, "hip"), cram=True)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "Cram" in screen_text(app)
        await pilot.press("space", "5")
        await settle(pilot)
    assert [g[2] for g in graded(workspace)] == ["cram"]
    assert state(workspace, "avn-name") is None or state(workspace, "avn-name").reviews == 0  # type: ignore[union-attr]


async def test_a_session_starts_with_two_decks(tmp_path: Path, clock: FixedClock) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine", "cardio"))
    app = review_app(workspace)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert shown_card(app) is not None
    workspace.close()


async def test_review_opened_on_a_deck_is_titled_with_its_name(workspace: Workspace) -> None:
    app = StudyApp(workspace, start="review", scope=DeckScope(["spine"]), timer=Timer())
    async with app.run_test() as pilot:
        await settle(pilot)
        assert screen_text(app).splitlines()[0].startswith(" Review Orthopaedics::Spine and hip")


async def test_the_authors_note_shows_under_the_answer_literally(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    deck = tmp_path / "corrected.toml"
    deck.write_text(
        '[deck]\nid = "c"\nname = "Corrected"\n\n[[cards]]\nid = "pmma"\ntype = "basic"\n'
        'front = "Which cement is used?"\nback = "PMMA"\nedited = true\n'
        'note = "The material writes [b]methymethacrylate[/b]."\n',
        encoding="utf-8",
    )
    import_deck_files(workspace.database, [deck], clock.now())
    app = review_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "methymethacrylate" not in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert "Note: The material writes [b]methymethacrylate[/b]." in screen_text(app)
    workspace.close()
