//! Placeholder: being written.

use std::path::Path;

/// Not yet written.
pub fn run(root: &Path, seconds: u64) -> Result<(), String> {
    let _ = (root, seconds);
    Err("`fuzz` is not written yet".into())
}

