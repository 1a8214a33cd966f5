//! Loader for the external known-answer test (KAT) vectors used by the
//! `pqhybrid` integration tests.
//!
//! The vectors are never copied into the repository. They are read in place
//! from the first of these directories that exists (see [`kat_dir`]):
//!
//! 1. the directory named by the `PQHYBRID_KAT_DIR` environment variable;
//! 2. `<workspace root>/kat-vectors/data` (where `kat-vectors/fetch.sh` puts them);
//! 3. `<workspace root>/../shared/kat-vectors`.
//!
//! Every file is checked against the SHA-256 recorded in `MANIFEST.tsv`
//! before it is handed out. All failures panic: this crate only exists to
//! make tests fail loudly, never to let them pass with zero cases.
//!
//! [`Tally`] counts passes, failures and not-applicable cases for one vector
//! file and prints a single summary line (`kat: <suite>/<file>: ...`) that
//! `cargo xtask kat` collects. Each such name may be reported once per test
//! binary (a second `Tally` with the same name panics), so that the summed
//! lines never mix two different sets of cases.
//!
//! Helpers the tests share instead of copying them: [`json`] (typed field
//! access for the vector files), [`rng`] (deterministic and failing test
//! generators), [`report`] (case labels, byte previews and differences, caught panics),
//! [`hex()`] / [`to_hex`] / [`b64()`], and [`serde_json`] itself, re-exported.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![allow(clippy::panic)]

pub mod json;
pub mod report;
pub mod rng;

/// The JSON library the vectors are parsed with ([`load_json`] returns its [`serde_json::Value`]).
pub use serde_json;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Environment variable that overrides the vector directory.
pub const ENV_VAR: &str = "PQHYBRID_KAT_DIR";

/// The manifest: `path<TAB>sha256<TAB>upstream_url`, one header line.
const MANIFEST: &str = include_str!("../MANIFEST.tsv");

/// How to obtain the vectors; appended to every "not found" panic.
const HOW_TO_GET: &str = "run `kat-vectors/fetch.sh` from the workspace root \
     (downloads into kat-vectors/data/ and checks SHA-256), or set PQHYBRID_KAT_DIR \
     to a directory holding the vectors (layout: see kat-vectors/MANIFEST.tsv)";

/// One manifest row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    sha256: String,
    url: String,
}

fn manifest() -> &'static BTreeMap<String, Entry> {
    static PARSED: OnceLock<BTreeMap<String, Entry>> = OnceLock::new();
    PARSED.get_or_init(|| parse_manifest(MANIFEST))
}

fn parse_manifest(text: &str) -> BTreeMap<String, Entry> {
    let mut map = BTreeMap::new();
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim_end() == "path\tsha256\tupstream_url" => {}
        other => panic!("kat-vectors/MANIFEST.tsv: bad header line {other:?}"),
    }
    for (i, line) in lines {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [path, sha, url] = cols.as_slice() else {
            panic!(
                "kat-vectors/MANIFEST.tsv line {}: expected 3 tab-separated columns, got {}",
                i + 1,
                cols.len()
            );
        };
        let ok_hash = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
        assert!(
            ok_hash,
            "kat-vectors/MANIFEST.tsv line {}: bad sha256 {sha:?}",
            i + 1
        );
        let prev = map.insert(
            (*path).to_owned(),
            Entry {
                sha256: sha.to_ascii_lowercase(),
                url: (*url).to_owned(),
            },
        );
        assert!(
            prev.is_none(),
            "kat-vectors/MANIFEST.tsv line {}: duplicate path {path}",
            i + 1
        );
    }
    map
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The candidate directories, in search order, with a label for messages.
fn candidates() -> Vec<(String, PathBuf)> {
    let root = workspace_root();
    let mut out = Vec::with_capacity(3);
    match std::env::var_os(ENV_VAR) {
        Some(v) if !v.is_empty() => {
            out.push((format!("${ENV_VAR}"), PathBuf::from(v)));
        }
        _ => out.push((format!("${ENV_VAR}"), PathBuf::new())),
    }
    out.push((
        "<workspace>/kat-vectors/data".to_owned(),
        root.join("kat-vectors").join("data"),
    ));
    out.push((
        "<workspace>/../shared/kat-vectors".to_owned(),
        root.join("..").join("shared").join("kat-vectors"),
    ));
    out
}

/// The directory the vectors are read from.
///
/// Search order: `$PQHYBRID_KAT_DIR`; `<workspace root>/kat-vectors/data`;
/// `<workspace root>/../shared/kat-vectors`. The first one that is an
/// existing directory wins.
///
/// # Panics
///
/// If none of the three exists, with a message naming all three and how to
/// obtain the vectors.
pub fn kat_dir() -> PathBuf {
    let cands = candidates();
    for (_, dir) in &cands {
        if !dir.as_os_str().is_empty() && dir.is_dir() {
            return dir.clone();
        }
    }
    let tried: Vec<String> = cands
        .iter()
        .map(|(label, dir)| {
            if dir.as_os_str().is_empty() {
                format!("  - {label} (not set)")
            } else {
                format!("  - {label}: {} (not a directory)", dir.display())
            }
        })
        .collect();
    panic!(
        "known-answer test vectors not found. Looked in, in order:\n{}\nTo get them, {HOW_TO_GET}.",
        tried.join("\n")
    );
}

/// Lowercase hex SHA-256 of `data`.
fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Checks `data` against the manifest entry for `rel`.
fn verify(rel: &str, full: &Path, data: &[u8]) {
    let Some(entry) = manifest().get(rel) else {
        panic!(
            "KAT file {rel:?} is not listed in kat-vectors/MANIFEST.tsv; add a row \
             (path, sha256, upstream URL) before using it"
        );
    };
    let actual = sha256_hex(data);
    assert!(
        actual == entry.sha256,
        "SHA-256 mismatch for KAT file {rel} ({}):\n  expected {}\n  actual   {actual}\n\
         The file is corrupted or from a different upstream version; re-fetch it from {} \
         (kat-vectors/fetch.sh does this and verifies the hash).",
        full.display(),
        entry.sha256,
        entry.url
    );
}

/// Reads a vector file (path relative to [`kat_dir`]) and checks its SHA-256
/// against `MANIFEST.tsv`.
///
/// # Panics
///
/// If the vector directory or the file is missing, if `rel` is not in the
/// manifest, or on a hash mismatch (expected vs actual are printed).
pub fn read_bytes(rel: &str) -> Vec<u8> {
    let rel = rel.trim_start_matches("./");
    let dir = kat_dir();
    let full = dir.join(rel);
    let data = match std::fs::read(&full) {
        Ok(d) => d,
        Err(e) => {
            let url = manifest()
                .get(rel)
                .map_or_else(|| "(not in MANIFEST.tsv)".to_owned(), |m| m.url.clone());
            panic!(
                "KAT file {rel} could not be read at {}: {e}\nUpstream: {url}\nTo get it, {HOW_TO_GET}.",
                full.display()
            );
        }
    };
    verify(rel, &full, &data);
    data
}

/// Reads, hash-checks and parses a JSON vector file (path relative to
/// [`kat_dir`], e.g. `"acvp/ML-KEM-keyGen-FIPS203/internalProjection.json"`).
///
/// # Panics
///
/// As [`read_bytes`], and if the file is not valid JSON.
pub fn load_json(rel: &str) -> serde_json::Value {
    let data = read_bytes(rel);
    match serde_json::from_slice(&data) {
        Ok(v) => v,
        Err(e) => panic!("KAT file {rel}: invalid JSON: {e}"),
    }
}

/// Decodes hex (upper or lower case, even length, no prefix or separators).
///
/// # Panics
///
/// On any invalid input, showing the start of the offending string.
pub fn hex(s: &str) -> Vec<u8> {
    match hex::decode(s) {
        Ok(v) => v,
        Err(e) => panic!("bad hex ({e}): {:?}", preview(s)),
    }
}

/// Lowercase hex of `data` (the inverse of [`hex()`]), for messages and generated files.
#[must_use]
pub fn to_hex(data: &[u8]) -> String {
    hex::encode(data)
}

/// Decodes standard base64 (RFC 4648 alphabet, with `=` padding).
///
/// # Panics
///
/// On any invalid input, showing the start of the offending string.
pub fn b64(s: &str) -> Vec<u8> {
    match base64::engine::general_purpose::STANDARD.decode(s) {
        Ok(v) => v,
        Err(e) => panic!("bad base64 ({e}): {:?}", preview(s)),
    }
}

fn preview(s: &str) -> String {
    const MAX: usize = 64;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}... ({} chars)", s.len())
    }
}

/// How many failure messages [`Tally::finish`] prints.
const MAX_FAILURES_SHOWN: usize = 10;

/// Counts the outcome of every case in one vector file.
///
/// Create one per file, call [`pass`](Tally::pass) / [`fail`](Tally::fail) /
/// [`check`](Tally::check) / [`na`](Tally::na) for each case, and end with
/// [`finish`](Tally::finish), which prints the summary line and panics if
/// anything failed or nothing ran.
#[derive(Debug)]
#[must_use = "call Tally::finish() to report and enforce the result"]
pub struct Tally {
    suite: String,
    file: String,
    passed: usize,
    failed: usize,
    na: BTreeMap<String, usize>,
    failures: Vec<String>,
}

/// The environment variable `cargo xtask kat` sets to the lattice backend configuration a
/// KAT binary was built with.
pub const CONFIG_ENV_VAR: &str = "PQHYBRID_KAT_CONFIG";

/// The reported file label: `file`, then ` [config]` when a configuration is given. A label
/// that already carries a tag of its own (`file [compact]`) gets the configuration as a second
/// tag (`file [compact] [libcrux]`): the same file runs under every configuration, and each
/// run must be told apart.
fn file_label(file: &str, config: Option<&str>) -> String {
    match config {
        Some(config) if !config.is_empty() => format!("{file} [{config}]"),
        _ => file.to_owned(),
    }
}

/// Records that a report named `name` (`suite/file label`) exists in this process.
///
/// # Panics
/// If a report of that name was already created: two sets of cases would be summed under one
/// name by `cargo xtask kat`, and one could hide the other.
fn claim_name(name: &str) {
    static NAMES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    assert!(
        names.insert(name.to_owned()),
        "kat: a second report named {name:?} in this test binary; every Tally needs its own \
         suite/file name (add the test file's or variant's name to the suite or the file label)"
    );
}

impl Tally {
    /// Starts counting for `suite` (e.g. `"acvp"`) and `file`
    /// (e.g. `"ML-KEM-keyGen-FIPS203"`), reported as `suite/file`.
    ///
    /// When `PQHYBRID_KAT_CONFIG` is set (by `cargo xtask kat`, to the lattice backend
    /// configuration the test binary was built with), the file is reported as
    /// `file [config]`; a file label with its own tag (`file [compact]`) becomes
    /// `file [compact] [config]`.
    ///
    /// # Panics
    /// If `suite` or `file` is empty or holds a line break, or if a `Tally` with the same
    /// name was already created in this test binary (names must be unique: see the crate
    /// documentation).
    pub fn new(suite: &str, file: &str) -> Tally {
        assert!(
            !suite.is_empty() && !file.is_empty() && !format!("{suite}{file}").contains('\n'),
            "kat: bad report name {suite:?}/{file:?}"
        );
        let config = std::env::var(CONFIG_ENV_VAR).ok();
        let file = file_label(file, config.as_deref());
        claim_name(&format!("{suite}/{file}"));
        Tally {
            suite: suite.to_owned(),
            file,
            passed: 0,
            failed: 0,
            na: BTreeMap::new(),
            failures: Vec::new(),
        }
    }

    /// Records a passing case.
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    /// Records a failing case; `msg` should identify it (e.g. `tgId`/`tcId`).
    pub fn fail(&mut self, msg: impl Into<String>) {
        self.failed += 1;
        if self.failures.len() < MAX_FAILURES_SHOWN {
            self.failures.push(msg.into());
        }
    }

    /// Records a case that does not apply to this library, grouped by `reason`.
    pub fn na(&mut self, reason: &str) {
        *self.na.entry(reason.to_owned()).or_insert(0) += 1;
    }

    /// Records a pass if `ok`, else a failure with the message from `msg`
    /// (only evaluated on failure).
    pub fn check(&mut self, ok: bool, msg: impl FnOnce() -> String) {
        if ok {
            self.pass();
        } else {
            self.fail(msg());
        }
    }

    /// Number of passing cases so far.
    pub fn passed(&self) -> usize {
        self.passed
    }

    /// Number of failing cases so far.
    pub fn failed(&self) -> usize {
        self.failed
    }

    /// Number of not-applicable cases so far (all reasons).
    pub fn not_applicable(&self) -> usize {
        self.na.values().sum()
    }

    /// The report printed by [`finish`](Tally::finish): the summary line,
    /// then indented N/A reasons and the first failure messages.
    fn report(&self) -> String {
        let mut out = format!(
            "kat: {}/{}: {} passed, {} failed, {} not applicable\n",
            self.suite,
            self.file,
            self.passed,
            self.failed,
            self.not_applicable()
        );
        for (reason, n) in &self.na {
            out.push_str(&format!("    n/a {n}: {reason}\n"));
        }
        if self.failed > 0 {
            let shown = self.failures.len();
            if self.failed > shown {
                out.push_str(&format!("    first {shown} of {} failures:\n", self.failed));
            }
            for msg in &self.failures {
                out.push_str(&format!("    FAIL: {msg}\n"));
            }
        }
        out
    }

    /// Prints the report to stdout (always), then panics if any case failed
    /// or if no case passed.
    ///
    /// # Panics
    ///
    /// If `failed > 0`, or if `passed == 0` (no applicable vectors ran).
    pub fn finish(self) {
        // `print!` (not a raw stdout handle) so libtest captures it like any
        // other test output; `--nocapture` shows it live.
        print!("{}", self.report());
        let name = format!("{}/{}", self.suite, self.file);
        if self.failed > 0 {
            panic!(
                "kat {name}: {} of {} applicable cases failed",
                self.failed,
                self.failed + self.passed
            );
        }
        if self.passed == 0 {
            panic!(
                "kat {name}: no applicable vectors ran ({} not applicable). \
                 Check that the vector file is the expected one; to get the vectors, {HOW_TO_GET}.",
                self.not_applicable()
            );
        }
    }
}

/// The order `n` of the NIST P-256 group, big-endian.
pub const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The malleated twin of a DER ECDSA signature `SEQUENCE { r, s }` over the curve of order
/// `order` (big-endian): `SEQUENCE { r, n − s }`, which verifies exactly when the original does.
/// Test support for the low-s checks (hand-rolled big-endian subtraction; `s < n` assumed).
///
/// # Panics
/// If `der` is not a short-form DER sequence of two integers.
#[must_use]
pub fn ecdsa_der_negate_s(der: &[u8], order: &[u8]) -> Vec<u8> {
    assert_eq!(der[0], 0x30, "not a DER sequence");
    let rl = usize::from(der[3]);
    let r = &der[4..4 + rl];
    let sl = usize::from(der[5 + rl]);
    let s = &der[6 + rl..6 + rl + sl];
    let mut s_full = vec![0u8; order.len()];
    let digits: Vec<u8> = s.iter().copied().skip_while(|&b| b == 0).collect();
    s_full[order.len() - digits.len()..].copy_from_slice(&digits);
    let mut neg = vec![0u8; order.len()];
    let mut borrow = 0i16;
    for i in (0..order.len()).rev() {
        let mut d = i16::from(order[i]) - i16::from(s_full[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        neg[i] = d as u8;
    }
    let int = |x: &[u8]| {
        let mut v: Vec<u8> = x.iter().copied().skip_while(|&b| b == 0).collect();
        if v.first().is_none_or(|&b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        [vec![0x02, v.len() as u8], v].concat()
    };
    let body = [int(r), int(&neg)].concat();
    [vec![0x30, body.len() as u8], body].concat()
}

/// The order `n` of the NIST P-384 group, big-endian.
pub const P384_ORDER: [u8; 48] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_lower_and_upper() {
        assert_eq!(hex(""), Vec::<u8>::new());
        assert_eq!(hex("00ff10ab"), vec![0x00, 0xff, 0x10, 0xab]);
        assert_eq!(hex("00FF10AB"), vec![0x00, 0xff, 0x10, 0xab]);
        assert_eq!(hex("aBcD"), vec![0xab, 0xcd]);
    }

    #[test]
    #[should_panic(expected = "bad hex")]
    fn hex_odd_length_panics() {
        let _ = hex("abc");
    }

    #[test]
    #[should_panic(expected = "bad hex")]
    fn hex_bad_char_panics() {
        let _ = hex("zz");
    }

    #[test]
    fn b64_standard_padded() {
        assert_eq!(b64(""), Vec::<u8>::new());
        assert_eq!(b64("Zg=="), b"f".to_vec());
        assert_eq!(b64("Zm8="), b"fo".to_vec());
        assert_eq!(b64("Zm9vYmFy"), b"foobar".to_vec());
        assert_eq!(b64("+/8="), vec![0xfb, 0xff]);
    }

    #[test]
    #[should_panic(expected = "bad base64")]
    fn b64_missing_padding_panics() {
        let _ = b64("Zg");
    }

    #[test]
    #[should_panic(expected = "bad base64")]
    fn b64_url_alphabet_panics() {
        let _ = b64("-_8=");
    }

    #[test]
    fn tally_counts_and_report() {
        let mut t = Tally::new("acvp", "ML-KEM-keyGen-FIPS203");
        t.pass();
        t.check(true, || unreachable!("message only built on failure"));
        t.na("HashML-DSA pre-hash");
        t.na("HashML-DSA pre-hash");
        t.na("external mu");
        assert_eq!((t.passed(), t.failed(), t.not_applicable()), (2, 0, 3));
        let r = t.report();
        let mut lines = r.lines();
        assert_eq!(
            lines.next(),
            Some("kat: acvp/ML-KEM-keyGen-FIPS203: 2 passed, 0 failed, 3 not applicable")
        );
        assert!(r.contains("    n/a 2: HashML-DSA pre-hash\n"));
        assert!(r.contains("    n/a 1: external mu\n"));
        t.finish();
    }

    #[test]
    fn tally_keeps_first_ten_failures() {
        let mut t = Tally::new("wycheproof", "mlkem_768_test.json");
        for i in 0..15 {
            t.check(false, || format!("tcId {i}"));
        }
        assert_eq!(t.failed(), 15);
        let r = t.report();
        assert!(r.starts_with(
            "kat: wycheproof/mlkem_768_test.json: 0 passed, 15 failed, 0 not applicable\n"
        ));
        assert!(r.contains("FAIL: tcId 9\n"));
        assert!(!r.contains("FAIL: tcId 10\n"));
        assert!(r.contains("first 10 of 15 failures"));
    }

    #[test]
    #[should_panic(expected = "no applicable vectors ran")]
    fn tally_zero_passes_panics() {
        let mut t = Tally::new("unit-test", "zero passes");
        t.na("not offered");
        t.finish();
    }

    #[test]
    #[should_panic(expected = "no applicable vectors ran")]
    fn tally_empty_panics() {
        Tally::new("unit-test", "empty").finish();
    }

    #[test]
    #[should_panic(expected = "1 of 3 applicable cases failed")]
    fn tally_failure_panics() {
        let mut t = Tally::new("composite-sigs", "testvectors.json");
        t.pass();
        t.pass();
        t.fail("tcId 7: signature rejected");
        t.finish();
    }

    #[test]
    #[should_panic(expected = "a second report named \"unit-test/twice\"")]
    fn tally_duplicate_name_panics() {
        let _first = Tally::new("unit-test", "twice");
        let _second = Tally::new("unit-test", "twice");
    }

    #[test]
    fn same_file_in_other_suites_is_distinct() {
        let _a = Tally::new("unit-test-a", "testvectors.json");
        let _b = Tally::new("unit-test-b", "testvectors.json");
    }

    #[test]
    fn file_label_appends_the_configuration() {
        assert_eq!(file_label("f.json", None), "f.json");
        assert_eq!(file_label("f.json", Some("")), "f.json");
        assert_eq!(file_label("f.json", Some("libcrux")), "f.json [libcrux]");
        // A tagged label still names the configuration: the compact verifier's files run
        // under every backend configuration and must not collide.
        assert_eq!(
            file_label("f.json [compact]", Some("rustcrypto")),
            "f.json [compact] [rustcrypto]"
        );
    }

    #[test]
    fn to_hex_inverts_hex() {
        assert_eq!(to_hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(hex(&to_hex(b"pqhybrid")), b"pqhybrid".to_vec());
    }

    #[test]
    fn manifest_parses_and_covers_the_sets() {
        let m = manifest();
        assert!(m.len() >= 40, "only {} rows", m.len());
        for prefix in [
            "acvp/",
            "acvp-legacy-2024-08/",
            "wycheproof/",
            "xwing/test-vectors.json",
            "composite-sigs/testvectors.json",
            "composite-kem/testvectors.json",
        ] {
            assert!(m.keys().any(|k| k.starts_with(prefix)), "{prefix} missing");
        }
        assert!(!m.keys().any(|k| k.contains("schemas/")));
        for (path, e) in m {
            assert!(e.url.starts_with("https://"), "{path}: {}", e.url);
            assert!(
                e.url.ends_with(path.rsplit('/').next().unwrap_or(path)),
                "{path}: url {} does not end with the file name",
                e.url
            );
        }
    }

    #[test]
    #[should_panic(expected = "bad header")]
    fn manifest_rejects_bad_header() {
        let _ = parse_manifest("a\tb\tc\n");
    }

    #[test]
    #[should_panic(expected = "not listed")]
    fn verify_rejects_unlisted() {
        verify("nope/x.json", Path::new("nope/x.json"), b"");
    }

    #[test]
    #[should_panic(expected = "SHA-256 mismatch")]
    fn verify_rejects_wrong_hash() {
        verify(
            "xwing/test-vectors.json",
            Path::new("xwing/test-vectors.json"),
            b"not the vectors",
        );
    }

    /// Reads every manifest row when the vectors are present; skipped (with a
    /// note) when they are not, since the other tests do not need them.
    #[test]
    fn all_manifest_files_verify_when_present() {
        let present = candidates()
            .iter()
            .any(|(_, d)| !d.as_os_str().is_empty() && d.is_dir());
        if !present {
            println!("vectors not present; skipping full manifest verification");
            return;
        }
        for path in manifest().keys() {
            let data = read_bytes(path);
            if path.ends_with(".json") {
                assert!(serde_json::from_slice::<serde_json::Value>(&data).is_ok());
            }
        }
        let v = load_json("xwing/test-vectors.json");
        assert!(v.as_array().is_some_and(|a| a.len() == 3));
    }
}
