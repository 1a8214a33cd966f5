//! Constant-time checks for `pqhybrid` (see `docs/constant-time.md`).
//!
//! This library is two things:
//!
//! * [`SplitMix`], the deterministic randomness source the harness binaries feed to the
//!   library (the harness marks what it produces as secret);
//! * the `ct_root_*` functions: `#[no_mangle] extern "C"` entry points, one per
//!   secret-dependent operation (keygen, sign, encapsulate, decapsulate, ECDH, AES-GCM,
//!   firmware signing, HPKE seal/open, identity seal/open, the encrypted-firmware decryptor's
//!   init/update/finish: the Rust cores of `pqh_hpke_*`, `pqh_identity_seal`/`_open` and
//!   `pqh_fw_decryptor_*`). `cargo xtask ct --thumb` builds this crate as a Cortex-M `staticlib`,
//!   disassembles it and checks that no function reachable from a root divides. Every
//!   algorithm is selected at run time (`alg` is an index into `ALL`), so a root reaches the
//!   code of every variant of its operation.
//!
//! The roots return 0 on success and a negative number on error; their return values are
//! only there so that the optimiser cannot discard the work.

#![no_std]

use pqhybrid::agile::DecapsulationKeyRef;
use pqhybrid::firmware::{self, AlgorithmSet, Decryptor, DeviceClass, ImageParams, VerifiedImage};
use pqhybrid::hpke::{Aead, Kdf, Suite};
use pqhybrid::identity::{Cdis, SealingKey};
use pqhybrid::primitives::aes_gcm::{Aes128Gcm, Aes256Gcm};
use pqhybrid::primitives::ml_dsa_compact;
use pqhybrid::primitives::x25519;
use pqhybrid::rng::{TryCryptoRng, TryRng};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

/// A deterministic generator (SplitMix64): reproducible harness runs. Not a cryptographic
/// generator; the harness only needs *some* bytes, which it then marks as secret.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 bits.
    pub fn next_word(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fills `dst`.
    pub fn fill(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_word().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

impl TryRng for SplitMix {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.next_word() as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_word())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for SplitMix {}

/// Buffers of the signature roots (sized for the largest algorithm).
#[repr(C)]
pub struct SigBufs {
    /// Key-generation seed (secret).
    pub seed: [u8; SignatureAlgorithm::MAX_SEED_LEN],
    /// Public key.
    pub pk: [u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN],
    /// Private key (secret).
    pub sk: [u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN],
    /// Signature.
    pub sig: [u8; SignatureAlgorithm::MAX_SIGNATURE_LEN],
    /// Message.
    pub msg: [u8; 64],
    /// State of the hedging randomness (secret).
    pub rng: u64,
}

/// Buffers of the KEM roots.
#[repr(C)]
pub struct KemBufs {
    /// Key-generation seed (secret).
    pub seed: [u8; KemAlgorithm::MAX_SEED_LEN],
    /// Encapsulation key.
    pub pk: [u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN],
    /// Decapsulation key (secret).
    pub sk: [u8; KemAlgorithm::MAX_SECRET_KEY_LEN],
    /// Ciphertext.
    pub ct: [u8; KemAlgorithm::MAX_CIPHERTEXT_LEN],
    /// Shared secret (secret).
    pub ss: [u8; KemAlgorithm::SHARED_SECRET_LEN],
    /// State of the encapsulation randomness (secret).
    pub rng: u64,
}

/// Buffers of the X25519 root.
#[repr(C)]
pub struct EcdhBufs {
    /// Our private key (secret).
    pub sk: [u8; 32],
    /// The peer's public key.
    pub peer: [u8; 32],
    /// Our public key (output).
    pub pk: [u8; 32],
    /// The shared secret (secret, output).
    pub ss: [u8; 32],
}

/// Buffers of the AES-GCM roots.
#[repr(C)]
pub struct AeadBufs {
    /// Key (secret; AES-128 uses the first 16 bytes).
    pub key: [u8; 32],
    /// Nonce.
    pub nonce: [u8; 12],
    /// Associated data.
    pub aad: [u8; 32],
    /// Plaintext in, ciphertext out (seal); the reverse for open.
    pub buf: [u8; 256],
    /// Tag.
    pub tag: [u8; 16],
}

/// Buffers of the firmware roots.
#[repr(C)]
pub struct FirmwareBufs {
    /// The signing (release) key's algorithm-agile private key (secret).
    pub sk: [u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN],
    /// The payload.
    pub payload: [u8; 256],
    /// An endorsement record (or, for [`ct_root_firmware_endorse`], its output).
    pub endorsement: [u8; 16 * 1024],
    /// Length of `endorsement` (0: none).
    pub endorsement_len: u32,
    /// The release public key (input of [`ct_root_firmware_endorse`]).
    pub release_pk: [u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN],
    /// The signed image.
    pub image: [u8; 128 * 1024],
    /// State of the hedging randomness (secret).
    pub rng: u64,
}

/// Buffers of the HPKE roots (plaintexts of up to 256 bytes).
#[repr(C)]
pub struct HpkeBufs {
    /// The recipient's public key.
    pub pk: [u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN],
    /// The recipient's private key (secret).
    pub sk: [u8; KemAlgorithm::MAX_SECRET_KEY_LEN],
    /// Application info.
    pub info: [u8; 32],
    /// Associated data.
    pub aad: [u8; 32],
    /// Plaintext (secret; the output of open).
    pub pt: [u8; 256],
    /// The sealed box `enc ‖ ct ‖ tag` (the output of seal).
    pub sealed: [u8; KemAlgorithm::MAX_CIPHERTEXT_LEN + 256 + pqhybrid::hpke::TAG_LEN],
    /// Length of `sealed` (open's input).
    pub sealed_len: u32,
    /// State of the encapsulation randomness (secret).
    pub rng: u64,
}

/// Buffers of the identity sealing roots (plaintexts of up to 256 bytes).
#[repr(C)]
pub struct IdentitySealBufs {
    /// Purpose label.
    pub label: [u8; 16],
    /// Associated data.
    pub aad: [u8; 32],
    /// Plaintext (secret; the output of open).
    pub pt: [u8; 256],
    /// The sealed blob (the output of seal).
    pub blob: [u8; 256 + pqhybrid::identity::SEAL_OVERHEAD],
    /// Length of `blob` (open's input).
    pub blob_len: u32,
    /// State of the nonce randomness.
    pub rng: u64,
}

/// Buffers of the encrypted-firmware decryptor roots.
#[repr(C)]
pub struct DecryptBufs {
    /// The device's KEM private key (secret).
    pub sk: [u8; KemAlgorithm::MAX_SECRET_KEY_LEN],
    /// The decryptor's chunk buffer (one chunk and its tag; as `pqh_fw_decryptor_init`'s).
    pub chunk_buf: [u8; firmware::DEFAULT_CHUNK_BUFFER],
    /// A piece of the image.
    pub image: [u8; 4096],
    /// Length of `image`.
    pub image_len: u32,
    /// Plaintext released by update (secret).
    pub out: [u8; 4096 + firmware::DEFAULT_CHUNK_BUFFER],
}

/// The decryptor the C layer keeps in a `pqh_fw_decryptor`: a borrowed key and a borrowed
/// caller chunk buffer.
pub type CDecryptor<'a> = Decryptor<'a, &'a mut [u8]>;

fn sig_alg(alg: u32) -> Option<SignatureAlgorithm> {
    SignatureAlgorithm::ALL.get(alg as usize).copied()
}

fn kem_alg(alg: u32) -> Option<KemAlgorithm> {
    KemAlgorithm::ALL.get(alg as usize).copied()
}

fn status<T>(r: pqhybrid::Result<T>) -> i32 {
    match r {
        Ok(_) => 0,
        Err(_) => -1,
    }
}

/// Signature key generation from `b.seed`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_sig_keygen(alg: u32, b: &mut SigBufs) -> i32 {
    let Some(alg) = sig_alg(alg) else { return -2 };
    let (Some(seed), Some(pk), Some(sk)) = (
        b.seed.get(..alg.seed_len()),
        b.pk.get_mut(..alg.public_key_len()),
        b.sk.get_mut(..alg.secret_key_len()),
    ) else {
        return -2;
    };
    status(alg.keypair_from_seed(seed, pk, sk))
}

/// Hedged signing of `b.msg` with `b.sk` (randomness from `b.rng`).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_sig_sign(alg: u32, b: &mut SigBufs) -> i32 {
    let Some(alg) = sig_alg(alg) else { return -2 };
    let Some(sk) = b.sk.get(..alg.secret_key_len()) else {
        return -2;
    };
    let mut rng = SplitMix(b.rng);
    let ctx: &[u8] = if alg.supports_context() { b"ct" } else { b"" };
    status(alg.sign(sk, &b.msg, ctx, &mut rng, &mut b.sig))
}

/// The compact ML-DSA parameter set with index `set` (0: ML-DSA-44, 1: -65, 2: -87).
fn compact_params(set: u32) -> Option<&'static ml_dsa_compact::Params> {
    [
        &ml_dsa_compact::ML_DSA_44,
        &ml_dsa_compact::ML_DSA_65,
        &ml_dsa_compact::ML_DSA_87,
    ]
    .get(set as usize)
    .copied()
}

/// The compact ML-DSA signer's key generation: the public key of the seed `b.seed[..32]`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_ml_dsa_compact_keygen(set: u32, b: &mut SigBufs) -> i32 {
    let (Some(p), Some(seed)) = (compact_params(set), b.seed.first_chunk::<32>()) else {
        return -2;
    };
    let Some(pk) = b.pk.get_mut(..p.pk_len) else {
        return -2;
    };
    status(ml_dsa_compact::public_key(p, seed, pk))
}

/// The compact ML-DSA signer: hedged signing of `b.msg` from the seed `b.seed[..32]` (rnd
/// from `b.rng`).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_ml_dsa_compact_sign(set: u32, b: &mut SigBufs) -> i32 {
    let (Some(p), Some(seed)) = (compact_params(set), b.seed.first_chunk::<32>()) else {
        return -2;
    };
    let mut rnd = [0u8; 32];
    SplitMix(b.rng).fill(&mut rnd);
    let Some(sig) = b.sig.get_mut(..p.sig_len) else {
        return -2;
    };
    status(ml_dsa_compact::sign(p, seed, &b.msg, b"ct", &rnd, sig))
}

/// Deterministic signing of `b.msg` with `b.sk`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_sig_sign_deterministic(alg: u32, b: &mut SigBufs) -> i32 {
    let Some(alg) = sig_alg(alg) else { return -2 };
    let Some(sk) = b.sk.get(..alg.secret_key_len()) else {
        return -2;
    };
    let ctx: &[u8] = if alg.supports_context() { b"ct" } else { b"" };
    status(alg.sign_deterministic(sk, &b.msg, ctx, &mut b.sig))
}

/// KEM key generation from `b.seed`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_kem_keygen(alg: u32, b: &mut KemBufs) -> i32 {
    let Some(alg) = kem_alg(alg) else { return -2 };
    let (Some(seed), Some(pk), Some(sk)) = (
        b.seed.get(..alg.seed_len()),
        b.pk.get_mut(..alg.public_key_len()),
        b.sk.get_mut(..alg.secret_key_len()),
    ) else {
        return -2;
    };
    status(alg.keypair_from_seed(seed, pk, sk))
}

/// Encapsulation to `b.pk` (secret randomness from `b.rng`; ECDH with an ephemeral key).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_kem_encaps(alg: u32, b: &mut KemBufs) -> i32 {
    let Some(alg) = kem_alg(alg) else { return -2 };
    let Some(pk) = b.pk.get(..alg.public_key_len()) else {
        return -2;
    };
    let mut rng = SplitMix(b.rng);
    status(alg.encapsulate(pk, &mut rng, &mut b.ct, &mut b.ss))
}

/// Decapsulation of `b.ct` with `b.sk` (for the composites: ECDH X25519, P-256, P-384).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_kem_decaps(alg: u32, b: &mut KemBufs) -> i32 {
    let Some(alg) = kem_alg(alg) else { return -2 };
    let (Some(sk), Some(ct)) = (
        b.sk.get(..alg.secret_key_len()),
        b.ct.get(..alg.ciphertext_len()),
    ) else {
        return -2;
    };
    status(alg.decapsulate(sk, ct, &mut b.ss))
}

/// X25519: public key of `b.sk` and Diffie-Hellman with `b.peer`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_x25519(b: &mut EcdhBufs) -> i32 {
    let sk = x25519::SecretKey::from_bytes(&b.sk);
    b.pk = sk.public_key().0;
    match sk.diffie_hellman(&x25519::PublicKey(b.peer)) {
        Ok(ss) => {
            b.ss.copy_from_slice(ss.as_bytes());
            0
        }
        Err(_) => -1,
    }
}

/// AES-128-GCM (`aes256` = 0) or AES-256-GCM seal of `b.buf` in place.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_aes_gcm_seal(aes256: u32, b: &mut AeadBufs) -> i32 {
    let tag = if aes256 == 0 {
        b.key
            .get(..16)
            .map_or(Err(pqhybrid::Error::Rng), Aes128Gcm::new)
            .and_then(|c| c.seal_in_place(&b.nonce, &b.aad, &mut b.buf))
    } else {
        Aes256Gcm::new(&b.key).and_then(|c| c.seal_in_place(&b.nonce, &b.aad, &mut b.buf))
    };
    match tag {
        Ok(tag) => {
            b.tag = tag;
            0
        }
        Err(_) => -1,
    }
}

/// AES-128-GCM (`aes256` = 0) or AES-256-GCM open of `b.buf` in place.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_aes_gcm_open(aes256: u32, b: &mut AeadBufs) -> i32 {
    status(if aes256 == 0 {
        b.key
            .get(..16)
            .map_or(Err(pqhybrid::Error::Rng), Aes128Gcm::new)
            .and_then(|c| c.open_in_place(&b.nonce, &b.aad, &mut b.buf, &b.tag))
    } else {
        Aes256Gcm::new(&b.key).and_then(|c| c.open_in_place(&b.nonce, &b.aad, &mut b.buf, &b.tag))
    })
}

/// `firmware::sign_image` (hedged) of `b.payload` with `b.sk`, endorsed by `b.endorsement`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_firmware_sign_image(alg: u32, b: &mut FirmwareBufs) -> i32 {
    let Some(alg) = sig_alg(alg) else { return -2 };
    let (Some(sk), Some(endorsement)) = (
        b.sk.get(..alg.secret_key_len()),
        b.endorsement.get(..b.endorsement_len as usize),
    ) else {
        return -2;
    };
    let params = ImageParams::new(DeviceClass([0x5a; 16]), 7);
    let endorsement = (!endorsement.is_empty()).then_some(endorsement);
    let mut rng = SplitMix(b.rng);
    status(firmware::sign_image(
        &params,
        &b.payload,
        alg,
        sk,
        endorsement,
        &mut rng,
        &mut b.image,
    ))
}

/// `firmware::endorse` (hedged): the root key `b.sk` endorses `b.release_pk` (an
/// MLDSA65-Ed25519-SHA512 key); the record goes to `b.endorsement`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_firmware_endorse(root_alg: u32, b: &mut FirmwareBufs) -> i32 {
    let Some(root_alg) = sig_alg(root_alg) else {
        return -2;
    };
    let release = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let (Some(sk), Some(release_pk)) = (
        b.sk.get(..root_alg.secret_key_len()),
        b.release_pk.get(..release.public_key_len()),
    ) else {
        return -2;
    };
    let mut rng = SplitMix(b.rng);
    match firmware::endorse(
        root_alg,
        sk,
        release,
        release_pk,
        &firmware::EndorsementParams::new(
            1,
            100,
            AlgorithmSet::HYBRID_ONLY,
            firmware::ClassScope::Any,
        ),
        &mut rng,
        &mut b.endorsement,
    ) {
        Ok(n) => {
            b.endorsement_len = n as u32;
            0
        }
        Err(_) => -1,
    }
}

/// HPKE `SealBase` (`pqh_hpke_seal`): `b.pt` to `b.pk` in the suite (`kem`, `kdf`, `aead`:
/// indices into the `ALL` lists), secret randomness from `b.rng`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_hpke_seal(kem: u32, kdf: u32, aead: u32, b: &mut HpkeBufs) -> i32 {
    let Some(suite) = hpke_suite(kem, kdf, aead) else {
        return -2;
    };
    let Some(pk) = b.pk.get(..suite.kem().public_key_len()) else {
        return -2;
    };
    let mut rng = SplitMix(b.rng);
    match suite.seal(pk, &b.info, &b.aad, &b.pt, &mut b.sealed, &mut rng) {
        Ok(n) => {
            b.sealed_len = n as u32;
            0
        }
        Err(_) => -1,
    }
}

/// HPKE `OpenBase` (`pqh_hpke_open`): `b.sealed` opened into `b.pt` with the private key `b.sk`
/// in its canonical form (`DecapsulationKeyRef`, as the C function holds it).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_hpke_open(kem: u32, kdf: u32, aead: u32, b: &mut HpkeBufs) -> i32 {
    let Some(suite) = hpke_suite(kem, kdf, aead) else {
        return -2;
    };
    let (Some(sk), Some(sealed)) = (
        b.sk.get(..suite.kem().secret_key_len()),
        b.sealed.get(..b.sealed_len as usize),
    ) else {
        return -2;
    };
    let dk = match DecapsulationKeyRef::new(suite.kem(), sk) {
        Ok(dk) => dk,
        Err(_) => return -1,
    };
    status(suite.open(&dk, &b.info, &b.aad, sealed, &mut b.pt))
}

fn hpke_suite(kem: u32, kdf: u32, aead: u32) -> Option<Suite> {
    let kem = kem_alg(kem)?;
    let kdf = *Kdf::ALL.get(kdf as usize)?;
    let aead = *Aead::ALL.get(aead as usize)?;
    Suite::new(kem, kdf, aead).ok()
}

/// `pqh_identity_seal`: the sealing key of the measured layer's CDIs (secret) for `b.label`,
/// then `b.pt` sealed into `b.blob` (nonce from `b.rng`).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_identity_seal(cdis: &Cdis, b: &mut IdentitySealBufs) -> i32 {
    let key = match SealingKey::derive(cdis, &b.label) {
        Ok(k) => k,
        Err(_) => return -1,
    };
    let mut rng = SplitMix(b.rng);
    match key.seal(&b.aad, &b.pt, &mut b.blob, &mut rng) {
        Ok(n) => {
            b.blob_len = n as u32;
            0
        }
        Err(_) => -1,
    }
}

/// `pqh_identity_open`: the sealing key of `cdis` for `b.label`, then `b.blob` opened into
/// `b.pt`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_identity_open(cdis: &Cdis, b: &mut IdentitySealBufs) -> i32 {
    let Some(blob) = b.blob.get(..b.blob_len as usize) else {
        return -2;
    };
    let key = match SealingKey::derive(cdis, &b.label) {
        Ok(k) => k,
        Err(_) => return -1,
    };
    status(key.open(&b.aad, blob, &mut b.pt))
}

/// `pqh_fw_decryptor_init`: a decryptor for `verified` with the device's KEM private key `b.sk`
/// (canonical form, `DecapsulationKeyRef`: the C state keeps it so, unexpanded) over the chunk
/// buffer `b.chunk_buf` (the decryptor is then dropped: its state is what `update` takes).
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_firmware_decryptor_init(
    kem: u32,
    verified: &VerifiedImage,
    b: &mut DecryptBufs,
) -> i32 {
    let Some(kem) = kem_alg(kem) else { return -2 };
    let Some(sk) = b.sk.get(..kem.secret_key_len()) else {
        return -2;
    };
    let dk = match DecapsulationKeyRef::new(kem, sk) {
        Ok(dk) => dk,
        Err(_) => return -1,
    };
    let d: pqhybrid::Result<CDecryptor<'_>> =
        Decryptor::with_buffer(verified, &dk, &mut b.chunk_buf[..]);
    status(core::hint::black_box(d))
}

/// `pqh_fw_decryptor_update`: `b.image` fed to a live decryptor `d` (record parsing, the
/// content-key unwrap with the device's key, chunk authentication and decryption), the
/// released plaintext to `b.out`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_firmware_decryptor_update(
    d: &mut CDecryptor<'_>,
    b: &mut DecryptBufs,
) -> i32 {
    let Some(image) = b.image.get(..b.image_len as usize) else {
        return -2;
    };
    status(d.update(image, &mut b.out))
}

/// `pqh_fw_decryptor_finish`: completeness and the plaintext digest check.
#[unsafe(no_mangle)]
pub extern "C" fn ct_root_firmware_decryptor_finish(d: &mut CDecryptor<'_>) -> i32 {
    status(d.finish())
}

/// Bare-metal builds (the Cortex-M `staticlib`) need a global allocator because `zeroize`'s
/// `alloc` feature links the `alloc` crate; nothing here allocates, so it always fails (as in
/// `benches/cortex-m`).
#[cfg(target_os = "none")]
struct NoAlloc;

// SAFETY: `alloc` always returns null, which `GlobalAlloc` permits (allocation failure), so
// `dealloc` never receives a pointer it handed out.
#[cfg(target_os = "none")]
unsafe impl core::alloc::GlobalAlloc for NoAlloc {
    unsafe fn alloc(&self, _layout: core::alloc::Layout) -> *mut u8 {
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: core::alloc::Layout) {}
}

#[cfg(target_os = "none")]
#[global_allocator]
static ALLOCATOR: NoAlloc = NoAlloc;

/// Bare-metal builds (the Cortex-M `staticlib`) need a panic handler; it never returns and
/// formats nothing.
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
