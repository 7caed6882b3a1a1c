//! A catalogue row as labelled fields, shared by `zwgk checklist show` and the walk's detail pane.

use crate::model::catalogue::{Item, ItemField};
use crate::text::sanitize;
use crate::ui::strings::Strings;

/// The fields of an item as (label, text) pairs, in catalogue column order, sanitized for a
/// terminal. Empty fields are left out.
pub fn item_fields(item: &Item, s: &Strings) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, text: String| {
        let text = sanitize(&text, true);
        if !text.trim().is_empty() {
            v.push((sanitize(label, false), text));
        }
    };
    push(s.field_level1, item.level1.clone());
    push(s.field_level2, item.level2.clone());
    push(s.field_level3, item.level3.clone().unwrap_or_default());
    push(s.field_content, content_text(item, s));
    push(s.field_basis, item.basis.join("\n"));
    push(s.field_time_limit, item.time_limit.clone());
    push(s.field_publisher, item.publisher.clone());
    push(s.field_channels, channels_text(item, s, true));
    let mut audience: Vec<String> = item
        .audience
        .iter()
        .map(|a| s.audience(*a).to_string())
        .collect();
    if let Some(group) = &item.audience_group {
        audience.push(format!("({group})"));
    }
    push(s.field_audience, audience.join("、"));
    push(
        s.field_method,
        item.method
            .iter()
            .map(|m| s.method(*m))
            .collect::<Vec<_>>()
            .join("、"),
    );
    push(
        s.field_tiers,
        item.tiers
            .iter()
            .map(|t| s.tier(*t))
            .collect::<Vec<_>>()
            .join("、"),
    );
    // Extra columns keep the table's own column names.
    for (column, value) in &item.extra {
        push(column, value.clone());
    }
    push(s.field_as_seen, as_seen(item, s));
    v
}

/// Which fields were cut off or inferred in the source, e.g. "截断:公开内容;推断:公开层级";
/// empty when the row was read whole.
pub fn as_seen(item: &Item, s: &Strings) -> String {
    let names = |fields: &[ItemField]| {
        let mut labels: Vec<&str> = Vec::new();
        for f in fields {
            let label = s.item_field(*f);
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels.join(s.list_separator)
    };
    let mut parts = Vec::new();
    if !item.truncated.is_empty() {
        parts.push(format!("{}: {}", s.cut_off_word, names(&item.truncated)));
    }
    if !item.inferred.is_empty() {
        parts.push(format!("{}: {}", s.inferred_word, names(&item.inferred)));
    }
    parts.join("; ")
}

/// 公开内容 as shown and printed: the content, then its elements (要素) each with 必选/可选.
pub fn content_text(item: &Item, s: &Strings) -> String {
    if item.elements.is_empty() {
        return item.content.clone();
    }
    let els: Vec<String> = item
        .elements
        .iter()
        .map(|e| {
            let mark = if e.mandatory {
                s.required_mark
            } else {
                s.optional_mark
            };
            format!("{}({mark})", e.text)
        })
        .collect();
    if item.content.is_empty() {
        els.join("、")
    } else {
        format!("{}\n{}", item.content, els.join("、"))
    }
}

/// 公开渠道 joined with 、: required channels marked 必选, the others 可选 when `optional`
/// says so (the screen marks both; the printed table only the required ones).
pub fn channels_text(item: &Item, s: &Strings, optional: bool) -> String {
    let channels: Vec<String> = item
        .channels
        .iter()
        .map(|c| match (c.required, optional) {
            (true, _) => format!("{}({})", c.name, s.required_mark),
            (false, true) => format!("{}({})", c.name, s.optional_mark),
            (false, false) => c.name.clone(),
        })
        .collect();
    channels.join("、")
}
