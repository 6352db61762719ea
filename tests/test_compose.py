"""docker-compose.yml cannot run here (no Docker engine); check what can be checked without one."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_neo4j_526_with_volume_and_healthcheck_and_the_app_waits_for_it():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo, app = doc["services"]["neo4j"], doc["services"]["app"]
    assert re.match(r"neo4j:5\.26", neo["image"])
    assert any(v.endswith(":/data") for v in neo["volumes"]) and "neo4j-data" in doc["volumes"]
    assert neo["healthcheck"]["test"]
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["NEO4J_URI"].startswith("bolt://neo4j:7687")
    assert app["build"] == "."
    assert "127.0.0.1:8501:8501" in app["ports"]


def test_compose_is_safe_by_default():
    """Neo4j on loopback only, no default password, no file or URL access from Cypher, server-side limits."""
    text = (ROOT / "docker-compose.yml").read_text()
    doc = yaml.safe_load(text)
    neo, app = doc["services"]["neo4j"], doc["services"]["app"]
    for service in (neo, app):
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{port} is published on every interface"
    assert "rekg-password" not in text
    assert re.search(r"\$\{NEO4J_PASSWORD:\?[^}]+\}", neo["environment"]["NEO4J_AUTH"])
    assert re.fullmatch(r"\$\{NEO4J_PASSWORD:\?[^}]+\}", app["environment"]["NEO4J_PASSWORD"])
    env = neo["environment"]
    assert env["NEO4J_dbms_security_allow__csv__import__from__file__urls"] == "false"
    assert env["NEO4J_server_directories_import"]
    assert "0.0.0.0/0" in env["NEO4J_internal_dbms_cypher__ip__blocklist"]
    assert env["NEO4J_db_transaction_timeout"] and env["NEO4J_db_memory_transaction_max"]


def test_dockerfile_installs_the_project_and_its_runtime_library():
    text = (ROOT / "Dockerfile").read_text()
    assert "libgomp1" in text and "pip install" in text and "rekg ui" in text
    for folder in ("graph", "ingest", "qa", "ui", "data"):
        assert f"COPY {folder} {folder}" in text


def test_env_example_documents_every_setting():
    text = (ROOT / ".env.example").read_text()
    for key in (
        "REKG_DATA_DIR",
        "NEO4J_URI",
        "NEO4J_USER",
        "NEO4J_PASSWORD",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_MODEL",
    ):
        assert key in text
    from graph import settings

    src = Path(settings.__file__).read_text()
    for key in re.findall(r'get\("([A-Z_]+)"', src):
        assert key in text, f"{key} is read by graph/settings.py but not documented in .env.example"
