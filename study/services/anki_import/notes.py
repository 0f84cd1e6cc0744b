"""Anki notes as study notes: which deck, which text, which cards (see the package
docstring for the rules), and the stable study ids of imported notes and decks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from study.domain import cloze
from study.domain.cards import card_id
from study.domain.decks import NoteSpec, Source
from study.services.anki_export.note_types import BASIC_MODEL_ID, CLOZE_MODEL_ID
from study.services.anki_import.collection import AnkiCard, AnkiCollection, AnkiNote, NoteType
from study.services.anki_import.plain_text import html_text

DEFAULT_DECK_NAME = "Default (from Anki)"

_SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"}
_FIELD_REF = re.compile(r"\{\{([^#/^!{}][^{}]*)\}\}")

_SOURCE_FILE = re.compile(r'(?s)(.*?)(?:<br>)?<span class="source-file">(.*)</span>')
_EDITOR_NOTE = "<i>Note:</i> "


@dataclass(frozen=True)
class PlannedNote:
    """A study note made from an Anki note, and its cards: study card id -> Anki card."""

    spec: NoteSpec
    deck_name: str
    cards: dict[str, AnkiCard]


def study_note_id(guid: str) -> str:
    """The study id of an Anki note: a function of its GUID (any characters) alone."""
    return "anki-" + hashlib.sha256(guid.encode()).hexdigest()[:20]


def study_deck_id(name: str) -> str:
    """The study id of a deck made from Anki deck ``name``: readable, and unique by name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60] or "deck"
    return f"anki-{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def _template_fields(template: str, names: Sequence[str]) -> list[int]:
    """The indexes of the fields a card template shows, in order of first use."""
    shown: list[int] = []
    for match in _FIELD_REF.finditer(template):
        name = match.group(1).split(":")[-1].strip()
        if name in _SPECIAL_FIELDS or name not in names:
            continue
        index = names.index(name)
        if index not in shown:
            shown.append(index)
    return shown


class NotePlanner:
    """Turns the package's notes into study notes, collecting what it cannot keep."""

    def __init__(self, package: AnkiCollection, prefix: str) -> None:
        self.package = package
        self.prefix = prefix
        self.skipped: list[str] = []
        self.media: set[str] = set()
        self.descriptions: dict[str, str] = {}  # study deck name -> plain text
        self.cards_by_note: dict[int, list[AnkiCard]] = {}
        for anki_card in package.cards:
            self.cards_by_note.setdefault(anki_card.note_id, []).append(anki_card)

    def text(self, field_html: str) -> str:
        """A field's plain text, stripped; the media it names are noted."""
        text, media = html_text(field_html)
        self.media.update(media)
        return text.strip()

    def deck_name(self, cards: Sequence[AnkiCard]) -> str:
        """The study deck of a note (its first card's deck); its description noted."""
        deck_id = cards[0].home_deck
        name = self.package.decks.get(deck_id, "Default")
        study_name = self.study_name(name)
        description = self.package.descriptions.get(deck_id, "")
        if description and study_name not in self.descriptions:
            self.descriptions[study_name] = self.text(description)
        return study_name

    def study_name(self, name: str) -> str:
        """Anki deck ``name``'s study name: under the prefix; without one, Default renamed."""
        if not self.prefix and name.split("::")[0].casefold() == "default":
            name = DEFAULT_DECK_NAME + name[len("Default") :]
        return f"{self.prefix}::{name}" if self.prefix else name

    def plan(self, note: AnkiNote) -> list[PlannedNote]:
        """The study notes ``note`` becomes (none when it is skipped, saying why)."""
        cards = self.cards_by_note.get(note.id, [])
        notetype = self.package.notetypes.get(note.notetype_id)
        where = f"note {note.guid!r}"
        if not cards or notetype is None:
            self.skipped.append(f"{where}: no cards or no note type; skipped")
            return []
        fields = dict(zip(notetype.fields, note.fields, strict=False))
        deck = self.deck_name(cards)
        tags = tuple(t for t in note.tags if t)
        note_id = study_note_id(note.guid)
        if notetype.is_cloze:
            return self.plan_cloze(note, notetype, fields, cards, deck, tags, note_id)
        own = note.notetype_id == BASIC_MODEL_ID or notetype.name.startswith("Basic (study)")
        if own and {"Front", "Back"} <= set(fields):
            extra, remark = self.extra_and_remark(fields.get("Extra", ""))
            spec = NoteSpec(
                id=note_id,
                type="basic",
                front=html_text(fields["Front"])[0],
                back=html_text(fields["Back"])[0],
                extra=extra,
                tags=tags,
                source=self.source(fields.get("Source", "")),
                note=remark,
            )
            return [PlannedNote(spec, deck, {note_id: cards[0]})]
        planned = []
        for anki_card in cards:
            front, back = self.sides(notetype, note, anki_card.ord)
            if not front:
                self.skipped.append(f"{where} card {anki_card.ord + 1}: empty question; skipped")
                continue
            card_note = note_id if anki_card.ord == 0 else f"{note_id}-{anki_card.ord + 1}"
            spec = NoteSpec(id=card_note, type="basic", front=front, back=back, tags=tags)
            planned.append(PlannedNote(spec, deck, {card_note: anki_card}))
        return planned

    def sides(self, notetype: NoteType, note: AnkiNote, ordinal: int) -> tuple[str, str]:
        """Front: the fields the card's question shows; back: the rest its answer shows."""
        names = notetype.fields
        question, answer = (
            notetype.templates[ordinal] if ordinal < len(notetype.templates) else ("", "")
        )
        front_fields = _template_fields(question, names) or [0]
        back_fields = [i for i in _template_fields(answer, names) if i not in front_fields]
        if not back_fields and not _template_fields(question, names):
            back_fields = list(range(1, len(names)))
        values = [self.text(value) for value in note.fields]

        def joined(indexes: Sequence[int]) -> str:
            return "\n".join(values[i] for i in indexes if i < len(values) and values[i])

        return joined(front_fields), joined(back_fields)

    def plan_cloze(
        self,
        note: AnkiNote,
        notetype: NoteType,
        fields: Mapping[str, str],
        cards: Sequence[AnkiCard],
        deck: str,
        tags: tuple[str, ...],
        note_id: str,
    ) -> list[PlannedNote]:
        """The cloze note ``note`` becomes (none when its text is not a valid cloze or its
        cards are not the deletions of that text)."""
        where = f"note {note.guid!r}"
        own = note.notetype_id == CLOZE_MODEL_ID or notetype.name.startswith("Cloze (study)")
        if own and "Text" in fields:
            text = html_text(fields["Text"])[0]
            extra, remark = self.extra_and_remark(fields.get("Extra", ""))
            source = self.source(fields.get("Source", ""))
        else:
            text = self.text(note.fields[0])
            extra = "\n".join(v for v in (self.text(f) for f in note.fields[1:]) if v)
            remark, source = "", None
        if problem := cloze.syntax_problem(text):
            self.skipped.append(f"{where}: {problem}; skipped")
            return []
        numbers = cloze.cloze_numbers(text)
        by_number = {c.ord + 1: c for c in cards}
        if set(by_number) - set(numbers) or not numbers:
            self.skipped.append(
                f"{where}: its cards are not the deletions of its first field; skipped"
            )
            return []
        spec = NoteSpec(
            id=note_id, type="cloze", text=text, extra=extra, tags=tags, source=source, note=remark
        )
        return [PlannedNote(spec, deck, {card_id(note_id, n): by_number[n] for n in by_number})]

    @staticmethod
    def extra_and_remark(raw: str) -> tuple[str, str]:
        """Study's Extra field: the extra text, then the author's note (see anki_export)."""
        extra, marker, remark = raw.partition(_EDITOR_NOTE)
        if marker:
            extra = extra.removesuffix("<br><br>")
        return html_text(extra)[0], html_text(remark)[0] if marker else ""

    @staticmethod
    def source(raw: str) -> Source | None:
        """Study's Source field: the sentence, then the material file's name."""
        if not raw:
            return None
        match = _SOURCE_FILE.fullmatch(raw)
        sentence, file = (match.group(1), match.group(2)) if match else (raw, "")
        return Source(file=html_text(file)[0], sentence=html_text(sentence)[0])
