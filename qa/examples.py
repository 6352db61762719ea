"""Few-shot examples for the LLM translator: questions paired with Cypher over OUR schema.

Every query here runs read-only on both FalkorDB and Neo4j (tests/test_llm.py runs them all on
each backend): no elementId, no `=~`, shortestPath only inside WITH/RETURN and directed, dates
compared as ISO strings. Values are parameters; `Example.inline()` renders them as literals, which
is how the prompt shows them (the model cannot pass parameters; qa.validate turns its literals
back into parameters).

`retrieve(question, k)` picks the examples closest to a question with plain token overlap
(IDF-weighted) plus rapidfuzz as a tie-breaker: no embedding model, nothing to download.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from graph.cypher_text import cypher_literal
from graph.text import STOPWORDS


@dataclass(frozen=True)
class Example:
    question: str
    cypher: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    kind: str = ""

    def inline(self) -> str:
        """The query with its parameters written as literals (what the prompt shows the model)."""
        return re.sub(
            r"\$(\w+)", lambda m: cypher_literal(self.params[m.group(1)]) if m.group(1) in self.params else m.group(0),
            self.cypher,
        )  # fmt: skip


def _ex(tag: str, question: str, cypher: str, **params: Any) -> Example:
    return Example(question, re.sub(r"\s+", " ", cypher).strip(), params, tag)


EXAMPLES: tuple[Example, ...] = (
    _ex(
        "production_ranking",
        "Which country produced the most rare earths in 2025?",
        """MATCH (c:Country)-[r:PRODUCES]->(m:Mineral {name: $mineral})
           WHERE r.year = $year AND r.latest = true AND c.kind = 'country'
           RETURN c.name AS country, r.value AS production, r.unit AS unit, r.edition AS edition, r.sources AS _src
           ORDER BY production DESC LIMIT 1""",
        mineral="Rare earths",
        year=2025,
    ),
    _ex(
        "production_value",
        "How much rare earth did Australia mine in 2024?",
        """MATCH (c:Country {name: $country})-[r:PRODUCES]->(m:Mineral {name: $mineral})
           WHERE r.year = $year AND r.latest = true
           RETURN c.name AS country, r.year AS year, r.value AS production, r.value_text AS as_stated, r.unit AS unit,
                  r.edition AS edition, r.estimated AS estimated, r.sources AS _src""",
        country="Australia",
        mineral="Rare earths",
        year=2024,
    ),
    _ex(
        "production_top_n",
        "Top 5 rare earth producers in 2025",
        """MATCH (c:Country)-[r:PRODUCES]->(:Mineral {name: $mineral})
           WHERE r.year = $year AND r.latest = true AND c.kind = 'country' AND r.value > 0
           RETURN c.name AS country, r.value AS production, r.unit AS unit ORDER BY production DESC LIMIT 5""",
        mineral="Rare earths",
        year=2025,
    ),
    _ex(
        "production_world",
        "What was world rare earth mine production in 2025?",
        """MATCH (c:Country {name: $world})-[r:PRODUCES]->(:Mineral {name: $mineral})
           WHERE r.year = $year AND r.latest = true
           RETURN r.value AS world_production, r.unit AS unit, r.edition AS edition, r.sources AS _src""",
        world="World",
        mineral="Rare earths",
        year=2025,
    ),
    _ex(
        "production_share",
        "What share of world rare earth production did China have in 2025?",
        """MATCH (c:Country {name: $country})-[r:PRODUCES]->(m:Mineral {name: $mineral})
           WHERE r.year = $year AND r.latest = true
           WITH c, r, m
           MATCH (w:Country {name: $world})-[t:PRODUCES]->(m)
           WHERE t.year = $year AND t.latest = true
           RETURN c.name AS country, r.value AS production, t.value AS world, round(100.0 * r.value / t.value) AS percent""",
        country="China",
        mineral="Rare earths",
        world="World",
        year=2025,
    ),
    _ex(
        "production_editions",
        "How did the USGS revise US rare earth production for 2024 between editions?",
        """MATCH (c:Country {name: $country})-[r:PRODUCES]->(:Mineral {name: $mineral})
           WHERE r.year = $year
           RETURN r.edition AS edition, r.value AS production, r.unit AS unit, r.latest AS latest ORDER BY edition""",
        country="United States",
        mineral="Rare earths",
        year=2024,
    ),
    _ex(
        "production_trend",
        "How has China's rare earth production changed over the years?",
        """MATCH (c:Country {name: $country})-[r:PRODUCES]->(:Mineral {name: $mineral})
           WHERE r.latest = true
           RETURN r.year AS year, r.value AS production, r.unit AS unit ORDER BY year""",
        country="China",
        mineral="Rare earths",
    ),
    _ex(
        "reserves_ranking",
        "Which countries have the largest rare earth reserves?",
        """MATCH (c:Country)-[r:HAS_RESERVES]->(:Mineral {name: $mineral})
           WHERE r.latest = true AND c.kind = 'country' AND r.year = $year AND r.value IS NOT NULL
           RETURN c.name AS country, r.value AS reserves, r.value_text AS as_stated, r.unit AS unit, r.year AS year
           ORDER BY reserves DESC LIMIT 5""",
        mineral="Rare earths",
        year=2025,
    ),
    _ex(
        "metric",
        "What is US net import reliance for rare earths?",
        """MATCH (c:Country {name: $country})-[r:HAS_METRIC]->(m:Mineral {name: $mineral})
           WHERE r.metric STARTS WITH 'net_import_reliance' AND r.latest = true
           RETURN r.metric AS metric, r.year AS year, r.value AS value, r.unit AS unit, r.sources AS _src
           ORDER BY year DESC""",
        country="United States",
        mineral="Rare earths",
    ),
    _ex(
        "metric_quota",
        "What was China's rare earth mining quota in 2024?",
        """MATCH (c:Country {name: $country})-[r:HAS_METRIC]->(:Mineral {name: $mineral})
           WHERE r.metric CONTAINS 'quota' AND r.year = $year
           RETURN r.metric AS metric, r.value AS value, r.unit AS unit""",
        country="China",
        mineral="Rare earths",
        year=2024,
    ),
    _ex(
        "classification",
        "List the heavy rare earth elements",
        """MATCH (m:Mineral)-[:MEMBER_OF]->(:Mineral {name: $group})
           WHERE m.classification = $cls
           RETURN m.name AS mineral, m.symbol AS symbol, m.atomic_number AS atomic_number ORDER BY atomic_number""",
        group="Rare earths",
        cls="heavy",
    ),
    _ex(
        "attribute",
        "What is the atomic number of dysprosium?",
        """MATCH (m:Mineral) WHERE toLower(m.name) = $name OR m.symbol = $symbol
           RETURN m.name AS mineral, m.symbol AS symbol, m.atomic_number AS atomic_number, m.sources AS _src""",
        name="dysprosium",
        symbol="Dy",
    ),
    _ex(
        "count",
        "How many rare earth elements are in the graph?",
        """MATCH (m:Mineral)-[:MEMBER_OF]->(:Mineral {name: $group}) RETURN count(DISTINCT m) AS elements""",
        group="Rare earths",
    ),
    _ex(
        "uses",
        "What is dysprosium used for?",
        """MATCH (m:Mineral {name: $mineral})-[u:USED_IN]->(a:Application)
           RETURN a.name AS application, u.detail AS detail, u.sources AS _src ORDER BY application""",
        mineral="Dysprosium",
    ),
    _ex(
        "uses_reverse",
        "Which minerals are used in permanent magnets?",
        """MATCH (m:Mineral)-[:USED_IN]->(a:Application)
           WHERE toLower(a.name) CONTAINS $app
           RETURN a.name AS application, collect(m.name) AS minerals""",
        app="magnet",
    ),
    _ex(
        "export_controls_covering",
        "Which rare earths did China put under export licensing in April 2025?",
        """MATCH (c:Country {name: $country})-[:ENACTED]->(p:Policy)-[:COVERS]->(m:Mineral)
           WHERE p.category = 'export_control' AND p.date_announced STARTS WITH $month
           RETURN p.name AS policy, p.date_announced AS announced, collect(m.name) AS minerals, p.sources AS _src""",
        country="China",
        month="2025-04",
    ),
    _ex(
        "policies_on_mineral",
        "Which export controls cover gallium?",
        """MATCH (p:Policy)-[:COVERS]->(m:Mineral {name: $mineral})
           WHERE p.category = 'export_control'
           OPTIONAL MATCH (x:Country)-[:ENACTED]->(p)
           RETURN p.name AS policy, p.date_announced AS announced, p.status AS status, collect(DISTINCT x.name) AS by
           ORDER BY announced""",
        mineral="Gallium",
    ),
    _ex(
        "policies_by_status",
        "Which Chinese export controls are currently suspended?",
        """MATCH (c:Country {name: $country})-[:ENACTED]->(p:Policy)
           WHERE p.category = 'export_control' AND p.status = 'suspended'
           RETURN p.name AS policy, p.date_announced AS announced, p.suspended_until AS suspended_until,
                  p.status_text AS status_as_stated ORDER BY announced""",
        country="China",
    ),
    _ex(
        "policies_targeting",
        "Which policies target the United States?",
        """MATCH (p:Policy)-[:TARGETS]->(c:Country {name: $country})
           OPTIONAL MATCH (x:Country)-[:ENACTED]->(p)
           RETURN p.name AS policy, p.category AS category, p.date_announced AS announced, collect(DISTINCT x.name) AS by
           ORDER BY announced""",
        country="United States",
    ),
    _ex(
        "policies_in_period",
        "What tariffs were announced in 2025?",
        """MATCH (p:Policy)
           WHERE p.category = 'tariff' AND p.date_announced >= $start AND p.date_announced < $end
           RETURN p.name AS policy, p.date_announced AS announced, p.status AS status, p.enacting_body AS enacted_by
           ORDER BY announced""",
        start="2025-01-01",
        end="2026",
    ),
    _ex(
        "agreements_between",
        "What agreements have the US and Japan signed?",
        """MATCH (a:Country {name: $a})-[:ENACTED]->(p:Policy)<-[:ENACTED]-(b:Country {name: $b})
           WHERE p.category = 'agreement'
           RETURN p.name AS agreement, p.date_announced AS announced, p.status AS status ORDER BY announced""",
        a="United States",
        b="Japan",
    ),
    _ex(
        "office_holder_at_date",
        "Who was Japan's prime minister in June 2025?",
        """MATCH (o:Official)-[h:HOLDS_OFFICE]->(c:Country {name: $country})
           WHERE h.role STARTS WITH $role AND (h.start_date IS NULL OR h.start_date <= $date)
             AND (h.end_date IS NULL OR h.end_date >= $date)
           RETURN o.name AS official, h.role AS role, h.start_date AS start, h.end_date AS end""",
        country="Japan",
        role="Prime Minister",
        date="2025-06-30",
    ),
    _ex(
        "offices_of_person",
        "What offices has Ryosei Akazawa held?",
        """MATCH (o:Official {name: $person})-[h:HOLDS_OFFICE]->(x)
           RETURN x.name AS at, h.role AS role, h.start_date AS start, h.end_date AS end ORDER BY start""",
        person="Ryosei Akazawa",
    ),
    _ex(
        "company_executive",
        "Who is MP Materials' chief executive?",
        """MATCH (o:Official)-[h:HOLDS_OFFICE]->(c:Company {name: $company})
           WHERE h.end_date IS NULL
           RETURN o.name AS person, h.role AS role""",
        company="MP Materials",
    ),
    _ex(
        "events_between",
        "When did Trump and Xi Jinping meet or talk?",
        """MATCH (a:Official {name: $a})-[:PARTICIPATED_IN]->(e:Event)<-[:PARTICIPATED_IN]-(b:Official {name: $b})
           RETURN e.date AS date, e.event_type AS type, e.location AS location, e.name AS event ORDER BY date""",
        a="Donald Trump",
        b="Xi Jinping",
    ),
    _ex(
        "events_in_period",
        "What meetings took place in October 2025?",
        """MATCH (e:Event) WHERE e.date STARTS WITH $month
           RETURN e.date AS date, e.event_type AS type, e.location AS location, e.name AS event ORDER BY date""",
        month="2025-10",
    ),
    _ex(
        "event_participants",
        "Who attended the Busan summit?",
        """MATCH (x)-[:PARTICIPATED_IN]->(e:Event)
           WHERE toLower(e.location) CONTAINS $place
           RETURN e.date AS date, e.name AS event, collect(x.name) AS participants ORDER BY date""",
        place="busan",
    ),
    _ex(
        "event_outcome",
        "Which agreements were signed at summits?",
        """MATCH (e:Event)-[:RESULTED_IN]->(p:Policy)
           RETURN e.date AS date, e.location AS location, p.name AS policy ORDER BY date""",
    ),
    _ex(
        "companies_in_stage",
        "Which firms manufacture permanent magnets?",
        """MATCH (c:Company)-[a:ACTIVE_IN]->(s:Stage {name: $stage})
           OPTIONAL MATCH (c)-[:HEADQUARTERED_IN]->(hq:Country)
           RETURN c.name AS company, hq.name AS headquarters, a.detail AS detail ORDER BY company""",
        stage="magnet making",
    ),
    _ex(
        "companies_by_country",
        "Which rare earth companies are headquartered in Japan?",
        """MATCH (c:Company)-[h:HEADQUARTERED_IN]->(:Country {name: $country})
           RETURN c.name AS company, h.city AS city, c.ownership_type AS ownership ORDER BY company""",
        country="Japan",
    ),
    _ex(
        "customers",
        "Who does MP Materials supply?",
        """MATCH (s {name: $company})-[r:SUPPLIES]->(c)
           RETURN c.name AS customer, labels(c)[0] AS kind, r.detail AS detail, r.sources AS _src""",
        company="MP Materials",
    ),
    _ex(
        "suppliers",
        "Who supplies Toyota?",
        """MATCH (s)-[r:SUPPLIES]->(c:Company {name: $company})
           RETURN s.name AS supplier, r.detail AS detail""",
        company="Toyota",
    ),
    _ex(
        "investors",
        "Who has invested in Lynas?",
        """MATCH (i)-[r:INVESTS_IN]->(c:Company)
           WHERE toLower(c.name) CONTAINS $company
           RETURN i.name AS investor, labels(i)[0] AS kind, c.name AS company, r.detail AS detail""",
        company="lynas",
    ),
    _ex(
        "investments_by_government",
        "Which companies has the US Department of War invested in?",
        """MATCH (o:Organization {name: $org})-[r:INVESTS_IN]->(c:Company)
           RETURN c.name AS company, r.detail AS detail ORDER BY company""",
        org="US Department of War",
    ),
    _ex(
        "partners",
        "Who are MP Materials' partners?",
        """MATCH (a {name: $company})-[r:PARTNERS_WITH]-(b)
           RETURN DISTINCT b.name AS partner, labels(b)[0] AS kind, r.detail AS detail""",
        company="MP Materials",
    ),
    _ex(
        "facilities_of_company",
        "What facilities does Lynas operate and where?",
        """MATCH (c:Company)-[:OPERATES]->(f:Facility)
           WHERE toLower(c.name) CONTAINS $company
           OPTIONAL MATCH (f)-[:LOCATED_IN]->(x:Country)
           RETURN f.name AS facility, f.kind AS kind, x.name AS country, f.location AS location""",
        company="lynas",
    ),
    _ex(
        "facilities_in_country",
        "Which magnet plants are in the United States?",
        """MATCH (c:Company)-[:OPERATES]->(f:Facility)-[:LOCATED_IN]->(:Country {name: $country})
           WHERE f.kind = $kind
           RETURN f.name AS facility, c.name AS operator, f.location AS location""",
        country="United States",
        kind="magnet plant",
    ),
    _ex(
        "agencies_of_country",
        "Which Chinese government agencies are in the graph?",
        """MATCH (o:Organization)-[:PART_OF]->(:Country {name: $country}) RETURN o.name AS agency, o.kind AS kind""",
        country="China",
    ),
    _ex(
        "count_by_group",
        "How many policies of each category are there?",
        """MATCH (p:Policy) RETURN p.category AS category, count(p) AS policies ORDER BY policies DESC""",
    ),
    _ex(
        "path",
        "What links MP Materials to Apple?",
        """MATCH (a:Company {name: $a}), (b:Company {name: $b})
           MATCH p = (a)-[*1..3]-(b)
           WHERE NONE(n IN nodes(p) WHERE n:Source)
           RETURN [n IN nodes(p) | n.name] AS path, [r IN relationships(p) | type(r)] AS relationships,
                  length(p) AS hops ORDER BY hops LIMIT 5""",
        a="MP Materials",
        b="Apple",
    ),
    _ex(
        "shortest_path",
        "What is the shortest chain from the US Department of War to MP Materials?",
        """MATCH (a:Organization {name: $a}), (b:Company {name: $b})
           WITH shortestPath((a)-[*..4]->(b)) AS p
           WHERE p IS NOT NULL
           RETURN [n IN nodes(p) | n.name] AS path, [r IN relationships(p) | type(r)] AS relationships""",
        a="US Department of War",
        b="MP Materials",
    ),
    _ex(
        "aliases",
        "What does the graph know about the USA?",
        """MATCH (c:Country) WHERE c.name = $name OR $name IN c.aliases
           OPTIONAL MATCH (c)-[r]-(x)
           RETURN c.name AS country, type(r) AS relationship, count(x) AS links ORDER BY links DESC""",
        name="USA",
    ),
    _ex(
        "sources",
        "Which sources back China's 2025 rare earth production figure?",
        """MATCH (c:Country {name: $country})-[r:PRODUCES]->(:Mineral {name: $mineral})
           WHERE r.year = $year AND r.latest = true
           MATCH (s:Source) WHERE s.id IN r.sources
           RETURN s.title AS source, s.url AS url, s.date AS date""",
        country="China",
        mineral="Rare earths",
        year=2025,
    ),
)


# -- retrieval ------------------------------------------------------------------------------
_ALIASES = {
    "us": "united states", "usa": "united states", "u.s.": "united states", "america": "united states",
    "chinese": "china", "japanese": "japan", "american": "united states", "australian": "australia",
    "ree": "rare earths", "rees": "rare earths", "biggest": "most", "largest": "most", "top": "most",
    "mined": "produced", "mine": "produced", "output": "production", "ceo": "executive",
}  # fmt: skip


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for w in re.findall(r"[a-z0-9][a-z0-9.'-]*", text.lower()):
        w = w.strip(".'-")
        for part in _ALIASES.get(w, w).split():
            if part and part not in STOPWORDS:
                out.append(_stem(part))
    return out


_DOCS = [Counter(tokens(e.question + " " + e.kind.replace("_", " "))) for e in EXAMPLES]
_DF = Counter(t for d in _DOCS for t in d)
_IDF = {t: math.log((1 + len(_DOCS)) / (1 + df)) + 1.0 for t, df in _DF.items()}


def retrieve(question: str, k: int = 4) -> list[Example]:
    """The k examples most similar to the question (IDF-weighted token overlap, fuzzy tie-break)."""
    q = set(tokens(question))
    scored = []
    for i, (ex, doc) in enumerate(zip(EXAMPLES, _DOCS)):
        overlap = sum(_IDF.get(t, 0.0) for t in q if t in doc)
        norm = math.sqrt(sum(_IDF[t] for t in doc)) or 1.0
        fuzzy = fuzz.token_set_ratio(question.lower(), ex.question.lower()) / 100.0
        scored.append((overlap / norm + 0.25 * fuzzy, -i, ex))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [ex for _, _, ex in scored[: max(0, k)]]
