"""Bad documents (#18 part 4): each gets a per-file message, the run goes on, and nothing indexed is lost."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.test_ingest_formats import PDF_HTML, chromium_pdf

GOOD = "山东省科技厅关于推进科技成果转化的通知\n到2025年，全省技术合同成交额突破3000亿元。"


def _pdf(tmp_path: Path) -> Path:
    return chromium_pdf(PDF_HTML, tmp_path / "src.pdf")


def _zip_bomb(path: Path) -> Path:
    """A DOCX whose document part unzips to 300 MB of zeros (a few hundred KB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                f.write(block)
    return path


def _encrypted_pdf(src: Path, path: Path) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter(clone_from=str(src))
    w.encrypt("secret", algorithm="RC4-128")
    w.write(str(path))
    return path


def _many_pages(src: Path, path: Path, n: int) -> Path:
    import pypdfium2 as pdfium

    s = pdfium.PdfDocument(src)
    d = pdfium.PdfDocument.new()
    d.import_pages(s, [i % len(s) for i in range(n)])
    d.save(path)
    return path


CASES = {
    "empty.txt": lambda p, t: p.write_bytes(b""),
    "binary.txt": lambda p, t: p.write_bytes(bytes(range(256)) * 40),
    "nested.html": lambda p, t: p.write_text("<html><body>" + "<div>" * 100_000 + "深层嵌套的文字内容。" + "</div>" * 100_000
                                             + "</body></html>", encoding="utf-8"),
    "bomb.docx": lambda p, t: _zip_bomb(p),
    "locked.pdf": lambda p, t: _encrypted_pdf(_pdf(t), p),
    "corrupt.pdf": lambda p, t: p.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF garbage"),
    "picture.png": lambda p, t: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_file_gets_its_message(tmp_path, name):
    from ingest.loaders import load_file
    from ingest.types import LoadError

    p = tmp_path / name
    CASES[name](p, tmp_path)
    if name == "nested.html":
        d = load_file(p)  # loads: the deep nesting is flattened, the text kept
        assert "深层嵌套的文字内容" in d.text
        return
    with pytest.raises(LoadError) as e:
        load_file(p)
    want = {"empty.txt": "empty", "binary.txt": "binary", "bomb.docx": "zip bomb", "locked.pdf": "encrypted",
            "corrupt.pdf": "PDF", "picture.png": "unsupported format"}[name]
    assert want in e.value.reason and str(p) in str(e.value)


def test_truncated_and_mixed_encodings_load(tmp_path):
    from ingest.loaders import load_file

    text = "浙江省科技厅关于开展科技型中小企业评价工作的通知，请各市认真组织实施。"
    (tmp_path / "cut.txt").write_bytes(text.encode("utf-8")[:-2])  # the last character cut in half
    (tmp_path / "mixed.txt").write_bytes(text.encode("utf-8") + b"\n" + "第二段由另一个系统以GBK编码保存。".encode("gbk"))
    cut = load_file(tmp_path / "cut.txt")
    assert cut.encoding == "utf-8 (truncated)" and cut.text == text[:-1]
    mixed = load_file(tmp_path / "mixed.txt")
    assert mixed.encoding == "utf-8+gb18030" and mixed.text.endswith("第二段由另一个系统以GBK编码保存。")


def test_limits_cut_and_say_what(tmp_path):
    from config import IngestLimits
    from ingest.loaders import load_file
    from ingest.types import LoadError

    line = "到2025年，全省技术合同成交额突破3000亿元，高新技术企业数量达到3万家" * 20_000  # one line, ~0.7 M characters
    p = tmp_path / "oneline.txt"
    p.write_text(line, encoding="utf-8")
    d = load_file(p, limits=IngestLimits(max_chars=100_000))
    assert len(d.text) == 100_000 and "limits.max_chars" in dict(d.meta.extra)["cut"]
    with pytest.raises(LoadError, match="max_file_mb"):
        load_file(p, limits=IngestLimits(max_file_mb=0.5))
    pdf = _many_pages(_pdf(tmp_path), tmp_path / "long.pdf", 5000)
    d = load_file(pdf, limits=IngestLimits(max_pages=40))
    assert [r.label for r in d.regions if r.kind == "page"][-1] == "40"
    assert "only the first 40 of 5,000 pages" in dict(d.meta.extra)["cut"]


def test_odd_names_loops_and_unreadable_folders(tmp_path, monkeypatch):
    from ingest.pipeline import scan_folder_report

    names = ["with space.txt", "emoji😀.txt", "quote'\"s.txt", "..dots..txt", "a..b.txt"]
    for n in names:
        (tmp_path / n).write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(GOOD, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # root reads every folder; a folder without read permission is simulated
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, skipped = scan_folder_report(tmp_path)
    assert sorted(p.name for p in files) == sorted(n for n in names if not n.startswith("."))
    reasons = " | ".join(r for _p, r in skipped)
    assert "symlink loop" in reasons and "cannot read folder" in reasons


def test_a_folder_of_bad_files_loses_nothing_indexed(tmp_path):
    """Index good documents, add every bad kind beside them, re-ingest: the run completes, the good documents still
    answer, and every bad file is reported by name."""
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    first = build_index([folder], cfg)
    for name, make in CASES.items():
        make(folder / name, tmp_path)  # the PDF fixtures need Chromium (chromium_pdf says so)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    rep = build_index([folder], cfg)
    assert rep.n_docs == 2 and first.n_docs == 1  # good.txt and nested.html
    skipped = {Path(p).name for p, _r in rep.skipped}
    assert {"empty.txt", "binary.txt", "bomb.docx", "picture.png", "loop"} <= skipped
    a = PolicyQA.open(cfg).ask("全省技术合同成交额要突破多少？")
    assert "3000亿元" in a.answer
    shutil.rmtree(folder)
