//! Markdown: the whole report as headings and pipe tables, readable as plain text.
//!
//! Cell text is escaped so it cannot break the table or turn into markup: `\` and `|` and `<`
//! get a backslash, line breaks become `<br>` (the usual way to keep them inside a table cell).

use super::{LedgerColumn, Report, Section, labels};

/// Writes the report as Markdown (UTF-8).
pub fn write(r: &Report) -> Vec<u8> {
    let l = labels(r.lang);
    let mut s = String::new();
    s.push_str(&format!("# {}\n\n", esc(&r.heading())));
    for (label, value) in r.meta() {
        s.push_str(&format!("- {label}{}{}\n", l.colon, esc(&value)));
    }
    s.push('\n');

    s.push_str(&format!("## {}\n\n", r.section_title(Section::Domains)));
    let mut rows: Vec<Row> = r
        .domains
        .iter()
        .map(|d| (r.domain_cells(d).to_vec(), None))
        .collect();
    rows.push((r.domain_cells(&r.total).to_vec(), Some(0)));
    let right = [false, true, true, true, true, true, true, true, true];
    table(&mut s, &r.domain_headers(), &right, &rows);
    s.push_str(&format!("{}\n\n", esc(l.pct_note)));
    let overdue = r.ledger.iter().filter(|x| x.overdue).count();
    if overdue > 0 {
        s.push_str(&format!("{}{}{overdue}\n\n", l.overdue_count, l.colon));
    }
    if r.conflicts > 0 {
        s.push_str(&format!("{}{}\n\n", r.conflicts, esc(l.conflicts)));
    }

    if let Some(c) = &r.comparison {
        s.push_str(&format!("## {}\n\n", r.section_title(Section::Compare)));
        if c.self_check_found {
            let mut rows: Vec<Row> = c
                .domains
                .iter()
                .map(|d| (r.compare_cells(d).to_vec(), None))
                .collect();
            rows.push((r.compare_cells(&c.total).to_vec(), Some(0)));
            let right: Vec<bool> = (0..13).map(|i| i > 0).collect();
            table(&mut s, &r.compare_headers(), &right, &rows);
            s.push_str(&format!("{}\n\n", esc(l.compare_note)));
            if c.items.is_empty() {
                s.push_str(&format!("{}\n\n", l.no_difference));
            } else {
                let rows: Vec<Vec<String>> = c
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, d)| r.diff_cells(i + 1, d).to_vec())
                    .collect();
                plain_table(&mut s, &r.diff_headers(), &rows);
            }
        } else {
            s.push_str(&format!("{}\n\n", l.self_check_not_found));
        }
    }

    s.push_str(&format!("## {}\n\n", r.section_title(Section::NotInvolved)));
    if r.not_involved.is_empty() {
        s.push_str(&format!("{}\n\n", l.none));
    } else {
        not_involved_list(&mut s, &r.not_involved, r.lang);
    }

    s.push_str(&format!("## {}\n\n", r.section_title(Section::Problems)));
    if r.problems.is_empty() {
        s.push_str(&format!("{}\n\n", l.none));
    } else {
        let rows: Vec<Row> = r
            .problems
            .iter()
            .enumerate()
            .map(|(i, p)| (r.problem_cells(i + 1, p).to_vec(), None))
            .collect();
        let headers = r.problem_headers();
        let right: Vec<bool> = (0..headers.len()).map(|i| i == 0).collect();
        table(&mut s, &headers, &right, &rows);
    }

    s.push_str(&format!("## {}\n\n", r.section_title(Section::Ledger)));
    s.push_str(&format!("{}\n\n", esc(&r.ledger_subtitle())));
    if r.ledger.is_empty() {
        s.push_str(&format!("{}\n\n", l.none));
    } else {
        let late = LedgerColumn::Late.index();
        let rows: Vec<Row> = r
            .ledger
            .iter()
            .map(|x| (r.ledger_cells(x).to_vec(), x.overdue.then_some(late)))
            .collect();
        let mut right = [false; 19];
        right[0] = true;
        table(&mut s, &r.ledger_headers(), &right, &rows);
    }
    s.push_str(&format!(
        "{}{}{}\n\n{}\n\n---\n\n{} · {}\n",
        l.checked_on,
        l.colon,
        esc(&r.title.checked_on),
        l.signatures_ledger,
        l.generated,
        esc(&r.title.date)
    ));
    s.into_bytes()
}

/// A table row: its cells, and the column shown in bold (the total, an overdue state).
type Row = (Vec<String>, Option<usize>);

/// Appends a pipe table; every cell is escaped.
fn table(s: &mut String, headers: &[&str], right: &[bool], rows: &[Row]) {
    s.push('|');
    for h in headers {
        s.push_str(&format!(" {} |", esc(h)));
    }
    s.push_str("\n|");
    for i in 0..headers.len() {
        s.push_str(if right.get(i).copied().unwrap_or(false) {
            "---:|"
        } else {
            "---|"
        });
    }
    s.push('\n');
    for (cells, bold) in rows {
        s.push('|');
        for (i, cell) in cells.iter().enumerate() {
            let text = esc(cell);
            if *bold == Some(i) && !text.is_empty() {
                s.push_str(&format!(" **{text}** |"));
            } else {
                s.push_str(&format!(" {text} |"));
            }
        }
        s.push('\n');
    }
    s.push('\n');
}

/// 未涉及领域 as a list: each domain with its reason (or that none was given).
pub(super) fn not_involved_list(
    s: &mut String,
    not_involved: &[super::NotInvolved],
    lang: crate::cli::Lang,
) {
    let l = labels(lang);
    for n in not_involved {
        let reason = if n.reason.is_empty() {
            l.no_reason
        } else {
            &n.reason
        };
        s.push_str(&format!("- {}{}{}\n", esc(&n.name), l.colon, esc(reason)));
    }
    s.push('\n');
}

/// Appends a pipe table of text cells, the first column right-aligned (序号).
pub(super) fn plain_table(s: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    let mut right = vec![false; headers.len()];
    if let Some(first) = right.first_mut() {
        *first = true;
    }
    let rows: Vec<Row> = rows.iter().map(|r| (r.clone(), None)).collect();
    table(s, headers, &right, &rows);
}

/// Escapes text for a Markdown table cell or list item.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("\\<"),
            '*' => out.push_str("\\*"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}
