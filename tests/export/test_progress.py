"""--with-progress: Anki, importing with "Import any learning progress", continues the
learner's schedule (interval, ease, due date, repetitions, lapses, suspension) and gets
the review log without cancelled grades."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection
from sqlmodel import col, select

from study.domain.clock import FixedClock, day_start, study_day
from study.domain.config import Settings
from study.domain.decks import DeckSpec
from study.services.anki_export import note_guid
from study.services.session import StudySession
from study.storage.cards import card_rows, set_flags
from study.storage.models import Review
from study.storage.schedules import not_cancelled
from tests.conftest import basic, cloze
from tests.export.anki_helpers import Library, import_package

DECK = DeckSpec(
    id="spine",
    name="Orthopaedics::Spine",
    notes=(
        basic("b1", "Q1", "A1"),
        basic("b2", "Q2", "A2"),
        basic("b3", "Q3", "A3"),
        basic("b4", "Q4 (never studied)", "A4"),
        cloze("c1", "The {{c1::femoral head}} and the {{c2::acetabulum}} form the hip."),
    ),
)


def study(
    library: Library, clock: FixedClock, grades: dict[str, int], *, cram: bool = False
) -> None:
    """Go through today's session: scheduled cards get their grade from ``grades`` (else 4),
    drills are passed with 4."""
    session = StudySession(library.database, library.learner_id, library.settings, clock, cram=cram)
    while (card := session.current()) is not None:
        if card.card_id not in grades and session.current_kind in ("new", "review"):
            session.bury()
            continue
        grade = 4 if session.current_kind == "drill" else grades.get(card.card_id, 4)
        session.grade(grade, answer_ms=2_000)
        clock.advance(seconds=30)


@pytest.fixture
def history(library: Library) -> tuple[Library, FixedClock]:
    """A month of study ending a few days ago (in this machine's time zone, as Anki uses
    it): passes, a lapse with its drill, an undone grade, a cram answer, a suspension."""
    library.settings = Settings()  # this machine's zone: Anki computes "today" in it too
    clock = FixedClock(datetime.now(UTC) - timedelta(days=30))
    library.add(DECK, clock.now())
    study(library, clock, {"b1": 5, "b2": 4, "b3": 3, "c1#c1": 5})
    clock.advance(days=1)
    study(library, clock, {"b1": 5, "b2": 2, "b3": 4, "c1#c1": 4, "c1#c2": 3})
    clock.advance(days=6)
    session = StudySession(library.database, library.learner_id, library.settings, clock)
    while (card := session.current()) is not None:
        if card.card_id == "b4":  # stays new: never studied
            session.bury()
        else:
            session.grade(5, answer_ms=1_500)
    assert session.undo() is not None  # the last grade is cancelled: not in Anki's log
    clock.advance(days=1)
    session = StudySession(library.database, library.learner_id, library.settings, clock, cram=True)
    session.grade(3, answer_ms=4_000)
    for card_id in ("b3", "b4"):  # a reviewed card and a new one
        library.database.write(
            lambda s, c=card_id: set_flags(s, library.learner_id, c, clock.now(), suspended=True)
        )
    return library, clock


def anki_card_ids(anki: Collection) -> dict[str, int]:
    """Our card id of every Anki card, found through the note's GUID and the ordinal."""
    by_guid = {note_guid(n.id): n for n in DECK.notes}
    found = {}
    for card_id in anki.find_cards(""):
        card = anki.get_card(card_id)
        note = by_guid[card.note().guid]
        found[note.id + (f"#c{card.ord + 1}" if note.type == "cloze" else "")] = card_id
    return found


def test_anki_continues_the_schedule_of_every_reviewed_card(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    now = datetime.now(UTC)
    package = library.export(tmp_path / "progress.apkg", now, with_progress=True).path
    import_package(anki, package)

    today = study_day(now, library.settings.zone, library.settings.day_starts_at)
    with library.database.session() as session:
        rows = {r.content.card_id: r for r in card_rows(session, library.learner_id, today)}
    ids = anki_card_ids(anki)
    assert set(ids) == set(rows)
    reviewed = [r for r in rows.values() if r.schedule.reviews]
    assert len(reviewed) == 5
    for row in reviewed:
        card = anki.get_card(ids[row.content.card_id])
        assert row.schedule.due_day is not None
        assert (card.type, card.queue) == (2, -1 if row.schedule.suspended else 2), (
            row.content.card_id
        )
        assert card.ivl == row.schedule.interval, row.content.card_id
        assert card.factor == row.schedule.ease_hundredths * 10, row.content.card_id
        assert card.due - anki.sched.today == (row.schedule.due_day - today).days, (
            row.content.card_id
        )
        assert card.lapses == row.schedule.lapses, row.content.card_id
        # Anki counts every answer (drills and cram too): its Card Info matches the log.
        answers = anki.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card.id)
        assert card.reps == answers > 0, row.content.card_id
    assert rows["b2"].schedule.lapses == 1 and rows["b3"].schedule.suspended
    new = anki.get_card(ids["b4"])
    assert (new.type, new.queue) == (0, -1)  # new, suspended


def test_the_review_log_leaves_out_cancelled_grades_and_maps_kinds_and_buttons(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    result = library.export(tmp_path / "progress.apkg", datetime.now(UTC), with_progress=True)
    import_package(anki, result.path)

    with library.database.session() as session:
        kept = list(
            session.exec(
                select(Review)
                .where(Review.kind != "undo", not_cancelled())
                .order_by(col(Review.reviewed_at), col(Review.id))
            )
        )
        undone = session.exec(select(Review).where(Review.kind == "undo")).all()
    assert len(undone) == 1
    ids = anki_card_ids(anki)
    revlog = anki.db.all(
        "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id"
    )
    assert result.reviews == len(kept) == len(revlog)
    expected = [
        (
            ids[r.card_id],
            {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}[r.grade],
            r.interval_after,
            r.interval_before,
            0 if r.kind == "cram" else r.ease_after * 10,  # Anki's mark of cramming
            r.answer_ms,
            {"new": 0, "review": 1, "drill": 2, "cram": 3}[r.kind],
        )
        for r in kept
    ]
    assert [tuple(row[1:]) for row in revlog] == expected
    assert {kind for *_, kind in expected} == {0, 1, 2, 3}
    assert revlog[0][0] == int(kept[0].reviewed_at.timestamp() * 1000)


def test_progress_travels_only_with_the_first_import_of_a_card(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    import_package(anki, library.export(tmp_path / "one.apkg", datetime.now(UTC)).path)
    later = library.export(tmp_path / "two.apkg", datetime.now(UTC), with_progress=True).path

    import_package(anki, later)

    # Anki keeps the cards it has: the schedule in a later package is not applied.
    assert anki.db.scalar("SELECT count() FROM cards WHERE type != 0") == 0
    assert anki.db.scalar("SELECT count() FROM revlog") == 0


def test_the_package_counts_days_like_the_learner(library: Library, tmp_path: Path) -> None:
    # Scheduler v2 (so Anki does not "upgrade" the log's buttons), a creation offset of 0
    # (so the creation date is fixed) and the learner's day boundary as rollover.
    library.settings = Settings(day_starts_at=6)
    library.add(DECK, datetime.now(UTC) - timedelta(days=1))
    package = library.export(tmp_path / "out.apkg", datetime.now(UTC), with_progress=True).path
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "col.anki2").write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(tmp_path / "col.anki2")
    (raw,) = connection.execute("SELECT conf FROM col").fetchone()
    connection.close()
    conf = json.loads(raw)
    assert (conf["schedVer"], conf["creationOffset"], conf["rollover"]) == (2, 0, 6)


def test_check_database_finds_nothing_to_fix_after_a_progress_import(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    package = library.export(tmp_path / "progress.apkg", datetime.now(UTC), with_progress=True)
    import_package(anki, package.path)
    before = anki.db.all("SELECT id, data, reps FROM cards ORDER BY id")

    problems, ok = anki.fix_integrity()

    assert ok, problems
    assert "last review time" not in problems.lower()
    assert anki.db.all("SELECT id, data, reps FROM cards ORDER BY id") == before
    reviewed = [json.loads(data) for _, data, reps in before if reps]
    assert reviewed and all("lrt" in data for data in reviewed)


def test_a_card_waiting_for_its_drill_today_is_relearning_in_anki_due_now(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    library.settings = Settings()
    library.add(DECK, datetime.now(UTC) - timedelta(days=10))
    clock = FixedClock(datetime.now(UTC) - timedelta(days=10))
    study(library, clock, {"b1": 5, "b2": 5})
    now = datetime.now(UTC)
    today = study_day(now, library.settings.zone, library.settings.day_starts_at)
    # Graded five minutes ago, but never on the study day before (a run just after 4 a.m.).
    began = day_start(today, library.settings.zone, library.settings.day_starts_at)
    clock = FixedClock(max(now - timedelta(minutes=5), began))
    session = StudySession(library.database, library.learner_id, library.settings, clock)
    while (card := session.current()) is not None and session.current_kind != "drill":
        if card.card_id in ("b1", "b3"):  # a lapse of a review card, a new card passed hard
            session.grade(2 if card.card_id == "b1" else 3, answer_ms=1_000)
        else:
            session.bury()

    import_package(anki, library.export(tmp_path / "drill.apkg", now, with_progress=True).path)

    ids = anki_card_ids(anki)
    with library.database.session() as s:
        rows = {r.card_id: r for r in card_rows(s, library.learner_id, today)}
    for card_id in ("b1", "b3"):
        card = anki.get_card(ids[card_id])
        assert (card.type, card.queue) == (3, 1), card_id  # relearning, learning queue
        assert card.due <= int(now.timestamp()), card_id  # due now, not in days
        row = rows[card_id]
        assert (card.ivl, card.factor) == (
            row.schedule.interval,
            row.schedule.ease_hundredths * 10,
        ), card_id
    anki.decks.select(anki.decks.id_for_name("Orthopaedics"))
    queued = {c.card.id for c in anki.sched.get_queued_cards(fetch_limit=20).cards}
    assert {ids["b1"], ids["b3"]} <= queued
    assert anki.get_card(ids["b2"]).type == 2  # passed: a review card
    assert anki.fix_integrity()[1]
