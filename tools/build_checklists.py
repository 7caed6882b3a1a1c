#!/usr/bin/env python3
"""Generator: research reference rows -> shipped catalogue files.

Turns the research reference (`catalogue-rows.json`: 216 real rows copied from public county
and township 标准目录 in 28 domains; `catalogue-rows-more.json`: 50 more rows in 15 of them)
into `checklists/<id>.json` in the `zwgk-checklist` format (see `src/model/catalogue.rs` and
`checklists/README.md`). It is NOT used by the build or by the tests: it is run by hand, once
per new batch of reference rows, and its output is committed.

Usage: python3 tools/build_checklists.py REFERENCE_DIR

REFERENCE_DIR holds the two reference files and `domain.md` (the order of the 26 domains, §2).
The script writes, inside this repository:

- `checklists/<id>.json`, one per domain;
- `tools/catalogue-ledger.json`: for every catalogue its versions, and for every item id the
  reference rows it holds and its fingerprint (the same hash as `Item::fingerprint`) in each
  version, plus the ids retired and the rows left out. The next run reads it, so an item keeps
  its id, a retired id is never used again, and new items get new ids;
- `tools/rows-accounted.md`: what became of every reference row (an item of its own, merged
  into another row's item, or left out, and why).

A catalogue whose items changed gets version NEW_VERSION, so assessments made against the
previous version are offered the upgrade; one whose items did not change keeps its version.
A fingerprint may only change where FINGERPRINT_CHANGES says why; the run stops otherwise.

Python 3.11, standard library only. Output is deterministic, and a second run changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

REFERENCE_FILES = ["catalogue-rows.json", "catalogue-rows-more.json"]
ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "checklists"
ACCOUNTED = ROOT / "tools" / "rows-accounted.md"

# The version label of catalogues whose items change in this run.
NEW_VERSION = "2026.11.30"

# The reference text says "no ●/〇 marks", but five rows do carry ● marks in their
# 公开内容. With this switch on, those marks become `elements`; `content` stays verbatim.
PARSE_ELEMENT_MARKS = True

# ---------------------------------------------------------------------------
# Header data
# ---------------------------------------------------------------------------

NAMES = {
    "general-government-info": "综合政务信息",
    "agricultural-funds-local": "涉农资金",
}

# Local renamings, from domain.md §2 "Observed local renamings".
ALIASES = {
    "ecological-environment": ["环境保护"],
    "poverty-alleviation": ["乡村振兴"],
    "disaster-relief": ["救灾生产"],
    "medical-health": ["卫生健康"],
    "employment": ["就业创业"],
    "land-expropriation-compensation": ["农村集体土地征收"],
    "urban-rural-planning": ["自然资源"],
}

GROUPS = {
    "general-government-info": "city",
    "agricultural-funds-local": "local",
}

# Domains whose issuing ministry domain.md §2 marks as "(inferred)".
ISSUER_INFERRED = {
    "tax-administration",
    "land-expropriation-compensation",
    "state-land-housing-expropriation",
    "rural-dilapidated-housing",
    "public-legal-services",
    "poverty-alleviation",
    "food-drug-regulation",
    "urban-comprehensive-law-enforcement",
    "household-registration",
    "agricultural-subsidies",
    "medical-health",
    "municipal-services",
    "affordable-housing",
    "compulsory-education",
    "public-cultural-services",
    "urban-rural-planning",
}

# The number of items of a domain's official guideline, where the reference gives one
# (domain.md §2 and §4.5), with the page it cites.
GUIDELINE_ITEMS = {
    "employment": {
        "count": 25,
        "unit": "二级事项",
        "source": "http://www.huayuan.gov.cn/zwgk_23240/bmxxgk_23259/xzfgzbm/xrlzyhshbzj/wjtz/"
                  "202308/t20230830_2055235.html",
        "note": "人社厅函〔2019〕113号(就业和社会保险领域基层政务公开标准指引)就业部分:"
                "9个一级事项、25个二级事项",
    },
    "public-resource-trading": {
        "count": 40,
        "unit": "事项",
        "source": "http://www.ggzy2015.com/ShenzhenXiangQServlet_2019HALleaOeMi.html",
        "note": "国家发展改革委公共资源交易领域基层政务公开标准指引(2019):工程建设项目招标投标、"
                "政府采购、国有土地使用权出让、矿业权出让、国有产权交易5个方面共40项,各地可增加",
    },
}


def official_order(domain_md: Path) -> dict[str, int]:
    """The 26 national domains by their number in domain.md §2 (`| 1 | `id` | …`)."""
    order = {}
    for line in domain_md.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|\s*`([a-z-]+)`\s*\|", line)
        if m:
            order[m.group(2)] = int(m.group(1))
    if sorted(order.values()) != list(range(1, 27)):
        raise SystemExit(f"domain.md §2 should number 26 domains 1..26: {order}")
    return order


NOTE_NATIONAL = (
    "示例子集:本目录各行是从公开的县级、乡镇(街道)政务公开标准目录中摘录的真实目录行,"
    "来自不同地方,只是该领域官方标准目录的一部分,不是完整目录。"
    "各地同一事项的表述相同时已合并为一行,各来源列在该事项的 sources 中。"
    "请以本地正式发布的标准目录为准,可用同编号、更高版本号的目录文件替换本目录。"
)
NOTE_ISSUER_INFERRED = "发布部门系根据公开资料推断,未见指引原文。"
NOTE_CITY = (
    "示例:本目录由公开的乡镇(街道)政务公开标准目录中的综合类事项"
    "(机构信息、政府文件、规划计划、政府工作报告等)整理而成,不是任何城市的“+1”目录。"
    "请替换为本市自己的“+1”目录文件(同编号、更高版本号)。"
)
NOTE_LOCAL = (
    "示例:本目录由公开的乡镇政务公开标准目录(江西德安县某镇“涉农资金领域”)整理而成,"
    "只是“+n”自选领域的一个例子。请替换为本区(县)或镇街自己的目录文件。"
)

# ---------------------------------------------------------------------------
# Channels
# ---------------------------------------------------------------------------

CANONICAL_CHANNELS = [
    "政府网站",
    "政府公报",
    "两微一端",
    "发布会/听证会",
    "广播电视",
    "纸质媒体",
    "公开查阅点",
    "政务服务中心",
    "便民服务站",
    "入户/现场",
    "图书馆",
    "社区/企事业单位/村公示栏(电子屏)",
    "国家档案馆",
    "精准推送",
]
BOARD = "社区/企事业单位/村公示栏(电子屏)"

CHANNEL_SYNONYMS = {
    "发布会听证会": "发布会/听证会",
    "新闻发布会": "发布会/听证会",
    "政府服务中心": "政务服务中心",
    "一微一端": "两微一端",
    "报刊": "纸质媒体",
    "广播": "广播电视",
    "电视": "广播电视",
    "政府门户网站": "政府网站",
    "区政府门户网站": "政府网站",
    "县政府门户网站": "政府网站",
    "丰林县政府网站": "政府网站",
    "社区/企事业单位/村公示栏": BOARD,
    "社区/村公示栏(电子屏)": BOARD,
    "公示栏": BOARD,
    "公告公示栏": BOARD,
    "线下公示栏": BOARD,
    "行政村公示栏": BOARD,
    "乡镇公示栏": BOARD,
    "单位/村委会公示栏(电子屏)": BOARD,
    # Not in the brief's list; the same reading as 单位/村委会公示栏: a 公示栏 at the
    # named places, or a 公开查阅点 at a named service centre.
    "乡镇便民服务中心/村委会公示栏": BOARD,
    "街道文化站/(社区)综合性文化服务中心公示栏": BOARD,
    "社会保障和为民服务中心公开查阅点": "公开查阅点",
    "招标投标公共服务平台": "招投标公共服务平台",
    # catalogue-rows-more.json
    "社区/村公示栏": BOARD,
    "村(社区)公示栏(电子屏)": BOARD,
    "公示栏等": BOARD,
    "微信公众号": "两微一端",
    "广播大喇叭": "广播电视",
}
# Originals that name a place or tier; the source note keeps the original wording.
CHANNEL_KEEP_ORIGINAL_IN_NOTE = {
    "行政村公示栏",
    "乡镇公示栏",
    "乡镇便民服务中心/村委会公示栏",
    "街道文化站/(社区)综合性文化服务中心公示栏",
    "社会保障和为民服务中心公开查阅点",
    "单位/村委会公示栏(电子屏)",
    "村(社区)公示栏(电子屏)",
    "公示栏等",
    "微信公众号",
    "广播大喇叭",
}
# Domain platforms kept verbatim (domain.md §4.3 and the rows).
PLATFORMS = {
    "投资项目在线审批监管平台",
    "公共资源交易平台",
    "招投标公共服务平台",
    "信用中国网站",
    "中国政府采购网及其地方分网",
    "省级(含计划单列市)财政部门指定媒体",
    "征地信息公开平台",
    "山东政务服务网",
    "湖北省政务服务网",
    "基层公共服务平台",
    "部门网站",
    "管理部门网站",
    "广东政务服务网",
    "广东省建筑市场监管公共服务平台",
}
# Free-text channels that are neither canonical nor a platform: written as 其他:X.
CHANNEL_OTHER = {"办事窗口", "会议", "党群服务中心", "便民服务中心", "乡镇便民服务中心", "乡村振兴工作站"}

# A researcher's marker at the end of a value: (截断) (推断) (截断,推断) (列存在) (均打勾) …
MARKER_RE = re.compile(r"[((]([^()()]*(?:截断|推断|列存在|均打勾)[^()()]*)[))]\s*$")


def split_marker(text: str) -> tuple[str, str | None]:
    m = MARKER_RE.search(text)
    if not m:
        return text, None
    return text[: m.start()].rstrip(), m.group(1)


def flag_marker(marker: str | None, field: str, flags: dict) -> None:
    """A researcher's marker on a value: cut off (截断) and/or inferred (推断, 列存在)."""
    if not marker:
        return
    if "截断" in marker:
        flags["truncated"].add(field)
    if "推断" in marker or "列存在" in marker:
        flags["inferred"].add(field)


def normalize_channels(raw: list[str], remarks: list[str], flags: dict) -> list[dict]:
    names: list[str] = []
    for original in raw:
        name, marker = split_marker(original.strip())
        if marker:
            remarks.append(f"公开渠道“{name}”原文标注“{marker}”")
            flag_marker(marker, "channels", flags)
        if name.startswith("其他:") or name.startswith("其他:") or name == "其他":
            name = name.replace("其他:", "其他:", 1)
        elif name.startswith("其他"):
            # The table's 其他____ box, filled in.
            name = "其他:" + name[len("其他"):]
        elif name in CANONICAL_CHANNELS or name in PLATFORMS:
            pass
        elif name in CHANNEL_SYNONYMS:
            if name in CHANNEL_KEEP_ORIGINAL_IN_NOTE:
                remarks.append(f"公开渠道原文为“{name}”")
            name = CHANNEL_SYNONYMS[name]
        elif name in CHANNEL_OTHER:
            name = "其他:" + name
        else:
            raise SystemExit(f"unmapped channel: {original!r}")
        if name not in names:
            names.append(name)
    return [{"name": n, "required": True} for n in names]


# ---------------------------------------------------------------------------
# 公开对象 / 公开方式 / 公开层级
# ---------------------------------------------------------------------------

def parse_audience(raw: str | None, remarks: list[str], flags: dict) -> tuple[list[str], str | None]:
    if raw is None:
        return [], None
    text, marker = split_marker(raw.strip())
    if marker:
        remarks.append(f"公开对象为推断(原值“{raw}”)")
        flag_marker(marker, "audience", flags)
    out: list[str] = []
    group: str | None = None
    for token in re.split(r"[;;]", text):
        token = token.strip()
        if not token:
            continue
        m = re.fullmatch(r"(全社会|特定群体|特定群众)\s*(?:[::]\s*(.+)|[((](.+)[))])?", token)
        if not m:
            raise SystemExit(f"unmapped audience: {raw!r}")
        value = "public" if m.group(1) == "全社会" else "specific_group"
        if value not in out:
            out.append(value)
        named = m.group(2) or m.group(3)
        if named:
            if m.group(1) == "全社会":
                raise SystemExit(f"group named under 全社会: {raw!r}")
            group = named.strip()
    return out, group


def parse_method(raw: str | None, remarks: list[str], flags: dict) -> list[str]:
    if raw is None:
        return []
    text, marker = split_marker(raw.strip())
    if marker and "推断" in marker:
        remarks.append(f"公开方式为推断(原值“{raw}”)")
        flag_marker(marker, "method", flags)
    out: list[str] = []
    for token in re.split(r"[;;]", text):
        token = token.strip()
        if not token:
            continue
        value = {"主动": "proactive", "主动公开": "proactive", "依申请": "on_request",
                 "依申请公开": "on_request"}.get(token)
        if value is None:
            raise SystemExit(f"unmapped method: {raw!r}")
        if value not in out:
            out.append(value)
    return out


TIER_TOKENS = {
    "省级": ["province"],
    "市级": ["city"],
    "州级": ["city"],
    "县级": ["county"],
    "区级": ["county"],
    "区县级": ["county"],
    "县(区)级": ["county"],
    "乡级": ["township"],
    "镇级": ["township"],
    "乡镇级": ["township"],
    "镇(街)级": ["township"],
    "镇街级": ["township"],
    "镇街": ["township"],
    "乡、村级": ["township", "village"],
    "镇、村级": ["township", "village"],
    "镇街、村级": ["township", "village"],
    "村级": ["village"],
}


def parse_tiers(raw: str | None, remarks: list[str], flags: dict) -> list[str]:
    if raw is None:
        return []
    text, marker = split_marker(raw.strip())
    if marker:
        remarks.append(f"公开层级为推断(原值“{raw}”)")
        flag_marker(marker, "tiers", flags)
    out: list[str] = []
    for token in re.split(r"[;;]", text):
        token = token.strip().replace("(", "(").replace(")", ")")
        if not token:
            continue
        if token not in TIER_TOKENS:
            raise SystemExit(f"unmapped tier: {raw!r}")
        for t in TIER_TOKENS[token]:
            if t not in out:
                out.append(t)
    return out


# ---------------------------------------------------------------------------
# Content elements (● mandatory / 〇 optional)
# ---------------------------------------------------------------------------

LEGEND_RE = re.compile(r"\s*[((]\s*●\s*=\s*必选要素\s*[,,]\s*〇\s*=\s*可选要素\s*[))]\s*$")


def parse_elements(content: str) -> list[dict]:
    if not PARSE_ELEMENT_MARKS or ("●" not in content and "〇" not in content):
        return []
    body = LEGEND_RE.sub("", content)
    if not body.lstrip().startswith(("●", "〇")):
        raise SystemExit(f"element marks not at the start: {content!r}")
    out = []
    for mark, text in re.findall(r"([●〇])([^●〇]+)", body):
        text = text.strip()
        if text:
            out.append({"text": text, "mandatory": mark == "●"})
    return out


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------

def is_same_as_above(value: str | None) -> bool:
    return value is not None and value.strip().startswith("同上")


def is_gov_cn(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "gov.cn" or host.endswith(".gov.cn")


# Rows the notes of the reference describe in words that no rule reads: what each note says,
# and what the item records for it. `truncated` / `inferred` add to what the markers in the
# values show; `level2` / `level3` restore a table's three levels where the reference put the
# 三级事项 into the 二级事项 column.
ROW_FIXES = {
    "catalogue-rows.json#major-construction-projects/4": {
        # note: "二级事项 shown as '…过程信息'; channel list truncated"
        "truncated": ["channels"],
        "inferred": ["level2"],
    },
    "catalogue-rows.json#major-construction-projects/8": {
        # note: "channel list truncated after 政务服务中心"
        "truncated": ["channels"],
    },
    "catalogue-rows-more.json#major-construction-projects/2": {
        # note: "excerpt ends inside the channel cell (list may be longer)"
        "truncated": ["channels"],
    },
    "catalogue-rows-more.json#ecological-environment/5": {
        # note: "一级事项 shown as '行政'" (the reference reads it as 行政许可)
        "inferred": ["level1"],
    },
    "catalogue-rows-more.json#ecological-environment/6": {
        # note: "I级/Ⅱ级/Ⅲ级公开事项 (Ⅱ级 机构、人事信息; this value is Ⅲ级)"
        "level2": "机构、人事信息",
        "level3": "领导信息",
    },
    "catalogue-rows-more.json#ecological-environment/7": {
        # note: "Ⅲ级公开事项 under Ⅱ级 机构、人事信息"
        "level2": "机构、人事信息",
        "level3": "机构职能",
    },
    "catalogue-rows-more.json#ecological-environment/8": {
        # note: "Ⅲ级公开事项 under Ⅱ级 机构、人事信息"
        "level2": "机构、人事信息",
        "level3": "人事信息",
    },
    "catalogue-rows-more.json#public-legal-services/0": {
        # note: "source shows 一级 法治宣传教育 / 法治宣传教育 / this item, i.e. a 3-level layout"
        "level2": "法治宣传教育",
        "level3": "法律知识普及服务、法律法规和案例检索服务",
    },
    "catalogue-rows-more.json#compulsory-education/2": {
        # note: "第三项依据在镜像中被垃圾文字替换"
        "truncated": ["basis"],
    },
    "catalogue-rows-more.json#compulsory-education/4": {
        # note: "公开依据: 镜像中被垃圾文字替换"
        "truncated": ["basis"],
    },
    "catalogue-rows-more.json#compulsory-education/5": {
        # note: "公开依据: 另一项依据在镜像中被垃圾文字替换"
        "truncated": ["basis"],
    },
}

# Rows that do not become an item, and why.
LEFT_OUT = {
    "catalogue-rows-more.json#compulsory-education/1": (
        "not a county or township catalogue: the row is from a provincial 教育厅 list "
        "('义务教育领域政务公开清单目录', publisher 教育部门), seen on a spam-injected mirror that "
        "overwrote the province's name; the shipped rows come from county and township catalogues"
    ),
}

# A name wholly in brackets, e.g. "(受灾情况)": the reference's description of the row, not
# the text of the table's cell.
BRACKETED_NAME_RE = re.compile(r"[((][^()()]+[))]")

# A researcher's remark on a publisher, e.g. "县教育体育局(镜像中县名被替换)".
PUBLISHER_REMARK_RE = re.compile(r"[((]([^()()]*镜像[^()()]*)[))]\s*$")

# Notes saying that the row's 公开依据 cell is merged with the row above.
BASIS_MERGED_RE = re.compile(r"公开依据 cell merged with row|公开依据: 与上一行合并单元格")


def text_cut(value: str | None) -> bool:
    """A value the reference shows as cut off: it ends (or stops) with … or says 截断."""
    return value is not None and ("…" in value or "截断" in value)


def convert_row(key: str, row: dict, prev_row: dict | None, prev_conv: dict | None) -> dict:
    """One reference row -> one item (without id), plus bookkeeping under '_'."""
    remarks: list[str] = []
    flags: dict[str, set[str]] = {"truncated": set(), "inferred": set()}
    same_source = prev_row is not None and prev_row["source_url"] == row["source_url"]
    fixes = ROW_FIXES.get(key, {})

    # 公开时限
    time_limit = row["time_limit"] or ""
    if is_same_as_above(time_limit):
        inner = time_limit.strip()[2:].strip("()() ")
        prev_tl = prev_conv["time_limit"] if (same_source and prev_conv) else ""
        if "推断" in inner:
            # The reference states its own guess, taken from similar catalogues, so the
            # row above in the source was not seen: treat as not shown.
            time_limit = ""
            remarks.append(f"公开时限原文为“同上”,所指上一行未摘录,时限未显示(参考资料据同类目录推断为“{inner.split('—')[0].strip()}”)")
        elif prev_tl:
            time_limit = prev_tl
            remarks.append("公开时限同上一行")
            flags["truncated"] |= {f for f in prev_conv["_"]["flags"]["truncated"] if f == "time_limit"}
        else:
            time_limit = ""
            remarks.append("公开时限原文为“同上”,所指上一行未摘录,时限未显示")
    elif text_cut(time_limit):
        flags["truncated"].add("time_limit")

    # 公开依据
    basis = list(row["basis"])
    merged_cell = not basis and BASIS_MERGED_RE.search(row["note"] or "")
    if basis == ["同上"] or merged_cell:
        prev_basis = prev_conv["basis"] if (same_source and prev_conv) else []
        if prev_basis:
            basis = list(prev_basis)
            remarks.append("公开依据同上一行" if not merged_cell else "公开依据与上一行为合并单元格,取上一行的公开依据")
            for kind in ("truncated", "inferred"):
                if "basis" in prev_conv["_"]["flags"][kind]:
                    flags[kind].add("basis")
        else:
            basis = []
            remarks.append("公开依据原文为“同上”,所指上一行未摘录" if not merged_cell else "公开依据与上一行为合并单元格,所指上一行未摘录")
    for b in basis:
        if text_cut(b):
            flags["truncated"].add("basis")
        _, marker = split_marker(b)
        if marker and "推断" in marker:
            flags["inferred"].add("basis")

    # 公开内容
    if text_cut(row["content"]):
        flags["truncated"].add("content")

    # 公开主体
    publisher = row["subject"] or ""
    m = PUBLISHER_REMARK_RE.search(publisher)
    if m:
        publisher = publisher[: m.start()].rstrip()
        remarks.append(f"公开主体原文为“{row['subject']}”")
        flags["truncated"].add("publisher")

    # 事项名称
    level1 = row["level1"].strip()
    level2 = row["level2"].strip()
    level3 = None
    m = re.fullmatch(r"(.+?)[((]一级[))]", level1)
    if m and not level2:
        level1 = m.group(1)
        level2 = "—"
        remarks.append("原表该行只有一级事项,无二级事项(二级事项记为“—”)")
    if not level2:
        raise SystemExit(f"empty level2: {row!r}")
    if BRACKETED_NAME_RE.fullmatch(level1):
        remarks.append(f"一级事项在参考资料中记为“{level1}”(括号内是参考资料对该行的说明,不是原表的事项名称),此处记为“—”")
        level1 = "—"
    if BRACKETED_NAME_RE.fullmatch(level2):
        remarks.append(f"二级事项在参考资料中记为“{level2}”(括号内是参考资料对该行的说明,不是原表的事项名称),此处记为“—”")
        level2 = "—"
    if "level2" in fixes:
        remarks.append(f"原表分一、二、三级事项:参考资料的二级事项“{level2}”是三级事项,"
                       f"二级事项为“{fixes['level2']}”")
        level2 = fixes["level2"]
        level3 = fixes["level3"]

    channels = normalize_channels(row["channels"], remarks, flags)
    audience, group = parse_audience(row["audience"], remarks, flags)
    method = parse_method(row["method"], remarks, flags)
    tiers = parse_tiers(row["tier"], remarks, flags)
    for kind in ("truncated", "inferred"):
        flags[kind] |= set(fixes.get(kind, []))

    item = {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "content": row["content"],
        "elements": parse_elements(row["content"]),
        "basis": basis,
        "time_limit": time_limit,
        "publisher": publisher,
        "channels": channels,
        "audience": audience,
        "audience_group": group,
        "method": method,
        "tiers": tiers,
    }
    item["_"] = {
        "key": key,
        "row": row,
        "remarks": remarks,
        "flags": flags,
        "preferred_host": (not row["source_is_mirror"]) and is_gov_cn(row["source_url"]),
        "filled": [],
    }
    return item


PUNCT_CATEGORIES = ("P", "Z", "C")


def norm(text: str) -> str:
    """Text for comparing rows: NFKC, no whitespace, no punctuation, no ●/〇 marks or their
    legend (the marks say which elements are mandatory, not what is published)."""
    text = LEGEND_RE.sub("", text).replace("●", "").replace("〇", "")
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(PUNCT_CATEGORIES))


def nonnull_count(row: dict) -> int:
    n = 0
    for key in ("time_limit", "subject", "audience", "method", "tier"):
        if row[key] is not None and row[key] != "":
            n += 1
    for key in ("basis", "channels"):
        if row[key]:
            n += 1
    return n


FILLABLE = [
    # (field, is-empty test, label in notes)
    ("time_limit", lambda it: not it["time_limit"], "公开时限"),
    ("publisher", lambda it: not it["publisher"], "公开主体"),
    ("basis", lambda it: not it["basis"], "公开依据"),
    ("channels", lambda it: not it["channels"], "公开渠道"),
    ("audience", lambda it: not it["audience"], "公开对象"),
    ("method", lambda it: not it["method"], "公开方式"),
    ("tiers", lambda it: not it["tiers"], "公开层级"),
    ("elements", lambda it: not it["elements"], "公开内容的●/〇标记"),
]

# Field names of `truncated` / `inferred`, in the order of `ItemField`.
FIELD_NAMES = ["level1", "level2", "level3", "content", "elements", "basis", "time_limit",
               "publisher", "channels", "audience", "audience_group", "method", "tiers"]
# Fields that are the same text in every row of a merged item.
KEY_FIELDS = {"level1", "level2", "level3", "content"}

TIER_ZH = {"province": "省级", "city": "市级", "county": "县级", "township": "乡级", "village": "村级"}


def describe_difference(merged: dict, other: dict) -> list[str]:
    """What a merged-away row said differently (only where it said something)."""
    out = []
    if other["publisher"] and other["publisher"] != merged["publisher"]:
        out.append(f"公开主体为“{other['publisher']}”")
    if other["time_limit"] and other["time_limit"] != merged["time_limit"]:
        out.append(f"公开时限为“{other['time_limit']}”")
    if other["channels"] and other["channels"] != merged["channels"]:
        out.append("公开渠道为“" + "、".join(c["name"] for c in other["channels"]) + "”")
    row = other["_"]["row"]
    if other["audience"] and (other["audience"], other["audience_group"]) != (merged["audience"], merged["audience_group"]):
        out.append(f"公开对象为“{row['audience']}”")
    if other["method"] and other["method"] != merged["method"]:
        out.append(f"公开方式为“{row['method']}”")
    if other["tiers"] and other["tiers"] != merged["tiers"]:
        out.append(f"公开层级为“{row['tier']}”")
    return out


def merge_group(items: list[dict]) -> dict:
    """Items stating the same requirement, in reference order -> one item."""
    ranked = sorted(
        range(len(items)),
        key=lambda i: (not items[i]["_"]["preferred_host"], -nonnull_count(items[i]["_"]["row"]), i),
    )
    best = items[ranked[0]]
    merged = {k: v for k, v in best.items() if k != "_"}
    # Which row each field's value comes from.
    origin = {f: ranked[0] for f in FIELD_NAMES}
    donors: dict[int, list[str]] = {}
    for field, empty, label in FILLABLE:
        if not empty(merged):
            continue
        for i in ranked[1:]:
            if not empty(items[i]):
                merged[field] = items[i][field]
                origin[field] = i
                if field == "audience":
                    merged["audience_group"] = items[i]["audience_group"]
                    origin["audience_group"] = i
                donors.setdefault(i, []).append(label)
                break
    # A field is cut off or inferred as the row it comes from says; the names and content,
    # the same text in every row, only when every row says so.
    for kind in ("truncated", "inferred"):
        flagged = []
        for f in FIELD_NAMES:
            if f in KEY_FIELDS:
                if all(f in it["_"]["flags"][kind] for it in items):
                    flagged.append(f)
            elif f in items[origin[f]]["_"]["flags"][kind]:
                flagged.append(f)
        merged[kind] = flagged
    sources = []
    order = [ranked[0]] + [i for i in range(len(items)) if i != ranked[0]]
    for i in order:
        it = items[i]
        remarks = list(it["_"]["remarks"])
        if len(items) > 1:
            if i == ranked[0]:
                remarks.append("合并行:以此来源为准")
            else:
                if i in donors:
                    remarks.append("合并时" + "、".join(donors[i]) + "取自此来源")
                diff = describe_difference(merged, it)
                if diff:
                    remarks.append("此来源" + ",".join(diff))
        sources.append(source_ref(it["_"]["row"], remarks))
    merged["sources"] = sources
    merged["_merged_rows"] = len(items)
    merged["_keys"] = [items[i]["_"]["key"] for i in order]
    return merged


def source_ref(row: dict, remarks: list[str]) -> dict:
    ref = {"url": row["source_url"]}
    if row["source_is_mirror"]:
        ref["mirror"] = True
    parts = [p for p in [(row["note"] or "").strip()] + remarks if p]
    if parts:
        ref["note"] = ";".join(parts)
    return ref


ITEM_ORDER = ["id", "level1", "level2", "level3", "content", "elements", "basis", "time_limit",
              "publisher", "channels", "audience", "audience_group", "method", "tiers", "truncated",
              "inferred", "extra", "sources"]
ALWAYS = {"id", "level1", "level2", "content", "time_limit", "publisher"}


def serialize_item(item: dict) -> dict:
    out = {}
    for key in ITEM_ORDER:
        value = item.get(key)
        if key in ALWAYS:
            out[key] = value if value is not None else ""
        elif value:  # skip None, empty lists and empty maps, as the Rust types do
            out[key] = value
    return out


def strip_parenthetical(name: str) -> str:
    return re.sub(r"[((][^()()]*[))]", "", name).strip()


# Items whose fingerprint changes in NEW_VERSION, and why. Any other change stops the run.
FINGERPRINT_CHANGES = {
    ("affordable-housing", "01"): (
        "merged with the row of item 08, the same requirement (same 一级/二级事项 and the same "
        "公开内容 once the ●/〇 marks are set aside); 公开对象, 公开方式, 公开层级 and the ● marks "
        "now come from that row"
    ),
    ("disaster-relief", "08"): (
        "二级事项 “(受灾情况)” was the reference's description of the row, not the table's text: "
        "written “—”"
    ),
    ("disaster-relief", "09"): (
        "二级事项 “(捐赠款物)” was the reference's description of the row, not the table's text: "
        "written “—”"
    ),
    ("ecological-environment", "02"): (
        "一级事项 “(工作动态)” was the reference's description (the source's cell is blank): "
        "written “—”"
    ),
    ("medical-health", "02"): (
        "一级事项 “(计划生育)” was the reference's description of the row, not the table's text: "
        "written “—”"
    ),
    ("medical-health", "03"): (
        "一级事项 “(计划生育)” was the reference's description of the row, not the table's text: "
        "written “—”"
    ),
    ("agricultural-funds-local", "01"): (
        "二级事项 “(涉农资金文件)” was the reference's description of the row, not the table's "
        "text: written “—”"
    ),
    ("agricultural-funds-local", "02"): (
        "二级事项 “(涉农资金明细)” was the reference's description of the row, not the table's "
        "text: written “—”"
    ),
}

# Items retired in NEW_VERSION (their id is never used again), and why.
RETIREMENTS = {
    ("affordable-housing", "08"): "merged into 01: the same requirement (see 01)",
}


def row_key(file: str, did: str, index: int) -> str:
    return f"{file}#{did}/{index}"


def convert_rows(did: str, parts: list[tuple[str, dict]]) -> list[dict]:
    """Every reference row of a domain, converted, in reference order."""
    converted = []
    for file, domain in parts:
        prev_row = prev_conv = None
        for index, row in enumerate(domain["items"]):
            conv = convert_row(row_key(file, did, index), row, prev_row, prev_conv)
            converted.append(conv)
            prev_row, prev_conv = row, conv
    return converted


def id_number(item_id: str) -> int:
    return int(item_id) if item_id.isdigit() else 0


def assign_ids(did: str, groups: list[list[dict]], entry: dict | None) -> tuple[list[str], dict]:
    """An id per group: the id of the ledger item its rows belong to, or a new one. Returns the
    ids and the ids retired now ({id: merged-into id or None})."""
    row_to_id: dict[str, str] = {}
    known: set[str] = set()
    if entry:
        for item_id, rec in entry["items"].items():
            known.add(item_id)
            if "retired" not in rec:
                for key in rec["rows"]:
                    row_to_id[key] = item_id
    next_number = max((id_number(i) for i in known), default=0) + 1
    ids: list[str] = []
    retired: dict[str, str | None] = {}
    for members in groups:
        found = sorted({row_to_id[m["_"]["key"]] for m in members if m["_"]["key"] in row_to_id}, key=id_number)
        if found:
            ids.append(found[0])
            for other in found[1:]:
                retired[other] = found[0]
        else:
            ids.append(f"{next_number:02d}")
            next_number += 1
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{did}: the rows of one item fell into two items: {ids}")
    live = {i for i, rec in (entry or {"items": {}})["items"].items() if "retired" not in rec}
    for gone in sorted(live - set(ids) - set(retired)):
        retired[gone] = None
    return ids, retired


def build_domain(did: str, parts: list[tuple[str, dict]], order: dict[str, int], entry: dict | None,
                 previous: dict | None) -> tuple[dict, dict]:
    domain = parts[0][1]
    converted = convert_rows(did, parts)
    left_out = [c for c in converted if c["_"]["key"] in LEFT_OUT]
    kept = [c for c in converted if c["_"]["key"] not in LEFT_OUT]

    # Group rows that state the same requirement, keeping order of first appearance.
    by_key: dict[tuple[str, str, str, str], list[dict]] = {}
    for conv in kept:
        key = (norm(conv["level1"]), norm(conv["level2"]), norm(conv["level3"] or ""), norm(conv["content"]))
        by_key.setdefault(key, []).append(conv)
    groups = list(by_key.values())
    ids, retired = assign_ids(did, groups, entry)

    items = []
    keys_of: dict[str, list[str]] = {}
    for item_id, members in zip(ids, groups):
        merged = merge_group(members)
        merged["id"] = item_id
        items.append(serialize_item(merged))
        keys_of[item_id] = merged["_keys"]

    in26 = domain["in_national_26"]
    group = "national" if in26 else GROUPS[did]
    issuer = domain["guideline_issuer"]
    if issuer in (None, "", "local"):
        issuer = None  # "local" is a placeholder in the reference, not an issuer
    note = {"national": NOTE_NATIONAL, "city": NOTE_CITY, "local": NOTE_LOCAL}[group]
    if group == "national" and did in ISSUER_INFERRED and issuer and "推断" not in issuer:
        note += NOTE_ISSUER_INFERRED
    sources: list[str] = []
    for _, part in parts:
        for url in part["source_urls"]:
            if url not in sources:
                sources.append(url)

    # A catalogue whose items changed gets the new version.
    version = previous["version"] if previous else NEW_VERSION
    if previous is None or previous["items"] != items:
        version = NEW_VERSION

    cat = {
        "format": "zwgk-checklist",
        "format_version": 1,
        "id": did,
        "name": NAMES.get(did) or strip_parenthetical(domain["name_zh"]),
    }
    if ALIASES.get(did):
        cat["aliases"] = ALIASES[did]
    cat["group"] = group
    if group == "national":
        cat["order"] = order[did]
    cat["version"] = version
    if issuer:
        cat["issuer"] = issuer
    if did in GUIDELINE_ITEMS:
        cat["guideline_items"] = GUIDELINE_ITEMS[did]
    if sources:
        cat["sources"] = sources
    cat["sample"] = True
    cat["note"] = note
    cat["items"] = items

    # Every reference row accounted for exactly once.
    accounted = sorted([k for ks in keys_of.values() for k in ks] + [c["_"]["key"] for c in left_out])
    assert accounted == sorted(c["_"]["key"] for c in converted), did
    assert sum(len(it.get("sources", [])) for it in items) == len(kept), did

    stats = {
        "rows": len(converted),
        "items": len(items),
        "merged": len(kept) - len(items),
        "left_out": [c["_"]["key"] for c in left_out],
        "keys_of": keys_of,
        "retired": retired,
        "converted": converted,
    }
    return cat, stats


# ---------------------------------------------------------------------------
# Fingerprints and the ledger
# ---------------------------------------------------------------------------

# char::is_whitespace in Rust (the Unicode White_Space property), which `str.strip()` does not
# match exactly (it also strips U+001C..U+001F).
RUST_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + \
    "\u2028\u2029\u202f\u205f\u3000"


def rust_trim(text: str) -> str:
    return text.strip(RUST_WHITESPACE)


def fingerprint(item: dict) -> str:
    """`Item::fingerprint` of src/model/catalogue.rs, for an item as written to a file."""
    h = hashlib.sha256()

    def field(name: str, value: str) -> None:
        data = rust_trim(value).encode("utf-8")
        h.update(name.encode("utf-8"))
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)

    field("level1", item["level1"])
    field("level2", item["level2"])
    field("level3", item.get("level3") or "")
    field("content", item.get("content", ""))
    for e in item.get("elements", []):
        field("element!" if e["mandatory"] else "element?", e["text"])
    for b in item.get("basis", []):
        field("basis", b)
    field("time_limit", item.get("time_limit", ""))
    field("publisher", item.get("publisher", ""))
    for c in item.get("channels", []):
        field("channel!" if c["required"] else "channel?", c["name"])
    for a in item.get("audience", []):
        field("audience", a)
    field("audience_group", item.get("audience_group") or "")
    for m in item.get("method", []):
        field("method", m)
    for t in item.get("tiers", []):
        field("tier", t)
    return h.hexdigest()


LEDGER = ROOT / "tools" / "catalogue-ledger.json"
LEDGER_ABOUT = (
    "Written by tools/build_checklists.py. For each shipped catalogue: its versions, and for each "
    "item id the reference rows it holds (file#domain/index, 0-based; the row the item follows "
    "first) and its fingerprint in each version, why it changed, and when and why an id was "
    "retired (a retired id is never used again). Also the number of rows of each reference file "
    "and the rows left out. It keeps ids with their rows from one generation to the next, and "
    "tests/checklists.rs checks the shipped files against it."
)


def update_ledger(did: str, entry: dict | None, cat: dict, stats: dict) -> dict:
    version = cat["version"]
    entry = entry or {"versions": [], "items": {}}
    versions = entry["versions"]
    if not versions or versions[-1] != version:
        versions.append(version)
    base = versions[-2] if len(versions) >= 2 else None
    for item in cat["items"]:
        item_id = item["id"]
        rec = entry["items"].setdefault(item_id, {"rows": [], "fingerprints": {}})
        rec["rows"] = stats["keys_of"][item_id]
        fp = fingerprint(item)
        rec["fingerprints"][version] = fp
        if base and base in rec["fingerprints"] and rec["fingerprints"][base] != fp:
            reason = FINGERPRINT_CHANGES.get((did, item_id))
            if reason is None:
                raise SystemExit(f"{did} item {item_id}: the fingerprint changed and FINGERPRINT_CHANGES does not say why")
            rec.setdefault("changes", {})[version] = reason
        elif (did, item_id) in FINGERPRINT_CHANGES and version == NEW_VERSION:
            raise SystemExit(f"{did} item {item_id}: listed in FINGERPRINT_CHANGES but unchanged")
    for item_id, into in stats["retired"].items():
        reason = RETIREMENTS.get((did, item_id))
        if reason is None:
            raise SystemExit(f"{did} item {item_id} would be retired; RETIREMENTS does not say why")
        rec = entry["items"][item_id]
        rec["rows"] = []
        rec["retired"] = {"in": version, "merged_into": into, "reason": reason}
    entry["items"] = dict(sorted(entry["items"].items(), key=lambda kv: id_number(kv[0])))
    return entry


def accounted_markdown(reference: dict[str, list[dict]], cats: dict[str, dict], all_stats: dict[str, dict],
                       ledger: dict) -> str:
    total = sum(ledger["reference_rows"].values())
    files = ", ".join(f"`{f}` ({n} rows)" for f, n in ledger["reference_rows"].items())
    out = [
        "# What became of every reference row",
        "",
        "Written by `tools/build_checklists.py`; do not edit. The reference: " + files
        + f", {total} rows in all. Each row became an item of its own, was merged into another "
        "row's item (the same 一级/二级/三级事项 and 公开内容, ignoring spaces, punctuation and ●/〇 "
        "marks; the item lists every source), or was left out for the reason given.",
        "",
        "## Per catalogue",
        "",
        "| catalogue | version | items before | rows | items | merged | left out |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    sums = [0, 0, 0, 0, 0]
    for did, cat in cats.items():
        st = all_stats[did]
        entry = ledger["catalogues"][did]
        versions = entry["versions"]
        before_version = versions[-2] if len(versions) >= 2 else versions[-1]
        before = sum(1 for rec in entry["items"].values() if before_version in rec["fingerprints"])
        row = [before, st["rows"], st["items"], st["merged"], len(st["left_out"])]
        sums = [a + b for a, b in zip(sums, row)]
        out.append(f"| `{did}` {cat['name']} | {cat['version']} | " + " | ".join(str(x) for x in row) + " |")
    out.append("| **total** | | " + " | ".join(f"**{x}**" for x in sums) + " |")
    out += ["", "## Every row", ""]
    for did, cat in cats.items():
        st = all_stats[did]
        item_of = {k: i for i, ks in st["keys_of"].items() for k in ks}
        first_of = {ks[0]: i for i, ks in st["keys_of"].items()}
        out += [f"### {cat['name']} (`{did}`)", "", "| row | 一级事项 / 二级事项 (as in the reference) | became |", "|---|---|---|"]
        for conv in st["converted"]:
            key = conv["_"]["key"]
            row = conv["_"]["row"]
            name = f"{row['level1']} / {row['level2']}".replace("|", "\\|")
            if key in LEFT_OUT:
                became = "left out: " + LEFT_OUT[key]
            elif key in first_of:
                n = len(st["keys_of"][first_of[key]])
                became = f"item {first_of[key]}" + (
                    f" (the row it follows; {n - 1} more row{'s' if n > 2 else ''} merged into it)" if n > 1 else "")
            else:
                became = f"merged into item {item_of[key]}"
            out.append(f"| `{key.split('#')[0]}` #{key.split('/')[-1]} | {name} | {became} |")
        out.append("")
    retired = [(did, i, rec["retired"]) for did, e in ledger["catalogues"].items()
               for i, rec in e["items"].items() if "retired" in rec]
    if retired:
        out += ["## Retired item ids", "", "| catalogue | id | retired in | reason |", "|---|---|---|---|"]
        for did, i, r in retired:
            out.append(f"| `{did}` | {i} | {r['in']} | {r['reason']} |")
        out.append("")
    changed = [(did, i, v, why) for did, e in ledger["catalogues"].items()
               for i, rec in e["items"].items() for v, why in rec.get("changes", {}).items()]
    if changed:
        out += ["## Items whose requirement changed", "", "| catalogue | id | in | why |", "|---|---|---|---|"]
        for did, i, v, why in changed:
            out.append(f"| `{did}` | {i} | {v} | {why} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ref_dir = Path(argv[1])
    reference = {f: json.loads((ref_dir / f).read_text(encoding="utf-8")) for f in REFERENCE_FILES}
    order = official_order(ref_dir / "domain.md")
    ledger = json.loads(LEDGER.read_text(encoding="utf-8"))
    ledger["about"] = LEDGER_ABOUT
    ledger["reference_rows"] = {f: sum(len(d["items"]) for d in doms) for f, doms in reference.items()}

    # Domains in the order of the first file; rows of every file, file by file.
    parts: dict[str, list[tuple[str, dict]]] = {}
    for f, doms in reference.items():
        for d in doms:
            if f != REFERENCE_FILES[0] and d["id"] not in parts:
                raise SystemExit(f"{f}: domain {d['id']} is not in {REFERENCE_FILES[0]}")
            parts.setdefault(d["id"], []).append((f, d))

    cats: dict[str, dict] = {}
    all_stats: dict[str, dict] = {}
    for did, domain_parts in parts.items():
        path = OUT_DIR / f"{did}.json"
        previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        cat, stats = build_domain(did, domain_parts, order, ledger["catalogues"].get(did), previous)
        ledger["catalogues"][did] = update_ledger(did, ledger["catalogues"].get(did), cat, stats)
        cats[did] = cat
        all_stats[did] = stats

    # Every planned change happened.
    for (did, item_id) in FINGERPRINT_CHANGES:
        if NEW_VERSION not in ledger["catalogues"][did]["items"][item_id].get("changes", {}):
            raise SystemExit(f"{did} item {item_id}: FINGERPRINT_CHANGES lists it, but it did not change")
    for (did, item_id) in RETIREMENTS:
        if ledger["catalogues"][did]["items"][item_id].get("retired", {}).get("in") != NEW_VERSION:
            raise SystemExit(f"{did} item {item_id}: RETIREMENTS lists it, but it was not retired")
    ledger["left_out"] = {k: LEFT_OUT[k] for st in all_stats.values() for k in st["left_out"]}
    if sorted(ledger["left_out"]) != sorted(LEFT_OUT):
        raise SystemExit("LEFT_OUT names rows that are not in the reference")
    accounted = sum(len(rec["rows"]) for e in ledger["catalogues"].values() for rec in e["items"].values())
    assert accounted + len(ledger["left_out"]) == sum(ledger["reference_rows"].values())

    for did, cat in cats.items():
        text = json.dumps(cat, ensure_ascii=False, indent=2) + "\n"
        # Round trip: what was written reads back to the same object.
        assert json.loads(text) == cat
        (OUT_DIR / f"{did}.json").write_text(text, encoding="utf-8")
    LEDGER.write_text(json.dumps(ledger, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    ACCOUNTED.write_text(accounted_markdown(reference, cats, all_stats, ledger) + "\n", encoding="utf-8")

    print(f"{'id':40} {'version':11} {'rows':>4} {'items':>5} {'merged':>6} {'left out':>8}")
    totals = [0, 0, 0, 0]
    for did, cat in cats.items():
        st = all_stats[did]
        row = [st["rows"], st["items"], st["merged"], len(st["left_out"])]
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{did:40} {cat['version']:11} {row[0]:>4} {row[1]:>5} {row[2]:>6} {row[3]:>8}")
    print(f"{'total':40} {'':11} {totals[0]:>4} {totals[1]:>5} {totals[2]:>6} {totals[3]:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
