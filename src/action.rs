//! What the user wants (`Action`) and what the runtime must do about it (`Effect`).

use crate::model::assessment::Evidence;
use crate::model::status::Status;

/// An intent, produced by the keymap from a key, or by the runtime after an effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    // Movement in any list.
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Enter: open, confirm, next field.
    Confirm,
    /// Esc: back one screen, close a popup.
    Back,
    Quit,
    ShowHelp,

    // Start screen.
    NewAssessment,

    // New-assessment form.
    NextField,
    PrevField,
    /// Include or leave out the selected domain.
    ToggleDomain,
    /// Mark the selected domain 不涉及 (asks for a reason), or undo that.
    ToggleNotInvolved,

    // Domains.
    ShowSummary,

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
    /// Save a copy of the open assessment somewhere else (asks for the path).
    SaveElsewhere,

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
    /// Evidence text was resolved (a URL, a hashed file or plain text).
    EvidenceResolved(Evidence),
    /// The result of saving a copy elsewhere: `Ok(path)` or `Err(message)`.
    CopySaved(Result<String, String>),
    /// The terminal size changed.
    Resize,
}

impl Action {
    /// True for actions that change saved data or start doing so (refused when read-only).
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            Action::NewAssessment
                | Action::ToggleNotInvolved
                | Action::SetStatus(_)
                | Action::BeginEditNote
                | Action::BeginAddEvidence
                | Action::EditFindings
                | Action::EditChannels
                | Action::Undo
                | Action::RemoveEvidence
        )
    }
}

/// Work for the runtime, the only place with I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save the open assessment (it changed).
    Save,
    /// Decide what kind of evidence this text is (an existing file is hashed).
    ResolveEvidence(String),
    /// Write a copy of the open assessment to this path.
    SaveCopy(String),
    /// Leave the program (after saving whatever is open).
    Quit,
}
