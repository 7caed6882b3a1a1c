//! Settling conflicts: the versions of one document made apart, side by side; the person keeps
//! one or combines them, and that choice is one revision that supersedes the others.

use crate::action::{Action, Effect};
use crate::model::doc::{DocKey, DocKind};
use crate::state::{App, ConflictView, Screen};
use crate::ui::strings::strings;

use super::walk::current_ids;
use super::{Ctx, author, move_cursor};

/// The document `C` is about on the current screen, if it has a conflict: the walk's item
/// (its result, else its task, else the response), the ledger's task, the domains screen's
/// domain — or, on the domains screen, the first document of the assessment in conflict.
fn target(app: &App) -> Option<DocKey> {
    let a = &app.open.as_ref()?.assessment;
    let item_docs = |c: &str, i: &str| -> Vec<DocKey> {
        [DocKind::Result, DocKind::Task, DocKind::Response]
            .into_iter()
            .map(|k| DocKey::item(k, c, i))
            .collect()
    };
    let candidates: Vec<DocKey> = match &app.screen {
        Screen::Walk(_) => {
            let (c, i) = current_ids(app)?;
            item_docs(&c, &i)
        }
        Screen::Tasks(v) => {
            let t = app.tasks();
            let t = t.get(v.cursor)?;
            item_docs(&t.spec.checklist, &t.spec.item)
        }
        Screen::Domains(v) => {
            let mut keys: Vec<DocKey> = app
                .domains()
                .get(v.cursor)
                .map(|d| DocKey::domain(&d.checklist))
                .into_iter()
                .collect();
            keys.extend(a.docs.conflicted().map(|(k, _)| k.clone()));
            keys
        }
        _ => Vec::new(),
    };
    candidates.into_iter().find(|k| a.has_conflict(k))
}

/// `C`: opens the versions of the document in conflict here, or says there is none.
pub(super) fn show(app: &mut App) -> Vec<Effect> {
    match target(app) {
        Some(key) => app.conflict = Some(ConflictView { key, cursor: 0 }),
        None => app.message = Some(strings(app.lang).no_conflict_here.to_string()),
    }
    Vec::new()
}

/// Keys while the versions are shown.
pub(super) fn handle(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let Some(view) = app.conflict.clone() else {
        return Vec::new();
    };
    let versions = app
        .open
        .as_ref()
        .and_then(|s| s.assessment.docs.get(&view.key))
        .map_or(0, |d| d.versions().len());
    if let Some(v) = app.conflict.as_mut()
        && move_cursor(&mut v.cursor, versions, &action, 1)
    {
        return Vec::new();
    }
    match action {
        Action::Back => {
            app.conflict = None;
            Vec::new()
        }
        Action::Confirm => settle(app, &view, false, ctx),
        Action::CombineVersions => settle(app, &view, true, ctx),
        _ => Vec::new(),
    }
}

/// Resolves the conflict with the chosen version (combined with the others when `combine`).
fn settle(app: &mut App, view: &ConflictView, combine: bool, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    if app.is_read_only() {
        app.message = Some(s.read_only_no_change.to_string());
        return Vec::new();
    }
    if !app.may(view.key.kind) {
        app.message = Some(s.conflict_other_side.to_string());
        return Vec::new();
    }
    let author = author(app);
    let Some(session) = app.open.as_mut() else {
        return Vec::new();
    };
    let a = &mut session.assessment;
    let Some(doc) = a.docs.get(&view.key) else {
        app.conflict = None;
        return Vec::new();
    };
    let versions = doc.versions();
    let Some(chosen) = versions.get(view.cursor) else {
        return Vec::new();
    };
    let body = if combine {
        let others: Vec<_> = versions
            .iter()
            .filter(|v| v.rev != chosen.rev)
            .map(|v| &v.body)
            .collect();
        chosen.body.combine(&others)
    } else {
        chosen.body.clone()
    };
    let keep = chosen.rev.clone();
    let count = versions.len();
    match a.resolve(&view.key, &keep, body, author, ctx.now_millis) {
        Ok(_) => {
            app.conflict = None;
            app.message = Some(if combine {
                format!("{} {count} {}", s.conflict_combined, s.conflict_versions)
            } else {
                format!("{} {}", s.conflict_kept, view.cursor + 1)
            });
            vec![Effect::Save]
        }
        Err(e) => {
            app.message = Some(e.message(app.lang));
            Vec::new()
        }
    }
}
