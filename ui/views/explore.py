"""Explore: browse the graph around an entity, find the paths between two, and see events and policies
on a timeline.

Neighbourhood: search by name or alias; expand a node (double-click it, or pick a node and a
relationship type); hide nodes (select, then Delete) and pin them (pinned nodes stay in view and in
place when the entity changes). Positions stay put: only new nodes are placed. Queries live in
qa/explore.py and graph/export.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from graph.errors import RekgError
from graph.export import Subgraph, merge_subgraphs, neighbourhood
from graph.ontology import REL_TYPES
from graph.stats import list_sources
from graph.store import GNode, GRel, plain
from qa import explore as q
from ui import graphview
from ui.components import arrow_safe, explore_url, export_buttons, get_store, legend, settings, sources_list, warn
from ui.present import human

REL_COLUMNS = ["year", "edition", "metric", "value", "value_text", "unit", "role", "start_date", "end_date",
               "detail", "city", "note", "estimated", "latest"]  # fmt: skip
MODES = ["Neighbourhood", "Path between two", "Timeline"]


def _data_key() -> str:
    s = settings()
    return f"{s.backend}:{s.neo4j_uri or s.data_dir}"


@st.cache_data(ttl=60, show_spinner=False)
def options(data_key: str) -> tuple[list[str], dict[str, str]]:
    """Search options (names, then aliases) and the entity id each one opens."""
    opts = q.entity_options(get_store())
    return [o.text for o in opts], {o.text: o.uid for o in opts}


def _label(uid: str) -> str:
    label, _, key = uid.partition(":")
    return f"{key} · {label}"


# -- state callbacks -------------------------------------------------------------------------------


def _expanded() -> list[str]:
    return st.session_state.setdefault("explore-expanded", [])


def _add_expanded(entry: str) -> None:
    if entry and entry not in _expanded():
        _expanded().append(entry)


def _on_graph_event(component_key: str) -> None:
    """Double-click expands a node; Delete (or the bin button) hides the selected nodes."""
    value = st.session_state.get(component_key) or {}
    if not isinstance(value, dict):
        return
    data = value.get("data") or {}
    if value.get("action") == "open" and data.get("target_id"):
        _add_expanded(data["target_id"])
    elif value.get("action") == "remove":
        hidden = st.session_state.setdefault("explore-hidden", [])
        hidden += [u for u in data.get("node_ids") or [] if u not in hidden]


def _expand_selected() -> None:
    uid = (st.session_state.get("explore-expand-uids") or {}).get(st.session_state.get("explore-expand-choice") or "")
    rel = st.session_state.get("explore-expand-type") or "any type"
    if uid:
        _add_expanded(uid if rel == "any type" else f"{uid}|{rel.split(' (')[0]}")


def _reset() -> None:
    st.session_state["explore-expanded"] = []
    st.session_state["explore-hidden"] = []
    st.session_state.pop("explore-positions", None)


# -- the view ---------------------------------------------------------------------------------------


def build_view(root: GNode, depth: int, types: list[str] | None, expanded: list[str], pinned: list[str]) -> Subgraph:
    store = get_store()
    subs = [neighbourhood(store, [root], depth=depth, rel_types=types)]
    for entry in expanded:
        uid, _, rel = entry.partition("|")
        n = q.node(store, uid)
        if n is not None:
            subs.append(neighbourhood(store, [n], depth=1, rel_types=[rel] if rel else types, limit=200))
    view = merge_subgraphs(*subs)
    have = {n.uid for n in view.nodes}
    for uid in pinned:  # pinned nodes stay in view, with their links to what is shown
        n = q.node(store, uid)
        if n is None:
            continue
        around = neighbourhood(store, [n], depth=1, limit=200)
        keep = have | {uid}
        view = merge_subgraphs(
            view, Subgraph([n], [r for r in around.relationships if r.start.uid in keep and r.end.uid in keep])
        )
    return view


def relationships_frame(rels: list[GRel]) -> pd.DataFrame:
    rows = []
    for r in rels:
        row: dict[str, Any] = {"From": r.start.name, "Relationship": r.type, "To": r.end.name}
        for c in REL_COLUMNS:
            v = r.props.get(c)
            if v not in (None, "", []):
                row[human(c)] = ", ".join(str(x) for x in v) if isinstance(v, list) else plain(v)
        if r.end.label == "Policy" or r.start.label == "Policy":
            pol = r.end if r.end.label == "Policy" else r.start
            if pol.props.get("status"):
                row["Policy status"] = str(pol.props["status"]).replace("_", " ")
        row["Sources"] = len(r.props.get("sources") or [])
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df = arrow_safe(df.dropna(axis=1, how="all"))
        sort = [c for c in ("Relationship", "To", "Year") if c in df.columns]
        df = df.sort_values(sort, kind="stable").reset_index(drop=True)
    return df


def neighbourhood_mode(opts: list[str], target: dict[str, str]) -> None:
    store = get_store()
    by_uid: dict[str, str] = {}
    for o in opts:
        by_uid.setdefault(target[o], o)
    want = st.session_state.pop("explore-goto", None) or st.query_params.get("entity")
    if want and want not in by_uid:  # a link may name a Policy or Event by its name
        n = q.node(store, want)
        want = n.uid if n is not None else None
    if want in by_uid and st.session_state.get("explore-linked") != want:
        st.session_state["explore-entity"] = by_uid[want]
        st.session_state["explore-linked"] = want
    default = next((o for o in opts if o.startswith("MP Materials · ")), opts[0])
    st.session_state.setdefault("explore-entity", default)
    c1, c2, c3 = st.columns([3, 2, 1])
    choice = c1.selectbox("Entity (type a name or an alias)", opts, key="explore-entity")
    types = c2.multiselect("Relationship types", list(REL_TYPES), key="explore-types", placeholder="all types")
    depth = c3.slider("Depth", 1, 3, 1, key="explore-depth")
    uid = target.get(choice, "")
    if st.session_state.get("explore-root") != uid:
        st.session_state["explore-root"] = uid
        st.session_state["explore-expanded"] = []
        st.session_state["explore-hidden"] = []
        st.query_params["entity"] = uid
        st.session_state["explore-linked"] = uid
    root = q.node(store, uid)
    if root is None:
        warn(f"{choice} is no longer in the graph.")
        return
    pinned: list[str] = st.session_state.setdefault("explore-pinned", [])
    try:
        view = build_view(root, depth, types or None, _expanded(), pinned)
    except RekgError as e:
        warn(f"Could not read the neighbourhood: {e}")
        return
    hidden = set(st.session_state.get("explore-hidden") or []) - {root.uid} - set(pinned)
    hidden |= {n.uid for n in view.nodes if n.label == "Sentence"}  # article sentences are provenance, not entities
    nodes = [n for n in view.entity_nodes if n.uid not in hidden]
    rels = [r for r in view.relationships if r.start.uid not in hidden and r.end.uid not in hidden]

    left, right = st.columns([1, 2])
    with left:
        st.subheader(root.name)
        st.caption(f":{root.label}")
        props = {human(k): plain(v) for k, v in sorted(root.props.items())
                 if k not in ("sources", "name") and v not in (None, "", [])}  # fmt: skip
        for k, v in props.items():
            if isinstance(v, list):
                props[k] = ", ".join(str(x) for x in v)
        st.dataframe(
            pd.DataFrame({"Property": list(props), "Value": [str(v) for v in props.values()]}),
            hide_index=True,
            key="explore-props",
        )
        src_ids = set(root.props.get("sources") or [])
        if src_ids:
            with st.expander(f"Sources ({len(src_ids)})", expanded=len(src_ids) <= 5):
                sources_list([s for s in list_sources(store) if s["id"] in src_ids])
    with right:
        show_all = st.session_state.get("explore-show-all", False)
        shown = graphview.cap(nodes, rels, keep=[root.uid, *pinned], limit=10_000 if show_all else graphview.NODE_CAP)
        if shown.capped:
            per = ", ".join(f"{lb} {c}" for lb, c in shown.per_label.most_common())
            st.warning(f"{shown.total} nodes are in view; showing the {len(shown.nodes)} best connected. "
                       f"Per type: {per}.", icon=":material/warning:")  # fmt: skip
            st.button("Show all", key="explore-show-all-btn",
                      on_click=lambda: st.session_state.__setitem__("explore-show-all", True))  # fmt: skip
        legend((n.label for n in shown.nodes), asked=True)
        pos = graphview.render(
            shown.nodes, shown.rels, key="explore-graph", height=520, width_hint=850,
            positions=st.session_state.get("explore-positions"), asked=[root.uid], pinned=pinned,
            on_event=_on_graph_event, hideable=True,
        )  # fmt: skip
        st.session_state["explore-positions"] = pos
        st.caption("Double-click a node to expand it · select nodes and press Delete to hide them · "
                   "drag to move, scroll to zoom, click for properties")  # fmt: skip
        done = {e.split("|")[0] for e in _expanded()}
        candidates = sorted((n for n in shown.nodes if n.uid not in done), key=lambda n: (n.uid == root.uid, n.name))
        labels = {f"{n.name} · {n.label}": n.uid for n in candidates}
        st.session_state["explore-expand-uids"] = labels
        e1, e2, e3 = st.columns([3, 2, 1], vertical_alignment="bottom")
        choice_text = e1.selectbox("Expand a node", list(labels), key="explore-expand-choice")
        pick = labels.get(choice_text or "", "")
        counts = q.relationship_counts(store, pick) if pick else {}
        e2.selectbox("by relationship type", ["any type"] + [f"{t} ({c})" for t, c in counts.items()],
                     key="explore-expand-type")  # fmt: skip
        e3.button("Expand", key="explore-expand", on_click=_expand_selected)
        p1, p2 = st.columns(2)
        names = {n.uid: f"{n.name} · {n.label}" for n in nodes}
        in_view = sorted({n.uid for n in nodes} | set(pinned), key=lambda u: names.get(u, u))

        def name_of(u: str) -> str:
            return names.get(u) or _label(u)

        p1.multiselect("Pinned (stay in view and in place)", in_view, format_func=name_of, key="explore-pinned")
        user_hidden = set(st.session_state.get("explore-hidden") or [])
        p2.multiselect("Hidden", sorted(set(in_view) | user_hidden), format_func=name_of, key="explore-hidden")
        if _expanded():
            st.caption("Expanded: " + ", ".join(name_of(e.split("|")[0]).split(" · ")[0]
                                                + (f" by {e.split('|')[1]}" if "|" in e else "") for e in _expanded()))  # fmt: skip
        if _expanded() or st.session_state.get("explore-hidden"):
            st.button("Reset view", key="explore-reset", on_click=_reset)
        if view.truncated:
            st.caption("The view is capped; filter relationship types or lower the depth to see everything.")

    st.subheader(f"Relationships ({len(rels)})")
    df = relationships_frame(rels)
    if df.empty:
        st.info("No relationships with these filters.")
    else:
        st.dataframe(df, hide_index=True, key="explore-rels")
    st.markdown("**Export this view**")
    export_buttons(lambda: Subgraph(nodes + [n for n in view.nodes if n.label == "Source"], rels),
                   key="explore-export", basename=f"{root.name}-depth{depth}")  # fmt: skip


def _chain(p: q.Path) -> str:
    """'A –[SUPPLIES]→ B ←[INVESTS_IN]– C': each step in its real direction."""
    out = [p.nodes[0].name]
    for prev, rel, nxt in zip(p.nodes, p.rels, p.nodes[1:]):
        forward = rel.start.uid == prev.uid
        out.append(f" –[{rel.type}]→ {nxt.name}" if forward else f" ←[{rel.type}]– {nxt.name}")
    return "".join(out)


def path_mode(opts: list[str], target: dict[str, str]) -> None:
    store = get_store()
    main_opts = [o for o in opts if "→" not in o.split(" · ")[0]]
    c1, c2, c3 = st.columns([3, 3, 1])
    cur = st.session_state.get("explore-entity")
    a = c1.selectbox("From", main_opts, index=main_opts.index(cur) if cur in main_opts else 0, key="path-from")
    b_default = next((i for i, o in enumerate(main_opts) if o.startswith("Apple · ")), 0)
    b = c2.selectbox("To", main_opts, index=b_default, key="path-to")
    hops = c3.slider("Max steps", 1, q.MAX_PATH_HOPS, 3, key="path-hops")
    if st.button("Find paths", key="path-find", type="primary"):
        try:
            st.session_state["path-result"] = (a, b, q.shortest_paths(store, target[a], target[b], hops))
        except RekgError as e:
            warn(f"The paths could not be read: {e}")
            return
    res = st.session_state.get("path-result")
    if not res:
        st.caption("Pick two entities and press Find paths: the shortest chains of relationships between them.")
        return
    ra, rb, paths = res
    if not paths:
        st.info(f"No chain of up to {hops} steps links {ra.split(' · ')[0]} and {rb.split(' · ')[0]}.")
        return
    st.markdown(f"**{len(paths)} shortest path{'s' if len(paths) > 1 else ''}** ({paths[0].hops} steps)")
    nodes: dict[str, GNode] = {}
    rels: dict[str, GRel] = {}
    for p in paths:
        nodes.update({n.uid: n for n in p.nodes})
        rels.update({r.uid: r for r in p.rels})
    ends = [target[ra], target[rb]]
    legend((n.label for n in nodes.values()), asked=True)
    graphview.render(list(nodes.values()), list(rels.values()), key="path-graph", height=420, width_hint=1200,
                     asked=ends)  # fmt: skip
    df = pd.DataFrame({"Path": [_chain(p) for p in paths], "Steps": [p.hops for p in paths]})
    st.dataframe(
        df, hide_index=True, key="path-table", column_config={"Path": st.column_config.TextColumn(width="large")}
    )


def _as_date(text: str) -> date | None:
    parts = (text or "").split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 1
        d = int(parts[2][:2]) if len(parts) > 2 else 1
        return date(y, m, d)
    except (ValueError, IndexError):
        return None


def timeline_mode() -> None:
    import altair as alt

    store = get_store()
    c1, c2 = st.columns(2)
    country = c1.selectbox("Country", ["all countries"] + q.names_of(store, "Country"), key="tl-country")
    mineral = c2.selectbox("Mineral", ["all minerals"] + q.names_of(store, "Mineral"), key="tl-mineral")
    items = q.timeline(store, None if country.startswith("all ") else country,
                       None if mineral.startswith("all ") else mineral)  # fmt: skip
    if not items:
        st.info("No dated events or policies with these filters.")
        return
    rows = [{"Date": _as_date(t.date), "Recorded date": t.date, "Kind": t.kind, "Name": t.name, "Type": t.what,
             "Status": t.status.replace("_", " "), "Countries": ", ".join(t.countries),
             "Minerals": ", ".join(t.minerals), "Open": explore_url(t.uid)} for t in items]  # fmt: skip
    df = pd.DataFrame([r for r in rows if r["Date"] is not None])
    st.caption(f"{len(items)} events and policies, {df['Date'].min()} to {df['Date'].max()}")
    chart = (
        alt.Chart(df, title="Events and policies over time")
        .mark_circle(size=110, opacity=0.8)
        .encode(
            x=alt.X("Date:T", title="Date (announced, or held)"),
            y=alt.Y("Kind:N", title=None),
            color=alt.Color("Kind:N", legend=None),
            tooltip=["Recorded date", "Name", "Type", "Status", "Countries", "Minerals"],
        )
        .properties(height=180)
        .interactive(bind_y=False)
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        pd.DataFrame(rows).drop(columns=["Date"]).iloc[::-1],
        hide_index=True,
        key="tl-table",
        column_config={"Open": st.column_config.LinkColumn("Open", display_text="Explore", width="small")},
    )


def main() -> None:
    st.title("Explore the graph")
    try:
        opts, target = options(_data_key())
    except RekgError as e:
        warn(f"The graph is not available: {e}")
        return
    if not opts:
        st.info("The graph is empty. Restart the app with `make run`, which loads the bundled data.")
        return
    mode = st.segmented_control("View", MODES, default=MODES[0], key="explore-mode", label_visibility="collapsed")
    if mode == MODES[1]:
        path_mode(opts, target)
    elif mode == MODES[2]:
        timeline_mode()
    else:
        neighbourhood_mode(opts, target)


main()
