//! Host side of the benchmark firmware: picks the memory map for the target, asks the linker
//! for a map file, and signs (deterministically, fixed seeds) what the firmware includes:
//!
//! * `fw.pqfw`: a 256 KiB payload signed with MLDSA65-Ed25519-SHA512 (trusted directly),
//! * `fw-endorsed.pqfw`: the same payload signed by a release key endorsed by a root (both
//!   MLDSA65-Ed25519-SHA512),
//! * `fw-ids.rs`: the key ids the firmware's policy trusts and the image constants,
//! * `slh.pk` / `slh.sig`: an SLH-DSA-SHA2-128s key and signature (signing on the target would
//!   take far longer than everything else together).

use std::env;
use std::fs;
use std::path::PathBuf;

use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    AlgorithmSet, ClassScope, DeviceClass, EndorsementParams, ImageParams, endorse_deterministic,
    key_id, sign_image_deterministic,
};

const PAYLOAD_LEN: usize = 256 * 1024;
const DEVICE_CLASS: [u8; 16] = *b"pqhybrid-cm-bnch";
const SECURITY_VERSION: u64 = 7;
const RELEASE_SEED: [u8; 32] = [0x42; 32];
const ROOT_SEED: [u8; 32] = [0x43; 32];
const SLH_SEED: [u8; 48] = [0x44; 48];

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let target = env::var("TARGET").expect("TARGET");

    // Memory map: cortex-m-rt's link.x INCLUDEs memory.x from the search path.
    // Not named memory.x in the crate root: the linker would find that one first (cwd).
    let memory = if target.starts_with("thumbv8m") {
        "memory-an505.x"
    } else {
        "memory-an386.x"
    };
    fs::copy(memory, out.join("memory.x")).expect("copy memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo::rustc-check-cfg=cfg(an505)");
    if target.starts_with("thumbv8m") {
        println!("cargo:rustc-cfg=an505");
    }
    println!("cargo:rerun-if-changed=memory-an386.x");
    println!("cargo:rerun-if-changed=memory-an505.x");
    println!("cargo:rerun-if-changed=build.rs");
    // The map file goes next to the binary: <target-dir>/<triple>/<profile>/.
    let map = out.join("../../../pqhybrid-cortex-m-bench.map");
    println!("cargo:rustc-link-arg-bins=-Map={}", map.display());

    let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let keypair = |seed: &[u8]| {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(seed, &mut pk, &mut sk)
            .expect("keypair");
        (pk, sk)
    };
    let (pk, sk) = keypair(&RELEASE_SEED);
    let (root_pk, root_sk) = keypair(&ROOT_SEED);

    // A deterministic, incompressible-looking payload (xorshift32).
    let mut payload = vec![0u8; PAYLOAD_LEN];
    let mut x: u32 = 0x1234_5678;
    for b in &mut payload {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }

    let mut params = ImageParams::new(DeviceClass(DEVICE_CLASS), SECURITY_VERSION);
    params.header_len = 256;
    let mut image = vec![0u8; PAYLOAD_LEN + 64 * 1024];
    let n = sign_image_deterministic(&params, &payload, alg, &sk, None, &mut image).expect("sign");
    fs::write(out.join("fw.pqfw"), &image[..n]).expect("write fw.pqfw");

    let mut record = vec![0u8; 16 * 1024];
    let r = endorse_deterministic(
        alg,
        &root_sk,
        alg,
        &pk,
        &EndorsementParams::new(
            1,
            100,
            AlgorithmSet::HYBRID_ONLY,
            ClassScope::Only(&[DeviceClass(DEVICE_CLASS)]),
        ),
        &mut record,
    )
    .expect("endorse");
    let m = sign_image_deterministic(&params, &payload, alg, &sk, Some(&record[..r]), &mut image)
        .expect("sign endorsed");
    fs::write(out.join("fw-endorsed.pqfw"), &image[..m]).expect("write fw-endorsed.pqfw");

    let release_id = key_id(alg, &pk).expect("key id");
    let root_id = key_id(alg, &root_pk).expect("root key id");
    fs::write(
        out.join("fw-ids.rs"),
        format!(
            "/// Key id of the release key (trusted directly for `fw.pqfw`).\n\
             pub const RELEASE_KEY_ID: [u8; 32] = {:?};\n\
             /// Key id of the root that endorses the release key in `fw-endorsed.pqfw`.\n\
             pub const ROOT_KEY_ID: [u8; 32] = {:?};\n\
             /// The images' device class.\n\
             pub const DEVICE_CLASS: [u8; 16] = {:?};\n\
             /// The images' security version.\n\
             pub const SECURITY_VERSION: u64 = {};\n\
             /// The payload length.\n\
             pub const PAYLOAD_LEN: usize = {};\n",
            release_id.0, root_id.0, DEVICE_CLASS, SECURITY_VERSION, PAYLOAD_LEN
        ),
    )
    .expect("write fw-ids.rs");

    // The verify-only configuration compiles only ML-DSA-65 and Ed25519 in (Cargo applies
    // `verify-only`'s `pqhybrid/...` features to this host build as well) and does not use the
    // SLH-DSA files.
    if env::var_os("CARGO_FEATURE_VERIFY_ONLY").is_some() {
        fs::write(out.join("slh.pk"), b"").expect("write slh.pk");
        fs::write(out.join("slh.sig"), b"").expect("write slh.sig");
        return;
    }
    let slh = SignatureAlgorithm::SlhDsaSha2_128s;
    let mut slh_pk = vec![0u8; slh.public_key_len()];
    let mut slh_sk = vec![0u8; slh.secret_key_len()];
    slh.keypair_from_seed(&SLH_SEED, &mut slh_pk, &mut slh_sk)
        .expect("slh keypair");
    let mut slh_sig = vec![0u8; slh.signature_len()];
    slh.sign_deterministic(&slh_sk, b"pqhybrid cortex-m bench", b"", &mut slh_sig)
        .expect("slh sign");
    fs::write(out.join("slh.pk"), &slh_pk).expect("write slh.pk");
    fs::write(out.join("slh.sig"), &slh_sig).expect("write slh.sig");
}
