"""The storage layer's own error: what the learner named is not stored."""

from __future__ import annotations

from study.domain.errors import UserError


class NotFoundError(UserError):
    """A deck, card or profile named by the learner does not exist."""


def raised_by_driver(error: BaseException) -> bool:
    """Whether ``error`` comes from the database's drivers, told by its module's name:
    the first screen reads before SQLAlchemy loads, so its types cannot be imported to
    check (:func:`study.storage.driver_errors.driver_reason` reads what it says)."""
    return type(error).__module__.startswith(("sqlalchemy", "sqlite3"))
