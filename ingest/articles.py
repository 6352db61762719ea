"""News articles into the graph: parse, extract, resolve, review, write with provenance.

`ingest_articles` (CLI), `preview_article` / `ingest_article_text` (UI) share one pipeline:
parse (`ingest.article_parse`) -> extract (`ingest.extract`, or `ingest.extract_llm` when an LLM is
configured) -> resolve and propose (`ingest.article_build`: a review document listing each entity
and relationship with its sentence and confidence) -> write the accepted part (`ingest.review`).
Every relationship written carries the article's Source id in `sources` and its sentence in
`evidence`; the article's sentences are stored as Sentence nodes under a full-text index
(`ingest.article_text`). Keys are deterministic, so ingesting an article twice changes nothing.
Scoring against hand-written facts is `ingest.article_eval`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import IngestError
from graph.ontology import key_of
from ingest.article_build import batch_from_review, match_ref, propose
from ingest.article_match import GraphView
from ingest.article_parse import MAX_ARTICLE_BYTES, parse_article, parse_article_text
from ingest.article_text import ensure_text_index, refresh_text_index
from ingest.batch import write_batch
from ingest.extract import Extraction, extract

__all__ = [
    "MAX_ARTICLE_BYTES",
    "ArticleReport",
    "ArticlesReport",
    "apply_review_doc",
    "ingest_article_text",
    "ingest_articles",
    "parse_article",
    "parse_article_text",
    "preview_article",
    "propose_article",
]


# -- reports -------------------------------------------------------------------------------------
@dataclass
class ArticleReport:
    source_id: str
    title: str
    date: str | None
    new_entities: list[dict] = field(default_factory=list)
    matched_entities: list[dict] = field(default_factory=list)
    relationships: list[dict] = field(default_factory=list)
    written: bool = False
    file: str | None = None
    extractor: str = "offline"
    review: dict[str, Any] = field(default_factory=dict, repr=False)  # the review document (ingest.article_build)
    candidates: list[dict] = field(default_factory=list)  # relationships below the write threshold, not accepted

    @classmethod
    def from_review(cls, doc: dict[str, Any], *, file: str | None = None) -> ArticleReport:
        src = doc["source"]
        rep = cls(src["id"], src["title"], src.get("date"), file=file, extractor=src.get("extractor", "offline"))
        rep.review = doc
        ents = {e["id"]: e for e in doc["entities"]}
        for e in doc["entities"]:
            if e["label"] in ("Stage",) or not e.get("accepted", True) and not e.get("match"):
                continue
            row = {"label": e["label"], "name": e["name"], "key": e["key"], "id": e["id"]}
            (rep.new_entities if e["status"] == "new" and not e.get("match") else rep.matched_entities).append(row)
        for r in doc["relationships"]:
            a, b = ents[r["start"]], ents[r["end"]]
            row = {"id": r["id"], "type": r["type"], "start": r["start_name"], "end": r["end_name"],
                   "start_label": a["label"], "end_label": b["label"], "start_key": a["key"], "end_key": b["key"],
                   "sentence": r["sentence"], "confidence": r["confidence"], "accepted": r["accepted"],
                   **{k: v for k, v in r["props"].items() if k in ("role", "note", "status", "amount_text", "minerals")}}  # fmt: skip
            (rep.relationships if r["accepted"] else rep.candidates).append(row)
        return rep

    def render(self) -> str:
        head = f"Article: {self.title}" + (f" ({self.date})" if self.date else " (undated)")
        lines = [head, f"  source id: {self.source_id}" + (f"  file: {self.file}" if self.file else "")]
        lines.append(f"  extractor: {self.extractor}")
        lines.append("  " + ("written to the graph" if self.written else "dry run: nothing written"))
        lines.append(f"  new entities ({len(self.new_entities)}):")
        lines += [f"    + {e['label']}: {e['name']}" for e in self.new_entities]
        lines.append(f"  matched entities ({len(self.matched_entities)}):")
        lines += [f"    = {e['label']}: {e['name']}" for e in self.matched_entities]
        lines.append(f"  relationships ({len(self.relationships)}):")
        lines += [_rel_line(r) for r in self.relationships]
        if self.candidates:
            lines.append(f"  candidates, not written unless accepted ({len(self.candidates)}):")
            lines += [_rel_line(r) for r in self.candidates]
        return "\n".join(lines)


def _rel_line(r: dict) -> str:
    tags = [str(r[k]) for k in ("role", "note", "status", "amount_text") if r.get(k)]
    if r.get("minerals"):
        tags.append("minerals: " + ", ".join(r["minerals"]))
    extra = f"  [{'; '.join(tags)}]" if tags else ""
    seen = "  (already recorded from this article)" if r.get("recorded") else ""
    conf = f"  confidence {r['confidence']:.2f}" if r.get("confidence") is not None else ""
    return f"    {r.get('id', '')} ({r['start']})-[:{r['type']}]->({r['end']}){extra}{seen}{conf}\n        “{r['sentence']}”"


@dataclass
class ArticlesReport:
    articles: list[ArticleReport] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return bool(self.articles) and all(a.written for a in self.articles)

    def render(self) -> str:
        parts = [a.render() for a in self.articles]
        n_rel = sum(1 for a in self.articles for r in a.relationships if not r.get("recorded"))
        n_old = sum(1 for a in self.articles for r in a.relationships if r.get("recorded"))
        n_new = sum(len(a.new_entities) for a in self.articles)
        verb = "added" if self.written else "would add (dry run)"
        parts.append(
            f"{len(self.articles)} article(s): {verb} {n_new} new entities and {n_rel} relationships"
            + (f"; {n_old} relationships were already recorded from these articles" if n_old else "")
        )
        return "\n\n".join(parts)


# -- entry points --------------------------------------------------------------------------------
def _extract(view: GraphView, body: str, date: str | None, settings) -> tuple[Extraction, str]:  # noqa: ANN001
    view.context.date = date
    if settings is not None and getattr(settings, "llm_configured", False):
        from ingest.extract_llm import extract_llm

        try:
            return extract_llm(view.context, body, settings), f"llm ({settings.openai_model})"
        except Exception as e:  # noqa: BLE001 - a failing model falls back to the offline extractor
            print(f"LLM extraction failed ({e}); using the offline extractor", file=sys.stderr)
            return extract(view.context, body), f"offline (LLM failed: {type(e).__name__})"
    return extract(view.context, body), "offline"


def propose_article(store, view: GraphView, title, date, body, url, *, settings=None, file=None) -> ArticleReport:  # noqa: ANN001
    """The review document of one article and its report (nothing written)."""
    ex, how = _extract(view, body, date, settings)
    doc = propose(view, ex, title, date, body, url, extractor=how)
    if file:
        doc["source"]["file"] = file
    report = ArticleReport.from_review(doc, file=file)
    _mark_recorded(store, report)
    return report


def apply_review_doc(store, doc: dict[str, Any]) -> ArticleReport:  # noqa: ANN001
    """Write the accepted part of a review document; the report lists what was written."""
    for e in doc.get("entities", []):
        if e.get("match"):  # a corrected match must name an entity the graph has
            label, key = match_ref(e["label"], str(e["match"]))
            rows = store.run(f"MATCH (n:{label} {{{key_of(label)}: $k}}) RETURN count(n) AS n", {"k": key})
            if not rows or not rows[0]["n"]:
                raise IngestError(f"{e['name']}: 'same as' names {label} {key!r}, which the graph does not have")
    batch = batch_from_review(doc)
    store.ensure_schema()
    ensure_text_index(store)
    write_batch(store, batch)
    refresh_text_index(store)
    report = ArticleReport.from_review(doc, file=doc["source"].get("file"))
    report.written = True
    return report


def _one(store, view: GraphView, title, date, body, url, *, dry_run: bool, settings, file=None) -> ArticleReport:  # noqa: ANN001
    report = propose_article(store, view, title, date, body, url, settings=settings, file=file)
    if dry_run:
        return report
    written = apply_review_doc(store, report.review)
    for a, b in zip(written.relationships, report.relationships, strict=False):
        a["recorded"] = b.get("recorded")
    return written


def _mark_recorded(store, report: ArticleReport) -> None:  # noqa: ANN001
    """Flag relationships this article already backs (a re-ingest shows them as recorded, not new)."""
    shapes: dict[tuple[str, str, str], list[dict]] = {}
    for r in report.relationships:
        shapes.setdefault((r["start_label"], r["type"], r["end_label"]), []).append(r)
    for (a, t, b), group in shapes.items():  # one query per shape, not per relationship
        rows = store.run(
            f"UNWIND $pairs AS p MATCH (a:{a} {{{key_of(a)}: p[0]}})-[r:{t}]->(b:{b} {{{key_of(b)}: p[1]}}) "
            "WHERE $sid IN r.sources RETURN DISTINCT p[0] AS a, p[1] AS b",
            {"pairs": [[r["start_key"], r["end_key"]] for r in group], "sid": report.source_id},
        )
        seen = {(x["a"], x["b"]) for x in rows}
        for r in group:
            r["recorded"] = (r["start_key"], r["end_key"]) in seen


def _check_text(text: str, title: str | None, date: str | None) -> tuple[str, str | None, str]:
    if title or date:
        header = (f"Title: {title}\n" if title else "") + (f"Date: {date}\n" if date else "") + "\n"
        return parse_article_text(header + (text or ""), file="pasted article")
    return parse_article_text(text or "", file="pasted article")


def preview_article(
    store, text: str, title: str | None = None, date: str | None = None, settings=None
) -> ArticleReport:  # noqa: ANN001
    """A dry run over pasted text: what would be added (and the candidates), written nowhere."""
    t, d, body = _check_text(text, title, date)
    return _one(store, GraphView.read(store), t, d, body, None, dry_run=True, settings=settings)


def ingest_article_text(
    store, text: str, title: str | None = None, date: str | None = None, settings=None
) -> ArticleReport:  # noqa: ANN001
    t, d, body = _check_text(text, title, date)
    return _one(store, GraphView.read(store), t, d, body, None, dry_run=False, settings=settings)


def ingest_articles(store, paths: list[Path], *, dry_run: bool = False, settings=None) -> ArticlesReport:  # noqa: ANN001
    """Parse every article first (a bad one raises IngestError before anything is written), then ingest each."""
    parsed = [(Path(p), *parse_article(p)) for p in paths]
    report = ArticlesReport()
    for path, title, date, body in parsed:
        view = GraphView.read(store)  # re-read: an earlier article may have added names
        report.articles.append(
            _one(store, view, title, date, body, f"file:{path.name}", dry_run=dry_run, settings=settings,
                 file=str(path))
        )  # fmt: skip
    return report


if __name__ == "__main__":  # the evaluation's old address: python -m ingest.articles --eval DIR
    import runpy

    runpy.run_module("ingest.article_eval", run_name="__main__")
