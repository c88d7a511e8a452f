"""What every page receives: language, configuration, engine and the sidebar's choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config import Config
from retrieval.types import Filters


@dataclass
class Ctx:
    lang: str
    cfg: Config
    engine: Any | None  # retrieval.engine.PolicyQA, None when there is no index
    filters: Filters = field(default_factory=Filters)
    k: int = 10
    search_kw: dict[str, Any] = field(default_factory=dict)  # mode, fusion, dense_weight
