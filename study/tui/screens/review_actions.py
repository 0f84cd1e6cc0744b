"""The review screen's card actions (flag, source, edit, and copying a bundled deck to
edit it), apart from showing and grading. :class:`CardActions` is a base of
:class:`study.tui.screens.review.ReviewScreen`; each action runs while ``busy``, so a
grade key cannot slip in meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from study.domain.cards import CardContent
from study.tui.screens.review_display import CARD_PHASES, ReviewDisplay, View

if TYPE_CHECKING:
    from study.services.browse import BundledDeckError, Passage


class CardActions(ReviewDisplay):
    """f, i and e on the card shown: flag or unflag it, read its source, edit it."""

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
            from study.services.browse import source_passage

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
        from study.services.browse import BundledDeckError

        try:
            await self._edit_located(card)
        except BundledDeckError as error:
            self._offer_copy(card, error)

    def _offer_copy(self, card: CardContent, error: BundledDeckError) -> None:
        """A bundled deck's card: offer to copy the deck and edit the copy."""
        from study.services.library import deck_copy_path
        from study.tui.screens.dialogs import CopyDeckDialog

        self.busy = False

        def chosen(copy: bool | None) -> None:
            if copy and not self.busy and self.session is not None:
                self.busy = True
                self._copy_and_edit(card, error.deck_id)

        self.app.push_screen(CopyDeckDialog(error.deck_name, deck_copy_path(error.deck_id)), chosen)

    @work(group="review")
    async def _copy_and_edit(self, card: CardContent, deck_id: str) -> None:
        from study.services.library import copy_bundled_deck

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
        from study.services.browse import BundledDeckError

        app = self.study_app
        ws = app.workspace
        session = self.session
        assert session is not None

        def locate() -> tuple[Any, str]:
            from study.services.browse import card_location, deck_text

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

        def reimport() -> View | None:
            from study.services.browse import keep_edit
            from study.services.library import import_deck_files

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
