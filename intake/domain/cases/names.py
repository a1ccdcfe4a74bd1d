"""Names as the blind index compares them (docs/rules.md §9, "Repeat reports").

Two reporters seldom write a hospital's or a doctor's name the same way: full-width letters,
spaces, 有限公司 or not, traditional characters. Before a name is indexed it is brought to one
form, so that the variants meet:

1. NFKC: full-width letters, digits and brackets become half-width (Ａ→A, （→().
2. Traditional characters become simplified, for the characters common in the names of
   institutions and people (`_TRADITIONAL`; a small table, not a converter: a rare
   character, or a word whose simplified form depends on its neighbours, stays as it is).
3. Upper case becomes lower case; whitespace, punctuation and symbols are removed.
4. A bracketed remark is removed: 某某医院（东院区） is 某某医院. Then, for an institution, the
   endings that name its legal form or its kind are removed, longest first and repeatedly
   (`INSTITUTION_ENDINGS`): 某某医院有限公司, 某某医院 and 某某医院分院 all become 某某; for a
   person, a title at the end (张三（主任）, 张三主任 and 张三 meet).

What is left must have at least two characters; a name made only of endings (医院, 诊所) or
of one character (某) says nothing about which institution is meant and is not indexed.
It does not match names that differ in more than form: a place prefixed (北京市某某医院 and
某某医院), an abbreviation (市一院 and 市第一人民医院), a typing mistake, or a pinyin spelling.
"""

from __future__ import annotations

import re
import unicodedata

#: Endings removed from an institution's name, tried longest first, repeatedly.
INSTITUTION_ENDINGS = (
    "社区卫生服务中心",
    "社区卫生服务站",
    "股份有限公司",
    "有限责任公司",
    "医疗美容",
    "有限公司",
    "卫生服务中心",
    "门诊部",
    "卫生院",
    "卫生室",
    "大药房",
    "医务室",
    "公司",
    "集团",
    "医院",
    "分院",
    "院区",
    "诊所",
    "门诊",
    "药房",
    "药店",
    "总院",
)

#: Titles removed from the end of a person's name, tried longest first, repeatedly.
PERSON_TITLES = (
    "主任医师",
    "副主任",
    "副院长",
    "护士长",
    "副科长",
    "主任",
    "院长",
    "医生",
    "医师",
    "大夫",
    "护士",
    "科长",
    "处长",
    "局长",
    "书记",
    "经理",
    "老板",
    "老师",
    "先生",
    "女士",
)

#: Separators between the people a reporter names in one field.
_PEOPLE_SEPARATORS = re.compile(
    r"[、,;/\n]+|以及|及|\s{2,}|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
)
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕")

# Traditional → simplified for characters common in institutions' and people's names.
_PAIRS = (
    "醫医 門门 診诊 療疗 衛卫 藥药 護护 婦妇 兒儿 齒齿 專专 學学 總总 務务 區区 縣县 鎮镇 鄉乡 "
    "東东 廣广 國国 華华 陽阳 島岛 灣湾 臺台 萬万 與与 興兴 順顺 長长 慶庆 濟济 樂乐 愛爱 寶宝 "
    "龍龙 鳳凤 亞亚 聯联 達达 團团 業业 責责 貨货 購购 銷销 價价 設设 備备 檢检 驗验 證证 "
    "電电 體体 發发 變变 裝装 營营 協协 會会 館馆 廳厅 處处 辦办 員员 師师 紅红 綠绿 藍蓝 "
    "陳陈 張张 劉刘 楊杨 黃黄 趙赵 吳吴 鄭郑 孫孙 馬马 許许 鄧邓 蕭萧 馮冯 韓韩 葉叶 謝谢 "
    "羅罗 鍾钟 蘇苏 盧卢 蔣蒋 魏魏 賈贾 丁丁 薛薛 閻阎 鄒邹 龔龚 嚴严 錢钱 湯汤 陸陆 範范 "
    "譚谭 尹尹 賴赖 龐庞 溫温 傅傅 顧顾 孔孔 鄺邝 歐欧 陶陶 黎黎 熊熊 邱邱 鄔邬 寧宁 關关 "
    "莊庄 喬乔 殷殷 軍军 偉伟 強强 麗丽 傑杰 鋒锋 靜静 紅红 濤涛 鵬鹏 蘭兰 鳴鸣 輝辉 劍剑 "
    "雲云 遠远 虛虚 構构 飛飞 賓宾 潔洁 嬌娇 鐵铁 銀银 億亿 豐丰 禮礼 橋桥 線线 號号"
)
_TRADITIONAL = str.maketrans({pair[0]: pair[1] for pair in _PAIRS.split() if pair[0] != pair[1]})


def _common_form(text: str) -> str:
    """Steps 1–3: one width, simplified characters, lower case, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL).casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _strip_endings(text: str, endings: tuple[str, ...]) -> str:
    ordered = sorted(endings, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for ending in ordered:
            if text.endswith(ending):
                text = text[: -len(ending)]
                changed = True
                break
    return text


def institution_key(name: str) -> str | None:
    """The institution's name as the index compares it; None if it names nothing specific."""
    bare = _BRACKETED.sub("", unicodedata.normalize("NFKC", name))
    text = _strip_endings(_common_form(bare), INSTITUTION_ENDINGS)
    return text if len(text) >= 2 else None


def person_keys(people: str) -> list[str]:
    """Each person named in the field, as the index compares them, without repeats."""
    keys: list[str] = []
    # After NFKC the full-width separators (，；／) are half-width ones.
    for part in _PEOPLE_SEPARATORS.split(unicodedata.normalize("NFKC", people)):
        name = _common_form(_BRACKETED.sub("", part))
        name = _strip_endings(name, PERSON_TITLES)
        if len(name) >= 2 and name not in keys:
            keys.append(name)
    return keys
