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
    let content = if item.elements.is_empty() {
        item.content.clone()
    } else {
        let els: Vec<String> = item
            .elements
            .iter()
            .map(|e| {
                format!(
                    "{}({})",
                    e.text,
                    if e.mandatory {
                        s.required_mark
                    } else {
                        s.optional_mark
                    }
                )
            })
            .collect();
        if item.content.is_empty() {
            els.join("、")
        } else {
            format!("{}\n{}", item.content, els.join("、"))
        }
    };
    push(s.field_content, content);
    push(s.field_basis, item.basis.join("\n"));
    push(s.field_time_limit, item.time_limit.clone());
    push(s.field_publisher, item.publisher.clone());
    let channels: Vec<String> = item
        .channels
        .iter()
        .map(|c| {
            if c.required {
                format!("{}({})", c.name, s.required_mark)
            } else {
                format!("{}({})", c.name, s.optional_mark)
            }
        })
        .collect();
    push(s.field_channels, channels.join("、"));
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
