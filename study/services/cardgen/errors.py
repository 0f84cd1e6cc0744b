"""The one exception the generator raises for problems the user can fix."""

from __future__ import annotations

from study.domain.errors import UserError


class GenerationError(UserError):
    """Material that cannot become a deck; the message says what is wrong and what to do."""
