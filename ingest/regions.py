"""Chinese province/city gazetteer and region inference.

Gazetteer: jionlp's ``china_location`` table (``jionlp/dictionary/china_location.zip``).
Why jionlp over cpca: it carries official short forms (``黑龙江省`` → ``黑龙江``, ``大理白族自治州`` →
``大理``) and admin codes for all 34 province-level and ~350 prefecture-level units, and its
data is maintained (2025 edition). cpca 0.5.5 does not even import on Python 3.11 without
setuptools (``pkg_resources``). We read the zip directly rather than ``import jionlp`` (which
loads a segmenter and prints a banner) and keep only the province and prefecture levels.

Pinyin for city names comes from ``pypinyin``; province English names are a fixed table
(conventional spellings such as Shaanxi, Inner Mongolia, Tibet cannot be derived from pinyin).

Example:
    >>> province_of("沧州市"), province_of("黑龍江"), short_name("内蒙古自治区")
    ('河北', '黑龙江', '内蒙古')
    >>> english_to_region("Cangzhou"), region_english("陕西")
    ('沧州', 'Shaanxi')
"""

from __future__ import annotations

import importlib.util
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NATIONAL = "全国"

# Conventional English names (not plain pinyin for several of them).
_PROVINCE_EN = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong",
    "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi",
    "海南": "Hainan", "重庆": "Chongqing", "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan",
    "西藏": "Tibet", "陕西": "Shaanxi", "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia",
    "新疆": "Xinjiang", "香港": "Hong Kong", "澳门": "Macau", "台湾": "Taiwan", NATIONAL: "National",
}
_EN_EXTRA = {  # other spellings users type
    "innermongolia": "内蒙古", "neimenggu": "内蒙古", "xizang": "西藏", "macao": "澳门", "hongkong": "香港",
    "shensi": "陕西", "shansi": "山西", "peking": "北京", "canton": "广东", "china": NATIONAL,
    "national": NATIONAL, "nationwide": NATIONAL,
}
# One-character official abbreviations (简称). Only counted in clear contexts (see _ABBR_CONTEXT).
_ABBREV = {
    "京": "北京", "津": "天津", "冀": "河北", "晋": "山西", "蒙": "内蒙古", "辽": "辽宁", "吉": "吉林",
    "黑": "黑龙江", "沪": "上海", "苏": "江苏", "浙": "浙江", "皖": "安徽", "闽": "福建", "赣": "江西",
    "鲁": "山东", "豫": "河南", "鄂": "湖北", "湘": "湖南", "粤": "广东", "桂": "广西", "琼": "海南",
    "渝": "重庆", "川": "四川", "黔": "贵州", "滇": "云南", "藏": "西藏", "陕": "陕西", "甘": "甘肃",
    "青": "青海", "宁": "宁夏", "新": "新疆",
}
# Popular alternative names of a province (not in the gazetteer).
_ALIASES = {"龙江": "黑龙江", "八闽": "福建", "三秦": "陕西", "齐鲁": "山东", "三晋": "山西", "燕赵": "河北",
            "荆楚": "湖北", "巴蜀": "四川", "岭南": "广东", "中原": "河南", "八桂": "广西", "江淮": "安徽"}
# Aliases that also mean something else: counted at reduced weight.
_WEAK_ALIASES = {"中原", "岭南", "江淮", "巴蜀"}
# Short city names that are ordinary words or famous for something else: count only in full form.
_AMBIGUOUS_CITY = {
    "朝阳", "白银", "安康", "中山", "阿里", "东方", "海北", "海东", "海西", "黄南", "玉树", "红河", "文山",
    "普洱", "怒江", "德宏", "山南", "和田", "金昌", "新余", "平凉", "吕梁", "白山", "白城", "黄山", "三明",
}
# Titles/issuers naming a central body → national document.
_NATIONAL_RE = re.compile(
    r"中华人民共和国|国务院|中共中央|全国人民代表大会|全国人大|最高人民法院|最高人民检察院|中央军委|"
    r"^(国家|中国)\S{0,12}(局|委员会|署|总局|部|院)|^(外交|国防|教育|科学技术|工业和信息化|公安|民政|司法|财政|"
    r"人力资源和社会保障|自然资源|生态环境|住房和城乡建设|交通运输|水利|农业农村|商务|文化和旅游|应急管理|审计)部"
)


@dataclass(frozen=True)
class Place:
    name: str  # full official name, e.g. 沧州市
    short: str  # short form, e.g. 沧州
    code: str  # 6-digit admin code
    province: str  # short province name, e.g. 河北
    level: str  # "province" | "city" | "county"
    city: str = ""  # for a county: short name of its prefecture


def _gazetteer_path() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jionlp package (gazetteer data) is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "dictionary" / "china_location.zip"


@lru_cache(maxsize=1)
def _places() -> tuple[Place, ...]:
    with zipfile.ZipFile(_gazetteer_path()) as z:
        raw = z.read("china_location.txt").decode("utf-8")
    out: list[Place] = []
    province = city = ""
    # Lines with 0 (province), 1 (prefecture) or 2 (county) leading tabs; towns and villages are skipped.
    for m in re.finditer(r"^(\t{0,2})([^\t\r\n]+)\t(\d{6})\t([^\t\r\n]*)\r?$", raw, re.M):
        indent, name, code, alias = m.groups()
        alias = alias or name
        if not indent:
            province = alias
            city = ""
            out.append(Place(name, alias, code, alias, "province"))
        elif len(indent) == 1:
            if name != province + "市" and not code.endswith("0000"):  # municipalities list themselves as a city
                city = alias
                out.append(Place(name, alias, code, province, "city"))
            else:
                city = ""
        elif city and name.endswith(("县", "市", "旗")) and len(name) >= 3:
            # county-level units vote for their prefecture; districts (区) are skipped: 新华区, 高新区 … repeat
            out.append(Place(name, alias, code, province, "county", city))
    # drop county names that occur more than once (ambiguous)
    counts = Counter(p.name for p in out if p.level == "county")
    return tuple(p for p in out if p.level != "county" or counts[p.name] == 1)


@lru_cache(maxsize=1)
def _index() -> dict[str, Place]:
    """Every full and short name → Place (provinces win over same-named prefectures, e.g. 海南)."""
    idx: dict[str, Place] = {}
    rank = {"province": 0, "city": 1, "county": 2}
    for p in sorted(_places(), key=lambda p: rank[p.level]):
        for key in (p.name, p.short) if p.level != "county" else (p.name,):
            idx.setdefault(key, p)
    return idx


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s), so that 黑龍江 matches 黑龙江."""
    return _t2s().convert(text) if text else text


def all_provinces() -> tuple[str, ...]:
    """Short names of the 34 province-level units (``黑龙江``, ``内蒙古`` …)."""
    return tuple(p.short for p in _places() if p.level == "province")


def all_cities() -> tuple[str, ...]:
    return tuple(p.short for p in _places() if p.level == "city")


def short_name(name: str) -> str:
    """``黑龙江省`` → ``黑龙江``; ``广西壮族自治区`` → ``广西``; unknown names come back unchanged."""
    p = _index().get(to_simplified(name.strip()))
    return p.short if p else name


def province_of(name: str) -> str:
    """Province short name of a province or prefecture name (full or short, either script); "" if unknown."""
    key = to_simplified(name.strip())
    if key == NATIONAL or key in ("中国", "中华人民共和国"):
        return NATIONAL
    if key in _ALIASES:
        return _ALIASES[key]
    p = _index().get(key)
    if p is None and key.endswith(("市", "省")):
        p = _index().get(key[:-1])
    return p.province if p else ""


def city_of(name: str) -> str:
    """Short prefecture name of a prefecture or (unambiguous) county-level name, else ""."""
    p = _index().get(to_simplified(name.strip()))
    if p is None:
        return ""
    return p.short if p.level == "city" else p.city


@lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    """lower-case English/pinyin (no spaces) → short Chinese name, provinces and prefecture cities."""
    from pypinyin import lazy_pinyin

    out: dict[str, str] = {}
    for p in _places():
        if p.level == "city":
            key = "".join(lazy_pinyin(p.short)).lower()
            out.setdefault(key, p.short)
    for zh, en in _PROVINCE_EN.items():
        out[en.lower().replace(" ", "")] = zh  # provinces override same-spelled cities (e.g. none today)
    out.update(_EN_EXTRA)
    return out


def english_to_region(word: str) -> str:
    """``Heilongjiang`` → ``黑龙江``, ``Cangzhou`` → ``沧州``, ``Inner Mongolia`` → ``内蒙古``; "" if unknown.

    Accepts suffixes like "Province"/"City"/"Shi" and hyphens or spaces inside the name.
    """
    w = re.sub(r"[\s\-_'’.]+", "", word.lower())
    w = re.sub(r"(province|city|municipality|autonomousregion|sheng|shi)$", "", w)
    return _english().get(w, "")


def region_english(short: str) -> str:
    """``黑龙江`` → ``Heilongjiang``; cities get pinyin (``沧州`` → ``Cangzhou``); "" if unknown."""
    s = short_name(short)
    if s in _PROVINCE_EN:
        return _PROVINCE_EN[s]
    p = _index().get(s)
    if p and p.level == "city":
        from pypinyin import lazy_pinyin

        return "".join(lazy_pinyin(p.short)).capitalize()
    return ""


@lru_cache(maxsize=1)
def _matcher() -> re.Pattern:
    names: set[str] = set()
    for p in _places():
        names.add(p.name)
        if p.level == "county":
            continue
        if p.level == "province" or p.short not in _AMBIGUOUS_CITY:
            if len(p.short) >= 2:
                names.add(p.short)
    names |= set(_ALIASES)
    return re.compile(_trie_regex(names))


def _trie_regex(words: set[str]) -> str:
    """A regex equivalent to longest-match alternation of ``words``, built as a trie (≈20× faster
    than a flat alternation of ~3,000 names: the engine branches on one character at a time)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # optional tail: longer names win (greedy)

    return build(trie)


@lru_cache(maxsize=1)
def _abbr_matcher() -> re.Pattern:
    """One-character abbreviations in clear contexts only: 来沧/驻沧/在沧 + activity, 浙商/晋企, 冀中…

    A city's first character counts as its abbreviation only if no other prefecture or province
    short name starts with it and it is not a province abbreviation.
    """
    firsts = Counter(p.short[0] for p in _places() if p.short and p.level != "county")
    city_abbr = {p.short[0]: p.short for p in _places()
                 if p.level == "city" and firsts[p.short[0]] == 1 and p.short[0] not in _ABBREV
                 and p.short not in _AMBIGUOUS_CITY}
    _city_abbr.update(city_abbr)
    chars = "".join(sorted(set(_ABBREV) | set(city_abbr)))
    return re.compile(
        rf"(?:[来驻留返赴援]|在(?=.[工创投发就兴]))([{chars}])(?=[工创投发落就兴企考调服合办任]|[，,。、\s])"
        rf"|([{''.join(sorted(_ABBREV))}])(?=[商企籍](?![品业量务标]))"
    )


_city_abbr: dict[str, str] = {}


def find_regions(text: str) -> Counter:
    """Count region mentions in ``text`` (either script) by canonical short name (province or city)."""
    s = to_simplified(text)
    c: Counter = Counter()
    idx = _index()
    for m in _matcher().finditer(s):
        name = m.group(0)
        if name in _ALIASES:
            c[_ALIASES[name]] += 0.5 if name in _WEAK_ALIASES else 1
        else:
            p = idx[name]
            c[p.city if p.level == "county" else p.short] += 1
    abbr = _abbr_matcher()
    for m in abbr.finditer(s):
        ch = m.group(1) or m.group(2)
        target = _city_abbr.get(ch) or _ABBREV.get(ch)
        if target:
            c[target] += 1
    return c


def _weighted(c: Counter, w: float, into: Counter) -> None:
    for k, v in c.items():
        into[k] += w * v


def is_national(title_or_issuer: str) -> bool:
    return bool(_NATIONAL_RE.search(to_simplified(title_or_issuer or "")))


_ENUMERATED = ("香港", "澳门", "台湾")
# Under a law's title: 中华人民共和国国务院令第462号公布 / 全国人民代表大会常务委员会…通过
_NATIONAL_BODY = re.compile(r"国务院令|国务院.{0,20}(公布|发布|批准)|全国人民代表大会|最高人民法院|最高人民检察院|"
                            r"^(国家|中华人民共和国)\S{1,15}(部|局|委员会|总署)令")
_CITY_LEVEL = re.compile(r"全市|市委|市政府|市人民政府|本市|我市")
_PROVINCE_LEVEL = re.compile(r"全省|省委|省政府|省人民政府|本省|我省|全区|自治区")


def infer_region(text: str, title: str = "", issuer: str = "", source_lines: tuple[str, ...] = ()) -> tuple[str, str]:
    """Return ``(province_short, city_short)`` for a document; ``("全国", "")`` for national ones.

    Evidence, strongest first: the title and the issuer (weight 6), source/copyright lines
    (weight 5), the first 300 characters (weight 2) and mentions in the body (log-damped so
    that one long list of provinces does not outvote the title). A city (or county) mention
    also votes for its province. A city is kept when it is named in the title/issuer/source,
    or when it leads the other cities of its province clearly and the document speaks as a
    city (全市, 市委 …) rather than as a province.
    """
    head = Counter()
    _weighted(find_regions(title), 6, head)
    _weighted(find_regions(issuer), 6, head)
    for line in source_lines:
        _weighted(find_regions(line), 5, head)
    if not head and (is_national(title) or is_national(issuer)):
        return NATIONAL, ""
    raw = find_regions(text)
    for k in _ENUMERATED:  # "香港特别行政区、澳门特别行政区、台湾地区" enumerations in national texts
        if k in raw and k not in head:
            raw[k] *= 0.2
    score: Counter = Counter(head)
    _weighted(find_regions(text[:300]), 2, score)
    for k, v in raw.items():
        score[k] += math.log1p(v) * 1.5
    idx = _index()
    prov: Counter = Counter()
    for k, v in score.items():
        p = idx.get(k)
        if p is not None:
            prov[p.province] += v
    national_top = not head and any(is_national(ln) or _NATIONAL_BODY.search(ln) for ln in text[:400].split("\n"))
    if not prov:
        return (NATIONAL, "") if national_top else ("", "")
    best, best_score = prov.most_common(1)[0]
    if best_score < 1.5 or (national_top and best_score < 6):  # passing mentions are not enough
        return (NATIONAL, "") if national_top else ("", "")
    own = sorted(((k, v) for k, v in raw.items() if idx.get(k) and idx[k].level == "city" and idx[k].province == best),
                 key=lambda kv: -kv[1])
    city = ""
    named = [k for k in head if idx.get(k) and idx[k].level == "city" and idx[k].province == best]
    if named:
        city = max(named, key=lambda k: head[k])
    elif own:
        top, v = own[0]
        second = own[1][1] if len(own) > 1 else 0
        voice = title + "\n" + text[:2000]
        city_voice = len(_CITY_LEVEL.findall(voice)) > len(_PROVINCE_LEVEL.findall(voice))
        if v >= 2 and v >= 2 * second and (city_voice or v >= raw.get(best, 0)):
            city = top
    return best, city
