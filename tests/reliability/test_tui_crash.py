"""The real app under a pseudo-terminal, killed with SIGKILL right after a grade key:
every grade acknowledged on screen (the next card appeared) is kept, and the next
start shows the first card not yet graded."""

from __future__ import annotations

import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from reliability_helpers import PYTHON, consistency_problems, deck_file, env_for, integrity

pty = pytest.importorskip("pty")
CLI = "from study.cli import main; main()"


class Screen:
    """The output of a program on a pseudo-terminal, searched as it arrives."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the app
            os.execve(argv[0], argv, env)
        self.seen = b""

    def wait_for(self, pattern: bytes, timeout: float = 60.0) -> bool:
        # Generous: a shared CI machine can take many seconds to start a Python process.
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if re.search(pattern, self.seen):
                return True
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    return bool(re.search(pattern, self.seen))
        return False

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def _reviews(db: Path) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return int(connection.execute("SELECT count(*) FROM review").fetchone()[0])


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_app_killed_after_a_grade_key_keeps_every_acknowledged_grade(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "study.db"
    env = env_for(home) | {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    deck = deck_file(tmp_path, "pty", 80)
    imported = subprocess.run(
        [PYTHON, "-c", CLI, "--db", str(db), "import", str(deck)], env=env, capture_output=True
    )
    assert imported.returncode == 0, imported.stderr
    rng = random.Random(7)
    acknowledged = 0
    for _run in range(5):
        graded = _reviews(db)
        assert graded >= acknowledged
        screen = Screen([PYTHON, "-c", CLI, "--db", str(db), "review", "--deck", "pty"], env)
        try:
            # It resumes at the first card not graded yet (cards come in deck order).
            first = screen.wait_for(rb"Q%d\?" % (graded + 1))
            if not first and b"Traceback" in screen.seen:
                pytest.fail(screen.seen.decode(errors="replace")[-2000:])
            assert first, "the app did not show the next card to study"
            for number in range(graded + 1, graded + 1 + rng.randint(1, 5)):
                screen.press(b" ")
                time.sleep(0.1)
                screen.press(b"5")
                assert screen.wait_for(rb"Q%d\?" % (number + 1)), "no next card after a grade"
                acknowledged = number  # the next card is on screen: this grade is saved
            screen.press(b" ")
            time.sleep(0.1)
            screen.press(b"4")  # graded, and killed before anyone can see what happened
            time.sleep(rng.uniform(0.0, 0.05))
        finally:
            screen.kill()
    assert _reviews(db) >= acknowledged
    assert integrity(db) == ["ok"]
    assert consistency_problems(db) == []
