"""Chinese names an English question spells in pinyin: "the Jialu River", "Laoshidan coal mine", "Zhou Enlai".

No dictionary holds every river, mine, company or person of a corpus, but the corpus itself does: each indexed
word of two to four Chinese characters is keyed by its toneless pinyin (贾鲁 → ``jialu``, 老石旦 → ``laoshidan``,
周恩来 → ``zhouenlai``), and a capitalised English word the lexicon left uncovered — or a run of them, joined — is
looked up there. Several words may share a spelling (家路, 贾鲁); all become one expansion's candidates and the
corpus-aware sense chooser (``retrieval/senses.py``) weighs them like any dictionary's senses.

The key of a word reads each character by its most usual reading (``pypinyin``), ü written v (Lüliang, Lvliang → 吕梁):
folding it into u would give every "lu" the 旅, 绿 and 率 of "lü". Built once per index, when the first such
question comes (about 1.4 s for the gov corpus's 350,000 words).

    >>> names = PinyinNames(["贾鲁", "家路", "老石旦", "河流", "周恩来"])
    >>> names.lookup("Jialu")
    ('贾鲁', '家路')
    >>> [(e.span, e.terms) for e in names.expansions("Who was Zhou Enlai and where is the Laoshidan mine?",
    ...                                               ("Zhou", "Enlai", "Laoshidan"), weight=0.5)]
    [('Zhou Enlai', ('周恩来',)), ('Laoshidan', ('老石旦',))]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from retrieval.lexicon import Expansion

_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
# A run of capitalised words (possessive 's dropped): "Zhou Enlai", "Jialu", "Lushena Buddha's".
_RUN = re.compile(r"[A-Z][a-z]+(?:'s)?(?:[ \-][A-Z][a-z]+(?:'s)?)*")
MIN_KEY = 4  # shorter keys (Li, Wang, Tai) name too many words to tell anything


def _key(pinyin: Iterable[str]) -> str:
    return "".join(pinyin).lower().replace("ü", "v")


class PinyinNames:
    """Words of the corpus (two to four Chinese characters) by their toneless pinyin."""

    def __init__(self, words: Iterable[str]):
        from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - only English questions with names need it

        words = [w for w in words if _WORD.fullmatch(w)]
        chars = {c for w in words for c in w}
        reading = {c: _key(lazy_pinyin(c, style=Style.NORMAL)) for c in chars}
        self.by_key: dict[str, list[str]] = {}
        for w in words:
            self.by_key.setdefault("".join(reading[c] for c in w), []).append(w)

    def lookup(self, word: str) -> tuple[str, ...]:
        """The corpus words spelled ``word`` in pinyin (case, spaces, hyphens and a possessive 's ignored)."""
        key = _key(re.sub(r"'s\b", "", word).replace(" ", "").replace("-", ""))
        if len(key) < MIN_KEY:
            return ()
        return tuple(self.by_key.get(key, ()))

    def expansions(self, question: str, uncovered: Sequence[str], weight: float) -> list[Expansion]:
        """Expansions for the uncovered stretches of the question's capitalised runs: a stretch whole if the corpus
        spells it, else each word on its own. Each expansion shares ``weight`` evenly among its words."""
        left = {re.sub(r"'s$", "", w.lower()) for w in uncovered}
        out: list[Expansion] = []
        for m in _RUN.finditer(question):
            words = [re.sub(r"'s$", "", p) for p in re.split(r"[ \-]", m.group())]
            runs: list[list[str]] = [[]]
            for w in words:  # the uncovered stretches of the run ("Shanghai Jialu": Shanghai has its Chinese)
                if w.lower() in left:
                    runs[-1].append(w)
                elif runs[-1]:
                    runs.append([])
            for parts in (r for r in runs if r):
                spans = [" ".join(parts)] if len(parts) > 1 and self.lookup("".join(parts)) else parts
                self._add(spans, weight, out)
        return out

    def _add(self, spans: Sequence[str], weight: float, out: list[Expansion]) -> None:
        for span in spans:
            terms = self.lookup(span)
            if terms:
                out.append(Expansion(span, terms, weight, "pinyin", tuple(1.0 / len(terms) for _ in terms)))
