"""Loader registry, folder scanning, sidecars and doc ids."""

import json
from pathlib import Path

import pytest

from ingest.loaders import _LOADERS, LoadedText, load_file, make_doc_id, register_loader, supported_suffixes
from ingest.metadata import load_sidecar
from ingest.pipeline import load_folder, scan_folder
from ingest.types import LoadError, sha256_bytes

NOTICE = "沧州市科学技术局关于印发2022年工作要点的通知\n沧科〔2022〕3号\n各县（市、区）科技局：\n现印发给你们。\n2022年3月1日\n"


def test_registry_has_txt_md():
    assert {".txt", ".md"} <= set(supported_suffixes())


def test_register_new_loader(tmp_path):
    @register_loader(".fake")
    def _load(path: Path, data: bytes) -> LoadedText:
        return LoadedText(data.decode("utf-8").upper(), "utf-8")

    try:
        p = tmp_path / "x.fake"
        p.write_text("abc 浙江省科技厅通知", encoding="utf-8")
        assert ".fake" in supported_suffixes()
        assert load_file(p).text == "ABC 浙江省科技厅通知"
        assert p in scan_folder(tmp_path)
    finally:
        _LOADERS.pop(".fake", None)


def test_bad_suffix_rejected():
    with pytest.raises(ValueError):
        register_loader("txt")


def test_unsupported_and_missing(tmp_path):
    p = tmp_path / "a.xyz"
    p.write_text("hi")
    with pytest.raises(LoadError, match="unsupported"):
        load_file(p)
    with pytest.raises(LoadError, match="cannot read"):
        load_file(tmp_path / "missing.txt")


def test_load_folder_skips_bad_and_keeps_going(tmp_path):
    (tmp_path / "b.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "c.bin.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / ".hidden.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.md").write_text("# 标题\n山西省科技厅召开会议。", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    seen = []
    docs, skipped = load_folder(tmp_path, progress=lambda i, n, p: seen.append((i, n)))
    assert [d.name for d in docs] == ["b.txt", "d.md"]
    assert sorted(Path(p).name for p, _ in skipped) == ["a_empty.txt", "c.bin.txt", "notes.docx"]
    assert "DOCX" in dict((Path(p).name, r) for p, r in skipped)["notes.docx"]  # a broken DOCX says why
    assert seen[-1] == (5, 5)
    b = docs[0]
    assert b.content_hash == sha256_bytes((tmp_path / "b.txt").read_bytes())
    assert b.meta.region == "河北" and b.meta.city == "沧州" and b.meta.doc_number == "沧科〔2022〕3号"


def test_doc_id_stable_and_relative(tmp_path):
    a = make_doc_id(tmp_path / "x" / "a.txt", tmp_path)
    assert a == make_doc_id(tmp_path / "x" / "a.txt", tmp_path)
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != make_doc_id(tmp_path / "y" / "a.txt", tmp_path)


def test_sidecar_jsonl_overrides(tmp_path):
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(json.dumps(
        {"file": "a.txt", "region": "山东省", "year": 2019, "doc_type": "government_work_report",
         "issuer": None, "license": "PD", "chars": 12}, ensure_ascii=False) + "\n", encoding="utf-8")
    docs, skipped = load_folder(tmp_path)
    assert not skipped and len(docs) == 1
    m = docs[0].meta
    assert (m.region, m.year, m.doc_type) == ("山东", 2019, "government_work_report")
    assert m.doc_number == "沧科〔2022〕3号"  # inferred values stay when not overridden
    assert dict(m.extra) == {"license": "PD", "chars": "12"}
    assert "manifest.jsonl" not in [p.name for p in scan_folder(tmp_path)]


def test_sidecar_csv(tmp_path):
    (tmp_path / "metadata.csv").write_text("name,title,date,custom\na.txt,自定义标题,2020-05-01,x\n", encoding="utf-8")
    side = load_sidecar(tmp_path)
    assert side == {"a.txt": {"title": "自定义标题", "date": "2020-05-01", "custom": "x"}}
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    m = load_folder(tmp_path)[0][0].meta
    assert (m.title, m.date, m.year, dict(m.extra)) == ("自定义标题", "2020-05-01", 2020, {"custom": "x"})


@pytest.mark.parametrize("fname,content,where", [
    ("metadata.jsonl", '{"file": "a.txt"}\n{not json}\n', "metadata.jsonl:2"),
    ("metadata.jsonl", '["a.txt"]\n', "metadata.jsonl:1"),
    ("metadata.jsonl", '{"title": "x"}\n', "metadata.jsonl:1"),
    ("metadata.csv", "title,date\nx,2020\n", "metadata.csv:1"),
    ("metadata.csv", "file,year\na.txt,abc\n", "metadata.csv:2"),
    ("metadata.csv", "file,year\na.txt,2020,extra\n", "metadata.csv:2"),
])
def test_malformed_sidecar(tmp_path, fname, content, where):
    (tmp_path / fname).write_text(content, encoding="utf-8")
    with pytest.raises(LoadError) as ei:
        load_sidecar(tmp_path)
    assert where in str(ei.value)
