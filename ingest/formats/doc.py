"""Legacy Word ``.doc`` through a Debian tool: LibreOffice headless converts it to DOCX (tables and headings kept,
then read by ``docx.py``); without LibreOffice, antiword gives its text; without either, a message names both.

``.ci/run`` and ``make system-deps`` install them (``apt-get install libreoffice-writer-nogui antiword``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.loaders import LoadedText, register_loader
from ingest.types import LoadError

TIMEOUT = 120  # seconds per file for a converter


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@register_loader(".doc")
def load_doc(path: Path, data: bytes) -> LoadedText:
    if not data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE2 signature of every Word 97–2003 file
        raise LoadError(str(path), "不是 Word 97–2003 文件 / not a Word 97–2003 .doc file")
    office = _soffice()
    if office:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.doc"
            src.write_bytes(data)
            # A private profile: two conversions at once (or a user's open LibreOffice) never share one.
            cmd = [office, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", tmp, str(src)]
            try:
                subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                raise LoadError(str(path), f"LibreOffice 转换超时 / LibreOffice took over {TIMEOUT} s") from None
            out = Path(tmp) / "in.docx"
            if out.is_file():
                from ingest.formats.docx import load_docx

                got = load_docx(path, out.read_bytes())
                return LoadedText(got.text, "doc", regions=got.regions, meta=got.meta, source="DOC via LibreOffice")
    antiword = shutil.which("antiword")
    if antiword:
        try:
            r = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", "-"], input=data, capture_output=True,
                               timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise LoadError(str(path), f"antiword 超时 / antiword took over {TIMEOUT} s") from None
        text = r.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
        if r.returncode == 0 and text.strip():
            lines = [ln.rstrip() for ln in text.split("\n")]
            return LoadedText("\n".join(ln for ln in lines if ln.strip()), "doc", source="DOC via antiword")
        raise LoadError(str(path), f"antiword 无法读取 / antiword could not read it: "
                                   f"{r.stderr.decode('utf-8', 'replace').strip()[:200]}")
    raise LoadError(str(path), "读取 .doc 需要 LibreOffice 或 antiword / reading .doc needs LibreOffice or antiword "
                               "(apt-get install libreoffice-writer-nogui antiword)")
