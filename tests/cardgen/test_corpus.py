"""The generator held to issue 14's targets on the judged corpus (tests/cardgen/corpus/), and
the scorer itself checked on hand-made cards so that it cannot pass vacuously.

The corpus's passages and fact lists were written before looking at what the generator
makes of them; see study/services/cardgen/evaluate.py for how a card is matched to a fact.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from study.domain.decks import NoteSpec, Source
from study.services.cardgen import evaluate
from study.services.cardgen.evaluate import (
    ACRONYM,
    ANSWER_IN_QUESTION,
    DANGLING,
    LONG_ANSWER,
    NEVER,
    NO_SOURCE,
    CorpusError,
    CorpusScore,
    Fact,
    Never,
    Passage,
    PassageScore,
)

CORPUS = Path(__file__).parent / "corpus"
PASSAGES = evaluate.load_corpus(CORPUS)
RECALL_TARGET = 0.9
# Issue 14's target is 90% on every passage. A passage that falls short of it is listed
# here with the recall it reaches, so a regression fails and the gap stays in sight; an
# entry goes when its passage reaches the target. Every passage reaches it now.
BELOW_TARGET: dict[str, float] = {}
MAX_CARDS_PER_SENTENCE = 3.0


@pytest.fixture(scope="module")
def corpus() -> CorpusScore:
    return CorpusScore(tuple(evaluate.evaluate_passage(p) for p in PASSAGES))


def _score_of(corpus: CorpusScore, name: str) -> PassageScore:
    return next(s for s in corpus.passages if s.passage.name == name)


def _listing(problems: list[evaluate.Problem]) -> str:
    return "\n".join(
        f"  {p.kind}{f' ({p.detail})' if p.detail else ''}: {p.card.question!r} -> "
        f"{p.card.asked_text!r}"
        for p in problems
    )


# The corpus itself: enough passages, registers and facts, of the agreed length.


def test_corpus_has_at_least_12_passages_in_6_registers() -> None:
    assert len(PASSAGES) >= 12
    assert len({p.register for p in PASSAGES}) >= 6
    textbook = [p for p in PASSAGES if p.register == "textbook prose"]
    assert len(textbook) >= 3


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.name)
def test_each_passage_is_150_to_450_words_with_8_or_more_facts(passage: Passage) -> None:
    count = evaluate.words(passage.path.read_text(encoding="utf-8"))
    assert 150 <= count <= 450, f"{passage.name}: {count} words"
    assert len(passage.facts) >= 8
    assert passage.source


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.name)
def test_what_each_fact_asks_is_in_its_passage(passage: Passage) -> None:
    # an answer is traced to its sentence, so a fact whose `asked` pattern matches nothing
    # in the passage could never be asked (a whole-answer pattern, ^...$, is left out)
    text = passage.path.read_text(encoding="utf-8")
    unmatched = [
        f.fact for f in passage.facts if "^" not in f.asked.pattern and not f.asked.search(text)
    ]
    assert unmatched == [], f"{passage.name}: patterns that match nothing: {unmatched}"


def test_no_passage_is_about_the_hip_or_spine() -> None:
    for passage in PASSAGES:
        text = passage.path.read_text(encoding="utf-8").lower()
        assert not re.search(r"\b(hip|spine|spinal|vertebra\w*)\b", text), passage.name


# The generator's targets on the corpus.


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.name)
def test_passage_has_at_least_90_percent_of_its_key_facts_asked_or_its_recorded_floor(
    corpus: CorpusScore, passage: Passage
) -> None:
    score = _score_of(corpus, passage.name)
    missed = "\n".join(f"  - {fact.fact}" for fact in score.missed)
    floor = BELOW_TARGET.get(passage.name, RECALL_TARGET)
    assert score.recall >= floor - 1e-9, (
        f"{passage.name}: {len(score.asked)}/{len(passage.facts)} facts asked "
        f"({score.recall:.0%}, held to {floor:.0%}); not asked:\n{missed}\n"
        f"(python -m study.services.cardgen.evaluate --cards shows every card)"
    )


@pytest.mark.parametrize(
    "kind",
    [DANGLING, ANSWER_IN_QUESTION, NO_SOURCE, LONG_ANSWER, ACRONYM, NEVER],
)
def test_no_card_of_the_corpus_breaks_a_target(corpus: CorpusScore, kind: str) -> None:
    found = [p for s in corpus.passages for p in s.problems if p.kind == kind]
    assert not found, f"{len(found)} cards with {kind}:\n{_listing(found)}"


def test_at_most_3_cards_per_cited_sentence_on_average(corpus: CorpusScore) -> None:
    assert 0 < corpus.cards_per_sentence <= MAX_CARDS_PER_SENTENCE


# The scorer, on cards made by hand.


def _fact(asked: str, *card: str) -> Fact:
    return Fact(
        fact=asked,
        asked=re.compile(asked, re.I),
        card=tuple(re.compile(c, re.I) for c in card),
    )


SENTENCE = (
    "The Glasgow-Blatchford score identifies patients who can be managed as outpatients, "
    "except those over 70."
)
GBS_OVER_70 = _fact(r"over 70|>\s*70", "Glasgow.Blatchford")


def _basic(front: str, back: str, sentence: str | None = SENTENCE) -> NoteSpec:
    source = Source(file="p.txt", sentence=sentence) if sentence is not None else None
    return NoteSpec(id="n", type="basic", front=front, back=back, source=source)


def _cloze(text: str, sentence: str = SENTENCE) -> NoteSpec:
    return NoteSpec(id="n", type="cloze", text=text, source=Source(file="p.txt", sentence=sentence))


def _passage(*facts: Fact, never: tuple[Never, ...] = ()) -> Passage:
    return Passage(Path("p.txt"), "textbook prose", "hand-made", facts, never)


def _scored(notes: list[NoteSpec], *facts: Fact, never: tuple[Never, ...] = ()) -> PassageScore:
    return evaluate.score(_passage(*facts, never=never), notes, SENTENCE)


def test_a_basic_card_asks_a_fact_when_its_answer_and_its_subject_match() -> None:
    note = _basic("In whom is the Glasgow-Blatchford score less reliable?", "Those over 70")
    assert _scored([note], GBS_OVER_70).recall == 1.0


def test_a_card_on_the_wrong_subject_does_not_ask_the_fact() -> None:
    note = _basic("In whom is the Rockall score less reliable?", "Those over 70")
    assert _scored([note], GBS_OVER_70).recall == 0.0


def test_a_fact_shown_beside_another_deletion_is_not_asked() -> None:
    note = _cloze("The {{c1::Glasgow-Blatchford score}} is unreliable in those over 70.")
    score = _scored([note], GBS_OVER_70)
    assert score.recall == 0.0
    assert [f.fact for f in score.missed] == [GBS_OVER_70.fact]


def test_a_cloze_asks_the_fact_it_deletes_on_its_own_card() -> None:
    note = _cloze("The {{c1::Glasgow-Blatchford score}} is unreliable in those {{c2::over 70}}.")
    assert _scored([note], GBS_OVER_70).recall == 1.0


def test_recall_is_facts_asked_over_facts() -> None:
    other = _fact("outpatients", "Glasgow.Blatchford")
    absent = _fact("rebleeding", "Rockall")
    note = _cloze("The Glasgow-Blatchford score identifies {{c1::outpatients}}.")
    score = _scored([note], GBS_OVER_70, other, absent)
    assert score.recall == pytest.approx(1 / 3)
    assert [f.fact for f in score.asked] == ["outpatients"]


@pytest.mark.parametrize(
    "question",
    [
        "It is less reliable in whom?",
        "What does it identify?",
        "In whom is this score less reliable?",
        "In women with asthma, what is used instead?",
        "Why are antibiotics not given because it?",
        "[...] and a low sodium intake do the same.",
        "They are managed as outpatients except whom?",
        # a relative "which" left as the subject: which what?
        "Subarachnoid haemorrhage: when should which be performed?",
        "What does which cause in older adults?",
        "Pulmonary embolism: what can who be treated at?",
        # a clause told apart, its pronoun left without the noun it stood for
        "If they are pregnant, what is needed?",
        "When it is left untreated, [...] can spread.",
    ],
)
def test_questions_that_lean_on_a_dangling_pronoun_are_found(question: str) -> None:
    assert evaluate.is_dangling(question)


@pytest.mark.parametrize(
    "question",
    [
        "In whom is the Glasgow-Blatchford score less reliable?",
        "Which score identifies patients who can be managed as outpatients?",
        "Labetalol is first-line, except in asthma, in whom [...] is used instead of it.",
        "Neither [...] nor amiodarone is safe here.",
        "In which patients is lumbar puncture performed?",
        "Which drug is given when the potassium is above 6.5 mmol/L?",
        "If patients are pregnant, what is needed?",
    ],
)
def test_questions_that_name_their_subject_are_not_dangling(question: str) -> None:
    assert not evaluate.is_dangling(question)


def test_a_dangling_card_earns_no_fact() -> None:
    note = _basic("In whom is it less reliable (Glasgow-Blatchford)?", "Those over 70")
    score = _scored([note], GBS_OVER_70)
    assert [p.kind for p in score.problems] == [DANGLING]
    assert score.recall == 0.0


def test_an_answer_shown_in_its_question_is_found() -> None:
    note = _basic("Is the score less reliable over 70 in those over 70?", "over 70")
    assert [p.kind for p in _scored([note]).problems] == [ANSWER_IN_QUESTION]


def test_a_number_inside_another_number_is_not_the_answer_shown() -> None:
    note = _basic("Glasgow-Blatchford: a threshold of 700?", "70")
    assert _scored([note]).problems == ()


def test_a_card_without_a_source_or_citing_text_not_in_the_passage_is_found() -> None:
    missing = _basic("In whom is the Glasgow-Blatchford score less reliable?", "Over 70", None)
    foreign = _basic(
        "In whom is the Glasgow-Blatchford score less reliable?", "Over 70", "Not said."
    )
    kinds = [p.kind for p in _scored([missing, foreign]).problems]
    assert kinds == [NO_SOURCE, NO_SOURCE]


def test_an_answer_of_17_words_is_too_long_and_16_is_not() -> None:
    sixteen = " ".join(["word"] * 16)
    long = _basic("Glasgow-Blatchford: long?", f"{sixteen} more")
    fine = _basic("Glasgow-Blatchford: fine?", sixteen)
    assert [p.kind for p in _scored([long, fine]).problems] == [LONG_ANSWER]


def test_a_cloze_showing_the_acronym_of_its_deletion_gives_it_away() -> None:
    shown = _cloze("An {{c1::oral glucose tolerance test}} (OGTT) is offered at 24 weeks.")
    spelled = _cloze("An oral glucose tolerance test ({{c1::OGTT}}) is offered at 24 weeks.")
    kinds = [p.kind for p in _scored([shown, spelled]).problems]
    assert kinds == [ACRONYM, ACRONYM]


def test_a_basic_card_asking_what_an_acronym_stands_for_is_fine() -> None:
    note = _basic("What does OGTT stand for?", "Oral glucose tolerance test")
    assert _scored([note]).problems == ()


def test_a_never_pattern_matches_only_its_part_of_the_card() -> None:
    unit = Never("asked", re.compile(r"^\W*mmHg\W*$", re.I), "a unit alone")
    note = _cloze("Systolic below 90 {{c1::mmHg}} and a pulse over {{c2::100}}.")
    score = _scored([note], never=(unit,))
    assert [(p.kind, p.detail, p.card.asked) for p in score.problems] == [
        (NEVER, "a unit alone", ("mmHg",))
    ]


def test_cards_per_sentence_counts_each_cloze_card_over_distinct_sentences() -> None:
    other = "Another sentence."
    notes = [
        _cloze("The {{c1::Glasgow-Blatchford}} score, except those {{c2::over 70}}."),
        _basic("Glasgow-Blatchford: for whom?", "Outpatients"),
        _basic("What else?", "Another", other),
    ]
    passage = _passage()
    score = evaluate.score(passage, notes, f"{SENTENCE} {other}")
    assert len(score.cards) == 4
    assert score.cited_sentences == 2
    assert CorpusScore((score,)).cards_per_sentence == 2.0


def test_a_fact_list_with_a_bad_pattern_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("Some text.", encoding="utf-8")
    (tmp_path / "p.facts.toml").write_text("[[facts]]\nasked = '(unclosed'\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"p\.facts\.toml: bad pattern"):
        evaluate.load_corpus(tmp_path)


def test_a_folder_without_fact_lists_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("Some text.", encoding="utf-8")
    with pytest.raises(CorpusError, match="no passage with a fact list"):
        evaluate.load_corpus(tmp_path)


def test_the_table_lists_each_passage_with_its_recall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.txt").write_text(
        "Hyponatraemia\n\nSevere hyponatraemia is a serum sodium below 125 mmol/L.\n",
        encoding="utf-8",
    )
    (tmp_path / "p.facts.toml").write_text(
        "register = 'notes'\nsource = 'test'\n"
        "[[facts]]\nfact = 'threshold'\nasked = '125'\ncard = ['severe']\n"
        "[[facts]]\nfact = 'never said'\nasked = 'xyzzy'\ncard = []\n",
        encoding="utf-8",
    )
    assert evaluate.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^p\.txt\s+notes\s+2\s+[01]\s+(0|50)%", out, re.M)
    assert "dangling pronoun: " in out
    assert evaluate.main([str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_a_passage_below_the_target_leaves_the_list_once_it_reaches_it(
    corpus: CorpusScore,
) -> None:
    reached = [name for name in BELOW_TARGET if _score_of(corpus, name).recall >= RECALL_TARGET]
    assert reached == [], f"now at the 90% target: take {reached} out of BELOW_TARGET"
