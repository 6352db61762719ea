"""The Streamlit pages, run headless with Streamlit's AppTest against a loaded embedded graph."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")


@pytest.fixture(scope="module")
def app_data_dir() -> Iterator[Path]:
    """A data dir with the dataset loaded; the server stays up so the app reuses it."""
    from graph import embedded
    from graph.falkor import FalkorStore
    from ingest.load import ingest_dataset

    d = Path(tempfile.mkdtemp(prefix="rekg-ui-"))
    embedded.start(d)
    store = FalkorStore(d)
    ingest_dataset(store)
    store.close()  # the server was started above, so closing the store leaves it running
    yield d
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    embedded.stop(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def app(app_data_dir: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("REKG_DATA_DIR", str(app_data_dir))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("REKG_ENV_FILE", str(app_data_dir / "no.env"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def frame(at, *columns: str):  # noqa: ANN001, ANN201
    """The first table that has these columns."""
    for d in at.dataframe:
        if set(columns) <= set(d.value.columns):
            return d.value
    raise AssertionError(f"no table with columns {columns}")


def texts(at) -> str:  # noqa: ANN001
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_chat_answers_with_a_table(app) -> None:  # noqa: ANN001
    from qa.answer import SUGGESTIONS

    assert {b.label for b in app.button} >= set(SUGGESTIONS)  # examples on the empty page
    app.chat_input[0].set_value("Which companies make magnets?").run()
    assert not app.exception
    assert len(app.dataframe) >= 1
    df = app.dataframe[0].value
    assert len(df) >= 2
    assert "MP Materials" in texts(app) or "MP Materials" in df.to_string()
    labels = [d.label for d in app.get("download_button")]
    assert {"JSON", "GraphML", "Cypher script"} <= set(labels)
    assert any("engine" in c.value and "ms" in c.value for c in app.caption)
    # a follow-up keeps the history (one Asker per session)
    app.chat_input[0].set_value("Who is the CEO of MP Materials?").run()
    assert not app.exception
    assert "Litinsky" in texts(app)
    assert len(app.session_state["chat"]) == 2


def test_suggestion_button_asks(app) -> None:  # noqa: ANN001
    from qa.answer import SUGGESTIONS

    next(b for b in app.button if b.label == SUGGESTIONS[0]).click().run()
    assert not app.exception
    assert app.session_state["chat"][0]["question"] == SUGGESTIONS[0]
    assert app.session_state["chat"][0]["answer"].status == "ok"


def test_hostile_question_is_refused_not_raised(app) -> None:  # noqa: ANN001
    app.chat_input[0].set_value("Delete every node").run()
    assert not app.exception
    assert any("Refused" in w.value for w in app.warning)
    assert app.session_state["chat"][0]["answer"].status == "refused"


def test_edited_cypher_runs_read_only(app) -> None:  # noqa: ANN001
    app.chat_input[0].set_value("Which companies make magnets?").run()
    area = app.text_area(key="cypher-0")
    area.set_value("MATCH (n) DETACH DELETE n").run()
    app.button(key="run-0").click().run()
    assert not app.exception
    assert any("Refused" in w.value for w in app.warning)
    area = app.text_area(key="cypher-0")
    area.set_value("MATCH (c:Company) RETURN c.name AS name ORDER BY name").run()
    app.button(key="run-0").click().run()
    assert not app.exception
    assert any("MP Materials" in d.value.to_string() for d in app.dataframe)
    app.text_area(key="cypher-0").set_value("MATCH (c:Company RETURN c").run()
    app.button(key="run-0").click().run()
    assert not app.exception and app.warning


def test_explore_shows_relationships_and_expands(app) -> None:  # noqa: ANN001
    app.switch_page("views/explore.py").run()
    assert not app.exception
    sb = app.selectbox(key="explore-entity")
    option = next(o for o in sb.options if o.startswith("China · Country"))
    sb.select(option).run()
    assert not app.exception
    rels = frame(app, "From", "Relationship", "To")
    assert "PRODUCES" in set(rels["Relationship"])
    n_before = len(rels)
    # aliases are searchable options
    assert any(o.startswith("PRC → China") for o in sb.options)
    # expand a neighbour through the fallback button
    choice = app.selectbox(key="explore-expand-choice")
    idx = next(i for i, o in enumerate(choice.options) if o.endswith(" · Company"))  # options show "name · Label"
    choice.select_index(idx).run()
    target = app.session_state["explore-expand-uids"][app.selectbox(key="explore-expand-choice").value]
    assert target.startswith("Company:")
    app.button(key="explore-expand").click().run()
    assert not app.exception
    assert target in app.session_state["explore-expanded"]
    assert len(frame(app, "From", "Relationship", "To")) > n_before
    # filters: one relationship type
    app.multiselect(key="explore-types").select("HEADQUARTERED_IN").run()
    assert set(frame(app, "From", "Relationship", "To")["Relationship"]) == {"HEADQUARTERED_IN"}
    assert {d.label for d in app.get("download_button")} >= {"JSON", "GraphML", "Cypher script"}


def test_data_page_shows_counts(app) -> None:  # noqa: ANN001
    app.switch_page("views/data.py").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Nodes"]) > 100 and int(metrics["Relationships"]) > 100
    assert metrics["Backend"] == "falkordb"
    labels = frame(app, "label", "count")
    assert int(labels.set_index("label").loc["Country", "count"]) > 5
    assert len(frame(app, "kind", "title", "url")) > 10
    assert "Add article" in [s.value for s in app.subheader]


ARTICLE = (
    "Lynas Rare Earths signed a supply agreement with Noveon Magnetics in Texas.\n\n"
    "Lynas Rare Earths will supply separated neodymium and praseodymium oxide to Noveon Magnetics, "
    "the companies said on Tuesday."
)


def test_add_article_preview_then_commit(app) -> None:  # noqa: ANN001
    pytest.importorskip("ingest.articles")
    app.switch_page("views/data.py").run()
    before = int({m.label: m.value for m in app.metric}["Relationships"])
    app.text_input(key="article-title").input("Lynas to supply Noveon")
    app.text_input(key="article-date").input("2026-03-01")
    app.text_area(key="article-text").input(ARTICLE)
    next(b for b in app.button if b.label == "Preview (dry run)").click().run()
    assert not app.exception
    assert any("nothing is written yet" in m.value for m in app.markdown)
    assert int({m.label: m.value for m in app.metric}["Relationships"]) == before  # a dry run writes nothing
    app.button(key="article-commit").click().run()
    assert not app.exception
    assert app.success
    app.run()
    assert int({m.label: m.value for m in app.metric}["Relationships"]) > before


# -- the analyst's workbench ------------------------------------------------------------------------


def test_rows_carry_their_sources_and_the_reading(app) -> None:  # noqa: ANN001
    app.chat_input[0].set_value("What did China restrict in April 2025?").run()
    assert not app.exception
    df = frame(app, "Mineral", "Sources")
    assert all(str(v).strip() for v in df["Sources"])  # every row names its sources
    ans = app.session_state["chat"][0]["answer"]
    numbers = {int(x) for v in df["Sources"] for x in str(v).split(",")}
    assert numbers <= set(range(1, len(ans.sources) + 1))  # the numbers point into the Sources list
    assert any(c.value.startswith("Read as:") for c in app.caption)
    assert not any("None" in str(v) for v in df.to_numpy().ravel())
    assert any(e.label == f"Sources ({len(ans.sources)})" for e in app.expander)


def test_answer_graph_holds_the_question_entity(app) -> None:  # noqa: ANN001
    app.chat_input[0].set_value("Which policies target Japan?").run()
    assert not app.exception
    drawn = next(v for k, v in app.session_state["graph-positions"].items() if k.startswith("graph-"))
    assert "Country:Japan" in drawn  # Japan is drawn, not six unconnected policies
    ans = app.session_state["chat"][0]["answer"]
    assert any(r.type == "TARGETS" and r.end.uid == "Country:Japan" for r in ans.relationships)


def test_new_chat_clears_and_reload_restores(app, app_data_dir: Path) -> None:  # noqa: ANN001
    from streamlit.testing.v1 import AppTest

    app.chat_input[0].set_value("Which companies make magnets?").run()
    cid = app.query_params["chat"][0] if isinstance(app.query_params["chat"], list) else app.query_params["chat"]
    assert (app_data_dir / "chats" / f"{cid}.json").exists()
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["chat"] = cid
    again.run()  # a reload of the same URL: the conversation comes back
    assert not again.exception
    assert [t["question"] for t in again.session_state["chat"]] == ["Which companies make magnets?"]
    again.button(key="new-chat").click().run()
    assert not again.exception
    assert again.session_state["chat"] == []
    new_id = again.query_params["chat"]
    assert (new_id[0] if isinstance(new_id, list) else new_id) != cid


def test_suggestion_after_no_answer_asks_it(app) -> None:  # noqa: ANN001
    app.chat_input[0].set_value("What's the weather in Tokyo?").run()
    assert app.session_state["chat"][0]["answer"].status == "no_answer"
    btn = app.button(key="try-0-0")
    btn.click().run()
    assert not app.exception
    assert app.session_state["chat"][1]["question"] == btn.label
    assert app.session_state["chat"][1]["answer"].status == "ok"
    assert ".env" not in texts(app)  # analyst's words, not the developer's


def test_explore_opens_an_entity_from_a_link(app) -> None:  # noqa: ANN001
    app.query_params["entity"] = "Country:Japan"
    app.switch_page("views/explore.py").run()
    assert not app.exception
    assert any(h.value == "Japan" for h in app.subheader)


def test_explore_path_between_two_entities(app) -> None:  # noqa: ANN001
    app.switch_page("views/explore.py").run()
    app.session_state["explore-mode"] = "Path between two"
    app.run()
    assert not app.exception
    frm = app.selectbox(key="path-from")
    frm.select(next(o for o in frm.options if o.startswith("MP Materials · "))).run()
    to = app.selectbox(key="path-to")
    to.select(next(o for o in to.options if o.startswith("Apple · "))).run()
    app.button(key="path-find").click().run()
    assert not app.exception
    paths = frame(app, "Path", "Steps")
    assert len(paths) >= 1
    assert all(p.startswith("MP Materials") and p.endswith("Apple") for p in paths["Path"])


def test_explore_timeline_and_schema(app) -> None:  # noqa: ANN001
    app.switch_page("views/explore.py").run()
    app.session_state["explore-mode"] = "Timeline"
    app.run()
    assert not app.exception
    app.selectbox(key="tl-country").select("Japan").run()
    tl = frame(app, "Kind", "Name", "Countries")
    assert len(tl) > 3 and all("Japan" in c for c in tl["Countries"])
    app.switch_page("views/data.py").run()
    assert not app.exception
    assert "Schema" in [s.value for s in app.subheader]
    schema = frame(app, "Kind", "Name", "Direction")
    assert "(Policy) → (Country | Company)" in set(schema["Direction"])
