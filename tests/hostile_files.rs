//! Hostile table files: small files that declare or fan out to far more cells than they hold
//! (far-apart cells, merged ranges, shared strings, huge declared counts, many tables). Each
//! must be refused at once with exit 2 and a message naming the file, the place and the limit
//! — never abort on a failed allocation or eat the machine's memory. The files are built here.
//!
//! On Unix the binary runs under `ulimit -v` (2 GiB of address space), so a regression that
//! tries to allocate what the file asks for fails fast (abort, exit 134) instead of swapping.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use zwgk::import::limits::{MAX_CELLS, MAX_COLS, MAX_ROWS, MAX_SHARED_STRINGS};

/// Runs `zwgk checklist import FILE` with a fresh data dir; (exit code, stderr).
fn import(file: &Path) -> (Option<i32>, String) {
    let data = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_zwgk");
    let mut cmd = if cfg!(unix) {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .arg("--data-dir")
        .arg(data.path())
        .args(["checklist", "import"])
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts exit 2 and exactly `message` after "FILE:" on stderr.
fn refused(file: &Path, message: &str) {
    let (code, err) = import(file);
    assert_eq!(err, format!("{}:{message}\n", file.display()));
    assert_eq!(code, Some(2), "{err}");
}

fn write_zip(path: &Path, parts: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opt = zip::write::SimpleFileOptions::default();
    for (name, bytes) in parts {
        z.start_file(*name, opt).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

/// A minimal .xlsx: one sheet "目录" with `sheet_data` (the children of `<sheetData>`), what
/// follows `</sheetData>`, and the shared strings part when given.
fn raw_xlsx(path: &Path, sheet_data: &str, after: &str, shared: Option<&str>) {
    raw_xlsx_parts(path, "", sheet_data, after, shared);
}

/// [`raw_xlsx`] with `head` (e.g. a `<dimension>`) before `<sheetData>`.
fn raw_xlsx_with_head(path: &Path, head: &str, sheet_data: &str) {
    raw_xlsx_parts(path, head, sheet_data, "", None);
}

fn raw_xlsx_parts(path: &Path, head: &str, sheet_data: &str, after: &str, shared: Option<&str>) {
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="目录" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{head}<sheetData>{sheet_data}</sheetData>{after}</worksheet>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(s) = shared {
        parts.push(("xl/sharedStrings.xml", s.as_bytes()));
    }
    write_zip(path, &parts);
}

fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn two_far_apart_cells_are_refused_without_allocating_the_space_between() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("far.xlsx");
    let data = format!(
        r#"<row r="1">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        inline("A1", "序号")
    );
    raw_xlsx(&file, &data, "", None);
    assert!(std::fs::metadata(&file).unwrap().len() < 4096);
    refused(
        &file,
        "工作表「目录」:单元格 XFD1048576 超出导入范围(最多 100000 行 × 256 列,即 A1:IV100000);请删去表格下方或右侧远处的内容后再导入",
    );
    assert_eq!((MAX_ROWS, MAX_COLS), (100_000, 256));
}

#[test]
fn a_merged_range_copying_long_text_into_every_cell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merge.xlsx");
    // 60,000 bytes in A1, merged over A1:T5000 (100,000 cells): 6 GB of copies.
    let data = format!(
        r#"<row r="1">{}</row><row r="5000">{}</row>"#,
        inline("A1", &"x".repeat(60_000)),
        inline("T5000", "尾")
    );
    raw_xlsx(
        &file,
        &data,
        r#"<mergeCells count="1"><mergeCell ref="A1:T5000"/></mergeCells>"#,
        None,
    );
    refused(
        &file,
        "工作表「目录」:单元格文字超过 128 MiB(合并单元格按所占格数计),超过导入上限",
    );
}

#[test]
fn one_long_shared_string_used_by_thousands_of_cells_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shared.xlsx");
    let shared = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3000" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "y".repeat(60_000)
    );
    let data: String = (1..=3000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    raw_xlsx(&file, &data, "", Some(&shared));
    refused(
        &file,
        "工作表「目录」:单元格文字超过 128 MiB(合并单元格按所占格数计),超过导入上限",
    );
}

#[test]
fn a_declared_shared_string_count_is_checked_before_room_is_made_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("count.xlsx");
    let shared = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>序号</t></si></sst>"#;
    raw_xlsx(
        &file,
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        "",
        Some(shared),
    );
    refused(
        &file,
        &format!("工作簿声明了 4000000000 个共享字符串,超过导入上限 {MAX_SHARED_STRINGS} 个"),
    );
}

fn docx(path: &Path, body: &str) {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    write_zip(path, &[("word/document.xml", xml.as_bytes())]);
}

#[test]
fn a_word_cell_merged_over_thousands_of_rows_and_columns_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merge.docx");
    let text = "公开内容".repeat(100);
    let tail = "<w:tc><w:p><w:r><w:t>尾</w:t></w:r></w:p></w:tc>";
    let mut body = format!(
        r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2000"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>{tail}</w:tr>"#
    );
    for _ in 1..2000 {
        body.push_str(&format!(
            r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="255"/><w:vMerge/></w:tcPr><w:p/></w:tc>{tail}</w:tr>"#
        ));
    }
    body.push_str("</w:tbl>");
    docx(&file, &body);
    assert!(std::fs::metadata(&file).unwrap().len() < 16 * 1024);
    refused(
        &file,
        "Word 表格 1:单元格文字超过 128 MiB(合并单元格按所占格数计),超过导入上限",
    );
}

#[test]
fn a_hundred_wide_word_tables_are_refused_by_the_cell_count_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tables.docx");
    let row = format!("<w:tr>{}</w:tr>", "<w:tc><w:t>x</w:t></w:tc>".repeat(256));
    let table = format!("<w:tbl>{}</w:tbl>", row.repeat(100));
    docx(&file, &table.repeat(100));
    // Each table holds 100 rows of 256 cells: the 78th takes the file past the limit.
    refused(
        &file,
        &format!(
            "Word 表格 78:表格至少有 {} 个单元格(行数 × 列数,含合并单元格),超过导入上限 {MAX_CELLS} 个",
            MAX_CELLS + 1
        ),
    );
}

#[test]
fn a_csv_of_separators_is_refused_by_its_cell_count() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("commas.csv");
    // 30,000 rows of 100 cells with a value in the last one.
    let line = format!("{}x\n", ",".repeat(99));
    std::fs::write(&file, line.repeat(30_000)).unwrap();
    refused(
        &file,
        &format!(
            "CSV 表格 commas.csv:表格至少有 {} 个单元格(行数 × 列数,含合并单元格),超过导入上限 {MAX_CELLS} 个",
            MAX_CELLS + 100
        ),
    );
}

/// BIFF8 record.
fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend((data.len() as u16).to_le_bytes());
    v.extend(data);
    v
}

/// An .xls with one sheet whose substream holds `sheet_records` (between BOF and EOF).
fn raw_xls(path: &Path, sheet_records: &[u8]) {
    raw_xls_with(path, &[], sheet_records);
}

/// [`raw_xls`] with `globals` records (e.g. an SST) after the workbook's BOF.
fn raw_xls_with(path: &Path, globals_records: &[u8], sheet_records: &[u8]) {
    let bof = |dt: u16| {
        let mut d = 0x0600u16.to_le_bytes().to_vec();
        d.extend(dt.to_le_bytes());
        d.extend([0; 12]);
        rec(0x0809, &d)
    };
    let mut globals = bof(0x0005);
    globals.extend(globals_records);
    let name = b"Sheet1";
    let boundsheet_len = 4 + 8 + name.len();
    let eof = rec(0x000A, &[]);
    let sheet_pos = globals.len() + boundsheet_len + eof.len();
    let mut bs = (sheet_pos as u32).to_le_bytes().to_vec();
    bs.extend([0, 0, name.len() as u8, 0]);
    bs.extend(name);
    globals.extend(rec(0x0085, &bs));
    globals.extend(&eof);
    assert_eq!(globals.len(), sheet_pos);
    let mut stream = globals;
    stream.extend(bof(0x0010));
    stream.extend(sheet_records);
    stream.extend(&eof);
    let mut cf = cfb::create(path).unwrap();
    cf.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cf.flush().unwrap();
}

#[test]
fn an_xls_declaring_a_huge_sheet_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dims.xls");
    // DIMENSIONS: rows 0..0x7FFFFFFF, columns 0..255: calamine would reserve room for 550 billion
    // cells while opening the file.
    let mut d = 0u32.to_le_bytes().to_vec();
    d.extend(0x7FFF_FFFFu32.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(256u16.to_le_bytes());
    d.extend([0, 0]);
    raw_xls(&file, &rec(0x0200, &d));
    refused(
        &file,
        &format!(
            "工作表「Sheet1」:表格至少有 {} 个单元格(行数 × 列数,含合并单元格),超过导入上限 {MAX_CELLS} 个",
            0x7FFF_FFFFu64 * 256
        ),
    );
}

#[test]
fn an_xls_with_two_far_apart_cells_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("far.xls");
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 2]);
        d.extend(1.0f64.to_le_bytes());
        rec(0x0203, &d)
    };
    let mut records = number(0, 0);
    records.extend(number(65_535, 255));
    raw_xls(&file, &records);
    refused(
        &file,
        &format!(
            "工作表「Sheet1」:表格至少有 {} 个单元格(行数 × 列数,含合并单元格),超过导入上限 {MAX_CELLS} 个",
            2 * 65_536 * 256
        ),
    );
}

#[test]
fn an_ods_is_sent_to_be_saved_as_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("目录.ods");
    std::fs::write(&file, b"PK").unwrap();
    refused(
        &file,
        "不能直接读取 .ods 文件;请用 WPS 或 Word 打开,另存为 .xlsx 后再导入",
    );
}

/// A header row and one item row, as `<sheetData>` children (A1:D2).
fn small_table_data() -> String {
    let row = |r: usize, texts: [&str; 4]| -> String {
        let cells: String = texts
            .iter()
            .enumerate()
            .map(|(i, t)| inline(&format!("{}{r}", (b'A' + i as u8) as char), t))
            .collect();
        format!(r#"<row r="{r}">{cells}</row>"#)
    };
    row(1, ["序号", "一级事项", "二级事项", "公开内容"])
        + &row(2, ["1", "就业政策", "政策咨询", "政策文件"])
}

/// Fuzzing finding (import_xlsx): calamine 0.38 multiplies the digits of a cell reference
/// without checking for overflow, so `<dimension ref="A1333…3:E4"/>` panics where overflow
/// checks are on (debug builds, the fuzz build) and wraps in a release build. The panic is a
/// refused file, not a crash.
#[test]
fn a_cell_reference_too_long_for_calamine_is_a_broken_sheet_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overflow.xlsx");
    let data = small_table_data();
    // The dimension comes before sheetData, where calamine reads it.
    let sheet_dim = format!(r#"<dimension ref="A1{}:D2"/>"#, "3".repeat(100));
    raw_xlsx_with_head(&file, &sheet_dim, &data);
    let (code, err) = import(&file);
    if cfg!(debug_assertions) {
        assert_eq!(
            err,
            format!(
                "{}:工作表「目录」无法读取(malformed file: attempt to multiply with overflow);请另存为 .xlsx 后再试\n",
                file.display()
            )
        );
        assert_eq!(code, Some(2));
    } else {
        // The reference wraps; the table is read (and needs an id, as its title names nothing).
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("--id"), "{err}");
    }
}

/// Fuzzing finding (import_xlsx): a merged range whose end is above its start
/// (`<mergeCell ref="A2:E1"/>`) makes calamine 0.38 subtract with overflow: a panic where
/// overflow checks are on, a range that is dropped in a release build.
#[test]
fn a_reversed_merged_range_is_a_broken_sheet_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reversed.xlsx");
    raw_xlsx(
        &file,
        &small_table_data(),
        r#"<mergeCells count="1"><mergeCell ref="A2:E1"/></mergeCells>"#,
        None,
    );
    let (code, err) = import(&file);
    if cfg!(debug_assertions) {
        assert_eq!(
            err,
            format!(
                "{}:工作表「目录」无法读取(malformed file: attempt to subtract with overflow);请另存为 .xlsx 后再试\n",
                file.display()
            )
        );
        assert_eq!(code, Some(2));
    } else {
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("--id"), "{err}");
    }
}

/// The shared string table of `texts` (UTF-16) and LabelSst cells using them.
fn sst(texts: &[&str]) -> Vec<u8> {
    let mut d = (texts.len() as u32).to_le_bytes().to_vec();
    d.extend((texts.len() as u32).to_le_bytes());
    for t in texts {
        let units: Vec<u16> = t.encode_utf16().collect();
        d.extend((units.len() as u16).to_le_bytes());
        d.push(1);
        for u in units {
            d.extend(u.to_le_bytes());
        }
    }
    rec(0x00FC, &d)
}

fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend([0, 0]);
    d.extend(index.to_le_bytes());
    rec(0x00FD, &d)
}

#[test]
fn a_small_xls_passes_the_checks_and_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("目录.xls");
    let texts = [
        "就业领域基层政务公开标准目录",
        "序号",
        "一级事项",
        "二级事项",
        "公开内容",
        "1",
        "就业政策",
        "政策咨询",
        "政策文件",
    ];
    let mut cells = label_sst(0, 0, 0);
    for (i, col) in (1..5).zip(0u16..) {
        cells.extend(label_sst(1, col, i));
    }
    for (i, col) in (5..9).zip(0u16..) {
        cells.extend(label_sst(2, col, i));
    }
    raw_xls_with(&file, &sst(&texts), &cells);
    // The import_xlsx fuzz target's .xls seed (fuzz/README.md).
    if let Some(seeds) = std::env::var_os("ZWGK_FUZZ_SEED_DIR") {
        std::fs::copy(&file, Path::new(&seeds).join("small-table.xls")).unwrap();
    }
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["checklist", "import"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("导入 1 行"), "{text}");
    assert!(data.path().join("checklists/employment.json").is_file());
}
