"""Regenerating over a deck file that was reviewed by hand, without losing the review.

Cards marked ``edited`` in the existing file win over the generated card with the same
id, and hand-added cards (``edited``, with an id the generator did not produce) are kept
after the card they followed. Generated cards the learner never touched are replaced;
ones whose sentence left the material are dropped (an import then retires them, keeping
their history). Tags set by hand are kept for cards whose id did not change.
"""

from __future__ import annotations

from dataclasses import replace

from study.decks import DeckSpec, NoteSpec


def merge_with_existing(generated: DeckSpec, existing: DeckSpec) -> DeckSpec:
    """The generated deck with the hand work of ``existing`` carried over.

    The deck keeps the existing id, name and description; its version goes up by one
    when the cards changed, so the import applies the new version.
    """
    old = {note.id: note for note in existing.notes}
    notes: list[NoteSpec] = []
    for note in generated.notes:
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
    )


def _comparable(note: NoteSpec) -> NoteSpec:
    return replace(note, line=0)
