"""The class figure: ``study class`` against the same figures by hand-written SQL.

A class of its own, built beside the main collection: 200 learners studying one
collection of 10,000 cards, 1,000,000 reviews in all (each learner's history made as the
main collection's is), at ``--scale``. It is measured on SQLite always, and on
PostgreSQL when the machine has a server (a throwaway one, started as the tests start
theirs, in a temporary folder). The baseline (:func:`class_by_hand`) runs one
hand-written query per figure on the driver's own connection (sqlite3 or psycopg), worded
for the plans the app's queries get (grouped by an expression where SQLite would
otherwise read the log or the schedules through an index for its order), and folds the
rows in plain Python; a few totals are checked against the app's so the two
did the same work.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.collection import (
    BENCH_SETTINGS,
    Sizes,
    _final_state,
    _histories,
    keyed,
    write_decks,
)
from benchmarks.figures import Check, Figure

WINDOW_DAYS = 30
EPOCH_DAY = date(1970, 1, 1)  # the review log stores days since it
REVIEWS_PER_CARD = 5  # each learner studies about this many reviews' worth of cards


class NotComparable(RuntimeError):
    """The app's class view and the hand-written SQL disagree."""


@dataclass(frozen=True)
class ClassCollection:
    url: str
    tutor_id: int
    today: date
    learners: int
    cards: int
    reviews: int
    build_seconds: float


def build_class(url: str, root: Path, sizes: Sizes) -> ClassCollection:
    """Deck files imported the app's way, then every learner's history bulk-loaded with
    core inserts on the app's tables (their column types applied)."""
    import sqlalchemy as sa

    from study.domain.clock import study_day
    from study.services.library import import_deck_files
    from study.storage.database import open_database
    from study.storage.models import CardState, Learner, Review

    started = time.perf_counter()
    now = datetime.now(UTC)
    today = study_day(now, BENCH_SETTINGS.zone, BENCH_SETTINGS.day_starts_at)
    database = open_database(url)
    try:
        paths, _ = write_decks(root / "class-decks", sizes.class_cards)
        import_deck_files(database, paths, now)
        with database.engine.begin() as connection:
            card_ids = [
                row[0]
                for row in connection.exec_driver_sql("SELECT id FROM card ORDER BY deck_id, id")
            ]
            people = [{"name": "tutor", "created_at": now, "tutor": True}] + [
                {"name": f"learner-{n:03d}", "created_at": now, "tutor": False}
                for n in range(sizes.class_learners)
            ]
            connection.execute(sa.insert(Learner.__table__), people)  # type: ignore[attr-defined]
            ids = dict(connection.exec_driver_sql("SELECT name, id FROM learner").all())
            keys = dict(connection.exec_driver_sql("SELECT id, key FROM card").all())
        written = 0
        per_learner = sizes.class_reviews // sizes.class_learners
        rng = random.Random(2026)
        with database.engine.begin() as connection:
            for n in range(sizes.class_learners):
                learner_id = ids[f"learner-{n:03d}"]
                subset = rng.sample(card_ids, min(len(card_ids), per_learner // REVIEWS_PER_CARD))
                rows, states = _learner_rows(learner_id, subset, per_learner, today, written)
                rows = keyed(rows, keys)
                written += len(rows)
                for start in range(0, len(rows), 20_000):
                    connection.execute(
                        sa.insert(Review.__table__),  # type: ignore[attr-defined]
                        rows[start : start + 20_000],
                    )
                if states:
                    connection.execute(sa.insert(CardState.__table__), states)  # type: ignore[attr-defined]
        with database.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
            else:
                connection.exec_driver_sql("ANALYZE")
    finally:
        database.close()
    return ClassCollection(
        url,
        ids["tutor"],
        today,
        sizes.class_learners,
        len(card_ids),
        written,
        time.perf_counter() - started,
    )


def _learner_rows(
    learner_id: int, cards: list[str], total: int, today: date, first_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One learner's log (ids after ``first_id``) and final schedules."""
    rng = random.Random(learner_id)
    rows: list[dict[str, Any]] = []
    states: dict[str, dict[str, Any]] = {}
    for history, state in _histories(learner_id, cards, total, today):
        for row in history:
            row["id"] += first_id
            if row["cancels_id"] is not None:
                row["cancels_id"] += first_id
        rows += history
        if state is not None:
            states[state["card_id"]] = state
    return rows, [_final_state(rng, learner_id, s, today) for s in states.values()]


# ---------------------------------------------------------------- the hand-written SQL

_CARDS_IN_SCOPE = "SELECT id FROM card WHERE retired"
QUERIES = {
    "names": "SELECT id, name FROM learner",
    # The review log's stored forms: kinds 1 (review) and 4 (undo), day numbers (:day_*).
    "per_day": """SELECT learner_id, study_day, count(*),
        sum(CASE WHEN kind = 1 AND repetitions_before > 0 THEN 1 ELSE 0 END),
        sum(CASE WHEN kind = 1 AND repetitions_before > 0 AND grade >= 3
            THEN 1 ELSE 0 END)
        FROM review WHERE kind <> 4 AND study_day <= :day_today
        GROUP BY learner_id, study_day""",
    "cancelled": """SELECT r.learner_id, r.study_day, count(*),
        sum(CASE WHEN r.kind = 1 AND r.repetitions_before > 0 THEN 1 ELSE 0 END),
        sum(CASE WHEN r.kind = 1 AND r.repetitions_before > 0 AND r.grade >= 3
            THEN 1 ELSE 0 END)
        FROM review u JOIN review r ON r.id = u.cancels_id
        WHERE u.kind = 4 AND r.study_day <= :day_today GROUP BY r.learner_id, r.study_day""",
    "states": f"""SELECT learner_id + 0 AS learner, CASE WHEN reviews = 0 THEN 'new'
            WHEN repetitions = 0 OR drill_day = :today THEN 'learning'
            WHEN interval >= 21 THEN 'mature' ELSE 'young' END AS state,
        count(*),
        sum(CASE WHEN suspended THEN 1 ELSE 0 END), sum(CASE WHEN leech THEN 1 ELSE 0 END),
        sum(CASE WHEN reviews > 0 AND NOT suspended AND due_day = :today THEN 1 ELSE 0 END),
        sum(CASE WHEN reviews > 0 AND NOT suspended AND due_day < :today THEN 1 ELSE 0 END)
        FROM card_state WHERE card_id NOT IN ({_CARDS_IN_SCOPE})
        GROUP BY learner, state""",
    "cards": "SELECT count(*) FROM card WHERE NOT retired",
    "window": """SELECT c.id, w.n, w.passed FROM (SELECT r.card_key + 0 AS card, count(*) AS n,
        sum(CASE WHEN r.grade >= 3 THEN 1 ELSE 0 END) AS passed FROM review r
        WHERE r.kind = 1 AND r.repetitions_before > 0
        AND r.study_day >= :day_since AND r.study_day <= :day_today
        AND NOT EXISTS (SELECT 1 FROM review u WHERE u.cancels_id = r.id)
        GROUP BY card) w JOIN card c ON c.key = w.card""",
    "lapses": """SELECT card_id, sum(lapses), count(*) FROM card_state WHERE reviews > 0
        GROUP BY card_id""",
    "tags": """SELECT c.id, t.tag FROM card c JOIN note_tag t ON t.note_id = c.note_id
        WHERE NOT c.retired""",
}
_TEXT = """SELECT c.id, n.type, n.front, n.text FROM card c JOIN note n ON n.id = c.note_id
    WHERE c.id IN ({ids})"""


@contextmanager
def _driver(url: str) -> Iterator[tuple[Any, Callable[[str], str], Callable[[date], Any]]]:
    """The driver's own connection, how a query names its parameters, and how a date
    is passed."""
    if url.startswith("sqlite"):
        from benchmarks.baselines import connect

        sqlite = connect(Path(url.removeprefix("sqlite:///")))
        try:
            yield sqlite, lambda sql: sql, date.isoformat
        finally:
            sqlite.close()
        return
    import psycopg
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database
    ) as server:
        yield server, lambda sql: re.sub(r":(\w+)", r"%(\1)s", sql), lambda day: day


def class_by_hand(collection: ClassCollection) -> dict[str, Any]:
    """Every figure of the class view by hand-written SQL; a few totals returned."""
    today = collection.today
    since = today - timedelta(days=WINDOW_DAYS - 1)
    with _driver(collection.url) as (connection, placeholders, as_date):
        params = {
            "today": as_date(today),
            "since": as_date(since),
            "day_today": (today - EPOCH_DAY).days,
            "day_since": (since - EPOCH_DAY).days,
        }
        rows = {
            name: connection.execute(placeholders(sql), params).fetchall()
            for name, sql in QUERIES.items()
        }
        days: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        for sign, name in ((1, "per_day"), (-1, "cancelled")):
            for learner, day, n, retained, passed in rows[name]:
                figures = days[learner][(EPOCH_DAY + timedelta(days=day)).isoformat()]
                figures[0] += sign * n
                figures[1] += sign * retained
                figures[2] += sign * passed
        window_reviews = study_days = streak_sum = 0
        for learner in days:
            studied = sorted(date.fromisoformat(d) for d, f in days[learner].items() if f[0] > 0)
            for day in studied:
                if day >= since:
                    window_reviews += days[learner][day.isoformat()][0]
                    study_days += 1
            run = 0
            expected = today if studied and studied[-1] == today else today - timedelta(days=1)
            for day in reversed(studied):
                if day != expected:
                    break
                run, expected = run + 1, expected - timedelta(days=1)
            streak_sum += run
        graded = sum(row[2] for row in rows["states"] if row[1] != "new")
        per_card: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # retained, passed, lapses
        for card_id, retained, passed in rows["window"]:
            per_card[card_id][:2] = [retained, passed]
        for card_id, lapses, _learners in rows["lapses"]:
            per_card[card_id][2] = lapses
        hardest = sorted(
            (
                (_difficulty(f[0], f[1], f[2]), card_id)
                for card_id, f in per_card.items()
                if f[2] > 0 or (f[0] >= 3 and f[1] < f[0])
            )
        )[:10]
        tags: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for card_id, tag in rows["tags"]:
            f = per_card.get(card_id)
            if f is not None:
                total = tags[tag]
                total[0], total[1], total[2] = total[0] + f[0], total[1] + f[1], total[2] + f[2]
        weakest = sorted((_difficulty(*f), tag) for tag, f in tags.items() if f[0] >= 3)[:10]
        ids = ", ".join(f"'{card_id}'" for _, card_id in hardest) or "''"
        texts = connection.execute(_TEXT.format(ids=ids)).fetchall()
    return {
        "learners": len(rows["names"]),
        "window_reviews": window_reviews,
        "study_days": study_days,
        "streaks": streak_sum,
        "graded_cards": graded,
        "hardest": [card_id for _, card_id in hardest],
        "weakest": [tag for _, tag in weakest],
        "texts": len(texts),
    }


def _difficulty(retained: int, passed: int, lapses: int) -> tuple[float, int]:
    percent = 100.0 * passed / retained if retained >= 3 else 100.0
    return (percent, -lapses)


def class_by_app(collection: ClassCollection) -> dict[str, Any]:
    """``study class --json``'s work: class_report then class_json; the same totals."""
    from study.services.class_stats import class_json, class_report
    from study.storage.database import open_database

    database = open_database(collection.url)
    try:
        report = class_report(database, collection.tutor_id, collection.today, days=WINDOW_DAYS)
        data = class_json(report)
    finally:
        database.close()
    learners = data["learners"]
    return {
        "learners": len(learners),
        "window_reviews": sum(row["reviews"] for row in learners),
        "study_days": sum(row["study_days"] for row in learners),
        "streaks": sum(row["streak"] for row in learners),
        "graded_cards": sum(
            row["cards"][state] for row in learners for state in ("learning", "young", "mature")
        ),
        "hardest": [card["card"] for card in data["hardest_cards"]],
        "weakest": [tag["tag"] for tag in data["weakest_tags"]],
        "texts": len(data["hardest_cards"]),
    }


def measure(collection: ClassCollection, repeats: int) -> tuple[float, float]:
    """Median seconds of the app's class view and of the hand-written SQL, run in turn."""
    app_times, base_times = [], []
    app_totals: dict[str, Any] = {}
    base_totals: dict[str, Any] = {}
    for _ in range(repeats):
        started = time.perf_counter()
        base_totals = class_by_hand(collection)
        base_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        app_totals = class_by_app(collection)
        app_times.append(time.perf_counter() - started)
    if app_totals != base_totals:
        raise NotComparable(
            f"the app's class view and the hand-written SQL disagree: {app_totals} != {base_totals}"
        )
    return statistics.median(app_times), statistics.median(base_times)


# ---------------------------------------------------------------- the figures


def _figure(key: str, database: str, sizes: Sizes) -> Figure:
    return Figure(
        key,
        f"class view on {database} ({sizes.class_learners} learners, {sizes.class_cards:,} "
        f"cards, {sizes.class_reviews:,} reviews)",
        "the same figures by hand-written SQL on the driver's connection",
        "<= 1.5x",
    )


def _measured(figure: Figure, build: Callable[[], ClassCollection], repeats: int) -> Figure:
    try:
        collection = build()
        app_s, base_s = measure(collection, repeats)
    except NotComparable as error:
        figure.not_measured = str(error)
        return figure
    figure.values = {"app_s": app_s, "baseline_s": base_s}
    figure.ratios = {"time": app_s / base_s}
    figure.checks = [Check("ratio", figure.ratios["time"], "<=", 1.5)]
    figure.notes = f"built in {collection.build_seconds:.0f} s"
    return figure


def class_figures(sizes: Sizes, repeats: int, workdir: Path) -> list[Figure]:
    """The class figure on SQLite, and on PostgreSQL when a server can be started."""
    sqlite = _measured(
        _figure("class", "SQLite", sizes),
        lambda: build_class(f"sqlite:///{workdir / 'class.db'}", workdir, sizes),
        repeats,
    )
    figure = _figure("class_pg", "PostgreSQL", sizes)
    try:
        from tests.postgres_server import running_server
    except ImportError:
        figure.not_measured = "no PostgreSQL server: tests/postgres_server.py is missing"
        return [sqlite, figure]
    try:
        with running_server() as server:
            url = server.new_database()
            return [sqlite, _measured(figure, lambda: build_class(url, workdir, sizes), repeats)]
    except LookupError as error:
        figure.not_measured = f"no PostgreSQL server on this machine ({error})"
    except ImportError:
        figure.not_measured = "no PostgreSQL driver (pip install 'study[postgres]')"
    return [sqlite, figure]
