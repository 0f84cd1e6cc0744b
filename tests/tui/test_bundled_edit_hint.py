"""Editing a card of a bundled deck says how to get a copy of one's own to edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.domain.clock import FixedClock
from study.services.browse import ReadOnlyDeckError, card_location
from study.services.library import import_deck_files

from .conftest import make_workspace, write_decks


def test_editing_a_bundled_card_names_the_command_that_copies_the_deck(
    tmp_path: Path, clock: FixedClock
) -> None:
    workspace = make_workspace(tmp_path, clock, decks=())
    spine, _ = write_decks(tmp_path / "decks")
    import_deck_files(workspace.database, [spine], clock.now(), bundled=True)
    with workspace.database.session() as session, pytest.raises(ReadOnlyDeckError) as raised:
        card_location(session, "avn-name")
    workspace.close()
    # it said "copy the deck file" without saying where it is, or how to import the copy
    # over the bundled deck (a plain import is refused: the id belongs to the bundled deck)
    message = str(raised.value)
    assert "study copy-deck" in message and "decks folder" in message
