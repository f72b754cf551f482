//! The `vellum` command: parses flags, calls the library, prints, and turns
//! the outcome into an exit code (0 verified/authentic/same, 1
//! failed/altered/different, 2 trouble), like diff(1).

mod check_cmd;
mod cli;
mod diff_cmd;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: vellum makes and frees many
/// small strings (blocks, words) from two threads, which glibc's per-thread
/// arenas serve with a system call each time they grow.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let code = cli::run();
    ExitCode::from(code)
}
