"""Decks as stored: the live ones, a deck query resolved to ids, a deck's materials."""

from __future__ import annotations

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
