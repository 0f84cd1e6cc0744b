"""Cards that misread the text, round 4 (issue 14, precision): what "It" names across
paragraphs and after a plural, remarks in parentheses that are not what the noun is, and
questions on people in general that need the page's topic. Sentences written for these
tests."""

from __future__ import annotations

from pathlib import Path

from study.services.cardgen.phrases import OtherName
from tests.cardgen.cardgen_helpers import generate_text, qa
from tests.cardgen.test_whose_fact import _parsed


def _cards(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [qa(note) for note in generate_text(tmp_path, text).deck.notes]


def test_it_opening_a_paragraph_names_the_subject_of_the_paragraph_before(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Complications of influenza\n\n"
        "Viral pneumonia, the commonest serious complication, is an infection of the lung "
        "tissue that develops within days of the fever.\n\n"
        "It is treated with oxygen and an antiviral drug.\n",
    )
    fronts = [front for front, _ in cards]
    assert any("viral pneumonia treated with" in f.lower() for f in fronts), fronts
    assert not any("complications of influenza treated" in f.lower() for f in fronts), fronts


def test_a_plural_subject_is_never_the_next_it(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Migraine\n\n"
        "Migraine is a recurrent headache disorder. Patients often describe it as "
        "throbbing. It is usually triggered by stress or by missed meals.\n",
    )
    said = " ".join(f"{front} {back}" for front, back in cards).lower()
    assert "patients is" not in said and "triggers patients" not in said, cards
    assert any("migraine" in front.lower() and back == "Stress" for front, back in cards), cards


def test_a_participle_remark_with_when_is_not_a_definition(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Haemochromatosis\n\n"
        "Adults with a raised ferritin (taken while they are well) are referred to a "
        "hepatologist for genetic testing.\n",
    )
    assert not any(front.lower().startswith("what is raised ferritin") for front, _ in cards)


def test_one_thing_in_parentheses_after_a_plural_is_not_what_it_is(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Aspiration pneumonia\n\n"
        "Patients are given antibiotics that also cover anaerobes (a penicillin with "
        "metronidazole) for seven days.\n",
    )
    assert not any("what is anaerobes" in front.lower() for front, _ in cards), cards


def test_people_in_general_are_asked_of_the_topic(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Infective endocarditis\n\n"
        "Every patient should have a transoesophageal echocardiogram to look for "
        "vegetations and for an abscess of the aortic root.\n",
    )
    asked = [front for front, _ in cards if "every patient have" in front.lower()]
    assert asked and all(front.startswith("Infective endocarditis: ") for front in asked), cards


def test_a_list_answer_ending_in_the_topics_head_still_names_the_topic(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Acute pancreatitis\n\n"
        "Acute pancreatitis is inflammation of the pancreas. The late complications are "
        "pseudocysts and necrotising pancreatitis.\n",
    )
    asked = [front for front, _ in cards if "late complications" in front.lower()]
    assert asked and all(front.startswith("Acute pancreatitis: ") for front in asked), cards


def test_an_apposition_the_list_goes_on_after_is_an_item() -> None:
    # "Ultrasound shows stones, a thick wall, fluid around the kidney and a sign": the
    # parser hangs "a thick wall" on "stones" as an apposition and "fluid" on the verb
    from study.services.cardgen.othernames import NameReader

    span = _parsed(
        """
        Ultrasound NN NOUN nsubj 1 ultrasound
        shows VBZ VERB ROOT 1 show
        stones NNS NOUN dobj 1 stone
        , , PUNCT punct 2 ,
        a DT DET det 6 a
        thick JJ ADJ amod 6 thick
        wall NN NOUN appos 2 wall
        , , PUNCT punct 6 ,
        fluid NN NOUN conj 1 fluid
        around IN ADP prep 8 around
        the DT DET det 11 the
        kidney NN NOUN pobj 9 kidney
        and CC CCONJ cc 11 and
        a DT DET det 14 a
        sign NN NOUN conj 11 sign
        . . PUNCT punct 1 .
        """
    )
    names: list[OtherName] = []
    NameReader(span).names(names, [])
    assert not [n for n in names if n.kind == "apposition"], names
