"""The compact review log (schema version 9): what an answer stores beside its row for
undo, and that undo gives back exactly what was there."""

from __future__ import annotations

import json

from sqlmodel import select

from study.clock import FixedClock
from study.config import Settings
from study.library import import_deck_files
from study.scheduling import SCHEDULE_FIELDS
from study.session import StudySession
from study.storage.database import Database
from study.storage.models import CardState, ReviewUndo
from tests.conftest import ZONE, DeckFactory, basic, cloze

SETTINGS = Settings(timezone=ZONE)


def _records(database: Database) -> list[dict[str, object]]:
    with database.session() as session:
        return [json.loads(r.state_before) for r in session.exec(select(ReviewUndo))]


def _schedules(database: Database) -> dict[str, tuple[object, ...]]:
    with database.session() as session:
        return {
            s.card_id: tuple(getattr(s, name) for name in SCHEDULE_FIELDS)
            for s in session.exec(select(CardState))
        }


def test_an_ordinary_answer_keeps_nothing_beside_its_row(
    database: Database, learner_id: int, clock: FixedClock, decks: DeckFactory
) -> None:
    import_deck_files(database, [decks.write("d", notes=[basic("b-1"), basic("b-2")])], clock.now())
    study = StudySession(database, learner_id, SETTINGS, clock)
    study.grade(5, 1000)
    study.grade(4, 1000)
    assert _records(database) == []


def test_a_cloze_answer_that_buries_its_siblings_keeps_only_their_names(
    database: Database, learner_id: int, clock: FixedClock, decks: DeckFactory
) -> None:
    note = cloze("c-1", "{{c1::Aspirin}} inhibits {{c2::COX}} in {{c3::platelets}}.")
    import_deck_files(database, [decks.write("d", notes=[note])], clock.now())
    study = StudySession(database, learner_id, SETTINGS, clock)
    before = _schedules(database)
    shown = study.current()
    assert shown is not None
    study.grade(5, 1000)
    others = sorted({"c-1#c1", "c-1#c2", "c-1#c3"} - {shown.card_id})
    assert _records(database) == [{"buried": others}]  # a few bytes, not three schedules
    buried = _schedules(database)
    assert all(buried[card][SCHEDULE_FIELDS.index("buried_until")] for card in others)
    assert study.undo() == shown.card_id
    # Every card of the note is back as a card never studied: nothing graded, nothing buried.
    new = CardState(learner_id=learner_id, card_id="")
    fresh = tuple(getattr(new, name) for name in SCHEDULE_FIELDS)
    assert before == {}
    assert _schedules(database) == dict.fromkeys(["c-1#c1", "c-1#c2", "c-1#c3"], fresh)
