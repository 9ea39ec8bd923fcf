"""The Gradio app: Ask (cited answers, sources, filters, compare, export), Themes (the
partnerships x themes matrix with its evidence), Documents (the library, uploads, removal).

Server-wide components live in ``Services`` (the runtime, the themes cache, the ingestion
runner): they are either read-only per request or lock internally. Everything a user sees
is computed from that request's inputs and returned to that session's components, so
sessions never share mutable state; ingestion runs on a background thread, so a long
ingest never holds up answers. Rendering (and escaping) is in ``ui.render``.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkb.settings import Settings, apply_offline_environment

apply_offline_environment()
import gradio as gr

from ui import render as R
from ui import uploads as U
from ui.jobs import IngestJob, IngestRunner

ANY_YEAR = "Any year"
EXAMPLES_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('button.example');
  if (b) trigger('click', {question: b.dataset.question});
});
"""
HEATMAP_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('button.cell');
  if (b) trigger('click', {theme: b.dataset.theme, partnership: b.dataset.partnership});
});
"""
#: Polling interval while watching an ingestion job.
POLL_S = 0.4


@dataclass
class Facets:
    """What the filters offer: the partnerships, document types and years in the index."""

    partnerships: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


class Services:
    """Components shared by every session (see module docstring)."""

    def __init__(self, settings: Settings, runtime: Any = None) -> None:
        from cspkb.runtime import Runtime
        from index.themes import ThemeMatrixCache

        self.settings = settings
        self.rt = runtime or Runtime(settings)
        self.themes = ThemeMatrixCache(settings, self.rt.searcher)
        self.jobs = IngestRunner(lambda: self.rt.pipeline, on_done=lambda _job: self.warm_themes())
        self.exports = Path(tempfile.mkdtemp(prefix="cspkb-app-"))  # answer and matrix downloads
        atexit.register(shutil.rmtree, self.exports, True)

    def warm_themes(self) -> None:
        """Compute the themes matrix in the background (it is then ready when asked for)."""
        threading.Thread(target=self.themes.get, daemon=True, name="cspkb-themes").start()

    def facets(self) -> Facets:
        if self.rt.store.count() == 0:
            return Facets()
        view = self.rt.searcher.view()
        years: set[int] = set()
        for m in view.metas:
            start, end = int(m.get("year_start") or 0), int(m.get("year_end") or 0)
            if start and end and end - start <= 20:
                years.update(range(start, end + 1))
        return Facets(sorted({str(m.get("partnership")) for m in view.metas if m.get("partnership")}),
                      sorted({str(m.get("doc_type")) for m in view.metas if m.get("doc_type")}),
                      sorted(years))

    def export_path(self, name: str) -> Path:
        folder = self.exports / f"{time.time_ns():x}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name


def _event_data(evt: gr.EventData) -> dict[str, Any]:
    """What the page's script passed with ``trigger('click', {...})``."""
    data = getattr(evt, "_data", None)
    return data if isinstance(data, dict) else {}


def _slug(text: str, limit: int = 50) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "answer"


def create(settings: Settings, runtime: Any = None) -> tuple[Any, dict[str, Any]]:
    """The Blocks and the keyword arguments ``launch`` needs (theme, CSS, limits, login)."""
    from index.search import Filters
    from index.themes import suggested_questions
    from ui.style import CSS, theme

    svc = Services(settings, runtime)

    # --- handlers -------------------------------------------------------------------------
    def library_updates() -> tuple[Any, ...]:
        """Everything that depends on what the library holds."""
        docs = svc.rt.store.documents()
        f = svc.facets()
        return (
            R.masthead_html(docs),
            gr.Dropdown(choices=f.partnerships),
            gr.Dropdown(choices=f.doc_types),
            gr.Dropdown(choices=[ANY_YEAR, *f.years]),
            R.library_html(docs),
            gr.Dropdown(choices=[(f"{d['partnership']}: {d['source_title']} ({d['source']})", d["source"]) for d in docs],
                        value=None),
        )

    def examples() -> str:
        matrix = svc.themes.cached() or (svc.themes.get() if svc.rt.store.count() else None)
        return R.examples_html(suggested_questions(matrix)) if matrix else ""

    def watch(job: IngestJob, title: str):
        while not job.done.wait(POLL_S):
            detail = f"last: {job.last()}" if job.outcomes else "loading the embedding model"
            yield R.progress_html(title, len(job.outcomes), job.total, detail)

    def on_load():
        skip = (gr.skip(),) * 7
        job = None
        if settings.app.first_run_ingest:
            job = svc.jobs.first_run_job(settings.paths.corpus_dir, lambda: svc.rt.store.count() == 0)
        if job is not None and not job.finished:
            for progress in watch(job, job.title):
                yield (gr.HTML(progress, visible=True), *skip)
        banner = gr.HTML("", visible=False)
        if job is not None and job.finished and (job.error or (job.report and job.report.failed)):
            failed = job.report.failed if job.report else []
            error = f'<p class="flag">{R.esc(job.error)}</p>' if job.error else ""
            banner = gr.HTML(f'<div class="progress-box">{error}{R.outcomes_html(failed)}</div>', visible=True)
        yield (banner, *library_updates(), gr.skip())
        yield (gr.skip(), *(gr.skip(),) * 6, examples())

    def ask(question: str, partnerships: list[str] | None, doc_types: list[str] | None, year: Any,
            compare: bool):
        question = (question or "").strip()
        if not question:
            return ('<div class="empty-state">Type a question, or pick one of the examples.</div>',
                    R.sources_html([]), "", gr.DownloadButton(visible=False))
        if svc.rt.store.count() == 0:
            return ('<div class="empty-state">The library is empty: add documents in the Documents tab.</div>',
                    R.sources_html([]), "", gr.DownloadButton(visible=False))
        filters = Filters(partnerships=list(partnerships or []), doc_types=list(doc_types or []),
                          year=int(year) if year not in (None, "", ANY_YEAR) else None)
        try:
            answer = svc.rt.answerer.answer(question, filters, compare=True if compare else None)
        except Exception as exc:  # noqa: BLE001 - shown in the page, the session goes on
            return ((f'<div class="answer abstained"><div class="abstain-title">The question could not be answered</div>'
                     f'<p>{R.esc(type(exc).__name__)}: {R.esc(exc)}</p></div>'), R.sources_html([]), "",
                    gr.DownloadButton(visible=False))
        markdown = answer.to_markdown()
        path = svc.export_path(f"{_slug(question)}.md")
        path.write_text(markdown, encoding="utf-8")
        return (R.answer_html(answer, compare=bool(compare)), R.sources_html(answer.citations), markdown,
                gr.DownloadButton(value=str(path), visible=True))

    def pick_example(evt: gr.EventData) -> str:
        return str(_event_data(evt).get("question", ""))

    def matrix_view():
        cached = svc.themes.cached()
        if cached is None:
            yield ('<div class="empty-state">Computing the themes matrix from the index…</div>', gr.skip(),
                   gr.skip(), gr.skip(), gr.skip())
        matrix = cached or svc.themes.get()
        from index.themes import write_figure

        folder = svc.exports / f"themes-{matrix.key}"
        if not (folder / "themes-matrix.svg").exists():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "themes-matrix.csv").write_text(matrix.to_csv(), encoding="utf-8")
            write_figure(matrix, folder / "themes-matrix.png", "png")
            write_figure(matrix, folder / "themes-matrix.svg", "svg")
        yield (R.heatmap_html(matrix), R.evidence_html(None), str(folder / "themes-matrix.csv"),
               str(folder / "themes-matrix.png"), str(folder / "themes-matrix.svg"))

    def show_cell(evt: gr.EventData) -> tuple[str, str]:
        data = _event_data(evt)
        matrix = svc.themes.get()
        theme_name, partnership = str(data.get("theme", "")), str(data.get("partnership", ""))
        described = next((t.description for t in matrix.themes if t.name == theme_name), "")
        if (theme_name, partnership) not in matrix.cells:
            return R.heatmap_html(matrix), R.evidence_html(None)
        return (R.heatmap_html(matrix, (theme_name, partnership)),
                R.evidence_html(matrix.cell(theme_name, partnership), described))

    def inspect_uploads(files: list[Any] | None, previous: list[U.StagedFile]):
        U.discard(previous or [])  # files staged earlier in this session and never added
        staged, refused = U.stage(list(files or []), settings, svc.rt.pipeline)
        rows = [s.row() for s in staged]
        return (staged, gr.Dataframe(value=rows or None, visible=bool(rows)), R.outcomes_html(refused),
                gr.Button(interactive=bool(staged)))

    def clear_uploads(previous: list[U.StagedFile]):
        U.discard(previous or [])
        return [], gr.Dataframe(value=None, visible=False), "", gr.Button(interactive=False)

    def add_uploads(staged: list[U.StagedFile], rows: Any, refusals: str | None):
        none = (gr.skip(),) * 6
        if not staged:
            yield ('<div class="empty-state">Choose PDF or text files first.</div>', *none, gr.skip(), gr.skip(),
                   gr.skip(), gr.skip())
            return
        table = rows.values.tolist() if hasattr(rows, "values") else rows
        job = svc.jobs.submit(f"Adding {len(staged)} file(s) to the library", [s.path for s in staged],
                              U.overrides(staged, table))
        for progress in watch(job, job.title):
            yield (progress, *none, gr.skip(), gr.skip(), gr.skip(), gr.skip())
        U.finish(staged, job.outcomes, settings)
        error = f'<p class="flag">{R.esc(job.error)}</p>' if job.error else ""
        yield ((refusals or "") + error + R.outcomes_html(job.outcomes), *library_updates(), [], gr.Dataframe(value=None, visible=False),
               None, gr.Button(interactive=False))

    def remove(source: str | None):
        if not source:
            return ('<div class="empty-state">Choose a document to remove.</div>', *(gr.skip(),) * 6)
        removed = svc.rt.store.delete_document(source)
        kept = U.uploads_dir(settings) / U.safe_filename(source)
        if removed and kept.is_file():
            kept.unlink()
        from ingest.pipeline import FileOutcome

        message = (R.outcomes_html([FileOutcome(source, "removed", chunks_removed=removed)]) if removed
                   else f'<div class="empty-state">{R.esc(source)} is not in the library.</div>')
        return (message, *library_updates())

    # --- layout ---------------------------------------------------------------------------
    with gr.Blocks(title="CSP Knowledge Base") as demo:
        masthead = gr.HTML(R.masthead_html(), elem_id="masthead-block")
        banner = gr.HTML(visible=False, elem_id="banner")
        with gr.Tabs(elem_id="views"):
            with gr.Tab("Ask", id="ask", elem_id="tab-ask"):  # noqa: SIM117 - nesting mirrors the layout
                with gr.Row(equal_height=False):
                    with gr.Column(scale=7):
                        question = gr.Textbox(label="Question", lines=2, elem_id="question", autofocus=True,
                                              placeholder="e.g. Which partnerships prioritise modern slavery?")
                        example_chips = gr.HTML(elem_id="examples", js_on_load=EXAMPLES_JS)
                        with gr.Row():
                            partnership_filter = gr.Dropdown(label="Partnerships", multiselect=True, scale=3,
                                                             elem_id="filter-partnerships")
                            type_filter = gr.Dropdown(label="Document types", multiselect=True, scale=3,
                                                      elem_id="filter-types")
                            year_filter = gr.Dropdown(label="Period covers", value=ANY_YEAR, choices=[ANY_YEAR],
                                                      scale=2, elem_id="filter-year")
                        with gr.Row():
                            compare = gr.Checkbox(label="Compare partnerships side by side", value=False,
                                                  elem_id="compare", scale=3)
                            ask_button = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=1)
                        answer_panel = gr.HTML(elem_id="answer-panel")
                        with gr.Accordion("Export this answer as Markdown", open=False, elem_id="export"):
                            export_md = gr.Code(language="markdown", buttons=["copy"], show_label=False,
                                                interactive=False, elem_id="export-markdown")
                            download_md = gr.DownloadButton("Download .md", visible=False, elem_id="download-md")
                    with gr.Column(scale=5):
                        sources_panel = gr.HTML(R.sources_html([]), elem_id="sources-panel")
            with gr.Tab("Themes", id="themes", elem_id="tab-themes") as themes_tab:
                gr.HTML('<p class="muted">How strongly each partnership\'s documents cover each community-safety '
                        'theme. Themes and the words searched for each are in the themes file '
                        '(<code>corpus/themes.yaml</code>); the matrix is recomputed when it or the index changes.</p>')
                with gr.Row(equal_height=False):
                    with gr.Column(scale=7):
                        heatmap = gr.HTML('<div class="empty-state">Open this tab to compute the matrix.</div>',
                                          elem_id="heatmap", js_on_load=HEATMAP_JS)
                        with gr.Row():
                            csv_button = gr.DownloadButton("CSV", size="sm", elem_id="export-csv")
                            png_button = gr.DownloadButton("PNG figure", size="sm", elem_id="export-png")
                            svg_button = gr.DownloadButton("SVG figure", size="sm", elem_id="export-svg")
                    with gr.Column(scale=5):
                        evidence_panel = gr.HTML(R.evidence_html(None), elem_id="evidence-panel")
            with gr.Tab("Documents", id="documents", elem_id="tab-documents"):
                library = gr.HTML(elem_id="library")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2):
                        gr.HTML('<div class="panel-title">Add documents</div>')
                        upload = gr.File(label="PDF, .txt or .md files", file_count="multiple",
                                         file_types=[".pdf", ".txt", ".md"], elem_id="upload", height=160)
                    with gr.Column(scale=1):
                        gr.HTML('<div class="panel-title">Remove a document</div>')
                        remove_choice = gr.Dropdown(label="Document", elem_id="remove-choice")
                        remove_button = gr.Button("Remove from library", variant="stop", elem_id="remove-button")
                        remove_status = gr.HTML(elem_id="remove-status")
                detected = gr.Dataframe(headers=U.HEADERS, interactive=True, static_columns=[0], visible=False,
                                        type="array", elem_id="detected", wrap=True,
                                        label="Detected metadata: check and correct it, then add")
                add_button = gr.Button("Add to library", variant="primary", interactive=False, elem_id="add-button")
                upload_status = gr.HTML(elem_id="upload-status")
        staged_state = gr.State([])

        # --- wiring -----------------------------------------------------------------------
        library_outputs = [masthead, partnership_filter, type_filter, year_filter, library, remove_choice]
        demo.load(on_load, outputs=[banner, *library_outputs, example_chips], concurrency_limit=None)
        ask_inputs = [question, partnership_filter, type_filter, year_filter, compare]
        ask_outputs = [answer_panel, sources_panel, export_md, download_md]
        for trigger in (ask_button.click, question.submit):
            trigger(ask, ask_inputs, ask_outputs, concurrency_limit=4, concurrency_id="ask")
        example_chips.click(pick_example, outputs=question, concurrency_limit=None).then(
            ask, ask_inputs, ask_outputs, concurrency_limit=4, concurrency_id="ask")
        themes_tab.select(matrix_view, outputs=[heatmap, evidence_panel, csv_button, png_button, svg_button],
                          concurrency_limit=None)
        heatmap.click(show_cell, outputs=[heatmap, evidence_panel], concurrency_limit=None)
        upload.upload(inspect_uploads, [upload, staged_state], [staged_state, detected, upload_status, add_button],
                      concurrency_limit=2)
        upload.clear(clear_uploads, staged_state, [staged_state, detected, upload_status, add_button])
        add_button.click(add_uploads, [staged_state, detected, upload_status],
                         [upload_status, *library_outputs, staged_state, detected, upload, add_button],
                         concurrency_limit=None)
        remove_button.click(remove, remove_choice, [remove_status, *library_outputs], concurrency_limit=1)

    launch = {
        "server_name": settings.app.host,
        "server_port": settings.app.port,
        "share": False,
        "auth": settings.app.login(),
        "max_file_size": int(settings.app.max_upload_mb * 1_000_000),
        "theme": theme(),
        "css": CSS,
        "footer_links": [],
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "show_error": True,
        "blocked_paths": [str(settings.paths.data_dir)],
        "allowed_paths": [str(svc.exports)],
    }
    if svc.rt.store.count():
        svc.warm_themes()
    return demo, launch
