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

from graph.resolve import COMMON_WORDS, EntityIndex
from graph.text import MONTH_RE, MONTHS, norm_key, parse_date
from ingest.vocab import STAGES

GROUP = "Rare earths"
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}
ABBREV = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Inc|Corp|Ltd|Co|No|St|Gen|Sen|Rep|Jr|Sr)\.)$")
SENT_START = re.compile(r"\s+(?=[\"“‘(]?[A-Z0-9])")

COMPANY_SUFFIX = (
    r"(?:Rare\s+Earths?|Rare\s+Metals|Metals|Materials|Resources|Magnetics|Minerals|Mining|Corp(?:oration)?\.?"
    r"|Ltd\.?|Limited|Inc\.?|Holdings|Group|AS|ASA|AB|GmbH|PLC|plc)"
)
CAP_WORD = r"(?:[A-Z][A-Za-z0-9&'’-]*|of|and|&)"
COMPANY_RE = re.compile(rf"\b((?:[A-Z][A-Za-z0-9&'’-]*\s+)(?:{CAP_WORD}\s+){{0,3}}{COMPANY_SUFFIX})(?![A-Za-z])")
TITLE_WORDS = (
    r"(?:[Cc]hief [Ee]xecutive(?: [Oo]fficer)?|CEO|[Cc]hairman|[Cc]hairwoman|[Pp]resident|[Pp]rime [Mm]inister"
    r"|[Vv]ice [Pp]remier|[Mm]inister|[Ss]ecretary|[Mm]anaging [Dd]irector|[Ff]ounder|[Tt]rade [Rr]epresentative)"
)
PERSON = r"([A-Z][a-z]+(?:[- ][A-Z][a-z'’]+){1,2})"
# "economic revitalization minister Ryosei Akazawa", "U.S. Treasury Secretary Scott Bessent", "CEO Ingrid Solberg"
TITLE_BEFORE = re.compile(
    rf"((?:(?:[A-Z]\.){{2,}}\s+|[A-Z][a-z]+\s+|[a-z]+\s+){{0,3}}{TITLE_WORDS})\s+{PERSON}(?![A-Za-z])"
)
# "Ingrid Solberg, chief executive of Nordic Rare Metals," / "Ingrid Solberg, the company's CEO"
TITLE_AFTER = re.compile(
    rf"{PERSON},\s+(?:the\s+|its\s+|[A-Z][\w’'&. ]+?[’']s\s+)?((?:[a-z]+\s+){{0,2}}{TITLE_WORDS}(?:\s+of\s+[A-Z][\w&. ]+?)?)(?=[,.;]|\s+(?:said|says|told))"
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
IN_MONTH = re.compile(rf"\b(?:in|since|from|on|early|late|mid-?)\s+{MONTH_RE}\b(?!\s+\d)", re.I)

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
INVEST = re.compile(r"\b(invest\w*|stake in|loan\w*|financ\w*|fund(?:ed|ing|s)?)\b", re.I)
PARTNER = re.compile(r"\b(joint venture|partnership|partner(?:ed|s)?)\s+with\b", re.I)
BASED = re.compile(r"\b([A-Z][A-Za-z]+(?:\s[A-Z][a-z]+)?)-based\b")
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


@dataclass
class Rel:
    type: str
    start: tuple[str, str]  # (label, name) or ("Policy"|"Event", local id)
    end: tuple[str, str]
    props: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""


@dataclass
class Extraction:
    entities: dict[tuple[str, str], Ent] = field(default_factory=dict)
    rels: list[Rel] = field(default_factory=list)
    # local Policy / Event drafts: id -> props (+ "participants" / "enacting" / "minerals" for matching)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ent(self, label: str, name: str, sentence: str, *, known: bool = True, **props: Any) -> tuple[str, str]:
        ref = (label, name)
        cur = self.entities.get(ref)
        if cur is None:
            self.entities[ref] = Ent(label, name, known, {k: v for k, v in props.items() if v}, sentence)
        else:
            for k, v in props.items():
                if v and k not in cur.props:
                    cur.props[k] = v
        return ref

    def rel(self, type_: str, start: tuple[str, str], end: tuple[str, str], sentence: str, **props: Any) -> None:
        if start == end:
            return
        for r in self.rels:
            if (r.type, r.start, r.end, r.props.get("role")) == (type_, start, end, props.get("role")):
                return
        self.rels.append(Rel(type_, start, end, {k: v for k, v in props.items() if v}, sentence))


@dataclass
class Context:
    """What the extractor knows about the graph: names, capitals, people's countries and offices."""

    index: EntityIndex
    capitals: dict[str, str] = field(default_factory=dict)  # norm city -> country
    person_country: dict[str, str] = field(default_factory=dict)
    date: str | None = None  # article date (ISO)


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


def new_entities(ctx: Context, sentence: str, known: list[M]) -> list[M]:
    """Companies from suffixes ('Nordic Rare Metals'), people from titles ('CEO Ingrid Solberg')."""
    out: list[M] = []

    def free(s: int, e: int) -> bool:
        return not any(m.start < e and s < m.end for m in known + out)

    for cm in COMPANY_RE.finditer(sentence):
        name = re.sub(r"[’']s$", "", cm.group(1)).strip().rstrip(".")
        words = name.split()
        while words and (words[0] in NOT_A_NAME or words[0].lower() in COMMON_WORDS):
            words = words[1:]
        name = " ".join(words)
        start = cm.end(1) - len(name) if cm.group(1).endswith(name) else cm.start(1)
        if len(words) < 2 or not free(start, cm.end(1)):
            continue
        if ctx.index.resolve(name, ("Company", "Organization"), fuzzy=True):
            ent = ctx.index.resolve(name, ("Company", "Organization"), fuzzy=True)
            out.append(M(ent.label, ent.name, start, cm.end(1)))
            continue
        out.append(M("Company", name, start, cm.end(1), known=False))
    for rx, grp in ((TITLE_BEFORE, 2), (TITLE_AFTER, 1)):
        for pm in rx.finditer(sentence):
            name = pm.group(grp)
            if name.split()[0] in NOT_A_NAME or not free(pm.start(grp), pm.end(grp)):
                continue
            ent = ctx.index.resolve(name, ("Official",))
            if ent:
                out.append(M("Official", ent.name, pm.start(grp), pm.end(grp)))
            elif not ctx.index.resolve(name):
                out.append(M("Official", name, pm.start(grp), pm.end(grp), known=False))
    return out


# -- the extractor -------------------------------------------------------------------------------
def extract(ctx: Context, body: str) -> Extraction:
    ex = Extraction()
    body = body.translate(QUOTES)
    last_person: tuple[str, str] | None = None
    last_company: tuple[str, str] | None = None
    counterpart: dict[str, tuple[str, str]] = {}  # proposing country -> last counterpart named
    for sentence in split_sentences(body):
        found = mentions(ctx, sentence)
        found = sorted(found + new_entities(ctx, sentence, found), key=lambda m: m.start)
        refs: list[tuple[M, tuple[str, str]]] = []
        for m in found:
            props = {}
            if not m.known and m.label == "Official":
                props["person_type"] = (
                    "company" if re.search(r"chief|ceo|founder|director|chair", sentence, re.I) else None
                )
            refs.append((m, ex.ent(m.label, m.name, sentence, known=m.known, **props)))
        pron = PRONOUN.match(sentence)
        if pron and last_person:
            refs.insert(0, (M("Official", last_person[1], pron.start(1), pron.end(1)), last_person))
        _offices(ctx, ex, sentence, refs, last_company)
        _headquarters(ctx, ex, sentence, refs)
        n_events = len(ex.events)
        _event(ctx, ex, sentence, refs)
        if len(ex.events) == n_events and ex.events and (em := EVENT_REF.search(sentence)):
            _event_reference(ex, sentence, refs, em, f"event:{len(ex.events)}")
        _export_control(ctx, ex, sentence, refs)
        _proposal(ctx, ex, sentence, refs, counterpart)
        _agreement_supply(ex, sentence, refs)
        _investment(ex, sentence, refs)
        _partnership(ex, sentence, refs)
        _stages(ex, sentence, refs)
        people = [r for m, r in refs if r[0] == "Official"]
        if people:
            last_person = people[-1]
        companies = [r for m, r in refs if r[0] in ("Company", "Organization")]
        if companies:
            last_company = companies[0]
    return ex


def _of(refs, *labels: str) -> list[tuple[M, tuple[str, str]]]:  # noqa: ANN001
    return [(m, r) for m, r in refs if r[0] in labels]


def _offices(ctx: Context, ex: Extraction, sentence: str, refs, subject=None) -> None:  # noqa: ANN001
    for rx, name_grp, role_grp in ((TITLE_BEFORE, 2, 1), (TITLE_AFTER, 1, 2)):
        for pm in rx.finditer(sentence):
            person = next((r for m, r in refs if r[0] == "Official" and m.start == pm.start(name_grp)), None)
            if person is None:
                continue
            role = re.sub(r"\s+", " ", pm.group(role_grp)).strip()
            title = re.search(TITLE_WORDS + "$", role) if rx is TITLE_BEFORE else None
            if title and title.group(0)[:1].isupper():  # "the idea to President" -> "President"
                words = role[: title.start()].split()
                while words and not words[0][:1].isupper():
                    words = words[1:]
                role = " ".join([*words, title.group(0)])
            role = re.sub(r"^(?:(?:the|its|and|with|to|by|of|said|meet|met|call|called|told)\s+)+", "", role)
            org = None
            inner = [r for m, r in refs if pm.start(role_grp) <= m.start < pm.end(role_grp)]
            orgs = [r for r in inner if r[0] in ("Company", "Organization")]
            countries = [r for r in inner if r[0] == "Country"]
            if orgs:
                org = orgs[0]
            elif re.search(r"chief|ceo|founder|director|chair", role, re.I):
                org = subject if subject and subject[0] == "Company" else None
                org = org or next((r for m, r in refs if r[0] == "Company"), None)
            elif countries:
                org = countries[0]
            elif person[1] in ctx.person_country:
                org = ("Country", ctx.person_country[person[1]])
            else:
                org = next((r for m, r in refs if r[0] == "Country"), None)
            if org is None:
                continue
            for m, r in refs:  # drop the org's own name from the role text: "U.S. Treasury Secretary"
                if r == org and pm.start(role_grp) <= m.start < pm.end(role_grp):
                    role = role.replace(sentence[m.start : m.end], "").strip(" ,’'s")
            role = re.sub(r"^(?:[’']s\s+)", "", role).strip()
            if role:
                ex.rel("HOLDS_OFFICE", person, org, sentence, role=role[:1].upper() + role[1:])
                if not ex.entities[person].known and org[0] == "Country":
                    ex.entities[person].props.setdefault("country", org[1])


def _headquarters(ctx: Context, ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    companies = _of(refs, "Company", "Organization")
    if not companies:
        return
    for bm in BASED.finditer(sentence):
        place = bm.group(1)
        country = ctx.capitals.get(norm_key(place))
        city = place if country else None
        if not country:
            ent = ctx.index.resolve(place, ("Country",))
            country = ent.name if ent else None
        if not country:
            continue
        # "Nordic Rare Metals, an Oslo-based company" (name before) or "Oslo-based Nordic Rare Metals" (after)
        after = [r for m, r in companies if m.start >= bm.end() and m.start - bm.end() < 5]
        before = [r for m, r in companies if m.end <= bm.start()]
        target = after[0] if after else (before[-1] if before else None)
        if target and target[0] in ("Company", "Organization"):
            ex.rel("HEADQUARTERED_IN", target, ("Country", country), sentence, city=city)
            ex.ent("Country", country, sentence)
            if city:
                ex.entities[target].props.setdefault("hq_city", city)
    for hm in HQ.finditer(sentence):
        places = [p for p in hm.groups() if p]
        country, city = None, None
        for p in places:
            if c := ctx.capitals.get(norm_key(p)):
                country, city = c, p
            elif ent := ctx.index.resolve(p, ("Country",)):
                country = ent.name
            elif city is None:
                city = p
        before = [r for m, r in companies if m.end <= hm.start()]
        if country and before:
            ex.rel("HEADQUARTERED_IN", before[-1], ("Country", country), sentence, city=city)
            if city:
                ex.entities[before[-1]].props.setdefault("hq_city", city)


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
    return specific or found


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
    proposer = (before or after or [None])[0]
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


def _agreement_supply(ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    parties = _of(refs, "Company", "Organization", "Country")
    sm = SUPPLY.search(sentence)
    if sm and len(parties) >= 2:
        before = [r for m, r in parties if m.end <= sm.start()]
        after = [
            r
            for m, r in parties
            if m.start >= sm.end() and re.search(r"\b(?:to|with)\s+(?:the\s+)?$", sentence[: m.start][-10:])
        ]
        if before and after:
            ex.rel("SUPPLIES", before[0], after[0], sentence, detail=sentence)
    if bm := BUY.search(sentence):  # "the United States would keep buying rare earths from Australia"
        buyers = [r for m, r in parties if m.end <= bm.start()]
        sellers = [
            r
            for m, r in parties
            if m.start >= bm.end() and re.search(r"\bfrom\s+(?:the\s+)?$", sentence[: m.start][-10:])
        ]
        if buyers and sellers:
            ex.rel("SUPPLIES", sellers[0], buyers[-1], sentence, detail=sentence)
    am = AGREEMENT.search(sentence)
    if am and len(parties) >= 2:
        before = [r for m, r in parties if m.end <= am.start()]
        after = [r for m, r in parties if m.start >= am.start()]
        if not before or not after:
            return
        local = f"policy:{len(ex.policies) + 1}"
        kind = am.group(2).lower()
        minerals = _minerals_in(refs)
        ex.policies[local] = {
            "category": "agreement",
            "policy_type": ("supply " if sm else "") + ("MoU" if kind in ("memorandum", "mou") else kind),
            "status": "signed" if am.group(1).lower() in ("signed", "concluded", "struck") else "announced",
            "description": sentence,
            "enacting": before[0],
            "minerals": minerals,
            "name": f"{before[0][1]} – {after[0][1]} {kind}",
        }
        ex.rel("ENACTED", before[0], ("Policy", local), sentence)
        other = after[0]
        if other[0] in ("Company", "Country"):
            ex.rel("TARGETS", ("Policy", local), other, sentence)
        else:
            ex.rel("INVOLVES", ("Policy", local), other, sentence)
        for mineral in minerals:
            ex.rel("COVERS", ("Policy", local), mineral, sentence)


def _investment(ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    im = INVEST.search(sentence)
    if not im:
        return
    parties = _of(refs, "Company", "Organization", "Country")
    investors = [r for m, r in parties if m.end <= im.start()]
    investees = [
        r
        for m, r in parties
        if r[0] == "Company"
        and m.start >= im.end()
        and re.search(r"\b(?:in|to|into|for)\s+(?:the\s+)?$", sentence[: m.start][-10:])
    ]
    if investors and investees:
        ex.rel("INVESTS_IN", investors[-1], investees[0], sentence, detail=sentence)


def _partnership(ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    pm = PARTNER.search(sentence)
    if not pm:
        return
    orgs = _of(refs, "Company", "Organization")
    before = [r for m, r in orgs if m.end <= pm.start()]
    after = [r for m, r in orgs if m.start >= pm.end()]
    if before and after:
        ex.rel("PARTNERS_WITH", before[-1], after[0], sentence, detail=sentence)


def _stages(ex: Extraction, sentence: str, refs) -> None:  # noqa: ANN001
    companies = _of(refs, "Company")
    pm = PRODUCE.search(sentence)
    if not companies or not pm or not [m for m, r in companies if m.end <= pm.start()]:
        return
    rest = sentence[pm.start() :]
    for stage, rx in STAGES.items():
        if stage in ("trading", "investment", "stockpiling", "customer", "materials"):
            continue
        if re.search(rx, rest, re.I) or (stage == "mining" and re.match(r"mine|mined|mining", pm.group(1), re.I)):
            if stage == "separation/refining" and not re.search(r"refin|separat|process", pm.group(1) + rest, re.I):
                continue
            company = [r for m, r in companies if m.end <= pm.start()][0]  # the sentence's subject
            ex.ent("Stage", stage, sentence)
            ex.rel("ACTIVE_IN", company, ("Stage", stage), sentence, detail=sentence)
