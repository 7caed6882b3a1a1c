//! Reports and the 整改台账: a fixture inspection over shipped catalogues (plus one domain whose
//! catalogue is missing), built with a fixed date, compared with golden files
//! (`ZWGK_BLESS=1 cargo test --test report` rewrites them), read back (CSV with the csv crate,
//! xlsx with calamine and the raw sheet XML), and the `zwgk report` command run as a binary.

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use zwgk::cli::{Lang, ReportFormat};
use zwgk::library::Library;
use zwgk::model::assessment::{
    Assessment, DomainChoice, Evidence, Header, ItemResult, Kind, NewAssessment, Unit,
};
use zwgk::model::catalogue::Fingerprint;
use zwgk::model::doc::Body;
use zwgk::model::rectification::{Decision, Progress, TaskResponse, TaskSpec};
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::report::{Report, render};

const TODAY: &str = "2026-11-27";
const ID: &str = "0190f5a2-7c00-7000-8000-000000000042";
/// 2026-11-27T06:40:05Z.
const NOW: u64 = 1_795_761_605_000;
const EMP: &str = "employment";
const EDU: &str = "compulsory-education";
const HOUSING: &str = "affordable-housing";
const LOCAL: &str = "agricultural-funds-local";
/// A domain whose catalogue is not in the library.
const EXTRA: &str = "town-extra";

const NOTE: &str = "第一行 | 竖线\n<script>alert('x')</script> & \"引号\"";
const URL: &str = "https://www.example.gov.cn/zwgk/jy/02.html?a=1&b=2";
const SHA: &str = "3f2a9c0d1e5b7a8864f0c2d4e6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4";
const FIX_URL: &str = "https://www.example.gov.cn/zwgk/jy/02-new.html";

fn author() -> Author {
    Author {
        name: "王五".into(),
        device: "dev-report".into(),
        role: Role::County,
    }
}

fn fingerprint(lib: &Library, checklist: &str, item: &str) -> Fingerprint {
    lib.get(checklist)
        .and_then(|e| {
            let i = e.catalogue.items.iter().position(|it| it.id == item)?;
            e.fingerprints.get(i).cloned()
        })
        .unwrap_or_else(|| Fingerprint("0".repeat(64)))
}

fn result(lib: &Library, checklist: &str, item: &str, status: Status) -> ItemResult {
    ItemResult {
        checklist: checklist.into(),
        item: item.into(),
        status,
        fingerprint: fingerprint(lib, checklist, item),
        ..ItemResult::default()
    }
}

fn township() -> Author {
    Author {
        name: "张三".into(),
        device: "dev-town".into(),
        role: Role::Township,
    }
}

/// Records a task (the county's part) and, when given, the township's response.
fn task(a: &mut Assessment, spec: TaskSpec, response: Option<TaskResponse>, n: u64) {
    a.record(Body::Task(spec), author(), NOW + n)
        .expect("task revision");
    if let Some(r) = response {
        a.record(Body::Response(r), township(), NOW + n)
            .expect("response revision");
    }
}

fn evidence_file(name: &str) -> Evidence {
    Evidence::File {
        name: name.into(),
        sha256: SHA.into(),
        size: None,
        path: None,
    }
}

/// The fixture: a 回头看 of 胡集镇 over 就业 (5 items), 保障性住房 (不涉及), 义务教育 (16),
/// a local domain whose catalogue is missing (2 results), and 涉农资金 (2 items, none checked);
/// three live tasks (overdue 待整改, 已整改, 已复核) and one deleted task.
fn fixture(lib: &Library) -> Assessment {
    fixture_id(lib, ID)
}

fn fixture_id(lib: &Library, id: &str) -> Assessment {
    fixture_reviewing(lib, id, None)
}

/// The fixture, as the inspection of the self-check `reviews`.
fn fixture_reviewing(lib: &Library, id: &str, reviews: Option<&str>) -> Assessment {
    let domain = |id: &str, involved: bool, reason: Option<&str>| DomainChoice {
        checklist: id.into(),
        version: "2026.11".into(),
        involved,
        reason: reason.map(Into::into),
        summary: String::new(),
    };
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        division_code: Some("370828102".into()),
        county: "金乡县".into(),
        city: Some("济宁市".into()),
    };
    let header = Header {
        unit: unit.clone(),
        round: "2026年下半年回头看".into(),
        assessor: "王五".into(),
        created: "2026-11-20T01:00:00Z".into(),
        reviews: reviews.map(Into::into),
    };
    let domains = vec![
        domain(EMP, true, None),
        domain(
            HOUSING,
            false,
            Some("本镇无保障性住房建设任务\n已报县住建局备案"),
        ),
        domain(EDU, true, None),
        domain(EXTRA, true, None),
        domain(LOCAL, true, None),
    ];
    let mut a = Assessment::create(
        NewAssessment {
            id: id.to_string(),
            kind: Kind::Inspection,
            partition: unit.partition(),
            header,
            domains,
            basis: None,
        },
        author(),
        NOW,
    )
    .expect("create");
    let mut n = 0;
    let mut rec = |a: &mut Assessment, r: ItemResult| {
        n += 1;
        a.record(Body::Result(r), author(), NOW + n)
            .expect("record");
    };

    // 就业: 01 已落实, 02 部分落实, 03 不适用, 04–05 未检查.
    let mut r = result(lib, EMP, "01", Status::Compliant);
    r.evidence = vec![Evidence::Url {
        url: "https://www.example.gov.cn/zwgk/jy/01.html".into(),
    }];
    rec(&mut a, r);
    let mut r = result(lib, EMP, "02", Status::Partial);
    r.findings = vec!["内容不全".into(), "更新不及时/超时限".into()];
    r.note = NOTE.into();
    r.evidence = vec![
        Evidence::Url { url: URL.into() },
        evidence_file("岗位信息截图.png"),
        Evidence::Text {
            text: "公示栏照片已存档\n见档案盒3".into(),
        },
    ];
    rec(&mut a, r);
    rec(&mut a, result(lib, EMP, "03", Status::NotApplicable));

    // 义务教育: 01 02 04 07 已落实, 03 未落实, 05 部分落实, 06 不适用, 08–16 未检查.
    for item in ["01", "02", "04", "07"] {
        rec(&mut a, result(lib, EDU, item, Status::Compliant));
    }
    let mut r = result(lib, EDU, "03", Status::Missing);
    r.findings = vec!["未公开".into()];
    r.note = "未见民办学校办学基本信息".into();
    rec(&mut a, r);
    let mut r = result(lib, EDU, "05", Status::Partial);
    r.findings = vec!["渠道不符".into()];
    r.note = "仅在公示栏公开,网站未发布".into();
    r.evidence = vec![Evidence::Url {
        url: "javascript:alert(1)".into(),
    }];
    rec(&mut a, r);
    rec(&mut a, result(lib, EDU, "06", Status::NotApplicable));

    // The domain without a catalogue: a1 未落实, a2 已落实.
    let mut r = result(lib, EXTRA, "a1", Status::Missing);
    r.findings = vec!["栏目空白".into()];
    rec(&mut a, r);
    rec(&mut a, result(lib, EXTRA, "a2", Status::Compliant));

    // Tasks, recorded out of ledger order.
    task(
        &mut a,
        TaskSpec {
            checklist: EDU.into(),
            item: "05".into(),
            findings: vec!["渠道不符".into()],
            description: "=HYPERLINK(\"http://evil.example\")".into(),
            requirement: "在门户网站同步公开招生计划".into(),
            responsible_unit: "胡集镇中心校".into(),
            responsible_person: "赵六".into(),
            deadline: "2026-11-15".into(),
            decision: Decision::Verified,
            review_comment: "已在门户网站发布,整改到位".into(),
            reviewer: "王五".into(),
            review_date: Some("2026-11-26".into()),
            ..TaskSpec::default()
        },
        Some(TaskResponse {
            checklist: EDU.into(),
            item: "05".into(),
            progress: Progress::Done,
            response: "已在门户网站发布".into(),
            completed: Some("2026-11-18".into()),
            ..TaskResponse::default()
        }),
        100,
    );
    task(
        &mut a,
        TaskSpec {
            checklist: EMP.into(),
            item: "02".into(),
            findings: vec!["内容不全".into(), "更新不及时/超时限".into()],
            description: "岗位信息缺少薪酬待遇\n且三个月未更新".into(),
            requirement: "补全要素,每月更新".into(),
            responsible_unit: "胡集镇劳动保障所".into(),
            responsible_person: "李四".into(),
            deadline: "2026-12-31".into(),
            ..TaskSpec::default()
        },
        Some(TaskResponse {
            checklist: EMP.into(),
            item: "02".into(),
            progress: Progress::Done,
            response: "已补全".into(),
            evidence: vec![
                Evidence::Url {
                    url: FIX_URL.into(),
                },
                evidence_file("整改后截图.png"),
            ],
            completed: Some("2026-11-25".into()),
            ..TaskResponse::default()
        }),
        101,
    );
    task(
        &mut a,
        TaskSpec {
            checklist: EDU.into(),
            item: "03".into(),
            findings: vec!["未公开".into()],
            description: "未公开民办学校办学基本信息".into(),
            requirement: "补充公开 | 并建立更新机制".into(),
            responsible_unit: "胡集镇中心校".into(),
            responsible_person: "赵六".into(),
            deadline: "2026-11-20".into(),
            ..TaskSpec::default()
        },
        None,
        102,
    );
    // Sent back once: the township's answer is for the round before.
    task(
        &mut a,
        TaskSpec {
            checklist: EXTRA.into(),
            item: "a1".into(),
            findings: vec!["栏目空白".into()],
            description: "专栏无内容".into(),
            requirement: "补充发布".into(),
            responsible_unit: "胡集镇党政办".into(),
            responsible_person: "孙七".into(),
            deadline: "2026-11-30".into(),
            returned: 1,
            review_comment: "佐证不足,请补充栏目截图".into(),
            reviewer: "王五".into(),
            review_date: Some("2026-11-24".into()),
            ..TaskSpec::default()
        },
        Some(TaskResponse {
            checklist: EXTRA.into(),
            item: "a1".into(),
            progress: Progress::Done,
            response: "已发布".into(),
            completed: Some("2026-11-22".into()),
            ..TaskResponse::default()
        }),
        103,
    );
    // Withdrawn, with the reason.
    task(
        &mut a,
        TaskSpec {
            checklist: EMP.into(),
            item: "03".into(),
            description: "误报".into(),
            requirement: "无".into(),
            responsible_person: "李四".into(),
            deadline: "2026-12-10".into(),
            decision: Decision::Withdrawn,
            review_comment: "该事项本镇不适用,撤销".into(),
            reviewer: "王五".into(),
            review_date: Some("2026-11-27".into()),
            ..TaskSpec::default()
        },
        None,
        104,
    );
    a
}

fn report() -> Report {
    let lib = Library::builtin();
    Report::build(&fixture(&lib), &lib, TODAY, Lang::Zh)
}

/// Compares with `tests/golden/<name>`, or writes it when `ZWGK_BLESS=1`.
fn golden(name: &str, actual: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("ZWGK_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("golden dir")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with ZWGK_BLESS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        // report.md → report.md.actual (each golden file its own, so tests can run together).
        let mut actual_path = path.clone().into_os_string();
        actual_path.push(".actual");
        let actual_path = std::path::PathBuf::from(actual_path);
        std::fs::write(&actual_path, actual).expect("write actual");
        panic!(
            "{} differs from the output (written to {}); rerun with ZWGK_BLESS=1 if the change is intended",
            path.display(),
            actual_path.display()
        );
    }
}

/// The ledger as it must come out, cell by cell (序号 … 冲突).
fn expected_ledger() -> Vec<[&'static str; 19]> {
    vec![
        [
            "1",
            "胡集镇人民政府",
            "就业",
            "就业信息服务 / 岗位信息发布",
            "内容不全、更新不及时/超时限",
            "岗位信息缺少薪酬待遇\n且三个月未更新",
            "补全要素,每月更新",
            "胡集镇劳动保障所",
            "李四",
            "2026-12-31",
            "已补全",
            "https://www.example.gov.cn/zwgk/jy/02-new.html\n整改后截图.png",
            "2026-11-25",
            "已整改",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "2",
            "胡集镇人民政府",
            "就业",
            "就业信息服务 / 求职信息登记",
            "",
            "误报",
            "无",
            "",
            "李四",
            "2026-12-10",
            "",
            "",
            "",
            "已撤销",
            "",
            "该事项本镇不适用,撤销",
            "王五",
            "2026-11-27",
            "",
        ],
        [
            "3",
            "胡集镇人民政府",
            "义务教育",
            "民办学校信息 / 民办学校办学基本信息",
            "未公开",
            "未公开民办学校办学基本信息",
            "补充公开 | 并建立更新机制",
            "胡集镇中心校",
            "赵六",
            "2026-11-20",
            "",
            "",
            "",
            "待整改",
            "逾期",
            "",
            "",
            "",
            "",
        ],
        [
            "4",
            "胡集镇人民政府",
            "义务教育",
            "招生管理 / 招生计划",
            "渠道不符",
            "=HYPERLINK(\"http://evil.example\")",
            "在门户网站同步公开招生计划",
            "胡集镇中心校",
            "赵六",
            "2026-11-15",
            "已在门户网站发布",
            "",
            "2026-11-18",
            "已复核",
            "逾期完成",
            "已在门户网站发布,整改到位",
            "王五",
            "2026-11-26",
            "",
        ],
        [
            "5",
            "胡集镇人民政府",
            "town-extra(目录未找到)",
            "a1",
            "栏目空白",
            "专栏无内容",
            "补充发布",
            "胡集镇党政办",
            "孙七",
            "2026-11-30",
            "",
            "",
            "",
            "退回整改",
            "",
            "佐证不足,请补充栏目截图",
            "王五",
            "2026-11-24",
            "",
        ],
    ]
}

const LEDGER_HEADERS: [&str; 19] = [
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
];

#[test]
fn domain_counts_and_percentages_are_right() {
    let r = report();
    let names: Vec<&str> = r.domains.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["就业", "义务教育", "涉农资金", "town-extra(目录未找到)"],
        "involved domains in the library's order; the missing catalogue last, shown by id"
    );
    // (items, 已落实, 部分落实, 未落实, 不适用, 未检查, 检查进度, 落实率), worked out by hand:
    // 就业: 3 of 5 checked = 60%; 1 compliant of 3 - 1 n/a = 50%.
    // 义务教育: 7 of 16 = 43.75% → 43% (rounded down, as on screen); 4 of 7 - 1 = 4/6 = 66%.
    // town-extra: 2 of 2 = 100%; 1 of 2 = 50%.
    // 涉农资金: 0 of 2 = 0%; nothing checked → "-".
    // 合计: 12 of 25 = 48%; 6 of 12 - 2 = 60%.
    let expect = [
        ("就业", [5, 1, 1, 0, 1, 2], "60%", "50%"),
        ("义务教育", [16, 4, 1, 1, 1, 9], "43%", "66%"),
        ("涉农资金", [2, 0, 0, 0, 0, 2], "0%", "-"),
        ("town-extra(目录未找到)", [2, 1, 0, 1, 0, 0], "100%", "50%"),
        ("合计", [25, 6, 2, 2, 2, 13], "48%", "60%"),
    ];
    let rows: Vec<_> = r.domains.iter().chain([&r.total]).collect();
    assert_eq!(rows.len(), expect.len());
    for (row, (name, counts, checked, compliance)) in rows.iter().zip(expect) {
        let cells = r.domain_cells(row);
        let want: Vec<String> = std::iter::once(name.to_string())
            .chain(counts.iter().map(|c| c.to_string()))
            .chain([checked.to_string(), compliance.to_string()])
            .collect();
        assert_eq!(cells.to_vec(), want, "row {name}");
    }
    assert_eq!(r.total.checked_pct(), Some(12 * 100 / 25));
    assert_eq!(r.total.compliance_pct(), Some(60));
    assert_eq!(r.domains[2].compliance_pct(), None);
}

#[test]
fn not_involved_problems_and_ledger_are_in_order() {
    let r = report();
    assert_eq!(r.not_involved.len(), 1);
    assert_eq!(r.not_involved[0].name, "保障性住房");
    assert_eq!(
        r.not_involved[0].reason,
        "本镇无保障性住房建设任务\n已报县住建局备案"
    );
    let problems: Vec<(&str, &str, Status)> = r
        .problems
        .iter()
        .map(|p| (p.checklist.as_str(), p.item_id.as_str(), p.status))
        .collect();
    assert_eq!(
        problems,
        [
            (EMP, "02", Status::Partial),
            (EDU, "03", Status::Missing),
            (EDU, "05", Status::Partial),
            (EXTRA, "a1", Status::Missing),
        ]
    );
    assert_eq!(r.problems[0].note, NOTE);
    assert_eq!(r.problems[3].item, "a1", "no catalogue: the item id");
    assert_eq!(r.ledger_headers(), LEDGER_HEADERS);
    let cells: Vec<Vec<String>> = r
        .ledger
        .iter()
        .map(|x| r.ledger_cells(x).to_vec())
        .collect();
    let want: Vec<Vec<String>> = expected_ledger()
        .iter()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(cells, want);
    let overdue: Vec<bool> = r.ledger.iter().map(|x| x.overdue).collect();
    assert_eq!(overdue, [false, false, true, false, false]);
    let late: Vec<bool> = r.ledger.iter().map(|x| x.completed_late).collect();
    assert_eq!(
        late,
        [false, false, false, true, false],
        "finished after the deadline: the trace stays after 已复核"
    );
    assert_eq!(
        r.ledger_subtitle(),
        "被检查单位:胡集镇人民政府  轮次:2026年下半年回头看  检查日期:2026-11-27"
    );
    assert_eq!(r.ledger_title(), "胡集镇人民政府 整改台账");
    assert_eq!(r.conflicts, 0);
}

#[test]
fn overdue_depends_on_the_date_given() {
    let lib = Library::builtin();
    let a = fixture(&lib);
    let on_deadline = Report::build(&a, &lib, "2026-11-20", Lang::Zh);
    assert!(on_deadline.ledger.iter().all(|x| !x.overdue));
    let en = Report::build(&a, &lib, TODAY, Lang::En);
    let row = en
        .ledger
        .iter()
        .find(|x| x.checklist == EDU && x.item_id == "03")
        .expect("03");
    assert_eq!(en.state_label(row), "to fix");
    assert_eq!(en.lateness_label(row), "overdue");
    assert_eq!(en.ledger_headers()[13], "State");
}

#[test]
fn markdown_matches_golden_and_escapes_cells() {
    let bytes = render(&report(), ReportFormat::Md).expect("md");
    golden("report.md", &bytes);
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("第一行 \\| 竖线<br>\\<script>alert('x')\\</script> & \"引号\""));
    assert!(
        !text.replace("\\<", "").contains("<script"),
        "every < from the data is escaped"
    );
    // Every table row has the same number of unescaped pipes as its header.
    for block in text.split("\n\n").filter(|b| b.starts_with('|')) {
        let pipes = |line: &str| line.replace("\\|", "").matches('|').count();
        let mut lines = block.lines();
        let head = pipes(lines.next().expect("header"));
        for line in lines {
            assert_eq!(pipes(line), head, "{line}");
        }
    }
}

#[test]
fn csv_is_the_ledger_with_bom_and_parses_back() {
    let bytes = render(&report(), ReportFormat::Csv).expect("csv");
    golden("report.csv", &bytes);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF line ends");
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect();
    let mut want: Vec<Vec<String>> = vec![LEDGER_HEADERS.iter().map(|s| s.to_string()).collect()];
    for row in expected_ledger() {
        want.push(
            row.iter()
                .map(|c| {
                    // A leading = is neutralised so a spreadsheet does not run it.
                    if c.starts_with('=') {
                        format!("'{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        );
    }
    assert_eq!(rows, want);
}

#[test]
fn html_matches_golden_is_self_contained_and_escaped() {
    let bytes = render(&report(), ReportFormat::Html).expect("html");
    golden("report.html", &bytes);
    let html = String::from_utf8(bytes).expect("utf-8");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains(
        "@page { size: A4; margin: 16mm 12mm 16mm 12mm; @top-center { content: \"胡集镇人民政府 · 2026年下半年回头看\";"
    ));
    assert!(html.contains("content: \"第 \" counter(page) \" 页,共 \" counter(pages) \" 页\""));
    for word in ["检查人(签字)", "被检查单位负责人(签字)", "检查日期"] {
        assert!(html.contains(word), "{word}");
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert_eq!(html.matches("<svg").count(), 1, "one chart");
    // The data's script tag is text, not markup; no script at all.
    assert!(!html.to_lowercase().contains("<script"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;引号&quot;")
    );
    // No external resources of any kind.
    for bad in [
        "src=", "<link", "@import", "url(", "<iframe", "<object", "<img",
    ] {
        assert!(!html.contains(bad), "{bad}");
    }
    // Links only for the http(s) evidence URLs; the javascript: URL is plain text.
    let hrefs: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(hrefs, [URL.replace('&', "&amp;").as_str(), FIX_URL,]);
    assert!(html.contains("<td><span class=\"url\">javascript:alert(1)</span></td>"));
    // The overdue row is marked, in colour and in words.
    assert!(html.contains("<tr class=\"overdue\">"));
    assert!(
        html.contains("<td class=\"st\">待整改</td><td class=\"st\"><strong>逾期</strong></td>")
    );
    // The chart has a legend with every status word and the bars' counts.
    for word in ["已落实", "部分落实", "未落实", "不适用", "未检查"] {
        assert!(html.contains(&format!(">{word}</text>")), "{word}");
    }
}

/// Excel's serial number of a `YYYY-MM-DD` date (days since 1899-12-30).
fn excel_serial(date: &str) -> f64 {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(date, &format).expect("a date");
    let epoch = time::macros::date!(1899 - 12 - 30);
    (d - epoch).whole_days() as f64
}

/// Reads one file of the xlsx package.
fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut f = z.by_name(name).expect(name);
    let mut s = String::new();
    f.read_to_string(&mut s).expect("read");
    s
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn xlsx_reads_back_with_ledger_first_and_sheet_features() {
    let r = report();
    let bytes = render(&r, ReportFormat::Xlsx).expect("xlsx");
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).expect("open");
    assert_eq!(
        wb.sheet_names(),
        ["整改台账", "领域汇总", "问题清单", "未涉及领域", "报告信息"]
    );
    let info = wb.worksheet_range("报告信息").expect("info");
    let code: Vec<Data> = info.rows().nth(2).expect("区划代码 row").to_vec();
    assert_eq!(
        code,
        [
            Data::String("区划代码".into()),
            Data::String("370828102".into())
        ],
        "the division code stays text"
    );
    assert_eq!(
        render(&r, ReportFormat::Xlsx).expect("xlsx again"),
        bytes,
        "same report, same bytes"
    );
    let ledger = wb.worksheet_range("整改台账").expect("ledger");
    let rows: Vec<Vec<Data>> = ledger.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        rows.len(),
        10,
        "title, 被检查单位 · 轮次 · 检查日期, header, 5 tasks, a blank row, the signatures"
    );
    assert_eq!(text(&rows[0][0]), "胡集镇人民政府 整改台账");
    assert_eq!(
        text(&rows[1][0]),
        "被检查单位:胡集镇人民政府  轮次:2026年下半年回头看  检查日期:2026-11-27"
    );
    let header: Vec<String> = rows[2].iter().map(text).collect();
    assert_eq!(header, LEDGER_HEADERS);
    let date_columns = [9, 12, 17];
    for (i, (got, want)) in rows[3..8].iter().zip(expected_ledger()).enumerate() {
        assert_eq!(got[0], Data::Float((i + 1) as f64), "序号 is a number");
        for (c, (cell, w)) in got.iter().zip(want).enumerate().skip(1) {
            match cell {
                // Dates are real dates: Excel and WPS sort and filter them as dates.
                Data::DateTime(d) if date_columns.contains(&c) => {
                    assert_eq!(excel_serial(w), d.as_f64(), "row {} col {c}", i + 1)
                }
                Data::String(s) if !date_columns.contains(&c) => {
                    assert_eq!(s, w, "row {} col {c}", i + 1)
                }
                Data::Empty => assert_eq!(w, "", "row {} col {c}", i + 1),
                other => panic!("row {} col {c}: {other:?} for {w:?}", i + 1),
            }
        }
    }
    assert!(
        text(&rows[9][0]).starts_with("检查人(签字):"),
        "{:?}",
        rows[9]
    );
    let domains = wb.worksheet_range("领域汇总").expect("domains");
    let total: Vec<String> = domains
        .rows()
        .next_back()
        .expect("total row")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        total,
        ["合计", "25", "6", "2", "2", "2", "13", "0.48", "0.6"]
    );
    let problems = wb.worksheet_range("问题清单").expect("problems");
    assert_eq!(problems.rows().count(), 5, "header + 4 problems");

    let sheet1 = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet1.contains(
            "<pane ySplit=\"3\" topLeftCell=\"A4\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        ),
        "frozen header row"
    );
    assert!(sheet1.contains("<autoFilter ref=\"A3:S8\"/>"), "autofilter");
    // Drop-downs: each list holds every value its column is written with.
    let validations: Vec<(&str, &str)> = sheet1
        .split("<dataValidation ")
        .skip(1)
        .map(|v| {
            let sqref = v
                .split("sqref=\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .expect("sqref");
            let list = v
                .split("<formula1>")
                .nth(1)
                .and_then(|x| x.split("</formula1>").next())
                .expect("formula1");
            (sqref, list)
        })
        .collect();
    assert_eq!(
        validations,
        [
            (
                "N4:N208",
                "\"待整改,整改中,已整改,退回整改,已复核,无需整改,已撤销\""
            ),
            ("O4:O208", "\"逾期,逾期完成\""),
            ("S4:S208", "\"有冲突\""),
        ]
    );
    for (row, want) in rows[3..8].iter().zip(expected_ledger()) {
        let listed = |col: usize, list: &str| want[col].is_empty() || list.contains(want[col]);
        assert!(listed(13, validations[0].1) && listed(14, validations[1].1));
        assert!(matches!(row[13], Data::String(_)));
    }
    // Widths from display width: 一级/二级事项 of 义务教育 row 3 is 34 columns wide.
    let col_d = sheet1
        .split("<col ")
        .find(|c| c.starts_with("min=\"4\""))
        .expect("column D width");
    let width: f64 = col_d
        .split("width=\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .and_then(|w| w.parse().ok())
        .expect("width");
    assert!((36.0..40.0).contains(&width), "column D width {width}");
    assert!(
        sheet1.contains("<oddFooter>&amp;C第 &amp;P 页,共 &amp;N 页</oddFooter>"),
        "page numbers"
    );
    let dates = zip_entry(&bytes, "xl/styles.xml");
    assert!(dates.contains("formatCode=\"yyyy-mm-dd\""), "a date format");
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(styles.contains("FFFDE2E2"), "overdue fill");
}

#[test]
fn binary_writes_a_report_and_rejects_unknown_ids() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("assessments")).expect("mkdir");
    let a = fixture(&lib);
    let file = data.join("assessments").join(format!("{ID}.json"));
    std::fs::write(&file, serde_json::to_vec_pretty(&a).expect("json")).expect("write");

    // By path.
    let out = dir.path().join("台账.csv");
    let run = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(&data)
        .arg("report")
        .arg(&file)
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written = std::fs::read(&out).expect("report written");
    assert!(written.starts_with("\u{FEFF}序号,被检查单位,领域".as_bytes()));
    assert!(String::from_utf8_lossy(&run.stdout).contains("台账.csv"));

    // By id prefix, from the data directory.
    let out2 = dir.path().join("r.html");
    let run = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(&data)
        .args(["report", "0190f5a2-7c00", "--format", "html", "-o"])
        .arg(&out2)
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out2.exists());

    // Unknown id: exit 2, the message names the candidates.
    let out3 = dir.path().join("x.csv");
    let run = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--lang", "en", "report", "ffff", "--format", "csv", "-o"])
        .arg(&out3)
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("ffff: no such file"), "{err}");
    assert!(err.contains(ID) && err.contains("胡集镇人民政府"), "{err}");
    assert!(!out3.exists());
    assert!(
        !data.join("zwgk.lock").exists(),
        "the report reads without taking the lock"
    );
}

#[test]
fn ambiguous_prefix_lists_the_matches_and_unwritable_output_fails() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("assessments")).expect("mkdir");
    for id in [
        "0190f5a2-7c00-7000-8000-000000000001",
        "0190f5a2-7c00-7000-8000-000000000002",
    ] {
        let a = fixture_id(&lib, id);
        let file = data.join("assessments").join(format!("{id}.json"));
        std::fs::write(&file, serde_json::to_vec(&a).expect("json")).expect("write");
    }
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = zwgk::report::command(
        "0190f5a2",
        Some(ReportFormat::Md),
        None,
        &dir.path().join("r.md"),
        &data,
        &lib,
        Lang::Zh,
        &mut out,
        &mut err,
    )
    .expect("io");
    assert_eq!(code, 2);
    let err = String::from_utf8(err).expect("utf-8");
    assert!(err.contains("有 2 个检查"), "{err}");
    assert!(err.contains("000000000001") && err.contains("000000000002"));

    let mut err = Vec::new();
    let code = zwgk::report::command(
        "0190f5a2-7c00-7000-8000-000000000002",
        Some(ReportFormat::Md),
        None,
        &dir.path().join("no/such/dir/r.md"),
        &data,
        &lib,
        Lang::Zh,
        &mut out,
        &mut err,
    )
    .expect("io");
    assert_eq!(code, 1, "{}", String::from_utf8_lossy(&err));
}

#[test]
fn command_refuses_a_mismatched_extension_and_overwriting_the_assessment() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("a.json");
    std::fs::write(&file, serde_json::to_vec(&fixture(&lib)).expect("json")).expect("write");
    let before = std::fs::read(&file).expect("read");
    let run = |format: ReportFormat, output: &Path| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = zwgk::report::command(
            file.to_str().expect("utf-8 path"),
            Some(format),
            None,
            output,
            dir.path(),
            &lib,
            Lang::Zh,
            &mut out,
            &mut err,
        )
        .expect("io");
        (code, String::from_utf8(err).expect("utf-8"))
    };
    let csv_name = dir.path().join("台账.csv");
    let (code, err) = run(ReportFormat::Xlsx, &csv_name);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--format csv"), "{err}");
    assert!(!csv_name.exists());
    // An output name without a known extension takes the format given.
    let (code, err) = run(ReportFormat::Md, &dir.path().join("report"));
    assert_eq!(code, 0, "{err}");
    let (code, err) = run(ReportFormat::Md, &file);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "assessment untouched"
    );
}

#[test]
fn an_assessment_without_results_or_tasks_renders_in_every_format() {
    let lib = Library::builtin();
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        ..Unit::default()
    };
    let header = Header {
        unit: unit.clone(),
        round: "2026年下半年自查".into(),
        assessor: "张三".into(),
        created: "2026-11-20T01:00:00Z".into(),
        reviews: None,
    };
    let domain = DomainChoice {
        checklist: EMP.into(),
        version: "2026.11".into(),
        involved: true,
        reason: None,
        summary: String::new(),
    };
    let a = Assessment::create(
        NewAssessment {
            id: ID.to_string(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header,
            domains: vec![domain],
            basis: None,
        },
        township(),
        NOW,
    )
    .expect("create");
    let r = Report::build(&a, &lib, TODAY, Lang::Zh);
    assert_eq!(r.heading(), "胡集镇人民政府 政务公开自查报告");
    assert_eq!(
        r.domain_cells(&r.total).to_vec(),
        ["合计", "5", "0", "0", "0", "0", "5", "0%", "-"]
    );
    assert!(r.problems.is_empty() && r.ledger.is_empty() && r.not_involved.is_empty());
    let md = String::from_utf8(render(&r, ReportFormat::Md).expect("md")).expect("utf-8");
    assert_eq!(md.matches("无。").count(), 3, "{md}");
    let csv = render(&r, ReportFormat::Csv).expect("csv");
    assert_eq!(
        csv.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count(),
        1
    );
    let html = String::from_utf8(render(&r, ReportFormat::Html).expect("html")).expect("utf-8");
    assert_eq!(html.matches("<svg").count(), 1);
    let xlsx = render(&r, ReportFormat::Xlsx).expect("xlsx");
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("open");
    let ledger = wb.worksheet_range("整改台账").expect("ledger");
    let rows: Vec<Vec<String>> = ledger
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(
        rows.len(),
        5,
        "title, subtitle, header, blank, signatures: {rows:?}"
    );
    assert_eq!(rows[2][0], "序号");
    assert!(rows[3].iter().all(String::is_empty), "no task");
}

// ---------------------------------------------------------------------------------------------
// Output targets: `-o` writes regular files only, `-o -` standard output, the format is the
// extension's.

/// Runs `zwgk report FILE [--format F] -o OUTPUT` in-process: (code, stdout, stderr).
fn report_to(
    lib: &Library,
    assessment: &Path,
    format: Option<ReportFormat>,
    output: &Path,
) -> (i32, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let data = assessment.parent().expect("dir");
    let code = zwgk::report::command(
        assessment.to_str().expect("utf-8 path"),
        format,
        None,
        output,
        data,
        lib,
        Lang::Zh,
        &mut out,
        &mut err,
    )
    .expect("io");
    (code, out, String::from_utf8(err).expect("utf-8"))
}

fn assessment_file(lib: &Library, dir: &Path) -> std::path::PathBuf {
    let file = dir.join("a.json");
    std::fs::write(&file, serde_json::to_vec(&fixture(lib)).expect("json")).expect("write");
    file
}

#[test]
fn the_format_comes_from_the_extension_and_unknown_or_missing_ones_are_refused() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let file = assessment_file(&lib, dir.path());

    let md = dir.path().join("报告.md");
    let (code, out, err) = report_to(&lib, &file, None, &md);
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8_lossy(&out), format!("{}\n", md.display()));
    let text = std::fs::read_to_string(&md).expect("written");
    assert!(text.starts_with("# "), "markdown: {text}");

    let pdf = dir.path().join("x.pdf");
    for format in [None, Some(ReportFormat::Xlsx)] {
        let (code, _, err) = report_to(&lib, &file, format, &pdf);
        assert_eq!(code, 2);
        assert_eq!(
            err,
            format!(
                "{}:不认识的扩展名 .pdf;报告可以存为 .md、.html、.csv 或 .xlsx\n",
                pdf.display()
            )
        );
    }
    assert!(!pdf.exists(), "nothing written for an unknown extension");

    let bare = dir.path().join("report");
    let (code, _, err) = report_to(&lib, &file, None, &bare);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "{}:文件名没有扩展名;请加上 .md、.html、.csv 或 .xlsx,或用 --format 指定格式\n",
            bare.display()
        )
    );
    assert!(!bare.exists());

    let html = dir.path().join("r.html");
    let (code, _, err) = report_to(&lib, &file, Some(ReportFormat::Csv), &html);
    assert_eq!(code, 2);
    assert!(err.contains("文件扩展名是 .html,格式却是 csv"), "{err}");
}

#[test]
fn dash_writes_the_report_to_standard_output() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let file = assessment_file(&lib, dir.path());
    let (code, out, err) = report_to(&lib, &file, Some(ReportFormat::Csv), Path::new("-"));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("\u{FEFF}序号,被检查单位,领域".as_bytes()));
    assert!(!dir.path().join("-").exists(), "no file named -");
    let (code, out, err) = report_to(&lib, &file, None, Path::new("-"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        err,
        "-o -(写到标准输出)需要用 --format 指定格式:md、html、csv 或 xlsx\n"
    );
}

#[cfg(unix)]
#[test]
fn only_regular_files_are_written_and_a_link_is_written_through() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let file = assessment_file(&lib, d);

    // A symbolic link to a regular file: the file gets the report, the link stays a link.
    let real = d.join("real.md");
    std::fs::write(&real, "old").expect("write");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = d.join("link.md");
    symlink(&real, &link).expect("symlink");
    let (code, _, err) = report_to(&lib, &file, None, &link);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("real")
            .starts_with("# ")
    );
    let mode = std::fs::metadata(&real).expect("real").permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "a replaced file keeps its mode");

    // A new file is 0644 less the umask (what std::fs::write leaves of 0666), not 0600.
    let plain = d.join("plain");
    std::fs::write(&plain, "").expect("write");
    let umasked = std::fs::metadata(&plain)
        .expect("plain")
        .permissions()
        .mode()
        & 0o777;
    let new = d.join("new.csv");
    assert_eq!(report_to(&lib, &file, None, &new).0, 0);
    let mode = std::fs::metadata(&new).expect("new").permissions().mode() & 0o777;
    assert_eq!(mode, umasked & 0o644);

    // A FIFO, a link to a device, a socket, a folder, a dangling link: refused, untouched.
    let fifo = d.join("fifo.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let dev_link = d.join("null.md");
    symlink("/dev/null", &dev_link).expect("symlink");
    let sock = d.join("sock.md");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
    let folder = d.join("folder.md");
    std::fs::create_dir(&folder).expect("mkdir");
    let dangling = d.join("dangling.md");
    symlink(d.join("missing.md"), &dangling).expect("symlink");
    let cases = [
        (
            &fifo,
            "是命名管道(FIFO),不是普通文件;zwgk 只写入普通文件".to_string(),
        ),
        (
            &dev_link,
            "是指向 /dev/null 的符号链接,该处是设备文件,不是普通文件;zwgk 只写入普通文件".into(),
        ),
        (&sock, "是套接字,不是普通文件;zwgk 只写入普通文件".into()),
        (
            &folder,
            "是文件夹,不是普通文件;zwgk 只写入普通文件,请在文件夹后加上文件名".into(),
        ),
        (
            &dangling,
            format!(
                "是指向 {} 的符号链接,但该文件不存在;未写入",
                d.join("missing.md").display()
            ),
        ),
    ];
    for (path, message) in cases {
        let (code, out, err) = report_to(&lib, &file, None, path);
        assert_eq!(err, format!("{}:{message}\n", path.display()));
        assert_eq!(code, 2);
        assert!(out.is_empty());
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("fifo")
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(&dev_link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(&sock)
            .expect("sock")
            .file_type()
            .is_socket()
    );
    assert!(!d.join("missing.md").exists());
    assert_eq!(std::fs::read_dir(&folder).expect("folder").count(), 0);
}

// ---------------------------------------------------------------------------------------------
// The inspection beside the self-check, and the check table (自查表).

const SELF_CHECK_ID: &str = "0190f5a2-7c00-7000-8000-000000000041";

/// The township's self-check the fixture inspection reviews: 就业 01 已落实, 02 未落实 (with a
/// note and a photo), 03 不适用; 义务教育 03 未落实, 05 已落实; 保障性住房 不涉及.
fn self_check(lib: &Library) -> Assessment {
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        division_code: Some("370828102".into()),
        county: "金乡县".into(),
        city: None,
    };
    let domain = |id: &str, involved: bool| DomainChoice {
        checklist: id.into(),
        version: "2026.11".into(),
        involved,
        reason: (!involved).then(|| "本镇无保障性住房建设任务".into()),
        summary: String::new(),
    };
    let mut a = Assessment::create(
        NewAssessment {
            id: SELF_CHECK_ID.into(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header: Header {
                unit,
                round: "2026年下半年自查".into(),
                assessor: "张三".into(),
                created: "2026-11-10T01:00:00Z".into(),
                reviews: None,
            },
            domains: vec![domain(EMP, true), domain(HOUSING, false), domain(EDU, true)],
            basis: None,
        },
        township(),
        NOW - 86_400_000 * 10,
    )
    .expect("create");
    let mut rec = |r: ItemResult, n: u64| {
        a.record(Body::Result(r), township(), NOW - 86_400_000 * 10 + n)
            .expect("record");
    };
    rec(result(lib, EMP, "01", Status::Compliant), 1);
    let mut r = result(lib, EMP, "02", Status::Missing);
    r.note = "岗位信息三个月未更新".into();
    r.evidence = vec![evidence_file("栏目截图.png")];
    rec(r, 2);
    rec(result(lib, EMP, "03", Status::NotApplicable), 3);
    rec(result(lib, EDU, "03", Status::Missing), 4);
    rec(result(lib, EDU, "05", Status::Compliant), 5);
    a
}

#[test]
fn an_inspection_report_sets_the_self_check_beside_it() {
    let lib = Library::builtin();
    let sc = self_check(&lib);
    let insp = fixture_reviewing(&lib, ID, Some(SELF_CHECK_ID));
    let r = Report::build_beside(&insp, Some(&sc), &lib, TODAY, Lang::Zh);
    let c = r.comparison.as_ref().expect("an inspection is compared");
    assert!(c.self_check_found);
    let rows: Vec<Vec<String>> = c
        .domains
        .iter()
        .chain([&c.total])
        .map(|d| r.compare_cells(d).to_vec())
        .collect();
    // 领域, 事项数, 自查 (已落实 部分 未落实 不适用 未检查), 复查 (the same), 结论不同.
    let want: Vec<Vec<&str>> = vec![
        vec![
            "就业", "5", "1", "0", "1", "1", "2", "1", "1", "0", "1", "2", "1",
        ],
        vec![
            "义务教育",
            "16",
            "1",
            "0",
            "1",
            "0",
            "14",
            "4",
            "1",
            "1",
            "1",
            "9",
            "1",
        ],
        vec![
            "涉农资金",
            "2",
            "0",
            "0",
            "0",
            "0",
            "2",
            "0",
            "0",
            "0",
            "0",
            "2",
            "0",
        ],
        vec![
            "town-extra(目录未找到)",
            "2",
            "0",
            "0",
            "0",
            "0",
            "0",
            "1",
            "0",
            "1",
            "0",
            "0",
            "0",
        ],
        vec![
            "合计", "25", "2", "0", "2", "1", "18", "6", "2", "2", "2", "13", "2",
        ],
    ];
    assert_eq!(rows, want);
    // Both inspector's figures are the report's own (one source).
    for (cmp, d) in c.domains.iter().zip(&r.domains) {
        assert_eq!(cmp.inspector, d.tally);
        assert_eq!(
            cmp.township,
            zwgk::report::domain_tally(&sc, &lib, &d.checklist)
        );
    }
    let items: Vec<Vec<String>> = c
        .items
        .iter()
        .enumerate()
        .map(|(i, d)| r.diff_cells(i + 1, d).to_vec())
        .collect();
    assert_eq!(
        items,
        [
            vec![
                "1",
                "就业",
                "就业信息服务 / 岗位信息发布",
                "未落实",
                "部分落实",
                "岗位信息三个月未更新",
                "栏目截图.png",
                NOTE,
                "https://www.example.gov.cn/zwgk/jy/02.html?a=1&b=2\n岗位信息截图.png\n公示栏照片已存档\n见档案盒3",
            ],
            vec![
                "2",
                "义务教育",
                "招生管理 / 招生计划",
                "已落实",
                "部分落实",
                "",
                "",
                "仅在公示栏公开,网站未发布",
                "javascript:alert(1)",
            ],
        ]
    );
    let md = String::from_utf8(render(&r, ReportFormat::Md).expect("md")).expect("utf-8");
    assert!(md.contains("## 二、自查与复查对比"), "{md}");
    assert!(
        md.contains("| 就业 | 5 | 1 | 0 | 1 | 1 | 2 | 1 | 1 | 0 | 1 | 2 | 1 |"),
        "{md}"
    );
    let html = String::from_utf8(render(&r, ReportFormat::Html).expect("html")).expect("utf-8");
    assert!(html.contains("<th class=\"num\">结论不同</th>"));
    // Without the self-check the report says so, instead of comparing with nothing.
    let alone = Report::build(&insp, &lib, TODAY, Lang::Zh);
    assert!(
        !alone
            .comparison
            .as_ref()
            .expect("compared")
            .self_check_found
    );
    // A self-check has no comparison.
    assert!(
        Report::build(&sc, &lib, TODAY, Lang::Zh)
            .comparison
            .is_none()
    );
}

#[test]
fn the_township_note_taken_with_a_stays_the_townships_in_the_problems() {
    let lib = Library::builtin();
    let mut insp = fixture(&lib);
    let mut r = insp.result(EDU, "03").expect("03").clone();
    r.township_note = "民办学校信息由县教体局公开".into();
    r.township_evidence = vec![evidence_file("县局网站截图.png")];
    insp.record(Body::Result(r), author(), NOW + 500)
        .expect("record");
    let report = Report::build(&insp, &lib, TODAY, Lang::Zh);
    assert_eq!(
        report.problem_headers(),
        [
            "序号",
            "领域",
            "一级/二级事项",
            "检查结果",
            "问题类型",
            "问题说明",
            "佐证",
            "乡镇说明",
            "乡镇佐证"
        ]
    );
    let p = report
        .problems
        .iter()
        .position(|p| p.checklist == EDU && p.item_id == "03")
        .expect("03");
    let cells = report.problem_cells(p + 1, &report.problems[p]);
    assert_eq!(
        cells[5], "未见民办学校办学基本信息",
        "the inspector's own note"
    );
    assert_eq!(
        cells[7], "民办学校信息由县教体局公开",
        "the township's, beside it"
    );
    assert_eq!(cells[8], "县局网站截图.png");
}

#[test]
fn the_check_table_lists_every_item_with_its_catalogue_columns_and_result() {
    let lib = Library::builtin();
    let sc = self_check(&lib);
    let t = zwgk::report::table::CheckTable::build(&sc, &lib, TODAY, Lang::Zh);
    let items = |id: &str| lib.get(id).expect(id).catalogue.items.len();
    assert_eq!(
        t.rows.len(),
        items(EMP) + items(EDU),
        "every item of every involved domain"
    );
    assert_eq!(t.heading(), "胡集镇人民政府 政务公开自查表");
    assert_eq!(
        t.subtitle(),
        "单位:胡集镇人民政府  区划代码:370828102  轮次:2026年下半年自查  检查日期:2026-11-17"
    );
    assert_eq!(
        t.headers(),
        [
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
            "检查时间"
        ]
    );
    // The labels tell items of one name apart, as the catalogue's own list does.
    let edu = lib.get(EDU).expect("edu");
    let labels: Vec<String> = edu
        .catalogue
        .labels()
        .iter()
        .map(|l| l.to_string())
        .collect();
    let shown: Vec<&str> = t
        .rows
        .iter()
        .filter(|r| r.checklist == EDU)
        .map(|r| r.level2.as_str())
        .collect();
    assert_eq!(shown, labels);
    let row = t
        .rows
        .iter()
        .find(|r| r.checklist == EMP && r.item_id == "02")
        .expect("就业 02");
    let cells = t.cells(row);
    let item = lib.get(EMP).unwrap().catalogue.item("02").unwrap();
    assert_eq!(cells[2], item.level1);
    assert_eq!(cells[6], item.time_limit);
    assert_eq!(cells[7], item.publisher);
    assert!(!cells[4].is_empty() && !cells[8].is_empty(), "{cells:?}");
    assert_eq!(
        cells[9..].to_vec(),
        [
            "未落实",
            "",
            "岗位信息三个月未更新",
            "栏目截图.png",
            "张三",
            "2026-11-17 14:40"
        ]
    );
    let unchecked = t
        .rows
        .iter()
        .find(|r| r.checklist == EMP && r.item_id == "04")
        .unwrap();
    assert_eq!(
        t.cells(unchecked)[9..].to_vec(),
        ["未检查", "", "", "", "", ""]
    );

    // CSV: the table alone, read back cell by cell.
    let csv_bytes = zwgk::report::render_table(&t, ReportFormat::Csv).expect("csv");
    let mut rd = csv::ReaderBuilder::new().from_reader(&csv_bytes[3..]);
    let read: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect();
    assert_eq!(read.len(), t.rows.len());
    assert_eq!(read[1], t.cells(row).to_vec());

    // xlsx: title, the line under it, the table (检查时间 a date-time), the signatures.
    let bytes = zwgk::report::render_table(&t, ReportFormat::Xlsx).expect("xlsx");
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("open");
    assert_eq!(wb.sheet_names(), ["自查表", "未涉及领域"]);
    let sheet = wb.worksheet_range("自查表").expect("sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(text(&rows[0][0]), "胡集镇人民政府 政务公开自查表");
    assert_eq!(text(&rows[2][3]), "二级事项");
    let xrow = &rows[3 + 1];
    assert_eq!(text(&xrow[9]), "未落实");
    assert!(
        matches!(&xrow[14], Data::DateTime(d) if (d.as_f64() - (excel_serial("2026-11-17") + (14.0 * 60.0 + 40.0) / 1440.0)).abs() < 1e-4),
        "{:?}",
        xrow[14]
    );
    let last = rows.last().expect("signatures");
    assert!(text(&last[0]).contains("审核人") && text(&last[0]).contains("盖章"));

    // HTML: A4 landscape, the signature block with the place for the seal.
    let html = String::from_utf8(zwgk::report::render_table(&t, ReportFormat::Html).expect("html"))
        .expect("utf-8");
    for word in [
        "检查人(签字)",
        "审核人(签字)",
        "日期",
        "(单位盖章)",
        "size: A4 landscape",
        "counter(pages)",
    ] {
        assert!(html.contains(word), "{word}");
    }
    assert_eq!(
        html.matches("<tr>").count(),
        t.rows.len() + 1 + 4 + 2 + 2,
        "rows, header, figures, not involved, signatures"
    );
}

#[test]
fn zwgk_report_writes_a_self_checks_table_and_an_inspections_report_by_default() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("assessments")).expect("mkdir");
    let sc = self_check(&lib);
    let insp = fixture_reviewing(&lib, ID, Some(SELF_CHECK_ID));
    for a in [&sc, &insp] {
        let file = data.join("assessments").join(format!("{}.json", a.id));
        std::fs::write(&file, serde_json::to_vec(a).expect("json")).expect("write");
    }
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let table = run(&["report", SELF_CHECK_ID, "--format", "md", "-o", "-"]);
    assert!(
        table.starts_with("# 胡集镇人民政府 政务公开自查表"),
        "{table}"
    );
    let report = run(&[
        "report",
        SELF_CHECK_ID,
        "--kind",
        "report",
        "--format",
        "md",
        "-o",
        "-",
    ]);
    assert!(
        report.starts_with("# 胡集镇人民政府 政务公开自查报告"),
        "{report}"
    );
    // The inspection: its report, compared with the self-check found in the data dir.
    let insp_report = run(&["report", ID, "--format", "md", "-o", "-"]);
    assert!(insp_report.contains("## 二、自查与复查对比"));
    assert!(
        insp_report.contains("| **合计** | 25 | 2 | 0 | 2 | 1 | 18 | 6 | 2 | 2 | 2 | 13 | 2 |"),
        "{insp_report}"
    );
    let insp_table = run(&[
        "report", ID, "--kind", "table", "--format", "csv", "-o", "-",
    ]);
    assert!(insp_table.starts_with("\u{FEFF}序号,领域,一级事项,二级事项"));
}

/// The HTML the print check (`tests/print.rs`) prints: the inspection report beside its
/// self-check, and the self-check's 自查表.
#[test]
fn printed_pages_match_golden() {
    let lib = Library::builtin();
    let sc = self_check(&lib);
    let insp = fixture_reviewing(&lib, ID, Some(SELF_CHECK_ID));
    let r = Report::build_beside(&insp, Some(&sc), &lib, TODAY, Lang::Zh);
    golden(
        "inspection-report.html",
        &render(&r, ReportFormat::Html).expect("html"),
    );
    let t = zwgk::report::table::CheckTable::build(&sc, &lib, TODAY, Lang::Zh);
    golden(
        "self-check-table.html",
        &zwgk::report::render_table(&t, ReportFormat::Html).expect("html"),
    );
}

#[test]
fn an_assessment_is_named_by_its_unit_or_round() {
    let lib = Library::builtin();
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("assessments")).expect("mkdir");
    let id = "0190f5a2-7c00-7000-8000-000000000001";
    let a = fixture_id(&lib, id);
    let file = data.join("assessments").join(format!("{id}.json"));
    std::fs::write(&file, serde_json::to_vec(&a).expect("json")).expect("write");
    for name in ["胡集镇", "2026年下半年回头看", "胡集镇 下半年"] {
        let out = dir.path().join("r.md");
        let (mut stdout, mut err) = (Vec::new(), Vec::new());
        let code = zwgk::report::command(
            name,
            Some(ReportFormat::Md),
            None,
            &out,
            &data,
            &lib,
            Lang::Zh,
            &mut stdout,
            &mut err,
        )
        .expect("io");
        assert_eq!(code, 0, "{name}: {}", String::from_utf8_lossy(&err));
        assert!(out.exists());
        std::fs::remove_file(&out).expect("rm");
    }
    // A name that matches nothing says what it looked for.
    let (mut stdout, mut err) = (Vec::new(), Vec::new());
    let code = zwgk::report::command(
        "马集镇",
        Some(ReportFormat::Md),
        None,
        &dir.path().join("r.md"),
        &data,
        &lib,
        Lang::Zh,
        &mut stdout,
        &mut err,
    )
    .expect("io");
    assert_eq!(code, 2);
    let err = String::from_utf8(err).expect("utf-8");
    assert!(err.contains("编号、单位或轮次"), "{err}");
    assert!(err.contains(id), "{err}");
}

#[test]
fn the_ledger_screen_says_overdue_and_done_late_as_the_reports_do() {
    let lib = Library::builtin();
    let a = fixture(&lib);
    let report = Report::build(&a, &lib, TODAY, Lang::Zh);
    let s = zwgk::ui::strings::strings(Lang::Zh);
    for t in a.tasks() {
        let shown = zwgk::ui::task::state_text(s, &t, TODAY);
        let row = report
            .ledger
            .iter()
            .find(|x| x.checklist == t.spec.checklist && x.item_id == t.spec.item)
            .expect("every task is in the ledger");
        assert_eq!(shown.contains("(逾期)"), row.overdue, "{shown}");
        assert_eq!(shown.contains("逾期完成"), row.completed_late, "{shown}");
    }
    assert!(
        report.ledger.iter().any(|x| x.completed_late),
        "the fixture has a task done late"
    );
}
