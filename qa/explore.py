"""The queries behind the Explore and Data pages: search options, paths, relationship menus, a timeline.

Pages hold no Cypher; they call these. Every query runs on both engines (no engine-specific
functions: variable-length paths are matched one length at a time, so the first length that finds
a path gives the shortest ones, with a bounded cost on any graph).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.ontology import ENTITY_LABELS, NODE_BY_LABEL, NODES, RELS, key_of
from graph.store import GNode, GraphStore, GRel

MAX_PATH_HOPS = 4


@dataclass(frozen=True)
class Option:
    """One searchable entry: an entity's name or one of its aliases."""

    text: str  # what the user sees and types against ("PRC → China · Country")
    uid: str  # the entity ("Country:China")


def entity_options(store: GraphStore) -> list[Option]:
    """Every entity by name, then by each alias, sorted by name: the Explore search box."""
    rows = store.run(
        "MATCH (n) WHERE NOT n:Source AND NOT n:Sentence AND n.name IS NOT NULL "
        "RETURN labels(n)[0] AS label, n AS n, n.aliases AS aliases"
    )
    main: list[Option] = []
    aliases: list[Option] = []
    seen: set[str] = set()
    for r in sorted(rows, key=lambda r: str(r["n"].name).lower()):
        node: GNode = r["n"]
        if node.label not in NODE_BY_LABEL:
            continue
        text = f"{node.name} · {node.label}"
        if text in seen:
            continue
        seen.add(text)
        main.append(Option(text, node.uid))
        for alias in r["aliases"] or []:
            if isinstance(alias, str) and alias and alias != node.name:
                atext = f"{alias} → {node.name} · {node.label}"
                if atext not in seen:
                    seen.add(atext)
                    aliases.append(Option(atext, node.uid))
    return main + aliases


def node(store: GraphStore, uid: str) -> GNode | None:
    """The node with this id ("Label:key"), or by name when the key is not the name (Policy, Event)."""
    label, _, key = uid.partition(":")
    if label not in NODE_BY_LABEL:
        return None
    rows = store.run(f"MATCH (n:{label}) WHERE n.{key_of(label)} = $k RETURN n LIMIT 1", {"k": key})
    if not rows and key_of(label) != "name":
        rows = store.run(f"MATCH (n:{label}) WHERE n.name = $k RETURN n LIMIT 1", {"k": key})
    return rows[0]["n"] if rows else None


def relationship_counts(store: GraphStore, uid: str) -> dict[str, int]:
    """How many relationships of each type touch this node: the "expand by type" menu."""
    n = node(store, uid)
    if n is None:
        return {}
    label = n.label
    rows = store.run(
        f"MATCH (n:{label})-[r]-(m) WHERE n.{key_of(label)} = $k AND NOT m:Source AND NOT m:Sentence "
        "RETURN type(r) AS t, count(r) AS c",
        {"k": n.props.get(key_of(label))},
    )
    return dict(sorted(((r["t"], int(r["c"])) for r in rows), key=lambda kv: -kv[1]))


@dataclass
class Path:
    nodes: list[GNode]
    rels: list[GRel]

    @property
    def hops(self) -> int:
        return len(self.rels)


def shortest_paths(store: GraphStore, a: str, b: str, max_hops: int = 3, limit: int = 10) -> list[Path]:
    """The shortest chains (any direction, no Source nodes, no node twice) between two entities.

    Lengths are tried from 1 up to `max_hops`; the first length with a chain is returned, up to `limit`.
    """
    na, nb = node(store, a), node(store, b)
    if na is None or nb is None or na.uid == nb.uid:
        return []
    la, lb = na.label, nb.label
    ka, kb = key_of(la), key_of(lb)
    for hops in range(1, max(1, min(MAX_PATH_HOPS, max_hops)) + 1):
        rows = store.run(
            f"MATCH (a:{la}), (b:{lb}) WHERE a.{ka} = $a AND b.{kb} = $b "
            f"MATCH p = (a)-[*{hops}]-(b) WHERE NONE(n IN nodes(p) WHERE n:Source OR n:Sentence) "
            "RETURN nodes(p) AS ns, relationships(p) AS rs LIMIT $cap",
            {"a": na.props.get(ka), "b": nb.props.get(kb), "cap": limit * 20},
        )
        found: list[Path] = []
        seen: set[tuple[str, ...]] = set()
        for r in rows:
            ns, rs = list(r["ns"]), list(r["rs"])
            uids = tuple(n.uid for n in ns)
            if len(set(uids)) != len(uids):  # a chain that visits a node twice is not a shortest one
                continue
            sig = uids + tuple(x.type for x in rs)
            if sig in seen:
                continue
            seen.add(sig)
            found.append(Path(ns, rs))
            if len(found) >= limit:
                break
        if found:
            return found
    return []


@dataclass
class TimelineItem:
    uid: str
    kind: str  # "Event" or "Policy"
    date: str  # ISO date (or year-month, or year) as recorded
    name: str
    what: str  # type or category
    status: str = ""
    countries: list[str] = field(default_factory=list)
    minerals: list[str] = field(default_factory=list)


def timeline(store: GraphStore, country: str | None = None, mineral: str | None = None) -> list[TimelineItem]:
    """Dated events and policies, oldest first, optionally only those touching a country or a mineral.

    A policy touches a country it was enacted by or targets, and a mineral it covers; an event touches
    the countries that took part (or whose officials did).
    """
    pol = store.run(
        "MATCH (p:Policy) WHERE p.date_announced IS NOT NULL "
        "OPTIONAL MATCH (p)-[:TARGETS]->(t:Country) OPTIONAL MATCH (e:Country)-[:ENACTED]->(p) "
        "OPTIONAL MATCH (p)-[:COVERS]->(m:Mineral) "
        "RETURN p AS n, collect(DISTINCT t.name) + collect(DISTINCT e.name) AS countries, "
        "collect(DISTINCT m.name) AS minerals"
    )
    ev = store.run(
        "MATCH (v:Event) WHERE v.date IS NOT NULL "
        "OPTIONAL MATCH (c:Country)-[:PARTICIPATED_IN]->(v) "
        "OPTIONAL MATCH (o:Official)-[:PARTICIPATED_IN]->(v) OPTIONAL MATCH (o)-[:HOLDS_OFFICE]->(oc:Country) "
        "RETURN v AS n, collect(DISTINCT c.name) + collect(DISTINCT oc.name) AS countries, [] AS minerals"
    )
    out: list[TimelineItem] = []
    for r in pol + ev:
        n: GNode = r["n"]
        countries = sorted({c for c in r["countries"] or [] if c})
        minerals = sorted({m for m in r["minerals"] or [] if m})
        if country and country not in countries:
            continue
        if mineral and mineral not in minerals:
            continue
        is_pol = n.label == "Policy"
        out.append(
            TimelineItem(
                uid=n.uid,
                kind=n.label,
                date=str(n.props.get("date_announced" if is_pol else "date") or ""),
                name=n.name,
                what=str(n.props.get("policy_type" if is_pol else "event_type") or ""),
                status=str(n.props.get("status") or "") if is_pol else "",
                countries=countries,
                minerals=minerals,
            )
        )
    return sorted(out, key=lambda t: (t.date, t.name))


def names_of(store: GraphStore, label: str) -> list[str]:
    """Every name of one label, sorted (filter menus)."""
    if label not in NODE_BY_LABEL:
        return []
    return sorted(r["name"] for r in store.run(f"MATCH (n:{label}) RETURN n.name AS name") if r["name"])


# -- the schema, as a graph to draw ---------------------------------------------------------------


def schema_graph() -> tuple[list[GNode], list[GRel]]:
    """The ontology as nodes (labels) and relationships (types, in their direction) for the schema diagram.

    Each label node carries its description and property names, each relationship its description,
    so the graph view's info panel reads as the schema's documentation.
    """
    nodes: dict[str, GNode] = {}
    for t in NODES:
        if t.label == "Sentence":
            continue
        props = {
            "name": t.label,
            "description": t.description,
            "key": t.key,
            "properties": ", ".join(p.name for p in t.props if p.name not in ("sources", "aliases")),
        }
        nodes[t.label] = GNode((t.label,), props)
    rels: list[GRel] = []
    for r in RELS:
        for s in r.start:
            for e in r.end:
                if s in nodes and e in nodes and (r.type != "MENTIONS" or s == "Source"):
                    desc = {"description": r.description}
                    extra = [p.name for p in r.props if p.name not in ("sources", "evidence")]
                    if extra:
                        desc["properties"] = ", ".join(extra)
                    desc["start_label"], desc["end_label"] = s, e
                    rels.append(GRel(r.type, nodes[s], nodes[e], desc))
    return list(nodes.values()), rels


def schema_rows() -> list[dict[str, str]]:
    """The ontology as a table: one row per label and per relationship type, with descriptions."""
    rows = [
        {
            "kind": "label",
            "name": t.label,
            "direction": "",
            "description": t.description,
            "properties": ", ".join(f"{p.name} ({p.type})" for p in t.props if p.name != "sources"),
        }
        for t in NODES
        if t.label in ENTITY_LABELS or t.label == "Source"
    ]
    rows += [
        {
            "kind": "relationship",
            "name": r.type,
            "direction": f"({' | '.join(r.start)}) → ({' | '.join(r.end)})",
            "description": r.description,
            "properties": ", ".join(f"{p.name} ({p.type})" for p in r.props if p.name not in ("sources", "evidence")),
        }
        for r in RELS
    ]
    return rows
