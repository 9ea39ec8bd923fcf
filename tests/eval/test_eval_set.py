"""Sanity checks for the CSP retrieval/QA evaluation set (eval/questions.jsonl).

Stdlib, pytest, the quote matching of ``eval.metrics`` and the split list of ``eval`` (both stdlib only).
Corpus location: <repo>/corpus if present, else /work/shared/corpus.
"""
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from eval import SPLITS as EVAL_SPLITS
from eval.metrics import normalise

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "eval" / "questions.jsonl"
CORPUS = REPO / "corpus" if (REPO / "corpus").is_dir() else Path("/work/shared/corpus")

FIELDS = {"id", "split", "kind", "persona", "question", "partnerships",
          "gold", "must_mention", "answerable"}
GOLD_FIELDS = {"file", "partnership", "quote"}
SPLITS = set(EVAL_SPLITS)  # the splits `cspkb eval --split` offers
KINDS = {"fact", "figure", "which", "compare", "paraphrase", "unanswerable"}
PERSONAS = {"policy", "onboarding", "consultant"}
PARTNERSHIPS = {"Birmingham", "Dudley", "Sandwell", "Walsall", "Wolverhampton"}
PREFIX_TO_PARTNERSHIP = {p.lower(): p for p in PARTNERSHIPS}


#: as the metrics match quotes: whitespace collapsed, ``**`` markup stripped (ingest cleaning
#: removes it, so a quote may run across a bold span)
_norm = normalise


def _load():
    rows = []
    with QUESTIONS.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rows.append((lineno, json.loads(line)))
    return rows


ROWS = _load()
QS = [q for _, q in ROWS]
_CORPUS_CACHE = {}


def _corpus_text(name):
    if name not in _CORPUS_CACHE:
        path = CORPUS / name
        _CORPUS_CACHE[name] = _norm(path.read_text(encoding="utf-8")) if path.is_file() else None
    return _CORPUS_CACHE[name]


def _qid(q):
    return q.get("id", "?")


def test_file_parses_and_has_enough_questions():
    assert QUESTIONS.is_file()
    assert len(QS) >= 60


@pytest.mark.parametrize("lineno,q", ROWS, ids=[_qid(q) for _, q in ROWS])
def test_schema(lineno, q):
    assert set(q) == FIELDS, f"line {lineno}: fields {sorted(q)}"
    assert isinstance(q["id"], str) and q["id"]
    assert q["split"] in SPLITS
    assert q["kind"] in KINDS
    assert q["persona"] in PERSONAS
    assert isinstance(q["question"], str) and q["question"].strip()
    assert isinstance(q["answerable"], bool)
    assert isinstance(q["partnerships"], list)
    assert all(p in PARTNERSHIPS for p in q["partnerships"]), q["partnerships"]
    assert len(set(q["partnerships"])) == len(q["partnerships"])
    assert isinstance(q["must_mention"], list)
    assert all(isinstance(m, str) and m.strip() for m in q["must_mention"])
    assert isinstance(q["gold"], list)
    for g in q["gold"]:
        assert isinstance(g, dict) and set(g) == GOLD_FIELDS, g
        assert g["partnership"] in PARTNERSHIPS
        assert isinstance(g["file"], str) and isinstance(g["quote"], str) and g["quote"].strip()


def test_ids_unique():
    dupes = [i for i, n in Counter(q["id"] for q in QS).items() if n > 1]
    assert not dupes, dupes


def test_every_kind_in_every_split():
    seen = {(q["kind"], q["split"]) for q in QS}
    missing = [(k, s) for k in sorted(KINDS) for s in sorted(SPLITS) if (k, s) not in seen]
    assert not missing, missing


@pytest.mark.parametrize("q", QS, ids=[_qid(q) for q in QS])
def test_gold_quotes_verbatim(q):
    for g in q["gold"]:
        text = _corpus_text(g["file"])
        assert text is not None, f"{q['id']}: missing corpus file {g['file']}"
        assert _norm(g["quote"]) in text, f"{q['id']}: quote not in {g['file']}: {g['quote']!r}"


@pytest.mark.parametrize("q", QS, ids=[_qid(q) for q in QS])
def test_gold_file_matches_partnership(q):
    for g in q["gold"]:
        prefix = Path(g["file"]).name.split("-", 1)[0].lower()
        assert prefix in PREFIX_TO_PARTNERSHIP, f"{q['id']}: unknown file prefix {g['file']}"
        assert PREFIX_TO_PARTNERSHIP[prefix] == g["partnership"], (
            f"{q['id']}: {g['file']} labelled {g['partnership']}")


@pytest.mark.parametrize("q", QS, ids=[_qid(q) for q in QS])
def test_partnerships_match_gold(q):
    per = defaultdict(int)
    for g in q["gold"]:
        per[g["partnership"]] += 1
    assert set(per) <= set(q["partnerships"]), f"{q['id']}: gold partnership not listed"
    for p in q["partnerships"]:
        assert per[p] >= 1, f"{q['id']}: {p} listed but has no gold quote"


@pytest.mark.parametrize("q", QS, ids=[_qid(q) for q in QS])
def test_answerability_consistent(q):
    if q["kind"] == "unanswerable":
        assert q["answerable"] is False
        assert q["gold"] == []
        assert q["partnerships"] == []
    else:
        assert q["answerable"] is True
        assert len(q["gold"]) >= 1
    if not q["answerable"]:
        assert q["gold"] == []
