"""Article ingest: the seed article's facts, provenance, idempotence, dry runs, bad files, precision/recall, LLM path."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from graph.errors import IngestError
from graph.stats import graph_stats
from graph.text import source_id
from ingest.article_eval import evaluate
from ingest.articles import (
    ingest_article_text,
    ingest_articles,
    parse_article,
    parse_article_text,
    preview_article,
)
from ingest.extract import resolve_month, resolve_weekday, split_sentences
from ingest.load import ingest_dataset

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "articles" / "article_japan_us_rare_earths.txt"
FIXTURES = Path(__file__).resolve().parent / "data" / "articles"
FIXTURE_FILES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md"))


def seed_id() -> str:
    title, date, _ = parse_article(SEED)
    return source_id(title, date or "")


def everything(store) -> list:  # noqa: ANN001
    """Every relationship with its list properties: a finer check than counts that nothing changed."""
    rows = store.run(
        "MATCH (a)-[r]->(b) RETURN labels(a)[0] AS a, coalesce(a.policy_id, a.event_id, a.name, a.id) AS ak, type(r) AS t,"
        " coalesce(b.policy_id, b.event_id, b.name, b.id) AS bk, r.sources AS s, r.evidence AS e, r.note AS note"
    )
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


# -- parsing -------------------------------------------------------------------------------------
def test_parse_seed_article_header() -> None:
    title, date, body = parse_article(SEED)
    assert date == "2025-05-30"
    assert "rare earths" in title.lower()
    assert body.startswith("Japan plans to propose stronger cooperation")
    assert "<!--" not in body


def test_parse_untitled_undated_copy(tmp_path: Path) -> None:
    shared = ROOT.parent / "shared" / "data" / "article_japan_us_rare_earths.txt"
    text = shared.read_text(encoding="utf-8") if shared.exists() else SEED.read_text().split("\n\n", 1)[1]
    p = tmp_path / "copy.txt"
    p.write_text(text, encoding="utf-8")
    title, date, body = parse_article(p)
    assert date is None and title.startswith("Japan plans to propose") and body


def test_parse_markdown_and_front_matter() -> None:
    assert parse_article_text("# Title here\nDate: 12 June 2025\n\nBody text. More.")[:2] == (
        "Title here",
        "2025-06-12",
    )
    assert parse_article_text("---\ntitle: T\ndate: 2025-01-02\n---\nBody text.")[:2] == ("T", "2025-01-02")


def test_sentences_and_us_abbreviation() -> None:
    s = split_sentences("Japan proposed building ships with the U.S. This plan comes as China dominates. "
                        "He will meet U.S. Treasury Secretary Scott Bessent on Friday.")  # fmt: skip
    assert len(s) == 3 and s[0].endswith("the U.S.") and s[2].startswith("He will meet U.S. Treasury")


def test_relative_dates() -> None:
    assert resolve_weekday("Thursday", "2025-05-30", future=False) == "2025-05-29"
    assert resolve_weekday("Friday", "2025-05-30", future=True) == "2025-05-30"
    assert resolve_weekday("Monday", "2025-05-30", future=True) == "2025-06-02"
    assert resolve_month("April", "2025-05-30") == "2025-04"
    assert resolve_month("December", "2025-05-30") == "2024-12"


@pytest.mark.parametrize(
    "content, why",
    [
        (b"", "empty"),
        (b"   \n\n  \n", "empty"),
        (b"A title\nDate: 2025-05-30\n\n", "no body"),
        (b"A title\nDate: sometime soon\n\nBody sentence here.", "unreadable date"),
        ("Tokyo\u2019s caf\u00e9 \u201cquote\u201d. More text.".encode("cp1252"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_bad_articles_raise_and_write_nothing(empty_store, tmp_path: Path, content: bytes, why: str) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    bad = tmp_path / "bad_article.txt"
    bad.write_bytes(content)
    before = graph_stats(empty_store)
    with pytest.raises(IngestError) as e:
        ingest_articles(empty_store, [SEED, bad])  # the good one first: still nothing written
    assert "bad_article.txt" in str(e.value) and why in str(e.value)
    assert graph_stats(empty_store) == before


# -- the seed article in the session store (dataset + bundled articles, loaded by conftest) -------
def test_seed_call_links_to_existing_event(store) -> None:  # noqa: ANN001
    sid = seed_id()
    rows = store.run(
        "MATCH (o:Official)-[r:PARTICIPATED_IN]->(e:Event {event_id: 'E08'}) WHERE $sid IN r.sources "
        "RETURN o.name AS name, e.date AS date, e.duration AS duration, r.evidence AS ev",
        {"sid": sid},
    )
    assert {r["name"] for r in rows} == {"Shigeru Ishiba", "Donald Trump"}
    assert rows[0]["date"] == "2025-05-29" and "25 minutes" in rows[0]["duration"]
    assert any("25-minute call on Thursday" in s for s in rows[0]["ev"])
    assert store.run("MATCH (o:Official) WHERE o.name CONTAINS 'Trump' RETURN count(o) AS n")[0]["n"] == 1


def test_seed_export_restriction_is_existing_policy(store) -> None:  # noqa: ANN001
    sid = seed_id()
    rows = store.run(
        "MATCH (c:Country {name: 'China'})-[r:ENACTED]->(p:Policy {policy_id: 'P14'}) WHERE $sid IN r.sources "
        "MATCH (p)-[cv:COVERS]->(m:Mineral) WHERE $sid IN cv.sources RETURN p.sources AS s, collect(m.name) AS m",
        {"sid": sid},
    )
    assert rows and sid in rows[0]["s"]
    # "seven rare earth minerals": the article backs P14's seven COVERS edges; no extra edge to the group
    assert len(rows[0]["m"]) == 7 and "Rare earths" not in rows[0]["m"]
    dup = store.run(
        "MATCH (:Country {name: 'China'})-[:ENACTED]->(p:Policy {category: 'export_control'}) "
        "WHERE p.policy_id STARTS WITH 'A-' RETURN count(p) AS n"
    )
    assert dup[0]["n"] == 0


def test_seed_proposals(store) -> None:  # noqa: ANN001
    rows = store.run(
        "MATCH (:Country {name: 'Japan'})-[:ENACTED]->(p:Policy {policy_type: 'proposal'})-[:TARGETS]->"
        "(:Country {name: 'United States'}) OPTIONAL MATCH (p)-[:COVERS]->(m:Mineral) "
        "RETURN p.description AS d, p.status AS status, p.category AS cat, collect(m.name) AS minerals"
    )
    by = {r["d"]: r for r in rows}
    supply = next(r for d, r in by.items() if "reinforce the rare earths supply chain" in d)
    assert supply["minerals"] == ["Rare earths"] and supply["status"] == "proposed" and supply["cat"] == "agreement"
    for words in ("technical support for mineral refining", "semiconductor manufacturing equipment", "ships"):
        assert any(words in d for d in by), words


def test_seed_scheduled_meeting(store) -> None:  # noqa: ANN001
    rows = store.run(
        "MATCH (:Official {name: 'Ryosei Akazawa'})-[r:PARTICIPATED_IN]->(e:Event)<-[:PARTICIPATED_IN]-(x:Official) "
        "WHERE r.note CONTAINS 'scheduled' RETURN e.event_id AS id, e.date AS date, collect(x.name) AS with"
    )
    assert rows and rows[0]["id"] == "E09" and rows[0]["date"] == "2025-05-30" and "Scott Bessent" in rows[0]["with"]


def test_seed_offices_and_mentions(store) -> None:  # noqa: ANN001
    sid = seed_id()
    offices = store.run(
        "MATCH (o:Official)-[r:HOLDS_OFFICE]->(c:Country) WHERE $sid IN r.sources RETURN o.name AS o, r.role AS role",
        {"sid": sid},
    )
    roles = {r["o"]: r["role"] for r in offices}
    assert roles["Scott Bessent"].startswith("Secretary of the Treasury")  # matched, not a new office
    assert roles["Ryosei Akazawa"].startswith("Minister for Economic Revitalization")
    assert store.run("MATCH (:Official {name: 'Scott Bessent'})-[r:HOLDS_OFFICE]->() RETURN count(r) AS n")[0]["n"] == 1
    src = store.run("MATCH (s:Source {id: $sid}) RETURN s.kind AS k, s.date AS d, s.url AS u", {"sid": sid})[0]
    assert src == {"k": "article", "d": "2025-05-30", "u": "file:article_japan_us_rare_earths.txt"}
    ment = store.run("MATCH (:Source {id: $sid})-[m:MENTIONS]->(x) RETURN x.name AS n, m.sentence AS s", {"sid": sid})
    names = {r["n"] for r in ment}
    assert {"Shigeru Ishiba", "Donald Trump", "Ryosei Akazawa", "Scott Bessent", "Japan", "China"} <= names
    assert all(r["s"] for r in ment)


# -- idempotence, dry runs, new entities --------------------------------------------------------
def test_reingest_changes_nothing(empty_store) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    paths = [SEED, *FIXTURE_FILES]
    first = ingest_articles(empty_store, paths)
    assert first.written
    stats, rels = graph_stats(empty_store), everything(empty_store)
    again = ingest_articles(empty_store, paths)
    assert graph_stats(empty_store) == stats
    assert everything(empty_store) == rels
    assert not any(a.new_entities for a in again.articles)  # everything is now matched


def test_dry_run_writes_nothing(empty_store) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    before, rels = graph_stats(empty_store), everything(empty_store)
    report = ingest_articles(empty_store, [SEED, *FIXTURE_FILES], dry_run=True)
    assert graph_stats(empty_store) == before and everything(empty_store) == rels
    assert not report.written
    nordic = next(a for a in report.articles if "Nordic" in a.title)
    assert {"label": "Company", "name": "Nordic Rare Metals"} in [
        {k: e[k] for k in ("label", "name")} for e in nordic.new_entities
    ]
    assert all(r["sentence"] for a in report.articles for r in a.relationships)
    text = report.render()
    assert "dry run: nothing written" in text and "Nordic Rare Metals" in text and "[:HEADQUARTERED_IN]" in text


def test_new_entities_from_cues(empty_store) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    rep = ingest_articles(empty_store, [FIXTURES / "nordic_rare_metals.md"]).articles[0]
    rows = empty_store.run(
        "MATCH (c:Company {name: 'Nordic Rare Metals'})-[h:HEADQUARTERED_IN]->(n:Country) "
        "MATCH (p:Official {name: 'Ingrid Solberg'})-[o:HOLDS_OFFICE]->(c) "
        "MATCH (j:Company {name: 'JOGMEC'})-[i:INVESTS_IN]->(c) "
        "RETURN n.name AS country, h.city AS city, o.role AS role, i.sources AS s, i.evidence AS ev"
    )
    assert rows == [
        {
            "country": "Norway",
            "city": "Oslo",
            "role": "Chief executive",
            "s": [rep.source_id],
            "ev": ["JOGMEC will invest $40 million in Nordic Rare Metals, the Japanese agency said."],
        }
    ]


def test_preview_and_ingest_pasted_text(empty_store) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    text = "Lynas Rare Earths chief executive Amanda Lacaze met Commerce Secretary Howard Lutnick on Tuesday."
    before = graph_stats(empty_store)
    rep = preview_article(empty_store, text, "Lacaze meets Lutnick", "2025-06-20")
    assert not rep.written and graph_stats(empty_store) == before
    assert any(r["type"] == "PARTICIPATED_IN" and r["start"] == "Amanda Lacaze" for r in rep.relationships)
    done = ingest_article_text(empty_store, text, "Lacaze meets Lutnick", "2025-06-20")
    assert done.written and done.source_id == rep.source_id
    ev = empty_store.run(
        "MATCH (:Official {name: 'Howard Lutnick'})-[:PARTICIPATED_IN]->(e:Event) WHERE e.event_id STARTS WITH 'A-' "
        "RETURN e.date AS d"
    )
    assert ev == [{"d": "2025-06-17"}]


def test_precision_recall(empty_store) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    res = evaluate(empty_store, FIXTURES)
    print(
        f"\narticle extraction: precision {res['precision']:.2f}, recall {res['recall']:.2f} over "
        f"{res['expected']} expected relationships; held-out: precision {res['held_out']['precision']:.2f}, "
        f"recall {res['held_out']['recall']:.2f}"
    )
    assert res["precision"] >= 0.7 and res["recall"] >= 0.7


# -- the LLM extractor, against a scripted OpenAI-compatible server ------------------------------
SCRIPTED = {
    "entities": [
        {"label": "Country", "name": "Japan"},
        {"label": "Country", "name": "United States"},
        {"label": "Country", "name": "China"},
        {"label": "Official", "name": "Shigeru Ishiba", "country": "Japan"},
        {"label": "Official", "name": "Trump"},
        {"label": "Official", "name": "Ryosei Akazawa"},
        {"label": "Official", "name": "Scott Bessent"},
        {"label": "Mineral", "name": "rare earths"},
    ],
    "policies": [
        {
            "id": "p1",
            "category": "agreement",
            "policy_type": "proposal",
            "status": "proposed",
            "enacting": "Japan",
            "targets": ["United States"],
            "minerals": ["rare earths"],
            "date": None,
            "sentence": "Japan plans to propose stronger cooperation with the United States to reinforce the rare earths "
            "supply chain.",
        },
        {
            "id": "p2",
            "category": "export_control",
            "policy_type": "export restriction",
            "enacting": "China",
            "targets": ["United States"],
            "minerals": ["rare earths"],
            "date": "2025-04",
            "sentence": "This followed China's move to restrict exports of seven rare earth minerals to the United "
            "States in April.",
        },
    ],  # fmt: skip
    "events": [
        {
            "id": "e1",
            "event_type": "phone call",
            "participants": ["Shigeru Ishiba", "Trump"],
            "date": "2025-05-29",
            "duration": "25 minutes",
            "scheduled": False,
            "sentence": "Prime Minister Shigeru Ishiba reportedly presented the idea to President Donald Trump during a "
            "25-minute call on Thursday evening.",
        },
        {
            "id": "e2",
            "event_type": "meeting",
            "participants": ["Ryosei Akazawa", "Scott Bessent"],
            "date": None,
            "scheduled": True,
            "sentence": "He is scheduled to meet U.S. Treasury Secretary Scott Bessent on Friday.",
        },
    ],  # fmt: skip
    "relationships": [
        {
            "type": "HOLDS_OFFICE",
            "start": "Scott Bessent",
            "end": "United States",
            "role": "Treasury Secretary",
            "sentence": "He is scheduled to meet U.S. Treasury Secretary Scott Bessent on Friday.",
        },
        {
            "type": "HOLDS_OFFICE",
            "start": "Japan",
            "end": "Trump",
            "role": "not allowed by the ontology",
            "sentence": "Earlier, Trump urged Japan to support U.S. efforts on rare earths and economic resilience.",
        },
    ],  # fmt: skip
}


class _FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeOpenAI.requests.append({"path": self.path, "body": body})
        name = body["tools"][0]["function"]["name"]
        reply = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": name, "arguments": json.dumps(SCRIPTED)},
                            }
                        ],
                    },
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def fake_llm():  # noqa: ANN201
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeOpenAI.requests.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_llm_extractor_over_http(empty_store, fake_llm, tmp_data_dir) -> None:  # noqa: ANN001
    from graph.settings import Settings

    ingest_dataset(empty_store)
    settings = Settings(data_dir=tmp_data_dir, openai_api_key="test-key", openai_base_url=fake_llm, openai_model="m")
    title, date, body = parse_article(SEED)
    before = graph_stats(empty_store)
    rep = preview_article(empty_store, body, title, date, settings=settings)
    assert graph_stats(empty_store) == before and rep.extractor == "llm (m)"
    req = _FakeOpenAI.requests[0]
    assert req["path"] == "/v1/chat/completions"
    schema = json.dumps(req["body"]["tools"][0]["function"]["parameters"])
    assert '"HOLDS_OFFICE"' in schema and '"Company"' in schema and '"MENTIONS"' not in schema
    got = {(r["type"], r["start_key"], r["end_key"]) for r in rep.relationships}
    assert ("PARTICIPATED_IN", "Donald Trump", "E08") in got  # "Trump" resolved, the call matched
    assert ("PARTICIPATED_IN", "Scott Bessent", "E09") in got  # date from "on Friday", scheduled meeting matched
    assert ("ENACTED", "China", "P14") in got
    assert not any(r["start_key"] == "Japan" and r["type"] == "HOLDS_OFFICE" for r in rep.relationships)
    assert not [e for e in rep.new_entities if e["label"] == "Official"]
    ingest_article_text(empty_store, body, title, date, settings=settings)
    rows = empty_store.run(
        "MATCH (:Official {name: 'Ryosei Akazawa'})-[r:PARTICIPATED_IN]->(:Event {event_id: 'E09'}) RETURN r.note AS n"
    )
    assert "scheduled" in rows[0]["n"]
    assert (
        empty_store.run(
            "MATCH (:Country {name: 'Japan'})-[:ENACTED]->(p:Policy {policy_type: 'proposal'})-[:COVERS]->"
            "(:Mineral {name: 'Rare earths'}) RETURN count(p) AS n"
        )[0]["n"]
        == 1
    )


def test_langchain_is_imported_lazily() -> None:
    code = "import sys, ingest.articles, ingest.extract_llm; print(any(m.startswith('langchain') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_questions_about_a_newly_ingested_article_are_answered(empty_store, tmp_path):
    """What an article adds is asked about through the same translator (as the team's scorer does with --article)."""
    from graph.settings import Settings
    from ingest.articles import ingest_articles
    from ingest.load import ingest_dataset
    from qa.answer import Asker

    ingest_dataset(empty_store)
    ingest_articles(empty_store, [FIXTURES / "heldout_vulcan_loan.md", FIXTURES / "heldout_japan_australia.txt"])
    asker = Asker(empty_store, Settings(data_dir=tmp_path))
    ceo = asker.ask("Who is the CEO of Vulcan Elements?")
    assert ceo.status == "ok" and "John Maslin" in ceo.answer
    met = asker.ask("Who did Madeleine King meet in Tokyo?")
    assert met.status == "ok" and "Yoji Muto" in met.answer
    offer = asker.ask("What did Japan offer Australia?")
    assert offer.status == "ok" and "separation" in offer.answer
