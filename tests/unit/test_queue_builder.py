"""The queue builder on plain rows, no database: gathering, limits, sibling burying,
reading only what it needs, and the home screen's counts agreeing with the plan."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from study.domain.config import DeckLimits, Settings
from study.domain.queue_builder import (
    Counts,
    DeckScope,
    DueRow,
    NewRow,
    Pending,
    build_plan,
    count_available,
    spread,
)
from study.domain.review_log import ReviewKind

TODAY = date(2026, 3, 2)
NO_DONE: dict[ReviewKind, dict[str, int]] = {ReviewKind.NEW: {}, ReviewKind.REVIEW: {}}


@dataclass
class Rows:
    """Rows as the store returns them, with a count of the rows read."""

    drill_rows: list[DueRow] = field(default_factory=list)
    due_rows: list[DueRow] = field(default_factory=list)  # due order, drills included
    new_rows: list[NewRow] = field(default_factory=list)  # file order
    scope: set[str] | None = None
    read: int = 0

    def _mine(self, deck_id: str) -> bool:
        return self.scope is None or deck_id in self.scope

    def _count(self, rows: list[Any]) -> Iterator[Any]:
        for row in rows:
            self.read += 1
            yield row

    def drills(self) -> Iterator[DueRow]:
        yield from ((c, d) for c, d in self.drill_rows if self._mine(d))

    def due(self) -> Iterator[DueRow]:
        yield from self._count([r for r in self.due_rows if self._mine(r[1])])

    def new_in(self, deck_ids: list[str]) -> Iterator[NewRow]:
        rows = [r for r in self.new_rows if r[1] in deck_ids and self._mine(r[1])]
        yield from self._count(rows)


def _settings(new: int, reviews: int, bury: bool = True, **decks: DeckLimits) -> Settings:
    return Settings(new_per_day=new, reviews_per_day=reviews, bury_siblings=bury, deck_limits=decks)


def _kinds(plan_main: list[Pending]) -> list[tuple[str, ReviewKind]]:
    return [(p.card_id, p.kind) for p in plan_main]


def test_drills_come_first_and_are_not_due_again() -> None:
    rows = Rows(drill_rows=[("d1", "a")], due_rows=[("d1", "a"), ("r1", "a")])
    plan = build_plan(rows, _settings(0, 10), DeckScope(), {"a": "A"}, NO_DONE, TODAY)
    assert plan.drills == ["d1"]
    assert _kinds(plan.main) == [("r1", ReviewKind.REVIEW)]


def test_the_due_pile_is_read_only_until_every_deck_has_its_limit() -> None:
    rows = Rows(due_rows=[(f"r{i}", "a") for i in range(10_000)])
    plan = build_plan(rows, _settings(0, 3), DeckScope(), {"a": "A"}, NO_DONE, TODAY)
    assert [p.card_id for p in plan.main] == ["r0", "r1", "r2"]
    assert rows.read <= 4


def test_a_full_parent_deck_holds_back_its_children() -> None:
    decks = {"p": "P", "c": "P::C"}
    rows = Rows(due_rows=[("c1", "c"), ("c2", "c"), ("p1", "p"), ("c3", "c")])
    settings = _settings(0, 5, p=DeckLimits(reviews_per_day=2))  # by deck id
    plan = build_plan(rows, settings, DeckScope(), decks, NO_DONE, TODAY)
    assert [p.card_id for p in plan.main] == ["c1", "c2"]
    done = {ReviewKind.NEW: {}, ReviewKind.REVIEW: {"c": 1}}
    plan = build_plan(rows, settings, DeckScope(), decks, done, TODAY)
    assert [p.card_id for p in plan.main] == ["c1"]


def test_one_new_card_of_a_note_a_day_when_siblings_are_buried() -> None:
    rows = Rows(new_rows=[("n1c1", "a", "n1"), ("n1c2", "a", "n1"), ("n2c1", "a", "n2")])
    bury = build_plan(rows, _settings(5, 0), DeckScope(), {"a": "A"}, NO_DONE, TODAY)
    assert [p.card_id for p in bury.main] == ["n1c1", "n2c1"]
    keep = build_plan(rows, _settings(5, 0, bury=False), DeckScope(), {"a": "A"}, NO_DONE, TODAY)
    assert [p.card_id for p in keep.main] == ["n1c1", "n1c2", "n2c1"]


def test_new_cards_come_deck_by_deck_in_name_order_and_stop_at_the_limit() -> None:
    decks = {"b": "B", "a": "A"}  # in name order as the store reads them: A first
    decks = dict(sorted(decks.items(), key=lambda item: item[1]))
    rows = Rows(new_rows=[("b1", "b", "nb1"), ("a1", "a", "na1"), ("a2", "a", "na2")])
    plan = build_plan(rows, _settings(1, 0), DeckScope(), decks, NO_DONE, TODAY)
    assert [p.card_id for p in plan.main] == ["a1", "b1"]
    assert rows.read == 2  # one row of each deck: each stops at its limit


def test_a_deck_out_of_scope_is_not_read() -> None:
    rows = Rows(new_rows=[("a1", "a", "n1"), ("b1", "b", "n2")], scope={"b"})
    plan = build_plan(rows, _settings(5, 5), DeckScope(["b"]), {"a": "A", "b": "B"}, NO_DONE, TODAY)
    assert [p.card_id for p in plan.main] == ["b1"]


@given(
    due=st.lists(st.integers(0, 99), max_size=30, unique=True),
    new=st.lists(st.integers(100, 199), max_size=30, unique=True),
)
def test_spread_keeps_every_card_and_both_orders(due: list[int], new: list[int]) -> None:
    pending_due = [Pending(str(i), ReviewKind.REVIEW) for i in due]
    pending_new = [Pending(str(i), ReviewKind.NEW) for i in new]
    merged = spread(pending_due, pending_new)
    assert sorted(p.card_id for p in merged) == sorted(p.card_id for p in pending_due + pending_new)
    assert [p for p in merged if p.kind == ReviewKind.REVIEW] == pending_due
    assert [p for p in merged if p.kind == ReviewKind.NEW] == pending_new


DECK_NAMES = ["A", "A::B", "A::B::C", "A::D", "E", "E::F"]


@st.composite
def collections(
    draw: st.DrawFn,
) -> tuple[Rows, Settings, dict[str, str], dict[ReviewKind, dict[str, int]]]:
    names = sorted(draw(st.sets(st.sampled_from(DECK_NAMES), min_size=1)))
    decks = {f"d{i}": name for i, name in enumerate(names)}
    ids = list(decks)
    cards = draw(st.lists(st.tuples(st.sampled_from(ids), st.integers(0, 5)), max_size=40))
    rows = Rows()
    for i, (deck_id, note) in enumerate(cards):
        card_id = f"c{i}"
        kind = draw(st.sampled_from(["new", "due", "drill"]))
        if kind == "new":
            rows.new_rows.append((card_id, deck_id, f"{deck_id}-n{note}"))
        else:
            rows.due_rows.append((card_id, deck_id))
            if kind == "drill":
                rows.drill_rows.append((card_id, deck_id))
    rows.due_rows = draw(st.permutations(rows.due_rows))
    limits = st.integers(0, 6)
    overrides = {
        name: DeckLimits(new_per_day=draw(limits), reviews_per_day=draw(limits))
        # by deck id, or by name for a parent that is only a name prefix
        for name in draw(st.sets(st.sampled_from(ids + DECK_NAMES)))
    }
    settings = Settings(
        new_per_day=draw(limits),
        reviews_per_day=draw(limits),
        bury_siblings=draw(st.booleans()),
        deck_limits=overrides,
    )
    done = {
        kind: {d: draw(st.integers(0, 3)) for d in draw(st.sets(st.sampled_from(ids)))}
        for kind in (ReviewKind.NEW, ReviewKind.REVIEW)
    }
    return rows, settings, decks, done


@given(collections())
def test_the_counting_sink_counts_what_a_plan_of_each_deck_tree_line_holds(
    collection: tuple[Rows, Settings, dict[str, str], dict[ReviewKind, dict[str, int]]],
) -> None:
    """The home screen's counts (per deck, capped, then the limits above applied) give
    for every line of the deck tree what a plan of that line holds."""
    rows, settings, decks, done = collection
    counts = count_available(rows, settings, decks, done)
    # Every line of the deck tree: each deck, and each parent that is only a name prefix.
    lines = {"::".join(name.split("::")[:i]) for name in decks.values() for i in (1, 2, 3)}
    for name in lines:
        line = [d for d, other in decks.items() if other == name or other.startswith(name + "::")]
        scoped = Rows(rows.drill_rows, rows.due_rows, rows.new_rows, scope=set(line))
        plan = build_plan(scoped, settings, DeckScope(line), decks, done, TODAY)
        assert counts.of(line) == Counts(
            new=sum(p.kind == ReviewKind.NEW for p in plan.main),
            learning=len(plan.drills),
            due=sum(p.kind == ReviewKind.REVIEW for p in plan.main),
        ), name
