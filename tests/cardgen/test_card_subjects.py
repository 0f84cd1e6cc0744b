"""Who or what a card is about: the subject, object and topic a question names are the
ones the sentence's parse and agreement support, never a guess."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text


def _basic(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    notes = generate_text(tmp_path, text).deck.notes
    return [(n.front, n.back) for n in notes if n.type == "basic"]


def test_a_relative_after_a_with_phrase_stands_for_its_noun(tmp_path: Path) -> None:
    # ", with a permethrin cream, which is applied ...": the cream is applied, not the
    # therapy; the phrase adds a second thing, unlike an elliptical complement that repeats
    # the first one's preposition ("an infection of X, usually of Y, which ...")
    cards = _basic(
        tmp_path,
        "# Scabies\n\nFirst-line therapy is a single dose of oral ivermectin, with a "
        "permethrin cream, which is applied at night and washed off after 8 hours.\n\n"
        "# Giardiasis\n\nTreatment is a short course of metronidazole, with oral fluids, "
        "which are given until the diarrhoea stops.\n",
    )
    fronts = [f for f, _ in cards]
    assert "When is a permethrin cream applied?" in fronts, cards
    assert "Giardiasis: when are oral fluids given?" in fronts, cards
    assert not any("therapy applied" in f or "treatment given" in f for f in fronts), cards


def test_a_relative_that_is_a_prepositions_object_is_no_subject(tmp_path: Path) -> None:
    # "from which air escapes": the parser hung "air" on "from" beside "which"; the
    # clause's subject is the air, never the antecedent ("What does the lung surface
    # expand?")
    cards = _basic(
        tmp_path,
        "# Pneumothorax\n\nA pneumothorax begins with a bleb on the lung surface, from which "
        "air escapes into the pleural space and expands it.\n",
    )
    fronts = [f for f, _ in cards]
    assert not any("does the lung surface" in f for f in fronts), cards
    assert any(f.endswith("what does air escape into the pleural space from?") for f in fronts)


def test_an_object_it_that_another_noun_could_name_is_not_the_topic(tmp_path: Path) -> None:
    # "pressure reaches the cornea and bulges it": the cornea, or the page's topic; and
    # "expands it" after "escapes into the pleural space": the space. No card guesses.
    cards = _basic(
        tmp_path,
        "# Keratoconus\n\nKeratoconus starts with a weakness in the stroma, through which "
        "pressure reaches the cornea and bulges it.\n\n"
        "# Pneumothorax\n\nA pneumothorax begins with a bleb on the lung surface, from which "
        "air escapes into the pleural space and expands it.\n\n"
        "# Pterygium\n\nSunlight damages the conjunctiva, and surgery removes it.\n",
    )
    assert not any(b in ("Keratoconus", "Pneumothorax") for _, b in cards), cards
    assert not any("bulge" in f or "expand" in f or "remove" in f for f, _ in cards), cards


def test_an_object_it_with_nothing_else_to_name_is_the_topic(tmp_path: Path) -> None:
    cards = _basic(tmp_path, "# Gout\n\nA diet rich in purines can trigger it.\n")
    assert ("What can trigger gout?", "Diet rich in purines") in cards, cards


def test_a_dose_hung_on_a_frequency_is_not_asked_how_often(tmp_path: Path) -> None:
    # "given doxycycline 100 mg daily": the parser hung the dose on "daily"; "how often?"
    # "100 mg daily" asks an amount as a frequency
    cards = _basic(
        tmp_path,
        "# Acne\n\nAdults are given doxycycline 100 mg daily for twelve weeks.\n\n"
        "Children are given lymecycline 408 mg once daily.\n\n"
        "# Scurvy\n\nAdults are prescribed ascorbic acid 250 mg daily for a month.\n",
    )
    often = [(f, b) for f, b in cards if "how often" in f.lower()]
    assert not any(any(c.isdigit() for c in b) for _, b in often), often
    assert ("Acne: how often are children given lymecycline?", "Once daily") in cards, cards


def test_a_subject_that_says_nothing_without_whose_names_the_topic(tmp_path: Path) -> None:
    # "rarer complications", "more of the drug": of what, only the page says
    cards = _basic(
        tmp_path,
        "# Sarcoidosis\n\nRarer complications include uveitis and heart block.\n\n"
        "# Lithium toxicity\n\nIn dehydration, more of the drug is reabsorbed by the proximal "
        "tubule.\n",
    )
    fronts = [f for f, _ in cards]
    assert "Sarcoidosis: what do rarer complications include?" in fronts, cards
    assert any(f.startswith("Lithium toxicity: ") and "more of the drug" in f for f in fronts)


def test_a_clause_whose_subject_is_one_for_a_noun_said_before_is_not_alone(
    tmp_path: Path,
) -> None:
    # "and one above 10 ug/L makes it likely": one what; the clause is asked inside its
    # sentence, never alone, and no question's subject is "one" ("What does one that grows
    # need?"); "one in twenty adults" is a number and stays
    notes = generate_text(
        tmp_path,
        "# Acromegaly\n\nA random growth hormone below 1 ug/L makes the diagnosis unlikely and "
        "one above 10 ug/L makes it likely, and the diagnosis is confirmed by a glucose "
        "tolerance test, in which growth hormone is measured two hours after a drink of 75 g "
        "of glucose and fails to fall.\n\n"
        "# Thyroid nodules\n\nOne in twenty adults has a palpable nodule, and most nodules are "
        "benign, although one that grows quickly needs a fine-needle aspiration, which is "
        "read by a cytologist.\n",
    ).deck.notes
    shown = [n.text if n.type == "cloze" else n.front for n in notes]
    assert not any(s.startswith(("Acromegaly: one ", "One ")) for s in shown), shown
    assert not any("does one that" in s for s in shown), shown
    assert "Thyroid nodules: what does one in twenty adults have?" in shown, shown


def test_a_name_in_parentheses_after_a_phrase_inside_a_phrase_defines_neither(
    tmp_path: Path,
) -> None:
    # "(the hepatorenal syndrome)" names kidney failure in advanced liver disease, not
    # the liver disease; "(a pontine haemorrhage)" the bleeding, not the artery; an "of"
    # phrase's noun is the one a parenthesis defines ("the pericardium (the sac ...)")
    cards = _basic(
        tmp_path,
        "# Cirrhosis\n\nA rarer complication is kidney failure in advanced liver disease (the "
        "hepatorenal syndrome), which carries a poor prognosis.\n\n"
        "# Stroke\n\nBleeding into the brainstem from a ruptured artery (a pontine "
        "haemorrhage) causes pinpoint pupils.\n\n"
        "# Pericarditis\n\nPericarditis is inflammation of the pericardium (the sac around "
        "the heart).\n",
    )
    fronts = [f for f, _ in cards]
    assert "What is advanced liver disease?" not in fronts, cards
    assert "What is ruptured artery?" not in fronts, cards
    assert ("What is pericardium?", "The sac around the heart") in cards, cards
    # (a singular aspect names the topic too: a complication of what)
    assert "Cirrhosis: what is a rarer complication?" in fronts, cards


def test_a_verb_coordinated_inside_an_in_which_clause_keeps_its_antecedent(
    tmp_path: Path,
) -> None:
    # "in which a cold pack is held ... and reduces the ptosis": the ptosis is reduced in
    # the test; "IgA nephropathy, in which ... and only a biopsy shows ...": in IgA
    # nephropathy, a term after a comma, not a definition's "a condition in which"
    cards = _basic(
        tmp_path,
        "# Glomerulonephritis\n\nIn children most cases follow a throat infection, whereas in "
        "adults the commonest form is IgA nephropathy, in which the kidneys look normal on "
        "ultrasound and only a biopsy shows mesangial deposits of IgA.\n\n"
        "# Myasthenia gravis\n\nThe diagnosis is confirmed by an ice pack test, in which a cold "
        "pack is held over the eyelid for two minutes and reduces the ptosis.\n",
    )
    fronts = [f for f, _ in cards]
    assert "What does only a biopsy show in IgA nephropathy?" in fronts, cards
    assert "Myasthenia gravis: what does a cold pack reduce in an ice pack test?" in fronts, cards
