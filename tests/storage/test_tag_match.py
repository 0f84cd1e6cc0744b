"""One tag rule everywhere: the session, the first screen's reader, browse, ``study
cards``, the statistics (and the class view and log, which share their scope) and the
home screen's tag list agree on which cards a tag holds."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest
import sqlalchemy as sa

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.browse import BrowseFilter, browse
from study.services.library import import_deck_files
from study.services.queue import DeckScope, plan_queue
from study.services.session import StudySession
from study.services.stats import compute_stats
from study.storage.cards import card_rows
from study.storage.database import Database, SqlStore, sqlite_path
from study.storage.stats_scope import card_ids_in
from study.storage.store import SqliteStore
from tests.conftest import ZONE, DeckFactory, basic

SETTINGS = Settings(timezone=ZONE)
NOTES = {
    "cardio": ("cardio",),
    "ecg": ("hip", "Cardio::ECG"),
    "cardiology": ("CARDIOLOGY",),
    "underscore": ("a_b",),
    "lookalike": ("axb",),
    "percent": ("50%",),
    "untagged": (),
}
# A filter, and the notes it holds.
EXPECTED = {
    "Cardio": {"cardio", "ecg"},  # case ignored; a child tag is in its parent
    "CARDIO::ecg": {"ecg"},
    "cardiology": {"cardiology"},
    "a_b": {"underscore"},  # _ is a character, not a wildcard
    "A_B": {"underscore"},
    "axb": {"lookalike"},
    "50%": {"percent"},
    "5%": set(),  # % is a character, not a wildcard
    "%": set(),
    "card": set(),  # a tag is matched whole, not by its start
    "HIP": {"ecg"},
}


@pytest.fixture
def tagged(database: Database, decks: DeckFactory, clock: FixedClock) -> Database:
    notes = [basic(note_id, tags=tags) for note_id, tags in NOTES.items()]
    import_deck_files(database, [decks.write("d", notes=notes)], clock.now())
    return database


def _today(clock: FixedClock) -> date:
    return clock.now().astimezone(SETTINGS.zone).date()


@pytest.mark.parametrize("tag", list(EXPECTED))
def test_every_reader_of_a_tag_finds_the_same_cards(
    tagged: Database, learner_id: int, clock: FixedClock, tag: str
) -> None:
    today = _today(clock)
    expected = EXPECTED[tag]
    scope = DeckScope(None, tag)
    with tagged.session() as session:
        reader = SqlStore(session.connection())
        queued = {p.card_id for p in plan_queue(reader, learner_id, SETTINGS, scope, today).main}
        crammed = plan_queue(reader, learner_id, SETTINGS, scope, today, cram=True).main
        browsed = browse(session, learner_id, today, BrowseFilter(tag=tag)).rows
        listed = card_rows(session, learner_id, today, tag=tag)
        selection = card_ids_in(None, tag)
        assert selection is not None
        in_stats = set(session.execute(selection).scalars())
    assert queued == expected
    assert {p.card_id for p in crammed} == expected
    assert {row.card_id for row in browsed} == expected
    assert {row.card_id for row in listed} == expected
    assert in_stats == expected
    stats = compute_stats(tagged, learner_id, SETTINGS, today, tag=tag)
    assert stats.cards.total == len(expected)
    path = sqlite_path(tagged.url)
    if path is not None:  # the first screen's reader: the same statements on sqlite3
        with closing(sqlite3.connect(path)) as connection:
            first = plan_queue(SqliteStore(connection), learner_id, SETTINGS, scope, today)
        assert {p.card_id for p in first.main} == expected


def test_study_review_tag_cardio_studies_the_notes_tagged_cardio(
    tagged: Database, learner_id: int, clock: FixedClock
) -> None:
    session = StudySession(tagged, learner_id, SETTINGS, clock, scope=DeckScope(None, "Cardio"))
    shown = []
    while (content := session.current()) is not None:
        shown.append(content.card_id)
        session.grade(5)
    assert sorted(shown) == ["cardio", "ecg"]


def test_a_card_shows_its_tags_as_written_in_their_order(
    tagged: Database, learner_id: int, clock: FixedClock
) -> None:
    with tagged.session() as session:
        contents = SqlStore(session.connection()).card_contents(["ecg", "untagged"])
        [listed] = card_rows(session, learner_id, _today(clock), card_ids=["ecg"])
    assert contents["ecg"].tags == listed.content.tags == ("hip", "Cardio::ECG")
    assert contents["untagged"].tags == ()


def test_the_home_screens_tag_list_has_each_tag_once_as_written(
    tagged: Database, decks: DeckFactory, clock: FixedClock
) -> None:
    other = [basic("other", tags=("CARDIO", "Cardio::ecg"))]
    import_deck_files(tagged, [decks.write("e", notes=other)], clock.now())
    with tagged.session() as session:
        listed = dict(SqlStore(session.connection()).tags())
    # Each key once, named by its first spelling in order; a tag counts its own notes.
    assert listed["CARDIO"] == 2 and "cardio" not in listed
    assert listed["Cardio::ECG"] == 2
    assert listed["a_b"] == 1 and listed["axb"] == 1


def test_stats_by_tag_add_up_every_spelling_of_a_tag(
    tagged: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    other = [basic("other", tags=("CARDIO",))]
    import_deck_files(tagged, [decks.write("e", notes=other)], clock.now())
    stats = compute_stats(tagged, learner_id, SETTINGS, _today(clock))
    by_name = {group.name: group.cards.total for group in stats.tags}
    assert by_name["CARDIO"] == 2 and "cardio" not in by_name
    with tagged.session() as session:
        stored = session.execute(sa.text("SELECT tag, tag_key FROM note_tag")).all()
    assert all(key == tag.casefold() for tag, key in stored)
