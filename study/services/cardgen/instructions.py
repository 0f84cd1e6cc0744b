"""Instructions asked by their condition: "Do not fly until a chest X-ray has shown ..."
gives "When can you fly?" "Not until a chest X-ray has shown ...".

Leaflets, guidelines and lecture notes state many of their facts as instructions: an
imperative with no subject whose condition ("until", "when", "if", "unless", "before",
"after") is what the reader must know. The verb phrase is asked with "you", as the
material addresses its reader; an instruction without a condition gives no question
(what to do is said by the whole sentence, and its terms are asked by a cloze).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, basic
from study.services.cardgen.deps import WHEN_MARKS, mark_of, own_subject
from study.services.cardgen.sentences import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Words an imperative may start with before its verb ("Do not fly", "Never stop ...").
_BEFORE_VERB = frozenset(["do", "does", "not", "n't", "never", "always", "please", "then"])
_MAX_VERB_PHRASE_WORDS = 10


def instruction_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """A question per condition of an imperative sentence: when to do (or not do) it."""
    span = sentence.span
    if span is None or not _imperative(span):
        return []
    root = span.root
    negated = any(c.dep_ == "neg" or c.lower_ == "never" for c in root.children)
    conditions = [
        c
        for c in root.children
        if c.dep_ in ("advcl", "prep") and mark_of(c) in WHEN_MARKS and c.i > root.i
    ]
    conditions += [
        c
        for c in root.children
        if c.dep_ == "prep"
        and c.lower_ in ("until", "before", "after", "within", "during")
        and c.i > root.i
    ]
    skipped = {t.i for c in root.children if c.dep_ == "advcl" for t in c.subtree}
    skipped |= {t.i for c in conditions for t in c.subtree}
    action = _verb_phrase(root, skipped)
    if not action or len(action.split()) > _MAX_VERB_PHRASE_WORDS:
        return []
    exceptions = [_text(list(c.subtree)) for c in conditions if mark_of(c) == "unless"]
    # "Never go diving after X, unless Y": the exception stays with the rule
    besides = f", {exceptions[0]}" if exceptions else ""
    found: list[Candidate] = []
    for condition in conditions:
        when = _text(list(condition.subtree))
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


def _imperative(span: Span) -> bool:
    """Whether the sentence is an instruction: a base-form main verb with no subject,
    after nothing but "do not", "never" and the like."""
    root = span.root
    if root.tag_ != "VB" or own_subject(root) is not None:
        return False
    before = [t for t in span if t.i < root.i and not t.is_punct]
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
