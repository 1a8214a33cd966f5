//! `cargo xtask ct [--thumb]`: the constant-time checks of `ct/` (see docs/constant-time.md).
//!
//! * `ct`: build `ct/` (its own workspace, target dir `target/ct`) and run the secret-taint
//!   harness `ct-taint` under valgrind memcheck with `ct/valgrind.supp`. Any report fails.
//! * `ct --thumb`: build the `ct_root_*` entry points of `ct/` as a `staticlib` for
//!   thumbv7em-none-eabihf and thumbv8m.main-none-eabihf, disassemble them with
//!   `arm-none-eabi-objdump`, build the call graph from the relocations (direct calls, tail
//!   calls and every address a reachable function or table takes, which covers indirect calls
//!   conservatively) and fail on any `udiv`/`sdiv` or division helper reachable from a root.
//!
//! Missing tools are installed: rustup targets with `rustup target add`, valgrind and
//! `binutils-arm-none-eabi` with `apt-get` (when root).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cmd::{capture, ensure_tool, status};

const TARGETS: [&str; 3] = [
    "thumbv7em-none-eabihf",
    "thumbv8m.main-none-eabihf",
    "thumbv7m-none-eabi",
];
/// The Cortex-M3 target: its 32×32→64 multiplies (`umull`, `smull`, `umlal`, `smlal`) take 3–5
/// cycles depending on the operands (early termination), so any reachable from a secret-key
/// operation makes that operation variable-time there. Counted and reported, not fatal:
/// README and docs/constant-time.md state that secret-key operations on the M3 are not
/// constant-time.
const M3: &str = "thumbv7m-none-eabi";
const OBJDUMP: &str = "arm-none-eabi-objdump";

/// Division helpers of the ARM EABI and of compiler-builtins: a call to one is a division.
const DIV_HELPERS: &[&str] = &[
    "__aeabi_uidiv",
    "__aeabi_uidivmod",
    "__aeabi_idiv",
    "__aeabi_idivmod",
    "__aeabi_uldivmod",
    "__aeabi_ldivmod",
    "__udivsi3",
    "__divsi3",
    "__umodsi3",
    "__modsi3",
    "__udivmodsi4",
    "__divmodsi4",
    "__udivdi3",
    "__divdi3",
    "__umoddi3",
    "__moddi3",
    "__udivmoddi4",
    "__divmoddi4",
    "__udivti3",
    "__divti3",
    "__umodti3",
    "__modti3",
    "__udivmodti4",
];

/// Reachable functions allowed to divide: (substring of the mangled symbol, number of
/// `udiv`/`sdiv` instructions allowed in it, why every division there only sees public data).
/// A function with more divisions than listed fails again. Every entry is listed in
/// docs/constant-time.md.
const ALLOWLIST: &[(&str, usize, &str)] = &[
    (
        "16curve25519_dalek6scalar6Scalar11as_radix_2w",
        1,
        "digits_count = (256 + w - 1) / w: the dividend is a constant and the divisor the window \
     width w of the basepoint table (public, 4..=8); the scalar's bits never reach it",
    ),
    (
        "PortableSampler$u20$as$u20$libcrux_ml_dsa..samplex4..X4Sampler$GT$11matrix_flat",
        4,
        "libcrux-ml-dsa ExpandA over the flattened k×l matrix: the entry index (a loop counter) \
     divided by the column count l (4, 5 or 7), and the entry count by 4 — parameter-set \
     dimensions only; the sampled values never reach a division",
    ),
    (
        "10primitives14ml_dsa_compact7w1_hash",
        1,
        "pqhybrid's compact verifier (reached from signing only through the self-check of a \
     signature just made): `chunks_exact` over the public key and the signature with the \
     parameter set's runtime lengths; verification handles public data only",
    ),
    (
        "8firmware7decrypt18Decryptor$LT$B$GT$8activate",
        1,
        "the encrypted-firmware decryptor's chunk count, plaintext_len.div_ceil(chunk_size) \
     (encrypt::chunk_count): both are fields of the encryption record, which is stored in the \
     clear in the image and covered by its signature; the content key and the plaintext never \
     reach it",
    ),
    (
        "8firmware7encrypt16EncryptionRecord11payload_len",
        1,
        "the encrypted payload length the record describes (encrypted_payload_len -> \
     chunk_count: plaintext_len.div_ceil(chunk_size)), from the record's public, signed \
     plaintext length and chunk size",
    ),
];

pub fn run(root: &Path, thumb: bool) -> Result<(), String> {
    if thumb {
        run_thumb(root)
    } else {
        run_taint(root)
    }
}

/// `cargo` in `ct/` (its own workspace), building into [`target_dir`].
fn ct_cargo(root: &Path) -> Command {
    let mut c = crate::cmd::cargo(&root.join("ct"));
    c.env("CARGO_TARGET_DIR", target_dir(root));
    c
}

fn target_dir(root: &Path) -> PathBuf {
    root.join("target").join("ct")
}

// ------------------------------------------------------------------------- valgrind taint run

fn run_taint(root: &Path) -> Result<(), String> {
    ensure_tool("valgrind", "valgrind")?;
    // The harness issues the client requests itself (inline asm, the sequence of valgrind.h),
    // so /usr/include/valgrind is not needed.
    let t = Instant::now();
    let mut build = ct_cargo(root);
    build.args([
        "build",
        "--profile",
        "taint",
        "--locked",
        "--bin",
        "ct-taint",
    ]);
    status(build, "cargo build (ct/)")?;
    println!("ct: harness built in {:.1}s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let exe = target_dir(root).join("taint").join("ct-taint");
    let mut vg = Command::new("valgrind");
    vg.current_dir(root)
        .arg("--tool=memcheck")
        .arg("--error-exitcode=1")
        .arg("--num-callers=30")
        .arg("--suppressions=ct/valgrind.supp")
        // Reports come from secret-tainted values, never from the harness's own allocations.
        .arg("--leak-check=no")
        .arg(&exe)
        // SLH-DSA reduced to one parameter set per hash code path (CI time budget; the full
        // run is `ct-taint` without `--ci`, see docs/constant-time.md).
        .arg("--ci");
    let s = vg.status().map_err(|e| format!("valgrind: {e}"))?;
    println!("ct: valgrind run took {:.1}s", t.elapsed().as_secs_f64());
    if s.success() {
        Ok(())
    } else {
        Err(format!(
            "valgrind reported secret-dependent branches or memory indices, or the harness \
             failed ({s}); rerun with `valgrind --track-origins=yes --suppressions=ct/valgrind.supp \
             {}` to see where the secret came from",
            exe.display()
        ))
    }
}

// ------------------------------------------------------------------------- Cortex-M division

fn run_thumb(root: &Path) -> Result<(), String> {
    ensure_tool(OBJDUMP, "binutils-arm-none-eabi")?;
    let installed = capture(Command::new("rustup").args(["target", "list", "--installed"]))?;
    for t in TARGETS {
        if !installed.lines().any(|l| l.trim() == t) {
            let mut c = Command::new("rustup");
            c.args(["target", "add", t]);
            status(c, &format!("rustup target add {t}"))?;
        }
    }
    let mut failures = Vec::new();
    for target in TARGETS {
        let t = Instant::now();
        let mut build = ct_cargo(root);
        build.args([
            "rustc",
            "--release",
            "--locked",
            "--lib",
            "--crate-type",
            "staticlib",
            "--target",
            target,
        ]);
        status(build, &format!("cargo rustc (ct/, {target})"))?;
        let lib = target_dir(root)
            .join(target)
            .join("release")
            .join("libpqhybrid_ct.a");
        let report = analyse(&lib)?;
        println!(
            "ct-thumb: {target}: {} functions reachable from {} roots ({} sections incl. data), \
             {} indirect call sites (handled: every function whose address a reachable function \
             or table takes is reachable), {} division(s) ({:.1}s)",
            report.functions,
            report.roots.len(),
            report.sections,
            report.indirect_calls,
            report.divisions.len(),
            t.elapsed().as_secs_f64()
        );
        for (root_name, n) in &report.roots {
            println!("ct-thumb: {target}:   {root_name}: {n} functions");
        }
        if target == M3 {
            println!(
                "ct-thumb: {target}: {} long multiply instruction(s) (umull/smull/umlal/smlal) in \
                 {} reachable section(s): variable-time on the Cortex-M3, so secret-key \
                 operations there are NOT constant-time (docs/constant-time.md)",
                report.long_muls, report.long_mul_functions
            );
        }
        for d in &report.divisions {
            println!("ct-thumb: {target}: DIVISION {d}");
        }
        for a in &report.allowed {
            println!("ct-thumb: {target}: allowed {a}");
        }
        if !report.divisions.is_empty() {
            failures.push(format!("{target}: {} division(s)", report.divisions.len()));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "division reachable from secret-dependent entry points: {}",
            failures.join("; ")
        ))
    }
}

struct Report {
    /// Root name and the number of functions it reaches.
    roots: Vec<(String, usize)>,
    functions: usize,
    sections: usize,
    indirect_calls: usize,
    divisions: Vec<String>,
    allowed: Vec<String>,
    /// Reachable `umull`/`smull`/`umlal`/`smlal` instructions, and the sections holding them.
    long_muls: usize,
    long_mul_functions: usize,
}

/// A section of one archive member: the nodes of the graph (`-ffunction-sections` and
/// `-fdata-sections` make each function and each table its own section).
type Node = (usize, String);

#[derive(Default)]
struct Section {
    /// Names of the function symbols defined in the section.
    functions: Vec<String>,
    /// Targets of its relocations (symbols or section names), in its own member.
    refs: Vec<String>,
    /// `udiv`/`sdiv` instructions (offset and text).
    divs: Vec<String>,
    /// `umull`/`smull`/`umlal`/`smlal`: variable-time on the Cortex-M3 (early termination).
    long_muls: usize,
    /// `blx rN` / `bx rN` (not `bx lr`).
    indirect: usize,
}

fn analyse(lib: &Path) -> Result<Report, String> {
    let lib_s = lib.display().to_string();
    let symtab = capture(Command::new(OBJDUMP).args(["-t", &lib_s]))?;
    let relocs = capture(Command::new(OBJDUMP).args(["-r", &lib_s]))?;
    let disasm = capture(Command::new(OBJDUMP).args(["-d", "--no-show-raw-insn", &lib_s]))?;

    let mut sections: HashMap<Node, Section> = HashMap::new();
    // Global symbol -> defining node; local symbols per member.
    let mut global: HashMap<String, Node> = HashMap::new();
    let mut local: HashMap<(usize, String), Node> = HashMap::new();

    // Symbol tables: "00000000 g     F .text.foo\t00000040 foo".
    let mut member = 0usize;
    for line in symtab.lines() {
        if line.contains("file format") {
            member += 1;
            continue;
        }
        let Some((left, right)) = line.split_once('\t') else {
            continue;
        };
        if left.len() < 17 {
            continue;
        }
        let flags = &left[9..16];
        let Some(section) = left[16..].split_whitespace().last() else {
            continue;
        };
        // "00000040 name" or "00000040 .hidden name".
        let Some(name) = right.split_whitespace().last() else {
            continue;
        };
        if section == "*UND*" || section == "*ABS*" {
            continue;
        }
        let node = (member, section.to_string());
        local.insert((member, name.to_string()), node.clone());
        if flags.starts_with('g') || flags.starts_with('w') || flags.starts_with('u') {
            global
                .entry(name.to_string())
                .or_insert_with(|| node.clone());
        }
        let entry = sections.entry(node).or_default();
        if flags.ends_with('F') {
            entry.functions.push(name.to_string());
        }
    }

    // Relocations: "RELOCATION RECORDS FOR [.text.foo]:" then "0000001c R_ARM_THM_CALL  sym".
    member = 0;
    let mut current: Option<Node> = None;
    for line in relocs.lines() {
        if line.contains("file format") {
            member += 1;
            current = None;
        } else if let Some(s) = line
            .strip_prefix("RELOCATION RECORDS FOR [")
            .and_then(|s| s.strip_suffix("]:"))
        {
            // Unwinding tables and debug info reference every function: not calls.
            current = (s.starts_with(".text")
                || s.starts_with(".rodata")
                || s.starts_with(".data")
                || s.starts_with(".init_array"))
            .then(|| (member, s.to_string()));
        } else if let Some(node) = &current {
            let mut parts = line.split_whitespace();
            if let (Some(_off), Some(kind), Some(value)) =
                (parts.next(), parts.next(), parts.next())
                && kind.starts_with("R_ARM_")
            {
                let value = value.split('+').next().unwrap_or(value).to_string();
                sections.entry(node.clone()).or_default().refs.push(value);
            }
        }
    }

    // Instructions: "Disassembly of section .text.foo:" then "  1c:\tudiv\tr0, r1, r2".
    member = 0;
    let mut current: Option<Node> = None;
    for line in disasm.lines() {
        if line.contains("file format") {
            member += 1;
            current = None;
        } else if let Some(s) = line
            .strip_prefix("Disassembly of section ")
            .and_then(|s| s.strip_suffix(':'))
        {
            current = Some((member, s.to_string()));
        } else if let Some(node) = &current {
            let mut cols = line.split('\t');
            let (Some(addr), Some(mnemonic)) = (cols.next(), cols.next()) else {
                continue;
            };
            if !addr.trim_end().ends_with(':') {
                continue;
            }
            let operands = cols.next().unwrap_or("").trim();
            let m = mnemonic.trim();
            let base = m.split('.').next().unwrap_or(m);
            let sec = sections.entry(node.clone()).or_default();
            if base == "udiv" || base == "sdiv" {
                sec.divs.push(format!("{} {m} {operands}", addr.trim()));
            } else if ["umull", "smull", "umlal", "smlal"].contains(&base) {
                sec.long_muls += 1;
            } else if (base == "blx" || base == "bx")
                && operands.starts_with('r')
                && operands != "lr"
            {
                sec.indirect += 1;
            }
        }
    }

    // A relocation names a symbol (local labels like `.Lanon.*` included) or a section.
    let resolve = |member: usize, name: &str| -> Option<Node> {
        local
            .get(&(member, name.to_string()))
            .or_else(|| global.get(name))
            .cloned()
            .or_else(|| name.starts_with('.').then(|| (member, name.to_string())))
    };

    // Roots: the ct_root_* entry points.
    let mut roots: Vec<(String, Node)> = global
        .iter()
        .filter(|(n, _)| n.starts_with("ct_root_"))
        .map(|(n, node)| (n.clone(), node.clone()))
        .collect();
    roots.sort();
    if roots.len() < 10 {
        return Err(format!(
            "only {} ct_root_* entry points found in {lib_s}",
            roots.len()
        ));
    }

    let bfs = |start: &Node, parent: &mut BTreeMap<Node, Option<Node>>| {
        let mut queue = VecDeque::from([start.clone()]);
        parent.insert(start.clone(), None);
        while let Some(n) = queue.pop_front() {
            let Some(sec) = sections.get(&n) else {
                continue;
            };
            for r in &sec.refs {
                if let Some(t) = resolve(n.0, r)
                    && !parent.contains_key(&t)
                {
                    parent.insert(t.clone(), Some(n.clone()));
                    queue.push_back(t);
                }
            }
        }
    };

    let mut all: BTreeMap<Node, Option<Node>> = BTreeMap::new();
    let mut per_root = Vec::new();
    for (name, node) in &roots {
        let mut parent = BTreeMap::new();
        bfs(node, &mut parent);
        let funcs = parent
            .keys()
            .filter_map(|n| sections.get(n))
            .map(|s| s.functions.len())
            .sum();
        per_root.push((name.clone(), funcs));
        for (n, p) in parent {
            all.entry(n).or_insert(p);
        }
    }

    let label = |n: &Node| -> String {
        sections
            .get(n)
            .and_then(|s| s.functions.first())
            .map_or_else(|| n.1.clone(), |f| demangle(f))
    };
    let path = |n: &Node| -> String {
        let mut chain = vec![label(n)];
        let mut cur = all.get(n).cloned().flatten();
        while let Some(p) = cur {
            chain.push(label(&p));
            cur = all.get(&p).cloned().flatten();
        }
        chain.reverse();
        chain.join(" -> ")
    };

    let mut divisions = Vec::new();
    let mut allowed = Vec::new();
    let (mut long_muls, mut long_mul_functions) = (0, 0);
    let mut functions = 0;
    let mut indirect_calls = 0;
    let mut seen_funcs = BTreeSet::new();
    for n in all.keys() {
        let Some(sec) = sections.get(n) else { continue };
        for f in &sec.functions {
            seen_funcs.insert(f.clone());
        }
        functions += sec.functions.len();
        indirect_calls += sec.indirect;
        if sec.long_muls > 0 {
            long_muls += sec.long_muls;
            long_mul_functions += 1;
        }
        let helper = sec
            .functions
            .iter()
            .find(|f| DIV_HELPERS.contains(&f.as_str()) || is_builtin_div(f));
        if sec.divs.is_empty() && helper.is_none() {
            continue;
        }
        let what = match helper {
            Some(h) => format!("division helper {h}"),
            None => format!("{} ({})", sec.divs.join(", "), label(n)),
        };
        let line = format!("{what}; reached via {}", path(n));
        let entry = sec.functions.iter().find_map(|f| {
            ALLOWLIST
                .iter()
                .find(|(pat, max, _)| f.contains(pat) && helper.is_none() && sec.divs.len() <= *max)
        });
        match entry {
            Some((_, _, why)) => allowed.push(format!("{line} [allowlisted: {why}]")),
            None => divisions.push(line),
        }
    }
    Ok(Report {
        roots: per_root,
        functions: functions.max(seen_funcs.len()),
        sections: all.len(),
        indirect_calls,
        divisions,
        allowed,
        long_muls,
        long_mul_functions,
    })
}

/// compiler-builtins' own division routines (called by the EABI helpers).
fn is_builtin_div(mangled: &str) -> bool {
    mangled.contains("compiler_builtins")
        && ["div", "rem"].iter().any(|w| {
            demangle(mangled)
                .rsplit("::")
                .next()
                .is_some_and(|l| l.contains(w))
        })
}

/// A minimal demangler for legacy Rust symbols (`_ZN` length-prefixed path, hash dropped).
fn demangle(s: &str) -> String {
    let Some(mut rest) = s.strip_prefix("_ZN") else {
        return s.to_string();
    };
    let mut parts = Vec::new();
    while let Some(c) = rest.chars().next() {
        if !c.is_ascii_digit() {
            break;
        }
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse::<usize>() else {
            break;
        };
        rest = &rest[digits.len()..];
        if rest.len() < n {
            break;
        }
        let (ident, tail) = rest.split_at(n);
        rest = tail;
        if ident.len() == 17 && ident.starts_with('h') {
            continue;
        }
        parts.push(
            ident
                .replace("$LT$", "<")
                .replace("$GT$", ">")
                .replace("$u20$", " ")
                .replace("$C$", ",")
                .replace("$RF$", "&")
                .replace("..", "::"),
        );
    }
    parts.join("::")
}
