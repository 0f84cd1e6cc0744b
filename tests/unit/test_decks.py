"""Deck files: every validation problem with its line, all at once; dump/parse round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.domain.decks import DeckError, DeckSpec, NoteSpec, RemovedCard, Source, anki_name_problem
from study.domain.decks.reading import deck_header, load_deck, parse_deck
from study.domain.decks.writing import dump_deck, mark_note_edited

PATH = Path("decks/test.toml")

GOOD = """\
[deck]
id = "test"
version = 2
name = "Parent::Child"
description = "A deck"
material = ["material/test.txt"]

[[cards]]
id = "one"
type = "basic"
front = "Q?"
back = "A"
tags = ["a", "b"]
source = { file = "material/test.txt", sentence = "One." }

[[cards]]
id = "two"
type = "cloze"
text = "{{c1::Gout}} is {{c2::urate::a salt}} crystals"
edited = true
note = "checked"
"""


def problems(text: str) -> list[str]:
    """The problems DeckError reports for ``text``, without the path prefix."""
    with pytest.raises(DeckError) as caught:
        parse_deck(text, PATH)
    assert str(caught.value) == "\n".join(caught.value.problems)
    prefix = f"{PATH}:"
    assert all(p.startswith(prefix) for p in caught.value.problems)
    return [p[len(prefix) :] for p in caught.value.problems]


def card(body: str, header: str = '[deck]\nid = "d"\nname = "D"\n') -> str:
    return header + "\n[[cards]]\n" + body


# ---------------------------------------------------------------- a good file


def test_a_valid_deck_file_parses_into_its_spec() -> None:
    deck = parse_deck(GOOD, PATH)
    assert (deck.id, deck.name, deck.version, deck.description) == (
        "test",
        "Parent::Child",
        2,
        "A deck",
    )
    assert deck.material == ("material/test.txt",)
    one, two = deck.notes
    assert one == NoteSpec(
        id="one",
        type="basic",
        front="Q?",
        back="A",
        tags=("a", "b"),
        source=Source("material/test.txt", "One."),
        line=8,
    )
    assert (two.type, two.edited, two.note, two.line) == ("cloze", True, "checked", 16)
    assert two.card_ids == ["two#c1", "two#c2"]
    assert one.card_ids == ["one"]


def test_type_defaults_to_basic_and_version_to_1() -> None:
    deck = parse_deck(card('id = "x"\nfront = "F"\nback = "B"\n'), PATH)
    assert deck.version == 1
    assert deck.notes[0].type == "basic"


# ---------------------------------------------------------------- each problem with its line


def test_toml_syntax_error_names_its_line() -> None:
    assert problems(card('id = "x"\nfront = "unterminated\nback = "B"\n')) == [
        "7: invalid TOML: Illegal character '\\n'"
    ]


def test_duplicate_toml_key_is_a_syntax_error_on_its_line() -> None:
    [problem] = problems(card('id = "x"\nid = "y"\nfront = "F"\nback = "B"\n'))
    assert problem.startswith("7: invalid TOML")


def test_missing_field_names_the_card_line() -> None:
    assert problems(card('id = "x"\nfront = "F"\n')) == ["5: missing 'back' in card"]


def test_missing_card_id() -> None:
    assert problems(card('front = "F"\nback = "B"\n')) == ["5: missing card id"]


def test_missing_deck_table() -> None:
    assert problems('[[cards]]\nid = "x"\nfront = "F"\nback = "B"\n') == [
        "1: missing [deck] table with id and name",
        "1: missing deck id",
        "1: missing 'name' in [deck]",
    ]


def test_mistyped_fields_name_their_lines() -> None:
    text = card(
        'id = "x"\nfront = 3\nback = "B"\ntags = "one"\nedited = "yes"\nsource = "a.txt"\n',
        header='[deck]\nid = "d"\nname = "D"\nversion = "2"\nmaterial = "m.txt"\n',
    )
    assert problems(text) == [
        "4: version must be a whole number of 1 or more",
        "5: material must be a list of strings",
        "9: 'front' must be a string, not int",
        "11: tags must be a list of strings",
        "12: edited must be true or false",
        "13: source must be a table with 'file' and 'sentence'",
    ]


def test_invalid_ids_are_refused() -> None:
    assert problems(card('id = "has space"\nfront = "F"\nback = "B"\n')) == [
        "6: card id 'has space' must be letters, digits, '.', '_', ':' or '-' "
        "(no spaces, at most 128 characters)"
    ]
    # '#' is reserved for cloze card ids (note#c2).
    assert problems(card('id = "x#c1"\nfront = "F"\nback = "B"\n'))[0].startswith("6: card id")


def test_duplicate_id_names_both_lines() -> None:
    text = card('id = "x"\nfront = "F"\nback = "B"\n') + card(
        'id = "x"\nfront = "G"\nback = "C"\n', header=""
    )
    assert problems(text) == ["11: duplicate card id 'x' (first used on line 6)"]


def test_duplicate_id_is_reported_even_when_the_first_card_has_other_problems() -> None:
    text = card('id = "x"\nfront = "F"\n') + card('id = "x"\nfront = "G"\nback = "C"\n', header="")
    assert problems(text) == [
        "5: missing 'back' in card",
        "10: duplicate card id 'x' (first used on line 6)",
    ]


def test_cloze_without_a_deletion() -> None:
    assert problems(card('id = "x"\ntype = "cloze"\ntext = "nothing hidden"\n')) == [
        "8: cloze card without a deletion; mark one as {{c1::answer}}"
    ]


def test_cloze_numbered_zero_is_refused() -> None:
    # Anki makes no card of c0: the deletion would never be asked (issue 17).
    assert problems(card('id = "x"\ntype = "cloze"\ntext = "{{c0::zero}}"\n')) == [
        "8: cloze deletion {{c0:: must be numbered from 1 without a leading zero, e.g. {{c1::"
    ]


def test_cloze_with_an_empty_deletion_is_an_empty_side() -> None:
    assert problems(card('id = "x"\ntype = "cloze"\ntext = "Gout is {{c1:: }}"\n')) == [
        "8: cloze deletion c1 is empty; put the hidden answer inside {{c1::...}}"
    ]


def test_unknown_type() -> None:
    assert problems(card('id = "x"\ntype = "image"\nfront = "F"\nback = "B"\n')) == [
        "7: unknown card type 'image'; use 'basic' or 'cloze'"
    ]


@pytest.mark.parametrize("empty", ['""', '"   "', '"\\n\\t"'])
def test_empty_side(empty: str) -> None:
    assert problems(card(f'id = "x"\nfront = "F"\nback = {empty}\n')) == ["8: 'back' is empty"]


def test_empty_cloze_text_is_reported_once() -> None:
    assert problems(card('id = "x"\ntype = "cloze"\ntext = "  "\n')) == ["8: 'text' is empty"]


def test_unknown_keys_everywhere() -> None:
    text = (
        'colour = "red"\n[deck]\nid = "d"\nname = "D"\nauthor = "me"\n'
        '\n[[cards]]\nid = "x"\nfront = "F"\nback = "B"\nhint = "h"\n'
        'source = { file = "f", sentence = "s", page = 3 }\n'
    )
    assert problems(text) == [
        "1: unknown key 'colour' (a deck file has [deck] and [[cards]])",
        "5: unknown key 'author' in [deck]",
        "11: unknown key 'hint' in card",
        "12: unknown key 'page' in source",
    ]


def test_field_of_the_wrong_card_type() -> None:
    assert problems(card('id = "x"\ntype = "cloze"\ntext = "{{c1::a}}"\nfront = "F"\n')) == [
        "9: 'front' is for basic cards"
    ]
    assert problems(card('id = "x"\nfront = "F"\nback = "B"\ntext = "T"\n')) == [
        "9: 'text' is for cloze cards; use front"
    ]


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = (
        '[deck]\nid = "d"\nname = "D"\nshape = 1\n'
        '\n[[cards]]\nid = "a"\nfront = "Q"\n'  # 6: missing back
        '\n[[cards]]\nid = "b"\ntype = "cloze"\ntext = "no deletion"\n'  # 13
        '\n[[cards]]\nid = "a"\nfront = "Q"\nback = "A"\n'  # 16: duplicate
        '\n[[cards]]\nid = "c"\ntype = "pic"\nfront = "Q"\nback = "A"\n'  # 22: type
        '\n[[cards]]\nid = "e"\nfront = "Q"\nback = ""\nextra_key = 1\n'  # 28, 29
    )
    assert problems(text) == [
        "4: unknown key 'shape' in [deck]",
        "6: missing 'back' in card",
        "13: cloze card without a deletion; mark one as {{c1::answer}}",
        "16: duplicate card id 'a' (first used on line 7)",
        "22: unknown card type 'pic'; use 'basic' or 'cloze'",
        "29: 'back' is empty",
        "30: unknown key 'extra_key' in card",
    ]


def test_lines_that_look_like_tables_inside_multiline_strings_do_not_shift_line_numbers() -> None:
    text = card('id = "x"\nfront = """\nback = not a key\n[[cards]]\n"""\nback = "B"\n') + card(
        'id = "y"\nfront = "F"\nback = ""\n', header=""
    )
    assert problems(text) == ["16: 'back' is empty"]


def test_unicode_line_separators_in_a_field_do_not_shift_line_numbers() -> None:
    text = card('id = "x"\nfront = "one\u2028two\x85three\u2029four"\nback = "B"\n') + card(
        'id = "y"\nfront = "F"\n', header=""
    )
    assert problems(text) == ["10: missing 'back' in card"]


def test_problems_in_a_multiline_array_are_placed_on_its_key() -> None:
    text = card('id = "x"\nfront = "F"\nback = "B"\ntags = [\n  "ok",\n  "two words",\n]\n')
    assert problems(text) == ["9: tag 'two words' must be one word"]


def test_load_deck_reports_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="cannot read the deck file"):
        load_deck(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[deck]\nid = "d"\nname = "caf\xe9"\n')
    with pytest.raises(DeckError) as caught:
        load_deck(latin)
    assert caught.value.problems == [f"{latin}:3: not valid UTF-8; save the deck file as UTF-8"]


# ---------------------------------------------------------------- round trip

# Field text as a learner or a generator could write it: anything but surrogates.
field_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(
    lambda s: s.strip()
)
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,20}", fullmatch=True)
tags = st.lists(st.from_regex(r"[^\s#\"]{1,10}", fullmatch=True), max_size=3, unique=True)
# Material files inside the deck file's folder (others are refused: test_hostile_files.py).
file_names = st.from_regex(r"[a-z0-9_]{1,12}(/[a-z0-9_ é漢\"\\]{1,12})?\.txt", fullmatch=True)


@st.composite
def notes(draw: st.DrawFn, note_id: str) -> NoteSpec:
    source = draw(st.none() | st.builds(Source, file_names | st.just(""), any_text))
    edited = draw(st.booleans())
    common = {
        "id": note_id,
        "tags": tuple(draw(tags)),
        "source": source,
        "edited": edited,
        "note": draw(any_text),
        "extra": draw(any_text),
        "exclude_sentence": edited and source is not None and draw(st.booleans()),
    }
    if draw(st.booleans()):
        return NoteSpec(type="basic", front=draw(field_text), back=draw(field_text), **common)
    text = (
        draw(any_text).replace("{{", "{ {").replace("}}", "} }")
        + "{{c1::"
        + draw(field_text).replace(":", ";").replace("{", "(").replace("}", ")")
        + "}}"
        + draw(any_text).replace("{{", "{ {").replace("}}", "} }")
    )
    return NoteSpec(type="cloze", text=text, **common)  # type: ignore[arg-type]


@st.composite
def decks(draw: st.DrawFn) -> DeckSpec:
    note_ids = draw(st.lists(ids, max_size=6, unique=True))
    removed_ids = note_ids[4:]
    note_ids = note_ids[:4]
    removed = []
    for removed_id in removed_ids:
        source = draw(st.none() | st.builds(Source, file_names, any_text))
        exclude = source is not None and draw(st.booleans())
        removed.append(RemovedCard(removed_id, source, draw(any_text), exclude))
    return DeckSpec(
        removed=tuple(removed),
        id=draw(ids),
        # Names Anki would rename are refused (issue 17): only names Anki keeps.
        name=draw(field_text.filter(lambda name: anki_name_problem(name) is None)),
        version=draw(st.integers(min_value=1, max_value=10**6)),
        description=draw(any_text),
        material=tuple(draw(st.lists(file_names, max_size=2))),
        notes=tuple(draw(notes(i)) for i in note_ids),
    )


@settings(max_examples=300)
@given(decks())
def test_any_text_in_any_field_survives_dump_and_parse(deck: DeckSpec) -> None:
    parsed = parse_deck(dump_deck(deck), PATH)
    assert (
        replace(
            parsed,
            notes=tuple(replace(n, line=0) for n in parsed.notes),
            removed=tuple(replace(r, line=0) for r in parsed.removed),
        )
        == deck
    )


def test_tricky_characters_survive_a_round_trip() -> None:
    tricky = (
        'quote " backslash \\ tab \t nl \n cr \r nul \x00 esc \x1b del \x7f ls \u2028 é 漢 🩺 """'
    )
    deck = DeckSpec(
        id="d",
        name="Tricky",
        description=tricky,
        notes=(NoteSpec(id="n", type="basic", front=tricky, back=tricky),),
    )
    parsed = parse_deck(dump_deck(deck), PATH)
    assert parsed.description == parsed.notes[0].front == parsed.notes[0].back == tricky


def test_tags_survive_a_round_trip_as_written() -> None:
    tags = ("Cardio::ECG", "cardio", "a_b", "50%", "Straße")
    note = NoteSpec(id="n", type="basic", front="Q", back="A", tags=tags)
    deck = DeckSpec(id="d", name="D", notes=(note,))
    assert parse_deck(dump_deck(deck), PATH).notes[0].tags == tags


def test_dump_is_deterministic_and_one_key_per_line() -> None:
    deck = parse_deck(GOOD, PATH)
    assert dump_deck(deck) == dump_deck(parse_deck(dump_deck(deck), PATH))
    assert '\n[[cards]]\nid = "one"\n' in dump_deck(deck)


# ---------------------------------------------------------------- card lines and headers


def test_cards_keep_their_lines_when_a_multiline_string_holds_a_cards_header() -> None:
    text = card('id = "x"\nfront = """\n[[cards]]\n"""\nback = "B"\n') + card(
        'id = "y"\nfront = "F"\nback = "G"\n', header=""
    )
    assert [note.line for note in parse_deck(text, PATH).notes] == [5, 12]


def test_cards_keep_their_lines_with_windows_line_ends_and_commented_headers() -> None:
    text = GOOD.replace('[[cards]]\nid = "two"', '[[cards]]  # the second\nid = "two"')
    assert [note.line for note in parse_deck(text.replace("\n", "\r\n"), PATH).notes] == [8, 16]


def test_deck_header_reads_the_id_and_version_without_the_cards(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(GOOD + "\n[[cards]]\nthis is not TOML at all\n", encoding="utf-8")
    assert deck_header(path) == ("test", 2)
    path.write_text('[deck]\nid = "d"\nname = "D"\n', encoding="utf-8")
    assert deck_header(path) == ("d", 1)


@pytest.mark.parametrize(
    "text",
    ['[[cards]]\nid = "x"\n[deck]\nid = "d"\n', "[deck]\nid = 3\n", "[deck\n", "\xff"],
)
def test_deck_header_says_none_when_the_head_does_not_say_plainly(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="latin-1")
    assert deck_header(path) is None


# ---------------------------------------------------------------- an edit made with `e`


def test_marking_a_note_edited_bumps_the_version_and_keeps_every_other_line() -> None:
    text = GOOD.replace('back = "A"', 'back = "A"  # checked against the source')
    marked = mark_note_edited(text, PATH, "one")
    spec = parse_deck(marked, PATH)
    assert spec.version == 3
    assert [n.edited for n in spec.notes] == [True, True]
    assert "# checked against the source" in marked
    removed = [line for line in text.split("\n") if line not in marked.split("\n")]
    assert removed == ["version = 2"]


def test_marking_replaces_edited_false_and_keeps_crlf_line_endings() -> None:
    text = card('id = "x"\nfront = "Q"\nback = "A"\nedited = false\n').replace("\n", "\r\n")
    marked = mark_note_edited(text, PATH, "x")
    assert parse_deck(marked, PATH).notes[0].edited
    assert parse_deck(marked, PATH).version == 2
    assert "\n" not in marked.replace("\r\n", "")


def test_marking_an_already_edited_note_only_bumps_the_version() -> None:
    marked = mark_note_edited(GOOD, PATH, "two")
    assert marked == GOOD.replace("version = 2", "version = 3")
    assert mark_note_edited(GOOD, PATH, "gone") == GOOD


# ---------------------------------------------------------------- removed cards


REMOVED = card(
    """id = "kept"
front = "Q?"
back = "A"
source = { file = "m.txt", sentence = "Kept." }
edited = true
exclude_sentence = true

[[cards]]
id = "gone"
removed = true
source = { file = "m.txt", sentence = "Trivia." }
exclude_sentence = true
note = "trivia"
"""
)


def test_a_removed_card_is_a_tombstone_kept_apart_from_the_cards() -> None:
    deck = parse_deck(REMOVED, PATH)
    assert [n.id for n in deck.notes] == ["kept"]
    assert deck.notes[0].exclude_sentence
    assert deck.removed == (
        RemovedCard("gone", Source("m.txt", "Trivia."), "trivia", exclude_sentence=True, line=13),
    )


def test_a_removed_card_survives_dump_and_parse() -> None:
    deck = parse_deck(REMOVED, PATH)
    text = dump_deck(deck)
    assert 'id = "gone"\nremoved = true\n' in text
    again = parse_deck(text, PATH)
    assert [replace(gone, line=0) for gone in again.removed] == [
        replace(gone, line=0) for gone in deck.removed
    ]
    assert dump_deck(again) == text


def test_removed_card_problems_name_their_lines() -> None:
    text = card(
        """id = "a"
removed = false

[[cards]]
id = "b"
removed = true
front = "still here?"

[[cards]]
id = "c"
removed = true
exclude_sentence = true

[[cards]]
id = "d"
front = "Q?"
back = "A"
source = { file = "m.txt", sentence = "S." }
exclude_sentence = true

[[cards]]
id = "a"
front = "Q?"
back = "A"
"""
    )
    assert problems(text) == [
        "7: removed must be true (delete the key to keep the card)",
        "12: 'front' has no place in a removed card (keep id, source, note)",
        "17: exclude_sentence needs the card's source sentence",
        "24: exclude_sentence needs edited = true (regenerating drops the sentence's "
        "unedited cards)",
        "27: duplicate card id 'a' (first used on line 6)",
    ]
