"""What the review screen draws: the card, the grade panel, the end of a sitting and the
message line, from a :class:`View` the session gives. :class:`ReviewDisplay` is the base
of :class:`study.tui.screens.review.ReviewScreen`, which loads, takes keys and grades."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from study.domain.cards import CardContent, printable
from study.services.queue import Counts, GradePreview
from study.tui.host import error_message
from study.tui.widgets.card_text import literal, question_content
from study.tui.widgets.footer import StudyFooter
from study.tui.widgets.grade_bar import GradeBar
from study.tui.widgets.session_counts import (
    SessionCounts,
    duration,
    extra_today,
    held_back,
    more_label,
    plural,
)

if TYPE_CHECKING:
    from textual.timer import Timer

    from study.services.session import StudySession, Summary
    from study.tui.host import StudyHost

LOADING, QUESTION, ANSWER, END = "loading", "question", "answer", "end"
COMPACT = 30  # below this many lines the grade panel takes two lines, not six
CARD_PHASES = (QUESTION, ANSWER)


@dataclass(frozen=True)
class View:
    """What the core says the screen should show now (read in a thread)."""

    card: CardContent | None
    kind: str | None
    counts: Counts
    previews: dict[int, GradePreview]
    summary: Summary | None
    today: date


def day_phrase(day: date | None, today: date) -> str:
    """``tomorrow (Tue 3 Mar)``, ``in 5 days (Sat 7 Mar)``, ``today``."""
    if day is None:
        return "no cards are scheduled"
    days = (day - today).days
    when = f"{day:%a} {day.day} {day:%b %Y}"
    if days <= 0:
        return "today"
    if days == 1:
        return f"tomorrow ({when})"
    return f"in {days} days ({when})"


class ReviewDisplay(Screen[None]):
    """The review screen's widgets and how it draws what the session says."""

    def __init__(self, *, cram: bool, title: str | None) -> None:
        super().__init__()
        self.cram = cram
        self.title_text = title or ""  # found from the scope when the session starts
        self.session: StudySession | None = None
        self.phase = LOADING
        self.busy = False
        self.view: View | None = None
        self.shown_at = 0.0
        self.message_timer: Timer | None = None

    @property
    def study_app(self) -> StudyHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="review-top"):
            mode = "Cram" if self.cram else "Review"
            yield Static(Content.styled(mode, "bold $text-accent"), id="review-title")
            yield SessionCounts("", id="review-counts")
        with VerticalScroll(id="review-card"):
            yield Static("Loading…", id="question")
            yield Static("", id="answer")
            yield Static("", id="end")
        yield Static("", id="review-message")
        yield Static("", id="scroll-hint")
        yield Static("", id="reveal-hint")
        with Center(id="grades-row"):  # under the card, centred like it
            yield GradeBar(id="grades")
        yield StudyFooter()

    def _show_title(self) -> None:
        mode = "Cram" if self.cram else "Review"
        self.query_one("#review-title", Static).update(
            Content.assemble(
                (f"{mode} ", "bold $text-accent"),
                printable(self.title_text),
                (self.study_app.profile_label(), "bold"),
            )
        )

    def _read_view(self) -> View:
        """Ask the session what to show (runs in a thread)."""
        session = self.session
        assert session is not None
        card = session.current()
        return View(
            card=card,
            kind=session.current_kind,
            counts=session.counts(),
            previews=session.preview() if card else {},
            summary=None if card else session.summary(),
            today=session.today,
        )

    def _fail(self, error: BaseException) -> None:
        self.phase = END
        self.busy = False
        self._show_title()
        self._set_card_visible(False)
        end = self.query_one("#end", Static)
        end.update(
            Content.assemble(
                ("This session cannot start.\n\n", "bold $text-error"),
                error_message(error),
                ("\n\nEscape: back to the decks", "$text-muted"),
            )
        )
        end.display = True
        self.refresh_bindings()

    def _show(self, view: View) -> None:
        self.view = view
        counts = view.counts
        self.query_one("#review-counts", SessionCounts).show(
            counts.new, counts.learning, counts.due
        )
        if view.card is None:
            self._show_end(view)
        else:
            self.phase = QUESTION
            self._set_card_visible(True)
            self.query_one("#end").display = False
            self._render_card(view.card, reveal=False)
            self.query_one("#review-card", VerticalScroll).scroll_home(animate=False)
            self.shown_at = self.study_app.timer()
        self.refresh_bindings()

    def say(
        self,
        message: str,
        *,
        title: str = "",
        severity: Literal["information", "warning", "error"] = "information",
        timeout: float = 6.0,
    ) -> None:
        """Show a message on the line under the card, as literal text, for ``timeout``
        seconds. A toast would cover the question (at the top) or the grades (at the
        bottom) while the learner reads them."""
        line = self.query_one("#review-message", Static)
        style = {"information": "$text-accent", "warning": "$text-warning"}.get(
            severity, "$text-error"
        )
        parts = [Content.styled(f"{title}: ", f"bold {style}")] if title else []
        line.update(Content.assemble(*parts, Content.styled(message, style)))
        line.display = True
        if self.message_timer is not None:
            self.message_timer.stop()
        self.message_timer = self.set_timer(timeout, self._clear_message)

    def _clear_message(self) -> None:
        self.query_one("#review-message").display = False
        self.message_timer = None

    def _set_card_visible(self, visible: bool) -> None:
        self.query_one("#scroll-hint").display = False
        self.query_one("#question").display = visible
        self.query_one("#answer").display = False
        self.query_one("#grades").display = False
        self.query_one("#reveal-hint").display = visible

    def _render_card(self, card: CardContent, *, reveal: bool) -> None:
        question = self.query_one("#question", Static)
        question.update(question_content(card, reveal=reveal))
        kind = self.view.kind if self.view else None
        question.border_subtitle = kind_label(kind)
        answer = self.query_one("#answer", Static)
        hint = self.query_one("#reveal-hint", Static)
        grades = self.query_one("#grades", GradeBar)
        if not reveal:
            answer.display = grades.display = False
            hint.display = True
            hint.update(
                Content.assemble(
                    (" space ", "bold reverse"), " show the answer", ("   then grade 0-5", "dim")
                )
            )
            return
        parts: list[Content] = []
        if card.type != "cloze":
            parts.append(literal(card.answer))
        if card.extra:
            if parts:
                parts.append(Content("\n\n"))
            parts.append(literal(card.extra))
        if card.note:
            if parts:
                parts.append(Content("\n\n"))
            parts.append(Content.assemble(("Note: ", "bold $text-muted"), literal(card.note)))
        answer.display = bool(parts)
        answer.update(Content("").join(parts) if parts else Content(""))
        hint.display = False
        grades.display = True
        grades.show(self.view.previews if self.view else {}, compact=self.size.height < COMPACT)
        self.call_after_refresh(self._scroll_hint)

    def _scroll_hint(self) -> None:
        """Say when the card goes on below (or above) what the screen shows."""
        card = self.query_one("#review-card", VerticalScroll)
        hint = self.query_one("#scroll-hint", Static)
        below = card.scroll_y < card.max_scroll_y
        above = card.scroll_y > 0
        hint.display = self.phase in CARD_PHASES and (below or above)
        if below:
            hint.update(
                Content.styled("▼ more below: ↓ / PgDn scrolls the card", "bold $text-warning")
            )
        elif above:
            hint.update(Content.styled("▲ the start is above: ↑ / PgUp", "$text-muted"))

    def action_scroll_card(self, lines: int) -> None:
        card = self.query_one("#review-card", VerticalScroll)
        card.scroll_to(y=card.scroll_y + lines, animate=False)

    def _show_end(self, view: View) -> None:
        self.phase = END
        self._set_card_visible(False)
        from study.services.session import Summary

        summary = view.summary or Summary(0, 0, 0, None)
        end = self.query_one("#end", Static)
        next_due = day_phrase(summary.next_due, view.today)
        held = held_back(summary.waiting)
        more = self.more_today()
        parts: list[str | tuple[str, str]] = []
        if summary.studied:
            answers = ""
            if summary.answers != summary.studied:
                answers = f" ({summary.answers} answers with drills)"
            parts += [
                ("Session over\n\n", "bold $text-success"),
                ("Studied  ", "$text-muted"),
                (f"{plural(summary.studied, 'card')}{answers}\n", "bold"),
                ("Correct  ", "$text-muted"),
                (f"{summary.correct_percent:.0f}%\n", "bold"),
                ("Time     ", "$text-muted"),
                (f"{duration(summary.time_ms)}\n", "bold"),
                ("Next     ", "$text-muted"),
                (
                    f"cards due {next_due}\n" if summary.next_due else "nothing is scheduled\n",
                    "bold",
                ),
            ]
        else:
            what = "to cram" if self.cram else "due now"
            parts.append((f"Nothing {what} in {self.title_text}.\n", "bold"))
            if summary.next_due:
                parts.append(f"\nThe next cards are due {next_due}.\n")
            elif summary.waiting.suspended:
                parts.append(
                    f"\nIts {plural(summary.waiting.suspended, 'card')} "
                    f"{'is' if summary.waiting.suspended == 1 else 'are'} suspended: "
                    "unsuspend them in Browse (b on the home screen, then S).\n"
                )
            elif not held:
                parts.append(
                    "\nThere are no cards to study here: import a deck from the home screen.\n"
                )
        if held:
            parts += [("\nDaily limit reached: ", "bold $text-warning"), f"{held} wait.\n"]
        keys = "Escape: back to the decks   u: undo"
        if more:
            keys += f"\nm: {more}"
        parts.append((f"\n{keys}", "$text-muted"))
        end.update(Content.assemble(*parts))
        end.display = True

    def more_today(self) -> str:
        """What m would do at the end of the sitting ("" when nothing waits)."""
        if self.view is None or self.view.summary is None or self.cram:
            return ""
        extra = extra_today(self.view.summary.waiting, self.study_app.workspace.settings)
        return more_label(*extra)


def kind_label(kind: str | None) -> str:
    return {
        "new": "new card",
        "review": "review",
        "drill": "again: drill",
        "cram": "cram (schedule unchanged)",
    }.get(kind or "", "")
