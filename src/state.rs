//! The application state. Only `update` changes it; views read it.

use crate::cli::Lang;
use crate::editor::TextInput;
use crate::keymap::Mode;
use crate::library::Library;
use crate::model::assessment::{Assessment, DomainChoice, Evidence, ItemResult, Kind, TaskView};
use crate::model::catalogue::Item;
use crate::model::doc::DocKind;
use crate::model::rectification::{TaskResponse, TaskSpec, TaskState};
use crate::model::revision::Role;
use crate::model::status::{Status, Tally};

/// Everything the app knows.
#[derive(Debug)]
pub struct App {
    pub lang: Lang,
    pub library: Library,
    /// This device's id, recorded in every revision.
    pub device: String,
    /// The name of the person using this device, recorded in every revision (from the
    /// device file or `--user`); asked for when an assessment someone else made is changed.
    pub user: Option<String>,
    pub screen: Screen,
    /// The help overlay, showing the bindings of this mode.
    pub help: Option<Mode>,
    /// First help line shown (the view clamps it).
    pub help_offset: usize,
    /// Assessments of the data directory, for the start screen.
    pub listing: Vec<Listing>,
    pub start_cursor: usize,
    /// The assessment being worked on.
    pub open: Option<Session>,
    /// When the open assessment was last saved (display text).
    pub saved_at: Option<String>,
    /// Why the last save failed; cleared by the next successful save.
    pub save_error: Option<String>,
    /// A one-off message for the status line.
    pub message: Option<String>,
    /// Rows of the list area, for paging (set from the terminal size).
    pub page: usize,
    /// Width of the terminal, for the editor's line movement.
    pub width: u16,
    /// Height of the terminal, for scrolling panes by what they show.
    pub height: u16,
    /// Another zwgk holds the data directory: look, but change nothing.
    pub read_only: bool,
    /// A one-line question over any screen: a path to save a copy to, or to import.
    pub prompt: Option<Prompt>,
    /// A yes/no question over any screen (archive a file, mark a whole domain 已落实, open
    /// the inspection already made, a task on an item judged 已落实).
    pub confirm: Option<Confirmation>,
    /// Where the clerk stopped in each assessment (by id): the domain and, per domain, the
    /// item. Kept for the session and in a small file of the data dir (not in the assessment).
    pub places: crate::store::places::Places,
    /// A new-assessment form left with Esc, with what was typed: `n` brings it back.
    pub form_draft: Option<Box<NewForm>>,
    /// The rectification-task form, over the walk or the task list.
    pub task_form: Option<TaskForm>,
    /// Concurrent versions of one document, side by side, over any screen of an assessment.
    pub conflict: Option<ConflictView>,
    /// Who uses this device: township (self-check, 整改情况) or county (inspection, tasks).
    pub role: Role,
    /// Today in China time, `YYYY-MM-DD` (set by the runtime), for overdue tasks.
    pub today: String,
    /// The folder the last bundle was written to (offered again).
    pub bundle_folder: String,
    /// What this device sent and received (hand-over status on the start screen).
    pub hand_over: crate::sync::state::SyncState,
    /// Where catalogues are loaded from besides the shipped ones (to reload after an import).
    pub catalogue_dirs: Vec<std::path::PathBuf>,
    /// The CouchDB database this data directory syncs with (`couchdb.json`), if one is set:
    /// then `y` syncs.
    pub sync_server: Option<String>,
    /// Files of the start screen that hold the same assessment as another file (a copy dropped
    /// into `assessments/` by hand): listed, never written, offered to merge (`m`).
    pub duplicates: Vec<Duplicate>,
}

/// A second file of one assessment (see [`crate::store::StoreError::SameId`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The copy, as its row of the start screen names it ([`Listing::path`]).
    pub path: String,
    /// The assessment both files hold.
    pub id: String,
    /// The file that is the assessment.
    pub owner: String,
}

impl Duplicate {
    /// The copy's file name.
    pub fn copy_name(&self) -> String {
        file_name(&self.path)
    }

    /// The file name of the file that is the assessment.
    pub fn owner_name(&self) -> String {
        file_name(&self.owner)
    }

    /// "unit · round" of the assessment, as its row of `listing` shows it (else its id).
    pub fn label(&self, listing: &[Listing]) -> String {
        listing
            .iter()
            .find_map(|l| match &l.assessment {
                Ok(a) if l.path == self.owner => Some(format!("{} · {}", a.unit().name, a.round())),
                _ => None,
            })
            .unwrap_or_else(|| self.id.clone())
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// A yes/no question and what `y` (and perhaps `n`) does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub question: String,
    pub on_yes: Pending,
    /// What `n` does; `None`: nothing (like Esc).
    pub on_no: Option<Pending>,
}

/// What waits for a yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Move the file of this assessment (id, or file stem of an unreadable file) to `archive/`.
    Archive(String),
    /// Mark these items of this catalogue 已落实.
    AllCompliant {
        checklist: String,
        items: Vec<String>,
    },
    /// Open the inspection with this id (`r` on a self-check that has one here).
    OpenInspection(String),
    /// Start a new inspection of the self-check under the start cursor.
    NewInspection,
    /// Merge the second file of an assessment (this path) into its file, then archive it.
    MergeDuplicate(String),
    /// Open the task form on the item under the cursor (a task on an item judged 已落实).
    TaskForm,
}

/// What a prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptPurpose {
    /// A path to write a copy of the open assessment to.
    SaveCopy,
    /// A path of an assessment file to import.
    Import,
    /// A file to export the report and ledger, or the check table, to (the extension picks
    /// the format).
    Export(crate::cli::ReportKind),
    /// A folder to write a hand-over bundle of the chosen assessment into (a USB stick).
    Bundle,
    /// The name of the person using this device (asked once, before the first change to an
    /// assessment the other side made).
    UserName,
}

/// A one-line question.
#[derive(Debug)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub input: TextInput,
}

/// Field indices of the task form.
pub const TASK_DESCRIPTION: usize = 0;
pub const TASK_REQUIREMENT: usize = 1;
pub const TASK_UNIT: usize = 2;
pub const TASK_PERSON: usize = 3;
pub const TASK_DEADLINE: usize = 4;
pub const TASK_RESPONSE: usize = 5;
pub const TASK_COMPLETED: usize = 6;
/// 整改佐证: what is typed here (a URL, a file path, a text) is added with Enter.
pub const TASK_EVIDENCE: usize = 7;
/// 复核意见 (or why the task is withdrawn): the inspector's.
pub const TASK_REVIEW: usize = 8;
/// The state "field" after the text fields.
pub const TASK_STATE: usize = 9;

/// Which document a task-form field belongs to (`None`: the state, which both sides set).
pub fn task_field_doc(field: usize) -> Option<DocKind> {
    match field {
        TASK_RESPONSE | TASK_COMPLETED | TASK_EVIDENCE => Some(DocKind::Response),
        TASK_STATE => None,
        _ => Some(DocKind::Task),
    }
}

/// Why a task form waits for evidence being resolved before it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Enter or Esc: save with the rules, once the typed evidence is in.
    Save,
    /// Quitting: save whatever is there, rules or not.
    Quit,
}

/// The rectification-task form: the inspector's part and the township's response side by
/// side; each role edits only its own part.
#[derive(Debug)]
pub struct TaskForm {
    /// Catalogue and item of the task.
    pub checklist: String,
    pub item: String,
    /// The task as it was when the form opened (its findings are kept).
    pub spec: TaskSpec,
    /// The response as it was (its evidence is kept).
    pub response: Option<TaskResponse>,
    /// 问题描述, 整改要求, 责任单位, 责任人, 整改时限, 整改情况, 完成日期, 整改佐证 (being
    /// typed), 复核意见.
    pub fields: [TextInput; 9],
    /// The texts the fields had when the form opened: a form nobody typed in is not saved.
    pub opened: [String; 9],
    pub state: TaskState,
    /// 整改佐证 as it will be saved: the response's, and what was added here.
    pub evidence: Vec<Evidence>,
    pub focus: usize,
    pub error: Option<String>,
    /// A deadline before today the user was warned about (saved when confirmed).
    pub warned_deadline: Option<String>,
    /// Set while typed evidence is being resolved before the form closes.
    pub closing: Option<Closing>,
}

impl TaskForm {
    /// True when nothing was typed, chosen or added since the form opened.
    pub fn untouched(&self) -> bool {
        let state = crate::model::rectification::task_state(&self.spec, self.response.as_ref());
        let evidence: &[Evidence] = self.response.as_ref().map_or(&[], |r| &r.evidence);
        self.fields
            .iter()
            .zip(&self.opened)
            .all(|(f, o)| f.text() == o)
            && self.state == state
            && self.evidence == evidence
    }
}

/// The township's answer to one item, beside an inspection's verdict.
#[derive(Debug, Clone, Copy)]
pub struct TownshipView<'a> {
    /// As the inspector reviewed it (`None`: not answered then).
    pub reviewed: Option<&'a ItemResult>,
    /// As it is now.
    pub current: Option<&'a ItemResult>,
    /// True when the township changed its answer after the inspector saw it (自查已修改).
    pub changed: bool,
}

/// The versions of one document that wait for a decision (冲突), for a person to keep one or
/// combine them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictView {
    pub key: crate::model::doc::DocKey,
    /// The version under the cursor (0: the one currently shown everywhere).
    pub cursor: usize,
}

/// One assessment file of the data directory.
#[derive(Debug, Clone)]
pub struct Listing {
    pub path: String,
    /// The assessment, or why it could not be read.
    pub assessment: Result<Assessment, String>,
    /// When the file cannot be read: its `.bak`, if that one can.
    pub backup: Option<Assessment>,
}

#[derive(Debug)]
pub enum Screen {
    Start,
    New(Box<NewForm>),
    Domains(DomainsView),
    Walk(Walk),
    Summary(SummaryView),
    Tasks(TasksView),
    /// The county overview: per township (and its domains) across the assessments here.
    Overview(OverviewView),
}

/// The overview screen.
#[derive(Debug, Default)]
pub struct OverviewView {
    pub cursor: usize,
    /// One row per township, computed when the screen opens.
    pub rows: Vec<crate::overview::UnitRow>,
    /// Show the domains of the township under the cursor.
    pub expanded: bool,
}

/// The list of rectification tasks (整改台账).
#[derive(Debug, Default)]
pub struct TasksView {
    pub cursor: usize,
}

/// The new-assessment form.
#[derive(Debug)]
pub struct NewForm {
    /// unit name, division code, county, round, assessor.
    pub fields: [TextInput; 5],
    pub focus: usize,
    /// False while filling the text fields; true while choosing domains.
    pub choosing: bool,
    pub domains: Vec<DomainRow>,
    pub cursor: usize,
    /// The reason being typed for a 不涉及 domain.
    pub reason: Option<TextInput>,
    pub error: Option<String>,
    /// Self-check, or an inspection of the self-check `reviews`.
    pub kind: Kind,
    pub reviews: Option<String>,
    /// Editing the header of this (open) assessment instead of creating one.
    pub editing: Option<String>,
    /// A new self-check for the next round from this one: its notes and evidence are carried.
    pub copy_from: Option<String>,
}

/// A catalogue in the new-assessment form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    pub checklist: String,
    pub choice: Choice,
}

/// Whether a catalogue is part of the assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Included,
    Excluded,
    /// 不涉及, with the reason.
    NotInvolved(String),
}

/// The domains screen.
#[derive(Debug, Default)]
pub struct DomainsView {
    pub cursor: usize,
    /// The reason being typed for a 不涉及 domain.
    pub reason: Option<TextInput>,
    /// The 领域小结 being written for the domain under the cursor.
    pub summary: Option<TextInput>,
    /// Catalogues to add (left out at creation), with their ids in picker order.
    pub adding: Option<(Picker, Vec<String>)>,
}

impl DomainsView {
    /// The domains screen with the cursor on row `cursor`.
    pub fn at(cursor: usize) -> DomainsView {
        DomainsView {
            cursor,
            ..DomainsView::default()
        }
    }
}

/// The summary screen.
#[derive(Debug, Default)]
pub struct SummaryView {
    /// The domain under the cursor in the table.
    pub cursor: usize,
    /// The first problem shown in the list under the table.
    pub problems: usize,
}

/// Which items the walk shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Unchecked,
    Problems,
}

/// The walk through one catalogue.
#[derive(Debug)]
pub struct Walk {
    pub checklist: String,
    /// Index into `visible()`.
    pub cursor: usize,
    pub filter: Filter,
    /// The search text in force (empty: no search).
    pub search: String,
    pub overlay: Option<Overlay>,
    /// How far the detail pane is scrolled, and for which item (another item starts at the top).
    pub detail: DetailScroll,
    /// True right after a status key moved the cursor on: the item under it was not chosen,
    /// so `Tab` (next unchecked) considers it too. Cleared by the next key.
    pub moved_on: bool,
    /// The item whose status key opened the popup (问题类型 after 部分落实 / 未落实): closing
    /// the popup moves on from it, as the status key would have.
    pub advance_after: Option<String>,
}

impl Walk {
    /// The walk of a catalogue, at its first item, showing everything.
    pub fn new(checklist: &str) -> Walk {
        Walk {
            checklist: checklist.to_string(),
            cursor: 0,
            filter: Filter::All,
            search: String::new(),
            overlay: None,
            detail: DetailScroll::default(),
            moved_on: false,
            advance_after: None,
        }
    }
}

/// The scroll position of the walk's detail pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailScroll {
    /// The item it belongs to.
    pub item: String,
    /// The first line shown.
    pub offset: usize,
}

/// A popup over the walk.
#[derive(Debug)]
pub enum Overlay {
    Note(TextInput),
    Evidence(TextInput),
    Search(TextInput),
    Findings(Picker),
    Channels(Picker),
    /// Which piece of evidence to open.
    OpenEvidence(Picker),
}

/// A multi-select list.
#[derive(Debug, Clone)]
pub struct Picker {
    pub entries: Vec<String>,
    pub checked: Vec<bool>,
    pub cursor: usize,
}

impl Picker {
    /// A picker over `entries` with `selected` checked; selected values that are not among the
    /// entries are appended, so nothing recorded is lost.
    pub fn new(entries: &[String], selected: &[String]) -> Picker {
        let mut entries = entries.to_vec();
        for s in selected {
            if !entries.contains(s) {
                entries.push(s.clone());
            }
        }
        let checked = entries.iter().map(|e| selected.contains(e)).collect();
        Picker {
            entries,
            checked,
            cursor: 0,
        }
    }

    /// The checked entries, in list order.
    pub fn selected(&self) -> Vec<String> {
        self.entries
            .iter()
            .zip(&self.checked)
            .filter(|(_, c)| **c)
            .map(|(e, _)| e.clone())
            .collect()
    }
}

/// An open assessment and what this session did to it.
#[derive(Debug)]
pub struct Session {
    pub assessment: Assessment,
    /// Previous results, newest last: (checklist, item, result before the change).
    pub undo: Vec<(String, String, Option<ItemResult>)>,
    /// Runs of `undo` entries that one key made (`A` takes many answers at once), as
    /// (first index, end): `u` undoes such a run whole.
    pub undo_groups: Vec<(usize, usize)>,
    /// Cursor of the domains screen, kept while walking.
    pub domain_cursor: usize,
    /// Opened for looking only (a backup of a damaged file).
    pub read_only: bool,
}

impl Session {
    /// Marks the undo entries from `start` to the end of the stack as one change.
    pub fn group_undo_from(&mut self, start: usize) {
        if self.undo.len() > start + 1 {
            self.undo_groups.push((start, self.undo.len()));
        }
    }

    /// How many undo entries the next `u` takes back: the whole run of one `A` when it is on
    /// top of the stack, else one.
    pub fn take_undo_group(&mut self) -> usize {
        match self.undo_groups.last() {
            Some(&(start, end)) if end == self.undo.len() => {
                self.undo_groups.pop();
                end - start
            }
            _ => 1,
        }
    }
}

impl App {
    /// A fresh app on the start screen.
    pub fn new(lang: Lang, library: Library, device: String, listing: Vec<Listing>) -> App {
        App {
            lang,
            library,
            device,
            user: None,
            screen: Screen::Start,
            help: None,
            help_offset: 0,
            listing,
            start_cursor: 0,
            open: None,
            saved_at: None,
            save_error: None,
            message: None,
            page: 10,
            width: 80,
            height: 24,
            read_only: false,
            prompt: None,
            confirm: None,
            places: Default::default(),
            form_draft: None,
            task_form: None,
            conflict: None,
            role: Role::Township,
            today: String::new(),
            hand_over: Default::default(),
            bundle_folder: String::new(),
            catalogue_dirs: Vec::new(),
            sync_server: None,
            duplicates: Vec::new(),
        }
    }

    /// The start screen's selected row, when it is a second file of an assessment.
    pub fn selected_duplicate(&self) -> Option<&Duplicate> {
        let l = self.listing.get(self.start_cursor)?;
        self.duplicates.iter().find(|d| d.path == l.path)
    }

    /// True when the user's role may write this kind of document of the open assessment.
    pub fn may(&self, kind: DocKind) -> bool {
        self.open
            .as_ref()
            .is_some_and(|s| s.assessment.may_write(self.role, kind))
    }

    /// True when the user's role allows the action here: the role rule of the model
    /// ([`crate::model::doc::may_write`]) decides which changes the keys may start, so the
    /// footer and the help show only those, and `update` refuses the others.
    pub fn permits(&self, action: &crate::action::Action) -> bool {
        use crate::action::Action as A;
        let inspection = self
            .open
            .as_ref()
            .is_some_and(|s| s.assessment.kind == Kind::Inspection);
        match action {
            A::NewInspection | A::HandOverDown => self.role.is_inspector(),
            A::HandOverUp => !self.role.is_inspector(),
            A::SetStatus(_)
            | A::EditFindings
            | A::BeginEditNote
            | A::BeginAddEvidence
            | A::RemoveEvidence
            | A::EditChannels
            | A::Undo => self.may(DocKind::Result),
            A::AcceptTownship | A::AcceptAllTownship => inspection && self.may(DocKind::Result),
            A::EditTask => self.may(DocKind::Task) || self.may(DocKind::Response),
            A::ToggleNotInvolved => match &self.screen {
                Screen::New(_) => true,
                _ => self.may(DocKind::Domain),
            },
            A::UpgradeCatalogues => self.may(DocKind::Domain) && self.may(DocKind::Result),
            // On the start screen nothing is open: the handler asks the selected assessment.
            A::EditHeader => self.open.is_none() || self.may(DocKind::Header),
            A::CopyForNextRound => !self.role.is_inspector(),
            A::BeginAddDomain | A::EditDomainSummary => self.may(DocKind::Domain),
            A::AllCompliant => self.may(DocKind::Result),
            A::Sync => self.sync_server.is_some(),
            A::BeginMergeDuplicate => {
                matches!(self.screen, Screen::Start) && self.selected_duplicate().is_some()
            }
            _ => true,
        }
    }

    /// The key bindings of a mode that the user's role may use, in table order.
    pub fn bindings(&self, mode: Mode) -> impl Iterator<Item = &'static crate::keymap::Binding> {
        crate::keymap::bindings(mode).filter(|b| self.permits(&b.action))
    }

    /// True when nothing may be changed: the data directory or the open file is read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only || self.open.as_ref().is_some_and(|s| s.read_only)
    }

    /// The active key-binding mode.
    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            return Mode::Help;
        }
        if self.prompt.is_some() {
            return Mode::LineInput;
        }
        if self.confirm.is_some() {
            return Mode::Confirm;
        }
        if self.task_form.is_some() {
            return Mode::TaskForm;
        }
        if self.conflict.is_some() {
            return Mode::Conflict;
        }
        match &self.screen {
            Screen::Start => Mode::Start,
            Screen::New(f) if f.reason.is_some() => Mode::LineInput,
            Screen::New(f) if f.choosing => Mode::FormDomains,
            Screen::New(_) => Mode::Form,
            Screen::Domains(d) if d.reason.is_some() => Mode::LineInput,
            Screen::Domains(d) if d.summary.is_some() => Mode::Editor,
            Screen::Domains(d) if d.adding.is_some() => Mode::Picker,
            Screen::Domains(_) => Mode::Domains,
            Screen::Walk(w) => match &w.overlay {
                None => Mode::Walk,
                Some(Overlay::Note(_)) => Mode::Editor,
                Some(Overlay::Evidence(_) | Overlay::Search(_)) => Mode::LineInput,
                Some(Overlay::Findings(_) | Overlay::Channels(_) | Overlay::OpenEvidence(_)) => {
                    Mode::Picker
                }
            },
            Screen::Summary(_) => Mode::Summary,
            Screen::Tasks(_) => Mode::Tasks,
            Screen::Overview(_) => Mode::Overview,
        }
    }

    /// The domain choices of an assessment, in the library's order.
    pub fn domains_of<'a>(&self, a: &'a Assessment) -> Vec<&'a DomainChoice> {
        self.library.order(a.domains(), |d| d.checklist.as_str())
    }

    /// The domain choices of the open assessment, in the library's order.
    pub fn domains(&self) -> Vec<&DomainChoice> {
        match &self.open {
            Some(s) => self.domains_of(&s.assessment),
            None => Vec::new(),
        }
    }

    /// The domains of the open assessment that are walked (not 不涉及, catalogue loaded).
    pub fn involved_domains(&self) -> Vec<&str> {
        self.domains()
            .into_iter()
            .filter(|d| d.involved && self.library.get(&d.checklist).is_some())
            .map(|d| d.checklist.as_str())
            .collect()
    }

    /// Status counts of one domain of the open assessment.
    pub fn tally(&self, checklist: &str) -> Tally {
        match (&self.open, self.library.get(checklist)) {
            (Some(s), Some(e)) => s
                .assessment
                .tally(checklist, e.catalogue.items.iter().map(|i| i.id.as_str())),
            _ => Tally::default(),
        }
    }

    /// Indices (into the catalogue's items) of the items the walk shows.
    pub fn visible(&self, walk: &Walk) -> Vec<usize> {
        let (Some(s), Some(entry)) = (&self.open, self.library.get(&walk.checklist)) else {
            return Vec::new();
        };
        let needle = walk.search.trim().to_lowercase();
        entry
            .catalogue
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                let status = || s.assessment.status(&walk.checklist, &item.id);
                let by_filter = match walk.filter {
                    Filter::All => true,
                    Filter::Unchecked => status() == Status::Unchecked,
                    Filter::Problems => status().is_problem(),
                };
                by_filter
                    && (needle.is_empty()
                        || matches_search(
                            item,
                            s.assessment.result(&walk.checklist, &item.id),
                            &needle,
                        ))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The item under the walk's cursor.
    pub fn current_item(&self, walk: &Walk) -> Option<&Item> {
        let idx = *self.visible(walk).get(walk.cursor)?;
        self.library.get(&walk.checklist)?.catalogue.items.get(idx)
    }
}

/// True when the item's names or content, or this check's note or findings, hold `needle`
/// (lower-case).
fn matches_search(item: &Item, result: Option<&ItemResult>, needle: &str) -> bool {
    let catalogue = [
        item.level1.as_str(),
        item.level2.as_str(),
        item.level3.as_deref().unwrap_or(""),
        item.content.as_str(),
    ];
    let recorded = result.into_iter().flat_map(|r| {
        std::iter::once(r.note.as_str()).chain(r.findings.iter().map(String::as_str))
    });
    catalogue
        .into_iter()
        .chain(recorded)
        .any(|f| f.to_lowercase().contains(needle))
}

impl App {
    /// The self-check the open inspection reviews, if it is on this device.
    pub fn reviewed(&self) -> Option<&Assessment> {
        let id = self.open.as_ref()?.assessment.reviews()?;
        self.listing
            .iter()
            .find_map(|l| l.assessment.as_ref().ok().filter(|a| a.id == id))
    }

    /// In an inspection: the township's answer to an item as the inspector reviewed it and as
    /// it is now. `None` outside an inspection or when the self-check is not on this device.
    pub fn township_view(&self, checklist: &str, item: &str) -> Option<TownshipView<'_>> {
        let session = self.open.as_ref()?;
        let a = &session.assessment;
        if a.kind != Kind::Inspection {
            return None;
        }
        let self_check = self.reviewed()?;
        let doc = self_check.result_doc(checklist, item);
        let current_rev = doc.and_then(|d| d.winner()).filter(|r| !r.deleted);
        let current = current_rev.and_then(|r| r.body.as_result());
        let key = format!("{checklist}/{item}");
        // What the inspector had in front of them: the revision the verdict was made beside,
        // else the one the inspection started from (none: the item was not answered then).
        let seen: Option<Option<&crate::model::revision::RevId>> =
            match a.result(checklist, item).and_then(|r| r.seen.as_ref()) {
                Some(rev) => Some(Some(rev)),
                None => a.basis().map(|b| b.results.get(&key)),
            };
        let Some(seen) = seen else {
            // An inspection from before the basis was recorded: only the current answer.
            return Some(TownshipView {
                reviewed: current,
                current,
                changed: false,
            });
        };
        let reviewed = seen
            .and_then(|rev| doc?.get(rev))
            .filter(|r| !r.deleted)
            .and_then(|r| r.body.as_result());
        let changed = seen != current_rev.map(|r| &r.rev);
        Some(TownshipView {
            reviewed,
            current,
            changed,
        })
    }

    /// The overview rows of the assessments listed here (see [`crate::overview`]).
    pub fn overview_rows(&self) -> Vec<crate::overview::UnitRow> {
        let mut o = crate::overview::Overview::default();
        for a in self
            .listing
            .iter()
            .filter_map(|l| l.assessment.as_ref().ok())
        {
            let mut d = crate::overview::Digest::of(a, &self.library, &self.today);
            d.hand_over = self
                .hand_over
                .received
                .iter()
                .filter(|r| r.assessments.iter().any(|(id, _)| *id == a.id))
                .map(|r| r.imported.clone())
                .max();
            o.add(d);
        }
        o.rows(&self.library)
    }

    /// The rectification tasks of the open assessment, in domain and item order.
    pub fn tasks(&self) -> Vec<TaskView<'_>> {
        let Some(s) = &self.open else {
            return Vec::new();
        };
        let domains: Vec<&str> = self
            .domains()
            .into_iter()
            .map(|d| d.checklist.as_str())
            .collect();
        let mut v: Vec<TaskView<'_>> = s.assessment.tasks().collect();
        let order = |t: &TaskSpec| {
            let d = domains
                .iter()
                .position(|d| *d == t.checklist)
                .unwrap_or(usize::MAX);
            let i = self
                .library
                .get(&t.checklist)
                .and_then(|e| e.catalogue.items.iter().position(|i| i.id == t.item))
                .unwrap_or(usize::MAX);
            (d, i)
        };
        v.sort_by_key(|t| order(t.spec));
        v
    }

    /// Items checked and items in total over the involved domains of an assessment.
    pub fn progress(&self, a: &Assessment) -> (usize, usize) {
        self.library.progress(a)
    }
}
