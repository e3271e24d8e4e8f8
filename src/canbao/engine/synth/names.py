"""Invented Chinese personal names, with their spelling variants.

Surnames are drawn with weights close to their national frequency; given names from common
characters by sex. A few minority-style names (Uyghur names with an interpunct, Tibetan and Yi names)
exercise the name comparison's dot and space rules. Any resemblance to a real person is chance.
"""

from __future__ import annotations

import bisect
import random

# (surname, weight in ‰ of the population, roughly)
_SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄23 赵22 吴20 周20 徐13 孙12 马12 朱11 胡11 郭10 何10 林9 高10 罗9 "
    "郑7 梁7 谢7 宋6 唐6 许6 韩6 冯6 邓6 曹6 彭5 曾5 肖5 田5 董5 袁5 潘5 于5 蒋5 蔡4 余4 杜4 叶4 程4 "
    "苏4 魏4 吕4 丁4 任4 沈3 姚3 卢3 姜3 崔3 钟3 谭3 陆3 汪3 范3 金2 石2 廖2 贾2 夏2 韦2 付2 方2 白2 "
    "邹2 孟1 熊1 秦1 邱1 江1 尹1 薛1 闫1 段1 雷1 侯1 龙1 史1 陶1 黎1 贺1 顾1 毛1 郝1 龚1 邵1 万1 钱1 "
    "严1 覃1 武1 戴1 莫1 孔1 向1 汤1"
).split()
_COMPOUND = ("欧阳", "上官", "诸葛", "司马", "皇甫", "东方")

_MALE = "伟强军磊勇杰涛明超斌刚平辉鹏华飞波鑫浩宇俊帅峰建国志文林海东龙亮成凯健晨阳博轩睿子梓航泽宏嘉然天逸家豪毅德福贵荣昌盛永兴金"
_FEMALE = "芳娜敏静丽艳秀英娟霞燕玲桂兰萍红琴雪梅琳婷欣怡雨萱涵诗佳思颖悦可馨彤妍玉春慧月莉晶瑶淑娇凤琼洁"

# A genuinely different character for a name-mismatch row (homophones, as clerks mistype them).
_HOMOPHONE = {
    "伟": "玮",
    "静": "晶",
    "明": "铭",
    "丽": "莉",
    "军": "君",
    "华": "桦",
    "红": "虹",
    "林": "琳",
    "杰": "洁",
    "平": "萍",
    "英": "瑛",
    "艳": "燕",
    "涛": "韬",
    "敏": "珉",
    "玲": "铃",
    "娟": "鹃",
}

_UYGHUR_M = ("艾买提", "买买提", "阿不都", "吐尔逊", "艾力", "努尔")
_UYGHUR_F = ("阿依古丽", "古丽娜尔", "热依拉", "帕提古丽", "米热")
_UYGHUR_FATHER = ("买买提", "吾守尔", "艾力", "托合提", "阿不力孜")
_TIBETAN = ("扎西", "次仁", "多吉", "顿珠", "格桑", "平措", "尼玛", "达瓦")
_TIBETAN_F = ("卓玛", "央金", "拉姆", "曲珍", "德吉")
_YI_CLAN = ("阿苏", "吉克", "沙马", "阿西", "曲比", "马海", "俄木")
_YI_GIVEN = ("拉且", "木呷", "阿依", "史色", "尔古", "阿果", "日火")

# Dots the name comparison removes (comparison-rules.md §1): the register writes U+00B7.
VARIANT_DOTS = ("・", "•", ".", "．", "‧")

# Ethnicity (GB 3304) with weights: Han, then Sichuan's Yi, Tibetan, Qiang, and a few others.
ETHNICITIES = (
    ("01", 930),
    ("07", 25),
    ("04", 15),
    ("03", 8),
    ("33", 5),
    ("05", 3),
    ("08", 3),
    ("11", 3),
    ("06", 3),
    ("15", 2),
)


def _cum(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


_SURNAME_LIST = [s[0] for s in _SURNAMES]
_SURNAME_CUM = _cum([float(s[1:]) for s in _SURNAMES])
_ETH_CODES = [e for e, _ in ETHNICITIES]
_ETH_CUM = _cum([float(w) for _, w in ETHNICITIES])


def ethnicity(rng: random.Random) -> str:
    return _ETH_CODES[bisect.bisect(_ETH_CUM, rng.random() * _ETH_CUM[-1])]


def surname(rng: random.Random) -> str:
    if rng.random() < 0.002:
        return rng.choice(_COMPOUND)
    return _SURNAME_LIST[bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def person_name(rng: random.Random, male: bool, eth: str, family: str | None = None) -> str:
    """A name for the sex and ethnicity; `family` keeps a household's Han surname."""
    if eth == "05":
        given = rng.choice(_UYGHUR_M if male else _UYGHUR_F)
        return f"{given}·{rng.choice(_UYGHUR_FATHER)}"
    if eth == "04":
        return rng.choice(_TIBETAN) + rng.choice(_TIBETAN if male else _TIBETAN_F)
    if eth == "07" and rng.random() < 0.7:
        return rng.choice(_YI_CLAN) + rng.choice(_YI_GIVEN)
    chars = _MALE if male else _FEMALE
    given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
    return (family or surname(rng)) + given


def harmless_variant(rng: random.Random, name: str) -> str:
    """A spelling that the name comparison must treat as equal (spaces, U+3000, another dot)."""
    if "·" in name:
        return name.replace("·", rng.choice(VARIANT_DOTS + ("", " ")))
    cut = 2 if name[:2] in _COMPOUND else 1
    sep = rng.choice((" ", "\u3000", "  "))
    return name[:cut] + sep + name[cut:]


def different_name(rng: random.Random, name: str) -> str:
    """A name that genuinely differs by one character (NAME_MISMATCH)."""
    last = name[-1]
    repl = _HOMOPHONE.get(last)
    if repl is None:
        pool = _MALE + _FEMALE
        repl = last
        while repl == last:
            repl = rng.choice(pool)
    return name[:-1] + repl
