"""Each figure of the benchmark: the app's number, its baseline's, and the target.

A figure whose module is not built yet is reported as "not measured", never guessed.
Timed pairs alternate app and baseline runs so that a noisy neighbour slows both.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import baselines, probes
from benchmarks.collection import (
    BENCH_SETTINGS,
    CARD_MARK,
    DECK_MARK,
    Collection,
    Sizes,
    deck_spec,
)
from benchmarks.material import material

REPO_ROOT = Path(__file__).resolve().parent.parent
GRADE_CYCLE = (5, 4, 5, 3, 5, 4, 2, 5, 4, 5)
WARMUP = 5
# Timed grade pairs between two checkpoints of the write-ahead log; each pair writes a
# dozen pages or so, so SQLite's own checkpoint at 1,000 pages never comes first.
CHECKPOINT_EVERY = 20


@dataclass
class Check:
    """One target: ``value op limit``, e.g. the p99 ratio <= 2."""

    label: str
    value: float
    op: str  # "<=" or "<"
    limit: float

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.op == "<=" else self.value < self.limit


@dataclass
class Figure:
    """One row of the results: measured values, ratios to the baseline, and targets."""

    key: str
    title: str
    baseline: str
    target: str
    values: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    not_measured: str | None = None
    notes: str = ""

    @property
    def met(self) -> bool | None:
        if self.not_measured is not None:
            return None
        return all(check.met for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "baseline": self.baseline,
            "target": self.target,
            "status": "not measured" if self.not_measured else "measured",
            "reason": self.not_measured,
            "values": self.values,
            "ratios": self.ratios,
            "checks": [
                {"label": c.label, "value": c.value, "op": c.op, "limit": c.limit, "met": c.met}
                for c in self.checks
            ],
            "met": self.met,
            "notes": self.notes,
        }


def module_missing(name: str) -> bool:
    """Whether a module of the app does not exist (yet)."""
    try:
        return importlib.util.find_spec(name) is None
    except ModuleNotFoundError:
        return True


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 4)


def _alternate(
    app: Callable[[], float], baseline: Callable[[], float], repeats: int
) -> tuple[float, float]:
    """Median seconds of ``app`` and ``baseline`` run in turn ``repeats`` times each."""
    app_times, base_times = [], []
    for _ in range(repeats):
        base_times.append(baseline())
        app_times.append(app())
    return statistics.median(app_times), statistics.median(base_times)


# ---------------------------------------------------------------- grading and next card


def grading_and_next_card(collection: Collection, sizes: Sizes) -> list[Figure]:
    """Grade cards through StudySession, interleaved with the bare sqlite3 grader."""
    from study.domain.clock import SystemClock
    from study.services.session import StudySession
    from study.services.workspace import open_workspace

    grading = Figure(
        "grading",
        "grading one card (state + review, committed)",
        "bare sqlite3 transaction, same writes, same file and pragmas",
        "<= 2x at p50 and p99",
    )
    next_card = Figure(
        "next_card",
        "the session's next card (current + counts + preview)",
        "-",
        "< 5 ms p99",
    )
    workspace = open_workspace(collection.url, settings=BENCH_SETTINGS, clock=SystemClock())
    bare = baselines.BareGrader(collection.db_path, collection.learner_id)
    try:
        started = time.perf_counter()
        session = StudySession(
            workspace.database, workspace.learner_id, workspace.settings, workspace.clock
        )
        session.current()
        session_start = time.perf_counter() - started
        base_cards = bare.due_cards(collection.today, sizes.grades + WARMUP)
        app_times: list[float] = []
        base_times: list[float] = []
        next_times: list[float] = []
        for index in range(min(sizes.grades, len(base_cards)) + WARMUP):
            if session.current() is None:
                break
            grade = GRADE_CYCLE[index % len(GRADE_CYCLE)]
            now = datetime.now(UTC)
            t0 = time.perf_counter()
            bare.grade(base_cards[index % len(base_cards)], grade, now, collection.today)
            t1 = time.perf_counter()
            session.grade(grade, 3000)
            t2 = time.perf_counter()
            session.current()
            session.counts()
            session.preview()
            t3 = time.perf_counter()
            if index % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1:
                bare.checkpoint()  # untimed: see BareGrader.checkpoint
            if index >= WARMUP:
                base_times.append(t1 - t0)
                app_times.append(t2 - t1)
                next_times.append(t3 - t2)
    finally:
        bare.close()
        workspace.close()
    if len(app_times) < 10:
        grading.not_measured = next_card.not_measured = (
            f"the session ran out of cards after {len(app_times)} grades"
        )
        return [grading, next_card]
    app50, app99 = _percentile(app_times, 0.5), _percentile(app_times, 0.99)
    base50, base99 = _percentile(base_times, 0.5), _percentile(base_times, 0.99)
    grading.values = {
        "app_p50_ms": _ms(app50),
        "app_p99_ms": _ms(app99),
        "baseline_p50_ms": _ms(base50),
        "baseline_p99_ms": _ms(base99),
        "grades": len(app_times),
    }
    grading.ratios = {"p50": app50 / base50, "p99": app99 / base99}
    grading.checks = [
        Check("p50 ratio", grading.ratios["p50"], "<=", 2.0),
        Check("p99 ratio", grading.ratios["p99"], "<=", 2.0),
    ]
    next50, next99 = _percentile(next_times, 0.5), _percentile(next_times, 0.99)
    next_card.values = {
        "p50_ms": _ms(next50),
        "p99_ms": _ms(next99),
        "session_start_ms": _ms(session_start),
        "cards": len(next_times),
    }
    next_card.checks = [Check("p99 ms", next_card.values["p99_ms"], "<", 5.0)]
    grading.notes = (
        f"{WARMUP} warm-up grades of each left out; the write-ahead log is checkpointed "
        f"every {CHECKPOINT_EVERY} pairs of grades (untimed), so no timed commit pays for "
        "SQLite's automatic checkpoint (10-15 ms, on whichever commit crosses 1,000 "
        "pages); the baseline asks for a card's siblings only for a cloze card, as "
        "the app does"
    )
    return [grading, next_card]


# ---------------------------------------------------------------- startup


def study_command() -> list[str]:
    """How to start the installed ``study`` command from this interpreter."""
    script = Path(sys.executable).parent / "study"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from study.cli import main; main()"]


def startup(collection: Collection, repeats: int) -> Figure:
    """``study review`` under a pty until a card is drawn, against a minimal Textual app."""
    figure = Figure(
        "startup",
        "`study review` started as a process, to the first card on screen",
        "a minimal Textual app started as a process, to its first screen",
        "<= 2.5x and < 1 s",
    )
    return _start(figure, collection, ["review"], CARD_MARK, repeats)


def home(collection: Collection, repeats: int) -> Figure:
    """``study`` under a pty until the deck list is drawn (not an issue's target: the same
    bar as ``study review``, since it is the screen a learner opens most)."""
    figure = Figure(
        "home",
        "`study` started as a process, to the deck list on screen",
        "a minimal Textual app started as a process, to its first screen",
        "<= 2.5x and < 1 s",
    )
    return _start(figure, collection, [], DECK_MARK, repeats)


def _start(
    figure: Figure, collection: Collection, command: list[str], mark: str, repeats: int
) -> Figure:
    """Time ``study <command>`` to ``mark`` against the minimal Textual app, alternately."""
    if module_missing("study.tui.app"):
        figure.not_measured = "study.tui not built yet"
        return figure
    env = {"STUDY_HOME": str(collection.home), "STUDY_PROFILE": "default"}
    app_argv = [*study_command(), "--db", collection.url, *command]
    base_argv = [sys.executable, "-m", "benchmarks.baselines", "textual-app"]
    peaks: list[float] = []

    def app(timeout: float = 60.0) -> float:
        probe = probes.time_to_mark(app_argv, mark, env=env, cwd=str(REPO_ROOT), timeout=timeout)
        peaks.append(probe.peak_rss_mb)
        return probe.seconds

    def base() -> float:
        return probes.time_to_mark(base_argv, baselines.READY_MARK, cwd=str(REPO_ROOT)).seconds

    try:
        app(timeout=600)  # the first start warms the file cache (and does once-a-day work)
        base()
        app_s, base_s = _alternate(app, base, repeats)
    except probes.ProbeError as error:
        figure.not_measured = f"the probe failed: {error}"
        return figure
    figure.values = {"app_s": app_s, "baseline_s": base_s, "app_peak_rss_mb": max(peaks)}
    figure.ratios = {"time": app_s / base_s}
    figure.checks = [
        Check("ratio", figure.ratios["time"], "<=", 2.5),
        Check("seconds", app_s, "<", 1.0),
    ]
    figure.notes = (
        f"median of {repeats} starts after one warm-up start of each (the warm-up also "
        "imports the bundled deck, as a learner's first start does); the screen is read by "
        "study.services.first_card with sqlite3 before SQLAlchemy loads, and the workspace "
        "opens in the background once it is drawn (a key pressed meanwhile waits for it)"
    )
    return figure


# ---------------------------------------------------------------- stats


def stats(collection: Collection, repeats: int) -> Figure:
    """The full stats of the collection, against the same figures by hand-written SQL."""
    figure = Figure(
        "stats",
        "full stats",
        "the same figures by hand-written SQL",
        "<= 1.5x and < 1 s",
    )
    if module_missing("study.services.stats"):
        figure.not_measured = "study.services.stats not built yet"
        return figure
    from benchmarks import stats_sql

    try:
        app_s, base_s = stats_sql.measure(collection, repeats)
    except stats_sql.NotComparable as error:
        figure.not_measured = str(error)
        return figure
    figure.values = {"app_s": app_s, "baseline_s": base_s}
    figure.ratios = {"time": app_s / base_s}
    figure.checks = [
        Check("ratio", figure.ratios["time"], "<=", 1.5),
        Check("seconds", app_s, "<", 1.0),
    ]
    return figure


# ---------------------------------------------------------------- export


def export(collection: Collection, repeats: int, workdir: Path) -> Figure:
    """Export every note of the collection to .apkg, against bare genanki."""
    figure = Figure(
        "export",
        "export the collection's notes to .apkg",
        "bare genanki writing the same notes",
        "<= 1.3x",
    )
    if module_missing("study.services.anki_export"):
        figure.not_measured = "study.services.anki_export not built yet"
        return figure
    from benchmarks import export_app

    counts: dict[str, int] = {}

    def app() -> float:
        out = workdir / "app.apkg"
        started = time.perf_counter()
        counts["app"] = export_app.export_all(collection, out)
        return time.perf_counter() - started

    def base() -> float:
        out = workdir / "baseline.apkg"
        started = time.perf_counter()
        counts["baseline"] = baselines.export_with_genanki(collection.db_path, out)
        return time.perf_counter() - started

    try:
        app_s, base_s = _alternate(app, base, repeats)
    except export_app.NotComparable as error:
        figure.not_measured = str(error)
        return figure
    figure.values = {"app_s": app_s, "baseline_s": base_s, "notes": counts["baseline"]}
    figure.ratios = {"time": app_s / base_s}
    figure.checks = [Check("ratio", figure.ratios["time"], "<=", 1.3)]
    return figure


# ---------------------------------------------------------------- import


def import_deck_file(sizes: Sizes, repeats: int, workdir: Path) -> Figure:
    """Import one deck file into an empty database, against tomllib + executemany."""
    from study.domain.decks import DeckSpec
    from study.domain.decks.writing import dump_deck
    from study.services.library import import_deck_files
    from study.storage.database import open_database

    figure = Figure(
        "import",
        f"importing a {sizes.import_cards:,}-card deck file",
        "tomllib parsing plus executemany into the same tables",
        "<= 3x",
    )
    basic_cards = sizes.import_cards * 7 // 10
    basic = deck_spec("imported", "Imported", "basic", basic_cards, 0)
    cloze = deck_spec("imported", "Imported", "cloze", (sizes.import_cards - basic_cards) // 2, 2)
    clozes = tuple(n.__class__(**{**n.__dict__, "id": "c" + n.id}) for n in cloze.notes)
    spec = DeckSpec(id="imported", name="Imported", notes=basic.notes + clozes)
    deck_path = workdir / "imported.toml"
    deck_path.write_text(dump_deck(spec), encoding="utf-8")
    empty = workdir / "empty.db"
    open_database(f"sqlite:///{empty}").close()
    now = datetime.now(UTC)
    cards: dict[str, int] = {}
    run = iter(range(10_000))

    def fresh(name: str) -> Path:
        path = workdir / f"{name}-{next(run)}.db"
        shutil.copyfile(empty, path)
        return path

    def app() -> float:
        path = fresh("app")
        database = open_database(f"sqlite:///{path}")
        started = time.perf_counter()
        results = import_deck_files(database, [deck_path], now)
        elapsed = time.perf_counter() - started
        database.close()
        cards["app"] = results[0].added
        return elapsed

    def base() -> float:
        path = fresh("baseline")
        started = time.perf_counter()
        cards["baseline"] = baselines.import_by_executemany(path, deck_path, now)
        return time.perf_counter() - started

    app_s, base_s = _alternate(app, base, repeats)
    figure.values = {"app_s": app_s, "baseline_s": base_s, "cards": cards["baseline"]}
    figure.ratios = {"time": app_s / base_s}
    figure.checks = [Check("ratio", figure.ratios["time"], "<=", 3.0)]
    return figure


# ---------------------------------------------------------------- card generation


def generation(sizes: Sizes, workdir: Path) -> Figure:
    """Generate a deck from synthetic Markdown material of the given size."""
    figure = Figure(
        "cardgen",
        f"generating cards from {sizes.material_bytes // 1000} KB of text",
        "-",
        "< 10 s",
    )
    if module_missing("study.services.cardgen.generate"):
        figure.not_measured = "study.services.cardgen not built yet"
        return figure
    from study.services.cardgen import nlp
    from study.services.cardgen.generate import generate_deck
    from study.services.cardgen.sentences import flat_text, parse_document

    path = workdir / "material.md"
    text = material(sizes.material_bytes)
    path.write_text(text, encoding="utf-8")
    # What `study generate` pays, in three parts: loading spaCy and the model (once per
    # run), parsing the prose (the parser's share), and everything else.
    started = time.perf_counter()
    nlp.pipeline()
    load = time.perf_counter() - started
    blocks = parse_document(path, text).blocks
    flats = [flat_text(b.text) for b in blocks if b.kind in ("paragraph", "bullet")]
    started = time.perf_counter()
    for _ in nlp.parse(f for f in flats if f):
        pass
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    result = generate_deck([path], deck_dir=workdir)
    generating = time.perf_counter() - started
    elapsed = load + generating
    figure.values = {
        "seconds": elapsed,
        "load_s": load,
        "parse_s": parsing,
        "rest_s": max(generating - parsing, 0.0),
        "kilobytes": path.stat().st_size / 1000,
        "cards": len(result.deck.notes),
    }
    figure.ratios = {"parser_share": parsing / generating}
    figure.checks = [Check("seconds", elapsed, "<", 10.0)]
    return figure


# ---------------------------------------------------------------- memory


def memory(collection: Collection, sizes: Sizes) -> Figure:
    """Peak memory of a process running a review session on the whole collection."""
    figure = Figure(
        "memory",
        f"peak memory of a review session on {collection.cards:,} cards",
        "-",
        "< 300 MB",
    )
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.probes", "session", collection.url, str(sizes.grades)],
        cwd=REPO_ROOT,
        env=_env(collection),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    figure.values = {"peak_rss_mb": result["peak_rss_mb"], "graded": result["graded"]}
    figure.checks = [Check("MB", result["peak_rss_mb"], "<", 300.0)]
    figure.notes = "the core session in its own process (workspace, StudySession, grading)"
    return figure


def _env(collection: Collection) -> dict[str, str]:
    import os

    return {**os.environ, "STUDY_HOME": str(collection.home)}


def scratch() -> Path:
    """A temporary folder for one run."""
    return Path(tempfile.mkdtemp(prefix="study-bench-"))
