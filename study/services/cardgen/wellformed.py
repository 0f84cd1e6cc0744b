"""Whether a card reads as text: its answer a whole phrase of its sentence, its question
with the verbs the sentence has, its excerpt a piece of the sentence.

Cheap checks on the card's text against its sentence and the sentence's parse (no second
parse): the reading layer builds questions from the parse, and a misread parse gives
fragments ("What is DKA most common in type 1?" "Diabetes") that no fact pattern
catches.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate
from study.services.cardgen.deps import ACTION_NOUN_ENDINGS
from study.services.cardgen.forms import only_a_noun
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import STOPWORDS, binomial, word_list

if TYPE_CHECKING:
    from spacy.tokens import Token

_UNITS = word_list("units")
# Words an answer never ends with: it would be cut inside its phrase.
_OPEN_ENDS = frozenset(
    [
        "to",
        "of",
        "in",
        "with",
        "and",
        "or",
        "the",
        "a",
        "an",
        "for",
        "by",
        "at",
        "from",
        "than",
        "as",
        "on",
        "into",
        "per",
        "between",
        "whose",
    ]
)
# Words the generator puts before a piece of the sentence ("When X", "By mouth", "Not
# until X"): the rest is what must be a piece of the sentence.
_LEADS = re.compile(
    r"^(?:(?:not\s+)?(?:when|if|until|because|by|since|unless|after|before)\s+)+", re.I
)
_GARBLED_QUESTION = (
    (
        re.compile(
            r"\bwhat (?:is|are) the (?:commonest|most common|main|largest|best|first)\s*\?$",
            re.I,
        ),
        "a superlative with no noun ('what are the commonest?')",
    ),
    (
        re.compile(r"\b(?:in whom|in which|who|that)\b[^?]*\s(?:with|to|for|by|from|at)\?$", re.I),
        "a preposition stranded after a relative clause",
    ),
    (re.compile(r"\bwhat (?:is|are|was|were) when\b", re.I), "a question 'what is when ...'"),
    (
        # "What did mainly young children sickle in mainly young children ...?": a phrase
        # of three words or more twice, the subject read again as a place
        re.compile(r"\b(\w+(?:\s+\w+){2,})\b.*\b\1\b", re.I),
        "a phrase of three words or more said twice",
    ),
    (
        re.compile(
            r"\b(?:what|whom?|when|where|why|how) (?:is|are|was|were|do|does|did|can|should|may"
            r"|must|will) (?:which|who|whom|whose)\b",
            re.I,
        ),
        "a relative pronoun taken for the subject ('what does which need?')",
    ),
    (re.compile(r"\bwhen\s*\?\s*$", re.I), "a question ending in a bare 'when'"),
    (
        re.compile(r"\b(?:and|or|nor|but)\s*\?\s*$", re.I),
        "a question ending in 'and' or 'or': the other half was asked away",
    ),
    (
        re.compile(
            r"\b(?:what|which|who|in|of|for|with|does|do|did|is|are|was|were|can|should)\s+"
            r"(?:whereas|although|whilst)\b",
            re.I,
        ),
        "a clause's 'whereas' read into its subject ('What does whereas X cause?')",
    ),
    (
        re.compile(
            r"\bwhat (?:is|are|was|were) (?:to\b|(?![^?]*\b(?:that|who|which)\b)[^?]* "
            r"(?<!\bto )(?:has|have|does|do)\s*\?$)",
            re.I,
        ),
        "two verbs for one ('What is digoxin has?', 'what is to grade 4?')",
    ),
    (
        re.compile(r"(?:^|:\s)in which case\b|,\s*in which case,", re.I),
        "'in which case' with no case",
    ),
    (re.compile(r"\b(?:be|been|being) not\b", re.I), "a negation misplaced ('be not continued')"),
    (
        # "what does a mark?" (no verb), "what does narrow?" (no subject): "do" needs both
        re.compile(r"\bwhat (?:do|does|did) (?:(?:a|an|the)\s+)?[\w-]+\s*\?$", re.I),
        "a question with no verb or no subject ('what does a mark?', 'what does narrow?')",
    ),
    (
        # "When does X call a dissection type A type B when it ...?": two clauses run
        # into one, each with its "when", and nothing joins them
        re.compile(r"\bwhen\b(?:(?!\b(?:and|or|but|then)\b)[^?])*\bwhen\b", re.I),
        "two 'when's and nothing joining them: clauses run together",
    ),
    (
        # a stranded preposition needs the "what" it governs: "When is X taken on?"
        re.compile(
            r"^(?![^?]*\b(?:what|which|who|whom)\b)[^?]*\b(?:to|of|with|for|by|at|from|into"
            r"|than|between|the|a|an|its|their)\s*\?$",
            re.I,
        ),
        "a question ending in a preposition or determiner with no 'what' for it",
    ),
    (
        re.compile(
            r"^(?:[^?:]*:\s)?(?:what|which \w+) (?:gives?|offers?|treats?) (?:\w+ ){0,2}"
            r"(?:patients|people|children|women|men|adults|babies|infants)\b",
            re.I,
        ),
        "'what gives the patients?': the recipient of a passive read as its object",
    ),
)


def problem(candidate: Candidate) -> str | None:
    """Why ``candidate`` does not read as text, or None when it does."""
    sentence = candidate.sentence
    if candidate.type == "basic":
        front = candidate.front
        if _unpaired_bracket(front) or _unpaired_bracket(candidate.back):
            # "What do most of the rest have antibodies against X) reduce?": a remark's
            # words read into the clause around it
            return "garbled question: a bracket without its pair"
        for pattern, garbled in _GARBLED_QUESTION:
            if pattern.search(front):
                return f"garbled question: {garbled}"
        acronym = _STAND_FOR.match(front)
        if acronym and expansion(candidate.back, acronym.group(1)) != candidate.back:
            return f"'{candidate.back}' is not what the letters of {acronym.group(1)} stand for"
        if _BETWEEN.search(front) and not re.search(r",|\band\b|\bor\b", candidate.back):
            # "what do the surgeons choose between?" "Surgical embolectomy": one of the
            # list the parse kept
            return "garbled question: 'between' answered with one thing"
        reason = (
            _said_more_than_written(front, candidate.back, sentence)
            or _answer_fragment(candidate.back)
            or _unit_without_number(front)
            or _torn_range(f"{front} {candidate.back}", sentence.text)
            or _class_lost(front, candidate.back, sentence.text)
        )
        if reason:
            return reason
        if sentence.span is not None:
            if acronym:
                return None  # "a raised [plasma viscosity] (PV)": the name alone
            return (
                _torn_at_a_noun_read_as_verb(f"{front} {candidate.back}", sentence)
                or relative_without_verb(candidate.back, sentence)
                or _term_for_a_relative_without_verb(front, sentence)
                or _participle_read_as_verb(front, sentence)
                or _verb_read_as_noun(front, sentence)
                or _often_without_verb(front, sentence)
                or _torn_answer(candidate.back, front, sentence)
                or _object_lost(front, sentence)
                or _object_before_preposition_lost(front, sentence)
                or _subject_disagrees(front, sentence)
                or _verb_not_in_sentence(front, sentence)
                or _joined_across_a_colon(front, sentence)
            )
        return None
    if _splits_a_binomial(candidate.text):
        return "deletion splits a binomial name ('[Haemophilus] influenzae')"
    torn = _torn_at_a_noun_read_as_verb(re.sub(r"\{\{c\d+::|\}\}", "", candidate.text), sentence)
    if torn:
        return torn
    for deleted in candidate.answers:
        words = deleted.strip().lower().split()
        # a capital "A" at the end names a letter ("hypervitaminosis A"), not an article
        if (
            len(words) > 1
            and words[-1] in _OPEN_ENDS
            and not deleted.rstrip().endswith(" A")
            and not _ends_the_sentence(candidate.text, deleted)
        ):
            # "skin changes are [absent in] up to a fifth": a deletion is a whole phrase
            # ("cannot be [passed on]." ends its sentence: a particle, nothing left open)
            return f"deletion {deleted!r} ends inside its phrase"
    return _excerpt_problem(candidate)


# Words a question or answer adds to its sentence's own ("What does ...", "Because ...").
_ASKING_WORDS = frozenset(
    ["what", "which", "when", "where", "does", "have", "that", "with", "name", "give", "from"]
)


def _said_more_than_written(front: str, back: str, sentence: Sentence) -> str | None:
    """ "Because largely because ...", "are children kept away under 5 years away from":
    a word of the sentence that the question or the answer says more often than the
    sentence does was read into it twice. Nouns and adjectives aside: a card names what
    "it" stands for, and its topic."""
    if sentence.span is None:
        return None
    written = [
        t.lower_
        for t in sentence.span
        if len(t.text) >= 4 and t.is_alpha and t.pos_ not in ("NOUN", "PROPN", "ADJ")
    ]
    for text in (front.rsplit(": ", 1)[-1], back):
        said = re.findall(r"[a-z]{4,}", text.lower())
        for word in set(said) & set(written) - _ASKING_WORDS:
            if said.count(word) > written.count(word):
                return f"garbled card: {word!r} said more often than its sentence says it"
    return None


def _ends_the_sentence(text: str, deleted: str) -> bool:
    """Whether the deletion ``deleted`` of cloze ``text`` has only punctuation after it."""
    at = text.find(f"::{deleted}")
    close = text.find("}}", at) if at >= 0 else -1
    return close >= 0 and not re.search(r"\w", text[close + 2 :])


_STAND_FOR = re.compile(r"What does (\S+) stand for\?$")
# a deletion ending in a genus before its species, or starting with a species after its genus
_GENUS_DELETED = re.compile(r"(\w+)\}\}\s+([a-z]+)")
_SPECIES_DELETED = re.compile(r"(\w+)\s+\{\{c\d+::([a-z]+)")


def _splits_a_binomial(text: str) -> bool:
    """Whether a deletion of the cloze ``text`` takes half of a Latin binomial."""
    pairs = [*_GENUS_DELETED.findall(text), *_SPECIES_DELETED.findall(text)]
    return any(binomial(genus, species) for genus, species in pairs)


_IN_RELATIVE = re.compile(r"\W*(?:of|in|for|with|to|by|from)\s+(?:which|whom)\b", re.I)
_SUCH_A = re.compile(r"\bsuch an?\s+\w+", re.I)
_RUNS_ON_CLAUSE = re.compile(r",\s*(?:when|whereas|while|in which case|which)\b", re.I)
_REASON = re.compile(r"(?:because|since)\b", re.I)
_AS_DO = re.compile(r"(?:because|since|as)\s+(?:do|does|did|is|are|can)\s", re.I)
# "Rib fractures take weeks": a span of time is an answer on its own
_SPAN_OF_TIME = re.compile(r"(?:second|minute|hour|day|week|month|year|decade)s?")


def _torn_at_a_noun_read_as_verb(card: str, sentence: Sentence) -> str | None:
    """A card that shows the word before a noun the parser took for a verb, without that
    noun ("generalised disease and receptor antibodies even when ...": 'antibodies' read
    as the main verb, so 'What is offered to patients with generalised disease and
    receptor?'): the phrase is torn. A word is a noun only when the lexicon
    knows it as nothing else (forms.py). A clause told as a sentence of its own is checked against
    its whole sentence's parse."""
    for before, noun in _nouns_read_as_verbs(sentence):
        word = re.escape(before)
        if re.search(rf"\b{word}\b(?!\s+{re.escape(noun)}\b)", card):
            return f"phrase torn: {before!r} without {noun!r} (read as a verb)"
    return None


# (word, noun) pairs of the sentences read so far, by sentence: a clause told alone is
# checked against its sentence's parse (few are kept: a sentence's clauses follow it)
_READ_AS_VERBS: dict[str, tuple[tuple[str, str], ...]] = {}


def _nouns_read_as_verbs(sentence: Sentence) -> tuple[tuple[str, str], ...]:
    """The nouns of ``sentence`` its parse reads as finite verbs, each with the word
    before it (which never stands alone in the sentence)."""
    if sentence.text != sentence.raw or sentence.span is None:
        return _READ_AS_VERBS.get(sentence.raw, ())
    known = _READ_AS_VERBS.get(sentence.raw)
    if known is not None:
        return known
    text = sentence.text
    pairs: list[tuple[str, str]] = []
    for token in sentence.span:
        if (
            token.tag_ not in ("VBZ", "VBP")
            or token.i == token.doc[0].i
            # a misread noun has no subject of its own (checked first: the lexicon is
            # loaded only when a sentence has such a verb)
            or any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in token.children)
            or token.dep_ == "conj"
        ):
            continue
        before = token.doc[token.i - 1]
        if not before.is_alpha or not only_a_noun(token.lower_):
            continue
        word = rf"\b{re.escape(before.text)}\b"
        whole = rf"\b{re.escape(before.text)}\s+{re.escape(token.text)}\b"
        if len(re.findall(word, text)) == len(re.findall(whole, text)):
            pairs.append((before.text, token.text))  # the word never stands alone
    if len(_READ_AS_VERBS) > 64:
        _READ_AS_VERBS.clear()
    _READ_AS_VERBS[sentence.raw] = tuple(pairs)
    return _READ_AS_VERBS[sentence.raw]


def relative_without_verb(answer: str, sentence: Sentence) -> str | None:
    """An answer that opens a relative clause and ends before its verb ("An autoimmune
    disease ... in which antibodies against the postsynaptic receptor", the verb 'reduce'
    left after a parenthesis): it says nothing of what the clause says."""
    if sentence.span is None:
        return None
    relative = re.search(r"\b(?:which|whom|who)\b", answer, re.I)
    at = sentence.text.lower().find(answer.lower())
    if relative is None or at < 0:
        return None
    start = sentence.span.start_char
    where = at + relative.start()
    token = next((t for t in sentence.span if t.idx - start == where), None)
    if token is None or token.tag_ not in ("WDT", "WP", "WP$"):
        return None
    verb = token.head
    for _ in range(2):
        if verb.pos_ in ("VERB", "AUX"):
            break
        verb = verb.head
    if verb.pos_ in ("VERB", "AUX") and (
        verb.idx - start >= at + len(answer)
        # "in which antibodies against ...": the parser took a noun for the verb
        or (
            # (a subject hung after it, "in which gluten, a protein ..., triggers": no verb)
            not any(c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i for c in verb.children)
            and only_a_noun(verb.lower_)
        )
    ):
        return f"answer {answer!r} opens a relative clause and ends before its verb"
    return None


_TERM_FOR = re.compile(r"\bthe term for (?P<thing>.+?)\?$", re.I)


def _term_for_a_relative_without_verb(front: str, sentence: Sentence) -> str | None:
    """ "What is the term for a disorder ... in which gluten, a protein found in wheat?":
    the definition asked ends before its relative clause's verb."""
    asked = _TERM_FOR.search(front)
    return relative_without_verb(asked.group("thing"), sentence) if asked else None


_BETWEEN = re.compile(r"\bbetween\s*\?$", re.I)


def _unpaired_bracket(text: str) -> bool:
    """Whether ``text`` closes a bracket it never opened, or opens one it never closes."""
    if "(" not in text and ")" not in text:
        return False
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return True
    return depth != 0


def _unit_without_number(front: str) -> str | None:
    """ "given intravenous methylprednisolone, g for up to 3 days?": the question kept the
    unit of a quantity it left out ("500 mg to 1 g")."""
    for unit in re.findall(r",\s+([^\s,?]+)(?=[\s?])", front):
        if unit.lower() in _UNITS and not _SPAN_OF_TIME.fullmatch(unit.lower()):
            return f"garbled question: the unit {unit!r} without its number"
    return None


def _answer_fragment(answer: str) -> str | None:
    if _IN_RELATIVE.match(answer):
        return f"answer {answer!r} starts inside a relative clause"
    if _SUCH_A.search(answer):
        return f"answer {answer!r} names something said elsewhere ('such a ...')"
    if re.match(r"(?:whereas|although|whilst)\b", answer, re.I):
        return f"answer {answer!r} opens with a clause's conjunction"
    if _AS_DO.match(answer):
        # "Because do hypothyroidism and ...": "as do" (likewise) read as a reason
        return f"answer {answer!r}: a reason with no clause"
    if _RUNS_ON_CLAUSE.search(answer):
        return f"answer {answer!r} runs on into another clause"
    bare = answer.strip().rstrip(".")
    lowered = bare.lower()
    last = lowered.rsplit(None, 1)[-1] if lowered else ""
    if bare.endswith((",", ";", ":")) or (last in _OPEN_ENDS and not bare.endswith(" A")):
        return f"answer {answer!r} ends inside its phrase"
    if re.search(r",\s*\S+$", bare) and last in _UNITS:
        return f"answer {answer!r}: a unit torn from its quantity"
    if (lowered in _UNITS and not _SPAN_OF_TIME.fullmatch(lowered)) or re.fullmatch(
        r"[a-z]", lowered
    ):
        return f"answer {answer!r}: a lone unit or letter"
    return None


# "500 mg to 1 g", "20-40 mg/kg", "between 2 and 4 weeks": two bounds of one quantity
_RANGE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s*[^\W\d]\S*){0,1}\s*(?:to|-|–|and)\s*(\d+(?:\.\d+)?)(?![\w.])"
)


# "classed as severe when ..., and life-threatening when ...": the classes a sentence
# defines by its conditions
_CLASSED = re.compile(
    r"\b(?:class(?:ed|ified)|defined|graded|categori[sz]ed|considered|regarded)\s+as\s+"
    r"((?:[\w-]+\s+){0,2}[\w-]+)\s+(?:when|if)\b"  # "as acute severe when"
)
_CLASS_AFTER = re.compile(r"(?:,|\band|\bor)\s+(?:as\s+)?([\w-]+)\s+(?:when|if)\b")


# a classification runs to the next clause of another kind: "..., although ...", or
# "..., and an ECG ..." (not "..., and severe when ...", nor "..., and it is severe when")
_CLASSES_END = re.compile(
    r",\s*(?:although|because|but|whereas|while|so)\b|;"
    r"|,\s*and\s+(?!(?:it\s+is\s+)?(?:as\s+)?[\w-]+\s+(?:when|if)\b)"
)


def _class_lost(front: str, back: str, source: str) -> str | None:
    """A threshold asked without the class it defines: "An attack is classed as severe
    when the respiratory rate is 25 or more" never gives "What is the respiratory rate?"."""
    first = _CLASSED.search(source)
    if first is None or not re.search(r"\d", back):
        return None
    stop = _CLASSES_END.search(source, first.end())
    scope = source[first.start() : stop.start() if stop else len(source)]
    said = back.strip(" .").lower()
    if stop and said in source[stop.end() :].lower() and said not in scope.lower():
        return None  # "..., and an ECG is recorded in every patient whose K is 6.0 or more"
    if not all(number in scope for number in re.findall(r"\d+(?:\.\d+)?", back)):
        return None  # a number of another clause of the sentence
    classes = {first.group(1).lower()}
    classes |= {m.group(1).lower() for m in _CLASS_AFTER.finditer(scope)}
    asked = front.lower()
    if any(re.search(rf"\b{re.escape(c)}\b", asked) for c in classes):
        return None
    return f"a threshold asked without the class it defines ({', '.join(sorted(classes))})"


def _torn_range(card: str, source: str) -> str | None:
    """A card that shows or asks one bound of a range without the other, or a unit
    without its denominator ("5.5 mmol" of "5.5 mmol/L")."""
    if "/" in source:
        for match in re.finditer(r"\d[\d.]*\s*[^\W\d_]+(?![\w/])", card):
            if f"{match.group(0)}/" in source:
                return f"a unit torn: the card has {match.group(0)!r} without what follows its '/'"

    def alone(number: str) -> str:
        return rf"(?<![\w.]){re.escape(number)}(?![\w.])"

    for low, high, text in _ranges(source):
        has_low = re.search(alone(low), card)
        has_high = re.search(alone(high), card)
        # "moderate when it is 70 to 99 g/L, and severe when it is below 70 g/L": a bound
        # the source also says on its own, as a threshold, is not torn from its range
        shown = low if has_low else high
        threshold = (
            rf"(?:below|above|under|over|than|at least|at most|[<>≤≥])\s*{alone(shown)}"
            rf"|{alone(shown)}(?:\s*[^\W\d]\S*)?\s+or\s+(?:more|less|above|below|over|under)\b"
        )
        said_apart = len(re.findall(alone(shown), source)) > 1 and re.search(threshold, card)
        if bool(has_low) != bool(has_high) and not said_apart:
            return f"a range torn in two: the card has one bound of {text!r}"
    return None


@lru_cache(maxsize=1024)
def _ranges(source: str) -> tuple[tuple[str, str, str], ...]:
    """The ranges of a sentence: (low bound, high bound, the range as written)."""
    found = []
    for match in _RANGE.finditer(source):
        if match.group(0).split()[1:2] == ["and"] and "between" not in source[: match.start()][-9:]:
            continue  # "2 and 4" only after "between"
        found.append((match.group(1), match.group(2), match.group(0)))
    return tuple(found)


def _torn_answer(answer: str, question: str, sentence: Sentence) -> str | None:
    """An answer cut from the words that qualify it: "type 1 [diabetes]", "[referral] to
    the renal team" with "to the renal team" left in the question, a reason cut before its
    verb."""
    span = sentence.span
    assert span is not None
    piece = _LEADS.sub("", answer.strip().rstrip("."))
    if not piece:
        return None
    text = sentence.text
    if len(text) != span.end_char - span.start_char:
        text = span.text  # the parse is of other text than the sentence's
    at = text.lower().find(piece.lower())
    if at <= 0:
        return None
    following = text[at + len(piece) : at + len(piece) + 1]
    if following and (following.isalnum() or following in "/-–"):
        return f"answer {answer!r} cut inside a word or unit of its sentence"
    doc = span.doc
    start = span.start_char + at
    end = start + len(piece)
    found = doc.char_span(start, end, alignment_mode="expand")
    if found is None or found.start == span.start or doc[found.start].idx != start:
        return None
    first = doc[found.start]
    inside = list(found)
    if _REASON.match(answer.strip()) and not any(
        t.pos_ in ("VERB", "AUX") or t.dep_ in ("advcl", "ccomp", "relcl") for t in inside
    ):  # "because most triggers arise ...": the parser may call the verb a noun
        return f"answer {answer!r}: a reason cut before its verb"
    last = inside[-1] if inside else first
    after = doc[last.i + 1] if last.i + 1 < span.end else None
    own = after is not None and (
        start <= after.head.idx < end
        # "referral to the team": a noun of an action takes its preposition, whatever the
        # parse hung it on
        or last.lower_.endswith(ACTION_NOUN_ENDINGS)
        # "occurs mainly in eyes with a shallow anterior chamber": a bare plural's "with"
        # says which ones, whatever the parse hung it on ("Where ... occur with a shallow
        # anterior chamber?" "Eyes")
        or (after.lower_ == "with" and len(inside) == 1 and last.tag_ in ("NNS", "NNPS"))
    )
    # "follows injury to the podocytes": a noun's "of"/"to" phrase is its own, even when
    # the parse hangs it on the verb
    complement = (
        after is not None
        and after.lower_ in ("of", "to")
        and last.pos_ == "NOUN"
        and after.head in (last, last.head)
    )
    if (
        after is not None
        and after.pos_ == "AUX"
        and len(inside) > 1
        and doc[first.i - 1].tag_ == "IN"
        and not any(
            c.dep_ in ("nsubj", "nsubjpass") and first.i <= c.i < after.i
            for c in after.head.children
        )
    ):
        # "consumed in microthrombi and red cells are fragmented": the verb after the
        # answer has no subject before it but the answer's last words, which begin the
        # next clause
        return f"answer {answer!r} runs into the subject of the clause after it"
    if after is not None and (own or complement) and after.dep_ == "prep":
        if " ".join(t.text for t in list(after.subtree)[:4]).lower() in question.lower():
            return f"answer {answer!r} cut from its own {after.text!r} phrase left in the question"
        if (complement or (len(inside) == 1 and after.lower_ == "with")) and not any(
            c.dep_ == "pobj" and c.lower_ in question.lower() for c in after.children
        ):
            # "What does the leak follow?" "Injury", "What does it follow?" "Infection" (with
            # a named organism): said in neither half of the card
            return f"answer {answer!r} cut from the {after.text!r} phrase after it"
    before = doc[first.i - 1]
    if before.tag_ in ("JJR", "RBR") and re.search(rf"\b{before.lower_} of\b", question, re.I):
        return None  # "What does the liver make more of?": the question holds the "more"
    head = before
    for _ in range(3):
        if head.dep_ not in ("amod", "compound", "nummod", "nmod"):
            break
        head = head.head  # "type 1 [diabetes]": "1" qualifies "type", "type" the answer
        if start <= head.idx < end:
            return f"answer {answer!r} cut from the words before it ({before.text!r})"
    return None


# A question no "what" object stands in, asking why/when/how of a verb it ends with.
_ENDS_IN_VERB = re.compile(
    r"^(?![^?]*\b(?:what|which|who|whom|is|are|was|were|be|been|being)\b)"
    r"[^?]*\b(?:why|when|how|where)\b[^?]*\s([a-z]+)\s*\?$",
    re.I,
)


def _object_lost(question: str, sentence: Sentence) -> str | None:
    """ "Why do secondary causes include?": a verb that has its object in the sentence,
    asked why, when or how with nothing after it, lost the object (no "what" stands in)."""
    found = _ENDS_IN_VERB.match(question)
    if found is None or sentence.span is None:
        return None
    word = found.group(1).lower()
    verbs = [t for t in sentence.span if t.lower_ == word]
    if verbs and all(t.pos_ == "VERB" and any(c.dep_ == "dobj" for c in t.children) for t in verbs):
        return f"garbled question: {word!r} without the object it has in the sentence"
    return None


# "what does it affect on?": a question ending in a verb and a preposition.
_ENDS_IN_VERB_AND_PREPOSITION = re.compile(
    r"\b(?:what|which [\w-]+)\b[^?]*\s([a-z]+)\s+(on|in|with|for|from|to|at|by|into)\s*\?$", re.I
)


def _object_before_preposition_lost(question: str, sentence: Sentence) -> str | None:
    """ "What does PCP affect on?" of "affects people on high-dose steroids": the verb's
    object stood between it and the preposition asked, and the question left it out (the
    preposition's phrase says which people)."""
    found = _ENDS_IN_VERB_AND_PREPOSITION.search(question)
    if found is None or sentence.span is None:
        return None
    word, preposition = found.group(1).lower(), found.group(2).lower()
    lowered = question.lower()
    for verb in sentence.span:
        if verb.pos_ != "VERB" or word not in (verb.lower_, verb.lemma_.lower()):
            continue
        for child in verb.children:
            if child.dep_ != "dobj" or child.lower_ in lowered:
                continue
            # hung on the object or on the verb, the preposition follows the object's noun
            after = child.i + 1
            if after < len(verb.doc) and verb.doc[after].lower_ == preposition:
                return f"garbled question: {word!r} {preposition!r} without the object between"
    return None


# How a question opens: an optional label ("Gout: "), an optional phrase before a comma
# ("In children, "), then its question word.
_OPENING = r"^(?:[^?:]*:\s)?(?:[^?,]*,\s)?(?:what|which [\w-]+|who|when|why|how|where)\s+"
_AUX_SUBJECT = re.compile(
    _OPENING
    + r"(?P<aux>is|are|was|were|does|do|has|have)\s+(?:the|an?|its|their)\s+(?P<rest>[^?]*)\?$",
    re.I,
)
_SINGULAR_AUX = frozenset(["is", "was", "does", "has"])


def _subject_disagrees(question: str, sentence: Sentence) -> str | None:
    """ "What does the eyelids follow?", "What are the patient registered with?": the
    subject's head noun (tagged as in the sentence) and the question's verb disagree in
    number, so the question joined words the sentence keeps apart."""
    found = _AUX_SUBJECT.match(question)
    if found is None or sentence.span is None or " and " in found.group("rest"):
        return None
    tags: dict[str, set[str]] = {}
    for token in sentence.span:
        tags.setdefault(token.lower_, set()).add(token.tag_)
    head = None
    for word in found.group("rest").lower().split():
        tagged = tags.get(word, set())
        if len(tagged) != 1 or not tagged <= {"NN", "NNS", "JJ", "NNP", "NNPS"}:
            break
        head = next(iter(tagged))
    else:
        return None
    if head not in ("NN", "NNS") or not tagged or not all(t.startswith("VB") for t in tagged):
        # a copula's complement ("What are a common cause?"): the verb agrees with the
        # answer, and only a subject before its verb is checked
        return None
    if (found.group("aux").lower() in _SINGULAR_AUX) != (head == "NN"):
        return f"garbled question: {found.group('aux')!r} and its subject disagree in number"
    return None


_DO_QUESTION = re.compile(_OPENING + r"(?:do|does|did)\s+(?P<rest>[^?]*)\?$", re.I)


def _verb_not_in_sentence(question: str, sentence: Sentence) -> str | None:
    """ "What does an autoimmune disease antibodie against?": the verb a question asks
    with "do" is one of its sentence's verbs, and a noun the parser took for a verb
    ("antibodies", known to the tables only as a noun) is none."""
    found = _DO_QUESTION.match(question)
    if found is None or sentence.span is None or question.endswith(" stand for?"):
        return None
    verbs = {
        form
        for t in sentence.span
        if t.pos_ in ("VERB", "AUX") and not only_a_noun(t.lower_)
        for form in (t.lower_, t.lemma_.lower())
    }
    if verbs.isdisjoint(found.group("rest").lower().split()):
        return "garbled question: its verb is none of its sentence's verbs"
    return None


def _joined_across_a_colon(question: str, sentence: Sentence) -> str | None:
    """ "in the urine venous thromboembolism" of "in the urine: venous thromboembolism":
    two words side by side in the question that the sentence keeps a few words apart,
    across a colon or semicolon, run two things into one. Only words said once in the
    sentence are paired; a label's colon and an arrow are a line's layout."""
    span = sentence.span
    assert span is not None
    body = question.split(": ", 1)[-1]
    if ":" in body or "→" in body or not re.search(r"[:;]", span.text):
        return None
    counts: dict[str, int] = {}
    for token in span:
        counts[token.lower_] = counts.get(token.lower_, 0) + 1
    once = {t.lower_: t for t in span if t.is_alpha and counts[t.lower_] == 1}
    asked = re.findall(r"[\w'-]+", body.lower())
    for first, second in itertools.pairwise(asked):
        left, right = once.get(first), once.get(second)
        if left is None or right is None or not 1 < right.i - left.i <= _NEAR:
            continue
        between = span.doc[left.i + 1 : right.i]
        if any(t.text in (":", ";") for t in between):
            return f"garbled question: {first!r} and {second!r} joined across a colon"
    return None


# How far apart two words of the sentence may be for a question to have run them together
# (a referent the question names can put far words side by side).
_NEAR = 6


_HOW_OFTEN = re.compile(r"^(?:[^?]*:\s)?how often (?:is|are|was|were)\s+([^?]*)\?$", re.I)


def _often_without_verb(question: str, sentence: Sentence) -> str | None:
    """ "How often is the dose?": a copula asked "how often" has no participle or
    adjective of the sentence ("How often is the level checked?")."""
    found = _HOW_OFTEN.match(question)
    if found is None or sentence.span is None:
        return None
    asked = set(found.group(1).lower().split())
    if any(t.lower_ in asked and t.tag_ in ("VBN", "VBD", "JJ") for t in sentence.span):
        return None
    return "garbled question: 'how often' asked of a copula with no verb"


def _participle_read_as_verb(question: str, sentence: Sentence) -> str | None:
    """ "What did high-dose inhale?": "inhaled" before a noun is an adjective, not a verb."""
    asked = set(re.findall(r"[a-z]+", question.lower()))
    lowered = sentence.text.lower()
    if not any(
        f"{word}d " in lowered
        or f"{word}ed " in lowered
        or (word.endswith("ed") and word in lowered)
        for word in asked
    ):
        return None  # no word of the question is an "-ed" word of the sentence or its base
    participles = _PARTICIPLES.get(sentence.text)
    if participles is None:
        if len(_PARTICIPLES) > 4096:
            _PARTICIPLES.clear()
        assert sentence.span is not None
        participles = _PARTICIPLES[sentence.text] = tuple(
            (token.text, token.lower_, token.lemma_.lower(), _next_word(token))
            for token in sentence.span
            if token.tag_ in ("VBN", "VBD", "JJ")
            and token.lower_.endswith("ed")
            and token.lemma_.lower() != token.lower_
            and (token.dep_ == "amod" or _between_modifier_and_noun(token))
        )
    for text, lower, lemma, noun in participles:
        # "what is the infection contaminated?": the adjective without its noun, a passive
        if (lemma in asked and lower not in asked) or (
            lower in asked and noun and f"{lower} {noun}" not in question.lower()
        ):
            return f"question reads the adjective {text!r} as a verb"
    return None


# The adjectival participles of each sentence read lately (one entry per sentence text),
# each with the word after it.
_PARTICIPLES: dict[str, tuple[tuple[str, str, str, str], ...]] = {}


def _next_word(token: Token) -> str:
    """The word after ``token`` in its document, lower-case ("" at its end or after a
    hyphen: "modified-release" is one word)."""
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return after.lower_ if after is not None and after.is_alpha else ""


def _verb_read_as_noun(question: str, sentence: Sentence) -> str | None:
    """ "What is atypical HUS results from X treated with?", "Why are Shiga toxin damages
    the endothelium ...?": a noun with a subject of its own is the verb of that subject,
    so a question that keeps the two together as one phrase garbles the clause."""
    assert sentence.span is not None
    for token in sentence.span:
        if (
            token.pos_ != "NOUN"
            or not token.lower_.endswith("s")
            # what a verb takes after it: an object or a preposition's phrase
            or not any(c.dep_ in ("dobj", "prep") for c in token.rights)
        ):
            continue
        for child in token.lefts:
            if child.dep_ == "nsubj":
                pair = f"{child.lower_} {token.lower_}"
                if pair in question.lower():
                    return f"garbled question: the verb {token.text!r} read as a noun"
    return None


def _between_modifier_and_noun(token: Token) -> bool:
    """ "high-dose inhaled agonists": a participle after a modifier and before its noun
    is an adjective, whatever the parse says."""
    doc = token.doc
    if token.i + 1 >= len(doc) or doc[token.i + 1].pos_ not in ("NOUN", "PROPN", "ADJ", "NUM"):
        return False
    if token.i == 0:
        return True
    before = doc[token.i - 1]
    hyphenated = token.i >= 2 and doc[token.i - 2].text in ("-", "‑")
    # "from raw beef, contaminated water and ...": an item of a list of nouns, with no
    # subject of its own
    listed = (
        before.text == ","
        and token.i >= 2
        and doc[token.i - 2].pos_ == "NOUN"
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    )
    return before.pos_ == "ADJ" or hyphenated or listed


# Clozes on lists, labels and table rows show the line as the material lays it out; a
# contrast completes its elliptical clause ("whereas keratitis does not [resolve]").
_LAID_OUT = frozenset(
    ["list-item", "list-whole", "label-list", "label", "table", "arrow", "contrast"]
)


# Words of a fixed phrase of discourse: "for [example]" deletes nothing to learn
_DISCOURSE = re.compile(
    r"\b(?:for|in)\s+\{\{c\d+::(?:example|instance|particular|addition|general|contrast)\}\}",
    re.I,
)


def _excerpt_problem(candidate: Candidate) -> str | None:
    """A cloze's text, its deletions filled in, must be a piece of its sentence: only its
    subject may be named at the start, and "it" inside it by a lower-case noun phrase."""
    if _DISCOURSE.search(candidate.text):
        return "a word of a fixed phrase deleted ('for [...]': example)"
    if candidate.pattern in _LAID_OUT or candidate.sentence.span is None:
        return None
    whole = re.sub(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", r"\1", candidate.text)
    topic = candidate.topic
    # the topic named before the sentence, with what its section's heading says of it
    # ("Contraindications of nitrofurantoin: ", "Isotretinoin, pregnancy prevention: ")
    named = topic and re.match(
        rf"(?:[^:]{{1,60}}\bof )?{re.escape(topic)}(?:, [^:]{{1,60}})?: ", whole, re.I
    )
    if named:
        whole = whole[named.end() :]
    shown = _WORD.findall(_normal(whole))
    source = _WORD.findall(_normal(candidate.sentence.text))
    for skip in range(min(4, len(shown))):  # a subject named at the start
        piece = shown[skip:]
        piece[0] = piece[0][:1].lower() + piece[0][1:]
        for first in range(len(source)):
            stop = _aligned(piece, source, first)
            if stop is None:
                continue
            rest = " ".join(source[stop:]).replace(" ,", ",")
            cut = any(w in ("and", "or") for w in piece[-3:])
            if rest and cut and not _BOUNDARY.match(rest):
                return "excerpt ends inside a coordination (the sentence goes on)"
            return None
    return "excerpt is not a piece of its sentence (words glued or replaced)"


def _aligned(piece: list[str], source: list[str], first: int) -> int | None:
    """Where in ``source`` the words of ``piece`` end when they come in its order from
    ``first`` (words between two pieces may be left out); "it" or "they" of the source may
    stand in the piece as a lower-case noun phrase of at most six words. None when a word
    of the piece is not the sentence's."""
    at = first
    index = 0
    while index < len(piece):
        if at < len(source) and piece[index].lower() == source[at].lower():
            index += 1
            at += 1
            continue
        width = _stand_in(piece, index, source, at)
        if width:
            index += width
            at += 1
            continue
        if not index or at >= len(source):
            return None
        at += 1  # words of the sentence left out between two pieces of it
    return at


_WORD = re.compile(r"[^\s,;:]+|[,;:]")


def _stand_in(piece: list[str], index: int, source: list[str], at: int) -> int:
    """How many words of ``piece`` from ``index`` name the "it" or "they" at ``at`` in
    ``source`` (a lower-case noun phrase the next word of the sentence follows), or 0."""
    if at >= len(source) or source[at].lower() not in ("it", "they") or not index:
        return 0
    if not piece[index][:1].islower():
        return 0  # "when Potassium chloride is": a subject of another sentence put in
    for width in range(1, 7):
        if index + width >= len(piece):
            return width
        if at + 1 < len(source) and piece[index + width].lower() == source[at + 1].lower():
            return width
    return 0


# Where an excerpt may end inside its sentence: at punctuation, or before a word that
# starts another clause or an aside.
_BOUNDARY = re.compile(
    r"[,;:(\[–—-]|(?:and|or|but|whereas|while|which|who|whom|when|if|unless|until|because|"
    r"since|although|though|as|so|then|except|in which|with|without)\b"
)


def _normal(text: str) -> str:
    """``text`` without its remarks in parentheses (read apart from the sentence), its
    quotation marks, its spacing and its first capital."""
    text = re.sub(r"\s*\([^()]*\)|[“”\"]", "", text)
    text = re.sub(r"\s+", " ", text.strip().rstrip("."))
    return text[:1].lower() + text[1:]


def expansion(expanded: str, acronym: str) -> str | None:
    """The words of ``expanded`` that the letters of ``acronym`` stand for: "erythrocyte
    sedimentation rate or the C-reactive protein" for ESR is "erythrocyte sedimentation
    rate"; None when the initials do not match from either end."""
    # "G6PD": a digit is a letter too, spelled by a word of its own ("glucose-6-phosphate
    # dehydrogenase") or left tacit ("SGLT2 inhibitors")
    letters = [c for c in acronym.lower() if c.isalnum()]
    if acronym.endswith("s") and len(letters) > 2:
        letters = letters[:-1]  # "ACEs"
    words = expanded.split()
    if not letters or not words:
        return None
    for start in range(len(words)):  # the longest piece first, from the end
        if _spells(words[start:], letters):
            return " ".join(words[start:])
    for end in range(len(words), 0, -1):
        if _spells(words[:end], letters):
            if (
                end < len(words)
                and not _RUNS_ON.match(words[end])
                and not words[end - 1].endswith(",")
            ):
                # "syndrome of inappropriate antidiuretic hormone secretion" (SIADH): a
                # last word the letters leave tacit belongs to the name
                return expanded
            return " ".join(words[:end]).rstrip(",")
    return None


# Words after which an expansion has run on into something else: "ESR or the CRP"
_RUNS_ON = re.compile(r"(?:or|and|with|versus|vs|plus|nor|but)$", re.I)


def _spells(words: list[str], letters: list[str]) -> bool:
    """Whether each word (or hyphen part), skipping small words, starts one or more of
    ``letters`` in order, and the last word ends the letters."""
    parts = [p.lower() for w in words for p in re.split(r"[-/]", w) if p]
    if not parts or parts[0] in STOPWORDS or parts[-1] in STOPWORDS:
        return False

    def match(part_index: int, letter_index: int) -> bool:
        if part_index == len(parts):
            return all(letter.isdigit() for letter in letters[letter_index:])
        part = parts[part_index]
        if part in STOPWORDS and match(part_index + 1, letter_index):
            return True
        if letter_index == len(letters) or not part[:1].isalnum():
            return False
        if letters[letter_index].isdigit() and part[0] != letters[letter_index]:
            return match(part_index, letter_index + 1)  # a digit the words leave tacit
        if part[0] != letters[letter_index]:
            return False
        # the word gives its initial, and maybe more of its letters in order ("TB")
        position = 1
        taken = letter_index + 1
        if match(part_index + 1, taken):
            return True
        while taken < len(letters):
            found = part.find(letters[taken], position)
            if found < 0:
                return False
            position = found + 1
            taken += 1
            if match(part_index + 1, taken):
                return True
        return False

    return match(0, 0)
