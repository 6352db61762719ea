"""`rekg import`: load an export (JSON, a zip of Neo4j bulk-import CSV, a Cypher script) into the graph.

Files are never executed: each format is parsed into a `GraphBatch`, validated against the ontology,
and written with the idempotent `write_batch`. A bad file raises ImportFormatError and writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.cypher_text import read_string
from graph.errors import CypherSyntaxError, ImportFormatError, IngestError
from graph.export import ARRAY_DELIMITER, CSV_TYPES, FORMULA_ESCAPE, IDENT, csv_unescape
from graph.ontology import NODE_BY_LABEL, REL_BY_TYPE, key_of, rel_allowed
from graph.store import GraphStore
from graph.text import control_char
from ingest.batch import GraphBatch, write_batch

# Limits on what an import may make this process read (a 5.8 MB zip can expand to 1.5 GB).
MAX_IMPORT_BYTES = 1 << 30  # the file itself
MAX_MEMBER_BYTES = 1 << 30  # one zip member, uncompressed
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per member (a rekg export compresses about 10:1)

# -- reading ---------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    nodes: list[tuple[str, dict[str, Any]]]  # (label, props)
    rels: list[tuple[str, tuple[str, Any], tuple[str, Any], dict[str, Any]]]  # type, (label,key), (label,key), props


def import_file(store: GraphStore, path: Path | str) -> tuple[int, int]:
    """Load an export (JSON, CSV zip, Cypher script) idempotently; a bad file raises and writes nothing."""

    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ImportFormatError(f"{path}: {size / 1e6:.0f} MB is over the import limit of {MAX_IMPORT_BYTES >> 20} MB")
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


def _no_control(value: Any, where: str) -> None:
    """Refuse a control character anywhere in a value, a list or an object (keys too), naming where it is."""
    if isinstance(value, str):
        bad = control_char(value)
        if bad:
            raise ImportFormatError(f"{where}: control character {bad} in {value[:40]!r}; no value may contain one")
    elif isinstance(value, list):
        for x in value:
            _no_control(x, where)
    elif isinstance(value, dict):
        for k, x in value.items():
            _no_control(k, where)
            _no_control(x, f"{where}, property {k!r}" if isinstance(k, str) and not control_char(k) else where)


def _check_props(props: dict[str, Any], what: str) -> None:
    _no_control(props, what)
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
    except RecursionError:
        raise ImportFormatError(
            "not a rekg export: the JSON nests too deeply (an export is four levels deep)"
        ) from None
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
        _no_control(n, where)
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
        _no_control(r, where)
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


def _parse_cell(text: str, t: str, where: str, delim: str = ARRAY_DELIMITER, escaped: bool = False) -> Any:
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
            return [_parse_cell(x, base, where, escaped=escaped) for x in items]
    except ValueError as e:
        raise ImportFormatError(f"{where}: {text!r} is not a valid {t}") from e
    return csv_unescape(text) if escaped else text


def _read_csv(
    raw: bytes, name: str, fixed: list[str], delim: str = ARRAY_DELIMITER, escaped: bool = False
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
        _no_control(row[: len(fixed)], f"{name}, line {line}")
        for (col, t), cell in zip(cols, row[len(fixed) :]):
            v = _parse_cell(cell, t, f"{name}, line {line}, column {col!r}", delim, escaped)
            _no_control(v, f"{name}, line {line}, column {col!r}")
            if v is not None:
                props[col] = v
        out.append((row[: len(fixed)], props, line))
    return out


def _member(z: zipfile.ZipFile, name: str) -> bytes:
    """One member, read in chunks that stop at the size limit (the sizes a zip declares can lie)."""
    info = z.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1024):
        raise ImportFormatError(
            f"{name} in the zip expands to {info.file_size / 1e6:.0f} MB from {info.compress_size / 1e6:.1f} MB; "
            f"refused (limits: {MAX_MEMBER_BYTES >> 20} MB and {MAX_ZIP_RATIO}:1)"
        )
    out = bytearray()
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            out += chunk
            if len(out) > min(MAX_MEMBER_BYTES, MAX_ZIP_RATIO * max(info.compress_size, 1024)):
                raise ImportFormatError(f"{name} in the zip expands past its declared size and the limits; refused")
    return bytes(out)


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
        delim, escaped = ARRAY_DELIMITER, False
        if "rekg.json" in names:
            try:
                meta = json.loads(_member(z, "rekg.json"))
                delim = meta.get("array_delimiter", ARRAY_DELIMITER)
                escaped = meta.get("formula_escape") == FORMULA_ESCAPE
            except (ValueError, AttributeError) as e:
                raise ImportFormatError(f"rekg.json in the zip is not valid: {e}") from e
            if not isinstance(delim, str) or len(delim) != 1:
                raise ImportFormatError("rekg.json: array_delimiter must be one character")
        node_rows = _read_csv(_member(z, "nodes.csv"), "nodes.csv", ["id:ID", ":LABEL"], delim, escaped)
        rel_rows = _read_csv(
            _member(z, "relationships.csv"), "relationships.csv", [":START_ID", ":END_ID", ":TYPE"], delim, escaped
        )
    nodes = []
    ref: dict[str, tuple[str, Any]] = {}
    for (nid, labels), props, line in node_rows:
        label = next((lb for lb in labels.split(";") if lb in NODE_BY_LABEL), None)
        if label is None:
            raise ImportFormatError(f"nodes.csv, line {line}: unknown label {labels!r}")
        nodes.append((label, props))
        ref[nid] = (label, props.get(key_of(label)))
    rels = []
    for (start, end, t), props, line in rel_rows:
        for side in (start, end):
            if side not in ref:
                raise ImportFormatError(f"relationships.csv, line {line}: {side!r} is not an id in nodes.csv")
        rels.append((t, ref[start], ref[end], props))
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
            items: list[Any] = []
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
        """A single-quoted literal, decoded by the shared reader (strict: only the escapes the exporter writes)."""
        if not self.peek("'"):
            raise self.fail('expected "\'"')
        try:
            value, self.i = read_string(self.s, self.i, strict=True)
        except CypherSyntaxError as e:
            self.i = e.position
            raise self.fail(e.reason) from e
        return value

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
            props: dict[str, Any] = {key_of(label): key}
            if cur.peek(" SET n += "):
                cur.expect(" SET n += ")
                rest = cur.map()
                if key_of(label) in rest:
                    raise cur.fail("the key property is set twice")
                props.update(rest)
            cur.end()
            _no_control(props, f"line {line_no}")
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
            props = {}
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
            _no_control([start[1], end[1], props], f"line {line_no}")
            rels.append((type_, start, end, props))
        else:
            raise ImportFormatError(
                f"line {line_no}: not a statement rekg exports (only `MERGE (n:Label {{key: ...}}) ...;` and "
                f"`MATCH (a:...), (b:...) MERGE (a)-[r:TYPE ...]->(b) ...;` lines are read): {line[:60]!r}"
            )
    return _Parsed(nodes, rels)
