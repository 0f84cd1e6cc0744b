"""Measurements taken from outside a process: time to first screen, and peak memory.

:func:`time_to_mark` starts a command under a pseudo-terminal (so a Textual app runs as
it does for a learner), reads what it draws, strips the escape sequences, and stops the
clock when a given word appears. Nothing in the measured program needs to know it is
measured. The child's peak resident memory comes from ``wait4``.

``python -m benchmarks.probes session URL GRADES`` opens a review session on the
collection the way ``study review`` does (workspace, then StudySession), grades
``GRADES`` cards, and prints its own peak memory as JSON.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import resource
import select
import signal
import struct
import sys
import termios
import time
from dataclasses import dataclass

_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[P^_X][^\x1b]*\x1b\\"  # DCS, PM, APC, SOS
    rb"|\x1b[@-Z\\-_]"  # two-byte sequences
    rb"|\x1b[()][0-9A-Za-z]"  # character sets
)


class ProbeError(RuntimeError):
    """The probed program exited or timed out before showing what was awaited."""


@dataclass(frozen=True)
class Probe:
    """One start of a program: seconds until the mark was drawn, and its peak memory."""

    seconds: float
    peak_rss_mb: float


def visible_text(raw: bytes) -> str:
    """What a terminal would show of ``raw``, roughly: the text without escape sequences."""
    return _ESCAPES.sub(b"", raw).decode("utf-8", errors="replace")


def time_to_mark(
    argv: list[str],
    mark: str,
    *,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 60.0,
    size: tuple[int, int] = (40, 120),
) -> Probe:
    """Start ``argv`` on a fresh pseudo-terminal of ``size`` (rows, columns); time ``mark``."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its terminal
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
            if cwd:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color", **(env or {})})
        finally:
            os._exit(127)
    received = b""
    found_at: float | None = None
    peak_mb: float | None = None
    try:
        while found_at is None:
            left = timeout - (time.perf_counter() - started)
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed its terminal
                break
            if not chunk:
                break
            received += chunk
            # Scan the tail only; a mark never spans more than a few kilobytes of drawing.
            if mark in visible_text(received[-65536:]):
                found_at = time.perf_counter()
                peak_mb = _peak_rss_mb_of(pid)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if found_at is None:
        tail = visible_text(received)[-800:]
        raise ProbeError(f"{' '.join(argv)}: {mark!r} never appeared; it showed: {tail!r}")
    # ru_maxrss (kilobytes on Linux) only where /proc is missing: it carries the parent's.
    return Probe(found_at - started, peak_mb if peak_mb is not None else usage.ru_maxrss / 1024)


def _peak_rss_mb_of(pid: int | str) -> float | None:
    """The peak resident memory of process ``pid`` (or ``"self"``) so far (its ``VmHWM``),
    in MB; None where ``/proc`` does not say.

    Not the ``ru_maxrss`` that ``wait4`` returns: Linux carries it across fork and exec,
    so a probe started by a benchmark process holding an Anki collection (the storage
    figure) reported that process's 350 MB as the app's.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def own_peak_rss_mb() -> float:
    """This process's peak resident memory since it started, in MB.

    Not ``ru_maxrss``: Linux carries it across fork and exec, so a probe started by a
    benchmark process that had loaded spaCy (the generation figure) reported the
    parent's 300 MB as its own. ``VmHWM`` belongs to the process's own memory map.
    """
    peak = _peak_rss_mb_of("self")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def session_main(url: str, grades: int) -> None:
    """Open a review session on ``url`` like ``study review``; grade; print peak memory."""
    from benchmarks.collection import BENCH_SETTINGS
    from study.services.session import StudySession
    from study.services.workspace import open_workspace

    started = time.perf_counter()
    workspace = open_workspace(url, settings=BENCH_SETTINGS)
    session = StudySession(
        workspace.database, workspace.learner_id, workspace.settings, workspace.clock
    )
    first_card = time.perf_counter() - started
    graded = 0
    while graded < grades and session.current() is not None:
        session.counts()
        session.preview()
        session.grade(5 if graded % 4 else 3, 3000)
        graded += 1
    workspace.close()
    peak = own_peak_rss_mb()
    print(json.dumps({"peak_rss_mb": peak, "graded": graded, "first_card_s": first_card}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "session":
        session_main(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: python -m benchmarks.probes session URL GRADES")
