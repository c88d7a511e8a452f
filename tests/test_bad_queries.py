"""Bad queries and parameters (#18 part 5): a clear message or a normal answer, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    docs = tmp_path_factory.mktemp("docs")
    (docs / "plan.txt").write_text("山东省科技创新行动计划\n到2025年，全省技术合同成交额突破3000亿元。\n高新技术企业达到3万家。",
                                   encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path_factory.mktemp("idx"), encoder=EncoderConfig(backend="none"))
    build_index([docs], cfg)
    return PolicyQA.open(cfg)


@pytest.mark.parametrize("q", ["", "   \t\n", "\u3000\u3000"])
def test_an_empty_question_is_a_clear_error(qa, q):
    with pytest.raises(ValueError, match="empty query"):
        qa.ask(q)


@pytest.mark.parametrize("q", [
    "税" * 20_000, "技术合同\x00\x01\x1b[31m成交额", "？？？！！…——", "的 了 是 在 和", "技术\ud800合同", "\u200f\u202e技术合同\u202c",
    "<script>alert(1)</script><img src=x onerror=alert(1)>", "'; DROP TABLE documents; --", "ｔｅｃｈｎｏｌｏｇｙ　contract",
])
def test_odd_questions_get_a_normal_answer(qa, q):
    a = qa.ask(q)
    assert isinstance(a.answer, str) and 0.0 <= a.confidence <= 1.0
    json.dumps(a.to_json(), ensure_ascii=False)  # serialisable, surrogates and all


@pytest.mark.parametrize("k", [0, 1, 10**9])
def test_k_of_any_size(qa, k):
    hits = qa.search("技术合同成交额", k=k)
    assert 1 <= len(hits) <= qa.searcher.index.n_chunks


@pytest.mark.parametrize("flt", [dict(regions=("火星",)), dict(year_from=3000), dict(year_to=1000),
                                 dict(doc_types=("nonsense",)), dict(docs=("missing.txt",))])
def test_filters_that_match_nothing(qa, flt):
    from retrieval.types import Filters

    a = qa.ask("技术合同成交额是多少？", filters=Filters(**flt))
    assert a.abstained and not a.citations


def _cli(*args: str, input_file: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "cli.py", *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "POLICYQA_ENCODER": "none"})


def test_the_cli_never_prints_a_traceback(qa, tmp_path):
    index = str(qa.searcher.cfg.index_dir)
    for args in (["ask", "   ", "--index", index], ["search", "技术", "--k", "-1", "--index", index],
                 ["ask", "技术", "--k", "0", "--index", index]):
        out = _cli(*args)
        assert out.returncode != 0 and "Traceback" not in out.stderr and out.stderr.strip(), args
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": 1, "question": "  "}\n{"id": 1, "question": "技术合同成交额"}\n'
                     '{"id": 2, "question": ["not", "text"]}\n', encoding="utf-8")
    out = _cli("ask", "--batch", str(batch), "--index", index)
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert lines[0]["error"].startswith("empty query") and "answer" in lines[1]  # duplicate ids answered as given
    assert out.returncode != 0 and "b.jsonl:3" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    out = _cli("search", "--batch", str(bad), "--index", index)
    assert out.returncode != 0 and "bad.jsonl:1" in out.stderr and "Traceback" not in out.stderr


def test_batch_files_that_cannot_be_read_say_why(qa, tmp_path):
    index = str(qa.searcher.cfg.index_dir)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": 1, "question": "技术合同"}\n'.encode() + b'{"id": 2, "question": "\xff\xfe"}\n')
    for path, said in ((tmp_path / "missing.jsonl", "cannot read the batch file"), (tmp_path, "cannot read the batch file"),
                       (latin, "latin.jsonl:2: 不是 UTF-8 文本")):
        out = _cli("search", "--batch", str(path), "--index", index)
        assert out.returncode != 0 and said in out.stderr and "Traceback" not in out.stderr, (path, out.stderr)


@pytest.mark.slow
def test_a_batch_of_100000_lines(qa, tmp_path):
    """10^5 questions (ids repeating) through `search --batch`: one answer line each, read and written as a stream."""
    index = str(qa.searcher.cfg.index_dir)
    batch = tmp_path / "big.jsonl"
    with batch.open("w", encoding="utf-8") as fh:
        for i in range(100_000):
            fh.write(json.dumps({"id": i % 1000, "question": f"技术合同成交额目标{i % 97}"}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, "cli.py", "search", "--batch", str(batch), "--index", index, "--k", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=1800,
                         env={"PATH": "/usr/bin:/bin", "POLICYQA_ENCODER": "none"})
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-500:]
    lines = out.stdout.splitlines()
    assert len(lines) == 100_000 and all('"hits"' in x for x in lines[::997])
