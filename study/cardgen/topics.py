"""What a paragraph is about, so that "It", "This condition" or "this procedure" can be named.

The topic comes from the nearest Markdown heading that names a subject (not "Causes" or
"Treatment"), or from the subject of the paragraph's first sentence. Anaphora are resolved
to it: a card never asks about "this condition".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from study.cardgen.terms import (
    HEAD_NOUNS,
    NAMED_SUFFIX,
    RARE_ZIPF,
    STOPWORDS,
    is_verb,
    plural_noun,
    stem,
    strip_article,
    words,
    zipf,
)

# Headings that name an aspect of the subject above them, not a subject.
ASPECT_HEADINGS = frozenset(
    [
        "overview",
        "introduction",
        "summary",
        "background",
        "causes",
        "cause",
        "symptoms",
        "signs",
        "diagnosis",
        "treatment",
        "treatments",
        "management",
        "prevention",
        "complications",
        "prognosis",
        "risk",
        "factors",
        "epidemiology",
        "pathophysiology",
        "investigations",
        "tests",
        "examination",
        "key",
        "points",
        "facts",
        "definition",
        "what",
        "is",
        "when",
        "to",
        "see",
        "a",
        "doctor",
        "outlook",
        "self-care",
        "medication",
        "medications",
        "surgery",
        "types",
        "references",
        "also",
        "notes",
        "further",
        "reading",
        "classification",
        "subtypes",
        "staging",
        # a drug's monograph
        "mechanism",
        "action",
        "side",
        "effects",
        "adverse",
        "indications",
        "contraindications",
        "cautions",
        "interactions",
        "dose",
        "dosing",
        # a condition's page
        "differential",
        "red",
        "flags",
        "grading",
        "features",
        "clinical",
        "presentation",
        "aetiology",
        "etiology",
        "pathogenesis",
        "monitoring",
        "follow-up",
        "screening",
        "history",
        "and",
        "of",
        "the",
        "acute",
        "long-term",
    ]
)
# Words that stand for the topic without naming it.
_PROCEDURE_WORDS = r"procedure|operation|surgery|technique|treatment|test"
_CONDITION_WORDS = r"condition|disease|disorder|syndrome|type of pain|kind of pain|injury|problem"
ANAPHORA = re.compile(
    rf"^(?P<lead>(?:in|during|after|before|with) )?(?P<det>this|the|that|these) "
    rf"(?P<noun>{_PROCEDURE_WORDS}|{_CONDITION_WORDS}|type|kind|form)\b",
    re.IGNORECASE,
)
PRONOUN_SUBJECT = re.compile(r"^(?:it|this)\b(?=\s+(?!is\b)(?:\w+))", re.IGNORECASE)
# Heads of noun phrases that only contain the subject: "the magnitude of X" is about X.
_CONTAINERS = frozenset(
    [
        "magnitude",
        "burden",
        "type",
        "kind",
        "form",
        "risk",
        "number",
        "rate",
        "role",
        "importance",
        "prevalence",
        "incidence",
        "severity",
        "degree",
        "amount",
        "level",
        "part",
        "most",
        "many",
        "some",
        "one",
        "symptoms",
        "signs",
        "cause",
        "causes",
        "treatment",
        "effect",
        "effects",
        "aim",
        "goal",
        "purpose",
    ]
)
# Subjects that are never what a paragraph is about.
_GENERIC_SUBJECTS = frozenset(
    [
        "patients",
        "patient",
        "people",
        "person",
        "doctors",
        "doctor",
        "clinicians",
        "clinician",
        "children",
        "adults",
        "women",
        "men",
        "others",
        "many",
        "most",
        "some",
        "treatment",
        "management",
        "diagnosis",
        "symptoms",
        "signs",
        "examination",
        "tests",
        "results",
        "body",
    ]
)
_SUBORDINATE = re.compile(
    r"^(?:when|if|although|though|because|just because|while|since|once|whenever)\s+",
    re.IGNORECASE,
)
_LEADING_PHRASE = re.compile(
    r"^(?:in|on|at|for|among|with|after|before|during|over|from)\b[^,]{0,80},\s*", re.IGNORECASE
)
_VERB = re.compile(
    r"\s(?:is|are|was|were|has|have|had|can|could|may|might|will|would|should|must|does|do|did|"
    r"happens?|occurs?|takes?|causes|comes?|feels?|affects?|results?|leads?|means?|"
    r"present|presents|shows?|refers?|develops?|involves?|describes?|helps?|includes?|"
    r"heals?|recovers?|improves?|resolves?)\b",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_PERSON = re.compile(r"\bet al\b|\b(?:says|said|explains|notes)\b", re.IGNORECASE)
# Procedures are named by their suffix; "a procedure called X" names one too.
PROCEDURE_NAME = re.compile(
    r"\b(?:procedures? called|operation called|surgery called)\s+"
    r"(?P<name>[\w-]+(?:\s+or\s+[\w-]+)?)",
    re.IGNORECASE,
)


# "How is it treated?", "What causes it?", "Who gets gout?": a question heading asks about
# an aspect of the heading above it, not a new subject ("What is X?" names X).
_ASPECT_QUESTION = re.compile(
    r"^(?:how|when|why|who|where|which|what\s+(?:causes|happens|are the|is the))\b"
    r"|^\w+(?:\s+\w+)?\s+(?:it|they|this|them)\b",
    re.IGNORECASE,
)


def heading_topic(headings: Sequence[str]) -> str | None:
    """The innermost heading that names a subject rather than an aspect of one.

    A heading of common words under one that names a condition is an aspect of it too
    ("ECG changes" under "Hyperkalaemia"): the cards name the condition.
    """
    found: list[str] = []
    for heading in reversed(headings):
        # "Osteoporosis - Wikipedia", "Gout | NHS", "Pneumonia: key points": what follows
        # the subject is the site or the kind of page, not the subject.
        title = re.split(r"\s+[-–—|]\s+|:\s+", heading, maxsplit=1)[0]
        title = re.sub(r"[:?!.]+$", "", title).strip()
        lowered = title.lower()
        if (
            not title
            or lowered in ASPECT_HEADINGS
            or all(w in ASPECT_HEADINGS for w in words(title))
            or _ASPECT_QUESTION.match(title)
        ):
            continue
        lowered = re.sub(r"^(?:what is|what are|about|understanding)\s+", "", lowered)
        named = title[len(title) - len(lowered) :] if lowered != title.lower() else title
        found.append(_tidy(strip_article(named)))
    if not found:
        return None
    if not _names_something(found[0]):
        return next((outer for outer in found[1:] if _names_something(outer)), found[0])
    return found[0]


def _names_something(title: str) -> bool:
    """Whether ``title`` names a condition, procedure or other specific thing: a name's
    ending or head noun ("hyperkalaemia", "snapping hip syndrome"), or a rare word that
    is not an acronym."""
    found = words(title)
    if any(NAMED_SUFFIX.search(w) or w.rstrip("s") in HEAD_NOUNS for w in found):
        return True
    return any(
        zipf(w) < RARE_ZIPF and not w.isupper() for w in re.findall(r"[A-Za-z][\w-]+", title)
    )


def sentence_subject(sentence: str) -> str | None:
    """The subject of ``sentence``, when it names something (not a pronoun or a person)."""
    subject = _subject(sentence)
    if subject is None and _SUBORDINATE.match(sentence.strip()) and "," in sentence:
        # "Although it can affect other bones, avascular necrosis most often happens in
        # the hip": the main clause after the comma names it.
        subject = _subject(sentence.split(",", 1)[1])
    return subject


def _subject(sentence: str) -> str | None:
    text = sentence.strip()
    if _PERSON.search(text.split(",")[0]):
        return None
    subordinate = _SUBORDINATE.match(text)
    # "When hip pain comes from ..., it ...": the subordinate clause names the subject.
    text = text[subordinate.end() :] if subordinate else _LEADING_PHRASE.sub("", text, count=1)
    text = _PAREN.sub("", text)
    verb = _first_verb(text)
    if verb is None:
        # A title-like first sentence: "Avascular necrosis (also called osteonecrosis)."
        title = text.strip(" .:")
        first_word = title.split()[0].lower() if title else ""
        if 0 < len(title.split()) <= 5 and first_word not in STOPWORDS:
            return _tidy(strip_article(title))
        return None
    subject = text[: max(verb.start() - 1, 0)].strip(" ,;:")
    # "Lateral epicondylitis, commonly called tennis elbow, causes ...": the first name.
    subject = re.split(r",\s+(?:\w+ly\s+)?(?:called|known as|termed)\b", subject)[0]
    if words(subject)[:1] in (["this"], ["these"], ["that"], ["those"], ["such"]):
        return None  # "This type of pain ...": names something said before, not a subject
    # "Sciatica usually comes from ...": the adverb belongs to the verb.
    subject = _unwrap(re.sub(r"(?:\s+(?:most|\w+ly|often|also|always|still))+$", "", subject))
    if not subject or len(subject.split()) > 6:
        return None
    if subject.lower() in STOPWORDS or words(subject)[:1] in (["this"], ["it"], ["these"]):
        return None
    if all(w in _GENERIC_SUBJECTS or w in STOPWORDS for w in words(subject)):
        return None  # "Patients typically present with ...": about the topic, not a topic
    if subject[:1].islower() is False and not re.search(r"[a-z]", subject):
        return None
    return _tidy(subject)


def _first_verb(text: str) -> re.Match[str] | None:
    """The first verb of ``text`` (offsets in ``" " + text``), from a short list of
    auxiliaries and the common clinical verbs of ``terms.is_verb``."""
    for match in re.finditer(r"\s([A-Za-z][\w'’-]*)", " " + text):
        word = match.group(1)
        if _VERB.match(" " + word + " ") or (is_verb(word) and not word.lower().endswith("ing")):
            return match
    return None


def _unwrap(subject: str) -> str:
    """``subject`` without determiners and container heads: "the magnitude of X" gives X."""
    subject = strip_article(subject.strip())
    while True:
        parts = re.split(r"\s+(?:of|from|in|with)\s+", subject, maxsplit=1)
        if len(parts) == 2 and words(parts[0])[-1:] and words(parts[0])[-1] in _CONTAINERS:
            subject = strip_article(parts[1].strip())
            continue
        return subject


def _tidy(topic: str) -> str:
    """A topic in sentence case: the first letter lowered unless it is an acronym or a name."""
    topic = re.sub(r"\s+", " ", topic).strip(" .,:;")
    first = topic.split(" ")[0]
    if first[:1].isupper() and not first.isupper() and not re.search(r"[A-Z]", first[1:]):
        topic = topic[0].lower() + topic[1:]
    for suffix in (" region", " area"):
        if topic.endswith(suffix):
            topic = topic[: -len(suffix)]
    return topic


def quoted_terms(sentence: str) -> list[str]:
    """Short phrases in quotation marks ("red flags"), which often name what is discussed."""
    return [m.group(1) for m in re.finditer(r"[“\"]([^”\"]{3,40})[”\"]", sentence)]


def frequent_term(paragraph: str, candidates: Sequence[str]) -> str | None:
    """The candidate named most often in ``paragraph`` (at least twice), for a fallback."""
    stems = [stem(w) for w in words(paragraph)]
    best: tuple[int, str] | None = None
    for candidate in candidates:
        target = [stem(w) for w in words(candidate)]
        if not target:
            continue
        count = sum(
            1 for i in range(len(stems) - len(target) + 1) if stems[i : i + len(target)] == target
        )
        if count >= 2 and (best is None or count > best[0]):
            best = (count, candidate)
    return best[1] if best else None


# "Addison's disease", "Graves disease": a person's name; not an adjective such as
# "Nephrotic syndrome" or "Irritable bowel syndrome".
_EPONYM = re.compile(
    r"^[A-Z][a-z]+(?:['’]s\b|(?<!ic)(?<!al)(?<!ous)(?<!ive)(?<!ary)(?<!able)(?<!ible)"
    r"\s+(?:disease|syndrome|sign|test|fracture|phenomenon|criteria|score|classification|"
    r"manoeuvre|maneuver|triad|palsy|reflex)\b)"
)


# "Streptococcus pneumoniae", "Legionella pneumophila": a genus keeps its capital.
_BINOMIAL = re.compile(
    r"^(?P<genus>[A-Z][a-z]{3,}) (?P<species>[a-z]+(?:ae|us|is|um|ii|ila|ans|i))\b"
)


def lower_first(text: str) -> str:
    """``text`` with a capitalised first word lowered ("A raised level", "Obesity"), but
    acronyms ("DVT"), names with inner capitals and eponyms ("Addison's disease", "Graves
    disease") kept."""
    first = text.split(" ")[0] if text else ""
    binomial = _BINOMIAL.match(text)
    if _EPONYM.match(text) or (
        binomial
        # both Latin, so both rare: not "Intravenous calcium", not "Avascular necrosis"
        and zipf(binomial.group("genus")) < RARE_ZIPF
        and zipf(binomial.group("species")) < RARE_ZIPF
        and not binomial.group("genus").endswith(("ous", "al", "ic", "ar", "ive"))
        and not NAMED_SUFFIX.search(binomial.group("species"))
    ):
        return text
    if first[:1].isupper() and (len(first) == 1 or first[1:].islower()):
        return text[0].lower() + text[1:]
    return text


def capitalise(text: str) -> str:
    """``text`` with its first letter upper case."""
    return text[:1].upper() + text[1:]


_PROCEDURE_REFERENCE = re.compile(
    rf"\b(?:this|the|that)\s+(?:{_PROCEDURE_WORDS})\b(?!\s+called)", re.IGNORECASE
)
_CONDITION_REFERENCE = re.compile(
    rf"\b(?:this|that|the)\s+(?:{_CONDITION_WORDS}|type|kind|form)\b(?:\s+of\s+\w+)?",
    re.IGNORECASE,
)
_LEADING_PRONOUN = re.compile(r"^(?:it|this)\s+(?!is\s+(?:not|where|why|what|how)\b)", re.I)
_UNRESOLVABLE = re.compile(
    r"^(?:this|that|these|those|it)\s+(?:is|was|are|were)\s+(?:not|where|why|what|how|because)\b"
    r"|^(?:this|that|these|those)\s*[,.]|^(?:they|them|he|she)\b",
    re.IGNORECASE,
)


def resolve(
    text: str, topic: str | None, procedure: str | None, antecedent: str | None = None
) -> str | None:
    """``text`` with "It", "This condition" and "the procedure" replaced by what they name.

    A leading "It" names ``antecedent``, the subject of the sentence before: None when
    there is none (the topic is named), "" when that sentence's subject is not known.

    None when the sentence leans on text around it that no topic can stand in for
    ("This is not a surprise", "They ..."), since a card made from it would not stand alone.
    """
    if _UNRESOLVABLE.search(text):
        return None
    named = procedure or topic
    if named and _PROCEDURE_REFERENCE.search(text) and not PROCEDURE_NAME.search(text):
        text = _PROCEDURE_REFERENCE.sub(named, text, count=1)
    if topic:
        text = _CONDITION_REFERENCE.sub(lambda m: _condition(m.group(0), topic), text, count=1)
        if _LEADING_PRONOUN.match(text):
            # "It" is the subject of the sentence before: the topic, or one other thing
            # ("Rate control aims for ... It is usually achieved with ..."). When that
            # subject cannot be told, naming the topic could state a falsehood ("Calcium
            # gluconate stabilises the membrane. It does not lower the potassium."): drop.
            if antecedent is None or topic.lower() in antecedent.lower():
                named_it = topic
            elif antecedent and _singular(antecedent):
                named_it = antecedent
            else:
                return None
            text = _LEADING_PRONOUN.sub(capitalise(named_it) + " ", text, count=1)
        text = re.sub(r"(;\s+)it\s+(?=can|may|is|typically|often|usually)", rf"\1{topic} ", text)
    elif re.match(r"^(?:it|this|these)\b", text, re.IGNORECASE):
        return None
    if re.match(r"^(?:this|these|that)\s+(?:" + _CONDITION_WORDS + r")\b", text, re.IGNORECASE):
        return None
    return capitalise(text)


def _singular(phrase: str) -> bool:
    """Whether ``phrase`` can be what "it" stands for: not "A and B", not a plural noun."""
    last = words(phrase)[-1:] or [""]
    if re.search(r"\s(?:and|or)\s", phrase):
        return False
    return not plural_noun(last[0])


def _condition(reference: str, topic: str) -> str:
    """The topic for "this condition"; "the disease" may name another, so it stays."""
    return reference if reference.lower().startswith("the ") else topic


_BASE_VERBS = (
    "come|cause|occur|happen|lead|result|take|affect|develop|present|need|appear|tend|seem|"
    "feel|look|remain|become|mean|involve|require|start|begin|respond|arise|heal|improve|"
    "worsen|spread|progress|depend"
)
_DISAGREEING = re.compile(
    rf"(?:^|(?<=[,;:]\s)|(?<=\band\s)|(?<=\bbut\s))(?P<subject>it|he|she)\s+"
    rf"(?P<adverb>(?:\w+ly|often|also|always|still|then|now)\s+)?(?P<verb>{_BASE_VERBS})\b",
    re.IGNORECASE,
)


def agree(text: str) -> str:
    """``text`` with a third-person singular verb after "it", "he" or "she" where the
    material dropped its "-s" ("it typically come from" gives "it typically comes from"),
    since a card repeats the material's words to a learner who trusts them."""

    def third_person(match: re.Match[str]) -> str:
        verb = match.group("verb")
        ending = "es" if verb.lower().endswith(("s", "sh", "ch", "x", "o")) else "s"
        adverb = match.group("adverb") or ""
        return f"{match.group('subject')} {adverb}{verb}{ending}"

    return _DISAGREEING.sub(third_person, text)
