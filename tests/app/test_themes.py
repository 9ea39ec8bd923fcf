"""The themes matrix on a small corpus: cells, evidence, cache invalidation, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.themes import (
    SATURATION,
    ThemeMatrixCache,
    load_themes,
    suggested_questions,
    themes_path,
    write_figure,
)

WALSALL = """Safer Walsall Partnership Plan 2021

Modern slavery
The Safer Walsall Partnership will tackle modern slavery and human trafficking across the borough. We trained
400 frontline staff to spot the signs of modern slavery and to refer potential victims through the National
Referral Mechanism, and we work with police on labour exploitation in car washes and nail bars.

Human trafficking
Victims of human trafficking are supported by a dedicated coordinator who links housing, health and police
partners so that every referral is followed up within two working days and survivors are kept safe.
"""

DUDLEY = """Dudley Community Safety Partnership Annual Report 2021

Hate crime
Dudley Community Safety Partnership recorded more hate crime reports this year after a campaign encouraging
residents to report hate incidents. Third party reporting centres opened in libraries and community centres,
and victims of hate crime are offered support by a specialist caseworker within a week of reporting.

Hate incidents in schools
Schools now log hate incidents through one shared form, so the partnership can see patterns of prejudice
and target assemblies and training where hate incidents are most often reported by pupils and staff.
"""

THEMES = """themes:
  - name: Modern slavery
    description: modern slavery; human trafficking
  - name: Hate crime
    description: hate crime; hate incidents
  - name: Burglary
    description: domestic burglary; burglary
"""


@pytest.fixture
def setup(runtime_factory, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "walsall-plan-2021.txt").write_text(WALSALL)
    (corpus / "dudley-annual-report-2021.txt").write_text(DUDLEY)
    (corpus / "themes.yaml").write_text(THEMES)
    rt = runtime_factory(corpus_dir=corpus)
    report = rt.pipeline.run([corpus], progress=False)
    assert not report.failed, report.summary()  # themes.yaml is configuration, not a failed document
    return rt, ThemeMatrixCache(rt.settings, rt.searcher)


def test_cells_follow_what_the_documents_cover(setup) -> None:
    rt, cache = setup
    m = cache.get()
    assert m.partnerships == ["Dudley", "Walsall"]
    assert [t.name for t in m.themes] == ["Modern slavery", "Hate crime", "Burglary"]
    slavery, hate = m.cell("Modern slavery", "Walsall"), m.cell("Hate crime", "Dudley")
    floor = rt.settings.retrieval.floor
    for cell in (slavery, hate):  # at least one passage above the floor, and the strength says so
        assert cell.passages >= 1 and cell.strength >= floor / SATURATION
        assert cell.strength == pytest.approx(min(1.0, sum(e.score for e in cell.evidence) / SATURATION), abs=1e-3)
    assert m.cell("Modern slavery", "Dudley").passages == 0 and m.cell("Hate crime", "Walsall").passages == 0
    assert all(m.cell("Burglary", p).strength == 0 for p in m.partnerships)
    e = slavery.evidence[0]
    assert e.partnership == "Walsall" and e.document and e.quote in e.text and "slavery" in e.quote.lower()
    assert e.score >= rt.settings.retrieval.floor
    assert all(a.score >= b.score for a, b in zip(slavery.evidence, slavery.evidence[1:]))


def test_cache_lasts_until_index_or_themes_change(setup) -> None:
    rt, cache = setup
    first = cache.get()
    assert cache.get() is first and cache.cached() is first
    path = themes_path(rt.settings)
    path.write_text(THEMES.replace("  - name: Burglary\n    description: domestic burglary; burglary\n", ""))
    assert cache.cached() is None
    second = cache.get()
    assert second is not first and [t.name for t in second.themes] == ["Modern slavery", "Hate crime"]
    rt.store.delete_document("dudley-annual-report-2021.txt")
    assert cache.cached() is None
    assert cache.get().partnerships == ["Walsall"]


def test_exports_and_suggestions(setup, tmp_path: Path) -> None:
    _, cache = setup
    m = cache.get()
    rows = m.to_csv().strip().splitlines()
    assert rows[0].startswith("theme,partnership,strength,passages")
    assert len(rows) == 1 + len(m.themes) * len(m.partnerships)
    svg = write_figure(m, tmp_path / "m.svg", "svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert write_figure(m, tmp_path / "m.png", "png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    questions = suggested_questions(m)
    assert questions and any("Walsall" in q or "Dudley" in q for q in questions)
    assert all("burglary" not in q.lower() for q in questions)


def test_themes_file_is_read_and_phrases_split(tmp_path: Path) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text("themes:\n  - name: A\n    description: one; two, three\n  - name: ''\n  - name: B\n")
    themes = load_themes(path)
    assert [t.name for t in themes] == ["A", "B"]
    assert themes[0].phrases == ["one", "two", "three"] and themes[1].phrases == ["B"]
    assert load_themes(tmp_path / "missing.yaml") == []


def test_bundled_themes_file_defines_the_issue_themes() -> None:
    from tests.conftest import CORPUS

    names = {t.name.lower() for t in load_themes(CORPUS / "themes.yaml")}
    assert len(names) >= 15
    for needle in ("serious violence", "domestic abuse", "modern slavery", "county lines", "hate crime", "prevent"):
        assert any(needle in n for n in names), needle
