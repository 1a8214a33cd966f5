//! The C ABI (`ffi/`): header generation, C tests, installation for C/CMake users, the C host
//! example, and the bare-metal staticlib builds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{CROSS_TARGET_DIR, Ctx, EMBEDDED_TARGETS, StepResult, THUMBV6M, run, show, step};

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
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
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
    let dir = target_dir(ctx).join("release");
    let a = dir.join("libpqhybrid_ffi.a");
    if !a.is_file() {
        return Err(format!("{} was not built", a.display()));
    }
    Ok((dir, libs))
}

fn target_dir(ctx: &Ctx) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { ctx.root.join(p) })
        .unwrap_or_else(|| ctx.root.join("target"))
}

fn copy(from: &Path, to: &Path) -> StepResult {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} -> {}: {e}", from.display(), to.display()))
}

fn write(path: &Path, text: &str) -> StepResult {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes sure `tool` is on PATH, installing the Debian package `pkg` with apt-get when running
/// as root; otherwise fails with instructions.
fn ensure_tool(tool: &str, pkg: &str) -> StepResult {
    if have(tool) {
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if is_root && have("apt-get") {
        println!("    {tool} not found; installing Debian package {pkg}");
        let mut update = Command::new("apt-get");
        update.args(["update", "-qq"]);
        run(update)?;
        let mut install = Command::new("apt-get");
        install.args(["install", "-y", "-qq", "--no-install-recommends", pkg]);
        install.env("DEBIAN_FRONTEND", "noninteractive");
        run(install)?;
        if have(tool) {
            return Ok(());
        }
    }
    Err(format!(
        "`{tool}` not found on PATH; install it (Debian/Ubuntu: `apt-get install {pkg}`)"
    ))
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

/// `cargo xtask install-c --prefix DIR`.
pub(crate) fn install_c(ctx: &Ctx, prefix: &Path) -> StepResult {
    let prefix = if prefix.is_absolute() {
        prefix.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("current directory: {e}"))?
            .join(prefix)
    };
    header(ctx, true)?;
    let (lib_dir, libs) = build_ffi(
        ctx,
        &[],
        &[],
        &target_dir(ctx).join("install-c-native-static-libs.txt"),
    )?;
    let inc = prefix.join("include");
    let lib = prefix.join("lib");
    copy(&ctx.root.join(HEADER), &inc.join("pqhybrid.h"))?;
    copy(
        &lib_dir.join("libpqhybrid_ffi.a"),
        &lib.join("libpqhybrid.a"),
    )?;
    let so = lib_dir.join("libpqhybrid_ffi.so");
    if so.is_file() {
        copy(&so, &lib.join("libpqhybrid.so"))?;
    } else {
        return Err(format!("{} was not built", so.display()));
    }
    let version = env!("CARGO_PKG_VERSION");
    let pc = format!(
        "prefix={prefix}\nexec_prefix=${{prefix}}\nlibdir=${{prefix}}/lib\nincludedir=${{prefix}}/include\n\n\
         Name: pqhybrid\n\
         Description: Hybrid classical + post-quantum signatures and KEMs (C API)\n\
         Version: {version}\n\
         Libs: -L${{libdir}} -lpqhybrid\n\
         Libs.private: {private}\n\
         Cflags: -I${{includedir}}\n",
        prefix = prefix.display(),
        private = libs.join(" "),
    );
    write(&lib.join("pkgconfig").join("pqhybrid.pc"), &pc)?;
    let cmake_dir = lib.join("cmake").join("pqhybrid");
    write(
        &cmake_dir.join("pqhybridConfig.cmake"),
        &cmake_config(&libs),
    )?;
    write(
        &cmake_dir.join("pqhybridConfigVersion.cmake"),
        &cmake_version(version),
    )?;
    println!("installed pqhybrid {version} into {}", prefix.display());
    for f in [
        "include/pqhybrid.h",
        "lib/libpqhybrid.a",
        "lib/libpqhybrid.so",
        "lib/pkgconfig/pqhybrid.pc",
        "lib/cmake/pqhybrid/pqhybridConfig.cmake",
        "lib/cmake/pqhybrid/pqhybridConfigVersion.cmake",
    ] {
        println!("    {f}");
    }
    Ok(())
}

fn cmake_config(libs: &[String]) -> String {
    let libs = libs.join(";");
    format!(
        r#"# pqhybrid CMake package, written by `cargo xtask install-c`. Relocatable.
#
#   find_package(pqhybrid REQUIRED)
#   target_link_libraries(app PRIVATE pqhybrid::pqhybrid)         # static library
#   target_link_libraries(app PRIVATE pqhybrid::pqhybrid_shared)  # shared library

get_filename_component(_pqhybrid_prefix "${{CMAKE_CURRENT_LIST_DIR}}/../../.." ABSOLUTE)

if(NOT TARGET pqhybrid::pqhybrid)
  add_library(pqhybrid::pqhybrid STATIC IMPORTED)
  set_target_properties(pqhybrid::pqhybrid PROPERTIES
    IMPORTED_LOCATION "${{_pqhybrid_prefix}}/lib/libpqhybrid.a"
    INTERFACE_INCLUDE_DIRECTORIES "${{_pqhybrid_prefix}}/include"
    # The system libraries the Rust static library needs (rustc --print native-static-libs).
    INTERFACE_LINK_LIBRARIES "{libs}")
endif()

if(NOT TARGET pqhybrid::pqhybrid_shared)
  add_library(pqhybrid::pqhybrid_shared SHARED IMPORTED)
  set_target_properties(pqhybrid::pqhybrid_shared PROPERTIES
    IMPORTED_LOCATION "${{_pqhybrid_prefix}}/lib/libpqhybrid.so"
    IMPORTED_SONAME "libpqhybrid.so"
    INTERFACE_INCLUDE_DIRECTORIES "${{_pqhybrid_prefix}}/include")
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

/// `cargo xtask c-example`: installs into `target/c-host/prefix`, builds `examples/c-host`
/// with CMake (`find_package(pqhybrid)`, static) and with pkg-config (shared), and runs both.
pub(crate) fn c_example(ctx: &Ctx) -> StepResult {
    ensure_tool("cmake", "cmake")?;
    ensure_tool("pkg-config", "pkg-config")?;
    ensure_tool("gcc", "gcc")?;
    let base = ctx.root.join(C_HOST_DIR);
    let prefix = base.join("prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    step("install-c", || install_c(ctx, &prefix))?;

    let build = base.join("build");
    let _ = std::fs::remove_dir_all(&build);
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
    run(Command::new(build.join("pqhybrid-c-host")))?;

    // The same program through pkg-config, against the shared library.
    let pc_dir = prefix.join("lib").join("pkgconfig");
    let mut flags = Command::new("pkg-config");
    flags
        .env("PKG_CONFIG_PATH", &pc_dir)
        .args(["--cflags", "--libs", "pqhybrid"]);
    let shown = show(&flags);
    let out = flags
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{shown}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let flags = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("    pkg-config --cflags --libs pqhybrid: {}", flags.trim());
    let exe = base.join("pqhybrid-c-host-shared");
    let mut cc = Command::new("gcc");
    cc.current_dir(&ctx.root)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2"])
        .arg(ctx.root.join(C_HOST).join("main.c"))
        .args(flags.split_whitespace())
        .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()))
        .arg("-o")
        .arg(&exe);
    run(cc)?;
    run(Command::new(&exe))
}

/// Builds the staticlib for the bare-metal targets (part of `check-targets`).
pub(crate) fn cross_ffi(ctx: &Ctx) -> StepResult {
    for t in EMBEDDED_TARGETS {
        for features in [&[][..], &["--features", "panic-handler"][..]] {
            let name = if features.is_empty() {
                format!("ffi {t}")
            } else {
                format!("ffi {t} +panic-handler")
            };
            step(&name, || {
                run(cross_ffi_build(ctx, t, features))?;
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
            run(cross_ffi_build(ctx, THUMBV6M, &[]))
        } else {
            crate::try_optional(cross_ffi_build(ctx, THUMBV6M, &[]), THUMBV6M)
        }
    })
}

fn cross_ffi_build(ctx: &Ctx, target: &str, features: &[&str]) -> Command {
    let mut args = vec![
        "build",
        "-p",
        "pqhybrid-ffi",
        "--lib",
        "--release",
        "--no-default-features",
        "--features",
        "backend-libcrux",
    ];
    args.extend_from_slice(features);
    args.extend(["--target", target, "--target-dir", CROSS_TARGET_DIR]);
    ctx.cargo(args)
}
