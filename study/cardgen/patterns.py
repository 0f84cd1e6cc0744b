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
from functools import lru_cache

from study.cardgen import gates
from study.cardgen.candidates import Candidate, Context
from study.cardgen.sentences import Sentence
from study.cardgen.terms import (
    HEAD_NOUNS,
    NAMED_SUFFIX,
    STOPWORDS,
    is_verb,
    plural_noun,
    rare_terms,
    strip_article,
    words,
)
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
    r"/min|/h|/day|/week|units?/kg(?:\s+per\s+hour|/h)?|units?|micrograms?|milligrams?|"
    r"grams?|nanograms?|µg|seconds?|minutes?|hours?|days?|weeks?|months?|"
    r"years?|times|%|percent|mg/kg|mg|g|kg|mcg|ml|mL|L|mmHg|mmol/L|mg/dL|cm|mm|°C|°F|"
    r"beats per minute|bpm|breaths per minute|repetitions|reps|doses?"
)
_DURATIONS = r"seconds|minutes|hours|days|weeks|months|years"
_ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
NUMBER = re.compile(
    rf"(?:(?:about|almost|around|approximately|over|under|up to|at least|nearly|more than|"
    rf"less than|fewer than)\s+)?"
    # "1 in 3" is one ratio (before a lone "1" can be taken); "between 94 and 98 percent"
    # is one range, as "94 to 98 percent" is.
    rf"(?:\b(?:one|two|three|four|five|\d+)\s+in\s+(?:{_NUMBER_WORDS}|\d[\d,]*)\b"
    rf"|(?<=\bbetween\s)\d(?:[\d,.]*\d)?\s+and\s+\d(?:[\d,.]*\d)?(?:\s*(?:{_UNITS})\b|%)?"
    rf"|\b\d(?:[\d,.]*\d)?(?:\s*(?:-|–|to)\s*\d(?:[\d,.]*\d)?)?"
    # "30 mL/min/1.73m²": a unit may be a rate of others
    rf"(?:\s*(?:{_UNITS})(?:/[\w²³]+(?:\.[\w²³]+)*)*(?![\w/])|%)?"
    rf"|\b(?:{_NUMBER_WORDS})(?:\s+(?:to|or)\s+(?:{_NUMBER_WORDS}))?\s+(?:{_DURATIONS}|times)\b"
    rf"|\b(?:{_ORDINALS})(?=\s+(?:place|most|leading|highest|largest|commonest))"
    rf"|\b(?:two|three|four|five|six|seven|eight|nine|ten)fold\b"
    rf"|(?<=\btake\s)(?:{_DURATIONS})\b|(?<=\btakes\s)(?:{_DURATIONS})\b"
    rf"|(?<=\bwithin\s)(?:{_DURATIONS})\b|(?<=\bfor\s)(?:{_DURATIONS})\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# "type 2 diabetes", "grade 3 sprain": the number is part of a name, not a quantity.
_NUMBERED_NAME = re.compile(
    r"\b(?:type|grade|stage|class|phase|category|factor|tier|lead|gen)\s*$", re.IGNORECASE
)


MIN_CLAUSE_WORDS = 5


def clauses(text: str) -> list[str]:
    """The independent clauses of ``text`` joined by semicolons, each as a sentence.

    "A causes B; it can also C" states two facts, each asked on its own. Semicolons that
    separate short list items ("obesity; alcohol; diuretics") do not split.
    """
    parts = [p.strip() for p in re.split(r";\s+", text)]
    if len(parts) < 2 or any(len(words(p)) < MIN_CLAUSE_WORDS for p in parts):
        return [text]
    result: list[str] = []
    for part in parts:
        part = capitalise(part.rstrip(" ."))
        result.append(part + ".")
    return result


_LEADING_SUBORDINATE = re.compile(
    r"^(?:when|whenever|if|unless|although|though|because|just because|while|since|once)\s",
    re.IGNORECASE,
)
_MAIN_SUBJECT = re.compile(
    r",\s+(?=(?:it|they|this|these|those|there|he|she|we|you)\s)", re.IGNORECASE
)


def main_clause_start(text: str) -> int:
    """Where the main clause of ``text`` starts: after a leading "When A, B, or C," clause,
    which only sets the condition, or 0.

    The main clause begins at the first comma followed by a subject pronoun ("..., it
    typically comes from ..."), else at the first comma that does not continue a series.
    """
    if not _LEADING_SUBORDINATE.match(text):
        return 0
    pronoun = _MAIN_SUBJECT.search(text)
    if pronoun:
        return pronoun.end()
    for comma in re.finditer(r",\s+", text):
        rest = text[comma.end() :]
        item = re.match(r"(?:(?:and|or)\s+)?[^,]{1,40}?(?=,\s|\s(?:and|or)\s)", rest)
        if re.match(r"(?:and|or)\s", rest) or (item and len(words(item.group(0))) <= 4):
            continue  # "muscles, tendons, or ligaments": still the series
        return comma.end()
    return 0


def _verb(word: str) -> bool:
    return word.lower() in _VERBS or is_verb(word)


def _before_verb(phrase: str) -> str:
    """``phrase`` up to its first verb after the first word: "Klumpke's palsy affects the
    lower roots and" gives "Klumpke's palsy" (the subject of "... and causes a claw hand")."""
    for found in list(re.finditer(r"[A-Za-z][\w'’-]*", phrase))[1:]:
        if _verb(found.group(0)):
            return phrase[: found.start()].rstrip(" ,")
    return phrase


def _one_predicate(phrase: str) -> str:
    """``phrase`` without a second predicate joined by "and" or "but": "a sign of a tiring
    patient and needs urgent review" gives "a sign of a tiring patient"."""
    for joined in re.finditer(r"\s+(?:and|but)\s+([A-Za-z]+)", phrase):
        if _verb(joined.group(1)):
            return phrase[: joined.start()]
    return phrase


def _plural(phrase: str) -> bool:
    """Whether the head of ``phrase`` is a plural noun ("life-threatening features"; not
    "MRI of the joints")."""
    head = re.split(r"\s+(?:of|in|on|for|with|from)\s+", phrase, maxsplit=1)[0]
    return plural_noun((words(head)[-1:] or [""])[0])


def _term(text: str) -> str:
    """A term taken from a sentence start, in sentence case ("Spinal laminectomy" gives
    "spinal laminectomy"); acronyms and names in the middle of a phrase keep their case."""
    text = text.strip()
    first = text.split(" ")[0] if text else ""
    if first[1:2].islower() and first[:1].isupper():
        return lower_first(text)  # which keeps eponyms and genera ("Streptococcus ...")
    return text


def _answer(text: str) -> str:
    """An answer as a card shows it: trimmed, first letter upper case."""
    return capitalise(text.strip(" ,;:.").strip())


def _noun_phrase_before(text: str, end: int) -> str:
    """The noun phrase that ends at ``end``: words back to a stopword or a comma."""
    phrase: list[str] = []
    for word in reversed(text[:end].split()):
        bare = word.strip(",;:")
        if word.endswith((",", ";", ":")) or bare.lower() in STOPWORDS or _verb(bare):
            break
        phrase.insert(0, bare)
        if len(phrase) == 6:
            break
    return " ".join(phrase)


def _clause_subject(text: str) -> str:
    """``text`` minus a leading "In 1990, " or "In both younger and older patients, "."""
    return re.sub(
        r"^(?:in|for|among|after|during|with|according to)\b[^,]{0,80},\s*", "", text, flags=re.I
    )


def _basic(
    pattern: str,
    sentence: Sentence,
    context: Context,
    front: str,
    back: str,
    *traced: str,
    name_topic: bool = False,
) -> Candidate:
    """A basic card; the paragraph's topic goes before a question that does not say what
    it is about (always when ``name_topic``, else when the question has no rare term)."""
    front = front.strip()
    topic = context.topic
    if (
        topic
        and not context.names_topic(front)
        and (name_topic or not rare_terms(front))
        # unless the answer is the topic's own head ("gout" for the topic gout)
        and (words(topic)[-1:] or [""])[0] not in words(back)
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
    if context.topic and not context.names_topic(text):
        body = f"{capitalise(context.topic)}: {lower_first(body)}"
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
    r",\s*(?:(?:also|often|commonly|sometimes|collectively)\s+)?(?:called|known as|referred to as)"
    r"\s+(?P<y>[^,.;()]+)",
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
        x = _noun_phrase_before(text, match.start())
        pairs.append((_term(x) if text.startswith(x) else x, match.group("y")))
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
        # "Perforation, also called rupture": of what? The paragraph's topic says.
        found.append(
            _basic(
                "other-name",
                sentence,
                context,
                f"What is another name for {x}?",
                y,
                name_topic=True,
            )
        )
        found.append(
            _basic(
                "other-name-reverse",
                sentence,
                context,
                f"What is another name for {y}?",
                x,
                name_topic=True,
            )
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
    r"complication|deficiency|arthritis|neuropathy|hormone|enzyme|protein|sign|symptom|"
    r"blockage|obstruction|narrowing|rupture|tear|collection|accumulation|build-up|loss|lack"
)
_DEFINITION = re.compile(
    rf"^(?P<x>[^,;]{{2,60}}?)\s+(?:is|are)\s+(?P<def>(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:{_KINDS})\b.*?)\.?$",
    re.IGNORECASE,
)


_RELATION = re.compile(
    r"^an?\s+(?:[\w-]+\s+(?:but\s+|and\s+)?){0,4}?(?P<kind>complication|symptom|sign|cause|"
    r"feature|risk factor|trigger|side effect|finding|consequence)s?\b(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
_DEFINING_CLAUSE = re.compile(
    r"\s+(?:in which|that|where|whereby|characterised by|characterized by|marked by)\s",
    re.IGNORECASE,
)


def definitions(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X is a condition in which ...": what X is, and which term fits the definition."""
    match = _DEFINITION.match(text)
    if not match:
        return []
    x = _term(strip_article(_clause_subject(match.group("x"))))
    definition = _one_predicate(match.group("def"))
    found: list[Candidate] = []
    # "a form of arthritis caused by urate crystals": the kind, and the cause on its own card.
    cause = re.search(r"\s+(?:caused by|due to|resulting from)\s+(?P<cause>.+)$", definition)
    if cause:
        definition = definition[: cause.start()]
        found.append(
            _basic("definition-cause", sentence, context, f"What causes {x}?", cause.group("cause"))
        )
    relation = _RELATION.match(definition)
    if relation and not _DEFINING_CLAUSE.search(definition):
        # "Cerebral oedema is a rare complication": not what cerebral oedema is, but what it
        # is to the topic ("What is a rare complication of DKA?").
        owner = "" if relation.group("of") or not context.topic else f" of {context.topic}"
        asked = f"{definition[: relation.end('kind')]}{owner}{definition[relation.end('kind') :]}"
        return [
            *found,
            _basic("relation", sentence, context, f"What is {asked}?", x, name_topic=True),
        ]
    the_definition = re.sub(r"^an?\s+", "", definition, flags=re.I)
    genus = definition
    if len(words(definition)) > gates.MAX_ANSWER_WORDS:
        # "a complication of diabetes in which ...": the kind answers "What is X?"; the
        # whole definition stays in the reverse question.
        genus = _DEFINING_CLAUSE.split(definition, maxsplit=1)[0].rstrip(" ,")
    found.append(_basic("definition", sentence, context, f"What is {x}?", genus))
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
    r"typically|mainly|mostly)\s+(?P<verb>happens?|occurs?|develops?|affects?|forms?)\s+"
    # "at the hip, the vertebrae and the distal radius": a place may be a series
    r"(?P<y>(?:in|at|on)\s+[^;.]+?(?=,\s+(?:although|but|which|because|while|so)\b|[;.]|$)"
    r"|[^,;.]+)",
    re.IGNORECASE,
)


_WHEN_PHRASE = re.compile(
    r"(?:\d|(?:after|before|within|during|years?|months?|weeks?|days?|hours?)\b|"
    r"(?:one|two|three|four|five|six|several|a few)\s)",
    re.IGNORECASE,
)


def locations(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X most often happens in the hip": where X happens, or what it affects."""
    match = _WHERE.match(text)
    if not match:
        return []
    x = _term(strip_article(_before_verb(match.group("x"))))
    verb, often, y = match.group("verb").lower(), match.group("often").lower(), match.group("y")
    base = verb[:-1] if verb.endswith("s") else verb
    does = "does" if verb.endswith("s") else "do"  # "fragility fractures typically occur"
    if base == "affect":
        front = f"What {does} {x} {often} affect?"
    elif _WHEN_PHRASE.match(y):  # "develops 1 to 3 weeks after a throat infection"
        front = f"When {does} {x} {often} {base}?"
    else:
        front = f"Where {does} {x} {often} {base}?"
    return [_basic("location", sentence, context, front, y)]


def _drop_alias(text: str) -> str:
    return _ALIAS_PAREN.sub("", text).replace("  ", " ")


_PROCEDURE_STEP = re.compile(
    r"^(?P<prep>during|in)\s+(?P<proc>[^,]+),\s*(?P<what>.+?)\s+(?P<aux>is|are)\s+"
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
    # "... is stopped and vitamin K is given": the second clause is a fact of its own.
    rest = re.split(r"\s+and\s+(?=[^,;]*\b(?:is|are)\s)", match.group("rest"))[0].rstrip(" .")
    prep = match.group("prep").capitalize()
    front = f"{prep} {proc}, what {match.group('aux')} {match.group('verb')}{rest}?"
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
        verb, y = helps.group("verb"), _specific(helps.group("y"), x)
        found.append(_basic("purpose", sentence, context, f"What can {x} help {verb}?", y))
        found.append(_basic("purpose-reverse", sentence, context, f"What helps {verb} {y}?", x))
    for which in _WHICH_HELPS.finditer(text):
        x, verb, y = which.group("x"), which.group("verb"), which.group("y")
        found.append(_basic("purpose", sentence, context, f"What can {x} help {verb}?", y))
    return found


def _specific(y: str, x: str) -> str:
    """ "the cause" is vague alone: "The time course of pain helps determine the cause"
    means the cause of pain, so the answer borrows the "of ..." of its subject."""
    generic = re.fullmatch(r"(?:the|its|their)\s+(?P<noun>\w+)", y.strip(), re.IGNORECASE)
    owner = re.search(r"\sof\s+(?P<owner>[^,;]+)$", x)
    if generic and generic.group("noun").lower() in gates.GENERIC_NOUNS and owner:
        return f"the {generic.group('noun')} of {owner.group('owner')}"
    return y


_TREATED = re.compile(
    r"^(?P<x>[^;]+?)\s+(?:can|may|is|are|should)\s+(?:also\s+|usually\s+|often\s+|be\s+)*"
    r"(?:treated|managed)\s+(?:with|by)\s+(?:an?\s+)?(?:procedures?\s+called\s+|surgery\s+called\s+)?"
    r"(?P<y>[^.;]+?)(?:,\s+(?:which|although|though|whereas|but|while)\b.*)?\.?$",
    re.IGNORECASE,
)
_HEALS_WITH = re.compile(
    r"^(?P<x>[^;]+?)\s+(?:(?P<take>take|takes|need|needs)\s+[\w\s-]+?\s+to\s+)?"
    r"(?P<verb>heal|recover|improve)s?\s+with\s+(?P<y>[^,.;]+)",
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
        subject = re.sub(
            r"(?:\s+(?:\w+ly|often))+$", "", _before_verb(_clause_subject(heals.group("x")))
        )
        # "How is a scaphoid fracture treated": a singular count noun keeps its article.
        indefinite = re.match(r"an?\s", subject, re.IGNORECASE)
        x = lower_first(subject) if indefinite else _term(strip_article(subject))
        found.append(
            _basic("treatment", sentence, context, _healing_question(heals, x), heals.group("y"))
        )
    return found


def _healing_question(heals: re.Match[str], x: str) -> str:
    """ "How are vertebral fractures treated while they heal?" for "X take weeks to heal
    with Y": what X heal *with* is their treatment, and the question says so."""
    verb = heals.group("verb").lower()
    take = (heals.group("take") or "").lower()
    singular = take in ("takes", "needs") or (
        not take and not re.search(rf"\b{verb}\s", heals.group(0), re.IGNORECASE)
    )
    if verb == "improve":
        return f"What helps {x} improve?"
    be, pronoun = ("is", "it") if singular else ("are", "they")
    return f"How {be} {x} treated while {pronoun} {verb}{'s' if singular else ''}?"


# ---- lists and causes ----------------------------------------------------------------------

_CAUSED_BY = re.compile(
    r"^(?P<x>[^;]+?)\s+(?:can|may|is|are|might)\s+(?:also\s+|often\s+|usually\s+|mostly\s+|be\s+)*"
    r"(?P<verb>caused|triggered|precipitated|brought on)\s+by\s+(?P<list>.+?)"
    r"(?:,?\s+among\s+other\s+(?:causes|things|reasons|triggers))?\.?$",
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
        hidden = {",": "\x00", " ": "\x01"}.get(char) if depth > 0 else None
        protected += hidden or char
    for part in _LIST_SPLIT.split(protected):
        part = part.replace("\x00", ",").replace("\x01", " ")
        current = strip_article(part.strip(" ,.;"))
        current = re.sub(r"^(?:from|by)\s+(?:the\s+)?", "", current, flags=re.I)
        if current:
            items.append(current)
    return items


def causes(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "X can be caused by A, B, or C": one card per cause and one for the whole list."""
    match = _CAUSED_BY.match(text)
    label = "causes" if not match or match.group("verb").lower() == "caused" else "triggers"
    if not match:
        match = _INCLUDE.match(text)
        if not match or len(split_items(match.group("list"))) < 3:
            return []
        label = ""
    x = _term(strip_article(_clause_subject(match.group("x"))))
    items = split_items(match.group("list"))
    found: list[Candidate] = []
    if len(items) == 1:
        verb = "cause" if label == "causes" else "trigger"
        return [_basic("cause", sentence, context, f"What can {verb} {x}?", items[0])]
    spans = _item_spans(text, items, match.start("list"))
    cloze_card = _cloze("list-item", sentence, context, text, spans)
    if cloze_card:
        found.append(cloze_card)
    if label:
        front = f"Name {len(items)} {label} of {x}."
        # The material may say "among other causes": the list is not complete.
        if re.search(r"among\s+other", text, re.I):
            front = f"Name {len(items)} {label} of {x} (among others)."
    else:
        # "Symptoms include A, B and C": some of them, as a bullet list after "include:".
        front = (
            f"Name {len(items)} {x}."
            if x.lower().startswith(("risk", "symptom", "sign", "cause", "type", "complication"))
            else f"What {'do' if _plural(x) else 'does'} {x} include? ({len(items)})"
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


_ITEM = r"[\w'’-]+(?:\s[\w'’-]+){0,3}"
_SERIES = re.compile(
    rf"(?P<first>{_ITEM}),\s+(?P<middle>(?:{_ITEM},\s+)*)(?:(?P<penult>{_ITEM})\s+)?"
    rf"(?:and|or)\s+(?P<last>{_ITEM})"
)


# Words that never start a list item ("such as A or B" is an example, not an item).
_NOT_ITEM_START = STOPWORDS - {"a", "an", "the"}
_INTRO = re.compile(
    r"^(?:for example|for instance|in|for|among|after|before|during|with|according to)\b"
    r"[^,]{0,80},\s*",
    re.IGNORECASE,
)


_EXAMPLES = re.compile(r"\s*(?:for example|for instance|e\.g\.|such as|including)\b", re.I)


@lru_cache(maxsize=1024)
def _series_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of the first series of three or more short items ("A, B, and C" or
    "A, B and C") outside a leading condition, or nothing."""
    if text.count(",") < 1 or not re.search(r"\s(?:and|or)\s", text):
        return ()
    condition_end = main_clause_start(text)
    # "For example, A or B", "During X, A or B": a leading phrase is not a list item.
    intro = _INTRO.match(text)
    for match in _SERIES.finditer(text, intro.end() if intro else 0):
        if match.start() < condition_end:
            continue  # "When A, B, or C, X happens": the series is the condition, not the fact
        first = _tail_phrase(match.group("first"))
        if re.search(r"\bper\s*$", match.group("first")[: -len(first) or None]):
            continue  # "3.5 g per day, A and B": "day" is a rate's unit, not the first item
        middle = [m.strip() for m in match.group("middle").split(",") if m.strip()]
        if any(_EXAMPLES.match(m) for m in [*middle, match.group("penult") or ""]):
            continue  # "Electrolyte disturbances, for example A and B": examples, not a series
        if match.group("penult"):
            penult = match.group("penult").strip()
            if any(_verb(w) for w in penult.split()) or words(penult)[0] in _NOT_ITEM_START:
                continue  # "a serious complication, seen mainly in children and adults"
            middle.append(penult)
        middle = [m for m in middle if not re.match(r"(?:and|or)\b", m)]
        last = _head_phrase(match.group("last"))
        items = [first, *middle, last]
        items = [i for i in items if i and words(i)[:1] != ["other"]]
        if len(items) < 3:
            continue
        return tuple(_item_spans(text, items, match.start()))
    return ()


def series(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """A series of three or more short items in any sentence: one cloze deletion per item."""
    spans = _series_spans(text)
    card = _cloze("series", sentence, context, text, list(spans)) if spans else None
    return [card] if card else []


def _tail_phrase(phrase: str) -> str:
    """The last noun phrase of ``phrase``: "injury to the spine's discs" gives "discs"."""
    kept: list[str] = []
    for word in reversed(phrase.split()):
        if word.lower() in STOPWORDS or _verb(word):
            break
        if word.endswith(("'s", "’s")):
            break
        kept.insert(0, word)
    return " ".join(kept)


def _head_phrase(phrase: str) -> str:
    """The first noun phrase of ``phrase``: "muscles results in inflammation" gives "muscles"."""
    kept: list[str] = []
    for word in phrase.split():
        if word.lower() in STOPWORDS or _verb(word):
            break
        kept.append(word)
    return " ".join(kept)


# ---- numbers -------------------------------------------------------------------------------


def _label(text: str, match: re.Match[str]) -> bool:
    """Whether a number names rather than counts: "type 2 diabetes", "cotransporter 2",
    "a 12-lead ECG". A quantity comes before its noun; a bare number after a noun, or one
    joined by a hyphen to a word that is not a unit, is part of a name."""
    number = match.group(0)
    if _NUMBERED_NAME.search(text[: match.start()]):
        return True
    if re.fullmatch(r"\d+", number) and re.match(r"-[A-Za-z]", text[match.end() :]):
        return True  # "12-lead"
    if re.search(r"[A-Za-z]-$", text[: match.start()]):
        return True  # "CURB-65", "HbA1c-7": a name with a number in it
    before = re.search(r"([A-Za-z][\w-]*)\s$", text[: match.start()])
    if not before or not re.fullmatch(r"\d+", number) or _YEAR.match(number):
        return False
    word = before.group(1).lower()
    return word not in STOPWORDS and not _verb(word) and not word.endswith("ed")


def numbers(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """Numbers, quantities and durations, each asked in the clause that gives it."""
    found: list[Candidate] = []
    position = 0
    for clause in re.split(r"(?<=;)\s+", text):
        offset = text.find(clause, position)
        position = offset + len(clause)
        matches = [
            m for m in NUMBER.finditer(clause) if m.group(0).strip() and not _label(clause, m)
        ]
        asked = [m for m in matches if not _YEAR.match(m.group(0).strip())] or matches
        if not asked:
            continue
        clause_text = clause.rstrip(";").strip()
        clause_text = capitalise(clause_text) + (
            "" if clause_text.endswith((".", "?", "!")) else "."
        )
        spans = [(m.start(), m.end()) for m in NUMBER.finditer(clause_text)]
        spans = [s for s in spans if any(clause_text[s[0] : s[1]] == m.group(0) for m in asked)]
        # One note per clause, a deletion per number: its cards are siblings, each
        # showing the other numbers ("33 to 50 percent ..., 25 breaths ..., 110 beats").
        card = _cloze("number", sentence, context, clause_text, spans)
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


# Verbs of healing and change, which contrasts compare ("heal rapidly, while ...").
_CHANGE_VERBS = frozenset(
    f"{base}{ending}"
    for base in (
        "heal",
        "recover",
        "resolve",
        "respond",
        "improve",
        "worsen",
        "recur",
        "settle",
        "spread",
        "require",
        "progress",
        "persist",
        "return",
    )
    for ending in ("", "s", "es")
)
_AUXILIARY = (
    r"is|are|was|were|can(?:not)?|can't|may|might|will|would|should|must|does|do|did|"
    r"doesn't|don't|has|have|need|needs|tends?"
)
_BE = re.compile(r"^(?:is|are|was|were)\s+(?:(?:\w+ly|often|still)\s+)?", re.IGNORECASE)
_MODALS_ONLY = re.compile(rf"^(?:(?:{_AUXILIARY}|not|or|and|never|always)\s*)+$", re.IGNORECASE)
_MANNER = re.compile(r"\s(?P<adverb>\w+ly|fast|well|slowly|quickly|early|late)$", re.IGNORECASE)


def _predicate(half: str) -> re.Match[str] | None:
    """The predicate of a short clause: from its first auxiliary or known verb, or from
    the verb before a final adverb ("muscles heal rapidly")."""
    verbs = "|".join(sorted(_VERBS | _CHANGE_VERBS))
    found = re.search(rf"\s(?P<p>(?:{_AUXILIARY}|{verbs})\b.*)$", half, re.IGNORECASE)
    if found:
        return found
    return re.search(r"\s(?P<p>\w+\s(?:\w+ly|fast|well)$)", half, re.IGNORECASE)


def _contrast_cloze(
    text: str, contrast: re.Match[str], sentence: Sentence, context: Context
) -> Candidate | None:
    """ "A heal rapidly, while B may not": the two contrasted properties, not B itself.

    An elliptical second predicate ("may or may not") is completed with the first one's
    verb ("may or may not heal"), so the deletion says what it means.
    """
    a_start, b_start = contrast.start("a"), contrast.start("b")
    first, second = _predicate(contrast.group("a")), _predicate(contrast.group("b"))
    if first is None or second is None:
        return _cloze("contrast", sentence, context, text, [(b_start, contrast.end("b"))])
    manner = _MANNER.search(contrast.group("a"))
    if manner:
        a_span = (a_start + manner.start("adverb"), a_start + manner.end("adverb"))
    else:
        skip = _BE.match(first.group("p"))
        a_span = (a_start + first.start("p") + (skip.end() if skip else 0), contrast.end("a"))
    b_predicate = second.group("p")
    b_span = [b_start + second.start("p"), contrast.end("b")]
    if _MODALS_ONLY.match(b_predicate):
        # "a torn disc may or may not": the verb of the first clause, left visible after
        # the deletion, completes the ellipsis ("may or may not [heal]").
        verb = first.group("p").split()[0]
        if not _AUXILIARY_RE.match(verb):
            verb = re.sub(r"(?:(?<=ss)es|(?<!s)s)$", "", verb)
            text = f"{text[: b_span[1]]} {verb}{text[b_span[1] :]}"
    else:
        skip = _BE.match(b_predicate)
        b_span[0] += skip.end() if skip else 0
    return _cloze("contrast", sentence, context, text, [a_span, (b_span[0], b_span[1])])


_AUXILIARY_RE = re.compile(rf"^(?:{_AUXILIARY})$", re.IGNORECASE)


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
        card = _contrast_cloze(text, contrast, sentence, context)
        if card:
            found.append(card)
    more = _THE_MORE.match(text)
    if more:
        card = _cloze("comparison", sentence, context, text, [(more.start("b"), more.end("b"))])
        if card:
            found.append(card)
    return found


# ---- superlatives, evaluations, trends --------------------------------------------------

_SUPERLATIVE_WORDS = (
    r"(?:single\s+)?(?:most|second most|least)\s+(?:common|important|frequent|useful|"
    r"reliable|sensitive|specific|serious|dangerous|effective|likely|characteristic|typical)"
    r"|leading|commonest|best|main|cornerstone|mainstay|gold standard|treatment of choice"
    r"|earliest|first-line|initial|definitive|preferred"
)
_SUPERLATIVE_HEAD = (
    rf"the\s+(?P<sup>{_SUPERLATIVE_WORDS})(?:\s+(?P<noun>[\w-]+(?:\s+[\w-]+){{0,2}}?))?"
    rf"(?:\s+(?P<prep>of|in|for)\s+(?P<x>[^,;]+?))?"
)
# "..., because ...", "..., which ...": a reason or remark after the fact asked.
_REMARK = r"(?:,\s+(?:because|which|as|since)\b.*)?\.?$"
_SUPERLATIVE = (
    re.compile(rf"^{_SUPERLATIVE_HEAD}\s+(?:is|are)\s+(?P<y>[^,;]+?){_REMARK}", re.IGNORECASE),
    re.compile(rf"^(?P<y>[^,;]+?)\s+(?:is|are)\s+{_SUPERLATIVE_HEAD}{_REMARK}", re.IGNORECASE),
    # "..., which is the most important part in diagnosing it by doing a good examination"
    re.compile(
        rf"\b{_SUPERLATIVE_HEAD},?\s+by\s+(?:doing|performing|taking|using)?\s*"
        rf"(?P<y>[^,;]+?)\.?$",
        re.IGNORECASE,
    ),
)


def superlatives(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "The most common cause of X is Y", "Y is the leading cause of X", "Infection is the
    most common trigger", "The cornerstone of X is Y", "the most important part in
    diagnosing X is by doing Y": what is the most ... (of X)."""
    # "In adults, the commonest cause of X is Y": asked with its qualifier.
    lead = re.match(r"^(?:in|among|for)\s+[^,]{1,40},\s*", text, re.IGNORECASE)
    qualifier = capitalise(lead.group(0).strip()) + " " if lead else ""
    text = text[lead.end() :] if lead else text
    for shape in _SUPERLATIVE:
        match = shape.search(text)
        if not match or not (match.group("noun") or match.group("prep")):
            continue
        sup, noun = match.group("sup").lower(), match.group("noun") or ""
        if noun and noun.lower().split()[0] in STOPWORDS:
            continue
        x = match.group("x") or ""
        if not re.search(r"\b(?:what|which|how|why|where|who)\b", x, re.IGNORECASE):
            x = re.sub(r"\s+(?:is|are)$", "", x)  # "... the source is by doing": not "what it is"
        asked = " ".join(p for p in (sup, noun, (match.group("prep") or "").lower(), x) if p)
        y = re.sub(r"^by\s+(?:doing|performing|taking|using)?\s*", "", match.group("y"))
        front = f"{qualifier}what is the {asked}?" if qualifier else f"What is the {asked}?"
        return [_basic("superlative", sentence, context, front, y, name_topic=True)]
    return []


_CAUSES_FORWARD = re.compile(
    r"^(?P<x>[^,;]{3,80}?)\s+"
    r"(?:(?:can|may|might|often|commonly|also|sometimes|usually)\s+){0,3}"
    r"(?P<verb>cause|causes|lead to|leads to|result in|results in)\s+(?P<y>[^,;]+?)"
    r"(?:,\s+(?:in which|which|where|because)\b.*)?\.?$",
    re.IGNORECASE,
)


def effects(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "SGLT2 inhibitors can cause euglycaemic DKA": what X can cause, and what can cause Y."""
    match = _CAUSES_FORWARD.match(text)
    if not match or words(match.group("x"))[:1] in (["it"], ["this"], ["they"], ["there"]):
        return []
    if re.search(r"\b(?:is|are|was|were)\b", match.group("x"), re.IGNORECASE):
        return []  # "X is the commonest cause of Y": 'cause' is a noun there
    if re.search(
        r"\b(?:not|never|cannot|can't|doesn't|don't|rarely)\s*$", match.group("x"), re.IGNORECASE
    ):
        return []  # "It does not cause hypoglycaemia": a negation is no effect to ask
    x, y = _before_verb(match.group("x")), match.group("y")
    if y.lower() in ("it", "this", "them"):
        # "Pregnancy can also cause it": it is what the paragraph is about.
        if not context.topic:
            return []
        y = context.topic
    verb = re.sub(r"s$", "", match.group("verb").split()[0].lower())
    particle = {"lead": " to", "result": " in"}.get(verb, "")
    subject = lower_first(strip_article(x))
    return [
        _basic("effect", sentence, context, f"What can {subject} {verb}{particle}?", y),
        _basic("effect-reverse", sentence, context, f"What can {verb}{particle} {y}?", x),
    ]


_STARTS_WITH = re.compile(
    r"^(?:the\s+)?(?P<what>treatment|management|resuscitation|therapy)(?:\s+of\s+(?P<x>[^,]+?))?"
    r"\s+(?:starts|begins|should start|should begin)\s+with\s+(?P<y>[^,.;]+)",
    re.IGNORECASE,
)
_ASSESSED = re.compile(
    r"^(?P<x>[^,;]+?)\s+(?P<be>is|are)\s+(?:(?:usually|often|best|mainly|commonly)\s+)?"
    r"(?P<verb>estimated|assessed|measured|calculated|graded|scored|monitored|confirmed|"
    r"diagnosed|staged|quantified|detected|achieved|controlled)\s+(?:with|by|using|on)\s+"
    r"(?P<y>[^,;]+?)\.?$",
    re.IGNORECASE,
)
_CONFIRMS = re.compile(
    r"^(?P<x>[^,;]+?)\s+(?:confirms|establishes|makes|secures)\s+the\s+diagnosis"
    r"(?:\s+of\s+(?P<of>[^,.;]+))?\.?$",
    re.IGNORECASE,
)
_USED_IN = re.compile(
    r"^(?P<x>[^,;]+?)\s+(?P<be>is|are)\s+(?P<adv>(?:still|usually|often|mainly|also|only|"
    r"commonly)\s+)?used\s+(?P<prep>in|for|to)\s+(?P<y>[^;]+?)"
    r"(?:,\s+(?:because|which|as|since)\b.*)?\.?$",
    re.IGNORECASE,
)
_PREFERRED = re.compile(
    r"^(?P<x>.+?)\s+(?P<be>is|are)\s+(?:(?:usually|generally|now)\s+)?preferred\s+(?:to|over)\s+"
    r"(?P<y>[^,;]+?)(?P<rest>\s+(?:in|for)\s+[^,;]+?)?\.?$",
    re.IGNORECASE,
)
_PEOPLE = re.compile(r"^(?:patients|people|children|adults|women|men|those)\b", re.IGNORECASE)


def management(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """How a condition is diagnosed, assessed and treated: "Treatment starts with X",
    "Stroke risk is estimated with X", "X confirms the diagnosis", "X is still used in
    patients with Y", "X are preferred to Y in most patients"."""
    found: list[Candidate] = []
    topic = context.topic
    starts = _STARTS_WITH.match(text)
    if starts and (starts.group("x") or topic):
        of = starts.group("x") or topic
        front = f"What does the {starts.group('what').lower()} of {of} start with?"
        found.append(_basic("treatment-start", sentence, context, front, starts.group("y")))
    assessed = _ASSESSED.match(text)
    if assessed:
        x, be, verb = lower_first(assessed.group("x")), assessed.group("be"), assessed.group("verb")
        front = f"How {be} {x} {verb}?"
        found.append(_basic("assessment", sentence, context, front, assessed.group("y")))
    confirms = _CONFIRMS.match(text)
    if confirms and (confirms.group("of") or topic):
        front = f"What confirms the diagnosis of {confirms.group('of') or topic}?"
        test = _drop_alias(confirms.group("x")).strip()
        found.append(_basic("diagnosis", sentence, context, front, test))
    used = _USED_IN.match(text)
    if used:
        x, be, adverb = lower_first(used.group("x")), used.group("be"), used.group("adv") or ""
        y = used.group("y")
        purpose = (
            re.match(r"(?P<verb>\w+)\s+(?P<what>.+)$", y) if used.group("prep") == "to" else None
        )
        if purpose:
            # "The Wells score is used to estimate the probability": what for, and what does it.
            verb, what = purpose.group("verb"), purpose.group("what")
            front = f"What {be} {x} {adverb}used to {verb}?"
            found.append(_basic("use", sentence, context, front, what, name_topic=True))
            front = f"What {be} {adverb}used to {verb} {what}?"
            found.append(
                _basic("use-reverse", sentence, context, front, used.group("x"), name_topic=True)
            )
        elif used.group("prep") == "in" and _PEOPLE.match(y):
            front = f"In which patients {be} {x} {adverb}used?"
            found.append(_basic("use", sentence, context, front, y, name_topic=True))
        elif used.group("prep") != "to":
            front = f"What {be} {x} {adverb}used {used.group('prep')}?"
            found.append(_basic("use", sentence, context, front, y, name_topic=True))
    preferred = _PREFERRED.match(text)
    if preferred:
        x = re.sub(r",?\s+such as\s+[^,]+,?", "", preferred.group("x")).strip(" ,")
        rest = preferred.group("rest") or ""
        front = f"What {preferred.group('be')} preferred to {preferred.group('y')}{rest}?"
        found.append(_basic("preference", sentence, context, front, x, name_topic=True))
    return found


_SHOWS = re.compile(
    r"^(?P<x>[^,;]+?)\s+(?:shows|show|reveals|reveal|demonstrates)\s+(?P<list>[^;]+?)\.?$",
    re.IGNORECASE,
)
_SUCH_AS = re.compile(
    r"\b(?:such as|for example|e\.g\.,?)\s+(?P<list>[^,;.()]+(?:,\s*[^,;.()]+)*?)"
    r"(?=,\s+(?:are|is|were|was|can|may)\b|[,.;)]|$)",
    re.IGNORECASE,
)
MAX_ITEM_WORDS = 5


def findings(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "The ECG shows A and B": one deletion per finding; "X, such as A or B, ...": one
    deletion per example."""
    found: list[Candidate] = []
    shows = _SHOWS.match(text)
    if shows:
        items = split_items(shows.group("list"))
        x = lower_first(shows.group("x"))
        if any(_verb(w) for w in words(x)):
            pass  # "X confirm the diagnosis and show ...": two predicates, no one subject
        elif len(items) == 1:
            does = "do" if _plural(x) else "does"
            found.append(_basic("finding", sentence, context, f"What {does} {x} show?", items[0]))
        elif 2 <= len(items) <= 6 and all(len(words(i)) <= MAX_ITEM_WORDS for i in items):
            card = _cloze(
                "finding", sentence, context, text, _item_spans(text, items, shows.start("list"))
            )
            found += [card] if card else []
    for example in _SUCH_AS.finditer(text):
        items = split_items(example.group("list"))
        if items:
            # "such as A and B reduce its effect": the list ends where the verb starts.
            last = re.split(r"\s+(?=\S+\s)", items[-1])
            for index, word in enumerate(last[1:], start=1):
                if _verb(word.strip(",")):
                    items[-1] = " ".join(last[:index])
                    break
        if 2 <= len(items) <= 6 and all(len(words(i)) <= MAX_ITEM_WORDS for i in items):
            spans = _item_spans(text, items, example.start("list"))
            card = _cloze("example", sentence, context, text, spans)
            found += [card] if card else []
    return found


def defined_terms(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "**Paroxysmal AF** terminates within 7 days": what the bold term is, and which term
    the description names ("Which AF terminates within 7 days?")."""
    term = context.defined
    if not term or not text.lower().startswith(term.lower()):
        return []
    rest = text[len(term) :].strip(" :–—-").rstrip(".")
    if len(words(rest)) < 2:
        return []
    head = term.split()[-1]
    term = _term(term)
    copula = re.match(r"(?:is|are)\s+(?P<what>(?:an?|the)\s.+)$", rest, re.IGNORECASE)
    if copula or text[len(term) : len(term) + 2].strip().startswith((":", "–", "—", "-")):
        described = copula.group("what") if copula else rest
        return [
            _basic("defined-term", sentence, context, f"What is {term}?", described),
            _basic("defined-term-reverse", sentence, context, f"What is {described}?", term),
        ]
    return [
        _basic("defined-term", sentence, context, f"What is {term}?", f"{head} that {rest}", rest),
        _basic("defined-term-reverse", sentence, context, f"Which {head} {rest}?", term),
    ]


_BECAUSE = re.compile(r"^(?P<main>[^;]+?),?\s+because\s+(?P<why>[^;]+?)\.?$", re.IGNORECASE)
_AUX_SPLIT = re.compile(r"\s(?P<aux>is|are|was|were|can|may|should|must|will)\s", re.IGNORECASE)


def reasons(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "Potassium is added to the fluids, because insulin drives it into the cells": why."""
    match = _BECAUSE.match(text)
    if not match or re.search(r"\b(?:called|known as|termed)\b", match.group("main"), re.I):
        return []  # "X is called Y because Z" is asked by the other-name pattern
    main = match.group("main")
    aux = _AUX_SPLIT.search(main)
    if not aux:
        return []
    subject, rest = main[: aux.start()].strip(), main[aux.end() :].strip(" ,")
    if not subject or "," in subject or len(words(subject)) > 10 or not rest:
        return []
    if words(subject)[:1] in (["it"], ["this"], ["they"], ["there"], ["just"]):
        return []
    front = f"Why {aux.group('aux').lower()} {lower_first(subject)} {rest}?"
    why = match.group("why")
    return [_basic("reason", sentence, context, front, f"Because {why}", why)]


_ATTRIBUTION = re.compile(
    r"^(?P<who>(?:[A-Z][\w'’-]+(?:\s+(?:and|&)\s+[A-Z][\w'’-]+)?(?:\s+et\s+al\.?)?)"
    r"|(?:a|one|another|the|this)\s+(?:study|review|trial|survey|meta-analysis|analysis|cohort)"
    r"(?:\s[^,]{0,40}?)?)\s+(?:present|presents|presented|provide|provides|provided|report|"
    r"reports|reported|show|shows|showed|shown|found|find|finds|suggest|suggests|suggested|argue|"
    r"argues|conclude|concludes|concluded|demonstrate|demonstrates|demonstrated)"
    r"(?:\s+(?:evidence|data|results))?\s+that\s+(?P<claim>.+)$"
)


def attributed(text: str) -> str:
    """ "Smith et al present evidence that X can be misleading" read as the claim it
    reports, "According to Smith et al, X can be misleading", so that patterns find X."""
    match = _ATTRIBUTION.match(text)
    if not match or len(words(match.group("claim"))) < 4:
        return text
    who = match.group("who").rstrip(".")
    who = lower_first(who) if re.match(r"(?:a|one|another|the|this)\s", who, re.I) else who
    return f"According to {who}, {match.group('claim')}"


_PREDICATE_ADJECTIVE = re.compile(
    r"(?:poor|good|rare|common|uncommon|normal|abnormal|high|low|raised|elevated|reduced|"
    r"safe|unsafe|weak|strong|fatal|benign|malignant|harmless|useless|accurate|inaccurate|"
    r"reliable|unreliable|contagious|rapid|slow|silent|"
    r"\w{3,}(?:ing|ive|ous|ful|ic|ible|able|less|ory))$",
    re.IGNORECASE,
)
_EVALUATION = re.compile(
    r"^(?P<lead>(?:according\s+to|in)\s[^,]{3,60},\s*)?(?P<x>[^,;:]{6,}?)\s+"
    r"(?P<verb>(?:is|are|was|were|can\s+be|may\s+be|might\s+be|tends?\s+to\s+be|"
    r"remains?|seems?\s+to\s+be|is\s+often|are\s+often|is\s+usually|are\s+usually))\s+"
    r"(?P<y>(?:(?:quite|very|highly|often|usually|rarely|relatively|generally|surprisingly|"
    r"extremely|notoriously|frequently)\s+)?[\w-]+)\.?$",
    re.IGNORECASE,
)


def evaluations(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "The traditional red flags can be quite misleading": what is said of the subject,
    the adjective that ends the sentence, as a cloze."""
    match = _EVALUATION.match(text)
    if not match or not _PREDICATE_ADJECTIVE.search(match.group("y")):
        return []
    if gates.is_conversational(text):
        return []  # "it's important to identify whether you're weak": advice, not a fact
    if words(match.group("x"))[:1] in (["it"], ["this"], ["they"], ["there"]):
        return []
    card = _cloze("evaluation", sentence, context, text, [(match.start("y"), match.end("y"))])
    return [card] if card else []


_TREND = re.compile(
    r"^(?P<x>[^,;]{6,}?)\s+(?:has|have)\s+(?P<change>(?:(?:grown|become|got|gotten)\s+"
    r"(?:much\s+|far\s+|even\s+)?(?:worse|better|more\s+[\w-]+|less\s+[\w-]+|[\w-]+er)"
    r"|increased|decreased|risen|fallen|declined|doubled|tripled|halved|improved|worsened|"
    r"dropped)(?:\s+(?:sharply|steadily|markedly|significantly|substantially|slightly|"
    r"dramatically))?(?:\s+by\s+[^,;]+?)?)"
    r"(?P<when>\s+(?:in|over|since|during|across)\s[^,;]+?)?\.?$",
    re.IGNORECASE,
)


def trends(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "The burden of X has grown worse in recent years": how X has changed."""
    match = _TREND.match(text)
    if not match:
        return []
    x = lower_first(match.group("x"))
    front = f"How has {x} changed{match.group('when') or ''}?"
    return [_basic("trend", sentence, context, front, match.group("change"))]


_CHANGES = (
    r"(?:lengthens?|shortens?|widens?|narrows?|flattens?|rises?|falls?|increases?|"
    r"decreases?|drops?|disappears?|improves?|worsens?|slows?|quickens?)"
)
_AS_CHANGES = re.compile(rf"^As\s+[^,]{{3,60}}?\s+{_CHANGES},\s+", re.IGNORECASE)


def covariations(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """ "As the potassium rises, the PR interval lengthens and the P waves flatten": a
    cloze on each change that follows the first (which way each one goes)."""
    start = _AS_CHANGES.match(text)
    if not start:
        return []
    changes = list(re.finditer(rf"\b{_CHANGES}\b", text, re.IGNORECASE))
    spans = [
        (m.start(), m.end())
        for m in changes
        if m.start() >= start.end()
        # the same word elsewhere in the sentence would give it away
        and sum(o.group(0).lower() == m.group(0).lower() for o in changes) == 1
    ][:3]
    card = _cloze("covariation", sentence, context, text, spans) if spans else None
    return [card] if card else []


def named_pairs(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """Two named conditions joined by "and" / "or" ("ischaemic heart disease and chronic
    obstructive pulmonary disease"): one deletion each, when no series was asked."""
    if _series_spans(text):
        return []
    named = sorted((start, end) for _, start, end in rare_terms(text) if _named(text[start:end]))
    for (a_start, a_end), (b_start, b_end) in itertools.pairwise(named):
        between = text[a_end:b_start]
        if re.fullmatch(r"\s+(?:and|or)\s+", between) and " " in text[a_start:a_end]:
            card = _cloze(
                "named-pair", sentence, context, text, [(a_start, a_end), (b_start, b_end)]
            )
            return [card] if card else []
    return []


# ---- fallback: a rare term -----------------------------------------------------------------


_EXPLANATION = re.compile(r"(?::\s*that is\b|,?\s*i\.e\.|:\s*for example\b)", re.IGNORECASE)
_COORDINATED = re.compile(r",\s+(?:and|but)\s+", re.IGNORECASE)
MAX_FALLBACK_DELETIONS = 3


def _fallback_parts(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that each state a fact of their own: the main clause (after a
    leading condition), cut at ", and" / ", but" between long parts, without an
    explanation that follows ": that is" or "i.e."."""
    start = main_clause_start(text)
    explanation = _EXPLANATION.search(text, start)
    end = explanation.start() if explanation else len(text)
    cuts = [start]
    for join in _COORDINATED.finditer(text, start, end):
        before, after = text[cuts[-1] : join.start()], text[join.end() : end]
        if len(words(before)) >= 4 and len(words(after.split(",")[0])) >= 4:
            cuts += [join.start(), join.end()]
    cuts.append(end)
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]


def _named(term: str) -> bool:
    """Whether ``term`` names a condition or procedure ("snapping hip syndrome",
    "iliopsoas tendinitis"), which is worth asking before any other rare term."""
    last = words(term)[-1:] or [""]
    return last[0].rstrip("s") in HEAD_NOUNS or bool(NAMED_SUFFIX.search(last[0]))


def rare_term(text: str, sentence: Sentence, context: Context) -> list[Candidate]:
    """A cloze on the rarest domain term of each part of the sentence that states a fact
    (the main clause, not a leading "When ..." condition), for sentences no other pattern
    could use. A named condition wins over other rare words."""
    spans: list[tuple[int, int]] = []
    terms = rare_terms(text)
    for part_start, part_end in _fallback_parts(text):
        usable = [
            (not _named(text[start:end]), rarity, start, end)
            for rarity, start, end in terms
            if part_start <= start and end <= part_end and _askable(text, start, end, context)
        ]
        if usable:
            spans.append(min(usable)[2:])
    if not spans:
        return []
    card = _cloze("rare-term", sentence, context, text, spans[:MAX_FALLBACK_DELETIONS])
    return [card] if card else []


def _askable(text: str, start: int, end: int, context: Context) -> bool:
    term = text[start:end]
    if " " not in term and term.lower().endswith(("ing", "ed")):
        return False  # a verb form is rarely the fact worth asking
    if " " not in term and _AFTER_MODAL.search(text[:start]) and not _named(term):
        return False  # "can embolise", "may also develop or worsen": a verb
    if context.topic and term.lower() in context.topic.lower():
        # Every card of the paragraph is about its topic: the topic is asked only in the
        # sentence that introduces it (the first, when no heading names it).
        return context.antecedent is None and not context.headings
    return True


_AFTER_MODAL = re.compile(
    r"\b(?:can|may|might|will|would|should|must|to|cannot)\s+(?:(?:\w+ly|also|\w+\s+or)\s+){0,2}$",
    re.IGNORECASE,
)


PATTERNS: tuple[Pattern, ...] = (
    defined_terms,
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
    superlatives,
    effects,
    management,
    findings,
    reasons,
    evaluations,
    trends,
    covariations,
    numbers,
    series,
    named_pairs,
)
FALLBACK: Pattern = rare_term
