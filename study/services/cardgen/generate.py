"""From material files to a deck: read, find topics, apply patterns, gate, and give ids."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from study.domain.decks import DeckSpec, NoteSpec, Source
from study.services.cardgen import clauses, gates, identifiers, repeats, silent
from study.services.cardgen.candidates import Candidate, Context
from study.services.cardgen.cards import propose
from study.services.cardgen.classes import asked_by_a_class, class_cards
from study.services.cardgen.clozes import number_cards
from study.services.cardgen.errors import GenerationError
from study.services.cardgen.ids import card_id, slug
from study.services.cardgen.leads import lead_cards, led_sentences, starts_list
from study.services.cardgen.nlp import parse
from study.services.cardgen.notes import asked_lines, note_cards, scoped_parts, terse
from study.services.cardgen.reading import Reading, instructed, read, reading_phrase
from study.services.cardgen.sentences import (
    Block,
    Sentence,
    clean_markup,
    parse_blocks,
    parse_document,
    read_material,
)
from study.services.cardgen.structured import (
    BOLD_LEAD,
    list_cards,
    says_what_of_heading,
    table_cards,
    with_heading_list,
)
from study.services.cardgen.terms import STOPWORDS, strip_article, words
from study.services.cardgen.topics import (
    GENERIC_SUBJECTS,
    STAND_INS,
    capitalise,
    heading_topic,
    lower_first,
)

if TYPE_CHECKING:
    from spacy.tokens import Span


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Drop:
    """A sentence or candidate card the generator left out, and why."""

    reason: str
    file: str
    sentence: str
    question: str | None = None
    # the clause of ``sentence`` the drop is about, when it is one clause of a long sentence
    clause: str | None = None


def counted(count: int, noun: str) -> str:
    """``1 note``, ``2 notes``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class Generation:
    """The result of a generation: the deck, and everything dropped on the way."""

    deck: DeckSpec
    drops: list[Drop] = field(default_factory=list)
    sentences: int = 0

    def counts(self) -> str:
        """``3 notes (6 cards)``: a cloze note gives one card per deletion number."""
        cards = sum(len(note.card_ids) for note in self.deck.notes)
        return f"{counted(len(self.deck.notes), 'note')} ({counted(cards, 'card')})"

    def report_lines(self) -> list[str]:
        """Lines for ``study generate --report``: a summary, then each drop with its reason."""
        drops = len(self.drops)
        lines = [
            f"{self.counts()} from {counted(self.sentences, 'sentence')}; "
            f"{counted(drops, 'sentence')} or candidate{'' if drops == 1 else 's'} dropped"
        ]
        for drop in self.drops:
            lines.append(f"{drop.file}: {drop.reason}")
            lines.append(f"    sentence: {drop.sentence}")
            if drop.question:
                lines.append(f"    question: {drop.question}")
            if drop.clause:
                lines.append(f"    clause: {drop.clause}")
        return lines


@dataclass
class _Kept:
    candidate: Candidate
    file: str
    tags: tuple[str, ...]


def generate_deck(
    sources: Sequence[Path],
    *,
    deck_dir: Path,
    deck_name: str | None = None,
    deck_id: str | None = None,
    progress: Progress | None = None,
    allow_identifiers: bool = False,
) -> Generation:
    """Generate a deck from the material files ``sources``, deterministically.

    ``deck_dir`` is the folder the deck file will be written to: sources are cited relative
    to it. ``progress(done, total)`` is called as the work advances (in characters read).
    A sentence holding a likely patient identifier gives no card unless ``allow_identifiers``.
    Raises GenerationError for a file that is missing, empty, binary, not UTF-8, or has no
    sentence to learn from.
    """
    if not sources:
        raise GenerationError("no material given; name one or more text or Markdown files")
    texts = [(path, read_material(path)) for path in sources]
    total = sum(len(text) for _, text in texts)
    done = 0
    kept: list[_Kept] = []
    drops: list[Drop] = []
    sentence_total = 0
    for path, text in texts:
        cited = _relative(path, deck_dir)
        document = parse_document(path, text)
        parse_blocks(document.blocks)
        reader = _Reader(cited, path, text, kept, drops, allow_identifiers)
        usable = 0
        for index, block in enumerate(document.blocks):
            sentences = block.sentences()
            usable += sum(1 for s in sentences if len(words(s.text)) >= 3)
            sentence_total += len(sentences)
            reader.read_block(document.blocks, index)
            if progress is not None:
                progress(done + block.end, total)
        if usable == 0:
            raise GenerationError(
                f"{path}: no sentences to learn from; give prose or lists with whole sentences"
            )
        done += len(text)
    if progress is not None:
        progress(total, total)
    duplicates = gates.near_duplicates(k.candidate for k in kept)
    why = dict.fromkeys(duplicates, "near-duplicate of")
    same = gates.same_fronts([k.candidate for k in kept], duplicates)
    why.update(dict.fromkeys(same, "same front as"))
    duplicates.update(same)
    for later, earlier in sorted(duplicates.items()):
        item = kept[later]
        drops.append(
            Drop(
                f"{why[later]}: {kept[earlier].candidate.question}",
                item.file,
                item.candidate.sentence.raw,
                item.candidate.question,
            )
        )
    notes = _notes([k for i, k in enumerate(kept) if i not in duplicates])
    first = sources[0]
    name = deck_name or capitalise(first.stem.replace("-", " ").replace("_", " "))
    deck = DeckSpec(
        id=deck_id or slug(name),
        name=name,
        description=f"Generated from {', '.join(_relative(p, deck_dir) for p in sources)}",
        material=tuple(_relative(p, deck_dir) for p in sources),
        notes=tuple(notes),
    )
    return Generation(deck=deck, drops=drops, sentences=sentence_total)


def _relative(path: Path, deck_dir: Path) -> str:
    return Path(os.path.relpath(path.resolve(), deck_dir.resolve())).as_posix()


class _Reader:
    """Reads one document block by block, carrying the topic and what "it" names."""

    def __init__(
        self,
        cited: str,
        path: Path,
        text: str,
        kept: list[_Kept],
        drops: list[Drop],
        allow_identifiers: bool,
    ) -> None:
        self.cited = cited
        self.allow_identifiers = allow_identifiers
        # Sentences already reported as holding an identifier (a table row gives many cards).
        self.identified: set[str] = set()
        self.clean: set[str] = set()
        self.text = text
        self.fallback_tag = slug(path.stem)
        self.kept = kept
        self.drops = drops
        # Bullet items already asked as a list, by block index.
        self.listed: set[int] = set()
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.acronyms: list[tuple[str, str]] | None = None
        # card_drop's verdict on each card of the sentence being read, by id (see _verdict)
        self.verdicts: dict[int, tuple[Candidate, str | None]] = {}
        # what a paragraph's last sentence lets the next "It" name, with that paragraph's
        # index and headings: a paragraph of the same section may open with "It"
        self.carried: tuple[int, tuple[str, ...], str | None] | None = None

    def drop(
        self, reason: str, raw: str, question: str | None = None, clause: str | None = None
    ) -> None:
        self.drops.append(Drop(reason, self.cited, raw, question, clause))

    def read_block(self, blocks: list[Block], index: int) -> None:
        block = blocks[index]
        sentences = block.sentences()
        if not sentences or index in self.listed:
            return
        section = heading_topic(block.headings)
        if block.kind == "table":
            cards, empty = table_cards(block, section)
            for row in empty:
                self.drop("table row without a first cell or values", row.raw)
            self._gate(cards, self._tags(section, None))
            return
        topic = section or (self._subject(sentences[0]) if block.kind == "paragraph" else None)
        tags = self._tags(section, topic)
        if block.kind == "bullet" and starts_list(blocks, index):
            cards, items = list_cards(self.text, blocks, index, section)
            if cards and self._gate(cards[:2], tags):
                self._gate(cards[2:], tags)
                self.listed.update(items)
                if index in self.listed:
                    return
        if block.kind == "bullet":
            sentences = asked_lines(block, led_sentences(blocks, index, sentences))
        aliases = self._aliases(topic)
        previous: str | None = None
        if (
            block.kind == "paragraph"
            and self.carried is not None
            and self.carried[:2] == (index - 1, block.headings)
        ):
            # "Acute chest syndrome ... is ... || It is treated with oxygen": the paragraph
            # before is of the same section and says what "It" is
            previous = self.carried[2]
        bold = BOLD_LEAD.match(block.text) if block.kind == "bullet" else None
        defined = clean_markup(bold.group("term")) if bold else None
        for sentence in sentences:
            context = Context(
                topic=topic,
                headings=block.headings,
                aliases=aliases,
                antecedent=previous,
                defined=defined,
            )
            defined = None
            previous = self._read_sentence(sentence, context, tags)
        self.carried = (index, block.headings, previous) if block.kind == "paragraph" else None

    def _tags(self, section: str | None, topic: str | None) -> tuple[str, ...]:
        return (slug(section or topic or self.fallback_tag),)

    def _subject(self, sentence: Sentence) -> str | None:
        """What a paragraph without a heading is about: its first sentence's subject, when
        that names something (not "Patients", not a pronoun), or the title it starts with."""
        if sentence.span is None:
            return None
        reading = read(sentence.span, None, None)
        for clause in reading.clauses:
            if clause.subject is not None and not clause.resolved:
                return _topic_of(clause.subject.text)
        if not reading.clauses and len(sentence.span) <= 8:
            root = sentence.span.root
            if root.pos_ in ("NOUN", "PROPN"):
                return _topic_of(reading_phrase(sentence.span, root))
        return None

    def _aliases(self, topic: str | None) -> tuple[str, ...]:
        """The acronyms the material gives ``topic``: "Atrial fibrillation (AF)" gives AF."""
        if not topic:
            return ()
        if self.acronyms is None:
            # every "words (ACRONYM)" of the document, found once (a scan per topic was
            # the slowest part of reading a long document)
            self.acronyms = [
                (self.text[max(m.start() - 80, 0) : m.start()].rstrip().lower(), m.group(1))
                for m in re.finditer(r"\(([A-Z][A-Za-z0-9]{1,7})\)", self.text)
            ]
        if topic not in self.aliases:
            lowered = topic.lower()
            found = [
                acronym
                for before, acronym in self.acronyms
                if before.endswith(lowered)
                and (len(before) == len(lowered) or not before[-len(lowered) - 1].isalnum())
            ]
            self.aliases[topic] = tuple(
                dict.fromkeys(a for a in found if a[1:].isupper() or a.isupper())
            )
        return self.aliases[topic]

    def _read_sentence(
        self, sentence: Sentence, context: Context, tags: tuple[str, ...]
    ) -> str | None:
        """Propose and gate the cards of one sentence; what "it" names in the next one
        (None when nothing can be told)."""
        if self._holds_identifier(sentence.raw):
            return None
        span = sentence.span
        self.verdicts.clear()  # the verdicts of one sentence's cards at a time
        reason = gates.sentence_drop(sentence.said, span, context.topic is not None)
        if reason == gates.FRAGMENT and says_what_of_heading(sentence, context):
            reason = None
        if reason or span is None:
            self.drop(reason or "no parse", sentence.raw)
            return None
        it = _it(context)
        before = self.text[max(sentence.start - _LOOK_BACK, 0) : sentence.start]
        proposed: list[Candidate] = []
        parts: list[Candidate] = []
        told: list[Candidate] = []  # the cards of the clauses and remarks read on their own
        pieces: tuple[list[str], list[str]] = ([], [])  # those clauses, those remarks
        notes_line = terse(sentence)
        if notes_line:
            # A line of notes: its arrows, labels and lists, and the whole sentences in it
            proposed, said = note_cards(sentence, context)
            proposed += number_cards(sentence, context)
            proposed += scoped_parts(
                sentence, _parts_cards(sentence, said, context, it, before), context
            )
            reading = Reading()
        else:
            reading = read(span, it, context.topic, sentence.asides)
            proposed = _with_classes(
                sentence,
                propose(sentence, reading, replace(context, named=_named(span, it, context))),
                context,
                it,
                before,
            )
            pieces = ([], clauses.aside_texts(span, sentence.asides))
            proposed = self._no_list_as_definition(sentence, proposed)
            verdicts = [self._verdict(candidate) for candidate in proposed]
            cut = clauses.run_together_texts(span) if clauses.long_enough(span) else []
            if cut:
                # its parse runs its clauses together: its questions read across two of its
                # clauses are left out, and its clauses are asked one by one
                pieces = (cut, pieces[1])
                across = [
                    c.type != "cloze" and clauses.read_across(span.text, f"{c.question} {c.back}")
                    for c in proposed
                ]
                for candidate in itertools.compress(proposed, across):
                    self.drop(gates.RUN_TOGETHER, sentence.raw, candidate.question)
                verdicts = [v for v, a in zip(verdicts, across, strict=True) if not a]
                proposed = [c for c, a in zip(proposed, across, strict=True) if not a]
            elif clauses.long_enough(span) and (
                clauses.very_long(span) or gates.too_long(verdicts)
            ):
                # a long sentence whose cards cannot ask every clause: its clauses, each
                # told as a sentence, ask what its own cards do not
                pieces = (clauses.clause_texts(span), pieces[1])
            elif clauses.long_enough(span):
                # a long sentence read whole: a clause none of its passing cards asks a
                # word of ("..., and Murphy's sign is characteristic") is told alone too
                passing = [c for c, v in zip(proposed, verdicts, strict=True) if v is None]
                unread = silent.unread(clauses.clause_texts(span), passing)
                pieces = ([text for _, text in unread], pieces[1])
            if pieces[0] or pieces[1]:
                told = _parts_cards(sentence, pieces[0] + pieces[1], context, it, before)
                told = self._no_list_as_definition(sentence, told)
                own = [c for c, verdict in zip(proposed, verdicts, strict=True) if verdict is None]
                parts = gates.not_asked(told, own)
        proposed = with_heading_list(sentence, context, lead_cards(sentence, proposed, context))
        start = len(self.kept)
        if not proposed and not parts:
            why = (
                f"leans on text around it: what {reading.unresolved[0]!r} refers to cannot be told"
                if reading.unresolved and not reading.clauses
                else "no fact the reader could ask: no clause with a subject and no rare term"
            )
            self.drop(why, sentence.raw)
        elif not self._keep(self._passing(proposed) + self._passing(parts), tags):
            self.drop("every card of the sentence failed a gate (listed above)", sentence.raw)
        elif told or pieces[0]:
            kept = [k.candidate for k in self.kept[start:]]
            for reason, piece in silent.unasked(*pieces, told, parts, kept, self._verdict):
                self.drop(reason, sentence.raw, clause=piece)
        if not pieces[0] and len(self.kept) > start and span and clauses.long_enough(span):
            # a long sentence read whole: a clause none of its cards asks a word of
            kept = [k.candidate for k in self.kept[start:]]
            for reason, piece in silent.unread(clauses.clause_texts(span), kept):
                self.drop(reason, sentence.raw, clause=piece)
        if proposed and reading.unresolved and reading.clauses:
            # a clause left out beside others that gave cards: said too
            self.drop(
                f"a clause leans on text around it: what {reading.unresolved[0]!r} refers "
                "to cannot be told",
                sentence.raw,
            )
        subjects = [c for c in reading.clauses if c.subject is not None]
        if not notes_line and (object_ := instructed(span)):
            return object_  # "Use the 4AT ...: a score ... It tests ...": the 4AT
        if subjects and subjects[0].plural and subjects[0].subject is not None:
            # "People often call it pink eye. It is usually caused by a virus": a plural is
            # never the next "it"; the thing this sentence called "it" goes on being it
            return it if it and any(t.lower_ == "it" for t in span) else ""
        if subjects and subjects[0].subject is not None and not subjects[0].subject.items:
            return subjects[0].subject.text
        return "" if reading.clauses else None

    def _no_list_as_definition(
        self, sentence: Sentence, proposed: list[Candidate]
    ) -> list[Candidate]:
        """``proposed`` without the "What is X?" cards that answer with a list in
        parentheses after X (``clauses.read_as_definition``), which are reported."""
        kept: list[Candidate] = []
        for candidate in proposed:
            if (
                candidate.type != "cloze"
                and sentence.span is not None
                and clauses.read_as_definition(
                    sentence.span, sentence.asides, candidate.front, candidate.back
                )
            ):
                self.drop(gates.LIST_AS_DEFINITION, sentence.raw, candidate.question)
            else:
                kept.append(candidate)
        return kept

    def _gate(self, proposed: list[Candidate], tags: tuple[str, ...]) -> int:
        """Keep the candidates that pass the gates; how many are kept."""
        passing = self._passing(proposed)
        self.kept.extend(_Kept(candidate, self.cited, tags) for candidate in passing)
        return len(passing)

    def _passing(self, proposed: list[Candidate]) -> list[Candidate]:
        """The candidates that pass the gates (the others are reported)."""
        passing: list[Candidate] = []
        for candidate in proposed:
            if self._holds_identifier(candidate.sentence.raw):
                continue
            reason = self._verdict(candidate)
            if reason:
                self.drop(reason, candidate.sentence.raw, candidate.question)
            else:
                passing.append(candidate)
        repeated = gates.asked_by_a_question(passing)
        for index in sorted(repeated):
            candidate = passing[index]
            self.drop(gates.ASKED_BY_A_QUESTION, candidate.sentence.raw, candidate.question)
        return [c for i, c in enumerate(passing) if i not in repeated]

    def _verdict(self, candidate: Candidate) -> str | None:
        """``gates.card_drop``'s verdict on ``candidate``, worked out once: a long
        sentence's own cards are judged to decide whether to read its clauses, to leave out
        the clause cards they ask, and to keep them."""
        known = self.verdicts.get(id(candidate))
        if known is None or known[0] is not candidate:
            known = (candidate, gates.card_drop(candidate, candidate.sentence.said))
            self.verdicts[id(candidate)] = known
        return known[1]

    def _keep(self, passing: list[Candidate], tags: tuple[str, ...]) -> int:
        """Keep the cards of one sentence (its own and its clauses') that pass the gates,
        but for the deletions and cards another card of it asks better (``repeats``); how
        many are kept."""
        kept, left = repeats.thinned(passing)
        for item in left:
            self.drop(item.reason, passing[item.index].sentence.raw, item.question)
        self.kept.extend(_Kept(candidate, self.cited, tags) for candidate in kept)
        return len(kept)

    def _holds_identifier(self, raw: str) -> bool:
        """Whether ``raw`` holds a likely patient identifier and must give no card; the
        report names its kind and shows the sentence with the identifier masked."""
        if self.allow_identifiers or raw in self.clean:
            return False
        kinds = identifiers.kinds_in(raw)
        if not kinds:
            self.clean.add(raw)  # each card of a sentence asks again: look once
            return False
        if raw not in self.identified:
            self.identified.add(raw)
            kind = ", ".join(kinds)
            reason = f"likely patient identifier: {kind} (--allow-identifiers keeps it)"
            self.drops.append(Drop(reason, self.cited, identifiers.redact(raw)))
        return True


def _named(span: Span, it: str | None, context: Context) -> tuple[int, str] | None:
    """What a cloze of the sentence shows for its leading "It" or "This condition"."""
    first = span[0]
    if first.lower_ == "it" and first.dep_.startswith("nsubj") and it:
        return len(first.text), capitalise(it)
    head = first.head
    if (
        first.lower_ in ("this", "that")
        and first.dep_ == "det"
        and head.lower_ in STAND_INS
        and head.dep_.startswith("nsubj")
        and context.topic
    ):
        return head.idx + len(head) - span.start_char, capitalise(context.topic)
    return None


# how far before a sentence what it calls "the score" may be named (a few bullets)
_LOOK_BACK = 600


def _with_classes(
    sentence: Sentence, proposed: list[Candidate], context: Context, it: str | None, before: str
) -> list[Candidate]:
    """``proposed`` with a sentence's classes ("mild when A, moderate when B and severe
    when C") asked one card each, instead of the cards that ask a class or a piece of its
    condition."""
    classes, asked = class_cards(sentence, context, it, before)
    return classes + [c for c in proposed if not asked_by_a_class(c, asked)]


def _parts_cards(
    sentence: Sentence, texts: list[str], context: Context, it: str | None, before: str
) -> list[Candidate]:
    """The cards of ``texts``, pieces of ``sentence`` told as sentences of their own (the
    whole sentences in a line of notes, the clauses of a long sentence), parsed in one
    batch; each card still cites ``sentence``."""
    proposed: list[Candidate] = []
    for text, doc in zip(texts, parse(texts), strict=True):
        part = replace(sentence, text=text, span=doc[:], asides=())
        proposed += _with_classes(
            part, propose(part, read(doc[:], it, context.topic), context), context, it, before
        )
    return proposed


def _it(context: Context) -> str | None:
    """What a leading "it" names: the subject of the sentence before when that is one
    other thing ("Rate control aims for ... It is usually achieved with ..."), else the
    topic; None when that subject cannot be told or is several things."""
    topic, antecedent = context.topic, context.antecedent
    if antecedent is None or (topic and _names_the_topic(antecedent, topic)):
        return topic
    if antecedent and not re.search(r"\s(?:and|or)\s", antecedent):
        return lower_first(antecedent)
    return None


def _names_the_topic(subject: str, topic: str) -> bool:
    """Whether ``subject`` is the topic ("Acute gout", "Shingles in pregnancy"), not
    another thing the topic only qualifies ("The shingles vaccine": a vaccine)."""
    found = re.search(rf"\b{re.escape(topic.lower())}\b", subject.lower())
    if found is None:
        return False
    after = subject[found.end() :].split()
    return not after or not after[0][:1].isalnum() or after[0].lower() in STOPWORDS


def _topic_of(subject: str) -> str | None:
    words_in = words(subject)
    if (
        not words_in
        or len(words_in) > 6
        or all(w in GENERIC_SUBJECTS or w in STOPWORDS for w in words_in)
    ):
        return None
    topic = re.sub(r"\s+", " ", strip_article(subject)).strip(" .,:;")
    first = topic.split(" ")[0]
    if first[:1].isupper() and not first.isupper() and not re.search(r"[A-Z]", first[1:]):
        topic = topic[0].lower() + topic[1:]
    return topic or None


def _notes(kept: list[_Kept]) -> list[NoteSpec]:
    notes: list[NoteSpec] = []
    used: set[str] = set()
    for item in kept:
        candidate = item.candidate
        base = card_id(
            candidate.topic or item.tags[0],
            candidate.sentence.raw,
            candidate.pattern,
            "|".join(candidate.answers),
        )
        note_id, suffix = base, 2
        while note_id in used:
            note_id, suffix = f"{base}-{suffix}", suffix + 1
        used.add(note_id)
        notes.append(
            NoteSpec(
                id=note_id,
                type=candidate.type,
                front=candidate.front,
                back=candidate.back,
                text=candidate.text,
                tags=item.tags,
                source=Source(file=item.file, sentence=candidate.sentence.raw),
            )
        )
    return notes
