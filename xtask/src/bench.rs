//! Placeholder: being written.

use std::path::Path;

/// Not yet written.
pub fn run(root: &Path, quick: bool) -> Result<(), String> {
    let _ = (root, quick);
    Err("`bench` is not written yet".into())
}

