"""Encoding detection: real sentences in each encoding, BOMs, newlines, bad files."""

from pathlib import Path

import pytest

from ingest.encoding import decode_bytes, normalize_newlines
from ingest.loaders import load_file
from ingest.types import LoadError

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SIMP = (SAMPLES / "000_f030060b1378ff53.txt").read_text(encoding="utf-8")
TRAD = (SAMPLES / "001_5a2869ce575e3cf1.txt").read_text(encoding="utf-8")


def _segment(text: str, start: int, n: int, enc: str) -> str:
    """A slice of real text limited to characters the target codec can encode."""
    seg = text[start:start + n]
    return seg.encode(enc, errors="ignore").decode(enc)


@pytest.mark.parametrize("n", [6, 12, 40, 200, 3000])
@pytest.mark.parametrize("start", [200, 5000])
def test_big5_traditional_sentences(n, start):
    seg = _segment(TRAD, start, n, "big5")
    text, enc = decode_bytes(seg.encode("big5"))
    assert text == normalize_newlines(seg)
    assert enc in ("big5", "cp950", "big5hkscs")


@pytest.mark.parametrize("n", [6, 12, 40, 200, 3000])
@pytest.mark.parametrize("codec", ["gbk", "gb18030", "gb2312"])
def test_gb_simplified_sentences(n, codec):
    seg = _segment(SIMP, 300, n, codec)
    text, enc = decode_bytes(seg.encode(codec))
    assert text == normalize_newlines(seg)
    assert enc == "gb18030"  # superset decoder preferred


@pytest.mark.parametrize("codec,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", None), ("utf-32", "utf-32"),
])
def test_unicode_variants(codec, expected):
    seg = SIMP[:500]
    data = seg.encode(codec)
    if expected is None:  # UTF-16 without BOM: NUL bytes, must not silently decode as garbage
        with pytest.raises(LoadError):
            decode_bytes(data)
        return
    text, enc = decode_bytes(data)
    assert enc == expected
    assert not text.startswith("\ufeff")
    assert text == normalize_newlines(seg)


def test_newlines_only_are_normalised():
    raw = "第一行\r\n第二行\r第三行\n\t缩进　全角空格 \n"
    text, _ = decode_bytes(raw.encode("utf-8"))
    assert text == "第一行\n第二行\n第三行\n\t缩进　全角空格 \n"


def test_bom_stripped_offsets_exact():
    text, enc = decode_bytes(b"\xef\xbb\xbf" + "一、总体要求".encode())
    assert enc == "utf-8-sig" and text == "一、总体要求"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"   \n\r\n\t ", "empty"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
])
def test_bad_files_raise_load_error_naming_file(tmp_path, data, reason):
    p = tmp_path / "bad_file.txt"
    p.write_bytes(data)
    with pytest.raises(LoadError) as ei:
        load_file(p)
    assert "bad_file.txt" in str(ei.value)
    assert reason in ei.value.reason


def test_undecodable_bytes(tmp_path):
    p = tmp_path / "noise.txt"
    p.write_bytes(bytes([0x81, 0xFF, 0xFE, 0x80, 0xFF]) * 50)
    with pytest.raises(LoadError) as ei:
        load_file(p)
    assert "noise.txt" in str(ei.value)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"])
def test_load_file_each_encoding(tmp_path, codec):
    body = TRAD[:2000] if codec == "big5" else SIMP[:2000]
    body = body.encode(codec, errors="ignore").decode(codec).lstrip("\ufeff")
    p = tmp_path / f"doc_{codec}.txt"
    p.write_bytes(body.replace("\n", "\r\n").encode(codec))
    doc = load_file(p)
    assert doc.text == body
    assert doc.meta.region == "黑龙江"
