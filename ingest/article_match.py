"""What the article resolver reads from the graph, and how it matches drafts to what is already there.

An office to the role already held, a call to the dated event already in the graph, an export
control to the policy already recorded: matching here is what keeps a re-reported fact from
becoming a duplicate node.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.resolve import index_from_store
from graph.text import norm_key
from ingest.extract import Context

DATA = Path(__file__).resolve().parent.parent / "data"
DATASET_COUNTRIES = DATA / "dataset" / "countries.csv"
GAZETTEER = DATA / "gazetteer.csv"
STOP = {"of", "the", "for", "and", "s", "us", "u"}
ROLE_SYNONYMS = {"ceo": ("chief", "executive"), "treasury": ("treasury",), "pm": ("prime", "minister")}


# -- context from the graph ----------------------------------------------------------------------
def _gazetteer() -> dict[str, str]:
    """City -> country for headquarters ('Denver-based'): data/gazetteer.csv (GeoNames-derived, see its source column)."""
    global _GAZETTEER
    if _GAZETTEER is None:
        _GAZETTEER = {}
        if GAZETTEER.is_file():
            with GAZETTEER.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    _GAZETTEER.setdefault(norm_key(row["city"]), row["country"])
    return _GAZETTEER


_GAZETTEER: dict[str, str] | None = None


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
        ctx.gazetteer = _country_names(index, _gazetteer())
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


def _country_names(index, gazetteer: dict[str, str]) -> dict[str, str]:  # noqa: ANN001
    """The gazetteer's country names as the graph spells them ('Myanmar' -> 'Burma')."""
    spelled: dict[str, str] = {}
    out = {}
    for city, country in gazetteer.items():
        if country not in spelled:
            ent = index.resolve(country, ("Country",))
            spelled[country] = ent.name if ent else country
        out[city] = spelled[country]
    return out


_KEYS_QUERY = "MATCH (n) WHERE NOT n:Source AND NOT n:Sentence RETURN labels(n)[0] AS label, coalesce(n.policy_id, n.event_id, n.name) AS key"


# -- resolution ----------------------------------------------------------------------------------
def key_hash(*parts: Any) -> str:
    return "A-" + hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:10]


def role_tokens(role: str) -> set[str]:
    toks: set[str] = set()
    for t in norm_key(role).split():
        if t not in STOP:
            toks.update(ROLE_SYNONYMS.get(t, (t,)))
    return toks


def match_office(view: GraphView, person: str, org: tuple[str, str], role: str, date: str | None) -> str:
    """The role string already in the graph when its tokens cover the article's ('Treasury Secretary')."""
    want = role_tokens(role) - role_tokens(org[1])
    best = None
    for o in view.offices.get(person, []):
        if o["org"] != org[1] or not want or not want <= role_tokens(o["role"].split(";")[0] + " " + o["role"]):
            continue
        current = date and (o["start"] or "") <= date and (not o["end"] or date <= o["end"])
        if best is None or current:
            best = o
            if current:
                break
    return best["role"] if best else role


def match_event(view: GraphView, draft: dict) -> str | None:
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


def match_policy(view: GraphView, draft: dict) -> str | None:
    """The export control of the same country and month covering the most of the same minerals."""
    return match_policies(view, draft)[0]


def match_policies(view: GraphView, draft: dict) -> tuple[str | None, bool]:
    """(best policy, whether another policy fits as well): a tie makes the link a candidate, not a fact."""
    if draft.get("category") != "export_control" or not draft.get("date_announced"):
        return None, False
    month = draft["date_announced"][:7]
    minerals = {m[1] for m in draft.get("minerals", [])}
    best, best_score, tied = None, -1, False
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
            best, best_score, tied = p["id"], score, False
        elif score == best_score:
            tied = True
    return best, tied
