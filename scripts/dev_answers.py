"""Dev loop for answer extraction: a stand-in retriever over data/samples + the gold questions.

Builds ~400-character windows (cut at sentence ends, exact offsets), ranks them with BM25 over
t2s-converted jieba words + CJK bigrams, passes the top 5 to ``extract_answer`` and scores the
answers the way /work/shared/eval/README.md describes. Prints accuracy overall / by type and the
failures. The real analyzer (index/analyzer.py) is used when it exists.

    .venv/bin/python scripts/dev_answers.py [--gold PATH] [--k 5] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.types import Chunk, DocMeta  # noqa: E402
from retrieval.answer import extract_answer  # noqa: E402
from retrieval.qtype import PROVINCES  # noqa: E402
from retrieval.sentences import split_sentences  # noqa: E402
from retrieval.types import Hit  # noqa: E402

GOLD = Path("/work/shared/eval/seeds_gold.jsonl")

# Stand-in English → Chinese expansion (the retrieval layer owns the real glossary). Generic policy
# vocabulary only.
GLOSSARY = {
    "high-tech enterprises": "高新技术企业", "high-tech enterprise": "高新技术企业", "high-tech industries": "高新技术产业",
    "value added": "增加值", "r&d": "研发", "investment": "投入", "province": "省", "provincial": "全省",
    "s&t": "科技", "science and technology": "科技", "work conference": "工作会议", "conference": "会议",
    "action plan": "行动计划", "revitalization": "振兴", "platforms": "平台", "platform": "平台",
    "national-level": "国家级", "innovation": "创新", "foreign experts": "外国专家", "experts": "专家",
    "employers": "用人单位", "cloud signing": "云签约", "enterprises": "企业", "institute": "研究所",
    "laser": "激光", "lithography machine": "光刻机", "speech": "讲话", "county-level": "县级", "pilot": "试点",
    "pilots": "试点", "innovative": "创新型", "coverage": "全覆盖", "coverages": "全覆盖", "mayor": "市长",
    "meeting": "会议", "staffing": "编制", "pillar industry": "支柱产业", "industry": "产业", "director": "厅长",
    "report": "报告", "department": "厅", "industrial hemp": "工业大麻", "hemp": "大麻", "light industry": "轻工",
    "highland": "高地", "management system": "管理系统", "project": "项目", "guide": "引导",
    "five-year plan": "五年规划", "14th five-year plan": "十四五", "13th five-year plan": "十三五", "goals": "目标",
    "target": "目标", "newly certify": "新认定", "certify": "认定", "certified": "认定", "total": "总数",
    "heilongjiang": "黑龙江", "zhejiang": "浙江", "shanxi": "山西", "hebei": "河北", "jiangsu": "江苏",
    "technology contract": "技术合同", "turnover": "成交额",
}


def _analyzer():
    try:
        from index.analyzer import Analyzer  # type: ignore  # noqa: PLC0415

        a = Analyzer()
        return a.tokenize, a.normalize, "index.analyzer"
    except Exception:
        pass
    import jieba  # noqa: PLC0415
    import opencc  # noqa: PLC0415

    jieba.setLogLevel(60)
    conv = opencc.OpenCC("t2s")
    stop = set("的 了 和 与 及 在 是 为 对 把 将 等 年 个 有 中 上 下 也 都 要 以 之 其 并 或 被 从 到".split())

    def normalize(s: str) -> str:
        return conv.convert(unicodedata.normalize("NFKC", s)).lower()

    def tokenize(s: str) -> list[str]:
        s = normalize(s)
        out = [w for w in jieba.lcut(s) if w.strip() and w not in stop and re.search(r"\w", w)]
        for run in re.findall(r"[\u4e00-\u9fff]+", s):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out

    return tokenize, normalize, "stand-in (opencc t2s + jieba + bigrams)"


def windows(doc_id: str, text: str, size: int = 400) -> list[Chunk]:
    chunks: list[Chunk] = []
    start = end = None
    for a, b in split_sentences(text):
        if start is None:
            start, end = a, b
        elif b - start > size:
            chunks.append(Chunk(doc_id, len(chunks), start, end, text[start:end]))
            start, end = a, b
        else:
            end = b
    if start is not None:
        chunks.append(Chunk(doc_id, len(chunks), start, end, text[start:end]))
    return chunks


def guess_meta(text: str, normalize) -> DocMeta:
    """Stand-in for ingest/metadata.py: title = first substantial line, region = most named province."""
    lines = [ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 8]
    title = lines[0] if lines else ""
    n = normalize(text)
    counts = Counter({p: n.count(p) for p in PROVINCES})
    counts["黑龙江"] += n.count("龙江") - n.count("黑龙江")
    if "沧州" in n:
        counts["河北"] += 5  # city → province (the real metadata uses an administrative table)
    region, c = counts.most_common(1)[0]
    m = re.search(r"(20\d\d)[-年](\d\d?)[-月](\d\d?)", n)
    date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""
    return DocMeta(title=title, region=region if c >= 2 else "", city="沧州" if "沧州" in n else "", date=date,
                   year=int(date[:4]) if date else None)


def expand(question: str) -> list[str]:
    q = question.lower()
    return [zh for en, zh in GLOSSARY.items() if re.search(rf"(?<![a-z]){re.escape(en)}(?![a-z])", q)]


# ---- scoring per the gold README -------------------------------------------------------------

def _norm(s: str, normalize) -> str:
    s = normalize(unicodedata.normalize("NFKC", s)).lower()
    s = re.sub(r"[\s\"'“”‘’「」『』《》]", "", s)
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    return s


def _numbers(s: str) -> set[float]:
    out = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(亿|万|billion|million)?", s):
        v = float(m.group(1))
        mult = {"亿": 1e8, "万": 1e4, "billion": 1e9, "million": 1e6}.get(m.group(2) or "", 1)
        out.add(round(v * mult, 3))
    return out


def correct(pred: str, abstained: bool, gold: dict, normalize) -> bool:
    if gold["type"] == "unanswerable":
        return abstained
    if abstained:
        return False
    golds = [gold["answer"]] + list(gold.get("aliases") or [])
    limit = max(100, 3 * len(gold["answer"]))
    if len(pred) > limit:
        return False
    p = _norm(pred, normalize)
    for g in golds:
        gn = _norm(g, normalize)
        if gn and gn in p:
            return True
    if gold["type"] == "list":
        for g in golds:
            items = [_norm(x, normalize) for x in re.split(r"[、,，]|和|and", g) if x.strip()]
            if items and all(it in p for it in items):
                return True
    if gold["type"] == "number":
        gnums = set().union(*(_numbers(g) for g in golds))
        if gnums & _numbers(p):
            return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--samples", default=str(ROOT / "data" / "samples"))
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--calib", action="store_true", help="answer everything (threshold 0) and print confidences")
    args = ap.parse_args()

    from rank_bm25 import BM25Okapi  # noqa: PLC0415

    tokenize, normalize, which = _analyzer()
    print(f"analyzer: {which}")
    chunks: list[Chunk] = []
    metas: dict[str, DocMeta] = {}
    names: dict[str, str] = {}
    for path in sorted(Path(args.samples).glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        doc_id = path.stem
        names[doc_id] = path.name
        metas[doc_id] = guess_meta(text, normalize)
        chunks.extend(windows(doc_id, text))
    bm25 = BM25Okapi([tokenize(c.text) + tokenize(metas[c.doc_id].title) for c in chunks])

    golds = [json.loads(ln) for ln in open(args.gold, encoding="utf-8") if ln.strip()]
    by_type: dict[str, list[int]] = defaultdict(list)
    rr: list[float] = []
    fails = []
    false_abst = 0
    calib: list[tuple[float, bool, bool, str]] = []
    for g in golds:
        exp = expand(g["question"])
        q_toks = tokenize(g["question"]) + [t for e in exp for t in tokenize(e)]
        scores = bm25.get_scores(q_toks)
        order = sorted(range(len(chunks)), key=lambda i: -scores[i])[: args.k]
        hits = [Hit(chunk=chunks[i], doc_name=names[chunks[i].doc_id], meta=metas[chunks[i].doc_id],
                    score=float(scores[i]), rank=r + 1) for r, i in enumerate(order)]
        # retrieval MRR (evidence overlap)
        r_val = 0.0
        for r, h in enumerate(hits):
            full = (Path(args.samples) / h.doc_name).read_text(encoding="utf-8").replace("\r\n", "\n")
            for ev in g.get("evidence") or []:
                if ev["doc"] != h.doc_name:
                    continue
                a = full.find(ev["quote"])
                if a >= 0 and a < h.chunk.end and a + len(ev["quote"]) > h.chunk.start:
                    r_val = 1 / (r + 1)
                    break
            if r_val:
                break
        if g["type"] != "unanswerable":
            rr.append(r_val)
        kw = {"abstain_threshold": 0.0} if args.calib else {}
        ans = extract_answer(g["question"], hits, tokenize=tokenize, normalize=normalize, expansions=exp, **kw)
        if args.calib:
            calib.append((ans.confidence, g["type"] == "unanswerable", correct(ans.answer, False, g, normalize)
                          if g["type"] != "unanswerable" else False, g["id"]))
        ok = correct(ans.answer, ans.abstained, g, normalize)
        if ans.abstained and g["type"] != "unanswerable":
            false_abst += 1
        by_type[g["type"]].append(int(ok))
        by_type["ALL"].append(int(ok))
        if not ok:
            fails.append((g, ans, r_val))
    print(f"retrieval MRR@{args.k} (answerable): {sum(rr) / len(rr):.3f}")
    for t, v in sorted(by_type.items()):
        print(f"{t:14s} {sum(v) / len(v):.3f}  ({sum(v)}/{len(v)})")
    n_ans = sum(1 for g in golds if g["type"] != "unanswerable")
    print(f"false abstentions: {false_abst}/{n_ans}")
    if args.calib:
        for conf, unans, ok, gid in sorted(calib):
            print(f"{conf:.3f} {'UNANSWERABLE' if unans else ('ok' if ok else 'wrong')} {gid}")
        return
    if not args.quiet:
        print("\nFAILURES")
        for g, a, r_val in fails:
            print(f"- {g['id']} [{g['type']}/{a.answer_type}] rr={r_val:.2f} conf={a.confidence:.2f} {g['question']}")
            print(f"    gold: {g['answer']}")
            print(f"    got : {a.answer[:120]}")
            print(f"    sent: {a.supporting[:160]!r}")


if __name__ == "__main__":
    main()
