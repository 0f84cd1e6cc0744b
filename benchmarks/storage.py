"""The storage figure: bytes per review and database size, against a real Anki collection.

The baseline is built in the same run with the ``anki`` package (Anki's own backend):
the collection's notes with the same text fields (Basic: Front, Back; Cloze: Text,
Back Extra) and tags, each study card mapped to the Anki card of its note and cloze
number, and the same review history written into ``revlog`` (one row per answer, undo
records and the answers they cancelled left out: Anki deletes an undone answer), then
the file vacuumed. Both files are measured the same way: the pages of the review tables
and their indexes (SQLite's ``dbstat``) divided by their rows, and the file's size.
The notes add the time and size of a backup of the collection (the daily backup's
work: copy, integrity check, compression).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.collection import Collection
from benchmarks.figures import Check, Figure, module_missing
from study.domain.review_log import ReviewKind

# The tables of the review log in each file (their indexes are counted with them).
STUDY_LOG_TABLES = ("review", "review_undo")
ANKI_LOG_TABLES = ("revlog",)
LIMIT = 1.5


def log_bytes(db_path: Path, tables: tuple[str, ...]) -> tuple[int, int]:
    """(bytes, rows) of ``tables`` and their indexes, from SQLite's dbstat; the rows are
    those of the first table (the log itself; the others are its side records)."""
    with sqlite3.connect(db_path) as db:
        marks = ",".join("?" * len(tables))
        names = [
            name
            for (name,) in db.execute(
                f"SELECT name FROM sqlite_schema WHERE tbl_name IN ({marks})", tables
            )
        ]
        marks = ",".join("?" * len(names))
        size = db.execute(
            f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})", names
        ).fetchone()[0]
        rows = db.execute(f"SELECT count(*) FROM {tables[0]}").fetchone()[0]
    return int(size), int(rows)


def _anki_ease(grade: int) -> int:
    # SM-2's 0-2 are a failed answer (Again); 3, 4, 5 are Hard, Good, Easy.
    return 1 if grade < 3 else grade - 1


def _history(db: sqlite3.Connection) -> Iterator[tuple[str, int, int, int, int, int, int, Any]]:
    """The study log's answers (undo records and what they cancelled left out): card id,
    time in ms, grade, interval after and before, E-Factor after, answer ms, kind."""
    yield from db.execute(
        "SELECT c.id, r.reviewed_at, r.grade, r.interval_after, r.interval_before, "
        "r.ease_after, r.answer_ms, r.kind FROM review r JOIN card c ON c.key = r.card_key "
        f"WHERE r.kind != {ReviewKind.UNDO.code} "
        "AND NOT EXISTS (SELECT 1 FROM review u WHERE u.cancels_id = r.id) ORDER BY r.id"
    )


# study's kinds as Anki's revlog types: learning, review, relearning, filtered (cram).
_REVLOG_TYPE = {
    ReviewKind.NEW.code: 0,
    ReviewKind.REVIEW.code: 1,
    ReviewKind.DRILL.code: 2,
    ReviewKind.CRAM.code: 3,
}


def _unicase(a: str, b: str) -> int:
    left, right = a.casefold(), b.casefold()
    return (left > right) - (left < right)


def build_anki(collection: Collection, target: Path) -> Path:
    """The Anki collection of the same notes and review history; its vacuumed file."""
    from anki.collection import AddNoteRequest
    from anki.collection import Collection as AnkiCollection

    target.mkdir(parents=True, exist_ok=True)
    path = target / "collection.anki2"
    study = sqlite3.connect(collection.db_path)
    col = AnkiCollection(str(path))
    try:
        basic, cloze = col.models.by_name("Basic"), col.models.by_name("Cloze")
        assert basic is not None and cloze is not None
        decks: dict[str, int] = {}
        requests, note_ids = [], []
        for note_id, deck_name, note_type, front, back, text, extra, tags in study.execute(
            "SELECT n.id, d.name, n.type, n.front, n.back, n.text, n.extra, "
            "(SELECT group_concat(tag, ' ') FROM note_tag WHERE note_id = n.id) "
            "FROM note n JOIN deck d ON d.id = n.deck_id ORDER BY n.deck_id, n.position"
        ):
            if deck_name not in decks:
                decks[deck_name] = int(col.decks.id(deck_name) or 0)
            note = col.new_note(cloze if note_type == "cloze" else basic)
            note.fields[0], note.fields[1] = (
                (text, extra) if note_type == "cloze" else (front, back)
            )
            note.tags = (tags or "").split()
            requests.append(AddNoteRequest(note, decks[deck_name]))  # type: ignore[arg-type]
            note_ids.append(note_id)
        col.add_notes(requests)
        anki_note = {
            study_id: int(r.note.id) for study_id, r in zip(note_ids, requests, strict=True)
        }
        by_note_ord = {
            (nid, ord_): cid for cid, nid, ord_ in col.db.all("SELECT id, nid, ord FROM cards")
        }
        anki_card = {
            card_id: by_note_ord[(anki_note[note_id], max(0, ordinal - 1))]
            for card_id, note_id, ordinal in study.execute("SELECT id, note_id, ordinal FROM card")
        }
    finally:
        col.close()
    # The history written with sqlite3 into Anki's own tables: the backend's executemany
    # takes minutes for a million rows, and the rows are the same either way.
    db = sqlite3.connect(path)
    try:
        # Anki's indexes on names use its own collation: VACUUM rebuilds them with it.
        db.create_collation("unicase", _unicase)
        rows, used = [], set()
        for card_id, ms, grade, ivl, last_ivl, ease, answer_ms, kind in _history(study):
            revlog_id = int(ms)
            while revlog_id in used:  # revlog ids are unique milliseconds
                revlog_id += 1
            used.add(revlog_id)
            rows.append(
                (
                    revlog_id,
                    anki_card[card_id],
                    -1,
                    _anki_ease(grade),
                    ivl,
                    last_ivl,
                    ease * 10,
                    answer_ms,
                    _REVLOG_TYPE.get(kind, 1),
                )
            )
        db.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", rows)
        # The cards carry their schedules, as study's card_state does.
        db.executemany(
            "UPDATE cards SET type = 2, queue = 2, ivl = ?, factor = ?, reps = ?, lapses = ? "
            "WHERE id = ?",
            [
                (interval, ease * 10, reviews, lapses, anki_card[card_id])
                for card_id, interval, ease, reviews, lapses in study.execute(
                    "SELECT card_id, interval, ease_hundredths, reviews, lapses FROM card_state"
                )
            ],
        )
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
        study.close()
    return path


def storage(collection: Collection, workdir: Path) -> Figure:
    """Bytes per review and the database's size, against Anki's for the same content."""
    figure = Figure(
        "storage",
        "review log and database size",
        "the same notes and review history in a real Anki collection (anki package), vacuumed",
        f"<= {LIMIT}x bytes per review and database size",
    )
    if module_missing("anki"):
        figure.not_measured = "the anki package is not installed (pip install -e '.[test]')"
        return figure
    anki_dir = workdir / "anki-storage"
    try:
        anki_path = build_anki(collection, anki_dir)
        study_bytes, study_rows = log_bytes(collection.db_path, STUDY_LOG_TABLES)
        anki_bytes, anki_rows = log_bytes(anki_path, ANKI_LOG_TABLES)
        db_mb = collection.db_path.stat().st_size / 1e6
        anki_mb = anki_path.stat().st_size / 1e6
    finally:
        shutil.rmtree(anki_dir, ignore_errors=True)
    figure.values = {
        "bytes_per_review": round(study_bytes / max(1, study_rows), 1),
        "anki_bytes_per_review": round(anki_bytes / max(1, anki_rows), 1),
        "db_mb": round(db_mb, 2),
        "anki_db_mb": round(anki_mb, 2),
    }
    figure.ratios = {
        "bytes_per_review": round(
            figure.values["bytes_per_review"] / figure.values["anki_bytes_per_review"], 3
        ),
        "db_mb": round(db_mb / anki_mb, 3),
    }
    figure.checks = [
        Check("bytes per review ratio", figure.ratios["bytes_per_review"], "<=", LIMIT),
        Check("database size ratio", figure.ratios["db_mb"], "<=", LIMIT),
    ]
    backup_s, backup_mb = _backup(collection)
    figure.notes = (
        f"{study_rows:,} study log rows, {anki_rows:,} Anki revlog rows; "
        f"a daily backup: {backup_s:.1f} s, {backup_mb:.1f} MB (compressed)"
    )
    return figure


def _backup(collection: Collection) -> tuple[float, float]:
    """Seconds and MB of a backup of the collection, made as the daily one is."""
    from study.services.maintenance import make_backup

    started = time.perf_counter()
    made = make_backup(collection.db_path, now=datetime.now(UTC))
    seconds = time.perf_counter() - started
    size = made.stat().st_size / 1e6
    shutil.rmtree(made.parent, ignore_errors=True)
    return seconds, size
