"""Small screens over another: import a deck file, pick what to cram, flag a card, copy a
bundled deck to edit it, a card's source passage, a card's history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from study.domain.cards import printable
from study.services.browse import HistoryEntry, Passage, history
from study.services.library import import_deck_files
from study.services.overview import DeckNode
from study.services.queue import DeckScope
from study.tui.host import error_message
from study.tui.widgets.card_text import literal, passage_content
from study.tui.widgets.footer import StudyFooter
from study.tui.widgets.session_counts import plural
from study.tui.widgets.styling import rich_text

if TYPE_CHECKING:
    from study.storage.cards import CardRow
    from study.tui.host import StudyHost


class _Dialog(ModalScreen[Any]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
    ]

    @property
    def study_app(self) -> StudyHost:
        return self.app  # type: ignore[return-value]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ImportDialog(_Dialog):
    """Ask for a deck file's path and import it; problems are shown here, nothing imported."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Import a deck file"
            yield Static("The path of a deck file (.toml); Enter imports it, Escape cancels.")
            yield Input(placeholder="~/decks/cardiology.toml", id="import-path")
            yield Static("", id="import-problems", classes="problems")
        yield StudyFooter()

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self._import(Path(text).expanduser())

    @work(exclusive=True)
    async def _import(self, path: Path) -> None:
        ws = self.study_app.workspace
        problems = self.query_one("#import-problems", Static)
        problems.update("Importing…")
        try:
            results = await self.study_app.run_db(
                import_deck_files, ws.database, [path], ws.clock.now()
            )
        except Exception as error:
            problems.update(Content(error_message(error) + "\nNothing was imported."))
            return
        lines = [
            f"{r.deck_id}: {r.added} added, {r.updated} updated, {r.retired} retired, "
            f"{r.unchanged} unchanged"
            for r in results
        ]
        for result in results:
            lines += [f"warning: {w}" for w in result.warnings]
        self.dismiss("\n".join(lines))


class CramDialog(_Dialog):
    """Pick a deck or a tag to study ahead of schedule."""

    def __init__(self, nodes: list[DeckNode]) -> None:
        super().__init__()
        self.nodes = nodes
        self.choices: dict[str, tuple[DeckScope, str]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Cram: study ahead, the schedule is not changed"
            yield OptionList(id="cram-choices")
        yield StudyFooter()

    def on_mount(self) -> None:
        options = self.query_one("#cram-choices", OptionList)
        self.choices["all"] = (DeckScope(), "All decks")
        options.add_option(Option(Content("All decks"), id="all"))
        for index, node in enumerate(self.nodes):
            key = f"deck{index}"
            self.choices[key] = (DeckScope(list(node.deck_ids)), node.path)
            label = Content.assemble(
                ("deck ", "$text-muted"), "  " * node.depth, printable(node.label)
            )
            options.add_option(Option(label, id=key))
        self._load_tags()

    @work
    async def _load_tags(self) -> None:
        ws = self.study_app.workspace

        def read() -> list[tuple[str, int]]:
            with ws.database.store() as store:
                return store.tags()

        try:
            found = await self.study_app.run_db(read)
        except Exception as error:
            self.study_app.show_error(error)
            return
        options = self.query_one("#cram-choices", OptionList)
        for index, (tag, count) in enumerate(found):
            key = f"tag{index}"
            self.choices[key] = (DeckScope(None, tag), f"tag {tag}")
            options.add_option(
                Option(
                    Content.assemble(
                        ("tag  ", "$text-muted"), printable(tag), (f"  {count}", "$text-muted")
                    ),
                    id=key,
                )
            )

    @on(OptionList.OptionSelected, "#cram-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.choices[event.option.id])


class FlagDialog(_Dialog):
    """Why the card is wrong or unclear (optional); Enter flags it."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Flag this card as wrong or unclear"
            yield Static("What is wrong? (optional) Enter flags the card, Escape cancels.")
            yield Input(placeholder="e.g. the answer is out of date", id="flag-reason")
        yield StudyFooter()

    @on(Input.Submitted, "#flag-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())


class CopyDeckDialog(_Dialog):
    """Offer to copy a bundled deck into the learner's decks folder to edit it there;
    dismissed with True when the learner agrees."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "copy", "Copy and edit"),
        Binding("n,escape", "dismiss_none", "Cancel"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
    ]

    def __init__(self, deck_name: str, target: Path) -> None:
        super().__init__()
        self.deck_name = deck_name
        self.target = target

    def compose(self) -> ComposeResult:
        name = printable(self.deck_name, keep_newlines=False)
        with Vertical(classes="dialog") as box:
            box.border_title = "Edit a copy of this bundled deck?"
            yield Static(
                Text(
                    f"{name} ships with study and cannot be edited in place. Copy its deck "
                    f"file and material to\n{self.target}\nand edit the copy? Your progress is "
                    "kept; later versions of the bundled deck are then reported, not applied."
                    "\n\ny copies and opens your editor, n or Escape cancels."
                )
            )
        yield StudyFooter()

    def action_copy(self) -> None:
        self.dismiss(True)


class PassageScreen(_Dialog):
    """The material a card came from, its sentence highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("i", "dismiss_none", "Close", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
    ]

    def __init__(self, passage: Passage) -> None:
        super().__init__()
        self.passage = passage

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide") as box:
            box.border_title = f"Source: {printable(self.passage.file, keep_newlines=False)}"
            yield Static(passage_content(self.passage), id="passage")
        yield StudyFooter()

    def on_mount(self) -> None:
        # Bring the sentence into view in a long passage.
        line = self.passage.text[: self.passage.start].count("\n")
        self.query_one(VerticalScroll).scroll_to(y=max(0, line - 2), animate=False)


class HistoryScreen(_Dialog):
    """A card: its text, schedule, and every grade it was given."""

    def __init__(self, row: CardRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        content = row.content
        with VerticalScroll(classes="dialog wide") as box:
            box.border_title = f"Card {printable(content.card_id, keep_newlines=False)}"
            yield Static(
                Content.assemble(
                    ("Question  ", "$text-muted"),
                    literal(content.question),
                    ("\nAnswer    ", "$text-muted"),
                    literal(content.answer),
                    ("\nDeck      ", "$text-muted"),
                    printable(row.deck_name),
                    ("\nTags      ", "$text-muted"),
                    printable(" ".join(content.tags)),
                    ("\nState     ", "$text-muted"),
                    _state_words(row),
                    ("\nSchedule  ", "$text-muted"),
                    _schedule_words(row),
                    ("\nFlag      ", "$text-muted") if row.schedule.flagged else "",
                    printable(row.schedule.flag_reason or "flagged")
                    if row.schedule.flagged
                    else "",
                ),
                id="card-facts",
            )
            table: DataTable[Any] = DataTable(id="history", cursor_type="row")
            yield table
            yield Static("", id="history-empty")
        yield StudyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        for label in ("Day", "Kind", "Grade", "Interval", "E-Factor", "Due", "Time", ""):
            table.add_column(label)
        self._load()

    @work
    async def _load(self) -> None:
        ws = self.study_app.workspace
        card_id = self.row.content.card_id

        def read() -> list[HistoryEntry]:
            with ws.database.session() as session:
                return history(session, ws.learner_id, card_id)

        try:
            entries = await self.study_app.run_db(read)
        except Exception as error:
            self.study_app.show_error(error)
            return
        table = self.query_one("#history", DataTable)
        for line in entries:
            style = "dim strike" if line.cancelled else ""
            cells = [
                line.entry.study_day.isoformat(),
                line.entry.kind,
                "" if line.entry.grade is None else str(line.entry.grade),
                f"{line.entry.interval_after}d",
                f"{line.entry.ease_after / 100:.2f}",
                line.entry.due_after.isoformat() if line.entry.due_after else "",
                f"{line.answer_ms / 1000:.1f}s",
            ]
            table.add_row(
                *(Text(c, style=style) for c in cells),
                rich_text(self.app, ("undone", "$text-warning")) if line.cancelled else Text(""),
            )
        if not entries:
            self.query_one("#history-empty", Static).update("Never studied yet.")


def _state_words(row: CardRow) -> str:
    words = [row.state]
    if row.schedule.suspended:
        words.append("suspended")
    if row.schedule.leech:
        words.append("leech")
    if row.schedule.due_day:
        words.append(f"due {row.schedule.due_day.isoformat()}")
    return " · ".join(words)


def _schedule_words(row: CardRow) -> str:
    if not row.schedule.reviews:
        return "never reviewed"
    return (
        f"interval {row.schedule.interval}d · E-Factor {row.schedule.ease_hundredths / 100:.2f} · "
        f"{plural(row.schedule.reviews, 'review')} · {plural(row.schedule.lapses, 'lapse')}"
    )
