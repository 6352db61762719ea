"""Guardrails enforced in code, not in prompts: refuse write requests, run user and model queries read-only.

Every query that does not come from the app's own code (the Cypher box, an LLM's output, `rekg query`)
passes `guard_query` first: it is read by the shared tokenizer (`graph/cypher_text.py`, so strings,
backticks, comments and escapes cannot hide a clause) and checked against allow-lists (clauses,
read procedures, function namespaces), `range()` bounds and a length limit. What reaches the engine
is the guard's canonical rendering of the tokens it checked, never the raw text. The engines enforce
read-only as well (FalkorDB GRAPH.RO_QUERY; Neo4j READ access mode plus an EXPLAIN query-type check
and server settings that close file and URL access), and the row cap is applied to the result: the
adapters stop reading after N rows, whatever LIMIT or UNION the text has. See docs/GUARDRAILS.md.
"""

from __future__ import annotations

import re
from typing import Any

from graph.cypher_text import Token, render, significant, tokenize
from graph.errors import CypherSyntaxError, QueryRefused
from graph.store import GraphStore

MAX_QUESTION_CHARS = 2000
MAX_QUERY_CHARS = 10_000
RANGE_MAX_ITEMS = 100_000  # product of every range() size in one query

# The clauses a query may use, the words that start a statement, and the read procedures it may CALL.
ALLOWED_CLAUSES = frozenset(
    {"MATCH", "OPTIONAL", "WHERE", "WITH", "UNWIND", "RETURN", "ORDER", "SKIP", "LIMIT", "UNION", "CALL", "YIELD"}
)
STATEMENT_START = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.idx.fulltext.querynodes",  # FalkorDB full-text search
        "db.idx.fulltext.queryrelationships",
        "db.index.fulltext.querynodes",  # Neo4j full-text search
        "db.index.fulltext.queryrelationships",
    }
)
FUNCTION_NAMESPACES = frozenset(
    {"point", "date", "datetime", "localdatetime", "localtime", "time", "duration", "vector"}
)
# Every other Cypher clause word is refused wherever it appears unquoted (backticked names are names).
WRITE_WORDS_CYPHER = frozenset({"CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP",
                                "FOREACH", "INSERT", "IMPORT"})  # fmt: skip
FILE_WORDS = frozenset({"LOAD", "CSV", "PERIODIC", "COMMIT", "TRANSACTIONS"})
ADMIN_WORDS = frozenset({"SHOW", "TERMINATE", "USE", "GRANT", "DENY", "REVOKE", "ALTER", "FINISH", "EXPLAIN",
                         "PROFILE"})  # fmt: skip

WRITE_WORDS = re.compile(
    r"\b(delete|remove|drop|erase|wipe|destroy|truncate|purge|clear out|insert|create|add|update|"
    r"modify|change|rename|set|merge|overwrite|replace|detach|write)\b",
    re.I,
)
DATA_OBJECTS = re.compile(
    r"\b(node|nodes|relationship|relationships|edge|edges|graph|database|db|data|record|records|entity|entities|"
    r"property|properties|label|labels|index|indexes|constraint|everything|all)\b",
    re.I,
)
CODE_PATTERNS = re.compile(
    r"(\bcall\s+(dbms|apoc|db)\.|\bload\s+csv\b|\bshell\b|\bexec(ute)?\s+(this|the following|code|command|cypher|query)|"
    r"\bos\.system|subprocess|rm\s+-rf|\bignore (all |the )?(previous|prior|above) instructions|"
    r"\bsystem prompt\b|\bjailbreak\b|\brun (this|the following|arbitrary) (code|cypher|query|command)|"
    r";\s*(match|create|merge|delete)\b|\bdetach\s+delete\b|\bdrop\s+(index|constraint|database|graph)\b|"
    r"['\"]\s*\b(?:or|and)\b\s*['\"]?\w+['\"]?\s*=|\$\()",
    re.I,
)
CYPHER_WRITE = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH|CALL\s*\{|CALL\s+(?:dbms|apoc|db\.create|db\.index))\b",
    re.I,
)


def refusal_reason(question: str) -> str | None:
    """Why a question must be refused before translation, or None when it may be answered."""
    q = question.strip()
    if CODE_PATTERNS.search(q):
        return "questions may not carry instructions or code to run; ask about the supply chain instead"
    lead = re.match(
        r"^\s*(?:please\s+|kindly\s+|(?:can|could|would|will) you(?: please)?\s+|go ahead and\s+|now\s+)*(\w+)", q, re.I
    )
    arithmetic = re.search(r"\b(together|up|combined|in total)\b", q, re.I) and not DATA_OBJECTS.search(q)
    if lead and WRITE_WORDS.fullmatch(lead.group(1)) and not arithmetic:  # 'Add X and Y together' is a sum
        return f"rekg answers questions and never changes the graph ('{lead.group(1)}' asks for a change); use `rekg ingest` to add data"
    w = WRITE_WORDS.search(q)
    if w and DATA_OBJECTS.search(q):
        # "Which minerals were added to China's list?" is a question, not a request.
        if re.match(
            r"^\s*(which|what|who|when|where|how|did|does|is|are|was|were|has|have)\b", q, re.I
        ) and not re.search(r"\b(can you|could you|please|you should|go ahead and)\b", q, re.I):
            return None
        return f"rekg answers questions and never changes the graph ('{w.group(0)}' asks for a change); use `rekg ingest` to add data"
    if re.match(r"^\s*(MATCH|CREATE|MERGE|DELETE|CALL|UNWIND|WITH|RETURN)\b", q) and CYPHER_WRITE.search(q):
        return "questions may not contain Cypher that writes; rekg only reads the graph"
    return None


def question_too_long(question: str) -> str | None:
    """Why a question is too long to translate (translation time grows with its length), or None."""
    n = len(question)
    if n <= MAX_QUESTION_CHARS:
        return None
    return (
        f"questions are limited to {MAX_QUESTION_CHARS:,} characters and this one has {n:,}; "
        "ask one short question at a time"
    )


def strip_comments(cypher: str) -> str:
    """The query without comments (read by the tokenizer, so '//' inside a string stays)."""
    try:
        return render(tokenize(cypher))
    except CypherSyntaxError:
        return re.sub(r"//[^\n]*|/\*.*?\*/", " ", cypher, flags=re.S)


def guard_query(cypher: str, params: dict[str, Any] | None = None) -> str:
    """Check a user's or model's query against the allow-lists; returns the canonical text to run.

    Raises QueryRefused naming what is not allowed. `params` resolve `range($a, $b)` bounds."""
    if len(cypher) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query has {len(cypher):,} characters; at most {MAX_QUERY_CHARS:,} are allowed")
    try:
        toks = tokenize(cypher)
    except CypherSyntaxError as e:
        raise QueryRefused(f"the query cannot be read safely ({e}); only plain read queries run here") from e
    sig = significant(toks)
    while sig and sig[-1].text == ";":
        toks = toks[: toks.index(sig[-1])]
        sig.pop()
    if not sig:
        raise QueryRefused("the query is empty")
    if any(t.text == ";" for t in sig):
        raise QueryRefused("only one statement may run per question")
    for t in sig:
        if t.kind == "qid" and "\\" in t.value:
            raise QueryRefused("backslashes are not allowed in `quoted names`")
    _check_statement_starts(sig)
    _check_words(sig)
    _check_calls(sig)
    _check_functions(sig)
    _check_ranges(sig, params or {})
    return render(toks)


def _check_statement_starts(sig: list[Token]) -> None:
    starts = [0] + [i + 1 for i, t in enumerate(sig) if t.word == "UNION"]
    for i in starts:
        while i < len(sig) and sig[i].word in ("ALL", "DISTINCT") and i and sig[i - 1].word == "UNION":
            i += 1
        word = sig[i].word if i < len(sig) else ""
        if word not in STATEMENT_START:
            shown = sig[i].text if i < len(sig) else "nothing"
            if word in ADMIN_WORDS or word in ("START", "STOP", "ENABLE", "RENAME"):
                raise QueryRefused(f"'{shown}' is an administration command; queries here may only read the graph")
            if word in WRITE_WORDS_CYPHER:
                raise QueryRefused(f"the query contains '{shown}', which changes data; questions may only read")
            raise QueryRefused(
                f"a query must start with MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN or CALL, not '{shown}'"
            )


def _check_words(sig: list[Token]) -> None:
    for i, t in enumerate(sig):
        word = t.word
        if not word or (i and sig[i - 1].text == "."):
            continue  # not a bare word, or a property name (n.set)
        if word in WRITE_WORDS_CYPHER:
            raise QueryRefused(f"the query contains '{t.text}', which changes data; questions may only read")
        if word in FILE_WORDS:
            raise QueryRefused(
                f"'{t.text}' is not allowed: LOAD CSV reads server files and URLs, and batched transactions write"
            )
        if word in ADMIN_WORDS:
            raise QueryRefused(f"'{t.text}' is an administration command; queries here may only read the graph")


def _dotted_name(sig: list[Token], i: int) -> tuple[str, int]:
    """The dotted name (parts may be backticked) starting at sig[i]; returns (name, index after it)."""
    parts: list[str] = []
    while i < len(sig) and sig[i].kind in ("id", "qid"):
        parts.append(str(sig[i].value))
        if i + 1 < len(sig) and sig[i + 1].text == ".":
            i += 2
        else:
            i += 1
            break
    return ".".join(parts), i


def _check_calls(sig: list[Token]) -> None:
    for i, t in enumerate(sig):
        if t.word != "CALL" or (i and sig[i - 1].text == "."):
            continue
        nxt = sig[i + 1] if i + 1 < len(sig) else None
        if nxt is None or nxt.kind not in ("id", "qid"):
            raise QueryRefused(
                "CALL subqueries are not allowed here; CALL may only run a read procedure such as db.labels()"
            )
        name, _ = _dotted_name(sig, i + 1)
        if name.lower() not in READ_PROCEDURES:
            allowed = ", ".join(sorted({p for p in READ_PROCEDURES}))
            raise QueryRefused(f"the procedure '{name}' is not on the read-only allow-list ({allowed})")


def _check_functions(sig: list[Token]) -> None:
    for i, t in enumerate(sig):
        if t.kind not in ("id", "qid") or (i and sig[i - 1].text == ".") or (i and sig[i - 1].word == "CALL"):
            continue
        if i + 1 >= len(sig) or sig[i + 1].text != ".":
            continue
        name, j = _dotted_name(sig, i)
        if j < len(sig) and sig[j].text == "(" and "." in name:
            namespace = name.rsplit(".", 1)[0].lower()
            if namespace not in FUNCTION_NAMESPACES:
                raise QueryRefused(f"the function '{name}' is not allowed here (only built-in functions run)")


def _check_ranges(sig: list[Token], params: dict[str, Any]) -> None:
    """range() bounds must be whole numbers (literals or parameters), or sizes of data already in hand
    (`range(0, size(nodes(p)) - 1)`); the literal ones may produce RANGE_MAX_ITEMS values in all."""
    total = 1
    over_range = _range_scopes(sig)
    for i, t in enumerate(sig):
        if t.word != "RANGE" or i + 1 >= len(sig) or sig[i + 1].text != "(" or (i and sig[i - 1].text == "."):
            continue
        args = _call_args(sig, i + 1)
        bounds = [_bound(arg, params, over_range) for arg in args] if args is not None else None
        if bounds is None or not 2 <= len(bounds) <= 3 or any(b is False for b in bounds):
            raise QueryRefused("range() needs whole-number bounds: numbers, integer parameters or size(...) of a list")
        if len(bounds) == 3 and bounds[2] == 0:
            raise QueryRefused("range() with a step of 0 never ends")
        if any(b is None for b in bounds) and any(isinstance(b, int) and abs(b) > RANGE_MAX_ITEMS for b in bounds):
            raise QueryRefused(f"range() may produce at most {RANGE_MAX_ITEMS:,} values per query")
        if all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            ints = [b for b in bounds if isinstance(b, int)]
            start, end = ints[0], ints[1]
            step = ints[2] if len(ints) == 3 else 1
            total *= max(0, (end - start) // step + 1)
        if total > RANGE_MAX_ITEMS:
            raise QueryRefused(f"range() may produce at most {RANGE_MAX_ITEMS:,} values per query")


def _range_scopes(sig: list[Token]) -> list[tuple[str, int, int]]:
    """(variable, start, end) character spans where a comprehension or quantifier variable runs over a
    range: `[i IN range(0, 9) | ...]`, `ALL(i IN range(...) WHERE ...)`. Inside, `i` is bounded by it."""
    out = []
    for k in range(1, len(sig) - 2):
        if sig[k].kind == "id" and sig[k + 1].word == "IN" and sig[k + 2].word == "RANGE" and sig[k - 1].text in "([":
            depth, end = 0, None
            for t in sig[k - 1 :]:
                depth += t.text in ("(", "[", "{")
                depth -= t.text in (")", "]", "}")
                if depth == 0:
                    end = t.pos
                    break
            rebinds = any(t.word == "AS" and n.text == sig[k].text for t, n in zip(sig[k:], sig[k + 1 :]))
            if end is not None and not rebinds:
                out.append((sig[k].text, sig[k].pos, end))
    return out


def _call_args(sig: list[Token], i: int) -> list[list[Token]] | None:
    """The top-level arguments of the call whose '(' is sig[i], or None when it is not closed."""
    args: list[list[Token]] = [[]]
    depth = 0
    for t in sig[i:]:
        if t.text in ("(", "[", "{"):
            depth += 1
            if depth == 1:
                continue
        elif t.text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return args
        elif t.text == "," and depth == 1:
            args.append([])
            continue
        args[-1].append(t)
    return None


def _bound(arg: list[Token], params: dict[str, Any], over_range: list[tuple[str, int, int]]) -> int | bool | None:
    """An integer bound's value; None when it is data-bounded (size()/length() plus or minus numbers);
    False when it may be anything (a multiplication, a string, a function of unknown size)."""
    if not arg:
        return False
    sign = -1 if arg[0].text == "-" else 1
    rest = arg[1:] if arg[0].text in ("-", "+") else arg
    if len(rest) == 1 and rest[0].kind == "num" and rest[0].text.isdigit():
        return sign * int(rest[0].text)
    if len(rest) == 1 and rest[0].kind == "param" and type(params.get(rest[0].value)) is int:
        return sign * int(params[rest[0].value])
    depth = 0
    for j, t in enumerate(arg):
        if depth:
            depth += t.text in ("(", "[", "{")
            depth -= t.text in (")", "]", "}")
            continue
        if t.word in ("SIZE", "LENGTH") and j + 1 < len(arg) and arg[j + 1].text == "(":
            continue
        if t.text == "(" and j and arg[j - 1].word in ("SIZE", "LENGTH"):
            depth = 1
            continue
        if t.text in ("+", "-", "(", ")") or (t.kind == "num" and t.text.isdigit() and int(t.text) <= RANGE_MAX_ITEMS):
            continue
        if t.kind == "param" and type(params.get(t.value)) is int and abs(params[t.value]) <= RANGE_MAX_ITEMS:
            continue
        in_scope = any(name == t.text and lo < t.pos < hi for name, lo, hi in over_range)
        if t.kind == "id" and in_scope and (j + 1 >= len(arg) or arg[j + 1].text not in ("(", ".")):
            continue
        return False
    return None


def assert_read_only_text(cypher: str) -> None:
    """Raise QueryRefused unless the query passes the guard (kept for callers that only check)."""
    guard_query(cypher)


def with_row_cap(cypher: str, cap: int, params: dict[str, Any] | None = None) -> str:
    """Give every UNION branch a LIMIT of at most `cap` (appended, or a larger literal or parameter lowered).

    This lets the engine stop early (FalkorDB builds a whole result before sending it); the cap that
    holds is on the result (`store.read(row_cap=)`)."""
    try:
        toks = tokenize(cypher)
    except CypherSyntaxError:
        return cypher.strip().rstrip(";").strip()
    sig = significant(toks)
    while sig and sig[-1].text == ";":
        toks = toks[: toks.index(sig[-1])]
        sig.pop()
    replace: dict[int, Token] = {}  # index in toks -> new token
    append_after: set[int] = set()  # index in toks after which " LIMIT cap" goes
    for branch in _union_branches(sig):
        if not any(t.word == "RETURN" for t in branch):
            continue  # a bare CALL ... YIELD takes no LIMIT; the result cap applies
        last = branch[-1]
        if len(branch) >= 2 and branch[-2].word == "LIMIT":
            value = int(last.text) if last.kind == "num" and last.text.isdigit() else None
            if last.kind == "param" and type((params or {}).get(last.value)) is int:
                value = (params or {})[last.value]
            if value is not None and value > cap:
                replace[toks.index(last)] = Token("num", str(cap), str(cap), last.pos)
        else:
            append_after.add(toks.index(last))
    out: list[Token] = []
    for i, t in enumerate(toks):
        out.append(replace.get(i, t))
        if i in append_after:
            out += [Token("ws", " ", " ", t.pos), Token("id", "LIMIT", "LIMIT", t.pos)]
            out += [Token("ws", " ", " ", t.pos), Token("num", str(cap), str(cap), t.pos)]
    return render(out)


def _union_branches(sig: list[Token]) -> list[list[Token]]:
    """The query's top-level parts between UNION [ALL] (brackets and subqueries are not split)."""
    branches: list[list[Token]] = [[]]
    depth = 0
    for t in sig:
        depth += t.text in ("(", "[", "{")
        depth -= t.text in (")", "]", "}")
        if depth == 0 and t.word == "UNION":
            branches.append([])
        elif not (depth == 0 and t.word in ("ALL", "DISTINCT") and branches[-1] == [] and len(branches) > 1):
            branches[-1].append(t)
    return [b for b in branches if b]


def run_read_only(
    store: GraphStore, cypher: str, params: dict[str, Any] | None, *, timeout_ms: int, row_cap: int
) -> tuple[str, list[dict[str, Any]]]:
    """The one door through which a question's or user's query reaches the database: guarded, capped."""
    capped = with_row_cap(guard_query(cypher, params), row_cap, params)
    return capped, store.read(capped, params or {}, timeout_ms=timeout_ms, row_cap=row_cap)
