//! `identity-interop`: the device-identity documents (docs/identity.md) against parsers that
//! share no code with pqhybrid, in both directions.
//!
//! * **OpenSSL** (the system's `openssl`, 3.0 on Debian 12) reads every certificate and CSR of
//!   the known-answer files (`kat-vectors/pqhybrid/identity/<alg>.json`): `asn1parse` must parse
//!   the whole file as one DER SEQUENCE, `x509 -text` / `req -text` must exit 0 and show the
//!   version, serial number, algorithm OID, subject and issuer `serialNumber`, validity,
//!   keyUsage, basicConstraints and the TCG extensions (with their criticality), and
//!   `asn1parse -strparse` must parse the UEID, the DiceTcbInfo (its SHA-256 FWID is the image
//!   id) and the TcbFreshness (the nonce). `openssl kdf HKDF` recomputes every key's ID and the
//!   evidence serial number, ID(nonce). OpenSSL 3.0 knows neither ML-DSA nor the composites: it
//!   prints their OIDs and "Unable to load Public Key" (still exit 0), and verifies nothing.
//! * **pyca/cryptography** [`PYCA_VERSION`] (a virtual environment in `target/pyenv`, reused
//!   while it has that version) runs `xtask/identity_interop.py kat`: every document parsed and
//!   checked field by field, and the ML-DSA-65 signatures verified (pyca 50 has ML-DSA; it
//!   does not know the composites, which are reported as not verifiable).
//! * **The other direction**: `identity_interop.py make` generates ML-DSA-65 keys with pyca and
//!   writes a device's CSR, a CSR under another key's name, a self-signed certificate, and an
//!   Alias certificate and evidence. `pqhybrid identity ca-init` makes an ML-DSA-65 CA and
//!   `identity issue` must accept the CSR and refuse the misnamed one (`[BrokenChain]`);
//!   `identity verify` must accept the chain CA → issued DeviceID → pyca Alias → pyca evidence
//!   (with the pyca self-signed certificate as a second root, which pqhybrid's parser must take),
//!   and reject it with only the pyca root (`[UnknownRoot]`) or another nonce (`[BadNonce]`).
//!   `identity_interop.py issued` then checks the issued DeviceID certificate with pyca and
//!   verifies its signature and the CA's.
//!
//! On a fresh Debian machine it installs, as root with apt-get, `openssl` and (when
//! `python3 -m venv` cannot run) `python3-venv`, then `pip install cryptography==`
//! [`PYCA_VERSION`] (binary wheels only). Files are left in `target/identity-interop/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;

use crate::cmd::{self, flush, run, show};

/// The pyca/cryptography release the check installs and expects.
pub const PYCA_VERSION: &str = "50.0.2";
/// The virtual environment, under the target directory.
const VENV_DIR: &str = "pyenv";
/// Where the documents and the CLI's CA go, under the target directory (emptied first).
const WORK_DIR: &str = "identity-interop";
/// The Python half of the check.
const SCRIPT: &str = "xtask/identity_interop.py";
/// The known-answer files.
const KAT_DIR: &str = "kat-vectors/pqhybrid/identity";
/// `ID_SALT` of docs/identity.md ("Derivation").
const ID_SALT: &str = "dbdbaebc8020da9ff0dd5a24c83aa5a54286dfc263031e329b4da148430659fe\
                       62cdb5b7e1e00fc680306711eb444af77209359496fcff1db9520ba51c7b29ea";
/// The common name of the CA `identity ca-init` makes here.
const CA_NAME: &str = "pqhybrid interop CA";
/// TCG DICE OIDs (docs/identity.md, "Extensions").
const OID_TCB_INFO: &str = "2.23.133.5.4.1";
const OID_UEID: &str = "2.23.133.5.4.4";
const OID_TCB_FRESHNESS: &str = "2.23.133.5.4.11";

/// Runs the whole check. `root` is the workspace root.
pub fn identity_interop(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let target = target_dir(root);

    let t = Instant::now();
    ensure_openssl()?;
    let python = ensure_venv(root, &target.join(VENV_DIR))?;
    println!("    tools ready in {:.1}s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let cli = build_cli(root, &target)?;
    println!(
        "    pqhybrid CLI ready in {:.1}s",
        t.elapsed().as_secs_f64()
    );

    let work = target.join(WORK_DIR);
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    let kat_out = work.join("kat");
    std::fs::create_dir_all(&kat_out).map_err(|e| format!("{}: {e}", kat_out.display()))?;

    // 1. OpenSSL on the known-answer documents.
    let t = Instant::now();
    let kat_files = kat_files(root)?;
    let mut docs = Vec::new();
    for path in &kat_files {
        docs.extend(kat_documents(root, path)?);
    }
    println!(
        "    OpenSSL ({}) on {} documents of {} known-answer files:",
        openssl_version()?,
        docs.len(),
        kat_files.len()
    );
    let mut failures = Vec::new();
    for doc in &docs {
        match openssl_check(doc, &kat_out) {
            Ok(line) => println!("      {}: ok: {line}", doc.label),
            Err(e) => {
                println!("      {}: FAILED: {e}", doc.label);
                failures.push(format!("{}: {e}", doc.label));
            }
        }
    }
    flush();
    if !failures.is_empty() {
        return Err(format!(
            "OpenSSL rejected {} of {} identity documents:\n  {}",
            failures.len(),
            docs.len(),
            failures.join("\n  ")
        ));
    }
    println!("    OpenSSL: {:.1}s", t.elapsed().as_secs_f64());

    // 2. pyca/cryptography on the same documents.
    let t = Instant::now();
    let mut c = Command::new(&python);
    c.arg(root.join(SCRIPT)).arg("kat").args(&kat_files);
    let out = python_run(c)?;
    let (parsed, verified, unverifiable) = pyca_summary(&out)?;
    if parsed != docs.len() {
        return Err(format!(
            "pyca parsed {parsed} documents, OpenSSL {}: the two checks did not see the same \
             documents",
            docs.len()
        ));
    }
    println!("    pyca: {:.1}s", t.elapsed().as_secs_f64());

    // 3. pyca's documents through the pqhybrid CLI, and the CLI's certificate through pyca.
    let t = Instant::now();
    let reverse = reverse_direction(&python, root, &cli, &work)?;
    println!(
        "    pyca -> pqhybrid -> pyca: {:.1}s",
        t.elapsed().as_secs_f64()
    );

    println!(
        "identity interop: {parsed} documents parsed by OpenSSL and pyca/cryptography, \
         {verified} signatures verified by pyca, {unverifiable} not verifiable (composite \
         algorithms)"
    );
    println!("identity interop: {reverse}");
    println!(
        "identity interop: done in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    flush();
    Ok(())
}

/// The workspace's target directory: `$CARGO_TARGET_DIR` (relative to `root`) or `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(p) if p.is_absolute() => p,
        Some(p) => root.join(p),
        None => root.join("target"),
    }
}

// ---------------------------------------------------------------------------------------------
// Tools

/// `openssl version`, first line (OpenSSL 3 has no `--version`).
fn openssl_version() -> Result<String, String> {
    let v = cmd::capture(Command::new("openssl").arg("version"))?;
    Ok(v.lines().next().unwrap_or("").trim().to_owned())
}

/// Makes sure `openssl` runs, installing the Debian package with apt-get when root.
fn ensure_openssl() -> Result<(), String> {
    if openssl_version().is_ok() {
        return Ok(());
    }
    if cmd::is_root() && cmd::have("apt-get") {
        println!("    openssl not found; installing Debian package openssl");
        cmd::apt_install(&["openssl"], false)?;
        if openssl_version().is_ok() {
            return Ok(());
        }
    }
    Err("`openssl` not found on PATH; install it (Debian/Ubuntu: `apt-get install openssl`)".into())
}

/// The version of pyca/cryptography that `python` imports, if it runs.
fn pyca_version(python: &Path) -> Option<String> {
    let out = Command::new(python)
        .args(["-c", "import cryptography; print(cryptography.__version__)"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The Python of the virtual environment `venv` with pyca/cryptography [`PYCA_VERSION`]: reused
/// when it has that version, otherwise created (`python3 -m venv`, installing python3 and
/// python3-venv with apt-get when root and needed) and the version installed with pip.
fn ensure_venv(root: &Path, venv: &Path) -> Result<PathBuf, String> {
    let python = venv.join("bin").join("python");
    let found = pyca_version(&python);
    if found.as_deref() == Some(PYCA_VERSION) {
        println!(
            "    {}: pyca/cryptography {PYCA_VERSION} (reused)",
            venv.display()
        );
        return Ok(python);
    }
    let t = Instant::now();
    let runs = Command::new(&python)
        .args(["-c", ""])
        .status()
        .is_ok_and(|s| s.success());
    if !runs {
        create_venv(venv)?;
    }
    println!(
        "    {}: installing pyca/cryptography {PYCA_VERSION} (found: {})",
        venv.display(),
        found.as_deref().unwrap_or("none")
    );
    let mut pip = Command::new(&python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        &format!("cryptography=={PYCA_VERSION}"),
    ])
    .current_dir(root);
    run(pip)?;
    match pyca_version(&python) {
        Some(v) if v == PYCA_VERSION => {
            println!(
                "    pyca/cryptography {PYCA_VERSION} installed in {:.1}s",
                t.elapsed().as_secs_f64()
            );
            Ok(python)
        }
        other => Err(format!(
            "{} imports pyca/cryptography {other:?} after `pip install cryptography=={PYCA_VERSION}`",
            python.display()
        )),
    }
}

/// `python3 -m venv --clear venv`; on failure (Debian's python3 lacks ensurepip without
/// python3-venv) installs python3 and python3-venv with apt-get when root, and tries again.
fn create_venv(venv: &Path) -> Result<(), String> {
    let attempt = || {
        let mut c = Command::new("python3");
        c.args(["-m", "venv", "--clear"]).arg(venv);
        run(c)
    };
    let first = if cmd::have("python3") {
        attempt()
    } else {
        Err("python3 not found on PATH".to_owned())
    };
    let Err(e) = first else {
        return Ok(());
    };
    if cmd::is_root() && cmd::have("apt-get") {
        println!("    {e}; installing Debian packages python3 and python3-venv");
        cmd::apt_install(&["python3", "python3-venv"], false)?;
        return attempt();
    }
    Err(format!(
        "{e}: the interop check needs `python3 -m venv` (Debian/Ubuntu: `apt-get install \
         python3-venv`)"
    ))
}

/// Builds the `pqhybrid` CLI (the dev profile, whose optimised dependencies the test and
/// cortex-m steps share) and returns its path.
fn build_cli(root: &Path, target: &Path) -> Result<PathBuf, String> {
    let mut c = cmd::cargo(root);
    c.args(["build", "--locked", "-p", "pqhybrid-cli"]);
    run(c)?;
    let cli = target.join("debug").join("pqhybrid");
    if cli.is_file() {
        Ok(cli)
    } else {
        Err(format!("{} was not built", cli.display()))
    }
}

// ---------------------------------------------------------------------------------------------
// The known-answer documents

/// The kinds of document, with what docs/identity.md says of each.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Root,
    DeviceId,
    Alias,
    Evidence,
    Csr,
}

/// One document and what it must hold.
struct Doc {
    /// `<alg> <name>` in messages.
    label: String,
    /// The file name in the work directory.
    file: String,
    kind: Kind,
    der: Vec<u8>,
    /// The signature (and key) algorithm's OID.
    oid: String,
    /// Lowercase hex IDs.
    subject_id: String,
    issuer_id: String,
    /// The serial number (hex); `None` for the evidence: ID(nonce), computed with OpenSSL.
    serial: Option<String>,
    /// The CA's common name, for names that are the CA's.
    ca_name: String,
    ueid: Option<String>,
    image_id: Option<String>,
    nonce: Option<String>,
}

/// The `<alg>.json` files of [`KAT_DIR`] (every JSON file with an `alg`), sorted.
fn kat_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(KAT_DIR);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == "json") && read_json(&path)?.get("alg").is_some() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no known-answer identity files in {}",
            dir.display()
        ));
    }
    Ok(files)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The string at `pointer` (a JSON pointer) in `v`.
fn text(v: &Value, pointer: &str, file: &Path) -> Result<String, String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no string at {pointer}", file.display()))
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd-length hex ({} digits)", s.len()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| format!("bad hex at {i}"))
        })
        .collect()
}

/// The documents of one known-answer file: root, DeviceID, CSR, and per image the Alias
/// certificate and the evidence.
fn kat_documents(root: &Path, path: &Path) -> Result<Vec<Doc>, String> {
    let kat = read_json(path)?;
    let derivation_path = root.join(KAT_DIR).join("derivation.json");
    let derivation = read_json(&derivation_path)?;
    let alg = text(&kat, "/alg", path)?;
    let oid = text(&kat, "/oid", path)?;
    let ca_id = text(&kat, "/ca/id", path)?;
    let dev_id = text(&kat, "/deviceId/id", path)?;
    let ueid = text(&kat, "/deviceId/ueid", path)?;
    let ca_name = text(&derivation, "/ca/commonName", &derivation_path)?;
    let nonce = text(&derivation, "/nonce", &derivation_path)?;
    let der = |pointer: &str| -> Result<Vec<u8>, String> {
        unhex(&text(&kat, pointer, path)?)
            .map_err(|e| format!("{}: {pointer}: {e}", path.display()))
    };
    let doc = |name: &str, kind: Kind, der: Vec<u8>, subject: &str, issuer: &str| Doc {
        label: format!("{alg} {name}"),
        file: format!("{alg}-{}.der", name.replace(['[', ']'], "_")),
        kind,
        der,
        oid: oid.clone(),
        subject_id: subject.to_owned(),
        issuer_id: issuer.to_owned(),
        serial: Some(subject.to_owned()),
        ca_name: ca_name.clone(),
        ueid: None,
        image_id: None,
        nonce: None,
    };

    let mut docs = vec![
        doc("root", Kind::Root, der("/rootCertificate")?, &ca_id, &ca_id),
        Doc {
            ueid: Some(ueid.clone()),
            ..doc(
                "deviceId",
                Kind::DeviceId,
                der("/deviceIdCertificate")?,
                &dev_id,
                &ca_id,
            )
        },
        doc("CSR", Kind::Csr, der("/csr")?, &dev_id, &dev_id),
    ];
    let aliases = kat
        .get("aliases")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: no aliases", path.display()))?;
    let images = derivation
        .get("images")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: no images", derivation_path.display()))?;
    for (i, alias) in aliases.iter().enumerate() {
        let image = text(alias, "/image", path)?;
        let image_id = images
            .iter()
            .find(|m| m.get("file").and_then(Value::as_str) == Some(image.as_str()))
            .and_then(|m| m.get("imageId").and_then(Value::as_str))
            .ok_or_else(|| format!("{}: no image {image}", derivation_path.display()))?;
        let alias_id = text(alias, "/id", path)?;
        docs.push(Doc {
            ueid: Some(ueid.clone()),
            image_id: Some(image_id.to_owned()),
            ..doc(
                &format!("alias[{image}]"),
                Kind::Alias,
                der(&format!("/aliases/{i}/aliasCertificate"))?,
                &alias_id,
                &dev_id,
            )
        });
        docs.push(Doc {
            serial: None,
            nonce: Some(nonce.clone()),
            ..doc(
                &format!("evidence[{image}]"),
                Kind::Evidence,
                der(&format!("/aliases/{i}/evidence"))?,
                &alias_id,
                &alias_id,
            )
        });
    }
    // Every key's ID, recomputed by OpenSSL's HKDF from the public key.
    let mut keys = vec![
        ("CA", ca_id.clone(), text(&kat, "/ca/publicKey", path)?),
        ("DeviceID", dev_id, text(&kat, "/deviceId/publicKey", path)?),
    ];
    for alias in aliases {
        keys.push((
            "Alias",
            text(alias, "/id", path)?,
            text(alias, "/publicKey", path)?,
        ));
    }
    for (what, id, pk) in keys {
        let got = dice_id(&pk)?;
        if got != id {
            return Err(format!(
                "{}: {what} ID {id}, but OpenSSL's HKDF-SHA-512 of its public key gives {got}",
                path.display()
            ));
        }
    }
    Ok(docs)
}

/// ID(x) = HKDF-SHA-512(salt = ID_SALT, ikm = x, info = "ID", 20 bytes), top bit cleared, by
/// `openssl kdf` (lowercase hex; `ikm_hex` is hex).
fn dice_id(ikm_hex: &str) -> Result<String, String> {
    let out = cmd::capture(Command::new("openssl").args([
        "kdf",
        "-keylen",
        "20",
        "-kdfopt",
        "digest:SHA512",
        "-kdfopt",
        &format!("hexkey:{ikm_hex}"),
        "-kdfopt",
        &format!("hexsalt:{ID_SALT}"),
        "-kdfopt",
        "info:ID",
        "HKDF",
    ]))?;
    let mut id = unhex(&out.trim().replace(':', ""))?;
    if id.len() != 20 {
        return Err(format!("openssl kdf gave {} bytes, not 20", id.len()));
    }
    if let Some(b) = id.first_mut() {
        *b &= 0x7f;
    }
    Ok(id.iter().map(|b| format!("{b:02x}")).collect())
}

// ---------------------------------------------------------------------------------------------
// OpenSSL

/// `openssl` with `args`, its stdout; error unless it exits 0.
fn openssl(args: &[&str]) -> Result<String, String> {
    cmd::capture(Command::new("openssl").args(args))
}

/// One line of `openssl asn1parse`: offset, header and content lengths, and the rest (after
/// the depth).
struct Asn1Line<'a> {
    offset: usize,
    header: usize,
    len: usize,
    rest: &'a str,
}

fn asn1_line(line: &str) -> Option<Asn1Line<'_>> {
    // "  2327:d=5  hl=2 l=  88 prim: OCTET STRING      [HEX DUMP]:3056..."
    let (offset, rest) = line.trim_start().split_once(":d=")?;
    let (_, rest) = rest.split_once("hl=")?;
    let (header, rest) = rest.split_once(" l=")?;
    let rest = rest.trim_start();
    let (len, rest) = rest.split_once(' ')?;
    Some(Asn1Line {
        offset: offset.trim().parse().ok()?,
        header: header.trim().parse().ok()?,
        len: len.trim().parse().ok()?,
        rest,
    })
}

/// `openssl asn1parse` of `file`, which must be one DER SEQUENCE covering the whole file.
fn asn1_strict(file: &str, size: usize) -> Result<String, String> {
    let out = openssl(&["asn1parse", "-inform", "DER", "-in", file])?;
    let first = out
        .lines()
        .next()
        .and_then(asn1_line)
        .ok_or("asn1parse printed nothing")?;
    if first.offset != 0 || !first.rest.contains("SEQUENCE") || first.header + first.len != size {
        return Err(format!(
            "asn1parse: the outer SEQUENCE ({}+{} bytes) is not the whole file ({size} bytes)",
            first.header, first.len
        ));
    }
    Ok(out)
}

/// `asn1parse -strparse` of the value (OCTET STRING) of the extension `oid`; its output.
fn strparse_extension(file: &str, asn1: &str, oid: &str) -> Result<String, String> {
    let want = format!(":{oid}");
    let mut lines = asn1.lines().skip_while(|l| !l.trim_end().ends_with(&want));
    if lines.next().is_none() {
        return Err(format!("asn1parse shows no extension {oid}"));
    }
    let value = lines
        .take(2)
        .filter_map(asn1_line)
        .find(|l| l.rest.contains("OCTET STRING"))
        .ok_or_else(|| format!("extension {oid}: no OCTET STRING value"))?;
    openssl(&[
        "asn1parse",
        "-inform",
        "DER",
        "-in",
        file,
        "-strparse",
        &value.offset.to_string(),
    ])
    .map_err(|e| format!("extension {oid}: {e}"))
}

/// The trimmed line after the one that starts (trimmed) with `head`.
fn line_after<'a>(text: &'a str, head: &str) -> Option<&'a str> {
    let mut lines = text.lines().map(str::trim);
    lines.find(|l| l.starts_with(head))?;
    lines.next()
}

/// The trimmed line that starts (trimmed) with `head`.
fn line_with<'a>(text: &'a str, head: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find(|l| l.starts_with(head))
}

/// Checks one document with OpenSSL; what was checked, or what failed.
fn openssl_check(doc: &Doc, dir: &Path) -> Result<String, String> {
    let path = dir.join(&doc.file);
    std::fs::write(&path, &doc.der).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.to_str().ok_or("non-UTF-8 path")?;
    let mut checked = Vec::new();
    let asn1 = asn1_strict(file, doc.der.len())?;
    checked.push(format!("asn1parse ({} bytes)", doc.der.len()));

    let is_csr = doc.kind == Kind::Csr;
    let text = if is_csr {
        openssl(&["req", "-inform", "DER", "-in", file, "-noout", "-text"])?
    } else {
        openssl(&[
            "x509", "-inform", "DER", "-in", file, "-noout", "-serial", "-text",
        ])?
    };
    checked.push(if is_csr { "req -text" } else { "x509 -text" }.to_owned());
    let expect = |cond: bool, what: &str| -> Result<(), String> {
        if cond {
            Ok(())
        } else {
            Err(format!(
                "`openssl {} -text`: {what}",
                if is_csr { "req" } else { "x509" }
            ))
        }
    };

    let version = if is_csr {
        "Version: 1 (0x0)"
    } else {
        "Version: 3 (0x2)"
    };
    expect(
        line_with(&text, "Version:") == Some(version),
        &format!("not {version}"),
    )?;
    let alg_lines = text
        .lines()
        .filter(|l| l.trim() == format!("Signature Algorithm: {}", doc.oid))
        .count();
    // Certificates show it in the TBS and outside; CSRs only outside.
    let want_lines = if is_csr { 1 } else { 2 };
    expect(
        alg_lines == want_lines,
        &format!(
            "Signature Algorithm {} not shown {want_lines} time(s)",
            doc.oid
        ),
    )?;
    expect(
        line_with(&text, "Public Key Algorithm:")
            == Some(format!("Public Key Algorithm: {}", doc.oid).as_str()),
        "Public Key Algorithm",
    )?;
    checked.push(format!("algorithm {}", doc.oid));

    let name = |id: &str, ca: bool| {
        if ca {
            format!("CN = {}, serialNumber = {id}", doc.ca_name)
        } else {
            format!("serialNumber = {id}")
        }
    };
    let subject = name(&doc.subject_id, doc.kind == Kind::Root);
    expect(
        line_with(&text, "Subject:") == Some(format!("Subject: {subject}").as_str()),
        &format!("subject is not {subject}"),
    )?;
    checked.push(format!("subject {subject}"));
    if is_csr {
        expect(
            line_after(&text, "Attributes:") == Some("(none)"),
            "attributes",
        )?;
        checked.push("no attributes".into());
        return Ok(checked.join(", "));
    }

    let issuer = name(
        &doc.issuer_id,
        matches!(doc.kind, Kind::Root | Kind::DeviceId),
    );
    expect(
        line_with(&text, "Issuer:") == Some(format!("Issuer: {issuer}").as_str()),
        &format!("issuer is not {issuer}"),
    )?;
    let serial = match &doc.serial {
        Some(s) => s.clone(),
        None => dice_id(doc.nonce.as_deref().ok_or("evidence without nonce")?)?,
    };
    let shown = line_with(&text, "serial=")
        .unwrap_or("")
        .trim_start_matches("serial=");
    expect(
        shown
            .trim_start_matches('0')
            .eq_ignore_ascii_case(serial.trim_start_matches('0')),
        &format!("serial={shown}, expected {serial}"),
    )?;
    checked.push(format!("serial {serial}, issuer {issuer}"));
    expect(
        line_with(&text, "Not Before:") == Some("Not Before: Mar 22 23:59:59 2018 GMT")
            && line_with(&text, "Not After :") == Some("Not After : Dec 31 23:59:59 9999 GMT"),
        "validity",
    )?;
    checked.push("validity".into());

    let ca = doc.kind != Kind::Evidence;
    let (usage, constraints) = if ca {
        ("Certificate Sign", "CA:TRUE")
    } else {
        ("Digital Signature", "CA:FALSE")
    };
    expect(
        line_with(&text, "X509v3 Key Usage:") == Some("X509v3 Key Usage: critical")
            && line_after(&text, "X509v3 Key Usage:") == Some(usage),
        &format!("keyUsage is not critical {usage}"),
    )?;
    expect(
        line_with(&text, "X509v3 Basic Constraints:") == Some("X509v3 Basic Constraints: critical")
            && line_after(&text, "X509v3 Basic Constraints:") == Some(constraints),
        &format!("basicConstraints is not critical {constraints}"),
    )?;
    checked.push(format!("keyUsage {usage}, basicConstraints {constraints}"));

    // The TCG extensions: shown by OID with their criticality, their values parsed by
    // asn1parse -strparse.
    let tcg = [
        (OID_UEID, false, doc.ueid.as_deref(), "UEID"),
        (OID_TCB_INFO, true, doc.image_id.as_deref(), "TcbInfo"),
        (
            OID_TCB_FRESHNESS,
            true,
            doc.nonce.as_deref(),
            "TcbFreshness",
        ),
    ];
    for (oid, critical, value, what) in tcg {
        let shown = line_with(&text, &format!("{oid}:"));
        let Some(value) = value else {
            expect(shown.is_none(), &format!("unexpected extension {oid}"))?;
            continue;
        };
        let want = if critical {
            format!("{oid}: critical")
        } else {
            format!("{oid}:")
        };
        expect(
            shown == Some(want.as_str()),
            &format!("{what} ({oid}) is not `{want}`"),
        )?;
        let inner = strparse_extension(file, &asn1, oid)?;
        // asn1parse shows an OCTET STRING as `[HEX DUMP]:<HEX>`, or as `:<text>` when every
        // byte is printable ASCII (the KAT nonce is).
        let mut shows = vec![format!("[HEX DUMP]:{}", value.to_ascii_uppercase())];
        let bytes = unhex(value)?;
        if bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
            shows.push(format!(
                "OCTET STRING      :{}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        let ok = inner
            .lines()
            .any(|l| shows.iter().any(|s| l.trim_end().ends_with(s.as_str())))
            && (oid != OID_TCB_INFO || inner.lines().any(|l| l.trim_end().ends_with(":sha256")));
        if !ok {
            return Err(format!(
                "asn1parse -strparse of {what} ({oid}) does not show {}{value}:\n{inner}",
                if oid == OID_TCB_INFO {
                    "an SHA-256 FWID "
                } else {
                    ""
                }
            ));
        }
        let short = value.get(..8).unwrap_or(value);
        checked.push(format!(
            "{what} {oid}{} (strparse: {short}..)",
            if critical { " critical" } else { "" }
        ));
    }
    Ok(checked.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Python

/// Runs a command of the Python half, showing its output; its stdout.
fn python_run(mut c: Command) -> Result<String, String> {
    let shown = show(&c);
    println!("    $ {shown}");
    flush();
    let out = c
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in stdout.lines() {
        println!("      {line}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines() {
        println!("      {line}");
    }
    flush();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!("`{shown}` exited with {}", out.status))
    }
}

/// The counts of the `pyca: N documents parsed, M signatures verified, K not verifiable`
/// line.
fn pyca_summary(out: &str) -> Result<(usize, usize, usize), String> {
    let line = out
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("pyca: ")
                .filter(|rest| rest.contains("documents parsed"))
        })
        .ok_or("identity_interop.py printed no `pyca: N documents parsed` line")?;
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match numbers.as_slice() {
        [parsed, verified, unverifiable] => Ok((*parsed, *verified, *unverifiable)),
        _ => Err(format!("unexpected pyca summary `{line}`")),
    }
}

// ---------------------------------------------------------------------------------------------
// pyca -> pqhybrid -> pyca

/// A CLI run that may fail: its output, shown.
fn cli_run(cli: &Path, args: &[&str], dir: &Path) -> Result<Output, String> {
    let mut c = Command::new(cli);
    c.args(args).current_dir(dir);
    let shown = format!("pqhybrid {}", args.join(" "));
    println!("    $ {shown}");
    let out = c
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    for line in String::from_utf8_lossy(&out.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&out.stderr).lines())
    {
        println!("      {line}");
    }
    flush();
    Ok(out)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `pqhybrid args` must exit 0.
fn cli_ok(cli: &Path, args: &[&str], dir: &Path) -> Result<Output, String> {
    let out = cli_run(cli, args, dir)?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "`pqhybrid {}` exited with {}",
            args.join(" "),
            out.status
        ))
    }
}

/// `pqhybrid args` must exit 1 (an invalid document) naming `tag` (`[BrokenChain]`, ...).
fn cli_rejects(cli: &Path, args: &[&str], dir: &Path, tag: &str) -> Result<(), String> {
    let out = cli_run(cli, args, dir)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(1) && stderr.contains(tag) {
        Ok(())
    } else {
        Err(format!(
            "`pqhybrid {}` exited with {} without {tag} (expected exit 1 and {tag})",
            args.join(" "),
            out.status
        ))
    }
}

/// pyca's documents through `pqhybrid identity`, and the issued certificate back through pyca
/// and OpenSSL. What held, in one line.
fn reverse_direction(
    python: &Path,
    root: &Path,
    cli: &Path,
    work: &Path,
) -> Result<String, String> {
    let script = root.join(SCRIPT);
    let mut c = Command::new(python);
    c.arg(&script).arg("make").arg(work);
    python_run(c)?;
    let manifest_path = work.join("pyca-manifest.json");
    let manifest = read_json(&manifest_path)?;
    let dev_id = text(&manifest, "/deviceId", &manifest_path)?;
    let nonce = text(&manifest, "/nonce", &manifest_path)?;
    let fwid = text(&manifest, "/fwid", &manifest_path)?;
    let svn = manifest
        .get("svn")
        .and_then(Value::as_u64)
        .ok_or("pyca-manifest.json: no svn")?
        .to_string();

    // OpenSSL parses what pyca wrote (DER converted from PEM).
    for (file, sub) in [
        ("pyca-device_id.csr", "req"),
        ("pyca-self-signed.crt", "x509"),
        ("pyca-alias.crt", "x509"),
        ("pyca-evidence.crt", "x509"),
    ] {
        let pem = work.join(file);
        let der = work.join(format!("{file}.der"));
        let (pem_s, der_s) = (
            pem.to_str().ok_or("non-UTF-8 path")?,
            der.to_str().ok_or("non-UTF-8 path")?,
        );
        openssl(&[sub, "-in", pem_s, "-outform", "DER", "-out", der_s])?;
        let size = std::fs::metadata(&der)
            .map_err(|e| format!("{der_s}: {e}"))?
            .len();
        asn1_strict(der_s, usize::try_from(size).map_err(|e| e.to_string())?)
            .map_err(|e| format!("{file}: {e}"))?;
        openssl(&[sub, "-inform", "DER", "-in", der_s, "-noout", "-text"])
            .map_err(|e| format!("{file}: {e}"))?;
    }
    println!("    OpenSSL: pyca's CSR and certificates parse (asn1parse, x509/req -text)");

    let out = cli_ok(
        cli,
        &[
            "identity",
            "ca-init",
            "--out",
            "ca",
            "--alg",
            "ML-DSA-65",
            "--name",
            CA_NAME,
        ],
        work,
    )?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ca_id = stderr
        .split("serialNumber=")
        .nth(1)
        .and_then(|s| s.get(..40))
        .ok_or("`identity ca-init` printed no serialNumber")?
        .to_owned();

    // The CSR that follows the profile is accepted; the one under another key's name is not.
    let out = cli_ok(
        cli,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "pyca-device_id.csr",
            "--out",
            "device_id.crt",
        ],
        work,
    )?;
    if !String::from_utf8_lossy(&out.stderr).contains(&dev_id) {
        return Err(format!(
            "`identity issue` did not name the device id {dev_id}"
        ));
    }
    cli_rejects(
        cli,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "pyca-wrong-name.csr",
            "--out",
            "wrong.crt",
        ],
        work,
        "[BrokenChain]",
    )?;
    if work.join("wrong.crt").exists() {
        return Err("`identity issue` wrote a certificate for the misnamed CSR".into());
    }

    // pqhybrid's verifier on the chain CA -> issued DeviceID -> pyca Alias -> pyca evidence.
    let chain = [
        "--device-id-cert",
        "device_id.crt",
        "--alias-cert",
        "pyca-alias.crt",
        "--evidence",
        "pyca-evidence.crt",
    ];
    let verify = |roots: &[&str], nonce: &str, extra: &[&str]| {
        let mut args = vec!["identity", "verify"];
        for r in roots {
            args.extend(["--root", r]);
        }
        args.extend(chain);
        args.extend(["--nonce", nonce]);
        args.extend(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let good = verify(
        &["pyca-self-signed.crt", "ca/ca.crt"],
        &nonce,
        &["--image-id", &fwid, "--min-security-version", &svn],
    );
    cli_ok(cli, &strs(&good), work)?;
    let only_pyca_root = verify(&["pyca-self-signed.crt"], &nonce, &[]);
    cli_rejects(cli, &strs(&only_pyca_root), work, "[UnknownRoot]")?;
    let other_nonce = format!("00{}", nonce.get(2..).unwrap_or(""));
    let stale = verify(&["ca/ca.crt"], &other_nonce, &[]);
    cli_rejects(cli, &strs(&stale), work, "[BadNonce]")?;

    // The issued certificate through OpenSSL (the KAT checks) and pyca.
    let issued_der = work.join("device_id.der");
    let issued_s = issued_der.to_str().ok_or("non-UTF-8 path")?;
    let pem = work.join("device_id.crt");
    openssl(&[
        "x509",
        "-in",
        pem.to_str().ok_or("non-UTF-8 path")?,
        "-outform",
        "DER",
        "-out",
        issued_s,
    ])?;
    let der = std::fs::read(&issued_der).map_err(|e| format!("{issued_s}: {e}"))?;
    let doc = Doc {
        label: "pqhybrid-issued device_id.crt".into(),
        file: "device_id.der".into(),
        kind: Kind::DeviceId,
        der,
        oid: "2.16.840.1.101.3.4.3.18".into(),
        subject_id: dev_id.clone(),
        issuer_id: ca_id,
        serial: Some(dev_id.clone()),
        ca_name: CA_NAME.into(),
        ueid: Some(text(&manifest, "/ueid", &manifest_path)?),
        image_id: None,
        nonce: None,
    };
    let line = openssl_check(&doc, work).map_err(|e| format!("{}: {e}", doc.label))?;
    println!("    OpenSSL {}: ok: {line}", doc.label);
    let mut c = Command::new(python);
    c.arg(&script).arg("issued").arg(work);
    python_run(c)?;

    Ok(format!(
        "pyca ML-DSA-65 CSR accepted by `pqhybrid identity issue` (DeviceID {dev_id}; a CSR \
         under another key's name refused [BrokenChain]); the issued certificate parsed by \
         OpenSSL and verified by pyca against the CA; pyca's Alias certificate and evidence \
         verified by `pqhybrid identity verify` (pyca self-signed root parsed; refused with \
         only it [UnknownRoot] or another nonce [BadNonce])"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_asn1parse_lines() {
        let l = asn1_line("  2327:d=5  hl=2 l=  88 prim: OCTET STRING      [HEX DUMP]:3056")
            .unwrap_or_else(|| unreachable!());
        assert_eq!((l.offset, l.header, l.len), (2327, 2, 88));
        assert!(l.rest.starts_with("prim: OCTET STRING"));
        let l = asn1_line("    0:d=0  hl=4 l=5740 cons: SEQUENCE          ")
            .unwrap_or_else(|| unreachable!());
        assert_eq!((l.offset, l.header, l.len), (0, 4, 5740));
        assert!(asn1_line("Error in encoding").is_none());
    }

    #[test]
    fn reads_pyca_summary() {
        let out = "x\npyca: 21 documents parsed, 7 signatures verified, 14 not verifiable \
                   (composite algorithms)\n";
        assert_eq!(pyca_summary(out), Ok((21, 7, 14)));
        assert!(pyca_summary("pyca: 3 checks FAILED").is_err());
    }

    #[test]
    fn decodes_hex() {
        assert_eq!(unhex("00ff7f"), Ok(vec![0, 255, 127]));
        assert!(unhex("0").is_err());
        assert!(unhex("zz").is_err());
    }

    /// The whole check (installs tools, builds the CLI): `cargo test -p xtask interop --
    /// --ignored --nocapture`.
    #[test]
    #[ignore = "installs pyca/cryptography and builds the CLI; run by the identity-interop step"]
    fn whole_check() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = here.parent().unwrap_or(here);
        if let Err(e) = identity_interop(root) {
            unreachable!("{e}");
        }
    }
}
