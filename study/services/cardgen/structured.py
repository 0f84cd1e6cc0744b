"""Cards from the material's own structure: Markdown tables and bullet or numbered lists.

A table gives a card per cell, asked by its row's first cell and its column's header; a
list of short items gives a cloze with a deletion per item and a card asking for the whole
list, named by the paragraph that introduces it or the heading above it.
"""

from __future__ import annotations

import re

from study.services.cardgen import gates
from study.services.cardgen.candidates import Candidate, Context, basic, cloze_card
from study.services.cardgen.clozes import number_cards
from study.services.cardgen.leads import Led, asked_once, introduces, led_sentences
from study.services.cardgen.notes import terse
from study.services.cardgen.phrases import listed_names
from study.services.cardgen.sentences import Block, Sentence
from study.services.cardgen.terms import content_words, words
from study.services.cardgen.topics import (
    ASPECT_HEADINGS,
    capitalise,
    heading_question,
    heading_relation,
    lower_first,
    section_label,
)

BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)(?P<term>[^*_\n]{2,60})(?:\*\*|__)")


def table_cards(block: Block, section: str | None) -> tuple[list[Candidate], list[Sentence]]:
    """A Markdown table: a card per cell, asked by its row's first cell and its column
    header ("Hip fractures, intertrochanteric: usual treatment?" "Dynamic hip screw"); and
    the rows that give no card."""
    rows = block.table_rows()
    if len(rows) < 2:
        return [], []
    header = rows[0][1]
    found: list[Candidate] = []
    empty: list[Sentence] = []
    for sentence, cells in rows[1:]:
        key = cells[0] if cells else ""
        asked = [
            (column, value)
            for column, value in zip(header[1:], cells[1:], strict=False)
            if column and value
        ]
        if not key or not asked:
            empty.append(sentence)
            continue
        about = f"{capitalise(section)}, {lower_first(key)}" if section else capitalise(key)
        found += [
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
    return found, empty


def list_items(blocks: list[Block], index: int) -> list[int]:
    """The indices of the items of the list that starts at ``blocks[index]`` (not its
    nested items)."""
    items: list[int] = []
    for at in range(index, len(blocks)):
        block = blocks[at]
        if block.kind != "bullet" or block.headings != blocks[index].headings:
            break
        if block.indent != blocks[index].indent:
            if block.indent < blocks[index].indent:
                break
            continue  # an item's own sub-list is read as a list of its own
        items.append(at)
    return items


def list_cards(
    text: str, blocks: list[Block], index: int, section: str | None
) -> tuple[list[Candidate], list[int]]:
    """A bullet list of short items: one cloze per item and a card for the whole list
    (the cards, and the indices of the items they ask); nothing when the list cannot be
    named."""
    indices = list_items(blocks, index)
    items = [blocks[i] for i in indices]
    full = [_item_text(i) for i in items]
    texts = [_named_part(i, t) for i, t in zip(items, full, strict=True)]
    # an item cut to what it names is read whole as well (its reason is asked there)
    cut = {at for at, t, w in zip(indices, texts, full, strict=True) if t != w}
    if not 2 <= len(texts) <= 12 or any(
        not t or len(words(t)) > gates.MAX_LIST_ITEM_WORDS for t in texts
    ):
        return [], []
    line_start = text.rfind("\n", 0, items[0].start) + 1
    numbered = bool(re.match(r"\s*\d{1,3}[.)]", text[line_start : items[0].start]))
    labelled = _list_label(blocks, index, section, len(texts), numbered)
    if labelled is None:
        return [], []
    prefix, question = labelled
    raw = text[items[0].start : items[-1].end]
    sentence = Sentence(text="; ".join(texts), raw=raw, start=items[0].start, end=items[-1].end)
    # Items with commas of their own ("drugs, such as A and B", or cut before one) are kept
    # apart by ";".
    separator = "; " if any("," in t for t in full) else ", "
    body = f"{prefix}{'' if prefix.endswith('?') else ':'} " + separator.join(
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
    found = [per_item, whole]
    # A number in an item is a fact of its own ("operate within 36 hours"): the list asks
    # the item whole, so its numbers get a card each too.
    context = Context(topic=section, headings=blocks[index].headings)
    for at, item, named in zip(indices, items, texts, strict=True):
        said = item.sentences()
        if at in cut:  # read whole as well: what it goes on to say, after what it names
            # (after the list's lead when the item finishes it: "see a GP if ...")
            found += _goes_on_card(led_sentences(blocks, at, said)[0], named, context)
            continue
        if not any(number_cards(s, context) for s in said):
            continue
        # read with the list's lead when the item finishes it: "see a GP if [...]" (a
        # parse of its own, so only for an item with a number)
        for sentence in led_sentences(blocks, at, said):
            found += asked_once(sentence, number_cards(sentence, context))
    return found, [at for at in indices if at not in cut]


# Where a list item goes on to say why or which ("Cardiogenic shock, because ...").
_ITEM_GOES_ON = re.compile(
    r",\s+(?:because|which|as|since|so|especially|although|but|as this|as it)\b"
)


def _named_part(item: Block, text: str) -> str:
    """An item too long for a list answer cut to what it names, before it goes on to say
    why or which ("cardiogenic shock, because ...") or what is done ("heart failure ...,
    added when ...": a participle after a comma); other items as they are."""
    if len(words(text)) <= gates.MAX_LIST_ITEM_WORDS:
        return text
    goes_on = _ITEM_GOES_ON.search(text)
    cut = goes_on.start() if goes_on else len(text)
    said = item.sentences()
    span = said[0].span if said else None
    start = span.start_char if span is not None else 0
    for token in span if span is not None else ():
        after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        # (a participle hung on the noun is tagged as a past tense as often as not)
        participle = after is not None and (
            (after.dep_ in ("acl", "advcl") and after.tag_ in ("VBN", "VBG"))
            or (after.dep_ == "acl" and after.tag_ == "VBD")
        )
        if token.text == "," and participle:
            cut = min(cut, token.idx - start)
            break
    return text[:cut] if words(text[:cut]) else text


def _goes_on_card(sentence: Sentence, named: str, context: Context) -> list[Candidate]:
    """A cut item's cloze on what it goes on to say ("heart failure with reduced ejection
    fraction, [added when symptoms persist despite first-line treatment]")."""
    start = (sentence.item if isinstance(sentence, Led) else 0) + len(named) + 1
    while start < len(sentence.text) and not sentence.text[start].isalnum():
        start += 1
    end = len(sentence.text.rstrip(" .;"))
    if not 0 < len(words(sentence.text[start:end])) <= gates.MAX_LIST_ITEM_WORDS:
        return []
    card = cloze_card("list-item", sentence, context, sentence.text, [(start, end)])
    return [card] if card else []


def _item_text(item: Block) -> str:
    """A bullet item as a list answer: no final punctuation, a lower-case first word."""
    text = re.sub(r"[.;,]$", "", " ".join(s.text for s in item.sentences()))
    return lower_first(text)


def _clause(block: Block, label: str) -> bool:
    """Whether the intro ``label`` is a clause ("Call 999 if your child", "Avoid in
    HFrEF", "Classified by LVEF") rather than a noun phrase ("Risk factors for AF")."""
    sentences = block.sentences()
    span = sentences[-1].span if sentences else None
    if span is None:
        return False
    first = next((t for t in span if t.is_alpha), None)
    verb_first = first is not None and (
        first.pos_ in ("VERB", "AUX") or first.tag_ in ("VB", "VBN") or first.lower_ == "if"
    )
    # "A pharmacist or GP may recommend": a subject and its verb ("Symptoms include" and
    # "The causes are" name the list: their verb is not in the label)
    said = any(
        t.dep_ in ("nsubj", "nsubjpass")
        and t.head.pos_ in ("VERB", "AUX")
        and t.head.lemma_ not in ("include", "be")
        for t in span
    )
    return (
        verb_first
        or said
        or any(t.lower_ in ("if", "you", "your") or t.text in ("→", "->", "=") for t in span)
        or label.rstrip().endswith(" of")  # "second line, one of:"
    )


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
    if index > 0 and (blocks[index - 1].kind == "paragraph" or introduces(blocks[index - 1])):
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
            label = re.sub(  # the intro's last sentence, without the space after its full stop
                r"^(?:the\s+)?(?:main\s+|common\s+|typical\s+)?",
                "",
                match.group(1).strip(),
                flags=re.I,
            )
            partial = (match.group(2) or "").lower().startswith("include")
            if not label:
                return None
            label = label[0].lower() + label[1:]
            if _clause(blocks[index - 1], label):
                # "Call 999 if your child:", "Avoid in HFrEF:": the intro is a clause,
                # which the list completes
                prefix = f"{capitalise(section)}, {label}" if section else capitalise(label)
                return prefix, f"{prefix}: name the {count}."
            if section and not {w.rstrip("s") for w in content_words(section)} <= {
                w.rstrip("s") for w in content_words(label)
            }:
                label = f"{label} of {section}"  # "Extra-articular features:" under AS
            if numbered:  # "Management of a hip fracture:" then 1., 2., 3.: its steps
                return capitalise(label), f"{capitalise(label)}: name the {count} steps."
            front = f"Name {count} {label}." if partial else f"Name the {count} {label}."
            return capitalise(label), front
    headings = blocks[index].headings
    if headings and section and headings[-1].rstrip().endswith("?"):
        # a leaflet's question heading is what its list answers
        asked = heading_question(headings[-1], section)
        named = re.match(r"(?:[^:?]+: )?what (?:are|is) the ([\w -]+)\?$", asked, re.I)
        if named:  # "What are the symptoms?": the symptoms of the topic
            label = f"{named.group(1)} of {section}"
            return capitalise(label), f"Name the {count} {label}."
        return asked, f"{asked} Name {count}."
    if headings:
        aspect = headings[-1].strip().rstrip(":")
        if aspect.lower() in ASPECT_HEADINGS or all(w in ASPECT_HEADINGS for w in words(aspect)):
            label = f"{aspect.lower()} of {section}" if section else aspect.lower()
            return capitalise(label), f"Name the {count} {label}."
    return None


# Where a list of names goes on to say why or which ("..., because of the risk of ...").
_GOES_ON = re.compile(
    r",?\s+(?:because|which|as|since|so|especially|except|unless|such as|including)\b|\s+\("
)
MAX_NAME_WORDS = 6


def with_heading_list(
    sentence: Sentence, context: Context, proposed: list[Candidate]
) -> list[Candidate]:
    """The cards of a sentence of names with no verb under a heading that says what they
    are ("Contraindications": "G6PD deficiency, infants under 3 months and pregnancy at
    term, because of the risk of haemolysis"): the heading's list, asked whole ("Name the
    3 contraindications of nitrofurantoin.") and a deletion per name, instead of the
    sentence's clozes on a piece of one name; ``proposed`` as it is for any other."""
    span = sentence.span
    relation = heading_relation(tuple(context.headings))
    topic = context.topic
    if span is None or relation is None or not topic or terse(sentence):
        return proposed
    kind = _one_of_heading(sentence, context)
    if kind is not None:  # which of the heading's things is what, not what it is
        return [kind, *(c for c in proposed if c.type != "cloze")]
    if span.root.pos_ in ("VERB", "AUX") or any(
        t.dep_ in ("nsubj", "nsubjpass", "expl")
        # "Promote sleep, and avoid catheters and restraint": instructions, not names
        or (t.tag_ == "VB" and t.dep_ == "conj" and t.head == span.root)
        for t in span
    ):
        return proposed
    text = sentence.text
    cut = _GOES_ON.search(text)
    head = text[: cut.start() if cut else len(text)].rstrip(" .;")
    items = listed_names(head, span)
    if len(items) < 2 or any(not 0 < len(words(i)) <= MAX_NAME_WORDS for i in items):
        return proposed
    names = [lower_first(i) for i in items]
    label = section_label(topic, context.headings)
    plural = re.search(r"[^s]s$", relation) and not relation.endswith(("is", "us"))
    if plural and all(w in ASPECT_HEADINGS for w in words(relation)):
        front = f"Name the {len(items)} {relation} of {topic}."
    else:
        front = f"{label}: name {len(items)}."
    whole = basic("label-list", sentence, context, front, "; ".join(names), *items)
    separator = "; " if any("," in n for n in names) else ", "
    each = Candidate(
        pattern="list-item",
        type="cloze",
        sentence=sentence,
        answers=tuple(items),
        text=f"{label}: "
        + separator.join(f"{{{{c{n}::{name}}}}}" for n, name in enumerate(names, start=1)),
        topic=topic,
    )
    within = [(text.find(i), text.find(i) + len(i)) for i in items]
    others = [
        c
        for c in proposed
        if c.type != "cloze"
        or not all(any(text.find(a.rstrip(". "), s, e) >= 0 for s, e in within) for a in c.answers)
    ]
    return [whole, each, *others]


def says_what_of_heading(sentence: Sentence, context: Context) -> bool:
    """Whether a sentence too short to stand alone says which of its heading's things is
    what ("Nausea is common." under "Adverse effects"): it is asked with the heading."""
    return _one_of_heading(sentence, context) is not None


def _one_of_heading(sentence: Sentence, context: Context) -> Candidate | None:
    """ "Nausea is common." under "Adverse effects" of nitrofurantoin: "Which adverse
    effect of nitrofurantoin is common?" "Nausea"; only a copula, a subject and an
    adjective, under a heading that is a plural noun of aspect words."""
    span = sentence.span
    relation = heading_relation(tuple(context.headings))
    topic = context.topic
    if span is None or relation is None or not topic:
        return None
    root = span.root
    if not re.search(r"[^s]s$", relation) or not all(w in ASPECT_HEADINGS for w in words(relation)):
        return None
    subjects = [c for c in root.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
    complements = [c for c in root.children if c.dep_ == "acomp" and c.pos_ == "ADJ"]
    rest = [c for c in root.children if c.dep_ not in ("nsubj", "acomp", "punct", "advmod")]
    if root.lemma_ != "be" or len(subjects) != 1 or len(complements) != 1 or rest:
        return None
    thing = "".join(t.text_with_ws for t in subjects[0].subtree).strip()
    said = "".join(t.text_with_ws for t in complements[0].subtree).strip()
    if len(words(thing)) > MAX_NAME_WORDS or subjects[0].lower_ in ("it", "this", "they"):
        return None
    one = relation[:-1] if root.lower_ == "is" else relation
    front = f"Which {one} of {topic} {root.lower_} {said}?"
    return basic("heading-one", sentence, context, front, capitalise(thing))
