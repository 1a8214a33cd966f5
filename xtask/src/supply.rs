//! Placeholder: being written.

use std::path::Path;

/// Not yet written.
pub fn deny(root: &Path) -> Result<(), String> {
    let _ = root;
    Err("`supply` is not written yet".into())
}

/// Not yet written.
pub fn sbom(root: &Path) -> Result<(), String> {
    let _ = root;
    Err("`supply` is not written yet".into())
}

/// Not yet written.
pub fn miri(root: &Path) -> Result<(), String> {
    let _ = root;
    Err("`supply` is not written yet".into())
}

