"""The floors the app is compared with, written without any of the app's code.

Raw ``sqlite3``, bare ``genanki``, plain SQL and a minimal Textual app: each does the
same work as the app's figure it is the baseline of, as directly as Python allows. Only
the table and column names are shared with the app (they are the file format). Nothing
here imports ``study``.

``python -m benchmarks.baselines textual-app`` runs the minimal Textual app, whose only
screen shows :data:`READY_MARK`.
"""

from __future__ import annotations

import html
import json
import sqlite3
import sys
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

READY_MARK = "QREADY"
STATE_COLUMNS = (
    "repetitions",
    "ease_hundredths",
    "interval",
    "due_day",
    "last_review_day",
    "reviews",
    "lapses",
    "suspended",
    "leech",
    "buried_until",
    "drill_day",
    "flagged",
    "flag_reason",
)
_SELECT_STATE = (
    f"SELECT {', '.join(STATE_COLUMNS)} FROM card_state WHERE learner_id = ? AND card_id = ?"
)
_UPSERT_STATE = (
    f"INSERT INTO card_state (learner_id, card_id, {', '.join(STATE_COLUMNS)}, updated_at) "
    f"VALUES (?, ?, {', '.join('?' for _ in STATE_COLUMNS)}, ?) "
    "ON CONFLICT (learner_id, card_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*STATE_COLUMNS, "updated_at"))
)
_SIBLINGS = (
    "SELECT id FROM card WHERE note_id = (SELECT note_id FROM card WHERE id = ?) "
    "AND id != ? AND retired = 0"
)
_INSERT_REVIEW = (
    "INSERT INTO review (learner_id, card_key, reviewed_at, study_day, grade, kind, "
    "cancels_id, answer_ms, repetitions_before, ease_before, interval_before, due_before, "
    "repetitions_after, ease_after, interval_after, due_after) "
    "VALUES (?, (SELECT key FROM card WHERE id = ?), ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_UNDO_RECORD = "INSERT INTO review_undo (review_id, state_before) VALUES (?, ?)"
# The review log's stored forms: days since 1970-01-01, milliseconds, kind codes.
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_KIND_NEW, _KIND_REVIEW = 0, 1
_NEW_STATE = (0, 250, 0, None, None, 0, 0, 0, 0, None, None, 0, "")


def connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the pragmas the app sets on its connections."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def _day_number(iso: str | None) -> int | None:
    return None if iso is None else date.fromisoformat(iso).toordinal() - _EPOCH_ORDINAL


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _state_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(STATE_COLUMNS, row, strict=True))


class BareGrader:
    """Grades a card with the writes the app makes, in one sqlite3 transaction.

    Read the schedule, apply SM-2 in integer hundredths, bury the note's siblings until
    tomorrow (a cloze card's), write the schedule and append the compact review row (with
    the names of the siblings buried, as the app keeps them for undo).
    """

    def __init__(self, path: Path, learner_id: int) -> None:
        self.connection = connect(path)
        self.learner_id = learner_id

    def grade(self, card_id: str, grade: int, now: datetime, today: date) -> int:
        """Grade ``card_id`` and commit; the new review's id."""
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(_SELECT_STATE, (self.learner_id, card_id)).fetchone()
            state = _state_dict(row or _NEW_STATE)
            before = dict(state)
            q = 5 - grade
            ease = max(130, state["ease_hundredths"] + 10 - q * (8 + q * 2))
            if grade >= 3:
                reps = state["repetitions"] + 1
                interval = (
                    1 if reps == 1 else 6 if reps == 2 else -(-state["interval"] * ease // 100)
                )
            else:
                reps, interval = 0, 1
                if state["repetitions"]:
                    state["lapses"] += 1
            state.update(
                repetitions=reps,
                ease_hundredths=ease,
                interval=interval,
                due_day=(today + timedelta(days=interval)).isoformat(),
                last_review_day=today.isoformat(),
                reviews=state["reviews"] + 1,
                drill_day=today.isoformat() if grade < 4 else None,
            )
            stamp = _timestamp(now)
            tomorrow = (today + timedelta(days=1)).isoformat()
            siblings: dict[str, Any] = {}
            # Only a cloze card (id ``note#cN``) can have siblings; the app knows a basic
            # card from its note type and skips this query too.
            others = db.execute(_SIBLINGS, (card_id, card_id)).fetchall() if "#c" in card_id else []
            for (sibling,) in others:
                sibling_row = db.execute(_SELECT_STATE, (self.learner_id, sibling)).fetchone()
                sibling_state = _state_dict(sibling_row or _NEW_STATE)
                siblings[sibling] = dict(sibling_state)
                sibling_state["buried_until"] = tomorrow
                db.execute(
                    _UPSERT_STATE,
                    (self.learner_id, sibling, *sibling_state.values(), stamp),
                )
            db.execute(_UPSERT_STATE, (self.learner_id, card_id, *state.values(), stamp))
            cursor = db.execute(
                _INSERT_REVIEW,
                (
                    self.learner_id,
                    card_id,
                    int(now.timestamp() * 1000),
                    _day_number(today.isoformat()),
                    grade,
                    _KIND_REVIEW if before["reviews"] else _KIND_NEW,
                    4000,
                    before["repetitions"],
                    before["ease_hundredths"],
                    before["interval"],
                    _day_number(before["due_day"]),
                    reps,
                    ease,
                    interval,
                    _day_number(state["due_day"]),
                ),
            )
            if siblings:  # what undo needs beyond the row: the siblings buried
                if all(values["buried_until"] is None for values in siblings.values()):
                    record = json.dumps({"buried": sorted(siblings)})
                else:
                    record = json.dumps({"card": before, "siblings": siblings}, sort_keys=True)
                db.execute(_INSERT_UNDO_RECORD, (cursor.lastrowid, record))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        review_id = cursor.lastrowid
        assert review_id is not None
        return review_id

    def due_cards(self, today: date, limit: int) -> list[str]:
        """Cards due today, least overdue first (the app's session starts from the other end)."""
        rows = self.connection.execute(
            "SELECT card_id FROM card_state WHERE learner_id = ? AND due_day <= ? "
            "AND reviews > 0 AND suspended = 0 ORDER BY due_day DESC, card_id LIMIT ?",
            (self.learner_id, today.isoformat(), limit),
        ).fetchall()
        return [r[0] for r in rows]

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file now (a PASSIVE checkpoint).

        SQLite does this by itself in whichever commit takes the log past 1,000 pages,
        and that commit then takes 10-15 ms instead of 0.2: the benchmark calls this
        between timed grades so that neither side's percentiles depend on which of them
        happened to cross the mark.
        """
        self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        # The first commit after a complete checkpoint starts the log over, which costs
        # a little more than a usual commit: take that here too, untimed.
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("UPDATE schema_info SET version = version")
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


# ---------------------------------------------------------------- import


def import_by_executemany(db_path: Path, deck_path: Path, now: datetime) -> int:
    """Parse a deck file with tomllib and executemany its rows into the app's tables.

    The floor for importing: no validation beyond what building the rows needs.
    Returns the number of cards written.
    """
    data = tomllib.loads(deck_path.read_text(encoding="utf-8"))
    header = data["deck"]
    stamp = _timestamp(now)
    notes: list[tuple[Any, ...]] = []
    tags: list[tuple[str, str, str, int]] = []
    cards: list[tuple[str, str, str, int, int]] = []
    for position, entry in enumerate(data.get("cards", [])):
        note_id = entry["id"]
        source = entry.get("source") or {}
        entry_tags = entry.get("tags", [])
        notes.append(
            (
                note_id,
                header["id"],
                entry.get("type", "basic"),
                entry.get("front", ""),
                entry.get("back", ""),
                entry.get("text", ""),
                entry.get("extra", ""),
                source.get("file", ""),
                source.get("sentence", ""),
                int(entry.get("edited", False)),
                entry.get("note", ""),
                position,
                "",
                stamp,
            )
        )
        kept: dict[str, str] = {}  # each key once, first spelling, in order
        for tag in entry_tags:
            kept.setdefault(tag.casefold(), tag)
        tags += [(note_id, key, tag, n) for n, (key, tag) in enumerate(kept.items())]
        if entry.get("type") == "cloze":
            numbers = sorted({int(n) for n in _cloze_numbers(entry["text"])})
            ids = [(f"{note_id}#c{n}", n) for n in numbers]
        else:
            ids = [(note_id, 0)]
        for card_id, ordinal in ids:
            cards.append((card_id, note_id, header["id"], ordinal, len(cards)))
    db = connect(db_path)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT INTO deck (id, name, description, version, file_path, bundled, "
            "content_hash, imported_at, retired) VALUES (?, ?, ?, ?, ?, 0, '', ?, 0)",
            (
                header["id"],
                header["name"],
                header.get("description", ""),
                header.get("version", 1),
                str(deck_path),
                stamp,
            ),
        )
        db.executemany(
            "INSERT INTO note (id, deck_id, type, front, back, text, extra, source_file, "
            "source_sentence, edited, editor_note, position, content_hash, updated_at, retired) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            notes,
        )
        db.executemany(
            "INSERT INTO note_tag (note_id, tag_key, tag, position) VALUES (?, ?, ?, ?)", tags
        )
        db.executemany(
            "INSERT INTO card (id, note_id, deck_id, ordinal, position, retired, key) "
            "VALUES (?, ?, ?, ?, ?, 0, (SELECT coalesce(max(key), 0) + 1 FROM card))",
            cards,
        )
        db.execute("COMMIT")
    finally:
        db.close()
    return len(cards)


def _cloze_numbers(text: str) -> list[str]:
    numbers = []
    start = text.find("{{c")
    while start != -1:
        end = text.find("::", start)
        numbers.append(text[start + 3 : end])
        start = text.find("{{c", end)
    return numbers


# ---------------------------------------------------------------- export


def _field(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def export_with_genanki(db_path: Path, out: Path) -> int:
    """Read every live note with plain SQL and write the same fields with bare genanki.

    Fields as the app writes them: Front, Back, Extra, Source (basic) or Text, Extra,
    Source (cloze), HTML-escaped. Returns the number of notes written.
    """
    import genanki

    basic = genanki.Model(
        1_607_392_319,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
    )
    cloze_model = genanki.Model(
        1_122_334_455,
        "Cloze",
        model_type=genanki.Model.CLOZE,
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[
            {"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Extra}}"}
        ],
    )
    db = connect(db_path)
    decks: dict[str, Any] = {}
    count = 0
    try:
        names = dict(db.execute("SELECT id, name FROM deck"))
        rows = db.execute(
            "SELECT id, deck_id, type, front, back, text, extra, (SELECT group_concat(tag, ' ') "
            "FROM note_tag WHERE note_id = note.id), source_sentence "
            "FROM note WHERE retired = 0 ORDER BY deck_id, position"
        )
        for note_id, deck_id, kind, front, back, text, extra, tags, source in rows:
            deck = decks.get(deck_id)
            if deck is None:
                deck = decks[deck_id] = genanki.Deck((1 << 30) + len(decks), names[deck_id])
            if kind == "cloze":
                fields = [_field(text), _field(extra), _field(source)]
                model = cloze_model
            else:
                fields = [_field(front), _field(back), _field(extra), _field(source)]
                model = basic
            deck.add_note(
                genanki.Note(model=model, fields=fields, tags=(tags or "").split(), guid=note_id)
            )
            count += 1
    finally:
        db.close()
    genanki.Package(list(decks.values())).write_to_file(str(out))
    return count


# ---------------------------------------------------------------- startup


def minimal_textual_app() -> None:
    """A Textual app with one screen showing one line: the floor for starting a TUI."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(f"{READY_MARK} a minimal Textual app")

    Minimal().run()


if __name__ == "__main__":
    if sys.argv[1:] == ["textual-app"]:
        minimal_textual_app()
    else:
        sys.exit("usage: python -m benchmarks.baselines textual-app")
