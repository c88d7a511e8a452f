"""Region candidates for "which province / city" questions: the documents' regions and the places sentences name.

A document's metadata gives its province and city (``ingest/metadata.py``); a sentence may name another
place (a pilot city of a provincial plan). Each place is proposed once per sentence, with where it came from.
"""

from __future__ import annotations

from retrieval import qtype
from retrieval.answer.base import Candidate, Context
from retrieval.sentences import fold


def _places(text: str) -> list[str]:
    try:
        from ingest.regions import find_regions
    except ImportError:  # pragma: no cover - the gazetteer ships with ingest
        return []
    return list(find_regions(text))


class RegionProposer:
    kind = "region"

    def propose(self, ctx: Context) -> list[Candidate]:
        asks_city = qtype.asks_city(ctx.question)
        q = ctx.question_folded
        out: list[Candidate] = []
        seen: set[tuple[int, str]] = set()
        for s in ctx.sents[:8]:
            h = ctx.hits[s.hit]
            region, city = h.meta.region, h.meta.city
            if region and region != "全国":
                full = qtype.full_region(region)
                if city:
                    c = city if city.endswith(("市", "盟", "自治州", "地区", "区", "县")) else city + "市"
                    name = c if asks_city else f"{full}{c}"
                else:
                    name = full
                key = (s.hit, name)
                if key not in seen:
                    seen.add(key)
                    i = s.folded.find(fold(city or region))
                    a, b = (s.start + i, s.start + i + len(city or region)) if i >= 0 else (s.start, s.end)
                    out.append(Candidate("region", s, a, b, name, {
                        "from_meta": 1.0, "has_city": 1.0 if city else 0.0,
                        "city_fit": 1.0 if (asks_city and (city or qtype.is_municipality(region))) else 0.0,
                        "named_in_sent": 1.0 if i >= 0 else 0.0,
                    }, qtype.english_region(region)))
            for place in _places(s.folded):
                if fold(place) in q or (s.hit, place) in seen:
                    continue
                seen.add((s.hit, place))
                i = s.folded.find(fold(place))
                if i < 0:
                    continue
                is_prov = place in qtype.PROVINCES or any(place == v[0] for v in qtype.PROVINCES.values())
                out.append(Candidate("region", s, s.start + i, s.start + i + len(place), s.text[i:i + len(place)], {
                    "from_sent": 1.0, "is_province": 1.0 if is_prov else 0.0,
                    # a 直辖市 is a city too: "which municipality / city" → 重庆市
                    "city_fit": 1.0 if (asks_city and (not is_prov or qtype.is_municipality(place))) else 0.0,
                    "meta_agree": 1.0 if fold(place).startswith(fold(h.meta.city or "~")) else 0.0,
                }))
        return out
