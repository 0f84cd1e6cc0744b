"""`e` on a card of a bundled deck says where the deck file is and how to take it over."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.browse import ReadOnlyDeckError, card_location
from study.clock import FixedClock
from study.library import import_deck_files

from .conftest import make_workspace, write_decks


def test_editing_a_bundled_card_names_the_file_to_copy_and_the_import_that_takes_it_over(
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
    assert str(spine.resolve()) in message
    assert "material" in message and "study import --replace" in message
