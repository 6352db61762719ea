"""The Streamlit app (entry point of `rekg ui`): Chat, Explore, Supply risk and Data pages.

Pages hold no Cypher and no prompts; they call graph/, qa/ and ingest/. Run it through `rekg ui`,
which loads the bundled data into an empty graph and keeps the embedded database running.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="rekg · rare-earth supply chain", page_icon=str(HERE / "static" / "favicon.png"), layout="wide"
)

pages = [
    st.Page(HERE / "views" / "chat.py", title="Chat", icon=":material/chat:", url_path="chat", default=True),
    st.Page(HERE / "views" / "explore.py", title="Explore", icon=":material/hub:", url_path="explore"),
    st.Page(HERE / "views" / "supply.py", title="Supply risk", icon=":material/warning:", url_path="supply"),
    st.Page(HERE / "views" / "data.py", title="Data", icon=":material/database:", url_path="data"),
]
st.navigation(pages, position="top").run()
