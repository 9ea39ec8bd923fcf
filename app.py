"""The Gradio web app (minimal search page; the full app comes with the app issue)."""

from __future__ import annotations

import html
import sys

from cspkb.settings import Settings, apply_offline_environment


def build(settings: Settings):  # noqa: ANN201 - gradio Blocks
    apply_offline_environment()
    import gradio as gr

    from cspkb.runtime import Runtime

    rt = Runtime(settings)

    def run_search(query: str) -> str:
        if not query.strip():
            return ""
        result = rt.searcher.search(query)
        lines = []
        for h in result.hits:
            where = f"p.{h.page}" if h.page else (h.section or "")
            lines.append(f"**{h.rank}. {h.partnership}** — {h.document} ({where})\n\n> {html.escape(h.text)}")
        if not result.found:
            lines.insert(0, "_Nothing in the indexed documents clears the relevance floor; the closest passages are below._")
        return "\n\n".join(lines) or "No results."

    with gr.Blocks(title="CSP Knowledge Base") as demo:
        gr.Markdown("# CSP Knowledge Base")
        query = gr.Textbox(label="Search")
        out = gr.Markdown()
        query.submit(run_search, query, out)
    return demo


def main(settings: Settings | None = None) -> int:
    settings = settings or Settings()
    demo = build(settings)
    demo.launch(server_name=settings.app.host, server_port=settings.app.port, share=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
