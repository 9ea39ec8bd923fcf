"""The `cspkb` command line: ingest, search, ask, docs, serve, eval.

Only argparse and the settings load at start-up; everything heavy (torch,
sentence-transformers, chromadb, llama-index, gradio) is imported inside the command that
needs it, so `cspkb --help` stays fast. Exit codes: 0 ok, 1 some files failed,
2 usage error, 3 the index cannot be used as configured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cspkb.settings import Settings
from eval import add_arguments as add_eval_arguments

if TYPE_CHECKING:  # the heavy modules load inside the commands that need them
    from cspkb.runtime import Runtime
    from index.citations import Answer
    from index.search import Filters, SearchResult
    from ingest.pipeline import FileOutcome

EXIT_OK, EXIT_FILES_FAILED, EXIT_USAGE, EXIT_INDEX = 0, 1, 2, 3


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if args.data_dir:
        settings.paths.data_dir = Path(args.data_dir)
    if args.chroma_url:
        settings.store.url = args.chroma_url
    if args.model:
        settings.embedding.model = args.model
    if args.collection:
        settings.store.collection = args.collection
    return settings


def _runtime(args: argparse.Namespace, *, check_fingerprint: bool = True) -> Runtime:
    from cspkb.runtime import Runtime

    return Runtime(_settings(args), check_fingerprint=check_fingerprint)


def _open_store_or_explain(rt: Runtime, *, allow_rebuild_prompt: bool) -> bool:
    """Open the store; on a settings mismatch, say so and (on a terminal) offer to rebuild."""
    from index.store import IndexMismatch, StoreUnavailable

    try:
        rt.store  # noqa: B018 - opens and checks the fingerprint
        return True
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    except IndexMismatch as exc:
        print(f"error: {exc}", file=sys.stderr)
        if allow_rebuild_prompt and sys.stdin.isatty():
            answer = input("Rebuild the index now with the current settings? [y/N] ").strip().lower()
            if answer in ("y", "yes"):
                rt.check_fingerprint = False
                rt.store.reset()
                return True
        return False


def cmd_ingest(args: argparse.Namespace) -> int:
    rt = _runtime(args, check_fingerprint=not args.rebuild)
    if not _open_store_or_explain(rt, allow_rebuild_prompt=True):
        return EXIT_INDEX
    paths = [Path(p) for p in args.paths] or [rt.settings.paths.corpus_dir]

    def report_line(outcome: FileOutcome) -> None:
        if outcome.status == "failed":
            from tqdm import tqdm  # writes above a progress bar instead of into it

            tqdm.write(f"FAILED {outcome.source}: {outcome.reason}", file=sys.stderr)

    report = rt.pipeline.run(paths, prune=args.prune, rebuild=args.rebuild, on_file=report_line,
                             progress=False if args.no_progress else None)
    print(report.summary())
    return EXIT_FILES_FAILED if report.failed else EXIT_OK


def _parse_filters(args: argparse.Namespace) -> Filters:
    from index.search import Filters

    return Filters(partnerships=args.partnership or [], doc_types=args.doc_type or [], year=args.year)


def _print_human(result: SearchResult, out: TextIO) -> None:
    if not result.hits:
        print(f"No results for: {result.query}", file=out)
    elif not result.found:
        print("Nothing in the documents is about this: no passage is close in meaning to the question. "
              "The nearest ones follow.", file=out)
    for h in result.hits:
        where = f"p.{h.page}" if h.page else (h.section or "")
        print(f"{h.rank:>2}. [{h.score:.3f}] {h.partnership} — {h.document} ({where})", file=out)
        snippet = " ".join(h.text.split())
        print(f"    {snippet[:220]}{'…' if len(snippet) > 220 else ''}", file=out)


def _batch_lines(batch: str) -> Iterator[str]:
    """Non-empty lines of FILE, or of stdin for '-'."""
    stream = sys.stdin if batch == "-" else open(batch, encoding="utf-8")  # noqa: SIM115
    with stream:
        for line in stream:
            if line.strip():
                yield line.strip()


def cmd_search(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    if not _open_store_or_explain(rt, allow_rebuild_prompt=False):
        return EXIT_INDEX
    filters = _parse_filters(args)
    if args.batch:
        for query in _batch_lines(args.batch):
            result = rt.searcher.search(query, k=args.k, filters=filters)
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        return EXIT_OK
    if not args.query:
        print("error: give a QUERY or --batch FILE", file=sys.stderr)
        return EXIT_USAGE
    result = rt.searcher.search(args.query, k=args.k, filters=filters)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_human(result, sys.stdout)
    return EXIT_OK


def _print_answer(answer: Answer, out: TextIO) -> None:
    print(answer.answer, file=out)
    if answer.citations:
        print("\nSources:", file=out)
    for c in answer.citations:
        dated = ", ".join(x for x in (c.period, c.date) if x)
        where = f", {c.where()}" if c.where() else ""
        print(f"[{c.id}] {c.partnership}: {c.document} ({dated}){where}", file=out)
        print(f"    \"{c.quote}\"", file=out)


def cmd_ask(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    if not _open_store_or_explain(rt, allow_rebuild_prompt=False):
        return EXIT_INDEX
    filters = _parse_filters(args)
    compare = True if args.compare else None

    def answer(question: str) -> Answer:
        return rt.answerer.answer(question, filters, compare=compare, mode=args.mode)

    if args.batch:
        for question in _batch_lines(args.batch):
            print(json.dumps(answer(question).to_json(), ensure_ascii=False), flush=True)
        return EXIT_OK
    if not args.question:
        print("error: give a QUESTION or --batch FILE", file=sys.stderr)
        return EXIT_USAGE
    result = answer(args.question)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_answer(result, sys.stdout)
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    if not _open_store_or_explain(rt, allow_rebuild_prompt=False):
        return EXIT_INDEX
    docs = rt.store.documents()
    if args.json:
        print(json.dumps(docs, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not docs:
        print("The index is empty. Run `cspkb ingest` to add the bundled corpus.")
        return EXIT_OK
    for d in docs:
        flag = " (metadata inferred)" if d["inferred"] else ""
        draft = " [draft]" if d["draft_markers"] else ""
        print(f"{d['partnership']:<14} {d['source_doc_type']:<24} {d['period'] or '-':<10} "
              f"{d['chunks']:>4} chunks  {d['source_title']}{draft}{flag}")
        for part in d["parts"][1:]:
            print(f"{'':<14} {'':<24} {'':<10} {'':>4}         part: {part}")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    import shlex

    from eval import harness

    if args.calibrate:
        from cspkb.runtime import Runtime
        from eval.calibrate import calibrate

        fitted = calibrate(Runtime(_settings(args)))
        print(json.dumps(fitted, indent=2))
        a, b, c = fitted["calibration"]
        print(f"set: CSPKB_RETRIEVAL__CALIBRATION='[{a}, {b}, {c}]' CSPKB_RETRIEVAL__FLOOR={fitted['floor']} "
              f"CSPKB_RETRIEVAL__PARTNERSHIP_FLOOR={fitted['partnership_floor']} "
              f"CSPKB_RETRIEVAL__FOUND_COSINE={fitted['found_cosine']}")
        return EXIT_OK
    argv = sys.argv[1:] if Path(sys.argv[0]).name == "cspkb" else None
    if argv is None:  # called programmatically: rebuild an equivalent command line
        argv = [f"--{name.replace('_', '-')}={getattr(args, name)}"
                for name in ("data_dir", "chroma_url", "collection", "model") if getattr(args, name)]
        argv += ["eval", "--split", args.split, "--k", str(args.k), "--out", args.out]
        argv += ["--systems", args.systems] if args.systems else []
        argv += ["--no-write"] if args.no_write else []
        argv += ["--no-answers"] if args.no_answers else []
    return harness.main(settings=_settings(args), split=args.split, systems=args.systems, k=args.k,
                        out=Path(args.out), write=not args.no_write, command="cspkb " + shlex.join(argv),
                        answers=not args.no_answers)


def cmd_serve(args: argparse.Namespace) -> int:
    import app

    settings = _settings(args)
    if args.host:
        settings.app.host = args.host
    if args.port:
        settings.app.port = args.port
    return app.main(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cspkb",
        description="CSP Knowledge Base: search Community Safety Partnership documents with citations.",
    )
    parser.add_argument("--data-dir", help="index folder (env CSPKB_PATHS__DATA_DIR; default ./data)")
    parser.add_argument("--chroma-url", help="use a `chroma run` server, e.g. http://127.0.0.1:8000 (env CSPKB_STORE__URL)")
    parser.add_argument("--collection", help="Chroma collection name (env CSPKB_STORE__COLLECTION)")
    parser.add_argument("--model", help="embedding model name or local folder (env CSPKB_EMBEDDING__MODEL)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or update documents (default: the bundled corpus/)")
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("--prune", action="store_true", help="delete indexed documents whose file is gone")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (for scripts and logs)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="search the index")
    p.add_argument("query", nargs="?")
    p.add_argument("--k", type=int, default=None, help="number of hits (default 10)")
    p.add_argument("--partnership", action="append", help="restrict to a partnership (repeatable)")
    p.add_argument("--doc-type", action="append", help="restrict to a document type (repeatable)")
    p.add_argument("--year", type=int, help="restrict to documents whose period covers this year")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="FILE", help="one query per line ('-' = stdin); prints JSON lines")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question", nargs="?")
    p.add_argument("--partnership", action="append", help="restrict to a partnership (repeatable)")
    p.add_argument("--doc-type", action="append", help="restrict to a document type (repeatable)")
    p.add_argument("--year", type=int, help="restrict to documents whose period covers this year")
    p.add_argument("--compare", action="store_true", help="answer per partnership even if the question doesn't ask to")
    p.add_argument("--mode", choices=("extractive", "llm"), help="default: settings (CSPKB_ANSWER__MODE, extractive)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="FILE", help="one question per line ('-' = stdin); prints JSON lines")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("docs", help="list indexed documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("eval", help="evaluation on eval/questions.jsonl: retrieval (ours vs baselines) and answers")
    add_eval_arguments(p)
    p.add_argument("--calibrate", action="store_true",
                   help="fit the relevance calibration and floor on the dev split and print them")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the web app (same as `python app.py`)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a reader that has gone is handled below
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cspkb search ... | head`: the reader has gone; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush doesn't fail again
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
