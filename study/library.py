"""The learner's library: importing deck files (validated first, then one transaction)
and keeping the bundled decks up to date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from study.decks import (
    DeckError,
    DeckSpec,
    bundled_deck_files,
    load_deck,
    stale_bundled_decks,
)
from study.storage.database import Database
from study.storage.models import Deck
from study.storage.repository import ImportResult, import_deck


@dataclass(frozen=True)
class LoadedDeck:
    """A validated deck file with the material texts it cites."""

    spec: DeckSpec
    path: Path
    materials: dict[str, str]
    warnings: tuple[str, ...]


def load_deck_files(paths: Sequence[Path]) -> list[LoadedDeck]:
    """Validate every file first; raise one DeckError listing every problem of every file."""
    problems: list[str] = []
    loaded: list[LoadedDeck] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            spec = load_deck(path)
        except DeckError as error:
            problems += error.problems
            continue
        if spec.id in seen:
            problems.append(f"{path}:1: deck id {spec.id!r} is also the id of {seen[spec.id]}")
            continue
        seen[spec.id] = path
        materials, warnings = _read_materials(spec, path)
        loaded.append(LoadedDeck(spec, path, materials, tuple(warnings)))
    if problems:
        raise DeckError(problems)
    return loaded


def _read_materials(spec: DeckSpec, path: Path) -> tuple[dict[str, str], list[str]]:
    files = set(spec.material) | {n.source.file for n in spec.notes if n.source and n.source.file}
    materials: dict[str, str] = {}
    warnings: list[str] = []
    for name in sorted(files):
        try:
            materials[name] = (path.parent / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            warnings.append(
                f"{path}: material file {name!r} not found or unreadable; "
                "its cards import, but their passage cannot be shown"
            )
    return materials, warnings


def import_deck_files(
    database: Database, paths: Sequence[Path], now: datetime, *, bundled: bool = False
) -> list[ImportResult]:
    """Validate ``paths``, then import them all in one transaction (all or nothing)."""
    loaded = load_deck_files(paths)

    def work(session: Session) -> list[ImportResult]:
        results = []
        for deck in loaded:
            result = import_deck(
                session,
                deck.spec,
                materials=deck.materials,
                now=now,
                file_path=str(deck.path.resolve()),
                bundled=bundled,
            )
            result.warnings += list(deck.warnings)
            results.append(result)
        return results

    return database.write(work)


def sync_bundled_decks(database: Database, now: datetime) -> list[ImportResult]:
    """Import bundled decks that are missing or older than the shipped version.

    Runs at every start, so it reads only each file's ``[deck]`` header (id and
    version); a file is parsed in full only when it is to be imported.
    """
    with database.session() as session:
        versions = dict(session.exec(select(Deck.id, Deck.version)).all())
    stale = stale_bundled_decks(bundled_deck_files(), versions)
    return import_deck_files(database, stale, now, bundled=True) if stale else []
