"""A remark set off by commas is left out of a phrase with its commas."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text


def test_a_reason_read_without_its_remark_keeps_no_stray_comma(tmp_path: Path) -> None:
    text = (
        "Hypokalaemia\n\nElective surgery should be postponed in a patient with a low "
        "potassium, because arrhythmia, which is provoked by hypokalaemia during "
        "anaesthesia, is dangerous.\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    backs = [n.back for n in notes if n.front.startswith("Why")]
    assert backs == ["Because arrhythmia is dangerous"], backs
