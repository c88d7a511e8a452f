"""Number normalisation and quantity comparison for Chinese policy text.

Used by the analyzer (so that 五百亿, 500億 and 500亿元 index to the same token
``500亿``) and by answer matching (so that ``500亿元``, ``五百亿元`` and
``50 billion yuan`` count as the same answer).

Canonical written form: Arabic digits, no thousands separators, and the Chinese
scales 万 / 亿 / 万亿 kept as a suffix (``500亿``, ``3500万``, ``1159``).

>>> normalize_numbers("全省技术合同成交额达到五百亿元，高新技术企业一千一百五十九家")
'全省技术合同成交额达到500亿元，高新技术企业1159家'
>>> quantities_equal("500亿元", "50 billion yuan")
True
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cn2an

__all__ = [
    "Quantity",
    "normalize_numbers",
    "parse_quantity",
    "quantities_equal",
    "english_quantity_to_chinese",
    "format_number",
    "UNITS",
]

# Traditional numeral characters; t2s already maps them, but answer matching may see raw text.
_TRAD_NUM = {"億": "亿", "萬": "万", "兩": "两", "點": "点", "％": "%"}
_TRAD_NUM_RE = re.compile("[億萬兩點％]")

_SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}

# Words that, right after a Chinese numeral run, mark it as a quantity. Kept conservative: no
# 位 (五位一体), 部, 期, 段, 分 (三分之一 is handled by cn2an only inside a run) — see tests.
UNITS: tuple[str, ...] = tuple(
    sorted(
        [
            # money / ratio
            "元", "美元", "欧元", "港元", "日元", "%", "倍", "个百分点", "百分点", "成",
            # counts
            "家", "个", "项", "人", "名", "户", "所", "座", "台", "套", "件", "篇", "次", "条", "类", "批",
            "种", "支", "款", "场", "届", "辆", "只", "张", "份", "册", "本", "栋", "间", "层", "级",
            "笔", "例", "床", "枚", "颗", "人次", "余",  # not 处 (四处 = everywhere)
            # time
            "年", "月", "日", "天", "周", "岁", "小时", "分钟",
            # measure
            "亩", "吨", "米", "度", "公里", "千米", "平方公里", "平方米", "公顷", "千瓦", "兆瓦", "千瓦时", "立方米",
        ],
        key=len,
        reverse=True,
    )
)

_UNIT_CATEGORY = {
    "元": "yuan", "块": "yuan",
    "美元": "usd", "欧元": "eur", "港元": "hkd", "日元": "jpy",
    "%": "percent", "百分点": "percentage_point", "个百分点": "percentage_point",
    "倍": "times",
    "年": "time", "月": "time", "日": "time", "天": "time", "周": "time", "岁": "time", "小时": "time",
    "分钟": "time",
}

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUM_CHARS = _CN_DIGITS + "十百千万亿点"
_CN_RUN = re.compile(f"[{_CN_NUM_CHARS}]+")
_PERCENT_CN = re.compile(f"百分之([{_CN_NUM_CHARS}]+|\\d+(?:\\.\\d+)?)")
# Per mille and per ten thousand, as laws write rates (按日加收万分之五): a percentage to parse_quantity.
_PER_MILLE = re.compile(f"(?:按日|每日|日)?([千万])分之([{_CN_NUM_CHARS}]+|\\d+(?:\\.\\d+)?)")
# 1,159 / 12,345,678 — first group 1–3 digits, not inside a longer number.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?")
# "2025 年" (PDF extraction) → "2025年"
_SPACE_BEFORE_UNIT = re.compile(r"(\d)[ \t\u3000]+(?=[年月日万亿元%])")


def format_number(v: float) -> str:
    """Shortest plain rendering: 500.0 → '500', 2.50 → '2.5' (never scientific notation)."""
    if math.isfinite(v) and abs(v - round(v)) < 1e-9 * max(1.0, abs(v)):
        return str(int(round(v)))
    s = f"{v:.10f}".rstrip("0").rstrip(".")
    return s or "0"


def _cn_value(run: str) -> float | None:
    """Value of a Chinese numeral run, or None when it is not a well-formed number."""
    if run and run[0] in "十百千万亿":
        run = "一" + run  # 百万 → 一百万 (cn2an rejects a bare leading scale)
    if run and all(c in "零〇一二三四五六七八九" for c in run) and len(run) > 1:
        # 二〇二二 — digit-by-digit (years, codes)
        return float("".join(str("零一二三四五六七八九".index(c) if c != "〇" else 0) for c in run))
    try:
        return float(cn2an.cn2an(run, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _render_cn_run(run: str) -> str | None:
    """'五百亿' → '500亿', '一亿五千万' → '1.5亿', '一千一百五十九' → '1159'; None if unparseable."""
    v = _cn_value(run)
    if v is None:
        return None
    if "亿" in run and run.endswith(("亿", "万")):
        return format_number(v / 1e8) + "亿"
    if run.endswith("万"):
        return format_number(v / 1e4) + "万"
    return format_number(v)


_UNIT_RE = re.compile("|".join(re.escape(u) for u in UNITS))  # UNITS is longest-first


def _convert_run(text: str, m: re.Match[str]) -> str | None:
    """Decide whether a Chinese numeral run denotes a quantity; return its Arabic form or None.

    Converted: a run followed by a unit (三家, 二〇二二年, 三点五%), a run ending in 万/亿 with
    digits before it (五百亿), or a compound of ≥3 chars with 百/千 (一千一百五十九).
    Left alone: ordinals (第一), a lone 一 (一是, 一个, 统一 — "one/a" far more often than a
    quantity), idioms without a unit (一带一路, 十四五, 千万不要, 十九大).
    """
    run = m.group(0)
    start = m.start()
    if run == "一" or run.endswith("点"):  # the commonest run by far; 三点意见 is "three points"
        return None
    if start > 0 and (text[start - 1] in "第初周星." or text[start - 1].isdigit()):
        return None  # ordinals; 500亿 — the scale of an Arabic number is not a number itself
    return _decide(run, bool(_UNIT_RE.match(text, m.end())))


@lru_cache(maxsize=8192)
def _decide(run: str, unit: bool) -> str | None:
    has_digit = any(c in _CN_DIGITS + "十" for c in run)
    if unit:
        if not has_digit and run not in ("百", "亿", "百万", "千万", "万亿", "十"):
            return None  # 千家万户, 万人 — idioms, not quantities
        return _render_cn_run(run)
    if run[-1] in "万亿" and len(run) >= 2 and has_digit and run not in ("万一", "一一"):
        return _render_cn_run(run)
    if len(run) >= 3 and has_digit and any(c in "百千" for c in run):
        return _render_cn_run(run)
    return None


def normalize_numbers(text: str) -> str:
    """Rewrite quantities to the canonical form; leave ordinals and idioms alone.

    * Chinese numerals that denote a quantity → Arabic: 五百亿 → 500亿, 一千一百五十九家 → 1159家,
      二〇二二年 → 2022年, 百分之五十 → 50%.
    * thousands separators removed: 1,159 → 1159; 億/萬 → 亿/万; "2025 年" → "2025年".
    * the scale stays a suffix (500亿元 keeps 元; the analyzer splits it into 500亿 + 元).
    """
    if not text:
        return text
    text = _TRAD_NUM_RE.sub(lambda m: _TRAD_NUM[m.group(0)], text)  # str.translate is slow on CJK text
    if "," in text:
        text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    text = _SPACE_BEFORE_UNIT.sub(r"\1", text)
    if "百分之" in text:

        def pct(m: re.Match[str]) -> str:
            inner = m.group(1)
            v = float(inner) if inner[0].isdigit() else _cn_value(inner)
            return m.group(0) if v is None else format_number(v) + "%"

        text = _PERCENT_CN.sub(pct, text)
    if not any(c in _CN_NUM_CHARS for c in text):
        return text
    out: list[str] = []
    last = 0
    for m in _CN_RUN.finditer(text):
        rep = _convert_run(text, m)
        if rep is not None:
            out.append(text[last : m.start()])
            out.append(rep)
            last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


# ---------------------------------------------------------------- quantities


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: ``value`` in base units (元, not 亿元), ``unit`` as written
    (元, %, 家, '' …) and ``category`` (yuan, usd, percent, percentage_point, times, time,
    count, none).

    >>> parse_quantity("500亿元")
    Quantity(value=50000000000.0, unit='元', category='yuan')
    """

    value: float
    unit: str = ""
    category: str = "none"


_EN_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12,
}
_EN_UNIT = {
    "yuan": "元", "rmb": "元", "cny": "元", "renminbi": "元", "¥": "元", "￥": "元",
    "percent": "%", "per cent": "%", "pct": "%", "%": "%",
    "percentage point": "个百分点", "percentage points": "个百分点",
    "dollars": "美元", "dollar": "美元", "usd": "美元", "us$": "美元", "$": "美元",
    "companies": "家", "company": "家", "enterprises": "家", "enterprise": "家", "firms": "家", "firm": "家",
    "people": "人", "persons": "人", "person": "人",
    "projects": "项", "project": "项", "items": "项", "times": "倍", "fold": "倍", "years": "年", "year": "年",
}
_EN_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _EN_UNIT if u[0].isalpha()), key=len, reverse=True))
_EN_SCALE_ALT = "|".join(sorted(_EN_SCALE, key=len, reverse=True))
_EN_QTY = re.compile(
    rf"(?P<pre>(?:rmb|cny|us\$|\$|¥|￥)\s*)?"
    rf"(?<![\w.])(?P<num>\d[\d,]*(?:\.\d+)?)"
    rf"(?:\s*(?P<scale>{_EN_SCALE_ALT})\b)?"
    rf"(?:\s*(?P<unit>%|(?:{_EN_UNIT_ALT})\b))?",
    re.IGNORECASE,
)
_CN_QTY = re.compile(r"^(?P<num>\d+(?:\.\d+)?)(?P<scale>万亿|亿|万|千(?![克米瓦])|百)?(?P<unit>.*)$")
_APPROX_PREFIX = re.compile(r"^(?:人民币|约|近|超过|超|逾|达到|达|共计|共|合计|累计|总计|rmb|cny|¥|￥)+", re.I)
_APPROX_SUFFIX = re.compile(r"(?:左右|以上|以下|多|余)$")


def _category(unit: str) -> str:
    if not unit:
        return "none"
    return _UNIT_CATEGORY.get(unit, "count")


@lru_cache(maxsize=4096)
def parse_quantity(s: str) -> Quantity | None:
    """Parse one quantity phrase; None when ``s`` is not a quantity.

    Handles Chinese (500亿元, 五百亿元, 500億元, 1,159家, 五千, 百分之二十, 千分之三, 2.5个百分点) and
    English (50 billion yuan, RMB 50 billion, 20 percent, 5,000). Approximation words
    (约, 超过, 左右, 以上) are ignored.
    """
    if not s:
        return None
    t = unicodedata.normalize("NFKC", s).strip().lower()
    t = _TRAD_NUM_RE.sub(lambda m: _TRAD_NUM[m.group(0)], t)
    # English first: it has spaces and words the Chinese path does not understand.
    m = _EN_QTY.fullmatch(t.strip())
    if m:
        num = float(m.group("num").replace(",", ""))
        mult = _EN_SCALE.get((m.group("scale") or "").lower(), 1.0)
        unit = _EN_UNIT.get((m.group("unit") or "").lower(), "")
        if not unit and m.group("pre"):
            unit = _EN_UNIT.get(m.group("pre").strip().lower(), "")
        unit = "百分点" if unit == "个百分点" else unit
        return Quantity(num * mult, unit, _category(unit))
    t = re.sub(r"\s+", "", t)
    t = _APPROX_PREFIX.sub("", t)
    t = _APPROX_SUFFIX.sub("", t)
    pm = _PER_MILLE.fullmatch(t)
    if pm:  # 千分之三 = 0.3%, 日万分之五 (a daily rate) = 0.05%
        inner = pm.group(2)
        v = float(inner) if inner[0].isdigit() else _cn_value(inner)
        return None if v is None else Quantity(v / (10.0 if pm.group(1) == "千" else 100.0), "%", "percent")
    t = normalize_numbers(t)
    # A bare run that normalize_numbers kept (lone 一, 十九): convert it here — the caller says it is a number.
    rm = re.match(f"^[{_CN_NUM_CHARS}]+", t)
    if rm:
        scale = ""
        run = rm.group(0)
        if run[-1] in "万亿" and len(run) > 1:
            scale = "万亿" if run.endswith("万亿") else run[-1]
            run = run[: -len(scale)]
        v = _cn_value(run)
        if v is None:
            return None
        t = format_number(v) + scale + t[rm.end() :]
    m = _CN_QTY.match(t)
    if not m:
        return None
    value = float(m.group("num")) * _SCALES.get(m.group("scale") or "", 1.0)
    unit = _APPROX_SUFFIX.sub("", m.group("unit"))
    if unit.startswith("个百分点"):
        unit = "百分点"
    if unit and not re.fullmatch(r"[\u4e00-\u9fff%]{1,4}", unit):
        return None  # 500亿元的 … — not a single quantity phrase
    if unit and unit not in UNITS and unit not in _UNIT_CATEGORY and len(unit) > 2:
        return None
    return Quantity(value, unit, _category(unit))


def quantities_equal(a: str | Quantity | None, b: str | Quantity | None, rel_tol: float = 1e-6) -> bool:
    """True when two quantity phrases denote the same amount.

    Categories must agree, except that a bare number matches any unit (an answer "500亿"
    for gold "500亿元" is accepted). 2.5% ≠ 2.5个百分点; 500亿元 ≠ 500亿美元.
    """
    qa = parse_quantity(a) if isinstance(a, str) else a
    qb = parse_quantity(b) if isinstance(b, str) else b
    if qa is None or qb is None:
        return False
    if qa.category != qb.category and "none" not in (qa.category, qb.category):
        return False
    if qa.category == qb.category == "count" and qa.unit != qb.unit:
        return False
    return math.isclose(qa.value, qb.value, rel_tol=rel_tol, abs_tol=1e-9)


def _chinese_amount(v: float, scaled: bool) -> str:
    """5e10 → '500亿', 1.2e6 → '120万' (only when the English used a scale word), 5000 → '5000'."""
    if not scaled or abs(v) < 1e4:
        return format_number(v)
    if abs(v) >= 1e12:
        return format_number(v / 1e12) + "万亿"
    if abs(v) >= 1e8:
        return format_number(v / 1e8) + "亿"
    return format_number(v / 1e4) + "万"


def english_quantity_to_chinese(s: str) -> str:
    """Rewrite English quantities inside ``s`` to Chinese written form, leaving other text alone.

    "50 billion yuan" → "500亿元", "5,000" → "5000", "20 percent" → "20%",
    "RMB 1.2 million" → "120万元", "3 percentage points" → "3个百分点".
    """

    def rep(m: re.Match[str]) -> str:
        raw = m.group("num")
        if "," in raw and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
            return m.group(0)  # "2019,2020" is a list, not a number
        num = float(raw.replace(",", ""))
        scale = (m.group("scale") or "").lower()
        if scale in ("m", "b", "k") and not (m.group("unit") or m.group("pre")):
            return m.group(0)  # "5 m" alone is more likely metres than millions
        v = num * _EN_SCALE.get(scale, 1.0)
        unit = _EN_UNIT.get((m.group("unit") or "").lower(), "")
        if not unit and m.group("pre"):
            unit = _EN_UNIT.get(m.group("pre").strip().lower(), "")
        if unit == "年":
            return m.group(0).replace(",", "")  # "3 years" / "2025" — a count of years is not rewritten
        return _chinese_amount(v, bool(scale)) + unit

    return _EN_QTY.sub(rep, s)
