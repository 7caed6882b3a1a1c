//! The check table (自查表; for an inspection, 检查表): every item of every involved domain
//! with its catalogue columns and the result, ready to print and sign. Built once from an
//! assessment ([`CheckTable::build`]); written as xlsx, HTML (A4 landscape, a signature block
//! and a place for the seal), CSV (the table alone, so a spreadsheet filters it) or Markdown.

use crate::cli::Lang;
use crate::library::Library;
use crate::model::assessment::{Assessment, Evidence, Kind};
use crate::model::doc::{Body, DocKind};
use crate::model::status::Status;
use crate::text::sanitize;
use crate::ui::strings::strings;

use super::{DomainRow, NotInvolved, Report, Title, clean_evidence, domain_tally, multi};

/// One item of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// 序号, from 1.
    pub no: usize,
    pub checklist: String,
    pub domain: String,
    pub item_id: String,
    /// 一级事项.
    pub level1: String,
    /// 二级事项 as [`crate::model::catalogue::Catalogue::labels`] tells it apart.
    pub level2: String,
    /// 公开内容, with its elements (必选/可选).
    pub content: String,
    /// 公开依据, one a line.
    pub basis: String,
    pub time_limit: String,
    pub publisher: String,
    /// 公开渠道, required ones marked.
    pub channels: String,
    pub status: Status,
    pub findings: Vec<String>,
    pub note: String,
    pub evidence: Vec<Evidence>,
    /// Who recorded the result (the winning revision's author).
    pub checker: String,
    /// When, `YYYY-MM-DD HH:MM` China time; empty when unchecked.
    pub checked_at: String,
    /// The same as milliseconds since 1970, for spreadsheets.
    pub checked_millis: Option<u64>,
}

/// The check table of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckTable {
    pub lang: Lang,
    pub title: Title,
    pub rows: Vec<TableRow>,
    /// Per involved domain and in total: the figures of the report ([`domain_tally`]).
    pub domains: Vec<DomainRow>,
    pub total: DomainRow,
    pub not_involved: Vec<NotInvolved>,
}

/// The table's columns, in order.
pub const COLUMNS: usize = 15;

impl CheckTable {
    /// Builds the table: involved domains in the library's order, items in catalogue order
    /// (a domain whose catalogue is missing: its results by id).
    pub fn build(a: &Assessment, library: &Library, today: &str, lang: Lang) -> CheckTable {
        // The title block, domain figures and 不涉及 list are the report's.
        let report = Report::build(a, library, today, lang);
        let s = strings(lang);
        let one = |t: &str| sanitize(t, false);
        let mut rows = Vec::new();
        for d in &report.domains {
            let mut push = |item_id: &str, fields: [String; 7]| {
                let [
                    level1,
                    level2,
                    content,
                    basis,
                    time_limit,
                    publisher,
                    channels,
                ] = fields;
                let doc = a.result_doc(&d.checklist, item_id);
                let winner = doc.and_then(|doc| doc.winner()).filter(|r| !r.deleted);
                let result = winner.and_then(|r| r.body.as_result());
                let checked = result.is_some_and(|r| r.status.is_checked());
                let millis = winner.filter(|_| checked).map(|r| r.hlc.millis);
                rows.push(TableRow {
                    no: rows.len() + 1,
                    checklist: d.checklist.clone(),
                    domain: d.name.clone(),
                    item_id: one(item_id),
                    level1,
                    level2,
                    content,
                    basis,
                    time_limit,
                    publisher,
                    channels,
                    status: result.map_or(Status::Unchecked, |r| r.status),
                    findings: result
                        .map(|r| r.findings.iter().map(|f| one(f)).collect())
                        .unwrap_or_default(),
                    note: result.map(|r| multi(&r.note)).unwrap_or_default(),
                    evidence: result
                        .map(|r| r.evidence.iter().map(clean_evidence).collect())
                        .unwrap_or_default(),
                    checker: winner
                        .filter(|_| checked)
                        .map(|r| one(&r.author.name))
                        .unwrap_or_default(),
                    checked_at: millis.map(crate::clock::local_time).unwrap_or_default(),
                    checked_millis: millis,
                });
            };
            match library.get(&d.checklist) {
                Some(e) => {
                    for (item, label) in e.catalogue.items.iter().zip(&e.labels) {
                        push(
                            &item.id,
                            [
                                one(&item.level1),
                                one(&label.to_string()),
                                multi(&crate::ui::row::content_text(item, s)),
                                multi(&item.basis.join("\n")),
                                multi(&item.time_limit),
                                multi(&item.publisher),
                                one(&crate::ui::row::channels_text(item, s, false)),
                            ],
                        );
                    }
                }
                None => {
                    let mut ids: Vec<String> = a
                        .docs
                        .of_kind(DocKind::Result)
                        .filter_map(|(_, doc)| doc.current().and_then(Body::as_result))
                        .filter(|r| r.checklist == d.checklist)
                        .map(|r| r.item.clone())
                        .collect();
                    ids.sort();
                    ids.dedup();
                    for id in ids {
                        push(&id, Default::default());
                    }
                }
            }
        }
        // The figures are the report's own (one source): checked against the rows here.
        debug_assert_eq!(
            report
                .domains
                .iter()
                .map(|d| domain_tally(a, library, &d.checklist).total())
                .sum::<usize>(),
            rows.len()
        );
        CheckTable {
            lang,
            title: report.title,
            rows,
            domains: report.domains,
            total: report.total,
            not_involved: report.not_involved,
        }
    }

    /// The heading, e.g. `胡集镇人民政府 政务公开自查表`.
    pub fn heading(&self) -> String {
        let l = super::labels(self.lang);
        let word = match self.title.kind {
            Kind::SelfCheck => l.table_self_check,
            Kind::Inspection => l.table_inspection,
        };
        match self.lang {
            Lang::Zh => format!("{} {word}", self.title.unit),
            Lang::En => format!("{word}: {}", self.title.unit),
        }
    }

    /// The line under the heading: 单位, 轮次, 检查日期 (and 区划代码 when known).
    pub fn subtitle(&self) -> String {
        let l = super::labels(self.lang);
        let t = &self.title;
        let mut parts = vec![(l.unit, t.unit.clone())];
        if let Some(code) = &t.division_code {
            parts.push((l.division_code, code.clone()));
        }
        parts.push((l.round, t.round.clone()));
        parts.push((l.checked_on, t.checked_on.clone()));
        parts
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}{}{v}", l.colon))
            .collect::<Vec<_>>()
            .join("  ")
    }

    /// The column headers.
    pub fn headers(&self) -> [&'static str; COLUMNS] {
        super::labels(self.lang).table_headers
    }

    /// The text cells of a row (findings joined with `、`, evidence by name one a line).
    pub fn cells(&self, r: &TableRow) -> [String; COLUMNS] {
        [
            r.no.to_string(),
            r.domain.clone(),
            r.level1.clone(),
            r.level2.clone(),
            r.content.clone(),
            r.basis.clone(),
            r.time_limit.clone(),
            r.publisher.clone(),
            r.channels.clone(),
            strings(self.lang).status(r.status).to_string(),
            r.findings.join(match self.lang {
                Lang::Zh => "、",
                Lang::En => ", ",
            }),
            r.note.clone(),
            super::evidence_names(&r.evidence),
            r.checker.clone(),
            r.checked_at.clone(),
        ]
    }
}

/// Index of 检查结果 among the columns.
pub const STATUS_COLUMN: usize = 9;
/// Index of 检查时间.
pub const TIME_COLUMN: usize = 14;

/// CSV: the table alone (UTF-8 with BOM, CRLF, formula guard), one row per item.
pub fn write_csv(t: &CheckTable) -> Result<Vec<u8>, super::ReportError> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(super::csv::BOM.to_vec());
    w.write_record(t.headers())?;
    for r in &t.rows {
        w.write_record(t.cells(r).iter().map(|c| super::formula_safe(c)))?;
    }
    w.into_inner()
        .map_err(|e| super::ReportError::Csv(::csv::Error::from(e.into_error())))
}

/// Markdown: heading, the line with unit, round and date, the table, 未涉及领域, signatures.
pub fn write_md(t: &CheckTable) -> Vec<u8> {
    let l = super::labels(t.lang);
    let esc = super::md::esc;
    let mut s = format!("# {}\n\n{}\n\n", esc(&t.heading()), esc(&t.subtitle()));
    let rows: Vec<Vec<String>> = t.rows.iter().map(|r| t.cells(r).to_vec()).collect();
    super::md::plain_table(&mut s, &t.headers(), &rows);
    if !t.not_involved.is_empty() {
        s.push_str(&format!("## {}\n\n", l.sec_not_involved_plain));
        super::md::not_involved_list(&mut s, &t.not_involved, t.lang);
    }
    s.push_str(&format!("{}\n", l.signatures_table));
    s.into_bytes()
}
