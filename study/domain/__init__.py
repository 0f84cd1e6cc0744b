"""The domain: pure rules (SM-2, cards, deck files, the study day, review kinds).

No database, no textual; the clock is passed in. Imports nothing else of study."""
