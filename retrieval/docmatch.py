"""Document-level matching: questions that name their document by title, year, type or issuer.

"2025年的国务院政府工作报告", "《个人所得税法》", "the Supreme People's Court's 2020 provisions": the passage
that answers often shares few words with the question, but its document's title does. A small index over
each document's title and issuer (the project analyzer's tokens plus lower-cased English words, for the
English titles some collections carry) gives every document the IDF-weighted share of the query's terms
its title holds, plus whether its year is a year the question names. Search adds it to the passages of
that document (``RetrievalConfig.doc_boost``).

    >>> from ingest.types import DocMeta
    >>> m = DocMatcher([DocMeta(title="2024年政府工作报告", year=2024), DocMeta(title="个人所得税法", year=2018)],
    ...                tokenize=lambda s: [s[i:i + 2] for i in range(len(s) - 1)])
    >>> [round(float(x), 2) for x in m.scores({"政府": 1.0, "报告": 1.0, "税法": 1.0}, years=(2024,))]
    [1.17, 0.33]
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from ingest.types import DocMeta

_EN = re.compile(r"[a-z][a-z'\-]{2,}")
_TITLE_YEAR = re.compile(r"(?<![\d\-—–－~～至])((?:19|20)\d\d)(?![\d\-—–－~～至])(?!年?[\-—–－~～至])")  # not a range end
_EN_STOP = set("the and for with from under into about which what when where how that this these those its".split())


class DocMatcher:
    """``aliases`` (one string per document, may be empty): more words naming the document — the Chinese renderings
    of an English-only title (``title_aliases``), matched like the title's own tokens."""

    def __init__(self, metas: Sequence[DocMeta], tokenize: Callable[[str], list[str]], year_weight: float = 0.5,
                 aliases: Sequence[str] | None = None, normalize: Callable[[str], str] | None = None):
        self.n = len(metas)
        self.year = np.array([m.year or 0 for m in metas], dtype=np.int32)
        # the year a title itself names when it is not the document's own (a 2022 report published in 2023)
        self.title_year = np.array([next((int(y) for y in _TITLE_YEAR.findall(m.title) if int(y) != (m.year or 0)), 0)
                                    for m in metas], dtype=np.int32)
        self.year_weight = year_weight
        post: dict[str, list[int]] = defaultdict(list)
        self.doc_tokens: list[frozenset[str]] = []
        for d, m in enumerate(metas):
            text = f"{m.title} {m.title_en} {m.issuer}"  # an English title a sidecar gave is matched too
            toks = {t for t in tokenize(text) if t.strip()}
            if aliases is not None and aliases[d]:
                toks |= {t for t in tokenize(aliases[d]) if t.strip()}
            toks |= {w for w in _EN.findall(text.lower()) if w not in _EN_STOP}
            self.doc_tokens.append(frozenset(toks))
            for t in toks:
                post[t].append(d)
        self.post = {t: np.array(ds, dtype=np.int32) for t, ds in post.items()}
        self.idf = {t: math.log(1 + self.n / len(ds)) for t, ds in self.post.items()}
        # Each title's own IDF mass: the share of it the query holds tells the named document (中华人民共和国献血法)
        # from the longer titles that quote it (河南省实施《中华人民共和国献血法》办法).
        self.title_mass = np.array([sum(self.idf[t] for t in toks) for toks in self.doc_tokens], dtype=np.float32)
        self.names: dict[str, list[int]] = defaultdict(list)  # a title as a question writes it → its documents
        self.local_names: dict[str, list[tuple[int, str]]] = defaultdict(list)  # … without its place: (doc, place)
        for d, m in enumerate(metas):
            title = normalize(m.title) if normalize else m.title
            for name in name_forms(title):
                self.names[name].append(d)
            place = _PLACE.match(title)
            if place:
                for name in name_forms(title[place.end():]):
                    self.local_names[name].append((d, place.group(1)))

    def named(self, text: str, places: Sequence[str] = ()) -> np.ndarray:
        """1 for each document whose title the (normalized) ``text`` writes out — the longest such name only, so
        that 道路交通安全法实施条例 names the regulation, not also the law whose name it holds. A local title is also
        named without its place (河南省电信条例 by 电信条例) when the text or ``places`` name the place, and then
        instead of the title the name is on its own.

            >>> m = DocMatcher([DocMeta(title="中华人民共和国道路交通安全法"), DocMeta(title="道路交通安全法实施条例"),
            ...                 DocMeta(title="道路交通安全违法行为处理程序规定")], tokenize=list)
            >>> m.named("道路交通安全法规定的处罚种类").tolist(), m.named("道路交通安全法实施条例第三条").tolist()
            ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
            >>> m = DocMatcher([DocMeta(title="电信条例"), DocMeta(title="河南省电信条例")], tokenize=list)
            >>> m.named("电信条例规定").tolist(), m.named("电信条例规定", places=("河南",)).tolist()
            ([1.0, 0.0], [0.0, 1.0])
        """
        out = np.zeros(self.n, dtype=np.float32)
        found = [n for n in self.names if n in text]
        local = {n: [d for d, p in self.local_names[n] if p in text or any(p.startswith(x) for x in places if x)]
                 for n in self.local_names if n in text}
        found += [n for n, ds in local.items() if ds]
        for n in dict.fromkeys(found):
            if not any(n != o and n in o for o in found):
                out[local.get(n) or self.names[n]] = 1.0
        return out

    def scores(self, terms: dict[str, float], years: Sequence[int] = (), english: Sequence[str] = (),
               specificity: float = 0.0, named: str = "", name_weight: float = 0.0, places: Sequence[str] = ()
               ) -> np.ndarray:
        """Per document: the IDF-weighted share of ``terms`` (and English words) its title holds, plus the year match.

        ``specificity`` (0–1) scales that share by the IDF-weighted share of the title's own tokens the query holds:
        ``share × (1 − s + s × title_share)``, so that of two titles holding the query's words the one that is no
        more than them ranks first. ``name_weight`` is added for the documents whose title ``named`` (the normalized
        question) writes out (``named``)."""
        out = np.zeros(self.n, dtype=np.float32)
        cover = np.zeros(self.n, dtype=np.float32) if specificity > 0 else None
        q = dict(terms)
        for w in english:
            w = w.lower()
            if _EN.fullmatch(w) and w not in _EN_STOP:
                q[w] = max(q.get(w, 0.0), 1.0)
        total = 0.0
        for t, w in q.items():
            idf = self.idf.get(t, math.log(1 + self.n))  # unseen terms count against every title
            total += idf * w
            ds = self.post.get(t)
            if ds is not None:
                out[ds] += idf * w
                if cover is not None and w > 0:
                    cover[ds] += idf
        if total > 0:
            out /= total
        if cover is not None:
            share = np.divide(cover, self.title_mass, out=np.zeros_like(cover), where=self.title_mass > 0)
            out *= 1.0 - specificity + specificity * np.minimum(share, 1.0)
        if named and name_weight:
            out += name_weight * self.named(named, places)
        if years:
            ys = np.array(list(years), dtype=np.int32)
            out += self.year_weight * (np.isin(self.year, ys) | np.isin(self.title_year, ys))
        return out


_PREFIX = re.compile(r"^(?:中华人民共和国|中国)(?=.{3})")
_EDITION = re.compile(r"[（(][^（）()]*(?:修正|修订|试行|草案|\d{4})[^（）()]*[）)]$")
# A title's leading place: 河南省, 济南市, 广西壮族自治区 (the place as its short name: 河南, 济南, 广西壮族).
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,6}?)(?:省|市|自治区|特别行政区|自治州|县)(?=[\u4e00-\u9fff]{3})")
_MIN_NAME = 3  # characters: 专利法, 兵役法 name their laws; a two-character title (宪法 aside) is a word of any sentence


def name_forms(title: str) -> tuple[str, ...]:
    """The ways a question writes a title out: whole, without its edition note, without 中华人民共和国.

        >>> name_forms("中华人民共和国个人所得税法（2018修正）")
        ('中华人民共和国个人所得税法（2018修正）', '中华人民共和国个人所得税法', '个人所得税法（2018修正）', '个人所得税法')
        >>> name_forms("中华人民共和国宪法")
        ('中华人民共和国宪法',)
    """
    t = title.strip().strip("《》")
    forms = [t, _EDITION.sub("", t)]
    forms += [_PREFIX.sub("", f) for f in forms]
    return tuple(f for f in dict.fromkeys(forms) if len(f) >= _MIN_NAME)


def title_aliases(title: str, body: str, translate: Callable[[str], list[str]]) -> str:
    """The Chinese words an English-only title stands for: its words' Chinese candidates (``translate``) that the
    document's own text uses — the body decides among a dictionary's senses (Working → 工作, not 作品). '' for a title
    that has Chinese.

        >>> title_aliases("Working Guide", "本指引规定工作要求。", lambda t: ["工作", "作品", "指引", "引导"])
        '工作 指引'
    """
    if re.search(r"[\u4e00-\u9fff]", title) or not title.strip():
        return ""
    return " ".join(t for t in dict.fromkeys(translate(title)) if t and t in body)
