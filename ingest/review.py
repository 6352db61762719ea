"""Review files: what an article would add, written as JSON for the analyst, applied once edited.

`rekg ingest --article F --review OUT` writes one document per article (ingest.article_build):
each entity with `accepted` and `match` (set it to an existing entity's name, or 'Label:key', to
merge a new name into one the graph has), each relationship with its sentence, confidence and
`accepted` (candidates start unticked). `rekg ingest --apply OUT` checks the file and writes the
accepted part, with the same provenance as a direct ingest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.errors import IngestError
from graph.ontology import NODE_BY_LABEL
from ingest.article_build import REVIEW_FORMAT
from ingest.article_match import GraphView
from ingest.article_parse import parse_article
from ingest.articles import ArticleReport, apply_review_doc, propose_article


def write_review(store: Any, paths: list[Path], out: Path, *, settings: Any = None) -> list[ArticleReport]:
    """Dry-run each article and write their review documents to `out` (nothing goes into the graph)."""
    parsed = [(Path(p), *parse_article(p)) for p in paths]
    reports = []
    for path, title, date, body in parsed:
        view = GraphView.read(store)
        reports.append(
            propose_article(store, view, title, date, body, f"file:{path.name}", settings=settings, file=str(path))
        )
    doc = {"format": REVIEW_FORMAT, "articles": [r.review for r in reports]}
    Path(out).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return reports


def read_review(path: Path) -> list[dict[str, Any]]:
    """The article documents of a review file, checked: a clear IngestError names what is wrong."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError("review file not found", file=str(path)) from None
    except json.JSONDecodeError as e:
        raise IngestError(f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})", file=str(path)) from None
    articles = doc.get("articles") if isinstance(doc, dict) else None
    if not isinstance(articles, list) or doc.get("format") != REVIEW_FORMAT:
        raise IngestError(
            f"not a review file: expected format {REVIEW_FORMAT!r} and a list of articles", file=str(path)
        )
    for i, art in enumerate(articles):
        _check_article(art, f"{path} (article {i + 1})")
    return articles


def _check_article(art: dict[str, Any], where: str) -> None:
    if not isinstance(art, dict) or not isinstance(art.get("source"), dict) or "id" not in art["source"]:
        raise IngestError("an article needs a 'source' with an 'id'", file=where)
    ids = set()
    for e in art.get("entities", []):
        if e.get("label") not in NODE_BY_LABEL or not e.get("key") or not e.get("id"):
            raise IngestError(f"entity {e.get('id')!r}: needs id, a known label and a key", file=where)
        if not isinstance(e.get("accepted", True), bool):
            raise IngestError(f"entity {e['id']}: 'accepted' must be true or false", file=where)
        ids.add(e["id"])
    for r in art.get("relationships", []):
        if r.get("start") not in ids or r.get("end") not in ids:
            raise IngestError(
                f"relationship {r.get('id')!r}: start and end must be entity ids of this file", file=where
            )
        if not isinstance(r.get("accepted"), bool):
            raise IngestError(f"relationship {r.get('id')}: 'accepted' must be true or false", file=where)


def apply_review(store: Any, path: Path) -> list[ArticleReport]:
    """Write the accepted entities and relationships of a review file (matches checked against the graph)."""
    articles = read_review(path)
    return [apply_review_doc(store, art) for art in articles]
