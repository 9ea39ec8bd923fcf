"""Benchmark: ingestion time for the bundled corpus, chunks/s embedded, search latency
(p50/p95 over the evaluation questions, model loaded, as in batch mode) and peak memory
(RSS) of ingest and of search. Each phase runs in its own process so its peak RSS is its own.

    python bench/bench.py            # prints the figures
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _phase_ingest(data_dir: str) -> dict:
    from cspkb.runtime import Runtime
    from cspkb.settings import Settings

    settings = Settings()
    settings.paths.data_dir = Path(data_dir)
    rt = Runtime(settings)
    t0 = time.perf_counter()
    rt.embedder.model  # noqa: B018 - load time reported separately
    load = time.perf_counter() - t0
    report = rt.pipeline.run([settings.paths.corpus_dir], progress=False)
    chunks = sum(o.chunks_added for o in report.outcomes)
    texts = [c.text for c in rt.store.all_chunks()]
    t1 = time.perf_counter()
    rt.embedder.embed_documents(texts)
    embed_s = time.perf_counter() - t1
    return {"model_load_s": load, "ingest_s": report.seconds, "chunks": chunks,
            "chunks_per_s": len(texts) / embed_s, "files": len(report.outcomes)}


def _phase_search(data_dir: str, rerank: str | None) -> dict:
    from cspkb.runtime import Runtime
    from cspkb.settings import Settings

    settings = Settings()
    settings.paths.data_dir = Path(data_dir)
    settings.retrieval.reranker = rerank
    rt = Runtime(settings)
    questions = [json.loads(line)["question"] for line in (REPO / "eval" / "questions.jsonl").open()]
    rt.searcher.search("warm-up query")
    times = []
    for q in questions * 3:
        rt.searcher.query_vectors.clear()  # each query timed as first asked, embedding included
        t = time.perf_counter()
        rt.searcher.search(q, k=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"queries": len(times), "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * len(times)) - 1]}


def _run(phase: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, *args], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ingest = _run("ingest", tmp)
        search = _run("search", tmp)
    print(f"corpus: {ingest['files']} files, {ingest['chunks']} chunks")
    print(f"model load: {ingest['model_load_s']:.1f} s; ingest (clean+chunk+embed+store): {ingest['ingest_s']:.1f} s")
    print(f"embedding throughput: {ingest['chunks_per_s']:.1f} chunks/s")
    print(f"search latency over {search['queries']} queries: p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms")
    print(f"peak RSS: ingest {ingest['rss_mb']:.0f} MB, search {search['rss_mb']:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        sys.path.insert(0, str(REPO))
        phase, data_dir = sys.argv[2], sys.argv[3]
        result = _phase_ingest(data_dir) if phase == "ingest" else _phase_search(data_dir, None)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
    else:
        main()
