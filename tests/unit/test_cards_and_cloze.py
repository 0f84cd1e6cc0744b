"""Cloze rendering, card ids and states, and terminal-safe text."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from study.domain import cloze
from study.domain.cards import (
    card_id,
    printable,
    question_and_answer,
    state_name,
)

TEXT = "{{c1::Gout}} is caused by {{c2::urate::a salt}} crystals; {{c1::acute}} attacks"


def test_each_cloze_number_hides_its_own_deletions_and_shows_the_others() -> None:
    assert cloze.cloze_numbers(TEXT) == [1, 2]
    assert cloze.question(TEXT, 1) == "[...] is caused by urate crystals; [...] attacks"
    assert cloze.question(TEXT, 2) == "Gout is caused by [a salt] crystals; acute attacks"
    assert cloze.answer(TEXT, 1) == cloze.answer(TEXT, 2)
    assert cloze.answer(TEXT, 2) == "Gout is caused by urate crystals; acute attacks"
    assert cloze.deleted_answers(TEXT, 1) == ["Gout", "acute"]


def test_cloze_numbers_ignore_c0_and_sort_numerically() -> None:
    assert cloze.cloze_numbers("{{c10::a}} {{c2::b}} {{c0::z}} {{c2::c}}") == [2, 10]


def test_card_ids_of_a_note() -> None:
    assert card_id("avn-causes", 2) == "avn-causes#c2"
    assert card_id("avn-other-name", 0) == "avn-other-name"
    assert question_and_answer("basic", "F", "B", "", 0) == ("F", "B")
    assert question_and_answer("cloze", "", "", TEXT, 2)[0].endswith("acute attacks")


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(blacklist_characters="{}:"), max_size=8),
            st.integers(min_value=1, max_value=3),
            st.text(st.characters(blacklist_characters="{}:"), min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_question_hides_exactly_the_asked_deletions_and_answer_has_no_markup(
    parts: list[tuple[str, int, str]],
) -> None:
    text = "".join(f"{plain}{{{{c{n}::{answer}}}}}" for plain, n, answer in parts)
    for number in cloze.cloze_numbers(text):
        asked = sum(n == number for _, n, _ in parts)
        assert cloze.question(text, number).count(cloze.HIDDEN) >= asked
        assert cloze.answer(text, number) == "".join(p + a for p, _, a in parts)
        assert "{{" not in cloze.answer(text, number)


def test_state_names() -> None:
    today = date(2026, 1, 12)

    def named(reviews: int, repetitions: int, interval: int, drill_day: date | None = None) -> str:
        return state_name(SimpleNamespace(**locals()), today)  # type: ignore[arg-type]

    assert state_name(None, today) == "new"
    assert named(reviews=0, repetitions=0, interval=0) == "new"
    assert named(reviews=3, repetitions=0, interval=1) == "learning"
    assert named(reviews=1, repetitions=1, interval=1, drill_day=today) == "learning"
    assert named(reviews=2, repetitions=2, interval=6) == "young"
    assert named(reviews=4, repetitions=4, interval=21) == "mature"


def test_printable_shows_control_characters_instead_of_sending_them() -> None:
    assert printable("red \x1b[31mtext") == "red ␛[31mtext"
    assert printable("a\x00b\x07c") == "a\\x00b\\x07c"
    assert printable("line\nbreak") == "line\nbreak"
    assert printable("line\nbreak", keep_newlines=False) == "line ⏎ break"
    assert printable("rtl \u202e override") == "rtl \\u202e override"
    assert printable("é 漢 🩺") == "é 漢 🩺"


@given(st.text())
def test_printable_output_never_holds_a_terminal_control(text: str) -> None:
    shown = printable(text, keep_newlines=False)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in shown)
