//! Helpers shared by the CLI's integration tests: running the `pqhybrid` binary in a directory
//! and reading its exit code and output.
#![allow(dead_code, clippy::expect_used)] // each test binary uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// The device class the tests sign and verify for.
pub const CLASS: &str = "00112233-4455-6677-8899-aabbccddeeff";

/// The binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pqhybrid"))
}

/// Runs the binary in `dir` and returns its output.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("spawn pqhybrid")
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

/// Standard error, lossily decoded.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard output, lossily decoded.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs and asserts success.
pub fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert_eq!(
        code(&out),
        0,
        "pqhybrid {args:?} failed\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    out
}
