"""The database's upkeep: `doctor` (check and repair) and `backup` (back up, restore)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from study.cli.common import Options, fail, say
from study.domain.config import load_settings


@click.command("doctor")
@click.option(
    "--repair",
    is_flag=True,
    help="Back up, then fix what is safe to fix; the review log is never touched.",
)
@click.pass_obj
def doctor_command(options: Options, repair: bool) -> None:
    """Check the database: integrity, schema version, counts, rows that point nowhere.

    Exits with status 1 when a problem is left. Works on a damaged database too.
    """
    from study.domain.clock import SystemClock, study_day
    from study.domain.config import database_url
    from study.services import maintenance

    path = maintenance.database_file(database_url(options.db))
    settings = load_settings()
    now = SystemClock().now()
    today = study_day(now, settings.zone, settings.day_starts_at)
    report = maintenance.doctor(path, today=today)
    _print_report(report)
    if repair:
        result = maintenance.repair(path, today=today, now=now)
        click.echo(f"repair: the database before it is kept at {result.backup}")
        for what, number in result.fixed.items():
            if number:
                click.echo(f"repair: fixed {number} {what}")
        click.echo("repair: rebuilt every index and compacted the file")
        report = result.after
        click.echo("after the repair:")
        _print_report(report)
    if not report.healthy:
        sys.exit(1)


def _print_report(report: Any) -> None:
    from study.storage.database import SCHEMA_VERSION

    click.echo(f"database: {report.path}")
    if report.note:
        say(f"note: {report.note}")
    if report.opened:
        click.echo(f"integrity: {'ok' if report.integrity == ['ok'] else 'FAILED'}")
        click.echo(f"foreign keys: {report.foreign_keys or 'ok'}")
        click.echo(
            f"schema version: {report.schema_version} (this study reads up to {SCHEMA_VERSION})"
        )
        if report.schema_version is not None and report.schema_version < SCHEMA_VERSION:
            click.echo(
                "upgrade: study upgrades this database, after a backup, the next time it "
                "opens it; its tables are checked then"
            )
    if report.counts:
        counts = report.counts
        click.echo(
            f"counts: {counts['decks']} decks, {counts['notes']} notes, {counts['cards']} cards, "
            f"{counts['learners']} learners, {counts['reviews']} reviews "
            f"({counts['cancelled']} cancelled by undo)"
        )
    stale = ", ".join(f"{n} {what}" for what, n in report.stale.items() if n)
    if stale:
        click.echo(f"left-over marks (harmless; --repair clears them): {stale}")
    newest = report.newest_backup
    click.echo(
        f"newest backup: {newest.taken_at:%Y-%m-%d %H:%M} UTC ({newest.path})"
        if newest
        else "newest backup: none yet (`study backup` makes one)"
    )
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    click.echo("healthy" if report.healthy else f"{len(report.problems)} problems found")


@click.command("backup")
@click.option("--list", "list_only", is_flag=True, help="List the backups, newest first.")
@click.option(
    "--restore",
    "restore_from",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Replace the database with this backup (a path, or a name from --list).",
)
@click.option("--yes", is_flag=True, help="Restore without asking for confirmation.")
@click.pass_obj
def backup_command(options: Options, list_only: bool, restore_from: Path | None, yes: bool) -> None:
    """Back up the database now; --list the backups; --restore one.

    Backups are consistent copies in backups/ next to the database, named after it
    (study-YYYYMMDD-HHMMSS.db.zst for study.db). One is also made once a day on first
    use and before every upgrade of the database.
    """
    from study.domain.clock import SystemClock
    from study.domain.config import database_url
    from study.services import maintenance

    if list_only and restore_from is not None:
        fail("give --list or --restore, not both", 2)
    path = maintenance.database_file(database_url(options.db))
    settings = load_settings()
    now = SystemClock().now()
    if list_only:
        backups = maintenance.list_backups(path)
        click.echo(f"{maintenance.backup_folder(path)} (the newest {settings.backups_kept} kept)")
        for info in backups:
            click.echo(
                f"  {info.path.name}  {info.taken_at:%Y-%m-%d %H:%M:%S} UTC  "
                f"{info.size / 1024:.0f} KB"
            )
        if not backups:
            click.echo("  no backups yet; `study backup` makes one")
        for copy in maintenance.other_copies(path):
            click.echo(f"  {copy.name}  (kept by a restore or repair; never deleted)")
        return
    if restore_from is None:
        made = maintenance.make_backup(path, now=now, kept=settings.backups_kept)
        click.echo(f"backed up to {made}")
        return
    source = restore_from
    if not source.exists() and (maintenance.backup_folder(path) / source.name).exists():
        source = maintenance.backup_folder(path) / source.name
    version = maintenance.check_backup(source)
    question = (
        f"Replace {path} with the backup {source} (schema version {version})? "
        "The current database is kept in the backups folder."
    )
    try:
        confirmed = yes or click.confirm(question, default=False)
    except click.exceptions.Abort:  # no answer (end of input): the safe choice
        confirmed = False
    if not confirmed:
        fail("nothing restored (answer y, or pass --yes)", 1)
    result = maintenance.restore(source, path, now=now)
    click.echo(f"restored {source}")
    if result.kept_copy is not None:
        click.echo(f"the database it replaced is kept at {result.kept_copy}")
