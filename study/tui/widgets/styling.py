"""Theme colours for rich Text: DataTable cells are rich renderables, which know nothing of
Textual's ``$variables``, so styles are resolved against the app's current theme."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import App

_VARIABLE = re.compile(r"\$([a-z0-9-]+)")

Part = str | tuple[str, str]


def resolve(app: App[object], style: str) -> str:
    """``"bold $text-primary"`` with the variable replaced by the theme's colour."""
    variables = app.theme_variables

    def colour(match: re.Match[str]) -> str:
        value = variables.get(match.group(1), "")
        if value.startswith("auto"):  # a contrast colour such as $text-muted: dim text
            return "dim"
        return value.split()[0] if value else ""

    return _VARIABLE.sub(colour, style).strip()


def rich_text(app: App[object], *parts: Part) -> Text:
    """Plain text pieces (never parsed as markup) with theme styles."""
    text = Text()
    for part in parts:
        if isinstance(part, str):
            text.append(part)
        else:
            text.append(part[0], style=resolve(app, part[1]) or None)
    return text
