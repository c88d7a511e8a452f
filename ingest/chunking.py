"""Structure-aware chunking with exact character offsets.

Rules:

* Headings are recognised in both scripts — 第X编/章/节/条, 一、, （一）/(一), 1./1、/1．, （1）/(1),
  and Markdown ``#``. Each kind has a nominal rank; a heading closes every open section of
  the same or a lower rank, so documents that skip a level still nest correctly.
* A chunk never spans two sections and never contains a chrome span (``doc.skip_spans``).
* The heading line is the first paragraph of its own section (its section path includes it).
  When the body follows on the same line (``（一）指导思想。堅持以…``) the section label is the
  part up to the first 。/：, or the whole line if short; labels are cut at 30 characters.
* ``——自主创新能力不断提升。…`` lead items stay ordinary paragraphs: they are parallel points of
  one section, 100–300 characters each, so packing them keeps a list together and keeps the
  section path short (as headings they would make many tiny sections).
* Short paragraphs of one section are packed up to ``cfg.size``; a paragraph longer than
  ``cfg.size`` is split at sentence ends by langchain's RecursiveCharacterTextSplitter
  (with ``cfg.overlap``); pieces are mapped back to offsets here and checked against the text.
* A trailing piece shorter than ``cfg.min_size`` merges into the previous chunk of its section.

Example:
    >>> from ingest.types import Document, DocMeta
    >>> text = "一、总体要求\\n（一）指导思想。坚持创新驱动。\\n二、重点任务\\n加强基础研究。"
    >>> doc = Document("d", "a.txt", "/a.txt", text, DocMeta(), "h")
    >>> [(c.section, c.text) for c in chunk_document(doc, ChunkerConfig())]  # doctest: +NORMALIZE_WHITESPACE
    [(('一、总体要求', '（一）指导思想'), '一、总体要求\\n（一）指导思想。坚持创新驱动。'),
     (('二、重点任务',), '二、重点任务\\n加强基础研究。')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from config import ChunkerConfig
from ingest.types import Chunk, Document

_CN_NUM = "一二三四五六七八九十百千零〇两"  # 千: the Civil Code numbers its articles up to 第一千二百六十条
_WS = " \t\n\r\u3000\xa0\ufeff"
_LABEL_MAX = 30
_SHORT_HEADING = 40  # a heading line this short is the label as a whole

# (rank, pattern). Lower rank = higher level. Patterns match at the start of a stripped line.
HEADING_RULES: tuple[tuple[int, re.Pattern], ...] = (
    (0, re.compile(r"#{1,6}\s+\S")),  # markdown; real rank = number of #
    (10, re.compile(rf"第[{_CN_NUM}\d]+[编編]")),
    (11, re.compile(rf"第[{_CN_NUM}\d]+章")),
    (12, re.compile(rf"第[{_CN_NUM}\d]+[节節]")),
    (20, re.compile(rf"[{_CN_NUM}]+[、，,]")),
    (21, re.compile(rf"[（(]\s*[{_CN_NUM}]+\s*[)）]")),
    (22, re.compile(r"\d{1,2}\s*[.．、](?!\d)")),
    (23, re.compile(r"[（(]\s*\d{1,2}\s*[)）]")),
    (24, re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
    (30, re.compile(rf"第[{_CN_NUM}\d]+[条條]")),
)


_ARTICLE = 30
_ITEM_END = ("；", ";", "，", ",", "、")


def heading_rank(line: str) -> int | None:
    """Rank of the heading kind that starts ``line`` (stripped), or None for body text."""
    s = line.strip(_WS)
    if not s:
        return None
    for rank, pat in HEADING_RULES:
        m = pat.match(s)
        if not m:
            continue
        if rank == 0:
            return len(s) - len(s.lstrip("#"))
        if rank == 20 and s.startswith(("一是", "一方面")):
            return None
        if 21 <= rank <= 24 and len(s) <= 80 and s.endswith(_ITEM_END):
            return None  # "（一）采用先进技术的；" is a short enumeration item, not a heading
        if rank == 22 and len(s) > 200 and "。" not in s[:60]:
            return None  # a long numbered sentence without a lead phrase is a list item, not a heading
        return rank
    return None


def heading_label(line: str, rank: int | None = None) -> str:
    """Short label of a heading line: up to the first 。/： if the line is long, cut at 30 chars.

    Articles (第X条) are labelled by their number only: their first sentence is body text.
    """
    s = line.strip(_WS).lstrip("#").strip(_WS)
    if rank == _ARTICLE:
        m = HEADING_RULES[-1][1].match(s)
        if m:
            return m.group(0)
    if len(s) > _SHORT_HEADING or "。" in s[:-1]:
        m = re.search(r"[。：:；;！？!?]", s)
        if m and m.start() > 0:
            s = s[: m.start()]
    return s.rstrip("。：:；;，,、 ")[:_LABEL_MAX]


@dataclass(frozen=True)
class _Para:
    start: int
    end: int
    section: tuple[str, ...]
    block: int  # id of the chrome-free run the paragraph belongs to
    heading: bool = False  # a bare heading line (short, no body text after it)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _WS:
        start += 1
    while end > start and text[end - 1] in _WS:
        end -= 1
    return start, end


def _paragraphs(doc: Document) -> list[_Para]:
    """Non-empty line pieces outside chrome spans, with their section path and chrome-free block id."""
    text = doc.text
    spans = sorted(doc.skip_spans)
    starts = [s for s, _ in spans]
    paras: list[_Para] = []
    stack: list[tuple[int, str]] = []
    block = 0
    pos = 0
    for line in text.split("\n"):
        lstart, lend = pos, pos + len(line)
        pos = lend + 1
        # cut the chrome parts out of this line
        pieces = []
        cur = lstart
        i = max(0, bisect.bisect_right(starts, lstart) - 1)
        while i < len(spans) and spans[i][0] < lend:
            s, e = spans[i]
            if e > cur:
                if s > cur:
                    pieces.append((cur, min(s, lend)))
                cur = max(cur, e)
                block += 1  # text on the other side of chrome is a different block
            i += 1
        if cur < lend:
            pieces.append((cur, lend))
        for ps, pe in pieces:
            ps, pe = _strip(text, ps, pe)
            if ps >= pe:
                continue
            rank = heading_rank(text[ps:pe]) if ps == _strip(text, lstart, lend)[0] else None
            if rank is not None and 20 <= rank < _ARTICLE and stack and stack[-1][0] == _ARTICLE:
                rank = None  # numbered items inside an article (第X条) are its body
            if rank is not None:
                while stack and stack[-1][0] >= rank:
                    stack.pop()
                stack.append((rank, heading_label(text[ps:pe], rank)))
            line = text[ps:pe]
            bare = rank is not None and len(line) <= _SHORT_HEADING and "。" not in line.rstrip("。")
            paras.append(_Para(ps, pe, tuple(label for _, label in stack), block, bare))
    return paras


def _splitter(cfg: ChunkerConfig):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=cfg.size,
        chunk_overlap=cfg.overlap,
        separators=["\n\n", "\n", "。", "！", "？", "；", "!", "?", ";", "，", ",", ""],
        keep_separator="end",
        add_start_index=True,
    )


def _split_long(text: str, start: int, end: int, cfg: ChunkerConfig, splitter) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into pieces ≤ size (with overlap); offsets mapped back exactly."""
    seg = text[start:end]
    out: list[tuple[int, int]] = []
    search_from = 0
    for piece in splitter.split_text(seg):
        # Pieces appear in order and may overlap the previous one, so search from the previous start.
        at = seg.find(piece, search_from)
        if at < 0:
            raise AssertionError(f"splitter piece not found in source text: {piece[:30]!r}")
        out.append((start + at, start + at + len(piece)))
        search_from = at + 1
    return out


def chunk_document(doc: Document, cfg: ChunkerConfig | None = None) -> list[Chunk]:
    """Cut ``doc`` into chunks; every chunk satisfies ``chunk.text == doc.text[chunk.start:chunk.end]``."""
    cfg = cfg or ChunkerConfig()
    if cfg.strategy == "fixed":
        return _fixed_chunks(doc, cfg)
    if cfg.strategy != "structure":
        raise ValueError(f"ChunkerConfig.strategy={cfg.strategy!r}: expected 'structure' or 'fixed'")
    text = doc.text
    splitter = None
    ranges: list[tuple[int, int, tuple[str, ...]]] = []
    cur: list[int] | None = None  # [start, end]
    cur_key: tuple | None = None
    cur_only_headings = False  # the open chunk holds nothing but heading lines

    def flush():
        nonlocal cur
        if cur is not None:
            ranges.append((cur[0], cur[1], cur_key[0]))
        cur = None

    for p in _paragraphs(doc):
        key = (p.section, p.block)
        # A bare heading followed by its own body or by its first sub-section stays with it (the
        # deeper path contains the heading itself) instead of becoming a heading-only chunk.
        joins_heading = (cur is not None and cur_only_headings and p.block == cur_key[1]
                         and p.section[: len(cur_key[0])] == cur_key[0])
        if joins_heading:
            cur_key = key
        if p.end - p.start > cfg.size:
            lead = cur[0] if joins_heading else None
            if lead is not None:
                cur = None  # the heading is prepended to the first piece instead
            flush()
            splitter = splitter or _splitter(cfg)
            pieces = _split_long(text, p.start, p.end, cfg, splitter)
            if lead is not None:
                pieces[0] = (lead, pieces[0][1])
            for ps, pe in pieces[:-1]:
                ranges.append((ps, pe, p.section))
            ls, le = pieces[-1]
            cur_only_headings = False
            if le - ls < cfg.min_size and len(pieces) > 1:
                # tiny tail: extend the previous piece (same paragraph, so contiguous)
                ps, _, sec = ranges.pop()
                ranges.append((ps, le, sec))
                cur_key = key
                continue
            cur, cur_key = [ls, le], key
            continue
        if cur is not None and (key != cur_key or p.end - cur[0] > cfg.size):
            flush()
        cur_only_headings = p.heading and (cur is None or cur_only_headings)
        if cur is None:
            cur, cur_key = [p.start, p.end], key
        else:
            cur[1] = p.end
    flush()

    chunks: list[Chunk] = []
    for s, e, sec in ranges:
        s, e = _strip(text, s, e)
        if s >= e:
            continue
        chunk = Chunk(doc.doc_id, len(chunks), s, e, text[s:e], sec)
        assert chunk.text == text[chunk.start:chunk.end]
        chunks.append(chunk)
    return chunks


def _fixed_chunks(doc: Document, cfg: ChunkerConfig) -> list[Chunk]:
    """Plain windows of ``cfg.size`` characters sharing ``cfg.overlap`` (the naive baseline).

    No headings and no sections; windows never enter a chrome span (each chrome-free run is
    windowed on its own) and are trimmed of surrounding blanks, so offsets stay exact.
    """
    if cfg.size <= 0 or not 0 <= cfg.overlap < cfg.size:
        raise ValueError(f"fixed chunking needs size > 0 and 0 <= overlap < size (got {cfg.size}, {cfg.overlap})")
    text = doc.text
    runs: list[tuple[int, int]] = []
    pos = 0
    for s, e in sorted(doc.skip_spans):
        if s > pos:
            runs.append((pos, s))
        pos = max(pos, e)
    if pos < len(text):
        runs.append((pos, len(text)))
    chunks: list[Chunk] = []
    for rs, re_ in runs:
        start = rs
        while start < re_:
            end = min(start + cfg.size, re_)
            s, e = _strip(text, start, end)
            if s < e:
                chunks.append(Chunk(doc.doc_id, len(chunks), s, e, text[s:e]))
            if end >= re_:
                break
            start = end - cfg.overlap
    return chunks
