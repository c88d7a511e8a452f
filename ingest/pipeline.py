"""Folder ingestion: find supported files, load each (one bad file never stops the rest).

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("山西省科技厅召开会议\\n会议强调创新。", encoding="utf-8")
    >>> _ = (d / "bad.txt").write_bytes(b"")
    >>> docs, skipped = load_folder(d)
    >>> [x.name for x in docs], [Path(p).name for p, _ in skipped]
    (['a.txt'], ['bad.txt'])
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.loaders import load_file, supported_suffixes
from ingest.metadata import SIDECAR_NAMES, load_sidecar
from ingest.types import Document, LoadError

Progress = Callable[[int, int, Path], None]  # (index done, total, path)


def scan_folder(folder: Path) -> list[Path]:
    """Supported files under ``folder`` (recursive), skipping hidden entries and sidecars; sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(str(folder), "不是文件夹 / not a folder")
    suffixes = set(supported_suffixes())
    out = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if p.is_file() and p.suffix.lower() in suffixes and p.name not in SIDECAR_NAMES:
            out.append(p)
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def load_folder(folder: Path, progress: Progress | None = None) -> tuple[list[Document], list[tuple[str, str]]]:
    """Load every supported file → (documents, [(path, reason) of skipped files]).

    Sidecar values (``load_sidecar``) are looked up by relative path first, then by file name.
    A malformed sidecar raises LoadError: silently ignoring the user's metadata would be worse.
    """
    folder = Path(folder)
    files = scan_folder(folder)
    sidecar = load_sidecar(folder)
    docs: list[Document] = []
    skipped: list[tuple[str, str]] = []
    for i, path in enumerate(files):
        rel = path.relative_to(folder).as_posix()
        overrides = sidecar.get(rel) or sidecar.get(path.name)
        try:
            docs.append(load_file(path, overrides, root=folder))
        except LoadError as e:
            skipped.append((str(path), e.reason))
        except Exception as e:  # a loader bug must not stop the other files
            skipped.append((str(path), f"{type(e).__name__}: {e}"))
        if progress:
            progress(i + 1, len(files), path)
    return docs, skipped
