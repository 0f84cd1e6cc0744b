"""Instructions asked by their condition: "Do not fly until a chest X-ray has shown ..."
gives "When can you fly?" "Not until a chest X-ray has shown ...".

Leaflets, guidelines and lecture notes state many of their facts as instructions: an
imperative with no subject whose condition ("until", "when", "if", "unless", "before",
"after") is what the reader must know. The verb phrase is asked with "you", as the
material addresses its reader; an instruction without a condition gives no question
(what to do is said by the whole sentence, and its terms are asked by a cloze).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, basic, cloze_card
from study.services.cardgen.deps import WHEN_MARKS, WHY_MARKS, mark_of, own_subject, threshold_after
from study.services.cardgen.gates import MAX_DELETION_WORDS, MAX_LIST_ITEM_WORDS
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import words, zipf

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Words an imperative may start with before its verb ("Do not fly", "Never stop ...").
_BEFORE_VERB = frozenset(["do", "does", "not", "n't", "never", "always", "please", "then"])
_MAX_VERB_PHRASE_WORDS = 10


def instruction_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """A question per condition of an imperative sentence: when to do (or not do) it.
    Each imperative verb of the sentence is an instruction of its own ("check liver
    function ..., and stop nitrofurantoin if lung function worsens")."""
    verbs = _instructions(sentence)
    if not verbs:
        return []
    root = verbs[0]
    if any(c.dep_ == "cc" and c.lower_ == "or" for c in root.children):
        # "Call 999 or go to A&E if ...": alternatives, one instruction with one condition
        return _verb_cards(sentence, context, root, [], verbs[1:])
    found: list[Candidate] = []
    for verb in verbs:
        found += _verb_cards(sentence, context, verb, [v for v in verbs if v != verb], [])
    return found + _instruction_list(sentence, context)


def _instruction_list(sentence: Sentence, context: Context) -> list[Candidate]:
    """A sentence that lists instructions ("Wash hands often, catch coughs in a tissue,
    and do not share towels"): a deletion per instruction. It opens with its instruction
    and its last item, after ", and", is another joined to it (so the items between, in
    the same list, are instructions too, however the parser tagged them)."""
    span = sentence.span
    assert span is not None
    root = span.root
    text = sentence.text
    closing = list(re.finditer(r",\s+(?:and|or)\s+", text))
    if root.i != span.start or not closing:
        return []
    last = closing[-1]
    after = [t for t in span if t.idx - span.start_char >= last.end()]
    verb = next((t for t in after if t.lower_ not in _BEFORE_VERB), None)
    if verb is None or verb.tag_ != "VB" or verb.dep_ != "conj":
        return []
    joined = verb
    while joined.dep_ == "conj" and joined.head != joined:
        joined = joined.head  # "wash ..., keep ..., and do not share ...": a chain of conj
    if joined != root:
        return []
    items = [(m.start(1), m.group(1)) for m in _ITEM.finditer(text[: last.start()])]
    end = len(text.rstrip(" .;"))
    items.append((last.end(), text[last.end() : end]))
    if len(items) < 3 or any(not 0 < len(words(i)) <= MAX_LIST_ITEM_WORDS for _, i in items):
        return []
    spans = [(at, at + len(item)) for at, item in items]
    card = cloze_card("list-item", sentence, context, text, spans)
    return [card] if card else []


def _instructions(sentence: Sentence) -> list[Token]:
    """The verbs of an imperative sentence, each an instruction: its root and the base-form
    verbs joined to it with no subject of their own (none for any other sentence)."""
    span = sentence.span
    if span is None or not _imperative(span):
        return []
    root = span.root
    return [root] + [
        c for c in root.children if c.dep_ == "conj" and c.tag_ == "VB" and own_subject(c) is None
    ]


def step_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """A cloze on an instruction that gives no other card, a step of a list of them
    ("Avoid moving the patient between wards or rooms."): what each of its verbs is done
    to or with, deleted (its first complement with a specific word: "[moving the patient
    between wards or rooms]", not "the patient")."""
    span = sentence.span
    verbs = _instructions(sentence)
    if span is None or not verbs:
        return []
    spans: list[tuple[int, int]] = []
    listed = False
    for verb in verbs:
        for complement in verb.children:
            if complement.i < verb.i or complement.dep_ not in _COMPLEMENTS:
                continue
            tokens = list(complement.subtree)
            if complement.dep_ == "prep":  # "with [a clock and calendar]": its object
                tokens = [t for t in tokens if t != complement]
            if any(t in verbs for t in tokens) or not tokens:
                continue
            text = _text(tokens)
            specific = any(
                zipf(t.text) < _SPECIFIC_ZIPF for t in tokens if t.is_alpha and len(t) > 2
            )
            start = min(t.idx for t in tokens) - span.start_char
            items = _items(text)
            if specific and 0 < len(words(text)) <= MAX_DELETION_WORDS:
                spans.append((start, start + len(text)))
                break
            if specific and items:  # "with A, B, and C": each of its items
                spans += [(start + at, start + at + len(item)) for at, item in items]
                listed = True
                break
    pattern = "list-item" if listed else "instruction-step"
    card = cloze_card(pattern, sentence, context, sentence.text, spans) if spans else None
    return [card] if card else []


def _items(text: str) -> list[tuple[int, str]]:
    """The items of a list that ends ", and C" or ", or C" (where in ``text``, item), each
    of a few words ("a clock and calendar, their glasses and hearing aids, and visits from
    family"); none for any other text."""
    if not re.search(r",\s+(?:and|or)\s+[^,]+$", text):
        return []
    found = [(m.start(1), m.group(1)) for m in _ITEM.finditer(text)]
    if len(found) < 3 or any(not 0 < len(words(i)) <= _MAX_ITEM_WORDS for _, i in found):
        return []
    return found


# an item of a list: after the start or a comma, and the list's own "and"/"or"
_ITEM = re.compile(r"(?:^|,\s+)(?:(?:and|or)\s+)?([^,]+)")
_MAX_ITEM_WORDS = 5


# what an instruction is done to or with: "avoid [moving ...]", "review [every medicine]"
_COMPLEMENTS = frozenset(["dobj", "xcomp", "prep", "dative", "ccomp"])


def _verb_cards(
    sentence: Sentence,
    context: Context,
    root: Token,
    others: list[Token],
    alternatives: list[Token],
) -> list[Candidate]:
    negated = any(c.dep_ == "neg" or c.lower_ == "never" for c in root.children)
    holders = [root, *alternatives]
    conditions = [
        c
        for h in holders
        for c in h.children
        if c.dep_ in ("advcl", "prep")
        and mark_of(c) in WHEN_MARKS
        and c.i > h.i
        and not _conceded(c)
    ]
    conditions += [
        c
        for h in holders
        for c in h.children
        if c.dep_ == "prep"
        and c.lower_ in ("until", "before", "after", "within", "during")
        and c.i > h.i
    ]
    # "Call 999 if your child has A, is B, or has C": the parser hangs the condition's
    # later verbs on the instruction's; a finite verb with no subject is not an
    # instruction, so it goes on with the condition before it
    going_on = [
        c
        for c in root.children
        if c.dep_ == "conj" and c.tag_ in ("VBZ", "VBP", "VBD") and own_subject(c) is None
    ]
    skipped = {t.i for c in root.children if c.dep_ == "advcl" for t in c.subtree}
    skipped |= {t.i for c in conditions for t in _when(c)}
    skipped |= {t.i for c in going_on for t in c.subtree}
    # the other instructions of the sentence, and the "and" before them
    skipped |= {t.i for v in others if v.head == root for t in v.subtree}
    skipped |= {
        c.i for c in root.children if c.dep_ == "cc" and any(v.head == root for v in others)
    }
    action = _verb_phrase(root, skipped)
    if not action or len(action.split()) > _MAX_VERB_PHRASE_WORDS:
        return []
    if any(
        t.tag_ in ("VBZ", "VBP", "VBD") and t != root
        for t in root.subtree
        if t.i not in skipped and t.i > root.i
    ):
        # "ask for an urgent appointment ... becomes hot": a clause of the condition the
        # parser hung on the instruction; what to do cannot be told from it
        return []
    exceptions = [_text(_without_reasons(c)) for c in conditions if mark_of(c) == "unless"]
    # "Never go diving after X, unless Y": the exception stays with the rule
    besides = f", {exceptions[0]}" if exceptions else ""
    found = _object_cards(sentence, context, root, skipped, negated, besides, conditions)
    for condition in conditions:
        if any(t.text == ";" for t in root.doc[root.i : condition.left_edge.i]):
            # "keep K+ 4-5 mmol/L; >4.5 mmol/L if on digoxin": the condition is the next
            # part's, which leaves the verb out; asked with this verb it tells a false rule
            continue
        tokens = _when(condition)
        tokens += [t for c in going_on if c.i > condition.i for t in _with_joints(c)]
        when = _text(tokens)
        word = when.split()[0].lower()
        if word == "unless" or (word == "until" and not negated):
            continue  # kept in the rule's question; "do X until Y" is how long, not when
        if negated and word == "until":
            front, back = f"When can you {action}{besides}?", f"not {when}"
        elif negated:
            front, back = f"When should you not {action}{besides}?", when
        else:
            front, back = f"When should you {action}{besides}?", when
        found.append(basic("instruction", sentence, context, front, back, name_topic=True))
    return found


def _object_cards(
    sentence: Sentence,
    context: Context,
    root: Token,
    skipped: set[int],
    negated: bool,
    besides: str,
    conditions: list[Token],
) -> list[Candidate]:
    """What an instruction says to do it to, asked by the rest of it: "Never give aspirin
    to children under 16" gives "What should you never give to children under 16?"
    "Aspirin"; "During long-term use, check liver function" gives "What should you check
    during long-term use?"."""
    objects = [c for c in root.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    if len(objects) != 1 or any(c.dep_ in ("oprd", "ccomp", "xcomp") for c in root.children):
        return []
    thing = list(objects[0].subtree)
    answer = _text(thing)
    if (
        not 0 < len(answer.split()) <= _MAX_OBJECT_WORDS
        # "keep your child off school": a person, not what is done
        or any(c.dep_ == "poss" and c.pos_ == "PRON" for c in objects[0].children)
        # "never go scuba diving": an activity the verb goes on to, not its object
        or objects[0].lower_.endswith("ing")
        # "use the cream", "see a doctor": nothing specific to learn
        or all(zipf(t.text) >= _SPECIFIC_ZIPF for t in thing if t.is_alpha and len(t) > 2)
    ):
        return []
    # what says when ("During long-term use, check ...", "if PE is likely, arrange ...",
    # "... when epiglottitis is possible") stays in the question
    leading = [c for c in root.children if c.i < root.i and c.dep_ in ("prep", "advcl", "npadvmod")]
    leading = [c for c in leading if c.dep_ != "advcl" or mark_of(c) in WHEN_MARKS]
    after = [c for c in conditions if mark_of(c) != "unless"]
    leave = skipped | {t.i for t in thing} | {t.i for c in leading for t in c.subtree}
    rest = _verb_phrase(root, leave)
    when = "".join(f" {_text(_when(c))}" for c in [*leading, *after])
    when = when[:2].lower() + when[2:]
    never = any(c.lower_ == "never" for c in root.children)
    how = "never " if never else "not " if negated else ""
    front = f"What should you {how}{rest}{when}{besides}?"
    return [basic("instruction-object", sentence, context, front, answer, name_topic=True)]


_MAX_OBJECT_WORDS = 6
# An object with no word rarer than this ("the cream", "a doctor") is not worth asking.
_SPECIFIC_ZIPF = 4.5


def _when(condition: Token) -> list[Token]:
    """A condition's words, with the span of time the parser hung on the verb just before
    it ("start aspirin [2 wk] after symptoms settle": how long after is part of when); only
    before "after" and "before", which count from something ("<300 µmol/L if tophi" is a
    target, not how long)."""
    if condition.left_edge.lower_ not in ("after", "before"):
        # "if LVEF <40%": the threshold the parser hung on the verb is the condition's
        threshold = threshold_after(condition.right_edge)
        return [*condition.subtree, *(condition.doc[i] for i in threshold)]
    before = condition.left_edge.i - 1
    measures = [
        c
        for c in condition.head.children
        if c.dep_ == "npadvmod" and c.right_edge.i == before and c.i < condition.i
    ]
    return [t for m in measures for t in m.subtree] + list(condition.subtree)


def _conceded(clause: Token) -> bool:
    """ "even if the sores look better": a concession, not when to do it."""
    opening = clause.left_edge
    before = opening.doc[opening.i - 1].lower_ if opening.i > 0 else ""
    return before == "even" or any(c.lower_ == "even" for c in clause.children)


def _without_reasons(clause: Token) -> list[Token]:
    """A clause without the reason the parser hung inside it ("unless a doctor tells you
    to, because it can cause ...": the reason is the instruction's, and its "it" is what
    a question about the instruction asks)."""
    reasons = {
        t.i
        for d in clause.subtree
        if d != clause and d.dep_ == "advcl" and mark_of(d) in WHY_MARKS
        for t in d.subtree
    }
    return [t for t in clause.subtree if t.i not in reasons]


def _with_joints(verb: Token) -> list[Token]:
    """A verb's subtree with the comma and "or" before it ("..., or has a fit")."""
    before = []
    at = verb.left_edge.i - 1
    while at >= 0 and verb.doc[at].dep_ in ("cc", "punct") and verb.doc[at].head == verb.head:
        before.append(verb.doc[at])
        at -= 1
    return before + list(verb.subtree)


def _imperative(span: Span) -> bool:
    """Whether the sentence is an instruction: a base-form main verb with no subject,
    after nothing but "do not", "never" and the like."""
    root = span.root
    if root.tag_ != "VB" or own_subject(root) is not None:
        return False
    # "During long-term use, check ...": a phrase that says when comes first
    leading = {
        t.i
        for c in root.children
        if c.i < root.i and c.dep_ in ("prep", "advcl", "npadvmod")
        for t in c.subtree
    }
    before = [t for t in span if t.i < root.i and not t.is_punct and t.i not in leading]
    return all(t.lower_ in _BEFORE_VERB for t in before)


def _verb_phrase(root: Token, skipped: set[int]) -> str:
    """The instruction's verb with its objects ("examine the throat"), without its
    conditions, its "do not" and its final punctuation."""
    tokens = [
        t
        for t in root.subtree
        if t.i not in skipped
        and not (t.head == root and t.dep_ in ("aux", "neg", "punct", "advmod") and t.i < root.i)
        and not (t.head == root and t.dep_ == "punct")
        and not (t.head == root and t.dep_ == "advmod" and t.lower_ in ("never", "always"))
    ]
    text = _text(tokens)
    return text[:1].lower() + text[1:] if tokens and tokens[0].i == root.sent.start else text


def _text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in sorted(tokens, key=lambda t: t.i)).strip(" ,;.")
