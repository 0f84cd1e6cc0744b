"""Each pattern on sentences written here, so the generator is not tuned to one material."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import find, generate_text, qa


def test_other_name_in_parentheses_gives_both_directions(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path, "Erythema migrans (also called bull's-eye rash) follows a tick bite."
    )
    assert find(g, "another name for erythema migrans", "bull's-eye rash")
    assert find(g, "another name for bull's-eye rash", "erythema migrans")


def test_commonly_called_and_is_often_called_because(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Lateral epicondylitis, commonly called tennis elbow, causes pain over the elbow.\n\n"
        "Pertussis is often called whooping cough because of the noise of the indrawn breath.",
    )
    assert find(g, "another name for lateral epicondylitis", "tennis elbow")
    assert find(g, "another name for whooping cough", "pertussis")
    assert find(g, "Why is pertussis called whooping cough", "noise of the indrawn breath")


def test_condition_in_which_is_defined_both_ways(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Achalasia is a condition in which the lower oesophageal sphincter fails to relax.",
    )
    assert find(g, "What is achalasia", "lower oesophageal sphincter fails to relax")
    assert find(g, "term for a condition in which", "achalasia")


def test_causes_give_one_card_per_item_and_one_for_the_list(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Pancreatitis is inflammation of the pancreas. "
        "It can be caused by gallstones, heavy alcohol use, or hypertriglyceridaemia, "
        "among other causes.",
    )
    items = [n for n in g.deck.notes if n.type == "cloze" and "{{c3::" in n.text]
    assert items and "Pancreatitis can be caused by" in items[0].text
    whole = find(g, "Name 3 causes of pancreatitis", "gallstones")
    assert whole is not None and "hypertriglyceridaemia" in whole.back


def test_durations_and_ranks_are_asked(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Rib fractures take weeks to heal with analgesia and breathing exercises.\n\n"
        "Hold the calf stretch for 60 seconds.\n\n"
        "In 2015, stroke was in second place among causes of death.\n\n"
        "Most scaphoid fractures unite within two to three months.",
    )
    assert find(g, "rib fractures take", "weeks")
    assert find(g, "stroke was in", "second")
    assert find(g, "scaphoid fractures unite within", "two to three months")
    assert find(g, "calf stretch", "60 seconds") is None  # an instruction with no subject


def test_procedure_steps_aim_and_indication(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Carpal tunnel release is performed when median nerve compression causes "
        "persistent numbness. During the procedure, the transverse carpal ligament is divided. "
        "The aim of the procedure is to relieve pressure on the median nerve.",
    )
    assert find(g, "When is carpal tunnel release performed", "median nerve compression")
    assert find(g, "During carpal tunnel release, what is divided", "transverse carpal ligament")
    assert find(g, "aim of carpal tunnel release", "relieve pressure on the median nerve")


def test_mechanism_and_what_a_test_is_for(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Deep vein thrombosis happens when blood flow in a deep vein slows and a clot forms.\n\n"
        "Compression ultrasound will help you identify a clot in the proximal veins.",
    )
    assert find(g, "When does deep vein thrombosis happen", "blood flow in a deep vein slows")
    assert find(g, "What can compression ultrasound help identify", "clot in the proximal veins")


def test_contrasts(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "A painful knee doesn't necessarily mean the cartilage is damaged — in fact, the "
        "ligaments might be strained.\n\n"
        "Tendon sheaths heal quickly, while a ruptured tendon may need surgery.",
    )
    note = find(g, "necessarily mean the cartilage is damaged", "No")
    assert note is not None and "ligaments might be strained" in note.back
    assert find(g, "Tendon sheaths heal quickly, while", "ruptured tendon may need surgery")


def test_rare_term_cloze_when_no_pattern_applies(tmp_path: Path) -> None:
    g = generate_text(tmp_path, "Scleroderma thickens the skin of the fingers and face.")
    (note,) = g.deck.notes
    assert qa(note)[1] == "Scleroderma"


def test_cards_name_the_topic_instead_of_this_condition(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Plantar fasciitis is a condition in which the plantar fascia is inflamed. "
        "This condition happens when the heel is overloaded. It can be caused by running, "
        "obesity, or flat feet.",
    )
    texts = [n.front + n.back + n.text for n in g.deck.notes]
    assert texts and not any("this condition" in t.lower() for t in texts)
    assert find(g, "When does plantar fasciitis happen", "heel is overloaded")


def test_markdown_heading_is_the_topic_and_lists_are_asked(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Carpal tunnel syndrome\n\n## Symptoms\n\n- Numbness of the thumb\n"
        "- Tingling at night\n- Weak grip\n\nIt is also known as median nerve entrapment.\n",
    )
    whole = find(g, "Name the 3 symptoms of carpal tunnel syndrome", "tingling at night")
    assert whole is not None and whole.tags == ("carpal-tunnel-syndrome",)
    assert find(g, "another name for carpal tunnel syndrome", "median nerve entrapment")
