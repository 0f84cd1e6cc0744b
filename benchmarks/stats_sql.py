"""The stats figure: ``study.services.stats`` against the same figures by hand-written SQL.

The baseline (:func:`stats_by_hand`) is plain ``sqlite3`` with one hand-written query
per figure: cards by state per deck and per tag, reviews per study day (cancelled ones
left out), retention, the 30-day forecast, E-Factor and interval histograms, reviews by
hour, and the hardest cards. It uses nothing of the app but its table names, and
reports a few totals that are checked against the app's so the two did the same work.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.baselines import connect
from benchmarks.collection import BENCH_SETTINGS, Collection

WINDOW_DAYS = 30
EPOCH_DAY = date(1970, 1, 1)
MATURE = 21


class NotComparable(RuntimeError):
    """The app's stats cannot be called, or disagree with the hand-written figures."""


_STATE = """CASE WHEN s.card_id IS NULL OR s.reviews = 0 THEN 'new'
    WHEN s.repetitions = 0 OR s.drill_day = :today THEN 'learning'
    WHEN s.interval >= 21 THEN 'mature' ELSE 'young' END"""
_CARD_FIGURES = f"""{_STATE} AS state, count(*), coalesce(sum(s.suspended), 0),
    coalesce(sum(s.leech), 0),
    coalesce(sum(s.reviews > 0 AND s.suspended = 0 AND s.due_day <= :today), 0)"""
_NOT_CANCELLED = "NOT EXISTS (SELECT 1 FROM review u WHERE u.cancels_id = r.id)"
# The review log's stored forms: kinds 1 (review) and 4 (undo), day numbers (:day_*),
# times in milliseconds since the epoch.
_WINDOW = f"""SELECT r.card_key, count(*) AS n,
    sum(r.kind = 1 AND r.repetitions_before > 0) AS retained,
    sum(r.kind = 1 AND r.repetitions_before > 0 AND r.grade >= 3) AS passed
    FROM review r WHERE r.learner_id = :learner AND r.kind != 4
    AND r.study_day BETWEEN :day_since AND :day_today AND {_NOT_CANCELLED}
    GROUP BY r.card_key"""
QUERIES = {
    "per_day": """SELECT study_day, kind, grade, count(*), sum(answer_ms),
        sum(repetitions_before > 0 AND interval_before < 21),
        sum(repetitions_before > 0 AND interval_before >= 21)
        FROM review r WHERE learner_id = :learner AND kind != 4
        GROUP BY study_day, kind, grade""",
    "cancelled_per_day": """SELECT r.study_day, r.kind, r.grade, count(*), sum(r.answer_ms)
        FROM review u JOIN review r ON r.id = u.cancels_id
        WHERE +u.learner_id = :learner AND u.cancels_id IS NOT NULL
        GROUP BY r.study_day, r.kind, r.grade""",
    "decks": f"""SELECT c.deck_id, {_CARD_FIGURES} FROM card c LEFT JOIN card_state s
        ON s.card_id = c.id AND s.learner_id = :learner WHERE c.retired = 0
        GROUP BY c.deck_id, state""",
    "deck_reviews": f"""SELECT c.deck_id, sum(w.n), sum(w.retained), sum(w.passed)
        FROM ({_WINDOW}) w JOIN card c ON c.key = w.card_key GROUP BY c.deck_id""",
    "tags": f"""SELECT t.tag, {_CARD_FIGURES} FROM card c LEFT JOIN card_state s
        ON s.card_id = c.id AND s.learner_id = :learner
        JOIN note_tag t ON t.note_id = c.note_id WHERE c.retired = 0
        GROUP BY t.tag, state""",
    "tag_reviews": f"""SELECT t.tag, sum(w.n), sum(w.retained), sum(w.passed)
        FROM ({_WINDOW}) w JOIN card c ON c.key = w.card_key
        JOIN note_tag t ON t.note_id = c.note_id GROUP BY t.tag""",
    "deck_names": "SELECT id, name FROM deck",
    "forecast": """SELECT CASE WHEN s.due_day < :today THEN :today ELSE s.due_day END AS d,
        count(*) FROM card_state s JOIN card c ON c.id = s.card_id
        WHERE s.learner_id = :learner AND s.reviews > 0 AND c.retired = 0
        AND s.suspended = 0 AND s.due_day <= :last GROUP BY d""",
    "ease": """SELECT s.ease_hundredths / 10 AS t, count(*) FROM card_state s
        JOIN card c ON c.id = s.card_id WHERE s.learner_id = :learner AND s.reviews > 0
        AND c.retired = 0 GROUP BY t""",
    "intervals": """SELECT CASE WHEN s.interval <= 1 THEN 0 WHEN s.interval <= 2 THEN 1
        WHEN s.interval <= 6 THEN 2 WHEN s.interval <= 13 THEN 3 WHEN s.interval <= 20 THEN 4
        WHEN s.interval <= 29 THEN 5 WHEN s.interval <= 59 THEN 6 WHEN s.interval <= 119
        THEN 7 WHEN s.interval <= 239 THEN 8 WHEN s.interval <= 364 THEN 9 ELSE 10 END AS b,
        count(*) FROM card_state s JOIN card c ON c.id = s.card_id
        WHERE s.learner_id = :learner AND s.reviews > 0 AND c.retired = 0 GROUP BY b""",
    "hours": f"""SELECT r.reviewed_at / 3600000, r.reviewed_at % 3600000 / 900000, count(*),
        sum(r.grade >= 3) FROM review r WHERE r.learner_id = :learner AND r.kind != 4
        AND r.study_day BETWEEN :day_since AND :day_today AND {_NOT_CANCELLED} GROUP BY 1, 2""",
}
_HARDEST = """SELECT c.id, c.deck_id, c.ordinal, n.type, n.front, n.back, n.text,
    s.ease_hundredths, s.interval, s.reviews, s.lapses, s.suspended, s.leech
    FROM card_state s JOIN card c ON c.id = s.card_id JOIN note n ON n.id = c.note_id
    WHERE s.learner_id = :learner AND s.reviews > 0 AND c.retired = 0 AND {where}
    ORDER BY {order}, c.id LIMIT 10"""
HARDEST = {
    "lowest_ease": _HARDEST.format(
        where="s.ease_hundredths < 250", order="s.ease_hundredths, s.lapses DESC"
    ),
    "most_lapses": _HARDEST.format(where="s.lapses > 0", order="s.lapses DESC, s.ease_hundredths"),
    "leeches": _HARDEST.format(where="s.leech = 1", order="s.lapses DESC, s.ease_hundredths"),
}


def stats_by_hand(collection: Collection, zone: ZoneInfo) -> dict[str, Any]:
    """Every figure by hand-written SQL, folded into plain dicts; a few totals returned."""
    today = collection.today
    params = {
        "learner": collection.learner_id,
        "today": today.isoformat(),
        "since": (today - timedelta(days=WINDOW_DAYS - 1)).isoformat(),
        "last": (today + timedelta(days=29)).isoformat(),
        "day_today": (today - EPOCH_DAY).days,
        "day_since": (today - EPOCH_DAY).days - (WINDOW_DAYS - 1),
    }
    db = connect(collection.db_path)
    try:
        rows = {name: db.execute(sql, params).fetchall() for name, sql in QUERIES.items()}
        hardest = {name: db.execute(sql, params).fetchall() for name, sql in HARDEST.items()}
    finally:
        db.close()
    per_day: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # reviews, time, correct
    for sign, name in ((1, "per_day"), (-1, "cancelled_per_day")):
        for day, _kind, grade, n, ms, *_ in rows[name]:
            figures = per_day[day]
            figures[0] += sign * n
            figures[1] += sign * (ms or 0)
            if grade is not None and grade >= 3:
                figures[2] += sign * n
    study_days = sorted(EPOCH_DAY + timedelta(days=d) for d, f in per_day.items() if f[0] > 0)
    longest = run = 0
    for previous, day in zip([None, *study_days], study_days, strict=False):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
    hours = [0] * 24
    for key, quarter, n, _ in rows["hours"]:
        start = datetime.fromtimestamp(key * 3600, UTC)
        hours[(start + timedelta(minutes=15 * quarter)).astimezone(zone).hour] += n
    cards = sum(n for _deck, _state, n, *_ in rows["decks"])
    return {
        "reviews_total": sum(f[0] for f in per_day.values()),
        "cards": cards,
        "study_days": len(study_days),
        "longest": longest,
        "forecast": sum(n for _, n in rows["forecast"]),
        "hours": sum(hours),
        "hardest": sum(len(v) for v in hardest.values()),
    }


def stats_by_app(collection: Collection) -> dict[str, Any]:
    """``study stats --json``'s work: compute_stats then stats_json; the same totals."""
    from study.services.stats import compute_stats, stats_json

    database = collection.open()
    try:
        stats = compute_stats(
            database, collection.learner_id, BENCH_SETTINGS, collection.today, days=WINDOW_DAYS
        )
        data = stats_json(stats)
    except TypeError as error:
        raise NotComparable(f"study.services.stats.compute_stats changed: {error}") from None
    finally:
        database.close()
    return {
        "reviews_total": data["reviews"]["total"],
        "cards": data["cards"]["total"],
        "study_days": data["streak"]["study_days"],
        "longest": data["streak"]["longest"],
        "forecast": sum(f["due"] for f in data["forecast"]),
        "hours": sum(h["reviews"] for h in data["hours"]),
        "hardest": sum(len(v) for v in data["hardest"].values()),
    }


def measure(collection: Collection, repeats: int) -> tuple[float, float]:
    """Median seconds of the app's stats and of the hand-written SQL, run in turn."""
    app_times, base_times = [], []
    app_totals: dict[str, Any] = {}
    base_totals: dict[str, Any] = {}
    for _ in range(repeats):
        started = time.perf_counter()
        base_totals = stats_by_hand(collection, BENCH_SETTINGS.zone)
        base_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        app_totals = stats_by_app(collection)
        app_times.append(time.perf_counter() - started)
    if app_totals != base_totals:
        raise NotComparable(
            f"the app's stats and the hand-written SQL disagree: {app_totals} != {base_totals}"
        )
    return statistics.median(app_times), statistics.median(base_times)
