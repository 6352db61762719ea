"""The one Cypher reader and writer of the project: tokens for the guard, validation and import, and literals.

Everything that looks at Cypher text (the read-only guard in `qa/guard.py`, the LLM query checker in
`qa/validate.py`, the export-file reader in `ingest/importer.py`) reads it with `tokenize`, and
everything that writes a value into Cypher text writes it with `cypher_literal`. One reader means a
string, a backticked name or a comment is the same thing to every check; regexes over raw text
disagree with each other and with the engine (a quote inside backticks fooled the old guard).

`render` writes tokens back as canonical text: comments dropped, odd whitespace made a plain space,
string literals with escapes rewritten by `cypher_literal`. The guard sends the rendered text to
the engine, so what runs is exactly what was checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from graph.errors import CypherSyntaxError

Kind = Literal["ws", "comment", "str", "num", "id", "qid", "param", "op"]


@dataclass(frozen=True)
class Token:
    """One token. `value` is the decoded string, the bare name (backticks removed) or the parameter name."""

    kind: Kind
    text: str
    value: Any
    pos: int

    @property
    def word(self) -> str:
        """The upper-cased identifier for an unquoted name ('' otherwise): how keywords are compared."""
        return self.text.upper() if self.kind == "id" else ""


ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_WS = re.compile(r"\s+")
_NUM = re.compile(r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM = re.compile(r"\$(?:[A-Za-z0-9_]+|`(?:[^`]|``)*`)")
_OPS = ("..", "<>", "<=", ">=", "=~", "->", "<-", "+=", "!=")
_OP1 = set("-+*/%^=<>.,:;|(){}[]!?&")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def read_string(text: str, i: int, *, strict: bool = False) -> tuple[str, int]:
    """Decode the quoted literal starting at text[i]; returns (value, index after the closing quote).

    Escapes: \\\\ \\' \\" \\n \\r \\t \\b \\f \\uXXXX \\UXXXXXXXX. An unknown escape keeps its character,
    or is an error when `strict` (the import reader accepts only what `cypher_literal` writes)."""
    quote = text[i]
    if quote not in "'\"":
        raise CypherSyntaxError("expected a string", position=i)
    out: list[str] = []
    j = i + 1
    n = len(text)
    while j < n:
        ch = text[j]
        if ch == quote:
            return "".join(out), j + 1
        if ch != "\\":
            out.append(ch)
            j += 1
            continue
        nxt = text[j + 1 : j + 2]
        if nxt in ESCAPES:
            out.append(ESCAPES[nxt])
            j += 2
        elif nxt in ("u", "U"):
            width = 4 if nxt == "u" else 8
            digits = text[j + 2 : j + 2 + width]
            if not re.fullmatch(rf"[0-9a-fA-F]{{{width}}}", digits) or int(digits, 16) > 0x10FFFF:
                raise CypherSyntaxError("invalid unicode escape in a string", position=j)
            out.append(chr(int(digits, 16)))
            j += 2 + width
        elif nxt == "":
            break
        elif strict:
            raise CypherSyntaxError("invalid escape in a string", position=j)
        else:
            out.append(nxt)
            j += 2
    raise CypherSyntaxError("unclosed string", position=i)


def _read_backticks(text: str, i: int) -> tuple[str, int]:
    """A `quoted name` (a doubled backtick stands for one); returns (name, index after it)."""
    j = i + 1
    out: list[str] = []
    while True:
        k = text.find("`", j)
        if k < 0:
            raise CypherSyntaxError("unclosed `quoted name`", position=i)
        out.append(text[j:k])
        if text.startswith("``", k):
            out.append("`")
            j = k + 2
            continue
        return "".join(out), k + 1


def tokenize(cypher: str) -> list[Token]:
    """All tokens of `cypher`, whitespace and comments included (so positions and rendering are exact).

    Raises CypherSyntaxError (with the position) on an unclosed string, name or comment, or on a
    character Cypher has no use for outside strings (a backslash, a stray non-ASCII letter)."""
    toks: list[Token] = []
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if ch.isspace():
            m = _WS.match(cypher, i)
            assert m is not None
            toks.append(Token("ws", m.group(0), m.group(0), i))
            i = m.end()
        elif cypher.startswith("//", i):
            k = cypher.find("\n", i)
            k = n if k < 0 else k
            toks.append(Token("comment", cypher[i:k], cypher[i:k], i))
            i = k
        elif cypher.startswith("/*", i):
            k = cypher.find("*/", i + 2)
            if k < 0:
                raise CypherSyntaxError("unclosed /* comment", position=i)
            toks.append(Token("comment", cypher[i : k + 2], cypher[i : k + 2], i))
            i = k + 2
        elif ch in "'\"":
            value, end = read_string(cypher, i)
            toks.append(Token("str", cypher[i:end], value, i))
            i = end
        elif ch == "`":
            name, end = _read_backticks(cypher, i)
            toks.append(Token("qid", cypher[i:end], name, i))
            i = end
        elif ch == "$":
            m = _PARAM.match(cypher, i)
            if not m:
                raise CypherSyntaxError("a parameter needs a name after $", position=i)
            raw = m.group(0)[1:]
            name = raw[1:-1].replace("``", "`") if raw.startswith("`") else raw
            toks.append(Token("param", m.group(0), name, i))
            i = m.end()
        elif ch.isdigit():
            m = _NUM.match(cypher, i)
            if not m:
                raise CypherSyntaxError("cannot read the number", position=i)
            toks.append(Token("num", m.group(0), m.group(0), i))
            i = m.end()
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            m = _ID.match(cypher, i)
            assert m is not None
            toks.append(Token("id", m.group(0), m.group(0), i))
            i = m.end()
        else:
            op = next((o for o in _OPS if cypher.startswith(o, i)), ch if ch in _OP1 else None)
            if op is None:
                raise CypherSyntaxError(f"unexpected character {ch!r}", position=i)
            toks.append(Token("op", op, op, i))
            i += len(op)
    return toks


def significant(tokens: list[Token]) -> list[Token]:
    """The tokens without whitespace and comments."""
    return [t for t in tokens if t.kind not in ("ws", "comment")]


def render(tokens: list[Token]) -> str:
    """Canonical query text: each run of whitespace and comments becomes one space (a newline if it had one),
    strings with escapes or control characters are rewritten by `cypher_literal`, names re-quoted."""
    out: list[str] = []
    gap = ""
    for t in tokens:
        if t.kind in ("ws", "comment"):
            gap = "\n" if "\n" in t.text or gap == "\n" or t.text.startswith("//") else " "
            continue
        if gap and out:
            out.append(gap)
        gap = ""
        if t.kind == "str":
            plain = "\\" not in t.text and not any(ord(c) < 0x20 or c in "\u2028\u2029\x7f" for c in t.text)
            out.append(t.text if plain else cypher_literal(t.value))
        elif t.kind == "qid":
            out.append(quote_name(t.value))
        else:
            out.append(t.text)
    return "".join(out)


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a plain value: single-quoted strings with every quote, backslash, newline and
    control character escaped; non-finite floats as null (Cypher has no literal for them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(x) for x in value) + "]"
    out: list[str] = []
    for ch in str(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\u2028\u2029\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def quote_name(name: str) -> str:
    """A label, type, property or variable name as Cypher text: bare when it can be, else `backticked`."""
    return name if IDENT.match(name) else "`" + name.replace("`", "``") + "`"
