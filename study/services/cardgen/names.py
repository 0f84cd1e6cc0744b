"""Cards of the names a sentence gives: acronyms, other names, appositions, examples, and
a bold term that starts a list item."""

from __future__ import annotations

import re

from study.services.cardgen.candidates import Candidate, Context, basic
from study.services.cardgen.phrases import OtherName, Phrase
from study.services.cardgen.reading import Reading
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import STOPWORDS, has_rare_word, strip_article
from study.services.cardgen.topics import lower_first
from study.services.cardgen.wellformed import expansion


def name_cards(sentence: Sentence, names: list[OtherName], context: Context) -> list[Candidate]:
    """Acronyms, other names and appositions, both ways where both are terms."""
    found: list[Candidate] = []
    for name in names:
        thing = _term(name.thing)
        other = strip_article(name.name.text)
        if not thing or not other or thing.lower() == other.lower():
            continue
        if " " not in thing and not has_rare_word(thing) and name.kind in ("alias", "apposition"):
            continue  # "a procedure called X": "procedure" is no name of X
        if name.kind == "acronym":
            # "a raised erythrocyte sedimentation rate or the C-reactive protein (ESR)":
            # the expansion stops where the letters are used up (the gate reports one
            # whose initials do not match)
            trimmed = expansion(thing, other)
            if trimmed is None and not _initials_match(thing, other):
                continue
            thing = trimmed or thing
            found.append(
                basic("acronym", sentence, context, f"What does {other} stand for?", thing)
            )
        elif name.kind == "alias":
            if name.condition:
                found.append(
                    basic(
                        "other-name",
                        sentence,
                        context,
                        f"What is {thing} called {name.condition}?",
                        other,
                    )
                )
                continue
            found.append(
                basic(
                    "other-name",
                    sentence,
                    context,
                    f"What is another name for {thing}?",
                    other,
                    name_topic=True,
                )
            )
            found.append(
                basic(
                    "other-name-reverse",
                    sentence,
                    context,
                    f"What is another name for {other}?",
                    thing,
                    name_topic=True,
                )
            )
        elif name.kind == "example":
            # "no contraindication (such as A or B)": examples of a contraindication
            kind = re.sub(r"^(?:no|any)\s+", "a ", name.thing.text.strip(" ,"), flags=re.I)
            kind = lower_first(re.sub(r"^some\s+", "", kind, flags=re.I))
            front = f"Give an example of {kind}."
            found.append(basic("example", sentence, context, front, other, name_topic=True))
        elif name.kind == "apposition" and (has_rare_word(thing) or not name.name.located):
            found.append(
                basic("apposition", sentence, context, f"What is {thing}?", name.name.text)
            )
    return found


def _term(phrase: Phrase) -> str:
    text = strip_article(phrase.text.strip(" ,"))
    return lower_first(text)


def _initials_match(expansion: str, acronym: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", expansion)).lower()
    letters = acronym.rstrip("s").lower()
    return bool(initials) and initials[:1] == letters[:1] and expansion.lower() not in STOPWORDS


def defined_cards(sentence: Sentence, reading: Reading, context: Context) -> list[Candidate]:
    """ "**Paroxysmal AF** terminates within 7 days" (a bold term that starts a list item):
    which term the description names ("Which AF terminates within 7 days?")."""
    term = context.defined
    if not term:
        return []
    for clause in reading.clauses:
        if clause.copula:
            return []  # "**E. coli** is the commonest cause": asked as what is
        subject = clause.subject
        if subject is None or not subject.located or subject.text.lower() != term.lower():
            continue
        rest = sentence.text[subject.end :].strip(" .:;–—-")
        if len(rest.split()) < 2:
            return []
        head = term.split()[-1]
        front = f"Which {head} {rest}?"
        return [basic("defined-term", sentence, context, front, lower_first(term))]
    return []
