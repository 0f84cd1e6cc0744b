"""Study's two Anki note types, Basic (study) and Cloze (study): fixed ids, fields,
templates and style, so every export maps onto the same note types in Anki."""

from __future__ import annotations

from typing import Any

import genanki

# Note type ids: fixed forever, so every export (and every learner's) maps onto the same
# note types in Anki. Change the fields or templates only together with new ids.
BASIC_MODEL_ID = 1_739_200_101
CLOZE_MODEL_ID = 1_739_200_102
# The note types' modification time: when they last changed (not the export time), so a
# re-import does not rewrite the learner's copy of an unchanged note type.
MODEL_MTIME = 1_764_115_200

_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: center; color: black;
  background-color: white; }
.cloze { font-weight: bold; color: blue; }
.extra { margin-top: 1em; }
.source { margin-top: 1.5em; font-size: 14px; color: #666; }
.source-file { font-style: italic; }
"""
_EXTRA_AND_SOURCE = (
    "{{#Extra}}<div class=extra>{{Extra}}</div>{{/Extra}}"
    "{{#Source}}<div class=source>{{Source}}</div>{{/Source}}"
)


def basic_model() -> Any:
    """The Basic note type: Front, Back, Extra and Source (a new object each time:
    genanki fills in defaults on the templates it is given)."""
    return genanki.Model(
        BASIC_MODEL_ID,
        "Basic (study)",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + _EXTRA_AND_SOURCE,
            }
        ],
        css=_CSS,
    )


def cloze_model() -> Any:
    """The Cloze note type: Text (with ``{{c1::...}}`` deletions), Extra and Source."""
    return genanki.Model(
        CLOZE_MODEL_ID,
        "Cloze (study)",
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}" + _EXTRA_AND_SOURCE,
            }
        ],
        css=_CSS,
        model_type=genanki.Model.CLOZE,
    )
