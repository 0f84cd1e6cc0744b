"""The whole generator: determinism, stable ids, valid decks, errors, progress, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
from cardgen_helpers import all_answers, find, generate_text

from study.domain.decks.reading import parse_deck
from study.domain.decks.writing import dump_deck
from study.services.cardgen import GenerationError, generate_deck

FIXTURES = Path(__file__).parent.parent / "fixtures" / "material"
PASSAGE = (
    "Avascular necrosis (also called osteonecrosis). This condition happens when blood flow to "
    "the bone slows. It can be caused by a fracture, a dislocation, or steroids, among other "
    "causes.\n\nIn 1990, the ranking put back pain in sixth place.\n"
)


def test_same_input_gives_a_byte_identical_deck(tmp_path: Path) -> None:
    first = dump_deck(generate_text(tmp_path, PASSAGE).deck)
    second = dump_deck(generate_text(tmp_path, PASSAGE).deck)
    assert first == second


def test_ids_survive_a_small_edit_elsewhere(tmp_path: Path) -> None:
    before = generate_text(tmp_path, PASSAGE).deck.notes
    edited = PASSAGE.replace("sixth place", "6th place").replace(
        "Avascular necrosis (also", "Gout is a form of arthritis.\n\nAvascular necrosis (also"
    )
    after = generate_text(tmp_path, edited).deck.notes
    unchanged = {n.id for n in before if "1990" not in (n.source.sentence if n.source else "")}
    assert unchanged and unchanged <= {n.id for n in after}


def test_generated_deck_validates_and_round_trips(tmp_path: Path) -> None:
    deck = generate_deck([FIXTURES / "gout.md"], deck_dir=FIXTURES.parent).deck
    text = dump_deck(deck)
    parsed = parse_deck(text, tmp_path / "gout.toml")
    assert dump_deck(parsed) == text
    assert parsed.material == ("material/gout.md",)
    material = (FIXTURES / "gout.md").read_text(encoding="utf-8")
    for note in parsed.notes:
        assert note.source is not None and note.source.file == "material/gout.md"
        assert note.source.sentence in material


def test_every_answer_is_in_its_source_sentence(tmp_path: Path) -> None:
    deck = generate_deck([FIXTURES / "gout.md"], deck_dir=FIXTURES).deck
    for note in deck.notes:
        assert note.source is not None
        source = note.source.sentence.lower()
        for answer in all_answers(note):
            for word in answer.lower().replace(";", " ").replace(",", " ").split():
                assert word.strip(".()") in source or word in ("gout", "no"), (answer, source)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"caf\xe9 au lait is not a diagnosis.", "UTF-8"),
        (b"# Heading\n\n---\n", "no sentences"),
    ],
)
def test_bad_material_raises_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(GenerationError, match=message):
        generate_deck([path], deck_dir=tmp_path)


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match="no such file"):
        generate_deck([tmp_path / "nowhere.md"], deck_dir=tmp_path)


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    path = tmp_path / "notes.md"
    path.write_text(PASSAGE * 20, encoding="utf-8")
    generate_deck(
        [path], deck_dir=tmp_path, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1][0] == calls[-1][1] == len(PASSAGE * 20)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_deck_header_from_name_and_id(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(PASSAGE, encoding="utf-8")
    deck = generate_deck([path], deck_dir=tmp_path, deck_name="Rheumatology::Gout").deck
    assert (deck.name, deck.id) == ("Rheumatology::Gout", "rheumatology-gout")
    assert generate_deck([path], deck_dir=tmp_path, deck_id="x1").deck.id == "x1"


def test_unseen_markdown_passage_covers_its_key_facts() -> None:
    g = generate_deck([FIXTURES / "gout.md"], deck_dir=FIXTURES)
    facts = [
        ("What is gout", "inflammatory arthritis"),
        ("What causes gout", "monosodium urate crystals"),
        ("called when it affects the big toe", "podagra"),
        ("gout most often affect", "first metatarsophalangeal joint"),
        ("What causes gout", "hyperuricaemia"),
        ("serum urate level stays", "above about 0.36 mmol/L"),
        ("risk factors for gout", "thiazide diuretics"),
        ("symptoms of gout", "swelling and redness"),
        ("settles", "within one to two weeks"),
        ("another name for joint aspiration", "arthrocentesis"),
        ("aim of joint aspiration", "needle-shaped crystals"),
        ("the patient has gout", "doesn't necessarily mean"),
        ("acute attacks can be treated with", "colchicine"),
        ("What is allopurinol", "xanthine oxidase inhibitor"),
    ]
    missing = [f for f in facts if find(g, *f) is None]
    assert not missing
    assert not any("see the section" in n.text.lower() + n.front.lower() for n in g.deck.notes)
