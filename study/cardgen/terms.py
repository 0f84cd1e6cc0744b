"""Words: stopwords, how rare a term is (wordfreq), and term extraction for cloze cards."""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "almost",
        "also",
        "although",
        "am",
        "among",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "even",
        "ever",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "let",
        "like",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "neither",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "quite",
        "rather",
        "same",
        "several",
        "she",
        "should",
        "since",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "one",
        "ones",
        "thing",
        "things",
        "something",
        "anything",
        "everything",
        "nothing",
        "someone",
        "anyone",
        "everyone",
        "people",
        "way",
        "ways",
        "lot",
        "lots",
        "really",
        "usually",
        "typically",
        "generally",
        "sometimes",
        "commonly",
    ]
)
PRONOUNS = frozenset(
    [
        "it",
        "this",
        "that",
        "these",
        "those",
        "they",
        "them",
        "he",
        "she",
        "him",
        "her",
        "we",
        "you",
        "i",
        "its",
        "their",
    ]
)
ARTICLES = ("a ", "an ", "the ")

# Below this Zipf frequency a word is rare enough to be worth learning (``pain`` is 5.0,
# ``stenosis`` 2.8, ``iliopsoas`` 1.3).
RARE_ZIPF = 3.4
# The endings of names of conditions and procedures ("tendinitis", "hyperkalaemia").
NAMED_SUFFIX = re.compile(
    r"(?:itis|osis|oma|aemia|emia|pathy|algia|ectomy|plasty|otomy|ostomy|oscopy|penia|"
    r"trophy|plegia)$"
)
# A named condition ("snapping hip syndrome") is a term when one modifier is below this.
NAMED_ZIPF = 3.8
NAMED_PAIR_ZIPF = 4.5
# Words this common never start or end a multi-word term.
COMMON_ZIPF = 5.3
# Head nouns that end a clinical term however common they are ("ischemic heart disease").
HEAD_NOUNS = frozenset(
    ["disease", "syndrome", "disorder", "pain", "injury", "fracture", "failure", "attack", "test"]
)

# Without a tagger, verbs are told by a few common forms and suffixes, so that a term does
# not swallow its verb ("scleroderma thickens").
_VERB_WORDS = frozenset(
    [
        "heal",
        "heals",
        "affects",
        "affect",
        "causes",
        "cause",
        "results",
        "leads",
        "occurs",
        "happens",
        "develops",
        "forms",
        "presents",
        "remains",
        "becomes",
        "means",
        "shows",
        "helps",
    ]
)
_VERB_SUFFIXES = ("ens", "ates", "izes", "ises", "ifies")

# Verbs common in clinical prose, in every form: without a tagger, these keep a term or a
# list item from swallowing its verb ("others notice palpitations", "restore sinus rhythm").
_VERB_BASES = [
    "notice",
    "experience",
    "develop",
    "show",
    "include",
    "complain",
    "describe",
    "suggest",
    "require",
    "replace",
    "reduce",
    "prevent",
    "protect",
    "improve",
    "produce",
    "drive",
    "allow",
    "inhibit",
    "stimulate",
    "raise",
    "restore",
    "confirm",
    "estimate",
    "achieve",
    "terminate",
    "contain",
    "compensate",
    "smell",
    "continue",
    "give",
    "occur",
    "happen",
    "affect",
    "remain",
    "become",
    "mean",
    "involve",
    "seem",
    "appear",
    "tend",
    "arise",
    "heal",
    "recover",
    "resolve",
    "respond",
    "worsen",
    "persist",
    "embolise",
    "embolize",
    "quiver",
    "relieve",
    "remove",
    "inflate",
    "inject",
    "identify",
    "determine",
    "diagnose",
    "assess",
    "treat",
    "manage",
    "relate",
    "correlate",
    "depend",
    "differ",
    "vary",
    "turn",
    "begin",
    "start",
    "come",
    "take",
    "make",
    "feel",
    "present",
    "combine",
    "comprise",
    "consist",
    "indicate",
    "predict",
    "precede",
    "accompany",
    "mimic",
    "radiate",
    "migrate",
    "follow",
]
# Bases that are nouns too ("the aim", "a rise in", "heart block"): only -s and -ed forms.
_VERB_INFLECTED = [
    "aim",
    "report",
    "increase",
    "need",
    "rise",
    "trigger",
    "form",
    "return",
    "release",
    "add",
    "cause",
    "lead",
    "result",
]
_IRREGULAR = [
    "given",
    "made",
    "taken",
    "shown",
    "grown",
    "risen",
    "fallen",
    "brought",
    "found",
    "known",
    "seen",
    "done",
    "gone",
    "broken",
    "begun",
    "led",
    "kept",
    "held",
    "felt",
    "meant",
    "spread",
    "became",
    "came",
]


def _inflections(base: str, *, with_base: bool) -> set[str]:
    if base.endswith("e"):
        forms = {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "o")):
        forms = {base + "es", base + "ed", base + "ing"}
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms = {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    else:
        forms = {base + "s", base + "ed", base + "ing"}
    if not with_base:
        forms = {f for f in forms if not f.endswith("ing")}
    return forms | ({base} if with_base else set())


VERB_FORMS = frozenset(
    {f for b in _VERB_BASES for f in _inflections(b, with_base=True)}
    | {f for b in _VERB_INFLECTED for f in _inflections(b, with_base=False)}
    | set(_IRREGULAR)
)


def is_verb(word: str) -> bool:
    """Whether ``word`` is a verb: a form of a verb common in clinical prose, or a word
    that English knows only as a verb ("stabilises", "lengthens").

    There is no tagger. Participles ("raised", "elevated") and gerunds are left to the
    list, since in clinical prose they are as often adjectives and nouns; a word that
    may be a noun too ("shifts", "rises") is a verb only when the list says so.
    """
    lowered = word.lower()
    return lowered in VERB_FORMS or lowered in _VERB_WORDS or _only_a_verb(lowered)


@lru_cache(maxsize=65536)
def _only_a_verb(word: str) -> bool:
    if word.endswith(("ed", "ing")) or not word.isalpha():
        return False
    if word.endswith("es") and zipf(word[:-2] + "is") > 0:
        return False  # "diagnoses", "stenoses": the plural of a noun in -is, too
    from lemminflect import getAllLemmas  # its lexicon loads on first use

    return set(getAllLemmas(word)) == {"VERB"}


# Letters with inner digits are one word ("SGLT2", "CHA2DS2-VASc").
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z]")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in English on the Zipf scale (0 unknown, 7 ``the``)."""
    return float(zipf_frequency(word.lower(), "en"))


def words(text: str) -> list[str]:
    """The lowercase words of ``text``."""
    return [w.lower() for w in WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not stopwords."""
    return [w for w in words(text) if w not in STOPWORDS]


def plural_noun(word: str) -> bool:
    """Whether ``word`` reads as a plural noun: "features", not "glass", "diagnosis" or
    "uterus"."""
    return word.endswith("s") and not word.endswith(("ss", "is", "us", "sis"))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem so that ``flag`` and ``flags`` compare equal."""
    word = word.lower().replace("’", "'")
    for suffix in ("'s", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def strip_article(text: str) -> str:
    """``text`` without a leading article or possessive determiner."""
    lowered = text.lower()
    for article in (*ARTICLES, "your ", "our ", "their ", "its ", "his ", "her "):
        if lowered.startswith(article):
            return text[len(article) :]
    return text


@lru_cache(maxsize=4096)
def rare_terms(text: str) -> tuple[tuple[float, int, int], ...]:
    """Rare terms of ``text`` as ``(rarity, start, end)``, rarest first (cached: several
    patterns ask for the same sentence's terms).

    A term is a run of one rare word and the content words around it that are not very
    common ("iliopsoas tendinitis", "snapping hip syndrome"); its rarity is the Zipf
    frequency of its rarest word, so lower is rarer.
    """
    tokens = [(m.group(0), m.start(), m.end()) for m in WORD.finditer(text)]
    verbs = _verbs_in_place(tokens, text)
    found: list[tuple[float, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for index, (word, _, _) in enumerate(tokens):
        lowered = word.lower()
        if lowered in STOPWORDS or len(lowered) < 4 or zipf(lowered) >= RARE_ZIPF:
            continue
        if index in verbs:
            continue  # "stabilises": the rare word is what the term does, not the term
        if word[0].isupper() and text[tokens[index][2] :].startswith((" et al", " says", " said")):
            continue  # a person's name
        first = last = index
        while (
            first > 0
            and first - 1 not in verbs
            and _joins(tokens[first - 1][0], text, tokens[first - 1][2], tokens[first][1])
        ):
            first -= 1
        while (
            tokens[last][0].lower() not in HEAD_NOUNS
            and last + 1 < len(tokens)
            and last + 1 not in verbs
            and _joins(tokens[last + 1][0], text, tokens[last][2], tokens[last + 1][1])
        ):
            last += 1
        if (
            first < index
            and tokens[first][0].lower().endswith("ing")
            and tokens[last][0].lower().rstrip("s") not in HEAD_NOUNS
        ):
            first += 1  # "producing false negatives": a leading gerund is the verb
        span = (tokens[first][1], tokens[last][2])
        if span in seen:
            continue
        seen.add(span)
        rarity = min(zipf(t[0]) for t in tokens[first : last + 1])
        found.append((rarity, *span))
    found += _named_terms(tokens, text, seen)
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(found)


def _verbs_in_place(tokens: list[tuple[str, int, int]], text: str) -> set[int]:
    """The tokens that are verbs where they stand: a word English knows only as a verb,
    or one in "-s" that may be a noun too, read as a verb when an object follows it
    ("adrenaline reverses bronchospasm", "causes pain") and as a noun before a verb,
    a preposition or the end ("the P waves flatten", "causes of", "T waves.")."""
    found: set[int] = set()
    for index, (word, _, end) in enumerate(tokens):
        lowered = word.lower()
        if lowered in HEAD_NOUNS:
            continue
        if _only_a_verb(lowered):
            found.add(index)
            continue
        if not _may_be_a_verb(lowered) or index + 1 >= len(tokens) or index == 0:
            continue
        after, start = tokens[index + 1][0].lower(), tokens[index + 1][1]
        if text[end:start] != " " or tokens[index - 1][0].lower() in STOPWORDS:
            continue  # "the shifts": after a determiner, a noun
        if after in _OBJECT_STARTS or (
            after not in STOPWORDS and not is_verb(after) and not _only_a_verb(after)
        ):
            found.add(index)
    return found


# Words that begin the object of a verb: "causes the ...", "affects a third of ...".
_OBJECT_STARTS = frozenset(["the", "a", "an", "this", "these", "its", "their", "most", "some"])


@lru_cache(maxsize=65536)
def _may_be_a_verb(word: str) -> bool:
    """A third-person "-s" form English knows as a verb (and maybe as a noun too)."""
    if not word.endswith("s") or word.endswith(("ss", "us", "is")) or not word.isalpha():
        return False
    from lemminflect import getAllLemmas

    return "VERB" in getAllLemmas(word)


def _named_terms(
    tokens: list[tuple[str, int, int]], text: str, seen: set[tuple[int, int]]
) -> list[tuple[float, int, int]]:
    """Names of conditions whose words are only fairly rare ("snapping hip syndrome",
    "chronic kidney disease"): a head noun after one modifier below ``NAMED_ZIPF`` or two
    below ``NAMED_PAIR_ZIPF``."""
    found: list[tuple[float, int, int]] = []
    for index, (word, _, end) in enumerate(tokens):
        if word.lower() not in HEAD_NOUNS:
            continue
        # Common words may sit inside a name ("ischaemic heart disease"), never start it.
        first = index
        while first > max(index - 4, 0) and _inside_name(tokens, text, first - 1):
            first -= 1
        while first < index and zipf(tokens[first][0]) >= COMMON_ZIPF:
            first += 1
        span = (tokens[first][1], end)
        rarity = min((zipf(t[0]) for t in tokens[first:index]), default=9.0)
        # One fairly rare modifier, or two that are not everyday words ("chronic kidney").
        named = rarity < NAMED_ZIPF or (index - first >= 2 and rarity < NAMED_PAIR_ZIPF)
        if first < index and named and span not in seen:
            seen.add(span)
            found.append((rarity, *span))
    return found


def _inside_name(tokens: list[tuple[str, int, int]], text: str, index: int) -> bool:
    word, _, end = tokens[index]
    lowered = word.lower()
    return (
        text[end : tokens[index + 1][1]] in (" ", "-")
        and lowered not in STOPWORDS
        and not is_verb(lowered)
        and not lowered.endswith("ly")
    )


def _joins(word: str, text: str, left_end: int, right_start: int) -> bool:
    """Whether ``word`` belongs to the term next to it (only spaces or a hyphen between)."""
    lowered = word.lower()
    if text[left_end:right_start] not in (" ", "-"):
        return False
    if lowered in HEAD_NOUNS:
        return True
    if lowered in ("example", "instance", "including", "namely"):
        return False  # "for example hypokalaemia": the term starts after the marker
    if is_verb(lowered) or lowered.endswith(_VERB_SUFFIXES):
        return False
    return (
        lowered not in STOPWORDS
        and len(lowered) > 2
        and zipf(lowered) < COMMON_ZIPF
        and not lowered.endswith("ly")
    )
