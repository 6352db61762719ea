"""Widgets shared by the pages: the store, the graph view, export downloads, sources, tables.

No Cypher here beyond what graph/ and qa/ offer; pages call these and the project's functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from graph.export import FORMATS, MIME, SUFFIX, Subgraph, export_bytes
from graph.settings import Settings, load_settings
from graph.store import GNode, GraphStore, GRel

FORMAT_LABELS = {"json": "JSON", "graphml": "GraphML", "csv": "CSV (Neo4j import, zip)", "cypher": "Cypher script"}


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


# -- graph view (ui/graphview.py draws; these keep the older call sites working) ----------------------


def elements(nodes: Iterable[GNode], rels: Iterable[GRel]) -> dict[str, Any]:
    """Cytoscape elements (with laid-out positions) for these nodes and relationships."""
    from ui import graphview

    ns, rs = list(nodes), list(rels)
    return graphview.elements(ns, rs, graphview.layout(ns, rs))


def render_graph(
    nodes: list[GNode],
    rels: list[GRel],
    *,
    key: str,
    height: int = 420,
    expandable: bool = False,
    on_change: Callable[[str], None] | None = None,
    asked: Iterable[str] = (),
    width_hint: int = 900,
) -> Any:
    """An interactive graph with readable labels and a node cap (see ui/graphview.py)."""
    from ui import graphview

    if not nodes and not rels:
        return None
    shown = graphview.cap(nodes, rels, keep=asked)
    if shown.capped:
        st.caption(f"Showing {len(shown.nodes)} of {shown.total} nodes (the best connected).")
    pos_cache = st.session_state.setdefault("graph-positions", {})
    pos = graphview.render(
        shown.nodes, shown.rels, key=key, height=height, width_hint=width_hint, positions=pos_cache.get(key),
        asked=asked, on_event=on_change,
    )  # fmt: skip
    pos_cache[key] = pos
    return pos


def legend(labels: Iterable[str], asked: bool = False) -> None:
    from ui import graphview

    html = graphview.legend_html(labels, asked)
    if html:
        st.markdown(html, unsafe_allow_html=True)


# -- tables, charts, sources ---------------------------------------------------------------------


def rows_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows as an analyst reads them: human headers, no internal or empty columns, no None cells."""
    from ui.present import table

    t = table(rows, columns)
    return arrow_safe(pd.DataFrame(t.rows, columns=t.columns))


def arrow_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Columns that mix numbers and blanks become text (a blank shows as blank, never "None" or "nan")."""

    def text(v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, float) and v.is_integer():
            return f"{int(v)}"
        return str(v)

    for c in df.columns:
        col = df[c]
        if col.isna().any() or (col.dtype == object and len({type(v) for v in col}) > 1):
            df[c] = col.map(text)
    return df


def explore_url(uid: str) -> str:
    """A link that opens this entity in Explore; the name shows through LinkColumn's display_text."""
    safe = uid.replace("%", "%25").replace("&", "%26").replace("#", "%23").replace("+", "%2B")
    return f"explore?entity={safe}"


LINK_TEXT = r"explore\?entity=[^:]*:(.*)$"


def answer_table(
    rows: list[dict[str, Any]],
    columns: list[str],
    *,
    key: str,
    names: dict[str, str] | None = None,
    row_refs: list[str] | None = None,
) -> Any:
    """The answer's table: per-row source numbers, and entity cells that open the entity in Explore.

    `names` maps an entity's name to its id; a column whose every value is such a name becomes a
    link column (one click opens Explore on that entity, in a new tab).
    """
    from ui.present import table, visible_columns

    t = table(rows, columns, row_refs)
    df = arrow_safe(pd.DataFrame(t.rows, columns=t.columns))
    config: dict[str, Any] = {}
    names = names or {}
    for c in visible_columns(rows, columns):
        vals = [r.get(c) for r in rows if r.get(c) not in (None, "")]
        head = t.columns[[*visible_columns(rows, columns)].index(c)]
        if vals and all(isinstance(v, str) and v in names for v in vals):
            uid_name: dict[Any, str] = {v: names[str(v)] for v in vals}
            # the URL carries the name after the label so the cell shows the name, not a dataset id
            df[head] = [explore_url(uid_name[r[c]].split(":", 1)[0] + ":" + str(r[c])) if r.get(c) in uid_name
                        else "" for r in rows]  # fmt: skip
            config[head] = st.column_config.LinkColumn(head, display_text=LINK_TEXT, help="Open in Explore")
        elif head in t.long_text:
            config[head] = st.column_config.TextColumn(head, width="large")
        elif c not in ("year", "hops") and pd.api.types.is_numeric_dtype(df[head]):
            config[head] = st.column_config.NumberColumn(head, format="localized")
    if t.source_column:
        config[t.source_column] = st.column_config.TextColumn(
            t.source_column, help="Numbers of the sources below that back this row", width="small"
        )
    return st.dataframe(
        df, hide_index=True, key=key, column_config=config, on_select="rerun", selection_mode="single-row",
        height=min(38 + 35 * len(df), 320),
    )  # fmt: skip


def chart(rows: list[dict[str, Any]], columns: list[str], measure: str = "") -> bool:
    """Draw the chart the data supports (ui/present.chart_spec), with its data in words; False if none."""
    import altair as alt

    from ui.present import chart_caption, chart_spec

    spec = chart_spec(rows, columns, measure)
    if spec is None:
        return False
    df = pd.DataFrame(spec.data)
    if spec.kind == "bar":
        c = (
            alt.Chart(df, title=spec.title)
            .mark_bar()
            .encode(
                y=alt.Y(f"{spec.x}:N", sort="-x", title=spec.x_title),
                x=alt.X(f"{spec.y}:Q", title=spec.y_title),
                tooltip=[spec.x, alt.Tooltip(spec.y, format=",")],
            )
            .properties(height=max(150, min(60 + 36 * len(df), 480)))
        )
    else:
        enc: dict[str, Any] = {
            "x": alt.X("year:O", title="Year"),
            "y": alt.Y(f"{spec.y}:Q", title=spec.y_title),
            "tooltip": [c for c in ("year", spec.color) if c] + [alt.Tooltip(spec.y, format=",")],
        }
        if spec.color:
            enc["color"] = alt.Color(f"{spec.color}:N", title=spec.color.capitalize())
        c = alt.Chart(df, title=spec.title).mark_line(point=True).encode(**enc).properties(height=300)
    st.altair_chart(c, width="stretch")
    st.caption(chart_caption(spec))
    return True


def bar_chart(rows: list[dict[str, Any]], columns: list[str]) -> bool:
    """Kept for older call sites: the truthful chart (never a sum over years or editions)."""
    return chart(rows, columns)


def sources_list(sources: list[dict[str, Any]], numbered: bool = False, evidence: dict[str, str] | None = None) -> None:
    """Title, date and link of each source; numbered to match the table's Sources column."""
    if not sources:
        return
    lines = []
    for j, s in enumerate(sources, 1):
        title = (s.get("title") or s.get("id") or "source").replace("[", "(").replace("]", ")")
        date = f" ({s['date']})" if s.get("date") else ""
        url = s.get("url") or ""
        head = f"{j}. " if numbered else "- "
        line = f"{head}[{title}]({url}){date}" if url.startswith(("http://", "https://")) else f"{head}{title}{date}"
        quote = (evidence or {}).get(s.get("id") or "")
        if quote:
            line += f"\n   > “{quote.strip()}”"
        lines.append(line)
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
    n_src = len(sub.nodes) - len(sub.entity_nodes)
    st.caption(
        f"The export holds {len(sub.entity_nodes)} entities, {len(sub.relationships)} relationships and "
        f"{n_src} sources (every source its nodes and relationships cite, so provenance survives an import)."
    )
