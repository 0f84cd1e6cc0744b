"""Likely patient identifiers are found, left out of generated decks, and reported masked,
unless ``--allow-identifiers`` keeps them (issue 14, part 5)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.services.cardgen import generate_deck
from study.services.cardgen.identifiers import (
    DATE_OF_BIRTH,
    HOSPITAL_NUMBER,
    NAME,
    NHS_NUMBER,
    find,
    kinds_in,
    nhs_number_is_valid,
    redact,
)
from study.services.cardgen.sentences import parse_document

CORPUS = Path(__file__).parent / "corpus"
MATERIAL = Path(__file__).parents[2] / "decks" / "material"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "material"


def _check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


NINE_DIGITS = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(
    lambda s: _check_digit(s) is not None
)
SEPARATORS = st.sampled_from(["", " ", "-"])


def _formatted(digits: str, separator: str) -> str:
    return f"{digits[:3]}{separator}{digits[3:6]}{separator}{digits[6:]}"


@given(nine=NINE_DIGITS, separator=SEPARATORS)
def test_a_valid_nhs_number_is_found_however_it_is_spaced(nine: str, separator: str) -> None:
    number = nine + str(_check_digit(nine))
    sentence = f"Seen in clinic today, {_formatted(number, separator)}, with a cough."
    assert nhs_number_is_valid(number)
    assert [i.kind for i in find(sentence)] == [NHS_NUMBER]


@given(nine=NINE_DIGITS, wrong=st.integers(1, 9), separator=SEPARATORS)
def test_ten_digits_with_a_wrong_check_digit_and_no_label_are_not_flagged(
    nine: str, wrong: int, separator: str
) -> None:
    number = nine + str(((_check_digit(nine) or 0) + wrong) % 10)
    assert not nhs_number_is_valid(number)
    assert find(f"Reference {_formatted(number, separator)} in the catalogue.") == []


@given(nine=NINE_DIGITS, wrong=st.integers(1, 9))
def test_ten_digits_labelled_nhs_number_are_flagged_even_with_a_typo(nine: str, wrong: int) -> None:
    number = nine + str(((_check_digit(nine) or 0) + wrong) % 10)
    assert kinds_in(f"NHS no: {_formatted(number, ' ')}") == [NHS_NUMBER]


def test_the_nhs_check_digit_follows_modulus_11() -> None:
    assert nhs_number_is_valid("9434765919")  # the NHS's own example number
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591")  # nine digits
    # Nine digits whose check digit would be 10 have no valid number at all.
    nine = next(f"{n:09d}" for n in range(1, 1000) if _check_digit(f"{n:09d}") is None)
    assert not any(nhs_number_is_valid(nine + str(last)) for last in range(10))


def test_most_ten_digit_numbers_are_not_nhs_numbers() -> None:
    numbers = [f"{n * 7919 % 10**10:010d}" for n in range(1, 2001)]
    valid = sum(1 for n in numbers if nhs_number_is_valid(n))
    assert 0 < valid < len(numbers) * 0.12  # about 1 in 11 by chance


@pytest.mark.parametrize(
    ("sentence", "kind", "identifier"),
    [
        ("DOB 12/03/1961, admitted with chest pain.", DATE_OF_BIRTH, "12/03/1961"),
        ("D.O.B.: 12.3.61; known to the heart failure team.", DATE_OF_BIRTH, "12.3.61"),
        ("She was born 3 March 1961 and has asthma.", DATE_OF_BIRTH, "3 March 1961"),
        ("Date of birth: March 3rd, 1961.", DATE_OF_BIRTH, "March 3rd, 1961"),
        ("NHS number 943 476 5919, on warfarin.", NHS_NUMBER, "943 476 5919"),
        ("MRN 1234567: sodium 125 mmol/L.", HOSPITAL_NUMBER, "1234567"),
        ("Hospital number A123456, bed 4.", HOSPITAL_NUMBER, "A123456"),
        ("Mr John Smith, 64, presented with haematemesis.", NAME, "John Smith"),
        ("Mrs Patel was admitted with pre-eclampsia.", NAME, "Patel"),
        ("Miss O'Brien, a 19-year-old student, reports palpitations.", NAME, "O'Brien"),
        ("Dr Jane Lloyd-Jones, 52, presented with chest pain.", NAME, "Jane Lloyd-Jones"),
    ],
)
def test_identifiers_are_found_with_their_kind(sentence: str, kind: str, identifier: str) -> None:
    [found] = find(sentence)
    assert (found.kind, sentence[found.start : found.end]) == (kind, identifier)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Glasgow-Blatchford score identifies patients who can be managed as outpatients.",
        "Mr and Mrs are titles; a 64-year-old man presented with haematemesis.",
        "Levetiracetam 60 mg/kg IV (max 4500 mg) is given over 10 minutes.",
        "Smith et al. (2019) reported a mortality of 15% in 1,234,567 admissions.",
        "Sodium 125 mmol/L and potassium 6.1 mmol/L were measured on 12/03/2024.",
        "Call 0161 234 5678 for the on-call registrar.",
        "Dr Jones recommends early discharge for a Blatchford score of 0.",
        "Dr Blatchford reported that patients who presented with a score of 0 did well.",
        "Graves' disease and Hashimoto's thyroiditis are autoimmune.",
        "Platelets 150000 per microlitre; haemoglobin 70 g/L.",
        "The trial (ISRCTN 12345678) recruited 2000 patients born after 1950.",
    ],
)
def test_clinical_text_without_identifiers_is_not_flagged(sentence: str) -> None:
    assert find(sentence) == []


@pytest.mark.parametrize(
    "path",
    [
        *sorted(CORPUS.glob("*.md")),
        *sorted(CORPUS.glob("*.txt")),
        *sorted(MATERIAL.glob("*")),
        *sorted(FIXTURES.glob("*")),
    ],
    ids=lambda p: p.name,
)
def test_no_sentence_of_the_bundled_or_test_material_is_flagged(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = parse_document(path, text)
    flagged = [s.raw for b in document.blocks for s in b.sentences() if find(s.raw)]
    assert flagged == []


def test_kinds_in_names_each_kind_once_in_order() -> None:
    sentence = "Mr John Smith, 64, DOB 12/03/1961, MRN 1234567, hospital number 7654321."
    assert kinds_in(sentence) == [NAME, DATE_OF_BIRTH, HOSPITAL_NUMBER]


def test_redact_masks_each_identifier_with_its_kind() -> None:
    sentence = "Mr John Smith, 64, DOB 12/03/1961, NHS number 943 476 5919, presented."
    assert redact(sentence) == (
        "Mr [name with a title], 64, DOB [date of birth], NHS number [NHS number], presented."
    )


NOTE = (
    "Upper GI bleeding\n\n"
    "Mr John Smith, 64, presented with haematemesis and a Glasgow-Blatchford score of 6.\n\n"
    "Terlipressin is given at presentation in suspected variceal bleeding.\n"
)


def test_a_sentence_with_an_identifier_gives_no_card_and_is_reported_masked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "handover.txt"
    path.write_text(NOTE, encoding="utf-8")
    generation = generate_deck([path], deck_dir=tmp_path)
    cited = [n.source.sentence for n in generation.deck.notes if n.source]
    assert cited and not any("Smith" in s for s in cited)
    report = "\n".join(generation.report_lines())
    assert "likely patient identifier: name with a title" in report
    assert "Smith" not in report


def test_allow_identifiers_keeps_the_sentence(tmp_path: Path) -> None:
    path = tmp_path / "handover.txt"
    path.write_text(NOTE, encoding="utf-8")
    generation = generate_deck([path], deck_dir=tmp_path, allow_identifiers=True)
    assert "likely patient identifier" not in "\n".join(generation.report_lines())
    assert any("Smith" in (n.source.sentence if n.source else "") for n in generation.deck.notes)


def test_a_table_row_with_an_identifier_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    path.write_text(
        "# Ward list\n\n| Patient | Diagnosis | Plan |\n|---|---|---|\n"
        "| MRN 1234567 | Pneumonia | Amoxicillin |\n"
        "| Bed 5 | Cellulitis | Flucloxacillin |\n",
        encoding="utf-8",
    )
    generation = generate_deck([path], deck_dir=tmp_path)
    lines = generation.report_lines()
    assert sum("likely patient identifier: hospital number" in line for line in lines) == 1
    assert not any("1234567" in line for line in lines)
    assert all("1234567" not in (n.front + n.back) for n in generation.deck.notes)


def test_generate_leaves_identifiers_out_and_says_so_in_the_report(
    run_study: Callable[..., Any], tmp_path: Path
) -> None:
    source = tmp_path / "handover.txt"
    source.write_text(NOTE, encoding="utf-8")
    deck = tmp_path / "handover.toml"
    result = run_study("generate", str(source), "-o", str(deck), "--report")
    assert result.exit_code == 0, result.stderr
    assert "likely patient identifier: name with a title" in result.stdout
    assert "Smith" not in result.stdout
    assert "Smith" not in deck.read_text(encoding="utf-8")

    kept = run_study("generate", str(source), "-o", str(deck), "--report", "--allow-identifiers")
    assert kept.exit_code == 0, kept.stderr
    assert "likely patient identifier" not in kept.stdout
    cards = tomllib.loads(deck.read_text(encoding="utf-8"))["cards"]
    assert any("Smith" in card["source"]["sentence"] for card in cards)


def test_generate_help_names_the_flag(run_study: Callable[..., Any]) -> None:
    result = run_study("generate", "--help")
    assert "--allow-identifiers" in result.stdout
