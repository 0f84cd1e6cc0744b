"""The model's attribute rules, applied by dictionary lookups instead of spaCy's Matcher.

The model's ``attribute_ruler`` sets each token's part of speech and morphology from its
tag, and a few lemma and part-of-speech exceptions ("ca" -> "can", "but" as an adverb).
spaCy runs its 179 rules through the general Matcher, which took about a quarter of the
parse of a long document. Every rule is a one- or two-token pattern on TAG, LOWER, DEP and
IS_SPACE, so ``AttributeRules`` reads the loaded ruler's own rules, finds the ones that
can match a token by its tag, lower-case form or whitespace, and writes their attributes
in the ruler's order with the ruler's own writer: the annotations are identical
(tests/cardgen/test_parser.py compares both on the judged passages). A model whose rules
use anything else keeps spaCy's ruler (``compile_rules`` returns None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc, Token

Check = Callable[["Token"], bool]

_FIELDS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}


@dataclass(frozen=True)
class _Rule:
    number: int  # the ruler's rule number: later rules win
    tokens: tuple[tuple[Check, ...], ...]  # the checks of each token of the pattern
    index: int  # which token of a match gets the attributes


class AttributeRules:
    """The ruler's rules, indexed by what a first token must be."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.attrs = ruler.attrs
        self.by_tag_and_lower: dict[tuple[str, str], list[_Rule]] = {}
        self.by_tag: dict[str, list[_Rule]] = {}
        self.by_lower: dict[str, list[_Rule]] = {}
        self.by_dep: dict[str, list[_Rule]] = {}
        self.on_space: list[_Rule] = []
        self.anywhere: list[_Rule] = []

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs

        found: list[tuple[int, int]] = []
        length = len(doc)
        none: tuple[_Rule, ...] = ()
        for token in doc:
            tag, lower = token.tag_, token.lower_
            for rule in (
                *self.by_tag_and_lower.get((tag, lower), none),
                *self.by_tag.get(tag, none),
                *self.by_lower.get(lower, none),
                *self.by_dep.get(token.dep_, none),
                *(self.on_space if token.is_space else none),
                *self.anywhere,
            ):
                if _matches(rule, doc, token.i, length):
                    found.append((rule.number, token.i + rule.index))
        for number, at in sorted(found):
            set_token_attrs(doc[at], self.attrs[number])
        return doc

    def add(self, rule: _Rule, first: dict[str, Any]) -> None:
        """File ``rule`` under the most telling lookup its first token's pattern allows."""
        tags, lowers, deps = (_exact(first.get(field)) for field in ("TAG", "LOWER", "DEP"))
        if tags and lowers:
            for pair in ((tag, lower) for tag in tags for lower in lowers):
                self.by_tag_and_lower.setdefault(pair, []).append(rule)
        elif tags or lowers or deps:
            index = self.by_tag if tags else self.by_lower if lowers else self.by_dep
            for value in tags or lowers or deps:
                index.setdefault(value, []).append(rule)
        elif first.get("IS_SPACE") is True:
            self.on_space.append(rule)
        else:
            self.anywhere.append(rule)


def _matches(rule: _Rule, doc: Doc, start: int, length: int) -> bool:
    if start + len(rule.tokens) > length:
        return False
    return all(
        all(check(doc[at]) for check in checks) for at, checks in enumerate(rule.tokens, start)
    )


def _exact(value: Any) -> tuple[str, ...]:
    """The values a pattern's attribute must take, when it names them."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict) and set(value) == {"IN"}:
        return tuple(value["IN"])
    return ()


def compile_rules(ruler: AttributeRuler) -> AttributeRules | None:
    """The ruler's rules as lookups, or None when one of them is of another shape."""
    compiled = AttributeRules(ruler)
    rules: list[dict[str, Any]] = list(ruler.patterns)
    for number, rule in enumerate(rules):
        index: int = rule.get("index", 0)
        pattern: list[dict[str, Any]]
        for pattern in rule["patterns"]:
            tokens = [_checks(spec) for spec in pattern]
            if not pattern or not -len(pattern) <= index < len(pattern):
                return None
            checks = tuple(t for t in tokens if t is not None)
            if len(checks) < len(tokens):
                return None
            compiled.add(_Rule(number, checks, index % len(pattern)), pattern[0])
    return compiled


def _checks(spec: dict[str, Any]) -> tuple[Check, ...] | None:
    """One check per attribute of a token pattern, or None for a pattern of another shape."""
    checks: list[Check] = []
    for field, value in spec.items():
        name = _FIELDS.get(field)
        if name is None:
            return None
        check = _check(name, value)
        if check is None:
            return None
        checks.append(check)
    return tuple(checks)


def _check(name: str, value: Any) -> Check | None:
    if isinstance(value, bool):
        return lambda token: bool(getattr(token, name)) is value
    if isinstance(value, str):
        return lambda token: bool(getattr(token, name) == value)
    if isinstance(value, dict) and len(value) == 1:
        ((operator, operand),) = value.items()
        if operator == "IN":
            members = frozenset(operand)
            return lambda token: getattr(token, name) in members
        if operator == "NOT_IN":
            excluded = frozenset(operand)
            return lambda token: getattr(token, name) not in excluded
        if operator == "REGEX":
            pattern = re.compile(operand)
            return lambda token: pattern.search(getattr(token, name)) is not None
    return None
