"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, a free
local port, its unix socket in that folder, stopped (and the folder removed) at the end.

PostgreSQL refuses to run as root, so as root (CI) the server runs as an unprivileged
user (``postgres``, which Debian's package creates, else ``nobody``) through ``runuser``.
The server is tuned for tests, not for keeping data: no fsync, no synchronous commit.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

# CI sets this: a missing server is then a failure, never a skip.
REQUIRE_VARIABLE = "STUDY_TEST_POSTGRES_REQUIRED"
SUPERUSER = "study"


def server_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    candidates = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    # Debian keeps them off the PATH, one folder per major version (newest first).
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A running server: make one empty database per test with :meth:`new_database`."""

    folder: Path
    port: int
    binaries: Path
    user: str | None  # the unprivileged user it runs as, when started as root
    _numbers: Iterator[int]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE / DROP DATABASE)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = f"test_{os.getpid()}_{next(self._numbers)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=False, timeout=120
        )

    def start(self) -> None:
        data = self.folder / "data"
        made = self._run(
            str(self.binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {made.stderr.strip() or made.stdout.strip()}")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        started = self._run(
            str(self.binaries / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        if started.returncode != 0:
            log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the PostgreSQL server did not start: {started.stderr} {log}")

    def stop(self) -> None:
        self._run(
            str(self.binaries / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-m",
            "fast",
            "-w",
            "stop",
        )


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root, and no unprivileged user to run PostgreSQL as")


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a throwaway server; stop it and remove its folder afterwards.

    Raises LookupError when no server binaries exist on this machine.
    """
    binaries = server_binaries()
    if binaries is None:
        raise LookupError("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found")
    user = _unprivileged_user()
    # Not under pytest's tmp_path: its folders are private to root, and the server's
    # user must reach its own folder.
    folder = Path(tempfile.mkdtemp(prefix="study-pg-"))
    if user is not None:
        record = pwd.getpwnam(user)
        os.chown(folder, record.pw_uid, record.pw_gid)
    server = PostgresServer(folder, _free_port(), binaries, user, count(1))
    try:
        for attempt in range(3):  # the free port may be taken between probe and start
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                shutil.rmtree(folder / "data", ignore_errors=True)
                server.port = _free_port()
                time.sleep(0.2)
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def server_for_tests() -> Iterator[PostgresServer]:
    """:func:`running_server` for a test run: skipped with a message saying what to install
    when the machine has no server binaries, or failed when REQUIRE_VARIABLE is set (CI)."""
    import pytest

    try:
        server = running_server()
        started = server.__enter__()
    except LookupError as error:
        message = f"{error}; install PostgreSQL (Debian: apt-get install postgresql)"
        if os.environ.get(REQUIRE_VARIABLE):
            pytest.fail(f"{message} ({REQUIRE_VARIABLE} is set)")
        pytest.skip(message)
    try:
        yield started
    finally:
        server.__exit__(None, None, None)
