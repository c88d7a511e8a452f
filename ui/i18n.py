"""Interface strings in Chinese (default) and English.

    >>> t("ask", "en")
    'Ask'
    >>> t("n_docs", "zh", n=5, c=40)
    '已索引 5 篇文档、40 个段落'
"""

from __future__ import annotations

LANGS = ("zh", "en")

# key -> (中文, English). Format fields use str.format.
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("PolicyQA 政策文件问答", "PolicyQA · Policy document Q&A"),
    "app_tagline": ("在已索引的政策文件中检索并回答问题，答案均附出处。",
                    "Search and answer questions over the indexed policy documents, with sources."),
    "english": ("English", "English"),
    "page": ("页面", "Page"),
    "ask": ("问答", "Ask"),
    "search": ("检索", "Search"),
    "docs": ("文档", "Documents"),
    "eval": ("评估", "Evaluation"),
    "targets": ("政策目标表", "Targets table"),
    "tg_metric": ("指标", "Metric"),
    "tg_any": ("（全部指标）", "(any metric)"),
    "tg_kind": ("类型", "Kind"),
    "tg_target": ("目标", "target"),
    "tg_actual": ("实际值", "reported"),
    "tg_limit": ("限额/罚款", "limit / fine"),
    "tg_sort": ("排序", "Sort by"),
    "tg_sort_doc": ("文档顺序", "document order"),
    "tg_sort_value": ("数值（大到小）", "value (largest first)"),
    "tg_sort_year": ("年份", "year"),
    "tg_count": ("共 {n} 行", "{n} rows"),
    "tg_chart_click": ("点击图中的点或柱，打开其原文语句", "Click a point or a bar to open its source sentence"),
    "tg_rebuild": ("此索引建于目标表之前，请重建索引。", "This index predates the targets table: rebuild it."),
    "tg_chart_by": ("图表", "Chart"),
    "tg_by_year": ("按年份（折线）", "across years (line)"),
    "tg_by_region": ("按地区（柱状）", "across regions (bars)"),
    "tg_year": ("年份", "Year"),
    "tg_value": ("数值", "Value"),
    "tg_sentence": ("原句", "Sentence"),
    "filters": ("筛选", "Filters"),
    "regions": ("地区", "Region"),
    "years": ("年份", "Years"),
    "doc_types": ("文档类型", "Document type"),
    "documents": ("文档", "Documents"),
    "n_results": ("结果数", "Number of results"),
    "advanced": ("高级设置", "Advanced settings"),
    "mode": ("检索方式", "Retrieval mode"),
    "fusion": ("融合方法", "Fusion method"),
    "dense_weight": ("向量权重", "Dense weight"),
    "dense_weight_auto": ("自动（按问题语言，默认 0.3）", "Automatic (per question language, default 0.3)"),
    "reset_filters": ("清除筛选", "Clear filters"),
    "filters_active": ("已启用筛选：{f}", "Filters on: {f}"),
    "question": ("问题", "Question"),
    "question_ph": ("用中文、英文或中英混合提问，例如：哪个省份提出技术合同成交额突破500亿元？",
                    "Ask in Chinese, English or both, e.g. which province targets 500亿 contract turnover"),
    "ask_button": ("提问", "Ask"),
    "query": ("检索词", "Query"),
    "query_ph": ("输入关键词或一句话，例如：高新技术企业 数量 目标", "Keywords or a sentence, e.g. 高新技术企业 target"),
    "search_button": ("检索", "Search"),
    "timing": ("用时 {s:.2f} 秒 · {n} 个段落", "{s:.2f} s · {n} passages"),
    "all": ("全部", "All"),
    "try": ("试试：", "Try:"),
    "answer": ("答案", "Answer"),
    "confidence": ("置信度", "Confidence"),
    "conf_high": ("高", "high"),
    "conf_mid": ("中", "medium"),
    "conf_low": ("低", "low"),
    "answer_type": ("类型", "Type"),
    "supporting": ("依据", "Supporting sentence"),
    "sources": ("出处", "Sources"),
    "not_found": ("未在文档中找到答案", "Not found in these documents"),
    "not_found_hint": ("检索到的段落都不足以回答这个问题。可以换个说法、放宽筛选条件，或查看下面检索到的段落。",
                       "None of the retrieved passages answers this question. Try rephrasing, relaxing the filters, "
                       "or read the retrieved passages below."),
    "cited": ("引用段落", "Cited passages"),
    "retrieved": ("其他检索结果", "Other retrieved passages"),
    "results": ("检索结果", "Results"),
    "no_results": ("没有匹配的段落。请换个检索词或放宽筛选条件。", "No matching passages. Try other words or relax the filters."),
    "open_source": ("查看原文", "Open source"),
    "close": ("关闭", "Close"),
    "source_view": ("原文", "Source document"),
    "extracted_from": ("文本提取自", "text extracted from"),
    "original_file": ("下载原文件", "Download the original"),
    "show_simplified": ("显示简体", "Show simplified"),
    "outline": ("章节目录", "Outline"),
    "no_outline": ("（无章节结构）", "(no section structure)"),
    "doc_missing": ("该文档已不在当前索引中。", "This document is no longer in the current index."),
    "score": ("得分", "score"),
    "section": ("章节", "section"),
    "unknown": ("未知", "unknown"),
    "n_docs": ("已索引 {n} 篇文档、{c} 个段落", "{n} documents, {c} passages indexed"),
    "no_index": ("还没有索引。", "There is no index yet."),
    "no_index_how": ("在命令行运行 `python cli.py ingest <文件夹>`，或点击下面的按钮索引自带的示例文档（data/samples）。",
                     "Run `python cli.py ingest <folder>`, or press the button below to index the bundled samples "
                     "(data/samples)."),
    "index_samples": ("索引示例文档", "Index the sample documents"),
    "index_error": ("索引无法加载：", "The index cannot be loaded:"),
    "rebuild": ("按当前设置重建索引", "Rebuild the index with the current settings"),
    "loading": ("正在加载索引…", "Loading the index…"),
    "building": ("正在建立索引…", "Building the index…"),
    "stage_load": ("读取文件", "Reading files"),
    "stage_chunk": ("切分段落", "Splitting passages"),
    "stage_tokenize": ("分词", "Tokenizing"),
    "stage_encode": ("计算向量", "Encoding vectors"),
    "stage_write": ("写入索引", "Writing the index"),
    "build_done": ("索引完成：{n} 篇文档、{c} 个段落（新增 {a}，更新 {u}，删除 {r}），用时 {s:.1f} 秒。",
                   "Indexed {n} documents, {c} passages (added {a}, updated {u}, removed {r}) in {s:.1f} s."),
    "build_nochange": ("没有变化，沿用当前索引（{n} 篇文档）。", "Nothing changed; the current index ({n} documents) is kept."),
    "build_failed": ("建立索引失败：", "Building the index failed:"),
    "skipped_head": ("{n} 个文件未能索引：", "{n} file(s) could not be indexed:"),
    "skipped_line": ("{file}：{reason}", "{file}: {reason}"),
    "doc_list": ("已索引的文档", "Indexed documents"),
    "doc_filter": ("按标题或文件名筛选", "Filter by title or file name"),
    "upload": ("上传文件", "Upload files"),
    "upload_help": ("支持 {s}。文件保存在 {d}，然后加入索引。", "Supported: {s}. Files are saved to {d}, then indexed."),
    "upload_button": ("保存并索引", "Save and index"),
    "upload_none": ("请先选择文件。", "Choose files first."),
    "index_folder": ("索引文件夹", "Index a folder"),
    "folder_path": ("文件夹路径", "Folder path"),
    "folder_button": ("索引此文件夹", "Index this folder"),
    "folder_missing": ("找不到文件夹：{p}", "No such folder: {p}"),
    "edit_meta": ("编辑元数据", "Edit metadata"),
    "edit_doc": ("文档", "Document"),
    "edit_help": ("修改会保存在索引目录的 overrides.json 中，重新索引后仍然保留。",
                  "Edits are saved in the index's overrides.json and kept across re-indexing."),
    "region": ("地区", "Region"),
    "date": ("日期（YYYY-MM-DD）", "Date (YYYY-MM-DD)"),
    "doc_type": ("类型", "Type"),
    "title": ("标题", "Title"),
    "save_meta": ("保存并重建索引", "Save and rebuild"),
    "bad_date": ("日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD。", "The date must be YYYY, YYYY-MM or YYYY-MM-DD."),
    "remove_doc": ("删除文档", "Remove a document"),
    "remove_confirm": ("确认从索引中删除", "Yes, remove it from the index"),
    "remove_button": ("删除", "Remove"),
    "remove_help": ("从索引中删除；若文件是上传的，也删除上传的副本。原始文件夹中的文件不会被删除。",
                    "Removes it from the index (and the uploaded copy, if it was uploaded). Files in your own "
                    "folders are not deleted."),
    "index_info": ("索引信息", "Index details"),
    "eval_existing": ("评估报告", "Evaluation reports"),
    "eval_run": ("运行评估", "Run an evaluation"),
    "eval_none": ("还没有评估报告（var/eval/*/report.json）。可在下面运行一次评估。",
                  "No evaluation reports yet (var/eval/*/report.json). Run one below."),
    "eval_report": ("报告", "Report"),
    "eval_default": ("默认配置", "Default configuration"),
    "eval_nq": ("问题数", "Questions"),
    "eval_metrics": ("各配置指标", "Metrics by configuration"),
    "eval_by_lang": ("按语言", "By language"),
    "eval_by_type": ("按题型", "By question type"),
    "eval_charts": ("图表", "Charts"),
    "eval_failures": ("失败案例", "Failures"),
    "eval_compare": ("对比两个配置", "Compare two configurations"),
    "eval_config": ("配置", "Configuration"),
    "eval_metric": ("指标", "Metric"),
    "eval_gold": ("标注文件路径（JSONL）", "Gold file path (JSONL)"),
    "eval_gold_upload": ("或上传标注文件", "or upload a gold file"),
    "eval_out": ("输出目录", "Output directory"),
    "eval_start": ("开始评估", "Run evaluation"),
    "eval_running": ("评估中…", "Evaluating…"),
    "eval_done": ("评估完成，报告写入 {d}", "Done; report written to {d}"),
    "eval_missing_runner": ("评估模块（eval/runner.py）尚不可用：", "The evaluation runner (eval/runner.py) is not available:"),
    "eval_failed": ("评估失败：", "Evaluation failed:"),
    "eval_gold_missing": ("找不到标注文件：{p}", "No such gold file: {p}"),
    "invalid_report": ("无法读取报告 {p}：{e}", "Cannot read report {p}: {e}"),
}


def t(key: str, lang: str = "zh", **fmt) -> str:
    """The string for ``key`` in ``lang`` ("zh" or "en"); unknown keys return the key itself."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    s = pair[1] if lang == "en" else pair[0]
    return s.format(**fmt) if fmt else s


def pick(bilingual: str, lang: str) -> str:
    """Pick one side of a ``"中文 / English"`` message (the form our errors use); other text unchanged.

    >>> pick("不是文件夹 / not a folder", "en")
    'not a folder'
    """
    if " / " not in bilingual:
        return bilingual
    zh, _, en = bilingual.partition(" / ")
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    if not has_cjk or not en.strip():
        return bilingual
    return en.strip() if lang == "en" else zh.strip()
