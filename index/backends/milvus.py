"""Milvus as the chunk store: BM25 full text (jieba), a dense HNSW field and filterable metadata in one collection.

Runs on Milvus Lite (``pip install "pymilvus[milvus-lite]" "milvus-lite[chinese]"``, a local ``*.db`` path) and
on a Milvus server or cluster (``http://host:19530``) through the same client. The collection:

- ``chunk_id`` (primary key), ``doc_id``, ``ordinal``, ``start``, ``end``, ``section``;
- ``text``: the chunk after our analyzer's normalisation (traditional → simplified, number forms), as stored;
- ``terms``: what Milvus' BM25 function turns into the sparse field ``sparse``. Two analyses (``analysis``):
  ``"policyqa"`` (default) — our own analyzer's tokens (jieba with the policy user dictionary, number tokens, CJK
  bigrams), each written as an ASCII code word (:func:`term_code`) under Milvus' ``standard`` tokenizer, so Milvus
  matches exactly the terms the local BM25 matches (Lite accepts only the ``standard`` and ``jieba`` tokenizers,
  not ``whitespace``); ``"jieba"`` — the normalised text analysed by Milvus with ``{"tokenizer": "jieba"}`` (Lite
  rejects ``{"type": "chinese"}``), for collections other clients write plain text into. Measured on gov_dev
  (BM25 side, 3,611 documents, 2026-12-04): R@5 local 0.933, ``policyqa`` 0.913, ``jieba`` 0.856;
- ``dense`` (when the index has vectors): HNSW, cosine;
- ``region``, ``city``, ``year``, ``doc_type``, ``doc_id`` with inverted indexes, for filters.

Engine facts handled here (measured with pymilvus 3.0.2 + milvus-lite 3.2.2): Lite returns BM25 scores negated
(order right), so scores are reported as magnitudes; IDF is computed per segment, so rows are loaded in bulk
and flushed once; a reopened collection is ``load_collection()``-ed; a Lite data file serves one process;
``max_length`` counts characters in Lite but UTF-8 bytes on a server, so text is cut to a byte budget.

    >>> where_expr(ChunkFilter(regions=("山东",), year_from=2020))
    '(region in ["山东"] or city in ["山东"]) and year >= 2020'
    >>> where_expr(ChunkFilter(doc_ids=('a"b',)))
    'doc_id in ["a\\\\"b"]'
    >>> term_code("人工智能"), term_code("2025年")
    ('mogurjfzscoii', 'y2zuvb4nq7kti')
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from index.backends.base import ChunkFilter, ChunkRow, ScoredChunks, query_text
from index.store import IndexError_

COLLECTION = "policyqa_chunks"
TEXT_BYTES = 60_000  # under VARCHAR's 65,535 (bytes on a server, characters in Lite): the stricter reading
SHORT = 512  # metadata strings (region, doc type, section path) cut to this many bytes
BATCH = 1_000  # rows per insert call
RRF_K = 60  # the reciprocal-rank constant of Milvus' RRF ranker (its default; ours too, fusion.py)
HNSW = {"M": 32, "efConstruction": 80}  # as the local store's HNSW32 (index/vectors.py)
EF_SEARCH = 256  # as the local store's ef_search
BM25_PARAMS = {"bm25_k1": 1.5, "bm25_b": 0.75}  # as the local BM25 (index/bm25.py, rank_bm25's BM25Okapi)
ANALYSES = {"policyqa": {"tokenizer": "standard"}, "jieba": {"tokenizer": "jieba"}}


class MilvusBackendError(IndexError_):
    """A Milvus store that cannot be opened or used, with the reason (Chinese first)."""


def _cut(s: str, limit: int) -> str:
    b = s.encode("utf-8")
    return s if len(b) <= limit else b[:limit].decode("utf-8", errors="ignore")


def term_code(token: str) -> str:
    """An analyzer token as one ASCII word Milvus' ``standard`` tokenizer keeps whole: 64 bits of its BLAKE2b
    hash in lower-case base 32 (13 letters and digits; a collision among a million distinct terms has odds
    of about 3e-8)."""
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def _lit(values: Sequence[str]) -> str:
    """A list of strings as a Milvus expression literal: each double-quoted, backslashes and quotes escaped
    (Milvus Lite 3.2.2 rejects the templated ``{name}`` parameters a server accepts, so values are quoted here)."""
    return "[" + ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "]"


def where_expr(where: ChunkFilter | None) -> str:
    """A Milvus filter expression for ``where`` ("" when it restricts nothing)."""
    if where is None or where.is_empty():
        return ""
    parts: list[str] = []
    if where.regions:
        parts.append(f"(region in {_lit(where.regions)} or city in {_lit(where.regions)})")
    if where.year_from:
        parts.append(f"year >= {int(where.year_from)}")
    if where.year_to:
        parts.append(f"year <= {int(where.year_to)} and year > 0")  # an unknown year (0) is not "up to" a year
    if where.doc_types:
        parts.append(f"doc_type in {_lit(where.doc_types)}")
    if where.doc_ids:
        parts.append(f"doc_id in {_lit(where.doc_ids)}")
    return " and ".join(parts)


_LITE_USERS: dict[str, int] = {}  # open clients per Milvus Lite file in this process
# Opening and closing Lite clients one at a time: milvus-lite 3.2.2 starts a file's server without holding its own
# lock, so two threads opening a file at once both start one and the second fails on the file lock.
_LITE_LOCK = threading.Lock()


def _lite_path(uri: str) -> str | None:
    return os.path.abspath(uri) if uri.endswith(".db") and "://" not in uri else None


def open_client(uri: str, token: str = ""):
    """A ``MilvusClient`` for ``uri``, or a :class:`MilvusBackendError` that says why not. Close it with
    :func:`close_client`: the last client of a Lite file in this process stops its Lite server, which releases the
    file for another process (pymilvus' own ``close()`` keeps the server, and the file locked, until exit)."""
    try:
        from pymilvus import MilvusClient  # noqa: PLC0415 - optional backend, imported when chosen
    except ImportError as e:
        raise MilvusBackendError("未安装 pymilvus / pymilvus is not installed: "
                                 'pip install "pymilvus[milvus-lite]" "milvus-lite[chinese]"') from e
    lite = _lite_path(uri)
    with _LITE_LOCK:
        try:
            client = MilvusClient(uri, token=token) if token else MilvusClient(uri)
        except Exception as e:  # Lite: the file is locked by another process, or the path is not writable
            hint = ("一个 Milvus Lite 文件同一时间只服务一个进程 / a Milvus Lite file serves one process at a time"
                    if lite else "服务器是否在运行且可达？/ is the server running and reachable?")
            raise MilvusBackendError(f"{uri}: 无法打开 Milvus / cannot open Milvus ({type(e).__name__}: {e}); "
                                     f"{hint}") from e
        if lite:
            _LITE_USERS[lite] = _LITE_USERS.get(lite, 0) + 1
    client._policyqa_lite = lite  # noqa: SLF001 - remembered for close_client
    return client


def close_client(client) -> None:
    """Close a client from :func:`open_client` (twice is harmless)."""
    lite = getattr(client, "_policyqa_lite", None)
    client.close()
    if not lite:
        return
    client._policyqa_lite = None  # noqa: SLF001
    with _LITE_LOCK:
        _LITE_USERS[lite] = _LITE_USERS.get(lite, 1) - 1
        if _LITE_USERS[lite] > 0:
            return
        _LITE_USERS.pop(lite, None)
        try:
            from milvus_lite.server_manager import server_manager_instance  # noqa: PLC0415

            server_manager_instance.release_server(lite)
        except Exception:  # noqa: BLE001, S110 - best effort: the server stops at exit anyway
            pass


class MilvusBackend:
    """The :class:`~index.backends.base.Backend` on Milvus. ``dim`` is the vector size (``None``: no dense side).

    ``uri`` is a Milvus Lite file (``./var/milvus.db``) or a server (``http://host:19530``, ``token`` if it wants
    one). Opening an existing collection reuses it (its dimension and analysis must match); ``reset=True`` drops
    it first. With ``analysis="policyqa"`` rows are matched by ``ChunkRow.tokens`` or, when a row has none, by
    ``tokenize(row.text)``; sparse queries are analyzer tokens in both analyses.
    """

    def __init__(self, uri: str, dim: int | None = None, collection: str = COLLECTION, token: str = "",
                 reset: bool = False, client=None, analysis: str | None = None,
                 tokenize: Callable[[str], list[str]] | None = None) -> None:
        if analysis is not None and analysis not in ANALYSES:
            raise MilvusBackendError(f"未知分析方式 / unknown Milvus analysis {analysis!r}; use {', '.join(ANALYSES)}")
        self.uri, self.collection, self.dim, self.tokenize = uri, collection, dim, tokenize
        self.analysis = analysis
        self.client = client if client is not None else open_client(uri, token)
        if reset and self.client.has_collection(collection):
            self.client.drop_collection(collection)
        if self.client.has_collection(collection):
            self._check_existing()
            self.client.load_collection(collection)
        else:
            self.analysis = analysis or "policyqa"
            self._create()

    # -- schema -------------------------------------------------------------------------------------------
    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType  # noqa: PLC0415

        c = self.client
        s = c.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=SHORT)
        s.add_field("doc_id", DataType.VARCHAR, max_length=SHORT)
        s.add_field("ordinal", DataType.INT64)
        s.add_field("start", DataType.INT64)
        s.add_field("end", DataType.INT64)
        s.add_field("text", DataType.VARCHAR, max_length=65_535)
        s.add_field("terms", DataType.VARCHAR, max_length=65_535, enable_analyzer=True,
                    analyzer_params=ANALYSES[self.analysis])
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        if self.dim:
            s.add_field("dense", DataType.FLOAT_VECTOR, dim=int(self.dim))
        for name in ("section", "region", "city", "doc_type"):
            s.add_field(name, DataType.VARCHAR, max_length=SHORT * 2 if name == "section" else SHORT)
        s.add_field("year", DataType.INT64)
        s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                                output_field_names=["sparse"]))
        ip = c.prepare_index_params()
        ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"inverted_index_algo": "DAAT_MAXSCORE", **BM25_PARAMS})
        if self.dim:
            ip.add_index("dense", index_type="HNSW", metric_type="COSINE", params=HNSW)
        for name in ("doc_id", "region", "city", "doc_type", "year"):
            ip.add_index(name, index_type="INVERTED")
        c.create_collection(self.collection, schema=s, index_params=ip)

    def _check_existing(self) -> None:
        fields = {f.get("name"): f.get("params", {}) for f in self.client.describe_collection(self.collection)
                  .get("fields", [])}
        have = int(fields["dense"]["dim"]) if fields.get("dense", {}).get("dim") is not None else None
        if self.dim is None:
            self.dim = have
        elif have != int(self.dim):
            raise MilvusBackendError(f"{self.uri}: 集合 {self.collection} 的向量维度为 {have}，而编码器为 {self.dim} / "
                                     f"the collection's vectors have dimension {have}, the encoder {self.dim}: "
                                     "rebuild it (ingest --rebuild)")
        raw = fields.get("terms", {}).get("analyzer_params", "")
        params = json.loads(raw) if isinstance(raw, str) and raw else raw or {}
        found = next((name for name, p in ANALYSES.items() if p == params), None)
        if found is None:
            raise MilvusBackendError(f"{self.uri}: 集合 {self.collection} 不是 PolicyQA 的集合格式 / the collection has "
                                     "no PolicyQA `terms` field (made by another version?): ingest --rebuild")
        if self.analysis is not None and self.analysis != found:
            raise MilvusBackendError(f"{self.uri}: 集合 {self.collection} 的分析方式为 {found} / the collection was "
                                     f"analysed with {found!r}, not {self.analysis!r}: ingest again to rebuild it")
        self.analysis = found

    # -- writing --------------------------------------------------------------------------------------------
    def _record(self, r: ChunkRow) -> dict[str, Any]:
        rec: dict[str, Any] = {"chunk_id": r.chunk_id, "doc_id": _cut(r.doc_id, SHORT), "ordinal": int(r.ordinal),
                               "start": int(r.start), "end": int(r.end), "text": _cut(r.text, TEXT_BYTES),
                               "terms": self._terms_of(r),
                               "section": _cut(r.section, SHORT * 2), "region": _cut(r.region, SHORT),
                               "city": _cut(r.city, SHORT), "doc_type": _cut(r.doc_type, SHORT), "year": int(r.year or 0)}
        if self.dim:
            if r.vector is None:
                raise MilvusBackendError(f"{r.chunk_id}: 缺少向量 / the chunk has no vector but the collection is dense")
            rec["dense"] = np.asarray(r.vector, dtype=np.float32).tolist()
        return rec

    def _terms_of(self, r: ChunkRow) -> str:
        if self.analysis == "jieba":
            return _cut(r.text, TEXT_BYTES)
        tokens = r.tokens
        if tokens is None:
            if self.tokenize is None:
                raise MilvusBackendError(f"{r.chunk_id}: 缺少分词 / the row has no tokens and the backend no tokenizer")
            tokens = self.tokenize(r.text)
        words = " ".join(term_code(t) for t in tokens)
        return words if len(words) <= TEXT_BYTES else words[:words.rfind(" ", 0, TEXT_BYTES)]

    def _query(self, terms: Mapping[str, float]) -> str:
        if self.analysis == "jieba":
            return query_text(terms)
        return query_text({term_code(t): w for t, w in terms.items() if t.strip()})

    def add(self, rows: Sequence[ChunkRow]) -> None:
        """Upsert the rows, then flush. BM25 statistics are per segment in Lite: load a corpus with
        :meth:`insert` calls and one :meth:`flush` rather than trickling it in."""
        self.insert(rows)
        self.flush()

    def insert(self, rows: Sequence[ChunkRow]) -> None:
        """Upsert the rows in batches, without flushing."""
        for i in range(0, len(rows), BATCH):
            self.client.upsert(self.collection, [self._record(r) for r in rows[i:i + BATCH]])

    def flush(self) -> None:
        self.client.flush(self.collection)

    def remove_docs(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            self.client.delete(self.collection, filter=f"doc_id in {_lit(list(doc_ids))}")
            self.client.flush(self.collection)

    # -- searching ------------------------------------------------------------------------------------------
    def _result(self, res) -> ScoredChunks:
        hits = res[0] if res else []
        # Lite reports BM25 negated (order right); magnitudes are the scores on both Lite and a server.
        return ScoredChunks([h.get("chunk_id", h.get("id")) for h in hits], np.array([abs(float(h["distance"])) for h in hits], np.float32))

    def sparse_search(self, terms: Mapping[str, float], k: int, where: ChunkFilter | None = None) -> ScoredChunks:
        return self.sparse_search_many([terms], k, where)[0]

    def sparse_search_many(self, queries: Sequence[Mapping[str, float]], k: int,
                           where: ChunkFilter | None = None) -> list[ScoredChunks]:
        """Several BM25 queries under one filter in one request (Lite: a filtered search costs ~150 ms on the
        gov corpus whatever the number of queries, measured 2026-12-04)."""
        texts = [self._query(t) for t in queries]
        out = [ScoredChunks([], np.zeros(0, np.float32)) for _ in texts]
        asked = [i for i, t in enumerate(texts) if t]
        if not asked:
            return out
        res = self._loaded(self.client.search, self.collection, data=[texts[i] for i in asked], anns_field="sparse", limit=k,
                                 filter=where_expr(where), output_fields=["chunk_id"],
                                 search_params={"metric_type": "BM25"})
        for j, i in enumerate(asked):
            out[i] = self._result([res[j]])
        return out

    def dense_search(self, vector: np.ndarray, k: int, where: ChunkFilter | None = None) -> ScoredChunks:
        if not self.dim:
            raise MilvusBackendError(f"{self.uri}: 该集合没有向量 / the collection has no dense side")
        expr = where_expr(where)
        res = self._loaded(self.client.search, self.collection, data=[np.asarray(vector, np.float32).tolist()], anns_field="dense",
                                 limit=k, filter=expr, output_fields=["chunk_id"],
                                 search_params={"metric_type": "COSINE", "params": {"ef": max(EF_SEARCH, k)}})
        return self._result(res)

    def hybrid_search(self, terms: Mapping[str, float], vector: np.ndarray, k: int, where: ChunkFilter | None = None,
                      dense_weight: float | None = None) -> ScoredChunks:
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker  # noqa: PLC0415

        text = self._query(terms)
        if not text:
            return self.dense_search(vector, k, where)
        expr = where_expr(where)
        reqs = [AnnSearchRequest(data=[text], anns_field="sparse", param={"metric_type": "BM25"}, limit=k,
                                 expr=expr),
                AnnSearchRequest(data=[np.asarray(vector, np.float32).tolist()], anns_field="dense",
                                 param={"metric_type": "COSINE", "params": {"ef": max(EF_SEARCH, k)}}, limit=k,
                                 expr=expr)]
        ranker = RRFRanker(RRF_K) if dense_weight is None else WeightedRanker(1.0 - dense_weight, dense_weight)
        return self._result(self._loaded(self.client.hybrid_search, self.collection, reqs, ranker=ranker, limit=k,
                                                          output_fields=["chunk_id"]))

    def fetch(self, chunk_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The stored rows of these chunks (without vectors), in the order asked; missing ids left out."""
        if not chunk_ids:
            return []
        rows = self._loaded(self.client.get, self.collection, ids=list(chunk_ids),
                               output_fields=["chunk_id", "doc_id", "ordinal", "start", "end", "text", "section",
                                              "region", "city", "year", "doc_type"])
        by_id = {r["chunk_id"]: r for r in rows}
        return [by_id[c] for c in chunk_ids if c in by_id]

    def _loaded(self, call, *args, **kw):
        """``call(*args, **kw)``, once more after ``load_collection()`` when Milvus finds the collection released
        (code 101: a Lite server restarted by another thread's last client, or a release on a shared server)."""
        try:
            return call(*args, **kw)
        except Exception as e:
            if getattr(e, "code", None) != 101 and "released" not in str(e) and "not loaded" not in str(e):
                raise
            self.client.load_collection(self.collection)
            return call(*args, **kw)

    def count(self) -> int:
        res = self._loaded(self.client.query, self.collection, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"]) if res else 0

    def close(self) -> None:
        close_client(self.client)
