"""A long read (an export, the statistics) must not hold SQLite's write lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.storage.database import open_database


def test_an_open_read_does_not_make_a_writer_in_another_process_wait(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    reader, writer = open_database(url), open_database(url)
    try:
        with reader.session() as session:
            session.execute(sa.text("SELECT count(*) FROM card")).one()
            started = time.monotonic()
            with writer.transaction() as write:
                write.execute(sa.text("UPDATE schema_info SET version = version"))
            # With BEGIN IMMEDIATE on reads the writer would wait the whole busy timeout.
            assert time.monotonic() - started < 5
    finally:
        reader.close()
        writer.close()


def test_writes_take_the_lock_up_front(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    database = open_database(url)
    other = sqlite3.connect(tmp_path / "study.db", timeout=0, isolation_level=None)
    try:
        with database.transaction() as write:
            write.execute(sa.text("SELECT 1"))  # nothing written yet, but the lock is taken
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        database.close()
