"""The index, run against the embedded store and a real `chroma run` server: stable ids,
incremental re-ingest, replace/prune, filters, and the settings fingerprint."""

from pathlib import Path

import pytest

from index.search import Filters
from index.store import IndexMismatch
from tests.conftest import make_settings

ALPHA = """Safer Alphaton Partnership

Annual Report 2021/22

Knife crime

The Safer Alphaton Partnership funded knife bins in the town centre and youth workers in A&E. Youth workers meet
young people admitted with stab wounds and offer mentoring, help with school and a route away from gangs. The
partnership will review the scheme with the hospital trust and the police after twelve months of delivery.

Modern slavery

Partners trained 300 staff to spot signs of modern slavery and labour exploitation in car washes. Council
licensing officers now visit nail bars and car washes with the police, and victims are referred through the
National Referral Mechanism to safe accommodation and support from specialist charities in the region.
"""

BETA = """Safer Betaford Partnership

Community Safety Strategy 2019-2022

Domestic abuse

The Safer Betaford Partnership commissioned refuge places and an independent domestic violence advocate service.
Advocates support high-risk victims through the courts, and the refuge offers twelve family rooms with specialist
workers for children. A perpetrator programme will start next year, funded by the police and crime commissioner.

Anti-social behaviour

Neighbourhood wardens and mediation reduce anti-social behaviour on the estates. Wardens patrol in the evenings,
report fly-tipping and noise, and refer repeat cases to the tasking group, which agrees joint action by housing,
police and youth services. Residents can ask for a case review when problems persist after three complaints.
"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "alpha-annual-report.txt").write_text(ALPHA, encoding="utf-8")
    (folder / "beta-strategy.txt").write_text(BETA, encoding="utf-8")
    return folder


def ids_by_source(rt):
    out = {}
    for c in rt.store.all_chunks():
        out.setdefault(c.metadata["source"], set()).add(c.chunk_id)
    return out


def test_ingest_is_incremental_and_ids_stable(runtime_factory, tmp_path, store_url):
    corpus = write_corpus(tmp_path / "corpus")
    rt = runtime_factory(corpus_dir=corpus, url=store_url)
    first = rt.pipeline.run([corpus])
    assert [o.status for o in first.outcomes] == ["ingested", "ingested"]
    before = ids_by_source(rt)

    again = rt.pipeline.run([corpus])
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert again.embedded == 0
    assert ids_by_source(rt) == before

    (corpus / "beta-strategy.txt").write_text(BETA + "\nHate crime\n\n" + "Third-party reporting centres opened in libraries and mosques. " * 6 + "\n")
    changed = rt.pipeline.run([corpus])
    statuses = {o.source: o for o in changed.outcomes}
    assert statuses["alpha-annual-report.txt"].status == "unchanged"
    beta = statuses["beta-strategy.txt"]
    assert beta.status == "ingested"
    assert 0 < beta.embedded < beta.chunks_added  # unchanged chunk texts reuse their vectors
    after = ids_by_source(rt)
    assert after["alpha-annual-report.txt"] == before["alpha-annual-report.txt"]
    assert after["beta-strategy.txt"].isdisjoint(before["beta-strategy.txt"])  # old chunks replaced exactly
    assert rt.store.count() == sum(len(v) for v in after.values())

    (corpus / "alpha-annual-report.txt").unlink()
    pruned = rt.pipeline.run([corpus], prune=True)
    assert [o.source for o in pruned.outcomes if o.status == "removed"] == ["alpha-annual-report.txt"]
    assert set(ids_by_source(rt)) == {"beta-strategy.txt"}


def test_search_returns_citable_hits_and_filters(runtime_factory, tmp_path, store_url):
    corpus = write_corpus(tmp_path / "corpus")
    rt = runtime_factory(corpus_dir=corpus, url=store_url)
    rt.pipeline.run([corpus])
    result = rt.searcher.search("refuge for domestic violence victims", k=3)
    top = result.hits[0]
    assert (top.partnership, top.source) == ("Betaford", "beta-strategy.txt")
    assert "refuge places" in top.text and top.section.endswith("> Domestic abuse")
    assert top.page is None and top.rank == 1 and 0 < top.score <= 1

    only_alpha = rt.searcher.search("refuge for domestic violence victims", k=5, filters=Filters(partnerships=["Alphaton"]))
    assert only_alpha.hits and {h.partnership for h in only_alpha.hits} == {"Alphaton"}
    by_type = rt.searcher.search("anything", k=5, filters=Filters(doc_types=["strategy"]))
    assert {h.source for h in by_type.hits} == {"beta-strategy.txt"}
    in_2020 = rt.searcher.search("anything", k=5, filters=Filters(year=2020))
    assert {h.source for h in in_2020.hits} == {"beta-strategy.txt"}  # 2019-2022 covers 2020; 2021-2022 does not


def test_documents_listing(runtime_factory, tmp_path, store_url):
    corpus = write_corpus(tmp_path / "corpus")
    rt = runtime_factory(corpus_dir=corpus, url=store_url)
    rt.pipeline.run([corpus])
    docs = {d["source"]: d for d in rt.store.documents()}
    assert docs["alpha-annual-report.txt"]["partnership"] == "Alphaton"
    assert docs["alpha-annual-report.txt"]["source_doc_type"] == "annual report"
    assert docs["beta-strategy.txt"]["period"] == "2019-2022"
    assert all(d["inferred"] for d in docs.values())
    assert sum(d["chunks"] for d in docs.values()) == rt.store.count()


def test_index_refuses_other_settings_until_rebuilt(runtime_factory, tmp_path, store_url):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path, corpus_dir=corpus, url=store_url)
    rt = runtime_factory(settings=settings)
    rt.pipeline.run([corpus])
    changed = settings.model_copy(deep=True)
    changed.chunking.target_words = 90
    with pytest.raises(IndexMismatch, match="target_words"):
        runtime_factory(settings=changed).store  # noqa: B018
    rebuilt = runtime_factory(settings=changed, check_fingerprint=False)
    report = rebuilt.pipeline.run([corpus], rebuild=True)
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    runtime_factory(settings=changed).store.check_fingerprint()  # now accepted


def sentence_rows(rt):
    got = rt.store.sentences.get(include=["metadatas"])
    return {i: m for i, m in zip(got["ids"], got["metadatas"])}


def test_sentence_vectors_follow_their_chunks_and_are_reused(runtime_factory, tmp_path, store_url):
    corpus = write_corpus(tmp_path / "corpus")
    rt = runtime_factory(corpus_dir=corpus, url=store_url)
    rt.pipeline.run([corpus])
    chunks = {c.chunk_id: c for c in rt.store.all_chunks()}
    rows = sentence_rows(rt)
    assert rows and {m["chunk_id"] for m in rows.values()} <= set(chunks)
    per_chunk = {cid: sum(m["chunk_id"] == cid for m in rows.values()) for cid in chunks}
    assert max(per_chunk.values()) >= 3  # each sentence of a passage has its own vector

    embedded: list[str] = []
    real = rt.pipeline.embedder.embed_documents
    rt.pipeline.embedder.embed_documents = lambda texts: embedded.extend(texts) or real(texts)
    extra = "Hate crime\n\nThird-party reporting centres opened in libraries and mosques. Volunteers staff them weekly.\n"
    (corpus / "beta-strategy.txt").write_text(BETA + "\n" + extra)
    rt.pipeline.run([corpus])
    assert any("reporting centres" in t for t in embedded)
    assert not any("refuge offers twelve family rooms" in t for t in embedded)  # unchanged sentences reuse vectors
    chunk_ids = {c.chunk_id for c in rt.store.all_chunks()}
    assert {m["chunk_id"] for m in sentence_rows(rt).values()} <= chunk_ids  # none left behind by replaced chunks

    (corpus / "alpha-annual-report.txt").unlink()
    rt.pipeline.run([corpus], prune=True)
    assert {m["source"] for m in sentence_rows(rt).values()} == {"beta-strategy.txt"}
