"""The app's side of the export figure: ``study.services.anki_export.export_anki`` on every deck."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from benchmarks.collection import BENCH_SETTINGS, Collection


class NotComparable(RuntimeError):
    """The app's export cannot be called the way this benchmark expects."""


def export_all(collection: Collection, out: Path) -> int:
    """Export every deck's notes (no progress) to ``out``; the number of notes written."""
    from study.services.anki_export import export_anki

    database = collection.open()
    try:
        result = export_anki(
            database,
            collection.learner_id,
            out,
            deck_ids=None,
            with_progress=False,
            now=datetime.now(UTC),
            settings=BENCH_SETTINGS,
        )
    except TypeError as error:  # the module's signature changed under us
        raise NotComparable(f"study.services.anki_export.export_anki changed: {error}") from None
    finally:
        database.close()
    return result.notes
