"""Which-document candidates: the titles of the documents whose passages answer best (with the year first
when the question asks which year's document)."""

from __future__ import annotations

import re

from retrieval.answer.base import Candidate, Context
from retrieval.sentences import fold


class DocProposer:
    kind = "doc"

    def propose(self, ctx: Context) -> list[Candidate]:
        out: list[Candidate] = []
        seen: set[str] = set()
        q = ctx.question_folded
        asks_year = bool(re.search(r"哪一?年|which year|what year", q))
        for rank, s in enumerate(ctx.sents[:10]):
            h = ctx.hits[s.hit]
            title = (h.meta.title or h.doc_name).strip("《》 ")
            if h.chunk.doc_id in seen:
                continue
            seen.add(h.chunk.doc_id)
            if asks_year and h.meta.year:
                title = f"{h.meta.year}年（{title}）"
            elif ctx.english and h.meta.title_en:  # the Chinese title the document states, then the English one
                title = f"{title} ({h.meta.title_en})"
            ft = fold(title)
            bg = [ft[i:i + 2] for i in range(len(ft) - 1)]
            out.append(Candidate("doc", s, s.start, s.end, title, {
                "doc_order": 1.0 / (1 + len(seen) - 1),
                "title_in_q": sum(1 for b in bg if b in q) / len(bg) if bg else 0.0,
                "sent_rank": 1.0 / (1 + rank),
            }))
        return out
