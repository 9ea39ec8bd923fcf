"""IndexDocumentsPipeline: files in, chunks in the index, a report out.

For each file: load -> clean -> metadata -> chunk -> embed -> write. Files are keyed by
name; a file whose content hash matches the indexed version is skipped, a changed file
replaces exactly its old chunks (re-embedding only chunks whose text changed), and
``prune`` deletes indexed documents whose file is gone. A failing file is reported in one
line and never stops the batch or touches what the index already holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cspkb.settings import Settings
from ingest.chunker import chunk_document
from ingest.clean import clean_pages
from ingest.errors import IngestError
from ingest.loaders import load_file, supported_extensions
from ingest.metadata import load_manifest, resolve_metadata
from ingest.models import Chunk, DocumentMeta, unit_hash
from ingest.partnerships import defined_acronyms, load_registry

if TYPE_CHECKING:  # index types: ingest does not import the index at run time
    from index.embedding import Embedder
    from index.store import ChunkStore

#: Files in a corpus folder that are configuration, not documents.
CONFIG_FILES = {"manifest.yaml", "manifest.yml", "manifest.csv", "partnerships.yaml", "partnerships.yml",
                "themes.yaml", "themes.yml", "readme.md", "readme.txt"}


@dataclass
class FileOutcome:
    source: str
    status: str  # "ingested" | "unchanged" | "failed" | "removed"
    chunks_added: int = 0
    chunks_removed: int = 0
    embedded: int = 0
    reason: str = ""
    meta: DocumentMeta | None = None


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def _count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def embedded(self) -> int:
        return sum(o.embedded for o in self.outcomes)

    def summary(self) -> str:
        added = sum(o.chunks_added for o in self.outcomes)
        removed = sum(o.chunks_removed for o in self.outcomes)
        return (
            f"{self._count('ingested')} ingested, {self._count('unchanged')} unchanged, "
            f"{self._count('failed')} failed, {self._count('removed')} removed; "
            f"chunks +{added} -{removed} ({self.embedded} embedded); {self.seconds:.1f}s"
        )


def discover(paths: list[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files to ingest under the given paths, and failures for what cannot be ingested.
    A folder contributes its supported files (hidden files and config files are skipped;
    other files are reported as unsupported); a path given explicitly is always tried."""
    files: list[Path] = []
    problems: list[FileOutcome] = []
    exts = supported_extensions()
    for path in paths:
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = f.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or f.name.lower() in CONFIG_FILES:
                    continue
                if f.suffix.lower() in exts:
                    files.append(f)
                else:
                    problems.append(FileOutcome(f.name, "failed", reason=(
                        f"unsupported file type '{f.suffix or '(none)'}' (supported: {', '.join(exts)})")))
        elif path.exists() or path.suffix:
            files.append(path)
        else:
            problems.append(FileOutcome(str(path), "failed", reason="no such file or folder"))
    return files, problems


class IndexDocumentsPipeline:
    """Ingest files into a ChunkStore with an Embedder (see module docstring)."""

    def __init__(self, settings: Settings, store: ChunkStore, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.registry = load_registry(settings.paths.partnerships_path())
        self.manifest = load_manifest(settings.paths.manifest_path())

    def prepare(self, path: Path, overrides: dict | None = None) -> tuple[DocumentMeta, list[Chunk], str]:
        """Load, clean, describe and chunk one file (no index access). Raises IngestError."""
        max_bytes = int(self.settings.ingest.max_file_mb * 1_000_000)
        loaded = load_file(path, max_bytes)
        pages, markers = clean_pages(loaded.pages)
        text = "\n\n".join(p.text for p in pages)
        if len(text.split()) < 3:
            raise IngestError(str(path), "no usable text after cleaning")
        meta = resolve_metadata(path.name, text, self.manifest, self.registry)
        if overrides:  # fields a user confirmed or corrected (e.g. in the upload form)
            for key, value in overrides.items():
                if value:
                    setattr(meta, key, value)
            if overrides.get("partnership"):
                meta.partnership = self.registry.canonical(overrides["partnership"])
                meta.partnership_full = self.registry.full_name(meta.partnership)
            meta.inferred = meta.inferred and not any(overrides.values())
        meta.draft_markers = markers
        meta.acronyms = defined_acronyms(text)
        chunks = chunk_document(pages, meta, loaded.sha256, self.settings.chunking)
        if not chunks:
            raise IngestError(str(path), "no text could be chunked")
        return meta, chunks, loaded.sha256

    def ingest_file(self, path: Path, indexed: dict[str, str], *, force: bool = False,
                    overrides: dict | None = None) -> FileOutcome:
        try:
            meta, chunks, sha = self.prepare(path, overrides)
        except IngestError as exc:
            return FileOutcome(path.name, "failed", reason=exc.reason)
        if not force and indexed.get(meta.source) == sha:
            return FileOutcome(meta.source, "unchanged", meta=meta)
        known = self.store.embeddings_by_text_hash(meta.source)
        todo = [c for c in chunks if c.text_hash not in known]
        fresh = dict(zip((c.text_hash for c in todo), self.embedder.embed_documents([c.embed_text() for c in todo])))
        vectors = [known.get(c.text_hash) or fresh[c.text_hash] for c in chunks]
        sentences = self._embedded_sentences(meta.source, chunks)
        old = len(self.store.chunk_ids(meta.source))
        self.store.add_document(chunks, meta, sha, vectors, sentences)
        return FileOutcome(meta.source, "ingested", chunks_added=len(chunks), chunks_removed=old,
                           embedded=len(todo), meta=meta)

    def _embedded_sentences(self, source: str, chunks: list[Chunk]) -> list[list[tuple[str, list[float]]]]:
        """Each chunk's sentences with their vectors, re-using those already indexed for this document."""
        known = self.store.sentence_vectors_by_hash(source)
        texts = [c.sentence_texts() for c in chunks]
        todo = list(dict.fromkeys(t for ts in texts for t in ts if unit_hash(t) not in known))
        fresh = dict(zip(todo, self.embedder.embed_documents(todo)))
        return [[(t, known.get(unit_hash(t)) or fresh[t]) for t in ts] for ts in texts]

    def run(self, paths: list[Path], *, prune: bool = False, rebuild: bool = False,
            progress: bool | None = None, on_file: Callable[[FileOutcome], None] | None = None,
            overrides: dict[str, dict] | None = None) -> IngestReport:
        """Ingest files and folders. ``overrides`` maps a file name to metadata fields a user
        confirmed or corrected (see ``prepare``); such a file is re-indexed even if unchanged."""
        start = time.perf_counter()
        if rebuild:
            self.store.reset()
        files, problems = discover(paths)
        report = IngestReport(outcomes=list(problems))
        if on_file:
            for outcome in problems:
                on_file(outcome)
        indexed = self.store.document_hashes()
        show = progress if progress is not None else len(files) > 3
        iterator = files
        if show:
            from tqdm import tqdm

            iterator = tqdm(files, desc="ingest", unit="file")
        for path in iterator:
            try:
                fields = (overrides or {}).get(path.name)
                outcome = self.ingest_file(path, indexed, force=bool(fields), overrides=fields)
            except Exception as exc:  # noqa: BLE001 - one broken file never stops the batch
                outcome = FileOutcome(path.name, "failed", reason=f"unexpected error: {type(exc).__name__}: {exc}")
            report.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        if prune:
            present = {p.name for p in files}
            for source in sorted(set(indexed) - present):
                removed = self.store.delete_document(source)
                report.outcomes.append(FileOutcome(source, "removed", chunks_removed=removed))
        report.seconds = time.perf_counter() - start
        return report
