"""Patterns: rules that turn one sentence into candidate cards.

Each pattern reads the sentence with its anaphora already resolved ("It can be caused
by ..." reads "Avascular necrosis can be caused by ...") and returns candidates; the gates
decide later which survive. Patterns are ordered from the most specific to the fallback
(a cloze on the rarest term), which applies only when no other pattern fired.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from study.cardgen.candidates import Candidate, Context
from study.cardgen.sentences import Sentence
from study.cardgen.terms import STOPWORDS, rare_terms, strip_article, words
from study.cardgen.topics import capitalise, lower_first

Pattern = Callable[[str, Sentence, Context], list[Candidate]]

_NP_WORD = r"[A-Za-z0-9][\w'’-]*"
_VERBS = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "should",
        "must",
        "do",
        "does",
        "did",
        "results",
        "result",
        "causes",
        "cause",
        "leads",
        "lead",
        "happens",
        "occurs",
        "takes",
        "take",
        "comes",
        "come",
        "feels",
        "feel",
        "creates",
        "creating",
        "present",
        "presents",
        "remains",
        "remain",
    ]
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|hundred|a few|several|many"
)
_UNITS = (
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|times|%|percent|mg|g|kg|mcg|ml|mL|L|"
    r"mmHg|mmol/L|mg/dL|cm|mm|°C|°F|repetitions|reps|doses?"
)
_DURATIONS = r"seconds|minutes|hours|days|weeks|months|years"
_ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
NUMBER = re.compile(
    rf"(?:(?:about|almost|around|approximately|over|under|up to|at least|nearly|more than|"
    rf"less than|fewer than)\s+)?"
    rf"(?:\b\d(?:[\d,.]*\d)?(?:\s*(?:-|–|to)\s*\d(?:[\d,.]*\d)?)?(?:\s*(?:{_UNITS})\b|%)?"
    rf"|\b(?:{_NUMBER_WORDS})(?:\s+(?:to|or)\s+(?:{_NUMBER_WORDS}))?\s+(?:{_DURATIONS}|times)\b"
    rf"|\b(?:{_ORDINALS})(?=\s+(?:place|most|leading|highest|largest|commonest))"
    rf"|(?<=\btake\s)(?:{_DURATIONS})\b|(?<=\btakes\s)(?:{_DURATIONS})\b"
    rf"|(?<=\bwithin\s)(?:{_DURATIONS})\b|(?<=\bfor\s)(?:{_DURATIONS})\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


def _term(text: str) -> str:
    """A term taken from a sentence start, in sentence case ("Spinal laminectomy" gives
    "spinal laminectomy"); acronyms and names in the middle of a phrase keep their case."""
    text = text.strip()
    first = text.split(" ")[0] if text else ""
    if first[1:2].islower() and first[:1].isupper():
        return text[0].lower() + text[1:]
    return text


def _answer(text: str) -> str:
    """An answer as a card shows it: trimmed, first letter upper case."""
    return capitalise(text.strip(" ,;:.").strip())


def _noun_phrase_before(text: str, end: int) -> str:
    """The noun phrase that ends at ``end``: words back to a stopword or a comma."""
    phrase: list[str] = []
    for word in reversed(text[:end].split()):
        bare = word.strip(",;:")
        if word.endswith((",", ";", ":")) or bare.lower() in STOPWORDS or bare.lower() in _VERBS:
            break
        phrase.insert(0, bare)
        if len(phrase) == 6:
            break
    return " ".join(phrase)


def _clause_subject(text: str) -> str:
    """``text`` minus a leading "In 1990, " or "In both younger and older patients, "."""
    return re.sub(r"^(?:in|for|among|after|during|with)\b[^,]{0,80},\s*", "", text, flags=re.I)


def _basic(
    pattern: str, sentence: Sentence, context: Context, front: str, back: str, *traced: str
) -> Candidate:
    front = front.strip()
    topic = context.topic
    if (
        topic
        and topic.lower() not in front.lower()
        and not rare_terms(front)
        and not set(words(back)) & set(words(topic))
    ):
        # "How can acute attacks be treated?" needs to say which disease it is about.
        front = f"{capitalise(topic)}: {front[0].lower() + front[1:]}"
    return Candidate(
        pattern=pattern,
        type="basic",
        sentence=sentence,
        answers=traced or (back,),
        front=capitalise(front),
        back=_answer(back),
        topic=context.topic,
    )


def _cloze(
    pattern: str, sentence: Sentence, context: Context, text: str, spans: list[tuple[int, int]]
) -> Candidate | None:
    """A cloze note on ``text`` with each span a deletion of its own number."""
    spans = sorted(spans)
    if not spans or any(b[0] < a[1] for a, b in itertools.pairwise(spans)):
        return None
    pieces: list[str] = []
    position = 0
    answers: list[str] = []
    for number, (start, end) in enumerate(spans, start=1):
        answer = text[start:end]
        pieces += [text[position:start], f"{{{{c{number}::{answer}}}}}"]
        answers.append(answer)
        position = end
    pieces.append(text[position:])
    body = "".join(pieces).strip()
    if context.topic and context.topic.lower() not in text.lower():
        lowered = body[0].lower() + body[1:] if body[1:2].islower() else body
        body = f"{capitalise(context.topic)}: {lowered}"
    return Candidate(
        pattern=pattern,
        type="cloze",
        sentence=sentence,
        answers=tuple(answers),
        text=body,
        topic=context.topic,
    )


# ---- other names and definitions --------------------------------------------------------

_ALIAS_PAREN = re.compile(
    r"\((?:also|often|sometimes|commonly|previously|formerly)?\s*(?:called|known as|termed|"
    r"referred to as|or|aka)\s+(?P<y>[^)]+)\)",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\((?P<y>[A-Z][A-Za-z]{1,7}s?)\)")
_ALIAS_COMMA = re.compile(
    r",\s*(?:also|often|commonly|sometimes)\s+(?:called|known as|referred to as)\s+"
    r"(?P<y>[^,.;()]+)",
    re.IGNORECASE,
)
_ALIAS_VERB = re.compile(
    r"^(?P<x>[^,;]+?)\s+(?:is|are)\s+(?:often\s+|also\s+|commonly\s+|sometimes\s+)?"
    r"(?:called|known as|referred to as|termed)\s+(?P<y>[^,.;]+?)"
    r"(?:\s+because\s+(?P<why>[^;]+?))?\.?$",
    re.IGNORECASE,
)


def other_names(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X (also called Y)", "X, commonly called Y", "X is often called Y because Z"."""
    found: list[Candidate] = []
    pairs: list[tuple[str, str]] = []
    for match in _ALIAS_PAREN.finditer(text):
        x = _noun_phrase_before(text, match.start())
        pairs.append((_term(x) if text.startswith(x) else x, match.group("y")))
    for match in _ALIAS_COMMA.finditer(text):
        pairs.append((_noun_phrase_before(text, match.start()), match.group("y")))
    verb = _ALIAS_VERB.match(text)
    if verb:
        x, y = _term(strip_article(_clause_subject(verb.group("x")))), verb.group("y")
        pairs.append((x, y))
        if verb.group("why"):
            why = "Because " + verb.group("why").strip()
            front = (
                f"Why is {y} so called?" if x.lower() == y.lower() else f"Why is {x} called {y}?"
            )
            found.append(_basic("other-name-why", sentence, context, front, why, verb.group("why")))
    for x, y in pairs:
        x, y = x.strip(), strip_article(y.strip(" ,"))
        if not x or not y or x.lower() == y.lower():
            continue
        qualified = re.match(r"^(?P<name>.+?)\s+(?P<when>(?:when|if|in)\s.+)$", y)
        if qualified:  # "also known as podagra when it affects the big toe"
            name, when = qualified.group("name"), qualified.group("when")
            found.append(
                _basic("other-name", sentence, context, f"What is {x} called {when}?", name)
            )
            found.append(
                _basic("other-name-reverse", sentence, context, f"What is {name}?", f"{x} {when}")
            )
            continue
        found.append(_basic("other-name", sentence, context, f"What is another name for {x}?", y))
        found.append(
            _basic("other-name-reverse", sentence, context, f"What is another name for {y}?", x)
        )
    for match in _ACRONYM.finditer(text):
        expansion = _noun_phrase_before(text, match.start())
        acronym = match.group("y")
        initials = "".join(w[0] for w in expansion.split()).lower()
        if expansion and initials.startswith(acronym.lower().rstrip("s")[:2]):
            found.append(
                _basic("acronym", sentence, context, f"What does {acronym} stand for?", expansion)
            )
    return found


_KINDS = (
    r"condition|disease|disorder|syndrome|infection|inflammation|procedure|operation|surgery|"
    r"test|injury|fracture|tumou?r|clot|medication|drug|type of [\w-]+|form of [\w-]+|"
    r"complication|deficiency|arthritis|neuropathy|hormone|enzyme|protein|sign|symptom"
)
_DEFINITION = re.compile(
    rf"^(?P<x>[^,;]{{2,60}}?)\s+(?:is|are)\s+(?P<def>(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:{_KINDS})\b.+?)\.?$",
    re.IGNORECASE,
)


def definitions(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X is a condition in which ...": what X is, and which term fits the definition."""
    match = _DEFINITION.match(text)
    if not match:
        return []
    x = _term(strip_article(_clause_subject(match.group("x"))))
    definition = match.group("def")
    found: list[Candidate] = []
    # "a form of arthritis caused by urate crystals": the kind, and the cause on its own card.
    cause = re.search(r"\s+(?:caused by|due to|resulting from)\s+(?P<cause>.+)$", definition)
    if cause:
        definition = definition[: cause.start()]
        found.append(
            _basic("definition-cause", sentence, context, f"What causes {x}?", cause.group("cause"))
        )
    the_definition = re.sub(r"^an?\s+", "", definition, flags=re.I)
    found.append(_basic("definition", sentence, context, f"What is {x}?", definition))
    found.append(
        _basic(
            "definition-reverse", sentence, context, f"What is the term for a {the_definition}?", x
        )
    )
    return found


_APPOSITION = re.compile(
    r"(?:^|,\s|\s)(?P<x>[A-Za-z][\w-]+(?:\s[\w-]+){0,2}),\s+(?P<def>an?\s[^,.;]{6,80})(?=[,.;]|$)"
)


def appositions(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "Allopurinol, a xanthine oxidase inhibitor, ...": what the rare term is."""
    found: list[Candidate] = []
    for match in _APPOSITION.finditer(text):
        # Only a rare term is worth defining; "the blood, a ..." is not a definition.
        x = _tail_phrase(match.group("x")).split()
        if re.search(r"\s(?:is|are|was|were)\s", match.group("def")):
            continue  # "X, a balloon is inflated": a clause, not a definition
        if not x or not rare_terms(" ".join(x)):
            continue
        term = _term(" ".join(x)) if text.startswith(x[0]) else " ".join(x)
        found.append(
            _basic("apposition", sentence, context, f"What is {term}?", match.group("def"))
        )
    return found


# ---- mechanisms, indications, procedures, purposes ---------------------------------------

_WHEN = re.compile(
    r"^(?P<x>[^,;]+?)\s+(?P<verb>happens|happen|occurs|occur|develops|develop|arises|arise|"
    r"is performed|are performed|is done|is used|are used|is indicated|is needed)\s+"
    r"(?P<when>when|if|after)\s+(?P<y>.+?)\.?$",
    re.IGNORECASE,
)


def mechanisms(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X happens when Y", "X is performed when Y": when, or in which circumstances."""
    match = _WHEN.match(_drop_alias(text))
    if not match:
        return []
    x = _term(strip_article(_clause_subject(match.group("x"))))
    verb = match.group("verb").lower()
    if verb.startswith(("is ", "are ")):
        auxiliary, participle = verb.split(" ", 1)
        front = f"When {auxiliary} {x} {participle}?"
    else:
        base = re.sub(r"(?:s|es)$", "", verb) if verb not in ("arises",) else "arise"
        if verb in ("happens", "occurs", "develops"):
            base = verb[:-1]
        front = f"When does {x} {base}?"
    when = f"{match.group('when').lower()} {match.group('y')}"
    return [_basic("mechanism", sentence, context, front, when, match.group("y"))]


_WHERE = re.compile(
    r"^(?:although\s[^,]+,\s*)?(?P<x>[^,;]+?)\s+(?P<often>most often|most commonly|usually|"
    r"typically|mainly|mostly)\s+(?P<verb>happens|occurs|develops|affects|forms)\s+"
    r"(?P<y>(?:in|at|on)\s+[^,;.]+|[^,;.]+)",
    re.IGNORECASE,
)


def locations(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X most often happens in the hip": where X happens, or what it affects."""
    match = _WHERE.match(text)
    if not match:
        return []
    x = _term(strip_article(match.group("x")))
    verb, often, y = match.group("verb").lower(), match.group("often").lower(), match.group("y")
    base = verb[:-1] if verb.endswith("s") else verb
    if verb == "affects":
        front = f"What does {x} {often} affect?"
    else:
        front = f"Where does {x} {often} {base}?"
    return [_basic("location", sentence, context, front, y)]


def _drop_alias(text: str) -> str:
    return _ALIAS_PAREN.sub("", text).replace("  ", " ")


_PROCEDURE_STEP = re.compile(
    r"^(?:during|in)\s+(?P<proc>[^,]+),\s*(?P<what>.+?)\s+(?P<aux>is|are)\s+"
    r"(?P<verb>\w+ed|\w+en)\b(?P<rest>[^,;]*)",
    re.IGNORECASE,
)


def procedure_steps(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "During the procedure, A is removed": what is removed during the procedure."""
    match = _PROCEDURE_STEP.match(text)
    if not match:
        return []
    proc = strip_article(match.group("proc"))
    what = match.group("what").strip(" ,")
    rest = match.group("rest").rstrip(" .")
    front = f"During {proc}, what {match.group('aux')} {match.group('verb')}{rest}?"
    return [_basic("procedure-step", sentence, context, front, what)]


_AIM = re.compile(
    r"^(?:the\s+)?(?P<kind>aim|goal|purpose|point|main aim|objective)\s+of\s+(?P<x>.+?)\s+is\s+"
    r"(?P<y>.+?)\.?$",
    re.IGNORECASE,
)
_HELP_VERBS = (
    r"identify|determine|diagnose|distinguish|tell|detect|assess|reduce|relieve|prevent|confirm|"
    r"rule out|measure|control|lower|improve|treat|find"
)
_HELPS = re.compile(
    rf"^(?P<x>[^,;]+?)\s+(?:will\s+|can\s+|may\s+|might\s+)?helps?\s+(?:you\s+|to\s+|doctors\s+)*"
    rf"(?P<verb>{_HELP_VERBS})\s+(?P<y>.+?)\.?$",
    re.IGNORECASE,
)
_WHICH_HELPS = re.compile(
    rf"(?P<x>{_NP_WORD}(?:\s+(?:or|and)\s+{_NP_WORD})?),\s+which\s+(?:can\s+|may\s+|will\s+)?"
    rf"helps?\s+(?:to\s+)?(?P<verb>{_HELP_VERBS})\s+(?P<y>[^,.;]+)",
    re.IGNORECASE,
)


def purposes(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """What a test or treatment is for: "The aim of X is ...", "X will help you identify ..."."""
    found: list[Candidate] = []
    aim = _AIM.match(text)
    if aim:
        x = strip_article(aim.group("x"))
        found.append(
            _basic(
                "purpose",
                sentence,
                context,
                f"What is the {aim.group('kind')} of {x}?",
                aim.group("y"),
            )
        )
    helps = _HELPS.match(re.sub(r"^(?:again|also|so|thus|therefore),\s*", "", text, flags=re.I))
    if helps:
        x = _term(helps.group("x"))
        verb, y = helps.group("verb"), helps.group("y")
        found.append(_basic("purpose", sentence, context, f"What can {x} help {verb}?", y))
        found.append(_basic("purpose-reverse", sentence, context, f"What helps {verb} {y}?", x))
    for which in _WHICH_HELPS.finditer(text):
        x, verb, y = which.group("x"), which.group("verb"), which.group("y")
        found.append(_basic("purpose", sentence, context, f"What can {x} help {verb}?", y))
    return found


_TREATED = re.compile(
    r"^(?P<x>[^;]+?)\s+(?:can|may|is|are|should)\s+(?:also\s+|usually\s+|often\s+|be\s+)*"
    r"(?:treated|managed)\s+(?:with|by)\s+(?:an?\s+)?(?:procedures?\s+called\s+|surgery\s+called\s+)?"
    r"(?P<y>[^.;]+?)(?:,\s+which\b.*)?\.?$",
    re.IGNORECASE,
)
_HEALS_WITH = re.compile(
    r"^(?P<x>[^;]+?)\s+(?:(?:take|takes|need|needs)\s+[\w\s-]+?\s+to\s+)?(?:heal|recover|improve)s?"
    r"\s+with\s+(?P<y>[^,.;]+)",
    re.IGNORECASE,
)


def treatments(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X can be treated with Y", "X takes weeks to heal with Y": how X is treated."""
    found: list[Candidate] = []
    treated = _TREATED.match(text)
    if treated:
        x = _term(strip_article(_clause_subject(treated.group("x"))))
        found.append(
            _basic("treatment", sentence, context, f"How can {x} be treated?", treated.group("y"))
        )
    heals = _HEALS_WITH.match(text)
    if heals:
        x = _term(strip_article(_clause_subject(heals.group("x"))))
        found.append(
            _basic("treatment", sentence, context, f"With what do {x} heal?", heals.group("y"))
        )
    return found


# ---- lists and causes ----------------------------------------------------------------------

_CAUSED_BY = re.compile(
    r"^(?P<x>[^;]+?)\s+(?:can|may|is|are|might)\s+(?:also\s+|often\s+|usually\s+|mostly\s+|be\s+)*"
    r"caused\s+by\s+(?P<list>.+?)(?:,?\s+among\s+other\s+(?:causes|things|reasons))?\.?$",
    re.IGNORECASE,
)
_INCLUDE = re.compile(
    r"^(?P<x>[^;:]+?)\s+(?:include|includes|are|consist of)\s*:?\s+(?P<list>[^;]+?)\.?$",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?(?:from\s+)?|\s+(?:or|and)\s+(?:from\s+)?", re.I)


def split_items(text: str) -> list[str]:
    """The items of "A, B, or C" (parenthesised remarks stay with their item).

    "X, a thing that ..." is one item, X, explained by an apposition.
    """
    apposition = re.match(r"^([^,]+),\s+an?\s[^,]+$", text.strip(" ."))
    if apposition and not re.search(r"\s(?:and|or)\s", text):
        return [strip_article(apposition.group(1).strip())]
    items: list[str] = []
    depth = 0
    current = ""
    protected = ""
    for char in text:  # hide separators inside parentheses from the split
        depth += char == "("
        depth -= char == ")"
        protected += "\x00" if depth > 0 and char == "," else char
    for part in _LIST_SPLIT.split(protected):
        current = strip_article(part.replace("\x00", ",").strip(" ,.;"))
        current = re.sub(r"^(?:from|by)\s+(?:the\s+)?", "", current, flags=re.I)
        if current:
            items.append(current)
    return items


def causes(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X can be caused by A, B, or C": one card per cause and one for the whole list."""
    match = _CAUSED_BY.match(text)
    label = "causes"
    if not match:
        match = _INCLUDE.match(text)
        if not match or len(split_items(match.group("list"))) < 3:
            return []
        label = ""
    x = _term(strip_article(_clause_subject(match.group("x"))))
    items = split_items(match.group("list"))
    found: list[Candidate] = []
    if len(items) == 1:
        return [_basic("cause", sentence, context, f"What can cause {x}?", items[0])]
    spans = _item_spans(text, items, match.start("list"))
    cloze_card = _cloze("list-item", sentence, context, text, spans)
    if cloze_card:
        found.append(cloze_card)
    if label:
        front = f"Name {len(items)} causes of {x}."
        # The material may say "among other causes": the list is not complete.
        if re.search(r"among\s+other", text, re.I):
            front = f"Name {len(items)} causes of {x} (among others)."
    else:
        front = (
            f"Name the {len(items)} {x}."
            if x.lower().startswith(("risk", "symptom", "sign", "cause", "type", "complication"))
            else f"What does {x} include? ({len(items)})"
        )
    found.append(_basic("list-whole", sentence, context, front, "; ".join(items), *items))
    return found


def _item_spans(text: str, items: list[str], start: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = start
    for item in items:
        at = text.find(item, position)
        if at < 0:
            return []
        spans.append((at, at + len(item)))
        position = at + len(item)
    return spans


_SERIES = re.compile(
    r"(?P<first>[\w'’-]+(?:\s[\w'’-]+){0,3}),\s+(?P<middle>(?:[\w'’-]+(?:\s[\w'’-]+){0,3},\s+)*)"
    r"(?:and|or)\s+(?P<last>[\w'’-]+(?:\s[\w'’-]+){0,3})"
)


def series(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """A series of three or more short items in any sentence: one cloze deletion per item."""
    for match in _SERIES.finditer(text):
        first = _tail_phrase(match.group("first"))
        middle = [m.strip() for m in match.group("middle").split(",") if m.strip()]
        middle = [m for m in middle if not re.match(r"(?:and|or)\b", m)]
        last = _head_phrase(match.group("last"))
        items = [first, *middle, last]
        items = [i for i in items if i and words(i)[:1] != ["other"]]
        if len(items) < 3:
            continue
        spans = _item_spans(text, items, match.start())
        card = _cloze("series", sentence, context, text, spans)
        return [card] if card else []
    return []


def _tail_phrase(phrase: str) -> str:
    """The last noun phrase of ``phrase``: "injury to the spine's discs" gives "discs"."""
    kept: list[str] = []
    for word in reversed(phrase.split()):
        if word.lower() in STOPWORDS or word.lower() in _VERBS:
            break
        if word.endswith(("'s", "’s")):
            break
        kept.insert(0, word)
    return " ".join(kept)


def _head_phrase(phrase: str) -> str:
    """The first noun phrase of ``phrase``: "muscles results in inflammation" gives "muscles"."""
    kept: list[str] = []
    for word in phrase.split():
        if word.lower() in STOPWORDS or word.lower() in _VERBS:
            break
        kept.append(word)
    return " ".join(kept)


# ---- numbers -------------------------------------------------------------------------------


def numbers(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """Numbers, quantities and durations, each asked in the clause that gives it."""
    found: list[Candidate] = []
    position = 0
    for clause in re.split(r"(?<=;)\s+", text):
        offset = text.find(clause, position)
        position = offset + len(clause)
        matches = [m for m in NUMBER.finditer(clause) if m.group(0).strip()]
        asked = [m for m in matches if not _YEAR.match(m.group(0).strip())] or matches
        if not asked:
            continue
        clause_text = clause.rstrip(";").strip()
        clause_text = capitalise(clause_text) + (
            "" if clause_text.endswith((".", "?", "!")) else "."
        )
        spans = [(m.start(), m.end()) for m in NUMBER.finditer(clause_text)]
        spans = [s for s in spans if any(clause_text[s[0] : s[1]] == m.group(0) for m in asked)]
        for start, end in spans:
            # A phrase like "almost" belongs to the answer only as a hint of precision.
            card = _cloze("number", sentence, context, clause_text, [(start, end)])
            if card:
                found.append(card)
    return found


# ---- contrasts and comparisons -------------------------------------------------------------

_NOT_MEAN = re.compile(
    r"^(?:just\s+because\s+)?(?P<a>.+?)\s+(?:doesn't|doesn’t|does not|don't|don’t|do not)\s+"
    r"(?:necessarily\s+)?mean\s+(?:that\s+)?(?P<b>[^—–;]+?)"
    r"(?:\s*[—–;]\s*(?:in fact,?\s*)?(?P<c>.+?))?\.?$",
    re.IGNORECASE,
)


def _not_mean_question(a: str, b: str) -> str:
    """ "If your hip feels sore, does that necessarily mean ..." for a clause; "Does a raised
    urate level necessarily mean ..." for a noun phrase."""
    if re.search(r"\s(?:feels?|is|are|has|have|hurts?|shows?|looks?)\s", f" {a} "):
        return f"If {a}, does that necessarily mean {b}?"
    return f"Does {lower_first(a)} necessarily mean {b}?"


_WHILE = re.compile(r"^(?P<a>[^,;]{8,}),\s+(?:while|whereas|but)\s+(?P<b>[^,;]{3,}?)\.?$", re.I)
_THE_MORE = re.compile(
    r"^(?P<a>the\s+(?:more|less|longer|higher|lower|greater)\b[^,]+),\s+(?P<b>the\s+(?:more|less|"
    r"longer|higher|lower|greater|worse|better)\b.+?)\.?$",
    re.IGNORECASE,
)


def contrasts(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "Sore doesn't mean tight", "A heal rapidly, while B may not", "the more A, the more B"."""
    found: list[Candidate] = []
    not_mean = _NOT_MEAN.match(text)
    if not_mean:
        a, b = not_mean.group("a"), not_mean.group("b").strip()
        back = "No"
        traced: tuple[str, ...] = ("not",)
        if not_mean.group("c"):
            back = f"No; {not_mean.group('c').strip()}"
            traced = (not_mean.group("c").strip(),)
        found.append(
            _basic(
                "contrast",
                sentence,
                context,
                _not_mean_question(a, b),
                back,
                *traced,
            )
        )
    contrast = _WHILE.match(text)
    if contrast:
        card = _cloze(
            "contrast", sentence, context, text, [(contrast.start("b"), contrast.end("b"))]
        )
        if card:
            found.append(card)
    more = _THE_MORE.match(text)
    if more:
        card = _cloze("comparison", sentence, context, text, [(more.start("b"), more.end("b"))])
        if card:
            found.append(card)
    return found


# ---- fallback: a rare term -----------------------------------------------------------------


def rare_term(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """A cloze on the rarest domain term, for sentences no other pattern could use."""
    for rarity, start, end in rare_terms(text):
        term = text[start:end]
        if " " not in term and term.lower().endswith(("ing", "ed")):
            continue  # a verb form is rarely the fact worth asking
        if context.topic and term.lower() in context.topic.lower():
            continue
        del rarity
        card = _cloze("rare-term", sentence, context, text, [(start, end)])
        return [card] if card else []
    return []


PATTERNS: tuple[Pattern, ...] = (
    other_names,
    definitions,
    appositions,
    causes,
    mechanisms,
    locations,
    procedure_steps,
    purposes,
    treatments,
    contrasts,
    numbers,
    series,
)
FALLBACK: Pattern = rare_term
