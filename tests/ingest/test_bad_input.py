"""Bad input in ingestion: every file that cannot be indexed gets a one-line error naming the
file and the reason, the rest of the batch goes on, the index keeps what it had, and the CLI
exit code says some files failed.

Every fixture file is generated here: text PDFs and image-only PDFs with fpdf2, encrypted
PDFs with pypdf, everything else from bytes. The batch tests run the real pipeline over a real
Chroma index with the real embedding model (one Runtime for the module).
"""

from __future__ import annotations

import io
import random
import struct
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from cspkb.settings import Settings
from ingest.clean import clean_pages
from ingest.errors import IngestError
from ingest.loaders import load_file

NO_LIMIT = 10_000_000  # bytes: large enough for every generated file

# --- fixture files ------------------------------------------------------------------------

GOOD_TEXT = """Safer Testshire Partnership Plan 2024-2027

Introduction

The Safer Testshire Partnership brings together the council, police, fire service, probation and
health partners to reduce crime and keep residents safe. This plan sets out our priorities for the
next three years and how we will measure progress against them.

Priority one: reducing serious violence

We will work with schools and youth services to prevent young people being drawn into violence,
and we will fund outreach workers in the town centre on Friday and Saturday nights.

Priority two: tackling anti-social behaviour

Residents told us that anti-social behaviour in parks and on estates matters most to them. The
Safer Testshire Partnership will use problem-solving meetings, CCTV and community payback to
respond quickly to their concerns.
"""

#: Windows-1252 text: '£' (0xA3), curly quotes (0x93/0x94) and apostrophe (0x92) are not UTF-8.
CP1252_TEXT = (
    "Safer Testshire Partnership: Community Grants\n\n"
    "The partnership spent £12,500 on the “Safe Streets” scheme in the town’s centre, "
    "and a further £3,000 on lighting in Testshire’s two largest parks. Residents said the "
    "scheme made them feel “much safer” after dark, and the partnership’s board agreed to "
    "continue the grants next year.\n"
)

REPORT_PAGES = [
    ["Safer Testshire Partnership Annual Report 2023-24",
     "This report describes what the partnership achieved during the year.",
     "Knife crime fell by a fifth after the weapons amnesty in the spring."],
    ["Domestic abuse",
     "The refuge opened twelve new places for families fleeing abuse.",
     "Independent advisers supported more survivors than in any previous year."],
]


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with a real text layer: one line of Helvetica per string, one page per list."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def tiny_png(width: int = 16, height: int = 16) -> bytes:
    """An RGB PNG built by hand (zlib + struct): a stand-in for a scanned page."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 16) % 256, (y * 16) % 256, 128)) for x in range(width))
        for y in range(height)
    )
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def image_only_pdf(page_labels: list[str] | None = None) -> bytes:
    """Two 'scanned' pages: an embedded image on one, drawn shapes on the other, no text
    (unless page_labels puts a short label, like a scanner's page number, on each page)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(tiny_png()), x=10, y=10, w=180)
    pdf.add_page()
    pdf.rect(20, 20, 120, 60, style="F")
    pdf.line(10, 100, 190, 280)
    if page_labels:
        pdf.set_font("Helvetica", size=8)
        for number, label in enumerate(page_labels, start=1):
            pdf.page = number
            pdf.text(100, 290, label)
    return bytes(pdf.output())


def encrypted_pdf(plain: bytes, user_password: str, algorithm: str = "AES-128") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def binary_bytes() -> bytes:
    """What a photo renamed to .txt looks like: PNG bytes and noise, NULs included."""
    return tiny_png(64, 64) + random.Random(7).randbytes(2000)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def refused(path: Path, max_bytes: int = NO_LIMIT) -> IngestError:
    """load_file must refuse the file with a one-line message that names it."""
    with pytest.raises(IngestError) as info:
        load_file(path, max_bytes)
    err = info.value
    assert err.path == str(path)
    assert str(err) == f"{path}: {err.reason}"
    assert "\n" not in str(err) and "\r" not in str(err)
    assert err.reason.strip()
    return err


# --- load_file: each kind of bad input ----------------------------------------------------

@pytest.mark.parametrize("name, data", [
    ("empty.txt", b""),
    ("blank.md", b"  \n\t\n  "),
    ("empty.pdf", b""),
    ("blank.pdf", b"\n \r\n"),
])
def test_empty_file_is_refused(tmp_path, name, data):
    err = refused(write(tmp_path / name, data))
    assert err.reason == "empty file"


def test_truncated_pdf_is_refused_as_corrupt(tmp_path):
    whole = text_pdf(REPORT_PAGES)
    err = refused(write(tmp_path / "truncated.pdf", whole[: len(whole) // 2]))
    assert err.reason.startswith("corrupt or truncated PDF (")


def test_pdf_header_followed_by_garbage_is_refused_as_corrupt(tmp_path):
    err = refused(write(tmp_path / "garbage.pdf", b"%PDF-1.7\n" + random.Random(3).randbytes(4000)))
    assert err.reason.startswith("corrupt or truncated PDF (")


def test_pdf_with_a_damaged_stream_is_refused_as_corrupt(tmp_path):
    """pypdf raises NotImplementedError for an unknown stream filter; it must still be an IngestError."""
    whole = text_pdf(REPORT_PAGES)
    assert b"/FlateDecode" in whole
    err = refused(write(tmp_path / "damaged.pdf", whole.replace(b"/FlateDecode", b"/FlateDecodX")))
    assert err.reason.startswith("corrupt or truncated PDF (")
    assert "FlateDecodX" in err.reason


def test_file_named_pdf_that_is_not_a_pdf_is_refused(tmp_path):
    err = refused(write(tmp_path / "report.pdf", GOOD_TEXT.encode()))
    assert err.reason.startswith("not a PDF (no %PDF header)")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_with_user_password_is_refused(tmp_path, algorithm):
    data = encrypted_pdf(text_pdf(REPORT_PAGES), "s3cret", algorithm)
    err = refused(write(tmp_path / "locked.pdf", data))
    assert err.reason.startswith("encrypted PDF with a user password")
    assert "unencrypted copy" in err.reason


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_with_empty_user_password_opens(tmp_path, algorithm):
    """By design: a PDF that only has an owner password (restrictions) opens and loads."""
    plain = text_pdf(REPORT_PAGES)
    path = write(tmp_path / "open-encrypted.pdf", encrypted_pdf(plain, "", algorithm))
    assert PdfReader(path).is_encrypted
    loaded = load_file(path, NO_LIMIT)
    expected = load_file(write(tmp_path / "plain.pdf", plain), NO_LIMIT)
    assert loaded.kind == "pdf"
    assert [p.number for p in loaded.pages] == [1, 2]
    assert [p.text for p in loaded.pages] == [p.text for p in expected.pages]
    assert "Knife crime fell by a fifth" in loaded.pages[0].text


def test_image_only_pdf_is_refused_with_ocr_hint(tmp_path):
    err = refused(write(tmp_path / "scanned.pdf", image_only_pdf()))
    assert err.reason.startswith("no text layer (0 characters on 2 page(s))")
    assert "scanned" in err.reason
    assert "OCR" in err.reason


def test_scanned_pdf_with_only_page_labels_is_refused(tmp_path):
    err = refused(write(tmp_path / "scanned.pdf", image_only_pdf(["Page 1", "Page 2"])))
    assert err.reason.startswith("no text layer (")
    assert "OCR" in err.reason


@pytest.mark.parametrize("name, data", [
    ("photo.txt", binary_bytes()),
    ("notes.md", bytes(range(1, 32)) * 200),  # control characters, no NUL
    ("report.txt", text_pdf(REPORT_PAGES)),  # a PDF with the wrong extension
])
def test_binary_file_named_as_text_is_refused(tmp_path, name, data):
    err = refused(write(tmp_path / name, data))
    assert err.reason.startswith("binary content, not text")


@pytest.mark.parametrize("name", ["notes.docx", "slides.pptx", "README"])
def test_unsupported_extension_is_refused(tmp_path, name):
    path = write(tmp_path / name, GOOD_TEXT.encode())
    err = refused(path)
    suffix = path.suffix or "(none)"
    assert err.reason == f"unsupported file type '{suffix}' (supported: .txt, .md, .pdf)"


def test_file_that_vanished_is_refused(tmp_path):
    path = write(tmp_path / "vanishes.txt", GOOD_TEXT.encode())
    path.unlink()
    err = refused(path)
    assert err.reason == "file disappeared before it could be read"


def test_file_over_the_size_limit_is_refused_and_names_the_limit(tmp_path):
    path = write(tmp_path / "huge.txt", b"x" * 5000)
    err = refused(path, max_bytes=int(0.001 * 1_000_000))
    assert err.reason.startswith("file is 5,000 bytes, over the 0.001 MB limit")
    assert "CSPKB_INGEST__MAX_FILE_MB" in err.reason


def test_large_file_size_is_shown_in_megabytes(tmp_path):
    path = write(tmp_path / "huge.txt", b"word " * 600_000)  # 3 MB
    err = refused(path, max_bytes=2_000_000)
    assert err.reason.startswith("file is 3.0 MB, over the 2 MB limit")


def test_file_exactly_at_the_size_limit_loads(tmp_path):
    data = GOOD_TEXT.encode()
    loaded = load_file(write(tmp_path / "plan.txt", data), max_bytes=len(data))
    assert "Safer Testshire Partnership" in loaded.pages[0].text


# --- load_file: text encodings that must decode correctly -----------------------------------

def test_cp1252_text_decodes_pound_sign_and_curly_quotes(tmp_path):
    data = CP1252_TEXT.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    loaded = load_file(write(tmp_path / "grants.txt", data), NO_LIMIT)
    assert loaded.kind == "text"
    assert loaded.pages[0].text == CP1252_TEXT
    for char in "£“”’":
        assert char in loaded.pages[0].text


def test_latin1_text_decodes(tmp_path):
    text = "Café owners in Testshire paid £5 each; ½ of them joined the Safer Testshire Partnership scheme.\n"
    loaded = load_file(write(tmp_path / "cafe.txt", text.encode("latin-1")), NO_LIMIT)
    assert loaded.pages[0].text == text


def test_cp1252_text_with_a_byte_cp1252_leaves_undefined_keeps_its_curly_quotes(tmp_path):
    """One stray 0x81 must not make the whole file Latin-1 (which turns “ into U+0093)."""
    data = CP1252_TEXT.encode("cp1252") + b"Ref \x81 42.\n"
    text = load_file(write(tmp_path / "grants.txt", data), NO_LIMIT).pages[0].text
    assert text.startswith(CP1252_TEXT)
    assert "\u0093" not in text and "\u0092" not in text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_with_a_unicode_byte_order_mark_is_not_taken_for_binary(tmp_path, encoding):
    """Notepad's 'Unicode' is UTF-16 with a BOM: NUL bytes everywhere, but text all the same."""
    data = ("\ufeff" + CP1252_TEXT).encode(encoding)
    if encoding == "utf-16-be":
        assert data.startswith(b"\xfe\xff")
    assert b"\x00" in data
    loaded = load_file(write(tmp_path / "grants.txt", data), NO_LIMIT)
    assert loaded.pages[0].text.lstrip("\ufeff") == CP1252_TEXT


# --- PDFs that load: page numbers, cleaning of page furniture and hyphenation -------------

def test_two_page_text_pdf_loads_with_page_numbers(tmp_path):
    loaded = load_file(write(tmp_path / "report.pdf", text_pdf(REPORT_PAGES)), NO_LIMIT)
    assert loaded.kind == "pdf"
    assert [p.number for p in loaded.pages] == [1, 2]
    assert "Knife crime fell by a fifth" in loaded.pages[0].text
    assert "refuge opened twelve new places" in loaded.pages[1].text
    assert "refuge" not in loaded.pages[0].text


FURNITURE_BODIES = [
    "Violence reduction is the first priority of the partnership this year.",
    "Domestic abuse services will be recommissioned by the council in the autumn.",
    "Reoffending by young people fell for the third year running in the borough.",
    "Hate crime reporting centres will open in two libraries and the town hall.",
]


def furniture_pdf() -> bytes:
    return text_pdf([
        ["Sensitivity: OFFICIAL", "Safer Testshire Partnership Plan", body, f"Page {n} of 4"]
        for n, body in enumerate(FURNITURE_BODIES, start=1)
    ])


def test_running_header_and_footer_are_removed_and_body_kept(tmp_path):
    loaded = load_file(write(tmp_path / "plan.pdf", furniture_pdf()), NO_LIMIT)
    assert "Sensitivity: OFFICIAL" in loaded.pages[0].text  # extracted, then cleaned away
    assert "Page 3 of 4" in loaded.pages[2].text
    cleaned, _ = clean_pages(loaded.pages)
    assert [p.number for p in cleaned] == [1, 2, 3, 4]
    for page, body in zip(cleaned, FURNITURE_BODIES, strict=True):
        assert page.text == body


def test_word_hyphenated_across_a_line_end_is_joined(tmp_path):
    pages = [[
        "The partnership will expand its commu-",
        "nity safety patrols and its Anti-",
        "Social Behaviour team during the year.",
    ]]
    loaded = load_file(write(tmp_path / "patrols.pdf", text_pdf(pages)), NO_LIMIT)
    assert "commu-\nnity" in loaded.pages[0].text
    cleaned, _ = clean_pages(loaded.pages)
    text = cleaned[0].text
    assert "community safety patrols" in text
    assert "commu-" not in text
    assert "Anti-Social Behaviour" in text  # a capitalised continuation keeps its hyphen


# --- the real pipeline and index: one batch with every kind of bad file --------------------

GOOD_NAME = "testshire-plan.txt"
NEW_PDF = "new-report.pdf"

#: file name -> what its one-line reason must say.
BAD = {
    "empty.txt": "empty file",
    "truncated.pdf": "corrupt or truncated PDF (",
    "locked.pdf": "encrypted PDF with a user password",
    "scanned.pdf": "no text layer (0 characters on 2 page(s))",
    "binary.txt": "binary content, not text",
    "notes.docx": "unsupported file type '.docx'",
    "zz-vanishes.txt": "file disappeared before it could be read",
    "huge.txt": "over the 0.01 MB limit",
}
#: Inputs that look awkward but must be ingested.
AWKWARD_BUT_GOOD = ["cp1252-notes.txt", "open-encrypted.pdf"]
MAX_FILE_MB = 0.01  # 10,000 bytes: every good file is smaller, huge.txt is not
VANISHES = "zz-vanishes.txt"


def write_good_file(folder: Path) -> Path:
    return write(folder / GOOD_NAME, GOOD_TEXT.encode())


def write_batch_files(folder: Path) -> None:
    """Every bad file, the awkward-but-good ones and one new good PDF, next to the good file."""
    report = text_pdf(REPORT_PAGES)
    write(folder / "empty.txt", b"")
    write(folder / "truncated.pdf", report[: len(report) // 2])
    write(folder / "locked.pdf", encrypted_pdf(report, "s3cret"))
    write(folder / "scanned.pdf", image_only_pdf())
    write(folder / "binary.txt", binary_bytes())
    write(folder / "notes.docx", b"PK\x03\x04" + random.Random(5).randbytes(500))
    write(folder / VANISHES, GOOD_TEXT.replace("Testshire", "Vanishford").encode())
    write(folder / "huge.txt", (GOOD_TEXT * 20).encode())
    write(folder / "cp1252-notes.txt", CP1252_TEXT.encode("cp1252"))
    write(folder / "open-encrypted.pdf", encrypted_pdf(text_pdf([["Safer Testshire Partnership Board minutes",
                                                                "The board agreed the new anti-social behaviour policy.",
                                                                "Members asked for a report on street lighting."]]), ""))
    write(folder / NEW_PDF, report)
    for name in [*BAD, *AWKWARD_BUT_GOOD, NEW_PDF]:
        assert (folder / name).exists()
    assert (folder / "huge.txt").stat().st_size > MAX_FILE_MB * 1e6
    assert all((folder / n).stat().st_size < MAX_FILE_MB * 1e6 for n in [GOOD_NAME, NEW_PDF, *AWKWARD_BUT_GOOD])


def batch_settings(root: Path) -> Settings:
    settings = Settings()
    settings.paths.data_dir = root / "data"
    settings.paths.corpus_dir = root / "corpus"  # absent: no manifest, no registry
    settings.store.collection = "badinput" + uuid.uuid4().hex[:12]
    settings.ingest.max_file_mb = MAX_FILE_MB
    return settings


@dataclass
class Snapshot:
    count: int
    hashes: dict[str, str]
    ids: dict[str, list[str]]


def snapshot(store) -> Snapshot:
    hashes = store.document_hashes()
    return Snapshot(store.count(), hashes, {s: sorted(store.chunk_ids(s)) for s in hashes})


@dataclass
class Batch:
    rt: object
    folder: Path
    report: object
    before: Snapshot
    after: Snapshot
    callback_order: list[str]


@pytest.fixture(scope="module")
def batch(tmp_path_factory, embedder) -> Batch:
    """One Runtime: ingest the good file, then a folder of it (unchanged) plus every bad file.
    The vanishing file is deleted from the on_file callback of the first file processed."""
    from cspkb.runtime import Runtime

    root = tmp_path_factory.mktemp("bad-input-batch")
    rt = Runtime(batch_settings(root))
    rt.__dict__["embedder"] = embedder  # the session's loaded model (tests/conftest.py)
    folder = root / "inbox"
    first = rt.pipeline.run([write_good_file(folder)])
    assert [(o.source, o.status) for o in first.outcomes] == [(GOOD_NAME, "ingested")], first.outcomes
    before = snapshot(rt.store)
    assert before.ids[GOOD_NAME]

    write_batch_files(folder)
    order: list[str] = []

    def on_file(outcome) -> None:
        order.append(outcome.source)
        (folder / VANISHES).unlink(missing_ok=True)  # gone after discovery, before its turn

    report = rt.pipeline.run([folder], on_file=on_file)
    return Batch(rt, folder, report, before, snapshot(rt.store), order)


def outcomes_by_source(report) -> dict[str, object]:
    sources = [o.source for o in report.outcomes]
    assert len(sources) == len(set(sources)), f"a file was reported twice: {sources}"
    return {o.source: o for o in report.outcomes}


def test_batch_reports_every_file_once(batch):
    assert set(outcomes_by_source(batch.report)) == {GOOD_NAME, NEW_PDF, *AWKWARD_BUT_GOOD, *BAD}
    assert batch.callback_order[0] != VANISHES  # it really vanished mid-run


@pytest.mark.parametrize("name", sorted(BAD))
def test_batch_bad_file_fails_with_its_reason(batch, name):
    outcome = outcomes_by_source(batch.report)[name]
    assert outcome.status == "failed"
    assert outcome.source == name
    assert BAD[name] in outcome.reason
    assert "\n" not in outcome.reason
    assert "unexpected error" not in outcome.reason
    assert outcome.chunks_added == 0 and outcome.embedded == 0


def test_batch_scanned_pdf_reason_suggests_ocr(batch):
    assert "OCR" in outcomes_by_source(batch.report)["scanned.pdf"].reason


def test_batch_report_failed_list_is_exactly_the_bad_files(batch):
    assert batch.report.failed
    assert {o.source for o in batch.report.failed} == set(BAD)
    assert f"{len(BAD)} failed" in batch.report.summary()


def test_batch_good_files_are_ingested_and_original_unchanged(batch):
    outcomes = outcomes_by_source(batch.report)
    assert outcomes[GOOD_NAME].status == "unchanged"
    for name in [NEW_PDF, *AWKWARD_BUT_GOOD]:
        assert outcomes[name].status == "ingested", outcomes[name]
        assert outcomes[name].chunks_added > 0
        assert batch.after.ids[name]


def test_batch_index_keeps_everything_it_had(batch):
    before, after = batch.before, batch.after
    for source, sha in before.hashes.items():
        assert after.hashes[source] == sha
        assert after.ids[source] == before.ids[source]
    added = sum(o.chunks_added for o in batch.report.outcomes if o.status == "ingested")
    assert after.count == before.count + added


def test_batch_no_chunk_exists_for_any_bad_file(batch):
    assert not set(BAD) & set(batch.after.hashes)
    for name in BAD:
        assert batch.after.ids.get(name) is None
    stored_sources = {c.metadata["source"] for c in batch.rt.store.all_chunks()}
    assert stored_sources == {GOOD_NAME, NEW_PDF, *AWKWARD_BUT_GOOD}


def test_batch_cp1252_characters_survive_into_chunk_text(batch):
    chunks = [c for c in batch.rt.store.all_chunks() if c.metadata["source"] == "cp1252-notes.txt"]
    text = "\n".join(c.text for c in chunks)
    assert "£12,500" in text
    assert "“Safe Streets”" in text
    assert "town’s centre" in text
    assert "\ufffd" not in text and "\u0093" not in text


def test_batch_new_pdf_chunks_carry_page_numbers(batch):
    chunks = [c for c in batch.rt.store.all_chunks() if c.metadata["source"] == NEW_PDF]
    assert chunks
    assert {c.metadata["page_start"] for c in chunks} <= {1, 2}
    assert all(c.metadata["page_start"] >= 1 for c in chunks)
    assert any("Knife crime fell by a fifth" in c.text for c in chunks)


def test_indexed_file_that_turns_bad_keeps_its_old_chunks(tmp_path, embedder):
    """A file indexed earlier, now truncated: it fails, and neither a run nor --prune drops its chunks."""
    from cspkb.runtime import Runtime

    rt = Runtime(batch_settings(tmp_path))  # own collection: prune must not touch the batch's
    rt.__dict__["embedder"] = embedder
    store = rt.store
    folder = tmp_path / "turns-bad"
    plain = text_pdf(REPORT_PAGES[::-1])
    path = write(folder / "turns-bad.pdf", plain)
    assert rt.pipeline.run([folder]).outcomes[0].status == "ingested"
    ids, sha = sorted(store.chunk_ids(path.name)), store.document_hashes()[path.name]
    assert ids

    path.write_bytes(plain[: len(plain) // 2])
    report = rt.pipeline.run([folder], prune=True)
    assert [(o.source, o.status) for o in report.outcomes] == [(path.name, "failed")]
    assert report.outcomes[0].reason.startswith("corrupt or truncated PDF (")
    assert sorted(store.chunk_ids(path.name)) == ids
    assert store.document_hashes()[path.name] == sha


# --- the CLI: exit code 1 and one FAILED line per file --------------------------------------

def run_cli_ingest(root: Path, monkeypatch, embedder, *, progress: bool) -> int:
    """`cspkb ingest <folder>` on a fresh index holding the batch files; the vanishing file is
    deleted right after discovery."""
    import ingest.pipeline
    from cspkb import cli
    from cspkb.runtime import Runtime

    folder = root / "inbox"
    write_good_file(folder)
    write_batch_files(folder)
    monkeypatch.setenv("CSPKB_PATHS__CORPUS_DIR", str(root / "corpus"))
    monkeypatch.setenv("CSPKB_INGEST__MAX_FILE_MB", str(MAX_FILE_MB))
    monkeypatch.setattr(Runtime, "embedder", property(lambda self: embedder))  # no second model load

    discover = ingest.pipeline.discover

    def discover_then_delete(paths):
        found = discover(paths)
        (folder / VANISHES).unlink()
        return found

    monkeypatch.setattr(ingest.pipeline, "discover", discover_then_delete)
    return cli.main(["--data-dir", str(root / "data"), "--collection", "cli" + uuid.uuid4().hex[:12],
                     "ingest", str(folder), *([] if progress else ["--no-progress"])])


def failed_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "FAILED " in line]



def test_cli_exit_code_and_one_failed_line_per_file(tmp_path, monkeypatch, capsys, embedder):
    assert run_cli_ingest(tmp_path, monkeypatch, embedder, progress=False) == 1
    out, err = capsys.readouterr()
    assert f"4 ingested, 0 unchanged, {len(BAD)} failed" in out
    lines = failed_lines(err)
    for name, reason in BAD.items():
        mine = [line for line in lines if line.startswith(f"FAILED {name}: ")]
        assert len(mine) == 1, f"{name}: {lines}"
        assert reason in mine[0]
    assert all(line.startswith("FAILED ") for line in lines)
    good = {GOOD_NAME, NEW_PDF, *AWKWARD_BUT_GOOD}
    assert not [line for line in lines if line.split(":")[0].removeprefix("FAILED ") in good]


def test_cli_reports_unsupported_files_found_in_a_folder(tmp_path, monkeypatch, capsys, embedder):
    assert run_cli_ingest(tmp_path, monkeypatch, embedder, progress=False) == 1
    lines = failed_lines(capsys.readouterr().err)
    assert len([line for line in lines if line.startswith("FAILED notes.docx: unsupported file type '.docx'")]) == 1


def test_cli_failed_lines_start_a_line_while_the_progress_bar_is_shown(tmp_path, monkeypatch, capsys, embedder):
    assert run_cli_ingest(tmp_path, monkeypatch, embedder, progress=True) == 1
    lines = [line.split("\r")[-1] for line in failed_lines(capsys.readouterr().err)]
    assert lines and all(line.startswith("FAILED ") for line in lines), lines
