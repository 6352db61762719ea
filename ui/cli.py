"""The `rekg` command: a thin layer over ingest/, qa/ and graph/ (the UI calls the same functions)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph.errors import RekgError
from graph.settings import Settings, load_settings


def _store(settings: Settings):  # noqa: ANN202
    from graph.connect import open_store

    return open_store(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.load import DATASET_DIR, bundled_articles, ingest_dataset

    articles: list[Path] = [Path(p) for p in args.article or []]
    if args.articles:
        d = Path(args.articles)
        if not d.is_dir():
            raise RekgError(f"--articles expects a directory of .txt/.md files; {d} is not one")
        articles += sorted(p for p in d.iterdir() if p.suffix.lower() in (".txt", ".md"))
    if args.apply:
        return _apply_review(args, settings)
    if args.review and not articles:
        raise RekgError("--review OUT needs --article FILE (or --articles DIR): the articles to review")
    only_articles = bool(articles) and not args.dataset and not args.reset
    store = _store(settings)
    try:
        if not only_articles:
            if args.dry_run:
                from ingest.dataset import load
                from ingest.load import RELEASE_PATH

                release = None if args.dataset or args.no_release else RELEASE_PATH
                ds = load(Path(args.dataset or DATASET_DIR), release)
                n, r = ds.batch.counts()
                print(f"dry run: the dataset is valid ({n} nodes, {r} relationships); nothing written")
                if ds.release is not None:
                    print(ds.release.render())
            else:
                from ingest.load import RELEASE_PATH

                release = None if args.dataset or args.no_release else RELEASE_PATH
                rep = ingest_dataset(store, Path(args.dataset or DATASET_DIR), reset=args.reset,
                                     progress=sys.stderr.isatty(), release=release)  # fmt: skip
                print(f"dataset: {rep.nodes} nodes and {rep.relationships} relationships merged in {rep.seconds:.2f} s "
                      f"({settings.backend})", file=sys.stderr)  # fmt: skip
                if rep.release is not None:
                    print(rep.release.render(), file=sys.stderr)
            if not articles and not args.dataset:
                articles = bundled_articles()
        if articles and args.review:
            from ingest.review import write_review

            reports = write_review(store, articles, Path(args.review), settings=settings)
            print("\n\n".join(r.render() for r in reports))
            print(f"\nreview file written to {args.review}: edit 'accepted' (and 'match'), then "
                  f"`rekg ingest --apply {args.review}`")  # fmt: skip
        elif articles:
            from ingest.articles import ingest_articles

            report = ingest_articles(store, articles, dry_run=args.dry_run, settings=settings)
            print(report.render())
        if not args.dry_run:
            _refresh_index(store)
    finally:
        store.close()
    return 0


def _refresh_index(store) -> None:  # noqa: ANN001
    """Rebuild the stored entity index after a write, so the next process starts without reading the graph."""
    from graph.entity_index import refresh

    refresh(store)


def _apply_review(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.review import apply_review

    store = _store(settings)
    try:
        reports = apply_review(store, Path(args.apply))
    finally:
        store.close()
    print("\n\n".join(r.render() for r in reports))
    return 0


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.forget import forget_source

    store = _store(settings)
    try:
        print(forget_source(store, args.source).render())
    finally:
        store.close()
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from graph.stats import graph_stats

    store = _store(settings)
    try:
        st = graph_stats(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps(st))
    else:
        print(f"backend: {st['backend']}\nnodes: {st['nodes']}\nrelationships: {st['relationships']}")
        for k, v in st["labels"].items():
            print(f"  :{k:<14} {v}")
        for k, v in st["relationship_types"].items():
            print(f"  [{k}]".ljust(20) + f" {v}")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from graph import embedded

    if settings.neo4j_uri:
        print(f"NEO4J_URI is set ({settings.neo4j_uri}): the embedded database is not in use", file=sys.stderr)
        return 0
    if args.action == "start":
        h = embedded.start(settings.data_dir)
        embedded.pin(settings.data_dir)  # stays up when the processes using it leave, until `rekg db stop`
        print(f"running: pid {h.pid}, socket {h.socket}" + ("" if h.started_here else " (already running)"))
    elif args.action == "stop":
        embedded.pin(settings.data_dir, False)
        print("stopped" if embedded.stop(settings.data_dir) else "not running")
    else:
        found = embedded.status(settings.data_dir)
        print(f"running: pid {found.pid}, socket {found.socket}" if found else f"stopped ({settings.data_dir})")
        return 0 if found else 1
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa.answer import Asker
    from qa.render import render_text

    if not args.question:
        raise RekgError('give a question, e.g. rekg ask "Who is the CEO of MP Materials?", or - to read stdin')
    store = _store(settings)
    try:
        asker = Asker(store, settings)
        questions = (line.strip() for line in sys.stdin) if args.question == ["-"] else iter([" ".join(args.question)])
        for q in questions:
            if not q:
                continue
            try:
                ans = asker.ask(q, engine=args.engine)
            except RekgError as e:
                from qa.answer import Answer

                ans = Answer(question=q, status="error", answer=str(e))
            if args.json:
                print(json.dumps(ans.to_json(), ensure_ascii=False, default=str), flush=True)
            else:
                print(render_text(ans), flush=True)
    finally:
        store.close()
    return 0


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    """Run the user's own Cypher through the Cypher box's guard; exit 1 when any query was refused or failed."""
    from qa.query import parse_params, run_user_query

    if not args.cypher:
        raise RekgError('give a query, e.g. rekg query "MATCH (c:Country) RETURN c.name LIMIT 5", or - for stdin')
    params = parse_params(args.param or [])
    store = _store(settings)
    failed = 0
    try:
        queries = (line.strip() for line in sys.stdin) if args.cypher == ["-"] else iter([" ".join(args.cypher)])
        for q in queries:
            if not q:
                continue
            res = run_user_query(store, settings, q, params)
            failed += res.status != "ok"
            if args.json:
                print(json.dumps(res.to_json(), ensure_ascii=False, default=str), flush=True)
            else:
                print(_render_query(res.to_json(), res.truncated), flush=True)
    finally:
        store.close()
    return 1 if failed else 0


def _render_query(out: dict, truncated: bool) -> str:  # noqa: ANN001
    if out["status"] != "ok":
        return f"{out['status']}: {out['error']}"
    lines = ["\t".join(out["columns"])] if out["columns"] else []
    lines += ["\t".join(json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in row)
              for row in out["rows"]]  # fmt: skip
    lines.append(f"({len(out['rows'])} rows{', cut at the row cap' if truncated else ''})")
    return "\n".join(lines)


def cmd_analytics(args: argparse.Namespace, settings: Settings) -> int:
    """Supply-risk measures (qa/analytics.py): the same functions the chat and the Supply-risk page use."""
    from qa import analytics

    store = _store(settings)
    try:
        if args.measure == "concentration":
            rows = [c.to_json() for c in analytics.concentration(store, year=args.year, stage=args.stage,
                                                                 minerals=args.mineral or None)]  # fmt: skip
            cols = ["mineral", "year", "stage", "top_country", "top_share", "top3_share", "hhi", "china_share", "unit"]
        elif args.measure == "exposure":
            rows = [e.to_json() for e in analytics.exposure(store, country=args.country, year=args.year)]
            if args.mineral:
                rows = [r for r in rows if r["mineral"] in args.mineral]
            cols = ["mineral", "year", "net_import_reliance", "reliance_as_stated", "top_source", "top_source_share",
                    "china_import_share", "import_detail", "period"]  # fmt: skip
        elif args.measure == "chokepoints":
            rows = [c.to_json() for c in analytics.chokepoints(store, year=args.year, threshold=args.threshold)]
            cols = ["mineral", "year", "stage", "country", "share", "policies"]
        else:
            rows = analytics.supply_risk_table(store, year=args.year)
            cols = list(rows[0]) if rows else []
    except ValueError as e:
        raise RekgError(str(e)) from e
    finally:
        store.close()
    if args.json:
        print(json.dumps({"measure": args.measure, "edition": analytics.EDITION, "source": analytics.RELEASE_TITLE,
                          "rows": rows}, ensure_ascii=False, default=str))  # fmt: skip
        return 0
    print("\t".join(cols))
    for r in rows:
        print("\t".join("" if r.get(c) is None else (", ".join(map(str, r[c])) if isinstance(r[c], list) else str(r[c]))
                        for c in cols))  # fmt: skip
    print(f"({len(rows)} rows; {analytics.RELEASE_TITLE}, {analytics.EDITION})")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from graph.export import export_to_file, subgraph_for_entity

    store = _store(settings)
    try:
        if args.question:
            from qa.answer import Asker

            ans = Asker(store, settings).ask(args.question)
            if ans.status != "ok":
                raise RekgError(f"the question gave no answer to export ({ans.status}): {ans.answer}")
            from graph.export import subgraph_for_answer

            sub = subgraph_for_answer(store, ans)
        else:
            if not args.entity:
                raise RekgError("give --entity NAME or --question TEXT")
            sub = subgraph_for_entity(store, args.entity, depth=args.depth, limit=args.limit)
        out = export_to_file(sub, args.format, Path(args.out))
    finally:
        store.close()
    cut = f"; cut at --limit {args.limit}: more neighbours exist" if sub.truncated else ""
    print(f"wrote {out} ({len(sub.nodes)} nodes, {len(sub.relationships)} relationships, {args.format}{cut})")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.importer import import_file

    store = _store(settings)
    try:
        n, r = import_file(store, Path(args.path))
        _refresh_index(store)
    finally:
        store.close()
    print(f"imported {n} nodes and {r} relationships from {args.path}")
    return 0


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from ui.launch import run_ui

    return run_ui(settings, host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rekg", description="Rare-earth supply-chain knowledge graph.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="load the bundled dataset and articles (or --dataset DIR, --article FILE)")
    s.add_argument("--dataset", help="a dataset directory (default: the bundled data/dataset)")
    s.add_argument("--article", action="append", help="a news article (.txt or .md) to add; repeatable")
    s.add_argument("--articles", help="a directory of articles to add")
    s.add_argument("--reset", action="store_true", help="empty the graph first")
    s.add_argument("--no-release", action="store_true", help="leave out the USGS MCS 2026 data release (data/usgs/)")
    s.add_argument("--dry-run", action="store_true", help="validate and show what would be added; write nothing")
    s.add_argument("--review", metavar="OUT", help="with --article: write a review file (JSON) instead of ingesting")
    s.add_argument("--apply", metavar="REVIEW", help="write the accepted facts of a review file")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("forget", help="remove what only one article supports (and its mentions)")
    s.add_argument("--source", required=True, help="the article's Source id (shown by ingest and on the Data page)")
    s.set_defaults(fn=cmd_forget)

    s = sub.add_parser("stats", help="counts of nodes and relationships per label and type")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(fn=cmd_stats)

    s = sub.add_parser("db", help="start, stop or check the embedded FalkorDB server")
    s.add_argument("action", choices=["start", "stop", "status"], help="what to do")
    s.set_defaults(fn=cmd_db)

    s = sub.add_parser("ask", help='ask a question in plain English ("-" reads one question per line from stdin)')
    s.add_argument("question", nargs="*", help="the question, or - for stdin")
    s.add_argument("--json", action="store_true", help="print one JSON object per question")
    s.add_argument("--engine", choices=["auto", "rules", "llm"], default="auto", help="which translator to use")
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser(
        "query", help='run your own Cypher read-only, guarded and capped like the Cypher box ("-" reads stdin)'
    )
    s.add_argument("cypher", nargs="*", help="the query, or - for one query per line from stdin")
    s.add_argument("--json", action="store_true", help='one JSON object per query: {"query", "status", ...}')
    s.add_argument("--param", action="append", metavar="NAME=VALUE", help="a query parameter (JSON or text)")
    s.set_defaults(fn=cmd_query)

    s = sub.add_parser("analytics", help="supply-risk measures: concentration, exposure, chokepoints, table")
    s.add_argument("measure", choices=["concentration", "exposure", "chokepoints", "table"], help="which measure")
    s.add_argument("--year", type=int, help="the year (default: the newest in the data)")
    s.add_argument("--stage", choices=["mine", "refinery", "smelter", "reserves"], default="mine",
                   help="concentration of which stage (default mine production)")  # fmt: skip
    s.add_argument("--country", default="United States", help="exposure of which country (default United States)")
    s.add_argument("--mineral", action="append", help="only this mineral (repeatable)")
    s.add_argument("--threshold", type=float, default=50.0, help="chokepoints: the top producer's share, percent")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(fn=cmd_analytics)

    s = sub.add_parser("export", help="export a subgraph around an entity or behind an answer")
    s.add_argument("--entity", help="entity name or alias")
    s.add_argument("--question", help="export the subgraph behind this question's answer")
    s.add_argument("--depth", type=int, default=1, help="hops around the entity (default 1)")
    s.add_argument("--limit", type=int, default=500, help="at most this many entity nodes (default 500)")
    s.add_argument("--format", choices=["json", "graphml", "csv", "cypher"], default="json", help="file format")
    s.add_argument("--out", required=True, help="output path")
    s.set_defaults(fn=cmd_export)

    s = sub.add_parser("import", help="load an exported JSON file, CSV zip or Cypher script (idempotent)")
    s.add_argument("path", help="the file to import")
    s.set_defaults(fn=cmd_import)

    s = sub.add_parser("ui", help="start the Streamlit app (loads the bundled data into an empty database first)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on")
    s.add_argument("--port", type=int, default=8501, help="port to listen on")
    s.set_defaults(fn=cmd_ui)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return args.fn(args, settings)
    except RekgError as e:
        print(f"rekg: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `rekg stats | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
