"""Synthetic study material for the card generator: Markdown in the style of a textbook.

Each section describes a made-up condition with the sentence shapes the generator's
patterns look for (definitions, "also known as", causes, lists, tests, treatments), so
the generator does its full work on every section instead of dropping the text early.
"""

from __future__ import annotations

import random

from benchmarks.collection import word

_CATEGORIES = (
    "inflammatory arthritis",
    "autoimmune disease",
    "metabolic disorder",
    "infection",
    "degenerative disease",
    "vasculitis",
    "cardiomyopathy",
)
_ORGANS = (
    "knee joint",
    "left ventricle",
    "proximal tubule",
    "hepatic lobule",
    "lumbar spine",
    "first metatarsophalangeal joint",
    "thyroid gland",
)


def section(rng: random.Random) -> str:
    """One section about one made-up condition."""
    cond, alias, cause = word(rng).capitalize(), word(rng), word(rng, 2)
    substance, test, drug, enzyme = word(rng, 2), word(rng), word(rng), word(rng, 2)
    factors = "\n".join(f"- {word(rng, 2).capitalize()}" for _ in range(rng.randint(3, 5)))
    return (
        f"# {cond}\n\n"
        f"{cond} is a form of {rng.choice(_CATEGORIES)} caused by the deposition of {cause} "
        f"in the {rng.choice(_ORGANS)}. It is also known as {alias}. It most often affects "
        f"adults over {rng.randint(20, 70)} years of age.\n\n"
        f"## Causes\n\n{cond} is caused by {substance}aemia, a persistently raised level of "
        f"{substance} in the blood. Crystals form when the serum level stays above about "
        f"{rng.randint(1, 9)}.{rng.randint(10, 99)} mmol/L for a long time.\n\n"
        f"Risk factors for {cond.lower()} include:\n\n{factors}\n\n"
        f"## Diagnosis\n\n{test.capitalize()} (also called {word(rng)}) confirms the diagnosis. "
        f"The aim of {test} is to look for {word(rng, 2)} bodies under polarised light.\n\n"
        f"## Treatment\n\nAcute attacks can be treated with {drug} or corticosteroids. "
        f"{drug.capitalize()}, a {enzyme} inhibitor, lowers the {substance} level over "
        f"months. Treatment is usually continued for {rng.randint(2, 12)} months.\n\n"
    )


def material(size: int, seed: int = 300) -> str:
    """About ``size`` characters of Markdown material, deterministic for a seed."""
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(section(rng))
        length += len(parts[-1])
    return "".join(parts)
