"""Gold question sets (JSON Lines, the format of ../shared/eval/README.md): load, validate, locate evidence.

Usage (reads the shared gold set beside the repository, so not a doctest)::

    from eval.gold import load_gold
    gold = load_gold("../shared/eval/seeds_gold.jsonl")
    gold[0].id, gold[0].type, gold[0].evidence[0].doc
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LANGS = ("zh", "zh-hant", "en", "mixed")
TYPES = ("number", "which-region", "fact", "list", "date", "compare", "which-doc", "unanswerable")


class GoldError(Exception):
    """A gold file that does not follow the format; the message names file and line."""


@dataclass(frozen=True)
class Evidence:
    doc: str
    quote: str


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    type: str
    answer: str
    aliases: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    notes: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


@dataclass(frozen=True)
class EvidenceSpan:
    doc: str
    start: int
    end: int
    ev: int = 0  # index of the evidence quote in its question (a quote found twice gives two spans, one ev)


@dataclass
class LocatedGold:
    """Gold questions with every evidence quote located as a character span in its document."""

    questions: list[GoldQuestion]
    spans: dict[str, list[EvidenceSpan]] = field(default_factory=dict)  # question id -> spans
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (question id, doc, quote)


def load_gold(path: str | Path) -> list[GoldQuestion]:
    path = Path(path)
    if not path.exists():
        raise GoldError(f"{path}: file not found")
    out: list[GoldQuestion] = []
    seen: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        ln = path.read_bytes()[: e.start].count(b"\n") + 1
        raise GoldError(f"{path}:{ln}: 不是 UTF-8 文本 / not UTF-8 text") from None
    except OSError as e:
        raise GoldError(f"{path}: cannot read ({e.strerror or e})") from None
    for ln, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{ln}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{where}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise GoldError(f"{where}: each line must be a JSON object")
        for key in ("id", "question", "type"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise GoldError(f"{where}: missing or empty '{key}'")
        qid = row["id"]
        if qid in seen:
            raise GoldError(f"{where}: duplicate id {qid!r}")
        seen.add(qid)
        qtype = row["type"]
        if qtype not in TYPES:
            raise GoldError(f"{where}: unknown type {qtype!r} (one of {', '.join(TYPES)})")
        lang = row.get("lang", "zh")
        if lang not in LANGS:
            raise GoldError(f"{where}: unknown lang {lang!r} (one of {', '.join(LANGS)})")
        answer = row.get("answer", "") or ""
        evidence = row.get("evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(e, dict) and "doc" in e and "quote" in e for e in evidence):
            raise GoldError(f"{where}: 'evidence' must be a list of {{doc, quote}} objects")
        if qtype == "unanswerable":
            if answer or evidence:
                raise GoldError(f"{where}: an unanswerable question has an empty answer and no evidence")
        else:
            if not answer:
                raise GoldError(f"{where}: answerable question without 'answer'")
            if not evidence:
                raise GoldError(f"{where}: answerable question without 'evidence'")
        aliases = row.get("aliases") or []
        if not isinstance(aliases, list):
            raise GoldError(f"{where}: 'aliases' must be a list")
        out.append(
            GoldQuestion(
                id=qid, question=row["question"], lang=lang, type=qtype, answer=answer,
                aliases=tuple(str(a) for a in aliases),
                evidence=tuple(Evidence(str(e["doc"]), str(e["quote"])) for e in evidence),
                notes=str(row.get("notes", "")),
            )
        )
    if not out:
        raise GoldError(f"{path}: no questions")
    return out


def locate_evidence(questions: list[GoldQuestion], doc_texts: Mapping[str, str]) -> LocatedGold:
    """Find each quote in its document's stored text (every occurrence counts).

    Quotes are matched exactly; if that fails, with newlines and runs of spaces folded
    (copying from a rendered page loses them). Quotes that cannot be found are listed,
    never guessed.
    """
    located = LocatedGold(questions=questions)
    for q in questions:
        spans: list[EvidenceSpan] = []
        for n, ev in enumerate(q.evidence):
            text = doc_texts.get(ev.doc)
            found = _find_all(text, ev.quote) if text is not None and ev.quote.strip() else []
            if not found:
                located.missing.append((q.id, ev.doc, ev.quote))
            spans += [EvidenceSpan(ev.doc, a, b, n) for a, b in found]
        located.spans[q.id] = spans
    return located


def _find_all(text: str, quote: str) -> list[tuple[int, int]]:
    out = []
    i = text.find(quote)
    while i >= 0:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if out:
        return out
    # Whitespace-folded match, mapped back to original offsets.
    import re

    pattern = r"\s*".join(re.escape(ch) for ch in quote if not ch.isspace())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)] if pattern else []


class EvidenceNotFoundError(GoldError):
    """Evidence quotes that are not in the stored text of their documents (the run stops; nothing is guessed)."""

    def __init__(self, path: str, missing: list[tuple[str, str, str]]):
        self.missing = missing
        lines = [f"  {qid}: {doc}: {quote[:60]!r}" for qid, doc, quote in missing]
        super().__init__(f"{path}: {len(missing)} evidence quote(s) not found in the stored document text "
                         f"(check the file names and copy the quotes exactly):\n" + "\n".join(lines))
