"""Structure-aware chunking: blocks -> citable chunks with a heading trail.

Chunks close at section headings, grow block by block (paragraphs, bullets, table rows)
up to a target size, and only fall back to sentence boundaries when one block is larger
than the ceiling: a chunk never ends mid-sentence. Sub-headings that fall inside a chunk
stay in its text, and the first chunk under a heading starts with it (a heading such as
"Introduction from the Chair Councillor Garry Perry" is evidence a citation must be able to
quote); the trail ("Priority: Violence reduction > Over the coming year we will") records the
headings in force where the chunk starts, so continuation chunks keep their context. Bundled
files are cut into parts (e.g. cabinet report / plan / equality assessment) and no chunk spans
two parts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cspkb.settings import ChunkSettings
from ingest.models import Chunk, DocumentMeta, Page, PartSpec, unit_hash
from ingest.structure import LINE_LABEL, Block, parse_blocks, split_sentences


@dataclass
class _Draft:
    trail: list[str]
    part: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(b.words for b in self.blocks)

    def has_content(self) -> bool:
        return any(b.kind != "heading" for b in self.blocks)


def _split_long(block: Block, target: int) -> list[Block]:
    """A block over the ceiling becomes several, each a run of whole sentences."""
    pieces: list[Block] = []
    current: list[str] = []
    for sentence in split_sentences(block.text):
        if current and len(" ".join(current + [sentence]).split()) > target:
            pieces.append(Block(block.kind, " ".join(current), block.page_start, block.page_end))
            current = []
        current.append(sentence)
    if current:
        pieces.append(Block(block.kind, " ".join(current), block.page_start, block.page_end))
    return pieces


def _part_starts(blocks: list[Block], parts: list[PartSpec]) -> dict[int, int]:
    """Block index -> part index for each part's first block (part 0 starts the file)."""
    starts: dict[int, int] = {}
    search_from = 0
    for p_index, spec in enumerate(parts):
        if not spec.starts_with:
            continue
        marker = spec.starts_with.strip().lower()
        for b_index in range(search_from, len(blocks)):
            if blocks[b_index].text.lower().startswith(marker):
                starts[b_index] = p_index
                search_from = b_index + 1
                break
    return starts


def draft_chunks(pages: list[Page], parts: list[PartSpec], cfg: ChunkSettings) -> list[_Draft]:
    """Group blocks into chunk drafts (no ids yet)."""
    blocks = parse_blocks(pages)
    starts = _part_starts(blocks, parts)
    drafts: list[_Draft] = []
    trail: list[str] = []  # [level-1 heading, level-2 heading]
    part = 0
    current = _Draft([], part)
    # headings since the last text: the section's own heading, and any with no text under them
    # (a cover title, a divider page), kept at the start of the next passage rather than lost
    pending: list[Block] = []
    holding: str | None = None  # past its target size, the chunk is open for "nested" items or a "list"

    def close() -> None:
        nonlocal current
        if current.has_content():
            drafts.append(current)
        current = _Draft(list(trail), part)

    def keep_pending() -> None:
        """Headings with no text after them that end a part or the document (a closing contact
        block, a report's sign-off) stay there, not lost or carried into the next part: they
        close the part's last passage when it has room, else make one of their own."""
        if not pending:
            return
        tail = _Draft(list(trail), part, list(pending))
        last = drafts[-1] if drafts else None
        if last is not None and last.part == part and last.words + tail.words <= cfg.max_words:
            last.blocks.extend(tail.blocks)
        else:
            drafts.append(tail)
        pending.clear()

    for index, block in enumerate(blocks):
        if index in starts:
            close()
            keep_pending()
            part, trail = starts[index], []
            current = _Draft([], part)
        if block.kind == "heading":
            trail = [block.text] if block.level <= 1 else trail[:1] + [block.text]
            if block.level >= 2 and current.has_content() and current.words < cfg.min_words:
                current.blocks.append(block)  # a sub-heading inside a small chunk stays in its text
                continue
            close()  # the next passage starts under this heading and quotes it
            pending.append(block)
            continue
        pieces = _split_long(block, cfg.target_words) if block.words > cfg.max_words else [block]
        for piece in pieces:
            if current.has_content() and current.words + piece.words > cfg.max_words:
                close()
            current.blocks.extend(pending)
            pending.clear()
            current.blocks.append(piece)
            if current.words < cfg.target_words:
                holding = None
                continue
            # past its target size a chunk stays open only for the rest of a list it has begun
            holding = _held_open(current, piece, blocks, index, cfg, holding)
            if not holding:
                close()
    close()
    keep_pending()
    return _merge_small_tails(drafts, cfg)


def _held_open(current: _Draft, last: Block, blocks: list[Block], index: int, cfg: ChunkSettings,
               holding: str | None) -> str | None:
    """Why a chunk that has reached its target size stays open for the next block, or None:
    a list item's "nested" items, or the "list" a lead-in line (ending in ":") introduces, stay
    with it while they fit under the ceiling, so a passage that promises a list holds the list
    (``holding``: what the chunk is already open for; the next block must continue it)."""
    nxt = blocks[index + 1] if index + 1 < len(blocks) else None
    if nxt is None or nxt.kind != "bullet" or current.words + nxt.words > cfg.max_words:
        return None
    if nxt.text.startswith(" ") and holding != "list":
        return "nested"
    if holding == "list" or (holding is None and last.text.rstrip().endswith(":")):
        return "list"
    return None


#: the longest lead-in line that names a list continued in the next chunk by itself
_LEAD_WORDS = 12


def _continued_list(previous: _Draft | None, draft: _Draft) -> list[str]:
    """What a chunk that opens in the middle of a list is about, for its trail (and its
    ``continues``, as it holds only for that list, not the paragraphs after it): the label of
    the paragraph that introduced the list in the chunk before ("4.10 Virtual Decisions: This
    project is delivered ..." for "- This project will be delivered into 12 schools ..."), or
    that paragraph itself when it is a short lead-in ("Over the coming year we will:");
    else nothing. Without it, the items lose their subject to the chunk boundary."""
    if previous is None or previous.part != draft.part or previous.trail != draft.trail:
        return []
    if not draft.blocks or draft.blocks[0].kind != "bullet":
        return []
    lead = next((b for b in reversed(previous.blocks) if b.kind != "bullet"), None)
    if lead is None or lead.kind == "heading":
        return []  # the heading is in the trail already
    plain = lead.text.replace("**", "").strip()
    m = LINE_LABEL.match(plain)
    if m:
        return [m.group(1).strip()]
    return [plain.rstrip(" :-–")] if len(plain.split()) <= _LEAD_WORDS else []


def _merge_small_tails(drafts: list[_Draft], cfg: ChunkSettings) -> list[_Draft]:
    """A tiny chunk joins the previous one when they share trail and part and fit the ceiling;
    a fragment of a few words at the start of a part joins the next one."""
    merged: list[_Draft] = []
    carry: list[Block] = []
    for i, draft in enumerate(drafts):
        if carry:
            draft.blocks[:0] = carry
            carry = []
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        if draft.words < 10 and nxt is not None and nxt.part == draft.part and (
            not merged or merged[-1].part != draft.part
        ):
            carry = draft.blocks
            continue
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and draft.words < cfg.min_words
            and prev.trail == draft.trail
            and prev.part == draft.part
            and prev.words + draft.words <= cfg.max_words
        ):
            prev.blocks.extend(draft.blocks)
            continue
        merged.append(draft)
    return merged


def chunk_document(pages: list[Page], meta: DocumentMeta, doc_sha256: str, cfg: ChunkSettings) -> list[Chunk]:
    """Chunks of one document, with stable ids (file name + document hash + position: two
    files with the same content under different names do not collide)."""
    parts = meta.parts or [PartSpec(title=meta.title, doc_type=meta.doc_type)]
    chunks: list[Chunk] = []
    previous: _Draft | None = None
    for position, draft in enumerate(draft_chunks(pages, parts, cfg)):
        spec = parts[draft.part]
        text = "\n".join(b.text for b in draft.blocks)
        continued = _continued_list(previous, draft)
        trail = " > ".join(draft.trail[: cfg.trail_depth] + continued)
        previous = draft
        page_values = [p for b in draft.blocks for p in (b.page_start, b.page_end) if p is not None]
        chunks.append(
            Chunk(
                chunk_id=hashlib.sha256(f"{meta.source}:{doc_sha256}:{position}".encode()).hexdigest()[:24],
                text=text,
                trail=trail,
                position=position,
                source=meta.source,
                partnership=meta.partnership,
                partnership_full=meta.partnership_full,
                document=spec.title or meta.title,
                doc_type=spec.doc_type or meta.doc_type,
                period=spec.period or meta.period,
                date=spec.date or meta.date,
                page_start=min(page_values) if page_values else None,
                page_end=max(page_values) if page_values else None,
                section=trail or None,
                inferred=meta.inferred,
                text_hash=unit_hash(f"{trail}\n{text}"),
                continues=continued[0] if continued else "",
            )
        )
    return chunks
