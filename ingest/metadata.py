"""Document metadata: from the manifest when the file is listed, inferred from text otherwise.

Inference reads the partnership (see ``ingest.partnerships``), the document type, title,
period and date from the first part of the text and the file name, and marks the record
``inferred=True`` so users can see which metadata was guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ingest.models import DocumentMeta, PartSpec
from ingest.partnerships import Registry, detect_document_partnership

#: Ordered: the first rule that matches the head of the document (or its file name) wins.
DOC_TYPE_RULES: list[tuple[str, str]] = [
    (r"equality impact assessment|\beqia\b", "equality assessment"),
    (r"scrutiny (?:committee|board|panel)|scrutiny report", "scrutiny report"),
    (r"\bcabinet\b", "cabinet report"),
    (r"annual report", "annual report"),
    (r"strategic assessment", "strategic assessment"),
    (r"partnership plan|community safety plan", "partnership plan"),
    (r"\bstrategy\b", "strategy"),
    (r"\bplan\b", "partnership plan"),
]

_PERIOD = re.compile(r"\b(20\d\d)\s*(?:[-–/]|to)\s*((?:20)?\d\d)\b")
_YEAR = re.compile(r"\b(20\d\d)\b")
#: the months, in order (dates here, figures' dates and the months a question asks about)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
          "december")
_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({'|'.join(MONTHS)})\s+(20\d\d)\b", re.IGNORECASE)


def _period(text: str) -> str:
    m = _PERIOD.search(text)
    if m:
        start, end = m.group(1), m.group(2)
        end = end if len(end) == 4 else start[:2] + end
        if 0 <= int(end) - int(start) <= 10:
            return f"{start}-{end}"
    m = _YEAR.search(text)
    return m.group(1) if m else ""


def _date(text: str) -> str:
    m = _DATE.search(text)
    if not m:
        return ""
    month = MONTHS.index(m.group(2).lower()) + 1
    return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"


def _title(text: str, file_name: str, partnership_full: str) -> str:
    """The first title-like line; a line that is only the partnership's name takes the next one too."""
    candidates: list[str] = []
    for line in text.split("\n")[:30]:
        s = line.strip()
        if s.lower().startswith("title\t"):
            return s.split("\t", 1)[1].strip()
        if 2 <= len(s.split()) <= 16 and not s.endswith(".") and not re.match(r"^[\d\W]", s):
            candidates.append(s)
            if s.lower() != partnership_full.lower() or len(candidates) == 2:
                return " ".join(candidates)
    return candidates[0] if candidates else Path(file_name).stem.replace("-", " ").replace("_", " ").strip().capitalize()


def infer_doc_type(head: str, file_name: str, title: str = "") -> str:
    """Type from the file name and title first, then from the head of the text."""
    for probe in (f"{file_name.replace('-', ' ').replace('_', ' ')} {title}", head):
        found = next((t for pattern, t in DOC_TYPE_RULES if re.search(pattern, probe.lower())), None)
        if found:
            return found
    return "document"


def infer_metadata(source: str, text: str, registry: Registry) -> DocumentMeta:
    """Metadata read from the text and file name (``inferred=True``)."""
    head = text[:3000]
    found = detect_document_partnership(text, source, registry)
    partnership, full = found if found else ("Unknown", "Unknown partnership")
    title = _title(text, source, full)
    return DocumentMeta(
        source=source,
        partnership=partnership,
        partnership_full=full,
        title=title,
        doc_type=infer_doc_type(head, source, title),
        period=_period(source.replace("-", " ").replace("_", " ") + "\n" + head),
        date=_date(head),
        inferred=True,
    )


def load_manifest(path: Path) -> dict[str, dict]:
    """file name -> manifest entry. A missing manifest is an empty one."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(d["file"]): d for d in raw.get("documents") or []}


def metadata_from_manifest(source: str, entry: dict, registry: Registry) -> DocumentMeta:
    name = registry.canonical(str(entry["partnership"]))
    parts = [
        PartSpec(
            title=str(p["title"]),
            doc_type=str(p.get("doc_type") or entry.get("doc_type") or "document"),
            starts_with=p.get("starts_with"),
            period=str(p.get("period") or ""),
            date=str(p.get("date") or ""),
        )
        for p in entry.get("parts") or []
    ]
    meta = DocumentMeta(
        source=source,
        partnership=name,
        partnership_full=str(entry.get("partnership_full") or registry.full_name(name)),
        title=str(entry.get("title") or source),
        doc_type=str(entry.get("doc_type") or "document"),
        period=str(entry.get("period") or ""),
        date=str(entry.get("date") or ""),
        source_url=str(entry.get("source_url") or ""),
    )
    if parts:
        meta.parts = [PartSpec(meta.title, meta.doc_type, None, meta.period, meta.date), *parts]
    return meta


def resolve_metadata(source: str, text: str, manifest: dict[str, dict], registry: Registry) -> DocumentMeta:
    """Manifest metadata if the file is listed, else inferred metadata."""
    entry = manifest.get(source)
    return metadata_from_manifest(source, entry, registry) if entry else infer_metadata(source, text, registry)
