"""Write ``tests/fixtures/schema_vN.sql``: a filled database at a released schema.

Run it once per released schema, with that release's code on the path (the last commit
of main at that schema version), e.g.::

    git archive 8a34fe1 study | tar -x -C /tmp/release
    PYTHONPATH=/tmp/release python tests/reliability/freeze_schema.py 2 tests/fixtures/schema_v2.sql

The releases (``git log -p study/storage/version.py``; before it, study/storage/database.py):
v2 8a34fe1, v3 7795cc0, v4 afbbe44, v5 1ae593b, v6 d179a38, v7 8bc5a27, v8 ad1db75, v9 1d28752.
v1 was never on main alone: its dump is v2's code without the ``ix_review_cancels``
index (for version 1 the script removes it); it was made with 0f5355c and an earlier
form of this script (no cram sitting, one undo), and is kept as it was frozen.

The data: two decks (one a child deck, with cloze notes whose siblings are buried, and a
retired note), two learners, three days of graded reviews with same-day drills, undone
grades, a cram sitting, a suspended, a buried and a flagged card (logged in
``card_action`` from version 7 on). ``test_migrations.py`` upgrades each dump, checks
that every row is still there, and undoes the last day's grades on the upgraded file.
The script only uses what every release has, so one script serves them all.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.decks import DeckSpec, NoteSpec, Source
from study.domain.decks.writing import dump_deck
from study.services.library import import_deck_files

try:
    from study.services.queue import DeckScope
except ImportError:  # before version 6, the scope lived with the session
    from study.services.session import DeckScope  # type: ignore[attr-defined,no-redef]
from study.services.session import StudySession
from study.storage.database import open_database
from study.storage.learners import get_or_create_learner

START = datetime(2026, 1, 12, 18, 0, tzinfo=UTC)


def _decks(folder: Path) -> list[Path]:
    (folder / "material.txt").write_text("Avascular necrosis is also called osteonecrosis.\n")
    hip = DeckSpec(
        id="hip",
        name="Orthopaedics::Hip",
        version=2,
        description="Hip & spine <b>facts</b>",
        material=("material.txt",),
        notes=(
            NoteSpec(
                id="avn-name",
                type="basic",
                front="What is the other name of avascular necrosis?",
                back="Osteonecrosis",
                tags=("hip", "avn"),
                source=Source("material.txt", "Avascular necrosis is also called osteonecrosis."),
            ),
            NoteSpec(
                id="avn-causes",
                type="cloze",
                text="AVN causes: {{c1::steroids}}, {{c2::alcohol}}, {{c3::sickle cell}}",
                extra="Mnemonic: ASS",
                tags=("hip",),
            ),
            *(
                NoteSpec(id=f"hip-{i}", type="basic", front=f"Hip question {i}?", back=f"A{i}")
                for i in range(1, 9)
            ),
        ),
    )
    spine = DeckSpec(
        id="spine",
        name="Orthopaedics::Spine",
        notes=tuple(
            NoteSpec(id=f"spine-{i}", type="basic", front=f"Spine [b]{i}[/b]?", back="é ✓")
            for i in range(1, 6)
        ),
    )
    paths = []
    for spec in (hip, spine):
        path = folder / f"{spec.id}.toml"
        path.write_text(dump_deck(spec), encoding="utf-8")
        paths.append(path)
    return paths


def build(db_file: Path, folder: Path) -> None:
    clock = FixedClock(START)
    settings = Settings(timezone="Europe/London", new_per_day=10)
    database = open_database(f"sqlite:///{db_file}")
    paths = _decks(folder)
    import_deck_files(database, paths, clock.now())
    alice = database.write(lambda s: get_or_create_learner(s, "alice", clock.now()))
    bob = database.write(lambda s: get_or_create_learner(s, "bob", clock.now()))
    assert alice.id is not None and bob.id is not None
    for day in range(3):
        session = StudySession(database, alice.id, settings, clock)
        for grade in [5, 3, 4, 2, 5, 4, 1, 5, 4, 3, 5, 5, 4, 4]:
            if session.current() is None:
                break
            session.grade(grade, 1500 + 100 * grade)
            clock.advance(seconds=40)
            if grade == 1:  # an undone grade, given again
                session.undo()
        if day == 1:
            session.undo()
            session.flag("unclear wording")
            session.suspend()
            session.bury()
        if day == 2:
            cram = StudySession(database, alice.id, settings, clock, cram=True)
            for grade in [5, 2]:
                cram.grade(grade, 2000)
            session = StudySession(database, alice.id, settings, clock)  # a second sitting
            for grade in [4, 5]:
                if session.current() is not None:
                    session.grade(grade, 1700)
        clock.advance(days=1)
    other = StudySession(database, bob.id, settings, clock, scope=DeckScope(["spine"]))
    for grade in [4, 5, 0]:
        other.grade(grade, 900)
    # A note removed from its file is retired, with its history kept.
    hip = paths[0]
    hip.write_text(hip.read_text().split('[[cards]]\nid = "hip-8"')[0], encoding="utf-8")
    import_deck_files(database, paths, clock.now())
    database.close()


def freeze(version: int, output: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        db_file = Path(scratch) / "study.db"
        build(db_file, Path(scratch))
        connection = sqlite3.connect(db_file)
        if version == 1:
            connection.execute("DROP INDEX ix_review_cancels")
        connection.execute("UPDATE schema_info SET version = ?", (version,))
        connection.commit()
        lines = list(connection.iterdump())
        connection.close()
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    freeze(int(sys.argv[1]), Path(sys.argv[2]))
