"""The offline article extractor: sentences, mentions, new entities from cues, relation patterns.

No network and no model: known entities come from the graph's own names and aliases (through
`EntityIndex`), new ones from cue words (company suffixes, titles, "Oslo-based"), and relations
from patterns over the ontology's relationship types. The result is an `Extraction` in terms of
names; `ingest.articles` resolves it against the graph (existing events, policies, offices) and
adds provenance. The LLM extractor returns the same `Extraction`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from graph.resolve import COMMON_WORDS, EntityIndex, resolve_org, strip_legal_suffix
from graph.text import MONTH_RE, MONTHS, norm_key, parse_date
from ingest.vocab import RARE_EARTH_ELEMENTS, STAGES

GROUP = "Rare earths"
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}
ABBREV = re.compile(r"(?:\b(?:[A-Z]\.){1,}|\b(?:Mr|Mrs|Ms|Dr|Inc|Corp|Ltd|Co|No|St|Gen|Sen|Rep|Jr|Sr)\.)$")
SENT_START = re.compile(r"\s+(?=[\"“‘(]?[A-Z0-9])")

COMPANY_SUFFIX = (
    r"(?:Rare\s+Earths?|Rare\s+Metals|Metals|Materials|Resources|Magnetics|Minerals|Mining|Corp(?:oration)?\.?"
    r"|Ltd\.?|Limited|Inc\.?|Holdings|Group|AS|ASA|AB|GmbH|PLC|plc)"
)
CAP_WORD = r"(?:[A-Z][A-Za-z0-9&'’-]*|of|and|&)"
COMPANY_RE = re.compile(rf"\b((?:[A-Z][A-Za-z0-9&'’-]*\s+)(?:{CAP_WORD}\s+){{0,3}}{COMPANY_SUFFIX})(?![A-Za-z])")
TITLE_WORDS = (
    r"(?:[Cc]hief (?:[Ee]xecutive|[Ff]inancial|[Oo]perating|[Tt]echnology|[Cc]ommercial|[Ss]trategy)(?: [Oo]fficer)?"
    r"|CEO|CFO|COO|CTO|[Cc]hairman|[Cc]hairwoman|[Cc]hair|(?:[Ee]xecutive |[Ss]enior )?[Vv]ice [Pp]resident|[Pp]resident"
    r"|[Pp]rime [Mm]inister|[Vv]ice [Pp]remier|[Mm]inister|[Ss]ecretary|[Mm]anaging [Dd]irector"
    r"|[Ee]xecutive [Dd]irector|[Gg]eneral [Mm]anager|[Ff]ounder|[Tt]rade [Rr]epresentative"
    r"|[Hh]ead of [a-z]+(?: [a-z]+)?)"
)
# "President and CEO", "chairman and chief executive"
TITLES = rf"{TITLE_WORDS}(?:\s+(?:and|&)\s+{TITLE_WORDS})?"
PERSON = r"((?:[A-Z]\.\s?){1,2}[A-Z][a-z]+(?:[- ][A-Z][a-z'’]+){0,2}|[A-Z][a-z]+(?:[- ][A-Z][a-z'’]+(?:-[a-z]+)?){1,2})"
# "economic revitalization minister Ryosei Akazawa", "U.S. Treasury Secretary Scott Bessent", "CEO Ingrid Solberg"
TITLE_BEFORE = re.compile(
    rf"((?:(?:[A-Z]\.){{2,}}\s+|[A-Z][A-Za-z&'’-]*\s+|[a-z]+\s+){{0,4}}{TITLE_WORDS})\s+{PERSON}(?![A-Za-z])"
)
# whose title it is: capitalised words only ("U.S. Treasury", "India's"), never a stretch of the sentence
OWNER = r"(?:[A-Z][\w&'’.-]*\s+(?:of\s+|and\s+|the\s+)?){0,3}?[A-Z][\w&'’.-]*?[’']s?"
# "Ingrid Solberg, chief executive of Nordic Rare Metals," / "Ingrid Solberg, the company's CEO"
TITLE_AFTER = re.compile(
    rf"{PERSON},\s+((?:the\s+|its\s+|{OWNER}\s+)?(?:[a-z]+\s+){{0,2}}{TITLES}(?:\s+(?:of|at)\s+[A-Z][\w&. -]+?)?)"
    r"(?=[,.;]|\s+(?:said|says|told|and)\b)"
)
# "Aurora named Maria Lopez chief financial officer" / "appointed Maria Lopez as its CFO"
APPOINT = re.compile(
    rf"\b(?:named|appointed|hired|promoted|names|appoints|has named|has appointed)\s+{PERSON}\s+(?:as\s+)?"
    rf"((?:(?:its|the company's|the firm's|the)\s+)?(?:new\s+)?(?:[a-z]+\s+){{0,2}}{TITLE_WORDS})"
)
# "Jane Doe is the company's chief executive" / "Jane Doe became chief executive of Aurora"
IS_TITLE = re.compile(
    rf"{PERSON}\s+(?:is|was|became|serves as|has been|will become)\s+((?:the (?:company|firm|miner)[’']s\s+|the\s+|its\s+|{OWNER}\s+)?"
    rf"(?:new\s+)?(?:[a-z]+\s+){{0,2}}{TITLES}(?:\s+(?:of|at)\s+[A-Z][\w&. -]+?)?)(?=[,.;]|\s+(?:since|from|and|in)\b)"
)
# "Its chief executive, Jane Doe, said" / "Aurora's chief executive, Jane Doe,"
TITLE_COMMA = re.compile(
    rf"((?:[Ii]ts|[Tt]he (?:company|firm|miner)[’']s|[Tt]he|{OWNER})\s+(?:new\s+)?(?:[a-z]+\s+){{0,2}}{TITLES}"
    rf"(?:\s+(?:for|of)\s+[A-Z][\w]+(?:(?:,\s+|\s+and\s+|\s+)[A-Z][\w]+){{0,4}})?),\s+{PERSON}(?=,|\s+said)"
)
# "Maria Lopez, who heads Aurora's US unit," (a separate clause)
WHO_HEADS = re.compile(
    rf"{PERSON},\s+who\s+(?:heads|leads|runs|chairs|oversees|manages)\s+(.{{3,60}}?)(?=[,.;]|\s+(?:said|says|told)\b)"
)
# the organisation after a person's title: "Rachel Odum, head of metals research at Cairn Analytics"
ORG_OF_TITLE = re.compile(
    rf"[A-Z][a-z]+,\s+((?:the\s+)?(?:[a-z]+\s+){{0,2}}{TITLES})\s+(?:of|at)\s+([A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){{1,3}})"
)
COMPANY_ROLE = re.compile(
    r"chief|ceo|cfo|coo|cto|founder|director|chair|vice president|general manager|unit|head", re.I
)
# place modifiers that are not part of a name: "Denver-based", "Hamburg-headquartered", "Tokyo-listed"
MODIFIER = re.compile(r"\b([A-Z][A-Za-z.]+(?:[ -][A-Z][a-z]+)?)-(based|headquartered|listed|registered|owned)\b")
# a company the sentence refers back to: "the company", "the Tokyo-listed company", "the miner"
COREF = re.compile(
    r"\b[Tt]he\s+(?:[A-Z][A-Za-z.]+-(?:based|listed|headquartered)\s+|(?:[a-z-]+\s+){1,2})?"
    r"(company|firm|miner|producer|refiner|manufacturer|magnet maker|startup|developer|explorer|supplier|group)\b"
    r"(?![- ](?:said|says))?"
)
# what a company is called in an apposition: "X, a Perth-based miner", "Y, a Brazilian explorer"
COMPANY_NOUN = (
    r"(company|miner|producer|maker|manufacturer|firm|refiner|developer|explorer|startup|recycler|supplier|group)"
)
APPOSITION = re.compile(
    rf"\b([A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){{0,3}}),\s+(?:a|an)\s+(?:[\w-]+\s+){{0,4}}?{COMPANY_NOUN}\b"
)
# a government body the graph may not know: "the U.S. Department of Energy", "India's Ministry of Mines"
GOV_BODY = re.compile(
    r"\b(?:((?:[A-Z]\.){2,}|US|[A-Z][a-z]+[’']s)\s+)?(Department|Ministry|Agency|Administration|Commission|Bureau)\s+"
    r"(?:of|for)\s+((?:the\s+)?[A-Z][a-z]+(?:(?:,\s+|\s+and\s+|\s+)[A-Z][a-z]+){0,3})"
)
# adjectives that make a name generic, not a company: "Critical Minerals", "Strategic Metals"
GENERIC = {"critical", "strategic", "global", "rare", "heavy", "light", "key", "national", "international", "battery",
           "green", "clean", "new", "major", "base", "precious", "technology", "energy", "industrial", "minor"}  # fmt: skip
# what a demonym may describe and still name the country as a party: "the Japanese government"
GOV_NOUN = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:government|authorities|officials?|ministry|ministers?|state|regulators?|side|delegation"
    r"|leaders?|president|prime minister|premier|trade|export|customs|commerce|negotiators?)\b",
    re.I,
)
LEGAL = re.compile(
    r"(?:,?\s+(?:Corp(?:oration)?\.?|Inc\.?|Incorporated|Ltd\.?|Limited|plc|PLC|LLC|Co\.|AG|AS|ASA|AB|Oy|SpA|BV|KK|S\.?A\.|GmbH|N\.?V\.|Pty))+$"
)

NOT_A_NAME = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "Earlier",
    "Meanwhile",
    "Additionally",
    "Furthermore",
    "He",
    "She",
}

CALL = re.compile(
    r"\b(phone call|telephone call|call|calls|called|spoke|talks|meeting|meet|meets|met|summit|video conference)\b",
    re.I,
)
SCHEDULED = re.compile(
    r"\b(scheduled to|will|is to|are to|plans? to|expected to|set to)\b[^.]{0,40}\b(meet|hold|talk)", re.I
)
DURATION = re.compile(r"\b(\d+|" + "|".join(NUMBERS) + r")[- ](minute|hour)s?\b", re.I)
WEEKDAY = re.compile(r"\b(?:on\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.I)
IN_MONTH = re.compile(rf"\b(?:in|since|from|on|early|late|last|mid-?)\s+{MONTH_RE}\b(?!\s+\d)", re.I)

EXPORT = re.compile(
    r"\b(restrict\w*\s+(?:the\s+)?exports?|export\s+(?:ban|bans|controls?|restrictions?|curbs?|licen[cs]\w*|halt)"
    r"|ban\w*\s+(?:the\s+)?exports?|halt\w*\s+(?:the\s+)?exports?|curb\w*\s+(?:the\s+)?exports?"
    r"|limit\w*\s+(?:the\s+)?exports?)\b",
    re.I,
)
PROPOSE = re.compile(
    r"\b(propos\w*|offer\w*|suggest\w*|may help by providing|could help by providing|pledg\w*)\b", re.I
)
BUY = re.compile(r"\b(buy\w*|bought|purchas\w*|import\w*|source[sd]?)\b", re.I)
EVENT_REF = re.compile(r"\b(?:the|this|that)\s+(call|conversation|meeting|talks|summit)\b", re.I)
SUPPLY = re.compile(r"\b(supply|supplies|supplied|supplying|deliver\w*|sell\w*|sold)\b", re.I)
AGREEMENT = re.compile(
    r"\b(signed|agreed|reached|struck|concluded)\b[^.]{0,60}?\b(agreement|deal|memorandum|MoU|contract|framework)\b",
    re.I,
)
INVEST = re.compile(r"\b(invest\w*|stake in|loan\w*|lend\w*|lent|financ\w*|fund(?:ed|ing|s)?)\b", re.I)
PARTNER = re.compile(r"\b(joint venture|partnership|partner(?:ed|s)?)\s+with\b", re.I)
HQ = re.compile(
    r"\b(?:headquartered|based)\s+in\s+([A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+)*)(?:,\s+([A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+)*))?"
)
PRODUCE = re.compile(r"\b(mines?|mined|mining|refines?|refined|refining|separates?|separated|processes|processed"
                     r"|produces?|produced|makes?|made|recycles?|recycled)\b", re.I)  # fmt: skip
PRONOUN = re.compile(r"^\s*(?:[A-Z][a-z]+,\s+)?(He|She)\b")


@dataclass
class Ent:
    label: str
    name: str
    known: bool = True
    props: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""
    first: int = 0  # the index of the sentence that first named it


@dataclass
class Rel:
    type: str
    start: tuple[str, str]  # (label, name) or ("Policy"|"Event", local id)
    end: tuple[str, str]
    props: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""
    confidence: float = 0.9  # below WRITE_AT it is a candidate: shown for review, written only if accepted


WRITE_AT = 0.8  # the confidence from which a relationship is written without being accepted by hand


@dataclass
class Extraction:
    entities: dict[tuple[str, str], Ent] = field(default_factory=dict)
    rels: list[Rel] = field(default_factory=list)
    # local Policy / Event drafts: id -> props (+ "participants" / "enacting" / "minerals" for matching)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the entities each sentence mentions, in sentence order (for the Sentence nodes' MENTIONS)
    sentence_refs: list[list[tuple[str, str]]] = field(default_factory=list)
    at: int = 0  # the sentence being read (new entities remember it)
    _seen: dict[tuple, Rel] = field(default_factory=dict, repr=False)

    def ent(self, label: str, name: str, sentence: str, *, known: bool = True, **props: Any) -> tuple[str, str]:
        ref = (label, name)
        cur = self.entities.get(ref)
        if cur is None:
            self.entities[ref] = Ent(label, name, known, {k: v for k, v in props.items() if v}, sentence, self.at)
        else:
            for k, v in props.items():
                if v and k not in cur.props:
                    cur.props[k] = v
        return ref

    def rel(
        self, type_: str, start: tuple[str, str], end: tuple[str, str], sentence: str, conf: float = 0.9, **props: Any
    ) -> None:
        if start == end:
            return
        key = (type_, start, end, props.get("role"))
        if (r := self._seen.get(key)) is not None:
            r.confidence = max(r.confidence, conf)
            return
        self._seen[key] = Rel(type_, start, end, {k: v for k, v in props.items() if v}, sentence, conf)
        self.rels.append(self._seen[key])


@dataclass
class Context:
    """What the extractor knows about the graph: names, capitals, people's countries and offices."""

    index: EntityIndex
    capitals: dict[str, str] = field(default_factory=dict)  # norm city -> country
    person_country: dict[str, str] = field(default_factory=dict)
    date: str | None = None  # article date (ISO)
    gazetteer: dict[str, str] = field(default_factory=dict)  # norm city -> country (headquarters only)
    topic: tuple[str, str] | None = None  # the company the article is currently about (for "the company")


# -- sentences -----------------------------------------------------------------------------------
def split_sentences(body: str) -> list[str]:
    """Sentences of a plain-text or Markdown body; 'U.S.' ends a sentence only before a sentence opener."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]\s|#|\d+\.\s))|\n", body):
        para = re.sub(r"^\s*(?:#+|[-*+]|\d+\.)\s+", "", para)
        para = re.sub(r"\*\*|__|`|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", para).strip()
        if not para:
            continue
        cur = ""
        for piece in SENT_START.split(para):
            if not cur:
                cur = piece
                continue
            first = re.sub(r"^[\"“‘(]", "", piece).split(" ", 1)[0]
            if re.search(r"[.!?][\"”’)]?$", cur) and not (
                ABBREV.search(cur) and first.lower() not in COMMON_WORDS and first not in NOT_A_NAME
            ):
                out.append(cur.strip())
                cur = piece
            else:
                cur += " " + piece
        if cur.strip():
            out.append(cur.strip())
    return out


# -- dates ---------------------------------------------------------------------------------------
def resolve_weekday(day: str, article_date: str | None, *, future: bool) -> str | None:
    """'Thursday' before a Friday 2025-05-30 article is 2025-05-29; a scheduled 'Friday' is that Friday."""
    if not article_date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", article_date):
        return None
    d = dt.date.fromisoformat(article_date)
    want = WEEKDAYS.index(day.lower())
    delta = (want - d.weekday()) % 7 if future else -((d.weekday() - want) % 7)
    return (d + dt.timedelta(days=delta)).isoformat()


def resolve_month(month: str, article_date: str | None) -> str | None:
    """'in April' in a 2025-05-30 article is 2025-04 (a later month than the article's is last year's)."""
    if not article_date:
        return None
    m = MONTHS.get(month.lower().rstrip(".")) or MONTHS.get(month.lower()[:3])
    if m is None:
        return None
    year = int(article_date[:4])
    if len(article_date) >= 7 and m > int(article_date[5:7]):
        year -= 1
    return f"{year}-{m:02d}"


def sentence_date(sentence: str, article_date: str | None, *, future: bool = False) -> tuple[str | None, str | None]:
    """(ISO date, date as stated) for the first date phrase of a sentence."""
    explicit = parse_date(sentence)
    if explicit and re.search(r"\d{4}", sentence):
        return explicit, None
    if m := WEEKDAY.search(sentence):
        return resolve_weekday(m.group(1), article_date, future=future), m.group(0)
    if m := IN_MONTH.search(sentence):
        return resolve_month(m.group(1), article_date), m.group(0)
    if (m := re.search(r"\b(?:later |earlier )?this month\b", sentence, re.I)) and article_date:
        return article_date[:7], m.group(0)
    if re.search(r"\byesterday\b", sentence, re.I) and article_date and len(article_date) == 10:
        return (dt.date.fromisoformat(article_date) - dt.timedelta(days=1)).isoformat(), "yesterday"
    if re.search(r"\btoday\b", sentence, re.I) and article_date:
        return article_date, "today"
    return None, None


# -- mentions ------------------------------------------------------------------------------------
@dataclass
class M:
    label: str
    name: str
    start: int
    end: int
    known: bool = True


def mentions(ctx: Context, sentence: str) -> list[M]:
    out: list[M] = []
    for m in ctx.index.find_mentions(sentence):
        label, name = m.entity.label, m.entity.name
        if label == "Source":
            continue
        if name in ("World", "Other countries") and m.surface.islower():
            continue  # "global competition" is not the World aggregate row
        if (
            label == "Mineral"
            and len(m.surface) <= 4
            and m.surface.istitle()
            and re.search(r"[A-Z][a-z]+\s+$", sentence[: m.start])
        ):
            continue  # "Tom Rees" is a person, not REEs
        out.append(M(label, name, m.start, m.end))
    taken = [(m.start, m.end) for m in out]
    for rm in re.finditer(r"\b[Rr]are[- ]earths?(?:\s+(?:minerals|elements|metals|oxides))?\b", sentence):
        if not any(s <= rm.start() < e for s, e in taken):
            out.append(M("Mineral", GROUP, rm.start(), rm.end()))
    for cm in re.finditer(r"\b([A-Z][a-z]+)\b", sentence):
        country = ctx.capitals.get(norm_key(cm.group(1)))
        if country and not any(s <= cm.start() < e for s, e in taken):
            if re.match(r"-based", sentence[cm.end() :]):
                continue
            out.append(M("Country", country, cm.start(), cm.end()))
    return sorted(out, key=lambda m: m.start)


def _strip_modifiers(name: str) -> str:
    """'Denver-based Aurora Minerals' -> 'Aurora Minerals'; "Canada's Aurora" -> 'Aurora'; 'The' dropped."""
    words = name.split()
    while words and (
        MODIFIER.fullmatch(words[0])
        or re.search(r"-(?:based|headquartered|listed|registered|owned)$", words[0])
        or re.search(r"[’']s$", words[0])
        or words[0] in NOT_A_NAME
        or words[0].lower() in COMMON_WORDS
    ):
        words = words[1:]
    return " ".join(words)


def canonical_company(name: str) -> tuple[str, list[str]]:
    """The name a new company is stored under (legal suffix dropped when two words remain) and its aliases."""
    name = re.sub(r"[’']s?$", "", name.strip()).strip().rstrip(",")
    bare = LEGAL.sub("", name).strip()
    if bare != name and bare and (len(bare.split()) >= 2 or len(bare) >= 5):
        return bare, [name]
    return name, []


def _add_new(ctx: Context, label: str, name: str, aliases: list[str]) -> None:
    """A new entity joins this article's index, with its short form ('Aurora' for 'Aurora Minerals')."""
    extra = list(aliases)
    words = name.split()
    first = words[0] if words else ""
    distinct = len(first) >= 4 and first.lower() not in COMMON_WORDS and norm_key(first) not in ctx.capitals
    if label == "Company" and len(words) >= 2 and distinct and not ctx.index.resolve(first):
        extra.append(first)
    if label == "Official" and len(words) >= 2 and not ctx.index.resolve(words[-1]):
        extra.append(words[-1])
    ctx.index.add(label, name, extra, case_sensitive=extra)


def new_entities(ctx: Context, sentence: str, known: list[M]) -> list[M]:
    """Companies from suffixes, place modifiers and appositions; people from titles and appointments."""
    out: list[M] = []

    def free(s: int, e: int, *inside: str) -> bool:
        """No mention overlaps the span, except ones of the labels `inside` lying within it."""
        return not any(
            m.start < e and s < m.end and not (m.label in inside and s <= m.start and m.end <= e) for m in known + out
        )

    def government_body(gm: re.Match) -> None:
        """A ministry or department, named with its country: the country inside is not a party on its own."""
        prefix, body, of = gm.group(1) or "", gm.group(2), gm.group(3)
        country = ctx.index.resolve(re.sub(r"[’']s$", "", prefix), ("Country",)) if prefix else None
        if prefix and country is None:
            return
        core = f"{body} {'for' if ' for ' in gm.group(0) else 'of'} {of}"
        name = (f"US {core}" if country.name == "United States" else f"{core} ({country.name})") if country else core
        start = gm.start(1) if prefix and not prefix.endswith(("'s", "’s")) else gm.start(2)
        if not free(start, gm.end(), "Country"):
            return
        ent = resolve_org(ctx.index, name) or (resolve_org(ctx.index, gm.group(0)) if prefix else None)
        if ent:
            out.append(M(ent.label, ent.name, start, gm.end()))
            return
        if country is None and not re.search(
            r"\b(?:Energy|Commerce|Mines|Industry|Trade|Defen[cs]e|Interior|State|"
            r"Finance|Treasury|Resources|Economy|Foreign|Natural)\b",
            of,
        ):
            return  # "the Department of Geology" of a university: not clearly a government body
        _add_new(ctx, "Organization", name, [gm.group(0)] if prefix else [])
        out.append(M("Organization", name, start, gm.end(), known=False))

    def company(raw: str, start: int, end: int) -> None:
        name = _strip_modifiers(re.sub(r"[’']s?$", "", raw).strip().rstrip("."))
        if title := re.match(
            r"(?:.*\s)?(?:Officer|Executive|Director|President|Minister|Chair\w*|Secretary|Head)\s+(?:of|at)\s+", name
        ):
            name = name[title.end() :]  # "Chief Executive Officer of Halvorsen Magnetics" is Halvorsen Magnetics
        if not name or not name[0].isupper():
            return
        start = end - len(raw.rstrip()) + raw.find(name) if name in raw else start
        start = max(start, 0)
        if not free(start, end, "Mineral", "Country"):
            return
        canon, aliases = canonical_company(name)
        ent = resolve_org(ctx.index, name)
        if ent:
            out.append(M(ent.label, ent.name, start, end))
            return
        if len(canon.split()) < 2 and not aliases and not re.search(r"-based|headquartered|, an? ", sentence):
            return
        head = strip_legal_suffix(canon).split()
        if all(
            w.lower() in GENERIC or re.fullmatch(COMPANY_SUFFIX, w) or ctx.index.resolve(w, ("Country",)) for w in head
        ):
            return  # "Critical Minerals", "Chinese Rare Earths": a kind of thing, not a company
        _add_new(ctx, "Company", canon, aliases)
        out.append(M("Company", canon, start, end, known=False))

    for gm in GOV_BODY.finditer(sentence):
        government_body(gm)
    for cm in COMPANY_RE.finditer(sentence):
        company(cm.group(1), cm.start(1), cm.end(1))
    for tm in ORG_OF_TITLE.finditer(sentence):  # "Rachel Odum, head of research at Cairn Analytics"
        if COMPANY_ROLE.search(tm.group(1)):
            company(tm.group(2), tm.start(2), tm.end(2))
    for mm in MODIFIER.finditer(sentence):  # "Denver-based Aurora": the capitalised words after the modifier
        if nm := re.match(r"\s+((?:[A-Z][\w&'’-]*)(?:\s+[A-Z][\w&'’-]*){0,3})", sentence[mm.end() :]):
            s0 = mm.end() + nm.start(1)
            company(nm.group(1), s0, s0 + len(nm.group(1)))
    for am in APPOSITION.finditer(sentence):
        company(am.group(1), am.start(1), am.end(1))
    for rx, grp in ((TITLE_BEFORE, 2), (TITLE_AFTER, 1), (APPOINT, 1), (WHO_HEADS, 1), (IS_TITLE, 1), (TITLE_COMMA, 2)):
        for pm in rx.finditer(sentence):
            name = pm.group(grp)
            if name.split()[0] in NOT_A_NAME or not free(pm.start(grp), pm.end(grp)):
                continue
            ent = ctx.index.resolve(name, ("Official",))
            if ent:
                out.append(M("Official", ent.name, pm.start(grp), pm.end(grp)))
            elif not ctx.index.resolve(name):
                _add_new(ctx, "Official", name, [])
                out.append(M("Official", name, pm.start(grp), pm.end(grp), known=False))
    return out


DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,\s+[A-Z][\w .]+?)?\s*(?:\([^)]{1,40}\))?\s*[—–-]+\s+")


def _drop_modifiers(sentence: str, found: list[M]) -> list[M]:
    """A dateline ('OSLO, Norway —') and a possessive place before a company ("Japan's Shin-Etsu") name no party."""
    dl = DATELINE.match(sentence)
    cut = dl.end() if dl else 0
    out = []
    for i, m in enumerate(found):
        if m.start < cut:
            continue
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (
            m.label == "Country"
            and nxt is not None
            and nxt.label == "Company"
            and re.fullmatch(r"[’']s\s+|\s+", sentence[m.end : nxt.start])
        ):
            continue
        adjective = sentence[m.start : m.end] != m.name  # "a Norwegian manufacturer", "the Belgian group"
        company_noun = re.match(
            r"\s+(?:[a-z-]+\s+){0,3}?(?:manufacturer|maker|miner|producer|company|firm|group|refiner)\b",
            sentence[m.end :],
        )
        if m.label == "Country" and adjective and company_noun:
            continue
        out.append(m)
    return out


def coreferences(ctx: Context, sentence: str, found: list[M]) -> list[M]:
    """'the company', 'the miner': the first company named earlier in the sentence, else the article's topic."""
    out = []
    for cm in COREF.finditer(sentence):
        if any(m.start <= cm.start() < m.end for m in found):
            continue
        earlier = [m for m in found if m.label == "Company" and m.end <= cm.start()]
        target = (earlier[0].label, earlier[0].name) if earlier else ctx.topic
        if target:
            out.append(M(target[0], target[1], cm.start(), cm.end()))
    return out


# -- the extractor -------------------------------------------------------------------------------
def extract(ctx: Context, body: str) -> Extraction:
    ex = Extraction()
    body = body.translate(QUOTES)
    last_person: tuple[str, str] | None = None
    counterpart: dict[str, tuple[str, str]] = {}  # proposing country -> last counterpart named
    signatories: list[tuple[str, str]] = []  # the countries of the last meeting's participants
    sentences = split_sentences(body)
    for ex.at, sentence in enumerate(sentences):
        found = mentions(ctx, sentence)
        new = new_entities(ctx, sentence, found)
        orgs = [m for m in new if m.label in ("Organization", "Company")]
        found = [m for m in found if not any(o.start <= m.start and m.end <= o.end for o in orgs)]  # "U.S." in a body
        found = sorted(found + new, key=lambda m: m.start)
        found = sorted(found + coreferences(ctx, sentence, found), key=lambda m: m.start)
        found = _drop_modifiers(sentence, found)
        refs: list[tuple[M, tuple[str, str]]] = []
        for m in found:
            props: dict[str, Any] = {}
            if not m.known and m.label == "Official":
                props["person_type"] = "company" if COMPANY_ROLE.search(sentence) else None
            if not m.known and m.label == "Company":
                props["aliases"] = [a for a in canonical_company(sentence[m.start : m.end])[1]] or None
            refs.append((m, ex.ent(m.label, m.name, sentence, known=m.known, **props)))
        ex.sentence_refs.append(list(dict.fromkeys(r for _, r in refs)))
        pron = PRONOUN.match(sentence)
        if pron and last_person:
            refs.insert(0, (M("Official", last_person[1], pron.start(1), pron.end(1)), last_person))
        _offices(ctx, ex, sentence, refs)
        _headquarters(ctx, ex, sentence, refs)
        n_events = len(ex.events)
        _event(ctx, ex, sentence, refs)
        if len(ex.events) > n_events:  # "the two ministers" later means these people's countries
            signatories = _countries_of(ctx, ex, ex.events[f"event:{len(ex.events)}"]["participants"])
        if len(ex.events) == n_events and ex.events and (em := EVENT_REF.search(sentence)):
            _event_reference(ex, sentence, refs, em, f"event:{len(ex.events)}")
        _export_control(ctx, ex, sentence, refs)
        _proposal(ctx, ex, sentence, refs, counterpart)
        _agreement_supply(ctx, ex, sentence, refs)
        _joint_signing(ex, sentence, refs, signatories)
        _investment(ctx, ex, sentence, refs)
        _partnership(ctx, ex, sentence, refs)
        _stages(ex, sentence, refs)
        people = [r for m, r in refs if r[0] == "Official"]
        if people:
            last_person = people[-1]
        companies = [r for m, r in refs if r[0] == "Company"]
        if companies:
            ctx.topic = companies[0]
    _mentions_of_late_entities(ctx, ex, sentences)
    return ex


def _mentions_of_late_entities(ctx: Context, ex: Extraction, sentences: list[str]) -> None:
    """An entity first recognised late in the article ('Cairn Analytics' from a closing quote, 'Finland' from a
    headquarters city) is also mentioned by the earlier sentences that name it, as a second ingest would find.

    Only sentences up to the one that introduced an entity are scanned, and only those holding one of its words,
    so the pass costs little more than a token scan of the article."""
    late = EntityIndex()
    words: dict[str, int] = {}  # a late entity's first word -> the last sentence that may need it
    for e in ex.entities.values():
        if e.label in ("Company", "Organization", "Official", "Country") and (
            not e.known or not ctx.index.resolve(e.name)
        ):
            names = [e.name, *(e.props.get("aliases") or [])]
            late.add(e.label, e.name, names[1:])
            for n in names:
                if w := next(iter(re.findall(r"[A-Za-z0-9]+", n)), "").lower():
                    words[w] = max(words.get(w, -1), e.first)
    if not words:
        return
    for i, sentence in enumerate(sentences):
        if not any(words.get(w.lower(), -1) >= i for w in re.findall(r"[A-Za-z0-9]+", sentence)):
            continue
        refs = ex.sentence_refs[i]
        for m in late.find_mentions(sentence):
            ref = (m.entity.label, m.entity.name)
            if ref in ex.entities and ref not in refs and ex.entities[ref].first >= i:
                refs.append(ref)


def _of(refs, *labels: str) -> list[tuple[M, tuple[str, str]]]:  # noqa: ANN001
    return [(m, r) for m, r in refs if r[0] in labels]


def _parties(sentence: str, refs, *labels: str) -> list[tuple[M, tuple[str, str]]]:  # noqa: ANN001
    """Who can be a party to a deal: not a demonym describing a thing ("its Malaysian plant", "Japanese buyers")."""
    out = []
    for m, r in _of(refs, *labels):
        surface = sentence[m.start : m.end]
        demonym = r[0] == "Country" and norm_key(surface) != norm_key(r[1])
        if demonym and re.match(r"\s+[a-z]", sentence[m.end :]) and not GOV_NOUN.match(sentence[m.end :]):
            continue
        out.append((m, r))
    return out


def _offices(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    """Offices only where the sentence names the organisation for that person; a guess is a candidate."""
    shapes = ((TITLE_BEFORE, 2, 1), (TITLE_AFTER, 1, 2), (APPOINT, 1, 2), (WHO_HEADS, 1, 2), (IS_TITLE, 1, 2),
              (TITLE_COMMA, 2, 1))  # fmt: skip
    for rx, name_grp, role_grp in shapes:
        for pm in rx.finditer(sentence):
            person = next((r for m, r in refs if r[0] == "Official" and m.start == pm.start(name_grp)), None)
            if person is None:
                continue
            span = (pm.start(role_grp), pm.end(role_grp))
            role = re.sub(r"\s+", " ", pm.group(role_grp)).strip()
            if rx is TITLE_BEFORE:
                title = re.search(TITLE_WORDS + "$", role)
                if title and title.group(0)[:1].isupper():  # "the idea to President" -> "President"
                    words = role[: title.start()].split()
                    while words and not words[0][:1].isupper():
                        words = words[1:]
                    role = " ".join([*words, title.group(0)])
                    span = (span[1] - len(role), span[1])
            org, conf = _office_org(ctx, sentence, refs, pm, span, role, person, appoint=rx is APPOINT)
            if org is None:
                continue
            for m, r in refs:  # drop the org's own name from the role text: "U.S. Treasury Secretary"
                if r == org and span[0] <= m.start < span[1]:
                    role = re.sub(r"^[’']s\b", "", role.replace(sentence[m.start : m.end], "").strip(" ,")).strip(" ,")
            role = re.sub(
                r"^(?:(?:the|its|and|with|to|by|of|said|meet|met|call|called|told|as|new)\s+)+", "", role, flags=re.I
            )
            role = re.sub(r"\s+(?:of|at)$", "", role)
            role = re.sub(r"^(?:[’']s?\s+)|^(?:company|firm|miner)[’']s\s+", "", role).strip()
            if rx is WHO_HEADS:
                role = "head of " + role
            appointed = rx is APPOINT or (rx is IS_TITLE and re.search(r"\bbecame\b", pm.group(0)))
            when = sentence_date(sentence, ctx.date) if appointed else (None, None)
            if role:
                ex.rel("HOLDS_OFFICE", person, org, sentence, conf, role=role[:1].upper() + role[1:],
                       start_date=when[0], start_text=when[1])  # fmt: skip
                if not ex.entities[person].known and org[0] == "Country" and conf >= WRITE_AT:
                    ex.entities[person].props.setdefault("country", org[1])


# "Minister of Natural Resources": the words after it are the portfolio, not an organisation
PORTFOLIO = re.compile(
    r"\b(?:[Mm]inister|[Ss]ecretary|[Cc]ommissioner)\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w,]*\s+(?:and\s+)?)*$"
)


def _office_org(ctx: Context, sentence: str, refs, pm, span, role, person, *, appoint: bool):  # noqa: ANN001, ANN202
    """(organisation, confidence) of an office: named in the title > 'its'/'the company's' > the appointer."""
    inner = [
        r
        for m, r in refs
        if span[0] <= m.start < span[1] and r != person and not PORTFOLIO.search(sentence[span[0] : m.start])
    ]
    orgs = [r for r in inner if r[0] in ("Company", "Organization")]
    countries = [r for r in inner if r[0] == "Country"]
    company_role = bool(COMPANY_ROLE.search(role))
    if orgs:
        return orgs[0], 0.95
    if appoint:  # "Aurora named Maria Lopez ..." : the organisation just before the verb
        before = [r for m, r in refs if r[0] in ("Company", "Organization") and m.end <= pm.start()]
        if before and pm.start() - max(m.end for m, r in refs if r == before[-1]) < 25:
            return before[-1], 0.9
    if company_role:
        if ctx.topic and re.search(
            r"\b(?:its|the (?:company|firm|miner)[’']s)\s", sentence[span[0] : span[1] + 1], re.I
        ):
            return ctx.topic, 0.9
        named = list(dict.fromkeys(r for m, r in refs if r[0] in ("Company", "Organization")))
        if len(named) == 1 and named[0][0] == "Company":  # the only organisation the sentence names
            return named[0], 0.8
        guess = named[0] if named else ctx.topic
        return (guess, 0.4) if guess else (None, 0.0)
    if countries:
        return countries[0], 0.95
    if person[1] in ctx.person_country:
        return ("Country", ctx.person_country[person[1]]), 0.9
    guess = next((r for m, r in refs if r[0] == "Country"), None)
    return (guess, 0.5) if guess else (None, 0.0)


def _headquarters(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    companies = _of(refs, "Company", "Organization")
    if not companies:
        return
    for bm in MODIFIER.finditer(sentence):
        if bm.group(2) not in ("based", "headquartered"):
            continue
        country, city = _place(ctx, bm.group(1))
        if not country:
            continue
        # "Nordic Rare Metals, an Oslo-based company" (name before) or "Oslo-based Nordic Rare Metals" (after)
        after = [r for m, r in companies if m.start >= bm.end() and m.start - bm.end() < 5]
        before = [r for m, r in companies if m.end <= bm.start()]
        target = after[0] if after else (before[-1] if before else None)
        if target:
            ex.ent("Country", country, sentence)
            ex.rel("HEADQUARTERED_IN", target, ("Country", country), sentence, 0.9, city=city)
            if city:
                ex.entities[target].props.setdefault("hq_city", city)
    for m, r in companies:  # "Serra Verde, a Brazilian miner": the company's nationality is where it is based
        am = DEMONYM_APPOSITION.match(sentence, m.end)
        ent = ctx.index.resolve(am.group(1), ("Country",)) if am else None
        if am and ent and norm_key(am.group(1)) != norm_key(ent.name):
            ex.ent("Country", ent.name, sentence)
            ex.rel("HEADQUARTERED_IN", r, ("Country", ent.name), sentence, 0.85)
    for hm in HQ.finditer(sentence):
        country, city = None, None
        for p in (p for p in hm.groups() if p):
            c, ct = _place(ctx, p)
            if c and ct:
                country, city = c, ct
            elif c:
                country = c
            elif city is None:
                city = p
        before = [r for m, r in companies if m.end <= hm.start()]
        if country and before:
            ex.ent("Country", country, sentence)
            ex.rel("HEADQUARTERED_IN", before[-1], ("Country", country), sentence, 0.9, city=city)
            if city:
                ex.entities[before[-1]].props.setdefault("hq_city", city)


DEMONYM_APPOSITION = re.compile(rf",\s+(?:a|an)\s+([A-Z][a-z]+)\s+(?:[a-z-]+\s+){{0,3}}?{COMPANY_NOUN}\b")


def _place(ctx: Context, place: str) -> tuple[str | None, str | None]:
    """(country, city) of a place name: a country, a capital, or a city of the gazetteer."""
    if ent := ctx.index.resolve(place, ("Country",)):
        return ent.name, None
    key = norm_key(place)
    if key in ctx.capitals:
        return ctx.capitals[key], place
    if key in ctx.gazetteer:
        return ctx.gazetteer[key], place
    return None, None


def _event(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    cm = CALL.search(sentence)
    if not cm:
        return
    people = list(dict.fromkeys(r for m, r in refs if r[0] == "Official"))
    if len(people) < 2:
        return
    scheduled = bool(SCHEDULED.search(sentence))
    date, date_text = sentence_date(sentence, ctx.date, future=scheduled)
    word = cm.group(1).lower()
    etype = (
        "phone call"
        if "call" in word or "phone" in sentence.lower() or "spoke" in word
        else ("summit" if word == "summit" else "meeting")
    )
    dur = DURATION.search(sentence)
    duration = None
    if dur:
        n = dur.group(1).lower()
        duration = f"{NUMBERS.get(n, n)} {dur.group(2).lower()}s"
    local = f"event:{len(ex.events) + 1}"
    ex.events[local] = {
        "event_type": etype,
        "date": date,
        "date_text": date_text,
        "duration": duration,
        "description": sentence,
        "participants": people,
        "scheduled": scheduled,
        "location": next(iter(re.findall(r"\bin ([A-Z][a-z]+(?: [A-Z][a-z]+)*)", sentence)), None),
    }
    note = "scheduled" + (f" ({date_text.strip()})" if date_text else "") if scheduled else None
    for p in people:
        ex.rel("PARTICIPATED_IN", p, ("Event", local), sentence, note=note)


def _event_reference(ex: Extraction, sentence: str, refs, em: re.Match, local: str) -> None:  # noqa: ANN001
    """'Japan initiated the conversation': a country or person that is the subject takes part in the last event."""
    verbs = r"\b(initiated|requested|held|joined|attended|hosted|arranged|sought|asked for|proposed)\b"
    for m, r in refs:
        party = r[0] in ("Country", "Official", "Company", "Organization") and m.end <= em.start()
        if party and re.search(verbs, sentence[m.end : em.start()], re.I):
            ex.rel("PARTICIPATED_IN", r, ("Event", local), sentence)


def _minerals_in(refs) -> list[tuple[str, str]]:  # noqa: ANN001
    """Minerals a sentence names; 'rare earth elements, holmium, erbium' covers the elements, not the group."""
    found = list(dict.fromkeys(r for m, r in refs if r[0] == "Mineral"))
    specific = [r for r in found if not r[1].startswith(GROUP)]
    if specific and all(r[1] in RARE_EARTH_ELEMENTS for r in specific):
        return specific
    return found


def _export_control(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    em = EXPORT.search(sentence)
    if not em:
        return
    countries = _of(refs, "Country")
    enact = [r for m, r in countries if m.end <= em.start()]
    if not enact:
        return
    enacting = enact[-1]
    targets = [
        r
        for m, r in countries
        if m.start >= em.end() and re.search(r"\b(?:to|on|against|for)\s+(?:the\s+)?$", sentence[: m.start][-15:])
    ]
    minerals = _minerals_in(refs)
    date, date_text = sentence_date(sentence, ctx.date)
    count = re.search(r"\b(\w+)\s+(?:rare[- ]earth|minerals|elements|metals)", sentence[em.end() :], re.I)
    local = f"policy:{len(ex.policies) + 1}"
    ex.policies[local] = {
        "category": "export_control",
        "policy_type": "export restriction",
        "date_announced": date,
        "date_text": date_text,
        "description": sentence,
        "minerals_text": count.group(0) if count else None,
        "enacting": enacting,
        "minerals": minerals,
        "name": f"{enacting[1]} export restriction" + (f" ({date})" if date else ""),
    }
    ex.rel("ENACTED", enacting, ("Policy", local), sentence)
    for m, r in _of(refs, "Organization"):  # "China's Ministry of Commerce announced export controls"
        if m.end <= em.start():
            ex.rel("ENACTED", r, ("Policy", local), sentence)
    for t in targets:
        if t != enacting:
            ex.rel("TARGETS", ("Policy", local), t, sentence)
    for mineral in minerals:
        ex.rel("COVERS", ("Policy", local), mineral, sentence)


def _proposal(ctx: Context, ex: Extraction, sentence: str, refs, counterpart) -> None:  # noqa: ANN001
    pm = PROPOSE.search(sentence)
    if not pm or EXPORT.search(sentence):
        return
    countries = _of(refs, "Country")
    prep = re.compile(r"\b(?:with|to|for|in|from|of|on)\s+(?:the\s+)?$")
    # the proposer: a country subject before the verb ("Japan plans to propose"), one after it that is
    # itself a subject ("He suggested Japan might ..."), or the speaker's country
    before = [r for m, r in countries if m.end <= pm.start() and not prep.search(sentence[: m.start][-12:])]
    after = [
        r
        for m, r in countries
        if m.start >= pm.end() and re.match(r"\s+(?:might|may|would|could|will|should|can|to)\b", sentence[m.end :])
    ]
    proposer = next(iter(before or after), None)
    if proposer is None:
        people = _of(refs, "Official")
        if people and people[0][1][1] in ctx.person_country:
            proposer = ("Country", ctx.person_country[people[0][1][1]])
    if proposer is None:
        return
    others = [r for m, r in countries if r != proposer]
    target = others[0] if others else counterpart.get(proposer[1])
    if target is None:
        return
    counterpart[proposer[1]] = target
    minerals = _minerals_in(refs)
    topic = re.sub(r"\s+", " ", sentence[pm.end() :]).strip(" .")
    local = f"policy:{len(ex.policies) + 1}"
    ex.policies[local] = {
        "category": "agreement",
        "policy_type": "proposal",
        "status": "proposed",
        "description": sentence,
        "enacting": proposer,
        "minerals": minerals,
        "scope": target[1],
        "name": f"{proposer[1]} proposal to {target[1]}: {_clip(topic, 80)}",
    }
    ex.rel("ENACTED", proposer, ("Policy", local), sentence)
    ex.rel("TARGETS", ("Policy", local), target, sentence)
    for mineral in minerals:
        ex.rel("COVERS", ("Policy", local), mineral, sentence)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "..."


FUTURE = re.compile(
    r"\b(?:will|would|plans? to|planned|planning to|intends? to|aims? to|is to|are to|expects? to|is set to|are set to"
    r"|from (?:19|20)\d\d|next year|is expected to|agreed to)\b",
    re.I,
)
OFFTAKE = re.compile(
    r"\b(offtake|off-take|supply|purchase|sales|delivery)\s+(agreement|deal|contract|pact|memorandum)\b", re.I
)
BUYER = re.compile(r"\b(?:customer|buyer|offtaker|off-taker)s?\b", re.I)
MONEY = re.compile(
    r"(US\$|A\$|C\$|AU\$|CA\$|\$|€|£|¥|USD|EUR|AUD|CAD|GBP|JPY|SAR)\s?(\d[\d,]*(?:\.\d+)?)\s*(million|billion|bn|mn|m|b)?\b"
    r"|(\d[\d,]*(?:\.\d+)?)\s*(million|billion)\s+(dollars|euros|yen|pounds|riyals)",
    re.I,
)
CURRENCY = {"us$": "USD", "$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD",
            "cad": "CAD", "€": "EUR", "eur": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pounds": "GBP",
            "¥": "JPY", "jpy": "JPY", "yen": "JPY", "dollars": "USD", "sar": "SAR", "riyals": "SAR"}  # fmt: skip
SCALE = {"million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}


def money(sentence: str) -> dict[str, Any]:
    """{'amount': 50000000.0, 'currency': 'USD', 'amount_text': '$50 million'} of the first sum a sentence names."""
    m = MONEY.search(sentence)
    if not m:
        return {}
    if m.group(2):
        cur, num, scale = m.group(1), m.group(2), m.group(3)
    else:
        num, scale, cur = m.group(4), m.group(5), m.group(6)
    value = float(num.replace(",", "")) * SCALE.get((scale or "").lower(), 1)
    return {"amount": value, "currency": CURRENCY.get(cur.lower(), cur.upper()), "amount_text": m.group(0).strip()}


def _timing(ctx: Context, sentence: str) -> dict[str, Any]:
    """status 'planned' for a future fact; the date it names, resolved against the article's date."""
    future = bool(FUTURE.search(sentence))
    date, date_text = sentence_date(sentence, ctx.date, future=future)
    out: dict[str, Any] = {"status": "planned" if future else None, "date": date, "date_text": date_text}
    return out


def _after(sentence: str, start: int, preps: str) -> bool:
    """Whether a mention at `start` follows one of `preps` ('to|with'), place modifiers allowed between."""
    head = sentence[max(0, start - 60) : start]
    return bool(re.search(rf"\b(?:{preps})\s+(?:the\s+)?(?:[A-Z][\w.]*-(?:based|headquartered|listed)\s+)?$", head))


def _mineral_names(refs) -> list[str]:  # noqa: ANN001
    return [r[1] for r in _minerals_in(refs)]


def _agreement_supply(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    parties = _parties(sentence, refs, "Company", "Organization", "Country")
    extra = {"minerals": _mineral_names(refs) or None, **_timing(ctx, sentence)}
    sm = SUPPLY.search(sentence)
    noun = sm and re.match(r"\s+(?:agreement|deal|contract|pact|memorandum)\b", sentence[sm.end() :])
    if sm and not noun and len(parties) >= 2:  # "a supply agreement with B" says nothing of direction
        before = [r for m, r in parties if m.end <= sm.start()]
        after = [r for m, r in parties if m.start >= sm.end() and _after(sentence, m.start, "to|with|for")]
        if before and after:
            ex.rel("SUPPLIES", before[-1], after[0], sentence, 0.85, detail=sentence, **extra)
    if bm := BUY.search(sentence):  # "the United States would keep buying rare earths from Australia"
        buyers = [r for m, r in parties if m.end <= bm.start()]
        sellers = [r for m, r in parties if m.start >= bm.end() and _after(sentence, m.start, "from")]
        if buyers and sellers:
            ex.rel("SUPPLIES", sellers[0], buyers[-1], sentence, 0.85, detail=sentence, **extra)
    if om := OFFTAKE.search(sentence):  # "A signed an offtake agreement with B": A sells, B buys
        before = [r for m, r in parties if m.end <= om.start()]
        after = [r for m, r in parties if m.start >= om.end() and _after(sentence, m.start, "with")]
        if before and after and om.group(1).lower() in ("offtake", "off-take"):
            ex.rel("SUPPLIES", before[0], after[0], sentence, 0.85, detail=sentence, **extra)
        elif before and after and om.group(1).lower() != "purchase":  # "a supply agreement with B": either way
            ex.rel("SUPPLIES", before[0], after[0], sentence, 0.5, detail=sentence, **extra)
        elif before and after:  # "A signed a purchase agreement with B": A buys from B
            ex.rel("SUPPLIES", after[0], before[0], sentence, 0.8, detail=sentence, **extra)
    if (cm := BUYER.search(sentence)) and len(parties) >= 2:  # "B, a customer of A" / "A named B as a buyer"
        before = [r for m, r in parties if m.end <= cm.start()]
        after = [r for m, r in parties if m.start >= cm.end() and re.search(r"\bof\s+$", sentence[: m.start][-4:])]
        if before and after:
            ex.rel("SUPPLIES", after[0], before[-1], sentence, 0.6, detail=sentence, **extra)
    am = AGREEMENT.search(sentence)
    if am and len(parties) >= 2:
        before = [r for m, r in parties if m.end <= am.start()]
        after = [r for m, r in parties if m.start >= am.start()]
        if not before or not after:
            return
        _agreement_policy(ex, sentence, am, before[0], after[0], refs, supply=bool(sm or OFFTAKE.search(sentence)))


def _agreement_policy(ex: Extraction, sentence: str, am: re.Match, first, other, refs, *, supply: bool) -> None:  # noqa: ANN001
    """An agreement as a Policy: enacted by the first party, targeting (or involving) the other, covering its minerals."""
    local = f"policy:{len(ex.policies) + 1}"
    kind = am.group(2).lower()
    minerals = _minerals_in(refs)
    ex.policies[local] = {
        "category": "agreement",
        "policy_type": ("supply " if supply else "") + ("MoU" if kind in ("memorandum", "mou") else kind),
        "status": "signed" if am.group(1).lower() in ("signed", "concluded", "struck") else "announced",
        "description": sentence,
        "enacting": first,
        "minerals": minerals,
        "name": f"{first[1]} – {other[1]} {kind}",
    }
    ex.rel("ENACTED", first, ("Policy", local), sentence)
    if other[0] in ("Company", "Country"):
        ex.rel("TARGETS", ("Policy", local), other, sentence)
    else:
        ex.rel("INVOLVES", ("Policy", local), other, sentence)
    for mineral in minerals:
        ex.rel("COVERS", ("Policy", local), mineral, sentence)


PLURAL_SUBJECT = re.compile(
    r"\b[Tt]he\s+(?:two\s+|both\s+)?(?:ministers|leaders|sides|governments|delegations|countries)\b"
)


def _countries_of(ctx: Context, ex: Extraction, people: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The countries people serve, from this article's offices or the graph's; [] unless every one is known."""
    out = []
    for p in people:
        office = next((r.end for r in ex.rels if r.type == "HOLDS_OFFICE" and r.start == p and r.end[0] == "Country"
                       and r.confidence >= WRITE_AT), None)  # fmt: skip
        country = office or (("Country", ctx.person_country[p[1]]) if p[1] in ctx.person_country else None)
        if country is None:
            return []
        out.append(country)
    return list(dict.fromkeys(out))


def _joint_signing(ex: Extraction, sentence: str, refs, signatories: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """'The two ministers signed a memorandum on ...': an agreement of the last meeting's two countries."""
    am = AGREEMENT.search(sentence)
    sm = PLURAL_SUBJECT.search(sentence)
    if not (am and sm and sm.end() <= am.start() and len(signatories) == 2):
        return
    if len(_of(refs, "Company", "Organization", "Country")) >= 2 or re.search(r"\bto\s+$", sentence[: sm.start()]):
        return  # the sentence names its own parties, or the plural is an object ("welcomed by the ministers")
    _agreement_policy(ex, sentence, am, signatories[0], signatories[1], refs, supply=False)


RECEIVE = re.compile(r"\b(?:receive[sd]?|secured?|won|wins|obtain(?:ed)?|raised?|got|landed)\b", re.I)


def _investment(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    im = INVEST.search(sentence)
    if not im:
        return
    parties = _parties(sentence, refs, "Company", "Organization", "Country")
    extra = {**money(sentence), **_timing(ctx, sentence)}
    kind = next((k for k in ("loan", "grant", "equity", "stake", "bond") if k in sentence.lower()), None)
    investors = [r for m, r in parties if m.end <= im.start()]
    investees = [
        r
        for m, r in parties
        if r[0] == "Company" and m.start >= im.end() and _after(sentence, m.start, "in|to|into|for")
    ]
    place = re.search(
        r"\b(?:plant|refinery|facility|factory|mine|project)\s+(?:in|at|near)\s+([A-Z][\w-]+(?:\s[A-Z][\w-]+)*)",
        sentence,
    )
    extra["place"] = place.group(1) if place else None
    if investors and investees:
        ex.rel("INVESTS_IN", investors[-1], investees[0], sentence, 0.85, detail=sentence, kind=kind, **extra)
        return
    rm = RECEIVE.search(sentence)  # "Aurora secured a $40 million loan from the Export-Import Bank"
    if rm and rm.start() < im.end() + 40:
        takers = [r for m, r in parties if r[0] == "Company" and m.end <= rm.start()]
        givers = [r for m, r in parties if m.start >= im.start() and _after(sentence, m.start, "from")]
        if takers and givers:
            ex.rel("INVESTS_IN", givers[0], takers[-1], sentence, 0.85, detail=sentence, kind=kind, **extra)


def _partnership(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    orgs = _of(refs, "Company", "Organization")
    place = re.search(
        r"\b(?:plant|refinery|facility|factory|mine|hub|project)\s+(?:in|at|near)\s+([A-Z][\w-]+(?:\s[A-Z][\w-]+)*)",
        sentence,
    )
    extra = {"place": place.group(1) if place else None, **_timing(ctx, sentence)}
    if pm := PARTNER.search(sentence):
        before = [r for m, r in orgs if m.end <= pm.start()]
        after = [r for m, r in orgs if m.start >= pm.end()]
        if before and after:
            ex.rel("PARTNERS_WITH", before[-1], after[0], sentence, 0.85, detail=sentence, **extra)
            return
    # "A and B agreed to form a joint venture", "A, a Finnish group, and B announced the formation of a 50:50
    # joint venture", "A and B will jointly build"
    if jm := JOINT.search(sentence):
        pairs = [(m, r) for m, r in orgs if m.end <= jm.start()]
        if len(pairs) >= 2 and AND_BETWEEN.fullmatch(sentence[pairs[0][0].end : pairs[1][0].start]):
            ex.rel("PARTNERS_WITH", pairs[0][1], pairs[1][1], sentence, 0.85, detail=sentence, **extra)
            return
    # "the agreement between JOGMEC and IREL to study a separation project" (not a supply deal: that has a direction)
    if bm := re.search(r"\b(agreement|partnership|alliance|collaboration|cooperation|venture)\s+between\s+", sentence):
        if OFFTAKE.search(sentence[max(0, bm.start() - 20) : bm.end()]):
            return
        pairs = [(m, r) for m, r in orgs if m.start >= bm.end()]
        if (
            len(pairs) >= 2
            and pairs[0][0].start == bm.end()
            and AND_BETWEEN.fullmatch(sentence[pairs[0][0].end : pairs[1][0].start])
        ):
            ex.rel("PARTNERS_WITH", pairs[0][1], pairs[1][1], sentence, 0.85, detail=sentence, **extra)


JOINT = re.compile(
    r"\b(?:form(?:ed|s|ing)?|formation of|set up|setting up|create[ds]?|creation of|establish(?:ed|es)?|"
    r"establishment of|launch(?:ed|es)?)\s+(?:a|an|the)\s+(?:new\s+)?(?:\d+(?::|-|/)\d+\s+)?joint venture\b|\bjointly\b"
)
AND_BETWEEN = re.compile(
    r"(?:,?\s+(?:Corp\.?|Inc\.?|Ltd\.?|Limited|plc|LLC|AG|AS|ASA|AB|Oy|SpA|BV|GmbH|Pty))?(?:,\s+(?:a|an|the)\s+[^,]{1,60},)?"
    r"\s+and\s+"
)

VERB_STAGE = (
    (r"min(?:es|ed|e)", "mining"),
    (r"refin\w*|separat\w*|process\w*", "separation/refining"),
    (r"recycl\w*", "recycling"),
)
CLAUSE_VERB = re.compile(
    r"\b(mines|mined|refines|refined|separates|separated|processes|processed|produces|produced|makes|made|"
    r"recycles|recycled|(?:plans|aims|intends|will|wants) to (?:mine|refine|separate|process|produce|make|recycle)|"
    r"(?:mine|refine|separate|process|produce|make|recycle))\b",
    re.I,
)


def _stages(ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    """Stages a company works in, only from its own verbs: 'X mines rare earths ... and plans to refine them'."""
    companies = _of(refs, "Company")
    if not companies:
        return
    m0, company = companies[0]
    nouns = {"miner": "mining", "refiner": "separation/refining", "magnet maker": "magnet making",
             "magnet manufacturer": "magnet making", "recycler": "recycling", "processor": "separation/refining"}  # fmt: skip
    if am := re.match(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(miner|refiner|magnet maker|magnet manufacturer|recycler|processor)\b",
                      sentence[m0.end :]):  # fmt: skip
        ex.ent("Stage", nouns[am.group(1)], sentence)
        ex.rel("ACTIVE_IN", company, ("Stage", nouns[am.group(1)]), sentence, 0.85, detail=sentence)
    if re.match(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:maker|manufacturer|producer)\s+of\s+(?:[\w-]+\s+){0,3}?magnets\b",
                sentence[m0.end :]):  # fmt: skip
        ex.ent("Stage", "magnet making", sentence)
        ex.rel("ACTIVE_IN", company, ("Stage", "magnet making"), sentence, 0.85, detail=sentence)
    pm = re.search(r"\bto (?:make|produce|manufacture)\s+(?:[\w-]+\s+){0,2}magnets\b", sentence)
    others = [m for m, r in companies[1:] if pm and m.end <= pm.start() and r != company]
    if pm and m0.start < pm.start() and all(re.search(r"\bwith\s+$", sentence[: m.start]) for m in others):
        ex.ent("Stage", "magnet making", sentence)
        ex.rel("ACTIVE_IN", company, ("Stage", "magnet making"), sentence, 0.8, detail=sentence)
    gap = sentence[m0.end :]
    first = re.match(r"(?:,\s+(?:a|an|the)\s+[^,]{1,60},)?\s+(?:(?:also|now|already|currently|still|which)\s+)?", gap)
    start = m0.end + (first.end() if first else 0)
    vm = CLAUSE_VERB.match(sentence, start)
    if not vm or not re.search(r"s$|ed$|made$", vm.group(1).split()[0]):  # a finite verb of the subject
        return
    # this clause and the ones joined to it by "and": up to the next company or the end of the sentence
    stop = min([m.start for m, r in companies if m.start > vm.end()] + [len(sentence)])
    clause = sentence[vm.start() : stop]
    for verb in CLAUSE_VERB.finditer(clause):
        word = verb.group(1).split()[-1].lower()
        obj = clause[verb.end() : verb.end() + 60].split(" and ")[0]
        stage = next((st for rx, st in VERB_STAGE if re.fullmatch(rx, word)), None)
        if stage is None and re.match(r"produc|make|made", word):
            stage = next((st for st in ("magnet making", "metal/alloy") if re.search(STAGES[st], obj, re.I)), None)
        if stage:
            ex.ent("Stage", stage, sentence)
            ex.rel("ACTIVE_IN", company, ("Stage", stage), sentence, 0.85, detail=sentence)
