//! The `vellum` command: parses flags, calls the library, prints, and turns
//! the outcome into an exit code (0 verified/authentic/same, 1
//! failed/altered/different, 2 trouble), like diff(1).

mod check_cmd;
mod cli;
mod diff_cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = cli::run();
    ExitCode::from(code)
}
