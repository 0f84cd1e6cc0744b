"""Help: every key of every screen, and what the SM-2 grades mean."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from study.domain.sm2 import GRADE_MEANINGS
from study.tui.host import APP_BINDINGS
from study.tui.widgets.footer import StudyFooter
from study.tui.widgets.grade_bar import GRADE_STYLES

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "esc",
    "space": "space",
    "enter": "enter",
}


def key_label(binding: Binding) -> str:
    """How a key is written in the help: ``space/enter``, ``?``, ``ctrl+p``."""
    keys = [KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(",")]
    return "/".join(keys)


def _bindings(screen: type) -> list[Binding]:
    return [b for b in getattr(screen, "BINDINGS", []) if isinstance(b, Binding)]


def key_lines(title: str, bindings: list[Binding]) -> list[str | tuple[str, str]]:
    """One help section: the title, then a key and what it does per line."""
    parts: list[str | tuple[str, str]] = [(f"{title}\n", "bold $text-accent")]
    grade_keys = [b for b in bindings if b.action.startswith("grade(")]
    for binding in bindings:
        if binding in grade_keys[1:]:
            continue
        if binding in grade_keys:
            label, what = "0-5", "grade the answer (meanings below)"
        else:
            label = key_label(binding)
            what = binding.description
            if binding.tooltip:
                what = f"{what}: {binding.tooltip[0].lower()}{binding.tooltip[1:]}"
        parts += [(f"  {label:<13}", "bold"), f"{what}\n"]
    return [*parts, "\n"]


def help_content(asked_on: type | None = None) -> Content:
    """The whole help text, built from the screens' own key bindings; the section of the
    screen it is ``asked_on`` (review, browse) first, where a learner looks for it."""
    from study.tui.screens.browse import BrowseScreen
    from study.tui.screens.home import HomeScreen
    from study.tui.screens.review import ReviewScreen

    sections = [("Home", HomeScreen), ("Review", ReviewScreen), ("Browse", BrowseScreen)]
    sections.sort(key=lambda section: section[1] is not asked_on)
    parts: list[str | tuple[str, str]] = []
    for title, screen in sections:
        parts += key_lines(title, _bindings(screen))
    everywhere = [
        Binding("ctrl+p", "command_palette", "Command palette", tooltip="Search every action"),
        *(b for b in APP_BINDINGS if isinstance(b, Binding)),
    ]
    parts += key_lines("Everywhere", everywhere)
    parts.append(("SM-2 grades\n", "bold $text-accent"))
    for grade, meaning in GRADE_MEANINGS.items():
        parts += ["  ", (f" {grade} ", GRADE_STYLES[grade] + " reverse"), f"  {meaning}\n"]
    parts.append(
        (
            "\n  0-2 start the card again from a 1-day interval; 3-5 lengthen the interval.\n"
            "  Below 4, the card comes back in this session until you answer it with 4 or 5.\n",
            "$text-muted",
        )
    )
    return Content.assemble(*parts)


class HelpScreen(Screen[None]):
    """Keys and grade meanings; Escape goes back."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "app.pop_screen", "Back", key_display="esc")
    ]

    def __init__(self, asked_on: type | None = None) -> None:
        super().__init__()
        self.asked_on = asked_on

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Help"
            yield Static(help_content(self.asked_on), id="help-body")
        yield StudyFooter()
