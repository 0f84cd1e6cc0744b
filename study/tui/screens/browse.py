"""Browse: a searchable, filterable table of cards, a page at a time.

Filtering and paging happen in SQL (:mod:`study.services.browse`), so a large collection opens
as fast as a small one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from study.domain import cloze
from study.domain.cards import printable
from study.services.browse import (
    FILTER_STATES,
    PAGE_SIZE,
    SORTS,
    BrowseFilter,
    BrowsePage,
    browse,
    change_cards,
)
from study.storage.cards import CardRow, card_rows
from study.storage.decks import list_decks
from study.tui.widgets.footer import StudyFooter
from study.tui.widgets.session_counts import plural
from study.tui.widgets.styling import rich_text

if TYPE_CHECKING:
    from study.tui.host import StudyHost

# (label, width); the card column takes what is left. Narrow, only the first three show
# (the preview under the table gives the rest), so the card gets the width; the deck
# column only shows when there is room for it.
FIXED_COLUMNS = (("State", 8), ("Due", 10), ("Ivl", 5), ("EF", 4), ("Revs", 4), ("Laps", 4))
NARROW_COLUMNS = 3
# Clicking a column's header orders the table by it; `O` steps through the orders.
COLUMN_SORTS = {
    "card": "deck",
    "Due": "due",
    "Ivl": "interval",
    "EF": "ease",
    "Revs": "reviews",
    "Laps": "lapses",
}
FLAGS_WIDTH = 4
DECK_WIDTH = 24
WIDE = 110
DONE = {
    "suspend": "suspended",
    "unsuspend": "unsuspended",
    "flag": "flagged",
    "unflag": "unflagged",
    "unbury": "unburied: it can be studied today",
}


def flags_of(suspended: bool, leech: bool, flagged: bool, buried: bool = False) -> str:
    """``S`` suspended, ``B`` buried, ``L`` leech, ``F`` flagged."""
    return (
        ("S" if suspended else "")
        + ("B" if buried else "")
        + ("L" if leech else "")
        + ("F" if flagged else "")
    )


class BrowseScreen(Screen[None]):
    """Find cards; suspend or unsuspend them; open a card's history."""

    CSS_PATH = "browse.tcss"
    # Commands are capital letters: a word typed without "/" goes to the search box
    # instead of suspending a card with its "s".
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/", tooltip="Type to filter cards"),
        Binding("S", "change('suspend')", "Un/suspend", tooltip="Suspend or unsuspend the card"),
        Binding("F", "change('flag')", "Un/flag", tooltip="Flag or unflag the card"),
        Binding("B", "change('unbury')", "Unbury", tooltip="Show a buried card again today"),
        Binding("H", "history", "History", tooltip="The selected card and its review log"),
        Binding("O", "next_order", "Order", tooltip="Order by due date, interval, E-Factor, ..."),
        Binding("N", "page(1)", "Next", tooltip=f"The next page of {PAGE_SIZE} cards", show=False),
        Binding(
            "P", "page(-1)", "Prev", tooltip=f"The previous page of {PAGE_SIZE} cards", show=False
        ),
        Binding("escape", "leave", "Home", tooltip="Back to the deck list"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = BrowseFilter()
        self.page: BrowsePage | None = None
        self.page_offset = 0
        self.wide = False
        self.card_width = 16

    @property
    def study_app(self) -> StudyHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="browse-filters"):
            # Not select_on_focus: a word typed on the table arrives letter by letter as
            # the box takes the focus, and each letter must add to it, not replace it.
            yield Input(placeholder="/ search text", id="browse-search", select_on_focus=False)
            yield Select[str]([], prompt="any deck", id="browse-deck", compact=True)
            yield Select[str](
                [(s, s) for s in FILTER_STATES], prompt="any state", id="browse-state", compact=True
            )
            yield Select[str]([], prompt="any tag", id="browse-tag", compact=True)
        table: DataTable[Any] = DataTable(id="cards", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="browse-preview")
        yield Static("", id="browse-status")
        yield StudyFooter()

    def on_mount(self) -> None:
        self._load_choices()
        self._layout_columns()
        self.query_one("#cards", DataTable).focus()
        self._load()

    def on_resize(self) -> None:
        if (self.size.width >= WIDE) != self.wide:
            self._layout_columns()
            if self.page is not None:
                self._fill(self.page)

    def _layout_columns(self) -> None:
        self.wide = self.size.width >= WIDE
        table = self.query_one("#cards", DataTable)
        table.clear(columns=True)
        columns = FIXED_COLUMNS if self.wide else FIXED_COLUMNS[:NARROW_COLUMNS]
        fixed = sum(w for _, w in columns) + FLAGS_WIDTH
        count = len(columns) + 2 + (1 if self.wide else 0)
        # The table's scrollbar and margins take 4 columns.
        spare = self.size.width - fixed - 2 * count - 4 - (DECK_WIDTH if self.wide else 0)
        self.card_width = max(16, spare)
        table.add_column("Card", width=self.card_width, key="card")
        if self.wide:
            table.add_column("Deck", width=DECK_WIDTH, key="deck")
        for label, width in columns:
            table.add_column(label, width=width, key=label)
        table.add_column("", width=FLAGS_WIDTH, key="flags")

    @work
    async def _load_choices(self) -> None:
        ws = self.study_app.workspace

        def read() -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
            with ws.database.session() as session:
                decks = [(d.id, d.name) for d in list_decks(session)]
            with ws.database.store() as store:
                return decks, store.tags()

        try:
            decks, found = await self.study_app.run_db(read)
        except Exception as error:
            self.study_app.show_error(error)
            return
        self.query_one("#browse-deck", Select).set_options(
            (Text(printable(name, keep_newlines=False)), deck_id) for deck_id, name in decks
        )
        self.query_one("#browse-tag", Select).set_options(
            (Text(printable(tag, keep_newlines=False)), tag) for tag, _ in found
        )

    # ------------------------------------------------------------ filtering

    @on(Input.Changed, "#browse-search")
    def _text_changed(self, event: Input.Changed) -> None:
        self._refilter(text=event.value.strip())

    @on(Input.Submitted, "#browse-search")
    def _text_submitted(self) -> None:
        self.set_focus(self.query_one("#cards", DataTable))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if event.select.id == "browse-deck":
            self._refilter(deck_ids=(value,) if value else None)
        elif event.select.id == "browse-state":
            self._refilter(state=value)
        elif event.select.id == "browse-tag":
            self._refilter(tag=value)

    def _refilter(self, **changes: Any) -> None:
        values = {
            "deck_ids": self.filter.deck_ids,
            "tag": self.filter.tag,
            "state": self.filter.state,
            "text": self.filter.text,
            "sort": self.filter.sort,
            **changes,
        }
        new = BrowseFilter(**values)
        if new != self.filter:
            self.filter = new
            self.page_offset = 0
            self._load()

    @work(exclusive=True, group="browse")
    async def _load(self, keep_row: int = 0) -> None:
        ws = self.study_app.workspace
        flt, offset = self.filter, self.page_offset

        def read() -> BrowsePage:
            with ws.database.session() as session:
                return browse(session, ws.learner_id, ws.today(), flt, offset=offset)

        try:
            page = await self.study_app.run_db(read)
        except Exception as error:
            self.study_app.show_error(error)
            return
        self.page = page
        self._fill(page, keep_row)

    def _fill(self, page: BrowsePage, keep_row: int = 0) -> None:
        table = self.query_one("#cards", DataTable)
        table.clear()
        for row in page.rows:
            schedule = row.schedule
            cells = [_cut(_card_cell(row, self.card_width))]
            if self.wide:
                cells.append(_cut(row.deck_name))
            cells += [
                Text(row.state),
                Text(schedule.due_day.isoformat() if schedule.due_day else ""),
                Text(f"{schedule.interval}d" if schedule.reviews else "", justify="right"),
            ]
            if self.wide:
                cells += [
                    Text(
                        f"{schedule.ease_hundredths / 100:.2f}" if schedule.reviews else "",
                        justify="right",
                    ),
                    Text(str(schedule.reviews), justify="right"),
                    Text(str(schedule.lapses), justify="right"),
                ]
            flags = flags_of(schedule.suspended, schedule.leech, schedule.flagged, row.buried)
            cells.append(rich_text(self.app, (flags, "$text-warning")))
            if schedule.suspended:
                for cell in cells[:-1]:
                    cell.stylize("dim")
            table.add_row(*cells, key=row.card_id)
        if page.rows:
            table.move_cursor(row=min(keep_row, len(page.rows) - 1), animate=False)
        self._preview()
        self._status(page)

    @on(DataTable.RowHighlighted, "#cards")
    def _preview(self) -> None:
        """The selected card in full under the table: question, answer and schedule."""
        preview = self.query_one("#browse-preview", Static)
        card_id = self._selected_card()
        row = next((r for r in self.page.rows if r.card_id == card_id), None) if self.page else None
        if row is None:
            preview.update("")
            return
        content = row.content
        answer = content.answer
        if content.type == "cloze":
            answer = ", ".join(cloze.deleted_answers(content.cloze_text, content.ordinal))
        held = row.schedule
        schedule = (
            f"{row.state} · {plural(held.reviews, 'review')} · {plural(held.lapses, 'lapse')}"
        )
        if held.reviews:
            schedule += f" · interval {held.interval}d · E-Factor {held.ease_hundredths / 100:.2f}"
        if held.flagged:
            schedule += " · flagged" + (f": {held.flag_reason}" if held.flag_reason else "")
        parts: list[Any] = [(_line(content.question), "bold")]
        if answer:
            parts += [("\n→ ", "$text-muted"), _line(answer)]
        where = f"{content.card_id} · {row.deck_name} · {schedule}"
        parts.append(("\n" + _line(where), "$text-muted"))
        preview.update(rich_text(self.app, *parts))

    def _status(self, page: BrowsePage) -> None:
        status = self.query_one("#browse-status", Static)
        if not page.total:
            status.update("No cards match." if self.filter != BrowseFilter() else "No cards yet.")
            return
        first, last = page.offset + 1, page.offset + len(page.rows)
        pages = ""
        if page.total > PAGE_SIZE:
            pages = f" · page {page.offset // PAGE_SIZE + 1} of {-(-page.total // PAGE_SIZE)} (N/P)"
        counts, order = (
            f"{first}–{last} of {page.total} cards{pages}",
            f" · by {SORTS[self.filter.sort]}",
        )
        # The legend of the flags column goes last, and only where it fits: cut at the
        # edge, 80 columns showed "F" without its meaning.
        room = status.content_size.width - len(counts) - len(order)
        legend = next(
            (
                f"   {text}"
                for text in (
                    "S suspended · B buried · L leech · F flagged",
                    "S·B·L·F = susp·buried·leech·flag",
                )
                if len(text) + 3 <= room
            ),
            "",
        )
        status.update(rich_text(self.app, counts, (order, "$text-muted"), (legend, "$text-muted")))

    # ------------------------------------------------------------ actions

    def _selected_card(self) -> str | None:
        table = self.query_one("#cards", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def action_search(self) -> None:
        # At once, not after a refresh: keys typed right after "/" must reach the search box,
        # not the table ("/sciatica" typed fast would otherwise suspend a card with its "s").
        self.set_focus(self.query_one("#browse-search", Input))

    def action_leave(self) -> None:
        if self.focused is self.query_one("#browse-search", Input):
            self.set_focus(self.query_one("#cards", DataTable))
            return
        self.app.pop_screen()

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        offset = self.page_offset + step * PAGE_SIZE
        if 0 <= offset < self.page.total:
            self.page_offset = offset
            self._load()

    def on_key(self, event: events.Key) -> None:
        """A lowercase letter or digit typed on the table starts a search with it."""
        search = self.query_one("#browse-search", Input)
        # Keys typed fast reach the table before the search box has the focus; the box
        # stops the keys it takes, so one that arrives here while it has the focus was
        # sent to the table first: it belongs to the search too.
        if self.focused not in (self.query_one("#cards", DataTable), search):
            return
        char = event.character or ""
        if len(char) == 1 and (char.islower() or char.isdigit()):
            event.stop()
            event.prevent_default()
            self.set_focus(search)
            search.insert_text_at_cursor(char)

    def action_change(self, change: str) -> None:
        """Suspend / flag a card, or undo that (whichever it needs); unbury a buried one."""
        card_id = self._selected_card()
        if card_id is None or self.page is None:
            return
        row = next((r for r in self.page.rows if r.card_id == card_id), None)
        if row is None:
            return
        if change == "suspend" and row.schedule.suspended:
            change = "unsuspend"
        elif change == "flag" and row.schedule.flagged:
            change = "unflag"
        elif change == "unbury" and not row.buried:
            self.notify(f"{printable(card_id)} is not buried", markup=False)
            return
        self._change(card_id, change)

    @work(exclusive=True, group="browse-write")
    async def _change(self, card_id: str, change: str) -> None:
        ws = self.study_app.workspace
        cursor = self.query_one("#cards", DataTable).cursor_row

        def write() -> None:
            ws.database.write(
                lambda session: change_cards(
                    session, ws.learner_id, [card_id], change, ws.clock.now()
                )
            )

        try:
            await self.study_app.run_db(write)
        except Exception as error:
            self.study_app.show_error(error)
            return
        self.notify(f"{printable(card_id)} {DONE[change]}", markup=False)
        self._load(keep_row=cursor)

    def action_history(self) -> None:
        card_id = self._selected_card()
        if card_id is not None:
            self._history(card_id)

    @on(DataTable.HeaderSelected, "#cards")
    def _order_by_column(self, event: DataTable.HeaderSelected) -> None:
        sort = COLUMN_SORTS.get(str(event.column_key.value))
        if sort is not None:
            self._refilter(sort=sort)

    def action_next_order(self) -> None:
        orders = list(SORTS)
        self._refilter(sort=orders[(orders.index(self.filter.sort) + 1) % len(orders)])

    @on(DataTable.RowSelected, "#cards")
    def _row_chosen(self) -> None:
        self.action_history()

    @work(group="browse-history")
    async def _history(self, card_id: str) -> None:
        from study.tui.screens.dialogs import HistoryScreen

        ws = self.study_app.workspace

        def read() -> list[CardRow]:
            with ws.database.session() as session:
                return card_rows(session, ws.learner_id, ws.today(), card_ids=[card_id])

        try:
            rows = await self.study_app.run_db(read)
        except Exception as error:
            self.study_app.show_error(error)
            return
        if rows:
            self.app.push_screen(HistoryScreen(rows[0]))


def _card_cell(row: CardRow, width: int) -> str:
    """A card's question for a cell ``width`` wide: a cloze whose blank would fall past
    the cell's end is cut at its start instead, so siblings never look the same."""
    question = row.question
    content = row.content
    if content.type != "cloze" or len(question) <= width:
        return question
    before = ""
    for segment in cloze.segments(content.cloze_text, content.ordinal, reveal=False):
        if segment.is_deletion:
            break
        before += segment.text
    if len(before) + 12 <= width:
        return question
    return "…" + question[len(before) - width // 2 :]


def _line(text: str) -> str:
    """Author text on one line, shown literally."""
    return printable(text, keep_newlines=False)


def _cut(text: str) -> Text:
    """One line of author text, cut with an ellipsis where the column ends."""
    return Text(printable(text, keep_newlines=False), no_wrap=True, overflow="ellipsis")
