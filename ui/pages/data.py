"""Data: what the graph holds (counts per label and type), its sources, the backend, and adding articles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.errors import RekgError
from graph.ontology import NODE_BY_LABEL, REL_BY_TYPE
from graph.stats import graph_stats, list_sources
from ui.components import get_store, settings, sources_list, warn


def _counts(title: str, column: str, counts: dict[str, int], described: dict, key: str) -> None:
    """A table of counts with the ontology's description of each label or type."""
    st.subheader(title)
    rows = [
        {column: k, "count": v, "description": described[k].description if k in described else ""}
        for k, v in counts.items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=key)


def render_stats() -> None:
    store = get_store()
    stats = graph_stats(store)
    s = settings()
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Nodes", stats["nodes"])
    c2.metric("Relationships", stats["relationships"])
    c3.metric("Sources", stats["sources"])
    c4.metric("Backend", stats["backend"])
    where = s.neo4j_uri if s.neo4j_uri else str(s.data_dir)
    st.caption(f"Backend **{stats['backend']}** · {'Neo4j at' if s.neo4j_uri else 'data directory'} `{where}`")
    left, right = st.columns(2)
    with left:
        _counts("Nodes per label", "label", stats["labels"], NODE_BY_LABEL, "data-labels")
    with right:
        _counts("Relationships per type", "type", stats["relationship_types"], REL_BY_TYPE, "data-types")


def render_sources() -> None:
    rows = list_sources(get_store())
    st.subheader(f"Sources ({len(rows)})")
    if not rows:
        st.info("No sources yet.")
        return
    st.dataframe(
        pd.DataFrame(rows, columns=["kind", "date", "title", "url", "id"]),
        hide_index=True,
        key="data-sources",
        column_config={"url": st.column_config.LinkColumn("url")},
    )
    with st.expander("As a list"):
        sources_list(rows)


# -- the "Add article" slot -------------------------------------------------------------------------


def render_add_article() -> None:
    """Add a news article: a dry-run preview of what would be added, then commit.

    Uses `ingest.articles.preview_article` / `ingest_article_text` when that module is present.
    """
    st.subheader("Add article")
    try:
        from ingest.articles import ingest_article_text, preview_article
    except ImportError:
        st.info("article ingest not available")
        return
    with st.form("add-article"):
        title = st.text_input("Title", key="article-title")
        date = st.text_input("Date (YYYY-MM-DD)", key="article-date")
        text = st.text_area("Article text", height=220, key="article-text")
        preview = st.form_submit_button("Preview (dry run)")
    s = settings()
    if preview:
        if not text.strip():
            warn("Paste the article text first.")
            return
        try:
            report = preview_article(get_store(), text, title or None, date or None, s)
        except RekgError as e:
            warn(f"The article could not be read: {e}")
            return
        st.session_state["article-preview"] = {"text": text, "title": title, "date": date, "report": report}
    pending = st.session_state.get("article-preview")
    if not pending:
        return
    report = pending["report"]
    st.markdown("**Preview: nothing is written yet**")
    rels = getattr(report, "relationships", None) or []
    if rels:
        st.dataframe(
            pd.DataFrame([{k: r.get(k) for k in ("type", "start", "end", "sentence")} for r in rels]),
            hide_index=True,
            key="article-rels",
        )
    new = getattr(report, "new_entities", None) or []
    matched = getattr(report, "matched_entities", None) or []
    st.caption(f"{len(matched)} known entities matched, {len(new)} new entities, {len(rels)} relationships")
    with st.expander("Full report"):
        st.text(report.render() if hasattr(report, "render") else str(report))
    if st.button("Add to the graph", key="article-commit", type="primary"):
        try:
            done = ingest_article_text(
                get_store(), pending["text"], pending["title"] or None, pending["date"] or None, s
            )
        except RekgError as e:
            warn(f"Nothing was added: {e}")
            return
        st.session_state.pop("article-preview", None)
        st.success("Added. " + (done.render().splitlines()[0] if hasattr(done, "render") and done.render() else ""))
        st.cache_data.clear()


def main() -> None:
    st.title("Data")
    try:
        render_stats()
    except RekgError as e:
        warn(f"The graph is not available: {e}")
        return
    render_sources()
    render_add_article()


main()
