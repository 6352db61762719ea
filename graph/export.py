"""Export subgraphs (around an entity, or behind an answer) and import them back.

Formats: JSON, GraphML (Gephi, yEd, Cytoscape), a zip of Neo4j bulk-import CSV files, and a Cypher
script of MERGE statements. Every export carries the Source nodes its nodes and relationships cite,
so an import keeps provenance. Imports never execute the file: each format is parsed into a
`GraphBatch`, validated against the ontology, then written with the idempotent `write_batch`.
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

from graph.errors import ImportFormatError, IngestError, RekgError
from graph.ontology import NODE_BY_LABEL, REL_BY_TYPE, key_of, rel_allowed
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
    from ingest.resolve import index_from_store

    index = index_from_store(store)
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
    from ingest.resolve import index_from_store

    index = index_from_store(store)
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
    """Breadth-first expansion, one query per hop and label (runs on FalkorDB and Neo4j alike)."""
    nodes: dict[str, GNode] = {}
    for n in start:
        nodes.setdefault(n.uid, n)
    rels: dict[str, GRel] = {}
    frontier = list(nodes.values())
    truncated = False
    type_filter = " AND type(r) IN $types" if rel_types else ""
    for _ in range(max(1, min(MAX_DEPTH, depth))):
        nxt: dict[str, GNode] = {}
        by_label: dict[str, list[str]] = {}
        for n in frontier:
            if n.label in NODE_BY_LABEL and n.label != "Source":
                by_label.setdefault(n.label, []).append(n.props.get(key_of(n.label)))
        for label, keys in by_label.items():
            k = key_of(label)
            rows = store.run(
                f"MATCH (n:{label})-[r]-(m) WHERE n.{k} IN $keys AND NOT m:Source{type_filter} "
                "RETURN n, r, m LIMIT $cap",
                {"keys": keys, "types": rel_types or [], "cap": limit * 20},
            )
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
    return _with_sources(store, list(nodes.values()), list(rels.values()), truncated)


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
    ids: list[str] = []
    for item in [*nodes, *rels]:
        for sid in item.props.get("sources") or []:
            if isinstance(sid, str) and sid not in ids and sid not in have:
                ids.append(sid)
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


def _csv_cell(v: Any, t: str, delim: str = ARRAY_DELIMITER) -> str:
    if v is None:
        return ""
    if t == "string[]":
        items = [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
        return delim.join(items)
    if t == "boolean":
        return "true" if v else "false"
    if t == "float":
        return repr(float(v))
    if isinstance(v, (list, tuple)):
        return json.dumps(list(v), ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _csv_table(items: list[dict[str, Any]], fixed: list[str], delim: str) -> str:
    keys = sorted({k for it in items for k in it["properties"]})
    types = {k: _csv_type(it["properties"][k] for it in items if k in it["properties"]) for k in keys}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fixed + [f"{k}:{types[k]}" for k in keys])
    for it in items:
        w.writerow(it["_fixed"] + [_csv_cell(it["properties"].get(k), types[k], delim) for k in keys])
    return buf.getvalue()


def to_csv_zip(sub: Subgraph) -> bytes:
    data = to_json(sub)
    nodes = [dict(n, _fixed=[n["id"], ";".join(n["labels"])]) for n in data["nodes"]]
    rels = [dict(r, _fixed=[r["start"], r["end"], r["type"]]) for r in data["relationships"]]
    items = [str(x) for it in data["nodes"] + data["relationships"] for v in it["properties"].values()
             if isinstance(v, list) for x in v]  # fmt: skip
    delim = next(d for d in (ARRAY_DELIMITER, *FALLBACK_DELIMITERS) if not any(d in x for x in items))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.csv", _csv_table(nodes, ["id:ID", ":LABEL"], delim))
        z.writestr("relationships.csv", _csv_table(rels, [":START_ID", ":END_ID", ":TYPE"], delim))
        z.writestr("rekg.json", json.dumps({"format": "rekg-neo4j-csv", "version": 1, "array_delimiter": delim}))
        shown = delim if delim != "\u001f" else "\\x1f"
        z.writestr(
            "README.txt",
            "rekg export in Neo4j bulk-import form. Load with:\n"
            "  neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv "
            f"--array-delimiter='{shown}' --multiline-fields=true neo4j\n"
            "or into rekg (idempotent): rekg import export.zip\n",
        )
    return buf.getvalue()


def cypher_literal(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return "null"
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    s = str(v)
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _cypher_name(name: str) -> str:
    if IDENT.match(name):
        return name
    return "`" + name.replace("`", "``") + "`"


def _cypher_map(props: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{_cypher_name(k)}: {cypher_literal(v)}" for k, v in props.items()) + "}"


def to_cypher(sub: Subgraph) -> str:
    """One MERGE per node (on its ontology key) and one per relationship (on its identity properties)."""
    from ingest.batch import REL_IDENTITY

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
        idents = [p for p in REL_IDENTITY.get(r["type"], ()) if r["properties"].get(p) is not None]
        ident = {p: r["properties"][p] for p in idents}
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


# -- reading ---------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    nodes: list[tuple[str, dict[str, Any]]]  # (label, props)
    rels: list[tuple[str, tuple[str, Any], tuple[str, Any], dict[str, Any]]]  # type, (label,key), (label,key), props


def import_file(store: GraphStore, path: Path | str) -> tuple[int, int]:
    """Load an export (JSON, CSV zip, Cypher script) idempotently; a bad file raises and writes nothing."""
    from ingest.batch import write_batch

    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            parsed = parse_json(path.read_bytes())
        elif suffix == ".zip":
            parsed = parse_csv_zip(path.read_bytes())
        elif suffix in (".cypher", ".cql"):
            parsed = parse_cypher(path.read_text(encoding="utf-8"))
        else:
            raise ImportFormatError(
                f"unknown file type {suffix or '(none)'}; rekg imports .json, .zip (Neo4j CSV) and .cypher/.cql exports"
            )
        batch = _to_batch(parsed)
    except ImportFormatError as e:
        raise ImportFormatError(f"{path}: {e}") from e
    except (IngestError, UnicodeDecodeError) as e:
        raise ImportFormatError(f"{path}: {e}") from e
    store.ensure_schema()
    write_batch(store, batch)
    return batch.counts()


def _to_batch(p: _Parsed):  # noqa: ANN202
    from ingest.batch import GraphBatch

    batch = GraphBatch()
    for label, props in p.nodes:
        if label not in NODE_BY_LABEL:
            raise ImportFormatError(f"unknown node label {label!r}; the ontology has {', '.join(NODE_BY_LABEL)}")
        _check_props(props, f"a {label} node")
        key = props.get(key_of(label))
        if key in (None, ""):
            raise ImportFormatError(f"a {label} node has no {key_of(label)} (its key property)")
        batch.node(label, str(key), **{k: v for k, v in props.items() if k != key_of(label)})
    for type_, (sl, sk), (el, ek), props in p.rels:
        if type_ not in REL_BY_TYPE:
            raise ImportFormatError(f"unknown relationship type {type_!r}; the ontology has {', '.join(REL_BY_TYPE)}")
        for label in (sl, el):
            if label not in NODE_BY_LABEL:
                raise ImportFormatError(f"unknown node label {label!r} at an end of a {type_} relationship")
        if not rel_allowed(type_, sl, el):
            raise ImportFormatError(f"the ontology does not allow ({sl})-[:{type_}]->({el})")
        _check_props(props, f"a {type_} relationship")
        start, end = (sl, str(sk)), (el, str(ek))
        for ref in (start, end):
            if not batch.has(ref):
                raise ImportFormatError(f"a {type_} relationship refers to {ref[0]}:{ref[1]}, which is not in the file")
        batch.rel(type_, start, end, **props)
    return batch


def _check_props(props: dict[str, Any], what: str) -> None:
    for k, v in props.items():
        if not isinstance(k, str) or not IDENT.match(k):
            raise ImportFormatError(f"{what} has an invalid property name {k!r}")
        values = v if isinstance(v, list) else [v]
        for x in values:
            if x is not None and not isinstance(x, (str, int, float, bool)):
                raise ImportFormatError(f"{what}: property {k!r} must be a string, number, boolean or list of them")


def _split_uid(uid: Any, where: str) -> tuple[str, str]:
    if not isinstance(uid, str) or ":" not in uid:
        raise ImportFormatError(f"{where}: node id {uid!r} is not of the form Label:key")
    label, key = uid.split(":", 1)
    return label, key


def parse_json(raw: bytes) -> _Parsed:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ImportFormatError(f"not valid JSON: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ImportFormatError('expected an object with "nodes" and "relationships" lists (a rekg JSON export)')
    rels_in = data.get("relationships", [])
    if not isinstance(rels_in, list):
        raise ImportFormatError('"relationships" must be a list')
    nodes: list[tuple[str, dict[str, Any]]] = []
    ref: dict[str, tuple[str, Any]] = {}
    for i, n in enumerate(data["nodes"]):
        where = f"nodes[{i}]"
        if not isinstance(n, dict) or not isinstance(n.get("labels"), list) or not n["labels"]:
            raise ImportFormatError(f"{where}: expected {{'id', 'labels', 'properties'}}")
        props = n.get("properties") or {}
        if not isinstance(props, dict):
            raise ImportFormatError(f"{where}: properties must be an object")
        label = next((lb for lb in n["labels"] if lb in NODE_BY_LABEL), n["labels"][0])
        if label not in NODE_BY_LABEL:
            raise ImportFormatError(f"{where}: unknown node label {label!r}")
        nodes.append((label, props))
        nid = n.get("id") or f"{label}:{props.get(key_of(label))}"
        ref[str(nid)] = (label, props.get(key_of(label)))
    rels = []
    for i, r in enumerate(rels_in):
        where = f"relationships[{i}]"
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("type", "start", "end")):
            raise ImportFormatError(f"{where}: expected {{'type', 'start', 'end', 'properties'}}")
        props = r.get("properties") or {}
        if not isinstance(props, dict):
            raise ImportFormatError(f"{where}: properties must be an object")
        ends = []
        for side in ("start", "end"):
            if r[side] not in ref:
                raise ImportFormatError(f"{where}: {side} {r[side]!r} is not a node id in the file")
            ends.append(ref[r[side]])
        rels.append((r["type"], ends[0], ends[1], props))
    return _Parsed(nodes, rels)


def _parse_header(cell: str, where: str) -> tuple[str, str]:
    if ":" in cell:
        name, t = cell.rsplit(":", 1)
    else:
        name, t = cell, "string"
    if name and t not in CSV_TYPES and t not in ("ID", "LABEL", "START_ID", "END_ID", "TYPE"):
        raise ImportFormatError(f"{where}: unsupported column type in header {cell!r}")
    return name, t


def _parse_cell(text: str, t: str, where: str, delim: str = ARRAY_DELIMITER) -> Any:
    if text == "":
        return None
    try:
        if t == "int":
            return int(text)
        if t == "float":
            return float(text)
        if t == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
        if t.endswith("[]"):
            items = text.split(delim)
            base = t[:-2]
            return [_parse_cell(x, base, where) for x in items]
    except ValueError as e:
        raise ImportFormatError(f"{where}: {text!r} is not a valid {t}") from e
    return text


def _read_csv(
    raw: bytes, name: str, fixed: list[str], delim: str = ARRAY_DELIMITER
) -> list[tuple[list[str], dict[str, Any], int]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFormatError(f"{name} is not UTF-8: {e}") from e
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [(reader.line_num, row) for row in reader]  # the file line the record ends on
    except csv.Error as e:
        raise ImportFormatError(f"{name}, line {reader.line_num}: {e}") from e
    if not rows:
        raise ImportFormatError(f"{name} is empty (it needs a header row)")
    header = rows[0][1]
    if header[: len(fixed)] != fixed:
        raise ImportFormatError(f"{name}, line 1: the header must start with {','.join(fixed)}; found {header}")
    cols = [_parse_header(h, f"{name}, line 1") for h in header[len(fixed) :]]
    out = []
    for line, row in rows[1:]:
        if not row:
            continue
        if len(row) != len(header):
            raise ImportFormatError(f"{name}, line {line}: {len(row)} fields, the header has {len(header)}")
        props = {}
        for (col, t), cell in zip(cols, row[len(fixed) :]):
            v = _parse_cell(cell, t, f"{name}, line {line}, column {col!r}", delim)
            if v is not None:
                props[col] = v
        out.append((row[: len(fixed)], props, line))
    return out


def parse_csv_zip(raw: bytes) -> _Parsed:
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as e:
        raise ImportFormatError(f"not a zip file: {e}") from e
    with z:
        names = set(z.namelist())
        for need in ("nodes.csv", "relationships.csv"):
            if need not in names:
                raise ImportFormatError(f"the zip has no {need} (expected nodes.csv and relationships.csv)")
        delim = ARRAY_DELIMITER
        if "rekg.json" in names:
            try:
                delim = json.loads(z.read("rekg.json")).get("array_delimiter", ARRAY_DELIMITER)
            except (ValueError, AttributeError) as e:
                raise ImportFormatError(f"rekg.json in the zip is not valid: {e}") from e
            if not isinstance(delim, str) or len(delim) != 1:
                raise ImportFormatError("rekg.json: array_delimiter must be one character")
        node_rows = _read_csv(z.read("nodes.csv"), "nodes.csv", ["id:ID", ":LABEL"], delim)
        rel_rows = _read_csv(z.read("relationships.csv"), "relationships.csv", [":START_ID", ":END_ID", ":TYPE"], delim)
    nodes = []
    ref: dict[str, tuple[str, Any]] = {}
    for (nid, labels), props, line in node_rows:
        label = next((lb for lb in labels.split(";") if lb in NODE_BY_LABEL), None)
        if label is None:
            raise ImportFormatError(f"nodes.csv, line {line}: unknown label {labels!r}")
        nodes.append((label, props))
        ref[nid] = (label, props.get(key_of(label)))
    rels = []
    for (s, e, t), props, line in rel_rows:
        for side in (s, e):
            if side not in ref:
                raise ImportFormatError(f"relationships.csv, line {line}: {side!r} is not an id in nodes.csv")
        rels.append((t, ref[s], ref[e], props))
    return _Parsed(nodes, rels)


# A strict reader of exactly the statements `to_cypher` writes. Nothing in the file is executed.


class _Lit:
    """A cursor over one statement, reading Cypher literals and fixed text."""

    def __init__(self, text: str, line: int) -> None:
        self.s, self.i, self.line = text, 0, line

    def fail(self, what: str) -> ImportFormatError:
        return ImportFormatError(f"line {self.line}: {what} at column {self.i + 1}: {self.s[self.i : self.i + 40]!r}")

    def expect(self, token: str) -> None:
        if not self.s.startswith(token, self.i):
            raise self.fail(f"expected {token!r}")
        self.i += len(token)

    def peek(self, token: str) -> bool:
        return self.s.startswith(token, self.i)

    def regex(self, pattern: str, what: str) -> str:
        m = re.compile(pattern).match(self.s, self.i)
        if not m:
            raise self.fail(f"expected {what}")
        self.i = m.end()
        return m.group(0)

    def name(self) -> str:
        if self.peek("`"):
            m = re.compile(r"`((?:[^`]|``)+)`").match(self.s, self.i)
            if not m:
                raise self.fail("expected a quoted name")
            self.i = m.end()
            return m.group(1).replace("``", "`")
        return self.regex(r"[A-Za-z_][A-Za-z0-9_]*", "a name")

    def value(self) -> Any:
        if self.peek("'"):
            return self.string()
        if self.peek("["):
            self.expect("[")
            items = []
            if self.peek("]"):
                self.expect("]")
                return items
            while True:
                v = self.value()
                if isinstance(v, list):
                    raise self.fail("nested lists are not allowed")
                items.append(v)
                if self.peek(", "):
                    self.expect(", ")
                    continue
                self.expect("]")
                return items
        for word, v in (("null", None), ("true", True), ("false", False)):
            if self.peek(word):
                self.expect(word)
                return v
        num = self.regex(r"-?(?:\d+\.\d*(?:e[+-]?\d+)?|\d+e[+-]?\d+|\d+)", "a literal (string, number, boolean, list)")
        return float(num) if any(c in num for c in ".e") else int(num)

    def string(self) -> str:
        self.expect("'")
        out = []
        esc = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
        while True:
            if self.i >= len(self.s):
                raise self.fail("unterminated string")
            ch = self.s[self.i]
            if ch == "'":
                self.i += 1
                return "".join(out)
            if ch == "\\":
                nxt = self.s[self.i + 1 : self.i + 2]
                if nxt in esc:
                    out.append(esc[nxt])
                    self.i += 2
                elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", self.s[self.i + 2 : self.i + 6]):
                    out.append(chr(int(self.s[self.i + 2 : self.i + 6], 16)))
                    self.i += 6
                else:
                    raise self.fail("invalid escape in a string")
                continue
            out.append(ch)
            self.i += 1

    def map(self) -> dict[str, Any]:
        self.expect("{")
        out: dict[str, Any] = {}
        if self.peek("}"):
            self.expect("}")
            return out
        while True:
            k = self.name()
            self.expect(": ")
            if k in out:
                raise self.fail(f"property {k!r} given twice")
            out[k] = self.value()
            if self.peek(", "):
                self.expect(", ")
                continue
            self.expect("}")
            return out

    def label(self) -> str:
        label = self.regex(r"[A-Za-z_][A-Za-z0-9_]*", "a label")
        if label not in NODE_BY_LABEL:
            raise self.fail(f"unknown node label {label!r}")
        return label

    def keyed_node(self, var: str) -> tuple[str, Any]:
        self.expect(f"({var}:")
        label = self.label()
        self.expect(" {")
        k = self.name()
        if k != key_of(label):
            raise self.fail(f"{label} nodes are matched on {key_of(label)!r}, not {k!r}")
        self.expect(": ")
        v = self.value()
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            raise self.fail("a node key must be a string or number")
        self.expect("})")
        return label, v

    def end(self) -> None:
        self.expect(";")
        if self.i != len(self.s):
            raise self.fail("unexpected text after the statement")


def parse_cypher(text: str) -> _Parsed:
    nodes: list[tuple[str, dict[str, Any]]] = []
    rels = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        cur = _Lit(line, line_no)
        if line.startswith("MERGE (n:"):
            cur.expect("MERGE ")
            label, key = cur.keyed_node("n")
            props = {key_of(label): key}
            if cur.peek(" SET n += "):
                cur.expect(" SET n += ")
                rest = cur.map()
                if key_of(label) in rest:
                    raise cur.fail("the key property is set twice")
                props.update(rest)
            cur.end()
            nodes.append((label, props))
        elif line.startswith("MATCH (a:"):
            cur.expect("MATCH ")
            start = cur.keyed_node("a")
            cur.expect(", ")
            end = cur.keyed_node("b")
            cur.expect(" MERGE (a)-[r:")
            type_ = cur.regex(r"[A-Z_][A-Z0-9_]*", "a relationship type")
            if type_ not in REL_BY_TYPE:
                raise cur.fail(f"unknown relationship type {type_!r}")
            props: dict[str, Any] = {}
            if cur.peek(" {"):
                cur.expect(" ")
                props.update(cur.map())
            cur.expect("]->(b)")
            if cur.peek(" SET r += "):
                cur.expect(" SET r += ")
                rest = cur.map()
                if set(rest) & set(props):
                    raise cur.fail("a property is set twice")
                props.update(rest)
            cur.end()
            rels.append((type_, start, end, props))
        else:
            raise ImportFormatError(
                f"line {line_no}: not a statement rekg exports (only `MERGE (n:Label {{key: ...}}) ...;` and "
                f"`MATCH (a:...), (b:...) MERGE (a)-[r:TYPE ...]->(b) ...;` lines are read): {line[:60]!r}"
            )
    return _Parsed(nodes, rels)
