"""Card listings (study cards, browse) read 'buried' with the store's rule, the one the
queue uses to leave a card out: buried while the study day is before buried_until."""

from __future__ import annotations

from datetime import date, timedelta

from study.domain.clock import FixedClock
from study.services.library import import_deck_files
from study.storage.card_search import BrowseFilter, search_cards
from study.storage.cards import card_rows, set_flags
from study.storage.database import Database, Session
from tests.conftest import DeckFactory

TODAY = date(2026, 1, 12)


def test_a_card_buried_until_today_is_shown_again_in_every_listing(
    database: Database, learner_id: int, decks: DeckFactory, clock: FixedClock
) -> None:
    import_deck_files(database, [decks.write("d", basics=4)], clock.now())
    until = {"d-1": TODAY - timedelta(days=1), "d-2": TODAY, "d-3": TODAY + timedelta(days=1)}

    def bury(session: Session) -> None:
        for card_id, day in until.items():
            set_flags(session, learner_id, card_id, clock.now(), buried_until=day)

    database.write(bury)
    with database.session() as session:
        listed = {row.card_id: row.buried for row in card_rows(session, learner_id, TODAY)}
        found, total = search_cards(
            session,
            learner_id,
            TODAY,
            BrowseFilter(state="buried"),
            offset=0,
            limit=10,
        )
    assert listed == {"d-1": False, "d-2": False, "d-3": True, "d-4": False}
    assert ([row.card_id for row in found], total) == (["d-3"], 1)
    assert all(row.buried for row in found)
