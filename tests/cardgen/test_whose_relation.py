"""A relative, a pronoun, a reason or an example said of the thing the sentence says it of,
and a list answered whole (round 5b: wrong subject or relation, one item as the answer)."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa

from study.services.cardgen.clauses.relative import relative_units
from study.services.cardgen.nlp import parse


def _cards(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [qa(n) for n in generate_text(tmp_path, text).deck.notes]


def test_a_relative_after_a_remark_is_said_of_its_own_noun() -> None:
    # "in whom" is the children (not the commonest cause); "which" after the remark is the
    # virus, not the commonest cause the parser's chain climbs to
    [doc] = parse(
        [
            "Myocarditis is an inflammation of the heart muscle, and it is the commonest "
            "cause of sudden cardiac death in young children, in whom about half of cases "
            "follow infection with Coxsackie B virus (CVB), which in the UK is most often "
            "type B3."
        ]
    )
    said = {u.head.lemma_: u.antecedent.text for u in relative_units(doc[:]) if u.antecedent}
    assert said == {"follow": "children", "be": "virus"}, said


def test_a_relative_after_a_classing_apposition_is_not_its_noun(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Gout\n\nAcute gout tends to recur and is treated with colchicine, an alkaloid "
        "from the autumn crocus, which causes diarrhoea at high doses.\n",
    )
    assert not any("crocus cause" in front for front, _ in cards), cards


def test_a_relative_on_a_complement_is_said_of_what_it_names(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Gout\n\nGout is an inflammatory arthritis.\n"
        "In older men it is a disease that is common after a heavy meal.\n",
    )
    fronts = [front for front, _ in cards]
    assert "When is gout common?" in fronts, fronts
    assert not any("a disease common" in f or "a disease is" in f for f in fronts), fronts


def test_a_reason_after_a_timing_or_participle_left_out_is_not_asked(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Herpes zoster\n\n"
        "Aciclovir is started within 72 hours of the first appearance of the vesicular rash "
        "on the skin of the trunk, since later treatment does little for the pain.\n"
        "The loading dose of phenytoin is 20 mg/kg, given by intravenous infusion over 60 "
        "minutes, because faster infusion causes arrhythmia.\n"
        "Aspirin is avoided in children because it causes Reye syndrome.\n",
    )
    whys = [front for front, _ in cards if "why" in front.lower()]
    assert whys == ["Why is aspirin avoided in children?"], whys


def test_it_after_a_noun_the_topic_only_qualifies_is_that_noun(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Influenza\n\nInfluenza is a viral infection of the airways. The influenza vaccine "
        "is made each year. It is offered to everyone aged 65 or over and to pregnant women.\n",
    )
    said = " ".join(f"{front} {back}" for front, back in cards)
    assert "influenza vaccine is offered" in said.lower() or "vaccine offered" in said, cards
    assert "What is influenza offered to?" not in said, cards


def test_an_example_after_a_for_phrase_is_not_asked(tmp_path: Path) -> None:
    # of the indication or of the treatment: the words do not tell
    cards = _cards(
        tmp_path,
        "# Warfarin\n\nBefore stopping warfarin, weigh the bleeding against the indication "
        "for treatment (for example a recent pulmonary embolism).\n",
    )
    assert not any("example" in front for front, _ in cards), cards


def test_a_list_cut_at_its_commas_is_asked_whole_or_not_at_all(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Diverticular disease\n\nDiverticulitis is common and can progress to abscess, "
        "bowel perforation and death, so antibiotics are given.\n\n"
        "# Tapeworm infection\n\nThe parasite is acquired from raw fish, undercooked pork, "
        "contaminated salads and water, or soil.\n",
    )
    assert ("What can diverticulitis progress to?", "Abscess, bowel perforation and death") in [
        (front, back) for front, back in cards
    ], cards
    assert not any(back == "Raw fish" for _, back in cards), cards


def test_a_share_read_as_a_phrase_is_not_the_subject_before(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "# Meningitis\n\nMost patients recover, but about 10% die in the first week and up to "
        "a quarter have lasting deafness or epilepsy.\n",
    )
    assert not any("10% have" in front for front, _ in cards), cards
