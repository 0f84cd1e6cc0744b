"""Cards generated from study material, with provenance and quality gates.

``generate_deck`` reads plain text and Markdown and returns a ``Generation``: the deck and
every sentence or candidate card it dropped, with the reason. See docs/generation.md.
"""

from study.services.cardgen.errors import GenerationError
from study.services.cardgen.generate import Drop, Generation, generate_deck

__all__ = ["Drop", "Generation", "GenerationError", "generate_deck"]
