//! The application state. Only `update` changes it; views read it.

use crate::cli::Lang;
use crate::editor::TextInput;
use crate::keymap::Mode;
use crate::library::Library;
use crate::model::assessment::{Assessment, ItemResult};
use crate::model::catalogue::Item;
use crate::model::status::{Status, Tally};

/// Everything the app knows.
#[derive(Debug)]
pub struct App {
    pub lang: Lang,
    pub library: Library,
    /// This device's id, recorded in every revision.
    pub device: String,
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
    /// Another zwgk holds the data directory: look, but change nothing.
    pub read_only: bool,
    /// The path being typed to save a copy elsewhere (when saving fails).
    pub save_as: Option<TextInput>,
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
    New(NewForm),
    Domains(DomainsView),
    Walk(Walk),
    Summary(SummaryView),
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
    pub reason: Option<TextInput>,
}

/// The summary screen.
#[derive(Debug, Default)]
pub struct SummaryView {
    pub cursor: usize,
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
}

/// A popup over the walk.
#[derive(Debug)]
pub enum Overlay {
    Note(TextInput),
    Evidence(TextInput),
    Search(TextInput),
    Findings(Picker),
    Channels(Picker),
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
    /// Cursor of the domains screen, kept while walking.
    pub domain_cursor: usize,
    /// Opened for looking only (a backup of a damaged file).
    pub read_only: bool,
}

impl App {
    /// A fresh app on the start screen.
    pub fn new(lang: Lang, library: Library, device: String, listing: Vec<Listing>) -> App {
        App {
            lang,
            library,
            device,
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
            read_only: false,
            save_as: None,
        }
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
        if self.save_as.is_some() {
            return Mode::LineInput;
        }
        match &self.screen {
            Screen::Start => Mode::Start,
            Screen::New(f) if f.reason.is_some() => Mode::LineInput,
            Screen::New(f) if f.choosing => Mode::FormDomains,
            Screen::New(_) => Mode::Form,
            Screen::Domains(d) if d.reason.is_some() => Mode::LineInput,
            Screen::Domains(_) => Mode::Domains,
            Screen::Walk(w) => match &w.overlay {
                None => Mode::Walk,
                Some(Overlay::Note(_)) => Mode::Editor,
                Some(Overlay::Evidence(_) | Overlay::Search(_)) => Mode::LineInput,
                Some(Overlay::Findings(_) | Overlay::Channels(_)) => Mode::Picker,
            },
            Screen::Summary(_) => Mode::Summary,
        }
    }

    /// The domains of the open assessment that are walked (not 不涉及, catalogue loaded).
    pub fn involved_domains(&self) -> Vec<&str> {
        let Some(s) = &self.open else {
            return Vec::new();
        };
        s.assessment
            .domains
            .iter()
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
                let status = s.assessment.status(&walk.checklist, &item.id);
                let by_filter = match walk.filter {
                    Filter::All => true,
                    Filter::Unchecked => status == Status::Unchecked,
                    Filter::Problems => status.is_problem(),
                };
                by_filter && (needle.is_empty() || matches_search(item, &needle))
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

fn matches_search(item: &Item, needle: &str) -> bool {
    [
        item.level1.as_str(),
        item.level2.as_str(),
        item.level3.as_deref().unwrap_or(""),
        item.content.as_str(),
    ]
    .iter()
    .any(|f| f.to_lowercase().contains(needle))
}

impl App {
    /// Items checked and items in total over the involved domains of an assessment.
    pub fn progress(&self, a: &Assessment) -> (usize, usize) {
        let mut t = Tally::default();
        for d in a.domains.iter().filter(|d| d.involved) {
            if let Some(e) = self.library.get(&d.checklist) {
                t.merge(&a.tally(
                    &d.checklist,
                    e.catalogue.items.iter().map(|i| i.id.as_str()),
                ));
            }
        }
        (t.checked(), t.total())
    }
}
