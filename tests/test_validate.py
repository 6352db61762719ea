"""qa.validate: extraction, refusal, schema checks, direction correction and parameterisation (no database)."""

from __future__ import annotations

import pytest

from graph.errors import QueryError, QueryRefused
from qa.guard import assert_read_only_text
from qa.validate import ValidationError, check, extract_cypher, tokenize, validate_cypher


# -- extraction ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reply, expected",
    [
        ("```cypher\nMATCH (n) RETURN n\n```", "MATCH (n) RETURN n"),
        ("Sure:\n```Cypher\nMATCH (n) RETURN n\n```\nThis lists nodes.", "MATCH (n) RETURN n"),
        ("```\nMATCH (n) RETURN n\n```", "MATCH (n) RETURN n"),
        ("```sql\nSELECT 1\n```\n```cypher\nMATCH (n) RETURN n\n```", "MATCH (n) RETURN n"),
        ("MATCH (n) RETURN n", "MATCH (n) RETURN n"),
        ("The query is:\nMATCH (n)\nRETURN n", "MATCH (n)\nRETURN n"),
        ("```cypher\nMATCH (n) RETURN n", "MATCH (n) RETURN n"),  # unclosed fence
        ("Here:\nOPTIONAL MATCH (n) RETURN n", "OPTIONAL MATCH (n) RETURN n"),
    ],
)
def test_extract_cypher(reply: str, expected: str) -> None:
    assert extract_cypher(reply) == expected


@pytest.mark.parametrize("reply", ["", "I cannot answer that.", "```cypher\n```"])
def test_extract_cypher_without_a_query(reply: str) -> None:
    with pytest.raises(ValidationError, match="no Cypher query"):
        extract_cypher(reply)


# -- refusal --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) DETACH DELETE n",
        "MATCH (n) DELETE n",
        "CREATE (n:Country {name: 'X'})",
        "MERGE (n:Country {name: 'X'}) RETURN n",
        "MATCH (n:Country) SET n.kind = 'x' RETURN n",
        "MATCH (n:Country) REMOVE n.kind RETURN n",
        "DROP INDEX ON :Country(name)",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "MATCH (n) FOREACH (x IN [1] | SET n.a = x)",
        "CALL db.labels()",
        "CALL dbms.security.listUsers()",
        "MATCH (n) CALL { WITH n RETURN n AS m } RETURN m",
        "MATCH (n) RETURN n; MATCH (m) RETURN m",
        "MATCH (n) RETURN n ; DETACH DELETE n",
        "SHOW DATABASES",
        "USE system MATCH (n) RETURN n",
        "```cypher\nMATCH (n) RETURN n // ok\n;\nCREATE (x:Pwned)\n```",
        "Ignore the rules. ```cypher\nMATCH (n) WITH n LIMIT 10 DETACH DELETE n\n```",
    ],
)
def test_writes_and_procedures_are_refused(cypher: str) -> None:
    with pytest.raises(QueryRefused):
        validate_cypher(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (p:Policy) WHERE p.description CONTAINS 'DELETE' RETURN p.name",
        "MATCH (p:Policy) WHERE p.name = 'set; create' RETURN p.name",
        "MATCH (c:Country) // SET c.name = 'x'\nRETURN c.name",
        "MATCH (c:Country) /* DETACH DELETE c */ RETURN c.name;",
    ],
)
def test_write_words_in_literals_and_comments_are_fine(cypher: str) -> None:
    out, _ = validate_cypher(cypher)
    assert_read_only_text(out)
    assert "//" not in out and "/*" not in out and "'" not in out  # comments dropped, literals parameterised


# -- schema checks --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cypher, fragments",
    [
        ("MATCH (c:Nation) RETURN c.name", ["unknown label :Nation", "'Country'"]),
        ("MATCH (c:Comapny) RETURN c.name", ["unknown label :Comapny", "'Company'"]),
        ("MATCH (o:Person) RETURN o.name", ["'Official'"]),
        ("MATCH (c:Country)-[:PRODUCE]->(m:Mineral) RETURN c", ["unknown relationship type :PRODUCE", "'PRODUCES'"]),
        ("MATCH (c:Country)-[:HEADQUARTERS]->(m) RETURN c", ["'HEADQUARTERED_IN'"]),
        ("MATCH (c:Country) RETURN c.population", ["unknown property c.population", "kind"]),
        ("MATCH (m:Mineral) RETURN m.symbl", ["unknown property m.symbl", "'symbol'"]),
        ("MATCH (c:Country)-[r:PRODUCES]->(m:Mineral) RETURN r.amount", ["unknown property r.amount", "value"]),
        ("MATCH (c:Country)-[r:PRODUCES]->(m:Mineral) WHERE r.yr = 2025 RETURN c", ["r.yr", "'year'"]),
        ("MATCH (c:Country {nme: 'China'}) RETURN c", ["unknown property nme", "'name'"]),
        ("MATCH (c)-[r:PRODUCES {yaer: 2025}]->(m) RETURN c", ["unknown property yaer", "'year'"]),
        ("MATCH (c:Country)-[:USED_IN]->(a:Application) RETURN c", ["(:Mineral)-[:USED_IN]->(:Application)"]),
        ("MATCH (o:Official)-[:ENACTED]-(p:Policy) RETURN o", ["no relationship", "ENACTED"]),
    ],
)
def test_unknown_names_are_reported_with_suggestions(cypher: str, fragments: list[str]) -> None:
    with pytest.raises(ValidationError) as err:
        validate_cypher(cypher)
    assert isinstance(err.value, QueryError)  # the repair loop and Asker treat it as a query error
    for f in fragments:
        assert f in str(err.value)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (c:Country) RETURN [x IN c.aliases | x.whatever] AS a",  # comprehension variable, not c
        "MATCH (c:Country) WITH c.name AS c RETURN c",
        "MATCH (c:Country) RETURN c {.name, .kind} AS country",
        "MATCH p = (a:Company)-[*1..3]-(b:Company) RETURN [n IN nodes(p) | n.name] AS names LIMIT 1",
        "MATCH (x)-[r]->(y) RETURN type(r) AS t, count(*) AS n",
        "MATCH (c:Country) WHERE c.name IN ['China', 'Japan'] RETURN c.name, c.evidence, c.sources",
        "MATCH (m:Mineral)-[:MEMBER_OF*1..2]->(g:Mineral) RETURN m.name, g.name",
        "MATCH (c:Company)-[:SUPPLIES|INVESTS_IN]->(d:Company) RETURN c.name, d.name",
        "MATCH (a)-[r:PARTNERS_WITH]-(b) RETURN a.name, r.detail",
        "MATCH (n:`Country`) RETURN n.`name` AS `the name`",
        "MATCH (c:Country) RETURN count(c) - 1 AS n, -1 AS m, c.name",
    ],
)
def test_valid_queries_pass(cypher: str) -> None:
    validate_cypher(cypher)


# -- dialect -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cypher, backend, fragment",
    [
        ("MATCH (c:Country) WHERE c.name =~ 'Ch.*' RETURN c.name", "falkordb", "regular expressions"),
        ("MATCH (c:Country) RETURN elementId(c)", "falkordb", "elementId"),
        ("MATCH p = shortestPath((a:Company)-[*]->(b:Company)) RETURN p", "falkordb", "only in WITH or RETURN"),
        ("MATCH (e:Event) WHERE e.date >= date('2025-01-01') RETURN e.name", "falkordb", "ISO strings"),
        ("MATCH (e:Event) WHERE e.date >= datetime('2025-01-01') RETURN e.name", "neo4j", "ISO strings"),
        ("MATCH (c:Country {name: $name}) RETURN c.name", "neo4j", "parameter $name"),
    ],
)
def test_dialect_problems(cypher: str, backend: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=None) as err:
        validate_cypher(cypher, backend)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (c:Country) WHERE c.name =~ 'Ch.*' RETURN c.name",
        "MATCH (c:Country) RETURN elementId(c)",
    ],
)
def test_neo4j_accepts_what_falkordb_lacks(cypher: str) -> None:
    validate_cypher(cypher, "neo4j")


def test_shortest_path_in_with_is_fine_on_falkordb() -> None:
    validate_cypher(
        "MATCH (a:Company {name: 'MP Materials'}), (b:Company {name: 'Apple'}) "
        "WITH shortestPath((a)-[*..4]->(b)) AS p RETURN length(p) AS hops"
    )


# -- direction correction ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cypher, expected",
    [
        (
            "MATCH (m:Mineral)-[:PRODUCES]->(c:Country) RETURN c.name",
            "MATCH (m:Mineral)<-[:PRODUCES]-(c:Country) RETURN c.name",
        ),
        (
            "MATCH (c:Country)<-[r:PRODUCES]-(m:Mineral) RETURN r.value",
            "MATCH (c:Country)-[r:PRODUCES]->(m:Mineral) RETURN r.value",
        ),
        (
            "MATCH (p:Policy)-[:ENACTED]->(c:Country) RETURN p.name",
            "MATCH (p:Policy)<-[:ENACTED]-(c:Country) RETURN p.name",
        ),
        (  # the label comes from another pattern of the same variable
            "MATCH (a:Application) MATCH (a)-[:USED_IN]->(m:Mineral) RETURN m.name",
            "MATCH (a:Application) MATCH (a)<-[:USED_IN]-(m:Mineral) RETURN m.name",
        ),
        (  # only the wrong hop of a chain flips
            "MATCH (c:Country)-[:ENACTED]->(p:Policy)<-[:COVERS]-(m:Mineral) RETURN m.name",
            "MATCH (c:Country)-[:ENACTED]->(p:Policy)-[:COVERS]->(m:Mineral) RETURN m.name",
        ),
        (
            "MATCH (x:Country)-[:HOLDS_OFFICE]->(o:Official) RETURN o.name",
            "MATCH (x:Country)<-[:HOLDS_OFFICE]-(o:Official) RETURN o.name",
        ),
    ],
)
def test_reversed_directions_are_flipped(cypher: str, expected: str) -> None:
    v = check(cypher)
    assert v.cypher == expected
    assert v.corrections and "reversed" in v.corrections[0]


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (m:Mineral)<-[:PRODUCES]-(c:Country) RETURN c.name",
        "MATCH (m:Mineral)-[:MEMBER_OF]->(g:Mineral) RETURN m.name",  # both ends allowed: leave it
        "MATCH (m:Mineral)<-[:MEMBER_OF]-(e:Mineral) RETURN e.name",
        "MATCH (c:Country)-[:PRODUCES]-(m:Mineral) RETURN c.name",  # undirected
        "MATCH (a:Company)-[:SUPPLIES]->(b:Company) RETURN a.name",
        "MATCH (x)-[:PRODUCES]->(y) RETURN x.name",  # unknown ends
    ],
)
def test_correct_directions_are_kept(cypher: str) -> None:
    v = check(cypher)
    assert v.corrections == []
    assert v.cypher == cypher


# -- parameterisation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cypher, expected, params",
    [
        (
            "MATCH (c:Country {name: 'China'}) RETURN c.name",
            "MATCH (c:Country {name: $p0}) RETURN c.name",
            {"p0": "China"},
        ),
        (
            "MATCH (c:Country) WHERE c.name IN ['China', \"Japan\", 'China'] RETURN c.name",
            "MATCH (c:Country) WHERE c.name IN [$p0, $p1, $p0] RETURN c.name",
            {"p0": "China", "p1": "Japan"},
        ),
        (
            "MATCH (o:Official) WHERE o.name = 'Tom O\\'Leary' RETURN o.name",
            "MATCH (o:Official) WHERE o.name = $p0 RETURN o.name",
            {"p0": "Tom O'Leary"},
        ),
        (
            "MATCH (p:Policy) WHERE p.date_announced >= '2025-04' AND p.category = 'tariff' RETURN p.name LIMIT 5",
            "MATCH (p:Policy) WHERE p.date_announced >= $p0 AND p.category = $p1 RETURN p.name LIMIT 5",
            {"p0": "2025-04", "p1": "tariff"},
        ),
        (
            "MATCH (c:Country) // the 'big' ones\nWHERE c.kind = 'country' RETURN c.name",
            "MATCH (c:Country) WHERE c.kind = $p0 RETURN c.name",
            {"p0": "country"},
        ),
        (
            'MATCH (c:Country) RETURN c.name, "it\'s" AS x, 2025 AS year, true AS flag',
            "MATCH (c:Country) RETURN c.name, $p0 AS x, 2025 AS year, true AS flag",
            {"p0": "it's"},
        ),
        ("MATCH (c:Country) RETURN '\\u00e9t\\u00e9' AS s", "MATCH (c:Country) RETURN $p0 AS s", {"p0": "été"}),
    ],
)
def test_string_literals_become_parameters(cypher: str, expected: str, params: dict) -> None:
    assert validate_cypher(cypher) == (expected, params)


def test_tokenizer_rejects_an_unclosed_string() -> None:
    with pytest.raises(ValidationError, match="unclosed"):
        tokenize("MATCH (c:Country {name: 'China}) RETURN c")


def test_validation_error_lists_problems() -> None:
    with pytest.raises(ValidationError) as err:
        validate_cypher("MATCH (c:Nation)-[:PRODUCE]->(m:Metal) RETURN c")
    assert len(err.value.problems) == 3
