"""The core queries behind the screens: study.services.overview (home) and
study.services.browse (browse)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from study.domain.cards import CardContent
from study.domain.clock import FixedClock
from study.domain.config import DeckLimits, Settings
from study.domain.errors import UserError
from study.services.browse import (
    BrowseFilter,
    CardLocation,
    NoEditorError,
    ReadOnlyDeckError,
    browse,
    card_location,
    change_cards,
    editor_command,
    history,
    source_passage,
)
from study.services.library import import_deck_files
from study.services.overview import Overview, overview, streak
from study.services.session import StudySession
from study.services.workspace import Workspace
from study.storage.models import Material, Review
from study.storage.schedules import card_keys

from .conftest import make_workspace


def deck_file(folder: Path, deck_id: str, name: str, cards: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'[deck]\nid = "{deck_id}"\nname = "{name}"\n']
    for n in range(cards):
        lines.append(
            f'[[cards]]\nid = "{deck_id}-{n}"\ntype = "basic"\nfront = "Q{n}"\nback = "A{n}"\n'
        )
    path = folder / f"{deck_id}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def tree_workspace(tmp_path: Path, clock: FixedClock, settings: Settings) -> Workspace:
    """Parent (3 cards) with children A (5) and B (4), and a lone deck Other (2)."""
    workspace = make_workspace(tmp_path, clock, settings, decks=())
    folder = tmp_path / "tree"
    files = [
        deck_file(folder, "parent", "Parent", 3),
        deck_file(folder, "a", "Parent::A", 5),
        deck_file(folder, "b", "Parent::B", 4),
        deck_file(folder, "other", "Other", 2),
    ]
    import_deck_files(workspace.database, files, clock.now())
    return workspace


def read(workspace: Workspace) -> Overview:
    with workspace.database.store() as store:
        return overview(store, workspace.learner_id, workspace.settings, workspace.today())


def session_new_cards(workspace: Workspace, deck_ids: list[str] | None) -> int:
    from study.services.queue import DeckScope

    study = StudySession(
        workspace.database,
        workspace.learner_id,
        workspace.settings,
        workspace.clock,
        scope=DeckScope(deck_ids),
    )
    return study.counts().new


def test_deck_counts_apply_limits_like_the_session(tmp_path: Path, clock: FixedClock) -> None:
    settings = Settings(
        timezone="UTC",
        new_per_day=4,
        deck_limits={"parent": DeckLimits(new_per_day=6, reviews_per_day=200)},
    )
    workspace = tree_workspace(tmp_path, clock, settings)
    data = read(workspace)
    nodes = {node.path: node for node in data.flat()}
    assert [n.path for n in data.flat()] == ["Other", "Parent", "Parent::A", "Parent::B"]
    assert nodes["Parent::A"].counts.new == 4  # its own limit
    assert nodes["Parent::B"].counts.new == 4
    assert nodes["Parent"].counts.new == 6  # the parent's limit covers its children
    assert nodes["Other"].counts.new == 2
    assert data.all_counts.new == 8
    assert nodes["Parent"].cards == 12
    for path in ("Parent", "Parent::A", "Other"):
        assert nodes[path].counts.new == session_new_cards(workspace, nodes[path].deck_ids)
    assert data.all_counts.new == session_new_cards(workspace, None)


def test_cards_studied_today_use_up_the_limits(tmp_path: Path, clock: FixedClock) -> None:
    workspace = tree_workspace(tmp_path, clock, Settings(timezone="UTC", new_per_day=3))
    from study.services.queue import DeckScope

    study = StudySession(
        workspace.database,
        workspace.learner_id,
        workspace.settings,
        clock,
        scope=DeckScope(["a"]),
    )
    study.grade(5, 1000)
    study.grade(2, 1000)  # comes back as a drill: learning
    nodes = {node.path: node for node in read(workspace).flat()}
    assert nodes["Parent::A"].counts.new == 1
    assert nodes["Parent::A"].counts.learning == 1
    assert nodes["Parent"].counts.new == 1  # the parent's 3 minus the 2 of its child
    done = read(workspace).done
    assert (done.reviews, done.correct, done.time_ms, done.new_seen) == (2, 1, 2000, 2)


def test_due_reviews_are_counted_on_their_day(tmp_path: Path, clock: FixedClock) -> None:
    workspace = tree_workspace(tmp_path, clock, Settings(timezone="UTC", new_per_day=1))
    from study.services.queue import DeckScope

    study = StudySession(
        workspace.database, workspace.learner_id, workspace.settings, clock, DeckScope(["other"])
    )
    study.grade(5, 1000)
    assert {n.path: n.counts.due for n in read(workspace).flat()}["Other"] == 0
    clock.advance(days=1)
    nodes = {n.path: n for n in read(workspace).flat()}
    assert (nodes["Other"].counts.due, nodes["Other"].counts.new) == (1, 1)


def add_reviews(workspace: Workspace, days: list[date], *, undone: set[date] = frozenset()) -> None:  # type: ignore[assignment]
    now = workspace.clock.now()

    def work(session):  # type: ignore[no-untyped-def]
        key = card_keys(session, ["spine-x"])["spine-x"]
        for day in days:
            review = Review(
                learner_id=workspace.learner_id,
                card_key=key,
                reviewed_at=now,
                study_day=day,
                grade=4,
                kind="review",
            )
            session.add(review)
            session.flush()
            if day in undone:
                session.add(
                    Review(
                        learner_id=workspace.learner_id,
                        card_key=key,
                        reviewed_at=now,
                        study_day=day,
                        kind="undo",
                        cancels_id=review.id,
                    )
                )

    workspace.database.write(work)


@pytest.fixture
def log_workspace(tmp_path: Path, clock: FixedClock) -> Workspace:
    workspace = make_workspace(tmp_path, clock, decks=())
    import_deck_files(workspace.database, [deck_file(tmp_path / "d", "spine", "S", 1)], clock.now())
    workspace.database.write(lambda s: s.execute(Review.__table__.delete()))  # type: ignore[attr-defined]
    # a card the hand-made log can point at
    from study.storage.models import Card

    workspace.database.write(
        lambda s: s.add(Card(id="spine-x", note_id="spine-0", deck_id="spine", position=9))
    )
    return workspace


def current_streak(workspace: Workspace) -> int:
    with workspace.database.store() as store:
        return streak(store, workspace.learner_id, workspace.today())


def test_streak_counts_back_from_today(log_workspace: Workspace) -> None:
    today = log_workspace.today()
    add_reviews(log_workspace, [today, today - timedelta(1), today - timedelta(2)])
    add_reviews(log_workspace, [today - timedelta(4)])  # a gap: not part of the streak
    assert current_streak(log_workspace) == 3


def test_streak_is_alive_when_nothing_was_studied_yet_today(log_workspace: Workspace) -> None:
    today = log_workspace.today()
    add_reviews(log_workspace, [today - timedelta(1), today - timedelta(2)])
    assert current_streak(log_workspace) == 2
    add_reviews(log_workspace, [today - timedelta(5)])
    log_workspace.clock.advance(days=2)  # type: ignore[attr-defined]
    assert current_streak(log_workspace) == 0


def test_a_day_whose_only_grade_was_undone_breaks_the_streak(log_workspace: Workspace) -> None:
    today = log_workspace.today()
    yesterday = today - timedelta(1)
    add_reviews(log_workspace, [today, yesterday, today - timedelta(2)], undone={yesterday})
    assert current_streak(log_workspace) == 1
    with log_workspace.database.store() as store:
        assert store.today_work(log_workspace.learner_id, yesterday).reviews == 0


def test_a_long_streak_is_counted_past_the_first_window(log_workspace: Workspace) -> None:
    today = log_workspace.today()
    add_reviews(log_workspace, [today - timedelta(n) for n in range(300)])
    assert current_streak(log_workspace) == 300


def page(workspace: Workspace, **filters: object) -> list[str]:
    with workspace.database.session() as session:
        found = browse(
            session,
            workspace.learner_id,
            workspace.today(),
            BrowseFilter(**filters),  # type: ignore[arg-type]
        )
    return [row.card_id for row in found.rows]


def test_browse_filters_by_text_tag_deck_and_state(tmp_path: Path, clock: FixedClock) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine", "cardio"))
    assert page(workspace, text="NECROSIS") == ["avn-name", "avn-risk#c1", "avn-risk#c2"]
    assert page(workspace, text="100%") == []
    assert page(workspace, text="_") == []  # _ and % are characters, not wildcards
    assert page(workspace, text="[bold]") == ["markup"]
    assert page(workspace, tag="hip") == ["avn-name", "avn-risk#c1", "avn-risk#c2", "hip-fracture"]
    assert page(workspace, deck_ids=("cardio",)) == ["af-rate"]
    assert len(page(workspace, state="new")) == 8
    study = StudySession(workspace.database, workspace.learner_id, workspace.settings, clock)
    assert study.current() is not None and study.current().card_id == "af-rate"  # type: ignore[union-attr]
    study.grade(2, 1000)  # learning (drill today)
    study.grade(5, 1000)  # avn-name: young
    assert page(workspace, state="learning") == ["af-rate"]
    assert page(workspace, state="young") == ["avn-name"]
    assert page(workspace, state="mature") == []
    assert "af-rate" not in page(workspace, state="new")
    workspace.database.write(
        lambda s: change_cards(s, workspace.learner_id, ["markup"], "suspend", clock.now())
    )
    assert page(workspace, state="suspended") == ["markup"]


def test_browse_orders_by_schedule_with_never_graded_cards_last(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=("spine",))
    study = StudySession(workspace.database, workspace.learner_id, workspace.settings, clock)
    first = study.current()
    assert first is not None
    study.grade(5, 1000)  # interval 1, E-Factor 2.6
    second = study.current()
    assert second is not None
    study.grade(3, 1000)  # interval 1, E-Factor 2.36: the harder one
    everything = page(workspace)
    assert page(workspace, sort="ease")[:2] == [second.card_id, first.card_id]
    assert page(workspace, sort="reviews")[:2] == [first.card_id, second.card_id]
    assert sorted(page(workspace, sort="due")[2:]) == sorted(
        c for c in everything if c not in (first.card_id, second.card_id)
    )
    with pytest.raises(UserError, match="unknown order"):
        page(workspace, sort="colour")


def test_browse_pages_in_sql_with_the_total(tmp_path: Path, clock: FixedClock) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    big = deck_file(tmp_path / "d", "big", "Big", 450)
    import_deck_files(workspace.database, [big], clock.now())
    with workspace.database.session() as session:
        first = browse(session, workspace.learner_id, workspace.today(), BrowseFilter(), limit=200)
        last = browse(
            session, workspace.learner_id, workspace.today(), BrowseFilter(), offset=400, limit=200
        )
    assert (first.total, len(first.rows), first.rows[0].card_id) == (450, 200, "big-0")
    assert (last.total, len(last.rows), last.rows[-1].card_id) == (450, 50, "big-449")


def test_history_marks_undone_grades(workspace: Workspace, clock: FixedClock) -> None:
    study = StudySession(workspace.database, workspace.learner_id, workspace.settings, clock)
    study.grade(3, 1500)
    study.undo()
    study.grade(5, 900)
    with workspace.database.session() as session:
        entries = history(session, workspace.learner_id, "avn-name")
    assert [(e.entry.grade, e.cancelled, e.answer_ms) for e in entries] == [
        (3, True, 1500),
        (5, False, 900),
    ]


def card(file: str = "material/spine.txt", sentence: str = "") -> CardContent:
    return CardContent(
        "c", "c", "spine", "basic", 0, "q", "a", source_file=file, source_sentence=sentence
    )


def test_the_passage_is_the_paragraph_with_the_sentence_marked(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        passage = source_passage(session, card(sentence="It is also called osteonecrosis."))
    assert passage is not None
    assert passage.text.startswith("Avascular necrosis of the femoral head")
    assert passage.text.endswith("steroids and alcohol.")
    assert passage.text[passage.start : passage.end] == "It is also called osteonecrosis."


def test_in_one_paragraph_per_line_material_the_passage_is_the_line(workspace: Workspace) -> None:
    lines = [f"Paragraph {n} " + "filler words " * 20 + "ends here." for n in range(20)]
    text = "\n".join(lines)

    def store(session):  # type: ignore[no-untyped-def]
        session.add(Material(deck_id="spine", file="lines.txt", text=text))

    workspace.database.write(store)
    with workspace.database.session() as session:
        passage = source_passage(
            session, card("lines.txt", "Paragraph 7  filler\nwords filler words")
        )  # spacing differs from the material: still found
    assert passage is not None
    assert passage.text == lines[7]
    assert passage.text[passage.start : passage.end] == "Paragraph 7 filler words filler words"


def test_a_card_without_a_source_has_no_passage(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        assert source_passage(session, card(file="")) is None
        missing = source_passage(session, card(sentence="Not in the material at all."))
    assert missing is not None and missing.text == "Not in the material at all."


def test_a_card_is_located_at_its_line_in_its_deck_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    with workspace.database.session() as session:
        location = card_location(session, "avn-risk#c2")
    assert location == CardLocation((tmp_path / "decks" / "spine.toml").resolve(), 16)


def test_bundled_and_vanished_deck_files_cannot_be_edited(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    from .conftest import write_decks

    spine, cardio = write_decks(tmp_path / "decks")
    import_deck_files(workspace.database, [spine], clock.now(), bundled=True)
    import_deck_files(workspace.database, [cardio], clock.now())
    cardio.unlink()
    with workspace.database.session() as session:
        with pytest.raises(ReadOnlyDeckError, match="bundled deck"):
            card_location(session, "avn-name")
        with pytest.raises(ReadOnlyDeckError, match="is gone"):
            card_location(session, "af-rate")


def test_the_editor_opens_at_the_line() -> None:
    where = CardLocation(Path("/d/spine.toml"), 12)
    with pytest.raises(NoEditorError, match="set \\$EDITOR"):
        editor_command(where, {})  # never vi unasked: many cannot get out of it
    assert editor_command(where, {"EDITOR": "nvim -u NONE"}) == [
        "nvim",
        "-u",
        "NONE",
        "+12",
        "/d/spine.toml",
    ]
    assert editor_command(where, {"VISUAL": "code", "EDITOR": "nano"}) == [
        "code",
        "--wait",
        "-g",
        "/d/spine.toml:12",
    ]


def test_a_session_is_named_after_its_decks_and_tag(tmp_path: Path, clock: FixedClock) -> None:
    from study.services.overview import scope_title

    workspace = tree_workspace(tmp_path, clock, Settings(timezone="UTC"))
    with workspace.database.store() as store:
        assert scope_title(store, None, None) == "All decks"
        assert scope_title(store, ["parent", "a", "b"], None) == "Parent"
        assert scope_title(store, ["a"], "hip") == "Parent::A · tag hip"
        assert scope_title(store, ["a", "other"], None) == "2 decks"
        assert scope_title(store, None, "hip") == "tag hip"
