"""The tag rule (study.domain.tags): case-insensitive, literal, children included."""

from __future__ import annotations

from study.domain.tags import distinct_tags, matches, tag_key


def test_a_tag_filter_ignores_case_in_any_script() -> None:
    assert matches("cardio", "Cardio") and matches("CARDIO", "cardio")
    assert matches("Straße", "STRASSE")  # Unicode case folding, not ASCII lower()
    assert matches("ΣΟΦΙΑ", "σοφια")


def test_underscore_and_percent_are_literal_characters_of_a_tag() -> None:
    assert not matches("axb", "a_b")
    assert not matches("a-b", "a%b")
    assert matches("a_b", "A_B") and matches("50%", "50%")


def test_a_tag_filter_matches_the_tags_children_but_not_other_tags_it_starts() -> None:
    assert matches("Cardio::ECG", "cardio")
    assert matches("cardio::ecg::axis", "Cardio::ECG")
    assert not matches("cardiology", "cardio")
    assert not matches("cardio", "cardio::ecg")  # a child does not match its parent


def test_a_note_keeps_each_tag_once_in_the_first_spelling_written() -> None:
    assert distinct_tags(["Cardio", "hip", "cardio", "", "HIP"]) == ("Cardio", "hip")
    assert tag_key("ECG::Axis") == "ecg::axis"
