"""Property tests (#18 part 6, hypothesis) for the analyzer, the chunker and the loaders."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Policy-like text: Chinese (both scripts), digits, full-width forms, headings and punctuation, newlines.
ALPHABET = st.sampled_from(list("到年全省技术合同成交额突破亿元萬億臺灣數位科技發展一二三四五六七八九十第条章、（）()。，；：！？"
                                "“”《》0123456789０１２ABCabc .%\n\t\u3000①㎡—…·"))
POLICY_TEXT = st.text(alphabet=ALPHABET, min_size=0, max_size=1500)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _analyzer():
    from config import Config
    from index.build import make_analyzer

    return make_analyzer(Config())


AN = _analyzer()


@SETTINGS
@given(POLICY_TEXT)
def test_normalisation_is_idempotent(text):
    once = AN.normalize(text)
    assert AN.normalize(once) == once


@SETTINGS
@given(POLICY_TEXT)
def test_aligned_normalisation_maps_back_in_order(text):
    norm, pos = AN.normalize_aligned(text)
    assert len(norm) == len(pos)
    assert all(0 <= p < len(text) for p in pos) and pos == sorted(pos)
    assert not text or set(pos) == set(range(len(text))) - {i for i, c in enumerate(text) if not _nfkc_len(c)}


def _nfkc_len(c: str) -> int:
    import unicodedata

    return len(unicodedata.normalize("NFKC", c))


@SETTINGS
@given(POLICY_TEXT)
def test_tokens_are_normalised_non_empty_strings(text):
    toks = AN.tokenize(text)
    assert all(isinstance(t, str) and t and t == t.strip() for t in toks)


@SETTINGS
@given(POLICY_TEXT, st.integers(min_value=60, max_value=600), st.integers(min_value=0, max_value=50))
def test_chunks_are_exact_in_order_and_cover_the_text(text, size, overlap):
    from config import ChunkerConfig
    from ingest.chunking import chunk_document
    from ingest.types import DocMeta, Document

    cfg = ChunkerConfig(size=size, overlap=min(overlap, size // 4), min_size=min(20, size // 3))
    doc = Document("d", "a.txt", "/a.txt", text, DocMeta(), "h")
    chunks = chunk_document(doc, cfg)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)
    for c in chunks:
        assert c.text == text[c.start:c.end] and c.text.strip() == c.text and c.text
    covered = [False] * len(text)
    for c in chunks:
        for i in range(c.start, c.end):
            covered[i] = True
    # every non-space character lands in a passage (nothing lost)
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))
    # nothing duplicated beyond the overlap: consecutive passages of one section share at most cfg.overlap + a
    # sentence boundary's worth of characters
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.end - b.start <= max(cfg.overlap, 0) + size


LOADABLE = [".txt", ".md", ".html", ".docx", ".pdf", ".ofd", ".doc"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4000), st.sampled_from(LOADABLE))
def test_any_bytes_give_a_document_or_a_named_error(tmp_path_factory, data, suffix):
    from ingest.loaders import load_file
    from ingest.types import Document, LoadError

    p = Path(tmp_path_factory.mktemp("b")) / f"x{suffix}"
    p.write_bytes(data)
    try:
        d = load_file(p)
    except LoadError as e:
        assert e.reason and str(p) in str(e)
        return
    assert isinstance(d, Document) and d.text.strip()
    assert all(0 <= s <= e <= len(d.text) for s, e in d.skip_spans)
    assert all(0 <= r.start <= r.end <= len(d.text) for r in d.regions)
