"""Decode raw file bytes into text: UTF-8 (± BOM), UTF-16/32 (BOM), GB18030/GBK, Big5.

Order of attempts (cheap and certain first):

1. a BOM decides (UTF-8-sig, UTF-16 LE/BE, UTF-32);
2. strict UTF-8 — the fast path, and almost never a false positive on CJK bytes;
3. NUL bytes left at this point mean a binary file;
4. the Chinese legacy family: every candidate that decodes *strictly* (gb18030, big5,
   cp950, big5hkscs) is scored by how many of its characters are common Chinese characters,
   and charset-normalizer's guess joins the candidates. Why the score: on short texts
   charset-normalizer can take GBK bytes for Big5 or the reverse, and a wrong guess decodes
   into rare characters and kana, which the score punishes;
5. otherwise charset-normalizer's best guess for anything else.

GBK/GB2312 guesses are decoded as gb18030 (a strict superset, so never worse).

Only newlines are normalised (``\\r\\n`` and ``\\r`` → ``\\n``) and a BOM is stripped, so
offsets into the returned text are exact offsets into the stored text.

Example:
    >>> decode_bytes("科技创新".encode("gb18030"))
    ('科技创新', 'gb18030')
    >>> decode_bytes("科技振興".encode("big5"))
    ('科技振興', 'big5')
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from ingest.types import LoadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# GB2312/GBK guesses decode as gb18030: same bytes, more characters.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030", "big5": "big5"}
_CJK_FAMILY = ("gb18030", "big5", "cp950", "big5hkscs")
_NEWLINES = re.compile(r"\r\n?")
# Control characters other than tab/newline/carriage return/form feed: binary if frequent.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` → ``\\n``; nothing else changes (offsets stay exact)."""
    return _NEWLINES.sub("\n", text)


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """GB2312 level-1 hanzi (3,755 most frequent simplified characters) and their traditional forms."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    simp = "".join(chars)
    try:
        import opencc

        trad = opencc.OpenCC("s2t").convert(simp) + opencc.OpenCC("s2tw").convert(simp)
    except Exception:  # opencc missing: simplified-only table still separates the families well
        trad = ""
    return frozenset(simp + trad)


_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】—…·　「」『』〔〕％")


def plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common hanzi or CJK punctuation (0..1)."""
    common = _common_chars()
    sample = [c for c in text[:20000] if ord(c) > 0x7F and not c.isspace()]
    if not sample:
        return 1.0
    good = sum(1 for c in sample if c in common or c in _PUNCT)
    return good / len(sample)


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - listed in requirements
        return None
    best = from_bytes(data).best()
    if best is None:
        return None
    enc = best.encoding.lower().replace("-", "_")
    return _SUPERSET.get(enc, enc)


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_name)``; raise LoadError naming ``path``."""
    if not data:
        raise LoadError(path, "空文件 / empty file")
    text: str | None = None
    enc = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data, name)
            if text is None:
                raise LoadError(path, f"编码错误 / starts with a {name} byte-order mark but does not decode as {name}")
            enc = name
            break
    if text is None:
        text = _strict(data, "utf-8")
        enc = "utf-8"
    if text is None and b"\x00" not in data:
        # Cut mid-character (a copy that stopped early): the last 1–3 bytes begin a UTF-8 sequence; drop them.
        for k in (1, 2, 3):
            if len(data) > k and 0xC0 <= data[-k] <= 0xF4 and all(0x80 <= b <= 0xBF for b in data[len(data) - k + 1:]):
                text = _strict(data[:-k], "utf-8")
                if text is not None:
                    enc = "utf-8 (truncated)"
                break
    if text is None and b"\x00" not in data:
        mixed = _decode_mixed(data)
        if mixed is not None:
            text, enc = mixed
    if text is None:
        if b"\x00" in data:
            raise LoadError(path, "二进制文件 / binary file (NUL bytes, no UTF-16 byte-order mark)")
        text, enc = _decode_legacy(data, path)
    text = text.lstrip("\ufeff")
    if _CONTROL.search(text[:4096]) and len(_CONTROL.findall(text[:4096])) > max(3, len(text[:4096]) // 100):
        raise LoadError(path, "二进制文件 / binary file (control characters)")
    return normalize_newlines(text), enc


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """A file whose lines mix UTF-8 and GB18030 (pasted together from two sources): each line in the encoding it
    decodes in; None unless both kinds of line occur and every line decodes.

        >>> _decode_mixed("第一行是UTF-8".encode() + b"\\n" + "第二行是GBK".encode("gbk"))
        ('第一行是UTF-8\\n第二行是GBK', 'utf-8+gb18030')
    """
    lines = data.split(b"\n")
    out, kinds = [], set()
    for line in lines:
        t = _strict(line, "utf-8")
        if t is not None:
            if any(b > 0x7F for b in line):
                kinds.add("utf-8")
        else:
            t = _strict(line, "gb18030")
            if t is None or plausibility(t) < 0.3:
                return None
            kinds.add("gb18030")
        out.append(t)
    if kinds != {"utf-8", "gb18030"}:
        return None
    return "\n".join(out), "utf-8+gb18030"


def _decode_legacy(data: bytes, path: str) -> tuple[str, str]:
    guess = _normalizer_guess(data)
    candidates: dict[str, str] = {}
    for enc in _CJK_FAMILY + ((guess,) if guess else ()):
        if enc in candidates:
            continue
        text = _strict(data, enc)
        if text is not None:
            candidates[enc] = text
    cjk = {e: t for e, t in candidates.items() if e in _CJK_FAMILY}
    if cjk:
        # Highest plausibility wins; ties go to the earlier (more common) encoding in _CJK_FAMILY.
        scored = sorted(cjk.items(), key=lambda kv: (-round(plausibility(kv[1]), 3), _CJK_FAMILY.index(kv[0])))
        enc, text = scored[0]
        score = plausibility(text)
        if score >= 0.6 or (guess not in candidates and score >= 0.3):
            return text, enc
    if guess and guess in candidates:
        return candidates[guess], guess
    raise LoadError(path, "无法识别编码 / cannot detect the text encoding (not UTF-8/16, GB18030 or Big5)")
