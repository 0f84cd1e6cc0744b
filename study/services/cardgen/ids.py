"""Card ids that survive edits of the material: a topic slug and a hash of the sentence.

Positions never enter an id, so inserting a paragraph or fixing a typo elsewhere keeps
every other card's id (and so the learner's history of it).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SLUG_CHARS = 40


def slug(text: str) -> str:
    """``text`` as lowercase ASCII words joined by hyphens ("Avascular necrosis" gives
    "avascular-necrosis"); "material" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > SLUG_CHARS:
            break
        result = candidate
    return result or "material"


def normalise(text: str) -> str:
    """``text`` with case, quotes, dashes and spacing made uniform, for hashing."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[“”„\"]", '"', text)
    text = re.sub(r"[‘’`]", "'", text)
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def card_id(topic: str, sentence: str, pattern: str, answer: str) -> str:
    """The id of the card that ``pattern`` made from ``sentence`` asking for ``answer``."""
    key = "\x1f".join((normalise(sentence), pattern, normalise(answer)))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{slug(topic)}-{digest}"
