"""The clauses of a long sentence that gave no card, while the sentence gave others.

A long sentence is also read clause by clause (``clauses``): each clause, and each remark in
parentheses that is a clause or a list, is told as a sentence of its own and proposes
cards. A clause can end with no card (nothing in it the reader can ask, its facts asked by
the sentence's own cards, or each of its cards failing a gate or asked by another card)
while the sentence keeps cards from its other clauses; the sentence is then not reported
as a sentence without cards, so ``unasked`` names each such clause for ``--report``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from study.services.cardgen import gates
from study.services.cardgen.candidates import Candidate

NOTHING_TO_ASK = "no fact the reader could ask: no clause with a subject and no rare term"
FAILED_GATES = "each of its cards failed a gate (listed above)"
ASKED_ELSEWHERE = (
    "each of its cards failed a gate or asks what another card of the sentence asks (listed above)"
)
# Not a clause without a card: its facts are asked, by cards of the whole sentence.
ASKED_WHOLE = "asked by the cards of its whole sentence, not by cards of its own"


def unasked(
    clauses: Sequence[str],
    asides: Sequence[str],
    proposed: Sequence[Candidate],
    left: Sequence[Candidate],
    kept: Sequence[Candidate],
    verdict: Callable[[Candidate], str | None],
) -> list[tuple[str, str]]:
    """Each clause (of ``clauses``) and remark in parentheses (of ``asides``) that gave none
    of the ``kept`` cards, with the reason for ``--report``. ``proposed`` are the cards the
    pieces proposed, ``left`` those of them the sentence's own cards do not ask, and
    ``verdict`` a card's gate verdict (None when it passes); a piece's cards are those told
    from its text."""
    asking = {candidate.sentence.text for candidate in kept}
    found: list[tuple[str, str]] = []
    for text in dict.fromkeys([*clauses, *asides]):
        if text in asking:
            continue
        mine = [c for c in proposed if c.sentence.text == text]
        remaining = [c for c in left if c.sentence.text == text]
        if not mine:
            why = NOTHING_TO_ASK
        elif not remaining:
            why = ASKED_WHOLE
        elif all(verdict(c) for c in remaining):
            why = FAILED_GATES
        else:
            why = ASKED_ELSEWHERE
        piece = "a clause" if text in clauses else "a remark in parentheses"
        if why == ASKED_WHOLE:
            found.append((f"{piece} {why}", text))
        else:
            found.append((f"{piece} of a sentence that gave other cards gave none: {why}", text))
    return found


READ_WHOLE = (
    "a clause of a long sentence read whole gave no card: no card of the sentence asks a "
    "word of it (its own cards passed the gates, so it was not read on its own)"
)


def unread(clauses: Sequence[str], kept: Sequence[Candidate]) -> list[tuple[str, str]]:
    """Each of ``clauses`` (of a long sentence whose own cards passed the gates, so its
    clauses were not read on their own) that none of the ``kept`` cards of the sentence
    asks a word of: no deletion or answer of them is in the clause, as whole words and not
    as its opening. A property of common words deleted from the long sentence
    (``gates.common_property``: "dietary deficiency is [common] in vegans") asks no key
    term of its clause. The opening is the clause's subject, often named from its sentence
    ("..., and it is the commonest cause of ..." told as "Pernicious anaemia is the
    commonest cause of ..."): a card answering with that subject asks another clause's
    fact, and "common" asked elsewhere is not "commonest"."""
    asked = [
        gates.bare(a)
        for c in kept
        for a in (c.answers if c.type == "cloze" else (c.back,))
        if gates.bare(a) and not gates.common_property(c, a)
    ]
    found: list[tuple[str, str]] = []
    for text in dict.fromkeys(clauses):
        said = text.lower()
        if not any(_inside(a, said) for a in asked):
            found.append((READ_WHOLE, text))
    return found


def _inside(answer: str, clause: str) -> bool:
    """Whether ``answer`` is in ``clause`` as whole words, past its first word."""
    return any(
        m.start() > 0 for m in re.finditer(rf"(?<![\w-]){re.escape(answer)}(?![\w-])", clause)
    )
