"""The study flow on the command line as a learner coming from Anki meets it (issue 16):
flags and burying undone, per-deck limits read back, profiles and databases explicit,
and listings that say what they mean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from study.domain.config import load_settings
from study.services.queue import DeckScope
from study.services.session import StudySession
from study.services.workspace import open_workspace
from tests.conftest import DeckFactory, basic


@pytest.fixture
def two_decks(run_study: Any, decks: DeckFactory) -> None:
    """'Parent::Child' (child-1, child-2) and 'Other' (other-1..3), imported; no 'Parent' deck."""
    child = decks.write("child", name="Parent::Child", basics=2)
    other = decks.write("other", name="Other", basics=3)
    assert run_study("import", str(child), str(other)).exit_code == 0


def cards(run_study: Any, *args: str) -> dict[str, dict[str, Any]]:
    result = run_study("cards", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)}


def act(db_url: str, *actions: str) -> None:
    """Open a session on deck 'child' and do ``actions`` to the cards it shows, in order
    (on the test's database: an SQLite file, or PostgreSQL with --postgres)."""
    workspace = open_workspace(db_url, sync_bundled=False)
    try:
        session = StudySession(
            workspace.database,
            workspace.learner_id,
            workspace.settings,
            workspace.clock,
            scope=DeckScope(["child"]),
        )
        for action in actions:
            if action == "flag":
                session.flag("the answer is out of date")
            elif action == "grade5":
                session.grade(5)
            else:
                getattr(session, action)()
    finally:
        workspace.close()


# ---------------------------------------------------------------- flags and burying


def test_unflag_takes_the_flag_and_its_reason_off(
    run_study: Any, two_decks: None, db_url: str
) -> None:
    act(db_url, "flag")
    listed = run_study("cards", "--flagged").stdout
    assert "(the answer is out of date)" in listed and "1 card\n" in listed
    result = run_study("unflag", "child-1")
    assert (result.exit_code, result.stdout) == (0, "1 card unflagged\n")
    assert cards(run_study)["child-1"]["flagged"] is False
    assert run_study("cards", "--flagged").stdout.endswith("0 cards\n")


def test_an_unknown_card_to_unflag_is_one_line_and_exit_2(run_study: Any, two_decks: None) -> None:
    result = run_study("unflag", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("study: no card 'nope'")


def test_buried_cards_are_listed_filtered_and_unburied(
    run_study: Any, two_decks: None, db_url: str
) -> None:
    act(db_url, "bury")
    listed = run_study("cards", "--buried").stdout
    assert "child-1" in listed and "new buried" in listed and listed.endswith("1 card\n")
    assert run_study("unbury", "child-1").exit_code == 0
    assert run_study("cards", "--buried").stdout.endswith("0 cards\n")
    counts = {d["name"]: d["new"] for d in json.loads(run_study("decks", "--json").stdout)}
    assert counts["Parent::Child"] == 2  # studiable again today


def test_fixing_a_flagged_card_and_reimporting_it_takes_the_stale_flag_off(
    run_study: Any, decks: DeckFactory, db_url: str
) -> None:
    path = decks.write("child", name="Parent::Child", basics=2)
    assert run_study("import", str(path)).exit_code == 0
    act(db_url, "flag")
    assert run_study("import", str(path)).exit_code == 0  # unchanged: the flag stays
    assert cards(run_study)["child-1"]["flagged"] is True
    path.write_text(path.read_text().replace("Answer child-1", "Fixed answer"))
    assert run_study("import", str(path)).exit_code == 0
    assert cards(run_study)["child-1"]["flagged"] is False


def test_study_cards_shows_whole_ids(run_study: Any, decks: DeckFactory) -> None:
    long_id = "a-card-id-long-enough-to-be-cut-by-a-narrow-table-0123456789"
    path = decks.write("d", basics=0, notes=[])
    text = path.read_text() + f'\n[[cards]]\nid = "{long_id}"\nfront = "Q?"\nback = "A"\n'
    path.write_text(text)
    assert run_study("import", str(path)).exit_code == 0
    assert long_id in run_study("cards").stdout


# ---------------------------------------------------------------- per-deck settings


def test_a_per_deck_limit_is_read_back_for_that_deck(run_study: Any, two_decks: None) -> None:
    assert run_study("config", "new_per_day", "10", "--deck", "other").exit_code == 0
    assert run_study("config", "new_per_day", "--deck", "other").stdout == "10\n"
    assert run_study("config", "new_per_day").stdout == "20\n"


def test_setting_one_per_deck_limit_leaves_the_other_following_the_global_one(
    run_study: Any, two_decks: None
) -> None:
    assert run_study("config", "new_per_day", "10", "--deck", "other").exit_code == 0
    assert run_study("config", "reviews_per_day", "50").exit_code == 0
    assert run_study("config", "reviews_per_day", "--deck", "other").stdout == "50\n"
    assert "[decks.other] new_per_day = 10\n" in run_study("config").stdout


def test_a_parent_deck_that_study_decks_lists_takes_a_limit(
    run_study: Any, two_decks: None
) -> None:
    listed = [d["name"] for d in json.loads(run_study("decks", "--json").stdout)]
    assert "Parent" in listed
    result = run_study("config", "new_per_day", "1", "--deck", "Parent")
    assert result.exit_code == 0, result.stderr
    assert run_study("config", "new_per_day", "--deck", "parent").stdout == "1\n"
    counts = {d["name"]: d["new"] for d in json.loads(run_study("decks", "--json").stdout)}
    assert counts["Parent"] == 1 and counts["Parent::Child"] == 1  # its children are held to it
    assert load_settings().limits_for("Parent").new_per_day == 1


def test_config_prints_true_and_false_as_the_settings_file_does(run_study: Any) -> None:
    assert run_study("config", "bury_siblings").stdout == "true\n"
    assert "bury_siblings = true " in run_study("config").stdout
    assert "True" not in run_study("config").stdout


# ---------------------------------------------------------------- profiles and databases


def test_an_unknown_profile_is_an_error_listing_the_profiles(run_study: Any, db_path: Path) -> None:
    assert run_study("profile", "add", "alice").exit_code == 0
    result = run_study("--profile", "alcie", "decks")
    assert result.exit_code == 2
    assert result.stderr == (
        "study: no profile 'alcie' (profiles: alice, default); "
        "create it with `study profile add alcie`\n"
    )
    assert "alcie" not in run_study("profile", "list").stdout
    assert run_study("--profile", "alice", "decks").exit_code == 0


def test_a_database_in_a_folder_that_does_not_exist_is_an_error(
    run_study: Any, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "x.db"
    result = run_study("--db", str(target), "decks")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert not target.parent.exists()


def test_study_log_shows_the_whole_question_on_a_narrow_terminal(
    run_study: Any, decks: DeckFactory, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "Which nerve roots form the sciatic nerve?"
    note = basic("sciatic-nerve-roots-1a2b3c4d", front=question)
    path = decks.write("child", name="Parent::Child", notes=[note])
    assert run_study("import", str(path)).exit_code == 0
    act(db_url, "grade5")
    monkeypatch.setenv("COLUMNS", "80")
    text = run_study("log").stdout
    assert question in text
    assert all(len(line) <= 80 for line in text.splitlines())
