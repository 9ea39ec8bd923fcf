"""Uploads: from a browser file to a staged, described file ready to ingest.

A file name from an upload is never used as a path as it came: ``safe_filename`` keeps only
its last component and a conservative character set. Each upload is copied into its own
staging folder under ``data_dir/uploads/.staging``, checked against the upload size limit,
and described by the ingest pipeline's ``prepare`` (which also refuses bad files with a
reason) without touching the index. After ingestion, files that made it into the index are
kept in ``data_dir/uploads`` (so they can be re-ingested) and the staging folder goes.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import IngestError
from ingest.pipeline import FileOutcome

if TYPE_CHECKING:
    from cspkb.settings import Settings
    from ingest.pipeline import IndexDocumentsPipeline

#: The metadata a user can check and correct before ingest, in table order.
FIELDS = ("partnership", "doc_type", "title", "period")
HEADERS = ["File", "Partnership", "Type", "Title", "Period"]


def safe_filename(name: str, *, max_length: int = 120) -> str:
    """A file name safe to create in our folders: last path component only (``/`` and ``\\``),
    ASCII letters, digits, ``.-_`` and spaces-as-dashes, no leading dot, bounded length."""
    base = re.split(r"[\\/]", str(name))[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-_ ")
    base = re.sub(r"\.{2,}", ".", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext.lower()[:10]
    stem = stem[: max_length - len(ext) - 1].strip(".-_") or "upload"
    return f"{stem}.{ext}" if ext else stem


@dataclass
class StagedFile:
    """An upload copied to its staging folder and described, waiting for the user to confirm."""

    name: str
    path: Path
    detected: dict[str, str]

    def row(self) -> list[str]:
        return [self.name, *(self.detected.get(f, "") for f in FIELDS)]


def uploads_dir(settings: Settings) -> Path:
    return settings.paths.data_dir / "uploads"


def stage(files: list[str], settings: Settings,
          pipeline: IndexDocumentsPipeline) -> tuple[list[StagedFile], list[FileOutcome]]:
    """Copy and describe uploaded files; refused ones come back as failed outcomes naming the file."""
    staged: list[StagedFile] = []
    refused: list[FileOutcome] = []
    limit = settings.app.max_upload_mb * 1_000_000
    for item in files or []:
        original = Path(str(item))
        shown = re.split(r"[\\/]", str(getattr(item, "orig_name", None) or original.name))[-1]
        name = safe_filename(shown)
        try:
            size = original.stat().st_size
        except OSError:
            refused.append(FileOutcome(shown, "failed", reason="the upload did not arrive; try again"))
            continue
        if size > limit:
            refused.append(FileOutcome(shown, "failed", reason=(
                f"{size / 1e6:.1f} MB is over the upload limit of {settings.app.max_upload_mb:g} MB")))
            continue
        folder = uploads_dir(settings) / ".staging" / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        shutil.copyfile(original, target)
        try:
            meta, _, _ = pipeline.prepare(target)
        except IngestError as exc:
            refused.append(FileOutcome(shown, "failed", reason=exc.reason))
            shutil.rmtree(folder, ignore_errors=True)
            continue
        except Exception as exc:  # noqa: BLE001 - a broken file must not break the page
            refused.append(FileOutcome(shown, "failed", reason=f"unexpected error: {type(exc).__name__}: {exc}"))
            shutil.rmtree(folder, ignore_errors=True)
            continue
        staged.append(StagedFile(name, target, {f: str(getattr(meta, f) or "") for f in FIELDS}))
    return staged, refused


def overrides(staged: list[StagedFile], rows: list[list[Any]] | None) -> dict[str, dict[str, str]]:
    """Per file, the fields the user changed in the table (unchanged fields stay detected,
    so a file nobody corrected is still marked as having inferred metadata)."""
    edited = {str(r[0]): r for r in rows or [] if r}
    out: dict[str, dict[str, str]] = {}
    for s in staged:
        row = edited.get(s.name)
        if row is None:
            continue
        changed = {f: str(v).strip() for f, v in zip(FIELDS, row[1:])
                   if str(v or "").strip() and str(v).strip() != s.detected.get(f, "")}
        if changed:
            out[s.name] = changed
    return out


def finish(staged: list[StagedFile], outcomes: list[FileOutcome], settings: Settings) -> None:
    """Keep the files that were indexed in the uploads folder; drop every staging folder."""
    kept = {o.source for o in outcomes if o.status in ("ingested", "unchanged")}
    for s in staged:
        if s.name in kept and s.path.exists():
            uploads_dir(settings).mkdir(parents=True, exist_ok=True)
            shutil.move(str(s.path), uploads_dir(settings) / s.name)
        shutil.rmtree(s.path.parent, ignore_errors=True)


def discard(staged: list[StagedFile]) -> None:
    for s in staged:
        shutil.rmtree(s.path.parent, ignore_errors=True)
