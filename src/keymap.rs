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
    /// A confirmation before a step that is hard to take back (archive, a whole domain).
    Confirm,
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
    /// How long the footer keeps the hint when the line is too narrow for all of them: 0 is
    /// never dropped (help), 1 is kept longest, higher ranks are dropped first. Bindings
    /// without a hint have rank 9.
    pub rank: u8,
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
    ($modes:expr, $code:expr, $mods:expr, $action:expr, $rank:expr, $hz:expr, $he:expr, $dz:expr, $de:expr) => {
        Binding {
            modes: $modes,
            code: $code,
            mods: $mods,
            action: $action,
            rank: $rank,
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
    bind!(&[Walk], KeyCode::Char('1'), NONE, Action::SetStatus(Status::Compliant), 1, "1已落实", "1 compliant", "标记为已落实,并转到下一项", "Mark compliant and go to the next item"),
    bind!(&[Walk], KeyCode::Char('2'), NONE, Action::SetStatus(Status::Partial), 1, "2部分落实", "2 partial", "标记为部分落实,选好问题类型后转到下一项", "Mark partial, choose the findings, then go to the next item"),
    bind!(&[Walk], KeyCode::Char('3'), NONE, Action::SetStatus(Status::Missing), 1, "3未落实", "3 missing", "标记为未落实,选好问题类型后转到下一项", "Mark missing, choose the findings, then go to the next item"),
    bind!(&[Walk], KeyCode::Char('4'), NONE, Action::SetStatus(Status::NotApplicable), 1, "4不适用", "4 n/a", "标记为不适用,并转到下一项(县级事项自动写明原因)", "Mark not applicable and go to the next item (county-only items get the reason)"),
    bind!(&[Walk], KeyCode::Char('0'), NONE, Action::SetStatus(Status::Unchecked), 9, "", "", "清除状态(未检查)", "Clear the status (unchecked)"),
    bind!(&[Walk], KeyCode::Char('f'), NONE, Action::EditFindings, 2, "f问题", "f findings", "选择问题类型", "Choose finding types"),
    bind!(&[Walk], KeyCode::Char('n'), NONE, Action::BeginEditNote, 2, "n备注", "n note", "编辑备注(可输入中文、粘贴)", "Edit the note (Chinese input and paste work)"),
    bind!(&[Walk], KeyCode::Char('e'), NONE, Action::BeginAddEvidence, 3, "e佐证", "e evidence", "添加佐证:网址、文件路径(记录 SHA-256)或文字", "Add evidence: a URL, a file path (its SHA-256 is recorded) or text"),
    bind!(&[Walk], KeyCode::Char('o'), NONE, Action::OpenEvidence, 9, "", "", "打开本事项的佐证:文件用系统程序查看,网址用浏览器打开", "Open this item's evidence: a file in the system's viewer, a web address in the browser"),
    bind!(&[Walk], KeyCode::Char('E'), NONE, Action::RemoveEvidence, 9, "", "", "删除最后一条佐证", "Remove the last evidence entry"),
    bind!(&[Walk], KeyCode::Char('c'), NONE, Action::EditChannels, 4, "c渠道", "c channels", "记录实际看到的公开渠道", "Record the channels where the item was actually found"),
    bind!(&[Walk], KeyCode::Tab, NONE, Action::NextUnchecked, 2, "Tab未检查", "Tab unchecked", "跳到下一个未检查事项(刚按过状态键时,光标所在的这一项也算)", "Jump to the next unchecked item (right after a status key, the one under the cursor counts)"),
    bind!(&[Walk], KeyCode::BackTab, NONE, Action::PrevUnchecked, 9, "", "", "跳到上一个未检查事项", "Jump to the previous unchecked item"),
    bind!(&[Walk], KeyCode::Char('p'), NONE, Action::NextProblem, 4, "p问题项", "p problem", "跳到下一个有问题的事项", "Jump to the next item with a problem"),
    bind!(&[Walk], KeyCode::Char('v'), NONE, Action::CycleFilter, 5, "v筛选", "v filter", "筛选:全部 / 未检查 / 有问题", "Filter: all / unchecked / problems"),
    bind!(&[Walk], KeyCode::Char('/'), NONE, Action::BeginSearch, 5, "/搜索", "/ search", "搜索事项名称、公开内容、备注和问题类型", "Search item names, content, notes and findings"),
    bind!(&[Walk], KeyCode::Char('u'), NONE, Action::Undo, 4, "u撤销", "u undo", "撤销本次的上一处修改(留痕)", "Undo the last change of this session (kept in history)"),
    bind!(&[Walk, Domains], KeyCode::Char('s'), NONE, Action::ShowSummary, 5, "s汇总", "s summary", "汇总表", "Summary"),
    bind!(&[Start, Domains, Walk, Summary], KeyCode::Char('w'), NONE, Action::SaveElsewhere, 9, "", "", "另存一份到其他位置(保存失败时使用)", "Save a copy elsewhere (when saving fails)"),
    bind!(&[Walk], KeyCode::Char('a'), NONE, Action::AcceptTownship, 1, "a同意", "a agree", "回头看:采纳乡镇的自查结论并转到下一项", "Inspection: take the township's answer and go on"),
    bind!(&[Walk], KeyCode::Char('A'), NONE, Action::AcceptAllTownship, 9, "", "", "回头看:本领域未复查的事项全部采纳乡镇结论", "Inspection: take the township's answers for every item not yet judged here"),
    bind!(&[Walk], KeyCode::Char('t'), NONE, Action::EditTask, 2, "t整改", "t task", "新建或编辑本事项的整改任务", "Create or edit this item's rectification task"),
    bind!(&[Walk, Domains, Summary], KeyCode::Char('T'), NONE, Action::ShowTasks, 6, "T台账", "T ledger", "整改任务一览(整改台账)", "All rectification tasks (ledger)"),
    bind!(&[Summary, Tasks], KeyCode::Char('x'), NONE, Action::BeginExport, 2, "x导出", "x export", "导出报告和整改台账(xlsx/html/csv/md)", "Export the report and ledger (xlsx/html/csv/md)"),
    bind!(&[Walk, Domains, Tasks], KeyCode::Char('C'), NONE, Action::ShowConflict, 1, "C冲突", "C conflict", "查看并处理冲突:同一事项在两台电脑上改得不一样时,并排显示各个版本(谁、何时、哪里不同),采用其中一个或合并", "Show and settle a conflict: the versions made apart, side by side (who, when, what differs); keep one or combine them"),
    // Conflict.
    bind!(&[Conflict], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter采用此版本", "Enter keep this", "采用选中的版本,其余版本作废(留痕)", "Keep the chosen version; the others are superseded (kept in history)"),
    bind!(&[Conflict], KeyCode::Char('m'), NONE, Action::CombineVersions, 1, "m合并", "m combine", "合并:以选中的版本为准,加上其他版本多出的问题类型、佐证和不同的文字", "Combine: the chosen version plus the findings, evidence and differing text of the others"),
    bind!(&[Conflict], KeyCode::Left, NONE, Action::Up, 2, "←→选择", "←→ choose", "上一个版本", "Previous version"),
    bind!(&[Conflict], KeyCode::Right, NONE, Action::Down, 9, "", "", "下一个版本", "Next version"),
    bind!(&[Conflict], KeyCode::Char('h'), NONE, Action::Up, 9, "", "", "上一个版本", "Previous version"),
    bind!(&[Conflict], KeyCode::Char('l'), NONE, Action::Down, 9, "", "", "下一个版本", "Next version"),
    bind!(&[Domains], KeyCode::Char('U'), NONE, Action::UpgradeCatalogues, 2, "U升级目录", "U upgrade", "升级到新版目录:未变的结论保留,变更的事项标记需重新检查,删除的事项保留为已停用", "Upgrade to newer catalogues: unchanged answers stay, changed items are marked for re-check, removed ones are kept as retired"),
    // Start.
    bind!(&[Start], KeyCode::Char('n'), NONE, Action::NewAssessment, 1, "n新建", "n new", "新建自查", "New self-check"),
    bind!(&[Start], KeyCode::Char('r'), NONE, Action::NewInspection, 2, "r回头看", "r inspect", "对选中的自查新建回头看检查", "Start a look-back inspection of the selected self-check"),
    bind!(&[Start], KeyCode::Char('O'), NONE, Action::ShowOverview, 3, "O汇总", "O overview", "各乡镇汇总:进度、落实率、结论不同、整改、冲突、最近交接;回车打开该乡镇的回头看", "Overview of every township: progress, compliance, differing verdicts, tasks, conflicts, last hand-over; Enter opens its inspection"),
    bind!(&[Overview], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter打开", "Enter open", "打开该乡镇的回头看(没有则打开自查)", "Open the township's inspection (else its self-check)"),
    bind!(&[Overview], KeyCode::Char('d'), NONE, Action::ToggleDomain, 2, "d分领域", "d domains", "展开或收起该乡镇的各领域", "Show or hide the township's domains"),
    bind!(&[Overview], KeyCode::Char('l'), NONE, Action::Back, 2, "l全部检查", "l all", "回到全部检查列表", "Back to the list of every assessment"),
    bind!(&[Start, Overview], KeyCode::Char('i'), NONE, Action::BeginImport, 2, "i导入", "i import", "导入交来的数据包(.zwgk)、检查文件(.json)或放数据包的文件夹", "Import a bundle (.zwgk), an assessment file (.json) or a folder of bundles"),
    bind!(&[Start, Domains], KeyCode::Char('b'), NONE, Action::HandOverUp, 3, "b上报", "b send up", "上报:把选中的自查(连同照片等佐证文件)写成一个数据包,放到U盘或共享文件夹交给区县", "Send up: write the chosen self-check, with its evidence files, as one bundle onto a USB stick or shared folder for the county"),
    bind!(&[Start, Domains], KeyCode::Char('b'), NONE, Action::HandOverDown, 3, "b下发", "b send down", "下发:把选中的回头看(结论、整改任务)写成一个数据包交回乡镇", "Send down: write the chosen inspection (verdicts, tasks) as one bundle for the township"),
    bind!(&[Start, Overview], KeyCode::Char('y'), NONE, Action::Sync, 3, "y同步", "y sync", "与服务器同步:上传本机的修改,再下载服务器上的(服务器在数据目录的 couchdb.json 中设置,见 zwgk sync)", "Sync with the server: push this device's changes, then pull the server's (the server is set in the data dir's couchdb.json, see zwgk sync)"),
    bind!(&[Start, Domains, Tasks], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter打开", "Enter open", "打开", "Open"),
    bind!(&[Start, Domains], KeyCode::Char('e'), NONE, Action::EditHeader, 6, "e改信息", "e edit", "修改单位名称、区划代码、所属区县、检查轮次、检查人(留痕)", "Edit the unit, division code, county, round and assessor (kept in history)"),
    bind!(&[Start], KeyCode::Char('c'), NONE, Action::CopyForNextRound, 3, "c下一轮", "c next round", "以选中的自查为底新建下一轮自查:带入各事项的备注和佐证,状态清空", "A self-check for the next round from the selected one: each item's notes and evidence carried, statuses cleared"),
    bind!(&[Start], KeyCode::Char('m'), NONE, Action::BeginMergeDuplicate, 1, "m合并", "m merge", "选中的是同一份检查的另一个文件(手工放进来的副本)时:把它的记录合并进这份检查的文件(与导入同样检查),再把它移到 archive 文件夹(先询问;不删除)", "When the selected row is a second file of an assessment (a copy put in by hand): merge its revisions into the assessment's file (checked as an import is), then move it to the archive folder (asks first; nothing is deleted)"),
    bind!(&[Start], KeyCode::Char('d'), NONE, Action::BeginArchive, 5, "d归档", "d archive", "把选中的检查文件移到数据目录的 archive 文件夹(先询问;不删除,可放回)", "Move the selected assessment's file to the data dir's archive folder (asks first; nothing is deleted)"),
    bind!(&[Domains], KeyCode::Char('1'), NONE, Action::AllCompliant, 3, "1全部已落实", "1 all compliant", "把本领域所有未检查的事项标为已落实(先询问;县级事项除外)", "Mark every unchecked item of the domain compliant (asks first; county-only items left out)"),
    bind!(&[Domains], KeyCode::Char('n'), NONE, Action::EditDomainSummary, 3, "n小结", "n summary", "填写本领域的领域小结", "Write the domain's summary (领域小结)"),
    bind!(&[Domains], KeyCode::Char('+'), NONE, Action::BeginAddDomain, 6, "+加领域", "+ add domain", "添加新建时没有选的领域", "Add domains left out when the assessment was created"),
    // A question.
    bind!(&[Confirm], KeyCode::Char('y'), NONE, Action::Yes, 1, "y确定", "y yes", "确定", "Yes"),
    bind!(&[Confirm], KeyCode::Char('n'), NONE, Action::No, 1, "n取消", "n no", "取消", "No"),
    // New-assessment form.
    bind!(&[Form, TaskForm], KeyCode::Tab, NONE, Action::NextField, 1, "Tab下一栏", "Tab next", "下一栏", "Next field"),
    bind!(&[Form, TaskForm], KeyCode::BackTab, NONE, Action::PrevField, 9, "", "", "上一栏", "Previous field"),
    bind!(&[Form, TaskForm], KeyCode::Down, NONE, Action::NextField, 9, "", "", "下一栏", "Next field"),
    bind!(&[Form, TaskForm], KeyCode::Up, NONE, Action::PrevField, 9, "", "", "上一栏", "Previous field"),
    bind!(&[Form], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter确定", "Enter ok", "确定:新建时接着选择领域,修改检查信息时保存", "OK: for a new assessment, go on to the domains; when editing the details, save"),
    bind!(&[TaskForm], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter保存", "Enter save", "保存整改任务", "Save the task"),
    bind!(&[TaskForm], KeyCode::Char('s'), CTRL, Action::ToggleEntry, 2, "Ctrl-S状态", "Ctrl-S state", "切换整改状态", "Next task state"),
    bind!(&[FormDomains], KeyCode::Char(' '), NONE, Action::ToggleDomain, 1, "Space选择", "Space include", "选中或取消该领域", "Include or leave out the domain"),
    bind!(&[FormDomains, Domains], KeyCode::Char('x'), NONE, Action::ToggleNotInvolved, 2, "x不涉及", "x not involved", "标记该领域不涉及(需填写说明),再按一次撤销", "Mark the domain not involved (with a reason); again to undo"),
    bind!(&[FormDomains], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter创建", "Enter create", "创建并开始检查", "Create and start"),
    // Pickers.
    bind!(&[Picker], KeyCode::Char(' '), NONE, Action::ToggleEntry, 1, "Space勾选", "Space toggle", "勾选或取消", "Toggle"),
    bind!(&[Picker], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter确定", "Enter done", "确定并保存", "Done (saved)"),
    // Text input.
    bind!(&[Editor], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter保存", "Enter save", "保存并关闭", "Save and close"),
    bind!(&[Editor], KeyCode::Char('j'), CTRL, Action::Newline, 2, "Ctrl-J换行", "Ctrl-J newline", "换行", "New line"),
    bind!(&[LineInput], KeyCode::Enter, NONE, Action::Confirm, 1, "Enter确定", "Enter ok", "确定", "Confirm"),
    bind!(TEXT, KeyCode::Backspace, NONE, Action::DeleteBack, 9, "", "", "删除前一个字", "Delete the character before the cursor"),
    bind!(TEXT, KeyCode::Delete, NONE, Action::DeleteForward, 9, "", "", "删除后一个字", "Delete the character after the cursor"),
    bind!(TEXT, KeyCode::Left, NONE, Action::Left, 9, "", "", "光标左移", "Cursor left"),
    bind!(TEXT, KeyCode::Right, NONE, Action::Right, 9, "", "", "光标右移", "Cursor right"),
    bind!(TEXT, KeyCode::Home, NONE, Action::LineStart, 9, "", "", "行首", "Start of line"),
    bind!(TEXT, KeyCode::End, NONE, Action::LineEnd, 9, "", "", "行尾", "End of line"),
    bind!(&[Editor], KeyCode::Up, NONE, Action::Up, 9, "", "", "上一行", "Line up"),
    bind!(&[Editor], KeyCode::Down, NONE, Action::Down, 9, "", "", "下一行", "Line down"),
    // Lists.
    bind!(LISTS, KeyCode::Down, NONE, Action::Down, 9, "", "", "下一项", "Next"),
    bind!(LISTS, KeyCode::Char('j'), NONE, Action::Down, 9, "", "", "下一项", "Next"),
    bind!(LISTS, KeyCode::Up, NONE, Action::Up, 9, "", "", "上一项", "Previous"),
    bind!(LISTS, KeyCode::Char('k'), NONE, Action::Up, 9, "", "", "上一项", "Previous"),
    bind!(LISTS, KeyCode::PageDown, NONE, Action::PageDown, 9, "", "", "下一页", "Page down"),
    bind!(LISTS, KeyCode::PageUp, NONE, Action::PageUp, 9, "", "", "上一页", "Page up"),
    bind!(LISTS, KeyCode::Home, NONE, Action::Home, 9, "", "", "第一项", "First"),
    bind!(LISTS, KeyCode::Char('g'), NONE, Action::Home, 9, "", "", "第一项", "First"),
    bind!(LISTS, KeyCode::End, NONE, Action::End, 9, "", "", "最后一项", "Last"),
    bind!(LISTS, KeyCode::Char('G'), NONE, Action::End, 9, "", "", "最后一项", "Last"),
    bind!(&[Walk], KeyCode::Enter, NONE, Action::Down, 9, "", "", "下一项", "Next"),
    bind!(&[Walk], KeyCode::Char('J'), NONE, Action::ScrollDown, 9, "", "", "右侧详情往下翻(内容多时)", "Scroll the detail pane down (when it holds more)"),
    bind!(&[Walk], KeyCode::Char('K'), NONE, Action::ScrollUp, 9, "", "", "右侧详情往上翻", "Scroll the detail pane up"),
    bind!(&[Summary], KeyCode::Char('J'), NONE, Action::ScrollDown, 9, "", "", "下方的问题列表往下翻", "Scroll the problem list down"),
    bind!(&[Summary], KeyCode::Char('K'), NONE, Action::ScrollUp, 9, "", "", "下方的问题列表往上翻", "Scroll the problem list up"),
    // Everywhere.
    bind!(&[Start, FormDomains, Domains, Walk, Summary, Tasks, Overview], KeyCode::Char('?'), NONE, Action::ShowHelp, 0, "?帮助", "? help", "帮助(按键一览)", "Help (all keys)"),
    bind!(&[Start], KeyCode::Char('q'), NONE, Action::Quit, 3, "q退出", "q quit", "退出(已全部保存)", "Quit (everything is saved)"),
    bind!(&[FormDomains, Domains, Walk, Picker, Summary, Tasks, Overview, Help], KeyCode::Char('q'), NONE, Action::Back, 5, "q返回", "q back", "返回", "Back"),
    bind!(EVERY, KeyCode::Esc, NONE, Action::Back, 3, "Esc返回", "Esc back", "返回;编辑中按 Esc 会保存已输入的文字", "Back; in an editor, Esc keeps what was typed"),
    bind!(EVERY, KeyCode::Char('c'), CTRL, Action::Quit, 9, "", "", "保存并退出", "Save and quit"),
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

/// The keys of two actions in a mode, as people read them: `J/K`.
pub fn key_pair(mode: Mode, a: &Action, b: &Action) -> String {
    let key = |action: &Action| {
        bindings(mode)
            .find(|x| &x.action == action)
            .map(Binding::key_label)
            .unwrap_or_default()
    };
    format!("{}/{}", key(a), key(b))
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
            | Tasks | TaskForm | Conflict | Overview | Confirm | Help => m,
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
            Confirm,
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
    fn status_hints_use_the_words_the_list_shows() {
        for b in BINDINGS {
            let Action::SetStatus(st) = b.action else {
                continue;
            };
            if b.hint_zh.is_empty() {
                continue;
            }
            for lang in [Lang::Zh, Lang::En] {
                let word = crate::ui::strings::strings(lang).status(st);
                assert!(b.hint(lang).ends_with(word), "{:?}: {}", lang, b.hint(lang));
            }
        }
    }

    #[test]
    fn every_footer_hint_has_a_rank_and_help_is_never_dropped() {
        for b in BINDINGS {
            if b.hint_zh.is_empty() {
                assert_eq!(b.rank, 9, "{}", b.help_en);
            } else {
                assert!(b.rank < 9, "{}", b.hint_en);
            }
            assert_eq!(b.rank == 0, b.action == Action::ShowHelp, "{}", b.help_en);
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
