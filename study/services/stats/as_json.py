"""``study stats --json``: the figures as plain data."""

from __future__ import annotations

from typing import Any

from study.services.stats.figures import (
    Bucket,
    DayFigures,
    GroupFigures,
    HardCard,
    Retention,
    StateCounts,
    Stats,
)


def _retention_json(retention: Retention) -> dict[str, Any]:
    percent = retention.percent
    return {
        "reviews": retention.reviews,
        "passed": retention.passed,
        "percent": round(percent, 1) if percent is not None else None,
    }


def counts_json(counts: StateCounts) -> dict[str, int]:
    """Cards by state as JSON (the ``cards`` object of ``study stats --json``)."""
    return {
        "total": counts.total,
        "new": counts.new,
        "learning": counts.learning,
        "young": counts.young,
        "mature": counts.mature,
        "suspended": counts.suspended,
        "leech": counts.leech,
    }


def _group_json(group: GroupFigures) -> dict[str, Any]:
    return {
        **counts_json(group.cards),
        "due": group.due,
        "reviews": group.reviews,
        "retention": _retention_json(group.retention),
    }


def _card_json(card: HardCard) -> dict[str, Any]:
    return {
        "card": card.card_id,
        "deck": card.deck_id,
        "question": card.question,
        "easiness": card.ease_hundredths / 100,
        "interval": card.interval,
        "reviews": card.reviews,
        "lapses": card.lapses,
        "suspended": card.suspended,
        "leech": card.leech,
    }


def _day_json(day: DayFigures) -> dict[str, Any]:
    return {
        "date": day.day.isoformat(),
        "reviews": day.reviews,
        "time_ms": day.time_ms,
        "correct": day.correct,
        "new_cards": day.new_cards,
    }


def _bucket_json(bucket: Bucket) -> dict[str, Any]:
    return {"from": bucket.low, "to": bucket.high, "cards": bucket.cards}


def stats_json(stats: Stats) -> dict[str, Any]:
    """The documented JSON object of `study stats --json` (the README lists every key).

    Times are whole milliseconds; percentages are rounded to one decimal and null when
    nothing was measured; dates are ``YYYY-MM-DD`` study days.
    """
    today = stats.today_figures
    correct_percent = today.correct_percent
    average = stats.average_answer_ms
    return {
        "date": stats.today.isoformat(),
        "days": stats.days,
        "scope": {
            "decks": list(stats.deck_ids) if stats.deck_ids is not None else None,
            "tag": stats.tag,
        },
        "cards": counts_json(stats.cards),
        "reviews": {
            "total": stats.reviews_total,
            "today": stats.reviews_today,
            "window": stats.window_reviews,
            "by_kind": dict(stats.reviews_by_kind),
        },
        "today": {
            "reviews": today.reviews,
            "time_ms": today.time_ms,
            "correct": today.correct,
            "correct_percent": round(correct_percent, 1) if correct_percent is not None else None,
            "new_cards": today.new_cards,
        },
        "streak": {
            "current": stats.streak_current,
            "longest": stats.streak_longest,
            "study_days": stats.study_days,
        },
        "history": [_day_json(day) for day in stats.history],
        "calendar": [{"date": d.day.isoformat(), "reviews": d.reviews} for d in stats.calendar],
        "forecast": [{"date": f.day.isoformat(), "due": f.due} for f in stats.forecast],
        "retention": {
            period.period: {
                "days": period.days,
                "young": _retention_json(period.young),
                "mature": _retention_json(period.mature),
                "all": _retention_json(period.all),
            }
            for period in stats.retention
        },
        "ease": [_bucket_json(b) for b in stats.ease],
        "intervals": [_bucket_json(b) for b in stats.intervals],
        "answer_time": {
            "average_ms": round(average) if average is not None else None,
            "reviews": stats.window_reviews,
        },
        "hours": [
            {"hour": h.hour, "reviews": h.reviews, "correct": h.correct} for h in stats.hours
        ],
        "decks": [{"id": g.key, "name": g.name, **_group_json(g)} for g in stats.decks],
        "tags": [{"tag": g.key, **_group_json(g)} for g in stats.tags],
        "hardest": {
            "lowest_ease": [_card_json(c) for c in stats.lowest_ease],
            "most_lapses": [_card_json(c) for c in stats.most_lapses],
            "leeches": [_card_json(c) for c in stats.leeches],
        },
    }
