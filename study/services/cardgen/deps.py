"""What the dependency parse says of single tokens: subjects, markers, lists, remarks.

Small predicates over spaCy tokens, shared by the reading layer (``reading``) and the
phrase reader (``phrases``); the word sets name the words whose role the parse gives
("when" opens a condition, "because" a reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.forms import superlative

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Units of time: a phrase headed by one says when ("in the first week of treatment").
TIME_UNITS = frozenset(["second", "minute", "hour", "day", "week", "month", "year", "decade"])
WHEN_MARKS = frozenset(["when", "whenever", "if", "unless", "once", "until", "after", "before"])
WHY_MARKS = frozenset(["because", "since", "as"])
CONTRAST_MARKS = frozenset(["although", "though", "whereas", "while"])
RELATIVES = frozenset(["which", "who", "that", "whom", "whose", "where"])
# Adverbs that stay with the verb in a question ("How is it usually achieved?").
VERB_ADVERBS = frozenset(
    [
        "usually",
        "often",
        "still",
        "also",
        "typically",
        "commonly",
        "mainly",
        "mostly",
        "always",
        "never",
        "rarely",
        "sometimes",
        "generally",
        "normally",
        "frequently",
        "most",
        "only",
        "routinely",
    ]
)
# Adverbs of how often: asked on their own ("checked weekly": how often).
FREQUENCIES = frozenset(
    [
        "daily",
        "weekly",
        "monthly",
        "yearly",
        "annually",
        "fortnightly",
        "hourly",
        "nightly",
        "twice",
        "once",
    ]
)
# Adverbs without "-ly" that bound where or when a fact holds ("otherwise avoided",
# "the leading cause worldwide", "used alone").
_SCOPE_ADVERBS = frozenset(["otherwise", "worldwide", "alone"])
PEOPLE = frozenset(
    [
        "patients",
        "patient",
        "people",
        "person",
        "children",
        "child",
        "adults",
        "adult",
        "women",
        "men",
        "those",
        "infants",
        "neonates",
        "smokers",
        "elderly",
        "individuals",
        "anyone",
    ]
)
# Endings of nouns of an action ("referral", "investigation"): such a noun takes the
# preposition after it ("referral to the team"), whatever the parse hung it on.
ACTION_NOUN_ENDINGS = ("al", "ion", "ment", "ance", "ence", "ure")
NAMING_VERBS = frozenset(["know", "call", "term", "refer", "name"])
NUMERAL_NAMES = frozenset(["type", "grade", "stage", "class", "phase", "factor"])
# Phrases that link sentences, not conditions a question must keep.
DISCOURSE = frozenset(
    [
        "in",
        "fact",
        "in",
        "addition",
        "in",
        "contrast",
        "in",
        "summary",
        "in",
        "general",
        "for",
        "example",
        "for",
        "instance",
        "in",
        "short",
        "in",
        "particular",
        "of",
        "course",
        "in",
        "practice",
    ]
)


def continues_list(appos: Token) -> bool:
    """Whether an apposition is really the next item of a list ("A, B and C")."""
    return (
        any(c.dep_ == "conj" for c in appos.children)
        and appos.head.i < appos.i
        and not appos.head.dep_.startswith("nsubj")
    )


def defining(relcl: Token) -> bool:
    """Whether ``relcl`` completes a definition: "X is a condition in which ..."."""
    return relcl.head.dep_ == "attr" and relcl.head.head.lemma_ == "be"


def names_a_term(relcl: Token) -> bool:
    """Whether a relative clause after a comma follows a complement that names a term with
    no determiner ("The definitive treatment is laser peripheral iridotomy, which makes a
    small hole"): the relative stands for that term, not for the copula's subject."""
    return (
        after_a_comma(relcl)
        and relcl.head.pos_ in ("NOUN", "PROPN")
        and not any(c.dep_ in ("det", "poss") for c in relcl.head.children)
    )


def so_that_result(verb: Token) -> bool:
    """Whether the clause ``verb`` heads is an active "so that" clause ("makes a small hole
    in the iris so that aqueous humour can bypass the pupil"): a result true only through
    the clause it hangs on, never a fact alone ("What can aqueous humour bypass?"). A
    passive one says what can be done ("so that corticosteroids can be given to mature the
    fetal lungs"), which holds alone."""
    marks = [c for c in verb.children if c.dep_ == "mark" and c.i < verb.i]
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return False
    return any(
        m.lower_ == "so" and m.i + 1 < len(verb.doc) and verb.doc[m.i + 1].lower_ == "that"
        for m in marks
    )


def condition_relative(relcl: Token) -> bool:
    """Whether a relative clause is a condition the parser hung on the noun before it
    ("used to treat a multidrug-resistant organism, when the benefit outweighs the risk"):
    it opens with "when" or "if" and its noun names no time ("in the hours when ..."). It
    qualifies the verb of its sentence; read alone it asks "What does the benefit outweigh?"."""
    first = relcl.left_edge
    return (
        first.lower_ in ("when", "whenever", "if")
        and first.dep_ in ("advmod", "mark")
        and first.head == relcl
        and relcl.head.pos_ in ("NOUN", "PROPN")
        and relcl.head.lemma_ not in _TIME_NOUNS
    )


# Nouns a "when" clause can describe as a relative: "the week when ...".
_TIME_NOUNS = frozenset(
    ["time", "day", "week", "month", "year", "hour", "period", "moment", "age", "stage", "phase"]
)


def object_gap(relcl: Token) -> bool:
    """Whether a restrictive relative clause has a subject of its own that is no relative
    ("the most important thing you can do to stop it happening again"): its noun is the
    verb's missing object, so the clause states no fact of its own ("Why can you do?")."""
    subject = next((c for c in relcl.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return (
        subject is not None
        and subject.lower_ not in RELATIVES
        and not any(c.dep_ in ("dobj", "attr", "ccomp", "xcomp") for c in relcl.children)
        and not any(c.dep_ == "prep" and c.lower_ in RELATIVES for c in relcl.children)
        and not any(t.lower_ in RELATIVES for t in relcl.subtree if t.i < subject.i)
    )


def up_to(token: Token, top: Token) -> list[Token]:
    """``token`` and its ancestors below ``top``."""
    chain = [token]
    for ancestor in token.ancestors:
        if ancestor == top:
            break
        chain.append(ancestor)
    return chain


def own_subject(verb: Token) -> Token | None:
    """The subject of ``verb`` (or of its auxiliary, where the parser hung it there)."""
    # "Stopping smoking is the most important thing": a clause can be the subject too
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")]
    if len(subjects) > 1 and subjects[0].lower_ == "that":
        subjects = subjects[1:]  # "recommends that endoscopy is offered": "that" opens it
    before = [s for s in subjects if s.i < verb.i]
    if len(before) > 1 and any(
        t.lower_ in ("but", ";") or (t.pos_ in ("VERB", "AUX") and t.dep_ == "conj")
        for t in verb.doc[before[-2].i : before[-1].left_edge.i]
    ):
        # "Severe symptoms call for ..., but the total rise should not exceed ...", "A and
        # B are monitored, and C is given": two clauses the parser joined; the verb's
        # subject is the one after the other clause
        subjects = [before[-1]]
    own = subjects[0] if subjects else None
    if own is None:
        # "X ... are preferred": the parser may hang the subject on the auxiliary
        for aux in (c for c in verb.children if c.dep_ in ("aux", "auxpass")):
            own = next((c for c in aux.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if own is not None:
                break
    return own


def continues_a_participle(verb: Token) -> bool:
    """Whether ``verb``, a bare participle coordinated with a copula, continues a
    participle phrase of the copula's complement ("X is A, given ..., and repeated ...")."""
    head = verb.head
    if verb.tag_ != "VBN" or head.lemma_ != "be" or verb.dep_ != "conj":
        return False
    if any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in verb.children):
        return False
    return any(
        t.dep_ == "acl" and t.tag_ == "VBN" and head.i < t.i < verb.i and t.head.head == head
        for t in verb.doc[head.i : verb.i]
    )


def parallel_condition_subject(pronoun: Token) -> Token | None:
    """What "it" names as the subject of a condition that parallels an earlier one ("is
    added when the serum potassium is A, but none is added when it is B": the serum
    potassium), or None when ``pronoun`` is not such a subject."""
    verb = pronoun.head
    if verb.dep_ != "advcl" or mark_of(verb) not in WHEN_MARKS:
        return None
    earlier = [
        subject
        for t in pronoun.sent
        if t.i < verb.i and t.dep_ == "advcl" and mark_of(t) in WHEN_MARKS
        for subject in [own_subject(t)]
        if subject is not None and subject.lower_ not in ("it", "they", "this", "there")
    ]
    return earlier[-1] if earlier else None


def mark_of(verb: Token) -> str:
    """The word that opens the clause ``verb`` heads ("when", "because"), or ""."""
    for child in verb.children:
        marks = child.dep_ == "mark" or (child.dep_ == "advmod" and child.lower_ in WHEN_MARKS)
        if marks and child.i < verb.i:
            return child.lower_
    return ""


def introduces_examples(prep: Token) -> bool:
    """ "such as", "including", "e.g.": a prepositional phrase of examples."""
    if prep.lower_ == "as" and any(c.lower_ == "such" for c in prep.head.children):
        return True
    if prep.lower_ == "as" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "such":
        return True
    if prep.lower_ == "for" and any(
        t.lower_ in ("example", "instance") for t in prep.subtree if t.i <= prep.i + 2
    ):
        return True  # "for example A and B"
    return prep.lower_ in ("including", "e.g.", "eg")


def plural(token: Token) -> bool:
    if token.conjuncts and any(c.dep_ == "conj" for c in token.children):
        return True
    return token.tag_ in ("NNS", "NNPS")


def acronym(text: str) -> bool:
    bare = text.rstrip("s")
    return 2 <= len(bare) <= 8 and bare[:1].isupper() and sum(c.isupper() for c in bare) >= 2


def parenthesised(span: Span) -> set[int]:
    """The indices of the tokens inside parentheses (the parentheses included)."""
    inside: set[int] = set()
    depth = 0
    for token in span:
        if token.text == "(":
            depth += 1
        if depth > 0:
            inside.add(token.i)
        if token.text == ")" and depth > 0:
            depth -= 1
    return inside


def raised_means(prep: Token) -> bool:
    """Whether ``prep`` is a "by + -ing" phrase ending a relative clause on a verb's object
    ("adapt to a fall that develops over 48 hours by losing osmolytes"): it says how that
    verb acts, though the parser hangs it in the relative clause."""
    relcl = prep.head
    if prep.lower_ != "by" or relcl.dep_ != "relcl" or relcl.head.dep_ not in ("pobj", "dobj"):
        return False
    if not any(c.dep_ == "pcomp" and c.tag_ == "VBG" for c in prep.children):
        return False
    return prep.i == max(c.i for c in relcl.children if not c.is_punct)


def consequence_of(relcl: Token) -> Token | None:
    """The clause that a relative "which" says follows from the clause before it ("...,
    which is why X", "which explains why X", "which means (that) X"): X's verb, or None.
    Such a "which" stands for the clause before, not for its last noun."""
    if relcl.dep_ != "relcl" or relcl.lemma_ not in _CONSEQUENCE_VERBS:
        return None
    if not any(c.dep_ == "nsubj" and c.lower_ == "which" for c in relcl.children):
        return None
    complement = next(
        (c for c in relcl.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None
    )
    if complement is None or (relcl.lemma_ != "mean" and complement.left_edge.lower_ != "why"):
        return None
    return complement


_CONSEQUENCE_VERBS = frozenset(["be", "explain", "mean"])


def _agrees_with_a_list(relcl: Token) -> bool:
    """Whether the verb of ``relcl`` may be said of several things: not "is" or "has"
    ("A, B and C, which is the most potent": the last one only)."""
    return verb_number(relcl) is not False


def instruction_as_subject(subject: Token) -> bool:
    """Whether the parser made an instruction the subject of a later verb ("Diagnose and
    treat Lyme disease if a person has erythema migrans, a rash that ..., usually appears
    ...": "When does diagnose and treat ... appear?"): the subject is, or is coordinated
    with, a verb's base form."""
    return subject.tag_ == "VB" or any(
        c.dep_ == "conj" and c.tag_ == "VB" for c in subject.children
    )


def auxiliaries_of(verb: Token) -> list[Token]:
    """The auxiliaries before ``verb`` ("is", "should be")."""
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]


def verb_number(verb: Token) -> bool | None:
    """Whether ``verb``'s group is plural (True), singular (False), or does not say (None):
    its present-tense auxiliary or verb ("which helps", "which are", "should be": None)."""
    for token in [*(c for c in verb.children if c.dep_ in ("aux", "auxpass")), verb]:
        if token.tag_ == "VBZ":
            return False
        if token.tag_ == "VBP":
            return True
    return None


def after_a_comma(phrase: Token) -> bool:
    """Whether the phrase ``phrase`` heads follows a comma (a relative clause set off as a
    remark, an alternative added after the fact)."""
    first = phrase.left_edge
    return first.i > 0 and first.doc[first.i - 1].text == ","


_COMPARATORS = frozenset(["<", ">", "≤", "≥", "<=", ">="])


def threshold_after(last: Token) -> list[int]:
    """The comparator, number and unit right after ``last`` that the parser hung apart
    ("Avoid rate-limiting CCB if LVEF <40%": the condition is "if LVEF <40%"; "if heart
    rate <50": the number after the comparator the condition ends with), or []."""
    doc = last.doc
    taken: list[int] = []
    if last.text not in _COMPARATORS:
        if last.i + 1 >= len(doc) or doc[last.i + 1].text not in _COMPARATORS:
            return []
        taken = [last.i + 1]
    at = (taken[-1] if taken else last.i) + 1
    while at < len(doc) and (doc[at].like_num or doc[at].text == "%" or doc[at].pos_ == "NOUN"):
        taken.append(at)
        at += 1
    return taken if any(doc[i].like_num for i in taken) else []


def bare_superlative(token: Token) -> bool:
    """Whether ``token`` is "the commonest" with no noun: one of something the sentence
    does not name, never a thing to ask."""
    return superlative(token.lower_) and all(c.dep_ == "det" for c in token.children)


def described(relcl: Token) -> Token:
    """What a relative clause is about: the noun it hangs on, unless that noun is an
    apposition that only classes the noun before it ("X, a herpesvirus that ..."), or
    the clause is a remark after a comma and that noun is the object of an adjective
    after another noun ("pain typical of the condition, which radiates to the back": the
    pain radiates, not the condition), or a span of time after a noun ("colchicine for
    three months, which ...")."""
    noun = relcl.head
    if noun.dep_ == "appos" and any(c.lower_ in ("a", "an") for c in noun.children):
        # "Epstein-Barr virus, a herpesvirus that persists ...": the virus named before
        return noun.head
    first = relcl.left_edge
    if first.i == 0 or first.doc[first.i - 1].text != ",":
        return noun
    if noun.dep_ == "conj" and _agrees_with_a_list(relcl):
        # "caused by A, B or C, which should be considered when ...": said of the list
        while noun.dep_ == "conj" and noun.head.pos_ in ("NOUN", "PROPN"):
            noun = noun.head
        return noun
    prep = noun.head
    if noun.dep_ == "pobj" and noun.lemma_.lower() in TIME_UNITS and prep.i > 0:
        # "together with colchicine for three months, which halves the risk": a span of
        # time does nothing; the clause is about the noun its phrase follows
        before = noun.doc[prep.i - 1]
        return before if before.pos_ in ("NOUN", "PROPN") else noun
    if noun.dep_ == "pobj" and prep.dep_ == "prep":
        adjective = prep.head
        head = adjective.head
        if (
            adjective.pos_ == "ADJ"
            and adjective.dep_ == "amod"
            and head.pos_ in ("NOUN", "PROPN")
            and head.i < adjective.i
        ):
            return head
    return noun


_MODALS = frozenset(["should", "must", "may", "can", "will", "need"])


def second_instruction(verb: Token) -> Token | None:
    """The instruction ``verb`` is coordinated with, when the parser hung it on that
    instruction's condition instead: in "The patient should lie flat, unless breathing is
    difficult, and should not stand, because ...", "stand" is the patient's second
    instruction (with its own modal and no subject of its own), not part of the "unless"
    condition; None for any other verb."""
    condition = verb.head
    if (
        verb.dep_ != "conj"
        or verb.pos_ != "VERB"
        or condition.dep_ != "advcl"
        or mark_of(condition) not in WHEN_MARKS
        or own_subject(verb) is not None
    ):
        return None
    instruction = condition.head
    modal = [c for c in verb.children if c.dep_ == "aux" and c.lower_ in _MODALS]
    main_modal = [c for c in instruction.children if c.dep_ == "aux" and c.lower_ in _MODALS]
    if modal and main_modal and own_subject(instruction) is not None:
        return instruction
    return None


def participle_subject(verb: Token) -> Token | None:
    """The participle that opens ``verb``'s subject where the parser read it as a verb of
    its own: "..., and nebulised salbutamol 10 to 20 mg may be added": "nebulised" taken
    for a verb coordinated with the first (and "may be added" for its sibling or its
    complement), "salbutamol" for its object, and "may be added" left with no subject.
    None for any other verb."""
    if verb.dep_ not in ("conj", "ccomp") or own_subject(verb) is not None:
        return None
    group = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    if not group:
        return None
    start = min(c.i for c in group)
    inside = {t.i for t in verb.subtree}
    found = [c for c in verb.head.children if c.dep_ == "conj"] if verb.dep_ == "conj" else []
    for participle in [*found, verb.head]:
        if (
            participle.dep_ == "conj"
            and participle.tag_ in ("VBN", "VBD")
            and participle.i < start
            and max(t.i for t in participle.subtree if t.i not in inside) == start - 1
            and any(c.dep_ == "dobj" for c in participle.children)
            and not any(
                c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in participle.children
            )
        ):
            return participle
    return None


def is_participle_subject(verb: Token) -> bool:
    """Whether ``verb`` is the participle of a later verb's subject (``participle_subject``)."""
    if verb.dep_ != "conj":
        return False
    later = [c for c in verb.head.children if c.dep_ == "conj" and c.i > verb.i]
    later += [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
    return any(participle_subject(c) == verb for c in later)


def noun_conjunct_before(verb: Token) -> Token | None:
    """A noun the parser coordinated with a verb, just before ``verb``'s group, where
    ``verb`` is a passive or auxiliary verb coordinated with an earlier one and with no
    subject between ("..., and rifaximin, a poorly absorbed antibiotic, is added"): the
    subject of ``verb``."""
    if not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return None
    nouns = [
        t
        for t in verb.doc[verb.head.i + 1 : verb.i]
        if t.dep_ == "conj" and t.pos_ in ("NOUN", "PROPN") and t.head.pos_ in ("VERB", "AUX")
    ]
    if not nouns:
        return None
    noun = nouns[-1]
    between = verb.doc[noun.right_edge.i + 1 : verb.i]
    if any(t.dep_.startswith("nsubj") or t.pos_ in ("VERB",) for t in between):
        return None
    return noun


def a_later_subject(noun: Token) -> bool:
    """Whether ``noun`` is the subject of a later verb that the parser coordinated with it
    as with a verb (``noun_conjunct_before``): no part of the phrase it was hung in."""
    if noun.dep_ != "conj" or noun.pos_ not in ("NOUN", "PROPN") or noun.head.pos_ != "VERB":
        return False
    return any(
        v.dep_ == "conj" and noun_conjunct_before(v) == noun
        for v in noun.doc[noun.i + 1 : noun.sent.end]
        if v.pos_ in ("VERB", "AUX")
    )


def main_clause(verb: Token) -> bool:
    """Whether ``verb`` heads a main clause: not an adverbial, relative or participial
    clause, nor a verb coordinated inside one ("once the pressure is controlled and the
    cornea has cleared": the cornea's clause is the condition's)."""
    while verb.dep_ == "conj" and verb.head != verb:
        verb = verb.head
    return verb.dep_ not in ("advcl", "relcl", "acl")


def quantified_by(word: Token) -> list[Token]:
    """The "of whom"/"of which" of a quantifier ("almost all of whom carry X": "almost all
    <antecedent> carry X"), or []."""
    if word.lower_ not in _QUANTIFIERS:
        return []
    for child in word.children:
        objects = [c for c in child.children if c.dep_ == "pobj"]
        if child.lower_ == "of" and [o.lower_ for o in objects] in (["whom"], ["which"]):
            return [child, *objects]
    return []


_QUANTIFIERS = frozenset(["all", "most", "many", "some", "several", "both"])


def list_past_a_relative(noun: Token) -> Token | None:
    """The relative clause after a comma on ``noun``, one singular noun with no list of
    its own, when commas and a last "and"/"or" come after it: "The signs are A, which
    causes X, B, and C" lists A, B and C, but the parser reads B and C inside the relative
    clause (so "A causes ... C"); None otherwise."""
    if any(c.dep_ == "conj" for c in noun.children):
        return None
    doc = noun.doc
    relative = next(
        (
            c
            for c in noun.children
            if c.dep_ == "relcl" and after_a_comma(c) and c.left_edge.tag_ in ("WDT", "WP", "IN")
        ),
        None,
    )
    if relative is None:
        return None
    commas = [t for t in doc[relative.i : noun.sent.end] if t.text == ","]
    goes_on = len(commas) >= 2 and any(
        t.i + 1 < len(doc) and t.nbor(1).lower_ in ("and", "or") for t in commas[1:]
    )
    return relative if goes_on else None


def disagrees(noun: Token, relcl: Token) -> bool:
    """Whether a relative clause cannot be said of ``noun``: "which" said of people, or its
    verb's number, when "which" or "that" is its subject, not the noun's."""
    number = verb_number(relcl)
    relatives = [t for t in relcl.subtree if t.i < relcl.i and t.lower_ in ("which", "that")]
    if noun.lower_ in PEOPLE and any(t.lower_ == "which" for t in relatives):
        return True
    subject = any(t.dep_ in ("nsubj", "nsubjpass") and t.head == relcl for t in relatives)
    return subject and number is not None and plural(noun) != number


def stands_for_a_noun(first: Token) -> bool:
    """Whether a clause's first word (or subject) is "one"/"ones" standing for a noun said
    before it ("and one above 500 nmol/L makes it unlikely": a cortisol), which a clause
    shown alone cannot name; not a numeral of a noun ("one dose") or of a group ("one in
    ten", "one of them")."""
    return (
        first.lower_ in ("one", "ones")
        and first.dep_ not in ("nummod", "quantmod")
        and not any(c.dep_ == "prep" and c.lower_ in ("in", "of") for c in first.children)
    )


def owner_of(noun: Token) -> Token | None:
    """The noun whose "of" or "in" phrase ``noun`` is the object of, or the first of a
    list ``noun`` ends ("A of B, C and D": A)."""
    while noun.dep_ == "conj" and noun.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in ("of", "in") or prep.dep_ != "prep":
        return None
    owner = prep.head
    return owner if owner.pos_ in ("NOUN", "PROPN") else None


def of_another_noun(noun: Token, relcl: Token) -> bool:
    """Whether a relative clause after a comma hangs on the object of "of" or "in" after another
    noun ("the ATPase of cardiac muscle, which ...") of the same number as it, the
    relative clause's verb agreeing with both: which of them it is said of, or whether of
    the clause before, cannot be told; so too after a remark that classes a noun."""
    if in_a_classing_remark(noun, relcl):
        return True
    # (or "in": "suggests a stone in the duct, which is looked for with MRCP")
    if noun.dep_ != "pobj" or noun.head.lower_ not in ("of", "in") or noun.head.dep_ != "prep":
        return False
    owner = noun.head.head
    if not after_a_comma(relcl):
        return False
    if owner.pos_ not in ("NOUN", "PROPN") or owner.dep_ not in ("dobj", "pobj", "attr"):
        return False
    number = verb_number(relcl)
    return number is None or plural(owner) == plural(noun) == number


def in_a_classing_remark(noun: Token, relcl: Token) -> bool:
    """Whether a relative clause after a comma hangs on the object of a preposition in an
    apposition that classes the noun before it ("treated with X, an antibody against Y,
    which requires ..."): said of Y, or of X once the remark is closed; when its verb
    agrees with both, which cannot be told."""
    owner = noun.head.head
    return (
        noun.dep_ == "pobj"
        and noun.head.dep_ == "prep"
        and owner.dep_ == "appos"
        and any(c.lower_ in ("a", "an") for c in owner.children)
        and after_a_comma(relcl)
        and plural(noun) == plural(owner.head)
        and verb_number(relcl) in (None, plural(noun))
    )


def qualifier(adverb: Token) -> bool:
    """Whether ``adverb`` bounds the fact its verb states: its manner, degree or scope
    ("remits spontaneously", "is treated medically", "is otherwise avoided"). A question
    without it states another fact, often a false one; a linking word ("then", "so") or
    a frequency (asked on its own) bounds nothing."""
    word = adverb.lower_
    return (
        adverb.dep_ == "advmod"
        and adverb.tag_ == "RB"
        and adverb.is_alpha
        and word not in FREQUENCIES
        and word not in VERB_ADVERBS
        and (word in _SCOPE_ADVERBS or (word.endswith("ly") and len(word) > 4))
        # "as early as possible", "independently of X": a phrase a question would cut
        and all(c.dep_ in ("advmod", "cc", "conj") for c in adverb.children)
    )


def coordinated_twins(head: Token, verb: Token) -> list[Token]:
    """The later conjuncts of ``head`` (an object, or the preposition of a phrase of
    ``verb``) that the parser hung elsewhere: phrases of the same kind after commas, up
    to one right after an "and"/"or" later in the clause ("treated with A, followed by
    ..., and with B"; "by A, by B or by C"; "caused partly by A and partly by B"; "need
    A, to below X, and B", the second object hung on the verb). ``head`` alone is then
    one item given as the whole; [] when no "and"/"or" ends such a list."""
    if head.pos_ not in ("ADP", "NOUN", "PROPN"):
        return []
    inside = {t.i for t in head.subtree}
    own = {t.i for t in verb.subtree}
    found: list[Token] = []
    for token in verb.sent[head.right_edge.i + 1 - verb.sent.start :]:
        if token.i in inside or not _same_kind(token, head, verb):
            continue
        if token.i not in own and token.dep_ != "conj":
            continue  # past the clause, only a conjunct the parser hung on a participle
        if any(
            t.dep_ == "conj" and t.head == verb and t.pos_ in ("VERB", "AUX")
            for t in token.doc[head.i : token.i]
        ):
            break  # "presents with A ... and is treated ... and with B": another verb's
        if any(_has_a_subject(t) for t in token.ancestors if t != verb and t.i > head.i):
            continue  # "because Y interacts with B and with C": another clause's
        span = token.doc[head.right_edge.i + 1 : token.i]
        if sum(t.text == "(" for t in span) > sum(t.text == ")" for t in span):
            continue  # "by A (and by B in older people)": a remark, not the second item
        before = token.left_edge.i - 1
        while before > head.i and token.doc[before].dep_ == "advmod":
            before -= 1  # "and partly by B"
        if token.doc[before].dep_ == "cc" and token.doc[before].lower_ in ("and", "or"):
            return [*found, token]
        if token.doc[before].text == ",":
            found.append(token)  # "by A, by B or by C"
    return []


def _same_kind(token: Token, head: Token, verb: Token) -> bool:
    """Whether ``token`` could be a conjunct of ``head``: the same preposition, a
    conjunct or a phrase of the verb; for an object, a noun the parser made a conjunct
    of the verb."""
    if head.pos_ == "ADP":
        return (
            token.pos_ == "ADP"
            and token.lower_ == head.lower_
            and (token.dep_ == "conj" or token.head == verb)
        )
    return token.dep_ == "conj" and token.head == verb and token.pos_ in ("NOUN", "PROPN")


def ruled_out(phrase: Token) -> bool:
    """Whether ``phrase``, a phrase after its verb, is an alternative the sentence rules
    out after a comma ("taken with food, not on an empty stomach"; "given daily, never
    weekly"): its negation is its own, never the verb's, and it is no fact of the verb."""
    return (
        phrase.i > phrase.head.i
        and phrase.pos_ not in ("VERB", "AUX")  # ", because it does not reach ...": a clause
        and after_a_comma(phrase)
        and any(c.dep_ == "neg" and c.i < phrase.i for c in phrase.children)
    )


def _has_a_subject(token: Token) -> bool:
    """Whether ``token`` is the verb of a clause with a subject of its own."""
    return token.pos_ in ("VERB", "AUX") and any(
        c.dep_ in ("nsubj", "nsubjpass") for c in token.children
    )
