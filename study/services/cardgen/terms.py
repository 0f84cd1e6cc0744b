"""Words: how rare a word is (wordfreq), stopwords and the other word lists in ``data/``.

What a word *is* (verb, noun, subject) comes from the parse (``reading``); this module only
knows words as strings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from wordfreq import zipf_frequency


def word_list(name: str) -> frozenset[str]:
    """The words of ``data/<name>.txt``, one a line, without comments and blank lines."""
    text = resources.files("study.services.cardgen").joinpath(f"data/{name}.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = word_list("stopwords")
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
# Head nouns that end a clinical term however common they are ("ischemic heart disease").
HEAD_NOUNS = frozenset(
    [
        "disease",
        "syndrome",
        "disorder",
        "pain",
        "injury",
        "fracture",
        "failure",
        "attack",
        "test",
        "score",
        "sign",
        "infection",
        "stroke",
    ]
)

# Letters with inner digits are one word ("SGLT2", "CHA2DS2-VASc").
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z]")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in English on the Zipf scale (0 unknown, 7 ``the``)."""
    return float(zipf_frequency(word.lower(), "en"))


_GENUS = re.compile(r"[A-Z][a-z]{3,}")
_RARE_GENUS_ZIPF = 3.2  # "Salmonella" 3.1, "Candida" 2.9, "Streptococcus" 2.5
_SPECIES = re.compile(r"[a-z]+(?:ae|us|is|um|ii|ila|ans|i)")


def binomial(genus: str, species: str) -> bool:
    """Whether ``genus species`` is a Latin binomial ("Streptococcus pneumoniae"): a
    capitalised and a lower-case Latin word, both rare; not an adjective and a noun
    ("Intravenous calcium", "Avascular necrosis") nor a named condition."""
    return bool(
        _GENUS.fullmatch(genus)
        and _SPECIES.fullmatch(species)
        # a genus is rarer than a rare word: not "Tumour lysis" (3.39)
        and zipf(genus) < _RARE_GENUS_ZIPF
        and zipf(species) < RARE_ZIPF
        and not genus.endswith(("ous", "al", "ic", "ar", "ive"))
        and not NAMED_SUFFIX.search(species)
    )


def words(text: str) -> list[str]:
    """The lowercase words of ``text``."""
    return [w.lower() for w in WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not stopwords."""
    return [w for w in words(text) if w not in STOPWORDS]


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


def named(term: str) -> bool:
    """Whether ``term`` names a condition or procedure ("snapping hip syndrome",
    "iliopsoas tendinitis"), which is worth asking before any other rare term."""
    last = words(term)[-1:] or [""]
    return last[0].rstrip("s") in HEAD_NOUNS or bool(NAMED_SUFFIX.search(last[0]))


def has_rare_word(text: str) -> bool:
    """Whether ``text`` holds a word rare enough to be a term ("thrombolysis")."""
    return any(zipf(w) < RARE_ZIPF for w in content_words(text) if len(w) > 2)


def one_term(remark: str) -> bool:
    """Whether a remark is one lower-case rare word: "antibiotic eye drops
    (chloramphenicol) can be bought ...", which the parser read as the verb's subject."""
    return bool(re.fullmatch(r"[a-z][a-z-]{3,}", remark)) and has_rare_word(remark)
