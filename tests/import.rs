//! `zwgk checklist import`: official catalogue tables (xlsx with title rows, two-row merged
//! headers and merged 一级事项; checkbox and text channel columns; ●〇 elements; several tables
//! per workbook; CSV in UTF-8 and GBK; docx with gridSpan/vMerge) become catalogue files, field
//! by field, with item ids that survive a re-import. Every input is built by the test.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_xlsxwriter::{Format, Workbook};
use zwgk::cli::{ChecklistCommand, GroupArg, Lang};
use zwgk::command::{EXIT_BAD_INPUT, EXIT_OK};
use zwgk::import;
use zwgk::library::{Library, read_catalogue};
use zwgk::model::catalogue::{Audience, Catalogue, Channel, Element, Group, Item, Method, Tier};

// Full-width punctuation as it appears in official tables.
const LP: &str = "\u{FF08}";
const RP: &str = "\u{FF09}";
const COLON: &str = "\u{FF1A}";
const SEMI: &str = "\u{FF1B}";

// ---------------------------------------------------------------------------------------------
// Building inputs

/// One worksheet: rows of cell texts and merged ranges (first row, first col, last row, last col).
struct Sheet {
    name: &'static str,
    rows: Vec<Vec<String>>,
    merges: Vec<(u32, u16, u32, u16)>,
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn xlsx(path: &Path, sheets: &[Sheet]) {
    let mut wb = Workbook::new();
    let fmt = Format::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).unwrap();
        let in_merge = |r: u32, c: u16| {
            s.merges
                .iter()
                .any(|&(r1, c1, r2, c2)| (r1..=r2).contains(&r) && (c1..=c2).contains(&c))
        };
        for (r, row) in s.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if !text.is_empty() && !in_merge(r, c) {
                    ws.write_string(r, c, text).unwrap();
                }
            }
        }
        for &(r1, c1, r2, c2) in &s.merges {
            let text = &s.rows[r1 as usize][c1 as usize];
            ws.merge_range(r1, c1, r2, c2, text, &fmt).unwrap();
        }
    }
    wb.save(path).unwrap();
}

fn docx(path: &Path, body: &str) {
    let file = fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(file);
    let opt = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opt).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    z.start_file("word/document.xml", opt).unwrap();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
}

fn para(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn tc(props: &str, content: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>")
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

// ---------------------------------------------------------------------------------------------
// Running the import

struct Run<'a> {
    file: &'a Path,
    id: Option<&'a str>,
    name: Option<&'a str>,
    version: Option<&'a str>,
    output: Option<PathBuf>,
    data_dir: Option<&'a Path>,
    lang: Lang,
}

impl<'a> Run<'a> {
    fn new(file: &'a Path) -> Self {
        Run {
            file,
            id: None,
            name: None,
            version: None,
            output: None,
            data_dir: None,
            lang: Lang::Zh,
        }
    }

    fn go(&self) -> (i32, String, String) {
        let cmd = ChecklistCommand::Import {
            file: self.file.to_path_buf(),
            id: self.id.map(Into::into),
            name: self.name.map(Into::into),
            group: GroupArg::Local,
            version: self.version.map(Into::into),
            output: self.output.clone(),
        };
        let library = match self.data_dir {
            Some(d) => Library::load(&[d.join("checklists")]),
            None => Library::builtin(),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code =
            import::command(&cmd, &library, self.lang, self.data_dir, &mut out, &mut err).unwrap();
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    /// Runs and expects success.
    fn ok(&self) -> String {
        let (code, out, err) = self.go();
        assert_eq!(code, EXIT_OK, "stdout:\n{out}\nstderr:\n{err}");
        out
    }
}

fn load(path: &Path) -> Catalogue {
    read_catalogue(path).unwrap_or_else(|p| panic!("{p:?}"))
}

fn blank(id: &str, level1: &str, level2: &str) -> Item {
    Item {
        id: id.into(),
        level1: level1.into(),
        level2: level2.into(),
        level3: None,
        content: String::new(),
        elements: Vec::new(),
        basis: Vec::new(),
        time_limit: String::new(),
        publisher: String::new(),
        channels: Vec::new(),
        audience: Vec::new(),
        audience_group: None,
        method: Vec::new(),
        tiers: Vec::new(),
        truncated: Vec::new(),
        inferred: Vec::new(),
        extra: BTreeMap::new(),
        sources: Vec::new(),
    }
}

fn ch(list: &[(&str, bool)]) -> Vec<Channel> {
    list.iter()
        .map(|(n, r)| Channel {
            name: n.to_string(),
            required: *r,
        })
        .collect()
}

fn els(list: &[(&str, bool)]) -> Vec<Element> {
    list.iter()
        .map(|(t, m)| Element {
            text: t.to_string(),
            mandatory: *m,
        })
        .collect()
}

fn strs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const BOARD: &str = "社区/企事业单位/村公示栏(电子屏)";

// ---------------------------------------------------------------------------------------------
// xlsx

/// Title row, note row, two-row merged header (公开事项, 公开对象, 公开方式, 公开层级 over their
/// parts), 一级事项 merged over three rows, √ marks, channels as one text column with ■□ marks
/// and 其他:…, a blank row.
fn title_note_header_sheet() -> Sheet {
    let title = "就业领域基层政务公开标准目录";
    let note = "说明:公开渠道和载体中■为必选项,□为可选项";
    let ch1 = format!("■政府网站 ■两微一端 □政府服务中心 ■其他{COLON}村务公开微信群");
    let sub = format!("√{LP}求职登记人员{RP}");
    let basis3 = format!("《人力资源市场暂行条例》{SEMI}《中华人民共和国政府信息公开条例》");
    let mut r = rows(&[
        &[title],
        &[note],
        &[
            "序号",
            "公开事项",
            "",
            "公开内容(要素)",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "",
            "公开方式",
            "",
            "公开层级",
            "",
        ],
        &[
            "",
            "一级事项",
            "二级事项",
            "",
            "",
            "",
            "",
            "",
            "全社会",
            "特定群体",
            "主动",
            "依申请",
            "县级",
            "乡级",
        ],
        &[
            "1",
            "就业信息服务",
            "就业政策法规咨询",
            "就业创业政策项目、对象范围",
            "1.《中华人民共和国就业促进法》\n2.《人力资源市场暂行条例》",
            "信息形成或者变更之日起20个工作日内",
            "县级人社部门、乡镇人民政府",
            &ch1,
            "√",
            "",
            "√",
            "",
            "√",
            "√",
        ],
        &[
            "2",
            "",
            "职业介绍",
            "服务项目、办理流程",
            "《就业服务与就业管理规定》",
            "实时公开",
            "乡镇人民政府",
            "■政府网站、□便民服务站",
            "",
            &sub,
            "√",
            "√",
            "",
            "√",
        ],
        &[
            "3",
            "",
            "招聘信息",
            "岗位信息",
            &basis3,
            "及时公开",
            "县级人社部门",
            "■政务新媒体 ■发布会听证会",
            "√",
            "",
            "✓",
            "",
            "√",
            "",
        ],
        &[],
        &[
            "4",
            "就业失业登记",
            "失业登记",
            "办理条件",
            "《就业服务与就业管理规定》",
            "20个工作日内",
            "乡镇人民政府",
            "■社区/企事业单位/村公示栏(电子屏)\n□入户/现场",
            "√",
            "",
            "√",
            "",
            "",
            "√",
        ],
    ]);
    r[0].resize(14, String::new());
    r[1].resize(14, String::new());
    Sheet {
        name: "Sheet1",
        rows: r,
        merges: vec![
            (0, 0, 0, 13),
            (1, 0, 1, 13),
            (2, 0, 3, 0),
            (2, 1, 2, 2),
            (2, 3, 3, 3),
            (2, 4, 3, 4),
            (2, 5, 3, 5),
            (2, 6, 3, 6),
            (2, 7, 3, 7),
            (2, 8, 2, 9),
            (2, 10, 2, 11),
            (2, 12, 2, 13),
            (4, 1, 6, 1),
        ],
    }
}

#[test]
fn xlsx_title_note_two_row_merged_header_and_merged_level1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("就业目录.xlsx");
    xlsx(&file, &[title_note_header_sheet()]);
    let out_file = dir.path().join("out.json");
    let report = Run {
        id: Some("jiuye-town"),
        version: Some("2026.01"),
        output: Some(out_file.clone()),
        ..Run::new(&file)
    }
    .ok();
    let c = load(&out_file);
    assert_eq!(c.id, "jiuye-town");
    assert_eq!(c.name, "就业", "name from the title");
    assert_eq!(c.group, Group::Local);
    assert_eq!(c.version, "2026.01");
    assert_eq!(c.sources, strs(&["就业目录.xlsx (Sheet1)"]));
    assert!(!c.sample);
    assert_eq!(c.items.len(), 4);

    let mut e1 = blank("01", "就业信息服务", "就业政策法规咨询");
    e1.content = "就业创业政策项目、对象范围".into();
    e1.basis = strs(&["《中华人民共和国就业促进法》", "《人力资源市场暂行条例》"]);
    e1.time_limit = "信息形成或者变更之日起20个工作日内".into();
    e1.publisher = "县级人社部门、乡镇人民政府".into();
    e1.channels = ch(&[
        ("政府网站", true),
        ("两微一端", true),
        ("政务服务中心", false),
        ("其他:村务公开微信群", true),
    ]);
    e1.audience = vec![Audience::Public];
    e1.method = vec![Method::Proactive];
    e1.tiers = vec![Tier::County, Tier::Township];
    assert_eq!(c.items[0], e1);

    let mut e2 = blank("02", "就业信息服务", "职业介绍");
    e2.content = "服务项目、办理流程".into();
    e2.basis = strs(&["《就业服务与就业管理规定》"]);
    e2.time_limit = "实时公开".into();
    e2.publisher = "乡镇人民政府".into();
    e2.channels = ch(&[("政府网站", true), ("便民服务站", false)]);
    e2.audience = vec![Audience::SpecificGroup];
    e2.audience_group = Some("求职登记人员".into());
    e2.method = vec![Method::Proactive, Method::OnRequest];
    e2.tiers = vec![Tier::Township];
    assert_eq!(c.items[1], e2);

    let mut e3 = blank("03", "就业信息服务", "招聘信息");
    e3.content = "岗位信息".into();
    e3.basis = strs(&[
        "《人力资源市场暂行条例》",
        "《中华人民共和国政府信息公开条例》",
    ]);
    e3.time_limit = "及时公开".into();
    e3.publisher = "县级人社部门".into();
    e3.channels = ch(&[("两微一端", true), ("发布会/听证会", true)]);
    e3.audience = vec![Audience::Public];
    e3.method = vec![Method::Proactive];
    e3.tiers = vec![Tier::County];
    assert_eq!(c.items[2], e3);

    let mut e4 = blank("04", "就业失业登记", "失业登记");
    e4.content = "办理条件".into();
    e4.basis = strs(&["《就业服务与就业管理规定》"]);
    e4.time_limit = "20个工作日内".into();
    e4.publisher = "乡镇人民政府".into();
    e4.channels = ch(&[(BOARD, true), ("入户/现场", false)]);
    e4.audience = vec![Audience::Public];
    e4.method = vec![Method::Proactive];
    e4.tiers = vec![Tier::Township];
    assert_eq!(c.items[3], e4);

    // The report says what was understood.
    for line in [
        "工作表「Sheet1」",
        "标题:「就业领域基层政务公开标准目录」 (第 1 行)",
        "表头:第 3–4 行",
        "B 「公开事项/一级事项」 → 一级事项",
        "H 「公开渠道和载体」 → 公开渠道(文字列表",
        "J 「公开对象/特定群体」 → 公开对象:特定群体",
        "N 「公开层级/乡级」 → 公开层级:乡级",
        "第 5–9 行",
        "导入 4 行;跳过 1 行",
        "第 8 行:空行",
        "目录 jiuye-town 「就业」 版本 2026.01:4 项",
        "已写入",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}

#[test]
fn xlsx_level3_extra_columns_checkbox_channels_elements_and_separators() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("低保.xlsx");
    let mut r = rows(&[
        &[
            "序号",
            "公开事项",
            "",
            "",
            "公开内容",
            "公开时限",
            "公开渠道和载体",
            "",
            "",
            "",
            "咨询电话",
            "网站所属栏目",
        ],
        &[
            "",
            "一级事项",
            "二级事项",
            "三级事项",
            "",
            "",
            "政府网站",
            "政务新媒体",
            "政府服务中心",
            "其他",
            "",
            "",
        ],
        &["一、社会救助"],
        &[
            "1",
            "最低生活保障",
            "审批",
            "申请条件",
            "●申请条件;●办理流程\n〇咨询方式",
            "10个工作日",
            "√",
            "",
            "■",
            "",
            "0537-1234567",
            "社会救助专栏",
        ],
        &[
            "2",
            "",
            "",
            "审批结果",
            "●救助对象姓名、●保障金额",
            "公示7个工作日",
            "√",
            "√",
            "",
            "村务公开栏",
            "0537-1234567",
            "",
        ],
        &[
            "3",
            "",
            "资金",
            "资金发放",
            "发放金额",
            "每季度",
            "□",
            "√",
            "",
            "",
            "",
            "",
        ],
        &[],
        &["注:以上事项均为主动公开"],
    ]);
    r[2].resize(12, String::new());
    r[7].resize(12, String::new());
    xlsx(
        &file,
        &[Sheet {
            name: "低保",
            rows: r,
            merges: vec![
                (0, 0, 1, 0),
                (0, 1, 0, 3),
                (0, 4, 1, 4),
                (0, 5, 1, 5),
                (0, 6, 0, 9),
                (0, 10, 1, 10),
                (0, 11, 1, 11),
                (2, 0, 2, 11),
                (3, 1, 5, 1),
                (3, 2, 4, 2),
                (7, 0, 7, 11),
            ],
        }],
    );
    let out_file = dir.path().join("out.json");
    let report = Run {
        id: Some("shehui-local"),
        name: Some("社会救助(本地)"),
        version: Some("1"),
        output: Some(out_file.clone()),
        ..Run::new(&file)
    }
    .ok();
    let c = load(&out_file);
    assert_eq!(c.name, "社会救助(本地)");
    assert_eq!(c.items.len(), 3, "{report}");

    let mut e1 = blank("01", "最低生活保障", "审批");
    e1.level3 = Some("申请条件".into());
    e1.elements = els(&[("申请条件", true), ("办理流程", true), ("咨询方式", false)]);
    e1.time_limit = "10个工作日".into();
    e1.channels = ch(&[("政府网站", true), ("政务服务中心", true)]);
    e1.extra = BTreeMap::from([
        ("咨询电话".to_string(), "0537-1234567".to_string()),
        ("网站所属栏目".to_string(), "社会救助专栏".to_string()),
    ]);
    assert_eq!(c.items[0], e1);

    let mut e2 = blank("02", "最低生活保障", "审批");
    e2.level3 = Some("审批结果".into());
    e2.elements = els(&[("救助对象姓名", true), ("保障金额", true)]);
    e2.time_limit = "公示7个工作日".into();
    e2.channels = ch(&[
        ("政府网站", true),
        ("两微一端", true),
        ("其他:村务公开栏", true),
    ]);
    e2.extra = BTreeMap::from([("咨询电话".to_string(), "0537-1234567".to_string())]);
    assert_eq!(c.items[1], e2);

    let mut e3 = blank("03", "最低生活保障", "资金");
    e3.level3 = Some("资金发放".into());
    e3.content = "发放金额".into();
    e3.time_limit = "每季度".into();
    e3.channels = ch(&[("政府网站", false), ("两微一端", true)]);
    assert_eq!(c.items[2], e3);

    for line in [
        "表头:第 1–2 行",
        "G 「公开渠道和载体/政府网站」 → 公开渠道勾选列「政府网站」",
        "H 「公开渠道和载体/政务新媒体」 → 公开渠道勾选列「两微一端」",
        "D 「公开事项/三级事项」 → 三级事项",
        "K 「咨询电话」 → 附加列「咨询电话」",
        "导入 3 行;跳过 3 行",
        "第 3 行:分隔行「一、社会救助」",
        "第 7 行:空行",
        "第 8 行:分隔行「注:以上事项均为主动公开」",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}

/// A sheet with a title row and a one-row header whose 对象/方式/层级 columns are text.
fn simple_sheet(name: &'static str, title: &str, l1: &str) -> Sheet {
    Sheet {
        name,
        rows: rows(&[
            &[title],
            &[
                "序号",
                "一级事项",
                "二级事项",
                "公开内容",
                "公开渠道",
                "公开对象",
                "公开方式",
                "公开层级",
            ],
            &[
                "1",
                l1,
                "事项甲",
                "内容甲",
                "政府网站、两微一端",
                "全社会",
                "主动",
                "县级、乡级",
            ],
            &[
                "2",
                "",
                "事项乙",
                "内容乙",
                "政府网站",
                "特定群体:申请人",
                "依申请",
                "乡、村级",
            ],
        ]),
        merges: vec![],
    }
}

fn notes_sheet() -> Sheet {
    Sheet {
        name: "填表说明",
        rows: rows(&[&["本表由镇政务公开办填报"], &["更新时间", "2026年11月"]]),
        merges: vec![],
    }
}

#[test]
fn xlsx_two_sheets_make_two_catalogues_with_ids_from_the_domain() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("目录.xlsx");
    xlsx(
        &file,
        &[
            notes_sheet(),
            simple_sheet("就业", "就业领域基层政务公开标准目录", "就业服务甲"),
            simple_sheet("救助", "社会救助领域基层政务公开标准目录", "救助服务甲"),
        ],
    );
    let out_dir = dir.path().join("out");
    let report = Run {
        version: Some("2027.01"),
        output: Some(out_dir.clone()),
        ..Run::new(&file)
    }
    .ok();
    let emp = load(&out_dir.join("employment.json"));
    let soc = load(&out_dir.join("social-assistance.json"));
    assert_eq!((emp.name.as_str(), emp.group), ("就业", Group::National));
    // It replaces the shipped 就业: its place in the official order and the guideline's count
    // carry over.
    assert_eq!(emp.order, Some(15));
    assert_eq!(emp.guideline_items.as_ref().map(|g| g.count), Some(25));
    assert_eq!(
        (soc.name.as_str(), soc.group),
        ("社会救助", Group::National)
    );
    assert_eq!(
        emp.aliases,
        strs(&["就业创业"]),
        "kept from the shipped catalogue"
    );
    for (c, l1) in [(&emp, "就业服务甲"), (&soc, "救助服务甲")] {
        assert_eq!(c.items.len(), 2);
        let a = &c.items[0];
        assert_eq!((a.level1.as_str(), a.level2.as_str()), (l1, "事项甲"));
        assert_eq!(a.content, "内容甲");
        assert_eq!(a.channels, ch(&[("政府网站", true), ("两微一端", true)]));
        assert_eq!(a.audience, vec![Audience::Public]);
        assert_eq!(a.audience_group, None);
        assert_eq!(a.method, vec![Method::Proactive]);
        assert_eq!(a.tiers, vec![Tier::County, Tier::Township]);
        let b = &c.items[1];
        assert_eq!(b.level1, l1, "blank 一级事项 filled down");
        assert_eq!(b.level2, "事项乙");
        assert_eq!(b.audience, vec![Audience::SpecificGroup]);
        assert_eq!(b.audience_group.as_deref(), Some("申请人"));
        assert_eq!(b.method, vec![Method::OnRequest]);
        assert_eq!(b.tiers, vec![Tier::Township, Tier::Village]);
        // New rows never take an id of the shipped catalogue they replace.
        let shipped = Library::builtin();
        let old_ids: Vec<&str> = shipped
            .get(&c.id)
            .unwrap()
            .catalogue
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert!(c.items.iter().all(|i| !old_ids.contains(&i.id.as_str())));
    }
    assert!(report.contains("[1/2] 工作表「就业」"), "{report}");
    assert!(report.contains("[2/2] 工作表「救助」"), "{report}");

    // With --id: the given id, then id-2.
    let out2 = dir.path().join("out2");
    Run {
        id: Some("town"),
        version: Some("2027.01"),
        output: Some(out2.clone()),
        ..Run::new(&file)
    }
    .ok();
    let a = load(&out2.join("town.json"));
    let b = load(&out2.join("town-2.json"));
    assert_eq!((a.name.as_str(), a.group), ("就业", Group::Local));
    assert_eq!(
        a.order, None,
        "a new local catalogue has no place in the official order"
    );
    assert_eq!(b.name, "社会救助");
    assert_eq!(
        a.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["01", "02"]
    );
}

#[test]
fn xlsx_one_sheet_with_two_titled_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("blocks.xlsx");
    let header: &[&str] = &["序号", "一级事项", "二级事项", "公开内容", "公开时限"];
    let t1 = format!("{LP}一{RP}就业领域基层政务公开标准目录");
    let t2 = format!("{LP}二{RP}养老服务领域基层政务公开标准目录");
    xlsx(
        &file,
        &[Sheet {
            name: "目录",
            rows: rows(&[
                &[&t1],
                header,
                &["1", "就业服务", "政策咨询", "政策", "20日"],
                &["2", "就业服务", "职业介绍", "岗位", "实时"],
                &[],
                &[&t2],
                header,
                &["1", "养老服务", "养老补贴", "补贴标准", "及时"],
            ]),
            merges: vec![],
        }],
    );
    let out = dir.path().join("o");
    let report = Run {
        id: Some("two"),
        version: Some("9"),
        output: Some(out.clone()),
        ..Run::new(&file)
    }
    .ok();
    let a = load(&out.join("two.json"));
    let b = load(&out.join("two-2.json"));
    assert_eq!(a.name, "就业");
    assert_eq!(
        a.items
            .iter()
            .map(|i| (i.level2.as_str(), i.time_limit.as_str()))
            .collect::<Vec<_>>(),
        [("政策咨询", "20日"), ("职业介绍", "实时")]
    );
    assert_eq!(b.name, "养老服务");
    assert_eq!(b.items.len(), 1);
    assert_eq!(b.items[0].level2, "养老补贴");
    assert_eq!(b.items[0].id, "01");
    assert!(report.contains("工作表「目录」 第 1 块"), "{report}");
    assert!(report.contains("工作表「目录」 第 2 块"), "{report}");
    assert!(report.contains("表头:第 7 行"), "{report}");
    assert!(
        report.contains("导入 2 行;跳过 0 行"),
        "block 1 ends above the second title:\n{report}"
    );
}

#[test]
fn xlsx_table_starting_below_and_right_of_a1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("offset.xlsx");
    xlsx(
        &file,
        &[Sheet {
            name: "Sheet1",
            rows: rows(&[
                &[],
                &[],
                &[
                    "",
                    "",
                    "序号",
                    "一级事项",
                    "二级事项",
                    "公开内容",
                    "公开依据",
                ],
                &[
                    "",
                    "",
                    "1",
                    "户籍管理",
                    "户口迁移",
                    "办理条件",
                    "《户口登记条例》",
                ],
                &["", "", "2", "", "身份证办理", "办理流程", ""],
            ]),
            // 公开依据 merged over both rows: only merged cells give row 2 its basis.
            merges: vec![(3, 3, 4, 3), (3, 6, 4, 6)],
        }],
    );
    let out = dir.path().join("o.json");
    let report = Run {
        id: Some("offset"),
        version: Some("1"),
        output: Some(out.clone()),
        ..Run::new(&file)
    }
    .ok();
    let c = load(&out);
    assert_eq!(
        c.items
            .iter()
            .map(|i| (i.level1.as_str(), i.level2.as_str(), i.content.as_str()))
            .collect::<Vec<_>>(),
        [
            ("户籍管理", "户口迁移", "办理条件"),
            ("户籍管理", "身份证办理", "办理流程")
        ]
    );
    for item in &c.items {
        assert_eq!(item.basis, strs(&["《户口登记条例》"]), "{}", item.level2);
    }
    assert!(report.contains("表头:第 3 行"), "{report}");
    assert!(report.contains("D 「一级事项」 → 一级事项"), "{report}");
}

// ---------------------------------------------------------------------------------------------
// CSV

const CSV: &str = "序号,公开事项,,公开内容,公开依据,公开对象,,公开方式,,公开渠道和载体\n\
,一级事项,二级事项,,,全社会,特定群体,主动,依申请,\n\
1,社会救助,低保审批,\"申请条件、办理流程\",\"《社会救助暂行办法》\n《最低生活保障审核确认办法》\",√,,√,,■政府网站 □两微一端\n\
2,,特困供养,供养标准,《社会救助暂行办法》,,√,√,√,政府网站;公开查阅点\n";

fn check_csv_catalogue(c: &Catalogue) {
    let mut e1 = blank("01", "社会救助", "低保审批");
    e1.content = "申请条件、办理流程".into();
    e1.basis = strs(&["《社会救助暂行办法》", "《最低生活保障审核确认办法》"]);
    e1.audience = vec![Audience::Public];
    e1.method = vec![Method::Proactive];
    e1.channels = ch(&[("政府网站", true), ("两微一端", false)]);
    assert_eq!(c.items[0], e1);
    let mut e2 = blank("02", "社会救助", "特困供养");
    e2.content = "供养标准".into();
    e2.basis = strs(&["《社会救助暂行办法》"]);
    e2.audience = vec![Audience::SpecificGroup];
    e2.method = vec![Method::Proactive, Method::OnRequest];
    e2.channels = ch(&[("政府网站", true), ("公开查阅点", true)]);
    assert_eq!(c.items[1], e2);
    assert_eq!(c.items.len(), 2);
}

#[test]
fn csv_utf8_with_bom_and_gbk() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = dir.path().join("utf8.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(CSV.as_bytes());
    fs::write(&utf8, bytes).unwrap();
    let gbk = dir.path().join("gbk.csv");
    let (encoded, _, unmappable) = encoding_rs::GBK.encode(CSV);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&encoded).is_err(), "really not UTF-8");
    fs::write(&gbk, &encoded).unwrap();

    for (file, encoding) in [(&utf8, "UTF-8"), (&gbk, "GBK/GB18030")] {
        let out = dir
            .path()
            .join(format!("{encoding}.json").replace('/', "-"));
        let report = Run {
            id: Some("csv-test"),
            name: Some("社会救助(CSV)"),
            version: Some("1"),
            output: Some(out.clone()),
            ..Run::new(file)
        }
        .ok();
        assert!(report.contains(&format!("编码 {encoding}")), "{report}");
        assert!(report.contains("表头:第 1–2 行"), "{report}");
        let c = load(&out);
        assert_eq!(c.name, "社会救助(CSV)");
        check_csv_catalogue(&c);
    }
}

// ---------------------------------------------------------------------------------------------
// docx

/// The body of a Word document: caption paragraphs, a table with a two-row header
/// (gridSpan, vMerge), √ and Wingdings marks, a footer paragraph.
fn docx_body() -> String {
    let restart = r#"<w:vMerge w:val="restart"/>"#;
    let cont = "<w:vMerge/>";
    let span2 = r#"<w:gridSpan w:val="2"/>"#;
    let tick = r#"<w:p><w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>"#;
    let table = [
        tr(&[
            tc(restart, &para("序号")),
            tc(span2, &para("公开事项")),
            tc(restart, &para("公开内容")),
            tc(span2, &para("公开对象")),
            tc(span2, &para("公开方式")),
        ]),
        tr(&[
            tc(cont, "<w:p/>"),
            tc("", &para("一级事项")),
            tc("", &para("二级事项")),
            tc(cont, "<w:p/>"),
            tc("", &para("全社会")),
            tc("", &para("特定群体")),
            tc("", &para("主动")),
            tc("", &para("依申请")),
        ]),
        tr(&[
            tc("", &para("1")),
            tc(restart, &para("养老政策")),
            tc("", &para("扶持政策")),
            tc("", &format!("{}{}", para("政策文件"), para("扶持措施清单"))),
            tc("", &para("√")),
            tc("", "<w:p/>"),
            tc("", &para("√")),
            tc("", "<w:p/>"),
        ]),
        tr(&[
            tc("", &para("2")),
            tc(cont, "<w:p/>"),
            tc("", &para("投资指南")),
            tc("", &para("养老机构投资指南 &amp; 流程")),
            tc("", "<w:p/>"),
            tc("", tick),
            tc("", "<w:p/>"),
            tc("", &para("√")),
        ]),
    ]
    .concat();
    format!(
        "{}{}<w:tbl><w:tblPr/>{table}</w:tbl>{}",
        para("附件2"),
        para("养老服务领域基层政务公开标准目录"),
        para("落款")
    )
}

#[test]
fn docx_table_with_grid_span_and_vmerge() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("养老.docx");
    let body = docx_body();
    docx(&file, &body);
    let out = dir.path().join("o.json");
    let report = Run {
        id: Some("docx-test"),
        version: Some("1"),
        output: Some(out.clone()),
        ..Run::new(&file)
    }
    .ok();
    let c = load(&out);
    assert_eq!(
        c.name, "养老服务",
        "name from the paragraph above the table"
    );
    let mut e1 = blank("01", "养老政策", "扶持政策");
    e1.content = "政策文件\n扶持措施清单".into();
    e1.audience = vec![Audience::Public];
    e1.method = vec![Method::Proactive];
    assert_eq!(c.items[0], e1);
    let mut e2 = blank("02", "养老政策", "投资指南");
    e2.content = "养老机构投资指南 & 流程".into();
    e2.audience = vec![Audience::SpecificGroup];
    e2.method = vec![Method::OnRequest];
    assert_eq!(c.items[1], e2);
    assert_eq!(c.items.len(), 2);
    assert!(report.contains("Word 表格 1"), "{report}");
    assert!(report.contains("表头:第 1–2 行"), "{report}");
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[test]
fn a_table_without_header_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.xlsx");
    xlsx(
        &file,
        &[Sheet {
            name: "数据",
            rows: rows(&[&["hello"], &["world", "x"]]),
            merges: vec![],
        }],
    );
    let (code, out, err) = Run {
        id: Some("x"),
        data_dir: Some(dir.path()),
        ..Run::new(&file)
    }
    .go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(out.is_empty());
    assert!(err.contains("x.xlsx"), "{err}");
    assert!(err.contains("工作表「数据」"), "{err}");
    assert!(err.contains("找不到表头行"), "{err}");
    assert!(!dir.path().join("checklists").exists(), "nothing written");

    let (code, _, err) = Run {
        id: Some("x"),
        data_dir: Some(dir.path()),
        lang: Lang::En,
        ..Run::new(&file)
    }
    .go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains("sheet \"数据\": no header row found"), "{err}");
}

#[test]
fn unknown_formats_broken_workbooks_and_missing_ids_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("目录.pdf");
    fs::write(&pdf, b"%PDF").unwrap();
    let (code, _, err) = Run::new(&pdf).go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains("无法识别的表格格式"), "{err}");

    let broken = dir.path().join("broken.xlsx");
    fs::write(&broken, b"this is not a workbook").unwrap();
    let (code, _, err) = Run::new(&broken).go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains("另存为 .xlsx"), "{err}");

    let doc = dir.path().join("old.doc");
    fs::write(&doc, b"x").unwrap();
    let (code, _, err) = Run::new(&doc).go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains(".docx"), "{err}");

    // A title naming no known domain needs --id.
    let file = dir.path().join("local.xlsx");
    xlsx(&file, &[simple_sheet("Sheet1", "便民事项目录", "便民服务")]);
    let (code, _, err) = Run {
        output: Some(dir.path().join("o.json")),
        ..Run::new(&file)
    }
    .go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains("--id"), "{err}");
    let (code, _, err) = Run {
        id: Some("Bad Id"),
        output: Some(dir.path().join("o.json")),
        ..Run::new(&file)
    }
    .go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains("Bad Id"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Re-import

fn small_table(path: &Path, rows_: &[[&str; 4]]) {
    let mut r = vec![strs(&["序号", "一级事项", "二级事项", "公开时限"])];
    for (n, row) in rows_.iter().enumerate() {
        let mut line = vec![(n + 1).to_string()];
        line.extend(row.iter().take(3).map(|s| s.to_string()));
        r.push(line);
    }
    xlsx(
        path,
        &[Sheet {
            name: "Sheet1",
            rows: r,
            merges: vec![],
        }],
    );
}

#[test]
fn re_import_keeps_ids_of_unchanged_rows_and_numbers_new_rows_after_the_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.xlsx");
    let out = dir.path().join("local-x.json");
    small_table(
        &file,
        &[
            ["服务", "甲", "5日", ""],
            ["服务", "乙", "10日", ""],
            ["服务", "丙", "15日", ""],
        ],
    );
    let run = Run {
        id: Some("local-x"),
        name: Some("本地事项"),
        output: Some(out.clone()),
        ..Run::new(&file)
    };
    run.ok();
    let v1 = load(&out);
    let ids = |c: &Catalogue| -> Vec<(String, String)> {
        c.items
            .iter()
            .map(|i| (i.level2.clone(), i.id.clone()))
            .collect()
    };
    assert_eq!(
        ids(&v1),
        [("甲", "01"), ("乙", "02"), ("丙", "03")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(v1.version, import::today());

    // Corrected table: 乙's time limit changed, 丙 removed, 丁 added before 甲.
    small_table(
        &file,
        &[
            ["服务", "丁", "1日", ""],
            ["服务", "甲", "5日", ""],
            ["服务", "乙", "20日", ""],
        ],
    );
    let report = run.ok();
    let v2 = load(&out);
    assert_eq!(
        ids(&v2),
        [("丁", "04"), ("甲", "01"), ("乙", "02")].map(|(a, b)| (a.to_string(), b.to_string())),
        "丙's id 03 is not reused"
    );
    assert_eq!(v2.items[2].time_limit, "20日");
    assert_eq!(
        v2.version,
        format!("{}-2", v1.version),
        "same day: bumped so the new file replaces the old"
    );
    assert!(
        report.contains("沿用编号 2;新编号 1;停用编号 1:03"),
        "{report}"
    );

    // Importing the same table again changes nothing, not even the version.
    let report = run.ok();
    assert_eq!(load(&out), v2);
    assert!(report.contains("版本不变"), "{report}");
}

// ---------------------------------------------------------------------------------------------
// The binary

#[test]
fn binary_imports_into_the_data_dir_and_list_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.xlsx");
    small_table(
        &file,
        &[["服务", "甲", "5日", ""], ["服务", "乙", "10日", ""]],
    );
    let data = dir.path().join("data");
    let bin = env!("CARGO_BIN_EXE_zwgk");
    let o = Command::new(bin)
        .args(["checklist", "import"])
        .arg(&file)
        .args(["--id", "bin-test", "--name", "测试目录", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let written = data.join("checklists").join("bin-test.json");
    assert!(stdout.contains(&written.display().to_string()), "{stdout}");
    assert_eq!(load(&written).items.len(), 2);

    let o = Command::new(bin)
        .args(["checklist", "list", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    let line = stdout
        .lines()
        .find(|l| l.starts_with("bin-test"))
        .unwrap_or_else(|| panic!("not listed:\n{stdout}"));
    assert!(line.contains("测试目录"), "{line}");

    // English report; a bad file exits 2.
    let o = Command::new(bin)
        .args(["--lang", "en", "checklist", "import"])
        .arg(&file)
        .args(["--id", "bin-test", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("written to"), "{stdout}");
    assert!(stdout.contains("ids kept 2"), "{stdout}");
    let o = Command::new(bin)
        .args(["checklist", "import", "nothing.pdf", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Acceptance: a real-looking 就业 table

/// Laid out like the published county/township tables (domain.md §4.1): a title, a
/// 填报单位 line, a two-row header with line breaks and full-width brackets in the names, the
/// 2019 channel list one per line with ■□, 乡、村级 as one tier column, a header repeated after
/// a page break, and a closing note.
#[test]
fn acceptance_real_looking_employment_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("胡集镇就业领域基层政务公开标准目录.xlsx");
    let content = format!("公开内容{LP}要素{RP}");
    let specific = format!("特定群体{LP}请写明{RP}");
    let header_top = [
        "序号",
        "公开事项",
        "",
        content.as_str(),
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道\n和载体",
        "公开对象",
        "",
        "公开方式",
        "",
        "公开层级",
        "",
    ];
    let header_sub = [
        "",
        "一级事项",
        "二级事项",
        "",
        "",
        "",
        "",
        "",
        "全社会",
        specific.as_str(),
        "主动",
        "依申请",
        "县级",
        "乡、村级",
    ];
    let channels1 = format!(
        "■政府网站\n■政府公报\n■两微一端\n□广播电视\n■公开查阅点\n■政务服务中心\n■便民服务站\n□社区/企事业单位/村公示栏{LP}电子屏{RP}\n□精准推送\n□其他____"
    );
    let basis1 =
        format!("《中华人民共和国就业促进法》\n《人力资源市场暂行条例》{LP}国务院令第700号{RP}");
    let publisher1 = format!("县级人力资源社会保障部门、乡镇{LP}街道{RP}基层公共服务平台");
    let publisher3 = format!("乡镇{LP}街道{RP}基层公共服务平台");
    let channels3 = format!("■政务服务中心{SEMI}■便民服务站");
    let sub3 = format!("√{LP}失业人员{RP}");
    let sub5 = format!("√{LP}培训学员{RP}");
    let note = format!("注{COLON}公开渠道和载体中“■”表示必选项,“□”表示可选项。");
    let mut r: Vec<Vec<String>> = vec![
        strs(&["胡集镇就业领域基层政务公开标准目录"]),
        strs(&[
            "填报单位:胡集镇人民政府",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "更新时间:2026年6月",
        ]),
        strs(&header_top),
        strs(&header_sub),
        strs(&[
            "1",
            "就业信息服务",
            "就业政策法规咨询",
            "就业创业政策项目、对象范围、政策申请条件、申请材料、办理流程、办理地点、咨询电话",
            &basis1,
            "信息形成或者变更之日起20个工作日内",
            &publisher1,
            &channels1,
            "√",
            "",
            "√",
            "",
            "√",
            "√",
        ]),
        strs(&[
            "2",
            "",
            "职业供求信息",
            "岗位信息、求职信息、职业供求分析",
            "《人力资源市场暂行条例》",
            "实时更新",
            "县级公共就业服务机构",
            "■政府网站 ■两微一端 □其他:基层公共服务平台",
            "√",
            "",
            "√",
            "",
            "√",
            "",
        ]),
        strs(&header_top),
        strs(&header_sub),
        strs(&[
            "3",
            "就业失业登记",
            "失业登记",
            "办理条件、办理流程、申请材料",
            "《就业服务与就业管理规定》",
            "即时办理",
            &publisher3,
            &channels3,
            "",
            &sub3,
            "",
            "√",
            "",
            "√",
        ]),
        strs(&[
            "4",
            "",
            "就业创业证申领",
            "申领条件、申领流程",
            "《就业服务与就业管理规定》",
            "即时办理",
            &publisher3,
            "政务服务中心",
            "",
            "申请人",
            "√",
            "√",
            "√",
            "√",
        ]),
        strs(&[
            "5",
            "职业培训",
            "培训补贴",
            "补贴对象、补贴标准、申请材料",
            "《关于推行终身职业技能培训制度的意见》",
            "培训结束后10个工作日内",
            "县级人力资源社会保障部门",
            "政府网站、公开查阅点",
            "√",
            &sub5,
            "√",
            "",
            "√",
            "",
        ]),
        vec![note],
    ];
    for row in &mut r {
        row.resize(14, String::new());
    }
    let header_merges = |top: u32| {
        vec![
            (top, 0, top + 1, 0),
            (top, 1, top, 2),
            (top, 3, top + 1, 3),
            (top, 4, top + 1, 4),
            (top, 5, top + 1, 5),
            (top, 6, top + 1, 6),
            (top, 7, top + 1, 7),
            (top, 8, top, 9),
            (top, 10, top, 11),
            (top, 12, top, 13),
        ]
    };
    let mut merges = vec![(0, 0, 0, 13), (4, 1, 5, 1), (8, 1, 9, 1), (11, 0, 11, 13)];
    merges.extend(header_merges(2));
    merges.extend(header_merges(6));
    xlsx(
        &file,
        &[Sheet {
            name: "就业",
            rows: r,
            merges,
        }],
    );
    let out = dir.path().join("employment.json");
    let report = Run {
        version: Some("2027.01"),
        output: Some(out.clone()),
        ..Run::new(&file)
    }
    .ok();
    let c = load(&out);
    assert_eq!(c.id, "employment", "id from the title's domain");
    assert_eq!(c.name, "就业");
    assert_eq!(c.group, Group::National);
    assert_eq!(c.version, "2027.01");
    assert_eq!(c.items.len(), 5, "{report}");

    // Ids: a row the shipped catalogue has keeps its id; the others are new.
    let shipped = Library::builtin()
        .get("employment")
        .unwrap()
        .catalogue
        .clone();
    for item in &c.items {
        match shipped
            .items
            .iter()
            .find(|s| s.level1 == item.level1 && s.level2 == item.level2)
        {
            Some(s) => assert_eq!(item.id, s.id, "{}", item.level2),
            None => assert!(
                shipped.item(&item.id).is_none(),
                "{} reuses {}",
                item.level2,
                item.id
            ),
        }
    }
    let mut ids: Vec<&str> = c.items.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5);

    let strip = |i: &Item| Item {
        id: String::new(),
        ..i.clone()
    };
    let mut e1 = blank("", "就业信息服务", "就业政策法规咨询");
    e1.content =
        "就业创业政策项目、对象范围、政策申请条件、申请材料、办理流程、办理地点、咨询电话".into();
    e1.basis = vec![
        "《中华人民共和国就业促进法》".into(),
        format!("《人力资源市场暂行条例》{LP}国务院令第700号{RP}"),
    ];
    e1.time_limit = "信息形成或者变更之日起20个工作日内".into();
    e1.publisher = publisher1.clone();
    e1.channels = ch(&[
        ("政府网站", true),
        ("政府公报", true),
        ("两微一端", true),
        ("广播电视", false),
        ("公开查阅点", true),
        ("政务服务中心", true),
        ("便民服务站", true),
        (BOARD, false),
        ("精准推送", false),
        ("其他", false),
    ]);
    e1.audience = vec![Audience::Public];
    e1.method = vec![Method::Proactive];
    e1.tiers = vec![Tier::County, Tier::Township, Tier::Village];
    assert_eq!(strip(&c.items[0]), e1);

    let mut e2 = blank("", "就业信息服务", "职业供求信息");
    e2.content = "岗位信息、求职信息、职业供求分析".into();
    e2.basis = strs(&["《人力资源市场暂行条例》"]);
    e2.time_limit = "实时更新".into();
    e2.publisher = "县级公共就业服务机构".into();
    e2.channels = ch(&[
        ("政府网站", true),
        ("两微一端", true),
        ("其他:基层公共服务平台", false),
    ]);
    e2.audience = vec![Audience::Public];
    e2.method = vec![Method::Proactive];
    e2.tiers = vec![Tier::County];
    assert_eq!(strip(&c.items[1]), e2);

    let mut e3 = blank("", "就业失业登记", "失业登记");
    e3.content = "办理条件、办理流程、申请材料".into();
    e3.basis = strs(&["《就业服务与就业管理规定》"]);
    e3.time_limit = "即时办理".into();
    e3.publisher = publisher3.clone();
    e3.channels = ch(&[("政务服务中心", true), ("便民服务站", true)]);
    e3.audience = vec![Audience::SpecificGroup];
    e3.audience_group = Some("失业人员".into());
    e3.method = vec![Method::OnRequest];
    e3.tiers = vec![Tier::Township, Tier::Village];
    assert_eq!(strip(&c.items[2]), e3);

    let mut e4 = blank("", "就业失业登记", "就业创业证申领");
    e4.content = "申领条件、申领流程".into();
    e4.basis = strs(&["《就业服务与就业管理规定》"]);
    e4.time_limit = "即时办理".into();
    e4.publisher = publisher3.clone();
    e4.channels = ch(&[("政务服务中心", true)]);
    e4.audience = vec![Audience::SpecificGroup];
    e4.audience_group = Some("申请人".into());
    e4.method = vec![Method::Proactive, Method::OnRequest];
    e4.tiers = vec![Tier::County, Tier::Township, Tier::Village];
    assert_eq!(strip(&c.items[3]), e4);

    let mut e5 = blank("", "职业培训", "培训补贴");
    e5.content = "补贴对象、补贴标准、申请材料".into();
    e5.basis = strs(&["《关于推行终身职业技能培训制度的意见》"]);
    e5.time_limit = "培训结束后10个工作日内".into();
    e5.publisher = "县级人力资源社会保障部门".into();
    e5.channels = ch(&[("政府网站", true), ("公开查阅点", true)]);
    e5.audience = vec![Audience::Public, Audience::SpecificGroup];
    e5.audience_group = Some("培训学员".into());
    e5.method = vec![Method::Proactive];
    e5.tiers = vec![Tier::County];
    assert_eq!(strip(&c.items[4]), e5);

    for line in [
        "表头:第 3–4 行",
        "H 「公开渠道和载体」 → 公开渠道(文字列表",
        "N 「公开层级/乡、村级」 → 公开层级:乡级、村级",
        "第 7 行:重复的表头",
        "第 8 行:重复的表头",
        "第 12 行:分隔行",
        "导入 5 行;跳过 3 行",
        "将替换已有目录 employment",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}

// ---------------------------------------------------------------------------------------------
// Fuzz seeds

/// Writes the seed inputs of the import fuzz targets into `fuzz/seeds/import_*/` (see
/// fuzz/README.md): `cargo test --test import -- --ignored write_fuzz_seeds`.
#[test]
#[ignore = "writes files into fuzz/seeds/"]
fn write_fuzz_seeds() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let dir = |name: &str| {
        let d = seeds.join(name);
        fs::create_dir_all(&d).unwrap();
        d
    };
    let xlsx_dir = dir("import_xlsx");
    xlsx(
        &xlsx_dir.join("title-note-merged-header.xlsx"),
        &[title_note_header_sheet()],
    );
    xlsx(
        &xlsx_dir.join("two-sheets-and-notes.xlsx"),
        &[
            simple_sheet("就业", "就业领域基层政务公开标准目录", "就业政策"),
            notes_sheet(),
        ],
    );
    // The parts form: worksheet, shared strings (see fuzz_targets/import_xlsx.rs).
    let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E4"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c><c r="E2" t="s"><v>4</v></c></row><row r="3"><c r="A3"><v>1</v></c><c r="B3" t="s"><v>5</v></c><c r="C3" t="inlineStr"><is><t>低保审批</t></is></c><c r="D3" t="s"><v>6</v></c><c r="E3" t="str"><f>"√"</f><v>√</v></c></row><row r="4"><c r="A4"><v>2</v></c><c r="C4" t="inlineStr"><is><t>特困供养</t></is></c><c r="D4"><v>20.5</v></c><c r="E4" t="b"><v>1</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:E1"/><mergeCell ref="B3:B4"/></mergeCells></worksheet>"#;
    let shared = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7"><si><t>社会救助领域基层政务公开标准目录</t></si><si><t>序号</t></si><si><t>公开事项</t></si><si><t>公开内容</t></si><si><t>公开对象(全社会)</t></si><si><r><rPr><b/></rPr><t>社会</t></r><r><t>救助</t></r></si><si><t xml:space="preserve"> 申请条件 </t></si></sst>"#;
    fs::write(
        xlsx_dir.join("parts-shared-strings-merges.txt"),
        format!("{sheet}\n--part--\n{shared}"),
    )
    .unwrap();

    let docx_dir = dir("import_docx");
    docx(&docx_dir.join("grid-span-vmerge.docx"), &docx_body());
    let xml = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>"#,
        docx_body()
    );
    fs::write(docx_dir.join("grid-span-vmerge-document.xml"), xml).unwrap();

    let csv_dir = dir("import_csv");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    fs::write(csv_dir.join("utf8-bom.csv"), bom).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
    fs::write(csv_dir.join("gbk.csv"), &gbk).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in CSV.replace(',', "\t").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    fs::write(csv_dir.join("utf16-tabs.txt"), utf16).unwrap();
}

#[cfg(unix)]
#[test]
fn import_output_must_be_a_regular_file_or_a_folder() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.xlsx");
    small_table(&file, &[["1", "一级", "二级", "内容"]]);
    let fifo = dir.path().join("out.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, _, err) = Run {
        id: Some("fifo-test"),
        output: Some(fifo.clone()),
        ..Run::new(&file)
    }
    .go();
    assert_eq!(
        err,
        format!(
            "{}:是命名管道(FIFO),不是普通文件;zwgk 只写入普通文件\n",
            fifo.display()
        )
    );
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

    // A link to a regular file is written through.
    let real = dir.path().join("real.json");
    fs::write(&real, "{}").unwrap();
    let link = dir.path().join("link.json");
    symlink(&real, &link).unwrap();
    Run {
        id: Some("link-test"),
        output: Some(link.clone()),
        ..Run::new(&file)
    }
    .ok();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(load(&real).id, "link-test");
}

#[test]
fn a_windows_device_name_is_refused_as_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.xlsx");
    small_table(&file, &[["1", "一级", "二级", "内容"]]);
    let (code, _, err) = Run {
        id: Some("nul"),
        output: Some(dir.path().join("o.json")),
        ..Run::new(&file)
    }
    .go();
    assert_eq!(code, EXIT_BAD_INPUT);
    assert_eq!(
        err,
        "--id nul:是 Windows 的保留设备名(con、prn、aux、nul、com1–com9、lpt1–lpt9),不能用作目录文件名;请换一个编号\n"
    );
}
