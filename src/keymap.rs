//! The keymap as data: every binding with its mode and its Chinese and English description.
//! The help screen and the footer hints are generated from this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::Action;
use crate::cli::Lang;
use crate::model::status::Status;

/// Which set of bindings is active. Derived from the app state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Start,
    /// The text fields of the new-assessment form.
    Form,
    /// The domain choice of the new-assessment form.
    FormDomains,
    Domains,
    Walk,
    /// The multi-line note editor.
    Editor,
    /// A one-line input: search, evidence, a reason.
    LineInput,
    /// A multi-select list: findings, channels seen.
    Picker,
    Summary,
    /// The rectification tasks (整改台账).
    Tasks,
    /// The rectification-task form.
    TaskForm,
    /// The versions of a document in conflict.
    Conflict,
    /// The county overview.
    Overview,
    Help,
}

/// One key binding.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Where the binding works; empty: everywhere.
    pub modes: &'static [Mode],
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    /// Short label for the footer; empty when the binding is not shown there.
    pub hint_zh: &'static str,
    pub hint_en: &'static str,
    /// Longer description for the help screen.
    pub help_zh: &'static str,
    pub help_en: &'static str,
}

impl Binding {
    /// True when the binding works in `mode`; an empty mode list means every mode.
    pub fn applies(&self, mode: Mode) -> bool {
        self.modes.is_empty() || self.modes.contains(&mode)
    }

    /// The key as shown to people, e.g. `Ctrl-C`, `Enter`, `1`.
    pub fn key_label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }

    pub fn hint(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.hint_zh,
            Lang::En => self.hint_en,
        }
    }

    pub fn help(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.help_zh,
            Lang::En => self.help_en,
        }
    }
}

use Mode::*;

const LISTS: &[Mode] = &[
    Start,
    Overview,
    Conflict,
    FormDomains,
    Domains,
    Walk,
    Picker,
    Summary,
    Tasks,
    Help,
];
const TEXT: &[Mode] = &[Form, Editor, LineInput, TaskForm];
/// Every mode, present and future: for keys that must work everywhere (Esc, Ctrl-C).
const EVERY: &[Mode] = &[];

impl Mode {
    /// True where typed characters are text (the editor, one-line inputs, form fields).
    pub fn is_text(self) -> bool {
        TEXT.contains(&self)
    }
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

macro_rules! bind {
    ($modes:expr, $code:expr, $mods:expr, $action:expr, $hz:expr, $he:expr, $dz:expr, $de:expr) => {
        Binding {
            modes: $modes,
            code: $code,
            mods: $mods,
            action: $action,
            hint_zh: $hz,
            hint_en: $he,
            help_zh: $dz,
            help_en: $de,
        }
    };
}

/// Every binding. Order matters: the first match wins, and hints are shown in this order.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    // Walk: the common case first.
    bind!(&[Walk], KeyCode::Char('1'), NONE, Action::SetStatus(Status::Compliant), "1已落实", "1 done", "标记为已落实,并转到下一项", "Mark compliant and go to the next item"),
    bind!(&[Walk], KeyCode::Char('2'), NONE, Action::SetStatus(Status::Partial), "2部分", "2 partial", "标记为部分落实,并转到下一项", "Mark partial and go to the next item"),
    bind!(&[Walk], KeyCode::Char('3'), NONE, Action::SetStatus(Status::Missing), "3未落实", "3 missing", "标记为未落实,并转到下一项", "Mark missing and go to the next item"),
    bind!(&[Walk], KeyCode::Char('4'), NONE, Action::SetStatus(Status::NotApplicable), "4不适用", "4 n/a", "标记为不适用,并转到下一项", "Mark not applicable and go to the next item"),
    bind!(&[Walk], KeyCode::Char('0'), NONE, Action::SetStatus(Status::Unchecked), "", "", "清除状态(未检查)", "Clear the status (unchecked)"),
    bind!(&[Walk], KeyCode::Char('f'), NONE, Action::EditFindings, "f问题", "f findings", "选择问题类型", "Choose finding types"),
    bind!(&[Walk], KeyCode::Char('n'), NONE, Action::BeginEditNote, "n备注", "n note", "编辑备注(可输入中文、粘贴)", "Edit the note (Chinese input and paste work)"),
    bind!(&[Walk], KeyCode::Char('e'), NONE, Action::BeginAddEvidence, "e佐证", "e evidence", "添加佐证:网址、文件路径(记录 SHA-256)或文字", "Add evidence: a URL, a file path (its SHA-256 is recorded) or text"),
    bind!(&[Walk], KeyCode::Char('o'), NONE, Action::OpenEvidence, "", "", "打开本事项的佐证:文件用系统程序查看,网址用浏览器打开", "Open this item's evidence: a file in the system's viewer, a web address in the browser"),
    bind!(&[Walk], KeyCode::Char('E'), NONE, Action::RemoveEvidence, "", "", "删除最后一条佐证", "Remove the last evidence entry"),
    bind!(&[Walk], KeyCode::Char('c'), NONE, Action::EditChannels, "c渠道", "c channels", "记录实际看到的公开渠道", "Record the channels where the item was actually found"),
    bind!(&[Walk], KeyCode::Tab, NONE, Action::NextUnchecked, "Tab未检查", "Tab unchecked", "跳到下一个未检查事项", "Jump to the next unchecked item"),
    bind!(&[Walk], KeyCode::BackTab, NONE, Action::PrevUnchecked, "", "", "跳到上一个未检查事项", "Jump to the previous unchecked item"),
    bind!(&[Walk], KeyCode::Char('p'), NONE, Action::NextProblem, "p问题项", "p problem", "跳到下一个有问题的事项", "Jump to the next item with a problem"),
    bind!(&[Walk], KeyCode::Char('v'), NONE, Action::CycleFilter, "v筛选", "v filter", "筛选:全部 / 未检查 / 有问题", "Filter: all / unchecked / problems"),
    bind!(&[Walk], KeyCode::Char('/'), NONE, Action::BeginSearch, "/搜索", "/ search", "搜索事项名称和公开内容", "Search item names and content"),
    bind!(&[Walk], KeyCode::Char('u'), NONE, Action::Undo, "u撤销", "u undo", "撤销本次的上一处修改(留痕)", "Undo the last change of this session (kept in history)"),
    bind!(&[Walk, Domains], KeyCode::Char('s'), NONE, Action::ShowSummary, "s汇总", "s summary", "汇总表", "Summary"),
    bind!(&[Start, Domains, Walk, Summary], KeyCode::Char('w'), NONE, Action::SaveElsewhere, "", "", "另存一份到其他位置(保存失败时使用)", "Save a copy elsewhere (when saving fails)"),
    bind!(&[Walk], KeyCode::Char('a'), NONE, Action::AcceptTownship, "a同意", "a agree", "回头看:采纳乡镇的自查结论并转到下一项", "Inspection: take the township's answer and go on"),
    bind!(&[Walk], KeyCode::Char('A'), NONE, Action::AcceptAllTownship, "", "", "回头看:本领域未复查的事项全部采纳乡镇结论", "Inspection: take the township's answers for every item not yet judged here"),
    bind!(&[Walk], KeyCode::Char('t'), NONE, Action::EditTask, "t整改", "t task", "新建或编辑本事项的整改任务", "Create or edit this item's rectification task"),
    bind!(&[Walk, Domains, Summary], KeyCode::Char('T'), NONE, Action::ShowTasks, "T台账", "T ledger", "整改任务一览(整改台账)", "All rectification tasks (ledger)"),
    bind!(&[Summary, Tasks], KeyCode::Char('x'), NONE, Action::BeginExport, "x导出", "x export", "导出报告和整改台账(xlsx/html/csv/md)", "Export the report and ledger (xlsx/html/csv/md)"),
    bind!(&[Walk, Domains, Tasks], KeyCode::Char('C'), NONE, Action::ShowConflict, "C冲突", "C conflict", "查看并处理冲突:同一事项在两台电脑上改得不一样时,并排显示各个版本(谁、何时、哪里不同),采用其中一个或合并", "Show and settle a conflict: the versions made apart, side by side (who, when, what differs); keep one or combine them"),
    // Conflict.
    bind!(&[Conflict], KeyCode::Enter, NONE, Action::Confirm, "Enter采用此版本", "Enter keep this", "采用选中的版本,其余版本作废(留痕)", "Keep the chosen version; the others are superseded (kept in history)"),
    bind!(&[Conflict], KeyCode::Char('m'), NONE, Action::CombineVersions, "m合并", "m combine", "合并:以选中的版本为准,加上其他版本多出的问题类型、佐证和不同的文字", "Combine: the chosen version plus the findings, evidence and differing text of the others"),
    bind!(&[Conflict], KeyCode::Left, NONE, Action::Up, "←→选择", "←→ choose", "上一个版本", "Previous version"),
    bind!(&[Conflict], KeyCode::Right, NONE, Action::Down, "", "", "下一个版本", "Next version"),
    bind!(&[Conflict], KeyCode::Char('h'), NONE, Action::Up, "", "", "上一个版本", "Previous version"),
    bind!(&[Conflict], KeyCode::Char('l'), NONE, Action::Down, "", "", "下一个版本", "Next version"),
    bind!(&[Domains], KeyCode::Char('U'), NONE, Action::UpgradeCatalogues, "U升级目录", "U upgrade", "升级到新版目录:未变的结论保留,变更的事项标记需重新检查,删除的事项保留为已停用", "Upgrade to newer catalogues: unchanged answers stay, changed items are marked for re-check, removed ones are kept as retired"),
    // Start.
    bind!(&[Start], KeyCode::Char('n'), NONE, Action::NewAssessment, "n新建", "n new", "新建自查", "New self-check"),
    bind!(&[Start], KeyCode::Char('r'), NONE, Action::NewInspection, "r回头看", "r inspect", "对选中的自查新建回头看检查", "Start a look-back inspection of the selected self-check"),
    bind!(&[Start], KeyCode::Char('O'), NONE, Action::ShowOverview, "O汇总", "O overview", "各乡镇汇总:进度、落实率、结论不同、整改、冲突、最近交接;回车打开该乡镇的回头看", "Overview of every township: progress, compliance, differing verdicts, tasks, conflicts, last hand-over; Enter opens its inspection"),
    bind!(&[Overview], KeyCode::Enter, NONE, Action::Confirm, "Enter打开", "Enter open", "打开该乡镇的回头看(没有则打开自查)", "Open the township's inspection (else its self-check)"),
    bind!(&[Overview], KeyCode::Char('d'), NONE, Action::ToggleDomain, "d分领域", "d domains", "展开或收起该乡镇的各领域", "Show or hide the township's domains"),
    bind!(&[Overview], KeyCode::Char('l'), NONE, Action::Back, "l全部检查", "l all", "回到全部检查列表", "Back to the list of every assessment"),
    bind!(&[Start, Overview], KeyCode::Char('i'), NONE, Action::BeginImport, "i导入", "i import", "导入交来的数据包(.zwgk)、检查文件(.json)或放数据包的文件夹", "Import a bundle (.zwgk), an assessment file (.json) or a folder of bundles"),
    bind!(&[Start, Domains], KeyCode::Char('b'), NONE, Action::HandOverUp, "b上报", "b send up", "上报:把选中的自查(连同照片等佐证文件)写成一个数据包,放到U盘或共享文件夹交给区县", "Send up: write the chosen self-check, with its evidence files, as one bundle onto a USB stick or shared folder for the county"),
    bind!(&[Start, Domains], KeyCode::Char('b'), NONE, Action::HandOverDown, "b下发", "b send down", "下发:把选中的回头看(结论、整改任务)写成一个数据包交回乡镇", "Send down: write the chosen inspection (verdicts, tasks) as one bundle for the township"),
    bind!(&[Start, Overview], KeyCode::Char('y'), NONE, Action::Sync, "y同步", "y sync", "与服务器同步:上传本机的修改,再下载服务器上的(服务器在数据目录的 couchdb.json 中设置,见 zwgk sync)", "Sync with the server: push this device's changes, then pull the server's (the server is set in the data dir's couchdb.json, see zwgk sync)"),
    bind!(&[Start, Domains, Tasks], KeyCode::Enter, NONE, Action::Confirm, "Enter打开", "Enter open", "打开", "Open"),
    // New-assessment form.
    bind!(&[Form, TaskForm], KeyCode::Tab, NONE, Action::NextField, "Tab下一栏", "Tab next", "下一栏", "Next field"),
    bind!(&[Form, TaskForm], KeyCode::BackTab, NONE, Action::PrevField, "", "", "上一栏", "Previous field"),
    bind!(&[Form, TaskForm], KeyCode::Down, NONE, Action::NextField, "", "", "下一栏", "Next field"),
    bind!(&[Form, TaskForm], KeyCode::Up, NONE, Action::PrevField, "", "", "上一栏", "Previous field"),
    bind!(&[Form], KeyCode::Enter, NONE, Action::Confirm, "Enter继续", "Enter continue", "继续(填完后选择领域)", "Continue (then choose domains)"),
    bind!(&[TaskForm], KeyCode::Enter, NONE, Action::Confirm, "Enter保存", "Enter save", "保存整改任务", "Save the task"),
    bind!(&[TaskForm], KeyCode::Char('s'), CTRL, Action::ToggleEntry, "Ctrl-S状态", "Ctrl-S state", "切换整改状态", "Next task state"),
    bind!(&[FormDomains], KeyCode::Char(' '), NONE, Action::ToggleDomain, "Space选择", "Space include", "选中或取消该领域", "Include or leave out the domain"),
    bind!(&[FormDomains, Domains], KeyCode::Char('x'), NONE, Action::ToggleNotInvolved, "x不涉及", "x not involved", "标记该领域不涉及(需填写说明),再按一次撤销", "Mark the domain not involved (with a reason); again to undo"),
    bind!(&[FormDomains], KeyCode::Enter, NONE, Action::Confirm, "Enter创建", "Enter create", "创建并开始检查", "Create and start"),
    // Pickers.
    bind!(&[Picker], KeyCode::Char(' '), NONE, Action::ToggleEntry, "Space勾选", "Space toggle", "勾选或取消", "Toggle"),
    bind!(&[Picker], KeyCode::Enter, NONE, Action::Confirm, "Enter确定", "Enter done", "确定并保存", "Done (saved)"),
    // Text input.
    bind!(&[Editor], KeyCode::Enter, NONE, Action::Confirm, "Enter保存", "Enter save", "保存并关闭", "Save and close"),
    bind!(&[Editor], KeyCode::Char('j'), CTRL, Action::Newline, "Ctrl-J换行", "Ctrl-J newline", "换行", "New line"),
    bind!(&[LineInput], KeyCode::Enter, NONE, Action::Confirm, "Enter确定", "Enter ok", "确定", "Confirm"),
    bind!(TEXT, KeyCode::Backspace, NONE, Action::DeleteBack, "", "", "删除前一个字", "Delete the character before the cursor"),
    bind!(TEXT, KeyCode::Delete, NONE, Action::DeleteForward, "", "", "删除后一个字", "Delete the character after the cursor"),
    bind!(TEXT, KeyCode::Left, NONE, Action::Left, "", "", "光标左移", "Cursor left"),
    bind!(TEXT, KeyCode::Right, NONE, Action::Right, "", "", "光标右移", "Cursor right"),
    bind!(TEXT, KeyCode::Home, NONE, Action::LineStart, "", "", "行首", "Start of line"),
    bind!(TEXT, KeyCode::End, NONE, Action::LineEnd, "", "", "行尾", "End of line"),
    bind!(&[Editor], KeyCode::Up, NONE, Action::Up, "", "", "上一行", "Line up"),
    bind!(&[Editor], KeyCode::Down, NONE, Action::Down, "", "", "下一行", "Line down"),
    // Lists.
    bind!(LISTS, KeyCode::Down, NONE, Action::Down, "", "", "下一项", "Next"),
    bind!(LISTS, KeyCode::Char('j'), NONE, Action::Down, "", "", "下一项", "Next"),
    bind!(LISTS, KeyCode::Up, NONE, Action::Up, "", "", "上一项", "Previous"),
    bind!(LISTS, KeyCode::Char('k'), NONE, Action::Up, "", "", "上一项", "Previous"),
    bind!(LISTS, KeyCode::PageDown, NONE, Action::PageDown, "", "", "下一页", "Page down"),
    bind!(LISTS, KeyCode::PageUp, NONE, Action::PageUp, "", "", "上一页", "Page up"),
    bind!(LISTS, KeyCode::Home, NONE, Action::Home, "", "", "第一项", "First"),
    bind!(LISTS, KeyCode::Char('g'), NONE, Action::Home, "", "", "第一项", "First"),
    bind!(LISTS, KeyCode::End, NONE, Action::End, "", "", "最后一项", "Last"),
    bind!(LISTS, KeyCode::Char('G'), NONE, Action::End, "", "", "最后一项", "Last"),
    bind!(&[Walk], KeyCode::Enter, NONE, Action::Down, "", "", "下一项", "Next"),
    // Everywhere.
    bind!(&[Start, FormDomains, Domains, Walk, Summary, Tasks, Overview], KeyCode::Char('?'), NONE, Action::ShowHelp, "?帮助", "? help", "帮助(按键一览)", "Help (all keys)"),
    bind!(&[Start], KeyCode::Char('q'), NONE, Action::Quit, "q退出", "q quit", "退出(已全部保存)", "Quit (everything is saved)"),
    bind!(&[FormDomains, Domains, Walk, Picker, Summary, Tasks, Overview, Help], KeyCode::Char('q'), NONE, Action::Back, "q返回", "q back", "返回", "Back"),
    bind!(EVERY, KeyCode::Esc, NONE, Action::Back, "Esc返回", "Esc back", "返回;编辑中按 Esc 会保存已输入的文字", "Back; in an editor, Esc keeps what was typed"),
    bind!(EVERY, KeyCode::Char('c'), CTRL, Action::Quit, "", "", "保存并退出", "Save and quit"),
];

/// The action for a key in a mode. In text modes, printable characters become `Insert`.
pub fn resolve(mode: Mode, key: KeyEvent) -> Option<Action> {
    // Shift is part of the character itself (G, ?, E); ignore it when matching.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    if let Some(b) = BINDINGS
        .iter()
        .find(|b| b.code == key.code && b.mods == mods && b.applies(mode))
    {
        return Some(b.action.clone());
    }
    if mode.is_text()
        && let KeyCode::Char(c) = key.code
        && !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return Some(Action::Insert(c));
    }
    None
}

/// The bindings of a mode, in table order.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.applies(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_and_ctrl_c_work_in_every_mode() {
        // The exhaustive match makes a new mode fail to compile here until it is listed below.
        let listed = |m: Mode| match m {
            Start | Form | FormDomains | Domains | Walk | Editor | LineInput | Picker | Summary
            | Tasks | TaskForm | Conflict | Overview | Help => m,
        };
        let modes = [
            Start,
            Form,
            FormDomains,
            Domains,
            Walk,
            Editor,
            LineInput,
            Picker,
            Summary,
            Tasks,
            TaskForm,
            Conflict,
            Overview,
            Help,
        ];
        for m in modes.map(listed) {
            let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
            let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
            assert_eq!(resolve(m, esc), Some(Action::Back), "{m:?}");
            assert_eq!(resolve(m, ctrl_c), Some(Action::Quit), "{m:?}");
        }
    }

    #[test]
    fn typing_in_text_modes_inserts_even_letters_bound_elsewhere() {
        let n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE);
        assert_eq!(resolve(Walk, n), Some(Action::BeginEditNote));
        assert_eq!(resolve(Editor, n), Some(Action::Insert('n')));
        assert_eq!(resolve(TaskForm, n), Some(Action::Insert('n')));
    }
}
