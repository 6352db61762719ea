"""Extraction precision and recall against hand-written facts: `python -m ingest.article_eval --eval DIR`.

Counts only what would be written (accepted relationships), so a candidate the analyst has not
accepted is neither a hit nor a wrong fact. Held-out articles (written after the extractor was
frozen) are totalled separately, with duplicates (a new entity whose name the graph already has
under a modifier, suffix or short form) and ingest time per article.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from graph.ontology import RELS
from graph.resolve import index_from_store, resolve_org, strip_legal_suffix
from graph.text import norm_key
from ingest.articles import ArticleReport, ingest_articles

SYMMETRIC = {r.type for r in RELS if r.symmetric}


# -- evaluation ----------------------------------------------------------------------------------
def _endpoint_ok(spec: str, label: str, key: str, name: str, sentence: str) -> bool:
    """'E08' / 'P14' (a key), 'proposal:ship' (a derived Policy whose sentence says 'ship'), 'event:2025-06-02'."""
    if spec.startswith("proposal:") or spec.startswith("policy:"):
        return label == "Policy" and spec.split(":", 1)[1].lower() in sentence.lower()
    if spec.startswith("event:"):
        return label == "Event" and spec.split(":", 1)[1] in name
    return norm_key(spec) in (norm_key(key), norm_key(name))


def _canonical(index, spec: str) -> str:  # noqa: ANN001
    if ":" in spec or re.fullmatch(r"[PE]\d+", spec):
        return spec
    ent = index.resolve(spec)
    return ent.name if ent else spec


def _same(r: dict, fact: list[str]) -> bool:
    """The extracted relationship states the fact (either way round for a symmetric type)."""
    if r["type"] != fact[0]:
        return False
    ends = [(fact[1], fact[2])] + ([(fact[2], fact[1])] if fact[0] in SYMMETRIC else [])
    return any(
        _endpoint_ok(a, r["start_label"], r["start_key"], r["start"], r["sentence"])
        and _endpoint_ok(b, r["end_label"], r["end_key"], r["end"], r["sentence"])
        for a, b in ends
    )


def _hit(expected: list[list[str]], r: dict) -> bool:
    return any(_same(r, f) for f in expected)


def duplicates(index, rep: ArticleReport) -> list[str]:  # noqa: ANN001
    """New companies or people whose name the graph already holds in another form (suffix, modifier, fuzzy)."""
    out = []
    for e in rep.new_entities:
        if e["label"] not in ("Company", "Organization", "Official"):
            continue
        name = re.sub(r"^\S+-(?:based|headquartered|listed)\s+", "", e["name"])
        hit = resolve_org(index, name) if e["label"] != "Official" else index.resolve(name, ("Official",), fuzzy=True)
        if hit is None and e["label"] != "Official":
            bare = norm_key(strip_legal_suffix(name))
            hit = next((x for x in index.entities("Company") if norm_key(strip_legal_suffix(x.name)) == bare), None)
        if hit is not None:
            out.append(f"{e['name']} (graph has {hit.name})")
    return out


def score(expected: list[list[str]], rels: list[dict]) -> tuple[int, int, int]:
    """(true positives among extracted, extracted, expected facts found) for [type, start, end] facts."""
    tp = sum(_hit(expected, r) for r in rels)
    found = sum(any(_same(r, f) for r in rels) for f in expected)
    return tp, len(rels), found


def evaluate(store, directory: Path, settings=None) -> dict:  # noqa: ANN001
    """Precision and recall of extracted relationships against `expected.json` in `directory` (a dry run)."""
    import json

    spec = json.loads((Path(directory) / "expected.json").read_text(encoding="utf-8"))
    rows = []
    index = index_from_store(store)  # expected names resolve like extracted ones ("Caremag" is Carester)
    for item in spec["articles"]:
        path = Path(directory) / item["file"]
        if not path.exists():
            path = Path(item["file"])
            if not path.is_absolute():
                path = Path(__file__).resolve().parent.parent / item["file"]
        t0 = time.perf_counter()
        rep = ingest_articles(store, [path], dry_run=True, settings=settings).articles[0]
        seconds = time.perf_counter() - t0
        facts = [[f[0], *(_canonical(index, x) for x in f[1:])] for f in item["facts"]]
        tp, n, found = score(facts, rep.relationships)
        wrong = [f"({r['start']})-[:{r['type']}]->({r['end']})" for r in rep.relationships if not _hit(facts, r)]
        rows.append({"file": item["file"], "tp": tp, "extracted": n, "found": found, "expected": len(item["facts"]),
                     "held_out": bool(item.get("held_out")), "wrong": wrong, "duplicates": duplicates(index, rep),
                     "candidates": len(rep.candidates), "seconds": round(seconds, 3)})  # fmt: skip
    return {"articles": rows, **_totals(rows), "held_out": _totals([r for r in rows if r["held_out"]])}


def _totals(rows: list[dict]) -> dict:
    tp, n = sum(r["tp"] for r in rows), sum(r["extracted"] for r in rows)
    found, exp = sum(r["found"] for r in rows), sum(r["expected"] for r in rows)
    return {"precision": tp / n if n else 0.0, "recall": found / exp if exp else 0.0, "extracted": n, "expected": exp,
            "wrong": sum(len(r["wrong"]) for r in rows), "duplicates": sum(len(r["duplicates"]) for r in rows),
            "candidates": sum(r["candidates"] for r in rows)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    import argparse
    import shutil
    import tempfile

    from graph.connect import open_store
    from graph.settings import Settings, load_settings
    from ingest.load import ingest_dataset

    ap = argparse.ArgumentParser(prog="python -m ingest.article_eval", description=__doc__.splitlines()[0])
    ap.add_argument("--eval", metavar="DIR", required=True, help="directory with articles and expected.json")
    ap.add_argument("--llm", action="store_true", help="use the configured LLM (OPENAI_* settings) instead of offline")
    args = ap.parse_args(argv)
    d = Path(tempfile.mkdtemp(prefix="rekg-eval-"))
    conf = load_settings()
    settings = Settings(data_dir=d, openai_api_key=conf.openai_api_key, openai_base_url=conf.openai_base_url,
                        openai_model=conf.openai_model) if args.llm else Settings(data_dir=d)  # fmt: skip
    store = open_store(settings)  # a throwaway embedded graph: the dataset, then dry runs
    try:
        ingest_dataset(store, reset=True)
        res = evaluate(store, Path(args.eval), settings=settings if args.llm else None)
    finally:
        store.close()
        shutil.rmtree(d, ignore_errors=True)
    for r in res["articles"]:
        p = r["tp"] / r["extracted"] if r["extracted"] else 0.0
        rc = r["found"] / r["expected"] if r["expected"] else 0.0
        print(f"{r['file']:<48} extracted {r['extracted']:>3}  expected {r['expected']:>3}  P {p:.2f}  R {rc:.2f}"
              f"  candidates {r['candidates']:>2}  {r['seconds'] * 1000:.0f} ms"
              + ("  (held out)" if r["held_out"] else ""))  # fmt: skip
        for w in r["wrong"]:
            print(f"    not expected: {w}")
        for d in r["duplicates"]:
            print(f"    duplicate: {d}")
    h = res["held_out"]
    print(
        f"all articles: precision {res['precision']:.2f}  recall {res['recall']:.2f}  "
        f"({res['extracted']} extracted, {res['expected']} expected relationships)"
    )
    if h["expected"]:
        print(f"held-out articles only: precision {h['precision']:.2f}  recall {h['recall']:.2f}  "
              f"({h['extracted']} extracted, {h['expected']} expected; {h['wrong']} not expected, "
              f"{h['duplicates']} duplicates, {h['candidates']} candidates left for review)")  # fmt: skip
    print(f"extractor: {'LLM' if settings.llm_configured else 'offline'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
