"""The `study` command line against a temporary database and STUDY_HOME."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from study.cli import cli
from study.domain.config import load_settings
from study.services.library import bundled_deck_files
from study.services.session import StudySession
from study.services.workspace import open_workspace
from tests.conftest import DeckFactory, basic, cloze, run_elsewhere

EXPECTED_KEYS = {"id", "note", "deck", "type", "question", "answer", "tags", "source", "state"}


def cards_json(run_study: Any, *args: str, profile: str | None = None) -> list[dict[str, Any]]:
    result = run_study(*(["--profile", profile] if profile else []), "cards", "--json", *args)
    assert result.exit_code == 0, result.stderr
    cards: list[dict[str, Any]] = json.loads(result.stdout)
    return cards


def database_rows(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("note", "card", "card_state", "review", "note_tag")
    return {table: sorted(run_elsewhere(db_url, f"SELECT * FROM {table}")) for table in tables}


@pytest.fixture
def imported(run_study: Any, decks: DeckFactory) -> Path:
    """A deck 'mine' (Mine), its child 'mine-child' (Mine::Child) and 'other', imported."""
    path = decks.write(
        "mine",
        name="Mine",
        notes=[
            basic("b1", tags=("x",)),
            cloze("c1", "{{c1::Gout}} is {{c2::urate::a salt}} in joints"),
        ],
    )
    child = decks.write("mine-child", name="Mine::Child", basics=1)
    other = decks.write("other", name="Other", basics=2)
    result = run_study("import", str(path), str(child), str(other))
    assert result.exit_code == 0, result.stderr
    return path


# ---------------------------------------------------------------- help


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", all_commands(cli), ids=lambda c: " ".join(c) or "study")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) >= 3


# ---------------------------------------------------------------- cards --json


def test_cards_json_lists_every_card_with_the_documented_keys(
    run_study: Any, imported: Path
) -> None:
    cards = {c["id"]: c for c in cards_json(run_study, "--deck", "mine")}
    assert sorted(cards) == ["b1", "c1#c1", "c1#c2", "mine-child-1"]
    for card in cards.values():
        assert set(card) >= EXPECTED_KEYS
        assert set(card["source"]) == {"file", "sentence"}
        assert card["state"] == "new"
    c2 = cards["c1#c2"]
    assert (c2["note"], c2["deck"], c2["type"]) == ("c1", "mine", "cloze")
    assert c2["question"] == "Gout is [a salt] in joints"
    assert c2["answer"] == "Gout is urate in joints"
    assert cards["c1#c1"]["question"] == "[...] is urate in joints"
    assert cards["b1"]["tags"] == ["x"]
    assert cards["b1"]["question"] == "Question b1?"


def test_cards_deck_takes_an_id_or_a_name_and_includes_child_decks(
    run_study: Any, imported: Path
) -> None:
    by_id = [c["id"] for c in cards_json(run_study, "--deck", "mine")]
    by_name = [c["id"] for c in cards_json(run_study, "--deck", "Mine")]
    assert by_id == by_name
    assert "mine-child-1" in by_id and "other-1" not in by_id
    assert [c["id"] for c in cards_json(run_study, "--deck", "Mine::Child")] == ["mine-child-1"]
    both = [c["id"] for c in cards_json(run_study, "--deck", "Mine::Child", "--deck", "other")]
    assert sorted(both) == ["mine-child-1", "other-1", "other-2"]


def test_cards_with_an_unknown_deck_is_one_clear_line_and_exit_2(
    run_study: Any, imported: Path
) -> None:
    result = run_study("cards", "--json", "--deck", "Cardiology")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "study: no deck 'Cardiology'; `study decks` lists them"
    ]


def test_cards_json_lists_the_bundled_decks_on_an_empty_database(run_study: Any) -> None:
    if not bundled_deck_files():
        pytest.skip("no bundled deck in this checkout")
    cards = cards_json(run_study)
    assert cards and all(set(c) >= EXPECTED_KEYS for c in cards)


def test_cards_json_shows_suspended_cards_and_per_learner_state(
    run_study: Any, imported: Path, db_url: str
) -> None:
    workspace = open_workspace(db_url, "ana", sync_bundled=False)
    try:
        session = StudySession(
            workspace.database, workspace.learner_id, workspace.settings, workspace.clock
        )
        while (content := session.current()) is not None and content.card_id != "b1":
            session.bury()
        session.grade(5)
        while (content := session.current()) is not None and content.card_id != "other-1":
            session.bury()
        session.suspend()
    finally:
        workspace.close()
    ana = {c["id"]: c for c in cards_json(run_study, profile="ana")}
    assert ana["b1"]["state"] == "young"
    assert ana["other-1"]["suspended"] is True
    default = {c["id"]: c for c in cards_json(run_study)}
    assert default["b1"]["state"] == "new" and default["other-1"]["suspended"] is False


# ---------------------------------------------------------------- import


def test_importing_a_bad_file_exits_2_with_path_line_problems_and_changes_nothing(
    run_study: Any, imported: Path, decks: DeckFactory, db_url: str
) -> None:
    before = database_rows(db_url)
    good = decks.write("fresh", basics=2)
    bad = decks.write_text(
        '[deck]\nid = "bad"\nname = "Bad"\n\n[[cards]]\nid = "a"\ntype = "cloze"\n'
        'text = "nothing"\n\n[[cards]]\nid = "a"\nfront = "F"\nback = ""\n',
        "bad.toml",
    )
    result = run_study("import", str(good), str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{bad}:8: cloze card without a deletion; mark one as {{{{c1::answer}}}}",
        f"{bad}:11: duplicate card id 'a' (first used on line 6)",
        f"{bad}:13: 'back' is empty",
        "study: nothing was imported; fix the problems above and import again",
    ]
    assert database_rows(db_url) == before


def test_importing_twice_changes_nothing(run_study: Any, imported: Path, db_url: str) -> None:
    before = database_rows(db_url)
    result = run_study("import", str(imported))
    assert result.exit_code == 0
    assert result.stdout.strip() == "mine: 0 added, 0 updated, 0 retired, 2 unchanged"
    assert database_rows(db_url) == before


def test_reimporting_an_edited_file_reports_updated_and_retired(
    run_study: Any, imported: Path, decks: DeckFactory
) -> None:
    decks.write("mine", name="Mine", notes=[basic("b1", back="New answer", tags=("x",))])
    result = run_study("import", str(imported))
    assert result.stdout.strip() == "mine: 0 added, 1 updated, 1 retired, 0 unchanged"
    cards = {c["id"]: c for c in cards_json(run_study, "--deck", "mine")}
    assert sorted(cards) == ["b1", "mine-child-1"]
    assert cards["b1"]["answer"] == "New answer"


def test_importing_a_missing_file_is_one_clear_line(run_study: Any, tmp_path: Path) -> None:
    result = run_study("import", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "cannot read the deck file" in result.stderr


# ---------------------------------------------------------------- config


def test_config_shows_every_setting_with_its_description(run_study: Any) -> None:
    result = run_study("config")
    assert result.exit_code == 0
    assert "new_per_day = 20" in result.stdout
    assert "reviews_per_day = 200" in result.stdout
    assert "day_starts_at = 4" in result.stdout


def test_config_sets_a_value_that_later_commands_use(run_study: Any) -> None:
    assert run_study("config", "new_per_day", "12").exit_code == 0
    assert load_settings().new_per_day == 12
    result = run_study("config", "new_per_day")
    assert result.stdout.strip() == "12"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new_per_day", "lots"), "study: new_per_day must be a whole number of 0 or more"),
        (("timezone", "Mars/Base"), "study: unknown time zone 'Mars/Base'"),
        (("colour", "red"), "study: unknown setting 'colour'"),
        (("colour",), "study: unknown setting 'colour'"),
        (("theme", "light", "--deck", "mine"), "study: theme cannot be set per deck"),
    ],
)
def test_config_refuses_invalid_values_with_one_line(
    run_study: Any, args: tuple[str, ...], message: str
) -> None:
    result = run_study("config", *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)


def test_config_invalid_value_leaves_the_file_alone(run_study: Any, study_home: Path) -> None:
    run_study("config", "new_per_day", "7")
    before = (study_home / "settings.toml").read_text()
    run_study("config", "new_per_day", "-3")
    assert (study_home / "settings.toml").read_text() == before


def test_config_sets_per_deck_limits(run_study: Any, imported: Path) -> None:
    result = run_study("config", "new_per_day", "3", "--deck", "mine")
    assert result.exit_code == 0
    limits = load_settings().limits_for("mine")
    assert limits.new_per_day == 3
    assert "[decks.mine] new_per_day = 3" in run_study("config").stdout


# ---------------------------------------------------------------- profiles


def test_profiles_add_list_rename_and_remove_with_confirmation(run_study: Any) -> None:
    assert run_study("profile", "add", "ana").exit_code == 0
    listed = run_study("profile", "list").stdout
    assert "ana" in listed and "default" in listed
    assert run_study("profile", "rename", "ana", "anna").exit_code == 0
    assert "anna" in run_study("profile", "list").stdout

    refused = run_study("profile", "remove", "anna", input="n\n")
    assert refused.exit_code != 0
    assert "anna" in run_study("profile", "list").stdout

    removed = run_study("profile", "remove", "anna", input="y\n")
    assert removed.exit_code == 0, removed.stderr
    assert "anna" not in run_study("profile", "list").stdout
    assert run_study("profile", "remove", "ghost", "--yes").exit_code == 2


def test_renaming_onto_an_existing_profile_is_refused(run_study: Any) -> None:
    run_study("profile", "add", "ana")
    run_study("profile", "add", "ben")
    result = run_study("profile", "rename", "ana", "ben")
    assert result.exit_code == 2
    assert "exists already" in result.stderr


def test_profile_names_must_be_printable(run_study: Any) -> None:
    assert run_study("profile", "add", "   ").exit_code == 2
    assert run_study("profile", "add", "a\x1bb").exit_code == 2


def test_study_db_environment_variable_and_profile_option(
    run_study: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere.db"
    monkeypatch.setenv("STUDY_DB", str(other))
    assert run_study("profile", "add", "zoe", db=False).exit_code == 0
    assert run_study("--profile", "zoe", "profile", "list", db=False).exit_code == 0
    # default and zoe
    assert run_elsewhere(f"sqlite:///{other}", "SELECT count(*) FROM learner") == [(2,)]


def test_config_per_deck_limit_takes_a_deck_name_and_stores_its_id(
    run_study: Any, imported: Path
) -> None:
    result = run_study("config", "reviews_per_day", "30", "--deck", "Mine::Child")
    assert result.exit_code == 0, result.stderr
    assert load_settings().deck_limits.keys() == {"mine-child"}
    assert load_settings().limits_for("mine-child").reviews_per_day == 30


def test_config_per_deck_limit_for_an_unknown_deck_is_refused(
    run_study: Any, imported: Path
) -> None:
    result = run_study("config", "new_per_day", "3", "--deck", "Cardiology")
    assert result.exit_code == 2
    assert result.stderr.startswith("study: no deck 'Cardiology'")
    assert load_settings().deck_limits == {}


def test_decks_lists_the_tree_with_todays_counts(run_study: Any, decks: DeckFactory) -> None:
    path = decks.write("child", name="Parent::Child", basics=2)
    assert run_study("import", str(path)).exit_code == 0
    listed = json.loads(run_study("decks", "--json").stdout)
    mine = [(d["name"], d["id"], d["new"], d["cards"]) for d in listed if "Parent" in d["name"]]
    assert mine == [("Parent", None, 2, 2), ("Parent::Child", "child", 2, 2)]
