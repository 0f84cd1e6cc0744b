"""Stats: the progress statistics drawn by :func:`study.services.stats_render.stats_renderable`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from study.domain.cards import printable
from study.services.stats_render import stats_renderable
from study.tui.host import error_message
from study.tui.widgets.footer import StudyFooter

if TYPE_CHECKING:
    from rich.console import RenderableType

    from study.services.workspace import Workspace
    from study.tui.host import StudyHost

# Columns taken by the screen's margin, the border, the padding around the figures and
# the vertical scroll bar (the figures are taller than the screen): a chart drawn wider
# than what is left is cut at its right edge.
FRAME = 10


class FiguresScreen(Screen[None]):
    """A screen of figures drawn by a core function in a thread (SQL aggregates in the
    core), under a bordered title; ``deck_ids`` is the deck chosen on the home screen
    (None: every deck)."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Home", key_display="esc"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
    ]
    HEADING = ""  # the border's title, and the name in an error message

    def __init__(self, deck_ids: list[str] | None = None, title: str = "") -> None:
        super().__init__()
        self.deck_ids = deck_ids
        self.title_text = title
        self.drawn_width = 0  # the width the figures were last drawn for

    @property
    def study_app(self) -> StudyHost:
        return self.app  # type: ignore[return-value]

    def figures(self, workspace: Workspace, width: int) -> RenderableType:
        """The figures, drawn ``width`` columns wide (run in a thread)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats") as box:
            # Deck names are author text: Content, never markup.
            box.border_title = Content(
                self.HEADING + (f" · {printable(self.title_text)}" if self.title_text else "")
            )
            yield Static("Counting…", id="stats-body")
        yield StudyFooter()

    def on_mount(self) -> None:
        self._draw(self.size.width)

    def on_resize(self, event: events.Resize) -> None:
        """Draw again for the new width: charts drawn for the old one would be cut at
        the right edge, or stay narrow on a wider terminal."""
        self._draw(event.size.width)

    def _draw(self, screen_width: int) -> None:
        width = max(40, screen_width - FRAME)
        if width != self.drawn_width:
            self.drawn_width = width
            self._load(width)

    @work(exclusive=True)
    async def _load(self, width: int) -> None:
        body = self.query_one("#stats-body", Static)
        try:
            renderable = await self.study_app.run_db(self.figures, self.study_app.workspace, width)
        except Exception as error:
            body.update(
                Content(f"The {self.HEADING.lower()} cannot be shown: {error_message(error)}")
            )
            return
        body.update(renderable)


class StatsScreen(FiguresScreen):
    """Statistics for the learner."""

    HEADING = "Statistics"

    def figures(self, workspace: Workspace, width: int) -> RenderableType:
        return stats_renderable(workspace, width, self.deck_ids)
