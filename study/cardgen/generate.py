"""From material files to a deck: read, find topics, apply patterns, gate, and give ids."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from study.cardgen import gates, identifiers
from study.cardgen.candidates import Candidate, Context
from study.cardgen.errors import GenerationError
from study.cardgen.ids import card_id, slug
from study.cardgen.patterns import FALLBACK, PATTERNS, attributed, clauses, numbers
from study.cardgen.sentences import Block, Sentence, clean_markup, parse_document, read_material
from study.cardgen.terms import content_words, rare_terms, words
from study.cardgen.topics import (
    ASPECT_HEADINGS,
    PROCEDURE_NAME,
    agree,
    capitalise,
    frequent_term,
    heading_topic,
    lower_first,
    quoted_terms,
    resolve,
    sentence_subject,
)
from study.decks import DeckSpec, NoteSpec, Source

Progress = Callable[[int, int], None]
_PROCEDURE_SUFFIX = re.compile(r"(?:ectomy|plasty|otomy|ostomy|oscopy|graphy|centesis)\b", re.I)


@dataclass(frozen=True)
class Drop:
    """A sentence or candidate card the generator left out, and why."""

    reason: str
    file: str
    sentence: str
    question: str | None = None


@dataclass
class Generation:
    """The result of a generation: the deck, and everything dropped on the way."""

    deck: DeckSpec
    drops: list[Drop] = field(default_factory=list)
    sentences: int = 0

    def report_lines(self) -> list[str]:
        """Lines for ``study generate --report``: a summary, then each drop with its reason."""
        lines = [
            f"{len(self.deck.notes)} cards from {self.sentences} sentences; "
            f"{len(self.drops)} sentences or candidates dropped"
        ]
        for drop in self.drops:
            lines.append(f"{drop.file}: {drop.reason}")
            lines.append(f"    sentence: {drop.sentence}")
            if drop.question:
                lines.append(f"    question: {drop.question}")
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
        usable = 0
        document = parse_document(path, text)
        reader = _Reader(cited, path, text, allow_identifiers)
        for index, block in enumerate(document.blocks):
            sentences = block.sentences()
            usable += sum(1 for s in sentences if len(words(s.text)) >= 3)
            sentence_total += len(sentences)
            reader.read_block(block, sentences, document.blocks, index, kept, drops)
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
    for later, earlier in sorted(duplicates.items()):
        item = kept[later]
        drops.append(
            Drop(
                f"near-duplicate of: {kept[earlier].candidate.question}",
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
    """Reads one document block by block, carrying the topic and the last named procedure."""

    def __init__(self, cited: str, path: Path, text: str, allow_identifiers: bool) -> None:
        self.cited = cited
        self.allow_identifiers = allow_identifiers
        # Sentences already reported as holding an identifier (a table row gives many cards).
        self.identified: set[str] = set()
        self.text = text
        self.fallback_tag = slug(path.stem)
        self.procedure: str | None = None
        # Bullet items already asked as a list, by block index.
        self.listed: set[int] = set()
        self.aliases: dict[str, tuple[str, ...]] = {}

    def read_block(
        self,
        block: Block,
        sentences: list[Sentence],
        blocks: list[Block],
        index: int,
        kept: list[_Kept],
        drops: list[Drop],
    ) -> None:
        if not sentences:
            return
        section = heading_topic(block.headings)
        if block.kind == "table":
            self._read_table(block, section, kept, drops)
            return
        subject = None
        if block.kind == "paragraph":
            first = sentences[0].text
            subject = sentence_subject(first) or frequent_term(
                block.text,
                [
                    *quoted_terms(first),
                    *(first[a:b] for _, a, b in rare_terms(first) if " " in first[a:b]),
                ],
            )
        # A Markdown heading names the subject of its section; plain text has only sentences.
        topic = section or subject
        if block.kind == "paragraph" or self.procedure is None:
            self.procedure = topic if topic and _PROCEDURE_SUFFIX.search(topic) else None
        tags = tuple(dict.fromkeys(slug(t) for t in (section or topic or self.fallback_tag,)))
        if index in self.listed:
            return
        if block.kind == "bullet" and _starts_list(blocks, index):
            self._read_list(blocks, index, section, tags, kept, drops)
            if index in self.listed:
                return
        aliases = self._aliases(topic)
        antecedent: str | None = None
        bold = _BOLD_LEAD.match(block.text) if block.kind == "bullet" else None
        defined = clean_markup(bold.group("term")) if bold else None
        for sentence in sentences:
            named = PROCEDURE_NAME.search(sentence.text)
            context = Context(
                topic=topic,
                procedure=self.procedure,
                headings=block.headings,
                aliases=aliases,
                antecedent=antecedent,
                defined=defined,
            )
            defined = None
            resolved = self._read_sentence(sentence, context, tags, kept, drops)
            if named:
                self.procedure = named.group("name")
            # What "It" names in the next sentence: this one's subject, read after its own
            # "It" was resolved ("" when it cannot be told).
            antecedent = sentence_subject(resolved or sentence.text) or ""

    def _aliases(self, topic: str | None) -> tuple[str, ...]:
        """The acronyms the material gives ``topic``: "Atrial fibrillation (AF)" gives AF."""
        if not topic:
            return ()
        if topic not in self.aliases:
            found = re.findall(
                rf"\b{re.escape(topic)}\s*\(([A-Z][A-Za-z0-9]{{1,7}})\)", self.text, re.IGNORECASE
            )
            self.aliases[topic] = tuple(
                dict.fromkeys(a for a in found if a[1:].isupper() or a.isupper())
            )
        return self.aliases[topic]

    def _read_sentence(
        self,
        sentence: Sentence,
        context: Context,
        tags: tuple[str, ...],
        kept: list[_Kept],
        drops: list[Drop],
    ) -> str | None:
        """Propose and gate the cards of one sentence; the sentence with its "It" resolved
        (None when it was dropped before that)."""
        if self._holds_identifier(sentence.raw, drops):
            return None
        reason = gates.sentence_drop(sentence.text, context.topic is not None)
        if reason:
            drops.append(Drop(reason, self.cited, sentence.raw))
            return None
        text = resolve(sentence.text, context.topic, context.procedure, context.antecedent)
        if text is None:
            drops.append(
                Drop(
                    "leans on text around it: what it refers to cannot be told",
                    self.cited,
                    sentence.raw,
                )
            )
            return None
        text = attributed(agree(text))
        proposed_any = passed_any = False
        # "A; it can B": each independent clause states its own fact and is read alone.
        for number, clause in enumerate(clauses(text)):
            if number and re.search(r"\bit\s+(?:is|was)\b", clause, re.IGNORECASE):
                # "...; in children it is minimal change disease": "it" is the clause before.
                drops.append(Drop("a clause that leans on 'it'", self.cited, sentence.raw))
                continue
            if gates.is_instruction(clause):
                proposed = numbers(clause, sentence, context)
            else:
                proposed = [c for pattern in PATTERNS for c in pattern(clause, sentence, context)]
            passed = self._gate(proposed, text, tags, kept, drops)
            if (
                passed == 0
                and not gates.is_conversational(clause)
                and not gates.is_instruction(clause)
            ):
                passed = self._gate(FALLBACK(clause, sentence, context), text, tags, kept, drops)
            proposed_any = proposed_any or bool(proposed)
            passed_any = passed_any or passed > 0
        if not passed_any and not proposed_any:
            drops.append(
                Drop("no pattern applies and no rare term to ask", self.cited, sentence.raw)
            )
        return text

    def _gate(
        self,
        proposed: list[Candidate],
        source_text: str,
        tags: tuple[str, ...],
        kept: list[_Kept],
        drops: list[Drop],
    ) -> int:
        """Keep the candidates that pass the gates; ``source_text`` is the sentence with its
        anaphora resolved, so an answer may name what "It" stood for."""
        passed = 0
        for candidate in proposed:
            if self._holds_identifier(candidate.sentence.raw, drops):
                continue
            reason = gates.card_drop(candidate, source_text)
            if reason:
                drops.append(Drop(reason, self.cited, candidate.sentence.raw, candidate.question))
            else:
                kept.append(_Kept(candidate, self.cited, tags))
                passed += 1
        return passed

    def _holds_identifier(self, raw: str, drops: list[Drop]) -> bool:
        """Whether ``raw`` holds a likely patient identifier and must give no card; the
        report names its kind and shows the sentence with the identifier masked."""
        kinds = [] if self.allow_identifiers else identifiers.kinds_in(raw)
        if not kinds:
            return False
        if raw not in self.identified:
            self.identified.add(raw)
            kind = ", ".join(kinds)
            reason = f"likely patient identifier: {kind} (--allow-identifiers keeps it)"
            drops.append(Drop(reason, self.cited, identifiers.redact(raw)))
        return True

    def _read_table(
        self, block: Block, section: str | None, kept: list[_Kept], drops: list[Drop]
    ) -> None:
        """A Markdown table: a card per cell, asked by its row's first cell and its column
        header ("Hip fractures, intertrochanteric: usual treatment?" "Dynamic hip screw")."""
        rows = block.table_rows()
        if len(rows) < 2:
            return
        header = rows[0][1]
        tags = tuple(dict.fromkeys(slug(t) for t in (section or self.fallback_tag,)))
        for sentence, cells in rows[1:]:
            key = cells[0] if cells else ""
            asked = [
                (column, value)
                for column, value in zip(header[1:], cells[1:], strict=False)
                if column and value
            ]
            if not key or not asked:
                drops.append(
                    Drop("table row without a first cell or values", self.cited, sentence.raw)
                )
                continue
            about = f"{capitalise(section)}, {lower_first(key)}" if section else capitalise(key)
            candidates = [
                Candidate(
                    pattern="table",
                    type="basic",
                    sentence=sentence,
                    answers=(value,),
                    front=f"{about}: {lower_first(column)}?",
                    back=capitalise(value),
                    topic=section,
                )
                for column, value in asked
            ]
            self._gate(candidates, sentence.text, tags, kept, drops)

    def _read_list(
        self,
        blocks: list[Block],
        index: int,
        section: str | None,
        tags: tuple[str, ...],
        kept: list[_Kept],
        drops: list[Drop],
    ) -> None:
        """A bullet list of short items: one cloze per item and a card for the whole list."""
        items: list[Block] = []
        for block in blocks[index:]:
            if block.kind != "bullet" or block.headings != blocks[index].headings:
                break
            if block.indent != blocks[index].indent:
                if block.indent < blocks[index].indent:
                    break
                continue  # an item's own sub-list is read as a list of its own
            items.append(block)
        texts = [_item_text(i) for i in items]
        if not 2 <= len(texts) <= 12 or any(
            not t or len(words(t)) > gates.MAX_LIST_ITEM_WORDS for t in texts
        ):
            return
        line_start = self.text.rfind("\n", 0, items[0].start) + 1
        numbered = bool(re.match(r"\s*\d{1,3}[.)]", self.text[line_start : items[0].start]))
        labelled = _list_label(blocks, index, section, len(texts), numbered)
        if labelled is None:
            return
        prefix, question = labelled
        raw = self.text[items[0].start : items[-1].end]
        sentence = Sentence(text="; ".join(texts), raw=raw, start=items[0].start, end=items[-1].end)
        # Items with commas of their own ("drugs, such as A and B") are kept apart by ";".
        separator = "; " if any("," in t for t in texts) else ", "
        body = f"{prefix}: " + separator.join(
            f"{{{{c{n}::{t}}}}}" for n, t in enumerate(texts, start=1)
        )
        whole = Candidate(
            pattern="list-whole",
            type="basic",
            sentence=sentence,
            answers=tuple(texts),
            front=question,
            back=capitalise("; ".join(texts)),
            topic=section,
        )
        per_item = Candidate(
            pattern="list-item",
            type="cloze",
            sentence=sentence,
            answers=tuple(texts),
            text=body,
            topic=section,
        )
        if self._gate([per_item, whole], sentence.text, tags, kept, drops):
            self.listed.update(range(index, index + len(items)))
            # A number in an item is a fact of its own ("operate within 36 hours"): the
            # list asks the item whole, so its numbers get a card each too.
            context = Context(topic=section, headings=blocks[index].headings)
            for item in items:
                for said in item.sentences():
                    self._gate(numbers(said.text, said, context), said.text, tags, kept, drops)


_BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)(?P<term>[^*_\n]{2,60})(?:\*\*|__)")


def _item_text(item: Block) -> str:
    """A bullet item as a list answer: no final punctuation, a lower-case first word."""
    text = re.sub(r"[.;,]$", "", " ".join(s.text for s in item.sentences()))
    return lower_first(text)


def _starts_list(blocks: list[Block], index: int) -> bool:
    before = blocks[index - 1] if index else None
    return (
        before is None
        or before.kind != "bullet"
        or before.headings != blocks[index].headings
        or before.indent < blocks[index].indent  # a sub-list under its item
        or _introduces(before)
    )


def _introduces(block: Block) -> bool:
    """Whether ``block`` introduces a list: a paragraph or an item ending in a colon."""
    return block.kind in ("paragraph", "bullet") and block.text.rstrip().endswith(":")


# An intro that says when, not what: "Within one hour of recognition:" before the steps.
_ADVERBIAL_INTRO = re.compile(
    r"^(?:within|during|after|before|in|at|on|by|from|once|when|if|then|first)\b", re.I
)


def _list_label(
    blocks: list[Block], index: int, section: str | None, count: int, numbered: bool
) -> tuple[str, str] | None:
    """What a list's cloze begins with and how its whole-list card asks for it, from the
    paragraph that introduces it or the heading above it; None when neither says.

    "Risk factors for gout include:" lists some ("Name 3 risk factors for gout."); a
    heading "Symptoms" under "Gout" lists them all ("Name the 3 symptoms of gout."); an
    intro that only says when ("Within one hour:") leaves the naming to the heading.
    """
    if index > 0 and (blocks[index - 1].kind == "paragraph" or _introduces(blocks[index - 1])):
        intro = blocks[index - 1].text.strip()
        match = re.search(
            r"([^.:!?]+?)(?:\s+(include|includes|are|is|can be))?\s*:\s*$", intro, re.IGNORECASE
        )
        if match and _ADVERBIAL_INTRO.match(match.group(1).strip()):
            if not section:
                return None
            when = lower_first(match.group(1).strip())
            prefix = f"{capitalise(section)} ({when})"
            return prefix, f"{prefix}: name the {count} {'steps' if numbered else 'items'}."
        if match:
            label = re.sub(
                r"^(?:the\s+)?(?:main\s+|common\s+|typical\s+)?", "", match.group(1), flags=re.I
            )
            partial = (match.group(2) or "").lower().startswith("include")
            if not label:
                return None
            label = label[0].lower() + label[1:]
            if section and not {w.rstrip("s") for w in content_words(section)} <= {
                w.rstrip("s") for w in content_words(label)
            }:
                label = f"{label} of {section}"  # "Extra-articular features:" under AS
            if numbered:  # "Management of a hip fracture:" then 1., 2., 3.: its steps
                return capitalise(label), f"{capitalise(label)}: name the {count} steps."
            front = f"Name {count} {label}." if partial else f"Name the {count} {label}."
            return capitalise(label), front
    headings = blocks[index].headings
    if headings:
        aspect = headings[-1].strip().rstrip(":")
        if aspect.lower() in ASPECT_HEADINGS or all(w in ASPECT_HEADINGS for w in words(aspect)):
            label = f"{aspect.lower()} of {section}" if section else aspect.lower()
            return capitalise(label), f"Name the {count} {label}."
    return None


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
