"""Study's notes as Anki notes (read one row per card by :mod:`study.storage.anki_rows`):
refused when Anki would get no card, and built with escaped fields (card text is data,
never markup), Anki tags and a GUID that depends on the note id alone."""

from __future__ import annotations

import base64
import hashlib
import html
from datetime import UTC, datetime
from typing import Any

import genanki

from study.domain import cloze
from study.domain.errors import UserError
from study.domain.tags import tag_key
from study.storage.anki_rows import NoteRow
from study.storage.tags import split_tag_list


class AnkiExportError(UserError):
    """The export cannot be written; the message says which note or file, and why."""


def field_html(text: str) -> str:
    """Plain card text as an Anki field, as Anki's editor stores typed text: ``<``, ``>``
    and ``&`` escaped (shown literally, never markup), quotes left as they are, line
    breaks as ``<br>``. Cloze markers (``{{c1::...}}``) contain none of these, so survive."""
    if not text:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = html.escape(text, quote=False)
    return escaped.replace("\n", "<br>") if "\n" in escaped else escaped


def source_html(sentence: str, file: str) -> str:
    """The Source field: the passage the card came from, then the material file's name."""
    parts = []
    if sentence:
        parts.append(field_html(sentence))
    if file:
        parts.append(f'<span class="source-file">{field_html(file)}</span>')
    return "<br>".join(parts)


def anki_tags(tags: str | None) -> list[str]:
    """A note's tags (space separated, as :func:`study.storage.tags.tag_list` reads
    them; None: none) as Anki tags, as written, in the order of their keys."""
    return sorted(split_tag_list(tags), key=tag_key)


def note_guid(note_id: str) -> str:
    """The Anki GUID of a note: a function of its stable id only (72 bits of a hash, in
    URL-safe base64: no character Anki's search syntax treats specially)."""
    digest = hashlib.sha256(f"study-note\0{note_id}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode("ascii")


def epoch_seconds(value: str | datetime) -> int:
    """A stored time in seconds since the epoch. Times are stored as naive UTC (see
    storage.models.UtcDateTime); SQLite returns them as text, other drivers as datetimes."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def check_note(rows: list[NoteRow], deck_name: str) -> None:
    """Refuse a note that would give Anki no card, or a card with nothing to ask."""
    first = rows[0]
    where = f"card {first.note_id!r} of deck {deck_name!r}"
    if first.card_id is None:
        raise AnkiExportError(f"{where} gives no card; fix it in the deck file and import it again")
    if first.type == "cloze":
        numbers = set(cloze.cloze_numbers(first.text))
        if not numbers:
            raise AnkiExportError(
                f"{where} is a cloze without a deletion; mark one as {{{{c1::answer}}}} "
                "in the deck file and import it again"
            )
        missing = [r.ordinal for r in rows if r.ordinal not in numbers]
        if missing:
            raise AnkiExportError(
                f"{where} has no deletion c{missing[0]} any more; import its deck file again"
            )
    elif not first.front.strip():
        raise AnkiExportError(f"{where} has an empty front; fix it in the deck file")


def anki_note(model: Any, row: NoteRow, position: int) -> Any:
    """The genanki note of ``row``'s note: its fields as Anki's editor stores them, the
    author's note under the extra text, and ``position`` as its new-card order."""
    source = source_html(row.source_sentence, row.source_file)
    extra = field_html(row.extra)
    if row.editor_note:  # shown under the answer, as study shows it
        note = f"<i>Note:</i> {field_html(row.editor_note)}"
        extra = f"{extra}<br><br>{note}" if extra else note
    if row.type == "cloze":
        fields = [field_html(row.text), extra, source]
    else:
        fields = [field_html(row.front), field_html(row.back), extra, source]
    return genanki.Note(
        model=model,
        fields=fields,
        tags=anki_tags(row.tags),
        guid=note_guid(row.note_id),
        due=position,
    )
