"""OCR of PDF pages without a text layer: rapidocr (Apache-2.0; its detection and recognition models ship inside
its PyPI wheel, so nothing is downloaded) over each page rendered by pypdfium2.

Boxes are read into lines by their vertical centres and, within a line, left to right. The note returned for the
document's metadata names the engine and the mean confidence of the recognised boxes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.types import LoadError

log = logging.getLogger("policyqa.ingest")
SCALE = 2.0  # render at 144 dpi: small print stays legible to the recogniser
_ENGINE = None


def _engine(path: Path):
    global _ENGINE
    if _ENGINE is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise LoadError(str(path), "扫描版 PDF，无文字层；未安装 OCR 引擎 / scanned PDF without a text layer and no OCR "
                                       "engine installed (pip install rapidocr-onnxruntime)") from None
        _ENGINE = RapidOCR()
    return _ENGINE


def lines_of(boxes: list) -> list[str]:
    """rapidocr results ``[(quad, text, score), …]`` as text lines, top to bottom, left to right.

        >>> lines_of([([[50, 10], [90, 10], [90, 30], [50, 30]], "第二", 0.9), ([[0, 12], [40, 12], [40, 30], [0, 30]], "第一", 0.9),
        ...           ([[0, 60], [40, 60], [40, 80], [0, 80]], "下一行", 0.9)])
        ['第一 第二', '下一行']
    """
    items = []
    for quad, text, _score in boxes:
        ys = [p[1] for p in quad]
        items.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(p[0] for p in quad), text))
    items.sort()
    lines: list[list[tuple[float, str]]] = []
    last_y, last_h = None, 0.0
    for y, h, x, text in items:
        if last_y is None or abs(y - last_y) > 0.5 * max(h, last_h):
            lines.append([])
            last_y, last_h = y, h
        lines[-1].append((x, text))
    return [" ".join(t for _x, t in sorted(line)) for line in lines]


def ocr_pdf(path: Path, data: bytes) -> tuple[list[str], str]:
    """Text per page and a note for the metadata ("OCR (rapidocr), mean confidence 0.97")."""
    import numpy as np
    import pypdfium2 as pdfium

    engine = _engine(path)
    pdf = pdfium.PdfDocument(data)
    pages: list[str] = []
    scores: list[float] = []
    from ingest.loaders import budget

    b = budget()
    n = len(pdf)
    try:
        for i in range(min(n, b.limits.max_ocr_pages)):
            if b.over_time():
                b.cut(f"OCR stopped at page {i + 1} of {n}: over {b.limits.max_seconds:.0f} s (limits.max_seconds)")
                break
            page = pdf[i]
            image = page.render(scale=SCALE).to_pil().convert("RGB")
            page.close()
            result, _elapsed = engine(np.asarray(image))
            result = result or []
            scores += [float(r[2]) for r in result]
            pages.append("\n".join(lines_of(result)))
    finally:
        pdf.close()
    if n > b.limits.max_ocr_pages:
        b.cut(f"only the first {b.limits.max_ocr_pages:,} of {n:,} scanned pages OCRed (limits.max_ocr_pages)")
    if not any(p.strip() for p in pages):
        raise LoadError(str(path), "扫描版 PDF，OCR 未识别出文字 / scanned PDF: OCR found no text")
    conf = sum(scores) / len(scores) if scores else 0.0
    note = f"OCR (rapidocr), mean confidence {conf:.2f}"
    log.info("%s: %s over %d pages", path, note, len(pages))
    return pages, note
