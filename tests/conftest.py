"""Shared fixtures: real stores (embedded FalkorDB always; Neo4j when NEO4J_URI is set) with the dataset loaded."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.settings import Settings
from ingest.load import ingest_all

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["falkordb", "neo4j"]


def make_settings(data_dir: Path, backend: str = "falkordb") -> Settings:
    return Settings(
        data_dir=data_dir,
        neo4j_uri=os.environ.get("NEO4J_URI") if backend == "neo4j" else None,
        neo4j_user=os.environ.get("NEO4J_USER"),
        neo4j_password=os.environ.get("NEO4J_PASSWORD"),
        query_timeout_ms=10000,
        row_cap=200,
    )


def neo4j_skip_reason() -> str | None:
    if os.environ.get("NEO4J_URI"):
        return None
    if os.environ.get("CI"):
        pytest.fail("CI must run the Neo4j conformance suite: .ci/run starts Neo4j and sets NEO4J_URI")
    return "NEO4J_URI is not set: start the local Neo4j with `make neo4j-up` to run the Neo4j side of the suite"


@pytest.fixture
def tmp_data_dir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="rekg-test-"))
    yield d
    from graph import embedded

    embedded.stop(d)
    shutil.rmtree(d, ignore_errors=True)


def load_all(store, settings: Settings) -> None:  # noqa: ANN001
    """The bundled dataset and articles, from empty: what `rekg ingest --reset` loads."""
    ingest_all(store, settings, reset=True)


def _open(backend: str, data_dir: Path):  # noqa: ANN202
    from graph.connect import open_store

    return open_store(make_settings(data_dir, backend))


@pytest.fixture(scope="session", params=BACKENDS)
def loaded(request: pytest.FixtureRequest) -> Iterator[tuple[object, Settings]]:
    """A store of each backend holding the starter dataset (and bundled articles), shared read-only by tests."""
    backend = request.param
    if backend == "neo4j" and (why := neo4j_skip_reason()):
        pytest.skip(why)
    d = Path(tempfile.mkdtemp(prefix=f"rekg-{backend}-"))
    settings = make_settings(d, backend)
    store = _open(backend, d)
    load_all(store, settings)
    yield store, settings
    store.close()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def store(loaded):  # noqa: ANN001, ANN201
    return loaded[0]


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_data_dir: Path):  # noqa: ANN201
    """An empty store of each backend (Neo4j is emptied first: tests using it must not run in parallel)."""
    backend = request.param
    if backend == "neo4j" and (why := neo4j_skip_reason()):
        pytest.skip(why)
    s = _open(backend, tmp_data_dir)
    s.clear()
    yield s
    if backend == "neo4j":  # one Neo4j database serves the whole session: put the dataset back
        load_all(s, make_settings(tmp_data_dir, backend))
    s.close()
