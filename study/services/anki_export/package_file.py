"""The package file: its default name, the checks before an existing file is replaced,
the temporary files it is written through, and the zip around the collection."""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from study.services.anki_export.notes import AnkiExportError

DEFAULT_PACKAGE = "study.apkg"


def default_package_path(deck_ids: list[str] | None, deck_names: dict[str, str]) -> Path:
    """``<deck-id>.apkg`` when the chosen decks form one tree (a deck with its children),
    else ``study.apkg``; in the current folder."""
    if deck_ids:
        chosen = {deck_names[d]: d for d in deck_ids if d in deck_names}
        roots = [
            deck_id
            for name, deck_id in chosen.items()
            if not any(name.startswith(other + "::") for other in chosen if other != name)
        ]
        if len(roots) == 1:
            return Path(f"{roots[0]}.apkg")
    return Path(DEFAULT_PACKAGE)


def check_target(target: Path, *, force: bool) -> None:
    """Refuse a ``target`` that must not be replaced: a folder, a missing folder, anything
    but a regular file, or a file study did not write (unless ``force``)."""
    if target.is_dir():
        raise AnkiExportError(f"{target} is a folder; give a package file name with -o")
    if not target.parent.is_dir():
        raise AnkiExportError(f"cannot write {target}: folder {target.parent} does not exist")
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_file():
        raise AnkiExportError(
            f"{target} exists and is not a regular file; give another file name with -o"
        )
    if not force and not _written_here(target):
        raise AnkiExportError(
            f"{target} exists and is not a package study wrote; nothing was written "
            "(give another file name with -o, or --force to replace it)"
        )


PACKAGE_COMMENT = b"written by study"


def _written_here(path: Path) -> bool:
    """Whether ``path`` is an Anki package this app wrote (so re-exporting may replace it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(archive.namelist())
            return archive.comment == PACKAGE_COMMENT or names == ["collection.anki2", "media"]
    except (OSError, zipfile.BadZipFile):
        return False


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextlib.contextmanager
def temporary_file(directory: Path | None, name: str) -> Iterator[Path]:
    """A fresh temporary file path (in ``directory``), removed afterwards if still there."""
    try:
        handle, raw = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise AnkiExportError(
            f"cannot write in {directory or tempfile.gettempdir()} ({error.strerror})"
        ) from None
    os.close(handle)
    temporary = Path(raw)
    try:
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def zip_package(collection: Path, package: Path) -> None:
    """Write the package: the collection file and an empty media list, zipped."""
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.comment = PACKAGE_COMMENT  # lets a later export replace it without --force
        archive.write(collection, "collection.anki2")
        archive.writestr("media", "{}")
