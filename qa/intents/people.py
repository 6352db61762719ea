"""Offices held over time, and the calls, meetings and signings people took part in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from graph.text import DURATION_RE, duration_minutes
from qa.frame import (
    PERSON_ORG,
    Frame,
    match_words,
    text_filter,
    translation,
)
from qa.lexicon import (
    EVENT_WORDS,
    OFFICE_WORDS,
    ROLE_IGNORE,
    ROLE_SYNONYMS,
    ROLE_VARIANTS,
    STOP,
    words,
)
from qa.phrase import join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator


def intent_office(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Who is the CEO of MP Materials?', 'Who was Japan's prime minister in June 2025?', 'What office does X hold?'."""
    people = f.ents("Official")
    if people and (
        f.has({"role", "office", "position", "job", "title", "work", "works", "worked", "employer", "employed"})
        or re.match(r"^(who|what) (is|was) \S+( \S+)?$", f.text)
    ):
        cy = ("MATCH (o:Official {name: $name})-[r:HOLDS_OFFICE]->(x) RETURN o.name AS person, r.role AS role, x.name AS organisation, "
              "r.start_date AS start_date, r.end_date AS end_date, r.sources AS _src, o AS _o, r AS _r, x AS _x ORDER BY start_date")  # fmt: skip
        return translation(cy, {"name": people[0].entity.name}, "offices_of", 0.85,
                  lambda rows: f"{rows[0]['person']}: " + "; ".join(f"{r['role']} ({r['organisation']}, {r['start_date'] or '?'} – {r['end_date'] or 'present'})" for r in rows) + ".")  # fmt: skip
    if f.wh not in ("who", "which", "name", "list", "") or not f.has(OFFICE_WORDS):
        return None
    if f.has(EVENT_WORDS - {"hold", "held"}) and people:
        return None
    orgs = f.ents("Country", "Company", "Organization")
    nationality = [tr.demonyms[t] for t in f.tokens if t in tr.demonyms]
    org_names = [m.entity.name for m in orgs] + [n for n in nationality if n not in [m.entity.name for m in orgs]]
    cabinet = _cabinet_of(f)  # "in Takaichi's cabinet": appointed during that leader's term
    tokens = _role_tokens(tr, f, (cabinet[1],) if cabinet else ())
    used = {w for phrase in ROLE_SYNONYMS if re.search(rf"\b{re.escape(phrase)}\b", f.text) for w in phrase.split()}
    if cabinet:
        used.add(f.text[cabinet[1][0] : cabinet[1][1]])
    leader = re.search(r"\b(heads?|leads?|runs?|leader|in charge|boss|chief)\b", f.text) and not tokens
    if not tokens and not (leader and org_names):
        return None
    # each token may be written another way in a role ("CEO" / "chief executive")
    params: dict[str, Any] = {"tokens": [ROLE_VARIANTS.get(t, [t]) for t in dict.fromkeys(tokens)]}
    where = ["ALL(alts IN $tokens WHERE ANY(t IN alts WHERE toLower(r.role) CONTAINS t))"]
    if leader:
        where = ["ANY(t IN $lead WHERE toLower(r.role) CONTAINS t)"]
        params["lead"] = [
            "ceo",
            "chief executive",
            "prime minister",
            "president",
            "managing director",
            "executive director",
            "chair",
        ]
    if org_names:
        where.append("x.name IN $orgs")
        params["orgs"] = org_names
    if f.time and f.time.point:
        where.append("(r.start_date IS NULL OR r.start_date <= $at) AND (r.end_date IS NULL OR r.end_date >= $at)")
        params["at"] = f.time.point
    head = ""
    if cabinet:
        head = ("MATCH (lead:Official {name: $leader})-[lr:HOLDS_OFFICE]->(x) "
                "WHERE ANY(t IN $heads WHERE toLower(lr.role) CONTAINS t) ")  # fmt: skip
        params["leader"] = cabinet[0]
        params["heads"] = ["prime minister", "president", "premier", "chancellor"]
        where += ["r.start_date IS NOT NULL", "r.start_date >= lr.start_date",
                  "(lr.end_date IS NULL OR r.start_date < lr.end_date)", "o.name <> $leader"]  # fmt: skip
    current = (
        not (f.time and f.time.point)
        and bool(re.search(r"\b(is|current|currently|now|today|incumbent|present)\b", f.text))
        and not re.search(r"\bwas\b", f.text)
    )
    conf = 0.9 if org_names or cabinet else 0.7
    role = " ".join(_role_tokens(tr, f, (cabinet[1],) if cabinet else (), cut=False))
    reading = ((f"Who holds an office whose title says '{role}'" if role else "Who leads") + (f" {'in ' if role else ''}{join(org_names)}" if org_names else "")
               + (f", appointed during {cabinet[0]}'s term as head of government" if cabinet else ""))  # fmt: skip

    def holders(conds: list[str], note: str = "") -> Translation:
        cy = (f"{head}MATCH (o:Official)-[r:HOLDS_OFFICE]->(x) WHERE {' AND '.join(conds)} "
              "RETURN o.name AS person, r.role AS role, x.name AS organisation, r.start_date AS start_date, r.end_date AS end_date, "
              "r.sources AS _src, o AS _o, r AS _r, x AS _x ORDER BY start_date DESC")  # fmt: skip
        return translation(cy, params, "office_holder", conf,
                  lambda rows: note + "; ".join(f"{r['person']} ({r['role']}, {r['organisation']}" + (f", from {r['start_date']}" if r['start_date'] else "") + (f" to {r['end_date']}" if r['end_date'] else "") + ")" for r in rows[:5]) + ".",
                  empty="No office holder in the graph matches that role" + (f" at {f.time.prefix}" if f.time else "") + ".",
                  used=used, reading=reading)  # fmt: skip

    if current:  # the sitting holder; if the graph records none, say who held it last
        sitting = holders(where + ["r.end_date IS NULL"])
        sitting.fallback = holders(where, "The graph records no current holder; the most recent: ")
        return sitting
    return holders(where)


def _cabinet_of(f: Frame) -> tuple[str, tuple[int, int]] | None:
    """ "Takaichi's cabinet", "the Ishiba government", "the cabinet of Takaichi": the leader, and the span of the
    word naming the cabinet (not a word of the role)."""
    for m in f.mentions:
        if m.entity.label != "Official":
            continue
        after = re.match(r"(?:'s)?\s+(cabinet|government|administration)\b", f.text[m.end :])
        if after:
            return m.entity.name, (m.end + after.start(1), m.end + after.end(1))
        before = re.search(r"\b(cabinet|government|administration) of\s+$", f.text[: m.start])
        if before:
            return m.entity.name, (before.start(1), before.end(1))
    return None


def _role_tokens(tr: RulesTranslator, f: Frame, drop: tuple[tuple[int, int], ...] = (), cut: bool = True) -> list[str]:
    """The words of the question that name a role ('Treasury Secretary' -> treasury, secretary), with the
    linked names and the `drop` spans (e.g. the verb 'sworn in') blanked first."""
    role_text = f.masked.lower()
    spans = [
        (m.start, m.end) for m in f.mentions if m.entity.label in ("Country", "Company", "Organization", "Official")
    ]
    for a, b in sorted(list(spans) + list(drop), key=lambda x: -x[0]):
        role_text = role_text[:a] + " " * (b - a) + role_text[b:]
    role_text = re.sub(r"'s\b", " ", role_text)
    tokens: list[str] = []
    for phrase, repl in ROLE_SYNONYMS.items():
        if re.search(rf"\b{re.escape(phrase)}\b", role_text):
            tokens += repl
            role_text = re.sub(rf"\b{re.escape(phrase)}\b", " ", role_text)
    for t in words(role_text):
        if t in STOP or t in tr.demonyms or re.fullmatch(r"\d+", t) or t in ROLE_IGNORE:
            continue
        tokens.append(t)
    return [t[:6] if len(t) > 6 and cut else t for t in tokens]


OFFICE_START = re.compile(
    r"\b(?:bec[oa]me|(?:was |were |been |get |got )?sworn in|(?:take|took|taken|assumed?) (?:up )?(?:office|the post|the job)"
    r"|(?:was |were |been )?(?:appointed|named|installed|confirmed)|start(?:ed)?|beg[ia]n|since when)\b"
)
OFFICE_END = re.compile(
    r"\b(?:leave|left|step(?:ped)? down|resign(?:ed)?|(?:stop|stopped|cease[d]?) being|(?:was |were )?replaced|until when)\b"
)


def intent_office_dates(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'When was Scott Bessent sworn in as Treasury Secretary?', 'When did Ishiba leave office?': the start or
    end date of a person's office, the role read from the question's other words (every office when none)."""
    people = f.ents("Official")
    start, end = OFFICE_START.search(f.text), OFFICE_END.search(f.text)
    if len(people) != 1 or f.time or not (start or end) or (start and end):
        return None
    if f.wh != "when" and not re.search(r"\b(since|until) when\b|\bwhat (?:date|day)\b", f.text):
        return None
    verb = start or end
    assert verb is not None
    drop = (verb.span(), *(m.span() for m in re.finditer(r"\b(office|post|job|position)\b", f.text)))
    tokens = _role_tokens(tr, f, drop)
    shown = " ".join(w for w in _role_tokens(tr, f, drop, cut=False) if w not in ("been", "did", "was"))
    params: dict[str, Any] = {
        "name": people[0].entity.name,
        "tokens": [ROLE_VARIANTS.get(t, [t]) for t in dict.fromkeys(tokens)],
    }
    date = "start_date" if start else "end_date"  # a missing date is not an answer: it goes to no_answer
    conds = [f"r.{date} IS NOT NULL"] + (
        ["ALL(alts IN $tokens WHERE ANY(t IN alts WHERE toLower(r.role) CONTAINS t))"] if tokens else []
    )
    cond = " WHERE " + " AND ".join(conds)
    cy = (f"MATCH (o:Official {{name: $name}})-[r:HOLDS_OFFICE]->(x){cond} RETURN o.name AS person, r.role AS role, "
          "x.name AS organisation, r.start_date AS start_date, r.end_date AS end_date, r.sources AS _src, "
          "o AS _o, r AS _r, x AS _x ORDER BY start_date")  # fmt: skip

    def say(r: dict[str, Any]) -> str:
        office = f"{r['role']} ({r['organisation']})"
        return (
            f"{r['person']} became {office} on {r['start_date']}"
            if start
            else f"{r['person']} left office as {office} on {r['end_date']}"
        )

    used = {w for w in re.findall(r"[a-z]+", verb.group(0))} | {"office", "post", "job", "position"}
    what = "took office" if start else "left office"
    return translation(
        cy, params, "office_dates", 0.92, lambda rows: "; ".join(say(r) for r in rows) + ".",
        empty=f"The graph records no {'start' if start else 'end'} date for such an office of {people[0].entity.name}.",
        used=used,
        reading=f"When {people[0].entity.name} {what}" + (f" as {shown}" if shown else ""),
    )  # fmt: skip


LONGER = re.compile(r"\b(longer than|more than|over|at least|upwards of)\s+$")
SHORTER = re.compile(r"\b(shorter than|less than|under|at most|within)\s+$")


def _length_asked(text: str) -> tuple[int, int, set[str]] | None:
    """A length of time in the question and how it bounds the event: ('for about an hour and a half') 72-108
    minutes, ('longer than an hour') 61 and up, ('less than half an hour') up to 29; and the words it used."""
    m = re.search(r"\b(?:half|a quarter of) an? hour\b", text) or DURATION_RE.search(text)
    if not m:
        return None
    minutes = duration_minutes(m.group(0))
    if minutes is None:
        return None
    before = text[: m.start()]
    used = set(re.findall(r"[a-z0-9.]+", m.group(0))) | {
        "long",
        "lasted",
        "lasting",
        "last",
        "for",
        "about",
        "around",
        "roughly",
        "approximately",
        "some",
    }
    if longer := LONGER.search(before):
        return minutes + 1, 10**7, used | set(longer.group(1).split())
    if shorter := SHORTER.search(before):
        return 0, minutes - 1, used | set(shorter.group(1).split())
    return round(minutes * 0.8), round(minutes * 1.2), used  # a stated length is approximate


EVENT_KIND = re.compile(r"\b(phone|phoned|phone calls?|calls?|called|summit)\b")


def intent_event(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Calls, meetings and signings: who met whom, where, when."""
    t = _event(tr, f, use_place=True)
    if t is not None and "loc" in t.params and f.ents("Official", "Company", "Organization"):
        # an event whose place the source does not state can still be the one asked about
        t.fallback = _event(tr, f, use_place=False)
    return t


def _event(tr: RulesTranslator, f: Frame, *, use_place: bool) -> Translation | None:
    place = re.search(r"\b(?:in|at)\s+([A-Z][\w\-]+)", f.masked)
    happened = bool(re.search(r"\b(happened|took place|events?|occurred)\b", f.text))
    represented = bool(re.search(r"\b(represent\w*|delegation|negotiat\w*|attend\w*)\b", f.text))
    if (
        not f.has(EVENT_WORDS)
        and not (place and f.wh == "who" and (f.ents("Official") or represented))
        and not (happened and (f.time or _length_asked(f.text)))
    ):
        return None
    people = f.ents("Official", "Company", "Organization")
    countries = f.ents("Country")
    loc = None
    m = re.search(r"\b(?:in|at)\s+([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)*)", f.masked)
    if m:
        cand = m.group(1)
        if not any(m.start(1) <= x.start < m.end(1) and x.entity.label in PERSON_ORG for x in f.mentions):
            loc = cand
    if not loc:
        m2 = re.search(r"\bthe\s+((?:[A-Z][\w\-]+\s+)+)(talks|negotiations|meeting|summit|round)", f.masked)
        if m2 and not any(m2.start(1) <= x.start < m2.end(1) and x.entity.label in PERSON_ORG for x in f.mentions):
            loc = m2.group(1).strip()
            countries = [c for c in countries if c.surface != loc]
    length = _length_asked(f.text)
    if not people and not countries and not loc and not (happened and f.time) and not (happened and length):
        return None
    params: dict[str, Any] = {}
    matches = []
    who = [x.entity.name for x in people]
    who = list(dict.fromkeys(who))
    for i, n in enumerate(who[:3]):
        matches.append(f"MATCH (p{i} {{name: $p{i}}})-[:PARTICIPATED_IN]->(e:Event)")
        params[f"p{i}"] = n
    if not who and not countries:
        matches.append("MATCH (e:Event)")
    if not who:
        for i, c in enumerate([x.entity.name for x in countries][:2]):
            matches.append(f"MATCH (:Country {{name: $c{i}}})-[:PARTICIPATED_IN]->(e:Event)")
            params[f"c{i}"] = c
    where = []
    if not use_place:
        loc = None
    if loc and not any(loc.lower() == x.surface.lower() for x in countries):
        where.append("toLower(e.location) CONTAINS $loc")
        params["loc"] = loc.lower()
    elif loc:
        where.append("(toLower(e.location) CONTAINS $loc OR e.location IS NULL)")
        params["loc"] = loc.lower()
    if f.time and f.time.prefix:
        where.append("e.date STARTS WITH $when")
        params["when"] = f.time.prefix
    dur_used: set[str] = set()
    if length:  # 'for about an hour and a half', 'calls longer than an hour': the stated length, in minutes
        lo, hi, dur_used = length
        where.append("e.duration_minutes IS NOT NULL AND e.duration_minutes >= $dmin AND e.duration_minutes <= $dmax")
        params["dmin"], params["dmax"] = lo, hi
    kind = EVENT_KIND.search(f.text)
    if kind:  # 'talk by phone', 'the Busan summit': the kind of event is a filter, not only a verb
        where.append("toLower(e.event_type) CONTAINS $kind")
        params["kind"] = "phone" if kind.group(1) != "summit" else "summit"
    topic = [
        t
        for t in f.tokens
        if t not in STOP and t not in EVENT_WORDS and len(t) > 3 and t not in {"scheduled", "with", "about"}
    ]
    # names the query matches as nodes are not topic words; a mineral or application named in an event's
    # topic ('the critical minerals and rare earths framework') is only in its text
    linked = [x.surface for x in f.mentions if x.entity.label not in ("Mineral", "Application")]
    topic = [t for t in topic if not any(t in norm.lower() for norm in linked) and t not in dur_used]
    topic = match_words(
        [t for t in topic if t in words(f.masked)],
        ["Event", "Official", "Country", "Company", "Organization"],
        ["PARTICIPATED_IN", "RESULTED_IN"],
    )
    if topic:  # the event is the one whose text says what the question says ('Busan', 'framework')
        params["match"] = topic
        where.append(text_filter(["e.name", "e.topics", "e.description", "e.event_type", "e.location", "e.duration"]))  # fmt: skip
    body = " ".join(matches) + (" WHERE " + " AND ".join(where) if where else "")
    if f.count:
        cy = f"{body} RETURN count(DISTINCT e) AS events, collect(e.name)[0..10] AS examples, collect(e.sources)[0..10] AS _src"
        return translation(
            cy,
            params,
            "event_count",
            0.88,
            lambda rows: f"{rows[0]['events']} events: " + "; ".join(rows[0]["examples"][:5]) + ".",
            used=dur_used,
        )
    if f.wh == "when" or (f.wh in ("what", "") and "date" in f.tokens):
        first = re.search(r"\b(first|earliest)\b", f.text)
        last = re.search(r"\b(last|latest|most recent)\b", f.text)
        if first or last:
            body = (
                " ".join(matches)
                + (" WHERE " + " AND ".join(where) if where else "")
                + f" WITH e ORDER BY e.date {'ASC' if first else 'DESC'}"
            )
            topic = []
        cy = (f"{body} RETURN e.name AS event, e.date AS date, e.end_date AS end_date, e.event_type AS type, e.location AS location, "
              "e.duration AS duration, e.sources AS _src, e AS _e" + (" LIMIT 1" if first or last else " ORDER BY date"))  # fmt: skip
        return translation(cy, params, "event_when", 0.9, lambda rows: "; ".join(f"{r['event']}: {r['date']}" + (f" in {r['location']}" if r['location'] else "") for r in rows[:3]) + ".", used=dur_used)  # fmt: skip
    if f.wh in ("who", "whom") or re.search(
        r"\bwith whom\b|\bwho\b|\b(which|what) (\w+ )?(officials|people|leaders|participants|ministers|persons)\b",
        f.text,
    ):
        attended = re.search(r"\b(attend\w*|took part|take part|participa\w*|present|were at|was at)\b", f.text)
        ex = "AND NOT o.name IN $who " if who and not attended else ""
        params["who"] = who
        nationals = [tr.demonyms[t] for t in f.tokens if t in tr.demonyms]
        if not who and countries:  # "Who represented China in Geneva?": that country's people
            nationals += [c.entity.name for c in countries]
        if nationals:  # "Which Japanese officials met Bessent?"
            ex += "AND o.country IN $nationals "
            params["nationals"] = nationals
        cy = (f"{body} MATCH (o)-[pa:PARTICIPATED_IN]->(e) WHERE (o:Official OR o:Company OR o:Organization) {ex}"
              "RETURN DISTINCT o.name AS participant, e.name AS event, e.date AS date, e.location AS location, pa.note AS note, "
              "e.sources AS _src, o AS _o, pa AS _r, e AS _e ORDER BY "
              + ("CASE WHEN toLower(coalesce(note, '')) CONTAINS 'scheduled' THEN 0 ELSE 1 END, " if re.search(r"\b(scheduled|due|will|plan\w*)\b", f.text) else "")
              + "date")  # fmt: skip
        return translation(cy, params, "event_who", 0.9, lambda rows: join(list(dict.fromkeys(r["participant"] for r in rows)), 20) + " (" + "; ".join(sorted({f"{r['event']}" for r in rows})[:4]) + ").", used=dur_used)  # fmt: skip
    cy = (f"{body} RETURN e.name AS event, e.date AS date, e.event_type AS type, e.location AS location, e.duration AS duration, "
          "e.topics AS topics, [(x)-[:PARTICIPATED_IN]->(e) WHERE x:Official | x.name] AS participants, e.sources AS _src, e AS _e ORDER BY date")  # fmt: skip
    return translation(cy, params, "event_list", 0.75, lambda rows: f"{len(rows)} events: " + "; ".join(
        f"{r['event']}" + (f", {r['duration']}" if r["duration"] else "") for r in rows[:8]) + ".", used=dur_used)  # fmt: skip
