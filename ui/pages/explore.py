"""Explore: find an entity by name or alias, see its facts and sources, expand its neighbourhood."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.errors import RekgError
from graph.export import Subgraph, merge_subgraphs, neighbourhood, node_by_uid
from graph.ontology import REL_TYPES
from graph.resolve import index_from_store
from graph.stats import list_sources
from graph.store import GNode, GRel, plain
from ui.components import export_buttons, get_store, legend, render_graph, sources_list, warn

REL_COLUMNS = [
    "year",
    "edition",
    "metric",
    "value",
    "value_text",
    "unit",
    "role",
    "start_date",
    "end_date",
    "detail",
    "city",
    "note",
    "estimated",
    "latest",
]


@st.cache_data(ttl=60, show_spinner=False)
def entity_options(data_key: str) -> tuple[list[str], dict[str, str]]:
    """Every entity name and alias as a searchable option, mapped to the entity's display option."""
    index = index_from_store(get_store())
    options: list[str] = []
    target: dict[str, str] = {}
    for ent in sorted(index.entities(), key=lambda e: e.name.lower()):
        opt = f"{ent.name} · {ent.label}"
        if opt not in target:
            options.append(opt)
            target[opt] = opt
    rows = get_store().run(
        "MATCH (n) WHERE NOT n:Source AND n.aliases IS NOT NULL RETURN labels(n)[0] AS label, n.name AS name, "
        "n.aliases AS aliases"
    )
    for r in rows:
        main = f"{r['name']} · {r['label']}"
        if main not in target:
            continue
        for alias in r["aliases"] or []:
            if isinstance(alias, str) and alias and alias != r["name"]:
                opt = f"{alias} → {r['name']} · {r['label']}"
                if opt not in target:
                    options.append(opt)
                    target[opt] = main
    return options, target


def _data_key() -> str:
    from ui.components import settings

    s = settings()
    return f"{s.backend}:{s.neo4j_uri or s.data_dir}"


def entity_node(option: str) -> GNode | None:
    name, _, label = option.rpartition(" · ")
    rows = get_store().run(f"MATCH (n:{label}) WHERE n.name = $name RETURN n LIMIT 1", {"name": name}) if label else []
    return rows[0]["n"] if rows else None


def _expand_from_graph(component_key: str) -> None:
    """st_link_analysis callback: a double-clicked (expand) node joins the expanded set."""
    value = st.session_state.get(component_key) or {}
    if isinstance(value, dict) and value.get("action") == "expand":
        for uid in (value.get("data") or {}).get("node_ids") or []:
            _add_expanded(uid)


def _add_expanded(uid: str) -> None:
    expanded: list[str] = st.session_state.setdefault("explore-expanded", [])
    if uid and uid not in expanded:
        expanded.append(uid)


def _expand_selected() -> None:
    _add_expanded(st.session_state.get("explore-expand-choice") or "")


def build_view(root: GNode, depth: int, types: list[str] | None, expanded: list[str]) -> Subgraph:
    store = get_store()
    subs = [neighbourhood(store, [root], depth=depth, rel_types=types)]
    for uid in expanded:
        node = node_by_uid(store, uid)
        if node is not None:
            subs.append(neighbourhood(store, [node], depth=1, rel_types=types, limit=200))
    return merge_subgraphs(*subs)


def relationships_frame(rels: list[GRel]) -> pd.DataFrame:
    rows = []
    for r in rels:
        row: dict[str, Any] = {"from": r.start.name, "relationship": r.type, "to": r.end.name}
        for c in REL_COLUMNS:
            if r.props.get(c) not in (None, "", []):
                row[c] = plain(r.props[c])
        if r.end.label == "Policy" or r.start.label == "Policy":
            pol = r.end if r.end.label == "Policy" else r.start
            if pol.props.get("status"):
                row["policy status"] = pol.props["status"]
        row["sources"] = len(r.props.get("sources") or [])
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df = df.dropna(axis=1, how="all")
        sort = [c for c in ("relationship", "to", "year") if c in df.columns]
        df = df.sort_values(sort, kind="stable").reset_index(drop=True)
    return df


def main() -> None:
    st.title("Explore the graph")
    try:
        store = get_store()
        options, target = entity_options(_data_key())
    except RekgError as e:
        warn(f"The graph is not available: {e}")
        return
    if not options:
        st.info("The graph is empty. Load data with `rekg ingest` (or restart `rekg ui`, which loads it).")
        return
    pre = st.session_state.pop("explore-goto", None)
    if pre in target:
        st.session_state["explore-entity"] = pre
    default = next((o for o in options if o.startswith("MP Materials · ")), options[0])
    if "explore-entity" not in st.session_state:
        st.session_state["explore-entity"] = default
    c1, c2, c3 = st.columns([3, 2, 1])
    choice = c1.selectbox("Entity (type a name or an alias)", options, key="explore-entity")
    types = c2.multiselect("Relationship types", list(REL_TYPES), key="explore-types", placeholder="all types")
    depth = c3.slider("Depth", 1, 3, 1, key="explore-depth")
    main_opt = target.get(choice, choice)
    if st.session_state.get("explore-root") != main_opt:
        st.session_state["explore-root"] = main_opt
        st.session_state["explore-expanded"] = []
    root = entity_node(main_opt)
    if root is None:
        warn(f"{choice} is no longer in the graph.")
        return
    expanded: list[str] = st.session_state.setdefault("explore-expanded", [])
    try:
        view = build_view(root, depth, types or None, expanded)
    except RekgError as e:
        warn(f"Could not read the neighbourhood: {e}")
        return

    left, right = st.columns([1, 2])
    with left:
        st.subheader(root.name)
        st.caption(f":{root.label}")
        props = {
            k: plain(v) for k, v in sorted(root.props.items()) if k not in ("sources",) and v not in (None, "", [])
        }
        for k, v in props.items():
            if isinstance(v, list):
                props[k] = ", ".join(str(x) for x in v)
        st.dataframe(
            pd.DataFrame({"property": list(props), "value": [str(v) for v in props.values()]}),
            hide_index=True,
            key="explore-props",
        )
        src_ids = set(root.props.get("sources") or [])
        if src_ids:
            with st.expander(f"Sources ({len(src_ids)})", expanded=len(src_ids) <= 5):
                sources_list([s for s in list_sources(store) if s["id"] in src_ids])
    with right:
        legend(n.label for n in view.entity_nodes)
        render_graph(
            view.entity_nodes,
            view.relationships,
            key="explore-graph",
            height=520,
            expandable=True,
            on_change=_expand_from_graph,
        )
        candidates = sorted(
            (n for n in view.entity_nodes if n.uid not in expanded and n.uid != root.uid), key=lambda n: n.name
        )
        if candidates:
            e1, e2 = st.columns([4, 1], vertical_alignment="bottom")
            e1.selectbox(
                "Expand a node (or double-click it in the graph)",
                [n.uid for n in candidates],
                format_func=lambda uid: f"{uid.split(':', 1)[1]} · {uid.split(':', 1)[0]}",
                key="explore-expand-choice",
            )
            e2.button("Expand", key="explore-expand", on_click=_expand_selected)
        if expanded:
            st.caption("Expanded: " + ", ".join(uid.split(":", 1)[1] for uid in expanded))
            if st.button("Reset view", key="explore-reset"):
                st.session_state["explore-expanded"] = []
                st.rerun()
        if view.truncated:
            st.caption("The view is capped; filter relationship types or lower the depth to see everything.")

    st.subheader(f"Relationships ({len(view.relationships)})")
    df = relationships_frame(view.relationships)
    if df.empty:
        st.info("No relationships with these filters.")
    else:
        st.dataframe(df, hide_index=True, key="explore-rels")
    st.markdown("**Export this view**")
    export_buttons(lambda: view, key="explore-export", basename=f"{root.name}-depth{depth}")


main()
