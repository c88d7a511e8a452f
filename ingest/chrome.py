"""Web-page chrome: navigation, counters, share buttons and copyright lines.

Chrome lines stay in the stored text (offsets must not move) but are never indexed:
``chrome_spans(text)`` returns their ``(start, end)`` ranges for ``Document.skip_spans``.

Conservative by design: a line is chrome only if it is short (``_MAX_LEN``; metadata bars
such as 索引号 … 发布机构 … get ``_MAX_META_LEN``) and matches one of the rules below. Lines
are matched in simplified script (OpenCC t2s per line), so 瀏覽次數/列印/關閉 work too.

Example:
    >>> text = "当前位置：首页 > 政务公开\\n第一条 为了规范管理，制定本办法。\\n打印 关闭"
    >>> [text[s:e] for s, e in chrome_spans(text)]
    ['当前位置：首页 > 政务公开', '打印 关闭']
"""

from __future__ import annotations

import re
from functools import lru_cache

_MAX_LEN = 40
_MAX_META_LEN = 120
_SEP = r"\s*[:：]"

# (name, pattern, max length). Patterns are searched in the stripped, simplified line.
CHROME_RULES: tuple[tuple[str, str, int], ...] = (
    ("location", r"^(当前位置|您现在的位置|您的位置|现在位置|所在位置)", _MAX_META_LEN),
    ("print-close", r"(打印|列印)\s*(本页|此页)?\s*[】\]]?\s*[【\[]?\s*关闭(窗口|本页)?|^[【\[]?\s*(打印|关闭窗口|关闭|返回顶部|返回)\s*[】\]]?$", _MAX_LEN),
    ("counter", r"(浏览次数|浏览量|访问次数|访问量|阅读次数|阅读量|点击数|点击量|点击率)\s*[:：]\s*[\d,]*\s*(次|人次)?\s*($|\s)",
     _MAX_META_LEN),
    ("copyright", r"版权所有|Copyright|©|ICP备|网站标识码|公网安备|^(主办单位|承办单位|技术支持)\s*[:：]", _MAX_META_LEN),
    ("author", r"^(作者|编辑|责任编辑|责编|来源|信息来源|稿件来源|文章来源|发布人)\s*[:：]\s*\S{0,30}$", _MAX_LEN),
    ("pubmeta", r"^(发布日期|发文日期|发布时间|成文日期|更新时间|时间|日期)\s*[:：]\s*[\d\-/.年月日\s:：]{6,}", _MAX_META_LEN),
    ("pubbar", r"(发布日期|发布时间|信息来源|发布机构|公开方式|主题分类|文号|成文日期|发文机关)\s*[:：]", _MAX_META_LEN),
    ("index-no", r"^索\s*引\s*号\s*[:：]", _MAX_META_LEN),
    ("fontsize", r"字号\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小|字体\s*[:：]\s*[【\[]?\s*大", _MAX_LEN),
    ("share", r"^(分享到|分享至|扫一扫|扫描二维码|微信扫一扫|收藏本页|加入收藏|我要纠错|相关链接|相关阅读|推荐阅读)", _MAX_LEN),
    ("prev-next", r"^(上一篇|下一篇|上一条|下一条)\s*[:：]?", _MAX_META_LEN),
    # Category labels that sites print above an article (whole line only).
    ("nav-label", r"^(首页|公司动态|新闻动态|新闻中心|工作动态|政务公开|通知公告|发展历史|档案全文|文件全文|正文|"
                  r"政策文件|政策解读|信息公开|网站地图|联系我们|返回首页)$", _MAX_LEN),
    # Content-farm boilerplate such as 下面是小编为大家整理的…，供大家参考。
    ("boilerplate", r"^(下面是|以下是)?小编.{0,40}(整理|收集|搜集|精心).{0,60}(供大家参考|欢迎阅读|希望对你有|仅供参考)", _MAX_META_LEN),
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, re.Pattern, int], ...]:
    return tuple((name, re.compile(pat, re.I), n) for name, pat, n in CHROME_RULES)


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # pragma: no cover - opencc is a requirement
        return lambda s: s


def chrome_rule(line: str) -> str | None:
    """Name of the rule that marks ``line`` as chrome, or None."""
    s = line.strip().strip("\u3000\xa0")
    if not s or len(s) > _MAX_META_LEN:
        return None
    s = _t2s()(s)
    for name, pat, max_len in _compiled():
        if len(s) <= max_len and pat.search(s):
            return name
    return None


def is_chrome(line: str) -> bool:
    return chrome_rule(line) is not None


def chrome_spans(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of every chrome line (without its newline), in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if is_chrome(line):
            # trim surrounding whitespace so the span is exactly the visible chrome
            lead = len(line) - len(line.lstrip(" \t\u3000\xa0"))
            trail = len(line) - len(line.rstrip(" \t\u3000\xa0"))
            spans.append((pos + lead, end - trail))
        pos = end + 1
    return tuple(spans)
