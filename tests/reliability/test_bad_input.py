"""Whatever a deck file holds, `study import` either imports it cleanly or refuses it
with `path:line` problems and exit status 2, leaving the database exactly as it was:
never a traceback, never half an import."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import deck_file, fingerprint

from study.domain.decks import DeckSpec, NoteSpec, Source
from study.domain.decks.writing import dump_deck

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALID = dump_deck(
    DeckSpec(
        id="fuzz",
        name="Fuzz::Deck",
        description="a deck",
        notes=(
            NoteSpec(id="b1", type="basic", front="What?", back="That", tags=("a", "b")),
            NoteSpec(
                id="c1",
                type="cloze",
                text="{{c1::Steroids}} and {{c2::alcohol}} cause AVN",
                extra="x",
                source=Source("m.txt", "Steroids cause AVN."),
            ),
            NoteSpec(id="b2", type="basic", front="Q2", back="A2", edited=True, note="fixed"),
        ),
    )
).encode()

KEYS = [
    "deck",
    "cards",
    "id",
    "name",
    "type",
    "front",
    "back",
    "text",
    "tags",
    "source",
    "version",
    "material",
    "edited",
    "note",
    "extra",
    "file",
    "sentence",
    "zzz",
    "__class__",
]
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dates(),
    st.sampled_from(["basic", "cloze", "{{c1::x}}", "", "a b", "x" * 200]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def wrong_shapes(draw: Any) -> bytes:
    """A TOML document with the right keys holding values of any type, plus unknown keys."""
    deck = draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6))
    cards = draw(st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8), max_size=4))
    document: dict[str, Any] = {"deck": deck, "cards": cards}
    extra = draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=2))
    for key, value in extra.items():
        document.setdefault(key, value)
    try:
        return tomlkit.dumps(document).encode()
    except (TypeError, ValueError):  # tomlkit cannot write every mix (e.g. arrays of tables)
        return b"[deck]\nid = 1\n"


@st.composite
def truncated(draw: Any) -> bytes:
    return VALID[: draw(st.integers(0, len(VALID)))]


@st.composite
def bad_utf8(draw: Any) -> bytes:
    at = draw(st.integers(0, len(VALID)))
    junk = draw(
        st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\xf4\x90\x80\x80"])
    )
    return VALID[:at] + junk + VALID[at:]


@st.composite
def mutated(draw: Any) -> bytes:
    """The valid file with a few bytes replaced, inserted or deleted."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["set", "insert", "delete"]))
        byte = draw(st.sampled_from(b'[]{}"=\n\\#.,x\x00\t '))
        if action == "set":
            data[at] = byte
        elif action == "insert":
            data.insert(at, byte)
        else:
            del data[at]
    return bytes(data)


DECK_FILES = st.one_of(st.binary(max_size=2000), truncated(), bad_utf8(), mutated(), wrong_shapes())


def check_clean_or_refused(result: Any, path: Path, db: Path, before: str) -> None:
    """The contract of `study import` on any file."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 0:
        assert re.match(r"^\S+: \d+ added", result.stdout), result.stdout
        return
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("study: "), result.stderr
    problem = re.compile(rf"^{re.escape(str(path))}:\d+: \S")
    assert lines[:-1] and all(
        problem.match(line) for line in lines[:-1] if not line.startswith("...")
    ), result.stderr
    assert fingerprint(db) == before, "a refused import changed the database"


@pytest.fixture
def prepared(run_study: Callable[..., Any], db_path: Path) -> Callable[..., Any]:
    assert run_study("profile", "list").exit_code == 0  # the database exists, bundled decks in
    return run_study


@FUZZ
@given(content=DECK_FILES)
def test_any_deck_file_is_imported_cleanly_or_refused_with_its_lines(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    before = fingerprint(db_path)
    check_clean_or_refused(prepared("import", str(path)), path, db_path, before)


def card_line(path: Path, card_id: str) -> int:
    """The line of the ``[[cards]]`` header of card ``card_id`` in a dumped deck file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'id = "{card_id}"')
    return max(n for n, line in enumerate(lines[:at], start=1) if line == "[[cards]]")


def test_a_card_id_used_by_a_deck_imported_earlier_is_refused_with_its_line(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    # hypothesis found it: the refusal named the other deck but neither file nor line
    earlier = deck_file(tmp_path, "uzz", 3)
    assert prepared("import", str(earlier)).exit_code == 0
    path = deck_file(tmp_path, "fuzz", 4)
    path.write_text(path.read_text(encoding="utf-8").replace("fuzz-3", "uzz-2"), encoding="utf-8")
    before = fingerprint(db_path)
    result = prepared("import", str(path))
    assert result.exit_code == 2
    line = card_line(path, "uzz-2")
    assert f"{path}:{line}: card id 'uzz-2' is already used by deck 'uzz'" in result.stderr
    check_clean_or_refused(result, path, db_path, before)


def test_a_card_id_in_two_files_of_one_import_is_refused_with_its_line(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    first = deck_file(tmp_path, "one", 2)
    path = deck_file(tmp_path, "two", 2)
    path.write_text(path.read_text(encoding="utf-8").replace("two-2", "one-1"), encoding="utf-8")
    before = fingerprint(db_path)
    result = prepared("import", str(first), str(path))
    assert result.exit_code == 2
    line = card_line(path, "one-1")
    assert f"{path}:{line}: card id 'one-1' is already used by deck 'one'" in result.stderr
    check_clean_or_refused(result, path, db_path, before)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 50_000 + "]" * 50_000,
        "a = " + "{b = " * 5_000 + "1" + "}" * 5_000,
        "[" + ".".join(["t"] * 20_000) + "]\nk = 1",
        "[[cards]]\n" + "x = { y = [" * 400 + "1" + "] }" * 400,
    ],
    ids=["nested arrays", "nested inline tables", "deep table header", "nested in a card"],
)
def test_deeply_nested_tables_are_refused_with_a_line(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('[deck]\nid = "deep"\nname = "Deep"\n' + text, encoding="utf-8")
    before = fingerprint(db_path)
    result = prepared("import", str(path))
    assert result.exit_code == 2
    check_clean_or_refused(result, path, db_path, before)


def test_a_ten_megabyte_field_is_refused_with_its_line(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "huge-field.toml"
    head = VALID.decode() + '\n[[cards]]\nid = "huge"\n'
    path.write_text(head + 'front = "' + "x" * 10_000_000 + '"\nback = "a"\n', encoding="utf-8")
    line = head.count("\n") + 1
    before = fingerprint(db_path)
    result = prepared("import", str(path))
    assert result.exit_code == 2
    assert f"{path}:{line}: 'front' is longer than" in result.stderr
    check_clean_or_refused(result, path, db_path, before)


def test_a_hundred_thousand_cards_import_all_or_nothing(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    path = deck_file(tmp_path, "huge", 100_000)
    good = path.read_text(encoding="utf-8")
    # One bad card at the very end: nothing at all may be imported.
    path.write_text(
        good + '\n[[cards]]\nid = "huge-1"\nfront = "dup"\nback = "x"\n', encoding="utf-8"
    )
    before = fingerprint(db_path)
    result = prepared("import", str(path))
    assert result.exit_code == 2 and "duplicate card id 'huge-1'" in result.stderr
    check_clean_or_refused(result, path, db_path, before)

    path.write_text(good, encoding="utf-8")
    result = prepared("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "huge: 100000 added" in result.stdout


def test_an_unreadable_or_missing_deck_file_is_one_clear_line(
    prepared: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    before = fingerprint(db_path)
    for path in (tmp_path / "missing.toml", tmp_path):  # a folder is not a deck file
        result = prepared("import", str(path))
        assert result.exit_code == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[0].startswith(f"{path}: cannot read")
    assert fingerprint(db_path) == before
