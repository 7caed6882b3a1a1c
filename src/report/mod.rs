//! Reports and the rectification ledger (整改台账): pure functions from an assessment to bytes.
//!
//! [`Report::build`] reads an assessment once (current winners only) and produces plain data;
//! the writers turn that data into a file:
//!
//! | format | what it holds |
//! |---|---|
//! | Markdown | everything: title block, 领域汇总 (+ 合计), for an inspection 自查与复查对比, 未涉及领域事项说明, 发现的问题, 整改台账, signatures |
//! | HTML | the same as Markdown, plus a stacked bar chart per domain (inline SVG); one self-contained file that prints on A4 (numbered pages, running head, signatures) |
//! | CSV | the 整改台账 only (one table per file, so Excel's filter and sort work); UTF-8 with BOM |
//! | xlsx | sheets 整改台账 (first; title, real dates, drop-downs, signatures), 领域汇总, 问题清单, 未涉及领域, 报告信息 (title block) |
//!
//! [`table::CheckTable`] is the other export, the 自查表: every item with its catalogue columns
//! and result ([`render_table`]).
//!
//! Only [`command`] touches files and the clock.

mod csv;
pub use csv::formula_safe;
mod html;
mod md;
pub mod table;
mod xlsx;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::cli::{Lang, ReportFormat};
use crate::command::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK};
use crate::library::Library;
use crate::model::assessment::{Assessment, DomainChoice, Evidence, Kind, TaskView};
use crate::model::doc::{Body, DocKey, DocKind};
use crate::model::rectification::TaskState;
use crate::model::status::{Status, Tally};
use crate::store::{Store, load_assessment};
use crate::text::sanitize;
use crate::ui::strings::strings;

/// What can go wrong while rendering a report (writing to memory; file errors are handled by
/// [`command`]).
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("cannot make the Excel file: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot make the CSV file: {0}")]
    Csv(#[from] ::csv::Error),
}

/// The title block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub unit: String,
    pub division_code: Option<String>,
    pub county: String,
    pub kind: Kind,
    pub round: String,
    pub assessor: String,
    /// The report date, `YYYY-MM-DD` (the `today` given to [`Report::build`]).
    pub date: String,
    /// The assessment id.
    pub id: String,
    /// 检查日期: the day (or first and last day) the results were recorded; the creation
    /// day when there is none.
    pub checked_on: String,
}

/// One involved domain (or the total row) of the 领域汇总 table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    /// Catalogue id (empty for the total row).
    pub checklist: String,
    /// Domain name; the catalogue id with a note when the catalogue is not in the library.
    pub name: String,
    /// Status counts over the catalogue's items.
    pub tally: Tally,
}

impl DomainRow {
    /// 检查进度: checked items / items, in whole percent (rounded down); `None` without items.
    pub fn checked_pct(&self) -> Option<usize> {
        self.tally.checked_pct()
    }

    /// 落实率: 已落实 / (checked − 不适用), in whole percent (rounded down); `None` when no
    /// checked item applies.
    pub fn compliance_pct(&self) -> Option<usize> {
        self.tally.compliance_pct()
    }
}

/// A percentage as text: `66%`, or `-` when there is no denominator.
pub fn percent_text(p: Option<usize>) -> String {
    p.map_or_else(|| "-".into(), |p| format!("{p}%"))
}

/// A domain marked 不涉及, for the 未涉及领域事项说明.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInvolved {
    pub checklist: String,
    pub name: String,
    /// The reason given (empty when none was given).
    pub reason: String,
}

/// An item checked as 部分落实 or 未落实.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub checklist: String,
    pub domain: String,
    pub item_id: String,
    /// 一级事项 / 二级事项 (/ 三级事项); the item id when the catalogue does not have it.
    pub item: String,
    pub status: Status,
    /// The result waits for a decision between concurrent versions (shown: the winner).
    pub conflict: bool,
    pub findings: Vec<String>,
    pub note: String,
    pub evidence: Vec<Evidence>,
    /// Inspection: the township's note and evidence, carried when its answer was taken.
    pub township_note: String,
    pub township_evidence: Vec<Evidence>,
}

/// An inspection beside the self-check it reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// False when the self-check is not at hand (nothing below is filled then).
    pub self_check_found: bool,
    /// Per involved domain of the inspection, in its order.
    pub domains: Vec<CompareRow>,
    pub total: CompareRow,
    /// The items whose verdicts differ, in domain and catalogue order.
    pub items: Vec<DiffItem>,
}

/// One domain: the township's counts, the inspector's, and how many verdicts differ.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompareRow {
    pub name: String,
    pub township: Tally,
    pub inspector: Tally,
    pub differs: usize,
}

/// An item the township and the inspector judged differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffItem {
    pub domain: String,
    pub item: String,
    pub township: Status,
    pub inspector: Status,
    pub township_note: String,
    pub township_evidence: Vec<Evidence>,
    pub note: String,
    pub evidence: Vec<Evidence>,
}

/// The sections of a report, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Domains,
    Compare,
    NotInvolved,
    Problems,
    Ledger,
}

/// The columns of the 整改台账, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerColumn {
    /// 序号.
    No,
    /// 被检查单位.
    Unit,
    /// 领域.
    Domain,
    /// 一级/二级事项.
    Item,
    /// 问题类型.
    Findings,
    /// 问题描述.
    Description,
    /// 整改要求.
    Requirement,
    /// 责任单位.
    ResponsibleUnit,
    /// 责任人.
    ResponsiblePerson,
    /// 整改时限.
    Deadline,
    /// 整改情况.
    Response,
    /// 整改佐证.
    Evidence,
    /// 完成日期.
    Completed,
    /// 整改状态: the state word only.
    State,
    /// 逾期: 逾期 (open past its deadline) or 逾期完成 (finished after it).
    Late,
    /// 复核意见 (or why the task was withdrawn).
    ReviewComment,
    /// 复核人.
    Reviewer,
    /// 复核日期.
    ReviewDate,
    /// 冲突: versions of the task or its response wait for a decision.
    Conflict,
}

impl LedgerColumn {
    /// Every column, in order.
    pub const ALL: [LedgerColumn; 19] = [
        LedgerColumn::No,
        LedgerColumn::Unit,
        LedgerColumn::Domain,
        LedgerColumn::Item,
        LedgerColumn::Findings,
        LedgerColumn::Description,
        LedgerColumn::Requirement,
        LedgerColumn::ResponsibleUnit,
        LedgerColumn::ResponsiblePerson,
        LedgerColumn::Deadline,
        LedgerColumn::Response,
        LedgerColumn::Evidence,
        LedgerColumn::Completed,
        LedgerColumn::State,
        LedgerColumn::Late,
        LedgerColumn::ReviewComment,
        LedgerColumn::Reviewer,
        LedgerColumn::ReviewDate,
        LedgerColumn::Conflict,
    ];

    /// The column's place, from 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for the columns that hold a date (`YYYY-MM-DD` when well formed).
    pub fn is_date(self) -> bool {
        matches!(
            self,
            LedgerColumn::Deadline | LedgerColumn::Completed | LedgerColumn::ReviewDate
        )
    }
}

/// Whether a task was late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lateness {
    #[default]
    InTime,
    /// 逾期: open and past its deadline on the report date.
    Overdue,
    /// 逾期完成: finished (已整改 or 已复核) on a date after its deadline.
    CompletedLate,
}

/// One row of the 整改台账.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// 序号, from 1.
    pub no: usize,
    /// 被检查单位.
    pub unit: String,
    pub checklist: String,
    pub domain: String,
    pub item_id: String,
    pub item: String,
    pub findings: Vec<String>,
    pub description: String,
    pub requirement: String,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub deadline: String,
    /// 整改情况: what the township says it did (for the round it answered).
    pub response: String,
    pub state: TaskState,
    /// Open and past its deadline on the report date.
    pub overdue: bool,
    /// Finished after its deadline.
    pub completed_late: bool,
    /// The task or its response waits for a decision between concurrent versions.
    pub conflict: bool,
    pub completed: String,
    pub evidence: Vec<Evidence>,
    /// 复核意见, or why the task was withdrawn.
    pub review_comment: String,
    pub reviewer: String,
    pub review_date: String,
}

impl LedgerRow {
    /// 逾期, 逾期完成, or in time.
    pub fn lateness(&self) -> Lateness {
        if self.overdue {
            Lateness::Overdue
        } else if self.completed_late {
            Lateness::CompletedLate
        } else {
            Lateness::InTime
        }
    }
}

/// A report: everything the writers show, built once from an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub lang: Lang,
    pub title: Title,
    /// Involved domains in the assessment's order.
    pub domains: Vec<DomainRow>,
    /// The sum of `domains`.
    pub total: DomainRow,
    pub not_involved: Vec<NotInvolved>,
    pub problems: Vec<Problem>,
    pub ledger: Vec<LedgerRow>,
    /// Documents with unresolved conflicts (the report shows the winning revisions).
    pub conflicts: usize,
    /// An inspection beside its self-check (`None` for a self-check).
    pub comparison: Option<Comparison>,
}

impl Report {
    /// Builds the report of `a`. `today` (`YYYY-MM-DD`) is the report date and decides which
    /// tasks are overdue. Domains come in the assessment's order, items in catalogue order;
    /// an item whose catalogue is not in `library` still appears under its ids (the items that
    /// have a result). Counts and problems cover the catalogue's current items: a result kept
    /// for an item a newer catalogue version dropped (已停用) is no longer a requirement.
    pub fn build(a: &Assessment, library: &Library, today: &str, lang: Lang) -> Report {
        Report::build_beside(a, None, library, today, lang)
    }

    /// [`Report::build`] with, for an inspection, the self-check it reviews beside it: the
    /// counts of both per domain, the items whose verdicts differ, the township's own words.
    pub fn build_beside(
        a: &Assessment,
        reviewed: Option<&Assessment>,
        library: &Library,
        today: &str,
        lang: Lang,
    ) -> Report {
        let one = |s: &str| sanitize(s, false);
        let unit = a.unit();
        let title = Title {
            unit: one(&unit.name),
            division_code: unit
                .division_code
                .as_deref()
                .map(one)
                .filter(|c| !c.trim().is_empty()),
            county: one(&unit.county),
            kind: a.kind,
            round: one(a.round()),
            assessor: one(a.assessor()),
            date: one(today),
            id: one(&a.id),
            checked_on: checked_on(a, lang),
        };
        let l = labels(lang);
        let domain_name = |id: &str| match library.get(id) {
            Some(e) => one(&e.catalogue.name),
            None => format!("{}{}", one(id), l.catalogue_missing),
        };

        let mut domains = Vec::new();
        let mut total = Tally::default();
        let mut problems = Vec::new();
        let choices = library.order(a.domains(), |d| d.checklist.as_str());
        for d in choices.iter().filter(|d| d.involved) {
            let name = domain_name(&d.checklist);
            let items = item_list(a, library, &d.checklist);
            let tally = a.tally(&d.checklist, items.iter().map(|(id, _)| id.as_str()));
            total.merge(&tally);
            for (id, label) in &items {
                let Some(r) = a.result(&d.checklist, id) else {
                    continue;
                };
                if !r.status.is_problem() {
                    continue;
                }
                problems.push(Problem {
                    checklist: one(&d.checklist),
                    domain: name.clone(),
                    item_id: one(id),
                    item: label.clone(),
                    status: r.status,
                    conflict: a.has_conflict(&DocKey::item(DocKind::Result, &d.checklist, id)),
                    findings: r.findings.iter().map(|f| one(f)).collect(),
                    note: multi(&r.note),
                    evidence: r.evidence.iter().map(clean_evidence).collect(),
                    township_note: multi(&r.township_note),
                    township_evidence: r.township_evidence.iter().map(clean_evidence).collect(),
                });
            }
            domains.push(DomainRow {
                checklist: one(&d.checklist),
                name,
                tally,
            });
        }
        let not_involved = choices
            .iter()
            .filter(|d| !d.involved)
            .map(|d| NotInvolved {
                checklist: one(&d.checklist),
                name: domain_name(&d.checklist),
                reason: d.reason.as_deref().map(multi).unwrap_or_default(),
            })
            .collect();

        let ledger = ledger(a, library, &choices, today, &domain_name);
        let conflicts = a.conflict_count();
        let comparison = (a.kind == Kind::Inspection).then(|| {
            compare(
                a,
                reviewed.filter(|r| Some(r.id.as_str()) == a.reviews()),
                library,
                &domains,
                lang,
            )
        });
        Report {
            lang,
            title,
            domains,
            total: DomainRow {
                checklist: String::new(),
                name: l.total.into(),
                tally: total,
            },
            not_involved,
            problems,
            ledger,
            conflicts,
            comparison,
        }
    }

    /// The sections this report has, in order.
    pub fn sections(&self) -> Vec<Section> {
        let mut v = vec![Section::Domains];
        if self.comparison.is_some() {
            v.push(Section::Compare);
        }
        v.extend([Section::NotInvolved, Section::Problems, Section::Ledger]);
        v
    }

    /// A section's numbered title, e.g. `二、自查与复查对比`.
    pub fn section_title(&self, which: Section) -> String {
        let l = labels(self.lang);
        let n = self
            .sections()
            .iter()
            .position(|s| *s == which)
            .unwrap_or(0);
        let name = match which {
            Section::Domains => l.sec_domains,
            Section::Compare => l.sec_compare,
            Section::NotInvolved => l.sec_not_involved,
            Section::Problems => l.sec_problems,
            Section::Ledger => l.sec_ledger,
        };
        match self.lang {
            Lang::Zh => {
                const NUMERALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
                format!("{}、{name}", NUMERALS.get(n).copied().unwrap_or("十"))
            }
            Lang::En => format!("{}. {name}", n + 1),
        }
    }

    /// The 自查与复查对比 headers.
    pub fn compare_headers(&self) -> [&'static str; 13] {
        labels(self.lang).compare_headers
    }

    /// The cells of a 自查与复查对比 row.
    pub fn compare_cells(&self, r: &CompareRow) -> [String; 13] {
        let (t, i) = (&r.township, &r.inspector);
        [
            r.name.clone(),
            i.total().to_string(),
            t.compliant.to_string(),
            t.partial.to_string(),
            t.missing.to_string(),
            t.not_applicable.to_string(),
            t.unchecked.to_string(),
            i.compliant.to_string(),
            i.partial.to_string(),
            i.missing.to_string(),
            i.not_applicable.to_string(),
            i.unchecked.to_string(),
            r.differs.to_string(),
        ]
    }

    /// The headers of the items whose verdicts differ.
    pub fn diff_headers(&self) -> [&'static str; 9] {
        labels(self.lang).diff_headers
    }

    /// The cells of an item whose verdicts differ; `no` counts from 1.
    pub fn diff_cells(&self, no: usize, d: &DiffItem) -> [String; 9] {
        [
            no.to_string(),
            d.domain.clone(),
            d.item.clone(),
            self.status_label(d.township).to_string(),
            self.status_label(d.inspector).to_string(),
            d.township_note.clone(),
            evidence_names(&d.township_evidence),
            d.note.clone(),
            evidence_names(&d.evidence),
        ]
    }

    /// The report's heading, e.g. `胡集镇人民政府 政务公开自查报告`.
    pub fn heading(&self) -> String {
        let kind = self.kind_label();
        match self.lang {
            Lang::Zh => format!("{} 政务公开{kind}报告", self.title.unit),
            Lang::En => format!("Government openness {kind} report: {}", self.title.unit),
        }
    }

    /// 自查 / 回头看.
    pub fn kind_label(&self) -> &'static str {
        let s = strings(self.lang);
        match self.title.kind {
            Kind::SelfCheck => s.kind_self_check,
            Kind::Inspection => s.kind_inspection,
        }
    }

    /// The title block as (label, value) pairs, in display order; empty values are left out.
    pub fn meta(&self) -> Vec<(&'static str, String)> {
        let l = labels(self.lang);
        let t = &self.title;
        let mut v = vec![(l.unit, t.unit.clone())];
        if let Some(code) = &t.division_code {
            v.push((l.division_code, code.clone()));
        }
        v.push((l.county, t.county.clone()));
        v.push((l.kind, self.kind_label().to_string()));
        v.push((l.round, t.round.clone()));
        v.push((l.assessor, t.assessor.clone()));
        v.push((l.checked_on, t.checked_on.clone()));
        v.push((l.date, t.date.clone()));
        if self.conflicts > 0 {
            v.push((l.conflicts_label, self.conflicts.to_string()));
        }
        v.retain(|(_, value)| !value.trim().is_empty());
        v
    }

    /// The status word of the report's language.
    pub fn status_label(&self, st: Status) -> &'static str {
        strings(self.lang).status(st)
    }

    /// The 整改状态 cell of a ledger row: the state word alone (逾期 and 冲突 have columns of
    /// their own, so a spreadsheet's drop-down and filter see one value per column).
    pub fn state_label(&self, row: &LedgerRow) -> &'static str {
        state_word(self.lang, row.state)
    }

    /// The 逾期 cell: 逾期, 逾期完成, or empty.
    pub fn lateness_label(&self, row: &LedgerRow) -> &'static str {
        let l = labels(self.lang);
        match row.lateness() {
            Lateness::InTime => "",
            Lateness::Overdue => l.overdue_word,
            Lateness::CompletedLate => l.completed_late_word,
        }
    }

    /// The 冲突 cell: 有冲突 or empty.
    pub fn conflict_label(&self, row: &LedgerRow) -> &'static str {
        if row.conflict {
            labels(self.lang).conflict_word
        } else {
            ""
        }
    }

    /// The ledger headers, in column order.
    pub fn ledger_headers(&self) -> [&'static str; 19] {
        labels(self.lang).ledger_headers
    }

    /// The text cells of a ledger row, in column order (findings joined with `、`; evidence
    /// one piece a line: a file by its name, a web address, a text).
    pub fn ledger_cells(&self, row: &LedgerRow) -> [String; 19] {
        LedgerColumn::ALL.map(|c| self.ledger_cell(row, c))
    }

    /// One text cell of a ledger row.
    pub fn ledger_cell(&self, row: &LedgerRow, column: LedgerColumn) -> String {
        match column {
            LedgerColumn::No => row.no.to_string(),
            LedgerColumn::Unit => row.unit.clone(),
            LedgerColumn::Domain => row.domain.clone(),
            LedgerColumn::Item => row.item.clone(),
            LedgerColumn::Findings => join_findings(&row.findings, self.lang),
            LedgerColumn::Description => row.description.clone(),
            LedgerColumn::Requirement => row.requirement.clone(),
            LedgerColumn::ResponsibleUnit => row.responsible_unit.clone(),
            LedgerColumn::ResponsiblePerson => row.responsible_person.clone(),
            LedgerColumn::Deadline => row.deadline.clone(),
            LedgerColumn::Response => row.response.clone(),
            LedgerColumn::Evidence => evidence_names(&row.evidence),
            LedgerColumn::Completed => row.completed.clone(),
            LedgerColumn::State => self.state_label(row).to_string(),
            LedgerColumn::Late => self.lateness_label(row).to_string(),
            LedgerColumn::ReviewComment => row.review_comment.clone(),
            LedgerColumn::Reviewer => row.reviewer.clone(),
            LedgerColumn::ReviewDate => row.review_date.clone(),
            LedgerColumn::Conflict => self.conflict_label(row).to_string(),
        }
    }

    /// The ledger's title, e.g. `胡集镇人民政府 整改台账`.
    pub fn ledger_title(&self) -> String {
        let l = labels(self.lang);
        format!("{} {}", self.title.unit, l.ledger_word)
    }

    /// The line under the ledger's title: 被检查单位, 轮次, 检查日期.
    pub fn ledger_subtitle(&self) -> String {
        let l = labels(self.lang);
        let t = &self.title;
        [
            (l.inspected_unit, &t.unit),
            (l.round, &t.round),
            (l.checked_on, &t.checked_on),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}{}{v}", l.colon))
        .collect::<Vec<_>>()
        .join("  ")
    }

    /// The 领域汇总 headers.
    pub fn domain_headers(&self) -> [&'static str; 9] {
        let l = labels(self.lang);
        [
            l.domain,
            l.items,
            self.status_label(Status::Compliant),
            self.status_label(Status::Partial),
            self.status_label(Status::Missing),
            self.status_label(Status::NotApplicable),
            self.status_label(Status::Unchecked),
            l.checked_pct,
            l.compliance_pct,
        ]
    }

    /// The text cells of a 领域汇总 row.
    pub fn domain_cells(&self, row: &DomainRow) -> [String; 9] {
        let t = &row.tally;
        [
            row.name.clone(),
            t.total().to_string(),
            t.compliant.to_string(),
            t.partial.to_string(),
            t.missing.to_string(),
            t.not_applicable.to_string(),
            t.unchecked.to_string(),
            percent_text(row.checked_pct()),
            percent_text(row.compliance_pct()),
        ]
    }

    /// The 问题清单 headers; an inspection adds the township's note and evidence (what it
    /// wrote, carried when its answer was taken), beside the inspector's own.
    pub fn problem_headers(&self) -> Vec<&'static str> {
        let l = labels(self.lang);
        let mut v = vec![
            l.no, l.domain, l.item, l.result, l.findings, l.note, l.evidence,
        ];
        if self.title.kind == Kind::Inspection {
            v.extend([l.township_note, l.township_evidence]);
        }
        v
    }

    /// The text cells of a 问题清单 row; `no` counts from 1.
    pub fn problem_cells(&self, no: usize, p: &Problem) -> Vec<String> {
        let mut v = vec![
            no.to_string(),
            p.domain.clone(),
            p.item.clone(),
            self.status_label(p.status).to_string(),
            join_findings(&p.findings, self.lang),
            p.note.clone(),
            evidence_names(&p.evidence),
        ];
        if self.title.kind == Kind::Inspection {
            v.extend([
                p.township_note.clone(),
                evidence_names(&p.township_evidence),
            ]);
        }
        v
    }
}

/// Renders a report in one format.
pub fn render(report: &Report, format: ReportFormat) -> Result<Vec<u8>, ReportError> {
    match format {
        ReportFormat::Md => Ok(md::write(report)),
        ReportFormat::Html => Ok(html::write(report)),
        ReportFormat::Csv => csv::write(report),
        ReportFormat::Xlsx => xlsx::write(report),
    }
}

/// Renders the check table (自查表) in one format.
pub fn render_table(t: &table::CheckTable, format: ReportFormat) -> Result<Vec<u8>, ReportError> {
    match format {
        ReportFormat::Md => Ok(table::write_md(t)),
        ReportFormat::Html => Ok(html::write_table(t)),
        ReportFormat::Csv => table::write_csv(t),
        ReportFormat::Xlsx => xlsx::write_table(t),
    }
}

/// The format a file name asks for, by its extension (`.md`, `.html`/`.htm`, `.csv`, `.xlsx`;
/// any case).
pub fn format_for(path: &Path) -> Option<ReportFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => Some(ReportFormat::Md),
        "html" | "htm" => Some(ReportFormat::Html),
        "csv" => Some(ReportFormat::Csv),
        "xlsx" => Some(ReportFormat::Xlsx),
        _ => None,
    }
}

/// The status counts of one domain of an assessment, as its report shows them: over the
/// catalogue's current items (without the catalogue: the items that have a result).
pub fn domain_tally(a: &Assessment, library: &Library, checklist: &str) -> Tally {
    let items = item_list(a, library, checklist);
    a.tally(checklist, items.iter().map(|(id, _)| id.as_str()))
}

/// The items of a domain as (item id, 一级/二级事项) in catalogue order. Without the catalogue:
/// the items that have a result, by id.
fn item_list(a: &Assessment, library: &Library, checklist: &str) -> Vec<(String, String)> {
    match library.get(checklist) {
        Some(e) => e
            .catalogue
            .items
            .iter()
            .map(|i| {
                (
                    i.id.clone(),
                    sanitize(&format!("{} / {}", i.level1, i.title()), false),
                )
            })
            .collect(),
        None => {
            let mut ids: Vec<String> = a
                .docs
                .of_kind(DocKind::Result)
                .filter_map(|(_, d)| d.current().and_then(Body::as_result))
                .filter(|r| r.checklist == checklist)
                .map(|r| r.item.clone())
                .collect();
            ids.sort();
            ids.dedup();
            ids.into_iter()
                .map(|id| {
                    let label = sanitize(&id, false);
                    (id, label)
                })
                .collect()
        }
    }
}

/// The inspection `a` beside the self-check it reviews: per involved domain, both tallies
/// over the catalogue's items ([`domain_tally`], as every figure of the reports) and the
/// items both checked with different verdicts (the overview's 结论不同).
fn compare(
    a: &Assessment,
    reviewed: Option<&Assessment>,
    library: &Library,
    domains: &[DomainRow],
    lang: Lang,
) -> Comparison {
    let Some(sc) = reviewed else {
        return Comparison {
            self_check_found: false,
            domains: Vec::new(),
            total: CompareRow::default(),
            items: Vec::new(),
        };
    };
    let mut rows = Vec::new();
    let mut items = Vec::new();
    let mut total = CompareRow {
        name: labels(lang).total.into(),
        ..CompareRow::default()
    };
    for d in domains {
        let mut differs = 0;
        for (id, label) in item_list(a, library, &d.checklist) {
            let (Some(mine), Some(theirs)) =
                (a.result(&d.checklist, &id), sc.result(&d.checklist, &id))
            else {
                continue;
            };
            if !(mine.status.is_checked() && theirs.status.is_checked())
                || mine.status == theirs.status
            {
                continue;
            }
            differs += 1;
            items.push(DiffItem {
                domain: d.name.clone(),
                item: label,
                township: theirs.status,
                inspector: mine.status,
                township_note: multi(&theirs.note),
                township_evidence: theirs.evidence.iter().map(clean_evidence).collect(),
                note: multi(&mine.note),
                evidence: mine.evidence.iter().map(clean_evidence).collect(),
            });
        }
        let row = CompareRow {
            name: d.name.clone(),
            township: domain_tally(sc, library, &d.checklist),
            inspector: d.tally,
            differs,
        };
        total.township.merge(&row.township);
        total.inspector.merge(&row.inspector);
        total.differs += differs;
        rows.push(row);
    }
    Comparison {
        self_check_found: true,
        domains: rows,
        total,
        items,
    }
}

/// The ledger rows: current tasks (deleted ones left out), ordered by the domains' order,
/// then catalogue item order, then item id.
fn ledger(
    a: &Assessment,
    library: &Library,
    choices: &[&DomainChoice],
    today: &str,
    domain_name: &dyn Fn(&str) -> String,
) -> Vec<LedgerRow> {
    let domain_pos: BTreeMap<&str, usize> = choices
        .iter()
        .enumerate()
        .map(|(i, d)| (d.checklist.as_str(), i))
        .collect();
    let mut tasks: Vec<(usize, usize, TaskView<'_>)> = a
        .tasks()
        .map(|t| {
            let dpos = domain_pos
                .get(t.spec.checklist.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            let ipos = library
                .get(&t.spec.checklist)
                .and_then(|e| e.catalogue.items.iter().position(|i| i.id == t.spec.item))
                .unwrap_or(usize::MAX);
            (dpos, ipos, t)
        })
        .collect();
    tasks.sort_by(|x, y| (x.0, x.1, &x.2.spec.item).cmp(&(y.0, y.1, &y.2.spec.item)));
    tasks
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, t))| {
            let spec = t.spec;
            let item = library
                .get(&spec.checklist)
                .and_then(|e| e.catalogue.item(&spec.item))
                .map_or_else(
                    || sanitize(&spec.item, false),
                    |it| sanitize(&format!("{} / {}", it.level1, it.title()), false),
                );
            let conflict = [DocKind::Task, DocKind::Response]
                .into_iter()
                .any(|k| a.has_conflict(&DocKey::item(k, &spec.checklist, &spec.item)));
            let response = t.response.filter(|r| r.round == spec.returned);
            LedgerRow {
                no: i + 1,
                unit: sanitize(&a.unit().name, false),
                checklist: sanitize(&spec.checklist, false),
                domain: domain_name(&spec.checklist),
                item_id: sanitize(&spec.item, false),
                item,
                findings: spec.findings.iter().map(|f| sanitize(f, false)).collect(),
                description: multi(&spec.description),
                requirement: multi(&spec.requirement),
                responsible_unit: sanitize(&spec.responsible_unit, false),
                responsible_person: sanitize(&spec.responsible_person, false),
                deadline: sanitize(&spec.deadline, false),
                response: response.map(|r| multi(&r.response)).unwrap_or_default(),
                state: t.state,
                overdue: t.is_overdue(today),
                completed_late: t.completed_late(),
                conflict,
                completed: response
                    .and_then(|r| r.completed.as_deref())
                    .map(|c| sanitize(c, false))
                    .unwrap_or_default(),
                evidence: response
                    .map(|r| r.evidence.iter().map(clean_evidence).collect())
                    .unwrap_or_default(),
                review_comment: multi(&spec.review_comment),
                reviewer: sanitize(&spec.reviewer, false),
                review_date: spec
                    .review_date
                    .as_deref()
                    .map(|d| sanitize(d, false))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Multi-line text from a file: line breaks normalised to `\n`, everything unsafe dropped,
/// trailing blank space removed.
fn multi(s: &str) -> String {
    sanitize(&s.replace("\r\n", "\n").replace('\r', "\n"), true)
        .trim_end()
        .to_string()
}

fn clean_evidence(e: &Evidence) -> Evidence {
    match e {
        Evidence::Url { url } => Evidence::Url {
            url: sanitize(url, false).trim().to_string(),
        },
        Evidence::File {
            name,
            sha256,
            size,
            path,
        } => Evidence::File {
            name: sanitize(name, false),
            sha256: sanitize(sha256, false),
            size: *size,
            path: path.as_deref().map(|p| sanitize(p, false)),
        },
        Evidence::Text { text } => Evidence::Text { text: multi(text) },
    }
}

/// One piece of evidence as text: the URL, `name (sha256 0123456789ab)`, or the text.
pub fn evidence_text(e: &Evidence) -> String {
    match e {
        Evidence::Url { url } => url.clone(),
        Evidence::File { name, sha256, .. } => {
            let short = sha256.get(..12).unwrap_or(sha256);
            if short.is_empty() {
                name.clone()
            } else {
                format!("{name} (sha256 {short})")
            }
        }
        Evidence::Text { text } => text.clone(),
    }
}

/// One piece of evidence as a ledger lists it: a file by its name, a web address, a text.
pub fn evidence_name(e: &Evidence) -> String {
    match e {
        Evidence::Url { url } => url.clone(),
        Evidence::File { name, .. } => name.clone(),
        Evidence::Text { text } => text.clone(),
    }
}

/// All evidence by name, one piece a line.
pub fn evidence_names(ev: &[Evidence]) -> String {
    ev.iter().map(evidence_name).collect::<Vec<_>>().join("\n")
}

/// The days the results of `a` were recorded (China time): one day, or the first and the last;
/// the creation day when nothing was recorded.
fn checked_on(a: &Assessment, lang: Lang) -> String {
    let mut days: Option<(u64, u64)> = None;
    for (_, d) in a.docs.of_kind(DocKind::Result) {
        for r in d.revisions() {
            let m = r.hlc.millis;
            days = Some(days.map_or((m, m), |(lo, hi)| (lo.min(m), hi.max(m))));
        }
    }
    match days {
        Some((lo, hi)) => {
            let (first, last) = (crate::clock::date(lo), crate::clock::date(hi));
            if first == last {
                first
            } else {
                let to = match lang {
                    Lang::Zh => "至",
                    Lang::En => "to",
                };
                format!("{first} {to} {last}")
            }
        }
        None => crate::clock::parse_rfc3339(&a.header().created)
            .map(crate::clock::date)
            .unwrap_or_default(),
    }
}

/// All evidence, one piece a line.
pub fn evidence_lines(ev: &[Evidence]) -> String {
    ev.iter().map(evidence_text).collect::<Vec<_>>().join("\n")
}

fn join_findings(f: &[String], lang: Lang) -> String {
    f.join(match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    })
}

/// The word of a rectification state in a language.
pub fn state_word(lang: Lang, st: TaskState) -> &'static str {
    match lang {
        Lang::Zh => st.label_zh(),
        Lang::En => st.label_en(),
    }
}

/// The report's own words, in both languages (status words come from `ui::strings`).
#[derive(Debug)]
pub struct Labels {
    pub unit: &'static str,
    pub division_code: &'static str,
    pub county: &'static str,
    pub kind: &'static str,
    pub round: &'static str,
    pub assessor: &'static str,
    pub date: &'static str,
    pub sec_domains: &'static str,
    pub sec_chart: &'static str,
    pub sec_not_involved: &'static str,
    pub sec_problems: &'static str,
    pub sec_ledger: &'static str,
    pub sec_compare: &'static str,
    pub compare_headers: [&'static str; 13],
    pub diff_headers: [&'static str; 9],
    pub no_difference: &'static str,
    pub self_check_not_found: &'static str,
    pub township_note: &'static str,
    pub township_evidence: &'static str,
    pub compare_note: &'static str,
    pub domain: &'static str,
    pub items: &'static str,
    pub checked_pct: &'static str,
    pub compliance_pct: &'static str,
    pub pct_note: &'static str,
    pub total: &'static str,
    pub reason: &'static str,
    pub no_reason: &'static str,
    pub no: &'static str,
    pub item: &'static str,
    pub result: &'static str,
    pub findings: &'static str,
    pub note: &'static str,
    pub evidence: &'static str,
    pub ledger_headers: [&'static str; 19],
    pub ledger_word: &'static str,
    pub inspected_unit: &'static str,
    pub checked_on: &'static str,
    pub overdue_word: &'static str,
    pub completed_late_word: &'static str,
    pub conflict_word: &'static str,
    pub signatures_ledger: &'static str,
    pub page_footer_xlsx: &'static str,
    pub table_self_check: &'static str,
    pub table_inspection: &'static str,
    pub table_headers: [&'static str; 15],
    pub sec_not_involved_plain: &'static str,
    pub signatures_table: &'static str,
    pub sheet_table: &'static str,
    pub page_word: &'static str,
    pub page_of: &'static str,
    pub page_end: &'static str,
    pub sign_inspector: &'static str,
    pub sign_unit_head: &'static str,
    pub sign_reviewer: &'static str,
    pub sign_date: &'static str,
    pub sign_seal: &'static str,
    pub none: &'static str,
    pub overdue_count: &'static str,
    pub catalogue_missing: &'static str,
    pub conflicts: &'static str,
    pub conflicts_label: &'static str,
    pub sheet_ledger: &'static str,
    pub sheet_domains: &'static str,
    pub sheet_problems: &'static str,
    pub sheet_not_involved: &'static str,
    pub sheet_info: &'static str,
    pub field: &'static str,
    pub value: &'static str,
    pub validation_title: &'static str,
    pub validation_message: &'static str,
    pub generated: &'static str,
    pub colon: &'static str,
}

const ZH: Labels = Labels {
    unit: "单位",
    division_code: "区划代码",
    county: "区县",
    kind: "检查类型",
    round: "轮次",
    assessor: "检查人",
    date: "报告日期",
    sec_domains: "领域汇总",
    sec_chart: "各领域检查结果",
    sec_not_involved: "未涉及领域事项说明",
    sec_problems: "发现的问题",
    sec_ledger: "整改台账",
    sec_compare: "自查与复查对比",
    compare_headers: [
        "领域",
        "事项数",
        "自查已落实",
        "自查部分落实",
        "自查未落实",
        "自查不适用",
        "自查未检查",
        "复查已落实",
        "复查部分落实",
        "复查未落实",
        "复查不适用",
        "复查未检查",
        "结论不同",
    ],
    diff_headers: [
        "序号",
        "领域",
        "一级/二级事项",
        "自查结论",
        "复查结论",
        "乡镇说明",
        "乡镇佐证",
        "检查人说明",
        "检查人佐证",
    ],
    no_difference: "复查结论与乡镇自查一致。",
    self_check_not_found: "本机没有被检查的乡镇自查文件,无法对比;请先导入该自查。",
    township_note: "乡镇说明",
    township_evidence: "乡镇佐证",
    compare_note: "结论不同:乡镇自查与复查都已检查、结论不一致的事项(与汇总页的“结论不同”一致)。乡镇说明和乡镇佐证是乡镇自查时填写的。",
    domain: "领域",
    items: "事项数",
    checked_pct: "检查进度",
    compliance_pct: "落实率",
    pct_note: "检查进度 = 已检查事项 ÷ 事项数;落实率 = 已落实 ÷ (已检查事项 − 不适用);百分比向下取整,分母为 0 时记“-”。",
    total: "合计",
    reason: "说明",
    no_reason: "(未填写说明)",
    no: "序号",
    item: "一级/二级事项",
    result: "检查结果",
    findings: "问题类型",
    note: "问题说明",
    evidence: "佐证",
    ledger_headers: [
        "序号",
        "被检查单位",
        "领域",
        "一级/二级事项",
        "问题类型",
        "问题描述",
        "整改要求",
        "责任单位",
        "责任人",
        "整改时限",
        "整改情况",
        "整改佐证",
        "完成日期",
        "整改状态",
        "逾期",
        "复核意见",
        "复核人",
        "复核日期",
        "冲突",
    ],
    ledger_word: "整改台账",
    inspected_unit: "被检查单位",
    checked_on: "检查日期",
    overdue_word: "逾期",
    completed_late_word: "逾期完成",
    conflict_word: "有冲突",
    page_footer_xlsx: "&C第 &P 页,共 &N 页",
    table_self_check: "政务公开自查表",
    table_inspection: "政务公开回头看检查表",
    table_headers: [
        "序号",
        "领域",
        "一级事项",
        "二级事项",
        "公开内容",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道",
        "检查结果",
        "问题类型",
        "备注",
        "佐证",
        "检查人",
        "检查时间",
    ],
    sec_not_involved_plain: "未涉及领域事项说明",
    signatures_table: "检查人(签字):                    审核人(签字):                    日期:      年    月    日                    (单位盖章)",
    sheet_table: "自查表",
    page_word: "第 ",
    page_of: " 页,共 ",
    page_end: " 页",
    sign_inspector: "检查人(签字)",
    sign_unit_head: "被检查单位负责人(签字)",
    sign_reviewer: "审核人(签字)",
    sign_date: "日期",
    sign_seal: "(单位盖章)",
    signatures_ledger: "检查人(签字):                    被检查单位负责人(签字):                    日期:      年    月    日",
    none: "无。",
    overdue_count: "逾期未整改",
    catalogue_missing: "(目录未找到)",
    conflicts: "个记录存在未处理的冲突,本报告采用当前有效版本。",
    conflicts_label: "未处理的冲突",
    sheet_ledger: "整改台账",
    sheet_domains: "领域汇总",
    sheet_problems: "问题清单",
    sheet_not_involved: "未涉及领域",
    sheet_info: "报告信息",
    field: "项目",
    value: "内容",
    validation_title: "整改状态",
    validation_message: "请从下拉列表中选择",
    generated: "由 zwgk 生成",
    colon: ":",
};

const EN: Labels = Labels {
    unit: "Unit",
    division_code: "Division code",
    county: "County",
    kind: "Kind",
    round: "Round",
    assessor: "Assessor",
    date: "Report date",
    sec_domains: "Domains",
    sec_chart: "Results per domain",
    sec_not_involved: "Domains not involved",
    sec_problems: "Problems found",
    sec_ledger: "Rectification ledger",
    sec_compare: "Self-check and inspection side by side",
    compare_headers: [
        "Domain",
        "Items",
        "Self-check compliant",
        "Self-check partial",
        "Self-check missing",
        "Self-check n/a",
        "Self-check unchecked",
        "Inspection compliant",
        "Inspection partial",
        "Inspection missing",
        "Inspection n/a",
        "Inspection unchecked",
        "Verdicts differ",
    ],
    diff_headers: [
        "No.",
        "Domain",
        "Item",
        "Township's verdict",
        "Inspector's verdict",
        "Township's note",
        "Township's evidence",
        "Inspector's note",
        "Inspector's evidence",
    ],
    no_difference: "The inspection agrees with the township's self-check.",
    self_check_not_found: "The self-check this inspection reviews is not on this device; import it to compare.",
    township_note: "Township's note",
    township_evidence: "Township's evidence",
    compare_note: "Verdicts differ: items both the township and the inspector checked, with different results (as in the overview). The township's note and evidence are what it wrote in its self-check.",
    domain: "Domain",
    items: "Items",
    checked_pct: "Checked",
    compliance_pct: "Compliance",
    pct_note: "Checked = checked items / items; compliance = compliant / (checked items - n/a); percentages are rounded down, \"-\" when the denominator is 0.",
    total: "Total",
    reason: "Reason",
    no_reason: "(no reason given)",
    no: "No.",
    item: "Item",
    result: "Result",
    findings: "Findings",
    note: "Note",
    evidence: "Evidence",
    ledger_headers: [
        "No.",
        "Unit inspected",
        "Domain",
        "Item",
        "Findings",
        "Problem",
        "Requirement",
        "Responsible unit",
        "Responsible person",
        "Deadline",
        "What was done",
        "Evidence of the fix",
        "Completed",
        "State",
        "Late",
        "Review comment",
        "Reviewer",
        "Review date",
        "Conflict",
    ],
    ledger_word: "rectification ledger",
    inspected_unit: "Unit inspected",
    checked_on: "Checked on",
    overdue_word: "overdue",
    completed_late_word: "completed late",
    conflict_word: "conflict",
    page_footer_xlsx: "&CPage &P of &N",
    table_self_check: "Self-check table",
    table_inspection: "Inspection table",
    table_headers: [
        "No.",
        "Domain",
        "Level 1 item",
        "Level 2 item",
        "Content",
        "Basis",
        "Time limit",
        "Publisher",
        "Channels",
        "Result",
        "Findings",
        "Note",
        "Evidence",
        "Checked by",
        "Checked at",
    ],
    sec_not_involved_plain: "Domains not involved",
    signatures_table: "Checked by (signature):                    Reviewed by (signature):                    Date:                    (seal of the unit)",
    sheet_table: "Check table",
    page_word: "Page ",
    page_of: " of ",
    page_end: "",
    sign_inspector: "Inspector (signature)",
    sign_unit_head: "Head of the unit inspected (signature)",
    sign_reviewer: "Reviewed by (signature)",
    sign_date: "Date",
    sign_seal: "(seal of the unit)",
    signatures_ledger: "Inspector (signature):                    Head of the unit inspected (signature):                    Date:",
    none: "None.",
    overdue_count: "overdue",
    catalogue_missing: " (catalogue not found)",
    conflicts: " records have unresolved conflicts; this report uses the current winners.",
    conflicts_label: "Unresolved conflicts",
    sheet_ledger: "Ledger",
    sheet_domains: "Domains",
    sheet_problems: "Problems",
    sheet_not_involved: "Not involved",
    sheet_info: "Report",
    field: "Field",
    value: "Value",
    validation_title: "State",
    validation_message: "Pick a state from the list",
    generated: "Made with zwgk",
    colon: ": ",
};

/// The report words of a language.
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

// ---------------------------------------------------------------------------------------------
// zwgk report ASSESSMENT --format F -o FILE
// ---------------------------------------------------------------------------------------------

/// Runs `zwgk report`. `assessment` is a file path when such a file exists, otherwise an id or
/// a unique id prefix of an assessment in `<data_dir>/assessments/` (read without taking the
/// data directory's lock). The format is `format`, or the one `output`'s extension says (they
/// must agree; an unknown extension is refused). `output` `-` writes the report to `out`;
/// any other output is written through [`crate::output::write_file`] (regular files only, a
/// symbolic link to one is followed) and its path printed.
/// Exit codes: 0 written, 1 the file could not be written, 2 bad input (unknown or ambiguous
/// id, unreadable assessment, no format or an unknown one, an extension that says another
/// format, an output that is not a regular file, or that is the assessment file itself).
#[allow(clippy::too_many_arguments)] // the command's inputs, each distinct; called once from main
pub fn command(
    assessment: &str,
    format: Option<ReportFormat>,
    kind: Option<crate::cli::ReportKind>,
    output: &Path,
    data_dir: &Path,
    library: &Library,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let to_stdout = output == Path::new("-");
    let format = match choose_format(format, output, to_stdout, lang) {
        Ok(f) => f,
        Err(message) => {
            writeln!(err, "{message}")?;
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if !to_stdout && let Err(e) = crate::output::resolve(output) {
        writeln!(err, "{}", e.message(lang))?;
        return Ok(EXIT_BAD_INPUT);
    }
    let (a, source) = match find_assessment(assessment, data_dir, lang) {
        Ok(found) => found,
        Err(message) => {
            writeln!(err, "{message}")?;
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if !to_stdout && same_file(&source, output) {
        let msg = match lang {
            Lang::Zh => "输出文件就是检查文件本身,不能覆盖;请换一个输出文件名",
            Lang::En => "the output is the assessment file itself; choose another output file",
        };
        writeln!(err, "{}: {msg}", output.display())?;
        return Ok(EXIT_BAD_INPUT);
    }
    let conflicts = a.conflict_count();
    if conflicts > 0 {
        writeln!(err, "{conflicts}{}", labels(lang).conflicts)?;
    }
    // An inspection is compared with the self-check it reviews, when that is at hand: in the
    // data directory, or beside the file given.
    let reviewed = a
        .reviews()
        .and_then(|id| find_reviewed(id, data_dir, &source));
    let today = today_in_china();
    let src = crate::export::Source {
        assessment: &a,
        reviewed: reviewed.as_ref(),
        library,
        today: &today,
        lang,
    };
    let kind = kind.unwrap_or(crate::cli::ReportKind::default_for(a.kind));
    let bytes = match crate::export::render(&src, kind, format) {
        Ok(b) => b,
        Err(e) => {
            writeln!(err, "{}: {e}", output.display())?;
            return Ok(EXIT_FAILURE);
        }
    };
    if to_stdout {
        out.write_all(&bytes)?;
        out.flush()?;
        return Ok(EXIT_OK);
    }
    if let Err(e) = crate::output::write_file(output, &bytes) {
        writeln!(err, "{}", e.message(lang))?;
        return Ok(if e.is_bad_target() {
            EXIT_BAD_INPUT
        } else {
            EXIT_FAILURE
        });
    }
    writeln!(out, "{}", output.display())?;
    Ok(EXIT_OK)
}

/// The report format: `--format`, or the output's extension; the message when neither says it,
/// they disagree, or the extension is not a report format.
fn choose_format(
    given: Option<ReportFormat>,
    output: &Path,
    to_stdout: bool,
    lang: Lang,
) -> Result<ReportFormat, String> {
    let path = output.display();
    if to_stdout {
        return given.ok_or_else(|| match lang {
            Lang::Zh => "-o -(写到标准输出)需要用 --format 指定格式:md、html、csv 或 xlsx".into(),
            Lang::En => "-o - (standard output) needs --format: md, html, csv or xlsx".into(),
        });
    }
    let Some(ext) = output.extension() else {
        return given.ok_or_else(|| match lang {
            Lang::Zh => format!(
                "{path}:文件名没有扩展名;请加上 .md、.html、.csv 或 .xlsx,或用 --format 指定格式"
            ),
            Lang::En => format!(
                "{path}: the file name has no extension; end it in .md, .html, .csv or .xlsx, or give --format"
            ),
        });
    };
    let Some(implied) = format_for(output) else {
        let ext = ext.to_string_lossy();
        return Err(match lang {
            Lang::Zh => {
                format!("{path}:不认识的扩展名 .{ext};报告可以存为 .md、.html、.csv 或 .xlsx")
            }
            Lang::En => format!(
                "{path}: unknown extension .{ext}; a report can be .md, .html, .csv or .xlsx"
            ),
        });
    };
    match given {
        Some(f) if f != implied => {
            let (name, ext) = (format_name(f), format_name(implied));
            Err(match lang {
                Lang::Zh => format!(
                    "{path}: 文件扩展名是 .{ext},格式却是 {name};请加 --format {ext},或改输出文件名"
                ),
                Lang::En => format!(
                    "{path}: the file name ends in .{ext} but the format is {name}; add --format {ext} or change the name"
                ),
            })
        }
        _ => Ok(implied),
    }
}

fn format_name(f: ReportFormat) -> &'static str {
    match f {
        ReportFormat::Md => "md",
        ReportFormat::Html => "html",
        ReportFormat::Csv => "csv",
        ReportFormat::Xlsx => "xlsx",
    }
}

/// The self-check `id`: `<data_dir>/assessments/<id>.json`, or `<id>.json` beside `source`.
fn find_reviewed(id: &str, data_dir: &Path, source: &Path) -> Option<Assessment> {
    if !crate::model::doc::assessment_id_ok(id) {
        return None;
    }
    let name = format!("{id}.json");
    let beside = source.parent().map(|d| d.join(&name));
    // The data directory's own file (with its journal), else a file from elsewhere.
    crate::store::load_own(&data_dir.join("assessments").join(&name))
        .ok()
        .or_else(|| beside.and_then(|p| load_assessment(&p).ok()))
        .filter(|a| a.id == id && a.kind == Kind::SelfCheck)
}

/// True when both paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Today's date in China time (UTC+8), `YYYY-MM-DD`.
fn today_in_china() -> String {
    crate::clock::date(crate::clock::now_millis())
}

/// Finds the assessment: a file, or one in the data directory named by its id (or the start of
/// it), unit or round ([`crate::store::find::find`]). The error is the message to print,
/// naming the candidates when there are several or none.
fn find_assessment(
    arg: &str,
    data_dir: &Path,
    lang: Lang,
) -> Result<(Assessment, PathBuf), String> {
    use crate::store::find::{Found, find, listed_id};
    let path = Path::new(arg);
    if !arg.is_empty() && path.is_file() {
        let a = load_assessment(path).map_err(|e| e.message(lang))?;
        return Ok((a, path.to_path_buf()));
    }
    let mut store = Store::open_read_only(data_dir).map_err(|e| e.message(lang))?;
    let listed = store.list().map_err(|e| e.message(lang))?;
    let dir = data_dir.join("assessments");
    let candidates = |which: &mut dyn Iterator<Item = usize>| -> String {
        which
            .filter_map(|i| listed.get(i))
            .map(|l| match &l.1 {
                Ok(a) => format!(
                    "  {}  {}  {}",
                    sanitize(&a.id, false),
                    sanitize(&a.unit().name, false),
                    sanitize(a.round(), false)
                ),
                Err(e) => format!("  {}  ({})", listed_id(l), e.message(lang)),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    match find(&listed, arg) {
        Found::One(i) => match listed.into_iter().nth(i) {
            Some((p, loaded)) => loaded.map(|a| (a, p)).map_err(|e| e.message(lang)),
            None => Err(String::new()),
        },
        Found::None => {
            let head = match lang {
                Lang::Zh => format!(
                    "{arg}: 没有这个文件,{} 中也没有编号、单位或轮次与之相符的检查",
                    dir.display()
                ),
                Lang::En => format!(
                    "{arg}: no such file, and no assessment in {} has an id starting with it or a unit or round that matches",
                    dir.display()
                ),
            };
            let all = candidates(&mut (0..listed.len()));
            if all.is_empty() {
                Err(head)
            } else {
                let tail = match lang {
                    Lang::Zh => "现有的检查:",
                    Lang::En => "assessments there:",
                };
                Err(format!("{head}\n{tail}\n{all}"))
            }
        }
        Found::Many(many) => {
            let head = match lang {
                Lang::Zh => format!(
                    "{arg}: 有 {} 个检查与之相符,请写得更具体(编号多写几位,或写出单位和轮次):",
                    many.len()
                ),
                Lang::En => format!(
                    "{arg}: {} assessments match; give more of the id, or the unit and the round:",
                    many.len()
                ),
            };
            Err(format!("{head}\n{}", candidates(&mut many.iter().copied())))
        }
    }
}
