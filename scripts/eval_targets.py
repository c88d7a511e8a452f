"""Precision and recall of the targets table against hand labels (tests/data/targets/, see its README).

    .venv/bin/python scripts/eval_targets.py                       # every label file, one table per file
    .venv/bin/python scripts/eval_targets.py --json                # the figures as JSON (the CI guard reads them)

A label is found when an extracted row's figure overlaps the labelled figure in the same document; precision counts
the rows of the labelled documents that overlap a label. For found labels the table gives the share with the right
kind, metric, value, comparator and year. ``gdp_targets.jsonl`` is scored as a chart: for each national work report,
is the growth target the table offers for the report's year the labelled one.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.targets import KINDS, TargetRow, extract_targets  # noqa: E402

LABELS = ROOT / "tests" / "data" / "targets"
CORPUS = ROOT.parent / "shared" / "corpus"


def _meta(doc: str) -> dict:
    """Year, region, type and title of a corpus file: the gov manifest, or the seeds' own inference."""
    folder, name = doc.split("/", 1)
    if folder == "gov":
        for line in (CORPUS / "gov" / "manifest.jsonl").open(encoding="utf-8"):
            m = json.loads(line)
            if m["file"] == name:
                return {"doc_year": m.get("year"), "region": m.get("region", ""), "doc_type": m.get("doc_type", ""),
                        "title": m.get("title", "")}
        raise SystemExit(f"{doc}: not in the gov manifest")
    from ingest.loaders import load_file

    d = load_file(CORPUS / folder / name)
    return {"doc_year": d.meta.year, "region": d.meta.region, "doc_type": d.meta.doc_type, "title": d.meta.title}


def _rows(doc: str, cache: dict) -> tuple[str, list[TargetRow]]:
    if doc not in cache:
        text = (CORPUS / doc).read_text(encoding="utf-8")
        cache[doc] = (text, extract_targets(text, **_meta(doc)))
    return cache[doc]


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def score_labels(path: Path, cache: dict, docs_file: Path | None = None) -> dict:
    labels = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    docs = sorted({x["doc"] for x in labels} | set(_listed(docs_file)))
    by_doc = defaultdict(list)
    for x in labels:
        text, _ = _rows(x["doc"], cache)
        s = text.find(x["sentence"])
        q = x["sentence"].find(x["quantity"])
        if s < 0 or q < 0:
            raise SystemExit(f"{path.name}: label not found in {x['doc']}: {x['quantity']!r} in {x['sentence'][:40]!r}")
        by_doc[x["doc"]].append((s + q, s + q + len(x["quantity"]), x))
    per_kind = {k: {"labels": 0, "found": 0, "kind_ok": 0} for k in KINDS}
    fields = defaultdict(int)
    n_rows = n_rows_hit = 0
    for doc in docs:
        _, rows = _rows(doc, cache)
        spans = by_doc.get(doc, [])
        n_rows += len(rows)
        n_rows_hit += sum(any(r.start < b and a < r.end for a, b, _ in spans) for r in rows)
        for a, b, x in spans:
            k = per_kind.setdefault(x["kind"], {"labels": 0, "found": 0, "kind_ok": 0})
            k["labels"] += 1
            hit = [r for r in rows if r.start < b and a < r.end]
            if not hit:
                continue
            r = hit[0]
            k["found"] += 1
            k["kind_ok"] += r.kind == x["kind"]
            fields["found"] += 1
            fields["metric"] += r.metric == (x.get("metric") or "")
            fields["value"] += _close(r.value, x.get("value"))
            fields["comparator"] += r.comparator == x.get("comparator")
            fields["year"] += (r.year or None) == (str(x["year"]) if x.get("year") is not None else None)
            fields["growth"] += r.growth == bool(x.get("growth"))
    n_labels = sum(k["labels"] for k in per_kind.values())
    n_found = sum(k["found"] for k in per_kind.values())
    return {"set": path.name, "docs": len(docs), "labels": n_labels, "rows": n_rows,
            "recall": n_found / n_labels if n_labels else None,
            "precision": n_rows_hit / n_rows if n_rows else None,
            "per_kind": per_kind, "field_accuracy": {f: fields[f] / fields["found"] for f in fields if f != "found"}
            if fields["found"] else {}}


def _listed(p: Path | None) -> list[str]:
    if p is None or not p.exists():
        return []
    return [f"gov/{x.strip()}" for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def score_gdp(path: Path, cache: dict) -> dict:
    """Per report: the table's growth target for the report's year (the row a chart of the metric would plot)."""
    from retrieval.targets import pick_for_chart

    labels = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    ok = with_target = offered = right = none_ok = 0
    for x in labels:
        text, rows = _rows(x["doc"], cache)
        rows = [r for r in rows if r.metric == "国内生产总值增长" and r.kind == "target" and r.growth]
        pick = pick_for_chart(rows, x["report_year"], [text[r.sent_start:r.sent_end] for r in rows])
        if x.get("value") is None:
            none_ok += pick is None
            continue
        with_target += 1
        offered += pick is not None
        right += pick is not None and _close(pick.value, x["value"])
    ok = right + none_ok
    return {"set": path.name, "reports": len(labels), "with_target": with_target,
            "recall": right / with_target if with_target else None,
            "precision": right / offered if offered else None, "no_target_right": none_ok,
            "accuracy": ok / len(labels) if labels else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    cache: dict = {}
    out = []
    for name in ("labels_seeds.jsonl", "labels_gov.jsonl"):
        p = LABELS / name
        if p.exists():
            out.append(score_labels(p, cache, LABELS / "gov_docs.txt" if "gov" in name else None))
    if (LABELS / "gdp_targets.jsonl").exists():
        out.append(score_gdp(LABELS / "gdp_targets.jsonl", cache))
    if a.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for r in out:
        if "per_kind" in r:
            print(f"\n{r['set']}: {r['docs']} documents, {r['labels']} labels, {r['rows']} rows extracted")
            print("| kind | labels | found (recall) | kind right |\n| --- | --- | --- | --- |")
            for k, v in r["per_kind"].items():
                if v["labels"]:
                    print(f"| {k} | {v['labels']} | {v['found']} ({v['found'] / v['labels']:.2f}) | {v['kind_ok']} |")
            print(f"| all | {r['labels']} | recall {r['recall']:.3f} | precision {r['precision']:.3f} |")
            print("field accuracy on found labels: " + ", ".join(f"{f} {v:.2f}" for f, v in r["field_accuracy"].items()))
        else:
            print(f"\n{r['set']}: {r['reports']} reports, {r['with_target']} with a target; recall {r['recall']:.3f}, "
                  f"precision {r['precision']:.3f}, no-target reports right {r['no_target_right']}, "
                  f"accuracy {r['accuracy']:.3f}")


if __name__ == "__main__":
    main()
