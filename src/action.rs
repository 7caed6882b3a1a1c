//! What the user wants (`Action`) and what the runtime must do about it (`Effect`).

use crate::model::assessment::Evidence;
use crate::model::status::Status;

/// An intent, produced by the keymap from a key, or by the runtime after an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Movement in any list.
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Scroll the second pane of a screen (the walk's detail, the summary's problems) down or up.
    ScrollDown,
    ScrollUp,
    /// Enter: open, confirm, next field.
    Confirm,
    /// Esc: back one screen, close a popup.
    Back,
    Quit,
    ShowHelp,

    // Start screen.
    NewAssessment,
    /// Start a look-back inspection of the selected self-check.
    NewInspection,
    /// The county overview of every township here.
    ShowOverview,
    /// Import a bundle, an assessment file or a folder of bundles (asks for the path).
    BeginImport,
    /// 上报: hand the chosen self-check over to the county (asks for the folder).
    HandOverUp,
    /// 下发: hand the chosen inspection back to the township (asks for the folder).
    HandOverDown,
    /// Replicate with the configured CouchDB server (push, then pull).
    Sync,

    // New-assessment form.
    NextField,
    PrevField,
    /// Include or leave out the selected domain.
    ToggleDomain,
    /// Mark the selected domain 不涉及 (asks for a reason), or undo that.
    ToggleNotInvolved,

    // Records a clerk manages.
    /// Change the header of the selected or open assessment (unit, 区划代码, county, round,
    /// assessor).
    EditHeader,
    /// Move the selected assessment's file to the data dir's `archive/` (asks first).
    BeginArchive,
    /// Merge the selected second file of an assessment into its file and archive it (asks
    /// first).
    BeginMergeDuplicate,
    /// A new self-check for the next round from the selected one: notes and evidence carried,
    /// statuses cleared.
    CopyForNextRound,
    /// Add catalogues that were left out at creation (a picker).
    BeginAddDomain,
    /// Write the 领域小结 of the domain under the cursor.
    EditDomainSummary,
    /// Mark every unchecked item of the domain under the cursor 已落实 (asks first).
    AllCompliant,
    /// The answers to a question: yes / no.
    Yes,
    No,

    // Domains.
    ShowSummary,
    /// Move the domains whose catalogue has a newer version to it (answers kept).
    UpgradeCatalogues,

    // Walk.
    SetStatus(Status),
    NextUnchecked,
    PrevUnchecked,
    NextProblem,
    CycleFilter,
    BeginSearch,
    BeginEditNote,
    BeginAddEvidence,
    EditFindings,
    EditChannels,
    Undo,
    /// Remove the last evidence entry of the current item.
    RemoveEvidence,
    /// Open the current item's evidence (a file with the system's viewer, a web address in
    /// the browser); with several, choose one first.
    OpenEvidence,
    /// Save a copy of the open assessment somewhere else (asks for the path).
    SaveElsewhere,
    /// Inspection: take the township's answer for the current item as the verdict.
    AcceptTownship,
    /// Inspection: take the township's answers for every item not yet judged in this domain.
    AcceptAllTownship,
    /// Create or edit the rectification task of the current item.
    EditTask,
    /// Show the rectification tasks.
    ShowTasks,
    /// Export the report and ledger (asks for the file name).
    BeginExport,
    /// Show the versions of a document in conflict (the current item's, task's or domain's;
    /// on the domains screen also the next one anywhere in the assessment).
    ShowConflict,
    /// Settle a conflict with the chosen version and what the others add.
    CombineVersions,

    // Pickers (findings, channels): toggle the entry under the cursor.
    ToggleEntry,

    // Text editing (editor, search, form fields).
    Insert(char),
    Paste(String),
    Newline,
    DeleteBack,
    DeleteForward,
    Left,
    Right,
    LineStart,
    LineEnd,

    // From the runtime.
    /// The result of saving: `Ok(time text)` or `Err(message)`.
    Saved(Result<String, String>),
    /// Evidence text was resolved (a URL, a file copied into the data directory, or plain
    /// text), or the message why it could not be.
    EvidenceResolved(Result<Evidence, String>),
    /// The result of importing a file: the assessments it brought (as they now are here) and
    /// what arrived, or the error.
    Imported(Result<(Vec<crate::model::assessment::Assessment>, String), String>),
    /// The result of saving a copy elsewhere: `Ok(path)` or `Err(message)`.
    CopySaved(Result<String, String>),
    /// Catalogues were imported: the reloaded library and what was done.
    LibraryReloaded(Box<crate::library::Library>, String),
    /// The result of archiving a file: `Ok((assessment id, where it went))` or `Err(message)`.
    Archived(Result<(String, String), String>),
    /// The result of merging a second file of an assessment into its file.
    DuplicateMerged(Result<Box<DuplicateMerged>, String>),
    /// A message from the runtime for the status line.
    Notify(String),
    /// The hand-over state changed (a bundle was written or imported).
    HandOverState(Box<crate::sync::state::SyncState>),
    /// The terminal size changed.
    Resize,
}

impl Action {
    /// True for actions that change saved data or start doing so (refused when read-only).
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            Action::NewAssessment
                | Action::NewInspection
                | Action::BeginImport
                | Action::Sync
                | Action::AcceptTownship
                | Action::AcceptAllTownship
                | Action::EditTask
                | Action::ToggleNotInvolved
                | Action::UpgradeCatalogues
                | Action::SetStatus(_)
                | Action::BeginEditNote
                | Action::BeginAddEvidence
                | Action::EditFindings
                | Action::EditChannels
                | Action::Undo
                | Action::RemoveEvidence
                | Action::CombineVersions
                | Action::EditHeader
                | Action::BeginArchive
                | Action::BeginMergeDuplicate
                | Action::CopyForNextRound
                | Action::BeginAddDomain
                | Action::EditDomainSummary
                | Action::AllCompliant
        )
    }
}

/// Work for the runtime, the only place with I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save the open assessment (it changed).
    Save,
    /// Decide what kind of evidence this text is (an existing file is copied into the data
    /// directory under its SHA-256; a path that does not exist is refused).
    ResolveEvidence(String),
    /// Open a piece of evidence with the system's viewer or browser.
    OpenEvidence(Evidence),
    /// Write a hand-over bundle of this assessment (and those that travel with it) into this
    /// folder.
    WriteBundle { assessment: String, folder: String },
    /// Import the assessment file at this path into the data directory.
    ImportFile(String),
    /// Write the report (or the check table) of the open assessment to this file (relative:
    /// into the data dir's `reports/`, never over an earlier file); the extension (.xlsx .html
    /// .csv .md) picks the format.
    Export(String, crate::cli::ReportKind),
    /// Write a copy of the open assessment to this path.
    SaveCopy(String),
    /// Remember the name of the person using this device.
    RememberUser(String),
    /// Move an assessment's file (by id) to the data dir's `archive/` folder.
    Archive(String),
    /// Merge the second file of an assessment at this path into its file, then move it to
    /// the archive folder.
    MergeDuplicate(String),
    /// Write where the clerk stopped in each assessment (`App::places`) to the data dir.
    RememberPlaces,
    /// Replicate with the configured CouchDB server.
    Sync,
    /// Leave the program (after saving whatever is open).
    Quit,
}

/// What merging a second file of an assessment gave (for [`Action::DuplicateMerged`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateMerged {
    /// The copy's path as its start-screen row names it.
    pub path: String,
    /// The assessment as it now is.
    pub assessment: crate::model::assessment::Assessment,
    /// The status line: what arrived, and where the copy went.
    pub message: String,
}
