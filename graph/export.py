"""Export subgraphs (around an entity, or behind an answer).

Formats: JSON, GraphML (Gephi, yEd, Cytoscape), a zip of Neo4j bulk-import CSV files, and a Cypher
script of MERGE statements. Every export carries the Source nodes its nodes and relationships cite,
so an import (ingest/importer.py) keeps provenance.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from graph.cypher_text import cypher_literal
from graph.errors import RekgError
from graph.ontology import NODE_BY_LABEL, REL_BY_TYPE, REL_IDENTITY, key_of
from graph.store import GNode, GraphStore, GRel

FORMATS = ("json", "graphml", "csv", "cypher")
SUFFIX = {"json": ".json", "graphml": ".graphml", "csv": ".zip", "cypher": ".cypher"}
MIME = {
    "json": "application/json",
    "graphml": "application/xml",
    "csv": "application/zip",
    "cypher": "text/plain",
}
MAX_DEPTH = 3
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UnknownEntity(RekgError):
    """No entity in the graph has this name or alias."""


@dataclass
class Subgraph:
    nodes: list[GNode]
    relationships: list[GRel]
    truncated: bool = field(default=False, compare=False)

    @property
    def entity_nodes(self) -> list[GNode]:
        return [n for n in self.nodes if n.label != "Source"]

    def counts(self) -> tuple[int, int]:
        return len(self.nodes), len(self.relationships)


# -- building subgraphs ----------------------------------------------------------------------------


def subgraph_for_entity(
    store: GraphStore, name: str, depth: int = 1, rel_types: list[str] | None = None, limit: int = 500
) -> Subgraph:
    """The entity named `name` (a name or alias) and its neighbourhood up to `depth` hops (1..3).

    Source nodes are not neighbours (provenance lives in `sources` properties) but the Source nodes
    cited by the exported nodes and relationships are included. At most `limit` entity nodes.
    """
    from graph.entity_index import open_index

    index = open_index(store)
    ent = index.resolve(name, fuzzy=True)
    if ent is None:
        raise UnknownEntity(f"no entity named {name!r}{_did_you_mean(index, name)}")
    depth = max(1, min(MAX_DEPTH, int(depth)))
    types = [t for t in (rel_types or []) if t in REL_BY_TYPE] or None
    if rel_types and not types:
        raise RekgError(f"unknown relationship types {rel_types}; the ontology has {sorted(REL_BY_TYPE)}")
    start = _node(store, ent.label, ent.name)
    if start is None:  # the index knows it by name, the key differs (Policy, Event): look it up by name
        raise UnknownEntity(f"no entity named {name!r}{_did_you_mean(index, name)}")
    return neighbourhood(store, [start], depth=depth, rel_types=types, limit=limit)


def entity_node(store: GraphStore, name: str) -> GNode:
    """The node a name or alias resolves to (raises UnknownEntity with suggestions)."""
    from graph.entity_index import open_index

    index = open_index(store)
    ent = index.resolve(name, fuzzy=True)
    node = _node(store, ent.label, ent.name) if ent else None
    if node is None:
        raise UnknownEntity(f"no entity named {name!r}{_did_you_mean(index, name)}")
    return node


def neighbourhood(
    store: GraphStore,
    start: Iterable[GNode],
    *,
    depth: int = 1,
    rel_types: list[str] | None = None,
    limit: int = 500,
) -> Subgraph:
    """Breadth-first expansion, one query per hop and label (runs on FalkorDB and Neo4j alike).

    Bounded whatever the degrees: each hop first counts the frontier's relationships per type (in the
    engine); when they exceed the hop's row budget (twice `limit`), each type gets a fair share of it,
    so a hub's 100k HEADQUARTERED_IN companies do not crowd out its handful of PRODUCES rows, and the
    result is marked `truncated`. No query returns more than the budget.
    """
    nodes: dict[str, GNode] = {}
    for n in start:
        nodes.setdefault(n.uid, n)
    rels: dict[str, GRel] = {}
    frontier = list(nodes.values())
    truncated = False
    type_filter = " AND type(r) IN $types" if rel_types else ""
    hops = max(1, min(MAX_DEPTH, depth))
    for hop in range(hops):
        nxt: dict[str, GNode] = {}
        by_label: dict[str, list[str]] = {}
        for n in frontier:
            if n.label in NODE_BY_LABEL and n.label != "Source":
                by_label.setdefault(n.label, []).append(str(n.props.get(key_of(n.label))))
        for label, keys in by_label.items():
            rows, cut = _hop_rows(store, label, keys, rel_types, type_filter, budget=2 * max(1, limit))
            truncated = truncated or cut
            for row in rows:
                m, r = row["m"], row["r"]
                if m.uid not in nodes and m.uid not in nxt:
                    if len(nodes) + len(nxt) >= limit:
                        truncated = True
                        continue
                    nxt[m.uid] = m
                rels.setdefault(r.uid, r)
        nodes.update(nxt)
        frontier = list(nxt.values())
        if not frontier:
            break
        if len(nodes) >= limit and hop < hops - 1:  # full: a further hop could add no node, only links among them
            truncated = True
            break
    return _with_sources(store, list(nodes.values()), list(rels.values()), truncated)


def degree_by_type(
    store: GraphStore, label: str, keys: list[Any], rel_types: list[str] | None = None
) -> dict[str, int]:
    """Relationships (to non-Source nodes) of the nodes `label.key IN keys`, counted per type by the engine."""
    k = key_of(label)
    type_filter = " AND type(r) IN $types" if rel_types else ""
    rows = store.run(
        f"MATCH (n:{label})-[r]-(m) WHERE n.{k} IN $keys AND NOT m:Source{type_filter} RETURN type(r) AS t, count(r) AS c",
        {"keys": keys, "types": rel_types or []},
    )
    return {r["t"]: int(r["c"]) for r in rows}


def neighbours_page(
    store: GraphStore, node: GNode, rel_type: str, *, skip: int = 0, limit: int = 50
) -> list[tuple[GRel, GNode]]:
    """One page of a node's neighbours over one relationship type, in a stable order ('load more')."""
    if rel_type not in REL_BY_TYPE or node.label not in NODE_BY_LABEL:
        raise RekgError(f"unknown relationship type {rel_type!r} or label {node.label!r}")
    k = key_of(node.label)
    rows = store.run(
        f"MATCH (n:{node.label})-[r:{rel_type}]-(m) WHERE n.{k} = $key AND NOT m:Source "
        "RETURN r, m ORDER BY coalesce(m.name, m.id, m.title), id(r) SKIP $skip LIMIT $limit",
        {"key": node.props.get(k), "skip": int(skip), "limit": int(limit)},
    )
    return [(row["r"], row["m"]) for row in rows]


def _hop_rows(
    store: GraphStore, label: str, keys: list[Any], rel_types: list[str] | None, type_filter: str, *, budget: int
) -> tuple[list[dict[str, Any]], bool]:
    """The rows (n, r, m) of one hop from `label` nodes, at most `budget` of them; and whether some were left out."""
    k = key_of(label)
    degrees = degree_by_type(store, label, keys, rel_types)  # counted in the engine: no rows travel
    if sum(degrees.values()) <= budget:
        base = f"MATCH (n:{label})-[r]-(m) WHERE n.{k} IN $keys AND NOT m:Source"
        return store.run(f"{base}{type_filter} RETURN n, r, m", {"keys": keys, "types": rel_types or []}), False
    share = _fair_shares(degrees, budget)
    out: list[dict[str, Any]] = []
    for t, n in share.items():
        if n and IDENT.match(t):
            out += store.run(f"MATCH (n:{label})-[r:{t}]-(m) WHERE n.{k} IN $keys AND NOT m:Source RETURN n, r, m LIMIT $cap",
                             {"keys": keys, "cap": n})  # fmt: skip
    return out, True


def _fair_shares(degrees: dict[str, int], budget: int) -> dict[str, int]:
    """Water-filling: types with few relationships get them all, the rest split what is left equally."""
    share: dict[str, int] = {}
    left = dict(sorted(degrees.items(), key=lambda kv: kv[1]))
    remaining = budget
    while left:
        fair = max(1, remaining // len(left))
        t, c = next(iter(left.items()))
        share[t] = min(c, fair)
        remaining = max(0, remaining - share[t])
        del left[t]
    return share


def node_by_uid(store: GraphStore, uid: str) -> GNode | None:
    """The node with this backend-neutral id ("Label:key"), or None."""
    label, _, key = uid.partition(":")
    if label not in NODE_BY_LABEL:
        return None
    rows = store.run(f"MATCH (n:{label}) WHERE n.{key_of(label)} = $k RETURN n LIMIT 1", {"k": key})
    return rows[0]["n"] if rows else None


def merge_subgraphs(*subs: Subgraph) -> Subgraph:
    nodes: dict[str, GNode] = {}
    rels: dict[str, GRel] = {}
    for sub in subs:
        for n in sub.nodes:
            nodes.setdefault(n.uid, n)
        for r in sub.relationships:
            rels.setdefault(r.uid, r)
    return Subgraph(list(nodes.values()), list(rels.values()), any(s.truncated for s in subs))


def subgraph_for_answer(store: GraphStore, answer: Any) -> Subgraph:
    """The nodes and relationships behind an answer, plus the Source nodes they cite."""
    nodes: dict[str, GNode] = {}
    rels: dict[str, GRel] = {}
    for n in answer.nodes or []:
        nodes.setdefault(n.uid, n)
    for r in answer.relationships or []:
        rels.setdefault(r.uid, r)
        nodes.setdefault(r.start.uid, r.start)
        nodes.setdefault(r.end.uid, r.end)
    return _with_sources(store, list(nodes.values()), list(rels.values()), False)


def _node(store: GraphStore, label: str, name: str) -> GNode | None:
    rows = store.run(f"MATCH (n:{label}) WHERE n.name = $name RETURN n LIMIT 1", {"name": name})
    if not rows and key_of(label) != "name":
        rows = store.run(f"MATCH (n:{label}) WHERE n.{key_of(label)} = $name RETURN n LIMIT 1", {"name": name})
    return rows[0]["n"] if rows else None


def _did_you_mean(index: Any, name: str) -> str:
    from rapidfuzz import fuzz, process

    names = sorted({e.name for e in index.entities()})
    best = process.extract(name, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    return "; did you mean " + ", ".join(repr(b[0]) for b in best) + "?" if best else "; no similar name either"


def _with_sources(store: GraphStore, nodes: list[GNode], rels: list[GRel], truncated: bool) -> Subgraph:
    have = {n.props.get("id") for n in nodes if n.label == "Source"}
    cited: dict[str, None] = {}  # ordered set: membership is O(1) (a list made this quadratic at 10k nodes)
    items: list[GNode | GRel] = [*nodes, *rels]
    for item in items:
        for sid in item.props.get("sources") or []:
            if isinstance(sid, str) and sid not in have:
                cited[sid] = None
    ids = list(cited)
    if ids:
        rows = store.run("MATCH (s:Source) WHERE s.id IN $ids RETURN s", {"ids": ids})
        found = {r["s"].props.get("id"): r["s"] for r in rows}
        nodes = nodes + [found[i] for i in ids if i in found]
    return Subgraph(nodes, rels, truncated)


# -- writing ---------------------------------------------------------------------------------------


def export_bytes(sub: Subgraph, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(to_json(sub), ensure_ascii=False, indent=1, default=str).encode("utf-8")
    if fmt == "graphml":
        return to_graphml(sub).encode("utf-8")
    if fmt == "csv":
        return to_csv_zip(sub)
    if fmt == "cypher":
        return to_cypher(sub).encode("utf-8")
    raise RekgError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export_to_file(sub: Subgraph, fmt: str, path: Path | str) -> Path:
    path = Path(path)
    data = export_bytes(sub, fmt)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in sorted(props.items()):
        if v is None or v == "" or v == []:
            continue
        if isinstance(v, float) and not math.isfinite(v):
            continue
        out[k] = list(v) if isinstance(v, tuple) else v
    return out


def _rel_key(r: GRel) -> tuple:
    return (r.start.uid, r.type, r.end.uid, r.uid)


def to_json(sub: Subgraph) -> dict[str, Any]:
    return {
        "format": "rekg-subgraph",
        "version": 1,
        "nodes": [
            {"id": n.uid, "labels": [n.label], "properties": _clean(n.props)}
            for n in sorted(sub.nodes, key=lambda n: n.uid)
        ],
        "relationships": [
            {"type": r.type, "start": r.start.uid, "end": r.end.uid, "properties": _clean(r.props)}
            for r in sorted(sub.relationships, key=_rel_key)
        ],
    }


def _graphml_value(v: Any) -> tuple[str, str]:
    """(GraphML attr.type, text) of a property value; lists become JSON strings."""
    if isinstance(v, bool):
        return "boolean", "true" if v else "false"
    if isinstance(v, int):
        return "long", str(v)
    if isinstance(v, float):
        return "double", repr(v)
    if isinstance(v, (list, tuple)):
        return "string", json.dumps(list(v), ensure_ascii=False)
    return "string", str(v)


def to_graphml(sub: Subgraph) -> str:
    """GraphML with typed keys. Lists are JSON strings; a key used with two types becomes a string."""
    data = to_json(sub)
    key_types: dict[tuple[str, str], set[str]] = {}
    for domain, items in (("node", data["nodes"]), ("edge", data["relationships"])):
        for item in items:
            for k, v in item["properties"].items():
                key_types.setdefault((domain, k), set()).add(_graphml_value(v)[0])
    key_types[("node", "labels")] = {"string"}
    key_types[("edge", "label")] = {"string"}
    ids: dict[tuple[str, str], str] = {}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    final: dict[tuple[str, str], str] = {}
    for i, ((domain, k), types) in enumerate(sorted(key_types.items())):
        t = next(iter(types)) if len(types) == 1 else ("double" if types <= {"long", "double"} else "string")
        final[(domain, k)] = t
        ids[(domain, k)] = f"d{i}"
        out.append(f'  <key id="d{i}" for="{domain}" attr.name="{_xa(k)}" attr.type="{t}"/>')
    out.append('  <graph id="rekg" edgedefault="directed">')

    def datum(domain: str, k: str, v: Any) -> str:
        t = final[(domain, k)]
        text = _graphml_value(v)[1]
        if t == "double" and isinstance(v, int) and not isinstance(v, bool):
            text = repr(float(v))
        return f'      <data key="{ids[(domain, k)]}">{xml_escape(text)}</data>'

    for n in data["nodes"]:
        out.append(f'    <node id="{_xa(n["id"])}">')
        out.append(datum("node", "labels", ":" + ":".join(n["labels"])))
        out += [datum("node", k, v) for k, v in n["properties"].items()]
        out.append("    </node>")
    for i, r in enumerate(data["relationships"]):
        out.append(f'    <edge id="e{i}" source="{_xa(r["start"])}" target="{_xa(r["end"])}">')
        out.append(datum("edge", "label", r["type"]))
        out += [datum("edge", k, v) for k, v in r["properties"].items()]
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


def _xa(s: str) -> str:
    return xml_escape(str(s), {'"': "&quot;"})


# Neo4j bulk-import CSV (neo4j-admin database import): typed headers, ';' array delimiter.
ARRAY_DELIMITER = ";"
FALLBACK_DELIMITERS = ("|", "¦", "\u001f")  # used (and named in rekg.json) only when a list item contains ';'
CSV_TYPES = {"int", "float", "boolean", "string", "string[]", "int[]", "float[]", "boolean[]"}


def _csv_type(values: Iterable[Any]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, bool):
            kinds.add("boolean")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float):
            kinds.add("float")
        elif isinstance(v, (list, tuple)):
            kinds.add("list")
        else:
            kinds.add("string")
    if kinds == {"list"}:
        return "string[]"
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds == {"int", "float"}:
        return "float"
    return "string"


# A text cell that starts like a formula ("=cmd|' /C calc'!A0") is prefixed with ' so a spreadsheet shows it as
# text (OWASP CSV injection); a leading ' is escaped the same way, so `csv_unescape` restores every value exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
FORMULA_ESCAPE = "'"


def csv_escape(text: str) -> str:
    return FORMULA_ESCAPE + text if text.startswith(FORMULA_START) else text


def csv_unescape(text: str) -> str:
    """The reader's half of `csv_escape` (for exports whose rekg.json says `formula_escape`)."""
    return text[1:] if text.startswith(FORMULA_ESCAPE) else text


def _csv_cell(v: Any, t: str, delim: str = ARRAY_DELIMITER) -> str:
    if v is None:
        return ""
    if t == "string[]":
        items = [csv_escape(str(x)) for x in (v if isinstance(v, (list, tuple)) else [v])]
        return delim.join(items)
    if t == "boolean":
        return "true" if v else "false"
    if t == "float":
        return repr(float(v))
    if isinstance(v, (list, tuple)):
        return json.dumps(list(v), ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return csv_escape(str(v)) if t == "string" else str(v)


def _csv_table(items: list[dict[str, Any]], fixed: list[str], delim: str) -> str:
    keys = sorted({k for it in items for k in it["properties"]})
    types = {k: _csv_type(it["properties"][k] for it in items if k in it["properties"]) for k in keys}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fixed + [f"{k}:{types[k]}" for k in keys])
    for it in items:
        w.writerow(it["_fixed"] + [_csv_cell(it["properties"].get(k), types[k], delim) for k in keys])
    return buf.getvalue()


def _put(z: zipfile.ZipFile, name: str, data: str) -> None:
    """An entry dated 1980-01-01, so the same subgraph always exports to the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def to_csv_zip(sub: Subgraph) -> bytes:
    data = to_json(sub)
    nodes = [dict(n, _fixed=[n["id"], ";".join(n["labels"])]) for n in data["nodes"]]
    rels = [dict(r, _fixed=[r["start"], r["end"], r["type"]]) for r in data["relationships"]]
    items = [str(x) for it in data["nodes"] + data["relationships"] for v in it["properties"].values()
             if isinstance(v, list) for x in v]  # fmt: skip
    delim = next(d for d in (ARRAY_DELIMITER, *FALLBACK_DELIMITERS) if not any(d in x for x in items))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _put(z, "nodes.csv", _csv_table(nodes, ["id:ID", ":LABEL"], delim))
        _put(z, "relationships.csv", _csv_table(rels, [":START_ID", ":END_ID", ":TYPE"], delim))
        meta = {"format": "rekg-neo4j-csv", "version": 2, "array_delimiter": delim, "formula_escape": FORMULA_ESCAPE}
        _put(z, "rekg.json", json.dumps(meta))
        shown = delim if delim != "\u001f" else "\\x1f"
        _put(
            z,
            "README.txt",
            "rekg export in Neo4j bulk-import form. Load with:\n"
            "  neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv "
            f"--array-delimiter='{shown}' --multiline-fields=true neo4j\n"
            "or into rekg (idempotent): rekg import export.zip\n"
            "Text cells that begin with = + - @ ' or a tab carry one extra leading ' (so a spreadsheet never runs\n"
            "them as formulas); rekg import removes it.\n",
        )
    return buf.getvalue()


def _cypher_name(name: str) -> str:
    if IDENT.match(name):
        return name
    return "`" + name.replace("`", "``") + "`"


def _cypher_map(props: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{_cypher_name(k)}: {cypher_literal(v)}" for k, v in props.items()) + "}"


def to_cypher(sub: Subgraph) -> str:
    """One MERGE per node (on its ontology key) and one per relationship (on its identity properties)."""

    data = to_json(sub)
    label_of = {n["id"]: n["labels"][0] for n in data["nodes"]}
    key_value = {n["id"]: n["properties"].get(key_of(n["labels"][0])) for n in data["nodes"]}
    lines = [
        f"// rekg export: {len(data['nodes'])} nodes, {len(data['relationships'])} relationships.",
        "// Runs in Neo4j (cypher-shell) or FalkorDB; `rekg import FILE` loads it without executing it.",
    ]
    for n in data["nodes"]:
        label = n["labels"][0]
        k = key_of(label)
        rest = {p: v for p, v in n["properties"].items() if p != k}
        stmt = f"MERGE (n:{label} {{{_cypher_name(k)}: {cypher_literal(n['properties'].get(k))}}})"
        if rest:
            stmt += f" SET n += {_cypher_map(rest)}"
        lines.append(stmt + ";")
    for r in data["relationships"]:
        sl, el = label_of[r["start"]], label_of[r["end"]]
        # as ingest/batch.py writes them: a missing identity property is '' (so a headline never merges into a detail)
        ident = {p: r["properties"].get(p, "") for p in REL_IDENTITY.get(r["type"], ())}
        rest = {p: v for p, v in r["properties"].items() if p not in ident}
        stmt = (
            f"MATCH (a:{sl} {{{_cypher_name(key_of(sl))}: {cypher_literal(key_value[r['start']])}}}), "
            f"(b:{el} {{{_cypher_name(key_of(el))}: {cypher_literal(key_value[r['end']])}}}) "
            f"MERGE (a)-[r:{r['type']}{' ' + _cypher_map(ident) if ident else ''}]->(b)"
        )
        if rest:
            stmt += f" SET r += {_cypher_map(rest)}"
        lines.append(stmt + ";")
    return "\n".join(lines) + "\n"
