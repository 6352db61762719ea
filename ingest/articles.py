"""News articles into the graph: parse, extract, resolve against what the graph holds, write with provenance.

`ingest_articles` (CLI), `preview_article` / `ingest_article_text` (UI) share one pipeline:
parse (title, optional date, body) -> extract (offline patterns, or the LLM when configured) ->
resolve (names to existing nodes; an export control to the policy already in the graph; a call
to the dated event already in the graph; an office to the role already held) -> one GraphBatch
whose every relationship carries the article's Source id in `sources` and its sentence in
`evidence`. Keys are deterministic, so ingesting an article twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import IngestError
from graph.resolve import index_from_store
from graph.text import norm_key, parse_date, source_id
from ingest.batch import GraphBatch, write_batch
from ingest.extract import Context, Extraction, extract, split_sentences

DATASET_COUNTRIES = Path(__file__).resolve().parent.parent / "data" / "dataset" / "countries.csv"
FIELD = re.compile(r"^(title|date|published|url|source)\s*:\s*(.*)$", re.I)
STOP = {"of", "the", "for", "and", "s", "us", "u"}
ROLE_SYNONYMS = {"ceo": ("chief", "executive"), "treasury": ("treasury",), "pm": ("prime", "minister")}


# -- reports -------------------------------------------------------------------------------------
@dataclass
class ArticleReport:
    source_id: str
    title: str
    date: str | None
    new_entities: list[dict] = field(default_factory=list)
    matched_entities: list[dict] = field(default_factory=list)
    relationships: list[dict] = field(default_factory=list)
    written: bool = False
    file: str | None = None
    extractor: str = "offline"

    def render(self) -> str:
        head = f"Article: {self.title}" + (f" ({self.date})" if self.date else " (undated)")
        lines = [head, f"  source id: {self.source_id}" + (f"  file: {self.file}" if self.file else "")]
        lines.append(f"  extractor: {self.extractor}")
        lines.append("  " + ("written to the graph" if self.written else "dry run: nothing written"))
        lines.append(f"  new entities ({len(self.new_entities)}):")
        lines += [f"    + {e['label']}: {e['name']}" for e in self.new_entities]
        lines.append(f"  matched entities ({len(self.matched_entities)}):")
        lines += [f"    = {e['label']}: {e['name']}" for e in self.matched_entities]
        lines.append(f"  relationships ({len(self.relationships)}):")
        for r in self.relationships:
            extra = f"  [{r.get('role') or ''}{r.get('note') or ''}]" if r.get("role") or r.get("note") else ""
            seen = "  (already recorded from this article)" if r.get("recorded") else ""
            lines.append(f"    ({r['start']})-[:{r['type']}]->({r['end']}){extra}{seen}")
            lines.append(f"        “{r['sentence']}”")
        return "\n".join(lines)


@dataclass
class ArticlesReport:
    articles: list[ArticleReport] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return bool(self.articles) and all(a.written for a in self.articles)

    def render(self) -> str:
        parts = [a.render() for a in self.articles]
        n_rel = sum(1 for a in self.articles for r in a.relationships if not r.get("recorded"))
        n_old = sum(1 for a in self.articles for r in a.relationships if r.get("recorded"))
        n_new = sum(len(a.new_entities) for a in self.articles)
        verb = "added" if self.written else "would add (dry run)"
        parts.append(
            f"{len(self.articles)} article(s): {verb} {n_new} new entities and {n_rel} relationships"
            + (f"; {n_old} relationships were already recorded from these articles" if n_old else "")
        )
        return "\n\n".join(parts)


# -- parsing -------------------------------------------------------------------------------------
def parse_article(path: Path | str) -> tuple[str, str | None, str]:
    """(title, ISO date or None, body) of a .txt/.md article; IngestError naming the file otherwise."""
    path = Path(path)
    if not path.is_file():
        raise IngestError("article file not found", file=str(path))
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise IngestError("this is a binary file, not a text article (UTF-8 .txt or .md)", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad = raw[e.start]
        line = raw[: e.start].count(b"\n") + 1
        raise IngestError(
            f"the article is not UTF-8 text (byte 0x{bad:02x} at offset {e.start}, line {line}; "
            "Windows-1252 or Latin-1?): save it as UTF-8 and try again",
            file=str(path),
        ) from None
    return parse_article_text(text, file=str(path))


def parse_article_text(text: str, *, file: str = "") -> tuple[str, str | None, str]:
    """Header lines (a title line or '# Title', 'Date: 2025-05-30', comments) then the body."""
    if not text.strip():
        raise IngestError("the article is empty", file=file)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title: str | None = None
    date_text: str | None = None
    url: str | None = None
    i, in_comment, saw_header = 0, False, False
    if lines and lines[0].strip() == "---":  # YAML-style front matter
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is None:
            raise IngestError("front matter opened with '---' is never closed", file=file)
        for ln in lines[1:end]:
            if m := FIELD.match(ln.strip()):
                title, date_text, url = _field(m, title, date_text, url)
        i, saw_header = end + 1, True
    while i < len(lines):
        s = lines[i].strip()
        if in_comment or s.startswith("<!--"):
            in_comment = "-->" not in s
        elif s.startswith("%"):
            pass
        elif not s:
            if saw_header:
                i += 1
                break
        elif m := FIELD.match(s):
            title, date_text, url = _field(m, title, date_text, url)
            saw_header = True
        elif s.startswith("#") and title is None:
            title, saw_header = s.lstrip("#").strip(), True
        elif title is None and not saw_header and _title_like(s, lines[i + 1 :]):
            title, saw_header = s, True
        else:
            break
        i += 1
    body = "\n".join(lines[i:]).strip()
    if date_text is not None:
        date = parse_date(date_text)
        if not date:
            raise IngestError(f"unreadable date {date_text!r}; write it as 'Date: 2025-05-30'", file=file)
    else:
        date = None
    if title is not None and not title.strip():
        raise IngestError("the title line is empty", file=file)
    if not body or not re.search(r"[A-Za-z]{2,}", body):
        raise IngestError("the article has a header but no body text", file=file)
    sentences = split_sentences(body)
    if not sentences:
        raise IngestError("no sentences found in the article body", file=file)
    if title is None:
        first = sentences[0]
        title = first if len(first) <= 100 else first[:97].rsplit(" ", 1)[0] + "..."
    return title.strip(), date, body


def _field(m: re.Match, title, date_text, url):  # noqa: ANN001, ANN202
    key, value = m.group(1).lower(), m.group(2).strip()
    if key == "title":
        return value, date_text, url
    if key in ("date", "published"):
        return title, value, url
    return title, date_text, value or url


def _title_like(line: str, rest: list[str]) -> bool:
    nxt = next((x.strip() for x in rest if x.strip()), "")
    followed_by_header = not (rest and rest[0].strip()) or bool(FIELD.match(rest[0].strip()))
    return len(line) <= 150 and not re.search(r"[.!?]\s*$", line) and (followed_by_header or not nxt)


# -- context from the graph ----------------------------------------------------------------------
def _capitals() -> dict[str, str]:
    out: dict[str, str] = {}
    if DATASET_COUNTRIES.is_file():
        with DATASET_COUNTRIES.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for c in (row.get("capital") or "").split(";"):
                    if c.strip():
                        out[norm_key(c)] = row["name"]
    return out


@dataclass
class GraphView:
    """What the resolver needs from the store, read once per run."""

    context: Context
    offices: dict[str, list[dict]]  # person -> [{label, org, role, start, end}]
    events: list[dict]
    policies: list[dict]
    existing: set[tuple[str, str]]
    notes: dict[tuple[str, str], str | None]  # (person, event_id) -> note
    covered: dict[str, list[str]] = field(default_factory=dict)  # policy id -> minerals it COVERS
    members: dict[str, set[str]] = field(default_factory=dict)  # group -> member minerals

    @classmethod
    def read(cls, store) -> GraphView:  # noqa: ANN001
        index = index_from_store(store)
        people = store.run("MATCH (o:Official) RETURN o.name AS name, o.country AS country")
        ctx = Context(index, _capitals(), {r["name"]: r["country"] for r in people if r["country"]})
        offices: dict[str, list[dict]] = {}
        for r in store.run(
            "MATCH (o:Official)-[r:HOLDS_OFFICE]->(x) RETURN o.name AS person, labels(x)[0] AS label, x.name AS org, "
            "r.role AS role, r.start_date AS start, r.end_date AS end"
        ):
            offices.setdefault(r["person"], []).append(r)
        events = store.run(
            "MATCH (e:Event) OPTIONAL MATCH (p)-[:PARTICIPATED_IN]->(e) WHERE NOT p:Country "
            "RETURN e.event_id AS id, e.date AS date, e.end_date AS end_date, e.location AS location, "
            "collect(p.name) AS people"
        )
        notes = {
            (r["p"], r["e"]): r["note"]
            for r in store.run(
                "MATCH (p)-[r:PARTICIPATED_IN]->(e:Event) RETURN p.name AS p, e.event_id AS e, r.note AS note"
            )
        }
        policies = store.run(
            "MATCH (p:Policy) OPTIONAL MATCH (c)-[:ENACTED]->(p) OPTIONAL MATCH (p)-[:COVERS]->(m:Mineral) "
            "OPTIONAL MATCH (m)-[:MEMBER_OF]->(g:Mineral) "
            "RETURN p.policy_id AS id, p.category AS category, p.date_announced AS date, "
            "collect(DISTINCT c.name) AS enacting, collect(DISTINCT m.name) + collect(DISTINCT g.name) AS minerals"
        )
        existing = {(r["label"], r["key"]) for r in store.run(_KEYS_QUERY)}
        covered: dict[str, list[str]] = {}
        for r in store.run("MATCH (p:Policy)-[:COVERS]->(m:Mineral) RETURN p.policy_id AS p, m.name AS m"):
            covered.setdefault(r["p"], []).append(r["m"])
        members: dict[str, set[str]] = {}
        for r in store.run("MATCH (m:Mineral)-[:MEMBER_OF]->(g:Mineral) RETURN m.name AS m, g.name AS g"):
            members.setdefault(r["g"], set()).add(r["m"])
        return cls(ctx, offices, events, policies, existing, notes, covered, members)


_KEYS_QUERY = (
    "MATCH (n) WHERE NOT n:Source RETURN labels(n)[0] AS label, coalesce(n.policy_id, n.event_id, n.name) AS key"
)


# -- resolution ----------------------------------------------------------------------------------
def _hash(*parts: Any) -> str:
    return "A-" + hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:10]


def _role_tokens(role: str) -> set[str]:
    toks: set[str] = set()
    for t in norm_key(role).split():
        if t not in STOP:
            toks.update(ROLE_SYNONYMS.get(t, (t,)))
    return toks


def _match_office(view: GraphView, person: str, org: tuple[str, str], role: str, date: str | None) -> str:
    """The role string already in the graph when its tokens cover the article's ('Treasury Secretary')."""
    want = _role_tokens(role) - _role_tokens(org[1])
    best = None
    for o in view.offices.get(person, []):
        if o["org"] != org[1] or not want or not want <= _role_tokens(o["role"].split(";")[0] + " " + o["role"]):
            continue
        current = date and (o["start"] or "") <= date and (not o["end"] or date <= o["end"])
        if best is None or current:
            best = o
            if current:
                break
    return best["role"] if best else role


def _match_event(view: GraphView, draft: dict) -> str | None:
    """An event of the graph on that date (or in that month) sharing two participants; the named place breaks ties."""
    people = {p[1] for p in draft["participants"]}
    day = draft.get("date")
    if not day:
        return None
    found = []
    for e in sorted(view.events, key=lambda e: e["id"]):
        start, end = e["date"] or "", e["end_date"] or e["date"] or ""
        on = start[: len(day)] <= day <= end[: len(day)] if len(day) < 10 else start <= day <= end
        if on and len(people & set(e["people"])) >= 2:
            found.append(e)
    place = (draft.get("location") or "").lower()
    found.sort(key=lambda e: not (place and place in (e.get("location") or "").lower()))
    return found[0]["id"] if found else None


def _match_policy(view: GraphView, draft: dict) -> str | None:
    """The export control of the same country and month covering the most of the same minerals."""
    if draft.get("category") != "export_control" or not draft.get("date_announced"):
        return None
    month = draft["date_announced"][:7]
    minerals = {m[1] for m in draft.get("minerals", [])}
    best, best_score = None, -1
    for p in sorted(view.policies, key=lambda p: p["id"]):
        if p["category"] != "export_control" or not str(p["date"] or "").startswith(month):
            continue
        if draft["enacting"][1] not in p["enacting"]:
            continue
        shared = minerals & set(p["minerals"])
        if minerals and not shared:
            continue
        score = sum(10 if not m.startswith("Rare earths") else 1 for m in shared)
        if score > best_score:
            best, best_score = p["id"], score
    return best


@dataclass
class Built:
    batch: GraphBatch
    report: ArticleReport


def build(view: GraphView, ex: Extraction, title: str, date: str | None, body: str, url: str | None) -> Built:
    """The GraphBatch and report of one article (nothing is written here)."""
    sid = source_id(title, date or "")
    batch = GraphBatch()
    src = batch.node("Source", sid, title=title, name=title[:90], date=date, kind="article", url=url, text=body)
    report = ArticleReport(sid, title, date)
    refmap: dict[tuple[str, str], tuple[str, str]] = {}
    display: dict[tuple[str, str], str] = {}
    first_sentence: dict[tuple[str, str], str] = {}

    for local, draft in ex.policies.items():
        pid = _match_policy(view, draft)
        ref = ("Policy", pid or _hash(draft["category"], draft["enacting"][1], norm_key(draft["description"])))
        refmap[("Policy", local)] = ref
        display[ref] = pid or draft["name"]
        first_sentence.setdefault(ref, draft["description"])
        if pid:
            batch.node("Policy", pid, sources=[sid])
        else:
            date_announced = draft.get("date_announced") or date
            batch.node("Policy", ref[1], name=draft["name"][:120], policy_type=draft["policy_type"],
                       category=draft["category"], status=draft.get("status") or "announced",
                       date_announced=date_announced,
                       date_text=draft.get("date_text") or (f"reported {date}" if date else None),
                       scope=draft.get("scope"), minerals_text=draft.get("minerals_text"),
                       description=draft["description"], enacting_body=draft["enacting"][1],
                       sources=[sid])  # fmt: skip
    for local, draft in ex.events.items():
        eid = _match_event(view, draft)
        names = sorted(p[1] for p in draft["participants"])
        ref = ("Event", eid or _hash(draft.get("date"), draft["event_type"], *names))
        refmap[("Event", local)] = ref
        first_sentence.setdefault(ref, draft["description"])
        title_ev = f"{draft['event_type'].capitalize()}: {' – '.join(names)}" + (
            f" ({draft['date']})" if draft.get("date") else ""
        )
        display[ref] = eid or title_ev
        if eid:
            batch.node("Event", eid, sources=[sid])
        else:
            batch.node("Event", ref[1], name=title_ev, event_type=draft["event_type"], date=draft.get("date"),
                       duration=draft.get("duration"), description=draft["description"],
                       date_text=draft.get("date_text"), sources=[sid])  # fmt: skip

    for key, ent in ex.entities.items():
        ref = (ent.label, ent.name)
        refmap[key] = ref
        display[ref] = ent.name
        first_sentence.setdefault(ref, ent.sentence)
        if ref in view.existing:
            batch.node(ent.label, ent.name)
        else:
            batch.node(ent.label, ent.name, name=ent.name, **ent.props, sources=[sid])

    for rel in ex.rels:
        start, end = refmap.get(rel.start, rel.start), refmap.get(rel.end, rel.end)
        if not batch.has(start) and start not in view.existing:
            continue
        if not batch.has(end) and end not in view.existing:
            continue
        props = dict(rel.props)
        if rel.type == "HOLDS_OFFICE":
            props["role"] = _match_office(view, start[1], end, props.get("role", ""), date)
        if rel.type == "PARTICIPATED_IN" and props.get("note") and (start[1], end[1]) in view.notes:
            old = view.notes[(start[1], end[1])]
            props["note"] = old if old and "scheduled" in old else "; ".join(x for x in (old, props["note"]) if x)
        implied = sorted(set(view.covered.get(start[1], [])) & view.members.get(end[1], set()))
        if rel.type == "COVERS" and start in view.existing and end[1] not in view.covered.get(start[1], []) and implied:
            # "seven rare earth minerals" of a policy that already covers the seven: evidence on those, no group edge
            for member in implied:
                batch.rel("COVERS", start, ("Mineral", member), sources=[sid], evidence=[rel.sentence])
            props["note"] = "evidence added to its COVERS of " + ", ".join(implied)
            props["written_as"] = implied
        else:
            batch.rel(rel.type, start, end, sources=[sid], evidence=[rel.sentence], **props)
        for ref in (start, end):
            if ref[0] not in ("Country", "Mineral", "Stage") and batch.has(ref):
                batch.node(ref[0], ref[1], sources=[sid])
        report.relationships.append(
            {"type": rel.type, "start": display.get(start, start[1]), "end": display.get(end, end[1]),
             "start_label": start[0], "end_label": end[0], "start_key": start[1], "end_key": end[1],
             "sentence": rel.sentence, **{k: v for k, v in props.items() if k in ("role", "note", "written_as")}}
        )  # fmt: skip
        for ref in (start, end):
            if ref[0] not in ("Source", "Stage"):
                first_sentence.setdefault(ref, rel.sentence)

    for ref, sentence in first_sentence.items():
        if ref[0] in ("Source", "Stage") or not (batch.has(ref) or ref in view.existing):
            continue
        if not batch.has(ref):
            batch.node(*ref)
        batch.rel("MENTIONS", src, ref, sentence=sentence)
        row = {"label": ref[0], "name": display.get(ref, ref[1]), "key": ref[1]}
        (report.matched_entities if ref in view.existing else report.new_entities).append(row)
    return Built(batch, report)


# -- entry points --------------------------------------------------------------------------------
def _extract(view: GraphView, body: str, date: str | None, settings) -> tuple[Extraction, str]:  # noqa: ANN001
    view.context.date = date
    if settings is not None and getattr(settings, "llm_configured", False):
        from ingest.extract_llm import extract_llm

        try:
            return extract_llm(view.context, body, settings), f"llm ({settings.openai_model})"
        except Exception as e:  # noqa: BLE001 - a failing model falls back to the offline extractor
            print(f"LLM extraction failed ({e}); using the offline extractor", file=sys.stderr)
            return extract(view.context, body), f"offline (LLM failed: {type(e).__name__})"
    return extract(view.context, body), "offline"


def _one(store, view: GraphView, title, date, body, url, *, dry_run: bool, settings, file=None) -> ArticleReport:  # noqa: ANN001
    ex, how = _extract(view, body, date, settings)
    built = build(view, ex, title, date, body, url)
    built.report.extractor, built.report.file = how, file
    _mark_recorded(store, built.report)
    if not dry_run:
        store.ensure_schema()
        write_batch(store, built.batch)
        built.report.written = True
    return built.report


def _mark_recorded(store, report: ArticleReport) -> None:  # noqa: ANN001
    """Flag relationships this article already backs (a re-ingest shows them as recorded, not new)."""
    from graph.ontology import key_of

    for r in report.relationships:
        a, b = r["start_label"], r["end_label"]
        rows = store.run(
            f"MATCH (a:{a} {{{key_of(a)}: $a}})-[r:{r['type']}]->(b:{b} {{{key_of(b)}: $b}}) "
            "WHERE $sid IN r.sources RETURN count(r) AS n",
            {"a": r["start_key"], "b": (r.get("written_as") or [r["end_key"]])[0], "sid": report.source_id},
        )
        r["recorded"] = bool(rows and rows[0]["n"])


def _check_text(text: str, title: str | None, date: str | None) -> tuple[str, str | None, str]:
    if title or date:
        header = (f"Title: {title}\n" if title else "") + (f"Date: {date}\n" if date else "") + "\n"
        return parse_article_text(header + (text or ""), file="pasted article")
    return parse_article_text(text or "", file="pasted article")


def preview_article(
    store, text: str, title: str | None = None, date: str | None = None, settings=None
) -> ArticleReport:  # noqa: ANN001
    """A dry run over pasted text: what would be added, written nowhere."""
    t, d, body = _check_text(text, title, date)
    return _one(store, GraphView.read(store), t, d, body, None, dry_run=True, settings=settings)


def ingest_article_text(
    store, text: str, title: str | None = None, date: str | None = None, settings=None
) -> ArticleReport:  # noqa: ANN001
    t, d, body = _check_text(text, title, date)
    return _one(store, GraphView.read(store), t, d, body, None, dry_run=False, settings=settings)


def ingest_articles(store, paths: list[Path], *, dry_run: bool = False, settings=None) -> ArticlesReport:  # noqa: ANN001
    """Parse every article first (a bad one raises IngestError before anything is written), then ingest each."""
    parsed = [(Path(p), *parse_article(p)) for p in paths]
    report = ArticlesReport()
    for path, title, date, body in parsed:
        view = GraphView.read(store)  # re-read: an earlier article may have added names
        report.articles.append(
            _one(store, view, title, date, body, f"file:{path.name}", dry_run=dry_run, settings=settings,
                 file=str(path))
        )  # fmt: skip
    return report


# -- evaluation ----------------------------------------------------------------------------------
def _endpoint_ok(spec: str, label: str, key: str, name: str, sentence: str) -> bool:
    """'E08' / 'P14' (a key), 'proposal:ship' (a derived Policy whose sentence says 'ship'), 'event:2025-06-02'."""
    if spec.startswith("proposal:") or spec.startswith("policy:"):
        return label == "Policy" and spec.split(":", 1)[1].lower() in sentence.lower()
    if spec.startswith("event:"):
        return label == "Event" and spec.split(":", 1)[1] in name
    return norm_key(spec) in (norm_key(key), norm_key(name))


def _canonical(index, spec: str) -> str:  # noqa: ANN001
    if ":" in spec or re.fullmatch(r"[PE]\d+", spec):
        return spec
    ent = index.resolve(spec)
    return ent.name if ent else spec


def score(expected: list[list[str]], rels: list[dict]) -> tuple[int, int, int]:
    """(true positives among extracted, extracted, expected facts found) for [type, start, end] facts."""

    def same(r: dict, fact: list[str]) -> bool:
        return (
            r["type"] == fact[0]
            and _endpoint_ok(fact[1], r["start_label"], r["start_key"], r["start"], r["sentence"])
            and _endpoint_ok(fact[2], r["end_label"], r["end_key"], r["end"], r["sentence"])
        )

    tp = sum(any(same(r, f) for f in expected) for r in rels)
    found = sum(any(same(r, f) for r in rels) for f in expected)
    return tp, len(rels), found


def evaluate(store, directory: Path, settings=None) -> dict:  # noqa: ANN001
    """Precision and recall of extracted relationships against `expected.json` in `directory` (a dry run)."""
    import json

    spec = json.loads((Path(directory) / "expected.json").read_text(encoding="utf-8"))
    rows = []
    index = index_from_store(store)  # expected names resolve like extracted ones ("Caremag" is Carester)
    for item in spec["articles"]:
        path = Path(directory) / item["file"]
        if not path.exists():
            path = Path(item["file"])
            if not path.is_absolute():
                path = Path(__file__).resolve().parent.parent / item["file"]
        rep = ingest_articles(store, [path], dry_run=True, settings=settings).articles[0]
        facts = [[f[0], *(_canonical(index, x) for x in f[1:])] for f in item["facts"]]
        tp, n, found = score(facts, rep.relationships)
        rows.append({"file": item["file"], "tp": tp, "extracted": n, "found": found, "expected": len(item["facts"]),
                     "held_out": bool(item.get("held_out"))})  # fmt: skip
    return {"articles": rows, **_totals(rows), "held_out": _totals([r for r in rows if r["held_out"]])}


def _totals(rows: list[dict]) -> dict:
    tp, n = sum(r["tp"] for r in rows), sum(r["extracted"] for r in rows)
    found, exp = sum(r["found"] for r in rows), sum(r["expected"] for r in rows)
    return {"precision": tp / n if n else 0.0, "recall": found / exp if exp else 0.0, "extracted": n, "expected": exp}


def main(argv: list[str] | None = None) -> int:
    import argparse
    import shutil
    import tempfile

    from graph.connect import open_store
    from graph.settings import Settings, load_settings
    from ingest.load import ingest_dataset

    ap = argparse.ArgumentParser(prog="python -m ingest.articles", description=__doc__.splitlines()[0])
    ap.add_argument("--eval", metavar="DIR", required=True, help="directory with articles and expected.json")
    ap.add_argument("--llm", action="store_true", help="use the configured LLM (OPENAI_* settings) instead of offline")
    args = ap.parse_args(argv)
    d = Path(tempfile.mkdtemp(prefix="rekg-eval-"))
    conf = load_settings()
    settings = Settings(data_dir=d, openai_api_key=conf.openai_api_key, openai_base_url=conf.openai_base_url,
                        openai_model=conf.openai_model) if args.llm else Settings(data_dir=d)  # fmt: skip
    store = open_store(settings)  # a throwaway embedded graph: the dataset, then dry runs
    try:
        ingest_dataset(store, reset=True)
        res = evaluate(store, Path(args.eval), settings=settings if args.llm else None)
    finally:
        store.close()
        shutil.rmtree(d, ignore_errors=True)
    for r in res["articles"]:
        p = r["tp"] / r["extracted"] if r["extracted"] else 0.0
        rc = r["found"] / r["expected"] if r["expected"] else 0.0
        print(f"{r['file']:<48} extracted {r['extracted']:>3}  expected {r['expected']:>3}  P {p:.2f}  R {rc:.2f}"
              + ("  (held out)" if r["held_out"] else ""))  # fmt: skip
    h = res["held_out"]
    print(
        f"all articles: precision {res['precision']:.2f}  recall {res['recall']:.2f}  "
        f"({res['extracted']} extracted, {res['expected']} expected relationships)"
    )
    if h["expected"]:
        print(f"held-out articles only: precision {h['precision']:.2f}  recall {h['recall']:.2f}")
    print(f"extractor: {'LLM' if settings.llm_configured else 'offline'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
