"""Neo4j adapter (production and scale-out): READ transactions for reads, batched UNWIND writes.

Every read runs in a READ-mode session and `execute_read` (the app's own reads too: `run` picks the
mode from the query's words). Reads of user and model queries also pass an EXPLAIN check (query
type 'r'), carry a timeout, and stop reading after `row_cap` rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from graph.cypher_text import significant, tokenize
from graph.errors import CypherSyntaxError, QueryError, QueryRefused, StoreUnavailable
from graph.ontology import NODE_BY_LABEL, NODES, RELS, key_of
from graph.store import GNode, GraphStore, GRel, batched

T = TypeVar("T")


class Neo4jStore:
    backend = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None, database: str | None = None):
        import neo4j

        self._neo4j = neo4j
        auth = (user, password or "") if user else None
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            self._driver.verify_connectivity()
        except Exception as e:  # the driver raises several unrelated types here
            raise StoreUnavailable(
                f"cannot reach Neo4j at {uri}: {e}. Start it (`make neo4j-up` or `docker compose up neo4j`) "
                "or unset NEO4J_URI to use the embedded database"
            ) from e
        self.uri = uri
        self.database = database
        self.index_path: Path | None = None  # where graph.entity_index keeps this server's index (set by connect)

    def _session(self, read: bool = False) -> Any:
        mode = self._neo4j.READ_ACCESS if read else self._neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        read = _reads_only(cypher)
        try:
            with self._session(read=read) as s:
                execute = s.execute_read if read else s.execute_write
                return execute(lambda tx: [_row(r) for r in tx.run(cypher, params or {})])
        except self._neo4j.exceptions.Neo4jError as e:
            raise QueryError(f"Neo4j rejected the query: {e.message}") from e
        except self._neo4j.exceptions.ServiceUnavailable as e:
            raise StoreUnavailable(f"lost the connection to Neo4j at {self.uri}: {e}") from e

    def query_type(self, cypher: str, params: dict[str, Any] | None = None) -> str:
        """'r', 'rw', 'w' or 's' from EXPLAIN, without running the query."""
        return self._explain(cypher, params)[0]

    def _explain(self, cypher: str, params: dict[str, Any] | None) -> tuple[str, list[str]]:
        """(query type, plan operator names) from EXPLAIN, without running the query."""
        try:
            with self._session(read=True) as s:
                summary = s.run("EXPLAIN " + cypher, params or {}).consume()
        except self._neo4j.exceptions.Neo4jError as e:
            raise QueryError(f"Neo4j rejected the query: {e.message}") from e
        ops: list[str] = []
        stack = [summary.plan or {}]
        while stack:
            node = stack.pop()
            ops.append(str(node.get("operatorType", "")).split("@")[0])
            stack.extend(node.get("children") or [])
        return summary.query_type or "", ops

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int = 5000,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        kind, ops = self._explain(cypher, params)
        if kind != "r":
            raise QueryRefused(f"questions may only read the graph; EXPLAIN says this query is of type '{kind}'")
        # Type 'r' still covers reading files and URLs and the server's own state (transactions, settings).
        if bad := [op for op in ops if op in _REFUSED_OPERATORS or op.startswith(("Show", "Terminate"))]:
            raise QueryRefused(
                f"questions may only read the graph; the plan uses {bad[0]}, which reaches outside the graph"
            )

        @self._neo4j.unit_of_work(timeout=timeout_ms / 1000.0)
        def work(tx: Any) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = []
            for record in tx.run(cypher, params or {}):
                if row_cap is not None and len(rows) >= row_cap:
                    break  # the rest is discarded unread when the transaction closes
                rows.append(_row(record))
            return rows

        fetch_size = max(1, min(row_cap + 1, 1000)) if row_cap is not None else 1000
        try:
            with self._driver.session(
                database=self.database, default_access_mode=self._neo4j.READ_ACCESS, fetch_size=fetch_size
            ) as s:
                return s.execute_read(work)
        except self._neo4j.exceptions.Neo4jError as e:
            code = e.code or ""
            if "Timeout" in code or "TransactionTimedOut" in code:
                raise QueryError(f"the query took longer than {timeout_ms} ms and was stopped") from e
            if "AccessMode" in code or "WriteOnReadOnly" in code:
                raise QueryRefused(f"questions may only read the graph: {e.message}") from e
            raise QueryError(f"Neo4j rejected the query: {e.message}") from e

    def write_rows(self, cypher: str, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> int:
        n = 0
        for batch in batched(rows, batch_size):
            res = self.run(cypher, {"rows": list(batch)})
            n += _engine_count(res, len(batch))
        return n

    def ensure_schema(self) -> None:
        for n in NODES:
            self.run(
                f"CREATE CONSTRAINT {n.label.lower()}_{n.key} IF NOT EXISTS "
                f"FOR (n:{n.label}) REQUIRE n.{n.key} IS UNIQUE"
            )
            if n.key != "name":
                self.run(f"CREATE INDEX {n.label.lower()}_name IF NOT EXISTS FOR (n:{n.label}) ON (n.name)")
        for r in RELS:
            if any(p.name == "year" for p in r.props):
                self.run(f"CREATE INDEX {r.type.lower()}_year IF NOT EXISTS FOR ()-[r:{r.type}]-() ON (r.year)")

    def constraints(self) -> list[tuple[str, str]]:
        rows = self.run("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN *")
        return [(row["labelsOrTypes"][0], p) for row in rows if "UNIQUENESS" in row["type"] for p in row["properties"]]

    def clear(self) -> None:
        """Relationships first, then nodes, 10k per transaction: a hub's 100k relationships never share one."""
        try:
            with self._session() as s:
                s.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
                s.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        except self._neo4j.exceptions.Neo4jError as e:
            raise QueryError(f"Neo4j could not clear the database: {e.message}") from e

    def replace(self, load: Callable[[GraphStore], T]) -> T:
        """Community Neo4j has one database, so no staging graph: the graph is read into memory first and
        written back if the load fails (readers see the new graph grow meanwhile)."""
        nodes = self.run("MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props")
        rels = self.run(
            "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props"
        )
        self.clear()
        try:
            return load(self)
        except BaseException:
            self.clear()
            self._restore(nodes, rels)
            raise

    def _restore(self, nodes: list[dict[str, Any]], rels: list[dict[str, Any]]) -> None:
        ref: dict[str, tuple[str, Any]] = {}
        by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for n in nodes:
            labels = tuple(n["labels"])
            ref[n["id"]] = (labels[0], n["props"].get(key_of(labels[0]) if labels[0] in NODE_BY_LABEL else "name"))
            by_labels.setdefault(labels, []).append({"props": n["props"]})
        for labels, rows in by_labels.items():
            self.write_rows(f"UNWIND $rows AS row CREATE (n:{':'.join(labels)}) SET n = row.props", rows)
        by_shape: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for r in rels:
            (al, ak), (bl, bk) = ref[r["a"]], ref[r["b"]]
            by_shape.setdefault((al, r["type"], bl), []).append({"a": ak, "b": bk, "props": r["props"]})
        for (al, t, bl), rows in by_shape.items():
            ka = key_of(al) if al in NODE_BY_LABEL else "name"
            kb = key_of(bl) if bl in NODE_BY_LABEL else "name"
            self.write_rows(
                f"UNWIND $rows AS row MATCH (a:{al} {{{ka}: row.a}}), (b:{bl} {{{kb}: row.b}}) "
                f"CREATE (a)-[r:{t}]->(b) SET r = row.props",
                rows,
            )

    def close(self) -> None:
        self._driver.close()


def _reads_only(cypher: str) -> bool:
    """Whether an app query only reads (so it can run in a READ transaction); unsure means no."""
    try:
        words = {t.text.upper() for t in significant(tokenize(cypher)) if t.kind == "id"}
    except CypherSyntaxError:
        return False
    return bool(words & {"MATCH", "RETURN"}) and not words & _WRITE_OR_ADMIN


_REFUSED_OPERATORS = frozenset({"LoadCSV", "AdministrationCommand"})
_WRITE_OR_ADMIN = frozenset(
    {"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD", "CALL", "SHOW", "USE",
     "TERMINATE", "INSERT", "ALTER", "GRANT", "DENY", "REVOKE", "START", "STOP", "NODETACH"}
)  # fmt: skip


def _row(record: Any) -> dict[str, Any]:
    return {k: _convert(v) for k, v in record.items()}


def _convert(v: Any) -> Any:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return GNode(tuple(v.labels), dict(v))
    if isinstance(v, Relationship):
        return GRel(v.type, _convert(v.start_node), _convert(v.end_node), dict(v))
    if isinstance(v, Path):
        return [_convert(n) for n in v.nodes] + [_convert(r) for r in v.relationships]
    if isinstance(v, list):
        return [_convert(x) for x in v]
    if isinstance(v, dict):
        return {k: _convert(x) for k, x in v.items()}
    if hasattr(v, "iso_format"):  # neo4j temporal types
        return v.iso_format()
    return v


def _engine_count(res: list[dict[str, Any]], sent: int) -> int:
    """What the engine counted, when the query returns `count(*) AS c`; else the rows sent."""
    return int(res[0]["c"]) if len(res) == 1 and "c" in res[0] else sent
