//! What the binary shows: exit codes, one-line failures, standard output
//! (a closed pipe is not an error), colours, progress bars and spinners.

use std::io::{IsTerminal, Write};

/// Exit code: verified, authentic, same.
pub const EXIT_OK: u8 = 0;
/// Exit code: failed, altered, different.
pub const EXIT_FAIL: u8 = 1;
/// Exit code: trouble (usage, unreadable input).
pub const EXIT_TROUBLE: u8 = 2;

/// A one-line message and an exit code.
pub struct Failure(pub u8, pub String);

/// A command's outcome: its exit code, or a failure to print.
pub type Outcome = Result<u8, Failure>;

/// Trouble (exit 2) with a one-line message.
pub fn trouble(msg: impl Into<String>) -> Failure {
    Failure(EXIT_TROUBLE, msg.into())
}

/// A finding that ends the command (exit 1) with a one-line message.
pub fn refused(msg: impl Into<String>) -> Failure {
    Failure(EXIT_FAIL, msg.into())
}

/// Write to standard output, buffered, flushing at the end.
pub fn out(s: &str) -> Outcome {
    out_each([s])
}

/// Write pieces to standard output in order, buffered, flushing at the end.
pub fn out_each<'a>(pieces: impl IntoIterator<Item = &'a str>) -> Outcome {
    let mut o = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = pieces
        .into_iter()
        .try_for_each(|p| o.write_all(p.as_bytes()))
        .and_then(|_| o.flush());
    match written {
        Ok(()) => Ok(EXIT_OK),
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(trouble(format!("stdout: {e}"))),
    }
}

/// Pretty JSON and a newline.
pub fn json_text(v: &impl serde::Serialize) -> String {
    format!("{}\n", serde_json::to_string_pretty(v).expect("json"))
}

/// Colours on a terminal unless NO_COLOR is set.
pub fn style() -> vellum::report::Style {
    vellum::report::Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Run `work`, showing a spinner on a terminal if it takes over a second
/// (sealing has no byte count worth a bar until it is done).
pub fn with_spinner<T: Send>(what: &str, work: impl FnOnce() -> T + Send) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        let h = s.spawn(move || {
            let r = work();
            let _ = tx.send(());
            r
        });
        if rx.recv_timeout(std::time::Duration::from_secs(1)).is_err() {
            let sp = indicatif::ProgressBar::new_spinner();
            sp.set_message(format!("{what}\u{2026}"));
            sp.enable_steady_tick(std::time::Duration::from_millis(120));
            let _ = rx.recv();
            sp.finish_and_clear();
        }
        h.join().expect("the working thread does not panic")
    })
}

/// A progress bar on a terminal, shown only once work has taken a second.
/// It never shows 100 % before the work is done: updates stop one short of
/// the total, and [`Progress::finish`] fills it (issue 14 point 8).
///
/// `VELLUM_PROGRESS=plain` shows progress wherever stderr goes (a log, a
/// CI job), as a line per tenth of the work, from the start, and a last
/// line when it is done.
pub struct Progress {
    bar: indicatif::ProgressBar,
    what: String,
    start: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
    /// In plain mode, the last tenth of the work told.
    plain: Option<std::sync::Mutex<Option<u64>>>,
}

impl Progress {
    /// A bar for `what`.
    pub fn new(what: &str) -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        bar.set_message(what.to_owned());
        let plain = std::env::var("VELLUM_PROGRESS").is_ok_and(|v| v == "plain");
        Progress {
            bar,
            what: what.to_owned(),
            start: std::time::Instant::now(),
            shown: false.into(),
            plain: plain.then(|| std::sync::Mutex::new(None)),
        }
    }
    /// Report `done` of `total`; shown as at most one short of the total
    /// until [`Progress::finish`].
    pub fn update(&self, done: u64, total: u64) {
        use std::sync::atomic::Ordering;
        let done = done.min(total.saturating_sub(1));
        if let Some(tenths) = &self.plain {
            let t = (done * 10).checked_div(total).unwrap_or(0);
            let mut last = tenths.lock().unwrap_or_else(|e| e.into_inner());
            if last.map_or(true, |l| t > l) {
                *last = Some(t);
                eprintln!("{}: {}% ({done} of {total} bytes)", self.what, t * 10);
            }
            return;
        }
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed().as_secs_f32() > 1.0
            && std::io::stderr().is_terminal()
        {
            self.shown.store(true, Ordering::Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }
    /// The work is done: the bar at 100 %, then removed.
    pub fn finish(&self) {
        if self.plain.is_some() {
            eprintln!(
                "{}: 100%, done in {:.2} s",
                self.what,
                self.start.elapsed().as_secs_f64()
            );
            return;
        }
        if let Some(total) = self.bar.length() {
            self.bar.set_position(total);
        }
        self.bar.finish_and_clear();
    }
}

/// Check and diff go through phases that each build a text's worth of
/// blocks, words and reports and free the last phase's. The allocator
/// returns freed memory to the system (purges it) and the next phase gets
/// it back as fresh pages, which the kernel clears first: on a 10 MB
/// check, first-touch page clearing was about a third of the samples.
/// Told not to purge, it reuses what was freed (interleaved, 45 rounds of
/// the D bench: median 0.208 -> 0.192 s). These are short processes whose
/// memory peaks once; nothing is held past the exit.
pub fn keep_freed_memory() {
    // SAFETY: mi_option_set takes an option id and a value, touches no
    // memory of ours, and may be called at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
}

/// mimalloc's `mi_option_purge_delay` (milliseconds; -1: never purge), its
/// place in `enum mi_option_e` of mimalloc.h, v2 and v3 alike (the crate
/// names the options on either side of it, 14 and 16, but not this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Verification streams everything through small buffers; transparent
/// huge pages would back each of its threads' heaps with 2 MiB pages it
/// mostly does not touch, doubling its resident memory (100 MB archive:
/// 38-45 MiB with them, 17-19 MiB without) for no measurable speed. Only this
/// process's later mappings are affected.
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches
    // no memory of ours; failure (an old kernel) only leaves THP on.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
