"""`study export-anki -o FILE` replaces only a package study wrote (issue 21, D5): any
other existing file needs --force, anything but a regular file is refused, and the
package gets the ordinary permissions of a new file (the umask), not 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_an_existing_file_study_did_not_write_is_kept(run_study: Run, tmp_path: Path) -> None:
    target = tmp_path / "spine.toml"
    target.write_text("[deck]\nid = 'mine'\n", encoding="utf-8")
    result = run_study("export-anki", "-o", str(target))
    assert result.exit_code == 2
    assert "not a package study wrote" in result.stderr and "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "[deck]\nid = 'mine'\n"
    assert run_study("export-anki", "-o", str(target), "--force").exit_code == 0
    assert target.read_bytes().startswith(b"PK")


def test_a_package_study_wrote_is_replaced_with_ordinary_permissions(
    run_study: Run, tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "all.apkg"
    assert run_study("export-anki", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    result = run_study("export-anki", "-o", str(target))
    assert result.exit_code == 0, result.stderr


def test_something_other_than_a_regular_file_is_never_replaced(
    run_study: Run, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.apkg"
    os.mkfifo(fifo)
    result = run_study("export-anki", "-o", str(fifo), "--force")
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
