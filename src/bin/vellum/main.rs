//! The `vellum` command: parses flags into one config per command, calls
//! the library, prints, and turns the outcome into an exit code in one
//! place (0 verified/authentic/same, 1 failed/altered/different, 2
//! trouble), like diff(1).

mod args;
mod cmd;
mod output;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: vellum makes and frees many
/// small strings (blocks, words) from two threads, which glibc's per-thread
/// arenas serve with a system call each time they grow.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    output::EXIT_OK
                }
                _ => output::EXIT_TROUBLE,
            });
        }
    };
    let code = match cmd::run(cli.cmd) {
        Ok(code) => code,
        Err(output::Failure(code, msg)) => {
            eprintln!("vellum: {msg}");
            code
        }
    };
    ExitCode::from(code)
}
