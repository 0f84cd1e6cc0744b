"""Stats: progress statistics from :mod:`study.stats`, once that module exists.

The screen shows whatever rich renderable ``study.stats.stats_renderable(workspace)``
returns; until the stats module provides it, it says that statistics are not built yet.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from study.tui.app import StudyApp

RENDERER = "stats_renderable"


def stats_renderer() -> Callable[[Any], Any] | None:
    """``study.stats.stats_renderable`` if the stats module provides it, else None."""
    try:
        module = importlib.import_module("study.stats")
    except ImportError:
        return None
    renderer = getattr(module, RENDERER, None)
    return renderer if callable(renderer) else None


class StatsScreen(Screen[None]):
    """Statistics for the learner."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Home", key_display="esc")
    ]

    @property
    def study_app(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats") as box:
            box.border_title = "Statistics"
            yield Static("Loading…", id="stats-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    @work
    async def _load(self) -> None:
        body = self.query_one("#stats-body", Static)
        renderer = stats_renderer()
        if renderer is None:
            body.update(
                Content.assemble(
                    ("Statistics are not built yet.\n\n", "bold"),
                    "This screen will show cards by state, today's work, your streak, "
                    "the forecast and retention once the statistics module is in place.",
                )
            )
            return
        try:
            renderable = await self.study_app.run_db(renderer, self.study_app.workspace)
        except Exception as error:
            from study.tui.app import error_message

            body.update(Content(f"The statistics cannot be shown: {error_message(error)}"))
            return
        body.update(renderable)
