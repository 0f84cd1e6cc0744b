"""Sentences that define several classes, each by its own condition.

"An attack is mild when A, moderately severe when B, and severe when C": the parser reads
the classes after the first as parts of the first condition, so a card built on its clauses
pairs a class with another class's condition. This module reads the sentence as the list
it is, one class after another, and asks each class's condition on its own card ("When is
an attack moderately severe?" "When B"). The clause cards of the sentence that ask a class
or a piece of a class's condition are then replaced by these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from study.services.cardgen import gates
from study.services.cardgen.candidates import Candidate, Context, basic
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.topics import lower_first

# "grade 2 when": a class named by a number
_NUMBERED = frozenset(["grade", "stage", "class", "level", "type"])
# what may stand before the first class: "is classified as mild", "an attack is mild"
_FIRST = frozenset(["as", "is", "are"])
# what joins the next class: ", moderate when", ", and severe when", ", and it is severe when"
_JOIN = frozenset([",", "and", "or"])
_VERB_GROUP = re.compile(
    r"^(?P<be>is|are)(?:\s+(?P<verb>classified|classed|graded|categori[sz]ed)\s+as)?$", re.I
)
# words after which a last condition has ended and another clause begins
_CLAUSE_AFTER_COMMA = frozenset(
    ["in", "although", "though", "but", "because", "since", "while", "whereas", "which"]
)


@dataclass(frozen=True)
class _Class:
    name: str
    condition: str  # "when the potassium is 6.0 to 6.4 mmol/L", as the sentence says it
    said: str  # the condition as a card shows it ("it" named)
    # ", and it is life-threatening when": a class with its own copula is not "classified as"
    own_verb: bool = False


def _class_start(tokens: list[Token], when: int) -> int | None:
    """Where the class name before the "when" at ``when`` starts, or None when the words
    before it name no class ("only when", "especially when")."""
    start = when
    while start > 0 and when - start < 4:
        token = tokens[start - 1]
        hyphened = "-" in (token.text, tokens[start].text)  # "life-threatening"
        # "acute severe": the small model tags "acute" a verb before an adjective
        misread = token.pos_ == "VERB" and start < when and tokens[start].pos_ == "ADJ"
        if token.pos_ in ("ADJ", "ADV", "NUM") or hyphened or misread or token.lower_ in _NUMBERED:
            start -= 1
            continue
        break
    named = tokens[start:when]
    if not named or not any(
        t.pos_ == "ADJ" or t.lower_ in _NUMBERED or t.text == "-" for t in named
    ):
        return None
    return start


def _last_end(tokens: list[Token], start: int) -> int:
    """Where the last class's condition ends: at a semicolon, or at a comma that opens
    another clause ("..., in which case", "..., and an ECG should be recorded")."""
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.text in (";", ":"):
            return index
        if token.text != "," or index + 1 >= len(tokens):
            continue
        after = tokens[index + 1]
        if after.lower_ in _CLAUSE_AFTER_COMMA:
            return index
        if after.lower_ == "and" and any(
            t.dep_ in ("nsubj", "nsubjpass") and t.head.i > t.i
            for t in tokens[index + 2 : index + 6]
        ):
            return index
    end = len(tokens)
    while end > start and tokens[end - 1].is_punct:
        end -= 1
    return end


def _text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in tokens).strip(" ,;")


def _subject(tokens: list[Token], first: int) -> tuple[int, int] | None:
    """The subject of the first class: the noun phrase before its verb group, in the
    clause the class is in (after any colon or semicolon)."""
    clause_start = max(
        (i + 1 for i, t in enumerate(tokens[:first]) if t.text in (":", ";")), default=0
    )
    for index in range(first - 1, clause_start - 1, -1):
        token = tokens[index]
        if token.dep_ in ("nsubj", "nsubjpass"):
            # from its left edge to the verb group after it
            end = index + 1
            while end < first and tokens[end].pos_ not in ("AUX", "VERB"):
                end += 1
            return max(token.left_edge.i - tokens[0].i, clause_start), end
    return None


def _classes(span: Span) -> tuple[str, str, list[_Class]] | None:
    """The subject, the verb group and the classes of a sentence defining two or more
    classes by their conditions; None for any other sentence."""
    tokens = list(span)
    found: list[tuple[int, int]] = []  # (class start, index of "when")
    for index, token in enumerate(tokens):
        if token.lower_ != "when" or index == 0:
            continue
        start = _class_start(tokens, index)
        if start is None or start == 0:
            continue
        before = tokens[start - 1].lower_
        if (not found and before in _FIRST) or (found and before in _JOIN | _FIRST):
            found.append((start, index))
    if len(found) < 2:
        return None
    first = found[0][0]
    subject = _subject(tokens, first)
    if subject is None:
        return None
    verb_group = _text(tokens[subject[1] : first])
    if not _VERB_GROUP.match(verb_group):
        return None
    classes: list[_Class] = []
    named_by: str | None = None
    for number, (start, when) in enumerate(found):
        if number + 1 < len(found):
            end = found[number + 1][0]
            # ", and it is severe when": the join is not the condition's
            while end > when and (
                tokens[end - 1].lower_ in _JOIN | _FIRST | {"it", "they"}
                or tokens[end - 1].is_punct
            ):
                end -= 1
        else:
            end = _last_end(tokens, when + 1)
        condition = _text(tokens[when:end])
        if len(condition.split()) < 3:
            return None
        said = condition
        owner = re.match(r"when (the [\w -]+?) (?:is|are|falls|rises)\b", condition, re.I)
        if number == 0 and owner:
            named_by = owner.group(1)
        elif named_by:
            # "moderate when it is 6.0 to 6.4 mmol/L": it is the first condition's subject
            said = re.sub(r"^when it\b", f"when {named_by}", condition, flags=re.I)
        if re.match(r"^when (?:it|they)\b", said, re.I):
            return None
        own_verb = number > 0 and tokens[start - 1].lower_ in _FIRST
        classes.append(_Class(_text(tokens[start:when]), condition, said, own_verb))
    return _text(tokens[subject[0] : subject[1]]), verb_group, classes


def class_cards(
    sentence: Sentence, context: Context, it: str | None, before: str = ""
) -> tuple[list[Candidate], tuple[str, ...]]:
    """One card per class of a sentence that defines several ("When is hyperkalaemia
    classified as moderate?" "When the potassium is 6.0 to 6.4 mmol/L"), and what they
    ask (each class's name and condition). ``before`` is the material just before the
    sentence, where "the score" of a condition is named."""
    if sentence.span is None:
        return [], ()
    read = _classes(sentence.span)
    if read is None:
        return [], ()
    subject, verb_group, classes = read
    if subject.lower() in ("it", "they"):
        if not it:
            return [], ()
        subject = it
    grouped = _VERB_GROUP.match(verb_group)
    assert grouped is not None
    be, verb = grouped.group("be").lower(), grouped.group("verb")
    cards, asked = [], []
    for each in classes:
        named = f"{verb.lower()} as {each.name}" if verb and not each.own_verb else each.name
        front = f"When {be} {lower_first(subject)} {named}?"
        scale = _named_scale(each.said, before)
        if scale and scale.lower() not in front.lower():
            front = f"By the {scale}, {lower_first(front)}"
        card = basic("class", sentence, context, front, each.said, each.condition, name_topic=True)
        cards.append(card)
        # a class whose card fails a gate (a condition too long for one answer) is left
        # to the sentence's other cards too
        if gates.card_drop(card, sentence.said) is None:
            asked += [each.name.lower(), each.condition.lower()]
    return cards, tuple(asked)


def asked_by_a_class(candidate: Candidate, asked: tuple[str, ...]) -> bool:
    """Whether ``candidate`` asks what the class cards of its sentence ask: a class name
    alone ("What is hyperkalaemia classified as?" "Mild"), or a piece of a class's
    condition (a cloze deleting "6.0 to 6.4 mmol/L" from the whole sentence)."""
    for answer in candidate.answers:
        bare = answer.strip(" .,;").lower()
        if bare and any(bare == piece or bare in piece for piece in asked):
            return True
    return False


_SCALE = r"score|scale|criteria|index|grade|stage"


def _named_scale(condition: str, before: str) -> str | None:
    """The name the material gave "the score" of a class's condition a little before it
    ("Use the two-level PE Wells score ... PE is likely when the score is more than 4
    points": the Wells score); None when the condition names its own or none is found."""
    unnamed = re.search(rf"\bthe ({_SCALE})\b", condition, re.I)
    if unnamed is None:
        return None
    noun = unnamed.group(1).lower()
    names = re.findall(rf"\b(?:the|a|an)\s+((?:[\w/-]+\s+){{1,4}}{noun})\b", before, re.I)
    named = [n for n in names if re.search(r"[A-Z]", n)]
    return re.sub(r"\s+", " ", named[-1]) if named else None
