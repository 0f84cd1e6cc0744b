"""The bundled spine-and-hip deck: valid, cited, reviewed, and reaching existing learners."""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.decks import NoteSpec
from study.domain.decks.reading import load_deck
from study.services import library
from study.services.session import StudySession
from study.storage.database import open_database
from study.storage.learners import get_or_create_learner
from tests.conftest import START, ZONE

ROOT = Path(__file__).parent.parent.parent
DECKS = ROOT / "decks"
BEFORE_REVIEW = ROOT / "tests" / "fixtures" / "spine-and-hip-v4.toml"  # as shipped before


def _as_read(note: NoteSpec) -> str:
    """The card's text as the learner reads it (a cloze with its answers in place)."""
    text = f"{note.front} {note.back} {note.text}".lower()
    return re.sub(r"\{\{c\d+::(.*?)(::[^}]*)?\}\}", r"\1", text)


def test_bundled_deck_cites_its_material_and_covers_key_facts() -> None:
    deck = load_deck(DECKS / "spine-and-hip.toml")
    material = (DECKS / "material" / "spine-and-hip.txt").read_text(encoding="utf-8")
    assert deck.id == "spine-and-hip" and deck.material == ("material/spine-and-hip.txt",)
    for entry in (*deck.notes, *deck.removed):
        assert entry.source is not None and entry.source.sentence in material, entry.id
    text = " ".join(_as_read(n) for n in deck.notes)
    for fact in (
        "osteonecrosis",
        "in the hip",
        "hip fracture",
        "corticosteroids",
        "alcohol",
        "facet joints",
        "the more it hurts",
        "6 to 12 weeks",
        "early mobilisation",
        "balloon",
        "polymethyl methacrylate",
        "umbrella term",
        "bone spurs",
        "snapping hip syndrome",
        "iliopsoas tendinitis",
        "osteoarthritis",
        "thomas test",
        "false negatives",
        "history of cancer",
        "cauda equina",
        "30 steps",
    ):
        assert fact in text, fact


def test_every_review_edit_says_what_the_material_wrote_and_cites_its_source() -> None:
    deck = load_deck(DECKS / "spine-and-hip.toml")
    for note in deck.notes:
        if note.edited:
            assert "material" in note.note, note.id
            # A correction cites where the accepted fact comes from; a card added from the
            # material alone, or kept as it was, says so.
            assert "Source" in note.note or note.note.startswith(("Reviewed", "Added")), note.id
    for gone in deck.removed:
        assert gone.note, gone.id  # why it was removed


def test_an_excluded_sentence_keeps_only_edited_cards() -> None:
    # Regenerating drops every unedited card of an excluded sentence: none may be left
    # unedited in the file, or the next regeneration would silently remove it.
    deck = load_deck(DECKS / "spine-and-hip.toml")
    excluded = {e.source for e in (*deck.notes, *deck.removed) if e.exclude_sentence}
    assert excluded
    assert [n.id for n in deck.notes if n.source in excluded and not n.edited] == []


def _study(database_url: str, clock: FixedClock, days: int) -> None:
    database = open_database(database_url)
    try:
        learner = database.write(lambda s: get_or_create_learner(s, "default", clock.now()))
        assert learner.id is not None
        for _day in range(days):
            session = StudySession(database, learner.id, Settings(timezone=ZONE), clock)
            answers = 0
            while session.current() is not None and answers < 80:
                session.grade((5, 4, 3)[answers % 3], answer_ms=2000)
                clock.advance(seconds=10)
                answers += 1
            clock.advance(days=1)
    finally:
        database.close()


def _progress(db_path: Path) -> dict[str, tuple[int, int, int]]:
    """Card id: (repetitions, interval, reviews logged) for every card ever reviewed."""
    with closing(sqlite3.connect(db_path)) as connection:
        rows = connection.execute(
            "SELECT s.card_id, s.repetitions, s.interval,"
            " (SELECT COUNT(*) FROM review r JOIN card c ON c.key = r.card_key"
            " WHERE c.id = s.card_id)"
            " FROM card_state s WHERE s.reviews > 0"
        ).fetchall()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _retired(db_path: Path, table: str) -> set[str]:
    with closing(sqlite3.connect(db_path)) as connection:
        return {row[0] for row in connection.execute(f"SELECT id FROM {table} WHERE retired")}


def test_the_reviewed_deck_reaches_a_learner_of_the_old_one_with_progress_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "bundled"
    shutil.copytree(DECKS / "material", shipped / "material")
    deck_file = shipped / "spine-and-hip.toml"
    shutil.copy(BEFORE_REVIEW, deck_file)
    monkeypatch.setattr(library, "bundled_deck_files", lambda: [deck_file])
    db_path = tmp_path / "learner.db"
    url = f"sqlite:///{db_path}"
    clock = FixedClock(START)

    database = open_database(url)
    library.sync_bundled_decks(database, clock.now())
    database.close()
    _study(url, clock, days=3)
    before = _progress(db_path)
    assert len(before) > 40  # the learner has studied most of the old deck

    shutil.copy(DECKS / "spine-and-hip.toml", deck_file)  # the app is upgraded
    database = open_database(url)
    [result] = library.sync_bundled_decks(database, clock.now())
    database.close()

    reviewed = load_deck(DECKS / "spine-and-hip.toml")
    old = load_deck(BEFORE_REVIEW)
    new_cards = {c for n in reviewed.notes for c in n.card_ids}
    old_cards = {c for n in old.notes for c in n.card_ids}
    assert result.deck_id == "spine-and-hip"
    removed = {r.id for r in reviewed.removed} & {n.id for n in old.notes}
    assert (result.added, result.retired) == (
        len({n.id for n in reviewed.notes} - {n.id for n in old.notes}),
        len(removed),
    )
    after = _progress(db_path)
    # Every card the learner studied keeps its schedule and its review log: the cards
    # still in the deck stay live, the removed ones (and a dropped cloze) are retired.
    assert after == before
    retired = _retired(db_path, "card")
    assert set(before) & new_cards and not (set(before) & new_cards & retired)
    assert (old_cards - new_cards) <= retired
    assert removed == _retired(db_path, "note")


def test_the_review_document_lists_every_edited_and_removed_card() -> None:
    deck = load_deck(DECKS / "spine-and-hip.toml")
    review = (ROOT / "docs" / "medical-review.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", review, flags=re.MULTILINE))
    assert listed == {n.id for n in deck.notes if n.edited} | {r.id for r in deck.removed}
    # and every sentence the generator must skip, so a reader sees what gives no card
    excluded = [n.source for n in deck.notes if n.exclude_sentence]
    excluded += [r.source for r in deck.removed if r.exclude_sentence]
    assert [s.sentence for s in excluded if s is not None and s.sentence not in review] == []


def test_a_fresh_import_never_creates_a_removed_card(tmp_path: Path) -> None:
    db_path = tmp_path / "new.db"
    database = open_database(f"sqlite:///{db_path}")
    library.import_deck_files(database, [DECKS / "spine-and-hip.toml"], START, bundled=True)
    database.close()
    deck = load_deck(DECKS / "spine-and-hip.toml")
    with closing(sqlite3.connect(db_path)) as connection:
        notes = {row[0] for row in connection.execute("SELECT id FROM note")}
    assert notes == {n.id for n in deck.notes}
    assert not notes & {r.id for r in deck.removed}


def test_regenerating_keeps_the_ids_of_cards_whose_sentence_did_not_change() -> None:
    """A better reader changes the cards a sentence gives, and so their hashes: the merge
    hands each new card of a sentence the id of an unedited old card of that sentence,
    so the learner's history survives a new generator."""
    from collections import Counter
    from dataclasses import replace

    from study.services.cardgen import generate_deck
    from study.services.cardgen.merge import merge_with_existing

    bundled = load_deck(DECKS / "spine-and-hip.toml")
    # An older generator's deck: every unedited card under another id, as if its
    # question had been worded differently.
    older = replace(
        bundled,
        notes=tuple(n if n.edited else replace(n, id=f"old-{n.id}") for n in bundled.notes),
    )
    generated = generate_deck([DECKS / "material" / "spine-and-hip.txt"], deck_dir=DECKS).deck
    merged = merge_with_existing(generated, older)
    ids = {n.id for n in merged.notes}
    assert all(n.id in ids for n in bundled.notes if n.edited)
    old_by_sentence = Counter(n.source.sentence for n in older.notes if not n.edited and n.source)
    new_by_sentence = Counter(n.source.sentence for n in generated.notes if n.source)
    for sentence, old_count in old_by_sentence.items():
        kept = sum(
            1
            for n in merged.notes
            if n.id.startswith("old-") and n.source is not None and n.source.sentence == sentence
        )
        assert kept == min(old_count, new_by_sentence[sentence]), sentence
