"""Card text is data: markup, escape sequences and tags are shown literally, SQL always
binds its values, and deck files are parsed, never run."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from study.domain.decks import DeckSpec, NoteSpec
from study.domain.decks.writing import dump_deck

STUDY = Path(__file__).resolve().parents[2] / "study"
NASTY = (
    "[bold red]markup[/] \x1b[31mred\x1b[0m\x1b]0;title\x07 <b>bold</b> "
    "<script>alert('x')</script> '); DROP TABLE review; -- {{c9::x}} \u202eevil"
)


def test_study_cards_shows_markup_escapes_and_html_literally(
    run_study: Callable[..., Any], tmp_path: Path
) -> None:
    deck = tmp_path / "nasty.toml"
    spec = DeckSpec(
        id="nasty",
        name="[red]Nasty[/red] <i>deck</i>",
        notes=(NoteSpec(id="n1", type="basic", front=NASTY, back=NASTY, tags=("');--",)),),
    )
    deck.write_text(dump_deck(spec), encoding="utf-8")
    assert run_study("import", str(deck)).exit_code == 0

    shown = run_study("cards", "--deck", "nasty")
    assert shown.exit_code == 0
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    for literal in (
        "[bold red]markup[/]",
        "␛[31mred",
        "<script>alert('x')</script>",
        "<b>bold</b>",
    ):
        assert literal in shown.stdout.replace("\n", ""), literal
    assert "\\u202e" in shown.stdout  # a bidi override is shown, not obeyed

    exported = json.loads(run_study("cards", "--deck", "nasty", "--json").stdout)
    assert exported[0]["question"] == NASTY  # stored exactly, escaped only when shown
    assert run_study("cards", "--tag", "');--").stdout.count("1 card\n") == 1
    assert run_study("profile", "add", "x'); DROP TABLE learner; --").exit_code == 0
    assert "DROP TABLE learner" in run_study("profile", "list").stdout


def test_deck_files_are_parsed_never_run(run_study: Callable[..., Any], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    deck = tmp_path / "code.toml"
    spec = DeckSpec(
        id="code", name=code, notes=(NoteSpec(id="c", type="basic", front=code, back=code),)
    )
    deck.write_text(dump_deck(spec), encoding="utf-8")
    assert run_study("import", str(deck)).exit_code == 0
    assert run_study("cards").exit_code == 0
    assert not marker.exists()


SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|WHERE|VALUES)\b")
# Every SQL text built with an f-string, .format or +, and why it is safe. A new one fails
# this test until it is checked and added here with its reason.
JUSTIFIED = {
    ("storage/database.py", "_pragmas"): "PRAGMA values are constants (PRAGMA binds nothing)",
    ("storage/database.py", "_create_engine"): "holds _pragmas, above",
    (
        "storage/health_checks.py",
        "orphan_counts",
    ): "table names and conditions are module constants",
    ("storage/health_checks.py", "stale_counts"): "conditions are module constants; dates bound",
    ("storage/health_checks.py", "repair_in_place"): (
        "table and column names are module constants; dates bound"
    ),
    (
        "domain/review_log.py",
        "not_cancelled_sql",
    ): "the review table or alias named by the caller's code",
    ("domain/tags.py", "note_has_tag_sql"): "the note id column named by the caller's code",
}


def _literal_parts(node: ast.AST) -> str:
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _literal_parts(node.left) + _literal_parts(node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _built_sql() -> set[tuple[str, str]]:
    """(file, function) of every string built at run time that reads like SQL."""
    found: set[tuple[str, str]] = set()
    for path in STUDY.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                built = isinstance(node, ast.JoinedStr) or (
                    isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod)
                )
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "format":
                    built, node = True, node.func.value  # type: ignore[attr-defined]
                if built and SQL_WORDS.search(_literal_parts(node)):
                    found.add((str(path.relative_to(STUDY)), function.name))
    return found


def test_every_sql_statement_binds_its_values_or_is_justified() -> None:
    assert _built_sql() == set(JUSTIFIED)


def test_nothing_in_the_app_evaluates_or_unpickles_data() -> None:
    for path in STUDY.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"eval", "exec"}:
                raise AssertionError(f"{path}: calls {node.func.id}")  # type: ignore[attr-defined]
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = {a.name for a in node.names} | {getattr(node, "module", None) or ""}
                assert not names & {"pickle", "marshal", "shelve"}, path
