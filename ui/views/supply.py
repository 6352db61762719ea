"""Supply risk: concentration, China's share, US import reliance and top import source per mineral.

The numbers come from qa/analytics.py (the same functions as `rekg analytics` and the chat's answers);
this page only filters, sorts, draws and downloads them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from graph.errors import RekgError
from qa import analytics
from ui.components import get_store, warn

COLUMNS = {
    "mineral": "Mineral",
    "critical_2025": "Critical (2025 list)",
    "year": "Year",
    "top_producer": "Top producer",
    "top_share_pct": "Top producer's share of world mine output (%)",
    "top3_share_pct": "Top-3 share (%)",
    "hhi": "HHI (0-10,000)",
    "china_share_pct": "China's share of world mine output (%)",
    "us_net_import_reliance_pct": "US net import reliance (% of apparent consumption)",
    "us_reliance_as_stated": "US reliance as stated",
    "us_reliance_year": "Reliance year",
    "top_import_source": "Top US import source",
    "top_import_share_pct": "Its share of US imports (%)",
    "china_import_share_pct": "China's share of US imports (%)",
    "import_period": "Import period",
    "chokepoint": "Chokepoint",
}


@st.cache_data(show_spinner="Computing supply-risk measures…")
def _table(data_key: str, year: int | None) -> pd.DataFrame:
    """The measures per mineral (cached per data directory and year; analytics caches per ingest)."""
    return pd.DataFrame(analytics.supply_risk_table(get_store(), year=year))


def _data_key() -> str:
    from ui.components import settings

    s = settings()
    return f"{s.backend}:{s.neo4j_uri or s.data_dir}"


def main() -> None:
    st.title("Supply risk")
    st.caption(
        f"{analytics.RELEASE_TITLE} ({analytics.EDITION}): world mine production shares, the Herfindahl-Hirschman "
        "index (sum of squared shares, 0-10,000), US net import reliance and the US import sources 2021-24. "
        "A chokepoint: one country holds at least 50% of world output and has enacted an export control covering it."
    )
    try:
        year_opt = st.selectbox("Year of world production", ["newest", "2025", "2024"], key="supply-year")
        year = None if year_opt == "newest" else int(str(year_opt))
        df = _table(_data_key(), year)
    except RekgError as e:
        warn(f"The graph is not available: {e}")
        return
    if df.empty:
        st.info(
            "No USGS data in the graph. Load it with `rekg ingest` (the data release is part of the default ingest)."
        )
        return
    c1, c2, c3 = st.columns([2, 1, 1])
    query = c1.text_input("Filter minerals", key="supply-filter", placeholder="e.g. gallium")
    critical = c2.checkbox("Critical minerals only", value=True, key="supply-critical")
    choke = c3.checkbox("Chokepoints only", key="supply-choke")
    view = df
    if query:
        view = view[view["mineral"].str.contains(query, case=False, regex=False)]
    if critical:
        view = view[view["critical_2025"].fillna(False).astype(bool)]
    if choke:
        view = view[view["chokepoint"]]
    st.dataframe(view.rename(columns=COLUMNS), hide_index=True, key="supply-table", use_container_width=True)
    st.download_button(
        "Download CSV",
        view.to_csv(index=False).encode(),
        file_name="rekg-supply-risk.csv",
        mime="text/csv",
        key="supply-csv",
    )
    conc = view.dropna(subset=["hhi"])
    if not conc.empty:
        st.subheader("Concentration of world mine production (HHI)")
        st.altair_chart(
            alt.Chart(conc)
            .mark_bar()
            .encode(
                x=alt.X("hhi:Q", title="HHI (0-10,000)"),
                y=alt.Y("mineral:N", sort="-x", title=None),
                color=alt.Color("top_producer:N", title="Top producer"),
                tooltip=["mineral", "top_producer", "top_share_pct", "top3_share_pct", "hhi", "year"],
            ),
            use_container_width=True,
        )
    both = view.dropna(subset=["us_net_import_reliance_pct", "china_share_pct"])
    if not both.empty:
        yr = int(both["year"].dropna().max()) if both["year"].notna().any() else ""
        st.subheader(f"US net import reliance against China's share of world mine production ({yr})")
        base = alt.Chart(both).encode(
            x=alt.X(
                "china_share_pct:Q",
                title=f"China's share of world mine production, {yr} (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),  # fmt: skip
            y=alt.Y(
                "us_net_import_reliance_pct:Q",
                title="US net import reliance (% of apparent consumption)",
                scale=alt.Scale(domain=[0, 100]),
            ),  # fmt: skip
            tooltip=[
                "mineral",
                "china_share_pct",
                "us_net_import_reliance_pct",
                "us_reliance_as_stated",
                "top_import_source",
            ],  # fmt: skip
        )
        st.altair_chart(
            base.mark_circle(size=80) + base.mark_text(align="left", dx=6, fontSize=11).encode(text="mineral:N"),
            use_container_width=True,
        )
        st.caption(
            "A reliance stated as a bound ('>50') is drawn at its bound; 'E' (net exporter) and 'W' are left out."
        )
    st.subheader("Open a mineral")
    pick = st.selectbox("Mineral", list(view["mineral"]), key="supply-pick")
    if st.button("Explore it (facts and sources)", key="supply-explore") and pick:
        st.session_state["explore-goto"] = f"{pick} · Mineral"
        st.switch_page("views/explore.py")


main()
