"""Rule-based document metadata and sidecar metadata files.

``infer_metadata(text, name)`` reads title, date/year, region/city, issuer, document number,
script and document type from the text itself; ``load_sidecar(folder)`` reads
``metadata.csv`` / ``metadata.jsonl`` / ``manifest.jsonl`` whose values override the
inferred ones (``DocMeta.with_overrides``).

Example:
    >>> m = infer_metadata("当前位置：首页\\n沧州市科学技术局关于印发2022年工作要点的通知\\n"
    ...                    "沧科〔2022〕3号\\n各县（市、区）科技局：\\n现印发给你们。\\n2022年3月1日", "a.txt")
    >>> (m.region, m.city, m.date, m.doc_number, m.doc_type)
    ('河北', '沧州', '2022-03-01', '沧科〔2022〕3号', 'notice')
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from ingest.chrome import chrome_rule
from ingest.regions import infer_region, province_of, short_name, to_simplified
from ingest.types import DocMeta, LoadError

SIDECAR_NAMES = ("metadata.csv", "metadata.jsonl", "manifest.jsonl")

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月(?:\s*(?P<d1>\d{1,2})\s*日)?|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2}))"
)
_CN_DATE = re.compile(r"(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?:(?P<d>[一二三四五六七八九十]{1,3})日)?")
_LABELLED_DATE = re.compile(r"(发布日期|发文日期|成文日期|印发日期|发布时间|时间|日期)\s*[:：]\s*")
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*[号號]"
)
_HEADING_START = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|第[一二三四五六七八九十百千零\d]+[章节条])")
_SALUTATION = re.compile(r"^(同志们|各位|尊敬的|女士们|大家好|各[县市区省部委厅局]|各有关)")
_GENERIC_TITLE = re.compile(r"^.{0,6}(动态|历史|新闻|公告|中心|首页|全文|正文|栏目|专题|要闻)$")
_BOILERPLATE_TITLE = re.compile(r"小编.{0,20}?(?:整理|收集|搜集)的(?P<t>.{4,60}?)[，,。]?\s*(?:供大家参考|欢迎阅读|希望)")
_ORG_END = re.compile(r"(人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|厅|局|委|部|院|署|政府|常委会)$")
_ISSUER_LABEL = re.compile(r"(发布机构|发文机关|信息来源|来源|版权所有)\s*[:：]\s*(?P<v>[^\s:：|]{2,30})")
_ISSUER_TITLE = re.compile(r"^(?P<v>[\u4e00-\u9fff、]{3,40}?)关于")
_HISTORY = re.compile(r"通过|修正|修订|公布|施行|批准")
_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")

# Rightmost keyword in the title decides (…行动计划的通知 → notice; …会议上的报告 → report).
_DOC_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("report", r"报告|工作总结|总结|述职"),
    ("notice", r"通知|通告|公告|印发|通报|批复|函"),
    ("plan", r"计划|规划|方案|纲要|要点|意见|行动"),
    ("speech", r"讲话|致辞|发言|演讲|在.{2,30}会议?上的(讲话|发言)"),
    ("regulation", r"条例|办法|规定|细则|规则|法$|法（|解释|决定|章程|准则"),
    ("news", r"召开|举行|举办|开幕|闭幕|会议$|座谈会|调研|视察|考察|启动"),
)


def _cn_num(s: str) -> int:
    if all(c in _CN_DIGITS for c in s):
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    # 十, 十二, 二十, 二十一, 三十一
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGITS.get(a, 1) if a else 1) * 10 + (_CN_DIGITS.get(b, 0) if b else 0)
    return _CN_DIGITS.get(s, 0)


def parse_date(s: str) -> str:
    """First date in ``s`` as ISO ``YYYY-MM-DD`` (or ``YYYY-MM``); "" if none or invalid."""
    best: tuple[int, str] | None = None
    m = _DATE.search(s)
    if m:
        y, mo, d = m.group("y"), m.group("m1") or m.group("m2"), m.group("d1") or m.group("d2")
        iso = _iso(int(y), int(mo), int(d) if d else None)
        if iso:
            best = (m.start(), iso)
    m2 = _CN_DATE.search(s)
    if m2 and (best is None or m2.start() < best[0]):
        iso = _iso(_cn_num(m2.group("y")), _cn_num(m2.group("m")), _cn_num(m2.group("d")) if m2.group("d") else None)
        if iso:
            best = (m2.start(), iso)
    return best[1] if best else ""


def _iso(y: int, m: int, d: int | None) -> str:
    if not (1949 <= y <= 2100 and 1 <= m <= 12) or (d is not None and not 1 <= d <= 31):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}" if d else f"{y:04d}-{m:02d}"


def _lines(text: str) -> list[str]:
    return [ln.strip(" \t\u3000\xa0") for ln in text.split("\n")]


def _is_titleish(line: str) -> bool:
    return (
        0 < len(line) <= 80
        and not line.endswith(("。", "；", ";", "：", ":", "，", ","))
        and not _SALUTATION.match(line)
        and not _HEADING_START.match(line)
        and not _DOC_NUMBER.fullmatch(line)
        and not (parse_date(line) and len(re.sub(r"[\d\-/.年月日\s:：]", "", line)) < 4)
    )


def infer_title(text: str, name: str = "") -> str:
    """First substantive, non-chrome line(s) of the top of the document (continuation lines joined)."""
    lines = _lines(text)[:60]
    for ln in lines[:5]:
        m = _BOILERPLATE_TITLE.search(ln)
        if m:
            return m.group("t").strip()
    for i, ln in enumerate(lines):
        if not ln or chrome_rule(ln) or _GENERIC_TITLE.match(to_simplified(ln)):
            continue
        if not _is_titleish(ln):
            break
        parts = [ln]
        for nxt in lines[i + 1: i + 4]:
            # a short next line without sentence punctuation continues a multi-line title
            if not nxt or not _is_titleish(nxt) or len(nxt) > 40 or chrome_rule(nxt) or _ORG_END.search(nxt):
                break
            if "，" in nxt or "," in nxt:
                break
            parts.append(nxt)
        title = parts[0]
        for p in parts[1:]:
            title += p if p.startswith(("——", "—", "（", "(", "《")) else " " + p
        return title
    return Path(name).stem if name else ""


# A Chinese title names a kind of document at its end (…行动方案, …管理办法（试行）, …建设指南（2021 版）).
_TITLE_END = (r"(?:方案|计划|意见|办法|规定|条例|通知|指引|指南|细则|规划|纲要|要求|标准|决定|报告|措施|政策|公告|通告|函|"
              r"批复|法|规范|规则|目录|清单|白皮书|战略|行动|倡议)(?:[（(][^（()）]{1,20}[)）])?")
_ZH_TITLE_LINE = re.compile(rf"^[^。；，,\s]{{4,60}}?{_TITLE_END}$")
# …or the notice that issues it quotes it: 现将《…》印发给你们, or the text opens with it: 《…》已经…审议通过
_ZH_TITLE_QUOTED = re.compile(rf"(?:现将|^)《([^《》\n]{{4,60}}?{_TITLE_END})》|《([^《》\n]{{4,60}}?{_TITLE_END})》已[经于]")


def chinese_title(text: str) -> str:
    """The Chinese title a document states itself — its title line, or the 《name》 its notice issues — or "".

    For a sidecar that gives a Chinese document an English title (a translated catalogue): the Chinese title is
    what a Chinese reader cites and searches by (``localize_title``).

        >>> chinese_title("数字山东2021行动方案\\n\\n为加快建设数字强省，制定本方案。")
        '数字山东2021行动方案'
        >>> chinese_title("各有关单位：\\n现将《中小企业数字化转型指南》印发给你们，请结合实际抓好落实。")
        '中小企业数字化转型指南'
        >>> chinese_title("为贯彻落实《新一代人工智能发展规划》，结合本市实际，提出如下意见。")
        ''
    """
    line = infer_title(text, "")
    if _ZH_TITLE_LINE.match(line.replace(" ", "")):
        return line
    m = _ZH_TITLE_QUOTED.search(text[:400].lstrip())
    return (m.group(1) or m.group(2)) if m else ""


def localize_title(meta: DocMeta, text: str) -> DocMeta:
    """``meta`` with the document's own Chinese title when its title (from a sidecar) has no Chinese in it; the
    English one is kept as ``title_en``. Unchanged when the text states no Chinese title.

        >>> m = localize_title(DocMeta(title="Action Plan for Digital Shandong 2021"), "数字山东2021行动方案\\n正文。")
        >>> m.title, m.title_en
        ('数字山东2021行动方案', 'Action Plan for Digital Shandong 2021')
    """
    if not meta.title or re.search(r"[\u4e00-\u9fff]", meta.title):
        return meta
    zh = chinese_title(text)
    return meta.with_overrides({"title": zh, "title_en": meta.title}) if zh else meta


def infer_date(text: str) -> str:
    lines = _lines(text)
    top = lines[:30]
    # Legislative history under a law's title (…通过 / …修正 / …施行): the text is the latest version.
    history = [d for ln in top[:20] if _HISTORY.search(ln) and parse_date(ln[:12])
               for d in (parse_date(ln[m.start():]) for m in _DATE.finditer(ln)) if d]
    if history:
        return max(history)
    for ln in top:  # labelled: 发布日期：2021-03-05
        m = _LABELLED_DATE.search(ln)
        if m:
            d = parse_date(ln[m.end():])
            if d:
                return d
    for ln in top[:15]:  # a line that starts with a date (2021-03-26  省科技厅厅长 …, 2022年8月22日)
        d = parse_date(ln[:12])
        if d and len(ln) <= 60 and not ln.endswith("。"):
            return d
    tail = [ln for ln in lines if ln][-8:]
    for ln in reversed(tail):  # signature date at the end
        if len(ln) <= 20:
            d = parse_date(ln)
            if d:
                return d
    return ""


def infer_issuer(text: str, title: str) -> str:
    st = to_simplified(title)
    m = _ISSUER_TITLE.match(st)
    if m and _ORG_END.search(m.group("v").split("、")[0]):
        return m.group("v")
    lines = [to_simplified(ln) for ln in _lines(text)]
    found: dict[str, str] = {}
    for ln in lines[:30] + lines[-15:]:
        for mm in _ISSUER_LABEL.finditer(ln):
            found.setdefault(mm.group(1), mm.group("v"))
    for label in ("发布机构", "发文机关"):
        if label in found:
            return found[label]
    # a signature line (organisation name alone) right before a date line
    nonempty = [ln for ln in lines if ln]
    for i in range(1, min(len(nonempty), 60)):
        if parse_date(nonempty[i]) and len(nonempty[i]) <= 16:
            prev = nonempty[i - 1]
            if 3 <= len(prev) <= 30 and _ORG_END.search(prev) and not _SALUTATION.match(prev):
                return prev
    for i in range(len(nonempty) - 1, max(0, len(nonempty) - 6), -1):
        ln = nonempty[i]
        if 3 <= len(ln) <= 30 and _ORG_END.search(ln) and not chrome_rule(ln):
            return ln
    for label in ("信息来源", "来源", "版权所有"):
        if label in found:
            return found[label]
    return ""


def infer_script(text: str, sample: int = 3000) -> str:
    """``traditional`` when OpenCC t2s changes a clear share of the CJK characters of a sample."""
    cjk = "".join(c for c in text[: sample * 3] if "\u4e00" <= c <= "\u9fff")[:sample]
    if not cjk:
        return "simplified"
    simp = to_simplified(cjk)
    changed = sum(1 for a, b in zip(cjk, simp, strict=False) if a != b) if len(simp) == len(cjk) else abs(len(simp) - len(cjk))
    return "traditional" if changed >= max(3, 0.05 * len(cjk)) else "simplified"


def infer_doc_type(title: str) -> str:
    t = to_simplified(title)
    best, pos = "other", -1
    for kind, pat in _DOC_TYPE_RULES:
        for m in re.finditer(pat, t):
            if m.end() > pos:
                best, pos = kind, m.end()
    return best


def infer_metadata(text: str, name: str = "") -> DocMeta:
    """Infer DocMeta from the stored text (either script); ``name`` is the file name (title fallback)."""
    title = infer_title(text, name)
    date = infer_date(text)
    year = int(date[:4]) if date else None
    if year is None:
        years = [int(y) for y in _YEAR.findall(title)]
        year = max(years) if years else None
    issuer = infer_issuer(text, title)
    lines = _lines(text)
    source_lines = tuple(ln for ln in lines[:30] + lines[-15:]
                         if ln and chrome_rule(ln) in ("copyright", "author", "pubbar", "counter"))
    region, city = infer_region(text, title=title, issuer=issuer, source_lines=source_lines)
    m = _DOC_NUMBER.search(text[:3000])
    return DocMeta(
        title=title,
        date=date,
        year=year,
        region=region,
        city=city,
        issuer=issuer,
        doc_number=re.sub(r"\s+", "", m.group(0)) if m else "",
        script=infer_script(text),
        doc_type=infer_doc_type(title),
        source=name,
    )


# ---------------------------------------------------------------- sidecar files

def _clean_row(row: dict[str, Any], where: str) -> tuple[str, dict[str, Any]]:
    key = row.get("file") or row.get("name")
    if not key or not isinstance(key, str):
        raise LoadError(where, "元数据行缺少文件名 / row has no 'file' or 'name' field")
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k in ("file", "name") or v is None or v == "":
            continue
        if isinstance(v, (dict, list)):
            v = json.dumps(v, ensure_ascii=False)
        if k == "year":
            try:
                v = int(str(v).strip()[:4])
            except ValueError:
                raise LoadError(where, f"年份不是数字 / year {v!r} is not a number") from None
        elif k == "region":
            v = str(v).strip()
            v = province_of(v) or short_name(v)
        elif k == "city":
            v = short_name(str(v).strip())
        out[str(k)] = v
    return key, out


def load_sidecar(folder: Path) -> dict[str, dict[str, Any]]:
    """Read every sidecar in ``folder`` → ``{file name: {field: value}}``; later files win per field.

    Raises LoadError naming the sidecar file and line for malformed content.
    """
    folder = Path(folder)
    result: dict[str, dict[str, Any]] = {}
    for fname in SIDECAR_NAMES:
        path = folder / fname
        if not path.is_file():
            continue
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise LoadError(str(path), f"无法读取元数据文件 / cannot read sidecar: {e}") from None
        if fname.endswith(".jsonl"):
            for i, line in enumerate(raw.splitlines(), 1):
                if not line.strip():
                    continue
                where = f"{path}:{i}"
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise LoadError(where, f"JSON 格式错误 / invalid JSON ({e.msg})") from None
                if not isinstance(row, dict):
                    raise LoadError(where, "每行须为 JSON 对象 / each line must be a JSON object")
                key, vals = _clean_row(row, where)
                result.setdefault(key, {}).update(vals)
        else:
            reader = csv.DictReader(raw.splitlines())
            if not reader.fieldnames or not ({"file", "name"} & set(reader.fieldnames)):
                raise LoadError(f"{path}:1", "CSV 表头缺少 file 或 name 列 / CSV header needs a 'file' or 'name' column")
            for i, row in enumerate(reader, 2):
                if None in row:  # more cells than header fields
                    raise LoadError(f"{path}:{i}", "单元格多于表头列数 / more cells than header columns")
                key, vals = _clean_row(dict(row), f"{path}:{i}")
                result.setdefault(key, {}).update(vals)
    return result
