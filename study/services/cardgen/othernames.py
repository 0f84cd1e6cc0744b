"""Other names read off the parse: acronyms, appositions, "known as" phrases, examples,
and remarks in parentheses read apart from their sentence."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from study.services.cardgen.deps import (
    NAMING_VERBS,
    PEOPLE,
    WHEN_MARKS,
    acronym,
    continues_list,
    introduces_examples,
    mark_of,
    own_subject,
)
from study.services.cardgen.forms import AUXILIARIES, only_a_noun, only_a_verb
from study.services.cardgen.phrases import OtherName, Phrase, PhraseReader
from study.services.cardgen.terms import PRONOUNS, STOPWORDS, one_term

if TYPE_CHECKING:
    from spacy.tokens import Token

_EXAMPLE = re.compile(r"^(?:such as|e\.g\.,?|eg|for example,?|including)\s+(?P<items>.+)$", re.I)

_LEADING_ADVERB = re.compile(r"^(?:particularly|especially|notably|mainly|chiefly|mostly)\s+", re.I)
# "urticaria, flushing or angioedema": two or more short names, no article; or three or
# more with commas alone ("flushing, itch, hypotension")
_NAME = r"[\w-]+(?: [\w-]+){0,2}"
_LIST_OF_NAMES = re.compile(
    rf"(?!(?:a|an|the)\b){_NAME}(?:(?:, {_NAME})*,? (?:or|and) {_NAME}|(?:, {_NAME}){{2,}})",
    re.IGNORECASE,
)
_ALIAS = re.compile(
    r"^(?:also |often |sometimes |commonly |previously |formerly )?"
    r"(?:called|known as|termed|referred to as|aka|or)\s+(?P<name>.+)$",
    re.IGNORECASE,
)


# "A, B and C", "A, B or C" (three or more items): a list, never a name
_LISTED = re.compile(r"[^,]+(?:, [^,]+)+,? (?:and|or) [^,]+")
# words that open a clause inside a phrase: a verb after them is that clause's
_CLAUSE_OPENERS = frozenset(
    ["that", "which", "who", "whom", "whose", "as", "when", "if", "because", "while", "where"]
)
# words that go on a participle's phrase ("found in", "given by"), not a noun's
_AFTER_VERB = frozenset(["in", "by", "as", "with", "to", "for", "at", "from", "on", "after"])


def _says_more(remark: str) -> bool:
    """Whether a remark in parentheses states something of its own: it opens with a
    participle ("causing ...", "reported in ...") or holds a finite verb of its own ("A
    and B are other triggers"), not one of a relative clause ("stools that are black").
    Read from the words' forms (forms.py): a remark is not parsed with its sentence."""
    tokens = [t.lower() for t in re.findall(r"[A-Za-z][\w'-]*", remark)]
    if not tokens:
        return False
    after = tokens[1] if len(tokens) > 1 else ""
    if (
        tokens[0].endswith(("ing", "ed", "en"))
        and only_a_verb(tokens[0])
        and (
            after in _AFTER_VERB  # "treated with ...", "given by ..."
            # "(taken while they still eat gluten)": when it is done, not what it is
            or after in WHEN_MARKS
            or after == "while"
            # "causing slurred speech", never "drooping eyelid" (another name: an adjective
            # and its noun) nor "bleeding of the gums"
            or (tokens[0].endswith("ing") and after not in ("", "of") and not only_a_noun(after))
        )
    ):
        return True
    for at, word in enumerate(tokens[1:], start=1):
        if tokens[at - 1] in _CLAUSE_OPENERS:
            return False  # "stools produced as haemoglobin is digested": a clause inside
        if word in AUXILIARIES:
            return True
    return False


# a phrase that is an amount or a rank: "7 days", "> 7 days", "1st line"
_QUANTITY = re.compile(r"^[<>≤≥~]?\s*\d")


class NameReader(PhraseReader):
    """Reads the other names of one parsed sentence (``it`` names what "it" stands for)."""

    it: str | None

    def aside(self, at: int, text: str, names: list[OtherName]) -> None:
        """A remark in parentheses after the phrase it is about: another name ("also known
        as X", "or X") or what the phrase is ("melaena (black, tarry stools ...)")."""
        before = [t for t in self.span if t.idx + len(t) - self.offset <= at and not t.is_punct]
        if not before or before[-1].pos_ not in ("NOUN", "PROPN"):
            return
        owner = before[-1]
        thing = self.phrase(owner, skip=frozenset(t.i for t in owner.subtree if t.i > owner.i))
        alias = _ALIAS.match(text)
        if alias:
            name = alias.group("name").strip(" .,;")
            names.append(OtherName("alias", thing, Phrase(name)))
            return
        example = _EXAMPLE.match(text)
        if example:
            # "steroids (such as prednisone)": an example of the phrase before it;
            # "complications of uraemia (such as pericarditis)": of the complications
            if (
                owner.dep_ == "pobj"
                and owner.head.lower_ == "for"
                and owner.head.head.pos_ == "NOUN"
            ):
                # "the reason for anticoagulation (for example a valve)": of the reason;
                # "a treatment for pain (such as a headache)": of the pain; which, the
                # words do not tell
                return
            if (
                owner.dep_ == "pobj"
                and (
                    owner.head.lower_ == "of"
                    # "drugs with anticholinergic effects (such as tricyclic
                    # antidepressants)": examples of the drugs with them, never of the
                    # effects alone ("patients with X (such as A)": of X)
                    or (owner.head.lower_ == "with" and owner.head.head.lower_ not in PEOPLE)
                )
                and owner.head.head.pos_ == "NOUN"
            ):
                outer = owner.head.head
                thing = self.phrase(
                    outer, skip=frozenset(t.i for t in outer.subtree if t.i > owner.i)
                )
            relative = next((a for a in owner.ancestors if a.dep_ == "relcl"), None)
            opening = relative.left_edge.i if relative is not None else 0
            antecedent = owner.doc[opening - 1] if opening > 0 else None
            if (
                antecedent is not None
                and owner.dep_ == "pobj"
                and owner.head.lower_ == "of"
                and owner.tag_ == owner.head.head.tag_ == "NN"
                and antecedent.tag_ == "NNS"
                and antecedent.pos_ == "NOUN"
            ):
                # "drugs that reduce the excretion of potassium (such as ACE inhibitors)":
                # examples of the drugs (plural, as the examples are), not of the excretion
                thing = self._phrase_of(list(owner.doc[antecedent.i : owner.i + 1]))
            name = example.group("items").strip(" .,;")
            lead_word = name.split()[0].lower()
            if lead_word in WHEN_MARKS or lead_word in ("because", "due", "after", "during"):
                # "at high risk (for example, because of immunosuppression)": an example
                # of a reason or a circumstance, not of the thing before it
                return
            names.append(OtherName("example", thing, Phrase(name)))
            return
        first = text.split()[0].lower()
        if first in WHEN_MARKS or first in ("except", "because"):
            return  # "(unless true allergy)": a condition on the phrase, not what it is
        if first in STOPWORDS and first not in ("a", "an", "the"):
            return  # "(among other findings)", "(together with ...)": not what it is
        if text[:1].isupper() and first not in ("a", "an", "the"):
            return  # a sentence of its own
        if _says_more(text):
            # "a respiratory infection (A, B and C are other triggers)", "the bulbar
            # muscles (causing slurred speech ...)": a remark that states a fact of its own,
            # not what the phrase is
            return
        if _QUANTITY.match(thing.text):
            return  # "a supply > 7 days (risk of dependence)", "1st line (X if Y)": a remark
            # on the amount or rank, never what "7 days" is
        if owner.tag_ in ("NNS", "NNPS") and first in ("a", "an"):
            # "antibiotics that also cover atypical organisms (a cephalosporin with a
            # macrolide)", "their warning symptoms (a sign of ...)": one thing after a
            # plural is an example or a remark, never what the plural is
            return
        listed = _LEADING_ADVERB.sub("", text.strip(" .;"))
        if owner.tag_ in ("NNS", "NNPS", "VBZ") and (
            _LIST_OF_NAMES.fullmatch(listed) or one_term(listed)
        ):
            # "skin or mucosal changes (urticaria, flushing or angioedema)", "antibiotics
            # (particularly A, B and C)": examples of the plural before, never "What is
            # skin or mucosal changes?"
            names.append(OtherName("example", thing, Phrase(listed)))
            return
        if _LISTED.fullmatch(listed) and not any(c.dep_ == "nummod" for c in owner.children):
            # a list after one noun names its forms or what stands near it, never what the
            # noun is ("autonomic dysfunction (A, B and C)"), unless the noun counts its
            # items ("the six Ps (A, B, ...)"); after the object of a
            # relative clause on a plural noun ("drugs that impair neuromuscular
            # transmission (A, B and C)"), examples of that noun with its clause
            relative = next((a for a in owner.ancestors if a.dep_ == "relcl"), None)
            opening = relative.left_edge.i if relative is not None else 0
            noun = owner.doc[opening - 1] if opening > 0 else None
            if (
                relative is not None
                and noun is not None
                and noun.tag_ in ("NNS", "NNPS")
                and noun.pos_ == "NOUN"
                and owner.i > relative.i
            ):
                kind = self._phrase_of(list(owner.doc[noun.left_edge.i : owner.i + 1]))
                names.append(OtherName("example", kind, Phrase(listed)))
            return
        host = owner.head.head
        if (
            owner.dep_ == "pobj"
            and owner.head.lower_ != "of"
            and (host.pos_ == "NOUN" or host.tag_ == "VBG")
        ):
            # "kidney failure in advanced liver disease (the hepatorenal syndrome)",
            # "bleeding ... from a ruptured artery (a pontine haemorrhage)": what the
            # parenthesis names, the last noun or the phrase it ends, cannot be told ("What
            # is advanced liver disease?"); ("inflammation of the pericardium (the sac
            # around the heart)": an "of" phrase's noun is the one named)
            return
        names.append(OtherName("apposition", thing, Phrase(text.strip(" .;"))))

    def names(self, names: list[OtherName], examples: list[tuple[Phrase, Phrase]]) -> None:
        for token in self.span:
            if token.dep_ == "appos" and token.head.pos_ in ("NOUN", "PROPN"):
                # the noun's phrase up to its apposition: what follows it ("a thunderclap
                # headache, a sudden severe headache ..., often with vomiting") is not the
                # thing named
                after = {t.i for c in token.head.children if c.i > token.i for t in c.subtree}
                left_out = frozenset({t.i for t in token.subtree} | after)
                thing = self.phrase(token.head, skip=left_out)
                name = self.phrase(token, skip=frozenset())
                name = Phrase(name.text.strip("() "), name.start, name.end, tokens=name.tokens)
                if acronym(token.text) and token.i in self.parenthesised:
                    owner = token.head
                    letters = len(token.text.rstrip("s"))
                    while (
                        (
                            len(thing.text.split()) < letters - 1
                            or not _starts_with(thing.text, token.text[0])
                        )
                        and owner.dep_ == "pobj"
                        and owner.head.lower_ == "of"
                        and owner.head.head.pos_ in ("NOUN", "PROPN")
                    ):
                        # "syndrome of inappropriate antidiuretic hormone secretion (SIADH)":
                        # the acronym stands for the whole name, not its last noun
                        owner = owner.head.head
                        skip = {t.i for t in token.subtree} | {
                            t.i for c in owner.children if c.dep_ == "relcl" for t in c.subtree
                        }
                        thing = self.phrase(owner, skip=frozenset(skip))
                    names.append(OtherName("acronym", thing, name))
                elif (
                    token.i not in self.parenthesised
                    and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)
                    # "patients with a prosthetic valve, a previous episode of endocarditis
                    # or a history of injecting drug use": the next items of a list
                    and not continues_list(token)
                    and (not _list_inside(token) or _defines_a_name(token))
                    and not _list_goes_on(token)
                ):
                    names.append(OtherName("apposition", thing, name))
            if token.lemma_ in NAMING_VERBS and (
                token.tag_ in ("VBN", "VBD") or _calls_something(token)
            ):
                self._alias(token, names)
            if (
                token.dep_ == "prep"
                and introduces_examples(token)
                and token.head.pos_ in ("NOUN", "PROPN")
            ):
                objects = [c for c in token.children if c.dep_ == "pobj"]
                if objects:
                    items = self.items(objects[0], self.phrase(objects[0]))
                    head = self.phrase(token.head, skip=frozenset(t.i for t in token.subtree))
                    examples.append((head, items))

    def _alias(self, verb: Token, names: list[OtherName]) -> None:
        """ "X (also known as Y)", "X, commonly called Y,", "X is often called Y"."""
        named = [
            o
            for c in verb.children
            for o in ([c] if c.dep_ == "oprd" else [p for p in c.children if p.dep_ == "pobj"])
            if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as")
        ]
        if not named:
            return
        if verb.dep_ in ("acl", "parataxis"):
            thing_head = verb.head
        elif _calls_something(verb):
            # "People often call it pink eye": what is named is the object
            [thing_head] = [c for c in verb.children if c.dep_ == "dobj"][:1]
        else:
            subject = own_subject(verb)
            if subject is None:
                return
            thing_head = subject
        if thing_head.lower_ in PRONOUNS:
            if not self.it:
                return
            thing = Phrase(self.it)
        else:
            own = {t.i for t in thing_head.subtree}
            thing = self.phrase(
                thing_head, skip=frozenset(t.i for t in verb.subtree if t.i not in own)
            )
        name = self.phrase(named[0])
        condition = ""
        for child in verb.children:
            if child.dep_ == "advcl" and mark_of(child) in WHEN_MARKS:
                condition = self.phrase(child).text
        if thing.text and name.text:
            names.append(OtherName("alias", thing, name, condition))


def _calls_something(verb: Token) -> bool:
    """Whether an active naming verb names its object ("People call it pink eye": an
    object and the name it is given)."""
    deps = {c.dep_ for c in verb.children}
    return verb.tag_ != "VBN" and "dobj" in deps and "oprd" in deps


def _starts_with(name: str, letter: str) -> bool:
    """Whether ``name`` (without its article) starts with the acronym's first letter."""
    words = [w for w in name.lower().split() if w not in ("the", "a", "an")]
    return bool(words) and words[0].startswith(letter.lower())


def _defines_a_name(appos: Token) -> bool:
    """Whether an indefinite apposition with a list inside says what a bare name is
    ("dermatitis herpetiformis, an itchy rash on the elbows, knees and buttocks"): the
    name has no article and is no item of a list, and the list hangs on a phrase inside
    the apposition, not on its noun (a list of indefinite phrases repeats its article:
    "a ratio, a dipstick for A, B and C"; the parser hangs each item on the one before)."""
    name = appos.head
    if name.dep_ in ("conj", "appos") or any(
        c.dep_ in ("det", "poss", "conj") for c in name.children
    ):
        return False
    return not any(c.dep_ == "conj" for c in appos.children)


def _list_inside(appos: Token) -> bool:
    """Whether an apposition holds the rest of a list the parser hung inside it ("with a
    urine albumin:creatinine ratio, a urine dipstick for haematuria, HbA1c, renal function,
    fundoscopy and a 12-lead ECG": 'a urine dipstick ...' is the next item, and the items
    after it hang on 'haematuria'): two or more conjuncts after commas, no other name
    ("What is creatinine ratio?")."""
    conjuncts = [t for t in appos.subtree if t.dep_ == "conj" and t.pos_ in ("NOUN", "PROPN")]
    return len(conjuncts) >= 2 and any(t.text == "," for t in appos.subtree)


def _list_goes_on(appos: Token) -> bool:
    """Whether the list an apposition seems to name goes on after it ("shows gallstones, a
    thickened gallbladder wall, fluid around the gallbladder and ...": the parser hangs
    the second item on the first and 'fluid' on the verb): a comma, then a conjunct."""
    doc = appos.doc
    comma = appos.right_edge.i  # the parser often hangs the comma on the apposition
    if doc[comma].text != ",":
        comma += 1
    if comma + 1 >= len(doc) or doc[comma].text != ",":
        return False
    word = doc[comma + 1]
    while word.dep_ in ("det", "amod", "compound", "nummod") and word.head.i > word.i:
        word = word.head
    return word.dep_ == "conj" and word.pos_ in ("NOUN", "PROPN")
