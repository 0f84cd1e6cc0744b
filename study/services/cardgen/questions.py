"""Questions from clauses: each part of a clause asked on a card that names its subject.

A clause "The Glasgow-Blatchford score is calculated from A, B and C" gives "What is the
Glasgow-Blatchford score calculated from?"; a passive with its agent is asked actively
("What can trigger DKA?"); a definite complement is asked in reverse ("What is the most
common trigger of DKA?" "Infection"); a condition the clause states ("In AF, ...",
"... when the ECG shows changes") stays in the question.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from study.services.cardgen.asking import (
    kept_parts,
    lead_of,
    make_card,
    others_of,
    specific,
    subject_text,
    verb_group,
)
from study.services.cardgen.candidates import Candidate, Context
from study.services.cardgen.conditions import condition_cloze, item_cloze
from study.services.cardgen.deps import (
    ACTION_NOUN_ENDINGS,
    NAMING_VERBS,
    TIME_UNITS,
    coordinated_twins,
    list_past_a_relative,
    own_subject,
)
from study.services.cardgen.parts import Part
from study.services.cardgen.phrases import Phrase
from study.services.cardgen.reading import Clause, Reading
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import (
    content_words,
    strip_article,
    word_list,
    zipf,
)
from study.services.cardgen.topics import capitalise
from study.services.cardgen.voice import (
    RELATING_PHRASAL,
    ask_agent,
    chosen_card,
    is_definite,
    is_relation,
    people_card,
    people_of,
    reversed_card,
)
from study.services.cardgen.wellformed import relative_without_verb

if TYPE_CHECKING:
    from spacy.tokens import Token

_LOCATIVE = frozenset(["occur", "happen", "develop", "arise", "appear", "start", "begin", "form"])
# What "at" gives when its object is one of these: an amount, not a place ("at a low dose").
_MEASURES = frozenset(["dose", "doses", "rate", "level", "concentration", "temperature", "speed"])
_LIST_SUBJECTS = ("risk", "symptom", "sign", "cause", "type", "complication", "feature")
# How common an adjective is, at least, for "-ly" on it to make an adverb ("insidious"
# 3.2) rather than a noun ending so ("supply": "supp" 2.9).
_ADJECTIVE_ZIPF = 3.0
# Units of length: "lodges a few centimetres beyond the origin" says how far, not what.
_DISTANCES = frozenset(
    [
        "cm",
        "mm",
        "m",
        "km",
        "centimetre",
        "centimeter",
        "millimetre",
        "millimeter",
        "metre",
        "meter",
        "kilometre",
        "kilometer",
        "inch",
        "foot",
        "feet",
        "mile",
        "yard",
    ]
)
# Prepositions a distance measures along ("a few centimetres beyond", "2 cm below").
_ALONG = frozenset(["beyond", "above", "below", "from", "past", "behind", "under", "into"])
# Prepositions whose object is a time or amount: asked by the number cloze instead.
_TIME_PREPOSITIONS = frozenset(["within", "for", "after", "during", "over", "until", "per"])


def clause_cards(
    sentence: Sentence, reading: Reading, context: Context
) -> list[tuple[Clause, list[Candidate]]]:
    """The questions each clause of ``reading`` gives."""
    return [(c, _clause_cards(sentence, c, context)) for c in reading.clauses]


def _clause_cards(sentence: Sentence, clause: Clause, context: Context) -> list[Candidate]:
    found: list[Candidate] = []
    assert clause.subject is not None
    parts = clause.parts
    # "What does metformin not cause?" has no one answer: a cloze asks a negated fact;
    # its conditions and reasons are still asked ("When should X not be given?"). "X is
    # also known as Y" is asked as another name, both ways.
    naming = _naming(clause)
    # "the patient lies flat on their back", "patients are kept nil by mouth": how
    posture = _posture_card(sentence, clause, context)
    main = None if clause.negated or naming or posture else _main_part(clause)
    caused = definition_cause(sentence, clause, context)
    if caused is not None:
        found.append(caused)
    if main is not None:
        card = _ask(sentence, clause, main, context)
        if card is not None:
            found.append(card)
        reverse = reversed_card(sentence, clause, main, context)
        if reverse is not None:
            found.append(reverse)
    found += [posture] if posture else []
    chosen = people_card(sentence, clause, context) or chosen_card(sentence, clause, context)
    found += [chosen] if chosen else []
    if (
        main is None
        # "If breathing is difficult, sitting up may help": what may help
        and (clause.passive or (not clause.parts and not clause.copula))
        and clause.lead is not None
        and not clause.resolved
        and not clause.negated
    ):
        # "During the procedure, the lamina is removed": what is removed
        assert clause.subject is not None
        before, after = verb_group(clause)
        front = f"{lead_of(clause)}What {before} {after}?"
        found.append(make_card("subject", sentence, context, front, clause.subject.text, clause))
    for part in parts:
        if part.role in ("dobj", "prep", "attr"):
            # a list too long for one answer: one deletion per item, all in view
            listed = item_cloze(sentence, part, context)
            found += [listed] if listed else []
        if naming and part.role == "when":
            continue  # "known as podagra when it affects the big toe": the name's condition
        if part.role == "often":
            card = _ask(sentence, clause, part, context)
            found += [card] if card else []
            continue
        if part.role == "infinitive" and _result_infinitive(clause, part):
            continue  # "the spots fill with fluid to become blisters": what happens next
        if (
            part.role == "infinitive"
            and clause.verb.lemma_ in _TAKING_AN_INFINITIVE
            and not any(c.dep_ in ("dobj", "npadvmod") for c in clause.verb.children)
        ):
            # "the dose may need to be reduced": what is needed, no purpose ("Why may the
            # dose need?"); a negated one is left to the cloze. With an object the
            # infinitive is a purpose again ("need a biopsy to find the cause")
            if not clause.negated:
                card = _ask(sentence, clause, replace(part, role="wanted"), context)
                found += [card] if card else []
            continue
        if part.role == "infinitive" and part.phrase.text.lower().startswith("to "):
            # "taken with meals to reduce its gastrointestinal effects": why
            card = _ask(sentence, clause, Part("why", part.phrase, "to"), context)
            found += [card] if card else []
            continue
        if part.role in ("when", "why", "how") and len(part.phrase.text.split()) >= 3:
            card = _ask(sentence, clause, part, context)
            if card is not None:
                found.append(card)
            if part.role == "when":
                # conditions too long for one answer: one deletion each, all in view
                listed = condition_cloze(sentence, part, context)
                found += [listed] if listed else []
            if part.role == "when" and main is None:
                reverse = reversed_card(sentence, clause, part, context)
                found += [reverse] if reverse else []
    if chosen is not None:
        # "what is given ..." asked with all its circumstances: not again with fewer
        found = [c for c in found if c is chosen or c.back.lower() != chosen.back.lower()]
    return found


def _naming(clause: Clause) -> bool:
    """Whether the clause gives another name ("known as", "called X", "referred to as"):
    a naming verb with a name after it; "referred to an eye unit" sends, it names nothing."""
    verb = clause.verb
    if verb.lemma_ not in NAMING_VERBS or verb.tag_ != "VBN":
        return False
    near = [*verb.children, *(g for c in verb.children for g in c.children)]
    return any(t.dep_ in ("oprd", "attr") or t.lower_ == "as" for t in near)


def _main_part(clause: Clause) -> Part | None:
    """The part that states the clause's fact: the agent of a passive, the object, the
    complement, what an infinitive aims at, else the first prepositional phrase."""
    relative = next((p for p in clause.parts if p.role == "prep" and p.relative), None)
    if relative is not None and clause.copula:
        # "postrenal causes, in which the outflow is obstructed": in which causes; not
        # when what the clause says runs into a list the parser hung on it
        complements = [p for p in clause.parts if p.role in ("attr", "acomp")]
        return None if any("," in p.phrase.text for p in complements) else relative
    by_role: dict[str, Part] = {}
    for part in clause.parts:
        by_role.setdefault(part.role, part)
    for role in ("agent", "dobj", "attr", "xcomp", "action"):
        if role in by_role:
            return by_role[role]
    if any(c.dep_ == "acomp" for c in clause.verb.children) and not clause.copula:
        return None  # "has grown worse in recent years": the change is the fact
    for part in clause.parts:
        if part.role != "prep":
            continue
        if part.word in ("after", "before", "during") and not _numeric(part):
            # "are stopped straight after the birth": when
            said = Phrase(f"{part.word} {part.phrase.text}", tokens=part.phrase.tokens)
            return Part("when", said, part.word)
        if clause.copula and _temporal(part.phrase.text):
            said = Phrase(f"{part.word} {part.phrase.text}", tokens=part.phrase.tokens)
            return Part("when", said, part.word)  # "most common in the winter months"
        if (
            clause.copula
            and part.word == "in"
            and _superlative(clause)
            and not _possessed(clause)  # "its sensitivity is highest in ...": whose, guessed
            and not _numeric(part)
        ):
            return part  # "is most common in type 1 diabetes": in what
        if clause.copula and not part.people:
            break  # "stroke was in second place": the number cloze asks it
        if (clause.verb.lemma_, part.word) in RELATING_PHRASAL:
            return part  # "accounts for most cases": what it relates to
        if part.word not in _TIME_PREPOSITIONS and not _numeric(part):
            return part
        if (
            part.word == "for"
            and not _numeric(part)
            and not _temporal(part.phrase.text)
            and not _time_unit_head(clause, part)
            # "for A, for B and for C" the parser split: one of them is not the answer
            and sum(p.word == "for" for p in clause.parts) == 1
        ):
            return part  # "considered for heart failure": what it is for, not how long
    return None


# Verbs whose complement is a state the subject is in or comes to, not how it acts.
_LINKING = frozenset(["get", "become", "grow", "turn", "seem", "appear", "remain", "stay", "feel"])


# Verbs of how people are placed or kept: a passive's complement says how.
_PLACING = frozenset(["keep", "nurse", "position", "place", "hold", "lay", "sit", "prop"])


def _posture_card(sentence: Sentence, clause: Clause, context: Context) -> Candidate | None:
    """How people hold themselves or move: an active verb's complement after a subject that
    names people ("If the transfer will be delayed, the patient lies flat on their back"
    gives "..., how does the patient lie?" "Flat on their back"), the topic named."""
    verb = clause.verb
    own = "oprd" if clause.passive else "acomp"  # "nursed upright", "lies flat"
    complement = next((c for c in verb.children if c.dep_ == own), None)
    if (
        complement is None
        # "most children get better at home": a change, not how they hold themselves
        or complement.tag_ in ("JJR", "RBR")
        or verb.lemma_ in _LINKING
        # "considered eligible" judges; "kept nil by mouth", "nursed upright" place
        or (clause.passive and verb.lemma_ not in _PLACING)
        or clause.copula
        or clause.negated
        or clause.resolved
        or people_of(clause) is None
    ):
        return None
    after_it = [
        p
        for p in clause.parts
        if p.role in ("prep", "agent") and p.phrase.tokens and min(p.phrase.tokens) > complement.i
    ]
    end = max([complement.i, *(i for p in after_it for i in p.phrase.tokens)], default=complement.i)
    answer = verb.doc[complement.left_edge.i : end + 1].text
    asked = Part("how", Phrase(answer))
    kept = [p for p in clause.parts if p.role != own and p not in after_it]
    others = others_of(replace(clause, parts=kept), asked)
    before, after = verb_group(clause)
    front = f"{lead_of(clause)}How {before} {subject_text(clause)} {after} {others}?"
    return make_card("manner", sentence, context, front, answer, clause, name_topic=True)


def _action_preposition(clause: Clause, part: Part) -> Part | None:
    """The prepositional part right after an object that names an action ("referral" in
    "prompt referral to the nephrology team"), which the parser hung on the verb."""
    if not part.phrase.tokens or part.phrase.items:
        return None
    last = clause.verb.doc[max(part.phrase.tokens)]
    if not last.lower_.endswith(ACTION_NOUN_ENDINGS) or last.tag_ != "NN":
        return None
    return next(
        (
            p
            for p in clause.parts
            if p.role == "prep"
            and p.phrase.tokens
            and min(p.phrase.tokens) == last.i + 2
            and last.doc[last.i + 1].head == clause.verb
        ),
        None,
    )


# Verbs whose infinitive is their object ("need to stay away", "try to sleep"), never why.
_TAKING_AN_INFINITIVE = frozenset(
    ["need", "want", "try", "aim", "seek", "wish", "fail", "refuse", "hope", "plan", "decide"]
)


def _result_infinitive(clause: Clause, part: Part) -> bool:
    """Whether an infinitive links its subject to a noun it turns into ("fill with fluid
    to become blisters"): a verb other than "be" with a noun complement and no object
    states a result, never a purpose ("Why do the spots fill with fluid?")."""
    doc = clause.verb.doc
    heads = [doc[i] for i in part.phrase.tokens if doc[i].head.i not in part.phrase.tokens]
    return any(
        h.pos_ in ("VERB", "AUX")
        and h.lemma_ != "be"
        and any(c.dep_ == "attr" for c in h.children)
        and not any(c.dep_ == "dobj" for c in h.children)
        for h in heads
    )


def _swallows_a_clause(clause: Clause, part: Part) -> bool:
    """Whether the phrase of ``part`` holds an adverb the parser coordinated with a noun
    ("in people who weigh less than 70 kg and twice daily in heavier people": the rest of
    the sentence, "and [it is given] twice daily ...", told short): no answer of one
    thing."""
    doc = clause.verb.doc
    return any(
        doc[i].dep_ == "conj" and doc[i].pos_ == "ADV" and doc[i].head.pos_ in ("NOUN", "PROPN")
        for i in part.phrase.tokens
    )


def _time_unit_head(clause: Clause, part: Part) -> bool:
    """Whether the phrase of ``part`` is headed by a unit of time ("the first week of
    treatment"): a time, never a place ("Where can acute pulmonary reactions occur?")."""
    doc = clause.verb.doc
    heads = [doc[i] for i in part.phrase.tokens if doc[i].head.i not in part.phrase.tokens]
    return any(h.lemma_.lower() in TIME_UNITS for h in heads)


def _time_it_takes(clause: Clause) -> bool:
    """Whether the clause's object is a span of time ("take weeks or months", "need six
    hours"): an infinitive after it is what the time is for, not a purpose."""
    return any(p.role == "dobj" and _time_unit_head(clause, p) for p in clause.parts) and not any(
        p.role == "dobj" and not _time_unit_head(clause, p) for p in clause.parts
    )


def _paired_times(clause: Clause) -> bool:
    """Whether two phrases of the clause on one preposition are headed by units of time
    ("12.5 mg once or twice on the first day, then 25 to 50 mg on the second day"): the
    parse cannot pair the times with their amounts, so no question of the clause is worded
    ("How often is clozapine increased on the first day on the second day?"); the number
    cloze asks them."""
    timed = [p.word for p in clause.parts if p.role == "prep" and _time_unit_head(clause, p)]
    return len(timed) != len(set(timed))


def _possessed(clause: Clause) -> bool:
    """Whether the clause's subject is "its ..." or "their ...", named by a guess."""
    own = own_subject(clause.verb)
    return own is not None and any(c.dep_ == "poss" for c in own.children)


def _superlative(clause: Clause) -> bool:
    """ "is most common", "is commonest", "is more frequent": a complement of degree."""
    return any(
        p.role == "acomp"
        and re.match(r"(?:most|more|less|least)\b|\w+est\b", p.phrase.text, re.IGNORECASE)
        for p in clause.parts
    )


_TEMPORAL = word_list("time-words")


def _how_object(clause: Clause, part: Part) -> str | None:
    """ "How" or "How far" when the object the parser found is a manner adverb it tagged
    a noun ("presents more insidiously": "-ly" on an adjective, no determiner) or a length
    before a preposition it measures along ("a few centimetres beyond the origin")."""
    head = _root_of(clause, part)
    if head is None or head.pos_ == "PROPN":
        return None
    if any(c.dep_ in ("det", "poss") for c in head.children):
        return None
    word = head.lower_
    stem = re.sub(r"i$", "y", word[:-2])
    if word.endswith("ly") and len(stem) >= 4 and zipf(stem) >= _ADJECTIVE_ZIPF:
        return "How"
    after = head.doc[head.right_edge.i + 1] if head.right_edge.i + 1 < len(head.doc) else None
    if (
        head.lemma_.lower() in _DISTANCES
        and after is not None
        and after.lower_ in _ALONG
        and after.head == clause.verb
    ):
        return "How far"
    return None


def _a_place(clause: Clause, part: Part) -> bool:
    """Whether the object of ``part`` is a place: a noun with its determiner ("in the
    small bowel", "on a stenosis"). A bare noun is a condition or a state ("occurs in
    thrombophilia, malignancy ...", "in diabetes"), asked "What does X occur in?"."""
    doc = clause.verb.doc
    heads = [doc[i] for i in part.phrase.tokens if doc[i].head.i not in part.phrase.tokens]
    nouns = [t for h in heads for t in h.children if t.dep_ == "pobj"] or heads
    return any(c.dep_ in ("det", "poss") for n in nouns for c in n.children)


def _temporal(text: str) -> bool:
    return any(w in _TEMPORAL for w in content_words(text))


def _numeric(part: Part) -> bool:
    """Whether the part is a quantity ("below 7.3", "30 seconds"): the number cloze asks it."""
    return bool(_QUANTITY.match(part.phrase.text))


_QUANTITY = re.compile(
    r"(?:about |over |under |below |above |at least )?(?:\d|(?:first|second|third|fourth|"
    r"fifth|sixth|seventh|eighth|ninth|tenth|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|twelve|a few|several)\b)",
    re.IGNORECASE,
)


def _ask(sentence: Sentence, clause: Clause, part: Part, context: Context) -> Candidate | None:
    """The card asking ``part`` of ``clause``; when its answer is the first item of a list
    the parser cut at a comma or a parenthesis, asked of the whole list, or doubted."""
    whole = _whole_coordination(clause, part)
    if whole is None:
        return None
    clause, part = whole
    torn = _torn_list(sentence, clause, part)
    end = _list_end(clause, part) if torn else None
    if end is not None:
        # "can progress to ileus, bowel obstruction and death, so ...": the whole list
        whole_list = clause.verb.doc[min(part.phrase.tokens) : end + 1].text
        if len(whole_list.split()) <= 16:
            asked = replace(part, phrase=replace(part.phrase, text=whole_list, items=()))
            parts = [asked if p is part else p for p in clause.parts]
            return _ask_part(sentence, replace(clause, parts=parts), asked, context)
    card = _ask_part(sentence, clause, part, context)
    if card is not None and torn:
        return replace(card, doubt=_TORN_LIST)
    return card


def _root_of(clause: Clause, part: Part) -> Token | None:
    """The token ``part`` hangs on its verb by: its preposition, or its object's noun."""
    for child in clause.verb.children:
        if not any(t.i in part.phrase.tokens for t in child.subtree):
            continue
        if part.role in ("prep", "agent") and child.lower_ == part.word:
            return child
        if part.role in ("dobj", "attr", "oprd") and child.i in part.phrase.tokens:
            return child
    return None


def _compared(clause: Clause, part: Part) -> str:
    """The comparative that opens ``part``'s object with no "than" after it ("makes more
    lipoproteins": "more"), or ""."""
    root = _root_of(clause, part)
    if root is None or any(t.lower_ == "than" for t in root.subtree):
        return ""
    first = root.left_edge
    if first.tag_ in ("JJR", "RBR") and first.head == root and first.lower_ in _COMPARATIVES:
        return first.lower_
    return ""


_COMPARATIVES = frozenset(["more", "less", "fewer"])


def _whole_coordination(clause: Clause, part: Part) -> tuple[Clause, Part] | None:
    """``part`` with the rest of its coordination, when the parser hung the later
    conjuncts apart ("treated with A ... and with B": "A and B"; "by A, by B or by C":
    "A, B or C"; "caused partly by A and partly by B": "Partly A and partly B"); the words
    between belong to the first ("need A, to below X, and B": no "to below X" in the
    question). None when the answer would run past 16 words, or when ``part`` is itself
    such a later conjunct (the first asks the whole)."""
    root = _root_of(clause, part)
    if root is None:
        return clause, part
    verb = clause.verb
    for other in clause.parts:
        first = _root_of(clause, other) if other.phrase.tokens != part.phrase.tokens else None
        if first is not None and first != root and root in coordinated_twins(first, verb):
            return None
    twins = coordinated_twins(root, verb)
    if not twins:
        return clause, part
    doc = verb.doc
    ahead = doc[root.i - 1] if root.i > 0 and doc[root.i - 1].dep_ == "advmod" else None
    said = [*([ahead.text] if ahead is not None else []), part.phrase.text]
    for twin in twins:
        second = next((c for c in twin.children if c.dep_ in ("pobj", "pcomp")), twin)
        joint = next(
            t for t in reversed(doc[: twin.left_edge.i]) if t.dep_ == "cc" or t.text == ","
        )
        focus = [t.text for t in twin.lefts if t.dep_ == "advmod"]
        text = doc[second.left_edge.i : second.right_edge.i + 1].text
        said.append(" ".join([joint.text, *focus, text]))
    whole = " ".join(said).replace(" , ", ", ")
    if len(whole.split()) > 16:
        return None
    twin = twins[-1]
    kept = [
        p
        for p in clause.parts
        if p is part
        or not p.phrase.tokens
        or not (
            max(part.phrase.tokens) < min(p.phrase.tokens)
            and min(p.phrase.tokens) <= twin.right_edge.i
        )
    ]
    phrase = replace(part.phrase, text=whole, items=())
    parts = [p if p is not part else replace(p, phrase=phrase) for p in kept]
    # "partly" now opens the answer, not the question
    adverbs = [a for a in clause.adverbs if a != ahead]
    return replace(clause, parts=parts, adverbs=adverbs), replace(part, phrase=phrase)


_TORN_LIST = (
    "misread list: the answer is the first item of a list, cut at the parenthesis or comma "
    "after it (the parser hangs the later items elsewhere)"
)

# What the later items of a list may be made of, before its "and"/"or".
_ITEM_WORDS = frozenset(["NOUN", "PROPN", "ADJ", "DET", "NUM"])


def _torn_list(sentence: Sentence, clause: Clause, part: Part) -> bool:
    """Whether ``part``'s phrase ends right before a parenthesis or a comma that more
    nouns and an "and"/"or" follow ("precipitated by infection (especially X), surgery or
    missed doses": not "Infection" alone; "defined by A (...), B (...) and C"; "acquired
    from A, B, contaminated C and D", the parser taking "contaminated" for a verb): the
    parser cut the list there, so the answer is one item given as the whole. A long remark
    is read apart from the sentence (``Sentence.asides``), so it may be gone from the parse."""
    if not part.phrase.tokens:
        return False
    doc = clause.verb.doc
    at = max(part.phrase.tokens) + 1
    aside = any(0 <= where - part.phrase.end <= 1 for where, _ in sentence.asides)
    if at >= len(doc) or not (doc[at].text in ("(", ",") or aside):
        return False
    if doc[at].text == "," and _list_cut_off(clause, part):
        return False  # the answer takes the rest of its list already
    items = 0
    depth = 0
    for token in doc[at:]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth > 0:
            continue
        elif token.lower_ in ("and", "or"):
            return items > 0 and not _clause_after(token)
        elif token.pos_ in _ITEM_WORDS or _participle_of_a_noun(token):
            items += 1
        elif token.text != ",":
            return False
    return False


def _list_end(clause: Clause, part: Part) -> int | None:
    """The last word of the list ``part`` begins, cut at a comma, when the list is plain
    nouns and ends with its "and"/"or" item and then the sentence or a clause joined after
    a comma ("ileus, bowel obstruction and death, so ..."); None when it may go on."""
    doc = clause.verb.doc
    at = max(part.phrase.tokens) + 1
    if doc[at].text != ",":
        return None
    joined = False
    last = None
    for token in doc[at:]:
        if token.pos_ in _ITEM_WORDS or _participle_of_a_noun(token):
            last = token.i
        elif token.lower_ in ("and", "or") and not joined:
            joined = True
        elif token.text == "," and not joined:
            continue
        else:
            ends = token.is_punct and (
                token.text != ","
                or token.i + 1 >= len(doc)
                or not (
                    doc[token.i + 1].pos_ in _ITEM_WORDS or doc[token.i + 1].lower_ in ("and", "or")
                )
            )
            return last if joined and ends and last is not None else None
    return last if joined else None


def _participle_of_a_noun(token: Token) -> bool:
    """Whether ``token`` is a participle right before the noun it describes ("contaminated
    water"), whatever the parser made of it."""
    doc = token.doc
    return (
        token.tag_ in ("VBN", "VBD", "VBG")
        and token.i + 1 < len(doc)
        and doc[token.i + 1].pos_ == "NOUN"
        and token.i > 0
        and doc[token.i - 1].text == ","
    )


def _clause_after(cc: Token) -> bool:
    """Whether the words after "and"/"or" are a clause's subject and verb ("..., regular
    paracetamol and an NSAID are added"): a new clause, not the list's last item."""
    doc = cc.doc
    at = cc.i + 2  # the word right after "and" is the item's, whatever its tag
    while at < len(doc) and doc[at].pos_ in _ITEM_WORDS:
        at += 1
    return at < len(doc) and doc[at].pos_ in ("VERB", "AUX")


def _ask_part(sentence: Sentence, clause: Clause, part: Part, context: Context) -> Candidate | None:
    """The card asking ``part`` of ``clause``."""
    taken = _action_preposition(clause, part) if part.role == "dobj" else None
    if taken is not None:
        # "prompt referral to the nephrology team": the referral's "to" is the answer's
        clause = replace(clause, parts=[p for p in clause.parts if p is not taken])
        said = f"{part.phrase.text} {taken.word} {taken.phrase.text}"
        part = replace(part, phrase=replace(part.phrase, text=said))
    subject = subject_text(clause)
    before, after = verb_group(clause)
    others = others_of(clause, part)
    lead = lead_of(clause)
    answer = part.phrase.text
    if not answer or _paired_times(clause) or _swallows_a_clause(clause, part):
        return None
    role = part.role
    if role in ("prep", "dobj"):
        # "in a patient with known adrenal insufficiency whose dose was not increased ...":
        # the parser detached the relative clause; without it the answer drops its condition
        answer += _relative_cut_off(clause, part)
    if role == "agent":
        return ask_agent(sentence, clause, part, context)
    if role == "attr" and clause.copula:
        if is_definite(part.phrase.text) or is_relation(part.phrase.text):
            return None  # asked in reverse: "What is the most common trigger?"
        if len(answer.split()) > 16 or relative_without_verb(answer, sentence):
            # "a complication of diabetes in which ...": the kind answers "What is X?"; the
            # whole definition stays in the reverse question (and a relative clause the
            # parse cut before its verb is left out: "a disease of the junction in which
            # antibodies against the receptor")
            answer = _DEFINING.split(answer)[0]
        joined_by = next(
            (
                p
                for p in clause.parts
                if p.role == "prep" and p.word == "with" and p.phrase.start > part.phrase.end
            ),
            None,
        )
        if joined_by is not None:
            # "Treatment is IVIG, 2 g/kg over 12 hours, with aspirin": the parser hung
            # "with aspirin" on "is"; the treatment is both
            answer = f"{answer} with {joined_by.phrase.text}"
            if len(answer.split()) > 16:
                return None
        front = f"{lead}What {before} {subject} {after} {others}?"
        card = make_card(
            "definition",
            sentence,
            context,
            front,
            answer,
            clause,
            name_topic=subject.lower().startswith("the "),
        )
        if card is not None and _list_past_a_relative(clause, part):
            return replace(card, doubt=_LIST_PAST_A_RELATIVE)
        return card
    answer = specific(answer, subject, context.topic)
    owned = re.match(r"(?P<owner>its|their)\s+(?P<rest>.+)$", answer, re.IGNORECASE)
    if owned and owned.group("owner").lower() == "their" and clause.plural:
        # "patients should shield their skin": the patients' own, which the question names
        # ("the skin of amiodarone" misread it)
        owned = None
    if owned and context.topic:
        rest = owned.group("rest")
        # "its level": of the topic, unless it says so already ("their risk of X")
        answer = (
            f"the {rest}"
            if context.topic.lower() in rest.lower()
            else f"the {rest} of {context.topic}"
        )
    items = part.phrase.items
    if (
        role == "dobj"
        and clause.verb.lemma_ == "include"
        and len(items) >= 3
        and subject.lower().startswith(_LIST_SUBJECTS)
    ):
        front = f"{lead}Name {len(items)} {subject}."
        texts = [i.text for i in items]
        return make_card(
            "list-whole",
            sentence,
            context,
            front,
            "; ".join(texts),
            clause,
            part,
            *texts,
            name_topic=True,
        )
    how = _how_object(clause, part) if role == "dobj" else None
    if how is not None:
        # "it presents more insidiously", "lodges a few centimetres beyond the origin": the
        # parser took a manner or a distance for the object ("What does it present?")
        front = f"{lead}{how} {before} {subject} {after} {others}?"
        return make_card("manner", sentence, context, front, capitalise(answer), clause, part)
    if role in ("dobj", "attr", "oprd"):
        front = f"{lead}What {before} {subject} {after} {others}?"
        compared = _compared(clause, part)
        if compared:
            # "the liver makes more lipoproteins": what it makes more of; "What does the
            # liver make?" "More lipoproteins" says it makes them at all
            front = f"{lead}What {before} {subject} {after} {compared} of {others}?"
            answer = capitalise(answer.split(" ", 1)[1])
        answer += _list_cut_off(clause, part)
        card = make_card("object", sentence, context, front, answer, clause, part)
        if _opens_with_preposition(clause, part) and not clause.copula:
            # "5 mg/kg is infused over 20 to 120 minutes": the parser took the duration
            # for the object; "What is 5 mg/kg infused?" "Over 20 to 120 minutes" misreads
            # it (the number cloze asks the duration)
            return replace(card, doubt=_PREPOSITION_OBJECT)
        return card
    if role == "wanted":
        front = f"{lead}What {before} {subject} {after} {others}?"
        return make_card("object", sentence, context, front, capitalise(answer), clause, part)
    if role == "xcomp":
        gerund = next(
            (
                c
                for c in clause.verb.children
                if c.dep_ == "xcomp" and c.text == part.word and c.tag_ == "VBG"
            ),
            None,
        )
        if gerund is not None:
            # "The rules advise doubling the usual dose during a fever": what they advise
            # is the doubling, with its condition ("What do the rules advise to doubling?"
            # garbled it)
            front = f"{lead}What {before} {subject} {after} {others}?"
            said = capitalise(gerund.doc[gerund.i : gerund.right_edge.i + 1].text)
            return make_card("object", sentence, context, front, said, clause, part)
        to = "" if clause.verb.lemma_ == "help" else "to "
        # "What is X thought to follow after a viral infection?": what the infinitive
        # does comes first ("thought after a viral infection to follow?" misread)
        front = f"{lead}What {before} {subject} {after} {to}{part.word} {others}?"
        return make_card("purpose", sentence, context, front, answer, clause, part)
    if role == "action":
        # "The patient is asked to lie flat": what people are told to do; a generic
        # subject says of what only with the topic
        front = f"{lead}What {before} {subject} {after} {others} to do?"
        return make_card(
            "action", sentence, context, front, capitalise(answer), clause, part, name_topic=True
        )
    if role == "prep":
        if part.word == "with" and strip_article(answer).lower().split()[:1] in (
            ["caution"],
            ["care"],
        ):
            # "used with caution in X" says how: "What is used with caution in X?" asks it
            return None
        if part.people:
            head = (
                "whom"
                if strip_article(answer).lower().startswith(("those", "anyone"))
                else "which patients"
            )
            front = f"{lead}{capitalise(part.word)} {head} {before} {subject} {after} {others}?"
        elif part.relative and part.word == "in":
            # "postrenal causes, in which the outflow of urine is obstructed": in which causes
            kind = answer.split()[-1]
            front = f"{lead}In which {kind} {before} {subject} {after} {others}?"
        elif (
            part.word in ("at", "on", "during", "in")
            and (_temporal(answer) or _time_unit_head(clause, part))
        ) or (part.word == "between" and re.match(r"(?:days?|weeks?|months?|years?) \d", answer)):
            # "given at presentation", "most common in the winter months": when
            front = f"{lead}When {before} {subject} {after} {others}?"
            answer = f"{part.word} {answer}"
        elif part.word == "at" and answer.split()[-1].lower() in _MEASURES:
            # "started at a low dose": at what dose, not where
            measure = answer.split()[-1].lower()
            front = f"{lead}At what {measure} {before} {subject} {after} {others}?"
        elif (
            part.word in ("at", "in", "on")
            and clause.verb.lemma_ in _LOCATIVE
            # "is started on insulin": what it is started on, not where
            and not clause.passive
            and _a_place(clause, part)
        ):
            front = f"{lead}Where {before} {subject} {after} {others}?"
        else:
            plain, conditions = kept_parts(clause, part)
            if any(kept.startswith(f"{part.word} ") for kept in plain):
                # "protected with lubricating drops by day and ointment with taping at
                # night": a second "with" kept beside the one asked ("What must the eye be
                # protected with taping at night with?") asks which of the two?
                return None
            said = " ".join([*plain, part.word, *conditions])
            front = f"{lead}What {before} {subject} {after} {said}?"
        # "In which patients do corneal microdeposits develop?" says of what only by its page
        return make_card(
            "preposition", sentence, context, front, answer, clause, part, name_topic=part.people
        )
    if role == "when":
        if part.word == "unless":
            # "X is given ..., unless the patient has had anaphylaxis": when X is not given
            if clause.negated:
                return None
            flipped = replace(clause, negated=True)
            before, after = verb_group(flipped)
            front = f"{lead}When {before} {subject} {after} {others}?"
            reason = re.sub(r"^unless\s+", "if ", answer, flags=re.I)
            return make_card("condition", sentence, context, front, reason, clause)
        if clause.copula and not any(p.role in ("attr", "acomp") for p in clause.parts):
            return None  # "When is the correlation?" says nothing
        front = f"{lead}When {before} {subject} {after} {others}?"
        return make_card("condition", sentence, context, front, answer, clause)
    if role == "often":
        front = f"{lead}How often {before} {subject} {after} {others}?"
        return make_card("frequency", sentence, context, front, answer, clause)
    if role == "how":
        wh = "What" if clause.copula else "How"  # "the key part is by doing X"
        front = f"{lead}{wh} {before} {subject} {after} {others}?"
        return make_card("manner", sentence, context, front, answer, clause)
    if role == "why" and part.word == "to" and _time_it_takes(clause):
        # "It can take weeks or months to resolve fully": the infinitive is what takes
        # the time, no purpose ("Why can delirium take weeks or months?")
        return None
    if role == "why" and part.word == "to":
        plain, conditions = kept_parts(clause, part)
        said = " ".join(
            [*plain, *(c for c in conditions if not c.lower().startswith(answer.lower()[:12]))]
        )
        front = f"{lead}Why {before} {subject} {after} {said}?"
        return make_card("purpose", sentence, context, front, capitalise(answer), clause)
    if role == "why" and clause.verb.lemma_ in NAMING_VERBS:
        named = [p.phrase.text.lower() for p in clause.parts if p.role in ("oprd", "attr")]
        if any(n in subject.lower() for n in named):
            return None  # "Why is mechanical pain called mechanical?" asks nothing
    if role == "why" and (
        (clause.copula and not others.strip()) or _after_a_relative(sentence.raw, answer)
    ):
        # "The classic features are the six Ps, of which A and B matter most, because they
        # mean ...": the reason is the relative clause's (A and B matter because ...), so
        # neither "why are the classic features?" nor "why are they the six Ps?"
        return None
    if role == "why":
        text = answer if answer.lower().startswith("because") else f"{part.word} {answer}"
        front = f"{lead}Why {before} {subject} {after} {others}?"
        if _explains_a_phrase_left_out(clause, part, front):
            return None
        reason = _after_mark(text)
        if part.word.lower() in answer.lower().split()[1:3]:
            # "largely because the diagnosis is late": the phrase has its mark after an
            # adverb of degree, which stays ("Because largely because ..." doubled it)
            reason = capitalise(answer)
        elif not reason.lower().startswith("because"):
            reason = f"Because {reason}"
        card = make_card("reason", sentence, context, front, reason, clause)
        return card
    return None


# ", of which A and B matter most, because": a relative clause set off by commas
_RELATIVE_BEFORE = re.compile(
    r",\s+(?:(?:of|in|for|with|to|by|from)\s+)?(?:which|whom|who|whose)\b[^,;()]*,"
    r"\s*(?:(?:because|since)\s+)?$",
    re.I,
)


def _explains_a_phrase_left_out(clause: Clause, reason: Part, front: str) -> bool:
    """Whether the reason after ``clause``'s verb follows, after a comma, a timing or a
    past participle the question leaves out ("is started within 2 weeks of X, since earlier
    treatment ..."; "is 50 mg, given slowly over 10 minutes, because rapid injection
    ..."): the reason is for when or how, so asked of the verb alone it explains the
    wrong thing."""
    if not reason.phrase.tokens:
        return False
    doc = clause.verb.doc
    first = min(reason.phrase.tokens)
    if first > 0 and doc[first - 1].lower_ == reason.word:
        first -= 1  # its "because"/"since"
    if first <= clause.verb.i + 1 or doc[first - 1].text != ",":
        return False
    asked = front.lower()
    chain = [doc[first - 2]]
    while chain[-1].head not in (chain[-1], clause.verb) and chain[-1].head.i > clause.verb.i:
        chain.append(chain[-1].head)
    top = chain[-1]
    said = next((c for c in top.children if c.dep_ == "pobj"), top)
    timing = top.dep_ == "prep" and top.lower_ in _TIMING and top.head == clause.verb
    return (timing and not _said_in(said, asked)) or any(
        t.dep_ in ("acl", "advcl")
        and t.tag_ == "VBN"
        and own_subject(t) is None
        and not any(c.dep_ == "mark" for c in t.children)
        and not _said_in(t, asked)
        for t in chain
    )


def _said_in(word: Token, text: str) -> bool:
    return re.search(rf"\b{re.escape(word.lower_)}\b", text) is not None


# Prepositions whose phrase says when or how soon.
_TIMING = frozenset(["within", "after", "before", "until", "over", "during", "by"])


def _after_a_relative(raw: str, reason: str) -> bool:
    """Whether ``reason`` follows right after a relative clause set off by commas in the
    sentence ``raw``: the parser hangs it on the main verb, but it gives the relative
    clause's reason."""
    at = raw.find(reason)
    if at < 0:
        at = raw.lower().find(reason.lower())
    return at > 0 and _RELATIVE_BEFORE.search(raw[:at]) is not None


def _relative_cut_off(clause: Clause, part: Part) -> str:
    """The relative clause right after ``part`` that the parser hung elsewhere (" whose
    dose was not increased during an illness"), or ""."""
    if not part.phrase.tokens:
        return ""
    doc = clause.verb.doc
    last = max(part.phrase.tokens)
    if last + 1 >= len(doc) or doc[last + 1].lower_ not in ("whose", "who", "that", "which"):
        return ""
    verb = doc[last + 1]
    while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
        verb = verb.head
    if (
        verb.pos_ not in ("VERB", "AUX")
        or verb.i <= last
        or verb == clause.verb
        or verb.dep_ == "relcl"  # hung where it belongs: the phrase chose to leave it out
        or verb.left_edge.i != last + 1
    ):
        return ""
    return " " + doc[last + 1 : verb.right_edge.i + 1].text


def _list_cut_off(clause: Clause, part: Part) -> str:
    """The rest of a list the parser cut from ``part`` and hung on a noun before it as an
    apposition ("which combine the blood culture results, the echocardiographic findings
    and minor clinical features": ", the echocardiographic findings and ..."), or ""."""
    if not part.phrase.tokens:
        return ""
    doc = clause.verb.doc
    last = max(part.phrase.tokens)
    if last + 2 >= len(doc) or doc[last + 1].text != ",":
        return ""
    for token in (doc[last + 2], *doc[last + 2].ancestors):
        if (
            token.dep_ == "appos"
            and token.left_edge.i == last + 2
            and token.head.i < min(part.phrase.tokens)
            and any(c.dep_ == "conj" for c in token.children)
        ):
            return ", " + doc[token.left_edge.i : token.right_edge.i + 1].text
    return ""


_LIST_PAST_A_RELATIVE = (
    "misread list: a plural subject's single complement with ', which ...' after it, and "
    "the list going on past the relative clause (the parser hangs the later items on it)"
)


def _list_past_a_relative(clause: Clause, part: Part) -> bool:
    """Whether ``part`` is the one noun a plural subject "is", with a list going on past a
    relative clause on it (``deps.list_past_a_relative``)."""
    if part.role != "attr" or not clause.copula or not clause.plural:
        return False
    doc = clause.verb.doc
    nouns = [
        doc[i]
        for i in part.phrase.tokens
        if doc[i].dep_ == "attr" and doc[i].head == clause.verb and doc[i].tag_ in ("NN", "NNP")
    ]
    return len(nouns) == 1 and list_past_a_relative(nouns[0]) is not None


_PREPOSITION_OBJECT = (
    "misread object: a 'what' question answered by a phrase that opens with a preposition "
    "(a duration or a place the parser took for the object)"
)


def _opens_with_preposition(clause: Clause, part: Part) -> bool:
    """Whether the words of ``part`` open with a preposition ("over 20 minutes")."""
    if not part.phrase.tokens:
        return False
    return clause.verb.doc[min(part.phrase.tokens)].pos_ == "ADP"


_DEFINING = re.compile(
    # "a weakness of the facial nerve for which no cause is found": the preposition too
    r",?\s(?:(?:in|for|of|by|from|with|through|to|at|on|during|after|into|under)\s+"
    r"(?:which|whom)|that|where|whereby|which|caused by|due to|resulting from|"
    r"characteri[sz]ed by)[\s,]"  # "an inflammation of the pancreas which, in the UK, is"
)
_CAUSED = re.compile(r"\s(?:caused by|due to|resulting from)\s(?P<cause>.+)$")


def definition_cause(sentence: Sentence, clause: Clause, context: Context) -> Candidate | None:
    """ "Gout is a form of arthritis caused by urate crystals": what causes gout."""
    if not clause.copula or clause.subject is None:
        return None
    for part in clause.parts:
        cause = _CAUSED.search(part.phrase.text) if part.role == "attr" else None
        if cause:
            front = f"What causes {subject_text(clause)}?"
            return make_card(
                "definition-cause", sentence, context, front, cause.group("cause"), clause
            )
    return None


def _after_mark(text: str) -> str:
    return re.sub(r"^(?:because|since|as)\s+(?!of\b)", "", text, flags=re.I)
