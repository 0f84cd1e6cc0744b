"""The base of every error a learner can cause and fix: the CLI and TUI show its message
as one line (exit status 2), never a traceback."""


class UserError(Exception):
    """Bad input from the learner; the message says what is wrong and what to do."""


class StorageError(Exception):
    """The database cannot be used; the message says why and what to do."""
