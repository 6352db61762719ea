"""Open the configured store: Neo4j when NEO4J_URI is set, else the embedded FalkorDB."""

from __future__ import annotations

from graph.settings import Settings
from graph.store import GraphStore


def open_store(settings: Settings, *, start: bool = True) -> GraphStore:
    if settings.neo4j_uri:
        from graph.entity_index import neo4j_index_path
        from graph.neo4j_store import Neo4jStore

        store = Neo4jStore(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database)
        store.index_path = neo4j_index_path(settings.data_dir, settings.neo4j_uri, settings.neo4j_database)
        return store
    from graph.falkor import FalkorStore

    return FalkorStore(settings.data_dir, start=start)
