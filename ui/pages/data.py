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
    """Add a news article: a dry-run preview, accept or reject each proposed fact, then add."""
    from ingest.articles import apply_review_doc, preview_article

    st.subheader("Add article")
    if done := st.session_state.pop("article-done", None):
        st.success(done)
    with st.form("add-article"):
        title = st.text_input("Title", key="article-title")
        date = st.text_input("Date (YYYY-MM-DD)", key="article-date")
        text = st.text_area("Article text", height=220, key="article-text")
        preview = st.form_submit_button("Preview (dry run)")
    if preview:
        if not text.strip():
            warn("Paste the article text first.")
            return
        try:
            report = preview_article(get_store(), text, title or None, date or None, settings())
        except RekgError as e:
            warn(f"The article could not be read: {e}")
            return
        st.session_state["article-preview"] = report.review
    doc = st.session_state.get("article-preview")
    if not doc:
        return
    st.markdown("**Preview: nothing is written yet.** Tick what to add; candidates (low confidence) start unticked.")
    ents = [e for e in doc["entities"] if e["label"] != "Stage"]
    ent_table = st.data_editor(
        pd.DataFrame(
            [
                {
                    "add": e["accepted"],
                    "status": e["status"],
                    "label": e["label"],
                    "name": e["name"],
                    "same as (existing name)": e.get("match") or "",
                    "id": e["id"],
                }
                for e in ents
            ]  # fmt: skip
        ),
        hide_index=True,
        disabled=["status", "label", "name", "id"],
        key="article-entities",
    )
    rel_table = st.data_editor(
        pd.DataFrame(
            [
                {
                    "add": r["accepted"],
                    "confidence": r["confidence"],
                    "start": r["start_name"],
                    "type": r["type"],
                    "end": r["end_name"],
                    "sentence": r["sentence"],
                    "id": r["id"],
                }
                for r in doc["relationships"]
            ]  # fmt: skip
        ),
        hide_index=True,
        disabled=["confidence", "start", "type", "end", "sentence", "id"],
        key="article-rels",
    )
    n_new = sum(1 for e in ents if e["status"] == "new")
    st.caption(f"{len(ents) - n_new} known entities matched, {n_new} new entities, {len(doc['relationships'])} "
               f"relationships proposed")  # fmt: skip
    c1, c2 = st.columns(2)
    if c2.button("Discard preview", key="article-discard"):
        st.session_state.pop("article-preview", None)
        st.rerun()
    if c1.button("Add to the graph", key="article-commit", type="primary"):
        accepted_e = {row["id"]: (bool(row["add"]), row["same as (existing name)"]) for _, row in ent_table.iterrows()}
        accepted_r = {row["id"]: bool(row["add"]) for _, row in rel_table.iterrows()}
        for e in doc["entities"]:
            if e["id"] in accepted_e:
                e["accepted"], match = accepted_e[e["id"]]
                e["match"] = (match or "").strip() or None
        for r in doc["relationships"]:
            r["accepted"] = accepted_r.get(r["id"], r["accepted"])
        try:
            done = apply_review_doc(get_store(), doc)
        except RekgError as e:
            warn(f"Nothing was added: {e}")
            return
        st.session_state.pop("article-preview", None)
        st.session_state["article-done"] = (
            f"Added “{done.title}”: {len(done.new_entities)} new entities and {len(done.relationships)} relationships."
        )
        st.cache_data.clear()
        st.rerun()


def render_forget() -> None:
    """Forget an article: remove what only it supports (facts other sources back keep them)."""
    from ingest.forget import forget_source

    articles = [r for r in list_sources(get_store()) if r.get("kind") == "article"]
    if done := st.session_state.pop("forget-done", None):
        st.success(done)
    if not articles:
        return
    st.subheader("Forget an article")
    labels = {f"{r['title']} ({r['date'] or 'undated'}) · {r['id']}": r["id"] for r in articles}
    choice = st.selectbox("Article", list(labels), key="forget-source")
    if st.button("Forget this article", key="forget-commit"):
        try:
            st.session_state["forget-done"] = forget_source(get_store(), labels[choice]).render()
        except RekgError as e:
            warn(f"Nothing was removed: {e}")
            return
        st.cache_data.clear()
        st.rerun()


def main() -> None:
    st.title("Data")
    try:
        render_stats()
    except RekgError as e:
        warn(f"The graph is not available: {e}")
        return
    render_sources()
    render_add_article()
    render_forget()


main()
