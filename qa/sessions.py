"""Conversations and feedback kept on the server, in the data directory.

A chat is a list of (question, Answer) turns saved as JSON under `<data_dir>/chats/<id>.json`, keyed
by an id the UI keeps in the page's URL, so a reload (or a bookmark) brings the conversation back.
Feedback on answers (thumbs up or down, an optional comment) is appended to
`<data_dir>/feedback.jsonl`. Nothing here leaves the machine.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from graph.store import GNode, GRel, plain
from qa.types import Answer

CHAT_ID = re.compile(r"^[A-Za-z0-9_-]{6,40}$")


def new_chat_id() -> str:
    return secrets.token_urlsafe(9)


def _chat_path(data_dir: Path, chat_id: str) -> Path | None:
    if not CHAT_ID.match(chat_id or ""):
        return None  # the id comes from a URL: never a path
    return Path(data_dir) / "chats" / f"{chat_id}.json"


def _node(n: GNode) -> dict[str, Any]:
    return {"labels": list(n.labels), "props": {k: plain(v) for k, v in n.props.items()}}


def _answer_json(a: Answer) -> dict[str, Any]:
    d = a.to_json()
    d.pop("graph", None)
    d["nodes"] = [_node(n) for n in a.nodes]
    d["relationships"] = [
        {
            "type": r.type,
            "start": _node(r.start),
            "end": _node(r.end),
            "props": {k: plain(v) for k, v in r.props.items()},
        }
        for r in a.relationships
    ]
    return d


def _answer(d: dict[str, Any]) -> Answer:
    def node(x: dict[str, Any]) -> GNode:
        return GNode(tuple(x["labels"]), x["props"])

    fields = {k: v for k, v in d.items() if k in Answer.__dataclass_fields__ and k not in ("nodes", "relationships")}
    a = Answer(**fields)
    a.nodes = [node(x) for x in d.get("nodes") or []]
    a.relationships = [
        GRel(r["type"], node(r["start"]), node(r["end"]), r["props"]) for r in d.get("relationships") or []
    ]
    return a


def save_chat(data_dir: Path, chat_id: str, turns: list[dict[str, Any]]) -> None:
    """Write the conversation (atomically: a reload during a write reads the previous version)."""
    path = _chat_path(data_dir, chat_id)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"id": chat_id, "saved": time.time(), "turns": [
        {"question": t["question"], "answer": _answer_json(t["answer"])} for t in turns]}  # fmt: skip
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def load_chat(data_dir: Path, chat_id: str) -> list[dict[str, Any]]:
    """The saved conversation, or [] (unknown id, or a file from an older version that no longer reads)."""
    path = _chat_path(data_dir, chat_id)
    if path is None or not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [{"question": t["question"], "answer": _answer(t["answer"])} for t in data.get("turns") or []]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def save_feedback(
    data_dir: Path, *, chat_id: str, question: str, answer: Answer, rating: str, comment: str = ""
) -> Path:
    """Append one rating ("up" or "down") with the question, the Cypher and the answer sentence."""
    path = Path(data_dir) / "feedback.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    rec = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "chat": chat_id,
        "question": question,
        "rating": rating,
        "comment": comment.strip(),
        "status": answer.status,
        "engine": answer.engine,
        "answer": answer.answer,
        "cypher": answer.cypher,
        "params": answer.params,
    }
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    return path


def read_feedback(data_dir: Path) -> list[dict[str, Any]]:
    path = Path(data_dir) / "feedback.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out
