"""Lines of ward notes asked whole: a dose not split from its drug, a label that says
when, abbreviated units kept with their number."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text


def _answers(tmp_path: Path, line: str) -> list[str]:
    text = f"Pneumonia: ward notes\n\n- {line}\n"
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    return [a for n in notes for a in all_answers(n)]


def test_a_drug_term_stops_before_its_dose(tmp_path: Path) -> None:
    answers = _answers(tmp_path, "Doxycycline 200 mg PO OD × 5 days")
    assert not any("×" in a or ("Doxycycline" in a and "200" in a) for a in answers), answers


def test_an_abbreviated_span_of_time_stays_with_its_number(tmp_path: Path) -> None:
    answers = _answers(tmp_path, "Before discharge: check inhaler technique; review within 6 wk")
    assert "within 6" not in answers, answers
    assert any(a.endswith("6 wk") for a in answers), answers


def test_a_label_that_says_when_asks_what_is_done_then(tmp_path: Path) -> None:
    text = "Pneumonia: ward notes\n\n- On admission: check lactate; take blood cultures\n"
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    fronts = [n.front for n in notes if n.type == "basic"]
    assert any("What 2 things are done on admission?" in f for f in fronts), fronts
    assert not any("name 2" in f for f in fronts), fronts
