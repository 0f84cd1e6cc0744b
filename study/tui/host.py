"""The app as its screens see it: what a screen may ask of :class:`study.tui.app.StudyApp`
(the workspace, database work in a thread, an error shown), the app-wide keys, and the
line an error is shown as.

The screens depend on this module, never on ``study.tui.app`` (which imports them), so
the app and its screens do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.binding import Binding, BindingType

from study.domain.cards import printable
from study.services.explain import explain

if TYPE_CHECKING:
    from textual.app import App

    from study.services.browse import CardLocation
    from study.services.workspace import Workspace

T = TypeVar("T")

# Runs the learner's editor on a card's deck file, handing it the terminal; returns an
# error message or None.
EditorRunner = Callable[["App[Any]", "CardLocation"], str | None]

# The keys of every screen (the help lists them under "Everywhere").
APP_BINDINGS: list[BindingType] = [
    Binding("f1", "help", "Help", show=False),
    Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
]


def error_message(error: BaseException) -> str:
    """One line for the learner: what went wrong and, where the core says it, what to do.

    It may quote a deck file (an unknown key, a path): shown through the same filter as
    card text, so an escape sequence in a file never reaches the terminal.
    """
    return printable(explain(error, app=True).text)


class StudyHost(Protocol):
    """What the screens use of the app beyond Textual's ``App``."""

    opened: Workspace | None
    timer: Callable[[], float]  # monotonic seconds, for answer times
    run_editor: EditorRunner

    @property
    def workspace(self) -> Workspace:
        """The open workspace."""
        ...

    def begin_opening(self) -> None:
        """Start opening the workspace in a thread."""
        ...

    async def open_workspace(self) -> Workspace:
        """The workspace, once it is open."""
        ...

    async def run_db(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking core work in a thread."""
        ...

    def show_error(self, error: BaseException, *, title: str = "") -> None:
        """Tell the learner what went wrong, in one notification."""
        ...

    def profile_label(self) -> str:
        """`` · profile NAME`` for a learner other than ``default``, else nothing."""
        ...

    def switch_to_home(self) -> None:
        """Put the deck list in place of the screen."""
        ...
