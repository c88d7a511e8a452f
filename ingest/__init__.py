"""Ingestion: files → Documents (text, metadata, chrome spans) → Chunks with exact offsets."""

from ingest.chrome import chrome_spans
from ingest.chunking import chunk_document
from ingest.encoding import decode_bytes
from ingest.loaders import LoadedText, load_file, register_loader, supported_suffixes
from ingest.metadata import infer_metadata, load_sidecar
from ingest.pipeline import load_folder, scan_folder
from ingest.types import Chunk, DocMeta, Document, LoadError

__all__ = [
    "Chunk", "DocMeta", "Document", "LoadError", "LoadedText", "chrome_spans", "chunk_document", "decode_bytes",
    "infer_metadata", "load_file", "load_folder", "load_sidecar", "register_loader", "scan_folder",
    "supported_suffixes",
]
