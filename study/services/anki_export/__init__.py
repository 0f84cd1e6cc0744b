"""Export to Anki: an ``.apkg`` package built with genanki, optionally carrying progress.

What Anki's importer (rslib ``import_export/package/apkg/import``) does with a package,
and what this module therefore writes:

* Notes are matched by GUID. Ours comes from the stable note id, so a re-export updates
  the note in Anki instead of adding a twin. With the default "update if newer", a note
  is updated only when its ``mod`` is newer than Anki's copy; ours is the time the note
  last changed in our database, so exactly the edited notes are updated. An update
  replaces the note's fields and its tags (``notes.rs``: ``update_tags: true``).
* Given Anki's copy (:class:`AnkiCopy`, read from its collection), the export decides
  what Anki will do and makes it safe: tags added in Anki are merged into the note's
  tags; a note whose text is the same there is given Anki's ``mod`` (not updated); a
  note changed here since Anki's copy changed is updated; a note whose Anki copy changed
  later keeps Anki's text and is named (:attr:`ExportResult.anki_newer`); a note type
  whose fields were changed in Anki is named, as Anki will skip its notes.
* Note types are matched by id: ours are hard-coded and never change shape.
* Decks are matched by name (``Parent::Child``); the ids here only need to be stable
  and never 1 (Anki's Default deck).
* A card is added only if its note has no card of that ordinal yet; existing cards are
  never touched. Scheduling (``with_scheduling``) and the review log therefore travel
  only with the first import of a card: importing progress again later changes nothing.
* A card carries what Anki's own export carries: ``reps`` counts every answer in its
  review log, and ``data`` holds the last review time (``lrt``, the time of its last
  rated answer that was not cramming), which Check Database otherwise adds. A card
  waiting for today's drill is in Anki's learning (or relearning) queue, due now.
* Field text is stored as Anki's editor stores typed text: ``<``, ``>`` and ``&``
  escaped, quotes literal (so a search for ``it's`` finds the note).
* Review cards' ``due`` counts days from the collection's creation (``col.crt``). The
  importer shifts it by the difference between the package's "today" and the target
  collection's, so the calendar date is kept. The package's collection says it is on
  scheduler v2 with a UTC creation offset and the learner's day boundary as rollover,
  so its "today" is the learner's study day (on a machine in the learner's time zone),
  and Anki does not "upgrade" the review log from v1 (which would shift button numbers).

The modules: ``exporting`` runs an export; ``notes`` reads the notes and builds them as
Anki notes of ``note_types``; ``progress`` turns schedules and the review log into
Anki's; ``collection`` fills the collection; ``plan`` decides what Anki will do given
its copy; ``package_file`` checks, writes and zips the file.
"""

from study.services.anki_export.collection import anki_deck_id
from study.services.anki_export.exporting import ExportResult, export_anki
from study.services.anki_export.note_types import BASIC_MODEL_ID, CLOZE_MODEL_ID
from study.services.anki_export.notes import AnkiExportError, field_html, note_guid
from study.services.anki_export.package_file import PACKAGE_COMMENT, default_package_path
from study.services.anki_export.plan import AnkiCopy, AnkiPlan, plan_summary
from study.services.anki_export.progress import anki_button

__all__ = [
    "BASIC_MODEL_ID",
    "CLOZE_MODEL_ID",
    "PACKAGE_COMMENT",
    "AnkiCopy",
    "AnkiExportError",
    "AnkiPlan",
    "ExportResult",
    "anki_button",
    "anki_deck_id",
    "default_package_path",
    "export_anki",
    "field_html",
    "note_guid",
    "plan_summary",
]
