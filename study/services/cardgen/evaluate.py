"""The generator judged on a corpus: passages with the key facts an educator would ask.

Each passage (``name.md`` or ``name.txt``) has a fact list beside it (``name.facts.toml``):
for each key fact, a pattern the *asked part* of a card must match (a basic card's answer,
or the text a cloze card deletes) and patterns the whole card must match, so that the fact
is asked about the right subject; and ``never`` patterns, cards that misread the text. A
``never.toml`` in the corpus folder lists bad cards for every passage. A fact counts as
asked only when one card both asks it and names its subject, and breaks no target (a
card that dangles, misreads or gives its answer away teaches nothing): a cloze that merely
shows the fact beside another deletion does not teach it.

``python -m study.services.cardgen.evaluate [DIR]`` prints recall per passage and the corpus-wide
checks; ``tests/cardgen/test_corpus.py`` holds the generator to its targets.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from study.domain import cloze
from study.domain.decks import NoteSpec
from study.domain.errors import UserError
from study.services.cardgen.generate import generate_deck

Part = Literal["question", "asked", "card"]
PARTS: tuple[Part, ...] = ("question", "asked", "card")
FACTS_SUFFIX = ".facts.toml"
NEVER_FILE = "never.toml"
PASSAGE_SUFFIXES = (".md", ".txt")
MAX_ANSWER_WORDS = 16

# A question leans on a pronoun whose referent it does not show: it starts with one, asks
# about one ("What does it cause?"), points at "this condition", or asks what is used
# "instead" of nothing named, or keeps a relative "which" as its subject.
_DANGLING = (
    re.compile(r"^\W*(?:it|its|they|them|their|this|these|those|he|she|such)\b", re.I),
    re.compile(
        r"^\W*(?:\w+\s+){0,3}?(?:is|are|was|were|does|do|did|can|could|may|might|should|will"
        r"|would|has|have)\s+(?:it|they|this|these|those)\b(?!\s+(?:of|to|and)\b)",
        re.I,
    ),
    re.compile(
        r"\b(?:this|these|those)\s+(?:condition|disease|disorder|drug|medicine|procedure"
        r"|score|test|treatment|features?|findings?|symptoms?|signs?|patients?|changes?)\b",
        re.I,
    ),
    re.compile(r"\binstead\s*[?.]?\s*$", re.I),
    re.compile(r"\b(?:because|since|as|if|when|that)\s+(?:it|they|them)\s*\?\s*$", re.I),
    re.compile(r"^\W*neither\b(?!.*\bnor\b)", re.I),
    re.compile(
        r"^\W*(?:if|when|unless|once|while|until|although|because|since|after|before)\s+"
        r"(?:it|they|them|he|she)\b",
        re.I,
    ),
    re.compile(r"\b(?:do|does|did) the same\b", re.I),
    # a relative "which" or "who" left as the subject ("when should which be performed?")
    re.compile(
        r"\b(?:is|are|was|were|does|do|did|can|could|may|might|must|should|will|would|has|have)"
        r"\s+wh(?:ich|o)\b",
        re.I,
    ),
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ACRONYM_SKIP = {"of", "and", "the", "in", "for", "with", "to", "a", "an", "or"}


class CorpusError(UserError):
    """A corpus folder or fact list that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class Fact:
    """A key fact: what a card must ask (``asked``) and say (``card``) to teach it."""

    fact: str
    asked: re.Pattern[str]
    card: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Never:
    """A known-bad card: ``pattern`` must never match that ``part`` of any card."""

    part: Part
    pattern: re.Pattern[str]
    why: str


@dataclass(frozen=True)
class Passage:
    """A passage of the corpus with its register and fact list."""

    path: Path
    register: str
    source: str
    facts: tuple[Fact, ...]
    never: tuple[Never, ...]

    @property
    def name(self) -> str:
        """The passage's file name, as the table and the test ids show it."""
        return self.path.name


@dataclass(frozen=True)
class Card:
    """One card as the learner meets it: a basic note, or one number of a cloze note."""

    question: str
    # What the card asks for: the basic card's answer, or this number's deletions.
    asked: tuple[str, ...]
    # Question and answer together (a cloze with every deletion filled in).
    shown: str
    source: str | None

    @property
    def asked_text(self) -> str:
        """The asked parts joined, as ``asked`` patterns are matched against."""
        return "; ".join(self.asked)

    def text(self, part: Part) -> str:
        """The ``part`` of the card a ``never`` pattern is matched against."""
        if part == "question":
            return self.question
        if part == "asked":
            return self.asked_text
        return self.shown


@dataclass(frozen=True)
class Problem:
    """A card that breaks a corpus-wide target, with which one."""

    kind: str
    card: Card
    detail: str = ""


@dataclass(frozen=True)
class PassageScore:
    """What the generator made of one passage, judged against its fact list."""

    passage: Passage
    cards: tuple[Card, ...]
    asked: tuple[Fact, ...]
    missed: tuple[Fact, ...]
    problems: tuple[Problem, ...]

    @property
    def recall(self) -> float:
        """Facts asked / facts (1.0 for a passage without facts)."""
        total = len(self.asked) + len(self.missed)
        return len(self.asked) / total if total else 1.0

    def details(self) -> list[str]:
        """Each card with the facts it asks and the targets it breaks, then the facts
        no card asks: what ``--cards`` prints for a passage."""
        lines = [f"== {self.passage.name} ({self.passage.register}): {self.recall:.0%}"]
        for card in self.cards:
            lines.append(f"Q: {card.question}")
            lines.append(f"A: {card.asked_text}")
            lines.extend(f"   asks: {fact.fact}" for fact in self.passage.facts if asks(card, fact))
            lines.extend(
                f"   !! {p.kind}{f': {p.detail}' if p.detail else ''}"
                for p in self.problems
                if p.card is card
            )
        lines.extend(f"missed: {fact.fact}" for fact in self.missed)
        return lines

    @property
    def cited_sentences(self) -> int:
        """How many distinct source sentences the cards cite."""
        return len({c.source for c in self.cards if c.source})


# The kinds of problem, as the tests and the table name them.
DANGLING = "dangling pronoun"
ANSWER_IN_QUESTION = "answer in question"
NO_SOURCE = "no source sentence"
LONG_ANSWER = f"answer over {MAX_ANSWER_WORDS} words"
ACRONYM = "acronym gives the answer away"
NEVER = "known-bad card"
KINDS = (DANGLING, ANSWER_IN_QUESTION, NO_SOURCE, LONG_ANSWER, ACRONYM, NEVER)


def cards_of(note: NoteSpec) -> list[Card]:
    """The cards a note gives: one for a basic note, one per cloze number."""
    source = note.source.sentence if note.source and note.source.sentence.strip() else None
    if note.type != "cloze":
        return [Card(note.front, (note.back,), f"{note.front} {note.back}", source)]
    return [
        Card(
            cloze.question(note.text, number),
            tuple(cloze.deleted_answers(note.text, number)),
            cloze.answer(note.text, number),
            source,
        )
        for number in cloze.cloze_numbers(note.text)
    ]


def asks(card: Card, fact: Fact) -> bool:
    """Whether ``card`` asks ``fact``: its asked part matches, and the card names the subject."""
    return bool(fact.asked.search(card.asked_text)) and all(
        pattern.search(card.shown) for pattern in fact.card
    )


def is_dangling(question: str) -> bool:
    """Whether ``question`` leans on a pronoun or on "instead" whose referent it lacks."""
    return any(pattern.search(question) for pattern in _DANGLING)


def answer_in_question(card: Card) -> bool:
    """Whether an asked part is shown, word for word, in the card's question."""
    question = f" {_normal(card.question)} "
    return any((normal := _normal(answer)) and f" {normal} " in question for answer in card.asked)


def acronym_gives_away(card: Card, is_cloze: bool) -> bool:
    """Whether a cloze shows the acronym of what it deletes ("[...] (OGTT)"), or spells out
    the acronym it deletes. A basic "What does OGTT stand for?" asks exactly that."""
    if not is_cloze:
        return False
    for answer in card.asked:
        initials = _initials(answer)
        if len(initials) >= 2 and re.search(rf"\b{re.escape(initials)}\b", card.question):
            return True
        if _is_acronym(answer) and _spelled_out(answer, card.question):
            return True
    return False


def _is_acronym(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*", text.strip()))


def _spelled_out(acronym: str, question: str) -> bool:
    """Whether consecutive words of ``question`` have the letters of ``acronym`` as initials."""
    letters = "".join(c for c in acronym.upper() if c.isalpha())
    if len(letters) < 3:
        return False
    initials = "".join(
        w[0].upper() for w in _WORD.findall(question) if w.lower() not in _ACRONYM_SKIP
    )
    return letters in initials


def _initials(text: str) -> str:
    words = [w for w in _WORD.findall(text) if w.lower() not in _ACRONYM_SKIP]
    if len(words) < 2:
        return ""
    return "".join(w[0].upper() for w in words)


def _normal(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text))


def words(text: str) -> int:
    """How many words ``text`` has, as the answer-length target counts them."""
    return len(_WORD.findall(text))


def problems(
    card: Card, passage_text: str, never: Iterable[Never], is_cloze: bool
) -> list[Problem]:
    """Every corpus-wide target ``card`` breaks."""
    found: list[Problem] = []
    if is_dangling(card.question):
        found.append(Problem(DANGLING, card))
    if answer_in_question(card):
        found.append(Problem(ANSWER_IN_QUESTION, card))
    if card.source is None or _squash(card.source) not in _squash(passage_text):
        found.append(Problem(NO_SOURCE, card))
    if any(words(answer) > MAX_ANSWER_WORDS for answer in card.asked):
        found.append(Problem(LONG_ANSWER, card))
    if acronym_gives_away(card, is_cloze):
        found.append(Problem(ACRONYM, card))
    found.extend(
        Problem(NEVER, card, bad.why) for bad in never if bad.pattern.search(card.text(bad.part))
    )
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


def score(passage: Passage, notes: Sequence[NoteSpec], passage_text: str) -> PassageScore:
    """Judge the cards of ``notes`` against ``passage``'s facts and the corpus targets."""
    cards: list[Card] = []
    sound: list[Card] = []
    found: list[Problem] = []
    for note in notes:
        for card in cards_of(note):
            cards.append(card)
            flaws = problems(card, passage_text, passage.never, note.type == "cloze")
            found.extend(flaws)
            if not flaws:
                sound.append(card)
    # A card that misreads the text, dangles or gives its answer away teaches nothing.
    asked = tuple(f for f in passage.facts if any(asks(c, f) for c in sound))
    missed = tuple(f for f in passage.facts if f not in asked)
    return PassageScore(passage, tuple(cards), asked, missed, tuple(found))


def evaluate_passage(passage: Passage) -> PassageScore:
    """Generate cards from ``passage`` and judge them."""
    generation = generate_deck([passage.path], deck_dir=passage.path.parent)
    text = passage.path.read_text(encoding="utf-8")
    return score(passage, generation.deck.notes, text)


def load_corpus(directory: Path) -> list[Passage]:
    """Every passage of ``directory`` that has a fact list, in name order, with the
    corpus-wide ``never.toml`` added to each passage's own known-bad cards."""
    if not directory.is_dir():
        raise CorpusError(f"{directory} is not a folder; give the corpus folder")
    shared = _never(_read_toml(directory / NEVER_FILE)) if (directory / NEVER_FILE).exists() else ()
    passages = [
        load_passage(path, shared)
        for path in sorted(directory.iterdir())
        if path.suffix in PASSAGE_SUFFIXES and _facts_path(path).exists()
    ]
    if not passages:
        raise CorpusError(
            f"{directory} has no passage with a fact list; add NAME.md and NAME{FACTS_SUFFIX}"
        )
    return passages


def load_passage(path: Path, shared_never: Sequence[Never] = ()) -> Passage:
    """The passage at ``path`` with the fact list beside it."""
    data = _read_toml(_facts_path(path))
    facts_data = data.get("facts", [])
    if not isinstance(facts_data, list) or not facts_data:
        raise CorpusError(f"{_facts_path(path)}: no [[facts]]; list the passage's key facts")
    facts = tuple(_fact(_facts_path(path), entry) for entry in facts_data)
    return Passage(
        path=path,
        register=str(data.get("register", "")),
        source=str(data.get("source", "")),
        facts=facts,
        never=(*_never(data), *shared_never),
    )


def _facts_path(path: Path) -> Path:
    return path.with_name(path.stem + FACTS_SUFFIX)


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CorpusError(f"{path}: cannot be read as TOML ({error})") from error


def _fact(path: Path, entry: object) -> Fact:
    if not isinstance(entry, dict) or not isinstance(entry.get("asked"), str):
        raise CorpusError(f"{path}: each [[facts]] needs asked = 'pattern'")
    card = entry.get("card", [])
    if not isinstance(card, list) or not all(isinstance(p, str) for p in card):
        raise CorpusError(f"{path}: card = [...] must be a list of patterns")
    return Fact(
        fact=str(entry.get("fact", entry["asked"])),
        asked=_compile(path, entry["asked"]),
        card=tuple(_compile(path, p) for p in cast(list[str], card)),
    )


def _never(data: dict[str, object]) -> tuple[Never, ...]:
    entries = data.get("never", [])
    if not isinstance(entries, list):
        raise CorpusError("never must be a list of [[never]] tables")
    found: list[Never] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
            raise CorpusError("each [[never]] needs pattern = '...'")
        part = entry.get("part", "card")
        if part not in PARTS:
            raise CorpusError(f"[[never]] part must be one of {', '.join(PARTS)}, not {part!r}")
        found.append(
            Never(
                cast(Part, part),
                _compile(Path(NEVER_FILE), entry["pattern"]),
                str(entry.get("why", "")),
            )
        )
    return tuple(found)


def _compile(path: Path, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise CorpusError(f"{path}: bad pattern {pattern!r} ({error})") from error


@dataclass(frozen=True)
class CorpusScore:
    """The whole corpus: each passage's score and the corpus-wide counts."""

    passages: tuple[PassageScore, ...]

    def count(self, kind: str) -> int:
        """How many cards break the target ``kind``."""
        return sum(1 for s in self.passages for p in s.problems if p.kind == kind)

    @property
    def cards_per_sentence(self) -> float:
        """Cards per cited sentence, over the corpus."""
        cards = sum(len(s.cards) for s in self.passages)
        sentences = sum(s.cited_sentences for s in self.passages)
        return cards / sentences if sentences else 0.0

    def table(self) -> list[str]:
        """The table ``python -m study.services.cardgen.evaluate`` prints."""
        width = max(len(s.passage.name) for s in self.passages)
        reg = max(len(s.passage.register) for s in self.passages)
        lines = [f"{'passage':<{width}}  {'register':<{reg}}  facts  asked  recall  cards"]
        for s in self.passages:
            lines.append(
                f"{s.passage.name:<{width}}  {s.passage.register:<{reg}}  "
                f"{len(s.passage.facts):>5}  {len(s.asked):>5}  {s.recall:>6.0%}  {len(s.cards):>5}"
            )
        facts = sum(len(s.passage.facts) for s in self.passages)
        asked = sum(len(s.asked) for s in self.passages)
        lines.append(
            f"{'all':<{width}}  {'':<{reg}}  {facts:>5}  {asked:>5}  "
            f"{asked / facts if facts else 1:>6.0%}  {sum(len(s.cards) for s in self.passages):>5}"
        )
        lines.append("")
        lines.extend(f"{kind}: {self.count(kind)}" for kind in KINDS)
        lines.append(f"cards per cited sentence: {self.cards_per_sentence:.2f}")
        return lines


def evaluate_corpus(directory: Path) -> CorpusScore:
    """Generate and judge every passage of the corpus in ``directory``."""
    return CorpusScore(tuple(evaluate_passage(p) for p in load_corpus(directory)))


USAGE = "usage: python -m study.services.cardgen.evaluate [CORPUS_DIR] [--cards]"


def main(argv: Sequence[str]) -> int:
    """Print the corpus table for the folder in ``argv`` (default: the test corpus);
    with ``--cards``, every card of every passage first, with the facts it asks."""
    arguments = [a for a in argv if a != "--cards"]
    if len(arguments) > 1 or any(a.startswith("-") for a in arguments):
        print(USAGE, file=sys.stderr)
        return 2
    directory = Path(arguments[0]) if arguments else Path("tests/cardgen/corpus")
    try:
        corpus = evaluate_corpus(directory)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if "--cards" in argv:
        for passage in corpus.passages:
            print("\n".join(passage.details()), end="\n\n")
    print("\n".join(corpus.table()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
