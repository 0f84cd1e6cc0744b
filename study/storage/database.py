"""Opening the database: engine, SQLite pragmas, schema version and migrations.

Any SQLAlchemy URL works; the default is an SQLite file in the user data directory,
in WAL mode with ``synchronous=NORMAL`` (durable across application crashes; the
``synchronous`` setting offers FULL), foreign keys on and a busy timeout. SQLite
transactions begin IMMEDIATE, so two processes grading at once wait their turn
instead of failing with "database is locked".

PostgreSQL (``postgresql+psycopg://``) is the supported server. It has no lock on the
whole database, so writers take turns in two ways: a grade locks its learner's row
(:func:`study.storage.learners.lock_learner`), so one learner's windows take turns
while a class grades side by side; every other write (creating the schema, migrating,
importing decks, adding profiles, undo, flags) takes one transaction-level advisory
lock, the one-writer-at-a-time rule SQLite keeps for every write.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# Session is re-exported: the handle of a read or a transaction that services pass to
# storage's functions without importing SQLAlchemy themselves.
from sqlmodel import Session as Session
from sqlmodel import SQLModel

from study.domain.errors import StorageError as StorageError
from study.domain.errors import UserError
from study.storage import compact_log, models, tag_migration
from study.storage.store import Store
from study.storage.version import SCHEMA_VERSION as SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000
# The advisory lock every write but a grade takes on a server (any fixed number will do:
# it only has to be the same in every study process).
WRITER_LOCK = 0x5354_5544_59  # "STUDY"
T = TypeVar("T")


def take_writer_lock(connection: Connection) -> None:
    """On a database server, wait for the other writers' transactions to end and keep
    them waiting until this one ends (SQLite's BEGIN IMMEDIATE does this already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})


def _migrate_1_to_2(connection: Connection) -> None:
    # Version 2 indexes undo records, so "not cancelled" is an index lookup per review.
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_review_cancels ON review (cancels_id) "
        "WHERE cancels_id IS NOT NULL"
    )


def _migrate_2_to_3(connection: Connection) -> None:
    # Version 3 replaces the (learner, day) index of the review log with one that covers
    # every column the statistics group by, so a year of history is read from the index.
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_review_stats ON review (learner_id, study_day, kind, "
        "grade, repetitions_before, interval_before, answer_ms)"
    )
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_review_learner_day")


def _migrate_3_to_4(connection: Connection) -> None:
    # Version 4 indexes the schedules waiting to be drilled, so starting a session finds
    # today's drills without reading every schedule of the learner.
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_card_state_drill ON card_state (learner_id, drill_day) "
        "WHERE drill_day IS NOT NULL"
    )


def _migrate_4_to_5(connection: Connection) -> None:
    # Version 5 indexes cards by deck in file order, so a session picks each deck's next
    # new cards by reading that deck's first cards instead of sorting the whole collection.
    # It serves lookups by deck alone too, so it replaces the deck_id index.
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_card_deck_position ON card (deck_id, position)"
    )
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_card_deck_id")


def _migrate_5_to_6(connection: Connection) -> None:
    # Version 6 adds the card and the time to the statistics' index, so the window's
    # figures (per deck, per tag, hour of day) and any statistics of one deck or tag are
    # read from the index too, not from one log row per grade.
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_review_stats")
    connection.exec_driver_sql(
        "CREATE INDEX ix_review_stats ON review (learner_id, study_day, kind, grade, "
        "repetitions_before, interval_before, answer_ms, card_id, reviewed_at)"
    )


def _migrate_6_to_7(connection: Connection) -> None:
    # Version 7 logs suspend, bury, flag and edit made in a session, so undo reaches them.
    models.CardAction.__table__.create(connection)  # type: ignore[attr-defined]


def _migrate_7_to_8(connection: Connection) -> None:
    # Version 8 marks tutors, who see the whole class (study class). The profile that
    # created the database, the first one, becomes its tutor: it has always seen every
    # profile, and nothing it saw before is hidden from it now.
    connection.exec_driver_sql(
        "ALTER TABLE learner ADD COLUMN tutor BOOLEAN NOT NULL DEFAULT FALSE"
    )
    connection.exec_driver_sql(
        "UPDATE learner SET tutor = TRUE WHERE id = (SELECT min(id) FROM learner)"
    )


def _migrate_8_to_9(connection: Connection) -> None:
    # Version 9 stores the review log compactly: small integers, no JSON per review
    # (study.storage.compact_log says how each row is converted).
    compact_log.migrate_8_to_9(connection)


def _migrate_9_to_10(connection: Connection) -> None:
    # Version 10 stores a note's tags once, as note_tag rows with their matching key
    # (study.storage.tag_migration says how).
    tag_migration.migrate_9_to_10(connection)


# MIGRATIONS[n] upgrades a database at version n to version n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
    5: _migrate_5_to_6,
    6: _migrate_6_to_7,
    7: _migrate_7_to_8,
    8: _migrate_8_to_9,
    9: _migrate_9_to_10,
}


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None (another database, in memory, or a URL that
    does not parse: :func:`open_database` says what is wrong with it)."""
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):  # an SQLite URI (uri=true): its path
        return Path(unquote(urlsplit(parsed.database).path))
    return Path(parsed.database)


class Prepared:
    """A Core statement compiled once per dialect, for :class:`DirectConnection`.

    The grading path runs a handful of small statements per answer; building, caching
    and executing them through a SQLAlchemy Session costs several times what SQLite
    spends on them (issue 9). A ``Prepared`` keeps the compiled SQL with every value's
    bind processor (the column types' own, so a date or an aware datetime is stored
    exactly as the ORM stores it) and the result processors of what it selects.
    Values are always bound, never formatted into the SQL.
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: sa.engine.Dialect) -> _Compiled:
        """The statement compiled for ``dialect`` (once)."""
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled.of(self.statement, dialect)
        return found


def binds(table: sa.Table, names: Iterable[str]) -> dict[str, Any]:
    """A bind parameter for each column ``names`` of ``table``, typed as the column is
    (so a :class:`Prepared` statement binds values with the column's own processor)."""
    return {name: sa.bindparam(name, type_=table.c[name].type) for name in names}


_REQUIRED = object()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]  # name, default, processor
    results: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Any, dialect: sa.engine.Dialect) -> _Compiled:
        compiled = statement.compile(dialect=dialect)
        binds = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            # The dialect's own form of the type: SQLite stores dates and times as text.
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            binds.append((name, _REQUIRED if bind.required else bind.value, process))
        columns = getattr(statement, "selected_columns", ())
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
        return cls(compiled.string, tuple(binds), results)

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        bound = []
        for name, default, process in self.binds:
            # A value the statement carries (a literal in a condition), unless given;
            # a bind without one must be given: a KeyError, never a silent NULL.
            value = values[name] if default is _REQUIRED else values.get(name, default)
            bound.append(process(value) if process is not None else value)
        return tuple(bound)

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            process(value) if process is not None else value
            for process, value in zip(self.results, raw, strict=True)
        )


class DirectConnection:
    """One write transaction for a hot path: run :class:`Prepared` statements.

    On SQLite the statements run on the driver's own connection (no Session, no
    per-statement SQLAlchemy execution); on any other database they take the ordinary
    Core path, so every SQLAlchemy URL keeps working.
    """

    locks_rows: bool  # whether a write must lock the rows it reads (a server) or not

    def rows(self, prepared: Prepared, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows a SELECT returns, with the column types applied."""
        raise NotImplementedError

    def run(self, prepared: Prepared, values: Mapping[str, Any]) -> int | None:
        """Run an INSERT, UPDATE or DELETE; the new row's id for an INSERT."""
        raise NotImplementedError


class _DriverConnection(DirectConnection):
    # SQLite: BEGIN IMMEDIATE holds the whole file, so rows need no locks of their own.
    locks_rows = False

    def __init__(self, cursor: Any, dialect: sa.engine.Dialect) -> None:
        self.cursor = cursor
        self.dialect = dialect
        self.sql = ""  # the statement running, for the error that may come of it

    def execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
        self.sql = sql
        return self.cursor.execute(sql, parameters)

    def rows(self, prepared: Prepared, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = prepared.compiled(self.dialect)
        raw = self.execute(compiled.sql, compiled.parameters(values)).fetchall()
        return [compiled.row(row) for row in raw]

    def run(self, prepared: Prepared, values: Mapping[str, Any]) -> int | None:
        compiled = prepared.compiled(self.dialect)
        self.execute(compiled.sql, compiled.parameters(values))
        row_id: int | None = self.cursor.lastrowid
        return row_id


class _CoreConnection(DirectConnection):
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.locks_rows = connection.dialect.name != "sqlite"

    def rows(self, prepared: Prepared, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.connection.execute(prepared.statement, dict(values))]

    def run(self, prepared: Prepared, values: Mapping[str, Any]) -> int | None:
        result = self.connection.execute(prepared.statement, dict(values))
        if result.is_insert and result.inserted_primary_key:
            key = result.inserted_primary_key[0]
            return key if isinstance(key, int) else None
        return None


_PARAMETER = re.compile(r"(?<!:):(\w+)")


class SqlStore(Store):
    """The store (:class:`study.storage.store.Store`) on a SQLAlchemy connection, on any
    database: the very statements the first screen runs with sqlite3.

    Each value is bound with the type SQLAlchemy infers from it (a date as a ``Date``, a
    list expanded for ``IN``), so the dialect stores and compares it as its columns do.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        used = set(_PARAMETER.findall(sql))  # a statement may leave some of params unused
        binds: list[sa.BindParameter[Any]] = [
            sa.bindparam(name, value, expanding=isinstance(value, list))
            for name, value in params.items()
            if name in used
        ]
        result = self.connection.execute(sa.text(sql).bindparams(*binds))
        try:
            for row in result:
                yield tuple(row)
        finally:
            result.close()


class Database:
    """An open, migrated database; hands out sessions and short transactions."""

    def __init__(self, url: str, *, synchronous: str = "NORMAL") -> None:
        self.url = url
        self.path = sqlite_path(url)
        self.engine = _create_engine(url, synchronous)
        # Reads begin DEFERRED: a long export or statistics query never holds the write
        # lock, so a learner grading in another terminal does not wait for it.
        self.read_engine = self.engine.execution_options(sqlite_begin="DEFERRED")
        # Whether write_direct() runs on the driver's connection (SQLite) or on Core.
        self.direct = self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """A session for reading; use :meth:`transaction` to write."""
        return Session(self.read_engine, expire_on_commit=False)

    @contextmanager
    def store(self) -> Iterator[SqlStore]:
        """One read transaction of the store (:mod:`study.storage.store`: the queue, the
        home screen)."""
        with self.session() as session:
            yield SqlStore(session.connection())

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            take_writer_lock(session.connection())
            yield session

    def write(self, work: Callable[[Session], T], attempts: int = 5) -> T:
        """Run ``work`` in one transaction, retrying while another process holds the lock."""
        for attempt in range(attempts):
            try:
                with self.transaction() as session:
                    return work(session)
            except sa.exc.OperationalError as error:
                if "locked" not in str(error.orig) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def write_direct(self, work: Callable[[DirectConnection], T], attempts: int = 5) -> T:
        """Like :meth:`write`, for a hot path of :class:`Prepared` statements.

        One transaction (BEGIN IMMEDIATE on SQLite), committed before this returns, and
        retried while another process holds the lock. A driver error comes out wrapped
        as SQLAlchemy wraps it (``sa.exc.OperationalError`` ...), as from :meth:`write`.
        """
        for attempt in range(attempts):
            try:
                if not self.direct:
                    with self.engine.begin() as connection:
                        return work(_CoreConnection(connection))
                return self._driver_transaction(work)
            except sa.exc.OperationalError as error:
                if "locked" not in str(error.orig) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _driver_transaction(self, work: Callable[[DirectConnection], T]) -> T:
        connection = self.engine.raw_connection()
        driver = _DriverConnection(connection.cursor(), self.engine.dialect)
        try:
            driver.execute("BEGIN IMMEDIATE")
            try:
                result = work(driver)
                driver.execute("COMMIT")
            except BaseException:
                if connection.driver_connection.in_transaction:  # type: ignore[union-attr]
                    driver.cursor.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise sa.exc.DBAPIError.instance(driver.sql, None, error, sqlite3.Error) from None
        finally:
            driver.cursor.close()
            connection.close()
        return result

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def _create_engine(url: str, synchronous: str) -> Engine:
    is_sqlite = sa.engine.make_url(url).get_backend_name() == "sqlite"
    if not is_sqlite:
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module so BEGIN IMMEDIATE works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if sqlite_path(url) is not None:
            _use_wal(cursor)
        cursor.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'FULL' else 'NORMAL'}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # Writers take the lock up front (waiting for it), instead of failing on upgrade.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql("BEGIN DEFERRED" if mode == "DEFERRED" else "BEGIN IMMEDIATE")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once; the switch needs a moment alone with the file."""
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    # Changing the journal mode gets "locked" at once, without the busy timeout, when
    # another process is creating the same new database: wait for it like a writer would.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def schema_version(engine: Engine) -> int | None:
    """The database's schema version; None for an empty database."""
    inspector = sa.inspect(engine)
    if not inspector.has_table("schema_info"):
        return None if not inspector.get_table_names() else 0
    with engine.connect() as connection:
        value = connection.exec_driver_sql("SELECT version FROM schema_info").scalar()
    return int(value) if value is not None else 0


def open_database(
    url: str,
    *,
    synchronous: str = "NORMAL",
    before_migration: Callable[[Database, int], None] | None = None,
) -> Database:
    """Open ``url``, creating the schema or migrating it to :data:`SCHEMA_VERSION`.

    ``before_migration`` runs before an existing database is upgraded (it backs it up).
    """
    path = sqlite_path(url)
    name = shown_name(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot create the data directory {path.parent} ({error.strerror}); "
                "choose another place with --db or STUDY_DB"
            ) from None
    try:
        database = Database(url, synchronous=synchronous)
    except (sa.exc.ArgumentError, ValueError, TypeError) as error:
        # Unparsable, a dialect SQLAlchemy lacks, or a bad value (port=x, ?timeout=abc).
        raise UserError(
            f"{name}: not a database study can open ({error}); give an SQLite file, or an "
            "SQLAlchemy URL such as postgresql+psycopg://user@host/study"
        ) from None
    except ModuleNotFoundError as error:
        remedy = (
            "pip install 'study[postgres]'"
            if str(error.name).startswith("psycopg")
            else "install it in study's environment"
        )
        raise UserError(
            f"{name}: the driver for this database ({error.name}) is not installed; "
            f"{remedy}, or use an SQLite file"
        ) from None
    try:
        version = schema_version(database.engine)
        if version is None:
            with database.engine.begin() as connection:
                take_writer_lock(connection)
                # Another process may have created it while this one waited for the lock.
                if not sa.inspect(connection).has_table("schema_info"):
                    SQLModel.metadata.create_all(connection)
                    connection.execute(
                        sa.insert(models.SchemaInfo).values(id=1, version=SCHEMA_VERSION)
                    )
            version = schema_version(database.engine)
        if version is None or version == SCHEMA_VERSION:
            pass
        elif version > SCHEMA_VERSION:
            database.close()
            raise StorageError(
                f"{name}: this database is at schema version {version}, newer than this "
                f"study reads (up to version {SCHEMA_VERSION}); install a study that reads "
                f"schema version {version} (pip install -U study)"
            )
        elif version < SCHEMA_VERSION:
            if version < 1:
                database.close()
                raise StorageError(f"{name}: this is not a study database; use another --db")
            if before_migration is not None:
                before_migration(database, version)
            migrate(database.engine, version)
    except sa.exc.DatabaseError as error:
        database.close()
        raise StorageError(_explain(url, error)) from None
    except OSError as error:
        database.close()
        raise StorageError(f"{name}: cannot open the database ({error})") from None
    return database


def migrate(engine: Engine, version: int) -> None:
    """Upgrade from ``version`` to :data:`SCHEMA_VERSION`, one step per transaction."""
    while version < SCHEMA_VERSION:
        with engine.begin() as connection:
            take_writer_lock(connection)
            # Read again under the write lock: another process may have migrated meanwhile.
            version = int(
                connection.exec_driver_sql("SELECT version FROM schema_info").scalar_one()
            )
            if version >= SCHEMA_VERSION:
                break
            MIGRATIONS[version](connection)
            version += 1
            connection.execute(sa.text("UPDATE schema_info SET version = :v"), {"v": version})


def shown_name(url: str) -> str:
    """How a message names the database: an SQLite file by its path, any other database
    by its URL with the password hidden."""
    try:
        path = sqlite_path(url)
        return str(path) if path else sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)  # the password, hidden anyway


def _explain(url: str, error: sa.exc.DatabaseError) -> str:
    return explain_error(url, str(error.orig))


def explain_error(url: str, reason: str) -> str:
    """One line for a database error ``reason``: what went wrong and what to do."""
    name = shown_name(url)
    reason = " ".join(reason.split())  # a server's message may run over several lines
    if "connection failed" in reason or "could not connect" in reason:
        return (
            f"{name}: cannot reach the database server ({reason}); check the URL, and that "
            "the server is running and accepts connections"
        )
    if "authentication failed" in reason or "no password supplied" in reason:
        return (
            f"{name}: the database server refused the login ({reason}); check the user "
            "and password in the URL"
        )
    if any(sign in reason for sign in ("not a database", "malformed", "unsupported file format")):
        return (
            f"{name}: the database file is damaged ({reason}); run `study doctor` or restore "
            "a backup (`study backup --restore`)"
        )
    if "readonly" in reason or "unable to open" in reason:
        return f"{name}: cannot write the database ({reason}); check its folder's permissions"
    if "disk is full" in reason or "full" in reason:
        return f"{name}: the disk is full; free some space and try again"
    if "disk I/O error" in reason:
        return (
            f"{name}: the database file could not be written ({reason}); the disk may be "
            "full or failing: free some space, then run `study doctor`"
        )
    if "locked" in reason or "busy" in reason:
        return (
            f"{name}: another program kept the database busy for over "
            f"{BUSY_TIMEOUT_MS // 1000} s; close other study windows and try again"
        )
    return f"{name}: database error ({reason})"
