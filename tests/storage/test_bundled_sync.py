"""Bundled decks are brought up to date at every start from their [deck] header alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.domain.clock import FixedClock
from study.services import library
from study.storage.database import Database
from study.storage.decks import list_decks
from tests.conftest import DeckFactory


def _versions(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {deck.id: deck.version for deck in list_decks(session)}


def test_a_bundled_deck_is_imported_once_and_again_when_its_version_grows(
    database: Database, clock: FixedClock, decks: DeckFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = decks.write("shipped", basics=2, version=1)
    monkeypatch.setattr(library, "bundled_deck_files", lambda: [path])
    assert [r.added for r in library.sync_bundled_decks(database, clock.now())] == [2]

    # Same version: nothing is parsed beyond the header, nothing imported.
    parsed: list[Path] = []
    real_load = library.load_deck
    monkeypatch.setattr(library, "load_deck", lambda p: parsed.append(p) or real_load(p))
    assert library.sync_bundled_decks(database, clock.now()) == []
    assert parsed == []

    decks.write("shipped", basics=3, version=2)
    [result] = library.sync_bundled_decks(database, clock.now())
    assert (result.added, _versions(database)["shipped"]) == (1, 2)


def test_a_bundled_deck_whose_head_is_unusual_is_read_in_full(
    database: Database, clock: FixedClock, decks: DeckFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cards first and the [deck] table last: valid TOML, but not a plain head.
    path = decks.write("odd", basics=1)
    body = path.read_text(encoding="utf-8")
    header, cards = body.split("\n[[cards]]", 1)
    path.write_text("[[cards]]" + cards + "\n" + header + "\n", encoding="utf-8")
    monkeypatch.setattr(library, "bundled_deck_files", lambda: [path])
    assert [r.deck_id for r in library.sync_bundled_decks(database, clock.now())] == ["odd"]
