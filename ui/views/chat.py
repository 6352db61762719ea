"""Chat: ask in plain English; each answer shows its sentence, how it was read, the facts with their
sources, a chart when the data is a proper series, the answer's graph, the Cypher, and exports.

The conversation is saved in the data directory under an id kept in the URL (`?chat=...`), so a
reload brings it back; "New chat" starts another.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.errors import RekgError
from graph.export import subgraph_for_answer
from graph.store import graph_items, plain
from qa.answer import SUGGESTIONS, Answer, Asker
from qa.query import run_user_query
from qa.render import render_text
from qa.sessions import load_chat, new_chat_id, save_chat, save_feedback
from ui.components import (
    answer_table,
    chart,
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
MEASURES = {"PRODUCES": "mine production", "HAS_RESERVES": "reserves"}
# developer wording from the shared answer layer, said in the analyst's words on screen
WORDING = [
    ("configure an LLM in .env for free-form questions", "connect an LLM for free-form questions (see “With an LLM” in the README)"),
    ("No LLM is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server) in .env.",
     "No LLM is connected: see “With an LLM” in the README."),
    ("use `rekg ingest` to add data", "new facts come in through Add article on the Data page"),
    ("rekg answers questions", "This assistant answers questions"),
]  # fmt: skip


def for_analyst(text: str) -> str:
    for dev, user in WORDING:
        text = text.replace(dev, user)
    return text


def chat_id() -> str:
    """The conversation's id, kept in the URL so a reload finds the saved conversation."""
    cid = st.query_params.get("chat")
    if not cid:
        cid = new_chat_id()
        st.query_params["chat"] = cid
    return cid


def history() -> list[dict[str, Any]]:
    cid = chat_id()
    if st.session_state.get("chat-id") != cid:
        st.session_state["chat-id"] = cid
        st.session_state["chat"] = load_chat(settings().data_dir, cid)
        st.session_state.pop("asker", None)
        st.session_state.pop("graph-positions", None)
    return st.session_state.setdefault("chat", [])


def asker() -> Asker:
    """One Asker per conversation: it keeps the context for follow-up questions."""
    if "asker" not in st.session_state:
        st.session_state.asker = Asker(get_store(), settings())
    return st.session_state.asker


def _ask_suggestion(q: str) -> None:
    st.session_state.pending_question = q


def _new_chat() -> None:
    st.query_params["chat"] = new_chat_id()
    for k in ("chat", "chat-id", "asker", "graph-positions", "answer_subgraphs", "scroll-to"):
        st.session_state.pop(k, None)


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
            "Check the syntax, labels and relationship types in the schema (Data page).",
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


def _names(ans: Answer) -> dict[str, str]:
    """Entity name -> id for the answer's nodes (table cells that name one link to Explore)."""
    return {n.name: n.uid for n in ans.nodes if n.label not in ("Source", "Sentence")}


def asked_uids(ans: Answer) -> list[str]:
    """The question's own entities among the answer graph's nodes: those named by the query's parameters."""
    vals: set[str] = set()
    for v in ans.params.values():
        for x in v if isinstance(v, (list, tuple)) else [v]:
            if isinstance(x, str):
                vals.add(x)
    return [n.uid for n in ans.nodes if n.name in vals or n.uid.split(":", 1)[1] in vals]


def _refs(ans: Answer) -> tuple[list[str] | None, list[dict[str, Any]]]:
    """Per-row source numbers ("1, 2") matching the numbered Sources list."""
    order = {s.get("id"): j for j, s in enumerate(ans.sources, 1)}
    if not ans.row_sources or not any(ans.row_sources):
        return None, ans.sources
    refs = [", ".join(str(order[s]) for s in ids if s in order) for ids in ans.row_sources]
    return refs, ans.sources


def _evidence(ans: Answer) -> dict[str, str]:
    """Source id -> a sentence of that article stating one of the answer's facts."""
    out: dict[str, str] = {}
    for r in ans.relationships:
        ev = r.props.get("evidence") or []
        for sid in r.props.get("sources") or []:
            if ev and sid not in out and isinstance(ev[0], str):
                out[sid] = ev[0]
    return out


def _open_graph_node(key: str) -> None:
    """Double-click on an answer-graph node: open it in Explore."""
    value = st.session_state.get(key) or {}
    if isinstance(value, dict) and value.get("action") == "open":
        uid = (value.get("data") or {}).get("target_id")
        if uid:
            st.session_state["explore-goto"] = uid


def _feedback(i: int, ans: Answer) -> None:
    rating = st.session_state.get(f"fb-{i}")
    if rating is None:
        return
    save_feedback(settings().data_dir, chat_id=chat_id(), question=ans.question, answer=ans,
                  rating="up" if rating == 1 else "down")  # fmt: skip


def _feedback_comment(i: int, ans: Answer) -> None:
    text = st.session_state.get(f"fb-comment-{i}") or ""
    if text.strip():
        rating = st.session_state.get(f"fb-{i}")
        save_feedback(settings().data_dir, chat_id=chat_id(), question=ans.question, answer=ans,
                      rating="up" if rating == 1 else "down" if rating == 0 else "", comment=text)  # fmt: skip
        st.session_state[f"fb-sent-{i}"] = True


def render_answer(i: int, ans: Answer, streamed: bool = False) -> None:
    st.html(f"<div id='answer-{i}'></div>")
    if not streamed:
        text = for_analyst(ans.answer)
        if ans.status == "ok":
            st.markdown(text)
        elif ans.status == "refused":
            st.warning(text, icon=":material/block:")
        elif ans.status == "error":
            st.warning(text, icon=":material/warning:")
        else:
            st.info(text, icon=":material/help:")
    if ans.interpretation:
        st.caption(f"Read as: {ans.interpretation}")
    if ans.suggestions and ans.status != "ok":
        st.caption("Try one of these:")
        tries = st.columns(2)
        for j, q in enumerate(ans.suggestions[:4]):
            tries[j % 2].button(q, key=f"try-{i}-{j}", on_click=_ask_suggestion, args=(q,), width="stretch")
    asked = asked_uids(ans)
    refs, sources = _refs(ans)
    if ans.rows:
        answer_table(ans.rows, ans.columns, key=f"rows-{i}", names=_names(ans), row_refs=refs)
        measure = next((MEASURES[r.type] for r in ans.relationships if r.type in MEASURES), "")
        chart(ans.rows, ans.columns, measure)
    if ans.nodes or ans.relationships:
        legend((n.label for n in ans.nodes), asked=bool(asked))
        render_graph(ans.nodes, ans.relationships, key=f"graph-{st.session_state.get('chat-id', '')}-{i}",
                     height=380, asked=asked, on_change=_open_graph_node, width_hint=1100)  # fmt: skip
        st.caption("Double-click a node to open it in Explore; click one to see its properties.")
    ents = [n for n in ans.nodes if n.uid in asked] + [n for n in ans.nodes if n.uid not in asked]
    ents = [n for n in ents if n.label not in ("Source", "Sentence")][:4]
    if ents:
        cols = st.columns(len(ents) + 1)
        cols[0].caption("Open in Explore:")
        for c, n in zip(cols[1:], ents):
            c.page_link("views/explore.py", label=n.name[:40], icon=":material/hub:", query_params={"entity": n.uid})
    if sources:
        with st.expander(f"Sources ({len(sources)})", expanded=False):
            if refs:
                st.caption("The numbers match the table's Sources column.")
            sources_list(sources, numbered=bool(refs), evidence=_evidence(ans))
    if ans.cypher:
        with st.expander("Cypher", expanded=False):
            st.text_area("Query (edit and run it again, read-only)", ans.cypher, key=f"cypher-{i}", height=140)
            if ans.params:
                st.caption("parameters: `" + ", ".join(f"${k} = {v!r}" for k, v in ans.params.items()) + "`")
            c1, c2 = st.columns([1, 3])
            run = c1.button("Run", key=f"run-{i}")
            c2.page_link("views/data.py", label="Schema: labels and relationship types", icon=":material/schema:")
            if run:
                run_cypher(i, ans)
    meta = f"{STATUS_TEXT.get(ans.status, ans.status)} · engine: {ans.engine} · {ans.elapsed_ms:.0f} ms"
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="center")
    c1.caption(meta)
    with c2.popover("Copy", icon=":material/content_copy:"):
        st.code(for_analyst(render_text(ans)), language=None, wrap_lines=True)
    with c3:
        st.feedback("thumbs", key=f"fb-{i}", on_change=_feedback, args=(i, ans))
    if st.session_state.get(f"fb-{i}") is not None and not st.session_state.get(f"fb-sent-{i}"):
        st.text_input("What was wrong or right? (optional, stored locally)", key=f"fb-comment-{i}",
                      on_change=_feedback_comment, args=(i, ans))  # fmt: skip
    if ans.status == "ok" and (ans.nodes or ans.relationships):
        with st.expander("Export this answer", expanded=False):
            export_buttons(lambda: _answer_subgraph(i, ans), key=f"export-{i}", basename=f"answer-{i + 1}")


def _answer_subgraph(i: int, ans: Answer) -> Any:
    cache = st.session_state.setdefault("answer_subgraphs", {})
    if i not in cache:
        cache[i] = subgraph_for_answer(get_store(), ans)
    return cache[i]


def _scroll_to(i: int) -> None:
    """Bring the new answer's first line to the top of the window (not its last buttons)."""
    import streamlit.components.v1 as components

    components.html(
        "<script>const go = () => { const d = window.parent.document;"
        f" const a = d.getElementById('answer-{i}'); if (!a) return;"
        " const msg = a.closest('[data-testid=\"stChatMessage\"]');"
        " const all = [...d.querySelectorAll('[data-testid=\"stChatMessage\"]')];"
        " const q = all[all.indexOf(msg) - 1] || msg;"
        " (q || a).scrollIntoView({block: 'start'}); };"
        " [150, 500, 1200].forEach(t => setTimeout(go, t));</script>",
        height=0,
    )


def main() -> None:
    head, new = st.columns([5, 1], vertical_alignment="bottom")
    head.title("Ask the rare-earth graph")
    turns = history()
    new.button("New chat", icon=":material/add_comment:", key="new-chat", on_click=_new_chat, disabled=not turns)
    if goto := st.session_state.pop("explore-goto", None):
        st.switch_page("views/explore.py", query_params={"entity": goto})
    try:
        a = asker()
    except RekgError as e:
        warn(f"The graph is not available: {e}", "Start the app with `make run`.")
        return
    for i, turn in enumerate(turns):
        with st.chat_message("user"):
            st.markdown(turn["question"])
        with st.chat_message("assistant"):
            render_answer(i, turn["answer"])

    question = st.chat_input("Ask about the rare-earth supply chain…", key="chat-input")
    question = question or st.session_state.pop("pending_question", None)
    if not turns and not question:
        st.markdown("Ask about countries, minerals, companies, officials, policies and events. For example:")
        cols = st.columns(2)
        for j, q in enumerate(SUGGESTIONS):
            cols[j % 2].button(q, key=f"suggest-{j}", on_click=_ask_suggestion, args=(q,), width="stretch")
    if isinstance(question, str) and question.strip():
        i = len(turns)
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
            turns.append({"question": question, "answer": ans})
            try:
                save_chat(settings().data_dir, chat_id(), turns)
            except OSError as e:
                warn(f"The conversation could not be saved for a reload: {e}")
            render_answer(i, ans, streamed=streamed)
        _scroll_to(i)


main()
