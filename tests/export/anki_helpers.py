"""Helpers for the export tests: reading what Anki renders, importing like Anki's dialog,
and a study database filled from deck files written in the test's temporary folder."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from study.domain.config import Settings
from study.domain.decks import DeckSpec
from study.domain.decks.writing import dump_deck
from study.services.anki_export import AnkiCopy, ExportResult, export_anki
from study.services.library import import_deck_files
from study.storage.database import Database

_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def visible_text(rendered: str) -> str:
    """What a learner sees of a rendered Anki card: no CSS, no tags, entities decoded."""
    return html.unescape(_TAG.sub(" ", _STYLE.sub("", rendered))).strip()


def import_package(
    collection: Collection, package: Path, *, with_scheduling: bool = True
) -> object:
    """Import like Anki's desktop dialog (defaults: update notes if newer, no notetype merge)."""
    request = ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=with_scheduling, merge_notetypes=False),
    )
    return collection.import_anki_package(request).log


@dataclass
class Library:
    """A study database with decks imported from files in ``folder``."""

    database: Database
    learner_id: int
    folder: Path
    settings: Settings

    def add(self, spec: DeckSpec, now: datetime) -> Path:
        path = self.folder / f"{spec.id}.toml"
        path.write_text(dump_deck(spec), encoding="utf-8")
        import_deck_files(self.database, [path], now)
        return path

    def export(
        self,
        path: Path,
        now: datetime,
        *,
        with_progress: bool = False,
        deck_ids: list[str] | None = None,
        anki: AnkiCopy | None = None,
        overwrite_anki: bool = False,
    ) -> ExportResult:
        return export_anki(
            self.database,
            self.learner_id,
            path,
            deck_ids=deck_ids,
            with_progress=with_progress,
            now=now,
            settings=self.settings,
            anki=anki,
            overwrite_anki=overwrite_anki,
        )
