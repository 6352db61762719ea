"""Benchmark: the USGS MCS 2026 data release (with the curated dataset it merges into), validated and written.

    .venv/bin/python bench/usgs.py                                   # embedded FalkorDB
    .venv/bin/python bench/usgs.py --neo4j bolt://127.0.0.1:7691     # and Neo4j (start it: make neo4j-up)
    .venv/bin/python bench/usgs.py --repeat 5

Measured per engine, from an empty graph, medians of `--repeat` runs:
  validate   reading and checking the dataset and the release into one batch (no database)
  write      MERGE of that batch (batched UNWIND, 500 rows per transaction)
  total      both; relationships per second of the total
  analytics  concentration + exposure + chokepoints, uncached (the Supply-risk page's first load)
Results are printed as a Markdown table and written to bench/usgs_results.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.settings import Settings  # noqa: E402
from ingest.batch import write_batch  # noqa: E402
from ingest.dataset import load  # noqa: E402
from ingest.load import DATASET_DIR, RELEASE_PATH  # noqa: E402
from qa import analytics  # noqa: E402


def run(backend: str, uri: str | None, repeat: int) -> dict:
    from graph.connect import open_store

    validate, write, total, conc = [], [], [], []
    rels = rows = 0
    for _ in range(repeat):
        d = Path(tempfile.mkdtemp(prefix="rekg-bench-usgs-"))
        store = open_store(Settings(data_dir=d, neo4j_uri=uri if backend == "neo4j" else None))
        store.clear()
        store.ensure_schema()
        t0 = time.perf_counter()
        ds = load(DATASET_DIR, RELEASE_PATH)
        t1 = time.perf_counter()
        _, rels = write_batch(store, ds.batch)
        t2 = time.perf_counter()
        rows = ds.release.rows if ds.release else 0
        analytics._CACHE.clear()
        analytics.concentration(store)
        analytics.exposure(store)
        analytics.chokepoints(store)
        t3 = time.perf_counter()
        validate.append(t1 - t0)
        write.append(t2 - t1)
        total.append(t2 - t0)
        conc.append(t3 - t2)
        store.close()
    med = statistics.median(total)
    return {
        "engine": backend,
        "runs": repeat,
        "release_rows": rows,
        "relationships": rels,
        "validate_s": round(statistics.median(validate), 3),
        "write_s": round(statistics.median(write), 3),
        "total_s": round(med, 3),
        "relationships_per_s": round(rels / med),
        "analytics_s": round(statistics.median(conc), 3),
        "total_runs_s": [round(t, 3) for t in total],
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--neo4j", help="also measure this Neo4j (bolt URI); it is emptied first")
    p.add_argument("--repeat", type=int, default=5, help="runs per engine (the median is reported)")
    args = p.parse_args()
    results = [run("falkordb", None, args.repeat)]
    if args.neo4j:
        results.append(run("neo4j", args.neo4j, args.repeat))
    print("| engine | rows | relationships | validate s | write s | total s | rel/s | analytics s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['release_rows']} | {r['relationships']} | {r['validate_s']} | {r['write_s']} | "
              f"{r['total_s']} | {r['relationships_per_s']} | {r['analytics_s']} |")  # fmt: skip
    (ROOT / "bench" / "usgs_results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
