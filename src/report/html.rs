//! HTML: one self-contained page (inline CSS, inline SVG, no scripts, no external resources)
//! that reads on screen and prints on A4: the title block, a stacked bar per domain, the
//! domain table, the 未涉及领域事项说明, the problems and the 整改台账 (landscape when printed).
//! Table headers repeat on every printed page. All text from the assessment is escaped; only
//! `http(s)` evidence URLs become links.

use super::{LedgerColumn, Report, Section, labels, percent_text};
use crate::model::assessment::Evidence;
use crate::model::status::{Status, Tally};
use crate::text::width;

/// Bar segments in drawing order, with their colours.
const SEGMENTS: [(Status, &str, &str); 5] = [
    (Status::Compliant, "#2e7d32", "#fff"),
    (Status::Partial, "#f9a825", "#000"),
    (Status::Missing, "#c62828", "#fff"),
    (Status::NotApplicable, "#78909c", "#fff"),
    (Status::Unchecked, "#e0e0e0", "#000"),
];

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", SimSun, sans-serif; font-size: 14px; line-height: 1.5; color: #222; background: #fff; max-width: 1200px; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .5em; padding-bottom: .2em; border-bottom: 2px solid #345; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: 0 0 1em; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { word-break: keep-all; }
table.compare td:first-child { word-break: keep-all; }
thead th { background: #dde7f0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.date, td.st, td.name { white-space: nowrap; }
.url { word-break: break-all; }
tr.total td { font-weight: bold; background: #f2f2f2; }
tr.overdue td { background: #fde2e2; }
.st { white-space: nowrap; }
.st-partial { color: #8a5a00; font-weight: bold; }
.st-missing { color: #b00020; font-weight: bold; }
.note { color: #555; font-size: .9em; }
.chart svg { display: block; max-width: 100%; height: auto; }
p.ledger-title { margin: .2em 0 .4em; }
.ledger table, .table table { font-size: .92em; }
.sign { margin-top: 1.5em; break-inside: avoid; page-break-inside: avoid; break-before: avoid; page-break-before: avoid; }
.sign table { border: none; width: 100%; margin: 0; }
.sign td { border: none; padding: 1.2em 0 0; white-space: nowrap; width: 1%; }
.sign td.line { border-bottom: 1px solid #333; width: 30%; }
.sign td.seal { padding-left: 2em; color: #555; }
footer { margin-top: 1.5em; color: #777; font-size: .85em; }
@media print {
  body { max-width: none; margin: 0; padding: 0 1px; font-size: 10pt; }
  table { width: calc(100% - 1px); }
  table.compare { font-size: 8.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .chart { break-inside: avoid; page-break-inside: avoid; }
  section.ledger { page: wide; }
  .ledger table { font-size: 7.5pt; }
  .ledger th, .ledger td { padding: 2px 3px; }
  .table table { font-size: 7.5pt; }
  .table th, .table td { padding: 2px 3px; }
}
"#;

/// The page rules: A4 (the ledger and the check table landscape), page numbers at the foot
/// of every page and the unit and round at its head (CSS paged-media margin boxes, which
/// Chromium prints; a program that ignores them still shows both in the title block).
fn page_css(running: &str, lang: crate::cli::Lang) -> String {
    let l = labels(lang);
    let margin_boxes = format!(
        "@top-center {{ content: \"{}\"; font-size: 8pt; color: #555; }} \
         @bottom-center {{ content: \"{}\" counter(page) \"{}\" counter(pages) \"{}\"; font-size: 8pt; color: #555; }}",
        css_string(running),
        css_string(l.page_word),
        css_string(l.page_of),
        css_string(l.page_end)
    );
    format!(
        "@page {{ size: A4; margin: 16mm 12mm 16mm 12mm; {margin_boxes} }}\n\
         @page wide {{ size: A4 landscape; margin: 14mm 10mm 14mm 10mm; }}\n"
    )
}

/// Text as the inside of a CSS string: quotes and backslashes escaped, `<` written as an
/// escape (so nothing can close the style element), control characters dropped.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The block at the end of what is signed: 检查日期, the signature lines, the footer.
fn signatures(
    s: &mut String,
    checked_on: &str,
    lang: crate::cli::Lang,
    names: &[&str],
    seal: bool,
    date: &str,
) {
    let l = labels(lang);
    s.push_str("<div class=\"sign\">\n");
    if !checked_on.trim().is_empty() {
        s.push_str(&format!(
            "<p>{}{}{}</p>\n",
            esc(l.checked_on),
            esc(l.colon),
            esc(checked_on)
        ));
    }
    s.push_str("<table><tr>");
    for n in names {
        s.push_str(&format!(
            "<td>{}{}</td><td class=\"line\"></td>",
            esc(n),
            esc(l.colon)
        ));
    }
    s.push_str("</tr><tr>");
    s.push_str(&format!(
        "<td>{}{}</td><td class=\"line\"></td>",
        esc(l.sign_date),
        esc(l.colon)
    ));
    if seal {
        s.push_str(&format!(
            "<td class=\"seal\" colspan=\"2\">{}</td>",
            esc(l.sign_seal)
        ));
    }
    s.push_str("</tr></table>\n");
    s.push_str(&format!(
        "<footer>{} · {}</footer>\n</div>\n",
        esc(l.generated),
        esc(date)
    ));
}

/// Writes the report as one HTML page (UTF-8).
pub fn write(r: &Report) -> Vec<u8> {
    let l = labels(r.lang);
    let lang = match r.lang {
        crate::cli::Lang::Zh => "zh-CN",
        crate::cli::Lang::En => "en",
    };
    let heading = esc(&r.heading());
    let mut s = String::new();
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{heading}</title>\n<style>{CSS}{page}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n<dl class=\"meta\">\n",
        page = page_css(&running_head(&r.title), r.lang)
    ));
    for (label, value) in r.meta() {
        s.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            esc(label),
            esc(&value)
        ));
    }
    s.push_str("</dl>\n");

    // 一、领域汇总
    s.push_str(&format!(
        "<section class=\"domains\">\n<h2>{}</h2>\n",
        esc(&r.section_title(Section::Domains))
    ));
    chart(&mut s, r);
    figures_table(
        &mut s,
        "<table>",
        &r.domain_headers(),
        r.domains.iter().map(|d| r.domain_cells(d)),
        r.domain_cells(&r.total),
    );
    s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(l.pct_note)));
    let overdue = r.ledger.iter().filter(|x| x.overdue).count();
    if overdue > 0 {
        s.push_str(&format!(
            "<p><strong>{}{}{overdue}</strong></p>\n",
            esc(l.overdue_count),
            esc(l.colon)
        ));
    }
    if r.conflicts > 0 {
        s.push_str(&format!(
            "<p class=\"note\">{}{}</p>\n",
            r.conflicts,
            esc(l.conflicts)
        ));
    }
    s.push_str("</section>\n");

    // 自查与复查对比 (an inspection)
    if let Some(c) = &r.comparison {
        s.push_str(&format!(
            "<section class=\"compare\">\n<h2>{}</h2>\n",
            esc(&r.section_title(Section::Compare))
        ));
        if c.self_check_found {
            figures_table(
                &mut s,
                "<table class=\"compare\">",
                &r.compare_headers(),
                c.domains.iter().map(|d| r.compare_cells(d)),
                r.compare_cells(&c.total),
            );
            s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(l.compare_note)));
            if c.items.is_empty() {
                s.push_str(&format!("<p>{}</p>\n", esc(l.no_difference)));
            } else {
                let mut numeric = [false; 9];
                numeric[0] = true;
                s.push_str("<table>\n");
                thead(&mut s, &r.diff_headers(), &numeric);
                s.push_str("<tbody>\n");
                for (i, d) in c.items.iter().enumerate() {
                    let mut cells = r.diff_cells(i + 1, d).map(|x| esc(&x));
                    for (k, st) in [(3, d.township), (4, d.inspector)] {
                        cells[k] = format!(
                            "<span class=\"st st-{}\">{}</span>",
                            class(st),
                            esc(r.status_label(st))
                        );
                    }
                    cells[6] = evidence_html(&d.township_evidence);
                    cells[8] = evidence_html(&d.evidence);
                    row(&mut s, "", &cells, &numeric);
                }
                s.push_str("</tbody>\n</table>\n");
            }
        } else {
            s.push_str(&format!("<p>{}</p>\n", esc(l.self_check_not_found)));
        }
        s.push_str("</section>\n");
    }

    // 未涉及领域事项说明
    s.push_str(&format!(
        "<section class=\"not-involved\">\n<h2>{}</h2>\n",
        esc(&r.section_title(Section::NotInvolved))
    ));
    if r.not_involved.is_empty() {
        s.push_str(&format!("<p>{}</p>\n", esc(l.none)));
    } else {
        let plain = [false, false];
        s.push_str("<table>\n");
        thead(&mut s, &[l.domain, l.reason], &plain);
        s.push_str("<tbody>\n");
        for n in &r.not_involved {
            let reason = if n.reason.is_empty() {
                l.no_reason
            } else {
                &n.reason
            };
            row(&mut s, "", &[esc(&n.name), esc(reason)], &plain);
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");

    // 发现的问题
    s.push_str(&format!(
        "<section class=\"problems\">\n<h2>{}</h2>\n",
        esc(&r.section_title(Section::Problems))
    ));
    if r.problems.is_empty() {
        s.push_str(&format!("<p>{}</p>\n", esc(l.none)));
    } else {
        let headers = r.problem_headers();
        let numeric: Vec<bool> = (0..headers.len()).map(|i| i == 0).collect();
        s.push_str("<table>\n");
        thead(&mut s, &headers, &numeric);
        s.push_str("<tbody>\n");
        for (i, p) in r.problems.iter().enumerate() {
            let mut cells: Vec<String> = r.problem_cells(i + 1, p).iter().map(|c| esc(c)).collect();
            cells[3] = format!(
                "<span class=\"st st-{}\">{}</span>",
                class(p.status),
                esc(r.status_label(p.status))
            );
            cells[6] = evidence_html(&p.evidence);
            if let Some(c) = cells.get_mut(8) {
                *c = evidence_html(&p.township_evidence);
            }
            row(&mut s, "", &cells, &numeric);
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");

    // 整改台账
    s.push_str(&format!(
        "<section class=\"ledger\">\n<h2>{}</h2>\n<p class=\"ledger-title\">{}</p>\n",
        esc(&r.section_title(Section::Ledger)),
        esc(&r.ledger_subtitle())
    ));
    if r.ledger.is_empty() {
        s.push_str(&format!("<p>{}</p>\n", esc(l.none)));
    } else {
        let classes: Vec<&str> = LedgerColumn::ALL.iter().map(|c| ledger_class(*c)).collect();
        s.push_str("<table>\n");
        thead_classed(&mut s, &r.ledger_headers(), &classes);
        s.push_str("<tbody>\n");
        for x in &r.ledger {
            let cells: Vec<String> = LedgerColumn::ALL
                .iter()
                .map(|c| match c {
                    LedgerColumn::Evidence => evidence_html(&x.evidence),
                    LedgerColumn::Late if x.overdue => {
                        format!("<strong>{}</strong>", esc(r.lateness_label(x)))
                    }
                    other => esc(&r.ledger_cell(x, *other)),
                })
                .collect();
            row_classed(
                &mut s,
                if x.overdue { "overdue" } else { "" },
                &cells,
                &classes,
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    signatures(
        &mut s,
        &r.title.checked_on,
        r.lang,
        &[l.sign_inspector, l.sign_unit_head],
        false,
        &r.title.date,
    );
    s.push_str("</section>\n</body>\n</html>\n");
    s.into_bytes()
}

/// The running head of printed pages: unit and round.
fn running_head(t: &super::Title) -> String {
    [t.unit.as_str(), t.round.as_str()]
        .iter()
        .filter(|x| !x.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Writes the check table (自查表) as one HTML page that prints on A4 landscape, with the
/// signature block and the place for the seal.
pub fn write_table(t: &super::table::CheckTable) -> Vec<u8> {
    let l = labels(t.lang);
    let lang = match t.lang {
        crate::cli::Lang::Zh => "zh-CN",
        crate::cli::Lang::En => "en",
    };
    let heading = esc(&t.heading());
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{heading}</title>\n<style>{CSS}{page}@media print {{ body {{ page: wide; }} }}\n</style>\n</head>\n<body>\n\
         <section class=\"table\">\n<h1>{heading}</h1>\n<p class=\"ledger-title\">{}</p>\n",
        esc(&t.subtitle()),
        page = page_css(&running_head(&t.title), t.lang)
    );
    let classes: Vec<&str> = (0..super::table::COLUMNS)
        .map(|i| match i {
            0 => "num",
            super::table::STATUS_COLUMN => "st",
            super::table::TIME_COLUMN => "date",
            13 => "name",
            _ => "",
        })
        .collect();
    s.push_str("<table>\n");
    thead_classed(&mut s, &t.headers(), &classes);
    s.push_str("<tbody>\n");
    for r in &t.rows {
        let mut cells: Vec<String> = t.cells(r).iter().map(|c| esc(c)).collect();
        cells[super::table::STATUS_COLUMN] = format!(
            "<span class=\"st-{}\">{}</span>",
            class(r.status),
            cells[super::table::STATUS_COLUMN]
        );
        cells[12] = evidence_html(&r.evidence);
        row_classed(&mut s, "", &cells, &classes);
    }
    s.push_str("</tbody>\n</table>\n");
    // The figures per domain: the report's.
    let numeric: Vec<bool> = (0..9).map(|i| i > 0).collect();
    let domain_headers = [
        l.domain,
        l.items,
        strings_status(t.lang, crate::model::status::Status::Compliant),
        strings_status(t.lang, crate::model::status::Status::Partial),
        strings_status(t.lang, crate::model::status::Status::Missing),
        strings_status(t.lang, crate::model::status::Status::NotApplicable),
        strings_status(t.lang, crate::model::status::Status::Unchecked),
        l.checked_pct,
        l.compliance_pct,
    ];
    s.push_str("<table class=\"figures\">\n");
    thead(&mut s, &domain_headers, &numeric);
    s.push_str("<tbody>\n");
    for d in t.domains.iter().chain([&t.total]) {
        let tl = &d.tally;
        let cells = [
            esc(&d.name),
            tl.total().to_string(),
            tl.compliant.to_string(),
            tl.partial.to_string(),
            tl.missing.to_string(),
            tl.not_applicable.to_string(),
            tl.unchecked.to_string(),
            percent_text(d.checked_pct()),
            percent_text(d.compliance_pct()),
        ];
        row(&mut s, "", &cells, &numeric);
    }
    s.push_str("</tbody>\n</table>\n");
    if !t.not_involved.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2>\n<table>\n",
            esc(l.sec_not_involved_plain)
        ));
        let plain = [false, false];
        thead(&mut s, &[l.domain, l.reason], &plain);
        s.push_str("<tbody>\n");
        for n in &t.not_involved {
            let reason = if n.reason.is_empty() {
                l.no_reason
            } else {
                &n.reason
            };
            row(&mut s, "", &[esc(&n.name), esc(reason)], &plain);
        }
        s.push_str("</tbody>\n</table>\n");
    }
    signatures(
        &mut s,
        &t.title.checked_on,
        t.lang,
        &[l.sign_inspector, l.sign_reviewer],
        true,
        &t.title.date,
    );
    s.push_str("</section>\n</body>\n</html>\n");
    s.into_bytes()
}

fn strings_status(lang: crate::cli::Lang, st: crate::model::status::Status) -> &'static str {
    crate::ui::strings::strings(lang).status(st)
}

fn class(st: Status) -> &'static str {
    match st {
        Status::Unchecked => "unchecked",
        Status::Compliant => "compliant",
        Status::Partial => "partial",
        Status::Missing => "missing",
        Status::NotApplicable => "na",
    }
}

/// The class of a ledger column's cells: numbers right, dates and states kept on one line.
fn ledger_class(c: LedgerColumn) -> &'static str {
    match c {
        LedgerColumn::No => "num",
        c if c.is_date() => "date",
        LedgerColumn::State | LedgerColumn::Late | LedgerColumn::Conflict => "st",
        LedgerColumn::Reviewer | LedgerColumn::ResponsiblePerson => "name",
        _ => "",
    }
}

/// A header row whose cells carry a class each (empty: none).
fn thead_classed(s: &mut String, headers: &[&str], classes: &[&str]) {
    s.push_str("<thead><tr>");
    for (i, h) in headers.iter().enumerate() {
        match classes.get(i).copied().unwrap_or("") {
            "" => s.push_str(&format!("<th>{}</th>", esc(h))),
            c => s.push_str(&format!("<th class=\"{c}\">{}</th>", esc(h))),
        }
    }
    s.push_str("</tr></thead>\n");
}

/// A row of cells that are already HTML, each with its class (empty: none).
fn row_classed(s: &mut String, class: &str, cells: &[String], classes: &[&str]) {
    if class.is_empty() {
        s.push_str("<tr>");
    } else {
        s.push_str(&format!("<tr class=\"{class}\">"));
    }
    for (i, c) in cells.iter().enumerate() {
        match classes.get(i).copied().unwrap_or("") {
            "" => s.push_str(&format!("<td>{c}</td>")),
            k => s.push_str(&format!("<td class=\"{k}\">{c}</td>")),
        }
    }
    s.push_str("</tr>\n");
}

/// A table of figures per domain (`open`: its opening tag): a name column, then numbers
/// (right-aligned), one row per domain and the total in the footer. Cells are plain text.
fn figures_table<const N: usize>(
    s: &mut String,
    open: &str,
    headers: &[&str; N],
    rows: impl Iterator<Item = [String; N]>,
    total: [String; N],
) {
    let numeric: Vec<bool> = (0..N).map(|i| i > 0).collect();
    s.push_str(open);
    s.push('\n');
    thead(s, headers, &numeric);
    s.push_str("<tbody>\n");
    for cells in rows {
        row(s, "", &cells.map(|c| esc(&c)), &numeric);
    }
    s.push_str("</tbody>\n<tfoot>\n");
    row(s, "total", &total.map(|c| esc(&c)), &numeric);
    s.push_str("</tfoot>\n</table>\n");
}

/// A header row; `numeric` columns are right-aligned (class `num`).
fn thead(s: &mut String, headers: &[&str], numeric: &[bool]) {
    thead_classed(s, headers, &num_classes(numeric));
}

/// A row of cells that are already HTML; `numeric` columns are right-aligned.
fn row(s: &mut String, class: &str, cells: &[String], numeric: &[bool]) {
    row_classed(s, class, cells, &num_classes(numeric));
}

fn num_classes(numeric: &[bool]) -> Vec<&'static str> {
    numeric
        .iter()
        .map(|&n| if n { "num" } else { "" })
        .collect()
}

/// Evidence as HTML, one piece a line; `http(s)` URLs become links.
fn evidence_html(ev: &[Evidence]) -> String {
    ev.iter()
        .map(|e| match e {
            Evidence::Url { url } if is_web_url(url) => {
                format!("<a class=\"url\" href=\"{}\">{}</a>", esc(url), esc(url))
            }
            Evidence::Url { url } => format!("<span class=\"url\">{}</span>", esc(url)),
            other => esc(&super::evidence_name(other)),
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(char::is_whitespace)
}

/// The stacked bar chart: a legend, then one bar per domain and the total, each segment a
/// status (colour, with the count written in it when it fits, and a tooltip), and the two
/// percentages beside the bar.
fn chart(s: &mut String, r: &Report) {
    const ROW: usize = 26;
    const BAR_H: usize = 18;
    const BAR_W: usize = 480;
    const LEGEND_H: usize = 28;
    const PX_PER_COL: usize = 7;
    let l = labels(r.lang);
    let mut rows: Vec<(&str, &Tally, String)> = r
        .domains
        .iter()
        .map(|d| (d.name.as_str(), &d.tally, pct_text(r, d)))
        .collect();
    rows.push((r.total.name.as_str(), &r.total.tally, pct_text(r, &r.total)));
    let label_w = rows
        .iter()
        .map(|(n, _, _)| width(n))
        .max()
        .unwrap_or(4)
        .min(40)
        * PX_PER_COL
        + 12;
    let pct_w = rows.iter().map(|(_, _, p)| width(p)).max().unwrap_or(10) * PX_PER_COL + 12;
    let total_w = label_w + BAR_W + pct_w;
    let total_h = LEGEND_H + rows.len() * ROW + 4;
    s.push_str(&format!(
        "<figure class=\"chart\" style=\"margin:0 0 1em\">\n<svg viewBox=\"0 0 {total_w} {total_h}\" width=\"{total_w}\" height=\"{total_h}\" role=\"img\" aria-label=\"{}\" font-size=\"12\">\n",
        esc(l.sec_chart)
    ));
    // Legend.
    let mut x = label_w;
    for (st, fill, _) in SEGMENTS {
        let name = r.status_label(st);
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#666\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"16\">{}</text>\n",
            x + 16,
            esc(name)
        ));
        x += 16 + width(name) * PX_PER_COL + 16;
    }
    for (i, (name, t, pct)) in rows.iter().enumerate() {
        let y = LEGEND_H + i * ROW;
        let is_total = i + 1 == rows.len();
        let weight = if is_total {
            " font-weight=\"bold\""
        } else {
            ""
        };
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\"{weight}>{}</text>\n",
            label_w - 8,
            y + 13,
            esc(name)
        ));
        let total = t.total();
        s.push_str(&format!(
            "<rect x=\"{label_w}\" y=\"{y}\" width=\"{BAR_W}\" height=\"{BAR_H}\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.5\"/>\n"
        ));
        // Cumulative rounding, so the segments always add up to the full bar.
        let at = |done: usize| label_w + (done * BAR_W).checked_div(total).unwrap_or(0);
        let mut done = 0usize;
        for (st, fill, ink) in SEGMENTS {
            let n = t.get(st);
            if n == 0 {
                continue;
            }
            let x0 = at(done);
            done += n;
            let w = at(done) - x0;
            s.push_str(&format!(
                "<rect x=\"{x0}\" y=\"{y}\" width=\"{w}\" height=\"{BAR_H}\" fill=\"{fill}\"><title>{} {}: {n}</title></rect>\n",
                esc(name),
                esc(r.status_label(st))
            ));
            let digits = n.to_string().len();
            if w >= digits * PX_PER_COL + 4 {
                s.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\">{n}</text>\n",
                    x0 + w / 2,
                    y + 13
                ));
            }
        }
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\"{weight}>{}</text>\n",
            label_w + BAR_W + 8,
            y + 13,
            esc(pct)
        ));
    }
    s.push_str("</svg>\n</figure>\n");
}

fn pct_text(r: &Report, d: &super::DomainRow) -> String {
    let l = labels(r.lang);
    format!(
        "{} {} · {} {}",
        l.checked_pct,
        percent_text(d.checked_pct()),
        l.compliance_pct,
        percent_text(d.compliance_pct())
    )
}

/// Escapes text for HTML content and attribute values; line breaks become `<br>`.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}
