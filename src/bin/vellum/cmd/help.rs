//! `vellum completions` and `vellum manpage`: made from the same
//! definitions as `--help`.

use crate::args::{Cli, CompletionsArgs};
use crate::output::{trouble, Outcome, EXIT_OK};
use clap::CommandFactory;

/// Print completions for a shell.
pub fn completions(a: CompletionsArgs) -> Outcome {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "vellum", &mut out);
    write(&out)
}

/// Print the manual page (the commands, their options, examples and exit
/// codes).
pub fn manpage() -> Outcome {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| trouble(format!("manual page: {e}")))?;
    write(&out)
}

fn write(bytes: &[u8]) -> Outcome {
    crate::output::out(&String::from_utf8_lossy(bytes))?;
    Ok(EXIT_OK)
}
