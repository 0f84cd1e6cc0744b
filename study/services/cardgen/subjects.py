"""Whom or what a clause is about: its subject, read off the parse.

The subject is the verb's ``nsubj``/``nsubjpass`` subtree; a coordinated verb without one
shares its head verb's; a relative ("which", "who") stands for its antecedent; a pronoun
("it", "its") is named from the sentence (or from what the sentence before was about)
when that can be told, and is left "leaning" (the clause is dropped and reported) when not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.deps import (
    NUMERAL_NAMES,
    PEOPLE,
    RELATIVES,
    TIME_UNITS,
    WHEN_MARKS,
    WHY_MARKS,
    bare_superlative,
    continues_a_participle,
    defining,
    described,
    disagrees,
    instruction_as_subject,
    is_participle_subject,
    main_clause,
    mark_of,
    names_a_term,
    noun_conjunct_before,
    of_another_noun,
    own_subject,
    owner_of,
    participle_subject,
    plural,
    quantified_by,
    second_instruction,
    stands_for_a_noun,
    up_to,
    verb_number,
)
from study.services.cardgen.forms import can_be
from study.services.cardgen.parts import TIME_WORDS, PartReader
from study.services.cardgen.phrases import Phrase
from study.services.cardgen.terms import PRONOUNS
from study.services.cardgen.topics import STAND_INS, lower_first

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


class SubjectReader(PartReader):
    """A sentence's reader that names the subject of each of its verbs."""

    def __init__(self, span: Span, it: str | None, topic: str | None) -> None:
        super().__init__(span, topic)
        self.it = it
        # pronouns and relatives whose referent could not be told: their clauses are left out
        self.leaning: list[str] = []

    def subject_of(self, verb: Token) -> tuple[Phrase | None, bool, bool]:
        """The subject of ``verb``: (phrase, plural, resolved from elsewhere)."""
        own = own_subject(verb)
        if any(
            c.dep_ == "aux" and c.tag_ == "VB" and c.lemma_ not in ("be", "have", "do", "get")
            for c in verb.children
        ):
            # "the patient must eat gluten": the parser took "eat" for an auxiliary and the
            # noun after it for the verb ("What eat the patient gluten in?"): no card
            return None, False, False
        if (
            own is not None
            and verb.tag_ == "VBZ"
            and any(c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") for c in own.children)
            and can_be(verb.lower_, "NOUN")
        ):
            # "Then full blood count, creatinine and liver function tests every 2 weeks": a
            # singular verb after a list of subjects is the last item's plural noun ("how
            # often does ... liver function test?")
            return None, False, False
        if _bare_participle(verb, own):
            # "because calcium given to a patient ... adds to ...": a past participle with
            # no auxiliary after its noun modifies it; "To which patients does calcium
            # give?" read the passive as active
            return None, False, False
        participle = participle_subject(verb) if own is None else None
        if participle is not None:
            # "nebulised salbutamol 10 to 20 mg may be added": the participle opens the subject
            [noun] = [c for c in participle.children if c.dep_ == "dobj"][:1]
            inside = {t.i for t in verb.subtree}
            tokens = [t for t in participle.subtree if t.i not in inside]
            return self._phrase_of(tokens), plural(noun), False
        if is_participle_subject(verb):
            return None, False, False
        instruction = second_instruction(verb)
        if instruction is not None:
            verb = instruction  # "should lie flat, unless ..., and should not stand"
            own = own_subject(verb)
        while own is None and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            if verb.lemma_ == "be" and verb.head.lemma_ != "be":
                return None, False, False  # "... or your glucose is 7.8": not the same subject
            if verb.tag_ == "VBD" and verb.head.tag_ in ("VBZ", "VBP"):
                return None, False, False  # "is ..., such as a raised creatinine": no verb
            if verb.tag_ == "VBG" and verb.head.tag_ in ("VBZ", "VBP", "VBD"):
                # "by stopping the drugs that raise it and giving a binder": the gerund
                # continues the list of means, not the relative clause ("the drugs give")
                return None, False, False
            if continues_a_participle(verb):
                # "is intramuscular adrenaline, given into the thigh ..., and repeated after
                # 5 minutes": the adrenaline is repeated, not the copula's subject
                return None, False, False
            if any(
                c.dep_ == "advcl" and mark_of(c) in WHEN_MARKS and c.i < verb.i
                for c in verb.head.children
                if c.i > verb.head.i
            ):
                # "the risk is higher when a patient has sepsis, ... or is taking X": the
                # verbs after the condition continue it (their subject is the patient's)
                return None, False, False
            if _clause_after_preposition(verb):
                # "taken ... before antibiotics are started": the parser read "before" as a
                # preposition and coordinated "started" with "taken"; the antibiotics are
                # started, not the cultures (which clause the "unless" after it qualifies
                # cannot be told either): no subject, no card
                return None, False, False
            if _after_relative_clause(verb):
                # "a disorder in which gluten, a protein found in wheat, triggers
                # inflammation": the parser read "gluten" as the relative clause's verb
                # and coordinated "triggers" with the main verb; the subject is in the
                # relative clause, never the main one's ("What does coeliac disease
                # trigger?")
                return None, False, False
            if _share_as_phrase(verb):
                # "about 3% die ... and up to a third have lasting damage": the parser read
                # the share that is this verb's subject as a phrase of it; not the 3%
                return None, False, False
            stray = noun_conjunct_before(verb)
            if stray is not None:
                # "Lactulose ... is given to produce ..., and rifaximin, a ..., is added to
                # prevent ...": the parser coordinated the noun with the verb before it;
                # it is this verb's subject, never the first verb's
                return self.phrase(stray), plural(stray), False
            if self._clause_between(verb.head, verb):
                # "A is given ..., and B are ..., whereas C is added only in ...": the
                # parser coordinated "added" with the first verb across another clause;
                # its subject is the noun phrase just before it, never the first verb's
                return self._subject_before(verb)
            verb = verb.head
            own = own_subject(verb)
        if own is None:
            if verb.dep_ == "relcl":
                stray = _subject_after_relative(verb)
                if stray is not None:
                    # "a bleb, from which air escapes": "which" is the preposition's
                    # object, so the antecedent is no subject; the parser hung the
                    # clause's own subject on the preposition beside it
                    return self.phrase(stray), plural(stray), False
                if any(t.lower_ in RELATIVES and t.dep_ == "pobj" for t in _opening(verb)):
                    return None, False, False  # the subject is lost in the parse
                return self._antecedent(verb)
            before = verb.i - 1
            while before > self.span.start and self.span.doc[before].dep_ == "advmod":
                before -= 1
            stray = self.span.doc[before] if before >= self.span.start else None
            if stray is not None and stray.dep_ == "appos" and stray.pos_ in ("NOUN", "PROPN"):
                # "Although it can affect other bones, avascular necrosis most often
                # happens ...": the parser hung the subject on the clause before
                return self.phrase(stray), plural(stray), False
            return None, False, False
        if instruction_as_subject(own):
            return None, False, False
        lowered = own.lower_
        if verb.dep_ == "relcl" and quantified_by(own):
            # "people, almost all of whom carry X": almost all of those people do
            phrase, many, _ = self._antecedent(verb)
            number = verb_number(verb)
            if phrase is not None and number is not None and number != many:
                # "overload in white adults, most of whom carry ...": the parser hung it on
                # a noun the verb does not agree with; the noun before the comma, if it does
                last = own.doc[own.left_edge.i - 2] if own.left_edge.i >= 2 else own
                agrees = last.pos_ in ("NOUN", "PROPN") and plural(last) == number
                phrase, many = (self.phrase(last), number) if agrees else (None, False)
            if phrase is None:
                self.leaning.append(own.text)
                return None, False, True
            words = " ".join(t.text for t in own.subtree if t.i <= own.i)
            return Phrase(f"{words} {lower_first(phrase.text)}"), many, True
        if lowered in RELATIVES and verb.dep_ == "relcl":
            if verb.head.i in self.parenthesised and verb.i not in self.parenthesised:
                return self._antecedent(verb)  # "(the normal range is ...), which ...": none
            if defining(verb) and not names_a_term(verb):
                # "X is an arthritis that mainly affects the DIP joints": X does
                copula_subject = own_subject(verb.head.head)
                if (
                    copula_subject is not None
                    and copula_subject.lower_ not in PRONOUNS
                    # "The commonest is the acute painful episode, which may be triggered
                    # by ...": the episode is, "the commonest" names nothing
                    and not bare_superlative(copula_subject)
                ):
                    return self.phrase(copula_subject), plural(copula_subject), True
                if copula_subject is not None and copula_subject.lower_ in ("it", "they"):
                    # "in HIV it is an illness that is rare unless ...": what "it" names is
                    # rare, not any such illness; unnamed, the clause is left out
                    referent, many, _ = self.subject_of(verb.head.head)
                    if referent is None:
                        self.leaning.append(own.text)
                    return referent, many, True
            return self._antecedent(verb)
        after = own.doc[own.i - 1] if own.i > 0 else None
        if (
            own.tag_ in ("WDT", "WP")
            and after is not None
            and (after.lower_ in (",", "and") or after.pos_ in ("NOUN", "PROPN"))
        ):
            if verb.dep_ == "conj" and verb.head.dep_ == "relcl":
                return self._antecedent(verb.head)  # "X, which ... and which ...": X again
            # "..., which should be performed ...": a relative clause the parser hung on
            # another verb; "which" stands for the noun before its comma, or for the
            # passive subject of a clause that ends there, else for something unsaid
            return self._relative_antecedent(own)
        if own.dep_ == "expl":
            return None, False, False
        determiners = {c.lower_ for c in own.children if c.dep_ == "det"}
        if determiners & {"this", "that", "these", "those"}:
            if own.lower_ in STAND_INS and self.topic:
                return Phrase(self.topic), False, True  # "This condition happens when ..."
            self.leaning.append(own.text)
            return None, False, True  # "These signs ...": said elsewhere
        if stands_for_a_noun(own):
            # "although one that grows quickly needs ...": one what, said before
            self.leaning.append(own.text)
            return None, False, True
        if own.text == "I" and own.i > 0 and own.doc[own.i - 1].lower_ in NUMERAL_NAMES:
            return None, False, False  # "Type I diabetes": a numeral the parser took for "I"
        if lowered == "you":
            # a leaflet's "you will be offered X if ...": a fact; "you use your back" is not
            modal = any(c.dep_ in ("aux", "auxpass") for c in verb.children)
            if not modal and not any(c.dep_ == "advcl" for c in verb.children):
                return None, True, False
            return Phrase("you", own.idx - self.offset, own.idx + 3 - self.offset), True, False
        if lowered == "those":
            group = self._those(own)
            if group is not None:
                return group, True, True
        if lowered in PRONOUNS:
            if lowered == "it" and _two_things_before(own, verb):
                return None, False, True
            first = own_subject(verb.head) if verb.dep_ == "conj" else None
            if (
                lowered == "they"
                and first is not None
                and first.i < own.i
                and first.lower_ not in PRONOUNS | RELATIVES
                and plural(first)
            ):
                # "Antibiotic eye drops can be bought ..., but they are often not needed":
                # "they" of a clause joined to the one before is that clause's subject (a
                # subject tagged as a verb's "-s" form, "drops", is tagged a noun by nlp.py)
                return self.phrase(first), True, True
            before_semicolon = self._subject_before_semicolon(own) if lowered == "it" else None
            if before_semicolon is not None:
                # "a rash of tiny raised spots appears ...; it feels like sandpaper": the
                # parser made the clause before the ";" part of the one after it; "it" is
                # that clause's subject, not the page's topic
                return self.phrase(before_semicolon), False, True
            if lowered == "it" and verb != self.span.root:
                # "X, ..., in whom it is less reliable": "it" is the subject before it
                # ("X is caused by A, and although it presents with B, ..."), else the
                # main clause's
                earlier = [
                    t
                    for t in self.span
                    if t.dep_ in ("nsubj", "nsubjpass")
                    and t.i < own.i
                    and t.lower_ not in PRONOUNS | RELATIVES
                    and not plural(t)
                    and own_subject(t.head) == t
                    and main_clause(t.head)
                    and not _negative(t)
                ]
                parallel = any(
                    c.dep_ == "advcl" and mark_of(c) in WHEN_MARKS for c in verb.children
                )
                # "X is classed as severe when A is ..., B is ... or C is ..., and it is
                # life-threatening when ...": a clause with a condition of its own parallels
                # the first clause, and the subjects between are the first one's conditions
                # (which the parser often takes for main clauses)
                main: Token | None
                if earlier:
                    main = earlier[0] if parallel else earlier[-1]
                else:
                    main = own_subject(self.span.root)
                if main is None:
                    # "Do not examine the throat ..., because it may ...": the action,
                    # which no question can name (its terms are still asked by a cloze)
                    return None, False, False
                if _negative(main):
                    main = None  # "No medicine cures X, ... because it ...": not "no medicine"
                if main is not None and main.lower_ not in PRONOUNS and not plural(main):
                    main_phrase, _, _ = self.subject_of(main.head)
                    remarks = [c for c in main.children if c.dep_ == "advcl"]
                    if main_phrase is not None and remarks:
                        # "The definitive treatment, once the pressure is controlled, ...,
                        # and it is offered ...": "it" is the treatment, not its condition
                        skip = frozenset(t.i for c in remarks for t in c.subtree)
                        main_phrase = self.phrase(main, skip=skip)
                    return main_phrase, False, True
            leading = [
                c for c in verb.children if c.dep_ == "advcl" and c.i < own.i and own_subject(c)
            ]
            if lowered == "it" and leading:
                # "When chest pain comes from ..., it typically comes from ...": the
                # subordinate clause's subject
                subject = own_subject(leading[0])
                if subject is not None and subject.lower_ not in PRONOUNS and not plural(subject):
                    return self.phrase(subject), False, True
            if lowered in ("it", "this") and self.it:
                return Phrase(self.it), False, True
            return None, lowered in ("they", "these", "those"), True
        if _swallowed_clause(own):
            # "Patients present with A, B and C, and the blood tests commonly show D": the
            # parser took "present" for an adjective and gave "show" two subjects; the
            # verb's own is the one after the "and", else which words are whose cannot be
            # told
            later = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > own.i]
            if not later:
                return None, False, False
            own = later[0]
        phrase = self.items(own, self.phrase(own))
        finite = [
            t
            for t in own.subtree
            if t.tag_ in ("VBZ", "VBP", "VBD")
            and t.i in phrase.tokens
            and t.dep_ != "amod"
            and t.i < own.i
        ]
        if finite:
            # "No medicine cures X, and antibiotics do not help": the parser joined two
            # clauses into one subject; the subject is what follows the last "and"
            joins = [t for t in own.subtree if t.dep_ == "cc" and t.i > finite[-1].i]
            if not joins:
                return None, False, False
            tail = [t for t in own.subtree if t.i > joins[-1].i and t.i in phrase.tokens]
            phrase = self._phrase_of(tail)
            if not phrase.text:
                return None, False, False
        gerund = _gerund_after_nouns(own, verb)
        if gerund is not None:
            # "... by infection, bleeding, constipation or sedative drugs, and finding and
            # treating the precipitant is the first step": the parser ran the list of the
            # clause before into the subject; the subject is the gerund's phrase
            tail = [t for t in gerund.subtree if t.i >= gerund.i and t.i in phrase.tokens]
            return self._phrase_of(tail), False, False
        owner = next(
            (c for c in own.children if c.dep_ == "poss" and c.lower_ in ("its", "their")), None
        )
        if owner is not None:
            # "its toxicity is recognised by ...": whose, named
            named = [
                t
                for t in self.span
                if t.dep_ in ("nsubj", "nsubjpass") and t.i < own.i and t.lower_ not in PRONOUNS
            ]
            # "skin changes are absent in a fifth, and their absence does not exclude X":
            # "their" stands for the nearest plural subject, not for a singular one
            agreeing = [t for t in named if plural(t)] if owner.lower_ == "their" else []
            main = agreeing[-1] if agreeing else next(iter(named), None)
            shared = main is not None and any(
                c.dep_ == "poss" and c.lower_ == owner.lower_ for c in main.children
            )
            if shared:
                # "its half-life is short, so its effects wear off": both "its" name one
                # owner, what "it" names here, never the half-life
                main = None
            if main is None and (
                not self.it or (own.left_edge.i != self.span.start and not shared)
            ):
                self.leaning.append(owner.text)
                return None, False, True
            # "Its effect is monitored with ...": what "it" names in this sentence
            whose = self.phrase(main).text if main is not None else str(self.it)
            rest = phrase.text.split(" ", 1)[1] if " " in phrase.text else phrase.text
            return Phrase(f"the {rest} of {lower_first(whose)}"), plural(own), True
        first = own.left_edge
        hung = [
            t
            for t in self.span
            if t.i < first.i
            and t.dep_ in ("dep", "npadvmod")
            and t.head == verb
            and t.right_edge.i == first.i - 1
        ]
        if hung:
            # "Sodium-glucose cotransporter 2 (SGLT2) inhibitors": words the parser hung on
            # the verb belong to the subject before it
            kept = [t for t in hung[0].subtree if t.i not in self.parenthesised]
            kept += [t for t in own.subtree if t.i in phrase.tokens]
            phrase = self._phrase_of(sorted(kept, key=lambda t: t.i))
        split = [
            c
            for c in verb.children
            if c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i == own.right_edge.i + 1
        ]
        if split:
            # "ceftriaxone 2 g intravenously twice daily is ...": one subject the parser
            # split in two
            joined = {t.i for t in (*own.subtree, *split[0].subtree)} - self.parenthesised
            kept = [t for t in self.span if t.i in phrase.tokens or t.i in joined]
            phrase = self._phrase_of(self._glued(kept))
        if phrase.text.lower() == "the dose":
            given = self._dose_of(own)
            if given is not None:
                return given, False, True
        if self._unnamed_referent(own, verb, phrase):
            self.leaning.append(phrase.text)
            return None, False, True
        return phrase, plural(own), False

    def _unnamed_referent(self, own: Token, verb: Token, phrase: Phrase) -> bool:
        """Whether a reason's subject is "the" and a noun for a kind of treatment that
        stands for something the sentence named otherwise ("... taken during rasburicase
        treatment must be kept on ice, since the drug goes on breaking down uric acid": the
        drug is rasburicase, which the question cannot name; "What does the drug give?").
        Not when the sentence says the noun itself before, or names the page's topic (on
        a drug's page, "the drug" is the topic)."""
        if len(phrase.text.split()) != 2 or not phrase.text.lower().startswith("the "):
            return False
        if own.lemma_.lower() not in TREATMENT_NOUNS:
            return False
        clause = verb
        while clause.dep_ == "conj" and clause.head != clause:
            clause = clause.head
        if clause.dep_ != "advcl" or mark_of(clause) not in WHY_MARKS:
            return False
        before = self.span.doc[self.span.start : own.i - 1]
        if own.lemma_.lower() in {t.lemma_.lower() for t in before}:
            return False
        return not (self.topic and self.topic.lower() in before.text.lower())

    def _those(self, those: Token) -> Phrase | None:
        """ "Patients at intermediate risk are given allopurinol, whereas those at high
        risk are given rasburicase": "those" with a modifier of its own is a group of
        what the plural subject before it names ("patients at high risk"), or with a
        relative clause a group in itself; None when it has no modifier or nothing names it."""
        if not any(c.dep_ in ("prep", "relcl", "acl") and c.i > those.i for c in those.children):
            return None
        before = [
            t
            for t in self.span
            if t.dep_ in ("nsubj", "nsubjpass")
            and t.i < those.i
            and t.tag_ in ("NNS", "NNPS")
            and t.lower_ not in PRONOUNS
        ]
        if not before:
            # "those whose weakness has not improved ...", "those who ...": people named by
            # their own relative clause, a group in itself
            named = any(c.dep_ == "relcl" for c in those.children)
            return self.phrase(those) if named else None
        rest = self.phrase(those).text.split(" ", 1)
        if len(rest) < 2:
            return None
        return Phrase(f"{before[-1].lower_} {rest[1]}")

    def _dose_of(self, dose: Token) -> Phrase | None:
        """ "30 mL of 10% calcium gluconate is given ..., and the dose is repeated": the
        dose of what the sentence gave an amount of before it, or None."""
        given = [
            t
            for t in self.span
            if t.i < dose.i
            and t.dep_ == "pobj"
            and t.head.lower_ == "of"
            and any(c.dep_ == "nummod" or c.like_num for c in (t.head.head, *t.head.head.children))
        ]
        if not given:
            return None
        return Phrase(f"the dose of {lower_first(self.phrase(given[-1]).text)}")

    def _subject_before_semicolon(self, it: Token) -> Token | None:
        """The subject of the clause before a ";" that comes before ``it``, when ``it``
        is the subject of the sentence's root and that clause hangs inside the root's: a
        singular noun, the last one before the ";"."""
        if it.head != self.span.root:
            return None
        marks = [t for t in self.span if t.text == ";" and t.i < it.i]
        if not marks:
            return None
        subjects = [
            t
            for t in self.span
            if t.dep_ in ("nsubj", "nsubjpass")
            and t.i < marks[-1].i
            and t.pos_ in ("NOUN", "PROPN")
            and not plural(t)
            and not _negative(t)
            and t.head.dep_ in ("ccomp", "parataxis")
            and t.head.head == self.span.root
        ]
        return subjects[-1] if subjects else None

    def _clause_between(self, first: Token, verb: Token) -> bool:
        """Whether a clause with a subject of its own lies between two coordinated verbs."""
        return any(
            t.dep_ in ("nsubj", "nsubjpass")
            and first.i < t.i < verb.i
            and t.head not in (first, verb)
            and first.i < t.head.i < verb.i
            and not any(a.dep_ in ("relcl", "acl") for a in up_to(t, first))
            # ("make delirium worse and are kept for ...": "delirium worse" no clause)
            and t.head.pos_ != "ADJ"
            for t in self.span
        )

    def _subject_before(self, verb: Token) -> tuple[Phrase | None, bool, bool]:
        """The noun phrase that ends just before ``verb``'s group, which the parser hung
        elsewhere, or no subject."""
        group = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
        start = min([verb.i, *(c.i for c in group)])
        if start == 0:
            return None, False, False
        last = verb.doc[start - 1]
        stray = last
        while (
            stray.head != stray
            and stray.head.right_edge.i == last.i
            and stray.head.i < start
            and stray.head.pos_ in ("NOUN", "PROPN", "NUM")
        ):
            stray = stray.head
        if stray.pos_ not in ("NOUN", "PROPN") or stray.dep_ in ("pobj", "dobj"):
            return None, False, False
        return self.phrase(stray), plural(stray), False

    def _antecedent(self, relcl: Token) -> tuple[Phrase | None, bool, bool]:
        head = relcl.head
        if head.pos_ in ("VERB", "AUX"):
            return None, False, True
        if head.dep_ == "pobj" and head.head.lower_ in TIME_WORDS:
            # "... from 12 weeks until the birth, which reduces their risk": "which" is
            # what was said before, not the birth
            self.leaning.append("which")
            return None, False, True
        head = described(relcl)
        if head.lemma_.lower() in TIME_UNITS and head.dep_ == "pobj":
            # "..., for three months, which halves the risk": a span of time does nothing,
            # and no noun before it says what does
            self.leaning.append("which")
            return None, False, True
        if head.i in self.parenthesised and relcl.i not in self.parenthesised:
            # "rises to more than 40 mmHg (the normal range is 10 to 21 mmHg), which can
            # damage the optic nerve": "which" follows the parenthesis, not a word in it;
            # what it stands for (the rise?) cannot be told
            self.leaning.append("which")
            return None, False, True
        if _in_elliptical_remark(head):
            # "X is an infection of the endocardium, usually of a heart valve, which
            # develops most often on ...": the infection develops, not the valve the remark
            # names; the infection is X
            copula_subject = own_subject(head.head.head)
            if copula_subject is None or copula_subject.lower_ in PRONOUNS | RELATIVES:
                self.leaning.append("which")
                return None, False, True
            return self.phrase(copula_subject), plural(copula_subject), True
        number = verb_number(relcl)
        if of_another_noun(head, relcl):
            # "inhibits the ATPase of cardiac muscle, which raises intracellular calcium":
            # "which" may stand for the muscle, the ATPase or the whole clause; the verb's
            # number does not tell ("What does cardiac muscle raise?" misread it)
            self.leaning.append("which")
            return None, False, True
        if number is False and plural(head):
            # "malnutrition and loss of muscle, which helps to clear ammonia": a singular
            # verb after a coordination agrees with the noun before its comma alone
            at = relcl.left_edge.i - 1
            while at > head.i and not relcl.doc[at].is_alpha:
                at -= 1
            last = relcl.doc[at]
            if last.pos_ in ("NOUN", "PROPN") and not plural(last) and last.i > head.i:
                return self.phrase(last), False, True
        if number is True and head.dep_ == "conj" and not plural(head):
            # "A and B, which usually enter through ...": a plural verb after the last of
            # two nouns is said of both
            first = head.head
            while first.dep_ == "conj" and first.head.pos_ in ("NOUN", "PROPN"):
                first = first.head
            if first.pos_ in ("NOUN", "PROPN"):
                skip = frozenset(t.i for t in relcl.subtree)
                return self.phrase(first, skip=skip), True, True
        if disagrees(head, relcl):
            # "haemorrhages in most patients, which may blur vision": "which" is no person,
            # and a singular verb is no plural noun's ("patches of the hands and the lips,
            # which follows ..."): the noun whose "of"/"in" phrase it ends, if that one fits
            owner = owner_of(head)
            if owner is None or disagrees(owner, relcl):
                self.leaning.append("which")
                return None, False, True
            skip = frozenset(t.i for t in relcl.subtree if t.i > head.i)
            return self.phrase(owner, skip=skip), plural(owner), True
        # the antecedent ends where its relative clause begins ("compartment syndrome,
        # which needs urgent fasciotomy, for hyperkalaemia and for ...": not the list after)
        after = {t.i for t in head.subtree if t.i > relcl.i}
        if any(c.dep_ == "conj" and c.i > relcl.i for c in head.children):
            # "the Miller Fisher variant, which presents with A, B and C": the parser hung
            # the rest of the clause's list on the antecedent; the clause cannot be read
            return None, False, False
        phrase = self.phrase(head, skip=frozenset({t.i for t in relcl.subtree} | after))
        return phrase, plural(head), True

    def _relative_antecedent(self, relative: Token) -> tuple[Phrase | None, bool, bool]:
        last = self._noun_before(relative)
        if last.i in self.parenthesised and relative.i not in self.parenthesised:
            self.leaning.append(relative.text)  # "(...), which ...": as in ``_antecedent``
            return None, False, True
        if relative.lower_ in ("who", "whom") and last.lower_ not in PEOPLE:
            # "patients at low risk who ...": "who" stands for people, the nearest before it
            people = [t for t in self.span if t.i < relative.i and t.lower_ in PEOPLE]
            if not people:
                self.leaning.append(relative.text)
                return None, False, True
            last = people[-1]
        timed = last.dep_ == "pobj" and last.head.lower_ in TIME_WORDS  # "until the birth"
        if last.pos_ in ("NOUN", "PROPN") and not timed:
            return self.phrase(last), plural(last), True
        subject = own_subject(last) if last.pos_ == "VERB" else None
        passive = any(c.dep_ == "auxpass" for c in last.children)
        objects = [c for c in last.children if c.dep_ in ("dobj", "attr", "acomp")]
        if subject is not None and passive and not objects and subject.lower_ not in PRONOUNS:
            return self.phrase(subject), plural(subject), True
        self.leaning.append(relative.text)
        return None, False, True


# Nouns for a kind of treatment, which a text uses to refer back to one it named ("the
# drug" for rasburicase).
TREATMENT_NOUNS = frozenset(
    ["drug", "medicine", "medication", "agent", "treatment", "therapy", "vaccine"]
)


def _after_relative_clause(verb: Token) -> bool:
    """Whether a verb coordinated with another follows, after a comma, the end of a
    relative clause inside the first verb's phrase, with no "and" before it: the verb is
    that relative clause's own, which the parser did not find."""
    first = verb.left_edge.i
    if first < 2 or verb.doc[first - 1].text != ",":
        return False
    if any(c.dep_ == "cc" for c in verb.children) and any(
        c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for c in verb.children
    ):
        return False  # "X is A that ..., is B, and is C": a series of the subject's predicates
    before = verb.doc[first - 2]
    return any(a.dep_ == "relcl" and a.i < verb.i for a in (before, *before.ancestors))


def _opening(relcl: Token) -> list[Token]:
    """The words of a relative clause before its verb."""
    return [t for t in relcl.subtree if t.i < relcl.i]


def _subject_after_relative(relcl: Token) -> Token | None:
    """The noun the parser hung beside the relative on the preposition that opens the
    clause ("from which air escapes": "which" and "air" both its objects), or None."""
    for relative in _opening(relcl):
        if relative.lower_ in RELATIVES and relative.dep_ == "pobj":
            after = [
                c
                for c in relative.head.children
                if c.dep_ == "pobj" and c.i > relative.i and c.pos_ in ("NOUN", "PROPN")
            ]
            return after[0] if after else None
    return None


def _gerund_after_nouns(own: Token, verb: Token) -> Token | None:
    """A gerund after ", and" at the end of a noun subject's list, before a singular verb
    ("A, B or C, and finding and treating the precipitant is ..."): the verb's real
    subject; a list of nouns and a gerund are not one subject."""
    if own.pos_ not in ("NOUN", "PROPN") or verb.lemma_ != "be":
        return None
    if not any(t.tag_ == "VBZ" for t in (verb, *(c for c in verb.children if c.dep_ == "aux"))):
        return None
    for token in own.subtree:
        if (
            token.dep_ == "conj"
            and token.tag_ == "VBG"
            and token.head.pos_ in ("NOUN", "PROPN")
            and token.i >= 2
            and token.doc[token.i - 1].lower_ == "and"
            and token.doc[token.i - 2].text == ","
        ):
            return token
    return None


def _in_elliptical_remark(noun: Token) -> bool:
    """Whether ``noun`` ends a remark set off by a comma that the parser hung on a copula as
    a prepositional phrase (", usually of a heart valve,"): an elliptical second complement
    ("usually [an infection] of a heart valve"): a relative after it stands for the
    complement, which is the copula's subject, not for the remark's noun."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.head.lemma_ != "be":
        return False
    first = prep.left_edge
    if first.i == 0 or first.doc[first.i - 1].text != ",":
        return False
    # the second complement repeats the preposition of the first ("an infection of the
    # endocardium, usually of a heart valve"); ", with aspirin, which is given ..." after "an
    # infusion of IVIG" adds another thing, which the relative stands for
    complements = [c for c in prep.head.children if c.dep_ == "attr" and c.i < prep.i]
    return any(
        c.dep_ == "prep" and c.lower_ == prep.lower_ for a in complements for c in a.children
    )


def _share_as_phrase(verb: Token) -> bool:
    """Whether a coordinated verb with no subject opens with a phrase whose object is a share
    ("and up to a third have ...", "and in over 10% persists"): a part of the group
    before, which is this verb's own subject, not the subject of the verb before."""
    doc = verb.doc
    return any(
        c.dep_ == "prep"
        and verb.head.i < c.i < verb.i
        and c.left_edge.i > 0
        and doc[c.left_edge.i - 1].lower_ in ("and", "or")
        and any(t.lower_ in _SHARES for t in c.subtree)
        for c in verb.children
    )


# Words that name a part of a group.
_SHARES = frozenset(["half", "third", "quarter", "fifth", "tenth", "%"])


def _bare_participle(verb: Token, own: Token | None) -> bool:
    """Whether ``verb`` is a past participle ("VBN") with an active subject (``nsubj``)
    right before it and no auxiliary: no finite clause, but a noun and the participle that
    modifies it ("calcium given to a patient"), which the parser read as subject and verb."""
    return (
        verb.tag_ == "VBN"
        and own is not None
        and own.dep_ == "nsubj"
        and own.i == verb.i - 1
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    )


def _negative(subject: Token) -> bool:
    """ "No medicine": a subject no pronoun can stand for."""
    return any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in subject.children)


# Words that open a clause of time, which the parser sometimes reads as a preposition.
_TIME_OPENERS = frozenset(["before", "after", "until", "once", "while", "since"])


def _clause_after_preposition(verb: Token) -> bool:
    """Whether a coordinated ``verb`` with auxiliaries of its own follows "before X"
    hung on its head verb: "before X are started" misparsed as "before X" and "started"."""
    group = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    if not group:
        return False
    start = min(c.i for c in group)
    if start == 0:
        return False
    noun = verb.doc[start - 1]
    opener = noun.head
    return (
        noun.dep_ == "pobj"
        and opener.lower_ in _TIME_OPENERS
        and opener.head == verb.head
        and noun.left_edge.i == opener.i + 1
    )


def _swallowed_clause(subject: Token) -> bool:
    """Whether a subject ends in a coordinator with nothing coordinated ("Patients present
    with ..., and"): a clause before the verb's own subject, read into it."""
    after = [c for c in subject.children if c.i > subject.i]
    return any(c.dep_ == "cc" for c in after) and not any(c.dep_ == "conj" for c in after)


def _two_things_before(it: Token, verb: Token) -> bool:
    """Whether "it" in a clause of reason or condition could name either of two things of
    the clause it hangs on: "a stroke spares the forehead because it receives fibres from
    both hemispheres" (the forehead does, not the stroke). Its subject and its object are
    both one thing, and only meaning tells them apart."""
    if verb.dep_ != "advcl" or mark_of(verb) not in ("because", "since", "as", "if", "when"):
        return False
    head = verb.head
    subject = own_subject(head)
    objects = [
        c
        for c in head.children
        if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and c.i < it.i and not plural(c)
    ]
    return bool(
        objects and subject is not None and not plural(subject) and subject.lower_ not in PRONOUNS
    )
