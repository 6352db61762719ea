"""Chat: ask in plain English; each answer shows its sentence, table, graph, chart, sources and Cypher."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.errors import RekgError
from graph.export import subgraph_for_answer
from graph.store import graph_items, plain
from qa.answer import SUGGESTIONS, Answer, Asker
from qa.query import run_user_query
from ui.components import (
    bar_chart,
    export_buttons,
    get_store,
    legend,
    render_graph,
    rows_frame,
    settings,
    sources_list,
    warn,
)

STATUS_TEXT = {"ok": "answered", "no_answer": "no answer", "refused": "refused", "error": "error"}


def asker() -> Asker:
    """One Asker per browser session: it keeps the conversation for follow-up questions."""
    if "asker" not in st.session_state:
        st.session_state.asker = Asker(get_store(), settings())
    return st.session_state.asker


def _ask_suggestion(q: str) -> None:
    st.session_state.pending_question = q


def run_cypher(i: int, ans: Answer) -> None:
    """Re-run the (possibly edited) Cypher through the same guard as `rekg query`; guidance instead of tracebacks."""
    text = st.session_state.get(f"cypher-{i}", ans.cypher)
    s = settings()
    try:
        res = run_user_query(get_store(), s, text, ans.params)
    except RekgError as e:
        warn(f"The database is not reachable: {e}")
        return
    if res.status == "refused":
        warn(
            f"Refused: {res.error}",
            "Only reading queries run here (MATCH … RETURN). The graph cannot be changed from the UI.",
        )
        return
    if res.status == "error":
        warn(
            f"The database rejected the query: {res.error}",
            "Check the syntax, labels and relationship types in the ontology.",
        )
        return
    rows = res.rows
    visible = [c for c in res.columns if not c.startswith("_")]
    more = " (more rows were cut off)" if res.truncated else ""
    st.caption(f"{len(rows)} rows (read-only, capped at {s.row_cap}){more}")
    if rows:
        st.dataframe(rows_frame([{c: plain(r[c]) for c in visible} for r in rows], visible), hide_index=True)
        nodes, rels = graph_items(rows)
        if rels:
            render_graph(nodes, rels, key=f"rungraph-{i}", height=320)
    if res.ran.strip() != text.strip():
        st.caption(f"ran: `{res.ran}`")


def render_answer(i: int, ans: Answer, streamed: bool = False) -> None:
    if not streamed:
        if ans.status == "ok":
            st.markdown(ans.answer)
        elif ans.status == "refused":
            st.warning(ans.answer, icon=":material/block:")
        elif ans.status == "error":
            st.warning(ans.answer, icon=":material/warning:")
        else:
            st.info(ans.answer, icon=":material/help:")
    if ans.rows:
        st.dataframe(rows_frame(ans.rows, ans.columns), hide_index=True, key=f"rows-{i}")
        bar_chart(ans.rows, ans.columns)
    if ans.nodes or ans.relationships:
        legend(n.label for n in ans.nodes)
        render_graph(ans.nodes, ans.relationships, key=f"graph-{i}", height=380)
    if ans.sources:
        with st.expander(f"Sources ({len(ans.sources)})", expanded=False):
            sources_list(ans.sources)
    if ans.cypher:
        with st.expander("Cypher", expanded=False):
            st.text_area("Query (edit and run it again, read-only)", ans.cypher, key=f"cypher-{i}", height=140)
            if ans.params:
                st.caption("parameters: `" + ", ".join(f"${k} = {v!r}" for k, v in ans.params.items()) + "`")
            if st.button("Run", key=f"run-{i}"):
                run_cypher(i, ans)
    meta = f"{STATUS_TEXT.get(ans.status, ans.status)} · engine: {ans.engine} · {ans.elapsed_ms:.0f} ms"
    st.caption(meta)
    if ans.status == "ok" and (ans.nodes or ans.relationships):
        export_buttons(lambda: _answer_subgraph(i, ans), key=f"export-{i}", basename=f"answer-{i + 1}")
    if ans.suggestions and ans.status != "ok":
        st.caption("Try: " + " · ".join(ans.suggestions[:4]))


def _answer_subgraph(i: int, ans: Answer) -> Any:
    cache = st.session_state.setdefault("answer_subgraphs", {})
    if i not in cache:
        cache[i] = subgraph_for_answer(get_store(), ans)
    return cache[i]


def main() -> None:
    st.title("Ask the rare-earth graph")
    try:
        a = asker()
    except RekgError as e:
        warn(f"The graph is not available: {e}", "Start it with `rekg ui` (or `rekg db start`).")
        return
    history: list[dict[str, Any]] = st.session_state.setdefault("chat", [])
    for i, turn in enumerate(history):
        with st.chat_message("user"):
            st.markdown(turn["question"])
        with st.chat_message("assistant"):
            render_answer(i, turn["answer"])

    question = st.chat_input("Ask about the rare-earth supply chain…", key="chat-input")
    question = question or st.session_state.pop("pending_question", None)
    if not history and not question:
        st.markdown("Ask about countries, minerals, companies, officials, policies and events. For example:")
        cols = st.columns(2)
        for j, q in enumerate(SUGGESTIONS):
            cols[j % 2].button(q, key=f"suggest-{j}", on_click=_ask_suggestion, args=(q,), width="stretch")
    if isinstance(question, str) and question.strip():
        i = len(history)
        with st.chat_message("user"):
            st.markdown(question)
        with st.chat_message("assistant"):
            streamed = False
            on_token = None
            if settings().llm_configured:
                box = st.empty()
                parts: list[str] = []

                def on_token(tok: str) -> None:
                    nonlocal streamed
                    parts.append(tok)
                    streamed = True
                    box.markdown("".join(parts) + "▌")

            with st.spinner("Thinking…"):
                try:
                    ans = a.ask(question, on_token=on_token)
                except RekgError as e:
                    ans = Answer(question=question, status="error", answer=str(e))
            if streamed:
                box.markdown(ans.answer)
            history.append({"question": question, "answer": ans})
            render_answer(i, ans, streamed=streamed)


main()
