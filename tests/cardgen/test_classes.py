"""A sentence that defines several classes, each by its own condition, gives one card per
class, asking that class's condition (seen failing on the blind sets: "an attack is mild
when organ failure resolves ...", where the text says moderately severe).

The sentences are of other topics than the blind passages, so that the rule is one of
reading, not a fit to them.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa


def _cards(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [qa(n) for n in generate_text(tmp_path, text, "notes.txt").deck.notes]


ANAEMIA = (
    "Anaemia in pregnancy\n\n"
    "Anaemia in pregnancy is classified as mild when the haemoglobin is 100 to 109 g/L, "
    "moderate when it is 70 to 99 g/L, and severe when it is below 70 g/L, and oral iron "
    "is offered to every woman whose haemoglobin is below 110 g/L.\n"
)


def test_each_class_of_a_class_sentence_is_asked_with_its_own_condition(
    tmp_path: Path,
) -> None:
    cards = dict(_cards(tmp_path, ANAEMIA))
    assert cards["When is anaemia in pregnancy classified as mild?"] == (
        "When the haemoglobin is 100 to 109 g/L"
    )
    # "moderate when it is ...": it is the first condition's subject
    assert cards["When is anaemia in pregnancy classified as moderate?"] == (
        "When the haemoglobin is 70 to 99 g/L"
    )
    assert cards["When is anaemia in pregnancy classified as severe?"] == (
        "When the haemoglobin is below 70 g/L"
    )


def test_a_class_sentence_never_asks_a_class_without_its_condition(tmp_path: Path) -> None:
    cards = _cards(tmp_path, ANAEMIA)
    assert not [q for q, a in cards if a.lower() in ("mild", "moderate", "severe")]
    # the clause after the classes is still read
    assert any("110 g/L" in a or "110 g/L" in q for q, a in cards)


def test_a_class_named_by_a_copula_after_a_colon_is_asked_with_the_page_topic(
    tmp_path: Path,
) -> None:
    text = (
        "Acute asthma in children\n\n"
        "Severity is judged clinically: an episode is moderate when the child can talk in "
        "sentences, acute severe when the child is too breathless to talk or feed, and "
        "life-threatening when the child is confused or exhausted, in which case the "
        "intensive care team is called.\n"
    )
    cards = dict(_cards(tmp_path, text))
    assert cards["Acute asthma in children: when is an episode acute severe?"] == (
        "When the child is too breathless to talk or feed"
    )
    assert cards["Acute asthma in children: when is an episode life-threatening?"] == (
        "When the child is confused or exhausted"
    )


def test_a_class_card_names_the_score_the_material_named_before(tmp_path: Path) -> None:
    text = (
        "# Community-acquired pneumonia\n\n## Severity\n\n"
        "- Assess severity with the CRB-65 score in primary care.\n"
        "- Pneumonia is mild when the score is 0, moderate when it is 1 or 2, and severe "
        "when it is 3 or 4.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    asked = ("mild?", "moderate?", "severe?")
    classes = [n for n in notes if n.type == "basic" and n.front.endswith(asked)]
    assert classes, [n.front or n.text for n in notes]
    assert all("CRB-65 score" in n.front for n in classes), [n.front for n in classes]
