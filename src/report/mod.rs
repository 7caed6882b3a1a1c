//! Reports and the rectification ledger (整改台账): pure functions from an assessment to bytes.
//!
//! [`Report::build`] reads an assessment once (current winners only) and produces plain data;
//! the writers turn that data into a file:
//!
//! | format | what it holds |
//! |---|---|
//! | Markdown | everything: title block, 领域汇总 (+ 合计), 未涉及领域事项说明, 发现的问题, 整改台账 |
//! | HTML | the same as Markdown, plus a stacked bar chart per domain (inline SVG); one self-contained file that prints on A4 |
//! | CSV | the 整改台账 only (one table per file, so Excel's filter and sort work); UTF-8 with BOM |
//! | xlsx | sheets 整改台账 (first), 领域汇总, 问题清单, 未涉及领域, 报告信息 (title block) |
//!
//! Only [`command`] touches files and the clock.

mod csv;
mod html;
mod md;
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
}

/// One row of the 整改台账.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// 序号, from 1.
    pub no: usize,
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
    pub state: TaskState,
    /// Open and past its deadline on the report date.
    pub overdue: bool,
    /// The task or its response waits for a decision between concurrent versions.
    pub conflict: bool,
    pub completed: String,
    pub evidence: Vec<Evidence>,
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
}

impl Report {
    /// Builds the report of `a`. `today` (`YYYY-MM-DD`) is the report date and decides which
    /// tasks are overdue. Domains come in the assessment's order, items in catalogue order;
    /// an item whose catalogue is not in `library` still appears under its ids (the items that
    /// have a result). Counts and problems cover the catalogue's current items: a result kept
    /// for an item a newer catalogue version dropped (已停用) is no longer a requirement.
    pub fn build(a: &Assessment, library: &Library, today: &str, lang: Lang) -> Report {
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
        }
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

    /// The 整改状态 cell of a ledger row: the state, with 逾期 added when overdue and 有冲突
    /// when versions wait for a decision.
    pub fn state_label(&self, row: &LedgerRow) -> String {
        let l = labels(self.lang);
        let mut text = state_word(self.lang, row.state).to_string();
        if row.overdue {
            text.push_str(l.overdue_suffix);
        }
        if row.conflict {
            text.push_str(l.conflict_suffix);
        }
        text
    }

    /// The 12 ledger headers, in column order.
    pub fn ledger_headers(&self) -> [&'static str; 12] {
        labels(self.lang).ledger_headers
    }

    /// The 12 text cells of a ledger row (lists joined: findings with `、`, evidence one a line).
    pub fn ledger_cells(&self, row: &LedgerRow) -> [String; 12] {
        [
            row.no.to_string(),
            row.domain.clone(),
            row.item.clone(),
            join_findings(&row.findings, self.lang),
            row.description.clone(),
            row.requirement.clone(),
            row.responsible_unit.clone(),
            row.responsible_person.clone(),
            row.deadline.clone(),
            self.state_label(row),
            row.completed.clone(),
            evidence_lines(&row.evidence),
        ]
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

    /// The 问题清单 headers.
    pub fn problem_headers(&self) -> [&'static str; 7] {
        let l = labels(self.lang);
        [
            l.no, l.domain, l.item, l.result, l.findings, l.note, l.evidence,
        ]
    }

    /// The text cells of a 问题清单 row; `no` counts from 1.
    pub fn problem_cells(&self, no: usize, p: &Problem) -> [String; 7] {
        [
            no.to_string(),
            p.domain.clone(),
            p.item.clone(),
            self.status_label(p.status).to_string(),
            join_findings(&p.findings, self.lang),
            p.note.clone(),
            evidence_lines(&p.evidence),
        ]
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
            LedgerRow {
                no: i + 1,
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
                state: t.state,
                overdue: t.is_overdue(today),
                conflict,
                completed: t
                    .response
                    .and_then(|r| r.completed.as_deref())
                    .map(|c| sanitize(c, false))
                    .unwrap_or_default(),
                evidence: t
                    .response
                    .map(|r| r.evidence.iter().map(clean_evidence).collect())
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
    pub ledger_headers: [&'static str; 12],
    pub none: &'static str,
    pub overdue_suffix: &'static str,
    pub overdue_count: &'static str,
    pub catalogue_missing: &'static str,
    pub conflicts: &'static str,
    pub conflicts_label: &'static str,
    pub conflict_suffix: &'static str,
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
    sec_domains: "一、领域汇总",
    sec_chart: "各领域检查结果",
    sec_not_involved: "二、未涉及领域事项说明",
    sec_problems: "三、发现的问题",
    sec_ledger: "四、整改台账",
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
        "领域",
        "一级/二级事项",
        "问题类型",
        "问题描述",
        "整改要求",
        "责任单位",
        "责任人",
        "整改时限",
        "整改状态",
        "完成日期",
        "佐证",
    ],
    none: "无。",
    overdue_suffix: "(逾期)",
    overdue_count: "逾期未整改",
    catalogue_missing: "(目录未找到)",
    conflicts: "个记录存在未处理的冲突,本报告采用当前有效版本。",
    conflicts_label: "未处理的冲突",
    conflict_suffix: "(有冲突)",
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
    sec_domains: "1. Domains",
    sec_chart: "Results per domain",
    sec_not_involved: "2. Domains not involved",
    sec_problems: "3. Problems found",
    sec_ledger: "4. Rectification ledger",
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
        "Domain",
        "Item",
        "Findings",
        "Problem",
        "Requirement",
        "Responsible unit",
        "Responsible person",
        "Deadline",
        "State",
        "Completed",
        "Evidence",
    ],
    none: "None.",
    overdue_suffix: " (overdue)",
    overdue_count: "overdue",
    catalogue_missing: " (catalogue not found)",
    conflicts: " records have unresolved conflicts; this report uses the current winners.",
    conflicts_label: "Unresolved conflicts",
    conflict_suffix: " (conflict)",
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
/// data directory's lock). Writes `output` atomically and prints its path.
/// Exit codes: 0 written, 1 the file could not be written, 2 bad input (unknown or ambiguous
/// id, unreadable assessment, an output name whose extension says another format, or an
/// output that is the assessment file itself).
#[allow(clippy::too_many_arguments)] // the command's inputs, each distinct; called once from main
pub fn command(
    assessment: &str,
    format: ReportFormat,
    output: &Path,
    data_dir: &Path,
    library: &Library,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    if let Some(implied) = format_for(output)
        && implied != format
    {
        let (name, ext) = (format_name(format), format_name(implied));
        match lang {
            Lang::Zh => writeln!(
                err,
                "{}: 文件扩展名是 .{ext},格式却是 {name};请加 --format {ext},或改输出文件名",
                output.display()
            )?,
            Lang::En => writeln!(
                err,
                "{}: the file name ends in .{ext} but the format is {name}; add --format {ext} or change the name",
                output.display()
            )?,
        }
        return Ok(EXIT_BAD_INPUT);
    }
    let (a, source) = match find_assessment(assessment, data_dir, lang) {
        Ok(found) => found,
        Err(message) => {
            writeln!(err, "{message}")?;
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if same_file(&source, output) {
        let msg = match lang {
            Lang::Zh => "输出文件就是检查文件本身,不能覆盖;请换一个输出文件名",
            Lang::En => "the output is the assessment file itself; choose another output file",
        };
        writeln!(err, "{}: {msg}", output.display())?;
        return Ok(EXIT_BAD_INPUT);
    }
    let report = Report::build(&a, library, &today_in_china(), lang);
    if report.conflicts > 0 {
        writeln!(err, "{}{}", report.conflicts, labels(lang).conflicts)?;
    }
    let bytes = match render(&report, format) {
        Ok(b) => b,
        Err(e) => {
            writeln!(err, "{}: {e}", output.display())?;
            return Ok(EXIT_FAILURE);
        }
    };
    if let Err(e) = crate::store::atomic::write_atomic(output, &bytes) {
        let msg = match lang {
            Lang::Zh => "无法写入",
            Lang::En => "cannot write",
        };
        writeln!(err, "{}: {msg}: {e}", output.display())?;
        return Ok(EXIT_FAILURE);
    }
    writeln!(out, "{}", output.display())?;
    Ok(EXIT_OK)
}

fn format_name(f: ReportFormat) -> &'static str {
    match f {
        ReportFormat::Md => "md",
        ReportFormat::Html => "html",
        ReportFormat::Csv => "csv",
        ReportFormat::Xlsx => "xlsx",
    }
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
