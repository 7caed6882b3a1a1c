#!/usr/bin/env python3
"""One-off generator: research reference rows -> shipped catalogue files.

This script was used once to turn the research reference
(`catalogue-rows.json`, 28 domains of real rows copied from public county and
township 标准目录) into `checklists/<id>.json` in the `zwgk-checklist` format
(see `src/model/catalogue.rs` and `checklists/README.md`). It is NOT used by
the build or by the tests; the JSON files it wrote are the source of truth and
may be edited by hand from now on.

Usage: python3 tools/build_checklists.py REFERENCE.json OUT_DIR

It also writes `tools/catalogue-ledger.json`: for every item id, the reference rows it holds
and its fingerprint (the same hash as `Item::fingerprint`), per catalogue version. The next
generation reads it to keep ids with their rows.

Python 3.11, standard library only. Output is deterministic.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

VERSION = "2026.11"

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
}
# Originals that name a place or tier; the source note keeps the original wording.
CHANNEL_KEEP_ORIGINAL_IN_NOTE = {
    "行政村公示栏",
    "乡镇公示栏",
    "乡镇便民服务中心/村委会公示栏",
    "街道文化站/(社区)综合性文化服务中心公示栏",
    "社会保障和为民服务中心公开查阅点",
    "单位/村委会公示栏(电子屏)",
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
}
# Free-text channels that are neither canonical nor a platform: written as 其他:X.
CHANNEL_OTHER = {"办事窗口", "会议", "党群服务中心"}

# A researcher's marker at the end of a value: (截断) (推断) (截断,推断) (列存在) (均打勾) …
MARKER_RE = re.compile(r"[((]([^()()]*(?:截断|推断|列存在|均打勾)[^()()]*)[))]\s*$")


def split_marker(text: str) -> tuple[str, str | None]:
    m = MARKER_RE.search(text)
    if not m:
        return text, None
    return text[: m.start()].rstrip(), m.group(1)


def normalize_channels(raw: list[str], remarks: list[str]) -> list[dict]:
    names: list[str] = []
    for original in raw:
        name, marker = split_marker(original.strip())
        if marker:
            remarks.append(f"公开渠道“{name}”原文标注“{marker}”")
        if name.startswith("其他:") or name.startswith("其他:") or name == "其他":
            name = name.replace("其他:", "其他:", 1)
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

def parse_audience(raw: str | None, remarks: list[str]) -> tuple[list[str], str | None]:
    if raw is None:
        return [], None
    text, marker = split_marker(raw.strip())
    if marker:
        remarks.append(f"公开对象为推断(原值“{raw}”)")
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


def parse_method(raw: str | None, remarks: list[str]) -> list[str]:
    if raw is None:
        return []
    text, marker = split_marker(raw.strip())
    if marker and "推断" in marker:
        remarks.append(f"公开方式为推断(原值“{raw}”)")
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


def parse_tiers(raw: str | None, remarks: list[str]) -> list[str]:
    if raw is None:
        return []
    text, marker = split_marker(raw.strip())
    if marker:
        remarks.append(f"公开层级为推断(原值“{raw}”)")
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


def convert_row(row: dict, prev_row: dict | None, prev_conv: dict | None) -> dict:
    """One reference row -> one item (without id), plus bookkeeping under '_'."""
    remarks: list[str] = []
    same_source = prev_row is not None and prev_row["source_url"] == row["source_url"]

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
        else:
            time_limit = ""
            remarks.append("公开时限原文为“同上”,所指上一行未摘录,时限未显示")

    # 公开依据
    basis = list(row["basis"])
    if basis == ["同上"]:
        prev_basis = prev_conv["basis"] if (same_source and prev_conv) else []
        if prev_basis:
            basis = list(prev_basis)
            remarks.append("公开依据同上一行")
        else:
            basis = []
            remarks.append("公开依据原文为“同上”,所指上一行未摘录")

    # 事项名称
    level1 = row["level1"].strip()
    level2 = row["level2"].strip()
    m = re.fullmatch(r"(.+?)[((]一级[))]", level1)
    if m and not level2:
        level1 = m.group(1)
        level2 = "—"
        remarks.append("原表该行只有一级事项,无二级事项(二级事项记为“—”)")
    if not level2:
        raise SystemExit(f"empty level2: {row!r}")

    channels = normalize_channels(row["channels"], remarks)
    audience, group = parse_audience(row["audience"], remarks)
    method = parse_method(row["method"], remarks)
    tiers = parse_tiers(row["tier"], remarks)

    item = {
        "level1": level1,
        "level2": level2,
        "content": row["content"],
        "elements": parse_elements(row["content"]),
        "basis": basis,
        "time_limit": time_limit,
        "publisher": row["subject"] or "",
        "channels": channels,
        "audience": audience,
        "audience_group": group,
        "method": method,
        "tiers": tiers,
    }
    item["_"] = {
        "row": row,
        "remarks": remarks,
        "preferred_host": (not row["source_is_mirror"]) and is_gov_cn(row["source_url"]),
        "filled": [],
    }
    return item


PUNCT_CATEGORIES = ("P", "Z", "C")


def norm(text: str) -> str:
    """Text for comparing rows: NFKC, no whitespace, no punctuation."""
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
]

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
    donors: dict[int, list[str]] = {}
    for field, empty, label in FILLABLE:
        if not empty(merged):
            continue
        for i in ranked[1:]:
            if not empty(items[i]):
                merged[field] = items[i][field]
                if field == "audience":
                    merged["audience_group"] = items[i]["audience_group"]
                donors.setdefault(i, []).append(label)
                break
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
    merged["_ref_indexes"] = [it["_"]["index"] for it in (items[i] for i in order)]
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
              "publisher", "channels", "audience", "audience_group", "method", "tiers", "extra",
              "sources"]
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


def build_domain(domain: dict) -> tuple[dict, dict]:
    did = domain["id"]
    rows = domain["items"]
    converted: list[dict] = []
    prev_row = prev_conv = None
    for index, row in enumerate(rows):
        conv = convert_row(row, prev_row, prev_conv)
        conv["_"]["index"] = index
        converted.append(conv)
        prev_row, prev_conv = row, conv

    # Group rows that state the same requirement, keeping order of first appearance.
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for conv in converted:
        key = (norm(conv["level1"]), norm(conv["level2"]), norm(conv["content"]))
        groups.setdefault(key, []).append(conv)

    items = []
    merges = []
    rows_of: dict[str, list[int]] = {}
    for n, members in enumerate(groups.values(), start=1):
        merged = merge_group(members)
        merged["id"] = f"{n:02d}"
        if merged["_merged_rows"] > 1:
            merges.append((merged["id"], merged["level1"], merged["level2"], merged["_ref_indexes"]))
        items.append(serialize_item(merged))
        rows_of[merged["id"]] = sorted(merged["_ref_indexes"])

    in26 = domain["in_national_26"]
    group = "national" if in26 else GROUPS[did]
    issuer = domain["guideline_issuer"]
    if issuer in (None, "", "local"):
        issuer = None  # "local" is a placeholder in the reference, not an issuer
    note = {"national": NOTE_NATIONAL, "city": NOTE_CITY, "local": NOTE_LOCAL}[group]
    if group == "national" and did in ISSUER_INFERRED and issuer and "推断" not in issuer:
        note += NOTE_ISSUER_INFERRED

    cat = {
        "format": "zwgk-checklist",
        "format_version": 1,
        "id": did,
        "name": NAMES.get(did) or strip_parenthetical(domain["name_zh"]),
    }
    if ALIASES.get(did):
        cat["aliases"] = ALIASES[did]
    cat["group"] = group
    cat["version"] = VERSION
    if issuer:
        cat["issuer"] = issuer
    if domain["source_urls"]:
        cat["sources"] = list(domain["source_urls"])
    cat["sample"] = True
    cat["note"] = note
    cat["items"] = items

    # Every reference row accounted for exactly once.
    accounted = sorted(idx for members in groups.values() for idx in (m["_"]["index"] for m in members))
    assert accounted == list(range(len(rows))), did
    assert sum(len(it.get("sources", [])) for it in items) == len(rows), did

    stats = {"rows": len(rows), "items": len(items), "merged": len(rows) - len(items), "merges": merges,
             "rows_of": rows_of}
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


LEDGER = Path(__file__).resolve().parent / "catalogue-ledger.json"
LEDGER_ABOUT = (
    "Written by tools/build_checklists.py. For each shipped catalogue: its versions, and for each "
    "item id the reference rows it holds (file#domain/index, 0-based) and its fingerprint in "
    "each version. It keeps ids with their rows from one generation to the next, and "
    "tests/checklists.rs checks the shipped files against it."
)


def ledger_entry(cat: dict, rows_of: dict[str, list[int]], ref_file: str) -> dict:
    return {
        "versions": [cat["version"]],
        "items": {
            item["id"]: {
                "rows": [f"{ref_file}#{cat['id']}/{i}" for i in rows_of[item["id"]]],
                "fingerprints": {cat["version"]: fingerprint(item)},
            }
            for item in cat["items"]
        },
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    reference = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out_dir = Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    total_rows = total_items = 0
    ledger = {"about": LEDGER_ABOUT, "reference_rows": {}, "catalogues": {}}
    ref_file = Path(argv[1]).name
    ledger["reference_rows"][ref_file] = sum(len(d["items"]) for d in reference)
    print(f"{'id':40} {'group':8} {'rows':>4} {'items':>5} {'merged':>6}")
    for domain in reference:
        cat, stats = build_domain(domain)
        text = json.dumps(cat, ensure_ascii=False, indent=2) + "\n"
        # Round trip: what was written reads back to the same object.
        assert json.loads(text) == cat
        (out_dir / f"{cat['id']}.json").write_text(text, encoding="utf-8")
        ledger["catalogues"][cat["id"]] = ledger_entry(cat, stats["rows_of"], ref_file)
        total_rows += stats["rows"]
        total_items += stats["items"]
        print(f"{cat['id']:40} {cat['group']:8} {stats['rows']:>4} {stats['items']:>5} {stats['merged']:>6}")
        for item_id, l1, l2, idx in stats["merges"]:
            print(f"    item {item_id} {l1} / {l2}: reference rows {idx} (0-based; the first listed is the preferred row)")
    print(f"{'total':40} {'':8} {total_rows:>4} {total_items:>5} {total_rows - total_items:>6}")
    LEDGER.write_text(json.dumps(ledger, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
