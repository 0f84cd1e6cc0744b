"""Shared fixtures: a private STUDY_HOME for every test, temporary databases, a deck factory,
a clock that stands still, and a way to run the real `study` entry point.

Every test gets its own STUDY_HOME (autouse), so no test reads or writes the real user
directories, and STUDY_DB / STUDY_PROFILE from the developer's shell never leak in.

``pytest --postgres tests/storage ...`` runs the database tests on a throwaway PostgreSQL
server (see tests/postgres_server.py) instead of SQLite: ``db_url``, ``database`` and
``run_study`` then use a new empty database on it for each test, and tests marked
``sqlite_only`` (the SQLite file itself: pragmas, locks, backups) are left out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings as hypothesis_settings

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.decks import DeckSpec, NoteSpec, Source
from study.domain.decks.writing import dump_deck
from study.storage.database import Database, open_database
from study.storage.learners import get_or_create_learner
from tests.postgres_server import PostgresServer, server_for_tests

# No timing in tests: these machines are shared and noisy, so hypothesis gets no deadline.
hypothesis_settings.register_profile("study", deadline=None)
hypothesis_settings.load_profile("study")

# A Monday evening in winter (GMT = UTC in Europe/London), far from any DST change.
START = datetime(2026, 1, 12, 18, 0, tzinfo=UTC)
ZONE = "Europe/London"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        action="store_true",
        help="Run the database tests on a throwaway PostgreSQL server instead of SQLite.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: tests of the SQLite file itself, left out under --postgres"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--postgres"):
        return
    skip = pytest.mark.skip(reason="tests the SQLite file itself (run without --postgres)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test run, started on first use, stopped at the end.

    Skipped when the machine has no server binaries, unless STUDY_TEST_POSTGRES_REQUIRED
    is set (CI sets it): then a missing server fails the run.
    """
    with server_for_tests() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_path: Path, study_home: Path) -> str:
    """This test's database URL: an SQLite file, or a PostgreSQL database (--postgres).

    On PostgreSQL the first command of the day says in one line that no daily backup is
    made (tests/postgres/test_server_backups.py): that line is taken here, as if a
    command had run earlier today, so the tests see what they see on SQLite.
    """
    if request.config.getoption("--postgres"):
        from study.domain.clock import SystemClock
        from study.domain.config import load_settings
        from study.services.maintenance import server_backup_notice

        url: str = request.getfixturevalue("postgres_url")
        server_backup_notice(url, SystemClock().now(), load_settings())
        return url
    return f"sqlite:///{db_path}"


def run_elsewhere(url: str, sql: str) -> list[tuple[object, ...]]:
    """Run ``sql`` on a connection of its own, as another process would, and commit;
    the rows it returns."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.exec_driver_sql(sql)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def study_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty STUDY_HOME (settings and default database) for this test."""
    home = tmp_path_factory.mktemp("study-home")
    monkeypatch.setenv("STUDY_HOME", str(home))
    monkeypatch.delenv("STUDY_DB", raising=False)
    monkeypatch.delenv("STUDY_PROFILE", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where this test's database file goes."""
    return tmp_path / "test.db"


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """An empty database at the current schema version, closed afterwards."""
    db = open_database(db_url)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at :data:`START`; tests move it with ``advance``."""
    return FixedClock(START)


@pytest.fixture
def settings() -> Settings:
    """Default settings in a fixed time zone (so results do not depend on the machine)."""
    return Settings(timezone=ZONE)


@pytest.fixture
def learner_id(database: Database, clock: FixedClock) -> int:
    """The id of a learner called 'default' in :func:`database`."""
    learner = database.write(lambda s: get_or_create_learner(s, "default", clock.now()))
    assert learner.id is not None
    return learner.id


def basic(
    note_id: str, front: str | None = None, back: str | None = None, **extra: object
) -> NoteSpec:
    """A basic note with readable default sides."""
    return NoteSpec(
        id=note_id,
        type="basic",
        front=front if front is not None else f"Question {note_id}?",
        back=back if back is not None else f"Answer {note_id}",
        **extra,  # type: ignore[arg-type]
    )


def cloze(note_id: str, text: str, **extra: object) -> NoteSpec:
    """A cloze note."""
    return NoteSpec(id=note_id, type="cloze", text=text, **extra)  # type: ignore[arg-type]


@dataclass
class DeckFactory:
    """Writes deck files into a temporary folder.

    ``factory.write("d", basics=3)`` writes ``d.toml`` with notes ``d-1`` .. ``d-3``;
    pass ``notes=[basic(...), cloze(...)]`` for full control.
    """

    directory: Path

    def spec(
        self,
        deck_id: str = "test-deck",
        *,
        name: str | None = None,
        basics: int = 3,
        notes: Sequence[NoteSpec] | None = None,
        version: int = 1,
        description: str = "",
    ) -> DeckSpec:
        """A deck spec; without ``notes``, ``basics`` basic notes ``<id>-1``, ``<id>-2``, ..."""
        if notes is None:
            notes = [
                basic(
                    f"{deck_id}-{i}",
                    tags=("t", f"n{i}"),
                    source=Source("material.txt", f"Sentence {i}."),
                )
                for i in range(1, basics + 1)
            ]
        return DeckSpec(
            id=deck_id,
            name=name or deck_id,
            version=version,
            description=description,
            notes=tuple(notes),
        )

    def write(
        self, deck_id: str = "test-deck", *, filename: str | None = None, **kwargs: object
    ) -> Path:
        """Write a deck file (see :meth:`spec` for the arguments) and return its path."""
        spec = self.spec(deck_id, **kwargs)  # type: ignore[arg-type]
        return self.write_spec(spec, filename=filename)

    def write_spec(self, spec: DeckSpec, *, filename: str | None = None) -> Path:
        """Write ``spec`` as a deck file."""
        path = self.directory / (filename or f"{spec.id}.toml")
        path.write_text(dump_deck(spec), encoding="utf-8")
        return path

    def write_text(self, text: str, filename: str = "deck.toml") -> Path:
        """Write raw deck file text (for invalid files)."""
        path = self.directory / filename
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def decks(tmp_path: Path) -> DeckFactory:
    """A deck-file factory writing into ``tmp_path/decks``."""
    directory = tmp_path / "decks"
    directory.mkdir()
    return DeckFactory(directory)


@dataclass
class CliResult:
    """What one run of the `study` entry point did."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_study(db_url: str) -> Iterator[object]:
    """Run the real console-script entry point (``study.cli:main``) against this test's DB.

    Unlike ``CliRunner().invoke(cli, ...)``, this goes through ``main()``, which turns
    the core's errors into one line and exit status 2, exactly as a learner sees it.
    ``--db`` is added unless the arguments name one.
    """
    from study.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | None = None, db: bool = True) -> CliResult:
        argv = ["study", *(["--db", db_url] if db and "--db" not in args else []), *args]
        with runner.isolation(input=input) as streams:
            old_argv = sys.argv
            sys.argv = argv
            try:
                main()
                code = 0
            except SystemExit as exit_:
                code = (
                    exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
                )
            finally:
                sys.argv = old_argv
            out, err = streams[0].getvalue(), streams[1].getvalue()
        return CliResult(code, out.decode(), err.decode())

    yield run
