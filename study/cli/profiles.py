"""`study profile`: learner profiles in one database."""

from __future__ import annotations

from typing import Any

import click

from study.cli.common import Options, fail, opened, say
from study.domain.config import check_profile_name


@click.group()
def profile() -> None:
    """Learner profiles: one database holds several learners."""


@profile.command("list")
@click.pass_obj
def profile_list(options: Options) -> None:
    """List profiles with their number of reviews (a learner sees only its own)."""
    from study.storage.learners import visible_learners

    with opened(options, read_only=True) as workspace, workspace.database.session() as session:
        for learner, reviews in visible_learners(session, workspace.learner_id):
            mark = "*" if learner.id == workspace.learner_id else " "
            say(f"{mark} {learner.name}  ({reviews} reviews)")


@profile.command("add")
@click.argument("name")
@click.option("--tutor", is_flag=True, help="A tutor: sees the class (only a tutor may add one).")
@click.pass_obj
def profile_add(options: Options, name: str, tutor: bool) -> None:
    """Add a profile (or make an existing one a tutor)."""
    from study.storage.learners import get_or_create_learner, make_tutor

    check_profile_name(name)
    with opened(options) as workspace:
        now, viewer = workspace.clock.now(), workspace.learner_id
        workspace.database.write(
            lambda s: (
                make_tutor(s, viewer, name, now) if tutor else get_or_create_learner(s, name, now)
            )
        )
    click.echo(f"{'tutor' if tutor else 'profile'} {name!r} ready; use it with --profile {name}")


@profile.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_obj
def profile_rename(options: Options, old: str, new: str) -> None:
    """Rename a profile; its history follows."""
    from study.storage.learners import rename_learner, require_tutor_or_self

    check_profile_name(new)
    with opened(options) as workspace:
        viewer = workspace.learner_id

        def rename(session: Any) -> None:
            require_tutor_or_self(session, viewer, old, "rename")
            rename_learner(session, old, new)

        workspace.database.write(rename)
    click.echo(f"profile {old!r} is now {new!r}")


@profile.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def profile_remove(options: Options, name: str, yes: bool) -> None:
    """Remove a profile with its whole review history (asks first)."""
    from study.storage.learners import find_learner, remove_learner, require_tutor_or_self

    with opened(options) as workspace:
        with workspace.database.session() as session:
            find_learner(session, name)
            require_tutor_or_self(session, workspace.learner_id, name, "remove")
        if not yes and not click.confirm(
            f"Remove profile {name!r} and its whole review history?", default=False
        ):
            fail("nothing removed", 1)
        workspace.database.write(lambda s: remove_learner(s, name))
    click.echo(f"profile {name!r} removed")
