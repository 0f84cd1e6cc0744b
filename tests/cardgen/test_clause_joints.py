"""A long sentence whose parse runs its clauses together is cut at its joints (a comma
or semicolon before "and", "while", "although", ...), and each piece read alone.

Sentences of other topics than the judged sets, so that each rule is one of reading the
text, not a fit to one passage.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, one_sentence, qa

from study.services.cardgen.clauses import clause_texts
from study.services.cardgen.clauses.joints import joint_texts

FLARE = (
    "A flare in a patient with ulcerative colitis is usually provoked, most often by "
    "infection (including Clostridioides difficile), stopping mesalazine, smoking "
    "cessation, stress or painkillers such as ibuprofen and naproxen, and finding and "
    "treating the trigger is the first step of care, while other causes of bloody "
    "diarrhoea, such as ischaemic colitis, diverticulitis and a tumour of the colon, are "
    "excluded."
)
LITHIUM = (
    "Lithium, a mood stabiliser that the kidneys excrete unchanged through channels which "
    "also carry sodium in the tubule, is given to keep a blood level of 0.4 to 1.0 mmol/L "
    "(by liquid or as tablets if the patient cannot swallow whole tablets), and valproate, "
    "a widely used anticonvulsant, is added to prevent relapse after a second episode of "
    "mania."
)
TREMENS = (
    "Delirium tremens is graded by the CIWA scale from stage 1 (tremor, sweating and "
    "anxiety) through stage 2 (hallucinations and agitation) and stage 3 (seizures with "
    "confusion) to stage 4, which is coma, although tremor is not specific to alcohol "
    "withdrawal and also occurs in thyrotoxicosis and caffeine excess."
)
WARFARIN = (
    "Warfarin is given to patients with a mechanical heart valve when the valve is in the "
    "mitral position, or when they have had a previous embolism, because it prevents clots "
    "more effectively than aspirin or heparin; its effect is monitored by the international "
    "normalised ratio and by the prothrombin time, and it is reversed with vitamin K."
)


def _clauses(text: str) -> list[str]:
    return clause_texts(one_sentence(text).span)


def test_clauses_the_parser_runs_together_are_cut_at_their_joints() -> None:
    # the parser takes the list of triggers for the subject of "is the first step", and
    # hangs the "while" clause on it: no clean clause in the parse
    texts = _clauses(FLARE)
    assert "Finding and treating the trigger is the first step of care." in texts
    assert (
        "Other causes of bloody diarrhoea, such as ischaemic colitis, diverticulitis and a "
        "tumour of the colon, are excluded." in texts
    )


def test_a_clause_after_and_with_a_subject_of_its_own_is_read_alone() -> None:
    assert (
        "Valproate, a widely used anticonvulsant, is added to prevent relapse after a second "
        "episode of mania." in _clauses(LITHIUM)
    )


def test_a_contrast_after_although_is_read_alone() -> None:
    assert (
        "Tremor is not specific to alcohol withdrawal and also occurs in thyrotoxicosis and "
        "caffeine excess." in _clauses(TREMENS)
    )


def test_a_piece_that_refers_to_the_clause_before_by_its_is_not_cut_out() -> None:
    # "its effect" is the effect of warfarin, and "it is reversed" is said of that effect:
    # "Warfarin is reversed with vitamin K" would misread the sentence
    texts = _clauses(WARFARIN)
    assert not any(t.startswith(("Its ", "Warfarin is reversed")) for t in texts)


def test_the_clause_a_misread_parse_hid_gets_its_card(tmp_path: Path) -> None:
    cards = dict(qa(n) for n in generate_text(tmp_path, f"Lithium\n\n{LITHIUM}\n").deck.notes)
    assert cards.get("Lithium: what is added to prevent relapse?") == "Valproate"


def test_a_question_read_across_two_clauses_the_parse_ran_together_is_left_out(
    tmp_path: Path,
) -> None:
    # the parser hangs "valproate" on "given" as a list item: "What is lithium, a mood
    # stabiliser ..., added to prevent?" asked of the first clause with the second's verb
    cards = [qa(n) for n in generate_text(tmp_path, f"Lithium\n\n{LITHIUM}\n").deck.notes]
    assert not [q for q, _ in cards if q.lower().startswith("what is lithium")]
    assert ("Lithium: what is valproate added to prevent?", "Relapse") in cards


def test_an_it_inside_a_clause_of_a_piece_is_not_named_by_the_subject_before() -> None:
    # "it" is the serum level, not the drug: the piece is left out rather than misread
    texts = joint_texts(
        "Intravenous magnesium sulfate 2 g is given over 20 minutes when the serum level is "
        "below 0.5 mmol/L in a patient with arrhythmias, and none is given when it is above "
        "1.0 mmol/L because of the risk of respiratory depression."
    )
    assert not [t for t in texts if "when Intravenous magnesium sulfate is above" in t]


NEUROMYELITIS = (
    "Neuromyelitis optica is confirmed by aquaporin receptor antibodies or by magnetic "
    "resonance imaging, which is the most sensitive test, and every patient has an eye "
    "examination, because about 20% have optic neuritis, which is treated, whereas "
    "rituximab is also offered to patients under 60 with relapsing disease and receptor "
    "antibodies even when there is no optic neuritis."
)


def test_a_clause_cut_inside_a_phrase_gives_nothing() -> None:
    # the tagger takes the last "antibodies" for a verb: the clause read off the parse
    # stopped at "... and receptor"
    assert not [t for t in _clauses(NEUROMYELITIS) if t.endswith("and receptor.")]


def test_a_clause_the_parse_lost_is_added_from_the_pieces_cut_at_its_joints() -> None:
    texts = _clauses(NEUROMYELITIS)
    assert (
        "Every patient has an eye examination, because about 20% have optic neuritis, which "
        "is treated." in texts
    )
    assert (
        "Rituximab is also offered to patients under 60 with relapsing disease and receptor "
        "antibodies even when there is no optic neuritis." in texts
    )
