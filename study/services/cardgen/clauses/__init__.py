"""A long sentence told again as short standalone sentences, one per clause.

A textbook sentence of 60 to 90 words often carries several facts in coordinated
clauses, clauses after a semicolon, "whereas" clauses and non-restrictive relative clauses
("X, which is calculated from A, B and C, identifies ..."). Its own cards often fail a
length gate (a cloze of the whole sentence is over 70 words, an answer over 16), and then
nothing of it is asked. ``clause_texts`` reads the sentence's clauses off the dependency
parse and writes each as a sentence of its own, with its subject named and its conditions
kept, so that the ordinary proposal machinery can read each one:

- a coordinated verb without a subject of its own takes the subject it shares, and the
  conditions that lead that subject ("If the transfer will be delayed, the patient lies
  flat ... and is given ..." gives "If the transfer will be delayed, the patient is given
  ...");
- a non-restrictive relative clause is said of the phrase just before its comma ("X,
  which is calculated from A" gives "X is calculated from A"; "patients with asthma, who
  are not given timolol" gives "Patients with asthma are not given timolol", wherever the
  parser hung "who"), and is taken out of the clause around it;
- "..., except those over 70, in whom it is less reliable" gives "In those over 70, X is
  less reliable", "it" named by the subject of the clause that holds "those over 70";
- "unless A, in which case B" gives "If A, B";
- "X is done, because Y" is told with its reason and without it.

``aside_texts`` does the same for remarks in parentheses that are relative clauses or
short lists ("nausea or vomiting (which may be mistaken for a migraine)").

Nothing is made when the parse does not give clean pieces: a clause whose words are not
one run of the sentence (once the other clauses are taken out) is left out.

One module per kind of clause: ``coordinated`` (main, contrast and reason clauses),
``relative`` (", which ..."), ``cases`` (", in which case ..."), ``asides`` (remarks in
parentheses); ``naming`` names the subject a clause leaves out, ``units`` and ``writing``
hold the clause and write it out, and ``split`` cuts each clause out of its sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.clauses.asides import aside_texts, read_as_definition
from study.services.cardgen.clauses.joints import read_across
from study.services.cardgen.clauses.split import clause_texts, run_together_texts

if TYPE_CHECKING:
    from spacy.tokens import Span

# A sentence shorter than this is read whole: its own cards ask its clauses.
MIN_WORDS = 40
# A sentence this long is read clause by clause even when its own cards pass every gate.
VERY_LONG_WORDS = 55


def long_enough(span: Span) -> bool:
    """Whether ``span`` is long enough to be read clause by clause too."""
    return sum(1 for t in span if not t.is_punct) >= MIN_WORDS


def very_long(span: Span) -> bool:
    """Whether ``span`` is so long that its own cards cannot ask every clause."""
    return sum(1 for t in span if not t.is_punct) >= VERY_LONG_WORDS


__all__ = [
    "MIN_WORDS",
    "VERY_LONG_WORDS",
    "aside_texts",
    "clause_texts",
    "long_enough",
    "read_across",
    "read_as_definition",
    "run_together_texts",
    "very_long",
]
