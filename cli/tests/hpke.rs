//! End-to-end tests of KEM keys and of `pqhybrid seal` / `pqhybrid open` (HPKE, the
//! "pqhybrid seal file" of docs/hpke.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{code, ok, run, stderr, stdout};

use std::fs;
use std::path::Path;

use pqhybrid::KemAlgorithm;
use sha2::Digest as _;

/// The KEMs with an HPKE code point and their KEM ids (draft-ietf-hpke-pq-04), written out here
/// independently of the library.
const HPKE_KEMS: [(&str, u16); 6] = [
    ("ML-KEM-512", 0x0040),
    ("ML-KEM-768", 0x0041),
    ("ML-KEM-1024", 0x0042),
    ("X-Wing", 0x647a),
    ("MLKEM768-ECDH-P256-SHA3-256", 0x0050),
    ("MLKEM1024-ECDH-P384-SHA3-256", 0x0051),
];
/// The KEM without one.
const NON_HPKE_KEM: &str = "MLKEM768-X25519-SHA3-256";
const KDFS: [(&str, u16); 4] = [
    ("HKDF-SHA256", 1),
    ("HKDF-SHA512", 3),
    ("SHAKE128", 0x10),
    ("SHAKE256", 0x11),
];
const AEADS: [(&str, u16); 2] = [("AES-256-GCM", 2), ("ChaCha20Poly1305", 3)];
const HEADER: usize = 16;
const TAG: usize = 16;

/// Runs, asserts exit code `want`, one line of stderr naming `file` and containing each of
/// `needles`; returns stderr.
fn fails(dir: &Path, args: &[&str], want: i32, file: &str, needles: &[&str]) -> String {
    let out = run(dir, args);
    let err = stderr(&out);
    assert_eq!(
        code(&out),
        want,
        "pqhybrid {args:?}: expected exit {want}\nstdout: {}\nstderr: {err}",
        stdout(&out)
    );
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(file), "{args:?}: names {file}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: contains {n:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// `keygen --alg kem --out name.key` and `pubkey --out name.pub`; returns the key id `keygen`
/// printed (None: "no key id").
fn kem_keypair(dir: &Path, kem: &str, name: &str) -> Option<String> {
    let key = format!("{name}.key");
    let public = format!("{name}.pub");
    let out = ok(dir, &["keygen", "--alg", kem, "--out", &key]);
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("wrote {kem} private key to {key} (mode 0600)\n")),
        "{err}"
    );
    let id = err
        .lines()
        .find_map(|l| l.strip_prefix("key id: "))
        .map(str::to_owned);
    let pub_err = stderr(&ok(dir, &["pubkey", "--key", &key, "--out", &public]));
    match &id {
        Some(id) => assert_eq!(pub_err, format!("{kem} public key; key id: {id}\n")),
        None => assert!(pub_err.contains("no key id"), "{pub_err}"),
    }
    id
}

/// The raw public key of an SPKI PEM file.
fn raw_public_key(path: &Path) -> (KemAlgorithm, Vec<u8>) {
    let text = fs::read_to_string(path).unwrap();
    let (alg, pk) = pqhybrid::encoding::decode_public_key_pem(&text).unwrap();
    match alg {
        pqhybrid::encoding::Algorithm::Kem(k) => (k, pk),
        other => panic!("{other:?} is not a KEM"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn u16_at(bytes: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes([bytes[offset], bytes[offset + 1]])
}

/// The plaintext the tests seal.
fn plaintext(dir: &Path, len: usize) -> Vec<u8> {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
    fs::write(dir.join("plain.bin"), &bytes).unwrap();
    bytes
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn kem_keys_for_every_kem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (i, (kem, kem_id)) in HPKE_KEMS.iter().enumerate() {
        let name = format!("k{i}");
        let id = kem_keypair(d, kem, &name).expect("an HPKE KEM has a key id");
        let key_text = fs::read_to_string(d.join(format!("{name}.key"))).unwrap();
        assert!(key_text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        #[cfg(unix)]
        assert_eq!(mode(&d.join(format!("{name}.key"))), 0o600);
        let pub_path = d.join(format!("{name}.pub"));
        assert!(
            fs::read_to_string(&pub_path)
                .unwrap()
                .starts_with("-----BEGIN PUBLIC KEY-----\n")
        );
        // The KEM key id: SHA-256("pqhybrid/v1/kem-key-id" ‖ u16le(HPKE KEM id) ‖ pk), the same
        // from keygen, pubkey, keyid and the library.
        let (alg, pk) = raw_public_key(&pub_path);
        assert_eq!(alg.name(), *kem);
        let mut h = sha2::Sha256::new();
        h.update(b"pqhybrid/v1/kem-key-id");
        h.update(kem_id.to_le_bytes());
        h.update(&pk);
        assert_eq!(id, hex(&h.finalize()));
        assert_eq!(id, hex(&pqhybrid::hpke::key_id(alg, &pk).unwrap()));
        let keyid = stdout(&ok(d, &["keyid", "--pubkey", &format!("{name}.pub")]));
        assert_eq!(keyid, format!("{id}\n"));
        // pubkey to stdout prints the same PEM.
        let to_stdout = ok(d, &["pubkey", "--key", &format!("{name}.key")]);
        assert_eq!(stdout(&to_stdout), fs::read_to_string(&pub_path).unwrap());
    }

    // The KEM without an HPKE code point: a key, but no key id.
    assert_eq!(kem_keypair(d, NON_HPKE_KEM, "x"), None);
    fails(
        d,
        &["keyid", "--pubkey", "x.pub"],
        2,
        "x.pub",
        &[NON_HPKE_KEM, "[UnsupportedSuite]"],
    );

    // keygen's rules hold for KEM keys: no overwrite without --force, which resets the mode.
    let before = fs::read(d.join("k3.key")).unwrap();
    fails(
        d,
        &["keygen", "--alg", "X-Wing", "--out", "k3.key"],
        2,
        "k3.key",
        &["--force"],
    );
    assert_eq!(fs::read(d.join("k3.key")).unwrap(), before);
    ok(
        d,
        &["keygen", "--alg", "x-wing", "--out", "k3.key", "--force"],
    );
    assert_ne!(fs::read(d.join("k3.key")).unwrap(), before);
    #[cfg(unix)]
    assert_eq!(mode(&d.join("k3.key")), 0o600);
    // An unknown name is still refused with the same message.
    fails(
        d,
        &["keygen", "--alg", "Kyber768", "--out", "y.key"],
        2,
        "Kyber768",
        &["unknown algorithm", "pqhybrid algs"],
    );
    assert!(!d.join("y.key").exists());
}

#[test]
fn algs_lists_kems_as_a_separate_group() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = stdout(&ok(d, &["algs"]));
    assert_eq!(list, stdout(&ok(d, &["keygen", "--alg", "list"])));
    let (signatures, kems) = list
        .split_once("\nKEMs for encryption")
        .expect("a KEM group");
    assert!(signatures.starts_with("algorithms usable for firmware signing"));
    assert!(signatures.contains("MLDSA65-Ed25519-SHA512") && !signatures.contains("X-Wing"));
    for (kem, id) in HPKE_KEMS {
        let line = kems
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{kem} ")))
            .unwrap_or_else(|| panic!("{kem} listed: {kems}"));
        assert!(line.contains(&format!("0x{id:04x}")), "{line}");
    }
    assert!(kems.contains(NON_HPKE_KEM) && kems.contains("no HPKE KEM id"));
    assert!(kems.contains("HKDF-SHA256 (default)") && kems.contains("AES-256-GCM (default)"));
    assert!(!kems.contains("MLDSA"), "{kems}");
}

#[test]
fn seal_open_round_trip_for_every_hpke_kem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pt = plaintext(d, 5000);
    for (i, (kem, kem_id)) in HPKE_KEMS.iter().enumerate() {
        let name = format!("k{i}");
        let id = kem_keypair(d, kem, &name).unwrap();
        let sealed = format!("{name}.pqhs");
        let err = stderr(&ok(
            d,
            &[
                "seal",
                "--to",
                &format!("{name}.pub"),
                "plain.bin",
                "--out",
                &sealed,
            ],
        ));
        assert!(
            err.contains(&format!("{kem}, HKDF-SHA256, AES-256-GCM")) && err.contains(&id),
            "{err}"
        );
        // The documented layout: defaults HKDF-SHA256 and AES-256-GCM, no flags, no info.
        let file = fs::read(d.join(&sealed)).unwrap();
        assert_eq!(&file[..4], b"PQHS");
        assert_eq!(u16_at(&file, 4), 1);
        assert_eq!(u16_at(&file, 6), *kem_id);
        assert_eq!(u16_at(&file, 8), 0x0001);
        assert_eq!(u16_at(&file, 10), 0x0002);
        assert_eq!(u16_at(&file, 12), 0);
        assert_eq!(u16_at(&file, 14), 0);
        let enc_len = KemAlgorithm::from_name(kem).unwrap().ciphertext_len();
        assert_eq!(file.len(), HEADER + enc_len + pt.len() + TAG);
        #[cfg(unix)]
        assert_eq!(mode(&d.join(&sealed)), 0o644);

        let opened = format!("{name}.out");
        let err = stderr(&ok(
            d,
            &[
                "open",
                "--key",
                &format!("{name}.key"),
                &sealed,
                "--out",
                &opened,
            ],
        ));
        assert!(err.starts_with(&format!("opened {sealed} -> {opened}: 5000 bytes")));
        assert_eq!(fs::read(d.join(&opened)).unwrap(), pt);
        #[cfg(unix)]
        assert_eq!(mode(&d.join(&opened)), 0o600);

        // Sealing is randomized.
        ok(
            d,
            &[
                "seal",
                "--to",
                &format!("{name}.pub"),
                "plain.bin",
                "--out",
                "again.pqhs",
            ],
        );
        assert_ne!(fs::read(d.join("again.pqhs")).unwrap(), file);
    }
}

#[test]
fn seal_open_every_kdf_and_aead() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    kem_keypair(d, "X-Wing", "r");
    let pt = plaintext(d, 100);
    for (kdf, kdf_id) in KDFS {
        for (aead, aead_id) in AEADS {
            let out = format!("{kdf}-{aead}.pqhs");
            let info = format!("suite {kdf} {aead}");
            ok(
                d,
                &[
                    "seal",
                    "--to",
                    "r.pub",
                    "--kdf",
                    kdf,
                    "--aead",
                    aead,
                    "--info",
                    &info,
                    "--aad",
                    "header v7",
                    "plain.bin",
                    "--out",
                    &out,
                ],
            );
            let file = fs::read(d.join(&out)).unwrap();
            assert_eq!(u16_at(&file, 6), 0x647a);
            assert_eq!(u16_at(&file, 8), kdf_id);
            assert_eq!(u16_at(&file, 10), aead_id);
            assert_eq!(u16_at(&file, 12), 1, "flag bit 0: sealed with --aad");
            assert_eq!(usize::from(u16_at(&file, 14)), info.len());
            assert_eq!(&file[HEADER..HEADER + info.len()], info.as_bytes());
            assert_eq!(file.len(), HEADER + info.len() + 1120 + pt.len() + TAG);

            let err = stderr(&ok(
                d,
                &[
                    "open",
                    "--key",
                    "r.key",
                    "--aad",
                    "header v7",
                    &out,
                    "--out",
                    "o.bin",
                ],
            ));
            assert!(
                err.contains(&format!("X-Wing, {kdf}, {aead}, info {info:?}")),
                "{err}"
            );
            assert_eq!(fs::read(d.join("o.bin")).unwrap(), pt);
            fs::remove_file(d.join("o.bin")).unwrap();
            // Without the --aad, or with another one: not authentic, and nothing written.
            fails(
                d,
                &["open", "--key", "r.key", &out, "--out", "o.bin"],
                1,
                &out,
                &["[AuthenticationFailed]", "sealed with --aad"],
            );
            fails(
                d,
                &[
                    "open",
                    "--key",
                    "r.key",
                    "--aad",
                    "header v8",
                    &out,
                    "--out",
                    "o.bin",
                ],
                1,
                &out,
                &["[AuthenticationFailed]"],
            );
            assert!(!d.join("o.bin").exists());
        }
    }
    // Other spellings of the names; an empty plaintext.
    fs::write(d.join("empty"), b"").unwrap();
    ok(
        d,
        &[
            "seal",
            "--to",
            "r.pub",
            "--kdf",
            "hkdf-sha512",
            "--aead",
            "ChaCha20-Poly1305",
            "empty",
            "--out",
            "e.pqhs",
        ],
    );
    let file = fs::read(d.join("e.pqhs")).unwrap();
    assert_eq!((u16_at(&file, 8), u16_at(&file, 10)), (3, 3));
    assert_eq!(file.len(), HEADER + 1120 + TAG);
    ok(d, &["open", "--key", "r.key", "e.pqhs", "--out", "e.out"]);
    assert!(fs::read(d.join("e.out")).unwrap().is_empty());
    // Names that are not offered, with the list of those that are.
    for (flag, name, list) in [
        ("--kdf", "HKDF-SHA384", "SHAKE256"),
        ("--aead", "AES-128-GCM", "ChaCha20Poly1305"),
    ] {
        fails(
            d,
            &[
                "seal",
                "--to",
                "r.pub",
                flag,
                name,
                "plain.bin",
                "--out",
                "x",
            ],
            2,
            name,
            &[list, "pqhybrid seal --help"],
        );
    }
    assert!(!d.join("x").exists());
}

#[test]
fn wrong_key_is_an_authentication_failure() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    kem_keypair(d, "X-Wing", "alice");
    kem_keypair(d, "X-Wing", "bob");
    kem_keypair(d, "ML-KEM-768", "carol");
    plaintext(d, 64);
    ok(
        d,
        &["seal", "--to", "alice.pub", "plain.bin", "--out", "s.pqhs"],
    );
    // Another key of the same KEM: the box does not authenticate.
    fails(
        d,
        &["open", "--key", "bob.key", "s.pqhs", "--out", "o"],
        1,
        "s.pqhs",
        &["authentication failed", "bob.key", "[AuthenticationFailed]"],
    );
    // A key of another KEM cannot open it either: the same exit code, a precise reason.
    fails(
        d,
        &["open", "--key", "carol.key", "s.pqhs", "--out", "o"],
        1,
        "s.pqhs",
        &["sealed to an X-Wing key", "carol.key is an ML-KEM-768 key"],
    );
    // An --aad the sealer did not give.
    fails(
        d,
        &[
            "open",
            "--key",
            "alice.key",
            "--aad",
            "x",
            "s.pqhs",
            "--out",
            "o",
        ],
        1,
        "s.pqhs",
        &["sealed without --aad"],
    );
    assert!(!d.join("o").exists());
    ok(d, &["open", "--key", "alice.key", "s.pqhs", "--out", "o"]);
}

#[test]
fn tampered_and_truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    kem_keypair(d, "MLKEM768-ECDH-P256-SHA3-256", "r");
    plaintext(d, 300);
    ok(
        d,
        &[
            "seal",
            "--to",
            "r.pub",
            "--info",
            "v1",
            "plain.bin",
            "--out",
            "s.pqhs",
        ],
    );
    let good = fs::read(d.join("s.pqhs")).unwrap();
    let enc = HEADER + 2; // where enc starts (after the 2-byte info)
    let open = |bytes: &[u8], want: i32, needles: &[&str]| {
        fs::write(d.join("t.pqhs"), bytes).unwrap();
        let err = fails(
            d,
            &["open", "--key", "r.key", "t.pqhs", "--out", "o"],
            want,
            "t.pqhs",
            needles,
        );
        assert!(!d.join("o").exists(), "nothing written: {err}");
    };
    let flipped = |i: usize, bit: u8| {
        let mut b = good.clone();
        b[i] ^= bit;
        b
    };
    let auth = &["[AuthenticationFailed]"][..];
    // The box (enc: its ML-KEM part and its P-256 point; ciphertext; tag) and the info are
    // authenticated: exit 1.
    open(&flipped(enc, 1), 1, auth);
    open(&flipped(enc + 1088 + 10, 1), 1, auth);
    open(&flipped(enc + 1153 + 100, 0x80), 1, auth);
    open(&flipped(good.len() - 1, 1), 1, auth);
    open(&flipped(HEADER, 1), 1, auth);
    // The KDF or AEAD id changed to another offered one: another key schedule, not authentic.
    open(&flipped(8, 0x10 ^ 0x01), 1, auth); // HKDF-SHA256 -> SHAKE128
    open(&flipped(10, 1), 1, auth); // AES-256-GCM -> ChaCha20Poly1305
    // The KEM id changed to another KEM's: the key cannot open it (exit 1), or the box is too
    // short for that KEM's encapsulation (exit 2).
    open(
        &flipped(6, 0x50 ^ 0x41),
        1,
        &[
            "sealed to an ML-KEM-768 key",
            "r.key is an MLKEM768-ECDH-P256-SHA3-256 key",
        ],
    );
    open(
        &flipped(6, 0x50 ^ 0x51),
        2,
        &["truncated", "MLKEM1024-ECDH-P384-SHA3-256", "at least 1681"],
    );
    // Truncated or extended by a byte: the tag no longer authenticates.
    open(&good[..good.len() - 1], 1, auth);
    let mut longer = good.clone();
    longer.push(0);
    open(&longer, 1, auth);
    // Not a seal file of this version: exit 2.
    open(&flipped(0, 1), 2, &["not a pqhybrid seal file"]);
    open(&flipped(4, 3), 2, &["version 2 is not supported"]);
    open(&flipped(13, 0x80), 2, &["undefined flag bits"]);
    open(
        &flipped(6, 0x50 ^ 0x20),
        2,
        &["KEM 0x0020", "[UnsupportedSuite]"],
    );
    open(
        &flipped(8, 0x01 ^ 0x02),
        2,
        &["KDF 0x0002", "[UnsupportedSuite]"],
    );
    open(&good[..10], 2, &["truncated: 10 bytes"]);
    open(&[], 2, &["truncated: 0 bytes"]);
    open(
        &good[..HEADER + 1],
        2,
        &["truncated: the info needs 2 bytes"],
    );
    open(
        &good[..enc + 1153 + TAG - 1],
        2,
        &["truncated", "at least 1169"],
    );
    // The untouched file still opens.
    fs::write(d.join("t.pqhs"), &good).unwrap();
    ok(d, &["open", "--key", "r.key", "t.pqhs", "--out", "o"]);
    assert_eq!(
        fs::read(d.join("o")).unwrap(),
        fs::read(d.join("plain.bin")).unwrap()
    );
}

#[test]
fn keys_of_the_wrong_kind_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["keygen", "--out", "sig.key"]);
    ok(d, &["pubkey", "--key", "sig.key", "--out", "sig.pub"]);
    kem_keypair(d, "X-Wing", "kem");
    plaintext(d, 10);
    ok(
        d,
        &["seal", "--to", "kem.pub", "plain.bin", "--out", "s.pqhs"],
    );

    // A signature key for open or seal.
    fails(
        d,
        &["open", "--key", "sig.key", "s.pqhs", "--out", "o"],
        2,
        "sig.key",
        &["MLDSA65-Ed25519-SHA512 is a signature key"],
    );
    fails(
        d,
        &["seal", "--to", "sig.pub", "plain.bin", "--out", "o"],
        2,
        "sig.pub",
        &["MLDSA65-Ed25519-SHA512 is a signature key"],
    );
    // A private key where the public key goes, a public key where the private key goes.
    fails(
        d,
        &["seal", "--to", "kem.key", "plain.bin", "--out", "o"],
        2,
        "kem.key",
        &["this is a private key"],
    );
    fails(
        d,
        &["open", "--key", "kem.pub", "s.pqhs", "--out", "o"],
        2,
        "kem.pub",
        &["this is a public key"],
    );
    assert!(!d.join("o").exists());

    // A KEM key for the signing and verifying commands: one line naming the file.
    let kem_key = ["X-Wing is a key-encapsulation key"];
    fails(
        d,
        &[
            "sign",
            "--key",
            "kem.key",
            "--image",
            "plain.bin",
            "--out",
            "fw.signed",
            "--security-version",
            "1",
            "--version",
            "1.0.0",
            "--device-class",
            common::CLASS,
        ],
        2,
        "kem.key",
        &kem_key,
    );
    assert!(!d.join("fw.signed").exists());
    fails(
        d,
        &[
            "endorse",
            "--root-key",
            "kem.key",
            "--release-pubkey",
            "sig.pub",
            "--min-security-version",
            "1",
            "--max-security-version",
            "2",
            "--any-class",
            "--out",
            "e",
        ],
        2,
        "kem.key",
        &kem_key,
    );
    fails(
        d,
        &["trust-store", "add", "--store", "t", "--pubkey", "kem.pub"],
        2,
        "kem.pub",
        &kem_key,
    );
    fails(
        d,
        &["verify", "--pubkey", "kem.pub", "--image", "plain.bin"],
        2,
        "kem.pub",
        &kem_key,
    );
}

#[test]
fn a_kem_without_an_hpke_code_point_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    kem_keypair(d, NON_HPKE_KEM, "c");
    kem_keypair(d, "X-Wing", "x");
    plaintext(d, 10);
    fails(
        d,
        &["seal", "--to", "c.pub", "plain.bin", "--out", "o"],
        2,
        "c.pub",
        &[NON_HPKE_KEM, "no HPKE KEM id", "[UnsupportedSuite]"],
    );
    ok(
        d,
        &["seal", "--to", "x.pub", "plain.bin", "--out", "s.pqhs"],
    );
    fails(
        d,
        &["open", "--key", "c.key", "s.pqhs", "--out", "o"],
        2,
        "c.key",
        &[NON_HPKE_KEM, "[UnsupportedSuite]"],
    );
    assert!(!d.join("o").exists());
}

#[test]
fn usage_and_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    kem_keypair(d, "ML-KEM-512", "r");
    plaintext(d, 10);
    fails(
        d,
        &["seal", "--to", "r.pub", "missing.bin", "--out", "o"],
        2,
        "missing.bin",
        &["no such file"],
    );
    fails(
        d,
        &["seal", "--to", "r.pub", ".", "--out", "o"],
        2,
        ".",
        &["is a directory"],
    );
    fails(
        d,
        &["seal", "--to", "none.pub", "plain.bin", "--out", "o"],
        2,
        "none.pub",
        &["no such file"],
    );
    fails(
        d,
        &["seal", "--to", "r.pub", "plain.bin"],
        2,
        "pqhybrid seal --help",
        &["--out"],
    );
    fails(
        d,
        &["open", "--key", "r.key", "--out", "o"],
        2,
        "pqhybrid open --help",
        &["IN"],
    );
    fails(
        d,
        &["open", "--key", "r.key", "missing.pqhs", "--out", "o"],
        2,
        "missing.pqhs",
        &["no such file"],
    );
    // Plain text is not a seal file.
    fails(
        d,
        &["open", "--key", "r.key", "r.pub", "--out", "o"],
        2,
        "r.pub",
        &["not a pqhybrid seal file"],
    );
    // --info longer than the 16-bit length field.
    let long = "i".repeat(65_536);
    fails(
        d,
        &[
            "seal",
            "--to",
            "r.pub",
            "--info",
            &long,
            "plain.bin",
            "--out",
            "o",
        ],
        2,
        "--info",
        &["65536 bytes"],
    );
    assert!(!d.join("o").exists());
}

/// The seal files of `kat-vectors/pqhybrid/seal/`, written by an earlier `pqhybrid seal` (and
/// opened by the WebAssembly package's tests): `open` still reads them.
#[test]
fn known_answer_seal_files_open() {
    let kat = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kat-vectors/pqhybrid/seal");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(kat.join("fixtures.json")).unwrap()).unwrap();
    let cases = json["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (i, c) in cases.iter().enumerate() {
        let s = |k: &str| c[k].as_str().unwrap().to_owned();
        let alg = KemAlgorithm::from_name(&s("kem")).unwrap();
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&unhex(&s("seed")), &mut pk, &mut sk)
            .unwrap();
        let pem = pqhybrid::encoding::encode_private_key_pem(alg.into(), &sk).unwrap();
        let key = format!("k{i}.key");
        fs::write(d.join(&key), pem.as_bytes()).unwrap();
        ok(d, &["pubkey", "--key", &key, "--out", "k.pub"]);
        assert_eq!(
            stdout(&ok(d, &["keyid", "--pubkey", "k.pub"])).trim(),
            s("keyId")
        );
        let sealed = kat.join(s("file"));
        let sealed = sealed.to_str().unwrap();
        let mut args = vec!["open", "--key", &key, sealed, "--out", "o.bin"];
        let aad = s("aad");
        if !aad.is_empty() {
            args.extend(["--aad", aad.as_str()]);
        }
        let err = stderr(&ok(d, &args));
        assert!(
            err.contains(&format!("{}, {}, {}", s("kem"), s("kdf"), s("aead"))),
            "{err}"
        );
        let want = match c["plaintext"].as_str() {
            Some(f) => fs::read(kat.join(f)).unwrap(),
            None => Vec::new(),
        };
        assert_eq!(fs::read(d.join("o.bin")).unwrap(), want, "{sealed}");
        let file = fs::read(sealed).unwrap();
        let info_len = usize::from(u16_at(&file, 14));
        assert_eq!(&file[HEADER..HEADER + info_len], s("info").as_bytes());
    }
}
