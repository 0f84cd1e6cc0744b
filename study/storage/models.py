"""The database tables (SQLModel). Domain code uses the dataclasses in other modules.

Conventions: times are timezone-aware UTC (stored as UTC, returned aware); study days
are dates in the learner's calendar (day starting at the day boundary); E-Factors are
stored exactly, as integer hundredths (SM-2 only ever moves them by hundredths).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from study.domain.review_log import ReviewKind, day_number, day_of, epoch_millis, time_of


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and returns them aware; refuses naive ones."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DayNumber(sa.types.TypeDecorator[date]):
    """A study day stored as an integer, days since 1970-01-01 (two bytes in SQLite)."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> int | None:
        return None if value is None else day_number(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        return None if value is None else day_of(int(value))


class EpochMillis(sa.types.TypeDecorator[datetime]):
    """An aware time stored as milliseconds since the epoch, UTC; refuses naive ones."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> int | None:
        return None if value is None else epoch_millis(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else time_of(int(value))


class KindCode(sa.types.TypeDecorator[str]):
    """A :class:`ReviewKind` stored as its small integer code, read back as its name."""

    impl = sa.SmallInteger
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else ReviewKind(value).code

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        # A StrEnum: compared, hashed, counted and printed as the plain names were.
        return None if value is None else ReviewKind.of_code(int(value))


class SchemaInfo(SQLModel, table=True):
    """One row: the schema version this database is at."""

    __tablename__ = "schema_info"
    id: int = Field(default=1, primary_key=True)
    version: int


class Learner(SQLModel, table=True):
    """A profile: one database can hold several learners, each with their own schedule."""

    __tablename__ = "learner"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    # A tutor sees the class (study class); the first profile of a database is one.
    tutor: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Deck(SQLModel, table=True):
    """A deck as imported from its deck file."""

    __tablename__ = "deck"
    id: str = Field(primary_key=True)
    name: str = Field(index=True)
    description: str = ""
    version: int = 1
    file_path: str = ""
    bundled: bool = False
    content_hash: str = ""
    imported_at: datetime = Field(sa_type=UtcDateTime)
    retired: bool = False


class Material(SQLModel, table=True):
    """The text of a material file a deck cites, kept so a card's passage can be shown."""

    __tablename__ = "material"
    deck_id: str = Field(foreign_key="deck.id", primary_key=True)
    file: str = Field(primary_key=True)
    text: str


class Note(SQLModel, table=True):
    """A ``[[cards]]`` entry of a deck file; gives one card (basic) or one per cloze number."""

    __tablename__ = "note"
    id: str = Field(primary_key=True)
    deck_id: str = Field(foreign_key="deck.id", index=True)
    type: str
    front: str = ""
    back: str = ""
    text: str = ""
    extra: str = ""
    source_file: str = ""
    source_sentence: str = ""
    edited: bool = False
    editor_note: str = ""
    position: int = 0
    content_hash: str = ""
    updated_at: datetime = Field(sa_type=UtcDateTime)
    retired: bool = False


class NoteTag(SQLModel, table=True):
    """One tag of a note: the only place a note's tags are stored.

    ``tag`` is the spelling the learner wrote; ``tag_key`` is what a tag filter matches
    (study.domain.tags: the tag case-folded), once per note; ``position`` is its place
    in the note's tags as written (0, 1, ...), the order they are shown in.
    """

    __tablename__ = "note_tag"
    # Stored once, in the key's order (SQLite: no rowid table beside an index that
    # repeats the key); the tag_key index finds a tag's notes.
    __table_args__ = (
        sa.Index("ix_note_tag_tag_key", "tag_key"),
        {"sqlite_with_rowid": False},
    )
    note_id: str = Field(foreign_key="note.id", primary_key=True)
    tag_key: str = Field(primary_key=True)
    tag: str
    position: int = 0


class Card(SQLModel, table=True):
    """One studied card: a basic note, or one cloze number of a cloze note."""

    __tablename__ = "card"
    __table_args__ = (
        # A deck's cards in file order: new cards are read from it until the daily limit.
        sa.Index("ix_card_deck_position", "deck_id", "position"),
        # The review log names a card by its key (a small integer), not its text id.
        sa.Index("ix_card_key", "key", unique=True),
    )
    id: str = Field(primary_key=True)
    note_id: str = Field(foreign_key="note.id", index=True)
    deck_id: str = Field(foreign_key="deck.id")
    ordinal: int = 0  # the cloze number; 0 for a basic card
    position: int = 0  # order in the deck file, for introducing new cards
    retired: bool = False
    # The review log's name for the card: given in order on insert (the next after the
    # largest), never reused. Last, as the upgrade to version 9 added it.
    key: int | None = Field(
        default=None,
        sa_type=sa.Integer,
        nullable=False,
        sa_column_kwargs={"default": sa.text("(SELECT coalesce(max(key), 0) + 1 FROM card)")},
    )


class CardState(SQLModel, table=True):
    """One learner's schedule for one card. No row: the card is new for that learner."""

    __tablename__ = "card_state"
    __table_args__ = (
        sa.Index("ix_card_state_due", "learner_id", "due_day"),
        # Today's drills are a handful of rows among every schedule: found by index.
        sa.Index(
            "ix_card_state_drill",
            "learner_id",
            "drill_day",
            sqlite_where=sa.text("drill_day IS NOT NULL"),
            postgresql_where=sa.text("drill_day IS NOT NULL"),
        ),
        sa.CheckConstraint("ease_hundredths >= 130", name="ease_at_least_1_3"),
        # Rows kept in (learner, card) order, the key they are read by (SQLite: no rowid
        # table beside an index that repeats the key).
        {"sqlite_with_rowid": False},
    )
    learner_id: int = Field(foreign_key="learner.id", primary_key=True)
    card_id: str = Field(foreign_key="card.id", primary_key=True)
    repetitions: int = 0
    ease_hundredths: int = 250
    interval: int = 0
    due_day: date | None = None
    last_review_day: date | None = None
    reviews: int = 0  # scheduled reviews (drills and cram not counted)
    lapses: int = 0
    suspended: bool = False
    leech: bool = False
    buried_until: date | None = None  # hidden while the study day is before this date
    drill_day: date | None = None  # waiting to be drilled on this study day
    flagged: bool = False
    flag_reason: str = ""
    updated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Review(SQLModel, table=True):
    """The append-only review log. An ``undo`` row cancels the review it points to.

    Compact (schema version 9): small integers only, the card by its key, the day as a
    day number, the time in milliseconds, the kind as a code (:mod:`study.domain.review_log`). Undo
    restores a card from the row's own ``*_before`` columns; what an answer changed
    beyond them (siblings buried, a leech suspended, ...) is kept in ``review_undo``.
    """

    __tablename__ = "review"
    __table_args__ = (
        # A card's history, and whether a card was answered today (browse, doctor).
        sa.Index("ix_review_card", "card_key"),
        # A learner's day or window: today's counts for the daily limits, statistics.
        # With the kind (a byte at most): the statistics count the answers of each day and
        # kind from the index alone, already in order.
        sa.Index("ix_review_day", "learner_id", "study_day", "kind"),
        sa.Index(
            "ix_review_cancels",
            "cancels_id",
            sqlite_where=sa.text("cancels_id IS NOT NULL"),
            postgresql_where=sa.text("cancels_id IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id")
    card_key: int = Field(foreign_key="card.key")
    reviewed_at: datetime = Field(sa_type=EpochMillis)
    study_day: date = Field(sa_type=DayNumber)
    kind: str = Field(sa_type=KindCode)  # a ReviewKind
    grade: int | None = Field(default=None, sa_type=sa.SmallInteger)
    answer_ms: int = 0
    cancels_id: int | None = None
    repetitions_before: int = Field(default=0, sa_type=sa.SmallInteger)
    ease_before: int = Field(default=250, sa_type=sa.SmallInteger)
    interval_before: int = 0
    due_before: date | None = Field(default=None, sa_type=DayNumber)
    repetitions_after: int = Field(default=0, sa_type=sa.SmallInteger)
    ease_after: int = Field(default=250, sa_type=sa.SmallInteger)
    interval_after: int = 0
    due_after: date | None = Field(default=None, sa_type=DayNumber)


class ReviewUndo(SQLModel, table=True):
    """What undoing a review restores beyond its own ``*_before`` columns, for the few
    answers that changed more: the card's whole schedule row and the siblings it buried,
    as JSON (the form ``review.state_before`` had up to schema version 8)."""

    __tablename__ = "review_undo"
    review_id: int = Field(foreign_key="review.id", primary_key=True)
    state_before: str


class CardAction(SQLModel, table=True):
    """What a learner did to a card in a session besides grading it (suspend, bury,
    flag, edit), kept so that undo reaches it too, in order with the grades."""

    __tablename__ = "card_action"
    __table_args__ = (sa.Index("ix_card_action_learner_day", "learner_id", "study_day"),)
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id")
    card_id: str = Field(foreign_key="card.id")
    done_at: datetime = Field(sa_type=UtcDateTime)
    study_day: date
    action: str  # suspend, bury, flag, edit
    after_review_id: int = 0  # the learner's last review then: orders actions among grades
    before: str = ""  # JSON: the card's schedule row (and the kind shown); an edit's file text
    undone: bool = False


# A review's card by its text id, read with the row (a lookup by the card's key):
# ``Review.card_id`` in a query, ``review.card_id`` on a row read through the ORM.
_review_card = Card.__table__.alias("review_card")  # type: ignore[attr-defined]
Review.__mapper__.add_property(  # type: ignore[attr-defined]
    "card_id",
    orm.column_property(
        sa.select(_review_card.c.id)
        .where(_review_card.c.key == Review.__table__.c.card_key)  # type: ignore[attr-defined]
        .correlate_except(_review_card)
        .scalar_subquery()
    ),
)
