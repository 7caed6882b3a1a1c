//! The print check: the HTML report and ledger and the 自查表 (the golden files that
//! `tests/report.rs` keeps up to date) printed to PDF by headless Chromium, read back with
//! poppler's `pdftotext -layout`: page count, page numbers and the running head on every
//! page, dates and states never split across lines, the signature block, and a last page
//! that holds more than the footer.
//!
//! Needs `chromium` and `pdftotext`/`pdfinfo` (Debian: `chromium poppler-utils`, and
//! `fonts-noto-cjk` for the Chinese text; `.ci/run` installs them). Without them the test
//! says why and passes — unless `CI` is set, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The tools, or why the check cannot run here.
fn tools() -> Option<PathBuf> {
    let found = |name: &str| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    };
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| found(n));
    let missing: Vec<&str> = [
        ("chromium", chromium.is_some()),
        ("pdftotext", found("pdftotext").is_some()),
        ("pdfinfo", found("pdfinfo").is_some()),
    ]
    .iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| *n)
    .collect();
    if missing.is_empty() {
        return chromium;
    }
    let why = format!(
        "print check skipped: {} not found (apt-get install chromium poppler-utils fonts-noto-cjk)",
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI must run it");
    }
    eprintln!("{why}");
    None
}

/// Prints `html` to `pdf` with headless Chromium (its own profile, no network), waiting at
/// most two minutes and ending the browser's process group if it hangs.
fn print_to_pdf(chromium: &Path, html: &Path, pdf: &Path, profile: &Path) {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--print-to-pdf={}", pdf.display()))
    .arg(format!("file://{}", html.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "chromium did not print {} within two minutes",
                html.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(pdf.is_file(), "no PDF written for {}", html.display());
}

fn tool_output(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run a poppler tool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The number of pages and the text of each page (`pdftotext -layout`).
fn pages(pdf: &Path) -> Vec<String> {
    let info = tool_output(Command::new("pdfinfo").arg(pdf));
    let n: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    (1..=n)
        .map(|p| {
            tool_output(
                Command::new("pdftotext")
                    .args(["-layout", "-f", &p.to_string(), "-l", &p.to_string()])
                    .arg(pdf)
                    .arg("-"),
            )
        })
        .collect()
}

/// Prints a golden HTML file and returns its pages' text.
fn printed(chromium: &Path, name: &str, dir: &Path) -> Vec<String> {
    let html = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let pdf = dir.join(format!("{name}.pdf"));
    print_to_pdf(chromium, &html, &pdf, &dir.join("profile"));
    pages(&pdf)
}

/// Every page: its number out of the count at the foot, the unit and round at the head.
fn numbered_with_running_head(pages: &[String], head: &str) {
    let n = pages.len();
    for (i, text) in pages.iter().enumerate() {
        let foot = format!("第 {} 页,共 {n} 页", i + 1);
        assert!(text.contains(&foot), "page {}: no {foot:?}\n{text}", i + 1);
        assert!(
            text.contains(head),
            "page {}: no running head\n{text}",
            i + 1
        );
    }
}

/// No date or state word split over two lines: no line ends in the middle of one, and each
/// appears whole at least as often as the data has it.
fn nothing_split(text: &str, whole: &[(&str, usize)]) {
    for line in text.lines() {
        let t = line.trim_end();
        for cut in [
            "2026-",
            "2026-11-",
            "2026-12-",
            "已复",
            "退回",
            "待整",
            "已撤",
            "逾期完",
        ] {
            assert!(
                !t.ends_with(cut) && !t.contains(&format!("{cut} ")),
                "split {cut:?} in line {line:?}"
            );
        }
    }
    for (word, at_least) in whole {
        let n = text.matches(word).count();
        assert!(
            n >= *at_least,
            "{word:?} whole {n} times, expected {at_least}\n{text}"
        );
    }
}

#[test]
fn the_report_ledger_and_check_table_print_on_a4_as_an_office_files_them() {
    let Some(chromium) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");

    // The inspection report: portrait pages, then the ledger on a landscape page.
    let report = printed(&chromium, "inspection-report.html", dir.path());
    assert!(
        (2..=4).contains(&report.len()),
        "{} pages for the report",
        report.len()
    );
    numbered_with_running_head(&report, "胡集镇人民政府 · 2026年下半年回头看");
    let last = report.last().expect("a last page");
    assert!(
        last.contains("五、整改台账"),
        "the ledger is on the last page\n{last}"
    );
    for word in [
        "检查人(签字)",
        "被检查单位负责人(签字)",
        "检查日期:2026-11-27",
    ] {
        assert!(last.contains(word), "{word} on the last page\n{last}");
    }
    // The last page is the ledger itself with its signatures, not the footer alone.
    for row in [
        "岗位信息缺少薪酬待遇",
        "误报",
        "未公开民办学校办学基本信息",
        "专栏无内容",
    ] {
        assert!(
            last.contains(row),
            "the ledger's row {row:?} is on the last page\n{last}"
        );
    }
    nothing_split(
        last,
        &[
            ("2026-12-31", 1),
            ("2026-11-25", 1),
            ("2026-11-20", 1),
            ("2026-11-18", 1),
            ("2026-11-24", 1),
            ("已复核", 1),
            ("退回整改", 1),
            ("已撤销", 1),
            ("待整改", 1),
            ("已整改", 1),
            ("逾期完成", 1),
        ],
    );
    let all = report.join("\n");
    assert!(all.contains("二、自查与复查对比"));
    // The 佐证 headers stay whole words, not one character a line.
    assert!(
        all.contains("整改佐证") && all.contains("乡镇佐证"),
        "{all}"
    );

    // The 自查表: landscape, every page numbered, signatures and the seal on the last page.
    let table = printed(&chromium, "self-check-table.html", dir.path());
    assert!(
        (2..=6).contains(&table.len()),
        "{} pages for the check table",
        table.len()
    );
    numbered_with_running_head(&table, "胡集镇人民政府 · 2026年下半年自查");
    let last = table.last().expect("a last page");
    for word in [
        "检查人(签字)",
        "审核人(签字)",
        "日期",
        "(单位盖章)",
        "未涉及领域事项说明",
    ] {
        assert!(last.contains(word), "{word} on the last page\n{last}");
    }
    let all = table.join("\n");
    nothing_split(
        &all,
        &[("2026-11-17 14:40", 5), ("未检查", 16), ("已落实", 2)],
    );
}
