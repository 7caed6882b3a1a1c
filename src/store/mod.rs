//! The data directory: assessments, local catalogues, the device identity and the lock.
//!
//! ```text
//! <data dir>/assessments/<id>.json      one file per assessment
//! <data dir>/assessments/<id>.json.bak  the file as it was before this run first rewrote it
//! <data dir>/checklists/*.json          local catalogues (add to or replace shipped ones)
//! <data dir>/device.json                this device's id
//! <data dir>/places.json                where the clerk stopped in each assessment
//! <data dir>/archive/                   assessment files moved out of the list
//! <data dir>/zwgk.lock, zwgk.owner      one writer at a time
//! ```

pub mod atomic;
pub mod evidence;
pub mod find;
pub mod journal;
pub mod lock;
pub mod migrate;
pub mod places;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::cli::Lang;
use crate::model::assessment::{ASSESSMENT_FORMAT, ASSESSMENT_FORMAT_VERSION, Assessment};
use crate::model::validate::{NOT_UTF8, char_column, json_error_text};
use atomic::write_atomic;
use lock::{DirLock, LockError, Owner};

/// Largest assessment file read (bytes). A province-size township (1,500 items, long
/// histories) is a few MiB.
pub const MAX_ASSESSMENT_BYTES: u64 = 256 * 1024 * 1024;

/// What can go wrong with the data directory and its files. Every message names the file.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: not a zwgk assessment file ({})", format_found(.found)
    )]
    Format {
        path: PathBuf,
        found: Option<String>,
    },
    #[error(
        "{path}: made by a newer zwgk (format_version {found}, this zwgk reads up to {ASSESSMENT_FORMAT_VERSION}); update zwgk"
    )]
    TooNew { path: PathBuf, found: u64 },
    #[error("{path}: file is {size} bytes, more than the {limit} bytes zwgk reads")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: opened read-only; nothing is saved")]
    ReadOnly { path: PathBuf },
    #[error(
        "{path}: holds the same assessment ({id}) as {other}; it is left as it is (never written): select it on the start screen and press m to merge it into the other (it then moves to archive/)"
    )]
    SameId {
        path: PathBuf,
        id: String,
        other: PathBuf,
    },
    #[error("{path}: not a second file of an assessment listed here; nothing to merge")]
    NotACopy { path: PathBuf },
    #[error("{}", locked_message(.dir, .owner, Lang::En, true))]
    Locked { dir: PathBuf, owner: Option<Owner> },
}

impl StoreError {
    /// The message in the chosen language: what went wrong with which file, and what to do.
    /// (`Display` is the English one, for logs.)
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Io { path, source } => {
                format!("{}:{}", path.display(), io_message(source, lang))
            }
            StoreError::Syntax {
                path,
                line,
                column,
                message,
            } => format!(
                "{}:第 {line} 行第 {column} 列:{}",
                path.display(),
                crate::model::validate::zh_json(message)
            ),
            StoreError::Format { path, found } => {
                let why = match found {
                    None => format!("没有 \"format\": \"{ASSESSMENT_FORMAT}\""),
                    Some(f) if f == crate::model::catalogue::CHECKLIST_FORMAT => {
                        "这是目录文件;请放进数据目录的 checklists 文件夹".to_string()
                    }
                    Some(f) => format!("格式是 \"{f}\",应为 \"{ASSESSMENT_FORMAT}\""),
                };
                format!("{}:不是 zwgk 的检查文件({why})", path.display())
            }
            StoreError::TooNew { path, found } => format!(
                "{}:由更新版本的 zwgk 生成(格式版本 {found},本程序最高读取 {ASSESSMENT_FORMAT_VERSION});请更新 zwgk",
                path.display()
            ),
            StoreError::TooLarge { path, size, limit } => format!(
                "{}:文件有 {size} 字节,超过 zwgk 读取的上限 {limit} 字节",
                path.display()
            ),
            StoreError::Invalid { path, message } => {
                format!("{}:{}", path.display(), invalid_zh(message))
            }
            StoreError::ReadOnly { path } => {
                format!("{}:以只读方式打开,不会保存", path.display())
            }
            StoreError::SameId { path, id, other } => format!(
                "{}:与 {} 是同一份检查({id});此文件保持原样,不会被写入;在开始页选中它按 m 可把它合并进后者(随后移到 archive 文件夹)",
                path.display(),
                other.display()
            ),
            StoreError::NotACopy { path } => {
                format!("{}:不是这里某份检查的另一个文件,无须合并", path.display())
            }
            StoreError::Locked { dir, owner } => locked_message(dir, owner, lang, true),
        }
    }

    /// [`StoreError::message`] for a command that must write (catalogue import): a held data
    /// directory is said without suggesting `--read-only`, which such a command refuses.
    pub fn message_for_writer(&self, lang: Lang) -> String {
        match self {
            StoreError::Locked { dir, owner } => locked_message(dir, owner, lang, false),
            _ => self.message(lang),
        }
    }
}

/// A data directory held by another zwgk: who holds it, and what to do — close it there, and
/// (`viewing`) look with `--read-only` meanwhile, or else come back and do it again.
fn locked_message(dir: &Path, owner: &Option<Owner>, lang: Lang, viewing: bool) -> String {
    let (pid, host, since) = (owner_pid(owner), owner_host(owner), owner_since(owner));
    let dir = dir.display();
    match (lang, viewing) {
        (Lang::Zh, true) => format!(
            "{dir}:数据目录正被另一个 zwgk 使用(进程 {pid},电脑 {host},自 {since} 起);请先在那里退出,或加 --read-only 只读查看"
        ),
        (Lang::Zh, false) => format!(
            "{dir}:数据目录正被另一个 zwgk 使用(进程 {pid},电脑 {host},自 {since} 起);请先在那里退出,再来导入"
        ),
        (Lang::En, true) => format!(
            "{dir}: the data directory is in use by zwgk (pid {pid} on {host}, since {since}); close it there first, or look with --read-only"
        ),
        (Lang::En, false) => format!(
            "{dir}: the data directory is in use by zwgk (pid {pid} on {host}, since {since}); close it there first, then import again"
        ),
    }
}

/// What an I/O error means, in the chosen language (English: the system's own words).
pub fn io_message(e: &io::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    use io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "找不到这个文件或文件夹",
        K::PermissionDenied => "没有权限读写(请检查文件夹权限,或换一个位置)",
        K::AlreadyExists => "已经存在",
        K::StorageFull => "磁盘已满,请腾出空间",
        K::ReadOnlyFilesystem => "这是只读的磁盘或文件夹",
        K::IsADirectory => "这是文件夹,不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::InvalidData | K::InvalidInput => "内容无法读取",
        K::TimedOut => "读写超时",
        K::Interrupted => "读写被中断,请重试",
        K::UnexpectedEof => "文件不完整",
        K::CrossesDevices => "不能跨磁盘移动",
        K::FileTooLarge => "文件太大",
        K::ResourceBusy | K::ExecutableFileBusy => "文件正被其他程序使用",
        _ => "",
    };
    match (text, e.raw_os_error()) {
        ("", Some(code)) => format!("读写出错(系统错误 {code})"),
        ("", None) => "读写出错".to_string(),
        (text, _) => text.to_string(),
    }
}

/// The detail of [`StoreError::Invalid`] in Chinese: the known messages word for word, and
/// for what the file's content breaks, what it means for the clerk (the technical detail,
/// ids and all, stays in the English message and the logs).
fn invalid_zh(message: &str) -> String {
    if message == NOT_A_FILE {
        return NOT_A_FILE_ZH.to_string();
    }
    let known = crate::model::validate::zh_json(message);
    if !known.starts_with("格式不对(") {
        return known;
    }
    if message.starts_with("format_version is missing") {
        return "缺少 format_version,或不是 zwgk 写的版本号".to_string();
    }
    if message.contains("cannot be merged") && message.contains("different assessments") {
        return "两个文件是不同的检查,不能合并".to_string();
    }
    // The sentence says what it means; the detail names the document and revision, so that
    // whoever looks into it finds the place.
    if message.contains("may not change it") || message.contains("may not write") {
        return format!(
            "文件中有一方改了不该由它填写的内容(例如乡镇改了区县的结论),整个文件不予导入(详情:{message})"
        );
    }
    format!(
        "文件内容已损坏或被改动,无法使用;请找交来文件的人重新导出一份(若有 .bak 备份,可只读打开)(详情:{message})"
    )
}

fn format_found(found: &Option<String>) -> String {
    match found {
        None => format!("it has no \"format\": \"{ASSESSMENT_FORMAT}\""),
        Some(f) if f == crate::model::catalogue::CHECKLIST_FORMAT => {
            "it is a catalogue file; put it in the data directory's checklists/ folder".into()
        }
        Some(f) => format!("its format is \"{f}\", expected \"{ASSESSMENT_FORMAT}\""),
    }
}

fn owner_pid(o: &Option<Owner>) -> String {
    o.as_ref().map_or("?".into(), |o| o.pid.to_string())
}
fn owner_host(o: &Option<Owner>) -> String {
    o.as_ref().map_or("?".into(), |o| o.host.clone())
}
fn owner_since(o: &Option<Owner>) -> String {
    o.as_ref().map_or("?".into(), |o| o.since.clone())
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An assessment file and what reading it gave.
pub type Loaded = (PathBuf, Result<Assessment, StoreError>);

/// The result of importing an assessment file.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The assessment as it now is in the data directory.
    pub assessment: Assessment,
    /// What arrived: new revisions (by kind of document), conflicts.
    pub merge: crate::model::assessment::AssessmentMerge,
    /// True when the assessment was not here before.
    pub new: bool,
    /// Where it is kept in the data directory.
    pub path: PathBuf,
}

/// The result of [`Store::merge_duplicate`].
#[derive(Debug, Clone)]
pub struct MergedCopy {
    /// What the copy brought, and the assessment as it now is.
    pub imported: Imported,
    /// The file of the assessment that took the copy in.
    pub owner: PathBuf,
    /// Where the copy went (in `<data dir>/archive/`).
    pub archived: PathBuf,
}

/// This device's identity, created on first run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    /// The name of the person using this device, written into every revision made here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// An open data directory, locked for writing.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    device: Device,
    backed_up: HashSet<PathBuf>,
    /// The file of each assessment id, as found by [`Store::list`] (others: `<id>.json`).
    paths: HashMap<String, PathBuf>,
    /// `None` when opened read-only.
    lock: Option<DirLock>,
    /// Assessment files whose changes go to their journal: what is saved of each.
    journals: HashMap<PathBuf, Journal>,
    /// The fold running beside the app, if any.
    folding: Option<Fold>,
    /// Changes after which a journal is folded (see [`journal::FOLD_AFTER`]).
    fold_after: usize,
}

/// How far an assessment file (with its journal) is saved.
#[derive(Debug)]
struct Journal {
    /// The assessment's local sequence number as saved.
    seq: u64,
    /// The journal, once a change was written to it.
    writer: Option<journal::Writer>,
}

/// A fold running on its own thread.
#[derive(Debug)]
struct Fold {
    path: PathBuf,
    backup: bool,
    handle: std::thread::JoinHandle<Result<(), StoreError>>,
}

impl Store {
    /// Opens (creating if needed) a data directory and takes its lock. `now` is the RFC 3339
    /// time for the owner record.
    pub fn open(root: &Path, now: &str) -> Result<Store, StoreError> {
        for dir in [
            root.to_path_buf(),
            root.join("assessments"),
            root.join("checklists"),
        ] {
            std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        }
        let lock = lock_dir(root, now)?;
        let device = load_or_create_device(&root.join("device.json"))?;
        remove_stale_temp_files(&root.join("assessments"));
        Ok(Store {
            root: root.to_path_buf(),
            device,
            backed_up: HashSet::new(),
            paths: HashMap::new(),
            lock: Some(lock),
            journals: HashMap::new(),
            folding: None,
            fold_after: journal::FOLD_AFTER,
        })
    }

    /// Opens a data directory without taking its lock, for viewing only: every save fails
    /// with `StoreError::ReadOnly`. Nothing is created or written.
    pub fn open_read_only(root: &Path) -> Result<Store, StoreError> {
        let path = root.join("device.json");
        let device = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() < 4096 => {
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Invalid {
                    path: path.clone(),
                    message: e.to_string(),
                })?
            }
            _ => Device {
                id: "read-only".into(),
                user: None,
            },
        };
        Ok(Store {
            root: root.to_path_buf(),
            device,
            backed_up: HashSet::new(),
            paths: HashMap::new(),
            lock: None,
            journals: HashMap::new(),
            folding: None,
            fold_after: journal::FOLD_AFTER,
        })
    }

    /// True when opened with `open_read_only`.
    pub fn is_read_only(&self) -> bool {
        self.lock.is_none()
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The evidence files of the data directory.
    pub fn evidence(&self) -> evidence::EvidenceStore {
        evidence::EvidenceStore::new(&self.root)
    }

    /// The local catalogue directory.
    pub fn checklist_dir(&self) -> PathBuf {
        self.root.join("checklists")
    }

    /// This device's id.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Remembers the name of the person using this device (in `device.json`).
    pub fn set_user(&mut self, name: &str) -> Result<(), StoreError> {
        let path = self.root.join("device.json");
        if self.is_read_only() {
            return Err(StoreError::ReadOnly { path });
        }
        let mut device = self.device.clone();
        device.user = Some(name.to_string());
        let bytes = serde_json::to_vec_pretty(&device).map_err(|e| StoreError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&path, &bytes).map_err(io_err(&path))?;
        self.device = device;
        Ok(())
    }

    /// The file of an assessment: the one [`Store::list`] found for its id, else
    /// `assessments/<id>.json` (ids are checked UUIDs, so the name stays in the folder).
    pub fn assessment_path(&self, id: &str) -> PathBuf {
        match self.paths.get(id) {
            Some(p) => p.clone(),
            None => self.root.join("assessments").join(format!("{id}.json")),
        }
    }

    /// Every assessment file of the data directory, each loaded or with the reason it
    /// could not be. Sorted by file name (uuid v7 ids sort by creation time). When two files
    /// hold the same assessment (a copy dropped in by hand), the one named after the id —
    /// else the first by name — is the assessment; the others are reported as
    /// [`StoreError::SameId`] and never written, so neither overwrites the other.
    pub fn list(&mut self) -> Result<Vec<Loaded>, StoreError> {
        let dir = self.root.join("assessments");
        let read = match std::fs::read_dir(&dir) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.is_read_only() => {
                return Ok(Vec::new());
            }
            Err(e) => {
                return Err(StoreError::Io {
                    path: dir,
                    source: e,
                });
            }
        };
        let mut paths: Vec<PathBuf> = read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let mut loaded: Vec<Loaded> = paths
            .into_iter()
            .map(|p| {
                let a = load_own(&p);
                (p, a)
            })
            .collect();
        // The owner of each id: the file named after it, else the first.
        let mut owner: HashMap<String, PathBuf> = HashMap::new();
        for (p, a) in &loaded {
            if let Ok(a) = a {
                let named = p.file_stem().is_some_and(|s| s == a.id.as_str());
                let entry = owner.entry(a.id.clone()).or_insert_with(|| p.clone());
                if named {
                    *entry = p.clone();
                }
            }
        }
        for (p, a) in &mut loaded {
            let same = match a {
                Ok(x) => owner.get(&x.id).filter(|o| *o != p).cloned(),
                Err(_) => None,
            };
            if let (Some(other), Ok(x)) = (same, &*a) {
                *a = Err(StoreError::SameId {
                    path: p.clone(),
                    id: x.id.clone(),
                    other,
                });
            }
        }
        // Changes of the files listed go to their journals from now on; a journal left by a
        // run that was stopped (a crash, a kill) is folded in first.
        for (p, a) in &loaded {
            let Ok(a) = a else { continue };
            // A file of an older format is written whole (converted) at its first save.
            if self.is_read_only() || !written_current(p) {
                continue;
            }
            if journal::pending(p) {
                self.fold_now(p)?;
            }
            self.journals.insert(
                p.clone(),
                Journal {
                    seq: a.docs.seq(),
                    writer: None,
                },
            );
        }
        self.paths = owner;
        Ok(loaded)
    }

    /// Folds the journals of `path` into it here and now (nothing else writes meanwhile).
    fn fold_now(&mut self, path: &Path) -> Result<(), StoreError> {
        self.finish_fold()?;
        if let Some(j) = self.journals.get_mut(path) {
            j.writer = None;
        }
        // At most twice: a `.folding` left over, then the journal.
        for _ in 0..2 {
            if !journal::pending(path) {
                break;
            }
            journal::rotate(path)?;
            let backup = self.backed_up.insert(path.to_path_buf());
            journal::fold(path, backup).inspect_err(|_| {
                if backup {
                    self.backed_up.remove(path);
                }
            })?;
        }
        Ok(())
    }

    /// Starts folding the journal of `path` beside the app, unless a fold is running.
    fn fold_in_background(&mut self, path: &Path) -> Result<(), StoreError> {
        self.reap_fold()?;
        if self.folding.is_some() {
            return Ok(()); // the next change or idle moment tries again
        }
        if let Some(j) = self.journals.get_mut(path) {
            j.writer = None; // closed before its rename (Windows renames no open file)
        }
        journal::rotate(path)?;
        let backup = self.backed_up.insert(path.to_path_buf());
        let target = path.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("zwgk-fold".into())
            .spawn(move || journal::fold(&target, backup))
            .map_err(io_err(path))?;
        self.folding = Some(Fold {
            path: path.to_path_buf(),
            backup,
            handle,
        });
        Ok(())
    }

    /// Collects a fold that has finished; its error, if it failed (its journal is kept).
    fn reap_fold(&mut self) -> Result<(), StoreError> {
        match &self.folding {
            Some(f) if f.handle.is_finished() => self.finish_fold(),
            _ => Ok(()),
        }
    }

    /// Waits for the running fold, if any.
    fn finish_fold(&mut self) -> Result<(), StoreError> {
        let Some(f) = self.folding.take() else {
            return Ok(());
        };
        let result = f.handle.join().unwrap_or_else(|_| {
            Err(StoreError::Invalid {
                path: f.path.clone(),
                message: "the fold of its journal stopped unexpectedly".into(),
            })
        });
        if result.is_err() && f.backup {
            self.backed_up.remove(&f.path);
        }
        result
    }

    /// Folds a journal with changes waiting, beside the app: for when nobody is typing. The
    /// error of an earlier fold is returned here (nothing is lost: its journal stays).
    pub fn fold_idle(&mut self) -> Result<(), StoreError> {
        self.reap_fold()?;
        if self.folding.is_some() {
            return Ok(());
        }
        let waiting = self
            .journals
            .iter()
            .find(|(_, j)| j.writer.as_ref().is_some_and(|w| w.lines > 0))
            .map(|(p, _)| p.clone());
        match waiting {
            Some(path) => self.fold_in_background(&path),
            None => Ok(()),
        }
    }

    /// True while changes wait in a journal of this run (not yet folded into their file).
    pub fn has_journal(&self) -> bool {
        self.folding.is_some()
            || self
                .journals
                .values()
                .any(|j| j.writer.as_ref().is_some_and(|w| w.lines > 0))
    }

    /// Folds every journal into its file, so the data directory holds plain JSON files: when
    /// the app closes. Also done when the store is dropped (errors are then dropped too).
    pub fn close(&mut self) -> Result<(), StoreError> {
        let mut first = self.finish_fold().err();
        let paths: Vec<PathBuf> = self
            .journals
            .iter()
            .filter(|(p, _)| journal::pending(p))
            .map(|(p, _)| p.clone())
            .collect();
        for p in paths {
            if let Err(e) = self.fold_now(&p) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Folds a journal after this many changes instead of [`journal::FOLD_AFTER`] (for the
    /// crash test, which wants folds between kills).
    pub fn set_fold_after(&mut self, changes: usize) {
        self.fold_after = changes.max(1);
    }

    /// Brings an assessment file into the data directory: a new assessment is copied in; a
    /// copy of one already here is merged into it (union of revisions, conflicts kept, role
    /// rules applied; see [`Assessment::merge`]). The file given is only read; on any error
    /// nothing here changes. `now_millis` bounds how far ahead imported times may move the
    /// clock.
    pub fn import(&mut self, file: &Path, now_millis: u64) -> Result<Imported, StoreError> {
        let incoming = load_assessment(file)?;
        self.import_assessment(file, incoming, now_millis)
    }

    /// Where local bookkeeping lives (hand-over state, resume positions): never travels.
    pub fn local_path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// [`Store::import`] of an assessment already read from `file`: checked and merged in
    /// memory ([`Store::plan_import`]), then saved.
    pub fn import_assessment(
        &mut self,
        file: &Path,
        incoming: Assessment,
        now_millis: u64,
    ) -> Result<Imported, StoreError> {
        let (imported, changed) = self.plan_import(file, incoming, now_millis)?;
        if changed {
            self.save(&imported.assessment)?;
        }
        Ok(imported)
    }

    /// What importing `incoming` would give, without writing: the copy here merged with it,
    /// or — new here — `incoming` itself after the same checks (every revision's role, the
    /// clock bound; [`Assessment::admit`]). The flag says whether anything changed.
    pub fn plan_import(
        &self,
        file: &Path,
        incoming: Assessment,
        now_millis: u64,
    ) -> Result<(Imported, bool), StoreError> {
        let path = self.assessment_path(&incoming.id);
        let invalid = |e: crate::model::assessment::MergeError| StoreError::Invalid {
            path: file.to_path_buf(),
            message: e.to_string(),
        };
        if !path.exists() {
            let (assessment, merge) = incoming.admit(now_millis).map_err(invalid)?;
            return Ok((
                Imported {
                    assessment,
                    merge,
                    new: true,
                    path,
                },
                true,
            ));
        }
        let before = load_own(&path)?;
        let mut here = before.clone();
        let merge = here.merge(&incoming, now_millis).map_err(invalid)?;
        // An import that brings nothing new leaves the file alone.
        let changed = here != before;
        Ok((
            Imported {
                assessment: here,
                merge,
                new: false,
                path,
            },
            changed,
        ))
    }

    /// Moves the file of an assessment (by id; for a file that cannot be read, its name
    /// without `.json`) and its `.bak` into `<data dir>/archive/`, under a name not yet
    /// taken there. Nothing is deleted: putting the file back into `assessments/` brings
    /// the assessment back. Returns where the file went.
    pub fn archive(&mut self, id: &str) -> Result<PathBuf, StoreError> {
        let from = self.assessment_path(id);
        if self.is_read_only() {
            return Err(StoreError::ReadOnly { path: from });
        }
        // The file must exist: an id that names nothing is an error, not a silent success.
        std::fs::metadata(&from).map_err(io_err(&from))?;
        // Changes waiting in its journal go into the file first, so it moves complete.
        self.fold_now(&from)?;
        self.journals.remove(&from);
        let to = self.move_to_archive(&from, id)?;
        self.paths.remove(id);
        Ok(to)
    }

    /// Moves `from` (and its `.bak`, and a journal left beside it) into `<data dir>/archive/`
    /// under a name not yet taken there: `<stem>.json`, else `<stem>-1.json`, … Nothing is
    /// ever replaced. `stem` names the file when `from` has no stem.
    fn move_to_archive(&mut self, from: &Path, stem: &str) -> Result<PathBuf, StoreError> {
        let dir = self.root.join("archive");
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let stem = from
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| stem.to_string());
        let taken = |p: &Path| {
            p.exists()
                || bak_of(p).exists()
                || journal::journal_path(p).exists()
                || journal::folding_path(p).exists()
        };
        let to = (0..)
            .map(|n| match n {
                0 => dir.join(format!("{stem}.json")),
                n => dir.join(format!("{stem}-{n}.json")),
            })
            .find(|p| !taken(p))
            .unwrap_or_else(|| dir.join(format!("{stem}.json")));
        std::fs::rename(from, &to).map_err(io_err(from))?;
        for (side, there) in [
            (bak_of(from), bak_of(&to)),
            (journal::journal_path(from), journal::journal_path(&to)),
            (journal::folding_path(from), journal::folding_path(&to)),
        ] {
            if side.exists() {
                std::fs::rename(&side, there).map_err(io_err(&side))?;
            }
        }
        self.backed_up.remove(from);
        Ok(to)
    }

    /// Takes a second file of an assessment (a copy dropped into `assessments/` by hand beside
    /// the file [`Store::list`] chose, reported there as [`StoreError::SameId`]) into that
    /// file: its revisions are merged in with every check of an import ([`Store::plan_import`]:
    /// each revision verified, none rewritten, the role rule, the fixed header, the clock
    /// bound), the result saved, then the copy moved to `<data dir>/archive/` (never deleted,
    /// never over another file). On any error before the save nothing changes; if only the
    /// move fails, the copy stays where it was and merging it again adds nothing.
    pub fn merge_duplicate(
        &mut self,
        copy: &Path,
        now_millis: u64,
    ) -> Result<MergedCopy, StoreError> {
        if self.is_read_only() {
            return Err(StoreError::ReadOnly {
                path: copy.to_path_buf(),
            });
        }
        let not_a_copy = || StoreError::NotACopy {
            path: copy.to_path_buf(),
        };
        let in_folder = copy
            .parent()
            .is_some_and(|d| d == self.root.join("assessments"));
        if !in_folder {
            return Err(not_a_copy());
        }
        // Read as a file from elsewhere: every revision id recomputed (a copy dropped in by
        // hand is no more trusted than an import), with a journal left beside it, if any.
        let incoming = journal::load_with(copy, |p| load(p, false)).map(|(a, _)| a)?;
        let owner = match self.paths.get(&incoming.id) {
            Some(owner) if owner != copy => owner.clone(),
            _ => return Err(not_a_copy()),
        };
        let (imported, changed) = self.plan_import(copy, incoming, now_millis)?;
        if changed {
            self.save(&imported.assessment)?;
        }
        let archived = self.move_to_archive(copy, &imported.assessment.id)?;
        Ok(MergedCopy {
            imported,
            owner,
            archived,
        })
    }

    /// Writes where the clerk stopped in each assessment (`places.json`); nothing when opened
    /// read-only.
    pub fn save_places(&self, places: &places::Places) -> Result<(), StoreError> {
        if self.is_read_only() {
            return Ok(());
        }
        let path = places::path(&self.root);
        let bytes = serde_json::to_vec_pretty(places).map_err(|e| StoreError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&path, &bytes).map_err(io_err(&path))
    }

    /// Where the clerk stopped in each assessment, as last saved here.
    pub fn places(&self) -> places::Places {
        places::load(&self.root)
    }

    /// Saves an assessment. A file this store listed or wrote takes the change as one line
    /// of its journal, flushed to disk (see [`journal`]); any other is written whole,
    /// atomically. The first time this run rewrites a file that existed, its previous
    /// content is kept as `<file>.bak`.
    pub fn save(&mut self, a: &Assessment) -> Result<PathBuf, StoreError> {
        let path = self.assessment_path(&a.id);
        if self.is_read_only() {
            return Err(StoreError::ReadOnly { path });
        }
        let fold_error = self.reap_fold().err();
        let journaled = self
            .journals
            .get(&path)
            .is_some_and(|j| a.docs.seq() >= j.seq)
            && path.exists();
        if journaled {
            self.append(&path, a)?;
            if let Some(e) = fold_error {
                return Err(e);
            }
            return Ok(path);
        }
        // Written whole: no fold may write the same file meanwhile.
        self.finish_fold()?;
        let bytes = a.to_json_lines().map_err(|e| StoreError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if !self.backed_up.contains(&path) && path.exists() {
            let mut bak = path.clone().into_os_string();
            bak.push(".bak");
            let bak = PathBuf::from(bak);
            let old = std::fs::read(&path).map_err(io_err(&path))?;
            write_atomic(&bak, &old).map_err(io_err(&bak))?;
        }
        self.backed_up.insert(path.clone());
        write_atomic(&path, &bytes).map_err(io_err(&path))?;
        if let Some(w) = self.journals.get_mut(&path).and_then(|j| j.writer.take()) {
            drop(w);
        }
        self.journals.insert(
            path.clone(),
            Journal {
                seq: a.docs.seq(),
                writer: None,
            },
        );
        if let Some(e) = fold_error {
            return Err(e);
        }
        Ok(path)
    }

    /// Appends what changed in `a` since it was last saved to the journal of `path`.
    fn append(&mut self, path: &Path, a: &Assessment) -> Result<(), StoreError> {
        let Some(j) = self.journals.get_mut(path) else {
            return Ok(());
        };
        let json = a.journal_entry(j.seq).map_err(|e| StoreError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let Some(json) = json else {
            return Ok(()); // nothing changed
        };
        let writer = match &mut j.writer {
            Some(w) => w,
            None => j.writer.insert(journal::Writer::open(path)?),
        };
        writer.append(path, &json)?;
        j.seq = a.docs.seq();
        if writer.lines >= self.fold_after {
            // A fold that cannot start leaves the journal growing: nothing is lost.
            let _ = self.fold_in_background(path);
        }
        Ok(())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.is_read_only() {
            let _ = self.close();
        }
    }
}

/// Takes the lock of the data directory `root` (which must exist) for a writer that is not a
/// [`Store`] (`zwgk checklist import` writing into `checklists/`): [`StoreError::Locked`] while
/// another zwgk holds it. `now` is the RFC 3339 time for the owner record. Released on drop.
pub fn lock_dir(root: &Path, now: &str) -> Result<DirLock, StoreError> {
    let owner = Owner {
        pid: std::process::id(),
        host: lock::host_name(),
        since: now.to_string(),
    };
    DirLock::acquire(root, &owner).map_err(|e| match e {
        LockError::Held(owner) => StoreError::Locked {
            dir: root.to_path_buf(),
            owner,
        },
        LockError::Io(source) => StoreError::Io {
            path: root.join("zwgk.lock"),
            source,
        },
    })
}

/// True when `path` (which need not exist yet) is `root` or lies under it, links and `..`
/// resolved as far as the path exists (a relative path is taken from the current folder).
pub fn is_inside(root: &Path, path: &Path) -> bool {
    // The deepest existing ancestor, resolved; the rest is appended as written.
    fn resolved(p: &Path) -> Option<PathBuf> {
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(p)
        };
        let mut rest = Vec::new();
        let mut at = abs.as_path();
        loop {
            if let Ok(real) = at.canonicalize() {
                let mut out = real;
                for part in rest.iter().rev() {
                    out.push(part);
                }
                return Some(out);
            }
            rest.push(at.file_name()?.to_os_string());
            at = at.parent()?;
        }
    }
    match (resolved(root), resolved(path)) {
        (Some(root), Some(path)) => path.starts_with(root),
        // Nothing of it exists: compare as written.
        _ => path.starts_with(root),
    }
}

fn load_or_create_device(path: &Path) -> Result<Device, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice::<Device>(&bytes) {
            Ok(device) if bytes.len() <= 4096 && !device.id.trim().is_empty() => Ok(device),
            // A damaged identity file must not stop anyone working: keep it aside, make a new one.
            _ => {
                let mut aside = path.as_os_str().to_owned();
                aside.push(".damaged");
                std::fs::rename(path, &aside).map_err(io_err(path))?;
                create_device(path)
            }
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_device(path),
        Err(e) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

fn create_device(path: &Path) -> Result<Device, StoreError> {
    let device = Device {
        id: uuid::Uuid::now_v7().to_string(),
        user: None,
    };
    let bytes = serde_json::to_vec_pretty(&device).map_err(|e| StoreError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes).map_err(io_err(path))?;
    Ok(device)
}

/// Removes temp files left by a save that was interrupted (power loss, kill). Only called
/// while holding the lock, so no other zwgk is writing them.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".zwgk-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes an assessment to a path the user chose (when the data directory cannot be written).
pub fn save_copy(a: &Assessment, path: &Path) -> Result<(), StoreError> {
    let bytes = a.to_json_lines().map_err(|e| StoreError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes).map_err(io_err(path))
}

/// The backup file next to `path`: `<path>.bak`.
fn bak_of(path: &Path) -> PathBuf {
    let mut bak = path.as_os_str().to_owned();
    bak.push(".bak");
    PathBuf::from(bak)
}

/// The `.bak` of an assessment file, if it exists and loads.
pub fn load_backup(path: &Path) -> Option<Assessment> {
    let mut bak = path.as_os_str().to_owned();
    bak.push(".bak");
    load_own(Path::new(&bak)).ok()
}

/// Reads one assessment file, checking size, syntax, format and version before the content,
/// then every revision id: for files from elsewhere (imports, folders handed over).
pub fn load_assessment(path: &Path) -> Result<Assessment, StoreError> {
    load(path, false)
}

/// Reads a file of the data directory: as [`load_assessment`], except that when the file's
/// checksum matches its document lines (it is as zwgk wrote it after checking it), revision
/// ids are not recomputed. Anything else falls back to the full check.
/// Changes waiting in its journal (see [`journal`]) are applied.
pub fn load_own(path: &Path) -> Result<Assessment, StoreError> {
    journal::load_with(path, |p| load(p, true)).map(|(a, _)| a)
}

fn load(path: &Path, own: bool) -> Result<Assessment, StoreError> {
    let bytes = read_limited(path, MAX_ASSESSMENT_BYTES)?;
    parse(path, &bytes, own)
}

/// Reads a regular file of at most `limit` bytes. Anything else (a device such as
/// `/dev/zero`, a FIFO, a directory) is refused before it is opened, and a file that grows
/// past the limit while being read is refused when it does.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(StoreError::Invalid {
            path: path.to_path_buf(),
            message: NOT_A_FILE.into(),
        });
    }
    if meta.len() > limit {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err(path))?;
    if bytes.len() as u64 > limit {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Why a path that is not a regular file is not read.
pub const NOT_A_FILE: &str = "not a regular file (a device, a pipe or a folder); not read";
/// [`NOT_A_FILE`] in Chinese.
pub const NOT_A_FILE_ZH: &str = "不是普通文件(而是设备、管道或文件夹),没有读取";

/// A JSON error with its position counted in characters, as editors count. A content check
/// that failed after the whole file was read has no position worth showing.
fn syntax(path: &Path, bytes: &[u8], e: &serde_json::Error) -> StoreError {
    if e.line() == 0 {
        return StoreError::Invalid {
            path: path.to_path_buf(),
            message: json_error_text(e),
        };
    }
    StoreError::Syntax {
        path: path.to_path_buf(),
        line: e.line(),
        column: char_column(bytes, e.line(), e.column()),
        message: json_error_text(e),
    }
}

/// The first bytes of an assessment file as this zwgk writes it.
pub(crate) fn current_head() -> String {
    format!("{{\"format\":\"{ASSESSMENT_FORMAT}\",\"format_version\":{ASSESSMENT_FORMAT_VERSION},")
}

/// True when the file at `path` starts as this zwgk writes its assessment files.
fn written_current(path: &Path) -> bool {
    use std::io::Read;
    let head = current_head();
    let mut bytes = vec![0u8; head.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok_and(|()| bytes == head.as_bytes())
}

/// Parses the bytes of an assessment file from elsewhere, checking every revision id.
pub fn parse_assessment(path: &Path, bytes: &[u8]) -> Result<Assessment, StoreError> {
    parse(path, bytes, false)
}

fn parse(path: &Path, bytes: &[u8], own: bool) -> Result<Assessment, StoreError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StoreError::Invalid {
            path: path.to_path_buf(),
            message: "the file is empty".into(),
        });
    }
    if std::str::from_utf8(bytes).is_err() {
        return Err(StoreError::Invalid {
            path: path.to_path_buf(),
            message: NOT_UTF8.into(),
        });
    }
    // A file as this zwgk writes it says what it is in its first bytes: read it at once.
    if bytes.starts_with(current_head().as_bytes()) {
        let read = if own {
            Assessment::from_own_file(bytes)
        } else {
            serde_json::from_slice::<Assessment>(bytes)
        };
        return read.map_err(|e| syntax(path, bytes, &e));
    }
    // Otherwise look at the format and version first, without building the document tree.
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(default)]
        format: Option<Value>,
        #[serde(default)]
        format_version: Option<Value>,
    }
    let peek: Peek = match serde_json::from_slice(bytes) {
        Ok(p) => p,
        Err(e) if e.is_data() => {
            return Err(StoreError::Format {
                path: path.to_path_buf(),
                found: None,
            });
        }
        Err(e) => return Err(syntax(path, bytes, &e)),
    };
    let format = peek.format.as_ref().and_then(Value::as_str);
    if format != Some(ASSESSMENT_FORMAT) {
        return Err(StoreError::Format {
            path: path.to_path_buf(),
            found: format.map(str::to_string),
        });
    }
    let invalid = |message: String| StoreError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    match peek.format_version.as_ref().and_then(Value::as_u64) {
        Some(v) if v > u64::from(ASSESSMENT_FORMAT_VERSION) => Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: v,
        }),
        Some(1) => migrate::from_v1(bytes).map_err(|e| match e {
            migrate::MigrateError::Json(e) => syntax(path, bytes, &e),
            other => invalid(other.to_string()),
        }),
        Some(v) if v == u64::from(ASSESSMENT_FORMAT_VERSION) => {
            serde_json::from_slice::<Assessment>(bytes).map_err(|e| syntax(path, bytes, &e))
        }
        _ => Err(invalid(
            "format_version is missing or not a version zwgk wrote".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::is_inside;

    #[test]
    fn is_inside_resolves_dots_and_links_and_paths_not_made_yet() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let root = tmp.path().join("data");
        std::fs::create_dir_all(root.join("reports")).expect("folders");
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).expect("a folder");
        assert!(is_inside(&root, &root));
        assert!(is_inside(&root, &root.join("reports/x.xlsx")));
        assert!(is_inside(&root, &root.join("not/made/yet.xlsx")));
        assert!(is_inside(&root, &other.join("../data/reports/x.xlsx")));
        assert!(!is_inside(&root, &root.join("../other/x.xlsx")));
        assert!(!is_inside(&root, &other.join("x.xlsx")));
        // A name that only starts like the data dir is elsewhere.
        assert!(!is_inside(&root, &tmp.path().join("data2/x.xlsx")));
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&root, &link).expect("a link");
            assert!(is_inside(&root, &link.join("x.xlsx")));
            assert!(is_inside(&link, &root.join("x.xlsx")));
        }
    }
}
