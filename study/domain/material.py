"""The material files a deck file names: read only inside the deck file's own folder.

A deck file is shared between colleagues, so it is untrusted input: its ``material``
list and each card's ``source.file`` may name any path. Only a regular file inside the
deck file's folder (or below it), after symlinks are followed, and at most
:data:`MAX_MATERIAL_BYTES` long is ever read; anything else (``/etc/passwd``,
``../../secret``, a symlink out of the folder, ``/dev/zero``, a FIFO, a folder) is an
error of the deck file, and nothing is read. A file that does not exist is no error:
its cards import, without a passage to show.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Collection, Sequence
from pathlib import Path

MAX_MATERIAL_BYTES = 10_000_000


class MaterialError(ValueError):
    """A material file the deck file may not read; the message says why (no path)."""


def material_path(folder: Path, name: str) -> Path | None:
    """The file ``name`` (relative to the deck file's ``folder``), symlinks resolved.

    None when it does not exist; MaterialError when it is outside ``folder``, not a
    regular file, or larger than :data:`MAX_MATERIAL_BYTES`.
    """
    if not name or "\x00" in name:
        raise MaterialError("is not a file name")
    base = folder.resolve()
    try:
        resolved = (base / name).resolve(strict=True)
    except FileNotFoundError:
        if not (base / name).resolve().is_relative_to(base):
            raise MaterialError(_OUTSIDE) from None
        return None
    except (OSError, RuntimeError) as error:  # a symlink loop, a name too long, no access
        raise MaterialError(f"cannot be opened ({_reason(error)})") from None
    if not resolved.is_relative_to(base):
        raise MaterialError(_OUTSIDE)
    try:
        info = resolved.stat()
    except OSError as error:
        raise MaterialError(f"cannot be opened ({_reason(error)})") from None
    _check_kind(info)
    return resolved


def read_material(folder: Path, name: str) -> str | None:
    """The text of material file ``name``; None when it does not exist.

    Checked as :func:`material_path` says, and again on the open file (a FIFO never
    blocks, a file that grew is not read past the limit). MaterialError for a file the
    deck may not read, UnicodeDecodeError for one that is not UTF-8.
    """
    path = material_path(folder, name)
    if path is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise MaterialError(f"cannot be opened ({_reason(error)})") from None
    with os.fdopen(descriptor, "rb") as file:
        _check_kind(os.fstat(file.fileno()))
        data = file.read(MAX_MATERIAL_BYTES + 1)
    if len(data) > MAX_MATERIAL_BYTES:
        raise MaterialError(_TOO_LARGE)
    return data.decode("utf-8")


_OUTSIDE = "is outside the deck file's folder; put the material next to the deck file"
_TOO_LARGE = f"is larger than {MAX_MATERIAL_BYTES // 1_000_000} MB; split it"


def _check_kind(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise MaterialError("is not a regular file")
    if info.st_size > MAX_MATERIAL_BYTES:
        raise MaterialError(_TOO_LARGE)


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or type(error).__name__


def gather_material(sources: Sequence[Path], deck_dir: Path, own: Collection[str]) -> list[Path]:
    """The material files a deck file in ``deck_dir`` is generated from, all inside it.

    A deck file reads material only inside its own folder, so a source outside it is
    copied to ``deck_dir/material/`` and the deck cites the copy: the deck file and its
    material then travel together. ``own`` names the material the existing deck file
    lists: its copy is refreshed from the source; any other file in the way is a
    MaterialError (nothing is copied).
    """
    base = deck_dir.resolve()
    plan: list[tuple[Path, Path]] = []
    for source in sources:
        resolved = source.resolve()
        if resolved.is_relative_to(base) or not resolved.is_file():
            plan.append((source, source))  # a missing source is the generator's to report
            continue
        target = base / "material" / source.name
        name = target.relative_to(base).as_posix()
        taken = [copy for _, copy in plan if copy == target]
        clash = taken or (
            target.exists() and name not in own and target.read_bytes() != resolved.read_bytes()
        )
        if clash:
            raise MaterialError(
                f"{name} already holds another file than {source}; rename {source.name} "
                "or write the deck file elsewhere with -o"
            )
        plan.append((resolved, target))
    for original, copy in plan:
        if copy != original:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, copy)
    return [copy for _, copy in plan]
