//! Property: any sequence of actions leaves `update` and the views panic-free, and every
//! saved state round-trips through the file format exactly.

mod common;

use std::path::Path;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::*;
use zwgk::action::{Action, Effect};
use zwgk::model::assessment::Evidence;
use zwgk::model::status::Status;
use zwgk::store::parse_assessment;

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Unchecked),
        Just(Status::Compliant),
        Just(Status::Partial),
        Just(Status::Missing),
        Just(Status::NotApplicable),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => prop_oneof![Just(Action::Up), Just(Action::Down), Just(Action::PageUp), Just(Action::PageDown), Just(Action::Home), Just(Action::End)],
        3 => Just(Action::Confirm),
        2 => Just(Action::Back),
        1 => Just(Action::ShowHelp),
        1 => Just(Action::NewAssessment),
        1 => prop_oneof![Just(Action::NextField), Just(Action::PrevField), Just(Action::ToggleDomain), Just(Action::ToggleNotInvolved)],
        1 => Just(Action::ShowSummary),
        5 => status().prop_map(Action::SetStatus),
        2 => prop_oneof![Just(Action::NextUnchecked), Just(Action::PrevUnchecked), Just(Action::NextProblem), Just(Action::CycleFilter)],
        2 => prop_oneof![Just(Action::BeginSearch), Just(Action::BeginEditNote), Just(Action::BeginAddEvidence), Just(Action::EditFindings), Just(Action::EditChannels)],
        1 => prop_oneof![Just(Action::Undo), Just(Action::RemoveEvidence), Just(Action::ToggleEntry), Just(Action::SaveElsewhere)],
        2 => prop_oneof![Just(Action::NewInspection), Just(Action::AcceptTownship), Just(Action::AcceptAllTownship), Just(Action::EditTask), Just(Action::ShowTasks), Just(Action::BeginExport), Just(Action::BeginImport)],
        4 => any::<char>().prop_map(Action::Insert),
        1 => ".{0,40}".prop_map(Action::Paste),
        2 => prop_oneof![Just(Action::Newline), Just(Action::DeleteBack), Just(Action::DeleteForward), Just(Action::Left), Just(Action::Right), Just(Action::LineStart), Just(Action::LineEnd)],
        1 => "[a-z一-龥]{1,10}".prop_map(|t| Action::EvidenceResolved(Ok(Evidence::Text { text: t }))),
        1 => prop_oneof![Just(Action::Saved(Ok("12:00:00".into()))), Just(Action::Saved(Err("disk full".into())))],
        1 => Just(Action::Resize),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_action_sequence_is_safe_and_saves_round_trip(
        actions in proptest::collection::vec(action(), 1..60),
        size in prop_oneof![Just((80u16, 24u16)), Just((120, 40)), Just((41, 12))],
        county in any::<bool>(),
    ) {
        let mut app = app_sized(zwgk::cli::Lang::Zh, size.0, size.1);
        app.role = if county { zwgk::model::revision::Role::County } else { zwgk::model::revision::Role::Township };
        // Start inside an open assessment most of the time, so the walk gets exercised.
        create_assessment(&mut app);
        let mut term = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        for a in actions {
            let effects = act(&mut app, a);
            term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
            if effects.contains(&Effect::Save) {
                let open = &app.open.as_ref().expect("Save only with an open assessment").assessment;
                let bytes = serde_json::to_vec_pretty(open).unwrap();
                let back = parse_assessment(Path::new("prop.json"), &bytes).unwrap();
                prop_assert_eq!(&back, open);
            }
            if effects.contains(&Effect::Quit) {
                break;
            }
        }
    }
}
