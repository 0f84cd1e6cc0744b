"""The study app: a thin Textual layer over the core.

Screens ask the core (session, overview, browse, library) and show what it says; they
never run SQL or compute a schedule. Database work runs in a thread (:meth:`StudyApp.run_db`)
so the screen stays responsive, and every error the learner can meet is shown as one
clear line, never a traceback.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from study.domain.config import DEFAULT_PROFILE, Settings, load_settings, save_settings, set_setting
from study.domain.errors import UserError
from study.services.queue import DeckScope
from study.tui.host import APP_BINDINGS, EditorRunner, StudyHost, error_message

if TYPE_CHECKING:  # loaded when needed: `study review` draws a card before SQLAlchemy loads
    from study.services.browse import CardLocation
    from study.services.first_card import FirstView
    from study.services.overview import Overview
    from study.services.workspace import Workspace

T = TypeVar("T")

DARK, LIGHT = "textual-dark", "textual-light"


def run_editor_suspended(app: App[Any], location: CardLocation) -> str | None:
    """Hand the terminal to $VISUAL/$EDITOR at the card's line, and take it back."""
    from study.services.browse import NoEditorError, editor_command

    try:
        command = editor_command(location)
    except NoEditorError as error:
        return str(error)
    try:
        with app.suspend():
            result = subprocess.run(command, check=False)
    except FileNotFoundError:
        return f"editor {command[0]!r} not found; set $EDITOR (for example EDITOR=nano)"
    except Exception as error:  # SuspendNotSupported and the like
        return f"cannot open an editor here ({error})"
    if result.returncode != 0:
        return f"the editor exited with status {result.returncode}; nothing was re-imported"
    return None


class StudyApp(App[None]):
    """Home, review, browse, stats and help screens over one open workspace.

    ``timer`` measures answer times (monotonic seconds) and ``run_editor`` opens the
    learner's editor; tests pass their own. Started from a first screen read before
    SQLAlchemy loaded (``first`` for review, ``first_home`` for the deck list; see
    :func:`run_from_first_screen`), the app has no workspace until ``opener`` has run.
    """

    CSS_PATH = "app.tcss"
    TITLE = "study"
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        workspace: Workspace | None,
        *,
        start: str = "home",
        scope: DeckScope | None = None,
        cram: bool = False,
        timer: Callable[[], float] = time.monotonic,
        run_editor: EditorRunner = run_editor_suspended,
        first: FirstView | None = None,
        first_home: Overview | None = None,
        opener: Callable[[], Workspace] | None = None,
        settings: Settings | None = None,
        profile: str | None = None,
    ) -> None:
        super().__init__()
        if start not in ("home", "review"):
            raise ValueError(f"start must be 'home' or 'review', not {start!r}")
        if workspace is None and (
            (first is None and first_home is None) or opener is None or settings is None
        ):
            raise ValueError("without a workspace, give a first screen, opener and settings")
        self.opened: Workspace | None = workspace
        # The learner, named in the screens' titles unless it is the default one.
        self.profile = profile or (workspace.learner_name if workspace else DEFAULT_PROFILE)
        self.opener = opener
        self.first = first
        self.first_home = first_home
        self._opening: asyncio.Future[Workspace] | None = None
        self.start = start
        self.start_scope = scope or DeckScope()
        self.start_cram = cram
        self.timer = timer
        self.run_editor = run_editor
        theme = (settings or workspace.settings).theme  # type: ignore[union-attr]
        theme = {"dark": DARK, "light": LIGHT}.get(theme, theme)
        self.theme = theme if theme in self.available_themes else DARK

    @property
    def workspace(self) -> Workspace:
        """The open workspace (every screen but a first card's review starts after it)."""
        if self.opened is None:
            raise RuntimeError("the workspace is still opening")
        return self.opened

    def begin_opening(self) -> None:
        """Start opening the workspace in a thread (once; a first screen calls this when
        it is drawn, so loading SQLAlchemy never holds up that frame)."""
        if self.opened is None and self._opening is None:
            opener = self.opener
            assert opener is not None

            def open_it() -> Workspace:
                # Kept as soon as it is open, so the app closes it even if it quits
                # before any screen asked for it.
                self.opened = opener()
                return self.opened

            self._opening = asyncio.ensure_future(self.run_db(open_it))

    async def open_workspace(self) -> Workspace:
        """The workspace: at once when it is open, else when the opening ends (every
        caller waits for the same opening and gets its error, if any)."""
        if self.opened is None:
            self.begin_opening()
            assert self._opening is not None
            self.opened = await self._opening
        return self.opened

    def on_mount(self) -> None:
        from study.tui.screens.review import ReviewScreen

        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.first is not None:
            # The review screen alone: Home (and what it imports) waits until it is asked for.
            self.push_screen(ReviewScreen(self.start_scope, cram=self.start_cram, first=self.first))
            return
        from study.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen(self.first_home))
        if self.start == "review":
            self.push_screen(ReviewScreen(self.start_scope, cram=self.start_cram))

    def switch_to_home(self) -> None:
        """Put the deck list in place of the screen (a review started alone leaves to it)."""
        from study.tui.screens.home import HomeScreen

        self.switch_screen(HomeScreen())

    # ------------------------------------------------------------ database work

    async def run_db(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking core work in a thread; the event loop keeps drawing meanwhile."""
        return await asyncio.to_thread(work, *args)

    def show_error(self, error: BaseException, *, title: str = "") -> None:
        """Tell the learner what went wrong, in one notification."""
        self.notify(error_message(error), title=title, severity="error", markup=False, timeout=8)

    # ------------------------------------------------------------ app-wide actions

    def profile_label(self) -> str:
        """`` · profile NAME`` for a learner other than ``default``, else nothing."""
        return "" if self.profile == DEFAULT_PROFILE else f" · profile {self.profile}"

    def action_help(self) -> None:
        from study.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(type(self.screen)))

    def action_toggle_theme(self) -> None:
        """Switch dark/light (remembered by :meth:`_remember_theme`)."""
        self.theme = LIGHT if self.theme == DARK else DARK

    def _remember_theme(self, theme: Theme) -> None:
        """Save the theme in the settings, however it was chosen (ctrl+t, the palette)."""
        choice = {DARK: "dark", LIGHT: "light"}.get(theme.name, theme.name)
        try:
            settings = load_settings()
            if settings.theme != choice:
                save_settings(set_setting(settings, "theme", choice))
        except (UserError, OSError) as error:
            self.notify(f"The theme is not saved: {error}", severity="warning")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists what the current screen can do, then the app-wide commands."""
        seen: set[str] = set()
        for binding in _screen_bindings(screen):
            if not binding.description or binding.action in seen or binding.action == "app.help":
                continue  # (Help is listed once, below)
            if screen.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} (key: {_key_name(binding)})",
                _runner(screen, binding.action),
            )
        yield SystemCommand(
            "Help", "Every key, and what the grades mean (key: F1)", self.action_help
        )
        yield SystemCommand(
            "Toggle dark / light theme",
            "Switch the colours (key: ctrl+t)",
            self.action_toggle_theme,
        )
        yield from super().get_system_commands(screen)


def _screen_bindings(screen: Screen[Any]) -> list[Binding]:
    bindings: list[Binding] = []
    for item in getattr(type(screen), "BINDINGS", []):
        if isinstance(item, Binding):
            bindings.append(item)
    return bindings


def _key_name(binding: Binding) -> str:
    return binding.key_display or binding.key.split(",")[0]


def _runner(screen: Screen[Any], action: str) -> Callable[[], Any]:
    async def run() -> None:
        await screen.run_action(action)

    return run


def run_app(workspace: Workspace, *, start: str, scope: DeckScope, cram: bool) -> None:
    """Run the app on ``workspace`` until the learner quits (what ``study`` calls)."""
    StudyApp(workspace, start=start, scope=scope, cram=cram).run()


def run_from_first_screen(
    opener: Callable[[], Workspace],
    settings: Settings,
    *,
    first: FirstView | None = None,
    first_home: Overview | None = None,
    scope: DeckScope | None = None,
    cram: bool = False,
    profile: str | None = None,
) -> None:
    """``study review`` from a card, or ``study`` from a deck list, read before SQLAlchemy
    loaded (see study.services.first_card): the workspace is opened once that screen is drawn, and
    closed when the app ends."""
    app = StudyApp(
        None,
        start="review" if first is not None else "home",
        scope=scope,
        cram=cram,
        first=first,
        first_home=first_home,
        opener=opener,
        settings=settings,
        profile=profile,
    )
    try:
        app.run()
    finally:
        if app.opened is not None:
            app.opened.close()


if TYPE_CHECKING:  # mypy checks that the app gives its screens what they ask of it
    _HOST: type[StudyHost] = StudyApp
