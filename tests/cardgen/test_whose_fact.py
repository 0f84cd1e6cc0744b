"""Cards that asked a fact of the wrong thing (issue 14, precision): a remark in
parentheses read as a definition, "it" named by the page's topic after an instruction,
a clause's subject taken from the wrong noun, and questions garbled from fragments. Each
rule is read from the parse or the words' forms; the fact is still asked of the right
thing where it can be."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen_helpers import generate_text, qa

from study.services.cardgen import questions, wellformed
from study.services.cardgen.asking import make_card
from study.services.cardgen.candidates import Candidate, Context
from study.services.cardgen.cards import propose
from study.services.cardgen.nlp import parse, pipeline
from study.services.cardgen.reading import read
from study.services.cardgen.sentences import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Span


def _cards(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [qa(n) for n in generate_text(tmp_path, text).deck.notes]


def _sentence(text: str) -> Sentence:
    """``text`` parsed by the generator's model, as one sentence."""
    return _sentence_of(next(iter(parse([text])))[:])


def _sentence_of(span: Span) -> Sentence:
    return Sentence(text=span.text, raw=span.text, start=0, end=len(span.text), span=span)


def _basic(sentence: Sentence, front: str, back: str) -> Candidate:
    return Candidate("object", "basic", sentence, (back,), front=front, back=back)


def test_it_after_an_instruction_names_the_instructions_object(tmp_path: Path) -> None:
    # "Use the Rockwood scale ...: a score ... It grades ...": the scale grades, not the
    # page's topic and not the score
    text = (
        "# Frailty\n\nFrailty is a loss of reserve that makes older people vulnerable to "
        "minor stresses.\n\n## Assessment\n\nUse the Rockwood scale in anyone over 65 who is "
        "admitted: a score of 5 or more suggests frailty. It grades mobility, energy, "
        "physical activity and function.\n"
    )
    cards = _cards(tmp_path, text)
    assert any("the Rockwood scale grades" in q for q, _ in cards), cards
    assert not any("Frailty grades" in q for q, _ in cards), cards


def test_a_remark_that_states_a_fact_of_its_own_is_not_what_the_phrase_is(
    tmp_path: Path,
) -> None:
    # "(chlamydia and gonorrhoea are the usual causes)" is a clause, not a definition
    text = (
        "# Reactive arthritis\n\nReactive arthritis usually follows a gut infection or a "
        "genital infection (chlamydia and gonorrhoea are the usual causes) by two to four "
        "weeks, and it affects the large joints of the legs.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any(q.startswith("What is genital infection") for q, _ in cards), cards


def test_a_remark_opening_with_a_participle_gives_no_examples(tmp_path: Path) -> None:
    # "the small joints of the hands (causing swelling ...)": what the disease does there,
    # not an example of the hands
    text = (
        "# Rheumatoid arthritis\n\nRheumatoid arthritis usually begins in the small joints "
        "of the hands (causing swelling and morning stiffness) and spreads to the wrists.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any("example of the hands" in q for q, _ in cards), cards


def test_a_list_after_one_noun_is_not_read_as_its_definition(tmp_path: Path) -> None:
    text = (
        "# Chronic kidney disease\n\nChronic kidney disease causes renal anaemia "
        "(tiredness, breathlessness and pallor) and bone disease.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any(q.startswith("What is renal anaemia") for q, _ in cards), cards


def test_a_list_after_a_relative_clause_gives_examples_of_its_plural_noun(
    tmp_path: Path,
) -> None:
    # "drugs that prolong the QT interval (A, B, C and D)": examples of the drugs, never
    # "What is QT interval?"
    text = (
        "# Torsade de pointes\n\nTorsade de pointes is triggered by hypokalaemia, "
        "bradycardia or drugs that prolong the QT interval (macrolides, ondansetron, "
        "methadone and haloperidol).\n"
    )
    cards = _cards(tmp_path, text)
    assert not any(q.startswith("What is QT interval") for q, _ in cards), cards
    assert any(
        "example of drugs that prolong the QT interval" in q and "methadone" in a for q, a in cards
    ), cards


def test_a_noun_the_parser_coordinated_with_a_verb_is_the_next_verbs_subject(
    tmp_path: Path,
) -> None:
    # "Macrogol ... is given to produce ..., and senna, a ..., is added to prevent ...":
    # the parser hangs "senna" on "produce" and "added" on "given"; senna is added
    text = (
        "# Constipation\n\nMacrogol, an osmotic laxative that the bowel does not absorb, "
        "is given to produce one or two soft stools a day, and senna, a stimulant laxative, "
        "is added to prevent impaction after a second episode of faecal loading.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any("macrogol added" in q.lower() for q, _ in cards), cards
    assert ("Constipation: what is added to prevent impaction?", "Senna") in cards
    assert not any(a.endswith("and senna") for _, a in cards), cards


def test_a_singular_relative_after_a_coordination_is_said_of_the_noun_before_it(
    tmp_path: Path,
) -> None:
    # "immobility and loss of bone, which raises the risk": the bone loss raises it
    text = (
        "# Sarcopenia\n\nExercise is advised, because immobility and loss of bone, which "
        "raises the risk of fracture, make falls more harmful.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any("does immobility and loss of bone raise" in q for q, _ in cards), cards
    assert ("Sarcopenia: what does bone raise?", "The risk of fracture") in cards


def test_as_do_is_no_reason(tmp_path: Path) -> None:
    # "hypokalaemia increases the risk, as do A and B": likewise, not because
    text = (
        "# Digoxin toxicity\n\nDigoxin has a narrow therapeutic range, and hypokalaemia "
        "increases the risk of toxicity, as do hypercalcaemia and renal impairment.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any(a.lower().startswith("because do") for _, a in cards), cards


def test_a_question_with_a_bracket_left_open_is_not_asked() -> None:
    # a remark with a clause inside it read into the clause around it: "What do most of the
    # rest have antibodies against aquaporin-4) damage?"
    text = (
        "Neuromyelitis optica is a disease in which antibodies against aquaporin-4 (found "
        "in most patients, whereas the rest have antibodies against another protein) damage "
        "the astrocytes."
    )
    sentence = _sentence(text)
    card = _basic(
        sentence,
        "What do the rest have antibodies against another protein) damage?",
        "The astrocytes",
    )
    assert "bracket" in (wellformed.problem(card) or "")


def test_a_question_with_two_verbs_for_one_is_not_asked() -> None:
    text = "Amiodarone has a very long half-life, and it is stored in fat."
    sentence = _sentence(text)
    card = _basic(sentence, "What is amiodarone has?", "A very long half-life")
    assert "garbled" in (wellformed.problem(card) or "")


def test_a_definite_subject_or_answer_of_common_words_is_asked_with_the_topic() -> None:
    # "What does the cerebrospinal fluid show?" names a term, but the fluid is the one of
    # the page's condition: without it the card states a false general rule
    text = "The cerebrospinal fluid shows a high opening pressure."
    sentence = _sentence(text)
    topic = "Idiopathic intracranial hypertension"
    context = Context(topic=topic)
    [clause] = read(sentence.span, None, topic).clauses
    card = make_card(
        "object",
        sentence,
        context,
        "What does the cerebrospinal fluid show?",
        "a high opening pressure",
        clause,
    )
    assert card.front == f"{topic}: what does the cerebrospinal fluid show?"


def test_a_definite_subject_of_common_words_is_asked_for_not_given_as_the_answer(
    tmp_path: Path,
) -> None:
    # "The typical signs are the three Ds": what the typical signs are is the fact; "What
    # are the three Ds?" "Typical signs" asks it backwards
    text = (
        "# Pellagra\n\nPellagra is caused by a lack of niacin. The typical signs are the "
        "three Ds.\n"
    )
    cards = _cards(tmp_path, text)
    assert ("Pellagra: what are the typical signs?", "The three Ds") in cards, cards
    assert not any(a == "Typical signs" for _, a in cards), cards


def test_a_reason_right_after_a_relative_clause_is_not_the_main_clauses() -> None:
    # "The typical signs are the three Ds, of which confusion matters most, because it
    # means ...": confusion matters because ...; "Why are the typical signs the three Ds?"
    # would give the relative clause's reason to the main clause
    raw = (
        "The typical signs are the three Ds, of which confusion matters most, because it "
        "means that the deficiency is severe."
    )
    assert questions._after_a_relative(raw, "it means that the deficiency is severe")
    assert questions._after_a_relative(raw, "because it means that the deficiency is severe")
    plain = "The drug is stopped, because it means that the deficiency is severe."
    assert not questions._after_a_relative(plain, "it means that the deficiency is severe")


def _parsed(rows: str) -> Span:
    """A sentence with the parse the small model gives such sentences, written out (word,
    tag, part of speech, label, head, lemma): the rule under test reads that shape."""
    from spacy.tokens import Doc

    fields = [line.split() for line in rows.strip().splitlines()]
    words = [f[0] for f in fields]
    doc = Doc(
        pipeline().vocab,
        words=words,
        spaces=[i + 1 < len(words) and words[i + 1] not in ",." for i in range(len(words))],
        tags=[f[1] for f in fields],
        pos=[f[2] for f in fields],
        deps=[f[3] for f in fields],
        heads=[int(f[4]) for f in fields],
        lemmas=[f[5] for f in fields],
    )
    return doc[:]


def _subjects(span: Span) -> dict[str, str | None]:
    return {
        c.verb.text: (c.subject.text if c.subject else None)
        for c in read(span, None, "Topic").clauses
    }


def test_a_gerund_at_the_end_of_a_noun_list_is_the_subject_of_its_verb() -> None:
    # "... by infection, dehydration or sedatives, and finding and treating the cause is the
    # first step": the parser runs the list into the subject of "is"
    span = _parsed(
        """
        Infection NN NOUN nsubj 10 infection
        , , PUNCT punct 0 ,
        dehydration NN NOUN conj 0 dehydration
        , , PUNCT punct 2 ,
        and CC CCONJ cc 2 and
        finding VBG VERB conj 2 find
        and CC CCONJ cc 5 and
        treating VBG VERB conj 5 treat
        the DT DET det 9 the
        cause NN NOUN dobj 7 cause
        is VBZ AUX ROOT 10 be
        the DT DET det 13 the
        first JJ ADJ amod 13 first
        step NN NOUN attr 10 step
        . . PUNCT punct 10 .
        """
    )
    assert _subjects(span)["is"] == "finding and treating the cause"


def test_a_relative_clauses_antecedent_ends_where_the_clause_begins() -> None:
    # "compartment syndrome, which needs fasciotomy, for hyperkalaemia and for ...": the
    # syndrome needs it, not "compartment syndrome, for hyperkalaemia and ..."
    span = _parsed(
        """
        The DT DET det 1 the
        patient NN NOUN nsubjpass 3 patient
        is VBZ AUX auxpass 3 be
        watched VBN VERB ROOT 3 watch
        for IN ADP prep 3 for
        compartment NN NOUN compound 6 compartment
        syndrome NN NOUN pobj 4 syndrome
        , , PUNCT punct 6 ,
        which WDT PRON nsubj 9 which
        needs VBZ VERB relcl 6 need
        fasciotomy NN NOUN dobj 9 fasciotomy
        , , PUNCT punct 6 ,
        for IN ADP prep 6 for
        hyperkalaemia NN NOUN pobj 12 hyperkalaemia
        and CC CCONJ cc 12 and
        for IN ADP conj 12 for
        kidney NN NOUN compound 17 kidney
        injury NN NOUN pobj 15 injury
        . . PUNCT punct 3 .
        """
    )
    assert _subjects(span)["needs"] == "compartment syndrome"


def test_a_list_the_parser_hung_on_a_relatives_antecedent_gives_that_clause_no_subject() -> None:
    # "the variant, which presents with A, B and C": B and C hung on "variant"; "What
    # does the variant, B and C present with?" "A" misreads, and "A" alone is not the list
    span = _parsed(
        """
        The DT DET det 1 the
        variant NN NOUN nsubj 12 variant
        , , PUNCT punct 1 ,
        which WDT PRON nsubj 4 which
        presents VBZ VERB relcl 1 present
        with IN ADP prep 4 with
        ophthalmoplegia NN NOUN pobj 5 ophthalmoplegia
        , , PUNCT punct 1 ,
        ataxia NN NOUN conj 1 ataxia
        and CC CCONJ cc 8 and
        areflexia NN NOUN conj 8 areflexia
        , , PUNCT punct 1 ,
        is VBZ AUX ROOT 12 be
        rare JJ ADJ acomp 12 rare
        . . PUNCT punct 12 .
        """
    )
    assert _subjects(span).get("presents") is None


def test_which_after_a_noun_of_another_noun_is_not_said_of_either() -> None:
    # "inhibits the enzyme of the platelet, which lowers thromboxane": the enzyme, the
    # platelet or the inhibition? ("What does the platelet lower?" was asked)
    span = _parsed(
        """
        Aspirin NNP PROPN nsubj 1 aspirin
        inhibits VBZ VERB ROOT 1 inhibit
        the DT DET det 3 the
        enzyme NN NOUN dobj 1 enzyme
        of IN ADP prep 3 of
        the DT DET det 6 the
        platelet NN NOUN pobj 4 platelet
        , , PUNCT punct 6 ,
        which WDT PRON nsubj 9 which
        lowers VBZ VERB relcl 6 lower
        thromboxane NN NOUN dobj 9 thromboxane
        . . PUNCT punct 1 .
        """
    )
    assert _subjects(span).get("lowers") is None


def test_a_phrase_torn_at_a_noun_the_parser_read_as_a_verb_is_not_asked() -> None:
    # "... with severe disease and receptor antibodies even when ...": "antibodies" tagged
    # as the main verb, so the phrase ends at "receptor" ("What is offered to patients
    # with severe disease and receptor?")
    span = _parsed(
        """
        Surgery NN NOUN nsubjpass 2 surgery
        is VBZ AUX auxpass 2 be
        offered VBN VERB advcl 9 offer
        to IN ADP dative 2 to
        patients NNS NOUN pobj 3 patient
        with IN ADP prep 2 with
        disease NN NOUN pobj 5 disease
        and CC CCONJ cc 6 and
        receptor NN NOUN conj 6 receptor
        antibodies VBZ VERB ROOT 9 antibodies
        . . PUNCT punct 9 .
        """
    )
    sentence = _sentence_of(span)
    card = _basic(sentence, "What is offered to patients with disease and receptor?", "Surgery")
    assert "torn" in (wellformed.problem(card) or "")
    whole = replace(card, front="What is offered to patients with receptor antibodies?")
    assert wellformed.problem(whole) is None


def test_a_clauses_whereas_read_into_a_subject_is_garbled() -> None:
    text = "An embolus causes a sudden onset, whereas thrombosis in situ causes a slow onset."
    sentence = _sentence(text)
    for front, back in (
        ("What does whereas thrombosis in situ cause?", "A slow onset"),
        ("In which situ does a slow onset arise?", "Whereas thrombosis in situ"),
    ):
        card = _basic(sentence, front, back)
        assert wellformed.problem(card) is not None, front


def test_a_relative_clause_cut_before_its_verb_is_left_out_of_an_answer() -> None:
    # "a disease of the junction in which antibodies against the receptor (...) reduce
    # ...": the parser tags "antibodies" as the relative clause's verb, so the answer
    # "a disease of the junction in which antibodies against the receptor" says nothing
    span = _parsed(
        """
        It PRP PRON nsubj 1 it
        is VBZ AUX ROOT 1 be
        a DT DET det 3 a
        disease NN NOUN attr 1 disease
        of IN ADP prep 3 of
        the DT DET det 6 the
        junction NN NOUN pobj 4 junction
        in IN ADP prep 9 in
        which WDT PRON pobj 7 which
        antibodies VBZ VERB relcl 6 antibodies
        against IN ADP prep 9 against
        the DT DET det 12 the
        receptor NN NOUN pobj 10 receptor
        . . PUNCT punct 1 .
        """
    )
    sentence = _sentence_of(span)
    answer = "a disease of the junction in which antibodies against the receptor"
    assert wellformed.relative_without_verb(answer, sentence)
    assert not wellformed.relative_without_verb("a disease of the junction", sentence)


def test_between_answered_with_one_thing_is_not_asked() -> None:
    # "choose between A, B and C" with B and C hung elsewhere: "What do the surgeons choose
    # between?" "A" teaches that there is one option
    text = "The surgeons choose between embolectomy, bypass surgery and thrombolysis."
    sentence = _sentence(text)
    front = "What do the surgeons choose between?"
    one = _basic(sentence, front, "Embolectomy")
    assert "between" in (wellformed.problem(one) or "")
    every = "Embolectomy, bypass surgery and thrombolysis"
    whole = replace(one, answers=(every,), back=every)
    assert wellformed.problem(whole) is None


def test_it_after_a_semicolon_is_the_clause_befores_subject() -> None:
    # "a blister appears on the heel; it feels hot to the touch": the parser makes the
    # first clause part of the second, so "it" looked like the sentence's opening "it"
    # (the page's topic)
    span = _parsed(
        """
        A DT DET det 1 a
        blister NN NOUN nsubj 2 blister
        appears VBZ VERB ccomp 9 appear
        on IN ADP prep 2 on
        the DT DET det 5 the
        heel NN NOUN pobj 3 heel
        ; : PUNCT punct 9 ;
        it PRP PRON nsubj 9 it
        then RB ADV advmod 9 then
        feels VBZ VERB ROOT 9 feel
        hot JJ ADJ acomp 9 hot
        . . PUNCT punct 9 .
        """
    )
    assert _subjects(span)["feels"] == "A blister"


def test_an_infinitive_after_a_span_of_time_taken_is_no_purpose() -> None:
    # "Fractures take weeks to heal": what takes weeks is the healing; "Why do fractures
    # take weeks?" "To heal" asks a purpose the text does not state
    span = _parsed(
        """
        Fractures NNS NOUN nsubj 1 fracture
        take VBP VERB ROOT 1 take
        weeks NNS NOUN dobj 1 week
        to TO PART aux 4 to
        heal VB VERB advcl 1 heal
        fully RB ADV advmod 4 fully
        . . PUNCT punct 1 .
        """
    )
    sentence = _sentence_of(span)
    cards = propose(sentence, read(span, None, "Fractures"), Context(topic="Fractures"))
    assert not any(c.front.startswith("Why") for c in cards), [c.front for c in cards]
