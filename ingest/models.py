"""Plain data records passed between the ingest stages and into the index."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


@dataclass
class Page:
    """Text of one page (PDF) or of the whole file (text formats: number is None)."""

    number: int | None
    text: str


@dataclass
class LoadedFile:
    """What a loader returns: the pages and the hash of the raw bytes."""

    path: str
    sha256: str
    pages: list[Page]
    kind: str  # "text" | "pdf"


@dataclass
class PartSpec:
    """A part of a bundled file (e.g. the plan inside a cabinet report)."""

    title: str
    doc_type: str
    starts_with: str | None = None  # first line of the part; None = start of file
    period: str = ""
    date: str = ""


@dataclass
class DocumentMeta:
    """Metadata of one source file, from the manifest or inferred from its text."""

    source: str  # file name as indexed (stable key)
    partnership: str  # canonical short name, e.g. "Walsall"
    partnership_full: str  # e.g. "Safer Walsall Partnership"
    title: str
    doc_type: str
    period: str = ""
    date: str = ""
    source_url: str = ""
    inferred: bool = False
    draft_markers: list[str] = field(default_factory=list)
    parts: list[PartSpec] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)  # defined in the text: {"MARAC": "Multi Agency ..."}

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Chunk:
    """A citable piece of a document, with everything a citation needs."""

    chunk_id: str
    text: str  # the passage itself (what quotes are taken from)
    trail: str  # heading trail, e.g. "Priority: Violence reduction > Our aim"
    position: int  # order within the document
    source: str
    partnership: str
    partnership_full: str
    document: str  # title of the part the chunk belongs to
    doc_type: str
    period: str
    date: str
    page_start: int | None = None
    page_end: int | None = None
    section: str | None = None
    inferred: bool = False
    text_hash: str = ""
    #: the trail's last part names the list the chunk opens in the middle of, not a heading
    #: over all of it (``ingest.chunker``): "Virtual Decisions" over "- This project will ..."
    continues: str = ""

    def embed_text(self) -> str:
        """The text that is embedded/searched: trail + passage, so a chunk read alone says what it is about."""
        return with_trail(self.trail, self.text)

    def sentence_texts(self) -> list[str]:
        """The chunk's sentences as embedded at ingest, each with the trail (see ``embed_text``):
        a chunk's dense score is the best of its own vector and its sentences' vectors, so one
        sentence that answers a question is not diluted by the rest of the passage."""
        from ingest.structure import sentence_units

        units = sentence_units(self.text)
        if len(units) < 2:  # one sentence: the passage vector already is that sentence's
            return []
        return [with_trail(self.trail, u) for u in units]


def with_trail(trail: str, text: str) -> str:
    """A passage or sentence as it is embedded and shown: its heading trail, then the text."""
    return f"{trail}\n{text}" if trail else text


def unit_hash(text: str) -> str:
    """Key of an embedded text, so re-ingesting re-embeds only what changed."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]
