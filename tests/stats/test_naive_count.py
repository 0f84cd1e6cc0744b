"""Every figure of ``study stats --json``, for every kind of scope, against a naive count.

The statistics are computed with a few merged SQL aggregates; this recounts the whole
JSON object row by row in Python (cards, log, schedules, tags read back as plain rows),
so a merged or restricted query that drops or double-counts anything shows up here.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from study.domain.cards import MATURE_INTERVAL, question_and_answer, state_name
from study.domain.config import Settings
from study.domain.streak import streaks
from study.services.stats import stats_json
from study.services.stats.figures import (
    CALENDAR_DAYS,
    FORECAST_DAYS,
    HARDEST_LIMIT,
    INTERVAL_BUCKETS,
    KINDS,
    PERIODS,
)
from study.storage.database import Database
from study.storage.models import Card, CardState, Deck, Note, NoteTag, Review
from tests.conftest import DeckFactory, basic, cloze
from tests.stats.stats_helpers import TODAY, History

DAYS = 14
ZONE = "America/New_York"


@pytest.fixture
def h(database: Database, learner_id: int, decks: DeckFactory) -> History:
    return History(database, learner_id, decks)


def _percent(reviews: int, passed: int) -> dict[str, Any]:
    return {
        "reviews": reviews,
        "passed": passed,
        "percent": round(100.0 * passed / reviews, 1) if reviews else None,
    }


def _counts(states: list[CardState | None], today: date) -> dict[str, int]:
    names = Counter(state_name(s, today) for s in states)
    return {
        "total": len(states),
        "new": names["new"],
        "learning": names["learning"],
        "young": names["young"],
        "mature": names["mature"],
        "suspended": sum(1 for s in states if s and s.suspended),
        "leech": sum(1 for s in states if s and s.leech),
    }


def naive_json(
    database: Database,
    learner_id: int,
    today: date,
    zone: ZoneInfo,
    *,
    deck_ids: list[str] | None = None,
    tag: str | None = None,
    days: int = DAYS,
) -> dict[str, Any]:
    """``stats_json(compute_stats(...))`` recounted from plain rows, one at a time."""
    with database.session() as session:
        cards = {c.id: c for c in session.exec(select(Card))}
        notes = {n.id: n for n in session.exec(select(Note))}
        deck_names = {d.id: d.name for d in session.exec(select(Deck))}
        tags_of: dict[str, set[str]] = defaultdict(set)
        for row in session.exec(select(NoteTag)):
            tags_of[row.note_id].add(row.tag)
        states = {
            s.card_id: s
            for s in session.exec(select(CardState).where(CardState.learner_id == learner_id))
        }
        rows = list(session.exec(select(Review).where(Review.learner_id == learner_id)))
    cancelled = {r.cancels_id for r in rows if r.kind == "undo"}

    def in_scope(card: Card) -> bool:
        return (deck_ids is None or card.deck_id in deck_ids) and (
            tag is None or tag in tags_of[card.note_id]
        )

    scoped = {c.id for c in cards.values() if in_scope(c)}
    live = sorted(c for c in scoped if not cards[c].retired)
    log = [r for r in rows if r.kind != "undo" and r.id not in cancelled and r.card_id in scoped]
    since = today - timedelta(days=days - 1)
    window = [r for r in log if since <= r.study_day <= today]
    graded = [states[c] for c in live if c in states and states[c].reviews > 0]

    def day_json(day: date) -> dict[str, Any]:
        on_day = [r for r in log if r.study_day == day]
        return {
            "date": day.isoformat(),
            "reviews": len(on_day),
            "time_ms": sum(r.answer_ms for r in on_day),
            "correct": sum(1 for r in on_day if (r.grade or 0) >= 3),
            "new_cards": sum(1 for r in on_day if r.kind == "new"),
        }

    def retained(reviews: list[Review]) -> dict[str, Any]:
        chosen = [r for r in reviews if r.kind == "review" and r.repetitions_before > 0]
        return _percent(len(chosen), sum(1 for r in chosen if (r.grade or 0) >= 3))

    def group(members: list[str], reviews: list[Review]) -> dict[str, Any]:
        return {
            **_counts([states.get(c) for c in members], today),
            "due": sum(
                1
                for c in members
                if c in states
                and states[c].reviews > 0
                and not states[c].suspended
                and states[c].due_day is not None
                and states[c].due_day <= today
            ),
            "reviews": len(reviews),
            "retention": retained(reviews),
        }

    by_deck: dict[str, list[str]] = defaultdict(list)
    by_tag: dict[str, list[str]] = defaultdict(list)
    for card_id in live:
        by_deck[cards[card_id].deck_id].append(card_id)
        for name in tags_of[cards[card_id].note_id]:
            by_tag[name].append(card_id)

    def window_of(members: set[str]) -> list[Review]:
        return [r for r in window if r.card_id in members]

    def deck_window(deck_id: str) -> list[Review]:
        # A deck's reviews are its history: grades of its retired cards count too.
        return [r for r in window if cards[r.card_id].deck_id == deck_id]

    def tag_window(name: str) -> list[Review]:
        return [r for r in window if name in tags_of[cards[r.card_id].note_id]]

    def hard(condition: Any, order: Any) -> list[dict[str, Any]]:
        chosen = sorted((s for s in graded if condition(s)), key=order)[:HARDEST_LIMIT]
        result = []
        for s in chosen:
            card = cards[s.card_id]
            note = notes[card.note_id]
            question, _ = question_and_answer(
                note.type, note.front, note.back, note.text, card.ordinal
            )
            result.append(
                {
                    "card": s.card_id,
                    "deck": card.deck_id,
                    "question": question,
                    "easiness": s.ease_hundredths / 100,
                    "interval": s.interval,
                    "reviews": s.reviews,
                    "lapses": s.lapses,
                    "suspended": s.suspended,
                    "leech": s.leech,
                }
            )
        return result

    study_days = sorted({r.study_day for r in log})
    current, longest = streaks(study_days, today)
    forecast = Counter(
        max(s.due_day, today)
        for s in graded
        if not s.suspended and s.due_day is not None and s.due_day < today + timedelta(days=30)
    )
    hours = Counter(r.reviewed_at.astimezone(zone).hour for r in window)
    correct_hours = Counter(
        r.reviewed_at.astimezone(zone).hour for r in window if (r.grade or 0) >= 3
    )
    tenths = Counter(s.ease_hundredths // 10 for s in graded)
    today_json = day_json(today)
    retention = {}
    for period, length in PERIODS:
        chosen = [r for r in log if today - timedelta(days=length - 1) <= r.study_day <= today]
        young = [r for r in chosen if r.interval_before < MATURE_INTERVAL]
        mature = [r for r in chosen if r.interval_before >= MATURE_INTERVAL]
        retention[period] = {
            "days": length,
            "young": retained(young),
            "mature": retained(mature),
            "all": retained(chosen),
        }
    return {
        "date": today.isoformat(),
        "days": days,
        "scope": {"decks": deck_ids, "tag": tag},
        "cards": _counts([states.get(c) for c in live], today),
        "reviews": {
            "total": len(log),
            "today": today_json["reviews"],
            "window": len(window),
            "by_kind": {kind: sum(1 for r in log if r.kind == kind) for kind in KINDS},
        },
        "today": {
            "reviews": today_json["reviews"],
            "time_ms": today_json["time_ms"],
            "correct": today_json["correct"],
            "correct_percent": _percent(today_json["reviews"], today_json["correct"])["percent"],
            "new_cards": today_json["new_cards"],
        },
        "streak": {"current": current, "longest": longest, "study_days": len(study_days)},
        "history": [day_json(since + timedelta(days=i)) for i in range(days)],
        "calendar": [
            {"date": d.isoformat(), "reviews": day_json(d)["reviews"]}
            for d in study_days
            if d > today - timedelta(days=CALENDAR_DAYS)
        ],
        "forecast": [
            {"date": (today + timedelta(days=i)).isoformat(), "due": forecast[today + timedelta(i)]}
            for i in range(FORECAST_DAYS)
        ],
        "retention": retention,
        "ease": [
            {"from": t / 10, "to": (t + 1) / 10, "cards": n} for t, n in sorted(tenths.items())
        ],
        "intervals": [
            {
                "from": low,
                "to": high,
                "cards": sum(
                    1 for s in graded if low <= s.interval and (high is None or s.interval <= high)
                ),
            }
            for low, high in INTERVAL_BUCKETS
        ],
        "answer_time": {
            "average_ms": round(sum(r.answer_ms for r in window) / len(window)) if window else None,
            "reviews": len(window),
        },
        "hours": [
            {"hour": hour, "reviews": hours[hour], "correct": correct_hours[hour]}
            for hour in range(24)
        ],
        "decks": [
            {"id": d, "name": deck_names[d], **group(members, deck_window(d))}
            for d, members in sorted(by_deck.items(), key=lambda i: deck_names[i[0]].casefold())
        ],
        "tags": [
            {"tag": name, **group(members, tag_window(name))}
            for name, members in sorted(by_tag.items(), key=lambda i: i[0].casefold())
        ],
        "hardest": {
            "lowest_ease": hard(
                lambda s: s.ease_hundredths < 250,
                lambda s: (s.ease_hundredths, -s.lapses, s.card_id),
            ),
            "most_lapses": hard(
                lambda s: s.lapses > 0, lambda s: (-s.lapses, s.ease_hundredths, s.card_id)
            ),
            "leeches": hard(lambda s: s.leech, lambda s: (-s.lapses, s.ease_hundredths, s.card_id)),
        },
    }


def _random_history(h: History, seed: int) -> None:
    """Two decks of basic and cloze notes with overlapping tags (and none), random
    schedules, retired cards, and a log over two years with some grades undone."""
    rng = random.Random(seed)
    topics = ("hip", "spine", "avascular-necrosis", "fracture")
    notes_a = [
        basic(f"a-{i}", tags=tuple(rng.sample(topics, rng.randint(0, 2)))) for i in range(20)
    ]
    notes_a += [
        cloze(f"a-z{i}", "{{c1::Femoral}} head and {{c2::neck}}.", tags=("hip", "cloze"))
        for i in range(4)
    ]
    notes_b = [
        basic(f"b-{i}", tags=tuple(rng.sample(topics, rng.randint(0, 3)))) for i in range(20)
    ]
    h.load("a", name="Orthopaedics", notes=notes_a)
    h.load("b", name="anatomy", notes=notes_b)
    card_ids = [n.id for n in notes_a[:20]] + [n.id for n in notes_b]
    card_ids += [f"a-z{i}#c{n}" for i in range(4) for n in (1, 2)]
    for card_id in card_ids:
        if rng.random() < 0.2:
            continue  # never graded: new
        reviews = rng.choice([0, 1, 3, 9])
        h.schedule(
            card_id,
            reviews=reviews,
            repetitions=rng.choice([0, 1, 4]) if reviews else 0,
            interval=rng.choice([1, 2, 5, 13, 20, 21, 45, 130, 400]),
            due_day=TODAY + timedelta(days=rng.randint(-9, 45)),
            drill_day=rng.choice([None, None, TODAY, TODAY - timedelta(days=1)]),
            suspended=rng.random() < 0.15,
            leech=rng.random() < 0.15,
            lapses=rng.choice([0, 0, 1, 2, 5, 9]),
            ease_hundredths=rng.randint(130, 290),
        )
    for card_id in ("b-19", "a-z3#c2"):
        h.retire(card_id)
    for _ in range(500):
        review_id = h.grade(
            rng.choice(card_ids),
            rng.randint(0, 5),
            day=TODAY
            - timedelta(
                days=rng.choice([0, 0, 1, 2, 3, 6, 7, 13, 14, 29, 30, 200, 364, 365, 380, 700])
            ),
            kind=rng.choice(["new", "review", "review", "drill", "cram"]),
            at=time(rng.randint(0, 23), rng.randint(0, 59)),
            repetitions_before=rng.choice([0, 1, 2]),
            interval_before=rng.choice([1, 5, 20, 21, 90]),
            answer_ms=rng.randint(500, 9000),
        )
        if rng.random() < 0.1:
            h.undo(review_id)
    h.settings = Settings(timezone=ZONE)


SCOPES: list[dict[str, Any]] = [
    {},
    {"deck_ids": ["a"]},
    {"deck_ids": ["a", "b"]},
    {"tag": "hip"},
    {"deck_ids": ["b"], "tag": "spine"},
    {"tag": "no-such-tag"},
]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: repr(s) if s else "everything")
@pytest.mark.parametrize("seed", [3, 11])
def test_every_figure_matches_a_naive_count_for_every_scope(
    h: History, seed: int, scope: dict[str, Any]
) -> None:
    _random_history(h, seed)

    computed = stats_json(h.stats(days=DAYS, **scope))

    expected = naive_json(h.database, h.learner_id, TODAY, ZoneInfo(ZONE), **scope)
    for key in expected:
        assert computed[key] == expected[key], key
    assert computed.keys() == expected.keys()


def test_a_history_window_longer_than_a_year_has_every_days_details(h: History) -> None:
    """Days older than a year are counted without their details (time, correct); a
    window reaching past the year must still get them."""
    _random_history(h, 5)

    computed = stats_json(h.stats(days=400))

    expected = naive_json(h.database, h.learner_id, TODAY, ZoneInfo(ZONE), days=400)
    assert computed == expected
    assert any(day["time_ms"] for day in computed["history"][:30])  # 371..400 days ago
