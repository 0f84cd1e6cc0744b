"""The name ``tests/cardgen`` still imports from here: the storage functions live in
modules of one concept each (``learners``, ``decks``, ``cards``, ``schedules``,
``deck_import``); import from those."""

from study.storage.learners import get_or_create_learner

__all__ = ["get_or_create_learner"]
