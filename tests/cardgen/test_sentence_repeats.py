"""A long sentence read whole and clause by clause asks each fact once, in its shortest card."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text

from study.domain import cloze
from study.services.cardgen import gates, repeats
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.sentences import Sentence

STAGES = (
    "# Acute kidney injury\n\n"
    "Severity is staged by the KDIGO criteria: an injury is stage 1 when the creatinine "
    "rises to 1.5 times the baseline, stage 2 when it rises to twice the baseline, and stage "
    "3 when it rises to three times the baseline or dialysis is started, in which case the "
    "mortality is up to 50%.\n"
)

POTASSIUM = (
    "# Hyperkalaemia\n\n"
    "Sodium bicarbonate is not given routinely when the potassium is between 6.0 and 6.4 "
    "mmol/L, but salbutamol 10 mg nebulised is added when the potassium is above 6.5 mmol/L, "
    "and a potassium above 7.0 mmol/L needs senior review because dialysis may be needed; "
    "once the potassium falls below 6.0 mmol/L, the glucose is checked hourly alongside the "
    "potassium so that insulin can continue without hypoglycaemia.\n"
)


def test_a_deletion_a_shorter_cloze_of_the_sentence_makes_is_not_made_again(
    tmp_path: Path,
) -> None:
    # the whole 50-word sentence and its clauses both deleted "up to 50%": two cards
    generation = generate_text(tmp_path, STAGES)
    clozes = [n for n in generation.deck.notes if n.type == "cloze"]
    asking = [n.text for n in clozes if "up to 50%" in all_answers(n)]
    assert len(asking) == 1, asking
    assert not asking[0].startswith("Severity is staged"), asking
    assert any(d.reason == repeats.ASKED_BY_A_SHORTER_CLOZE for d in generation.drops)


def test_a_whole_sentence_cloze_a_clause_question_answers_is_left_out(tmp_path: Path) -> None:
    # "Why does a potassium above 7.0 mmol/L need senior review?" "Because dialysis may be
    # needed" (a clause's card) asks what the 70-word cloze deleting "dialysis" asks
    generation = generate_text(tmp_path, POTASSIUM)
    notes = generation.deck.notes
    assert any(n.type == "basic" and "dialysis may be needed" in n.back for n in notes)
    assert not any(n.type == "cloze" and "dialysis" in all_answers(n) for n in notes)
    assert any(d.reason == repeats.ASKED_BY_ITS_CLAUSES for d in generation.drops)
    # the numbers no other card asks stay asked
    answers = [a for n in notes for a in all_answers(n)]
    assert "10 mg" in answers, answers


def _card(sentence: Sentence, pattern: str, **fields: str) -> Candidate:
    answers = tuple(
        cloze.deleted_answers(fields["text"], 1) if "text" in fields else [fields["back"]]
    )
    kind = "cloze" if "text" in fields else "basic"
    return Candidate(pattern=pattern, type=kind, sentence=sentence, answers=answers, **fields)


def test_a_condition_question_a_number_cloze_asks_is_left_out() -> None:
    # "When is zoledronic acid given?" "When the corrected calcium is above 3.0 mmol/L"
    # beside "... given when the corrected calcium is [above 3.0 mmol/L]": one fact
    text = "Zoledronic acid is given when the corrected calcium is above 3.0 mmol/L."
    sentence = Sentence(text, text, 0, len(text))
    cards = [
        _card(
            sentence,
            "condition",
            front="When is zoledronic acid given?",
            back="When the corrected calcium is above 3.0 mmol/L",
        ),
        _card(
            sentence,
            "number",
            text="Zoledronic acid is given when the corrected calcium is {{c1::above 3.0 mmol/L}}.",
        ),
        # an answer that names more than the number (the drug) is another fact
        _card(
            sentence,
            "subject",
            front="What is given when the corrected calcium is above 3.0 mmol/L?",
            back="Zoledronic acid",
        ),
    ]
    kept, left = repeats.thinned(cards)
    assert [(item.index, item.reason) for item in left] == [(0, repeats.ASKED_BY_A_NUMBER_CLOZE)]
    assert kept == cards[1:]


def test_a_question_whose_answer_names_more_than_the_number_stays() -> None:
    text = "COPD exacerbation: amoxicillin or doxycycline for 5 days if sputum is purulent."
    sentence = Sentence(text, text, 0, len(text))
    cards = [
        _card(
            sentence,
            "condition",
            front="COPD exacerbation: if sputum is purulent?",
            back="Amoxicillin or doxycycline for 5 days",
        ),
        _card(
            sentence,
            "number",
            text=(
                "COPD exacerbation: amoxicillin or doxycycline {{c1::for 5 days}} if sputum "
                "is purulent."
            ),
        ),
    ]
    assert repeats.thinned(cards) == (cards, [])


BENZYLPENICILLIN = (
    "# Leptospirosis\n\n"
    "Patients with severe leptospirosis are given intravenous benzylpenicillin (1.2 g every "
    "6 hours for 7 days), started within two days of admission, or ceftriaxone, which is "
    "equally effective, whereas corticosteroids are not used because they do not shorten the "
    "illness, and about 90% of patients recover fully within three months, although recovery "
    "is slower in older patients and after pulmonary haemorrhage.\n"
)


def test_a_deletion_a_shorter_cloze_asks_leaves_the_notes_other_deletions(
    tmp_path: Path,
) -> None:
    # the clause's cloze deletes the dose, the interval and the duration; the longer cloze
    # deleted them again beside "within two days", which only it asks
    generation = generate_text(tmp_path, BENZYLPENICILLIN)
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    for fact in ("1.2 g", "6 hours", "7 days", "within two days"):
        assert answers.count(fact) == 1, (fact, answers)
    # one report line per deletion left out, the card as it would have been
    left = [
        d.question
        for d in generation.drops
        if d.reason == repeats.ASKED_BY_A_SHORTER_CLOZE
        and d.question
        and "ceftriaxone." in d.question
    ]
    assert len(left) == 3, left
    assert all("[...]" in q for q in left)


def test_a_cloze_deletion_a_question_of_the_sentence_answers_is_left_out(
    tmp_path: Path,
) -> None:
    # "What should you arrange only if the D-dimer is positive?" "A CT pulmonary angiogram"
    # asks what "... arrange a [...] only if the D-dimer is positive" asks
    text = (
        "# Pulmonary embolism\n\nIf PE is unlikely, measure the D-dimer, and arrange a CT "
        "pulmonary angiogram only if the D-dimer is positive.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    asking = [n for n in notes if "CT pulmonary angiogram" in " ".join(all_answers(n))]
    assert [n.type for n in asking] == ["basic"], asking


def test_a_question_of_another_relation_keeps_the_cloze() -> None:
    # "What does ARB stand for?" answers the deleted term, but asks what the letters mean
    text = "Adults under 55 start an angiotensin receptor blocker (ARB)."
    sentence = Sentence(text, text, 0, len(text))
    cards = [
        _card(
            sentence,
            "acronym",
            front="What does ARB stand for?",
            back="Angiotensin receptor blocker",
        ),
        _card(
            sentence,
            "rare-term",
            text="Adults under 55 start an {{c1::angiotensin receptor blocker (ARB)}}.",
        ),
    ]
    assert repeats.thinned(cards) == (cards, [])


def test_one_deleted_text_in_two_places_is_two_facts() -> None:
    # "500 mg [four times] daily" and "125 mg [four times] daily": the same words deleted
    # beside different doses ask two facts
    text = (
        "Vancomycin 125 mg four times daily is first line, and vancomycin 500 mg four times "
        "daily is given in life-threatening infection."
    )
    sentence = Sentence(text, text, 0, len(text))
    short = _card(
        sentence, "number", text="Vancomycin 125 mg {{c1::four times}} daily is first line."
    )
    long = _card(
        sentence,
        "number",
        text=(
            "Vancomycin 125 mg four times daily is first line, and vancomycin 500 mg "
            "{{c1::four times}} daily is given in life-threatening infection."
        ),
    )
    assert repeats.thinned([short, long]) == ([short, long], [])


def test_one_rule_bares_an_answer_for_every_comparison() -> None:
    assert gates.bare(" Above 50 (per microlitre), ") == "above 50"
    assert repeats.same_deletion("is below 12", "below 12")
    assert not repeats.same_deletion("0.4 g/kg daily", "0.4 g/kg")


def test_a_deleted_term_a_question_asks_with_one_word_more_is_left_out() -> None:
    # "Why is urgent surgical review sought?" "Because a colectomy may be needed" asks what
    # "because a [colectomy] may be needed" asks
    text = "Urgent surgical review is sought, because a colectomy may be needed."
    sentence = Sentence(text, text, 0, len(text))
    question = _card(
        sentence,
        "reason",
        front="Why is urgent surgical review sought?",
        back="Because a colectomy may be needed",
    )
    term = _card(
        sentence,
        "rare-term",
        text="Urgent surgical review is sought, because a {{c1::colectomy}} may be needed.",
    )
    kept, left = repeats.thinned([question, term])
    assert kept == [question]
    assert [(item.index, item.reason) for item in left] == [(1, repeats.ASKED_BY_A_QUESTION)]


def test_a_deleted_number_a_question_asks_with_its_measure_stays() -> None:
    # "What does the tremor have?" "A frequency of 8-12 Hz": the cloze asks the number alone
    text = "The tremor has a frequency of 8-12 Hz."
    sentence = Sentence(text, text, 0, len(text))
    question = _card(
        sentence, "object", front="What does the tremor have?", back="A frequency of 8-12 Hz"
    )
    number = _card(sentence, "number", text="The tremor has a frequency of {{c1::8-12 Hz}}.")
    assert repeats.thinned([question, number]) == ([question, number], [])


BOTULISM = (
    "About a third of patients develop respiratory failure, which is often sudden, and "
    "constipation can be severe, while about one in five patients needs a tracheostomy, "
    "except in infant botulism, which presents with a weak cry, poor feeding and "
    "constipation, is caused by ingested spores and rarely needs surgery."
)


def test_a_whole_sentence_cloze_is_shown_as_the_clause_that_holds_its_deletion() -> None:
    # the 50-word cloze deleting "about one in five" asks what the clause's cloze, which
    # shows those words as written, can ask with less to read
    sentence = Sentence(BOTULISM, BOTULISM, 0, len(BOTULISM))
    whole = _card(
        sentence, "number", text=BOTULISM.replace("about one in five", "{{c1::about one in five}}")
    )
    clause = _card(
        sentence,
        "list-item",
        text=(
            "About one in five patients needs a tracheostomy, except in infant botulism, "
            "which presents with {{c1::a weak cry}}, poor feeding and constipation."
        ),
    )
    kept, left = repeats.thinned([whole, clause])
    assert kept[0].text == (
        "{{c1::About one in five}} patients needs a tracheostomy, except in infant botulism, "
        "which presents with a weak cry, poor feeding and constipation."
    )
    assert kept[0].answers == whole.answers and kept[0].pattern == "number"
    assert kept[1] == clause
    assert [(item.index, item.reason) for item in left] == [(0, repeats.MOVED)]


def test_a_clause_told_again_does_not_replace_the_sentence_it_was_read_from() -> None:
    # "Infant botulism presents with ..." is not the sentence's words as written
    sentence = Sentence(BOTULISM, BOTULISM, 0, len(BOTULISM))
    whole = _card(sentence, "number", text=BOTULISM.replace("a weak cry", "{{c1::a weak cry}}"))
    told = _card(
        sentence,
        "rare-term",
        text="Infant botulism presents with a weak cry, poor feeding and {{c1::constipation}}.",
    )
    assert repeats.thinned([whole, told]) == ([whole, told], [])


def test_a_question_a_fuller_question_asks_with_the_same_answer_is_left_out(
    tmp_path: Path,
) -> None:
    # "In a first attack of gout, what is checked?" said nothing "... what is checked four
    # weeks after the flare has settled?" does not, with the same answer
    text = (
        "# Gout\n\nIn a first attack of gout, the serum urate is checked again four weeks "
        "after the flare has settled.\n"
    )
    generation = generate_text(tmp_path, text)
    fronts = [n.front for n in generation.deck.notes if n.type == "basic"]
    assert "In a first attack of gout, what is checked?" not in fronts, fronts
    assert any("what is checked four weeks after" in f for f in fronts), fronts
    assert any(d.reason == repeats.ASKED_BY_A_FULLER_QUESTION for d in generation.drops)
