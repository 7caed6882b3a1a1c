//! End to end: the real binary in a tmux pane (100×30, UTF-8), driven by keys, Chinese typed
//! with `send-keys -l`; then the saved JSON, a restart, and SIGTERM.
//!
//! Without tmux the tests are skipped, unless `CI` is set: then they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_zwgk");
const SESSION: &str = "zwgk";

const UNIT: &str = "胡集镇人民政府";
const CODE: &str = "370828102";
const COUNTY: &str = "金乡县";
const ROUND: &str = "2026年下半年自查";
const ASSESSOR: &str = "张三";
const REASON: &str = "本镇无保障性住房建设任务";
const NOTE_1: &str = "公示栏未张贴招生范围";
const NOTE_2: &str = "网站栏目空白";
const EDU: &str = "compulsory-education";

/// Whether tmux can run here; without it the test is skipped, or fails under CI.
fn tmux_or_skip(test: &str) -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: tmux is not on PATH, and CI is set: install tmux"
        );
        eprintln!("{test}: skipped, tmux is not on PATH");
    }
    ok
}

/// A tmux server of our own (`-L <unique socket>`), killed when dropped.
struct Tmux {
    socket: String,
    /// The socket file, removed with the server.
    socket_path: std::cell::RefCell<Option<PathBuf>>,
}

impl Tmux {
    fn new(test: &str) -> Tmux {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        Tmux {
            socket: format!("zwgk-{test}-{}-{n}-{nanos}", std::process::id()),
            socket_path: std::cell::RefCell::new(None),
        }
    }

    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env_remove("TMUX")
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("run tmux")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts a detached 100×30 session running `argv`.
    fn start(&self, argv: &[&str]) {
        let mut args = vec![
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            "100",
            "-y",
            "30",
            "-e",
            "LANG=C.UTF-8",
            "-e",
            "LC_ALL=C.UTF-8",
            "--",
        ];
        args.extend_from_slice(argv);
        self.ok(&args);
        let path = self.ok(&["display-message", "-p", "-t", SESSION, "#{socket_path}"]);
        *self.socket_path.borrow_mut() = Some(PathBuf::from(path.trim()));
    }

    /// Keys by tmux name (Enter, Tab, C-c, j, …).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.ok(&["send-keys", "-t", SESSION, k]);
        }
    }

    /// Text, sent literally (UTF-8, as an input method commits it).
    fn text(&self, s: &str) {
        self.ok(&["send-keys", "-t", SESSION, "-l", s]);
    }

    fn capture(&self) -> String {
        let out = self.cmd(&["capture-pane", "-p", "-t", SESSION]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `pred` holds (at most 30 s: CI machines are slow); returns the screen.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    fn session_alive(&self) -> bool {
        self.cmd(&["has-session", "-t", SESSION]).status.success()
    }

    fn wait_exit(&self) {
        let start = Instant::now();
        while self.session_alive() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "zwgk did not exit; the screen:\n{}",
                self.capture()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
        if let Some(path) = self.socket_path.borrow_mut().take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn assessment_files(data: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data.join("assessments"))
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "json"));
    v.sort();
    v
}

fn only_assessment(data: &Path) -> Value {
    let files = assessment_files(data);
    assert_eq!(files.len(), 1, "{files:?}");
    serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap()
}

/// The winning revision of a result document: the leaf with the greatest rev id (generation, hash).
fn winner(doc: &Value) -> &Value {
    let revs = doc["revisions"].as_array().unwrap();
    let parents: Vec<&str> = revs.iter().filter_map(|r| r["parent"].as_str()).collect();
    let key = |r: &&Value| {
        let rev = r["rev"].as_str().unwrap();
        let (g, h) = rev.split_once('-').unwrap();
        (g.parse::<u64>().unwrap(), h.to_string())
    };
    revs.iter()
        .filter(|r| !parents.contains(&r["rev"].as_str().unwrap()))
        .max_by_key(key)
        .unwrap()
}

/// Where a catalogue stands in the lists of domains (the new-assessment form and the domains
/// screen), which follow the library's order.
fn list_position(id: &str) -> usize {
    zwgk::library::Library::builtin()
        .entries()
        .iter()
        .position(|e| e.catalogue.id == id)
        .unwrap_or_else(|| panic!("no catalogue {id}"))
}

/// The number of items of 义务教育.
fn edu_items() -> usize {
    zwgk::library::Library::builtin()
        .get(EDU)
        .unwrap()
        .catalogue
        .items
        .len()
}

/// Moves the cursor down `n` rows.
fn down(t: &Tmux, n: usize) {
    for _ in 0..n {
        t.keys(&["j"]);
    }
}

/// From the domains screen (cursor on the first row), opens 义务教育.
fn open_education(t: &Tmux) {
    down(t, list_position(EDU));
    t.keys(&["Enter"]);
}

/// The document of a saved assessment (format 2: `documents`, each with a global id)
/// whose id ends with `suffix`.
fn doc<'a>(a: &'a Value, suffix: &str) -> &'a Value {
    a["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no document *{suffix}"))
}

/// Every document whose id has `:<kind>:` after the assessment id.
fn docs_of<'a>(a: &'a Value, kind: &str) -> Vec<&'a Value> {
    a["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["id"].as_str().unwrap().split(':').nth(3) == Some(kind))
        .collect()
}

/// The current body of the header document.
fn header(a: &Value) -> &Value {
    &winner(doc(a, ":header"))["body"]
}

fn result_doc<'a>(a: &'a Value, item: &str) -> &'a Value {
    doc(a, &format!(":result:{EDU}/{item}"))
}

/// Keys of the form and the domain choice, from the start screen to the domains screen.
fn create_assessment(t: &Tmux) {
    t.wait_text("n新建");
    t.keys(&["n"]);
    t.wait_text("单位名称");
    t.text(UNIT);
    t.keys(&["Tab"]);
    t.text(CODE);
    t.keys(&["Tab"]);
    t.text(COUNTY);
    t.keys(&["Tab"]);
    t.text(ROUND);
    t.keys(&["Tab"]);
    t.text(ASSESSOR);
    t.wait_text(ASSESSOR);
    t.keys(&["Enter"]);
    t.wait_text("x 标记不涉及");
    // 保障性住房: not involved, with a reason.
    down(t, list_position("affordable-housing"));
    t.keys(&["x"]);
    t.wait_text("不涉及的说明");
    t.text(REASON);
    t.wait_text(REASON);
    t.keys(&["Enter"]);
    t.wait_for("the reason in the list", |s| {
        s.contains(REASON) && !s.contains("不涉及的说明")
    });
    t.keys(&["Enter"]);
    t.wait_text(&format!("{UNIT} · {ROUND}"));
}

#[test]
fn create_check_note_quit_and_reopen() {
    if !tmux_or_skip("create_check_note_quit_and_reopen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_s = data.to_str().unwrap();
    let t = Tmux::new("flow");
    t.start(&[BIN, "--data-dir", data_s]);
    create_assessment(&t);
    // Created means saved.
    assert_eq!(assessment_files(&data).len(), 1);

    let n = edu_items();
    open_education(&t);
    t.wait_text(&format!("进度 0/{n}"));
    // 1 moves on; 2 and 3 ask what was wrong first (the findings picker), Enter moves on.
    t.keys(&["1", "2"]);
    t.wait_text("问题类型(空格勾选,回车确定) · 02 ");
    t.keys(&["Enter"]);
    t.keys(&["3"]);
    t.wait_text("问题类型(空格勾选,回车确定) · 03 ");
    t.keys(&["Enter"]);
    t.wait_for("the picker closed", |s| !s.contains("问题类型(空格勾选"));
    t.wait_text(&format!("进度 3/{n}"));
    // Back to 03 (未落实) and write a two-line note.
    t.keys(&["k", "n"]);
    t.wait_text("备注(回车保存");
    t.text(NOTE_1);
    t.keys(&["C-j"]);
    t.text(NOTE_2);
    t.wait_text(NOTE_2);
    t.keys(&["Enter"]);
    t.wait_for("the note in the result", |s| {
        s.contains(NOTE_1) && !s.contains("备注(回车保存")
    });
    t.keys(&["C-c"]);
    t.wait_exit();
    assert!(
        !data.join("zwgk.owner").exists(),
        "the lock owner record is removed on exit"
    );

    let a = only_assessment(&data);
    assert_eq!(a["format"], "zwgk-assessment");
    assert_eq!(a["format_version"], 2);
    assert_eq!(a["partition"], CODE, "the partition is the division code");
    let h = header(&a);
    assert_eq!(h["unit"]["name"], UNIT);
    assert_eq!(h["unit"]["division_code"], CODE);
    assert_eq!(h["unit"]["county"], COUNTY);
    assert_eq!(h["round"], ROUND);
    assert_eq!(h["assessor"], ASSESSOR);
    let domains: Vec<&Value> = docs_of(&a, "domain")
        .into_iter()
        .map(|d| &winner(d)["body"])
        .collect();
    let ni: Vec<&&Value> = domains.iter().filter(|d| d["involved"] == false).collect();
    assert_eq!(ni.len(), 1);
    assert_eq!(ni[0]["checklist"], "affordable-housing");
    assert_eq!(ni[0]["reason"], REASON);
    let device: Value =
        serde_json::from_slice(&std::fs::read(data.join("device.json")).unwrap()).unwrap();
    assert_eq!(docs_of(&a, "result").len(), 3);
    for (item, status, revs) in [
        ("01", "compliant", 1),
        ("02", "partial", 1),
        ("03", "missing", 2),
    ] {
        let doc = result_doc(&a, item);
        let all = doc["revisions"].as_array().unwrap();
        assert_eq!(all.len(), revs, "{item}: {doc}");
        let w = winner(doc);
        assert_eq!(w["body"]["status"], status, "{item}");
        for r in all {
            assert_eq!(r["author"]["name"], ASSESSOR);
            assert_eq!(r["author"]["role"], "township");
            assert_eq!(r["author"]["device"], device["id"]);
        }
    }
    let doc3 = result_doc(&a, "03");
    let w = winner(doc3);
    assert_eq!(w["body"]["note"], format!("{NOTE_1}\n{NOTE_2}"));
    let first = doc3["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["parent"].is_null())
        .unwrap();
    assert_eq!(
        w["parent"], first["rev"],
        "the note revision is made on the status revision"
    );
    assert!(first["body"].get("note").is_none());

    // Start again: the listing, then the walk shows the statuses and the note.
    let t2 = Tmux::new("reopen");
    t2.start(&[BIN, "--data-dir", data_s]);
    let start = t2.wait_text(UNIT);
    let lib = zwgk::library::Library::builtin();
    let total: usize = lib
        .entries()
        .iter()
        .filter(|e| {
            e.catalogue.group != zwgk::model::catalogue::Group::Local
                && e.catalogue.id != "affordable-housing"
        })
        .map(|e| e.catalogue.items.len())
        .sum();
    assert!(
        start.contains(&format!("3/{total}")),
        "progress 3/{total} in the listing:\n{start}"
    );
    // Enter lands where the clerk stopped: the walk of 义务教育 at 03, remembered across the
    // restart in the data dir's places.json (not in the assessment file, which travels).
    assert!(data.join("places.json").exists());
    t2.keys(&["Enter"]);
    let screen = t2.wait_text("接着上次: 义务教育 03");
    assert!(screen.contains(&format!("进度 3/{n}")), "{screen}");
    for word in ["已落实", "部分落实", "未落实"] {
        assert!(screen.contains(word), "{word} missing:\n{screen}");
    }
    let screen = t2.wait_text(NOTE_1);
    assert!(screen.contains(NOTE_2), "both note lines:\n{screen}");
    assert!(screen.contains("检查结果 未落实"), "{screen}");
    t2.keys(&["C-c"]);
    t2.wait_exit();
    // Nothing changed on the second run: the file is as before.
    assert_eq!(only_assessment(&data), a);
}

/// The pid of the zwgk process whose parent is `parent` (the pane's shell).
fn child_zwgk(parent: u32) -> Option<u32> {
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid …; comm may contain spaces, so split after the last ')'.
        let Some((head, tail)) = stat.rsplit_once(')') else {
            continue;
        };
        let comm = head.split_once('(').map_or("", |(_, c)| c);
        let ppid = tail
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if comm == "zwgk" && ppid == Some(parent) {
            return Some(pid);
        }
    }
    None
}

#[test]
fn sigterm_saves_the_open_editor_and_restores_the_terminal() {
    if !tmux_or_skip("sigterm_saves_the_open_editor_and_restores_the_terminal") {
        return;
    }
    if !Path::new("/proc/self/stat").exists() {
        eprintln!("skipped: needs /proc to find the zwgk process");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let stty = dir.path().join("stty.txt");
    // A shell runs zwgk and, after it exits, records the terminal modes and stays.
    let script = format!(
        "'{BIN}' --data-dir '{}'; echo \"zwgk exited $?\"; stty -a > '{}'; echo stty-done; exec sleep 60",
        data.display(),
        stty.display()
    );
    let t = Tmux::new("sigterm");
    t.start(&["sh", "-c", &script]);
    create_assessment(&t);
    let n = edu_items();
    open_education(&t);
    t.wait_text(&format!("进度 0/{n}"));
    t.keys(&["1"]);
    t.wait_text(&format!("进度 1/{n}"));
    // Type a note and leave the editor open.
    t.keys(&["n"]);
    t.wait_text("备注(回车保存");
    t.text("尚未保存的备注");
    t.wait_text("尚未保存的备注");
    assert_eq!(
        t.ok(&["display-message", "-p", "-t", SESSION, "#{alternate_on}"])
            .trim(),
        "1"
    );

    let shell: u32 = t
        .ok(&["list-panes", "-t", SESSION, "-F", "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    let pid = child_zwgk(shell)
        .unwrap_or_else(|| panic!("no zwgk process under the pane's shell {shell}"));
    let owner: Value =
        serde_json::from_slice(&std::fs::read(data.join("zwgk.owner")).unwrap()).unwrap();
    assert_eq!(
        owner["pid"], pid,
        "the lock's owner is the process found under the pane"
    );
    let kill = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let screen = t.wait_text("stty-done");
    assert!(screen.contains("zwgk exited 0"), "{screen}");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists() || child_zwgk(shell).is_none(),
        "zwgk still runs"
    );

    // The terminal: main screen, cursor shown, cooked mode with echo.
    assert_eq!(
        t.ok(&["display-message", "-p", "-t", SESSION, "#{alternate_on}"])
            .trim(),
        "0"
    );
    assert_eq!(
        t.ok(&["display-message", "-p", "-t", SESSION, "#{cursor_flag}"])
            .trim(),
        "1"
    );
    let modes = std::fs::read_to_string(&stty).unwrap();
    let flags: Vec<&str> = modes
        .split(|c: char| c.is_whitespace() || c == ';')
        .collect();
    for f in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(flags.contains(&f), "{f} not restored: {modes}");
    }
    // The walk is gone from the screen (the alternate screen was left).
    assert!(!screen.contains(&format!("进度 1/{n}")), "{screen}");

    // The data: the status and the note typed in the open editor.
    let a = only_assessment(&data);
    let doc = result_doc(&a, "01");
    assert_eq!(winner(doc)["body"]["status"], "compliant");
    let doc2 = result_doc(&a, "02");
    assert_eq!(winner(doc2)["body"]["note"], "尚未保存的备注");
    // A clean exit: the lock's owner record is gone (dropped, not killed).
    assert!(!data.join("zwgk.owner").exists());
}

/// The look-back inspection, end to end: a township self-check on one device; on the county's
/// device (another data dir, `--role county`) the file is imported from the start screen, an
/// inspection is started from it, two answers are taken, one verdict differs, a task is set,
/// and the ledger is exported as CSV from the ledger screen.
#[test]
fn inspection_agrees_disagrees_sets_a_task_and_exports_the_ledger() {
    if !tmux_or_skip("inspection_agrees_disagrees_sets_a_task_and_exports_the_ledger") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let township = dir.path().join("township");
    let county = dir.path().join("county");

    // The township: 义务教育 walked 1 1 1 1 … (all 已落实).
    let t = Tmux::new("insp-town");
    t.start(&[BIN, "--data-dir", township.to_str().unwrap()]);
    create_assessment(&t);
    let n = edu_items();
    open_education(&t);
    t.wait_text(&format!("义务教育 · 进度 0/{n}"));
    for _ in 0..n {
        t.keys(&["1"]);
    }
    t.wait_text(&format!("义务教育 · 进度 {n}/{n}"));
    t.keys(&["C-c"]);
    t.wait_exit();
    let files = assessment_files(&township);
    assert_eq!(files.len(), 1);
    let self_check = files[0].clone();
    let self_check_id: String = only_assessment(&township)["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The county: import the file, start the inspection.
    let c = Tmux::new("insp-county");
    c.start(&[
        BIN,
        "--data-dir",
        county.to_str().unwrap(),
        "--role",
        "county",
    ]);
    // An inspector starts on the overview of every township; `l` lists every assessment.
    c.wait_text("各乡镇汇总");
    c.keys(&["l"]);
    c.wait_text("i导入");
    c.keys(&["i"]);
    c.wait_text("导入检查文件");
    c.text(self_check.to_str().unwrap());
    // Text and Enter within a few milliseconds would be one paste (a line break, not Enter):
    // wait for the text, as a person would.
    let file_name = self_check.file_name().unwrap().to_str().unwrap();
    c.wait_text(file_name);
    c.keys(&["Enter"]);
    c.wait_text(ROUND);
    c.keys(&["r"]);
    c.wait_text("新建回头看");
    c.text("李四");
    c.wait_text("李四");
    c.keys(&["Enter"]);
    c.wait_text("x 标记不涉及");
    c.keys(&["Enter"]);
    c.wait_text("回头看 · 进度 0/");
    open_education(&c);
    c.wait_text(&format!("义务教育 · 进度 0/{n}"));
    // 01 and 02: agree. 03: the inspector finds it 未落实.
    c.keys(&["a", "a"]);
    c.wait_text(&format!("义务教育 · 进度 2/{n}"));
    c.keys(&["3"]);
    c.wait_text("问题类型(空格勾选,回车确定) · 03 ");
    c.keys(&["Enter"]);
    c.wait_text(&format!("义务教育 · 进度 3/{n}"));
    c.keys(&["k"]);
    c.wait_text("结论不同");
    c.keys(&["t"]);
    c.wait_text("整改任务(");
    c.text("招生范围未公开");
    c.keys(&["Tab"]);
    c.text("在政府网站公开招生范围");
    c.keys(&["Tab", "Tab"]);
    c.text("王五");
    c.wait_text("王五");
    c.keys(&["Enter"]);
    c.wait_for("the task saved", |s| {
        s.contains("整改任务") && s.contains("待整改") && !s.contains("整改任务(")
    });
    // The ledger, exported as CSV.
    c.keys(&["T"]);
    c.wait_text("整改台账 · 1");
    c.keys(&["x"]);
    c.wait_text("导出到");
    for _ in 0..4 {
        c.keys(&["BSpace"]);
    }
    c.text("csv");
    c.wait_text(".csv");
    c.keys(&["Enter"]);
    c.wait_text("已导出");
    c.keys(&["C-c"]);
    c.wait_exit();

    let reports: Vec<PathBuf> = std::fs::read_dir(county.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].extension().is_some_and(|x| x == "csv"));
    let csv = std::fs::read_to_string(&reports[0]).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "CSV for Excel starts with a BOM"
    );
    for want in [
        "整改状态",
        "招生范围未公开",
        "在政府网站公开招生范围",
        "王五",
        "待整改",
        "义务教育",
    ] {
        assert!(csv.contains(want), "{want} missing from the ledger:\n{csv}");
    }
    // The county's data dir holds the imported self-check and the inspection.
    let files = assessment_files(&county);
    assert_eq!(files.len(), 2, "{files:?}");
    let inspection: Value = files
        .iter()
        .map(|p| serde_json::from_slice::<Value>(&std::fs::read(p).unwrap()).unwrap())
        .find(|a| a["kind"] == "inspection")
        .expect("an inspection file");
    let self_check: Value = serde_json::from_slice(&std::fs::read(&self_check).unwrap()).unwrap();
    assert_eq!(
        inspection["partition"], self_check["partition"],
        "the inspection's documents are in the township's partition"
    );
    assert_eq!(header(&inspection)["reviews"], self_check_id.as_str());
    assert_eq!(header(&inspection)["assessor"], "李四");
    let basis = &winner(doc(&inspection, ":basis"))["body"];
    assert_eq!(basis["self_check"], self_check_id.as_str());
    assert!(!basis["results"].as_object().unwrap().is_empty());
    let tasks = docs_of(&inspection, "task");
    assert_eq!(tasks.len(), 1);
    let task = winner(tasks[0]);
    assert_eq!(task["body"]["responsible_person"], "王五");
    assert_eq!(task["author"]["role"], "county");
}

/// Whether `/proc` is there to watch the zwgk process; without it the test is skipped, or
/// fails under CI.
fn proc_or_skip(test: &str) -> bool {
    let ok = Path::new("/proc/self/stat").exists();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: needs /proc to watch the zwgk process, and CI is set"
        );
        eprintln!("{test}: skipped, no /proc");
    }
    ok
}

/// The fields of `/proc/<pid>/stat` after the command name: state, ppid, …; `None` when the
/// process is gone.
fn proc_stat(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, tail) = stat.rsplit_once(')')?;
    Some(tail.split_whitespace().map(str::to_string).collect())
}

/// True when the process has exited (gone, or a zombie nobody has reaped yet).
fn exited(pid: u32) -> bool {
    proc_stat(pid).is_none_or(|f| matches!(f[0].as_str(), "Z" | "X"))
}

/// CPU time the process has used, user + system, in clock ticks (all its threads).
fn cpu_ticks(pid: u32) -> u64 {
    let f = proc_stat(pid).expect("the process runs");
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// The notes typed before the terminal is lost, one per way of losing it.
const LOST_NOTE_1: &str = "终端断开前输入的备注";
const LOST_NOTE_2: &str = "没有挂断信号也要保存";

/// The terminal goes away under zwgk (tmux killed, like an SSH connection dropping or the
/// window closing) while a note is being typed: zwgk saves the note, frees the data dir and
/// exits at once, without spinning. Twice: as the pane's own process (it gets SIGHUP too), and
/// in a session of its own (`setsid`: no SIGHUP, only the closed terminal tells).
#[test]
fn a_lost_terminal_saves_the_open_editor_frees_the_data_dir_and_exits() {
    let test = "a_lost_terminal_saves_the_open_editor_frees_the_data_dir_and_exits";
    if !tmux_or_skip(test) || !proc_or_skip(test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_s = data.to_str().unwrap();
    for (round, item, note) in [(1, "01", LOST_NOTE_1), (2, "02", LOST_NOTE_2)] {
        let t = Tmux::new("lost");
        let pid = if round == 1 {
            t.start(&[BIN, "--data-dir", data_s]);
            create_assessment(&t);
            t.ok(&["list-panes", "-t", SESSION, "-F", "#{pane_pid}"])
                .trim()
                .parse()
                .unwrap()
        } else {
            // The data dir was freed: a new start takes it and opens the assessment.
            t.start(&["setsid", "-w", BIN, "--data-dir", data_s]);
            t.wait_text(UNIT);
            t.keys(&["Enter"]);
            // Back where the lost terminal left it: the walk of 义务教育 at 01.
            t.wait_text("接着上次: 义务教育 01");
            let shell: u32 = t
                .ok(&["list-panes", "-t", SESSION, "-F", "#{pane_pid}"])
                .trim()
                .parse()
                .unwrap();
            child_zwgk(shell).expect("zwgk under setsid")
        };
        if round == 1 {
            open_education(&t);
        }
        t.wait_text("义务教育 · 进度");
        if round == 2 {
            t.keys(&["j"]);
        }
        t.keys(&["n"]);
        t.wait_text("备注(回车保存");
        t.text(note);
        t.wait_text(note);

        // Idle with the editor open: it sleeps.
        let before = cpu_ticks(pid);
        std::thread::sleep(Duration::from_secs(1));
        let idle = cpu_ticks(pid) - before;
        assert!(idle <= 10, "round {round}: {idle} ticks of CPU in 1 s idle");

        let start = Instant::now();
        t.ok(&["kill-server"]);
        while !exited(pid) {
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "round {round}: zwgk still runs 2 s after its terminal went away: {:?}",
                proc_stat(pid)
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!(
            "round {round}: zwgk exited {} ms after kill-server ({idle} ticks in 1 s idle)",
            start.elapsed().as_millis()
        );
        // A clean exit: the lock's owner record is removed and the lock can be taken.
        assert!(!data.join("zwgk.owner").exists(), "round {round}");
        let store = zwgk::store::Store::open(&data, "2026-11-27T06:40:05Z");
        assert!(store.is_ok(), "round {round}: {:?}", store.err());
        drop(store);

        let a = only_assessment(&data);
        let doc = result_doc(&a, item);
        assert_eq!(winner(doc)["body"]["note"], note, "round {round}");
    }
}

/// The text of issue #13: two lines, and digits that are status keys in the walk.
const PASTED: &str = "第一行:网站栏目已开设。\n第二行:2 处链接失效,3 条信息超期。";

/// A paste into the note editor through a terminal that does not bracket it (tmux
/// `paste-buffer` without `-p`: keys, the line break as Enter) stays text: the note keeps both
/// lines, and the 2 and 3 set no status. Then a paste of 6 KB (more than one read of the
/// terminal) arrives whole, and zwgk is idle again right after.
#[test]
fn an_unbracketed_paste_into_the_note_stays_text() {
    let test = "an_unbracketed_paste_into_the_note_stays_text";
    if !tmux_or_skip(test) || !proc_or_skip(test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t = Tmux::new("paste");
    t.start(&[BIN, "--data-dir", data.to_str().unwrap()]);
    let pid: u32 = t
        .ok(&["list-panes", "-t", SESSION, "-F", "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    create_assessment(&t);
    open_education(&t);
    let n = edu_items();
    t.wait_text(&format!("进度 0/{n}"));
    t.keys(&["1"]);
    t.wait_text(&format!("进度 1/{n}"));
    t.keys(&["n"]);
    t.wait_text("备注(回车保存");
    t.ok(&["set-buffer", "-b", "zwgk-paste", "--", PASTED]);
    t.ok(&["paste-buffer", "-b", "zwgk-paste", "-t", SESSION]);
    t.wait_for("both lines in the editor", |s| {
        s.contains("第一行") && s.contains("3 条信息超期") && s.contains("备注(回车保存")
    });
    let long: String = (0..700).map(|i| format!("政务{i:03}")).collect();
    assert!(long.len() > 6000);
    t.ok(&["set-buffer", "-b", "zwgk-paste", "--", &long]);
    t.ok(&["paste-buffer", "-b", "zwgk-paste", "-t", SESSION]);
    t.wait_text("政务699");
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(1));
    let idle = cpu_ticks(pid) - before;
    assert!(idle <= 10, "{idle} ticks of CPU in 1 s after the paste");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the editor closed", |s| !s.contains("备注(回车保存"));
    assert!(screen.contains(&format!("进度 1/{n}")), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();

    let a = only_assessment(&data);
    let results = docs_of(&a, "result");
    assert_eq!(results.len(), 2, "only 01 and 02 have results: {results:?}");
    assert_eq!(winner(result_doc(&a, "01"))["body"]["status"], "compliant");
    let note = winner(result_doc(&a, "02"));
    assert_eq!(note["body"]["note"], format!("{PASTED}{long}"));
    assert_eq!(note["body"]["status"], "unchecked");
}

/// What the runtime says about a file it cannot import reaches the Chinese interface in
/// Chinese: a missing file, a table of a format no reader knows.
#[test]
fn import_errors_in_the_app_are_said_in_chinese() {
    if !tmux_or_skip("import_errors_in_the_app_are_said_in_chinese") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t = Tmux::new("import-errors");
    t.start(&[BIN, "--data-dir", data.to_str().unwrap()]);
    t.wait_text("按 n 新建自查");
    t.keys(&["i"]);
    t.wait_text("导入检查文件");
    t.text("/nonexistent/自查.json");
    t.wait_text("/nonexistent/自查.json");
    t.keys(&["Enter"]);
    let screen = t.wait_text("找不到这个文件或文件夹");
    assert!(!screen.contains("os error"), "{screen}");
    let table = dir.path().join("目录.foo");
    std::fs::write(&table, b"x").unwrap();
    t.keys(&["i"]);
    t.wait_text("导入检查文件");
    t.text(table.to_str().unwrap());
    t.wait_text("目录.foo");
    t.keys(&["Enter"]);
    let screen = t.wait_text("无法识别的表格格式");
    assert!(!screen.contains("unknown table format"), "{screen}");
    t.keys(&["q"]);
    t.wait_exit();
}

/// Issue 14, item 7: `zwgk --read-only` on a data directory nobody holds used to take the lock
/// and save. A session that opens the self-check, tries a status, a note and an export, and
/// quits leaves every file and folder as it was (bytes and times, no lock file, no device file,
/// no journal, no places file, no `.bak`); then the same on a read-only mount, which used to
/// fail on `zwgk.lock`.
#[test]
fn a_read_only_session_writes_nothing_on_a_free_dir_or_a_read_only_mount() {
    use common::handover::{ReadOnlyMount, bare_data_dir, snapshot_times};
    let test = "a_read_only_session_writes_nothing_on_a_free_dir_or_a_read_only_mount";
    if !tmux_or_skip(test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    bare_data_dir(&data);
    let data_s = data.to_str().unwrap();
    let session = |round: &str| {
        let t = Tmux::new("read-only");
        t.start(&[BIN, "--read-only", "--data-dir", data_s]);
        t.wait_text("只读");
        t.wait_text(UNIT);
        t.keys(&["Enter"]);
        t.wait_text("义务教育");
        t.keys(&["Enter"]);
        t.wait_text("义务教育 · 进度");
        for key in ["2", "n", "u"] {
            t.keys(&[key]);
            t.wait_text("只读打开,不能修改");
            t.keys(&["j"]);
            t.wait_for("the message gone", |s| !s.contains("只读打开,不能修改"));
        }
        // x from the summary: a bare file name would go into the data dir's reports/.
        t.keys(&["s"]);
        t.wait_text("x导出");
        t.keys(&["x"]);
        t.wait_text(".xlsx");
        t.keys(&["Enter"]);
        t.wait_text("报告不写进数据目录");
        t.keys(&["Escape"]);
        t.keys(&["C-c"]);
        t.wait_exit();
        eprintln!("{round}: the session ended");
    };

    let before = snapshot_times(&data);
    session("free dir");
    let after = snapshot_times(&data);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file made or removed"
    );
    assert!(before == after, "nothing rewritten");
    assert!(!data.join("zwgk.lock").exists());

    let Some(_mount) = ReadOnlyMount::new(&data) else {
        return;
    };
    assert!(std::fs::write(data.join("probe"), b"x").is_err());
    session("read-only mount");
    assert!(before == snapshot_times(&data));
}

/// Issue 14, item 9: an idle app used 40% of a core on a 100k-revision document because it
/// drew a frame on every tick. Now it draws only when something changed: with the walk of a
/// long-edited self-check open, nothing at all reaches the terminal for two seconds (eight
/// ticks of the loop; every frame would at least hide the cursor again), and one key does.
#[test]
fn an_idle_app_writes_nothing_to_the_terminal() {
    use common::handover::{NOW, result, self_check, township};
    let test = "an_idle_app_writes_nothing_to_the_terminal";
    if !tmux_or_skip(test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let me = township("张三");
    let mut a = self_check(&me);
    let statuses = [
        zwgk::model::status::Status::Compliant,
        zwgk::model::status::Status::Partial,
    ];
    for i in 0..3_000u64 {
        let item = format!("{:02}", i % 10 + 1);
        let status = statuses[usize::from(i % 3 == 0)];
        a.record(
            result(&item, status, &format!("第 {i} 次")),
            me.clone(),
            NOW + i,
        )
        .unwrap();
    }
    let mut store = zwgk::store::Store::open(&data, "t").unwrap();
    store.save(&a).unwrap();
    drop(store);

    let t = Tmux::new("idle");
    t.start(&[BIN, "--user", "张三", "--data-dir", data.to_str().unwrap()]);
    t.wait_text(UNIT);
    t.keys(&["Enter"]);
    t.wait_text("义务教育");
    t.keys(&["Enter"]);
    t.wait_text("义务教育 · 进度");
    let out = dir.path().join("pane.out");
    t.ok(&[
        "pipe-pane",
        "-o",
        "-t",
        SESSION,
        &format!("cat >> '{}'", out.display()),
    ]);
    std::thread::sleep(Duration::from_secs(2));
    let idle = std::fs::read(&out).unwrap_or_default();
    assert!(
        idle.is_empty(),
        "{} bytes written to the terminal while idle: {:?}",
        idle.len(),
        String::from_utf8_lossy(&idle)
    );
    // A key is drawn, and the pipe sees it.
    t.keys(&["j"]);
    let start = Instant::now();
    while std::fs::read(&out).unwrap_or_default().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the key was not drawn"
        );
        std::thread::sleep(Duration::from_millis(40));
    }
    t.keys(&["C-c"]);
    t.wait_exit();
}
