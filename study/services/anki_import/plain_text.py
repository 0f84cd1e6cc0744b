"""Anki field HTML as the plain text a study card holds: line breaks kept, markup
dropped, images and sounds named (media is not imported)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SOUND = re.compile(r"\[sound:([^\]]+)\]")


class _TextParser(HTMLParser):
    """Field HTML as the text a learner reads: line breaks kept, media named."""

    BLOCKS = frozenset({"div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media: list[str] = []
        self.skip = 0

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.newline()
        elif tag == "img":
            source = dict(attrs).get("src") or ""
            if source:
                self.media.append(source)
                self.parts.append(f"[image: {source}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.newline()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(field_html: str) -> tuple[str, list[str]]:
    """A field's HTML as plain text, and the media files it refers to (images, sounds).

    ``<br>`` and blocks become line breaks, entities are decoded, other markup is
    dropped; ``<img src=a.png>`` becomes ``[image: a.png]``; ``[sound:b.mp3]`` stays."""
    if "<" not in field_html and "&" not in field_html and "[sound:" not in field_html:
        return field_html, []
    parser = _TextParser()
    parser.feed(field_html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return text, parser.media + _SOUND.findall(text)
