//! Trust-store files. The text format (one anchor per line, `<key id>  <active|revoked>
//! [# label]`) is parsed and written by the library, `pqhybrid::firmware::parse_trust_store`
//! and [`TrustStoreEntry`]; this module reads and rewrites the files.

use std::fs;
use std::path::Path;

use pqhybrid::firmware::{TRUST_STORE_HEADER, TrustStoreEntry, parse_trust_store};

use crate::error::{CliError, Result};

/// Largest trust-store file we read.
const MAX_STORE_LEN: u64 = 1024 * 1024;

/// The number of trust anchors the C verifier's policy holds, `PQH_FW_MAX_TRUST_ANCHORS`
/// (`ffi/src/fw.rs`, `include/pqhybrid.h`): a device built on the C API cannot load a store
/// with more.
pub const C_MAX_TRUST_ANCHORS: usize = 16;

/// Reads and parses a trust-store file.
pub fn load(path: &Path) -> Result<Vec<TrustStoreEntry>> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, &e))?;
    if meta.len() > MAX_STORE_LEN {
        return Err(CliError::file(path, "too large for a trust store"));
    }
    let text = fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            CliError::file(path, "not a text file")
        } else {
            CliError::io(path, &e)
        }
    })?;
    parse_trust_store(&text).map_err(|e| CliError::file(path, e))
}

/// What [`add`] did.
pub struct Added {
    /// Whether the key was already in the store (its state and label were updated).
    pub replaced: bool,
    /// The number of anchors in the store afterwards.
    pub anchors: usize,
}

/// Adds an anchor to the store at `path` (creating it), or changes the state and label of an
/// anchor already there. Other lines, comments included, are kept as they are.
pub fn add(path: &Path, anchor: &TrustStoreEntry) -> Result<Added> {
    let existing = match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::io(path, &e)),
    };
    let mut out = String::new();
    let mut replaced = false;
    let mut anchors = 1;
    match &existing {
        None => {
            out.push_str(TRUST_STORE_HEADER);
            out.push('\n');
            out.push_str(&anchor.to_line());
            out.push('\n');
        }
        Some(text) => {
            // Validate the whole file before rewriting it.
            let entries = parse_trust_store(text).map_err(|e| CliError::file(path, e))?;
            for (i, line) in text.lines().enumerate() {
                // Every line parsed above; `None` is a blank or comment line.
                let old = TrustStoreEntry::parse_line(line, i + 1).ok().flatten();
                match old {
                    Some(old) if old.key_id == anchor.key_id => {
                        // Keep the old label unless a new one was given.
                        let mut updated = anchor.clone();
                        if updated.label.is_none() {
                            updated.label = old.label;
                        }
                        out.push_str(&updated.to_line());
                        replaced = true;
                    }
                    _ => out.push_str(line),
                }
                out.push('\n');
            }
            if !replaced {
                out.push_str(&anchor.to_line());
                out.push('\n');
            }
            anchors = entries.len() + usize::from(!replaced);
        }
    }
    fs::write(path, out).map_err(|e| CliError::io(path, &e))?;
    Ok(Added { replaced, anchors })
}

#[cfg(test)]
mod tests {
    /// The C API's limit is the constant the CLI warns about.
    #[test]
    fn c_limit_matches_the_ffi_crate() {
        let ffi = include_str!("../../ffi/src/fw.rs");
        let want = format!(
            "pub const PQH_FW_MAX_TRUST_ANCHORS: usize = {};",
            super::C_MAX_TRUST_ANCHORS
        );
        assert!(ffi.contains(&want), "ffi/src/fw.rs lacks `{want}`");
    }
}
