"""Write an evaluation run: report.json, results.jsonl, report.md, failures.md and PNG charts.

    >>> from eval.report import markdown_table
    >>> print(markdown_table(["a", "b"], [["x", 0.5]]))
    | a | b |
    | --- | --- |
    | x | 0.500 |
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metrics import QuestionResult

MAIN_COLS = (
    ("docs", ("n_docs",)),
    ("R@1", ("retrieval", "recall@1")), ("R@5", ("retrieval", "recall@5")), ("R@10", ("retrieval", "recall@10")),
    ("MRR@10", ("retrieval", "mrr@10")), ("nDCG@10", ("retrieval", "ndcg@10")),
    ("answer acc", ("answer_accuracy",)), ("abstain acc", ("abstention_accuracy",)),
    ("false abstain", ("false_abstention_rate",)), ("cite prec", ("citation_precision",)),
    ("ECE", ("calibration", "ece")), ("Brier", ("calibration", "brier")),
    ("p50 ms", ("latency_ms", "p50")), ("p95 ms", ("latency_ms", "p95")),
)
GROUP_COLS = (("n", ("n",)),) + tuple(c for c in MAIN_COLS if c[0] in (
    "R@5", "MRR@10", "answer acc", "abstain acc", "false abstain", "cite prec"))
CHART_METRICS = (("R@5", ("retrieval", "recall@5")), ("MRR@10", ("retrieval", "mrr@10")),
                 ("answer acc", ("answer_accuracy",)), ("abstain acc", ("abstention_accuracy",)))


def _get(block: dict[str, Any], path: Sequence[str]):
    for p in path:
        block = block.get(p) if isinstance(block, dict) else None
    return block


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.0f}" if abs(v) >= 10 else f"{v:.3f}"
    return str(v)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def main_table(report: dict[str, Any]) -> str:
    rows = [[n + (" (default)" if n == report["default"] else ""), *(_get(b, p) for _, p in MAIN_COLS)]
            for n, b in report["configs"].items()]
    return markdown_table(["config", *(c for c, _ in MAIN_COLS)], rows)


def _group_table(groups: dict[str, dict[str, Any]], label: str) -> str:
    rows = [[g, *(_get(b, p) for _, p in GROUP_COLS)] for g, b in groups.items()]
    return markdown_table([label, *(c for c, _ in GROUP_COLS)], rows)


def significance_line(report: dict[str, Any]) -> str:
    s = report.get("significance")
    if not s:
        return "No significance test (needs both the default and the naive configuration)."
    r, a = s["retrieval"], s["answers"]
    p1 = "–" if r.get("p_value") is None else f"{r['p_value']:.2g}"
    return (f"{s['a']} vs {s['b']}: MRR@10 {_fmt(r.get(s['a']))} vs {_fmt(r.get(s['b']))}, {r.get('test', '')} "
            f"p = {p1} (n = {r.get('n')}); answers right only in {s['a']}: {a['only_a']}, only in {s['b']}: "
            f"{a['only_b']}, {a['test']} p = {a['p_value']:.2g}.")


def subset_line(report: dict[str, Any]) -> str:
    """The note on the subset corpus; "" when the run had none."""
    s = report.get("subset")
    if not s:
        return ""
    names = ", ".join(s.get("configs", []))
    return (f"Configurations marked @subset ({names}) ran over a subset of the corpus: {s['n_docs']} documents = "
            f"{s['n_evidence_docs']} named in the gold evidence + {s['n_distractors']} drawn at random "
            f"(asked for {s['requested_distractors']}, seed {s['seed']}), in `{s['folder']}`; the others over "
            f"the whole corpus. Retrieval over fewer distractors is easier: compare @subset figures with each other.")


def calibration_line(report: dict[str, Any]) -> str:
    """One line: ECE and Brier of every configuration."""
    parts = [f"{n} ECE {_fmt(_get(b, ('calibration', 'ece')))} / Brier {_fmt(_get(b, ('calibration', 'brier')))}"
             for n, b in report["configs"].items()]
    return "Calibration: " + "; ".join(parts) + "."


def calibration_section(name: str, block: dict[str, Any]) -> list[str]:
    """Markdown lines of one configuration's calibration: ECE, Brier and the bin table; [] without data."""
    c = block.get("calibration")
    if not c:
        return []
    rows = [[f"{b['lo']:.1f}–{b['hi']:.1f}", b["n"], b["mean_confidence"], b["accuracy"]] for b in c["bins"]]
    return [
        "", "### Calibration", "",
        f"ECE {_fmt(c.get('ece'))} over the {c.get('n', 0)} answered questions (10 equal-width confidence bins; "
        f"an answer to an unanswerable question is wrong) · Brier {_fmt(c.get('brier'))} over the "
        f"{c.get('n_brier', 0)} answerable questions (an abstention counts as the confidence it reported, wrong).",
        "", markdown_table(["confidence", "n", "mean confidence", "accuracy"], rows), "",
        f"![{name} calibration](chart_calibration_{name}.png)",
    ]


def render_markdown(report: dict[str, Any]) -> str:
    out = [
        "# Evaluation report", "",
        f"Gold: `{report.get('gold', '')}` · corpus: `{report.get('corpus', '')}` · questions: "
        f"{report['n_questions']} · default: **{report['default']}** · chunk store: {report.get('backend', 'local')}",
        "",
        "Retrieval metrics are over answerable questions (relevant = passage overlaps an evidence span in the same "
        "document; recall = share of evidence quotes covered). Answer accuracy and false abstention are over "
        "answerable questions, abstention accuracy over unanswerable ones; citation precision over answered, "
        "answerable questions. Latency is the time of one `ask`.", "",
        "## Configurations", "", main_table(report), "",
        *([subset_line(report), ""] if report.get("subset") else []),
        "ECE and Brier: calibration of the answers' confidence (section Calibration of each configuration).", "",
        "## Significance", "", significance_line(report), "",
        "## Configurations described", "",
    ]
    out += [f"- **{n}**: {b.get('description', '')}" for n, b in report["configs"].items()]
    for n, b in report["configs"].items():
        out += ["", f"## {n}", "", f"![{n}](chart_{n}.png)", "", "By language:", "",
                _group_table(b["by_lang"], "lang"), "", "By type:", "", _group_table(b["by_type"], "type"),
                *calibration_section(n, b)]
    return "\n".join(out) + "\n"


def _severity(r: QuestionResult) -> tuple:
    miss = r.answerable and r.retrieval.get("hit_rate@10", 0.0) == 0.0
    partial = r.answerable and r.retrieval.get("recall@10", 0.0) < 1.0
    return (not r.correct) * 4 + miss * 2 + partial, -r.retrieval.get("mrr@10", 0.0)


def render_failures(report: dict[str, Any], results: dict[str, list[QuestionResult]], top: int = 3) -> str:
    name = report["default"]
    rows = [r for r in results[name] if _severity(r)[0] > 0]
    rows.sort(key=_severity, reverse=True)
    out = [f"# Failures of {name}", "",
           "Wrong answers and retrieval misses, worst first (wrong answer with no relevant passage in the top 10, "
           "then wrong answers, then incomplete retrieval). ✓ marks a passage that overlaps the evidence.", ""]
    out.append("Wrong answers per configuration: " + ", ".join(
        f"{n} {sum(not r.correct for r in rs)}/{len(rs)}" for n, rs in results.items()))
    for r in rows:
        out += ["", f"## {r.qid} ({r.lang}, {r.type}) {'✗ answer' if not r.correct else '✓ answer'}", "",
                f"- question: {r.question}",
                f"- gold: {r.gold_answer or '(unanswerable)'}",
                f"- answered: {'(abstained) ' if r.abstained else ''}{r.answer}",
                f"- R@10 {_fmt(r.retrieval.get('recall@10'))} · MRR@10 {_fmt(r.retrieval.get('mrr@10'))}",
                "- evidence: " + ("; ".join(f"{s.doc} [{s.start}:{s.end}]" for s in r.spans) or "none")]
        data = r.to_json()
        for h in data["hits"][:top]:
            out.append(f"  {h['rank']}. {'✓' if h['relevant'] else '·'} {h['doc']} [{h['start']}:{h['end']}] "
                       f"{h['preview']}")
        if data["citations"]:
            out.append("- cited: " + "; ".join(f"{'✓' if c['relevant'] else '·'} {c['doc']} [{c['start']}:{c['end']}]"
                                               for c in data["citations"]))
    if not rows:
        out.append("\nNo failures.")
    return "\n".join(out) + "\n"


def write_charts(report: dict[str, Any], out: Path) -> list[Path]:
    """Per configuration: bars by type and by language (R@5, MRR@10, answer accuracy); plus an overview."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    paths = []

    def bars(ax, groups: dict[str, dict], title: str):
        labels = list(groups)
        x = np.arange(len(labels))
        w = 0.8 / len(CHART_METRICS)
        for i, (m, p) in enumerate(CHART_METRICS):
            vals = [(_get(groups[g], p) or 0.0) for g in labels]
            ax.bar(x + (i - (len(CHART_METRICS) - 1) / 2) * w, vals, w, label=m)
        ax.set_xticks(x, labels, rotation=30, ha="right")
        ax.set_ylim(0, 1.22)
        ax.set_title(title)
        ax.legend(fontsize=7, ncol=len(CHART_METRICS), loc="upper center")

    for n, b in report["configs"].items():
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [2, 1]})
        bars(axes[0], b["by_type"], f"{n}: by type")
        bars(axes[1], b["by_lang"], f"{n}: by language")
        fig.tight_layout()
        p = out / f"chart_{n}.png"
        fig.savefig(p, dpi=90)
        plt.close(fig)
        paths.append(p)
    for n, b in report["configs"].items():
        c = b.get("calibration")
        if c:
            paths.append(reliability_diagram(plt, n, c, out / f"chart_calibration_{n}.png"))
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(report["configs"])), 4))
    bars(ax, report["configs"], "configurations")
    fig.tight_layout()
    p = out / "chart_overview.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return [*paths, p]


def reliability_diagram(plt, name: str, cal: dict[str, Any], path: Path) -> Path:
    """Accuracy against mean confidence per bin (marker area ~ answers in the bin), the diagonal of perfect
    calibration, and the number of answers per bin as grey bars on a second axis."""
    bins = [b for b in cal["bins"] if b["n"]]
    fig, ax = plt.subplots(figsize=(5, 4.6))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    counts = ax.twinx()
    counts.bar([(b["lo"] + b["hi"]) / 2 for b in cal["bins"]], [b["n"] for b in cal["bins"]], width=0.09,
               color="lightgrey", alpha=0.6, zorder=0)
    counts.set_ylabel("answers per bin", color="grey")
    counts.set_ylim(0, max([b["n"] for b in cal["bins"]] + [1]) * 3)
    ax.set_zorder(counts.get_zorder() + 1)
    ax.patch.set_visible(False)
    if bins:
        xs, ys = [b["mean_confidence"] for b in bins], [b["accuracy"] for b in bins]
        top = max(b["n"] for b in bins)
        ax.plot(xs, ys, color="tab:blue", lw=1.2)
        ax.scatter(xs, ys, s=[20 + 180 * b["n"] / top for b in bins], color="tab:blue", zorder=3, label="bins")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("mean confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{name}: ECE {_fmt(cal.get('ece'))} · Brier {_fmt(cal.get('brier'))} (n = {cal.get('n', 0)})",
                 fontsize=10)
    ax.legend(loc="upper left", fontsize=8, markerscale=0.5)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write_outputs(report: dict[str, Any], results: dict[str, list[QuestionResult]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    with open(out / "results.jsonl", "w", encoding="utf-8") as fh:
        for n, rows in results.items():
            for r in rows:
                fh.write(json.dumps({"config": n, **r.to_json()}, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (out / "failures.md").write_text(render_failures(report, results), encoding="utf-8")
    write_charts(report, out)
