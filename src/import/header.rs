//! Finding the header row(s) of a catalogue table and what each column holds.
//!
//! A header row is a row with at least three known column names, one of them 序号, 公开事项,
//! 一级/二级事项 or 公开内容. The row below it is a second header row when it names the parts
//! of merged group headers (公开事项 → 一级事项/二级事项, 公开对象 → 全社会/特定群体, 公开方式 →
//! 主动/依申请, 公开层级 → 县级/乡级, 公开渠道和载体 → one column per channel) and holds no data.

use crate::model::catalogue::Tier;

use super::mark::{known_channel, norm_label, one_line, tiers_of_label};
use super::table::Table;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// 序号: not imported (item ids never come from row numbers).
    Seq,
    Level1,
    Level2,
    Level3,
    Content,
    Basis,
    TimeLimit,
    Publisher,
    /// One text column listing the channels.
    ChannelText,
    /// One checkbox column of a channel.
    ChannelBox(String),
    AudiencePublic,
    AudienceSpecific,
    /// 公开对象 as text (全社会 / 特定群体:申请人).
    AudienceText,
    MethodProactive,
    MethodOnRequest,
    /// 公开方式 as text (主动 / 依申请).
    MethodText,
    /// A checkbox column of one or more tiers (乡、村级 is two).
    Tiers(Vec<Tier>),
    /// 公开层级 as text (县级、乡级).
    TierText,
    /// A column with no field: kept in `extra` under this name.
    Extra(String),
    /// A column without a header; its values are kept in `extra` under the column's letter.
    Unlabeled,
}

/// A column of the table and its meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// 0-based column index.
    pub index: usize,
    /// The header text, "group/part" for two-row headers.
    pub label: String,
    pub field: Field,
}

/// The header of a table block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// 0-based row of the (first) header row.
    pub row: usize,
    /// 1 or 2 header rows.
    pub height: usize,
    pub columns: Vec<Column>,
}

impl Header {
    /// The header texts, to recognise a header repeated on every printed page.
    pub fn labels(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.label.as_str()).collect()
    }

    /// True when some column has this field.
    pub fn has(&self, f: impl Fn(&Field) -> bool) -> bool {
        self.columns.iter().any(|c| f(&c.field))
    }
}

/// What a header label names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Seq,
    ItemsGroup,
    Level1,
    Level2,
    Level3,
    Content,
    Basis,
    TimeLimit,
    Publisher,
    ChannelsGroup,
    AudienceGroup,
    MethodGroup,
    TierGroup,
    AudiencePublic,
    AudienceSpecific,
    MethodProactive,
    MethodOnRequest,
    Tiers(Vec<Tier>),
    Channel(String),
}

impl Kind {
    fn is_group(&self) -> bool {
        matches!(
            self,
            Kind::ItemsGroup
                | Kind::ChannelsGroup
                | Kind::AudienceGroup
                | Kind::MethodGroup
                | Kind::TierGroup
        )
    }

    /// Names the table's key columns (a header has one of them).
    fn is_anchor(&self) -> bool {
        matches!(
            self,
            Kind::Seq | Kind::ItemsGroup | Kind::Level1 | Kind::Level2 | Kind::Content
        )
    }

    /// The field of a column headed by this label alone.
    fn field(&self) -> Field {
        match self {
            Kind::Seq => Field::Seq,
            Kind::ItemsGroup | Kind::Level2 => Field::Level2,
            Kind::Level1 => Field::Level1,
            Kind::Level3 => Field::Level3,
            Kind::Content => Field::Content,
            Kind::Basis => Field::Basis,
            Kind::TimeLimit => Field::TimeLimit,
            Kind::Publisher => Field::Publisher,
            Kind::ChannelsGroup => Field::ChannelText,
            Kind::AudienceGroup => Field::AudienceText,
            Kind::MethodGroup => Field::MethodText,
            Kind::TierGroup => Field::TierText,
            Kind::AudiencePublic => Field::AudiencePublic,
            Kind::AudienceSpecific => Field::AudienceSpecific,
            Kind::MethodProactive => Field::MethodProactive,
            Kind::MethodOnRequest => Field::MethodOnRequest,
            Kind::Tiers(t) => Field::Tiers(t.clone()),
            Kind::Channel(c) => Field::ChannelBox(c.clone()),
        }
    }
}

/// What a header label names, if it is a known column name.
fn classify(label: &str) -> Option<Kind> {
    let l = norm_label(label);
    let starts = |p: &str| l.starts_with(p);
    let is = |p: &str| l == p;
    let kind = if is("序号") || is("序") || is("编号") || is("No.") {
        Kind::Seq
    } else if starts("一级") {
        Kind::Level1
    } else if starts("二级") || is("事项名称") || is("公开事项名称") {
        Kind::Level2
    } else if starts("三级") {
        Kind::Level3
    } else if starts("公开事项") || is("事项") {
        Kind::ItemsGroup
    } else if starts("公开内容") || starts("公开要素") || is("内容") || is("要素") {
        Kind::Content
    } else if starts("公开依据") || is("依据") {
        Kind::Basis
    } else if starts("公开时限") || is("时限") {
        Kind::TimeLimit
    } else if starts("公开主体") || starts("公开责任主体") || is("主体") || is("责任主体")
    {
        Kind::Publisher
    } else if starts("公开渠道") || starts("公开载体") || starts("渠道") {
        Kind::ChannelsGroup
    } else if starts("公开对象") || is("对象") {
        Kind::AudienceGroup
    } else if starts("公开方式") || is("方式") {
        Kind::MethodGroup
    } else if starts("公开层级") || is("层级") {
        Kind::TierGroup
    } else if starts("全社会") || is("社会公众") || is("不特定对象") {
        Kind::AudiencePublic
    } else if starts("特定群") || starts("特定对象") {
        Kind::AudienceSpecific
    } else if is("主动") || is("主动公开") {
        Kind::MethodProactive
    } else if starts("依申请") {
        Kind::MethodOnRequest
    } else if let Some(t) = tiers_of_label(&l).filter(|_| l.ends_with('级')) {
        Kind::Tiers(t)
    } else if let Some(c) = known_channel(&l) {
        Kind::Channel(c.to_string())
    } else {
        return None;
    };
    Some(kind)
}

/// True when the row looks like a header row: at least three different known column
/// names (channel names do not count), one of them a key column.
pub fn is_header_row(table: &Table, row: usize) -> bool {
    let mut kinds: Vec<Kind> = Vec::new();
    for col in 0..table.width() {
        if table.is_continuation(row, col) && !table.merged_with_above(row, col) {
            continue;
        }
        if let Some(k) = classify(table.cell(row, col))
            && !matches!(k, Kind::Channel(_))
            && !kinds.contains(&k)
        {
            kinds.push(k);
        }
    }
    kinds.len() >= 3 && kinds.iter().any(Kind::is_anchor)
}

/// Reads the header starting at `row` (which [`is_header_row`]), with the row below when it
/// is a second header row.
pub fn read_header(table: &Table, row: usize) -> Header {
    let width = table.width();
    // The group each column belongs to in the first row: its own label, or, for blank cells
    // right of a group label (CSV has no merged cells), that group.
    let mut tops: Vec<(String, Option<Kind>)> = Vec::with_capacity(width);
    for col in 0..width {
        let text = one_line(table.cell(row, col));
        if text.is_empty() {
            let inherited = tops
                .last()
                .filter(|(_, k)| k.as_ref().is_some_and(Kind::is_group))
                .cloned();
            tops.push(inherited.unwrap_or_default());
        } else {
            let kind = classify(&text);
            tops.push((text, kind));
        }
    }
    let sub_row = row + 1;
    let two_rows = sub_row < table.height() && is_sub_header(table, row, &tops);
    let mut columns = Vec::with_capacity(width);
    let mut levels_used: Vec<Field> = Vec::new();
    for (col, (top, top_kind)) in tops.iter().enumerate() {
        let sub = if two_rows && !table.merged_with_above(sub_row, col) {
            one_line(table.cell(sub_row, col))
        } else {
            String::new()
        };
        let (label, field) = if !sub.is_empty() && &sub != top {
            let label = if top.is_empty() {
                sub.clone()
            } else {
                format!("{top}/{sub}")
            };
            (label, sub_field(top_kind.as_ref(), &sub, &levels_used))
        } else if top.is_empty() {
            (String::new(), Field::Unlabeled)
        } else {
            let field = top_kind
                .as_ref()
                .map_or_else(|| Field::Extra(top.clone()), Kind::field);
            (top.clone(), field)
        };
        if matches!(field, Field::Level1 | Field::Level2 | Field::Level3) {
            levels_used.push(field.clone());
        }
        columns.push(Column {
            index: col,
            label,
            field,
        });
    }
    dedupe_extra(&mut columns);
    Header {
        row,
        height: if two_rows { 2 } else { 1 },
        columns,
    }
}

/// The field of a column named by a second-row label under a group.
fn sub_field(group: Option<&Kind>, sub: &str, levels_used: &[Field]) -> Field {
    let own = classify(sub);
    match group {
        Some(Kind::ItemsGroup) => match own {
            Some(Kind::Level1) => Field::Level1,
            Some(Kind::Level2 | Kind::ItemsGroup) => Field::Level2,
            Some(Kind::Level3) => Field::Level3,
            // Unnamed parts of 公开事项 are its levels, in order.
            _ => [Field::Level1, Field::Level2, Field::Level3]
                .into_iter()
                .find(|f| !levels_used.contains(f))
                .unwrap_or_else(|| Field::Extra(sub.to_string())),
        },
        Some(Kind::ChannelsGroup) => {
            let name = super::mark::channel_name(sub);
            let name = if name.starts_with("其他") {
                "其他".to_string()
            } else {
                name
            };
            Field::ChannelBox(name)
        }
        Some(Kind::AudienceGroup) => match own {
            Some(Kind::AudiencePublic) => Field::AudiencePublic,
            Some(Kind::AudienceSpecific) => Field::AudienceSpecific,
            _ => Field::Extra(sub.to_string()),
        },
        Some(Kind::MethodGroup) => match own {
            Some(Kind::MethodProactive) => Field::MethodProactive,
            Some(Kind::MethodOnRequest) => Field::MethodOnRequest,
            _ => Field::Extra(sub.to_string()),
        },
        Some(Kind::TierGroup) => match tiers_of_label(sub) {
            Some(t) => Field::Tiers(t),
            None => Field::Extra(sub.to_string()),
        },
        _ => own.map_or_else(|| Field::Extra(sub.to_string()), |k| k.field()),
    }
}

/// True when the row under the header names the parts of group headers and holds no data.
fn is_sub_header(table: &Table, row: usize, tops: &[(String, Option<Kind>)]) -> bool {
    let sub_row = row + 1;
    let mut named_parts = 0;
    for (col, (top, top_kind)) in tops.iter().enumerate() {
        if table.merged_with_above(sub_row, col) {
            continue;
        }
        let sub = one_line(table.cell(sub_row, col));
        if sub.is_empty() {
            continue;
        }
        let group = top_kind.as_ref().is_some_and(Kind::is_group)
            || (table.merged_across(row, col) && !top.is_empty());
        let known = classify(&sub);
        if group || top.is_empty() {
            let part = match top_kind {
                // A channel name, not a tick.
                Some(Kind::ChannelsGroup) => !super::mark::check(&sub).text.is_empty(),
                _ => known.is_some(),
            };
            if part {
                named_parts += 1;
            } else if !group {
                return false;
            }
        } else if &sub != top {
            // Text under a plain column: that is data.
            return false;
        }
    }
    named_parts > 0
}

/// Two extra columns with the same name get "(2)", "(3)" … so no value is lost.
fn dedupe_extra(columns: &mut [Column]) {
    let mut seen: Vec<String> = Vec::new();
    for c in columns.iter_mut() {
        if let Field::Extra(name) = &mut c.field {
            let base = name.clone();
            let mut n = 1;
            while seen.contains(name) {
                n += 1;
                *name = format!("{base}({n})");
            }
            seen.push(name.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::table::{Place, Region};

    fn table(rows: &[&[&str]], regions: Vec<Region>) -> Table {
        Table::new(
            Place::Csv,
            rows.iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            regions,
        )
    }

    #[test]
    fn two_row_header_without_merges() {
        let t = table(
            &[
                &[
                    "序号",
                    "公开事项",
                    "",
                    "公开内容",
                    "公开对象",
                    "",
                    "公开层级",
                    "",
                    "咨询电话",
                ],
                &[
                    "",
                    "一级事项",
                    "二级事项",
                    "",
                    "全社会",
                    "特定群体",
                    "县级",
                    "乡级",
                    "",
                ],
                &["1", "a", "b", "c", "√", "", "√", "", "123"],
            ],
            vec![],
        );
        assert!(is_header_row(&t, 0));
        assert!(!is_header_row(&t, 2));
        let h = read_header(&t, 0);
        assert_eq!(h.height, 2);
        let fields: Vec<Field> = h.columns.iter().map(|c| c.field.clone()).collect();
        assert_eq!(
            fields,
            vec![
                Field::Seq,
                Field::Level1,
                Field::Level2,
                Field::Content,
                Field::AudiencePublic,
                Field::AudienceSpecific,
                Field::Tiers(vec![Tier::County]),
                Field::Tiers(vec![Tier::Township]),
                Field::Extra("咨询电话".into()),
            ]
        );
    }

    #[test]
    fn one_row_header_is_not_taken_for_two() {
        let t = table(
            &[
                &["序号", "一级事项", "二级事项", "公开内容", "公开渠道和载体"],
                &["1", "就业", "政策", "内容", "政府网站"],
            ],
            vec![],
        );
        let h = read_header(&t, 0);
        assert_eq!(h.height, 1);
        assert_eq!(h.columns[4].field, Field::ChannelText);
    }
}
