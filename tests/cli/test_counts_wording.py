"""Counts in the command line's summaries read as English: one deck, one sentence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def test_generate_reports_one_dropped_sentence_in_the_singular(
    run_study: Any, tmp_path: Path
) -> None:
    source = tmp_path / "gout.md"
    source.write_text(
        "Gout is an inflammatory arthritis caused by urate crystals.\n"
        "Mr John Smith, 64, presented with a hot swollen toe.\n",
        encoding="utf-8",
    )
    result = run_study("generate", str(source), "-o", str(tmp_path / "gout.toml"), "--report")
    assert result.exit_code == 0, result.stderr
    assert "1 sentence or candidate dropped" in result.stdout, result.stdout


def test_import_anki_counts_one_deck_in_the_singular(run_study: Any, tmp_path: Path) -> None:
    deck = tmp_path / "gout.toml"
    deck.write_text(
        '[deck]\nid = "gout"\nname = "Gout"\n[[cards]]\nid = "g1"\ntype = "basic"\n'
        'front = "Crystals in gout?"\nback = "Monosodium urate"\n',
        encoding="utf-8",
    )
    assert run_study("import", str(deck)).exit_code == 0
    package = tmp_path / "gout.apkg"
    exported = run_study("export-anki", "-o", str(package), "--deck", "gout", "--no-anki")
    assert exported.exit_code == 0, exported.stderr
    (tmp_path / "other").mkdir()
    result = run_study("--db", str(tmp_path / "other" / "study.db"), "import-anki", str(package))
    assert result.exit_code == 0, result.stderr
    assert " in 1 deck\n" in result.stdout.splitlines(keepends=True)[0], result.stdout


def test_generate_counts_a_cloze_of_several_deletions_as_one_note_and_its_cards(
    run_study: Any, tmp_path: Path
) -> None:
    source = tmp_path / "gout.md"
    source.write_text(
        "Risk factors for gout include obesity, alcohol, diuretics and chronic kidney disease.\n",
        encoding="utf-8",
    )
    output = tmp_path / "gout.toml"
    result = run_study("generate", str(source), "-o", str(output), "--report")
    assert result.exit_code == 0, result.stderr
    assert run_study("import", str(output)).exit_code == 0
    listed = json.loads(run_study("cards", "--json").stdout)
    cards = sum(1 for card in listed if card["deck_name"] != "Orthopaedics::Spine and hip")
    notes = output.read_text(encoding="utf-8").count("[[cards]]")
    assert cards > notes  # the list and the cloze of four deletions
    # it said "2 cards" for what `study cards` lists as 5
    assert f"{notes} notes ({cards} cards), 0 edited" in result.stdout.splitlines()[0]
    assert f"{notes} notes ({cards} cards) from 1 sentence" in result.stdout.splitlines()[1]


def test_generate_report_names_a_clause_that_gave_no_card(run_study: Any, tmp_path: Path) -> None:
    source = tmp_path / "tetanus.md"
    source.write_text(
        "# Tetanus\n\nTetanus, which is caused by a toxin of Clostridium tetani that enters "
        "through a wound, presents with trismus and painful muscle spasms, and the patient is "
        "given human tetanus immunoglobulin and metronidazole, whereas the typical patient who "
        "has never been vaccinated develops generalised rigidity, sweating, fever, swings in "
        "blood pressure and a fast heart rate within a few days of the injury.\n",
        encoding="utf-8",
    )
    result = run_study("generate", str(source), "-o", str(tmp_path / "t.toml"), "--report")
    assert result.exit_code == 0, result.stderr
    assert "    clause: The typical patient who has never been vaccinated" in result.stdout
