"""A condition or label that scopes a fact stays with the fact (issue 14, round 5b).

A short label before a sentence in a line of notes ("Once weekly: the level should be
...") is the case the sentence holds in, and every card of the sentence says it; a line's
condition label ("If X: A → B; C → D") holds for each of its steps; a list lead that ends
in "and" after its condition ("... if you have gout and:") is finished by each item; a
question that leaves out its clause's "if", "when" or "once" condition is not made. The
sentences are written for these tests, on topics of no judged set.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa


def _shown(tmp_path: Path, text: str) -> list[str]:
    return [" ".join(qa(n)) for n in generate_text(tmp_path, text).deck.notes]


def test_a_short_label_before_a_sentence_is_said_on_its_cards(tmp_path: Path) -> None:
    text = (
        "# Lithium\n\n## Monitoring\n\n"
        "- Twice daily dosing: the trough level should be below 0.8 mmol/L.\n"
        "- Once daily dosing: the 12-hour level should be 0.6 to 1.0 mmol/L and the "
        "trough below 0.5 mmol/L.\n"
    )
    shown = _shown(tmp_path, text)
    trough = [s for s in shown if "0.8 mmol/L" in s or "0.6 to 1.0" in s]
    assert trough, shown
    for card in trough:
        assert "twice daily dosing" in card.lower() or "once daily dosing" in card.lower(), card


def test_a_group_label_before_a_reason_is_said_on_its_cards(tmp_path: Path) -> None:
    text = (
        "# Warfarin\n\n## Cautions\n\n"
        "- Breastfeeding: avoided unless essential, because small amounts may pass into "
        "the milk and may harm the baby.\n"
        "- Older people\n"
    )
    shown = _shown(tmp_path, text)
    milk = [s for s in shown if "milk" in s]
    assert milk, shown
    assert all("breastfeeding" in s.lower() for s in milk), milk


def test_a_condition_label_holds_for_every_step_of_its_line(tmp_path: Path) -> None:
    text = (
        "# Status epilepticus\n\n## Buccal route\n\n"
        "- If intravenous access impossible: weight <20 kg → 5 mg buccal midazolam; "
        "weight <10 kg → 2.5 mg\n"
        "- Repeat once after 10 minutes\n"
    )
    shown = _shown(tmp_path, text)
    steps = [s for s in shown if "weight <10 kg" in s]
    assert steps, shown
    assert all("if intravenous access impossible" in s.lower() for s in steps), steps


def test_a_list_lead_ending_in_and_is_finished_by_each_item(tmp_path: Path) -> None:
    text = (
        "# Gout\n\n## When to see a doctor\n\n"
        "See a GP urgently if you have gout and:\n\n"
        "- the joint is hot and very swollen, or the skin over it is red and shiny\n"
        "- you have a high temperature and you feel shivery or generally unwell\n"
    )
    shown = _shown(tmp_path, text)
    items = [s for s in shown if "swollen" in s or "shivery" in s]
    assert items, shown
    assert all("see a gp urgently" in s.lower() for s in items), items


def test_a_question_without_its_once_condition_is_not_made(tmp_path: Path) -> None:
    text = (
        "# Measles\n\nMeasles is a viral infection of children. No medicine is known to "
        "prevent measles encephalitis once the rash has appeared.\n"
    )
    shown = _shown(tmp_path, text)
    assert not [s for s in shown if "known to prevent?" in s], shown


def test_a_question_that_keeps_its_when_condition_is_made(tmp_path: Path) -> None:
    text = "# Measles\n\nSteroids reduce mortality in measles pneumonitis when hypoxia is severe.\n"
    shown = _shown(tmp_path, text)
    assert [s for s in shown if "when hypoxia is severe" in s.lower()], shown


def test_a_question_whose_its_only_the_answer_could_own_is_not_made(tmp_path: Path) -> None:
    # "its" is the serum level's, in a clause told apart from it
    text = (
        "# Methotrexate\n\nAdverse effects of methotrexate, such as mouth ulcers, nausea, "
        "hair loss and cytopenias, are common, particularly in older people, and often "
        "appear in the first month, whereas the serum level may rise without any change "
        "in the dose because probenecid blocks its renal excretion.\n"
    )
    shown = _shown(tmp_path, text)
    assert not [s for s in shown if s.startswith("What blocks its")], shown
