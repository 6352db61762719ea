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
    sid = doc["source"]["id"]
    new_ents = [e for e in doc["entities"] if e["status"] == "new" and e["label"] != "Stage"]
    n_known = sum(1 for e in doc["entities"] if e["status"] == "matched" and e["label"] != "Stage")
    st.caption(f"{n_known} known entities matched, {len(new_ents)} new entities, {len(doc['relationships'])} "
               "relationships proposed")  # fmt: skip
    ent_choice: dict[str, tuple[bool, str]] = {}
    if new_ents:
        st.markdown("New entities")
        for ent in new_ents:
            c1, c2 = st.columns([3, 2])
            keep = c1.checkbox(f"{ent['label']}: {ent['name']}", value=ent["accepted"], key=f"ent-{sid}-{ent['id']}")
            same = c2.text_input("same as (an existing name)", value=ent.get("match") or "", key=f"match-{sid}-{ent['id']}",
                                 label_visibility="collapsed", placeholder="same as (an existing name)")  # fmt: skip
            ent_choice[ent["id"]] = (keep, same)
    rel_choice: dict[str, bool] = {}
    st.markdown("Relationships")
    for r in doc["relationships"]:
        tag = " · candidate" if r["candidate"] else ""
        rel_choice[r["id"]] = st.checkbox(
            f"({r['start_name']}) –{r['type']}→ ({r['end_name']}) · confidence {r['confidence']:.2f}{tag}",
            value=r["accepted"],
            key=f"rel-{sid}-{r['id']}",
            help=r["sentence"],
        )
    c1, c2 = st.columns(2)
    if c2.button("Discard preview", key="article-discard"):
        st.session_state.pop("article-preview", None)
        st.rerun()
    if c1.button("Add to the graph", key="article-commit", type="primary"):
        for ent in doc["entities"]:
            if ent["id"] in ent_choice:
                ent["accepted"], match = ent_choice[ent["id"]]
                ent["match"] = (match or "").strip() or None
        for r in doc["relationships"]:
            r["accepted"] = rel_choice.get(r["id"], r["accepted"])
        try:
            done = apply_review_doc(get_store(), doc)
        except RekgError as e:
            warn(f"Nothing was added: {e}")
            return
        st.session_state.pop("article-preview", None)
        added = ", ".join(str(e.get("name") if isinstance(e, dict) else e) for e in list(done.new_entities)[:8])
        st.session_state["article-done"] = (
            f"Added “{done.title}”: {len(done.new_entities)} new entities and {len(done.relationships)} relationships."
            + (f" New: {added}." if added else "")
            + " The counts at the top of the page include them."
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


def render_schema() -> None:
    """The ontology as a diagram (labels, relationship types in their direction) and as a table."""
    from qa.explore import schema_graph, schema_rows
    from ui import graphview
    from ui.components import arrow_safe
    from ui.present import human

    st.subheader("Schema", anchor="schema")
    st.caption("What the graph can hold: node labels (colours as in every graph view) and the relationship "
               "types between them, drawn in their direction. Click a label or an arrow for its description "
               "and properties. Use these names in the Cypher box.")  # fmt: skip
    nodes, rels = schema_graph()
    graphview.render(nodes, rels, key="schema-graph", height=560, width_hint=1300)
    rows = schema_rows()
    df = arrow_safe(pd.DataFrame([{human(k): v for k, v in r.items()} for r in rows]))
    st.dataframe(df, hide_index=True, key="schema-table",
                 column_config={"Properties": st.column_config.TextColumn(width="large"),
                                "Description": st.column_config.TextColumn(width="large")})  # fmt: skip


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
    render_schema()


main()
