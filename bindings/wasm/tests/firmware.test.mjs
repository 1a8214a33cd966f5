// Firmware format 2 through the JS API: the new policy options, the streaming verifier's
// expectedLen / setSlotLen / unverifiedHeader, the image id and payload digest of a verified
// image, and ECDSA low-s (the KAT files are in kat-vectors/pqhybrid/firmware/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pq, eq, throwsCode, firmwareKat } from './helpers.mjs';

const sha256 = (b) => createHash('sha256').update(b).digest();
const verdict = (p, bytes) => { try { pq.verifyFirmware(p, bytes); return 'valid'; } catch (e) { return e.code; } };

test('Policy: format 2 options, their defaults and getters', () => {
  const { options } = firmwareKat();
  const base = { deviceClass: options.deviceClass };
  const d = new pq.Policy(base);
  assert.equal(d.maxSecurityVersion, 2n ** 32n - 1n, 'default: a 32-bit counter');
  assert.equal(d.minSecurityVersion, 0n);
  assert.equal(d.acceptV1, false);
  assert.equal(d.acceptEncrypted, false, 'default: encrypted images refused');
  assert.equal(d.endorseAllowedBits, 0x3ffffe, 'default: every firmware algorithm');
  assert.deepEqual(d.endorseAllowed, pq.firmwareAlgorithms());
  assert.deepEqual(d.allowed, pq.firmwareAlgorithms());
  d.free();
  const p = new pq.Policy({ ...base, minSecurityVersion: 3, maxSecurityVersion: 2n ** 64n - 1n, endorseAllowed: 'slh-dsa', allowed: 'hybrid', acceptV1: true });
  assert.equal(p.maxSecurityVersion, 2n ** 64n - 1n);
  assert.equal(p.endorseAllowed.length, 12);
  assert.ok(p.endorseAllowed.every((a) => a.startsWith('SLH-DSA')));
  assert.equal(p.allowed.length, 6);
  assert.equal(p.acceptV1, true);
  p.free();
  // Numbers and bigints, names and bits, as for the other options; min == max is a valid range.
  const q = new pq.Policy({ ...base, minSecurityVersion: 7n, maxSecurityVersion: 7, endorseAllowed: ['MLDSA65-Ed25519-SHA512', 'ml-dsa'], acceptV1: false });
  assert.equal(q.maxSecurityVersion, 7n);
  assert.deepEqual(q.endorseAllowed, ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87', 'MLDSA65-Ed25519-SHA512']);
  assert.equal(new pq.Policy({ ...base, endorseAllowed: 1 << 18 }).endorseAllowedBits, 1 << 18);
  assert.equal(new pq.Policy({ ...base, endorseAllowed: null }).endorseAllowedBits, 0x3ffffe);
  q.free();
});

test('maxSecurityVersion: the device counter range', () => {
  const { options, image } = firmwareKat();
  const valid = image('valid.pqfw'); // security version 7
  assert.equal(options.maxSecurityVersion, 2 ** 32 - 1, 'policy.json: a 32-bit counter');
  assert.equal(verdict(new pq.Policy({ ...options, maxSecurityVersion: 7 }), valid), 'valid');
  assert.equal(verdict(new pq.Policy({ ...options, maxSecurityVersion: 6n }), valid), 'Firmware.SecurityVersionTooLarge');
  // Security version just above 2^32 (endorsed for 5..=2^64-1): too large for the default
  // counter, valid for a 64-bit one. Checked in the header, before the signature block arrives.
  const big = image('SecurityVersionTooLarge.pqfw');
  const sv = pq.inspectFirmware(big).securityVersion;
  assert.ok(sv > 2n ** 32n - 1n && sv < 2n ** 32n + 16n, `${sv}`);
  const v = new pq.FirmwareVerifier(new pq.Policy(options));
  throwsCode(assert, () => v.update(big.subarray(0, 192)), 'Firmware.SecurityVersionTooLarge');
  assert.equal(v.expectedLen(), undefined, 'no length after a rejection');
  v.free();
  assert.equal(verdict(new pq.Policy({ ...options, maxSecurityVersion: undefined }), big), 'Firmware.SecurityVersionTooLarge');
  const r = pq.verifyFirmware(new pq.Policy({ ...options, maxSecurityVersion: 2n ** 64n - 1n }), big);
  assert.equal(r.securityVersion, sv);
  assert.equal(r.delegation.maxSecurityVersion, 2n ** 64n - 1n);
  // Above 2^53 as a bigint, exactly.
  assert.equal(verdict(new pq.Policy({ ...options, maxSecurityVersion: sv - 1n }), big), 'Firmware.SecurityVersionTooLarge');
  assert.equal(verdict(new pq.Policy({ ...options, maxSecurityVersion: sv }), big), 'valid');
  assert.equal(verdict(new pq.Policy({ ...options, minSecurityVersion: sv, maxSecurityVersion: sv }), big), 'valid');
  assert.equal(verdict(new pq.Policy({ ...options, minSecurityVersion: 2n ** 60n, maxSecurityVersion: 2n ** 64n - 1n }), big), 'Firmware.Rollback');
});

test('endorseAllowed: root algorithms apart from image algorithms', () => {
  const { options, image } = firmwareKat();
  const valid = image('valid.pqfw'); // MLDSA65-Ed25519-SHA512 root and release key
  const root = 'MLDSA65-Ed25519-SHA512';
  assert.equal(verdict(new pq.Policy({ ...options, endorseAllowed: root }), valid), 'valid');
  assert.equal(verdict(new pq.Policy({ ...options, endorseAllowed: 'slh-dsa' }), valid), 'Firmware.AlgorithmNotAllowed');
  assert.equal(verdict(new pq.Policy({ ...options, endorseAllowed: 'MLDSA87-ECDSA-P384-SHA512' }), valid), 'Firmware.AlgorithmNotAllowed');
  // The image algorithm is checked against `allowed` only (not against endorseAllowed) …
  assert.equal(verdict(new pq.Policy({ ...options, allowed: root, endorseAllowed: root }), valid), 'valid');
  assert.equal(verdict(new pq.Policy({ ...options, allowed: 'ml-dsa', endorseAllowed: 'all' }), valid), 'Firmware.AlgorithmNotAllowed');
  // … and a directly trusted key needs only `allowed` (ecdsa-signer is an anchor).
  const direct = image('NonCanonicalSignature.pqfw');
  assert.equal(verdict(new pq.Policy({ ...options, endorseAllowed: 'slh-dsa' }), direct), 'Firmware.NonCanonicalSignature');
});

test('EndorsedAnchor and ClassNotEndorsed', () => {
  const { json, options, image } = firmwareKat();
  const policy = new pq.Policy(options);
  throwsCode(assert, () => pq.verifyFirmware(policy, image('EndorsedAnchor.pqfw')), 'Firmware.EndorsedAnchor');
  // root-b endorsed by the root is fine once root-b is not an anchor itself.
  const rootB = json.keys.find((k) => k.name === 'root-b').keyId;
  const withoutB = options.trustAnchors.filter((a) => a.keyId !== rootB);
  assert.equal(verdict(new pq.Policy({ ...options, trustAnchors: withoutB }), image('EndorsedAnchor.pqfw')), 'valid');
  // Endorsed for classes aaa and bbb only: rejected on a dev device, valid on an aaa one.
  const notDev = image('ClassNotEndorsed.pqfw');
  throwsCode(assert, () => pq.verifyFirmware(policy, notDev), 'Firmware.ClassNotEndorsed');
  const aaa = Buffer.from('pqhybrid-kat-aaa').toString('hex');
  assert.equal(verdict(new pq.Policy({ ...options, deviceClass: aaa }), notDev), 'Firmware.WrongDeviceClass', 'the header is for dev');
  // The valid image's endorsement lists aaa and dev: valid on dev (the class in its header).
  assert.equal(verdict(policy, image('valid.pqfw')), 'valid');
  // Endorsed for any class: the header's class decides.
  const anyClass = image('WrongDeviceClass.pqfw');
  const xxx = pq.inspectFirmware(anyClass).deviceClass;
  assert.equal(Buffer.from(xxx).toString('latin1'), 'pqhybrid-kat-xxx');
  assert.equal(verdict(new pq.Policy({ ...options, deviceClass: xxx }), anyClass), 'valid');
});

test('FirmwareVerifier: expectedLen and unverifiedHeader', () => {
  const { options, image } = firmwareKat();
  const policy = new pq.Policy(options);
  const img = image('valid.pqfw');
  const v = new pq.FirmwareVerifier(policy);
  assert.equal(v.expectedLen(), undefined);
  assert.equal(v.unverifiedHeader(), null);
  v.update(img.subarray(0, 191));
  assert.equal(v.expectedLen(), undefined, 'the fixed header is 192 bytes');
  assert.equal(v.unverifiedHeader(), null);
  v.update(img.subarray(191, 192));
  assert.equal(v.expectedLen(), img.length);
  assert.equal(typeof v.expectedLen(), 'number');
  const h = v.unverifiedHeader();
  assert.equal(h.formatVersion, 2);
  assert.equal(h.imageLen, img.length);
  assert.equal(h.securityVersion, 7n);
  assert.equal(h.valid, undefined, 'not a verified manifest');
  // A reader that takes exactly what the header announces.
  let off = 192;
  while (off < v.expectedLen()) {
    const n = Math.min(1000, v.expectedLen() - off);
    v.update(img.subarray(off, off + n));
    off += n;
  }
  assert.equal(v.bytesProcessed, img.length);
  const r = v.finish();
  assert.equal(r.imageLen, h.imageLen);
  throwsCode(assert, () => v.expectedLen(), 'InvalidState');
  throwsCode(assert, () => v.unverifiedHeader(), 'InvalidState');
  v.free();
  // Only after the header checks pass: a header the policy rejects gives no length.
  const rb = new pq.FirmwareVerifier(new pq.Policy({ ...options, minSecurityVersion: 8 }));
  throwsCode(assert, () => rb.update(img.subarray(0, 192)), 'Firmware.Rollback');
  assert.equal(rb.expectedLen(), undefined);
  assert.equal(rb.unverifiedHeader(), null);
  rb.free();
  const large = new pq.FirmwareVerifier(policy);
  throwsCode(assert, () => large.update(image('TrailerTooLarge.pqfw').subarray(0, 4096)), 'Firmware.TrailerTooLarge');
  assert.equal(large.expectedLen(), undefined);
  large.free();
});

test('FirmwareVerifier: setSlotLen (a whole flash slot with an erased tail)', () => {
  const { options, image } = firmwareKat();
  const policy = new pq.Policy(options);
  const img = image('valid.pqfw');
  const slot = new Uint8Array(img.length + 8192).fill(0xff);
  slot.set(img);
  const run = (bytes, slotLen, chunk = bytes.length) => {
    const v = new pq.FirmwareVerifier(policy);
    try {
      if (slotLen !== undefined) v.setSlotLen(slotLen);
      for (let i = 0; i < bytes.length; i += chunk) v.update(bytes.subarray(i, i + chunk));
      return v.finish();
    } finally {
      v.free();
    }
  };
  // Without a slot length the tail is LengthMismatch; with it, ignored.
  throwsCode(assert, () => run(slot), 'Firmware.LengthMismatch');
  for (const chunk of [1, 191, 4096, slot.length]) {
    const r = run(chunk === 1 ? slot.subarray(0, img.length + 300) : slot, chunk === 1 ? img.length + 300 : slot.length, chunk);
    assert.equal(r.imageLen, img.length, `chunks of ${chunk}`);
  }
  assert.equal(run(slot, BigInt(slot.length)).valid, true, 'bigint slot length');
  assert.equal(run(img, img.length).valid, true, 'a slot exactly the image');
  // An image longer than its slot: rejected when the header arrives.
  const v = new pq.FirmwareVerifier(policy);
  v.setSlotLen(img.length - 1);
  v.update(img.subarray(0, 191));
  const e = throwsCode(assert, () => v.update(img.subarray(191, 192)), 'Firmware.ImageExceedsSlot');
  assert.match(e.message, /longer than its slot/);
  throwsCode(assert, () => v.update(img.subarray(192)), 'Firmware.ImageExceedsSlot'); // sticks
  throwsCode(assert, () => v.finish(), 'Firmware.ImageExceedsSlot');
  v.free();
  // setSlotLen after the header checks what was received.
  const late = new pq.FirmwareVerifier(policy);
  late.update(img.subarray(0, 200));
  throwsCode(assert, () => late.setSlotLen(img.length - 8), 'Firmware.ImageExceedsSlot');
  throwsCode(assert, () => late.update(img.subarray(200)), 'Firmware.ImageExceedsSlot');
  late.free();
  const ok = new pq.FirmwareVerifier(policy);
  ok.update(img.subarray(0, 200));
  ok.setSlotLen(slot.length);
  ok.update(slot.subarray(200));
  assert.equal(ok.finish().valid, true);
  ok.free();
  // More bytes than the slot holds.
  throwsCode(assert, () => run(slot, slot.length - 1), 'Firmware.LengthMismatch');
  const over = new pq.FirmwareVerifier(policy);
  over.setSlotLen(img.length + 10);
  over.update(slot.subarray(0, img.length + 10));
  throwsCode(assert, () => over.update(slot.subarray(0, 1)), 'Firmware.LengthMismatch');
  throwsCode(assert, () => over.finish(), 'Firmware.LengthMismatch');
  over.free();
  // Usage errors: not sticky.
  const bad = new pq.FirmwareVerifier(policy);
  throwsCode(assert, () => bad.setSlotLen(-1), 'InvalidArgument');
  throwsCode(assert, () => bad.setSlotLen('12064'), 'InvalidArgument');
  throwsCode(assert, () => bad.setSlotLen(2n ** 64n), 'InvalidArgument');
  bad.setSlotLen(slot.length);
  bad.update(slot);
  assert.equal(bad.finish().valid, true);
  throwsCode(assert, () => bad.setSlotLen(slot.length), 'InvalidState');
  bad.free();
  // A truncated slot is still Truncated.
  throwsCode(assert, () => run(img.subarray(0, img.length - 1), slot.length), 'Firmware.Truncated');
});

/** The ECDSA half (DER) of the MLDSA65-ECDSA-P256-SHA512 image signature, with s replaced by n − s. */
function flipS(image) {
  const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const i = pq.inspectFirmware(image);
  assert.equal(i.algorithm, 'MLDSA65-ECDSA-P256-SHA512');
  const out = Uint8Array.from(image);
  const trailer = i.headerLen + i.payloadLen;
  const pkLen = i.signatureBlock.publicKey.length;
  const lenAt = trailer + 4 + 2 + 2 + pkLen;
  const sigAt = lenAt + 2;
  const slot = pq.sizes(i.algorithm).signature;
  const sig = i.signatureBlock.signature;
  const mldsa = sig.subarray(0, 3309);
  const der = sig.subarray(3309);
  // SEQUENCE { INTEGER r, INTEGER s }, short lengths.
  assert.equal(der[0], 0x30);
  assert.equal(der[2], 0x02);
  const r = der.subarray(4, 4 + der[3]);
  const sAt = 4 + der[3];
  assert.equal(der[sAt], 0x02);
  const s = BigInt(`0x${pq.toHex(der.subarray(sAt + 2, sAt + 2 + der[sAt + 1]))}`);
  const int = (v) => {
    let h = v.toString(16);
    if (h.length % 2) h = `0${h}`;
    if (parseInt(h.slice(0, 2), 16) >= 0x80) h = `00${h}`;
    const b = Buffer.from(h, 'hex');
    return [0x02, b.length, ...b];
  };
  const body = [...int(BigInt(`0x${pq.toHex(r)}`)), ...int(P256_N - s)];
  const newSig = Uint8Array.from([...mldsa, 0x30, body.length, ...body]);
  out.fill(0, sigAt, sigAt + slot);
  out.set(newSig, sigAt);
  out[lenAt] = newSig.length & 0xff;
  out[lenAt + 1] = newSig.length >> 8;
  return { image: out, highS: P256_N - s > P256_N / 2n };
}

test('NonCanonicalSignature: ECDSA high s rejected in format 2; the image id ignores the signature block', () => {
  const { options, image } = firmwareKat();
  const policy = new pq.Policy(options);
  const high = image('NonCanonicalSignature.pqfw');
  throwsCode(assert, () => pq.verifyFirmware(policy, high), 'Firmware.NonCanonicalSignature');
  // The same signature with s back in low form (what the signer wrote): valid.
  const { image: low, highS } = flipS(high);
  assert.equal(highS, false, 'n − s of the KAT signature is the low s');
  const r = pq.verifyFirmware(policy, low);
  assert.equal(r.valid, true);
  assert.equal(r.formatVersion, 2);
  assert.equal(r.delegated, false);
  // Two files, one image: the image id is the header's SHA-256, not the file's.
  assert.ok(eq(r.imageId, sha256(low.subarray(0, r.headerLen))));
  assert.ok(eq(r.imageId, sha256(high.subarray(0, r.headerLen))));
  assert.ok(!eq(sha256(low), sha256(high)));
  assert.ok(eq(r.payloadDigest, sha256(low.subarray(r.headerLen, r.headerLen + r.payloadLen))));
  // And flipping again gives back the rejected file.
  assert.ok(eq(flipS(low).image, high));
});
