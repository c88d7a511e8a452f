"""Split drafted gold questions into a development part and a lockbox, by evidence document.

    python scripts/split_questions.py tests/data/gov/own_*.jsonl --dev tests/data/gov/dev.jsonl \
        --lockbox tests/data/gov/lockbox.jsonl

A question goes to the lockbox when the hash of its first evidence document (when unanswerable, of the document
named by its ``near`` field, else of its id)
falls in the lockbox quarter, so that no document has questions on both sides. The lockbox is never used to
train or tune: it is scored only when an issue is done.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path


def in_lockbox(q: dict, share: int = 4) -> bool:
    ev = q.get("evidence") or []
    # an unanswerable question drafted beside a document ("near": the document it could be mistaken for) goes
    # with that document's questions
    key = ev[0]["doc"] if ev else (q["near"] if q.get("near") else "id:" + q["id"])
    return int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16) % share == 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--lockbox", type=Path, required=True)
    a = ap.parse_args()
    dev, box = [], []
    for f in a.files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                (box if in_lockbox(q) else dev).append(q)
    for path, rows in ((a.dev, dev), (a.lockbox, box)):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: {len(rows)} questions")


if __name__ == "__main__":
    main()
