"""Configuration in one place: environment variables and `.env` (python-dotenv).

Precedence: real environment variables win over `.env`; `.env` is read from the current
directory (or REKG_ENV_FILE). Library functions take explicit arguments; only entry points
(CLI, UI, tests' fixtures) call `load_settings()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from graph.errors import SettingsError

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    query_timeout_ms: int = 5000
    row_cap: int = 200

    @property
    def backend(self) -> str:
        return "neo4j" if self.neo4j_uri else "falkordb"

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)


def load_settings(env_file: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from the environment, falling back to `.env`."""
    path = Path(env_file or os.environ.get("REKG_ENV_FILE", ".env"))
    file_values = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}

    def get(name: str, default: str | None = None) -> str | None:
        value = os.environ.get(name, file_values.get(name, default))
        return value if value not in ("", None) else default

    def positive_int(name: str, default: int) -> int:
        raw = get(name)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            raise SettingsError(name, f"must be a positive integer, got {raw!r}") from None
        if value <= 0:
            raise SettingsError(name, f"must be a positive integer, got {raw!r}")
        return value

    uri = get("NEO4J_URI")
    if uri is not None and not uri.startswith(NEO4J_SCHEMES):
        raise SettingsError("NEO4J_URI", f"must start with one of {', '.join(NEO4J_SCHEMES)}, got {uri!r}")
    return Settings(
        data_dir=Path(get("REKG_DATA_DIR", ".rekg") or ".rekg").expanduser().resolve(),
        neo4j_uri=uri,
        neo4j_user=get("NEO4J_USER"),
        neo4j_password=get("NEO4J_PASSWORD"),
        neo4j_database=get("NEO4J_DATABASE"),
        openai_api_key=get("OPENAI_API_KEY"),
        openai_base_url=get("OPENAI_BASE_URL"),
        openai_model=get("OPENAI_MODEL", "gpt-4o-mini") or "gpt-4o-mini",
        query_timeout_ms=positive_int("REKG_QUERY_TIMEOUT_MS", 5000),
        row_cap=positive_int("REKG_ROW_CAP", 200),
    )
