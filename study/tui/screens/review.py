"""Review: one card at a time, graded 0-5, every grade saved before the next card shows.

The screen holds a :class:`study.session.StudySession` and calls it; database work runs
in a thread while the screen ignores grade keys, so a card is never graded twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from study.cards import CardContent, printable
from study.config import Settings
from study.queue import Counts, DeckScope, GradePreview
from study.sm2 import GRADE_MEANINGS
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

    from study.browse import BundledDeckError, Passage
    from study.first_card import FirstView
    from study.session import GradeOutcome, StudySession, Summary
    from study.tui.host import StudyHost
    from study.workspace import Workspace

LOADING, QUESTION, ANSWER, END = "loading", "question", "answer", "end"
COMPACT = 30  # below this many lines the grade panel takes two lines, not six
# What an undo took back, as the notification names it.
UNDONE = {
    "grade": "the last grade",
    "suspend": "the suspension",
    "bury": "the burying",
    "flag": "the flag",
    "unflag": "the unflagging (flagged again)",
    "edit": "the edit (the deck file is back as it was)",
}
CARD_PHASES = (QUESTION, ANSWER)


@dataclass(frozen=True)
class _View:
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


class ReviewScreen(Screen[None]):
    """Study the cards of a scope; Escape goes back home."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,enter", "reveal", "Show answer", key_display="space", show=False),
        *(
            Binding(str(g), f"grade({g})", f"Grade {g}", show=False, tooltip=GRADE_MEANINGS[g])
            for g in range(6)
        ),
        Binding("u", "undo", "Undo", tooltip="Undo the last grade, suspend, bury, flag or edit"),
        Binding("s", "suspend", "Suspend", tooltip="Never show this card until unsuspended"),
        Binding("b", "bury", "Bury", tooltip="Hide this card until tomorrow"),
        Binding("i", "source", "Source", tooltip="The passage this card came from"),
        Binding("f", "flag", "Flag", tooltip="Flag this card as wrong or unclear, or unflag it"),
        Binding("e", "edit", "Edit", tooltip="Edit this card in $EDITOR and re-import it"),
        Binding("escape", "leave", "Home", tooltip="Back to the deck list"),
        Binding("m", "more", "More today", tooltip="Daily limit reached: study more today"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
        Binding("down", "scroll_card(1)", "Scroll down", show=False),
        Binding("up", "scroll_card(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_card(8)", "Page down", show=False),
        Binding("pageup", "scroll_card(-8)", "Page up", show=False),
    ]

    def __init__(
        self,
        scope: DeckScope | None = None,
        *,
        cram: bool = False,
        title: str | None = None,
        first: FirstView | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.scope = scope or DeckScope()
        self.settings = settings  # raised limits for "study more today"; else the workspace's
        self.cram = cram
        self.title_text = title or ""  # found from the scope when the session starts
        self.first = first  # a card read before the workspace opened (study.first_card)
        self.session: StudySession | None = None
        self.ready = asyncio.Event()  # set once self.session is there
        self.handing_over = False  # showing `first`: reveal and one grade may go ahead
        self.phase = LOADING
        self.busy = False
        self.view: _View | None = None
        self.shown_at = 0.0
        self.announcement = ""
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

    def on_mount(self) -> None:
        card = self.query_one("#review-card", VerticalScroll)
        self.watch(card, "scroll_y", lambda _old, _new: self._scroll_hint(), init=False)
        self.query_one("#question").border_title = "Question"
        self.query_one("#answer").border_title = "Answer"
        self._start()

    # ------------------------------------------------------------ loading

    @work(group="review")
    async def _start(self) -> None:
        if self.first is not None:
            await self._take_over(self.first)
            return
        app = self.study_app
        ws = app.workspace

        def begin() -> _View:
            from study.overview import scope_title
            from study.session import StudySession

            if not self.title_text:
                with ws.database.reader() as reader:
                    self.title_text = scope_title(reader, self.scope.deck_ids, self.scope.tag)
            self.session = StudySession(
                ws.database,
                ws.learner_id,
                self.settings or ws.settings,
                ws.clock,
                scope=self.scope,
                cram=self.cram,
            )
            return self._read_view()

        self.busy = True
        try:
            view = await app.run_db(begin)
        except Exception as error:
            self._fail(error)
            return
        self._show_title()
        self._show(view)
        self.ready.set()
        self.busy = False

    async def _take_over(self, first: FirstView) -> None:
        """Show ``first`` at once; once it is drawn, open the workspace and start the
        session on the same plan. The card can be revealed and graded meanwhile: the
        grade waits for the session (see :meth:`_grade`)."""
        self.title_text = first.title
        self._show_title()
        self.busy = self.handing_over = True
        current = first.queue.current
        self._show(
            _View(
                card=first.card,
                kind=current.kind if current else None,
                counts=first.queue.counts(),
                previews=first.previews,
                summary=None,
                today=first.plan.today,
            )
        )
        drawn = asyncio.get_running_loop().create_future()
        self.call_after_refresh(drawn.set_result, None)
        await drawn  # loading SQLAlchemy now would hold up the first frame
        app = self.study_app

        def begin(ws: Workspace) -> StudySession:
            from study.session import StudySession

            return StudySession(
                ws.database,
                ws.learner_id,
                ws.settings,
                ws.clock,
                scope=self.scope,
                cram=self.cram,
                plan=first.plan,
            )

        try:
            self.session = await app.run_db(begin, await app.open_workspace())
        except Exception as error:
            self._fail(error)
            return
        self.ready.set()
        if self.handing_over:  # else a grade is on its way and ends the busy state
            self.handing_over = self.busy = False

    def _show_title(self) -> None:
        mode = "Cram" if self.cram else "Review"
        self.query_one("#review-title", Static).update(
            Content.assemble(
                (f"{mode} ", "bold $text-accent"),
                printable(self.title_text),
                (self.study_app.profile_label(), "bold"),
            )
        )

    def _read_view(self) -> _View:
        """Ask the session what to show (runs in a thread)."""
        session = self.session
        assert session is not None
        card = session.current()
        return _View(
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

    def _show(self, view: _View) -> None:
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
        question.border_subtitle = _kind_label(kind)
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

    def _show_end(self, view: _View) -> None:
        self.phase = END
        self._set_card_visible(False)
        from study.session import Summary

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

    def action_more(self) -> None:
        """Study more today: the same scope with the daily limits raised once."""
        if self.phase != END or self.busy or not self.more_today() or self.view is None:
            return
        from study.config import raised_limits

        assert self.view.summary is not None
        settings = self.study_app.workspace.settings
        new, reviews = extra_today(self.view.summary.waiting, settings)
        screen = ReviewScreen(
            self.scope, title=self.title_text, settings=raised_limits(settings, new, reviews)
        )
        self.app.switch_screen(screen)

    # ------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        name = action.split("(")[0]
        if name == "reveal":
            return self.phase == QUESTION
        if name == "grade":
            return self.phase == ANSWER
        if name in ("suspend", "bury", "source", "flag", "edit"):
            return self.phase in CARD_PHASES
        if name == "undo":
            return self.phase in (*CARD_PHASES, END)
        if name == "more":
            return self.phase == END and bool(self.more_today())
        return True

    def action_reveal(self) -> None:
        if (
            (self.busy and not self.handing_over)
            or self.phase != QUESTION
            or self.view is None
            or self.view.card is None
        ):
            return
        self.phase = ANSWER
        self._render_card(self.view.card, reveal=True)
        self.refresh_bindings()

    def action_grade(self, grade: int) -> None:
        if (self.busy and not self.handing_over) or self.phase != ANSWER:
            return  # a grade in flight, or the answer not shown yet: ignore the key
        self.busy = True
        self.handing_over = False  # one grade waits for the session, no more
        answer_ms = max(0, int((self.study_app.timer() - self.shown_at) * 1000))
        self._grade(grade, answer_ms)

    @work(group="review")
    async def _grade(self, grade: int, answer_ms: int) -> None:
        await self.ready.wait()
        session = self.session
        assert session is not None

        def grade_and_read() -> tuple[GradeOutcome, _View]:
            outcome = session.grade(grade, answer_ms)
            return outcome, self._read_view()

        try:
            outcome, view = await self.study_app.run_db(grade_and_read)
        except Exception as error:
            self.study_app.show_error(error, title="The grade was not saved")
            self.busy = False
            return
        if outcome.became_leech:
            action = (
                "suspended it; unsuspend it in Browse"
                if outcome.suspended_as_leech
                else "flagged it"
            )
            self.say(
                f"This card keeps being forgotten: it is now a leech, and study {action}. "
                "Rewrite it (e) or split it into simpler cards.",
                title="Leech",
                severity="warning",
                timeout=10,
            )
        self._show(view)
        self.busy = False

    def _session_call(self, name: str, done: str | None = None) -> None:
        if self.busy or self.session is None:
            return
        self.busy = True
        self._call(name, done)

    @work(group="review")
    async def _call(self, name: str, done: str | None) -> None:
        session = self.session
        assert session is not None

        def call() -> tuple[Any, _View]:
            result = getattr(session, name)()
            return result, self._read_view()

        try:
            result, view = await self.study_app.run_db(call)
        except Exception as error:
            self.study_app.show_error(error)
            self.busy = False
            return
        if name == "undo" and result is None:
            self.say("There is nothing of today left to undo.")
        elif name == "undo":
            what = UNDONE.get(session.last_undone, session.last_undone)
            self.say(f"Undone: {what}; the card is shown again.")
        elif done:
            self.say(done)
        self._show(view)
        self.busy = False

    def action_undo(self) -> None:
        if self.phase in (*CARD_PHASES, END):
            self._session_call("undo")

    def action_suspend(self) -> None:
        if self.phase in CARD_PHASES:
            self._session_call("suspend", "Card suspended; unsuspend it in Browse.")

    def action_bury(self) -> None:
        if self.phase in CARD_PHASES:
            self._session_call("bury", "Card buried until tomorrow.")

    def action_leave(self) -> None:
        if self.busy:
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:  # started on this screen alone (see StudyApp.on_mount): home comes now
            self.study_app.switch_to_home()

    def action_flag(self) -> None:
        if self.busy or self.phase not in CARD_PHASES or self.session is None:
            return
        self.busy = True
        self._flag_or_unflag()

    @work(group="review")
    async def _flag_or_unflag(self) -> None:
        """``f`` flags the card (asking why), or takes the flag off a flagged card."""
        from study.tui.screens.dialogs import FlagDialog

        session = self.session
        assert session is not None
        try:
            reason = await self.study_app.run_db(session.current_flag)
            if reason is not None:
                await self.study_app.run_db(session.unflag)
                self.say("Flag removed (u: undo).")
                self.busy = False
                return
        except Exception as error:
            self.study_app.show_error(error)
            self.busy = False
            return
        self.busy = False

        def flagged(reason: str | None) -> None:
            if reason is not None and not self.busy and self.session is not None:
                self.busy = True
                self._flag(reason)

        self.app.push_screen(FlagDialog(), flagged)

    @work(group="review")
    async def _flag(self, reason: str) -> None:
        session = self.session
        assert session is not None
        try:
            await self.study_app.run_db(session.flag, reason)
        except Exception as error:
            self.study_app.show_error(error)
        else:
            self.say("Flagged: `study cards --flagged` and Browse list it; f again unflags.")
        self.busy = False

    def action_source(self) -> None:
        if self.busy or self.phase not in CARD_PHASES or self.view is None:
            return
        card = self.view.card
        if card is not None:
            self._source(card)

    @work(group="review")
    async def _source(self, card: CardContent) -> None:
        from study.tui.screens.dialogs import PassageScreen

        ws = self.study_app.workspace

        def read() -> Passage | None:
            from study.browse import source_passage

            with ws.database.session() as session:
                return source_passage(session, card)

        try:
            passage = await self.study_app.run_db(read)
        except Exception as error:
            self.study_app.show_error(error)
            return
        if passage is None:
            self.say("This card does not say which passage it came from.")
            return
        self.app.push_screen(PassageScreen(passage))

    def action_edit(self) -> None:
        if self.busy or self.phase not in CARD_PHASES or self.view is None:
            return
        card = self.view.card
        if card is not None:
            self.busy = True
            self._edit(card)

    @work(group="review")
    async def _edit(self, card: CardContent) -> None:
        from study.browse import BundledDeckError

        try:
            await self._edit_located(card)
        except BundledDeckError as error:
            self._offer_copy(card, error)

    def _offer_copy(self, card: CardContent, error: BundledDeckError) -> None:
        """A bundled deck's card: offer to copy the deck and edit the copy."""
        from study.library import deck_copy_path
        from study.tui.screens.dialogs import CopyDeckDialog

        self.busy = False

        def chosen(copy: bool | None) -> None:
            if copy and not self.busy and self.session is not None:
                self.busy = True
                self._copy_and_edit(card, error.deck_id)

        self.app.push_screen(CopyDeckDialog(error.deck_name, deck_copy_path(error.deck_id)), chosen)

    @work(group="review")
    async def _copy_and_edit(self, card: CardContent, deck_id: str) -> None:
        from study.library import copy_bundled_deck

        app = self.study_app
        ws = app.workspace
        try:
            copied = await app.run_db(copy_bundled_deck, ws.database, deck_id, ws.clock.now())
        except Exception as error:
            app.show_error(error, title="The deck was not copied")
            self.busy = False
            return
        already = "Your copy was there already: " if copied.existed else "Copied to "
        self.say(f"{already}{copied.path}; editing it.", timeout=8)
        await self._edit_located(card)

    async def _edit_located(self, card: CardContent) -> None:
        """Open the editor on the card's deck file and re-import it. Raises
        BundledDeckError (before anything is opened) for a bundled deck's card."""
        from study.browse import BundledDeckError

        app = self.study_app
        ws = app.workspace
        session = self.session
        assert session is not None

        def locate() -> tuple[Any, str]:
            from study.browse import card_location, deck_text

            with ws.database.session() as db:
                location = card_location(db, card.card_id)
            return location, deck_text(location)

        try:
            location, before = await app.run_db(locate)
        except BundledDeckError:
            raise
        except Exception as error:
            app.show_error(error, title="Cannot edit this card")
            self.busy = False
            return
        problem = app.run_editor(self.app, location)
        if problem:
            self.say(problem, severity="error", timeout=8)
            self.busy = False
            return

        def reimport() -> _View | None:
            from study.browse import keep_edit
            from study.library import import_deck_files

            if not keep_edit(location, card.note_id, before):
                return None
            session.record_edit(location.path, before)  # undo puts the file back
            import_deck_files(ws.database, [location.path], ws.clock.now())
            session.reload_current()
            return self._read_view()

        try:
            view = await app.run_db(reimport)
        except Exception as error:
            app.show_error(
                error, title="The deck file has problems: nothing was re-imported (e: edit again)"
            )
            self.busy = False
            return
        if view is None:
            self.say("Nothing was changed: the card is as it was.")
        else:
            self.say("Card re-imported, marked edited (kept by `study generate`); progress kept.")
            self._show(view)
        self.busy = False


def _kind_label(kind: str | None) -> str:
    return {
        "new": "new card",
        "review": "review",
        "drill": "again: drill",
        "cram": "cram (schedule unchanged)",
    }.get(kind or "", "")
