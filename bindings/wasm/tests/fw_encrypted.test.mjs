// Encrypted firmware images through the JS API: signFirmware with encryptTo for every HPKE KEM,
// decryptFirmware, the encryption record of inspectFirmware, the `encrypted` flag of every
// result, and each rejection: another recipient's key (Firmware.WrongRecipient), a modified
// chunk or wrapped key that was signed again (Firmware.ChunkAuthentication,
// Firmware.KeyUnwrapFailed), a modified image that was not (Firmware.DigestMismatch), a plain
// image (Firmware.NotEncrypted), a record whose plaintext digest is wrong
// (Firmware.PlaintextDigestMismatch). The format is also rebuilt here from
// docs/firmware-format.md ("Encrypted payloads") with node:crypto's AES-256-GCM and the
// package's hpkeSeal / hpkeOpen, both ways. Images are signed with the firmware KAT's keys
// (kat-vectors/pqhybrid/firmware/policy.json), so the KAT policy verifies them.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pq, eq, hex, throwsCode, firmwareKat, hasHpke, repoRoot } from './helpers.mjs';

/** Every test here, skipped for a package built without the `hpke` feature (no signFirmware). */
const test = (name, fn) => nodeTest(name, { skip: !hasHpke && 'built without the hpke feature' }, fn);

const sha256 = (b) => new Uint8Array(createHash('sha256').update(b).digest());
const kat = firmwareKat();
const katKey = (name) => kat.json.keys.find((k) => k.name === name);
const signer = (name) => {
  const k = katKey(name);
  return { algorithm: k.alg, secretKey: pq.keypairFromSeed(k.alg, hex(k.seed)).secretKey };
};
/** What every image here shares: signed by the KAT root (a trust anchor) for the KAT class. */
const base = { ...signer('root'), deviceClass: kat.options.deviceClass, securityVersion: 7, version: { major: 1, minor: 4, revision: 2, build: 20260101 } };
/** A decrypting device's policy: it accepts encrypted images (the default refuses them). */
const policy = (extra = {}) => new pq.Policy({ ...kat.options, acceptEncrypted: true, ...extra });
const firmware = (len, salt = 0) => Uint8Array.from({ length: len }, (_, i) => (i * 31 + 7 + salt * 13) & 0xff);
const kemKey = (kem, seed) => pq.keypairFromSeed(kem, new Uint8Array(pq.sizes(kem).seed).fill(seed));
const HPKE_KEMS = ['ML-KEM-512', 'ML-KEM-768', 'ML-KEM-1024', 'X-Wing', 'MLKEM768-ECDH-P256-SHA3-256', 'MLKEM1024-ECDH-P384-SHA3-256'];
/** The stored (encrypted) payload of an image. */
const payloadOf = (image) => {
  const i = pq.inspectFirmware(image);
  return image.subarray(i.headerLen, i.headerLen + i.payloadLen);
};

test('the KEMs under test are the HPKE KEMs', () => {
  assert.deepEqual(pq.hpkeAlgorithms().kems, HPKE_KEMS);
  // The one KEM without an HPKE code point cannot be a recipient.
  const other = pq.kemAlgorithms().filter((k) => !HPKE_KEMS.includes(k));
  assert.deepEqual(other, ['MLKEM768-X25519-SHA3-256']);
  const { publicKey } = kemKey(other[0], 1);
  throwsCode(assert, () => pq.signFirmware({ ...base, payload: firmware(10), encryptTo: { kem: other[0], publicKey } }), 'UnsupportedSuite');
});

test('round trip for every HPKE KEM: sign encrypted, inspect, verify, decrypt', () => {
  const { kdfs, aeads } = pq.hpkeAlgorithms();
  HPKE_KEMS.forEach((kem, k) => {
    const { publicKey, secretKey } = kemKey(kem, 0x40 + k);
    const kdf = kdfs[k % kdfs.length];
    const aead = aeads[k % aeads.length];
    for (const [len, chunkSize] of [[0, 64], [1, 64], [128, 64], [5000, 1024], [3000, undefined]]) {
      const what = `${kem} ${kdf} ${aead}, ${len} bytes in chunks of ${chunkSize ?? 'default'}`;
      const pt = firmware(len, k);
      const image = pq.signFirmware({ ...base, payload: pt, encryptTo: { kem, publicKey, kdf, aead, chunkSize } });

      const i = pq.inspectFirmware(image);
      assert.equal(i.encrypted, true, what);
      assert.equal(i.flags & 0x04, 0x04, `${what}: header flag bit 2`);
      assert.equal(i.problem, null, what);
      const e = i.encryption;
      assert.equal(e.kem, kem);
      assert.equal(e.kdf, kdf);
      assert.equal(e.aead, aead);
      assert.ok(eq(e.recipientKeyId, pq.kemKeyId(kem, publicKey)), `${what}: recipient key id`);
      assert.equal(e.chunkSize, chunkSize ?? 4096);
      assert.equal(e.plaintextLen, len);
      assert.equal(e.chunkCount, Math.max(1, Math.ceil(len / e.chunkSize)));
      assert.ok(eq(e.plaintextDigest, sha256(pt)), `${what}: plaintext digest`);
      assert.equal(e.recordLen, 128 + pq.sizes(kem).ciphertext + 48);
      assert.equal(i.payloadLen, e.recordLen + len + 16 * e.chunkCount, `${what}: record, chunks, tags`);

      // Any verifier checks the signature without the key: over the stored payload.
      const v = pq.verifyFirmware(policy(), image);
      assert.equal(v.valid, true);
      assert.equal(v.encrypted, true);
      assert.ok(eq(v.payloadDigest, sha256(payloadOf(image))));
      assert.equal(v.version.text, '1.4.2+20260101');

      const d = pq.decryptFirmware(policy(), image, kem, secretKey);
      assert.ok(eq(d.plaintext, pt), `${what}: plaintext`);
      assert.equal(d.valid, true);
      assert.equal(d.encrypted, true);
      assert.ok(eq(d.imageId, v.imageId));
      assert.equal(d.securityVersion, 7n);
      assert.deepEqual({ ...d.encryption, recipientKeyId: [...d.encryption.recipientKeyId], plaintextDigest: [...d.encryption.plaintextDigest] },
        { ...e, recipientKeyId: [...e.recipientKeyId], plaintextDigest: [...e.plaintextDigest] });
      if (len >= 64) {
        assert.equal(Buffer.from(image).indexOf(Buffer.from(pt.subarray(0, 32))), -1, `${what}: no plaintext in the image`);
      }
    }
  });
});

test('each image has its own content key; the same input encrypts differently', () => {
  const { publicKey, secretKey } = kemKey('X-Wing', 9);
  const pt = firmware(2000);
  const a = pq.signFirmware({ ...base, payload: pt, encryptTo: { kem: 'X-Wing', publicKey } });
  const b = pq.signFirmware({ ...base, payload: pt, encryptTo: { kem: 'X-Wing', publicKey } });
  assert.equal(a.length, b.length);
  assert.ok(!eq(payloadOf(a), payloadOf(b)));
  assert.ok(eq(pq.decryptFirmware(policy(), a, 'x-wing', secretKey).plaintext, pt), 'KEM names are case-insensitive');
  assert.ok(eq(pq.decryptFirmware(policy(), b, 'X-Wing', secretKey).plaintext, pt));
  // Defaults: HKDF-SHA256, AES-256-GCM, 4 KiB chunks.
  const e = pq.inspectFirmware(a).encryption;
  assert.deepEqual([e.kdf, e.aead, e.chunkSize], ['HKDF-SHA256', 'AES-256-GCM', 4096]);
});

test('wrong key: Firmware.WrongRecipient; the image is verified first', () => {
  const mine = kemKey('ML-KEM-768', 1);
  const image = pq.signFirmware({ ...base, payload: firmware(3000), encryptTo: { kem: 'ML-KEM-768', publicKey: mine.publicKey } });
  const other = kemKey('ML-KEM-768', 2);
  const e = throwsCode(assert, () => pq.decryptFirmware(policy(), image, 'ML-KEM-768', other.secretKey), 'Firmware.WrongRecipient');
  assert.match(e.message, /another key/);
  // A key of another KEM.
  throwsCode(assert, () => pq.decryptFirmware(policy(), image, 'X-Wing', kemKey('X-Wing', 1).secretKey), 'Firmware.WrongRecipient');
  // The policy is applied before anything is decrypted.
  throwsCode(assert, () => pq.decryptFirmware(policy({ minSecurityVersion: 8 }), image, 'ML-KEM-768', mine.secretKey), 'Firmware.Rollback');
  throwsCode(assert, () => pq.decryptFirmware(policy({ trustAnchors: [] }), image, 'ML-KEM-768', mine.secretKey), 'Firmware.UnknownKey');
  // Usage errors: an unknown KEM, a key of the wrong length.
  throwsCode(assert, () => pq.decryptFirmware(policy(), image, 'ML-KEM-769', mine.secretKey), 'UnknownAlgorithm');
  throwsCode(assert, () => pq.decryptFirmware(policy(), image, 'ML-KEM-768', mine.secretKey.subarray(1)), 'InvalidLength');
  assert.ok(eq(pq.decryptFirmware(policy(), image, 'ML-KEM-768', mine.secretKey).plaintext, firmware(3000)));
});

test('a modified chunk signed again: Firmware.ChunkAuthentication; a modified wrapped key: Firmware.KeyUnwrapFailed', () => {
  const { publicKey, secretKey } = kemKey('MLKEM768-ECDH-P256-SHA3-256', 3);
  const pt = firmware(1000);
  const image = pq.signFirmware({ ...base, payload: pt, encryptTo: { kem: 'MLKEM768-ECDH-P256-SHA3-256', publicKey, chunkSize: 256 } });
  const { recordLen } = pq.inspectFirmware(image).encryption;
  const stored = payloadOf(image);
  const chunk = 256 + 16;
  /** Signs `payload` (an encrypted payload) again, as the same signer would. */
  const resign = (payload) => pq.signFirmware({ ...base, payload, encrypted: true });
  const decrypt = (img) => pq.decryptFirmware(policy(), img, 'MLKEM768-ECDH-P256-SHA3-256', secretKey);

  // Signing the untouched payload again gives a valid image with the same plaintext.
  assert.ok(eq(decrypt(resign(stored)).plaintext, pt));
  const cases = {
    'a ciphertext byte of the first chunk': (p) => { p[recordLen + 5] ^= 1; },
    'a ciphertext byte of the third chunk': (p) => { p[recordLen + 2 * chunk + 100] ^= 0x80; },
    'the tag of the last chunk': (p) => { p[p.length - 1] ^= 1; },
    'the first two chunks swapped': (p) => {
      const first = p.slice(recordLen, recordLen + chunk);
      p.copyWithin(recordLen, recordLen + chunk, recordLen + 2 * chunk);
      p.set(first, recordLen + chunk);
    },
  };
  for (const [what, modify] of Object.entries(cases)) {
    const p = Uint8Array.from(stored);
    modify(p);
    const forged = resign(p);
    // The signature is good (the signer signed the modified payload) …
    assert.equal(pq.verifyFirmware(policy(), forged).valid, true, what);
    // … but the chunk does not authenticate under the content key.
    throwsCode(assert, () => decrypt(forged), 'Firmware.ChunkAuthentication');
  }
  // The wrapped content key (the record's last bytes) modified and signed again.
  const p = Uint8Array.from(stored);
  p[recordLen - 1] ^= 1;
  throwsCode(assert, () => decrypt(resign(p)), 'Firmware.KeyUnwrapFailed');
  // A payload without a whole record is not signed as encrypted.
  throwsCode(assert, () => resign(pt), 'Firmware.BadEncryptionRecord');
  throwsCode(assert, () => resign(stored.subarray(0, stored.length - 1)), 'Firmware.BadEncryptionRecord');
  throwsCode(assert, () => resign(stored.subarray(0, 4)), 'Firmware.Truncated');
});

test('a modified image that was not signed again: Firmware.DigestMismatch', () => {
  const { publicKey, secretKey } = kemKey('ML-KEM-1024', 4);
  const image = pq.signFirmware({ ...base, payload: firmware(5000), encryptTo: { kem: 'ML-KEM-1024', publicKey, chunkSize: 1024 } });
  const i = pq.inspectFirmware(image);
  const at = (off) => {
    const t = Uint8Array.from(image);
    t[i.headerLen + off] ^= 0x01;
    return t;
  };
  for (const [what, off] of [['a chunk', i.encryption.recordLen + 2000], ['the wrapped key', i.encryption.recordLen - 3], ['the record\'s recipient key id', 30]]) {
    const t = at(off);
    throwsCode(assert, () => pq.verifyFirmware(policy(), t), 'Firmware.DigestMismatch');
    const e = throwsCode(assert, () => pq.decryptFirmware(policy(), t, 'ML-KEM-1024', secretKey), 'Firmware.DigestMismatch');
    assert.match(e.message, /digest mismatch/, what);
  }
  assert.equal(pq.decryptFirmware(policy(), image, 'ML-KEM-1024', secretKey).plaintext.length, 5000);
});

test('a plain image: encrypted false, no record, Firmware.NotEncrypted', () => {
  const { secretKey } = kemKey('X-Wing', 5);
  const plain = pq.signFirmware({ ...base, payload: firmware(700) });
  const i = pq.inspectFirmware(plain);
  assert.equal(i.encrypted, false);
  assert.equal(i.flags & 0x04, 0);
  assert.equal(i.encryption, null);
  assert.equal(i.payloadLen, 700);
  const v = pq.verifyFirmware(policy(), plain);
  assert.equal(v.encrypted, false);
  assert.ok(eq(v.payloadDigest, sha256(firmware(700))));
  throwsCode(assert, () => pq.decryptFirmware(policy(), plain, 'X-Wing', secretKey), 'Firmware.NotEncrypted');
  // The KAT's own image (signed by the CLI's code path) likewise.
  const valid = kat.image('valid.pqfw');
  assert.equal(pq.verifyFirmware(policy(), valid).encrypted, false);
  assert.equal(pq.inspectFirmware(valid).encryption, null);
  throwsCode(assert, () => pq.decryptFirmware(policy(), valid, 'X-Wing', secretKey), 'Firmware.NotEncrypted');
  // The streaming verifier reports the flag too, in the unverified header and the result.
  const { publicKey } = kemKey('X-Wing', 5);
  const enc = pq.signFirmware({ ...base, payload: firmware(700), encryptTo: { kem: 'X-Wing', publicKey } });
  const fv = new pq.FirmwareVerifier(policy());
  fv.update(enc.subarray(0, 192));
  assert.equal(fv.unverifiedHeader().encrypted, true);
  fv.update(enc.subarray(192));
  assert.equal(fv.finish().encrypted, true);
  fv.free();
});

test('inspectFirmware reads the record from the start of an image', () => {
  const { publicKey } = kemKey('X-Wing', 6);
  const image = pq.signFirmware({ ...base, payload: firmware(9000), encryptTo: { kem: 'X-Wing', publicKey } });
  const whole = pq.inspectFirmware(image);
  const end = whole.headerLen + whole.encryption.recordLen;
  // Header and record only: enough to choose the key before the download completes.
  const head = pq.inspectFirmware(image.subarray(0, end));
  assert.ok(eq(head.encryption.recipientKeyId, pq.kemKeyId('X-Wing', publicKey)));
  assert.equal(head.signatureBlock, null);
  assert.ok(head.problem, 'the image is incomplete');
  // One byte short of the record: no record.
  const short = pq.inspectFirmware(image.subarray(0, end - 1));
  assert.equal(short.encryption, null);
  assert.equal(short.encrypted, true);
  // A whole image whose record is malformed: the problem names it.
  const bad = Uint8Array.from(image);
  bad[whole.headerLen] ^= 0xff; // the record's magic
  const b = pq.inspectFirmware(bad);
  assert.equal(b.encryption, null);
  assert.equal(b.problem.code, 'Firmware.BadEncryptionRecord');
  assert.ok(b.signatureBlock, 'the signature block is still shown');
});

test('signFirmware: header options, digest algorithms, endorsement, usage errors', () => {
  const { publicKey, secretKey } = kemKey('ML-KEM-512', 7);
  const sbom = sha256(new TextEncoder().encode('sbom'));
  const pt = firmware(3333);
  const image = pq.signFirmware({
    ...base,
    payload: pt,
    version: { major: 2, minor: 0, revision: 513, build: 70000 },
    digestAlgorithm: 'SHA3-512',
    sbomDigest: pq.toHex(sbom),
    headerLen: 1024,
    securityVersion: 9n,
    encryptTo: { kem: 'ML-KEM-512', publicKey, chunkSize: 65536 },
  });
  const d = pq.decryptFirmware(policy(), image, 'ML-KEM-512', secretKey);
  assert.ok(eq(d.plaintext, pt));
  assert.equal(d.version.text, '2.0.513+70000');
  // A result's version (with its text) is accepted back; missing fields are 0.
  assert.equal(pq.inspectFirmware(pq.signFirmware({ ...base, payload: pt, version: d.version })).version.text, '2.0.513+70000');
  assert.equal(pq.inspectFirmware(pq.signFirmware({ ...base, payload: pt, version: { minor: 3 } })).version.text, '0.3.0+0');
  assert.equal(d.digestAlgorithm, 'SHA3-512');
  assert.equal(d.payloadDigest.length, 64);
  assert.equal(d.encryption.plaintextDigest.length, 64, 'the record uses the header\'s digest algorithm');
  assert.ok(eq(d.sbomDigest, sbom));
  assert.equal(d.headerLen, 1024);
  assert.equal(d.securityVersion, 9n);
  assert.equal(d.encryption.chunkCount, 1);

  // Signed by the KAT release key with its endorsement by the root (taken from valid.pqfw).
  const valid = kat.image('valid.pqfw');
  const vi = pq.inspectFirmware(valid);
  const pkLen = vi.signatureBlock.publicKey.length;
  const endorsement = valid.subarray(vi.headerLen + vi.payloadLen + 4 + 2 + 2 + pkLen + 2 + pq.sizes(vi.algorithm).signature);
  const delegated = pq.signFirmware({ ...base, ...signer('release'), endorsement, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey } });
  const dd = pq.decryptFirmware(policy(), delegated, 'ML-KEM-512', secretKey);
  assert.equal(dd.delegated, true);
  assert.ok(eq(dd.delegation.rootKeyId, hex(katKey('root').keyId)));
  assert.ok(eq(dd.plaintext, pt));
  // The endorsement covers security versions 5..=10.
  throwsCode(assert, () => pq.signFirmware({ ...base, ...signer('release'), endorsement, securityVersion: 11, payload: pt }), 'Firmware.DelegationOutOfRange');

  // Security versions above a 32-bit counter need the limit raised, as in the CLI.
  throwsCode(assert, () => pq.signFirmware({ ...base, securityVersion: 2n ** 32n, payload: pt }), 'Firmware.SecurityVersionTooLarge');
  const big = pq.signFirmware({ ...base, securityVersion: 2n ** 32n, maxSecurityVersion: 2n ** 64n - 1n, payload: pt });
  assert.equal(pq.inspectFirmware(big).securityVersion, 2n ** 32n);

  const bad = (opts, code) => throwsCode(assert, () => pq.signFirmware(opts), code);
  bad(null, 'InvalidArgument');
  bad({ ...base }, 'InvalidArgument'); // no payload
  bad({ ...base, payload: pt, secretKey: undefined }, 'InvalidArgument');
  bad({ ...base, payload: 'firmware' }, 'InvalidArgument');
  bad({ ...base, payload: pt, algorithm: 'Ed25519' }, 'Firmware.AlgorithmNotAllowed');
  bad({ ...base, payload: pt, algorithm: 'RSA' }, 'UnknownAlgorithm');
  bad({ ...base, payload: pt, deviceClass: 'abcd' }, 'InvalidArgument');
  bad({ ...base, payload: pt, version: '1.2.3' }, 'InvalidArgument');
  bad({ ...base, payload: pt, version: { major: 256 } }, 'InvalidArgument');
  bad({ ...base, payload: pt, version: { revision: -1 } }, 'InvalidArgument');
  bad({ ...base, payload: pt, version: { build: 2 ** 32 } }, 'InvalidArgument');
  bad({ ...base, payload: pt, digestAlgorithm: 'MD5' }, 'InvalidArgument');
  bad({ ...base, payload: pt, headerLen: 100 }, 'Firmware.BadHeaderLength');
  bad({ ...base, payload: pt, encrypted: 'yes' }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey }, encrypted: true }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: 'ML-KEM-512' }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: { publicKey } }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512' } }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey, chunkSize: 63 } }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey, chunkSize: 65537 } }, 'InvalidArgument');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey, kdf: 'HKDF-MD5' } }, 'UnsupportedSuite');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey, aead: 'AES-128-GCM' } }, 'UnsupportedSuite');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-512', publicKey: publicKey.subarray(1) } }, 'InvalidLength');
  bad({ ...base, payload: pt, encryptTo: { kem: 'ML-KEM-51', publicKey } }, 'UnknownAlgorithm');
});

// ---------------------------------------------------------------------------------------------
// The format from the document

const u8 = (b) => new Uint8Array(b);
const CEK_INFO = Buffer.from('pqhybrid/fw/v1/cek');
/** The worked example's suite (docs/firmware-format.md): ids as the record stores them. */
const SUITE = { kem: 'X-Wing', kdf: 'SHAKE128', aead: 'ChaCha20Poly1305', ids: [0x647a, 0x0010, 0x0003] };
const nonce = (i, last) => {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(i), 0);
  n.writeUInt32BE(last ? 1 : 0, 8);
  return n;
};

/** An encrypted payload written from the document: record, then AES-256-GCM chunks. */
function encryptPayload(publicKey, deviceClass, pt, chunkSize, digest = sha256(pt)) {
  const nenc = pq.sizes(SUITE.kem).ciphertext;
  const fixed = Buffer.alloc(128);
  fixed.write('PQEN', 0, 'latin1');
  fixed[4] = 1; // record version
  fixed[5] = 1; // AES-256-GCM
  fixed.writeUInt16LE(128 + nenc + 48, 6);
  SUITE.ids.forEach((id, i) => fixed.writeUInt16LE(id, 8 + 2 * i));
  fixed.writeUInt16LE(nenc, 14);
  fixed.writeUInt32LE(chunkSize, 16);
  fixed.writeUInt32LE(pt.length, 20);
  fixed.set(pq.kemKeyId(SUITE.kem, publicKey), 24);
  fixed.set(digest, 56);
  const cek = randomBytes(32);
  const info = Buffer.concat([CEK_INFO, deviceClass]);
  const record = Buffer.concat([fixed, pq.hpkeSeal(SUITE.kem, SUITE.kdf, SUITE.aead, publicKey, info, fixed, cek)]);
  const aad = sha256(record);
  const n = Math.max(1, Math.ceil(pt.length / chunkSize));
  const chunks = [];
  for (let i = 0; i < n; i++) {
    const c = createCipheriv('aes-256-gcm', cek, nonce(i, i === n - 1));
    c.setAAD(aad);
    chunks.push(c.update(pt.subarray(i * chunkSize, (i + 1) * chunkSize)), c.final(), c.getAuthTag());
  }
  return u8(Buffer.concat([record, ...chunks]));
}

/** Decrypts an encrypted payload as the document says, with the recipient's secret key. */
function decryptPayload(secretKey, deviceClass, payload) {
  const p = Buffer.from(payload);
  assert.equal(p.toString('latin1', 0, 4), 'PQEN');
  const len = p.readUInt16LE(6);
  const [kemId, kdfId, aeadId, nenc] = [8, 10, 12, 14].map((o) => p.readUInt16LE(o));
  assert.deepEqual([kemId, kdfId, aeadId], SUITE.ids);
  assert.equal(len, 128 + nenc + 48);
  const chunkSize = p.readUInt32LE(16);
  const ptLen = p.readUInt32LE(20);
  const fixed = p.subarray(0, 128);
  const info = Buffer.concat([CEK_INFO, deviceClass]);
  const cek = pq.hpkeOpen(SUITE.kem, SUITE.kdf, SUITE.aead, secretKey, info, fixed, p.subarray(128, len));
  const aad = sha256(p.subarray(0, len));
  const n = Math.max(1, Math.ceil(ptLen / chunkSize));
  const out = [];
  let off = len;
  for (let i = 0; i < n; i++) {
    const l = Math.min(chunkSize, ptLen - i * chunkSize);
    const d = createDecipheriv('aes-256-gcm', cek, nonce(i, i === n - 1));
    d.setAAD(aad);
    d.setAuthTag(p.subarray(off + l, off + l + 16));
    out.push(d.update(p.subarray(off, off + l)), d.final());
    off += l + 16;
  }
  assert.equal(off, p.length, 'payload_len = L + P + 16·n');
  const pt = u8(Buffer.concat(out));
  assert.ok(eq(p.subarray(56, 88), sha256(pt)), 'the record carries the plaintext digest');
  return pt;
}

test('the format from docs/firmware-format.md, both ways; a wrong plaintext digest: Firmware.PlaintextDigestMismatch', () => {
  const { publicKey, secretKey } = kemKey(SUITE.kem, 0x43);
  const deviceClass = hex(kat.options.deviceClass);
  const pt = firmware(1000);
  const encryptTo = { kem: SUITE.kem, publicKey, kdf: SUITE.kdf, aead: SUITE.aead, chunkSize: 256 };
  // The package's payload, decrypted here.
  const image = pq.signFirmware({ ...base, payload: pt, encryptTo });
  assert.equal(pq.inspectFirmware(image).payloadLen, 1296 + 1000 + 4 * 16, 'as in the worked example');
  assert.ok(eq(decryptPayload(secretKey, deviceClass, payloadOf(image)), pt));
  // A payload written here, signed and decrypted by the package.
  const ours = pq.signFirmware({ ...base, payload: encryptPayload(publicKey, deviceClass, pt, 256), encrypted: true });
  const d = pq.decryptFirmware(policy(), ours, SUITE.kem, secretKey);
  assert.ok(eq(d.plaintext, pt));
  assert.equal(d.encryption.chunkCount, 4);
  // Every chunk authenticates, but the record names another plaintext.
  const wrong = sha256(firmware(1000, 1));
  const lying = pq.signFirmware({ ...base, payload: encryptPayload(publicKey, deviceClass, pt, 256, wrong), encrypted: true });
  // By default the decryptor relies on the chunk tags: the lying record is not noticed …
  const dl = pq.decryptFirmware(policy(), lying, SUITE.kem, secretKey);
  assert.ok(eq(dl.plaintext, pt));
  assert.equal(dl.plaintextDigestChecked, false);
  assert.equal(pq.decryptFirmware(policy(), ours, SUITE.kem, secretKey, {}).plaintextDigestChecked, false);
  // … with checkPlaintextDigest it is refused; the honest one passes the check.
  throwsCode(assert, () => pq.decryptFirmware(policy(), lying, SUITE.kem, secretKey, { checkPlaintextDigest: true }), 'Firmware.PlaintextDigestMismatch');
  const dc = pq.decryptFirmware(policy(), ours, SUITE.kem, secretKey, { checkPlaintextDigest: true });
  assert.ok(eq(dc.plaintext, pt));
  assert.equal(dc.plaintextDigestChecked, true);
  throwsCode(assert, () => pq.decryptFirmware(policy(), ours, SUITE.kem, secretKey, { checkPlaintextDigest: 1 }), 'InvalidArgument');
  throwsCode(assert, () => pq.decryptFirmware(policy(), ours, SUITE.kem, secretKey, 'yes'), 'InvalidArgument');
  // The content key is bound to the device class (the key wrap's info).
  const otherClass = Buffer.from('another-devclass');
  const moved = pq.signFirmware({ ...base, payload: encryptPayload(publicKey, otherClass, pt, 256), encrypted: true });
  throwsCode(assert, () => pq.decryptFirmware(policy(), moved, SUITE.kem, secretKey), 'Firmware.KeyUnwrapFailed');
});

// ---------------------------------------------------------------------------------------------
// The known-answer files of the core (tests/kat_firmware_encrypted.rs writes them)

test('kat-vectors/pqhybrid/firmware-encrypted: each file\'s verdict through decryptFirmware', () => {
  const dir = join(repoRoot, 'kat-vectors', 'pqhybrid', 'firmware-encrypted');
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(m.policy.acceptEncrypted, true);
  const p = new pq.Policy({
    deviceClass: m.policy.deviceClass,
    minSecurityVersion: m.policy.minSecurityVersion,
    trustAnchors: m.policy.trustAnchors.map((keyId) => ({ keyId })),
    acceptEncrypted: m.policy.acceptEncrypted,
  });
  // Without acceptEncrypted the verifier refuses every encrypted file at its header.
  const strict = new pq.Policy({
    deviceClass: m.policy.deviceClass,
    trustAnchors: m.policy.trustAnchors.map((keyId) => ({ keyId })),
  });
  const plaintext = Uint8Array.from({ length: m.plaintext.len }, (_, i) => (13 * i + 5) & 0xff);
  assert.equal(pq.toHex(sha256(plaintext)), m.plaintext.sha256);
  const keys = new Map(m.deviceKeys.map((k) => {
    const pair = kemKey(k.kem, k.seedByte);
    assert.equal(pq.toHex(pair.publicKey), k.publicKey, `${k.kem} device key from its seed byte`);
    assert.equal(pq.toHex(pq.kemKeyId(k.kem, pair.publicKey)), k.keyId);
    return [k.kem, pair.secretKey];
  }));
  const seen = new Set();
  for (const f of m.files) {
    const image = readFileSync(join(dir, f.file));
    assert.equal(image.length, f.len, f.file);
    // decryptFirmware's chunk buffer holds the largest chunk (64 KiB + 16), not the 4 KiB + 16
    // of the manifest's device decryptor: its 8 KiB chunks decrypt. The verdict is the same
    // with and without the plaintext-digest check.
    const want = f.expect === 'valid' || f.expect === 'ChunkTooLarge' ? 'valid' : `Firmware.${f.expect}`;
    for (const checkPlaintextDigest of [false, true]) {
      let got;
      try {
        const d = pq.decryptFirmware(p, image, f.deviceKey, keys.get(f.deviceKey), { checkPlaintextDigest });
        assert.ok(eq(d.plaintext, plaintext), `${f.file}: plaintext`);
        assert.equal(d.encryption.kem, f.deviceKey);
        assert.equal(d.plaintextDigestChecked, checkPlaintextDigest);
        got = 'valid';
      } catch (e) {
        got = e.code;
      }
      assert.equal(got, want, `${f.file} (checkPlaintextDigest: ${checkPlaintextDigest})`);
    }
    let strictGot;
    try {
      strictGot = pq.verifyFirmware(strict, image).valid ? 'valid' : 'invalid';
    } catch (e) {
      strictGot = e.code;
    }
    assert.equal(strictGot, f.expect === 'NotEncrypted' ? 'valid' : 'Firmware.EncryptedNotAccepted', `${f.file} without acceptEncrypted`);
    if (f.expect === 'ChunkTooLarge') assert.ok(pq.inspectFirmware(image).encryption.chunkSize > f.chunkBuffer - 16);
    if (f.file === 'valid-X-Wing.pqfw') {
      // The worked example of docs/firmware-format.md, decrypted here from the document.
      const e = pq.inspectFirmware(image).encryption;
      assert.deepEqual([e.kem, e.kdf, e.aead, e.chunkSize], [SUITE.kem, SUITE.kdf, SUITE.aead, 256]);
      assert.ok(eq(decryptPayload(keys.get('X-Wing'), hex(m.policy.deviceClass), payloadOf(image)), plaintext));
    }
    seen.add(f.expect);
  }
  strict.free();
  // Every rejection of decryption has its file, but PlaintextDigestMismatch (built above).
  for (const c of ['NotEncrypted', 'BadEncryptionRecord', 'WrongRecipient', 'KeyUnwrapFailed', 'ChunkAuthentication', 'ChunkTooLarge']) {
    assert.ok(seen.has(c), c);
  }
  p.free();
});

test('encrypted images need acceptEncrypted: Firmware.EncryptedNotAccepted at the header', () => {
  const { publicKey, secretKey } = kemKey('X-Wing', 5);
  const enc = pq.signFirmware({ ...base, payload: firmware(700), encryptTo: { kem: 'X-Wing', publicKey } });
  const strict = new pq.Policy(kat.options);
  assert.equal(strict.acceptEncrypted, false);
  assert.equal(policy().acceptEncrypted, true);
  throwsCode(assert, () => pq.verifyFirmware(strict, enc), 'Firmware.EncryptedNotAccepted');
  // The streaming verifier refuses it as soon as the fixed header is in.
  const fv = new pq.FirmwareVerifier(strict);
  throwsCode(assert, () => fv.update(enc.subarray(0, 192)), 'Firmware.EncryptedNotAccepted');
  throwsCode(assert, () => fv.finish(), 'Firmware.EncryptedNotAccepted');
  fv.free();
  // A plain image is unaffected; decryptFirmware accepts encrypted images whatever the policy.
  assert.equal(pq.verifyFirmware(strict, pq.signFirmware({ ...base, payload: firmware(700) })).valid, true);
  assert.ok(eq(pq.decryptFirmware(strict, enc, 'X-Wing', secretKey).plaintext, firmware(700)));
  throwsCode(assert, () => new pq.Policy({ ...kat.options, acceptEncrypted: 'yes' }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...kat.options, acceptEncrypted: 1 }), 'InvalidArgument');
  strict.free();
});

test('firmwareErrorCodes lists the encrypted-image rejections', () => {
  const codes = pq.firmwareErrorCodes();
  for (const c of ['EncryptedNotAccepted', 'NotEncrypted', 'BadEncryptionRecord', 'WrongRecipient', 'KeyUnwrapFailed', 'ChunkAuthentication', 'PlaintextDigestMismatch', 'ChunkTooLarge']) {
    assert.ok(codes.includes(`Firmware.${c}`), c);
  }
});
