//! Splitting a table into blocks (one catalogue each) and reading their rows into items.
//!
//! A block is a header with the rows under it, up to the title of the next block. Several
//! titled blocks may share one sheet ("XX领域基层政务公开标准目录", header, rows, next title …).
//! A header repeated under the same layout without a title (Word repeats it on every page) is
//! skipped, not a new block.

use std::collections::BTreeMap;

use crate::model::catalogue::{Audience, Item, Method, Tier};

use super::header::{Field, Header, is_header_row, read_header};
use super::mark::{
    basis_list, channel_list, channel_name, check, clean, elements, group_name, one_line,
    push_channel, strip_numbering, tiers_in_text,
};
use super::table::{Table, column_letter};

/// A catalogue table inside a [`Table`].
#[derive(Debug, Clone)]
pub struct Block {
    /// The title row above the header (0-based) and its text.
    pub title: Option<(usize, String)>,
    pub header: Header,
    /// Rows after the header (0-based, exclusive end).
    pub end: usize,
    /// Rows that repeat the header.
    pub repeated_headers: Vec<usize>,
}

/// Why a row did not become an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Every cell blank (or only repeating a merged cell from above).
    Blank,
    /// One text across the row: a section heading or a note, e.g. "二、就业失业登记".
    Separator(String),
    /// Text, but no 二级事项, 三级事项 or 公开内容 (a row naming only a 一级事项 sets it for
    /// the rows below).
    NoItem,
    /// The header again.
    RepeatedHeader,
}

/// The rows of a block, read.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// (0-based row, item without id) in table order.
    pub items: Vec<(usize, Item)>,
    /// (0-based row, reason).
    pub skipped: Vec<(usize, Skip)>,
}

/// The blocks of a table, in order. Empty when no header row is found.
pub fn find_blocks(table: &Table) -> Vec<Block> {
    let mut headers: Vec<Header> = Vec::new();
    let mut row = 0;
    while row < table.height() {
        if is_header_row(table, row) {
            let h = read_header(table, row);
            row += h.height;
            headers.push(h);
        } else {
            row += 1;
        }
    }
    let mut blocks: Vec<Block> = Vec::new();
    for header in headers {
        let lower = blocks.last().map_or(0, |b| b.header.row + b.header.height);
        let preamble = preamble_start(table, header.row, lower);
        let title = title_in(table, preamble, header.row);
        if let Some(last) = blocks.last_mut()
            && title.is_none()
            && last.header.labels() == header.labels()
        {
            last.repeated_headers
                .extend(header.row..header.row + header.height);
            continue;
        }
        if let Some(last) = blocks.last_mut() {
            last.end = preamble;
        }
        blocks.push(Block {
            title,
            header,
            end: table.height(),
            repeated_headers: Vec::new(),
        });
    }
    blocks
}

/// The first row of the title and note rows right above a header: blank rows and rows of a
/// single text, going up from the header but not above `lower`.
fn preamble_start(table: &Table, header_row: usize, lower: usize) -> usize {
    let mut start = header_row;
    while start > lower {
        let r = start - 1;
        if table.row_is_blank(r) || table.distinct_texts(r).len() == 1 {
            start = r;
        } else {
            break;
        }
    }
    if lower == 0 { 0 } else { start }
}

/// The title among the rows `from..to`: the first single-text row that reads like a catalogue
/// title (…目录, …领域, …清单), else the first that is not a note (说明, 注, 填报单位 …).
fn title_in(table: &Table, from: usize, to: usize) -> Option<(usize, String)> {
    let rows: Vec<(usize, String)> = (from..to)
        .filter_map(|r| {
            let texts = table.distinct_texts(r);
            (texts.len() == 1).then(|| (r, one_line(texts[0])))
        })
        .collect();
    let titled = rows
        .iter()
        .find(|(_, t)| t.contains("目录") || t.contains("领域") || t.contains("清单"));
    let note = |t: &str| {
        [
            "说明", "注", "备注", "填报", "单位", "制表", "■", "□", "●", "〇",
        ]
        .iter()
        .any(|p| t.starts_with(p))
    };
    titled
        .or_else(|| rows.iter().find(|(_, t)| !note(t)))
        .cloned()
}

/// Reads the rows of a block into items (without ids).
pub fn read_rows(table: &Table, block: &Block) -> Rows {
    let header = &block.header;
    let mut out = Rows::default();
    let has_level3 = header.has(|f| *f == Field::Level3);
    let mut last_level1 = String::new();
    let mut last_level2 = String::new();
    let key_field = |f: &Field| matches!(f, Field::Level2 | Field::Level3 | Field::Content);
    for row in header.row + header.height..block.end {
        if block.repeated_headers.contains(&row) {
            out.skipped.push((row, Skip::RepeatedHeader));
            continue;
        }
        // Blank, or only repeating merged cells from above.
        let own: Vec<usize> = (0..table.width())
            .filter(|&c| !table.cell(row, c).trim().is_empty() && !table.merged_with_above(row, c))
            .collect();
        if own.is_empty() {
            out.skipped.push((row, Skip::Blank));
            continue;
        }
        let texts = table.distinct_texts(row);
        let nonblank = (0..table.width())
            .filter(|&c| !table.cell(row, c).trim().is_empty())
            .count();
        let only_key_cell = nonblank == 1
            && header
                .columns
                .iter()
                .any(|col| !table.cell(row, col.index).trim().is_empty() && key_field(&col.field));
        if texts.len() == 1 && !only_key_cell {
            let text = one_line(texts[0]);
            let heading = strip_numbering(&text).to_string();
            // A section heading names the 一级事项 of the rows below that leave it blank.
            last_level1 = heading;
            last_level2.clear();
            out.skipped.push((row, Skip::Separator(text)));
            continue;
        }
        let mut item = read_item(table, header, row);
        if item.level2.is_empty()
            && item.level3.is_none()
            && item.content.is_empty()
            && item.elements.is_empty()
        {
            if !item.level1.is_empty() {
                last_level1 = item.level1.clone();
                last_level2.clear();
            }
            out.skipped.push((row, Skip::NoItem));
            continue;
        }
        // Fill down blank 一级事项 (and 二级事项 under a 三级事项 column).
        if item.level1.is_empty() {
            item.level1 = last_level1.clone();
        } else if item.level1 != last_level1 {
            last_level2.clear();
        }
        if item.level2.is_empty() && (has_level3 || !last_level2.is_empty()) {
            item.level2 = last_level2.clone();
        }
        last_level1 = item.level1.clone();
        last_level2 = item.level2.clone();
        out.items.push((row, item));
    }
    out
}

fn read_item(table: &Table, header: &Header, row: usize) -> Item {
    let mut item = Item {
        id: String::new(),
        level1: String::new(),
        level2: String::new(),
        level3: None,
        content: String::new(),
        elements: Vec::new(),
        basis: Vec::new(),
        time_limit: String::new(),
        publisher: String::new(),
        channels: Vec::new(),
        audience: Vec::new(),
        audience_group: None,
        method: Vec::new(),
        tiers: Vec::new(),
        truncated: Vec::new(),
        inferred: Vec::new(),
        extra: BTreeMap::new(),
        sources: Vec::new(),
    };
    let join = |into: &mut String, text: String| {
        if text.is_empty() {
            return;
        }
        if !into.is_empty() {
            into.push('\n');
        }
        into.push_str(&text);
    };
    for col in &header.columns {
        let cell = table.cell(row, col.index);
        if cell.trim().is_empty() {
            continue;
        }
        match &col.field {
            Field::Seq => {}
            Field::Level1 => join(&mut item.level1, one_line(cell)),
            Field::Level2 => join(&mut item.level2, one_line(cell)),
            Field::Level3 => {
                let text = one_line(cell);
                if !text.is_empty() {
                    item.level3 = Some(text);
                }
            }
            Field::Content => {
                let (content, els) = elements(cell);
                join(&mut item.content, content);
                item.elements.extend(els);
            }
            Field::Basis => item.basis.extend(basis_list(cell)),
            Field::TimeLimit => join(&mut item.time_limit, clean(cell)),
            Field::Publisher => join(&mut item.publisher, clean(cell)),
            Field::ChannelText => {
                for c in channel_list(cell) {
                    push_channel(&mut item.channels, c.name, c.required);
                }
            }
            Field::ChannelBox(name) => {
                let mark = check(cell);
                if !mark.set && !mark.optional {
                    continue;
                }
                let name = if name == "其他" && !mark.text.is_empty() {
                    channel_name(&format!("其他:{}", mark.text))
                } else {
                    name.clone()
                };
                push_channel(&mut item.channels, name, mark.set);
            }
            Field::AudiencePublic => {
                if check(cell).set {
                    add(&mut item.audience, Audience::Public);
                }
            }
            Field::AudienceSpecific => {
                let mark = check(cell);
                if mark.set {
                    add(&mut item.audience, Audience::SpecificGroup);
                    if let Some(g) = group_name(&mark.text) {
                        item.audience_group = Some(g);
                    }
                }
            }
            Field::AudienceText => {
                let text = one_line(cell);
                if text.contains("全社会") || text.contains("社会公众") {
                    add(&mut item.audience, Audience::Public);
                }
                let rest = text.replace("全社会", "").replace("社会公众", "");
                if text.contains("特定") || group_name(&rest).is_some() {
                    add(&mut item.audience, Audience::SpecificGroup);
                    if let Some(g) = group_name(&rest) {
                        item.audience_group = Some(g);
                    }
                }
            }
            Field::MethodProactive => {
                if check(cell).set {
                    add(&mut item.method, Method::Proactive);
                }
            }
            Field::MethodOnRequest => {
                if check(cell).set {
                    add(&mut item.method, Method::OnRequest);
                }
            }
            Field::MethodText => {
                let text = one_line(cell);
                if text.contains("主动") {
                    add(&mut item.method, Method::Proactive);
                }
                if text.contains("依申请") {
                    add(&mut item.method, Method::OnRequest);
                }
            }
            Field::Tiers(tiers) => {
                if check(cell).set {
                    for t in tiers {
                        add(&mut item.tiers, *t);
                    }
                }
            }
            Field::TierText => {
                for t in tiers_in_text(cell) {
                    add(&mut item.tiers, t);
                }
            }
            Field::Extra(name) => {
                let text = clean(cell);
                if !text.is_empty() {
                    item.extra.insert(name.clone(), text);
                }
            }
            Field::Unlabeled => {
                let text = clean(cell);
                if !text.is_empty() {
                    item.extra.insert(column_letter(col.index), text);
                }
            }
        }
    }
    item.tiers.sort_by_key(|t| tier_rank(*t));
    item.audience.sort();
    item.method.sort();
    item
}

fn add<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn tier_rank(t: Tier) -> u8 {
    match t {
        Tier::Province => 0,
        Tier::City => 1,
        Tier::County => 2,
        Tier::Township => 3,
        Tier::Village => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::table::{Place, Region};

    #[test]
    fn section_rows_name_the_level1_of_a_table_without_one() {
        let rows: Vec<Vec<String>> = [
            vec!["序号", "公开事项", "公开内容", "公开时限"],
            vec!["一、就业服务", "", "", ""],
            vec!["1", "政策咨询", "政策", "20日"],
            vec!["2", "职业介绍", "岗位", "实时"],
            vec!["二、职业培训", "", "", ""],
            vec!["3", "培训补贴", "标准", "及时"],
        ]
        .into_iter()
        .map(|r| r.into_iter().map(String::from).collect())
        .collect();
        let merges = vec![
            Region {
                top: 1,
                left: 0,
                bottom: 1,
                right: 3,
            },
            Region {
                top: 4,
                left: 0,
                bottom: 4,
                right: 3,
            },
        ];
        let t = Table::new(Place::Csv, rows, merges);
        let blocks = find_blocks(&t);
        assert_eq!(blocks.len(), 1);
        let read = read_rows(&t, &blocks[0]);
        let got: Vec<(&str, &str)> = read
            .items
            .iter()
            .map(|(_, i)| (i.level1.as_str(), i.level2.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("就业服务", "政策咨询"),
                ("就业服务", "职业介绍"),
                ("职业培训", "培训补贴")
            ]
        );
        assert_eq!(
            read.skipped,
            [
                (1, Skip::Separator("一、就业服务".into())),
                (4, Skip::Separator("二、职业培训".into()))
            ]
        );
    }
}
