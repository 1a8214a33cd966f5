//! Signed firmware images: policy, streaming verifier, one-shot and stream helpers, inspection.

use js_sys::{Array, Function, Promise, Reflect, Symbol, Uint8Array};
use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    self as fw, AlgorithmSet, DEFAULT_MAX_SECURITY_VERSION, DEFAULT_TRAILER_CAPACITY, DeviceClass,
    FIRMWARE_ALGORITHMS, FirmwareError, Header, KeyId, KeyState, MAX_TRAILER_CAPACITY, Manifest,
    TrustAnchor, TrustStoreEntry, VerifiedImage, Verifier,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::util::{
    JsResult, Obj, bigint, err, fixed_bytes, get, hex, invalid_arg, js_error, sig_alg, str_array,
    to_u64,
};

// ---------------------------------------------------------------------------------------------
// Trust stores and policies

fn state_name(s: KeyState) -> &'static str {
    match s {
        KeyState::Active => "active",
        KeyState::Revoked => "revoked",
    }
}

/// The CLI's trust-store text format (cli/README.md), parsed by the library
/// (`pqhybrid::firmware::parse_trust_store`). Throws `InvalidTrustStore` naming the line.
fn parse_store(text: &str) -> Result<Vec<TrustStoreEntry>, JsValue> {
    fw::parse_trust_store(text).map_err(|e| js_error("InvalidTrustStore", &e.to_string()))
}

/// Parses a trust store in the CLI's text format: `[{keyId, state, label}]`. Throws
/// `InvalidTrustStore` naming the line.
#[wasm_bindgen(js_name = parseTrustStore, unchecked_return_type = "TrustStoreEntry[]")]
pub fn parse_trust_store(text: &str) -> Result<JsValue, JsValue> {
    let arr = Array::new();
    for e in parse_store(text)? {
        arr.push(
            &Obj::new()
                .bytes("keyId", &e.key_id.0)
                .with("state", state_name(e.state))
                .with("label", e.label.map(JsValue::from).unwrap_or(JsValue::NULL))
                .into_js(),
        );
    }
    Ok(arr.into())
}

fn family(name: &str) -> Result<AlgorithmSet, JsValue> {
    let n = name.trim();
    Ok(match n.to_ascii_lowercase().as_str() {
        "all" => AlgorithmSet::ALL,
        "hybrid" => AlgorithmSet::HYBRID_ONLY,
        "ml-dsa" => AlgorithmSet::ML_DSA_ONLY,
        "slh-dsa" => AlgorithmSet::SLH_DSA_ONLY,
        "pure-pq" => AlgorithmSet::PURE_PQ,
        _ => {
            let alg = sig_alg(n)?;
            if fw::algorithm_id(alg).is_none() {
                return Err(invalid_arg(&format!(
                    "{} cannot sign firmware (plain Ed25519 and ECDSA have no firmware id)",
                    alg.name()
                )));
            }
            AlgorithmSet::NONE.with(alg)
        }
    })
}

/// An algorithm set option (`allowed`, `endorseAllowed`): default every firmware algorithm.
fn allowed_of(v: &JsValue, what: &str) -> Result<AlgorithmSet, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(AlgorithmSet::ALL);
    }
    if let Some(n) = v.as_f64() {
        if n >= 0.0
            && n.fract() == 0.0
            && n <= f64::from(u32::MAX)
            && let Some(s) = AlgorithmSet::from_bits(n as u32)
        {
            return Ok(s);
        }
        return Err(invalid_arg(&format!(
            "{what}: bits outside the firmware algorithm ids 1..=21"
        )));
    }
    let names: Vec<String> = if let Some(s) = v.as_string() {
        s.split(',').map(str::to_owned).collect()
    } else if Array::is_array(v) {
        Array::from(v)
            .iter()
            .map(|x| {
                x.as_string()
                    .ok_or_else(|| invalid_arg(&format!("{what}: strings only")))
            })
            .collect::<Result<_, _>>()?
    } else {
        return Err(invalid_arg(&format!(
            "{what} must be a family list (\"hybrid,ml-dsa\"), an array of families or \
             algorithm names, or AlgorithmSet bits"
        )));
    };
    let mut set = AlgorithmSet::NONE;
    for n in names.iter().filter(|n| !n.trim().is_empty()) {
        set = set.union(family(n)?);
    }
    Ok(set)
}

fn anchors_of(v: &JsValue) -> Result<Vec<TrustAnchor>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if !Array::is_array(v) {
        return Err(invalid_arg(
            "trustAnchors must be an array of {keyId, state}",
        ));
    }
    let mut out = Vec::new();
    for a in Array::from(v).iter() {
        let key_id = fixed_bytes::<32>(&get(&a, "keyId"), "trustAnchors[].keyId")?;
        let st = get(&a, "state");
        let state = match st.as_string().as_deref() {
            None if st.is_undefined() => KeyState::Active,
            Some(s) if s.eq_ignore_ascii_case("active") => KeyState::Active,
            Some(s) if s.eq_ignore_ascii_case("revoked") => KeyState::Revoked,
            _ => {
                return Err(invalid_arg(
                    "trustAnchors[].state must be \"active\" or \"revoked\"",
                ));
            }
        };
        out.push(TrustAnchor {
            key_id: KeyId(key_id),
            state,
        });
    }
    Ok(out)
}

/// What a device accepts: trust anchors (key ids with their state), the security-version
/// range (anti-rollback minimum, the largest value the device's counter stores), the device
/// class, the algorithms allowed for image signatures and for endorsing roots, whether format
/// version 1 and encrypted images are accepted, and the verifier's signature-block capacity.
#[wasm_bindgen]
pub struct Policy {
    anchors: Vec<TrustAnchor>,
    min_security_version: u64,
    max_security_version: u64,
    device_class: [u8; 16],
    allowed: AlgorithmSet,
    endorse_allowed: AlgorithmSet,
    accept_v1: bool,
    accept_encrypted: bool,
    large: bool,
}

#[wasm_bindgen]
impl Policy {
    /// `new Policy({deviceClass, trustAnchors?, trustStore?, minSecurityVersion?,
    /// maxSecurityVersion?, allowed?, endorseAllowed?, acceptV1?, acceptEncrypted?,
    /// trailerCapacity?})`; see
    /// `PolicyOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PolicyOptions")] options: JsValue,
    ) -> Result<Policy, JsValue> {
        if !options.is_object() {
            return Err(invalid_arg("Policy options must be an object"));
        }
        let dc = get(&options, "deviceClass");
        if dc.is_undefined() {
            return Err(invalid_arg(
                "deviceClass is required (16 bytes: Uint8Array, 32 hex digits or a UUID)",
            ));
        }
        let device_class = fixed_bytes::<16>(&dc, "deviceClass")?;
        let mut anchors = anchors_of(&get(&options, "trustAnchors"))?;
        let store = get(&options, "trustStore");
        if let Some(text) = store.as_string() {
            anchors.extend(parse_store(&text)?.iter().map(TrustStoreEntry::anchor));
        } else if !store.is_undefined() {
            return Err(invalid_arg(
                "trustStore must be the text of a trust-store file",
            ));
        }
        let msv = get(&options, "minSecurityVersion");
        let min_security_version = if msv.is_undefined() {
            0
        } else {
            to_u64(&msv, "minSecurityVersion")?
        };
        let msv = get(&options, "maxSecurityVersion");
        let max_security_version = if msv.is_undefined() {
            DEFAULT_MAX_SECURITY_VERSION
        } else {
            to_u64(&msv, "maxSecurityVersion")?
        };
        if min_security_version > max_security_version {
            return Err(invalid_arg(&format!(
                "minSecurityVersion {min_security_version} is above maxSecurityVersion \
                 {max_security_version}: no image could boot"
            )));
        }
        let allowed = allowed_of(&get(&options, "allowed"), "allowed")?;
        let endorse_allowed = allowed_of(&get(&options, "endorseAllowed"), "endorseAllowed")?;
        let v1 = get(&options, "acceptV1");
        let accept_v1 = if v1.is_undefined() {
            false
        } else {
            v1.as_bool()
                .ok_or_else(|| invalid_arg("acceptV1 must be a boolean"))?
        };
        let enc = get(&options, "acceptEncrypted");
        let accept_encrypted = if enc.is_undefined() {
            false
        } else {
            enc.as_bool()
                .ok_or_else(|| invalid_arg("acceptEncrypted must be a boolean"))?
        };
        let cap = get(&options, "trailerCapacity");
        let large = if cap.is_undefined() {
            false
        } else {
            let c = to_u64(&cap, "trailerCapacity")?;
            if c > MAX_TRAILER_CAPACITY as u64 {
                return Err(invalid_arg(&format!(
                    "trailerCapacity: at most {MAX_TRAILER_CAPACITY}"
                )));
            }
            c > DEFAULT_TRAILER_CAPACITY as u64
        };
        Ok(Policy {
            anchors,
            min_security_version,
            max_security_version,
            device_class,
            allowed,
            endorse_allowed,
            accept_v1,
            accept_encrypted,
            large,
        })
    }

    /// The trust anchors: `[{keyId, state}]`.
    #[wasm_bindgen(getter, js_name = trustAnchors, unchecked_return_type = "TrustAnchor[]")]
    pub fn trust_anchors(&self) -> JsValue {
        let arr = Array::new();
        for a in &self.anchors {
            arr.push(
                &Obj::new()
                    .bytes("keyId", &a.key_id.0)
                    .with("state", state_name(a.state))
                    .into_js(),
            );
        }
        arr.into()
    }

    /// The minimum security version.
    #[wasm_bindgen(getter, js_name = minSecurityVersion)]
    pub fn min_security_version(&self) -> u64 {
        self.min_security_version
    }

    /// The largest security version the device's counter stores (higher ones are rejected
    /// with `Firmware.SecurityVersionTooLarge`).
    #[wasm_bindgen(getter, js_name = maxSecurityVersion)]
    pub fn max_security_version(&self) -> u64 {
        self.max_security_version
    }

    /// The device class (16 bytes).
    #[wasm_bindgen(getter, js_name = deviceClass)]
    pub fn device_class(&self) -> Vec<u8> {
        self.device_class.to_vec()
    }

    /// The allowed algorithm names.
    #[wasm_bindgen(getter, unchecked_return_type = "SignatureAlgorithmName[]")]
    pub fn allowed(&self) -> JsValue {
        str_array(self.allowed.iter().map(SignatureAlgorithm::name))
    }

    /// The allowed set as `AlgorithmSet` bits (bit *id* per firmware algorithm id).
    #[wasm_bindgen(getter, js_name = allowedBits)]
    pub fn allowed_bits(&self) -> u32 {
        self.allowed.bits()
    }

    /// The algorithms a root may endorse release keys with (names).
    #[wasm_bindgen(getter, js_name = endorseAllowed, unchecked_return_type = "SignatureAlgorithmName[]")]
    pub fn endorse_allowed(&self) -> JsValue {
        str_array(self.endorse_allowed.iter().map(SignatureAlgorithm::name))
    }

    /// `endorseAllowed` as `AlgorithmSet` bits.
    #[wasm_bindgen(getter, js_name = endorseAllowedBits)]
    pub fn endorse_allowed_bits(&self) -> u32 {
        self.endorse_allowed.bits()
    }

    /// Whether format-version-1 images are accepted.
    #[wasm_bindgen(getter, js_name = acceptV1)]
    pub fn accept_v1(&self) -> bool {
        self.accept_v1
    }

    /// Whether images with an encrypted payload are accepted (else
    /// `Firmware.EncryptedNotAccepted`: a verifier that does not decrypt must never install
    /// ciphertext as code).
    #[wasm_bindgen(getter, js_name = acceptEncrypted)]
    pub fn accept_encrypted(&self) -> bool {
        self.accept_encrypted
    }

    /// The verifier's signature-block capacity in bytes (16384, or the maximum any algorithm
    /// needs if `trailerCapacity` asked for more).
    #[wasm_bindgen(getter, js_name = trailerCapacity)]
    pub fn trailer_capacity(&self) -> u32 {
        if self.large {
            MAX_TRAILER_CAPACITY as u32
        } else {
            DEFAULT_TRAILER_CAPACITY as u32
        }
    }
}

impl Policy {
    /// The trust anchors.
    #[cfg(feature = "hpke")]
    pub(crate) fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// The core policy over `anchors` (this policy's own, or a copy of them).
    pub(crate) fn core<'a>(&self, anchors: &'a [TrustAnchor]) -> fw::Policy<'a> {
        let mut p = fw::Policy::new(anchors, DeviceClass(self.device_class));
        p.min_security_version = self.min_security_version;
        p.max_security_version = self.max_security_version;
        p.allowed = self.allowed;
        p.endorse_allowed = self.endorse_allowed;
        p.accept_v1 = self.accept_v1;
        p.accept_encrypted = self.accept_encrypted;
        p
    }
}

// ---------------------------------------------------------------------------------------------
// Output objects

fn version_obj(h: &Header) -> JsValue {
    let v = h.version;
    Obj::new()
        .with("major", v.major)
        .with("minor", v.minor)
        .with("revision", v.revision)
        .with("build", v.build)
        .with("text", v.to_string())
        .into_js()
}

fn header_obj(h: &Header) -> Obj {
    Obj::new()
        .with("formatVersion", h.format_version)
        .with("headerLen", h.header_len)
        .with("payloadLen", h.payload_len)
        .with("trailerLen", h.trailer_len)
        .with("imageLen", h.image_len() as f64)
        .with("flags", h.flags())
        .with("algorithm", h.algorithm.name())
        .with("algorithmId", fw::algorithm_id(h.algorithm).unwrap_or(0))
        .with("digestAlgorithm", h.digest_algorithm.name())
        .bytes("payloadDigest", h.payload_digest())
        .with("securityVersion", bigint(h.security_version))
        .with("version", version_obj(h))
        .bytes("deviceClass", &h.device_class.0)
        .bytes("signerKeyId", &h.signer_key_id.0)
        .with(
            "sbomDigest",
            h.sbom_digest
                .map(|d| JsValue::from(Uint8Array::from(&d[..])))
                .unwrap_or(JsValue::NULL),
        )
        .with("delegated", h.delegated)
        .with("encrypted", h.encrypted)
}

fn allowed_names(set: AlgorithmSet) -> JsValue {
    str_array(set.iter().map(SignatureAlgorithm::name))
}

pub(crate) fn verified_obj(v: &VerifiedImage) -> JsValue {
    let delegation = match v.delegation() {
        Some(d) => Obj::new()
            .with("rootAlgorithm", d.root_algorithm.name())
            .bytes("rootKeyId", &d.root_key_id.0)
            .with("minSecurityVersion", bigint(d.min_security_version))
            .with("maxSecurityVersion", bigint(d.max_security_version))
            .with("allowed", allowed_names(d.allowed))
            .into_js(),
        None => JsValue::NULL,
    };
    header_obj(v.header())
        .bytes("payloadDigest", v.payload_digest())
        .bytes("imageId", &v.image_id())
        .with("valid", true)
        .with("delegation", delegation)
        .into_js()
}

// ---------------------------------------------------------------------------------------------
// The streaming verifier

/// The core verifier, its trailer buffer on the heap (the policy's capacity).
type Inner = Verifier<'static, Vec<u8>>;

/// A streaming firmware verifier: `update(chunk)` any number of times, then `finish()`.
/// It keeps its own copy of the policy; the payload is hashed, never buffered.
#[wasm_bindgen]
pub struct FirmwareVerifier {
    // Field order matters: `inner` borrows `policy` and `anchors` and is dropped first.
    inner: Option<Inner>,
    #[allow(dead_code)] // kept alive for `inner`
    policy: Box<fw::Policy<'static>>,
    #[allow(dead_code)] // kept alive for `inner`
    anchors: Box<[TrustAnchor]>,
    processed: f64,
}

#[wasm_bindgen]
impl FirmwareVerifier {
    /// A verifier for `policy` (copied: the policy may be freed afterwards).
    #[wasm_bindgen(constructor)]
    pub fn new(policy: &Policy) -> FirmwareVerifier {
        let anchors: Box<[TrustAnchor]> = policy.anchors.clone().into_boxed_slice();
        // SAFETY: `anchors` and `policy` are heap allocations owned by the returned struct and
        // never mutated or moved out of; their addresses are stable for its whole life. The
        // verifier that borrows them is the field `inner`, which is declared first and so
        // dropped before them, and never escapes the struct.
        let anchors_ref: &'static [TrustAnchor] =
            unsafe { &*(core::ptr::from_ref::<[TrustAnchor]>(&*anchors)) };
        let fw_policy = Box::new(policy.core(anchors_ref));
        // SAFETY: as above.
        let policy_ref: &'static fw::Policy<'static> =
            unsafe { &*(core::ptr::from_ref::<fw::Policy<'static>>(&*fw_policy)) };
        let capacity = if policy.large {
            MAX_TRAILER_CAPACITY
        } else {
            DEFAULT_TRAILER_CAPACITY
        };
        let inner = Verifier::with_buffer(policy_ref, vec![0u8; capacity]);
        FirmwareVerifier {
            inner: Some(inner),
            policy: fw_policy,
            anchors,
            processed: 0.0,
        }
    }

    /// Absorbs the next chunk. Throws the first rejection (`Firmware.*` codes); errors stick.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let r = match self.inner.as_mut() {
            Some(v) => v.update(chunk),
            None => return Err(finished()),
        };
        self.processed += chunk.len() as f64;
        r.js()
    }

    /// The image's total length in bytes (`headerLen + payloadLen + trailerLen`), once the
    /// fixed header (192 bytes) is in and has passed the header checks; `undefined` before,
    /// and after an error. **Unverified** until `finish()` succeeds: bound it by what you are
    /// prepared to read (or call `setSlotLen`, which does).
    #[wasm_bindgen(js_name = expectedLen)]
    pub fn expected_len(&self) -> Result<Option<f64>, JsValue> {
        let n = match self.inner.as_ref() {
            Some(v) => v.expected_len(),
            None => return Err(finished()),
        };
        // At most 2^16 + 2 * 2^32: exact as a number.
        Ok(n.map(|n| n as f64))
    }

    /// Tells the verifier that the input is a whole slot of `slotLen` bytes (a flash
    /// partition, a fixed-size download): an image longer than the slot is rejected
    /// (`Firmware.ImageExceedsSlot`) as soon as its header is in, bytes after the image's end
    /// are ignored (instead of `Firmware.LengthMismatch`), and more than `slotLen` bytes in all
    /// are `Firmware.LengthMismatch`. Call it before the first `update`; a later call checks
    /// what was already received. Errors stick.
    #[wasm_bindgen(js_name = setSlotLen)]
    pub fn set_slot_len(
        &mut self,
        #[wasm_bindgen(js_name = slotLen, unchecked_param_type = "number | bigint")]
        slot_len: JsValue,
    ) -> Result<(), JsValue> {
        let n = to_u64(&slot_len, "slotLen")?;
        match self.inner.as_mut() {
            Some(v) => v.set_slot_len(n),
            None => return Err(finished()),
        }
        .js()
    }

    /// The header fields once the fixed header is in and has passed the header checks, else
    /// `null`. **Not verified**: nothing in it is authenticated until `finish()` succeeds
    /// (use the result of `finish()` for anything that matters).
    #[wasm_bindgen(js_name = unverifiedHeader, unchecked_return_type = "ImageHeader | null")]
    pub fn unverified_header(&self) -> Result<JsValue, JsValue> {
        let h = match self.inner.as_ref() {
            Some(v) => v.unverified_header().copied(),
            None => return Err(finished()),
        };
        Ok(h.map_or(JsValue::NULL, |h| header_obj(&h).into_js()))
    }

    /// Bytes passed to `update` so far.
    #[wasm_bindgen(getter, js_name = bytesProcessed)]
    pub fn bytes_processed(&self) -> f64 {
        self.processed
    }

    /// Finishes: the verified manifest, or throws why the image is rejected. The verifier
    /// cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "VerifiedImage")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let r = match self.inner.take() {
            Some(v) => v.finish(),
            None => return Err(finished()),
        };
        Ok(verified_obj(&r.js()?))
    }
}

fn finished() -> JsValue {
    js_error(
        "InvalidState",
        "this FirmwareVerifier has already finished; create a new one",
    )
}

/// Verifies a whole image held in memory: the verified manifest, or throws.
#[wasm_bindgen(js_name = verifyFirmware, unchecked_return_type = "VerifiedImage")]
pub fn verify_firmware(policy: &Policy, image: &[u8]) -> Result<JsValue, JsValue> {
    let mut v = FirmwareVerifier::new(policy);
    v.update(image)?;
    v.finish()
}

fn chunk_bytes(value: &JsValue, buf: &mut Vec<u8>) -> Result<(), JsValue> {
    let arr = if value.is_instance_of::<Uint8Array>() {
        Uint8Array::from(value.clone())
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        Uint8Array::new(value)
    } else if let Some(s) = value.dyn_ref::<js_sys::DataView>() {
        Uint8Array::new_with_byte_offset_and_length(
            &s.buffer(),
            s.byte_offset() as u32,
            s.byte_length() as u32,
        )
    } else {
        return Err(invalid_arg("stream chunks must be Uint8Array"));
    };
    buf.resize(arr.length() as usize, 0);
    arr.copy_to(buf);
    Ok(())
}

fn call0(obj: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let f: Function = get(obj, name)
        .dyn_into()
        .map_err(|_| invalid_arg(&format!("stream has no {name}()")))?;
    f.call0(obj)
}

async fn next_result(iter_or_reader: &JsValue, method: &str) -> Result<(bool, JsValue), JsValue> {
    let p: Promise = call0(iter_or_reader, method)?
        .dyn_into()
        .or_else(|v| Ok::<Promise, JsValue>(Promise::resolve(&v)))?;
    let r = JsFuture::from(p).await?;
    Ok((get(&r, "done").is_truthy(), get(&r, "value")))
}

async fn drain(mut v: FirmwareVerifier, source: JsValue) -> Result<JsValue, JsValue> {
    let mut buf = Vec::new();
    let mut source = source;
    // A Blob / File: read its stream.
    if get(&source, "getReader").is_undefined() && get(&source, "stream").is_function() {
        source = call0(&source, "stream")?;
    }
    if get(&source, "getReader").is_function() {
        let reader = call0(&source, "getReader")?;
        loop {
            let (done, value) = next_result(&reader, "read").await?;
            if done {
                break;
            }
            let step = chunk_bytes(&value, &mut buf).and_then(|()| v.update(&buf));
            if let Err(e) = step {
                let _ = call0(&reader, "cancel");
                return Err(e);
            }
        }
    } else {
        let f = Reflect::get(&source, &Symbol::async_iterator())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                invalid_arg(
                    "expected a ReadableStream, a Blob/File or an async iterable of Uint8Array",
                )
            })?;
        let iter = f.call0(&source)?;
        loop {
            let (done, value) = next_result(&iter, "next").await?;
            if done {
                break;
            }
            let step = chunk_bytes(&value, &mut buf).and_then(|()| v.update(&buf));
            if let Err(e) = step {
                if get(&iter, "return").is_function() {
                    let _ = call0(&iter, "return");
                }
                return Err(e);
            }
        }
    }
    v.finish()
}

/// Verifies an image read from a `ReadableStream` (e.g. `fetch(url).body`), a `Blob`/`File`,
/// or any async iterable of `Uint8Array` (e.g. a Node.js `fs.createReadStream`). Resolves to
/// the verified manifest or rejects with the reason.
#[wasm_bindgen(
    js_name = verifyFirmwareStream,
    unchecked_return_type = "Promise<VerifiedImage>"
)]
pub fn verify_firmware_stream(
    policy: &Policy,
    #[wasm_bindgen(
        unchecked_param_type = "ReadableStream<Uint8Array> | Blob | AsyncIterable<Uint8Array>"
    )]
    source: JsValue,
) -> Promise {
    let v = FirmwareVerifier::new(policy);
    wasm_bindgen_futures::future_to_promise(drain(v, source))
}

// ---------------------------------------------------------------------------------------------
// Inspection and key ids

/// Parses an image (or at least its 192-byte header) without verifying anything: the header
/// fields, the encryption record of an encrypted payload, and the signature block if the whole
/// image is given. `verified` is always false.
#[wasm_bindgen(js_name = inspectFirmware, unchecked_return_type = "InspectedImage")]
pub fn inspect_firmware(image: &[u8]) -> Result<JsValue, JsValue> {
    let (header, block, problem) = match Manifest::parse(image) {
        Ok(m) => {
            let problem = if m.signature_block.is_none() {
                JsValue::from("image is incomplete: the signature block is missing")
            } else {
                JsValue::NULL
            };
            (m.header, m.signature_block.map(block_obj), problem)
        }
        Err(e) => {
            let h = Header::parse(image).js()?;
            (h, None, err(e))
        }
    };
    let (encryption, problem) = match crate::fw_encrypt::encryption_info(&header, image) {
        Ok(record) => (record, problem),
        Err(e) if problem.is_null() => (JsValue::NULL, e),
        Err(_) => (JsValue::NULL, problem),
    };
    Ok(header_obj(&header)
        .with("verified", false)
        .with("fileLen", image.len() as f64)
        .with("encryption", encryption)
        .with("signatureBlock", block.unwrap_or(JsValue::NULL))
        .with("problem", problem)
        .into_js())
}

/// The device classes an endorsement lists: `[]` for "any class", `null` for a version-1
/// record (not scoped to classes).
fn classes_of(e: &fw::Endorsement<'_>) -> JsValue {
    if e.format_version == fw::FORMAT_VERSION_1 {
        return JsValue::NULL;
    }
    let arr = Array::new();
    for c in e.device_classes() {
        arr.push(&Uint8Array::from(&c.0[..]));
    }
    arr.into()
}

fn block_obj(b: fw::SignatureBlock<'_>) -> JsValue {
    let matches = fw::key_id(b.algorithm, b.public_key).ok();
    let endorsement = match b.endorsement {
        Some(e) => Obj::new()
            .with("rootAlgorithm", e.root_algorithm.name())
            .bytes("rootPublicKey", e.root_public_key)
            .with(
                "rootKeyId",
                e.root_key_id()
                    .map(|k| JsValue::from(Uint8Array::from(&k.0[..])))
                    .unwrap_or(JsValue::NULL),
            )
            .with("minSecurityVersion", bigint(e.min_security_version))
            .with("maxSecurityVersion", bigint(e.max_security_version))
            .with("allowed", allowed_names(e.allowed))
            .with("formatVersion", e.format_version)
            .with(
                "anyClass",
                if e.format_version == fw::FORMAT_VERSION_1 {
                    JsValue::NULL
                } else {
                    JsValue::from(e.any_class)
                },
            )
            .with("deviceClasses", classes_of(&e))
            .bytes("signature", e.signature)
            .into_js(),
        None => JsValue::NULL,
    };
    Obj::new()
        .with("algorithm", b.algorithm.name())
        .bytes("publicKey", b.public_key)
        .with(
            "publicKeyId",
            matches
                .map(|k| JsValue::from(Uint8Array::from(&k.0[..])))
                .unwrap_or(JsValue::NULL),
        )
        .bytes("signature", b.signature)
        .with("endorsement", endorsement)
        .into_js()
}

/// The firmware key id of a public key: `SHA-256("pqhybrid/v1/firmware-key-id" ‖ u16le(alg
/// id) ‖ pk)` (32 bytes), as `pqhybrid keyid` prints it.
#[wasm_bindgen(js_name = firmwareKeyId)]
pub fn firmware_key_id(algorithm: &str, public_key: &[u8]) -> Result<Vec<u8>, JsValue> {
    Ok(fw::key_id(sig_alg(algorithm)?, public_key).js()?.0.to_vec())
}

/// The firmware key id of an SPKI PEM public key.
#[wasm_bindgen(js_name = firmwareKeyIdFromPem)]
pub fn firmware_key_id_from_pem(pem: &str) -> Result<Vec<u8>, JsValue> {
    let (name, pk) = crate::encoding::decode_public_pem_inner(pem)?;
    firmware_key_id(&name, &pk)
}

/// Every firmware rejection code (`"Firmware.BadMagic"`, …).
#[wasm_bindgen(js_name = firmwareErrorCodes, unchecked_return_type = "FirmwareErrorCode[]")]
pub fn firmware_error_codes() -> JsValue {
    let arr = Array::new();
    for e in FirmwareError::ALL {
        arr.push(&JsValue::from(format!("Firmware.{}", e.name())));
    }
    arr.into()
}

/// The signature algorithms that may sign firmware, in id order.
#[wasm_bindgen(js_name = firmwareAlgorithms, unchecked_return_type = "SignatureAlgorithmName[]")]
pub fn firmware_algorithms() -> JsValue {
    str_array(FIRMWARE_ALGORITHMS.iter().map(|a| a.name()))
}

/// Lowercase hex of bytes.
#[wasm_bindgen(js_name = toHex)]
pub fn to_hex(bytes: &[u8]) -> String {
    hex(bytes)
}
