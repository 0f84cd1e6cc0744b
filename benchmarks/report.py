"""The machine's description, and the results as JSON and as a Markdown table."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    except (ValueError, OSError, AttributeError):
        return 0.0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "ram_gb": round(_ram_gb(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": _version("SQLAlchemy"),
        "textual": _version("textual"),
        "genanki": _version("genanki"),
    }


def now_text() -> str:
    """The date of the run, in UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def _values(values: dict[str, float]) -> str:
    return ", ".join(f"{key} {_number(value)}" for key, value in values.items())


def markdown(results: dict[str, Any]) -> str:
    """RESULTS.md: the machine, the collection, then one table row per figure."""
    m = results["machine"]
    c = results["collection"]
    lines = [
        "# Benchmark results",
        "",
        f"Run on {results['date']} with `{results['command']}`.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}, "
        f"Textual {m['textual']}, genanki {m['genanki']}",
        f"- Collection (scale {results['scale']}): {c['cards']:,} cards in {c['decks']} decks "
        f"({c['notes']:,} notes), {c['reviews']:,} reviews over three years, "
        f"{c['states']:,} scheduled cards, one learner; {c['db_mb']:.0f} MB; "
        f"built in {c['build_seconds']:.1f} s",
        "",
        "Ratios are the app's time over its baseline's, both measured in this run "
        "(see `benchmarks/baselines.py`).",
        "",
        "| figure | app | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for figure in results["figures"]:
        if figure["status"] != "measured":
            lines.append(
                f"| {figure['title']} | not measured: {figure['reason']} | | | "
                f"{figure['target']} | - |"
            )
            continue
        values = figure["values"]
        app = {k: v for k, v in values.items() if not k.startswith("baseline")}
        base = {
            k.removeprefix("baseline_"): v for k, v in values.items() if k.startswith("baseline")
        }
        ratios = ", ".join(f"{k} {v:.2f}x" for k, v in figure["ratios"].items())
        met = "yes" if figure["met"] else "**no**"
        lines.append(
            f"| {figure['title']} | {_values(app)} | {_values(base) or '-'} | {ratios or '-'} | "
            f"{figure['target']} | {met} |"
        )
    notes = [f"- {f['title']}: {f['notes']}" for f in results["figures"] if f.get("notes")]
    if notes:
        lines += ["", "Notes:", "", *notes]
    return "\n".join(lines) + "\n"
