"""Ingest entry points used by the CLI, the UI and the tests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from graph.locks import exclusive_writer
from graph.store import GraphStore
from ingest.batch import GraphBatch, write_batch
from ingest.dataset import load
from ingest.usgs import ReleaseReport

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_ROOT = PROJECT_ROOT / "data"
DATASET_DIR = DATA_ROOT / "dataset"
ARTICLES_DIR = DATA_ROOT / "articles"
RELEASE_PATH = DATA_ROOT / "usgs" / "usgs_mcs2026_commodities_data.csv"


@dataclass
class IngestReport:
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    release: ReleaseReport | None = None  # the USGS data release's rows loaded and skipped, when it was loaded


def ingest_dataset(
    store: GraphStore,
    directory: Path = DATASET_DIR,
    *,
    reset: bool = False,
    progress: bool = False,
    release: Path | None = None,
) -> IngestReport:
    """Validate the whole dataset (and the USGS data release, when given) first, then MERGE it.

    The release goes into the same batch as the curated dataset, so a release row that restates a curated
    fact merges with it instead of doubling it; nothing is written when either fails to validate.
    """
    t0 = time.perf_counter()
    dataset = load(Path(directory), Path(release) if release is not None else None)

    def write(target: GraphStore) -> tuple[int, int]:
        target.ensure_schema()
        return write_graph(target, dataset.batch, progress=progress, desc="dataset")

    # --reset: the new graph replaces the old one only once it is fully written (a failed load keeps the old one);
    # the writer lock keeps a second ingest from interleaving with this one (graph/locks.py)
    with exclusive_writer(store):
        n, r = store.replace(write) if reset else write(store)
    return IngestReport(n, r, time.perf_counter() - t0, [str(p) for p in dataset.files], dataset.release)


def bundled_articles(directory: Path = ARTICLES_DIR) -> list[Path]:
    """The articles shipped in data/articles (plain text or Markdown)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in (".txt", ".md"))


def ingest_all(store: GraphStore, settings=None, *, reset: bool = False, progress: bool = False):  # noqa: ANN001, ANN201
    """What plain `rekg ingest` loads: the bundled dataset with the USGS data release, then the bundled articles."""
    from ingest.articles import ingest_articles

    report = ingest_dataset(store, reset=reset, progress=progress, release=RELEASE_PATH)
    articles = ingest_articles(store, bundled_articles(), settings=settings)
    return report, articles


def write_graph(store: GraphStore, batch: GraphBatch, *, progress: bool = False, desc: str = "") -> tuple[int, int]:
    total = sum(batch.counts())
    with tqdm(total=total, desc=f"ingest {desc}".strip(), unit="item", disable=not progress, leave=False) as bar:
        return write_batch(store, batch, progress=bar.update)
