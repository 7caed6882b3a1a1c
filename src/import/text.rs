//! The words of the import report, in both languages (error messages: `error.rs`).

use crate::cli::Lang;
use crate::model::catalogue::Tier;

use super::header::Field;
use super::table::Place;

/// Report words.
pub struct Words {
    pub reading: &'static str,
    pub encoding: &'static str,
    pub sheet: &'static str,
    pub word_table: &'static str,
    pub csv: &'static str,
    pub block: &'static str,
    pub title: &'static str,
    pub header: &'static str,
    pub columns: &'static str,
    pub data_rows: &'static str,
    pub imported: &'static str,
    pub skipped: &'static str,
    pub blank: &'static str,
    pub separator: &'static str,
    pub no_item: &'static str,
    pub repeated_header: &'static str,
    pub more: &'static str,
    pub catalogue: &'static str,
    pub version: &'static str,
    pub items: &'static str,
    pub ids_kept: &'static str,
    pub ids_new: &'static str,
    pub ids_retired: &'static str,
    pub bumped: &'static str,
    pub older: &'static str,
    pub unchanged: &'static str,
    pub written: &'static str,
    pub replaces: &'static str,
    pub builtin: &'static str,
    pub sep: &'static str,
    pub comma: &'static str,
    pub colon: &'static str,
}

const ZH: Words = Words {
    reading: "读取",
    encoding: "编码",
    sheet: "工作表",
    word_table: "Word 表格",
    csv: "CSV 表格",
    block: "块",
    title: "标题",
    header: "表头",
    columns: "列",
    data_rows: "数据行",
    imported: "导入",
    skipped: "跳过",
    blank: "空行",
    separator: "分隔行",
    no_item: "没有二级事项或公开内容",
    repeated_header: "重复的表头",
    more: "另有",
    catalogue: "目录",
    version: "版本",
    items: "项",
    ids_kept: "沿用编号",
    ids_new: "新编号",
    ids_retired: "停用编号",
    bumped: "已有同版本目录,版本改为",
    older: "注意:已有更新的版本,库中仍使用它:",
    unchanged: "内容与已有目录相同,版本不变",
    written: "已写入",
    replaces: "将替换已有目录",
    builtin: "内置",
    sep: ";",
    comma: ",",
    colon: ":",
};

const EN: Words = Words {
    reading: "Reading",
    encoding: "encoding",
    sheet: "sheet",
    word_table: "Word table",
    csv: "CSV table",
    block: "block",
    title: "title",
    header: "header",
    columns: "columns",
    data_rows: "data rows",
    imported: "imported",
    skipped: "skipped",
    blank: "blank",
    separator: "separator",
    no_item: "no 二级事项 or 公开内容",
    repeated_header: "repeated header",
    more: "more",
    catalogue: "catalogue",
    version: "version",
    items: "items",
    ids_kept: "ids kept",
    ids_new: "new ids",
    ids_retired: "ids retired",
    bumped: "a catalogue with this version exists; the version is now",
    older: "note: a newer version exists and stays in use:",
    unchanged: "same content as the existing catalogue; version kept",
    written: "written to",
    replaces: "replaces the catalogue",
    builtin: "built-in",
    sep: "; ",
    comma: ", ",
    colon: ": ",
};

/// The words of a language.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// "第 5 行" / "row 5"; a range when `to` differs.
pub fn rows(lang: Lang, from: usize, to: usize) -> String {
    match (lang, from == to) {
        (Lang::Zh, true) => format!("第 {from} 行"),
        (Lang::Zh, false) => format!("第 {from}–{to} 行"),
        (Lang::En, true) => format!("row {from}"),
        (Lang::En, false) => format!("rows {from}–{to}"),
    }
}

/// A count of rows: "16 行" / "16 rows".
pub fn count_rows(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{n} 行"),
        Lang::En if n == 1 => "1 row".into(),
        Lang::En => format!("{n} rows"),
    }
}

/// Where a table is: 工作表「就业」 / sheet "就业".
pub fn place(lang: Lang, p: &Place, file_name: &str) -> String {
    let w = words(lang);
    match (lang, p) {
        (Lang::Zh, Place::Sheet(s)) => format!("{}「{s}」", w.sheet),
        (Lang::En, Place::Sheet(s)) => format!("{} \"{s}\"", w.sheet),
        (Lang::Zh, Place::DocxTable(n)) => format!("{} {n}", w.word_table),
        (Lang::En, Place::DocxTable(n)) => format!("{} {n}", w.word_table),
        (_, Place::Csv) => format!("{} {file_name}", w.csv),
    }
}

/// Quotes a text: 「…」 / "…".
pub fn quote(lang: Lang, s: &str) -> String {
    match lang {
        Lang::Zh => format!("「{s}」"),
        Lang::En => format!("\"{s}\""),
    }
}

fn tier(lang: Lang, t: Tier) -> &'static str {
    match (lang, t) {
        (Lang::Zh, Tier::Province) => "省级",
        (Lang::Zh, Tier::City) => "市级",
        (Lang::Zh, Tier::County) => "县级",
        (Lang::Zh, Tier::Township) => "乡级",
        (Lang::Zh, Tier::Village) => "村级",
        (Lang::En, Tier::Province) => "province",
        (Lang::En, Tier::City) => "city",
        (Lang::En, Tier::County) => "county",
        (Lang::En, Tier::Township) => "township",
        (Lang::En, Tier::Village) => "village",
    }
}

/// What a column became.
pub fn field(lang: Lang, f: &Field) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    match f {
        Field::Seq => pick("序号(不导入)", "row number (not imported)"),
        Field::Level1 => pick("一级事项", "level1"),
        Field::Level2 => pick("二级事项", "level2"),
        Field::Level3 => pick("三级事项", "level3"),
        Field::Content => pick("公开内容(●〇 要素)", "content (●〇 elements)"),
        Field::Basis => pick("公开依据(分条)", "basis (list)"),
        Field::TimeLimit => pick("公开时限", "time_limit"),
        Field::Publisher => pick("公开主体", "publisher"),
        Field::ChannelText => pick(
            "公开渠道(文字列表,■必选 □可选)",
            "channels (text list, ■ required □ optional)",
        ),
        Field::ChannelBox(name) => {
            if zh {
                format!("公开渠道勾选列「{name}」")
            } else {
                format!("channel checkbox \"{name}\"")
            }
        }
        Field::AudiencePublic => pick("公开对象:全社会", "audience: public"),
        Field::AudienceSpecific => pick("公开对象:特定群体", "audience: specific group"),
        Field::AudienceText => pick("公开对象(文字)", "audience (text)"),
        Field::MethodProactive => pick("公开方式:主动", "method: proactive"),
        Field::MethodOnRequest => pick("公开方式:依申请", "method: on request"),
        Field::MethodText => pick("公开方式(文字)", "method (text)"),
        Field::Tiers(ts) => {
            let names: Vec<&str> = ts.iter().map(|t| tier(lang, *t)).collect();
            if zh {
                format!("公开层级:{}", names.join("、"))
            } else {
                format!("tiers: {}", names.join(" + "))
            }
        }
        Field::TierText => pick("公开层级(文字)", "tiers (text)"),
        Field::Extra(name) => {
            if zh {
                format!("附加列「{name}」")
            } else {
                format!("extra \"{name}\"")
            }
        }
        Field::Unlabeled => pick(
            "附加列(无列名,按列字母)",
            "extra (no header: by column letter)",
        ),
    }
}
