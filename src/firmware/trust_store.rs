//! The trust-store text format: one trust anchor per line, as the `pqhybrid` command writes it
//! and the JavaScript bindings read it (`cli/README.md`, "Trust-store format").
//!
//! ```text
//! # pqhybrid trust store: <key id (64 hex)>  <active|revoked>  [# label]
//! 3b0c5e…9a1f  active   # product root 2026
//! 77d2a0…04ce  revoked  # release key leaked 2027-03
//! ```
//!
//! Everything after `#` is a comment (on an anchor's line, its label); blank lines are ignored;
//! fields are separated by spaces or tabs; the key id (64 hex digits) and the state (`active` or
//! `revoked`) are case-insensitive. A key id may appear only once.
//!
//! Needs the `alloc` feature (the parsed store is a `Vec`). A device does not parse this text:
//! it holds the [`TrustAnchor`]s ([`TrustStoreEntry::anchor`]).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::{KeyId, KeyState, TrustAnchor};

/// The comment line that starts a new trust-store file.
pub const TRUST_STORE_HEADER: &str =
    "# pqhybrid trust store: <key id (64 hex)>  <active|revoked>  [# label]";

/// One anchor line of a trust store: a key id, its state and an optional label.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrustStoreEntry {
    /// The firmware key id ([`key_id`](super::key_id)).
    pub key_id: KeyId,
    /// Active or revoked.
    pub state: KeyState,
    /// The comment after `#` on the anchor's line, trimmed; `None` if absent or empty.
    pub label: Option<String>,
}

impl TrustStoreEntry {
    /// The trust anchor a device holds for this entry (the label is not part of it).
    #[must_use]
    pub const fn anchor(&self) -> TrustAnchor {
        TrustAnchor {
            key_id: self.key_id,
            state: self.state,
        }
    }

    /// The keyword of the entry's state in the file: `active` or `revoked`.
    #[must_use]
    pub const fn state_keyword(&self) -> &'static str {
        state_keyword(self.state)
    }

    /// The entry as a line of the file (no line break): `<key id>  <state>[  # <label>]`, the
    /// key id in lowercase hex.
    #[must_use]
    pub fn to_line(&self) -> String {
        use core::fmt::Write as _;
        let mut line = String::with_capacity(96);
        // Writing to a `String` cannot fail.
        let _ = write!(line, "{}  {}", self.key_id, self.state_keyword());
        if let Some(label) = &self.label {
            line.push_str("  # ");
            line.push_str(label);
        }
        line
    }

    /// Parses one line of a trust store. `Ok(None)` for a blank or comment-only line.
    /// `number` is the line's 1-based number, for the error.
    ///
    /// # Errors
    /// A [`TrustStoreError`] for a line that is not `<key id>  <state>  [# label]`.
    pub fn parse_line(line: &str, number: usize) -> Result<Option<Self>, TrustStoreError> {
        let err = |kind| TrustStoreError { line: number, kind };
        let (body, comment) = match line.split_once('#') {
            Some((b, c)) => (b, Some(c.trim())),
            None => (line, None),
        };
        let mut fields = body.split_whitespace();
        let Some(id) = fields.next() else {
            return Ok(None);
        };
        let key_id = decode_key_id(id)
            .ok_or_else(|| err(TrustStoreErrorKind::BadKeyId { token: id.into() }))?;
        let state = match fields.next() {
            Some(s) if s.eq_ignore_ascii_case("active") => KeyState::Active,
            Some(s) if s.eq_ignore_ascii_case("revoked") => KeyState::Revoked,
            Some(s) => {
                return Err(err(TrustStoreErrorKind::UnknownState { token: s.into() }));
            }
            None => return Err(err(TrustStoreErrorKind::MissingState)),
        };
        if let Some(extra) = fields.next() {
            return Err(err(TrustStoreErrorKind::UnexpectedField {
                token: extra.into(),
            }));
        }
        Ok(Some(Self {
            key_id,
            state,
            label: comment.filter(|c| !c.is_empty()).map(String::from),
        }))
    }
}

/// The keyword of a state in a trust store: `active` or `revoked`.
#[must_use]
pub const fn state_keyword(state: KeyState) -> &'static str {
    match state {
        KeyState::Active => "active",
        KeyState::Revoked => "revoked",
    }
}

/// Parses the text of a trust store into its entries, in file order.
///
/// # Errors
/// The first bad line, as a [`TrustStoreError`] naming its 1-based number: a key id that is
/// not 64 hex digits, a missing or unknown state, a third field, or a key id listed twice.
pub fn parse_trust_store(text: &str) -> Result<Vec<TrustStoreEntry>, TrustStoreError> {
    let mut entries: Vec<TrustStoreEntry> = Vec::new();
    let mut seen: BTreeSet<[u8; 32]> = BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i.saturating_add(1);
        let Some(entry) = TrustStoreEntry::parse_line(raw, number)? else {
            continue;
        };
        if !seen.insert(entry.key_id.0) {
            let token = raw.split_whitespace().next().unwrap_or_default().into();
            return Err(TrustStoreError {
                line: number,
                kind: TrustStoreErrorKind::DuplicateKeyId { token },
            });
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// Why a trust store does not parse: the line and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TrustStoreError {
    /// The 1-based number of the offending line.
    pub line: usize,
    /// What is wrong with it.
    pub kind: TrustStoreErrorKind,
}

/// What is wrong with a trust-store line (see [`TrustStoreError`]). The tokens are copied
/// from the line as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrustStoreErrorKind {
    /// The first field is not a key id (exactly 64 hex digits).
    BadKeyId {
        /// The first field.
        token: String,
    },
    /// The line has a key id but no state.
    MissingState,
    /// The second field is neither `active` nor `revoked`.
    UnknownState {
        /// The second field.
        token: String,
    },
    /// A third field before any `#` (labels go after `#`).
    UnexpectedField {
        /// The third field.
        token: String,
    },
    /// The key id was already listed on an earlier line.
    DuplicateKeyId {
        /// The key id as written on this line.
        token: String,
    },
}

impl TrustStoreErrorKind {
    /// The variant's name (`"BadKeyId"`, …), a stable code for bindings.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::BadKeyId { .. } => "BadKeyId",
            Self::MissingState => "MissingState",
            Self::UnknownState { .. } => "UnknownState",
            Self::UnexpectedField { .. } => "UnexpectedField",
            Self::DuplicateKeyId { .. } => "DuplicateKeyId",
        }
    }
}

impl fmt::Display for TrustStoreErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadKeyId { token } => write!(f, "`{token}` is not a key id (64 hex digits)"),
            Self::MissingState => f.write_str("missing state (`active` or `revoked`)"),
            Self::UnknownState { token } => write!(
                f,
                "unknown state `{token}` (expected `active` or `revoked`)"
            ),
            Self::UnexpectedField { token } => {
                write!(f, "unexpected `{token}` (labels go after `#`)")
            }
            Self::DuplicateKeyId { token } => write!(f, "key id {token} is listed twice"),
        }
    }
}

impl fmt::Display for TrustStoreError {
    /// `line <n>: <reason>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl core::error::Error for TrustStoreError {}

/// Exactly 64 hex digits (either case) to a key id.
fn decode_key_id(text: &str) -> Option<KeyId> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let hi = nibble(*pair.first()?)?;
        let lo = nibble(*pair.get(1)?)?;
        *o = (hi << 4) | lo;
    }
    Some(KeyId(out))
}

const fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]
mod tests {
    use alloc::format;
    use alloc::string::ToString;

    use super::*;

    fn kind_at(text: &str) -> (usize, TrustStoreErrorKind) {
        match parse_trust_store(text) {
            Err(e) => (e.line, e.kind),
            Ok(entries) => panic!("parsed: {entries:?}"),
        }
    }

    #[test]
    fn parses_lines_comments_and_labels() {
        let id1 = "ab".repeat(32);
        let id2 = "CD".repeat(32);
        let text = format!("# header\n\n{id1} active # root\n\t{id2}\tREVOKED\r\n   # note\n");
        let entries = parse_trust_store(&text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].key_id, KeyId([0xab; 32]));
        assert_eq!(entries[0].state, KeyState::Active);
        assert_eq!(entries[0].label.as_deref(), Some("root"));
        assert_eq!(entries[1].key_id, KeyId([0xcd; 32]));
        assert_eq!(entries[1].state, KeyState::Revoked);
        assert_eq!(entries[1].label, None);
        assert_eq!(entries[1].anchor(), TrustAnchor::revoked(KeyId([0xcd; 32])));
        assert_eq!(parse_trust_store("").unwrap(), Vec::new());
        assert_eq!(parse_trust_store("# only\n\n  \t\n").unwrap(), Vec::new());
    }

    #[test]
    fn lines_round_trip() {
        let entry = TrustStoreEntry {
            key_id: KeyId([0x5a; 32]),
            state: KeyState::Revoked,
            label: Some("leaked 2027".into()),
        };
        let line = entry.to_line();
        assert_eq!(line, format!("{}  revoked  # leaked 2027", "5a".repeat(32)));
        assert_eq!(
            TrustStoreEntry::parse_line(&line, 1),
            Ok(Some(entry.clone()))
        );
        let bare = TrustStoreEntry {
            label: None,
            ..entry
        };
        assert_eq!(
            TrustStoreEntry::parse_line(&bare.to_line(), 1),
            Ok(Some(bare))
        );
        assert_eq!(TrustStoreEntry::parse_line("  # x", 1), Ok(None));
        let header = TrustStoreEntry::parse_line(TRUST_STORE_HEADER, 1);
        assert_eq!(header, Ok(None));
    }

    #[test]
    fn bad_key_ids() {
        for bad in [
            "abcd".to_string(),
            "ab".repeat(31),
            "ab".repeat(33),
            format!("{}g", "a".repeat(63)),
            format!("0x{}", "a".repeat(62)),
            format!("{}é", "a".repeat(62)),
        ] {
            let (line, kind) = kind_at(&format!("# c\n\n{bad} active\n"));
            assert_eq!(line, 3, "{bad}");
            assert_eq!(kind, TrustStoreErrorKind::BadKeyId { token: bad.clone() });
        }
    }

    #[test]
    fn bad_states_and_fields() {
        let id = "ab".repeat(32);
        assert_eq!(
            kind_at(&format!("{id} sleeping")),
            (
                1,
                TrustStoreErrorKind::UnknownState {
                    token: "sleeping".into()
                }
            )
        );
        assert_eq!(kind_at(&id), (1, TrustStoreErrorKind::MissingState));
        assert_eq!(
            kind_at(&format!("{id} # active")),
            (1, TrustStoreErrorKind::MissingState)
        );
        assert_eq!(
            kind_at(&format!("\n{id} active label")),
            (
                2,
                TrustStoreErrorKind::UnexpectedField {
                    token: "label".into()
                }
            )
        );
    }

    #[test]
    fn duplicate_key_ids_in_any_case() {
        let id = "ab".repeat(32);
        let upper = id.to_uppercase();
        let e = parse_trust_store(&format!("{id} active\n{upper} revoked # again\n")).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(
            e.kind,
            TrustStoreErrorKind::DuplicateKeyId {
                token: upper.clone()
            }
        );
        assert_eq!(e.kind.name(), "DuplicateKeyId");
        assert_eq!(
            e.to_string(),
            format!("line 2: key id {upper} is listed twice")
        );
    }

    #[test]
    fn messages_are_the_cli_messages() {
        let id = "ab".repeat(32);
        for (text, want) in [
            (
                "xyz active".to_string(),
                "line 1: `xyz` is not a key id (64 hex digits)",
            ),
            (id.clone(), "line 1: missing state (`active` or `revoked`)"),
            (
                format!("{id} maybe"),
                "line 1: unknown state `maybe` (expected `active` or `revoked`)",
            ),
            (
                format!("{id} active x"),
                "line 1: unexpected `x` (labels go after `#`)",
            ),
        ] {
            assert_eq!(parse_trust_store(&text).unwrap_err().to_string(), want);
        }
    }
}
