"""The footer every screen shows: Textual's compact footer, fitted to narrow terminals."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

WIDE = 100  # columns from which the command-palette key is shown beside a screen's keys


class StudyFooter(Footer):
    """Below ``WIDE`` columns the command-palette key is left out, so that a screen's own
    keys (Home's ``q Quit`` last) fit in 80 columns; ctrl+p still opens the palette and
    the help (?) lists it."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self.call_after_refresh(self.recompose)
