"""Converted formats: DOCX (python-docx writes the fixture), PDF (Chromium prints it), saved web pages, and a folder
mixing them with GBK, Big5 and UTF-16 text files — indexed, asked, and cited by table row and by page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = "青岛市科技创新指标分解表"
    d.add_heading("一、工作目标", level=1)
    d.add_paragraph("到2025年，各市技术合同成交额目标如下。")
    t = d.add_table(rows=5, cols=3)
    rows = [("城市", "指标", "2025年目标"), ("济南市", "技术合同成交额", "600亿元"), ("烟台市", "技术合同成交额", "300亿元"),
            ("青岛市", "技术合同成交额", "800亿元"), ("潍坊市", "技术合同成交额", "200亿元")]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    d.add_heading("二、保障措施", level=1)
    d.add_paragraph("各市要加强组织领导，确保目标任务落实到位。")
    d.save(path)
    return path


def chromium_pdf(html: str, path: Path, header_footer: bool = True) -> Path:
    if not Path(CHROMIUM).exists():
        if os.environ.get("POLICYQA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
        pytest.skip("Chromium not installed (apt-get install chromium fonts-noto-cjk)")
    src = path.with_suffix(".src.html")
    src.write_text(html, encoding="utf-8")
    extra = [] if header_footer else ["--no-pdf-header-footer", "--print-to-pdf-no-header"]
    subprocess.run([CHROMIUM, *ARGS, *extra, f"--print-to-pdf={path}", src.as_uri()], capture_output=True, timeout=120,
                   check=True)
    src.unlink()
    return path


PDF_HTML = """<html><head><meta charset="utf-8"><title>山东省科技创新发展报告</title>
<style>body{font-family:"Noto Sans CJK SC",sans-serif;font-size:15px} .pb{page-break-after:always}</style></head><body>
<div class="pb"><h1>一、总体情况</h1><p>全省各方面科技工作扎实推进，创新能力持续增强，科技成果转化步伐加快，高新技术产业产值占规模以上工业产值比重稳步提高，
为经济社会高质量发展提供了有力支撑，各项改革任务全面完成。</p></div>
<div class="pb"><h1>二、存在问题</h1><p>基础研究投入不足，企业创新主体地位有待加强。</p></div>
<div><h1>三、下一步打算</h1><p>到2025年，全省技术合同成交额突破3000亿元，研发经费投入强度达到2.6%。</p></div>
</body></html>"""

PAGE_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>济南市人民政府关于加快数字经济发展的意见_政策文件_济南市人民政府</title></head><body>
<div class="top-nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/zcwj">政策文件</a> <a href="/hd">互动交流</a></div>
<div class="location">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<table class="xxgk-table"><tr><td>索引号：</td><td>11370100004186050J/2023-00045</td><td>发文机关：</td><td>济南市人民政府</td></tr>
<tr><td>成文日期：</td><td>2023年06月20日</td><td>发文字号：</td><td>济政发〔2023〕8号</td></tr></table>
<div class="article-content"><h1>济南市人民政府关于加快数字经济发展的意见</h1>
<p>各区县人民政府，市政府各部门：</p>
<h2>一、发展目标</h2>
<p>到2025年，全市数字经济核心产业增加值占地区生产总值比重达到12%，培育数字经济领军企业50家。</p>
<h2>二、重点任务</h2>
<p>加快建设算力基础设施，推进工业互联网平台建设，支持企业开展数字化转型。</p></div>
<div class="bdshare">分享到：微信 微博 QQ空间</div>
<div class="footer">主办单位：济南市人民政府办公厅 版权所有 网站标识码3701000001 鲁ICP备05001234号</div>
</body></html>"""


def test_docx_headings_tables_and_rows():
    from ingest.loaders import load_file

    path = make_docx(Path(os.environ.get("TMPDIR", "/tmp")) / f"t{os.getpid()}.docx")
    try:
        d = load_file(path)
    finally:
        path.unlink()
    assert d.meta.title == "青岛市科技创新指标分解表"
    assert "# 一、工作目标" in d.text and "| 青岛市 | 技术合同成交额 | 800亿元 |" in d.text
    i = d.text.index("800亿元")
    assert d.location(i, i + 5) == "表1第3行 / table 1, row 3"
    table = next(r for r in d.regions if r.kind == "table")
    assert table.header == "| 城市 | 指标 | 2025年目标 |"


def test_a_passage_inside_a_long_table_is_indexed_with_its_header():
    from dataclasses import replace

    from index.build import indexed_text
    from ingest.types import Chunk, DocMeta, Document, Region

    header = "| 城市 | 2025年目标 |"
    text = f"{header}\n| 济南市 | 600亿元 |\n| 青岛市 | 800亿元 |"
    doc = Document("d", "t.docx", "/t.docx", text, DocMeta(title="指标表"), "h",
                   regions=(Region(0, len(text), "table", "1", header),))
    later = text.index("| 青岛市")
    got = indexed_text(doc, Chunk("d", 1, later, len(text), text[later:]))
    assert got == f"指标表\n{header}\n| 青岛市 | 800亿元 |"
    first = indexed_text(doc, Chunk("d", 0, 0, later - 1, text[: later - 1]))
    assert first.count(header) == 1  # a passage that holds the header is not given it twice
    assert indexed_text(replace(doc, regions=()), Chunk("d", 1, later, len(text), text[later:])).count(header) == 0


def test_pdf_pages_headers_footers_and_line_wraps(tmp_path):
    from ingest.loaders import load_file

    d = load_file(chromium_pdf(PDF_HTML, tmp_path / "report.pdf"))
    pages = [r for r in d.regions if r.kind == "page"]
    assert [r.label for r in pages] == ["1", "2", "3"]
    i = d.text.index("3000亿元")
    assert d.location(i, i + 7) == "第3页 / p. 3"
    assert "方面" in d.text and "⽅" not in d.text  # Chromium's PDF maps 方 to a Kangxi radical; folded back
    assert "创新能力持续增强，科技成果转化" in d.text  # the wrapped line is joined again
    assert "\n一、总体情况\n" in f"\n{d.text}" and "\n二、存在问题\n" in d.text  # headings keep their own lines
    skipped = [d.text[a:b] for a, b in d.skip_spans]
    assert len(skipped) >= 3 and any("1/3" in s for s in skipped)  # Chromium's date/title header and page footer
    assert d.meta.title == "山东省科技创新发展报告" and "3 pages" in d.meta.source


TABLE_PDF_HTML = """<html><head><meta charset="utf-8"><title>山东省科技创新主要指标</title>
<style>body{font-family:"Noto Sans CJK SC",sans-serif;font-size:15px} .pb{page-break-after:always}
table{border-collapse:collapse} td,th{border:1px solid #000;padding:4px} td.narrow{width:4em}</style></head><body>
<div class="pb"><h1>一、总体要求</h1><p>坚持创新驱动发展，全面提升科技创新能力。</p><hr></div>
<div><h1>二、主要指标</h1><p>到2025年，全省科技创新主要指标如下表。</p>
<table><tr><th>序号</th><th>指标名称</th><th>2025年目标</th></tr>
<tr><td>1</td><td class="narrow">研发经费投入强度</td><td>2.6%</td></tr>
<tr><td>2</td><td>技术合同成交额</td><td>3000亿元</td></tr>
<tr><td>3</td><td>高新技术企业数量</td><td>3万家</td></tr></table>
<p>各市要对照分解落实，确保各项指标按期完成。</p></div></body></html>"""


def test_pdf_ruled_table_is_stored_as_rows_on_its_page(tmp_path):
    """A ruled table in a PDF is read as rows (pdfplumber): each row a region inside its page, a wrapped cell
    (研发经费投入强度 in a narrow column) one line again, the text around the table in its place; a page whose
    only drawing is a rule keeps PDFium's text."""
    from ingest.loaders import load_file

    d = load_file(chromium_pdf(TABLE_PDF_HTML, tmp_path / "indicators.pdf", header_footer=False))
    assert "| 2 | 技术合同成交额 | 3000亿元 |" in d.text
    assert "| 1 | 研发经费投入强度 | 2.6% |" in d.text
    i = d.text.index("3000亿元")
    assert d.location(i, i + 7) == "第2页 表1第2行 / p. 2, table 1, row 2"
    order = [d.text.index(x) for x in ("全省科技创新主要指标如下表", "| 序号 |", "| 3 |", "各市要对照分解落实")]
    assert order == sorted(order)
    assert "坚持创新驱动发展" in d.text and "|" not in d.text[:d.text.index("二、主要指标")]
    assert "1 ruled table(s) as rows" in d.meta.source


def test_pdf_table_cited_by_row_in_the_cli(tmp_path):
    """Asked through the CLI, a figure in a PDF table is cited with its page and row."""
    folder = tmp_path / "docs"
    folder.mkdir()
    chromium_pdf(TABLE_PDF_HTML, folder / "indicators.pdf", header_footer=False)
    index = tmp_path / "idx"
    env = {**os.environ, "POLICYQA_ENCODER": "none"}
    subprocess.run([sys.executable, "cli.py", "ingest", str(folder), "--index", str(index)], capture_output=True,
                   text=True, cwd=ROOT, env=env, timeout=300, check=True)
    r = subprocess.run([sys.executable, "cli.py", "ask", "技术合同成交额2025年的目标是多少？", "--index", str(index),
                        "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)
    assert "3000亿元" in a["answer"]
    assert a["citations"][0]["location"] == "第2页 表1第2行 / p. 2, table 1, row 2"


def test_html_main_content_and_stated_metadata(tmp_path):
    from ingest.loaders import load_file

    p = tmp_path / "page.html"
    p.write_bytes(PAGE_HTML.encode("gbk"))
    d = load_file(p)
    assert d.meta.title == "济南市人民政府关于加快数字经济发展的意见"
    assert (d.meta.issuer, d.meta.date, d.meta.doc_number) == ("济南市人民政府", "2023-06-20", "济政发〔2023〕8号")
    assert dict(d.meta.extra)["index_no"] == "11370100004186050J/2023-00045"
    assert "## 一、发展目标" in d.text and "培育数字经济领军企业50家" in d.text
    for chrome in ("互动交流", "分享到", "网站标识码", "当前位置", "索引号"):
        assert chrome not in d.text, chrome
    assert d.meta.region == "山东" and d.meta.city == "济南"


@pytest.mark.parametrize("name,data,reason", [
    ("broken.pdf", b"%PDF-1.4 not really", "PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "DOCX"),
    ("empty.html", b"<html><body><script>var a=1;</script></body></html>", "empty"),
])
def test_bad_converted_files_say_why(tmp_path, name, data, reason):
    from ingest.loaders import load_file
    from ingest.types import LoadError

    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(LoadError) as e:
        load_file(p)
    assert reason in e.value.reason and str(p) in str(e.value)


def _text_image_html(lines: list[str]) -> str:
    """A page holding only a picture of text: what a scanner makes."""
    import base64
    import glob
    import io

    from PIL import Image, ImageDraw, ImageFont

    fonts = sorted(f for f in glob.glob("/usr/share/fonts/**/*CJK*", recursive=True) if f.endswith((".ttc", ".otf")))
    if not fonts:
        pytest.fail("no CJK font (apt-get install fonts-noto-cjk)")
    img = Image.new("RGB", (1400, 120 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(fonts[0], 40)
    for k, line in enumerate(lines):
        draw.text((60, 60 + 90 * k), line, font=font, fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    src = base64.b64encode(buf.getvalue()).decode()
    return f'<html><body style="margin:0"><img style="width:100%" src="data:image/png;base64,{src}"></body></html>'


def test_a_scanned_pdf_is_ocred_and_says_so(tmp_path):
    from ingest.loaders import load_file

    p = chromium_pdf(_text_image_html(["二、主要目标", "到2025年，全省技术合同成交额突破3000亿元。"]), tmp_path / "scan.pdf",
                     header_footer=False)
    d = load_file(p)
    assert "技术合同成交额突破3000亿元" in d.text.replace(" ", "")
    assert "OCR (rapidocr)" in d.meta.source and float(dict(d.meta.extra)["ocr"].split()[-1]) > 0.8
    assert [r.label for r in d.regions if r.kind == "page"] == ["1"]


def test_a_blank_scan_says_ocr_found_nothing(tmp_path):
    from ingest.loaders import load_file
    from ingest.types import LoadError

    html = '<html><body><div style="width:300px;height:200px;background:#888"></div></body></html>'
    p = chromium_pdf(html, tmp_path / "blank.pdf", header_footer=False)
    with pytest.raises(LoadError, match="OCR"):
        load_file(p)


def make_ofd(path: Path) -> Path:
    """A three-page OFD written part by part (GB/T 33190 layout); page 3's runs are stored out of reading order."""
    import zipfile

    from ingest.formats.ofd import DOCUMENT_XML, OFD_XML, page_xml

    pages = [[(20, 30, "一、总体情况"), (20, 40, "全省科技工作扎实推进。")],
             [(20, 30, "二、存在问题"), (20, 40, "基础研究投入不足。")],
             [(90, 40, "突破3000亿元。"), (20, 30, "三、下一步打算"), (20, 40, "到2025年，全省技术合同成交额")]]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", OFD_XML.format(title="山东省科技创新发展报告（OFD版）"))
        z.writestr("Doc_0/Document.xml", DOCUMENT_XML.format(pages="".join(
            f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(3))))
        for i, runs in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page_xml(runs))
    return path


def test_ofd_pages_in_reading_order(tmp_path):
    from ingest.loaders import load_file

    d = load_file(make_ofd(tmp_path / "report.ofd"))
    assert "三、下一步打算\n到2025年，全省技术合同成交额突破3000亿元。" in d.text
    i = d.text.index("3000亿元")
    assert d.location(i, i + 7) == "第3页 / p. 3" and d.meta.title == "山东省科技创新发展报告（OFD版）"


@pytest.mark.parametrize("parts,reason", [(None, "zip"), ({"OFD.xml": "<x/>"}, "DocRoot"),
                                          ({"OFD.xml": "<not xml"}, "XML")])
def test_bad_ofd_says_why(tmp_path, parts, reason):
    import zipfile

    from ingest.loaders import load_file
    from ingest.types import LoadError

    p = tmp_path / "bad.ofd"
    if parts is None:
        p.write_bytes(b"not a zip at all")
    else:
        with zipfile.ZipFile(p, "w") as z:
            for k, v in parts.items():
                z.writestr(k, v)
    with pytest.raises(LoadError, match=reason):
        load_file(p)


def test_mixed_folder_cites_the_table_row_and_the_page(tmp_path):
    """The done-when of the formats issue, in the CLI: nine files of six formats, five encodings (UTF-8,
    GBK, GB18030, Big5, UTF-16), both scripts."""
    folder = tmp_path / "docs"
    folder.mkdir()
    make_docx(folder / "指标分解.docx")
    chromium_pdf(PDF_HTML, folder / "report.pdf")
    (folder / "page.html").write_bytes(PAGE_HTML.encode("gbk"))
    (folder / "notice_gbk.txt").write_bytes("浙江省科技厅关于开展科技型中小企业评价工作的通知\n各市科技局：\n"
                                            "请于2024年5月31日前完成科技型中小企业评价申报工作。".encode("gbk"))
    (folder / "plan_big5.txt").write_bytes("臺北市智慧城市發展計畫\n到2026年，全市建置智慧路燈一萬盞。".encode("big5"))
    (folder / "report_utf16.txt").write_bytes("河北省科技厅工作总结\n全年登记技术合同16914项。".encode("utf-16"))
    # GB18030 beyond GBK: 𠮷 (U+20BB7) has a four-byte code there and none in GBK
    (folder / "notice_gb18030.txt").write_bytes("四川省人民政府关于𠮷祥村乡村振兴示范建设的通知\n到2025年，建成示范村100个。"
                                                .encode("gb18030"))
    make_ofd(folder / "report.ofd")
    _to_doc(make_docx(tmp_path / "旧版指标.docx"), folder)
    index = tmp_path / "idx"
    env = {**os.environ, "POLICYQA_ENCODER": "none"}
    out = subprocess.run([sys.executable, "cli.py", "ingest", str(folder), "--index", str(index), "--json"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    assert rep["documents"] == 9 and rep["skipped"] == []

    def ask(q: str) -> dict:
        r = subprocess.run([sys.executable, "cli.py", "ask", q, "--index", str(index), "--json"], capture_output=True,
                           text=True, cwd=ROOT, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    a = ask("青岛市技术合同成交额2025年的目标是多少？")
    assert "800亿元" in a["answer"]
    first = a["citations"][0]  # the DOCX or the same table in the legacy .doc
    assert first["doc"] in ("指标分解.docx", "旧版指标.doc") and first["location"] == "表1第3行 / table 1, row 3"
    b = ask("全省技术合同成交额要突破多少亿元？")
    assert "3000亿元" in b["answer"]
    cited = {c["doc"]: c.get("location", "") for c in b["citations"]}
    assert cited.get("report.pdf", cited.get("report.ofd", "")).startswith("第3页")
    assert b["citations"][0]["doc"] in ("report.pdf", "report.ofd") and b["citations"][0]["location"].startswith("第3页")
    docs = subprocess.run([sys.executable, "cli.py", "docs", "--index", str(index), "--json"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)
    rows = {r["doc"]: r for r in json.loads(docs.stdout)}
    assert rows["page.html"]["issuer"] == "济南市人民政府" and rows["plan_big5.txt"]["script"] == "traditional"
    enc = {n: rows[n]["encoding"] for n in ("notice_gbk.txt", "notice_gb18030.txt", "plan_big5.txt", "report_utf16.txt")}
    assert enc["plan_big5.txt"] == "big5" and enc["report_utf16.txt"].startswith("utf-16"), enc
    assert enc["notice_gbk.txt"] in ("gbk", "gb18030") and enc["notice_gb18030.txt"] == "gb18030", enc
    assert rows["notice_gb18030.txt"]["title"].startswith("四川省人民政府关于𠮷祥村")


def _to_doc(docx_path: Path, out_dir: Path) -> Path:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        pytest.fail("LibreOffice not installed (apt-get install libreoffice-writer-nogui; .ci/run does)")
    subprocess.run([office, f"-env:UserInstallation=file://{docx_path.parent}/lo-profile", "--headless", "--convert-to", "doc",
                    "--outdir", str(out_dir), str(docx_path)], capture_output=True, timeout=180, check=True)
    return out_dir / (docx_path.stem + ".doc")


def test_legacy_doc_keeps_tables_through_libreoffice(tmp_path):
    from ingest.loaders import load_file

    doc = _to_doc(make_docx(tmp_path / "plan.docx"), tmp_path)
    d = load_file(doc)
    assert "| 青岛市 | 技术合同成交额 | 800亿元 |" in d.text and "LibreOffice" in d.meta.source
    i = d.text.index("800亿元")
    assert d.location(i, i + 5) == "表1第3行 / table 1, row 3"


def test_legacy_doc_through_antiword_when_libreoffice_is_absent(tmp_path, monkeypatch):
    from ingest.formats import doc as doc_loader
    from ingest.loaders import load_file

    if not shutil.which("antiword"):
        pytest.fail("antiword not installed (apt-get install antiword; .ci/run does)")
    path = _to_doc(make_docx(tmp_path / "plan.docx"), tmp_path)
    monkeypatch.setattr(doc_loader, "_soffice", lambda: None)
    d = load_file(path)
    assert "800亿元" in d.text and "antiword" in d.meta.source
    monkeypatch.setattr(doc_loader.shutil, "which", lambda name: None)
    from ingest.types import LoadError

    with pytest.raises(LoadError, match="antiword"):
        load_file(path)


def test_html_article_inside_a_layout_table(tmp_path):
    """Older government sites lay pages out with tables: the article sits in one cell beside a menu cell. The
    article comes out as text with its own data table, not as rows of the layout."""
    from ingest.loaders import load_file

    menu = "".join(f'<a href="/m{i}">栏目{i}</a><br>' for i in range(12))
    page = ('<html><head><meta charset="utf-8"><title>关于印发实施方案的通知</title></head><body>'
            f'<table width="1000"><tr><td width="200">{menu}</td><td>'
            '<div class="TRS_Editor"><p>各县（市、区）人民政府：</p><p>现将实施方案印发给你们，请认真贯彻执行。'
            '到2025年，全市技术合同成交额突破150亿元，高新技术企业达到1200家，研发投入强度达到3%。</p>'
            '<table><tr><td>指标</td><td>目标</td></tr><tr><td>高新技术企业</td><td>1200家</td></tr></table>'
            '</div></td></tr></table></body></html>')
    p = tmp_path / "old.htm"
    p.write_text(page, encoding="utf-8")
    d = load_file(p)
    assert "栏目3" not in d.text and "| 各县" not in d.text
    assert "到2025年，全市技术合同成交额突破150亿元" in d.text and "| 高新技术企业 | 1200家 |" in d.text
    i = d.text.index("1200家 |")
    assert d.location(i, i + 5) == "表1第1行 / table 1, row 1"
