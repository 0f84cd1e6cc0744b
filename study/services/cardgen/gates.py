"""Quality gates: which sentences may give cards, and which candidate cards are kept.

Every rejection carries a reason, which ``study generate --report`` prints with the
sentence, so a reviewer can see what the generator left out and why.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from study.domain import cloze
from study.services.cardgen import wellformed
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.forms import superlative
from study.services.cardgen.terms import (
    ARTICLES,
    PRONOUNS,
    STOPWORDS,
    content_words,
    stem,
    word_list,
    words,
)

if TYPE_CHECKING:
    from spacy.tokens import Span

MIN_SENTENCE_WORDS = 4
MAX_QUESTION_WORDS = 40
# A cloze shows its whole sentence and the topic before it: criteria are often one long
# sentence. No sentence is dropped for its length; a cloze longer than this is (its
# clauses are asked by questions instead).
MAX_CLOZE_WORDS = 70
MAX_ANSWER_WORDS = 16
MAX_DELETION_WORDS = 8
# A sentence longer than this holds several facts: a property in common words deleted
# from it is not one of them.
LONG_PREDICATE_SENTENCE = 40
# A list is recalled item by item: each item may be longer than one deletion ("drugs,
# such as ACE inhibitors and spironolactone"), and the whole list longer than one answer.
MAX_LIST_ITEM_WORDS = 14
MAX_LIST_WORDS = 16
NEAR_DUPLICATE = 85  # rapidfuzz token-sort ratio, 0-100
# A term shared by more cards than this says little about duplication; skipping it keeps
# the comparison within small groups even for a large deck.
MAX_GROUP = 60

_CROSS_REFERENCE = re.compile(
    # "See a doctor the same day if ..." is advice to act on, not a cross-reference
    r"^\(?(?:see(?!\s+(?:a|an|your|the\s+(?:doctor|gp|nurse))\b)|see also|read more|click|"
    r"back to|return to|continue reading|related:|source:|figure|fig\.|table)\b"
    r"|\bback to text\b",
    re.IGNORECASE,
)
_QUOTED_PERSON = re.compile(
    r"[”\"],?\s+(?:[A-Z][\w.-]*\s+){1,3}(?:says|said|explains|adds|notes|recalls)\b"
    r"|\b(?:says|said|explains|recalls)\s*,?\s*[“\"]",
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|we|we've|we’ve|we're|we’re|us|our|my|me)\b")
# "grades I to IV", "type I", "stage I and II", "grade I-II": the Roman numeral, not "I".
_NUMERAL_BEFORE = re.compile(
    r"\b(?:types?|grades?|stages?|class(?:es)?|phases?|levels?|from)\s+$", re.I
)
_NUMERAL_AFTER = re.compile(r"^(?:\s+(?:to|and|or)\s+|\s*[-–]\s*)[IVX]+\b")


def _first_person(text: str) -> bool:
    """Whether ``text`` speaks as "I" or "we" (a Roman numeral I is not a pronoun)."""
    for match in _FIRST_PERSON.finditer(text):
        if match.group(0) == "I" and (
            _NUMERAL_BEFORE.search(text[: match.start()])
            or _NUMERAL_AFTER.match(text[match.end() :])
        ):
            continue
        return True
    return False


_ASIDE = re.compile(r"\b(?:mentioned earlier|as noted above|as we saw|earlier in this)\b", re.I)


# Nouns that say nothing without what they belong to: "The cause" answers no question.
GENERIC_NOUNS = word_list("generic-nouns")


# "showing these features", "in those patients": a back reference the card cannot show.
_BACK_REFERENCE = re.compile(
    r"\b(?:these|those)\s+(?!include\b|are\b|were\b|over\b|under\b|with\b|who\b|whose\b|aged\b|"
    r"above\b|below\b|at\b|in\b|on\b|taking\b|having\b"
    # "those allergic to penicillin", "those exposed to measles": people named by an
    # adjective or participle and its preposition, not a thing said elsewhere
    r"|[a-z]+(?:ic|ed|ent|ant|ble|ive)\s+(?:to|of|for|by|from|with)\b)[a-z]+",
    re.I,
)


FRAGMENT = "fragment: too short to state a fact"


def sentence_drop(text: str, span: Span | None, has_topic: bool) -> str | None:
    """Why ``text`` can give no card at all, or None when it may be read."""
    count = len(words(text))
    if _CROSS_REFERENCE.search(text):
        return "cross-reference, not a fact"
    if count < MIN_SENTENCE_WORDS and not re.match(r"^[^:]{2,40}:\s+\S", text):
        return FRAGMENT
    if text.rstrip().endswith(":"):
        return "introduces a list (the list gives the cards)"
    if _QUOTED_PERSON.search(text):
        return "quote of a person (anecdote), not a fact"
    if _first_person(text) or _ASIDE.search(text):
        return "conversational aside of the author"
    if text.rstrip().endswith("!"):
        return "exclamation: an opinion rather than a fact"
    if span is not None and is_instruction(span) and not has_topic:
        return "instruction (exercise or advice) with no named subject"
    return None


def is_instruction(span: Span) -> bool:
    """Whether the sentence is an imperative ("Hold for 60 seconds"): its main verb is
    in the base form, comes first and has no subject."""
    root = span.root
    first = next((t for t in span if not t.is_punct and t.lower_ not in _OPENERS), None)
    return (
        root.tag_ == "VB"
        and first == root
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in root.children)
    )


_OPENERS = frozenset(["then", "now", "next", "and", "again", "first", "finally"])


def card_drop(candidate: Candidate, source_text: str) -> str | None:
    """Why ``candidate`` fails a gate, or None when it passes every one."""
    if candidate.doubt:
        return candidate.doubt
    for answer in candidate.answers:
        if re.match(r"(?:these|this|that|such)\s+\w", answer.strip(), re.IGNORECASE) or re.match(
            r"those\s+(?!over|under|with|who|aged|above|below|at|in|on|taking|having)\w",
            answer.strip(),
            re.IGNORECASE,
        ):
            return f"answer {answer!r} names something said elsewhere"
        reason = _answer_problem(answer)
        if reason:
            return reason
        if not _traceable(answer, source_text):
            return f"answer {answer!r} not found in its source sentence"
    question = candidate.question
    if _DANGLING.search(question):
        return "leans on text around it: the card starts with a word it does not name"
    if sum(question.count(q) for q in '“”"') % 2 or re.search(r"\s’\s", question):
        return "a quotation cut in two: the card would show a stray quotation mark"
    most = MAX_CLOZE_WORDS if candidate.type == "cloze" else MAX_QUESTION_WORDS
    if len(words(question)) > most:
        return f"question longer than {most} words"
    if re.search(r"\b(?:this|that) (?:condition|procedure|disease|type of)\b", question, re.I) or (
        # a question stands alone: "What is a common complication of this treatment?" asks
        # about a treatment it does not show (a cloze shows the sentence that names it)
        candidate.type == "basic" and re.search(r"\bthis\s+[a-z]", question, re.I)
    ):
        return "question refers to 'this ...' that it does not name"
    if _BACK_REFERENCE.search(question):
        return "refers to 'these ...' said elsewhere, which the card does not name"
    if candidate.type == "basic" and _CHATTY.search(f"{candidate.front} {candidate.back}"):
        return "talks to the reader (an aside), not a fact to learn"
    listed = candidate.pattern in ("list-whole", "list-item")
    if candidate.type == "basic":
        most = MAX_LIST_WORDS if listed else MAX_ANSWER_WORDS
        if len(_TOKEN.findall(candidate.back)) > most:
            return f"answer longer than {most} words (one short fact per card)"
        if contained(candidate.back, candidate.front):
            return "answer appears in the question"
    else:
        if _common_predicate(candidate):
            return "a predicate of common words deleted from a long sentence: no key term"
        if _measure_of_a_threshold(candidate):
            # "Avoid X if the [eGFR] is below 45 mL/min/1.73 m2": the unit gives the
            # measure away, and the threshold (asked by the number cloze) is the fact
            return "the measure of a threshold deleted: the number beside it is the fact"
        numbers = cloze.cloze_numbers(candidate.text)
        for number in numbers:
            hidden = cloze.deleted_answers(candidate.text, number)
            most = MAX_LIST_ITEM_WORDS if listed else MAX_DELETION_WORDS
            if any(len(words(h)) > most for h in hidden):
                return f"cloze deletion longer than {most} words"
            if len(numbers) == 1 and any(h.count("(") != h.count(")") for h in hidden):
                # "its half-life is [long (]about 40 hours)": the learner sees half a remark
                # (a list's cloze keeps its other deletions: a notes line's items)
                return "a cloze deletion that cuts a parenthesis in two"
            shown = cloze.question(candidate.text, number)
            if any(contained(h, shown) for h in hidden):
                return "answer appears in the question"
    return wellformed.problem(candidate)


def _common_predicate(candidate: Candidate) -> bool:
    """Whether a predicate cloze deletes only properties of one or two words ("who is
    usually [unwell] with a severe headache", "haematuria ... [is common]") from a sentence
    long enough to hold several facts: it asks no key term, and the sentence's terms are
    asked by its other cards."""
    return candidate.pattern == "predicate" and all(
        common_property(candidate, answer) for answer in candidate.answers
    )


def common_property(candidate: Candidate, answer: str) -> bool:
    """Whether ``answer``, a deletion of the predicate cloze ``candidate``, is a property
    of one or two words deleted from a sentence long enough to hold several facts: no key
    term (one deletion of a note can be, beside another that is the fact). A negation is
    the fact ("[does not exclude] it", "[should not be discharged]"), and so is a short
    sentence's predicate."""
    return (
        candidate.pattern == "predicate"
        and len(words(candidate.sentence.text)) > LONG_PREDICATE_SENTENCE
        and not re.search(r"\b(?:not|never|no|cannot)\b|n't\b", answer, re.IGNORECASE)
        and len(words(answer)) <= 2
    )


def _measure_of_a_threshold(candidate: Candidate) -> bool:
    """Whether a rare-term cloze deletes only the subject of a clause that compares it
    with a number ("the [eGFR] is below 45 mL/min/1.73 m2")."""
    span = candidate.sentence.span
    if candidate.pattern != "rare-term" or span is None or len(candidate.answers) != 1:
        return False
    [answer] = candidate.answers
    for token in span:
        if token.text != answer.split()[-1] or token.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = token.head
        compared = [
            t
            for c in verb.children
            if c.dep_ in ("prep", "acomp", "attr") and c.i > verb.i
            for t in c.subtree
            if t.like_num
        ]
        if verb.lemma_ == "be" and compared:
            return True
    return False


# "anyone" alone chats ("anyone can get it"); "anyone with fever" names a group
_CHATTY = re.compile(
    r"\b(?:maybe|really|remotely|you[’']re|(?:anyone|everyone)(?!\s+(?:with|who|aged)\b))\b",
    re.I,
)
# A card that starts with a word standing for something it does not show.
_DANGLING = re.compile(
    r"^\W*(?:it|they|them|this|these|those|he|she|its|their|such)\b"
    # "If they are pregnant, what is needed?": a clause told apart from the noun it leans on
    r"|^\W*(?:if|when|unless|once|while|until|although|because|since|after|before)\s+"
    r"(?:it|they|them|he|she)\b"
    # "What blocks its tubular secretion?": only the answer is before "its", and it is
    # not the answer's own (a clause told apart from the noun "its" is of)
    r"|^\W*(?:what|which|who)\s+(?:\w+\s+){1,2}?(?:its|their)\b"
    r"|\b(?:do|does|did) the same\b|\binstead\s*[?.]?\s*$",
    re.I,
)
# Words and numbers, as a card's length is counted ("5.3 mmol/L" is two).
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


# Words that rank a noun among others ("the leading cause", "the most common type").
_RANKING = frozenset(["leading", "main", "chief", "principal", "major", "usual", "most", "common"])


def _answer_problem(answer: str) -> str | None:
    bare = answer.strip(" .,;:").lower()
    for article in ARTICLES:
        if bare.startswith(article):
            bare = bare[len(article) :]
    if not bare:
        return "empty answer"
    if bare in STOPWORDS or bare in PRONOUNS or bare in ("yes", "no"):
        return f"trivial answer {answer!r}"
    if re.sub(r"^(?:its|their)\s+", "", bare) in GENERIC_NOUNS:
        return f"vague answer {answer!r}: it says nothing without what it belongs to"
    ranked = bare.split()
    if (
        len(ranked) >= 2
        and ranked[-1] in GENERIC_NOUNS
        and all(w in _RANKING or superlative(w) for w in ranked[:-1])
    ):
        # "What does tuberculosis remain worldwide?" "The leading cause": of what
        return f"vague answer {answer!r}: it says nothing without what it belongs to"
    if _THE_REST.match(answer.strip(" .,;:").lower()):
        return f"vague answer {answer!r}: the rest of what the sentence said before"
    if not content_words(bare) and not re.search(r"\d", bare) and not _MODALITY.match(bare):
        return f"trivial answer {answer!r}"
    return None


# "What do A, B and C account for?" "Most of the rest": of what was said before.
# ("Rest, elevate, ice packs": without its "the", "rest" is an instruction.)
_THE_REST = re.compile(
    r"^(?:(?:most|many|some|all|much|nearly all|almost all) of\s+)?"
    r"(?:the\s+(?:rest|remainder)|(?:the\s+)?(?:others|remaining (?:cases|patients)))\b"
)


# "may or may not", "does not", "cannot": in a contrast, the modality is the fact.
_MODALITY = re.compile(
    r"^(?:may|might|can|cannot|can't|does|do|did|will|would|should|must|is|are)"
    r"(?:\s+(?:or|and|not|never|always|may|might|can|do|does))+$"
)


@lru_cache(maxsize=256)
def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text))


def _traceable(answer: str, source_text: str) -> bool:
    """Whether every content word of ``answer`` occurs in the source sentence."""
    source = _stems(source_text)
    if re.search(r"\d", answer):
        return all(d in source_text for d in re.findall(r"\d+", answer))
    return all(stem(w) in source for w in content_words(answer))


def contained(answer: str, question: str) -> bool:
    """Whether ``answer`` (its content words, in order) is visible in ``question``; for a
    number, whether the number itself is (units such as mmol/L may repeat)."""
    if re.search(r"\d", answer):
        # a quantity as asked, comparator and unit included ("under 80" is not "80 or
        # over"; "3 to 5" is not "3 weeks")
        bare = re.sub(r"^(?:the|a|an)\s+", "", answer.strip(" .,;"), flags=re.I)
        return re.search(rf"(?<![\w.]){re.escape(bare)}(?![\w])", question, re.I) is not None
    target = [stem(w) for w in content_words(answer)]
    if not target:
        return False
    shown = [stem(w) for w in content_words(question)]
    return any(shown[i : i + len(target)] == target for i in range(len(shown) - len(target) + 1))


ASKED_BY_A_QUESTION = "a cloze whose every deletion a question of the same sentence asks"
LIST_AS_DEFINITION = (
    "a list or clause in parentheses asked as the definition of the phrase before it"
)
RUN_TOGETHER = (
    "a question read across two clauses of a long sentence its parse runs together "
    "(its clauses are asked one by one instead)"
)

# A cloze showing most of a sentence longer than this, only to delete what a question of
# the same sentence asks, is left out (at 40, a 37-word sentence still gave a question
# naming a list and a whole-sentence cloze for each of its items); a number cloze is left
# out whatever its length.
REPEATED_CLOZE_WORDS = 30


def asked_by_a_question(candidates: Sequence[Candidate]) -> set[int]:
    """The indexes of the clozes, among one sentence's ``candidates``, that only delete
    what a basic card of the same sentence already asks: the same fact twice. A cloze
    showing a whole long sentence goes when a question's answer holds each deletion (long
    textbook sentences gave 4 to 5 cards each); a number cloze of any length goes when a
    question's answer is nothing but its numbers ("How is hydrocortisone 100 mg followed?" "By
    200 mg over 24 hours" and "... followed by [...] over 24 hours"), never when the
    number is a detail of a longer answer ("What does AF increase?" "The risk of stroke
    about fivefold": the cloze asks the number better)."""
    answers = [bare(c.back) for c in candidates if c.type == "basic"]
    repeated: set[int] = set()
    for index, candidate in enumerate(candidates):
        if candidate.type != "cloze" or not candidate.answers:
            continue
        deleted = [bare(a) for a in candidate.answers]
        if whole_long_sentence(candidate):
            if all(any(d in answer for answer in answers) for d in deleted):
                repeated.add(index)
        elif candidate.pattern == "predicate" and all(
            any(within(d, answer) for answer in answers) for d in deleted
        ):
            # "because it [does not reach] therapeutic levels" beside "Why ...?" "Because it
            # does not reach therapeutic levels ...": a predicate an answer already says
            repeated.add(index)
        elif candidate.pattern == "number" and all(
            any(_only_the_deletions(answer, deleted) for answer in answers if within(d, answer))
            for d in deleted
        ):
            repeated.add(index)
    return repeated


def _only_the_deletions(answer: str, deleted: list[str]) -> bool:
    """Whether ``answer`` says nothing but the deletions: no content word is left once they
    are taken out ("By 200 mg over 24 hours"; not "Aspirin 30 to 50 mg/kg", which names
    the drug a dose cloze shows)."""
    rest = answer
    for d in deleted:
        rest = re.sub(rf"(?<![\w.]){re.escape(d)}(?![\w])", " ", rest)
    return not content_words(rest)


def within(deleted: str, answer: str) -> bool:
    """Whether ``deleted`` is in ``answer`` as whole words ("10%" is not in "110%")."""
    return re.search(rf"(?<![\w.]){re.escape(deleted)}(?![\w])", answer) is not None


def whole_long_sentence(candidate: Candidate) -> bool:
    """Whether a cloze shows most of a sentence of more than 30 words."""
    said = candidate.sentence.said
    if len(said.split()) <= REPEATED_CLOZE_WORDS:
        return False
    return len(content_words(candidate.shown)) >= 0.8 * len(content_words(said))


def near_duplicates(candidates: Iterable[Candidate]) -> dict[int, int]:
    """Pairs ``{later index: earlier index}`` of candidates that ask nearly the same thing.

    Cards are compared only when their answers share a content word (an inverted index),
    so the work grows with the size of those groups, never with all pairs of the deck.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    items = list(candidates)
    duplicates: dict[int, int] = {}
    for index, candidate in enumerate(items):
        keys = {stem(w) for answer in candidate.answers for w in content_words(answer)}
        compared: set[int] = set()
        for key in sorted(keys):
            group = groups[key]
            if len(group) > MAX_GROUP:
                continue
            for other in group:
                if other in compared or other in duplicates:
                    continue
                compared.add(other)
                if _same_card(items[other], candidate):
                    duplicates[index] = other
                    break
            if index in duplicates:
                break
        if index not in duplicates:
            for key in keys:
                groups[key].append(index)
    return duplicates


def same_fronts(candidates: Sequence[Candidate], skip: Iterable[int] = ()) -> dict[int, int]:
    """Pairs ``{dropped index: kept index}`` of cards that show the learner the same front
    with different answers (questions: from one sentence), so it cannot tell which answer
    is wanted. Of each group the card whose answer is shortest (whose front shows most of
    its sentence) is kept, the first in reading order among equals, unless one answer
    holds every other (a coordination, the others its conjuncts: "Hydrocortisone and 1
    litre of saline" over "Hydrocortisone"); ``skip`` are cards already dropped."""
    skipped = set(skip)
    groups: dict[str, list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        if index not in skipped:
            # two questions from two sentences ("What causes gout?") each have a true
            # answer; the same question twice from one sentence, or a deletion whose
            # front is the same for two items, cannot tell which is wanted
            of = candidate.sentence.raw if candidate.type == "basic" else ""
            groups[" ".join(candidate.question.lower().split()) + of].append(index)
    repeated: dict[int, int] = {}
    for group in groups.values():
        answers = {_answer_key(candidates[i]) for i in group}
        if len(group) < 2 or len(answers) < 2:
            continue
        kept = min(group, key=lambda i: (len(" ".join(candidates[i].answers)), i))
        kept = next((i for i in group if _holds_the_others(candidates, i, group)), kept)
        repeated.update({i: kept for i in group if i != kept})
    return repeated


def _holds_the_others(candidates: Sequence[Candidate], index: int, group: list[int]) -> bool:
    """Whether the answer of ``candidates[index]`` is the coordination each other answer of
    ``group`` opens ("A and B" over "A"; not "A, for B", "A, of which ...")."""
    whole = candidates[index].back.lower()
    others = [candidates[i].back.lower() for i in group if i != index]
    return bool(whole) and all(
        other and whole.startswith(other) and _CONJUNCTS.match(whole, len(other))
        for other in others
    )


# What follows the first conjunct of a coordination: a joint, and no preposition or
# relative opening a phrase of its own.
_CONJUNCTS = re.compile(
    r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?!(?:of|for|with|in|to|by|from|on|at|which|who|whom"
    r"|whose|that)\b)\w"
)


def _same_card(first: Candidate, second: Candidate) -> bool:
    same_sentence = first.sentence.raw == second.sentence.raw
    if same_sentence and {first.pattern, second.pattern} == {"list-whole", "list-item"}:
        return False  # a list asked item by item and whole: two cards on purpose
    # Two patterns read the same list: the later one's deletions are among the first's
    # (an item's parenthesised remark kept by one and not the other).
    if (
        same_sentence
        and first.type == second.type == "cloze"
        and {bare(a) for a in second.answers} <= {bare(a) for a in first.answers}
    ):
        return True
    if same_sentence and _answer_key(first) != _answer_key(second):
        return False  # one sentence, two facts: "ketones of 3.0 mmol/L ... a pH below 7.3"
    if first.type != second.type:
        score = fuzz.token_set_ratio(first.shown, second.shown)
        return score >= 95 and _answer_key(first) == _answer_key(second)
    if first.type == "basic":
        # Same answer, nearly the same question: one of them is enough.
        return (
            _answer_key(first) == _answer_key(second)
            and fuzz.token_sort_ratio(first.front, second.front) >= NEAR_DUPLICATE
        )
    return fuzz.token_sort_ratio(first.shown, second.shown) >= NEAR_DUPLICATE


def too_long(verdicts: Iterable[str | None]) -> bool:
    """Whether one of ``verdicts`` (``card_drop``'s, on a sentence's cards) is a length
    gate's (a question or cloze over its word limit, an answer or deletion too long)."""
    return any(reason and _LENGTH_GATE.search(reason) for reason in verdicts)


def not_asked(parts: Sequence[Candidate], own: Sequence[Candidate]) -> list[Candidate]:
    """The cards of a sentence's clauses (``parts``) that ask what none of the sentence's
    ``own`` cards (those that pass the gates) asks: the same answer to nearly the same
    question (or a cloze of the same words) is one fact, asked once; the same answer to
    another question ("What is the antidote?" / "After a staggered overdose, what is
    started?") is another fact."""
    asked: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in own:
        asked[_answer_key(candidate)].append(candidate)
    return [c for c in parts if not any(_one_fact(c, o) for o in asked.get(_answer_key(c), []))]


def _one_fact(part: Candidate, own: Candidate) -> bool:
    """Whether two cards with the same answer ask one fact: a card of another type, a
    cloze of nearly the same words (a clause's words are among its sentence's), a
    question of nearly the same words."""
    if part.type != own.type:
        return True
    if part.type == "cloze":
        return fuzz.token_set_ratio(part.shown, own.shown) >= SAME_QUESTION
    return fuzz.token_sort_ratio(part.front, own.front) >= SAME_QUESTION


# rapidfuzz ratio (0-100) above which two cards with one answer ask one fact
SAME_QUESTION = 80


_LENGTH_GATE = re.compile(r"^(?:question|answer|cloze deletion) longer than")


def bare(answer: str) -> str:
    """An answer without its parenthesised remarks or edge punctuation, in lower case: what
    two readings of one fact have in common ("Above 50 (per microlitre)," and "above 50")."""
    return re.sub(r"\s*\([^)]*\)", "", answer).strip().strip(".,;:)( ").lower()


def _answer_key(candidate: Candidate) -> str:
    return _key_of(candidate.answers)


@lru_cache(maxsize=65536)
def _key_of(answers: tuple[str, ...]) -> str:
    keys = [stem(w) for a in answers for w in content_words(a)]
    keys += [n for a in answers for n in re.findall(r"\d+(?:[.,]\d+)*", a)]
    return " ".join(sorted(keys))
