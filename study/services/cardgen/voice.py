"""Questions that turn a clause around: a passive asked actively ("What can trigger
DKA?"), and the subject asked from what the clause says of it ("What is the most common
trigger of DKA?" "Infection")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lemminflect import getInflection

from study.services.cardgen.asking import (
    MAX_CONTEXT_WORDS,
    kept_parts,
    lead_of,
    make_card,
    specific,
    subject_text,
    verb_group,
    verb_words,
)
from study.services.cardgen.candidates import Candidate, Context
from study.services.cardgen.deps import PEOPLE, bare_superlative
from study.services.cardgen.gates import GENERIC_NOUNS
from study.services.cardgen.parts import Part
from study.services.cardgen.phrases import Phrase
from study.services.cardgen.reading import Clause
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import (
    content_words,
    has_rare_word,
    named,
    strip_article,
    word_list,
)
from study.services.cardgen.topics import lower_first

if TYPE_CHECKING:
    from spacy.tokens import Token

# Verbs whose subject is worth asking from the object too ("What can cause major
# bleeding?" "Thrombolysis"): they relate two terms.
_RELATING = frozenset(
    [
        "cause",
        "trigger",
        "confirm",
        "replace",
        "reverse",
        "treat",
        "prevent",
        "identify",
        "precipitate",
        "inhibit",
        "block",
        "lower",
        "raise",
        "reduce",
        "increase",
        "induce",
        "diagnose",
        "predict",
        "produce",
        "release",
        "secrete",
        "activate",
        "stimulate",
    ]
)
_CAUSING = frozenset(["cause", "trigger", "precipitate"])
# What the things that cause, trigger or precipitate something are called.
_CAUSE_NOUNS = {"cause": "causes", "trigger": "triggers", "precipitate": "precipitants"}
# Verbs that relate two terms through a preposition ("X accounts for most cases").
RELATING_PHRASAL = frozenset(
    [("account", "for"), ("lead", "to"), ("contribute", "to"), ("result", "in")]
)
# Verbs whose "by" phrase is the means, not a doer: "recognised by the loss of the
# reflexes" is asked "How is ... recognised?", never "What recognises ...?".
_BY_MEANS = frozenset(
    ["recognise", "recognize", "detect", "assess", "measure", "monitor", "define", "estimate"]
)
# Verbs of a choice made under a condition ("HBPM is used when ABPM is not tolerated"):
# what is chosen then is the fact to ask.
_CHOSEN = frozenset(["use", "give", "offer", "prefer", "try", "start", "add", "consider"])


def ask_agent(sentence: Sentence, clause: Clause, part: Part, context: Context) -> Candidate | None:
    """A passive asked actively: "DKA can be triggered by A, B or C" gives "What can
    trigger DKA?"; a list of causes gives "Name 4 triggers of DKA."."""
    verb = clause.verb
    subject = subject_text(clause)
    modals = [a.text.lower() for a in clause.auxiliaries if a.tag_ == "MD"]
    negation = "not " if clause.negated else ""
    if modals:
        verb_text = f"{modals[0]} {negation}{verb.lemma_}"
    elif clause.negated:
        verb_text = f"does not {verb.lemma_}"
    else:
        tag = "VBD" if any(a.tag_ == "VBD" for a in clause.auxiliaries) else "VBZ"
        verb_text = (getInflection(verb.lemma_, tag) or (verb.lemma_ + "s",))[0]
    items = part.phrase.items
    lead = lead_of(clause)
    # an item with its examples ("sedative drugs such as A and B") is no item of the
    # parser's count: the examples after it were taken for items of their own
    examples = any(" such as " in f" {i.text} " for i in items)
    if len(items) >= 3 and verb.lemma_ in _CAUSING and not clause.negated and not examples:
        among = " (among others)" if "among other" in sentence.text.lower() else ""
        noun = _CAUSE_NOUNS.get(verb.lemma_, f"{verb.lemma_}s")
        front = f"{lead}Name {len(items)} {noun} of {subject}{among}."
        return make_card(
            "list-whole",
            sentence,
            context,
            front,
            "; ".join(i.text for i in items),
            clause,
            part,
            *[i.text for i in items],
        )
    given = _given_thing(clause)
    if _by_means(clause) or given is not None:
        # "given by mouth", "assessed by their fluid status": how, not who; "patients are
        # given doxycycline by mouth": how the patients are given doxycycline
        before, after = verb_group(clause)
        thing = f" {given}" if given else ""
        front = f"{lead}How {before} {subject} {after}{thing}?"
        return make_card("manner", sentence, context, front, f"by {part.phrase.text}", clause)
    # "in which transfusion is guided by X": the antecedent "in massive haemorrhage" stays
    where = [
        f"{p.word} {p.phrase.text}"
        for p in clause.parts
        if p.role == "prep" and p.relative and len(p.phrase.text.split()) <= MAX_CONTEXT_WORDS
    ]
    front = f"{lead}What {verb_text} {' '.join([subject, *where])}?"
    return make_card("agent", sentence, context, front, part.phrase.text, clause, part)


_UNITS = word_list("units")


def _given_thing(clause: Clause) -> str | None:
    """What a passive's subject receives ("Patients are given doxycycline 100 mg by
    mouth": "doxycycline"), the subject being who is given it; None when there is none or
    it is long."""
    thing = next(
        (
            c
            for c in clause.verb.children
            if c.dep_ in ("dobj", "dative") and c.pos_ in ("NOUN", "PROPN") and c.i > c.head.i
        ),
        None,
    )
    if thing is None or not clause.passive:
        return None
    words = [t for t in thing.subtree if not t.like_num and t.lower_ not in _UNITS]
    text = " ".join(t.text for t in words)
    return text if 0 < len(words) <= 4 else None


def _by_means(clause: Clause) -> bool:
    """Whether a passive's "by" phrase is the means ("by mouth", "by their fluid status",
    "recognised by the loss of ..."), not what acts ("caused by infection")."""
    verb = clause.verb
    if verb.lemma_ in _RELATING or verb.lemma_ in ("suggest", "indicate", "guide"):
        return False
    if verb.lemma_ in _BY_MEANS:
        return True
    agents = [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    bare = [  # "by mouth": no article, one thing
        o
        for o in agents
        if o.pos_ == "NOUN" and not any(d.dep_ in ("det", "conj") for d in o.children)
    ]
    owned = [o for o in agents if any(d.dep_ == "poss" for d in o.children)]
    return bool(bare or owned)


def reversed_card(
    sentence: Sentence, clause: Clause, part: Part, context: Context
) -> Candidate | None:
    """The subject asked from what the clause says of it, when the subject is the term to
    learn: "Infection is the most common trigger" gives "What is the most common trigger?",
    "Thrombolysis can cause major bleeding" gives "What can cause major bleeding?"."""
    subject = clause.subject
    means = _BY_DOING.search(part.phrase.text) if part.role == "attr" else None
    if means and clause.copula and is_definite(part.phrase.text):
        # "..., which is the most important part in diagnosing X by doing a good
        # examination": the means is the answer, whatever "which" stood for
        front = f"{lead_of(clause)}What is {part.phrase.text[: means.start()]}?"
        what = means.group("what")
        return make_card("superlative", sentence, context, front, what, clause, name_topic=True)
    if subject is None or not subject.located or clause.resolved or clause.negated:
        return None
    doc = clause.verb.doc
    if any(bare_superlative(doc[i]) for i in subject.tokens if doc[i].head.i not in subject.tokens):
        return None  # "The commonest is the acute painful episode": "Commonest" answers nothing
    if context.topic and subject.text.lower() == context.topic.lower() and part.role == "when":
        return None  # "What is stopped if ...?" "Clozapine", on the page about clozapine
    if (
        part.role == "when"
        and clause.passive
        and (has_rare_word(subject.text) or named(subject.text) or clause.verb.lemma_ in _CHOSEN)
    ):
        # "Modified-release metformin can be tried when ...": what can be tried then
        verb_text = verb_words(clause)
        front = f"{lead_of(clause)}What {verb_text} {part.phrase.text}?"
        return make_card("subject", sentence, context, front, strip_article(subject.text), clause)
    if context.topic and subject.text.lower() == context.topic.lower() and part.role != "attr":
        return None
    answer = strip_article(subject.text)
    lead = lead_of(clause)
    if (
        part.role == "attr"
        and clause.copula
        and (is_definite(part.phrase.text) or is_relation(part.phrase.text))
    ):
        if (
            is_definite(subject.text)
            and not has_rare_word(subject.text)
            and not any(w[:1].isupper() for w in subject.text.split()[1:])
        ):
            # "The classic features are the six Ps": the subject is what is asked for
            # ("what are the classic features?"), never the answer to "what are the six Ps?"
            front = f"{lead}What {clause.verb.text.lower()} {lower_first(subject.text)}?"
            return make_card(
                "relation", sentence, context, front, part.phrase.text, clause, name_topic=True
            )
        asked = part.phrase.text
        relation = _RELATIONS.match(asked)
        if relation and " of " not in asked and context.topic:
            # "a serious complication" of what
            asked = f"{asked[: relation.end()]} of {context.topic}{asked[relation.end() :]}"
        front = f"{lead}What {clause.verb.text.lower()} {asked}?"
        return make_card("relation", sentence, context, front, answer, clause, name_topic=True)
    if (
        part.role == "dobj"
        and clause.verb.lemma_ in _RELATING
        and (has_rare_word(subject.text) or _vague(part.phrase.text))
        and (
            has_rare_word(part.phrase.text)
            or len(content_words(part.phrase.text)) >= 2
            or specific(part.phrase.text, subject.text, context.topic) != part.phrase.text
        )
    ):
        if clause.auxiliaries:
            verb_text = verb_words(clause)
        else:
            verb_text = (getInflection(clause.verb.lemma_, "VBZ") or (clause.verb.text,))[0]
        said = specific(part.phrase.text, subject.text, context.topic)
        front = f"{lead}What {verb_text} {said}{_scope(clause, part)}?"
        return make_card("subject", sentence, context, front, answer, clause)
    if part.role == "prep" and (clause.verb.lemma_, part.word) in RELATING_PHRASAL:
        # "varices account for a larger share of cases in liver disease": what does
        kept, conditions = kept_parts(clause, part)
        verb_text = (getInflection(clause.verb.lemma_, "VBZ") or (clause.verb.text,))[0]
        if clause.auxiliaries:
            verb_text = verb_words(clause)
        asked = " ".join([part.word, part.phrase.text, *kept, *conditions])
        front = f"{lead}What {verb_text} {asked}?"
        return make_card("subject", sentence, context, front, answer, clause)
    if part.role == "prep" and part.word in ("instead of", "rather than"):
        # "In primary care, CRB-65 is used instead of CURB-65": what is used instead of it
        verb_text = verb_words(clause)
        front = f"{lead}What {verb_text} {part.word} {part.phrase.text}?"
        return make_card("subject", sentence, context, front, answer, clause, name_topic=True)
    if part.role == "prep" and clause.verb.lemma_ == "prefer" and part.word == "to":
        # "DOACs are preferred to warfarin in most patients": what is preferred to warfarin
        verb_text = verb_words(clause)
        front = f"{lead}What {verb_text} to {part.phrase.text}?"
        return make_card("subject", sentence, context, front, answer, clause, name_topic=True)
    if (
        part.role == "xcomp"
        and clause.passive
        and (has_rare_word(subject.text) or named(subject.text))
        and people_of(clause) is None  # "Which women are advised to ...?" asks them
    ):
        # "The Wells score is used to estimate X": what is used to estimate X
        verb_text = verb_words(clause)
        front = f"{lead}What {verb_text} to {part.word} {part.phrase.text}?"
        return make_card("subject", sentence, context, front, answer, clause, name_topic=True)
    if part.role == "attr" and clause.copula and _kind_of(part.phrase.text):
        front = f"{lead}What is the term for {part.phrase.text}?"
        return make_card("definition-reverse", sentence, context, front, answer, clause)
    return None


def _scope(clause: Clause, asked: Part) -> str:
    """The people the clause is about, or the antecedent of its "in whom"/"in which" ("
    in patients with G6PD deficiency"), which a question asking its subject must keep:
    "except patients with G6PD deficiency, in whom rasburicase can cause haemolysis" and
    "primaquine can cause haemolysis in patients with G6PD deficiency" are no "What can
    cause haemolysis?" (in those patients only)."""
    scope = [
        p
        for p in clause.parts
        if (p.relative or (p.people and p.role == "prep"))
        and p is not asked
        and p.phrase.text
        and len(p.phrase.text.split()) <= 12
    ]
    return "".join(f" {p.word} {lower_first(p.phrase.text)}" for p in scope)


_BY_DOING = re.compile(r"\s+by\s+(?:doing|performing|taking|using)\s+(?P<what>.+)$")
_RELATIONS = re.compile(
    r"^an?\s+(?:[\w-]+\s+(?:but\s+|and\s+)?){0,3}?(?:complication|symptom|sign|cause|feature|"
    r"risk factor|trigger|side effect|finding|consequence|marker)s?\b",
    re.IGNORECASE,
)


def is_relation(text: str) -> bool:
    """Whether a complement relates the subject to something ("a sign of a failing
    ventricle", "a rare but serious complication"): asked as "What is a sign of ...?"."""
    return bool(_RELATIONS.match(text)) and not re.search(r"\s(?:in which|where|whereby)\s", text)


def _vague(text: str) -> bool:
    """Whether an object says nothing alone ("also lower the risk"): the subject is the fact."""
    return strip_article(text).lower() in GENERIC_NOUNS | {"risk", "chance", "likelihood"}


def is_definite(text: str) -> bool:
    """Whether a complement names one thing ("the most common trigger"): asked in reverse."""
    lowered = text.lower()
    return lowered.startswith(("the ", "one of the ")) or " most " in f" {lowered} "


_KIND_WORDS = re.compile(
    r"^an?\s+(?:[\w-]+\s+){0,3}?(?:condition|disease|disorder|syndrome|infection|"
    r"inflammation|procedure|operation|test|injury|complication|deficiency)\s+"
    r"(?:in which|that|where|of|caused)\b",
    re.IGNORECASE,
)


def _kind_of(text: str) -> bool:
    """Whether a complement defines a term ("a condition in which ..."), so the term can
    be asked from its definition."""
    return bool(_KIND_WORDS.match(text)) and len(text.split()) <= 30


def chosen_card(sentence: Sentence, clause: Clause, context: Context) -> Candidate | None:
    """What is given, used or offered, asked from the circumstances the clause names:
    "In suspected sepsis, blood cultures and lactate are taken within 1 hour" gives "In
    suspected sepsis, what are taken within 1 hour?"; a negated choice too ("What is not
    given before surgery?"), since the sentence names the one thing not to do."""
    subject = clause.subject
    verb = clause.verb
    if (
        subject is None
        or not clause.passive
        or verb.lemma_ not in _CHOSEN
        or clause.resolved
        or not subject.located
        or not (has_rare_word(subject.text) or named(subject.text) or _compound(clause))
        or any(p.role == "dobj" for p in clause.parts)  # "contacts are offered a dose"
        or (context.topic is not None and subject.text.lower() == context.topic.lower())
    ):
        return None
    said, conditions = kept_parts(clause, Part("subject", Phrase("")))
    if not said and not conditions and clause.lead is None:
        return None  # "X is used." asks nothing
    before, after = verb_group(clause)
    front = f"{lead_of(clause)}What {before} {after} {' '.join([*said, *conditions])}?"
    answer = strip_article(subject.text)
    return make_card("subject", sentence, context, front, answer, clause, name_topic=True)


def _compound(clause: Clause) -> bool:
    """Whether the subject is a compound noun ("proton pump inhibitors", "blood cultures"):
    a term, however common its words."""
    assert clause.subject is not None
    doc = clause.verb.doc
    return any(doc[i].dep_ == "compound" for i in clause.subject.tokens)


# Verbs of what is done for a group of people ("Women with X are advised to take Y").
_FOR_PEOPLE = _CHOSEN | {"advise", "recommend", "refer", "screen", "vaccinate", "admit"}


def people_card(sentence: Sentence, clause: Clause, context: Context) -> Candidate | None:
    """Which people a treatment or advice is for, when the subject names them with a
    qualifier: "Women with one high-risk factor are advised to take aspirin" gives "Which
    women are advised to take aspirin?"."""
    subject = clause.subject
    own = people_of(clause)
    if (
        subject is None
        or own is None
        or not clause.passive
        or clause.resolved
        or clause.verb.lemma_ not in _FOR_PEOPLE
        or len(subject.text.split()) < 3
        or not subject.located
    ):
        return None
    kept, conditions = kept_parts(clause, Part("subject", Phrase("")))
    if not kept:
        return None  # "Which patients are treated?" asks nothing
    given = _given_thing(clause)
    if given is not None and not any(given in k for k in kept):
        return None  # "Which patients are given by mouth?": what they are given is lost
    before, after = verb_group(clause)
    front = (
        f"{lead_of(clause)}Which {own.lower_} {before} {after} {' '.join([*kept, *conditions])}?"
    )
    return make_card("people", sentence, context, front, subject.text, clause, name_topic=True)


def people_of(clause: Clause) -> Token | None:
    """The clause's subject when it names people ("women with ..."), else None."""
    own = next((c for c in clause.verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return own if own is not None and own.lower_ in PEOPLE else None
