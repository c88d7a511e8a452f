"""The one text analyzer used at index time and at query time.

Pipeline (``Analyzer.tokenize``):

1. ``normalize``: NFKC (Kangxi radicals from PDFs ⽅ → 方, full-width → half-width), OpenCC
   ``tw2sp`` (traditional → simplified *with Taiwan vocabulary*: 數位 → 数字, 最佳化 → 优化),
   lowercase, quantities (五百亿 → 500亿, 1,159 → 1159; see ``index/numbers.py``).
2. numbers with a unit become single tokens (``500亿``, ``2.5%``, ``2025年`` + ``2025``); a
   currency after a scale is its own token so 500亿元 and 500亿 share ``500亿``.
3. the rest is cut by jieba (``rjieba``, Rust, or ``jieba``; same dictionary) with the policy
   user dictionary; user-dictionary compounds also emit their dictionary sub-words
   (技术合同成交额 → + 技术 合同 成交额) so a partial query still matches.
4. stopwords and pure punctuation are dropped; CJK character bigrams are added.

Note on ``tw2sp``: it is applied to *all* text (index and query must be normalised the same way
whatever script each is in), so the Taiwan phrase table is a policy-safe subset of OpenCC's: stock
``tw2sp`` rewrites mainland 建立→创建, 指标→指针, 执行→运行, 核心→内核 (see ``_policy_tw2sp_config``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from config import DATA_DIR, AnalyzerConfig
from index.numbers import normalize_numbers

__all__ = ["Analyzer", "to_simplified", "is_traditional", "load_user_dict", "load_stopwords", "ANALYZER_VERSION"]

# Bump when the code changes tokens for the same input: an index built with another version must be rebuilt.
ANALYZER_VERSION = 1

STOPWORDS_PATH = DATA_DIR / "stopwords.txt"
USERDICT_PATH = DATA_DIR / "userdict.txt"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_WORD_CHAR = re.compile(r"\w")  # letters, digits, CJK; a token without one is punctuation
# A number that is not part of an identifier (5g, v2), with an optional scale or unit.
_SCALE_SUFFIX = "万亿|亿|万"
_UNIT_SUFFIX = (
    "%|个百分点|百分点|平方公里|平方米|公里|千米|公顷|千瓦时|千瓦|兆瓦|立方米|人次|小时|分钟"
    "|[年月日天周岁元家个项人名户所座台套件篇次倍条类批种支款场届辆只张份册处栋间层级笔例床亩吨]"
)
_NUM_TOKEN = re.compile(rf"(?<![a-z\d.])\d+(?:\.\d+)?(?:{_SCALE_SUFFIX}|{_UNIT_SUFFIX})?(?![a-z\d])")
_YEAR_TOKEN = re.compile(r"(?:19|20)\d\d年")
# Bigrams are taken from CJK runs broken at particle and question characters: 额是, 是多, 哪个 only add noise.
_BIGRAM_SKIP = "的了是吗呢吧么哪谁啊呀嘛"


def _class_without(ranges: tuple[tuple[int, int], ...], skip: str) -> str:
    """A regex character class body for ``ranges`` minus the characters of ``skip``."""
    parts: list[str] = []
    holes = sorted(ord(c) for c in skip)
    for lo, hi in ranges:  # inclusive
        for h in [h for h in holes if lo <= h <= hi] + [hi + 1]:
            if lo <= h - 1:
                parts.append(f"{chr(lo)}-{chr(h - 1)}")
            lo = h + 1
    return "".join(parts)


_BIGRAM_RUN = re.compile(
    f"[{_class_without(((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)), _BIGRAM_SKIP)}]{{2,}}"
)


# ------------------------------------------------------------ script conversion


TW_PHRASES_PATH = DATA_DIR / "opencc" / "TWPhrasesRev_policy.txt"


def _policy_tw2sp_config() -> str:
    """OpenCC ``tw2sp`` with a policy-safe Taiwan phrase table; returns the config file path.

    Stock ``tw2sp`` maps Taiwan computing vocabulary that collides with mainland policy words:
    建立→创建, 指标→指针, 执行→运行, 程序→进程, 文件→文档, 核心→内核, 智慧→智能 — applied to a
    mainland document that corrupts it, and a simplified query (执行) no longer matches a traditional
    document (執行→运行). ``data/opencc/TWPhrasesRev_policy.txt`` is OpenCC's TWPhrasesRev (Apache-2.0)
    minus the 49 entries whose simplified source word occurs ≥10 times in the gov corpus, plus
    智慧型→智能. The config (absolute paths into the installed package) is written once to the
    temp directory, named by content hash.
    """
    import json  # noqa: PLC0415
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    import opencc  # noqa: PLC0415

    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    stock = share / "tw2sp.json"
    if not stock.is_file():
        raise RuntimeError(f"OpenCC config {stock} missing: the 'opencc' wheel ships it; reinstall opencc")
    if not TW_PHRASES_PATH.is_file():
        raise FileNotFoundError(f"OpenCC phrase table {TW_PHRASES_PATH}: missing")

    def fix(d):
        if isinstance(d, dict):
            if d.get("type") == "ocd2":
                if d["file"] == "TWPhrasesRev.ocd2":
                    return {"type": "text", "file": str(TW_PHRASES_PATH)}
                return {**d, "file": str(share / d["file"])}
            return {k: fix(v) for k, v in d.items()}
        if isinstance(d, list):
            return [fix(x) for x in d]
        return d

    cfg = fix(json.loads(stock.read_text(encoding="utf-8")))
    cfg["name"] = "tw2sp, policy-safe Taiwan phrases (PolicyQA)"
    body = json.dumps(cfg, ensure_ascii=False, indent=1)
    digest = hashlib.sha256((body + TW_PHRASES_PATH.read_text(encoding="utf-8")).encode()).hexdigest()
    path = Path(tempfile.gettempdir()) / f"policyqa-tw2sp-{digest[:12]}.json"
    if not path.is_file():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, path)  # atomic: concurrent processes never read half a file
    return str(path)


@lru_cache(maxsize=8)
def _opencc(config: str):
    """Converter objects are expensive to build (dictionary load): one per config per process.

    ``tw2sp`` means the policy-safe variant (see ``_policy_tw2sp_config``); any other name
    (``t2s``, ``tw2s``, ``tw2sp.json`` for the stock table) goes to OpenCC unchanged.
    """
    import opencc  # noqa: PLC0415 — imported lazily so `import index.analyzer` stays cheap

    path = _policy_tw2sp_config() if config == "tw2sp" else config
    try:
        return opencc.OpenCC(path)
    except Exception as e:  # the pip package ships its configs; a build without them fails here
        raise RuntimeError(f"OpenCC config {config!r} ({path}) could not be loaded: {e}") from e


def _cjk_chars() -> str:
    return "".join(chr(c) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)) for c in range(*r))


def policy_tw2s():
    """The analyzer's Taiwan → simplified phrase conversion (policy-safe table) as a callable on strings."""
    return _opencc("tw2sp").convert


@lru_cache(maxsize=4)
def _char_table(config: str) -> dict[int, str]:
    """Per-character OpenCC mapping (no phrases) as a ``str.translate`` table.

    Built once by converting every CJK character separated by newlines (~20 ms); only
    1→1 mappings are kept so that the result stays character-aligned.
    """
    chars = _cjk_chars()
    out = _opencc(config).convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # a phrase matched across separators: fall back to one call per char
        out = [_opencc(config).convert(c) for c in chars]
    return {ord(a): b for a, b in zip(chars, out, strict=True) if a != b and len(b) == 1}


def to_simplified(text: str) -> str:
    """Character-by-character traditional → simplified (OpenCC ``t2s`` character table).

    Same length as ``text``, so offsets carry over; no phrase conversion (數位 → 数位, not 数字).
    """
    return text.translate(_char_table("t2s"))


@lru_cache(maxsize=1)
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    t2s = _char_table("t2s")
    s2t = _char_table("s2t")
    trad_only = frozenset(chr(c) for c in t2s if c not in s2t)
    simp_only = frozenset(chr(c) for c in s2t if c not in t2s)
    return trad_only, simp_only


def is_traditional(text: str) -> bool:
    """True when ``text`` has more traditional-only characters (數, 們) than simplified-only ones.

    Characters common to both scripts do not count, so a short query like 數位經濟 is
    recognised and a simplified text with one shared-form character (著作) is not.
    """
    trad_only, simp_only = _script_sets()
    t = s = 0
    for c in text:
        if c in trad_only:
            t += 1
        elif c in simp_only:
            s += 1
    return t > s


@lru_cache(maxsize=4096)
def _nfkc_char(c: str) -> str:
    return unicodedata.normalize("NFKC", c)


@lru_cache(maxsize=1)
def _nfkc_changing() -> re.Pattern[str]:
    """The ~3,000 BMP characters that NFKC rewrites (Kangxi radicals, full-width forms, ①, ㎡ …)."""
    chars = (chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    return re.compile("[" + "".join(re.escape(c) for c in chars if unicodedata.normalize("NFKC", c) != c) + "]")


def _nfkc(text: str) -> str:
    """NFKC applied character by character — 4× faster than ``unicodedata.normalize`` on CJK text.

    Differs from whole-string NFKC only for combining sequences (e + U+0301 stays two characters)
    and astral-plane compatibility characters, neither of which occurs in policy prose.
    """
    if text.isascii():
        return text
    return _nfkc_changing().sub(lambda m: _nfkc_char(m.group(0)), text)


# ------------------------------------------------------------ word lists


def _read_lines(path: Path, what: str) -> list[str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise FileNotFoundError(f"{what} {path}: cannot read ({e.strerror or e})") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{what} {path}: not UTF-8 (byte {e.start})") from e
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def load_stopwords(path: Path = STOPWORDS_PATH) -> list[str]:
    """One word per line, ``#`` comments; returned as written (normalised by the analyzer)."""
    return _read_lines(path, "stopword file")


def load_user_dict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """jieba user-dictionary format: ``word [freq] [tag]`` per line; ``#`` comments allowed."""
    entries: list[tuple[str, int | None, str | None]] = []
    for n, ln in enumerate(_read_lines(path, "user dictionary"), 1):
        parts = ln.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest:
            tag = rest.pop(0)
        if rest:
            raise ValueError(f"user dictionary {path}: line {n} {ln!r}: expected 'word [freq] [tag]'")
        entries.append((word, freq, tag))
    return entries


# ------------------------------------------------------------ tokenizers

_TOKENIZER_LOCK = threading.Lock()


@lru_cache(maxsize=8)
def _segmenter(name: str, entries: tuple[tuple[str, int | None, str | None], ...]):
    """A jieba-compatible ``cut(text) -> list[str]`` with the user entries loaded.

    rjieba supports ``add_word(word, freq, tag)`` on its own ``Jieba`` instance, so user
    dictionaries work without touching the process-wide default.
    """
    with _TOKENIZER_LOCK:
        if name == "rjieba":
            import rjieba  # noqa: PLC0415

            seg = rjieba.Jieba()
            for w, f, t in entries:
                seg.add_word(w, f, t)
            return seg.cut
        if name == "jieba":
            import jieba  # noqa: PLC0415

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.initialize()
            for w, f, t in entries:
                tk.add_word(w, f, t)
            return tk.lcut
    raise ValueError(f"unknown tokenizer {name!r}: expected 'rjieba' or 'jieba'")


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _tokenizer_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# ------------------------------------------------------------ analyzer


class Analyzer:
    """Normalise and tokenize Chinese / English policy text for BM25 and highlighting.

    Index and query text go through the same ``tokenize``; ``fingerprint()`` goes into the
    index manifest so that a query-time analyzer with other settings is detected.

    >>> from config import AnalyzerConfig
    >>> a = Analyzer(AnalyzerConfig())
    >>> a.normalize("數位經濟⽅⾯成長百分之五")
    '数字经济方面成长5%'
    >>> toks = a.tokenize("全省技術合同成交額達到五百億元")
    >>> "技术合同成交额" in toks and "500亿" in toks and "成交" in toks
    True
    >>> a.normalize_aligned("技術Ａ")
    ('技术a', [0, 1, 2])
    """

    def __init__(self, cfg: AnalyzerConfig | None = None, user_dicts: Sequence[Path] = ()):
        self.cfg = cfg or AnalyzerConfig()
        if self.cfg.tokenizer not in ("rjieba", "jieba"):
            raise ValueError(f"AnalyzerConfig.tokenizer={self.cfg.tokenizer!r}: expected 'rjieba' or 'jieba'")
        self._converter = _opencc(self.cfg.opencc) if self.cfg.opencc else None
        paths = [USERDICT_PATH, *[Path(p) for p in user_dicts if Path(p) != USERDICT_PATH]]
        self.user_dict_paths = tuple(paths)
        entries: dict[str, tuple[str, int | None, str | None]] = {}
        for p in paths:
            for w, f, t in load_user_dict(p):
                w = self._normalize_word(w)
                if w:
                    entries[w] = (w, f, t)  # later files override earlier ones
        self._entries = tuple(sorted(entries.values()))
        self._stop_raw = load_stopwords() if self.cfg.stopwords else []
        self._stop = frozenset(self._normalize_word(w) for w in self._stop_raw)
        self._cut = _segmenter(self.cfg.tokenizer, self._entries)
        # User-dictionary compounds → their sub-words under the plain dictionary (partial queries match).
        plain = _segmenter(self.cfg.tokenizer, ())
        self._subwords: dict[str, tuple[str, ...]] = {}
        for w, _, _ in self._entries:
            parts = tuple(p for p in plain(w) if len(p) > 1 and p != w and p not in self._stop)
            if parts:
                self._subwords[w] = parts
        self._memo: dict[str, tuple[str, ...]] = {}
        self._fingerprint = self._make_fingerprint()

    # -------------------------------------------------------- normalisation

    def _normalize_word(self, w: str) -> str:
        return self.normalize(w.strip()) if w.strip() else ""

    def normalize(self, text: str) -> str:
        """NFKC → OpenCC (phrase level) → lowercase → quantities. Not length-preserving."""
        if not text:
            return ""
        text = _nfkc(text)
        if self._converter is not None:
            text = self._converter.convert(text)
        text = text.lower()
        if self.cfg.normalize_numbers:
            text = normalize_numbers(text)
        return text

    def normalize_aligned(self, text: str) -> tuple[str, list[int]]:
        """Character-level normalisation with a map back to ``text``.

        Returns ``(norm, pos)`` where ``pos[i]`` is the index in ``text`` of the character that
        produced ``norm[i]``. Per character: NFKC, OpenCC character table (t2s, no phrases, so
        數位 → 数位 not 数字), lowercase. Numbers are *not* rewritten. A character whose NFKC or
        lowercase form is longer (① → 1, ㎡ → m2) maps all its output characters to itself.
        Use it to find simplified terms in traditional text; ``normalize`` is for search.
        """
        table = _char_table("t2s") if self.cfg.opencc else {}
        out: list[str] = []
        pos: list[int] = []
        if text.isascii():
            low = text.lower()
            return low, list(range(len(text)))
        for i, c in enumerate(text):
            n = _nfkc_char(c) if not c.isascii() else c
            n = n.translate(table).lower() if n else n
            if len(n) == 1:
                out.append(n)
                pos.append(i)
            else:
                out.extend(n)
                pos.extend([i] * len(n))
        return "".join(out), pos

    # -------------------------------------------------------- tokens

    def tokenize(self, text: str) -> list[str]:
        """Normalised tokens: jieba words + number tokens + CJK bigrams, stopwords dropped."""
        norm = self.normalize(text)
        if not norm:
            return []
        out: list[str] = []
        last = 0
        for m in _NUM_TOKEN.finditer(norm):
            if m.start() > last:
                self._words(norm[last : m.start()], out)
            tok = m.group(0)
            out.append(tok)
            if _YEAR_TOKEN.fullmatch(tok):
                out.append(tok[:-1])  # 2025年 also as 2025: English queries say "in 2025"
            last = m.end()
        if last < len(norm):
            self._words(norm[last:], out)
        if self.cfg.bigrams:
            stop = self._stop
            for run in _BIGRAM_RUN.findall(norm):
                bgs = [run[i : i + 2] for i in range(len(run) - 1)]
                if not stop.isdisjoint(bgs):
                    bgs = [b for b in bgs if b not in stop]
                out.extend(bgs)
        return out

    def cut(self, text: str) -> list[str]:
        """The segmenter's words of ``text`` as written (not normalised); they concatenate back to ``text``."""
        return list(self._cut(text)) if text else []

    def words(self, text: str) -> list[str]:
        """Normalised segmenter words of ``text`` without the CJK bigrams and number tokens ``tokenize`` adds."""
        out: list[str] = []
        norm = self.normalize(text)
        if norm:
            self._words(norm, out)
        return out

    def _words(self, segment: str, out: list[str]) -> None:
        memo = self._memo
        for w in self._cut(segment):
            emit = memo.get(w)
            if emit is None:
                emit = self._emit_for(w)
                if len(memo) < 500_000:  # bounded: words repeat heavily, the memo stays small in practice
                    memo[w] = emit
            if emit:
                out.extend(emit)

    def _emit_for(self, w: str) -> tuple[str, ...]:
        """Tokens emitted for one segmenter word (memoised per analyzer)."""
        w = w.strip()
        if not w or w in self._stop or not _HAS_WORD_CHAR.search(w) or (len(w) == 1 and w.isascii() and w.isalpha()):
            return ()  # stopword, punctuation, or a stray latin letter (r&d → r, d)
        return (w, *self._subwords.get(w, ()))

    def tokenize_many(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    # -------------------------------------------------------- fingerprint

    def _make_fingerprint(self) -> dict:
        h_stop = hashlib.sha256("\n".join(sorted(self._stop)).encode()).hexdigest()[:16]
        h_user = hashlib.sha256(repr(self._entries).encode()).hexdigest()[:16]
        return {
            "version": ANALYZER_VERSION,
            **{k: v for k, v in asdict(self.cfg).items()},
            "tokenizer_version": _tokenizer_version(self.cfg.tokenizer),
            "opencc_version": _tokenizer_version("opencc") if self.cfg.opencc else "",
            "opencc_phrases_sha256": _file_sha(TW_PHRASES_PATH) if self.cfg.opencc == "tw2sp" else "",
            "stopwords_sha256": h_stop if self.cfg.stopwords else "",
            "user_dict_sha256": h_user,
            "user_dict_entries": len(self._entries),
        }

    def fingerprint(self) -> dict:
        """Settings that must match between index and query time (stored in the manifest)."""
        return dict(self._fingerprint)

    def __repr__(self) -> str:
        return f"Analyzer({self.cfg!r}, user_dicts={[str(p) for p in self.user_dict_paths]})"
