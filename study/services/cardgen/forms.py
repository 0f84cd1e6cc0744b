"""Which parts of speech a word's form can be, from lemminflect's inflection tables (the
same tables voice.py inflects verbs with, so reading them costs no second load): the
reader checks the parser's tags against them where a misread tag garbles a card."""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllInflections

# Finite auxiliaries that are nothing else ("can", "will", "do" are nouns too).
AUXILIARIES = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "been",
        "has",
        "have",
        "had",
        "does",
        "did",
        "should",
        "must",
        "might",
        "could",
        "would",
        "shall",
        "may",
    ]
)


def _lemmas(word: str) -> tuple[str, ...]:
    """The lemmas an inflected ``word`` may come from ("antibodies": antibody, antibodie,
    antibodi ...; "causing": cause, caus)."""
    found = [word]
    for ending, replacements in (
        ("ies", ("y",)),
        ("es", ("", "e")),
        ("s", ("",)),
        ("ing", ("", "e")),
        ("ied", ("y",)),
        ("ed", ("", "e")),
        ("d", ("",)),
        ("en", ("e", "")),  # "taken", "given", "shown"
    ):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            found += [word[: -len(ending)] + r for r in replacements]
    return tuple(found)


@lru_cache(maxsize=4096)
def can_be(word: str, upos: str) -> bool:
    """Whether ``word`` (lower case) is a form the tables know for ``upos`` (NOUN, VERB)."""
    if upos == "VERB" and word in AUXILIARIES:
        return True
    return any(
        word in forms
        for lemma in _lemmas(word)
        for forms in getAllInflections(lemma, upos=upos).values()
    )


def only_a_noun(word: str) -> bool:
    """Whether ``word`` is known as a noun's form and never as a verb's ("antibodies")."""
    return can_be(word, "NOUN") and not can_be(word, "VERB")


def only_a_verb(word: str) -> bool:
    """Whether ``word`` is known as a verb's form and never as a noun's ("causing",
    "found"; not "bleeding", "swelling")."""
    return can_be(word, "VERB") and not can_be(word, "NOUN")


@lru_cache(maxsize=1024)
def superlative(word: str) -> bool:
    """Whether ``word`` (lower case) is an adjective's superlative ("commonest", "largest",
    "biggest"), never "test" or "chest"."""
    if not word.endswith("est") or len(word) < 6:
        return False
    stem = word[:-3]
    return any(
        word in getAllInflections(lemma, upos="ADJ").get("JJS", ())
        for lemma in (stem, stem + "e", stem[:-1], stem[:-1] + "y")
    )
