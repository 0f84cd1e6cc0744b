"""study -> Anki -> study: the cards and the schedule come back exactly, and where a card
was reviewed on both sides the later review wins and the logs merge without twins."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer
from sqlmodel import select

from study.domain.clock import FixedClock, study_day
from study.domain.config import Settings
from study.domain.scheduling import SCHEDULE_FIELDS
from study.services.anki_export import note_guid
from study.services.anki_import import AnkiImportResult, import_anki
from study.storage.cards import card_rows
from study.storage.database import Database, open_database
from study.storage.learners import get_or_create_learner
from study.storage.models import Card, CardState, Review
from study.storage.schedules import not_cancelled
from tests.anki_import.conftest import answer
from tests.anki_import.test_import_anki import export_from_anki
from tests.conftest import cloze
from tests.export.anki_helpers import Library, import_package
from tests.export.test_progress import DECK, history

__all__ = ["history"]

# Every column of a schedule but those of the day it was left (burying, a past drill)
# and the flag's reason, which Anki has no place for.
SCHEDULE = tuple(
    name for name in SCHEDULE_FIELDS if name not in ("buried_until", "drill_day", "flag_reason")
)


def schedules(database: Database, learner_id: int) -> dict[tuple[str, str, str], object]:
    """Every card's schedule by (deck, question, answer): card ids differ between databases."""
    today = study_day(datetime.now(UTC), Settings().zone)
    with database.session() as session:
        rows = card_rows(session, learner_id, today)
        states = {
            s.card_id: s
            for s in session.exec(select(CardState).where(CardState.learner_id == learner_id))
        }
    result: dict[tuple[str, str, str], object] = {}
    for row in rows:
        state = states.get(row.card_id)
        values = tuple(getattr(state, name) for name in SCHEDULE) if state else None
        result[(row.deck_name, row.content.question, row.content.answer)] = values
    return result


def kept_log(database: Database, learner_id: int) -> list[tuple[int, str]]:
    with database.session() as session:
        return sorted(
            (int(r.reviewed_at.timestamp()), r.kind)
            for r in session.exec(
                select(Review).where(
                    Review.learner_id == learner_id, Review.kind != "undo", not_cancelled()
                )  # type: ignore[arg-type]
            )
        )


def import_with_progress(library: Library, package: Path) -> AnkiImportResult:
    return import_anki(
        library.database,
        library.learner_id,
        package,
        with_progress=True,
        now=datetime.now(UTC),
        settings=library.settings,
    )


def through_anki(library: Library, anki: Collection, tmp_path: Path) -> Path:
    """Export with progress, import into Anki, export from Anki with Anki's exporter."""
    ours = library.export(tmp_path / "study.apkg", datetime.now(UTC), with_progress=True).path
    import_package(anki, ours)
    return export_from_anki(anki, tmp_path / "from-anki.apkg", "current")


def test_the_round_trip_into_a_new_database_gives_the_same_cards_and_schedule(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    package = through_anki(library, anki, tmp_path)
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    learner = fresh.write(lambda s: get_or_create_learner(s, "default", datetime.now(UTC)))
    assert learner.id is not None

    result = import_anki(
        fresh,
        learner.id,
        package,
        with_progress=True,
        now=datetime.now(UTC),
        settings=library.settings,
    )

    before = {
        k: v
        for k, v in schedules(library.database, library.learner_id).items()
        if k[0] == "Orthopaedics::Spine"
    }
    after = {k: v for k, v in schedules(fresh, learner.id).items() if k[0] == "Orthopaedics::Spine"}
    assert after == before
    assert [t for t in kept_log(fresh, learner.id)] == [
        t for t in kept_log(library.database, library.learner_id)
    ]
    assert result.skipped == []
    fresh.close()


def test_the_round_trip_into_the_same_database_changes_nothing(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    package = through_anki(library, anki, tmp_path)
    before = schedules(library.database, library.learner_id)
    log = kept_log(library.database, library.learner_id)

    result = import_with_progress(library, package)

    assert (result.added, result.updated, result.kept) == (0, 0, 5)
    assert result.reviews_added == 0 and result.reviews_known == len(log)
    assert schedules(library.database, library.learner_id) == before
    assert kept_log(library.database, library.learner_id) == log


def test_a_card_reviewed_later_in_anki_takes_its_schedule_and_the_logs_merge(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, _ = history
    ours = library.export(tmp_path / "study.apkg", datetime.now(UTC), with_progress=True).path
    import_package(anki, ours)
    b1 = anki.db.scalar(
        "SELECT cards.id FROM cards JOIN notes ON notes.id = cards.nid WHERE guid = ?",
        note_guid("b1"),
    )
    anki.sched.set_due_date([b1], "0")  # type: ignore[list-item]
    answer(anki, b1, CardAnswer.HARD)  # later than anything in study
    card = anki.get_card(b1)
    package = export_from_anki(anki, tmp_path / "from-anki.apkg", "current")
    log = kept_log(library.database, library.learner_id)

    result = import_with_progress(library, package)

    assert result.schedules_taken == 1 and result.reviews_added == 1
    hard_at = anki.db.scalar("SELECT max(id) FROM revlog WHERE cid = ?", b1) // 1000
    assert kept_log(library.database, library.learner_id) == sorted([*log, (hard_at, "review")])
    with library.database.session() as session:
        state = session.get(CardState, (library.learner_id, "b1"))
        assert state is not None
        assert (state.interval, state.ease_hundredths * 10) == (card.ivl, card.factor)
        [hard] = [
            r
            for r in session.exec(select(Review).where(Review.card_id == "b1"))
            if int(r.reviewed_at.timestamp()) == hard_at  # the answer given in Anki
        ]
        assert (hard.grade, hard.kind) == (3, "review")


def test_progress_of_a_card_removed_here_since_the_export_is_left_out(
    history: tuple[Library, FixedClock], anki: Collection, tmp_path: Path
) -> None:
    library, clock = history
    package = through_anki(library, anki, tmp_path)
    notes = tuple(
        cloze("c1", "The {{c1::femoral head}} forms the hip.") if n.id == "c1" else n
        for n in DECK.notes
    )  # c1#c2 is gone here
    library.add(replace(DECK, notes=notes), clock.now())

    result = import_with_progress(library, package)

    assert result.kept == 5 and result.cards == 5  # c1#c2 not among them
    with library.database.session() as session:
        assert session.get(Card, "c1#c2").retired  # type: ignore[union-attr]
