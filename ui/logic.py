"""Pure page logic (no Streamlit): filters, progress, document rows, build messages, eval reports.

    >>> build_filters(["浙江"], (2020, 2023), (2020, 2023), [], [])
    Filters(regions=('浙江',), year_from=None, year_to=None, doc_types=(), docs=())
    >>> progress_fraction("encode", 5, 10)
    0.65
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from config import ROOT
from retrieval.types import Filters
from ui.i18n import pick, t

# ---------------------------------------------------------------- places


def uploads_dir() -> Path:
    """Where uploaded files are saved (one folder, so a re-upload of a name replaces it)."""
    return Path(os.environ.get("POLICYQA_UPLOAD_DIR", ROOT / "var" / "uploads"))


def eval_dir() -> Path:
    return Path(os.environ.get("POLICYQA_EVAL_DIR", ROOT / "var" / "eval"))


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded name: no directories, no leading dots, no control characters.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("..")
    'upload'
    """
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f]", "", base).strip().lstrip(".")
    return base or "upload"


# ---------------------------------------------------------------- filters


def build_filters(regions: Sequence[str], year_range: tuple[int, int] | None, full_range: tuple[int, int] | None,
                  doc_types: Sequence[str], docs: Sequence[str]) -> Filters:
    """Sidebar choices → Filters. A year range equal to the full range means "no restriction"
    (so that documents without a known year are not dropped)."""
    yf = yt = None
    if year_range and full_range and tuple(year_range) != tuple(full_range):
        yf, yt = int(year_range[0]), int(year_range[1])
    return Filters(regions=tuple(regions), year_from=yf, year_to=yt, doc_types=tuple(doc_types), docs=tuple(docs))


def filter_summary(f: Filters) -> str:
    parts = list(f.regions)
    if f.year_from or f.year_to:
        parts.append(f"{f.year_from or '…'}–{f.year_to or '…'}")
    parts += list(f.doc_types)
    if f.docs:
        parts.append(f"{len(f.docs)} docs")
    return ", ".join(parts)


def facet_values(docs) -> dict[str, list]:
    """Choices for the sidebar filters from the indexed documents."""
    regions = sorted({d.meta.region for d in docs if d.meta.region} | {d.meta.city for d in docs if d.meta.city})
    years = sorted({d.meta.year for d in docs if d.meta.year})
    types = sorted({d.meta.doc_type for d in docs if d.meta.doc_type})
    return {"regions": regions, "years": years, "doc_types": types, "docs": [d.name for d in docs]}


# ---------------------------------------------------------------- building

# Share of the progress bar per build stage (encoding dominates when vectors are new).
_STAGES = (("load", 0.0, 0.15), ("chunk", 0.15, 0.25), ("tokenize", 0.25, 0.4), ("encode", 0.4, 0.9), ("write", 0.9, 1.0))


def progress_fraction(stage: str, done: int, total: int) -> float:
    """Overall progress in [0, 1] for build_index's callback ``(stage, done, total)``."""
    for name, lo, hi in _STAGES:
        if name == stage:
            frac = (done / total) if total else 1.0
            return round(lo + (hi - lo) * max(0.0, min(1.0, frac)), 4)
    return 0.0


def build_message(report, lang: str) -> str:
    if not report.rebuilt:
        return t("build_nochange", lang, n=report.n_docs)
    return t("build_done", lang, n=report.n_docs, c=report.n_chunks, a=len(report.added), u=len(report.changed),
             r=len(report.removed), s=report.seconds)


def skipped_lines(skipped: Iterable[tuple[str, str]], lang: str) -> list[str]:
    """Per-file errors in plain words: the file's name and the reason in the interface language."""
    return [t("skipped_line", lang, file=Path(p).name or p, reason=pick(r, lang)) for p, r in skipped]


def build_problem_lines(report, lang: str) -> list[str]:
    """A build's per-file problems for the app: the skipped files and what a limit cut (indexed up to the cut)."""
    cut = [(name, f"已截断，截断前的部分已索引 · cut, indexed up to the cut: {what}") for name, what in report.cut]
    return skipped_lines([*report.skipped, *cut], lang)


def doc_rows(docs, chunk_counts: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """One row per indexed document for the documents table."""
    rows = []
    for i, d in enumerate(docs):
        m = d.meta
        rows.append({
            "name": d.name, "title": m.title, "region": m.region, "city": m.city, "date": m.date,
            "year": m.year, "doc_type": m.doc_type, "script": m.script, "issuer": m.issuer,
            "doc_number": m.doc_number, "chars": len(d.text),
            "passages": int(chunk_counts[i]) if chunk_counts is not None and i < len(chunk_counts) else None,
            "path": d.path,
        })
    return rows


def filter_rows(rows: list[dict[str, Any]], needle: str) -> list[dict[str, Any]]:
    n = needle.strip().lower()
    if not n:
        return rows
    return [r for r in rows if n in (r["title"] or "").lower() or n in r["name"].lower()
            or n in (r["region"] or "").lower()]


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def valid_date(s: str) -> bool:
    return not s.strip() or bool(_DATE.match(s.strip()))


# ---------------------------------------------------------------- evaluation


def find_reports(base: Path | None = None) -> list[Path]:
    """``report.json`` files under ``base`` (default var/eval), newest first."""
    base = base or eval_dir()
    if not base.exists():
        return []
    found = list(base.glob("*/report.json")) + list(base.glob("report.json"))
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def load_report(path: Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("configs"), dict):
        raise ValueError("no 'configs' mapping")
    return data


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in d.items():
        if k in ("by_lang", "by_type"):
            continue
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, bool):
            continue
        elif isinstance(v, int | float):
            out[key] = float(v)
    return out


def metric_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per configuration with its scalar metrics (nested ``retrieval`` flattened)."""
    rows = []
    for name, cfg in report.get("configs", {}).items():
        if isinstance(cfg, dict):
            rows.append({"config": name, **_flatten(cfg)})
    return rows


def breakdown_rows(cfg: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """``by_lang`` / ``by_type`` of one configuration as rows (group, metrics...)."""
    part = cfg.get(key) or {}
    rows = []
    for group, vals in part.items():
        if isinstance(vals, dict):
            rows.append({"group": group, **_flatten(vals)})
        elif isinstance(vals, int | float):
            rows.append({"group": group, "value": float(vals)})
    return rows


def compare_rows(report: dict[str, Any], a: str, b: str) -> list[dict[str, Any]]:
    """Metric | A | B | B − A for two configurations (metrics present in either)."""
    fa = _flatten(report["configs"].get(a) or {})
    fb = _flatten(report["configs"].get(b) or {})
    rows = []
    for m in list(dict.fromkeys([*fa, *fb])):
        va, vb = fa.get(m), fb.get(m)
        rows.append({"metric": m, a: va, b if b != a else f"{b} ": vb,
                     "Δ": (vb - va) if va is not None and vb is not None else None})
    return rows


def progress_from_args(*args: Any) -> tuple[float | None, str]:
    """Read a progress callback's arguments whatever their shape: ``(done, total)``,
    ``(stage, done, total)`` or ``(fraction,)`` → (fraction or None, label)."""
    nums = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    label = " ".join(str(a) for a in args if isinstance(a, str))
    if len(nums) >= 2 and nums[-1]:
        return max(0.0, min(1.0, nums[-2] / nums[-1])), f"{label} {int(nums[-2])}/{int(nums[-1])}".strip()
    if len(nums) == 1 and 0 <= nums[0] <= 1:
        return float(nums[0]), label
    return None, label
