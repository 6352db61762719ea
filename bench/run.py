"""Benchmarks: medians (and p95) over repeated runs, engines side by side, ratios FalkorDB/Neo4j.

    .venv/bin/python bench/run.py                       # embedded FalkorDB only
    .venv/bin/python bench/run.py --neo4j bolt://127.0.0.1:7687   # both engines (start it: make neo4j-up)
    .venv/bin/python bench/run.py --only ask --repeat 5

What is measured:
  ingest     the starter dataset from empty (validation + MERGE), relationships/s
  synthetic  a generated graph (default 100k nodes, 500k relationships): FalkorDB with falkordb-bulk-loader,
             both engines with batched UNWIND ... MATCH ... CREATE (incremental load)
  lookup     point lookup by key; 2-hop neighbourhood around an entity
  export     subgraph export (JSON) around an entity, depth 2
  ask        every question of ../shared/eval/dev.jsonl (or bench/questions.txt) through the offline translator,
             in one process: median and p95 per question
Results go to stdout as a Markdown table and to bench/results.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import embedded  # noqa: E402
from graph.settings import Settings  # noqa: E402
from ingest.load import ingest_dataset  # noqa: E402


def median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, times


def open_backend(backend: str, uri: str | None, data_dir: Path):  # noqa: ANN201
    from graph.connect import open_store

    return open_store(Settings(data_dir=data_dir, neo4j_uri=uri if backend == "neo4j" else None))


def bench_ingest(backend: str, uri: str | None, repeat: int) -> dict:
    rels = 0
    times = []
    for _ in range(repeat):
        d = Path(tempfile.mkdtemp(prefix="rekg-bench-"))
        store = open_backend(backend, uri, d)
        store.clear()
        t0 = time.perf_counter()
        rep = ingest_dataset(store, reset=False)
        times.append(time.perf_counter() - t0)
        rels = rep.relationships
        store.close()
    med = statistics.median(times)
    return {"median_s": round(med, 3), "relationships": rels, "rels_per_s": round(rels / med)}


def synth_rows(n_nodes: int, n_rels: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(seed)
    nodes = [{"name": f"synthetic-{i}", "value": i} for i in range(n_nodes)]
    rels = [
        {"a": f"synthetic-{rnd.randrange(n_nodes)}", "b": f"synthetic-{rnd.randrange(n_nodes)}", "w": i}
        for i in range(n_rels)
    ]
    return nodes, rels


def bench_synthetic_unwind(backend: str, uri: str | None, n_nodes: int, n_rels: int) -> dict:
    d = Path(tempfile.mkdtemp(prefix="rekg-bench-syn-"))
    store = open_backend(backend, uri, d)
    store.clear()
    store.run("CREATE INDEX FOR (n:Synthetic) ON (n.name)") if backend == "falkordb" else store.run(
        "CREATE INDEX synthetic_name IF NOT EXISTS FOR (n:Synthetic) ON (n.name)"
    )
    nodes, rels = synth_rows(n_nodes, n_rels)
    t0 = time.perf_counter()
    store.write_rows("UNWIND $rows AS r CREATE (:Synthetic {name: r.name, value: r.value})", nodes, 5000)
    t1 = time.perf_counter()
    store.write_rows(
        "UNWIND $rows AS r MATCH (a:Synthetic {name: r.a}) MATCH (b:Synthetic {name: r.b}) CREATE (a)-[:LINK {w: r.w}]->(b)",
        rels,
        5000,
    )
    t2 = time.perf_counter()
    two_hop = median_ms(
        lambda: store.read(
            "MATCH (a:Synthetic {name: $n})-[:LINK]->()-[:LINK]->(c) RETURN count(c) AS c", {"n": "synthetic-42"}
        ),
        50,
    )
    store.clear()
    store.close()
    if backend == "falkordb":
        embedded.stop(d)
    return {
        "nodes_s": round(t1 - t0, 2),
        "rels_s": round(t2 - t1, 2),
        "rels_per_s": round(n_rels / (t2 - t1)),
        "two_hop_median_ms": round(two_hop[0], 3),
    }


def bench_synthetic_bulk(n_nodes: int, n_rels: int) -> dict:
    """FalkorDB's fastest path: falkordb-bulk-loader builds the graph from CSV files."""
    d = Path(tempfile.mkdtemp(prefix="rekg-bench-bulk-"))
    h = embedded.start(d)
    nodes, rels = synth_rows(n_nodes, n_rels)
    nf, rf = d / "Synthetic.csv", d / "LINK.csv"
    with open(nf, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "value"])
        w.writerows([[n["name"], n["value"]] for n in nodes])
    with open(rf, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["src", "dst", "w"])
        w.writerows([[r["a"], r["b"], r["w"]] for r in rels])
    loader = str(Path(sys.executable).parent / "falkordb-bulk-insert")
    t0 = time.perf_counter()
    p = subprocess.run(
        [loader, "bulk", "-u", f"unix://{h.socket}", "-n", str(nf), "-r", str(rf), "-b", "8"],
        capture_output=True,
        text=True,
    )
    dt = time.perf_counter() - t0
    embedded.stop(d)
    if p.returncode != 0:
        return {"error": p.stderr[-500:]}
    return {"total_s": round(dt, 2), "rels_per_s": round(n_rels / dt)}


def bench_lookups(backend: str, uri: str | None, repeat: int) -> dict:
    d = Path(tempfile.mkdtemp(prefix="rekg-bench-lk-"))
    store = open_backend(backend, uri, d)
    ingest_dataset(store, reset=True)
    point = median_ms(
        lambda: store.read("MATCH (c:Company {name: $n}) RETURN c.name AS n", {"n": "Lynas Rare Earths"}), repeat
    )
    hop2 = median_ms(
        lambda: store.read(
            "MATCH (c:Company {name: $n})-[*1..2]-(x) RETURN count(DISTINCT x) AS c", {"n": "MP Materials"}
        ),
        repeat,
    )
    out = {"point_lookup_ms": round(point[0], 3), "two_hop_ms": round(hop2[0], 3)}
    try:
        from graph.export import export_bytes, subgraph_for_entity

        exp = median_ms(
            lambda: export_bytes(subgraph_for_entity(store, "MP Materials", depth=2), "json"), max(5, repeat // 4)
        )
        out["export_depth2_ms"] = round(exp[0], 3)
    except ImportError:
        pass
    store.close()
    return out


def load_questions() -> list[str]:
    dev = ROOT.parent / "shared" / "eval" / "dev.jsonl"
    if dev.exists():
        return [json.loads(line)["question"] for line in dev.read_text().splitlines() if line.strip()]
    return [q for q in (ROOT / "bench" / "questions.txt").read_text().splitlines() if q.strip()]


def bench_ask(backend: str, uri: str | None, repeat: int) -> dict:
    from qa.answer import Asker

    d = Path(tempfile.mkdtemp(prefix="rekg-bench-ask-"))
    settings = Settings(data_dir=d, neo4j_uri=uri if backend == "neo4j" else None)
    store = open_backend(backend, uri, d)
    ingest_dataset(store, reset=True)
    asker = Asker(store, settings)
    questions = load_questions()
    asker.ask(questions[0])  # build the entity index once, as a running app would
    per_q = []
    for q in questions:
        med, _, _ = median_ms(lambda q=q: Asker.ask(asker, q), repeat)
        asker.history.clear()
        per_q.append(med)
    store.close()
    per_q.sort()
    return {
        "questions": len(questions),
        "median_ms": round(statistics.median(per_q), 2),
        "p95_ms": round(per_q[min(len(per_q) - 1, int(round(0.95 * (len(per_q) - 1))))], 2),
        "max_ms": round(per_q[-1], 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neo4j", default=os.environ.get("NEO4J_URI"), help="Neo4j bolt URI to compare against")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (medians are reported)")
    ap.add_argument("--nodes", type=int, default=100_000, help="synthetic nodes")
    ap.add_argument("--rels", type=int, default=500_000, help="synthetic relationships")
    ap.add_argument("--only", choices=["ingest", "synthetic", "lookup", "ask"], action="append", help="run only these")
    args = ap.parse_args()
    backends = ["falkordb"] + (["neo4j"] if args.neo4j else [])
    only = set(args.only or ["ingest", "synthetic", "lookup", "ask"])
    results: dict = {"repeat": args.repeat, "backends": backends, "machine": f"{os.cpu_count()} cores"}
    for b in backends:
        r: dict = {}
        if "ingest" in only:
            r["ingest"] = bench_ingest(b, args.neo4j, args.repeat)
        if "lookup" in only:
            r["lookup"] = bench_lookups(b, args.neo4j, max(50, args.repeat * 20))
        if "ask" in only:
            r["ask"] = bench_ask(b, args.neo4j, args.repeat)
        if "synthetic" in only:
            r["synthetic_unwind"] = bench_synthetic_unwind(b, args.neo4j, args.nodes, args.rels)
            if b == "falkordb":
                r["synthetic_bulk"] = bench_synthetic_bulk(args.nodes, args.rels)
        results[b] = r
        print(f"{b}: {json.dumps(r)}", file=sys.stderr)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2))
    print(table(results))
    return 0


def table(res: dict) -> str:
    rows = [
        ("starter ingest, median s", ("ingest", "median_s")),
        ("starter ingest, relationships/s", ("ingest", "rels_per_s")),
        ("point lookup, median ms", ("lookup", "point_lookup_ms")),
        ("2-hop neighbourhood, median ms", ("lookup", "two_hop_ms")),
        ("subgraph export depth 2, median ms", ("lookup", "export_depth2_ms")),
        ("ask (dev set), median ms per question", ("ask", "median_ms")),
        ("ask (dev set), p95 ms", ("ask", "p95_ms")),
        ("synthetic UNWIND load, relationships/s", ("synthetic_unwind", "rels_per_s")),
        ("synthetic 2-hop count, median ms", ("synthetic_unwind", "two_hop_median_ms")),
        ("synthetic bulk loader, relationships/s", ("synthetic_bulk", "rels_per_s")),
    ]
    both = "neo4j" in res
    out = [
        "| measure | FalkorDB | " + ("Neo4j | FalkorDB/Neo4j |" if both else ""),
        "|---|---|" + ("---|---|" if both else ""),
    ]
    for label, (sec, key) in rows:
        f = res["falkordb"].get(sec, {}).get(key)
        if f is None:
            continue
        line = f"| {label} | {f} |"
        if both:
            n = res["neo4j"].get(sec, {}).get(key)
            ratio = f"{f / n:.2f}" if isinstance(n, (int, float)) and n else "–"
            line += f" {n if n is not None else '–'} | {ratio} |"
        out.append(line)
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
