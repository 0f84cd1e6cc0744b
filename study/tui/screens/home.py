"""Home: the deck tree with today's counts, today's work and the streak."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from study.domain.cards import printable
from study.domain.decks import SEPARATOR
from study.services.overview import DeckNode, Overview, overview
from study.services.queue import DeckScope, Waiting, waiting
from study.tui.host import error_message
from study.tui.widgets.footer import StudyFooter
from study.tui.widgets.session_counts import (
    DUE_STYLE,
    LEARNING_STYLE,
    NEW_STYLE,
    count_parts,
    duration,
    extra_today,
    held_back,
)
from study.tui.widgets.styling import rich_text

if TYPE_CHECKING:
    from study.services.workspace import Workspace
    from study.tui.host import StudyHost

ALL = "__all__"
COUNT_WIDTH = 6
COUNT_COLUMNS = (
    ("New", "new", NEW_STYLE),
    ("Learn", "learning", LEARNING_STYLE),
    ("Due", "due", DUE_STYLE),
    ("Cards", "cards", "$text-muted"),
)
FOLD_KEYS = Binding.Group("Fold", compact=True)


def tree_rows(roots: list[DeckNode], folded: Collection[str] = ()) -> list[tuple[DeckNode, str]]:
    """The nodes on show, each with the guide lines drawn before its name (``├─``, ``└─``,
    ``│``); the children of a path in ``folded`` are left out."""
    rows: list[tuple[DeckNode, str]] = []

    def walk(nodes: list[DeckNode], prefix: str) -> None:
        for index, node in enumerate(nodes):
            last = index == len(nodes) - 1
            rows.append((node, prefix + ("└─ " if last else "├─ ")))
            if node.path not in folded:
                walk(node.children, prefix + ("   " if last else "│  "))

    walk(roots, "")
    return rows


def fold_marker(node: DeckNode, folded: Collection[str]) -> str:
    """``▸`` before a folded parent, ``▾`` before an open one, nothing before a leaf."""
    if not node.children:
        return ""
    return "▸ " if node.path in folded else "▾ "


def parent_path(path: str) -> str:
    """The deck above ``Parent::Child``; a top-level deck's parent is the All decks row."""
    parent, separator, _ = path.rpartition(SEPARATOR)
    return parent if separator else ALL


class HomeScreen(Screen[None]):
    """The deck list; Enter studies the deck under the cursor, the arrows fold the tree.

    One home screen serves the whole run (screens go on top of it and come off), so the
    decks folded here stay folded until the app quits.
    """

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "study", "Study", priority=True, tooltip="Study the selected deck"),
        # Priority: the table would take the arrows to scroll sideways. The footer shows
        # both arrows as one "Fold" entry, which leaves room for the others at 80 columns.
        Binding(
            "left",
            "fold",
            "Fold",
            priority=True,
            tooltip="Hide the child decks, or go to the parent deck",
            group=FOLD_KEYS,
        ),
        Binding(
            "right",
            "unfold",
            "Unfold",
            priority=True,
            tooltip="Show the child decks, or go down into them",
            group=FOLD_KEYS,
        ),
        Binding(
            "space",
            "toggle_fold",
            "Un/fold",
            show=False,
            tooltip="Fold or unfold the deck under the cursor",
        ),
        Binding("c", "cram", "Cram", tooltip="Study a deck or tag ahead of schedule"),
        Binding("b", "browse", "Browse", tooltip="Search and manage cards"),
        Binding("s", "stats", "Stats", tooltip="Progress statistics"),
        # Shown once the database holds more than one profile (see check_action).
        Binding(
            "l", "class", "Class", tooltip="Every learner's progress side by side (for a tutor)"
        ),
        Binding("i", "import", "Import", tooltip="Import a deck file"),
        Binding(
            "m",
            "more",
            "More today",
            show=False,
            tooltip="Daily limit reached: study more of the selected deck today",
        ),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, first: Overview | None = None) -> None:
        super().__init__()
        self.first = first  # read before the workspace opened (study.services.first_card)
        self.data: Overview | None = None
        self.nodes: dict[str, DeckNode] = {}  # the rows on show, by path
        self.folded: set[str] = set()  # paths of parents whose children are hidden
        self.deck_width = 0
        self.class_size = 0  # profiles in the database, read with the decks
        self.held = Waiting()  # what the daily limits hold back in the selected deck

    @property
    def study_app(self) -> StudyHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="home-top"):
            yield Static(
                Content.assemble(
                    ("study", "bold $text-accent"), (self.study_app.profile_label(), "bold")
                ),
                id="home-title",
            )
            yield Static("", id="home-streak")
        table: DataTable[Any] = DataTable(id="decks", cursor_type="row", zebra_stripes=False)
        table.border_title = "Decks"
        yield table
        yield Static("", id="home-message")
        yield Static("Loading…", id="home-today")
        yield StudyFooter()

    def on_mount(self) -> None:
        self._add_columns()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        if self.first is not None:
            self._show(self.first)
            # Loading SQLAlchemy now would hold up this first frame: it starts once drawn.
            self.call_after_refresh(self.study_app.begin_opening)
            self.call_after_refresh(self._count_profiles)

    def _add_columns(self) -> None:
        table = self.query_one("#decks", DataTable)
        # The deck name takes the width the counts leave (margins, border, cell padding).
        self.deck_width = max(20, self.size.width - 6 - len(COUNT_COLUMNS) * (COUNT_WIDTH + 2) - 4)
        table.add_column("Deck", key="deck", width=self.deck_width)
        for label, key, style in COUNT_COLUMNS:
            header = rich_text(self.app, (label.rjust(COUNT_WIDTH), style))
            table.add_column(header, key=key, width=COUNT_WIDTH)

    def on_resize(self) -> None:
        if self.is_mounted and self.deck_width != max(
            20, self.size.width - 6 - len(COUNT_COLUMNS) * (COUNT_WIDTH + 2) - 4
        ):
            self._restyle()

    def _restyle(self) -> None:
        """Colours in the table come from the theme: redraw them after a theme change."""
        table = self.query_one("#decks", DataTable)
        selected = self._selected_key()  # clearing the columns forgets it
        table.clear(columns=True)
        self._add_columns()
        if self.data is not None:
            self._show(self.data)
            self._move_to(selected)

    def on_screen_resume(self) -> None:
        # `study review` pushes the review screen over this one at once: reading every
        # deck's counts then would only slow down the first card. They are read when the
        # learner comes back here.
        if self.first is not None:
            self.first = None  # shown at mount, fresh
        elif self.is_active:
            self.reload()

    def reload(self) -> None:
        """Read the counts again (after a session, an import, a change in Browse)."""
        self._load()

    @work(exclusive=True, group="home")
    async def _load(self) -> None:
        app = self.study_app

        def read(ws: Workspace) -> Overview:
            with ws.database.store() as store:
                return overview(store, ws.learner_id, ws.settings, ws.today())

        try:
            data = await app.run_db(read, await app.open_workspace())
        except Exception as error:
            self.query_one("#home-today", Static).update("")
            self._message(f"The decks cannot be read: {error_message(error)}")
            return
        self._show(data)
        self._count_profiles()

    @work(exclusive=True, group="profiles")
    async def _count_profiles(self) -> None:
        """Offer the Class screen once the database holds two profiles or more."""
        app = self.study_app
        try:
            self.class_size = await app.run_db(_class_size, await app.open_workspace())
        except Exception:
            return  # the deck list says what is wrong with the database
        self.refresh_bindings()

    def _message(self, text: str) -> None:
        message = self.query_one("#home-message", Static)
        message.update(Content(text))
        message.display = bool(text)

    def _show(self, data: Overview) -> None:
        self.data = data
        self._show_decks()
        self._show_today(data)

    def _show_decks(self) -> None:
        """Fill the table from the last counts read, keeping the cursor on its deck."""
        data = self.data
        if data is None:  # nothing read yet
            return
        table = self.query_one("#decks", DataTable)
        selected = self._selected_key()
        # clear() scrolls to the top; a fold should not move the rows under the eye.
        scrolled = table.scroll_y
        table.clear()
        self.nodes = {}
        if not data.decks:
            self._message(
                "No decks yet. Press i to import a deck file, or make one from your notes "
                "with `study generate NOTES.md --import`."
            )
            return
        self._message("")
        counts = data.all_counts
        table.add_row(
            rich_text(self.app, ("All decks", "bold")),
            *self._count_cells(counts.new, counts.learning, counts.due, data.cards),
            key=ALL,
        )
        for node, guide in tree_rows(data.decks, self.folded):
            self.nodes[node.path] = node
            name = rich_text(
                self.app,
                (guide, "$text-muted"),
                (fold_marker(node, self.folded), "$text-accent"),
                printable(node.label),
            )
            table.add_row(
                name,
                *self._count_cells(
                    node.counts.new, node.counts.learning, node.counts.due, node.cards
                ),
                key=node.path,
            )
        table.call_after_refresh(table.scroll_to, y=scrolled, animate=False)
        self._move_to(selected)

    def _move_to(self, key: str | None) -> None:
        keys = [ALL, *self.nodes]
        if key in keys:
            self.query_one("#decks", DataTable).move_cursor(row=keys.index(key), animate=False)

    def _count_cells(self, new: int, learning: int, due: int, cards: int) -> list[Text]:
        cells = [
            rich_text(self.app, (str(value).rjust(COUNT_WIDTH), style if value else "$text-muted"))
            for value, style in ((new, NEW_STYLE), (learning, LEARNING_STYLE), (due, DUE_STYLE))
        ]
        cells.append(rich_text(self.app, (str(cards).rjust(COUNT_WIDTH), "$text-muted")))
        return cells

    def _show_today(self, data: Overview) -> None:
        done = data.done
        if done.reviews:
            work_done: list[str | tuple[str, str]] = [
                ("Today ", "bold"),
                f"{done.reviews} answered · {done.correct_percent:.0f}% correct · "
                f"{duration(done.time_ms)}",
            ]
        else:
            work_done = [("Today ", "bold"), ("nothing studied yet", "$text-muted")]
        counts = data.all_counts
        to_do = [("   To study ", "bold"), *count_parts(counts.new, counts.learning, counts.due)]
        self.query_one("#home-today", Static).update(Content.assemble(*work_done, *to_do))
        days = data.streak
        streak = (
            Content.assemble(("streak ", "$text-muted"), (f"{days} day", "bold $text-warning"))
            + ("s" if days != 1 else "")
            if days
            else Content.styled("no streak yet", "$text-muted")
        )
        self.query_one("#home-streak", Static).update(streak)

    def _selected_key(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value) if row_key.value is not None else None

    def selected_scope(self) -> DeckScope | None:
        """The decks of the row under the cursor (None: no decks at all)."""
        key = self._selected_key()
        if key is None:
            return None
        if key == ALL:
            return DeckScope()
        return DeckScope(list(self.nodes[key].deck_ids))

    # ------------------------------------------------------------ actions

    async def _workspace_open(self) -> bool:
        """Whether the workspace is open, waiting for it if the app started from a deck
        list read before it (a key pressed in that moment is not lost)."""
        try:
            await self.study_app.open_workspace()
        except Exception as error:
            self._message(f"The decks cannot be opened: {error_message(error)}")
            return False
        return True

    @on(DataTable.RowHighlighted, "#decks")
    def _selected(self) -> None:
        self._check_limits()

    @work(exclusive=True, group="home-limits")
    async def _check_limits(self) -> None:
        """Say when the daily limits hold back cards of the selected deck (and offer m)."""
        scope, key = self.selected_scope(), self._selected_key()
        if scope is None or key is None or self.data is None or self.study_app.opened is None:
            return
        counts = self.data.all_counts if key == ALL else self.nodes[key].counts
        ws = self.study_app.workspace

        def read() -> Waiting:
            with ws.database.store() as store:
                return waiting(store, ws.learner_id, ws.settings, scope, ws.today())

        try:
            found = await self.study_app.run_db(read)
        except Exception:
            return  # the counts above already say what can be studied
        # A kind the deck shows none of, while some are studiable: the limit holds them.
        self.held = Waiting(
            new=found.new if counts.new == 0 else 0, due=found.due if counts.due == 0 else 0
        )
        held = held_back(self.held)
        self._message(
            f"Daily limit reached: {held} wait here. m: study more today." if held else ""
        )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return bool(self.held.new or self.held.due)
        if action == "class":
            return self.class_size > 1  # one profile: no class to show
        return True

    async def action_more(self) -> None:
        """Study the selected deck with today's limits raised once (Anki's custom study)."""
        from study.domain.config import raised_limits
        from study.tui.screens.review import ReviewScreen

        scope = self.selected_scope()
        if scope is None or not (self.held.new or self.held.due):
            return
        settings = self.study_app.workspace.settings
        raised = raised_limits(settings, *extra_today(self.held, settings))
        self.app.push_screen(ReviewScreen(scope, title=self._selected_title(), settings=raised))

    async def action_study(self) -> None:
        from study.tui.screens.review import ReviewScreen

        if not await self._workspace_open():
            return
        scope = self.selected_scope()
        if scope is None:
            self.notify("There are no decks to study yet: press i to import one.")
            return
        self.app.push_screen(ReviewScreen(scope, title=self._selected_title()))

    @on(DataTable.RowSelected, "#decks")
    async def _row_chosen(self) -> None:
        await self.action_study()

    def _selected_title(self) -> str:
        key = self._selected_key()
        return "All decks" if key in (None, ALL) else str(key)

    async def action_cram(self) -> None:
        from study.tui.screens.dialogs import CramDialog
        from study.tui.screens.review import ReviewScreen

        if not await self._workspace_open():
            return

        def chosen(choice: tuple[DeckScope, str] | None) -> None:
            if choice is not None:
                scope, title = choice
                self.app.push_screen(ReviewScreen(scope, cram=True, title=title))

        nodes = self.data.flat() if self.data else []
        self.app.push_screen(CramDialog(nodes), chosen)

    def action_fold(self) -> None:
        """Fold the deck under the cursor; on a leaf or a folded deck, go to its parent."""
        node = self._selected_node()
        if node is None:
            return
        if node.children and node.path not in self.folded:
            self.folded.add(node.path)
            self._show_decks()
        else:
            self._move_to(parent_path(node.path))

    def action_unfold(self) -> None:
        """Unfold the deck under the cursor; if it is open already, go to its first child."""
        node = self._selected_node()
        if node is None or not node.children:
            return
        if node.path in self.folded:
            self.folded.discard(node.path)
            self._show_decks()
        else:
            self._move_to(node.children[0].path)

    def action_toggle_fold(self) -> None:
        """Fold or unfold the deck under the cursor (a leaf has nothing to fold)."""
        node = self._selected_node()
        if node is not None and node.children:
            self.folded ^= {node.path}
            self._show_decks()

    def _selected_node(self) -> DeckNode | None:
        """The deck under the cursor (None on the All decks row, or with no decks)."""
        return self.nodes.get(self._selected_key() or ALL)

    async def action_browse(self) -> None:
        from study.tui.screens.browse import BrowseScreen

        if not await self._workspace_open():
            return
        self.app.push_screen(BrowseScreen())

    async def action_stats(self) -> None:
        from study.tui.screens.stats import StatsScreen

        if not await self._workspace_open():
            return
        scope = self.selected_scope()
        if scope is None or scope.deck_ids is None:
            self.app.push_screen(StatsScreen())
        else:
            self.app.push_screen(StatsScreen(scope.deck_ids, self._selected_title()))

    async def action_class(self) -> None:
        from study.tui.screens.class_view import ClassScreen

        if not await self._workspace_open():
            return
        self.app.push_screen(ClassScreen())

    async def action_import(self) -> None:
        from study.tui.screens.dialogs import ImportDialog

        if not await self._workspace_open():
            return

        def imported(summary: str | None) -> None:
            if summary:
                self.notify(summary, title="Imported", markup=False)
                self.reload()

        self.app.push_screen(ImportDialog(), imported)


def _class_size(workspace: Workspace) -> int:
    """The number of profiles, read in a worker thread: study.services.class_stats imports
    SQLAlchemy, which must load neither before the deck list is drawn (issue 9) nor on
    the event loop, where it would hold up the first frames."""
    from study.services.class_stats import class_size

    return class_size(workspace.database)
