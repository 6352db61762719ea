"""Reading an article file: title, date and body from plain text, Markdown or YAML front matter.

Kept apart from extraction so the CLI, the UI and the evaluation all reject a bad file the same
way, before anything is extracted or written: an `IngestError` naming the file and what is wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from graph.errors import IngestError
from graph.text import CONTROL_CHARS, parse_date
from ingest.extract import split_sentences

MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # 2 MB: larger inputs are books or dumps, not articles
FIELD = re.compile(r"^(title|date|published|url|source)\s*:\s*(.*)$", re.I)

Parsed = tuple[str, str | None, str]


def parse_article(path: Path | str) -> Parsed:
    """(title, ISO date or None, body) of a .txt/.md article; IngestError naming the file otherwise."""
    path = Path(path)
    if not path.is_file():
        raise IngestError("article file not found", file=str(path))
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"the article is {size / 1e6:.1f} MB; articles are capped at {MAX_ARTICLE_BYTES // (1024 * 1024)} MB "
            "(split it into separate articles)",
            file=str(path),
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise IngestError("this is a binary file, not a text article (UTF-8 .txt or .md)", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad = raw[e.start]
        line = raw[: e.start].count(b"\n") + 1
        raise IngestError(
            f"the article is not UTF-8 text (byte 0x{bad:02x} at offset {e.start}, line {line}; "
            "Windows-1252 or Latin-1?): save it as UTF-8 and try again",
            file=str(path),
        ) from None
    return parse_article_text(text, file=str(path))


def parse_article_text(text: str, *, file: str = "") -> Parsed:
    """Header lines (a title line or '# Title', 'Date: 2025-05-30', comments) then the body."""
    if not text.strip():
        raise IngestError("the article is empty", file=file)
    if len(text.encode("utf-8", "replace")) > MAX_ARTICLE_BYTES:
        raise IngestError(f"the article is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB", file=file)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x0b", "\n")
    bad = CONTROL_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise IngestError(
            f"control character U+{ord(bad.group(0)):04X} at character {col} of the line; an article is plain text",
            file=file,
            line=line,
        )
    lines = text.split("\n")
    head: dict[str, str] = {}
    i, in_comment, saw_header = 0, False, False
    if lines and lines[0].strip() == "---":
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is None:
            raise IngestError("front matter opened with '---' is never closed", file=file)
        head.update(_front_matter("\n".join(lines[1:end]), file))
        i, saw_header = end + 1, True
    while i < len(lines):
        s = lines[i].strip()
        if in_comment or s.startswith("<!--"):
            in_comment = "-->" not in s
        elif s.startswith("%"):
            pass
        elif not s:
            if saw_header:
                i += 1
                break
        elif m := FIELD.match(s):
            _field(head, m.group(1), m.group(2))
            saw_header = True
        elif s.startswith("#") and "title" not in head:
            head["title"], saw_header = s.lstrip("#").strip(), True
        elif "title" not in head and not saw_header and _title_like(s, lines[i + 1 :]):
            head["title"], saw_header = s, True
        else:
            break
        i += 1
    body = re.sub(r"<!--.*?-->", "", "\n".join(lines[i:]), flags=re.S).strip()  # editors' comments are not text
    date = None
    if head.get("date") is not None:
        date = parse_date(head["date"])
        if not date:
            raise IngestError(f"unreadable date {head['date']!r}; write it as 'Date: 2025-05-30'", file=file)
    title = head.get("title")
    if title is not None and not title.strip():
        raise IngestError("the title line is empty", file=file)
    if not body or not re.search(r"[A-Za-z]{2,}", body):
        raise IngestError("the article has a header but no body text", file=file)
    if title is None:
        first = next(iter(split_sentences(body[:2000])), "")
        if not first:
            raise IngestError("no sentences found in the article body", file=file)
        title = first if len(first) <= 100 else first[:97].rsplit(" ", 1)[0] + "..."
    return title.strip(), date, body


def _front_matter(text: str, file: str) -> dict[str, str]:
    """YAML front matter through yaml.safe_load (no tags, no code): title, date, url."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise IngestError(f"the front matter is not valid YAML{where}: {getattr(e, 'problem', e)}", file=file) from None
    if not isinstance(data, dict):
        raise IngestError("the front matter must be 'key: value' lines", file=file)
    out: dict[str, str] = {}
    for k, v in data.items():
        if v is not None:
            _field(out, str(k), str(v))
    return out


def _field(head: dict[str, str], key: str, value: str) -> None:
    key, value = key.lower(), value.strip()
    if key == "title":
        head["title"] = value
    elif key in ("date", "published"):
        head["date"] = value
    elif key in ("url", "source") and value:
        head.setdefault("url", value)


def _title_like(line: str, rest: list[str]) -> bool:
    nxt = next((x.strip() for x in rest if x.strip()), "")
    followed_by_header = not (rest and rest[0].strip()) or bool(FIELD.match(rest[0].strip()))
    return len(line) <= 150 and not re.search(r"[.!?]\s*$", line) and (followed_by_header or not nxt)
