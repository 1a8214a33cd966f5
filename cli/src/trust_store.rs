//! The trust-store file: one trust anchor per line.
//!
//! ```text
//! # pqhybrid trust store
//! # <key id: 64 hex digits>  <active|revoked>  [# label]
//! 3b0c5e…9a1f  active   # product root 2026
//! 77d2a0…04ce  revoked  # release key leaked 2027-03
//! ```
//!
//! Everything after `#` is a comment; blank lines are ignored; fields are separated by spaces or
//! tabs; hex is case-insensitive. A key id may appear only once.

use std::fs;
use std::path::Path;

use crate::error::{CliError, Result};
use crate::hex;

/// Largest trust-store file we read.
const MAX_STORE_LEN: u64 = 1024 * 1024;

/// Whether an anchor may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorState {
    /// Images signed by (or delegated from) this key are accepted.
    Active,
    /// Images signed by (or delegated from) this key are rejected.
    Revoked,
}

impl AnchorState {
    /// The keyword used in the file.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
        }
    }
}

/// One line of the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The firmware key id (SHA-256 based, see `pqhybrid keyid`).
    pub key_id: [u8; 32],
    /// Active or revoked.
    pub state: AnchorState,
    /// Free text after `#`, if any.
    pub label: Option<String>,
}

impl Anchor {
    /// The line written to the file.
    pub fn to_line(&self) -> String {
        let mut line = format!("{}  {}", hex::encode(&self.key_id), self.state.keyword());
        if let Some(label) = &self.label {
            line.push_str("  # ");
            line.push_str(label);
        }
        line
    }
}

/// Parses the text of a trust store. Errors name the line.
pub fn parse(text: &str) -> std::result::Result<Vec<Anchor>, String> {
    let mut anchors: Vec<Anchor> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let (body, comment) = match raw.split_once('#') {
            Some((b, c)) => (b, Some(c.trim())),
            None => (raw, None),
        };
        let mut fields = body.split_whitespace();
        let Some(id) = fields.next() else { continue };
        let key_id = hex::decode_array::<32>(id)
            .ok_or_else(|| format!("line {n}: `{id}` is not a key id (64 hex digits)"))?;
        let state = match fields.next() {
            Some(s) if s.eq_ignore_ascii_case("active") => AnchorState::Active,
            Some(s) if s.eq_ignore_ascii_case("revoked") => AnchorState::Revoked,
            Some(s) => {
                return Err(format!(
                    "line {n}: unknown state `{s}` (expected `active` or `revoked`)"
                ));
            }
            None => return Err(format!("line {n}: missing state (`active` or `revoked`)")),
        };
        if let Some(extra) = fields.next() {
            return Err(format!(
                "line {n}: unexpected `{extra}` (labels go after `#`)"
            ));
        }
        if anchors.iter().any(|a| a.key_id == key_id) {
            return Err(format!("line {n}: key id {id} is listed twice"));
        }
        anchors.push(Anchor {
            key_id,
            state,
            label: comment.filter(|c| !c.is_empty()).map(str::to_owned),
        });
    }
    Ok(anchors)
}

/// Reads and parses a trust-store file.
pub fn load(path: &Path) -> Result<Vec<Anchor>> {
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
    parse(&text).map_err(|reason| CliError::file(path, reason))
}

/// Adds an anchor to the store at `path` (creating it), or changes the state and label of an
/// anchor already there. Other lines, comments included, are kept as they are. Returns whether
/// the key was already present.
pub fn add(path: &Path, anchor: &Anchor) -> Result<bool> {
    let existing = match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::io(path, &e)),
    };
    let mut out = String::new();
    let mut replaced = false;
    match &existing {
        None => {
            out.push_str(
                "# pqhybrid trust store: <key id (64 hex)>  <active|revoked>  [# label]\n",
            );
            out.push_str(&anchor.to_line());
            out.push('\n');
        }
        Some(text) => {
            // Validate the whole file before rewriting it.
            parse(text).map_err(|reason| CliError::file(path, reason))?;
            for line in text.lines() {
                let body = line.split('#').next().unwrap_or("");
                let id = body.split_whitespace().next();
                if id.and_then(hex::decode_array::<32>) == Some(anchor.key_id) {
                    // Keep the old label unless a new one was given.
                    let mut updated = anchor.clone();
                    if updated.label.is_none() {
                        updated.label = line
                            .split_once('#')
                            .map(|(_, c)| c.trim().to_owned())
                            .filter(|c| !c.is_empty());
                    }
                    out.push_str(&updated.to_line());
                    replaced = true;
                } else {
                    out.push_str(line);
                }
                out.push('\n');
            }
            if !replaced {
                out.push_str(&anchor.to_line());
                out.push('\n');
            }
        }
    }
    fs::write(path, out).map_err(|e| CliError::io(path, &e))?;
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_comments_and_labels() {
        let id1 = "ab".repeat(32);
        let id2 = "CD".repeat(32);
        let text = format!("# header\n\n{id1} active # root\n\t{id2}\tREVOKED\n");
        let anchors = parse(&text).unwrap_or_default();
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors[0].state, AnchorState::Active);
        assert_eq!(anchors[0].label.as_deref(), Some("root"));
        assert_eq!(anchors[1].key_id, [0xcd; 32]);
        assert_eq!(anchors[1].state, AnchorState::Revoked);
        assert_eq!(anchors[1].label, None);
    }

    #[test]
    fn rejects_bad_lines() {
        let id = "ab".repeat(32);
        assert!(parse("abcd active").is_err());
        assert!(parse(&id).is_err());
        assert!(parse(&format!("{id} maybe")).is_err());
        assert!(parse(&format!("{id} active label")).is_err());
        assert!(parse(&format!("{id} active\n{id} revoked")).is_err());
    }
}
