"""What a paragraph is about: the heading that names a subject, and how terms are cased.

The topic comes from the nearest Markdown heading that names a subject (not "Causes" or
"Treatment"), or from the subject of the paragraph's first sentence (``reading`` finds it
in the parse). A card names it where the material says "it" or "this condition".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from study.services.cardgen.terms import (
    HEAD_NOUNS,
    NAMED_SUFFIX,
    RARE_ZIPF,
    STOPWORDS,
    binomial,
    stem,
    strip_article,
    word_list,
    words,
    zipf,
)

# Headings that name an aspect of the subject above them, not a subject.
ASPECT_HEADINGS = word_list("aspect-headings")
# Subjects that are never what a paragraph is about ("Patients typically present ...").
GENERIC_SUBJECTS = word_list("generic-subjects")
# Nouns that stand for the topic without naming it ("this condition", "the procedure").
STAND_INS = frozenset(
    [
        "procedure",
        "operation",
        "surgery",
        "technique",
        "condition",
        "disease",
        "disorder",
        "syndrome",
        "injury",
        "problem",
        "type",
        "kind",
        "form",
    ]
)


# Words that name the kind of page, not its subject ("Lecture notes: heart failure").
_REGISTERS = frozenset(
    [
        "case",
        "case-based",
        "teaching",
        "notes",
        "lecture",
        "summary",
        "revision",
        "key",
        "points",
        "guideline",
        "leaflet",
        "monograph",
        "reference",
        "handout",
        "tutorial",
    ]
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
        parts = re.split(r"\s+[-–—|]\s+|:\s+", heading, maxsplit=1)
        title = parts[0]
        if len(parts) == 2 and set(words(title)) <= _REGISTERS:
            title = parts[1]  # "Case-based teaching: community-acquired pneumonia"
        title = re.sub(r"[:?!.]+$", "", title).strip()
        remark = re.search(r"\s*\(([^()]*)\)$", title)
        if remark and set(words(remark.group(1))) & _REGISTERS:
            title = title[: remark.start()]  # "Sepsis (ward notes)": the kind of page
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


def asks_of_topic(headings: tuple[str, ...]) -> bool:
    """Whether the innermost heading is a question about the subject named above it
    ("How is it treated?" under "Scarlet fever"): every sentence under it tells of that
    subject, as under "Treatment"."""
    return len(headings) >= 2 and bool(_ASPECT_QUESTION.match(headings[-1].strip()))


# Headings that say where on the page a section is, not what it says of the topic.
_PAGE_PARTS = _REGISTERS | frozenset(
    [
        "overview",
        "introduction",
        "background",
        "references",
        "further",
        "reading",
        "more",
        "remember",
        "tips",
        "practical",
        "important",
    ]
)


@lru_cache(maxsize=256)
def heading_relation(headings: tuple[str, ...]) -> str | None:
    """What the innermost heading says of the topic named above it: "Contraindications"
    or "Renal impairment" under "Nitrofurantoin" (None when that heading names the topic
    itself, asks a question, or only says where on the page it is: "Overview")."""
    if len(headings) < 2:
        return None
    inner = re.sub(r"[:.]+$", "", headings[-1]).strip()
    if (
        not inner
        or inner.endswith("?")
        or set(words(inner)) - STOPWORDS <= _PAGE_PARTS
        or heading_topic(headings) == heading_topic(headings[-1:])
    ):
        return None
    return inner[0].lower() + inner[1:] if not inner.split(" ")[0].isupper() else inner


# The reader's words in a leaflet's question heading, and how a card asks them.
_READER = {"i": "you", "me": "you", "my": "your", "we": "you", "our": "your"}


def heading_question(heading: str, topic: str) -> str:
    """A question heading as a card asks it, about the topic and to the reader: "How
    can I stop it spreading?" under "Impetigo" is "How can you stop impetigo
    spreading?"; "When should I get help?" is "Impetigo: when should you get help?"."""
    named = False

    def reword(match: re.Match[str]) -> str:
        nonlocal named
        word = match.group(0)
        lowered = word.lower()
        if lowered in ("it", "they", "them") and not named:
            named = True
            return topic
        return _READER.get(lowered, word)

    question = re.sub(
        r"\b(am) I\b",
        lambda m: "Are you" if m.group(1)[0] == "A" else "are you",
        heading.strip(),
        flags=re.I,
    )
    question = re.sub(r"\b(?:I|me|my|we|our|it|they|them)\b", reword, question)
    if not named and topic.lower() not in question.lower():
        return f"{capitalise(topic)}: {lower_first(question)}"
    return capitalise(question)


def section_label(topic: str, headings: tuple[str, ...], shown: str = "") -> str:
    """How a card names what its section is about: the topic, and what the section's
    heading says of it ("Contraindications of nitrofurantoin", "Isotretinoin, pregnancy
    prevention"), so that a sentence that leaves the relation to its heading keeps it
    (unless the card, ``shown``, says it already)."""
    relation = heading_relation(tuple(headings))
    if (
        relation is None
        or topic.lower() in relation.lower()
        or {stem(w) for w in words(relation)} <= {stem(w) for w in words(shown)}
    ):
        return capitalise(topic)
    if all(w in ASPECT_HEADINGS for w in words(relation)):
        return f"{capitalise(relation)} of {topic}"
    return f"{capitalise(topic)}, {relation}"


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


def _tidy(topic: str) -> str:
    """A topic in sentence case: the first letter lowered unless it is an acronym or a name
    ("Kawasaki disease", "Bell's palsy": ``lower_first``'s rule, not a rule of its own)."""
    topic = lower_first(re.sub(r"\s+", " ", topic).strip(" .,:;"))
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


# "Ramsay Hunt syndrome", "Mallory Weiss tear": two capitalised words in a row are a name.
_TWO_NAMES = re.compile(r"^[A-Z][a-z]+\s+[A-Z][a-z]+\b")
_DETERMINERS = ("The", "A", "An", "This", "Each")


def lower_first(text: str) -> str:
    """``text`` with a capitalised first word lowered ("A raised level", "Obesity"), but
    acronyms ("DVT"), names with inner capitals and eponyms ("Addison's disease", "Graves
    disease") kept."""
    first, second = ([*text.split(" ", 2), "", ""])[:2] if text else ("", "")
    eponym = (_EPONYM.match(text) or _TWO_NAMES.match(text)) and first not in _DETERMINERS
    # "Streptococcus pneumoniae", "Legionella pneumophila": a genus keeps its capital
    if eponym or binomial(first, re.sub(r"\W+$", "", second)):
        return text
    if first[:1].isupper() and (len(first) == 1 or first[1:].islower()):
        return text[0].lower() + text[1:]
    return text


def capitalise(text: str) -> str:
    """``text`` with its first letter upper case."""
    return text[:1].upper() + text[1:]
