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

from lemminflect import getInflection

from study.cardgen.candidates import Candidate, Context, basic
from study.cardgen.deps import NAMING_VERBS
from study.cardgen.gates import GENERIC_NOUNS
from study.cardgen.phrases import Phrase
from study.cardgen.reading import Clause, Part, Reading
from study.cardgen.sentences import Sentence
from study.cardgen.terms import (
    content_words,
    has_rare_word,
    named,
    strip_article,
    word_list,
)
from study.cardgen.topics import capitalise, lower_first

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
# Verbs of a choice made under a condition ("HBPM is used when ABPM is not tolerated"):
# what is chosen then is the fact to ask.
_CHOSEN = frozenset(["use", "give", "offer", "prefer", "try", "start", "add", "consider"])
_LOCATIVE = frozenset(["occur", "happen", "develop", "arise", "appear", "start", "begin", "form"])
_LIST_SUBJECTS = ("risk", "symptom", "sign", "cause", "type", "complication", "feature")
# Prepositions whose object is a time or amount: asked by the number cloze instead.
_TIME_PREPOSITIONS = frozenset(["within", "for", "after", "during", "over", "until", "per"])
_MAX_CONTEXT_WORDS = 8


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
    naming = clause.verb.lemma_ in NAMING_VERBS and clause.verb.tag_ == "VBN"
    main = None if clause.negated or naming else _main_part(clause)
    caused = definition_cause(sentence, clause, context)
    if caused is not None:
        found.append(caused)
    if main is not None:
        card = _ask(sentence, clause, main, context)
        if card is not None:
            found.append(card)
        reverse = _reverse(sentence, clause, main, context)
        if reverse is not None:
            found.append(reverse)
    if (
        main is None
        and clause.passive
        and clause.lead is not None
        and not clause.resolved
        and not clause.negated
    ):
        # "During the procedure, the lamina is removed": what is removed
        assert clause.subject is not None
        before, after = _verb_group(clause)
        front = f"{_lead(clause)}What {before} {after}?"
        found.append(_card("subject", sentence, context, front, clause.subject.text, clause))
    for part in parts:
        if naming and part.role == "when":
            continue  # "known as podagra when it affects the big toe": the name's condition
        if part.role == "often":
            card = _ask(sentence, clause, part, context)
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
            if part.role == "when" and main is None:
                reverse = _reverse(sentence, clause, part, context)
                found += [reverse] if reverse else []
    return found


def _main_part(clause: Clause) -> Part | None:
    """The part that states the clause's fact: the agent of a passive, the object, the
    complement, what an infinitive aims at, else the first prepositional phrase."""
    by_role: dict[str, Part] = {}
    for part in clause.parts:
        by_role.setdefault(part.role, part)
    for role in ("agent", "dobj", "attr", "xcomp"):
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
        if clause.copula and not part.people:
            break  # "stroke was in second place": the number cloze asks it
        if part.word not in _TIME_PREPOSITIONS and not _numeric(part):
            return part
    return None


_TEMPORAL = word_list("time-words")


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


def _subject_text(clause: Clause) -> str:
    assert clause.subject is not None
    text = clause.subject.text
    return lower_first(text)


def _verb_group(clause: Clause) -> tuple[str, str]:
    """The word that goes before the subject in a question, and the rest of the verb group
    after it: "is ... calculated", "can ... be managed", "does ... identify"."""
    verb = clause.verb
    adverbs = [a.text for a in clause.adverbs]
    negation = ["not"] if clause.negated else []
    particle = [clause.particle] if clause.particle else []
    if clause.auxiliaries:
        first, *rest = clause.auxiliaries
        tail = [r.text for r in rest] + negation + adverbs
        if verb.lemma_ != "be" or clause.passive or rest:
            tail.append(verb.text)
        return first.text.lower(), " ".join(tail + particle)
    if verb.lemma_ == "be":
        return verb.text.lower(), " ".join(negation + adverbs)
    do = {"VBZ": "does", "VBD": "did"}.get(verb.tag_, "do")
    if do == "do" and not clause.plural:
        do = "does"  # "it typically come from": the material's slip is not repeated
    return do, " ".join(negation + adverbs + [verb.lemma_] + particle)


def _others(clause: Clause, asked: Part) -> str:
    """The clause's other parts as the question keeps them, conditions last."""
    parts, conditions = _kept_parts(clause, asked)
    return " ".join([*parts, *conditions])


def _kept_parts(clause: Clause, asked: Part) -> tuple[list[str], list[str]]:
    """The clause's other parts, in order, as the question keeps them (its conditions
    and short phrases, never a reason or a second list)."""
    kept: list[str] = []
    conditions: list[str] = []
    for part in sorted(clause.parts, key=lambda p: p.phrase.start):
        if part is asked or part.role in ("why", "how", "often"):
            continue
        if part.phrase.tokens and part.phrase.tokens == asked.phrase.tokens:
            continue
        if part.role in ("dobj", "attr") and asked.role in ("dobj", "attr", "agent"):
            continue
        words_in = len(part.phrase.text.split())
        if part.role == "when":
            if words_in <= 2 * _MAX_CONTEXT_WORDS:
                conditions.append(part.phrase.text)
            continue
        if words_in > _MAX_CONTEXT_WORDS or (part.phrase.items and part.role != "dobj"):
            continue
        if part.role in ("prep", "agent"):
            kept.append(f"{part.word} {part.phrase.text}")
        elif part.role == "infinitive":
            # after a stranded preposition: "What is X taken with to reduce ...?"
            conditions.insert(
                0,
                part.phrase.text
                if part.phrase.text.startswith("to ")
                else f"to {part.phrase.text}",
            )
        elif part.role == "xcomp":
            kept.append(f"to {part.word} {part.phrase.text}")
        else:
            kept.append(part.phrase.text)
    return kept, conditions


def _lead(clause: Clause) -> str:
    # a condition stays with its fact even when long ("If your glucose targets are not
    # met within 1 to 2 weeks, ...")
    if clause.lead is None or len(clause.lead.text.split()) > 2 * _MAX_CONTEXT_WORDS:
        return ""
    return capitalise(clause.lead.text.rstrip(" ,")) + ", "


def _joined(front: str) -> str:
    """A question with a lead ("In AF, What ...") reads on: "In AF, what ..."."""
    return re.sub(
        r", (What|When|Why|How|Which|In|On|With|For|From|To)\b",
        lambda m: ", " + m.group(1).lower(),
        front,
    )


def _ask(sentence: Sentence, clause: Clause, part: Part, context: Context) -> Candidate | None:
    """The card asking ``part`` of ``clause``."""
    subject = _subject_text(clause)
    before, after = _verb_group(clause)
    others = _others(clause, part)
    lead = _lead(clause)
    answer = part.phrase.text
    if not answer:
        return None
    role = part.role
    if role == "agent":
        return _ask_agent(sentence, clause, part, context)
    if role == "attr" and clause.copula:
        if _definite(part.phrase.text) or _relation(part.phrase.text):
            return None  # asked in reverse: "What is the most common trigger?"
        if len(answer.split()) > 16:
            # "a complication of diabetes in which ...": the kind answers "What is X?"; the
            # whole definition stays in the reverse question
            answer = _DEFINING.split(answer)[0]
        front = f"{lead}What {before} {subject} {after} {others}?"
        return _card(
            "definition",
            sentence,
            context,
            front,
            answer,
            clause,
            name_topic=subject.lower().startswith("the "),
        )
    answer = _specific(answer, subject, context.topic)
    owned = re.match(r"(?:its|their)\s+(?P<rest>.+)$", answer, re.IGNORECASE)
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
        return _card(
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
    if role in ("dobj", "attr", "oprd"):
        front = f"{lead}What {before} {subject} {after} {others}?"
        return _card("object", sentence, context, front, answer, clause, part)
    if role == "xcomp":
        to = "" if clause.verb.lemma_ == "help" else "to "
        front = f"{lead}What {before} {subject} {after} {others} {to}{part.word}?"
        return _card("purpose", sentence, context, front, answer, clause, part)
    if role == "prep":
        if part.people:
            head = "whom" if strip_article(answer).lower().startswith("those") else "which patients"
            front = f"{lead}{capitalise(part.word)} {head} {before} {subject} {after} {others}?"
        elif part.word in ("at", "on", "during", "in") and _temporal(answer):
            # "given at presentation", "most common in the winter months": when
            front = f"{lead}When {before} {subject} {after} {others}?"
            answer = f"{part.word} {answer}"
        elif part.word in ("at", "in", "on") and clause.verb.lemma_ in _LOCATIVE:
            front = f"{lead}Where {before} {subject} {after} {others}?"
        else:
            plain, conditions = _kept_parts(clause, part)
            said = " ".join([*plain, part.word, *conditions])
            front = f"{lead}What {before} {subject} {after} {said}?"
        return _card("preposition", sentence, context, front, answer, clause, part)
    if role == "when":
        if part.word == "unless":
            # "X is given ..., unless the patient has had anaphylaxis": when X is not given
            if clause.negated:
                return None
            flipped = replace(clause, negated=True)
            before, after = _verb_group(flipped)
            front = f"{lead}When {before} {subject} {after} {others}?"
            reason = re.sub(r"^unless\s+", "if ", answer, flags=re.I)
            return _card("condition", sentence, context, front, reason, clause)
        if clause.copula and not any(p.role in ("attr", "acomp") for p in clause.parts):
            return None  # "When is the correlation?" says nothing
        front = f"{lead}When {before} {subject} {after} {others}?"
        return _card("condition", sentence, context, front, answer, clause)
    if role == "often":
        front = f"{lead}How often {before} {subject} {after} {others}?"
        return _card("frequency", sentence, context, front, answer, clause)
    if role == "how":
        wh = "What" if clause.copula else "How"  # "the key part is by doing X"
        front = f"{lead}{wh} {before} {subject} {after} {others}?"
        return _card("manner", sentence, context, front, answer, clause)
    if role == "why" and part.word == "to":
        plain, conditions = _kept_parts(clause, part)
        said = " ".join(
            [*plain, *(c for c in conditions if not c.lower().startswith(answer.lower()[:12]))]
        )
        front = f"{lead}Why {before} {subject} {after} {said}?"
        return _card("purpose", sentence, context, front, capitalise(answer), clause)
    if role == "why" and clause.verb.lemma_ in NAMING_VERBS:
        named = [p.phrase.text.lower() for p in clause.parts if p.role in ("oprd", "attr")]
        if any(n in subject.lower() for n in named):
            return None  # "Why is mechanical pain called mechanical?" asks nothing
    if role == "why":
        text = answer if answer.lower().startswith("because") else f"{part.word} {answer}"
        front = f"{lead}Why {before} {subject} {after} {others}?"
        reason = _after_mark(text)
        reason = reason if reason.lower().startswith("because") else f"Because {reason}"
        card = _card("reason", sentence, context, front, reason, clause)
        return card
    return None


def _specific(answer: str, subject: str, topic: str | None = None) -> str:
    """ "the cause" says nothing alone: "The distribution of the rash helps determine the
    cause" means the cause of the rash, so the answer borrows its subject's "of ..."
    ("the diagnosis" in a paragraph on pulmonary embolism: of pulmonary embolism)."""
    generic = re.fullmatch(r"(?:the|its|their)\s+(?P<noun>\w+)", answer.strip(), re.IGNORECASE)
    owner = re.search(r"\sof\s+(?P<owner>[^,;]+)$", subject)
    if generic and generic.group("noun").lower() in GENERIC_NOUNS:
        if owner:
            return f"the {generic.group('noun')} of {owner.group('owner')}"
        if topic:
            return f"the {generic.group('noun')} of {topic}"
    return answer


_DEFINING = re.compile(
    r",?\s(?:in which|that|where|whereby|which|caused by|due to|resulting from|"
    r"characteri[sz]ed by)\s"
)
_CAUSED = re.compile(r"\s(?:caused by|due to|resulting from)\s(?P<cause>.+)$")


def definition_cause(sentence: Sentence, clause: Clause, context: Context) -> Candidate | None:
    """ "Gout is a form of arthritis caused by urate crystals": what causes gout."""
    if not clause.copula or clause.subject is None:
        return None
    for part in clause.parts:
        cause = _CAUSED.search(part.phrase.text) if part.role == "attr" else None
        if cause:
            front = f"What causes {_subject_text(clause)}?"
            return _card("definition-cause", sentence, context, front, cause.group("cause"), clause)
    return None


def _after_mark(text: str) -> str:
    return re.sub(r"^(?:because|since|as)\s+(?!of\b)", "", text, flags=re.I)


def _ask_agent(
    sentence: Sentence, clause: Clause, part: Part, context: Context
) -> Candidate | None:
    """A passive asked actively: "DKA can be triggered by A, B or C" gives "What can
    trigger DKA?"; a list of causes gives "Name 4 triggers of DKA."."""
    verb = clause.verb
    subject = _subject_text(clause)
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
    lead = _lead(clause)
    if len(items) >= 3 and verb.lemma_ in _CAUSING and not clause.negated:
        among = " (among others)" if "among other" in sentence.text.lower() else ""
        noun = "causes" if verb.lemma_ == "cause" else f"{verb.lemma_}s"
        front = f"{lead}Name {len(items)} {noun} of {subject}{among}."
        return _card(
            "list-whole",
            sentence,
            context,
            front,
            "; ".join(i.text for i in items),
            clause,
            part,
            *[i.text for i in items],
        )
    front = f"{lead}What {verb_text} {subject}?"
    return _card("agent", sentence, context, front, part.phrase.text, clause, part)


def _reverse(sentence: Sentence, clause: Clause, part: Part, context: Context) -> Candidate | None:
    """The subject asked from what the clause says of it, when the subject is the term to
    learn: "Infection is the most common trigger" gives "What is the most common trigger?",
    "Thrombolysis can cause major bleeding" gives "What can cause major bleeding?"."""
    subject = clause.subject
    means = _BY_DOING.search(part.phrase.text) if part.role == "attr" else None
    if means and clause.copula and _definite(part.phrase.text):
        # "..., which is the most important part in diagnosing X by doing a good
        # examination": the means is the answer, whatever "which" stood for
        front = f"{_lead(clause)}What is {part.phrase.text[: means.start()]}?"
        what = means.group("what")
        return _card("superlative", sentence, context, front, what, clause, name_topic=True)
    if subject is None or not subject.located or clause.resolved or clause.negated:
        return None
    if (
        part.role == "when"
        and clause.passive
        and (has_rare_word(subject.text) or named(subject.text) or clause.verb.lemma_ in _CHOSEN)
    ):
        # "Modified-release metformin can be tried when ...": what can be tried then
        verb_text = " ".join([*(a.text for a in clause.auxiliaries), clause.verb.text])
        front = f"{_lead(clause)}What {verb_text} {part.phrase.text}?"
        return _card("subject", sentence, context, front, strip_article(subject.text), clause)
    if context.topic and subject.text.lower() == context.topic.lower() and part.role != "attr":
        return None
    answer = strip_article(subject.text)
    lead = _lead(clause)
    if (
        part.role == "attr"
        and clause.copula
        and (_definite(part.phrase.text) or _relation(part.phrase.text))
    ):
        asked = part.phrase.text
        relation = _RELATIONS.match(asked)
        if relation and " of " not in asked and context.topic:
            # "a serious complication" of what
            asked = f"{asked[: relation.end()]} of {context.topic}{asked[relation.end() :]}"
        front = f"{lead}What {clause.verb.text.lower()} {asked}?"
        return _card("relation", sentence, context, front, answer, clause, name_topic=True)
    if (
        part.role == "dobj"
        and clause.verb.lemma_ in _RELATING
        and (has_rare_word(subject.text) or _vague(part.phrase.text))
        and (
            has_rare_word(part.phrase.text)
            or len(content_words(part.phrase.text)) >= 2
            or _specific(part.phrase.text, subject.text, context.topic) != part.phrase.text
        )
    ):
        if clause.auxiliaries:
            verb_text = " ".join([*(a.text for a in clause.auxiliaries), clause.verb.text])
        else:
            verb_text = (getInflection(clause.verb.lemma_, "VBZ") or (clause.verb.text,))[0]
        said = _specific(part.phrase.text, subject.text, context.topic)
        front = f"{lead}What {verb_text} {said}?"
        return _card("subject", sentence, context, front, answer, clause)
    if part.role == "prep" and part.word in ("instead of", "rather than"):
        # "In primary care, CRB-65 is used instead of CURB-65": what is used instead of it
        verb_text = " ".join([*(a.text for a in clause.auxiliaries), clause.verb.text])
        front = f"{lead}What {verb_text} {part.word} {part.phrase.text}?"
        return _card("subject", sentence, context, front, answer, clause, name_topic=True)
    if part.role == "prep" and clause.verb.lemma_ == "prefer" and part.word == "to":
        # "DOACs are preferred to warfarin in most patients": what is preferred to warfarin
        verb_text = " ".join([*(a.text for a in clause.auxiliaries), clause.verb.text])
        front = f"{lead}What {verb_text} to {part.phrase.text}?"
        return _card("subject", sentence, context, front, answer, clause, name_topic=True)
    if (
        part.role == "xcomp"
        and clause.passive
        and (has_rare_word(subject.text) or named(subject.text))
    ):
        # "The Wells score is used to estimate X": what is used to estimate X
        verb_text = " ".join([*(a.text for a in clause.auxiliaries), clause.verb.text])
        front = f"{lead}What {verb_text} to {part.word} {part.phrase.text}?"
        return _card("subject", sentence, context, front, answer, clause, name_topic=True)
    if part.role == "attr" and clause.copula and _kind_of(part.phrase.text):
        front = f"{lead}What is the term for {part.phrase.text}?"
        return _card("definition-reverse", sentence, context, front, answer, clause)
    return None


_BY_DOING = re.compile(r"\s+by\s+(?:doing|performing|taking|using)\s+(?P<what>.+)$")
_RELATIONS = re.compile(
    r"^an?\s+(?:[\w-]+\s+(?:but\s+|and\s+)?){0,3}?(?:complication|symptom|sign|cause|feature|"
    r"risk factor|trigger|side effect|finding|consequence|marker)s?\b",
    re.IGNORECASE,
)


def _relation(text: str) -> bool:
    """Whether a complement relates the subject to something ("a sign of a failing
    ventricle", "a rare but serious complication"): asked as "What is a sign of ...?"."""
    return bool(_RELATIONS.match(text)) and not re.search(r"\s(?:in which|where|whereby)\s", text)


def _vague(text: str) -> bool:
    """Whether an object says nothing alone ("also lower the risk"): the subject is the fact."""
    return strip_article(text).lower() in GENERIC_NOUNS | {"risk", "chance", "likelihood"}


def _definite(text: str) -> bool:
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


def _card(
    pattern: str,
    sentence: Sentence,
    context: Context,
    front: str,
    answer: str,
    clause: Clause,
    part: Part | None = None,
    *traced: str,
    name_topic: bool = False,
) -> Candidate:
    has_term = has_rare_word(front)
    front = _joined(front)
    return basic(
        pattern,
        sentence,
        context,
        front,
        answer,
        *traced,
        name_topic=name_topic,
        has_term=has_term,
    )
