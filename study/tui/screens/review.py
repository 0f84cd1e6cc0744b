"""Review: one card at a time, graded 0-5, every grade saved before the next card shows.

The screen holds a :class:`study.services.session.StudySession` and calls it; database work runs
in a thread while the screen ignores grade keys, so a card is never graded twice. Here
are loading, the keys, grading and the session's undo, suspend and bury; drawing is in
its base ReviewDisplay (``review_display``), flag, source and edit in CardActions
(``review_actions``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from study.domain.config import Settings
from study.domain.sm2 import GRADE_MEANINGS
from study.services.queue import DeckScope
from study.tui.screens.review_actions import CardActions
from study.tui.screens.review_display import (
    ANSWER,
    CARD_PHASES,
    END,
    QUESTION,
    View,
)
from study.tui.widgets.session_counts import extra_today

if TYPE_CHECKING:
    from study.services.first_card import FirstView
    from study.services.session import GradeOutcome, StudySession
    from study.services.workspace import Workspace

# What an undo took back, as the notification names it.
UNDONE = {
    "grade": "the last grade",
    "suspend": "the suspension",
    "bury": "the burying",
    "flag": "the flag",
    "unflag": "the unflagging (flagged again)",
    "edit": "the edit (the deck file is back as it was)",
}


class ReviewScreen(CardActions):
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
        super().__init__(cram=cram, title=title)
        self.scope = scope or DeckScope()
        self.settings = settings  # raised limits for "study more today"; else the workspace's
        self.first = first  # a card read before the workspace opened (study.services.first_card)
        self.ready = asyncio.Event()  # set once self.session is there
        self.handing_over = False  # showing `first`: reveal and one grade may go ahead

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

        def begin() -> View:
            from study.services.overview import scope_title
            from study.services.session import StudySession

            if not self.title_text:
                with ws.database.store() as store:
                    self.title_text = scope_title(store, self.scope.deck_ids, self.scope.tag)
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
            View(
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
            from study.services.session import StudySession

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

    def action_more(self) -> None:
        """Study more today: the same scope with the daily limits raised once."""
        if self.phase != END or self.busy or not self.more_today() or self.view is None:
            return
        from study.domain.config import raised_limits

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

        def grade_and_read() -> tuple[GradeOutcome, View]:
            outcome = session.grade(grade, answer_ms)
            return outcome, self._read_view()

        try:
            outcome, view = await self.study_app.run_db(grade_and_read)
        except Exception as error:
            self.study_app.show_error(error, title="The grade was not saved")
            self.busy = False
            return
        if outcome.answer.became_leech:
            action = (
                "suspended it; unsuspend it in Browse"
                if outcome.answer.suspended_as_leech
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

        def call() -> tuple[Any, View]:
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
