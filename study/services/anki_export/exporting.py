"""The export itself: which decks, which file, and the package written through a
temporary file, so a failed export leaves nothing behind."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from study.domain.config import Settings
from study.services.anki_export.collection import write_collection
from study.services.anki_export.package_file import (
    check_target,
    current_umask,
    default_package_path,
    temporary_file,
    zip_package,
)
from study.services.anki_export.plan import AnkiCopy, AnkiPlan, AnkiPlanner
from study.storage import anki_rows
from study.storage.database import Database


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote (``plan``: None when Anki's copy was not given)."""

    path: Path
    notes: int
    cards: int
    decks: int
    reviews: int = 0
    plan: AnkiPlan | None = None


def export_anki(
    database: Database,
    learner_id: int,
    path: Path | None,
    *,
    deck_ids: list[str] | None,
    with_progress: bool,
    now: datetime,
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
    anki: AnkiCopy | None = None,
    force: bool = False,
    overwrite_anki: bool = False,
) -> ExportResult:
    """Write the cards of ``deck_ids`` (None: every deck) to an Anki package at ``path``.

    An existing ``path`` is replaced only when it is a package this app wrote, or with
    ``force`` (never a folder, a device or anything but a regular file).

    Every card ``study cards`` lists is exported, suspended ones included. With
    ``with_progress``, each card's schedule (interval, ease, due date, repetitions,
    lapses, suspension, flag) and the review log go into the package, for Anki's
    "Import any learning progress". The package is written to a temporary file and
    renamed, so a failed export leaves nothing behind; a note that would give Anki an
    empty card is refused by name (:class:`AnkiExportError`). With ``anki`` (Anki's
    copy), tags added in Anki are merged and :attr:`ExportResult.plan` says what Anki
    will add, update and leave (see the package docstring); ``overwrite_anki`` sends our
    text also where Anki's copy changed later.
    """
    if now.tzinfo is None:
        raise ValueError("export_anki needs a timezone-aware time")
    with database.session() as session:
        deck_names = anki_rows.deck_names(session)
        target = path if path is not None else default_package_path(deck_ids, deck_names)
        check_target(target, force=force)
        planner = AnkiPlanner(anki, overwrite_anki) if anki is not None else None
        with temporary_file(target.parent, target.name) as package_tmp:
            with temporary_file(None, "collection.anki2") as collection_tmp:
                result = write_collection(
                    session,
                    collection_tmp,
                    learner_id=learner_id,
                    deck_ids=deck_ids,
                    deck_names=deck_names,
                    with_progress=with_progress,
                    now=now,
                    settings=settings,
                    progress=progress,
                    planner=planner,
                )
                zip_package(collection_tmp, package_tmp)
            os.chmod(package_tmp, 0o666 & ~current_umask())  # as any new file, not mkstemp's 0600
            os.replace(package_tmp, target)
    return ExportResult(target, *result, plan=planner.plan() if planner else None)
