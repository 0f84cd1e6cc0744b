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
    kept_cards: int = 0  # their cards (among ``cards``)
    cards: int = 0  # the package's cards study has: those imported and those kept
    decks: int = 0
    schedules_taken: int = 0
    schedules_kept: int = 0
    reviews_added: int = 0
    reviews_known: int = 0
    skipped: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)

    def summary(self, with_progress: bool) -> list[str]:
        """What the import did, in a few lines for the terminal."""
        kept = (
            f"{self.kept} note{'' if self.kept == 1 else 's'} ({self.kept_cards} "
            f"card{'' if self.kept_cards == 1 else 's'}) {'is' if self.kept == 1 else 'are'} "
            "from your own deck files, kept as they are there"
        )
        if not self.decks:  # no note came in: there is no study deck to count cards in
            nothing = "no notes to import" if with_progress else "nothing to import"
            lines = [f"{self.path}: {nothing}" + (f": its {kept}" if self.kept else "")]
        else:
            cards = self.cards - self.kept_cards
            lines = [
                f"{self.path}: {self.added} note{'' if self.added == 1 else 's'} added, "
                f"{self.updated} updated, "
                f"{self.unchanged} unchanged, {self.retired} retired; {cards} "
                f"card{'' if cards == 1 else 's'} in {self.decks} "
                f"deck{'' if self.decks == 1 else 's'}"
            ]
            if self.kept:
                lines.append(kept)
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
