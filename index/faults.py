"""Fault injection for the crash tests (tests/test_crash.py): ``POLICYQA_CRASH_AT=<point>[:<n>]`` kills the process
with SIGKILL the n-th time (default the first) a build passes ``crash_point(<point>)`` — no cleanup, no flush, as a
power cut or the OOM killer would. Unset (always, outside those tests), a crash point costs one dict lookup.

Points: ``encode`` (after a batch of vectors is committed to the cache), ``bm25``, ``dense`` and ``sqlite`` (after
each part of a version is written), ``switch`` (the version moved into ``versions/``, ``CURRENT`` not yet
rewritten), ``current`` (the new ``CURRENT`` written to a temporary file, not yet renamed), ``prune`` (while old
versions are deleted), ``milvus`` (after each batch of rows is sent to Milvus, before the flush; with
``backend = "milvus"``).

``POLICYQA_PAUSE_AT=<point>:<seconds>`` sleeps there instead (the build holds its lock meanwhile): the concurrency
tests use it to meet a build in the middle.

    >>> crash_point("bm25")  # no POLICYQA_CRASH_AT: nothing happens
"""

from __future__ import annotations

import os
import signal
import time

_PASSED: dict[str, int] = {}


def crash_point(name: str) -> None:
    pause = os.environ.get("POLICYQA_PAUSE_AT")
    if pause:
        point, _, secs = pause.partition(":")
        if point == name:
            time.sleep(float(secs or 1))
    spec = os.environ.get("POLICYQA_CRASH_AT")
    if not spec:
        return
    point, _, n = spec.partition(":")
    if point != name:
        return
    _PASSED[name] = _PASSED.get(name, 0) + 1
    if _PASSED[name] >= int(n or 1):
        os.kill(os.getpid(), signal.SIGKILL)
