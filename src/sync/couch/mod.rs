//! Replication with Apache CouchDB 3.x (`zwgk sync`): the online path beside the bundles,
//! for a county or city that runs a server. The same documents, ids, revision ids, winners
//! and conflicts as the bundles give, through CouchDB's replication protocol:
//!
//! * **push**: for the documents changed here since the checkpoint, `POST _revs_diff` with
//!   their leaf revisions, then `POST _bulk_docs` with `new_edits: false` for the missing ones
//!   (each leaf with `_revisions` and its ancestors' records, see [`wire`]); evidence files as
//!   attachments of `<partition>:evidence:<sha256>` documents, sent once per file;
//! * **pull**: `GET _changes?style=all_docs` from the checkpoint, in batches; the revisions
//!   missing here through `POST _bulk_get?revs=true`; each batch is verified whole (every
//!   revision id recomputed, the role rule, the fixed header) and merged through
//!   [`Store::plan_import`] before anything is written, and an assessment new here is written
//!   only with its header, so a cut leaves complete assessments only;
//! * **checkpoints**: `_local/<replication id>` on the server and the same log in the data
//!   directory ([`checkpoint`]), written after each assessment pushed and each batch pulled;
//!   the next run resumes from there, and `_revs_diff` keeps anything that arrived from being
//!   sent again;
//! * **roles on the server**: `_design/zwgk` with a `validate_doc_update` function that applies
//!   [`crate::model::doc::may_write`] from the document id (`validate_doc_update.js`), and the
//!   `_security` object, both installed by `zwgk sync setup`.

pub mod checkpoint;
pub mod client;
pub mod config;
pub mod wire;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use serde_json::{Value, json};
use thiserror::Error;

use crate::cli::Lang;
use crate::model::assessment::{Assessment, Evidence};
use crate::model::doc::{Body, DocId, DocSet, may_write};
use crate::model::revision::{Document, Hlc, RevId, Role};
use crate::store::evidence::{EvidenceError, MAX_EVIDENCE_BYTES, is_sha256};
use crate::store::{Store, StoreError};
use checkpoint::{Direction, LocalLogs, Log, Session, replication_id, startup};
use client::{Method, Reply, Server, Stats};

/// The design document's id segments.
pub const DESIGN: [&str; 2] = ["_design", "zwgk"];
/// The validation function installed on the server.
pub const VALIDATE_DOC_UPDATE: &str = include_str!("validate_doc_update.js");
/// The role every zwgk user of a database has (the `_security` members).
pub const MEMBER_ROLE: &str = "zwgk";
/// The role of the database's administrators (besides CouchDB's server admins).
pub const ADMIN_ROLE: &str = "zwgk_admin";
/// The attachment name of an evidence document.
pub const EVIDENCE_ATTACHMENT: &str = "file";

/// Why a sync did not complete. Every message names the server or file and what to do.
#[derive(Debug, Error)]
pub enum CouchError {
    #[error("{url}: {reason}")]
    Url { url: String, reason: String },
    #[error("{path}: {reason}")]
    Config { path: PathBuf, reason: String },
    #[error("no server configured ({dir} does not exist); give the database URL: zwgk sync URL")]
    NoServer { dir: PathBuf },
    #[error("user {user} has no password; set ZWGK_SYNC_PASSWORD (or \"password\" in {file})")]
    NoPassword { user: String, file: PathBuf },
    #[error("{server}: cannot connect ({reason})")]
    Unreachable { server: String, reason: String },
    #[error("{server}: the server did not answer in time")]
    Timeout { server: String },
    #[error("{server}: the connection was cut ({reason})")]
    Cut { server: String, reason: String },
    #[error("{server}: wrong user name or password{}", user_part(.user))]
    Unauthorized {
        server: String,
        user: Option<String>,
    },
    #[error("{server}: {what} was refused: {reason}")]
    Forbidden {
        server: String,
        what: String,
        reason: String,
    },
    #[error("{server}: the database does not exist; run zwgk sync setup first")]
    NoDatabase { server: String },
    #[error("{server}: {what}: conflict (another sync of this device is running?)")]
    Conflict { server: String, what: String },
    #[error("{server}: {what} is larger than the server accepts")]
    TooLarge { server: String, what: String },
    #[error("{server}: {what}: HTTP {status}: {reason}")]
    Status {
        server: String,
        what: String,
        status: u16,
        reason: String,
    },
    #[error("{server}: the server accepted {doc} but did not store it (not a standard CouchDB 3?)")]
    NotStored { server: String, doc: String },
    #[error("{server}: not a CouchDB server")]
    NotCouch { server: String },
    #[error("{server}: unexpected answer to {what}")]
    Protocol { server: String, what: String },
    #[error("{server}: {reason}; nothing of it was taken in")]
    Refused { server: String, reason: String },
    #[error(
        "{server}: assessment {assessment} has documents on the server but no header; it was \
         not taken in (was a push cut off? push it again from the device that has it)"
    )]
    Incomplete { server: String, assessment: String },
    #[error("{0}")]
    Store(Box<StoreError>),
    #[error("{path}: {source}")]
    Local {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn user_part(user: &Option<String>) -> String {
    user.as_ref().map_or_else(
        || " (no user given)".to_string(),
        |u| format!(" (user {u})"),
    )
}

impl From<StoreError> for CouchError {
    fn from(e: StoreError) -> Self {
        CouchError::Store(Box::new(e))
    }
}

impl CouchError {
    /// The error of a request that got no HTTP answer.
    pub fn from_transport(server: &str, e: ureq::Error) -> CouchError {
        use std::io::ErrorKind as K;
        let server = server.to_string();
        match e {
            ureq::Error::Timeout(_) => CouchError::Timeout { server },
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => CouchError::Unreachable {
                server,
                reason: e.to_string(),
            },
            ureq::Error::Io(io)
                if matches!(
                    io.kind(),
                    K::ConnectionRefused | K::AddrNotAvailable | K::NotFound
                ) =>
            {
                CouchError::Unreachable {
                    server,
                    reason: io.to_string(),
                }
            }
            ureq::Error::Io(io) if io.kind() == K::TimedOut => CouchError::Timeout { server },
            other => CouchError::Cut {
                server,
                reason: other.to_string(),
            },
        }
    }

    /// True when the next run continues where this one stopped (nothing is wrong with the data).
    pub fn resumable(&self) -> bool {
        matches!(
            self,
            CouchError::Unreachable { .. }
                | CouchError::Timeout { .. }
                | CouchError::Cut { .. }
                | CouchError::Conflict { .. }
        )
    }

    /// The message in the interface's language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return crate::text::sanitize(&self.to_string(), false);
        }
        let again =
            "已完成的部分已记下,网络恢复后再次运行 zwgk sync 会从中断处继续;本机数据没有损坏";
        let roles =
            "乡镇账号需要角色 zwgk 和 zwgk_township:<区划代码>,区县账号需要 zwgk 和 zwgk_county";
        let text = match self {
            CouchError::Url { url, reason } => format!(
                "{url}: 服务器地址不对({reason})。应写成 http://服务器:5984/数据库名,不要把用户名密码写进地址"
            ),
            CouchError::Config { path, reason } => {
                format!("{}: 同步设置文件不能使用({reason})", path.display())
            }
            CouchError::NoServer { dir } => format!(
                "还没有设置同步服务器({} 不存在)。请运行 zwgk sync http://服务器:5984/数据库名,地址向区县信息化人员要",
                dir.display()
            ),
            CouchError::NoPassword { user, file } => format!(
                "用户 {user} 没有密码:请设置环境变量 ZWGK_SYNC_PASSWORD(或在 {} 中写 \"password\")",
                file.display()
            ),
            CouchError::Unreachable { server, reason } => format!(
                "{server}: 连不上服务器({reason})。请检查网络(政务外网)和地址,或请区县信息化人员确认 CouchDB 在运行;本机数据没有改动"
            ),
            CouchError::Timeout { server } => {
                format!("{server}: 服务器长时间没有回应。{again}")
            }
            CouchError::Cut { server, reason } => {
                format!("{server}: 连接中断({reason})。{again}")
            }
            CouchError::Unauthorized { server, user } => format!(
                "{server}: 用户名或密码不对{}。请检查环境变量 ZWGK_SYNC_USER、ZWGK_SYNC_PASSWORD(或同步设置文件 couchdb.json);本机数据没有改动",
                user.as_ref()
                    .map_or_else(|| "(没有提供用户名)".to_string(), |u| format!("(用户 {u})"))
            ),
            CouchError::Forbidden {
                server,
                what,
                reason,
            } => format!(
                "{server}: 服务器拒绝了 {what}({reason})。请区县管理员检查这个账号的角色:{roles}"
            ),
            CouchError::NoDatabase { server } => format!(
                "{server}: 服务器上没有这个数据库。请区县管理员先运行 zwgk sync setup {server}"
            ),
            CouchError::Conflict { server, what } => {
                format!("{server}: {what} 冲突:本机的另一次同步可能正在进行,请稍后再试。{again}")
            }
            CouchError::TooLarge { server, what } => format!(
                "{server}: {what} 超过服务器允许的大小。请区县管理员调大 CouchDB 的 max_document_size 和 max_http_request_size"
            ),
            CouchError::Status {
                server,
                what,
                status,
                reason,
            } => format!(
                "{server}: {what} 失败(HTTP {status}:{reason})。{}",
                if *status >= 500 {
                    "服务器出错,请告知区县信息化人员;本机数据没有改动,稍后再运行 zwgk sync 即可继续"
                } else {
                    "本机数据没有改动"
                }
            ),
            CouchError::NotStored { server, doc } => format!(
                "{server}: 服务器收下了 {doc} 却没有保存(不是标准的 CouchDB 3?)。检查点没有前移,本机数据没有改动;请告知区县信息化人员"
            ),
            CouchError::NotCouch { server } => {
                format!("{server}: 这不是 CouchDB 服务器。请核对地址和端口(通常是 5984)")
            }
            CouchError::Protocol { server, what } => {
                format!("{server}: 服务器对 {what} 的回答看不懂(不是 CouchDB 3?)。本机数据没有改动")
            }
            CouchError::Refused { server, reason } => format!(
                "{server}: 服务器上的数据未通过校验({reason}),这部分没有导入;此前已导入的完整检查保留。请区县管理员检查服务器上的数据是否被改动过"
            ),
            CouchError::Incomplete { server, assessment } => format!(
                "{server}: 检查 {assessment} 在服务器上不完整(缺少表头文档),没有导入。可能是上传时中断了,请让对方再同步一次"
            ),
            CouchError::Store(e) => format!("{e}"),
            CouchError::Local { path, source } => {
                format!("{}: 读写失败({source})", path.display())
            }
        };
        crate::text::sanitize(&text, false)
    }
}

/// How much goes into one request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Documents per `_revs_diff`.
    pub revs_diff: usize,
    /// Revisions per `_bulk_docs`.
    pub bulk_docs: usize,
    /// Bytes per `_bulk_docs` (CouchDB's `max_http_request_size` is 4 GB, documents 8 MB).
    pub bulk_bytes: usize,
    /// Changes per `_changes` page.
    pub changes: usize,
    /// Revisions per `_bulk_get`.
    pub bulk_get: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            revs_diff: 500,
            bulk_docs: 500,
            bulk_bytes: 4 * 1024 * 1024,
            changes: 1000,
            bulk_get: 250,
        }
    }
}

/// Where a run stands, for a progress line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// True while pushing, false while pulling.
    pub pushing: bool,
    /// Documents (push) or changes (pull) done.
    pub done: u64,
    /// Of how many (push: known at the start; pull: 0, the feed's length is not known).
    pub total: u64,
    pub stats: Stats,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Assessments with documents changed since the checkpoint.
    pub assessments: usize,
    /// Documents whose leaves were compared with the server's.
    pub docs_checked: u64,
    /// Leaf revisions the server lacked and received.
    pub revisions_sent: u64,
    /// Evidence files sent.
    pub evidence_sent: u64,
    /// Documents of the other side (e.g. a county's verdicts on a township laptop) that the
    /// server did not take from this user: (id, reason). Their owner sends them.
    pub others: Vec<(String, String)>,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Entries of the changes feed read.
    pub changes: u64,
    /// Leaf revisions fetched.
    pub revisions_fetched: u64,
    /// Revisions new here.
    pub revisions_added: usize,
    /// Assessments changed here.
    pub assessments: BTreeSet<String>,
    /// Of those, new here.
    pub new_assessments: usize,
    /// Documents with a new conflict.
    pub new_conflicts: usize,
    /// Evidence files received.
    pub evidence_received: u64,
    /// Documents of the database that are not zwgk's (left alone).
    pub ignored: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub server: String,
    pub push: Option<PushReport>,
    pub pull: Option<PullReport>,
    pub stats: Stats,
}

impl Report {
    /// One line for the terminal or the status bar.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut parts = Vec::new();
        if let Some(p) = &self.push {
            parts.push(if zh {
                format!(
                    "上传 {} 个版本(比对 {} 个文档,{} 个检查),佐证文件 {} 个",
                    p.revisions_sent, p.docs_checked, p.assessments, p.evidence_sent
                )
            } else {
                format!(
                    "pushed {} revisions ({} documents compared, {} assessments), {} evidence files",
                    p.revisions_sent, p.docs_checked, p.assessments, p.evidence_sent
                )
            });
            if !p.others.is_empty() {
                parts.push(if zh {
                    format!(
                        "{} 个对方的文档本账号无权上传,已跳过(由对方上传)",
                        p.others.len()
                    )
                } else {
                    format!(
                        "{} documents of the other side skipped (this user may not write them; their owner sends them)",
                        p.others.len()
                    )
                });
            }
        }
        if let Some(p) = &self.pull {
            parts.push(if zh {
                format!(
                    "下载 {} 个新版本({} 个检查,其中新检查 {} 个),佐证文件 {} 个",
                    p.revisions_added,
                    p.assessments.len(),
                    p.new_assessments,
                    p.evidence_received
                )
            } else {
                format!(
                    "pulled {} new revisions ({} assessments, {} new), {} evidence files",
                    p.revisions_added,
                    p.assessments.len(),
                    p.new_assessments,
                    p.evidence_received
                )
            });
            if p.new_conflicts > 0 {
                parts.push(if zh {
                    format!("{} 处新冲突,请按 C 处理", p.new_conflicts)
                } else {
                    format!("{} new conflicts (C)", p.new_conflicts)
                });
            }
        }
        let mb = self.stats.bytes_sent + self.stats.bytes_received;
        parts.push(if zh {
            format!(
                "{} 次请求,{:.1} MB",
                self.stats.requests,
                mb as f64 / 1_048_576.0
            )
        } else {
            format!(
                "{} requests, {:.1} MB",
                self.stats.requests,
                mb as f64 / 1_048_576.0
            )
        });
        crate::text::sanitize(
            &format!(
                "{}: {}",
                self.server,
                parts.join(if zh { ";" } else { "; " })
            ),
            false,
        )
    }
}

/// What `setup` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupReport {
    pub created: bool,
    pub design_installed: bool,
    pub security_changed: bool,
}

/// The id of the evidence document of a file cited in `partition`.
pub fn evidence_id(partition: &str, sha256: &str) -> String {
    format!("{partition}:evidence:{sha256}")
}

/// The SHA-256 an evidence document id names.
pub fn evidence_sha(id: &str) -> Option<&str> {
    let mut parts = id.split(':');
    let (_, kind, sha) = (parts.next()?, parts.next()?, parts.next()?);
    (kind == "evidence" && parts.next().is_none() && is_sha256(sha)).then_some(sha)
}

/// A document changed since the checkpoint, with its local sequence number.
type Changed<'a> = (&'a Document<Body>, u64);
/// A document id with its leaf revisions on the server.
type Leaves = (String, Vec<RevId>);

/// One sync run between a data directory and a database.
pub struct Replicator<'a> {
    pub server: Server,
    store: &'a mut Store,
    /// The role this device works in (decides which refused documents are someone else's).
    role: Role,
    now: &'a dyn Fn() -> u64,
    progress: &'a mut dyn FnMut(&Progress),
    pub limits: Limits,
}

impl<'a> Replicator<'a> {
    /// A run over `server` for the data directory `store`.
    pub fn new(
        server: Server,
        store: &'a mut Store,
        role: Role,
        now: &'a dyn Fn() -> u64,
        progress: &'a mut dyn FnMut(&Progress),
    ) -> Replicator<'a> {
        Replicator {
            server,
            store,
            role,
            now,
            progress,
            limits: Limits::default(),
        }
    }

    fn label(&self) -> String {
        self.server.label()
    }

    /// The error for an unexpected status.
    fn fail(&self, reply: &Reply, what: &str) -> CouchError {
        let server = self.label();
        match reply.status {
            401 => CouchError::Unauthorized {
                server,
                user: self.server.user().map(str::to_string),
            },
            403 => CouchError::Forbidden {
                server,
                what: what.to_string(),
                reason: reply.reason(),
            },
            409 => CouchError::Conflict {
                server,
                what: what.to_string(),
            },
            413 => CouchError::TooLarge {
                server,
                what: what.to_string(),
            },
            status => CouchError::Status {
                server,
                what: what.to_string(),
                status,
                reason: reply.reason(),
            },
        }
    }

    fn protocol(&self, what: &str) -> CouchError {
        CouchError::Protocol {
            server: self.label(),
            what: what.to_string(),
        }
    }

    fn report_progress(&mut self, pushing: bool, done: u64, total: u64) {
        let p = Progress {
            pushing,
            done,
            total,
            stats: self.server.stats(),
        };
        (self.progress)(&p);
    }

    /// Checks that the database exists and this user may read it.
    pub fn check_db(&mut self) -> Result<(), CouchError> {
        let reply = self.server.json(Method::Get, &[], &[], None)?;
        match reply.status {
            200 => Ok(()),
            404 => Err(CouchError::NoDatabase {
                server: self.label(),
            }),
            _ => Err(self.fail(&reply, "the database")),
        }
    }

    fn get_log(&mut self, id: &str) -> Result<Option<Log>, CouchError> {
        let reply = self.server.json(Method::Get, &["_local", id], &[], None)?;
        match reply.status {
            200 => Ok(serde_json::from_slice(&reply.body).ok()),
            404 => Ok(None),
            _ => Err(self.fail(&reply, "the checkpoint _local/…")),
        }
    }

    /// Writes the checkpoint on both sides: the server's `_local` document, then the local file.
    fn checkpoint(
        &mut self,
        id: &str,
        logs: &mut (Option<Log>, Option<Log>),
        session: Session,
    ) -> Result<(), CouchError> {
        let (server_log, local_log) = logs;
        let mut remote = Log::record(server_log.as_ref(), session.clone());
        let body = serde_json::to_value(&remote).map_err(|_| self.protocol("checkpoint"))?;
        let reply = self
            .server
            .json(Method::Put, &["_local", id], &[], Some(&body))?;
        if !reply.ok() {
            return Err(self.fail(&reply, &format!("the checkpoint _local/{id}")));
        }
        remote.rev = reply
            .json()
            .get("rev")
            .and_then(Value::as_str)
            .map(str::to_string);
        *server_log = Some(remote);
        let mut local = Log::record(local_log.as_ref(), session);
        local.rev = None;
        let root = self.store.root().to_path_buf();
        let mut all = LocalLogs::load(&root);
        all.logs.insert(id.to_string(), local.clone());
        all.save(&root).map_err(|source| CouchError::Local {
            path: root.join(checkpoint::CHECKPOINT_FILE),
            source,
        })?;
        *local_log = Some(local);
        Ok(())
    }

    fn session(&self, id: &str, start: &str, seq: Value) -> Session {
        Session {
            session_id: id.to_string(),
            recorded_seq: seq,
            start_time: start.to_string(),
            end_time: crate::clock::rfc3339((self.now)()),
            missing_checked: 0,
            missing_found: 0,
            docs_read: 0,
            docs_written: 0,
            doc_write_failures: 0,
        }
    }

    /// Installs the database, the design document with the role rule, and the `_security`
    /// object (members: role `zwgk`; admins: role `zwgk_admin`), keeping what is there.
    /// Needs a server admin.
    pub fn setup(&mut self) -> Result<SetupReport, CouchError> {
        let mut report = SetupReport::default();
        let root = self.server.root_url(&[]);
        let reply = self.server.json_at(Method::Get, &root, &[], None)?;
        let welcome = reply.json();
        if !reply.ok()
            || !(welcome.get("couchdb").is_some() || welcome.get("express-pouchdb").is_some())
        {
            return Err(CouchError::NotCouch {
                server: self.label(),
            });
        }
        let reply = self.server.json(Method::Put, &[], &[], None)?;
        match reply.status {
            201 | 202 => report.created = true,
            412 => {}
            _ => return Err(self.fail(&reply, "creating the database")),
        }
        let reply = self.server.json(Method::Get, &DESIGN, &[], None)?;
        let existing = match reply.status {
            200 => Some(reply.json()),
            404 => None,
            _ => return Err(self.fail(&reply, "_design/zwgk")),
        };
        let installed = existing
            .as_ref()
            .and_then(|d| d.get("validate_doc_update"))
            .and_then(Value::as_str);
        if installed != Some(VALIDATE_DOC_UPDATE) {
            let mut design = json!({
                "_id": "_design/zwgk",
                "language": "javascript",
                "zwgk_version": env!("CARGO_PKG_VERSION"),
                "validate_doc_update": VALIDATE_DOC_UPDATE,
            });
            if let Some(rev) = existing.as_ref().and_then(|d| d.get("_rev")) {
                design["_rev"] = rev.clone();
            }
            let reply = self.server.json(Method::Put, &DESIGN, &[], Some(&design))?;
            if !reply.ok() {
                return Err(self.fail(&reply, "_design/zwgk"));
            }
            report.design_installed = true;
        }
        let reply = self.server.json(Method::Get, &["_security"], &[], None)?;
        if !reply.ok() {
            return Err(self.fail(&reply, "_security"));
        }
        let mut security = reply.json();
        if !security.is_object() {
            security = json!({});
        }
        let mut changed = false;
        for (group, role) in [("members", MEMBER_ROLE), ("admins", ADMIN_ROLE)] {
            let entry = &mut security[group];
            if !entry.is_object() {
                *entry = json!({"names": [], "roles": []});
            }
            if !entry["names"].is_array() {
                entry["names"] = json!([]);
            }
            if !entry["roles"].is_array() {
                entry["roles"] = json!([]);
            }
            if let Some(roles) = entry["roles"].as_array_mut()
                && !roles.iter().any(|r| r == role)
            {
                roles.push(json!(role));
                changed = true;
            }
        }
        if changed {
            let reply = self
                .server
                .json(Method::Put, &["_security"], &[], Some(&security))?;
            if !reply.ok() {
                return Err(self.fail(&reply, "_security"));
            }
            report.security_changed = true;
        }
        Ok(report)
    }

    /// Push and pull.
    pub fn sync(&mut self) -> Result<Report, CouchError> {
        let push = self.push()?;
        let pull = self.pull()?;
        Ok(Report {
            server: self.label(),
            push: Some(push),
            pull: Some(pull),
            stats: self.server.stats(),
        })
    }

    /// Sends what changed here since the last push (see the module docs).
    pub fn push(&mut self) -> Result<PushReport, CouchError> {
        self.check_db()?;
        let device = self.store.device().id.clone();
        let rep = replication_id(Direction::Push, &device, &self.label());
        let server_log = self.get_log(&rep)?;
        let local_log = LocalLogs::load(self.store.root()).logs.get(&rep).cloned();
        let start = startup(local_log.as_ref(), server_log.as_ref());
        let mut logs = (server_log, local_log);
        let mut recorded: BTreeMap<String, u64> = start
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let session_id = uuid::Uuid::now_v7().to_string();
        let start_time = crate::clock::rfc3339((self.now)());
        let assessments: Vec<Assessment> = self
            .store
            .list()?
            .into_iter()
            .filter_map(|(_, a)| a.ok())
            .collect();
        let mut report = PushReport::default();
        // What changed, per assessment: the header first (a replica that pulls an assessment
        // new to it needs the header), then by this device's sequence.
        let mut plan: Vec<(&Assessment, u64, Vec<Changed<'_>>)> = Vec::new();
        for a in &assessments {
            let since = recorded
                .get(&a.id)
                .copied()
                .filter(|s| *s <= a.docs.seq())
                .unwrap_or(0);
            let mut changed: Vec<(&Document<Body>, u64)> = a
                .docs
                .documents()
                .filter(|(_, s)| since == 0 || *s > since)
                .collect();
            changed.sort_by_key(|(d, s)| (!d.id().ends_with(":header"), *s));
            if !changed.is_empty() {
                plan.push((a, since, changed));
            }
        }
        let total: u64 = plan.iter().map(|(_, _, c)| c.len() as u64).sum();
        self.report_progress(true, 0, total);
        for (a, since, changed) in &plan {
            report.assessments += 1;
            self.push_evidence(a, changed, &mut report)?;
            let step = self.limits.revs_diff.max(1);
            for (i, chunk) in changed.chunks(step).enumerate() {
                let missing = self.revs_diff(chunk)?;
                report.docs_checked += chunk.len() as u64;
                let refused_before = report.others.len();
                self.send_missing(chunk, &missing, &mut report)?;
                if !missing.is_empty() {
                    // `_bulk_docs` with `new_edits: false` answers `[]` without saying what
                    // it stored: ask again, and never record a checkpoint past a revision the
                    // server does not have.
                    let still = self.revs_diff(chunk)?;
                    let refused: BTreeSet<&str> = report.others[refused_before..]
                        .iter()
                        .map(|(id, _)| id.as_str())
                        .collect();
                    if let Some(id) = still.keys().find(|id| !refused.contains(id.as_str())) {
                        return Err(CouchError::NotStored {
                            server: self.label(),
                            doc: id.clone(),
                        });
                    }
                }
                // Everything up to just before the oldest document not yet sent is done.
                let rest = changed.get((i + 1) * step..).unwrap_or_default();
                let seq = rest
                    .iter()
                    .map(|(_, s)| *s)
                    .min()
                    .map_or(a.docs.seq(), |m| m.saturating_sub(1))
                    .max(*since);
                recorded.insert(a.id.clone(), seq);
                // A checkpoint after every step, on both sides: a cut run resumes here.
                let mut session = self.session(&session_id, &start_time, json!(recorded));
                session.missing_checked = report.docs_checked;
                session.docs_written = report.revisions_sent;
                session.doc_write_failures = report.others.len() as u64;
                self.checkpoint(&rep, &mut logs, session)?;
                self.report_progress(true, report.docs_checked, total);
            }
        }
        if plan.is_empty() && start.is_none() {
            let session = self.session(&session_id, &start_time, json!(recorded));
            self.checkpoint(&rep, &mut logs, session)?;
        }
        Ok(report)
    }

    /// `_revs_diff` for the leaves of `docs`: the leaf revisions the server lacks, by id.
    fn revs_diff(
        &mut self,
        docs: &[(&Document<Body>, u64)],
    ) -> Result<BTreeMap<String, Vec<RevId>>, CouchError> {
        let mut body = serde_json::Map::new();
        for (d, _) in docs {
            let leaves: Vec<String> = d.leaves().iter().map(|r| r.rev.to_string()).collect();
            body.insert(d.id().to_string(), json!(leaves));
        }
        let reply = self.server.json(
            Method::Post,
            &["_revs_diff"],
            &[],
            Some(&Value::Object(body)),
        )?;
        if !reply.ok() {
            return Err(self.fail(&reply, "_revs_diff"));
        }
        let Value::Object(answer) = reply.json() else {
            return Err(self.protocol("_revs_diff"));
        };
        let mut out = BTreeMap::new();
        for (id, v) in answer {
            let revs = v
                .get("missing")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .filter_map(|r| r.parse::<RevId>().ok())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            if !revs.is_empty() {
                out.insert(id, revs);
            }
        }
        Ok(out)
    }

    /// `_bulk_docs` with `new_edits: false` for the missing leaves, in batches by count and
    /// size; a batch the server finds too large is halved.
    fn send_missing(
        &mut self,
        docs: &[(&Document<Body>, u64)],
        missing: &BTreeMap<String, Vec<RevId>>,
        report: &mut PushReport,
    ) -> Result<(), CouchError> {
        let mut encoded: Vec<(String, String)> = Vec::new();
        for (d, _) in docs {
            for rev in missing.get(d.id()).into_iter().flatten() {
                if !d.contains(rev) {
                    continue;
                }
                let value = wire::to_couch(d, rev).map_err(|e| CouchError::Refused {
                    server: self.label(),
                    reason: e.to_string(),
                })?;
                let text = serde_json::to_string(&value).map_err(|_| self.protocol("encode"))?;
                encoded.push((d.id().to_string(), text));
            }
        }
        let mut batch: Vec<(String, String)> = Vec::new();
        let mut bytes = 0;
        for e in encoded {
            if !batch.is_empty()
                && (batch.len() >= self.limits.bulk_docs
                    || bytes + e.1.len() > self.limits.bulk_bytes)
            {
                self.bulk_docs(&std::mem::take(&mut batch), report)?;
                bytes = 0;
            }
            bytes += e.1.len();
            batch.push(e);
        }
        if !batch.is_empty() {
            self.bulk_docs(&batch, report)?;
        }
        Ok(())
    }

    fn bulk_docs(
        &mut self,
        batch: &[(String, String)],
        report: &mut PushReport,
    ) -> Result<(), CouchError> {
        let docs: Vec<&str> = batch.iter().map(|(_, t)| t.as_str()).collect();
        let body = format!("{{\"new_edits\":false,\"docs\":[{}]}}", docs.join(","));
        let url = self.server.db_url(&["_bulk_docs"]);
        let reply = self.server.request(
            Method::Post,
            &url,
            &[],
            Some((body.as_bytes(), "application/json")),
            client::MAX_RESPONSE_BYTES,
        )?;
        if reply.status == 413 && batch.len() > 1 {
            let (a, b) = batch.split_at(batch.len() / 2);
            self.bulk_docs(a, report)?;
            return self.bulk_docs(b, report);
        }
        if !reply.ok() {
            let what = match batch {
                [(id, _)] => id.clone(),
                _ => format!("_bulk_docs ({} documents)", batch.len()),
            };
            return Err(self.fail(&reply, &what));
        }
        let results = reply.json();
        let mut failed = 0;
        for r in results.as_array().into_iter().flatten() {
            let Some(error) = r.get("error").and_then(Value::as_str) else {
                continue;
            };
            failed += 1;
            let id = r
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let reason = r
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or(error)
                .to_string();
            let theirs = id
                .parse::<DocId>()
                .is_ok_and(|d| !may_write(self.role, d.kind, d.doc.kind));
            if matches!(error, "forbidden" | "unauthorized") && theirs {
                report.others.push((id, reason));
                continue;
            }
            let status = if matches!(error, "forbidden" | "unauthorized") {
                403
            } else {
                500
            };
            return Err(self.fail(
                &Reply {
                    status,
                    body: serde_json::to_vec(r).unwrap_or_default(),
                },
                &id,
            ));
        }
        report.revisions_sent += (batch.len() - failed) as u64;
        Ok(())
    }

    /// Sends the evidence files cited by `docs` that the server lacks.
    fn push_evidence(
        &mut self,
        a: &Assessment,
        docs: &[(&Document<Body>, u64)],
        report: &mut PushReport,
    ) -> Result<(), CouchError> {
        let evidence = self.store.evidence();
        let mut cited = BTreeSet::new();
        for (d, _) in docs {
            for r in d.revisions() {
                let lists: Vec<&[Evidence]> = match &r.body {
                    Body::Result(x) => vec![&x.evidence, &x.township_evidence],
                    Body::Response(x) => vec![&x.evidence],
                    _ => Vec::new(),
                };
                for e in lists.into_iter().flatten() {
                    if let Evidence::File { sha256, .. } = e
                        && evidence.has(sha256)
                    {
                        cited.insert(evidence_id(&a.partition, sha256));
                    }
                }
            }
        }
        if cited.is_empty() {
            return Ok(());
        }
        let keys: Vec<&String> = cited.iter().collect();
        let reply = self.server.json(
            Method::Post,
            &["_all_docs"],
            &[],
            Some(&json!({ "keys": keys })),
        )?;
        if !reply.ok() {
            return Err(self.fail(&reply, "_all_docs"));
        }
        let answer = reply.json();
        let present: BTreeSet<&str> = answer
            .get("rows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|row| row.get("error").is_none() && row["value"]["deleted"] != json!(true))
            .filter_map(|row| row.get("id").and_then(Value::as_str))
            .collect();
        let missing: Vec<String> = cited
            .iter()
            .filter(|id| !present.contains(id.as_str()))
            .cloned()
            .collect();
        for id in missing {
            let Some(sha) = evidence_sha(&id) else {
                continue;
            };
            let bytes = evidence.read(sha).map_err(|e| CouchError::Local {
                path: evidence.path(sha).unwrap_or_default(),
                source: std::io::Error::other(e.message(Lang::En)),
            })?;
            let url = self.server.db_url(&[&id, EVIDENCE_ATTACHMENT]);
            let reply = self.server.request(
                Method::Put,
                &url,
                &[],
                Some((&bytes, "application/octet-stream")),
                client::MAX_RESPONSE_BYTES,
            )?;
            match reply.status {
                200..=202 => report.evidence_sent += 1,
                409 => {}
                // A file cited in a partition this user does not write (a copy of another
                // township's assessment): its owner sends it. Refused documents of this
                // user's own stop the push where they are sent.
                403 => report.others.push((id, reply.reason())),
                _ => return Err(self.fail(&reply, &id)),
            }
        }
        Ok(())
    }

    /// Takes in what changed on the server since the last pull (see the module docs).
    pub fn pull(&mut self) -> Result<PullReport, CouchError> {
        self.check_db()?;
        let device = self.store.device().id.clone();
        let rep = replication_id(Direction::Pull, &device, &self.label());
        let server_log = self.get_log(&rep)?;
        let local_log = LocalLogs::load(self.store.root()).logs.get(&rep).cloned();
        let mut since = startup(server_log.as_ref(), local_log.as_ref()).unwrap_or(json!(0));
        let mut logs = (server_log, local_log);
        let session_id = uuid::Uuid::now_v7().to_string();
        let start_time = crate::clock::rfc3339((self.now)());
        let mut local: HashMap<String, Assessment> = self
            .store
            .list()?
            .into_iter()
            .filter_map(|(_, a)| a.ok())
            .map(|a| (a.id.clone(), a))
            .collect();
        let mut report = PullReport::default();
        self.report_progress(false, 0, 0);
        loop {
            let since_text = match &since {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let limit = self.limits.changes.max(1).to_string();
            let reply = self.server.json(
                Method::Get,
                &["_changes"],
                &[
                    ("style", "all_docs"),
                    ("since", &since_text),
                    ("limit", &limit),
                ],
                None,
            )?;
            if !reply.ok() {
                return Err(self.fail(&reply, "_changes"));
            }
            let feed = reply.json();
            let (Some(results), Some(last_seq)) = (
                feed.get("results").and_then(Value::as_array),
                feed.get("last_seq"),
            ) else {
                return Err(self.protocol("_changes"));
            };
            if results.is_empty() {
                break;
            }
            let full = results.len() >= self.limits.changes.max(1);
            self.pull_batch(results, &mut local, &mut report)?;
            since = last_seq.clone();
            let mut session = self.session(&session_id, &start_time, since.clone());
            session.docs_read = report.revisions_fetched;
            session.docs_written = report.revisions_added as u64;
            self.checkpoint(&rep, &mut logs, session)?;
            self.report_progress(false, report.changes, 0);
            if !full {
                break;
            }
        }
        Ok(report)
    }

    /// One page of the changes feed: fetch what is missing here, verify it all, then write.
    fn pull_batch(
        &mut self,
        results: &[Value],
        local: &mut HashMap<String, Assessment>,
        report: &mut PullReport,
    ) -> Result<(), CouchError> {
        let server = self.label();
        let refused = |reason: String| CouchError::Refused {
            server: server.clone(),
            reason,
        };
        // Per assessment (by its id prefix): the documents and their leaves on the server.
        let mut groups: BTreeMap<String, (DocId, Vec<Leaves>)> = BTreeMap::new();
        let mut files: Vec<(String, String)> = Vec::new();
        for r in results {
            report.changes += 1;
            let Some(id) = r.get("id").and_then(Value::as_str) else {
                return Err(self.protocol("_changes"));
            };
            if id.starts_with("_design/") {
                continue;
            }
            let deleted = r.get("deleted") == Some(&json!(true));
            if let Ok(doc_id) = id.parse::<DocId>() {
                let mut revs = Vec::new();
                for c in r
                    .get("changes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let text = c.get("rev").and_then(Value::as_str).unwrap_or_default();
                    let rev = text
                        .parse::<RevId>()
                        .map_err(|e| refused(format!("document {id}: revision {text}: {e}")))?;
                    revs.push(rev);
                }
                let prefix = DocId::prefix(&doc_id.partition, doc_id.kind, &doc_id.assessment);
                groups
                    .entry(prefix)
                    .or_insert_with(|| (doc_id.clone(), Vec::new()))
                    .1
                    .push((id.to_string(), revs));
            } else if let Some(sha) = evidence_sha(id) {
                if !deleted && !self.store.evidence().has(sha) {
                    files.push((id.to_string(), sha.to_string()));
                }
            } else {
                report.ignored += 1;
            }
        }
        // What this replica lacks; an assessment new here also needs its header.
        let mut wanted: Vec<(String, String, Option<RevId>)> = Vec::new();
        for (prefix, (first, docs)) in &groups {
            let here = local
                .get(&first.assessment)
                .filter(|a| a.docs.prefix() == prefix);
            let before = wanted.len();
            for (id, revs) in docs {
                let key = id.parse::<DocId>().map(|d| d.doc).ok();
                let missing = match (here, key) {
                    (Some(a), Some(k)) => a
                        .docs
                        .get(&k)
                        .map_or_else(|| revs.clone(), |d| d.missing(revs)),
                    _ => revs.clone(),
                };
                for m in missing {
                    wanted.push((prefix.clone(), id.clone(), Some(m)));
                }
            }
            let header = format!("{prefix}header");
            if here.is_none() && wanted.len() > before && !docs.iter().any(|(id, _)| *id == header)
            {
                wanted.push((prefix.clone(), header, None));
            }
        }
        let mut gathered: BTreeMap<String, wire::Gathered> = BTreeMap::new();
        for chunk in wanted.chunks(self.limits.bulk_get.max(1)) {
            let docs: Vec<Value> = chunk
                .iter()
                .map(|(_, id, rev)| match rev {
                    Some(r) => json!({"id": id, "rev": r.to_string()}),
                    None => json!({"id": id}),
                })
                .collect();
            let reply = self.server.json(
                Method::Post,
                &["_bulk_get"],
                &[("revs", "true")],
                Some(&json!({ "docs": docs })),
            )?;
            if !reply.ok() {
                return Err(self.fail(&reply, "_bulk_get"));
            }
            let answer = reply.json();
            let Some(results) = answer.get("results").and_then(Value::as_array) else {
                return Err(self.protocol("_bulk_get"));
            };
            for (r, (prefix, id, rev)) in results.iter().zip(chunk) {
                for d in r
                    .get("docs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    match (d.get("ok"), rev) {
                        (Some(doc), _) => {
                            let (got, chain) =
                                wire::from_couch(doc).map_err(|e| refused(e.to_string()))?;
                            if got != *id {
                                return Err(self.protocol("_bulk_get"));
                            }
                            report.revisions_fetched += 1;
                            gathered
                                .entry(prefix.clone())
                                .or_default()
                                .add(got, chain)
                                .map_err(|e| refused(e.to_string()))?;
                        }
                        (None, None) => {
                            let assessment = groups
                                .get(prefix)
                                .map_or_else(String::new, |g| g.0.assessment.clone());
                            return Err(CouchError::Incomplete {
                                server: self.label(),
                                assessment,
                            });
                        }
                        (None, Some(_)) => return Err(self.protocol(&format!("_bulk_get {id}"))),
                    }
                }
            }
            if results.len() != chunk.len() {
                return Err(self.protocol("_bulk_get"));
            }
        }
        // Verify everything and plan the merges before writing anything.
        let label = PathBuf::from(self.label());
        let now = (self.now)();
        let mut plans = Vec::new();
        for (prefix, g) in gathered {
            let Some((first, _)) = groups.get(&prefix) else {
                continue;
            };
            let mut documents = Vec::new();
            for (id, revs) in g.into_documents() {
                let doc = Document::from_revisions(id, revs).map_err(|e| refused(e.to_string()))?;
                documents.push((doc, 0));
            }
            let docs =
                DocSet::from_documents(&first.partition, first.kind, &first.assessment, documents)
                    .map_err(|e| refused(e.to_string()))?;
            let incoming = Assessment {
                id: first.assessment.clone(),
                kind: first.kind,
                partition: first.partition.clone(),
                clock: Hlc::default(),
                docs,
            };
            if !local.contains_key(&incoming.id)
                && incoming
                    .docs
                    .get(&crate::model::doc::DocKey::header())
                    .is_none()
            {
                return Err(CouchError::Incomplete {
                    server: self.label(),
                    assessment: incoming.id,
                });
            }
            let planned = self
                .store
                .plan_import(&label, incoming, now)
                .map_err(|e| match e {
                    StoreError::Invalid { message, .. } => refused(message),
                    other => CouchError::from(other),
                })?;
            plans.push(planned);
        }
        // Evidence first: content-addressed and checked against its name, so it never hurts.
        for (id, sha) in files {
            let url = self.server.db_url(&[&id, EVIDENCE_ATTACHMENT]);
            let reply =
                self.server
                    .request(Method::Get, &url, &[], None, MAX_EVIDENCE_BYTES + 1)?;
            match reply.status {
                200 => {}
                404 => continue,
                _ => return Err(self.fail(&reply, &id)),
            }
            self.store
                .evidence()
                .put_reader(&reply.body[..], Some(&sha))
                .map_err(|e| match e {
                    EvidenceError::Io { path, source } => CouchError::Local { path, source },
                    other => refused(format!("{id}: {}", other.message(Lang::En))),
                })?;
            report.evidence_received += 1;
        }
        for (imported, changed) in plans {
            if changed {
                self.store.save(&imported.assessment)?;
            }
            if imported.merge.added > 0 {
                report.assessments.insert(imported.assessment.id.clone());
            }
            report.revisions_added += imported.merge.added;
            report.new_conflicts += imported.merge.new_conflicts;
            report.new_assessments += usize::from(imported.new);
            local.insert(imported.assessment.id.clone(), imported.assessment);
        }
        Ok(())
    }
}
