"""Shared by the reliability tests: deck files, a grading driver run as a real process,
database fingerprints and the consistency rules every database must keep."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from study.domain.decks import DeckSpec, NoteSpec
from study.domain.decks.writing import dump_deck
from study.domain.review_log import ReviewKind, day_of
from study.services.backup_files import readable

PYTHON = sys.executable
REPO = Path(__file__).resolve().parents[2]

# A process that grades cards through the session service, printing "ACK <review id>"
# only after grade() returned (the grade is committed: the learner would see the next
# card), and "UNDO <review id>" after undo() returned. argv: db, deck ids (comma
# separated, or "all"), grades to give, seed, start time (wall clock, 0 = now), the
# longest pause before a grade (seconds), and the profile.
DRIVER = r"""
import random, sys, time
from study.domain.config import Settings
from study.services.queue import DeckScope
from study.services.session import StudySession
from study.services.workspace import open_workspace

db, decks = sys.argv[1], sys.argv[2]
count, seed, start = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
pause, profile = float(sys.argv[6]), sys.argv[7]
rng = random.Random(seed)
settings = Settings(timezone="UTC", new_per_day=100000, reviews_per_day=100000,
                    bury_siblings=False, drill_gap=2)
ws = open_workspace(db, profile, settings=settings, sync_bundled=False)
scope = DeckScope(None if decks == "all" else decks.split(","))
session = StudySession(ws.database, ws.learner_id, settings, ws.clock, scope=scope)
print("READY", flush=True)
while time.time() < start:
    time.sleep(0.001)
for _ in range(count):
    if session.current() is None:
        break
    if rng.random() < 0.1 and session.can_undo():
        card = session.undo()
        if card is not None:
            # The grade this undo cancelled, as the session knows it: looking for the
            # card's latest undo record instead would find the other window's when both
            # undo a grade of the same card at once.
            print("UNDO", session.last_undone_review, flush=True)
        continue
    time.sleep(rng.uniform(0, pause))  # the learner thinking
    outcome = session.grade(rng.choice([0, 1, 2, 3, 4, 4, 5, 5]), 1000)
    print("ACK", outcome.review_id, flush=True)
print("DONE", flush=True)
"""


def deck_file(folder: Path, deck_id: str, cards: int, *, name: str | None = None) -> Path:
    """A deck file of ``cards`` basic cards ``<deck_id>-1`` ... in ``folder``."""
    spec = DeckSpec(
        id=deck_id,
        name=name or deck_id,
        notes=tuple(
            NoteSpec(id=f"{deck_id}-{i}", type="basic", front=f"Q{i}?", back=f"A{i}")
            for i in range(1, cards + 1)
        ),
    )
    path = folder / f"{deck_id}.toml"
    path.write_text(dump_deck(spec), encoding="utf-8")
    return path


def env_for(home: Path) -> dict[str, str]:
    """The environment of a child `study` process: its own STUDY_HOME, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env["STUDY_HOME"] = str(home)
    env["PYTHONPATH"] = str(REPO)
    return env


def start_driver(
    db: Path | str,
    home: Path,
    decks: str,
    count: int,
    seed: int,
    start: float = 0.0,
    pause: float = 0.0,
    profile: str = "crash",
) -> subprocess.Popen[str]:
    """Start a grading process (see :data:`DRIVER`) on a database file or URL."""
    arguments = [str(db), decks, str(count), str(seed), str(start), str(pause), profile]
    return subprocess.Popen(
        [PYTHON, "-c", DRIVER, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(home),
    )


@contextmanager
def plain(db: Path) -> Iterator[Path]:
    """The SQLite file ``db`` itself, or a compressed backup (``*.db.zst``) unpacked."""
    with tempfile.TemporaryDirectory() as scratch, readable(db, Path(scratch) / "db") as path:
        yield path


def fingerprint(db: Path) -> str:
    """A hash of every row of every table (changes whenever the content changes)."""
    with plain(db) as path, closing(sqlite3.connect(path)) as connection:
        digest = hashlib.sha256()
        for line in connection.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()


def integrity(db: Path) -> list[str]:
    with plain(db) as path, closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def consistency_problems(db: Path | str) -> list[str]:
    """Where the schedules disagree with the review log, or undo records with each other.

    Rules: each card's schedule equals the result of its last scheduled review that was
    not undone (or the new-card defaults), its review count equals the number of such
    reviews, and no review is cancelled twice or by anything but an undo record.
    """
    problems: list[str] = []
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        states = connection.exec_driver_sql(
            "SELECT learner_id, card_id, repetitions, ease_hundredths, interval, due_day, "
            "reviews FROM card_state"
        ).fetchall()
        live = connection.exec_driver_sql(
            "SELECT r.learner_id, c.id, r.repetitions_after, r.ease_after, "
            "r.interval_after, r.due_after FROM review AS r JOIN card AS c ON c.key = r.card_key "
            f"WHERE r.kind IN ({ReviewKind.NEW.code}, {ReviewKind.REVIEW.code}) "
            "AND NOT EXISTS (SELECT 1 FROM review AS u WHERE u.cancels_id = r.id) "
            "ORDER BY r.id"
        ).fetchall()
        last: dict[tuple[int, str], tuple[object, ...]] = {}
        number: dict[tuple[int, str], int] = {}
        for learner, card, *after, due_after in live:
            # The log's due date is a day number, the schedule's a date (text in SQLite).
            due_text = None if due_after is None else day_of(due_after).isoformat()
            last[(learner, card)] = (*after, due_text)
            number[(learner, card)] = number.get((learner, card), 0) + 1
        for learner, card, repetitions, ease, interval, due, reviews in states:
            due = None if due is None else str(due)
            expected = last.get((learner, card), (0, 250, 0, None))
            if (repetitions, ease, interval, due) != expected:
                problems.append(
                    f"{card}: schedule {(repetitions, ease, interval, due)} != log {expected}"
                )
            if reviews != number.get((learner, card), 0):
                logged = number.get((learner, card), 0)
                problems.append(f"{card}: {reviews} reviews counted, {logged} in the log")
        missing = set(last) - {(s[0], s[1]) for s in states}
        problems += [f"{card}: reviewed but has no schedule" for _, card in sorted(missing)]
        twice = connection.exec_driver_sql(
            "SELECT cancels_id FROM review WHERE cancels_id IS NOT NULL "
            "GROUP BY cancels_id HAVING count(*) > 1"
        ).fetchall()
        problems += [f"review {row[0]} cancelled twice" for row in twice]
        odd = connection.exec_driver_sql(
            f"SELECT id FROM review WHERE (kind = {ReviewKind.UNDO.code}) "
            "!= (cancels_id IS NOT NULL)"
        ).fetchall()
        problems += [f"review {row[0]}: undo without target, or target without undo" for row in odd]
    engine.dispose()
    return problems


def can_unshare() -> bool:
    """Whether this machine lets a test mount file systems in a private namespace."""
    probe = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    try:
        return subprocess.run([*probe, "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def filled_database(folder: Path, now: datetime, cards: int = 20) -> Path:
    """``folder/study.db`` with one deck of ``cards`` basic cards (no backup made)."""
    from study.domain.clock import FixedClock
    from study.domain.config import Settings
    from study.services.library import import_deck_files
    from study.services.workspace import open_workspace

    folder.mkdir(parents=True, exist_ok=True)  # a --db folder must exist
    db = folder / "study.db"
    workspace = open_workspace(
        str(db), clock=FixedClock(now), settings=Settings(daily_backup=False), sync_bundled=False
    )
    import_deck_files(workspace.database, [deck_file(folder, "d", cards)], now)
    workspace.close()
    return db


def kill_after_ready(
    script: str, arguments: list[str], home: Path, rng: random.Random, longest: float
) -> None:
    """Run ``script`` (which prints READY when it starts its work) and SIGKILL it at a
    random moment up to ``longest`` seconds later."""
    process = subprocess.Popen(
        [PYTHON, "-c", script, *arguments], stdout=subprocess.PIPE, text=True, env=env_for(home)
    )
    assert process.stdout is not None and process.stdout.readline().startswith("READY")
    time.sleep(rng.uniform(0.0, longest))
    process.send_signal(signal.SIGKILL)
    process.wait()
