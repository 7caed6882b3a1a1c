//! Reading cell values: check marks, channel lists, content elements, 公开依据 lists, tier
//! labels, and cleaning text.
//!
//! Channel names are normalized to `CANONICAL_CHANNELS` only where the table clearly means the
//! same box: 发布会/听证会 (发布会听证会, 新闻发布会), 政务服务中心 (政府服务中心, 政务服务大厅,
//! 提供政务服务的场所), 两微一端 (政务新媒体 — the newer list's name for the same box, so that
//! old and new catalogues compare), 社区/企事业单位/村公示栏(电子屏) (any 公示栏, 公开栏 or
//! 电子屏), and similar spellings. Domain platforms (投资项目在线审批监管平台 …) keep their
//! names, and 其他 with free text becomes `其他:text`.

use crate::model::catalogue::{CANONICAL_CHANNELS, Channel, Element, Tier};
use crate::text::sanitize;

/// Marks that mean "ticked" / "mandatory".
const SET_MARKS: &[char] = &['√', '✓', '✔', '■', '●', '☑', '☒', '✅', '◆'];
/// Marks that mean "listed but optional" (or an empty box).
const OPTIONAL_MARKS: &[char] = &['□', '〇', '○', '☐', '◯', '◇'];
/// Words that mean "no".
const NO_WORDS: &[&str] = &[
    "否", "无", "×", "✗", "N", "n", "no", "NO", "-", "—", "/", "／",
];
/// Words that mean "yes".
const YES_WORDS: &[&str] = &["是", "Y", "y", "yes", "YES", "Yes", "有"];

/// What a checkmark cell says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Ticked (√ ✓ ■ ● 是 Y) or holding text, e.g. the name of a 特定群体.
    pub set: bool,
    /// An optional mark (□ 〇 ○) without a tick.
    pub optional: bool,
    /// Text besides the marks, e.g. 申请人.
    pub text: String,
}

/// Reads a checkmark cell.
pub fn check(cell: &str) -> Check {
    let cell = clean(cell);
    let has_set = cell.chars().any(|c| SET_MARKS.contains(&c));
    let has_optional = cell.chars().any(|c| OPTIONAL_MARKS.contains(&c));
    let rest: String = cell
        .chars()
        .filter(|c| !SET_MARKS.contains(c) && !OPTIONAL_MARKS.contains(c))
        .collect();
    let rest = trim_punct(&rest).to_string();
    if YES_WORDS.contains(&rest.as_str()) {
        return Check {
            set: true,
            ..Check::default()
        };
    }
    if rest.is_empty() || NO_WORDS.contains(&rest.as_str()) {
        return Check {
            set: has_set,
            optional: !has_set && has_optional,
            text: String::new(),
        };
    }
    Check {
        set: has_set || !has_optional,
        optional: !has_set && has_optional,
        text: rest,
    }
}

/// Cleans cell text: no control characters or invisible marks, Windows line breaks become
/// `\n`, every line trimmed, blank lines dropped.
pub fn clean(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s = sanitize(&s, true);
    s.lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cleans and joins lines into one: Chinese text wrapped in a cell joins without a space.
pub fn one_line(s: &str) -> String {
    let mut out = String::new();
    for line in clean(s).lines() {
        let ascii_join = out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && line
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if ascii_join {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A header label reduced for matching: no whitespace, ASCII brackets and colons.
pub fn norm_label(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{feff}')
        .map(|c| match c {
            '\u{FF08}' => '(',
            '\u{FF09}' => ')',
            '\u{FF1A}' => ':',
            '\u{FF0F}' => '/',
            '【' | '[' => '(',
            '】' | ']' => ')',
            c => c,
        })
        .collect()
}

fn trim_punct(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '\u{FF1A}'
                    | '_'
                    | '\u{FF3F}'
                    | '、'
                    | ';'
                    | '\u{FF1B}'
                    | ','
                    | '\u{FF0C}'
                    | '。'
                    | '.'
                    | '('
                    | ')'
                    | '\u{FF08}'
                    | '\u{FF09}'
                    | '“'
                    | '”'
                    | '"'
            )
    })
}

/// Strips a leading list number: `1.`, `1、`, `(1)`, `(一)`, `一、`, `①`.
pub fn strip_numbering(s: &str) -> &str {
    let t = s.trim();
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    // (1) / (一)
    if let Some(rest) = t.strip_prefix(['(', '\u{FF08}']) {
        let inner: String = rest.chars().take_while(|&c| numeral(c)).collect();
        if !inner.is_empty() {
            let after = &rest[inner.len()..];
            if let Some(after) = after.strip_prefix([')', '\u{FF09}']) {
                return after.trim_start();
            }
        }
    }
    let digits: String = t.chars().take_while(|&c| numeral(c)).collect();
    if !digits.is_empty() {
        let after = &t[digits.len()..];
        if let Some(after) = after.strip_prefix(['.', '、', '\u{FF0E}', ')', '\u{FF09}']) {
            // "1.5个工作日" is not a number list; a list number is followed by text.
            if !after.starts_with(|c: char| c.is_ascii_digit()) {
                return after.trim_start();
            }
        }
    }
    if let Some(first) = t.chars().next()
        && ('①'..='⑳').contains(&first)
    {
        return t[first.len_utf8()..].trim_start();
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Channels

/// Spellings that mean a canonical channel box.
const CHANNEL_ALIASES: &[(&str, &str)] = &[
    ("政府门户网站", "政府网站"),
    ("门户网站", "政府网站"),
    ("政府信息公开网站", "政府网站"),
    ("政府网", "政府网站"),
    ("公报", "政府公报"),
    ("政务新媒体", "两微一端"),
    ("新媒体", "两微一端"),
    ("两微一端(政务微博、微信、客户端)", "两微一端"),
    ("发布会听证会", "发布会/听证会"),
    ("发布会、听证会", "发布会/听证会"),
    ("新闻发布会", "发布会/听证会"),
    ("发布会", "发布会/听证会"),
    ("听证会", "发布会/听证会"),
    ("广播", "广播电视"),
    ("电视", "广播电视"),
    ("广播、电视", "广播电视"),
    ("报刊", "纸质媒体"),
    ("报纸", "纸质媒体"),
    ("纸媒", "纸质媒体"),
    ("政府信息公开查阅点", "公开查阅点"),
    ("信息公开查阅点", "公开查阅点"),
    ("查阅点", "公开查阅点"),
    ("政府服务中心", "政务服务中心"),
    ("政务服务大厅", "政务服务中心"),
    ("政务大厅", "政务服务中心"),
    ("提供政务服务的场所", "政务服务中心"),
    ("便民服务点", "便民服务站"),
    ("入户现场", "入户/现场"),
    ("入户", "入户/现场"),
    ("现场", "入户/现场"),
    ("公共图书馆", "图书馆"),
    ("档案馆", "国家档案馆"),
];

const NOTICE_BOARD: &str = "社区/企事业单位/村公示栏(电子屏)";

/// The canonical name of a channel, when the text clearly means one of the standard boxes.
pub fn known_channel(name: &str) -> Option<&'static str> {
    let key = norm_label(name);
    if key.is_empty() {
        return None;
    }
    if let Some(c) = CANONICAL_CHANNELS
        .iter()
        .find(|c| norm_label(c) == key || c.replace('/', "") == key)
    {
        return Some(c);
    }
    if let Some((_, c)) = CHANNEL_ALIASES.iter().find(|(a, _)| norm_label(a) == key) {
        return Some(c);
    }
    if key.contains("公示栏") || key.contains("公开栏") || key.contains("电子屏") {
        return Some(NOTICE_BOARD);
    }
    None
}

/// A channel name as stored: canonical where clearly the same, 其他:text for free text,
/// otherwise the text as written.
pub fn channel_name(raw: &str) -> String {
    let text = one_line(raw);
    let t = trim_punct(&text);
    if let Some(rest) = t.strip_prefix("其他").or_else(|| t.strip_prefix("其它")) {
        let rest = trim_punct(rest);
        return if rest.is_empty() {
            "其他".into()
        } else {
            format!("其他:{rest}")
        };
    }
    known_channel(t).map_or_else(|| t.to_string(), str::to_string)
}

/// Reads a 公开渠道和载体 text cell: a list separated by 、;,/ spaces or line breaks, where a
/// ■ / √ before a name marks it required and □ optional (no mark: required, it is listed).
pub fn channel_list(cell: &str) -> Vec<Channel> {
    let text = clean(cell);
    let mut out: Vec<Channel> = Vec::new();
    // Segments start at each mark.
    let mut segments: Vec<(bool, String)> = vec![(true, String::new())];
    for c in text.chars() {
        if SET_MARKS.contains(&c) {
            segments.push((true, String::new()));
        } else if OPTIONAL_MARKS.contains(&c) {
            segments.push((false, String::new()));
        } else if let Some(last) = segments.last_mut() {
            last.1.push(c);
        }
    }
    for (required, segment) in segments {
        let (names, other) = match segment.find("其他").or_else(|| segment.find("其它")) {
            Some(i) => (&segment[..i], Some(&segment[i..])),
            None => (segment.as_str(), None),
        };
        for piece in names.split(|c: char| {
            c.is_whitespace()
                || matches!(c, '、' | ';' | '\u{FF1B}' | ',' | '\u{FF0C}' | '|' | '。')
        }) {
            for name in split_slashes(piece) {
                push_channel(&mut out, channel_name(&name), required);
            }
        }
        if let Some(other) = other {
            push_channel(&mut out, channel_name(other), required);
        }
    }
    out
}

/// Adds a channel, merging repeats (required wins).
pub fn push_channel(out: &mut Vec<Channel>, name: String, required: bool) {
    if name.is_empty() {
        return;
    }
    match out.iter_mut().find(|c| c.name == name) {
        Some(c) => c.required |= required,
        None => out.push(Channel { name, required }),
    }
}

/// Splits "政府网站/两微一端" but keeps names that contain a slash ("发布会/听证会").
fn split_slashes(piece: &str) -> Vec<String> {
    let piece = trim_punct(piece);
    if piece.is_empty() {
        return Vec::new();
    }
    if known_channel(piece).is_some() || !piece.contains(['/', '\u{FF0F}']) {
        return vec![piece.to_string()];
    }
    let parts: Vec<&str> = piece.split(['/', '\u{FF0F}']).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let mut taken = i + 1;
        for j in (i + 2..=parts.len()).rev() {
            if known_channel(&parts[i..j].join("/")).is_some() {
                taken = j;
                break;
            }
        }
        out.push(parts[i..taken].join("/"));
        i = taken;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Content elements, 公开依据

/// Splits 公开内容 with ● (mandatory) / 〇 (optional) marks into elements; the text before the
/// first mark stays as the content. Without marks the whole text is the content.
pub fn elements(cell: &str) -> (String, Vec<Element>) {
    let text = clean(cell);
    let is_mark = |c: char| matches!(c, '●' | '〇' | '○' | '◯');
    if !text.chars().any(is_mark) {
        return (text, Vec::new());
    }
    let mut prefix = String::new();
    let mut list: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        if is_mark(c) {
            list.push((c == '●', String::new()));
        } else if let Some(last) = list.last_mut() {
            last.1.push(c);
        } else {
            prefix.push(c);
        }
    }
    let elements = list
        .into_iter()
        .map(|(mandatory, t)| Element {
            text: one_line(trim_punct(&t)),
            mandatory,
        })
        .filter(|e| !e.text.is_empty())
        .collect();
    (trim_punct(&one_line(&prefix)).to_string(), elements)
}

/// Splits 公开依据 into documents at line breaks and semicolons, and at 、 or commas between 》 and 《, never
/// inside 《…》; list numbers are dropped.
pub fn basis_list(cell: &str) -> Vec<String> {
    let text = clean(cell);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '《' => depth += 1,
            '》' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let split_always = matches!(c, '\n' | ';' | '\u{FF1B}');
        let between_titles = matches!(c, '、' | ',' | '\u{FF0C}' | ' ')
            && i > 0
            && chars[i - 1] == '》'
            && chars.get(i + 1) == Some(&'《');
        if depth == 0 && (split_always || between_titles) {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.iter()
        .map(|s| {
            strip_numbering(s.trim())
                .trim_end_matches(['。', '.'])
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tiers, audience, method

/// The tiers a label names: 县级, 乡级, 乡、村级, 镇(街)级, 区级, 市(州)级 …; `None` when the
/// text is not a tier label.
pub fn tiers_of_label(label: &str) -> Option<Vec<Tier>> {
    let key = remove_brackets(&norm_label(label));
    let key = key.trim_end_matches("公开");
    if key.is_empty() {
        return None;
    }
    let mut tiers = Vec::new();
    for part in key.split(['、', '/', ',', '\u{FF0C}', '和', '及']) {
        let part = part.trim_end_matches('级');
        let tier = match part {
            "省" => Tier::Province,
            "市" | "州" | "地市" | "设区的市" => Tier::City,
            "县" | "区" | "县区" | "区县" | "县市区" => Tier::County,
            "乡" | "镇" | "乡镇" | "街道" | "镇街" | "街" | "乡镇街道" | "镇街道" => {
                Tier::Township
            }
            "村" | "社区" | "村社区" => Tier::Village,
            "乡村" | "镇村" => {
                tiers.extend([Tier::Township, Tier::Village]);
                continue;
            }
            _ => return None,
        };
        if !tiers.contains(&tier) {
            tiers.push(tier);
        }
    }
    (!tiers.is_empty()).then_some(tiers)
}

/// Tiers named in a text cell ("县级、乡级").
pub fn tiers_in_text(cell: &str) -> Vec<Tier> {
    let mut tiers = Vec::new();
    for part in clean(cell).split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '、' | ';' | '\u{FF1B}' | ',' | '\u{FF0C}' | '/' | '\u{FF0F}'
            )
    }) {
        let part: String = part
            .chars()
            .filter(|c| !SET_MARKS.contains(c) && !OPTIONAL_MARKS.contains(c))
            .collect();
        if let Some(ts) = tiers_of_label(&part) {
            for t in ts {
                if !tiers.contains(&t) {
                    tiers.push(t);
                }
            }
        }
    }
    // "乡、村级" splits into 乡 and 村级, both found above.
    tiers
}

fn remove_brackets(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The 特定群体 named in a cell: the text without marks, keywords and brackets.
pub fn group_name(text: &str) -> Option<String> {
    let mut t = one_line(text);
    for word in ["特定群体", "特定群众", "特定对象", "请写明"] {
        t = t.replace(word, "");
    }
    let t = trim_punct(&t);
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[Channel]) -> Vec<(String, bool)> {
        v.iter().map(|c| (c.name.clone(), c.required)).collect()
    }

    #[test]
    fn checks() {
        assert!(check("√").set);
        assert!(check(" ✓ ").set);
        assert!(check("是").set);
        assert!(!check("").set);
        assert!(!check("×").set);
        let c = check("□");
        assert!(!c.set && c.optional);
        let c = check("√(申请人)");
        assert!(c.set);
        assert_eq!(c.text, "申请人");
    }

    #[test]
    fn channel_lists() {
        assert_eq!(
            names(&channel_list(
                "■政府网站 □两微一端 ■社区/企事业单位/村公示栏\u{FF08}电子屏\u{FF09} ■其他\u{FF1A}村务微信群"
            )),
            vec![
                ("政府网站".into(), true),
                ("两微一端".into(), false),
                (NOTICE_BOARD.into(), true),
                ("其他:村务微信群".into(), true),
            ]
        );
        assert_eq!(
            names(&channel_list(
                "政府网站、发布会听证会\u{FF1B}政府服务中心\n入户/现场 政务新媒体"
            )),
            vec![
                ("政府网站".into(), true),
                ("发布会/听证会".into(), true),
                ("政务服务中心".into(), true),
                ("入户/现场".into(), true),
                ("两微一端".into(), true),
            ]
        );
        assert_eq!(
            names(&channel_list("政府网站/投资项目在线审批监管平台 □其他____")),
            vec![
                ("政府网站".into(), true),
                ("投资项目在线审批监管平台".into(), true),
                ("其他".into(), false),
            ]
        );
    }

    #[test]
    fn elements_and_basis() {
        let (content, els) = elements("●政策依据\u{FF1B}●补贴对象\n〇咨询电话");
        assert_eq!(content, "");
        assert_eq!(
            els.iter()
                .map(|e| (e.text.as_str(), e.mandatory))
                .collect::<Vec<_>>(),
            vec![("政策依据", true), ("补贴对象", true), ("咨询电话", false)]
        );
        assert_eq!(
            basis_list(
                "1.《中华人民共和国就业促进法》\u{FF1B}\n2.《人力资源市场暂行条例》、《政府信息公开条例(2019;修订)》"
            ),
            vec![
                "《中华人民共和国就业促进法》",
                "《人力资源市场暂行条例》",
                "《政府信息公开条例(2019;修订)》"
            ]
        );
    }

    #[test]
    fn tiers() {
        assert_eq!(tiers_of_label("县级"), Some(vec![Tier::County]));
        assert_eq!(
            tiers_of_label("乡、村级"),
            Some(vec![Tier::Township, Tier::Village])
        );
        assert_eq!(tiers_of_label("镇(街)级"), Some(vec![Tier::Township]));
        assert_eq!(tiers_of_label("县(市、区)级"), Some(vec![Tier::County]));
        assert_eq!(tiers_of_label("区划代码"), None);
        assert_eq!(
            tiers_in_text("县级、乡级"),
            vec![Tier::County, Tier::Township]
        );
    }

    #[test]
    fn numbering() {
        assert_eq!(strip_numbering("一、就业信息服务"), "就业信息服务");
        assert_eq!(strip_numbering("\u{FF08}2\u{FF09}就业"), "就业");
        assert_eq!(strip_numbering("1.5个工作日"), "1.5个工作日");
        assert_eq!(strip_numbering("①条例"), "条例");
    }
}
