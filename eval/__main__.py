"""`python -m eval`: run the retrieval evaluation (same options as `cspkb eval`)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from eval import add_arguments


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval", description="Retrieval evaluation of every system "
                                     "on eval/questions.jsonl; prints tables and writes Markdown.")
    add_arguments(parser)
    parser.add_argument("--data-dir", help="index folder (default ./data)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    from cspkb.settings import Settings
    from eval import harness

    settings = Settings()
    if args.data_dir:
        settings.paths.data_dir = Path(args.data_dir)
    return harness.main(settings=settings, split=args.split, systems=args.systems, k=args.k,
                        out=Path(args.out), write=not args.no_write, answers=not args.no_answers,
                        command=" ".join(["python -m eval", shlex.join(argv)]).strip())


if __name__ == "__main__":
    sys.exit(main())
