"""Plain data records passed between the ingest stages and into the index."""

from __future__ import annotations

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

    def embed_text(self) -> str:
        """The text that is embedded/searched: trail + passage, so a chunk read alone says what it is about."""
        return f"{self.trail}\n{self.text}" if self.trail else self.text
