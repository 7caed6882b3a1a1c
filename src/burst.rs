//! Keys that arrive together. A paste through a terminal that does not bracket it (tmux
//! `paste-buffer` without `-p`, Windows consoles) comes as a burst of key events, line breaks
//! as Enter; an input method's commit comes the same way. A person types one key at a time.
//!
//! So while a text input is open, a burst of more than one key is text: its characters, and
//! its Enters as line breaks, become one `Action::Paste` (a one-line input turns a line break
//! into a space, as it does for a bracketed paste). Keys with no text meaning (arrows, Esc,
//! Backspace, Tab where it moves between fields) still act. Keys of the same burst that come
//! after the text input closed are dropped: they were meant as text, not as commands. Outside
//! text inputs every key of a burst acts, one at a time (holding `j`, typing `1111` fast).
//!
//! "Together" is within `input::GAP` (3 ms) of each other, far quicker than anyone types; a
//! script that drives zwgk should leave a few milliseconds between text and its Enter.
//!
//! Pure: the runtime collects the events that arrived together and asks for one step at a
//! time with the current mode, applying each action before it asks again, because an action
//! can open or close a text input.

use std::collections::VecDeque;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::action::Action;
use crate::keymap::{Mode, resolve};

/// What the runtime does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Apply this action.
    Act(Action),
    /// The terminal has this new size (columns, rows).
    Resize(u16, u16),
}

/// Terminal events that arrived together, used up one step at a time.
#[derive(Debug, Default)]
pub struct Burst {
    events: VecDeque<Event>,
    /// More than one key press: a paste or an input method's commit.
    many: bool,
    /// A text input was open while keys of this burst were taken.
    text_seen: bool,
}

impl Burst {
    pub fn new(events: Vec<Event>) -> Burst {
        let presses = events.iter().filter(|e| press(e).is_some()).count();
        Burst {
            events: events.into(),
            many: presses > 1,
            text_seen: false,
        }
    }

    /// The next step in `mode` (the mode after every earlier step was applied); `None` when
    /// the burst is used up.
    pub fn next(&mut self, mode: Mode) -> Option<Step> {
        while let Some(event) = self.events.pop_front() {
            match event {
                Event::Key(k) if k.kind == KeyEventKind::Release => {}
                Event::Key(k) => {
                    if self.many && mode.is_text() {
                        self.text_seen = true;
                        if let Some(c) = text_of(mode, k) {
                            let mut text = String::from(c);
                            self.take_text(mode, &mut text);
                            return Some(Step::Act(Action::Paste(text)));
                        }
                    }
                    let action = resolve(mode, k);
                    // The text input this burst was typed into has closed: the rest was
                    // meant as text. Ctrl-C still quits.
                    if self.text_seen && !mode.is_text() && action != Some(Action::Quit) {
                        continue;
                    }
                    if let Some(a) = action {
                        return Some(Step::Act(a));
                    }
                }
                Event::Paste(text) => return Some(Step::Act(Action::Paste(text))),
                Event::Resize(w, h) => return Some(Step::Resize(w, h)),
                _ => {}
            }
        }
        None
    }

    /// Moves the text keys at the front of the burst into `text` (key releases skipped).
    fn take_text(&mut self, mode: Mode, text: &mut String) {
        while let Some(event) = self.events.front() {
            match event {
                Event::Key(k) if k.kind == KeyEventKind::Release => {}
                Event::Key(k) => match text_of(mode, *k) {
                    Some(c) => text.push(c),
                    None => return,
                },
                _ => return,
            }
            self.events.pop_front();
        }
    }
}

fn press(event: &Event) -> Option<&KeyEvent> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(k),
        _ => None,
    }
}

/// The text a key stands for in a pasted burst: a character, a line break for Enter (and for
/// Ctrl-J, which is how a raw terminal reports a bare line feed), a tab where Tab does nothing
/// else. `None` for keys that act (Esc, arrows, Backspace, Tab between fields, Ctrl-S).
fn text_of(mode: Mode, key: KeyEvent) -> Option<char> {
    let mods = key.modifiers - KeyModifiers::SHIFT;
    match key.code {
        KeyCode::Char(c) if !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        KeyCode::Char('j') if mods == KeyModifiers::CONTROL => Some('\n'),
        KeyCode::Enter if mods.is_empty() => Some('\n'),
        KeyCode::Tab if mods.is_empty() && resolve(mode, key).is_none() => Some('\t'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Status;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn chars(s: &str) -> Vec<Event> {
        s.chars()
            .map(|c| match c {
                '\r' => key(KeyCode::Enter),
                c => key(KeyCode::Char(c)),
            })
            .collect()
    }

    /// Every step of a burst in a mode that does not change.
    fn steps(mode: Mode, events: Vec<Event>) -> Vec<Step> {
        let mut b = Burst::new(events);
        std::iter::from_fn(|| b.next(mode)).collect()
    }

    fn paste(s: &str) -> Step {
        Step::Act(Action::Paste(s.to_string()))
    }

    const PASTED: &str = "第一行:网站栏目已开设。\r第二行:2 处链接失效,3 条信息超期。";

    #[test]
    fn a_burst_in_the_editor_is_one_paste_with_its_line_breaks() {
        assert_eq!(
            steps(Mode::Editor, chars(PASTED)),
            vec![paste(
                "第一行:网站栏目已开设。\n第二行:2 处链接失效,3 条信息超期。"
            )]
        );
        // A bare line feed reads as Ctrl-J in raw mode.
        let mut lf = chars("一");
        lf.push(Event::Key(KeyEvent::new(
            KeyCode::Char('j'),
            KeyModifiers::CONTROL,
        )));
        lf.extend(chars("二"));
        assert_eq!(steps(Mode::Editor, lf), vec![paste("一\n二")]);
    }

    #[test]
    fn one_key_acts_as_typed() {
        assert_eq!(
            steps(Mode::Editor, chars("\r")),
            vec![Step::Act(Action::Confirm)]
        );
        assert_eq!(
            steps(Mode::Editor, chars("2")),
            vec![Step::Act(Action::Insert('2'))]
        );
        assert_eq!(
            steps(Mode::Walk, chars("2")),
            vec![Step::Act(Action::SetStatus(Status::Partial))]
        );
    }

    #[test]
    fn an_input_method_commit_is_text_in_every_text_mode() {
        for mode in [Mode::Editor, Mode::LineInput, Mode::Form, Mode::TaskForm] {
            assert_eq!(
                steps(mode, chars("政务公开")),
                vec![paste("政务公开")],
                "{mode:?}"
            );
        }
    }

    #[test]
    fn keys_that_act_still_act_inside_a_burst() {
        let mut events = chars("ab");
        events.push(key(KeyCode::Backspace));
        events.push(key(KeyCode::Tab));
        events.extend(chars("c"));
        // In the form, Tab moves to the next field.
        assert_eq!(
            steps(Mode::Form, events.clone()),
            vec![
                paste("ab"),
                Step::Act(Action::DeleteBack),
                Step::Act(Action::NextField),
                paste("c"),
            ]
        );
        // In the editor, Tab means nothing else: it is pasted (and becomes a space there).
        assert_eq!(
            steps(Mode::Editor, events),
            vec![paste("ab"), Step::Act(Action::DeleteBack), paste("\tc")]
        );
    }

    #[test]
    fn outside_text_inputs_every_key_acts() {
        // Ten items in eleven keys, typed fast.
        let mut events = chars("1111111111");
        events.push(key(KeyCode::Esc));
        let got = steps(Mode::Walk, events);
        assert_eq!(got.len(), 11);
        assert!(
            got[..10]
                .iter()
                .all(|s| *s == Step::Act(Action::SetStatus(Status::Compliant)))
        );
        assert_eq!(got[10], Step::Act(Action::Back));
        assert_eq!(
            steps(Mode::Walk, chars("jjj")),
            vec![Step::Act(Action::Down); 3]
        );
    }

    #[test]
    fn keys_after_the_text_input_closed_are_dropped_but_ctrl_c_quits() {
        let mut events = chars("备注");
        events.push(key(KeyCode::Esc));
        events.extend(chars("23"));
        events.push(Event::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )));
        let mut b = Burst::new(events);
        assert_eq!(b.next(Mode::Editor), Some(paste("备注")));
        assert_eq!(b.next(Mode::Editor), Some(Step::Act(Action::Back)));
        // Esc closed the editor: 2 and 3 are not statuses.
        assert_eq!(b.next(Mode::Walk), Some(Step::Act(Action::Quit)));
        assert_eq!(b.next(Mode::Walk), None);
    }

    #[test]
    fn a_key_that_opens_a_text_input_makes_the_rest_text() {
        let mut b = Burst::new(chars("n第一\r2"));
        assert_eq!(b.next(Mode::Walk), Some(Step::Act(Action::BeginEditNote)));
        assert_eq!(b.next(Mode::Editor), Some(paste("第一\n2")));
        assert_eq!(b.next(Mode::Editor), None);
    }

    #[test]
    fn key_releases_do_not_count_and_do_not_split_text() {
        let release = |c| {
            let mut k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            k.kind = KeyEventKind::Release;
            Event::Key(k)
        };
        // Windows reports a release after every press.
        let one = vec![key(KeyCode::Enter), release('\r')];
        assert_eq!(steps(Mode::Editor, one), vec![Step::Act(Action::Confirm)]);
        let two = vec![
            key(KeyCode::Char('一')),
            release('一'),
            key(KeyCode::Enter),
            release('\r'),
            key(KeyCode::Char('二')),
            release('二'),
        ];
        assert_eq!(steps(Mode::Editor, two), vec![paste("一\n二")]);
    }

    #[test]
    fn bracketed_pastes_and_resizes_pass_through() {
        let events = vec![
            Event::Paste("一\n二".to_string()),
            Event::Resize(120, 40),
            Event::FocusGained,
        ];
        assert_eq!(
            steps(Mode::Walk, events),
            vec![paste("一\n二"), Step::Resize(120, 40)]
        );
    }
}
