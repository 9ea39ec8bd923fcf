"""Retrieval evaluation: question set, metrics, baselines and the harness (`python -m eval`)."""

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options `cspkb eval` and `python -m eval` share (kept light: argparse only)."""
    parser.add_argument("--split", choices=("dev", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "all"), default="all",
                        help="dev: tuning (includes the first held-out split, retired after five scorings); heldout2: held-out written 2026-11-21; heldout3: held-out written 2026-11-21 (third session), scored; heldout4: held-out written 2026-11-21 (fourth session), scored; heldout5: held-out written 2026-11-21 (fifth session), scored; heldout6: held-out written 2026-11-21 (sixth session), scored; heldout7: held-out written 2026-11-21 (seventh session), scored; heldout8: held-out written 2026-11-21 (eighth session), scored; heldout9: held-out written 2026-11-21 (ninth session), scored; heldout10: held-out written 2026-11-21 (tenth session), scored; heldout11: held-out written 2026-11-21 (eleventh session), scored; heldout12: held-out written 2026-11-21 (twelfth session), scored; heldout13: held-out written 2026-11-21 (thirteenth session), scored once at the end")
    parser.add_argument("--systems", help="comma list of bm25,dense,llamaindex-default,ours (default: all)")
    parser.add_argument("--k", type=int, default=10, help="hits per query (default 10)")
    parser.add_argument("--out", default="eval/RESULTS.md", help="Markdown report (default eval/RESULTS.md)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write --out")
    parser.add_argument("--no-answers", action="store_true", help="score retrieval only, not the answer layer")
