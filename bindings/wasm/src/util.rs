//! Errors thrown to JavaScript and small conversion helpers.

use js_sys::{Array, BigInt, Object, Reflect, Uint8Array};
use pqhybrid::{Error, Field, KemAlgorithm, SignatureAlgorithm};
use wasm_bindgen::prelude::*;

/// The stable `code` of a pqhybrid error: the Rust variant name, `Firmware.<variant>` for a
/// firmware rejection, `Identity.<variant>` for a device-identity one.
pub(crate) fn code_of(e: &Error) -> String {
    match e {
        Error::InvalidLength { .. } => "InvalidLength".into(),
        Error::BufferTooSmall { .. } => "BufferTooSmall".into(),
        Error::MalformedEncoding { .. } => "MalformedEncoding".into(),
        Error::InvalidKey { .. } => "InvalidKey".into(),
        Error::ContextTooLong { .. } => "ContextTooLong".into(),
        Error::ContextNotSupported => "ContextNotSupported".into(),
        Error::VerificationFailed => "VerificationFailed".into(),
        Error::Rng => "Rng".into(),
        Error::ZeroSharedSecret => "ZeroSharedSecret".into(),
        Error::AuthenticationFailed => "AuthenticationFailed".into(),
        Error::SeedUnavailable => "SeedUnavailable".into(),
        Error::SigningFailed => "SigningFailed".into(),
        Error::AlgorithmDisabled => "AlgorithmDisabled".into(),
        Error::UnknownAlgorithm => "UnknownAlgorithm".into(),
        Error::UnsupportedSuite => "UnsupportedSuite".into(),
        Error::Firmware(f) => format!("Firmware.{}", f.name()),
        Error::Identity(i) => format!("Identity.{}", i.name()),
        _ => "Unknown".into(),
    }
}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::PublicKey => "publicKey",
        Field::SecretKey => "secretKey",
        Field::Seed => "seed",
        Field::ExpandedKey => "expandedKey",
        Field::Signature => "signature",
        Field::Ciphertext => "ciphertext",
        Field::SharedSecret => "sharedSecret",
        Field::Nonce => "nonce",
        Field::Tag => "tag",
        Field::Plaintext => "plaintext",
        Field::Randomness => "randomness",
        Field::SymmetricKey => "symmetricKey",
        _ => "unknown",
    }
}

fn set(o: &JsValue, k: &str, v: impl Into<JsValue>) {
    // Setting a property on a fresh plain object or Error cannot fail.
    let _ = Reflect::set(o, &JsValue::from_str(k), &v.into());
}

/// A JavaScript `Error` named `PqhybridError` with a `code` property.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("PqhybridError");
    let v: JsValue = e.into();
    set(&v, "code", code);
    v
}

/// Converts a pqhybrid error: `code`, the message of its `Display`, and the details
/// (`field`, `expected`, `actual`, `max`) where the variant has them.
pub(crate) fn err(e: Error) -> JsValue {
    let v = js_error(&code_of(&e), &e.to_string());
    match e {
        Error::InvalidLength {
            field,
            expected,
            actual,
        } => {
            set(&v, "field", field_name(field));
            set(&v, "expected", expected as f64);
            set(&v, "actual", actual as f64);
        }
        Error::MalformedEncoding { field } | Error::InvalidKey { field } => {
            set(&v, "field", field_name(field));
        }
        Error::ContextTooLong { max, actual } => {
            set(&v, "max", max as f64);
            set(&v, "actual", actual as f64);
        }
        _ => {}
    }
    v
}

pub(crate) fn invalid_arg(message: &str) -> JsValue {
    js_error("InvalidArgument", message)
}

pub(crate) trait JsResult<T> {
    fn js(self) -> Result<T, JsValue>;
}

impl<T> JsResult<T> for pqhybrid::Result<T> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(err)
    }
}

/// A signature algorithm by name (case-insensitive), or an `UnknownAlgorithm` error.
pub(crate) fn sig_alg(name: &str) -> Result<SignatureAlgorithm, JsValue> {
    SignatureAlgorithm::from_name(name).ok_or_else(|| {
        js_error(
            "UnknownAlgorithm",
            &format!("unknown signature algorithm {name:?} (see signatureAlgorithms())"),
        )
    })
}

/// A KEM by name (case-insensitive), or an `UnknownAlgorithm` error.
pub(crate) fn kem_alg(name: &str) -> Result<KemAlgorithm, JsValue> {
    KemAlgorithm::from_name(name).ok_or_else(|| {
        js_error(
            "UnknownAlgorithm",
            &format!("unknown KEM {name:?} (see kemAlgorithms())"),
        )
    })
}

/// Either kind of algorithm.
#[derive(Clone, Copy)]
pub(crate) enum AnyAlg {
    Sig(SignatureAlgorithm),
    Kem(KemAlgorithm),
}

pub(crate) fn any_alg(name: &str) -> Result<AnyAlg, JsValue> {
    if let Some(a) = SignatureAlgorithm::from_name(name) {
        Ok(AnyAlg::Sig(a))
    } else if let Some(k) = KemAlgorithm::from_name(name) {
        Ok(AnyAlg::Kem(k))
    } else {
        Err(js_error(
            "UnknownAlgorithm",
            &format!("unknown algorithm {name:?} (see signatureAlgorithms() and kemAlgorithms())"),
        ))
    }
}

/// A plain object builder.
pub(crate) struct Obj(pub(crate) JsValue);

impl Obj {
    pub(crate) fn new() -> Self {
        Obj(Object::new().into())
    }
    pub(crate) fn with(self, k: &str, v: impl Into<JsValue>) -> Self {
        set(&self.0, k, v);
        self
    }
    pub(crate) fn bytes(self, k: &str, b: &[u8]) -> Self {
        self.with(k, Uint8Array::from(b))
    }
    pub(crate) fn into_js(self) -> JsValue {
        self.0
    }
}

pub(crate) fn bigint(v: u64) -> JsValue {
    BigInt::from(v).into()
}

pub(crate) fn str_array<'a>(items: impl Iterator<Item = &'a str>) -> JsValue {
    let a = Array::new();
    for s in items {
        a.push(&JsValue::from_str(s));
    }
    a.into()
}

/// A `number` (non-negative safe integer) or `bigint` as `u64`.
pub(crate) fn to_u64(v: &JsValue, what: &str) -> Result<u64, JsValue> {
    if let Some(n) = v.as_f64() {
        if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
            return Ok(n as u64);
        }
    } else if v.is_bigint() {
        let s: String = BigInt::from(v.clone())
            .to_string(10)
            .map(String::from)
            .unwrap_or_default();
        if let Ok(n) = s.parse::<u64>() {
            return Ok(n);
        }
    }
    Err(invalid_arg(&format!(
        "{what} must be a non-negative integer (number or bigint) below 2^64"
    )))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[usize::from(b >> 4)] as char);
        s.push(H[usize::from(b & 15)] as char);
    }
    s
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.chunks(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

/// `n` bytes given as a `Uint8Array` or a hex string (`-` separators allowed, as in a UUID).
pub(crate) fn fixed_bytes<const N: usize>(v: &JsValue, what: &str) -> Result<[u8; N], JsValue> {
    let bytes = if let Some(s) = v.as_string() {
        let cleaned: String = s.chars().filter(|c| *c != '-').collect();
        unhex(cleaned.trim())
    } else if v.is_instance_of::<Uint8Array>() {
        Some(Uint8Array::from(v.clone()).to_vec())
    } else {
        None
    };
    bytes
        .and_then(|b| <[u8; N]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| {
            invalid_arg(&format!(
                "{what} must be a Uint8Array of {N} bytes or {} hex digits",
                2 * N
            ))
        })
}

pub(crate) fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}
