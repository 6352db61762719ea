"""One exception hierarchy; messages are written for the person who has to act on them."""

from __future__ import annotations


class RekgError(Exception):
    """Root of every error rekg raises on purpose."""


class SettingsError(RekgError):
    """A setting (environment variable or `.env` entry) has a value rekg cannot use."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name} {message}")
        self.name = name


class StoreUnavailable(RekgError):
    """The database cannot be reached or started."""


class DataDirLocked(StoreUnavailable):
    """Another server already owns the data directory."""


class QueryError(RekgError):
    """The database rejected a query (syntax, timeout, unknown function...)."""


class QueryRefused(RekgError):
    """A query or question asks to change data or run code; questions may only read."""

    def __init__(self, message: str, *, cypher: str = "") -> None:
        super().__init__(message)
        self.cypher = cypher  # the refused query, shown with the refusal (e.g. what a model wrote)


class IngestError(RekgError):
    """A dataset or article file is invalid; nothing was written."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None, column: str = "") -> None:
        where = file
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}" if where else message)
        self.file, self.line, self.column = file, line, column


class ImportFormatError(RekgError):
    """An export file given to `rekg import` cannot be read."""


class CypherSyntaxError(QueryError):
    """Cypher text that cannot be read (an unclosed string, name or comment; a stray character)."""

    def __init__(self, message: str, *, position: int = 0) -> None:
        super().__init__(f"{message} at character {position + 1}")
        self.reason, self.position = message, position
