"""Import of Anki packages (``.apkg``, ``.colpkg``) made by Anki or by ``study export-anki``.

The package's collection is read with :mod:`sqlite3` (the ``anki`` package is only a
test dependency): the current format (``collection.anki21b``, zstd-compressed, schema 18:
note types, fields, templates and decks in their own tables, protobuf configs) and the
legacy ones (``collection.anki21`` / ``collection.anki2``, schema 11: JSON in ``col``).

What a note becomes:

* A note of study's own note types (exported by ``study export-anki``, found by its
  GUID) that is still in one of your decks keeps its text here (its deck file is its
  home); only its progress is merged.
* Any other note becomes a study note in a deck named after its Anki deck (with
  ``--deck-prefix P``: ``P::<Anki deck>``): a cloze note type gives a cloze note (text
  from the first field, the other fields as extra); any other note type gives one basic
  card per Anki card, its front the fields the card's question template shows (the
  first field if it shows none), its back the other fields its answer shows. Field HTML
  becomes plain text; images and sounds are listed (``[image: a.png]`` in the text), not
  imported. The study id of a note is a function of its GUID, so importing the same
  package again updates the notes in place, and retires the ones gone from the deck.

With ``with_progress`` each card's schedule is mapped to SM-2 (``progress.anki_schedule``)
and the review log is added to the learner's history (``progress.anki_grade`` maps Anki's
buttons to grades); where a card has progress on both sides the later last review wins,
and log entries already here (same card, same second) are not added twice. Everything
happens in one transaction: an error leaves the database as it was.

The modules, in the order a package goes through them: ``collection`` reads it (with
``protobuf`` for schema 18's configs), ``notes`` maps its notes to study notes (their
text through ``plain_text``), ``progress`` maps schedules and the review log,
``importing`` writes it all, and ``report`` counts what changed.
"""

from study.services.anki_import.collection import AnkiImportError, anki_copy, find_anki_collection
from study.services.anki_import.importing import import_anki
from study.services.anki_import.notes import study_note_id
from study.services.anki_import.report import AnkiImportResult

__all__ = [
    "AnkiImportError",
    "AnkiImportResult",
    "anki_copy",
    "find_anki_collection",
    "import_anki",
    "study_note_id",
]
