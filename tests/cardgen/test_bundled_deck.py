"""The bundled spine-and-hip deck: valid, cited, and covering the material's key facts."""

from __future__ import annotations

import re
from pathlib import Path

from study.decks import load_deck

DECKS = Path(__file__).parent.parent.parent / "decks"


def test_bundled_deck_cites_its_material_and_covers_key_facts() -> None:
    deck = load_deck(DECKS / "spine-and-hip.toml")
    material = (DECKS / "material" / "spine-and-hip.txt").read_text(encoding="utf-8")
    assert deck.id == "spine-and-hip" and deck.material == ("material/spine-and-hip.txt",)
    for note in deck.notes:
        assert note.source is not None and note.source.sentence in material
    text = " ".join(f"{n.front} {n.back} {n.text}" for n in deck.notes).lower()
    text = re.sub(r"\{\{c\d+::(.*?)\}\}", r"\1", text)  # a cloze as the learner reads it
    for fact in (
        "osteonecrosis",
        "most often happen? the hip",
        "hip fracture",
        "prednisone",
        "back strain",
        "facet joints",
        "the more it hurts",
        "8 to 12 weeks",
        "early mobilisation",
        "balloon",
        "polymethyl methacrylate",
        "spinal decompression",
        "bone spurs",
        "10,000",
        "sixth",
        "third",
        "ischemic heart",
        "snapping hip syndrome",
        "iliopsoas tendinitis",
        "osteoarthritis",
        "physical examination",
        "thomas test",
        "time course of pain",
        "heal rapidly",
        "false negatives",
        "quite misleading",
        "grown worse",
    ):
        assert fact in text, fact
    edited = [n for n in deck.notes if n.edited]
    # Every hand edit is a generator defect to fix next, except corrections of the
    # material's medical errors, which no generator can make: those are the only ones
    # left (10 of 47), and each says in its note what the material wrote.
    assert all("material" in n.note for n in edited)
    assert len(edited) / len(deck.notes) < 0.22


def test_regenerating_keeps_the_ids_of_cards_whose_sentence_did_not_change() -> None:
    """A better reader changes the cards a sentence gives, and so their hashes: the merge
    hands each new card of a sentence the id of an unedited old card of that sentence,
    so the learner's history survives a new generator."""
    from collections import Counter
    from dataclasses import replace

    from study.cardgen import generate_deck
    from study.cardgen.merge import merge_with_existing

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
