"""Importing deck files: all or nothing, update in place keeping progress, retiring."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.decks import DeckError
from study.services.library import import_deck_files
from study.services.session import StudySession
from study.storage.cards import card_rows
from study.storage.database import Database
from study.storage.decks import resolve_decks
from study.storage.errors import NotFoundError
from study.storage.models import Card, CardState, Note, Review
from tests.conftest import DeckFactory, basic, cloze

TODAY = date(2026, 1, 12)


def dump(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the content tables, for comparing whole databases."""
    tables = ("deck", "material", "note", "note_tag", "card", "card_state", "review")
    with database.engine.connect() as connection:
        return {
            t: sorted(tuple(row) for row in connection.exec_driver_sql(f"SELECT * FROM {t}"))
            for t in tables
        }


def ids(database: Database, learner_id: int) -> list[str]:
    with database.session() as session:
        return [r.content.card_id for r in card_rows(session, learner_id, TODAY)]


def study_all(
    database: Database, learner_id: int, clock: FixedClock, settings: Settings | None = None
) -> int:
    """Grade every card the session offers 5; the number graded."""
    settings = settings or Settings(timezone="UTC")
    session = StudySession(database, learner_id, settings, clock)
    graded = 0
    while session.current() is not None:
        session.grade(5)
        graded += 1
    return graded


def test_import_creates_decks_notes_and_cards(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    path = decks.write(
        "d", notes=[basic("b1"), cloze("c1", "{{c1::A}} and {{c2::B::hint}} and {{c1::C}}")]
    )
    [result] = import_deck_files(database, [path], clock.now())
    assert (result.deck_id, result.added, result.updated, result.retired) == ("d", 2, 0, 0)
    assert ids(database, learner_id) == ["b1", "c1#c1", "c1#c2"]
    with database.session() as session:
        rows = {r.content.card_id: r for r in card_rows(session, learner_id, TODAY)}
    assert rows["c1#c1"].content.question == "[...] and B and [...]"
    assert rows["c1#c2"].content.question == "A and [hint] and C"
    assert rows["c1#c2"].content.answer == "A and B and C"
    assert {r.state for r in rows.values()} == {"new"}


def test_importing_the_same_file_twice_changes_nothing(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    path = decks.write("d", basics=4)
    import_deck_files(database, [path], clock.now())
    before = dump(database)
    clock.advance(days=3)
    [result] = import_deck_files(database, [path], clock.now())
    assert (result.added, result.updated, result.retired, result.unchanged) == (0, 0, 0, 4)
    after = dump(database)
    # Only the deck's "imported at" time may move.
    assert {k: v for k, v in after.items() if k != "deck"} == {
        k: v for k, v in before.items() if k != "deck"
    }


def test_a_bad_file_imports_nothing_even_with_good_files_beside_it(
    database: Database, decks: DeckFactory, clock: FixedClock
) -> None:
    good = decks.write("good", basics=2)
    bad = decks.write_text('[deck]\nid = "bad"\nname = "Bad"\n\n[[cards]]\nid = "x"\n', "bad.toml")
    before = dump(database)
    with pytest.raises(DeckError) as caught:
        import_deck_files(database, [good, bad], clock.now())
    assert caught.value.problems == [
        f"{bad}:5: missing 'front' in card",
        f"{bad}:5: missing 'back' in card",
    ]
    assert dump(database) == before


def test_two_files_with_one_deck_id_are_refused(
    database: Database, decks: DeckFactory, clock: FixedClock
) -> None:
    first = decks.write("same", filename="a.toml")
    second = decks.write("same", filename="b.toml")
    with pytest.raises(DeckError, match="deck id 'same' is also the id of"):
        import_deck_files(database, [first, second], clock.now())


def test_a_card_id_used_by_another_deck_is_refused_and_nothing_changes(
    database: Database, decks: DeckFactory, clock: FixedClock
) -> None:
    import_deck_files(database, [decks.write("one", notes=[basic("shared")])], clock.now())
    before = dump(database)
    path = decks.write("two", notes=[basic("shared")])
    with pytest.raises(DeckError) as refused:
        import_deck_files(database, [path], clock.now())
    [problem] = refused.value.problems
    assert problem.startswith(f"{path}:")
    assert "card id 'shared' is already used by deck 'one'" in problem
    assert dump(database) == before


def test_reimport_after_an_edit_updates_in_place_and_keeps_progress(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    spec = decks.spec("d", basics=3)
    import_deck_files(database, [decks.write_spec(spec)], clock.now())
    assert study_all(database, learner_id, clock) == 3
    with database.session() as session:
        progress = {
            s.card_id: (s.repetitions, s.ease_hundredths, s.interval, s.due_day)
            for s in session.exec(select(CardState))
        }
    edited = replace(spec.notes[1], back="A better answer", tags=("changed",), edited=True)
    spec = replace(spec, notes=(spec.notes[0], edited, spec.notes[2]))
    [result] = import_deck_files(database, [decks.write_spec(spec)], clock.now())
    assert (result.added, result.updated, result.retired, result.unchanged) == (0, 1, 0, 2)
    with database.session() as session:
        rows = {r.content.card_id: r for r in card_rows(session, learner_id, TODAY)}
        after = {
            s.card_id: (s.repetitions, s.ease_hundredths, s.interval, s.due_day)
            for s in session.exec(select(CardState))
        }
        assert session.exec(select(sa.func.count()).select_from(Review)).one() == 3
    assert after == progress
    assert rows["d-2"].content.answer == "A better answer"
    assert rows["d-2"].content.tags == ("changed",)
    assert rows["d-2"].edited


def test_removed_cards_are_retired_with_their_history_not_listed_not_studied(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    spec = decks.spec("d", basics=3)
    import_deck_files(database, [decks.write_spec(spec)], clock.now())
    study_all(database, learner_id, clock)
    shorter = replace(spec, notes=spec.notes[:2])
    [result] = import_deck_files(database, [decks.write_spec(shorter)], clock.now())
    assert result.retired == 1
    assert ids(database, learner_id) == ["d-1", "d-2"]
    with database.session() as session:
        retired = session.get(Card, "d-3")
        assert retired is not None and retired.retired
        assert session.get(CardState, (learner_id, "d-3")) is not None
        assert len(session.exec(select(Review).where(Review.card_id == "d-3")).all()) == 1
    # Weeks later, when everything is due, the retired card is not studied.
    clock.advance(days=60)
    session_ = StudySession(database, learner_id, Settings(timezone="UTC"), clock)
    seen = []
    while (content := session_.current()) is not None:
        seen.append(content.card_id)
        session_.grade(5)
    assert sorted(seen) == ["d-1", "d-2"]
    # Putting the card back brings it back with its progress.
    [result] = import_deck_files(database, [decks.write_spec(spec)], clock.now())
    assert result.updated == 1
    with database.session() as session:
        state = session.get(CardState, (learner_id, "d-3"))
        assert state is not None and state.reviews == 1
    assert ids(database, learner_id) == ["d-1", "d-2", "d-3"]


def test_a_removed_cloze_number_is_retired_and_comes_back_with_its_progress(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    two = decks.spec("d", notes=[cloze("n", "{{c1::A}} {{c2::B}}")])
    import_deck_files(database, [decks.write_spec(two)], clock.now())
    assert (
        study_all(database, learner_id, clock, Settings(timezone="UTC", bury_siblings=False)) == 2
    )
    one = replace(two, notes=(replace(two.notes[0], text="{{c1::A}} B"),))
    import_deck_files(database, [decks.write_spec(one)], clock.now())
    assert ids(database, learner_id) == ["n#c1"]
    with database.session() as session:
        note = session.get(Note, "n")
        assert note is not None and not note.retired
    import_deck_files(database, [decks.write_spec(two)], clock.now())
    assert ids(database, learner_id) == ["n#c1", "n#c2"]
    with database.session() as session:
        state = session.get(CardState, (learner_id, "n#c2"))
        assert state is not None and state.reviews == 1


def test_reordering_cards_changes_the_order_new_cards_come_in(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    spec = decks.spec("d", basics=3)
    import_deck_files(database, [decks.write_spec(spec)], clock.now())
    reordered = replace(spec, notes=tuple(reversed(spec.notes)))
    [result] = import_deck_files(database, [decks.write_spec(reordered)], clock.now())
    assert (result.added, result.updated) == (0, 0)
    assert ids(database, learner_id) == ["d-3", "d-2", "d-1"]


def test_deck_is_found_by_id_or_name_with_its_child_decks(
    database: Database, decks: DeckFactory, clock: FixedClock
) -> None:
    paths = [
        decks.write("ortho", name="Orthopaedics", basics=1),
        decks.write("spine", name="Orthopaedics::Spine", basics=1),
        decks.write("lumbar", name="Orthopaedics::Spine::Lumbar", basics=1),
        decks.write("ortho-notes", name="Orthopaedics notes", basics=1),
    ]
    import_deck_files(database, paths, clock.now())
    with database.session() as session:
        assert resolve_decks(session, "ortho") == ["lumbar", "ortho", "spine"]
        assert resolve_decks(session, "Orthopaedics::Spine") == ["lumbar", "spine"]
        assert resolve_decks(session, "spine") == ["lumbar", "spine"]
        assert resolve_decks(session, "orthopaedics::spine") == ["lumbar", "spine"]
        with pytest.raises(NotFoundError, match="no deck 'Cardiology'"):
            resolve_decks(session, "Cardiology")
