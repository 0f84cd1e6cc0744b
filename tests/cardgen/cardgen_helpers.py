"""Run one sentence or passage through the generator and look at the cards it gives."""

from __future__ import annotations

from pathlib import Path

from study.domain import cloze
from study.domain.decks import NoteSpec
from study.services.cardgen import Generation, generate_deck
from study.services.cardgen.sentences import Sentence, split_sentences


def generate_text(tmp_path: Path, text: str, name: str = "notes.md") -> Generation:
    """Generate a deck from ``text`` written to a file in ``tmp_path``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return generate_deck([path], deck_dir=tmp_path)


def qa(note: NoteSpec) -> tuple[str, str]:
    """A note as (question, answer) plain text; for a cloze, its first card."""
    if note.type == "cloze":
        return cloze.question(note.text, 1), "; ".join(cloze.deleted_answers(note.text, 1))
    return note.front, note.back


def all_answers(note: NoteSpec) -> list[str]:
    """Every answer a note asks for (every deletion of a cloze)."""
    if note.type == "cloze":
        return [
            a for n in cloze.cloze_numbers(note.text) for a in cloze.deleted_answers(note.text, n)
        ]
    return [note.back]


def find(generation: Generation, question_part: str, answer_part: str) -> NoteSpec | None:
    """The note whose question contains ``question_part`` and one answer ``answer_part``."""
    for note in generation.deck.notes:
        question = note.front if note.type == "basic" else note.text
        if question_part.lower() in question.lower() and any(
            answer_part.lower() in a.lower() for a in all_answers(note)
        ):
            return note
    return None


def one_sentence(text: str) -> Sentence:
    """``text``, one sentence, parsed as the generator parses it (remarks in parentheses
    apart)."""
    [sentence] = split_sentences(text, 0)
    assert sentence.span is not None
    return sentence
