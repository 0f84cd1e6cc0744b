"""What a database driver's error says, read for the learner's one line: the services
explain errors without knowing SQLAlchemy's exception types."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa


def driver_reason(error: BaseException, *, operational_only: bool = False) -> str | None:
    """The driver's own message in ``error``, or None when ``error`` is not a driver's
    error (SQLAlchemy's DBAPIError, or sqlite3's when it came from the first screen).

    ``operational_only``: only an OperationalError counts (the database's trouble, such
    as a lock or a full disk, rather than a statement's)."""
    if operational_only:
        return str(error.orig) if isinstance(error, sa.exc.OperationalError) else None
    if isinstance(error, sa.exc.DBAPIError):
        return str(error.orig)
    if isinstance(error, sqlite3.Error):
        return str(error)
    return None
