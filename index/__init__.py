"""Indexing: the text analyzer, BM25 and dense indexes, and the on-disk store."""
