"""Class: the tutor's view of every learner, drawn by
:func:`study.services.class_render.class_renderable`.

Reached from the home screen (key ``l``) when the database holds more than one profile;
a profile that is not a tutor is told so, and sees nothing of the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.class_render import class_renderable
from study.tui.screens.stats import FiguresScreen

if TYPE_CHECKING:
    from rich.console import RenderableType

    from study.services.workspace import Workspace


class ClassScreen(FiguresScreen):
    """The class, for a tutor."""

    HEADING = "Class"

    def figures(self, workspace: Workspace, width: int) -> RenderableType:
        return class_renderable(workspace, width)
