"""Regenerating over a deck file that was reviewed by hand, without losing the review.

Cards marked ``edited`` in the existing file win over the generated card with the same
id, and hand-added cards (``edited``, with an id the generator did not produce) are kept
after the card they followed. Generated cards the learner never touched are replaced;
ones whose sentence left the material are dropped (an import then retires them, keeping
their history). Tags set by hand are kept for cards whose id did not change.

When the generator improves the card it makes from a sentence, the new card's id (a hash of
sentence, pattern and answer) differs from the old one. The learner's history follows the
id, so a new card takes over the id of an unedited card of the same source sentence that
the generator no longer produces.

What a review took out stays out: a generated card whose id has a tombstone in the existing
file (``removed = true``) is dropped, and so is every generated card of a sentence marked
``exclude_sentence`` there (its edited cards, if any, are all it gives), however the
generator splits it into sentences. The tombstones are kept in the merged deck.
"""

from __future__ import annotations

import re
from dataclasses import replace

from study.domain.decks import DeckSpec, NoteSpec, RemovedCard, Source


def merge_with_existing(generated: DeckSpec, existing: DeckSpec) -> DeckSpec:
    """The generated deck with the hand work of ``existing`` carried over.

    The deck keeps the existing id, name and description; its version goes up by one
    when the cards changed, so the import applies the new version.
    """
    old = {note.id: note for note in existing.notes}
    notes: list[NoteSpec] = []
    for note in _keep_ids(_not_removed(generated.notes, existing), existing.notes):
        before = old.get(note.id)
        if before is None:
            notes.append(note)
        elif before.edited:
            notes.append(before)
        else:
            notes.append(replace(note, tags=before.tags or note.tags))
    produced = {note.id for note in notes}
    # Hand-added cards go back after the card they followed in the existing file.
    for index, note in enumerate(existing.notes):
        if not note.edited or note.id in produced:
            continue
        anchor = next((p.id for p in reversed(existing.notes[:index]) if p.id in produced), None)
        at = next((i + 1 for i, n in enumerate(notes) if n.id == anchor), 0)
        notes.insert(at, note)
        produced.add(note.id)
    changed = tuple(_comparable(n) for n in notes) != tuple(_comparable(n) for n in existing.notes)
    return replace(
        generated,
        id=existing.id,
        name=existing.name,
        description=existing.description or generated.description,
        version=existing.version + 1 if changed else existing.version,
        notes=tuple(notes),
        removed=existing.removed,
    )


def _not_removed(generated: tuple[NoteSpec, ...], existing: DeckSpec) -> tuple[NoteSpec, ...]:
    """``generated`` without the cards a review of ``existing`` removed or excluded.

    An excluded sentence is matched by its words, so it stays excluded when another
    sentence splitter cuts it in parts, joins it to its neighbour, or moves a quote mark.
    """
    gone = {removed.id for removed in existing.removed}
    entries: list[NoteSpec | RemovedCard] = [*existing.notes, *existing.removed]
    excluded = [
        (entry.source.file, _words(entry.source.sentence))
        for entry in entries
        if entry.exclude_sentence and entry.source is not None
    ]

    def is_excluded(source: Source | None) -> bool:
        if source is None or not _words(source.sentence).strip():
            return False
        words = _words(source.sentence)
        return any(
            file == source.file and them.strip() and (words in them or them in words)
            for file, them in excluded
        )

    return tuple(note for note in generated if note.id not in gone and not is_excluded(note.source))


def _words(sentence: str) -> str:
    """The words of ``sentence``, lower-cased, space-separated and space-padded."""
    return " " + " ".join(re.findall(r"\w+", sentence.lower())) + " "


def _keep_ids(generated: tuple[NoteSpec, ...], existing: tuple[NoteSpec, ...]) -> list[NoteSpec]:
    """``generated`` with each new card given the id of an unedited existing card of the
    same sentence that is no longer generated, in order of appearance."""
    produced = {note.id for note in generated}
    known = {note.id for note in existing}
    orphans: dict[tuple[str, str], list[str]] = {}
    for note in existing:
        if note.edited or note.id in produced or note.source is None:
            continue
        orphans.setdefault((note.source.file, note.source.sentence), []).append(note.id)
    result: list[NoteSpec] = []
    for note in generated:
        key = (note.source.file, note.source.sentence) if note.source else None
        free = orphans.get(key) if key else None
        if note.id not in known and free:
            note = replace(note, id=free.pop(0))
        result.append(note)
    return result


def _comparable(note: NoteSpec) -> NoteSpec:
    return replace(note, line=0)
