"""Every gold set side by side: one markdown table from several evaluation reports (``cli.py eval`` outputs).

    .venv/bin/python scripts/sets_table.py var/eval/seeds/report.json var/eval/gov_dev/report.json \
        var/eval/lockbox/report.json [--by lang|type]

(an output folder stands for its report.json)

One row per (report, configuration): the set's name, documents, questions, R@5, MRR@10, answer accuracy,
false abstention, unanswerable abstained, ECE and p50 latency. ``--by`` adds per-language or per-type answer
accuracy columns.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _f(x) -> str:
    return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def rows(path: Path, by: str | None) -> list[list[str]]:
    if path.is_dir():  # an evaluation output folder: its report
        path = path / "report.json"
    if not path.is_file():
        raise SystemExit(f"没有评测报告 / no evaluation report: {path}")
    rep = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for name, c in rep["configs"].items():
        cal = c.get("calibration") or {}
        row = [Path(rep.get("gold", path.parent.name)).stem, name, _f(c.get("n_docs")), _f(c["n"]),
               _f(c["retrieval"].get("recall@5")), _f(c["retrieval"].get("mrr@10")), _f(c["answer_accuracy"]),
               _f(c["false_abstention_rate"]), _f(c["abstention_accuracy"]), _f(cal.get("ece")),
               _f(c.get("latency_ms", {}).get("p50"))]
        if by:
            groups = c.get(f"by_{by}", {})
            row.append(" ".join(f"{g} {_f(v.get('answer_accuracy'))}" for g, v in sorted(groups.items())
                                if v.get("answer_accuracy") is not None))
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reports", nargs="+", type=Path)
    ap.add_argument("--by", choices=("lang", "type"), default=None)
    a = ap.parse_args()
    head = ["set", "config", "docs", "n", "R@5", "MRR@10", "answer acc", "false abst", "unans abst", "ECE", "p50 ms"]
    if a.by:
        head.append(f"answer acc by {a.by}")
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join("---" for _ in head) + " |")
    for p in a.reports:
        for r in rows(p, a.by):
            print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
