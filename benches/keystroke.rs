//! What one keystroke, one autosave and one start cost on long-lived assessments, each printed
//! beside the floor no implementation can beat, measured in the same run:
//!
//! - `walk::floor_draw`: ratatui drawing a walk-like 120×40 frame (CJK rows, a wrapped detail
//!   pane) from rows computed beforehand; `walk::status_key` and `walk::move_key` are the
//!   app's update + draw of the same size on a 2,000-item × 10-revision self-check.
//! - `autosave::floor_write_fsync`: one `write` + `fsync` of as many bytes as the journal line
//!   of one change; `autosave::journal` is the app's save of one change (2,000 × 10 and
//!   20,000 × 10), `autosave::whole_file` what every save cost before the journal.
//! - `start::first_frame`: reading the data directory, building the app and drawing its first
//!   frame with that assessment in it.
//!
//! `cargo bench --bench keystroke`. The assessments come from `zwgk::synthetic` (notes,
//! evidence, some conflicts; every item answered ten times).

use std::io::Write;
use std::sync::LazyLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use zwgk::cli::Lang;
use zwgk::keymap::resolve;
use zwgk::library::Library;
use zwgk::model::assessment::{Assessment, ItemResult};
use zwgk::model::doc::{Body, DocKind};
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::state::{App, Listing, Screen};
use zwgk::store::Store;
use zwgk::synthetic::{Spec, T0, library, township};
use zwgk::update::{Ctx, update};

fn main() {
    divan::main();
}

/// `items` items in catalogues of 50, every one answered `revisions` times.
fn spec(items: usize) -> Spec {
    Spec {
        domains: items / 50,
        items_per_domain: 50,
        revisions: 10,
        exact_revisions: true,
        inspect_every: 0,
        ..Spec::default()
    }
}

struct Fixture {
    library: Library,
    assessment: Assessment,
}

fn fixture(items: usize) -> Fixture {
    let spec = spec(items);
    let library = library(&spec);
    let assessment = township(&spec, 1, &library).self_check;
    Fixture {
        library,
        assessment,
    }
}

static SMALL: LazyLock<Fixture> = LazyLock::new(|| fixture(2_000));
static LARGE: LazyLock<Fixture> = LazyLock::new(|| fixture(20_000));

fn fixture_of(items: usize) -> &'static Fixture {
    if items >= 20_000 { &LARGE } else { &SMALL }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn ctx(n: u64) -> Ctx {
    Ctx {
        now_millis: T0 + 100_000_000 + n,
        new_id: format!("01900000-0000-7000-8000-{n:012}"),
    }
}

fn press(app: &mut App, k: KeyEvent, n: u64) -> Vec<zwgk::action::Effect> {
    match resolve(app.mode(), k) {
        Some(a) => update(app, a, &ctx(n)),
        None => Vec::new(),
    }
}

/// The app with the fixture's assessment open in the walk of its first catalogue.
fn walking_app(f: &Fixture) -> App {
    let listing = vec![Listing {
        path: "bench.json".into(),
        assessment: Ok(f.assessment.clone()),
        backup: None,
    }];
    let mut app = App::new(Lang::Zh, f.library.clone(), "dev-town-1".into(), listing);
    app.user = Some("乡镇1录入员".into());
    app.width = 120;
    app.page = 32;
    for _ in 0..3 {
        if matches!(app.screen, Screen::Walk(_)) {
            break;
        }
        press(
            &mut app,
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            0,
        );
    }
    assert!(
        matches!(app.screen, Screen::Walk(_)),
        "the bench must walk: {:?}",
        app.screen
    );
    app
}

mod walk {
    use super::*;

    /// Rows as a walk shows them, made once: status mark, label, marks.
    fn rows() -> (Vec<ListItem<'static>>, Vec<Line<'static>>) {
        let f = &*SMALL;
        let catalogue = &f.library.entries()[0].catalogue;
        let rows = catalogue
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                ListItem::new(Line::from(vec![
                    Span::raw(if i % 3 == 0 { "✓ " } else { "· " }),
                    Span::raw(format!("{:>3} ", i + 1)),
                    Span::raw(item.title().to_string()),
                    Span::raw(if i % 7 == 0 { " 备" } else { "" }),
                ]))
            })
            .collect();
        let item = &catalogue.items[0];
        let detail = [
            format!("公开事项：{}", item.title()),
            format!("公开内容：{}", item.content),
            format!("公开依据：{}", item.basis.join("；")),
            format!("公开时限：{}", item.time_limit),
            format!("公开主体：{}", item.publisher),
            "公开渠道：政府网站 政务新媒体 公开栏".to_string(),
            "备注：第10次检查:网站栏目12条信息已核对，公开栏照片见附件。".to_string(),
        ]
        .into_iter()
        .map(Line::from)
        .collect();
        (rows, detail)
    }

    /// A drawn frame as styled runs of text, one list per row (a wide character's second
    /// cell skipped).
    fn frame_runs(buf: &ratatui::buffer::Buffer) -> Vec<Vec<(String, Style)>> {
        use unicode_width::UnicodeWidthStr;
        let area = buf.area;
        (area.y..area.y + area.height)
            .map(|y| {
                let mut runs: Vec<(String, Style)> = Vec::new();
                let mut x = area.x;
                while x < area.x + area.width {
                    let cell = &buf[(x, y)];
                    match runs.last_mut() {
                        Some((text, style)) if *style == cell.style() => {
                            text.push_str(cell.symbol())
                        }
                        _ => runs.push((cell.symbol().to_string(), cell.style())),
                    }
                    x += u16::try_from(cell.symbol().width().max(1)).unwrap_or(1);
                }
                runs
            })
            .collect()
    }

    /// Lines borrowing the runs' text: nothing copied per frame but the span lists.
    fn lines_of(runs: &[Vec<(String, Style)>]) -> Vec<Line<'_>> {
        runs.iter()
            .map(|row| {
                Line::from(
                    row.iter()
                        .map(|(t, s)| Span::styled(t.as_str(), *s))
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    }

    /// The floor: the app's own walk frames (the cursor on one item, then on the next),
    /// captured once as styled lines and drawn with ratatui: the same frame with nothing
    /// computed per key.
    #[divan::bench(sample_count = 300)]
    fn floor_draw(bencher: divan::Bencher) {
        let mut app = walking_app(&SMALL);
        let mut capture = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut frames = Vec::new();
        for n in 0..2 {
            capture.draw(|f| zwgk::ui::view(&app, f)).expect("draw");
            frames.push(frame_runs(capture.backend().buffer()));
            press(&mut app, key('j'), n);
        }
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut n = 0usize;
        bencher.bench_local(|| {
            n += 1;
            let lines = lines_of(&frames[n % 2]);
            term.draw(|f| f.render_widget(Paragraph::new(lines), f.area()))
                .expect("draw");
        });
    }

    /// The same, for a bare frame of the walk's kind built by hand (list, wrapped detail):
    /// what the issue first measured as the floor.
    #[divan::bench(sample_count = 300)]
    fn floor_draw_plain(bencher: divan::Bencher) {
        let (rows, detail) = rows();
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut state = ListState::default();
        let mut n = 0usize;
        bencher.bench_local(|| {
            n += 1;
            state.select(Some(n % rows.len()));
            term.draw(|f| {
                let [head, body, foot] = Layout::vertical([
                    Constraint::Length(1),
                    Constraint::Fill(1),
                    Constraint::Length(1),
                ])
                .areas(f.area());
                let [list, pane] =
                    Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)])
                        .areas(body);
                f.render_widget(
                    Line::from("胡集镇人民政府 · 2026年下半年自查 · 领域01"),
                    head,
                );
                f.render_stateful_widget(
                    List::new(rows.clone())
                        .block(Block::default().borders(Borders::ALL))
                        .highlight_style(Style::default().add_modifier(Modifier::REVERSED)),
                    list,
                    &mut state,
                );
                f.render_widget(
                    Paragraph::new(detail.clone())
                        .wrap(Wrap { trim: false })
                        .block(Block::default().borders(Borders::ALL)),
                    pane,
                );
                f.render_widget(
                    Line::from("1已落实 2部分落实 3未落实 4不适用 j/k移动 ?帮助"),
                    foot,
                );
            })
            .expect("draw");
        });
    }

    /// A status key (alternating 已落实 / 不适用 on one item, so every press makes a
    /// revision; 2 and 3 would open the findings picker), then `k` back onto it, then the
    /// frame.
    #[divan::bench(sample_count = 300)]
    fn status_key(bencher: divan::Bencher) {
        let mut app = walking_app(&SMALL);
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut n: u64 = 1_000_000;
        bencher.bench_local(|| {
            n += 1;
            let status = if n.is_multiple_of(2) { '1' } else { '4' };
            press(&mut app, key(status), n);
            press(&mut app, key('k'), n);
            term.draw(|f| zwgk::ui::view(&app, f)).expect("draw");
        });
        assert!(
            matches!(app.screen, Screen::Walk(_)),
            "the bench left the walk: {:?}",
            app.screen
        );
    }

    /// A move key and the frame.
    #[divan::bench(sample_count = 300)]
    fn move_key(bencher: divan::Bencher) {
        let mut app = walking_app(&SMALL);
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut n = 0u64;
        bencher.bench_local(|| {
            n += 1;
            press(
                &mut app,
                key(if (n / 40).is_multiple_of(2) { 'j' } else { 'k' }),
                n,
            );
            term.draw(|f| zwgk::ui::view(&app, f)).expect("draw");
        });
    }
}

mod autosave {
    use super::*;

    const SIZES: [usize; 2] = [2_000, 20_000];

    /// A data directory holding the fixture, listed (so saves go to the journal).
    fn listed(items: usize) -> (tempfile::TempDir, Store, Assessment) {
        let f = fixture_of(items);
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let mut s = Store::open(dir.path(), "t").expect("store");
            s.save(&f.assessment).expect("save");
        }
        let mut store = Store::open(dir.path(), "t").expect("store");
        // Folding is what idle moments and closing do; here every change is measured alone.
        store.set_fold_after(usize::MAX);
        let a = store
            .list()
            .expect("list")
            .into_iter()
            .next()
            .and_then(|(_, a)| a.ok())
            .expect("the assessment loads");
        (dir, store, a)
    }

    fn change(a: &mut Assessment, n: u64) {
        let key = a
            .docs
            .of_kind(DocKind::Result)
            .nth((n % 40) as usize)
            .map(|(k, _)| k.clone())
            .expect("results");
        let mut body: ItemResult = a
            .docs
            .current(&key)
            .and_then(Body::as_result)
            .cloned()
            .expect("a result");
        body.status = if n.is_multiple_of(2) {
            Status::Compliant
        } else {
            Status::Partial
        };
        body.note = format!("第{n}次修改");
        a.record(
            Body::Result(body),
            Author {
                name: "乡镇1录入员".into(),
                device: "dev-town-1".into(),
                role: Role::Township,
            },
            T0 + 100_000_000 + n * 1000,
        )
        .expect("record");
    }

    /// The floor: `write` + `fsync` of as many bytes as one change's journal line.
    #[divan::bench(args = SIZES, sample_count = 100)]
    fn floor_write_fsync(bencher: divan::Bencher, items: usize) {
        let (_dir, _store, mut a) = listed(items);
        let since = a.docs.seq();
        change(&mut a, 1);
        let line = a.journal_entry(since).expect("entry").expect("one change");
        let dir = tempfile::tempdir().expect("temp dir");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.path().join("floor"))
            .expect("file");
        bencher.bench_local(|| {
            file.write_all(&line).expect("write");
            file.sync_data().expect("fsync");
        });
    }

    /// One change saved: its line appended to the journal and flushed.
    #[divan::bench(args = SIZES, sample_count = 100)]
    fn journal(bencher: divan::Bencher, items: usize) {
        let (_dir, mut store, mut a) = listed(items);
        let mut n = 0u64;
        bencher.bench_local(|| {
            n += 1;
            change(&mut a, n);
            store.save(&a).expect("save");
        });
    }

    /// What a save cost before the journal (and what a fold costs now, beside the app): the
    /// whole file written atomically.
    #[divan::bench(args = SIZES, sample_count = 10)]
    fn whole_file(bencher: divan::Bencher, items: usize) {
        let (dir, _store, a) = listed(items);
        let path = dir.path().join("whole.json");
        bencher.bench_local(|| {
            zwgk::store::save_copy(&a, &path).expect("save");
        });
    }
}

mod start {
    use super::*;

    /// Reading a data directory with the 2,000 × 10 self-check and its 40 catalogues (as
    /// files, beside the built-in ones), building the app and drawing the first frame (the
    /// start screen, which shows its progress), as `zwgk` does.
    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn first_frame(bencher: divan::Bencher) {
        let f = &*SMALL;
        let dir = tempfile::tempdir().expect("temp dir");
        Store::open(dir.path(), "t")
            .expect("store")
            .save(&f.assessment)
            .expect("save");
        let checklists = dir.path().join("checklists");
        for c in zwgk::synthetic::catalogues(&spec(2_000)) {
            std::fs::write(
                checklists.join(format!("{}.json", c.id)),
                serde_json::to_vec_pretty(&c).expect("json"),
            )
            .expect("write");
        }
        bencher.bench_local(|| {
            // As `zwgk` starts: catalogues on their own thread while the data dir is read.
            let mut store = Store::open(dir.path(), "t").expect("store");
            let (library, listed) =
                zwgk::app::load_and_list(&mut store, std::slice::from_ref(&checklists));
            let (listing, _) = zwgk::app::listing(listed.expect("list"), Lang::Zh);
            let mut app = App::new(Lang::Zh, library, "dev".into(), listing);
            app.width = 120;
            app.page = 32;
            let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
            term.draw(|fr| zwgk::ui::view(&app, fr)).expect("draw");
            store
        });
    }
}
