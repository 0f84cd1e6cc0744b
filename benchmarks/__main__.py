"""``python -m benchmarks [--quick] [--scale S] [--json FILE] [--markdown FILE]``.

Builds the synthetic collection, measures every figure with its baseline, prints the
table, and writes the results as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import class_sql, figures, report, storage
from benchmarks import scale as scale_figures
from benchmarks.collection import DECK_LAYOUT, Sizes, build

DEFAULT_MARKDOWN = Path(__file__).resolve().parent / "RESULTS.md"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark the whole app at 100,000 cards and 1,000,000 reviews.",
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the full size")
    parser.add_argument(
        "--scale", type=float, help="size as a share of the full benchmark (overrides --quick)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help=f"write the results table (default: {DEFAULT_MARKDOWN} for a full run only)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timed pair")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """Build the collection, measure every figure; the results as JSON-ready data."""
    scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    sizes = Sizes(scale)
    workdir = figures.scratch()
    try:
        log(f"building {sizes.cards:,} cards and {sizes.reviews:,} reviews in {workdir} ...")
        collection = build(workdir / "collection", sizes)
        log(f"built in {collection.build_seconds:.1f} s")
        measured: list[figures.Figure] = []
        steps: list[tuple[str, Callable[[], list[figures.Figure]]]] = [
            # First: the collection as built, before the other figures add to it.
            ("storage", lambda: [storage.storage(collection, workdir)]),
            ("grading and next card", lambda: figures.grading_and_next_card(collection, sizes)),
            ("startup", lambda: [figures.startup(collection, args.repeats)]),
            ("home", lambda: [figures.home(collection, args.repeats)]),
            ("stats", lambda: [figures.stats(collection, args.repeats)]),
            ("export", lambda: [figures.export(collection, min(2, args.repeats), workdir)]),
            ("import", lambda: [figures.import_deck_file(sizes, args.repeats, workdir)]),
            ("card generation", lambda: [figures.generation(sizes, workdir)]),
            ("memory", lambda: [figures.memory(collection, sizes)]),
            ("re-import", lambda: [scale_figures.reimport(sizes, workdir)]),
            ("long session", lambda: [scale_figures.long_session(sizes, workdir)]),
            ("class", lambda: class_sql.class_figures(sizes, args.repeats, workdir)),
        ]
        for name, step in steps:
            started = time.perf_counter()
            log(f"measuring {name} ...")
            for figure in step():
                measured.append(figure)
                state = figure.not_measured or ("met" if figure.met else "NOT MET")
                log(f"  {figure.key}: {figure.values} {figure.ratios} -> {state}")
            log(f"  ({time.perf_counter() - started:.1f} s)")
        return {
            "date": report.now_text(),
            "command": command,
            "scale": scale,
            "machine": report.machine(),
            "collection": {
                "cards": collection.cards,
                "notes": collection.notes,
                "decks": len(DECK_LAYOUT),
                "reviews": collection.reviews,
                "states": collection.states,
                "db_mb": collection.db_path.stat().st_size / 1e6,
                "build_seconds": collection.build_seconds,
            },
            "figures": [figure.as_json() for figure in measured],
            "all_met": all(f.met for f in measured),
        }
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    results = run(args, command.strip())
    text = report.markdown(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown = args.markdown
    if markdown is None and args.scale is None and not args.quick:
        markdown = DEFAULT_MARKDOWN
    if markdown is not None:
        markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
