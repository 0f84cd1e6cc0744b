"""`?` opens the help at the keys of the screen it was pressed on."""

from __future__ import annotations

from study.services.workspace import Workspace
from study.tui.app import StudyApp
from study.tui.screens.help import HelpScreen

from .conftest import screen_text, settle


def _first_section(app: StudyApp) -> str:
    lines = [line.strip(" │╭╮") for line in screen_text(app).splitlines()]
    return next(line for line in lines[1:] if line and not line.startswith("─"))


async def test_help_opens_at_the_section_of_the_screen_it_was_asked_on(
    workspace: Workspace,
) -> None:
    app = StudyApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        for keys, section in (((), "Home"), (("enter",), "Review"), (("escape", "b"), "Browse")):
            await settle(pilot)
            await pilot.press(*keys)
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            # from review and browse it opened at Home's keys, the screen's own below the fold
            assert _first_section(app) == section, screen_text(app)
            await pilot.press("escape")
    workspace.close()
