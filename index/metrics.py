"""The metrics of the targets table: canonical names, English names and the phrases that name them, from
``data/metrics.tsv`` (users may add lines).

    >>> t = load_metrics()
    >>> [m for _, _, m in t.find_all("全省技术合同成交额突破500亿元")]
    ['技术合同成交额']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.analyzer import to_simplified

METRICS_PATH = Path(__file__).resolve().parent.parent / "data" / "metrics.tsv"
SHARE_OF = re.compile(r"中|的?比重|占")  # 在国内生产总值中的比重: a share of it, not it


@dataclass(frozen=True)
class MetricTable:
    """Phrase → canonical metric, with the English names; loaded from ``data/metrics.tsv``."""

    canonical: tuple[str, ...]
    english: dict[str, str]
    phrase_to_metric: dict[str, str]
    pattern: re.Pattern[str]
    # A growth metric's phrases without their closing 增长 (工农业总产值增长 → 工农业总产值): the subject a growth
    # figure reads when the text puts words between (工农业总产值将比上年增长14.1%, 国民生产总值计划增长百分之八).
    stem_to_growth: dict[str, str] = field(default_factory=dict)
    stem_pattern: re.Pattern[str] | None = None
    ranks: dict[str, int] = field(default_factory=dict)

    def find_all(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical) of every metric phrase in simplified ``text``, longest match first."""
        return [(m.start(), m.end(), self.phrase_to_metric[m.group(0)]) for m in self.pattern.finditer(text)]

    def rank_in(self, metric: str, text: str) -> int:
        """How early in ``metric``'s line of the metrics file the first of its phrases (or their subjects, less 增长)
        that ``text`` holds is listed: 0 for the canonical name; 99 when ``text`` holds none. A chart prefers the
        statement closest to the canonical name (国民生产总值 before 工农业总产值 for GDP growth).

            >>> t = load_metrics()
            >>> t.rank_in("国内生产总值增长", "国民生产总值平均每年") < t.rank_in("国内生产总值增长", "工农业总产值平均每年")
            True
        """
        named = [*self.phrase_to_metric.items(), *self.stem_to_growth.items()]
        return min((self.ranks.get(p, 99) for p, m in named if m == metric and p in text), default=99)

    def growth_of(self, text: str) -> str:
        """The growth metric whose subject (a phrase less its 增长) ``text`` names last, or ""; for a growth figure.

            >>> load_metrics().growth_of("工农业总产值将比上年")
            '国内生产总值增长'
        """
        if self.stem_pattern is None:
            return ""
        found = [m for m in self.stem_pattern.finditer(text) if text[max(0, m.start() - 2):m.start()] != "单位"
                 and not SHARE_OF.match(text, m.end())]  # 在国内生产总值中的比重: a share of it, not it
        return self.stem_to_growth[found[-1].group(0)] if found else ""


@lru_cache(maxsize=4)
def load_metrics(path: Path = METRICS_PATH) -> MetricTable:
    canonical: list[str] = []
    english: dict[str, str] = {}
    phrases: dict[str, str] = {}
    ranks: dict[str, int] = {}  # a phrase's place in its metric's line: 0 the canonical name, then as listed
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{n}: expected canonical<TAB>english<TAB>phrases, got {line!r}")
        name, en, alts = (p.strip() for p in parts)
        canonical.append(name)
        english[name] = en
        for i, p in enumerate(dict.fromkeys([name, *(a.strip() for a in alts.split("|") if a.strip())])):
            phrases.setdefault(to_simplified(p), name)
            ranks.setdefault(to_simplified(p), i)
    alt = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    stems = {p[:-2]: m for p, m in phrases.items() if p.endswith("增长") and len(p) >= 6}
    for p in phrases:
        if p.endswith("增长") and p[:-2] in stems:
            ranks.setdefault(p[:-2], ranks[p])  # a subject ranks as the phrase it comes from
    stem_alt = "|".join(re.escape(p) for p in sorted(stems, key=len, reverse=True))
    return MetricTable(tuple(canonical), english, phrases, re.compile(alt), stems,
                       re.compile(stem_alt) if stems else None, ranks)
