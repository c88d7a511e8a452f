import pytest

from index.numbers import (
    Quantity,
    english_quantity_to_chinese,
    format_number,
    normalize_numbers,
    parse_quantity,
    quantities_equal,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("成交额五百亿元", "成交额500亿元"),
        ("企业一千一百五十九家", "企业1159家"),
        ("二〇二二年八月二十二日", "2022年8月22日"),
        ("增长百分之三点五", "增长3.5%"),
        ("百分之五十", "50%"),
        ("1,159家", "1159家"),
        ("12,345,678元", "12345678元"),
        ("500億元", "500亿元"),
        ("2025 年", "2025年"),
        ("一亿五千万元", "1.5亿元"),
        ("三千五百万", "3500万"),
        ("两千亿", "2000亿"),
        ("百万元", "100万元"),
        ("三年行动", "3年行动"),
        ("十二个", "12个"),
    ],
)
def test_quantities_are_rewritten(text, expected):
    assert normalize_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    ["一带一路", "一是加强", "统一部署", "第一", "第三章", "十四五规划", "十三五时期", "千家万户", "千万不要",
     "十九大", "万一", "一一对应", "三点意见", "一个中心", "五位一体", "2019,2020", "500亿元", "3.5万亿"],
)
def test_idioms_ordinals_and_arabic_left_alone(text):
    assert normalize_numbers(text) == text


def test_chinese_punctuation_untouched():
    assert normalize_numbers("达到五百亿元，同比") == "达到500亿元，同比"


@pytest.mark.parametrize(
    "s, value, unit, category",
    [
        ("500亿元", 5e10, "元", "yuan"),
        ("五百亿元", 5e10, "元", "yuan"),
        ("500億元", 5e10, "元", "yuan"),
        ("50 billion yuan", 5e10, "元", "yuan"),
        ("RMB 50 billion", 5e10, "元", "yuan"),
        ("约500亿元", 5e10, "元", "yuan"),
        ("2.5%", 2.5, "%", "percent"),
        ("20 percent", 20, "%", "percent"),
        ("百分之二十", 20, "%", "percent"),
        ("2.5个百分点", 2.5, "百分点", "percentage_point"),
        ("1,159家", 1159, "家", "count"),
        ("超过1159家", 1159, "家", "count"),
        ("五千", 5000, "", "none"),
        ("5,000", 5000, "", "none"),
        ("1.5万亿", 1.5e12, "", "none"),
        ("2025年", 2025, "年", "time"),
        ("千分之三", 0.3, "%", "percent"),
        ("万分之五", 0.05, "%", "percent"),
        ("日万分之二点五", 0.025, "%", "percent"),  # a daily rate
        ("千分之1.5", 0.15, "%", "percent"),
    ],
)
def test_parse_quantity(s, value, unit, category):
    q = parse_quantity(s)
    assert q is not None
    assert q.value == pytest.approx(value)
    assert (q.unit, q.category) == (unit, category)


@pytest.mark.parametrize("s", ["", "abc", "技术合同", "500亿元的企业数量"])
def test_parse_quantity_rejects(s):
    assert parse_quantity(s) is None


EQUAL = [
    ("500亿元", "500億元"),
    ("500亿元", "50 billion yuan"),
    ("500亿元", "五百亿元"),
    ("500亿元", "0.05万亿元"),
    ("2.5%", "2.5 percent"),
    ("1159家", "一千一百五十九家"),
    ("1,159家", "1159"),  # bare number matches any unit
    ("5000", "五千"),
    ("20%", "百分之二十"),
]
NOT_EQUAL = [
    ("500亿元", "50亿元"),
    ("500亿元", "500亿美元"),
    ("2.5%", "2.5个百分点"),
    ("1159家", "1159个"),
    ("500亿元", "技术"),
]


@pytest.mark.parametrize("a, b", EQUAL)
def test_quantities_equal_both_ways(a, b):
    assert quantities_equal(a, b) and quantities_equal(b, a)


@pytest.mark.parametrize("a, b", NOT_EQUAL)
def test_quantities_not_equal_both_ways(a, b):
    assert not quantities_equal(a, b) and not quantities_equal(b, a)


def test_quantities_equal_accepts_parsed():
    assert quantities_equal(Quantity(5e10, "元", "yuan"), "500亿元")


@pytest.mark.parametrize(
    "en, zh",
    [
        ("50 billion yuan", "500亿元"),
        ("5,000", "5000"),
        ("20 percent", "20%"),
        ("RMB 1.2 million", "120万元"),
        ("3 percentage points", "3个百分点"),
        ("1.5 trillion yuan", "1.5万亿元"),
        ("in 2025", "in 2025"),
        ("2019,2020", "2019,2020"),
        ("turnover of 50 billion yuan in 2022?", "turnover of 500亿元 in 2022?"),
    ],
)
def test_english_quantity_to_chinese(en, zh):
    assert english_quantity_to_chinese(en) == zh


def test_english_converted_quantity_is_equal():
    assert quantities_equal(english_quantity_to_chinese("50 billion yuan"), "五百亿元")


@pytest.mark.parametrize("v, s", [(500.0, "500"), (2.5, "2.5"), (1e12, "1000000000000"), (0.05, "0.05")])
def test_format_number(v, s):
    assert format_number(v) == s
