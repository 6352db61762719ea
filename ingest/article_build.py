"""One article's proposal: every entity and relationship it would add, with sentence and confidence.

`propose` resolves an `Extraction` against the graph (existing events, policies, offices) and
returns a review document (a plain dict, the JSON of `rekg ingest --review`). `batch_from_review`
turns the accepted part of such a document into the `GraphBatch` that is written. Direct ingest
goes through the same two steps with the default choices, so a review file applied unchanged
writes exactly what a plain ingest writes. Relationships below `WRITE_AT` confidence are
candidates: listed, not accepted unless the analyst ticks them.
"""

from __future__ import annotations

from typing import Any

from graph.ontology import NODE_BY_LABEL
from graph.text import norm_key, source_id
from ingest.article_match import GraphView, key_hash, match_event, match_office, match_policies
from ingest.batch import GraphBatch
from ingest.extract import WRITE_AT, Extraction, split_sentences

REVIEW_FORMAT = "rekg-article-review/1"
Ref = tuple[str, str]


def propose(
    view: GraphView, ex: Extraction, title: str, date: str | None, body: str, url: str | None, *, extractor: str
) -> dict[str, Any]:
    """The review document of one article (nothing is written here)."""
    sid = source_id(title, date or "")
    nodes: dict[Ref, dict[str, Any]] = {}
    display: dict[Ref, str] = {}
    first_sentence: dict[Ref, str] = {}
    rels: list[dict[str, Any]] = []

    def node(ref: Ref, **props: Any) -> None:
        cur = nodes.setdefault(ref, {})
        for k, v in props.items():
            if v not in (None, "", []) and k not in cur:
                cur[k] = v

    refmap: dict[Ref, Ref] = {}
    unsure: set[Ref] = set()  # drafts that fit two recorded policies equally: their links are candidates
    for local, draft in ex.policies.items():
        pid, tied = match_policies(view, draft)
        ref = ("Policy", pid or key_hash(draft["category"], draft["enacting"][1], norm_key(draft["description"])))
        refmap[("Policy", local)] = ref
        if tied:
            unsure.add(ref)
        display[ref] = pid or draft["name"]
        first_sentence.setdefault(ref, draft["description"])
        if not pid:
            node(ref, name=draft["name"][:120], policy_type=draft["policy_type"], category=draft["category"],
                 status=draft.get("status") or "announced", date_announced=draft.get("date_announced") or date,
                 date_text=draft.get("date_text") or (f"reported {date}" if date else None),
                 scope=draft.get("scope"), minerals_text=draft.get("minerals_text"),
                 description=draft["description"], enacting_body=draft["enacting"][1])  # fmt: skip
        else:
            node(ref)
    for local, draft in ex.events.items():
        eid = match_event(view, draft)
        names = sorted(p[1] for p in draft["participants"])
        ref = ("Event", eid or key_hash(draft.get("date"), draft["event_type"], *names))
        refmap[("Event", local)] = ref
        first_sentence.setdefault(ref, draft["description"])
        name = f"{draft['event_type'].capitalize()}: {' – '.join(names)}" + (
            f" ({draft['date']})" if draft.get("date") else ""
        )
        display[ref] = eid or name
        if not eid:
            node(ref, name=name, event_type=draft["event_type"], date=draft.get("date"),
                 duration=draft.get("duration"), description=draft["description"],
                 date_text=draft.get("date_text"))  # fmt: skip
        else:
            node(ref)
    for key, ent in ex.entities.items():
        ref = (ent.label, ent.name)
        refmap[key] = ref
        display[ref] = ent.name
        first_sentence.setdefault(ref, ent.sentence)
        node(ref) if ref in view.existing else node(ref, name=ent.name, **ent.props)

    for rel in ex.rels:
        start, end = refmap.get(rel.start, rel.start), refmap.get(rel.end, rel.end)
        if start not in nodes and start not in view.existing or end not in nodes and end not in view.existing:
            continue
        props = dict(rel.props)
        if rel.type == "HOLDS_OFFICE":
            props["role"] = match_office(view, start[1], end, props.get("role", ""), date)
        if rel.type == "PARTICIPATED_IN" and props.get("note") and (start[1], end[1]) in view.notes:
            old = view.notes[(start[1], end[1])]
            props["note"] = old if old and "scheduled" in old else "; ".join(x for x in (old, props["note"]) if x)
        implied = sorted(set(view.covered.get(start[1], [])) & view.members.get(end[1], set()))
        ends = [end]
        if rel.type == "COVERS" and start in view.existing and end[1] not in view.covered.get(start[1], []) and implied:
            # "seven rare earth minerals" of a policy that already covers the seven: evidence on those, no group edge
            ends = [("Mineral", m) for m in implied]
            props["note"] = "evidence added to its COVERS of " + ", ".join(implied)
        for e in ends:
            node(e)
            first_sentence.setdefault(e, rel.sentence)
            rels.append({"type": rel.type, "start": start, "end": e, "props": props, "sentence": rel.sentence,
                         "confidence": round(min(rel.confidence, 0.5) if {start, end} & unsure else rel.confidence, 2),
                         "display": (display.get(start, start[1]),
                         display.get(end, end[1]))})  # fmt: skip
        for ref in (start, end):
            if ref[0] != "Stage":
                first_sentence.setdefault(ref, rel.sentence)

    ids = {ref: f"e{i + 1}" for i, ref in enumerate(nodes)}
    entities = [
        {"id": ids[ref], "label": ref[0], "key": ref[1], "name": display.get(ref, ref[1]),
         "status": "matched" if ref in view.existing else "new", "accepted": True, "match": None,
         "sentence": first_sentence.get(ref, ""), "props": props}
        for ref, props in nodes.items()
    ]  # fmt: skip
    relationships = []
    for i, r in enumerate(rels):
        relationships.append({
            "id": f"r{i + 1}", "type": r["type"], "start": ids[r["start"]], "end": ids[r["end"]],
            "start_name": r["display"][0], "end_name": r["display"][1], "props": r["props"],
            "sentence": r["sentence"], "confidence": r["confidence"],
            "candidate": r["confidence"] < WRITE_AT, "accepted": r["confidence"] >= WRITE_AT,
        })  # fmt: skip
    texts = split_sentences(body)
    by_ref = {ref: ids[ref] for ref in nodes}
    if len(ex.sentence_refs) == len(texts):
        found = [[by_ref[refmap.get(r, r)] for r in refs if refmap.get(r, r) in by_ref] for refs in ex.sentence_refs]
    else:  # the LLM path: the entities whose name the sentence contains
        names = [(ref, ref[1].lower()) for ref in nodes if ref[0] not in ("Policy", "Event", "Stage")]
        found = [[by_ref[ref] for ref, low in names if low in t.lower()] for t in texts]
    sentences = [{"text": t, "mentions": list(dict.fromkeys(m))} for t, m in zip(texts, found, strict=True)]
    return {
        "format": REVIEW_FORMAT,
        "source": {"id": sid, "title": title, "date": date, "url": url, "extractor": extractor, "text": body},
        "entities": entities,
        "relationships": relationships,
        "sentences": sentences,
    }


def match_ref(label: str, match: str) -> Ref:
    """'Company:Aurora Minerals' or just 'Aurora Minerals' (same label) -> (label, key)."""
    head, sep, rest = match.partition(":")
    if sep and head in NODE_BY_LABEL:
        return head, rest.strip()
    return label, match.strip()


def batch_from_review(doc: dict[str, Any]) -> GraphBatch:
    """The accepted part of a review document as a GraphBatch (Source, sentences, entities, relationships)."""
    src_info = doc["source"]
    sid = src_info["id"]
    batch = GraphBatch()
    src = batch.node("Source", sid, title=src_info["title"], name=src_info["title"][:90], date=src_info.get("date"),
                     kind="article", url=src_info.get("url"), text=src_info.get("text"))  # fmt: skip
    refs: dict[str, Ref] = {}
    for e in doc["entities"]:
        ref = (e["label"], e["key"])
        if e.get("match"):  # the analyst says this is an entity the graph already has
            refs[e["id"]] = match_ref(e["label"], str(e["match"]))
        elif e.get("accepted", True):
            refs[e["id"]] = ref
    used: set[Ref] = set()
    kept = [r for r in doc["relationships"] if r.get("accepted") and r["start"] in refs and r["end"] in refs]
    for e in doc["entities"]:
        if e["id"] in refs and e["status"] == "new" and not e.get("match"):
            batch.node(e["label"], e["key"], **e.get("props", {}), sources=[sid])
    for r in kept:
        start, end = refs[r["start"]], refs[r["end"]]
        for ref in (start, end):
            if not batch.has(ref):
                batch.node(*ref)
            if ref[0] not in ("Country", "Mineral", "Stage"):
                batch.node(*ref, sources=[sid])
        props = dict(r.get("props") or {})
        if r["type"] not in ("ENACTED", "TARGETS", "COVERS", "INVOLVES", "PARTICIPATED_IN", "MEMBER_OF"):
            props.setdefault("confidence", r.get("confidence"))
        batch.rel(r["type"], start, end, sources=[sid], evidence=[r["sentence"]], **props)
        used.update((start, end))
    first = {e["id"]: e.get("sentence", "") for e in doc["entities"]}
    for eid, ref in refs.items():
        if ref[0] in ("Source", "Stage"):
            continue
        if not batch.has(ref):
            batch.node(*ref, sources=[sid])
        batch.rel("MENTIONS", src, ref, sentence=first.get(eid, ""))
    for i, item in enumerate(doc.get("sentences", [])):
        text, mentioned = (item, []) if isinstance(item, str) else (item["text"], item.get("mentions") or [])
        s = batch.node("Sentence", f"{sid}#{i}", text=text, position=i, source_id=sid, sources=[sid])
        batch.rel("HAS_SENTENCE", src, s, sources=[sid])
        for eid in mentioned:
            if eid in refs and refs[eid][0] not in ("Source", "Stage"):
                batch.rel("MENTIONS", s, refs[eid])
    return batch
