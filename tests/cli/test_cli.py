"""The cspkb command line: fast start, JSON shapes, batch mode, docs listing, exit codes."""

import io
import json
import subprocess
import sys

from cspkb import cli
from tests.index.test_store import write_corpus


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; import cspkb.cli as c\n"
            "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch','sentence_transformers','chromadb','gradio','llama_index.core') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _args(tmp_path, *rest):
    return ["--data-dir", str(tmp_path / "data"), "--collection", "clitest", *rest]


def test_ingest_search_json_batch_and_docs(tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("CSPKB_PATHS__CORPUS_DIR", str(corpus))
    assert cli.main(_args(tmp_path, "ingest")) == 0
    assert "2 ingested, 0 unchanged, 0 failed" in capsys.readouterr().out

    assert cli.main(_args(tmp_path, "search", "knife bins", "--k", "2", "--json")) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["query"] == "knife bins"
    hit = payload["hits"][0]
    assert set(hit) == {"rank", "score", "text", "partnership", "document", "source", "page", "section", "chunk_id"}
    assert (hit["partnership"], hit["source"], hit["page"]) == ("Alphaton", "alpha-annual-report.txt", None)

    monkeypatch.setattr(sys, "stdin", io.StringIO("knife bins\n\nrefuge places\n"))
    assert cli.main(_args(tmp_path, "search", "--batch", "-", "--k", "1")) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["query"] for x in lines] == ["knife bins", "refuge places"]
    assert lines[1]["hits"][0]["partnership"] == "Betaford"

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(_args(tmp_path, "search", "--partnership", "Betaford", "knife bins", "--json")) == 0
    assert {h["partnership"] for h in json.loads(capsys.readouterr().out)["hits"]} == {"Betaford"}

    assert cli.main(_args(tmp_path, "search", "knife bins", "--k", "2")) == 0
    assert "Nothing in the documents" not in capsys.readouterr().out
    assert cli.main(_args(tmp_path, "search", "orchestra rehearsal timetable for violinists", "--k", "2")) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Nothing in the documents is about this") and " 1. [" in shown  # the nearest still listed, after the warning

    assert cli.main(_args(tmp_path, "docs")) == 0
    listing = capsys.readouterr().out
    assert "Alphaton" in listing and "(metadata inferred)" in listing


def test_mismatched_index_exits_3_with_advice(tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("CSPKB_PATHS__CORPUS_DIR", str(corpus))
    assert cli.main(_args(tmp_path, "ingest")) == 0
    monkeypatch.setenv("CSPKB_CHUNKING__TARGET_WORDS", "99")
    assert cli.main(_args(tmp_path, "search", "knife")) == 3
    assert "cspkb ingest --rebuild" in capsys.readouterr().err
    assert cli.main(_args(tmp_path, "ingest", "--rebuild")) == 0


def test_output_piped_into_a_reader_that_has_gone_ends_quietly(tmp_path):
    """`cspkb ... | head`: when the reader closes early, no BrokenPipeError traceback, exit 0."""
    proc = subprocess.Popen([sys.executable, "-m", "cspkb.cli", *_args(tmp_path, "docs")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away before anything is written
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert b"BrokenPipeError" not in err and b"Traceback" not in err
