"""Readers behind a small protocol: turn a file into pages of raw text, or raise IngestError.

Every refusal is an ``IngestError`` whose message names the file and the reason, so a batch
can report it in one line and go on. Supported: .txt/.md (UTF-8, UTF-16/32 with a BOM, or
cp1252/Latin-1 decoded correctly) and .pdf (pypdf; page numbers kept).
"""

from __future__ import annotations

import codecs
import hashlib
import struct
import zlib
from pathlib import Path
from typing import Protocol

from ingest.errors import IngestError
from ingest.models import LoadedFile, Page

#: A PDF whose pages average fewer extracted characters than this has no usable text layer.
MIN_PDF_CHARS_PER_PAGE = 20


class Loader(Protocol):
    """Reads one kind of file."""

    extensions: tuple[str, ...]

    def load(self, path: Path, data: bytes) -> list[Page]: ...


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(sample) // 50)


def _unicode_bom(data: bytes) -> str | None:
    """'utf-32' or 'utf-16' when the data starts with that byte-order mark, else None."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _latin1_for_undefined(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte cp1252 leaves undefined (0x81, 0x8D, ...) reads as Latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("cspkb-latin1", _latin1_for_undefined)


def decode_text(data: bytes) -> str:
    """UTF-16/32 with a BOM; else UTF-8 (with or without BOM); else Windows-1252 (curly quotes,
    '£'), where the few bytes cp1252 leaves undefined read as Latin-1 one by one, so a stray
    byte does not turn every curly quote of the file into a control character."""
    bom = _unicode_bom(data)
    if bom:
        return data.decode(bom, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="cspkb-latin1")


class TextLoader:
    """Plain text and Markdown. A form feed, where present, separates pages."""

    extensions = (".txt", ".md")

    def load(self, path: Path, data: bytes) -> list[Page]:
        if _unicode_bom(data) is None and _looks_binary(data):
            raise IngestError(str(path), "binary content, not text (is the extension wrong?)")
        text = decode_text(data)
        if not text.strip():
            raise IngestError(str(path), "no text in file (only whitespace)")
        if "\f" in text:
            parts = text.split("\f")
            return [Page(i + 1, t) for i, t in enumerate(parts)]
        return [Page(None, text)]


class PdfLoader:
    """PDF through pypdf. Encrypted files open only with an empty user password."""

    extensions = (".pdf",)

    def load(self, path: Path, data: bytes) -> list[Page]:
        import io

        from pypdf import PdfReader
        from pypdf.errors import DependencyError, DeprecationError, PyPdfError

        name = str(path)
        if not data.lstrip().startswith(b"%PDF"):
            raise IngestError(name, "not a PDF (no %PDF header): corrupt, or the extension is wrong")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except DependencyError as exc:
                    raise IngestError(name, f"encrypted PDF needs a crypto library: {exc}") from exc
                if not ok:
                    raise IngestError(
                        name, "encrypted PDF with a user password: save an unencrypted copy and ingest that"
                    )
            pages = [Page(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
        except IngestError:
            raise
        except (PyPdfError, DeprecationError, NotImplementedError, ValueError, KeyError, TypeError,
                AttributeError, IndexError, OSError, RecursionError, AssertionError, ArithmeticError,
                zlib.error, struct.error) as exc:
            raise IngestError(name, f"corrupt or truncated PDF ({type(exc).__name__}: {exc})") from exc
        if not pages:
            raise IngestError(name, "PDF has no pages")
        chars = sum(len(p.text.strip()) for p in pages)
        if chars < MIN_PDF_CHARS_PER_PAGE * len(pages):
            raise IngestError(
                name,
                f"no text layer ({chars} characters on {len(pages)} page(s)): looks scanned; "
                "run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result",
            )
        return pages


LOADERS: tuple[Loader, ...] = (TextLoader(), PdfLoader())


def loader_for(path: Path) -> Loader | None:
    """The loader for this file's extension, or None."""
    ext = path.suffix.lower()
    return next((ld for ld in LOADERS if ext in ld.extensions), None)


def supported_extensions() -> tuple[str, ...]:
    return tuple(e for ld in LOADERS for e in ld.extensions)


def _size(n_bytes: int) -> str:
    """'12.3 MB' from a megabyte up, exact bytes below (a small file is not shown as '0.0 MB')."""
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1e6:.1f} MB"
    return f"{n_bytes:,} bytes"


def load_file(path: Path, max_bytes: int) -> LoadedFile:
    """Read, check and load one file. Raises IngestError with a one-line reason."""
    name = str(path)
    loader = loader_for(path)
    if loader is None:
        raise IngestError(
            name,
            f"unsupported file type '{path.suffix or '(none)'}' (supported: {', '.join(supported_extensions())})",
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                name,
                f"file is {_size(size)}, over the {max_bytes / 1e6:g} MB limit "
                "(set CSPKB_INGEST__MAX_FILE_MB to raise it)",
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(name, "file disappeared before it could be read") from exc
    except IsADirectoryError as exc:
        raise IngestError(name, "is a directory, not a file") from exc
    except PermissionError as exc:
        raise IngestError(name, "permission denied") from exc
    if not data.strip():
        raise IngestError(name, "empty file")
    pages = loader.load(path, data)
    kind = "pdf" if isinstance(loader, PdfLoader) else "text"
    return LoadedFile(path=name, sha256=hashlib.sha256(data).hexdigest(), pages=pages, kind=kind)
