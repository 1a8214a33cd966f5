//! How the vector tests describe a case and what went wrong in it: case labels, byte previews
//! and first-difference messages, and the text of a panic caught around a case. Shared so that
//! every suite reports in the same words.

use std::any::Any;
use std::fmt::Write as _;

use serde_json::Value;

/// A case label: `tgId N tcId M` (ACVP, from the group `g` and the case `t`), `tcId M`
/// (Wycheproof), or the raw `tcId` value when it is not a number.
#[must_use]
pub fn case_label(g: &Value, t: &Value) -> String {
    match (g["tgId"].as_u64(), t["tcId"].as_u64()) {
        (Some(tg), Some(tc)) => format!("tgId {tg} tcId {tc}"),
        (None, Some(tc)) => format!("tcId {tc}"),
        _ => format!("case {}", t["tcId"]),
    }
}

/// Lowercase hex of at most the first 16 bytes, then `…` if there are more, and the length:
/// `0011…  (32 bytes)`.
#[must_use]
pub fn preview(b: &[u8]) -> String {
    let mut s = String::new();
    for x in b.iter().take(16) {
        let _ = write!(s, "{x:02x}");
    }
    if b.len() > 16 {
        s.push('…');
    }
    format!("{s} ({} bytes)", b.len())
}

/// `Ok(())` if `got == want`, else where they first differ, with a [`preview`] of each.
///
/// # Errors
/// The difference, as `"<what> differs at byte N: got …, expected …"`.
pub fn diff_bytes(what: &str, got: &[u8], want: &[u8]) -> Result<(), String> {
    if got == want {
        return Ok(());
    }
    let at = got
        .iter()
        .zip(want)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    Err(format!(
        "{what} differs at byte {at}: got {}, expected {}",
        preview(got),
        preview(want)
    ))
}

/// The message of a panic payload caught by `catch_unwind` (`&str` or `String`), or
/// `(non-string payload)`.
#[must_use]
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string payload)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let g = serde_json::json!({"tgId": 3});
        let t = serde_json::json!({"tcId": 7});
        assert_eq!(case_label(&g, &t), "tgId 3 tcId 7");
        assert_eq!(case_label(&serde_json::json!({}), &t), "tcId 7");
        assert_eq!(
            case_label(&g, &serde_json::json!({"tcId": "x"})),
            "case \"x\""
        );
    }

    #[test]
    fn previews_and_diffs() {
        assert_eq!(preview(&[0xab, 0x01]), "ab01 (2 bytes)");
        assert_eq!(
            preview(&[0u8; 17]),
            format!("{}… (17 bytes)", "00".repeat(16))
        );
        assert_eq!(diff_bytes("x", b"ab", b"ab"), Ok(()));
        assert_eq!(
            diff_bytes("K", &[1, 2, 3], &[1, 9, 3]),
            Err("K differs at byte 1: got 010203 (3 bytes), expected 010903 (3 bytes)".to_owned())
        );
        assert_eq!(
            diff_bytes("K", &[1], &[1, 2]),
            Err("K differs at byte 1: got 01 (1 bytes), expected 0102 (2 bytes)".to_owned())
        );
    }

    #[test]
    fn panic_messages() {
        let s = std::panic::catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_message(s.as_ref()), "static");
        let n = 5;
        let f = std::panic::catch_unwind(|| panic!("formatted {n}")).unwrap_err();
        assert_eq!(panic_message(f.as_ref()), "formatted 5");
        let o = std::panic::catch_unwind(|| std::panic::panic_any(7u8)).unwrap_err();
        assert_eq!(panic_message(o.as_ref()), "(non-string payload)");
    }
}
