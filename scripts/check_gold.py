"""Check a gold question file: format, fields, and that every evidence quote is an exact substring.

Usage: python scripts/check_gold.py FILE.jsonl [--corpus ../shared/corpus/gov] [--against OTHER.jsonl ...]

Prints one line per problem and a summary; exits 1 when there is any problem. ``--against`` also reports
questions whose evidence quote repeats one in another set (the same fact asked twice).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

TYPES = {"number", "which-region", "fact", "list", "date", "compare", "which-doc", "unanswerable"}
LANGS = {"zh", "zh-hant", "en", "mixed"}


def check(path: Path, corpus: Path, against: list[Path]) -> int:
    problems = 0
    seen_ids: set[str] = set()
    other_quotes: set[str] = set()
    for other in against:
        for line in other.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for ev in json.loads(line).get("evidence", []):
                    other_quotes.add(ev["quote"])
    cache: dict[str, str] = {}
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"{path}:{n}: bad JSON: {e}")
            problems += 1
            continue
        rows.append(r)
        rid = r.get("id", f"line{n}")
        for key in ("id", "question", "lang", "type", "answer", "aliases", "evidence"):
            if key not in r:
                print(f"{path}:{n} {rid}: missing {key}")
                problems += 1
        if rid in seen_ids:
            print(f"{path}:{n} {rid}: duplicate id")
            problems += 1
        seen_ids.add(rid)
        if r.get("type") not in TYPES:
            print(f"{path}:{n} {rid}: bad type {r.get('type')!r}")
            problems += 1
        if r.get("lang") not in LANGS:
            print(f"{path}:{n} {rid}: bad lang {r.get('lang')!r}")
            problems += 1
        unans = r.get("type") == "unanswerable"
        if unans and (r.get("answer") or r.get("evidence")):
            print(f"{path}:{n} {rid}: unanswerable must have empty answer and evidence")
            problems += 1
        if not unans and (not r.get("answer") or not r.get("evidence")):
            print(f"{path}:{n} {rid}: answerable needs answer and evidence")
            problems += 1
        for ev in r.get("evidence", []):
            doc = ev.get("doc", "")
            if doc not in cache:
                p = corpus / doc
                cache[doc] = p.read_text(encoding="utf-8") if p.is_file() else ""
            if not cache[doc]:
                print(f"{path}:{n} {rid}: no such document {doc}")
                problems += 1
            elif ev.get("quote", "") not in cache[doc] or not ev.get("quote"):
                print(f"{path}:{n} {rid}: quote not in {doc}: {ev.get('quote')!r}")
                problems += 1
            if ev.get("quote") in other_quotes:
                print(f"{path}:{n} {rid}: quote also used in another set: {ev.get('quote')!r}")
                problems += 1
    c_type = collections.Counter(r.get("type") for r in rows)
    c_lang = collections.Counter(r.get("lang") for r in rows)
    docs = {ev["doc"] for r in rows for ev in r.get("evidence", [])}
    print(f"{path}: {len(rows)} questions, {len(docs)} evidence documents, {problems} problems")
    print("  types:", dict(c_type))
    print("  langs:", dict(c_lang))
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus/gov"))
    ap.add_argument("--against", nargs="*", type=Path, default=[], action="extend")
    a = ap.parse_args(argv)
    bad = sum(check(f, a.corpus, a.against) for f in a.files)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
