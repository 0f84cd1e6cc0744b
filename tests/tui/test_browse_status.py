"""Browse as a user meets it at 80 columns: the status line."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.workspace import Workspace, open_workspace
from study.tui.app import StudyApp

from .conftest import settle


def big_workspace(tmp_path: Path, clock: FixedClock, cards: int) -> Workspace:
    """The bundled deck and a deck of ``cards`` basic cards."""
    workspace = open_workspace(
        f"sqlite:///{tmp_path / 'study.db'}", clock=clock, settings=Settings(timezone="UTC")
    )
    deck = tmp_path / "many.toml"
    deck.write_text(
        '[deck]\nid = "many"\nname = "Many"\n'
        + "".join(
            f'[[cards]]\nid = "c{n}"\ntype = "basic"\nfront = "Q{n}"\nback = "A{n}"\n'
            for n in range(cards)
        ),
        encoding="utf-8",
    )
    import_deck_files(workspace.database, [deck], clock.now())
    return workspace


async def test_the_browse_status_fits_80_columns_and_names_the_page_keys(
    tmp_path: Path, clock: FixedClock
) -> None:
    for cards, paged in ((10, False), (400, True)):
        workspace = big_workspace(tmp_path / str(cards), clock, cards)
        app = StudyApp(workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("b")
            await settle(pilot)
            status = app.screen.query_one("#browse-status", Static)
            text = str(status.render())
            assert status.content_size.width >= len(text), text
            if paged:  # lowercase letters go to the search box: the keys are N and P
                assert "(N/P)" in text
            else:
                assert text.endswith("flag")
        workspace.close()
