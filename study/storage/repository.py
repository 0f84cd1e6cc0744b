"""``get_or_create_learner`` under its old module name, for
``tests/cardgen/test_bundled_deck.py`` (kept off this change while another branch edits
it). Everything else imports from the storage module of its concept (``learners``,
``decks``, ``cards``, ``schedules``, ``deck_import``)."""

from study.storage.learners import get_or_create_learner

__all__ = ["get_or_create_learner"]
