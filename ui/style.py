"""The app's look: a quiet, document-first theme with fonts served by the app itself.

Fonts are Gradio's bundled IBM Plex files (``LocalFont``, weights 400 and 700: the bundled
semibold files lack glyphs), so the page fetches nothing from outside. Colours follow the
themes matrix scale (``index.themes.SCALE``): slate ink, deep teal accents, amber quotes.
"""

from __future__ import annotations

from typing import Any

INK = "#1f2d3d"
ACCENT = "#0d4a5a"
ACCENT_SOFT = "#e3eff1"
MARK = "#fde68a"


def theme() -> Any:
    import gradio as gr

    sans = gr.themes.LocalFont("IBM Plex Sans", weights=(400, 700))
    mono = gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700))
    return gr.themes.Base(
        primary_hue=gr.themes.colors.teal,
        neutral_hue=gr.themes.colors.slate,
        radius_size=gr.themes.sizes.radius_sm,
        font=[sans, "system-ui", "sans-serif"],
        font_mono=[mono, "ui-monospace", "monospace"],
    ).set(
        body_text_color=INK,
        body_background_fill="#f7f8fa",
        block_background_fill="#ffffff",
        block_border_color="#e2e6ea",
        block_label_text_weight="700",
        block_title_text_weight="700",
        button_primary_background_fill=ACCENT,
        button_primary_background_fill_hover="#13606f",
        button_primary_text_color="#ffffff",
        button_large_text_weight="700",
        button_small_text_weight="700",
        section_header_text_weight="700",
        prose_header_text_weight="700",
        checkbox_label_text_weight="400",
        input_background_fill="#ffffff",
        button_cancel_background_fill="#fdecec",
        button_cancel_background_fill_hover="#f9d6d6",
        button_cancel_text_color="#8b1e1e",
    )


CSS = f"""
.gradio-container {{ max-width: 1320px !important; margin: 0 auto; }}
footer {{ display: none !important; }}
#masthead {{ display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap;
  border-bottom: 3px solid {ACCENT}; padding: 6px 2px 10px; margin-bottom: 4px; }}
#masthead h1 {{ font-size: 1.55rem; margin: 0; color: {ACCENT}; font-weight: 700; letter-spacing: -0.01em; }}
#masthead .tagline {{ color: #5b6b7b; font-size: 0.95rem; }}
#masthead .stats {{ color: #5b6b7b; font-size: 0.85rem; margin-left: auto; }}
.muted {{ color: #6b7a89; font-size: 0.85rem; }}
.empty-state, .sources.empty, .evidence.empty {{ color: #6b7a89; padding: 18px; border: 1px dashed #cdd5dc;
  border-radius: 6px; background: #fbfcfd; }}

/* ask */
#question textarea {{ font-size: 1.05rem; }}
.examples {{ display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 2px 0 4px; }}
.examples .example {{ width: auto; flex: 0 0 auto; margin: 0; border: 1px solid #cfdadf; background: #fff; color: {ACCENT}; border-radius: 999px; padding: 3px 11px;
  font-size: 0.85rem; cursor: pointer; }}
.example:hover {{ background: {ACCENT_SOFT}; }}
.answer {{ background: #fff; border: 1px solid #e2e6ea; border-left: 4px solid {ACCENT}; border-radius: 6px;
  padding: 16px 20px; line-height: 1.6; }}
.answer.abstained {{ border-left-color: #b7791f; }}
.question {{ font-weight: 700; font-size: 1.05rem; margin-bottom: 8px; }}
.abstain-title {{ color: #8a5a14; font-weight: 700; margin-bottom: 4px; }}
.answer p {{ margin: 0 0 8px; }}
.stmt {{ margin-right: 4px; }}
sup.marks {{ margin-left: 1px; }}
a.cite {{ display: inline-block; min-width: 1.35em; padding: 0 4px; margin: 0 1px; border-radius: 4px;
  background: {ACCENT_SOFT}; color: {ACCENT}; font-size: 0.75rem; font-weight: 700; text-align: center;
  text-decoration: none; line-height: 1.5; }}
a.cite:hover {{ background: {ACCENT}; color: #fff; }}
.flag {{ color: #9b2c2c; font-size: 0.8rem; }}
.compare {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; margin-top: 8px; }}
.compare .column {{ border: 1px solid #e2e6ea; border-top: 3px solid {ACCENT}; border-radius: 6px; padding: 10px 12px;
  background: #fbfcfd; }}
.compare h4 {{ margin: 0 0 6px; color: {ACCENT}; font-size: 0.95rem; }}
.coverage {{ display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 8px; }}
.coverage-label {{ font-size: 0.85rem; color: #5b6b7b; margin-right: 4px; }}
.chip {{ font-size: 0.78rem; border-radius: 999px; padding: 1px 9px; }}
.chip.on {{ background: {ACCENT_SOFT}; color: {ACCENT}; font-weight: 700; }}
.chip.off {{ background: #f1f3f5; color: #8795a1; text-decoration: line-through; }}
.notes {{ margin-top: 12px; background: #fff8e6; border: 1px solid #f3dfa8; border-radius: 6px; padding: 8px 12px;
  font-size: 0.88rem; }}
.notes-title {{ font-weight: 700; color: #8a5a14; }}
.notes ul {{ margin: 4px 0 0 18px; padding: 0; }}
.answer-meta {{ margin-top: 10px; color: #6b7a89; font-size: 0.8rem; }}

/* sources and evidence */
#sources-panel {{ position: sticky; top: 8px; max-height: calc(100vh - 24px); overflow-y: auto; }}
.panel-title {{ font-weight: 700; font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase; color: #5b6b7b;
  margin: 2px 0 8px; }}
.source {{ background: #fff; border: 1px solid #e2e6ea; border-radius: 6px; padding: 10px 12px; margin-bottom: 10px;
  scroll-margin-top: 12px; }}
.source:target, .source.flash {{ border-color: {ACCENT}; box-shadow: 0 0 0 3px {ACCENT_SOFT}; }}
.src-head {{ display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: baseline; font-size: 0.85rem; margin-bottom: 6px; }}
.src-n {{ background: {ACCENT}; color: #fff; border-radius: 4px; padding: 0 6px; font-weight: 700; font-size: 0.75rem; }}
.src-partnership {{ font-weight: 700; }}
.src-doc {{ color: #33475b; }}
.src-where {{ color: #6b7a89; }}
.score {{ margin-left: auto; color: #6b7a89; font-family: var(--font-mono); font-size: 0.75rem; }}
.passage {{ font-size: 0.87rem; line-height: 1.55; color: #3d4d5c; white-space: pre-wrap; }}
.passage mark, .quote mark {{ background: {MARK}; color: {INK}; padding: 0 1px; border-radius: 2px; }}
.quote {{ margin: 4px 0; padding: 2px 10px; border-left: 3px solid {MARK}; font-size: 0.9rem; }}
details summary {{ cursor: pointer; color: {ACCENT}; font-size: 0.8rem; }}
.evidence-summary {{ color: #5b6b7b; font-size: 0.85rem; margin-bottom: 8px; }}

/* themes matrix */
.heatmap {{ overflow-x: auto; }}
.heatmap table {{ border-collapse: separate !important; border-spacing: 3px; border: 0 !important; width: auto; }}
.heatmap th, .heatmap td, table.library th, table.library td {{ border-left: 0 !important; border-right: 0 !important;
  border-top: 0 !important; background: transparent; }}
.heatmap th, .heatmap td {{ border-bottom: 0 !important; }}
table.library, table.library tr, .heatmap table, .heatmap tr {{ border: 0 !important; }}
table.library tbody tr {{ border-bottom: 1px solid #eef1f4 !important; }}
.heatmap th {{ font-size: 0.85rem; font-weight: 700; text-align: left; padding: 4px 8px; white-space: nowrap; }}
.heatmap thead th {{ text-align: center; }}
.heatmap td {{ padding: 0; }}
.heatmap .cell {{ width: 100%; min-width: 82px; height: 34px; border: 0; border-radius: 4px; font-weight: 700;
  font-size: 0.85rem; cursor: pointer; }}
.heatmap .cell:hover {{ outline: 2px solid {INK}; }}
.heatmap .cell.selected {{ outline: 3px solid #f59e0b; }}
.legend {{ display: flex; align-items: center; gap: 3px; color: #6b7a89; font-size: 0.8rem; margin-top: 8px; }}
.swatch {{ display: inline-block; width: 22px; height: 12px; border-radius: 2px; border: 1px solid #dfe5ea; }}
.nowrap {{ white-space: nowrap; }}

/* library */
table.library {{ width: 100%; border-collapse: collapse; font-size: 0.9rem; }}
table.library th {{ text-align: left; font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em;
  color: #5b6b7b; border-bottom: 2px solid #e2e6ea; padding: 6px 8px; }}
table.library td {{ border-bottom: 1px solid #eef1f4; padding: 8px; vertical-align: top; }}
table.library .num {{ text-align: right; }}
.doc-title {{ font-weight: 700; }}
.part, .file {{ color: #6b7a89; font-size: 0.8rem; }}
.file {{ font-family: var(--font-mono); }}
.badge {{ font-size: 0.72rem; border-radius: 4px; padding: 1px 6px; margin-right: 4px; font-weight: 700; }}
.badge.inferred {{ background: #fff1d6; color: #8a5a14; }}
.badge.curated {{ background: {ACCENT_SOFT}; color: {ACCENT}; }}
.badge.draft {{ background: #fde2e2; color: #9b2c2c; }}
.progress-box {{ border: 1px solid #cfe3e6; background: #f3f9fa; border-radius: 6px; padding: 10px 14px; }}
.progress-title {{ font-weight: 700; color: {ACCENT}; margin-bottom: 6px; }}
.bar {{ height: 8px; background: #dde9ec; border-radius: 4px; overflow: hidden; margin-bottom: 4px; }}
.fill {{ height: 100%; background: {ACCENT}; transition: width 0.3s; }}
ul.outcomes {{ list-style: none; padding: 0; margin: 6px 0; }}
ul.outcomes li {{ padding: 6px 10px; border-radius: 4px; margin-bottom: 4px; font-size: 0.9rem; }}
ul.outcomes li.ok {{ background: #e8f5ec; color: #1e5631; }}
ul.outcomes li.error {{ background: #fdecec; color: #8b1e1e; }}
"""
