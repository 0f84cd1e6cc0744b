"""A session started after a crash (or a restart) resumes the day: undo reaches back
into the earlier run, and the card comes back as what it was."""

from __future__ import annotations

from pathlib import Path

from reliability_helpers import consistency_problems, deck_file

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.session import StudySession
from study.services.workspace import open_workspace

SETTINGS = Settings(timezone="UTC", bury_siblings=False, drill_gap=0, daily_backup=False)


def test_undoing_a_drill_of_an_earlier_run_brings_it_back_as_a_drill(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = tmp_path / "study.db"
    workspace = open_workspace(str(db), clock=clock, settings=SETTINGS, sync_bundled=False)
    import_deck_files(workspace.database, [deck_file(tmp_path, "d", 2)], clock.now())
    first = StudySession(workspace.database, workspace.learner_id, SETTINGS, clock)
    card = first.current()
    assert card is not None
    first.grade(2, 1000)  # failed: a drill today, and one scheduled review logged
    while first.current_kind != "drill":
        first.grade(5, 1000)
    assert first.current() is not None and first.current().card_id == card.card_id
    first.grade(5, 1000)  # the drill passes; the schedule does not change

    # The app was closed (or killed); a new run undoes the drill.
    second = StudySession(workspace.database, workspace.learner_id, SETTINGS, clock)
    assert second.undo() == card.card_id
    assert second.current_kind == "drill"
    second.grade(5, 1000)
    workspace.close()
    assert consistency_problems(db) == []
