//! A catalogue gets a newer version while an assessment is open on this device: the app
//! offers the upgrade, `U` does it, and the walk shows what needs a re-check.

mod common;

use common::*;
use zwgk::action::Effect;
use zwgk::library::Origin;
use zwgk::model::status::Status;
use zwgk::state::Screen;

#[test]
fn the_domains_screen_offers_the_upgrade_and_a_new_answer_clears_the_recheck() {
    let mut app = app();
    open_edu_walk(&mut app);
    for _ in 0..3 {
        press(&mut app, ch('1'));
    }
    press(&mut app, esc());
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Start));

    // The county publishes 义务教育 v2: item 02's time limit changes, item 03 is removed.
    let mut v2 = app.library.get(EDU).unwrap().catalogue.clone();
    v2.version = "2027.1".into();
    v2.items[1].time_limit = "信息形成之日起10个工作日内".into();
    v2.items.remove(2);
    app.library.insert(v2, Origin::Builtin);

    // With an upgrade to offer, reopening shows the domains screen, where U is.
    press(&mut app, enter());
    assert!(matches!(app.screen, Screen::Domains(_)));
    let offer = app.message.clone().unwrap_or_default();
    assert!(
        offer.starts_with("1 "),
        "the app offers the upgrade: {offer}"
    );
    assert_eq!(press(&mut app, ch('U')), vec![Effect::Save]);
    let a = assessment(&app);
    assert_eq!(a.domain(EDU).unwrap().version, "2027.1");
    assert_eq!(
        a.status(EDU, "01"),
        Status::Compliant,
        "unchanged answers carry over"
    );
    let changed = a.result(EDU, "02").unwrap();
    let recheck = changed.recheck.as_ref().expect("02 needs a re-check");
    assert_eq!(
        recheck.previous_status,
        Status::Compliant,
        "the old answer stays visible"
    );
    assert_eq!(
        a.result(EDU, "03").unwrap().retired_in.as_deref(),
        Some("2027.1"),
        "03 is kept, retired"
    );
    // A second U changes nothing.
    assert!(press(&mut app, ch('U')).is_empty());

    // In the walk, answering 02 again clears the flag.
    press(&mut app, ch('g'));
    for _ in 0..edu_row() {
        press(&mut app, ch('j'));
    }
    press(&mut app, enter());
    // The walk opens where it was left; g goes to the first item.
    press(&mut app, ch('g'));
    press(&mut app, ch('j'));
    assert_eq!(current_id(&app), "02");
    assert_eq!(press(&mut app, ch('2')), vec![Effect::Save]);
    let r = assessment(&app).result(EDU, "02").unwrap();
    assert_eq!(r.status, Status::Partial);
    assert!(r.recheck.is_none());
    let fp = app.library.get(EDU).unwrap().fingerprints[1].clone();
    assert_eq!(
        r.fingerprint, fp,
        "the answer is now made against the new row"
    );
}
