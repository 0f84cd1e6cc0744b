"""Terse notes: lines a clinician writes with arrows, symbols and fragments after a colon.

"NT-proBNP >2000 ng/L -> specialist assessment" means "if NT-proBNP is above 2000 ng/L,
then a specialist assessment": it is asked as what follows the arrow. "Falsely low:
obesity, diuretics, ACE inhibitors" is a label and its list; "Diagnosis: NT-proBNP is the
first test" a label before a sentence, which is read as a sentence. Each part between
semicolons is read on its own. The parser reads whole sentences; these lines are not.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from study.services.cardgen.candidates import Candidate, Context, basic, cloze_card
from study.services.cardgen.phrases import listed_names
from study.services.cardgen.sentences import Block, Sentence
from study.services.cardgen.terms import STOPWORDS, words
from study.services.cardgen.topics import capitalise, lower_first

ARROW = re.compile(r"\s*(?:→|->|=>|⇒)\s*")
# "Label: ..." where the label is short and the line is not a sentence with a colon in it.
_LABEL = re.compile(r"^(?P<label>[^:;.]{1,60}?)\s*:\s+(?P<rest>.+)$")
MAX_LABEL_WORDS = 8
# a label that scopes the sentence after it is a short name ("Once daily", "Pregnancy")
_MOST_SCOPE_WORDS = 4


def terse(sentence: Sentence) -> bool:
    """Whether ``sentence`` is a line of notes: it has an arrow, a short label and a
    colon before a fragment or a list, or it asks and answers (``Asked``)."""
    return (
        isinstance(sentence, Asked)
        or bool(ARROW.search(sentence.text))
        or _labelled(sentence.text) is not None
        # "Allopurinol or febuxostat 1st line (...)": a name and its rank, no verb
        or (
            any(start == 0 for start, _ in _ranked_names(sentence.text))
            and not _CLAUSE.search(sentence.text)
        )
    )


@dataclass(frozen=True)
class Asked(Sentence):
    """A line of notes that asks a short question and answers it: "Already on warfarin?
    Do not stop it". ``text`` is both; the question ends at ``asked``."""

    asked: int = 0


def asked_lines(block: Block, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences of a list item, a short question and the sentence after it read as
    one line (``Asked``): the question is the answer's condition ("Pregnant? Avoid
    doxycycline"), and each read alone lost it (a cloze "[...]?", "What should you
    avoid?")."""
    if block.kind != "bullet" or len(sentences) < 2:
        return sentences
    question, answer = sentences[0], sentences[1]
    if (
        type(question) is not Sentence
        or question.span is None
        or answer.span is None
        or question.span.doc is not answer.span.doc
        or not question.text.endswith("?")
        or len(words(question.text)) > MAX_LABEL_WORDS
        or not words(answer.text)
    ):
        return sentences
    span = question.span.doc[question.span.start : answer.span.end]
    shift = answer.span.start_char - question.span.start_char
    joined = Asked(
        text=span.text,
        raw=block.text[question.start - block.start : answer.end - block.start],
        start=question.start,
        end=answer.end,
        span=span,
        asides=question.asides + tuple((at + shift, a) for at, a in answer.asides),
        asked=len(question.text),
    )
    return [joined, *sentences[2:]]


def with_remarks(sentence: Sentence) -> Sentence:
    """A line of notes with its remarks in parentheses put back where they were: the
    parser does not read a line of notes whole, and "prasugrel + aspirin (clopidogrel
    instead if already on OAC)" is one item with its exception. A remark that is a list
    or a chain of its own (a comma, an arrow) stays apart: the line's items are split at
    its commas."""
    back = [(at, a) for at, a in sentence.asides if "," not in a and not ARROW.search(a)]
    if not back:
        return sentence
    text = sentence.text
    for at, aside in sorted(back, reverse=True):
        text = f"{text[:at].rstrip()} ({aside}){text[at:]}"
    kept = tuple(a for a in sentence.asides if a not in back)
    return replace(sentence, text=text, asides=kept)


def scoped_parts(line: Sentence, found: list[Candidate], context: Context) -> list[Candidate]:
    """The cards of the whole sentences a line of notes tells after a label, each with its
    label said ("Once daily: the trough should be below 1 mg/L", "Pregnancy: avoided
    unless essential, because ..."): the label is the regimen, group or case the
    sentence holds in, and a card without it states for every case what holds in one."""
    return [_with_label(card, line, context) for card in found]


def _with_label(card: Candidate, line: Sentence, context: Context) -> Candidate:
    part = card.sentence.text
    at = line.text.find(part[1:], 1) - 1
    if at < 1:
        return card
    segment = line.text[line.text.rfind(";", 0, at) + 1 : at + len(part)].strip()
    label = _labelled(segment)
    if label is None or label[1][1:] != part[1:]:
        return card
    name = label[0]
    if len(words(name)) > _MOST_SCOPE_WORDS or _CLAUSE.search(name):
        return card  # "Severity is graded by ...: an attack is ...": a sentence, not a label
    shown = card.text if card.type == "cloze" else card.front
    if {w.lower() for w in words(name)} <= {w.lower() for w in words(shown)}:
        return card
    # after the topic's own prefix ("Monitoring of gentamicin, once daily: ...")
    prefix = re.match(r"([^:]+): ", shown)
    topic = (context.topic or "").lower()
    if prefix and topic and topic in prefix.group(1).lower():
        scoped = f"{prefix.group(1)}, {lower_first(name)}: {shown[prefix.end() :]}"
    else:
        scoped = f"{capitalise(name)}: {lower_first(shown)}"
    return replace(card, text=scoped) if card.type == "cloze" else replace(card, front=scoped)


def _labelled(text: str) -> tuple[str, str] | None:
    match = _LABEL.match(text)
    if not match or len(words(match.group("label"))) > MAX_LABEL_WORDS:
        return None
    return match.group("label").strip(), match.group("rest").strip()


def note_cards(sentence: Sentence, context: Context) -> tuple[list[Candidate], list[str]]:
    """The cards of a line of notes, and the parts of it that are whole sentences (to be
    read by the parser, each after its label)."""
    if isinstance(sentence, Asked):
        return [_answer_card(sentence, context), *_remark_cards(sentence, context)], []
    found, sentences = _line_cards(with_remarks(sentence), context)
    ranked = _ranked_cards(with_remarks(sentence), context)
    return found + _remark_cards(sentence, context) + ranked, sentences


def _answer_card(sentence: Asked, context: Context) -> Candidate:
    """The line's question, and its answer with the answer's remarks put back."""
    question = sentence.text[: sentence.asked]
    answer = with_remarks(sentence).text[sentence.asked :].strip()
    about = _about(context, question)
    front = f"{about}{lower_first(question)}" if about else question
    return basic("asked", sentence, context, front, answer, name_topic=True)


def _remark_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """A list of names in parentheses ("Dopamine agonists (ropinirole, pramipexole,
    rotigotine patch): ..."): a deletion per name, shown after what it names, from the
    start of its step of the line."""
    found: list[Candidate] = []
    inline = [(m.start(), m.group(1)) for m in re.finditer(r"\s*\(([^()]+)\)", sentence.text)]
    for at, aside in [*sentence.asides, *inline]:
        names = [n.strip() for n in re.split(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+", aside)]
        if (
            ARROW.search(aside)
            or re.search(r"\d", aside)  # "(children 0.1 mg/kg, max 4 mg)": doses, not names
            or len(names) < 2
            or any(not 0 < len(words(n)) <= 4 for n in names)
        ):
            continue
        before = sentence.text[:at]
        step = max([before.rfind(";"), *(m.end() - 1 for m in ARROW.finditer(before))])
        shown = before[step + 1 :].strip()
        if not words(shown):
            continue
        text = f"{shown} ({aside})"
        spans: list[tuple[int, int]] = []
        cursor = len(shown) + 2
        for name in names:
            start = text.find(name, cursor)
            spans.append((start, start + len(name)))
            cursor = start + len(name)
        if any(start < 0 for start, _ in spans):
            continue
        card = cloze_card("list-item", sentence, context, text, spans)
        if card:
            found.append(card)
    return found


# "Allopurinol or febuxostat 1st line", "Direct oral anticoagulant (DOAC) first-line:": a
# name that opens its step of the line, then its rank
_RANKED = re.compile(
    r"(?:^|[;:→]\s*)(?P<name>[^;:→]+?)\s+(?:1st|2nd|3rd|first|second|third)[- ]line\b", re.I
)


def _ranked_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """A name before its rank ("Allopurinol or febuxostat 1st line (...)"): the name
    deleted, the line shown. Read as a phrase, the rank's own words were deleted
    ("allopurinol or febuxostat [1st] line") and the name never asked."""
    found: list[Candidate] = []
    for span in _ranked_names(sentence.text):
        card = cloze_card("label", sentence, context, sentence.text, [span])
        if card:
            found.append(card)
    return found


def _ranked_names(text: str) -> list[tuple[int, int]]:
    """Where the names before a rank are in ``text``: a few words, no label ("Flare Rx,
    1st line: A or B") and no piece of a remark ("Refractory (seizing despite first- and
    second line)")."""
    spans: list[tuple[int, int]] = []
    for match in _RANKED.finditer(text):
        name = match.group("name")
        if (
            0 < len(words(name)) <= 6
            and not all(w in STOPWORDS for w in words(name))
            and not name.endswith(",")
            and name.count("(") == name.count(")")
        ):
            spans.append(match.span("name"))
    return spans


def _line_cards(sentence: Sentence, context: Context) -> tuple[list[Candidate], list[str]]:
    found: list[Candidate] = []
    sentences: list[str] = []
    text = sentence.text.rstrip(" .")
    segments = re.split(r";\s+", text)
    label = _labelled(segments[0])
    if (
        label
        and len(segments) >= 2
        and not any(ARROW.search(s) for s in segments)
        # "1st line: A or B or C; choose by ...": the first part is the label's list, the
        # rest is said of it (each part is read on its own below)
        and len(re.split(r"\s+or\s+", label[1])) < 3
    ):
        # "Indications: A; B": the label's items, each asked in turn
        items = [label[1], *segments[1:]]
        if all(0 < len(words(i)) <= 14 for i in items):
            spans = [(text.find(i), text.find(i) + len(i)) for i in items]
            front = f"{_about(context, label[0])}{_name_items(label[0], len(items))}"
            card = cloze_card("list-item", sentence, context, sentence.text, spans)
            if _nameable(label[0], items):
                answer = "; ".join(items)
                found.append(basic("label-list", sentence, context, front, answer, *items))
            return found + ([card] if card else []), sentences
        # items too long for one answer: each short item deleted, each long one read
        short = [i for i in items if 0 < len(words(i)) <= 8]
        spans = [(text.find(i), text.find(i) + len(i)) for i in short]
        card = cloze_card("list-item", sentence, context, sentence.text, spans)
        return ([card] if card else []), [capitalise(i) for i in items if i not in short]
    position = 0
    for number, segment in enumerate(segments):
        start = text.find(segment, position)
        position = start + len(segment)
        if number and label and _WHEN_LABEL.match(label[0]) and ARROW.search(segment):
            # "If CPR is impossible: T <28 °C → ...; T <20 °C → ...": the line's condition
            # holds for each of its steps, said before each
            segment = f"{label[0]}: {segment}"
        found += _segment(sentence, context, segment, start, sentences)
    return found, sentences


# a label that says when, not what ("Before discharge: A; B")
_WHEN_LABEL = re.compile(r"(?:before|after|during|until|on|at|within|if|when)\b", re.I)


def _name_items(label: str, count: int) -> str:
    """The question of a labelled list: "Features: name 3." for a label naming what the
    items are, "What 2 things are done before discharge?" for one saying when."""
    if _WHEN_LABEL.match(label):
        return f"What {count} things are done {label[0].lower()}{label[1:]}?"
    return f"{capitalise(label)}: name {count}."


def _nameable(label: str, items: list[str]) -> bool:
    """Whether "Label: name N." asks what the line says: not when an item is a list
    itself ("at rest, asymmetric, 4-6 Hz; ..."), a rule ("bradykinesia + ≥1 of A, B"),
    or the label a clause ("Smoking is the biggest risk you can change: ...")."""
    if _CLAUSE.search(label) or all(w in STOPWORDS for w in words(label)):
        return False  # (nor "Also: A, B, C": the label names nothing)
    return not any(_listed(i) or _OPERATOR.search(i) for i in items)


def _listed(item: str) -> bool:
    """Whether an item is a list of short items itself ("at rest, asymmetric, 4-6 Hz")."""
    pieces = [p for p in re.split(r",\s+(?:and\s+|or\s+)?", item) if p]
    return len(pieces) >= 3 and all(len(words(p)) <= 4 for p in pieces)


_CLAUSE = re.compile(r"\b(?:is|are|was|were|has|have|can|may|should|must)\b", re.I)
# "A + B" (both), "≥1 of", "one of": a rule, not a list ("Na+" is an ion)
_OPERATOR = re.compile(r"\s\+\s|[≥≤<>]\s*\d+\s+of\b|\b(?:one|any|two) of\b", re.I)


def _segment(
    sentence: Sentence, context: Context, segment: str, start: int, sentences: list[str]
) -> list[Candidate]:
    arrows = list(ARROW.finditer(segment))
    label = _labelled(segment)
    if arrows:
        found: list[Candidate] = []
        # "A → B → C": each step is asked from the one before it
        pieces: list[tuple[int, int]] = []
        edge = 0
        for arrow in arrows:
            pieces.append((edge, arrow.start()))
            edge = arrow.end()
        pieces.append((edge, len(segment)))
        for (a_start, a_end), (b_start, b_end) in itertools.pairwise(pieces):
            before, after = segment[a_start:a_end].strip(), segment[b_start:b_end].strip()
            if not words(before) or not words(after):
                continue
            shown = segment[: arrows[0].start()].strip() if a_start else before
            if a_start:
                shown = segment[:a_end].strip()
            front = f"{_about(context, shown)}{shown} → ?"
            found.append(basic("arrow", sentence, context, front, after, name_topic=True))
        return found
    if label is not None:
        name, rest = label
        items = listed_names(rest, sentence.span, start + segment.find(rest))
        if len(items) >= 3 and all(0 < len(words(i)) <= 6 for i in items):
            spans = []
            offset = start + segment.find(rest)
            cursor = offset
            for item in items:
                at = sentence.text.find(item, cursor)
                if at < 0:
                    break
                spans.append((at, at + len(item)))
                cursor = at + len(item)
            front = f"{_about(context, name)}{_name_items(name, len(items))}"
            answer = "; ".join(items)
            named = [basic("label-list", sentence, context, front, answer, *items)]
            card = cloze_card("list-item", sentence, context, sentence.text, spans)
            return (named if _nameable(name, items) else []) + ([card] if card else [])
        is_sentence = re.search(r"\b(?:is|are|was|were|has|have|can|may|should|must)\b", rest)
        if len(items) >= 3 and not is_sentence:
            # "one point each for new confusion, a urea above 7 mmol/L, ...": a deletion
            # per short item (the words before "for" belong to the label)
            items[0] = re.sub(r"^.*?\b(?:for|of|include|including)\s+", "", items[0])
            spans = []
            cursor = start + segment.find(rest)
            for item in items:
                at = sentence.text.find(item, cursor)
                if at < 0:
                    break
                cursor = at + len(item)
                if 0 < len(words(item)) <= 8:
                    spans.append((at, at + len(item)))
            card = cloze_card("list-item", sentence, context, sentence.text, spans)
            if card:
                return [card]
        if re.search(r"\b(?:is|are|was|were|has|have|can|may|should|must)\b", rest):
            sentences.append(capitalise(rest))
            return []
        told = _instruction(sentence, start, name)
        if told is None:
            front = f"{_about(context, name)}{capitalise(name)}?"
            return [basic("label", sentence, context, front, rest, name_topic=True)]
        # "Do not wait for troponin: reperfusion decided on the ECG": an instruction and
        # why; its object is asked in the line, the reason by the instruction
        front = f"{_about(context, name)}{capitalise(name)}: why?"
        found = [basic("label", sentence, context, front, rest, name_topic=True)]
        card = cloze_card("label", sentence, context, sentence.text, [told])
        return found + ([card] if card else [])
    return []


def _instruction(sentence: Sentence, start: int, label: str) -> tuple[int, int] | None:
    """Where in the line the object of a label that is an instruction is ("Do not wait
    for [troponin]", "Never stop [PD meds] abruptly"), or None for a label that names."""
    span = sentence.span
    if span is None:
        return None
    at = sentence.text.find(label, start)
    tokens = [t for t in span if at <= t.idx - span.start_char < at + len(label) and not t.is_punct]
    words_in = [t.lower_ for t in tokens]
    verb = next((t for t in tokens if t.pos_ in ("VERB", "AUX")), None)
    imperative = bool(tokens) and (
        tokens[0].tag_ == "VB"
        or words_in[:2] in (["do", "not"], ["do", "n't"])
        or (words_in[:1] == ["never"] and verb is not None and verb.tag_ == "VB")
    )
    nouns = [t for t in tokens if t.pos_ in ("NOUN", "PROPN")]
    if not imperative or not nouns:
        return None
    noun = nouns[-1]
    first = min((t for t in noun.subtree if t in tokens), key=lambda t: t.i)
    begin = first.idx - span.start_char
    return begin, noun.idx - span.start_char + len(noun)


def _about(context: Context, shown: str) -> str:
    """The topic before a line that does not name it ("Chronic heart failure: ...")."""
    if context.topic and not context.names_topic(shown):
        return f"{capitalise(context.topic)}: "
    return ""
