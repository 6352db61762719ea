"""Check and correct a generated Cypher query before it reaches the database (pure Python, no LLM).

`validate_cypher(text, backend)` does, in order:

1. extracts the query from a model reply (a ```cypher fence, any fence, or the bare text);
2. refuses writes, procedure calls, admin commands and several statements (`QueryRefused`, never
   retried): the textual guard of qa.guard plus a token-level check of clause keywords;
3. parses node patterns `(x:Label {k: v})` and relationship patterns `-[r:TYPE]->` with a small
   lexer (string literals and comments cannot fool it), and checks labels, relationship types and
   property names (`x.prop` where x's label or type is known, and map keys in patterns) against
   graph.ontology; unknown names raise `ValidationError` naming the closest valid names, which is
   what the LLM repair loop feeds back;
4. flips a relationship whose direction the ontology allows only the other way round
   (`(m:Mineral)-[:PRODUCES]->(c:Country)` becomes `(m:Mineral)<-[:PRODUCES]-(c:Country)`);
5. rejects dialect features the backend lacks (FalkorDB: `=~`, elementId, shortestPath outside
   WITH/RETURN) and date functions (dates are ISO strings here);
6. turns every string literal into a parameter (`'China'` -> `$p0`), so values reach the database
   as parameters, never spliced into the query text.

The engine's read-only mode stays the real guard; this module only makes failures early, cheap and
explainable.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from graph import cypher_text
from graph.errors import CypherSyntaxError, QueryError, QueryRefused
from graph.ontology import LABELS, NODE_BY_LABEL, REL_BY_TYPE, REL_TYPES
from qa.guard import assert_read_only_text


class ValidationError(QueryError):
    """A generated query names something the schema lacks or uses an unsupported construct."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Validated:
    cypher: str
    params: dict[str, Any]
    corrections: list[str] = field(default_factory=list)


# -- extraction ------------------------------------------------------------------------------
FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
CLAUSE_START = re.compile(
    r"^\s*(MATCH|OPTIONAL\s+MATCH|WITH|UNWIND|RETURN|CALL|CREATE|MERGE|DELETE|DETACH|SET|REMOVE|FOREACH|LOAD\s+CSV|"
    r"DROP|USE|SHOW|GRANT|DENY|REVOKE|ALTER|EXPLAIN|PROFILE)\b",
    re.I | re.M,
)


def extract_cypher(reply: str) -> str:
    """The query in a model reply: the first ```cypher block, else the first fenced block, else the text."""
    text = (reply or "").strip()
    blocks = FENCE.findall(text)
    chosen = next((body for lang, body in blocks if lang.lower() in ("cypher", "cql", "neo4j", "opencypher")), None)
    if chosen is None and blocks:
        chosen = blocks[0][1]
    if chosen is None:
        m = CLAUSE_START.search(text)
        chosen = text[m.start() :] if m else ""
    chosen = re.sub(r"^`{3,}\w*|`{3,}$", "", chosen.strip()).strip()
    if not chosen:
        raise ValidationError(["no Cypher query found in the reply; answer with one query in a ```cypher block"])
    return chosen


# -- lexer -------------------------------------------------------------------------------------
@dataclass
class Tok:
    kind: str  # str | num | id | qid (backticked) | param | op | ws
    text: str
    value: Any = None


def tokenize(cypher: str) -> list[Tok]:
    """The shared tokenizer's tokens (graph/cypher_text.py), as mutable Toks this module rewrites in place."""
    try:
        shared = cypher_text.tokenize(cypher)
    except CypherSyntaxError as e:
        near = cypher[e.position : e.position + 20]
        raise ValidationError([f"cannot read the query near {near!r} ({e.reason})"]) from e
    toks: list[Tok] = []
    for t in shared:
        if t.kind in ("ws", "comment"):
            toks.append(Tok("ws", " "))
        elif t.kind == "qid":
            toks.append(Tok("id", t.text, t.value))
        elif t.kind == "param":
            toks.append(Tok("param", t.text, t.text))
        else:
            toks.append(Tok(t.kind, t.text, t.value))
    return toks


def _render(toks: list[Tok]) -> str:
    """The query text again (comments dropped, whitespace runs collapsed, literals as given or replaced)."""
    out: list[str] = []
    for t in toks:
        if t.kind == "ws":
            if out and out[-1] != " ":
                out.append(" ")
        elif t.text:
            out.append(t.text)
    return "".join(out).strip()


# -- refusal ------------------------------------------------------------------------------------
WRITE_CLAUSES = {"CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD"}
ADMIN = {"GRANT", "DENY", "REVOKE", "ALTER", "SHOW", "START", "STOP", "TERMINATE", "USE", "ENABLE", "RENAME"}


def _refuse_writes(toks: list[Tok], text: str) -> None:
    assert_read_only_text(text)  # the guard's own textual check first (same message everywhere)
    sig = [t for t in toks if t.kind != "ws"]
    for i, t in enumerate(sig):
        if t.kind != "id":
            continue
        prev = sig[i - 1].text if i else ""
        if prev in (".", ":") or (i + 1 < len(sig) and sig[i + 1].text == ":"):
            continue  # a property name, label, or map key, not a clause
        word = t.value.upper()
        if word in WRITE_CLAUSES:
            raise QueryRefused(f"the query contains '{t.value}', which changes data; questions may only read")
        if word == "CALL":
            raise QueryRefused(
                "the query calls a procedure or subquery (CALL); generated queries may only MATCH and RETURN"
            )
        if word in ADMIN and (i == 0 or prev == ";"):
            raise QueryRefused(f"'{t.value}' is an administration command; questions may only read the graph")
    if any(t.text == ";" for t in sig[:-1]):
        raise QueryRefused("only one statement may run per question")


# -- patterns --------------------------------------------------------------------------------
@dataclass
class NodePat:
    var: str | None
    labels: list[str]
    keys: list[str]
    start: int  # index of "(" in the significant-token list
    end: int  # index of ")"


@dataclass
class RelPat:
    var: str | None
    types: list[str]
    keys: list[str]
    direction: str  # "out" (-->), "in" (<--), "both" (--)
    start: int  # first token of the arrow
    end: int  # last token of the arrow
    left_open: int  # index of "<-" or "-" token
    right_close: int  # index of "->" or "-" token


def _parse_map_keys(sig: list[Tok], i: int) -> tuple[list[str], int]:
    """Keys of a map literal starting at sig[i] == '{'; returns (keys, index after '}')."""
    keys: list[str] = []
    depth = 0
    j = i
    while j < len(sig):
        t = sig[j].text
        if t in ("{", "[", "("):
            depth += 1
        elif t in ("}", "]", ")"):
            depth -= 1
            if depth == 0:
                return keys, j + 1
        elif (
            depth == 1
            and sig[j].kind == "id"
            and j + 1 < len(sig)
            and sig[j + 1].text == ":"
            and sig[j - 1].text in ("{", ",")
        ):
            keys.append(sig[j].value)
        j += 1
    raise ValidationError(["unbalanced braces in the query"])


def _parse_node(sig: list[Tok], i: int) -> NodePat | None:
    """A node pattern at sig[i] == '(' or None when the parentheses are something else."""
    if sig[i].text != "(":
        return None
    if i > 0 and (sig[i - 1].kind == "id" and sig[i - 1].value.upper() not in _PATTERN_KEYWORDS):
        return None  # a function call: count(n), shortestPath(...)
    j = i + 1
    var = None
    if j < len(sig) and sig[j].kind == "id" and (j + 1 < len(sig) and sig[j + 1].text in (":", "{", ")")):
        var = sig[j].value
        j += 1
    labels: list[str] = []
    while j < len(sig) and sig[j].text in (":", "|", "&"):
        if j + 1 < len(sig) and sig[j + 1].kind == "id":
            labels.append(sig[j + 1].value)
            j += 2
        else:
            return None
    keys: list[str] = []
    if j < len(sig) and sig[j].text == "{":
        keys, j = _parse_map_keys(sig, j)
    if j < len(sig) and sig[j].text == ")":
        bare = var is None and not labels and not keys
        in_path = (j + 1 < len(sig) and sig[j + 1].text in ("-", "<-", "->")) or (
            i > 0 and sig[i - 1].text in ("-", "->", "<-")
        )
        if bare and not in_path:
            return None  # "()" used as an expression
        return NodePat(var, labels, keys, i, j)
    return None


_PATTERN_KEYWORDS = {
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "XOR",
    "EXISTS",
    "MERGE",
    "CREATE",
    "WITH",
    "RETURN",
}


def _parse_rel(sig: list[Tok], i: int) -> RelPat | None:
    """A relationship arrow starting at sig[i] ('-' or '<-'), or None."""
    t = sig[i].text
    if t not in ("-", "<-"):
        return None
    incoming = t == "<-"
    j = i + 1
    var = None
    types: list[str] = []
    keys: list[str] = []
    if j < len(sig) and sig[j].text == "[":
        j += 1
        if j + 1 < len(sig) and sig[j].kind == "id" and sig[j + 1].text in (":", "]", "{", "*"):
            var = sig[j].value
            j += 1
        if j < len(sig) and sig[j].text == ":":
            j += 1
            while j < len(sig) and sig[j].kind == "id":
                types.append(sig[j].value)
                j += 1
                if j < len(sig) and sig[j].text == "|":
                    j += 1
                    if j < len(sig) and sig[j].text == ":":
                        j += 1
                else:
                    break
        if j < len(sig) and sig[j].text == "*":  # variable length: *, *2, *1..3, *..4
            j += 1
            while j < len(sig) and (sig[j].kind == "num" or sig[j].text == ".."):
                j += 1
        if j < len(sig) and sig[j].text == "{":
            keys, j = _parse_map_keys(sig, j)
        if j >= len(sig) or sig[j].text != "]":
            return None
        j += 1
    elif not (j < len(sig) and sig[j].text in ("-", "->")):
        return None  # without brackets only "<--", "--", "-->" (or "<-->") make an arrow
    if j >= len(sig) or sig[j].text not in ("-", "->"):
        return None
    outgoing = sig[j].text == "->"
    direction = "both" if incoming == outgoing else "in" if incoming else "out"
    return RelPat(var, types, keys, direction, i, j, i, j)


def _parse_chains(sig: list[Tok]) -> list[tuple[list[NodePat], list[RelPat]]]:
    """Every path pattern as (nodes, rels) with rels[k] between nodes[k] and nodes[k+1]."""
    chains = []
    i = 0
    while i < len(sig):
        node = _parse_node(sig, i) if sig[i].text == "(" else None
        if node is None:
            i += 1
            continue
        nodes, rels = [node], []
        j = node.end + 1
        while j < len(sig):
            rel = _parse_rel(sig, j)
            if rel is None or rel.end + 1 >= len(sig):
                break
            nxt = _parse_node(sig, rel.end + 1) if sig[rel.end + 1].text == "(" else None
            if nxt is None:
                break
            rels.append(rel)
            nodes.append(nxt)
            j = nxt.end + 1
        chains.append((nodes, rels))
        i = j if rels else node.end + 1
    return chains


# -- checks ------------------------------------------------------------------------------------
ALWAYS_PROPS = {"name", "aliases", "sources", "evidence"}


def _closest(word: str, options: list[str] | tuple[str, ...], n: int = 3) -> str:
    near = difflib.get_close_matches(word, list(options), n=n, cutoff=0.5) or difflib.get_close_matches(
        word.lower(), [o.lower() for o in options], n=n, cutoff=0.5
    )
    if near and near[0] not in options:  # matched case-insensitively: map back
        lower = {o.lower(): o for o in options}
        near = [lower[x] for x in near]
    return f" (did you mean {', '.join(repr(x) for x in near)}?)" if near else ""


def _closest_label(word: str) -> str:
    """Suggest labels by the nouns the ontology lists for them first ('Nation' -> Country), then by spelling."""
    w = word.lower()
    by_noun = [n.label for n in NODE_BY_LABEL.values() if w in n.nouns or w.rstrip("s") in n.nouns]
    if by_noun:
        return f" (did you mean {', '.join(repr(x) for x in by_noun)}?)"
    return _closest(word, LABELS)


def _node_props(labels: list[str]) -> set[str]:
    out = set(ALWAYS_PROPS)
    for label in labels:
        out |= {p.name for p in NODE_BY_LABEL[label].props}
    return out


def _rel_props(types: list[str]) -> set[str]:
    out = set(ALWAYS_PROPS) - {"name"}
    for t in types:
        out |= {p.name for p in REL_BY_TYPE[t].props}
    return out


def _allowed(types: list[str], left: list[str], right: list[str]) -> bool:
    """Whether some type allows (left)-[type]->(right); an unknown side matches anything."""
    for t in types:
        rel = REL_BY_TYPE[t]
        if (not left or any(x in rel.start for x in left)) and (not right or any(x in rel.end for x in right)):
            return True
    return False


def _describe(types: list[str]) -> str:
    return "; ".join(f"(:{'|'.join(REL_BY_TYPE[t].start)})-[:{t}]->(:{'|'.join(REL_BY_TYPE[t].end)})" for t in types)


def validate_cypher(text: str, backend: str = "falkordb") -> tuple[str, dict[str, Any]]:
    """Extract (from a model reply), check, correct and parameterise a query: returns (cypher, params)."""
    v = check(extract_cypher(text), backend)
    return v.cypher, v.params


def check(text: str, backend: str = "falkordb") -> Validated:
    """Like validate_cypher, with the list of corrections made (for logs and tests).

    `text` is a query, or a model reply with the query in a code fence."""
    cypher = extract_cypher(text) if "```" in text else text.strip()
    toks = tokenize(cypher)
    _refuse_writes(toks, cypher)
    sig = [t for t in toks if t.kind != "ws"]
    while sig and sig[-1].text == ";":
        sig.pop().text = ""
    if not sig:
        raise ValidationError(["the query is empty"])
    problems: list[str] = []
    corrections: list[str] = []

    # dialect and portability
    for i, t in enumerate(sig):
        nxt = sig[i + 1].text if i + 1 < len(sig) else ""
        prev = sig[i - 1].text if i else ""
        if t.kind == "param":
            problems.append(
                f"the query uses the parameter {t.text}, but no parameter values are passed: write the value as a literal"
            )
        if t.text == "=~" and backend == "falkordb":
            problems.append(
                "FalkorDB has no regular expressions (=~): use toLower(x) CONTAINS 'text', STARTS WITH or ENDS WITH"
            )
        if t.kind == "id" and nxt == "(" and prev != ".":
            fn = t.value.lower()
            if fn == "elementid" and backend == "falkordb":
                problems.append(
                    "elementId() is not available on FalkorDB: identify nodes by their key property (name, policy_id, event_id)"
                )
            if fn in ("date", "datetime", "localdatetime", "localtime", "time", "duration"):
                problems.append(
                    f"{t.value}() does not apply here: dates are stored as ISO strings ('2025-04-04', '2025-04', '2025'); compare them with string literals, e.g. p.date_announced >= '2025-04'"
                )
            if (
                fn in ("shortestpath", "allshortestpaths")
                and backend == "falkordb"
                and not _inside_with_or_return(sig, i)
            ):
                problems.append(
                    "FalkorDB supports shortestPath only in WITH or RETURN: MATCH (a ...), (b ...) WITH shortestPath((a)-[*..4]->(b)) AS p RETURN ..."
                )

    # labels, types, variables
    chains = _parse_chains(sig)
    var_labels: dict[str, list[str]] = {}
    rel_vars: dict[str, list[str]] = {}
    for nodes, rels in chains:
        for n in nodes:
            for label in n.labels:
                if label not in NODE_BY_LABEL:
                    problems.append(f"unknown label :{label}{_closest_label(label)}; labels are {', '.join(LABELS)}")
            known = [x for x in n.labels if x in NODE_BY_LABEL]
            if n.var and known:
                var_labels.setdefault(n.var, [])
                var_labels[n.var] += [x for x in known if x not in var_labels[n.var]]
            if known:
                props = _node_props(known)
                for k in n.keys:
                    if k not in props:
                        problems.append(f"unknown property {k} for :{'|'.join(known)}{_closest(k, sorted(props))}")
        for r in rels:
            for rt in r.types:
                if rt not in REL_BY_TYPE:
                    problems.append(
                        f"unknown relationship type :{rt}{_closest(rt, REL_TYPES)}; types are {', '.join(REL_TYPES)}"
                    )
            known = [t for t in r.types if t in REL_BY_TYPE]
            if r.var and known:
                rel_vars.setdefault(r.var, [])
                rel_vars[r.var] += [x for x in known if x not in rel_vars[r.var]]
            if known:
                props = _rel_props(known)
                for k in r.keys:
                    if k not in props:
                        problems.append(f"unknown property {k} for [:{'|'.join(known)}]{_closest(k, sorted(props))}")
    if problems:
        raise ValidationError(_dedupe(problems))

    # directions (after all node variables are known)
    flips: list[RelPat] = []
    for nodes, rels in chains:
        for j, r in enumerate(rels):
            known = [t for t in r.types if t in REL_BY_TYPE]
            if not known:
                continue
            left = _labels_of(nodes[j], var_labels)
            right = _labels_of(nodes[j + 1], var_labels)
            if r.direction == "in":
                left, right = right, left  # now (left)-[...]->(right) as written
            forward = _allowed(known, left, right)
            backward = _allowed(known, right, left)
            if r.direction == "both":
                if not (forward or backward):
                    problems.append(_wrong_ends(known, left, right))
                continue
            if forward:
                continue
            if backward:
                flips.append(r)
                corrections.append(f"reversed {_describe(known)} to match the schema")
            else:
                problems.append(_wrong_ends(known, left, right))
    if problems:
        raise ValidationError(_dedupe(problems))
    for r in flips:
        a, b = sig[r.left_open], sig[r.right_close]
        if r.direction == "out":
            a.text, b.text = "<-", "-"
        else:
            a.text, b.text = "-", "->"

    # properties through variables: x.prop
    shadowed = _shadowed_vars(sig)
    for i, t in enumerate(sig[:-2]):
        if t.kind != "id" or sig[i + 1].text != "." or sig[i + 2].kind != "id":
            continue
        if i and sig[i - 1].text == ".":
            continue
        var, prop = t.value, sig[i + 2].value
        if var in shadowed:
            continue
        if var in var_labels:
            props = _node_props(var_labels[var])
            if prop not in props:
                where = "|".join(var_labels[var])
                problems.append(
                    f"unknown property {var}.{prop}: :{where} has no '{prop}'{_closest(prop, sorted(props))}; its properties are {', '.join(sorted(props))}"
                )
        elif var in rel_vars:
            props = _rel_props(rel_vars[var])
            if prop not in props:
                where = "|".join(rel_vars[var])
                problems.append(
                    f"unknown property {var}.{prop}: [:{where}] has no '{prop}'{_closest(prop, sorted(props))}; its properties are {', '.join(sorted(props))}"
                )
    if problems:
        raise ValidationError(_dedupe(problems))

    # string literals -> parameters
    params: dict[str, Any] = {}
    by_value: dict[str, str] = {}
    for t in sig:
        if t.kind == "str":
            name = by_value.get(t.value)
            if name is None:
                name = f"p{len(params)}"
                by_value[t.value] = name
                params[name] = t.value
            t.text = f"${name}"
    return Validated(_render(toks), params, corrections)


def _labels_of(n: NodePat, var_labels: dict[str, list[str]]) -> list[str]:
    known = [x for x in n.labels if x in NODE_BY_LABEL]
    if not known and n.var:
        known = var_labels.get(n.var, [])
    return known


def _wrong_ends(types: list[str], left: list[str], right: list[str]) -> str:
    a = "|".join(left) or "any"
    b = "|".join(right) or "any"
    return f"no relationship (:{a})-[:{'|'.join(types)}]-(:{b}) in the schema; it goes {_describe(types)}"


def _inside_with_or_return(sig: list[Tok], i: int) -> bool:
    """Whether the clause that contains sig[i] is WITH or RETURN."""
    clauses = {"MATCH", "WITH", "RETURN", "UNWIND", "WHERE", "ORDER", "OPTIONAL"}
    depth = 0
    for j in range(i - 1, -1, -1):
        t = sig[j].text
        if t in (")", "]", "}"):
            depth += 1
        elif t in ("(", "[", "{"):
            depth -= 1
        elif depth <= 0 and sig[j].kind == "id" and sig[j].value.upper() in clauses:
            return sig[j].value.upper() in ("WITH", "RETURN")
    return False


def _shadowed_vars(sig: list[Tok]) -> set[str]:
    """Variables rebound by list comprehensions, quantifiers, reduce() or AS aliases."""
    out = set()
    for i, t in enumerate(sig[:-1]):
        if (
            t.kind == "id"
            and sig[i + 1].kind == "id"
            and sig[i + 1].value.upper() == "IN"
            and i
            and sig[i - 1].text in ("[", "(", ",")
        ):
            out.add(t.value)
        if t.kind == "id" and t.value.upper() == "AS" and sig[i + 1].kind == "id":
            out.add(sig[i + 1].value)
        if t.kind == "id" and t.value.upper() == "UNWIND":
            for j in range(i + 1, min(i + 40, len(sig) - 1)):
                if sig[j].kind == "id" and sig[j].value.upper() == "AS":
                    out.add(sig[j + 1].value)
                    break
    return out


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
