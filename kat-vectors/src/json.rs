//! Typed access to the fields of a JSON vector file, shared by the KAT tests.
//!
//! Every accessor takes a JSON value (normally an object: a file, a test group or a test case)
//! and a field name, and returns `Result<_, String>`. The error names the field and says what
//! was wrong with it (missing, wrong JSON type, bad hex or base64), so that
//!
//! * inside a case closure that returns `Result<(), String>`, `?` turns a malformed vector
//!   into a failing case with a useful message;
//! * outside one (reading a file's groups, say), [`OrPanic::or_panic`] fails the whole test
//!   with that message, since a vector file that does not have the expected shape must never
//!   pass silently.
//!
//! Required fields ([`str()`], [`hex()`], [`b64()`], [`u64()`], [`bool()`], [`array()`], [`strings()`]) are
//! an error when missing or `null`. Optional ones ([`opt_str`], [`opt_hex`], [`opt_b64`],
//! [`opt_u64`], [`opt_bool`]) give `Ok(None)` when the field is missing or `null`, and an error
//! only when it is present with the wrong type or an undecodable value.
//!
//! ```
//! use pqhybrid_kat::json::{self, OrPanic as _};
//!
//! let v = pqhybrid_kat::serde_json::json!({
//!     "testGroups": [{"tgId": 1, "tests": [{"tcId": 7, "pk": "00ff", "ctx": null}]}]
//! });
//! for g in json::array(&v, "testGroups").or_panic() {
//!     for c in json::array(g, "tests").or_panic() {
//!         let case = || -> Result<(), String> {
//!             assert_eq!(json::u64(c, "tcId")?, 7);
//!             assert_eq!(json::hex(c, "pk")?, [0x00, 0xff]);
//!             assert_eq!(json::opt_hex(c, "ctx")?, None);
//!             assert!(json::hex(c, "sig").is_err()); // missing
//!             Ok(())
//!         };
//!         case().or_panic();
//!     }
//! }
//! ```

pub use serde_json::Value;

/// The JSON type of `v`, for error messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The field `key` of `v` unless it is missing or `null`.
fn present<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// The field `key` of `v`, or an error if it is missing or `null`.
fn required<'a>(v: &'a Value, key: &str) -> Result<&'a Value, String> {
    present(v, key).ok_or_else(|| format!("vector field {key:?}: missing"))
}

/// Converts a present field with `f`, or names the expected type.
fn typed<'a, T>(
    x: &'a Value,
    key: &str,
    what: &str,
    f: impl FnOnce(&'a Value) -> Option<T>,
) -> Result<T, String> {
    f(x).ok_or_else(|| format!("vector field {key:?}: expected {what}, found {}", kind(x)))
}

/// Applies `f` to an optional field (missing or `null`: `Ok(None)`).
fn optional<'a, T>(
    v: &'a Value,
    key: &str,
    f: impl FnOnce(&'a Value) -> Result<T, String>,
) -> Result<Option<T>, String> {
    present(v, key).map(f).transpose()
}

fn as_str<'a>(x: &'a Value, key: &str) -> Result<&'a str, String> {
    typed(x, key, "a string", Value::as_str)
}

fn decode_hex(s: &str, key: &str) -> Result<Vec<u8>, String> {
    ::hex::decode(s).map_err(|e| format!("vector field {key:?}: bad hex ({e}): {:?}", preview(s)))
}

fn decode_b64(s: &str, key: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| format!("vector field {key:?}: bad base64 ({e}): {:?}", preview(s)))
}

/// The first characters of `s`, for error messages.
fn preview(s: &str) -> String {
    const MAX: usize = 64;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}... ({} chars)", s.len())
    }
}

/// A required string field.
///
/// # Errors
/// If the field is missing, `null` or not a string.
pub fn str<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    as_str(required(v, key)?, key)
}

/// An optional string field: `Ok(None)` if missing or `null`.
///
/// # Errors
/// If the field is present and not a string.
pub fn opt_str<'a>(v: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    optional(v, key, |x| as_str(x, key))
}

/// A required hex string field (upper or lower case, even length, no prefix), decoded.
///
/// # Errors
/// If the field is missing, `null`, not a string, or not valid hex.
pub fn hex(v: &Value, key: &str) -> Result<Vec<u8>, String> {
    decode_hex(str(v, key)?, key)
}

/// An optional hex string field, decoded: `Ok(None)` if missing or `null`.
///
/// # Errors
/// If the field is present and not a string of valid hex.
pub fn opt_hex(v: &Value, key: &str) -> Result<Option<Vec<u8>>, String> {
    optional(v, key, |x| decode_hex(as_str(x, key)?, key))
}

/// A required standard base64 field (RFC 4648 alphabet, `=` padding), decoded.
///
/// # Errors
/// If the field is missing, `null`, not a string, or not valid base64.
pub fn b64(v: &Value, key: &str) -> Result<Vec<u8>, String> {
    decode_b64(str(v, key)?, key)
}

/// An optional base64 field, decoded: `Ok(None)` if missing or `null`.
///
/// # Errors
/// If the field is present and not a string of valid base64.
pub fn opt_b64(v: &Value, key: &str) -> Result<Option<Vec<u8>>, String> {
    optional(v, key, |x| decode_b64(as_str(x, key)?, key))
}

/// A required non-negative integer field.
///
/// # Errors
/// If the field is missing, `null` or not an integer in `u64`.
pub fn u64(v: &Value, key: &str) -> Result<u64, String> {
    typed(
        required(v, key)?,
        key,
        "a non-negative integer",
        Value::as_u64,
    )
}

/// An optional non-negative integer field: `Ok(None)` if missing or `null`.
///
/// # Errors
/// If the field is present and not an integer in `u64`.
pub fn opt_u64(v: &Value, key: &str) -> Result<Option<u64>, String> {
    optional(v, key, |x| {
        typed(x, key, "a non-negative integer", Value::as_u64)
    })
}

/// A required boolean field.
///
/// # Errors
/// If the field is missing, `null` or not a boolean.
pub fn bool(v: &Value, key: &str) -> Result<bool, String> {
    typed(required(v, key)?, key, "a boolean", Value::as_bool)
}

/// An optional boolean field: `Ok(None)` if missing or `null`.
///
/// # Errors
/// If the field is present and not a boolean.
pub fn opt_bool(v: &Value, key: &str) -> Result<Option<bool>, String> {
    optional(v, key, |x| typed(x, key, "a boolean", Value::as_bool))
}

/// A required array field, as a slice of its elements.
///
/// # Errors
/// If the field is missing, `null` or not an array.
pub fn array<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], String> {
    typed(required(v, key)?, key, "an array", |x| {
        x.as_array().map(Vec::as_slice)
    })
}

/// A required array-of-strings field (Wycheproof `flags`), copied out.
///
/// # Errors
/// If the field is missing, `null`, not an array, or has an element that is not a string.
pub fn strings(v: &Value, key: &str) -> Result<Vec<String>, String> {
    array(v, key)?
        .iter()
        .map(|x| {
            x.as_str().map(str::to_owned).ok_or_else(|| {
                format!(
                    "vector field {key:?}: expected strings only, found {}",
                    kind(x)
                )
            })
        })
        .collect()
}

/// Fails the test with the message of an `Err` (a vector without the expected shape), for use
/// outside a case closure, where a malformed file must stop the whole test.
pub trait OrPanic<T> {
    /// The `Ok` value.
    ///
    /// # Panics
    /// On `Err`, with its message.
    fn or_panic(self) -> T;
}

impl<T> OrPanic<T> for Result<T, String> {
    #[track_caller]
    fn or_panic(self) -> T {
        match self {
            Ok(v) => v,
            Err(msg) => panic!("{msg}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case() -> Value {
        json!({
            "s": "text", "h": "00Ff10", "b": "Zm9v", "n": 42, "neg": -1, "t": true,
            "a": [1, "x"], "flags": ["A", "B"], "badflags": ["A", 2], "null": null,
            "odd": "abc", "notb64": "Zg",
        })
    }

    #[test]
    fn required_fields() {
        let v = case();
        assert_eq!(str(&v, "s"), Ok("text"));
        assert_eq!(hex(&v, "h"), Ok(vec![0x00, 0xff, 0x10]));
        assert_eq!(b64(&v, "b"), Ok(b"foo".to_vec()));
        assert_eq!(u64(&v, "n"), Ok(42));
        assert_eq!(bool(&v, "t"), Ok(true));
        assert_eq!(array(&v, "a").map(<[Value]>::len), Ok(2));
        assert_eq!(
            strings(&v, "flags"),
            Ok(vec!["A".to_owned(), "B".to_owned()])
        );
    }

    #[test]
    fn optional_fields() {
        let v = case();
        assert_eq!(opt_str(&v, "s"), Ok(Some("text")));
        assert_eq!(opt_str(&v, "nope"), Ok(None));
        assert_eq!(opt_str(&v, "null"), Ok(None));
        assert_eq!(opt_hex(&v, "h"), Ok(Some(vec![0x00, 0xff, 0x10])));
        assert_eq!(opt_hex(&v, "null"), Ok(None));
        assert_eq!(opt_b64(&v, "b"), Ok(Some(b"foo".to_vec())));
        assert_eq!(opt_u64(&v, "n"), Ok(Some(42)));
        assert_eq!(opt_bool(&v, "nope"), Ok(None));
        assert!(opt_str(&v, "n").is_err(), "present with the wrong type");
        assert!(opt_hex(&v, "odd").is_err());
    }

    #[test]
    fn errors_name_the_field_and_the_problem() {
        let v = case();
        let msg = |r: Result<Vec<u8>, String>| r.err().unwrap_or_default();
        assert_eq!(
            str(&v, "nope").err().as_deref(),
            Some("vector field \"nope\": missing")
        );
        assert_eq!(
            str(&v, "null").err().as_deref(),
            Some("vector field \"null\": missing")
        );
        assert_eq!(
            str(&v, "n").err().as_deref(),
            Some("vector field \"n\": expected a string, found a number")
        );
        assert!(msg(hex(&v, "odd")).starts_with("vector field \"odd\": bad hex"));
        assert!(msg(b64(&v, "notb64")).starts_with("vector field \"notb64\": bad base64"));
        assert!(u64(&v, "neg").is_err());
        assert!(array(&v, "s").is_err());
        assert!(strings(&v, "badflags").is_err());
        // A non-object has no fields.
        assert!(str(&json!([1]), "s").is_err());
    }

    #[test]
    fn or_panic_passes_ok_through() {
        assert_eq!(Ok::<_, String>(3).or_panic(), 3);
    }

    #[test]
    #[should_panic(expected = "vector field \"x\": missing")]
    fn or_panic_panics_with_the_message() {
        let _ = str(&json!({}), "x").or_panic();
    }
}
