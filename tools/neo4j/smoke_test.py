"""Smoke test for the local Neo4j dev server (tools/neo4j/neo4j.sh).

    .venv/bin/python tools/neo4j/smoke_test.py write   # after `neo4j.sh up` on a fresh data dir
    .venv/bin/python tools/neo4j/smoke_test.py check   # after down + up: data must still be there

Uses NEO4J_URI (default bolt://127.0.0.1:7687), auth=None. Touches only :RekgSmoke nodes.
"""

from __future__ import annotations

import os
import sys
import time

import neo4j
from neo4j import GraphDatabase, Query
from neo4j.exceptions import ClientError, ConstraintError

URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
N = 1000


def write(driver: neo4j.Driver) -> None:
    print("driver", neo4j.__version__, "server", driver.get_server_info().agent)

    # 1. uniqueness constraint
    with driver.session() as s:
        summary = s.run(
            "CREATE CONSTRAINT rekg_smoke_id IF NOT EXISTS FOR (n:RekgSmoke) REQUIRE n.id IS UNIQUE"
        ).consume()
        print("constraint: constraints_added =", summary.counters.constraints_added)
        rows = s.run(
            "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
            "WHERE name = 'rekg_smoke_id' RETURN name, type, labelsOrTypes, properties"
        ).data()
        print("constraint:", rows)

    # 2. UNWIND of a 1000-row parameter list, in a managed write transaction
    rows = [{"id": f"n{i}", "i": i, "name": f"node {i}"} for i in range(N)]

    def _create(tx: neo4j.ManagedTransaction) -> neo4j.ResultSummary:
        return tx.run(
            "UNWIND $rows AS r MERGE (n:RekgSmoke {id: r.id}) SET n.i = r.i, n.name = r.name",
            rows=rows,
        ).consume()

    t = time.perf_counter()
    with driver.session() as s:
        summary = s.execute_write(_create)
    print(
        f"unwind {N} rows: nodes_created={summary.counters.nodes_created} "
        f"properties_set={summary.counters.properties_set} in {time.perf_counter() - t:.3f}s"
    )

    # 3. constraint is enforced
    with driver.session() as s:
        try:
            s.run("CREATE (:RekgSmoke {id: 'n0'})").consume()
            print("constraint violation: NOT raised (unexpected)")
        except ConstraintError as e:
            print("constraint violation raised:", type(e).__name__, e.code)

    read_checks(driver)

    # 4. EXPLAIN of write queries -> query_type
    with driver.session() as s:
        for q in (
            "EXPLAIN CREATE (n:RekgSmoke {id: $id})",
            "EXPLAIN MERGE (n:RekgSmoke {id: $id}) RETURN n",
            "EXPLAIN MATCH (n:RekgSmoke) RETURN n",
        ):
            qt = s.run(q, id="x").consume().query_type
            print(f"{q!r}: query_type={qt!r}")

    # 5. transaction timeouts from the driver
    with driver.session() as s:
        t = time.perf_counter()
        v = s.run(Query("MATCH (n:RekgSmoke) RETURN count(n) AS c", timeout=1.0)).single()["c"]
        print(f"Query(timeout=1.0) fast query ok: c={v} in {time.perf_counter() - t:.3f}s")
        t = time.perf_counter()
        try:
            s.run(
                Query(
                    "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(*) AS c",
                    timeout=1.0,
                )
            ).consume()
            print("Query(timeout=1.0) slow query: finished without timeout (unexpected)")
        except ClientError as e:
            print(
                f"Query(timeout=1.0) slow query aborted after {time.perf_counter() - t:.2f}s:",
                type(e).__name__,
                e.code,
            )

    def _slow(tx: neo4j.ManagedTransaction) -> int:
        return tx.run("UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(*) AS c").single()["c"]

    with driver.session() as s:
        t = time.perf_counter()
        try:
            s.execute_read(neo4j.unit_of_work(timeout=1.0)(_slow))
            print("unit_of_work(timeout=1.0): finished without timeout (unexpected)")
        except ClientError as e:
            print(
                f"unit_of_work(timeout=1.0) execute_read aborted after {time.perf_counter() - t:.2f}s:",
                type(e).__name__,
                e.code,
            )


def read_checks(driver: neo4j.Driver) -> None:
    def _read(tx: neo4j.ManagedTransaction) -> tuple[int, int, list[str]]:
        rec = tx.run("MATCH (n:RekgSmoke) RETURN count(n) AS c, sum(n.i) AS s").single()
        ids = tx.run("MATCH (n:RekgSmoke) WHERE n.i < 3 RETURN n.id AS id ORDER BY n.i").value("id")
        return rec["c"], rec["s"], ids

    with driver.session(default_access_mode=neo4j.READ_ACCESS) as s:
        c, total, ids = s.execute_read(_read)
    print(f"execute_read: count={c} sum(i)={total} first ids={ids}")
    assert c == N and total == N * (N - 1) // 2, (c, total)

    with driver.session() as s:
        try:
            s.execute_read(lambda tx: tx.run("CREATE (:RekgSmoke {id: 'in-read-tx'})").consume())
            print("write inside execute_read: allowed (unexpected)")
        except ClientError as e:
            print("write inside execute_read rejected:", e.code)


def check(driver: neo4j.Driver) -> None:
    read_checks(driver)
    with driver.session() as s:
        rows = s.run("SHOW CONSTRAINTS YIELD name, type WHERE name = 'rekg_smoke_id' RETURN name, type").data()
    print("constraint after restart:", rows)
    assert rows, "constraint missing after restart"


def main() -> int:
    phase = sys.argv[1] if len(sys.argv) > 1 else "write"
    with GraphDatabase.driver(URI, auth=None) as driver:
        driver.verify_connectivity()
        if phase == "write":
            write(driver)
        elif phase == "check":
            check(driver)
        elif phase == "clean":
            with driver.session() as s:
                s.run("MATCH (n:RekgSmoke) DETACH DELETE n").consume()
                s.run("DROP CONSTRAINT rekg_smoke_id IF EXISTS").consume()
            print("cleaned")
        else:
            print("usage: smoke_test.py write|check|clean", file=sys.stderr)
            return 2
    print("OK", phase)
    return 0


if __name__ == "__main__":
    sys.exit(main())
