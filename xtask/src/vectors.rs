//! Converts the JSON known-answer vectors into `target/c-tests/vectors.txt`, a line-based hex
//! file the C tests read (no JSON parser in C, no vector copies in the repository).
//!
//! Format: one record per line, fields separated by one space, byte strings in lowercase hex,
//! `-` for an empty byte string, `#` starts a comment line:
//!
//! ```text
//! xwing <seed> <sk> <pk> <eseed> <ct> <ss>
//! sig-keygen <algorithm name> <sk> <pk>
//! sig-verify <algorithm name> <pk> <msg> <ctx> <sig>
//! fw-policy <min security version> <device class> <allowed bits> <trailer capacity>
//!           <max security version> <endorse-allowed bits> <accept v1: 0|1>
//! fw-anchor <key id> <active|revoked>
//! fw-image <expected: valid | FirmwareError name> <path of the .pqfw file>
//! end <number of records>
//! ```
//!
//! The external vectors are found and SHA-256-checked by `pqhybrid-kat` exactly as the Rust
//! KAT tests find them; if they are missing this fails, with instructions.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use serde_json::Value;

/// Lowercase hex, `-` for empty.
fn hex(b: &[u8]) -> String {
    if b.is_empty() {
        return "-".into();
    }
    let mut s = String::with_capacity(2 * b.len());
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn str_field<'a>(v: &'a Value, k: &str, what: &str) -> Result<&'a str, String> {
    v[k].as_str()
        .ok_or_else(|| format!("{what}: missing string field {k:?}"))
}

/// Runs a `pqhybrid-kat` loader, turning its panic (which already printed where it looked and
/// how to get the vectors) into an error.
fn load(rel: &str) -> Result<Value, String> {
    catch_unwind(AssertUnwindSafe(|| pqhybrid_kat::load_json(rel))).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!(
            "cannot load known-answer vectors `{rel}` for the C tests: {msg}\n\
             (the C tests need the same vectors as `cargo xtask kat`: run \
             `kat-vectors/fetch.sh`, or set PQHYBRID_KAT_DIR; see kat-vectors/README.md)"
        )
    })
}

fn decode(f: impl FnOnce() -> Vec<u8>, what: &str) -> Result<Vec<u8>, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| format!("{what}: bad encoding"))
}

fn xwing(out: &mut String) -> Result<usize, String> {
    let v = load("xwing/test-vectors.json")?;
    let cases = v
        .as_array()
        .ok_or("xwing/test-vectors.json: not an array")?;
    let mut n = 0;
    for (i, c) in cases.iter().enumerate() {
        let what = format!("xwing case {i}");
        let mut line = String::from("xwing");
        for k in ["seed", "sk", "pk", "eseed", "ct", "ss"] {
            let s = str_field(c, k, &what)?;
            let b = decode(|| pqhybrid_kat::hex(s), &what)?;
            line.push(' ');
            line.push_str(&hex(&b));
        }
        out.push_str(&line);
        out.push('\n');
        n += 1;
    }
    Ok(n)
}

/// Entries of composite-sigs/testvectors.json with components pqhybrid does not offer.
fn not_offered(tc_id: &str) -> bool {
    ["RSA", "brainpool", "Ed448", "P521"]
        .iter()
        .any(|c| tc_id.contains(c))
}

fn composite_sigs(out: &mut String) -> Result<usize, String> {
    let v = load("composite-sigs/testvectors.json")?;
    let what = "composite-sigs/testvectors.json";
    let m = decode(|| pqhybrid_kat::b64(v["m"].as_str().unwrap_or("!")), what)?;
    let ctx = decode(|| pqhybrid_kat::b64(v["ctx"].as_str().unwrap_or("!")), what)?;
    let tests = v["tests"].as_array().ok_or("composite-sigs: no tests")?;
    let mut n = 0;
    let mut skipped = 0;
    for t in tests {
        let id = str_field(t, "tcId", what)?;
        if not_offered(id) {
            skipped += 1;
            continue;
        }
        let name = id
            .strip_prefix("id-")
            .ok_or_else(|| format!("{what}: tcId {id:?} does not start with id-"))?;
        let field = |k: &str| -> Result<Vec<u8>, String> {
            let s = str_field(t, k, id)?;
            decode(|| pqhybrid_kat::b64(s), id)
        };
        let (pk, sk, s, s_ctx) = (
            field("pk")?,
            field("sk")?,
            field("s")?,
            field("sWithContext")?,
        );
        let _ = writeln!(out, "sig-keygen {name} {} {}", hex(&sk), hex(&pk));
        let _ = writeln!(
            out,
            "sig-verify {name} {} {} - {}",
            hex(&pk),
            hex(&m),
            hex(&s)
        );
        let _ = writeln!(
            out,
            "sig-verify {name} {} {} {} {}",
            hex(&pk),
            hex(&m),
            hex(&ctx),
            hex(&s_ctx)
        );
        n += 3;
    }
    println!(
        "    composite-sigs: {n} records from {} entries ({skipped} entries with RSA, brainpool, \
         Ed448 or P-521 components not offered by pqhybrid)",
        tests.len() - skipped
    );
    Ok(n)
}

/// The project's firmware known-answer files (`kat-vectors/pqhybrid/firmware/`, committed).
fn firmware(root: &Path, out: &mut String) -> Result<usize, String> {
    let dir = root.join("kat-vectors").join("pqhybrid").join("firmware");
    let policy_path = dir.join("policy.json");
    let text = std::fs::read_to_string(&policy_path).map_err(|e| {
        format!(
            "{}: {e} (the firmware known-answer files are committed; regenerate them with \
             `PQHYBRID_REGENERATE=1 cargo test --test kat_firmware`)",
            policy_path.display()
        )
    })?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", policy_path.display()))?;
    let what = "firmware/policy.json";
    let p = &v["policy"];
    let num = |k: &str| {
        p[k].as_u64()
            .ok_or_else(|| format!("{what}: policy.{k} is not a number"))
    };
    let class = decode(
        || pqhybrid_kat::hex(p["deviceClass"].as_str().unwrap_or("!")),
        what,
    )?;
    let accept_v1 = p["acceptV1"]
        .as_bool()
        .ok_or_else(|| format!("{what}: policy.acceptV1 is not a boolean"))?;
    // fw-policy <min> <class> <allowed> <trailer capacity> <max> <endorse allowed> <accept v1>
    let _ = writeln!(
        out,
        "fw-policy {} {} {} {} {} {} {}",
        num("minSecurityVersion")?,
        hex(&class),
        num("allowed")?,
        num("trailerCapacity")?,
        num("maxSecurityVersion")?,
        num("endorseAllowed")?,
        u8::from(accept_v1)
    );
    let mut n = 1;
    for a in p["trustAnchors"].as_array().ok_or("no trustAnchors")? {
        let id = decode(
            || pqhybrid_kat::hex(a["keyId"].as_str().unwrap_or("!")),
            what,
        )?;
        let state = str_field(a, "state", what)?;
        let _ = writeln!(out, "fw-anchor {} {state}", hex(&id));
        n += 1;
    }
    for f in v["files"].as_array().ok_or("no files")? {
        let file = str_field(f, "file", what)?;
        let expect = str_field(f, "expect", what)?;
        let path = dir.join(file);
        if !path.is_file() {
            return Err(format!(
                "{}: listed in policy.json but missing",
                path.display()
            ));
        }
        let _ = writeln!(out, "fw-image {expect} {}", path.display());
        n += 1;
    }
    Ok(n)
}

/// Writes the vector file for the C tests.
pub(crate) fn write_c_vectors(root: &Path, path: &Path) -> Result<(), String> {
    let mut out = String::from(
        "# pqhybrid C test vectors, generated by `cargo xtask c-tests` (xtask/src/vectors.rs).\n",
    );
    let mut n = 0;
    n += xwing(&mut out)?;
    n += composite_sigs(&mut out)?;
    n += firmware(root, &mut out)?;
    let _ = writeln!(out, "end {n}");
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("    wrote {n} records to {}", path.display());
    Ok(())
}
