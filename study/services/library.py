"""The learner's library: importing deck files (validated first, then one transaction)
and keeping the bundled decks up to date."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from study.domain.config import decks_dir
from study.domain.decks import DeckError, DeckSpec, bundled_deck_files, name_clash
from study.domain.decks.lines import name_line
from study.domain.decks.reading import deck_header, load_deck, stale_bundled_decks
from study.domain.errors import UserError
from study.domain.material import MaterialError, read_material
from study.storage.database import Database, Session
from study.storage.deck_import import (
    CardIdTakenError,
    ImportResult,
    import_deck,
    note_hashes,
    plan_import,
)
from study.storage.decks import bundled_versions, deck_by_id, list_decks, own_decks
from study.storage.errors import NotFoundError
from study.storage.models import Deck


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
        if clash := name_clash(spec.name, (d.spec.name for d in loaded)):
            problems.append(_clash_problem(spec, path, clash))
            continue
        seen[spec.id] = path
        try:
            materials, warnings = _read_materials(spec, path)
        except DeckError as error:
            problems += error.problems
            continue
        loaded.append(LoadedDeck(spec, path, materials, tuple(warnings)))
    if problems:
        raise DeckError(problems)
    return loaded


def _read_materials(spec: DeckSpec, path: Path) -> tuple[dict[str, str], list[str]]:
    """The material texts a deck file cites; a missing or undecodable file is a warning.

    The validator already refused files outside the deck file's folder; reading checks
    again (see :mod:`study.domain.material`), so a file swapped meanwhile is refused too.
    """
    files = _cited_files(spec)
    materials: dict[str, str] = {}
    warnings: list[str] = []
    problems: list[str] = []
    for name in sorted(files):
        try:
            text = read_material(path.parent, name)
        except MaterialError as error:
            problems.append(f"{path}:1: material file {name!r} {error}")
            continue
        except UnicodeDecodeError:
            text = None
        if text is None:
            warnings.append(
                f"{path}: material file {name!r} not found or unreadable; "
                "its cards import, but their passage cannot be shown"
            )
        else:
            materials[name] = text
    if problems:
        raise DeckError(problems)
    return materials, warnings


def _cited_files(spec: DeckSpec) -> set[str]:
    """The material files a deck cites (its ``material`` and its notes' sources)."""
    return set(spec.material) | {n.source.file for n in spec.notes if n.source and n.source.file}


def _clash_problem(spec: DeckSpec, path: Path, other: str) -> str:
    return (
        f"{path}:{name_line(path)}: deck name {spec.name!r} differs from deck {other!r} "
        "only in case, and Anki would merge them; use the same spelling"
    )


class DeckOwnedError(UserError):
    """A deck file whose id belongs to another deck (bundled, or from another file)."""


# The version a bundled deck's row stands for once the learner replaced it with a file
# of their own: no shipped version is newer, so the bundle never overwrites the copy.
REPLACED_VERSION = 2**31 - 1


def import_deck_files(
    database: Database,
    paths: Sequence[Path],
    now: datetime,
    *,
    bundled: bool = False,
    replace: bool = False,
) -> list[ImportResult]:
    """Validate ``paths``, then import them all in one transaction (all or nothing).

    A deck id that belongs to a bundled deck, or to a deck imported from another file,
    is refused (DeckOwnedError, nothing imported) unless ``replace``: a shared file
    cannot take over a deck by reusing its id.
    """
    loaded = load_deck_files(paths)
    shipped = {str(path.resolve()) for path in bundled_deck_files()}
    # Worked out before the write lock is taken (a read), so other windows wait only
    # for the writing; import_deck works it out again if the deck changed meanwhile.
    digests = [note_hashes(deck.spec) for deck in loaded]
    with database.session() as reading:
        plans = [
            plan_import(reading.connection(), deck.spec, hashes, now)
            for deck, hashes in zip(loaded, digests, strict=True)
        ]

    def work(session: Session) -> list[ImportResult]:
        others = {d.id: d.name for d in list_decks(session)}
        problems = []
        for deck in loaded:
            names = (name for deck_id, name in others.items() if deck_id != deck.spec.id)
            if clash := name_clash(deck.spec.name, names):
                problems.append(_clash_problem(deck.spec, deck.path, clash))
        if problems:
            raise DeckError(problems)
        results = []
        for deck, hashes, plan in zip(loaded, digests, plans, strict=True):
            file_path = str(deck.path.resolve())
            if not bundled and not replace:
                _check_owner(session, deck, file_path)
            try:
                result = import_deck(
                    session,
                    deck.spec,
                    materials=deck.materials,
                    now=now,
                    file_path=file_path,
                    bundled=bundled or file_path in shipped,  # `import --replace` of a shipped file
                    digests=hashes,
                    plan=plan,
                )
            except CardIdTakenError as error:  # the later files are checked too: all in one go
                problems += _taken_problems(deck, error.taken)
                continue
            result.warnings += list(deck.warnings)
            results.append(result)
        if problems:
            raise DeckError(problems)  # the transaction is rolled back: nothing imported
        return results

    return database.write(work)


def _taken_problems(deck: LoadedDeck, taken: list[tuple[str, str]]) -> list[str]:
    """One ``path:line`` problem per card id of ``deck`` that another deck uses."""
    lines = {note.id: note.line or 1 for note in deck.spec.notes}
    return [
        f"{deck.path}:{lines.get(card, 1)}: card id {card!r} is already used by deck "
        f"{owner!r}; card ids must be unique across decks: give this card another id"
        for card, owner in sorted(taken, key=lambda pair: (lines.get(pair[0], 1), pair[0]))
    ]


def _check_owner(session: Session, deck: LoadedDeck, file_path: str) -> None:
    owner = deck_by_id(session, deck.spec.id)
    if owner is None:
        return
    if owner.bundled:
        whose = f"the bundled deck {owner.name!r}"
    elif owner.file_path and owner.file_path != file_path:
        whose = f"the deck {owner.name!r} imported from {owner.file_path}"
    else:
        return
    raise DeckOwnedError(
        f"{deck.path}:{name_line(deck.path, 'id')}: deck id {deck.spec.id!r} belongs to "
        f"{whose}; nothing imported "
        f"(`study import --replace {deck.path}` replaces that deck with this file)"
    )


def sync_bundled_decks(database: Database, now: datetime) -> list[ImportResult]:
    """Import bundled decks that are missing or older than the shipped version.

    Runs at every start, so it reads only each file's ``[deck]`` header (id and
    version); a file is parsed in full only when it is to be imported. A bundled deck
    the learner replaced with a file of their own is never overwritten
    (:func:`replaced_bundled_decks` reports it).
    """
    with database.session() as session:
        # A bundled id taken over by the learner's own file never counts as out of date.
        versions = bundled_versions(session, REPLACED_VERSION)
    stale = stale_bundled_decks(bundled_deck_files(), versions)
    return import_deck_files(database, stale, now, bundled=True) if stale else []


def replaced_bundled_decks(database: Database) -> list[str]:
    """One line per bundled deck whose id the learner's own deck file took over and
    whose shipped version is later than that file's: the update is not applied, and
    this says how to get it. A copy as recent as the bundle says nothing (the learner
    chose it, and nothing newer is missed)."""
    with database.session() as session:
        owners = {deck.id: deck for deck in own_decks(session)}
    notes: list[str] = []
    for path in bundled_deck_files():
        header = deck_header(path)
        deck_id, version = header if header else (load_deck(path).id, load_deck(path).version)
        owner = owners.get(deck_id)
        if owner is not None and version > owner.version:
            notes.append(
                f"the bundled deck {deck_id!r} (version {version}) is not applied: your deck "
                f"file {owner.file_path or owner.name} (version {owner.version}) replaces it "
                f"(`study import --replace {path}` brings the bundled one back)"
            )
    return notes


@dataclass(frozen=True)
class DeckCopy:
    """The learner's copy of a bundled deck: its deck file, and whether the copy was
    already there (an earlier copy is used as it is, never overwritten)."""

    deck_id: str
    path: Path
    existed: bool


def deck_copy_path(deck_id: str, folder: Path | None = None) -> Path:
    """Where :func:`copy_bundled_deck` puts the copy of deck ``deck_id``:
    ``<folder or decks_dir()>/<deck id>/<deck id>.toml``."""
    return (folder or decks_dir()) / deck_id / f"{deck_id}.toml"


def bundled_deck(database: Database, query: str) -> Deck:
    """The bundled deck whose id or name (any case) is ``query``; NotFoundError when no
    deck is, UserError when the deck is the learner's own file already."""
    with database.session() as session:
        decks = list_decks(session)
    deck = next((d for d in decks if d.id == query), None) or next(
        (d for d in decks if d.name.casefold() == query.casefold()), None
    )
    if deck is None:
        raise NotFoundError(f"no deck {query!r}; `study decks` lists them")
    if not deck.bundled:
        raise UserError(
            f"{deck.name!r} is not a bundled deck: its file {deck.file_path} is yours to edit"
        )
    return deck


def copy_bundled_deck(
    database: Database, query: str, now: datetime, folder: Path | None = None
) -> DeckCopy:
    """Copy the bundled deck ``query`` (id or name) with the material it cites into
    :func:`deck_copy_path`, and import the copy as the deck's owner (the explicit
    take-over of ``study import --replace``).

    The copy keeps the card ids, so the learner's progress is kept. From then on the
    bundle's later versions of the deck are not applied but reported
    (:func:`replaced_bundled_decks`). An earlier copy at that place is imported as it is.
    """
    deck = bundled_deck(database, query)
    target = deck_copy_path(deck.id, folder)
    existed = target.is_file()
    if existed:
        if load_deck(target).id != deck.id:
            raise UserError(
                f"{target} is there already and is not a copy of {deck.id!r}; "
                "move it away and copy again"
            )
    else:
        source = Path(deck.file_path or "")
        if not deck.file_path or not source.is_file():
            raise UserError(
                f"the bundled deck file of {deck.name!r} is gone ({deck.file_path}); "
                "reinstall study to get it back"
            )
        spec = load_deck(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        for name in sorted(_cited_files(spec)):
            if (source.parent / name).is_file():  # a missing one: the import warns
                (target.parent / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source.parent / name, target.parent / name)
        # The deck file last, and whole: a copy interrupted before it leaves no deck.
        temporary = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, temporary)
        temporary.replace(target)
    import_deck_files(database, [target], now, replace=True)
    return DeckCopy(deck.id, target, existed)
