"""Scale benchmark (issue 16): the product's API beside the raw engine on a synthetic graph shaped like the ontology.

    .venv/bin/python bench/scale.py --scale 100k                                  # embedded FalkorDB
    .venv/bin/python bench/scale.py --scale 100k --neo4j bolt://127.0.0.1:7693     # both engines, same run
    .venv/bin/python bench/scale.py --nodes 20000 --rels 100000 --repeat 5         # a quick look

The graph: the bundled dataset, then synthetic companies (most nodes), facilities, officials, policies
and events, with HEADQUARTERED_IN skewed to a few countries (China holds a third: a hub), SUPPLIES and
PARTNERS_WITH with preferential attachment, and two named hubs: 'Hub Thousand Metals' (about 1k
neighbours) and 'Hub Myriad Metals' (about 10k). It is loaded through the product's own write path
(`ingest.batch.write_batch`, streamed in chunks) and, for the load baseline, a sample through raw
`UNWIND ... CREATE` on a scratch label.

Every query operation runs product call and raw call interleaved, `--repeat` times; the table gives
p50 and p95 of each and the ratio of the medians (product / raw). Results go to stdout (Markdown) and
to bench/scale-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.settings import Settings  # noqa: E402

SCALES = {"10k": (10_000, 50_000), "100k": (100_000, 500_000), "1m": (1_000_000, 5_000_000)}
SYL = ["ka", "ri", "to", "mo", "ne", "va", "lu", "si", "ze", "po", "ta", "ra", "ko", "mi", "de", "an", "or", "el", "ur", "is", "ba", "ga", "fe", "lo", "nu", "ve", "xi", "yo", "za", "qu", "tor", "lan", "mer", "vik", "sol", "dar", "kes", "bor", "nal"]  # fmt: skip
TAIL = ("Metals", "Mining", "Minerals", "Resources", "Magnetics", "Materials", "Lithium", "Chemicals",
        "Refining", "Holdings", "Industries", "Technologies", "Energy", "Alloys", "Rare Earths")  # fmt: skip
HUB_1K, HUB_10K = "Hub Thousand Metals", "Hub Myriad Metals"


# -- timing ---------------------------------------------------------------------------------------


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def interleaved(product: Callable[[], Any], raw: Callable[[], Any] | None, repeat: int) -> dict[str, Any]:
    """Product and raw calls alternate, so both see the same cache and machine load."""
    tp: list[float] = []
    tr: list[float] = []
    product()  # warm-up (plans cached, index pages read)
    if raw:
        raw()
    for _ in range(repeat):
        t0 = time.perf_counter()
        product()
        tp.append((time.perf_counter() - t0) * 1000)
        if raw:
            t0 = time.perf_counter()
            raw()
            tr.append((time.perf_counter() - t0) * 1000)
    out: dict[str, Any] = {"p50": statistics.median(tp), "p95": pct(tp, 0.95)}
    if tr:
        out |= {"raw_p50": statistics.median(tr), "raw_p95": pct(tr, 0.95)}
        out["ratio"] = out["p50"] / out["raw_p50"] if out["raw_p50"] > 0 else None
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_rss_mb(pid: int | None) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, TypeError):
        return None
    return None


# -- the synthetic graph ----------------------------------------------------------------------------


def names(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        word = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).capitalize()
        second = "".join(rng.choice(SYL) for _ in range(2)).capitalize() if rng.random() < 0.5 else ""
        name = " ".join(x for x in (word, second, rng.choice(TAIL)) if x)
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def synthetic(store: Any, n_nodes: int, n_rels: int, seed: int = 16) -> Iterator[tuple[list, list]]:
    """(nodes, rels) chunks: nodes as (label, key, props), rels as (type, start ref, end ref)."""
    rng = random.Random(seed)
    countries = [r["n"] for r in store.run("MATCH (c:Country) RETURN c.name AS n ORDER BY n")]
    minerals = [r["n"] for r in store.run("MATCH (m:Mineral) RETURN m.name AS n ORDER BY n")]
    stages = [r["n"] for r in store.run("MATCH (s:Stage) RETURN s.name AS n ORDER BY n")]
    taken = {r["n"] for r in store.run("MATCH (c:Company) RETURN c.name AS n")}
    n_comp, n_fac = int(n_nodes * 0.70), int(n_nodes * 0.15)
    n_off, n_pol = int(n_nodes * 0.08), int(n_nodes * 0.04)
    n_evt = n_nodes - n_comp - n_fac - n_off - n_pol
    companies = [HUB_1K, HUB_10K] + names(rng, n_comp - 2, taken)
    weights = [30 if c == "China" else 8 if c in ("United States", "Australia", "Japan") else 1 for c in countries]
    nodes: list[tuple[str, str, dict]] = []
    rels: list[tuple[str, tuple[str, str], tuple[str, str]]] = []

    def flush() -> Iterator[tuple[list, list]]:
        nonlocal nodes, rels
        if nodes or rels:
            yield nodes, rels
        nodes, rels = [], []

    for i, c in enumerate(companies):
        short = c.split()[0]
        nodes.append(("Company", c, {"aliases": [f"{short} Corp"]} if i % 7 == 0 else {}))
        rels.append(("HEADQUARTERED_IN", ("Company", c), ("Country", rng.choices(countries, weights)[0])))
        if i % 3 == 0:
            rels.append(("ACTIVE_IN", ("Company", c), ("Stage", rng.choice(stages))))
        if len(nodes) >= 20_000:
            yield from flush()
    yield from flush()
    facilities = [f"{c.split()[0]} Plant {i}" for i, c in enumerate(rng.choices(companies, k=n_fac))]
    for f in facilities:
        nodes.append(("Facility", f, {}))
        rels.append(("LOCATED_IN", ("Facility", f), ("Country", rng.choices(countries, weights)[0])))
        rels.append(("OPERATES", ("Company", rng.choice(companies)), ("Facility", f)))
        if len(nodes) >= 20_000:
            yield from flush()
    yield from flush()
    officials = names(rng, n_off, taken)
    for o in officials:
        nodes.append(("Official", o.rsplit(" ", 1)[0] + " " + rng.choice(("Lee", "Tan", "Sato", "Kim", "Roe")), {}))
    yield from flush()
    for i in range(n_pol):
        pid = f"SYN-P{i:07d}"
        nodes.append(("Policy", pid, {"name": f"Synthetic measure {i}"}))
        rels.append(("ENACTED", ("Country", rng.choices(countries, weights)[0]), ("Policy", pid)))
        rels.append(("COVERS", ("Policy", pid), ("Mineral", rng.choice(minerals))))
        rels.append(("TARGETS", ("Policy", pid), ("Company", rng.choice(companies))))
        if len(nodes) >= 20_000:
            yield from flush()
    for i in range(n_evt):
        eid = f"SYN-E{i:07d}"
        nodes.append(("Event", eid, {"name": f"Synthetic meeting {i}"}))
        rels.append(("PARTICIPATED_IN", ("Company", rng.choice(companies)), ("Event", eid)))
        if len(nodes) >= 20_000:
            yield from flush()
    yield from flush()
    made = len(companies) * 4 // 3 + 2 * len(facilities) + 3 * n_pol + n_evt
    hubs = {HUB_1K: 1_000, HUB_10K: 10_000}
    for hub, k in hubs.items():
        for c in rng.sample(companies[2:], min(k, len(companies) - 2)):
            rels.append(("SUPPLIES", ("Company", c), ("Company", hub)))
        made += k
    pref = companies[: max(10, len(companies) // 100)]  # 1% of companies attract a third of the links
    while made < n_rels:
        a = rng.choice(companies)
        b = rng.choice(pref) if rng.random() < 0.33 else rng.choice(companies)
        if a != b:
            rels.append((rng.choice(("SUPPLIES", "PARTNERS_WITH", "INVESTS_IN")), ("Company", a), ("Company", b)))
            made += 1
        if len(rels) >= 50_000:
            yield from flush()
    yield from flush()


def load_product(store: Any, chunks: Iterator[tuple[list, list]]) -> dict[str, Any]:
    """Through `write_batch`, one GraphBatch per chunk (so client memory stays bounded)."""
    from ingest.batch import GraphBatch, write_batch

    n_nodes = n_rels = 0
    t_write = 0.0
    for nodes, rels in chunks:
        batch = GraphBatch()
        for label, key, props in nodes:
            batch.node(label, key, **props)
        for t, a, b in rels:
            batch.rel(t, a, b)
        t0 = time.perf_counter()
        n, r = write_batch(store, batch, batch_size=2000)
        t_write += time.perf_counter() - t0
        n_nodes += n
        n_rels += r
    return {"nodes": n_nodes, "relationships": n_rels, "seconds": t_write, "rels_per_s": n_rels / max(t_write, 1e-9)}


def load_raw(store: Any, n_nodes: int = 50_000, n_rels: int = 200_000) -> dict[str, Any]:
    """The engine alone: UNWIND ... CREATE on a scratch label with an index (deleted afterwards)."""
    rng = random.Random(7)
    try:
        store.run("CREATE INDEX FOR (n:BenchRaw) ON (n.k)")
    except Exception:  # noqa: BLE001 - Neo4j syntax
        store.run("CREATE INDEX benchraw_k IF NOT EXISTS FOR (n:BenchRaw) ON (n.k)")
    for i in range(0, n_nodes, 5000):
        store.run("UNWIND $rows AS k CREATE (:BenchRaw {k: k})", {"rows": list(range(i, min(n_nodes, i + 5000)))})
    rows = [{"a": rng.randrange(n_nodes), "b": rng.randrange(n_nodes)} for _ in range(n_rels)]
    t0 = time.perf_counter()
    for i in range(0, n_rels, 2000):
        store.run(
            "UNWIND $rows AS row MATCH (a:BenchRaw {k: row.a}) MATCH (b:BenchRaw {k: row.b}) CREATE (a)-[:BENCH_RAW]->(b)",
            {"rows": rows[i : i + 2000]},
        )
    secs = time.perf_counter() - t0
    while store.run("MATCH (n:BenchRaw) WITH n LIMIT 2000 DETACH DELETE n RETURN count(*) AS c")[0]["c"]:
        pass
    return {"relationships": n_rels, "seconds": secs, "rels_per_s": n_rels / secs}


# -- raw clients ------------------------------------------------------------------------------------


def raw_client(store: Any) -> Callable[[str, dict[str, Any]], Any]:
    if store.backend == "falkordb":
        return lambda c, p: store._graph.ro_query(c, p or None, timeout=60_000).result_set
    return lambda c, p: store._driver.execute_query(c, p or {}, routing_="r", database_=store.database).records


# -- the run ----------------------------------------------------------------------------------------


def questions() -> list[str]:
    out = []
    for name in ("dev.jsonl", "dev2.jsonl"):
        p = ROOT.parent / "shared" / "eval" / name
        if p.exists():
            for line in p.read_text().splitlines():
                if line.strip():
                    row = json.loads(line)
                    if row.get("status") == "ok":
                        out.append(row["question"])
    return out


def run_engine(backend: str, uri: str | None, n_nodes: int, n_rels: int, repeat: int, data_dir: Path) -> dict:
    from graph import embedded
    from graph.connect import open_store
    from graph.entity_index import open_index, refresh
    from graph.export import export_bytes, node_by_uid, subgraph_for_entity
    from graph.resolve import index_from_store
    from graph.stats import graph_stats
    from ingest.load import ingest_dataset
    from qa.answer import Asker
    from qa.frame import LINK_LABELS
    from qa.rules import RulesTranslator

    settings = Settings(data_dir=data_dir, neo4j_uri=uri if backend == "neo4j" else None, query_timeout_ms=5000)
    store = open_store(settings)
    res: dict[str, Any] = {"backend": backend, "nodes_target": n_nodes, "rels_target": n_rels}
    t0 = time.perf_counter()
    ingest_dataset(store, reset=True)
    res["reset_and_starter_s"] = time.perf_counter() - t0
    rss0 = rss_mb()
    res["load"] = load_product(store, synthetic(store, n_nodes, n_rels))
    res["load"]["client_max_rss_mb"] = rss_mb()
    res["load"]["client_rss_before_mb"] = rss0
    if backend == "falkordb":
        h = embedded.status(data_dir)
        res["load"]["server_rss_mb"] = server_rss_mb(h.pid if h else None)
    res["load_raw"] = load_raw(store)
    print(f"[{backend}] loaded {res['load']}", file=sys.stderr, flush=True)
    st = graph_stats(store)
    res["graph"] = {"nodes": st["nodes"], "relationships": st["relationships"]}
    raw = raw_client(store)
    ops: dict[str, Any] = {}

    t0 = time.perf_counter()
    index_from_store(store)
    ops["old_index_build_ms"] = (time.perf_counter() - t0) * 1000  # what every process paid before
    t0 = time.perf_counter()
    refresh(store)
    ops["stored_index_build_ms"] = (time.perf_counter() - t0) * 1000  # once per ingest now
    ops["open_index"] = interleaved(lambda: open_index(store), None, repeat)  # a process start's share

    key = "Company:" + HUB_1K
    ops["point_lookup"] = interleaved(
        lambda: node_by_uid(store, key),
        lambda: raw("MATCH (n:Company) WHERE n.name = $k RETURN n LIMIT 1", {"k": HUB_1K}),
        repeat * 5,
    )
    tr = RulesTranslator(store)
    qs = questions()
    ops["entity_linking"] = interleaved(
        lambda: [tr.index.find_mentions(q, LINK_LABELS, fuzzy=True) for q in qs], None, max(3, repeat // 3)
    )
    ops["entity_linking"]["per_question_p50"] = ops["entity_linking"]["p50"] / max(1, len(qs))

    asker = Asker(store, settings)
    per_q = []
    for q in qs:
        ans = asker.ask(q)
        if not ans.cypher:
            continue
        r = interleaved(lambda q=q: asker.ask(q), lambda a=ans: raw(a.cypher, a.params), max(3, repeat // 3))
        per_q.append((q, r))
    ops["dev_questions"] = {
        "questions": len(per_q),
        "p50": statistics.median(r["p50"] for _, r in per_q),
        "p95": pct([r["p50"] for _, r in per_q], 0.95),
        "raw_p50": statistics.median(r["raw_p50"] for _, r in per_q),
        "ratio": statistics.median(r["ratio"] for _, r in per_q if r.get("ratio")),
        "slowest": sorted(((round(r["p50"], 1), q) for q, r in per_q), reverse=True)[:5],
    }
    one_hop = "MATCH (n:Company)-[r]-(m) WHERE n.name = $n AND NOT m:Source RETURN n, r, m LIMIT 1000"
    ops["hop1_hub1k"] = interleaved(
        lambda: subgraph_for_entity(store, HUB_1K, depth=1), lambda: raw(one_hop, {"n": HUB_1K}), repeat
    )
    two_hop = "MATCH (n:Company)-[*1..2]-(m) WHERE n.name = $n AND NOT m:Source RETURN DISTINCT m LIMIT 500"
    ops["hop2_hub1k_limit500"] = interleaved(
        lambda: subgraph_for_entity(store, HUB_1K, depth=2), lambda: raw(two_hop, {"n": HUB_1K}), repeat
    )
    ops["hop1_china_limit500"] = interleaved(
        lambda: subgraph_for_entity(store, "China", depth=1),
        lambda: raw("MATCH (n:Country)-[r]-(m) WHERE n.name = 'China' AND NOT m:Source RETURN n, r, m LIMIT 1000", {}),
        repeat,
    )
    a_name = store.run(
        "MATCH (a:Company)-[:SUPPLIES]->(h:Company {name: $h}) RETURN a.name AS a LIMIT 1", {"h": HUB_1K}
    )[0]["a"]
    path_q = f"How are {a_name} and MP Materials connected?"
    ans = asker.ask(path_q)
    res["path_answer"] = {"question": path_q, "status": ans.status, "answer": ans.answer[:300]}
    ops["path_question"] = interleaved(
        lambda: asker.ask(path_q), (lambda: raw(ans.cypher, ans.params)) if ans.cypher else None, max(3, repeat // 3)
    )
    ops["stats"] = interleaved(
        lambda: graph_stats(store),
        lambda: (raw("MATCH (n) RETURN labels(n)[0] AS l, count(n) AS c", {}),
                 raw("MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS c", {})),
        max(3, repeat // 3),
    )  # fmt: skip
    for hub, tag in ((HUB_1K, "1k"), (HUB_10K, "10k")):
        ops[f"export_{tag}"] = interleaved(
            lambda hub=hub: export_bytes(subgraph_for_entity(store, hub, depth=1, limit=20_000), "json"),
            lambda hub=hub: raw(
                "MATCH (n:Company)-[r]-(m) WHERE n.name = $n AND NOT m:Source RETURN n, r, m", {"n": hub}
            ),
            max(3, repeat // 3),
        )
    res["ops"] = ops
    # cold start: a new process, index current, first answer
    env = dict(os.environ, REKG_DATA_DIR=str(data_dir))
    if uri and backend == "neo4j":
        env["NEO4J_URI"] = uri
    else:
        env.pop("NEO4J_URI", None)
    q = "How many companies are headquartered in China?"
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "rekg"), "ask", q], env=env, capture_output=True, check=True)
        times.append((time.perf_counter() - t0) * 1000)
    res["cold_first_answer_ms"] = {"p50": statistics.median(times), "max": max(times), "question": q}
    store.close()
    return res


def table(results: list[dict]) -> str:
    lines = ["| operation | engine | product p50 ms | p95 | raw p50 ms | ratio |", "|---|---|---:|---:|---:|---:|"]

    def f(x: Any) -> str:
        return "" if x is None else (f"{x:.1f}" if isinstance(x, float) else str(x))

    for r in results:
        for name, op in r["ops"].items():
            if isinstance(op, dict):
                lines.append(f"| {name} | {r['backend']} | {f(op.get('p50'))} | {f(op.get('p95'))} | "
                             f"{f(op.get('raw_p50'))} | {f(op.get('ratio'))} |")  # fmt: skip
            else:
                lines.append(f"| {name} | {r['backend']} | {f(op)} | | | |")
        c = r["cold_first_answer_ms"]
        lines.append(f"| cold first answer (new process) | {r['backend']} | {f(c['p50'])} | {f(c['max'])} | | |")
        ld, raw = r["load"], r["load_raw"]
        lines.append(f"| load rels/s (product / raw CREATE) | {r['backend']} | {ld['rels_per_s']:.0f} | | "
                     f"{raw['rels_per_s']:.0f} | {raw['rels_per_s'] and ld['rels_per_s'] / raw['rels_per_s']:.2f} |")  # fmt: skip
        lines.append(f"| client max RSS MB during load | {r['backend']} | {ld['client_max_rss_mb']:.0f} | | | |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=sorted(SCALES), help="10k, 100k (100k nodes / 500k rels) or 1m (1M / 5M)")
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--rels", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--neo4j", metavar="URI", help="also run on this Neo4j (it is emptied!)")
    ap.add_argument("--only-neo4j", action="store_true")
    ap.add_argument("--data-dir", help="data directory (default: a new temporary one)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "scale-results.json"))
    args = ap.parse_args()
    n_nodes, n_rels = SCALES[args.scale] if args.scale else (args.nodes, args.rels)
    results = []
    engines = ([] if args.only_neo4j else ["falkordb"]) + (["neo4j"] if args.neo4j else [])
    for backend in engines:
        d = Path(args.data_dir or tempfile.mkdtemp(prefix=f"rekg-scale-{backend}-"))
        try:
            results.append(run_engine(backend, args.neo4j, n_nodes, n_rels, args.repeat, d))
        finally:
            if backend == "falkordb":
                from graph import embedded

                embedded.stop(d)
        print(table(results[-1:]), flush=True)
    Path(args.out).write_text(json.dumps(results, indent=1, default=str))
    print("\n" + table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
