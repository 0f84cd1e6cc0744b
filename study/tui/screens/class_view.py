"""Class: the tutor's view of every learner, drawn by :func:`study.class_render.class_renderable`.

Reached from the home screen (key ``l``) when the database holds more than one profile;
a profile that is not a tutor is told so, and sees nothing of the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from study.class_render import class_renderable
from study.tui.screens.stats import FRAME

if TYPE_CHECKING:
    from study.tui.app import StudyApp


class ClassScreen(Screen[None]):
    """The class, computed in a thread (SQL aggregates in the core)."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Home", key_display="esc")
    ]

    @property
    def study_app(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats") as box:
            box.border_title = "Class"
            yield Static("Counting…", id="class-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load(max(40, self.size.width - FRAME))

    @work(exclusive=True)
    async def _load(self, width: int) -> None:
        body = self.query_one("#class-body", Static)
        try:
            renderable = await self.study_app.run_db(
                class_renderable, self.study_app.workspace, width
            )
        except Exception as error:
            from study.tui.app import error_message

            body.update(Content(f"The class cannot be shown: {error_message(error)}"))
            return
        body.update(renderable)
