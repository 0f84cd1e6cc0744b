"""A list item read with the line that leads into it.

"Ask for an urgent GP appointment or call 111 if:" and then "- you are an adult with
chickenpox, because ...": the item finishes the lead's sentence. Read alone, it says
"you are an adult with chickenpox" and a card asks "What are you?"; read with its lead,
it is the instruction and its condition ("When should you ask for an urgent GP appointment
or call 111?"). A lead that is a whole clause before a list of instructions ("While you
have impetigo:") is read the same way, the item after a comma.

Lists of short items are asked as lists (structured.py); this is for the items such a
list could not take (too long, or a lead that names nothing), which used to be read as
sentences of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, cloze_card, without_deletions
from study.services.cardgen.gates import MAX_LIST_ITEM_WORDS
from study.services.cardgen.nlp import parse
from study.services.cardgen.notes import ARROW
from study.services.cardgen.sentences import Block, Sentence
from study.services.cardgen.terms import words
from study.services.cardgen.topics import lower_first, section_label

if TYPE_CHECKING:
    from spacy.tokens import Token

# what a verb that ends a lead takes when its sentence is whole ("call 111", "are common")
_COMPLETED = frozenset(["dobj", "attr", "acomp", "ccomp", "xcomp", "oprd", "dative"])


@dataclass(frozen=True)
class Led(Sentence):
    """A list item's sentence read after its lead: ``text`` is the lead and the item,
    ``raw`` the item as the material has it; the item starts at ``item`` in ``text``."""

    item: int = 0
    # whether the item is the first of its list (a quantity of the lead is asked once)
    first: bool = True


def led_sentences(blocks: list[Block], index: int, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences of the list item ``blocks[index]``, its first one read with the lead
    of its list when that lead is a clause the item finishes (else unchanged)."""
    found = _lead(blocks, index)
    if found is None or not sentences:
        return sentences
    lead, first_item = found
    joint = _joint(lead)
    if joint is None:
        return sentences
    first = sentences[0]
    opening = lead.text.rstrip(" :")
    item = lower_first(first.text)
    text = f"{opening}{joint}{item}"
    [doc] = parse([text])
    shift = len(opening) + len(joint)
    joined = Led(
        text=text,
        raw=first.raw,
        start=first.start,
        end=first.end,
        span=doc[:],
        asides=tuple((at + shift, aside) for at, aside in first.asides),
        item=shift,
        first=first_item == index,
    )
    return [joined, *sentences[1:]]


def lead_cards(sentence: Sentence, proposed: list[Candidate], context: Context) -> list[Candidate]:
    """The cards of a sentence, and for an item read after a lead that ends in its
    condition ("... call 111 if:") a cloze on what the item says that condition is; a
    quantity of the lead ("111") is asked on the list's first item only."""
    if not isinstance(sentence, Led):
        return proposed
    proposed = asked_once(sentence, proposed)
    lead = [w.lower().strip(",") for w in sentence.text[: sentence.item].split()]
    if not lead or not (
        lead[-1] in _CONDITION_MARKS
        # "... if you have gout and:": the item is the second half of the condition
        or (lead[-1] in ("and", "or") and _CONDITION_MARKS & set(lead))
    ):
        return proposed
    # the cloze asks the condition with the whole lead; "When should you call 111?"
    # (one of the lead's two actions, one of the list's conditions) would not
    proposed = [c for c in proposed if c.pattern != "instruction"]
    item = sentence.text[sentence.item :]
    # the condition ends where the item goes on to say why or which ("..., because")
    cut = _GOES_ON.search(item)
    condition = item[: cut.start()] if cut else item.rstrip(" .;")
    if len(words(condition)) > MAX_LIST_ITEM_WORDS and ", " in condition:
        # "you are pregnant, have not had chickenpox before, and have been near someone
        # with it": too long for one deletion, its first part is asked with the rest shown
        condition = condition[: condition.index(", ")]
    condition = _first_of_joined(sentence, condition)
    end = sentence.item + len(condition)
    card = cloze_card("list-item", sentence, context, sentence.text, [(sentence.item, end)])
    if card is None:
        return proposed
    shown = sentence.text[: sentence.item] + sentence.text[end:]
    topic = context.topic
    unnamed = topic and not context.names_topic(shown)
    if topic and unnamed and card.text.startswith(sentence.text[: sentence.item]):
        # the topic named in the deleted condition only: the question does not name it
        label = section_label(topic, context.headings, card.text)
        card = replace(card, text=f"{label}: {lower_first(card.text)}")
    return [*proposed, card]


def _first_of_joined(sentence: Led, condition: str) -> str:
    """The first of two verb phrases joined by "and" or "or" that make the condition ("you
    have a weakened immune system and have been near someone with it", "your eye is
    painful, or bright light hurts it"): deleted whole, the items of a list show the same
    front ("call 111 if [...]"); with the first deleted, the rest shown tells them
    apart."""
    end = sentence.item + len(condition)
    for token in sentence.span or ():
        at = token.idx - sentence.span.start_char if sentence.span is not None else 0
        if not sentence.item < at < end or token.dep_ != "cc" or token.lower_ not in ("and", "or"):
            continue
        head = token.head
        joined = [c for c in head.children if c.dep_ == "conj" and c.i > token.i]
        if head.pos_ in ("VERB", "AUX") and (
            any(c.pos_ in ("VERB", "AUX") for c in joined) or _clause_after(token)
        ):
            return sentence.text[sentence.item : at].rstrip(" ,")
    return condition


def _clause_after(joint: Token) -> bool:
    """Whether a clause with its own subject follows ``joint`` (", or bright light hurts
    it", whose verb the parser may hang on the lead's)."""
    return any(
        c.dep_ in ("nsubj", "nsubjpass") and c.i > joint.i and c.head.i > joint.i
        for c in joint.doc[joint.i + 1 : joint.i + 5]
    )


def asked_once(sentence: Sentence, proposed: list[Candidate]) -> list[Candidate]:
    """``proposed`` without deletions of the lead's words on every item of its list but
    the first ("call [111] if ..." once)."""
    if not isinstance(sentence, Led) or sentence.first:
        return proposed
    kept = (_item_deletions(c, sentence) for c in proposed)
    return [c for c in kept if c is not None]


def _item_deletions(candidate: Candidate, sentence: Led) -> Candidate | None:
    """``candidate`` without the deletions of the lead's words (None when it has no
    other): on every item of the list but the first they would ask the same again."""
    if candidate.type != "cloze":
        return candidate
    item = sentence.text[sentence.item :]

    def in_item(answer: str) -> bool:  # a whole word of the item ("2" is not in "20 mg")
        return re.search(rf"(?<!\w){re.escape(answer)}(?!\w)", item) is not None

    kept = [a for a in candidate.answers if in_item(a)]
    if len(kept) == len(candidate.answers):
        return candidate
    if not kept:
        return None
    return without_deletions(candidate, lambda _, answer: not in_item(answer))


# the marks a lead can end in before the condition its items give
_CONDITION_MARKS = frozenset(["if", "when", "unless", "whenever"])
_GOES_ON = re.compile(r",\s+(?:because|which|as|since|so|although|but|especially)\b")


def starts_list(blocks: list[Block], index: int) -> bool:
    """Whether the bullet ``blocks[index]`` begins a list."""
    before = blocks[index - 1] if index else None
    return (
        before is None
        or before.kind != "bullet"
        or before.headings != blocks[index].headings
        or before.indent < blocks[index].indent  # a sub-list under its item
        or introduces(before)
    )


def introduces(block: Block) -> bool:
    """Whether ``block`` introduces a list: a paragraph or an item ending in a colon."""
    return block.kind in ("paragraph", "bullet") and block.text.rstrip().endswith(":")


def _lead(blocks: list[Block], index: int) -> tuple[Sentence, int] | None:
    """The sentence ending in a colon that introduces the list ``blocks[index]`` is in,
    and the index of the list's first item."""
    start = index
    while start > 0 and not starts_list(blocks, start):
        start -= 1
    if start == 0 or blocks[start].kind != "bullet":
        return None
    before = blocks[start - 1]
    if before.kind != "paragraph" or not before.text.rstrip().endswith(":"):
        return None
    said = before.sentences()
    return (said[-1], start) if said and said[-1].span is not None else None


def _joint(lead: Sentence) -> str | None:
    """How an item joins its lead: " " after a lead its item finishes ("... call 111
    if:", "A pharmacist may recommend:"), ", " after a whole subordinate clause ("While
    you have impetigo:"); None for a lead that is whole ("The symptoms are as follows:")
    or names a list ("Risk factors:")."""
    span = lead.span
    assert span is not None
    if ARROW.search(lead.text) or " = " in lead.text:
        return None  # a line of notes: its items are read as the list it names
    tokens = [t for t in span if not t.is_punct]
    if len(tokens) < 2:
        return None
    last = tokens[-1]
    if last.tag_ in ("IN", "TO", "MD", "CC") and last.lower_ not in ("follows", "below"):
        return " "  # (" ... if you have shingles and:": the item is the condition's second part)
    if any(t.dep_ == "mark" and t.head.pos_ not in ("VERB", "AUX") for t in tokens):
        return " "  # "Call 999 if your child:": the clause after "if" has no verb yet
    if last.pos_ in ("VERB", "AUX") and not any(c.dep_ in _COMPLETED for c in last.children):
        return " "  # "A pharmacist or GP may recommend:", "Symptoms include:"
    first = tokens[0]
    if first.dep_ == "mark" and first.head.dep_ == "ROOT" and first.head.pos_ in ("VERB", "AUX"):
        return ", "  # "While you have impetigo:", then instructions
    return None
