//! The C ABI (`ffi/`): header generation, C tests, installation for C/CMake users, the C host
//! example, and the bare-metal staticlib builds.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, ensure_tool, run, write_file};
use crate::{CROSS_TARGET_DIR, Ctx, EMBEDDED_TARGETS, StepResult, THUMBV6M, step};

/// The generated, committed header.
const HEADER: &str = "include/pqhybrid.h";
/// The C test sources.
const C_TEST: &str = "tests/c/test_pqhybrid.c";
/// Where the C tests are built.
const C_TEST_DIR: &str = "target/c-tests";
/// The C host example and where `c-example` installs and builds it.
const C_HOST: &str = "examples/c-host";
const C_HOST_DIR: &str = "target/c-host";

/// Generates the header in memory (cbindgen as a library, config `ffi/cbindgen.toml`).
fn generate_header(root: &Path) -> Result<String, String> {
    let crate_dir = root.join("ffi");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .map_err(|e| format!("ffi/cbindgen.toml: {e}"))?;
    // cbindgen cannot export string constants; the crate's version is the workspace's, which
    // is also this binary's.
    let version = format!(
        "\n/** The version of the library this header belongs to, as a string. */\n\
         #define PQH_VERSION_STRING \"{}\"\n",
        env!("CARGO_PKG_VERSION")
    );
    config.after_includes = Some(config.after_includes.unwrap_or_default() + &version);
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen produced invalid UTF-8: {e}"))
}

/// `cargo xtask header [--check]`: regenerates `include/pqhybrid.h`, or with `--check` fails if
/// regenerating would change it.
pub(crate) fn header(ctx: &Ctx, check: bool) -> StepResult {
    let text = generate_header(&ctx.root)?;
    let path = ctx.root.join(HEADER);
    if check {
        let old = std::fs::read_to_string(&path).map_err(|e| {
            format!("{HEADER}: {e}; generate it with `cargo xtask header` and commit it")
        })?;
        if old != text {
            let line = old
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| old.lines().count().min(text.lines().count()));
            return Err(format!(
                "{HEADER} is out of date (first difference at line {}); run `cargo xtask header` \
                 and commit the result",
                line + 1
            ));
        }
        println!("{HEADER}: up to date ({} lines)", text.lines().count());
    } else {
        write_file(&path, &text)?;
        println!("wrote {HEADER} ({} lines)", text.lines().count());
    }
    Ok(())
}

/// Builds the library in release mode (`cargo rustc`, so that `extra` rustc flags apply to this
/// crate only) and returns the directory holding `libpqhybrid_ffi.{a,so}` and the system
/// libraries the static library needs (`--print native-static-libs`, e.g. `-lgcc_s -lutil -lrt
/// -lpthread -lm -ldl -lc`). The list is printed to a file, which survives a fresh (no-op)
/// build, unlike rustc's note.
fn build_ffi(
    ctx: &Ctx,
    features: &[&str],
    extra: &[&str],
    libs_file: &Path,
) -> Result<(PathBuf, Vec<String>), String> {
    let print = format!("native-static-libs={}", libs_file.display());
    let build = || {
        let mut args = vec!["rustc", "-p", "pqhybrid-ffi", "--lib", "--release"];
        args.extend_from_slice(features);
        args.extend(["--", "--print", &print]);
        args.extend_from_slice(extra);
        run(ctx.cargo(&args))
    };
    build()?;
    if !libs_file.is_file() {
        // Built before with these flags but the file is gone: rebuild the crate.
        run(ctx.cargo(["clean", "-p", "pqhybrid-ffi", "--release"]))?;
        build()?;
    }
    let text = std::fs::read_to_string(libs_file).map_err(|e| {
        format!(
            "{}: {e} (rustc --print native-static-libs)",
            libs_file.display()
        )
    })?;
    let libs: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    println!("    native-static-libs: {}", libs.join(" "));
    let dir = ctx.target_dir().join("release");
    let a = dir.join("libpqhybrid_ffi.a");
    if !a.is_file() {
        return Err(format!("{} was not built", a.display()));
    }
    Ok((dir, libs))
}

fn copy(from: &Path, to: &Path) -> StepResult {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} -> {}: {e}", from.display(), to.display()))
}

/// `cargo xtask c-tests`: converts the vectors, builds the static library (with `hazmat`),
/// compiles `tests/c/` with gcc and ASan/UBSan, and runs it.
pub(crate) fn c_tests(ctx: &Ctx) -> StepResult {
    ensure_tool("gcc", "gcc")?;
    step("c-coverage", || every_function_is_called(&ctx.root))?;
    let out_dir = ctx.root.join(C_TEST_DIR);
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let vectors = out_dir.join("vectors.txt");
    step("c-vectors", || {
        crate::vectors::write_c_vectors(&ctx.root, &vectors)
    })?;
    // Optimized (the core's generic code is instantiated in pqhybrid, so an unoptimized build
    // makes SLH-DSA take minutes), with debug assertions and overflow checks in the C glue.
    let (lib_dir, libs) = build_ffi(
        ctx,
        &["--features", "hazmat"],
        &["-C", "debug-assertions=on", "-C", "overflow-checks=on"],
        &out_dir.join("native-static-libs.txt"),
    )?;
    // Copy at once: another build of the crate with other features would overwrite it.
    let lib = out_dir.join("libpqhybrid_ffi.a");
    copy(&lib_dir.join("libpqhybrid_ffi.a"), &lib)?;
    let exe = out_dir.join("test_pqhybrid");
    let mut cc = Command::new("gcc");
    cc.current_dir(&ctx.root).args([
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-O1",
        "-fsanitize=address,undefined",
        "-fno-sanitize-recover=all",
        "-fno-omit-frame-pointer",
        "-DPQH_HAZMAT",
        "-Iinclude",
        C_TEST,
    ]);
    cc.arg(&lib).args(&libs).arg("-o").arg(&exe);
    run(cc)?;
    let mut t = Command::new(&exe);
    t.current_dir(&ctx.root)
        .arg(&vectors)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    run(t)
}

/// The functions the header declares (`pqh_*(`), except the integrator's panic hook.
fn exported_functions(header: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in header.lines() {
        let t = line.trim_start();
        if t.starts_with('*') || t.starts_with("/*") || t.starts_with("//") || t.starts_with('#') {
            continue;
        }
        let Some((decl, _)) = t.split_once('(') else {
            continue;
        };
        let Some(i) = decl.rfind([' ', '*']) else {
            continue;
        };
        let name = &decl[i + 1..];
        // A declaration: a return type, then an identifier starting with pqh_.
        if name.starts_with("pqh_")
            && !decl.contains("typedef")
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && name != "pqh_panic_handler"
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_owned());
        }
    }
    names
}

/// Fails unless `tests/c/` calls every function the header exports.
fn every_function_is_called(root: &Path) -> StepResult {
    let header =
        std::fs::read_to_string(root.join(HEADER)).map_err(|e| format!("{HEADER}: {e}"))?;
    let tests = std::fs::read_to_string(root.join(C_TEST)).map_err(|e| format!("{C_TEST}: {e}"))?;
    let names = exported_functions(&header);
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !tests.contains(&format!("{n}(")))
        .collect();
    if names.len() < 10 {
        return Err(format!("found only {} functions in {HEADER}", names.len()));
    }
    if !missing.is_empty() {
        return Err(format!("{C_TEST} does not call: {missing:?}"));
    }
    println!("    {C_TEST} calls all {} exported functions", names.len());
    Ok(())
}

/// The shared library's ABI version, as in its soname `libpqhybrid.so.<abi>` (`ffi/build.rs`
/// computes the same): the major version from 1.0 on, `0.<minor>` before (semver: a 0.x minor
/// release may break the ABI).
fn abi_version() -> String {
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    if major == "0" {
        format!("0.{}", env!("CARGO_PKG_VERSION_MINOR"))
    } else {
        major.to_owned()
    }
}

/// The soname of the shared library, `libpqhybrid.so.<abi>`.
fn soname() -> String {
    format!("libpqhybrid.so.{}", abi_version())
}

/// What `install-c` installs besides the header, the static library and the package files.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct InstallOptions {
    /// Install only the static library: no `libpqhybrid.so*`, so `-lpqhybrid` (and with it
    /// `pkg-config --static --libs pqhybrid`) links the static library. Environment:
    /// `PQH_INSTALL_STATIC_ONLY=1`.
    pub(crate) static_only: bool,
    /// Build with the `hazmat` feature (`pqh_kem_encapsulate_deterministic`, for known-answer
    /// tests); the `.pc` files and the CMake targets then define PQH_HAZMAT. Environment:
    /// `PQH_INSTALL_HAZMAT=1`.
    pub(crate) hazmat: bool,
}

impl InstallOptions {
    /// The options from `PQH_INSTALL_STATIC_ONLY` and `PQH_INSTALL_HAZMAT` (`1` or `0`).
    pub(crate) fn from_env() -> Result<Self, String> {
        let flag = |name: &str| match std::env::var(name).as_deref() {
            Err(_) | Ok("" | "0") => Ok(false),
            Ok("1") => Ok(true),
            Ok(other) => Err(format!("{name}={other}: expected 1 or 0")),
        };
        Ok(Self {
            static_only: flag("PQH_INSTALL_STATIC_ONLY")?,
            hazmat: flag("PQH_INSTALL_HAZMAT")?,
        })
    }
}

/// Replaces `link` by a symbolic link to `target` (a file name in the same directory).
fn symlink(target: &str, link: &Path) -> StepResult {
    let _ = std::fs::remove_file(link);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, link)
            .map_err(|e| format!("symlink {} -> {target}: {e}", link.display()))
    }
    #[cfg(not(unix))]
    {
        let dir = link.parent().unwrap_or(Path::new("."));
        copy(&dir.join(target), link)
    }
}

/// Installs the header, the libraries, the pkg-config files and the CMake package into
/// `prefix`. Everything is relocatable: the `.pc` files locate the prefix from their own
/// directory (`${pcfiledir}`), the CMake package from `CMAKE_CURRENT_LIST_DIR`.
pub(crate) fn install_c_with(ctx: &Ctx, prefix: &Path, opts: InstallOptions) -> StepResult {
    let prefix = if prefix.is_absolute() {
        prefix.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("current directory: {e}"))?
            .join(prefix)
    };
    header(ctx, true)?;
    let features: &[&str] = if opts.hazmat {
        &["--features", "hazmat"]
    } else {
        &[]
    };
    let libs_file = if opts.hazmat {
        "install-c-hazmat-native-static-libs.txt"
    } else {
        "install-c-native-static-libs.txt"
    };
    let (lib_dir, libs) = build_ffi(ctx, features, &[], &ctx.target_dir().join(libs_file))?;
    let inc = prefix.join("include");
    let lib = prefix.join("lib");
    let version = env!("CARGO_PKG_VERSION");
    let soname = soname();
    let real_so = format!("libpqhybrid.so.{version}");
    let mut installed = vec![
        "include/pqhybrid.h".to_owned(),
        "lib/libpqhybrid.a".to_owned(),
    ];
    copy(&ctx.root.join(HEADER), &inc.join("pqhybrid.h"))?;
    copy(
        &lib_dir.join("libpqhybrid_ffi.a"),
        &lib.join("libpqhybrid.a"),
    )?;
    if opts.static_only {
        // A shared library left by an earlier install would still win over the static one.
        for name in ["libpqhybrid.so", soname.as_str(), real_so.as_str()] {
            let path = lib.join(name);
            if path.symlink_metadata().is_ok() {
                std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                println!("    removed lib/{name} (static-only install)");
            }
        }
    } else {
        let so = lib_dir.join("libpqhybrid_ffi.so");
        if !so.is_file() {
            return Err(format!("{} was not built", so.display()));
        }
        copy(&so, &lib.join(&real_so))?;
        symlink(&real_so, &lib.join(&soname))?;
        symlink(&soname, &lib.join("libpqhybrid.so"))?;
        installed.push(format!("lib/{real_so}"));
        installed.push(format!("lib/{soname} -> {real_so}"));
        installed.push(format!("lib/libpqhybrid.so -> {soname}"));
    }
    let cflags = if opts.hazmat {
        "-I${includedir} -DPQH_HAZMAT"
    } else {
        "-I${includedir}"
    };
    let private = libs.join(" ");
    let pc_head = "# Written by `cargo xtask install-c`. Relocatable: the prefix is two \
                   directories above\n# this file.\n\
                   prefix=${pcfiledir}/../..\nexec_prefix=${prefix}\nlibdir=${prefix}/lib\n\
                   includedir=${prefix}/include\n\n";
    let pc = format!(
        "{pc_head}Name: pqhybrid\n\
         Description: Hybrid classical + post-quantum signatures and KEMs (C API)\n\
         Version: {version}\n\
         Libs: -L${{libdir}} -lpqhybrid\n\
         Libs.private: {private}\n\
         Cflags: {cflags}\n"
    );
    // `pkg-config --static` only adds Libs.private: with both libraries in lib/, `-lpqhybrid`
    // still links the shared one. This file names the archive itself.
    let pc_static = format!(
        "{pc_head}Name: pqhybrid-static\n\
         Description: Hybrid classical + post-quantum signatures and KEMs (C API), static library\n\
         Version: {version}\n\
         Libs: ${{libdir}}/libpqhybrid.a {private}\n\
         Cflags: {cflags}\n"
    );
    write_file(&lib.join("pkgconfig").join("pqhybrid.pc"), &pc)?;
    write_file(
        &lib.join("pkgconfig").join("pqhybrid-static.pc"),
        &pc_static,
    )?;
    let cmake_dir = lib.join("cmake").join("pqhybrid");
    write_file(
        &cmake_dir.join("pqhybridConfig.cmake"),
        &cmake_config(&libs, &real_so, &soname, opts.hazmat),
    )?;
    write_file(
        &cmake_dir.join("pqhybridConfigVersion.cmake"),
        &cmake_version(version),
    )?;
    installed.extend(
        [
            "lib/pkgconfig/pqhybrid.pc",
            "lib/pkgconfig/pqhybrid-static.pc",
            "lib/cmake/pqhybrid/pqhybridConfig.cmake",
            "lib/cmake/pqhybrid/pqhybridConfigVersion.cmake",
        ]
        .map(str::to_owned),
    );
    let mut what = Vec::new();
    if opts.static_only {
        what.push("static only");
    }
    if opts.hazmat {
        what.push("hazmat");
    }
    let what = if what.is_empty() {
        String::new()
    } else {
        format!(" ({})", what.join(", "))
    };
    println!(
        "installed pqhybrid {version}{what} into {}",
        prefix.display()
    );
    for f in installed {
        println!("    {f}");
    }
    Ok(())
}

fn cmake_config(libs: &[String], real_so: &str, soname: &str, hazmat: bool) -> String {
    let libs = libs.join(";");
    let defs = if hazmat {
        "\n    INTERFACE_COMPILE_DEFINITIONS \"PQH_HAZMAT\""
    } else {
        ""
    };
    format!(
        r#"# pqhybrid CMake package, written by `cargo xtask install-c`. Relocatable.
#
#   find_package(pqhybrid REQUIRED)
#   target_link_libraries(app PRIVATE pqhybrid::pqhybrid)         # static library
#   target_link_libraries(app PRIVATE pqhybrid::pqhybrid_shared)  # shared library
#
# pqhybrid::pqhybrid_shared exists only if the shared library is installed (not after
# `PQH_INSTALL_STATIC_ONLY=1 cargo xtask install-c`).

get_filename_component(_pqhybrid_prefix "${{CMAKE_CURRENT_LIST_DIR}}/../../.." ABSOLUTE)

if(NOT TARGET pqhybrid::pqhybrid)
  add_library(pqhybrid::pqhybrid STATIC IMPORTED)
  set_target_properties(pqhybrid::pqhybrid PROPERTIES
    IMPORTED_LOCATION "${{_pqhybrid_prefix}}/lib/libpqhybrid.a"
    INTERFACE_INCLUDE_DIRECTORIES "${{_pqhybrid_prefix}}/include"{defs}
    # The system libraries the Rust static library needs (rustc --print native-static-libs).
    INTERFACE_LINK_LIBRARIES "{libs}")
endif()

if(NOT TARGET pqhybrid::pqhybrid_shared AND EXISTS "${{_pqhybrid_prefix}}/lib/{real_so}")
  add_library(pqhybrid::pqhybrid_shared SHARED IMPORTED)
  set_target_properties(pqhybrid::pqhybrid_shared PROPERTIES
    IMPORTED_LOCATION "${{_pqhybrid_prefix}}/lib/{real_so}"
    IMPORTED_SONAME "{soname}"
    INTERFACE_INCLUDE_DIRECTORIES "${{_pqhybrid_prefix}}/include"{defs})
endif()

set(pqhybrid_INCLUDE_DIRS "${{_pqhybrid_prefix}}/include")
set(pqhybrid_LIBRARIES pqhybrid::pqhybrid)
unset(_pqhybrid_prefix)
"#
    )
}
fn cmake_version(version: &str) -> String {
    format!(
        r#"# pqhybrid CMake package version, written by `cargo xtask install-c`.
# Compatible: same major version, and for 0.x the same minor version (semver).
set(PACKAGE_VERSION "{version}")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  string(REPLACE "." ";" _have "${{PACKAGE_VERSION}}")
  list(GET _have 0 _have_major)
  list(GET _have 1 _have_minor)
  if(NOT PACKAGE_FIND_VERSION_MAJOR EQUAL _have_major)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  elseif(_have_major EQUAL 0 AND NOT "${{PACKAGE_FIND_VERSION_MINOR}}" STREQUAL "" AND NOT PACKAGE_FIND_VERSION_MINOR EQUAL _have_minor)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  else()
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  endif()
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
  unset(_have)
  unset(_have_major)
  unset(_have_minor)
endif()
if(NOT CMAKE_SIZEOF_VOID_P STREQUAL "" AND NOT CMAKE_SIZEOF_VOID_P STREQUAL "{ptr}")
  set(PACKAGE_VERSION "${{PACKAGE_VERSION}} ({ptr_bits}-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
"#,
        ptr = std::mem::size_of::<usize>(),
        ptr_bits = 8 * std::mem::size_of::<usize>(),
    )
}

/// The `DT_NEEDED` entries of an ELF file (`readelf -d`), or `None` without readelf.
fn needed(exe: &Path) -> Option<Vec<String>> {
    let text = cmd::capture(Command::new("readelf").arg("-d").arg(exe)).ok()?;
    Some(
        text.lines()
            .filter(|l| l.contains("(NEEDED)"))
            .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_owned()))
            .collect(),
    )
}

/// Checks how `exe` links pqhybrid: `Some(soname)` dynamically against exactly that soname,
/// `None` statically (no `libpqhybrid` in its `DT_NEEDED`).
fn check_linkage(exe: &Path, want: Option<&str>) -> StepResult {
    let Some(needed) = needed(exe) else {
        println!(
            "    (readelf not found: linkage of {} not checked)",
            exe.display()
        );
        return Ok(());
    };
    let ours: Vec<&String> = needed
        .iter()
        .filter(|n| n.starts_with("libpqhybrid"))
        .collect();
    match (want, ours.as_slice()) {
        (None, []) => {
            println!("    {}: pqhybrid linked statically", exe.display());
            Ok(())
        }
        (Some(w), [n]) if n.as_str() == w => {
            println!("    {}: NEEDED {n}", exe.display());
            Ok(())
        }
        _ => Err(format!(
            "{}: expected {}, DT_NEEDED has {ours:?}",
            exe.display(),
            want.map_or("pqhybrid linked statically".to_owned(), |w| format!(
                "NEEDED {w}"
            ))
        )),
    }
}

/// Builds `examples/c-host` with its Makefile (pkg-config) into `exe`, runs it and checks its
/// linkage.
fn make_example(
    ctx: &Ctx,
    prefix: &Path,
    vars: &[&str],
    exe: &Path,
    linkage: Option<&str>,
) -> StepResult {
    let lib = prefix.join("lib");
    let mut make = Command::new("make");
    make.current_dir(&ctx.root)
        .args(["-s", "-B", "-C", C_HOST])
        .env("PKG_CONFIG_PATH", lib.join("pkgconfig"))
        .args(vars)
        .arg(format!("OUT={}", exe.display()))
        .arg(format!("LDFLAGS=-Wl,-rpath,{}", lib.display()));
    run(make)?;
    run(Command::new(exe))?;
    check_linkage(exe, linkage)
}

/// `cargo xtask c-example`: builds and runs `examples/c-host` by every documented route, from
/// installs that are moved after installation (both must be relocatable):
/// * the default install (both libraries): CMake (`pqhybrid::pqhybrid`, static, and
///   `pqhybrid::pqhybrid_shared`), pkg-config `pqhybrid` (shared) and `pqhybrid-static`;
/// * a static-only install with `hazmat` (`PQH_INSTALL_STATIC_ONLY=1 PQH_INSTALL_HAZMAT=1`):
///   `pkg-config --static pqhybrid` and CMake, with pqh_kem_encapsulate_deterministic.
///
/// Each executable's linkage is checked with readelf (static, or `DT_NEEDED` the soname).
pub(crate) fn c_example(ctx: &Ctx) -> StepResult {
    ensure_tool("cmake", "cmake")?;
    ensure_tool("pkg-config", "pkg-config")?;
    ensure_tool("gcc", "gcc")?;
    ensure_tool("make", "make")?;
    let base = ctx.root.join(C_HOST_DIR);
    let soname = soname();
    let installs = [
        ("prefix", InstallOptions::default()),
        (
            "prefix-static-hazmat",
            InstallOptions {
                static_only: true,
                hazmat: true,
            },
        ),
    ];
    for (name, opts) in installs {
        let stage = base.join(format!("{name}.staged"));
        let prefix = base.join(name);
        let build = base.join(format!("build-{name}"));
        for d in [&stage, &prefix, &build] {
            let _ = std::fs::remove_dir_all(d);
        }
        step(&format!("install-c ({name})"), || {
            install_c_with(ctx, &stage, opts)?;
            // Relocate: nothing may refer to the directory it was installed into.
            std::fs::rename(&stage, &prefix)
                .map_err(|e| format!("mv {} {}: {e}", stage.display(), prefix.display()))
        })?;

        step(&format!("c-host: CMake ({name})"), || {
            let mut configure = Command::new("cmake");
            configure
                .current_dir(&ctx.root)
                .arg("-S")
                .arg(ctx.root.join(C_HOST))
                .arg("-B")
                .arg(&build)
                .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
                .arg("-DCMAKE_BUILD_TYPE=Release");
            run(configure)?;
            let mut b = Command::new("cmake");
            b.current_dir(&ctx.root)
                .arg("--build")
                .arg(&build)
                .args(["--parallel", "2"]);
            run(b)?;
            let exe = build.join("pqhybrid-c-host");
            run(Command::new(&exe))?;
            check_linkage(&exe, None)?;
            let shared = build.join("pqhybrid-c-host-shared");
            if opts.static_only {
                if shared.exists() {
                    return Err(format!(
                        "{} was built from a static-only install",
                        shared.display()
                    ));
                }
                Ok(())
            } else {
                run(Command::new(&shared))?;
                check_linkage(&shared, Some(&soname))
            }
        })?;

        step(&format!("c-host: pkg-config ({name})"), || {
            if opts.static_only {
                // Only libpqhybrid.a in lib/: `--static` links it, with its system libraries.
                make_example(
                    ctx,
                    &prefix,
                    &["PKG_CONFIG_FLAGS=--static"],
                    &base.join("c-host-pc-static-only"),
                    None,
                )
            } else {
                make_example(
                    ctx,
                    &prefix,
                    &[],
                    &base.join("c-host-pc-shared"),
                    Some(&soname),
                )?;
                make_example(
                    ctx,
                    &prefix,
                    &["PQHYBRID_PC=pqhybrid-static"],
                    &base.join("c-host-pc-static"),
                    None,
                )
            }
        })?;
    }
    Ok(())
}

/// Builds the staticlib for the bare-metal targets (part of `check-targets`).
pub(crate) fn cross_ffi(ctx: &Ctx) -> StepResult {
    for t in EMBEDDED_TARGETS {
        for features in [
            &[][..],
            &["--features", "backend-libcrux,panic-handler"][..],
        ] {
            let name = if features.is_empty() {
                format!("ffi {t}")
            } else {
                format!("ffi {t} +panic-handler")
            };
            step(&name, || {
                run(cmd::cross_build(&ctx.root, "pqhybrid-ffi", t, features))?;
                let a = ctx
                    .root
                    .join(CROSS_TARGET_DIR)
                    .join(t)
                    .join("release")
                    .join("libpqhybrid_ffi.a");
                let len = std::fs::metadata(&a)
                    .map_err(|e| format!("{}: {e}", a.display()))?
                    .len();
                println!("    {}: {} KiB", a.display(), len / 1024);
                Ok(())
            })?;
        }
    }
    // Cortex-M0/M0+: required like the core's build (see THUMBV6M_REQUIRED).
    step(&format!("ffi {THUMBV6M}"), || {
        if crate::THUMBV6M_REQUIRED {
            run(cmd::cross_build(&ctx.root, "pqhybrid-ffi", THUMBV6M, &[]))
        } else {
            crate::try_optional(
                cmd::cross_build(&ctx.root, "pqhybrid-ffi", THUMBV6M, &[]),
                THUMBV6M,
            )
        }
    })
}
