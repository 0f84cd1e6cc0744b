"""What Anki's importer will do with a package, known from Anki's copy of the notes, and
made safe note by note: tags added in Anki merged, an unchanged note left alone, a
later edit in Anki kept."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from study.domain.tags import tag_key
from study.services.anki_export.note_types import (
    BASIC_MODEL_ID,
    CLOZE_MODEL_ID,
    basic_model,
    cloze_model,
)


@dataclass(frozen=True)
class AnkiNoteCopy:
    """A note as Anki's collection has it."""

    mod: int
    notetype_id: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AnkiCopy:
    """What Anki's collection holds of an export: its notes by GUID, and the fields of
    each of its note types by id."""

    notes: Mapping[str, AnkiNoteCopy]
    notetype_fields: Mapping[int, tuple[str, ...]]


@dataclass(frozen=True)
class AnkiPlan:
    """What Anki's importer will do with the package, known from Anki's copy."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    anki_newer: tuple[str, ...] = ()  # note ids whose Anki copy changed later: kept there
    customised: tuple[str, ...] = ()  # note types whose fields were changed in Anki
    skipped: int = 0  # notes of those note types: Anki reports a conflict and skips them


class AnkiPlanner:
    """Decides, note by note, what Anki's importer will do given Anki's copy, and makes
    it safe: tags merged, an unchanged note left alone, a later Anki edit kept."""

    def __init__(self, anki: AnkiCopy, overwrite: bool) -> None:
        self.anki = anki
        self.overwrite = overwrite  # send our text even where Anki's copy changed later
        self.added = self.updated = self.unchanged = self.skipped = 0
        self.anki_newer: list[str] = []
        self.customised: set[str] = set()
        ours = {BASIC_MODEL_ID: basic_model(), CLOZE_MODEL_ID: cloze_model()}
        self.changed_types = {
            model_id: model.name
            for model_id, model in ours.items()
            if model_id in anki.notetype_fields
            and anki.notetype_fields[model_id] != tuple(f["name"] for f in model.fields)
        }

    def decide(self, note: Any, note_id: str, mod: int) -> int:
        """The ``mod`` to write for ``note`` (its tags merged in place)."""
        copy = self.anki.notes.get(note.guid)
        if copy is None:
            self.added += 1
            return mod
        if copy.notetype_id in self.changed_types:
            self.customised.add(self.changed_types[copy.notetype_id])
            self.skipped += 1
            return mod
        known = {tag_key(tag) for tag in copy.tags}
        tags = list(copy.tags) + [t for t in note.tags if tag_key(t) not in known]
        note.tags = tags
        same_text = [_nfc(f) for f in note.fields] == [_nfc(f) for f in copy.fields]
        if same_text and len(tags) == len(copy.tags):
            self.unchanged += 1
            return copy.mod  # not newer: Anki leaves it as it is
        if same_text or mod > copy.mod or self.overwrite:
            self.updated += 1
            return max(mod, copy.mod + 1)
        self.anki_newer.append(note_id)
        return copy.mod

    def plan(self) -> AnkiPlan:
        """What was decided, note by note, in all."""
        return AnkiPlan(
            self.added,
            self.updated,
            self.unchanged,
            tuple(self.anki_newer),
            tuple(sorted(self.customised)),
            self.skipped,
        )


def plan_summary(plan: AnkiPlan | None, anki_path: Path | None) -> list[str]:
    """What Anki will do with the package, as lines for the terminal (warnings start with
    'warning')."""
    if plan is None:
        return [
            "Anki: its collection was not read, so it adds the notes it lacks and updates "
            "those changed here since, replacing tags added in Anki; pass --anki "
            "PATH/collection.anki2 to keep them (see the README)"
        ]
    lines = [
        f"Anki ({anki_path}): {plan.added} notes to add, {plan.updated} to update, "
        f"{plan.unchanged} unchanged; tags added in Anki are kept"
    ]
    if plan.anki_newer:
        shown = ", ".join(plan.anki_newer[:10])
        lines.append(
            f"warning: {len(plan.anki_newer)} notes changed in Anki after their last change "
            f"here keep Anki's text: {shown}; export with --overwrite-anki to send yours"
        )
    for name in plan.customised:
        lines.append(
            f"warning: note type {name!r} was changed in Anki: Anki will skip its notes "
            f"({plan.skipped}) and add a copy of the note type; see the README"
        )
    return lines


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
