"""Regenerating over a hand-reviewed deck file keeps the hand work."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from study.cli import cli
from study.domain.decks import DeckSpec, NoteSpec, RemovedCard, Source
from study.domain.decks.reading import load_deck, parse_deck
from study.domain.decks.writing import dump_deck
from study.services.cardgen.merge import merge_with_existing

ROOT = Path(__file__).resolve().parents[2]


def basic(
    note_id: str, front: str, *, edited: bool = False, tags: tuple[str, ...] = ()
) -> NoteSpec:
    return NoteSpec(id=note_id, type="basic", front=front, back="answer", edited=edited, tags=tags)


def deck(*notes: NoteSpec, version: int = 1) -> DeckSpec:
    return DeckSpec(id="d", name="D", version=version, notes=notes)


def test_edited_card_wins_over_the_regenerated_one() -> None:
    existing = deck(basic("a", "fixed by hand", edited=True), basic("b", "B"))
    generated = deck(basic("a", "clumsy"), basic("b", "B"))
    merged = merge_with_existing(generated, existing)
    assert [n.front for n in merged.notes] == ["fixed by hand", "B"]
    assert merged.version == 1  # nothing changed


def test_hand_added_card_is_kept_after_the_card_it_followed() -> None:
    existing = deck(basic("a", "A"), basic("mine", "added", edited=True), basic("b", "B"))
    generated = deck(basic("a", "A"), basic("b", "B"), basic("c", "C"))
    merged = merge_with_existing(generated, existing)
    assert [n.id for n in merged.notes] == ["a", "mine", "b", "c"]
    assert merged.version == 2


def test_untouched_card_is_replaced_and_keeps_its_hand_set_tags() -> None:
    existing = deck(basic("a", "old", tags=("hip", "avn")))
    generated = deck(basic("a", "new", tags=("avn",)))
    merged = merge_with_existing(generated, existing)
    assert merged.notes[0].front == "new"
    assert merged.notes[0].tags == ("hip", "avn")
    assert merged.version == 2


def test_generated_card_whose_sentence_left_the_material_is_dropped() -> None:
    merged = merge_with_existing(deck(basic("a", "A")), deck(basic("a", "A"), basic("gone", "G")))
    assert [n.id for n in merged.notes] == ["a"]


def test_improved_card_of_the_same_sentence_keeps_the_old_id() -> None:
    said = Source(file="m.txt", sentence="Gout affects the big toe.")
    other = Source(file="m.txt", sentence="Gout is painful.")
    existing = deck(
        replace(basic("old-1", "clumsy"), source=said),
        replace(basic("kept", "K", edited=True), source=other),
    )
    generated = deck(
        replace(basic("new-9", "better"), source=said),
        replace(basic("new-8", "another"), source=said),
        replace(basic("new-7", "fresh"), source=other),
    )
    merged = merge_with_existing(generated, existing)
    # The learner's history of old-1 follows the better card; an edited card is never
    # taken over, so the card from its sentence is simply new (the edited one stays after
    # the card it followed).
    assert [(n.id, n.front) for n in merged.notes] == [
        ("old-1", "better"),
        ("kept", "K"),
        ("new-8", "another"),
        ("new-7", "fresh"),
    ]


def test_a_removed_card_is_not_regenerated_and_its_tombstone_stays() -> None:
    said = Source(file="m.txt", sentence="Gout affects the big toe.")
    gone = RemovedCard("b", said, note="redundant")
    existing = replace(deck(replace(basic("a", "A"), source=said)), removed=(gone,))
    generated = deck(replace(basic("a", "A"), source=said), replace(basic("b", "B"), source=said))
    merged = merge_with_existing(generated, existing)
    assert [n.id for n in merged.notes] == ["a"]
    assert merged.removed == (gone,)
    assert merged.version == 1  # the review already took it out: nothing changed
    again = parse_deck(dump_deck(merged), Path("d.toml"))
    assert [n.id for n in again.notes] == ["a"] and [r.id for r in again.removed] == ["b"]


def test_an_excluded_sentence_gives_only_its_edited_cards() -> None:
    wrong = Source(file="m.txt", sentence="Muscles heal rapidly.")
    other = Source(file="m.txt", sentence="Gout is painful.")
    fixed = replace(basic("fixed", "corrected", edited=True), source=wrong, exclude_sentence=True)
    trivia = RemovedCard("t", Source("m.txt", "Trivia."), exclude_sentence=True)
    existing = replace(deck(fixed, replace(basic("g", "G"), source=other)), removed=(trivia,))
    generated = deck(
        replace(basic("n1", "Muscles heal {{rapidly}}"), source=wrong),
        replace(basic("n2", "a trivia card with a new id"), source=Source("m.txt", "Trivia.")),
        replace(basic("g", "G better"), source=other),
    )
    merged = merge_with_existing(generated, existing)
    # A new generator's cards of an excluded sentence never come in, whatever their id;
    # the other sentences are regenerated as usual.
    assert [(n.id, n.front) for n in merged.notes] == [("fixed", "corrected"), ("g", "G better")]


def test_an_excluded_sentence_stays_excluded_however_the_generator_splits_it() -> None:
    wrong = "Muscles and ligaments heal rapidly, while a torn disc may or may not."
    fixed = replace(
        basic("fixed", "corrected", edited=True),
        source=Source("m.txt", wrong),
        exclude_sentence=True,
    )
    generated = deck(
        # cut in parts, joined to its neighbour, a quote mark moved: all excluded
        replace(
            basic("n1", "heal {{rapidly}}"),
            source=Source("m.txt", "Muscles and ligaments heal rapidly,"),
        ),
        replace(basic("n2", "joined"), source=Source("m.txt", f"Gout hurts. {wrong}")),
        replace(basic("n3", "quoted"), source=Source("m.txt", f"“ {wrong}")),
        # the same words in another file, and another sentence, are generated as usual
        replace(basic("n4", "elsewhere"), source=Source("other.txt", wrong)),
        replace(basic("n5", "muscles"), source=Source("m.txt", "Muscles move joints.")),
    )
    merged = merge_with_existing(generated, deck(fixed))
    assert [n.id for n in merged.notes] == ["fixed", "n4", "n5"]


def regenerate_bundled_deck(folder: Path) -> Path:
    """A copy of the bundled deck file in ``folder`` after ``study generate`` ran over it
    from its material, as a maintainer regenerates it."""
    shutil.copytree(ROOT / "decks" / "material", folder / "material")
    target = folder / "spine-and-hip.toml"
    shutil.copy(ROOT / "decks" / "spine-and-hip.toml", target)
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(folder / "db.sqlite"),
            "generate",
            str(folder / "material" / "spine-and-hip.txt"),
            "-o",
            str(target),
        ],
        env={"STUDY_HOME": str(folder / "home")},
    )
    assert result.exit_code == 0, result.output
    return target


def test_regenerating_the_bundled_deck_changes_nothing(tmp_path: Path) -> None:
    bundled = ROOT / "decks" / "spine-and-hip.toml"
    target = regenerate_bundled_deck(tmp_path)
    assert target.read_text() == bundled.read_text()
    assert load_deck(target) == replace(load_deck(bundled), path=None)
