"""Loaders of converted formats, one module each, registered with ``ingest.loaders.register_loader`` on import.

Their heavy libraries (python-docx, pypdfium2, trafilatura) are imported when a file of that kind is read.
"""

from ingest.formats import doc, docx, html, ofd, pdf  # noqa: F401
