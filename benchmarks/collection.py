"""A synthetic collection built through the app's own storage code.

Deck files are written with ``study.domain.decks.writing.dump_deck`` and imported with
``study.services.library.import_deck_files`` (the path a learner's ``study import`` takes); the
learner comes from ``storage.learners.get_or_create_learner``. Three years of review history
(made card by card, then put in time order as the app appends it) is then bulk-loaded
with SQLAlchemy core inserts on the app's own tables
(``CardState.__table__``, ``Review.__table__``), so every row goes through the app's
column types (UTC datetimes, dates, the log's day numbers and milliseconds) exactly as
the ORM would write it.

Every card's question contains the word ``QCARD`` so a process watching the terminal
knows a card is on screen (see ``benchmarks.probes``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from study.domain.clock import study_day
from study.domain.config import Settings, save_settings
from study.domain.decks import DeckSpec, NoteSpec
from study.domain.decks.writing import dump_deck
from study.services.library import import_deck_files
from study.storage.database import Database, open_database
from study.storage.learners import get_or_create_learner
from study.storage.models import CardState, Review

CARD_MARK = "QCARD"
DECK_MARK = "Pharmacology"  # a deck of DECK_LAYOUT: on screen once the deck list is
MAX_INTERVAL = 3650  # days; long histories would otherwise grow past the calendar
PROFILE = "default"
BENCH_SETTINGS = Settings(timezone="UTC", daily_backup=False)

# (deck id, deck name, note type, share of all cards, cloze deletions per note)
DECK_LAYOUT: tuple[tuple[str, str, str, float, int], ...] = (
    ("medicine", "Medicine", "basic", 0.10, 0),
    ("cardiology", "Medicine::Cardiology", "basic", 0.15, 0),
    ("arrhythmia", "Medicine::Cardiology::Arrhythmia", "basic", 0.10, 0),
    ("surgery", "Surgery", "basic", 0.25, 0),
    ("pharmacology", "Pharmacology", "cloze", 0.25, 2),
    ("anatomy", "Anatomy", "cloze", 0.15, 1),
)
_SYLLABLE_TEXT = (
    "ka ro mi te su lan vor pel dri no ca the ul ost myo car neph hep gas tro "
    "pan cre lym pha gen ox ast ren cor mal sin dex lev"
)
_SYLLABLES = tuple(_SYLLABLE_TEXT.split())
_GRADE_WEIGHTS = ((5, 40), (4, 35), (3, 15), (2, 7), (1, 3))


@dataclass(frozen=True)
class Sizes:
    """How big each part of the benchmark is at a given scale (1.0 = the issue's sizes)."""

    scale: float

    def _n(self, full: int, minimum: int) -> int:
        return max(minimum, round(full * self.scale))

    @property
    def cards(self) -> int:
        return self._n(100_000, 300)

    @property
    def reviews(self) -> int:
        return self._n(1_000_000, 3_000)

    @property
    def import_cards(self) -> int:
        return self._n(10_000, 100)

    @property
    def material_bytes(self) -> int:
        return self._n(300_000, 5_000)

    @property
    def grades(self) -> int:
        return self._n(300, 40)

    # The class figure (benchmarks.class_sql): its own collection.
    @property
    def class_learners(self) -> int:
        return self._n(200, 4)

    @property
    def class_cards(self) -> int:
        return self._n(10_000, 100)

    @property
    def class_reviews(self) -> int:
        return self._n(1_000_000, 2_000)


@dataclass(frozen=True)
class Collection:
    """A built collection: where it is and what it holds."""

    home: Path  # STUDY_HOME for subprocesses: settings.toml lives here
    db_path: Path
    deck_dir: Path
    learner_id: int
    today: date
    cards: int
    notes: int
    reviews: int
    states: int
    build_seconds: float

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def open(self) -> Database:
        """The collection's database, opened the way the app opens it."""
        return open_database(self.url, synchronous=BENCH_SETTINGS.synchronous)


def word(rng: random.Random, parts: int = 3) -> str:
    """A made-up medical-sounding word."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts))


def deck_spec(deck_id: str, name: str, note_type: str, notes: int, deletions: int) -> DeckSpec:
    """A deck of ``notes`` synthetic notes; deterministic for a given id."""
    rng = random.Random(deck_id)
    specs = []
    for n in range(notes):
        condition, finding, drug = word(rng), word(rng, 2), word(rng)
        tags = (f"topic-{n % 37}", deck_id)
        note_id = f"{deck_id}-{n}"
        if note_type == "cloze":
            parts = [f"{{{{c1::{drug}}}}} treats {condition}"]
            if deletions >= 2:
                parts.append(f"by blocking {{{{c2::{finding}ase}}}}")
            text = f"{CARD_MARK} {n}: " + " ".join(parts) + f" in {word(rng, 2)} patients."
            specs.append(NoteSpec(id=note_id, type="cloze", text=text, tags=tags))
        else:
            specs.append(
                NoteSpec(
                    id=note_id,
                    type="basic",
                    front=f"{CARD_MARK} {n}: which sign is typical of {condition}?",
                    back=f"The {finding} sign, seen in {rng.randint(5, 95)}% of cases",
                    extra=f"Described by {word(rng, 2).capitalize()} in {rng.randint(1890, 2020)}",
                    tags=tags,
                )
            )
    return DeckSpec(
        id=deck_id, name=name, version=1, description=f"Synthetic {name}", notes=tuple(specs)
    )


def write_decks(deck_dir: Path, cards: int) -> tuple[list[Path], int]:
    """Write the collection's deck files; the paths and the number of notes."""
    deck_dir.mkdir(parents=True, exist_ok=True)
    paths, notes = [], 0
    for deck_id, name, note_type, share, deletions in DECK_LAYOUT:
        deck_cards = max(1, round(cards * share))
        deck_notes = deck_cards // max(1, deletions) if note_type == "cloze" else deck_cards
        path = deck_dir / f"{deck_id}.toml"
        path.write_text(
            dump_deck(deck_spec(deck_id, name, note_type, deck_notes, deletions)), encoding="utf-8"
        )
        paths.append(path)
        notes += deck_notes
    return paths, notes


def build(root: Path, sizes: Sizes, now: datetime | None = None) -> Collection:
    """Build the whole collection under ``root``: deck files, database, review history."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    save_settings(BENCH_SETTINGS, home / "settings.toml")
    db_path = home / "study.db"
    database = open_database(f"sqlite:///{db_path}", synchronous=BENCH_SETTINGS.synchronous)
    try:
        paths, notes = write_decks(root / "decks", sizes.cards)
        import_deck_files(database, paths, now)
        learner = database.write(lambda session: get_or_create_learner(session, PROFILE, now))
        assert learner.id is not None
        today = study_day(now, BENCH_SETTINGS.zone, BENCH_SETTINGS.day_starts_at)
        with database.engine.connect() as connection:
            card_ids = [
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT id FROM card WHERE retired = 0 ORDER BY deck_id, position"
                )
            ]
        states, reviews = _load_history(database, learner.id, card_ids, sizes.reviews, today)
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        database.close()
    return Collection(
        home=home,
        db_path=db_path,
        deck_dir=root / "decks",
        learner_id=learner.id,
        today=today,
        cards=len(card_ids),
        notes=notes,
        reviews=reviews,
        states=states,
        build_seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- the review history


def _grade(rng: random.Random) -> int:
    pick = rng.randrange(100)
    for grade, weight in _GRADE_WEIGHTS:
        if pick < weight:
            return grade
        pick -= weight
    return 5


def _card_history(
    rng: random.Random, learner_id: int, card_id: str, count: int, today: date, next_id: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``count`` log rows for one card (SM-2 with the gaps squeezed into three years)."""
    start = today - timedelta(days=rng.randint(30, 3 * 365))
    state: dict[str, Any] = {
        "repetitions": 0,
        "ease_hundredths": 250,
        "interval": 0,
        "due_day": None,
        "last_review_day": None,
        "reviews": 0,
        "lapses": 0,
    }
    rows: list[dict[str, Any]] = []
    day = start
    while len(rows) < count:
        grade = _grade(rng)
        before = dict(state)
        q = 5 - grade
        ease = max(130, state["ease_hundredths"] + 10 - q * (8 + q * 2))
        if grade >= 3:
            reps = state["repetitions"] + 1
            interval = 1 if reps == 1 else 6 if reps == 2 else round(state["interval"] * ease / 100)
            interval = min(interval, MAX_INTERVAL)
        else:
            reps, interval = 0, 1
            if state["repetitions"] >= 1:
                state["lapses"] += 1
        state.update(
            repetitions=reps,
            ease_hundredths=ease,
            interval=interval,
            due_day=day + timedelta(days=interval),
            last_review_day=day,
            reviews=state["reviews"] + 1,
        )
        at = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(12 * 3600)
        )
        rows.append(
            {
                "id": next_id + len(rows),
                "learner_id": learner_id,
                "card_id": card_id,
                "reviewed_at": at,
                "study_day": day,
                "grade": grade,
                "kind": "new" if before["reviews"] == 0 else "review",
                "cancels_id": None,
                "answer_ms": rng.randint(1500, 25_000),
                "repetitions_before": before["repetitions"],
                "ease_before": before["ease_hundredths"],
                "interval_before": before["interval"],
                "due_before": before["due_day"],
                "repetitions_after": reps,
                "ease_after": ease,
                "interval_after": interval,
                "due_after": state["due_day"],
            }
        )
        if grade < 4 and len(rows) < count:  # drilled again the same day: log only
            drill = dict(rows[-1], id=next_id + len(rows), kind="drill", grade=4)
            drill["reviewed_at"] = at + timedelta(minutes=5)
            rows.append(drill)
            if rng.random() < 0.05 and len(rows) < count:  # an undone drill
                undo = dict(drill, id=next_id + len(rows), kind="undo", grade=None)
                undo["cancels_id"] = drill["id"]
                rows.append(undo)
        remaining = max(1, count - len(rows))
        window = max(1, (today - timedelta(days=1) - day).days)
        day += timedelta(days=max(1, min(interval, window // remaining)))
        day = min(day, today - timedelta(days=1))
    return rows, state


def keyed(rows: list[dict[str, Any]], keys: dict[str, int]) -> list[dict[str, Any]]:
    """Log rows as the review table takes them: the card by its key (``card.key``)."""
    for row in rows:
        row["card_key"] = keys[row.pop("card_id")]
    return rows


def _histories(
    learner_id: int, card_ids: list[str], total: int, today: date
) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any] | None]]:
    rng = random.Random(20_260_101)
    order = list(card_ids)
    rng.shuffle(order)
    studied = max(1, int(len(order) * 0.8))
    mean = max(1, total // studied)
    written = 0
    while written < total:
        for card_id in order[:studied]:
            count = min(total - written, rng.randint(1, 2 * mean - 1) if mean > 1 else 1)
            if count <= 0:
                return
            rows, state = _card_history(rng, learner_id, card_id, count, today, written + 1)
            written += len(rows)
            state["card_id"] = card_id
            yield rows, state
        # Every studied card had its share and reviews are left: study them again later.


def _final_state(
    rng: random.Random, learner_id: int, state: dict[str, Any], today: date
) -> dict[str, Any]:
    """The card's schedule after its last review; about 5 % of cards are due today.

    A card made due keeps its schedule whole: its last review moves with its due date
    (due = last review + interval, as every answer leaves it), or grading it would
    look like an unusual stored schedule and keep a full undo record no real card
    needs (study.domain.review_undo).
    """
    due, last_review = state["due_day"], state["last_review_day"]
    if rng.random() < 0.05:
        due = today - timedelta(days=rng.randint(0, 20))
        last_review = due - timedelta(days=state["interval"])
    elif due <= today:
        due = today + timedelta(days=rng.randint(1, max(1, state["interval"])))
    return {
        "learner_id": learner_id,
        "card_id": state["card_id"],
        "repetitions": state["repetitions"],
        "ease_hundredths": state["ease_hundredths"],
        "interval": state["interval"],
        "due_day": due,
        "last_review_day": last_review,
        "reviews": state["reviews"],
        "lapses": state["lapses"],
        "suspended": rng.random() < 0.01,
        "leech": state["lapses"] >= 8,
        "buried_until": None,
        "drill_day": None,
        "flagged": rng.random() < 0.002,
        "flag_reason": "",
        "updated_at": datetime(due.year, due.month, due.day, tzinfo=UTC) - timedelta(days=1),
    }


# The log renumbered in time order, as the app appends it (the history is made card by
# card): each review's id is its place in time, an undo record points at the new id.
_TIME_ORDER = (
    "CREATE TEMP TABLE renumbered AS SELECT id AS old, "
    "row_number() OVER (ORDER BY reviewed_at, id) AS new FROM review",
    "CREATE INDEX temp.renumbered_old ON renumbered (old)",
    "CREATE TEMP TABLE old_review AS SELECT * FROM review",
    "DELETE FROM review",
    "INSERT INTO review SELECT n.new, r.learner_id, r.card_key, r.reviewed_at, r.study_day, "
    "r.kind, r.grade, r.answer_ms, (SELECT c.new FROM renumbered AS c WHERE c.old = r.cancels_id), "
    "r.repetitions_before, r.ease_before, r.interval_before, r.due_before, "
    "r.repetitions_after, r.ease_after, r.interval_after, r.due_after "
    "FROM old_review AS r JOIN renumbered AS n ON n.old = r.id ORDER BY n.new",
    "DROP TABLE temp.old_review",
    "DROP TABLE temp.renumbered",
)


def _in_time_order(connection: Any) -> None:
    for statement in _TIME_ORDER:
        connection.exec_driver_sql(statement)


def _load_history(
    database: Database, learner_id: int, card_ids: list[str], total: int, today: date
) -> tuple[int, int]:
    """Bulk-insert the review log and the final schedules; (states, reviews) written."""
    rng = random.Random(7)
    states: dict[str, dict[str, Any]] = {}
    batch: list[dict[str, Any]] = []
    written = 0
    review_insert = Review.__table__.insert()  # type: ignore[attr-defined]
    with database.engine.begin() as connection:
        keys = dict(connection.exec_driver_sql("SELECT id, key FROM card").all())
        for rows, state in _histories(learner_id, card_ids, total, today):
            batch += keyed(rows, keys)
            written += len(rows)
            if state is not None:
                states[state["card_id"]] = state  # a second pass replaces the first
            if len(batch) >= 20_000:
                connection.execute(review_insert, batch)
                batch = []
        if batch:
            connection.execute(review_insert, batch)
        _in_time_order(connection)
        final = [_final_state(rng, learner_id, s, today) for s in states.values()]
        for start in range(0, len(final), 20_000):
            connection.execute(
                CardState.__table__.insert(),  # type: ignore[attr-defined]
                final[start : start + 20_000],
            )
    return len(final), written
