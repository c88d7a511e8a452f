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

import os
from collections.abc import Callable
from pathlib import Path

from ingest.loaders import load_file, supported_suffixes
from ingest.metadata import SIDECAR_NAMES, load_sidecar
from ingest.types import Document, LoadError

Progress = Callable[[int, int, Path], None]  # (index done, total, path)


def scan_folder(folder: Path) -> list[Path]:
    """Supported files under ``folder`` (recursive), skipping hidden entries and sidecars; sorted."""
    return scan_folder_report(folder)[0]


def scan_folder_report(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """``(supported files, [(path, reason) passed over])`` under ``folder``: files of a type no loader reads, folders
    that cannot be read, symlinks that loop back. Hidden entries and sidecar files are passed over silently.
    Symlinked folders are followed once each."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(str(folder), "不是文件夹 / not a folder")
    suffixes = set(supported_suffixes())
    out: list[Path] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()

    def unreadable(e: OSError) -> None:
        skipped.append((e.filename or str(folder), f"无法读取文件夹，已跳过 / skipped: cannot read folder ({e.strerror or e})"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            skipped.append((dirpath, "符号链接循环，已跳过 / skipped: symlink loop (folder already scanned)"))
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if name.startswith(".") or name in SIDECAR_NAMES:
                continue
            if not p.is_file():
                skipped.append((str(p), "不是普通文件（断开的链接？）/ skipped: not a regular file (broken link?)"))
            elif p.suffix.lower() in suffixes:
                out.append(p)
            else:
                skipped.append((str(p), f"不支持的格式，已跳过 / skipped: unsupported format {p.suffix or '(none)'!r}"))
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix()), skipped


def load_folder(folder: Path, progress: Progress | None = None) -> tuple[list[Document], list[tuple[str, str]]]:
    """Load every supported file → (documents, [(path, reason) of skipped files]).

    Sidecar values (``load_sidecar``) are looked up by relative path first, then by file name.
    A malformed sidecar raises LoadError: silently ignoring the user's metadata would be worse.
    """
    folder = Path(folder)
    files, skipped = scan_folder_report(folder)
    sidecar = load_sidecar(folder)
    docs: list[Document] = []
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
