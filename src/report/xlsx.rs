//! Excel (xlsx): sheets 整改台账 (first, the one people open), 领域汇总, 问题清单, 未涉及领域,
//! 报告信息 (the title block: unit, 区划代码 as text, round, …). The heading is also the printed
//! page header of every sheet and the workbook's title; the file's creation time is the report
//! date, so the same report gives the same bytes.
//!
//! Every sheet: a bold, filled header row, frozen; an autofilter over the table; column widths
//! from the display width of the longest line in the column (a Chinese character counts two,
//! as `unicode-width` measures it, because rust_xlsxwriter's autofit counts it as one), capped
//! at [`MAX_WIDTH`], with text wrapping so longer text stays readable. Text cells use the text
//! number format (`@`) so codes stay text; the ledger's dates (整改时限, 完成日期, 复核日期) are
//! date cells (`yyyy-mm-dd`) when well formed. The ledger has a title, the line with 被检查单位,
//! 轮次 and 检查日期, drop-downs on 整改状态 (the seven states), 逾期 (逾期, 逾期完成) and 冲突 —
//! each listing every value written there — and the signature line; overdue rows are filled
//! light red. Printing: A4, header row repeated on every page, one page wide, page numbers.

use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};

use super::{LedgerColumn, Report, ReportError, labels, state_word};
use crate::model::rectification::TaskState;
use crate::text::width;

/// Widest column, in character units.
pub const MAX_WIDTH: usize = 60;
/// Most characters Excel keeps in a cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Rows below the ledger that still get the 整改状态 drop-down, for rows people add by hand.
const SPARE_ROWS: u32 = 200;
/// A4 in Excel's paper-size numbering.
const PAPER_A4: u8 = 9;

/// One cell of a sheet.
enum Cell {
    Text(String),
    Number(f64),
    /// A date (shown `yyyy-mm-dd`), with the text it came from.
    Date(ExcelDateTime, String),
    /// A whole-percent value (`None`: no denominator, shown as `-`).
    Percent(Option<usize>),
}

impl Cell {
    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format!("{n}"),
            Cell::Date(_, text) => text.clone(),
            Cell::Percent(p) => super::percent_text(*p),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Overdue,
    Total,
}

struct Formats {
    header: Format,
    title: Format,
    subtitle: Format,
    sign: Format,
    text: [Format; 3],
    date: [Format; 3],
    number: [Format; 3],
    percent: [Format; 3],
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0x999999))
            .set_align(FormatAlign::Top)
            .set_text_wrap();
        let styled = |f: Format| -> [Format; 3] {
            [
                f.clone(),
                f.clone().set_background_color(Color::RGB(0xFDE2E2)),
                f.set_bold().set_background_color(Color::RGB(0xF2F2F2)),
            ]
        };
        Formats {
            header: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE7F0))
                .set_align(FormatAlign::Center),
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_align(FormatAlign::Left),
            sign: Format::new().set_align(FormatAlign::Left),
            text: styled(base.clone().set_num_format("@")),
            date: styled(
                base.clone()
                    .set_num_format("yyyy-mm-dd")
                    .set_align(FormatAlign::Left),
            ),
            number: styled(base.clone().set_align(FormatAlign::Right)),
            percent: styled(base.set_num_format("0%").set_align(FormatAlign::Right)),
        }
    }
}

fn idx(style: Style) -> usize {
    match style {
        Style::Plain => 0,
        Style::Overdue => 1,
        Style::Total => 2,
    }
}

/// Writes the report as an xlsx workbook.
pub fn write(r: &Report) -> Result<Vec<u8>, ReportError> {
    let l = labels(r.lang);
    let f = Formats::new();
    let mut wb = Workbook::new();
    let heading = r.heading();
    let mut props = DocProperties::new()
        .set_title(&heading)
        .set_author(&r.title.assessor)
        .set_company(&r.title.unit);
    if let Some(date) = report_date(&r.title.date) {
        props = props.set_creation_datetime(&date);
    }
    wb.set_properties(&props);
    // `&` starts a code in Excel's page header; Excel caps the header at 255 UTF-16 units.
    let page_header = format!("&C{}", heading.replace('&', "&&"));
    let page_header = (page_header.encode_utf16().count() <= 250).then_some(page_header);

    // 整改台账: a title, the line with 被检查单位 · 轮次 · 检查日期, the table, the signatures.
    let ws = wb.add_worksheet();
    ws.set_name(l.sheet_ledger)?;
    let rows: Vec<(Vec<Cell>, Style)> = r
        .ledger
        .iter()
        .map(|x| {
            let cells = LedgerColumn::ALL
                .iter()
                .map(|c| {
                    let text = r.ledger_cell(x, *c);
                    match c {
                        LedgerColumn::No => Cell::Number(x.no as f64),
                        c if c.is_date() => match excel_date(&text) {
                            Some(d) => Cell::Date(d, text),
                            None => Cell::Text(text),
                        },
                        _ => Cell::Text(text),
                    }
                })
                .collect();
            let style = if x.overdue {
                Style::Overdue
            } else {
                Style::Plain
            };
            (cells, style)
        })
        .collect();
    let headers = r.ledger_headers();
    let last_col = u16::try_from(headers.len() - 1).unwrap_or(0);
    ws.merge_range(0, 0, 0, last_col, &r.ledger_title(), &f.title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(1, 0, 1, last_col, &r.ledger_subtitle(), &f.subtitle)?;
    const TOP: u32 = 2;
    table_at(ws, &f, TOP, &headers, &rows, rows.len())?;
    let first = TOP + 1;
    let last = u32::try_from(rows.len())
        .unwrap_or(u32::MAX - SPARE_ROWS - first)
        .saturating_add(SPARE_ROWS + TOP);
    let col = |c: LedgerColumn| u16::try_from(c.index()).unwrap_or(0);
    // Drop-downs whose lists hold every value the columns are written with.
    let states: Vec<&str> = TaskState::ALL
        .iter()
        .map(|s| state_word(r.lang, *s))
        .collect();
    let lists: [(LedgerColumn, Vec<&str>, &str); 3] = [
        (LedgerColumn::State, states, l.validation_title),
        (
            LedgerColumn::Late,
            vec![l.overdue_word, l.completed_late_word],
            headers[LedgerColumn::Late.index()],
        ),
        (
            LedgerColumn::Conflict,
            vec![l.conflict_word],
            headers[LedgerColumn::Conflict.index()],
        ),
    ];
    for (c, values, title) in &lists {
        let dv = DataValidation::new()
            .allow_list_strings(values)?
            .set_input_title(*title)?
            .set_input_message(l.validation_message)?;
        ws.add_data_validation(first, col(*c), last, col(*c), &dv)?;
    }
    // The signatures, a row apart from the table (rows added by hand go above them).
    let sign_row = first + u32::try_from(rows.len()).unwrap_or(0) + 1;
    ws.write_string_with_format(sign_row, 0, l.signatures_ledger, &f.sign)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(TOP, TOP)?;

    // 领域汇总
    let ws = wb.add_worksheet();
    ws.set_name(l.sheet_domains)?;
    let domain_row = |d: &super::DomainRow, style: Style| -> (Vec<Cell>, Style) {
        let t = &d.tally;
        (
            vec![
                Cell::Text(d.name.clone()),
                Cell::Number(t.total() as f64),
                Cell::Number(t.compliant as f64),
                Cell::Number(t.partial as f64),
                Cell::Number(t.missing as f64),
                Cell::Number(t.not_applicable as f64),
                Cell::Number(t.unchecked as f64),
                Cell::Percent(d.checked_pct()),
                Cell::Percent(d.compliance_pct()),
            ],
            style,
        )
    };
    let mut rows: Vec<(Vec<Cell>, Style)> = r
        .domains
        .iter()
        .map(|d| domain_row(d, Style::Plain))
        .collect();
    rows.push(domain_row(&r.total, Style::Total));
    // The filter covers the domains, not the total row under them.
    table(ws, &f, &r.domain_headers(), &rows, r.domains.len())?;

    // 问题清单
    let ws = wb.add_worksheet();
    ws.set_name(l.sheet_problems)?;
    let rows: Vec<(Vec<Cell>, Style)> = r
        .problems
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut cells: Vec<Cell> = r
                .problem_cells(i + 1, p)
                .into_iter()
                .map(Cell::Text)
                .collect();
            if let Some(first) = cells.first_mut() {
                *first = Cell::Number((i + 1) as f64);
            }
            (cells, Style::Plain)
        })
        .collect();
    table(ws, &f, &r.problem_headers(), &rows, rows.len())?;
    ws.set_landscape();

    // 未涉及领域
    not_involved_sheet(&mut wb, &f, l, &r.not_involved)?;

    // 报告信息
    let ws = wb.add_worksheet();
    ws.set_name(l.sheet_info)?;
    let rows: Vec<(Vec<Cell>, Style)> = r
        .meta()
        .into_iter()
        .map(|(k, v)| (vec![Cell::Text(k.into()), Cell::Text(v)], Style::Plain))
        .collect();
    table(ws, &f, &[l.field, l.value], &rows, rows.len())?;

    // Every printed page: the heading on top, the page number and count below.
    for ws in wb.worksheets_mut() {
        if let Some(h) = &page_header {
            ws.set_header(h);
        }
        ws.set_footer(l.page_footer_xlsx);
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes the check table (自查表) as an xlsx workbook: sheet 自查表 (title, the line with unit,
/// round and date, the table with 检查时间 as a date-time, the signature line) and 未涉及领域.
pub fn write_table(t: &super::table::CheckTable) -> Result<Vec<u8>, ReportError> {
    let l = labels(t.lang);
    let f = Formats::new();
    let mut wb = Workbook::new();
    let heading = t.heading();
    let mut props = DocProperties::new()
        .set_title(&heading)
        .set_author(&t.title.assessor)
        .set_company(&t.title.unit);
    if let Some(date) = report_date(&t.title.date) {
        props = props.set_creation_datetime(&date);
    }
    wb.set_properties(&props);
    let stamp = Format::new()
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x999999))
        .set_align(FormatAlign::Top)
        .set_num_format("yyyy-mm-dd hh:mm")
        .set_align(FormatAlign::Left);
    let ws = wb.add_worksheet();
    ws.set_name(l.sheet_table)?;
    let headers = t.headers();
    let last_col = u16::try_from(headers.len() - 1).unwrap_or(0);
    ws.merge_range(0, 0, 0, last_col, &heading, &f.title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(1, 0, 1, last_col, &t.subtitle(), &f.subtitle)?;
    const TOP: u32 = 2;
    let rows: Vec<(Vec<Cell>, Style)> = t
        .rows
        .iter()
        .map(|r| {
            let cells = t
                .cells(r)
                .into_iter()
                .enumerate()
                .map(|(i, c)| match i {
                    0 => Cell::Number(r.no as f64),
                    _ => Cell::Text(c),
                })
                .collect();
            (cells, Style::Plain)
        })
        .collect();
    table_at(ws, &f, TOP, &headers, &rows, rows.len())?;
    // 检查时间 as a date-time Excel sorts and filters (China time).
    let col = u16::try_from(super::table::TIME_COLUMN).unwrap_or(0);
    for (row, r) in (TOP + 1..).zip(&t.rows) {
        if let Some(dt) = r.checked_millis.and_then(excel_datetime) {
            ws.write_datetime_with_format(row, col, &dt, &stamp)?;
        }
    }
    let sign_row = TOP + 2 + u32::try_from(t.rows.len()).unwrap_or(0);
    ws.write_string_with_format(sign_row, 0, l.signatures_table, &f.sign)?;
    ws.set_landscape();
    let page_header = format!("&C{}", heading.replace('&', "&&"));
    if page_header.encode_utf16().count() <= 250 {
        ws.set_header(&page_header);
    }
    ws.set_footer(l.page_footer_xlsx);

    not_involved_sheet(&mut wb, &f, l, &t.not_involved)?;
    Ok(wb.save_to_buffer()?)
}

/// The 未涉及领域 sheet: each domain marked 不涉及 with its reason.
fn not_involved_sheet(
    wb: &mut Workbook,
    f: &Formats,
    l: &super::Labels,
    not_involved: &[super::NotInvolved],
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet();
    ws.set_name(l.sheet_not_involved)?;
    let rows: Vec<(Vec<Cell>, Style)> = not_involved
        .iter()
        .map(|n| {
            (
                vec![Cell::Text(n.name.clone()), Cell::Text(n.reason.clone())],
                Style::Plain,
            )
        })
        .collect();
    table(ws, f, &[l.domain, l.reason], &rows, rows.len())?;
    Ok(())
}

/// A time (milliseconds since 1970) in China time as an Excel date-time.
fn excel_datetime(millis: u64) -> Option<ExcelDateTime> {
    let t = crate::clock::china(millis)?;
    ExcelDateTime::from_ymd(u16::try_from(t.year()).ok()?, u8::from(t.month()), t.day())
        .ok()?
        .and_hms(u16::from(t.hour()), t.minute(), t.second())
        .ok()
}

/// Writes a header row and the rows, with widths, frozen header, an autofilter over the header
/// and the first `filtered` rows, and print settings.
fn table(
    ws: &mut Worksheet,
    f: &Formats,
    headers: &[&str],
    rows: &[(Vec<Cell>, Style)],
    filtered: usize,
) -> Result<(), XlsxError> {
    table_at(ws, f, 0, headers, rows, filtered)
}

/// [`table`] with the header row at `top`.
fn table_at(
    ws: &mut Worksheet,
    f: &Formats,
    top: u32,
    headers: &[&str],
    rows: &[(Vec<Cell>, Style)],
    filtered: usize,
) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = headers.iter().map(|h| cell_width(h)).collect();
    for (c, h) in (0u16..).zip(headers) {
        ws.write_string_with_format(top, c, *h, &f.header)?;
    }
    for (r, (cells, style)) in (top + 1..).zip(rows) {
        let s = idx(*style);
        for (c, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(t) => ws.write_string_with_format(r, c, fit(t), &f.text[s])?,
                Cell::Date(d, _) => ws.write_datetime_with_format(r, c, d, &f.date[s])?,
                Cell::Number(n) => ws.write_number_with_format(r, c, *n, &f.number[s])?,
                Cell::Percent(Some(p)) => {
                    ws.write_number_with_format(r, c, *p as f64 / 100.0, &f.percent[s])?
                }
                Cell::Percent(None) => ws.write_string_with_format(r, c, "-", &f.number[s])?,
            };
            if let Some(w) = widths.get_mut(usize::from(c)) {
                *w = (*w).max(cell_width(&cell.shown()));
            }
        }
    }
    for (c, w) in (0u16..).zip(&widths) {
        ws.set_column_width(c, column_width(*w))?;
    }
    let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(0);
    ws.set_freeze_panes(top + 1, 0)?;
    ws.autofilter(
        top,
        0,
        top.saturating_add(u32::try_from(filtered).unwrap_or(0)),
        last_col,
    )?;
    ws.set_paper_size(PAPER_A4);
    ws.set_repeat_rows(top, top)?;
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The report date (`YYYY-MM-DD`) as the workbook's creation time.
fn report_date(date: &str) -> Option<ExcelDateTime> {
    excel_date(date)
}

/// A well-formed `YYYY-MM-DD` date as an Excel date (checked with the `time` crate).
fn excel_date(text: &str) -> Option<ExcelDateTime> {
    if !crate::model::rectification::is_date(text) {
        return None;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(text, &format).ok()?;
    ExcelDateTime::from_ymd(u16::try_from(d.year()).ok()?, u8::from(d.month()), d.day()).ok()
}

/// Text cut to what an Excel cell holds (32,767 characters), marked when cut.
fn fit(t: &str) -> String {
    if t.chars().count() <= MAX_CELL_CHARS {
        return t.to_string();
    }
    let mut cut: String = t.chars().take(MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Display width of the longest line.
fn cell_width(s: &str) -> usize {
    s.lines().map(width).max().unwrap_or(0)
}

/// Column width in Excel character units for text of `display` columns: capped, with padding
/// for the filter button.
fn column_width(display: usize) -> f64 {
    (display.clamp(4, MAX_WIDTH) + 3) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_what_a_cell_holds() {
        let long = "字".repeat(MAX_CELL_CHARS + 10);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(fit("短"), "短");
    }

    #[test]
    fn widths_count_chinese_as_two_and_are_capped() {
        assert_eq!(cell_width("就业\nab"), 4);
        assert_eq!(column_width(4), 7.0);
        assert_eq!(column_width(500), (MAX_WIDTH + 3) as f64);
    }
}
