"""Decks as stored: the live ones, a deck query resolved to ids, a deck's materials,
one deck by id, and the learner's own decks and the bundled versions (for the library)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.decks import decks_matching
from study.storage.errors import NotFoundError
from study.storage.models import Deck, Material


def list_decks(session: Session) -> list[Deck]:
    """Every deck that is not retired, by name."""
    return list(
        session.exec(select(Deck).where(col(Deck.retired).is_(False)).order_by(col(Deck.name)))
    )


def resolve_decks(session: Session, query: str) -> list[str]:
    """The ids of the deck named or identified by ``query`` and of its child decks."""
    ids = decks_matching([(d.id, d.name) for d in list_decks(session)], query)
    if ids is None:
        raise NotFoundError(f"no deck {query!r}; `study decks` lists them")
    return ids


def deck_materials(session: Session, deck_id: str) -> dict[str, str]:
    """The material texts a deck cites, by file name."""
    rows = session.exec(select(Material).where(Material.deck_id == deck_id)).all()
    return {m.file: m.text for m in rows}


def deck_by_id(session: Session, deck_id: str) -> Deck | None:
    """The deck ``deck_id`` (retired or not), or None."""
    return session.get(Deck, deck_id)


def own_decks(session: Session) -> list[Deck]:
    """The decks imported from the learner's own files (not bundled), retired ones too."""
    return list(session.exec(select(Deck).where(col(Deck.bundled).is_(False))))


def bundled_versions(session: Session, replaced_version: int) -> dict[str, int]:
    """The version each deck id was imported at from the bundle; ``replaced_version`` for
    a bundled id the learner's own file took over (``--replace``)."""
    rows = session.execute(
        sa.select(
            col(Deck.id), sa.case((col(Deck.bundled), col(Deck.version)), else_=replaced_version)
        )
    ).all()
    return {deck_id: int(version) for deck_id, version in rows}
