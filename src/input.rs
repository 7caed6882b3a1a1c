//! Terminal input on a thread of its own, and the signals that end the app.
//!
//! crossterm 0.29 does not notice a terminal that has gone away (SSH dropped, window closed,
//! tmux killed): a hung-up terminal reads as "ready, no data", and its reader tries again
//! (crossterm issue #793). Its default event source then never returns, whatever the timeout;
//! zwgk uses its `use-dev-tty` source instead, which polls the terminal with poll(2) and so
//! returns when its timeout is up (it also reads a paste longer than 1 KiB at once, where the
//! default source leaves the rest until the next key). Still, that source spins until the
//! timeout on a dead terminal, so on Unix the reader thread waits with its own poll(2) on the
//! terminal and calls crossterm only with short timeouts once there is something to read; a
//! hang-up (`POLLHUP`, `POLLERR`) ends the thread with `Message::Lost`. The runtime waits on the
//! channel with a timeout and checks the terminal itself on every wake-up as well.
//!
//! The thread groups events that arrive within `GAP` of each other into one burst: a paste
//! without bracketed paste, or an input method's commit (see `burst`).
//!
//! SIGTERM, SIGINT and SIGHUP set a flag and wake the thread, which wakes the runtime.
//! Elsewhere (Windows) the thread waits in crossterm's own `poll` with a timeout, and a read
//! error ends it the same way.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};

/// Events that arrive within this gap of each other belong to one burst.
pub const GAP: Duration = Duration::from_millis(3);
/// A burst is handed on after this long at the latest, however fast events keep coming.
const BURST_MAX: Duration = Duration::from_millis(50);

/// The signals that save and quit.
#[cfg(unix)]
const STOP_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
];
#[cfg(not(unix))]
const STOP_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];

/// What the input thread reports.
#[derive(Debug)]
pub enum Message {
    /// Terminal events that arrived together (see `burst::Burst`).
    Events(Vec<Event>),
    /// A signal came; `Input::stop_requested` tells whether it asks to quit.
    Wake,
    /// The terminal is gone (hung up, closed, a read error): nothing more will come.
    Lost,
}

/// The input thread's channel, the stop flag and (on Unix) the terminal being watched.
pub struct Input {
    rx: Receiver<Message>,
    stop: Arc<AtomicBool>,
    #[cfg(unix)]
    tty: Option<Arc<unix::Tty>>,
}

impl Input {
    /// Registers the stop signals and starts the reader thread (after raw mode is on).
    pub fn start() -> io::Result<Input> {
        let stop = Arc::new(AtomicBool::new(false));
        for &signal in STOP_SIGNALS {
            // Without the handler the signal ends the app as before: no reason not to start.
            let _ = signal_hook::flag::register(signal, Arc::clone(&stop));
        }
        let (tx, rx) = mpsc::channel();
        #[cfg(unix)]
        {
            // A terminal poll(2) cannot watch (macOS with /dev/tty) is read the portable way.
            if let Some(tty) = unix::Tty::open().filter(|t| t.watchable()) {
                let tty = Arc::new(tty);
                // Without the wake-up socket, signals are seen on the runtime's next tick.
                let wake = unix::wake_on(STOP_SIGNALS).ok();
                let thread_tty = Arc::clone(&tty);
                spawn(move || unix::read_loop(&thread_tty, wake, &tx))?;
                return Ok(Input {
                    rx,
                    stop,
                    tty: Some(tty),
                });
            }
        }
        spawn(move || portable_loop(&tx))?;
        Ok(Input {
            rx,
            stop,
            #[cfg(unix)]
            tty: None,
        })
    }

    /// The next message, waiting at most `timeout`; `None` when nothing came.
    pub fn recv(&self, timeout: Duration) -> Option<Message> {
        match self.rx.recv_timeout(timeout) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            // The thread ended without a word (it panicked): no more input will come.
            Err(RecvTimeoutError::Disconnected) => Some(Message::Lost),
        }
    }

    /// True once SIGTERM, SIGINT or SIGHUP came.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// True when the terminal has hung up or closed (checked now, without waiting).
    pub fn terminal_gone(&self) -> bool {
        #[cfg(unix)]
        if let Some(tty) = &self.tty {
            return tty.gone();
        }
        false
    }
}

fn spawn(f: impl FnOnce() + Send + 'static) -> io::Result<()> {
    std::thread::Builder::new()
        .name("zwgk-input".into())
        .spawn(f)
        .map(drop)
}

/// Moves the events that come within `GAP` of each other into `out`, for `BURST_MAX` at most.
/// (crossterm's `use-dev-tty` source reads nothing with a zero timeout.)
fn drain(out: &mut Vec<Event>) -> io::Result<()> {
    let start = Instant::now();
    while start.elapsed() < BURST_MAX && event::poll(GAP)? {
        out.push(event::read()?);
    }
    Ok(())
}

/// Waits in crossterm's `poll` (a quarter second at a time); for systems without `poll(2)` on
/// the terminal.
fn portable_loop(tx: &Sender<Message>) {
    loop {
        let message = match event::poll(Duration::from_millis(250)) {
            Ok(false) => continue,
            Ok(true) => {
                let mut events = Vec::new();
                if drain(&mut events).is_err() {
                    let _ = tx.send(Message::Events(events));
                    Message::Lost
                } else {
                    Message::Events(events)
                }
            }
            Err(_) => Message::Lost,
        };
        let lost = matches!(message, Message::Lost);
        if tx.send(message).is_err() || lost {
            return;
        }
    }
}

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io::{self, IsTerminal, Read};
    use std::os::fd::{AsFd, BorrowedFd};
    use std::os::unix::net::UnixStream;
    use std::sync::mpsc::Sender;
    use std::time::Duration;

    use crossterm::event;
    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    use super::{Message, drain};

    /// The terminal crossterm reads: standard input when it is one, else `/dev/tty`.
    pub enum Tty {
        Stdin(io::Stdin),
        Dev(File),
    }

    /// What `wait` saw.
    #[derive(Debug, PartialEq, Eq)]
    enum Ready {
        Nothing,
        Input,
        Signal,
        Gone,
    }

    impl Tty {
        pub fn open() -> Option<Tty> {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                return Some(Tty::Stdin(stdin));
            }
            File::options()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .ok()
                .map(Tty::Dev)
        }

        fn fd(&self) -> BorrowedFd<'_> {
            match self {
                Tty::Stdin(s) => s.as_fd(),
                Tty::Dev(f) => f.as_fd(),
            }
        }

        /// Whether poll(2) works on it (it does not on macOS's /dev/tty).
        pub fn watchable(&self) -> bool {
            let mut fds = [PollFd::from_borrowed_fd(self.fd(), PollFlags::IN)];
            poll(&mut fds, Some(&Timespec::default())).is_ok()
                && !fds[0].revents().contains(PollFlags::NVAL)
        }

        pub fn gone(&self) -> bool {
            wait(self, None, Some(Duration::ZERO)) == Ready::Gone
        }
    }

    /// A socket that receives a byte on each of `signals` (and on SIGWINCH, whose resize event
    /// crossterm makes: its own handler runs first, being registered first).
    pub fn wake_on(signals: &[i32]) -> io::Result<UnixStream> {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        for &signal in signals {
            signal_hook::low_level::pipe::register(signal, write.try_clone()?)?;
        }
        // crossterm registers its SIGWINCH handler when its event source is made: make it now
        // (a zero timeout reads nothing: what is already typed stays for the reader).
        event::poll(Duration::ZERO)?;
        signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, write)?;
        Ok(read)
    }

    /// Waits for input, a signal or a hang-up; `None` waits as long as it takes.
    fn wait(tty: &Tty, wake: Option<&UnixStream>, timeout: Option<Duration>) -> Ready {
        let timeout = timeout.and_then(|d| Timespec::try_from(d).ok());
        let mut fds = vec![PollFd::from_borrowed_fd(tty.fd(), PollFlags::IN)];
        if let Some(w) = wake {
            fds.push(PollFd::new(w, PollFlags::IN));
        }
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ready::Nothing,
            Err(_) => return Ready::Gone,
        }
        let tty_flags = fds[0].revents();
        if tty_flags.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
            Ready::Gone
        } else if tty_flags.contains(PollFlags::IN) {
            Ready::Input
        } else if fds.get(1).is_some_and(|f| !f.revents().is_empty()) {
            Ready::Signal
        } else {
            Ready::Nothing
        }
    }

    /// Reads until the terminal is gone or the runtime stops listening. Blocks in poll(2)
    /// between events: no timer, no spinning.
    pub fn read_loop(tty: &Tty, wake: Option<UnixStream>, tx: &Sender<Message>) {
        // What was typed before the thread started.
        let mut early = Vec::new();
        match drain(&mut early) {
            Ok(()) if early.is_empty() => {}
            Ok(()) => {
                if tx.send(Message::Events(early)).is_err() {
                    return;
                }
            }
            Err(_) => {
                let _ = tx.send(Message::Lost);
                return;
            }
        }
        loop {
            let message = match wait(tty, wake.as_ref(), None) {
                Ready::Nothing => continue,
                Ready::Gone => Message::Lost,
                Ready::Signal => {
                    let mut buf = [0u8; 64];
                    if let Some(mut w) = wake.as_ref() {
                        while w.read(&mut buf).is_ok_and(|n| n > 0) {}
                    }
                    // A resize is waiting in crossterm.
                    let mut events = Vec::new();
                    match drain(&mut events) {
                        Ok(()) if events.is_empty() => Message::Wake,
                        Ok(()) => Message::Events(events),
                        Err(_) => Message::Lost,
                    }
                }
                Ready::Input => {
                    let mut events = Vec::new();
                    let result = drain(&mut events);
                    // Input that makes no event (a lone part of a sequence) wakes nobody.
                    if !events.is_empty() && tx.send(Message::Events(events)).is_err() {
                        return;
                    }
                    match result {
                        Ok(()) => continue,
                        Err(_) => Message::Lost,
                    }
                }
            };
            let lost = matches!(message, Message::Lost);
            if tx.send(message).is_err() || lost {
                return;
            }
        }
    }
}
