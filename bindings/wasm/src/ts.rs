//! TypeScript declarations generated at compile time from the pqhybrid crate's tables.
//!
//! The unions of algorithm names, `SignatureAlgorithmName` and `KemAlgorithmName`, are built
//! by const evaluation from the names in `pqhybrid::agile::SIGNATURES` and `KEMS`, the tables
//! that `signatureAlgorithms()` and `kemAlgorithms()` list at run time: an algorithm added to
//! the crate appears in the `.d.ts` with nothing to edit here. `IdentityErrorCode` likewise
//! from `IdentityError::ALL` (what `identityErrorCodes()` lists), each name after `Identity.`;
//! `HpkeKemName`, `HpkeKdfName` and `HpkeAeadName` from `KemAlgorithm::ALL` (the KEMs that
//! `pqhybrid::hpke::kem_id` gives a code point), `hpke::Kdf::ALL` and `hpke::Aead::ALL` (what
//! `hpkeAlgorithms()` lists). `lib.rs` hands [`ALGORITHM_NAMES`] to
//! `#[wasm_bindgen(typescript_custom_section)]`, which takes any const `&str` expression
//! (wasm-bindgen >= 0.2.93).
//!
//! Needs Rust 1.87 (`core::str::from_utf8` in const) and 1.83 (`&mut` in const fns, consts
//! reading statics); the crate's MSRV is 1.88.

// `ALGORITHM_NAMES` is read only inside the `const _: () = { … }` block that
// `typescript_custom_section` expands to (wasm targets only), whose statics the dead-code lint
// does not count as uses; without this, everything here would be reported as never used.
#![allow(dead_code)]

use pqhybrid::KemAlgorithm;
use pqhybrid::agile::{KEMS, SIGNATURES};
use pqhybrid::error::IdentityError;
use pqhybrid::hpke::{self, Aead, Kdf};

/// The names of `SIGNATURES`, in its order.
const SIGNATURE_NAMES: [&str; SIGNATURES.len()] = {
    let mut names = [""; SIGNATURES.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = SIGNATURES[i].name;
        i += 1;
    }
    names
};

/// The names of `KEMS`, in its order.
const KEM_NAMES: [&str; KEMS.len()] = {
    let mut names = [""; KEMS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = KEMS[i].name;
        i += 1;
    }
    names
};

/// How many KEMs have an HPKE code point (`pqhybrid::hpke::kem_id`).
const HPKE_KEM_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < KemAlgorithm::ALL.len() {
        if hpke::kem_id(KemAlgorithm::ALL[i]).is_some() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The names of the KEMs with an HPKE code point, in `KemAlgorithm::ALL`'s order (what
/// `hpkeAlgorithms().kems` lists).
const HPKE_KEM_NAMES: [&str; HPKE_KEM_COUNT] = {
    let mut names = [""; HPKE_KEM_COUNT];
    let (mut i, mut n) = (0, 0);
    while i < KemAlgorithm::ALL.len() {
        if hpke::kem_id(KemAlgorithm::ALL[i]).is_some() {
            names[n] = KemAlgorithm::ALL[i].name();
            n += 1;
        }
        i += 1;
    }
    names
};

/// The names of `Kdf::ALL`, in its order.
const HPKE_KDF_NAMES: [&str; Kdf::ALL.len()] = {
    let mut names = [""; Kdf::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Kdf::ALL[i].name();
        i += 1;
    }
    names
};

/// The names of `Aead::ALL`, in its order.
const HPKE_AEAD_NAMES: [&str; Aead::ALL.len()] = {
    let mut names = [""; Aead::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Aead::ALL[i].name();
        i += 1;
    }
    names
};

/// The names of `IdentityError::ALL`, in its order.
const IDENTITY_ERROR_NAMES: [&str; IdentityError::ALL.len()] = {
    let mut names = [""; IdentityError::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = IdentityError::ALL[i].name();
        i += 1;
    }
    names
};

/// Appends text to a buffer during const evaluation; with an empty buffer it only counts, so
/// that one function both sizes the array and fills it.
struct Writer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    const fn push(&mut self, s: &str) {
        let b = s.as_bytes();
        if !self.buf.is_empty() {
            let mut i = 0;
            while i < b.len() {
                self.buf[self.len + i] = b[i];
                i += 1;
            }
        }
        self.len += b.len();
    }

    /// `/** doc */ export type ty = | "<prefix>a" | "<prefix>b" …;`, one name a line. The
    /// names go in string literals unescaped, so they must not need escaping (a build error
    /// otherwise).
    const fn union(&mut self, doc: &str, ty: &str, prefix: &str, names: &[&str]) {
        self.push("\n/** ");
        self.push(doc);
        self.push(" */\nexport type ");
        self.push(ty);
        self.push(" =");
        let mut i = 0;
        while i < names.len() {
            let name = names[i].as_bytes();
            assert!(!name.is_empty(), "empty algorithm name");
            let mut j = 0;
            while j < name.len() {
                let c = name[j];
                assert!(
                    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.',
                    "an algorithm name needs escaping in TypeScript"
                );
                j += 1;
            }
            self.push("\n  | \"");
            self.push(prefix);
            self.push(names[i]);
            self.push("\"");
            i += 1;
        }
        self.push(";\n");
    }
}

/// Writes the declarations into `buf` (or only counts them, if `buf` is empty); returns their
/// length.
const fn algorithm_names(buf: &mut [u8]) -> usize {
    let mut w = Writer { buf, len: 0 };
    w.union(
        "A signature algorithm name (case-insensitive on input).",
        "SignatureAlgorithmName",
        "",
        &SIGNATURE_NAMES,
    );
    w.union(
        "A KEM name (case-insensitive on input).",
        "KemAlgorithmName",
        "",
        &KEM_NAMES,
    );
    w.union(
        "A KEM with an HPKE code point (`hpkeAlgorithms().kems`; case-insensitive on input).",
        "HpkeKemName",
        "",
        &HPKE_KEM_NAMES,
    );
    w.union(
        "An HPKE KDF (`hpkeAlgorithms().kdfs`; case-insensitive on input).",
        "HpkeKdfName",
        "",
        &HPKE_KDF_NAMES,
    );
    w.union(
        "An HPKE AEAD (`hpkeAlgorithms().aeads`; case-insensitive on input).",
        "HpkeAeadName",
        "",
        &HPKE_AEAD_NAMES,
    );
    w.union(
        "The code of a device-identity rejection (`identityErrorCodes()`).",
        "IdentityErrorCode",
        "Identity.",
        &IDENTITY_ERROR_NAMES,
    );
    w.len
}

const ALGORITHM_NAMES_LEN: usize = algorithm_names(&mut []);

const ALGORITHM_NAMES_BYTES: [u8; ALGORITHM_NAMES_LEN] = {
    let mut bytes = [0u8; ALGORITHM_NAMES_LEN];
    assert!(algorithm_names(&mut bytes) == ALGORITHM_NAMES_LEN);
    bytes
};

/// The TypeScript declarations of `SignatureAlgorithmName` and `KemAlgorithmName` (every name
/// of `SIGNATURES` and of `KEMS`, in table order), of `HpkeKemName`, `HpkeKdfName` and
/// `HpkeAeadName` (the HPKE suite's names) and of `IdentityErrorCode`.
pub(crate) const ALGORITHM_NAMES: &str = match core::str::from_utf8(&ALGORITHM_NAMES_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("algorithm names are not UTF-8"),
};

#[cfg(test)]
mod tests {
    use super::ALGORITHM_NAMES;
    use pqhybrid::error::IdentityError;
    use pqhybrid::hpke::{Aead, Kdf};
    use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

    fn union(ty: &str, names: &[&str]) -> String {
        let mut s = format!("export type {ty} =");
        for n in names {
            s.push_str(&format!("\n  | \"{n}\""));
        }
        s + ";\n"
    }

    #[test]
    fn identity_error_codes_are_prefixed() {
        let codes: Vec<String> = IdentityError::ALL
            .iter()
            .map(|e| format!("Identity.{}", e.name()))
            .collect();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        assert!(ALGORITHM_NAMES.contains(&union("IdentityErrorCode", &codes)));
        assert!(ALGORITHM_NAMES.contains("\n  | \"Identity.BadNonce\"\n"));
    }

    #[test]
    fn hpke_unions_list_the_suite_names() {
        let kems: Vec<&str> = KemAlgorithm::ALL
            .into_iter()
            .filter(|k| pqhybrid::hpke::kem_id(*k).is_some())
            .map(KemAlgorithm::name)
            .collect();
        let kdfs: Vec<&str> = Kdf::ALL.into_iter().map(Kdf::name).collect();
        let aeads: Vec<&str> = Aead::ALL.into_iter().map(Aead::name).collect();
        assert_eq!(kems.len(), 6);
        assert!(!kems.contains(&"MLKEM768-X25519-SHA3-256"));
        assert!(ALGORITHM_NAMES.contains(&union("HpkeKemName", &kems)));
        assert!(ALGORITHM_NAMES.contains(&union("HpkeKdfName", &kdfs)));
        assert!(ALGORITHM_NAMES.contains(&union("HpkeAeadName", &aeads)));
    }

    #[test]
    fn unions_list_every_algorithm() {
        let sigs: Vec<&str> = SignatureAlgorithm::ALL.iter().map(|a| a.name()).collect();
        let kems: Vec<&str> = KemAlgorithm::ALL.iter().map(|a| a.name()).collect();
        assert!(ALGORITHM_NAMES.contains(&union("SignatureAlgorithmName", &sigs)));
        assert!(ALGORITHM_NAMES.contains(&union("KemAlgorithmName", &kems)));
        assert!(ALGORITHM_NAMES.contains("\n  | \"ML-DSA-65\"\n"));
        assert!(ALGORITHM_NAMES.contains("\n  | \"X-Wing\"\n"));
    }
}
