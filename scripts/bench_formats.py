"""Loader throughput per format, on gov documents converted to each format (files, pages and characters a second).

    .venv/bin/python scripts/bench_formats.py --corpus ../shared/corpus/gov --docs 8

Takes ``--docs`` gov documents and writes each as DOCX (python-docx), HTML (a government-page template), PDF
(Chromium prints the HTML), OFD (GB/T 33190 parts, 40 lines a page), DOC (LibreOffice converts the DOCX) and a
scanned PDF (its first two pages rendered to images and printed again, so OCR is timed on its own). Then times
``ingest.loaders.load_file`` on every file (median of ``--rounds``). Converters that are missing are skipped with a
note. Prints one table.
"""

from __future__ import annotations

import argparse
import html
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def page_html(title: str, text: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<style>body{font-family:"Noto Sans CJK SC",sans-serif;font-size:14px}</style></head><body>'
            '<div class="nav"><a href="/">首页</a><a href="/zc">政策文件</a></div>'
            f'<div class="article"><h1>{html.escape(title)}</h1>{body}</div>'
            '<div class="footer">版权所有</div></body></html>')


def write_all(docs: list[tuple[str, str]], out: Path) -> dict[str, list[Path]]:
    import docx

    from ingest.formats.ofd import DOCUMENT_XML, OFD_XML, page_xml

    files: dict[str, list[Path]] = {k: [] for k in ("docx", "html", "pdf", "ofd", "doc", "pdf-ocr")}
    for i, (title, text) in enumerate(docs):
        d = docx.Document()
        d.add_heading(title, level=1)
        for p in text.split("\n"):
            if p.strip():
                d.add_paragraph(p)
        files["docx"].append(out / f"d{i}.docx")
        d.save(files["docx"][-1])
        files["html"].append(out / f"d{i}.html")
        files["html"][-1].write_text(page_html(title, text), encoding="utf-8")
        lines = [ln for p in text.split("\n") for ln in (p[k:k + 38] for k in range(0, len(p), 38)) if ln.strip()]
        pages = [lines[k:k + 40] for k in range(0, len(lines), 40)] or [[title]]
        import zipfile

        files["ofd"].append(out / f"d{i}.ofd")
        with zipfile.ZipFile(files["ofd"][-1], "w") as z:
            z.writestr("OFD.xml", OFD_XML.format(title=html.escape(title)))
            z.writestr("Doc_0/Document.xml", DOCUMENT_XML.format(pages="".join(
                f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))))
            for n, pl in enumerate(pages):
                z.writestr(f"Doc_0/Pages/Page_{n}/Content.xml",
                           page_xml([(20, 20 + 6 * k, html.escape(ln)) for k, ln in enumerate(pl)]))
        if CHROMIUM:
            files["pdf"].append(out / f"d{i}.pdf")
            subprocess.run([CHROMIUM, *ARGS, f"--print-to-pdf={files['pdf'][-1]}", files["html"][-1].as_uri()],
                           capture_output=True, timeout=120)
    office = shutil.which("soffice")
    if office:
        subprocess.run([office, f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "doc",
                        "--outdir", str(out), *map(str, files["docx"])], capture_output=True, timeout=600)
        files["doc"] = [p.with_suffix(".doc") for p in files["docx"] if p.with_suffix(".doc").is_file()]
    if CHROMIUM and files["pdf"]:
        import base64
        import io

        import pypdfium2 as pdfium

        for i, p in enumerate(files["pdf"][:3]):
            pdf = pdfium.PdfDocument(p)
            imgs = []
            for n in range(min(2, len(pdf))):
                buf = io.BytesIO()
                pdf[n].render(scale=2).to_pil().save(buf, format="PNG")
                imgs.append(base64.b64encode(buf.getvalue()).decode())
            pdf.close()
            scan_html = out / f"scan{i}.html"
            scan_html.write_text("<html><body style='margin:0'>" + "".join(
                f"<img style='width:100%;page-break-after:always' src='data:image/png;base64,{s}'>" for s in imgs)
                + "</body></html>", encoding="utf-8")
            files["pdf-ocr"].append(out / f"scan{i}.pdf")
            subprocess.run([CHROMIUM, *ARGS, "--no-pdf-header-footer", f"--print-to-pdf={files['pdf-ocr'][-1]}",
                            scan_html.as_uri()], capture_output=True, timeout=120)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "gov")
    ap.add_argument("--docs", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--formats", default="docx,html,pdf,ofd,doc,pdf-ocr", help="comma-separated subset")
    a = ap.parse_args()
    wanted = set(a.formats.split(","))
    if not a.corpus.is_dir():
        sys.exit(f"{a.corpus}: 不是文件夹 / not a folder")
    from ingest.loaders import load_file

    src = sorted(a.corpus.glob("policy_*.txt"))[: a.docs] or sorted(a.corpus.glob("*.txt"))[: a.docs]
    docs = []
    for p in src:
        t = p.read_text(encoding="utf-8")
        docs.append((t.split("\n", 1)[0][:60], t[:12000]))
    with tempfile.TemporaryDirectory() as tmp:
        files = write_all(docs, Path(tmp))
        print(f"{len(docs)} gov documents (up to 12,000 characters each) in each format; load_file, median of "
              f"{a.rounds}\n")
        print("| format | files | pages | characters | files/s | pages/s | characters/s |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for fmt, paths in files.items():
            if fmt not in wanted:
                continue
            if not paths:
                print(f"| {fmt} | — | — | — | converter missing | | |")
                continue
            rounds = 1 if fmt == "pdf-ocr" else a.rounds
            times, pages, chars = [], 0, 0
            for _ in range(rounds):
                t0 = time.perf_counter()
                loaded = [load_file(p) for p in paths]
                times.append(time.perf_counter() - t0)
            pages = sum(sum(1 for r in d.regions if r.kind == "page") for d in loaded)
            chars = sum(len(d.text) for d in loaded)
            dt = statistics.median(times)
            pg = f"{pages / dt:.1f}" if pages else "—"
            print(f"| {fmt} | {len(paths)} | {pages or '—'} | {chars:,} | {len(paths) / dt:.1f} | {pg} | {chars / dt:,.0f} |")


if __name__ == "__main__":
    main()
