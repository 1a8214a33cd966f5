//! Placeholder: being written.

use std::path::Path;

/// Not yet written.
pub fn run(root: &Path, thumb: bool) -> Result<(), String> {
    let _ = (root, thumb);
    Err("`ct` is not written yet".into())
}

