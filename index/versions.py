"""Version lifecycle of an index: checksums, the atomic publish, pruning, and read leases.

A build writes a complete version under ``.staging-<name>``, records every file's size and sha256
(``files.json``), fsyncs it, renames it into ``versions/`` and only then replaces ``CURRENT``; a build killed at
any point leaves the previous version live and intact.

A reader takes a shared ``flock`` on ``<index>/.leases/<version>.lock`` while it reads a version's files; pruning
takes the same lock exclusively without waiting and leaves a version being read for the next prune. A loaded
version lives in memory (or in files the reader keeps open), so the lease is held only while loading: builds never
wait on readers, readers never wait on builds. Where the lock file cannot be made (a read-only index folder)
reading goes on without a lease; the loader's retry on a changed ``CURRENT`` still covers that case.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> (root / "versions" / "v1").mkdir(parents=True)
>>> with read_lease(root, "v1") as present:
...     (present, try_remove_version(root, root / "versions" / "v1"))
(True, False)
>>> try_remove_version(root, root / "versions" / "v1"), (root / "versions" / "v1").exists()
(True, False)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from index.faults import crash_point

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no leases, the loader's retry remains
    fcntl = None  # type: ignore[assignment]

FILES_JSON = "files.json"  # per version: every file's size and sha256, written when the version is published


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MB blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_file_list(vdir: Path) -> None:
    """Record the size and sha256 of every file of a version (``files.json``)."""
    files = {p.relative_to(vdir).as_posix(): [p.stat().st_size, file_sha256(p)]
             for p in sorted(vdir.rglob("*")) if p.is_file() and p.name != FILES_JSON}
    (vdir / FILES_JSON).write_text(json.dumps(files, indent=0), encoding="utf-8")


def check_files(vdir: Path, full: bool = False) -> list[str]:
    """Problems with a version's files against ``files.json``: missing or resized files (always), changed contents
    (``full``: every file hashed). [] when all is well or the version predates ``files.json``."""
    listing = vdir / FILES_JSON
    if not listing.is_file():
        return []
    try:
        files = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"{FILES_JSON} is unreadable"]
    problems = []
    for rel, (size, digest) in files.items():
        p = vdir / rel
        if not p.is_file():
            problems.append(f"{rel} is missing")
        elif p.stat().st_size != size:
            problems.append(f"{rel} has {p.stat().st_size:,} bytes, {size:,} were written")
        elif full and file_sha256(p) != digest:
            problems.append(f"{rel} has changed since it was written (checksum differs)")
    return problems


def current_version_dir(index_dir: Path) -> Path | None:
    cur = index_dir / "CURRENT"
    if not cur.exists():
        return None
    name = cur.read_text(encoding="utf-8").strip()
    path = index_dir / "versions" / name
    return path if (path / "manifest.json").exists() else None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for p in sorted(path.rglob("*")):
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(path)


def atomic_write_text(path: Path, text: str, crash: str | None = None) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    if crash:
        crash_point(crash)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def publish_version(index_dir: Path, staging: Path, keep: int = 2) -> Path:
    """Move a fully written staging directory into ``versions/`` and make it current."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    write_file_list(staging)
    _fsync_tree(staging)
    final = versions / staging.name.removeprefix(".staging-")
    os.replace(staging, final)
    _fsync_dir(versions)
    crash_point("switch")
    atomic_write_text(index_dir / "CURRENT", final.name + "\n", crash="current")
    prune_versions(index_dir, keep)
    return final


def prune_versions(index_dir: Path, keep: int) -> None:
    """Delete old versions (never the current one, nor one a reader is opening) and abandoned staging dirs."""
    versions = index_dir / "versions"
    if not versions.exists():
        return
    cur = current_version_dir(index_dir)
    done = sorted((p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[: max(0, len(done) - keep)]:
        if cur is None or old.resolve() != cur.resolve():
            crash_point("prune")
            try_remove_version(index_dir, old)  # a version a reader is opening stays for the next prune
    for stale in versions.parent.glob(".staging-*"):
        # A staging dir older than an hour belongs to a killed build.
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


# ---------------------------------------------------------------- read leases

LEASE_DIR = ".leases"


def _lock_path(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / LEASE_DIR / f"{name}.lock"


@contextlib.contextmanager
def read_lease(index_dir: Path, name: str) -> Iterator[bool]:
    """Hold a shared lease on version ``name`` while the block reads it; yields whether the version still exists
    under the lease (False: it was pruned before the lease was taken — resolve ``CURRENT`` again)."""
    vdir = Path(index_dir) / "versions" / name
    fh = None
    if fcntl is not None:
        try:
            path = _lock_path(index_dir, name)
            path.parent.mkdir(exist_ok=True)
            fh = open(path, "a+b")  # noqa: SIM115 - held for the block
            fcntl.flock(fh, fcntl.LOCK_SH)
        except OSError:
            if fh is not None:
                fh.close()
            fh = None
    try:
        yield vdir.is_dir()
    finally:
        if fh is not None:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()


def try_remove_version(index_dir: Path, vdir: Path) -> bool:
    """Delete an old version unless a reader holds a lease on it; True when it was removed."""
    if fcntl is None:
        shutil.rmtree(vdir, ignore_errors=True)
        return True
    path = _lock_path(index_dir, vdir.name)
    try:
        path.parent.mkdir(exist_ok=True)
        fh = open(path, "a+b")  # noqa: SIM115 - closed below
    except OSError:
        shutil.rmtree(vdir, ignore_errors=True)
        return True
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # being read: the next prune removes it
        shutil.rmtree(vdir, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.unlink(path)  # a reader still waiting on this inode finds the version gone and re-resolves
        return True
    finally:
        fh.close()
