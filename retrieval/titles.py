"""English names of laws and rules → the Chinese titles of the indexed documents they translate.

"the Trademark Law", "Road Traffic Safety Law", "the Regulations on Work-Related Injury Insurance": an English
question names its document by a title that is a word-by-word rendering of the Chinese one (商标法,
道路交通安全法, 工伤保险条例). Translated word by word, the name falls apart into common words (商标, 法) that
match every law. Composed — the Chinese candidates of the words before (or, with "on/of/for", after) a
document-type head word, joined and closed with the head's Chinese form — and kept only when the composition is
part of an indexed document's title, it becomes one rare term that names the document.

    >>> from retrieval.lexicon import default_lexicon
    >>> lex = default_lexicon()
    >>> tt = TitleTable(["中华人民共和国商标法", "中华人民共和国道路交通安全法"])
    >>> [(t.span, t.title) for t in tt.compose("How long is a trademark valid under China's Trademark Law?", lex)]
    [('Trademark Law', '商标法')]
    >>> [t.title for t in tt.compose("Under the Law on Road Traffic Safety, …", lex)]
    ['道路交通安全法']
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.lexicon import STOPWORDS, Lexicon, _key, english_words
from retrieval.sentences import fold

# Document-type head words of English titles and the Chinese forms that close the Chinese title (the usual
# renderings of the NPC's and State Council's official translations).
HEADS: dict[str, tuple[str, ...]] = {
    "law": ("法",),
    "regulation": ("条例", "规定", "办法"),
    "provision": ("规定", "条例"),
    "measure": ("办法", "措施"),
    "rule": ("规则", "细则", "办法", "规定"),
    "interpretation": ("解释",),
    "decision": ("决定",),
    "plan": ("规划", "计划", "方案"),
    "programme": ("纲要", "方案", "计划"),
    "program": ("纲要", "方案", "计划"),
    "notice": ("通知",),
    "opinion": ("意见",),
    "guideline": ("指引", "指南", "意见"),
    "scheme": ("方案",),
    "ordinance": ("条例",),
    "code": ("法典",),
    "constitution": ("宪法",),
    "standard": ("标准",),
}
# Words that open a title's Chinese form wherever the English puts them ("Interim Measures" → 暂行办法).
PREFIX_WORDS: dict[str, str] = {"interim": "暂行", "provisional": "暂行", "implementing": "实施"}
_HEAD_OF = {h.rstrip("e"): h for h in HEADS}  # matching keys (retrieval.lexicon._key drops a final e) → head
_LINKS = frozenset({"on", "of", "for", "concerning", "governing", "regarding"})
MAX_WORDS = 6  # English words of one title name, besides the head
MAX_COMBOS = 64  # compositions tried per name (the product of the words' candidates)
CANDIDATES_PER_WORD = 3


@dataclass(frozen=True)
class TitleTerm:
    """An English document name (``span``) and the part of an indexed title it composes to (``title``)."""

    span: str
    title: str
    words: tuple[str, ...]  # the English words it covers


class TitleTable:
    """The indexed documents' titles, folded, for substring tests of composed names."""

    def __init__(self, titles: Sequence[str]):
        self._all = "\n".join(fold(t) for t in titles if t)

    def __contains__(self, s: str) -> bool:
        return bool(s) and s in self._all

    def compose(self, text: str, lexicon: Lexicon) -> list[TitleTerm]:
        """Title terms of the English document names in ``text``, longest name first per head word."""
        words = english_words(text)
        keys = [_key(w) for w, *_ in words]
        out: list[TitleTerm] = []
        for j, k in enumerate(keys):
            head = _HEAD_OF.get(k.rstrip("e"))
            if head is None or not words[j][0][:1].isalpha():
                continue
            seg = words[j][3]
            first = j
            while first > max(0, j - MAX_WORDS) and words[first - 1][3] == seg:
                first -= 1
            before = list(range(first, j))
            after: list[int] = []
            if j + 1 < len(words) and words[j + 1][3] == seg and words[j + 1][0].lower() in _LINKS:
                n = j + 2
                while n < len(words) and words[n][3] == seg and n - j - 1 <= MAX_WORDS:
                    after.append(n)
                    n += 1
            found = self._best(text, words, before, j, head, lexicon, reverse=False)
            if found is None and after:
                found = self._best(text, words, after, j, head, lexicon, reverse=True)
            if found is not None:
                out.append(found)
        return out

    def _best(self, text, words, idx: list[int], j: int, head: str, lexicon: Lexicon, reverse: bool) -> TitleTerm | None:
        """The longest run of ``idx`` next to the head whose composition is in a title."""
        runs = [idx[s:] for s in range(len(idx))] if not reverse else [idx[: e] for e in range(len(idx), 0, -1)]
        for run in runs:
            if words[run[-1] if reverse else run[0]][0].lower() in STOPWORDS:
                continue  # a name neither starts nor (after "on/of") ends with "the", "of" …
            lo, hi = (run[0], j) if not reverse else (j, run[-1])
            span = text[words[lo][1]:words[hi][2]]
            name = text[words[run[0]][1]:words[run[-1]][2]]
            for title in self._compositions(name, lexicon, head):
                if title in self:
                    return TitleTerm(span, title, tuple(words[i][0] for i in range(lo, hi + 1)))
        return None

    def _compositions(self, name: str, lexicon: Lexicon, head: str) -> list[str]:
        ws = [w for w, *_ in english_words(name)]
        prefix = next((PREFIX_WORDS[w.lower()] for w in reversed(ws) if w.lower() in PREFIX_WORDS), "")
        rest = [w for w in ws if w.lower() not in PREFIX_WORDS]
        exps = lexicon.lookup(" ".join(rest)) if rest else []
        covered = sum(len(english_words(e.span)) for e in exps)
        if rest and (not exps or covered < len([w for w in rest if w.lower() not in STOPWORDS])):
            return []  # a word of the name has no Chinese: no composition can be the title
        parts = [tuple(dict.fromkeys(fold(t) for t in e.terms[:CANDIDATES_PER_WORD])) for e in exps]
        out = []
        for combo in itertools.islice(itertools.product(*parts), MAX_COMBOS):
            body = prefix + "".join(combo)
            out += [body + h for h in HEADS[head]]
        return out
