"""Semantic tractability: a reading may answer only if it uses every meaningful part of the question.

After PRECISE (Popescu, Etzioni and Kautz 2003): each token of the question must map onto the
schema, and the reading must use that mapping. Here the reading is the parameterised Cypher an
intent built, so the check looks for evidence of each question word *in the query*:

- an entity mention is used when its name is one of the query's parameter values;
- a date or year when the query's parameters hold it (a month needs the month, not only the year);
- a number when a parameter holds it;
- a type noun ('companies') when the query matches that label;
- a relation word ('supplies', 'sanctioned') when the query uses one of the relationship types the
  ontology gives that word;
- a property word ('symbol') when the query reads that property;
- a modifier when the query has the operator it asks for: negation (NOT, <>), comparison
  (<, >), superlatives and first/last (ORDER BY), counts (count()), sums (sum());
- any other word when a parameter value contains it (role words, topics, category values), or
  when the intent declares it in `Translation.used`.

Words that are only the scaffolding of a question ('what', 'the', 'tell me') need no evidence.
Whatever is left is returned, so the answer can say what it did not understand instead of
answering a different question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.ontology import NODES, REL_TYPES, RELS
from qa.lexicon import METRIC_WORDS, NUMBERS, ORDINALS, POLICY_CATEGORY_WORDS, STAGE_WORDS, SUPERLATIVE, find_time

# Question scaffolding: function words and the verbs of asking. They carry no constraint.
SCAFFOLD = frozenset(
    """a an the of in on at to for from by with and or as into about is are was were be been being it its this that
    these those what which who whom whose when where how why did does do doing done has have having had will would
    can could should shall may might there their they them his her he she i me my we our us you your any all some
    each per yes ever tell show give list name names named find know let please want like wonder explain
    graph dataset data database db information info record records recorded listed according kb knowledge base
    s t happen happened happening occur occurred get got go going come came make made
    thing things one ones kind kinds sort type types exactly roughly approximately about around just really
    currently current now today present presently still yet so far up also hold holds sit sits stand stands lie lies
    usgs""".split()  # noqa: SIM905
)

# Modifiers: each needs the operator it asks for in the query.
NEGATION = frozenset({"not", "no", "never", "without", "neither", "nor", "none", "non", "excluding", "except",
                      "outside", "besides", "other", "than", "apart", "aren", "isn", "weren", "wasn", "don",
                      "doesn", "didn", "haven", "hasn", "but"})  # fmt: skip
COMPARISON = frozenset({"more", "less", "fewer", "greater", "larger", "smaller", "higher", "lower", "above", "below",
                        "over", "under", "exceeding", "exceed", "exceeds", "least", "atleast", "most", "than",
                        "between", "before", "after", "since", "until", "till", "prior", "earlier", "later"})  # fmt: skip
ORDERING = frozenset(SUPERLATIVE) | frozenset(ORDINALS) | {"first", "last", "latest", "earliest", "newest", "oldest",
                                                           "recent", "rank", "ranks", "ranked", "ranking", "top",
                                                           "biggest", "largest", "best"}  # fmt: skip
# Comparison words that are prepositions unless a quantity follows ('over 10,000 t' compares; 'control over
# exports', 'put under licensing', 'between Ishiba and Trump' do not).
PREPOSITIONAL = frozenset({"under", "over", "above", "below", "between"})
QUANTITY_NEXT = re.compile(r"\s+(?:the\s+|a\s+)?(?:[$€£]?\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                           r"hundred|thousand|million|half|a\s+third|a\s+quarter)\b)", re.I)  # fmt: skip
TIME_RELATIONS = frozenset({"before", "after", "since", "until", "till", "prior", "earlier", "later", "between"})
COUNTING = frozenset({"many", "number", "count", "counted", "counts", "how", "times", "often"})
SUMMING = frozenset({"sum", "total", "totals", "together", "combined", "add", "added", "altogether"})
# Words that filter a set: never accounted for by a ranking-only ('topic') parameter.
FILTER_WORDS = frozenset({"suspended", "suspension", "lifted", "paused", "force", "effect", "active", "expired",
                          "heavy", "light", "proposed", "proposal", "signed", "planned", "state", "owned", "private",
                          "listed", "public", "only", "both", "also", "again", "former", "previous", "next"})  # fmt: skip
FILTER_PROPS = frozenset({"status", "classification", "ownership_type", "kind", "policy_type", "category"})
# Asking for an amount: used when the query returns a value, a count or a sum.
QUANTITY = frozenset({"much", "big", "large", "huge", "size", "amount", "amounts", "quantity", "volume", "figure",
                      "figures", "level", "levels", "value", "values", "tonnes", "tonne", "tons", "ton", "t", "kg",
                      "kilograms", "metric", "statistics", "stats", "numbers", "total", "many", "million", "millions",
                      "thousand", "thousands", "billion", "mt", "kt"})  # fmt: skip
WORLD = frozenset({"global", "globally", "world", "worldwide", "world's", "international", "planet", "earth's"})
COMPARE = frozenset({"compare", "compared", "comparison", "versus", "vs", "against", "between", "difference"})
SHARE = frozenset({"share", "percentage", "percent", "proportion", "fraction", "portion", "account", "accounted",
                   "accounts", "represent", "represented", "represents", "comprise", "comprised"})  # fmt: skip
# Words that name a property value ('licensing' -> category export_control): used when the query holds the value.
VALUE_WORDS: dict[str, set[str]] = {}
for _cat, _ws in POLICY_CATEGORY_WORDS.items():
    for _w in _ws:
        VALUE_WORDS.setdefault(_w, set()).add(_cat)
for _stage, _ws in STAGE_WORDS.items():
    for _w in _ws:
        VALUE_WORDS.setdefault(_w, set()).add(_stage)
for _w, _metric in METRIC_WORDS.items():
    VALUE_WORDS.setdefault(_w, set()).add({"import_reliance": "reliance"}.get(_metric, _metric))
# Domain phrases that frame a question without constraining it.
FRAME_PHRASES = re.compile(
    r"\b(supply[- ]chains?|in the (?:graph|dataset|database|data)|according to the (?:graph|data))\b", re.I
)
SOFT_PARAMS = frozenset({"topic", "topics", "words"})  # ranking only: rows are sorted by them, not filtered

WORD_RE = re.compile(r"\d[\d,]*\d(?:\.\d+)?|\d(?:\.\d+)?|[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def stem(word: str) -> str:
    """A crude English stem, enough to match 'supplied'/'supplies'/'supplier' and 'sanctioned'/'sanctions'."""
    w = word.lower().replace("’", "'")
    w = re.sub(r"'s?$", "", w)
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ier", "y"), ("ing", ""), ("ers", ""), ("er", ""), ("ed", ""),
                         ("es", ""), ("s", "")):  # fmt: skip
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    return w[:-1] if w.endswith("e") and len(w) >= 5 else w  # 'place' and 'placed' share 'plac'


def _rel_words() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in RELS:
        for phrase in r.words:
            for w in phrase.split():
                out.setdefault(stem(w), set()).add(r.type)
    return out


def _noun_labels() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for n in NODES:
        for phrase in n.nouns:
            for w in phrase.split():
                out.setdefault(stem(w), set()).add(n.label)
    return out


def _prop_words(owners: bool = False) -> dict[str, set[str]]:
    """Stem of each property word -> the property names it asks for (or, with `owners`, their labels and types)."""
    out: dict[str, set[str]] = {}
    for owner, props in [(n.label, n.props) for n in NODES] + [(r.type, r.props) for r in RELS]:
        for p in props:
            for phrase in p.words:
                for w in phrase.split():
                    out.setdefault(stem(w), set()).add(owner if owners else p.name)
    return out


REL_WORDS = _rel_words()
NOUN_LABELS = _noun_labels()
PROP_WORDS = _prop_words()
PROP_OWNERS = _prop_words(owners=True)


@dataclass
class Evidence:
    """What a query uses, read off its text and parameters."""

    cypher: str
    strings: list[str]  # every string parameter value, lower-cased (hard: they filter)
    soft: list[str]  # ranking-only parameter values
    numbers: set[float]
    names: set[str]  # the query's labels, relationship types and property names
    used: set[str] = field(default_factory=set)
    lists: int = 0  # the most values one list parameter holds (a comparison names two or more)

    @classmethod
    def of(cls, cypher: str, params: dict[str, Any], used: Iterable[str] = ()) -> Evidence:
        strings: list[str] = []
        soft: list[str] = []
        numbers: set[float] = set()

        def walk(v: Any, into: list[str]) -> None:
            if isinstance(v, bool) or v is None:
                return
            if isinstance(v, (int, float)):
                numbers.add(float(v))
            elif isinstance(v, str):
                into.append(v.lower())
                if re.fullmatch(r"-?\d+(\.\d+)?", v):
                    numbers.add(float(v))
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x, into)
            elif isinstance(v, (list, tuple, set)):
                for x in v:
                    walk(x, into)

        for k, v in params.items():
            walk(v, soft if k in SOFT_PARAMS else strings)
        # literals written into the query text count too ('Rare earths', 'proposal', 100)
        for lit in re.findall(r"'((?:[^'\\]|\\.)*)'", cypher):
            strings.append(lit.lower())
        for num in re.findall(r"(?<![\w$.])(\d+(?:\.\d+)?)(?![\w.])", cypher):
            numbers.add(float(num))
        names = set(re.findall(r"[:.]\s*`?([A-Za-z_][A-Za-z0-9_]*)", cypher))
        for s in strings:
            if s.upper() in REL_TYPES:
                names.add(s.upper())
        lists = max((len(v) for v in params.values() if isinstance(v, (list, tuple))), default=0)
        used_set = {stem(u) for u in used} | {u.lower() for u in used}
        return cls(cypher, strings, soft, numbers, names, used_set, lists)

    # -- tests -----------------------------------------------------------------------------
    def in_strings(self, word: str, *, soft: bool = False) -> bool:
        w = word.lower()
        st = stem(w)
        pools = self.strings + (self.soft if soft else [])
        for s in pools:
            if w in s.split() or w == s:
                return True
            toks = re.findall(r"[a-z0-9]+", s)
            if any(stem(t) == st for t in toks):
                return True
            if len(st) >= 4 and any(t.startswith(st) for t in toks):
                return True
            if len(s) >= 4 and w.startswith(s):  # a truncated topic word ('investm' for 'investment')
                return True
        return False

    @property
    def negates(self) -> bool:
        # a negation of something the question gave (a pattern, a parameter), not the intent's own
        # housekeeping ('NOT n:Source', "p.policy_type <> 'proposal'", 'r.end_date IS NULL OR ...')
        return bool(re.search(r"\bNOT\s*\(|\bNOT\s+[\w.]+\s+IN\b|<>\s*\$|\bNONE\s*\(", self.cypher, re.I))

    @property
    def compares(self) -> bool:
        # a comparison against something the question gave: '> $threshold', '< $date', '>= lr.start_date'
        return bool(re.search(r"(?<![-\]<])(<=|>=|<|>)(?![-\[(])", self.cypher))

    @property
    def orders(self) -> bool:
        # a ranking: an explicit direction or max()/min(); 'ORDER BY name' only sorts for display
        clause = r"\bORDER BY\b(?:(?!\bLIMIT\b|\bRETURN\b|\bWITH\b|\bMATCH\b).){0,160}?\b(DESC|ASC)\b"
        return bool(re.search(clause + r"|\bmax\(|\bmin\(", self.cypher, re.I))

    @property
    def counts(self) -> bool:
        return bool(re.search(r"\bcount\(|\bsize\(", self.cypher, re.I))

    @property
    def sums(self) -> bool:
        return bool(re.search(r"\bsum\(|\breduce\(", self.cypher, re.I))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def leftovers(
    question: str,
    evidence: Evidence,
    mentions: Iterable[Any],
    demonyms: Mapping[str, str],
    stands_for: Mapping[str, str] | None = None,
) -> list[str]:
    """The parts of `question` that the reading with this evidence does not use, as phrases.

    `stands_for` maps a person to the country they speak for ('Ishiba' -> Japan), so a policy
    question naming a leader is read as a question about the leader's country.
    """
    scaffold = SCAFFOLD
    yes_no = bool(re.match(r"\s*(is|are|was|were|does|do|did|has|have|had|can|will)\b", question, re.I))
    taken: list[Span] = [Span(m.start(), m.end(), m.group(0)) for m in FRAME_PHRASES.finditer(question)]
    missing: list[Span] = []
    for span in _edition_spans(question):
        taken.append(span)
        if not any(span.text.lower() in s for s in evidence.strings):
            missing.append(span)
    for m in mentions:
        surface = question[m.start : m.end]
        if surface.lower() in scaffold or any(t.start <= m.start < t.end for t in taken):
            continue  # 'In' (indium's symbol) at the start of a question is a preposition
        span = Span(m.start, m.end, surface)
        taken.append(span)
        if not _entity_used(m.entity, evidence, stands_for or {}) and not all(
            w.lower() in scaffold or _word_used(w.lower(), evidence, demonyms, yes_no) for w in WORD_RE.findall(surface)
        ):  # a mention whose every word the reading uses otherwise ('permanent magnets' -> the magnet-making stage)
            missing.append(span)
    for span in _time_spans(question):
        if any(t.start <= span.start < t.end for t in taken):
            continue  # the year of 'MCS 2026' is the edition's
        taken.append(span)
        if not _time_used(span.text, evidence):
            missing.append(span)
    for mt in WORD_RE.finditer(question):
        if any(s.start <= mt.start() < s.end for s in taken):
            continue
        word = mt.group(0)
        low = word.lower().replace("’", "'")
        base = re.sub(r"'s?$", "", low)
        if base in scaffold or low in scaffold:
            continue
        if low in PREPOSITIONAL and not QUANTITY_NEXT.match(question[mt.end() :]):
            continue  # 'put under export licensing', 'the call between Ishiba and Trump': no comparison
        if not _word_used(base, evidence, demonyms, yes_no):
            missing.append(Span(mt.start(), mt.end(), word))
    return _phrases(question, sorted(missing, key=lambda s: s.start), scaffold)


def _entity_used(entity: Any, ev: Evidence, stands_for: Mapping[str, str]) -> bool:
    n = entity.name.lower()
    if n in ev.strings or n in ev.used:
        return True
    if entity.name in stands_for and stands_for[entity.name].lower() in ev.strings:
        return True
    # a group used as a type noun ('which rare earths ...'): the query ranges over its label and keeps to the
    # group's members (a mineral's `group`), or the question's word is the label's own plain noun
    nouns = {x for node in NODES if node.label == entity.label for x in node.nouns}
    return n in nouns and entity.label in ev.names and "group" in ev.names


EDITION_RE = re.compile(r"\b(?:USGS\s+)?(?:MCS|Mineral Commodity Summaries)\s*(?:\()?(20\d\d)\)?(?:\s+edition)?", re.I)


def _edition_spans(question: str) -> list[Span]:
    return [Span(m.start(), m.end(), f"mcs {m.group(1)}") for m in EDITION_RE.finditer(question)]


def _time_spans(question: str) -> list[Span]:
    out: list[Span] = []
    pos = 0
    while True:
        spec, spans = find_time(question[pos:])
        if not spec or not spans:
            return out
        a, b = spans[0]
        out.append(Span(pos + a, pos + b, question[pos + a : pos + b]))
        pos += b


def _time_used(text: str, ev: Evidence) -> bool:
    spec, _ = find_time(text)
    if spec is None or spec.year is None:
        return True
    if "time" in ev.used or text.lower() in ev.used:
        return True
    prefix = spec.prefix or str(spec.year)
    if spec.month is None and float(spec.year) in ev.numbers:
        return True
    for s in ev.strings:
        if s.startswith(prefix) or (spec.month is None and s[:4] == str(spec.year) and re.match(r"\d{4}", s)):
            return True
    # a point inside the month ('2025-06-15' for 'in June 2025') or the year ('2025-07-01')
    return any(s.startswith(prefix[:7]) for s in ev.strings if len(prefix) >= 7 and re.match(r"\d{4}-\d{2}", s))


def _word_used(word: str, ev: Evidence, demonyms: Mapping[str, str], yes_no: bool = False) -> bool:
    st = stem(word)
    if word in ev.used or st in ev.used:
        return True
    if re.fullmatch(r"\d[\d,]*(\.\d+)?", word):
        x = float(word.replace(",", ""))
        return any(x * k in ev.numbers for k in (1, 1e3, 1e6, 1e9))
    if word in NUMBERS:
        return float(NUMBERS[word]) in ev.numbers or ev.orders or ev.in_strings(word)
    if word in demonyms:
        country = demonyms[word].lower()
        return any(country == s for s in ev.strings)
    if word in NEGATION and ev.negates:
        return True
    if word in ("both", "each") and len(re.findall(r"\{name: \$\w+\}", ev.cypher)) >= 2:
        return True  # 'both A and B': each one matched in its own pattern
    if word in ("most", "least") and ev.orders:  # superlatives rank
        return True
    if word in COMPARISON and word not in TIME_RELATIONS and ev.lists >= 2 and "value" in ev.names:
        return True  # 'did Australia produce more than Myanmar': both figures, side by side
    if word in COMPARISON and ev.compares:
        return True
    if word in ORDERING and ev.orders:
        return True
    if word in COUNTING and ev.counts:
        return True
    if word in SUMMING and ev.sums:
        return True
    if word in QUANTITY and (ev.counts or ev.sums or "value" in ev.names):
        return True
    if word in WORLD and ("world" in ev.strings or ev.orders or "kind" in ev.names):
        return True
    if word in SHARE and ("/" in ev.cypher or "share" in " ".join(ev.strings) or "share" in ev.names):
        return True
    if word in COMPARE and ev.lists >= 2:
        return True
    if word in VALUE_WORDS and any(v in s for v in VALUE_WORDS[word] for s in ev.strings):
        return True
    if st in REL_WORDS and REL_WORDS[st] & ev.names:
        return True
    if word in FILTER_WORDS:
        return ev.in_strings(word, soft=False) or (yes_no and bool(FILTER_PROPS & ev.names))
    if st in NOUN_LABELS and NOUN_LABELS[st] & ev.names:
        return True
    if st in REL_WORDS and REL_WORDS[st] & ev.names:
        return True
    if st in PROP_WORDS and PROP_WORDS[st] & ev.names:
        return True
    return ev.in_strings(word)


def _phrases(question: str, spans: list[Span], scaffold: frozenset[str] | set[str]) -> list[str]:
    """Adjacent leftovers as one phrase ('Democratic Republic of the Congo'), in question order."""
    out: list[str] = []
    cur: Span | None = None
    for s in spans:
        if cur is not None:
            gap = question[cur.end : s.start]
            gap_words = WORD_RE.findall(gap)
            if all(g.lower() in scaffold for g in gap_words) and len(gap_words) <= 2:
                cur = Span(cur.start, s.end, question[cur.start : s.end])
                continue
            out.append(cur.text)
        cur = s
    if cur is not None:
        out.append(cur.text)
    return [p.strip(" ,;:") for p in dict.fromkeys(out) if p.strip(" ,;:")]


def describe_missing(parts: list[str]) -> str:
    """'Iceland' is not in the graph / I did not understand 'supply Apple'."""
    names = [p for p in parts if p[:1].isupper() and not p.isupper() or re.match(r"^[A-Z]{2,}$", p)]
    other = [p for p in parts if p not in names]
    bits = []
    if names:
        bits.append(
            " and ".join(f"'{n}'" for n in names) + (" is" if len(names) == 1 else " are") + " not in the graph"
        )
    if other:
        bits.append("I did not understand " + " and ".join(f"'{o}'" for o in other))
    return "; ".join(bits)
