"""`study class` as a tutor reads it in an 80-column terminal."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from study.services.class_render import render_class
from study.services.class_stats import ClassCard, ClassReport
from study.services.stats import Retention


def _shown(report: ClassReport, width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(render_class(report, width))
    return console.export_text()


def test_the_hardest_cards_keep_their_figures_readable_at_80_columns() -> None:
    card = ClassCard(
        card_id="spinal-laminectomy-2911008e",  # as long as the bundled deck's ids
        deck_id="spine-and-hip",
        question="What is the aim of a spinal laminectomy in a patient with stenosis?",
        learners=3,
        retention=Retention(reviews=8, passed=5),
        lapses=2,
    )
    report = ClassReport(date(2026, 12, 7), 30, (), (card,), ())
    for width in (80, 120):
        table = _shown(report, width).split("Hardest cards")[1]
        header, row = table.splitlines()[1], table.splitlines()[3]
        # at 80 columns the figures' headers and the retention were cut to "…"
        assert header.split()[-3:] == ["learners", "retention", "lapses"], header
        assert row.split()[-3:] == ["3", "62%", "2"], row
        assert card.card_id in row and "What is the aim" in row
        assert max(len(line) for line in table.splitlines()) <= width


def test_a_retention_of_too_few_reviews_to_rank_by_is_shown_apart() -> None:
    def card(card_id: str, reviews: int, passed: int) -> ClassCard:
        return ClassCard(card_id, "d", f"Question {card_id}?", 2, Retention(reviews, passed), 1)

    # class_report ranks by retention only from 3 reviews: the 2-review card comes last
    report = ClassReport(date(2026, 12, 7), 30, (), (card("a", 4, 3), card("b", 2, 1)), ())
    table = _shown(report, 80).split("Hardest cards")[1]
    rows = {line.split()[0]: line for line in table.splitlines() if line.startswith(("a ", "b "))}
    assert rows["a"].split()[-2] == "75%"
    # it showed 50% below 75% in a list said to be ordered by retention
    assert rows["b"].split()[-2] == "(50%)"
    assert "(…) fewer than 3 reviews" in table
