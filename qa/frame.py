"""What the offline translator knows about a question (a `Frame`), and helpers the intents share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.ontology import NODE_BY_LABEL
from graph.resolve import Mention
from qa.lexicon import (
    EVENT_WORDS,
    FACILITY_WORDS,
    HQ_WORDS,
    INVEST_WORDS,
    OFFICE_WORDS,
    PATH_WORDS,
    POLICY_CATEGORY_WORDS,
    POLICY_NOUNS,
    PRODUCTION_WORDS,
    RESERVE_WORDS,
    ROLE_IGNORE,
    STOP,
    SUPPLY_WORDS,
    USE_WORDS,
    TimeSpec,
    words,
)
from qa.types import Translation

VOCAB = (
    OFFICE_WORDS
    | EVENT_WORDS
    | PRODUCTION_WORDS
    | RESERVE_WORDS
    | SUPPLY_WORDS
    | INVEST_WORDS
    | USE_WORDS
    | PATH_WORDS
    | HQ_WORDS
    | FACILITY_WORDS
    | POLICY_NOUNS
    | set().union(*POLICY_CATEGORY_WORDS.values())
)


LINK_LABELS = (
    "Country",
    "Mineral",
    "Company",
    "Organization",
    "Official",
    "Facility",
    "Application",
    "Policy",
    "Event",
    "Stage",
)


ORGS = ("Company", "Organization")


COMPANY_NOUNS = {
    "company",
    "companies",
    "firm",
    "firms",
    "producer",
    "producers",
    "makers",
    "maker",
    "manufacturers",
    "corporations",
}


PERSON_ORG = ("Official", "Company", "Organization")


@dataclass
class Frame:
    question: str
    text: str  # lower-cased
    tokens: list[str]
    mentions: list[Mention]
    time: TimeSpec | None
    wh: str
    count: bool
    order: str | None = None
    rank: int = 1
    top_n: int | None = None
    outside: list[str] = field(default_factory=list)
    threshold: float | None = None
    masked: str = ""  # the question with its date expressions blanked out
    edition: str | None = None  # 'MCS 2026' when the question names a USGS edition

    def ents(self, *labels: str) -> list[Mention]:
        return [m for m in self.mentions if m.entity.label in labels and m.entity.name not in self.outside]

    def names(self, *labels: str) -> list[str]:
        out: list[str] = []
        for m in self.ents(*labels):
            if m.entity.name not in out:
                out.append(m.entity.name)
        return out

    def has(self, vocab: set[str] | dict) -> bool:
        """Whether any token (or its singular) is in the vocabulary."""
        return any(t in vocab or (t.endswith("s") and (t[:-1] in vocab or t[:-2] in vocab)) for t in self.tokens)


# -- intents --------------------------------------------------------------------------------
def translation(
    cypher: str,
    params: dict[str, Any],
    intent: str,
    conf: float,
    phrase: Any = None,
    empty: str = "",
    *,
    used: Iterable[str] = (),
    reading: str = "",
) -> Translation:
    return Translation(
        cypher=re.sub(r"\s+", " ", cypher).strip(),
        params=params,
        intent=intent,
        confidence=conf,
        phrase=phrase,
        empty=empty,
        used=set(used),
        interpretation=reading,
    )


NOUN_LABEL = {noun: n.label for n in NODE_BY_LABEL.values() for noun in n.nouns if n.label != "Source"}
NOUN_LABEL.update({"people": "Official", "persons": "Official", "ministers": "Official", "nations": "Country"})


def noun_labels(f: Frame) -> list[tuple[str, str, int]]:
    """Type nouns in the question ('companies', 'policies'...) with their label and position."""
    out = []
    for m in re.finditer(r"[a-z]+", f.text):
        w = m.group(0)
        if w in NOUN_LABEL and not any(x.start <= m.start() < x.end for x in f.mentions):
            out.append((w, NOUN_LABEL[w], m.start()))
    return out


def rel_between(a: str, b: str, f: Frame) -> tuple[str, bool] | None:
    """The ontology relationship linking labels a and b (and whether a is its start), preferring one the question names."""
    from graph.ontology import RELS

    cands = [(r, True) for r in RELS if a in r.start and b in r.end] + [
        (r, False) for r in RELS if b in r.start and a in r.end
    ]
    if not cands:
        return None
    named = [c for c in cands if f.has(set(c[0].words))]
    cands.sort(key=lambda c: (len(c[0].start) + len(c[0].end), not c[1]))  # the most specific link first
    r, forward = (named or cands)[0]
    return r.type, forward


def topic_words(f: Frame, truncate: bool = True) -> list[str]:
    """Content words that name no entity and no lexicon term: what the question is about ('Busan', 'framework')."""
    taken = " ".join(m.surface.lower() for m in f.mentions if m.entity.label not in ("Application", "Stage"))
    out = []
    for t in words(f.masked):
        if (
            len(t) > 3
            and t not in STOP
            and t not in VOCAB
            and t not in taken
            and t not in ROLE_IGNORE
            and not t.isdigit()
        ):
            out.append(t[:7] if truncate else t)
    return list(dict.fromkeys(out))[:6]


def match_words(words_: list[str], labels: Iterable[str] = (), rels: Iterable[str] = ()) -> list[str]:
    """Topic words that a row's text must contain: modifiers, dates, and the type nouns, relation words and
    property words of the labels and types the query already ranges over removed ('critical minerals
    framework' keeps 'minerals')."""
    from graph.text import MONTHS
    from qa.coverage import (
        COMPARISON,
        COUNTING,
        FILTER_WORDS,
        NEGATION,
        NOUN_LABELS,
        ORDERING,
        PROP_OWNERS,
        QUANTITY,
        REL_WORDS,
        SCAFFOLD,
        stem,
    )  # fmt: skip

    skip = COMPARISON | COUNTING | NEGATION | ORDERING | QUANTITY | SCAFFOLD | FILTER_WORDS | set(MONTHS)
    out = [
        w[:7]
        for w in words_
        if w not in skip and not w.isdigit()
        and not (stem(w) in REL_WORDS and (REL_WORDS[stem(w)] & set(rels) or not rels))
        and not (stem(w) in PROP_OWNERS and (PROP_OWNERS[stem(w)] & (set(labels) | set(rels)) or not labels))
        and not (stem(w) in NOUN_LABELS and (NOUN_LABELS[stem(w)] & set(labels) or not labels))
    ]  # fmt: skip
    return list(dict.fromkeys(out))


def text_filter(fields: list[str]) -> str:
    """A condition true when every `$match` word occurs in the concatenated text fields (case-insensitive)."""
    text = " + ' ' + ".join(f"coalesce({x}, '')" for x in fields)
    return f"ALL(t IN $match WHERE toLower({text}) CONTAINS t)"


# Neo4j matches a path through one node twice (relationship isomorphism), FalkorDB does not: the app asks
# for simple paths explicitly so both engines return the same ones (pinned in tests/test_conformance.py).
DISTINCT_NODES = "ALL(i IN range(0, size(nodes(p)) - 2) WHERE NONE(j IN range(i + 1, size(nodes(p)) - 1) WHERE nodes(p)[i] = nodes(p)[j]))"
