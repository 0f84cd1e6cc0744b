"""Long textbook sentences read into facts that stay true and name what they are about.

Each test is a shape of sentence seen failing on unseen textbook prose (the fresh and the
blind sets), checked here on sentences of other topics, so that a fix is a rule of reading,
not a fit to one passage.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa
from spacy.tokens import Doc

from study.services.cardgen import gates
from study.services.cardgen.nlp import pipeline
from study.services.cardgen.reading import read


def _cards(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [qa(n) for n in generate_text(tmp_path, text, "notes.txt").deck.notes]


def _doc(rows: list[tuple[str, int, str, str, str]]) -> Doc:
    """A parse given by hand, (word, head, dep, pos, tag) per token, to pin a rule on the
    exact misparse the small model gave."""
    words, heads, deps, pos, tags = (list(column) for column in zip(*rows, strict=True))
    # the pipeline's vocabulary, so that words have their lower-case forms; the lemma of
    # a form of "be" is "be", of any other word the word itself
    lemmas = ["be" if w in ("is", "are", "was", "were") else w.lower() for w in words]
    return Doc(
        pipeline().vocab,
        words=words,
        heads=heads,
        deps=deps,
        pos=pos,
        tags=tags,
        lemmas=lemmas,
    )


def test_a_limit_no_later_than_does_not_negate_the_clause_it_was_hung_on() -> None:
    # "... within 1 to 2 hours (but no later than 4 hours) of the onset, and adults ... are
    # observed for 6 to 12 hours": the parser hung "no later" on "observed", which was then
    # asked as its opposite ("Why are adults not observed for 6 to 12 hours?")
    doc = _doc(
        [
            ("cultures", 2, "nsubjpass", "NOUN", "NNS"),
            ("are", 2, "auxpass", "AUX", "VBP"),
            ("taken", 2, "ROOT", "VERB", "VBN"),
            ("(", 2, "punct", "PUNCT", "-LRB-"),
            ("no", 5, "neg", "ADV", "RB"),
            ("later", 12, "advmod", "ADV", "RB"),
            ("than", 5, "prep", "ADP", "IN"),
            ("3", 8, "nummod", "NUM", "CD"),
            ("hours", 6, "pobj", "NOUN", "NNS"),
            (")", 5, "punct", "PUNCT", "-RRB-"),
            ("patients", 12, "nsubjpass", "NOUN", "NNS"),
            ("are", 12, "auxpass", "AUX", "VBP"),
            ("watched", 2, "conj", "VERB", "VBN"),
        ]
    )
    clauses = {c.verb.text: c for c in read(doc[:], None, None).clauses}
    assert not clauses["watched"].negated


def test_no_longer_still_negates_its_verb() -> None:
    # as en_core_web_sm parses it: "no" hangs on "longer", "longer" on the verb
    doc = _doc(
        [
            ("colchicine", 4, "nsubjpass", "NOUN", "NN"),
            ("is", 4, "auxpass", "AUX", "VBZ"),
            ("no", 3, "neg", "ADV", "RB"),
            ("longer", 4, "advmod", "ADV", "RBR"),
            ("recommended", 4, "ROOT", "VERB", "VBN"),
        ]
    )
    [clause] = read(doc[:], None, None).clauses
    assert clause.negated


def test_it_in_a_clause_with_its_own_condition_is_the_subject_of_the_first_clause(
    tmp_path: Path,
) -> None:
    # "X is classed as severe when A ..., B ... or C ..., and it is life-threatening when
    # ...": "it" was taken for the nearest subject, one of the first clause's conditions
    # ("When is the temperature life-threatening?")
    cards = _cards(
        tmp_path,
        "Pneumonia\n\nA pneumonia is classed as severe when the respiratory rate is above 30 "
        "per minute, the urea has risen above 7 mmol/L, the systolic pressure is below 90 mmHg "
        "or there is new confusion, and it is life-threatening when there is septic shock, "
        "multilobar consolidation, or respiratory failure.\n",
    )
    assert (
        "When is a pneumonia life-threatening?",
        "When there is septic shock, multilobar consolidation, or respiratory failure",
    ) in cards, cards
    assert not any("pressure life-threatening" in q for q, _ in cards), cards


def test_a_verb_coordinated_across_another_clause_has_the_subject_just_before_it() -> None:
    # "Controlled oxygen is given ..., and beta-2 agonists are ..., whereas nebulised
    # ipratropium ... is added only in ...": the parser coordinated "added" with "given"
    # and hung its subject on the clause between; the card asked "What is controlled
    # oxygen added in?"
    doc = _doc(
        [
            ("aspirin", 2, "nsubjpass", "NOUN", "NN"),
            ("is", 2, "auxpass", "AUX", "VBZ"),
            ("given", 2, "ROOT", "VERB", "VBN"),
            (",", 2, "punct", "PUNCT", ","),
            ("and", 2, "cc", "CCONJ", "CC"),
            ("statins", 7, "nsubjpass", "NOUN", "NNS"),
            ("are", 7, "auxpass", "AUX", "VBP"),
            ("continued", 2, "conj", "VERB", "VBN"),
            (",", 7, "punct", "PUNCT", ","),
            ("whereas", 11, "mark", "SCONJ", "IN"),
            ("sublingual", 11, "amod", "ADJ", "JJ"),
            ("nitrates", 7, "advcl", "NOUN", "NNS"),
            ("are", 13, "auxpass", "AUX", "VBP"),
            ("added", 2, "conj", "VERB", "VBN"),
            ("in", 13, "prep", "ADP", "IN"),
            ("pain", 14, "pobj", "NOUN", "NN"),
        ]
    )
    clauses = {c.verb.text: c for c in read(doc[:], None, None).clauses}
    added = clauses["added"].subject
    assert added is not None
    assert added.text == "sublingual nitrates"
    given = clauses["given"].subject
    assert given is not None
    assert given.text == "aspirin"


def test_their_stands_for_the_nearest_plural_subject(tmp_path: Path) -> None:
    # "..., although skin changes are absent in up to a fifth of reactions, and their
    # absence does not exclude anaphylaxis": asked "When does the absence of anaphylaxis
    # not exclude anaphylaxis?"
    cards = _cards(
        tmp_path,
        "Gout\n\nGout is an inflammatory arthritis caused by urate crystals, which is "
        "diagnosed when a hot swollen joint is accompanied by a raised serum urate, although "
        "urate crystals are absent from the fluid in up to a tenth of attacks, and their "
        "absence does not exclude gout if the other features are present.\n",
    )
    assert any("absence of urate crystals" in q for q, _ in cards), cards
    assert not any("absence of gout" in q for q, _ in cards), cards


def test_a_noun_cut_from_its_number_stays_in_the_prepositional_phrase() -> None:
    # "which is most common in type 1 diabetes": the parser ended the object at "1" and
    # hung "diabetes" on the verb, asked "What is X most common in type 1?" "Diabetes"
    doc = _doc(
        [
            ("retinopathy", 1, "nsubj", "NOUN", "NN"),
            ("is", 1, "ROOT", "AUX", "VBZ"),
            ("most", 3, "advmod", "ADV", "RBS"),
            ("common", 1, "acomp", "ADJ", "JJ"),
            ("in", 1, "prep", "ADP", "IN"),
            ("type", 4, "pobj", "NOUN", "NN"),
            ("1", 5, "nummod", "NUM", "CD"),
            ("diabetes", 1, "attr", "NOUN", "NNS"),
        ]
    )
    [clause] = read(doc[:], None, None).clauses
    parts = [(p.role, p.phrase.text) for p in clause.parts]
    assert ("prep", "type 1 diabetes") in parts
    assert not any(text == "diabetes" for _, text in parts)


def test_where_a_condition_is_most_common_is_asked(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "Hypoglycaemia\n\nHypoglycaemia, which is most common in type 1 diabetes but can "
        "also occur in type 2 diabetes, is treated with 15 to 20 g of fast-acting glucose.\n",
    )
    assert ("What is hypoglycaemia most common in?", "Type 1 diabetes") in cards, cards


def test_it_in_a_second_condition_names_the_subject_of_the_first_condition(
    tmp_path: Path,
) -> None:
    # "X is added when the serum potassium is A, but none is added when it is above B":
    # the excerpt said "none is added when Potassium chloride is [...]", the question
    # "when it is above ...?" with "it" unnamed
    cards = _cards(
        tmp_path,
        "Hyperkalaemia\n\nInsulin with glucose, 10 units in 50 mL of 50% glucose, is given "
        "when the serum potassium is between 6.0 and 6.4 mmol/L with ECG changes, but calcium "
        "gluconate is also given when it is above 6.5 mmol/L, and a potassium above 7.0 "
        "mmol/L needs urgent dialysis because the risk of arrhythmia is high.\n",
    )
    # asked once, by the cloze ("When is calcium gluconate also given?" "When the serum
    # potassium is above 6.5 mmol/L" asks the same: repeats.py leaves it out)
    assert (
        "Hyperkalaemia: calcium gluconate is also given when the serum potassium is [...].",
        "above 6.5 mmol/L",
    ) in cards, cards
    assert not any(" when it is" in f"{q} {a}" for q, a in cards), cards
    assert not any("when insulin with glucose is" in q.lower() for q, _ in cards), cards


def test_a_manner_after_a_preposition_is_not_asked_as_a_thing(tmp_path: Path) -> None:
    # "normal inflammatory markers make the diagnosis less likely without excluding it"
    # was asked "What do normal inflammatory markers make without?" "Excluding it"
    cards = _cards(
        tmp_path,
        "Cellulitis\n\nCellulitis is usually diagnosed clinically, although normal "
        "inflammatory markers make the diagnosis less likely without excluding it.\n",
    )
    assert not any(q.rstrip("?").endswith(" without") for q, _ in cards), cards
    # an "-ing" object of other prepositions is a thing, and still asked
    cards = _cards(
        tmp_path,
        "Hip pain\n\nHip pain can come from overusing the strongest hip muscles in the body.\n",
    )
    assert any("overusing" in a.lower() for _, a in cards), cards


def test_a_relative_clause_the_parser_misread_gives_no_question_with_which(
    tmp_path: Path,
) -> None:
    # "..., during which A and B are considered, and ...": "Giant cell arteritis: during,
    # what are considered?" "Which bone protection and a proton pump inhibitor"
    generation = generate_text(
        tmp_path,
        "Rheumatoid arthritis\n\nThe dose of hydroxychloroquine is tapered slowly over 12 to "
        "18 months, during which eye screening and a full blood count are considered, and "
        "sulfasalazine, a disease-modifying drug, is used for relapsing or refractory "
        "disease.\n",
        "notes.txt",
    )
    cards = [qa(n) for n in generation.deck.notes]
    assert not any(
        q.lower().startswith("which") or a.lower().startswith("which") or "during," in q
        for q, a in cards
    ), cards


def test_the_subject_of_a_verb_after_another_clause_the_parser_joined_is_its_own(
    tmp_path: Path,
) -> None:
    # "during which blood counts and liver tests are monitored, and folic acid is given
    # once weekly": "given" had both "counts" and "acid" as subjects
    cards = _cards(
        tmp_path,
        "Methotrexate\n\nThe dose of methotrexate is increased slowly over 6 to 8 weeks, "
        "during which blood counts and liver tests are monitored, and folic acid is given "
        "once weekly.\n",
    )
    assert ("Methotrexate: how often is folic acid given?", "Once weekly") in cards, cards
    assert not any("monitored, and" in f"{q} {a}" for q, a in cards if "[...]" not in q), cards


def test_a_subject_the_parser_took_for_a_list_item_is_left_out_of_an_excerpt() -> None:
    # "resolved when the ketones are below 0.6 mmol/L and the venous pH is above 7.3": the
    # parser made "pH" a second item of "mmol/L", and the excerpt ended "... [...] and the
    # venous pH."
    from study.services.cardgen.excerpts import _left_out

    doc = _doc(
        [
            ("urea", 1, "nsubj", "NOUN", "NN"),
            ("is", 1, "ROOT", "AUX", "VBZ"),
            ("below", 1, "prep", "ADP", "IN"),
            ("7", 4, "nummod", "NUM", "CD"),
            ("mmol/L", 2, "pobj", "NOUN", "NN"),
            ("and", 4, "cc", "CCONJ", "CC"),
            ("the", 8, "det", "DET", "DT"),
            ("venous", 8, "amod", "ADJ", "JJ"),
            ("pH", 4, "conj", "NOUN", "NN"),
            ("is", 1, "ccomp", "AUX", "VBZ"),
            ("above", 9, "prep", "ADP", "IN"),
            ("7.3", 10, "pobj", "NUM", "CD"),
        ]
    )
    assert _left_out(doc[8], doc[1], set())
    assert _left_out(doc[5], doc[1], set())
    listed = _doc(
        [
            ("urea", 1, "nsubj", "NOUN", "NN"),
            ("is", 1, "ROOT", "AUX", "VBZ"),
            ("below", 1, "prep", "ADP", "IN"),
            ("sodium", 2, "pobj", "NOUN", "NN"),
            ("and", 3, "cc", "CCONJ", "CC"),
            ("potassium", 3, "conj", "NOUN", "NN"),
        ]
    )
    assert not _left_out(listed[5], listed[1], set())
    assert not _left_out(listed[4], listed[1], set())


def test_a_long_sentence_is_not_shown_whole_to_delete_what_a_question_asks(
    tmp_path: Path,
) -> None:
    # Long textbook sentences gave 4 to 5 cards each, among them 60-word clozes deleting
    # one item a question of the same sentence already asks
    generation = generate_text(
        tmp_path,
        "Endometrial cancer\n\nRisk factors include obesity, diabetes and unopposed oestrogen, "
        "and the risk is also raised in women who have a first-degree relative with "
        "endometrial or colorectal cancer and in those with polycystic ovary syndrome, Lynch "
        "syndrome or some other inherited disorders of mismatch repair.\n",
        "notes.txt",
    )
    cards = [qa(n) for n in generation.deck.notes]
    assert (
        "Endometrial cancer: name 3 risk factors.",
        "Obesity; diabetes; unopposed oestrogen",
    ) in cards
    assert not any(q.count(" ") > 30 for q, _ in cards), cards
    assert any("whose every deletion a question" in line for line in generation.report_lines())


def test_a_definition_ends_before_its_relative_clause_even_with_a_comma() -> None:
    # "X is an acute inflammation of the pancreas which, in the United Kingdom, is caused
    # by ...": the answer was "An acute inflammation of the pancreas which, in the United
    # Kingdom, is"
    from study.services.cardgen.questions import _DEFINING

    attr = (
        "an acute inflammation of the gallbladder which, in the United Kingdom, is caused by "
        "a gallstone impacted in the cystic duct in about nine tenths of cases"
    )
    assert _DEFINING.split(attr)[0] == "an acute inflammation of the gallbladder"


def test_the_rest_is_not_an_answer() -> None:
    # "What do A, B and C account for?" "Most of the rest"
    from study.services.cardgen.gates import _answer_problem

    assert "vague" in (_answer_problem("Most of the rest") or "")
    assert "vague" in (_answer_problem("the others") or "")
    assert _answer_problem("Restless legs") is None


def test_a_participle_after_a_copula_continues_the_complement_s_participle(
    tmp_path: Path,
) -> None:
    # "The first treatment is intramuscular adrenaline, given into the thigh ..., and
    # repeated after 5 minutes if ...": asked "When does the first treatment repeat?"
    cards = _cards(
        tmp_path,
        "Status epilepticus\n\nThe first and most important treatment is buccal midazolam, "
        "given between the gum and the cheek at a dose of 10 mg in adults and in children over "
        "10 years, and repeated after 10 minutes if the seizure continues, whereas intravenous "
        "phenytoin is given only by experienced specialists, except in refractory seizures.\n",
    )
    assert not any("treatment repeat" in q for q, _ in cards), cards


def test_a_limit_after_an_agent_is_part_of_it(tmp_path: Path) -> None:
    # "the risk is also raised by age over 65, ...": "What raises the risk?" "Age"
    cards = _cards(
        tmp_path,
        "Gout\n\nGout is an arthritis caused by urate crystals, and the risk is also raised by "
        "age over 65, a recent stay in hospital and diuretics.\n",
    )
    assert not any(a == "Age" for _, a in cards), cards


def test_an_elliptical_so_are_clause_gives_no_question() -> None:
    # "The antibiotic that caused the infection is stopped if possible, and so are proton
    # pump inhibitors ...": the parser made "are" the root with the antibiotic as its
    # subject, asked "what are the antibiotic that caused the infection is stopped ...?"
    doc = _doc(
        [
            ("the", 1, "det", "DET", "DT"),
            ("antibiotic", 7, "nsubj", "NOUN", "NN"),
            ("that", 3, "nsubj", "PRON", "WDT"),
            ("caused", 1, "relcl", "VERB", "VBD"),
            ("is", 5, "auxpass", "AUX", "VBZ"),
            ("stopped", 3, "ccomp", "VERB", "VBN"),
            ("so", 7, "advmod", "ADV", "RB"),
            ("are", 7, "ROOT", "AUX", "VBP"),
            ("statins", 7, "attr", "NOUN", "NNS"),
        ]
    )
    assert "are" not in [c.verb.text for c in read(doc[:], None, None).clauses]


def test_in_which_case_is_the_condition_before_it(tmp_path: Path) -> None:
    # "..., unless the patient cannot swallow, in which case intravenous hydrocortisone is
    # used instead": "in which case" names no case; the condition before it is the case
    cards = _cards(
        tmp_path,
        "Adrenal crisis\n\nEvery patient should be given oral hydrocortisone, usually 20 mg "
        "three times daily, continued for at least 2 days, unless the patient is vomiting, in "
        "which case intramuscular hydrocortisone is used instead.\n",
    )
    assert (
        "Adrenal crisis: if the patient is vomiting, what is used?",
        "Intramuscular hydrocortisone",
    ) in cards, cards


def test_an_instruction_the_parser_hung_in_a_condition_is_not_part_of_it(
    tmp_path: Path,
) -> None:
    # "lie flat, unless breathing is difficult, in which case sitting up may help, and
    # should not stand or walk": the condition was "If breathing is difficult, and should
    # not stand or walk"
    cards = _cards(
        tmp_path,
        "Vasovagal syncope\n\nThe patient should lie flat with the legs raised, unless "
        "breathing is difficult, in which case sitting up may help, and should not stand or "
        "walk, because a sudden change of posture can cause another faint.\n",
    )
    assert not any("should not stand" in a for _, a in cards), cards
    assert ("Vasovagal syncope: if breathing is difficult, what may help?", "Sitting up") in cards


def test_a_remark_in_parentheses_is_read_in_the_clause_of_the_word_before_it() -> None:
    # "measured again within 1 to 2 hours (but no later than 4 hours) of the onset, and
    # adults ... are observed for 6 to 12 hours": the parser hung "no later than 4 hours"
    # on "observed", so both numbers were asked in one garbled excerpt, then dropped
    from study.services.cardgen.deps import parenthesised
    from study.services.cardgen.excerpts import clause_of

    doc = _doc(
        [
            ("lactate", 2, "nsubjpass", "NOUN", "NN"),
            ("is", 2, "auxpass", "AUX", "VBZ"),
            ("measured", 2, "ROOT", "VERB", "VBN"),
            ("within", 2, "prep", "ADP", "IN"),
            ("2", 5, "nummod", "NUM", "CD"),
            ("hours", 3, "pobj", "NOUN", "NNS"),
            ("(", 8, "punct", "PUNCT", "-LRB-"),
            ("no", 8, "neg", "ADV", "RB"),
            ("later", 16, "advmod", "ADV", "RB"),
            ("than", 8, "prep", "ADP", "IN"),
            ("4", 11, "nummod", "NUM", "CD"),
            ("hours", 9, "pobj", "NOUN", "NNS"),
            (")", 8, "punct", "PUNCT", "-RRB-"),
            (",", 2, "punct", "PUNCT", ","),
            ("patients", 16, "nsubjpass", "NOUN", "NNS"),
            ("are", 16, "auxpass", "AUX", "VBP"),
            ("observed", 2, "conj", "VERB", "VBN"),
            ("for", 16, "prep", "ADP", "IN"),
            ("12", 19, "nummod", "NUM", "CD"),
            ("hours", 17, "pobj", "NOUN", "NNS"),
        ]
    )
    aside = parenthesised(doc[:])
    assert clause_of(doc[10], aside).text == "measured"
    assert clause_of(doc[18], aside).text == "observed"


def test_a_pronoun_in_an_excerpt_is_never_named_by_a_subject_after_it() -> None:
    # "..., and the patient is isolated ... until they have been free of diarrhoea for 48
    # hours, ..., so hands are washed with soap and water": "they" was shown as "hands"
    from study.services.cardgen.excerpts import _named

    doc = _doc(
        [
            ("they", 1, "nsubj", "PRON", "PRP"),
            ("recover", 5, "advcl", "VERB", "VBP"),
            (",", 5, "punct", "PUNCT", ","),
            ("so", 5, "advmod", "ADV", "RB"),
            ("hands", 5, "nsubjpass", "NOUN", "NNS"),
            ("washed", 5, "ROOT", "VERB", "VBN"),
        ]
    )
    swaps: dict[int, str] = {}
    assert not _named(doc[:], {0, 1}, swaps, set())
    assert not swaps


def test_a_remark_on_a_leading_phrase_is_no_part_of_the_question(tmp_path: Path) -> None:
    # "Before discharge, which is considered when ..., what is checked?"
    cards = _cards(
        tmp_path,
        "Pneumonia\n\nBefore discharge, which is considered when the temperature has been "
        "normal for 24 hours, the inhaler technique is checked and a written action plan is "
        "agreed, and the patient is reviewed in primary care within 2 working days.\n",
    )
    assert ("Pneumonia: before discharge, what is checked?", "The inhaler technique") in cards
    assert not any("which is considered" in q for q, _ in cards if "[...]" not in q), cards


def test_what_is_given_or_needed_is_asked_with_the_condition_it_is_given_in(
    tmp_path: Path,
) -> None:
    # "Why are prophylactic antibiotics not given?", "What does analgesia usually need?":
    # given in what? The page's topic says
    cards = _cards(
        tmp_path,
        "Acute cholecystitis\n\nTreatment is supportive: analgesia usually needs opioids, and "
        "prophylactic antibiotics are not given, since they reduce neither infection nor "
        "mortality.\n",
    )
    questions = [q for q, _ in cards]
    assert "Acute cholecystitis: what does analgesia usually need?" in questions, cards
    assert "Acute cholecystitis: why are prophylactic antibiotics not given?" in questions, cards


def test_a_list_in_parentheses_after_a_plural_gives_examples_of_it(tmp_path: Path) -> None:
    # "skin or mucosal changes (urticaria, flushing or angioedema)" was asked "What is
    # skin or mucosal changes?"
    cards = _cards(
        tmp_path,
        "Hypersensitivity\n\nA reaction is graded as severe when skin changes (urticaria, "
        "flushing or angioedema) are accompanied by airway or circulation problems.\n",
    )
    assert not any(q.startswith("What is skin") for q, _ in cards), cards
    assert any(
        "example of skin changes" in q and a == "Urticaria, flushing or angioedema"
        for q, a in cards
    ), cards


def test_a_remark_after_a_comma_is_about_the_noun_an_adjective_describes(
    tmp_path: Path,
) -> None:
    # "pain typical of the condition, which often radiates to ...": the pain radiates,
    # not the condition the adjective's object names (blind set, acute pancreatitis)
    cards = _cards(
        tmp_path,
        "Angina\n\nThe main symptom is central chest pain typical of the condition, which "
        "often radiates to the left arm or the jaw.\n",
    )
    assert (
        "What does central chest pain typical of the condition often radiate to?",
        "The left arm or the jaw",
    ) in cards
    assert not [q for q, _ in cards if q.lower().startswith("what does the condition")]


def test_a_reason_after_a_second_instruction_is_that_instructions_not_the_firsts(
    tmp_path: Path,
) -> None:
    # "should lie flat ..., unless ..., and should not stand or walk, because a sudden
    # change of posture can cause collapse": why not stand, not why lie flat (blind set,
    # anaphylaxis); the parser hangs the second instruction on the "unless" condition
    cards = _cards(
        tmp_path,
        "Vasovagal syncope\n\nThe patient should lie down with the legs raised, unless they "
        "feel sick, and should not get up quickly, because standing too soon can bring the "
        "faint back.\n",
    )
    reasons = {q: a for q, a in cards if " why " in f" {q.lower()}"}
    assert reasons == {
        # "quickly" bounds the instruction (gen24): not "not get up" at all
        "Vasovagal syncope: why should the patient not get up quickly?": (
            "Because standing too soon can bring the faint back"
        )
    }


def test_a_word_of_the_titles_name_is_never_read_as_a_verb(tmp_path: Path) -> None:
    # the small model tags "difficile" a verb: "What do clostridioides difficile?" and
    # "what is infection?" (blind set); the page's title names one thing, kept whole
    cards = _cards(
        tmp_path,
        "Clostridioides difficile infection\n\nClostridioides difficile infection (CDI) is a "
        "diarrhoeal illness caused by a toxin-producing bacterium, and it is treated with "
        "oral vancomycin in most patients.\n",
    )
    assert ("What causes clostridioides difficile infection?", "A toxin-producing bacterium") in (
        cards
    )
    assert ("What does CDI stand for?", "Clostridioides difficile infection") in cards
    assert not [q for q, _ in cards if "what is infection" in q.lower() or "what do " in q.lower()]


def test_a_list_a_question_asks_is_not_asked_again_by_clozes_of_a_31_to_40_word_sentence(
    tmp_path: Path,
) -> None:
    # "What may the rhythm degenerate into?" and a whole-sentence cloze per item of the
    # same list (blind2, hyperkalaemia): the learner reads 37 words again for each item
    generation = generate_text(
        tmp_path,
        "Tension pneumothorax\n\nThe earliest sign is increasing breathlessness, followed by "
        "tachycardia and deviation of the trachea away from the affected side, and the "
        "circulation may then fail with hypotension, pulseless electrical activity or "
        "cardiac arrest.\n",
        "notes.txt",
    )
    cards = [qa(n) for n in generation.deck.notes]
    assert (
        "Tension pneumothorax: what may the circulation fail with?",
        "Hypotension, pulseless electrical activity or cardiac arrest",
    ) in cards
    assert not [n for n in generation.deck.notes if n.type == "cloze"]
    assert any(d.reason == gates.ASKED_BY_A_QUESTION for d in generation.drops)


def test_at_a_dose_asks_at_what_dose_not_where(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "Urate-lowering therapy with allopurinol is offered to people with recurrent flares, "
        "and it is started at a low dose and titrated to keep the serum urate below "
        "360 micromol/L.",
    )
    questions = [question for question, _ in cards]
    assert not any("where" in question.lower() for question in questions), questions
    asked = ("At what dose is urate-lowering therapy with allopurinol started?", "A low dose")
    assert asked in cards


def test_a_copula_after_a_modal_stays_in_the_question(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path, "In gout, the serum urate may be normal during an attack, so it is not a test."
    )
    questions = [question for question, _ in cards]
    assert not any("urate normal" in question for question in questions), questions
    assert any("may the serum urate be normal" in question for question in questions), questions


def test_with_caution_is_not_asked_as_a_thing(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "Gout is an inflammatory arthritis. For an acute flare, a non-steroidal "
        "anti-inflammatory drug, colchicine or a short course of oral corticosteroid is "
        "offered, chosen according to comorbidities, and colchicine should be used with "
        "caution in renal impairment.",
    )
    assert not any(answer.lower().startswith("caution") for _, answer in cards), cards
    assert any(answer == "Colchicine" and "caution" in question for question, answer in cards), (
        cards
    )


def test_conditions_too_long_for_one_answer_are_deleted_one_at_a_time(tmp_path: Path) -> None:
    # "Denosumab is used when A or when B, whereas calcitonin ...": "When is denosumab used?"
    # needed a 19-word answer and was dropped by the length gate, with nothing in its place;
    # the parser also hung the "whereas" clause on the last condition, so the reverse
    # question carried the rest of the sentence and was dropped as over 40 words
    generation = generate_text(
        tmp_path,
        "Hyponatraemia\n\nTolvaptan is used when the serum sodium does not rise despite "
        "restriction or when the patient cannot drink less at home, whereas "
        "hypertonic saline, which acts within hours, is reserved for severe symptoms, and "
        "diuretics are stopped in every patient.\n",
        "notes.txt",
    )
    texts = [n.text for n in generation.deck.notes if n.type == "cloze"]
    assert (
        "Hyponatraemia: tolvaptan is used when {{c1::the serum sodium does not rise despite "
        "restriction}} or when {{c2::the patient cannot drink less at home}}."
    ) in texts, texts
    cards = [qa(n) for n in generation.deck.notes]
    assert not any("whereas" in q for q, _ in cards if "[...]" not in q), cards


def test_a_list_too_long_for_one_answer_is_deleted_item_by_item(tmp_path: Path) -> None:
    # "it most often occurs in patients with A, B or C": "In which patients does X most
    # often occur?" needed a 17-word answer and was dropped, and nothing asked the list
    notes = generate_text(
        tmp_path,
        "Septic arthritis\n\nSeptic arthritis is an infection of a joint, usually of the knee, "
        "and it most often occurs in patients with a prosthetic joint, a previous episode of "
        "septic arthritis or a recent history of injecting drug use.\n",
        "notes.txt",
    ).deck.notes
    assert any(
        "patients with {{c1::a prosthetic joint}}, {{c2::a previous episode of septic "
        "arthritis}} or {{c3::a recent history of injecting drug use}}." in n.text
        for n in notes
    ), [n.text or n.front for n in notes]


def test_a_list_the_parse_split_inside_an_item_is_not_deleted_item_by_item(
    tmp_path: Path,
) -> None:
    # "a prosthetic knee or hip joint": the parser made "hip" an item, which would delete
    # "[hip] [joint, long-standing rheumatoid arthritis]"
    cards = _cards(
        tmp_path,
        "Septic arthritis\n\nSeptic arthritis is an infection of a joint, usually of the knee, "
        "and it most often occurs in patients with a prosthetic knee or hip joint, "
        "long-standing rheumatoid arthritis or a recent history of injecting drug use.\n",
    )
    assert not any(a == "hip" or a.startswith("joint,") for _, a in cards), cards


def test_a_whereas_clause_hung_inside_a_condition_is_not_part_of_it(tmp_path: Path) -> None:
    # the parser hung "whereas hypertonic saline ... is reserved ..., and ... are stopped"
    # on the last condition: the question "What is used when A or when B, whereas C is
    # reserved ..., and D are stopped ...?" carried the rest of the sentence (dropped)
    cards = _cards(
        tmp_path,
        "Hyponatraemia\n\nTolvaptan is used when the hyponatraemia does not respond to fluid "
        "restriction or when the liver function is too poor for one, whereas hypertonic "
        "saline, which acts within hours but loses its effect after 6 hours, is reserved for "
        "severe symptomatic hyponatraemia, and thiazide diuretics and desmopressin are stopped "
        "in every patient, since both lower the serum sodium further.\n",
    )
    assert (
        "What is used when the hyponatraemia does not respond to fluid restriction or when the "
        "liver function is too poor for one?",
        "Tolvaptan",
    ) in cards, cards


def test_a_list_in_a_sentence_too_long_for_one_cloze_is_deleted_in_its_own_clause(
    tmp_path: Path,
) -> None:
    # an 80-word sentence: the item-by-item cloze of "it presents with A, B and C" showed
    # the whole sentence, over the cloze limit, so no cloze asked the list; its own
    # clause, "it" named, is the card a short sentence saying just that would give
    notes = generate_text(
        tmp_path,
        "Ascending cholangitis\n\nAscending cholangitis is a potentially life-threatening "
        "bacterial infection that is caused by obstruction of the common bile duct, and it "
        "most often follows the impaction of a gallstone in the duct, such as after an "
        "episode of biliary colic or pancreatitis, although it can also follow a blocked "
        "stent; it usually develops within 48 hours of the obstruction, and it presents with "
        "fever, jaundice and right upper quadrant pain, which may be followed by confusion "
        "and hypotension in severe cases.\n",
        "notes.txt",
    ).deck.notes
    assert any(
        n.text == "Ascending cholangitis presents with {{c1::fever}}, {{c2::jaundice}} and "
        "{{c3::right upper quadrant pain}}."
        for n in notes
    ), [n.text or n.front for n in notes]


def test_an_and_it_clause_the_parser_hung_on_the_verb_after_a_semicolon_is_asked(
    tmp_path: Path,
) -> None:
    # "X is A, and it presents with B; it is more common in C": the parser made "it
    # presents with B" a complement of "is" after the ";", a clause nobody read, so the
    # presentation had no card
    cards = _cards(
        tmp_path,
        "Acute cholecystitis\n\nAcute cholecystitis is an inflammation of the gallbladder that "
        "is caused by a gallstone in the cystic duct, and it typically presents with right "
        "upper quadrant pain and fever; it is more common in women.\n",
    )
    assert (
        "What does acute cholecystitis typically present with?",
        "Right upper quadrant pain and fever",
    ) in cards, cards


def test_a_number_in_a_relative_clause_restricting_a_subject_is_deleted_in_that_subjects_clause(
    tmp_path: Path,
) -> None:
    # "...; and patients whose temperature rises above 40 °C are cooled ...": the number's
    # clause was "whose temperature rises above 40", which names no one alone, so the
    # cloze showed the whole 57-word sentence; the clause of "patients" shows the fact
    notes = generate_text(
        tmp_path,
        "Malignant hyperthermia\n\nDantrolene, which is a muscle relaxant, is given "
        "intravenously at a dose of 2.5 mg/kg in every case; the volatile anaesthetic may be "
        "replaced by an intravenous one when surgery must go on, but it should be stopped at "
        "once otherwise; and patients whose temperature rises above 40 °C are cooled with "
        "ice packs in the intensive care unit.\n",
        "notes.txt",
    ).deck.notes
    assert any(
        n.text == "Malignant hyperthermia: patients whose temperature rises {{c1::above 40}} °C "
        "are cooled with ice packs in the intensive care unit."
        for n in notes
    ), [n.text or n.front for n in notes]


def test_in_patients_with_a_or_with_b_asks_both_kinds_of_patient(tmp_path: Path) -> None:
    # the parser coordinates "or with B" with "in patients", and the answer was "Patients
    # with A": a contraindication cut in half
    cards = _cards(
        tmp_path,
        "Acute chest pain\n\nBeta-blockers should be avoided in patients with asthma or with "
        "suspected cocaine toxicity.\n",
    )
    answers = [a for q, a in cards if "which patients" in q]
    assert answers == ["Patients with asthma or with suspected cocaine toxicity"], cards


def test_the_name_of_a_leading_it_is_not_put_over_the_start_of_a_later_clause(
    tmp_path: Path,
) -> None:
    # the sentence's "It" is named "Hypokalaemia"; an excerpt of its last clause began
    # "An infusion ...", and its first two letters were replaced: "Hypokalaemia infusion"
    texts = [
        n.text
        for n in generate_text(
            tmp_path,
            "Hypokalaemia\n\nIt is usually caused by diuretics or by vomiting and diarrhoea, "
            "which lose potassium from the body, and it is classed as severe when the potassium "
            "is below 2.5 mmol/L, whereas an infusion of potassium chloride should not run "
            "faster than 10 mmol per hour through a peripheral line.\n",
            "notes.txt",
        ).deck.notes
    ]
    assert (
        "Hypokalaemia: an infusion of potassium chloride should not run faster than "
        "{{c1::10 mmol per hour}} through a peripheral line." in texts
    ), texts


def test_a_number_in_a_relative_clause_about_patients_is_deleted_with_whom_it_is_about(
    tmp_path: Path,
) -> None:
    # "arranged in pregnant women and in patients who do not improve within 72 hours": the
    # excerpt stated the relative clause of its antecedent, "patients do not improve
    # [within 72 hours]", untrue of patients in general
    texts = [
        n.text
        for n in generate_text(
            tmp_path,
            "Acute cholecystitis\n\nPatients who are septic are admitted for intravenous "
            "antibiotics, such as co-amoxiclav, which is given three times daily; an ultrasound "
            "is arranged urgently in pregnant women and in patients who do not improve within 72 "
            "hours, because a gallbladder empyema needs drainage.\n",
            "notes.txt",
        ).deck.notes
    ]
    assert (
        "Acute cholecystitis: an ultrasound is arranged urgently in pregnant women and in "
        "patients who do not improve {{c1::within 72 hours}}." in texts
    ), texts
    assert not any("patients do not improve" in t for t in texts), texts


def test_a_passive_clause_the_parser_hung_on_the_verb_after_a_semicolon_is_left_out_of_its_excerpt(
    tmp_path: Path,
) -> None:
    # "A is given ...; the glucose must be rechecked after 15 minutes": the parser made A's
    # clause a complement of "rechecked", and the excerpt began mid-way through it
    # ("glucagon 1 mg may be given ...; the capillary glucose must be rechecked ...")
    texts = [
        n.text
        for n in generate_text(
            tmp_path,
            "Hypoglycaemia\n\nGlucose is given intravenously as 150 mL of 10% glucose over 15 "
            "minutes when the patient is unconscious, and glucagon 1 mg may be given "
            "intramuscularly if there is no intravenous access; the capillary glucose must be "
            "rechecked after 15 minutes, since a second dose may be needed.\n",
            "notes.txt",
        ).deck.notes
    ]
    assert (
        "Hypoglycaemia: the capillary glucose must be rechecked after {{c1::15 minutes}}." in texts
    ), texts


def test_in_a_and_in_b_patients_asks_both_groups(tmp_path: Path) -> None:
    # "in pregnant women and in patients who do not improve": the parser coordinates the
    # second "in" with the first, and the answer was "Pregnant women" alone
    cards = _cards(
        tmp_path,
        "Acute cholecystitis\n\nAn ultrasound is arranged urgently in pregnant women and in "
        "patients who do not improve within 72 hours.\n",
    )
    answers = [a for q, a in cards if "which patients" in q]
    assert answers == ["Pregnant women and patients who do not improve within 72 hours"], cards
