"""Retrieval evaluation: every system on the same questions, one table per view.

``run()`` loads the question set (eval/questions.jsonl), ingests the corpus if the index is
empty, builds the requested systems (see ``eval.baselines``), runs every question through
each of them (timing each call after one warm-up query), scores the hits with
``eval.metrics`` and renders a plain-text report for the terminal and a Markdown report
(eval/RESULTS.md by default). Retrieval metrics use answerable questions only; the
abstain rate uses the unanswerable ones. A diagnostics section lists gold quotes that a
system cannot find whatever it ranks, because no unit it retrieves contains them.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval import answers as A
from eval import metrics as M
from eval.baselines import BUILDERS, SYSTEMS, System

EVAL_DIR = Path(__file__).resolve().parent
QUESTIONS_PATH = EVAL_DIR / "questions.jsonl"
DEFAULT_OUT = EVAL_DIR / "RESULTS.md"
KINDS = ("fact", "figure", "which", "compare", "paraphrase", "unanswerable")
WARMUP_QUERY = "community safety partnership priorities"


# --- questions ----------------------------------------------------------------------------
@dataclass
class Question:
    id: str
    split: str
    kind: str
    question: str
    partnerships: list[str]
    gold: list[M.Gold]
    answerable: bool
    must_mention: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Question:
        return cls(
            id=row["id"], split=row["split"], kind=row["kind"], question=row["question"],
            partnerships=list(row.get("partnerships", [])),
            gold=[M.Gold(quote=g["quote"], partnership=g.get("partnership", ""), file=g.get("file", ""))
                  for g in row.get("gold", [])],
            answerable=bool(row.get("answerable", True)),
            must_mention=list(row.get("must_mention", [])),
        )


def load_questions(path: Path = QUESTIONS_PATH, split: str = "all") -> list[Question]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [Question.from_json(r) for r in rows]
    return [q for q in qs if split == "all" or q.split == split]


# --- running ------------------------------------------------------------------------------
@dataclass
class Outcome:
    """One system on one question."""

    hits: list[M.Hit]
    found: bool
    ms: float
    scores: M.QuestionScores | None = None  # answerable questions only


@dataclass
class SystemRun:
    name: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    build_seconds: float = 0.0
    unit_texts: list[str] = field(default_factory=list)


@dataclass
class Report:
    command: str
    date: str
    split: str
    k: int
    small_k: int
    questions: list[Question]
    runs: list[SystemRun]
    chunk_words: dict[str, float]
    unreachable: dict[str, list[tuple[str, str, str]]]  # system -> [(qid, file, why)]
    ingested: str = ""
    load: str = ""  # machine load when the run started (latency is sensitive to it)
    answers: list[A.AnswerOutcome] = field(default_factory=list)  # the answer layer, when scored
    headroom: dict[str, Headroom] = field(default_factory=dict)  # qid -> headroom of ``ours``


@dataclass
class Headroom:
    """For one answerable question: where ``ours`` ranks each gold quote in a ranking of every
    chunk, and the best any ranking of the same chunks could score."""

    bands: list[str]  # per gold quote, ``metrics.rank_band`` of its rank
    best_small: float  # best possible R@small_k
    best_all: bool  # whether some top k could hold every gold quote


class UsageError(ValueError):
    """Bad arguments (unknown system, k < 1, empty split)."""


def parse_systems(value: str | Sequence[str] | None) -> list[str]:
    if not value:
        return list(SYSTEMS)
    names = [s.strip() for s in (value.split(",") if isinstance(value, str) else value) if s.strip()]
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        raise UsageError(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    return list(dict.fromkeys(names))


def ensure_index(rt: Any) -> str:
    """Ingest the corpus when the index is empty; returns the ingest summary ('' if not needed)."""
    if rt.store.count() > 0:
        return ""
    report = rt.pipeline.run([rt.settings.paths.corpus_dir], progress=False)
    return report.summary()


def run_system(system: System, questions: Sequence[Question], k: int, small_k: int) -> dict[str, Outcome]:
    system.retrieve(WARMUP_QUERY, k)  # load models, fill caches: not part of any timing
    outcomes: dict[str, Outcome] = {}
    for q in questions:
        start = time.perf_counter()
        got = system.retrieve(q.question, k)
        ms = (time.perf_counter() - start) * 1000.0
        hits = got.hits[:k]
        scores = M.score_question(hits, q.gold, q.partnerships, k=k, small_k=small_k) if q.answerable else None
        outcomes[q.id] = Outcome(hits, got.found, ms, scores)
    return outcomes


def headroom(system: System, questions: Sequence[Question], outcomes: dict[str, Outcome], chunk_texts: Sequence[str],
             k: int, small_k: int) -> dict[str, Headroom]:
    """What limits the system's recall: the rank band of each gold quote (from ``outcomes`` in
    the top k, else from the system's ranking of every chunk), and the best R@small_k and
    AllGold@k that any ranking of ``chunk_texts`` could reach."""
    out: dict[str, Headroom] = {}
    for q in questions:
        if not q.answerable or q.id not in outcomes:
            continue
        top = M.gold_ranks(outcomes[q.id].hits[:k], q.gold)
        full: list[int | None] = []
        if any(r is None for r in top):
            full = M.gold_ranks(system.retrieve(q.question, len(chunk_texts)).hits, q.gold)
        # a quote missed in the top k is placed after it, even where the longer ranking puts it
        # higher (a cross-partnership search fills a short top k differently)
        ranks = [r if r is not None else (max(full[i], k + 1) if full[i] is not None else None)
                 for i, r in enumerate(top)]
        cover = M.best_cover(chunk_texts, q.gold)
        n = len(q.gold)
        out[q.id] = Headroom(bands=[M.rank_band(r) for r in ranks],
                             best_small=(cover[min(small_k, len(cover)) - 1] / n) if cover and n else 0.0,
                             best_all=bool(cover) and cover[-1] == n and len(cover) <= k)
    return out


def unreachable_gold(questions: Sequence[Question], unit_texts: Sequence[str],
                     chunks: Sequence[Any] | None = None, corpus_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """Gold quotes contained in none of a system's retrieval units, with a best guess why."""
    units = [M.normalise(t) for t in unit_texts]
    joined: dict[str, str] = {}
    if chunks is not None:  # each document's chunk texts in order, to tell boundary splits from cleaning
        by_source: dict[str, list[Any]] = {}
        for c in chunks:
            by_source.setdefault(str(c.metadata.get("source", "")), []).append(c)
        for source, cs in by_source.items():
            cs.sort(key=lambda c: int(c.metadata.get("position", 0) or 0))
            joined[source] = M.normalise(" ".join(c.text for c in cs))
    out: list[tuple[str, str, str]] = []
    for q in questions:
        for g in q.gold:
            quote = M.normalise(g.quote)
            if any(quote in u for u in units):
                continue
            why = "not inside any single unit"
            if chunks is not None:
                if any(quote in M.normalise(str(c.metadata.get("trail", ""))) for c in chunks):
                    why = "a heading: only in a chunk's trail (metadata), not in any chunk text"
                elif quote in joined.get(g.file, ""):
                    why = "spans a chunk boundary"
                else:
                    raw = ""
                    if corpus_dir and (Path(corpus_dir) / g.file).is_file():
                        raw = M.normalise((Path(corpus_dir) / g.file).read_text(encoding="utf-8"))
                    why = ("in the source file but in no chunk text or trail (dropped or changed by cleaning/chunking)" if quote in raw
                           else "not in the source file either")
            out.append((q.id, g.file, f"{why}: {g.quote[:90]}{'…' if len(g.quote) > 90 else ''}"))
    return out


def run(settings: Any = None, *, split: str = "all", systems: str | Sequence[str] | None = None, k: int = 10,
        command: str = "python -m eval", questions_path: Path = QUESTIONS_PATH,
        log: Any = None, answers: bool = True) -> Report:
    """Run the evaluation and return the report (nothing is written or printed here)."""
    from cspkb.runtime import Runtime

    names = parse_systems(systems)
    if k < 1:
        raise UsageError("k must be at least 1")
    small_k = min(5, k)
    say = log or (lambda msg: None)
    questions = load_questions(questions_path, split)
    if not questions:
        raise UsageError(f"no questions for split {split!r}")
    load = ""
    if hasattr(os, "getloadavg"):
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    rt = Runtime(settings)
    ingested = ensure_index(rt)
    if ingested:
        say(f"index was empty; ingested the corpus: {ingested}")
    chunks = rt.store.all_chunks()
    runs: list[SystemRun] = []
    room: dict[str, Headroom] = {}
    for name in names:
        say(f"building {name} …")
        start = time.perf_counter()
        system = BUILDERS[name](rt)
        built = time.perf_counter() - start
        say(f"running {name} on {len(questions)} questions …")
        runs.append(SystemRun(name, run_system(system, questions, k, small_k), built, system.unit_texts))
        if name == "ours":
            room = headroom(system, questions, runs[-1].outcomes, [c.text for c in chunks], k, small_k)

    answer_outcomes: list[A.AnswerOutcome] = []
    if answers:
        say(f"answering {len(questions)} questions …")
        answer_outcomes = A.run_answers(rt, questions)

    chunk_words = {"ours": M.mean_words([c.text for c in chunks])}
    unreachable = {"ours": unreachable_gold(questions, [c.text for c in chunks], chunks,
                                            rt.settings.paths.corpus_dir)}
    for r in runs:
        if r.name == "llamaindex-default":
            chunk_words["llamaindex-default"] = M.mean_words(r.unit_texts)
            unreachable["llamaindex-default"] = unreachable_gold(questions, r.unit_texts)
    return Report(
        command=command, date=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"), split=split, k=k, small_k=small_k,
        questions=questions, runs=runs, chunk_words=chunk_words, unreachable=unreachable, ingested=ingested,
        load=load, answers=answer_outcomes, headroom=room,
    )


# --- aggregation --------------------------------------------------------------------------
def metric_columns(report: Report) -> list[str]:
    k, s = report.k, report.small_k
    return ["n", f"R@{s}", f"R@{k}", "MRR", f"nDCG@{k}", f"AllGold@{k}", f"PCov@{k}", f"R@{M.WORD_BUDGET}w",
            "n_unans", "Abstain", "NoFind"]


def aggregate(run_: SystemRun, questions: Sequence[Question]) -> list[str]:
    """One table row (formatted) for a system over a set of questions."""
    ans = [run_.outcomes[q.id].scores for q in questions if q.answerable and q.id in run_.outcomes]
    ans = [s for s in ans if s is not None]
    unans = [run_.outcomes[q.id].found for q in questions if not q.answerable and q.id in run_.outcomes]
    answerable_found = [run_.outcomes[q.id].found for q in questions if q.answerable and q.id in run_.outcomes]

    def f(values: list[float]) -> str:
        return f"{M.mean(values):.3f}" if ans else "–"

    return [
        str(len(ans)),
        f([s.recall_small for s in ans]),
        f([s.recall_k for s in ans]),
        f([s.mrr for s in ans]),
        f([s.ndcg for s in ans]),
        f([s.all_found for s in ans]),
        f([s.partnership_coverage for s in ans]),
        f([s.recall_words for s in ans]),
        str(len(unans)),
        f"{M.abstain_rate(unans):.3f}" if unans else "–",
        f"{M.abstain_rate(answerable_found):.3f}" if answerable_found else "–",
    ]


def tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for: overall, each kind present, latency."""
    cols = metric_columns(report)
    out = [("Overall", ["system", *cols], [[r.name, *aggregate(r, report.questions)] for r in report.runs])]
    for kind in KINDS:
        qs = [q for q in report.questions if q.kind == kind]
        if not qs:
            continue
        if kind == "unanswerable":
            header = ["system", "n", "Abstain"]
            rows = [[r.name, *[aggregate(r, qs)[i] for i in (8, 9)]] for r in report.runs]
        else:
            header = ["system", *cols[:8]]
            rows = [[r.name, *aggregate(r, qs)[:8]] for r in report.runs]
        out.append((f"Kind: {kind}", header, rows))
    lat_rows = []
    for r in report.runs:
        ms = [o.ms for o in r.outcomes.values()]
        words = M.mean([float(sum(len(h.text.split()) for h in o.hits)) for o in r.outcomes.values()])
        lat_rows.append([r.name, str(len(ms)), f"{M.percentile(ms, 50):.1f}", f"{M.percentile(ms, 95):.1f}",
                         f"{max(ms) if ms else 0.0:.1f}", f"{r.build_seconds:.1f}", f"{words:.0f}"])
    out.append(("Latency per query (ms, after one warm-up query) and words returned",
                ["system", "queries", "p50", "p95", "max", "build s", f"words in top {report.k}"], lat_rows))
    if report.headroom:
        out.append(headroom_table(report))
    if report.answers:
        out.append(("Answers (`cspkb ask`, extractive mode), overall and per kind", ["kind", *A.ANSWER_COLUMNS],
                    A.table(report.answers, KINDS)))
    return out


def headroom_table(report: Report) -> tuple[str, list[str], list[list[str]]]:
    """Per kind: where ``ours`` ranks the gold quotes (share in each rank band) beside its
    R@small_k and AllGold@k and the best any ranking of the same chunks could reach."""
    ours = next(r for r in report.runs if r.name == "ours")
    bands = [M.rank_band(low) for low, _ in M.RANK_BANDS] + ["none"]
    s, k = report.small_k, report.k
    rows = []
    for kind in [*[kd for kd in KINDS if kd != "unanswerable"], "all"]:
        ids = [q.id for q in report.questions if q.id in report.headroom and kind in ("all", q.kind)]
        if not ids:
            continue
        placed = [b for i in ids for b in report.headroom[i].bands]
        scores = [ours.outcomes[i].scores for i in ids]
        rows.append([kind, str(len(placed)), *[f"{placed.count(b) / len(placed):.3f}" for b in bands],
                     f"{M.mean([x.recall_small for x in scores if x]):.3f}",
                     f"{M.mean([report.headroom[i].best_small for i in ids]):.3f}",
                     f"{M.mean([x.all_found for x in scores if x]):.3f}",
                     f"{M.mean([float(report.headroom[i].best_all) for i in ids]):.3f}"])
    title = ("Headroom (`ours`): where its ranking of every chunk puts the gold quotes, and the best any ranking "
             "of the same chunks could score")
    return (title,
            ["kind", "quotes", *[f"rank {b}" for b in bands], f"R@{s}", f"best R@{s}", f"AllGold@{k}",
             f"best AllGold@{k}"], rows)


def never_found(report: Report) -> list[tuple[str, str, str]]:
    """Answerable questions where no system retrieved any gold quote in the top k."""
    out = []
    for q in report.questions:
        if not q.answerable:
            continue
        if all((r.outcomes[q.id].scores.recall_k if r.outcomes[q.id].scores else 0.0) == 0.0 for r in report.runs):
            out.append((q.id, q.kind, q.question))
    return out


def misses(report: Report, system: str = "ours") -> list[tuple[str, str, int, int]]:
    """(qid, kind, gold found, gold total) for answerable questions the system did not fully cover."""
    run_ = next((r for r in report.runs if r.name == system), None)
    if run_ is None:
        return []
    out = []
    for q in report.questions:
        s = run_.outcomes[q.id].scores if q.answerable else None
        if s is not None and s.all_found < 1.0:
            found = round(s.recall_k * len(q.gold))
            out.append((q.id, q.kind, found, len(q.gold)))
    return out


# --- rendering ----------------------------------------------------------------------------
def _header_lines(report: Report) -> list[tuple[str, str]]:
    n_ans = sum(q.answerable for q in report.questions)
    words = ", ".join(f"{name} {w:.1f}" for name, w in report.chunk_words.items())
    lines = [
        ("Command", report.command),
        ("Date", report.date),
        ("Split", report.split),
        ("Questions", f"{len(report.questions)} ({n_ans} answerable, {len(report.questions) - n_ans} unanswerable)"),
        ("k", str(report.k)),
        ("Mean chunk words", words),
    ]
    if report.load:
        lines.append(("Load average at start (1/5/15 min)", report.load))
    if report.ingested:
        lines.append(("Ingested first", report.ingested))
    return lines


LEGEND = (
    "Retrieval metrics average over answerable questions; a gold quote counts as found in a hit when the hit "
    "text contains it after collapsing whitespace and stripping `**`. R@n: share of a question's gold quotes "
    "in the top n. MRR: 1/rank of the first hit containing any gold quote. nDCG: binary relevance (a hit is "
    "relevant if it contains any gold quote), ideal = min(#gold, k) relevant hits, capped at 1. AllGold: "
    "share of questions with every gold quote in the top k. PCov: share of a question's partnerships with a "
    "top-k hit from that partnership containing one of that partnership's gold quotes. R@1500w: share of gold "
    "quotes within the first 1,500 words of the ranked hits read in order (the same reading for every system, "
    "whatever its chunk size; our top 10 is about 1,550 words, the LlamaIndex default's about 6,700). Abstain: share of "
    "unanswerable questions where the result reported found=False, that is no hit close in meaning to the "
    "question (baselines never abstain). NoFind: the same flag on answerable questions.\n\n"
    "Headroom: each gold quote's rank in `ours`'s ranking of every chunk (a quote missed in the top k ranks "
    "after it), and the best R@n and AllGold any ranking of the same chunks could reach (greedy set cover: "
    "what chunking allows; the gap to it is ranking).\n\n"
    "Answers: CiteSupport: share of citations whose quote is verbatim in the cited chunk as indexed, from the "
    "cited partnership and document. KeyFacts: share of each answerable question's must-mention terms in the "
    "answer. GoldCited: share of each answerable question's gold quotes the answer quotes (a citation holds the "
    "quote, or one sentence of it of four words or more). PRecall / PIrrelevant (which and compare questions): "
    "share of qualifying partnerships cited, and of cited partnerships that do not qualify. AbstainOK: unanswerable "
    "questions answered with abstained=true. "
    "FalseAbstain: answerable questions abstained on. p50/p95: one `answer()` call with the model loaded."
)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *[fmt(r) for r in rows]])


def _diagnostics(report: Report) -> list[tuple[str, list[str]]]:
    sections = []
    for system, items in report.unreachable.items():
        lines = [f"{qid} ({file}) — {why}" for qid, file, why in items] or ["none"]
        sections.append((f"Gold quotes in no `{system}` chunk (unfindable by any ranking)", lines))
    nf = never_found(report)
    sections.append((f"Answerable questions where no system found any gold quote in the top {report.k}",
                     [f"{qid} [{kind}] {text}" for qid, kind, text in nf] or ["none"]))
    if report.answers:
        lines = []
        for o in report.answers:
            problems = []
            if o.answerable and o.abstained:
                problems.append("abstained on an answerable question")
            if not o.answerable and not o.abstained:
                problems.append("answered an unanswerable question")
            if o.missing_facts:
                problems.append("missing " + ", ".join(o.missing_facts))
            if set(o.qualifying) - set(o.cited):
                problems.append("qualifying not cited: " + ", ".join(sorted(set(o.qualifying) - set(o.cited))))
            if set(o.cited) - set(o.qualifying) and o.qualifying:
                problems.append("cited but not qualifying: " + ", ".join(sorted(set(o.cited) - set(o.qualifying))))
            if o.supported < o.citations:
                problems.append(f"{o.citations - o.supported} unsupported citation(s)")
            if problems:
                lines.append(f"{o.question_id} [{o.kind}] " + "; ".join(problems))
        sections.append(("Answers: where an answer fell short", lines or ["none"]))
    ms = misses(report)
    if any(r.name == "ours" for r in report.runs):
        sections.append((f"`ours`: answerable questions without all gold in the top {report.k} (found/total)",
                         [", ".join(f"{qid} {kind} {f}/{t}" for qid, kind, f, t in ms)] if ms else ["none"]))
    return sections


def render_markdown(report: Report) -> str:
    parts = ["# Retrieval and answer evaluation", ""]
    parts += [f"- **{k}:** `{v}`" if k == "Command" else f"- **{k}:** {v}" for k, v in _header_lines(report)]
    parts += ["", LEGEND, ""]
    for title, header, rows in tables(report):
        parts += [f"## {title}", "", _md_table(header, rows), ""]
    parts += ["## Diagnostics", ""]
    for title, lines in _diagnostics(report):
        parts += [f"### {title}", ""] + [f"- {line}" for line in lines] + [""]
    return "\n".join(parts).rstrip() + "\n"


def render_text(report: Report) -> str:
    parts = [f"{k}: {v}" for k, v in _header_lines(report)] + [""]
    for title, header, rows in tables(report):
        parts += [title, _text_table(header, rows), ""]
    for title, lines in _diagnostics(report):
        parts += [title + ":"] + [f"  {line}" for line in lines] + [""]
    return "\n".join(parts).rstrip() + "\n"


def main(*, settings: Any = None, split: str = "all", systems: str | None = None, k: int = 10,
         out: Path | None = DEFAULT_OUT, write: bool = True, command: str = "python -m eval",
         answers: bool = True) -> int:
    """Run, print the text report, write the Markdown report unless ``write`` is False. Exit code."""
    import sys

    from index.store import IndexMismatch, StoreUnavailable

    try:
        report = run(settings, split=split, systems=systems, k=k, command=command, answers=answers,
                     log=lambda msg: print(msg, file=sys.stderr, flush=True))
    except (IndexMismatch, StoreUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(render_text(report))
    if write and out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_markdown(report), encoding="utf-8")
        print(f"wrote {path}")
    return 0
