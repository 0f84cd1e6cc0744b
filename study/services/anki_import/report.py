"""What an Anki import changed, counted, and said in a few lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class AnkiImportResult:
    """What an import changed."""

    path: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    kept: int = 0  # notes of your deck files: text kept, progress merged
    cards: int = 0
    decks: int = 0
    schedules_taken: int = 0
    schedules_kept: int = 0
    reviews_added: int = 0
    reviews_known: int = 0
    skipped: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)

    def summary(self, with_progress: bool) -> list[str]:
        """What the import did, in a few lines for the terminal."""
        lines = [
            f"{self.path}: {self.added} notes added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.retired} retired, {self.kept} kept as in "
            f"your deck files; {self.cards} cards in {self.decks} "
            f"deck{'' if self.decks == 1 else 's'}"
        ]
        if with_progress:
            lines.append(
                f"progress: {self.schedules_taken} schedules from Anki, {self.schedules_kept} "
                f"kept (no later review in Anki); {self.reviews_added} reviews added, "
                f"{self.reviews_known} already here"
            )
        if self.skipped:
            lines.append(f"{len(self.skipped)} notes skipped (listed on stderr)")
        if self.media:
            shown = ", ".join(self.media[:10])
            more = f" and {len(self.media) - 10} more" if len(self.media) > 10 else ""
            lines.append(f"media not imported (shown by name in the text): {shown}{more}")
        return lines
