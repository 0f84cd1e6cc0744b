"""What the learner is told about an error: one line saying what went wrong and what to
do, never a traceback. The command line (``study.cli.root``) and the app
(``study.tui.host.error_message``) both ask :func:`explain`; where they word a line
differently it is because of where it shows (a command exits with a status and can be
run again with ``--debug``; the app stays open), and both wordings are here.

The line may quote a deck file or a database's message: the caller shows it through the
same filter as card text (:func:`study.domain.cards.printable`).
"""

from __future__ import annotations

from dataclasses import dataclass

from study.domain.decks import DeckError
from study.domain.errors import StorageError, UserError
from study.storage.errors import raised_by_driver

# How many of a deck file's problems are listed: a terminal scrolls, a notification does not.
PROBLEMS_ON_THE_COMMAND_LINE = 50
PROBLEMS_IN_THE_APP = 5


@dataclass(frozen=True)
class Explanation:
    """An error as the learner sees it: a deck file's ``problems`` (``path:line: message``
    each), then ``line``; ``exit_code`` is the command's status (2 for the learner's input)."""

    line: str
    problems: tuple[str, ...] = ()
    exit_code: int = 1

    @property
    def text(self) -> str:
        """The problems and the line, one per line (the app shows them together)."""
        return "\n".join(part for part in (*self.problems, self.line) if part)


def problem_lines(error: DeckError, most: int) -> tuple[str, ...]:
    """A deck file's first ``most`` problems, and a line saying how many more there are."""
    shown = error.problems[:most]
    more = len(error.problems) - len(shown)
    return (*shown, f"... and {more} more problems") if more > 0 else tuple(shown)


def explain(error: BaseException, *, app: bool = False, db: str | None = None) -> Explanation:
    """The explanation of ``error`` for the command line, or for the app when ``app``.

    ``db`` is the ``--db`` option, named in a database error on the command line.
    """
    if isinstance(error, DeckError):
        if app:
            return Explanation("", problem_lines(error, PROBLEMS_IN_THE_APP))
        return Explanation(
            "nothing was imported; fix the problems above and import again",
            problem_lines(error, PROBLEMS_ON_THE_COMMAND_LINE),
            2,
        )
    if isinstance(error, UserError):
        return Explanation(str(error), exit_code=2)
    if isinstance(error, StorageError):
        return Explanation(str(error))
    # By module name first: the app may run from its first screen, before SQLAlchemy loads.
    if raised_by_driver(error):
        explained = _database_error(error, app=app, db=db)
        if explained is not None:
            return explained
    if isinstance(error, OSError):
        if app:
            return Explanation(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        where = f" ({error.filename})" if error.filename else ""
        return Explanation(f"{error.strerror or error}{where}; check the path and its permissions")
    if isinstance(error, MemoryError) and not app:
        return Explanation("out of memory; close other programs or work on smaller files")
    if app:
        return Explanation(f"unexpected error ({type(error).__name__}: {error}); please report it")
    return Explanation(
        f"unexpected error: {type(error).__name__}: {error}; run again as "
        "`study --debug ...` and report the traceback"
    )


def _database_error(error: BaseException, *, app: bool, db: str | None) -> Explanation | None:
    """A driver's error: in the app a short line (``study doctor`` says more), on the
    command line what :func:`study.storage.database.explain_error` makes of it."""
    from study.storage.driver_errors import driver_reason

    if app:
        reason = driver_reason(error, operational_only=True)
        if reason is not None:
            return Explanation(f"database error ({reason}); run `study doctor`, or `study --debug`")
        return None
    reason = driver_reason(error)
    if reason is None:
        return None
    from study.domain.config import database_url
    from study.storage.database import explain_error

    try:
        url = database_url(db)
    except (OSError, RuntimeError):
        url = "the database"
    return Explanation(explain_error(url, reason))
