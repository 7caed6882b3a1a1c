//! Bad catalogue files: every `NAME.json` in `tests/bad_inputs/checklist/` must make
//! `zwgk checklist validate` exit with code 2 and print exactly the lines of `NAME.expected` on
//! stderr (in Chinese, the default), and of `NAME.en.expected` with `--lang en` (English, which
//! is also what the problems' `Display` gives). Files in `tests/bad_inputs/checklist_ok/` are
//! odd but valid and must pass.
//!
//! Paths are relative to the crate root (cargo runs integration tests there), so the file label
//! in every problem line is `tests/bad_inputs/checklist/NAME.json`.
//!
//! After a deliberate change of a message, regenerate the expected output from the crate root:
//!
//! ```sh
//! for f in tests/bad_inputs/checklist/*.json; do
//!   cargo run -q -- checklist validate "$f" 2> "${f%.json}.expected"
//!   cargo run -q -- --lang en checklist validate "$f" 2> "${f%.json}.en.expected"
//! done
//! ```
//!
//! and read every changed `.expected` file before committing it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use zwgk::cli::{ChecklistCommand, Lang};
use zwgk::command::{self, EXIT_BAD_INPUT, EXIT_OK};
use zwgk::library::Library;
use zwgk::model::validate::validate_catalogue;
use zwgk::text::sanitize;

const BAD_DIR: &str = "tests/bad_inputs/checklist";
const OK_DIR: &str = "tests/bad_inputs/checklist_ok";

/// Cases the folder must keep; deleting one of them is a test failure.
const REQUIRED_CASES: &[&str] = &[
    "truncated",
    "not-object",
    "wrong-format",
    "missing-format",
    "newer-format-version",
    "duplicate-item-id",
    "empty-level2",
    "missing-level1",
    "unknown-audience",
    "unknown-method",
    "unknown-tier",
    "unknown-header-field",
    "unknown-item-field",
    "bad-id-uppercase",
    "bad-id-spaces",
    "empty-channel-name",
    "items-not-list",
    "basis-string",
    "several-problems",
    "chinese-text",
    "ansi-escape",
    "reserved-id-con",
    "reserved-id-lpt9",
];

/// Files of `dir` ending in `.ext`, as relative paths, sorted.
fn files_with_ext(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}

fn expected_path(json: &Path, lang: Lang) -> PathBuf {
    match lang {
        Lang::Zh => json.with_extension("expected"),
        Lang::En => json.with_extension("en.expected"),
    }
}

/// Runs `checklist validate` in-process: (exit code, stdout, stderr).
fn run_validate(paths: &[PathBuf], lang: Lang) -> (i32, String, String) {
    let cmd = ChecklistCommand::Validate {
        paths: paths.to_vec(),
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code =
        command::checklist(&cmd, &Library::default(), lang, None, &mut out, &mut err).unwrap();
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Expected and actual text side by side, line by line.
fn diff(expected: &str, actual: &str) -> String {
    let mut s = String::from("--- expected\n");
    for l in expected.lines() {
        s.push_str(&format!("    {l:?}\n"));
    }
    s.push_str("+++ actual\n");
    for l in actual.lines() {
        s.push_str(&format!("    {l:?}\n"));
    }
    s
}

#[test]
fn every_bad_file_prints_exactly_its_expected_problems() {
    let files = files_with_ext(BAD_DIR, "json");
    assert!(
        files.len() >= REQUIRED_CASES.len(),
        "only {} bad files in {BAD_DIR}",
        files.len()
    );
    let mut failures = Vec::new();
    for (json, lang) in files.iter().flat_map(|j| [(j, Lang::Zh), (j, Lang::En)]) {
        let expected_file = expected_path(json, lang);
        let Ok(expected) = fs::read_to_string(&expected_file) else {
            failures.push(format!(
                "{} has no {} (run the loop in the header of tests/bad_checklists.rs, then read it)",
                json.display(),
                expected_file.display()
            ));
            continue;
        };
        let (code, stdout, stderr) = run_validate(std::slice::from_ref(json), lang);
        if code != EXIT_BAD_INPUT {
            failures.push(format!(
                "{}: exit code {code}, expected {EXIT_BAD_INPUT}",
                json.display()
            ));
        }
        if !stdout.is_empty() {
            failures.push(format!("{}: unexpected stdout {stdout:?}", json.display()));
        }
        if stderr.is_empty() {
            failures.push(format!("{}: no problem printed", json.display()));
        }
        if stderr != expected {
            failures.push(format!(
                "{}: stderr differs\n{}",
                json.display(),
                diff(&expected, &stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn validate_catalogue_reports_the_same_problems_with_the_relative_label() {
    for json in files_with_ext(BAD_DIR, "json") {
        let label = json.to_str().unwrap();
        assert!(label.starts_with("tests/bad_inputs/checklist/"), "{label}");
        let bytes = fs::read(&json).unwrap();
        let problems = validate_catalogue(label, &bytes).expect_err(label);
        assert!(!problems.is_empty(), "{label}: an Err with no problem");
        let mut text = String::new();
        for p in &problems {
            assert_eq!(p.file, label);
            text.push_str(&sanitize(&p.to_string(), false));
            text.push('\n');
        }
        let expected = fs::read_to_string(expected_path(&json, Lang::En)).unwrap();
        assert_eq!(text, expected, "{label}");
    }
}

#[test]
fn every_expected_file_belongs_to_a_json_file() {
    let orphans: Vec<PathBuf> = files_with_ext(BAD_DIR, "expected")
        .into_iter()
        .filter(|e| {
            let name = e.to_string_lossy();
            let stem = name
                .strip_suffix(".en.expected")
                .or_else(|| name.strip_suffix(".expected"))
                .unwrap_or(&name);
            !Path::new(&format!("{stem}.json")).exists()
        })
        .collect();
    assert!(
        orphans.is_empty(),
        ".expected files without a .json: {orphans:?}"
    );
    let others: Vec<PathBuf> = fs::read_dir(BAD_DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.extension()
                .is_some_and(|x| x == "json" || x == "expected")
        })
        .collect();
    assert!(
        others.is_empty(),
        "files that are neither .json nor .expected: {others:?}"
    );
}

#[test]
fn required_cases_are_present() {
    let missing: Vec<&str> = REQUIRED_CASES
        .iter()
        .copied()
        .filter(|name| !Path::new(BAD_DIR).join(format!("{name}.json")).is_file())
        .collect();
    assert!(missing.is_empty(), "missing bad-input cases: {missing:?}");
}

/// The English lines expected for a case.
fn expected_lines(name: &str) -> Vec<String> {
    let text = fs::read_to_string(Path::new(BAD_DIR).join(format!("{name}.en.expected"))).unwrap();
    text.lines().map(str::to_string).collect()
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let lines = expected_lines("truncated");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("tests/bad_inputs/checklist/truncated.json:9:")
            && lines[0].contains("not valid JSON"),
        "{lines:?}"
    );
}

#[test]
fn several_problems_are_all_listed_one_per_line() {
    let lines = expected_lines("several-problems");
    let label = "tests/bad_inputs/checklist/several-problems.json: ";
    for wanted in [
        "remark: unknown field",
        "id: \"Several Problems\"",
        "name: is empty",
        "item 01: level2: is empty",
        "item #2: id: is missing",
        "item #2: audience[1]: unknown variant `everyone`",
        "item #3: id: duplicate item id \"01\"",
        // A repeated id cannot find the item, so its other problems name it by position.
        "item #3: phone: unknown field",
        "item #3: channels[1].name: is empty",
        "item #3: method[1]: unknown variant `主动`",
        "item #3: tiers[2]: unknown variant `town`",
    ] {
        let prefix = format!("{label}{wanted}");
        let hits = lines.iter().filter(|l| l.starts_with(&prefix)).count();
        assert_eq!(
            hits, 1,
            "{wanted:?} should be on exactly one line of {lines:#?}"
        );
    }
    assert_eq!(lines.len(), 11, "{lines:#?}");
}

#[test]
fn escape_sequences_never_reach_the_terminal() {
    for name in ["ansi-escape", "raw-control-char"] {
        let json = Path::new(BAD_DIR).join(format!("{name}.json"));
        let raw = fs::read_to_string(&json).unwrap();
        assert!(
            raw.contains("\\u001b") || raw.contains('\u{1b}'),
            "{name}.json lost its escape sequence"
        );
        let (code, _, stderr) = run_validate(&[json], Lang::Zh);
        assert_eq!(code, EXIT_BAD_INPUT);
        assert!(!stderr.is_empty());
        assert!(
            !stderr.chars().any(|c| c.is_control() && c != '\n'),
            "control character in {stderr:?}"
        );
    }
    // The unsanitized problems do hold the ESC, so the check above tests the sanitizing.
    let json = Path::new(BAD_DIR).join("ansi-escape.json");
    let problems = validate_catalogue("x", &fs::read(json).unwrap()).unwrap_err();
    assert!(problems.iter().any(|p| p.to_string().contains('\u{1b}')));
}

#[test]
fn odd_but_valid_files_pass() {
    let files = files_with_ext(OK_DIR, "json");
    assert!(files.len() >= 2, "{files:?}");
    let bom = fs::read(Path::new(OK_DIR).join("bom.json")).unwrap();
    assert!(
        bom.starts_with(b"\xEF\xBB\xBF"),
        "bom.json must start with a UTF-8 BOM"
    );
    for json in &files {
        let (code, stdout, stderr) = run_validate(std::slice::from_ref(json), Lang::Zh);
        assert_eq!(code, EXIT_OK, "{}: {stderr}", json.display());
        assert_eq!(stderr, "", "{}", json.display());
        let prefix = format!("{}: 有效 (", json.display());
        assert!(
            stdout.starts_with(&prefix) && stdout.ends_with(" 项)\n"),
            "{stdout:?}"
        );
        assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    }
}

#[test]
fn binary_reports_bad_files_on_stderr_and_good_ones_on_stdout() {
    let data = tempfile::tempdir().unwrap();
    let bad1 = format!("{BAD_DIR}/duplicate-item-id.json");
    let bad2 = format!("{BAD_DIR}/several-problems.json");
    let good = format!("{OK_DIR}/bom.json");
    let output = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["--lang", "zh", "checklist", "validate", &bad1, &bad2, &good])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected_err = format!(
        "{}{}",
        fs::read_to_string(format!("{BAD_DIR}/duplicate-item-id.expected")).unwrap(),
        fs::read_to_string(format!("{BAD_DIR}/several-problems.expected")).unwrap()
    );
    assert_eq!(stderr, expected_err);
    assert_eq!(stdout, format!("{good}: 有效 (bom-local 2026.11, 1 项)\n"));
}

#[test]
fn windows_device_names_are_reserved_whatever_the_case_and_extension() {
    use zwgk::model::validate::{id_problem, windows_reserved};
    for name in [
        "con",
        "CON",
        "nul",
        "Prn",
        "aux",
        "com1",
        "COM9",
        "lpt1",
        "lpt9",
        "nul.json",
        "Com1.xlsx",
        "lpt9.tar.gz",
        "con ",
        "aux.",
        "com\u{b9}",
    ] {
        assert!(windows_reserved(name), "{name:?}");
    }
    for name in [
        "console",
        "nul-2",
        "com10",
        "lpt",
        "com",
        "icon",
        "con-x",
        "",
        "null.json",
    ] {
        assert!(!windows_reserved(name), "{name:?}");
    }
    assert!(id_problem("com1").is_some_and(|p| p.contains("reserved device name")));
    assert_eq!(id_problem("con-2"), None);
}

#[test]
fn problems_are_told_in_chinese_by_default() {
    let zh = |name: &str| {
        fs::read_to_string(Path::new(BAD_DIR).join(format!("{name}.expected"))).unwrap()
    };
    // The values stay as written in the file; what is wrong is said in Chinese.
    let several = zh("several-problems");
    assert!(
        several.contains(
            "several-problems.json: 第 2 项: audience[1]: 不认识的取值 everyone,可用的是 public 或 specific_group"
        ),
        "{several}"
    );
    assert!(several.contains("事项 01: level2: 是空的"), "{several}");
    let chinese = zh("chinese-text");
    assert!(
        chinese.contains("不认识的取值 乡级,可用的是 province、city、county、township、village"),
        "{chinese}"
    );
    for name in [
        "several-problems",
        "chinese-text",
        "truncated",
        "basis-string",
    ] {
        let text = zh(name);
        for english in [
            "unknown variant",
            "is empty",
            "not valid JSON",
            "invalid type",
            "expected",
        ] {
            assert!(!text.contains(english), "{name}: {english}:\n{text}");
        }
    }
}
