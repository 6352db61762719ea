"""Widgets shared by the pages: the store, the graph view, export downloads, sources, tables.

No Cypher here beyond what graph/ and qa/ offer; pages call these and the project's functions.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from graph.export import FORMATS, MIME, SUFFIX, Subgraph, export_bytes
from graph.ontology import NODES, RELS
from graph.settings import Settings, load_settings
from graph.store import GNode, GraphStore, GRel, plain

FORMAT_LABELS = {"json": "JSON", "graphml": "GraphML", "csv": "CSV (Neo4j import, zip)", "cypher": "Cypher script"}
HIDDEN_PROPS = {"sources", "evidence", "aliases"}


def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner="Opening the graph…")
def _open_store(data_dir: str, neo4j_uri: str | None) -> GraphStore:
    from graph.connect import open_store

    return open_store(load_settings())


def get_store() -> GraphStore:
    """One store per app process (the embedded server started by `rekg ui` is reused)."""
    s = settings()
    return _open_store(str(s.data_dir), s.neo4j_uri)


def warn(message: str, hint: str = "") -> None:
    st.warning(message + (f"\n\n{hint}" if hint else ""), icon=":material/warning:")


# -- graph view --------------------------------------------------------------------------------


def _short(v: Any) -> str:
    v = plain(v)
    if isinstance(v, list):
        v = ", ".join(str(x) for x in v)
    text = str(v)
    return text if len(text) <= 200 else text[:197] + "…"


def elements(nodes: Iterable[GNode], rels: Iterable[GRel]) -> dict[str, Any]:
    """st_link_analysis elements: node `label` is the ontology label (styled by colour), `name` the caption."""
    out_nodes: dict[str, dict[str, Any]] = {}
    out_edges: dict[str, dict[str, Any]] = {}

    def add(n: GNode) -> None:
        if n.uid in out_nodes:
            return
        data = {"id": n.uid, "label": n.label, "name": n.name}
        for k, v in n.props.items():
            if k not in HIDDEN_PROPS and k not in data and v not in (None, "", []):
                data[k] = _short(v)
        out_nodes[n.uid] = {"data": data}

    for n in nodes:
        add(n)
    for r in rels:
        add(r.start)
        add(r.end)
        data = {"id": r.uid, "label": r.type, "source": r.start.uid, "target": r.end.uid}
        for k, v in r.props.items():
            if k not in HIDDEN_PROPS and v not in (None, "", []):
                data[k] = _short(v)
        out_edges[r.uid] = {"data": data}
    return {"nodes": list(out_nodes.values()), "edges": list(out_edges.values())}


class _RawStyle:
    """A Cytoscape style rule passed next to NodeStyle/EdgeStyle (st-link-analysis only calls `.dump()`)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


# The component hides captions below font size 10 on screen; small graphs zoomed to fit lose all names.
CAPTIONS = _RawStyle("*", {"min-zoomed-font-size": 3})


def render_graph(
    nodes: list[GNode],
    rels: list[GRel],
    *,
    key: str,
    height: int = 420,
    expandable: bool = False,
    on_change: Callable[[str], None] | None = None,
) -> Any:
    """An interactive graph (st-link-analysis, Cytoscape bundled locally: no CDN).

    The component lays its elements out once, when it mounts, so its key includes a digest of the
    elements: a changed view (new entity, expanded node, filter) mounts afresh with a new layout.
    `on_change(component_key)` runs when the user acts on the graph (double-click = expand).
    """
    from st_link_analysis import EdgeStyle, NodeStyle, st_link_analysis

    if not nodes and not rels:
        return None
    node_styles = [NodeStyle(n.label, n.color, "name") for n in NODES] + [CAPTIONS]
    with warnings.catch_warnings():  # st-link-analysis 0.4 warns about its own default `labeled=False`
        warnings.simplefilter("ignore")
        edge_styles = [EdgeStyle(r.type, caption="label", directed=True) for r in RELS]
    els = elements(nodes, rels)
    ids = sorted(e["data"]["id"] for e in els["nodes"]) + sorted(e["data"]["id"] for e in els["edges"])
    full_key = f"{key}-{hashlib.sha1(json.dumps(ids).encode()).hexdigest()[:12]}"
    return st_link_analysis(
        els,
        layout="cose",
        node_styles=node_styles,
        edge_styles=edge_styles,
        height=height,
        key=full_key,
        on_change=functools.partial(on_change, full_key) if on_change else None,
        node_actions=["expand"] if expandable else [],
    )


def legend(labels: Iterable[str]) -> None:
    colors = {n.label: n.color for n in NODES}
    chips = " ".join(
        f"<span style='background:{colors.get(lb, '#888')};color:#fff;border-radius:8px;padding:1px 8px;"
        f"margin-right:4px;font-size:0.8em'>{lb}</span>"
        for lb in sorted(set(labels))
    )
    if chips:
        st.markdown(chips, unsafe_allow_html=True)


# -- tables, charts, sources ---------------------------------------------------------------------


def rows_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    data = [{c: _cell(r.get(c)) for c in columns} for r in rows]
    return pd.DataFrame(data, columns=columns)


def _cell(v: Any) -> Any:
    v = plain(v)
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


NOT_MEASURES = re.compile(r"(^|_)(year|hops|rank|id|atomic_number|number)$", re.I)


def chart_columns(rows: list[dict[str, Any]], columns: list[str]) -> tuple[str, str] | None:
    """(name column, numeric column) when the rows compare numbers, else None."""
    if len(rows) < 2:
        return None

    def numeric(c: str) -> bool:
        vals = [r.get(c) for r in rows]
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals if v is not None) and any(
            v is not None for v in vals
        )

    nums = [c for c in columns if numeric(c) and not NOT_MEASURES.search(c)]
    names = [c for c in columns if all(isinstance(r.get(c), str) for r in rows)]
    if not nums or not names:
        return None
    name = next((c for c in names if len({r.get(c) for r in rows}) == len(rows)), names[0])
    return name, nums[0]


def bar_chart(rows: list[dict[str, Any]], columns: list[str]) -> bool:
    cols = chart_columns(rows, columns)
    if not cols:
        return False
    name, num = cols
    df = pd.DataFrame([{name: r.get(name), num: r.get(num)} for r in rows]).groupby(name, sort=False).sum()
    st.bar_chart(df, y=num, horizontal=True, height=min(60 + 28 * len(df), 420))
    return True


def sources_list(sources: list[dict[str, Any]]) -> None:
    if not sources:
        return
    lines = []
    for s in sources:
        title = (s.get("title") or s.get("id") or "source").replace("[", "(").replace("]", ")")
        date = f" ({s['date']})" if s.get("date") else ""
        url = s.get("url") or ""
        lines.append(f"- [{title}]({url}){date}" if url.startswith(("http://", "https://")) else f"- {title}{date}")
    st.markdown("\n".join(lines))


def export_buttons(make_subgraph: Callable[[], Subgraph], *, key: str, basename: str) -> None:
    """Four download buttons (JSON, GraphML, CSV zip, Cypher) for one subgraph."""
    try:
        sub = make_subgraph()
    except Exception as e:  # noqa: BLE001 - a failed export must not break the page
        warn(f"Export is not available: {e}")
        return
    if not sub.nodes:
        return
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", basename).strip("_")[:60] or "rekg"
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS):
        with col:
            st.download_button(
                FORMAT_LABELS[fmt],
                data=export_bytes(sub, fmt),
                file_name=f"{safe}{SUFFIX[fmt]}",
                mime=MIME[fmt],
                key=f"{key}-{fmt}",
                on_click="ignore",
                icon=":material/download:",
            )
    st.caption(
        f"{len(sub.entity_nodes)} entities, {len(sub.nodes) - len(sub.entity_nodes)} sources, "
        f"{len(sub.relationships)} relationships"
    )
