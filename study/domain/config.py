"""Settings: one TOML file with documented defaults, loaded once and passed down.

Where things live: ``STUDY_HOME`` (if set) holds ``settings.toml``, ``study.db`` and
``decks/`` (copies of bundled decks made to edit them); otherwise the platformdirs user
config and user data directories for ``study``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from study.domain.cards import printable
from study.domain.decks.writing import toml_string
from study.domain.errors import StorageError, UserError

APP_NAME = "study"


class SettingsError(UserError):
    """A settings file or value that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class DeckLimits:
    """Daily limits that can be set per deck (they include the deck's child decks). In
    ``Settings.deck_limits`` a limit left None follows the global setting, whenever it
    changes; :meth:`Settings.limits_for` gives both as numbers."""

    new_per_day: int | None = 20
    reviews_per_day: int | None = 200


_PER_DECK = ("new_per_day", "reviews_per_day")

# Each setting: its default (from the dataclass) and the line the README and `study config` show.
DESCRIPTIONS: dict[str, str] = {
    "new_per_day": "new cards introduced per day (per deck, child decks included)",
    "reviews_per_day": "scheduled reviews per day (per deck, child decks included)",
    "day_starts_at": "hour (0-23, local time) at which a new study day begins",
    "timezone": "IANA time zone of the learner, e.g. Europe/Paris ('' = this computer's)",
    "theme": "'dark', 'light', or a theme the app's palette offers (e.g. 'nord')",
    "bury_siblings": "bury the other cloze cards of a note until the next day",
    "leech_threshold": "lapses after which a card is a leech",
    "leech_action": "'suspend' a leech, or only 'flag' it",
    "drill_gap": "cards shown before a drilled card comes back",
    "synchronous": "'NORMAL' (durable across app crashes) or 'FULL' (also power loss)",
    "backups_kept": "how many daily backups to keep (at least 1)",
    "daily_backup": "back up the database once a day on first use",
}


@dataclass(frozen=True)
class Settings:
    """Every setting with its default; ``deck_limits`` holds per-deck overrides."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4
    timezone: str = ""
    theme: str = "dark"
    bury_siblings: bool = True
    leech_threshold: int = 8
    leech_action: str = "suspend"
    drill_gap: int = 3
    synchronous: str = "NORMAL"
    backups_kept: int = 7
    daily_backup: bool = True
    deck_limits: dict[str, DeckLimits] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """The learner's time zone: the setting, or this computer's."""
        return ZoneInfo(self.timezone) if self.timezone else local_zone()

    def limits_for(self, deck_id: str) -> DeckLimits:
        """The daily limits of one deck (an id, or the name of a parent that is only a
        name prefix): each its override, else the global one."""
        own = self.deck_limits.get(deck_id, DeckLimits(None, None))
        return DeckLimits(
            self.new_per_day if own.new_per_day is None else own.new_per_day,
            self.reviews_per_day if own.reviews_per_day is None else own.reviews_per_day,
        )


def raised_limits(settings: Settings, new: int, reviews: int) -> Settings:
    """``settings`` with every daily limit (global and per deck) raised by ``new`` new
    cards and ``reviews`` reviews: "study more today", for one sitting (nothing saved)."""

    def more(limits: DeckLimits) -> DeckLimits:
        return DeckLimits(
            None if limits.new_per_day is None else limits.new_per_day + new,
            None if limits.reviews_per_day is None else limits.reviews_per_day + reviews,
        )

    return replace(
        settings,
        new_per_day=settings.new_per_day + new,
        reviews_per_day=settings.reviews_per_day + reviews,
        deck_limits={deck: more(limits) for deck, limits in settings.deck_limits.items()},
    )


def local_zone() -> ZoneInfo:
    """This computer's IANA zone, or UTC when it cannot be found."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError, LookupError):
        return ZoneInfo("UTC")


def home_override() -> Path | None:
    """``STUDY_HOME``, which keeps settings and data together (tests, portable installs)."""
    value = os.environ.get("STUDY_HOME")
    return Path(value) if value else None


def config_dir() -> Path:
    """Where ``settings.toml`` lives."""
    return home_override() or Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Where the database, backups and exports live by default."""
    return home_override() or Path(platformdirs.user_data_dir(APP_NAME))


def decks_dir() -> Path:
    """Where the learner's own copies of bundled decks go (``study copy-deck``, ``e``):
    one folder per deck, ``<data dir>/decks/<deck id>/``, its material beside it."""
    return data_dir() / "decks"


def settings_path() -> Path:
    """The settings file."""
    return config_dir() / "settings.toml"


def _check(name: str, value: Any) -> Any:
    """Validate one setting's value, converting strings typed on the command line."""
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        if isinstance(value, str):
            if value.lower() in ("true", "yes", "on", "1"):
                return True
            if value.lower() in ("false", "no", "off", "0"):
                return False
        if not isinstance(value, bool):
            raise SettingsError(f"{name} must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, str):
            # isdigit() accepts '²', which int() refuses: ask int() itself.
            with contextlib.suppress(ValueError):
                value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"{name} must be a whole number of 0 or more, not {value!r}")
        if name == "day_starts_at" and value > 23:
            raise SettingsError("day_starts_at must be an hour from 0 to 23")
        if name == "backups_kept" and value < 1:
            raise SettingsError("backups_kept must be at least 1 (the newest backup is kept)")
        if name == "leech_threshold" and value < 1:
            raise SettingsError("leech_threshold must be at least 1 (lapses before a leech)")
        return value
    if not isinstance(value, str):
        raise SettingsError(f"{name} must be text, not {value!r}")
    if name == "theme" and not re.fullmatch(r"[a-z0-9-]+", value):
        raise SettingsError(f"theme must be dark, light or a theme's name, not {value!r}")
    choices = {
        "leech_action": ("suspend", "flag"),
        "synchronous": ("NORMAL", "FULL"),
    }
    if name == "synchronous":
        value = value.upper()
    if name in choices and value not in choices[name]:
        raise SettingsError(f"{name} must be one of {', '.join(choices[name])}, not {value!r}")
    if name == "timezone" and value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/London"
            ) from None
    return value


def fields_of(settings: Settings) -> list[str]:
    """The names of the global settings, in the documented order."""
    return [f.name for f in fields(settings) if f.name != "deck_limits"]


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (missing file: defaults); raise SettingsError if it is invalid."""
    path = path or settings_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: cannot read settings ({error}); fix or delete it") from None
    values: dict[str, Any] = {}
    limits: dict[str, DeckLimits] = {}
    for key, value in data.items():
        if key == "decks" and isinstance(value, dict):
            for deck_id, overrides in value.items():
                if not isinstance(overrides, dict):
                    raise SettingsError(f"{path}: [decks.{deck_id}] must be a table")
                unknown = set(overrides) - {"new_per_day", "reviews_per_day"}
                if unknown:
                    raise SettingsError(
                        f"{path}: unknown per-deck setting {sorted(unknown)[0]!r} "
                        "(per deck: new_per_day, reviews_per_day)"
                    )
                # A limit the table leaves out follows the global setting.
                try:
                    limits[deck_id] = DeckLimits(
                        **{
                            k: _check(k, overrides.get(k)) if k in overrides else None
                            for k in _PER_DECK
                        }
                    )
                except SettingsError as error:
                    raise SettingsError(f"{path}: [decks.{deck_id}] {error}") from None
        elif key in DESCRIPTIONS:
            try:
                values[key] = _check(key, value)
            except SettingsError as error:
                raise SettingsError(f"{path}: {error}") from None
        else:
            raise SettingsError(f"{path}: unknown setting {key!r}; see `study config`")
    return replace(Settings(**values), deck_limits=limits)


def shown_value(value: bool | int | str) -> str:
    """A setting's value as TOML writes it (and `study config` shows it): true, 20, "nord"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else toml_string(value)


def dump_settings(settings: Settings) -> str:
    """The settings file text: every setting with its description as a comment."""
    lines = ["# study settings; `study config KEY VALUE` changes one", ""]
    for name in fields_of(settings):
        lines += [f"# {DESCRIPTIONS[name]}", f"{name} = {shown_value(getattr(settings, name))}", ""]
    for deck_id, limits in sorted(settings.deck_limits.items()):
        lines.append(f"[decks.{toml_string(deck_id)}]")
        lines += [
            f"{k} = {getattr(limits, k)}" for k in _PER_DECK if getattr(limits, k) is not None
        ]
        lines.append("")
    return "\n".join(lines)


def set_setting(settings: Settings, key: str, value: str, deck: str | None = None) -> Settings:
    """Return ``settings`` with one setting changed (per deck when ``deck`` is given)."""
    if deck is not None:
        if key not in ("new_per_day", "reviews_per_day"):
            raise SettingsError(f"{key} cannot be set per deck (per deck: daily limits only)")
        current = settings.deck_limits.get(deck, DeckLimits(None, None))
        limits = dict(settings.deck_limits)
        limits[deck] = replace(current, **{key: _check(key, value)})
        return replace(settings, deck_limits=limits)
    if key not in DESCRIPTIONS:
        raise SettingsError(f"unknown setting {key!r}; `study config` lists them")
    return replace(settings, **{key: _check(key, value)})


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings file atomically."""
    path = path or settings_path()
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(dump_settings(settings), encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)  # never a half-written file left behind
        raise StorageError(
            f"cannot write {path} ({error.strerror or error}); the settings are unchanged: "
            "free some disk space or check the folder's permissions"
        ) from None


def database_url(option: str | None) -> str:
    """``--db``, else ``STUDY_DB``, else the SQLite file in the data directory.

    A plain path is taken as an SQLite file.
    """
    given = option or os.environ.get("STUDY_DB")
    url = given or str(data_dir() / "study.db")
    if "://" not in url:
        path = Path(url).expanduser().resolve()
        if given and not path.parent.is_dir():
            # A typo must not create folders and an empty database: only study's own
            # data folder is made on first use.
            raise SettingsError(
                f"--db {given}: the folder {path.parent} does not exist; "
                "create it first, or give another path"
            )
        url = f"sqlite:///{path}"
    return url


DEFAULT_PROFILE = "default"


def profile_name(option: str | None) -> str:
    """``--profile``, else ``STUDY_PROFILE``, else ``default``; checked like a new name."""
    return check_profile_name(option or os.environ.get("STUDY_PROFILE") or DEFAULT_PROFILE)


def check_profile_name(name: str) -> str:
    """``name`` if it can name a profile: 1 to 64 characters, every one printable.

    The whole name is checked (a trailing newline or an escape sequence would make a
    name that prints like another, or acts on the terminal).
    """
    if not name.strip() or len(name) > 64 or printable(name, keep_newlines=False) != name:
        raise SettingsError(
            f"{printable(name, keep_newlines=False)!r} cannot name a profile: "
            "a profile name is 1 to 64 printable characters"
        )
    return name
