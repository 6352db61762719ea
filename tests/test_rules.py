"""The offline translator across the kinds of questions users ask, phrased in several ways, on both engines.

Expectations are facts of the bundled dataset (data/dataset/*.csv); each case asserts the answer's
status and that its rows or sentence contain (or do not contain) those facts.
"""

from __future__ import annotations

import json

import pytest

from qa.answer import Asker

# question, expected status, strings that must appear, strings that must not appear in the rows
CASES: list[tuple[str, str, list[str], list[str]]] = [
    # production and reserves
    ("Which nation was the biggest rare earth producer in 2024?", "ok", ["China"], []),
    ("Who led global rare earth mining in 2024?", "ok", ["China"], ["World"]),
    ("What was Australia's rare earth output in 2025?", "ok", ["29000"], []),
    ("How much rare earth did the U.S. produce in 2024?", "ok", ["45500"], []),
    ("How big are the rare earth reserves of Vietnam?", "ok", ["3500000"], []),
    ("Which country ranks second for rare earth reserves?", "ok", ["Brazil"], ["China"]),
    (
        "List the top 5 rare earth producing countries in 2025",
        "ok",
        ["China", "United States", "Australia", "Burma", "Thailand"],
        ["India"],
    ),
    ("Which country outside China produced the most rare earths in 2025?", "ok", ["United States"], ["China"]),
    ("What share of world rare earth production did China have in 2025?", "ok", ["69.2"], []),
    ("Which countries produced more than 10,000 tonnes of rare earths in 2025?", "ok", ["Burma"], ["Thailand"]),
    ("Compare rare earth production of China and Australia in 2025", "ok", ["270000", "29000"], []),
    ("How much antimony did Russia mine in 2025?", "ok", ["Russia"], []),
    ("Who produces the most tungsten?", "ok", ["China"], []),
    # minerals
    ("What's the chemical symbol of dysprosium?", "ok", ["Dy"], []),
    ("What atomic number does neodymium have?", "ok", ["60"], []),
    ("What is the atomic number of Dy?", "ok", ["66"], []),
    ("What's the symbol of neodymum?", "ok", ["Nd"], []),
    ("Name the heavy rare earths", "ok", ["Terbium", "Lutetium"], ["Lanthanum", "Cerium"]),
    ("Which rare earths are light?", "ok", ["Lanthanum", "Gadolinium"], ["Terbium"]),
    ("Is yttrium a heavy or light rare earth?", "ok", ["heavy"], []),
    ("Where is neodymium used?", "ok", ["magnet"], []),
    ("Which minerals are used in lasers?", "ok", ["Holmium"], []),
    ("How many rare earth elements are there?", "ok", ["17"], []),
    # policies
    (
        "Which metals were added to China's export controls in February 2025?",
        "ok",
        ["Tungsten", "Indium"],
        ["Dysprosium"],
    ),
    (
        "Which seven rare earths did China put under export licensing in April 2025?",
        "ok",
        ["Samarium", "Gadolinium", "Terbium", "Dysprosium", "Lutetium", "Scandium", "Yttrium"],
        ["Neodymium"],
    ),
    ("On what date did China restrict holmium exports?", "ok", ["2025-10-09"], []),
    ("What tariffs has Washington placed on Chinese goods?", "ok", ["2025-02-01"], []),
    ("Which agreements were signed between the US and Australia?", "ok", ["2025-10-20"], []),
    ("Which measures concern gallium?", "ok", ["2023-07-03", "2024-12-03"], []),
    (
        "Which minerals did China ban from export to the United States in December 2024?",
        "ok",
        ["Gallium", "Germanium", "Antimony"],
        [],
    ),
    ("Are China's October 2025 controls on europium still active?", "ok", ["suspended"], []),
    ("What is the status of China's export ban on gallium to the US?", "ok", ["suspended"], []),
    ("What policies has the European Union enacted?", "ok", ["Critical Raw Materials Act"], []),
    # officials (time-aware)
    ("Who was Japan's prime minister in June 2025?", "ok", ["Shigeru Ishiba"], ["Sanae Takaichi"]),
    ("Who was the Japanese PM in November 2025?", "ok", ["Sanae Takaichi"], ["Shigeru Ishiba"]),
    ("Who is America's commerce secretary?", "ok", ["Howard Lutnick"], []),
    ("Who is the US Treasury Secretary?", "ok", ["Scott Bessent"], []),
    ("Who runs MP Materials?", "ok", ["James Litinsky"], []),
    ("Who is Lynas's chief executive?", "ok", ["Amanda Lacaze"], []),
    ("Who held the post of Minister for Economic Revitalization in Japan?", "ok", ["Ryosei Akazawa"], []),
    ("What role does Howard Lutnick hold?", "ok", ["Secretary of Commerce"], []),
    # companies
    ("Which Japanese companies are in the graph?", "ok", ["Shin-Etsu", "Sojitz", "JOGMEC", "Iwatani"], ["Lynas"]),
    (
        "Which firms produce permanent magnets?",
        "ok",
        ["MP Materials", "JL Mag", "Noveon"],
        ["Iluka", "Arafura", "Apple"],
    ),
    ("Which companies recycle magnets?", "ok", ["Noveon"], ["Apple"]),
    ("In which country is Lynas headquartered?", "ok", ["Australia"], []),
    ("How many companies are based in the United States?", "ok", ["9"], []),
    ("Who operates Mt Weld?", "ok", ["Lynas"], []),
    ("Who supplies Apple?", "ok", ["MP Materials"], []),
    ("Who invested in Arafura?", "ok", ["Export Development Canada"], []),
    ("What does Vulcan Elements make?", "ok", ["magnet"], []),
    # events
    ("Whom did Trump meet in Busan?", "ok", ["Xi Jinping"], []),
    ("Who was in Geneva with Bessent?", "ok", ["He Lifeng"], ["Donald Trump"]),
    ("Who attended the London talks?", "ok", ["Wang Wentao"], []),
    ("When did the United States and Australia sign their critical minerals framework?", "ok", ["2025-10-20"], []),
    ("When did Trump meet Takaichi?", "ok", ["2025-10-28"], []),
    # paths
    ("What links Apple and MP Materials?", "ok", ["SUPPLIES"], []),
    ("How are JOGMEC and Lynas related?", "ok", ["INVESTS_IN"], []),
    # aggregation, negation, activity
    ("Which country has enacted the most export controls?", "ok", ["China"], []),
    ("Which mineral is covered by the most policies?", "ok", ["Rare earths"], []),
    ("Which rare earths are not controlled by China?", "ok", ["Neodymium", "Lanthanum"], ["Dysprosium", "Samarium"]),
    ("What did China do in April 2025?", "ok", ["2025-04-04"], []),
    ("What was the combined rare earth production of Australia and the United States in 2025?", "ok", ["80000"], []),
    # article facts and sources
    ("What did Japan offer the United States on refining?", "ok", ["refining"], []),
    ("What did Ishiba propose to Trump?", "ok", ["semiconductor", "ships"], []),
    ("Which articles mention Akazawa?", "ok", ["2025-05-30"], []),
    ("How long was the phone call between Ishiba and Trump in May 2025?", "ok", ["25 minutes"], []),
    ("Who is Japan's economic revitalization minister?", "ok", ["Ryosei Akazawa"], []),
    (
        "Which US companies did the Department of War invest in?",
        "ok",
        ["MP Materials", "Vulcan Elements"],
        ["Lynas", "Maaden"],
    ),
    ("Which country is the Eneabba refinery in?", "ok", ["Australia"], []),
    ("Which Japanese officials met Scott Bessent?", "ok", ["Ryosei Akazawa"], []),
    ("What stages of the supply chain is Iluka active in?", "ok", ["mining"], []),
    # imperative phrasings
    ("Tell me who the CEO of MP Materials is", "ok", ["James Litinsky"], []),
    (
        "Show me the minerals China put under export licensing in February 2025",
        "ok",
        ["Bismuth", "Molybdenum"],
        ["Dysprosium"],
    ),
    ("Give me the name of Japan's Minister for Economic Revitalization", "ok", ["Ryosei Akazawa"], []),
    ("List the people Donald Trump met in Busan", "ok", ["Xi Jinping"], []),
    ("Tell me whether China's October 2025 export control on europium is still in force", "ok", ["suspended"], []),
    ("Tell me about Iluka Resources", "ok", ["Australia"], []),
    # safety and scope
    ("Please update Lynas's headquarters to Canada", "refused", [], []),
    ("Remove all the policies", "refused", [], []),
    ("MATCH (n) DETACH DELETE n", "refused", [], []),
    ("What is the population of Japan?", "no_answer", [], []),
    ("Tell me a joke", "no_answer", [], []),
]


@pytest.fixture(scope="module")
def asker(loaded):  # noqa: ANN001, ANN201
    store, settings = loaded
    return Asker(store, settings)


@pytest.mark.parametrize("question,status,expect,forbid", CASES, ids=[c[0][:60] for c in CASES])
def test_question(asker, question, status, expect, forbid):
    ans = asker.ask(question, engine="rules")
    assert ans.status == status, (ans.status, ans.answer, ans.cypher)
    if status != "ok":
        return
    rows = json.dumps(ans.rows, default=str).replace(",", "")
    hay = (rows + " " + ans.answer.replace(",", "")).lower()
    for s in expect:
        assert s.lower().replace(",", "") in hay, (s, ans.answer, ans.cypher)
    for s in forbid:
        assert s.lower() not in rows.lower(), (s, ans.rows)
    assert ans.engine == "rules" and ans.elapsed_ms < 2000
    assert ans.sources, "an answer cites its sources"


def test_values_reach_cypher_as_parameters(asker):
    ans = asker.ask("Who was Japan's prime minister in June 2025?")
    assert "Japan" not in ans.cypher and "Japan" in json.dumps(ans.params)
    ans = asker.ask("Which rare earths did China restrict in October 2025?")
    assert "China" not in ans.cypher and "2025-10" not in ans.cypher


def test_follow_up_questions_reuse_the_previous_question(loaded):
    store, settings = loaded
    asker = Asker(store, settings)
    assert "James Litinsky" in json.dumps(asker.ask("Who is the CEO of MP Materials?").rows)
    assert "Amanda Lacaze" in json.dumps(asker.ask("and Lynas?").rows)
    assert "China" in asker.ask("Which country produced the most rare earths in 2024?").answer
    later = asker.ask("what about 2023?")
    assert later.status == "ok" and later.params.get("year") == 2023


def test_not_confident_means_no_answer_with_suggestions(asker):
    ans = asker.ask("What's the weather in Tokyo today?")
    assert ans.status == "no_answer" and ans.suggestions
