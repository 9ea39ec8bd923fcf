"""Uploads without a browser: safe names, size limit, refusals, overrides, index untouched on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import uploads as U
from ui.jobs import IngestRunner

TEXT = """Safer Testborough Partnership Community Safety Strategy 2023-2026

Our priorities
The Safer Testborough Partnership will tackle fly-tipping and street drinking in Testborough town centre, with
enforcement patrols four nights a week and outreach delivered with the local alcohol treatment service.
"""


@pytest.mark.parametrize("name, safe", [
    ("report.txt", "report.txt"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\evil.TXT", "evil.txt"),
    ("Résumé plan 2023.PDF", "Resume-plan-2023.pdf"),
    (".hidden.md", "hidden.md"),
    ("a<b>|c?.txt", "a-b-c.txt"),
    ("", "upload"),
    ("....", "upload"),
    ("x" * 400 + ".txt", "x" * 116 + ".txt"),
])
def test_safe_filename(name: str, safe: str) -> None:
    assert U.safe_filename(name) == safe


def test_overrides_keep_only_what_the_user_changed() -> None:
    staged = [U.StagedFile("a.txt", Path("/x/a.txt"), {"partnership": "Walsall", "doc_type": "strategy",
                                                      "title": "T", "period": "2020"})]
    assert U.overrides(staged, [["a.txt", "Walsall", "strategy", "T", "2020"]]) == {}
    assert U.overrides(staged, [["a.txt", "Dudley", "strategy", "", "2020"]]) == {"a.txt": {"partnership": "Dudley"}}


def _run(runner: IngestRunner, paths: list[Path], overrides: dict | None = None):
    job = runner.submit("test", paths, overrides)
    assert job.done.wait(120)
    return job


def test_stage_refuses_bad_files_and_ingests_good_ones(runtime_factory, tmp_path: Path) -> None:
    rt = runtime_factory()
    rt.settings.app.max_upload_mb = 0.001  # 1 kB
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "a\\..\\..\\testborough strategy.txt"  # a backslash path in a (valid) Linux name
    good.write_text(TEXT)
    corrupt = incoming / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    big = incoming / "big.txt"
    big.write_text("word " * 1000)
    staged, refused = U.stage([str(good), str(corrupt), str(big)], rt.settings, rt.pipeline)
    assert [s.name for s in staged] == ["testborough-strategy.txt"]
    assert staged[0].path.parent.parent == U.uploads_dir(rt.settings) / ".staging"
    assert staged[0].detected["partnership"] == "Testborough"
    reasons = {o.source: o.reason for o in refused}
    assert "PDF" in reasons["broken.pdf"] and "upload limit" in reasons["big.txt"]
    assert len(list((U.uploads_dir(rt.settings) / ".staging").iterdir())) == 1  # refused files left nothing

    before = rt.store.version()
    runner = IngestRunner(lambda: rt.pipeline)
    job = _run(runner, [corrupt])
    assert job.report and job.report.failed and rt.store.version() == before  # a failed upload changes nothing

    job = _run(runner, [s.path for s in staged], U.overrides(staged, [["testborough-strategy.txt", "Walsall",
                                                                        "partnership plan", "", ""]]))
    U.finish(staged, job.outcomes, rt.settings)
    [doc] = rt.store.documents()
    assert doc["source"] == "testborough-strategy.txt" and doc["partnership"] == "Walsall"
    assert doc["source_doc_type"] == "partnership plan" and doc["inferred"] is False
    assert (U.uploads_dir(rt.settings) / "testborough-strategy.txt").is_file()
    assert not list((U.uploads_dir(rt.settings) / ".staging").iterdir())


def test_first_run_job_starts_once_and_only_on_an_empty_index(runtime_factory, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "testborough.txt").write_text(TEXT)
    rt = runtime_factory(corpus_dir=corpus)
    runner = IngestRunner(lambda: rt.pipeline)
    job = runner.first_run_job(corpus, lambda: rt.store.count() == 0)
    assert job is not None and runner.first_run_job(corpus, lambda: True) is job
    assert job.done.wait(120) and job.total == 1 and [o.status for o in job.outcomes] == ["ingested"]
    assert IngestRunner(lambda: rt.pipeline).first_run_job(corpus, lambda: rt.store.count() == 0) is None


def test_searching_goes_on_while_a_long_ingest_runs(runtime_factory) -> None:
    import time

    from tests.conftest import CORPUS

    rt = runtime_factory(corpus_dir=CORPUS)
    rt.pipeline.run([CORPUS / "dudley-scrutiny-report-safe-and-sound-2021.txt"], progress=False)
    job = IngestRunner(lambda: rt.pipeline).submit("corpus", [CORPUS])
    answered = []
    while not job.finished:
        start = time.perf_counter()
        result = rt.searcher.search("community cohesion in Dudley")
        answered.append(time.perf_counter() - start)
        assert result.hits
    assert job.report and not job.report.failed
    assert len(answered) >= 3 and sorted(answered)[len(answered) // 2] < 2.0  # not held up by the ingest
