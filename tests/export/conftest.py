"""Fixtures of the export tests: a real, empty Anki collection (the `anki` package,
offline) and a study library filled from deck files in the test's temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection

from study.domain.config import Settings
from study.storage.database import Database
from tests.export.anki_helpers import Library


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    """An empty Anki collection in the test's temporary folder."""
    folder = tmp_path / "anki"
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    try:
        yield collection
    finally:
        collection.close()


@pytest.fixture
def library(database: Database, learner_id: int, tmp_path: Path, settings: Settings) -> Library:
    """A study database (this test's) whose decks come from files in ``deck-files``."""
    folder = tmp_path / "deck-files"
    folder.mkdir()
    return Library(database, learner_id, folder, settings)
