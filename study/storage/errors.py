"""The storage layer's own error: what the learner named is not stored."""

from __future__ import annotations

from study.domain.errors import UserError


class NotFoundError(UserError):
    """A deck, card or profile named by the learner does not exist."""
