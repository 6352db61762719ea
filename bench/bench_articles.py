"""Article ingest time against article size: linear, no quadratic blow-up (python bench/bench_articles.py).

Builds articles of 125 KB to 1 MB from the fixture articles, each paragraph naming different
companies and people so that nothing collapses into duplicates, and times a dry run (extract,
resolve, propose) and a write (including Sentence nodes) on a throwaway embedded graph.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.connect import open_store  # noqa: E402
from graph.settings import Settings  # noqa: E402
from ingest.articles import ingest_article_text, preview_article  # noqa: E402
from ingest.load import ingest_dataset  # noqa: E402

PARA = (
    "Denver-based {co} Minerals Corp. said on Tuesday it had signed an offtake agreement with "
    "Hamburg-headquartered {co2} GmbH covering terbium and dysprosium oxide. {co} chief financial officer "
    "{first} {last}son said the company would deliver the first cargo in 2026. The Export-Import Bank of the "
    "United States will lend $120 million to {co} for a separation plant in Wyoming. Analysts said prices of "
    "neodymium oxide rose in the third quarter as buyers in Japan and Korea looked for supply outside China.\n\n"
)
SYL = ["ka", "lo", "mi", "ra", "ten", "vor", "zu", "bel", "dan", "sor", "tir", "quo"]


def name(i: int) -> str:
    s = ""
    for _ in range(3):
        s += SYL[i % len(SYL)]
        i //= len(SYL)
    return s.capitalize()


def article(size: int) -> str:
    out, i = [], 0
    while sum(len(p) for p in out) < size:
        out.append(PARA.format(co=name(i) + "x", co2=name(i + 7) + "q", first=name(i + 3), last=name(i + 5)))
        i += 1
    return "".join(out)


def main() -> None:
    d = Path(tempfile.mkdtemp(prefix="rekg-bench-"))
    store = open_store(Settings(data_dir=d))
    try:
        ingest_dataset(store, reset=True)
        print(f"{'size':>8}  {'dry run s':>9}  {'write s':>8}  {'s per 100 KB':>12}")
        for kb in (125, 250, 500, 1000):
            text = article(kb * 1000)
            t0 = time.perf_counter()
            preview_article(store, text, f"Bench {kb} KB", "2025-10-15")
            t1 = time.perf_counter()
            ingest_article_text(store, text, f"Bench {kb} KB", "2025-10-15")
            t2 = time.perf_counter()
            print(f"{kb:>6} KB  {t1 - t0:>9.2f}  {t2 - t1:>8.2f}  {(t2 - t1) / kb * 100:>12.2f}")
    finally:
        store.close()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
