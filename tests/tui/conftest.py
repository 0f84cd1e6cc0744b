"""Shared set-up for the TUI tests: a temporary home, deck files, a workspace on a fixed clock."""

from __future__ import annotations

import asyncio
import html
import inspect
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.workspace import Workspace, open_workspace

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Pilot needs an event loop) without an asyncio plugin."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


MATERIAL = """Hip and spine.

Avascular necrosis of the femoral head is the death of bone from a loss of blood supply.
It is also called osteonecrosis. Risk factors include steroids and alcohol.

Low back pain is common; most episodes settle within six weeks.
"""

SPINE_DECK = r"""[deck]
id = "spine"
version = 1
name = "Orthopaedics::Spine and hip"
description = "Test deck"
material = ["material/spine.txt"]

[[cards]]
id = "avn-name"
type = "basic"
front = "What is the other name of avascular necrosis?"
back = "Osteonecrosis"
tags = ["hip", "avn"]
source = { file = "material/spine.txt", sentence = "It is also called osteonecrosis." }

[[cards]]
id = "avn-risk"
type = "cloze"
text = "Risk factors for avascular necrosis include {{c1::steroids::drug}} and {{c2::alcohol}}."
tags = ["hip", "avn"]
source = { file = "material/spine.txt", sentence = "Risk factors include steroids and alcohol." }

[[cards]]
id = "markup"
type = "basic"
front = "Shown literally: [bold]not bold[/] <b>tag</b> \u001b[31mred"
back = "[red]still plain[/red]"
tags = ["spine"]

[[cards]]
id = "back-pain"
type = "basic"
front = "How long do most episodes of low back pain take to settle?"
back = "Within six weeks"
tags = ["spine"]

[[cards]]
id = "hip-fracture"
type = "basic"
front = "Which hip fractures threaten the blood supply of the femoral head?"
back = "Displaced intracapsular fractures"
tags = ["hip"]

[[cards]]
id = "sciatica"
type = "basic"
front = "Which nerve roots form the sciatic nerve?"
back = "L4 to S3"
tags = ["spine"]
"""

CARDIO_DECK = """[deck]
id = "cardio"
version = 1
name = "Cardiology"
description = "Second test deck"

[[cards]]
id = "af-rate"
type = "basic"
front = "First-line rate control in atrial fibrillation?"
back = "A beta blocker"
tags = ["af"]
"""


def write_decks(folder: Path) -> list[Path]:
    """The two test decks (seven spine cards from six notes, one cardiology card)."""
    (folder / "material").mkdir(parents=True, exist_ok=True)
    (folder / "material" / "spine.txt").write_text(MATERIAL, encoding="utf-8")
    spine = folder / "spine.toml"
    spine.write_text(SPINE_DECK, encoding="utf-8")
    cardio = folder / "cardio.toml"
    cardio.write_text(CARDIO_DECK, encoding="utf-8")
    return [spine, cardio]


@pytest.fixture(autouse=True)
def study_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the learner's real settings and data."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("STUDY_HOME", str(home))
    monkeypatch.delenv("STUDY_DB", raising=False)
    monkeypatch.delenv("STUDY_PROFILE", raising=False)
    return home


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def make_workspace(
    tmp_path: Path,
    clock: FixedClock,
    settings: Settings | None = None,
    *,
    decks: tuple[str, ...] = ("spine",),
) -> Workspace:
    """A workspace on a temporary database with some of the test decks imported."""
    settings = settings or Settings(timezone="UTC", drill_gap=1)
    workspace = open_workspace(
        f"sqlite:///{tmp_path / 'study.db'}", clock=clock, settings=settings, sync_bundled=False
    )
    files = [p for p in write_decks(tmp_path / "decks") if p.stem in decks]
    if files:
        import_deck_files(workspace.database, files, clock.now())
    return workspace


@pytest.fixture
def workspace(tmp_path: Path, clock: FixedClock) -> Iterator[Workspace]:
    ws = make_workspace(tmp_path, clock)
    yield ws
    ws.close()


_SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[^)]*line-(\d+)\)">([^<]*)</text>'
)


def screen_text(app: App[object]) -> str:
    """What the terminal shows, as plain text lines (read from the app's SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[int, dict[int, str]] = {}
    for match in _SVG_TEXT.finditer(svg):
        column = round(float(match.group(1)) / 12.2)
        row = rows.setdefault(int(match.group(2)), {})
        for offset, char in enumerate(html.unescape(match.group(3)).replace("\xa0", " ")):
            row[column + offset] = char
    lines = []
    for number in sorted(rows):
        row = rows[number]
        lines.append("".join(row.get(i, " ") for i in range(max(row) + 1)).rstrip())
    return "\n".join(lines)


async def settle(pilot: Pilot[object]) -> None:
    """Wait until database work is done and the screen is drawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
