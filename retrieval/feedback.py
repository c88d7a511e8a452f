"""Cross-lingual pseudo-relevance feedback terms (``RetrievalConfig.prf_terms``; off by default).

An English question shares no words with the passages and its expansions can miss the document's own wording;
the first-pass top passages supply it: their rarest Chinese words that most of them share.

    >>> import numpy as np
    >>> class BM: vocab = {"外国人": 0, "工作许可": 1, "发放": 2}; idf = np.array([3.0, 1.0, 4.0])
    >>> feedback_terms(BM(), str.split, ["工作许可 外国人 发放", "工作许可 外国人"], {"工作许可": 1.0}, 2, 0.3)
    {'外国人': 0.3, '发放': 0.2}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_CJK_TOKEN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")


def feedback_terms(bm25, tokenize: Callable[[str], list[str]], texts: Sequence[str], query_terms: dict[str, float],
                   n: int, weight: float) -> dict[str, float]:
    """Up to ``n`` Chinese tokens of ``texts`` not in the query, scored IDF × (share of texts containing it).

    Tokens of one CJK character and pure figures are skipped (too common / too specific); the best
    token gets ``weight`` and the others scale with their score.
    """
    seen: dict[str, int] = {}
    for t in texts:
        for tok in set(tokenize(t)):
            seen[tok] = seen.get(tok, 0) + 1
    scored = []
    for tok, df in seen.items():
        tid = bm25.vocab.get(tok)
        if tid is None or tok in query_terms or len(tok) < 2 or not _CJK_TOKEN.match(tok):
            continue
        scored.append((float(bm25.idf[tid]) * df / len(texts), tok))
    scored.sort(key=lambda x: (-x[0], x[1]))
    best = scored[0][0] if scored and scored[0][0] > 0 else 0.0
    return {t: round(weight * s / best, 6) for s, t in scored[:n]} if best else {}
