"""Retrieval evaluation: question set, metrics, baselines and the harness (`python -m eval`)."""

import argparse

#: the question splits of eval/questions.jsonl, oldest first
SPLITS = ("dev", *(f"heldout{i}" for i in range(2, 23)))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options `cspkb eval` and `python -m eval` share (kept light: argparse only)."""
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all",
                        help="dev: tuning (includes the first held-out split, retired after five scorings); "
                             f"heldout2 ... {SPLITS[-1]}: one held-out split written blind in each session from the second "
                             "(2026-11-21/22), scored clean once (its -clean.md result; the newest at the end of its session) "
                             "and seen since; "
                             "all: every split")
    parser.add_argument("--systems", help="comma list of bm25,dense,llamaindex-default,ours (default: all)")
    parser.add_argument("--k", type=int, default=10, help="hits per query (default 10)")
    parser.add_argument("--out", default="eval/RESULTS.md", help="Markdown report (default eval/RESULTS.md)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write --out")
    parser.add_argument("--no-answers", action="store_true", help="score retrieval only, not the answer layer")
