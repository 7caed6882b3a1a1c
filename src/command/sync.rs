//! `zwgk sync [URL]`, `zwgk sync push|pull|setup [URL]`: replication with a CouchDB server.
//! Progress goes to standard error, the summary to standard output.

use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK};
use crate::cli::{Lang, SyncCommand};
use crate::model::revision::Role;
use crate::sync::couch::client::{Server, Timeouts};
use crate::sync::couch::config::{self, Resolved};
use crate::sync::couch::{CouchError, Progress, Replicator, Report};

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Both,
    Push,
    Pull,
    Setup,
}

/// Runs `zwgk sync …`. `env` reads an environment variable.
#[allow(clippy::too_many_arguments)] // the command's inputs, each distinct; called from main
pub fn run(
    dir: &Path,
    action: Option<&SyncCommand>,
    url: Option<&str>,
    role: Role,
    lang: Lang,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let (way, url) = match action {
        None => (Way::Both, url),
        Some(SyncCommand::Push { url }) => (Way::Push, url.as_deref()),
        Some(SyncCommand::Pull { url }) => (Way::Pull, url.as_deref()),
        Some(SyncCommand::Setup { url }) => (Way::Setup, url.as_deref()),
    };
    let resolved = match config::resolve(dir, url, env) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "{}", e.message(lang))?;
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let mut last = Instant::now();
    let mut progress = |p: &Progress| {
        if last.elapsed() < Duration::from_secs(1) && p.done > 0 {
            return;
        }
        last = Instant::now();
        let _ = writeln!(io::stderr(), "{}", progress_line(p, lang));
    };
    match perform(dir, &resolved, way, role, lang, &mut progress) {
        Ok(text) => {
            writeln!(out, "{text}")?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            writeln!(err, "{}", e.message(lang))?;
            Ok(EXIT_FAILURE)
        }
    }
}

/// One progress line.
pub fn progress_line(p: &Progress, lang: Lang) -> String {
    let mb = (p.stats.bytes_sent + p.stats.bytes_received) as f64 / 1_048_576.0;
    match (lang, p.pushing) {
        (Lang::Zh, true) => format!(
            "正在上传:已比对 {}/{} 个文档,{} 次请求,{mb:.1} MB",
            p.done, p.total, p.stats.requests
        ),
        (Lang::Zh, false) => format!(
            "正在下载:已读 {} 条变更,{} 次请求,{mb:.1} MB",
            p.done, p.stats.requests
        ),
        (Lang::En, true) => format!(
            "pushing: {}/{} documents compared, {} requests, {mb:.1} MB",
            p.done, p.total, p.stats.requests
        ),
        (Lang::En, false) => format!(
            "pulling: {} changes read, {} requests, {mb:.1} MB",
            p.done, p.stats.requests
        ),
    }
}

/// Does the work and returns the summary line. Shared by the command and the app's key.
pub fn perform(
    dir: &Path,
    resolved: &Resolved,
    way: Way,
    role: Role,
    lang: Lang,
    progress: &mut dyn FnMut(&Progress),
) -> Result<String, CouchError> {
    let server = Server::new(
        resolved.url.clone(),
        resolved.credentials.as_ref(),
        Timeouts::default(),
    );
    if way == Way::Setup {
        // Setup changes only the server: it needs no data directory and remembers nothing
        // (it is run with an administrator's account, often on another machine).
        let mut store = crate::store::Store::open_read_only(dir)?;
        let now_fn = crate::clock::now_millis;
        let mut r = Replicator::new(server, &mut store, role, &now_fn, progress);
        let s = r.setup()?;
        let label = r.server.label();
        return Ok(setup_message(&label, &s, lang));
    }
    let now = crate::clock::now_millis();
    let mut store = crate::store::Store::open(dir, &crate::clock::rfc3339(now))?;
    let report = replicate(&mut store, server, way, role, progress)?;
    config::remember(dir, resolved)?;
    Ok(report.message(lang))
}

/// Pushes, pulls or both between an open data directory and `server`.
pub fn replicate(
    store: &mut crate::store::Store,
    server: Server,
    way: Way,
    role: Role,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report, CouchError> {
    let now_fn = crate::clock::now_millis;
    let mut r = Replicator::new(server, store, role, &now_fn, progress);
    let (push, pull) = match way {
        Way::Push => (Some(r.push()?), None),
        Way::Pull => (None, Some(r.pull()?)),
        _ => return r.sync(),
    };
    Ok(Report {
        server: r.server.label(),
        push,
        pull,
        stats: r.server.stats(),
    })
}

/// The app's sync key: push and pull with the server of `couchdb.json` (credentials from the
/// environment or that file). Returns the assessments that changed here, as they now are,
/// and the summary line; or the message of what went wrong.
pub fn replicate_configured(
    store: &mut crate::store::Store,
    role: Role,
    lang: Lang,
) -> Result<(Vec<crate::model::assessment::Assessment>, String), String> {
    let env = |k: &str| std::env::var(k).ok();
    let resolved = config::resolve(store.root(), None, &env).map_err(|e| e.message(lang))?;
    let server = Server::new(
        resolved.url.clone(),
        resolved.credentials.as_ref(),
        Timeouts::default(),
    );
    let report =
        replicate(store, server, Way::Both, role, &mut |_| {}).map_err(|e| e.message(lang))?;
    let changed = report
        .pull
        .iter()
        .flat_map(|p| p.assessments.iter())
        .filter_map(|id| crate::store::load_own(&store.assessment_path(id)).ok())
        .collect();
    Ok((changed, report.message(lang)))
}

fn setup_message(server: &str, s: &crate::sync::couch::SetupReport, lang: Lang) -> String {
    let yes_no = |b: bool, zh_yes: &str, zh_no: &str, en_yes: &str, en_no: &str| match (lang, b) {
        (Lang::Zh, true) => zh_yes.to_string(),
        (Lang::Zh, false) => zh_no.to_string(),
        (Lang::En, true) => en_yes.to_string(),
        (Lang::En, false) => en_no.to_string(),
    };
    format!(
        "{server}: {};{};{}",
        yes_no(
            s.created,
            "已建库",
            "数据库已存在",
            "database created",
            "database exists"
        ),
        yes_no(
            s.design_installed,
            "已安装权限规则 _design/zwgk",
            "权限规则 _design/zwgk 已是最新",
            "role rule _design/zwgk installed",
            "role rule _design/zwgk up to date"
        ),
        yes_no(
            s.security_changed,
            "已设置 _security(成员角色 zwgk,管理角色 zwgk_admin)",
            "_security 已包含 zwgk 角色",
            "_security set (members: role zwgk; admins: role zwgk_admin)",
            "_security already has the zwgk roles"
        ),
    )
}
