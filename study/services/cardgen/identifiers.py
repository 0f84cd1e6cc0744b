"""Likely patient identifiers in a sentence of material: dates of birth, NHS numbers,
hospital numbers and titled names beside clinical detail.

Clinicians' notes can hold them, and a generated card copies its sentence into the deck
file, its backups, shared decks and Anki. ``generate`` leaves such sentences out (and says
so in ``--report``, with the identifier masked) unless ``--allow-identifiers`` is given.
The rules favour recall on the forms identifiers take in UK notes while leaving alone what
medical text is full of: eponyms and scores, doses, lab values, years in citations, and
"Mr" or "Mrs" in generic text without a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DATE_OF_BIRTH = "date of birth"
NHS_NUMBER = "NHS number"
HOSPITAL_NUMBER = "hospital number"
NAME = "name with a title"

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"  # 12/03/1961, 12.3.61
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 3 March 1961
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 3, 1961
    r"|\d{4}-\d{2}-\d{2})"  # 1961-03-12
)
_DOB = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*(?P<id>{_DATE})",
    re.IGNORECASE,
)
# Ten digits, as written (3-3-4 with spaces or hyphens) or run together; not part of a
# longer number or a decimal.
_TEN_DIGITS = re.compile(r"(?<![\d.,/])(?P<id>\d{3}([ -]?)\d{3}\2\d{4})(?![\d.,/]?\d)")
_NHS_LABEL = re.compile(r"\bNHS\s*(?:no\.?|number|#)?\s*[:\-]?\s*$", re.IGNORECASE)
_HOSPITAL = re.compile(
    r"\b(?:MRN|medical\s+record\s+(?:no\.?|number)|hospital\s+(?:no\.?|number|id)"
    r"|hosp\.?\s+no\.?|unit\s+(?:no\.?|number)|patient\s+(?:id|no\.?|number)|CRN)"
    r"\s*[:#\-]?\s*(?P<id>[A-Z]{0,3}\d{5,10}[A-Z]?)\b",
    re.IGNORECASE,
)
# A surname as written: Smith, O'Brien, McDonald, Lloyd-Jones.
_NAME_WORD = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
_TITLED_NAME = re.compile(
    rf"\b(?P<title>Mr|Mrs|Ms|Miss|Mx|Master|Dr)\.?\s+(?P<id>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
# What makes a titled name a patient's: an age, or a clinical event, in the same sentence.
# "Dr" needs an age: "Dr Blatchford reported that patients who presented ..." names an author.
_AGE = re.compile(
    r",\s*\d{1,3}\s*(?:,|y\b|yo\b|years?\b)|\b\d{1,3}[\s-]*(?:-?year-old|years?\s+old|yo\b|y/o\b)"
    r"|\baged\s+\d{1,3}\b",
    re.IGNORECASE,
)
_CLINICAL_EVENT = re.compile(
    r"\b(?:presents?|presented|presenting|admitted|diagnosed|attends?|attended"
    r"|complain(?:s|ed|ing)?|reports?|reported|underwent|referred|discharged|died|was\s+seen"
    r"|history\s+of|known\s+to|on\s+(?:warfarin|insulin|methotrexate)|PMH|PMHx|c/o"
    r"|bed\s+\d+|ward\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Identifier:
    """A likely identifier: what kind it is and where it stands in the sentence."""

    kind: str
    start: int
    end: int


def nhs_number_is_valid(digits: str) -> bool:
    """Whether ten digits carry a valid NHS modulus-11 check digit.

    The first nine digits are weighted 10 down to 2; 11 minus the sum's remainder mod 11
    is the check digit (11 counts as 0, and 10 means no valid number has those nine).
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find(sentence: str) -> list[Identifier]:
    """Every likely patient identifier in ``sentence``, in order of position."""
    found: list[Identifier] = []
    for match in _DOB.finditer(sentence):
        found.append(Identifier(DATE_OF_BIRTH, match.start("id"), match.end("id")))
    for match in _TEN_DIGITS.finditer(sentence):
        digits = re.sub(r"\D", "", match.group("id"))
        labelled = bool(_NHS_LABEL.search(sentence[: match.start()]))
        if labelled or nhs_number_is_valid(digits):
            found.append(Identifier(NHS_NUMBER, match.start("id"), match.end("id")))
    for match in _HOSPITAL.finditer(sentence):
        found.append(Identifier(HOSPITAL_NUMBER, match.start("id"), match.end("id")))
    aged = bool(_AGE.search(sentence))
    clinical = aged or bool(_CLINICAL_EVENT.search(sentence))
    for match in _TITLED_NAME.finditer(sentence):
        if aged if match.group("title") == "Dr" else clinical:
            found.append(Identifier(NAME, match.start("id"), match.end("id")))
    return sorted(found, key=lambda i: (i.start, i.kind))


def kinds_in(sentence: str) -> list[str]:
    """The kinds of likely identifier in ``sentence``, each once, in order of position."""
    return list(dict.fromkeys(i.kind for i in find(sentence)))


def redact(sentence: str) -> str:
    """``sentence`` with each likely identifier replaced by its kind in brackets, so the
    report can say what was left out without printing it."""
    parts: list[str] = []
    position = 0
    for identifier in find(sentence):
        if identifier.start < position:
            continue
        parts.append(sentence[position : identifier.start])
        parts.append(f"[{identifier.kind}]")
        position = identifier.end
    parts.append(sentence[position:])
    return "".join(parts)
