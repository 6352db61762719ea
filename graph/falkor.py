"""FalkorDB adapter (the embedded default). Reads from questions go through GRAPH.RO_QUERY."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.exceptions import SchemaVersionMismatchException
from falkordb.node import Node
from falkordb.path import Path as FPath
from falkordb.query_result import QueryResult

from graph import embedded
from graph.errors import QueryError, QueryRefused, StoreUnavailable
from graph.ontology import NODES, RELS
from graph.store import GNode, GraphStore, GRel, batched

T = TypeVar("T")

GRAPH_NAME = "rekg"
STAGING_NAME = "rekg-staging"  # where `replace` builds the new graph before renaming it over GRAPH_NAME


class FalkorStore:
    backend = "falkordb"

    def __init__(self, data_dir: Path, *, start: bool = True) -> None:
        self.data_dir = data_dir
        self._client_fd: int | None = None  # this process's registration as a client of the server
        if start:
            handle, self._client_fd = embedded.attach(data_dir)
        else:
            found = embedded.status(data_dir)
            if found is None:
                raise StoreUnavailable(f"no FalkorDB server is running for {data_dir}; run `rekg db start`")
            handle = found
        self.handle = handle
        self._db = FalkorDB(unix_socket_path=str(handle.socket))
        self._graph = self._db.select_graph(GRAPH_NAME)
        self._ids: dict[int, GNode] = {}

    # -- queries ---------------------------------------------------------------------------
    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._exec(cypher, params, read_only=False, timeout_ms=None)

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int = 5000,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        return self._exec(cypher, params, read_only=True, timeout_ms=timeout_ms, row_cap=row_cap)

    def _exec(
        self,
        cypher: str,
        params: dict[str, Any] | None,
        *,
        read_only: bool,
        timeout_ms: int | None,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        try:
            return self._exec_once(cypher, params, read_only=read_only, timeout_ms=timeout_ms, row_cap=row_cap)
        except StoreUnavailable:
            if not read_only or self._client_fd is None:
                raise  # a write is not retried: the caller must know it may not have happened
        # The server died under a long-lived client (a UI): start it again (its AOF has every write) and retry.
        self.handle = embedded.start(self.data_dir)
        self._db = FalkorDB(unix_socket_path=str(self.handle.socket))
        self._graph = self._db.select_graph(self._graph.name)
        return self._exec_once(cypher, params, read_only=read_only, timeout_ms=timeout_ms, row_cap=row_cap)

    def _exec_once(
        self,
        cypher: str,
        params: dict[str, Any] | None,
        *,
        read_only: bool,
        timeout_ms: int | None,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        try:
            if read_only and row_cap is not None:
                res = self._ro_capped(cypher, params, timeout_ms, row_cap)
            elif read_only:
                res = self._graph.ro_query(cypher, params or None, timeout=timeout_ms)
            else:
                res = self._graph.query(cypher, params or None, timeout=timeout_ms)
        except redis.exceptions.ResponseError as e:
            msg = str(e)
            if read_only and ("read-only" in msg.lower() or "is a write" in msg.lower()):
                raise QueryRefused(f"questions may only read the graph; the engine refused a write: {msg}") from e
            if "timed out" in msg.lower() or "timeout" in msg.lower():
                raise QueryError(f"the query took longer than {timeout_ms} ms and was stopped") from e
            raise QueryError(f"FalkorDB rejected the query: {msg}") from e
        except (redis.exceptions.ConnectionError, OSError) as e:
            raise StoreUnavailable(f"lost the connection to the embedded FalkorDB server: {e}") from e
        header = [h[1] if isinstance(h, (list, tuple)) else h for h in (res.header or [])]
        self._ids = {}
        out = []
        for row in res.result_set:
            for v in row:  # nodes first, so a relationship finds its far node in the row (no lookup query)
                if isinstance(v, Node):
                    self._convert(v)
            out.append({col: self._convert(v) for col, v in zip(header, row)})
        return out

    def _ro_capped(self, cypher: str, params: dict[str, Any] | None, timeout_ms: int | None, cap: int) -> QueryResult:
        """GRAPH.RO_QUERY with only the first `cap` rows parsed (the server sends them all; we read N).

        Built like falkordb's `Graph._query`, so the reply is cut before the client decodes it."""
        command: list[Any] = ["GRAPH.RO_QUERY", self._graph.name, self._graph._build_params_header(params or None) + cypher,
                              "--compact"]  # fmt: skip
        if timeout_ms is not None:
            command += ["timeout", int(timeout_ms)]
        for attempt in (1, 2):
            response = self._graph.execute_command(*command)
            if isinstance(response, list) and len(response) == 3 and isinstance(response[1], list):
                response[1] = response[1][:cap]
            try:
                return QueryResult(self._graph, response)
            except SchemaVersionMismatchException as e:  # the client's label/type cache is stale
                self._graph.schema.refresh(e.version)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _convert(self, v: Any) -> Any:
        if isinstance(v, Node):
            if v.id is not None and v.id in self._ids:
                return self._ids[v.id]
            node = GNode(tuple(v.labels or ()), dict(v.properties))
            if v.id is not None:
                self._ids[v.id] = node
            return node
        if isinstance(v, Edge):
            start = self._node_of(v.src_node)
            end = self._node_of(v.dest_node)
            return GRel(v.relation, start, end, dict(v.properties))
        if isinstance(v, FPath):
            nodes = [self._convert(n) for n in v.nodes()]
            return nodes + [self._convert(e) for e in v.edges()]
        if isinstance(v, list):
            return [self._convert(x) for x in v]
        if isinstance(v, dict):
            return {k: self._convert(x) for k, x in v.items()}
        return v

    def _node_of(self, ref: Any) -> GNode:
        if isinstance(ref, Node):
            return self._convert(ref)
        if ref in self._ids:
            return self._ids[ref]
        rows = self._graph.ro_query("MATCH (n) WHERE id(n) = $id RETURN n", {"id": int(ref)}).result_set
        node = self._convert(rows[0][0]) if rows else GNode(("?",), {"name": str(ref)})
        self._ids[int(ref)] = node
        return node

    def write_rows(self, cypher: str, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> int:
        n = 0
        for batch in batched(rows, batch_size):
            res = self.run(cypher, {"rows": list(batch)})  # one GRAPH.QUERY: atomic
            n += _engine_count(res, len(batch))
        return n

    def explain(self, cypher: str, params: dict[str, Any] | None = None) -> str:
        try:
            return str(self._graph.explain(cypher, params or None))
        except redis.exceptions.ResponseError as e:
            raise QueryError(f"FalkorDB rejected the query: {e}") from e

    # -- schema ----------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        existing = {(c.get("label"), tuple(c.get("properties", []))) for c in self._constraints()}
        for n in NODES:
            self._ignore_exists(f"CREATE INDEX FOR (n:{n.label}) ON (n.{n.key})")
            if n.key != "name":
                self._ignore_exists(f"CREATE INDEX FOR (n:{n.label}) ON (n.name)")
            if (n.label, (n.key,)) not in existing:
                try:
                    self._graph.create_node_unique_constraint(n.label, n.key)
                except redis.exceptions.ResponseError as e:
                    if "already exists" not in str(e).lower():
                        raise QueryError(f"could not create the unique constraint on {n.label}.{n.key}: {e}") from e
        for r in RELS:
            if any(p.name == "year" for p in r.props):
                self._ignore_exists(f"CREATE INDEX FOR ()-[r:{r.type}]-() ON (r.year)")

    def _constraints(self) -> list[dict[str, Any]]:
        try:
            return list(self._graph.list_constraints())
        except redis.exceptions.ResponseError:
            return []

    def constraints(self) -> list[tuple[str, str]]:
        """(label, property) of the unique constraints in force."""
        out = []
        for c in self._constraints():
            if str(c.get("type", "")).upper() == "UNIQUE" and c.get("entitytype", "NODE") == "NODE":
                for p in c.get("properties", []):
                    out.append((str(c.get("label")), str(p)))
        return out

    def _ignore_exists(self, cypher: str) -> None:
        try:
            self._graph.query(cypher)
        except redis.exceptions.ResponseError as e:
            if "already" not in str(e).lower():
                raise QueryError(f"schema statement failed: {cypher}: {e}") from e

    def clear(self) -> None:
        try:
            self._graph.delete()
        except redis.exceptions.ResponseError:
            pass  # the graph did not exist yet
        self._graph = self._db.select_graph(self._graph.name)

    def replace(self, load: Callable[[GraphStore], T]) -> T:
        staging = copy.copy(self)
        staging._client_fd = None  # never closed: this store stays the client
        staging._graph, staging._ids = self._db.select_graph(STAGING_NAME), {}
        staging.clear()  # a staging graph left by a load that was killed
        try:
            result = load(staging)
        except BaseException:
            with contextlib.suppress(redis.exceptions.RedisError):
                staging._graph.delete()
            raise
        self._db.connection.execute_command("RENAME", STAGING_NAME, GRAPH_NAME)  # atomic: the old graph goes
        self._graph, self._ids = self._db.select_graph(GRAPH_NAME), {}
        return result

    def close(self) -> None:
        try:
            self._db.connection.close()
        except Exception:  # noqa: BLE001 - closing must not fail the caller
            pass
        if self._client_fd is not None:
            fd, self._client_fd = self._client_fd, None
            embedded.detach(self.data_dir, fd)  # stops the server only if no other process uses it


def _engine_count(res: list[dict[str, Any]], sent: int) -> int:
    """What the engine counted, when the query returns `count(*) AS c`; else the rows sent."""
    return int(res[0]["c"]) if len(res) == 1 and "c" in res[0] else sent
