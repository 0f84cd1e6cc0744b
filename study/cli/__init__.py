"""The command line: parses arguments, calls the core, prints. No business logic here.

Every failure the learner can cause prints one line saying what is wrong and what to do,
and exits non-zero (2 for bad input, 1 for everything else); ``--debug`` shows the
traceback.

``root`` holds the `study` group and the console script (:func:`main`); ``common`` what
every command shares (the global options, opening the workspace, one-line output, the
options several commands take); the commands live by subject in ``studying``,
``deck_commands``, ``settings``, ``profiles``, ``exchange``, ``progress`` and ``upkeep``.
"""

from study.cli.common import Options
from study.cli.root import cli, main

__all__ = ["Options", "cli", "main"]
