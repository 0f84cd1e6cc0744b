"""The clinician review of the bundled deck holds, whatever generator runs (issue 15).

Two guards, each run against the committed deck file and against a regeneration of it
from its material (``study generate`` over the file, as the lead regenerates it):

- no card states a corrected fact in its wrong form (docs/medical-review.md lists them);
- every fact the deck must teach is asked by some card: a pattern on the question and a
  pattern on the asked part (the back of a basic card, a hidden deletion of a cloze).

The wrong forms are proved live on the deck as shipped before the review (v4), or on a
written example where v4 happened not to hold that form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from study.domain import cloze
from study.domain.decks import DeckSpec, NoteSpec
from study.domain.decks.reading import load_deck
from tests.cardgen.test_merge import regenerate_bundled_deck

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "decks" / "spine-and-hip.toml"
BEFORE_REVIEW = ROOT / "tests" / "fixtures" / "spine-and-hip-v4.toml"


@dataclass(frozen=True)
class Asked:
    """One card as the learner meets it, lower-cased: question, asked part, whole text."""

    note_id: str
    question: str
    answer: str
    whole: str


def asked(note: NoteSpec) -> list[Asked]:
    if note.type == "basic":
        question, answer = note.front.lower(), note.back.lower()
        return [Asked(note.id, question, answer, f"{question} {answer}")]
    return [
        Asked(
            f"{note.id}#c{n}",
            cloze.question(note.text, n).lower(),
            " / ".join(cloze.deleted_answers(note.text, n)).lower(),
            cloze.answer(note.text, n).lower(),
        )
        for n in cloze.cloze_numbers(note.text)
    ]


def cards_of(deck: DeckSpec) -> list[Asked]:
    return [card for note in deck.notes for card in asked(note)]


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _synonym_of(one: str, other: str) -> Callable[[Asked], bool]:
    """A card teaching ``one`` and ``other`` as names of the same thing (not denying it)."""
    naming = r"another name|other name|also (called|known)|often called|known as|why is"

    def wrong(card: Asked) -> bool:
        both = _has(one, card.whole) and _has(other, card.whole)
        if not both or card.answer.startswith("no"):
            return False
        stated = _has(rf"{one}[^.;]*\b(called|known as)\b[^.;]*{other}", card.whole) or _has(
            rf"{other}[^.;]*\b(called|known as)\b[^.;]*{one}", card.whole
        )
        return _has(naming, card.question) or stated

    return wrong


def _augmentation_benefit_settled(card: Asked) -> bool:
    return (
        _has(r"vertebroplasty|kyphoplasty", card.whole)
        and _has(r"\b(reduc|reliev)\w*\W+(the )?pain|help\w*( to)? reduce", card.whole)
        and "sham" not in card.whole
    )


def _augmentation_first_line(card: Asked) -> bool:
    return _has(r"how (can|are|is|should)\b.*\btreated|first[- ]line", card.question) and _has(
        r"vertebroplasty|kyphoplasty", card.answer
    )


WRONG_FORMS: dict[str, Callable[[Asked], bool]] = {
    "mechanical pain and back strain as the same thing": _synonym_of("mechanical", "strain"),
    "spinal decompression as another name for laminectomy": _synonym_of(
        "decompression", "laminectomy"
    ),
    "vertebral augmentation as the treatment of osteoporotic fractures": _augmentation_first_line,
    "vertebral augmentation's pain relief as settled": _augmentation_benefit_settled,
    "pain relieved as the vertebra's height is restored": lambda c: _has(
        r"pain (is )?relieved as the height", c.whole
    ),
    "the physical examination as the most important part of diagnosis": lambda c: _has(
        r"most important[^.]*examination|examination[^.]*most important", c.whole
    ),
    "muscles and ligaments healing rapidly": lambda c: (
        _has(r"ligaments?[^.;]*heal\w* (rapidly|quickly|fast)", c.whole)
        or (_has(r"ligament", c.question) and c.answer.strip() in {"rapidly", "quickly"})
    ),
    "avascular necrosis from long-term steroids only": lambda c: (
        _has(r"necrosis", c.whole)
        and _has(r"long-term (use of )?(high-dose )?(cortico)?steroids", c.whole)
    ),
    "a card that is not standalone ('For example, ...')": lambda c: _has(
        r"^\s*(for example|e\.g\.|for instance)\b", c.question
    ),
    "the time course as the answer to what determines the cause": lambda c: _has(
        r"what helps determine the cause", c.question
    ),
    "the lamina as the bony walls; the spinal column opened": lambda c: _has(
        r"lamina,? or (the )?bony walls|open up the spinal column", c.whole
    ),
    "stenosis 'causes a narrowing' (circular)": lambda c: _has(
        r"stenosis causes a narrowing", c.whole
    ),
    "mechanical pain defined by inflammation": lambda c: (
        _has(r"mechanical", c.whole) and _has(r"results in inflammation", c.whole)
    ),
    "the tautology of why mechanical pain is so called": lambda c: _has(
        r"why is mechanical pain so called|called mechanical pain because", c.whole
    ),
    "the same healing for younger and older patients, with rest": lambda c: _has(
        r"in both younger and older patients|\brest and pain relievers", c.whole
    ),
    "a balloon in vertebroplasty, or cement inside the balloon": lambda c: (
        _has(r"injected into the balloon", c.whole)
        or (
            _has(r"balloon", c.whole)
            and _has(r"vertebroplasty", c.whole)
            and not _has(r"no balloon|without a balloon|uses no balloon", c.whole)
        )
    ),
    "the Thomas test as a test of weakness": lambda c: (
        _has(r"thomas test", c.question) and _has(r"needs? strengthening|weak", c.answer)
    ),
    "trivia: sample size, US rankings, 'grown worse'": lambda c: _has(
        r"10,000|\b(sixth|third)\b place|grown worse", c.whole
    ),
    "iliopsoas tendinitis as a muscle": lambda c: _has(
        r"strongest hip muscles[^.]*such as iliopsoas tendinitis", c.whole
    ),
    "augmentation's pain relief explained by stabilising the vertebra (as settled)": lambda c: (
        _has(r"vertebroplasty|kyphoplasty", c.whole)
        and _has(
            r"\b(relief|relieved|eases?)\b[^.;]*\b(attributed to|due to|because of)\b", c.whole
        )
        and _has(r"stabili[sz]", c.answer)
    ),
    "hip joint pain 'more characteristic of' (a cloze with several right answers)": lambda c: _has(
        r"within the joint, which is more characteristic of", c.question
    ),
}


# Wrong forms the deck as shipped before the review did not happen to hold, written out
# (as a generator could write them) so that each rule is seen to catch its form.
def _example(question: str, answer: str = "") -> Asked:
    return Asked("example", question, answer, f"{question} {answer}".strip())


WRITTEN_EXAMPLES = {
    "pain relieved as the vertebra's height is restored": _example(
        "pain is relieved as the height of the collapsed vertebra is restored."
    ),
    "the same healing for younger and older patients, with rest": _example(
        "how are vertebral fractures treated?", "with rest and pain relievers"
    ),
    "a balloon in vertebroplasty, or cement inside the balloon": _example(
        "in vertebroplasty, what is inflated in the vertebra?", "a balloon"
    ),
    "the Thomas test as a test of weakness": _example(
        "what does the thomas test show?", "whether the muscles are weak"
    ),
    "iliopsoas tendinitis as a muscle": _example(
        "overusing the strongest hip muscles in the body such as iliopsoas tendinitis"
    ),
    # vertebral-fractures-dd7a8a65 as version 5 shipped it (removed in version 6).
    "augmentation's pain relief explained by stabilising the vertebra (as settled)": _example(
        "after vertebroplasty or kyphoplasty, any pain relief is attributed to [...], not to"
        " restoring its height (restored only partly, if at all)",
        "stabilising the fractured vertebra",
    ),
}


def _wrong_cards(deck: DeckSpec) -> list[str]:
    return [
        f"{card.note_id}: {name}"
        for card in cards_of(deck)
        for name, wrong in WRONG_FORMS.items()
        if wrong(card)
    ]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> DeckSpec:
    """The deck file after ``study generate`` ran over it from its material."""
    return load_deck(regenerate_bundled_deck(tmp_path_factory.mktemp("regenerate")))


def test_each_wrong_form_is_caught_where_it_was_written() -> None:
    before = cards_of(load_deck(BEFORE_REVIEW))
    for name, wrong in WRONG_FORMS.items():
        example = WRITTEN_EXAMPLES.get(name)
        caught = [c for c in before if wrong(c)] or (
            [example] if example and wrong(example) else []
        )
        assert caught, f"the rule '{name}' catches nothing: it could never fail"
    assert len(_wrong_cards(load_deck(BEFORE_REVIEW))) >= 20


def test_no_card_of_the_deck_states_a_corrected_fact_in_its_wrong_form() -> None:
    assert _wrong_cards(load_deck(DECK)) == []


def test_no_regenerated_card_states_a_corrected_fact_in_its_wrong_form(
    regenerated: DeckSpec,
) -> None:
    assert _wrong_cards(regenerated) == []


# What the deck must teach: (what the question is about, what the asked part says).
MUST_TEACH: dict[str, tuple[str, str]] = {
    "avascular necrosis: its other name": (r"necrosis", r"osteonecrosis"),
    "avascular necrosis: where it happens most": (r"where.*necrosis|necrosis.*most", r"\bhip\b"),
    "avascular necrosis: traumatic causes": (r"necrosis", r"fracture|dislocation"),
    "avascular necrosis: corticosteroids": (r"necrosis", r"steroid"),
    "avascular necrosis: alcohol": (r"necrosis", r"alcohol"),
    "avascular necrosis: other causes": (r"necrosis", r"sickle cell"),
    "mechanical pain: varies with load and movement": (
        r"mechanical",
        r"load|movement|activity",
    ),
    "mechanical pain: the structures it comes from": (r"mechanical", r"facet joints"),
    "mechanical pain: the more you use your back, the more it hurts": (
        r"mechanical",
        r"more it hurts",
    ),
    "mechanical pain is not another name for back strain": (r"mechanical.*strain", r"^no\b"),
    "inflammatory back pain: the contrast with mechanical": (
        r"mechanical|inflammatory",
        r"inflammatory",
    ),
    "inflammatory back pain: ASAS criteria": (r"inflammatory back pain", r"exercise|rest"),
    "vertebral fractures: healing time": (r"vertebral compression fracture", r"weeks"),
    "vertebral fractures: a traumatic one may be unstable": (r"trauma", r"unstable"),
    "vertebral fractures: first-line treatment": (
        r"vertebral compression fracture",
        r"mobilisation",
    ),
    "vertebral augmentation: when NICE allows it": (
        r"vertebroplasty|kyphoplasty",
        r"severe ongoing pain",
    ),
    "vertebral augmentation: no benefit over sham": (r"sham", r"no clinically important"),
    "kyphoplasty: a balloon": (r"kyphoplasty", r"balloon"),
    "vertebroplasty: cement injected directly, no balloon": (
        r"vertebroplasty",
        r"directly.*no balloon",
    ),
    "red flags: the absence of red flags does not rule out serious disease": (
        r"red flag",
        r"does not rule out",
    ),
    "red flags: one red flag does not rule serious disease in": (r"red flag", r"does not rule in"),
    "red flags: a history of cancer": (r"red flag", r"history of cancer"),
    "red flags: fracture": (r"red flags?.*fracture", r"corticosteroid|older age|trauma"),
    "red flags: cauda equina syndrome": (r"saddle", r"cauda equina"),
    "red flags: infection": (r"infection", r"fever"),
    "pain is a poor indicator of tissue damage": (r"tissue damage", r"poorly"),
    "hip pain from soft tissues: overuse": (r"hip pain", r"overuse"),
    "hip pain from within the joint: osteoarthritis": (r"within the joint", r"osteoarthritis"),
    "overlapping nerve supply of the spine's structures": (r"nerve supply", r"discs|ligaments"),
    "sore hip flexors are not necessarily tight": (r"sore.*tight", r"^no\b"),
    "the bridge exercise, worked up to 30 steps": (r"bridge", r"\b30\b"),
    "tight or weak hip flexors, told apart before stretching": (
        r"hip flexor.*stretch",
        r"tight.*weak",
    ),
    "the Thomas test shows tight hip flexors": (r"tight", r"thomas test"),
    "the Thomas test: how it is read": (r"thomas test", r"thigh"),
    "hip pain: diagnosis combines history, examination and imaging": (
        r"hip pain",
        r"history.*examination.*imaging",
    ),
    "laminectomy: what is removed": (r"laminectomy", r"lamina"),
    "spinal decompression: the umbrella term": (r"decompression", r"umbrella"),
    "soft tissue healing: ligaments take weeks to months": (r"ligament", r"weeks to months"),
    "vertebral augmentation: pain relief not explained by restored height": (
        r"height",
        r"^no\b.*only partly",
    ),
}


def _untaught(deck: DeckSpec) -> list[str]:
    cards = cards_of(deck)
    return [
        fact
        for fact, (about, says) in MUST_TEACH.items()
        if not any(_has(about, c.question) and _has(says, c.answer) for c in cards)
    ]


def test_every_fact_the_deck_must_teach_is_asked_by_a_card() -> None:
    assert _untaught(load_deck(DECK)) == []
    assert len(_untaught(load_deck(BEFORE_REVIEW))) >= 15  # what the review added


def test_every_fact_is_still_asked_after_regeneration(regenerated: DeckSpec) -> None:
    assert _untaught(regenerated) == []


# A basic card's answer is one short fact: over this many words it must be a list.
LONGEST_ANSWER = 18


def _long_answers(deck: DeckSpec) -> list[str]:
    return [
        f"{note.id}: {len(note.back.split())} words"
        for note in deck.notes
        if note.type == "basic"
        and len(note.back.split()) > LONGEST_ANSWER
        and note.back.count(",") < 2  # a list of three or more items may run longer
    ]


def test_every_answer_is_one_short_fact_or_a_list() -> None:
    assert _long_answers(load_deck(DECK)) == []
    # the rule is live: the deck before the review had an answer that ran on
    assert _long_answers(load_deck(BEFORE_REVIEW))


# References the second check found wrong or unverifiable (docs/medical-review.md).
WRONG_CITATIONS = {
    "NG59 'section 1.3' for spinal decompression (unverified)": r"NG59[^;]*section 1\.3",
    "the cauda equina MRI guidance as the RCR's alone (it is the Clinical Imaging Board's)": (
        r"(?<!\()Royal College of Radiologists, MRI provision"
    ),
    "the Academy of Medical Royal Colleges as the source of a healing time or of PMMA": (
        r"Academy of Medical Royal Colleges[^;]*(weeks|\bPMMA\b|Interventions: vertebral)"
    ),
}
VERSION_5_CITATIONS = (  # as version 5 shipped them
    "NICE guideline NG59, Low back pain and sciatica in over 16s (2016, updated 2020), section"
    " 1.3 (spinal decompression for sciatica)",
    "Royal College of Radiologists, MRI provision for cauda equina syndrome (2023).",
    "Academy of Medical Royal Colleges, Evidence-Based Interventions: vertebral augmentation"
    " for painful osteoporotic vertebral fractures (bone healing over 2 to 12 weeks).",
)


def test_no_note_repeats_a_reference_found_wrong() -> None:
    notes = [n.note for n in load_deck(DECK).notes]
    for name, pattern in WRONG_CITATIONS.items():
        assert any(_has(pattern, cited) for cited in VERSION_5_CITATIONS), name
        assert [n for n in notes if _has(pattern, n)] == [], name
